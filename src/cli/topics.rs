//! `blazetext topics …`: train, infer, show, eval, sweep and bow (export for other tools). The
//! options become the library's `TopicConfig`; the work is `TopicTrainer`'s and `TopicModel`'s.

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::{ArgAction, Args, Subcommand};
use serde_json::json;

use super::events::Terminal;
use super::given::given;
use super::numbers::{finite_f32, finite_f64};
use super::output::{self, outln};
use super::{GlobalArgs, PipelineArgs};
use crate::log;
use blazetext::{
    Activation, DecoderKind, DfBound, EncoderLayers, Error, OptimizerKind, OutputRule, Pipeline,
    Prior, Result, TopicConfig, TopicEvalOptions, TopicInput, TopicInputFormat, TopicModel,
    TopicTrainer, TopicWeightsFormat, TopicWeightsWriter, TrainingData,
};

/// The library's defaults, shown by `--help` and used when a flag is not given.
static DEFAULTS: LazyLock<TopicConfig> = LazyLock::new(TopicConfig::default);

// Parsed once per run: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a neural topic model on documents (text, JSON lines, or SageMaker CSV counts).
    Train(TrainArgs),
    /// Topic weights of documents: SageMaker JSON, JSON lines or CSV.
    Infer(InferArgs),
    /// Each topic's top words; export the topic-word matrix or pyLDAvis data.
    Show(ShowArgs),
    /// Coherence (NPMI, WETC), diversity, uniqueness and perplexity on reference documents.
    Eval(EvalArgs),
    /// Train one model per number of topics and compare their metrics.
    Sweep(SweepArgs),
    /// Write documents as a Matrix Market bag of words in a model's vocabulary (for other tools).
    Bow(BowArgs),
}

