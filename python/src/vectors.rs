//! Word vectors: look-ups, searches, analogies, evaluations, saving.

use std::path::PathBuf;

use blazetext::format::Matrix;
use blazetext::{AnalogyMethod, AnalogyOptions, SimilarityOptions};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// Word vectors: a fastText `.bin`, a word2vec file, or a classifier's input vectors.
#[pyclass(module = "blazetext._native", frozen)]
pub(crate) struct WordVectors {
    inner: blazetext::WordVectors,
    /// The file as the caller named it (the library keeps the path it resolved).
    source: Option<PathBuf>,
}

impl WordVectors {
    pub(crate) fn new(inner: blazetext::WordVectors, source: Option<PathBuf>) -> WordVectors {
        WordVectors { inner, source }
    }
}

type Neighbours = Vec<(f32, String)>;

/// fastText's `get_subwords` answer: the strings and their input rows (int64).
pub(crate) type Subwords<'py> = (Vec<String>, Bound<'py, PyArray1<i64>>);

pub(crate) fn subwords_to_python(py: Python<'_>, rows: Vec<blazetext::SubwordRow>) -> Subwords<'_> {
    let ids: Vec<i64> = rows.iter().map(|r| r.row as i64).collect();
    (
        rows.into_iter().map(|r| r.text).collect(),
        ids.into_pyarray(py),
    )
}

/// A NumPy array that owns the matrix's values (no copy).
pub(crate) fn matrix_to_numpy(py: Python<'_>, m: Matrix) -> Bound<'_, PyArray2<f32>> {
    let shape = (m.rows(), m.cols());
    numpy::ndarray::Array2::from_shape_vec(shape, m.into_vec())
        .expect("a matrix holds rows × cols values")
        .into_pyarray(py)
}

/// A copy of a 2-D float32 array (any strides) as a matrix.
pub(crate) fn numpy_to_matrix(array: &PyReadonlyArray2<'_, f32>) -> Matrix {
    let rows = array.as_array();
    let (height, width) = rows.dim();
    Matrix::from_vec(height, width, rows.iter().copied().collect())
}

fn pairs(found: Vec<blazetext::Neighbour>) -> Neighbours {
    found.into_iter().map(|n| (n.score, n.word)).collect()
}

#[pymethods]
impl WordVectors {
    /// Word vectors made elsewhere: row `i` of `vectors` (float32) is the vector of `words[i]`.
    #[staticmethod]
    fn from_vectors(
        words: Vec<String>,
        vectors: PyReadonlyArray2<'_, f32>,
    ) -> PyResult<WordVectors> {
        let inner = blazetext::WordVectors::from_vectors(words, numpy_to_matrix(&vectors))
            .map_err(to_py)?;
        Ok(WordVectors::new(inner, None))
    }

    /// The vocabulary, most frequent first.
    #[getter]
    fn words(&self) -> Vec<String> {
        self.inner.words().to_vec()
    }

    /// The vector dimension.
    #[getter]
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    /// The file the vectors came from, or None.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.source.clone()
    }

    /// `(minn, maxn, bucket)` when the model has character n-gram vectors, else None.
    #[getter]
    fn subwords(&self) -> Option<(usize, usize, u32)> {
        self.inner.subwords().map(|s| (s.minn, s.maxn, s.bucket))
    }

    /// The row of `word` in `words`, or None.
    fn word_id(&self, word: &str) -> Option<usize> {
        self.inner.word_id(word)
    }

    /// Whether `word` is in the vocabulary.
    fn __contains__(&self, word: &str) -> bool {
        self.inner.contains(word)
    }

    fn __len__(&self) -> usize {
        self.inner.words().len()
    }

    /// fastText's vector of the token `word` (no pipeline), or None when it has none.
    fn word_vector<'py>(&self, py: Python<'py>, word: &str) -> Option<Bound<'py, PyArray1<f32>>> {
        self.inner.word_vector(word).map(|v| v.into_pyarray(py))
    }

    /// The vector of a word or phrase after the model's pipeline.
    fn query_vector<'py>(
        &self,
        py: Python<'py>,
        query: &str,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        Ok(self
            .inner
            .query_vector(query)
            .map_err(to_py)?
            .into_pyarray(py))
    }

    /// fastText's sentence vector of `text`.
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

    /// Every word's vector, one row per word of `words` (gensim's `KeyedVectors.vectors`).
    fn matrix<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f32>> {
        let vectors = py.detach(|| self.inner.vectors());
        matrix_to_numpy(py, vectors)
    }

    /// Each word's corpus count (int64), or None for word2vec files.
    fn counts<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<i64>>> {
        let counts = self.inner.word_counts()?;
        Some(
            counts
                .iter()
                .map(|&c| c as i64)
                .collect::<Vec<_>>()
                .into_pyarray(py),
        )
    }

    /// A copy of the input matrix: word rows, then the hashed n-gram rows.
    fn input_matrix<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f32>> {
        matrix_to_numpy(py, self.inner.input_matrix().clone())
    }

    /// Row `row` of the input matrix.
    fn input_row<'py>(&self, py: Python<'py>, row: usize) -> PyResult<Bound<'py, PyArray1<f32>>> {
        Ok(self
            .inner
            .input_row(row)
            .map_err(to_py)?
            .to_vec()
            .into_pyarray(py))
    }

    /// A copy of the output matrix (read from the model file when loaded from one).
    fn output_matrix<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let output = py.detach(|| self.inner.output_matrix()).map_err(to_py)?;
        Ok(matrix_to_numpy(py, output))
    }

    /// fastText's `get_subwords`: the word and its character n-grams, and their input rows.
    fn word_subwords<'py>(&self, py: Python<'py>, word: &str) -> Subwords<'py> {
        subwords_to_python(py, self.inner.word_subwords(word))
    }

    /// The input row `subword` hashes to, or None without bucket rows.
    fn subword_row(&self, subword: &str) -> Option<usize> {
        self.inner.subword_row(subword)
    }

    /// The same model with new input and output matrices (float32, the same rows).
    fn with_matrices(
        &self,
        py: Python<'_>,
        input: PyReadonlyArray2<'_, f32>,
        output: PyReadonlyArray2<'_, f32>,
    ) -> PyResult<WordVectors> {
        let (input, output) = (numpy_to_matrix(&input), numpy_to_matrix(&output));
        let inner = py
            .detach(|| self.inner.with_matrices(input, output))
            .map_err(to_py)?;
        Ok(WordVectors::new(inner, None))
    }

    /// The `k` nearest words to a word or phrase: `(cosine, word)`, best first.
    #[pyo3(signature = (query, k=10))]
    fn nearest(&self, py: Python<'_>, query: &str, k: usize) -> PyResult<Neighbours> {
        py.detach(|| self.inner.nearest(query, k))
            .map(pairs)
            .map_err(to_py)
    }

    /// The `k` nearest words to a vector.
    #[pyo3(signature = (vector, k=10))]
    fn nearest_to_vector(
        &self,
        py: Python<'_>,
        vector: Vec<f32>,
        k: usize,
    ) -> PyResult<Neighbours> {
        py.detach(|| self.inner.nearest_to_vector(&vector, k))
            .map(pairs)
            .map_err(to_py)
    }

    /// "`a` is to `b` as `c` is to ?": the `k` best answers (3CosAdd, or 3CosMul with
    /// `cosmul=True`).
    #[pyo3(signature = (a, b, c, k=10, cosmul=false))]
    fn analogy(
        &self,
        py: Python<'_>,
        a: &str,
        b: &str,
        c: &str,
        k: usize,
        cosmul: bool,
    ) -> PyResult<Neighbours> {
        let method = if cosmul {
            AnalogyMethod::CosMul
        } else {
            AnalogyMethod::CosAdd
        };
        py.detach(|| self.inner.analogy(a, b, c, k, method))
            .map(pairs)
            .map_err(to_py)
    }

    /// Cosine similarity of two words or phrases.
    fn similarity(&self, a: &str, b: &str) -> PyResult<f32> {
        self.inner.similarity(a, b).map_err(to_py)
    }

    /// word2vec's analogy accuracy on a questions file, as a JSON object.
    fn evaluate_analogies(&self, py: Python<'_>, path: PathBuf) -> PyResult<String> {
        let report = py
            .detach(|| {
                self.inner
                    .evaluate_analogies(&path, &AnalogyOptions::default())
            })
            .map_err(to_py)?;
        serde_json::to_string(&report).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Spearman and Pearson correlations on a word-pair file, as a JSON object.
    fn evaluate_similarity(&self, py: Python<'_>, path: PathBuf) -> PyResult<String> {
        let report = py
            .detach(|| {
                self.inner
                    .evaluate_similarity(&path, &SimilarityOptions::default())
            })
            .map_err(to_py)?;
        serde_json::to_string(&report).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Writes `<prefix>.bin`, `<prefix>.vec` and `<prefix>.json`; returns their paths.
    fn save(&self, py: Python<'_>, prefix: PathBuf) -> PyResult<Vec<PathBuf>> {
        py.detach(|| self.inner.save(&prefix)).map_err(to_py)
    }

    /// Writes the word2vec text format (`.vec`).
    fn save_text(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.inner.save_text(&path)).map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}
