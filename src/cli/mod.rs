//! The command line: one file per subcommand. Each parses its options (clap) and calls the
//! library; `main.rs` turns errors into messages and exit codes.

pub mod pipeline_args;
pub mod preprocess;
pub mod topics;
pub mod vocab;

pub use pipeline_args::{PipelineArgs, SpellingArgs};

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  blazetext preprocess corpora/sample.txt -o sample.tok --stopwords english
  blazetext vocab build corpora/sample.txt -o vocab.tsv --min-count 2

Run `blazetext <command> --help` for the options of each command.";

/// Fast word embeddings, text classification and topic models with one text pipeline.
#[derive(Debug, Parser)]
#[command(name = "blazetext", version, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Worker threads [default: all cores]
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bars, warnings or summaries on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Machine-readable JSON output
    #[arg(long, global = true)]
    pub json: bool,
}

// Parsed once per run: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the text pipeline over a corpus: one line of tokens per input line
    Preprocess(preprocess::Args),
    /// Build, show or prune a vocabulary
    #[command(subcommand)]
    Vocab(vocab::Command),
    /// Topic models: train, infer, show, eval, sweep
    #[command(subcommand)]
    Topics(topics::Command),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> crate::Result<()> {
    crate::log::set_quiet(cli.global.quiet);
    if let Some(threads) = cli.global.threads {
        if threads == 0 {
            return Err(crate::Error::config("--threads must be at least 1"));
        }
        // Only fails if a pool was already built, which cannot happen before this point.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
    match &cli.command {
        Command::Preprocess(args) => preprocess::run(&cli.global, args),
        Command::Vocab(command) => vocab::run(&cli.global, command),
        Command::Topics(command) => topics::run(&cli.global, command),
    }
}
