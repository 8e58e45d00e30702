//! Supervised training (`blazetext train --mode supervised`): fastText's classifier — the
//! average of a line's input rows, a linear output layer, softmax / ns / hs / ova losses — trained
//! with Hogwild threads over examples encoded once into id arrays.
//!
//! Differences from fastText, each for a reason:
//! - epochs are passes over a seeded shuffle of the examples, each thread taking a contiguous
//!   share, so a validation file can be scored after every epoch (early stopping keeps the best
//!   epoch) and sorted training files do not bias the last updates;
//! - word rows and the n-gram bucket rows training uses start random as in fastText; the other
//!   bucket rows start at zero, so n-grams never seen in training add nothing at prediction time
//!   (fastText adds their random initial vectors), and the untouched part of a 2M-bucket matrix
//!   costs neither time nor memory until it is saved;
//! - optional class weights scale each example's learning rate.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::json;

use crate::api::TrainingData;
use crate::classify::data::{describe_line, encode, EncodeStats, Examples};
use crate::classify::metrics::PrecisionAtK;
use crate::classify::model::{fasttext_args, with_end_of_line, Classifier, InputMatrix, InputSpec};
use crate::events::{EpochEnd, Event, Reporter};
use crate::io::manifest::{Manifest, ModelKind};
use crate::io::WordVectorModel;
use crate::io_util::{read_regular_text, MAX_SETTINGS_BYTES};
use crate::matrix::Matrix;
use crate::model::sampling::{below, thread_rng, LinearDecay};
use crate::model::{
    check_matrix_size, fill_uniform_rows, Loss, LossKind, Progress, SharedMatrix, State,
    TrainConfig,
};
use crate::text::Pipeline;
use crate::vocab::{Vocab, VocabOptions};
use crate::{Error, Result};

/// Examples between two updates of the shared progress counter (and learning rate) and two
/// looks at the cancel flag.
const FLUSH_EVERY: usize = 64;

/// What a finished supervised run reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClassifierTrainReport {
    /// Labelled lines trained on.
    pub examples: usize,
    /// Words in the vocabulary (with the end-of-line token `</s>`).
    pub words: usize,
    /// Labels in the vocabulary.
    pub labels: usize,
    /// Epochs trained (fewer than configured when early stopping stopped the run).
    pub epochs_run: usize,
    /// The epoch whose weights were kept (early stopping only).
    pub best_epoch: Option<usize>,
    /// Validation P@1 per epoch (accuracy for single-label data).
    pub validation: Vec<f64>,
    /// Wall-clock seconds, from reading the data to the end of training.
    pub seconds: f64,
    /// Average loss per example over the run.
    pub loss: f64,
    /// Training speed: tokens per second per thread.
    pub tokens_per_sec_per_thread: f64,
    /// The files written: `<prefix>.bin` and `<prefix>.json` (empty until the model is saved).
    pub files: Vec<PathBuf>,
}

impl ClassifierTrainReport {
    /// One paragraph for stderr.
    pub fn summary_text(&self) -> String {
        let best = self
            .best_epoch
            .map(|e| format!(", kept epoch {e}"))
            .unwrap_or_default();
        let files: Vec<String> = self.files.iter().map(|f| f.display().to_string()).collect();
        let wrote = match files.is_empty() {
            true => String::new(),
            false => format!("; wrote {}", files.join(", ")),
        };
        format!(
            "trained on {} examples ({} words, {} labels): {} epoch(s){best}, loss {:.4}, \
             {:.0} tokens/sec/thread, {:.2} s{wrote}",
            self.examples,
            self.words,
            self.labels,
            self.epochs_run,
            self.loss,
            self.tokens_per_sec_per_thread,
            self.seconds,
        )
    }
}

