//! Helpers shared by the integration tests: running the binary (or a peer) and checking how it
//! ended, skipping when a peer or the shared corpora are missing, writing inputs, parsing
//! outputs, and small deterministic data sets. Each test crate uses a subset of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use blazetext::format::Matrix;
use blazetext::format::{DictEntry, FastTextArgs, FastTextFile};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Running commands.

/// The `blazetext` binary of this build, ready for arguments.
pub fn blazetext() -> Command {
    Command::cargo_bin("blazetext").unwrap()
}

/// `blazetext train --mode <mode> <input> -o <prefix>`, ready for more options.
pub fn train(mode: &str, input: &Path, prefix: &Path) -> Command {
    let mut cmd = blazetext();
    cmd.args(["train", "--mode", mode])
        .arg(input)
        .arg("-o")
        .arg(prefix);
    cmd
}

/// What a command that succeeded printed.
pub struct Printed {
    /// Its standard output.
    pub stdout: String,
    /// Its standard error (warnings, notes, progress).
    pub stderr: String,
}

/// Runs `cmd`, asserts that it exits with 0 (showing what it printed otherwise) and returns
/// what it printed.
pub fn succeeds(cmd: &mut Command) -> Printed {
    let assert = cmd.assert().success();
    let out = assert.get_output();
    Printed {
        stdout: String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8"),
    }
}

/// Runs `cmd`, asserts that it succeeds and returns its standard output.
pub fn stdout(cmd: &mut Command) -> String {
    succeeds(cmd).stdout
}

/// Runs `blazetext <args…>`, asserts that it succeeds and returns its standard output.
pub fn run_ok(args: &[&str]) -> String {
    stdout(blazetext().args(args))
}

/// Runs `cmd`, asserts that it succeeds and parses its standard output as one JSON value.
pub fn stdout_json(cmd: &mut Command) -> serde_json::Value {
    let out = stdout(cmd);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {out}"))
}

/// Runs `cmd`, asserts that it fails with exit status `code` (1 runtime error, 2 usage error)
/// without a panic and that its standard error mentions each of `needles`; returns stderr.
pub fn fails(cmd: &mut Command, code: i32, needles: &[&str]) -> String {
    let assert = cmd.assert().code(code);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).expect("stderr is UTF-8");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    }
    stderr
}

// ---------------------------------------------------------------------------------------------
// Peers and data that may be missing: `None`, with a printed reason, skips the test.

/// The `fasttext` command-line program, when it is installed.
pub fn fasttext_cli() -> Option<&'static str> {
    let installed = std::process::Command::new("fasttext")
        .arg("help")
        .output()
        .is_ok();
    if installed {
        Some("fasttext")
    } else {
        println!("skipped: the fasttext CLI is not installed (apt-get install fasttext)");
        None
    }
}

/// A Python interpreter that has `module` installed: `$BLAZETEXT_PYTHON`, the project's `.venv`
/// (which `.ci/run` creates), or `python3`. `None`, with a printed reason, when none has it.
pub fn python_with(module: &str) -> Option<String> {
    let candidates = [
        std::env::var("BLAZETEXT_PYTHON").ok(),
        Some(concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python").to_string()),
        Some("python3".to_string()),
    ];
    let check =
        format!("import importlib.util as u, sys; sys.exit(u.find_spec('{module}') is None)");
    for python in candidates.into_iter().flatten() {
        // find_spec checks that the module is installed without importing it (slow).
        let found = std::process::Command::new(&python)
            .args(["-c", &check])
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(python);
        }
    }
    println!(
        "skipped: no Python with {module} (set BLAZETEXT_PYTHON, or run .ci/run to create .venv)"
    );
    None
}

/// Runs `script` with `python` and the arguments `args`, asserts that it succeeds and parses the
/// JSON it prints.
pub fn python_json<I, S>(python: &str, script: &str, args: I) -> serde_json::Value
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    stdout_json(Command::new(python).args(["-c", script]).args(args))
}

/// A file of the shared corpora beside the project (`../shared/corpora/<relative>`), when present.
pub fn shared_corpus(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        println!("skipped: {} is not present", path.display());
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Files.

/// The shipped sample of unlabelled documents (`corpora/sample-docs.txt`).
pub const SAMPLE_DOCS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-docs.txt");

/// Small, fast `topics train` settings for [`SAMPLE_DOCS`]: 5 topics, 3 epochs, one thread.
pub const FAST_TOPICS: &[&str] = &[
    "--num-topics",
    "5",
    "--epochs",
    "3",
    "--encoder-layers",
    "16,8",
    "--mini-batch-size",
    "64",
    "--threads",
    "1",
    "--quiet",
];

/// A fresh temporary folder, removed when the value is dropped.
pub fn temp_dir() -> TempDir {
    tempfile::tempdir().unwrap()
}

/// Writes `contents` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Writes `lines`, each ended by a newline, to `dir/name` and returns the path.
pub fn write_lines(dir: &Path, name: &str, lines: &[impl AsRef<str>]) -> PathBuf {
    let text: String = lines.iter().map(|l| format!("{}\n", l.as_ref())).collect();
    write(dir, name, text)
}

/// The path as `&str`, for argument lists of `&str`.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

/// Reads and parses a JSON file (a manifest, a report).
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Parsing outputs.

/// Each line of `text` parsed as one JSON value (JSON lines output).
pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Each line of `text` as the numbers between `separator`s (CSV, TSV).
pub fn number_rows(text: &str, separator: char) -> Vec<Vec<f64>> {
    text.lines()
        .map(|l| l.split(separator).map(|x| x.parse().unwrap()).collect())
        .collect()
}

/// Vectors printed one a line, values separated by white space, each after a word when
/// `with_word` (`fasttext print-word-vectors`) or alone (`print-sentence-vectors`).
pub fn vector_rows(text: &str, with_word: bool) -> Vec<Vec<f32>> {
    text.lines()
        .map(|l| {
            let values = l.split_whitespace().skip(usize::from(with_word));
            values.map(|x| x.parse().unwrap()).collect()
        })
        .collect()
}

/// The first word of each non-empty line: the answers of `nn` and `analogy`.
pub fn first_words(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            l.split(' ')
                .next()
                .filter(|w| !w.is_empty())
                .map(str::to_string)
        })
        .collect()
}

