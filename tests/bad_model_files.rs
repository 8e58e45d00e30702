//! Model files that are corrupt, hostile or simply wrong: every loader answers with a typed
//! error that names the file and says what to do (exit code 1 in the binary), never with a
//! panic, an abort on allocation, a hang, or a model full of NaN. Each test is a regression
//! test for a defect found by issue 14 or by the fuzz targets in `fuzz/`.
//!
//! The files are built byte by byte here, so the tests depend only on the public API
//! (`blazetext::Model::load`) and the binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use blazetext::{Error, Model};
use predicates::prelude::*;

/// fastText's magic number and the version blazetext writes.
const MAGIC: i32 = 793_712_314;
const VERSION: i32 = 12;

/// The parts of a fastText `.bin`, each of which a test can spoil.
#[derive(Clone)]
struct Bin {
    /// dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate.
    args: [i32; 12],
    t: f64,
    /// size, nwords, nlabels as written in the dictionary header.
    sizes: [i32; 3],
    /// text, count, type (0 word, 1 label).
    entries: Vec<(&'static str, i64, u8)>,
    input: (i64, i64, Vec<f32>),
    output: (i64, i64, Vec<f32>),
}

const DIM: usize = 0;
const WORD_NGRAMS: usize = 5;
const LOSS: usize = 6;
const MODEL: usize = 7;
const BUCKET: usize = 8;
const MINN: usize = 9;
const MAXN: usize = 10;

impl Bin {
    /// A valid skip-gram model: 3 words, 3 buckets, dim 2, character n-grams of 2 to 3.
    fn skipgram() -> Bin {
        Bin {
            args: [2, 5, 5, 1, 5, 1, 2, 2, 3, 2, 3, 100],
            t: 1e-4,
            sizes: [3, 3, 0],
            entries: vec![("</s>", 9, 0), ("hello", 5, 0), ("world", 4, 0)],
            input: (6, 2, (0..12).map(|i| i as f32 / 10.0).collect()),
            output: (3, 2, vec![0.5; 6]),
        }
    }

