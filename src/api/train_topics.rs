//! Training topic models: [`TopicTrainer`] takes a [`TopicConfig`] and documents (files or
//! texts in memory, or count rows) and returns the [`TopicModel`] with its [`TopicReport`].

use crate::events::Reporter;
use crate::text::Pipeline;
use crate::topics::fit;
use crate::topics::model::TopicModel as Engine;
use crate::topics::prepare::Source;
use crate::{threads, CancelFlag, EventHook, Result, TopicModel, TrainingData};

pub use crate::topics::config::{EncoderLayers, TopicConfig};
pub use crate::topics::ntm::{Activation, DecoderKind, Prior};
pub use crate::topics::optim::OptimizerKind;
pub use crate::topics::train::EpochLog as TopicEpoch;
use crate::{CountRows, TopicMetrics};

/// Trains neural topic models.
///
/// Documents are raw text (one per line or per text, or JSON lines with
/// [`TopicConfig::text_field`]), read through the [pipeline](TopicTrainer::pipeline), or word
/// counts: a CSV file of count rows (SageMaker's format, with [`TopicConfig::vocab_file`]) or
/// [`CountRows`] in memory. Each epoch sends an [`Event::Epoch`](crate::Event::Epoch) and,
/// while a hook listens, an [`Event::Info`](crate::Event::Info) line with the loss, coherence
/// and diversity; the [cancel flag](TopicTrainer::cancel_flag) is checked before every batch.
/// The run uses its own pool of [`TopicConfig::threads`] workers; one seed gives identical
/// model files at any thread count.
///
/// ```
/// use blazetext::{EncoderLayers, TopicConfig, TopicTrainer, TrainingData};
/// let mut config = TopicConfig::default();
/// (config.num_topics, config.epochs, config.threads) = (3, 2, 1);
/// config.encoder_layers = EncoderLayers::Units(vec![8]);
/// let data = TrainingData::files(["corpora/sample-docs.txt"]);
/// let (model, report) = TopicTrainer::new(config).train(&data)?;
/// assert_eq!((model.num_topics(), report.epochs.len()), (3, 2));
/// let path = std::env::temp_dir().join("blazetext-doctest-topics.ntm");
/// model.save(&path)?;
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), blazetext::Error>(())
/// ```
#[derive(Clone)]
pub struct TopicTrainer {
    config: TopicConfig,
    pipeline: Pipeline,
    validation: Option<Validation>,
    hook: Option<EventHook>,
    cancel: CancelFlag,
}

/// Held-out documents: for early stopping (the best epoch is kept) and the saved metrics.
#[derive(Debug, Clone)]
enum Validation {
    Data(TrainingData),
    Counts(CountRows),
}

/// What a training run did.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicReport {
    /// Training documents with at least one vocabulary word.
    pub documents: usize,
    /// Training documents left out because no vocabulary word was left in them.
    pub skipped_empty_documents: usize,
    /// Vocabulary size.
    pub vocabulary: usize,
    /// Each epoch's losses.
    pub epochs: Vec<TopicEpoch>,
    /// Whether training stopped before the last epoch (no improvement for
    /// [`TopicConfig::num_patience_epochs`] epochs).
    pub stopped_early: bool,
    /// The epoch whose parameters were kept: the best validation epoch, else the last.
    pub kept_epoch: usize,
    /// Wall time of the training loop.
    pub seconds: f64,
    /// Topic quality on the validation documents (training documents without them; a sweep's
    /// held-out documents).
    pub metrics: TopicMetrics,
}

