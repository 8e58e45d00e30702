//! Topic models: topic weights of new documents, top words, metrics, exports.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ndarray::Array2;

use crate::text::Pipeline;
use crate::topics::input::{self, text_processor};
use crate::topics::model::TopicModel as Engine;
use crate::topics::{docs, export, infer, metrics, quality};
use crate::Result;

pub use crate::topics::counts::CountRows;
pub use crate::topics::infer::{TopicWeightsFormat, TopicWeightsWriter};
pub use crate::topics::input::{TopicInput, TopicInputFormat};
pub use crate::topics::metrics::TopicSimilarity;
pub use crate::topics::quality::{TopicEvalOptions, TopicEvaluation, TopicMetrics};

/// A neural topic model written by `blazetext topics train` or [`TopicTrainer`](crate::TopicTrainer).
///
/// Inference takes `&self` and the model is `Send + Sync`: one model behind an `Arc` serves
/// many threads. Parallel work runs on the caller's current rayon pool.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("topics.ntm");
/// # let mut config = blazetext::TopicConfig::default();
/// # (config.num_topics, config.epochs, config.threads) = (3, 2, 1);
/// # config.encoder_layers = blazetext::EncoderLayers::Units(vec![8]);
/// # let data = blazetext::TrainingData::files(["corpora/sample-docs.txt"]);
/// # blazetext::TopicTrainer::new(config).train(&data)?.0.save(&path)?;
/// use blazetext::TopicModel;
/// let model = TopicModel::load(&path)?;
/// let weights = model.infer(&["the band played a loud concert", "the surgeon and the nurse"])?;
/// assert_eq!(weights.len(), 2);
/// assert!((weights[0].iter().sum::<f64>() - 1.0).abs() < 1e-6);
/// for (k, words) in model.top_words(5, None)?.iter().enumerate() {
///     let words: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
///     println!("topic {k}: {}", words.join(" "));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TopicModel {
    // Boxed: the model is large, and `Model` holds one per kind.
    engine: Box<Engine>,
    path: PathBuf,
}

/// One of a topic's top words.
#[derive(Debug, Clone, PartialEq)]
pub struct TopWord {
    /// The word, as the text pipeline made it (e.g. a stem).
    pub word: String,
    /// p(word | topic).
    pub weight: f32,
}

/// What [`TopicModel::infer_batches`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TopicInferenceStats {
    /// Documents inferred.
    pub documents: usize,
    /// Seconds spent in the model, without reading the documents.
    pub model_seconds: f64,
}

impl std::fmt::Debug for TopicModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopicModel")
            .field("path", &self.path)
            .field("topics", &self.num_topics())
            .field("vocabulary", &self.engine.meta.vocab.len())
            .finish()
    }
}

impl TopicModel {
    /// Loads a topic model file. A file of another kind (a fastText `.bin`, word2vec vectors,
    /// anything else) is an [`Error::Model`](crate::Error::Model) that says what it is; a missing
    /// file an [`Error::Io`](crate::Error::Io).
    pub fn load(path: impl AsRef<Path>) -> Result<TopicModel> {
        Ok(TopicModel {
            engine: Box::new(Engine::load(path.as_ref())?),
            path: path.as_ref().to_path_buf(),
        })
    }

    pub(crate) fn trained(engine: Engine) -> TopicModel {
        TopicModel {
            engine: Box::new(engine),
            path: PathBuf::new(),
        }
    }

    /// The file the model was loaded from (empty when trained in memory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The number of topics K.
    pub fn num_topics(&self) -> usize {
        self.engine.ntm.arch.n_topics
    }

    /// The vocabulary: word `i` is column `i` of [`topic_word`](TopicModel::topic_word) and of
    /// count rows.
    pub fn vocabulary(&self) -> &[String] {
        &self.engine.meta.vocab
    }

    /// The text pipeline documents go through, or `None` for a model trained on count rows.
    pub fn pipeline(&self) -> Option<&Pipeline> {
        self.engine.meta.pipeline.as_ref()
    }