/// Trains a classifier on `data` in memory, on the current rayon pool plus `config.threads`
/// Hogwild threads; writes nothing (see [`Classifier::save`]). The manifest it would be saved
/// with is built here, so a saved model records its corpus and training figures.
pub fn train(
    data: &TrainingData,
    pipeline: &Pipeline,
    config: &TrainConfig,
    reporter: &Reporter,
) -> Result<(Classifier, ClassifierTrainReport)> {
    config.validate()?;
    let start = Instant::now();
    let materialized = data.materialize()?;
    let inputs = &materialized.paths;
    let mut pipeline = pipeline.clone();
    pipeline.label_prefix = config.label_prefix.clone();
    let processor = pipeline.processor()?;
    let options = VocabOptions {
        min_count: config.min_count.max(1),
        min_label_count: config.min_count_label.max(1),
        ..VocabOptions::default()
    };
    let counted = Vocab::build(
        &crate::corpus::Corpus::open(inputs, reporter)?,
        &pipeline,
        &options,
    )?;
    let input_name = inputs
        .first()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match counted.labels().len() {
        0 => {
            return Err(Error::input(
                inputs.first().map_or(Path::new("-"), |p| p.as_path()),
                None,
                format!(
                    "no line carries a label (a token starting with `{}`): nothing to learn; \
                     supervised training needs lines like `{}positive great movie`",
                    config.label_prefix, config.label_prefix
                ),
            ))
        }
        1 => {
            return Err(Error::input(
                inputs.first().map_or(Path::new("-"), |p| p.as_path()),
                None,
                format!(
                    "every labelled line has the same label `{}`: nothing to learn; a classifier \
                     needs at least two labels",
                    counted.labels()[0].text
                ),
            ))
        }
        _ => {}
    }
    let vocab = with_end_of_line(&counted, counted.ndocs());
    let use_buckets = config.subwords || config.word_ngrams > 1;
    let spec = InputSpec {
        nwords: vocab.words().len() as u32,
        word_ngrams: config.word_ngrams,
        bucket: if use_buckets {
            config.buckets as u32
        } else {
            0
        },
        minn: if config.subwords { config.min_char } else { 0 },
        maxn: if config.subwords { config.max_char } else { 0 },
        pruned: None,
    };
    let (examples, stats) = encode(inputs, &processor, &vocab, &spec, reporter)?;
    warn_unlabelled(&stats, &config.label_prefix, reporter);
    if examples.is_empty() {
        return Err(Error::input(
            &input_name,
            None,
            "no labelled line left to train on",
        ));
    }
    let validation = match &config.validation {
        Some(path) => {
            let (v, vstats) = encode(
                std::slice::from_ref(path),
                &processor,
                &vocab,
                &spec,
                reporter,
            )?;
            if vstats.unknown_label_tokens > 0 {
                reporter.warn(format!(
                    "{}: {} label(s) never seen in training; those labels cannot be predicted",
                    path.display(),
                    vstats.unknown_label_tokens
                ));
            }
            if v.is_empty() {
                return Err(Error::input(
                    path,
                    None,
                    "the validation file has no line with a label seen in training",
                ));
            }
            Some(v)
        }
        None => {
            if config.early_stopping {
                return Err(Error::config(
                    "--early-stopping needs a --validation file to measure progress on",
                ));
            }
            None
        }
    };
    let nlabels = vocab.labels().len();
    let dim = config.vector_dim;
    let weights = class_weights(config.class_weight.as_deref(), &vocab, &examples, reporter)?;
    let input = initial_input(&vocab, &spec, &examples, dim, config, reporter)?;
    let output = SharedMatrix::new(Matrix::zeros(nlabels, dim));
    let label_counts: Vec<u64> = vocab.labels().iter().map(|e| e.count).collect();
    let loss = Loss::new(
        config.loss,
        &label_counts,
        config.negative_samples,
        config.ns_exponent,
    );
    let threads = config.threads.max(1);
    let tokens_per_epoch = examples.total_tokens();
    let progress = Progress::new(tokens_per_epoch * config.epochs as u64, threads, reporter);
    let schedule = LinearDecay {
        lr0: config.learning_rate,
        total: tokens_per_epoch * config.epochs as u64,
    };
    let mut order: Vec<u32> = (0..examples.len() as u32).collect();
    let mut shuffle_rng = Xoshiro256PlusPlus::seed_from_u64(config.seed);
    let mut scores = Vec::new();
    let mut best: Option<(usize, f64, Matrix, Matrix)> = None;
    let mut epochs_run = 0;
    let ctx = Context {
        examples: &examples,
        input: &input,
        output: &output,
        loss: &loss,
        loss_kind: config.loss,
        weights: weights.as_deref(),
        progress: &progress,
        schedule,
    };
    for epoch in 1..=config.epochs {
        order.shuffle(&mut shuffle_rng);
        ctx.epoch(&order, threads, config.seed, epoch);
        reporter.check_cancelled()?;
        // The loss sees every input row an example uses; the output layer is small.
        let finite = !progress.diverged() && output.all_finite();
        if !finite || (epoch == config.epochs && !input.all_finite()) {
            return Err(Error::diverged(
                &format!(" in epoch {epoch}"),
                config.learning_rate,
                "",
            ));
        }
        epochs_run = epoch;
        let score = validation
            .as_ref()
            .map(|valid| precision_at_1(valid, &input, &output, &loss));
        reporter.send(Event::Epoch(EpochEnd {
            epoch,
            epochs: config.epochs,
            loss: progress.average_loss(),
            validation: score,
        }));
        reporter.check_cancelled()?;
        let Some(score) = score else { continue };
        // The line for people; the event above is for programs.
        reporter.info(format!(
            "epoch {epoch}/{}: validation P@1 {score:.4}",
            config.epochs
        ));
        scores.push(score);
        if config.early_stopping {
            let improved = best.as_ref().is_none_or(|b| score > b.1);
            if improved {
                best = Some((epoch, score, snapshot(&input), snapshot(&output)));
            } else if epoch >= config.min_epochs
                && epoch - best.as_ref().map_or(0, |b| b.0) >= config.patience
            {
                reporter.info(format!(
                    "early stopping after epoch {epoch}: no improvement for {} epochs; keeping epoch {}",
                    config.patience,
                    best.as_ref().map_or(0, |b| b.0)
                ));
                break;
            }
        }
    }
    let summary = progress.finish();
    let (input, output, best_epoch) = match best {
        Some((epoch, _, i, o)) => (SharedMatrix::new(i), SharedMatrix::new(o), Some(epoch)),
        None => (input, output, None),
    };
    let report = ClassifierTrainReport {
        examples: examples.len(),
        words: vocab.words().len(),
        labels: nlabels,
        epochs_run,
        best_epoch,
        validation: scores,
        seconds: start.elapsed().as_secs_f64(),
        loss: summary.loss,
        tokens_per_sec_per_thread: summary.words_per_sec_per_thread,
        files: Vec::new(),
    };
    let recorded_inputs = match data {
        TrainingData::Files(paths) => json!(paths),
        TrainingData::Texts(texts) => json!([format!("({} texts in memory)", texts.len())]),
    };
    let mut manifest = Manifest::new(ModelKind::Classifier);
    manifest.pipeline = Some(pipeline.clone());
    manifest.hyperparameters =
        serde_json::to_value(config).map_err(|e| Error::config(e.to_string()))?;
    manifest.corpus = json!({
        "inputs": recorded_inputs, "lines": stats.lines, "examples": examples.len(),
        "unlabelled_lines": stats.unlabelled, "tokens": vocab.ntokens(),
        "words": vocab.words().len(), "labels": nlabels,
        "label_counts": vocab.labels().iter().map(|e| (e.text.clone(), e.count)).collect::<Vec<_>>(),
    });
    manifest.training = serde_json::to_value(&report).map_err(|e| Error::config(e.to_string()))?;
    let classifier = Classifier {
        args: fasttext_args(
            &spec,
            dim,
            config.epochs,
            config.min_count,
            config.negative_samples,
            config.loss,
        ),
        processor,
        pipeline,
        vocab,
        spec,
        loss_kind: config.loss,
        loss,
        input: InputMatrix::Loaded(input),
        output,
        manifest: Some(manifest),
    };
    Ok((classifier, report))
}

