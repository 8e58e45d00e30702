//! What a topic-model training run is asked for: [`TopicConfig`], filled by the command line's
//! flags, SageMaker's `--hyperparameters` JSON, or a program, and resolved into the
//! [`TrainConfig`] saved with the model once the vocabulary size is known.

use std::path::PathBuf;

use super::embedded::TopicEmbedding;
use super::input::TopicInputFormat;
use super::ntm::{Activation, Architecture, DecoderKind, Prior};
use super::optim::{OptimConfig, OptimizerKind};
use super::train::TrainConfig;
use crate::vocab::DfBound;
use crate::{Error, Result};

/// The encoder input norm with topic embeddings: about the norm of a 100-word post's
/// log(1 + count) vector (0.69·√100), so typical inputs keep their scale (docs/topics.md).
const EMBEDDED_ENCODER_INPUT_NORM: f32 = 10.0;

/// The hyperparameter names [`TopicConfig::apply_hyperparameters`] knows.
const HYPERPARAMETERS: &str = "num_topics, feature_dim, mini_batch_size, epochs, encoder_layers, \
     encoder_layers_activation, optimizer, tolerance, num_patience_epochs, batch_norm, \
     decoder_batch_norm, rescale_gradient, clip_gradient, weight_decay, learning_rate, sub_sample";

/// The hidden layers of the encoder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EncoderLayers {
    /// [3K, 2K] units for K topics, as SageMaker NTM.
    #[default]
    Auto,
    /// These unit counts, first layer first.
    Units(Vec<usize>),
}

impl EncoderLayers {
    /// Parses `auto` or a list of unit counts such as `150,100` or `[150, 100]` (SageMaker's
    /// spelling).
    ///
    /// ```
    /// use blazetext::EncoderLayers;
    /// assert_eq!(EncoderLayers::parse("[8, 4]")?, EncoderLayers::Units(vec![8, 4]));
    /// assert_eq!(EncoderLayers::parse("auto")?.units(10), vec![30, 20]);
    /// assert!(EncoderLayers::parse("big").is_err());
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn parse(spec: &str) -> Result<EncoderLayers> {
        let s = spec.trim().trim_start_matches('[').trim_end_matches(']');
        if s.eq_ignore_ascii_case("auto") {
            return Ok(EncoderLayers::Auto);
        }
        s.split(',')
            .map(|p| {
                p.trim().parse::<usize>().map_err(|_| {
                    Error::config(format!(
                        "--encoder-layers {spec}: expected \"auto\" or a list of unit counts like \
                         150,100"
                    ))
                })
            })
            .collect::<Result<_>>()
            .map(EncoderLayers::Units)
    }

    /// The unit counts for `num_topics` topics.
    pub fn units(&self, num_topics: usize) -> Vec<usize> {
        match self {
            EncoderLayers::Auto => vec![3 * num_topics, 2 * num_topics],
            EncoderLayers::Units(units) => units.clone(),
        }
    }
}

impl std::str::FromStr for EncoderLayers {
    type Err = Error;
    fn from_str(spec: &str) -> Result<EncoderLayers> {
        EncoderLayers::parse(spec)
    }
}