    /// The JSON field holding the text when the training documents were JSON lines.
    pub fn text_field(&self) -> Option<&str> {
        self.engine.meta.text_field.as_deref()
    }

    /// The relevance λ top words are ranked with unless another is asked for: 0.2, or 0.8 for
    /// models with topic embeddings.
    pub fn default_relevance(&self) -> f32 {
        self.engine.ntm.default_relevance()
    }

    /// The metrics saved at the end of training, as JSON: the fields of [`TopicMetrics`] (a
    /// sweep's models also hold `num_topics` and `seconds`).
    pub fn saved_metrics(&self) -> &serde_json::Value {
        &self.engine.meta.metrics
    }

    /// The topic weights of each text (one document each, read through the model's text
    /// pipeline; a text is not parsed as JSON): rows of K weights that sum to 1, the numbers
    /// `blazetext topics infer` prints. A text with no vocabulary word gets the uniform 1/K.
    /// An empty list gives no rows; a model trained on count rows is an
    /// [`Error::Config`](crate::Error::Config) (use [`infer_bow`](TopicModel::infer_bow)).
    pub fn infer<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<Vec<f64>>> {
        let processor = text_processor(&self.engine, None)?;
        let n = self.engine.meta.vocab.len();
        let mut weights = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(infer::BATCH) {
            let bow = docs::texts_bow(chunk, processor, n, |t| self.engine.word_id(t));
            weights.extend(infer::topic_weights(&self.engine.ntm, &bow));
        }
        Ok(weights)
    }

    /// The topic weights of documents given as word counts over the model's vocabulary (see
    /// [`infer`](TopicModel::infer)). Rows of another width are an
    /// [`Error::Config`](crate::Error::Config).
    ///
    /// ```
    /// # let mut config = blazetext::TopicConfig::default();
    /// # (config.num_topics, config.epochs, config.threads) = (3, 2, 1);
    /// # config.encoder_layers = blazetext::EncoderLayers::Units(vec![8]);
    /// # let data = blazetext::TrainingData::files(["corpora/sample-docs.txt"]);
    /// # let (model, _) = blazetext::TopicTrainer::new(config).train(&data)?;
    /// use blazetext::CountRows;
    /// let mut rows = CountRows::new(model.vocabulary().len());
    /// rows.push_sparse(&[0, 5], &[2.0, 1.0])?;
    /// assert_eq!(model.infer_bow(&rows)?[0].len(), model.num_topics());
    /// assert!(model.infer_bow(&CountRows::new(3)).is_err());
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn infer_bow(&self, rows: &CountRows) -> Result<Vec<Vec<f64>>> {
        let rows = input::check_width(rows, self.engine.meta.vocab.len())?;
        Ok(infer::topic_weights(&self.engine.ntm, rows.bow()))
    }

    /// The topic weights of `input`'s documents, handed to `sink` in batches in input order;
    /// text files are streamed, so memory stays flat however long they are. What
    /// `blazetext topics infer` runs.
    pub fn infer_batches(
        &self,
        input: &TopicInput,
        mut sink: impl FnMut(Vec<Vec<f64>>) -> Result<()>,
    ) -> Result<TopicInferenceStats> {
        let mut stats = TopicInferenceStats {
            documents: 0,
            model_seconds: 0.0,
        };
        input::stream(&self.engine, input, infer::BATCH, |bow| {
            let start = Instant::now();
            let weights = infer::topic_weights(&self.engine.ntm, &bow);
            stats.model_seconds += start.elapsed().as_secs_f64();
            stats.documents += weights.len();
            sink(weights)
        })?;
        Ok(stats)
    }

    /// `input`'s documents as word counts over the model's vocabulary (unknown words dropped).
    pub fn count_rows(&self, input: &TopicInput) -> Result<CountRows> {
        Ok(CountRows::from_bow(
            input::read(&self.engine, input, false)?.bow,
        ))
    }