fn warn_unlabelled(stats: &EncodeStats, prefix: &str, reporter: &Reporter) {
    if let Some((path, line)) = &stats.first_unlabelled {
        reporter.warn(format!(
            "skipped {} line(s) without a label (first: {}); labelled lines carry tokens \
             starting with `{prefix}`",
            stats.unlabelled,
            describe_line(path, *line)
        ));
    }
}

/// Word rows and the bucket rows `examples` use uniform in ±1/dim (seeded), word rows optionally
/// overwritten by pretrained vectors; other bucket rows zero.
fn initial_input(
    vocab: &Vocab,
    spec: &InputSpec,
    examples: &Examples,
    dim: usize,
    config: &TrainConfig,
    reporter: &Reporter,
) -> Result<SharedMatrix> {
    let nwords = vocab.words().len();
    let rows = nwords + spec.bucket as usize;
    check_matrix_size(
        &format!(
            "the input matrix ({nwords} words + {} buckets)",
            spec.bucket
        ),
        rows,
        dim,
        "--vector-dim, --buckets, or the vocabulary with --min-count",
    )?;
    let used = examples.used_rows(rows);
    let mut m = Matrix::zeros(rows, dim);
    fill_uniform_rows(&mut m, config.seed, |r| r < nwords || used[r]);
    if let Some(path) = &config.pretrained_vectors {
        let pre = WordVectorModel::load(path)?;
        if pre.dim() != dim {
            return Err(Error::config(format!(
                "--pretrained-vectors {} has dimension {} but --vector-dim is {dim}; pass \
                 --vector-dim {} to use these vectors",
                path.display(),
                pre.dim(),
                pre.dim()
            )));
        }
        let mut found = 0usize;
        for (i, e) in vocab.words().iter().enumerate() {
            if let Some(v) = pre.word_vector(&e.text) {
                m.row_mut(i).copy_from_slice(&v);
                found += 1;
            }
        }
        reporter.info(format!(
            "pretrained vectors: {found} of {nwords} vocabulary words initialised from {}",
            path.display()
        ));
    }
    Ok(SharedMatrix::new(m))
}

