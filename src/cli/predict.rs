//! `blazetext predict`: the most probable labels of every input line, in fastText's output format
//! (or JSON lines with `--json`).

use std::path::PathBuf;

use super::numbers::finite_f32;
use super::{output, GlobalArgs};
use blazetext::{Classifier, PredictionFormat, Result};

#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "Examples:
  blazetext predict model.bin test.txt                 # __label__positive
  blazetext predict model.bin test.txt -k 2 --probabilities
  echo 'what a great film' | blazetext predict model.bin - --json")]
pub struct Args {
    /// Classifier (.bin written by `blazetext train --mode supervised` or fastText)
    pub model: PathBuf,
    /// Text to classify, one document per line (`-` = stdin)
    #[arg(default_value = "-")]
    pub input: PathBuf,
    /// Labels per line: a number ≥ 1, or -1 for all labels
    #[arg(short, long, default_value_t = 1, allow_negative_numbers = true)]
    pub k: i64,
    /// Only labels with at least this probability (0 to 1)
    #[arg(long, default_value_t = 0.0, value_parser = finite_f32)]
    pub threshold: f32,
    /// Print each label's probability after it (fastText's predict-prob)
    #[arg(short, long)]
    pub probabilities: bool,
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let model = Classifier::open(&args.model)?;
    let format = if global.json {
        PredictionFormat::Json
    } else if args.probabilities {
        PredictionFormat::Probabilities
    } else {
        PredictionFormat::Labels
    };
    let mut out = output::buffered();
    model.predict_file(&args.input, args.k, args.threshold, format, &mut out)?;
    out.finish()
}