impl std::fmt::Debug for TopicTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopicTrainer")
            .field("config", &self.config)
            .field("pipeline", &self.pipeline)
            .field("validation", &self.validation)
            .field("hook", &self.hook.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl TopicTrainer {
    /// A trainer with `config` and the topic-model text pipeline
    /// ([`Pipeline::topics_default`]: English stop words removed, Snowball English stems).
    pub fn new(config: TopicConfig) -> TopicTrainer {
        TopicTrainer {
            config,
            pipeline: Pipeline::topics_default(),
            validation: None,
            hook: None,
            cancel: CancelFlag::new(),
        }
    }

    /// The text pipeline raw documents go through; saved with the model, so inference reads
    /// new text the same way. Not used for count rows.
    pub fn pipeline(mut self, pipeline: Pipeline) -> TopicTrainer {
        self.pipeline = pipeline;
        self
    }

    /// Held-out documents, read like the training documents: the epoch with the best
    /// validation loss is kept, early stopping watches it, and the saved metrics are measured
    /// on it. For count-row training, one CSV file of count rows.
    pub fn validation(mut self, data: TrainingData) -> TopicTrainer {
        self.validation = Some(Validation::Data(data));
        self
    }

    /// Held-out documents as count rows, for training on count rows.
    pub fn validation_counts(mut self, rows: CountRows) -> TopicTrainer {
        self.validation = Some(Validation::Counts(rows));
        self
    }

    /// Receives the run's events.
    pub fn on_event(mut self, hook: EventHook) -> TopicTrainer {
        self.hook = Some(hook);
        self
    }

    /// Stops the run, before its next batch, once set: the call then returns
    /// [`Error::Cancelled`](crate::Error::Cancelled).
    pub fn cancel_flag(mut self, flag: CancelFlag) -> TopicTrainer {
        self.cancel = flag;
        self
    }

    /// Trains on `data`: raw documents, or one CSV file of count rows (see
    /// [`TopicConfig::input_format`]).
    pub fn train(&self, data: &TrainingData) -> Result<(TopicModel, TopicReport)> {
        let files = data.materialize()?;
        let epoch_lines = self.hook.is_some();
        self.run(|config, pipeline, validation, reporter| {
            let train = Source::Files(&files.paths);
            fit::fit(config, pipeline, train, validation, reporter, epoch_lines)
        })
        .map(finish)
    }

    /// Trains on count rows, whose columns `vocabulary` names (`None`: the
    /// [`TopicConfig::vocab_file`], else the column numbers).
    pub fn train_counts(
        &self,
        rows: &CountRows,
        vocabulary: Option<&[String]>,
    ) -> Result<(TopicModel, TopicReport)> {
        let epoch_lines = self.hook.is_some();
        self.run(|config, pipeline, validation, reporter| {
            let train = Source::Counts { rows, vocabulary };
            fit::fit(config, pipeline, train, validation, reporter, epoch_lines)
        })
        .map(finish)
    }

    /// Trains one model per number of topics on the same preprocessed `data`, each measured on
    /// the validation documents or else on a seeded 10% held out from `data`, in the order of
    /// `num_topics` (the config's `num_topics` is not used).
    pub fn sweep(
        &self,
        data: &TrainingData,
        num_topics: &[usize],
    ) -> Result<Vec<(TopicModel, TopicReport)>> {
        let files = data.materialize()?;
        let models = self.run(|config, pipeline, validation, reporter| {
            let train = Source::Files(&files.paths);
            fit::sweep(config, pipeline, train, validation, num_topics, reporter)
        })?;
        Ok(models.into_iter().map(finish).collect())
    }

    /// Runs `work` in the run's own pool, with the run's reporter and validation documents.
    fn run<T: Send>(
        &self,
        work: impl FnOnce(&TopicConfig, &Pipeline, Option<Source>, &Reporter) -> Result<T> + Send,
    ) -> Result<T> {
        let reporter = Reporter::new(self.hook.clone(), self.cancel.clone());
        let threads = threads::clamp(self.config.threads, &reporter)?;
        let files = match &self.validation {
            Some(Validation::Data(data)) => Some(data.materialize()?),
            _ => None,
        };
        let validation = match (&self.validation, &files) {
            (Some(Validation::Counts(rows)), _) => Some(Source::Counts {
                rows,
                vocabulary: None,
            }),
            (_, Some(files)) => Some(Source::Files(&files.paths)),
            (_, None) => None,
        };
        threads::in_pool(threads, || {
            work(&self.config, &self.pipeline, validation, &reporter)
        })?
    }
}

/// The public model and report of a run.
fn finish((engine, metrics): (Engine, TopicMetrics)) -> (TopicModel, TopicReport) {
    let report = &engine.meta.report;
    let report = TopicReport {
        documents: report.train_docs,
        skipped_empty_documents: report.skipped_empty_docs,
        vocabulary: engine.meta.vocab.len(),
        epochs: report.epochs.clone(),
        stopped_early: report.stopped_early,
        kept_epoch: report.kept_epoch,
        seconds: report.seconds,
        metrics,
    };
    (TopicModel::trained(engine), report)
}
