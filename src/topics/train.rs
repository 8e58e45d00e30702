//! Mini-batch training with early stopping, and the deterministic ELBO used for validation,
//! perplexity and `topics eval`.

use std::time::Instant;

use ndarray::Array2;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::bow::Bow;
use super::linalg;
use super::ntm::{Architecture, Ntm, Step};
use super::optim::{OptimConfig, Optimizer};
use crate::events::Reporter;
use crate::{Error, Result};

/// Documents per batch when evaluating (no gradients, so larger batches are fine).
const EVAL_BATCH: usize = 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub arch: Architecture,
    pub optim: OptimConfig,
    pub mini_batch_size: usize,
    pub epochs: usize,
    /// Smallest relative improvement of the monitored loss that resets the patience counter.
    pub tolerance: f64,
    pub num_patience_epochs: usize,
    /// Fraction of the training documents drawn (without replacement) for each epoch.
    pub sub_sample: f64,
    pub dropout: f32,
    pub seed: u64,
}

impl TrainConfig {
    pub fn validate(&self) -> Result<()> {
        self.arch.validate()?;
        self.optim.validate()?;
        if self.mini_batch_size == 0 || self.epochs == 0 {
            return Err(Error::config(
                "--mini-batch-size and --epochs must be at least 1",
            ));
        }
        if self.mini_batch_size < 2 && self.uses_batch_norm() {
            return Err(Error::config(
                "--mini-batch-size 1 trains nothing: batch norm standardises over the documents \
                 of a mini-batch and needs at least 2; use --mini-batch-size 2 or more (or \
                 --batch-norm false --decoder-batch-norm false)",
            ));
        }
        if !(self.sub_sample > 0.0 && self.sub_sample <= 1.0) {
            return Err(Error::config(format!(
                "--sub-sample {} must be in (0, 1]",
                self.sub_sample
            )));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(Error::config(format!(
                "--dropout {} must be in [0, 1)",
                self.dropout
            )));
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(Error::config(format!(
                "--tolerance {} must be a finite number ≥ 0",
                self.tolerance
            )));
        }
        Ok(())
    }

    /// Whether any layer is batch-normalised, so that a mini-batch needs two documents.
    fn uses_batch_norm(&self) -> bool {
        self.arch.batch_norm || self.arch.has_decoder_batch_norm()
    }
}

/// One training epoch's losses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochLog {
    /// The epoch, from 1.
    pub epoch: usize,
    /// Mean training loss (negative ELBO, sampled) per document.
    pub train_loss: f64,
    /// Mean deterministic validation loss per document, when validation data was given.
    pub validation_loss: Option<f64>,
    /// Wall time; not saved, so that one seed gives identical model files.
    #[serde(skip)]
    pub seconds: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    pub epochs: Vec<EpochLog>,
    pub stopped_early: bool,
    /// Epoch whose parameters were kept (the best validation epoch, else the last).
    pub kept_epoch: usize,
    pub train_docs: usize,
    pub skipped_empty_docs: usize,
    /// Wall time; not saved, so that one seed gives identical model files.
    #[serde(skip)]
    pub seconds: f64,
}

/// Sum of the deterministic loss (z = μ, no dropout) and of the document lengths, over `data`.
pub fn elbo(model: &Ntm, data: &Bow) -> (f64, f64) {
    let mut loss = 0.0;
    let mut words = 0.0;
    let rows: Vec<usize> = (0..data.n_docs()).collect();
    for chunk in rows.chunks(EVAL_BATCH) {
        let batch = data.select(chunk);
        let f = model.forward(&batch, None);
        loss += f.recon.iter().zip(&f.kl).map(|(r, k)| r + k).sum::<f64>();
        words += (0..batch.n_docs()).map(|d| batch.doc_len(d)).sum::<f64>();
    }
    (loss, words)
}

