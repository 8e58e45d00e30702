//! Quantized fastText models (`.ftz`, from `fasttext quantize`): every variant fastText writes
//! (plain, `-qnorm`, `-qout`, `-dsub`, `-cutoff` with its pruning index, `-retrain`) predicts
//! and tests as the `fasttext` CLI does, and damaged files are refused with a clear error.
//! Skipped, with a printed reason, when the `fasttext` CLI is not installed.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use blazetext::{Classifier, Model};
use common::{arg, blazetext, fails, fasttext_cli, stdout, temp_dir};

const TRAIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-labelled.train");
const TEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-labelled.test");

/// A fastText classifier with character n-grams and word bigrams, trained on `train` with one
/// thread (so the same every run), written as `<dir>/<name>.bin`.
fn fasttext_classifier(fasttext: &str, train: &Path, dir: &Path, name: &str) -> PathBuf {
    let prefix = dir.join(name);
    stdout(
        Command::new(fasttext)
            .arg("supervised")
            .arg("-input")
            .arg(train)
            .arg("-output")
            .arg(&prefix)
            .args(
                "-dim 16 -epoch 20 -lr 0.5 -wordNgrams 2 -minn 2 -maxn 4 -bucket 20000".split(' '),
            )
            .args(["-thread", "1", "-verbose", "0"]),
    );
    prefix.with_extension("bin")
}

/// A classifier of the sample corpus (6 labels).
fn sample_classifier(fasttext: &str, dir: &Path) -> PathBuf {
    fasttext_classifier(fasttext, Path::new(TRAIN), dir, "sample")
}

/// Training and test files with 300 labels, each with its own word: fastText quantizes an
/// output matrix (`-qout`) only when it has at least 256 rows.
fn many_labels(dir: &Path) -> (PathBuf, PathBuf) {
    let line = |i: usize| format!("__label__c{i} k{i} m{} n{}", i % 17, i * 7 % 23);
    let train: Vec<String> = (0..5)
        .flat_map(|_| (0..300).map(move |i| format!("{} k{i} common", line(i))))
        .collect();
    let test: Vec<String> = (0..300).map(line).collect();
    (
        common::write_lines(dir, "many.train", &train),
        common::write_lines(dir, "many.test", &test),
    )
}

/// `fasttext quantize <options>` of a copy of `bin` named `<name>.bin`; returns `<name>.ftz`.
fn quantize(fasttext: &str, bin: &Path, name: &str, options: &str) -> PathBuf {
    let prefix = bin.with_file_name(name);
    std::fs::copy(bin, prefix.with_extension("bin")).unwrap();
    stdout(
        Command::new(fasttext)
            .args(["quantize", "-input", TRAIN, "-output"])
            .arg(&prefix)
            .args(options.split_whitespace())
            .args(["-thread", "1", "-verbose", "0"]),
    );
    prefix.with_extension("ftz")
}

/// `(label, probability)` pairs of each line of `predict-prob` style output.
fn ranked(out: &str) -> Vec<Vec<(String, f64)>> {
    out.lines()
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields
                .chunks(2)
                .map(|p| (p[0].to_string(), p[1].parse().unwrap()))
                .collect()
        })
        .collect()
}

/// `blazetext predict -k 2 --probabilities` and `blazetext test` give what the `fasttext` CLI
/// gives on `ftz`.
fn check_like_fasttext(fasttext: &str, ftz: &Path, test: &Path) {
    let theirs = stdout(
        Command::new(fasttext)
            .arg("predict-prob")
            .arg(ftz)
            .arg(test)
            .arg("2"),
    );
    let ours = stdout(
        blazetext()
            .arg("predict")
            .arg(ftz)
            .arg(test)
            .args(["-k", "2", "-p"]),
    );
    let (theirs, ours) = (ranked(&theirs), ranked(&ours));
    assert_eq!(theirs.len(), 300);
    assert_eq!(theirs.len(), ours.len());
    for (line, (a, b)) in theirs.iter().zip(&ours).enumerate() {
        let labels = |r: &[(String, f64)]| r.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
        assert_eq!(labels(a), labels(b), "{}: line {}", ftz.display(), line + 1);
        for (x, y) in a.iter().zip(b) {
            assert!(
                (x.1 - y.1).abs() <= 1e-4,
                "{}: {a:?} vs {b:?}",
                ftz.display()
            );
        }
    }
    let theirs = stdout(Command::new(fasttext).arg("test").arg(ftz).arg(test));
    let ours = stdout(blazetext().arg("test").arg(ftz).arg(test));
    assert_eq!(ours, theirs, "{}", ftz.display());
}

