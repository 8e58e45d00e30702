//! The training configuration shared by `embed` (cbow, skipgram, batch_skipgram) and `classify`
//! (supervised): one plain serde struct, filled from CLI flags and SageMaker hyperparameters by
//! `cli::train`, validated here, and recorded in every model's manifest.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::loss::LossKind;
use crate::io::fasttext::bin_field;
use crate::{Error, Result};

/// What `blazetext train --mode` trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Continuous bag of words: predict a word from the average of its context.
    Cbow,
    /// Skip-gram: predict each context word from the center word.
    Skipgram,
    /// Skip-gram with the window's context words sharing one set of negative samples.
    #[value(name = "batch_skipgram", alias = "batch-skipgram")]
    BatchSkipgram,
    /// Text classification on `__label__` lines.
    Supervised,
}

impl Mode {
    /// The name the CLI and the hyperparameters use (`batch_skipgram`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Cbow => "cbow",
            Mode::Skipgram => "skipgram",
            Mode::BatchSkipgram => "batch_skipgram",
            Mode::Supervised => "supervised",
        }
    }
}

/// Every hyperparameter of a training run. Field names follow BlazingText.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// What to train.
    pub mode: Mode,
    /// Size of the word vectors (`--vector-dim`, fastText `-dim`).
    pub vector_dim: usize,
    /// Context words on each side (`--window-size`, `-ws`).
    pub window_size: usize,
    /// Negative samples per positive example (`--negative-samples`, `-neg`).
    pub negative_samples: usize,
    /// Subsampling threshold t: a word of frequency f is kept with probability √(t/f) + t/f.
    pub sampling_threshold: f64,
    /// Drop words seen fewer times (`--min-count`, `-minCount`).
    pub min_count: u64,
    /// Minimum count of a label (supervised).
    pub min_count_label: u64,
    /// Passes over the corpus.
    pub epochs: usize,
    /// Initial learning rate, decayed linearly to 0.
    pub learning_rate: f32,
    /// The output layer and its loss.
    pub loss: LossKind,
    /// Noise distribution exponent for negative sampling (word2vec 0.75; fastText uses 0.5).
    pub ns_exponent: f64,
    /// Character n-gram vectors (fastText subwords).
    pub subwords: bool,
    /// Shortest character n-gram (`--min-char`, `-minn`).
    pub min_char: usize,
    /// Longest character n-gram (`--max-char`, `-maxn`).
    pub max_char: usize,
    /// Hash buckets shared by character n-grams and word n-grams.
    pub buckets: usize,
    /// Word n-gram length (1: words only).
    pub word_ngrams: usize,
    /// Context words per batch in batch_skipgram (BlazingText's `batch_size`).
    pub batch_size: usize,
    /// Worker threads; clamped to [`MAX_THREADS`](crate::MAX_THREADS).
    pub threads: usize,
    /// Random seed; with one thread the trained model is bit-identical run to run.
    pub seed: u64,
    // Supervised only; carried through for `classify::train`.
    /// Tokens starting with this are labels (supervised).
    pub label_prefix: String,
    /// Validation file scored after every epoch (supervised).
    pub validation: Option<PathBuf>,
    /// Stop when the validation score stops improving and keep the best epoch.
    pub early_stopping: bool,
    /// Epochs without improvement before early stopping.
    pub patience: usize,
    /// Epochs always trained before early stopping may stop.
    pub min_epochs: usize,
    /// `balanced` or a file of `label weight` lines.
    pub class_weight: Option<String>,
    /// Word vectors (`.vec` or `.bin`) that initialise the input rows (supervised).
    pub pretrained_vectors: Option<PathBuf>,
    // Unsupervised only: evaluation files run at the end of training.
    /// Word-pair similarity file evaluated after training.
    pub eval_similarity: Option<PathBuf>,
    /// Analogy questions file evaluated after training.
    pub eval_analogies: Option<PathBuf>,
}

