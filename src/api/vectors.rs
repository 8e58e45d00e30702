//! Word vectors: look-ups, neighbours, analogies, evaluation, saving.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::format::Matrix;
use crate::io::manifest::Manifest;
use crate::io::model::check_output_prefix;
use crate::io::{sniff, FastTextFile, FileFormat, ModelKind, WordVectorModel};
use crate::query::{dot, normalize, Index};
use crate::subword::{self, EOS};
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

/// One input-matrix row that a word's vector averages: the word's own row or the row of one of
/// its character n-grams, as fastText's `get_subwords` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubwordRow {
    /// The word itself, or the character n-gram as a substring of `<word>` (`<ca`, `at>`).
    pub text: String,
    /// Its row in the input matrix: below the vocabulary size for the word, after it for
    /// n-grams (vocabulary size + hash modulo the bucket count).
    pub row: usize,
}

/// The rows `word`'s vector averages, in fastText's order (`Dictionary::getSubwords`): its own
/// row `own` when it is in the vocabulary, then its character n-grams of `minn..=maxn` code
/// points, hashed into `bucket` rows after the `nwords` word rows. `</s>` has no n-grams.
pub(crate) fn subword_rows(
    word: &str,
    own: Option<usize>,
    ngrams: Option<Subwords>,
    nwords: usize,
) -> Vec<SubwordRow> {
    let mut found: Vec<SubwordRow> = own
        .map(|row| SubwordRow {
            text: word.to_string(),
            row,
        })
        .into_iter()
        .collect();
    if let Some(s) = ngrams.filter(|_| word != EOS) {
        let wrapped = format!("<{word}>");
        subword::for_each_char_ngram(word, s.minn, s.maxn, |hash, start, end| {
            found.push(SubwordRow {
                text: wrapped[start..end].to_string(),
                row: subword_row(hash, nwords, s.bucket),
            })
        });
    }
    found
}

/// The input row of an n-gram hash, as fastText's `getSubwordId`: after the word rows.
pub(crate) fn subword_row(hash: u32, nwords: usize, bucket: u32) -> usize {
    nwords + (hash % bucket) as usize
}