#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Field holding the text when documents are JSON lines.
    #[arg(long)]
    pub text_field: Option<String>,
    #[arg(long, value_enum, default_value_t = TopicInputFormat::Auto)]
    pub input_format: TopicInputFormat,
    /// Vocabulary size after filtering (SageMaker's 20 Newsgroups example uses 2000).
    #[arg(long, alias = "max-vocab", default_value_t = DEFAULTS.max_vocab_size, value_name = "N")]
    pub max_vocab_size: usize,
    /// Drop words in fewer documents than this: a count, or a fraction such as 0.01
    #[arg(long, default_value = "2", value_name = "N|FRACTION", value_parser = df_arg)]
    pub min_df: DfBound,
    /// Drop words in more documents than this: a count, or a fraction such as 0.5
    #[arg(long, default_value = "0.5", value_name = "N|FRACTION", value_parser = df_arg)]
    pub max_df: DfBound,
    /// SageMaker `vocab.txt` naming the columns of CSV count rows.
    #[arg(long)]
    pub vocab: Option<PathBuf>,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Number of topics K (SageMaker num_topics); `topics sweep` takes a list like 10,20,50.
    #[arg(long, short = 'k', value_delimiter = ',', default_values_t = [DEFAULTS.num_topics])]
    pub num_topics: Vec<usize>,
    /// Vocabulary size the data must have (SageMaker feature_dim); checked, not needed.
    #[arg(long)]
    pub feature_dim: Option<usize>,
    /// Encoder hidden units: "auto" = [3K, 2K] as SageMaker, or a list like "150,100".
    #[arg(long, default_value = "auto")]
    pub encoder_layers: String,
    #[arg(long, value_enum, default_value_t = DEFAULTS.encoder_layers_activation)]
    pub encoder_layers_activation: Activation,
    #[arg(long, value_enum, default_value_t = DEFAULTS.prior)]
    pub prior: Prior,
    /// Symmetric Dirichlet concentration of the prior.
    #[arg(long, default_value_t = DEFAULTS.alpha, value_parser = finite_f32)]
    pub alpha: f32,
    #[arg(long, value_enum, default_value_t = DEFAULTS.decoder)]
    pub decoder: DecoderKind,
    /// Batch norm on the encoder outputs μ and log σ²
    #[arg(long, default_value_t = DEFAULTS.batch_norm, action = ArgAction::Set)]
    pub batch_norm: bool,
    /// Batch norm on the product-of-experts decoder logits, as ProdLDA [default: true with
    /// --topic-embeddings, else false]. Without topic embeddings it makes each word's scale in β
    /// arbitrary, and the top words drift to rare words (20 Newsgroups NPMI 0.09 with it, 0.28
    /// without; BENCHMARKS.md).
    #[arg(long, action = ArgAction::Set)]
    pub decoder_batch_norm: Option<bool>,
    /// Rescale each document's encoder input (log(1 + count)) to this Euclidean norm, so that
    /// long and short documents look alike to the encoder; 0 keeps it as it is [default: 10 with
    /// --topic-embeddings, else 0] (docs/topics.md).
    #[arg(long, value_parser = finite_f32)]
    pub encoder_input_norm: Option<f32>,
    /// Topics as points among these word embeddings (ECRTM; fastText .bin, word2vec .vec or
    /// binary, trained on the same preprocessed text: docs/topics.md): β from the distances
    /// between topic and word embeddings, plus the embedding clustering regulariser.
    #[arg(long, value_name = "VECTORS")]
    pub topic_embeddings: Option<PathBuf>,
    /// Topic embeddings: τ in β = softmax(−‖t − e‖²/τ).
    #[arg(long, default_value_t = DEFAULTS.temperature, value_parser = finite_f32)]
    pub temperature: f32,
    /// Topic embeddings: weight of the embedding clustering regulariser.
    #[arg(long, default_value_t = DEFAULTS.ecr_weight, value_parser = finite_f32)]
    pub ecr_weight: f32,
    /// Topic embeddings: 1/ε of the regulariser's entropic transport.
    #[arg(long, default_value_t = DEFAULTS.sinkhorn_alpha, value_parser = finite_f32)]
    pub sinkhorn_alpha: f32,
    #[arg(long, value_enum, default_value_t = DEFAULTS.optimizer)]
    pub optimizer: OptimizerKind,
    /// Step size (SageMaker's default 0.01; ProdLDA's 0.002 learns far more slowly here).
    #[arg(long, alias = "lr", default_value_t = DEFAULTS.learning_rate, value_parser = finite_f32)]
    pub learning_rate: f32,
    #[arg(long, default_value_t = DEFAULTS.weight_decay, value_parser = finite_f32)]
    pub weight_decay: f32,
    /// Clip each gradient component to [-c, c].
    #[arg(long, value_parser = finite_f32)]
    pub clip_gradient: Option<f32>,
    #[arg(long, default_value_t = DEFAULTS.rescale_gradient, value_parser = finite_f32)]
    pub rescale_gradient: f32,
    #[arg(long, default_value_t = DEFAULTS.mini_batch_size)]
    pub mini_batch_size: usize,
    #[arg(long, default_value_t = DEFAULTS.epochs)]
    pub epochs: usize,
    /// Relative loss improvement below which an epoch counts toward early stopping.
    #[arg(long, default_value_t = DEFAULTS.tolerance, value_parser = finite_f64)]
    pub tolerance: f64,
    #[arg(long, default_value_t = DEFAULTS.num_patience_epochs)]
    pub num_patience_epochs: usize,
    /// Fraction of training documents used in each epoch.
    #[arg(long, default_value_t = DEFAULTS.sub_sample, value_parser = finite_f64)]
    pub sub_sample: f64,
    /// Dropout on the encoder output and on θ [default: 0.2, 0 with --topic-embeddings, where
    /// dropout on θ keeps the document-topic weights flat].
    #[arg(long, value_parser = finite_f32)]
    pub dropout: Option<f32>,
    #[arg(long, default_value_t = DEFAULTS.seed)]
    pub seed: u64,
    /// SageMaker hyperparameters as a JSON object of strings, e.g. '{"num_topics": "50"}'; they
    /// replace the defaults, and flags given on the command line win over them.
    #[arg(long)]
    pub hyperparameters: Option<String>,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Training documents (files, directories, "-" for stdin) or one CSV count file.
    #[arg(required = true)]
    pub docs: Vec<PathBuf>,
    #[arg(long, short)]
    pub output: PathBuf,
    /// Held-out documents for early stopping and metrics.
    #[arg(long)]
    pub validation: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct InferArgs {
    pub model: PathBuf,
    /// Documents: text / JSON lines, CSV count rows, or a SageMaker JSON request.
    pub docs: PathBuf,
    #[arg(long, value_enum, default_value_t = TopicWeightsFormat::Json)]
    pub format: TopicWeightsFormat,
    #[arg(long, value_enum, default_value_t = TopicInputFormat::Auto)]
    pub input_format: TopicInputFormat,
    /// Field holding the text when documents are JSON lines (default: the model's).
    #[arg(long)]
    pub text_field: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    pub model: PathBuf,
    /// Words per topic.
    #[arg(short = 'n', long = "top", default_value_t = 10)]
    pub top: usize,
    /// Rank words by relevance λ·log p(w|topic) + (1 − λ)·log(p(w|topic) / p(w)): 1 ranks by
    /// probability in the topic, 0 by lift over the background [default: 0.2, 0.8 for models
    /// with topic embeddings].
    #[arg(long, value_parser = relevance_arg)]
    pub relevance: Option<f32>,
    /// Give each topic a short label from its most relevant words (λ = 0.6, pyLDAvis's choice).
    #[arg(long)]
    pub labels: bool,
    /// Write the K × V topic-word matrix as TSV (header: the vocabulary).
    #[arg(long)]
    pub export_matrix: Option<PathBuf>,
    /// Write pyLDAvis input (needs --docs).
    #[arg(long, requires = "docs")]
    pub pyldavis: Option<PathBuf>,
    /// Documents for --pyldavis.
    #[arg(long)]
    pub docs: Option<PathBuf>,
    #[arg(long)]
    pub text_field: Option<String>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    pub model: PathBuf,
    /// Reference documents (text / JSON lines, or CSV count rows).
    pub docs: PathBuf,
    #[arg(long)]
    pub text_field: Option<String>,
    #[arg(long, value_enum, default_value_t = TopicInputFormat::Auto)]
    pub input_format: TopicInputFormat,
    /// Word embeddings for WETC: fastText .bin, word2vec .vec or word2vec binary.
    #[arg(long)]
    pub embeddings: Option<PathBuf>,
    /// Top words per topic for NPMI, TU and WETC.
    #[arg(short = 'n', long = "top", default_value_t = 10)]
    pub top: usize,
    /// How top words are ranked (see `topics show --relevance`).
    #[arg(long, value_parser = relevance_arg)]
    pub relevance: Option<f32>,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Training documents.
    #[arg(required = true)]
    pub docs: Vec<PathBuf>,
    /// Held-out documents (default: a seeded 10% of the training documents).
    #[arg(long)]
    pub validation: Option<PathBuf>,
    /// Save each model as <dir>/topics-K.ntm.
    #[arg(long)]
    pub output_dir: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct BowArgs {
    pub model: PathBuf,
    pub docs: PathBuf,
    /// Output folder: bow.mtx (Matrix Market, documents × words) and vocab.txt.
    #[arg(long, short)]
    pub output: PathBuf,
    #[arg(long)]
    pub text_field: Option<String>,
}

pub fn run(global: &GlobalArgs, command: &Command) -> Result<()> {
    match command {
        Command::Train(a) => train_cmd(global, a),
        Command::Infer(a) => infer_cmd(a),
        Command::Show(a) => show_cmd(global, a),
        Command::Eval(a) => eval_cmd(global, a),
        Command::Sweep(a) => sweep_cmd(global, a),
        Command::Bow(a) => bow_cmd(a),
    }
}

fn df_arg(value: &str) -> std::result::Result<DfBound, String> {
    DfBound::parse(value).map_err(|e| e.to_string())
}

fn relevance_arg(s: &str) -> std::result::Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a number from 0 to 1")),
    }
}

