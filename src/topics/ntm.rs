//! The neural topic model: a variational autoencoder over bags of words (ProdLDA / NVDM /
//! SageMaker NTM) with hand-written forward and backward passes.
//!
//! encoder  h = act(… act(log(1 + x) W₁ + b₁) …)    (x = word counts, sparse)
//! latent   μ = BN(h W_μ + b_μ), log σ² = BN(h W_σ + b_σ), z = μ + σ ε
//! topics   θ = softmax(z)
//! decoder  product of experts: p = softmax(BN(θ β))        mixture: p = θ softmax_rows(β)
//!          either decoder can take β from distances between topic and word embeddings
//!          (`embedded.rs`, ECRTM), with a clustering regulariser in the training loss
//! loss     −Σ_w x_w log p_w + KL(q(z|x) ‖ prior), averaged over the mini-batch
//!
//! The prior is the Laplace approximation of a symmetric Dirichlet(α) in the softmax basis
//! (μ₀ = 0, σ₀² = (1 − 1/K)/α, Srivastava & Sutton 2017), or N(0, I) (NVDM, SageMaker).
//! Batch norm has a learned shift but no learned scale (as ProdLDA): it standardises each unit
//! over the mini-batch during training (running averages at inference) and adds a bias. The
//! decoder's bias carries the background word frequencies, so the topic rows β_k only carry
//! what distinguishes a topic; without batch norm the decoder is softmax(θβ + b) (NVDM).

use ndarray::parallel::prelude::*;
use ndarray::{Array1, Array2, ArrayView2, Axis, Zip};
use rand::Rng;
use serde::{Deserialize, Serialize};

use std::borrow::Cow;

use super::bow::Bow;
use super::embedded::{Regulariser, TopicEmbedding};
use super::linalg::{self, TopicRng};
use crate::model::check_matrix_size;
use crate::{Error, Result};

/// Default λ of `Ntm::relevance` for top words: mostly lift, a little probability, which
/// keeps words that are exclusive to a topic but too rare to recur in other documents out of
/// the top words (chosen on 20 Newsgroups, BENCHMARKS.md).
const DEFAULT_RELEVANCE: f32 = 0.2;
/// The same with topic embeddings, whose β already shares each word among few topics, so lift
/// needs less weight (20 Newsgroups: λ 0.2 → NPMI 0.189 / TD 0.926, 0.8 → 0.302 / 0.817).
const DEFAULT_RELEVANCE_TOPIC_EMBEDDINGS: f32 = 0.8;
const BN_EPS: f32 = 1e-3;
const BN_MOMENTUM: f32 = 0.1;

/// The activation of the encoder's hidden layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// 1 / (1 + e⁻ˣ).
    Sigmoid,
    /// tanh x.
    Tanh,
    /// max(x, 0).
    Relu,
    /// ln(1 + eˣ).
    Softplus,
}

impl Activation {
    fn apply(self, x: f32) -> f32 {
        match self {
            Activation::Sigmoid => sigmoid(x),
            Activation::Tanh => x.tanh(),
            Activation::Relu => x.max(0.0),
            // ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|), which never overflows.
            Activation::Softplus => x.max(0.0) + ln_1p((-x.abs()).exp()),
        }
    }

    /// Derivative given the pre-activation `x` and the output `y`.
    fn grad(self, x: f32, y: f32) -> f32 {
        match self {
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Tanh => 1.0 - y * y,
            Activation::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Softplus => sigmoid(x),
        }
    }
}

/// ln(1 + y) through `ln` (glibc's `log1pf` is several times slower, and it was the largest
/// cost of inference after stemming). u = 1 + y loses y's low digits; scaling by y / (u − 1)
/// puts them back (Goldberg 1991), so the result is as exact as `ln_1p`'s.
fn ln_1p(y: f32) -> f32 {
    let u = 1.0 + y;
    if u == 1.0 {
        y
    } else {
        u.ln() * (y / (u - 1.0))
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// The prior on a document's topic weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Prior {
    /// Laplace approximation of a symmetric Dirichlet (ProdLDA).
    Dirichlet,
    /// Standard normal on z (NVDM, SageMaker NTM).
    Gaussian,
}

/// How a document's topics make its word distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum DecoderKind {
    /// p = softmax(βᵀθ): the topics multiply (ProdLDA).
    ProductOfExperts,
    /// p = Σ_k θ_k softmax(β_k): the topics mix (LDA-like).
    Mixture,
}

/// Shapes and choices that define a model; saved with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Architecture {
    pub n_words: usize,
    pub n_topics: usize,
    pub encoder_layers: Vec<usize>,
    pub activation: Activation,
    pub prior: Prior,
    pub alpha: f32,
    pub decoder: DecoderKind,
    /// Batch norm on the encoder's μ and log σ² (keeps the posterior from collapsing to the prior).
    pub batch_norm: bool,
    /// Batch norm on the product-of-experts decoder's logits (ProdLDA). Without it, each topic
    /// row of β is a log-ratio against the background, and `--weight-decay` acts as a Gaussian
    /// prior on it.
    #[serde(default = "enabled")]
    pub decoder_batch_norm: bool,
    /// Rescale each document's encoder input to this L2 norm: documents of every length then
    /// look alike to the encoder, so μ's spread goes to what they are about, not how long they
    /// are (ETM normalises its encoder's bag of words for the same reason).
    #[serde(default)]
    pub encoder_input_norm: Option<f32>,
    /// Topic embeddings: β computed from topic and word embeddings instead of learned freely.
    #[serde(default)]
    pub embedding: Option<TopicEmbedding>,
}

fn enabled() -> bool {
    true
}

