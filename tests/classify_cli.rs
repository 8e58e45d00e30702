//! End-to-end tests of supervised training, predict, test, report and split through the binary,
//! on small generated data sets (seconds each).

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

use common::{
    blazetext, fails, fasttext_cli, labelled_lines, read_json, stdout, stdout_json, succeeds,
    synthetic_skipgram, temp_dir, write, write_lines,
};

/// `blazetext train --mode supervised <train> -o <prefix>`, ready for more options.
fn train_supervised(train: &Path, prefix: &Path) -> Command {
    common::train("supervised", train, prefix)
}

/// `blazetext <command> <model> <input>` (predict, test, report), ready for more options.
fn on_model(command: &str, model: &Path, input: &Path) -> Command {
    let mut cmd = blazetext();
    cmd.arg(command).arg(model).arg(input);
    cmd
}

/// Trains on 300 generated lines; returns (dir, model path, test path).
fn trained(extra: &[&str]) -> (TempDir, PathBuf, PathBuf) {
    let dir = temp_dir();
    let train = write_lines(dir.path(), "train.txt", &labelled_lines(300, 0));
    let test = write_lines(dir.path(), "test.txt", &labelled_lines(60, 1000));
    let prefix = dir.path().join("model");
    succeeds(
        train_supervised(&train, &prefix)
            .args(["--vector-dim", "16", "--epochs", "10", "--buckets", "10000"])
            .args(["--threads", "1", "--quiet"])
            .args(extra),
    );
    (dir, prefix.with_extension("bin"), test)
}

#[test]
fn train_predict_test_report_end_to_end() {
    let (_dir, model, test) = trained(&[]);
    assert!(model.with_extension("json").exists());
    let text = stdout(&mut on_model("predict", &model, &test));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 60);
    let gold = labelled_lines(60, 1000);
    let correct = lines
        .iter()
        .zip(&gold)
        .filter(|(p, g)| g.starts_with(*p))
        .count();
    assert!(correct >= 57, "only {correct}/60 correct");

    let figures = stdout(&mut on_model("test", &model, &test));
    assert!(figures.starts_with("N\t60\nP@1\t"), "{figures}");

    let v = stdout_json(on_model("report", &model, &test).arg("--json"));
    assert_eq!(v["examples"], 60);
    assert!(v["accuracy"].as_f64().unwrap() >= 0.95);
    assert_eq!(v["labels"].as_array().unwrap().len(), 3);
    assert_eq!(v["confusion"]["matrix"].as_array().unwrap().len(), 3);

    let text = stdout(&mut on_model("report", &model, &test));
    assert!(
        text.contains("macro avg") && text.contains("confusion matrix"),
        "{text}"
    );
}