impl DataArgs {
    /// The files these options read besides the documents (for the output rule).
    fn reads(&self) -> Vec<PathBuf> {
        self.vocab
            .iter()
            .cloned()
            .chain(self.pipeline.reads())
            .collect()
    }
}

impl ModelArgs {
    /// The files these options read (for the output rule).
    fn reads(&self) -> Option<&PathBuf> {
        self.topic_embeddings.as_ref()
    }

    /// The training configuration these options and `data` describe, for `num_topics` topics:
    /// the defaults, then `--hyperparameters`, then the flags given on the command line.
    fn config(&self, data: &DataArgs, g: &GlobalArgs, num_topics: usize) -> Result<TopicConfig> {
        let mut c = DEFAULTS.clone();
        c.num_topics = num_topics;
        c.feature_dim = self.feature_dim;
        c.encoder_layers = EncoderLayers::parse(&self.encoder_layers)?;
        c.encoder_layers_activation = self.encoder_layers_activation;
        c.prior = self.prior;
        c.alpha = self.alpha;
        c.decoder = self.decoder;
        c.batch_norm = self.batch_norm;
        c.decoder_batch_norm = self.decoder_batch_norm;
        c.encoder_input_norm = self.encoder_input_norm;
        c.topic_embeddings = self.topic_embeddings.clone();
        c.temperature = self.temperature;
        c.ecr_weight = self.ecr_weight;
        c.sinkhorn_alpha = self.sinkhorn_alpha;
        c.optimizer = self.optimizer;
        c.learning_rate = self.learning_rate;
        c.weight_decay = self.weight_decay;
        c.clip_gradient = self.clip_gradient;
        c.rescale_gradient = self.rescale_gradient;
        c.mini_batch_size = self.mini_batch_size;
        c.epochs = self.epochs;
        c.tolerance = self.tolerance;
        c.num_patience_epochs = self.num_patience_epochs;
        c.sub_sample = self.sub_sample;
        c.dropout = self.dropout;
        c.seed = self.seed;
        c.text_field = data.text_field.clone();
        c.input_format = data.input_format;
        c.max_vocab_size = data.max_vocab_size;
        c.min_df = data.min_df;
        c.max_df = data.max_df;
        c.vocab_file = data.vocab.clone();
        if let Some(threads) = g.threads {
            c.threads = threads;
        }
        if let Some(h) = &self.hyperparameters {
            let flags = c.clone();
            c.apply_hyperparameters(h)?;
            // Flags typed on the command line win over --hyperparameters; defaults do not.
            macro_rules! keep_given {
                ($($field:ident),*) => {$(
                    if given(stringify!($field)) {
                        c.$field = flags.$field.clone();
                    }
                )*};
            }
            keep_given!(
                num_topics,
                feature_dim,
                mini_batch_size,
                epochs,
                encoder_layers,
                encoder_layers_activation,
                optimizer,
                tolerance,
                num_patience_epochs,
                batch_norm,
                decoder_batch_norm,
                rescale_gradient,
                clip_gradient,
                weight_decay,
                learning_rate,
                sub_sample
            );
        }
        Ok(c)
    }
}

