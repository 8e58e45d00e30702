//! `blazetext topics …`: train, infer, show, eval, sweep and bow (export for other tools).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{ArgAction, Args, Subcommand, ValueEnum};
use ndarray::Array2;
use serde_json::json;

use super::{GlobalArgs, PipelineArgs};
use crate::log;
use blazetext::io_util::write_atomic;
use blazetext::text::Pipeline;
use blazetext::topics::bow::{self, Bow};
use blazetext::topics::docs;
use blazetext::topics::embedded::TopicEmbedding;
use blazetext::topics::infer::{self, OutputFormat};
use blazetext::topics::metrics::{self, Window};
use blazetext::topics::model::{Meta, TopicModel, FORMAT, KIND, VERSION};
use blazetext::topics::ntm::{Activation, Architecture, DecoderKind, Ntm, Prior};
use blazetext::topics::optim::{OptimConfig, OptimizerKind};
use blazetext::topics::train::{self, TrainConfig};
use blazetext::vocab::{DfBound, VocabOptions};
use blazetext::{Error, Result};

/// `--encoder-input-norm` with topic embeddings: about the norm of a 100-word post's
/// log(1 + count) vector (0.69·√100), so typical inputs keep their scale (docs/topics.md).
const EMBEDDED_ENCODER_INPUT_NORM: f32 = 10.0;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// CSV when the file name ends in .csv, a SageMaker JSON request when the file is one,
    /// else text (one document per line, or JSON lines with --text-field).
    Auto,
    Text,
    Csv,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Field holding the text when documents are JSON lines.
    #[arg(long)]
    pub text_field: Option<String>,
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Vocabulary size after filtering (SageMaker's 20 Newsgroups example uses 2000).
    #[arg(long, alias = "max-vocab", default_value_t = 2000, value_name = "N")]
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
    #[arg(long, short = 'k', value_delimiter = ',', default_value = "20")]
    pub num_topics: Vec<usize>,
    /// Vocabulary size the data must have (SageMaker feature_dim); checked, not needed.
    #[arg(long)]
    pub feature_dim: Option<usize>,
    /// Encoder hidden units: "auto" = [3K, 2K] as SageMaker, or a list like "150,100".
    #[arg(long, default_value = "auto")]
    pub encoder_layers: String,
    #[arg(long, value_enum, default_value_t = Activation::Softplus)]
    pub encoder_layers_activation: Activation,
    #[arg(long, value_enum, default_value_t = Prior::Dirichlet)]
    pub prior: Prior,
    /// Symmetric Dirichlet concentration of the prior.
    #[arg(long, default_value_t = 1.0)]
    pub alpha: f32,
    #[arg(long, value_enum, default_value_t = DecoderKind::ProductOfExperts)]
    pub decoder: DecoderKind,
    /// Batch norm on the encoder outputs μ and log σ²
    #[arg(long, default_value_t = true, action = ArgAction::Set)]
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
    #[arg(long)]
    pub encoder_input_norm: Option<f32>,
    /// Topics as points among these word embeddings (ECRTM; fastText .bin, word2vec .vec or
    /// binary, trained on the same preprocessed text: docs/topics.md): β from the distances
    /// between topic and word embeddings, plus the embedding clustering regulariser.
    #[arg(long, value_name = "VECTORS")]
    pub topic_embeddings: Option<PathBuf>,
    /// Topic embeddings: τ in β = softmax(−‖t − e‖²/τ).
    #[arg(long, default_value_t = 0.2)]
    pub temperature: f32,
    /// Topic embeddings: weight of the embedding clustering regulariser.
    #[arg(long, default_value_t = 100.0)]
    pub ecr_weight: f32,
    /// Topic embeddings: 1/ε of the regulariser's entropic transport.
    #[arg(long, default_value_t = 20.0)]
    pub sinkhorn_alpha: f32,
    #[arg(long, value_enum, default_value_t = OptimizerKind::Adam)]
    pub optimizer: OptimizerKind,
    /// Step size (SageMaker's default 0.01; ProdLDA's 0.002 learns far more slowly here).
    #[arg(long, alias = "lr", default_value_t = 0.01)]
    pub learning_rate: f32,
    #[arg(long, default_value_t = 0.0)]
    pub weight_decay: f32,
    /// Clip each gradient component to [-c, c].
    #[arg(long)]
    pub clip_gradient: Option<f32>,
    #[arg(long, default_value_t = 1.0)]
    pub rescale_gradient: f32,
    #[arg(long, default_value_t = 256)]
    pub mini_batch_size: usize,
    #[arg(long, default_value_t = 50)]
    pub epochs: usize,
    /// Relative loss improvement below which an epoch counts toward early stopping.
    #[arg(long, default_value_t = 0.001)]
    pub tolerance: f64,
    #[arg(long, default_value_t = 3)]
    pub num_patience_epochs: usize,
    /// Fraction of training documents used in each epoch.
    #[arg(long, default_value_t = 1.0)]
    pub sub_sample: f64,
    /// Dropout on the encoder output and on θ [default: 0.2, 0 with --topic-embeddings, where
    /// dropout on θ keeps the document-topic weights flat].
    #[arg(long)]
    pub dropout: Option<f32>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// SageMaker hyperparameters as a JSON object of strings, e.g. '{"num_topics": "50"}';
    /// applied after the flags.
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
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    pub format: OutputFormat,
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
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
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
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

/// Applies SageMaker hyperparameters (string values, as SageMaker passes them).
fn apply_hyperparameters(m: &mut ModelArgs, text: &str) -> Result<()> {
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
        .map_err(|e| Error::config(format!("--hyperparameters is not a JSON object: {e}")))?;
    for (key, value) in map {
        let v = match &value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let bad = |what: &str| Error::config(format!("hyperparameter {key}={v}: expected {what}"));
        let flag = || match v.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(bad("true or false")),
        };
        macro_rules! num {
            ($field:expr, $what:expr) => {
                $field = v.trim().parse().map_err(|_| bad($what))?
            };
        }
        match key.as_str() {
            "num_topics" => m.num_topics = vec![v.trim().parse().map_err(|_| bad("an integer"))?],
            "feature_dim" => m.feature_dim = Some(v.trim().parse().map_err(|_| bad("an integer"))?),
            "mini_batch_size" => num!(m.mini_batch_size, "an integer"),
            "epochs" => num!(m.epochs, "an integer"),
            "num_patience_epochs" => num!(m.num_patience_epochs, "an integer"),
            "tolerance" => num!(m.tolerance, "a number"),
            "learning_rate" => num!(m.learning_rate, "a number"),
            "weight_decay" => num!(m.weight_decay, "a number"),
            "rescale_gradient" => num!(m.rescale_gradient, "a number"),
            "sub_sample" => num!(m.sub_sample, "a number"),
            "clip_gradient" => {
                let c: f32 = v.trim().parse().map_err(|_| bad("a number"))?;
                m.clip_gradient = (c > 0.0).then_some(c);
            }
            "batch_norm" => m.batch_norm = flag()?,
            "decoder_batch_norm" => m.decoder_batch_norm = Some(flag()?),
            "encoder_layers" => m.encoder_layers = v.clone(),
            "encoder_layers_activation" => {
                m.encoder_layers_activation = Activation::from_str(v.trim(), true)
                    .map_err(|_| bad("sigmoid, tanh, relu or softplus"))?
            }
            "optimizer" => m.optimizer = v.trim().parse()?,
            _ => {
                return Err(Error::config(format!(
                    "unknown hyperparameter `{key}`; known: num_topics, feature_dim, \
                     mini_batch_size, epochs, encoder_layers, encoder_layers_activation, \
                     optimizer, tolerance, num_patience_epochs, batch_norm, decoder_batch_norm, \
                     rescale_gradient, clip_gradient, weight_decay, learning_rate, sub_sample"
                )))
            }
        }
    }
    Ok(())
}

