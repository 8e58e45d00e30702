//! End-to-end tests of supervised training, predict, test, report and split through the binary,
//! on small generated data sets (seconds each).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn blazetext() -> Command {
    Command::cargo_bin("blazetext").unwrap()
}

/// Three topics with their own words plus shared filler; deterministic.
fn topic_lines(n: usize, offset: usize) -> Vec<String> {
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

fn write(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let p = dir.join(name);
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(&p, text).unwrap();
    p
}

/// Trains on 300 generated lines; returns (dir, model path, test path).
fn trained(extra: &[&str]) -> (TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let train = write(dir.path(), "train.txt", &topic_lines(300, 0));
    let test = write(dir.path(), "test.txt", &topic_lines(60, 1000));
    let prefix = dir.path().join("model");
    blazetext()
        .args(["train", "--mode", "supervised"])
        .arg(&train)
        .arg("-o")
        .arg(&prefix)
        .args([
            "--vector-dim",
            "16",
            "--epochs",
            "10",
            "--buckets",
            "10000",
            "--threads",
            "1",
            "--quiet",
        ])
        .args(extra)
        .assert()
        .success();
    (dir, prefix.with_extension("bin"), test)
}

#[test]
fn train_predict_test_report_end_to_end() {
    let (_dir, model, test) = trained(&[]);
    assert!(model.with_extension("json").exists());
    let out = blazetext()
        .arg("predict")
        .arg(&model)
        .arg(&test)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 60);
    let gold = topic_lines(60, 1000);
    let correct = lines
        .iter()
        .zip(&gold)
        .filter(|(p, g)| g.starts_with(*p))
        .count();
    assert!(correct >= 57, "only {correct}/60 correct");

    blazetext()
        .arg("test")
        .arg(&model)
        .arg(&test)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("N\t60\nP@1\t"));

    let out = blazetext()
        .arg("report")
        .arg(&model)
        .arg(&test)
        .arg("--json")
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["examples"], 60);
    assert!(v["accuracy"].as_f64().unwrap() >= 0.95);
    assert_eq!(v["labels"].as_array().unwrap().len(), 3);
    assert_eq!(v["confusion"]["matrix"].as_array().unwrap().len(), 3);

    let out = blazetext()
        .arg("report")
        .arg(&model)
        .arg(&test)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("macro avg") && text.contains("confusion matrix"),
        "{text}"
    );
}

