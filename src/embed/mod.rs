//! Word embeddings: cbow, skipgram and batch_skipgram with fastText-compatible subword vectors.
//!
//! [`train`] runs the whole job and returns the model: count the corpus through the
//! pipeline, prune with `--min-count`, encode the corpus once into a `u32` id stream
//! ([`encode`]), precompute every word's input rows (its own row plus its character n-gram
//! buckets), then train with Hogwild threads ([`trainer`]). Nothing is written: the model
//! keeps everything its files need, and [`WordVectorModel::save`] writes `<prefix>.bin`
//! (fastText format), `<prefix>.vec` (word2vec text) and the `<prefix>.json` manifest. The
//! public entry point is [`crate::VectorTrainer`], which adds the thread pool and the
//! evaluations.

pub mod encode;
pub mod trainer;

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{json, Value};

use crate::corpus::{Corpus, Input};
use crate::events::Reporter;
use crate::io::{DictEntry, FastTextArgs, FastTextFile, Manifest, ModelKind};
use crate::io::{Loss as FtLoss, ModelName, WordVectorModel};
use crate::matrix::Matrix;
use crate::model::{
    check_matrix_size, uniform_matrix, Loss, LossKind, Mode, Progress, SharedMatrix, Summary,
    TrainConfig,
};
use crate::text::Pipeline;
use crate::vocab::{Counts, Vocab, VocabOptions};
use crate::{subword, Error, Result, TrainingData};

use trainer::{Data, InputRows};

/// A model trained in memory and the figures of its run.
#[derive(Debug)]
pub struct Trained {
    /// The vectors, with everything their `.bin` and manifest need.
    pub model: WordVectorModel,
    /// Words kept in the vocabulary.
    pub words: usize,
    /// Distinct word types before `--min-count`.
    pub types: usize,
    /// Tokens, time, speed and loss of the run.
    pub summary: Summary,
}

/// Trains word vectors on `data` (`config.threads` Hogwild threads; corpus reading uses the
/// current rayon pool) and returns them without writing anything. Stops with
/// [`Error::Cancelled`] soon after the reporter's cancel flag is set.
pub fn train(
    data: &TrainingData,
    pipeline: &Pipeline,
    config: &TrainConfig,
    reporter: &Reporter,
) -> Result<Trained> {
    if config.mode == Mode::Supervised {
        return Err(Error::config(
            "VectorTrainer trains word vectors (mode cbow, skipgram or batch_skipgram); a supervised classifier trains with ClassifierTrainer",
        ));
    }
    config.validate()?;
    let started = Instant::now();
    let materialized = data.materialize()?;
    let inputs = &materialized.paths;
    let corpus = Corpus::open(inputs, reporter)?;
    // Counting and encoding read the corpus twice; standard input can be read only once.
    let spooled = match corpus.inputs().contains(&Input::Stdin) {
        true => Some(corpus.spool()?),
        false => None,
    };
    let corpus = match &spooled {
        Some(s) => Corpus::open(&[s.path().to_path_buf()], reporter)?,
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
        return Err(Error::input(source_name(data), None, message));
    }
    let encoded = encode::encode(&corpus, pipeline, &vocab)?;
    drop(spooled);
    reporter.info(format!(
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
    check_matrix_size(
        &format!("the input matrix ({nwords} words + {bucket} buckets)"),
        nwords + bucket,
        config.vector_dim,
        "--vector-dim, --buckets, or the vocabulary with --min-count",
    )?;
    let input = SharedMatrix::new(uniform_matrix(
        nwords + bucket,
        config.vector_dim,
        config.seed,
    ));
    let output = SharedMatrix::new(Matrix::zeros(nwords, config.vector_dim));
    let progress = Progress::new(
        encoded.tokens * config.epochs as u64,
        config.threads,
        reporter,
    );
    let data_ids = Data {
        ids: &encoded.ids,
        tokens: encoded.tokens,
        keep: &keep,
        rows: &rows,
    };
    trainer::train(config, &data_ids, &input, &output, &loss, &progress);
    reporter.check_cancelled()?;
    if progress.diverged() || !input.all_finite() || !output.all_finite() {
        return Err(Error::diverged("", config.learning_rate, ""));
    }
    let summary = progress.finish();
    let kept_tokens = encoded.tokens;
    drop(encoded);
    reporter.info(format!(
        "trained {} on {} tokens in {:.1}s: {:.0} words/sec ({:.0}/thread, {} threads), loss {:.4}",
        config.mode.name(),
        summary.tokens,
        summary.seconds,
        summary.words_per_sec,
        summary.words_per_sec_per_thread,
        summary.threads,
        summary.loss
    ));

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
    let mut manifest = Manifest::new(ModelKind::Embeddings);
    manifest.pipeline = Some(pipeline.clone());
    manifest.hyperparameters =
        serde_json::to_value(config).map_err(|e| Error::config(e.to_string()))?;
    manifest.corpus = json!({
        "inputs": inputs_record(data),
        "tokens": vocab.ntokens(),
        "lines": vocab.ndocs(),
        "types": types,
        "vocabulary": nwords,
        "tokens_in_vocabulary": kept_tokens,
    });
    manifest.training = serde_json::to_value(&summary).map_err(|e| Error::config(e.to_string()))?;
    Ok(Trained {
        model: WordVectorModel::from_trained(file, manifest),
        words: nwords,
        types,
        summary,
    })
}

/// What errors about the corpus as a whole name: the first file, or `<texts>` for texts held
/// in memory (their temporary file means nothing to the caller).
fn source_name(data: &TrainingData) -> PathBuf {
    match data {
        TrainingData::Files(paths) => paths.first().cloned().unwrap_or_default(),
        TrainingData::Texts(_) => PathBuf::from("<texts>"),
    }
}

/// The manifest's record of the inputs: the files as given, or how many texts were in memory.
fn inputs_record(data: &TrainingData) -> Value {
    match data {
        TrainingData::Files(paths) => json!(paths),
        TrainingData::Texts(texts) => json!(format!("{} texts in memory", texts.len())),
    }
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