impl Architecture {
    pub fn validate(&self) -> Result<()> {
        if self.n_topics < 2 {
            return Err(Error::config(format!(
                "--num-topics {}: a topic model needs at least 2 topics",
                self.n_topics
            )));
        }
        if self.n_topics > self.n_words {
            return Err(Error::config(format!(
                "--num-topics {} is more than the {} vocabulary words; use fewer topics or a larger \
                 vocabulary (--max-vocab, --min-df)",
                self.n_topics, self.n_words
            )));
        }
        if self.encoder_layers.is_empty() || self.encoder_layers.contains(&0) {
            return Err(Error::config(
                "--encoder-layers needs at least one layer of at least one unit",
            ));
        }
        if !(self.alpha > 0.0 && self.alpha.is_finite()) {
            return Err(Error::config(format!(
                "--alpha {} must be positive",
                self.alpha
            )));
        }
        if let Some(norm) = self
            .encoder_input_norm
            .filter(|n| !(*n > 0.0 && n.is_finite()))
        {
            return Err(Error::config(format!(
                "--encoder-input-norm {norm} must be positive"
            )));
        }
        for (name, (rows, cols)) in self.param_shapes() {
            check_matrix_size(
                &format!("the tensor {name}"),
                rows,
                cols,
                "--encoder-layers, --num-topics or --max-vocab-size",
            )?;
        }
        self.embedding
            .as_ref()
            .map_or(Ok(()), TopicEmbedding::validate)
    }

    /// Whether the decoder has a bias row of background word frequencies (not the mixture).
    fn has_decoder_bias(&self) -> bool {
        self.decoder == DecoderKind::ProductOfExperts
    }

    /// Whether the decoder logits are batch-normalised (the mixture has no logits).
    pub fn has_decoder_batch_norm(&self) -> bool {
        self.decoder_batch_norm && self.has_decoder_bias()
    }

    /// Prior mean and variance of each latent unit.
    fn prior(&self) -> (f32, f32) {
        match self.prior {
            Prior::Gaussian => (0.0, 1.0),
            Prior::Dirichlet => (0.0, (1.0 - 1.0 / self.n_topics as f32) / self.alpha),
        }
    }

    /// Parameter names and shapes, in storage order.
    pub fn param_shapes(&self) -> Vec<(String, (usize, usize))> {
        let mut out = Vec::new();
        let mut fan_in = self.n_words;
        for (i, &units) in self.encoder_layers.iter().enumerate() {
            out.push((format!("encoder.{i}.weight"), (fan_in, units)));
            out.push((format!("encoder.{i}.bias"), (1, units)));
            fan_in = units;
        }
        for head in ["mu", "logvar"] {
            out.push((format!("{head}.weight"), (fan_in, self.n_topics)));
            out.push((format!("{head}.bias"), (1, self.n_topics)));
        }
        match &self.embedding {
            Some(e) => out.push(("topic_embeddings".into(), (self.n_topics, e.dim))),
            None => out.push(("beta".into(), (self.n_topics, self.n_words))),
        }
        if self.has_decoder_bias() {
            out.push(("decoder.bias".into(), (1, self.n_words)));
        }
        if self.batch_norm {
            out.push(("bn.mu.bias".into(), (1, self.n_topics)));
            out.push(("bn.logvar.bias".into(), (1, self.n_topics)));
        }
        out
    }

    /// Tensors that are not trained, in storage order: batch-norm running statistics (mean and
    /// variance rows), then the embedded decoder's word embeddings (fixed: fine-tuning them
    /// collapsed them onto the topics, docs/topics.md).
    pub fn buffer_shapes(&self) -> Vec<(String, (usize, usize))> {
        let mut out = Vec::new();
        if self.batch_norm {
            out.push(("bn.mu".to_string(), (2, self.n_topics)));
            out.push(("bn.logvar".to_string(), (2, self.n_topics)));
        }
        if self.has_decoder_batch_norm() {
            out.push(("bn.decoder".to_string(), (2, self.n_words)));
        }
        if let Some(e) = &self.embedding {
            out.push(("word_embeddings".to_string(), (self.n_words, e.dim)));
        }
        out
    }
}

/// What one training step takes besides the parameters: random noise drawn up front, and the
/// embedded decoder's transport scaling carried over from the previous step, so that a step is a
/// pure function of them.
pub struct Step {
    pub eps: Array2<f32>,
    pub hidden_mask: Option<Array2<f32>>,
    pub theta_mask: Option<Array2<f32>>,
    /// Sinkhorn's column scaling to start from: the topics move little between steps, so the
    /// previous step's scaling is close and the transport converges in a few iterations.
    pub transport_start: Option<Array1<f64>>,
}

impl Step {
    pub fn draw(arch: &Architecture, batch: usize, dropout: f32, rng: &mut TopicRng) -> Step {
        let eps = linalg::normal_matrix(batch, arch.n_topics, rng);
        let hidden = *arch.encoder_layers.last().unwrap();
        let (hidden_mask, theta_mask) = if dropout > 0.0 {
            (
                Some(linalg::dropout_mask(batch, hidden, dropout, rng)),
                Some(linalg::dropout_mask(batch, arch.n_topics, dropout, rng)),
            )
        } else {
            (None, None)
        };
        Step {
            eps,
            hidden_mask,
            theta_mask,
            transport_start: None,
        }
    }
}

/// The trainable model: parameters and batch-norm statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Ntm {
    pub arch: Architecture,
    /// Tensors in `arch.param_shapes()` order (biases are 1-row matrices).
    pub params: Vec<Array2<f32>>,
    /// Untrained tensors in `arch.buffer_shapes()` order.
    pub buffers: Vec<Array2<f32>>,
}

struct BnCache {
    xhat: Array2<f32>,
    inv_std: Array1<f32>,
    mean: Array1<f32>,
    var: Array1<f32>,
}

/// β as computed from the embeddings, and the regulariser's gradient of the costs and
/// transport scaling.
struct EmbeddedCache {
    beta: Array2<f32>,
    regulariser: Regulariser,
}

enum DecoderCache {
    Poe { p: Array2<f32>, bn: Option<BnCache> },
    Mixture { phi: Array2<f32>, p_nnz: Vec<f32> },
}

/// Everything the backward pass needs from one forward pass.
pub struct Forward {
    /// Reconstruction term −Σ x log p of each document.
    pub recon: Vec<f64>,
    /// KL divergence of each document's posterior from the prior.
    pub kl: Vec<f64>,
    /// Regulariser of the whole batch (the embedded decoder's clustering term in training).
    pub regulariser: f64,
    embedded: Option<EmbeddedCache>,
    /// What the encoder saw (`encoder_input`), for the first layer's weight gradient.
    input: Bow,
    pre: Vec<Array2<f32>>,
    out: Vec<Array2<f32>>,
    hidden: Array2<f32>,
    mu_bn: Option<BnCache>,
    lv_bn: Option<BnCache>,
    mu: Array2<f32>,
    lv: Array2<f32>,
    theta: Array2<f32>,
    theta_in: Array2<f32>,
    decoder: DecoderCache,
}

