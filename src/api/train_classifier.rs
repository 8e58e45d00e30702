//! Training a text classifier.

use crate::events::{CancelFlag, EventHook, Reporter};
use crate::model::{Mode, TrainConfig};
use crate::text::Pipeline;
use crate::{threads, Classifier, Error, Result, TrainingData};

pub use crate::classify::train::ClassifierTrainReport;

/// Trains a fastText-style text classifier on `__label__`-tagged lines (`mode` supervised):
/// the settings come from a [`TrainConfig`] (the struct `blazetext train` and
/// `--hyperparameters` fill), the data from files or texts in memory.
///
/// Training runs in a pool of its own with `config.threads` workers (at most 256, with a
/// warning event) and writes nothing; save the result with
/// [`Classifier::save`]. With one thread and a seed, two runs give bit-identical models.
///
/// ```
/// use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
///
/// let mut config = TrainConfig::defaults(Mode::Supervised);
/// config.vector_dim = 10;
/// config.buckets = 10_000;
/// config.epochs = 5;
/// config.threads = 1;
/// let data = TrainingData::texts([
///     "__label__music a guitar solo and a drum beat",
///     "__label__music the pianist played a sonata",
///     "__label__sport the striker scored a late goal",
///     "__label__sport the keeper saved a penalty",
/// ]);
/// let (classifier, mut report) = ClassifierTrainer::new(config).train(&data)?;
/// assert_eq!(report.labels, 2);
///
/// let prefix = std::env::temp_dir().join(format!("doc-trainer-{}", std::process::id()));
/// report.files = classifier.save(&prefix)?; // <prefix>.bin and <prefix>.json
/// eprintln!("{}", report.summary_text());
/// # for file in &report.files { std::fs::remove_file(file).unwrap(); }
/// # Ok::<(), blazetext::Error>(())
/// ```
#[derive(Clone)]
pub struct ClassifierTrainer {
    config: TrainConfig,
    pipeline: Pipeline,
    hook: Option<EventHook>,
    cancel: CancelFlag,
}

impl std::fmt::Debug for ClassifierTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClassifierTrainer")
            .field("config", &self.config)
            .field("pipeline", &self.pipeline)
            .field("hook", &self.hook.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl ClassifierTrainer {
    /// A trainer with these settings, the default text pipeline, no event hook and a cancel flag
    /// of its own. `config.mode` must be [`Mode::Supervised`]; [`train`](Self::train) says so
    /// otherwise.
    pub fn new(config: TrainConfig) -> ClassifierTrainer {
        ClassifierTrainer {
            config,
            pipeline: Pipeline::default(),
            hook: None,
            cancel: CancelFlag::new(),
        }
    }

    /// The text pipeline applied to every line (saved with the model, so prediction treats new
    /// text the same way). Its label prefix is replaced by `config.label_prefix`.
    pub fn pipeline(mut self, pipeline: Pipeline) -> ClassifierTrainer {
        self.pipeline = pipeline;
        self
    }

    /// Receives the run's events: warnings about the data, progress, and one
    /// [`Event::Epoch`](crate::Event::Epoch) per epoch (with the validation P@1 when
    /// `config.validation` is set).
    pub fn on_event(mut self, hook: EventHook) -> ClassifierTrainer {
        self.hook = Some(hook);
        self
    }

    /// A flag that stops the run: reading, encoding and every epoch (down to each worker
    /// thread's next batch of examples) watch it, and training then returns
    /// [`Error::Cancelled`].
    pub fn cancel_flag(mut self, flag: CancelFlag) -> ClassifierTrainer {
        self.cancel = flag;
        self
    }

    /// Trains on `data` and returns the classifier (in memory; nothing is written) and the
    /// run's figures.
    ///
    /// Errors: [`Error::Config`] for a mode other than supervised or an impossible setting;
    /// [`Error::Input`] / [`Error::Io`] for data without two labels, an empty text list or an
    /// unreadable file (the validation, class-weight and pretrained-vector files included);
    /// [`Error::Cancelled`] when the cancel flag was set.
    pub fn train(&self, data: &TrainingData) -> Result<(Classifier, ClassifierTrainReport)> {
        if self.config.mode != Mode::Supervised {
            return Err(Error::config(format!(
                "a classifier is trained with mode supervised, but the config's mode is {}; \
                 start from TrainConfig::defaults(Mode::Supervised)",
                self.config.mode.name()
            )));
        }
        let reporter = Reporter::new(self.hook.clone(), self.cancel.clone());
        let mut config = self.config.clone();
        config.threads = threads::clamp(config.threads, &reporter)?;
        let (engine, report) = threads::in_pool(config.threads, || {
            crate::classify::train(data, &self.pipeline, &config, &reporter)
        })??;
        Ok((Classifier::trained(engine), report))
    }
}