/// Trains a model. `word_vectors` start the embedded decoder's word embeddings (one row per
/// vocabulary word). `on_epoch` sees each epoch's log and the current model (for progress output);
/// the reporter's cancel flag is checked before every batch.
pub fn train(
    cfg: &TrainConfig,
    data: &Bow,
    validation: Option<&Bow>,
    word_vectors: Option<&Array2<f32>>,
    reporter: &Reporter,
    mut on_epoch: impl FnMut(&EpochLog, &Ntm),
) -> Result<(Ntm, TrainReport)> {
    cfg.validate()?;
    let start = Instant::now();
    let docs: Vec<usize> = (0..data.n_docs())
        .filter(|&d| !data.doc(d).0.is_empty())
        .collect();
    if docs.is_empty() {
        return Err(Error::config(
            "every training document is empty after preprocessing (no vocabulary word left); \
             check the text field, the stop words/min-df filters, or the input format",
        ));
    }
    let mut rng = linalg::rng(cfg.seed);
    let mut model = Ntm::new(cfg.arch.clone(), &mut rng)?;
    model.init_background(&data.term_frequency());
    if let Some(v) = word_vectors {
        model.init_word_embeddings(v)?;
    }
    let mut opt = Optimizer::new(cfg.optim.clone(), &model.params);
    let validation = validation.filter(|v| v.n_docs() > 0);
    let per_epoch = ((docs.len() as f64 * cfg.sub_sample).ceil() as usize).clamp(1, docs.len());
    if per_epoch < 2 && cfg.uses_batch_norm() {
        return Err(Error::config(format!(
            "--sub-sample {} leaves {per_epoch} of the {} training documents per epoch, and batch \
             norm needs mini-batches of at least 2: nothing would be trained; raise --sub-sample \
             or give more documents",
            cfg.sub_sample,
            docs.len()
        )));
    }

    let mut report = TrainReport {
        train_docs: docs.len(),
        skipped_empty_docs: data.n_docs() - docs.len(),
        ..Default::default()
    };
    let mut best = f64::INFINITY;
    let mut best_model: Option<Ntm> = None;
    let mut waited = 0;
    let mut order = docs.clone();
    let mut transport_scaling = None;
    for epoch in 1..=cfg.epochs {
        let t0 = Instant::now();
        order.shuffle(&mut rng);
        let (mut total, mut n) = (0.0f64, 0usize);
        for chunk in order[..per_epoch].chunks(cfg.mini_batch_size) {
            reporter.check_cancelled()?;
            // Batch norm needs at least two documents to standardise over.
            if chunk.len() < 2 && cfg.uses_batch_norm() {
                continue;
            }
            let batch = data.select(chunk);
            let mut step = Step::draw(&model.arch, chunk.len(), cfg.dropout, &mut rng);
            step.transport_start = transport_scaling.take();
            let mut f = model.forward(&batch, Some(&step));
            let loss = f.loss();
            if !loss.is_finite() {
                return Err(diverged(cfg, epoch));
            }
            let grads = model.backward(&batch, &f, &step);
            opt.step(&mut model.params, &grads);
            model.update_stats(&f);
            transport_scaling = f.transport_scaling();
            total += loss * chunk.len() as f64;
            n += chunk.len();
        }
        if !model.params.iter().all(|p| p.iter().all(|x| x.is_finite())) {
            return Err(diverged(cfg, epoch));
        }
        let validation_loss = validation.map(|v| {
            let (l, _) = elbo(&model, v);
            l / v.n_docs() as f64
        });
        let log = EpochLog {
            epoch,
            train_loss: total / n.max(1) as f64,
            validation_loss,
            seconds: t0.elapsed().as_secs_f64(),
        };
        on_epoch(&log, &model);
        let monitored = log.validation_loss.unwrap_or(log.train_loss);
        report.epochs.push(log);
        if best - monitored > cfg.tolerance * best.abs() || !best.is_finite() {
            best = monitored;
            waited = 0;
            report.kept_epoch = epoch;
            if validation.is_some() {
                best_model = Some(model.clone());
            }
        } else {
            waited += 1;
            if waited >= cfg.num_patience_epochs {
                report.stopped_early = epoch < cfg.epochs;
                break;
            }
        }
    }
    if validation.is_none() {
        report.kept_epoch = report.epochs.len();
    }
    report.seconds = start.elapsed().as_secs_f64();
    Ok((best_model.unwrap_or(model), report))
}

