//! `blazetext report`: per-label precision, recall, F1 and support, accuracy, micro/macro/weighted
//! averages and the confusion matrix, with scikit-learn's definitions.

use std::path::PathBuf;

use super::numbers::finite_f32;
use super::output::{self, outln};
use super::GlobalArgs;
use crate::log;
use blazetext::{Classifier, Error, OutputRule, Result};

#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Single-label models (softmax, hs, ns) are scored on their top label; one-vs-all
models (multi-label data) on every label with probability ≥ --threshold (default 0.5). Figures
follow scikit-learn's classification_report and confusion_matrix with zero_division=0; labels
are the union of gold and predicted labels, sorted. Gold labels the model never saw are counted
(recall 0) and listed.

Examples:
  blazetext report model.bin test.txt
  blazetext report model.bin test.txt --json > report.json"
)]
pub struct Args {
    /// Classifier (.bin)
    pub model: PathBuf,
    /// Labelled text, one document per line
    pub input: PathBuf,
    /// Labels predicted per line (-1: all) [default: 1, or -1 for one-vs-all models]
    #[arg(short, long, allow_negative_numbers = true)]
    pub k: Option<i64>,
    /// Minimum probability of a predicted label [default: 0, or 0.5 for one-vs-all models]
    #[arg(long, value_parser = finite_f32)]
    pub threshold: Option<f32>,
    /// Write the confusion matrix as CSV to this file
    #[arg(long, value_name = "FILE")]
    pub confusion_csv: Option<PathBuf>,
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    OutputRule::new()
        .reads([&args.model, &args.input])
        .writes(&args.confusion_csv)
        .check()?;
    let model = Classifier::open(&args.model)?;
    let report = model.report(&args.input, args.k, args.threshold)?;
    if report.skipped_unlabelled > 0 {
        log::warn(format!(
            "{}: skipped {} line(s) without a label",
            args.input.display(),
            report.skipped_unlabelled
        ));
    }
    if let Some(path) = &args.confusion_csv {
        report.write_confusion_csv(path)?;
    }
    if global.json {
        let v = serde_json::to_value(&report).map_err(|e| Error::config(e.to_string()))?;
        outln!("{v}")?;
    } else {
        output::text(&report.to_text())?;
    }
    Ok(())
}
