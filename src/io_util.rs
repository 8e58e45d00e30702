//! Small file helpers shared by every writer: atomic writes through a temporary file.

use crate::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Creates a temporary file next to `path`; call [`AtomicFile::commit`] to rename it into place.
/// Dropping it without committing removes the temporary file, so a crash or an error never leaves
/// half a file under the final name, and an existing file there survives.
pub struct AtomicFile {
    file: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(Error::input(
                path,
                None,
                format!(
                    "the folder {} does not exist; create it first or choose another output path",
                    dir.display()
                ),
            ));
        }
        let file = tempfile::Builder::new()
            .prefix(".blazetext-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::io(path, e))?;
        Ok(AtomicFile {
            file,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and renames the temporary file to the final name.
    pub fn commit(mut self) -> Result<()> {
        self.file.flush().map_err(|e| Error::io(&self.path, e))?;
        // Temporary files are created private (0600); a model or output file is an ordinary
        // file that others on the machine may read, like one written by `cp` or fastText.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let readable = std::fs::Permissions::from_mode(0o644);
            std::fs::set_permissions(self.file.path(), readable)
                .map_err(|e| Error::io(&self.path, e))?;
        }
        self.file
            .persist(&self.path)
            .map_err(|e| Error::io(&self.path, e.error))?;
        Ok(())
    }
}

impl AtomicFile {
    /// Truncates or extends the file (after seeking past a final run of zeros, see
    /// `io::fasttext::write_f32s`).
    pub fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.file.as_file().set_len(len)
    }
}

/// Seeking past zeros instead of writing them leaves holes: sparse model files.
impl std::io::Seek for AtomicFile {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.file.seek(pos)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.txt");
        write_atomic(&path, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.write_all(b"half").unwrap();
            // Dropped without commit, as when an error interrupts a writer.
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let err = write_atomic(Path::new("/no/such/dir/model.bin"), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }
}
