//! fastText `.bin` files: round trips, every bad-file case, and (when the `fasttext` CLI is
//! installed) compatibility in both directions, including out-of-vocabulary words built from
//! subword rows.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use blazetext::io::{
    fasttext::VERSION, word2vec, FastTextArgs, FastTextFile, Loss, ModelName, WordVectorModel,
};
use blazetext::matrix::Matrix;

use common::{entries, floats, synthetic_skipgram};

fn fasttext_cli() -> Option<&'static str> {
    let path = "/usr/bin/fasttext";
    if Path::new(path).exists() {
        Some(path)
    } else {
        eprintln!("skipping: the fasttext CLI is not installed (apt-get install fasttext)");
        None
    }
}

#[test]
fn round_trip_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.bin");
    let model = synthetic_skipgram();
    model.write(&path).unwrap();
    assert_eq!(FastTextFile::read(&path).unwrap(), model);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn supervised_round_trip_keeps_labels() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sup.bin");
    let words = entries(&["</s>", "good", "bad"]);
    let labels = entries(&["__label__pos", "__label__neg"]);
    let rows = words.len() + 11;
    let model = FastTextFile {
        args: FastTextArgs {
            dim: 3,
            bucket: 11,
            minn: 0,
            maxn: 0,
            word_ngrams: 2,
            model: ModelName::Supervised,
            loss: Loss::Softmax,
            ..FastTextArgs::default()
        },
        ntokens: 9,
        input: Matrix::from_vec(rows, 3, floats(rows * 3, 3)),
        output: Matrix::from_vec(2, 3, floats(6, 4)),
        words,
        labels,
    };
    model.write(&path).unwrap();
    assert_eq!(FastTextFile::read(&path).unwrap(), model);
}

#[test]
fn writer_refuses_inconsistent_shapes_and_missing_folders() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = synthetic_skipgram();
    model.input = Matrix::zeros(5, 8);
    let e = model
        .write(&dir.path().join("m.bin"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("input matrix is 5x8"), "{e}");
    let e = synthetic_skipgram()
        .write(&dir.path().join("no/such/dir/m.bin"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not exist"), "{e}");
}

fn written() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.bin");
    synthetic_skipgram().write(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (dir, path, bytes)
}

fn read_err(path: &Path, bytes: &[u8]) -> String {
    std::fs::write(path, bytes).unwrap();
    FastTextFile::read(path).unwrap_err().to_string()
}

#[test]
fn truncated_files_report_expected_and_actual_size() {
    let (_dir, path, bytes) = written();
    // Cut inside the input matrix, inside the dictionary and inside the args block.
    for cut in [bytes.len() - 5, 120, 30] {
        let e = read_err(&path, &bytes[..cut]);
        assert!(e.contains("truncated"), "cut at {cut}: {e}");
        assert!(
            e.contains(&format!("the file has {cut} bytes")),
            "cut at {cut}: {e}"
        );
    }
    let e = read_err(&path, &bytes[..bytes.len() - 5]);
    assert!(e.contains("needs at least"), "{e}");
}

#[test]
fn other_versions_are_refused() {
    let (_dir, path, mut bytes) = written();
    bytes[4..8].copy_from_slice(&13i32.to_le_bytes());
    let e = read_err(&path, &bytes);
    assert!(e.contains("version 13 is not supported"), "{e}");
    assert_eq!(VERSION, 12);
}

#[test]
fn quantized_models_are_refused() {
    let (_dir, path, mut bytes) = written();
    // The quant flag sits right before the input matrix header (rows, cols as i64).
    let model = synthetic_skipgram();
    let matrix_bytes = |m: &Matrix| 1 + 16 + m.as_slice().len() * 4;
    let quant_at = bytes.len() - matrix_bytes(&model.output) - matrix_bytes(&model.input);
    assert_eq!(bytes[quant_at], 0);
    bytes[quant_at] = 1;
    let e = read_err(&path, &bytes);
    assert!(e.contains("quantized") && e.contains(".ftz"), "{e}");
}

#[test]
fn other_formats_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.bin");
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"2 3\na 1 2 3\nb 4 5 6\n".to_vec(), "word2vec text file"),
        (vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], "gzip"),
        (b"{\"format\": \"blazetext-manifest\"}".to_vec(), "JSON"),
        (
            [&40u64.to_le_bytes()[..], b"{\"w\":{\"dtype\":\"F32\"}}"].concat(),
            "safetensors",
        ),
        (Vec::new(), "empty file"),
        (
            b"\x00\x01\x02\x03garbage".to_vec(),
            "not a format blazetext knows",
        ),
    ];
    for (bytes, want) in cases {
        let e = read_err(&path, &bytes);
        assert!(
            e.contains("not a fastText .bin model") && e.contains(want),
            "{want}: {e}"
        );
    }
    // word2vec binary written by us.
    let w2v = dir.path().join("v.w2v");
    word2vec::write_binary(
        &w2v,
        &["a", "b"],
        &Matrix::from_vec(2, 2, vec![0.5, 1.5, -2.0, 7.25]),
    )
    .unwrap();
    let e = FastTextFile::read(&w2v).unwrap_err().to_string();
    assert!(e.contains("word2vec binary"), "{e}");
}