impl Forward {
    /// Training loss: mean negative ELBO per document of the batch plus the regulariser.
    pub fn loss(&self) -> f64 {
        let n = self.recon.len().max(1) as f64;
        self.recon
            .iter()
            .zip(&self.kl)
            .map(|(r, k)| r + k)
            .sum::<f64>()
            / n
            + self.regulariser
    }

    /// The transport scaling this step ended with, for the next step to start from.
    pub fn transport_scaling(&mut self) -> Option<Array1<f64>> {
        self.embedded
            .as_mut()
            .and_then(|c| c.regulariser.column_scaling.take())
    }
}

fn bn_train(x: &Array2<f32>) -> (Array2<f32>, BnCache) {
    let b = x.nrows() as f64;
    let mean =
        linalg::column_sums_with(x.view(), x.view(), |v, _| v as f64).mapv(|s| (s / b) as f32);
    let spread = mean.broadcast(x.dim()).expect("one mean per column");
    let var = linalg::column_sums_with(x.view(), spread, |v, m| (v as f64 - m as f64).powi(2))
        .mapv(|s| (s / b) as f32);
    let inv_std = var.mapv(|v| 1.0 / (v + BN_EPS).sqrt());
    let mut xhat = x.clone();
    xhat.axis_iter_mut(Axis(0))
        .into_par_iter()
        .for_each(|mut row| {
            Zip::from(&mut row)
                .and(&mean)
                .and(&inv_std)
                .for_each(|a, &m, &s| *a = (*a - m) * s);
        });
    (
        xhat.clone(),
        BnCache {
            xhat,
            inv_std,
            mean,
            var,
        },
    )
}

fn bn_eval(x: &mut Array2<f32>, stats: &Array2<f32>) {
    let mean = stats.row(0);
    let inv_std = stats.row(1).mapv(|v| 1.0 / (v + BN_EPS).sqrt());
    x.axis_iter_mut(Axis(0))
        .into_par_iter()
        .for_each(|mut row| {
            Zip::from(&mut row)
                .and(&mean)
                .and(&inv_std)
                .for_each(|a, &m, &s| *a = (*a - m) * s);
        });
}

/// dx = (1/B)·inv_std·(B·dy − Σdy − x̂·Σ(dy·x̂)), column by column.
fn bn_backward(dy: &Array2<f32>, c: &BnCache) -> Array2<f32> {
    let b = dy.nrows() as f32;
    let sum_dy = linalg::column_sums_with(dy.view(), dy.view(), |d, _| d as f64).mapv(|s| s as f32);
    let sum_dyx = linalg::column_sums_with(dy.view(), c.xhat.view(), |d, x| (d * x) as f64)
        .mapv(|s| s as f32);
    let mut dx = dy.clone();
    Zip::from(dx.rows_mut())
        .and(c.xhat.rows())
        .par_for_each(|mut row, xrow| {
            for j in 0..row.len() {
                row[j] = c.inv_std[j] / b * (b * row[j] - sum_dy[j] - xrow[j] * sum_dyx[j]);
            }
        });
    dx
}

fn add_bias(a: &mut Array2<f32>, bias: &Array2<f32>) {
    let b = bias.row(0);
    a.axis_iter_mut(Axis(0))
        .into_par_iter()
        .for_each(|mut row| row += &b);
}

fn col_sums(a: &Array2<f32>) -> Array2<f32> {
    a.sum_axis(Axis(0)).insert_axis(Axis(0))
}

/// Scales every non-zero row to unit length.
fn normalize_rows(a: &mut Array2<f32>) {
    a.axis_iter_mut(Axis(0))
        .into_par_iter()
        .for_each(|mut row| {
            let norm = row.dot(&row).sqrt();
            if norm > 0.0 {
                row /= norm;
            }
        });
}

impl Ntm {
    /// A freshly initialised model (Xavier-uniform weights, zero biases).
    pub fn new(arch: Architecture, rng: &mut TopicRng) -> Result<Ntm> {
        arch.validate()?;
        let params = arch
            .param_shapes()
            .into_iter()
            .map(|(name, (r, c))| {
                if name.ends_with(".bias") {
                    Array2::zeros((r, c))
                } else if name == "beta" {
                    // ProdLDA's U(0, 1): topic logits start with enough spread across documents
                    // for the decoder's batch norm to pass a signal (tiny β leaves it at ε).
                    Array2::from_shape_simple_fn((r, c), || rng.gen_range(0.0..1.0))
                } else if name == "topic_embeddings" {
                    // Topics start near the origin, equally far from every unit-length word.
                    Array2::from_shape_simple_fn((r, c), || 0.1 * linalg::normal(rng))
                } else {
                    let limit = (6.0 / (r + c) as f32).sqrt();
                    Array2::from_shape_simple_fn((r, c), || rng.gen_range(-limit..limit))
                }
            })
            .collect();
        let buffers = arch
            .buffer_shapes()
            .into_iter()
            .map(|(name, (r, c))| {
                if name == "word_embeddings" {
                    // Words without a given vector stay random points on the unit sphere.
                    let mut e = linalg::normal_matrix(r, c, rng);
                    normalize_rows(&mut e);
                    e
                } else {
                    let mut s = Array2::zeros((r, c));
                    s.row_mut(1).fill(1.0);
                    s
                }
            })
            .collect();
        Ok(Ntm {
            arch,
            params,
            buffers,
        })
    }

    /// Starts the decoder bias at the centred log frequency of each word, so training begins
    /// from the unigram distribution instead of the uniform one (as NVDM).
    pub fn init_background(&mut self, term_frequency: &[f64]) {
        if let Some(i) = self.idx_decoder_bias() {
            let logs: Vec<f64> = term_frequency.iter().map(|&c| (c + 1.0).ln()).collect();
            let mean = logs.iter().sum::<f64>() / logs.len().max(1) as f64;
            for (b, l) in self.params[i].iter_mut().zip(&logs) {
                *b = (l - mean) as f32;
            }
        }
    }

