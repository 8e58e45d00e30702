//! `blazetext report`: per-label precision, recall, F1 and support, accuracy, micro/macro/weighted
//! averages and the confusion matrix, with scikit-learn's definitions.

use std::path::PathBuf;

use super::GlobalArgs;
use crate::log;
use blazetext::classify::predict::{check_threshold, evaluate, TopK};
use blazetext::classify::Classifier;
use blazetext::{Error, Result};

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
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Write the confusion matrix as CSV to this file
    #[arg(long, value_name = "FILE")]
    pub confusion_csv: Option<PathBuf>,
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let (mut model, disk) = Classifier::open(&args.model)?;
    let multi = model.is_multi_label();
    let k = TopK::parse(args.k.unwrap_or(if multi { -1 } else { 1 }))?;
    let threshold = check_threshold(args.threshold.unwrap_or(if multi { 0.5 } else { 0.0 }))?;
    let e = evaluate(&mut model, &disk, &args.input, k, threshold)?;
    if e.unlabelled > 0 {
        log::warn(format!(
            "{}: skipped {} line(s) without a label",
            args.input.display(),
            e.unlabelled
        ));
    }
    let report = e.tally.report();
    if let Some(path) = &args.confusion_csv {
        let Some(cm) = &report.confusion else {
            return Err(Error::config(
                "--confusion-csv: the data is multi-label, which has no single confusion matrix; \
                 see the per-label counts in the report",
            ));
        };
        let mut csv = String::from("gold\\predicted");
        for l in &cm.labels {
            csv.push(',');
            csv.push_str(&csv_field(l));
        }
        if cm.no_prediction.is_some() {
            csv.push_str(",(none)");
        }
        csv.push('\n');
        for (i, row) in cm.matrix.iter().enumerate() {
            csv.push_str(&csv_field(&cm.labels[i]));
            for v in row {
                csv.push_str(&format!(",{v}"));
            }
            if let Some(none) = &cm.no_prediction {
                csv.push_str(&format!(",{}", none[i]));
            }
            csv.push('\n');
        }
        blazetext::io::write_atomically(path, |w| std::io::Write::write_all(w, csv.as_bytes()))?;
    }
    if global.json {
        let mut v = serde_json::to_value(&report).map_err(|e| Error::config(e.to_string()))?;
        v["k"] = k.as_i64().into();
        v["threshold"] = threshold.into();
        v["skipped_unlabelled"] = e.unlabelled.into();
        println!("{v}");
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