    /// A valid classifier: 3 words, 2 labels, no buckets, dim 2.
    fn supervised() -> Bin {
        Bin {
            args: [2, 5, 5, 1, 5, 1, 3, 3, 0, 0, 0, 100],
            t: 1e-4,
            sizes: [5, 3, 2],
            entries: vec![
                ("</s>", 9, 0),
                ("good", 5, 0),
                ("bad", 4, 0),
                ("__label__pos", 3, 1),
                ("__label__neg", 2, 1),
            ],
            input: (3, 2, vec![0.25, -0.5, 1.0, 0.0, -1.0, 0.75]),
            output: (2, 2, vec![1.0, -1.0, -1.0, 1.0]),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        for v in [MAGIC, VERSION].iter().chain(&self.args) {
            b.extend(v.to_le_bytes());
        }
        b.extend(self.t.to_le_bytes());
        for v in self.sizes {
            b.extend(v.to_le_bytes());
        }
        b.extend(100i64.to_le_bytes()); // ntokens
        b.extend((-1i64).to_le_bytes()); // no pruning index
        for (text, count, kind) in &self.entries {
            b.extend(text.as_bytes());
            b.push(0);
            b.extend(count.to_le_bytes());
            b.push(*kind);
        }
        for (rows, cols, data) in [&self.input, &self.output] {
            b.push(0); // not quantized
            b.extend(rows.to_le_bytes());
            b.extend(cols.to_le_bytes());
            b.extend(data.iter().flat_map(|x| x.to_le_bytes()));
        }
        b
    }

    fn write(&self, dir: &Path, name: &str) -> PathBuf {
        write(dir, name, &self.bytes())
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Loads `path`, which must fail; returns the error after checking that its message names
/// the file.
fn load_error(path: &Path) -> Error {
    let e = Model::load(path).expect_err("a bad model file was accepted");
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        e.to_string().contains(name),
        "the error does not name {name}: {e}"
    );
    e
}

/// A [`load_error`] that must be an [`Error::Model`] whose message contains every one of
/// `parts`.
fn model_error(path: &Path, parts: &[&str]) {
    let e = load_error(path);
    assert!(matches!(e, Error::Model { .. }), "not Error::Model: {e:?}");
    let message = e.to_string();
    for part in parts {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
}

/// A [`load_error`] that must be an [`Error::Input`] at `line` whose message contains `part`.
fn input_error(path: &Path, line: u64, part: &str) {
    let e = load_error(path);
    match &e {
        Error::Input { line: l, .. } => assert_eq!(*l, Some(line), "{e}"),
        other => panic!("not Error::Input: {other:?}"),
    }
    assert!(e.to_string().contains(part), "`{part}` missing from: {e}");
}

#[test]
fn the_builders_make_valid_files() {
    let dir = tempfile::tempdir().unwrap();
    let v = Model::load(Bin::skipgram().write(dir.path(), "v.bin"))
        .unwrap()
        .into_word_vectors()
        .unwrap();
    assert_eq!((v.words().len(), v.dim()), (3, 2));
    let c = Model::load(Bin::supervised().write(dir.path(), "c.bin"))
        .unwrap()
        .into_classifier()
        .unwrap();
    assert_eq!(c.labels(), ["__label__pos", "__label__neg"]);
}

#[test]
fn a_25_byte_vec_claiming_10_to_the_12_values_is_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "huge.vec", b"1 1000000000000\nab 1 2\n");
    input_error(&path, 1, "the dimension is 1000000000000");
    let path = write(
        dir.path(),
        "wide.vec",
        b"10 60000\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\n",
    );
    input_error(&path, 1, "need at least 1200000 bytes");
    let path = write(dir.path(), "many.vec", b"1000000000000 2\nab 1 2\n");
    input_error(&path, 1, "more than the 2147483647 a model can have");
}

#[test]
fn header_products_that_overflow_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // 2^32 · 2^32 wraps to 0 in 64 bits.
    let path = write(dir.path(), "wrap.vec", b"4294967296 4294967296\nab 1 2\n");
    input_error(&path, 1, "more than the 2147483647");
    let path = write(dir.path(), "wrap2.vec", b"1 18446744073709551615\nab 1 2\n");
    input_error(&path, 1, "the dimension is 18446744073709551615");
    let mut w2v = b"2 4611686018427387904\n".to_vec();
    w2v.extend([b'a', b' ', 0x01, 0xff, 0x00, 0x80, 0x3f]);
    let path = write(dir.path(), "wrap.w2v", &w2v);
    input_error(&path, 1, "the dimension is 4611686018427387904");
    let mut w2v = b"1000 1000\n".to_vec();
    w2v.extend([b'a', b' ', 0x01, 0xff, 0x00, 0x80, 0x3f]);
    let path = write(dir.path(), "short.w2v", &w2v);
    model_error(&path, &["truncated", "1000 words of dimension 1000"]);
}

#[test]
fn bin_sizes_are_checked_against_the_file_length() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Bin::skipgram();
    bin.input.0 = 1 << 40;
    model_error(
        &bin.write(dir.path(), "rows.bin"),
        &["truncated", "input matrix"],
    );
    bin.input.0 = i64::MAX / 2;
    bin.input.1 = 4;
    model_error(
        &bin.write(dir.path(), "wrap.bin"),
        &["invalid input matrix size"],
    );
    // nwords + nlabels overflows 32 bits.
    let mut bin = Bin::supervised();
    bin.sizes = [3, i32::MAX, 4];
    model_error(
        &bin.write(dir.path(), "dict.bin"),
        &["inconsistent dictionary header"],
    );
    let mut bin = Bin::skipgram();
    bin.sizes = [1 << 30, 1 << 30, 0];
    model_error(
        &bin.write(dir.path(), "entries.bin"),
        &["dictionary entry 4 of 1073741824"],
    );
}

#[test]
fn impossible_args_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(usize, i32, &str)] = &[
        (MINN, 4, "minn (4) is larger than maxn (3)"),
        (WORD_NGRAMS, 0, "wordNgrams is 0"),
        (LOSS, 7, "unknown loss code 7"),
        (MODEL, 9, "unknown model code 9"),
        (DIM, -2, "dim is -2, but it cannot be negative"),
        (DIM, 0, "dim is 0"),
        (
            DIM,
            1 << 20,
            "dim is 1048576, but blazetext reads dimensions from 1 to 65536",
        ),
        (BUCKET, -1, "bucket is -1, but it cannot be negative"),
        (MAXN, -3, "maxn is -3"),
    ];
    for &(field, value, expected) in cases {
        let mut bin = Bin::skipgram();
        bin.args[field] = value;
        let path = bin.write(dir.path(), "args.bin");
        model_error(&path, &[expected, "fetch or write it again"]);
    }
    let mut bin = Bin::skipgram();
    bin.t = f64::NAN;
    model_error(
        &bin.write(dir.path(), "t.bin"),
        &["sampling threshold t is NaN"],
    );
}

#[test]
fn a_model_without_words_is_refused() {
    // An empty model would be accepted with any dimension, and queries allocate vectors of it.
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Bin::skipgram();
    bin.args[DIM] = 60_000;
    bin.args[BUCKET] = 0;
    bin.sizes = [0, 0, 0];
    bin.entries.clear();
    bin.input = (0, 60_000, Vec::new());
    bin.output = (0, 60_000, Vec::new());
    model_error(&bin.write(dir.path(), "empty.bin"), &["holds no words"]);
    let path = write(dir.path(), "empty.vec", b"0 60000\n");
    input_error(&path, 1, "0 words");
}