#[test]
fn probabilities_are_true_probabilities_and_k_minus_one_gives_all() {
    let (_dir, model, test) = trained(&[]);
    let out = blazetext()
        .arg("predict")
        .arg(&model)
        .arg(&test)
        .args(["-k", "-1", "--json"])
        .assert()
        .success();
    for line in String::from_utf8_lossy(&out.get_output().stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let probs: Vec<f64> = v["prob"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_f64().unwrap())
            .collect();
        assert_eq!(probs.len(), 3);
        assert_eq!(v["label"].as_array().unwrap().len(), 3);
        assert!(probs.iter().all(|&p| (0.0..=1.0).contains(&p)));
        assert!(
            (probs.iter().sum::<f64>() - 1.0).abs() < 1e-4,
            "softmax sums to 1: {probs:?}"
        );
        assert!(probs.windows(2).all(|w| w[0] >= w[1]));
    }
    let out = blazetext()
        .arg("predict")
        .arg(&model)
        .arg(&test)
        .args(["-k", "2", "--probabilities"])
        .assert()
        .success();
    let first = String::from_utf8_lossy(&out.get_output().stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    let parts: Vec<&str> = first.split(' ').collect();
    assert_eq!(parts.len(), 4, "{first}");
    assert!(parts[0].starts_with("__label__") && parts[2].starts_with("__label__"));
    assert!(parts[1].parse::<f64>().unwrap() <= 1.0);
}

#[test]
fn one_thread_runs_are_bit_identical() {
    let (_d1, m1, _) = trained(&["--seed", "7"]);
    let (_d2, m2, _) = trained(&["--seed", "7"]);
    assert!(
        std::fs::read(&m1).unwrap() == std::fs::read(&m2).unwrap(),
        "same seed, different .bin"
    );
    let (_d3, m3, _) = trained(&["--seed", "8"]);
    assert!(
        std::fs::read(&m1).unwrap() != std::fs::read(&m3).unwrap(),
        "the seed is ignored"
    );
}

#[test]
fn fasttext_cli_predicts_with_our_bin() {
    let fasttext = Path::new("/usr/bin/fasttext");
    if !fasttext.exists() {
        eprintln!("skipping: no fasttext CLI at /usr/bin/fasttext (apt-get install fasttext)");
        return;
    }
    // Whitespace-tokenized, lowercase text, so fastText sees the same tokens as blazetext.
    let (_dir, model, test) = trained(&["--tokenizer", "whitespace", "--loss", "softmax"]);
    let ours = blazetext()
        .arg("predict")
        .arg(&model)
        .arg(&test)
        .args(["-k", "2", "--probabilities"])
        .assert()
        .success();
    let theirs = std::process::Command::new(fasttext)
        .arg("predict-prob")
        .arg(&model)
        .arg(&test)
        .arg("2")
        .output()
        .unwrap();
    assert!(
        theirs.status.success(),
        "{}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    let ours = String::from_utf8_lossy(&ours.get_output().stdout).to_string();
    let theirs = String::from_utf8_lossy(&theirs.stdout).to_string();
    assert_eq!(ours.lines().count(), theirs.lines().count());
    for (a, b) in ours.lines().zip(theirs.lines()) {
        let a: Vec<&str> = a.split(' ').collect();
        let b: Vec<&str> = b.split(' ').collect();
        assert_eq!(a[0], b[0], "top label differs: {a:?} vs {b:?}");
        let (pa, pb): (f64, f64) = (a[1].parse().unwrap(), b[1].parse().unwrap());
        // fastText adds 1e-5 inside its log, so its probabilities are slightly off (even > 1).
        assert!((pa - pb).abs() < 1e-3, "{a:?} vs {b:?}");
    }
}

#[test]
fn unlabelled_training_lines_are_skipped_with_the_first_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = topic_lines(60, 0);
    lines.insert(4, "a line without any label".to_string());
    lines.insert(10, "another one".to_string());
    let train = write(dir.path(), "train.txt", &lines);
    blazetext()
        .args(["train", "--mode", "supervised"])
        .arg(&train)
        .arg("-o")
        .arg(dir.path().join("m"))
        .args(["--vector-dim", "8", "--buckets", "1000", "--threads", "1"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("skipped 2 line(s) without a label (first: ")
                .and(predicate::str::contains("train.txt:5")),
        );
}

#[test]
fn training_without_any_label_or_with_one_label_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let none = write(
        dir.path(),
        "none.txt",
        &["just text".into(), "more text".into()],
    );
    blazetext()
        .args(["train", "--mode", "supervised"])
        .arg(&none)
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("no line carries a label"));
    let one = write(
        dir.path(),
        "one.txt",
        &["__label__a x y".into(), "__label__a z".into()],
    );
    blazetext()
        .args(["train", "--mode", "supervised"])
        .arg(&one)
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("nothing to learn"));
    assert!(!dir.path().join("m.bin").exists());
}

#[test]
fn unseen_labels_at_test_time_are_counted_and_reported() {
    let (dir, model, _) = trained(&[]);
    let mut lines = topic_lines(9, 500);
    lines.push("__label__weather rain cloud".into());
    lines.push("__label__weather sun".into());
    let test = write(dir.path(), "unseen.txt", &lines);
    blazetext()
        .arg("test")
        .arg(&model)
        .arg(&test)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("N\t9\n"))
        .stderr(predicate::str::contains(
            "2 line(s) carry labels the model never saw: __label__weather (2)",
        ));
    let out = blazetext()
        .arg("report")
        .arg(&model)
        .arg(&test)
        .arg("--json")
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["examples"], 11);
    assert_eq!(v["unseen"]["examples"], 2);
    let row = v["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == "__label__weather")
        .unwrap();
    assert_eq!(row["known"], false);
    assert_eq!(row["recall"], 0.0);
    blazetext()
        .arg("report")
        .arg(&model)
        .arg(&test)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "never saw in training: __label__weather (2)",
        ));
}

