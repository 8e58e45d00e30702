//! Training data: files on disk, or texts in memory.

use std::io::Write;
use std::path::PathBuf;

use crate::{Error, Result};

/// What a trainer reads: files (plain text, `.gz`, directories, `-` for standard input) or texts
/// held in memory, one document (or, for a classifier, one `__label__x …` line) per text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrainingData {
    /// Files, directories, `.gz` files, or `-` for standard input.
    Files(Vec<PathBuf>),
    /// Texts in memory, one document each.
    Texts(Vec<String>),
}

impl TrainingData {
    /// Data read from `paths`.
    pub fn files<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> TrainingData {
        TrainingData::Files(paths.into_iter().map(Into::into).collect())
    }

    /// Data held in memory, one document per text.
    pub fn texts<S: Into<String>>(texts: impl IntoIterator<Item = S>) -> TrainingData {
        TrainingData::Texts(texts.into_iter().map(Into::into).collect())
    }

    /// Paths the engines can read: the files themselves, or the texts written to a temporary
    /// file (one per line, line breaks inside a text turned into spaces) that lives as long as
    /// the returned value.
    pub(crate) fn materialize(&self) -> Result<Materialized> {
        match self {
            TrainingData::Files(paths) if paths.is_empty() => Err(Error::config(
                "no training files given; name one or more files, directories, or - for stdin",
            )),
            TrainingData::Files(paths) => Ok(Materialized {
                paths: paths.clone(),
                _spool: None,
            }),
            TrainingData::Texts(texts) if texts.is_empty() => Err(Error::config(
                "no training texts given; pass at least one text",
            )),
            TrainingData::Texts(texts) => {
                let mut file = tempfile::Builder::new()
                    .prefix("blazetext-texts-")
                    .suffix(".txt")
                    .tempfile()
                    .map_err(|e| Error::io(std::env::temp_dir(), e))?;
                let path = file.path().to_path_buf();
                let mut w = std::io::BufWriter::new(file.as_file_mut());
                for text in texts {
                    for (i, line) in text.lines().enumerate() {
                        if i > 0 {
                            w.write_all(b" ").map_err(|e| Error::io(&path, e))?;
                        }
                        w.write_all(line.as_bytes())
                            .map_err(|e| Error::io(&path, e))?;
                    }
                    w.write_all(b"\n").map_err(|e| Error::io(&path, e))?;
                }
                w.flush().map_err(|e| Error::io(&path, e))?;
                drop(w);
                Ok(Materialized {
                    paths: vec![path],
                    _spool: Some(file),
                })
            }
        }
    }
}

/// Paths to read, and the temporary file behind them when the data was in memory.
pub(crate) struct Materialized {
    pub(crate) paths: Vec<PathBuf>,
    _spool: Option<tempfile::NamedTempFile>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_become_one_line_each() {
        let data = TrainingData::texts(["a b", "c\nd", ""]);
        let m = data.materialize().unwrap();
        let text = std::fs::read_to_string(&m.paths[0]).unwrap();
        assert_eq!(text, "a b\nc d\n\n");
    }

    #[test]
    fn empty_data_is_an_error() {
        let none: [&str; 0] = [];
        assert!(TrainingData::texts(none).materialize().is_err());
        let no_files: [&str; 0] = [];
        assert!(TrainingData::files(no_files).materialize().is_err());
    }
}