impl TrainConfig {
    /// BlazingText's defaults for `mode` (which agree with fastText's except where noted).
    ///
    /// - unsupervised: dim 100, window 5, 5 negatives, 5 epochs, lr 0.05, min count 5,
    ///   t = 1e-4, subwords off (BlazingText; fastText has them on) with n-grams 3..6 when
    ///   turned on, 2M buckets, batch size 11;
    /// - supervised: dim 100 (fastText: 10), lr 0.5 (fastText: 0.1, which underfits small and
    ///   multi-label sets: measured on TREC 0.818 → 0.894, cooking P@1 0.20 → 0.57, SMS spam
    ///   0.980 → 0.988, SST-2 unchanged at 0.830), word bigrams, 5 epochs, min count 1, softmax
    ///   loss, no subsampling.
    pub fn defaults(mode: Mode) -> TrainConfig {
        let supervised = mode == Mode::Supervised;
        TrainConfig {
            mode,
            vector_dim: 100,
            window_size: 5,
            negative_samples: 5,
            sampling_threshold: if supervised { 0.0 } else { 1e-4 },
            min_count: if supervised { 1 } else { 5 },
            min_count_label: 1,
            epochs: 5,
            learning_rate: if supervised { 0.5 } else { 0.05 },
            loss: if supervised {
                LossKind::Softmax
            } else {
                LossKind::Ns
            },
            ns_exponent: 0.75,
            subwords: false,
            min_char: 3,
            max_char: 6,
            buckets: 2_000_000,
            word_ngrams: if supervised { 2 } else { 1 },
            batch_size: 11,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            seed: 1,
            label_prefix: "__label__".to_string(),
            validation: None,
            early_stopping: false,
            patience: 4,
            min_epochs: 5,
            class_weight: None,
            pretrained_vectors: None,
            eval_similarity: None,
            eval_analogies: None,
        }
    }

    /// Rejects settings that cannot train; each message names the option and a valid range.
    pub fn validate(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::config(msg));
        if self.vector_dim == 0 {
            return bad("--vector-dim must be at least 1 (typical: 100-300)".into());
        }
        if self.window_size == 0 && self.mode != Mode::Supervised {
            return bad("--window-size must be at least 1 (typical: 5)".into());
        }
        if self.epochs == 0 {
            return bad("--epochs must be at least 1 (typical: 5)".into());
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad(format!(
                "--learning-rate must be a positive number, got {} (typical: 0.05, supervised 0.5)",
                self.learning_rate
            ));
        }
        if self.subwords && self.min_char > self.max_char {
            return bad(format!(
                "--min-char ({}) is larger than --max-char ({}); use e.g. --min-char 3 --max-char 6",
                self.min_char, self.max_char
            ));
        }
        if self.subwords && self.min_char == 0 {
            return bad("--min-char must be at least 1".into());
        }
        if (self.subwords || self.word_ngrams > 1) && self.buckets == 0 {
            return bad(
                "--buckets must be at least 1 when subwords or word n-grams are used".into(),
            );
        }
        if self.word_ngrams == 0 {
            return bad("--word-ngrams must be at least 1 (1 = words only)".into());
        }
        if self.loss == LossKind::Ns && self.negative_samples == 0 {
            return bad("--negative-samples must be at least 1 with --loss ns".into());
        }
        if !(self.sampling_threshold.is_finite() && self.sampling_threshold >= 0.0) {
            return bad("--sampling-threshold must be ≥ 0 (0 turns subsampling off)".into());
        }
        if !self.ns_exponent.is_finite() {
            return bad(
                "--ns-exponent must be a finite number (word2vec: 0.75, fastText: 0.5)".into(),
            );
        }
        if self.batch_size == 0 {
            return bad("--batch-size must be at least 1 (BlazingText default: 11)".into());
        }
        if self.threads == 0 {
            return bad("--threads must be at least 1".into());
        }
        if self.mode != Mode::Supervised && matches!(self.loss, LossKind::Softmax | LossKind::Ova) {
            return bad(format!(
                "--loss {} is for --mode supervised; word embeddings train with ns or hs",
                self.loss.name()
            ));
        }
        if self.mode == Mode::BatchSkipgram && self.loss != LossKind::Ns {
            return bad("batch_skipgram shares negative samples, so it needs --loss ns".into());
        }
        // The .bin args block stores these as 32-bit integers: refuse what would be truncated.
        bin_field("--vector-dim", self.vector_dim)?;
        bin_field("--window-size", self.window_size)?;
        bin_field("--negative-samples", self.negative_samples)?;
        bin_field("--epochs", self.epochs)?;
        bin_field("--min-count", self.min_count)?;
        bin_field("--buckets", self.buckets)?;
        bin_field("--word-ngrams", self.word_ngrams)?;
        bin_field("--min-char", self.min_char)?;
        bin_field("--max-char", self.max_char)?;
        if self.uses_buckets() {
            check_matrix_size(
                "the n-gram bucket rows",
                self.buckets,
                self.vector_dim,
                "--buckets or --vector-dim",
            )?;
        }
        Ok(())
    }

    /// Whether the input matrix has hashed n-gram rows: subwords, or word n-grams (supervised).
    pub fn uses_buckets(&self) -> bool {
        self.subwords || (self.mode == Mode::Supervised && self.word_ngrams > 1)
    }
}