/// Per-label weights: `balanced` = examples / (labels × label count) as scikit-learn, or a file
/// of `label weight` lines (labels not listed weigh 1).
fn class_weights(
    spec: Option<&str>,
    vocab: &Vocab,
    examples: &Examples,
    reporter: &Reporter,
) -> Result<Option<Vec<f32>>> {
    let Some(spec) = spec else { return Ok(None) };
    let n = vocab.labels().len();
    if spec == "balanced" {
        let counts = examples.label_occurrences(n);
        let total: u64 = counts.iter().sum();
        return Ok(Some(
            counts
                .iter()
                .map(|&c| {
                    if c == 0 {
                        1.0
                    } else {
                        (total as f64 / (n as f64 * c as f64)) as f32
                    }
                })
                .collect(),
        ));
    }
    let path = Path::new(spec);
    let what = "a --class-weight file (`label weight` lines; or give `balanced`)";
    let text = read_regular_text(path, MAX_SETTINGS_BYTES, what)?;
    let mut weights = vec![1.0f32; n];
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(label), Some(w), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Error::input(
                path,
                Some(i as u64 + 1),
                "expected `label weight`",
            ));
        };
        let w: f32 = w
            .parse()
            .ok()
            .filter(|w: &f32| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| {
                Error::input(
                    path,
                    Some(i as u64 + 1),
                    format!("`{w}` is not a weight ≥ 0"),
                )
            })?;
        match vocab.label_id(label) {
            Some(id) => weights[id as usize] = w,
            None => reporter.warn(format!(
                "{}:{}: label `{label}` is not in the training data",
                path.display(),
                i + 1
            )),
        }
    }
    Ok(Some(weights))
}

