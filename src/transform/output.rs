//! The output file of one input: written as `<name>.out.partial`, a chunk of whole records at a
//! time, then synced and renamed to `<name>.out`; a later run can resume the partial file after
//! its last complete record.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// An output being written.
#[derive(Debug)]
pub(super) struct PartialOutput {
    file: File,
    partial: PathBuf,
    finished: PathBuf,
}

impl PartialOutput {
    /// Starts `finished` afresh: an empty partial file beside it.
    pub fn create(finished: &Path) -> Result<PartialOutput> {
        let partial = partial_path(finished);
        let file = File::create(&partial).map_err(|e| Error::io(&partial, e))?;
        Ok(PartialOutput {
            file,
            partial,
            finished: finished.to_path_buf(),
        })
    }

    /// Continues the partial file of `finished`, or starts one when there is none: a torn last
    /// line is cut off. Returns the output and how many complete records (lines) it holds.
    pub fn resume(finished: &Path) -> Result<(PartialOutput, u64)> {
        let partial = partial_path(finished);
        let mut file = match OpenOptions::new().read(true).write(true).open(&partial) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((PartialOutput::create(finished)?, 0))
            }
            Err(e) => return Err(Error::io(&partial, e)),
        };
        let (records, complete_bytes) = count_lines(&file).map_err(|e| Error::io(&partial, e))?;
        file.set_len(complete_bytes)
            .and_then(|()| file.seek(SeekFrom::End(0)))
            .map_err(|e| Error::io(&partial, e))?;
        let output = PartialOutput {
            file,
            partial,
            finished: finished.to_path_buf(),
        };
        Ok((output, records))
    }

    /// The partial file's path.
    pub fn partial_path(&self) -> &Path {
        &self.partial
    }

    /// Appends whole records, so that a kill leaves at most one torn line.
    pub fn append(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(|e| Error::io(&self.partial, e))
    }

    /// Syncs the partial file and renames it to the final name.
    pub fn finish(self) -> Result<()> {
        self.file
            .sync_all()
            .map_err(|e| Error::io(&self.partial, e))?;
        std::fs::rename(&self.partial, &self.finished).map_err(|e| Error::io(&self.finished, e))?;
        // Makes the rename durable; a folder that cannot be synced only weakens that.
        if let Some(dir) = self.finished.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

/// `<output>.partial`.
pub(super) fn partial_path(finished: &Path) -> PathBuf {
    let mut name = finished.as_os_str().to_os_string();
    name.push(".partial");
    PathBuf::from(name)
}

/// The number of complete lines in a file and the bytes they take (a torn last line excluded).
pub(super) fn count_lines(file: &File) -> std::io::Result<(u64, u64)> {
    let mut reader = BufReader::with_capacity(1 << 16, file);
    reader.seek(SeekFrom::Start(0))?;
    let (mut lines, mut complete, mut offset) = (0u64, 0u64, 0u64);
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok((lines, complete));
        }
        for newline in memchr::memchr_iter(b'\n', buffer) {
            lines += 1;
            complete = offset + newline as u64 + 1;
        }
        let read = buffer.len();
        offset += read as u64;
        reader.consume(read);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_cuts_a_torn_line_and_counts_records() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a.txt.out");
        std::fs::write(partial_path(&out), "{\"a\":1}\n{\"a\":2}\n{\"a\"").unwrap();
        let (mut output, done) = PartialOutput::resume(&out).unwrap();
        assert_eq!(done, 2);
        output.append(b"{\"a\":3}\n").unwrap();
        output.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n"
        );
        assert!(!partial_path(&out).exists());
    }

    #[test]
    fn resume_without_a_partial_file_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("b.out");
        let (output, done) = PartialOutput::resume(&out).unwrap();
        assert_eq!(done, 0);
        assert_eq!(output.partial_path(), partial_path(&out));
        output.finish().unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"");
    }

    #[test]
    fn create_truncates_an_old_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("c.out");
        std::fs::write(partial_path(&out), "old\n").unwrap();
        let mut output = PartialOutput::create(&out).unwrap();
        output.append(b"new\n").unwrap();
        output.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new\n");
    }
}