#[test]
fn corrupt_dictionary_is_reported() {
    let (_dir, path, mut bytes) = written();
    // Dictionary header starts after magic, version and the 56-byte args block.
    let at = 8 + 56;
    bytes[at..at + 4].copy_from_slice(&(-3i32).to_le_bytes());
    let e = read_err(&path, &bytes);
    assert!(e.contains("inconsistent dictionary header"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Compatibility with the fastText CLI.

/// A small corpus with non-ASCII words, so that subword hashing of multi-byte characters
/// is exercised.
fn corpus(path: &Path) {
    let vocab = [
        "the", "cat", "sat", "on", "mat", "naïve", "café", "über", "日本", "東京", "dog", "ran",
        "fast", "slow", "and", "ça",
    ];
    let mut s = 7u64;
    let mut text = String::new();
    for _ in 0..400 {
        for j in 0..12 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if j > 0 {
                text.push(' ');
            }
            text.push_str(vocab[(s >> 33) as usize % vocab.len()]);
        }
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// Parses `fasttext print-word-vectors` / `print-sentence-vectors` output (one line per input
/// line; a word then values, or just values).
fn parse_vectors(out: &[u8], with_word: bool) -> Vec<Vec<f32>> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            let parts = l.split_whitespace().skip(usize::from(with_word));
            parts.map(|x| x.parse().unwrap()).collect()
        })
        .collect()
}

fn run_with_stdin(cmd: &mut Command, input: &str) -> Vec<u8> {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{cmd:?} failed");
    out.stdout
}

fn assert_close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (x, y) in a.iter().zip(b) {
        // fastText prints 5 significant digits.
        assert!(
            (x - y).abs() <= 1e-4 + 1e-4 * y.abs(),
            "{what}: {a:?} vs {b:?}"
        );
    }
}

const QUERY_WORDS: [&str; 7] = ["the", "naïve", "日本", "ça", "naïveté", "東京都", "xyzzy"];

fn check_word_vectors(fasttext: &str, bin: &Path, model: &WordVectorModel) {
    let out = run_with_stdin(
        Command::new(fasttext).arg("print-word-vectors").arg(bin),
        &QUERY_WORDS.join("\n"),
    );
    let theirs = parse_vectors(&out, true);
    assert_eq!(theirs.len(), QUERY_WORDS.len());
    for (w, v) in QUERY_WORDS.iter().zip(&theirs) {
        assert_close(&model.word_vector(w).unwrap(), v, w);
    }
}

#[test]
fn fasttext_bin_loads_with_identical_vectors() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("corpus.txt");
    corpus(&text);
    let prefix = dir.path().join("ft");
    let status = Command::new(fasttext)
        .args(["skipgram", "-input"])
        .arg(&text)
        .arg("-output")
        .arg(&prefix)
        .args([
            "-dim", "10", "-minn", "2", "-maxn", "4", "-bucket", "5000", "-epoch", "1",
        ])
        .args(["-minCount", "1", "-thread", "1", "-verbose", "0"])
        .status()
        .unwrap();
    assert!(status.success());
    let bin = prefix.with_extension("bin");
    let file = FastTextFile::read(&bin).unwrap();
    assert_eq!(file.args.model, ModelName::Skipgram);
    assert_eq!(
        (file.args.minn, file.args.maxn, file.args.bucket),
        (2, 4, 5000)
    );
    assert_eq!(file.words[0].text, "</s>");
    // Our writer reproduces fastText's file byte for byte.
    let again = dir.path().join("again.bin");
    file.write(&again).unwrap();
    assert_eq!(std::fs::read(&bin).unwrap(), std::fs::read(&again).unwrap());

    let model = WordVectorModel::load(&bin).unwrap();
    // In-vocabulary and out-of-vocabulary (subword-only) words, ASCII and not.
    check_word_vectors(fasttext, &bin, &model);

    // The .vec fastText wrote holds the same vectors as our vocabulary vectors.
    let vec = word2vec::read_text(&prefix.with_extension("vec")).unwrap();
    let ours = model.vocab_vectors();
    for (i, w) in vec.words.iter().enumerate() {
        let id = model.word_id(w).unwrap() as usize;
        assert_close(ours.row(id), vec.vectors.row(i), w);
    }

    // Sentence vectors (average of unit word vectors).
    let lines = ["the cat sat on the mat", "naïve café über 東京都"];
    let out = run_with_stdin(
        Command::new(fasttext)
            .arg("print-sentence-vectors")
            .arg(&bin),
        &lines.join("\n"),
    );
    for (line, v) in lines.iter().zip(parse_vectors(&out, false)) {
        assert_close(&model.sentence_vector(line.split_whitespace()), &v, line);
    }
}