fn snapshot(m: &SharedMatrix) -> Matrix {
    let mut out = Matrix::zeros(m.rows(), m.cols());
    for r in 0..m.rows() {
        m.copy_row(r, out.row_mut(r));
    }
    out
}

/// P@1 on encoded examples (accuracy for single-label data), in parallel.
fn precision_at_1(
    examples: &Examples,
    input: &SharedMatrix,
    output: &SharedMatrix,
    loss: &Loss,
) -> f64 {
    use rayon::prelude::*;
    let m = (0..examples.len())
        .into_par_iter()
        .fold(
            || {
                (
                    PrecisionAtK::default(),
                    vec![0.0f32; input.cols()],
                    Vec::new(),
                )
            },
            |(mut m, mut hidden, mut scratch), i| {
                input.average_rows(examples.rows(i), &mut hidden);
                let p = loss.predict(output, &hidden, 1, 0.0, &mut scratch);
                let predicted: Vec<u32> = p.iter().map(|&(_, l)| l).collect();
                m.add(examples.labels(i), &predicted);
                (m, hidden, scratch)
            },
        )
        .map(|(m, _, _)| m)
        .reduce(PrecisionAtK::default, |mut a, b| {
            a.merge(&b);
            a
        });
    if m.predicted == 0 {
        0.0
    } else {
        m.precision()
    }
}

struct Context<'a> {
    examples: &'a Examples,
    input: &'a SharedMatrix,
    output: &'a SharedMatrix,
    loss: &'a Loss,
    loss_kind: LossKind,
    weights: Option<&'a [f32]>,
    progress: &'a Progress,
    schedule: LinearDecay,
}

impl Context<'_> {
    /// One pass over `order`, split into `threads` contiguous shares.
    fn epoch(&self, order: &[u32], threads: usize, seed: u64, epoch: usize) {
        std::thread::scope(|scope| {
            for t in 0..threads {
                let share = &order[order.len() * t / threads..order.len() * (t + 1) / threads];
                // A distinct stream per (epoch, thread), all from the one seed.
                let rng = thread_rng(seed, (epoch - 1) * threads + t);
                scope.spawn(move || self.worker(share, State::new(self.input.cols(), rng), t == 0));
            }
        });
    }

    fn worker(&self, share: &[u32], mut state: State, reporter: bool) {
        let mut lr = self.schedule.at(self.progress.done());
        let (mut tokens, mut loss_sum, mut count) = (0u64, 0f64, 0u64);
        for (n, &i) in share.iter().enumerate() {
            let i = i as usize;
            let rows = self.examples.rows(i);
            let labels = self.examples.labels(i);
            let weight = self.weights.map_or(1.0, |w| {
                labels.iter().map(|&l| w[l as usize]).sum::<f32>() / labels.len() as f32
            });
            self.input.average_rows(rows, &mut state.hidden);
            state.grad.fill(0.0);
            let target = if self.loss_kind == LossKind::Ova || labels.len() == 1 {
                0
            } else {
                below(&mut state.rng, labels.len())
            };
            loss_sum += f64::from(self.loss.forward(
                self.output,
                labels,
                target,
                &mut state,
                lr * weight,
                true,
            ));
            self.input
                .add_to_rows(rows, 1.0 / rows.len() as f32, &state.grad);
            tokens += self.examples.tokens(i);
            count += 1;
            if (n + 1) % FLUSH_EVERY == 0 {
                let done = self.progress.add(tokens, loss_sum, count);
                (tokens, loss_sum, count) = (0, 0.0, 0);
                if self.progress.should_stop() {
                    return;
                }
                lr = self.schedule.at(done);
                if reporter && (n + 1) % (FLUSH_EVERY * 64) == 0 {
                    self.progress.report(lr);
                }
            }
        }
        self.progress.add(tokens, loss_sum, count);
    }
}
