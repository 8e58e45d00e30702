//! Reading text corpora: files, directories, `-` for stdin, `.gz` files. Input is read in chunks
//! of whole lines, mapped in parallel and handed back in order, so lines of any length cost linear
//! time and memory stays bounded by a few chunks per thread.

use crate::events::Reporter;
use crate::{Error, Result};
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

/// Target size of a chunk; a chunk grows beyond it only to finish its last line.
const CHUNK_BYTES: usize = 4 << 20;
/// How much of the start of a file is checked for NUL bytes.
const SNIFF_BYTES: usize = 8 << 10;

/// One input of a corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn display_path(&self) -> PathBuf {
        match self {
            Input::File(p) => p.clone(),
            Input::Stdin => PathBuf::from("<stdin>"),
        }
    }

    fn open(&self) -> Result<Box<dyn Read + Send>> {
        match self {
            Input::Stdin => Ok(Box::new(std::io::stdin())),
            Input::File(path) => {
                let file = File::open(path).map_err(|e| Error::io(path, e))?;
                if path.extension().is_some_and(|e| e == "gz") {
                    Ok(Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(
                        file,
                    ))))
                } else {
                    Ok(Box::new(file))
                }
            }
        }
    }
}

/// A run of whole lines from one input.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub source: Arc<PathBuf>,
    /// 1-based number of the chunk's first line within its input.
    pub first_line: u64,
    pub text: String,
}

impl Chunk {
    /// The chunk's lines with their 1-based numbers; `\n` and a trailing `\r` are removed.
    pub fn lines(&self) -> impl Iterator<Item = (u64, &str)> {
        let body = self.text.strip_suffix('\n').unwrap_or(&self.text);
        body.split('\n').enumerate().map(move |(i, line)| {
            (
                self.first_line + i as u64,
                line.strip_suffix('\r').unwrap_or(line),
            )
        })
    }
}

/// What reading a corpus found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReadStats {
    pub bytes: u64,
    pub lines: u64,
    /// Invalid UTF-8 sequences replaced by U+FFFD.
    pub invalid_utf8: u64,
}