/// A trainer for `config` with the documents' text pipeline (count rows have none), the
/// validation documents, and the terminal listening unless `--quiet`.
fn trainer(
    config: TopicConfig,
    g: &GlobalArgs,
    data: &DataArgs,
    docs: &[PathBuf],
    validation: Option<&PathBuf>,
    terminal: &Terminal,
) -> Result<TopicTrainer> {
    let reads_counts = data.input_format.reads_counts(&docs[0]);
    let mut trainer = TopicTrainer::new(config);
    if !reads_counts {
        trainer = trainer.pipeline(data.pipeline.to_pipeline(Pipeline::topics_default())?);
    }
    if let Some(v) = validation {
        trainer = trainer.validation(TrainingData::files([v]));
    }
    if !g.quiet {
        trainer = trainer.on_event(terminal.hook());
    }
    Ok(trainer)
}

fn train_cmd(g: &GlobalArgs, a: &TrainArgs) -> Result<()> {
    let [num_topics] = a.model.num_topics[..] else {
        return Err(Error::config(
            "--num-topics takes one value here; compare several with `blazetext topics sweep`",
        ));
    };
    OutputRule::new()
        .reads(&a.docs)
        .reads(a.data.reads())
        .reads(a.model.reads())
        .reads(&a.validation)
        .writes([&a.output])
        .writes(a.data.pipeline.writes())
        .check()?;
    let config = a.model.config(&a.data, g, num_topics)?;
    let terminal = Terminal::new(g);
    let trainer = trainer(
        config,
        g,
        &a.data,
        &a.docs,
        a.validation.as_ref(),
        &terminal,
    )?;
    let (model, report) = trainer.train(&TrainingData::files(a.docs.clone()))?;
    drop(terminal);
    model.save(&a.output)?;
    let metrics = model.saved_metrics();
    if g.json {
        let summary = json!({
            "model": a.output,
            "documents": report.documents,
            "vocabulary": report.vocabulary,
            "epochs": report.epochs.len(),
            "stopped_early": report.stopped_early,
            "seconds": report.seconds,
            "metrics": metrics,
        });
        outln!("{summary}")?;
    } else {
        let m = &report.metrics;
        outln!(
            "saved {} ({} epochs, {:.1} s): npmi {:.3}, td25 {:.3}, tu {:.3}, perplexity {:.1}",
            a.output.display(),
            report.epochs.len(),
            report.seconds,
            m.npmi_document,
            m.td25,
            m.tu,
            m.perplexity,
        )?;
    }
    Ok(())
}

