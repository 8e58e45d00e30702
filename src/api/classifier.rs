//! Text classifiers: prediction, evaluation, sentence vectors, saving.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::vectors::{check_matrices, check_row, subword_row, subword_rows, SubwordRow, Subwords};
use crate::classify::model::{Classifier as Engine, LineBuffers};
use crate::classify::predict::{check_threshold, evaluate, predict_file, TopK};
use crate::format::{DictEntry, FastTextFile, Matrix};
use crate::model::SharedMatrix;
use crate::text::Processor;
use crate::vocab::Entry;
use crate::Result;

pub use crate::classify::metrics::{
    format_significant, Average, ConfusionMatrix, LabelCounts, LabelRow, Report, Tally, TestReport,
    UnseenLabels,
};
pub use crate::classify::predict::PredictionFormat;

/// One predicted label.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// The label as written in the training data, prefix included (`__label__sports`).
    pub label: String,
    /// Its probability: softmax and hierarchical-softmax models share 1 among all labels;
    /// one-vs-all and negative-sampling models score each label on its own.
    pub probability: f32,
}

/// A text classifier: a fastText `.bin` trained in `supervised` mode (by blazetext or fastText),
/// or one just trained by [`ClassifierTrainer`](crate::ClassifierTrainer).
///
/// Every method takes `&self` and inference never changes the model, so one classifier behind an
/// [`Arc`](std::sync::Arc) serves many threads at once. Text goes through the model's own text
/// pipeline (stored in its manifest; fastText's whitespace split for fastText models), exactly
/// as `blazetext predict` treats each input line.
///
/// ```
/// use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
///
/// let mut config = TrainConfig::defaults(Mode::Supervised);
/// config.vector_dim = 10;
/// config.buckets = 10_000;
/// config.threads = 1;
/// let data = TrainingData::files(["corpora/sample-labelled.train"]);
/// let (classifier, _report) = ClassifierTrainer::new(config).train(&data)?;
///
/// let prefix = std::env::temp_dir().join(format!("doc-classifier-{}", std::process::id()));
/// let files = classifier.save(&prefix)?; // <prefix>.bin and <prefix>.json
/// let loaded = blazetext::Classifier::load(&files[0])?;
/// let best = loaded.predict("the pianist played a slow sonata", 1, 0.0)?;
/// assert_eq!(best.len(), 1);
/// assert!(best[0].label.starts_with("__label__"));
/// # for file in files { std::fs::remove_file(file).unwrap(); }
/// # Ok::<(), blazetext::Error>(())
/// ```
pub struct Classifier {
    // Boxed: the engine is large, and `Model` holds a classifier among smaller variants.
    engine: Box<Engine>,
    path: PathBuf,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("path", &self.path)
            .field("labels", &self.engine.vocab.labels().len())
            .field("dim", &self.dim())
            .finish()
    }
}

impl Classifier {
    /// Loads a classifier `.bin` (blazetext's or fastText's) with the manifest next to it, the
    /// whole model in memory.
    ///
    /// Errors: [`Error::Io`](crate::Error::Io) when the file cannot be read,
    /// [`Error::Model`](crate::Error::Model) when it holds word vectors, a topic model or
    /// anything else that is not a classifier.
    pub fn load(path: impl AsRef<Path>) -> Result<Classifier> {
        Ok(Classifier {
            engine: Box::new(Engine::load(path.as_ref())?),
            path: path.as_ref().to_path_buf(),
        })
    }

    /// Opens a classifier but leaves its input matrix (800 MB with 2M buckets) in the file until
    /// a call needs it: [`predict_file`](Classifier::predict_file), [`test`](Classifier::test)
    /// and [`report`](Classifier::report) encode their input first and read only the rows it
    /// uses; the other calls read the whole matrix on first use and keep it. Meant for one-off
    /// runs over a file (what the `blazetext` command does); the file must not change while the
    /// classifier is open. Errors as for [`load`](Classifier::load).
    pub fn open(path: impl AsRef<Path>) -> Result<Classifier> {
        Ok(Classifier {
            engine: Box::new(Engine::open(path.as_ref())?),
            path: path.as_ref().to_path_buf(),
        })
    }

