//! `blazetext test`: fastText's N, P@k and R@k on a labelled file.

use std::path::PathBuf;

use super::GlobalArgs;
use crate::log;
use blazetext::classify::metrics::format_significant;
use blazetext::classify::predict::{check_threshold, evaluate, TopK};
use blazetext::classify::Classifier;
use blazetext::Result;

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
    #[arg(long, default_value_t = 0.0)]
    pub threshold: f32,
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let k = TopK::parse(args.k)?;
    let threshold = check_threshold(args.threshold)?;
    let (mut model, disk) = Classifier::open(&args.model)?;
    let e = evaluate(&mut model, &disk, &args.input, k, threshold)?;
    if e.unlabelled > 0 {
        log::warn(format!(
            "{}: skipped {} line(s) without a label",
            args.input.display(),
            e.unlabelled
        ));
    }
    let unseen = e.tally.report().unseen;
    if unseen.examples > 0 {
        let names: Vec<String> = unseen
            .labels
            .iter()
            .map(|(l, c)| format!("{l} ({c})"))
            .collect();
        log::warn(format!(
            "{} line(s) carry labels the model never saw: {}; as in fastText they are not \
             counted as gold labels ({} line(s) had no other label and were left out)",
            unseen.examples,
            names.join(", "),
            e.only_unseen
        ));
    }
    let m = &e.fasttext;
    if global.json {
        let v = serde_json::json!({
            "examples": m.examples, "k": k.as_i64(), "threshold": threshold,
            "precision": m.precision(), "recall": m.recall(),
            "gold_labels": m.gold, "predicted_labels": m.predicted, "correct": m.correct,
            "unseen_label_lines": unseen.examples, "skipped_unlabelled": e.unlabelled,
        });
        println!("{v}");
    } else {
        print!("{}", m.fasttext_text(k.as_i64()));
        if m.predicted == 0 {
            log::warn(format!(
                "nothing was predicted above --threshold {}; precision is undefined",
                format_significant(f64::from(threshold), 3)
            ));
        }
    }
    Ok(())
}
