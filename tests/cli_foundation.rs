//! End-to-end tests of `preprocess` and `vocab`, including every bad input of the foundation.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write;
use std::path::Path;

fn blazetext() -> Command {
    Command::cargo_bin("blazetext").unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn help_lists_every_command_with_examples() {
    blazetext()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("preprocess").and(predicate::str::contains("Examples:")));
}

#[test]
fn preprocess_keeps_lines_labels_and_applies_every_stage() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.txt",
        "__label__Food The runners' CAFÉ was running!\n\nCats and dogs, 42 of them\n".as_bytes(),
    );
    let output = dir.path().join("out.txt");
    blazetext()
        .args([
            "preprocess",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ])
        .args([
            "--stopwords",
            "english",
            "--stemmer",
            "english",
            "--numbers",
            "replace",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "__label__Food runner café run\n\ncat dog <num>\n"
    );
}

#[test]
fn preprocess_reads_stdin_and_gzip_and_reports_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"Zipped Text\n").unwrap();
    let input = write(dir.path(), "in.txt.gz", &gz.finish().unwrap());
    let output = dir.path().join("out.txt");
    blazetext()
        .args([
            "--json",
            "preprocess",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\"lines\":1")
                .and(predicate::str::contains("\"tokens_out\":2")),
        );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "zipped text\n");
    blazetext()
        .args(["preprocess", "-", "-o", "-", "--tokenizer", "whitespace"])
        .write_stdin("Keep, Case!\n")
        .assert()
        .success()
        .stdout("Keep, Case!\n");
}

