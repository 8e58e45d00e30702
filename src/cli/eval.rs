//! `eval analogies` and `eval similarity`: intrinsic evaluation of word vectors.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::output::outln;
use super::query::load_model;
use super::GlobalArgs;
use blazetext::{AnalogyMethod, AnalogyOptions, AnalogyScore, Error, Result, SimilarityOptions};

/// Evaluate word vectors on analogy questions or word-pair similarity.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub task: EvalTask,
}

#[derive(Debug, Subcommand)]
pub enum EvalTask {
    Analogies(AnalogiesArgs),
    Similarity(SimilarityArgs),
}

/// Analogy accuracy on a questions-words.txt style file.
///
/// Sections start with `: name`; sections named `gram*` count as syntactic, the others as
/// semantic. As word2vec's compute-accuracy: only the --restrict-vocab most frequent words are
/// searched, questions with other words are skipped (reported as coverage), case is folded.
///
/// Example:
///   blazetext eval analogies model.bin questions-words.txt --restrict-vocab 30000
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AnalogiesArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary.
    pub model: PathBuf,
    /// Questions file: `: section` lines and `a b c d` lines (a is to b as c is to d).
    pub questions: PathBuf,
    /// Search only the most frequent N words (word2vec's compute-accuracy uses 30000).
    #[arg(long, default_value_t = 30_000)]
    pub restrict_vocab: usize,
    #[arg(long, value_enum, default_value_t = AnalogyMethod::CosAdd)]
    pub method: AnalogyMethod,
    /// Compare words case-sensitively.
    #[arg(long)]
    pub no_case_fold: bool,
}

/// Spearman and Pearson correlation with human similarity scores.
///
/// Files: `word1 word2 score` per line, tab/comma/space separated, optional header, `#`
/// comments (WordSim-353, SimLex-999, MEN, RW). Pairs with a word the model has no vector for
/// are skipped and counted in the OOV rate.
///
/// Example:
///   blazetext eval similarity model.bin wordsim353.tsv simlex999.txt
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SimilarityArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary.
    pub model: PathBuf,
    /// One or more word-pair files.
    #[arg(required = true)]
    pub pairs: Vec<PathBuf>,
    /// Build vectors for out-of-vocabulary words from their subwords instead of skipping them.
    #[arg(long)]
    pub subword_oov: bool,
    /// Compare words case-sensitively.
    #[arg(long)]
    pub no_case_fold: bool,
}

pub fn run(global: &GlobalArgs, args: &EvalArgs) -> Result<()> {
    match &args.task {
        EvalTask::Analogies(a) => analogies(global, a),
        EvalTask::Similarity(s) => similarity(global, s),
    }
}

fn to_json(value: &impl serde::Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| Error::config(format!("cannot print JSON: {e}")))
}

fn analogies(global: &GlobalArgs, args: &AnalogiesArgs) -> Result<()> {
    let vectors = load_model(&args.model)?;
    vectors.require_embeddings("eval analogies")?;
    let opts = AnalogyOptions {
        restrict_vocab: args.restrict_vocab,
        case_fold: !args.no_case_fold,
        method: args.method,
    };
    let report = vectors.evaluate_analogies(&args.questions, &opts)?;
    if global.json {
        return outln!("{:#}", to_json(&report)?);
    }
    outln!(
        "{:<32} {:>7} {:>9} {:>9} {:>9}",
        "section",
        "correct",
        "answered",
        "accuracy",
        "coverage"
    )?;
    let row = |name: &str, s: &AnalogyScore| {
        outln!(
            "{:<32} {:>7} {:>9} {:>8.2}% {:>8.2}%",
            name,
            s.correct,
            s.answered,
            100.0 * s.accuracy,
            100.0 * s.coverage
        )
    };
    for s in &report.sections {
        row(&s.name, &s.score)?;
    }
    outln!()?;
    row("semantic", &report.semantic)?;
    row("syntactic", &report.syntactic)?;
    row("total", &report.total)
}

fn similarity(global: &GlobalArgs, args: &SimilarityArgs) -> Result<()> {
    let vectors = load_model(&args.model)?;
    vectors.require_embeddings("eval similarity")?;
    let opts = SimilarityOptions {
        case_fold: !args.no_case_fold,
        subword_oov: args.subword_oov,
    };
    for path in &args.pairs {
        let r = vectors.evaluate_similarity(path, &opts)?;
        if global.json {
            let v = serde_json::json!({"file": path.display().to_string(), "result": to_json(&r)?});
            outln!("{v}")?;
        } else {
            outln!(
                "{}: spearman {:.4}  pearson {:.4}  pairs {}/{} used  oov {:.1}%",
                path.display(),
                r.spearman,
                r.pearson,
                r.used,
                r.pairs,
                100.0 * r.oov_rate
            )?;
        }
    }
    Ok(())
}
