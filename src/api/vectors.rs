//! Word vectors: look-ups, neighbours, analogies, evaluation, saving.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::io::model::check_output_prefix;
use crate::io::{ModelKind, WordVectorModel};
use crate::query::{dot, normalize, Index};
use crate::text::{Pipeline, Processor};
use crate::{Error, Result};

pub use crate::eval::analogies::{AnalogyScore, AnalogySection};
pub use crate::eval::{AnalogyOptions, AnalogyReport, SimilarityOptions, SimilarityReport};
pub use crate::io::model::Subwords;
pub use crate::query::AnalogyMethod;

/// Word vectors loaded from a fastText `.bin` or a word2vec file, or just trained by
/// [`VectorTrainer`](crate::VectorTrainer).
///
/// Text given to [`nearest`](Self::nearest), [`analogy`](Self::analogy),
/// [`similarity`](Self::similarity), [`query_vector`](Self::query_vector) and
/// [`sentence_vector`](Self::sentence_vector) goes through the text pipeline the model was
/// trained with (from its manifest; without one, fastText's: split on whitespace), so `King`
/// finds `king` in a lowercased model. [`word_vector`](Self::word_vector) looks a token up as
/// it is. Every method takes `&self`: one value behind an `Arc` serves many threads, and the
/// unit-length search index is built once, on the first search, and shared.
///
/// ```
/// use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer, WordVectors};
///
/// let mut config = TrainConfig::defaults(Mode::Skipgram);
/// (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
/// let (trained, _report) =
///     VectorTrainer::new(config).train(&TrainingData::files(["corpora/sample.txt"]))?;
/// let prefix = std::env::temp_dir().join(format!("blazetext-doc-load-{}", std::process::id()));
/// trained.save(&prefix)?;
///
/// let vectors = WordVectors::load(prefix.with_extension("bin"))?;
/// assert_eq!(vectors.dim(), 10);
/// assert!(vectors.contains("guitar"));
/// assert_eq!(vectors.word_vector("guitar"), trained.word_vector("guitar"));
/// # for ext in ["bin", "vec", "json"] { std::fs::remove_file(prefix.with_extension(ext))?; }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct WordVectors {
    model: WordVectorModel,
    /// The model's pipeline, compiled once; each query works on a clone (cheap: the compiled
    /// parts are shared).
    processor: Processor,
    /// Unit-length vectors of the whole vocabulary, built on the first search.
    index: OnceLock<Index>,
}

/// One answer of a search: a vocabulary word and its score (cosine similarity, or the 3CosMul
/// objective for [`AnalogyMethod::CosMul`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Neighbour {
    /// The word, as spelled in the vocabulary.
    pub word: String,
    /// Higher is closer.
    pub score: f32,
}

impl std::fmt::Debug for WordVectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordVectors")
            .field("path", &self.model.path())
            .field("words", &self.model.words().len())
            .field("dim", &self.model.dim())
            .field("kind", &self.model.kind())
            .finish()
    }
}

impl WordVectors {
    /// Loads word vectors from a fastText `.bin` (blazetext's or fastText's) or a word2vec
    /// text/binary file, recognised by content; the `<prefix>.json` manifest next to it, when
    /// present, supplies the text pipeline.
    ///
    /// The input vectors of a supervised `.bin` load too ([`kind`](Self::kind) is then
    /// [`ModelKind::Classifier`]): their word and sentence vectors are available, but searches
    /// and evaluations are refused, as those vectors are trained for labels, not similarity.
    pub fn load(path: impl AsRef<Path>) -> Result<WordVectors> {
        WordVectors::from_model(WordVectorModel::load(path.as_ref())?)
    }

    /// Word vectors made elsewhere and held in memory: row `i` of `vectors` is the vector of
    /// `words[i]`. They have no subwords, and queries are taken as they are (fastText's
    /// whitespace split), as for a word2vec file.
    ///
    /// ```
    /// use blazetext::{format::Matrix, WordVectors};
    /// let words = vec!["cat".to_string(), "dog".to_string(), "car".to_string()];
    /// let rows = vec![1.0, 0.1, 0.9, 0.2, 0.0, 1.0];
    /// let vectors = WordVectors::from_vectors(words, Matrix::from_vec(3, 2, rows))?;
    /// assert_eq!(vectors.nearest("cat", 1)?[0].word, "dog");
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn from_vectors(words: Vec<String>, vectors: crate::format::Matrix) -> Result<WordVectors> {
        if words.len() != vectors.rows() {
            return Err(Error::config(format!(
                "{} words but {} vectors; give one vector (matrix row) per word",
                words.len(),
                vectors.rows()
            )));
        }
        if words.is_empty() || vectors.cols() == 0 {
            return Err(Error::config(
                "no words or vectors of dimension 0; give at least one word and a vector per word",
            ));
        }
        WordVectors::from_model(WordVectorModel::from_word_vectors(
            crate::io::word2vec::WordVectors { words, vectors },
        ))
    }