#[test]
fn every_quantization_predicts_and_tests_like_fasttext() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = temp_dir();
    let bin = sample_classifier(fasttext, dir.path());
    let variants = [
        ("plain", ""),
        ("qnorm", "-qnorm"),
        ("dsub3", "-dsub 3"),
        ("cutoff", "-cutoff 400"),
        ("retrain", "-cutoff 1000 -retrain -qnorm -epoch 2"),
    ];
    for (name, options) in variants {
        let ftz = quantize(fasttext, &bin, name, options);
        check_like_fasttext(fasttext, &ftz, Path::new(TEST));
    }
    // A pruned model is much smaller.
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    let pruned = dir.path().join("cutoff.ftz");
    assert!(
        size(&pruned) * 20 < size(&bin),
        "{} vs {}",
        size(&pruned),
        size(&bin)
    );

    // Quantized output matrices, with and without norms and pruning.
    let (train, test) = many_labels(dir.path());
    let bin = fasttext_classifier(fasttext, &train, dir.path(), "many");
    let variants = [
        ("qout", "-qout"),
        ("qout-qnorm", "-qout -qnorm -dsub 3"),
        ("qout-cutoff", "-qout -qnorm -cutoff 500 -retrain -epoch 2"),
    ];
    for (name, options) in variants {
        let ftz = quantize(fasttext, &bin, name, options);
        check_like_fasttext(fasttext, &ftz, &test);
    }
}

#[test]
fn the_library_loads_ftz_and_gives_fasttext_word_vectors() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = temp_dir();
    let (train, _) = many_labels(dir.path());
    let bin = fasttext_classifier(fasttext, &train, dir.path(), "many");
    let ftz = quantize(fasttext, &bin, "pruned", "-cutoff 300 -qnorm -qout");
    let Model::Classifier(classifier) = Model::load(&ftz).unwrap() else {
        panic!("a quantized classifier loads as a classifier");
    };
    let text = "k42 m8 n18";
    let best = classifier.predict(text, 1, 0.0).unwrap();
    let theirs = stdout(
        Command::new(fasttext)
            .arg("predict")
            .arg(&ftz)
            .args(["-", "1"])
            .write_stdin(text),
    );
    assert_eq!(theirs.trim(), best[0].label);

    // Known, unknown and pruned-away words: the rows fastText keeps, and nothing else.
    let words = ["k42", "common", "m8", "n18", "zzyzx", "k299"];
    let theirs = stdout(
        Command::new(fasttext)
            .arg("print-word-vectors")
            .arg(&ftz)
            .write_stdin(words.join("\n")),
    );
    for (word, line) in words.iter().zip(theirs.lines()) {
        let want: Vec<f32> = line
            .split_whitespace()
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        let got = classifier.word_vector(word).unwrap();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g - w).abs() <= 1e-4 + 1e-4 * w.abs(),
                "{word}: {got:?} vs {want:?}"
            );
        }
    }
    assert_eq!(
        Classifier::load(&ftz).unwrap().labels(),
        classifier.labels()
    );
    let e = classifier.save(dir.path().join("again")).unwrap_err();
    assert!(e.to_string().contains("pruned .ftz"), "{e}");
}

/// Where the dictionary of a version-12 file ends (after its pruning index), and the index's
/// size.
fn dictionary_end(bytes: &[u8]) -> (usize, i64) {
    let i32_at = |at: usize| i32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let i64_at = |at: usize| i64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    // Magic, version, 12 i32 and an f64 of args; then size, nwords, nlabels, ntokens, pruneidx.
    let dictionary = 8 + 12 * 4 + 8;
    let entries = i32_at(dictionary);
    let prune_size = i64_at(dictionary + 20);
    let mut at = dictionary + 28;
    for _ in 0..entries {
        at += bytes[at..].iter().position(|&b| b == 0).unwrap() + 1 + 8 + 1;
    }
    (at + prune_size.max(0) as usize * 8, prune_size)
}