#[test]
fn bad_k_and_threshold_are_usage_errors() {
    let (_dir, model, test) = trained(&[]);
    for cmd in ["predict", "test"] {
        blazetext()
            .arg(cmd)
            .arg(&model)
            .arg(&test)
            .args(["-k", "0"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("-k 0"));
        blazetext()
            .arg(cmd)
            .arg(&model)
            .arg(&test)
            .args(["--threshold", "1.5"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "--threshold 1.5 is not a probability",
            ));
    }
}

#[test]
fn an_embeddings_model_is_rejected_by_predict() {
    use blazetext::io::fasttext::{DictEntry, FastTextArgs, FastTextFile};
    use blazetext::matrix::Matrix;
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<DictEntry> = ["a", "b"]
        .iter()
        .map(|w| DictEntry {
            text: w.to_string(),
            count: 5,
        })
        .collect();
    let file = FastTextFile {
        args: FastTextArgs {
            dim: 4,
            bucket: 0,
            minn: 0,
            maxn: 0,
            ..FastTextArgs::default()
        },
        words,
        labels: vec![],
        ntokens: 10,
        input: Matrix::zeros(2, 4),
        output: Matrix::zeros(2, 4),
    };
    let path = dir.path().join("emb.bin");
    file.write(&path).unwrap();
    let input = write(dir.path(), "x.txt", &["a b".into()]);
    blazetext()
        .arg("predict")
        .arg(&path)
        .arg(&input)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "a word-embedding model, not a classifier",
        ));
}

#[test]
fn an_empty_test_file_is_an_error() {
    let (dir, model, _) = trained(&[]);
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let unlabelled = write(
        dir.path(),
        "unlabelled.txt",
        &["no label here".into(), "nor here".into()],
    );
    for cmd in ["test", "report", "predict"] {
        blazetext()
            .arg(cmd)
            .arg(&model)
            .arg(&empty)
            .assert()
            .failure()
            .stderr(predicate::str::contains("empty.txt: the file is empty"));
    }
    for cmd in ["test", "report"] {
        blazetext()
            .arg(cmd)
            .arg(&model)
            .arg(&unlabelled)
            .assert()
            .failure()
            .stderr(
                predicate::str::contains("no line with a label")
                    .and(predicate::str::contains("nothing to evaluate")),
            );
    }
}

#[test]
fn split_writes_the_ratios_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "data.ft", &topic_lines(1000, 0));
    let run = |seed: &str, prefix: &str| {
        blazetext()
            .arg("split")
            .arg(&input)
            .args([
                "--train",
                "0.8",
                "--validation",
                "0.1",
                "--test",
                "0.1",
                "--stratify",
                "--seed",
                seed,
                "-o",
            ])
            .arg(dir.path().join(prefix))
            .assert()
            .success();
        ["train", "valid", "test"]
            .map(|ext| std::fs::read_to_string(dir.path().join(format!("{prefix}.{ext}"))).unwrap())
    };
    let a = run("3", "a");
    let b = run("3", "b");
    let c = run("4", "c");
    assert_eq!(a, b);
    assert_ne!(a, c);
    let counts: Vec<usize> = a.iter().map(|t| t.lines().count()).collect();
    assert_eq!(counts, vec![800, 100, 100]);
    for (text, n) in a.iter().zip([800.0, 100.0, 100.0]) {
        let sports = text
            .lines()
            .filter(|l| l.starts_with("__label__sports"))
            .count() as f64;
        assert!(
            (sports - n * 334.0 / 1000.0).abs() <= 1.5,
            "{sports} of {n}"
        );
    }
    blazetext()
        .arg("split")
        .arg(&input)
        .args(["--train", "0.8", "--validation", "0.3", "--test", "0.1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must sum to 1"));
}

