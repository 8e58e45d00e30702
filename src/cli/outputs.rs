//! The output rule every command follows: before any work, each file the command will write is
//! checked against each file it reads (the same file by device and inode, or the same canonical
//! path), against the folders it reads, and against the other outputs; a folder is never an
//! output. Inputs that do not exist are reported here too, so a missing evaluation or validation
//! file stops a run before training rather than after it. `-` (standard input or output) is
//! neither.

use std::path::{Path, PathBuf};

use blazetext::{Error, Result};

/// What a command reads and writes, checked by [`Files::check`].
#[derive(Debug, Default)]
pub struct Files {
    inputs: Vec<PathBuf>,
    outputs: Vec<PathBuf>,
}

impl Files {
    pub fn new() -> Files {
        Files::default()
    }

    /// Files or folders the command reads (an `Option` adds nothing when `None`).
    pub fn reads<P: AsRef<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> Files {
        self.inputs.extend(
            paths
                .into_iter()
                .map(|p| p.as_ref().to_path_buf())
                .filter(|p| !is_std_stream(p)),
        );
        self
    }

    /// Files the command writes (an `Option` adds nothing when `None`).
    pub fn writes<P: AsRef<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> Files {
        self.outputs.extend(
            paths
                .into_iter()
                .map(|p| p.as_ref().to_path_buf())
                .filter(|p| !is_std_stream(p)),
        );
        self
    }

    /// Refuses, with a usage error naming both paths, an output that is a folder, one of the
    /// inputs, inside an input folder, or another output; refuses an input that does not exist.
    pub fn check(&self) -> Result<()> {
        for input in &self.inputs {
            std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        }
        for (i, output) in self.outputs.iter().enumerate() {
            refuse_folder(output)?;
            for input in &self.inputs {
                if same_file(output, input) {
                    return Err(Error::config(format!(
                        "the output {} is the input {}: writing it would destroy the input; \
                         choose another output path",
                        output.display(),
                        input.display()
                    )));
                }
                if input.is_dir() && is_inside(output, input) {
                    return Err(Error::config(format!(
                        "the output {} is inside the input folder {}, so later runs would read \
                         it as input; write it somewhere else",
                        output.display(),
                        input.display()
                    )));
                }
            }
            if let Some(other) = self.outputs[..i].iter().find(|o| same_file(output, o)) {
                return Err(Error::config(format!(
                    "{} and {} are the same file, given for two different outputs; give each \
                     output its own path",
                    other.display(),
                    output.display()
                )));
            }
        }
        Ok(())
    }
}

fn is_std_stream(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// An output path must name a file: `/`, `.`, `dir/` or an existing folder cannot be one.
fn refuse_folder(output: &Path) -> Result<()> {
    let names_folder = output.file_name().is_none()
        || output
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::MAIN_SEPARATOR)
        || output.is_dir();
    if names_folder {
        return Err(Error::config(format!(
            "the output {} is a folder; give a file path (for a model, a prefix such as {}): the \
             extensions are added to it",
            output.display(),
            Path::new(output).join("model").display()
        )));
    }
    Ok(())
}

/// Whether `a` and `b` name the same file: the same device and inode when both exist, else the
/// same canonical path (the folder resolved, the file name kept).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return ma.dev() == mb.dev() && ma.ino() == mb.ino();
    }
    match (canonical(a), canonical(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Whether `path` lies below the folder `dir`.
fn is_inside(path: &Path, dir: &Path) -> bool {
    match (canonical(path), dir.canonicalize()) {
        (Some(path), Ok(dir)) => path.starts_with(dir),
        _ => false,
    }
}

/// `path` with its folder resolved (links, `..`), for a file that may not exist yet.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(resolved) = path.canonicalize() {
        return Some(resolved);
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(folder.canonicalize().ok()?.join(path.file_name()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_is_an_input_is_refused_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("data.txt");
        std::fs::write(&input, "text\n").unwrap();
        let by_other_name = dir.path().join(".").join("data.txt");
        let err = Files::new()
            .reads([&input])
            .writes([&by_other_name])
            .check()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
        assert!(err.to_string().contains("data.txt"), "{err}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.txt");
            std::fs::hard_link(&input, &link).unwrap();
            assert!(Files::new()
                .reads([&input])
                .writes([&link])
                .check()
                .is_err());
        }
        let fresh = dir.path().join("out.txt");
        Files::new()
            .reads([&input])
            .writes([&fresh])
            .check()
            .unwrap();
    }

    #[test]
    fn folders_missing_inputs_and_repeated_outputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.txt");
        for folder in [Path::new("/"), Path::new("."), dir.path()] {
            assert!(Files::new().writes([folder]).check().is_err(), "{folder:?}");
        }
        let inside = Files::new().reads([dir.path()]).writes([&out]);
        assert!(inside.check().is_err());
        let missing = Files::new().reads([dir.path().join("nope")]).writes([&out]);
        assert!(matches!(missing.check(), Err(Error::Io { .. })));
        assert!(Files::new().writes([&out, &out]).check().is_err());
        Files::new().reads(["-"]).writes(["-"]).check().unwrap();
    }
}