    pub(crate) fn from_model(model: WordVectorModel) -> Result<WordVectors> {
        Ok(WordVectors {
            processor: model.processor()?,
            model,
            index: OnceLock::new(),
        })
    }

    /// Records the evaluation figures of a training run in the manifest [`save`](Self::save)
    /// writes.
    pub(crate) fn record_evaluation(&mut self, evaluation: serde_json::Value) {
        self.model.set_evaluation(evaluation);
    }

    /// The file the vectors were loaded from (empty when trained in memory).
    pub fn path(&self) -> &Path {
        self.model.path()
    }

    /// The vocabulary, most frequent word first (file order for word2vec files).
    pub fn words(&self) -> &[String] {
        self.model.words()
    }

    /// The vector dimension.
    pub fn dim(&self) -> usize {
        self.model.dim()
    }

    /// What the vectors come from: [`ModelKind::Embeddings`], or [`ModelKind::Classifier`] for
    /// the input vectors of a supervised model.
    pub fn kind(&self) -> ModelKind {
        self.model.kind()
    }

    /// The character n-gram settings, when the model has subword vectors (fastText's
    /// `minn`/`maxn`); out-of-vocabulary words then get a vector from their n-grams.
    pub fn subwords(&self) -> Option<Subwords> {
        self.model.subwords()
    }

    /// The text pipeline queries go through.
    pub fn pipeline(&self) -> &Pipeline {
        self.processor.pipeline()
    }

    /// The row of `word` in [`words`](Self::words), when it is in the vocabulary (exact
    /// spelling, no pipeline).
    pub fn word_id(&self, word: &str) -> Option<usize> {
        self.model.word_id(word).map(|id| id as usize)
    }

    /// Whether `word` is in the vocabulary (exact spelling, no pipeline).
    pub fn contains(&self, word: &str) -> bool {
        self.model.word_id(word).is_some()
    }

    /// fastText's word vector of the token `word`, as it is (no pipeline): the average of its
    /// own row and its character n-gram rows; for an out-of-vocabulary word, the average of
    /// its n-gram rows. `None` when the word is not in the vocabulary and the model has no
    /// subwords.
    pub fn word_vector(&self, word: &str) -> Option<Vec<f32>> {
        self.model.word_vector(word)
    }

    /// The vector of a query after the model's pipeline: one token gives its word vector,
    /// several (a phrase, or a word the tokenizer splits) their sentence vector. This is the
    /// vector [`nearest`](Self::nearest) searches with, and what `blazetext vectors` prints.
    ///
    /// Errors name the query when the pipeline leaves no token, or a token has no vector.
    pub fn query_vector(&self, query: &str) -> Result<Vec<f32>> {
        self.query(query).map(|(vector, _)| vector)
    }

    /// fastText's sentence vector of `text` after the model's pipeline, exactly as `blazetext
    /// sentence-vectors` prints it: for embeddings, the average of the tokens' unit word
    /// vectors (tokens without a vector are skipped; no token gives zeros); for a
    /// classifier's vectors, the average of every input row the classifier sees.
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// # let mut config = TrainConfig::defaults(Mode::Cbow);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// let v = vectors.sentence_vector("The piano has 88 keys.")?;
    /// assert_eq!(v.len(), vectors.dim());
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn sentence_vector(&self, text: &str) -> Result<Vec<f32>> {
        let tokens = self.tokens(text);
        Ok(self
            .model
            .sentence_vector(tokens.iter().map(String::as_str)))
    }

