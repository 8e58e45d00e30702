//! The text pipeline: normalization, tokenization, stop words, stemming.

use pyo3::prelude::*;

use crate::errors::to_py;

/// A text pipeline, as every model stores it: `Pipeline(stopwords="english",
/// stemmer="english").tokenize(text)`.
#[pyclass(module = "blazetext._native", frozen)]
#[derive(Clone)]
pub(crate) struct Pipeline {
    pub(crate) inner: blazetext::Pipeline,
}

#[pymethods]
impl Pipeline {
    /// The default pipeline (NFKC, lowercase, word/punctuation tokenizer), with optional stop
    /// words (a language name, or `"none"`), stemmer (a language name) and tokenizer
    /// (`"default"`, `"whitespace"`, `"hf:<tokenizer.json>"`).
    #[new]
    #[pyo3(signature = (stopwords=None, stemmer=None, tokenizer=None, lowercase=true))]
    fn new(
        stopwords: Option<&str>,
        stemmer: Option<&str>,
        tokenizer: Option<&str>,
        lowercase: bool,
    ) -> PyResult<Pipeline> {
        let mut inner = blazetext::Pipeline {
            lowercase,
            ..blazetext::Pipeline::default()
        };
        if let Some(language) = stopwords {
            inner = inner.with_stopwords(language).map_err(to_py)?;
        }
        if let Some(language) = stemmer {
            inner = inner.with_stemmer(language).map_err(to_py)?;
        }
        if let Some(spec) = tokenizer {
            inner = inner.with_tokenizer(spec).map_err(to_py)?;
        }
        inner.validate().map_err(to_py)?;
        Ok(Pipeline { inner })
    }

    /// fastText's treatment of text: split on whitespace, nothing else.
    #[staticmethod]
    fn whitespace() -> Pipeline {
        Pipeline {
            inner: blazetext::Pipeline::whitespace(),
        }
    }

    /// The topic models' default: the default pipeline with English stop words.
    #[staticmethod]
    fn topics_default() -> Pipeline {
        Pipeline {
            inner: blazetext::Pipeline::topics_default(),
        }
    }

    /// The tokens of `text` after every stage of the pipeline.
    fn tokenize(&self, text: &str) -> PyResult<Vec<String>> {
        self.inner.tokenize(text).map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!("Pipeline({:?})", self.inner)
    }
}
