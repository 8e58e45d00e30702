//! `blazetext split`: shuffled (optionally stratified) train/validation/test files.

use std::path::PathBuf;

use super::numbers::finite_f64;
use super::output::outln;
use super::GlobalArgs;
use crate::log;
use blazetext::{Error, Result, Splitter};

#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Writes <prefix>.train, <prefix>.valid and <prefix>.test (a split with fraction 0 is
not written). With --stratify every class (the first label of a line) keeps its share in each
split, within one line. Lines are copied byte for byte; blank lines are dropped. Files that
exist already are kept unless -o or --force says to replace them; the input never is.

Examples:
  blazetext split data.txt --train 0.8 --validation 0.1 --test 0.1 --stratify --seed 1
  blazetext split sms.ft --train 0.8 --validation 0 --test 0.2 -o sms"
)]
pub struct Args {
    /// Labelled text file (`-` = stdin, then -o is required)
    pub input: PathBuf,
    /// Fraction of lines for training
    #[arg(long, default_value_t = 0.8, value_parser = finite_f64)]
    pub train: f64,
    /// Fraction of lines for validation
    #[arg(long, default_value_t = 0.1, value_parser = finite_f64)]
    pub validation: f64,
    /// Fraction of lines for testing
    #[arg(long, default_value_t = 0.1, value_parser = finite_f64)]
    pub test: f64,
    /// Keep each label's share in every split
    #[arg(long)]
    pub stratify: bool,
    /// Seed of the shuffle
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output prefix [default: the input path without its extension]
    #[arg(short, long, value_name = "PREFIX")]
    pub output: Option<PathBuf>,
    /// Tokens starting with this prefix are labels
    #[arg(long, default_value = "__label__", value_name = "PREFIX")]
    pub label_prefix: String,
    /// Overwrite output files that exist already (without -o, the outputs sit next to the
    /// input); the input itself is never overwritten
    #[arg(long)]
    pub force: bool,
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let mut splitter = Splitter::new(args.train, args.validation, args.test)?
        .stratify(args.stratify)
        .seed(args.seed)
        .label_prefix(&args.label_prefix)
        // An explicit -o names files the user means to (re)write.
        .force(args.force || args.output.is_some());
    if let Some(prefix) = &args.output {
        splitter = splitter.output(prefix);
    }
    let summary = splitter.split(&args.input)?;
    if summary.blank_lines > 0 {
        log::warn(format!("dropped {} blank line(s)", summary.blank_lines));
    }
    if global.json {
        outln!(
            "{}",
            serde_json::to_string(&summary).map_err(|e| Error::config(e.to_string()))?
        )?;
    } else {
        for o in &summary.outputs {
            outln!("{:<10} {:>9} lines  {}", o.split, o.lines, o.path.display())?;
        }
    }
    Ok(())
}
