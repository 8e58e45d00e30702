//! `blazetext train`: word embeddings (cbow, skipgram, batch_skipgram) or a classifier
//! (supervised). Settings come from the mode's defaults, then `--hyperparameters` (SageMaker
//! BlazingText JSON), then explicit flags, which win.

use std::path::{Path, PathBuf};

use super::events::Terminal;
use super::numbers::{finite_f32, finite_f64};
use super::output::outln;
use super::pipeline_args::PipelineArgs;
use super::{signals, GlobalArgs};
use crate::log;
use blazetext::{
    ClassifierTrainer, Error, Hyperparameters, LossKind, Mode, OutputRule, Pipeline, Result,
    TrainConfig, TrainingData, VectorTrainer,
};

const EXAMPLES: &str = "\
Examples:
  blazetext train --mode skipgram corpus.txt -o vectors --subwords
  blazetext train --mode batch_skipgram corpus.txt -o vectors --threads 2 --epochs 5
  blazetext train --mode cbow tokens.txt -o vectors --tokenizer whitespace --dim 300
  blazetext train corpus.txt -o vectors --hyperparameters '{\"mode\": \"skipgram\", \"vector_dim\": \"100\"}'
  blazetext train --mode supervised train.txt -o classifier --validation valid.txt";

/// Flags are optional so that `--hyperparameters` and the mode's defaults can fill the gaps.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Training text: files, directories, .gz files, or - for standard input
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output prefix: writes <PREFIX>.bin (fastText format), <PREFIX>.vec (word2vec text) and
    /// <PREFIX>.json (manifest)
    #[arg(short, long, value_name = "PREFIX")]
    pub output: PathBuf,
    /// What to train (required here or in --hyperparameters)
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// SageMaker BlazingText hyperparameters: a JSON file, or the JSON object itself
    #[arg(long, value_name = "JSON")]
    pub hyperparameters: Option<String>,

    /// Size of the word vectors [default: 100]
    #[arg(long, visible_alias = "dim", value_name = "N", help_heading = "Model")]
    pub vector_dim: Option<usize>,
    /// Context words on each side; each position draws a window of 1..=N [default: 5]
    #[arg(long, visible_alias = "ws", value_name = "N", help_heading = "Model")]
    pub window_size: Option<usize>,
    /// Negative samples per positive example [default: 5]
    #[arg(long, visible_alias = "neg", value_name = "N", help_heading = "Model")]
    pub negative_samples: Option<usize>,
    /// Loss: ns (negative sampling), hs (hierarchical softmax), softmax and ova (supervised
    /// only) [default: ns; supervised: softmax]
    #[arg(long, value_enum, help_heading = "Model")]
    pub loss: Option<LossKind>,
    /// Exponent of the negative-sampling noise distribution count^α [default: 0.75, as
    /// word2vec; fastText uses 0.5]
    #[arg(long, value_name = "ALPHA", help_heading = "Model", value_parser = finite_f64)]
    pub ns_exponent: Option<f64>,
    /// Train character n-gram vectors (fastText subwords) [default: off]
    #[arg(long, help_heading = "Model")]
    pub subwords: bool,
    /// No character n-gram vectors (overrides --hyperparameters and --minn/--maxn)
    #[arg(long, conflicts_with = "subwords", help_heading = "Model")]
    pub no_subwords: bool,
    /// Shortest character n-gram with --subwords [default: 3]
    #[arg(long, visible_alias = "minn", value_name = "N", help_heading = "Model")]
    pub min_char: Option<usize>,
    /// Longest character n-gram with --subwords [default: 6]
    #[arg(long, visible_alias = "maxn", value_name = "N", help_heading = "Model")]
    pub max_char: Option<usize>,
    /// Hash buckets for character and word n-grams [default: 2000000]
    #[arg(
        long,
        visible_alias = "bucket",
        value_name = "N",
        help_heading = "Model"
    )]
    pub buckets: Option<usize>,
    /// Word n-gram length (supervised) [default: 2 supervised, 1 otherwise]
    #[arg(
        long,
        visible_alias = "word-ngram",
        value_name = "N",
        help_heading = "Model"
    )]
    pub word_ngrams: Option<usize>,
    /// Context words that share negative samples in batch_skipgram [default: 11]
    #[arg(long, value_name = "N", help_heading = "Model")]
    pub batch_size: Option<usize>,

    /// Passes over the corpus [default: 5]
    #[arg(
        long,
        visible_alias = "epoch",
        value_name = "N",
        help_heading = "Training"
    )]
    pub epochs: Option<usize>,
    /// Initial learning rate, decayed linearly to 0 [default: 0.05; supervised 0.5]
    #[arg(
        value_parser = finite_f32,
        long,
        visible_alias = "lr",
        value_name = "RATE",
        help_heading = "Training"
    )]
    pub learning_rate: Option<f32>,
    /// Drop words seen fewer times [default: 5; supervised 1]
    #[arg(
        long,
        visible_alias = "minCount",
        value_name = "N",
        help_heading = "Training"
    )]
    pub min_count: Option<u64>,
    /// Drop labels seen fewer times (supervised) [default: 1]
    #[arg(long, value_name = "N", help_heading = "Training")]
    pub min_count_label: Option<u64>,
    /// Frequent-word subsampling threshold t; 0 turns it off [default: 1e-4; supervised 0]
    #[arg(long, short = 't', value_name = "T", help_heading = "Training", value_parser = finite_f64)]
    pub sampling_threshold: Option<f64>,
    /// Random seed; with --threads 1 the output files are bit-identical [default: 1]
    #[arg(long, value_name = "N", help_heading = "Training")]
    pub seed: Option<u64>,

    /// Report Spearman/Pearson on a word-pairs file (WS-353, SimLex-999, ...) at the end
    #[arg(long, value_name = "FILE", help_heading = "Evaluation")]
    pub eval_similarity: Option<PathBuf>,
    /// Report analogy accuracy on a questions-words.txt file at the end
    #[arg(long, value_name = "FILE", help_heading = "Evaluation")]
    pub eval_analogies: Option<PathBuf>,

    /// Validation file, evaluated every epoch (supervised)
    #[arg(long, value_name = "FILE", help_heading = "Supervised")]
    pub validation: Option<PathBuf>,
    /// Stop when the validation metric stops improving; keep the best epoch (supervised)
    #[arg(long, help_heading = "Supervised")]
    pub early_stopping: bool,
    /// Epochs without improvement before stopping [default: 4]
    #[arg(long, value_name = "N", help_heading = "Supervised")]
    pub patience: Option<usize>,
    /// Epochs always trained before early stopping may stop [default: 5]
    #[arg(long, value_name = "N", help_heading = "Supervised")]
    pub min_epochs: Option<usize>,
    /// `balanced`, or a file of `label weight` lines (supervised)
    #[arg(long, value_name = "balanced|FILE", help_heading = "Supervised")]
    pub class_weight: Option<String>,
    /// Initialise word vectors from a .vec or .bin file (supervised)
    #[arg(long, value_name = "FILE", help_heading = "Supervised")]
    pub pretrained_vectors: Option<PathBuf>,

    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

