//! `blazetext::Error` → Python exceptions: bad settings are `ValueError`, missing files
//! `FileNotFoundError`, unusable models and inputs `BlazeTextError` subclasses, a cancelled run
//! `KeyboardInterrupt` (the flag is only ever set by Ctrl-C, see `run.rs`).

use pyo3::create_exception;
use pyo3::exceptions::{
    PyException, PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyValueError,
};
use pyo3::prelude::*;

create_exception!(
    blazetext,
    BlazeTextError,
    PyException,
    "Base class of the errors blazetext raises itself."
);
create_exception!(
    blazetext,
    ModelError,
    BlazeTextError,
    "A model file that is corrupt, of another format, or of the wrong kind for the call."
);
create_exception!(
    blazetext,
    InputError,
    BlazeTextError,
    "Input text or data that cannot be used (empty, binary, malformed)."
);

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("BlazeTextError", py.get_type::<BlazeTextError>())?;
    m.add("ModelError", py.get_type::<ModelError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    Ok(())
}

/// The Python exception for a library error, with the library's message.
pub(crate) fn to_py(error: blazetext::Error) -> PyErr {
    let message = error.to_string();
    match &error {
        blazetext::Error::Config(_) => PyValueError::new_err(message),
        blazetext::Error::Io { source, .. } => match source.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
            _ => PyOSError::new_err(message),
        },
        blazetext::Error::Model { .. } => ModelError::new_err(message),
        blazetext::Error::Input { .. } => InputError::new_err(message),
        blazetext::Error::Cancelled => PyKeyboardInterrupt::new_err(message),
        _ => BlazeTextError::new_err(message),
    }
}