    /// Replaces the word embeddings (embedded decoder) with `vectors` (one row per vocabulary
    /// word), scaled to unit length; rows that are all zero (words without a vector) keep their
    /// random start.
    pub fn init_word_embeddings(&mut self, vectors: &Array2<f32>) -> Result<()> {
        let want = self.arch.embedding.map(|e| (self.arch.n_words, e.dim));
        if want != Some(vectors.dim()) {
            return Err(Error::config(format!(
                "word vectors of shape {:?} do not fit the decoder (embedded decoder's shape: {want:?})",
                vectors.dim()
            )));
        }
        let mut given = vectors.clone();
        normalize_rows(&mut given);
        let words = self
            .buffers
            .last_mut()
            .expect("embedded decoder has word embeddings");
        Zip::from(words.rows_mut())
            .and(given.rows())
            .for_each(|mut row, g| {
                if g.iter().any(|&v| v != 0.0) {
                    row.assign(&g);
                }
            });
        Ok(())
    }

    fn n_layers(&self) -> usize {
        self.arch.encoder_layers.len()
    }

    fn head(&self, i: usize) -> (&Array2<f32>, &Array2<f32>) {
        let base = 2 * self.n_layers() + 2 * i;
        (&self.params[base], &self.params[base + 1])
    }

    fn idx_beta(&self) -> usize {
        2 * self.n_layers() + 4
    }

    /// Topic and word embeddings of the embedded decoder.
    fn embeddings(&self) -> Option<(&TopicEmbedding, ArrayView2<'_, f32>, ArrayView2<'_, f32>)> {
        let topics = self.params[self.idx_beta()].view();
        let words = self.buffers.last().map(|w| w.view());
        self.arch
            .embedding
            .as_ref()
            .zip(words)
            .map(|(e, w)| (e, topics, w))
    }

    /// Running statistics of the decoder's batch norm.
    fn decoder_stats(&self) -> &Array2<f32> {
        &self.buffers[2 * self.arch.batch_norm as usize]
    }