fn encoder_layers(spec: &str, k: usize) -> Result<Vec<usize>> {
    let s = spec.trim().trim_start_matches('[').trim_end_matches(']');
    if s.eq_ignore_ascii_case("auto") {
        return Ok(vec![3 * k, 2 * k]);
    }
    s.split(',')
        .map(|p| {
            p.trim().parse::<usize>().map_err(|_| {
                Error::config(format!(
                    "--encoder-layers {spec}: expected \"auto\" or a list of unit counts like 150,100"
                ))
            })
        })
        .collect()
}

/// The word embeddings of `--topic-embeddings`, one row per vocabulary word (zero rows for
/// words the file has no vector for).
fn word_vectors(m: &ModelArgs, vocab: &[String]) -> Result<Option<Array2<f32>>> {
    let Some(path) = &m.topic_embeddings else {
        return Ok(None);
    };
    let model = blazetext::io::WordVectorModel::load(path)?;
    let mut out = Array2::zeros((vocab.len(), model.dim()));
    let mut found = 0;
    for (mut row, word) in out.rows_mut().into_iter().zip(vocab) {
        if let Some(v) = model.word_vector(word) {
            row.assign(&ndarray::ArrayView1::from(&v));
            found += 1;
        }
    }
    if found == 0 {
        return Err(Error::model(
            path,
            "has a vector for none of the vocabulary words; train the vectors on the text after \
             the topic pipeline (stop words removed, stems), as docs/topics.md shows",
        ));
    }
    let report = format!(
        "{}: vectors for {found} of {} vocabulary words",
        path.display(),
        vocab.len()
    );
    if found * 2 < vocab.len() {
        log::warn(format!(
            "{report}; the others stay random. Were the vectors trained on the same preprocessed \
             text (docs/topics.md)?"
        ));
    } else {
        log::info(report);
    }
    Ok(Some(out))
}