#[test]
fn damaged_ftz_files_are_refused_without_a_panic() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = temp_dir();
    let (train, _) = many_labels(dir.path());
    let bin = fasttext_classifier(fasttext, &train, dir.path(), "many");
    let ftz = quantize(fasttext, &bin, "pruned", "-cutoff 300 -qnorm -qout");
    let bytes = std::fs::read(&ftz).unwrap();
    let bad = dir.path().join("bad.ftz");
    let load = |b: &[u8]| {
        std::fs::write(&bad, b).unwrap();
        Classifier::load(&bad)
    };

    // Cut at every 97th byte after the magic number and version, and at the last few: always
    // a clear error.
    let cuts = (8..bytes.len())
        .step_by(97)
        .chain(bytes.len() - 8..bytes.len());
    for cut in cuts {
        let e = load(&bytes[..cut])
            .err()
            .unwrap_or_else(|| panic!("cut at {cut} loaded"));
        let e = e.to_string();
        assert!(
            e.contains("truncated") || e.contains("empty"),
            "cut at {cut}: {e}"
        );
    }

    // Every byte flipped in turn (a sample past the header): an error or a model, never a panic.
    for at in (0..200).chain((200..bytes.len()).step_by(13)) {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0xff;
        let _ = load(&flipped);
    }

    // A pruning index that points past the kept rows.
    let (end, prune_size) = dictionary_end(&bytes);
    assert!(prune_size > 0);
    let mut past = bytes.clone();
    past[end - 4..end].copy_from_slice(&(prune_size as i32).to_le_bytes());
    let e = load(&past).err().unwrap().to_string();
    assert!(e.contains("pruning index"), "{e}");

    // After the dictionary: the quantized flag, qnorm, rows, cols, then the code count.
    let (rows_at, cols_at, count_at) = (end + 2, end + 10, end + 18);
    let field = |b: &mut [u8], at: usize, value: i64| {
        b[at..at + 8].copy_from_slice(&value.to_le_bytes());
    };
    let i64_at = |at: usize| i64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    // More rows than there are codes.
    let mut rows = bytes.clone();
    field(&mut rows, rows_at, i64_at(rows_at) + 1);
    let e = load(&rows).err().unwrap().to_string();
    assert!(e.contains("codes but"), "{e}");
    // A codebook for another dimension than the matrix's.
    let mut cols = bytes.clone();
    field(&mut cols, cols_at, 15);
    let e = load(&cols).err().unwrap().to_string();
    assert!(e.contains("does not cut vectors of 15 values"), "{e}");

    // A header claiming a huge matrix is refused before anything is allocated.
    let mut huge = bytes.clone();
    field(&mut huge, rows_at, 1 << 40);
    huge[count_at..count_at + 4].copy_from_slice(&i32::MAX.to_le_bytes());
    let e = load(&huge).err().unwrap().to_string();
    assert!(e.contains("truncated"), "{e}");

    // The command line says what is wrong and exits 1.
    std::fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    fails(
        blazetext().args(["predict", arg(&bad), TEST]),
        1,
        &["truncated", "bad.ftz"],
    );
}

#[test]
fn pruned_ftz_is_refused_where_its_rows_cannot_be_mapped() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = temp_dir();
    let bin = sample_classifier(fasttext, dir.path());
    let pruned = quantize(fasttext, &bin, "pruned", "-cutoff 300");
    let e = blazetext::format::FastTextFile::read(&pruned)
        .unwrap_err()
        .to_string();
    assert!(e.contains("pruned") && e.contains("pruning index"), "{e}");
    // Unpruned, the struct holds the dequantized matrices in full.
    let plain = quantize(fasttext, &bin, "plain", "-qnorm");
    let file = blazetext::format::FastTextFile::read(&plain).unwrap();
    assert_eq!(file.input.rows(), file.words.len() + 20000);
    assert_eq!(file.output.rows(), file.labels.len());
}