/// Checks matrices given to replace a model's: the input with `input_rows` rows, the output
/// with `output_rows`, both of one dimension of at least 1. Returns that dimension as the
/// `.bin` stores it.
pub(crate) fn check_matrices(
    input_rows: usize,
    output_rows: usize,
    input: &Matrix,
    output: &Matrix,
) -> Result<i32> {
    if input.rows() != input_rows || output.rows() != output_rows {
        return Err(Error::config(format!(
            "the matrices have {} and {} rows, but this model needs {input_rows} input rows \
             (words, then buckets) and {output_rows} output rows; only their dimension may change",
            input.rows(),
            output.rows()
        )));
    }
    if input.cols() != output.cols() || input.cols() == 0 {
        return Err(Error::config(format!(
            "the input matrix has {} columns and the output matrix {}; give both the same \
             dimension, at least 1",
            input.cols(),
            output.cols()
        )));
    }
    crate::io::fasttext::bin_field("the dimension", input.cols())
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
        let k = answers_wanted(k, self.words().len())?;
        let (vector, exclude) = self.query(query)?;
        Ok(self.answers(self.index().nearest(&vector, k, &exclude, usize::MAX)))
    }

    /// The `k` vocabulary words most cosine-similar to `vector` (any length; it has to have
    /// [`dim`](Self::dim) values), best first.
    pub fn nearest_to_vector(&self, vector: &[f32], k: usize) -> Result<Vec<Neighbour>> {
        self.require_embeddings("nearest_to_vector")?;
        let k = answers_wanted(k, self.words().len())?;
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
        let k = answers_wanted(k, self.words().len())?;
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

    /// Each word's count in the training corpus, in [`words`](Self::words) order (fastText's
    /// `get_words(include_freq=True)`); `None` for word2vec files, which hold no counts.
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// # let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// let counts = vectors.word_counts().expect("a fastText model counts its words");
    /// assert_eq!(counts.len(), vectors.words().len());
    /// assert!(counts.windows(2).all(|pair| pair[0] >= pair[1])); // most frequent first
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn word_counts(&self) -> Option<&[u64]> {
        self.model.counts()
    }

    /// The input matrix as the model file holds it: one row per vocabulary word, then (with
    /// subwords) one row per hashed character n-gram bucket — fastText's `get_input_matrix`.
    /// Word vectors are averages of these rows (see [`word_subwords`](Self::word_subwords)).
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// # let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// let input = vectors.input_matrix();
    /// let buckets = vectors.subwords().map_or(0, |s| s.bucket as usize);
    /// assert_eq!(input.rows(), vectors.words().len() + buckets);
    /// assert_eq!(vectors.input_row(3)?, input.row(3));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn input_matrix(&self) -> &Matrix {
        self.model.input()
    }

    /// Row `row` of the [input matrix](Self::input_matrix) (fastText's `get_input_vector`).
    ///
    /// Errors: [`Error::Config`] when the matrix has no such row.
    pub fn input_row(&self, row: usize) -> Result<&[f32]> {
        let input = self.input_matrix();
        check_row(row, input.rows())?;
        Ok(input.row(row))
    }

    /// The output matrix (fastText's `get_output_matrix`): one row per word for `cbow` and
    /// `skipgram` models. A model loaded from a `.bin` keeps only its input rows in memory, so
    /// this reads the output rows from that file.
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// # let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// let output = vectors.output_matrix()?;
    /// assert_eq!((output.rows(), output.cols()), (vectors.words().len(), vectors.dim()));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    ///
    /// Errors: [`Error::Model`] for word2vec vectors, which have no output matrix;
    /// [`Error::Io`] when the model file cannot be read again.
    pub fn output_matrix(&self) -> Result<Matrix> {
        Ok(self.fasttext_without_input()?.output)
    }

    /// The rows `word`'s vector averages, in fastText's order (`get_subwords`): the word's own
    /// row when it is in the vocabulary, then its character n-grams (none without subwords, and
    /// none for `</s>`). An unknown word without subwords gives an empty list. The word is
    /// looked up as it is (no pipeline), like [`word_vector`](Self::word_vector).
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// (config.subwords, config.min_char, config.buckets) = (true, 3, 10_000);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// let rows = vectors.word_subwords("guitar");
    /// assert_eq!(rows[0].text, "guitar");
    /// assert_eq!(Some(rows[0].row), vectors.word_id("guitar"));
    /// assert_eq!(rows[1].text, "<gu");
    /// // The word, then its n-grams of 3, 4, 5 and 6 of the 8 characters of "<guitar>".
    /// assert_eq!(rows.len(), 1 + 6 + 5 + 4 + 3);
    /// assert_eq!(vectors.subword_row("<gu"), Some(rows[1].row));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn word_subwords(&self, word: &str) -> Vec<SubwordRow> {
        subword_rows(
            word,
            self.word_id(word),
            self.subwords(),
            self.words().len(),
        )
    }

    /// The input row a character n-gram (or any string) hashes to, after the word rows
    /// (fastText's `get_subword_id`); `None` when the model has no bucket rows.
    pub fn subword_row(&self, subword: &str) -> Option<usize> {
        let nwords = self.words().len();
        let bucket = u32::try_from(self.input_matrix().rows() - nwords).ok()?;
        (bucket > 0).then(|| subword_row(subword::hash(subword.as_bytes()), nwords, bucket))
    }

    /// The same model with its input and output matrices replaced (fastText's `set_matrices`),
    /// for example by a projection to fewer dimensions: the matrices must have the rows of
    /// [`input_matrix`](Self::input_matrix) and [`output_matrix`](Self::output_matrix) and may
    /// change the dimension. The result is held in memory like a model just trained, so
    /// [`save`](Self::save) writes it.
    ///
    /// ```
    /// # use blazetext::{Mode, TrainConfig, TrainingData, VectorTrainer};
    /// use blazetext::format::Matrix;
    /// # let mut config = TrainConfig::defaults(Mode::Skipgram);
    /// # (config.vector_dim, config.epochs, config.threads) = (10, 1, 1);
    /// # let (vectors, _) = VectorTrainer::new(config)
    /// #     .train(&TrainingData::files(["corpora/sample.txt"]))?;
    /// // Keep the first 4 of 10 dimensions.
    /// let keep = |m: &Matrix| {
    ///     let rows = (0..m.rows()).flat_map(|r| m.row(r)[..4].to_vec()).collect();
    ///     Matrix::from_vec(m.rows(), 4, rows)
    /// };
    /// let smaller = vectors.with_matrices(
    ///     keep(vectors.input_matrix()),
    ///     keep(&vectors.output_matrix()?),
    /// )?;
    /// assert_eq!(smaller.dim(), 4);
    /// assert_eq!(smaller.input_row(0)?, &vectors.input_row(0)?[..4]);
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    ///
    /// Errors: [`Error::Config`] when the shapes do not fit; as
    /// [`output_matrix`](Self::output_matrix) for word2vec vectors.
    pub fn with_matrices(&self, input: Matrix, output: Matrix) -> Result<WordVectors> {
        let mut file = self.fasttext_without_input()?;
        file.args.dim = check_matrices(
            self.input_matrix().rows(),
            file.output.rows(),
            &input,
            &output,
        )?;
        (file.input, file.output) = (input, output);
        let manifest = self.model.manifest().cloned().unwrap_or_else(|| {
            let mut manifest = Manifest::new(self.kind());
            manifest.pipeline = Some(self.pipeline().clone());
            manifest
        });
        WordVectors::from_model(WordVectorModel::from_trained(file, manifest))
    }

    /// The model's fastText file with an empty input matrix: copied from a model trained here,
    /// or read again (all but the input rows) from the `.bin` it was loaded from.
    fn fasttext_without_input(&self) -> Result<FastTextFile> {
        if let Some(file) = self.model.trained_file() {
            return Ok(FastTextFile {
                args: file.args.clone(),
                words: file.words.clone(),
                labels: file.labels.clone(),
                ntokens: file.ntokens,
                input: Matrix::zeros(0, file.input.cols()),
                output: file.output.clone(),
            });
        }
        let path = self.path();
        if path.as_os_str().is_empty() || sniff(path)? != FileFormat::FastTextBin {
            return Err(Error::model(
                path,
                "word2vec vectors have no output matrix (only a fastText .bin has one)",
            ));
        }
        let (file, _input_on_disk) = FastTextFile::read_lazy(path)?;
        if file.words.len() != self.words().len() || file.args.dim as usize != self.dim() {
            return Err(Error::model(
                path,
                "the file changed since these vectors were loaded from it; load it again",
            ));
        }
        Ok(file)
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

/// A row outside the matrix is a mistake in the caller.
pub(crate) fn check_row(row: usize, rows: usize) -> Result<()> {
    if row >= rows {
        return Err(Error::config(format!(
            "row {row} is not in the input matrix, which has {rows} rows (0 to {})",
            rows.saturating_sub(1)
        )));
    }
    Ok(())
}

/// The number of answers to search for: a search for none is a mistake in the caller, not an
/// empty result; more than the vocabulary can give is the whole vocabulary (so a huge `k`
/// reserves nothing).
fn answers_wanted(k: usize, vocabulary: usize) -> Result<usize> {
    if k == 0 {
        return Err(Error::config(
            "k must be at least 1 (the number of answers to return)",
        ));
    }
    Ok(k.min(vocabulary.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three word2vec-style vectors: no counts, no buckets, no output matrix.
    fn three_words() -> WordVectors {
        let words = ["cat", "dog", "car"].map(String::from).to_vec();
        let rows = vec![1.0, 0.1, 0.9, 0.2, 0.0, 1.0];
        WordVectors::from_vectors(words, Matrix::from_vec(3, 2, rows)).unwrap()
    }

    #[test]
    fn word2vec_vectors_have_rows_but_no_counts_buckets_or_output() {
        let v = three_words();
        assert_eq!(v.word_counts(), None);
        assert_eq!(v.input_matrix().rows(), 3);
        assert_eq!(v.input_row(2).unwrap(), &[0.0, 1.0]);
        let e = v.input_row(3).unwrap_err().to_string();
        assert!(e.contains("row 3") && e.contains("3 rows"), "{e}");
        assert_eq!(v.subword_row("<ca"), None);
        let own = SubwordRow {
            text: "dog".into(),
            row: 1,
        };
        assert_eq!(v.word_subwords("dog"), vec![own]);
        assert!(v.word_subwords("cow").is_empty());
        let e = v.output_matrix().unwrap_err().to_string();
        assert!(e.contains("no output matrix"), "{e}");
        let e = v
            .with_matrices(v.input_matrix().clone(), Matrix::zeros(3, 2))
            .unwrap_err();
        assert!(e.to_string().contains("no output matrix"), "{e}");
    }

    #[test]
    fn subword_rows_follow_fasttext_order() {
        let ngrams = Some(Subwords {
            minn: 1,
            maxn: 2,
            bucket: 10,
        });
        let rows = subword_rows("ab", Some(1), ngrams, 3);
        let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
        // 1-grams that are only `<` or `>` are skipped, as fastText does.
        assert_eq!(texts, ["ab", "<a", "a", "ab", "b", "b>"]);
        assert_eq!(rows[0].row, 1);
        for r in &rows[1..] {
            assert_eq!(r.row, 3 + (subword::hash(r.text.as_bytes()) % 10) as usize);
        }
        let end_of_line = subword_rows(EOS, Some(0), ngrams, 3);
        assert_eq!(end_of_line.len(), 1);
        assert!(subword_rows("zz", None, None, 3).is_empty());
    }

    #[test]
    fn replacement_matrices_must_keep_their_rows_and_share_a_dimension() {
        let m = |rows, cols| Matrix::zeros(rows, cols);
        assert_eq!(check_matrices(5, 2, &m(5, 3), &m(2, 3)).unwrap(), 3);
        let e = check_matrices(5, 2, &m(4, 3), &m(2, 3))
            .unwrap_err()
            .to_string();
        assert!(e.contains("5 input rows"), "{e}");
        let e = check_matrices(5, 2, &m(5, 3), &m(2, 4))
            .unwrap_err()
            .to_string();
        assert!(e.contains("same dimension"), "{e}");
        assert!(check_matrices(5, 2, &m(5, 0), &m(2, 0)).is_err());
    }

    #[test]
    fn a_loaded_model_reads_its_output_matrix_and_saves_new_matrices() {
        let mut config = crate::TrainConfig::defaults(crate::Mode::Skipgram);
        (config.vector_dim, config.epochs, config.threads) = (4, 1, 1);
        (config.subwords, config.buckets) = (true, 100);
        let data = crate::TrainingData::files(["corpora/sample.txt"]);
        let (trained, _) = crate::VectorTrainer::new(config).train(&data).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let files = trained.save(dir.path().join("v")).unwrap();
        let loaded = WordVectors::load(&files[0]).unwrap();
        assert_eq!(loaded.word_counts(), trained.word_counts());
        assert_eq!(
            loaded.output_matrix().unwrap(),
            trained.output_matrix().unwrap()
        );
        assert_eq!(loaded.input_matrix(), trained.input_matrix());

        let halve = |m: &Matrix| {
            Matrix::from_vec(
                m.rows(),
                m.cols(),
                m.as_slice().iter().map(|x| x / 2.0).collect(),
            )
        };
        let output = loaded.output_matrix().unwrap();
        let halved = loaded
            .with_matrices(halve(loaded.input_matrix()), halve(&output))
            .unwrap();
        assert_eq!(
            halved.input_row(5).unwrap()[0],
            loaded.input_row(5).unwrap()[0] / 2.0
        );
        let again = WordVectors::load(&halved.save(dir.path().join("h")).unwrap()[0]).unwrap();
        assert_eq!(again.input_matrix(), halved.input_matrix());
        assert_eq!(again.word_counts(), loaded.word_counts());
    }
}