/// The training configuration for `k` topics (`None`: the one `--num-topics` value), with the
/// embedding dimension of `vectors` when given.
fn train_config(
    m: &ModelArgs,
    n_words: usize,
    k: Option<usize>,
    vectors: Option<&Array2<f32>>,
) -> Result<TrainConfig> {
    let mut m = m.clone();
    if let Some(h) = &m.hyperparameters.clone() {
        apply_hyperparameters(&mut m, h)?;
    }
    let num_topics =
        match (k, m.num_topics.as_slice()) {
            (Some(k), _) => k,
            (None, [k]) => *k,
            (None, _) => return Err(Error::config(
                "--num-topics takes one value here; compare several with `blazetext topics sweep`",
            )),
        };
    if let Some(fd) = m.feature_dim {
        if fd != n_words {
            return Err(Error::config(format!(
                "feature_dim {fd} does not match the {n_words} vocabulary words of the data"
            )));
        }
    }
    Ok(TrainConfig {
        arch: Architecture {
            n_words,
            n_topics: num_topics,
            encoder_layers: encoder_layers(&m.encoder_layers, num_topics)?,
            activation: m.encoder_layers_activation,
            prior: m.prior,
            alpha: m.alpha,
            decoder: m.decoder,
            batch_norm: m.batch_norm,
            decoder_batch_norm: m.decoder_batch_norm.unwrap_or(vectors.is_some()),
            encoder_input_norm: Some(m.encoder_input_norm.unwrap_or(if vectors.is_some() {
                EMBEDDED_ENCODER_INPUT_NORM
            } else {
                0.0
            }))
            .filter(|&norm| norm != 0.0),
            embedding: vectors.map(|v| TopicEmbedding {
                dim: v.ncols(),
                temperature: m.temperature,
                ecr_weight: m.ecr_weight,
                sinkhorn_alpha: m.sinkhorn_alpha,
            }),
        },
        optim: OptimConfig {
            kind: m.optimizer,
            learning_rate: m.learning_rate,
            weight_decay: m.weight_decay,
            clip_gradient: m.clip_gradient,
            rescale_gradient: m.rescale_gradient,
        },
        mini_batch_size: m.mini_batch_size,
        epochs: m.epochs,
        tolerance: m.tolerance,
        num_patience_epochs: m.num_patience_epochs,
        sub_sample: m.sub_sample,
        dropout: m
            .dropout
            .unwrap_or(if vectors.is_some() { 0.0 } else { 0.2 }),
        seed: m.seed,
    })
}