    pub(crate) fn trained(engine: Engine) -> Classifier {
        Classifier {
            engine: Box::new(engine),
            path: PathBuf::new(),
        }
    }

    /// The file the classifier was loaded from (empty when trained in memory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The labels, prefix included, in the model's order (most frequent in training first).
    pub fn labels(&self) -> Vec<String> {
        self.engine.labels()
    }

    /// The dimension of the hidden layer (`vector_dim` at training).
    pub fn dim(&self) -> usize {
        self.engine.dim()
    }

    /// True for one-vs-all models (`loss ova`), whose labels are scored independently, as
    /// multi-label data needs.
    pub fn is_multi_label(&self) -> bool {
        self.engine.is_multi_label()
    }

    /// Each label's count in the training data, in [`labels`](Self::labels) order (fastText's
    /// `get_labels(include_freq=True)`).
    ///
    /// ```
    /// # use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
    /// # let mut config = TrainConfig::defaults(Mode::Supervised);
    /// # (config.vector_dim, config.buckets, config.threads) = (10, 10_000, 1);
    /// # let data = TrainingData::files(["corpora/sample-labelled.train"]);
    /// # let (classifier, _) = ClassifierTrainer::new(config).train(&data)?;
    /// let counts = classifier.label_counts();
    /// assert_eq!(counts.len(), classifier.labels().len());
    /// assert_eq!(classifier.label_id(&classifier.labels()[1]), Some(1));
    /// assert_eq!(classifier.label_id("__label__nonsense"), None);
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn label_counts(&self) -> Vec<u64> {
        self.engine.vocab.labels().iter().map(|e| e.count).collect()
    }

    /// The index of `label` (prefix included) in [`labels`](Self::labels), when the model knows
    /// it.
    pub fn label_id(&self, label: &str) -> Option<usize> {
        self.engine.vocab.label_id(label).map(|id| id as usize)
    }

