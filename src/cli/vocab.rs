//! `blazetext vocab build|show|prune`: count a corpus, inspect and prune vocabularies.

use super::events::Terminal;
use super::output::outln;
use super::pipeline_args::PipelineArgs;
use super::GlobalArgs;
use blazetext::{DfBound, OutputRule, Pipeline, Result, TrainingData, VocabOptions, Vocabulary};
use std::path::PathBuf;
use std::time::Instant;

// Parsed once per run: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Count the words and labels of a corpus and save the vocabulary as TSV
    #[command(
        after_help = "Example:\n  blazetext vocab build corpora/sample.txt -o vocab.tsv --min-count 2"
    )]
    Build(BuildArgs),
    /// Print a vocabulary's statistics and most frequent words
    #[command(after_help = "Example:\n  blazetext vocab show vocab.tsv -n 20")]
    Show(ShowArgs),
    /// Prune a saved vocabulary (min count, max size, document frequency)
    #[command(
        after_help = "Example:\n  blazetext vocab prune vocab.tsv -o small.tsv --max-vocab-size 5000 --max-df 0.5"
    )]
    Prune(PruneArgs),
}

#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Vocabulary")]
pub struct PruneOptions {
    /// Drop words seen fewer times than this
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub min_count: u64,
    /// Keep only this many of the most frequent words
    #[arg(long, value_name = "N")]
    pub max_vocab_size: Option<usize>,
    /// Drop words in fewer documents (lines) than this: a count, or a fraction such as 0.01
    #[arg(long, value_name = "N|FRACTION", value_parser = parse_df)]
    pub min_df: Option<DfBound>,
    /// Drop words in more documents than this: a count, or a fraction such as 0.5
    #[arg(long, value_name = "N|FRACTION", value_parser = parse_df)]
    pub max_df: Option<DfBound>,
}

fn parse_df(value: &str) -> std::result::Result<DfBound, String> {
    DfBound::parse(value).map_err(|e| e.to_string())
}

impl PruneOptions {
    pub fn to_options(&self) -> VocabOptions {
        VocabOptions {
            min_count: self.min_count,
            max_vocab_size: self.max_vocab_size,
            min_df: self.min_df,
            max_df: self.max_df,
            ..VocabOptions::default()
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Input files, directories, .gz files, or - for standard input
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Where to write the vocabulary (TSV)
    #[arg(short, long, value_name = "TSV")]
    pub output: PathBuf,
    #[command(flatten)]
    pub prune: PruneOptions,
    /// How many of the most frequent words to print
    #[arg(short = 'n', long, default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A vocabulary written by `vocab build`
    pub vocab: PathBuf,
    /// How many of the most frequent words to print
    #[arg(short = 'n', long, default_value_t = 20)]
    pub top: usize,
}

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// A vocabulary written by `vocab build`
    pub vocab: PathBuf,
    /// Where to write the pruned vocabulary
    #[arg(short, long, value_name = "TSV")]
    pub output: PathBuf,
    #[command(flatten)]
    pub prune: PruneOptions,
}

pub fn run(global: &GlobalArgs, command: &Command) -> Result<()> {
    match command {
        Command::Build(args) => {
            OutputRule::new()
                .reads(&args.inputs)
                .reads(args.pipeline.reads())
                .writes([&args.output])
                .writes(args.pipeline.writes())
                .check()?;
            let start = Instant::now();
            let options = args.prune.to_options();
            options.validate()?;
            let pipeline = args.pipeline.to_pipeline(Pipeline::default())?;
            let terminal = Terminal::new(global);
            let mut builder = Vocabulary::builder(&pipeline)
                .options(options)
                .on_event(terminal.hook());
            if let Some(threads) = global.threads {
                builder = builder.threads(threads);
            }
            let vocab = builder.build(&TrainingData::files(args.inputs.iter().cloned()))?;
            vocab.save_tsv(&args.output)?;
            let seconds = start.elapsed().as_secs_f64();
            let bytes: u64 = args
                .inputs
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum();
            crate::log::info(format!(
                "counted {:.1} MB in {seconds:.2} s ({:.1} MB/s); wrote {}",
                bytes as f64 / 1e6,
                bytes as f64 / 1e6 / seconds.max(1e-9),
                args.output.display()
            ));
            print_vocab(global, &vocab, args.top)
        }
        Command::Show(args) => print_vocab(global, &Vocabulary::load_tsv(&args.vocab)?, args.top),
        Command::Prune(args) => {
            OutputRule::new()
                .reads([&args.vocab])
                .writes([&args.output])
                .check()?;
            let vocab = Vocabulary::load_tsv(&args.vocab)?.prune(&args.prune.to_options())?;
            vocab.save_tsv(&args.output)?;
            print_vocab(global, &vocab, 10)
        }
    }
}

fn print_vocab(global: &GlobalArgs, vocab: &Vocabulary, top: usize) -> Result<()> {
    let stats = vocab.stats();
    let top_words = &vocab.words()[..top.min(vocab.len())];
    if global.json {
        let json = serde_json::json!({ "stats": stats, "top": top_words });
        return outln!("{json}");
    }
    outln!("documents\t{}", stats.documents)?;
    outln!("tokens\t{}", stats.tokens)?;
    outln!("types\t{}", stats.types)?;
    outln!("coverage\t{:.4}", stats.coverage)?;
    for (n, share) in &stats.coverage_top {
        outln!("coverage_top_{n}\t{share:.4}")?;
    }
    if !stats.label_counts.is_empty() {
        outln!("labels\t{}", stats.labels)?;
        for (label, count) in &stats.label_counts {
            outln!("  {label}\t{count}")?;
        }
    }
    outln!("top {} words (count, documents):", top_words.len())?;
    for e in top_words {
        outln!("  {}\t{}\t{}", e.text, e.count, e.doc_freq)?;
    }
    Ok(())
}
