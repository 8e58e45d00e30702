//! A word-vector model, whatever file it came from (or trained in this process): vocabulary,
//! input matrix, subword settings and manifest. Word and sentence vectors follow fastText's
//! definitions exactly. A model trained in this process keeps everything a `.bin` needs, so
//! [`WordVectorModel::save`] writes the `.bin`, `.vec` and `.json` files of a training run.

use hashbrown::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::io::fasttext::{FastTextArgs, FastTextFile, ModelName};
use crate::io::manifest::{Manifest, ModelKind};
use crate::io::word2vec::{self, WordVectors};
use crate::io::{sniff, FileFormat};
use crate::io_util::AtomicFileSet;
use crate::matrix::Matrix;
use crate::subword::{self, EOS};
use crate::text::{Pipeline, Processor};
use crate::{Error, Result};

/// Character n-gram settings of a model with subword rows (fastText's `minn`, `maxn` and
/// `bucket`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subwords {
    /// Shortest character n-gram, in characters.
    pub minn: usize,
    /// Longest character n-gram, in characters.
    pub maxn: usize,
    /// Hashed n-gram rows after the word rows.
    pub bucket: u32,
}

/// Where the input rows live.
#[derive(Debug, Clone)]
enum Rows {
    /// Rows read from a file (or given) on their own.
    Matrix(Matrix),
    /// A model trained in this process: the whole fastText file (counts, output matrix,
    /// settings), so saving it needs no copy of the rows.
    Trained(Box<FastTextFile>),
}

/// Word vectors with fastText's look-up rules: a vocabulary, the input rows (words, then hashed
/// n-grams), the subword settings, what kind of model they come from and its manifest.
#[derive(Debug, Clone)]
pub struct WordVectorModel {
    path: PathBuf,
    words: Vec<String>,
    /// Each word's count in the training corpus (fastText files); empty for word2vec files.
    counts: Vec<u64>,
    index: HashMap<String, u32>,
    /// Word rows, then (with subwords or word n-grams) `bucket` hashed rows.
    rows: Rows,
    subwords: Option<Subwords>,
    /// fastText word n-gram length of supervised models (1 = none).
    word_ngrams: usize,
    bucket: u32,
    kind: ModelKind,
    manifest: Option<Manifest>,
}

