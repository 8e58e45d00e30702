//! Typed errors for the library. Every variant carries enough context (file, line, what to do)
//! for the binary to print one clear paragraph.

use std::path::{Path, PathBuf};

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in blazetext. Each variant's message is one paragraph that names
/// the file (and line) where it can and says what to do; front ends map the variants to their own
/// form (exit codes, HTTP statuses, Python exceptions).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An operating-system error while touching a file.
    #[error("{}: {}", path.display(), describe_io(source))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// The input is unusable (binary, empty, malformed); the message says what to do.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Input {
        /// The input file (`-` for standard input).
        path: PathBuf,
        /// The line, counted from 1, when one line is at fault.
        line: Option<u64>,
        /// What is wrong and what to do.
        message: String,
    },

    /// A model file that is truncated, of another format or of another version.
    #[error("{}: {message}", path.display())]
    Model {
        /// The model file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },

    /// A hyperparameter or option that makes no sense; the message names the option.
    #[error("{0}")]
    Config(String),

    /// Training diverged: the weights or the loss stopped being finite numbers (NaN or
    /// infinity), usually because the learning rate is too high for the data. No model is
    /// returned; the message says what to lower.
    #[error("{0}")]
    Diverged(String),

    /// The caller set the call's [`CancelFlag`](crate::CancelFlag); nothing was written.
    #[error("cancelled before the end; no file was written")]
    Cancelled,
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// An [`Error::Input`] for `path` (and `line`).
    pub fn input(path: impl AsRef<Path>, line: Option<u64>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.as_ref().to_path_buf(),
            line,
            message: message.into(),
        }
    }

    /// An [`Error::Model`] for `path`.
    pub fn model(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Model {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
        }
    }

    /// An [`Error::Config`].
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config(message.into())
    }

    /// An [`Error::Diverged`] for a run that stopped being finite `when` (" in epoch 3", or
    /// ""), with the learning rate it had and any `other_remedy` (", or set --clip-gradient").
    pub(crate) fn diverged(when: &str, learning_rate: f32, other_remedy: &str) -> Self {
        let rate = if (1e-4..1e4).contains(&learning_rate) {
            learning_rate.to_string()
        } else {
            format!("{learning_rate:e}")
        };
        Error::Diverged(format!(
            "training diverged{when}: the weights are no longer finite numbers (NaN or \
             infinity), so no model was written; lower --learning-rate (it was {rate}){other_remedy}"
        ))
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
