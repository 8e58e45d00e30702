//! Typed errors for the library. Every variant carries enough context (file, line, what to do)
//! for the binary to print one clear paragraph.

use std::path::{Path, PathBuf};

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operating-system error while touching a file.
    #[error("{}: {}", path.display(), describe_io(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The input is unusable (binary, empty, malformed); the message says what to do.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Input {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },

    /// A model file that is truncated, of another format or of another version.
    #[error("{}: {message}", path.display())]
    Model { path: PathBuf, message: String },

    /// A hyperparameter or option that makes no sense; the message names the option.
    #[error("{0}")]
    Config(String),
}

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    pub fn input(path: impl AsRef<Path>, line: Option<u64>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.as_ref().to_path_buf(),
            line,
            message: message.into(),
        }
    }

    pub fn model(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Model {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
        }
    }

    pub fn config(message: impl Into<String>) -> Self {
        Error::Config(message.into())
    }
}

/// The OS message plus what the user can do about the common cases.
fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory; check the path".to_string(),
        ErrorKind::PermissionDenied => {
            "permission denied; check the file's permissions".to_string()
        }
        ErrorKind::IsADirectory => "is a directory, but a file is needed here".to_string(),
        _ => e.to_string(),
    }
}