#[test]
fn blazetext_bin_is_read_by_fasttext() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("ours.bin");
    let file = synthetic_skipgram();
    file.write(&bin).unwrap();
    let model = WordVectorModel::from_fasttext(file);
    check_word_vectors(fasttext, &bin, &model);
}

#[test]
fn supervised_bin_rewritten_by_blazetext_predicts_like_fasttext() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.txt");
    let mut text = String::new();
    for i in 0..300 {
        let (label, words) = if i % 2 == 0 {
            ("good", "great lovely fine naïve")
        } else {
            ("bad", "awful poor dreadful 悪い")
        };
        text.push_str(&format!("__label__{label} {words} item{}\n", i % 17));
    }
    std::fs::write(&train, text).unwrap();
    let prefix = dir.path().join("sup");
    let status = Command::new(fasttext)
        .args(["supervised", "-input"])
        .arg(&train)
        .arg("-output")
        .arg(&prefix)
        .args([
            "-dim",
            "5",
            "-wordNgrams",
            "2",
            "-bucket",
            "1000",
            "-minn",
            "2",
            "-maxn",
            "3",
        ])
        .args(["-epoch", "5", "-thread", "1", "-verbose", "0"])
        .status()
        .unwrap();
    assert!(status.success());
    let bin = prefix.with_extension("bin");
    let file = FastTextFile::read(&bin).unwrap();
    assert_eq!(file.args.model, ModelName::Supervised);
    assert_eq!(file.labels.len(), 2);
    let ours = dir.path().join("ours.bin");
    file.write(&ours).unwrap();
    let test_lines = "great lovely stuff\nawful 悪い thing item3\nnothing known here\n";
    let predict = |model: &Path| {
        run_with_stdin(
            Command::new(fasttext)
                .arg("predict-prob")
                .arg(model)
                .args(["-", "2"]),
            test_lines,
        )
    };
    assert_eq!(predict(&bin), predict(&ours));

    // Sentence vectors of a supervised model: rows of words, n-grams, word n-grams and </s>.
    let model = WordVectorModel::load(&bin).unwrap();
    let out = run_with_stdin(
        Command::new(fasttext)
            .arg("print-sentence-vectors")
            .arg(&bin),
        test_lines,
    );
    for (line, v) in test_lines.lines().zip(parse_vectors(&out, false)) {
        assert_close(&model.sentence_vector(line.split_whitespace()), &v, line);
    }

    // A quantized model (.ftz) is refused with a clear message.
    let status = Command::new(fasttext)
        .args(["quantize", "-input"])
        .arg(&train)
        .arg("-output")
        .arg(&prefix)
        .args(["-verbose", "0"])
        .status()
        .unwrap();
    assert!(status.success());
    let e = FastTextFile::read(&prefix.with_extension("ftz"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("quantized"), "{e}");
}

#[test]
fn input_only_reading_skips_the_output_matrix_but_checks_it() {
    let (_dir, path, bytes) = written();
    let full = FastTextFile::read(&path).unwrap();
    let input_only = FastTextFile::read_input_only(&path).unwrap();
    assert_eq!(input_only.input, full.input);
    assert_eq!(input_only.words, full.words);
    assert_eq!(input_only.output.rows(), 0);
    std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
    let e = FastTextFile::read_input_only(&path)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("truncated") && e.contains("output matrix"),
        "{e}"
    );
}
