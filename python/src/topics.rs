//! Neural topic models: inference, top words, the topic-word matrix, saving.

use std::path::PathBuf;

use numpy::{IntoPyArray, PyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// A neural topic model.
#[pyclass(module = "blazetext._native", frozen)]
pub(crate) struct TopicModel {
    inner: blazetext::TopicModel,
}

impl TopicModel {
    pub(crate) fn new(inner: blazetext::TopicModel) -> TopicModel {
        TopicModel { inner }
    }
}

#[pymethods]
impl TopicModel {
    /// The number of topics.
    #[getter]
    fn num_topics(&self) -> usize {
        self.inner.num_topics()
    }

    /// The model's vocabulary (as the pipeline made the words: stems, …).
    #[getter]
    fn vocabulary(&self) -> Vec<String> {
        self.inner.vocabulary().to_vec()
    }

    /// One short label per topic (its top words).
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.inner.labels()
    }

    /// The metrics recorded at training, as a JSON object.
    #[getter]
    fn metrics(&self) -> String {
        self.inner.saved_metrics().to_string()
    }

    /// The document-topic matrix of `texts` (one row of topic weights per text, summing to 1).
    fn infer<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let rows = py.detach(|| self.inner.infer(&texts)).map_err(to_py)?;
        matrix(rows, self.inner.num_topics()).map(|m| m.into_pyarray(py))
    }

    /// Each topic's `n` top words and their p(word | topic), by relevance λ when given.
    #[pyo3(signature = (n=10, relevance=None))]
    fn top_words(&self, n: usize, relevance: Option<f32>) -> PyResult<Vec<Vec<(String, f32)>>> {
        let topics = self.inner.top_words(n, relevance).map_err(to_py)?;
        Ok(topics
            .into_iter()
            .map(|words| words.into_iter().map(|w| (w.word, w.weight)).collect())
            .collect())
    }

    /// p(word | topic): one row per topic, one column per vocabulary word.
    fn topic_word<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f32>> {
        self.inner.topic_word().into_pyarray(py)
    }

    /// Writes the model file.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.inner.save(&path)).map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}

fn matrix(rows: Vec<Vec<f64>>, width: usize) -> PyResult<numpy::ndarray::Array2<f64>> {
    let height = rows.len();
    let flat: Vec<f64> = rows.into_iter().flatten().collect();
    numpy::ndarray::Array2::from_shape_vec((height, width), flat)
        .map_err(|e| PyValueError::new_err(e.to_string()))
}