/// A set of inputs read as one stream of lines.
#[derive(Debug, Clone)]
pub struct Corpus {
    inputs: Vec<Input>,
    /// Receives the warnings (skipped binary files, invalid UTF-8); its cancel flag is checked
    /// before every chunk.
    reporter: Reporter,
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// Every non-hidden file below `dir`, sorted. `visited` holds the folders already walked (by
/// their canonical path), so a symbolic link back to a parent folder is read once instead of
/// looping forever.
fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>, visited: &mut HashSet<PathBuf>) -> Result<()> {
    let canonical = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    if !visited.insert(canonical) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|e| Error::io(dir, e)))
        .collect::<Result<_>>()?;
    entries.sort();
    for path in entries {
        if is_hidden(&path) {
            continue;
        }
        if path.is_dir() {
            collect_dir(&path, out, visited)?;
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads the first block of a file (decompressed for `.gz`) and says whether it holds a NUL byte.
fn looks_binary(input: &Input) -> Result<bool> {
    let path = input.display_path();
    let mut reader = input.open()?;
    let mut block = vec![0u8; SNIFF_BYTES];
    let mut filled = 0;
    while filled < block.len() {
        match reader.read(&mut block[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_error(&path, e)),
        }
    }
    Ok(memchr::memchr(0, &block[..filled]).is_some())
}

fn read_error(path: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::InvalidInput || e.kind() == std::io::ErrorKind::InvalidData {
        Error::input(
            path,
            None,
            format!("could not be decompressed ({e}); is it really a gzip file?"),
        )
    } else {
        Error::io(path, e)
    }
}

fn binary_error(path: &Path) -> Error {
    Error::input(
        path,
        None,
        "looks like a binary file (it contains NUL bytes), not text; give a plain UTF-8 text file \
         (or .gz of one) with one document or sentence per line",
    )
}

impl Corpus {
    /// Opens `paths`: files, directories (every non-hidden file below, sorted; binary files are
    /// skipped with a warning) and `-` for standard input.
    pub fn open(paths: &[PathBuf], reporter: &Reporter) -> Result<Corpus> {
        if paths.is_empty() {
            return Err(Error::config(
                "no input given; name one or more files, directories, or - for stdin",
            ));
        }
        let mut inputs = Vec::new();
        for path in paths {
            if path.as_os_str() == "-" {
                inputs.push(Input::Stdin);
                continue;
            }
            let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
            if meta.is_dir() {
                let mut files = Vec::new();
                collect_dir(path, &mut files, &mut HashSet::new())?;
                let mut found = 0;
                for file in files {
                    let input = Input::File(file.clone());
                    if std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) == 0 {
                        continue;
                    }
                    if looks_binary(&input)? {
                        reporter.warn(format!(
                            "skipping {}: it looks like a binary file",
                            file.display()
                        ));
                        continue;
                    }
                    inputs.push(input);
                    found += 1;
                }
                if found == 0 {
                    return Err(Error::input(
                        path,
                        None,
                        "the directory contains no non-empty text files; put .txt (or .gz) files in it or name files directly",
                    ));
                }
            } else {
                if meta.len() == 0 {
                    return Err(Error::input(
                        path,
                        None,
                        "the file is empty; give a file with at least one line of text",
                    ));
                }
                let input = Input::File(path.clone());
                if looks_binary(&input)? {
                    return Err(binary_error(path));
                }
                inputs.push(input);
            }
        }
        Ok(Corpus {
            inputs,
            reporter: reporter.clone(),
        })
    }

    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// [`Corpus::par_map_chunks_with`] without per-thread state.
    pub fn par_map_chunks<R: Send>(
        &self,
        map: impl Fn(&Chunk) -> R + Sync,
        consume: impl FnMut(R) -> Result<()>,
    ) -> Result<ReadStats> {
        self.par_map_chunks_with(|| (), |_, chunk| map(chunk), consume)
    }

    /// Reads every input in order in chunks of whole lines; `map` runs on the rayon pool with a
    /// per-thread state made by `init` (kept across chunks, e.g. a `Processor` with a warm stem
    /// cache), and `consume` receives the results in input order. Invalid UTF-8 is replaced by
    /// U+FFFD, counted, and reported once per input with the offset of its first bad byte.
    pub fn par_map_chunks_with<S: Send, R: Send>(
        &self,
        init: impl Fn() -> S + Sync,
        map: impl Fn(&mut S, &Chunk) -> R + Sync,
        consume: impl FnMut(R) -> Result<()>,
    ) -> Result<ReadStats> {
        self.par_map_chunks_with_states(init, map, consume)
            .map(|(stats, _)| stats)
    }

    /// Folds every chunk into per-thread states made by `init` and returns those states (one per
    /// thread that ran chunks, in no particular order) for the caller to combine once: cheaper
    /// than a result per chunk when the results are large tables merged by addition.
    pub fn par_fold_chunks<S: Send>(
        &self,
        init: impl Fn() -> S + Sync,
        fold: impl Fn(&mut S, &Chunk) + Sync,
    ) -> Result<(ReadStats, Vec<S>)> {
        self.par_map_chunks_with_states(init, fold, |()| Ok(()))
    }

    /// [`Corpus::par_map_chunks_with`], also returning the per-thread states (one per thread that
    /// ran chunks, in no particular order), for figures gathered per thread and combined once.
    pub fn par_map_chunks_with_states<S: Send, R: Send>(
        &self,
        init: impl Fn() -> S + Sync,
        map: impl Fn(&mut S, &Chunk) -> R + Sync,
        mut consume: impl FnMut(R) -> Result<()>,
    ) -> Result<(ReadStats, Vec<S>)> {
        let states: Mutex<Vec<S>> = Mutex::new(Vec::new());
        // Chunks read but not yet consumed: enough to keep every thread busy while this thread
        // reads ahead and consumes in order, few enough to bound memory. Chunks stream through
        // the pool without a barrier, so a slow chunk holds up no other thread.
        let window = 2 * rayon::current_num_threads().max(1) as u64 + 1;
        let mut stats = ReadStats::default();
        let (init, map, states_ref) = (&init, &map, &states);
        rayon::in_place_scope(|scope| -> Result<()> {
            let (tx, rx) = mpsc::channel::<(u64, std::thread::Result<R>)>();
            let mut order = InOrder {
                rx,
                ready: BTreeMap::new(),
                consumed: 0,
            };
            let mut sent = 0u64;
            for input in &self.inputs {
                let input_stats = read_chunks(input, &self.reporter, |chunk| {
                    self.reporter.check_cancelled()?;
                    while sent - order.consumed >= window {
                        order.settle(&mut consume)?;
                    }
                    let (tx, seq) = (tx.clone(), sent);
                    scope.spawn(move |_| {
                        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                            let taken = states_ref.lock().expect("state pool").pop();
                            let mut state = taken.unwrap_or_else(init);
                            let result = map(&mut state, &chunk);
                            states_ref.lock().expect("state pool").push(state);
                            result
                        }));
                        // The receiver is gone only when the run has already failed.
                        let _ = tx.send((seq, result));
                    });
                    sent += 1;
                    Ok(())
                })?;
                stats.bytes += input_stats.bytes;
                stats.lines += input_stats.lines;
                stats.invalid_utf8 += input_stats.invalid_utf8;
            }
            drop(tx);
            while order.consumed < sent {
                order.settle(&mut consume)?;
            }
            Ok(())
        })?;
        if stats.bytes == 0 {
            let names: Vec<String> = self
                .inputs
                .iter()
                .map(|i| i.display_path().display().to_string())
                .collect();
            return Err(Error::input(
                names.join(", "),
                None,
                "no text was read: the input is empty",
            ));
        }
        Ok((stats, states.into_inner().expect("state pool")))
    }

    /// Copies the whole corpus (decompressed, with invalid UTF-8 replaced) into one temporary
    /// file, for code that needs random access or several passes (stdin can be read only once).
    pub fn spool(&self) -> Result<SpooledCorpus> {
        let file =
            tempfile::NamedTempFile::new().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let path = file.path().to_path_buf();
        let mut writer = std::io::BufWriter::new(file.reopen().map_err(|e| Error::io(&path, e))?);
        let stats = self.par_map_chunks(
            |chunk| chunk.text.clone(),
            |text| {
                writer
                    .write_all(text.as_bytes())
                    .map_err(|e| Error::io(&path, e))?;
                if !text.ends_with('\n') {
                    writer.write_all(b"\n").map_err(|e| Error::io(&path, e))?;
                }
                Ok(())
            },
        )?;
        writer.flush().map_err(|e| Error::io(&path, e))?;
        Ok(SpooledCorpus { file, stats })
    }
}

