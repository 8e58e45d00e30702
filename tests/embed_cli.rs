//! End-to-end tests of `blazetext train` for word embeddings on tiny generated corpora.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use predicates::prelude::*;

fn blazetext() -> Command {
    Command::cargo_bin("blazetext").unwrap()
}

/// A corpus where words of group `a*` only co-occur with each other, and likewise `b*`.
fn two_topic_corpus(dir: &Path, lines: usize) -> PathBuf {
    let mut text = String::new();
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    for i in 0..lines {
        let group = if i % 2 == 0 { "a" } else { "b" };
        let words: Vec<String> = (0..12).map(|_| format!("{group}{}", next() % 8)).collect();
        text.push_str(&words.join(" "));
        text.push('\n');
    }
    let path = dir.join("corpus.txt");
    std::fs::write(&path, text).unwrap();
    path
}

fn read_vec(path: &Path) -> Vec<(String, Vec<f32>)> {
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

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

/// Mean cosine within groups minus mean cosine across groups.
fn topic_margin(vectors: &[(String, Vec<f32>)]) -> f32 {
    let (mut same, mut ns, mut diff, mut nd) = (0.0, 0, 0.0, 0);
    for (i, (wi, vi)) in vectors.iter().enumerate() {
        for (wj, vj) in &vectors[i + 1..] {
            let c = cosine(vi, vj);
            if wi[..1] == wj[..1] {
                same += c;
                ns += 1;
            } else {
                diff += c;
                nd += 1;
            }
        }
    }
    same / ns as f32 - diff / nd as f32
}

fn train_args(corpus: &Path, prefix: &Path, mode: &str) -> Vec<String> {
    seeded_args(corpus, prefix, mode, "7")
}

fn seeded_args(corpus: &Path, prefix: &Path, mode: &str, seed: &str) -> Vec<String> {
    [
        "train",
        "--mode",
        mode,
        "--dim",
        "16",
        "--min-count",
        "1",
        "--epochs",
        "3",
        "--threads",
        "1",
        "--seed",
        seed,
        "-t",
        "0",
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        corpus.display().to_string(),
        "-o".into(),
        prefix.display().to_string(),
    ])
    .collect()
}

#[test]
fn every_mode_learns_co_occurrence() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = two_topic_corpus(dir.path(), 600);
    for (mode, extra) in [
        ("skipgram", vec![]),
        ("cbow", vec![]),
        ("batch_skipgram", vec![]),
        ("skipgram", vec!["--loss", "hs"]),
        ("skipgram", vec!["--subwords", "--buckets", "1000"]),
    ] {
        let prefix = dir.path().join(format!("m-{mode}-{}", extra.len()));
        blazetext()
            .args(train_args(&corpus, &prefix, mode))
            .args(&extra)
            .assert()
            .success();
        let vectors = read_vec(&prefix.with_extension("vec"));
        assert_eq!(vectors.len(), 16);
        let margin = topic_margin(&vectors);
        assert!(
            margin > 0.3,
            "{mode} {extra:?}: same-topic minus cross-topic cosine = {margin}"
        );
        assert!(prefix.with_extension("bin").exists() && prefix.with_extension("json").exists());
    }
}

#[test]
fn single_thread_runs_are_bit_identical() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = two_topic_corpus(dir.path(), 200);
    let (p1, p2) = (dir.path().join("r1"), dir.path().join("r2"));
    for p in [&p1, &p2] {
        blazetext()
            .args(train_args(&corpus, p, "skipgram"))
            .args(["--subwords", "--buckets", "500"])
            .assert()
            .success();
    }
    for ext in ["bin", "vec"] {
        let a = std::fs::read(p1.with_extension(ext)).unwrap();
        let b = std::fs::read(p2.with_extension(ext)).unwrap();
        assert!(a == b, ".{ext} files differ between identical seeded runs");
    }
    let p3 = dir.path().join("r3");
    blazetext()
        .args(seeded_args(&corpus, &p3, "skipgram", "8"))
        .args(["--subwords", "--buckets", "500"])
        .assert()
        .success();
    assert_ne!(
        std::fs::read(p1.with_extension("vec")).unwrap(),
        std::fs::read(p3.with_extension("vec")).unwrap()
    );
}

#[test]
fn manifest_records_settings_and_figures() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = two_topic_corpus(dir.path(), 100);
    let prefix = dir.path().join("m");
    let out = blazetext()
        .args(train_args(&corpus, &prefix, "cbow"))
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let last = String::from_utf8(out)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let summary: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["words"], 16);
    assert_eq!(summary["tokens"], 3 * 100 * 12);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(prefix.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(manifest["kind"], "embeddings");
    assert_eq!(manifest["hyperparameters"]["mode"], "cbow");
    assert_eq!(manifest["hyperparameters"]["vector_dim"], 16);
    assert_eq!(manifest["corpus"]["tokens"], 1200);
    assert!(manifest["training"]["words_per_sec"].as_f64().unwrap() > 0.0);
    assert!(manifest["pipeline"].is_object());
}