impl WordVectorModel {
    /// Loads a fastText `.bin` (fastText's or blazetext's) or a word2vec text/binary file,
    /// recognised by content, plus the `<prefix>.json` manifest next to it when present.
    pub fn load(path: &Path) -> Result<WordVectorModel> {
        let manifest = Manifest::load_next_to(path)?;
        let mut model = match sniff(path)? {
            FileFormat::FastTextBin => {
                WordVectorModel::from_fasttext(FastTextFile::read_input_only(path)?)
            }
            FileFormat::Word2VecText | FileFormat::Word2VecBinary | FileFormat::HeaderlessText => {
                WordVectorModel::from_word_vectors(word2vec::read_any(path)?)
            }
            other => {
                crate::topics::model::reject_topic_model(
                    path,
                    "this command needs word vectors (a fastText .bin or a word2vec file)",
                )?;
                let what = if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
                    "an empty file"
                } else {
                    other.describe()
                };
                let hint = match manifest.as_ref().map(|m| m.kind) {
                    Some(ModelKind::Topics) => {
                        ". Its manifest says it is a topic model: use the `topics` commands with it"
                    }
                    Some(ModelKind::Classifier) => {
                        ". Its manifest says it is a classifier: use `blazetext predict` with it"
                    }
                    _ => "",
                };
                return Err(Error::model(
                    path,
                    format!(
                        "cannot load word vectors: this looks like {what}; expected a fastText \
                         .bin or a word2vec .vec/binary file{hint}"
                    ),
                ));
            }
        };
        model.path = path.to_path_buf();
        if let Some(m) = manifest {
            model.kind = m.kind;
            model.manifest = Some(m);
        }
        Ok(model)
    }

    /// The word vectors of a fastText file (its output matrix is dropped).
    pub fn from_fasttext(file: FastTextFile) -> WordVectorModel {
        let counts = file.words.iter().map(|e| e.count).collect();
        let words = file.words.into_iter().map(|e| e.text).collect();
        let mut model = WordVectorModel::with_args(&file.args, words, Rows::Matrix(file.input));
        model.counts = counts;
        model
    }

    /// A model just trained: `file` is what its `.bin` holds, `manifest` its `.json`.
    pub fn from_trained(file: FastTextFile, manifest: Manifest) -> WordVectorModel {
        let words = file.words.iter().map(|e| e.text.clone()).collect();
        let counts = file.words.iter().map(|e| e.count).collect();
        let args = file.args.clone();
        let mut model = WordVectorModel::with_args(&args, words, Rows::Trained(Box::new(file)));
        model.counts = counts;
        model.kind = manifest.kind;
        model.manifest = Some(manifest);
        model
    }

    fn with_args(a: &FastTextArgs, words: Vec<String>, rows: Rows) -> WordVectorModel {
        let bucket = a.bucket.max(0) as u32;
        let subwords = (a.maxn > 0 && bucket > 0).then_some(Subwords {
            minn: a.minn as usize,
            maxn: a.maxn as usize,
            bucket,
        });
        let kind = match a.model {
            ModelName::Supervised => ModelKind::Classifier,
            ModelName::Cbow | ModelName::Skipgram => ModelKind::Embeddings,
        };
        let word_ngrams = if a.model == ModelName::Supervised {
            a.word_ngrams.max(1) as usize
        } else {
            1
        };
        WordVectorModel::new(words, rows, subwords, word_ngrams, bucket, kind)
    }

    /// Plain word vectors (a word2vec file), without subwords.
    pub fn from_word_vectors(v: WordVectors) -> WordVectorModel {
        WordVectorModel::new(
            v.words,
            Rows::Matrix(v.vectors),
            None,
            1,
            0,
            ModelKind::Embeddings,
        )
    }

    fn new(
        words: Vec<String>,
        rows: Rows,
        subwords: Option<Subwords>,
        word_ngrams: usize,
        bucket: u32,
        kind: ModelKind,
    ) -> WordVectorModel {
        let mut index = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            // Keep the first (most frequent) row when a file repeats a word.
            index.entry(w.clone()).or_insert(i as u32);
        }
        WordVectorModel {
            path: PathBuf::new(),
            words,
            counts: Vec::new(),
            index,
            rows,
            subwords,
            word_ngrams,
            bucket,
            kind,
            manifest: None,
        }
    }

    /// The file the model was loaded from (empty when built in memory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Vocabulary in file order (most frequent first for fastText and blazetext models).
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The vector dimension.
    pub fn dim(&self) -> usize {
        self.input().cols()
    }

    /// Each word's count in the training corpus, in [`words`](Self::words) order; `None` for
    /// word2vec files, which hold no counts.
    pub fn counts(&self) -> Option<&[u64]> {
        (!self.counts.is_empty() || self.words.is_empty()).then_some(&self.counts[..])
    }

    /// The whole fastText file of a model trained in this process (or built from matrices).
    pub fn trained_file(&self) -> Option<&FastTextFile> {
        match &self.rows {
            Rows::Trained(file) => Some(file),
            Rows::Matrix(_) => None,
        }
    }

    /// The manifest read with the model or made at training.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    /// Word rows, then the hashed n-gram rows.
    pub fn input(&self) -> &Matrix {
        match &self.rows {
            Rows::Matrix(m) => m,
            Rows::Trained(file) => &file.input,
        }
    }

    /// What the vectors come from (embeddings, or a classifier's input layer); a manifest
    /// next to the file may say it is something else.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// The character n-gram settings, when the model has subword rows.
    pub fn subwords(&self) -> Option<Subwords> {
        self.subwords
    }

    /// Records evaluation figures in the manifest of a model trained in this process.
    pub fn set_evaluation(&mut self, evaluation: serde_json::Value) {
        if let Some(m) = &mut self.manifest {
            m.evaluation = evaluation;
        }
    }

    /// The vocabulary row of `word`, as spelled in the vocabulary.
    pub fn word_id(&self, word: &str) -> Option<u32> {
        self.index.get(word).copied()
    }

    /// The text pipeline queries go through: the one the model was trained with (from its
    /// manifest), or fastText's behaviour (split on whitespace, nothing else) without one.
    pub fn pipeline(&self) -> Pipeline {
        self.manifest
            .as_ref()
            .and_then(|m| m.pipeline.clone())
            .unwrap_or_else(Pipeline::whitespace)
    }

    /// A compiled [`pipeline`](Self::pipeline), one per thread.
    pub fn processor(&self) -> Result<Processor> {
        self.pipeline().processor()
    }

    /// The vector of a query that went through the pipeline as `tokens`, and the vocabulary
    /// rows to leave out of its answers. One token: its word vector; several (a phrase, or a
    /// word the tokenizer splits): their sentence vector. Errors name the query when no token
    /// is left or a token has no vector.
    pub fn query_vector(&self, query: &str, tokens: &[String]) -> Result<(Vec<f32>, Vec<u32>)> {
        let exclude: Vec<u32> = tokens.iter().filter_map(|t| self.word_id(t)).collect();
        match tokens {
            [] => Err(Error::model(
                &self.path,
                format!(
                    "`{query}` has no tokens left after the model's text pipeline (a stop word,                      punctuation or too short?)"
                ),
            )),
            [one] => Ok((self.require_word_vector(one)?, exclude)),
            many => {
                for t in many {
                    self.require_word_vector(t)?;
                }
                Ok((self.sentence_vector(many.iter().map(String::as_str)), exclude))
            }
        }
    }

    /// Fails with a message that says what the model is when a command needs word embeddings.
    pub fn require_embeddings(&self, command: &str) -> Result<()> {
        let what = match self.kind {
            ModelKind::Embeddings => return Ok(()),
            ModelKind::Classifier => {
                "a supervised classifier; its word vectors are trained for the labels, not for \
                 word similarity. Use `blazetext predict` with it, or train embeddings with \
                 `blazetext train --mode skipgram`"
            }
            ModelKind::Topics => {
                "a topic model; use `blazetext topics` commands with it, or train embeddings with \
                 `blazetext train --mode skipgram`"
            }
        };
        Err(Error::model(
            &self.path,
            format!("`{command}` needs a word-embedding model, but this is {what}"),
        ))
    }

    /// Pushes the input rows that make up `word` (fastText's `getSubwords`): its own row when in
    /// the vocabulary, then its character n-grams when the model has subwords.
    pub fn word_rows(&self, word: &str, out: &mut Vec<u32>) {
        if let Some(id) = self.word_id(word) {
            out.push(id);
        }
        if let Some(s) = self.subwords {
            let nwords = self.words.len() as u32;
            subword::char_ngram_ids(word, s.minn, s.maxn, nwords, s.bucket, out);
        }
    }

    fn average_rows(&self, rows: &[u32], out: &mut [f32]) {
        out.fill(0.0);
        for &r in rows {
            for (o, x) in out.iter_mut().zip(self.input().row(r as usize)) {
                *o += x;
            }
        }
        if !rows.is_empty() {
            let scale = 1.0 / rows.len() as f32;
            out.iter_mut().for_each(|o| *o *= scale);
        }
    }

    /// fastText's word vector: the average of the word's own row and its n-gram rows; for an
    /// out-of-vocabulary word the average of its n-gram rows. `None` when the word is not in
    /// the vocabulary and the model has no subwords (fastText would silently return zeros).
    pub fn word_vector(&self, word: &str) -> Option<Vec<f32>> {
        let mut rows = Vec::new();
        self.word_rows(word, &mut rows);
        if rows.is_empty() {
            return None;
        }
        let mut v = vec![0.0; self.dim()];
        self.average_rows(&rows, &mut v);
        Some(v)
    }

    /// Like [`word_vector`](Self::word_vector), but an unknown word is an error naming it.
    pub fn require_word_vector(&self, word: &str) -> Result<Vec<f32>> {
        self.word_vector(word).ok_or_else(|| {
            Error::model(
                &self.path,
                format!(
                    "`{word}` is not in the vocabulary ({} words) and this model has no subword \
                     vectors to build one; check the spelling or use a model trained with \
                     --subwords",
                    self.words.len()
                ),
            )
        })
    }

    /// Vectors of all vocabulary words (what a `.vec` file holds), computed in parallel.
    pub fn vocab_vectors(&self) -> Matrix {
        self.vocab_vectors_upto(self.words.len())
    }

    /// Vectors of the first `n` vocabulary words (clamped to the vocabulary size).
    pub fn vocab_vectors_upto(&self, n: usize) -> Matrix {
        let n = n.min(self.words.len());
        if self.subwords.is_none() {
            let data = self.input().as_slice()[..n * self.dim()].to_vec();
            return Matrix::from_vec(n, self.dim(), data);
        }
        let mut m = Matrix::zeros(n, self.dim());
        m.as_mut_slice()
            .par_chunks_mut(self.dim())
            .enumerate()
            .for_each_init(Vec::new, |rows, (i, out)| {
                rows.clear();
                self.word_rows(&self.words[i], rows);
                self.average_rows(rows, out);
            });
        m
    }

    /// fastText's sentence vector for whitespace-split `tokens` of one line.
    ///
    /// Embedding models: the average of the L2-normalised vectors of the tokens that have one
    /// (zero vectors and unknown words without subwords are skipped). Supervised models: the
    /// plain average of all input rows the classifier sees for the line: word rows, character
    /// n-grams, word n-grams and the end-of-line token `</s>`, labels left out.
    pub fn sentence_vector<'a>(&self, tokens: impl IntoIterator<Item = &'a str>) -> Vec<f32> {
        let dim = self.dim();
        let mut sum = vec![0.0f32; dim];
        let mut rows = Vec::new();
        if self.kind == ModelKind::Classifier {
            let whitespace;
            let pipeline = match self.manifest.as_ref().and_then(|m| m.pipeline.as_ref()) {
                Some(p) => p,
                None => {
                    whitespace = Pipeline::whitespace();
                    &whitespace
                }
            };
            let mut hashes = Vec::new();
            let tokens = tokens.into_iter().chain(std::iter::once(EOS));
            for t in tokens.filter(|t| !pipeline.is_label(t)) {
                self.word_rows(t, &mut rows);
                hashes.push(subword::hash(t.as_bytes()));
            }
            let nwords = self.words.len() as u32;
            subword::word_ngram_ids(&hashes, self.word_ngrams, nwords, self.bucket, &mut rows);
            self.average_rows(&rows, &mut sum);
            return sum;
        }
        let mut v = vec![0.0f32; dim];
        let mut count = 0usize;
        for t in tokens {
            rows.clear();
            self.word_rows(t, &mut rows);
            self.average_rows(&rows, &mut v);
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                sum.iter_mut().zip(&v).for_each(|(s, x)| *s += x / norm);
                count += 1;
            }
        }
        if count > 0 {
            let scale = 1.0 / count as f32;
            sum.iter_mut().for_each(|s| *s *= scale);
        }
        sum
    }

    /// Writes `<prefix>.bin` (fastText format), `<prefix>.vec` (word2vec text) and the
    /// `<prefix>.json` manifest of a model trained in this process, and returns their paths.
    /// Every file goes through a temporary name, so a failure leaves no partial model.
    pub fn save(&self, prefix: &Path) -> Result<Vec<PathBuf>> {
        let (Rows::Trained(file), Some(manifest)) = (&self.rows, &self.manifest) else {
            return Err(Error::config(format!(
                "only word vectors trained in this process can be saved as a model (.bin, .vec \
                 and .json); these were read from {}: copy that file, or convert them with \
                 save_text (.vec) or save_word2vec_binary",
                self.path.display()
            )));
        };
        check_output_prefix(prefix)?;
        let bin = with_suffix(prefix, "bin");
        let vec = with_suffix(prefix, "vec");
        let json = with_suffix(prefix, "json");
        // All three are written first and renamed together, so a failure at any point leaves
        // an earlier model under this prefix whole, never a new .bin beside an old manifest.
        let mut files = AtomicFileSet::new();
        files.push(file.stage(&bin)?);
        files.push(word2vec::stage_text(
            &vec,
            &self.words,
            &self.vocab_vectors(),
        )?);
        files.push(manifest.stage(&json)?);
        files.commit()?;
        Ok(vec![bin, vec, json])
    }

    /// Writes the vocabulary vectors as word2vec text (`.vec`), as fastText does next to its
    /// `.bin`.
    pub fn save_text(&self, path: &Path) -> Result<()> {
        word2vec::write_text(path, &self.words, &self.vocab_vectors())
    }

    /// Writes the vocabulary vectors in word2vec's binary format.
    pub fn save_word2vec_binary(&self, path: &Path) -> Result<()> {
        word2vec::write_binary(path, &self.words, &self.vocab_vectors())
    }
}

