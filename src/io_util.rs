//! Small file helpers shared by every reader and writer: atomic writes through temporary files
//! that are synced to disk before they are renamed (one file with [`AtomicFile`], several
//! renamed together with [`AtomicFileSet`]), the [`OutputRule`] that keeps a call from writing
//! over its inputs, and whole-file reads that refuse devices, pipes and files larger than the
//! caller's limit.

use crate::{Error, Result};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Temporary files are `.blazetext-<random>.tmp` in the folder of the file they become.
const TEMP_PREFIX: &str = ".blazetext-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file untouched for this long was left by a run that was killed: a live writer
/// keeps writing to its files and renames a finished set within seconds.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// Removes the temporary files that killed runs left in `dir`: only names of our own pattern,
/// only regular files, only those untouched for [`STALE_AFTER`]. Done once per folder and
/// process; best effort, since a file that cannot be removed harms nothing.
fn remove_stale_temporaries(dir: &Path) {
    static CLEANED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
    if cleaned.iter().any(|d| d == dir) {
        return;
    }
    cleaned.push(dir.to_path_buf());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(|n| {
            n.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
                && n.starts_with(TEMP_PREFIX)
                && n.ends_with(TEMP_SUFFIX)
        });
        let stale = entry.metadata().is_ok_and(|m| {
            m.is_file()
                && m.modified()
                    .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > STALE_AFTER))
        });
        if ours && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Creates a temporary file next to `path`; call [`AtomicFile::commit`] to rename it into place.
/// Dropping it without committing removes the temporary file, so a crash or an error never leaves
/// half a file under the final name, and an existing file there survives.
///
/// The temporary file is flushed and synced to disk before the rename, and the folder after it,
/// so that after a power cut the final name holds either the old file or the whole new one.
pub struct AtomicFile {
    file: tempfile::NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// Opens a temporary file in the folder of `path` (which must exist).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = parent_dir(path);
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
        remove_stale_temporaries(dir);
        let file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(dir)
            .map_err(|e| Error::io(path, e))?;
        Ok(AtomicFile {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Truncates or extends the file (after seeking past a final run of zeros, see
    /// `io::fasttext::write_f32s`).
    pub fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.file.as_file().set_len(len)
    }

    /// Flushes, syncs and renames the temporary file to the final name.
    pub fn commit(mut self) -> Result<()> {
        self.seal()?;
        let path = self.path.clone();
        self.rename()?;
        sync_dir(parent_dir(&path)).map_err(|e| Error::io(&path, e))
    }

    /// Everything a commit does before the rename: afterwards the temporary file is complete
    /// on disk.
    fn seal(&mut self) -> Result<()> {
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
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(&self.path, e))
    }

    fn rename(self) -> Result<()> {
        self.file
            .persist(&self.path)
            .map_err(|e| Error::io(&self.path, e.error))?;
        Ok(())
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

/// Several [`AtomicFile`]s committed together, for commands that write more than one file (a
/// model, its `.vec` and its manifest): [`commit`](Self::commit) first syncs every temporary
/// file, and renames them only when all of them are complete on disk. An error while writing
/// or syncing any of them (a full disk, a cancelled run) therefore leaves every final name as
/// it was; dropping the set without committing removes all the temporary files.
///
/// Use: create each file with [`AtomicFile::create`] and write it, or take it from a model
/// writer's staged form (`FastTextFile::stage`, `word2vec::stage_text`, `Manifest::stage`,
/// `io::stage`), [`push`](Self::push) it, and [`commit`](Self::commit) the set once everything
/// is written.
#[derive(Default)]
pub struct AtomicFileSet {
    files: Vec<AtomicFile>,
}

impl AtomicFileSet {
    /// An empty set.
    pub fn new() -> AtomicFileSet {
        AtomicFileSet::default()
    }

    /// Adds a written (not yet committed) file to the set.
    pub fn push(&mut self, file: AtomicFile) {
        self.files.push(file);
    }

    /// Syncs every temporary file, then renames each into place and syncs their folders.
    ///
    /// Renames within one folder practically never fail once the files are written; if one
    /// does, the files renamed before it keep their new content and the rest are left as they
    /// were (the error names the file).
    pub fn commit(mut self) -> Result<()> {
        for file in &mut self.files {
            file.seal()?;
        }
        let mut dirs: Vec<PathBuf> = Vec::new();
        for file in self.files {
            let dir = parent_dir(&file.path).to_path_buf();
            let path = file.path.clone();
            file.rename()?;
            if !dirs.contains(&dir) {
                sync_dir(&dir).map_err(|e| Error::io(&path, e))?;
                dirs.push(dir);
            }
        }
        Ok(())
    }
}

/// The folder `path` is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes a rename in `dir` durable. Some file systems cannot sync a folder; that only weakens
/// durability after a power cut, so it is not an error.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    use std::io::ErrorKind;
    match File::open(dir).and_then(|d| d.sync_all()) {
        Err(e) if !matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::Unsupported) => Err(e),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.commit()
}

/// Reads the whole of `path`, which must be a regular file of at most `limit` bytes; `what`
/// names the file in errors ("a manifest"). Devices (`/dev/zero`), pipes and folders are refused
/// with an [`Error::Input`] before anything is read, so a wrong path can never make a reader
/// run until memory is exhausted; the memory for the content is reserved fallibly.
pub fn read_regular_file(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    // Look before opening: opening a named pipe blocks until something writes to it.
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a folder"
        } else {
            "a device, pipe or socket"
        };
        return Err(Error::input(
            path,
            None,
            format!("this is {kind}, not a file; {what} must be a regular file: check the path"),
        ));
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len > limit {
        return Err(Error::input(
            path,
            None,
            format!(
                "the file has {len} bytes, more than the {limit} bytes {what} can have; check \
                 that this is the right file"
            ),
        ));
    }
    let mut bytes = Vec::new();
    let size = usize::try_from(len).unwrap_or(usize::MAX);
    bytes
        .try_reserve_exact(size)
        .map_err(|_| Error::input(path, None, out_of_memory(len)))?;
    // The file may grow while it is read; never read past the limit.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::input(
            path,
            None,
            format!("the file grew past the {limit} bytes {what} can have while it was read"),
        ));
    }
    Ok(bytes)
}

