//! Limits before allocation: sizes that come from options are checked before memory is reserved
//! (a clear error naming the size and the option to lower, never an abort), `k` is clamped to
//! the vocabulary, and settings files must be regular files of bounded size.

mod common;

use common::*;

const TEXT: &str = "the cat sat on the mat\nthe dog sat on the log\n";

#[test]
fn matrices_too_large_are_refused_with_their_size() {
    let dir = temp_dir();
    let corpus = write(dir.path(), "corpus.txt", TEXT.repeat(10));
    let labelled = write_lines(dir.path(), "train.txt", &labelled_lines(30, 0));
    let prefix = dir.path().join("model");
    let runs: [(&std::path::Path, &str, &[&str], &str); 3] = [
        (
            &corpus,
            "skipgram",
            &["--subwords", "--vector-dim", "100000000"],
            "--vector-dim",
        ),
        (
            &corpus,
            "skipgram",
            &["--vector-dim", "2000000000", "--min-count", "1"],
            "--vector-dim",
        ),
        (
            &labelled,
            "supervised",
            &["--buckets", "2147483647"],
            "--buckets",
        ),
    ];
    for (input, mode, options, named) in runs {
        fails(
            train(mode, input, &prefix).args(options).arg("--quiet"),
            2,
            &["GiB", named],
        );
    }
    assert!(!dir.path().join("model.bin").exists());
}

#[test]
fn topic_encoders_too_large_or_empty_are_refused() {
    let dir = temp_dir();
    let model = dir.path().join("m.ntm");
    let train_with = |layers: &str| {
        let mut cmd = blazetext();
        cmd.args(["topics", "train", SAMPLE_DOCS, "-o", arg(&model)])
            .args(["--epochs", "1", "--threads", "1", "--quiet"])
            .args(["--encoder-layers", layers]);
        cmd
    };
    fails(
        &mut train_with("1000000,1000000"),
        2,
        &["GiB", "--encoder-layers"],
    );
    fails(&mut train_with("0"), 2, &["--encoder-layers"]);
    assert!(!model.exists());
}

#[test]
fn k_larger_than_the_vocabulary_is_clamped() {
    let dir = temp_dir();
    let vec = write(
        dir.path(),
        "m.vec",
        "3 2\ncat 0.1 0.2\ndog 0.3 0.4\nmat 0.5 0.1\n",
    );
    let out = run_ok(&["nn", arg(&vec), "cat", "-k", "1000000000"]);
    assert_eq!(out.lines().filter(|l| !l.is_empty()).count(), 2, "{out}");
    let out = run_ok(&[
        "analogy",
        arg(&vec),
        "cat",
        "dog",
        "mat",
        "-k",
        "1000000000",
    ]);
    assert!(out.lines().filter(|l| !l.is_empty()).count() <= 3, "{out}");
}

#[cfg(unix)]
#[test]
fn settings_files_must_be_regular_files() {
    let dir = temp_dir();
    let corpus = write(dir.path(), "corpus.txt", TEXT);
    let out = dir.path().join("out.txt");
    for option in ["--pipeline-config=/dev/zero", "--tokenizer=hf:/dev/zero"] {
        fails(
            blazetext().args(["preprocess", arg(&corpus), "-o", arg(&out), option]),
            1,
            &["/dev/zero", "not a file"],
        );
    }
    fails(
        train("skipgram", &corpus, &dir.path().join("m")).args(["--hyperparameters", "/dev/zero"]),
        1,
        &["/dev/zero", "not a file"],
    );
    assert!(!out.exists());
}