/// Everything a topic-model training run is asked for: the model, the optimiser, the
/// vocabulary filters and how documents are read. [`Default`] gives the `blazetext topics train`
/// defaults; the text pipeline is given to [`TopicTrainer::pipeline`](crate::TopicTrainer::pipeline).
///
/// ```
/// let mut config = blazetext::TopicConfig::default();
/// config.num_topics = 8;
/// config.apply_hyperparameters(r#"{"epochs": "5", "optimizer": "rmsprop"}"#)?;
/// assert_eq!((config.num_topics, config.epochs), (8, 5));
/// # Ok::<(), blazetext::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TopicConfig {
    /// Number of topics K (SageMaker `num_topics`); at least 2.
    pub num_topics: usize,
    /// Vocabulary size the data must have (SageMaker `feature_dim`); checked, not needed.
    pub feature_dim: Option<usize>,
    /// Encoder hidden layers.
    pub encoder_layers: EncoderLayers,
    /// Activation of the encoder's hidden layers.
    pub encoder_layers_activation: Activation,
    /// The prior on the document-topic weights.
    pub prior: Prior,
    /// Symmetric Dirichlet concentration of the prior.
    pub alpha: f32,
    /// How topics combine into a document's word distribution.
    pub decoder: DecoderKind,
    /// Batch norm on the encoder outputs μ and log σ².
    pub batch_norm: bool,
    /// Batch norm on the product-of-experts decoder logits, as ProdLDA; `None`: on with topic
    /// embeddings, else off.
    pub decoder_batch_norm: Option<bool>,
    /// Rescale each document's encoder input (log(1 + count)) to this Euclidean norm; 0 keeps it
    /// as it is; `None`: 10 with topic embeddings, else 0.
    pub encoder_input_norm: Option<f32>,
    /// Word vectors (fastText .bin, word2vec .vec or binary) among which topics are points
    /// (ECRTM); `None` learns the topic-word matrix freely.
    pub topic_embeddings: Option<PathBuf>,
    /// Topic embeddings: τ in β = softmax(−‖t − e‖²/τ).
    pub temperature: f32,
    /// Topic embeddings: weight of the embedding clustering regulariser.
    pub ecr_weight: f32,
    /// Topic embeddings: 1/ε of the regulariser's entropic transport.
    pub sinkhorn_alpha: f32,
    /// The optimiser.
    pub optimizer: OptimizerKind,
    /// Step size.
    pub learning_rate: f32,
    /// L2 weight decay added to each gradient.
    pub weight_decay: f32,
    /// Clip each gradient component to [−c, c]; `None` does not clip.
    pub clip_gradient: Option<f32>,
    /// Factor every gradient is multiplied by first.
    pub rescale_gradient: f32,
    /// Documents per training step.
    pub mini_batch_size: usize,
    /// Most epochs to train.
    pub epochs: usize,
    /// Relative loss improvement below which an epoch counts toward early stopping.
    pub tolerance: f64,
    /// Epochs without improvement after which training stops.
    pub num_patience_epochs: usize,
    /// Fraction of training documents used in each epoch, in (0, 1].
    pub sub_sample: f64,
    /// Dropout on the encoder output and on θ; `None`: 0.2, or 0 with topic embeddings.
    pub dropout: Option<f32>,
    /// Seed of every random choice: one seed gives identical model files at any thread count.
    pub seed: u64,
    /// Field holding the text when documents are JSON lines; saved with the model.
    pub text_field: Option<String>,
    /// How training files are read.
    pub input_format: TopicInputFormat,
    /// Vocabulary size after filtering.
    pub max_vocab_size: usize,
    /// Drop words in fewer documents than this.
    pub min_df: DfBound,
    /// Drop words in more documents than this.
    pub max_df: DfBound,
    /// SageMaker `vocab.txt` naming the columns of CSV count rows.
    pub vocab_file: Option<PathBuf>,
    /// Worker threads, from 1 (more than 256 are lowered to 256, with a warning).
    pub threads: usize,
}

impl Default for TopicConfig {
    fn default() -> TopicConfig {
        TopicConfig {
            num_topics: 20,
            feature_dim: None,
            encoder_layers: EncoderLayers::Auto,
            encoder_layers_activation: Activation::Softplus,
            prior: Prior::Dirichlet,
            alpha: 1.0,
            decoder: DecoderKind::ProductOfExperts,
            batch_norm: true,
            decoder_batch_norm: None,
            encoder_input_norm: None,
            topic_embeddings: None,
            temperature: 0.2,
            ecr_weight: 100.0,
            sinkhorn_alpha: 20.0,
            optimizer: OptimizerKind::Adam,
            learning_rate: 0.01,
            weight_decay: 0.0,
            clip_gradient: None,
            rescale_gradient: 1.0,
            mini_batch_size: 256,
            epochs: 50,
            tolerance: 0.001,
            num_patience_epochs: 3,
            sub_sample: 1.0,
            dropout: None,
            seed: 1,
            text_field: None,
            input_format: TopicInputFormat::Auto,
            max_vocab_size: 2000,
            min_df: DfBound::Count(2),
            max_df: DfBound::Fraction(0.5),
            vocab_file: None,
            threads: crate::threads::default_threads(),
        }
    }
}