/// Results of chunk jobs, which finish in any order, handed on in the order the chunks were read.
struct InOrder<R> {
    rx: mpsc::Receiver<(u64, std::thread::Result<R>)>,
    /// Results that arrived before their predecessors.
    ready: BTreeMap<u64, R>,
    consumed: u64,
}

impl<R> InOrder<R> {
    /// Waits for one result, then consumes every result that is next in order. A job's panic is
    /// raised again here.
    fn settle(&mut self, consume: &mut impl FnMut(R) -> Result<()>) -> Result<()> {
        let (seq, result) = self.receive();
        match result {
            Ok(r) => self.ready.insert(seq, r),
            Err(panic) => std::panic::resume_unwind(panic),
        };
        while let Some(r) = self.ready.remove(&self.consumed) {
            consume(r)?;
            self.consumed += 1;
        }
        Ok(())
    }

    fn receive(&self) -> (u64, std::thread::Result<R>) {
        let lost = "a chunk job ended without sending its result";
        if rayon::current_thread_index().is_none() {
            return self.rx.recv().expect(lost);
        }
        // On a pool thread (a caller inside `install`) blocking could starve the jobs queued on
        // this very thread: run them while waiting.
        loop {
            match self.rx.try_recv() {
                Ok(message) => return message,
                Err(mpsc::TryRecvError::Disconnected) => panic!("{lost}"),
                Err(mpsc::TryRecvError::Empty) => {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        match self.rx.recv_timeout(std::time::Duration::from_micros(200)) {
                            Ok(message) => return message,
                            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{lost}"),
                            Err(mpsc::RecvTimeoutError::Timeout) => {}
                        }
                    }
                }
            }
        }
    }
}

/// A corpus copied into one temporary file, removed when dropped.
pub struct SpooledCorpus {
    file: tempfile::NamedTempFile,
    pub stats: ReadStats,
}

impl SpooledCorpus {
    pub fn path(&self) -> &Path {
        self.file.path()
    }
}

/// The UTF-8 encoding of U+FEFF, which some editors put at the start of a text file.
const BYTE_ORDER_MARK: &[u8] = b"\xef\xbb\xbf";

