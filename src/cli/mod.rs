//! The command line: one file per subcommand. Each parses its options (clap) and calls the
//! library; `main.rs` turns errors into messages and exit codes.

pub mod convert;
pub mod eval;
pub mod events;
pub mod given;
pub mod numbers;
pub mod output;
pub mod pipeline_args;
pub mod predict;
pub mod preprocess;
pub mod query;
pub mod report;
pub mod sagemaker;
#[cfg(feature = "serve")]
pub mod serve;
pub mod signals;
pub mod split;
pub mod test;
pub mod topics;
pub mod train;
pub mod transform;
pub mod vocab;

pub use pipeline_args::PipelineArgs;

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  blazetext train --mode skipgram corpora/sample.txt -o sample --subwords --epochs 20
  blazetext nn sample.bin guitar
  blazetext analogy sample.bin guitar guitars piano      (guitar is to guitars as piano is to ?)
  blazetext train --mode supervised corpora/sample-labelled.train -o clf
  blazetext predict clf.bin corpora/sample-labelled.test -k 2 --probabilities
  blazetext report clf.bin corpora/sample-labelled.test
  blazetext topics train corpora/sample-docs.txt -o topics --num-topics 6
  blazetext topics show topics
  blazetext preprocess corpora/sample.txt -o sample.tok --stopwords english --stemmer english
  blazetext serve clf.bin --bind 127.0.0.1:8080      (POST /invocations, SageMaker's shapes)
  blazetext transform clf.bin texts.jsonl -o out/     (batch transform: out/texts.jsonl.out)

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
    /// Train word embeddings (cbow, skipgram, batch_skipgram) or a classifier (supervised)
    Train(train::Args),
    /// Nearest neighbours of words by cosine similarity
    Nn(query::NnArgs),
    /// "a is to b as c is to ?": the words closest to b − a + c
    Analogy(query::AnalogyArgs),
    /// Print the vectors of words read from stdin
    Vectors(query::VectorsArgs),
    /// Print one vector per line of stdin
    SentenceVectors(query::SentenceVectorsArgs),
    /// Evaluate word vectors on analogies or word-pair similarity
    Eval(eval::EvalArgs),
    /// Convert word vectors between .bin, .vec and word2vec binary
    Convert(convert::ConvertArgs),
    /// Predict the labels of each line with a classifier
    Predict(predict::Args),
    /// fastText's N, precision@k and recall@k of a classifier on labelled data
    Test(test::Args),
    /// Per-label precision/recall/F1, averages and confusion matrix of a classifier
    Report(report::Args),
    /// Split a labelled file into shuffled (optionally stratified) train/validation/test files
    Split(split::Args),
    /// Topic models: train, infer, show, eval, sweep
    #[command(subcommand)]
    Topics(topics::Command),
    /// Run the text pipeline over a corpus: one line of tokens per input line
    Preprocess(preprocess::Args),
    /// Build, show or prune a vocabulary
    #[command(subcommand)]
    Vocab(vocab::Command),
    /// Serve models over HTTP: SageMaker's /invocations (BlazingText and NTM shapes) and more
    #[cfg(feature = "serve")]
    Serve(serve::Args),
    /// SageMaker batch transform on local files: every record through a model, in order
    Transform(transform::Args),
}

/// Runs the parsed command line.
pub fn run(mut cli: Cli) -> blazetext::Result<()> {
    crate::log::set_quiet(cli.global.quiet);
    if let Some(threads) = cli.global.threads {
        if threads == 0 {
            return Err(blazetext::Error::config("--threads must be at least 1"));
        }
        let threads = if threads > blazetext::MAX_THREADS {
            crate::log::warn(format!(
                "--threads {threads}: using {}, the most blazetext runs at once",
                blazetext::MAX_THREADS
            ));
            blazetext::MAX_THREADS
        } else {
            threads
        };
        cli.global.threads = Some(threads);
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|e| {
                blazetext::Error::config(format!(
                    "could not start {threads} worker threads ({e}); use a lower --threads"
                ))
            })?;
    }
    match &cli.command {
        Command::Preprocess(args) => preprocess::run(&cli.global, args),
        Command::Vocab(command) => vocab::run(&cli.global, command),
        Command::Predict(args) => predict::run(&cli.global, args),
        Command::Test(args) => test::run(&cli.global, args),
        Command::Report(args) => report::run(&cli.global, args),
        Command::Split(args) => split::run(&cli.global, args),
        Command::Train(args) => train::run(&cli.global, args),
        Command::Nn(args) => query::nn(&cli.global, args),
        Command::Analogy(args) => query::analogy(&cli.global, args),
        Command::Vectors(args) => query::vectors(&cli.global, args),
        Command::SentenceVectors(args) => query::sentence_vectors(&cli.global, args),
        Command::Eval(args) => eval::run(&cli.global, args),
        Command::Convert(args) => convert::run(&cli.global, args),
        Command::Topics(command) => topics::run(&cli.global, command),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&cli.global, args),
        Command::Transform(args) => transform::run(&cli.global, args),
    }
}
