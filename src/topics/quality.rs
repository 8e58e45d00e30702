//! How good a trained model's topics are on reference documents: the figures saved with every
//! model ([`TopicMetrics`]) and the fuller evaluation of `topics eval` ([`TopicEvaluation`]).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use serde::Serialize;

use super::bow::Bow;
use super::docs;
use super::input::Documents;
use super::metrics::{self, Coherence, TopicSimilarity, Window};
use super::model::TopicModel;
use super::ntm::Ntm;
use super::train;
use crate::{Error, Result};

/// Topic quality on reference documents, as saved with every model after training.
/// Definitions: docs/topics.md.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicMetrics {
    /// Mean NPMI of each topic's top-10 word pairs, co-occurrence counted per document.
    pub npmi_document: f64,
    /// Topic diversity: the share of distinct words among all topics' top 25.
    pub td25: f64,
    /// Topic uniqueness (SageMaker): how exclusive each topic's top words are, from 1/K to 1.
    pub tu: f64,
    /// exp(negative ELBO per word) of the reference documents.
    pub perplexity: f64,
    /// How alike the topics' top words are (component collapse check).
    pub topic_similarity: TopicSimilarity,
}

/// Everything `blazetext topics eval` reports about a model on reference documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicEvaluation {
    /// Number of reference documents.
    pub documents: usize,
    /// Coherence, diversity, uniqueness, perplexity and the collapse check.
    #[serde(flatten)]
    pub metrics: TopicMetrics,
    /// Document-co-occurrence NPMI of each topic.
    pub npmi_document_per_topic: Vec<f64>,
    /// NPMI over sliding windows of 10 tokens; only for text documents (count rows have no
    /// word order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub npmi_window10: Option<f64>,
    /// Word-embedding topic coherence, when embeddings were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wetc: Option<f64>,
}

/// How [`TopicModel::evaluate`](crate::TopicModel::evaluate) measures.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TopicEvalOptions {
    /// Top words per topic for NPMI, TU and WETC.
    pub top: usize,
    /// λ ranking the top words (see [`TopicModel::top_words`](crate::TopicModel::top_words));
    /// `None`: the model's default.
    pub relevance: Option<f32>,
    /// Word embeddings for WETC: fastText .bin, word2vec .vec or word2vec binary.
    pub embeddings: Option<PathBuf>,
}

impl Default for TopicEvalOptions {
    fn default() -> TopicEvalOptions {
        TopicEvalOptions {
            top: 10,
            relevance: None,
            embeddings: None,
        }
    }
}

/// [`TopicMetrics`] with the top words they were measured on and each topic's coherence.
pub(crate) struct Quality {
    pub metrics: TopicMetrics,
    pub tops: Vec<Vec<u32>>,
    pub coherence: Coherence,
}

/// Metrics of `ntm` on reference documents (document co-occurrence NPMI needs only the bag of
/// words), its top `top` words ranked with relevance λ.
pub(crate) fn quality(ntm: &Ntm, reference: &Bow, top: usize, relevance: f32) -> Quality {
    let ranked = ntm.relevance(relevance);
    let tops = metrics::top_words(&ranked, top);
    let coherence = metrics::npmi(&tops, &doc_sets(reference), Window::Document);
    let (tu, _) = metrics::topic_uniqueness(&tops);
    let (loss, words) = train::elbo(ntm, reference);
    let metrics = TopicMetrics {
        npmi_document: coherence.mean,
        td25: metrics::topic_diversity(&metrics::top_words(&ranked, 25)),
        tu,
        perplexity: (loss / words.max(1.0)).exp(),
        topic_similarity: metrics::topic_similarity(&tops),
    };
    Quality {
        metrics,
        tops,
        coherence,
    }
}

/// The word ids of each document, for document co-occurrence NPMI.
pub(crate) fn doc_sets(bow: &Bow) -> Vec<Vec<u32>> {
    (0..bow.n_docs()).map(|d| bow.doc(d).0.to_vec()).collect()
}

/// `relevance` when it is a λ from 0 to 1.
pub(crate) fn check_relevance(relevance: f32) -> Result<f32> {
    if (0.0..=1.0).contains(&relevance) {
        return Ok(relevance);
    }
    Err(Error::config(format!(
        "relevance {relevance} must be from 0 to 1 (1 ranks words by probability in the topic, \
         0 by lift over the background)"
    )))
}

/// The evaluation of `model` on `reference` documents.
pub(crate) fn evaluate(
    model: &TopicModel,
    reference: &Documents,
    options: &TopicEvalOptions,
) -> Result<TopicEvaluation> {
    let relevance = check_relevance(
        options
            .relevance
            .unwrap_or_else(|| model.ntm.default_relevance()),
    )?;
    let Quality {
        metrics,
        tops,
        coherence,
    } = quality(&model.ntm, &reference.bow, options.top, relevance);
    let npmi_window10 = reference.tokens.as_ref().map(|tokens| {
        let seqs = docs::to_sequences(tokens, |t| model.word_id(t));
        metrics::npmi(&tops, &seqs, Window::Sliding(10)).mean
    });
    let wetc = options
        .embeddings
        .as_ref()
        .map(|path| word_embedding_coherence(model, &tops, path))
        .transpose()?;
    Ok(TopicEvaluation {
        documents: reference.bow.n_docs(),
        metrics,
        npmi_document_per_topic: coherence.per_topic,
        npmi_window10,
        wetc,
    })
}

/// WETC of `tops` with the vectors of `path` (fastText .bin gives subword vectors to unseen
/// words too; word2vec text and binary are recognised by content).
fn word_embedding_coherence(
    model: &TopicModel,
    tops: &[Vec<u32>],
    path: &std::path::Path,
) -> Result<f64> {
    let vocab = &model.meta.vocab;
    let wanted: HashSet<&str> = tops
        .iter()
        .flatten()
        .map(|&w| vocab[w as usize].as_str())
        .collect();
    let embeddings = crate::io::WordVectorModel::load(path)?;
    let vectors: HashMap<String, Vec<f32>> = wanted
        .into_iter()
        .filter_map(|w| Some((w.to_string(), embeddings.word_vector(w)?)))
        .collect();
    Ok(metrics::wetc(tops, vocab, &vectors).0)
}

/// Three words per topic ranked by relevance with pyLDAvis's λ = 0.6, which favours words
/// frequent in the topic and rarer elsewhere, joined by hyphens.
pub(crate) fn labels(model: &TopicModel) -> Vec<String> {
    metrics::top_words(&model.ntm.relevance(0.6), 3)
        .iter()
        .map(|top| {
            top.iter()
                .map(|&w| model.meta.vocab[w as usize].as_str())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}