/// Reads one input and calls `emit` with each chunk of whole lines.
fn read_chunks(
    input: &Input,
    reporter: &Reporter,
    mut emit: impl FnMut(Chunk) -> Result<()>,
) -> Result<ReadStats> {
    let path = Arc::new(input.display_path());
    let mut reader = input.open()?;
    let mut stats = ReadStats::default();
    let mut first_invalid: Option<u64> = None;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK_BYTES + 4096);
    let mut line_no = 1u64;
    let mut offset = 0u64;
    let mut eof = false;
    let mut checked_binary = matches!(input, Input::File(_));
    while !eof {
        // Fill to the target size, then keep reading until the buffer holds a line end. Only the
        // newly read bytes are searched, so one huge line costs linear time.
        let mut searched = 0;
        let cut = loop {
            if buf.len() >= CHUNK_BYTES {
                if let Some(pos) = memchr::memrchr(b'\n', &buf[searched..]) {
                    break searched + pos + 1;
                }
                searched = buf.len();
            }
            let start = buf.len();
            buf.resize(start + CHUNK_BYTES.max(buf.len() / 2), 0);
            let n = loop {
                match reader.read(&mut buf[start..]) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            let n = n.map_err(|e| read_error(&path, e))?;
            buf.truncate(start + n);
            if !checked_binary {
                // Standard input cannot be sniffed in advance; check its first block here.
                if memchr::memchr(0, &buf[..buf.len().min(SNIFF_BYTES)]).is_some() {
                    return Err(binary_error(&path));
                }
                checked_binary = true;
            }
            if n == 0 {
                eof = true;
                break buf.len();
            }
        };
        if cut == 0 {
            break;
        }
        let rest = buf.split_off(cut);
        let mut bytes = std::mem::replace(&mut buf, rest);
        // A UTF-8 byte-order mark is not text: left in, it would glue itself to the first
        // token, and the first line would lose its label.
        let mut base = offset;
        if offset == 0 && bytes.starts_with(BYTE_ORDER_MARK) {
            bytes.drain(..BYTE_ORDER_MARK.len());
            base += BYTE_ORDER_MARK.len() as u64;
        }
        let (text, invalid) = decode(bytes, &mut first_invalid, base);
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64
            + u64::from(!text.ends_with('\n'));
        stats.bytes += cut as u64;
        stats.lines += lines;
        stats.invalid_utf8 += invalid;
        let chunk = Chunk {
            source: Arc::clone(&path),
            first_line: line_no,
            text,
        };
        line_no += lines;
        offset += cut as u64;
        emit(chunk)?;
    }
    if let Some(at) = first_invalid {
        reporter.warn(format!(
            "{}: {} invalid UTF-8 sequence(s) replaced by U+FFFD; the first at byte offset {at}",
            path.display(),
            stats.invalid_utf8
        ));
    }
    Ok(stats)
}