/// Training data after preprocessing.
struct Prepared {
    vocab: Vec<String>,
    pipeline: Option<Pipeline>,
    train: Bow,
    validation: Option<Bow>,
}

fn is_csv_input(format: InputFormat, path: &Path) -> bool {
    format == InputFormat::Csv || (format == InputFormat::Auto && docs::is_csv(path))
}

fn prepare(d: &DataArgs, paths: &[PathBuf], validation: Option<&Path>) -> Result<Prepared> {
    if is_csv_input(d.input_format, &paths[0]) {
        if paths.len() != 1 {
            return Err(Error::config("CSV count input is one file"));
        }
        let train = Bow::read_dense_csv(&paths[0], None)?;
        let vocab = match &d.vocab {
            Some(p) => {
                let v = bow::read_vocab_txt(p)?;
                bow::check_vocab_width(&v, p, train.n_words())?;
                v
            }
            None => (0..train.n_words()).map(|i| i.to_string()).collect(),
        };
        let validation = validation
            .map(|p| Bow::read_dense_csv(p, Some(train.n_words())))
            .transpose()?;
        return Ok(Prepared {
            vocab,
            pipeline: None,
            train,
            validation,
        });
    }
    let pipeline = d.pipeline.to_pipeline(Pipeline::topics_default())?;
    let field = d.text_field.as_deref();
    let tokens = docs::tokenize(paths, &pipeline, field)?;
    let opts = VocabOptions {
        max_vocab_size: Some(d.max_vocab_size),
        min_df: Some(d.min_df),
        max_df: Some(d.max_df),
        ..VocabOptions::default()
    };
    let vocab = docs::vocabulary(&tokens, &opts)?;
    if vocab.words().is_empty() {
        return Err(Error::config(
            "every document is empty after preprocessing: no word passed the stop words and the \
             vocabulary filters; check --text-field, --min-df/--max-df and --max-vocab-size",
        ));
    }
    let words: Vec<String> = vocab.words().iter().map(|e| e.text.clone()).collect();
    let train = docs::to_bow(&tokens, words.len(), |t| vocab.word_id(t));
    let validation = validation
        .map(|p| -> Result<Bow> {
            let t = docs::tokenize(&[p.to_path_buf()], &pipeline, field)?;
            Ok(docs::to_bow(&t, words.len(), |w| vocab.word_id(w)))
        })
        .transpose()?;
    Ok(Prepared {
        vocab: words,
        pipeline: Some(pipeline),
        train,
        validation,
    })
}

/// The word ids of each document, for document co-occurrence NPMI.
fn doc_sets(bow: &Bow) -> Vec<Vec<u32>> {
    (0..bow.n_docs()).map(|d| bow.doc(d).0.to_vec()).collect()
}

fn relevance_arg(s: &str) -> std::result::Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a number from 0 to 1")),
    }
}

/// Metrics of a model on reference documents (document co-occurrence NPMI needs only the bag),
/// with the top words they were measured on and their per-topic coherence.
fn quality(
    ntm: &Ntm,
    reference: &Bow,
    top: usize,
    relevance: f32,
) -> (serde_json::Value, Vec<Vec<u32>>, metrics::Coherence) {
    let ranked = ntm.relevance(relevance);
    let tops = metrics::top_words(&ranked, top);
    let coherence = metrics::npmi(&tops, &doc_sets(reference), Window::Document);
    let td = metrics::topic_diversity(&metrics::top_words(&ranked, 25));
    let (tu, _) = metrics::topic_uniqueness(&tops);
    let (loss, words) = train::elbo(ntm, reference);
    let sim = metrics::topic_similarity(&tops);
    let summary = json!({
        "npmi_document": coherence.mean,
        "td25": td,
        "tu": tu,
        "perplexity": (loss / words.max(1.0)).exp(),
        "topic_similarity": sim,
    });
    (summary, tops, coherence)
}

