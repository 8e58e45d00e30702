//! fastText `.bin` files: round trips, every bad-file case, and (when the `fasttext` CLI is
//! installed) compatibility in both directions, including out-of-vocabulary words built from
//! subword rows.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use blazetext::format::{
    self as word2vec, FastTextArgs, FastTextFile, Loss, Matrix, ModelName, VERSION,
};
use blazetext::WordVectors;

use common::{
    entries, fasttext_cli, floats, lcg, stdout, synthetic_skipgram, temp_dir, vector_rows,
};

#[test]
fn round_trip_is_identical() {
    let dir = temp_dir();
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
    let dir = temp_dir();
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
    let dir = temp_dir();
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
    let dir = temp_dir();
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
fn a_dense_matrix_flagged_as_quantized_is_refused_as_corrupt() {
    let (_dir, path, mut bytes) = written();
    // The quant flag sits right before the input matrix header (rows, cols as i64).
    let model = synthetic_skipgram();
    let matrix_bytes = |m: &Matrix| 1 + 16 + m.as_slice().len() * 4;
    let quant_at = bytes.len() - matrix_bytes(&model.output) - matrix_bytes(&model.input);
    assert_eq!(bytes[quant_at], 0);
    bytes[quant_at] = 1;
    let e = read_err(&path, &bytes);
    assert!(e.contains("quantized") && e.contains("corrupt"), "{e}");
}

#[test]
fn other_formats_are_named() {
    let dir = temp_dir();
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

/// Writes `dir/corpus.txt`, a small corpus with non-ASCII words, so that subword hashing of
/// multi-byte characters is exercised.
fn corpus(dir: &Path) -> PathBuf {
    let vocab = [
        "the", "cat", "sat", "on", "mat", "naïve", "café", "über", "日本", "東京", "dog", "ran",
        "fast", "slow", "and", "ça",
    ];
    let mut next = lcg(7);
    let lines: Vec<String> = (0..400)
        .map(|_| {
            let words: Vec<&str> = (0..12)
                .map(|_| vocab[(next() >> 33) as usize % vocab.len()])
                .collect();
            words.join(" ")
        })
        .collect();
    common::write_lines(dir, "corpus.txt", &lines)
}

/// Trains `<fasttext> <command> -input <input> -output <prefix> <options…>` quietly; returns the
/// `.bin` path.
fn fasttext_train(
    fasttext: &str,
    command: &str,
    input: &Path,
    prefix: &Path,
    options: &str,
) -> PathBuf {
    stdout(
        Command::new(fasttext)
            .args([command, "-input"])
            .arg(input)
            .arg("-output")
            .arg(prefix)
            .args(options.split_whitespace())
            .args(["-verbose", "0"]),
    );
    prefix.with_extension("bin")
}

/// Runs `<fasttext> <command> <model> [extra…]` on `input`; returns what it prints.
fn fasttext_on(fasttext: &str, command: &str, model: &Path, extra: &[&str], input: &str) -> String {
    stdout(
        Command::new(fasttext)
            .arg(command)
            .arg(model)
            .args(extra)
            .write_stdin(input),
    )
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

fn check_word_vectors(fasttext: &str, bin: &Path, model: &WordVectors) {
    let out = fasttext_on(
        fasttext,
        "print-word-vectors",
        bin,
        &[],
        &QUERY_WORDS.join("\n"),
    );
    let theirs = vector_rows(&out, true);
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
    let dir = temp_dir();
    let text = corpus(dir.path());
    let prefix = dir.path().join("ft");
    let bin = fasttext_train(
        fasttext,
        "skipgram",
        &text,
        &prefix,
        "-dim 10 -minn 2 -maxn 4 -bucket 5000 -epoch 1 -minCount 1 -thread 1",
    );
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

    let model = WordVectors::load(&bin).unwrap();
    // In-vocabulary and out-of-vocabulary (subword-only) words, ASCII and not.
    check_word_vectors(fasttext, &bin, &model);

    // The .vec fastText wrote holds the same vectors as our vocabulary vectors.
    let vec = word2vec::read_text(&prefix.with_extension("vec")).unwrap();
    let ours = model.vectors();
    for (i, w) in vec.words.iter().enumerate() {
        let id = model.word_id(w).unwrap();
        assert_close(ours.row(id), vec.vectors.row(i), w);
    }

    // Sentence vectors (average of unit word vectors).
    let lines = ["the cat sat on the mat", "naïve café über 東京都"];
    let out = fasttext_on(
        fasttext,
        "print-sentence-vectors",
        &bin,
        &[],
        &lines.join("\n"),
    );
    for (line, v) in lines.iter().zip(vector_rows(&out, false)) {
        assert_close(&model.sentence_vector(line).unwrap(), &v, line);
    }
}

#[test]
fn blazetext_bin_is_read_by_fasttext() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = temp_dir();
    let bin = dir.path().join("ours.bin");
    let file = synthetic_skipgram();
    file.write(&bin).unwrap();
    let model = WordVectors::load(&bin).unwrap();
    check_word_vectors(fasttext, &bin, &model);
}

#[test]
fn supervised_bin_rewritten_by_blazetext_predicts_like_fasttext() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = temp_dir();
    let lines: Vec<String> = (0..300)
        .map(|i| {
            let (label, words) = if i % 2 == 0 {
                ("good", "great lovely fine naïve")
            } else {
                ("bad", "awful poor dreadful 悪い")
            };
            format!("__label__{label} {words} item{}", i % 17)
        })
        .collect();
    let train = common::write_lines(dir.path(), "train.txt", &lines);
    let prefix = dir.path().join("sup");
    let bin = fasttext_train(
        fasttext,
        "supervised",
        &train,
        &prefix,
        "-dim 5 -wordNgrams 2 -bucket 1000 -minn 2 -maxn 3 -epoch 5 -thread 1",
    );
    let file = FastTextFile::read(&bin).unwrap();
    assert_eq!(file.args.model, ModelName::Supervised);
    assert_eq!(file.labels.len(), 2);
    let ours = dir.path().join("ours.bin");
    file.write(&ours).unwrap();
    let test_lines = "great lovely stuff\nawful 悪い thing item3\nnothing known here\n";
    let predict =
        |model: &Path| fasttext_on(fasttext, "predict-prob", model, &["-", "2"], test_lines);
    assert_eq!(predict(&bin), predict(&ours));

    // Sentence vectors of a supervised model: rows of words, n-grams, word n-grams and </s>.
    let model = WordVectors::load(&bin).unwrap();
    let out = fasttext_on(fasttext, "print-sentence-vectors", &bin, &[], test_lines);
    for (line, v) in test_lines.lines().zip(vector_rows(&out, false)) {
        assert_close(&model.sentence_vector(line).unwrap(), &v, line);
    }

    // A quantized model (.ftz) reads with its matrices dequantized: written as a .bin, it
    // predicts exactly as the .ftz does in fastText (tests/ftz.rs covers every variant).
    fasttext_train(fasttext, "quantize", &train, &prefix, "");
    let ftz = prefix.with_extension("ftz");
    let dense = dir.path().join("dense.bin");
    FastTextFile::read(&ftz).unwrap().write(&dense).unwrap();
    assert_eq!(predict(&ftz), predict(&dense));
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
