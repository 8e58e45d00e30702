//! A text classifier: prediction, tests, sentence and word vectors, saving.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::errors::to_py;
use crate::vectors::{matrix_to_numpy, numpy_to_matrix, subwords_to_python, Subwords, WordVectors};

/// The labels of each text, and their probabilities.
type Predictions<'py> = (Vec<Vec<String>>, Vec<Bound<'py, PyArray1<f32>>>);

/// One label's `(label, precision, recall, f1, support)`.
type LabelFigures = (String, f64, f64, f64, u64);

/// A text classifier (fastText `supervised`).
#[pyclass(module = "blazetext._native", frozen)]
pub(crate) struct Classifier {
    inner: Arc<blazetext::Classifier>,
    /// The input vectors, read from the model file on first use (word vectors of a classifier).
    input: OnceLock<Py<WordVectors>>,
    /// Holds the files of a classifier trained in memory once its input vectors are needed.
    spool: OnceLock<tempfile::TempDir>,
}

impl Classifier {
    pub(crate) fn new(inner: blazetext::Classifier) -> Classifier {
        Classifier {
            inner: Arc::new(inner),
            input: OnceLock::new(),
            spool: OnceLock::new(),
        }
    }

    /// The model file: where it was loaded from, or a temporary copy of a model trained here.
    fn file(&self) -> PyResult<PathBuf> {
        let path = self.inner.path();
        if !path.as_os_str().is_empty() {
            return Ok(path.to_path_buf());
        }
        if self.spool.get().is_none() {
            let dir = tempfile::tempdir()
                .map_err(|e| to_py(blazetext::Error::io(std::env::temp_dir(), e)))?;
            self.inner.save(dir.path().join("model")).map_err(to_py)?;
            let _ = self.spool.set(dir);
        }
        Ok(self
            .spool
            .get()
            .expect("set above")
            .path()
            .join("model.bin"))
    }
}