#[test]
fn pretrained_vectors_accept_vec_and_bin_and_check_the_dimension() {
    let (dir, model, _) = trained(&[]);
    let train = dir.path().join("train.txt");
    // A .vec with dimension 16 made from a few words.
    let vec = dir.path().join("pre.vec");
    std::fs::write(
        &vec,
        format!(
            "2 16\ngoal {}\ncode {}\n",
            ["0.1"; 16].join(" "),
            ["-0.1"; 16].join(" ")
        ),
    )
    .unwrap();
    for pre in [&vec, &model] {
        blazetext()
            .args(["train", "--mode", "supervised"])
            .arg(&train)
            .arg("-o")
            .arg(dir.path().join("withpre"))
            .args([
                "--vector-dim",
                "16",
                "--buckets",
                "1000",
                "--threads",
                "1",
                "--pretrained-vectors",
            ])
            .arg(pre)
            .assert()
            .success();
    }
    blazetext()
        .args(["train", "--mode", "supervised"])
        .arg(&train)
        .arg("-o")
        .arg(dir.path().join("bad"))
        .args(["--vector-dim", "8", "--pretrained-vectors"])
        .arg(&vec)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "has dimension 16 but --vector-dim is 8",
        ));
}

#[test]
fn early_stopping_prints_validation_every_epoch_and_class_weights_work() {
    let dir = tempfile::tempdir().unwrap();
    let train = write(dir.path(), "train.txt", &topic_lines(300, 0));
    let valid = write(dir.path(), "valid.txt", &topic_lines(60, 2000));
    let weights = write(
        dir.path(),
        "w.txt",
        &["__label__food 2.0".into(), "__label__tech 0.5".into()],
    );
    for cw in ["balanced", weights.to_str().unwrap()] {
        blazetext()
            .args(["train", "--mode", "supervised"])
            .arg(&train)
            .arg("-o")
            .arg(dir.path().join("es"))
            .arg("--validation")
            .arg(&valid)
            .args([
                "--early-stopping",
                "--patience",
                "2",
                "--min-epochs",
                "3",
                "--epochs",
                "30",
            ])
            .args([
                "--vector-dim",
                "8",
                "--buckets",
                "1000",
                "--threads",
                "1",
                "--class-weight",
                cw,
            ])
            .assert()
            .success()
            .stderr(
                predicate::str::contains("epoch 1/30: validation P@1")
                    .and(predicate::str::contains("epoch 3/30")),
            );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("es.json")).unwrap()).unwrap();
    assert_eq!(manifest["kind"], "classifier");
    assert!(manifest["training"]["best_epoch"].as_u64().is_some());
}

#[test]
fn multi_label_ova_model_reports_per_label_figures() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = topic_lines(300, 0);
    for (i, l) in lines.iter_mut().enumerate() {
        if i % 4 == 0 {
            l.push_str(" __label__extra");
        }
    }
    let train = write(dir.path(), "train.txt", &lines);
    let prefix = dir.path().join("ova");
    blazetext()
        .args(["train", "--mode", "supervised", "--loss", "ova"])
        .arg(&train)
        .arg("-o")
        .arg(&prefix)
        .args([
            "--vector-dim",
            "8",
            "--buckets",
            "1000",
            "--threads",
            "1",
            "--epochs",
            "10",
        ])
        .assert()
        .success();
    let out = blazetext()
        .arg("report")
        .arg(prefix.with_extension("bin"))
        .arg(&train)
        .arg("--json")
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["multi_label"], true);
    assert_eq!(v["threshold"], 0.5);
    assert!(v["samples"]["f1"].as_f64().is_some());
    assert!(v["confusion"].is_null());
}