    /// The `k` vocabulary words most cosine-similar to a word or phrase (through the model's
    /// pipeline; see [`query_vector`](Self::query_vector)), best first. The query's own words
    /// are never answers. Out-of-vocabulary words get a vector from their character n-grams
    /// when the model has subwords.
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// # let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// let found = vectors.nearest("guitar", 3)?;
    /// assert_eq!(found.len(), 3);
    /// assert!(found.iter().all(|n| n.word != "guitar"));
    /// assert!(found[0].score >= found[1].score);
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn nearest(&self, query: &str, k: usize) -> Result<Vec<Neighbour>> {
        self.require_embeddings("nearest")?;
        check_k(k)?;
        let (vector, exclude) = self.query(query)?;
        Ok(self.answers(self.index().nearest(&vector, k, &exclude, usize::MAX)))
    }

    /// The `k` vocabulary words most cosine-similar to `vector` (any length; it has to have
    /// [`dim`](Self::dim) values), best first.
    pub fn nearest_to_vector(&self, vector: &[f32], k: usize) -> Result<Vec<Neighbour>> {
        self.require_embeddings("nearest_to_vector")?;
        check_k(k)?;
        if vector.len() != self.dim() {
            return Err(Error::config(format!(
                "the query vector has {} values, but these word vectors have {}",
                vector.len(),
                self.dim()
            )));
        }
        Ok(self.answers(self.index().nearest(vector, k, &[], usize::MAX)))
    }