impl Args {
    /// The files named by options that the run reads besides its training text: a
    /// hyperparameters file, evaluation and validation files, class weights, pretrained vectors.
    fn setting_files(&self) -> Vec<PathBuf> {
        let hyperparameters = self
            .hyperparameters
            .as_deref()
            .filter(|h| !h.trim_start().starts_with(['{', '[']));
        let class_weights = self.class_weight.as_deref().filter(|w| *w != "balanced");
        hyperparameters
            .into_iter()
            .chain(class_weights)
            .map(PathBuf::from)
            .chain(self.eval_similarity.iter().cloned())
            .chain(self.eval_analogies.iter().cloned())
            .chain(self.validation.iter().cloned())
            .chain(self.pretrained_vectors.iter().cloned())
            .collect()
    }

    /// Defaults for the mode, then the hyperparameters file, then explicit flags.
    pub fn to_config(&self, threads: Option<usize>) -> Result<TrainConfig> {
        let hp = self
            .hyperparameters
            .as_deref()
            .map(Hyperparameters::load)
            .transpose()?;
        let hp_mode = hp
            .as_ref()
            .map(Hyperparameters::mode)
            .transpose()?
            .flatten();
        let mode = self.mode.or(hp_mode).ok_or_else(|| {
            Error::config("no training mode: give --mode cbow|skipgram|batch_skipgram|supervised (or \"mode\" in --hyperparameters)")
        })?;
        let mut c = TrainConfig::defaults(mode);
        if let Some(hp) = &hp {
            hp.apply(&mut c)?;
            if hp.evaluation()? == Some(true) && self.eval_similarity.is_none() {
                log::warn("\"evaluation\": blazetext ships no test sets; add --eval-similarity <WS-353 file> (and --eval-analogies <questions-words.txt>) to evaluate");
            }
        }
        macro_rules! flag {
            ($field:ident) => {
                if let Some(v) = self.$field.clone() {
                    c.$field = v;
                }
            };
        }
        flag!(vector_dim);
        flag!(window_size);
        flag!(negative_samples);
        flag!(loss);
        flag!(ns_exponent);
        flag!(min_char);
        flag!(max_char);
        flag!(buckets);
        flag!(word_ngrams);
        flag!(batch_size);
        flag!(epochs);
        flag!(learning_rate);
        flag!(min_count);
        flag!(min_count_label);
        flag!(sampling_threshold);
        flag!(seed);
        flag!(patience);
        flag!(min_epochs);
        // fastText's n-gram flags imply subwords: `--minn 3 --maxn 6` alone turns them on.
        let hp_sets_subwords = hp.as_ref().is_some_and(|h| h.sets("subwords"));
        if !hp_sets_subwords && (self.min_char.is_some() || self.max_char.is_some()) {
            c.subwords = self.max_char != Some(0);
        }
        if self.subwords {
            c.subwords = true;
        }
        if self.no_subwords {
            c.subwords = false;
        }
        if self.early_stopping {
            c.early_stopping = true;
        }
        c.eval_similarity = self.eval_similarity.clone();
        c.eval_analogies = self.eval_analogies.clone();
        c.validation = self.validation.clone();
        c.class_weight = self.class_weight.clone();
        c.pretrained_vectors = self.pretrained_vectors.clone();
        if let Some(t) = threads {
            c.threads = t;
        }
        c.validate()?;
        Ok(c)
    }
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let mut config = args.to_config(global.threads)?;
    let output = strip_model_extension(&args.output);
    let extensions: &[&str] = if config.mode == Mode::Supervised {
        &["bin", "json"]
    } else {
        &["bin", "vec", "json"]
    };
    OutputRule::new()
        .reads(&args.inputs)
        .reads(args.setting_files())
        .reads(args.pipeline.reads())
        .writes(extensions.iter().map(|ext| with_extension(&output, ext)))
        .writes(args.pipeline.writes())
        .check()?;
    let pipeline = args.pipeline.to_pipeline(Pipeline::default())?;
    config.label_prefix = pipeline.label_prefix.clone();
    let terminal = Terminal::new(global);
    let data = TrainingData::files(args.inputs.iter().cloned());
    if config.mode == Mode::Supervised {
        blazetext::Classifier::check_output_prefix(&output)?;
        let (model, mut report) = ClassifierTrainer::new(config)
            .pipeline(pipeline)
            .on_event(terminal.hook())
            .cancel_flag(signals::cancel_on_interrupt())
            .train(&data)?;
        report.files = model.save(&output)?;
        drop(terminal);
        if global.json {
            let mut line =
                serde_json::to_value(&report).map_err(|e| Error::config(e.to_string()))?;
            line["event"] = "summary".into();
            line["mode"] = "supervised".into();
            outln!("{line}")?;
        } else {
            log::info(report.summary_text());
        }
        return Ok(());
    }
    if config.validation.is_some()
        || config.class_weight.is_some()
        || config.pretrained_vectors.is_some()
    {
        return Err(Error::config(
            "--validation, --class-weight and --pretrained-vectors are for --mode supervised",
        ));
    }
    blazetext::WordVectors::check_output_prefix(&output)?;
    let (vectors, report) = VectorTrainer::new(config)
        .pipeline(pipeline)
        .on_event(terminal.hook())
        .cancel_flag(signals::cancel_on_interrupt())
        .train(&data)?;
    let files = vectors.save(&output)?;
    drop(terminal);
    if global.json {
        let line = serde_json::json!({
            "event": "summary",
            "mode": report.mode.name(),
            "words": report.words,
            "types": report.types,
            "tokens": report.summary.tokens,
            "seconds": report.summary.seconds,
            "words_per_sec": report.summary.words_per_sec,
            "words_per_sec_per_thread": report.summary.words_per_sec_per_thread,
            "loss": report.summary.loss,
            "evaluation": report.evaluation.to_json(),
            "files": files,
        });
        outln!("{line}")?;
    } else {
        for f in &files {
            log::info(format!("wrote {}", f.display()));
        }
    }
    Ok(())
}

/// `<prefix>.<ext>`, keeping any dots already in the prefix (`-o en.300` writes `en.300.bin`).
fn with_extension(prefix: &Path, ext: &str) -> PathBuf {
    let mut path = prefix.as_os_str().to_os_string();
    path.push(".");
    path.push(ext);
    PathBuf::from(path)
}

/// `-o model.bin` means the prefix `model`, as users coming from other tools expect.
fn strip_model_extension(output: &Path) -> PathBuf {
    match output.extension().and_then(|e| e.to_str()) {
        Some("bin" | "vec") => output.with_extension(""),
        _ => output.to_path_buf(),
    }
}
