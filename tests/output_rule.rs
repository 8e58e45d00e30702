//! The output rule: no command writes over one of its inputs, an output is never a folder, and
//! a missing input (an evaluation or validation file) stops a run before any work.

mod common;

use std::path::Path;

use common::*;

/// Asserts that `cmd` is refused as a usage error naming `output`, and that `input` still holds
/// `content`.
fn refused(cmd: &mut assert_cmd::Command, input: &Path, content: &[u8]) {
    fails(cmd, 2, &["is the input", arg(input)]);
    assert_eq!(std::fs::read(input).unwrap(), content, "the input changed");
}

const TEXT: &str = "the cat sat on the mat\nthe dog sat on the log\n";

#[test]
fn preprocess_and_vocab_refuse_to_write_their_input() {
    let dir = temp_dir();
    let input = write(dir.path(), "corpus.txt", TEXT);
    refused(
        blazetext().args(["preprocess", arg(&input), "-o", arg(&input)]),
        &input,
        TEXT.as_bytes(),
    );
    // The same file by another name.
    let other_name = dir.path().join(".").join("corpus.txt");
    refused(
        blazetext().args(["preprocess", arg(&input), "-o", arg(&other_name)]),
        &input,
        TEXT.as_bytes(),
    );
    let out = dir.path().join("out.txt");
    refused(
        blazetext()
            .args(["preprocess", arg(&input), "-o", arg(&out)])
            .args(["--save-pipeline-config", arg(&input)]),
        &input,
        TEXT.as_bytes(),
    );
    refused(
        blazetext().args(["vocab", "build", arg(&input), "-o", arg(&input)]),
        &input,
        TEXT.as_bytes(),
    );
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn a_hard_link_to_the_input_is_the_input() {
    let dir = temp_dir();
    let input = write(dir.path(), "corpus.txt", TEXT);
    let link = dir.path().join("link.txt");
    std::fs::hard_link(&input, &link).unwrap();
    refused(
        blazetext().args(["preprocess", arg(&input), "-o", arg(&link)]),
        &input,
        TEXT.as_bytes(),
    );
}

#[test]
fn two_outputs_on_one_path_are_refused() {
    let dir = temp_dir();
    let input = write(dir.path(), "corpus.txt", TEXT);
    let out = dir.path().join("out.txt");
    fails(
        blazetext()
            .args(["preprocess", arg(&input), "-o", arg(&out)])
            .args(["--save-pipeline-config", arg(&out)]),
        2,
        &["the same file"],
    );
    assert!(!out.exists());
}

#[test]
fn convert_refuses_to_write_its_input() {
    let dir = temp_dir();
    let vec = "2 2\ncat 0.1 0.2\ndog 0.3 0.4\n";
    let input = write(dir.path(), "m.vec", vec);
    for to in ["vec", "w2v-bin"] {
        refused(
            blazetext().args(["convert", arg(&input), arg(&input), "--to", to]),
            &input,
            vec.as_bytes(),
        );
    }
}

#[test]
fn train_refuses_a_prefix_whose_files_are_inputs() {
    let dir = temp_dir();
    let corpus = write(dir.path(), "words.vec", TEXT);
    let prefix = dir.path().join("words");
    refused(
        train("skipgram", &corpus, &prefix).arg("--quiet"),
        &corpus,
        TEXT.as_bytes(),
    );
    // A supervised model writes .bin and .json: a validation file named like its manifest.
    let labelled = write_lines(dir.path(), "train.txt", &labelled_lines(30, 0));
    let validation = write_lines(dir.path(), "clf.json", &labelled_lines(9, 1));
    let before = std::fs::read(&validation).unwrap();
    refused(
        train("supervised", &labelled, &dir.path().join("clf"))
            .args(["--validation", arg(&validation)]),
        &validation,
        &before,
    );
    assert!(!dir.path().join("clf.bin").exists());
}

#[test]
fn a_folder_is_never_an_output() {
    let dir = temp_dir();
    let corpus = write(dir.path(), "corpus.txt", TEXT);
    for output in ["/", ".", arg(dir.path())] {
        fails(
            &mut train("skipgram", &corpus, Path::new(output)),
            2,
            &["is a folder"],
        );
    }
    fails(
        blazetext().args(["preprocess", arg(&corpus), "-o", arg(dir.path())]),
        2,
        &["is a folder"],
    );
}

#[test]
fn an_output_inside_an_input_folder_is_refused() {
    let dir = temp_dir();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    write(&docs, "a.txt", TEXT);
    let out = docs.join("all.txt");
    fails(
        blazetext().args(["preprocess", arg(&docs), "-o", arg(&out)]),
        2,
        &["inside the input folder"],
    );
    assert!(!out.exists());
}

#[test]
fn missing_evaluation_and_validation_files_stop_training_before_it_starts() {
    let dir = temp_dir();
    let corpus = write(dir.path(), "corpus.txt", TEXT.repeat(20));
    let prefix = dir.path().join("model");
    let missing = dir.path().join("missing-pairs.tsv");
    for option in ["--eval-similarity", "--eval-analogies"] {
        let stderr = fails(
            train("skipgram", &corpus, &prefix).args([option, arg(&missing)]),
            1,
            &[arg(&missing), "no such file"],
        );
        assert!(!stderr.contains("wrote"), "{stderr}");
    }
    let labelled = write_lines(dir.path(), "train.txt", &labelled_lines(30, 0));
    fails(
        train("supervised", &labelled, &prefix).args(["--validation", arg(&missing)]),
        1,
        &[arg(&missing)],
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn topics_refuse_to_write_their_documents() {
    let dir = temp_dir();
    let docs = write(dir.path(), "docs.txt", std::fs::read(SAMPLE_DOCS).unwrap());
    let before = std::fs::read(&docs).unwrap();
    refused(
        blazetext()
            .args(["topics", "train", arg(&docs), "-o", arg(&docs)])
            .args(FAST_TOPICS),
        &docs,
        &before,
    );
    let model = dir.path().join("m.ntm");
    succeeds(
        blazetext()
            .args(["topics", "train", arg(&docs), "-o", arg(&model)])
            .args(FAST_TOPICS),
    );
    for option in ["--export-matrix", "--pyldavis"] {
        refused(
            blazetext()
                .args(["topics", "show", arg(&model), option, arg(&docs)])
                .args(["--docs", arg(&docs)]),
            &docs,
            &before,
        );
    }
}

#[test]
fn report_refuses_to_write_its_confusion_matrix_over_the_test_file() {
    let dir = temp_dir();
    let labelled = write_lines(dir.path(), "train.txt", &labelled_lines(60, 0));
    let test = write_lines(dir.path(), "test.txt", &labelled_lines(12, 1));
    let prefix = dir.path().join("clf");
    succeeds(train("supervised", &labelled, &prefix).args(["--epochs", "2", "--quiet"]));
    let model = dir.path().join("clf.bin");
    let before = std::fs::read(&test).unwrap();
    refused(
        blazetext().args([
            "report",
            arg(&model),
            arg(&test),
            "--confusion-csv",
            arg(&test),
        ]),
        &test,
        &before,
    );
    let model_before = std::fs::read(&model).unwrap();
    refused(
        blazetext().args([
            "report",
            arg(&model),
            arg(&test),
            "--confusion-csv",
            arg(&model),
        ]),
        &model,
        &model_before,
    );
}