/// The error of a run whose loss or weights stopped being finite in `epoch`.
fn diverged(cfg: &TrainConfig, epoch: usize) -> Error {
    Error::diverged(
        &format!(" in epoch {epoch}"),
        cfg.optim.learning_rate,
        ", or set --clip-gradient",
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::topics::ntm::{Activation, DecoderKind, Prior};
    use crate::topics::optim::OptimizerKind;

    /// Two clearly separated themes: words 0..5 and words 5..10.
    pub fn two_theme_corpus(n: usize, seed: u64) -> Bow {
        use rand::Rng;
        let mut r = linalg::rng(seed);
        let mut b = Bow::new(10);
        for i in 0..n {
            let base = if i % 2 == 0 { 0 } else { 5 };
            let mut ids: Vec<u32> = (0..12).map(|_| base + r.gen_range(0..5)).collect();
            b.push_ids(&mut ids);
        }
        b
    }

    pub fn config(seed: u64) -> TrainConfig {
        TrainConfig {
            arch: Architecture {
                n_words: 10,
                n_topics: 2,
                encoder_layers: vec![8, 6],
                activation: Activation::Softplus,
                prior: Prior::Dirichlet,
                alpha: 1.0,
                decoder: DecoderKind::ProductOfExperts,
                batch_norm: true,
                decoder_batch_norm: false,
                encoder_input_norm: None,
                embedding: None,
            },
            optim: OptimConfig {
                kind: OptimizerKind::Adam,
                learning_rate: 0.02,
                weight_decay: 0.0,
                clip_gradient: None,
                rescale_gradient: 1.0,
            },
            mini_batch_size: 16,
            epochs: 40,
            tolerance: 0.0,
            num_patience_epochs: 100,
            sub_sample: 1.0,
            dropout: 0.0,
            seed,
        }
    }

    #[test]
    fn learns_two_separated_themes() {
        let data = two_theme_corpus(200, 1);
        let (model, report) = train(
            &config(3),
            &data,
            None,
            None,
            &Reporter::silent(),
            |_, _| {},
        )
        .unwrap();
        let first = report.epochs.first().unwrap().train_loss;
        let last = report.epochs.last().unwrap().train_loss;
        assert!(last < first, "{first} -> {last}");
        // The two topics lean toward different themes.
        let phi = model.topic_word();
        let mass: Vec<f32> = (0..2).map(|k| phi.row(k).iter().take(5).sum()).collect();
        assert!((mass[0] - 0.5) * (mass[1] - 0.5) < 0.0, "{mass:?}");
        // The topic weights tell the themes apart: every document of the theme of topic 0 puts
        // more weight on it than any document of the other theme. (Not the argmax: the
        // product of experts is scale-free in θ, so where θ's level sits is set by the prior and
        // the batch-norm shift, and with 200 tiny documents it can sit on one side.)
        let theta = model.topic_weights(&data);
        let theme_of_topic0 = if mass[0] > 0.5 { 0 } else { 1 };
        let weight = |parity: usize| {
            (0..200)
                .filter(move |d| d % 2 == parity)
                .map(|d| theta[[d, 0]])
        };
        let lowest_own = weight(theme_of_topic0).fold(f32::INFINITY, f32::min);
        let highest_other = weight(1 - theme_of_topic0).fold(f32::NEG_INFINITY, f32::max);
        assert!(
            lowest_own > highest_other + 0.1,
            "{lowest_own} vs {highest_other}"
        );
    }

    #[test]
    fn same_seed_same_model_across_thread_counts() {
        let data = two_theme_corpus(100, 2);
        let mut cfg = config(5);
        cfg.epochs = 3;
        cfg.dropout = 0.2;
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                train(&cfg, &data, None, None, &Reporter::silent(), |_, _| {})
                    .unwrap()
                    .0
            })
        };
        let a = run(1);
        assert_eq!(a, run(1));
        assert_eq!(a, run(2));
        let mut other = cfg.clone();
        other.seed = 6;
        assert_ne!(
            a,
            train(&other, &data, None, None, &Reporter::silent(), |_, _| {})
                .unwrap()
                .0
        );
    }

    #[test]
    fn early_stopping_and_validation() {
        let data = two_theme_corpus(64, 3);
        let val = two_theme_corpus(20, 4);
        let mut cfg = config(1);
        cfg.tolerance = 0.5; // nothing improves by half after the first epoch
        cfg.num_patience_epochs = 2;
        let (_, report) = train(
            &cfg,
            &data,
            Some(&val),
            None,
            &Reporter::silent(),
            |_, _| {},
        )
        .unwrap();
        assert!(report.stopped_early);
        assert_eq!(report.epochs.len(), 3);
        assert_eq!(report.kept_epoch, 1);
        assert!(report.epochs.iter().all(|e| e.validation_loss.is_some()));
    }

    #[test]
    fn a_cancelled_run_stops_before_the_first_batch() {
        let flag = crate::CancelFlag::new();
        flag.cancel();
        let reporter = Reporter::new(None, flag);
        let mut epochs = 0;
        let e = train(
            &config(1),
            &two_theme_corpus(20, 1),
            None,
            None,
            &reporter,
            |_, _| epochs += 1,
        );
        assert!(matches!(e, Err(Error::Cancelled)));
        assert_eq!(epochs, 0);
    }

    #[test]
    fn all_empty_corpus_is_an_error() {
        let mut data = Bow::new(10);
        data.push_ids(&mut []);
        data.push_ids(&mut []);
        let e = train(
            &config(1),
            &data,
            None,
            None,
            &Reporter::silent(),
            |_, _| {},
        )
        .unwrap_err();
        assert!(e.to_string().contains("every training document is empty"));
    }

    #[test]
    fn every_optimizer_trains() {
        let data = two_theme_corpus(64, 5);
        for (kind, lr) in [
            (OptimizerKind::Adadelta, 1.0),
            (OptimizerKind::Sgd, 0.01),
            (OptimizerKind::Rmsprop, 0.005),
        ] {
            let mut cfg = config(2);
            cfg.epochs = 10;
            cfg.optim.kind = kind;
            cfg.optim.learning_rate = lr;
            cfg.optim.clip_gradient = Some(5.0);
            let (_, r) = train(&cfg, &data, None, None, &Reporter::silent(), |_, _| {}).unwrap();
            assert!(
                r.epochs.last().unwrap().train_loss < r.epochs[0].train_loss,
                "{kind:?}"
            );
        }
    }
}
