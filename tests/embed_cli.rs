//! End-to-end tests of `blazetext train` for word embeddings on tiny generated corpora.

mod common;

use std::path::Path;

use assert_cmd::Command;

use common::{
    blazetext, fails, fasttext_cli, read_json, read_vec, stdout, succeeds, temp_dir, train,
    two_topic_corpus, vector_rows, write,
};

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

/// [`train`] with small, quiet, single-thread settings and the given seed.
fn seeded(mode: &str, corpus: &Path, prefix: &Path, seed: &str) -> Command {
    let mut cmd = train(mode, corpus, prefix);
    cmd.args(["--dim", "16", "--min-count", "1", "--epochs", "3"])
        .args(["--threads", "1", "--seed", seed, "-t", "0", "--quiet"]);
    cmd
}

/// [`seeded`] with seed 7.
fn small(mode: &str, corpus: &Path, prefix: &Path) -> Command {
    seeded(mode, corpus, prefix, "7")
}

#[test]
fn every_mode_learns_co_occurrence() {
    let dir = temp_dir();
    let corpus = two_topic_corpus(dir.path(), 600);
    for (mode, extra) in [
        ("skipgram", vec![]),
        ("cbow", vec![]),
        ("batch_skipgram", vec![]),
        ("skipgram", vec!["--loss", "hs"]),
        ("skipgram", vec!["--subwords", "--buckets", "1000"]),
    ] {
        let prefix = dir.path().join(format!("m-{mode}-{}", extra.len()));
        succeeds(small(mode, &corpus, &prefix).args(&extra));
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
    let dir = temp_dir();
    let corpus = two_topic_corpus(dir.path(), 200);
    let (p1, p2) = (dir.path().join("r1"), dir.path().join("r2"));
    let subwords = ["--subwords", "--buckets", "500"];
    for p in [&p1, &p2] {
        succeeds(small("skipgram", &corpus, p).args(subwords));
    }
    for ext in ["bin", "vec"] {
        let a = std::fs::read(p1.with_extension(ext)).unwrap();
        let b = std::fs::read(p2.with_extension(ext)).unwrap();
        assert!(a == b, ".{ext} files differ between identical seeded runs");
    }
    let p3 = dir.path().join("r3");
    succeeds(seeded("skipgram", &corpus, &p3, "8").args(subwords));
    assert_ne!(
        std::fs::read(p1.with_extension("vec")).unwrap(),
        std::fs::read(p3.with_extension("vec")).unwrap()
    );
}

#[test]
fn manifest_records_settings_and_figures() {
    let dir = temp_dir();
    let corpus = two_topic_corpus(dir.path(), 100);
    let prefix = dir.path().join("m");
    let out = stdout(small("cbow", &corpus, &prefix).arg("--json"));
    let summary: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["words"], 16);
    assert_eq!(summary["tokens"], 3 * 100 * 12);
    let manifest = read_json(&prefix.with_extension("json"));
    assert_eq!(manifest["kind"], "embeddings");
    assert_eq!(manifest["hyperparameters"]["mode"], "cbow");
    assert_eq!(manifest["hyperparameters"]["vector_dim"], 16);
    assert_eq!(manifest["corpus"]["tokens"], 1200);
    assert!(manifest["training"]["words_per_sec"].as_f64().unwrap() > 0.0);
    assert!(manifest["pipeline"].is_object());
}

#[test]
fn stdin_and_sagemaker_hyperparameters() {
    let dir = temp_dir();
    let corpus = two_topic_corpus(dir.path(), 100);
    let hp = write(
        dir.path(),
        // Not hp.json: that is the manifest of the model below, and an output is never an input.
        "settings.json",
        r#"{"mode": "batch_skipgram", "vector_dim": "8", "epochs": "2", "min_count": "1",
            "batch_size": "4", "evaluation": "False"}"#,
    );
    let prefix = dir.path().join("hp");
    succeeds(
        blazetext()
            .args(["train", "-", "-o"])
            .arg(&prefix)
            .arg("--hyperparameters")
            .arg(&hp)
            .args(["--vector-dim", "12", "--quiet"])
            .pipe_stdin(&corpus)
            .unwrap(),
    );
    let manifest = read_json(&prefix.with_extension("json"));
    let h = &manifest["hyperparameters"];
    assert_eq!(h["mode"], "batch_skipgram");
    assert_eq!(h["vector_dim"], 12, "the explicit flag wins");
    assert_eq!(h["epochs"], 2);
    assert_eq!(h["batch_size"], 4);

    fails(
        train("cbow", &corpus, Path::new("x"))
            .args(["--hyperparameters", r#"{"vector_size": "100"}"#]),
        2,
        &["unknown hyperparameter \"vector_size\"", "vector_dim"],
    );
}

#[test]
fn empty_corpus_is_an_error() {
    let dir = temp_dir();
    let model = dir.path().join("m");
    let empty = write(dir.path(), "empty.txt", "");
    fails(
        &mut train("skipgram", &empty, &model),
        1,
        &["empty.txt", "empty"],
    );
    let blank = write(dir.path(), "blank.txt", "\n \n.,;\n");
    fails(&mut train("skipgram", &blank, &model), 1, &["no words"]);
    assert!(!dir.path().join("m.bin").exists());
}

#[test]
fn nothing_above_min_count_says_how_many_types() {
    let dir = temp_dir();
    let corpus = write(dir.path(), "rare.txt", "one two three\nfour five one\n");
    fails(
        train("cbow", &corpus, &dir.path().join("m")).args(["--min-count", "5"]),
        1,
        &["5 distinct word types", "lower --min-count", "rare.txt"],
    );
}

#[test]
fn nonsense_hyperparameters_are_usage_errors() {
    let dir = temp_dir();
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
        fails(
            train("skipgram", &corpus, &dir.path().join("m")).args(&flags),
            2,
            &[needle],
        );
    }
    fails(
        blazetext().arg("train").arg(&corpus).args(["-o", "m"]),
        2,
        &["--mode"],
    );
}

#[test]
fn output_folder_must_exist() {
    let dir = temp_dir();
    let corpus = two_topic_corpus(dir.path(), 10);
    fails(
        train("skipgram", &corpus, &dir.path().join("missing/sub/model"))
            .args(["--min-count", "1"]),
        2,
        &["missing/sub", "does not exist"],
    );
}

#[test]
fn fasttext_reads_our_bin() {
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    let dir = temp_dir();
    let corpus = two_topic_corpus(dir.path(), 100);
    let prefix = dir.path().join("ft");
    succeeds(small("skipgram", &corpus, &prefix).args(["--subwords", "--buckets", "1000"]));
    let text = stdout(
        Command::new(fasttext)
            .arg("print-word-vectors")
            .arg(prefix.with_extension("bin"))
            .write_stdin("a3\nzzz\n"),
    );
    let theirs = vector_rows(&text, true);
    let ours = read_vec(&prefix.with_extension("vec"))
        .into_iter()
        .find(|(w, _)| w == "a3")
        .unwrap()
        .1;
    assert_eq!(theirs[0].len(), ours.len());
    for (x, y) in theirs[0].iter().zip(&ours) {
        assert!((x - y).abs() < 1e-4, "fastText {x} vs blazetext {y}");
    }
    // An unseen word gets a non-zero vector from its n-grams in fastText too.
    assert!(theirs[1].iter().any(|&x| x != 0.0));
}