    /// The `n` top words of each topic, most relevant first, with their probability in the
    /// topic; what `blazetext topics show` prints. `relevance` is λ in
    /// λ·log p(w|k) + (1 − λ)·log(p(w|k) / p(w)): 1 ranks words by probability in the topic, 0
    /// by lift over the background; `None` uses the
    /// [default](TopicModel::default_relevance). A λ outside [0, 1] is an
    /// [`Error::Config`](crate::Error::Config).
    pub fn top_words(&self, n: usize, relevance: Option<f32>) -> Result<Vec<Vec<TopWord>>> {
        let lambda =
            quality::check_relevance(relevance.unwrap_or_else(|| self.default_relevance()))?;
        let ntm = &self.engine.ntm;
        let phi = ntm.topic_word();
        let vocab = &self.engine.meta.vocab;
        Ok(metrics::top_words(&ntm.relevance(lambda), n)
            .iter()
            .enumerate()
            .map(|(k, top)| {
                top.iter()
                    .map(|&w| TopWord {
                        word: vocab[w as usize].clone(),
                        weight: phi[[k, w as usize]],
                    })
                    .collect()
            })
            .collect())
    }

    /// A short label for each topic: its three most relevant words with pyLDAvis's λ = 0.6,
    /// joined by hyphens.
    pub fn labels(&self) -> Vec<String> {
        quality::labels(&self.engine)
    }

    /// The topic-word matrix: K rows (topics) × V columns (vocabulary words), each row a
    /// probability distribution p(word | topic) summing to 1.
    pub fn topic_word(&self) -> Array2<f32> {
        self.engine.ntm.topic_word()
    }

    /// Coherence (NPMI; WETC with embeddings), diversity, uniqueness and perplexity of the model
    /// on reference documents: what `blazetext topics eval` prints.
    ///
    /// ```
    /// # let mut config = blazetext::TopicConfig::default();
    /// # (config.num_topics, config.epochs, config.threads) = (3, 2, 1);
    /// # config.encoder_layers = blazetext::EncoderLayers::Units(vec![8]);
    /// # let data = blazetext::TrainingData::files(["corpora/sample-docs.txt"]);
    /// # let (model, _) = blazetext::TopicTrainer::new(config).train(&data)?;
    /// use blazetext::{TopicEvalOptions, TopicInput};
    /// let reference = TopicInput::file("corpora/sample-docs.txt");
    /// let eval = model.evaluate(&reference, &TopicEvalOptions::default())?;
    /// assert_eq!(eval.documents, 1500);
    /// assert!((-1.0..=1.0).contains(&eval.metrics.npmi_document));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn evaluate(
        &self,
        reference: &TopicInput,
        options: &TopicEvalOptions,
    ) -> Result<TopicEvaluation> {
        let documents = input::read(&self.engine, reference, true)?;
        quality::evaluate(&self.engine, &documents, options)
    }

    /// Writes the topic-word matrix as TSV: a header (`topic`, then the vocabulary) and one row
    /// per topic.
    pub fn write_topic_word_tsv(&self, path: impl AsRef<Path>) -> Result<()> {
        export::topic_word_tsv(&self.engine, path.as_ref())
    }

    /// Writes the arguments of pyLDAvis's `prepare` (topic-term and document-topic
    /// distributions, document lengths, vocabulary, term frequencies) as one JSON object, for
    /// the documents of `docs` that hold a vocabulary word.
    pub fn write_pyldavis(&self, docs: &TopicInput, path: impl AsRef<Path>) -> Result<()> {
        let docs = input::read(&self.engine, docs, false)?;
        export::pyldavis(&self.engine, &docs.bow, path.as_ref())
    }

    /// Writes `docs` as `dir/bow.mtx` (Matrix Market, documents × words) with the vocabulary
    /// as `dir/vocab.txt`, for other topic-model tools; returns the number of documents.
    pub fn write_matrix_market(&self, docs: &TopicInput, dir: impl AsRef<Path>) -> Result<usize> {
        let docs = input::read(&self.engine, docs, false)?;
        export::matrix_market(&self.engine, &docs.bow, dir.as_ref())?;
        Ok(docs.bow.n_docs())
    }

    /// Saves the model (one safetensors file, written to a temporary name and renamed); one
    /// seed gives identical files.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.engine.save(path.as_ref())
    }
}
