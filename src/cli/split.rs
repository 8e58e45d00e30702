//! `blazetext split`: shuffled (optionally stratified) train/validation/test files.

use std::path::PathBuf;

use super::GlobalArgs;
use crate::log;
use blazetext::classify::split::{default_prefix, split_file, Fractions, SplitOptions};
use blazetext::{Error, Result};

#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Writes <prefix>.train, <prefix>.valid and <prefix>.test (a split with fraction 0 is
not written). With --stratify every class (the first label of a line) keeps its share in each
split, within one line. Lines are copied byte for byte; blank lines are dropped.

Examples:
  blazetext split data.txt --train 0.8 --validation 0.1 --test 0.1 --stratify --seed 1
  blazetext split sms.ft --train 0.8 --validation 0 --test 0.2 -o sms"
)]
pub struct Args {
    /// Labelled text file (`-` = stdin, then -o is required)
    pub input: PathBuf,
    /// Fraction of lines for training
    #[arg(long, default_value_t = 0.8)]
    pub train: f64,
    /// Fraction of lines for validation
    #[arg(long, default_value_t = 0.1)]
    pub validation: f64,
    /// Fraction of lines for testing
    #[arg(long, default_value_t = 0.1)]
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
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let fractions = Fractions::new(args.train, args.validation, args.test)?;
    let prefix = match &args.output {
        Some(p) => p.clone(),
        None if args.input.as_os_str() == "-" => {
            return Err(Error::config(
                "reading stdin: give an output prefix with -o",
            ))
        }
        None => default_prefix(&args.input),
    };
    let options = SplitOptions {
        fractions,
        stratify: args.stratify,
        seed: args.seed,
        label_prefix: args.label_prefix.clone(),
    };
    let summary = split_file(&args.input, &prefix, &options)?;
    if summary.blank_lines > 0 {
        log::warn(format!("dropped {} blank line(s)", summary.blank_lines));
    }
    if global.json {
        println!(
            "{}",
            serde_json::to_string(&summary).map_err(|e| Error::config(e.to_string()))?
        );
    } else {
        for o in &summary.outputs {
            println!("{:<10} {:>9} lines  {}", o.split, o.lines, o.path.display());
        }
    }
    Ok(())
}