fn infer_cmd(a: &InferArgs) -> Result<()> {
    let model = TopicModel::load(&a.model)?;
    let input = TopicInput::file(&a.docs)
        .format(a.input_format)
        .text_field(a.text_field.clone());
    let mut out = TopicWeightsWriter::new(output::buffered(), a.format);
    let stats = model.infer_batches(&input, |weights| out.write(&weights))?;
    out.finish()?;
    let s = stats.model_seconds;
    log::info(format!(
        "{} documents in {s:.3} s ({:.0} documents/s, model only)",
        stats.documents,
        stats.documents as f64 / s.max(1e-9)
    ));
    Ok(())
}

fn show_cmd(g: &GlobalArgs, a: &ShowArgs) -> Result<()> {
    OutputRule::new()
        .reads([&a.model])
        .reads(&a.docs)
        .writes(&a.export_matrix)
        .writes(&a.pyldavis)
        .check()?;
    let model = TopicModel::load(&a.model)?;
    let tops = model.top_words(a.top, a.relevance)?;
    let labels = a.labels.then(|| model.labels());
    if g.json {
        let topics: Vec<_> = tops
            .iter()
            .enumerate()
            .map(|(k, top)| {
                let words: Vec<_> = top
                    .iter()
                    .map(|w| json!({"word": w.word, "prob": w.weight}))
                    .collect();
                let mut t = json!({"topic": k, "words": words});
                if let Some(labels) = &labels {
                    t["label"] = json!(labels[k]);
                }
                t
            })
            .collect();
        outln!(
            "{}",
            json!({"topics": topics, "metrics": model.saved_metrics()})
        )?;
    } else {
        for (k, top) in tops.iter().enumerate() {
            let label = labels
                .as_ref()
                .map(|l| format!(" [{}]", l[k]))
                .unwrap_or_default();
            let words: Vec<String> = top
                .iter()
                .map(|w| format!("{} {:.4}", w.word, w.weight))
                .collect();
            outln!("topic {k:>3}{label}: {}", words.join("  "))?;
        }
    }
    if let Some(path) = &a.export_matrix {
        model.write_topic_word_tsv(path)?;
    }
    if let (Some(path), Some(docs)) = (&a.pyldavis, &a.docs) {
        let docs = TopicInput::file(docs).text_field(a.text_field.clone());
        model.write_pyldavis(&docs, path)?;
    }
    Ok(())
}

