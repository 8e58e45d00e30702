//! `blazetext test`: fastText's N, P@k and R@k on a labelled file.

use std::path::PathBuf;

use super::numbers::finite_f32;
use super::output::{self, outln};
use super::GlobalArgs;
use crate::log;
use blazetext::{format_significant, Classifier, Result};

#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Precision@k = correct predicted labels / predicted labels, recall@k = correct
predicted labels / gold labels, over all lines (as fastText; for single-label data with -k 1
both equal accuracy). Lines whose labels the model never saw are left out, as fastText does;
`blazetext report` counts them.

Example:
  blazetext test model.bin test.txt -k 1"
)]
pub struct Args {
    /// Classifier (.bin)
    pub model: PathBuf,
    /// Labelled text, one document per line
    pub input: PathBuf,
    /// Labels predicted per line: a number ≥ 1, or -1 for all labels
    #[arg(short, long, default_value_t = 1, allow_negative_numbers = true)]
    pub k: i64,
    /// Only labels with at least this probability (0 to 1)
    #[arg(long, default_value_t = 0.0, value_parser = finite_f32)]
    pub threshold: f32,
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let model = Classifier::open(&args.model)?;
    let t = model.test(&args.input, args.k, args.threshold)?;
    if t.skipped_unlabelled > 0 {
        log::warn(format!(
            "{}: skipped {} line(s) without a label",
            args.input.display(),
            t.skipped_unlabelled
        ));
    }
    if t.unseen.examples > 0 {
        let names: Vec<String> = t
            .unseen
            .labels
            .iter()
            .map(|(l, c)| format!("{l} ({c})"))
            .collect();
        log::warn(format!(
            "{} line(s) carry labels the model never saw: {}; as in fastText they are not \
             counted as gold labels ({} line(s) had no other label and were left out)",
            t.unseen.examples,
            names.join(", "),
            t.only_unseen_lines
        ));
    }
    if global.json {
        let v = serde_json::json!({
            "examples": t.examples, "k": t.k, "threshold": t.threshold,
            "precision": t.precision, "recall": t.recall,
            "gold_labels": t.gold_labels, "predicted_labels": t.predicted_labels,
            "correct": t.correct, "unseen_label_lines": t.unseen.examples,
            "skipped_unlabelled": t.skipped_unlabelled,
        });
        outln!("{v}")?;
    } else {
        output::text(&t.to_text())?;
        if t.predicted_labels == 0 {
            log::warn(format!(
                "nothing was predicted above --threshold {}; precision is undefined",
                format_significant(f64::from(t.threshold), 3)
            ));
        }
    }
    Ok(())
}