fn train_cmd(g: &GlobalArgs, a: &TrainArgs) -> Result<()> {
    let data = prepare(&a.data, &a.docs, a.validation.as_deref())?;
    let vectors = word_vectors(&a.model, &data.vocab)?;
    let cfg = train_config(&a.model, data.vocab.len(), None, vectors.as_ref())?;
    log::info(format!(
        "topics: {} documents, {} words, K = {}, encoder {:?}",
        data.train.n_docs(),
        data.vocab.len(),
        cfg.arch.n_topics,
        cfg.arch.encoder_layers
    ));
    let quiet = log::is_quiet();
    let reference = data.validation.as_ref().unwrap_or(&data.train);
    let reference_sets = doc_sets(reference);
    let (ntm, report) = train::train(
        &cfg,
        &data.train,
        data.validation.as_ref(),
        vectors.as_ref(),
        |l, m| {
            if !quiet {
                // Coherence and diversity as training goes; cheap next to an epoch.
                let ranked = m.relevance(m.default_relevance());
                let npmi = metrics::npmi(
                    &metrics::top_words(&ranked, 10),
                    &reference_sets,
                    Window::Document,
                );
                let td = metrics::topic_diversity(&metrics::top_words(&ranked, 25));
                log::info(format!(
                    "epoch {:>3}  loss {:.2}{}  npmi {:.3}  td25 {:.3}  ({:.1} s)",
                    l.epoch,
                    l.train_loss,
                    l.validation_loss
                        .map(|v| format!("  validation {v:.2}"))
                        .unwrap_or_default(),
                    npmi.mean,
                    td,
                    l.seconds
                ));
            }
        },
    )?;
    let (metrics, _, _) = quality(&ntm, reference, 10, ntm.default_relevance());
    if metrics["topic_similarity"]["collapsed"] == json!(true) {
        log::warn(format!(
            "component collapse — many topics share their top words (mean Jaccard {:.2}, {} \
             near-duplicate pairs); try --prior dirichlet, --batch-norm true, fewer topics or a \
             lower --learning-rate",
            metrics["topic_similarity"]["mean_jaccard"]
                .as_f64()
                .unwrap_or(0.0),
            metrics["topic_similarity"]["near_duplicate_pairs"]
        ));
    }
    let meta = Meta {
        format: FORMAT.into(),
        kind: KIND.into(),
        version: VERSION,
        vocab: data.vocab,
        pipeline: data.pipeline,
        text_field: a.data.text_field.clone(),
        config: cfg,
        report,
        metrics,
    };
    let model = TopicModel::new(ntm, meta);
    model.save(&a.output)?;
    let summary = json!({
        "model": a.output,
        "documents": model.meta.report.train_docs,
        "vocabulary": model.meta.vocab.len(),
        "epochs": model.meta.report.epochs.len(),
        "stopped_early": model.meta.report.stopped_early,
        "seconds": model.meta.report.seconds,
        "metrics": model.meta.metrics,
    });
    if g.json {
        println!("{summary}");
    } else {
        println!(
            "saved {} ({} epochs, {:.1} s): npmi {:.3}, td25 {:.3}, tu {:.3}, perplexity {:.1}",
            a.output.display(),
            model.meta.report.epochs.len(),
            model.meta.report.seconds,
            summary["metrics"]["npmi_document"].as_f64().unwrap_or(0.0),
            summary["metrics"]["td25"].as_f64().unwrap_or(0.0),
            summary["metrics"]["tu"].as_f64().unwrap_or(0.0),
            summary["metrics"]["perplexity"].as_f64().unwrap_or(0.0),
        );
    }
    Ok(())
}