#[test]
fn stdin_and_sagemaker_hyperparameters() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = two_topic_corpus(dir.path(), 100);
    let hp = dir.path().join("hp.json");
    std::fs::write(
        &hp,
        r#"{"mode": "batch_skipgram", "vector_dim": "8", "epochs": "2", "min_count": "1",
            "batch_size": "4", "evaluation": "False"}"#,
    )
    .unwrap();
    let prefix = dir.path().join("hp");
    blazetext()
        .args(["train", "-", "-o"])
        .arg(&prefix)
        .args([
            "--hyperparameters",
            hp.to_str().unwrap(),
            "--vector-dim",
            "12",
            "--quiet",
        ])
        .pipe_stdin(&corpus)
        .unwrap()
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(prefix.with_extension("json")).unwrap())
            .unwrap();
    let h = &manifest["hyperparameters"];
    assert_eq!(h["mode"], "batch_skipgram");
    assert_eq!(h["vector_dim"], 12, "the explicit flag wins");
    assert_eq!(h["epochs"], 2);
    assert_eq!(h["batch_size"], 4);

    blazetext()
        .args(["train", "--mode", "cbow"])
        .arg(&corpus)
        .args(["-o", "x", "--hyperparameters", r#"{"vector_size": "100"}"#])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("unknown hyperparameter \"vector_size\"")
                .and(predicate::str::contains("vector_dim")),
        );
}

#[test]
fn empty_corpus_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    blazetext()
        .args(["train", "--mode", "skipgram"])
        .arg(&empty)
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("empty.txt").and(predicate::str::contains("empty")));
    let blank = dir.path().join("blank.txt");
    std::fs::write(&blank, "\n \n.,;\n").unwrap();
    blazetext()
        .args(["train", "--mode", "skipgram"])
        .arg(&blank)
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("no words"));
    assert!(!dir.path().join("m.bin").exists());
}

#[test]
fn nothing_above_min_count_says_how_many_types() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("rare.txt");
    std::fs::write(&corpus, "one two three\nfour five one\n").unwrap();
    blazetext()
        .args(["train", "--mode", "cbow", "--min-count", "5"])
        .arg(&corpus)
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("5 distinct word types")
                .and(predicate::str::contains("lower --min-count"))
                .and(predicate::str::contains("rare.txt")),
        );
}

#[test]
fn nonsense_hyperparameters_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = two_topic_corpus(dir.path(), 10);
    for (flags, needle) in [
        (vec!["--vector-dim", "0"], "--vector-dim"),
        (vec!["--window-size", "0"], "--window-size"),
        (vec!["--epochs", "0"], "--epochs"),
        (
            vec!["--subwords", "--min-char", "5", "--max-char", "3"],
            "--min-char",
        ),
        (vec!["--learning-rate=-0.5"], "--learning-rate"),
        (vec!["--loss", "softmax"], "supervised"),
    ] {
        blazetext()
            .args(["train", "--mode", "skipgram"])
            .arg(&corpus)
            .args(["-o", dir.path().join("m").to_str().unwrap()])
            .args(&flags)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    }
    blazetext()
        .arg("train")
        .arg(&corpus)
        .args(["-o", "m"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--mode"));
}

#[test]
fn output_folder_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = two_topic_corpus(dir.path(), 10);
    blazetext()
        .args(["train", "--mode", "skipgram", "--min-count", "1"])
        .arg(&corpus)
        .arg("-o")
        .arg(dir.path().join("missing/sub/model"))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("missing/sub").and(predicate::str::contains("does not exist")),
        );
}

#[test]
fn fasttext_reads_our_bin() {
    if StdCommand::new("fasttext").arg("help").output().is_err() {
        eprintln!("skipping: the fasttext CLI is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = two_topic_corpus(dir.path(), 100);
    let prefix = dir.path().join("ft");
    blazetext()
        .args(train_args(&corpus, &prefix, "skipgram"))
        .args(["--subwords", "--buckets", "1000"])
        .assert()
        .success();
    let out = StdCommand::new("fasttext")
        .arg("print-word-vectors")
        .arg(prefix.with_extension("bin"))
        .stdin(
            std::fs::File::open({
                let q = dir.path().join("q.txt");
                std::fs::write(&q, "a3\nzzz\n").unwrap();
                q
            })
            .unwrap(),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let ft: Vec<f32> = text
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap())
        .collect();
    let ours = read_vec(&prefix.with_extension("vec"))
        .into_iter()
        .find(|(w, _)| w == "a3")
        .unwrap()
        .1;
    assert_eq!(ft.len(), ours.len());
    for (x, y) in ft.iter().zip(&ours) {
        assert!((x - y).abs() < 1e-4, "fastText {x} vs blazetext {y}");
    }
    // An unseen word gets a non-zero vector from its n-grams in fastText too.
    let oov: Vec<f32> = text
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(oov.iter().any(|&x| x != 0.0));
}
