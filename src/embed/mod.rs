//! Word embeddings: cbow, skipgram and batch_skipgram with fastText-compatible subword vectors.
//!
//! [`train`] runs the whole job: count the corpus through the pipeline, prune with
//! `--min-count`, encode the corpus once into a `u32` id stream ([`encode`]), precompute every
//! word's input rows (its own row plus its character n-gram buckets), train with Hogwild threads
//! ([`trainer`]), then write `<prefix>.bin` (fastText format), `<prefix>.vec` (word2vec text) and
//! the `<prefix>.json` manifest, with the evaluations asked for.

pub mod encode;
pub mod trainer;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{json, Value};

use crate::corpus::{Corpus, Input};
use crate::eval::analogies::{evaluate_analogies, AnalogyOptions};
use crate::eval::similarity::{evaluate_similarity, SimilarityOptions};
use crate::events::Reporter;
use crate::io::{word2vec, DictEntry, FastTextArgs, FastTextFile, Manifest, ModelKind};
use crate::io::{Loss as FtLoss, ModelName, WordVectorModel};
use crate::matrix::Matrix;
use crate::model::{
    uniform_matrix, Loss, LossKind, Mode, Progress, RunOptions, SharedMatrix, Summary, TrainConfig,
};
use crate::query::Index;
use crate::text::Pipeline;
use crate::vocab::{Counts, Vocab, VocabOptions};
use crate::{subword, Error, Result};

use trainer::{Data, InputRows};

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct TrainReport {
    pub words: usize,
    /// Distinct word types before `--min-count`.
    pub types: usize,
    pub summary: Summary,
    /// Evaluation results (also in the manifest), `null` when none was asked for.
    pub evaluation: Value,
    pub files: Vec<PathBuf>,
}

/// `<prefix>.<ext>`, keeping any dots already in the prefix.
pub fn with_suffix(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = OsString::from(prefix.as_os_str());
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// Fails early (before any work) when the output prefix points into a missing folder.
pub fn check_output_prefix(prefix: &Path) -> Result<()> {
    let folder = match prefix.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(Error::config(format!(
            "the output folder {} does not exist; create it first (mkdir -p {}) or choose another -o prefix",
            folder.display(),
            folder.display()
        )));
    }
    Ok(())
}

/// Trains word vectors on `inputs` and writes the model files; see the module docs.
pub fn train(
    inputs: &[PathBuf],
    pipeline: &Pipeline,
    config: &TrainConfig,
    run: &RunOptions,
) -> Result<TrainReport> {
    if config.mode == Mode::Supervised {
        return Err(Error::config("embed::train trains cbow, skipgram or batch_skipgram; supervised models train in classify"));
    }
    config.validate()?;
    check_output_prefix(&run.output)?;
    let started = Instant::now();
    let corpus = Corpus::open(inputs, &run.reporter)?;
    // Counting and encoding read the corpus twice; standard input can be read only once.
    let spooled = match corpus.inputs().contains(&Input::Stdin) {
        true => Some(corpus.spool()?),
        false => None,
    };
    let corpus = match &spooled {
        Some(s) => Corpus::open(&[s.path().to_path_buf()], &run.reporter)?,
        None => corpus,
    };
    let counts = Counts::from_corpus(&corpus, pipeline)?;
    let types = counts.distinct_words();
    let options = VocabOptions {
        min_count: config.min_count,
        ..VocabOptions::default()
    };
    let vocab = Vocab::from_counts(counts, &options)?;
    if vocab.words().is_empty() {
        let path = inputs.first().cloned().unwrap_or_default();
        let message = if types == 0 {
            "the corpus has no words after the text pipeline; check the input and --tokenizer"
                .to_string()
        } else {
            format!(
                "no word occurs at least --min-count {} times ({types} distinct word types, {} tokens); use a lower --min-count (e.g. --min-count 1) or a larger corpus",
                config.min_count,
                vocab.ntokens()
            )
        };
        return Err(Error::input(path, None, message));
    }
    let encoded = encode::encode(&corpus, pipeline, &vocab)?;
    drop(spooled);
    run.reporter.info(format!(
        "read {} tokens in {} lines: {} words of {types} types kept (min count {}) in {:.1}s",
        vocab.ntokens(),
        vocab.ndocs(),
        vocab.words().len(),
        config.min_count,
        started.elapsed().as_secs_f64()
    ));

    let nwords = vocab.words().len();
    let bucket = if config.subwords { config.buckets } else { 0 };
    let rows = InputRows::build(vocab.words().iter().map(|e| e.text.as_str()), |w, out| {
        subword::char_ngram_ids(
            w,
            config.min_char,
            config.max_char,
            nwords as u32,
            bucket as u32,
            out,
        )
    });
    let counts: Vec<u64> = vocab.words().iter().map(|e| e.count).collect();
    let loss = Loss::new(
        config.loss,
        &counts,
        config.negative_samples,
        config.ns_exponent,
    );
    let keep = vocab.keep_probabilities(config.sampling_threshold);
    let input = SharedMatrix::new(uniform_matrix(
        nwords + bucket,
        config.vector_dim,
        config.seed,
    ));
    let output = SharedMatrix::new(Matrix::zeros(nwords, config.vector_dim));
    let progress = Progress::new(
        encoded.tokens * config.epochs as u64,
        config.threads,
        &run.reporter,
    );
    let data = Data {
        ids: &encoded.ids,
        tokens: encoded.tokens,
        keep: &keep,
        rows: &rows,
    };
    trainer::train(config, &data, &input, &output, &loss, &progress);
    let summary = progress.finish();
    let kept_tokens = encoded.tokens;
    drop(encoded);
    run.reporter.info(format!(
        "trained {} on {} tokens in {:.1}s: {:.0} words/sec ({:.0}/thread, {} threads), loss {:.4}",
        config.mode.name(),
        summary.tokens,
        summary.seconds,
        summary.words_per_sec,
        summary.words_per_sec_per_thread,
        summary.threads,
        summary.loss
    ));

    let prefix = &run.output;
    let bin = with_suffix(prefix, "bin");
    let vec = with_suffix(prefix, "vec");
    let file = FastTextFile {
        args: fasttext_args(config),
        words: vocab
            .words()
            .iter()
            .map(|e| DictEntry {
                text: e.text.clone(),
                count: e.count,
            })
            .collect(),
        labels: Vec::new(),
        ntokens: vocab.ntokens(),
        input: input.into_inner(),
        output: output.into_inner(),
    };
    file.write(&bin)?;
    let model = WordVectorModel::from_fasttext(file);
    let vectors = model.vocab_vectors();
    word2vec::write_text(&vec, model.words(), &vectors)?;
    let evaluation = evaluate(config, &model, vectors, &run.reporter)?;

    let manifest_path = with_suffix(prefix, "json");
    let mut manifest = Manifest::new(ModelKind::Embeddings);
    manifest.pipeline = Some(pipeline.clone());
    manifest.hyperparameters =
        serde_json::to_value(config).map_err(|e| Error::config(e.to_string()))?;
    manifest.corpus = json!({
        "inputs": inputs,
        "tokens": vocab.ntokens(),
        "lines": vocab.ndocs(),
        "types": types,
        "vocabulary": nwords,
        "tokens_in_vocabulary": kept_tokens,
    });
    manifest.training = serde_json::to_value(&summary).map_err(|e| Error::config(e.to_string()))?;
    manifest.evaluation = evaluation.clone();
    manifest.save(&manifest_path)?;
    Ok(TrainReport {
        words: nwords,
        types,
        summary,
        evaluation,
        files: vec![bin, vec, manifest_path],
    })
}