/// Reads documents for a trained model in any supported input format; with `with_tokens`, also
/// the token lists of text input (window coherence needs them, inference does not).
fn read_for_model(
    model: &TopicModel,
    path: &Path,
    format: InputFormat,
    text_field: Option<&str>,
    with_tokens: bool,
) -> Result<(Bow, Option<Vec<Vec<String>>>)> {
    let n = model.meta.vocab.len();
    if is_csv_input(format, path) {
        return Ok((Bow::read_dense_csv(path, Some(n))?, None));
    }
    let json_ext = path.extension().is_some_and(|e| e == "json");
    if format == InputFormat::Json || (format == InputFormat::Auto && json_ext) {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        return Ok((infer::parse_json_request(&text, path, n)?, None));
    }
    if format == InputFormat::Auto && path != Path::new("-") && path.is_file() {
        let mut head = [0u8; 1];
        let starts_brace = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .is_ok_and(|k| k == 1 && head[0] == b'{');
        if starts_brace {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            if infer::is_json_request(&text) {
                return Ok((infer::parse_json_request(&text, path, n)?, None));
            }
        }
    }
    let pipeline = model.meta.pipeline.as_ref().ok_or_else(|| {
        Error::input(
            path,
            None,
            "this model was trained on count rows and has no text pipeline; give CSV count rows \
             or a SageMaker JSON request",
        )
    })?;
    let field = text_field.or(model.meta.text_field.as_deref());
    let paths = [path.to_path_buf()];
    if !with_tokens {
        let bow = docs::read_bow(&paths, pipeline, field, n, |t| model.word_id(t))?;
        return Ok((bow, None));
    }
    let tokens = docs::tokenize(&paths, pipeline, field)?;
    let bow = docs::to_bow(&tokens, n, |t| model.word_id(t));
    Ok((bow, Some(tokens)))
}

fn infer_cmd(a: &InferArgs) -> Result<()> {
    let model = TopicModel::load(&a.model)?;
    let (bow, _) = read_for_model(
        &model,
        &a.docs,
        a.input_format,
        a.text_field.as_deref(),
        false,
    )?;
    let start = std::time::Instant::now();
    let weights = infer::topic_weights(&model.ntm, &bow);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    infer::write_weights(&mut out, &weights, a.format)?;
    out.flush().map_err(|e| Error::io("<stdout>", e))?;
    let s = start.elapsed().as_secs_f64();
    log::info(format!(
        "{} documents in {s:.3} s ({:.0} documents/s, model only)",
        weights.len(),
        weights.len() as f64 / s.max(1e-9)
    ));
    Ok(())
}