fn eval_cmd(g: &GlobalArgs, a: &EvalArgs) -> Result<()> {
    let model = TopicModel::load(&a.model)?;
    let reference = TopicInput::file(&a.docs)
        .format(a.input_format)
        .text_field(a.text_field.clone());
    let mut options = TopicEvalOptions::default();
    options.top = a.top;
    options.relevance = a.relevance;
    options.embeddings = a.embeddings.clone();
    let evaluation = model.evaluate(&reference, &options)?;
    let result = serde_json::to_value(&evaluation)
        .map_err(|e| Error::config(format!("cannot serialise the evaluation: {e}")))?;
    if g.json {
        outln!("{result}")?;
    } else {
        for key in [
            "documents",
            "npmi_document",
            "npmi_window10",
            "td25",
            "tu",
            "wetc",
            "perplexity",
        ] {
            if let Some(v) = result.get(key) {
                outln!("{key:<16}{v}")?;
            }
        }
    }
    Ok(())
}

fn sweep_cmd(g: &GlobalArgs, a: &SweepArgs) -> Result<()> {
    let model_path = |dir: &PathBuf, k: usize| dir.join(format!("topics-{k}.ntm"));
    OutputRule::new()
        .reads(&a.docs)
        .reads(a.data.reads())
        .reads(a.model.reads())
        .reads(&a.validation)
        .writes(
            a.output_dir
                .iter()
                .flat_map(|dir| a.model.num_topics.iter().map(|&k| model_path(dir, k))),
        )
        .writes(a.data.pipeline.writes())
        .check()?;
    let config = a.model.config(&a.data, g, DEFAULTS.num_topics)?;
    let terminal = Terminal::new(g);
    let trainer = trainer(
        config,
        g,
        &a.data,
        &a.docs,
        a.validation.as_ref(),
        &terminal,
    )?;
    if let Some(dir) = &a.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let models = trainer.sweep(&TrainingData::files(a.docs.clone()), &a.model.num_topics)?;
    drop(terminal);
    if let Some(dir) = &a.output_dir {
        for (model, _) in &models {
            model.save(model_path(dir, model.num_topics()))?;
        }
    }
    if g.json {
        let rows: Vec<_> = models.iter().map(|(m, _)| m.saved_metrics()).collect();
        outln!("{}", json!({ "sweep": rows }))?;
    } else {
        outln!(
            "{:>6} {:>8} {:>7} {:>7} {:>11} {:>8}",
            "K",
            "NPMI",
            "TD@25",
            "TU",
            "perplexity",
            "seconds"
        )?;
        for (model, report) in &models {
            let m = &report.metrics;
            outln!(
                "{:>6} {:>8.3} {:>7.3} {:>7.3} {:>11.1} {:>8.1}",
                model.num_topics(),
                m.npmi_document,
                m.td25,
                m.tu,
                m.perplexity,
                report.seconds
            )?;
        }
    }
    Ok(())
}

fn bow_cmd(a: &BowArgs) -> Result<()> {
    OutputRule::new()
        .reads([&a.model, &a.docs])
        .writes(["bow.mtx", "vocab.txt"].map(|name| a.output.join(name)))
        .check()?;
    let model = TopicModel::load(&a.model)?;
    let docs = TopicInput::file(&a.docs).text_field(a.text_field.clone());
    let documents = model.write_matrix_market(&docs, &a.output)?;
    log::info(format!(
        "wrote {documents} documents to {}",
        a.output.display()
    ));
    Ok(())
}