    /// Answers "`a` is to `b` as `c` is to ?" with the `k` best vocabulary words: closest to
    /// b − a + c ([`AnalogyMethod::CosAdd`]) or by Levy & Goldberg's 3CosMul. The words of
    /// `a`, `b` and `c` are never answers. Each goes through the pipeline like a
    /// [`nearest`](Self::nearest) query.
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// use blazetext::AnalogyMethod;
    /// # let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// // guitar is to guitars as piano is to ?
    /// let answers = vectors.analogy("guitar", "guitars", "piano", 5, AnalogyMethod::CosAdd)?;
    /// assert_eq!(answers.len(), 5);
    /// assert!(answers.iter().all(|n| !["guitar", "guitars", "piano"].contains(&n.word.as_str())));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn analogy(
        &self,
        a: &str,
        b: &str,
        c: &str,
        k: usize,
        method: AnalogyMethod,
    ) -> Result<Vec<Neighbour>> {
        self.require_embeddings("analogy")?;
        check_k(k)?;
        let (va, ea) = self.query(a)?;
        let (vb, eb) = self.query(b)?;
        let (vc, ec) = self.query(c)?;
        let exclude = [ea, eb, ec].concat();
        let found = self
            .index()
            .analogy(method, &va, &vb, &vc, k, &exclude, usize::MAX);
        Ok(self.answers(found))
    }

    /// The cosine similarity of two words or phrases (through the pipeline, as
    /// [`nearest`](Self::nearest) queries): the score `b` gets in `nearest(a, …)`. A zero
    /// vector is similar to nothing (0).
    pub fn similarity(&self, a: &str, b: &str) -> Result<f32> {
        self.require_embeddings("similarity")?;
        let (mut va, _) = self.query(a)?;
        let (mut vb, _) = self.query(b)?;
        normalize(&mut va);
        normalize(&mut vb);
        Ok(dot(&va, &vb))
    }

    /// Analogy accuracy on a file in the layout of word2vec's `questions-words.txt` (`: section`
    /// lines, then `a b c d` lines), with word2vec's compute-accuracy rules: only the
    /// `restrict_vocab` most frequent words are searched and may appear in a question, a, b
    /// and c are never answers, case is folded unless turned off. Sections named `gram*` are
    /// syntactic, the others semantic.
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// use blazetext::AnalogyOptions;
    /// # let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// let report = vectors
    ///     .evaluate_analogies("corpora/questions-sample.txt", &AnalogyOptions::default())?;
    /// assert!(report.total.questions > 0);
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn evaluate_analogies(
        &self,
        questions: impl AsRef<Path>,
        options: &AnalogyOptions,
    ) -> Result<AnalogyReport> {
        self.require_embeddings("evaluate_analogies")?;
        // Only the restricted vocabulary is ever searched: without a search index yet, index
        // just those words rather than the whole vocabulary.
        let restricted;
        let index = match self.index.get() {
            Some(index) => index,
            None => {
                restricted = Index::new(&self.model, options.restrict_vocab);
                &restricted
            }
        };
        crate::eval::evaluate_analogies(index, questions.as_ref(), options)
    }

    /// Spearman and Pearson correlation between human similarity scores and the vectors'
    /// cosine similarities, on a word-pairs file (`word1 word2 score` lines: WordSim-353,
    /// SimLex-999, MEN, RW). Pairs with a word that has no vector are left out and counted.
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// use blazetext::SimilarityOptions;
    /// # let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// let report = vectors
    ///     .evaluate_similarity("corpora/similarity-sample.tsv", &SimilarityOptions::default())?;
    /// assert!(report.used >= 2 && report.used <= report.pairs);
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn evaluate_similarity(
        &self,
        pairs: impl AsRef<Path>,
        options: &SimilarityOptions,
    ) -> Result<SimilarityReport> {
        self.require_embeddings("evaluate_similarity")?;
        crate::eval::evaluate_similarity(&self.model, pairs.as_ref(), options)
    }

    /// Writes `<prefix>.bin` (fastText format), `<prefix>.vec` (word2vec text) and the
    /// `<prefix>.json` manifest (pipeline, hyperparameters, corpus figures, training summary,
    /// evaluation) of vectors trained in this process, and returns the three paths. The files
    /// are those `blazetext train` writes: identical for the same seed at one thread.
    ///
    /// Vectors loaded from a file cannot be saved this way (their file already exists); use
    /// [`save_text`](Self::save_text) or [`save_word2vec_binary`](Self::save_word2vec_binary).
    pub fn save(&self, prefix: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
        self.model.save(prefix.as_ref())
    }

    /// Checks that [`save`](Self::save) can write under `prefix` (its folder exists), so a
    /// caller can fail before a long training run rather than after it.
    pub fn check_output_prefix(prefix: impl AsRef<Path>) -> Result<()> {
        check_output_prefix(prefix.as_ref())
    }

    /// The vector of every vocabulary word, row `i` for `words()[i]`, as the `.vec` file holds
    /// them (with subwords, a word's vector is the average of its own and its n-gram rows): what
    /// gensim calls `KeyedVectors.vectors`.
    pub fn vectors(&self) -> crate::format::Matrix {
        self.model.vocab_vectors()
    }

    /// Writes the vocabulary's vectors as word2vec text (`.vec`: a `<count> <dim>` header,
    /// then `word v1 … vdim` lines), as fastText writes next to its `.bin`. With subwords, a
    /// word's vector is the average of its own and its n-gram rows.
    pub fn save_text(&self, path: impl AsRef<Path>) -> Result<()> {
        self.model.save_text(path.as_ref())
    }

    /// Writes the vocabulary's vectors in word2vec's binary format (`word2vec -binary 1`,
    /// gensim's `binary=True`).
    pub fn save_word2vec_binary(&self, path: impl AsRef<Path>) -> Result<()> {
        self.model.save_word2vec_binary(path.as_ref())
    }

    /// Fails, naming `operation`, unless these are word embeddings: a classifier's input
    /// vectors are trained for its labels, not for word similarity, and a manifest may say the
    /// file belongs to a topic model. Searches and evaluations check this themselves; a front
    /// end calls it to refuse a model before it reads any query.
    pub fn require_embeddings(&self, operation: &str) -> Result<()> {
        self.model.require_embeddings(operation)
    }

    /// The search index, built on first use.
    fn index(&self) -> &Index {
        self.index
            .get_or_init(|| Index::new(&self.model, usize::MAX))
    }

    /// `text`'s tokens after the model's pipeline.
    fn tokens(&self, text: &str) -> Vec<String> {
        self.processor.clone().tokens(text)
    }

    /// A query's vector and the vocabulary rows its answers leave out.
    fn query(&self, query: &str) -> Result<(Vec<f32>, Vec<u32>)> {
        self.model.query_vector(query, &self.tokens(query))
    }

    fn answers(&self, found: Vec<crate::query::Neighbour>) -> Vec<Neighbour> {
        let index = self.index();
        found
            .into_iter()
            .map(|n| Neighbour {
                word: index.word(n.id).to_string(),
                score: n.score,
            })
            .collect()
    }
}

/// A search for no answers is a mistake in the caller, not an empty result.
fn check_k(k: usize) -> Result<()> {
    if k == 0 {
        return Err(Error::config(
            "k must be at least 1 (the number of answers to return)",
        ));
    }
    Ok(())
}