/// Three words per topic ranked by relevance with pyLDAvis's λ = 0.6, which favours words
/// frequent in the topic and rarer elsewhere.
fn labels(ntm: &Ntm, vocab: &[String]) -> Vec<String> {
    metrics::top_words(&ntm.relevance(0.6), 3)
        .iter()
        .map(|top| {
            top.iter()
                .map(|&w| vocab[w as usize].as_str())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

fn show_cmd(g: &GlobalArgs, a: &ShowArgs) -> Result<()> {
    let model = TopicModel::load(&a.model)?;
    let phi = model.ntm.topic_word();
    let vocab = &model.meta.vocab;
    let tops = metrics::top_words(
        &model
            .ntm
            .relevance(a.relevance.unwrap_or(model.ntm.default_relevance())),
        a.top,
    );
    let names = a.labels.then(|| labels(&model.ntm, vocab));
    if g.json {
        let topics: Vec<_> = tops
            .iter()
            .enumerate()
            .map(|(k, top)| {
                let words: Vec<_> = top
                    .iter()
                    .map(|&w| json!({"word": vocab[w as usize], "prob": phi[[k, w as usize]]}))
                    .collect();
                let mut t = json!({"topic": k, "words": words});
                if let Some(n) = &names {
                    t["label"] = json!(n[k]);
                }
                t
            })
            .collect();
        println!(
            "{}",
            json!({"topics": topics, "metrics": model.meta.metrics})
        );
    } else {
        for (k, top) in tops.iter().enumerate() {
            let label = names
                .as_ref()
                .map(|n| format!(" [{}]", n[k]))
                .unwrap_or_default();
            let words: Vec<String> = top
                .iter()
                .map(|&w| format!("{} {:.4}", vocab[w as usize], phi[[k, w as usize]]))
                .collect();
            println!("topic {k:>3}{label}: {}", words.join("  "));
        }
    }
    if let Some(path) = &a.export_matrix {
        let mut s = String::from("topic");
        for w in vocab {
            s.push('\t');
            s.push_str(w);
        }
        s.push('\n');
        for (k, row) in phi.rows().into_iter().enumerate() {
            s.push_str(&k.to_string());
            for v in row {
                s.push('\t');
                s.push_str(&v.to_string());
            }
            s.push('\n');
        }
        write_atomic(path, s.as_bytes())?;
    }
    if let (Some(path), Some(docs_path)) = (&a.pyldavis, &a.docs) {
        let (bow, _) = read_for_model(
            &model,
            docs_path,
            InputFormat::Auto,
            a.text_field.as_deref(),
            false,
        )?;
        // pyLDAvis needs documents with at least one vocabulary word.
        let kept: Vec<usize> = (0..bow.n_docs())
            .filter(|&d| bow.doc_len(d) > 0.0)
            .collect();
        let bow = bow.select(&kept);
        let weights = infer::topic_weights(&model.ntm, &bow);
        let phi64: Vec<Vec<f64>> = phi
            .rows()
            .into_iter()
            .map(|r| {
                let s: f64 = r.iter().map(|&v| v as f64).sum();
                r.iter().map(|&v| v as f64 / s).collect()
            })
            .collect();
        let data = json!({
            "topic_term_dists": phi64,
            "doc_topic_dists": weights,
            "doc_lengths": (0..bow.n_docs()).map(|d| bow.doc_len(d)).collect::<Vec<_>>(),
            "vocab": vocab,
            "term_frequency": bow.term_frequency(),
        });
        write_atomic(path, data.to_string().as_bytes())?;
    }
    Ok(())
}

fn eval_cmd(g: &GlobalArgs, a: &EvalArgs) -> Result<()> {
    let model = TopicModel::load(&a.model)?;
    let (bow, tokens) = read_for_model(
        &model,
        &a.docs,
        a.input_format,
        a.text_field.as_deref(),
        true,
    )?;
    let (mut result, tops, coherence) = quality(
        &model.ntm,
        &bow,
        a.top,
        a.relevance.unwrap_or(model.ntm.default_relevance()),
    );
    result["documents"] = json!(bow.n_docs());
    result["npmi_document_per_topic"] = json!(coherence.per_topic);
    if let Some(tokens) = &tokens {
        let seqs = docs::to_sequences(tokens, |t| model.word_id(t));
        result["npmi_window10"] = json!(metrics::npmi(&tops, &seqs, Window::Sliding(10)).mean);
    }
    if let Some(path) = &a.embeddings {
        let wanted: HashSet<&str> = tops
            .iter()
            .flatten()
            .map(|&w| model.meta.vocab[w as usize].as_str())
            .collect();
        // blazetext::io reads fastText .bin (subword vectors for unseen words too), word2vec text
        // and binary, recognised by content.
        let embeddings = blazetext::io::WordVectorModel::load(path)?;
        let vectors: HashMap<String, Vec<f32>> = wanted
            .into_iter()
            .filter_map(|w| Some((w.to_string(), embeddings.word_vector(w)?)))
            .collect();
        let (m, _) = metrics::wetc(&tops, &model.meta.vocab, &vectors);
        result["wetc"] = json!(m);
    }
    if g.json {
        println!("{result}");
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
                println!("{key:<16}{v}");
            }
        }
    }
    Ok(())
}

fn sweep_cmd(g: &GlobalArgs, a: &SweepArgs) -> Result<()> {
    let mut data = prepare(&a.data, &a.docs, a.validation.as_deref())?;
    let held_out = match data.validation.take() {
        Some(v) => v,
        None => {
            // A seeded 10% split: every tenth document of a seeded shuffle.
            use rand::seq::SliceRandom;
            let mut order: Vec<usize> = (0..data.train.n_docs()).collect();
            order.shuffle(&mut blazetext::topics::linalg::rng(a.model.seed));
            let cut = (order.len() / 10).max(1);
            let held = data.train.select(&order[..cut]);
            data.train = data.train.select(&order[cut..]);
            held
        }
    };
    if let Some(dir) = &a.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let vectors = word_vectors(&a.model, &data.vocab)?;
    let mut rows = Vec::new();
    for &k in &a.model.num_topics {
        let cfg = train_config(&a.model, data.vocab.len(), Some(k), vectors.as_ref())?;
        let (ntm, report) = train::train(
            &cfg,
            &data.train,
            Some(&held_out),
            vectors.as_ref(),
            |l, _| {
                log::info(format!("K={k} epoch {} loss {:.2}", l.epoch, l.train_loss));
            },
        )?;
        let (mut q, _, _) = quality(&ntm, &held_out, 10, ntm.default_relevance());
        q["num_topics"] = json!(k);
        q["seconds"] = json!(report.seconds);
        if let Some(dir) = &a.output_dir {
            let meta = Meta {
                format: FORMAT.into(),
                kind: KIND.into(),
                version: VERSION,
                vocab: data.vocab.clone(),
                pipeline: data.pipeline.clone(),
                text_field: a.data.text_field.clone(),
                config: cfg,
                report,
                metrics: q.clone(),
            };
            TopicModel::new(ntm, meta).save(&dir.join(format!("topics-{k}.ntm")))?;
        }
        rows.push(q);
    }
    if g.json {
        println!("{}", json!({ "sweep": rows }));
    } else {
        println!(
            "{:>6} {:>8} {:>7} {:>7} {:>11} {:>8}",
            "K", "NPMI", "TD@25", "TU", "perplexity", "seconds"
        );
        for r in &rows {
            println!(
                "{:>6} {:>8.3} {:>7.3} {:>7.3} {:>11.1} {:>8.1}",
                r["num_topics"].as_u64().unwrap_or(0),
                r["npmi_document"].as_f64().unwrap_or(0.0),
                r["td25"].as_f64().unwrap_or(0.0),
                r["tu"].as_f64().unwrap_or(0.0),
                r["perplexity"].as_f64().unwrap_or(0.0),
                r["seconds"].as_f64().unwrap_or(0.0)
            );
        }
    }
    Ok(())
}

fn bow_cmd(a: &BowArgs) -> Result<()> {
    let model = TopicModel::load(&a.model)?;
    let (bow, _) = read_for_model(
        &model,
        &a.docs,
        InputFormat::Auto,
        a.text_field.as_deref(),
        false,
    )?;
    std::fs::create_dir_all(&a.output).map_err(|e| Error::io(&a.output, e))?;
    let mut s = format!(
        "%%MatrixMarket matrix coordinate real general\n{} {} {}\n",
        bow.n_docs(),
        bow.n_words(),
        bow.nnz()
    );
    for d in 0..bow.n_docs() {
        let (ids, counts) = bow.doc(d);
        for (&w, &c) in ids.iter().zip(counts) {
            s.push_str(&format!("{} {} {}\n", d + 1, w + 1, c));
        }
    }
    write_atomic(&a.output.join("bow.mtx"), s.as_bytes())?;
    let mut v = model.meta.vocab.join("\n");
    v.push('\n');
    write_atomic(&a.output.join("vocab.txt"), v.as_bytes())?;
    log::info(format!(
        "wrote {} documents to {}",
        bow.n_docs(),
        a.output.display()
    ));
    Ok(())
}