// ---------------------------------------------------------------------------------------------
// The output rule.
/// The output rule every front end applies before any work: what a call reads and writes,
/// checked by [`OutputRule::check`]. An output that is one of the inputs (the same device and
/// inode, or the same canonical path), lies inside an input folder, repeats another output or
/// names a folder (`/`, `.`, `models/`) is an [`Error::Config`] naming both paths; an input
/// that does not exist is an [`Error::Io`], so that a missing evaluation file stops a run
/// before training. `-` (standard input or output) is neither.
///
/// ```
/// use blazetext::OutputRule;
/// let dir = tempfile::tempdir()?;
/// let input = dir.path().join("corpus.txt");
/// std::fs::write(&input, "text\n")?;
/// assert!(OutputRule::new().reads([&input]).writes([&input]).check().is_err());
/// OutputRule::new().reads([&input]).writes([dir.path().join("out.txt")]).check()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct OutputRule {
    inputs: Vec<PathBuf>,
    outputs: Vec<PathBuf>,
}

impl OutputRule {
    /// A rule with nothing read or written yet.
    pub fn new() -> OutputRule {
        OutputRule::default()
    }

    /// Files or folders the command reads (an `Option` adds nothing when `None`).
    pub fn reads<P: AsRef<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> OutputRule {
        self.inputs.extend(
            paths
                .into_iter()
                .map(|p| p.as_ref().to_path_buf())
                .filter(|p| !is_std_stream(p)),
        );
        self
    }

