//! Finite numbers: options parse to finite values only, a run whose weights stop being finite
//! fails (exit 1, no model) instead of writing NaNs, runs that would train nothing are refused,
//! flags win over `--hyperparameters`, and a byte-order mark does not cost the first line its
//! label.

mod common;

use std::path::Path;

use common::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample.txt");
const LABELLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-labelled.train");

#[test]
fn a_diverging_run_fails_and_writes_no_model() {
    let dir = temp_dir();
    for (mode, input) in [
        ("skipgram", CORPUS),
        ("cbow", CORPUS),
        ("supervised", LABELLED),
    ] {
        let prefix = dir.path().join(mode);
        fails(
            train(mode, Path::new(input), &prefix).args(["--learning-rate", "1e30", "--quiet"]),
            1,
            &["diverged", "--learning-rate"],
        );
    }
    let model = dir.path().join("topics.ntm");
    fails(
        blazetext()
            .args(["topics", "train", SAMPLE_DOCS, "-o", arg(&model)])
            .args(FAST_TOPICS)
            .args(["--learning-rate", "1e30"]),
        1,
        &["diverged", "--learning-rate"],
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn options_parse_to_finite_numbers_only() {
    let dir = temp_dir();
    let prefix = dir.path().join("m");
    for option in ["--learning-rate=nan", "--ns-exponent=inf", "-t=-inf"] {
        fails(
            train("skipgram", Path::new(CORPUS), &prefix).arg(option),
            2,
            &["not a finite number"],
        );
    }
    for option in ["--tolerance=inf", "--alpha=nan", "--learning-rate=1e999"] {
        fails(
            blazetext()
                .args(["topics", "train", SAMPLE_DOCS, "-o", arg(&prefix)])
                .arg(option),
            2,
            &["not a finite number"],
        );
    }
    // Settings files get the same checks as flags.
    fails(
        blazetext()
            .args(["topics", "train", SAMPLE_DOCS, "-o", arg(&prefix)])
            .args(FAST_TOPICS)
            .args(["--hyperparameters", r#"{"tolerance": "inf"}"#]),
        2,
        &["--tolerance"],
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn topic_runs_that_would_train_nothing_are_refused() {
    let dir = temp_dir();
    let model = dir.path().join("m.ntm");
    let topics_train = || {
        let mut cmd = blazetext();
        cmd.args(["topics", "train", SAMPLE_DOCS, "-o", arg(&model)])
            .args(["--epochs", "1", "--threads", "1", "--quiet"]);
        cmd
    };
    fails(
        topics_train().args(["--mini-batch-size", "1"]),
        2,
        &["--mini-batch-size"],
    );
    fails(
        topics_train().args(["--sub-sample", "0.0001"]),
        2,
        &["--sub-sample"],
    );
    assert!(!model.exists());
}

#[test]
fn flags_win_over_hyperparameters_in_topics_train() {
    let dir = temp_dir();
    let model = dir.path().join("m.ntm");
    // FAST_TOPICS gives --epochs 3 on the command line: it wins over the file's 1.
    let summary = stdout_json(
        blazetext()
            .args(["topics", "train", SAMPLE_DOCS, "-o", arg(&model), "--json"])
            .args(FAST_TOPICS)
            .args([
                "--hyperparameters",
                r#"{"epochs": "1", "num_patience_epochs": "9"}"#,
            ]),
    );
    assert_eq!(summary["epochs"], 3);
}

#[test]
fn hyperparameters_win_over_defaults_in_topics_train() {
    let dir = temp_dir();
    let model = dir.path().join("m.ntm");
    let summary = stdout_json(
        blazetext()
            .args(["topics", "train", SAMPLE_DOCS, "-o", arg(&model), "--json"])
            .args([
                "--num-topics",
                "5",
                "--encoder-layers",
                "16,8",
                "--threads",
                "1",
            ])
            .args([
                "--hyperparameters",
                r#"{"epochs": "2", "num_patience_epochs": "9"}"#,
            ]),
    );
    assert_eq!(summary["epochs"], 2);
}

#[test]
fn a_byte_order_mark_does_not_cost_the_first_line_its_label() {
    let dir = temp_dir();
    let input = write(
        dir.path(),
        "bom.txt",
        "\u{feff}__label__first hello world\n__label__second again\n",
    );
    let out = run_ok(&["preprocess", arg(&input), "-o", "-", "--quiet"]);
    assert_eq!(out, "__label__first hello world\n__label__second again\n");
}
