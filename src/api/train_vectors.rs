//! Training word vectors: [`VectorTrainer`] and its report.

use std::path::PathBuf;

use serde::Serialize;

use crate::events::Reporter;
use crate::{embed, threads};
use crate::{
    AnalogyOptions, AnalogyReport, CancelFlag, Error, EventHook, Mode, Pipeline, Result,
    SimilarityOptions, SimilarityReport, TrainConfig, TrainingData, WordVectors,
};

pub use crate::model::Summary as TrainingSummary;

/// Trains word vectors (cbow, skipgram or batch_skipgram) in memory; the `TrainConfig` is the
/// one `blazetext train` and its `--hyperparameters` fill. Training runs in its own pool of
/// `config.threads` workers and writes nothing: [`WordVectors::save`] writes the model files.
///
/// With one thread and a seed, two runs give identical vectors, and the files they save are
/// byte for byte those `blazetext train` writes with the same settings.
///
/// ```
/// use blazetext::{Event, Mode, TrainConfig, TrainingData, VectorTrainer};
/// use std::sync::Arc;
///
/// let mut config = TrainConfig::defaults(Mode::Skipgram);
/// (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
/// let (vectors, report) = VectorTrainer::new(config)
///     .on_event(Arc::new(|event: &Event| {
///         if let Event::Info(line) = event {
///             eprintln!("{line}");
///         }
///     }))
///     .train(&TrainingData::files(["corpora/sample.txt"]))?;
/// assert_eq!(vectors.words().len(), report.words);
/// assert!(report.summary.tokens > 0);
///
/// let prefix = std::env::temp_dir().join(format!("blazetext-doc-train-{}", std::process::id()));
/// let files = vectors.save(&prefix)?; // <prefix>.bin, <prefix>.vec, <prefix>.json
/// assert_eq!(files.len(), 3);
/// # for f in files { std::fs::remove_file(f)?; }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct VectorTrainer {
    config: TrainConfig,
    pipeline: Pipeline,
    hook: Option<EventHook>,
    cancel: CancelFlag,
}

impl std::fmt::Debug for VectorTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorTrainer")
            .field("config", &self.config)
            .field("pipeline", &self.pipeline)
            .field("hook", &self.hook.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// What a training run reports besides the vectors.
#[derive(Debug, Clone, Serialize)]
pub struct VectorTrainReport {
    /// What was trained.
    pub mode: Mode,
    /// Words kept in the vocabulary.
    pub words: usize,
    /// Distinct word types in the corpus, before `min_count`.
    pub types: usize,
    /// Tokens, seconds, speed, loss and threads of the run.
    pub summary: TrainingSummary,
    /// The evaluations the config asked for (`eval_similarity`, `eval_analogies`).
    pub evaluation: VectorEvaluation,
}

/// The evaluations run at the end of training; also recorded in the manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VectorEvaluation {
    /// Word-pair similarity on `config.eval_similarity`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<EvaluationRun<SimilarityReport>>,
    /// Analogy accuracy on `config.eval_analogies`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analogies: Option<EvaluationRun<AnalogyReport>>,
}

/// One evaluation file and its figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationRun<R> {
    /// The evaluation file.
    pub file: PathBuf,
    /// Its figures.
    pub report: R,
}

impl VectorEvaluation {
    /// The evaluation as the manifest and `blazetext train --json` record it: `null` when no
    /// evaluation was asked for.
    pub fn to_json(&self) -> serde_json::Value {
        if self.similarity.is_none() && self.analogies.is_none() {
            return serde_json::Value::Null;
        }
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl VectorTrainer {
    /// A trainer for `config` (mode cbow, skipgram or batch_skipgram), with the default text
    /// pipeline, no event hook and a cancel flag nobody sets.
    pub fn new(config: TrainConfig) -> VectorTrainer {
        VectorTrainer {
            config,
            pipeline: Pipeline::default(),
            hook: None,
            cancel: CancelFlag::new(),
        }
    }

    /// The text pipeline the corpus goes through; it is saved with the model, and queries go
    /// through it too.
    pub fn pipeline(mut self, pipeline: Pipeline) -> VectorTrainer {
        self.pipeline = pipeline;
        self
    }

    /// Receives the run's events: corpus and training summaries, warnings, progress.
    pub fn on_event(mut self, hook: EventHook) -> VectorTrainer {
        self.hook = Some(hook);
        self
    }

    /// Stops the run, soon after the flag is set, with [`Error::Cancelled`].
    pub fn cancel_flag(mut self, flag: CancelFlag) -> VectorTrainer {
        self.cancel = flag;
        self
    }

    /// Trains on `data` and runs the evaluations the config asks for.
    ///
    /// Errors: [`Error::Config`] for settings that cannot train (a supervised mode, an option
    /// of supervised training, zero threads, …), [`Error::Input`] for a corpus with no word
    /// above `min_count`, [`Error::Io`] for unreadable files, [`Error::Cancelled`] once the
    /// cancel flag is set.
    pub fn train(&self, data: &TrainingData) -> Result<(WordVectors, VectorTrainReport)> {
        let reporter = Reporter::new(self.hook.clone(), self.cancel.clone());
        let mut config = self.config.clone();
        if config.mode != Mode::Supervised
            && (config.validation.is_some()
                || config.class_weight.is_some()
                || config.pretrained_vectors.is_some())
        {
            return Err(Error::config(
                "--validation, --class-weight and --pretrained-vectors are for --mode supervised",
            ));
        }
        config.threads = threads::clamp(config.threads, &reporter)?;
        threads::in_pool(config.threads, || {
            let trained = embed::train(data, &self.pipeline, &config, &reporter)?;
            let mut vectors = WordVectors::from_model(trained.model)?;
            let evaluation = evaluate(&config, &vectors, &reporter)?;
            vectors.record_evaluation(evaluation.to_json());
            let report = VectorTrainReport {
                mode: config.mode,
                words: trained.words,
                types: trained.types,
                summary: trained.summary,
                evaluation,
            };
            Ok((vectors, report))
        })?
    }
}

/// Runs the evaluations asked for in `config` on the trained vectors.
fn evaluate(
    config: &TrainConfig,
    vectors: &WordVectors,
    reporter: &Reporter,
) -> Result<VectorEvaluation> {
    let mut out = VectorEvaluation::default();
    if let Some(path) = &config.eval_similarity {
        let report = vectors.evaluate_similarity(path, &SimilarityOptions::default())?;
        reporter.info(format!(
            "similarity ({}): Spearman {:.4}, Pearson {:.4}, {} of {} pairs used",
            path.display(),
            report.spearman,
            report.pearson,
            report.used,
            report.pairs
        ));
        out.similarity = Some(EvaluationRun {
            file: path.clone(),
            report,
        });
    }
    if let Some(path) = &config.eval_analogies {
        let report = vectors.evaluate_analogies(path, &AnalogyOptions::default())?;
        reporter.info(format!(
            "analogies ({}): accuracy {:.4} (semantic {:.4}, syntactic {:.4}), coverage {:.4}",
            path.display(),
            report.total.accuracy,
            report.semantic.accuracy,
            report.syntactic.accuracy,
            report.total.coverage
        ));
        out.analogies = Some(EvaluationRun {
            file: path.clone(),
            report,
        });
    }
    Ok(out)
}