/// Reads a word2vec text file (`.vec`) by hand, checking the header's counts against the rows.
pub fn read_vec(path: &Path) -> Vec<(String, Vec<f32>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<usize> = lines
        .next()
        .unwrap()
        .split(' ')
        .map(|x| x.parse().unwrap())
        .collect();
    let rows: Vec<(String, Vec<f32>)> = lines
        .map(|l| {
            let mut parts = l.split(' ');
            let w = parts.next().unwrap().to_string();
            (w, parts.map(|x| x.parse().unwrap()).collect())
        })
        .collect();
    assert_eq!(rows.len(), header[0]);
    assert!(rows.iter().all(|(_, v)| v.len() == header[1]));
    rows
}

// ---------------------------------------------------------------------------------------------
// Deterministic data, so tests need no RNG crate.

/// A 64-bit linear congruential generator started at `seed`: each call returns the next state.
pub fn lcg(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state
    }
}

/// Deterministic pseudo-random floats in [-0.5, 0.5).
pub fn floats(n: usize, seed: u64) -> Vec<f32> {
    let mut next = lcg(seed);
    next();
    (0..n)
        .map(|_| ((next() >> 40) as f32 / (1u64 << 24) as f32) - 0.5)
        .collect()
}

/// Labelled lines of three topics (sports, tech, food), each with its own words plus shared
/// filler; line `i` is about topic `(i + offset) % 3`.
pub fn labelled_lines(n: usize, offset: usize) -> Vec<String> {
    let topics = [
        (
            "sports",
            ["goal", "match", "team", "score", "coach", "league"],
        ),
        (
            "tech",
            ["code", "chip", "software", "laptop", "server", "app"],
        ),
        (
            "food",
            ["pasta", "recipe", "oven", "sauce", "bread", "spice"],
        ),
    ];
    let filler = ["the", "a", "today", "new", "big", "with", "and", "report"];
    (0..n)
        .map(|i| {
            let j = i + offset;
            let (label, words) = &topics[j % 3];
            let mut line = format!("__label__{label}");
            for t in 0..6 {
                line.push(' ');
                line.push_str(filler[(j * 7 + t * 3) % filler.len()]);
                line.push(' ');
                line.push_str(words[(j / 3 + t * 5) % words.len()]);
            }
            line
        })
        .collect()
}

/// `lines` lines of 12 words where the words `a0`..`a7` only co-occur with each other, and
/// likewise `b0`..`b7`.
pub fn two_topic_lines(lines: usize) -> Vec<String> {
    let mut next = lcg(12345);
    (0..lines)
        .map(|i| {
            let group = if i % 2 == 0 { "a" } else { "b" };
            let words: Vec<String> = (0..12)
                .map(|_| format!("{group}{}", (next() >> 33) as usize % 8))
                .collect();
            words.join(" ")
        })
        .collect()
}

/// Writes [`two_topic_lines`] to `dir/corpus.txt` and returns the path.
pub fn two_topic_corpus(dir: &Path, lines: usize) -> PathBuf {
    write_lines(dir, "corpus.txt", &two_topic_lines(lines))
}

/// Dictionary entries for `words`, with decreasing counts from 100.
pub fn entries(words: &[&str]) -> Vec<DictEntry> {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| DictEntry {
            text: w.to_string(),
            count: 100 - i as u64,
        })
        .collect()
}

/// A blazetext-built skip-gram model with subwords (random rows).
pub fn synthetic_skipgram() -> FastTextFile {
    let words = entries(&["</s>", "the", "naïve", "café", "日本", "word"]);
    let (dim, bucket) = (8, 97);
    let rows = words.len() + bucket;
    FastTextFile {
        args: FastTextArgs {
            dim: dim as i32,
            bucket: bucket as i32,
            minn: 2,
            maxn: 4,
            ..FastTextArgs::default()
        },
        ntokens: 1234,
        input: Matrix::from_vec(rows, dim, floats(rows * dim, 1)),
        output: Matrix::from_vec(words.len(), dim, floats(words.len() * dim, 2)),
        words,
        labels: Vec::new(),
    }
}