#[test]
fn probabilities_are_true_probabilities_and_k_minus_one_gives_all() {
    let (_dir, model, test) = trained(&[]);
    let out = stdout(on_model("predict", &model, &test).args(["-k", "-1", "--json"]));
    for v in common::json_lines(&out) {
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
    let out = stdout(on_model("predict", &model, &test).args(["-k", "2", "--probabilities"]));
    let first = out.lines().next().unwrap();
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
    let Some(fasttext) = fasttext_cli() else {
        return;
    };
    // Whitespace-tokenized, lowercase text, so fastText sees the same tokens as blazetext.
    let (_dir, model, test) = trained(&["--tokenizer", "whitespace", "--loss", "softmax"]);
    let ours = stdout(on_model("predict", &model, &test).args(["-k", "2", "--probabilities"]));
    let theirs = stdout(
        Command::new(fasttext)
            .arg("predict-prob")
            .arg(&model)
            .arg(&test)
            .arg("2"),
    );
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
    let dir = temp_dir();
    let mut lines = labelled_lines(60, 0);
    lines.insert(4, "a line without any label".to_string());
    lines.insert(10, "another one".to_string());
    let train = write_lines(dir.path(), "train.txt", &lines);
    let warnings = succeeds(train_supervised(&train, &dir.path().join("m")).args([
        "--vector-dim",
        "8",
        "--buckets",
        "1000",
        "--threads",
        "1",
    ]))
    .stderr;
    assert!(
        warnings.contains("skipped 2 line(s) without a label (first: ")
            && warnings.contains("train.txt:5"),
        "{warnings}"
    );
}

#[test]
fn training_without_any_label_or_with_one_label_fails_clearly() {
    let dir = temp_dir();
    let model = dir.path().join("m");
    let none = write_lines(dir.path(), "none.txt", &["just text", "more text"]);
    fails(
        &mut train_supervised(&none, &model),
        1,
        &["no line carries a label"],
    );
    let one = write_lines(dir.path(), "one.txt", &["__label__a x y", "__label__a z"]);
    fails(
        &mut train_supervised(&one, &model),
        1,
        &["nothing to learn"],
    );
    assert!(!dir.path().join("m.bin").exists());
}

#[test]
fn unseen_labels_at_test_time_are_counted_and_reported() {
    let (dir, model, _) = trained(&[]);
    let mut lines = labelled_lines(9, 500);
    lines.push("__label__weather rain cloud".into());
    lines.push("__label__weather sun".into());
    let test = write_lines(dir.path(), "unseen.txt", &lines);
    let printed = succeeds(&mut on_model("test", &model, &test));
    assert!(printed.stdout.starts_with("N\t9\n"), "{}", printed.stdout);
    assert!(
        printed
            .stderr
            .contains("2 line(s) carry labels the model never saw: __label__weather (2)"),
        "{}",
        printed.stderr
    );
    let v = stdout_json(on_model("report", &model, &test).arg("--json"));
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
    let report = stdout(&mut on_model("report", &model, &test));
    assert!(
        report.contains("never saw in training: __label__weather (2)"),
        "{report}"
    );
}

#[test]
fn bad_k_and_threshold_are_usage_errors() {
    let (_dir, model, test) = trained(&[]);
    for cmd in ["predict", "test"] {
        fails(on_model(cmd, &model, &test).args(["-k", "0"]), 2, &["-k 0"]);
        fails(
            on_model(cmd, &model, &test).args(["--threshold", "1.5"]),
            2,
            &["--threshold 1.5 is not a probability"],
        );
    }
}

#[test]
fn an_embeddings_model_is_rejected_by_predict() {
    let dir = temp_dir();
    let path = dir.path().join("emb.bin");
    synthetic_skipgram().write(&path).unwrap();
    let input = write(dir.path(), "x.txt", "the word\n");
    fails(
        &mut on_model("predict", &path, &input),
        1,
        &["a word-embedding model, not a classifier"],
    );
}

#[test]
fn an_empty_test_file_is_an_error() {
    let (dir, model, _) = trained(&[]);
    let empty = write(dir.path(), "empty.txt", "");
    let unlabelled = write_lines(dir.path(), "unlabelled.txt", &["no label here", "nor here"]);
    for cmd in ["test", "report", "predict"] {
        fails(
            &mut on_model(cmd, &model, &empty),
            1,
            &["empty.txt: the file is empty"],
        );
    }
    for cmd in ["test", "report"] {
        fails(
            &mut on_model(cmd, &model, &unlabelled),
            1,
            &["no line with a label", "nothing to evaluate"],
        );
    }
}

#[test]
fn split_writes_the_ratios_deterministically() {
    let dir = temp_dir();
    let input = write_lines(dir.path(), "data.ft", &labelled_lines(1000, 0));
    let split = || {
        let mut cmd = blazetext();
        cmd.arg("split").arg(&input);
        cmd
    };
    let run = |seed: &str, prefix: &str| {
        succeeds(
            split()
                .args(["--train", "0.8", "--validation", "0.1", "--test", "0.1"])
                .args(["--stratify", "--seed", seed, "-o"])
                .arg(dir.path().join(prefix)),
        );
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
    fails(
        split().args(["--train", "0.8", "--validation", "0.3", "--test", "0.1"]),
        2,
        &["must sum to 1"],
    );
}

#[test]
fn pretrained_vectors_accept_vec_and_bin_and_check_the_dimension() {
    let (dir, model, _) = trained(&[]);
    let train = dir.path().join("train.txt");
    // A .vec with dimension 16 made from a few words.
    let vec = write(
        dir.path(),
        "pre.vec",
        format!(
            "2 16\ngoal {}\ncode {}\n",
            ["0.1"; 16].join(" "),
            ["-0.1"; 16].join(" ")
        ),
    );
    for pre in [&vec, &model] {
        succeeds(
            train_supervised(&train, &dir.path().join("withpre"))
                .args(["--vector-dim", "16", "--buckets", "1000", "--threads", "1"])
                .arg("--pretrained-vectors")
                .arg(pre),
        );
    }
    fails(
        train_supervised(&train, &dir.path().join("bad"))
            .args(["--vector-dim", "8", "--pretrained-vectors"])
            .arg(&vec),
        2,
        &["has dimension 16 but --vector-dim is 8"],
    );
}

#[test]
fn early_stopping_prints_validation_every_epoch_and_class_weights_work() {
    let dir = temp_dir();
    let train = write_lines(dir.path(), "train.txt", &labelled_lines(300, 0));
    let valid = write_lines(dir.path(), "valid.txt", &labelled_lines(60, 2000));
    let weights = write_lines(
        dir.path(),
        "w.txt",
        &["__label__food 2.0", "__label__tech 0.5"],
    );
    for cw in ["balanced", weights.to_str().unwrap()] {
        let progress = succeeds(
            train_supervised(&train, &dir.path().join("es"))
                .arg("--validation")
                .arg(&valid)
                .args(["--early-stopping", "--patience", "2", "--min-epochs", "3"])
                .args(["--epochs", "30", "--vector-dim", "8", "--buckets", "1000"])
                .args(["--threads", "1", "--class-weight", cw]),
        )
        .stderr;
        assert!(
            progress.contains("epoch 1/30: validation P@1") && progress.contains("epoch 3/30"),
            "{progress}"
        );
    }
    let manifest = read_json(&dir.path().join("es.json"));
    assert_eq!(manifest["kind"], "classifier");
    assert!(manifest["training"]["best_epoch"].as_u64().is_some());
}

#[test]
fn multi_label_ova_model_reports_per_label_figures() {
    let dir = temp_dir();
    let mut lines = labelled_lines(300, 0);
    for (i, l) in lines.iter_mut().enumerate() {
        if i % 4 == 0 {
            l.push_str(" __label__extra");
        }
    }
    let train = write_lines(dir.path(), "train.txt", &lines);
    let prefix = dir.path().join("ova");
    succeeds(
        train_supervised(&train, &prefix)
            .args(["--loss", "ova", "--vector-dim", "8", "--buckets", "1000"])
            .args(["--threads", "1", "--epochs", "10"]),
    );
    let v = stdout_json(on_model("report", &prefix.with_extension("bin"), &train).arg("--json"));
    assert_eq!(v["multi_label"], true);
    assert_eq!(v["threshold"], 0.5);
    assert!(v["samples"]["f1"].as_f64().is_some());
    assert!(v["confusion"].is_null());
}
