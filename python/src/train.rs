//! Training entry points: a model kind's settings (overrides of the library's defaults, by the
//! library's field names), the data (files or texts), a text pipeline and fastText's `verbose`.

use blazetext::{
    ClassifierTrainer, Mode, TopicConfig, TopicTrainer, TrainConfig, TrainingData, VectorTrainer,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::classifier::Classifier;
use crate::errors::to_py;
use crate::run::{cancellable, Finished};
use crate::text::Pipeline;
use crate::topics::TopicModel;
use crate::vectors::WordVectors;

/// `TrainConfig::defaults(mode)` with the fields named in `overrides` (a JSON object) replaced,
/// then validated. An unknown name or a value of the wrong type is a `ValueError` naming it.
fn train_config(mode: &str, overrides: &str) -> PyResult<TrainConfig> {
    let mode: Mode = serde_json::from_value(serde_json::Value::from(mode))
        .map_err(|_| PyValueError::new_err(format!("mode: unknown training mode {mode:?}")))?;
    let mut config = serde_json::to_value(TrainConfig::defaults(mode))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let overrides: serde_json::Map<String, serde_json::Value> = serde_json::from_str(overrides)
        .map_err(|e| PyValueError::new_err(format!("settings are not a JSON object: {e}")))?;
    let fields = config.as_object_mut().expect("TrainConfig is a struct");
    for (name, value) in overrides {
        if !fields.contains_key(&name) {
            return Err(PyValueError::new_err(format!("{name}: unknown parameter")));
        }
        let mut probe = fields.clone();
        probe.insert(name.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<TrainConfig>(probe.into()) {
            return Err(PyValueError::new_err(format!(
                "{name}: invalid value {value}: {e}"
            )));
        }
        fields.insert(name, value);
    }
    let config: TrainConfig =
        serde_json::from_value(config).map_err(|e| PyValueError::new_err(e.to_string()))?;
    config.validate().map_err(to_py)?;
    Ok(config)
}

/// Files, or texts in memory.
fn data(files: Option<Vec<String>>, texts: Option<Vec<String>>) -> PyResult<TrainingData> {
    match (files, texts) {
        (Some(files), None) => Ok(TrainingData::files(files)),
        (None, Some(texts)) => Ok(TrainingData::texts(texts)),
        _ => Err(PyValueError::new_err(
            "input: give either files or texts, not both",
        )),
    }
}

/// Trains a text classifier (`mode` supervised).
#[pyfunction]
#[pyo3(signature = (settings, files=None, texts=None, pipeline=None, verbose=2))]
pub(crate) fn train_classifier(
    py: Python<'_>,
    settings: &str,
    files: Option<Vec<String>>,
    texts: Option<Vec<String>>,
    pipeline: Option<PyRef<'_, Pipeline>>,
    verbose: u8,
) -> PyResult<Classifier> {
    let config = train_config("supervised", settings)?;
    let data = data(files, texts)?;
    let mut trainer = ClassifierTrainer::new(config);
    if let Some(pipeline) = pipeline {
        trainer = trainer.pipeline(pipeline.inner.clone());
    }
    let (classifier, _report) = cancellable(
        py,
        verbose,
        |hook, flag| trainer.on_event(hook).cancel_flag(flag).train(&data),
        |(_, report)| {
            Some(Finished {
                words_per_sec_per_thread: report.tokens_per_sec_per_thread,
                loss: report.loss,
            })
        },
    )?;
    Ok(Classifier::new(classifier))
}

/// Trains word vectors (`mode` cbow, skipgram or batch_skipgram).
#[pyfunction]
#[pyo3(signature = (mode, settings, files=None, texts=None, pipeline=None, verbose=2))]
pub(crate) fn train_vectors(
    py: Python<'_>,
    mode: &str,
    settings: &str,
    files: Option<Vec<String>>,
    texts: Option<Vec<String>>,
    pipeline: Option<PyRef<'_, Pipeline>>,
    verbose: u8,
) -> PyResult<WordVectors> {
    let config = train_config(mode, settings)?;
    if config.mode == Mode::Supervised {
        return Err(PyValueError::new_err(
            "model: word vectors are trained with cbow, skipgram or batch_skipgram",
        ));
    }
    let data = data(files, texts)?;
    let mut trainer = VectorTrainer::new(config);
    if let Some(pipeline) = pipeline {
        trainer = trainer.pipeline(pipeline.inner.clone());
    }
    let (vectors, _report) = cancellable(
        py,
        verbose,
        |hook, flag| trainer.on_event(hook).cancel_flag(flag).train(&data),
        |(_, report)| {
            Some(Finished {
                words_per_sec_per_thread: report.summary.words_per_sec_per_thread,
                loss: report.summary.loss,
            })
        },
    )?;
    Ok(WordVectors::new(vectors, None))
}

/// Trains a neural topic model; `hyperparameters` is a JSON object of SageMaker-style names
/// (`num_topics`, `epochs`, …), as `blazetext topics train --hyperparameters` takes, plus the
/// seed and the thread count.
#[pyfunction]
#[pyo3(signature = (hyperparameters, files=None, texts=None, pipeline=None, seed=None, threads=None, verbose=2))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn train_topics(
    py: Python<'_>,
    hyperparameters: &str,
    files: Option<Vec<String>>,
    texts: Option<Vec<String>>,
    pipeline: Option<PyRef<'_, Pipeline>>,
    seed: Option<u64>,
    threads: Option<usize>,
    verbose: u8,
) -> PyResult<TopicModel> {
    let mut config = TopicConfig::default();
    config
        .apply_hyperparameters(hyperparameters)
        .map_err(to_py)?;
    if let Some(seed) = seed {
        config.seed = seed;
    }
    if let Some(threads) = threads {
        config.threads = threads;
    }
    let data = data(files, texts)?;
    let mut trainer = TopicTrainer::new(config);
    if let Some(pipeline) = pipeline {
        trainer = trainer.pipeline(pipeline.inner.clone());
    }
    let (model, _report) = cancellable(
        py,
        verbose,
        |hook, flag| trainer.on_event(hook).cancel_flag(flag).train(&data),
        |_| None,
    )?;
    Ok(TopicModel::new(model))
}