/// Turns bytes into a `String`, replacing invalid UTF-8 and counting the replacements.
fn decode(bytes: Vec<u8>, first_invalid: &mut Option<u64>, base: u64) -> (String, u64) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, 0),
        Err(err) => {
            let bytes = err.into_bytes();
            let mut text = String::with_capacity(bytes.len());
            let mut invalid = 0;
            let mut pos = 0u64;
            for piece in bytes.utf8_chunks() {
                text.push_str(piece.valid());
                pos += piece.valid().len() as u64;
                if !piece.invalid().is_empty() {
                    first_invalid.get_or_insert(base + pos);
                    text.push(char::REPLACEMENT_CHARACTER);
                    invalid += 1;
                    pos += piece.invalid().len() as u64;
                }
            }
            (text, invalid)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(corpus: &Corpus) -> (Vec<(u64, String)>, ReadStats) {
        let mut out = Vec::new();
        let stats = corpus
            .par_map_chunks(
                |c| {
                    c.lines()
                        .map(|(n, l)| (n, l.to_string()))
                        .collect::<Vec<_>>()
                },
                |v| {
                    out.extend(v);
                    Ok(())
                },
            )
            .unwrap();
        (out, stats)
    }

    #[test]
    fn reads_lines_with_numbers_and_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "one\r\ntwo\n\nfour").unwrap();
        let (lines, stats) = lines_of(&Corpus::open(&[path], &Reporter::silent()).unwrap());
        assert_eq!(
            lines,
            [
                (1, "one".into()),
                (2, "two".into()),
                (3, "".into()),
                (4, "four".into())
            ]
        );
        assert_eq!(stats.lines, 4);
    }

    #[test]
    fn reads_gzip_and_directories_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"zipped line\n").unwrap();
        std::fs::write(dir.path().join("b.txt.gz"), gz.finish().unwrap()).unwrap();
        std::fs::write(dir.path().join("a.txt"), "plain line\n").unwrap();
        std::fs::write(dir.path().join(".hidden"), "skip me\n").unwrap();
        std::fs::write(dir.path().join("c.bin"), b"\0\x01\x02").unwrap();
        let (lines, _) =
            lines_of(&Corpus::open(&[dir.path().to_path_buf()], &Reporter::silent()).unwrap());
        let texts: Vec<_> = lines.into_iter().map(|(_, l)| l).collect();
        assert_eq!(texts, ["plain line", "zipped line"]);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_link_cycles_are_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a.txt"), "one line\n").unwrap();
        // Two cycles: each folder links back to the top.
        std::os::unix::fs::symlink(dir.path(), sub.join("up")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("again")).unwrap();
        let (lines, _) =
            lines_of(&Corpus::open(&[dir.path().to_path_buf()], &Reporter::silent()).unwrap());
        assert_eq!(lines.len(), 1);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bom.txt");
        std::fs::write(&path, b"\xef\xbb\xbf__label__a first\nsecond \xff\n").unwrap();
        let (lines, stats) = lines_of(&Corpus::open(&[path], &Reporter::silent()).unwrap());
        assert_eq!(lines[0], (1, "__label__a first".into()));
        assert_eq!(stats.invalid_utf8, 1);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.txt");
        std::fs::write(&path, b"ok\nbad \xff\xfe here\n").unwrap();
        let (lines, stats) = lines_of(&Corpus::open(&[path], &Reporter::silent()).unwrap());
        assert_eq!(lines[1].1, "bad \u{fffd}\u{fffd} here");
        assert_eq!(stats.invalid_utf8, 2);
    }

    #[test]
    fn huge_line_and_many_chunks_keep_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let long = "x".repeat(9 << 20);
        let mut text = String::new();
        for i in 0..200_000 {
            text.push_str(&format!("line {i}\n"));
        }
        text.push_str(&long);
        text.push('\n');
        text.push_str("last\n");
        std::fs::write(&path, &text).unwrap();
        let (lines, stats) = lines_of(&Corpus::open(&[path], &Reporter::silent()).unwrap());
        assert_eq!(lines.len(), 200_002);
        assert_eq!(lines[123_456], (123_457, "line 123456".into()));
        assert_eq!(lines[200_000].1.len(), 9 << 20);
        assert_eq!(lines[200_001], (200_002, "last".into()));
        assert_eq!(stats.bytes, text.len() as u64);
    }

    fn numbered_lines(dir: &Path, n: usize) -> PathBuf {
        let path = dir.join("numbers.txt");
        let text: String = (0..n).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn fold_returns_one_state_per_thread_at_most_and_sees_every_line() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::open(
            &[numbered_lines(dir.path(), 1_500_000)],
            &Reporter::silent(),
        )
        .unwrap();
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            // Called from inside the pool, so waiting for results must not block its workers.
            let (stats, states) = pool
                .install(|| {
                    corpus.par_fold_chunks(|| 0u64, |n, chunk| *n += chunk.lines().count() as u64)
                })
                .unwrap();
            assert!(
                !states.is_empty() && states.len() <= threads,
                "{}",
                states.len()
            );
            assert_eq!(states.iter().sum::<u64>(), 1_500_000);
            assert_eq!(stats.lines, 1_500_000);
        }
    }

    #[test]
    fn a_failing_consumer_stops_the_run_and_a_panicking_job_is_raised() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::open(
            &[numbered_lines(dir.path(), 1_500_000)],
            &Reporter::silent(),
        )
        .unwrap();
        let mut seen = 0;
        let err = corpus
            .par_map_chunks(
                |chunk| chunk.first_line,
                |_| {
                    seen += 1;
                    Err(Error::config("stop"))
                },
            )
            .unwrap_err();
        assert_eq!((err.to_string().contains("stop"), seen), (true, 1));
        let panicked = std::panic::catch_unwind(AssertUnwindSafe(|| {
            corpus.par_map_chunks(|chunk| assert!(chunk.first_line == 1, "boom"), |()| Ok(()))
        }));
        assert!(panicked.is_err());
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = Corpus::open(&[dir.path().join("nope.txt")], &Reporter::silent())
            .unwrap_err()
            .to_string();
        assert!(missing.contains("nope.txt"), "{missing}");
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "").unwrap();
        assert!(Corpus::open(&[empty], &Reporter::silent())
            .unwrap_err()
            .to_string()
            .contains("empty"));
        let binary = dir.path().join("x.bin");
        std::fs::write(&binary, b"ELF\0\0\x01").unwrap();
        assert!(Corpus::open(&[binary], &Reporter::silent())
            .unwrap_err()
            .to_string()
            .contains("binary"));
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(Corpus::open(&[sub], &Reporter::silent())
            .unwrap_err()
            .to_string()
            .contains("no non-empty text files"));
    }

    #[test]
    fn spool_copies_everything() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        std::fs::write(&a, "first\nsecond").unwrap();
        std::fs::write(&b, "third\n").unwrap();
        let spooled = Corpus::open(&[a, b], &Reporter::silent())
            .unwrap()
            .spool()
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(spooled.path()).unwrap(),
            "first\nsecond\nthird\n"
        );
    }
}