    /// The vocabulary (with the end-of-line token `</s>`), most frequent first, as fastText's
    /// `get_words` lists a classifier's words.
    ///
    /// ```
    /// # use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
    /// # let mut config = TrainConfig::defaults(Mode::Supervised);
    /// # (config.vector_dim, config.buckets, config.threads) = (10, 10_000, 1);
    /// # let data = TrainingData::files(["corpora/sample-labelled.train"]);
    /// # let (classifier, _) = ClassifierTrainer::new(config).train(&data)?;
    /// let words = classifier.words();
    /// assert_eq!(classifier.word_counts().len(), words.len());
    /// assert_eq!(classifier.word_id(&words[2]), Some(2));
    /// assert!(words.iter().any(|w| w == "</s>"));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn words(&self) -> Vec<String> {
        self.engine
            .vocab
            .words()
            .iter()
            .map(|e| e.text.clone())
            .collect()
    }

    /// Each word's count in the training data, in [`words`](Self::words) order.
    pub fn word_counts(&self) -> Vec<u64> {
        self.engine.vocab.words().iter().map(|e| e.count).collect()
    }

    /// The row of `word` in [`words`](Self::words) and the input matrix (exact spelling, no
    /// pipeline), when it is in the vocabulary.
    pub fn word_id(&self, word: &str) -> Option<usize> {
        self.engine.vocab.word_id(word).map(|id| id as usize)
    }

    /// The input rows `word`'s vector averages, in fastText's order: its own row when it is in
    /// the vocabulary, then its character n-grams when the model has them (see
    /// [`WordVectors::word_subwords`](crate::WordVectors::word_subwords)).
    ///
    /// ```
    /// # use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
    /// # let mut config = TrainConfig::defaults(Mode::Supervised);
    /// # (config.vector_dim, config.buckets, config.threads) = (10, 10_000, 1);
    /// (config.subwords, config.min_char, config.max_char) = (true, 3, 4);
    /// # let data = TrainingData::files(["corpora/sample-labelled.train"]);
    /// # let (classifier, _) = ClassifierTrainer::new(config).train(&data)?;
    /// let rows = classifier.word_subwords("cake");
    /// let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
    /// assert_eq!(texts, ["cake", "<ca", "<cak", "cak", "cake", "ake", "ake>", "ke>"]);
    /// assert_eq!(classifier.subword_row("<ca"), Some(rows[1].row));
    ///
    /// // A word's vector is the average of those rows.
    /// let mut sum = vec![0.0f32; classifier.dim()];
    /// for r in &rows {
    ///     let row = classifier.input_row(r.row)?;
    ///     sum.iter_mut().zip(&row).for_each(|(s, x)| *s += x / rows.len() as f32);
    /// }
    /// let vector = classifier.word_vector("cake")?;
    /// assert!(vector.iter().zip(&sum).all(|(a, b)| (a - b).abs() < 1e-6));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn word_subwords(&self, word: &str) -> Vec<SubwordRow> {
        let spec = &self.engine.spec;
        let ngrams = (spec.maxn > 0 && spec.bucket > 0).then_some(Subwords {
            minn: spec.minn,
            maxn: spec.maxn,
            bucket: spec.bucket,
        });
        let mut rows = subword_rows(word, self.word_id(word), ngrams, spec.nwords as usize);
        // A pruned `.ftz` moved the n-gram rows it kept and dropped the others.
        rows.retain_mut(|r| match spec.kept_row(r.row as u32) {
            Some(kept) => {
                r.row = kept as usize;
                true
            }
            None => false,
        });
        rows
    }

    /// The input row a character n-gram (or any string) hashes to, after the word rows
    /// (fastText's `get_subword_id`); `None` when the model has no bucket rows, or when a
    /// pruned `.ftz` dropped that bucket's row.
    pub fn subword_row(&self, subword: &str) -> Option<usize> {
        let spec = &self.engine.spec;
        (spec.bucket > 0)
            .then(|| {
                let hash = crate::subword::hash(subword.as_bytes());
                subword_row(hash, spec.nwords as usize, spec.bucket)
            })
            .and_then(|row| spec.kept_row(row as u32))
            .map(|row| row as usize)
    }

    /// fastText's word vector of the token `word` (no pipeline): the average of the input rows
    /// of [`word_subwords`](Self::word_subwords); zeros when it has none (an unknown word in a
    /// model without character n-grams), as fastText gives.
    ///
    /// Errors: [`Error::Io`](crate::Error::Io) when a classifier from
    /// [`open`](Self::open) cannot read its input matrix.
    pub fn word_vector(&self, word: &str) -> Result<Vec<f32>> {
        let rows: Vec<u32> = self
            .word_subwords(word)
            .iter()
            .map(|r| r.row as u32)
            .collect();
        let mut v = vec![0.0; self.dim()];
        self.engine.input.all()?.average_rows(&rows, &mut v);
        Ok(v)
    }

    /// Row `row` of the input matrix (fastText's `get_input_vector`).
    ///
    /// Errors: [`Error::Config`](crate::Error::Config) when the matrix has no such row.
    pub fn input_row(&self, row: usize) -> Result<Vec<f32>> {
        let input = self.engine.input.all()?;
        check_row(row, input.rows())?;
        let mut v = vec![0.0; input.cols()];
        input.copy_row(row, &mut v);
        Ok(v)
    }

    /// A copy of the input matrix (fastText's `get_input_matrix`): one row per word, then the
    /// hashed rows of character and word n-grams.
    ///
    /// ```
    /// # use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
    /// # let mut config = TrainConfig::defaults(Mode::Supervised);
    /// # (config.vector_dim, config.buckets, config.threads) = (10, 10_000, 1);
    /// # let data = TrainingData::files(["corpora/sample-labelled.train"]);
    /// # let (classifier, _) = ClassifierTrainer::new(config).train(&data)?;
    /// let input = classifier.input_matrix()?;
    /// assert_eq!(input.rows(), classifier.words().len() + 10_000);
    /// let output = classifier.output_matrix();
    /// assert_eq!((output.rows(), output.cols()), (classifier.labels().len(), 10));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    ///
    /// Errors: as [`word_vector`](Self::word_vector).
    pub fn input_matrix(&self) -> Result<Matrix> {
        Ok(copy_matrix(self.engine.input.all()?))
    }

    /// A copy of the output matrix (fastText's `get_output_matrix`): one row per label (per
    /// inner node of the label tree for hierarchical softmax).
    pub fn output_matrix(&self) -> Matrix {
        copy_matrix(&self.engine.output)
    }

    /// The same classifier with its input and output matrices replaced (fastText's
    /// `set_matrices`), for example projected to fewer dimensions: they must have the rows of
    /// [`input_matrix`](Self::input_matrix) and [`output_matrix`](Self::output_matrix) and may
    /// change the dimension. The result is held in memory like a model just trained.
    ///
    /// ```
    /// # use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
    /// # let mut config = TrainConfig::defaults(Mode::Supervised);
    /// # (config.vector_dim, config.buckets, config.threads) = (10, 10_000, 1);
    /// # let data = TrainingData::files(["corpora/sample-labelled.train"]);
    /// # let (classifier, _) = ClassifierTrainer::new(config).train(&data)?;
    /// let same = classifier.with_matrices(classifier.input_matrix()?, classifier.output_matrix())?;
    /// let text = "the striker scored a late goal";
    /// assert_eq!(same.predict(text, 2, 0.0)?, classifier.predict(text, 2, 0.0)?);
    ///
    /// let wrong = blazetext::format::Matrix::zeros(3, 10);
    /// assert!(classifier.with_matrices(wrong, classifier.output_matrix()).is_err());
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    ///
    /// Errors: [`Error::Config`](crate::Error::Config) when the shapes do not fit.
    pub fn with_matrices(&self, input: Matrix, output: Matrix) -> Result<Classifier> {
        let engine = &self.engine;
        let input_rows = engine.spec.nwords as usize + engine.spec.bucket as usize;
        let mut args = engine.args.clone();
        args.dim = check_matrices(input_rows, engine.output.rows(), &input, &output)?;
        let dictionary = |entries: &[Entry]| -> Vec<DictEntry> {
            entries
                .iter()
                .map(|e| DictEntry {
                    text: e.text.clone(),
                    count: e.count,
                })
                .collect()
        };
        let file = FastTextFile {
            args,
            words: dictionary(engine.vocab.words()),
            labels: dictionary(engine.vocab.labels()),
            ntokens: engine.vocab.ntokens(),
            input,
            output,
        };
        let engine = Engine::from_fasttext(file, engine.pipeline.clone(), engine.manifest.clone())?;
        Ok(Classifier::trained(engine))
    }

    /// The `k` most probable labels of one text (`k = -1`: every label) whose probability is at
    /// least `threshold`, most probable first. Line breaks inside `text` count as spaces: a
    /// text is one document.
    ///
    /// Errors: [`Error::Config`](crate::Error::Config) when `k` is 0 or below -1, or
    /// `threshold` is not in [0, 1].
    pub fn predict(&self, text: &str, k: i64, threshold: f32) -> Result<Vec<Prediction>> {
        let (k, threshold) = self.check(k, threshold)?;
        let input = self.engine.input.all()?;
        let mut work = Work::new(&self.engine.processor);
        Ok(work.predict(&self.engine, input, text, k, threshold))
    }

    /// [`predict`](Classifier::predict) for many texts at once, in parallel on the caller's
    /// rayon pool; results in input order. An empty batch gives an empty result (after `k` and
    /// `threshold` are checked).
    ///
    /// ```
    /// # use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
    /// # let mut config = TrainConfig::defaults(Mode::Supervised);
    /// # config.vector_dim = 10;
    /// # config.buckets = 10_000;
    /// # config.threads = 1;
    /// # let data = TrainingData::files(["corpora/sample-labelled.train"]);
    /// # let (classifier, _) = ClassifierTrainer::new(config).train(&data)?;
    /// let texts = ["a guitar solo", "the striker scored a goal", "fresh basil and tomato"];
    /// let all = classifier.predict_batch(&texts, 2, 0.0)?;
    /// assert_eq!(all.len(), 3);
    /// assert_eq!(all[1], classifier.predict(texts[1], 2, 0.0)?);
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn predict_batch<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        k: i64,
        threshold: f32,
    ) -> Result<Vec<Vec<Prediction>>> {
        let (k, threshold) = self.check(k, threshold)?;
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let input = self.engine.input.all()?;
        Ok(texts
            .par_iter()
            .map_init(
                || Work::new(&self.engine.processor),
                |work, text| work.predict(&self.engine, input, text.as_ref(), k, threshold),
            )
            .collect())
    }

    /// The text's vector as the model sees it: the average of its input rows (words, n-grams
    /// and the end-of-line token), as fastText's `get_sentence_vector` for a classifier.
    pub fn sentence_vector(&self, text: &str) -> Result<Vec<f32>> {
        let input = self.engine.input.all()?;
        let mut work = Work::new(&self.engine.processor);
        work.encode(&self.engine, text);
        let mut v = vec![0.0; self.dim()];
        input.average_rows(&work.buffers.rows, &mut v);
        Ok(v)
    }

    /// Predicts every line of `input` (a file, or `-` for standard input) and writes one line of
    /// labels per input line to `out`, as `blazetext predict` does. A file is encoded first, so
    /// a classifier from [`open`](Classifier::open) reads only the rows it uses; standard input
    /// is answered chunk by chunk as it arrives.
    ///
    /// Errors: as [`predict`](Classifier::predict) for `k` and `threshold`;
    /// [`Error::Io`](crate::Error::Io) / [`Error::Input`](crate::Error::Input) for an unreadable,
    /// empty or binary input, or when `out` fails.
    pub fn predict_file(
        &self,
        input: impl AsRef<Path>,
        k: i64,
        threshold: f32,
        format: PredictionFormat,
        out: &mut impl Write,
    ) -> Result<()> {
        let k = TopK::parse(k)?;
        let threshold = check_threshold(threshold)?;
        predict_file(&self.engine, input.as_ref(), k, threshold, format, out)
    }

    /// fastText's `test` on a labelled file: N, precision@k and recall@k over its labelled lines
    /// (`k = -1`: every label above `threshold`). Lines whose labels the model never saw are left
    /// out, as fastText does; the report lists them.
    ///
    /// ```
    /// # use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};
    /// # let mut config = TrainConfig::defaults(Mode::Supervised);
    /// # config.vector_dim = 10;
    /// # config.buckets = 10_000;
    /// # config.threads = 1;
    /// # let data = TrainingData::files(["corpora/sample-labelled.train"]);
    /// # let (classifier, _) = ClassifierTrainer::new(config).train(&data)?;
    /// let figures = classifier.test("corpora/sample-labelled.test", 1, 0.0)?;
    /// assert_eq!(figures.examples, 300);
    /// print!("{}", figures.to_text()); // N 300, P@1 …, R@1 …
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    ///
    /// Errors: as [`predict_file`](Classifier::predict_file), and
    /// [`Error::Input`](crate::Error::Input) when no line has a label.
    pub fn test(&self, input: impl AsRef<Path>, k: i64, threshold: f32) -> Result<TestReport> {
        let (k, threshold) = (TopK::parse(k)?, check_threshold(threshold)?);
        let e = evaluate(&self.engine, input.as_ref(), k, threshold)?;
        Ok(TestReport::new(
            &e.fasttext,
            k.as_i64(),
            threshold,
            e.unlabelled,
            e.tally.unseen(),
            e.only_unseen,
        ))
    }

    /// Per-label precision, recall, F1 and support, accuracy, averages and the confusion matrix
    /// on a labelled file, as `blazetext report` prints them (scikit-learn's definitions). `k`
    /// defaults to 1 (all labels for one-vs-all models) and `threshold` to 0 (0.5 for
    /// one-vs-all models).
    ///
    /// Errors: as [`test`](Classifier::test).
    pub fn report(
        &self,
        input: impl AsRef<Path>,
        k: Option<i64>,
        threshold: Option<f32>,
    ) -> Result<Report> {
        let multi = self.is_multi_label();
        let k = TopK::parse(k.unwrap_or(if multi { -1 } else { 1 }))?;
        let threshold = check_threshold(threshold.unwrap_or(if multi { 0.5 } else { 0.0 }))?;
        let e = evaluate(&self.engine, input.as_ref(), k, threshold)?;
        Ok(e.tally.report())
    }

    /// Writes `<prefix>.bin` (fastText's format, readable by the `fasttext` tool) and
    /// `<prefix>.json` (the manifest with the text pipeline); returns both paths. A model just
    /// trained is written exactly as `blazetext train` writes it. Both files are written under
    /// temporary names and renamed together once complete, so a failure leaves no partial file.
    pub fn save(&self, prefix: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
        self.engine.save(prefix.as_ref())
    }

    /// Checks that [`save`](Self::save) can write under `prefix` (its folder exists), so a
    /// caller can fail before a long training run rather than after it.
    pub fn check_output_prefix(prefix: impl AsRef<Path>) -> Result<()> {
        crate::io::model::check_output_prefix(prefix.as_ref())
    }

    fn check(&self, k: i64, threshold: f32) -> Result<(usize, f32)> {
        let k = TopK::parse(k)?.count(self.engine.vocab.labels().len());
        Ok((k, check_threshold(threshold)?))
    }
}