impl TopicConfig {
    /// Applies SageMaker NTM hyperparameters: a JSON object whose values are strings, as
    /// SageMaker passes them (`{"num_topics": "50", "batch_norm": "true"}`). Unknown names and
    /// values of the wrong kind are errors that name them.
    pub fn apply_hyperparameters(&mut self, json: &str) -> Result<()> {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)
            .map_err(|e| Error::config(format!("--hyperparameters is not a JSON object: {e}")))?;
        for (key, value) in map {
            let v = match &value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let bad =
                |what: &str| Error::config(format!("hyperparameter {key}={v}: expected {what}"));
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
                "num_topics" => num!(self.num_topics, "an integer"),
                "feature_dim" => {
                    self.feature_dim = Some(v.trim().parse().map_err(|_| bad("an integer"))?)
                }
                "mini_batch_size" => num!(self.mini_batch_size, "an integer"),
                "epochs" => num!(self.epochs, "an integer"),
                "num_patience_epochs" => num!(self.num_patience_epochs, "an integer"),
                "tolerance" => num!(self.tolerance, "a number"),
                "learning_rate" => num!(self.learning_rate, "a number"),
                "weight_decay" => num!(self.weight_decay, "a number"),
                "rescale_gradient" => num!(self.rescale_gradient, "a number"),
                "sub_sample" => num!(self.sub_sample, "a number"),
                "clip_gradient" => {
                    let c: f32 = v.trim().parse().map_err(|_| bad("a number"))?;
                    // SageMaker's default is "Inf": no clipping.
                    self.clip_gradient = (c > 0.0 && c.is_finite()).then_some(c);
                }
                "batch_norm" => self.batch_norm = flag()?,
                "decoder_batch_norm" => self.decoder_batch_norm = Some(flag()?),
                "encoder_layers" => self.encoder_layers = EncoderLayers::parse(&v)?,
                "encoder_layers_activation" => {
                    self.encoder_layers_activation =
                        <Activation as clap::ValueEnum>::from_str(v.trim(), true)
                            .map_err(|_| bad("sigmoid, tanh, relu or softplus"))?
                }
                "optimizer" => self.optimizer = v.trim().parse()?,
                _ => {
                    return Err(Error::config(format!(
                        "unknown hyperparameter `{key}`; known: {HYPERPARAMETERS}"
                    )))
                }
            }
        }
        Ok(())
    }

    /// The training configuration saved with the model, for `n_words` vocabulary words and word
    /// embeddings of dimension `embedding_dim` when topics are embedded.
    pub(crate) fn resolve(
        &self,
        n_words: usize,
        embedding_dim: Option<usize>,
    ) -> Result<TrainConfig> {
        if let Some(fd) = self.feature_dim {
            if fd != n_words {
                return Err(Error::config(format!(
                    "feature_dim {fd} does not match the {n_words} vocabulary words of the data"
                )));
            }
        }
        let embedded = embedding_dim.is_some();
        Ok(TrainConfig {
            arch: Architecture {
                n_words,
                n_topics: self.num_topics,
                encoder_layers: self.encoder_layers.units(self.num_topics),
                activation: self.encoder_layers_activation,
                prior: self.prior,
                alpha: self.alpha,
                decoder: self.decoder,
                batch_norm: self.batch_norm,
                decoder_batch_norm: self.decoder_batch_norm.unwrap_or(embedded),
                encoder_input_norm: Some(self.encoder_input_norm.unwrap_or(if embedded {
                    EMBEDDED_ENCODER_INPUT_NORM
                } else {
                    0.0
                }))
                .filter(|&norm| norm != 0.0),
                embedding: embedding_dim.map(|dim| TopicEmbedding {
                    dim,
                    temperature: self.temperature,
                    ecr_weight: self.ecr_weight,
                    sinkhorn_alpha: self.sinkhorn_alpha,
                }),
            },
            optim: OptimConfig {
                kind: self.optimizer,
                learning_rate: self.learning_rate,
                weight_decay: self.weight_decay,
                clip_gradient: self.clip_gradient,
                rescale_gradient: self.rescale_gradient,
            },
            mini_batch_size: self.mini_batch_size,
            epochs: self.epochs,
            tolerance: self.tolerance,
            num_patience_epochs: self.num_patience_epochs,
            sub_sample: self.sub_sample,
            dropout: self.dropout.unwrap_or(if embedded { 0.0 } else { 0.2 }),
            seed: self.seed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperparameters_fill_the_config_and_name_bad_keys() {
        let mut c = TopicConfig::default();
        c.apply_hyperparameters(
            r#"{"num_topics": "7", "encoder_layers": "[8, 4]", "clip_gradient": "-1",
                "batch_norm": "FALSE", "encoder_layers_activation": "relu", "epochs": 4}"#,
        )
        .unwrap();
        assert_eq!(c.num_topics, 7);
        assert_eq!(c.encoder_layers, EncoderLayers::Units(vec![8, 4]));
        assert_eq!(c.clip_gradient, None);
        assert!(!c.batch_norm);
        assert_eq!(c.encoder_layers_activation, Activation::Relu);
        assert_eq!(c.epochs, 4);
        for (json, needle) in [
            (
                r#"{"num_topic": "2"}"#,
                "unknown hyperparameter `num_topic`",
            ),
            (
                r#"{"batch_norm": "yes"}"#,
                "batch_norm=yes: expected true or false",
            ),
            (r#"{"epochs": "many"}"#, "epochs=many: expected an integer"),
            (r#"{"encoder_layers": "a,b"}"#, "--encoder-layers a,b"),
            ("[1]", "not a JSON object"),
        ] {
            let e = c.apply_hyperparameters(json).unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{e}");
            assert!(e.to_string().contains(needle), "{json}: {e}");
        }
    }

    #[test]
    fn resolution_follows_topic_embeddings() {
        let c = TopicConfig {
            num_topics: 4,
            ..TopicConfig::default()
        };
        let plain = c.resolve(100, None).unwrap();
        assert_eq!(plain.arch.encoder_layers, vec![12, 8]);
        assert!(!plain.arch.decoder_batch_norm);
        assert_eq!((plain.arch.encoder_input_norm, plain.dropout), (None, 0.2));
        let embedded = c.resolve(100, Some(8)).unwrap();
        assert!(embedded.arch.decoder_batch_norm);
        assert_eq!(embedded.arch.encoder_input_norm, Some(10.0));
        assert_eq!(embedded.dropout, 0.0);
        assert_eq!(embedded.arch.embedding.unwrap().dim, 8);
        let fixed = TopicConfig {
            feature_dim: Some(99),
            ..c
        };
        let e = fixed.resolve(100, None).unwrap_err().to_string();
        assert!(e.contains("feature_dim 99 does not match the 100"), "{e}");
    }
}