#[pymethods]
impl Classifier {
    /// The labels, prefix included, most frequent first.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.inner.labels()
    }

    /// The hidden layer's dimension.
    #[getter]
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    /// True for one-vs-all (multi-label) models.
    #[getter]
    fn is_multi_label(&self) -> bool {
        self.inner.is_multi_label()
    }

    /// The file the classifier was loaded from, or None.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        let path = self.inner.path();
        (!path.as_os_str().is_empty()).then(|| path.to_path_buf())
    }

    /// The vocabulary (with `</s>`), most frequent first.
    #[getter]
    fn words(&self) -> Vec<String> {
        self.inner.words()
    }

    /// Each word's count in the training data (int64).
    fn word_counts<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        let counts: Vec<i64> = self
            .inner
            .word_counts()
            .into_iter()
            .map(|c| c as i64)
            .collect();
        counts.into_pyarray(py)
    }

    /// Each label's count in the training data (int64).
    fn label_counts<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        let counts: Vec<i64> = self
            .inner
            .label_counts()
            .into_iter()
            .map(|c| c as i64)
            .collect();
        counts.into_pyarray(py)
    }

    /// The row of `word` in `words`, or None.
    fn word_id(&self, word: &str) -> Option<usize> {
        self.inner.word_id(word)
    }

    /// The index of `label` in `labels`, or None.
    fn label_id(&self, label: &str) -> Option<usize> {
        self.inner.label_id(label)
    }

    /// fastText's word vector of the token `word` (zeros when it has no input rows).
    fn word_vector<'py>(&self, py: Python<'py>, word: &str) -> PyResult<Bound<'py, PyArray1<f32>>> {
        Ok(self
            .inner
            .word_vector(word)
            .map_err(to_py)?
            .into_pyarray(py))
    }

    /// fastText's `get_subwords`: the word and its character n-grams, and their input rows.
    fn word_subwords<'py>(&self, py: Python<'py>, word: &str) -> Subwords<'py> {
        subwords_to_python(py, self.inner.word_subwords(word))
    }

    /// The input row `subword` hashes to, or None without bucket rows.
    fn subword_row(&self, subword: &str) -> Option<usize> {
        self.inner.subword_row(subword)
    }

    /// Row `row` of the input matrix.
    fn input_row<'py>(&self, py: Python<'py>, row: usize) -> PyResult<Bound<'py, PyArray1<f32>>> {
        Ok(self.inner.input_row(row).map_err(to_py)?.into_pyarray(py))
    }

    /// A copy of the input matrix: word rows, then the hashed n-gram rows.
    fn input_matrix<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let input = py.detach(|| self.inner.input_matrix()).map_err(to_py)?;
        Ok(matrix_to_numpy(py, input))
    }

    /// A copy of the output matrix: one row per label.
    fn output_matrix<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f32>> {
        matrix_to_numpy(py, self.inner.output_matrix())
    }

    /// The same classifier with new input and output matrices (float32, the same rows).
    fn with_matrices(
        &self,
        py: Python<'_>,
        input: PyReadonlyArray2<'_, f32>,
        output: PyReadonlyArray2<'_, f32>,
    ) -> PyResult<Classifier> {
        let (input, output) = (numpy_to_matrix(&input), numpy_to_matrix(&output));
        let inner = py
            .detach(|| self.inner.with_matrices(input, output))
            .map_err(to_py)?;
        Ok(Classifier::new(inner))
    }

    /// For each text, its `k` best labels (`-1`: all) with probability ≥ `threshold`, most
    /// probable first: `(labels per text, probabilities per text as float32 arrays)`, the
    /// shapes fastText's `predict` gives for a list. Runs in parallel without the GIL.
    #[pyo3(signature = (texts, k=1, threshold=0.0))]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        k: i64,
        threshold: f32,
    ) -> PyResult<Predictions<'py>> {
        let answers = py
            .detach(|| self.inner.predict_batch(&texts, k, threshold))
            .map_err(to_py)?;
        let mut labels = Vec::with_capacity(answers.len());
        let mut probabilities = Vec::with_capacity(answers.len());
        for predictions in answers {
            let (names, values): (Vec<String>, Vec<f32>) = predictions
                .into_iter()
                .map(|p| (p.label, p.probability))
                .unzip();
            labels.push(names);
            probabilities.push(values.into_pyarray(py));
        }
        Ok((labels, probabilities))
    }

    /// One text's `k` best labels (`-1`: all) with probability ≥ `threshold` and their
    /// probabilities (float32), most probable first. Runs on the calling thread: for one text
    /// a hand-off to the thread pool would cost more than the prediction.
    #[pyo3(signature = (text, k=1, threshold=0.0))]
    fn predict_one<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        k: i64,
        threshold: f32,
    ) -> PyResult<(Vec<String>, Bound<'py, PyArray1<f32>>)> {
        let predictions = self.inner.predict(text, k, threshold).map_err(to_py)?;
        let (labels, probabilities): (Vec<String>, Vec<f32>) = predictions
            .into_iter()
            .map(|p| (p.label, p.probability))
            .unzip();
        Ok((labels, probabilities.into_pyarray(py)))
    }

    /// The text's vector as the model sees it (average of its input rows).
    fn sentence_vector<'py>(
        &self,
        py: Python<'py>,
        text: &str,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        Ok(self
            .inner
            .sentence_vector(text)
            .map_err(to_py)?
            .into_pyarray(py))
    }

    /// fastText's `test`: (N, precision@k, recall@k) on a labelled file.
    #[pyo3(signature = (path, k=1, threshold=0.0))]
    fn test(
        &self,
        py: Python<'_>,
        path: PathBuf,
        k: i64,
        threshold: f32,
    ) -> PyResult<(u64, f64, f64)> {
        let report = py
            .detach(|| self.inner.test(&path, k, threshold))
            .map_err(to_py)?;
        Ok((report.examples, report.precision, report.recall))
    }

    /// Per-label (precision, recall, f1, support) on a labelled file, scikit-learn's
    /// definitions (0 where a ratio has no denominator).
    #[pyo3(signature = (path, k=1, threshold=0.0))]
    fn test_label(
        &self,
        py: Python<'_>,
        path: PathBuf,
        k: i64,
        threshold: f32,
    ) -> PyResult<Vec<LabelFigures>> {
        let report = py
            .detach(|| self.inner.report(&path, Some(k), Some(threshold)))
            .map_err(to_py)?;
        Ok(report
            .labels
            .into_iter()
            .filter(|row| row.known)
            .map(|row| (row.label, row.precision, row.recall, row.f1, row.support))
            .collect())
    }

    /// The input vectors (word vectors, n-grams through subwords) as a `WordVectors`.
    fn input_vectors(&self, py: Python<'_>) -> PyResult<Py<WordVectors>> {
        if let Some(vectors) = self.input.get() {
            return Ok(vectors.clone_ref(py));
        }
        let file = self.file()?;
        let vectors = py
            .detach(|| blazetext::WordVectors::load(&file))
            .map_err(to_py)?;
        let vectors = Py::new(py, WordVectors::new(vectors, self.path()))?;
        let _ = self.input.set(vectors.clone_ref(py));
        Ok(vectors)
    }

    /// Writes `<prefix>.bin` (fastText's format) and `<prefix>.json` (the text pipeline);
    /// returns their paths.
    fn save(&self, py: Python<'_>, prefix: PathBuf) -> PyResult<Vec<PathBuf>> {
        py.detach(|| self.inner.save(&prefix)).map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}