/// The args block of the `.bin`, in fastText's terms.
fn fasttext_args(config: &TrainConfig) -> FastTextArgs {
    FastTextArgs {
        dim: config.vector_dim as i32,
        ws: config.window_size as i32,
        epoch: config.epochs as i32,
        min_count: config.min_count as i32,
        neg: config.negative_samples as i32,
        word_ngrams: 1,
        loss: match config.loss {
            LossKind::Hs => FtLoss::HierarchicalSoftmax,
            _ => FtLoss::NegativeSampling,
        },
        model: match config.mode {
            Mode::Cbow => ModelName::Cbow,
            _ => ModelName::Skipgram,
        },
        bucket: if config.subwords {
            config.buckets as i32
        } else {
            0
        },
        minn: if config.subwords {
            config.min_char as i32
        } else {
            0
        },
        maxn: if config.subwords {
            config.max_char as i32
        } else {
            0
        },
        lr_update_rate: 100,
        t: config.sampling_threshold,
    }
}

/// Runs the evaluations asked for in `config` on the trained vectors.
fn evaluate(
    config: &TrainConfig,
    model: &WordVectorModel,
    vectors: Matrix,
    reporter: &Reporter,
) -> Result<Value> {
    let mut out = serde_json::Map::new();
    if let Some(path) = &config.eval_similarity {
        let report = evaluate_similarity(model, path, &SimilarityOptions::default())?;
        reporter.info(format!(
            "similarity ({}): Spearman {:.4}, Pearson {:.4}, {} of {} pairs used",
            path.display(),
            report.spearman,
            report.pearson,
            report.used,
            report.pairs
        ));
        out.insert("similarity".into(), json!({"file": path, "report": report}));
    }
    if let Some(path) = &config.eval_analogies {
        // As `blazetext eval analogies`: only the restricted vocabulary is searched.
        let opts = AnalogyOptions::default();
        let n = opts.restrict_vocab.min(model.words().len());
        let dim = vectors.cols();
        let mut data = vectors.into_vec();
        data.truncate(n * dim);
        let index =
            Index::from_vectors(model.words()[..n].to_vec(), Matrix::from_vec(n, dim, data));
        let report = evaluate_analogies(&index, path, &opts)?;
        reporter.info(format!(
            "analogies ({}): accuracy {:.4} (semantic {:.4}, syntactic {:.4}), coverage {:.4}",
            path.display(),
            report.total.accuracy,
            report.semantic.accuracy,
            report.syntactic.accuracy,
            report.total.coverage
        ));
        out.insert("analogies".into(), json!({"file": path, "report": report}));
    }
    Ok(if out.is_empty() {
        Value::Null
    } else {
        Value::Object(out)
    })
}
