//! A whole training run: preprocess the documents, build the configuration, train, measure the
//! topics and assemble the model file's contents; and the sweep over numbers of topics. Progress
//! goes to the reporter as events and one-line messages.

use ndarray::Array2;

use super::config::TopicConfig;
use super::metrics::{self, Window};
use super::model::{Meta, TopicModel, FORMAT, KIND, VERSION};
use super::ntm::Ntm;
use super::prepare::{self, Prepared, Source};
use super::quality::{self, TopicMetrics};
use super::train::{self, EpochLog, TrainConfig, TrainReport};
use crate::events::{EpochEnd, Event, Reporter};
use crate::text::Pipeline;
use crate::{Error, Result};

/// Top words the coherence of the saved metrics and of the epoch lines is measured on.
const TOP_WORDS: usize = 10;

/// Trains one model on `train` (validated on `validation`, measured on it or else on `train`).
/// With `epoch_lines`, each epoch's coherence and diversity are measured and reported as a line.
pub(crate) fn fit(
    config: &TopicConfig,
    pipeline: &Pipeline,
    train: Source,
    validation: Option<Source>,
    reporter: &Reporter,
    epoch_lines: bool,
) -> Result<(TopicModel, TopicMetrics)> {
    let data = prepare::prepare(config, pipeline, train, validation, reporter)?;
    let vectors = word_vectors(config, &data, reporter)?;
    let cfg = config.resolve(data.vocab.len(), vectors.as_ref().map(Array2::ncols))?;
    reporter.info(format!(
        "topics: {} documents, {} words, K = {}, encoder {:?}",
        data.train.n_docs(),
        data.vocab.len(),
        cfg.arch.n_topics,
        cfg.arch.encoder_layers
    ));
    let reference = data.validation.as_ref().unwrap_or(&data.train);
    let reference_sets = epoch_lines.then(|| quality::doc_sets(reference));
    let (ntm, report) = train::train(
        &cfg,
        &data.train,
        data.validation.as_ref(),
        vectors.as_ref(),
        reporter,
        |log, ntm| {
            send_epoch(reporter, log, &cfg);
            let Some(sets) = &reference_sets else {
                return;
            };
            // Coherence and diversity as training goes; cheap next to an epoch.
            let ranked = ntm.relevance(ntm.default_relevance());
            let npmi = metrics::npmi(
                &metrics::top_words(&ranked, TOP_WORDS),
                sets,
                Window::Document,
            );
            let td = metrics::topic_diversity(&metrics::top_words(&ranked, 25));
            reporter.info(format!(
                "epoch {:>3}  loss {:.2}{}  npmi {:.3}  td25 {:.3}  ({:.1} s)",
                log.epoch,
                log.train_loss,
                log.validation_loss
                    .map(|v| format!("  validation {v:.2}"))
                    .unwrap_or_default(),
                npmi.mean,
                td,
                log.seconds
            ));
        },
    )?;
    let metrics = quality::quality(&ntm, reference, TOP_WORDS, ntm.default_relevance()).metrics;
    let similarity = &metrics.topic_similarity;
    if similarity.collapsed {
        reporter.warn(format!(
            "component collapse — many topics share their top words (mean Jaccard {:.2}, {} \
             near-duplicate pairs); try --prior dirichlet, --batch-norm true, fewer topics or a \
             lower --learning-rate",
            similarity.mean_jaccard, similarity.near_duplicate_pairs
        ));
    }
    let saved = to_json(&metrics)?;
    let model = assemble(config, &data, cfg, report, ntm, saved);
    Ok((model, metrics))
}

/// Trains one model per number of topics in `num_topics` on the same preprocessed documents,
/// each measured on `validation`, or else on a seeded 10% held out from `train`. Each model's
/// saved metrics also hold its `num_topics` and training `seconds`.
pub(crate) fn sweep(
    config: &TopicConfig,
    pipeline: &Pipeline,
    train: Source,
    validation: Option<Source>,
    num_topics: &[usize],
    reporter: &Reporter,
) -> Result<Vec<(TopicModel, TopicMetrics)>> {
    if num_topics.is_empty() {
        return Err(Error::config(
            "no number of topics to sweep; give at least one, e.g. 10,20,50",
        ));
    }
    let mut data = prepare::prepare(config, pipeline, train, validation, reporter)?;
    let held_out = match data.validation.take() {
        Some(v) => v,
        None => prepare::split_held_out(&mut data.train, config.seed),
    };
    let vectors = word_vectors(config, &data, reporter)?;
    let mut models = Vec::with_capacity(num_topics.len());
    for &k in num_topics {
        let config = TopicConfig {
            num_topics: k,
            ..config.clone()
        };
        let cfg = config.resolve(data.vocab.len(), vectors.as_ref().map(Array2::ncols))?;
        let (ntm, report) = train::train(
            &cfg,
            &data.train,
            Some(&held_out),
            vectors.as_ref(),
            reporter,
            |log, _| {
                send_epoch(reporter, log, &cfg);
                reporter.info(format!(
                    "K={k} epoch {} loss {:.2}",
                    log.epoch, log.train_loss
                ));
            },
        )?;
        let metrics = quality::quality(&ntm, &held_out, TOP_WORDS, ntm.default_relevance()).metrics;
        let mut saved = to_json(&metrics)?;
        saved["num_topics"] = k.into();
        saved["seconds"] = report.seconds.into();
        models.push((assemble(&config, &data, cfg, report, ntm, saved), metrics));
    }
    Ok(models)
}

/// The word vectors of the config's topic embeddings, one row per vocabulary word.
fn word_vectors(
    config: &TopicConfig,
    data: &Prepared,
    reporter: &Reporter,
) -> Result<Option<Array2<f32>>> {
    config
        .topic_embeddings
        .as_deref()
        .map(|path| prepare::word_vectors(path, &data.vocab, reporter))
        .transpose()
}

fn send_epoch(reporter: &Reporter, log: &EpochLog, cfg: &TrainConfig) {
    reporter.send(Event::Epoch(EpochEnd {
        epoch: log.epoch,
        epochs: cfg.epochs,
        loss: log.train_loss,
        validation: log.validation_loss,
    }));
}

fn to_json(metrics: &TopicMetrics) -> Result<serde_json::Value> {
    serde_json::to_value(metrics)
        .map_err(|e| Error::config(format!("cannot serialise the metrics: {e}")))
}

/// The model file's contents.
fn assemble(
    config: &TopicConfig,
    data: &Prepared,
    cfg: TrainConfig,
    report: TrainReport,
    ntm: Ntm,
    metrics: serde_json::Value,
) -> TopicModel {
    let meta = Meta {
        format: FORMAT.into(),
        kind: KIND.into(),
        version: VERSION,
        vocab: data.vocab.clone(),
        pipeline: data.pipeline.clone(),
        text_field: config.text_field.clone(),
        config: cfg,
        report,
        metrics,
    };
    TopicModel::new(ntm, meta)
}