    /// The topic-word logits β (computed from the embeddings for the embedded decoder).
    fn beta(&self) -> Cow<'_, Array2<f32>> {
        match self.embeddings() {
            Some((e, topics, words)) => {
                Cow::Owned(e.beta(&e.costs(topics, words), self.arch.decoder))
            }
            None => Cow::Borrowed(&self.params[self.idx_beta()]),
        }
    }

    /// Index of the decoder bias (not the mixture).
    fn idx_decoder_bias(&self) -> Option<usize> {
        self.arch.has_decoder_bias().then(|| self.idx_beta() + 1)
    }

    /// Index of the μ batch-norm shift; the log σ² shift follows it.
    fn idx_bn_bias(&self) -> Option<usize> {
        self.arch
            .batch_norm
            .then(|| self.idx_beta() + 1 + self.idx_decoder_bias().is_some() as usize)
    }

    /// What the encoder sees: log(1 + count) (raw counts of long documents saturate the first
    /// layer and make log σ² overflow), rescaled per document when `encoder_input_norm` is set.
    fn encoder_input(&self, x: &Bow) -> Bow {
        let mut input = x.map_values(ln_1p);
        if let Some(norm) = self.arch.encoder_input_norm {
            input.scale_docs_to_norm(norm);
        }
        input
    }

    /// Encoder hidden layers on `encoder_input(x)`; returns pre-activations and outputs of each
    /// layer.
    fn encode_hidden(&self, x: &Bow) -> (Vec<Array2<f32>>, Vec<Array2<f32>>) {
        let act = self.arch.activation;
        let mut pre = Vec::new();
        let mut out: Vec<Array2<f32>> = Vec::new();
        for i in 0..self.n_layers() {
            let (w, b) = (&self.params[2 * i], &self.params[2 * i + 1]);
            let mut a = match out.last() {
                None => linalg::sparse_dot(x, w.view()),
                Some(h) => linalg::dot(h.view(), w.view()),
            };
            add_bias(&mut a, b);
            let y = a.mapv(|v| act.apply(v));
            pre.push(a);
            out.push(y);
        }
        (pre, out)
    }

    fn heads(&self, h: &Array2<f32>) -> (Array2<f32>, Array2<f32>) {
        let mut res = [0, 1].map(|i| {
            let (w, b) = self.head(i);
            let mut a = linalg::dot(h.view(), w.view());
            add_bias(&mut a, b);
            a
        });
        let lv = std::mem::take(&mut res[1]);
        let mu = std::mem::take(&mut res[0]);
        (mu, lv)
    }

    /// Deterministic document-topic proportions θ = softmax(μ) (no sampling, inference-time
    /// batch norm). Rows sum to 1 in `f32`; callers that need 1e-6 renormalise in `f64`.
    pub fn topic_weights(&self, x: &Bow) -> Array2<f32> {
        let (_, out) = self.encode_hidden(&self.encoder_input(x));
        let (mut mu, _) = self.heads(out.last().unwrap());
        if let Some(i) = self.idx_bn_bias() {
            bn_eval(&mut mu, &self.buffers[0]);
            add_bias(&mut mu, &self.params[i]);
        }
        linalg::softmax_rows(&mut mu);
        mu
    }

    /// Topic-word distributions, rows that sum to 1. Product of experts: row k is the decoder's
    /// output for a document entirely about topic k (θ = e_k), softmax(β_k + b) (β_k through
    /// the decoder batch norm's running statistics when it has one). Mixture: softmax(β_k).
    pub fn topic_word(&self) -> Array2<f32> {
        let mut phi = self.beta().into_owned();
        if self.arch.has_decoder_batch_norm() {
            bn_eval(&mut phi, self.decoder_stats());
        }
        if let Some(i) = self.idx_decoder_bias() {
            add_bias(&mut phi, &self.params[i]);
        }
        linalg::softmax_rows(&mut phi);
        phi
    }

    /// The word distribution topics are measured against: the decoder's background softmax(b)
    /// for the product of experts, the mean topic for the mixture.
    pub fn background(&self, phi: &Array2<f32>) -> Array1<f32> {
        match self.idx_decoder_bias() {
            Some(i) => {
                let mut b = self.params[i].clone();
                linalg::softmax_rows(&mut b);
                b.row(0).to_owned()
            }
            None => phi.mean_axis(Axis(0)).expect("at least two topics"),
        }
    }

    /// The λ of `relevance` that top words use unless the user picks one.
    pub fn default_relevance(&self) -> f32 {
        if self.arch.embedding.is_some() {
            DEFAULT_RELEVANCE_TOPIC_EMBEDDINGS
        } else {
            DEFAULT_RELEVANCE
        }
    }

    /// Relevance of each word to each topic (Sievert & Shirley 2014):
    /// λ log φ_kw + (1 − λ) log(φ_kw / p_w), p the background. λ = 1 ranks words by probability
    /// in the topic (frequent words everywhere), λ = 0 by lift over the background (rare words
    /// exclusive to the topic); top words are the most relevant ones.
    pub fn relevance(&self, lambda: f32) -> Array2<f32> {
        let phi = self.topic_word();
        let background = self.background(&phi);
        let mut r = phi;
        Zip::from(r.rows_mut()).par_for_each(|mut row| {
            Zip::from(&mut row).and(&background).for_each(|v, &p| {
                let log_phi = v.max(f32::MIN_POSITIVE).ln();
                *v = log_phi - (1.0 - lambda) * p.max(f32::MIN_POSITIVE).ln();
            })
        });
        r
    }

    /// Forward pass. With `step`, training mode (sampled z, dropout, batch statistics);
    /// without, evaluation mode (z = μ, running statistics), which gives a deterministic ELBO.
    pub fn forward(&self, x: &Bow, step: Option<&Step>) -> Forward {
        let input = self.encoder_input(x);
        let (pre, out) = self.encode_hidden(&input);
        let mut hidden = out.last().unwrap().clone();
        if let Some(mask) = step.and_then(|s| s.hidden_mask.as_ref()) {
            hidden *= mask;
        }
        let (mut mu, mut lv) = self.heads(&hidden);
        let (mut mu_bn, mut lv_bn) = (None, None);
        if self.arch.batch_norm {
            if step.is_some() {
                let (m, c) = bn_train(&mu);
                mu = m;
                mu_bn = Some(c);
                let (l, c) = bn_train(&lv);
                lv = l;
                lv_bn = Some(c);
            } else {
                bn_eval(&mut mu, &self.buffers[0]);
                bn_eval(&mut lv, &self.buffers[1]);
            }
            let i = self.idx_bn_bias().expect("batch norm has shifts");
            add_bias(&mut mu, &self.params[i]);
            add_bias(&mut lv, &self.params[i + 1]);
        }
        let mut theta = match step {
            Some(s) => {
                let mut z = lv.mapv(|v| (0.5 * v).exp());
                z *= &s.eps;
                z += &mu;
                z
            }
            None => mu.clone(),
        };
        linalg::softmax_rows(&mut theta);
        let mut theta_in = theta.clone();
        if let Some(mask) = step.and_then(|s| s.theta_mask.as_ref()) {
            theta_in *= mask;
        }

        let (m0, v0) = self.arch.prior();
        let kl: Vec<f64> = Zip::from(mu.rows())
            .and(lv.rows())
            .par_map_collect(|m, l| {
                let mut s = 0.0f64;
                for (&mv, &lvv) in m.iter().zip(l.iter()) {
                    let (mv, lvv, m0, v0) = (mv as f64, lvv as f64, m0 as f64, v0 as f64);
                    s += lvv.exp() / v0 + (mv - m0).powi(2) / v0 - 1.0 + v0.ln() - lvv;
                }
                0.5 * s
            })
            .to_vec();

        // The embedded decoder's regulariser only shapes training; evaluation leaves it out.
        let embedded = match (self.embeddings(), step) {
            (Some((e, topics, words)), Some(step)) => {
                let costs = e.costs(topics, words);
                let regulariser = e.clustering_regulariser(&costs, step.transport_start.as_ref());
                let beta = e.beta(&costs, self.arch.decoder);
                Some(EmbeddedCache { beta, regulariser })
            }
            _ => None,
        };
        let regulariser = embedded.as_ref().map_or(0.0, |c| c.regulariser.value);
        let beta = match &embedded {
            Some(c) => Cow::Borrowed(&c.beta),
            None => self.beta(),
        };
        let (recon, decoder) = match self.arch.decoder {
            DecoderKind::ProductOfExperts => {
                let mut eta = linalg::dot(theta_in.view(), beta.view());
                let mut bn = None;
                if self.arch.has_decoder_batch_norm() {
                    if step.is_some() {
                        let (e, c) = bn_train(&eta);
                        eta = e;
                        bn = Some(c);
                    } else {
                        bn_eval(&mut eta, self.decoder_stats());
                    }
                }
                add_bias(&mut eta, &self.params[self.idx_decoder_bias().unwrap()]);
                // recon_d = Σ_w x_w (logsumexp(η_d) − η_dw); p = softmax(η) for the backward pass.
                let recon: Vec<f64> = eta
                    .axis_iter_mut(Axis(0))
                    .into_par_iter()
                    .enumerate()
                    .map(|(d, mut row)| {
                        let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                        let (ids, counts) = x.doc(d);
                        // Σ c (max − η_w) before η is overwritten by its exponentials.
                        let r: f64 = ids
                            .iter()
                            .zip(counts)
                            .map(|(&id, &c)| c as f64 * (max - row[id as usize]) as f64)
                            .sum();
                        // One f32 exponential per word (arguments ≤ 0 cannot overflow), summed
                        // in f64 so that 5,000-word rows keep their precision.
                        row.mapv_inplace(|v| (v - max).exp());
                        let sum: f64 = row.iter().map(|&e| e as f64).sum();
                        let inv = (1.0 / sum) as f32;
                        row.mapv_inplace(|e| e * inv);
                        r + x.doc_len(d) * sum.ln()
                    })
                    .collect();
                (recon, DecoderCache::Poe { p: eta, bn })
            }
            DecoderKind::Mixture => {
                let mut phi = beta.into_owned();
                linalg::softmax_rows(&mut phi);
                let mut p_nnz = Vec::with_capacity(x.nnz());
                let mut recon = Vec::with_capacity(x.n_docs());
                for d in 0..x.n_docs() {
                    let (ids, counts) = x.doc(d);
                    let t = theta_in.row(d);
                    let mut r = 0.0f64;
                    for (&id, &c) in ids.iter().zip(counts) {
                        let p = t.dot(&phi.column(id as usize)).max(f32::MIN_POSITIVE);
                        p_nnz.push(p);
                        r -= c as f64 * (p as f64).ln();
                    }
                    recon.push(r);
                }
                (recon, DecoderCache::Mixture { phi, p_nnz })
            }
        };

        Forward {
            recon,
            kl,
            regulariser,
            embedded,
            input,
            pre,
            out,
            hidden,
            mu_bn,
            lv_bn,
            mu,
            lv,
            theta,
            theta_in,
            decoder,
        }
    }

    /// Gradients of `f.loss()` (training mode) with respect to every parameter.
    pub fn backward(&self, x: &Bow, f: &Forward, step: &Step) -> Vec<Array2<f32>> {
        let b = x.n_docs() as f32;
        let inv_b = 1.0 / b;
        let mut grads: Vec<Option<Array2<f32>>> = vec![None; self.params.len()];
        let beta = match &f.embedded {
            Some(c) => Cow::Borrowed(&c.beta),
            None => self.beta(),
        };

        // Decoder: gradient with respect to θ (after dropout) and β.
        let (d_theta_in, d_beta) = match &f.decoder {
            DecoderCache::Poe { p, bn } => {
                let mut d_eta = p.clone();
                d_eta
                    .axis_iter_mut(Axis(0))
                    .into_par_iter()
                    .enumerate()
                    .for_each(|(d, mut row)| {
                        let n = x.doc_len(d) as f32;
                        row.mapv_inplace(|v| v * n * inv_b);
                        let (ids, counts) = x.doc(d);
                        for (&id, &c) in ids.iter().zip(counts) {
                            row[id as usize] -= c * inv_b;
                        }
                    });
                grads[self.idx_decoder_bias().unwrap()] = Some(col_sums(&d_eta));
                if let Some(c) = bn {
                    d_eta = bn_backward(&d_eta, c);
                }
                let d_beta = linalg::dot_tn(f.theta_in.view(), d_eta.view());
                let d_theta = linalg::dot(d_eta.view(), beta.t());
                (d_theta, d_beta)
            }
            DecoderCache::Mixture { phi, p_nnz } => {
                let k = self.arch.n_topics;
                let mut d_theta = Array2::<f32>::zeros((x.n_docs(), k));
                let mut d_phi = Array2::<f32>::zeros(phi.raw_dim());
                let mut pos = 0;
                for d in 0..x.n_docs() {
                    let (ids, counts) = x.doc(d);
                    for (&id, &c) in ids.iter().zip(counts) {
                        let dp = -c / p_nnz[pos] * inv_b;
                        pos += 1;
                        let col = phi.column(id as usize);
                        d_theta.row_mut(d).scaled_add(dp, &col);
                        d_phi
                            .column_mut(id as usize)
                            .scaled_add(dp, &f.theta_in.row(d));
                    }
                }
                // Softmax over each row of β.
                let mut d_beta = d_phi;
                Zip::from(d_beta.rows_mut())
                    .and(phi.rows())
                    .par_for_each(linalg::softmax_backward);
                (d_theta, d_beta)
            }
        };

        // θ = softmax(z), then dropout.
        let mut d_theta = d_theta_in;
        if let Some(mask) = &step.theta_mask {
            d_theta *= mask;
        }
        let mut d_z = d_theta;
        Zip::from(d_z.rows_mut())
            .and(f.theta.rows())
            .par_for_each(linalg::softmax_backward);

        // z = μ + exp(lv/2) ε, plus the KL term.
        let (m0, v0) = self.arch.prior();
        let mut d_mu = d_z.clone();
        Zip::from(&mut d_mu)
            .and(&f.mu)
            .for_each(|g, &m| *g += (m - m0) / v0 * inv_b);
        let mut d_lv = d_z;
        Zip::from(&mut d_lv)
            .and(&f.lv)
            .and(&step.eps)
            .for_each(|g, &l, &e| {
                let s = (0.5 * l).exp();
                *g = *g * e * 0.5 * s + 0.5 * (s * s / v0 - 1.0) * inv_b;
            });
        if let (Some(cm), Some(cl)) = (&f.mu_bn, &f.lv_bn) {
            let i = self.idx_bn_bias().unwrap();
            grads[i] = Some(col_sums(&d_mu));
            grads[i + 1] = Some(col_sums(&d_lv));
            d_mu = bn_backward(&d_mu, cm);
            d_lv = bn_backward(&d_lv, cl);
        }

        // Heads.
        let (w_mu, _) = self.head(0);
        let (w_lv, _) = self.head(1);
        let base = 2 * self.n_layers();
        grads[base] = Some(linalg::dot_tn(f.hidden.view(), d_mu.view()));
        grads[base + 1] = Some(col_sums(&d_mu));
        grads[base + 2] = Some(linalg::dot_tn(f.hidden.view(), d_lv.view()));
        grads[base + 3] = Some(col_sums(&d_lv));
        match (self.embeddings(), &f.embedded) {
            (Some((e, topics, words)), Some(c)) => {
                grads[self.idx_beta()] = Some(e.backward(
                    topics,
                    words,
                    self.arch.decoder,
                    &c.beta,
                    &d_beta,
                    &c.regulariser.d_costs,
                ));
            }
            _ => grads[self.idx_beta()] = Some(d_beta),
        }
        let mut d_h = linalg::dot(d_mu.view(), w_mu.t());
        d_h += &linalg::dot(d_lv.view(), w_lv.t());
        if let Some(mask) = &step.hidden_mask {
            d_h *= mask;
        }

        // Encoder layers, last to first.
        let act = self.arch.activation;
        for i in (0..self.n_layers()).rev() {
            Zip::from(&mut d_h)
                .and(&f.pre[i])
                .and(&f.out[i])
                .for_each(|g, &p, &y| *g *= act.grad(p, y));
            let db = col_sums(&d_h);
            let w = &self.params[2 * i];
            let dw = if i == 0 {
                let mut g = Array2::zeros(w.raw_dim());
                linalg::sparse_t_dot_add(&f.input, d_h.view(), &mut g);
                g
            } else {
                let dw = linalg::dot_tn(f.out[i - 1].view(), d_h.view());
                d_h = linalg::dot(d_h.view(), w.t());
                dw
            };
            grads[2 * i] = Some(dw);
            grads[2 * i + 1] = Some(db);
        }
        grads
            .into_iter()
            .map(|g| g.expect("every parameter gets a gradient"))
            .collect()
    }

    /// Moves the batch-norm running statistics toward the statistics of a training batch.
    pub fn update_stats(&mut self, f: &Forward) {
        let caches: Vec<&BnCache> = [&f.mu_bn, &f.lv_bn]
            .into_iter()
            .flatten()
            .chain(match &f.decoder {
                DecoderCache::Poe { bn: Some(c), .. } => Some(c),
                _ => None,
            })
            .collect();
        for (stat, c) in self.buffers.iter_mut().zip(caches) {
            let n = c.xhat.nrows() as f32;
            // Unbiased variance for the running estimate, as PyTorch and MXNet do.
            let unbias = if n > 1.0 { n / (n - 1.0) } else { 1.0 };
            Zip::from(stat.row_mut(0))
                .and(&c.mean)
                .for_each(|s, &m| *s = (1.0 - BN_MOMENTUM) * *s + BN_MOMENTUM * m);
            Zip::from(stat.row_mut(1))
                .and(&c.var)
                .for_each(|s, &v| *s = (1.0 - BN_MOMENTUM) * *s + BN_MOMENTUM * v * unbias);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::metrics;

    fn tiny_bow() -> Bow {
        let mut x = Bow::new(7);
        x.push_counts(&mut [(0, 3.0), (2, 1.0), (6, 2.0)]);
        x.push_counts(&mut [(1, 1.0), (3, 4.0)]);
        x.push_counts(&mut [(4, 2.0), (5, 1.0), (0, 1.0)]);
        x.push_counts(&mut [(2, 2.0), (3, 1.0), (6, 1.0), (5, 3.0)]);
        x
    }

    fn arch(act: Activation, prior: Prior, decoder: DecoderKind, bn: bool) -> Architecture {
        Architecture {
            n_words: 7,
            n_topics: 3,
            encoder_layers: vec![5, 4],
            activation: act,
            prior,
            alpha: 1.0,
            decoder,
            batch_norm: bn,
            decoder_batch_norm: bn,
            encoder_input_norm: None,
            embedding: None,
        }
    }

    /// The CLI's default: ProdLDA with batch norm on the encoder only.
    fn default_arch() -> Architecture {
        Architecture {
            decoder_batch_norm: false,
            ..arch(
                Activation::Softplus,
                Prior::Dirichlet,
                DecoderKind::ProductOfExperts,
                true,
            )
        }
    }

    /// Central finite differences of the full loss against the analytic gradient of every
    /// parameter (all of them, for these tiny sizes). Scales inputs down so f32 is accurate.
    fn grad_check(a: Architecture, dropout: f32) {
        let x = tiny_bow();
        let mut r = linalg::rng(7);
        let mut m = Ntm::new(a, &mut r).unwrap();
        // Move relu pre-activations away from the kink and make biases non-trivial.
        for p in m.params.iter_mut() {
            p.mapv_inplace(|v| v * 0.7 + 0.05);
        }
        let step = Step::draw(&m.arch, x.n_docs(), dropout, &mut r);
        let f = m.forward(&x, Some(&step));
        let grads = m.backward(&x, &f, &step);
        assert_eq!(grads.len(), m.params.len());
        let h = 1e-2f32;
        let mut worst = 0.0f64;
        for (pi, g) in grads.iter().enumerate() {
            assert_eq!(g.dim(), m.params[pi].dim());
            for idx in 0..g.len() {
                let (r_, c_) = (idx / g.ncols(), idx % g.ncols());
                let orig = m.params[pi][[r_, c_]];
                m.params[pi][[r_, c_]] = orig + h;
                let lp = m.forward(&x, Some(&step)).loss();
                m.params[pi][[r_, c_]] = orig - h;
                let lm = m.forward(&x, Some(&step)).loss();
                m.params[pi][[r_, c_]] = orig;
                let numeric = (lp - lm) / (2.0 * h as f64);
                let analytic = g[[r_, c_]] as f64;
                // f32 forward passes: a small absolute floor keeps near-zero gradients from dominating.
                let err = (numeric - analytic).abs() / (3e-2 + numeric.abs().max(analytic.abs()));
                worst = worst.max(err);
                assert!(
                    err < 2e-2,
                    "param {} [{r_},{c_}]: numeric {numeric} analytic {analytic}",
                    m.arch.param_shapes()[pi].0
                );
            }
        }
        assert!(worst.is_finite());
    }

    #[test]
    fn softplus_and_ln_1p_match_f64_reference() {
        for i in -400..=400 {
            let x = i as f32 * 0.1;
            let want = (x as f64).exp().ln_1p();
            let got = Activation::Softplus.apply(x) as f64;
            assert!(
                (got - want).abs() <= 1e-6 * want.max(1e-30),
                "softplus({x}) = {got}, want {want}"
            );
        }
        for y in [0.0f32, 1e-9, 5e-5, 1e-4, 0.3, 1.0, 7.0, 1e6] {
            let want = (y as f64).ln_1p();
            assert!(
                (ln_1p(y) as f64 - want).abs() <= 1e-6 * want.max(1e-30),
                "ln_1p({y})"
            );
        }
    }

    #[test]
    fn gradients_poe_dirichlet_bn_softplus() {
        grad_check(
            arch(
                Activation::Softplus,
                Prior::Dirichlet,
                DecoderKind::ProductOfExperts,
                true,
            ),
            0.0,
        );
    }

    #[test]
    fn gradients_poe_encoder_bn_without_decoder_bn() {
        let a = default_arch();
        assert_eq!(a.buffer_shapes().len(), 2);
        grad_check(a, 0.0);
    }

    #[test]
    fn gradients_poe_gaussian_no_bn_each_activation() {
        for act in [Activation::Sigmoid, Activation::Tanh, Activation::Relu] {
            grad_check(
                arch(act, Prior::Gaussian, DecoderKind::ProductOfExperts, false),
                0.0,
            );
        }
    }

    #[test]
    fn gradients_with_dropout_masks() {
        grad_check(
            arch(
                Activation::Tanh,
                Prior::Dirichlet,
                DecoderKind::ProductOfExperts,
                true,
            ),
            0.3,
        );
    }

    #[test]
    fn gradients_embedded_decoder() {
        let cases = [
            (DecoderKind::ProductOfExperts, 0.0, false),
            (DecoderKind::ProductOfExperts, 5.0, false),
            (DecoderKind::ProductOfExperts, 5.0, true),
            (DecoderKind::Mixture, 5.0, false),
        ];
        for (decoder, ecr_weight, decoder_bn) in cases {
            let a = Architecture {
                decoder_batch_norm: decoder_bn,
                embedding: Some(TopicEmbedding {
                    dim: 4,
                    temperature: 0.5,
                    ecr_weight,
                    sinkhorn_alpha: 3.0,
                }),
                ..arch(Activation::Softplus, Prior::Dirichlet, decoder, true)
            };
            grad_check(a, 0.0);
        }
    }

    #[test]
    fn gradients_mixture_decoder() {
        grad_check(
            arch(
                Activation::Softplus,
                Prior::Dirichlet,
                DecoderKind::Mixture,
                true,
            ),
            0.0,
        );
        grad_check(
            arch(
                Activation::Sigmoid,
                Prior::Gaussian,
                DecoderKind::Mixture,
                false,
            ),
            0.0,
        );
    }

    #[test]
    fn elbo_terms_match_hand_computation() {
        // One layer, no batch norm, Gaussian prior: check KL and reconstruction directly.
        let a = Architecture {
            encoder_layers: vec![2],
            ..arch(
                Activation::Tanh,
                Prior::Gaussian,
                DecoderKind::ProductOfExperts,
                false,
            )
        };
        let x = tiny_bow();
        let m = Ntm::new(a, &mut linalg::rng(3)).unwrap();
        let f = m.forward(&x, None);
        let theta = m.topic_weights(&x);
        let phi_logits = theta.dot(m.beta().as_ref());
        for d in 0..x.n_docs() {
            let row = phi_logits.row(d);
            let lse = row.iter().map(|&v| (v as f64).exp()).sum::<f64>().ln();
            let (ids, counts) = x.doc(d);
            let want: f64 = ids
                .iter()
                .zip(counts)
                .map(|(&i, &c)| c as f64 * (lse - row[i as usize] as f64))
                .sum();
            assert!((f.recon[d] - want).abs() < 1e-4, "{} {want}", f.recon[d]);
            let mu = &f.mu.row(d);
            let lv = &f.lv.row(d);
            let kl: f64 = mu
                .iter()
                .zip(lv.iter())
                .map(|(&m, &l)| 0.5 * ((l as f64).exp() + (m as f64).powi(2) - 1.0 - l as f64))
                .sum();
            assert!((f.kl[d] - kl).abs() < 1e-6);
        }
    }

    #[test]
    fn topic_weights_and_topic_word_are_distributions() {
        let a = arch(
            Activation::Softplus,
            Prior::Dirichlet,
            DecoderKind::ProductOfExperts,
            true,
        );
        let m = Ntm::new(a, &mut linalg::rng(1)).unwrap();
        for row in m.topic_weights(&tiny_bow()).rows() {
            assert!(((row.sum() as f64) - 1.0).abs() < 1e-5 && row.iter().all(|&v| v >= 0.0));
        }
        for row in m.topic_word().rows() {
            assert!(((row.sum() as f64) - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn relevance_moves_from_lift_to_probability() {
        let a = default_arch();
        let mut m = Ntm::new(a, &mut linalg::rng(1)).unwrap();
        // Background: word 0 common, word 1 rare; topic 0 lifts word 1 by e² and word 0 by e.
        let (ib, id) = (m.idx_beta(), m.idx_decoder_bias().unwrap());
        m.params[id] =
            Array2::from_shape_vec((1, 7), vec![3.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0]).unwrap();
        m.params[ib].fill(0.0);
        m.params[ib][[0, 0]] = 1.0;
        m.params[ib][[0, 1]] = 2.0;
        let phi = m.topic_word();
        // φ₀ = softmax(β₀ + b): hand-computed from the logits [4, 1, 0, 0, 0, 0, 0].
        let z = 4f32.exp() + 1f32.exp() + 5.0;
        assert!((phi[[0, 0]] - 4f32.exp() / z).abs() < 1e-6);
        let top = |lambda: f32| metrics::top_words(&m.relevance(lambda), 1)[0][0];
        assert_eq!(top(1.0), 0, "λ = 1 ranks by probability in the topic");
        assert_eq!(top(0.0), 1, "λ = 0 ranks by lift over the background");
        // λ log φ + (1 − λ) log(φ / p) = β + λ b + a per-topic constant.
        let r = m.relevance(0.25);
        let gap = r[[0, 0]] - r[[0, 1]];
        assert!(
            (gap - ((1.0 + 0.25 * 3.0) - (2.0 - 0.25))).abs() < 1e-5,
            "{gap}"
        );
    }

    #[test]
    fn bad_architectures_are_config_errors() {
        let good = arch(
            Activation::Relu,
            Prior::Dirichlet,
            DecoderKind::ProductOfExperts,
            true,
        );
        for k in [0, 1] {
            let e = Architecture {
                n_topics: k,
                ..good.clone()
            }
            .validate()
            .unwrap_err();
            assert!(e.to_string().contains("at least 2 topics"));
        }
        let e = Architecture {
            n_topics: 8,
            ..good.clone()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("more than the 7 vocabulary words"));
        let e = Architecture {
            encoder_layers: vec![],
            ..good.clone()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("--encoder-layers"));
        for norm in [-1.0, f32::NAN] {
            let e = Architecture {
                encoder_input_norm: Some(norm),
                ..good.clone()
            }
            .validate()
            .unwrap_err();
            assert!(e.to_string().contains("--encoder-input-norm"));
        }
    }

    #[test]
    fn encoder_input_norm_makes_weights_independent_of_document_length() {
        let a = Architecture {
            encoder_input_norm: Some(3.0),
            ..default_arch()
        };
        let m = Ntm::new(a, &mut linalg::rng(1)).unwrap();
        // Every count doubled: log(1 + count) grows from ln 2 to ln 3 for every word alike, so
        // the rescaled inputs, and the weights, are the same.
        let mut x = Bow::new(7);
        x.push_ids(&mut [0, 2, 5]);
        x.push_ids(&mut [0, 0, 2, 2, 5, 5]);
        let gap = |m: &Ntm| {
            let theta = m.topic_weights(&x);
            (&theta.row(0) - &theta.row(1)).mapv(f32::abs).sum()
        };
        assert!(gap(&m) < 1e-6);
        let plain = Ntm::new(default_arch(), &mut linalg::rng(1)).unwrap();
        assert!(gap(&plain) > 1e-3, "without the norm, length shows");
    }
}