    /// Files the command writes (an `Option` adds nothing when `None`).
    pub fn writes<P: AsRef<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> OutputRule {
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
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
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

/// The largest settings file read whole (a pipeline configuration, which may carry a Hugging
/// Face tokenizer and a spelling map; a tokenizer; hyperparameters; class weights; a
/// vocabulary list).
pub const MAX_SETTINGS_BYTES: u64 = 256 << 20;

/// [`read_regular_file`] for a text file that must be UTF-8.
pub fn read_regular_text(path: &Path, limit: u64, what: &str) -> Result<String> {
    String::from_utf8(read_regular_file(path, limit, what)?).map_err(|e| {
        Error::input(
            path,
            None,
            format!(
                "is not UTF-8 text (invalid byte at offset {}); {what} must be a UTF-8 text file",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// The message for a reservation of `bytes` that the allocator refused.
pub(crate) fn out_of_memory(bytes: u64) -> String {
    format!(
        "loading it needs {:.1} GB of memory, more than is available; free memory or use a \
         machine with more",
        bytes as f64 / 1e9
    )
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
    fn stale_temporaries_of_killed_runs_are_removed_by_the_next_save() {
        let dir = tempfile::tempdir().unwrap();
        let old = SystemTime::now() - 2 * STALE_AFTER;
        let stale = dir.path().join(".blazetext-killed.tmp");
        let fresh = dir.path().join(".blazetext-running.tmp");
        let other = dir.path().join(".other-killed.tmp");
        for path in [&stale, &fresh, &other] {
            std::fs::write(path, b"partial").unwrap();
        }
        for path in [&stale, &other] {
            File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        write_atomic(&dir.path().join("model.bin"), b"new").unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists(), "a live run's temporary file is kept");
        assert!(other.exists(), "only our own pattern is removed");
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let err = write_atomic(Path::new("/no/such/dir/model.bin"), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[test]
    fn a_set_renames_nothing_until_every_file_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.bin"), dir.path().join("a.json"));
        write_atomic(&a, b"old a").unwrap();
        {
            let mut set = AtomicFileSet::new();
            let mut file = AtomicFile::create(&a).unwrap();
            file.write_all(b"new a").unwrap();
            set.push(file);
            // The second file fails (its folder is missing): the set is dropped uncommitted.
            assert!(AtomicFile::create(&dir.path().join("no/a.json")).is_err());
        }
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        let mut set = AtomicFileSet::new();
        for (path, text) in [(&a, "new a"), (&b, "new b")] {
            let mut file = AtomicFile::create(path).unwrap();
            file.write_all(text.as_bytes()).unwrap();
            set.push(file);
        }
        set.commit().unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn whole_file_reads_refuse_devices_folders_and_large_files() {
        let e = read_regular_file(Path::new("/dev/zero"), 1 << 20, "a manifest").unwrap_err();
        assert!(
            e.to_string()
                .contains("a device, pipe or socket, not a file"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular_file(dir.path(), 1 << 20, "a manifest").unwrap_err();
        assert!(e.to_string().contains("this is a folder"), "{e}");
        let fifo = dir.path().join("pipe.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo failed");
        // Opening the pipe would block until something writes to it.
        let e = read_regular_file(&fifo, 1 << 20, "a manifest").unwrap_err();
        assert!(e.to_string().contains("a device, pipe or socket"), "{e}");
        let path = dir.path().join("m.json");
        std::fs::write(&path, b"0123456789").unwrap();
        let e = read_regular_file(&path, 9, "a manifest").unwrap_err();
        assert!(e.to_string().contains("more than the 9 bytes"), "{e}");
        assert_eq!(
            read_regular_file(&path, 10, "a manifest").unwrap(),
            b"0123456789"
        );
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("data.txt");
        std::fs::write(&input, "text\n").unwrap();
        let by_other_name = dir.path().join(".").join("data.txt");
        let err = OutputRule::new()
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
            assert!(OutputRule::new()
                .reads([&input])
                .writes([&link])
                .check()
                .is_err());
        }
        let fresh = dir.path().join("out.txt");
        OutputRule::new()
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
            assert!(
                OutputRule::new().writes([folder]).check().is_err(),
                "{folder:?}"
            );
        }
        let inside = OutputRule::new().reads([dir.path()]).writes([&out]);
        assert!(inside.check().is_err());
        let missing = OutputRule::new()
            .reads([dir.path().join("nope")])
            .writes([&out]);
        assert!(matches!(missing.check(), Err(Error::Io { .. })));
        assert!(OutputRule::new().writes([&out, &out]).check().is_err());
        OutputRule::new()
            .reads(["-"])
            .writes(["-"])
            .check()
            .unwrap();
    }
}
