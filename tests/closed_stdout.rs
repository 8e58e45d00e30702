//! One output channel: a reader that closes stdout (`| head`) stops a command quietly (exit 0,
//! no panic, no message), and a closed stderr never stops a run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample.txt");
const LABELLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-labelled.train");
const LABELLED_TEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-labelled.test");
const QUESTIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/questions-sample.txt");
const PAIRS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/similarity-sample.tsv");

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_blazetext"))
}

/// Runs `blazetext <args>` with the reading end of its stdout closed before it writes, and
/// returns how it ended.
fn with_stdout_closed(args: &[&str]) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// Asserts that `blazetext <args>` with stdout closed ends quietly: exit 0, no panic, no error.
fn stops_quietly(args: &[&str]) {
    let out = with_stdout_closed(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
}

/// Small models for the queries, trained once per test.
struct Models {
    _dir: tempfile::TempDir,
    vectors: PathBuf,
    classifier: PathBuf,
    topics: PathBuf,
}

fn models() -> Models {
    let dir = temp_dir();
    let prefix = dir.path().join("vectors");
    succeeds(train("skipgram", Path::new(CORPUS), &prefix).args([
        "--epochs",
        "1",
        "--dim",
        "10",
        "--min-count",
        "2",
        "--quiet",
    ]));
    let clf = dir.path().join("clf");
    succeeds(train("supervised", Path::new(LABELLED), &clf).args(["--epochs", "1", "--quiet"]));
    let topics = dir.path().join("topics.ntm");
    succeeds(
        blazetext()
            .args(["topics", "train", SAMPLE_DOCS, "-o", arg(&topics)])
            .args(FAST_TOPICS),
    );
    Models {
        vectors: dir.path().join("vectors.bin"),
        classifier: dir.path().join("clf.bin"),
        topics,
        _dir: dir,
    }
}

#[test]
fn every_printing_command_stops_quietly_when_stdout_is_closed() {
    let m = models();
    let (vectors, clf, topics) = (arg(&m.vectors), arg(&m.classifier), arg(&m.topics));
    let out_dir = temp_dir();
    let vocab = out_dir.path().join("vocab.tsv");
    let split_prefix = out_dir.path().join("parts");
    let sweep = [
        &["topics", "sweep", SAMPLE_DOCS, "--num-topics", "2"],
        FAST_TOPICS,
    ]
    .concat();
    let runs: Vec<Vec<&str>> = vec![
        sweep,
        vec!["test", clf, LABELLED_TEST],
        vec!["test", clf, LABELLED_TEST, "--json"],
        vec!["report", clf, LABELLED_TEST],
        vec!["report", clf, LABELLED_TEST, "--json"],
        vec!["predict", clf, LABELLED_TEST, "-k", "2"],
        vec!["nn", vectors, "guitar", "piano", "drums"],
        vec!["analogy", vectors, "guitar", "guitars", "piano"],
        vec!["eval", "analogies", vectors, QUESTIONS],
        vec!["eval", "similarity", vectors, PAIRS, "--json"],
        vec!["vocab", "build", CORPUS, "-o", arg(&vocab)],
        vec!["vocab", "show", arg(&vocab)],
        vec!["split", LABELLED, "-o", arg(&split_prefix)],
        vec!["topics", "show", topics],
        vec!["topics", "eval", topics, SAMPLE_DOCS],
        vec!["topics", "infer", topics, SAMPLE_DOCS],
        vec!["preprocess", CORPUS, "-o", "-"],
    ];
    for args in &runs {
        stops_quietly(args);
    }
}

#[test]
fn training_with_json_and_stdout_closed_still_writes_the_model() {
    let dir = temp_dir();
    let prefix = dir.path().join("model");
    stops_quietly(&[
        "train",
        "--mode",
        "skipgram",
        CORPUS,
        "-o",
        arg(&prefix),
        "--epochs",
        "1",
        "--dim",
        "10",
        "--json",
    ]);
    assert!(dir.path().join("model.bin").exists());
    assert!(dir.path().join("model.json").exists());
}

#[test]
fn a_closed_stderr_never_stops_a_run() {
    let dir = temp_dir();
    let prefix = dir.path().join("model");
    let mut child = Command::new(binary())
        .args(["train", "--mode", "skipgram", CORPUS, "-o", arg(&prefix)])
        .args(["--epochs", "1", "--dim", "10"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert!(child.wait().unwrap().success());
    assert!(dir.path().join("model.vec").exists());
}

/// `blazetext train … 2>&1 | head -1`: both streams into a pipe whose reader leaves after one
/// line.
#[cfg(unix)]
#[test]
fn train_piped_into_head_writes_its_model() {
    let dir = temp_dir();
    let prefix = dir.path().join("model");
    let script = format!(
        "'{}' train --mode skipgram '{CORPUS}' -o '{}' --epochs 2 --dim 10 2>&1 | head -1",
        binary().display(),
        prefix.display()
    );
    let status = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert!(status.status.success());
    for ext in ["bin", "vec", "json"] {
        assert!(dir.path().join(format!("model.{ext}")).exists(), "{ext}");
    }
}