#[test]
fn pipeline_config_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.txt", b"The Running Dogs\n");
    let config = dir.path().join("pipeline.json");
    blazetext()
        .args([
            "preprocess",
            input.to_str().unwrap(),
            "-o",
            "-",
            "--stemmer",
            "english",
        ])
        .args(["--save-pipeline-config", config.to_str().unwrap()])
        .assert()
        .success()
        .stdout("the run dog\n");
    blazetext()
        .args([
            "preprocess",
            input.to_str().unwrap(),
            "-o",
            "-",
            "--pipeline-config",
            config.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout("the run dog\n");
}

#[test]
fn spelling_repair_reports_writes_and_applies_the_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = "the government will receive the letter\n".repeat(30);
    text.push_str("the goverment will recieve it\n");
    let input = write(dir.path(), "in.txt", text.as_bytes());
    let mapping = dir.path().join("fixes.tsv");
    let config = dir.path().join("pipeline.json");
    let out = blazetext()
        .args([
            "preprocess",
            input.to_str().unwrap(),
            "-o",
            "-",
            "--fix-spelling",
        ])
        .args(["--spelling-output", mapping.to_str().unwrap()])
        .args(["--save-pipeline-config", config.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 rare token types"));
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(
        stdout.lines().last(),
        Some("the government will receive it")
    );
    let tsv = std::fs::read_to_string(&mapping).unwrap();
    assert!(tsv.contains("goverment\tgovernment\t1\t30\t1"), "{tsv}");
    // The mapping lives in the saved pipeline, so inference repeats it.
    let json = std::fs::read_to_string(&config).unwrap();
    assert!(json.contains("\"recieve\": \"receive\""), "{json}");
}

#[test]
fn vocab_build_show_and_prune() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.txt",
        b"__label__a red red blue\n__label__b red green\n",
    );
    let vocab = dir.path().join("v.tsv");
    blazetext()
        .args([
            "vocab",
            "build",
            input.to_str().unwrap(),
            "-o",
            vocab.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("types\t3").and(predicate::str::contains("red\t3\t2")));
    blazetext()
        .args(["--json", "vocab", "show", vocab.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"tokens\":5"));
    let pruned = dir.path().join("p.tsv");
    blazetext()
        .args([
            "vocab",
            "prune",
            vocab.to_str().unwrap(),
            "-o",
            pruned.to_str().unwrap(),
            "--min-count",
            "2",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("types\t1"));
}

/// Runs blazetext with `args` and checks that it fails with `code` and mentions each of `needles`.
fn fails(args: &[&str], code: i32, needles: &[&str]) {
    let assert = blazetext().args(args).assert().failure().code(code);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    }
}

#[test]
fn bad_inputs_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let text = write(dir.path(), "ok.txt", b"some text\n");
    let text = text.to_str().unwrap();
    fails(
        &["preprocess", &d("missing.txt"), "-o", &d("o")],
        1,
        &["missing.txt", "no such file"],
    );
    std::fs::create_dir(dir.path().join("emptydir")).unwrap();
    write(&dir.path().join("emptydir"), "image.png", b"\x89PNG\0\0\0");
    fails(
        &["preprocess", &d("emptydir"), "-o", &d("o")],
        1,
        &["emptydir", "no non-empty text files"],
    );
    write(dir.path(), "empty.txt", b"");
    fails(
        &["preprocess", &d("empty.txt"), "-o", &d("o")],
        1,
        &["empty.txt", "empty"],
    );
    write(dir.path(), "binary.bin", b"\x7fELF\x02\x01\x01\0\0\0\0");
    fails(
        &["vocab", "build", &d("binary.bin"), "-o", &d("o")],
        1,
        &["binary.bin", "binary"],
    );
    fails(
        &[
            "preprocess",
            text,
            "-o",
            &d("o"),
            "--stopwords-file",
            &d("nostop.txt"),
        ],
        1,
        &["nostop.txt"],
    );
    fails(
        &["preprocess", text, "-o", &d("o"), "--stemmer", "elvish"],
        2,
        &["elvish", "english", "russian"],
    );
    fails(
        &["preprocess", text, "-o", &d("o"), "--stopwords", "elvish"],
        2,
        &["elvish", "english"],
    );
    fails(
        &["vocab", "build", text, "-o", &d("o"), "--min-count", "0"],
        2,
        &["--min-count"],
    );
    fails(
        &[
            "preprocess",
            text,
            "-o",
            &d("o"),
            "--min-token-length",
            "5",
            "--max-token-length",
            "2",
        ],
        2,
        &["--min-token-length"],
    );
    fails(
        &[
            "preprocess",
            text,
            "-o",
            &d("o"),
            "--tokenizer",
            "whitespace",
            "--keep-punctuation",
        ],
        2,
        &["--keep-punctuation"],
    );
    fails(
        &[
            "preprocess",
            text,
            "-o",
            &d("o"),
            "--lowercase",
            "--no-lowercase",
        ],
        2,
        &["cannot be used with"],
    );
    fails(
        &[
            "preprocess",
            text,
            "-o",
            &d("o"),
            "--tokenizer",
            "hf:/no/tokenizer.json",
        ],
        1,
        &["/no/tokenizer.json"],
    );
    fails(
        &["preprocess", text, "-o", &d("no/such/dir/out.txt")],
        1,
        &["does not exist"],
    );
    fails(&["preprocess", "-", "-o", &d("o")], 1, &["empty"]);
    // Nothing a user had is lost: a failed run leaves an existing output untouched.
    let existing = write(dir.path(), "keep.txt", b"precious\n");
    fails(
        &[
            "preprocess",
            &d("missing.txt"),
            "-o",
            existing.to_str().unwrap(),
        ],
        1,
        &["missing.txt"],
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"precious\n");
}

#[test]
fn invalid_utf8_is_replaced_counted_and_located() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "latin1.txt", b"caf\xe9 ok\nfine\n");
    blazetext()
        .args(["preprocess", input.to_str().unwrap(), "-o", "-"])
        .assert()
        .success()
        .stdout("caf \u{fffd} ok\nfine\n")
        .stderr(
            predicate::str::contains("latin1.txt").and(predicate::str::contains("byte offset 3")),
        );
}

#[test]
fn a_fifty_megabyte_line_works() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = "word ".repeat(10 << 20);
    text.push_str("\nnext line\n");
    let input = write(dir.path(), "huge.txt", text.as_bytes());
    blazetext()
        .args([
            "--json",
            "vocab",
            "build",
            input.to_str().unwrap(),
            "-o",
            dir.path().join("v.tsv").to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "\"tokens\":{}",
            (10 << 20) + 2
        )));
}