#[test]
fn a_classifier_without_labels_is_a_model_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Bin::supervised();
    bin.sizes = [3, 3, 0];
    bin.entries.truncate(3);
    bin.output = (0, 2, Vec::new());
    model_error(&bin.write(dir.path(), "nolabels.bin"), &["without labels"]);
}

#[test]
fn nan_and_infinity_are_refused_at_load_naming_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Bin::skipgram();
    bin.input.2[3] = f32::NAN;
    let path = bin.write(dir.path(), "word.bin");
    model_error(
        &path,
        &["row 1 of the input matrix (word `hello`)", "not finite"],
    );
    let mut bin = Bin::skipgram();
    bin.input.2[9] = f32::INFINITY;
    let path = bin.write(dir.path(), "bucket.bin");
    model_error(&path, &["row 4 of the input matrix (n-gram bucket 1)"]);

    // Classifiers keep their input matrix on disk until it is needed.
    let mut bin = Bin::supervised();
    bin.input.2[5] = f32::NEG_INFINITY;
    model_error(
        &bin.write(dir.path(), "cin.bin"),
        &["row 2 of the input matrix"],
    );
    let mut bin = Bin::supervised();
    bin.output.2[2] = f32::NAN;
    let path = bin.write(dir.path(), "cout.bin");
    model_error(
        &path,
        &["row 1 of the output matrix (label `__label__neg`)"],
    );

    let path = write(dir.path(), "nan.vec", b"2 2\na 1 2\nb NaN 4\n");
    input_error(&path, 3, "value 1 of `b` (`NaN`) is not finite");
    let path = write(dir.path(), "big.vec", b"2 2\na 1 2\nb 3 1e39\n");
    input_error(&path, 3, "value 2 of `b` (`1e39`) is not finite");

    let mut w2v = b"2 1\na ".to_vec();
    w2v.extend(1.0f32.to_le_bytes());
    w2v.extend(b"\nb ");
    w2v.extend(f32::NAN.to_le_bytes());
    w2v.push(b'\n');
    let path = write(dir.path(), "nan.w2v", &w2v);
    model_error(&path, &["the vector of `b` (word 2 of 2)", "not finite"]);
}

#[test]
fn a_manifest_that_is_a_device_or_a_folder_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let model = write(dir.path(), "zero.vec", b"1 2\nab 1 2\n");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.json")).unwrap();
    let e = Model::load(&model).unwrap_err().to_string();
    assert!(
        e.contains("zero.json") && e.contains("not a file") && e.contains("check the path"),
        "{e}"
    );
    let model = write(dir.path(), "dir.vec", b"1 2\nab 1 2\n");
    std::fs::create_dir(dir.path().join("dir.json")).unwrap();
    let e = Model::load(&model).unwrap_err().to_string();
    assert!(e.contains("dir.json") && e.contains("a folder"), "{e}");
}

#[test]
fn the_binary_exits_1_naming_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Bin::skipgram();
    bin.input.2[0] = f32::NAN;
    let cases = [
        bin.write(dir.path(), "nan.bin"),
        write(dir.path(), "huge.vec", b"1 1000000000000\nab 1 2\n"),
        write(dir.path(), "wrap.vec", b"4294967296 4294967296\nab 1 2\n"),
    ];
    for input in cases {
        let output = dir.path().join("out.vec");
        let name = input.file_name().unwrap().to_str().unwrap().to_string();
        Command::cargo_bin("blazetext")
            .unwrap()
            .arg("convert")
            .arg(&input)
            .arg(&output)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(name));
        assert!(!output.exists(), "convert wrote {}", output.display());
    }
}

#[test]
fn options_that_do_not_fit_the_bin_format_are_refused_before_training() {
    // 2^32 buckets used to be stored as 0 in the .bin: subwords silently off.
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "train.txt",
        b"__label__a hello world\n__label__b goodbye world\n",
    );
    let prefix = dir.path().join("model");
    for mode in ["supervised", "skipgram"] {
        Command::cargo_bin("blazetext")
            .unwrap()
            .args([
                "train",
                "--mode",
                mode,
                "--subwords",
                "--buckets",
                "4294967296",
                "-q",
            ])
            .arg("-o")
            .arg(&prefix)
            .arg(&input)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("--buckets 4294967296")
                    .and(predicate::str::contains("at most 2147483647")),
            );
        assert!(!dir.path().join("model.bin").exists());
    }
}