/// One thread's pipeline clone and buffers.
struct Work {
    processor: Processor,
    buffers: LineBuffers,
    hidden: Vec<f32>,
    scratch: Vec<f32>,
}

impl Work {
    fn new(processor: &Processor) -> Work {
        Work {
            processor: processor.clone(),
            buffers: LineBuffers::default(),
            hidden: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn encode(&mut self, engine: &Engine, text: &str) {
        engine.spec.encode_line(
            &engine.vocab,
            &mut self.processor,
            &one_line(text),
            &mut self.buffers,
        );
    }

    fn predict(
        &mut self,
        engine: &Engine,
        input: &SharedMatrix,
        text: &str,
        k: usize,
        threshold: f32,
    ) -> Vec<Prediction> {
        self.encode(engine, text);
        let labels = engine.vocab.labels();
        engine
            .predict_rows(
                input,
                &self.buffers.rows,
                k,
                threshold,
                &mut self.hidden,
                &mut self.scratch,
            )
            .into_iter()
            .map(|(probability, id)| Prediction {
                label: labels[id as usize].text.clone(),
                probability,
            })
            .collect()
    }
}

/// A plain copy of a matrix the model shares between threads.
fn copy_matrix(shared: &SharedMatrix) -> Matrix {
    let mut copy = Matrix::zeros(shared.rows(), shared.cols());
    for r in 0..shared.rows() {
        shared.copy_row(r, copy.row_mut(r));
    }
    copy
}

/// `text` as one line, as a file line reaches the pipeline: line breaks (and the `\r` of
/// `\r\n`) become single spaces.
fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text
        .strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    Cow::Owned(lines.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_and_whole_file_evaluations_agree() {
        use crate::classify::predict::{evaluate_with, TopK};
        let mut config = crate::TrainConfig::defaults(crate::Mode::Supervised);
        (config.vector_dim, config.epochs, config.threads) = (8, 3, 1);
        (config.word_ngrams, config.buckets) = (2, 5000);
        let data = crate::TrainingData::files(["corpora/sample-labelled.train"]);
        let (classifier, _) = crate::ClassifierTrainer::new(config).train(&data).unwrap();
        let test = Path::new("corpora/sample-labelled.test");
        for (k, threshold) in [(TopK::Top(1), 0.0), (TopK::Top(2), 0.1), (TopK::All, 0.3)] {
            let whole = evaluate_with(&classifier.engine, test, k, threshold, false).unwrap();
            let streamed = evaluate_with(&classifier.engine, test, k, threshold, true).unwrap();
            assert_eq!(whole.fasttext, streamed.fasttext);
            assert_eq!(whole.tally.report(), streamed.tally.report());
            assert_eq!(whole.tally.unseen(), streamed.tally.unseen());
            assert_eq!(
                (whole.unlabelled, whole.only_unseen),
                (streamed.unlabelled, streamed.only_unseen)
            );
            assert!(whole.tally.examples() > 0);
        }
    }

    /// A classifier without buckets: word rows only.
    fn without_buckets() -> Classifier {
        let mut config = crate::TrainConfig::defaults(crate::Mode::Supervised);
        (config.vector_dim, config.epochs, config.threads) = (4, 1, 1);
        (config.word_ngrams, config.buckets) = (1, 0);
        let data = crate::TrainingData::files(["corpora/sample-labelled.train"]);
        crate::ClassifierTrainer::new(config)
            .train(&data)
            .unwrap()
            .0
    }

    #[test]
    fn rows_of_a_classifier_without_buckets() {
        let classifier = without_buckets();
        let rows = classifier.input_matrix().unwrap().rows();
        assert_eq!(rows, classifier.words().len());
        assert_eq!(classifier.subword_row("<ca"), None);
        assert!(classifier.word_subwords("zzqx").is_empty());
        assert_eq!(classifier.word_vector("zzqx").unwrap(), vec![0.0; 4]);
        let id = classifier.word_id("cake").unwrap();
        assert_eq!(
            classifier.word_vector("cake").unwrap(),
            classifier.input_row(id).unwrap()
        );
        let e = classifier.input_row(rows).unwrap_err().to_string();
        assert!(e.contains(&format!("{rows} rows")), "{e}");
    }

    #[test]
    fn new_matrices_change_the_dimension_and_are_saved() {
        let classifier = without_buckets();
        let first_two = |m: &Matrix| {
            let rows = (0..m.rows()).flat_map(|r| m.row(r)[..2].to_vec()).collect();
            Matrix::from_vec(m.rows(), 2, rows)
        };
        let input = first_two(&classifier.input_matrix().unwrap());
        let output = first_two(&classifier.output_matrix());
        let smaller = classifier.with_matrices(input, output).unwrap();
        assert_eq!(smaller.dim(), 2);
        assert_eq!(smaller.label_counts(), classifier.label_counts());
        assert_eq!(smaller.word_counts(), classifier.word_counts());
        let dir = tempfile::tempdir().unwrap();
        let files = smaller.save(dir.path().join("small")).unwrap();
        let loaded = Classifier::load(&files[0]).unwrap();
        assert_eq!(loaded.dim(), 2);
        let text = "bake the cake";
        assert_eq!(
            loaded.predict(text, 1, 0.0).unwrap(),
            smaller.predict(text, 1, 0.0).unwrap()
        );
        let e = classifier
            .with_matrices(Matrix::zeros(3, 4), classifier.output_matrix())
            .unwrap_err();
        assert!(e.to_string().contains("input rows"), "{e}");
    }

    #[test]
    fn texts_become_one_line_like_file_lines() {
        assert_eq!(one_line("a b"), "a b");
        assert_eq!(one_line("a\nb\r\nc\n"), "a b c");
        assert_eq!(one_line("a\r"), "a");
    }
}
