//! `blazetext._native`: the Python extension. Every class and function here is a thin wrapper
//! over the `blazetext` crate's public API; the Python package (`python/blazetext/`) builds the
//! fastText, gensim and scikit-learn interfaces on top of it.

mod classifier;
mod errors;
mod run;
mod text;
mod topics;
mod train;
mod vectors;

use pyo3::prelude::*;

/// Opens any model file blazetext reads and returns a `Classifier`, `WordVectors` or
/// `TopicModel`.
#[pyfunction]
fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Py<PyAny>> {
    let model = py
        .detach(|| blazetext::Model::load(&path))
        .map_err(errors::to_py)?;
    Ok(match model {
        blazetext::Model::WordVectors(v) => {
            Py::new(py, vectors::WordVectors::new(v, Some(path)))?.into_any()
        }
        blazetext::Model::Classifier(c) => Py::new(py, classifier::Classifier::new(c))?.into_any(),
        blazetext::Model::Topics(t) => Py::new(py, topics::TopicModel::new(t))?.into_any(),
        other => {
            return Err(errors::BlazeTextError::new_err(format!(
                "{}: a model of kind {:?} has no Python class yet",
                path.display(),
                other.kind()
            )))
        }
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(train::train_classifier, m)?)?;
    m.add_function(wrap_pyfunction!(train::train_vectors, m)?)?;
    m.add_function(wrap_pyfunction!(train::train_topics, m)?)?;
    m.add_class::<classifier::Classifier>()?;
    m.add_class::<vectors::WordVectors>()?;
    m.add_class::<topics::TopicModel>()?;
    m.add_class::<text::Pipeline>()?;
    Ok(())
}