/// `<prefix>.<ext>`, keeping any dots already in the prefix.
pub fn with_suffix(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = OsString::from(prefix.as_os_str());
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// Fails when the output prefix points into a missing folder or is itself a folder (`/`, `.`,
/// `models/`), so a caller can check before a long run rather than after it.
pub fn check_output_prefix(prefix: &Path) -> Result<()> {
    let ends_in_separator = prefix
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::MAIN_SEPARATOR);
    if prefix.file_name().is_none() || ends_in_separator || prefix.is_dir() {
        return Err(Error::config(format!(
            "the output prefix {} is a folder; give a prefix such as {} (the model's files get \
             .bin, .vec and .json added to it)",
            prefix.display(),
            prefix.join("model").display()
        )));
    }
    let folder = match prefix.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(Error::config(format!(
            "the output folder {} does not exist; create it first (mkdir -p {}) or choose \
             another -o prefix",
            folder.display(),
            folder.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::fasttext::{DictEntry, FastTextArgs, Loss};

    /// A 3-word skip-gram model with 50 buckets, minn 2, maxn 3, dim 2, rows filled with their
    /// index so averages are easy to check.
    fn tiny(model: ModelName) -> FastTextFile {
        let words: Vec<DictEntry> = ["</s>", "ab", "c"]
            .iter()
            .map(|w| DictEntry {
                text: w.to_string(),
                count: 1,
            })
            .collect();
        let bucket = 50;
        let rows = words.len() + bucket;
        let input = Matrix::from_vec(rows, 2, (0..rows * 2).map(|i| (i / 2) as f32).collect());
        let labels = vec![DictEntry {
            text: "__label__x".into(),
            count: 1,
        }];
        let out_rows = if model == ModelName::Supervised { 1 } else { 3 };
        FastTextFile {
            args: FastTextArgs {
                dim: 2,
                bucket: bucket as i32,
                minn: 2,
                maxn: 3,
                model,
                word_ngrams: 2,
                loss: Loss::Softmax,
                ..FastTextArgs::default()
            },
            words,
            labels,
            ntokens: 3,
            input,
            output: Matrix::zeros(out_rows, 2),
        }
    }

    fn ngram_rows(word: &str) -> Vec<u32> {
        let mut v = Vec::new();
        subword::char_ngram_ids(word, 2, 3, 3, 50, &mut v);
        v
    }

    /// Row `r` holds `r` in every column, so an average of rows is the mean of their ids;
    /// computed as fastText does (sum, then times the reciprocal).
    fn mean(rows: &[u32]) -> f32 {
        rows.iter().map(|&r| r as f32).sum::<f32>() * (1.0 / rows.len() as f32)
    }

    #[test]
    fn word_vector_averages_word_and_ngram_rows() {
        let m = WordVectorModel::from_fasttext(tiny(ModelName::Skipgram));
        let mut rows = vec![1];
        rows.extend(ngram_rows("ab"));
        assert_eq!(m.word_vector("ab").unwrap(), vec![mean(&rows); 2]);
        // OOV: n-grams only.
        let oov = ngram_rows("xyz");
        assert_eq!(m.word_vector("xyz").unwrap(), vec![mean(&oov); 2]);
        // </s> has no n-grams: just its row (row 0).
        assert_eq!(m.word_vector("</s>").unwrap(), vec![0.0; 2]);
    }

    #[test]
    fn oov_without_subwords_is_none_and_named() {
        let mut f = tiny(ModelName::Skipgram);
        f.args.maxn = 0;
        let m = WordVectorModel::from_fasttext(f);
        assert_eq!(m.word_vector("c").unwrap(), vec![2.0, 2.0]);
        assert!(m.word_vector("zzz").is_none());
        let e = m.require_word_vector("zzz").unwrap_err().to_string();
        assert!(e.contains("`zzz` is not in the vocabulary"), "{e}");
    }

    #[test]
    fn unsupervised_sentence_vector_averages_unit_vectors() {
        let vectors = Matrix::from_vec(2, 2, vec![3.0, 4.0, 0.0, 2.0]);
        let m = WordVectorModel::from_word_vectors(WordVectors {
            words: vec!["a".into(), "b".into()],
            vectors,
        });
        // "zz" is unknown and skipped.
        let s = m.sentence_vector(["a", "b", "zz"]);
        assert_eq!(s, vec![(0.6 + 0.0) / 2.0, (0.8 + 1.0) / 2.0]);
        assert_eq!(m.sentence_vector([]), vec![0.0, 0.0]);
    }

    #[test]
    fn supervised_sentence_vector_uses_all_input_rows() {
        let m = WordVectorModel::from_fasttext(tiny(ModelName::Supervised));
        assert_eq!(m.kind(), ModelKind::Classifier);
        let mut rows = vec![1];
        rows.extend(ngram_rows("ab"));
        rows.extend(ngram_rows("q"));
        rows.push(0); // </s>
        let hashes: Vec<u32> = ["ab", "q", "</s>"]
            .iter()
            .map(|t| subword::hash(t.as_bytes()))
            .collect();
        subword::word_ngram_ids(&hashes, 2, 3, 50, &mut rows);
        let got = m.sentence_vector(["ab", "__label__x", "q"]);
        assert_eq!(got, vec![mean(&rows); 2]);
        assert!(m
            .require_embeddings("nn")
            .unwrap_err()
            .to_string()
            .contains("supervised classifier"));
    }

    #[test]
    fn vocab_vectors_match_word_vector() {
        let m = WordVectorModel::from_fasttext(tiny(ModelName::Cbow));
        let v = m.vocab_vectors();
        for (i, w) in m.words().iter().enumerate() {
            assert_eq!(v.row(i), m.word_vector(w).unwrap().as_slice());
        }
    }
}