/// The most memory one model matrix may take (64 GiB): a mistyped option (a zero too many in
/// `--buckets` or `--vector-dim`) is refused with the size it asked for, instead of aborting
/// the process when the memory is reserved.
pub const MAX_MATRIX_BYTES: u64 = 64 << 30;

/// Refuses a `rows × cols` matrix of `f32` larger than [`MAX_MATRIX_BYTES`], or larger than
/// the allocator can reserve now (probed with a fallible reservation, released at once);
/// `what` names the matrix, `options` the options that size it.
pub fn check_matrix_size(what: &str, rows: usize, cols: usize, options: &str) -> Result<()> {
    let gib = rows as f64 * cols as f64 * 4.0 / (1u64 << 30) as f64;
    let size =
        format!("{what} would take {gib:.1} GiB ({rows} rows × {cols} dimensions × 4 bytes)");
    let bytes = (rows as u64)
        .checked_mul(cols as u64)
        .and_then(|n| n.checked_mul(4));
    if bytes.is_none_or(|b| b > MAX_MATRIX_BYTES) {
        return Err(Error::config(format!(
            "{size}, more than the {} GiB a model matrix may take; lower {options}",
            MAX_MATRIX_BYTES >> 30
        )));
    }
    if Vec::<f32>::new().try_reserve_exact(rows * cols).is_err() {
        return Err(Error::config(format!(
            "{size}, more memory than this machine can give; lower {options}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_for_every_mode() {
        for mode in [
            Mode::Cbow,
            Mode::Skipgram,
            Mode::BatchSkipgram,
            Mode::Supervised,
        ] {
            TrainConfig::defaults(mode).validate().unwrap();
        }
    }

    #[test]
    fn nonsense_is_rejected_with_the_option_name() {
        let base = TrainConfig::defaults(Mode::Skipgram);
        let cases: Vec<(TrainConfig, &str)> = vec![
            (
                TrainConfig {
                    vector_dim: 0,
                    ..base.clone()
                },
                "--vector-dim",
            ),
            (
                TrainConfig {
                    window_size: 0,
                    ..base.clone()
                },
                "--window-size",
            ),
            (
                TrainConfig {
                    epochs: 0,
                    ..base.clone()
                },
                "--epochs",
            ),
            (
                TrainConfig {
                    learning_rate: -0.1,
                    ..base.clone()
                },
                "--learning-rate",
            ),
            (
                TrainConfig {
                    subwords: true,
                    min_char: 5,
                    max_char: 3,
                    ..base.clone()
                },
                "--min-char",
            ),
            (
                TrainConfig {
                    loss: LossKind::Softmax,
                    ..base.clone()
                },
                "supervised",
            ),
            (
                TrainConfig {
                    threads: 0,
                    ..base.clone()
                },
                "--threads",
            ),
        ];
        for (cfg, needle) in cases {
            let err = cfg.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }
}
