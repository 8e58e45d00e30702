//! End-to-end tests of `blazetext topics …`: training, inference formats, show/eval/sweep/bow,
//! reproducibility, SageMaker inputs and every bad input of the topics issue.

mod common;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

use common::{
    arg, blazetext, fails, number_rows, read_json, stdout, stdout_json, succeeds, temp_dir, write,
    FAST_TOPICS, SAMPLE_DOCS as SAMPLE,
};

/// `blazetext topics <command> <arg>` (a model or a corpus), ready for more arguments.
fn topics(command: &str, arg: &Path) -> Command {
    let mut cmd = blazetext();
    cmd.args(["topics", command]).arg(arg);
    cmd
}

/// `blazetext topics train <corpus> -o <model>`, ready for more options.
fn topics_train(corpus: &Path, model: &Path) -> Command {
    let mut cmd = topics("train", corpus);
    cmd.arg("-o").arg(model);
    cmd
}

/// `blazetext topics train` on the sample corpus with [`FAST_TOPICS`] settings, ready for more
/// options.
fn train_sample_fast(model: &Path) -> Command {
    let mut cmd = topics_train(Path::new(SAMPLE), model);
    cmd.args(FAST_TOPICS);
    cmd
}

fn train_sample(dir: &Path) -> PathBuf {
    let model = dir.join("m.ntm");
    let summary = stdout(&mut train_sample_fast(&model));
    assert!(summary.contains("npmi"), "{summary}");
    model
}

/// Inferred topic weights as printed by `topics infer --format <format>` (csv, jsonl) or, with
/// no format, in the default SageMaker response.
fn inferred(model: &Path, docs: &Path, format: Option<&str>) -> Vec<Vec<f64>> {
    let mut cmd = topics("infer", model);
    cmd.arg(docs).arg("--quiet");
    if let Some(format) = format {
        cmd.args(["--format", format]);
    }
    let out = stdout(&mut cmd);
    let weights = |v: &serde_json::Value| serde_json::from_value(v["topic_weights"].clone());
    match format {
        Some("csv") => number_rows(&out, ','),
        Some("jsonl") => common::json_lines(&out)
            .iter()
            .map(|v| weights(v).unwrap())
            .collect(),
        _ => {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let predictions = v["predictions"].as_array().unwrap();
            predictions.iter().map(|p| weights(p).unwrap()).collect()
        }
    }
}

fn assert_distributions(rows: &[Vec<f64>], k: usize) {
    for r in rows {
        assert_eq!(r.len(), k);
        assert!(r.iter().all(|&v| v >= 0.0), "{r:?}");
        assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{r:?}");
    }
}

#[test]
fn train_infer_show_eval_end_to_end() {
    let dir = temp_dir();
    let model = train_sample(dir.path());
    let m = arg(&model);
    // Includes an empty line and a document of unknown words: both get the uniform vector.
    let docs = write(
        dir.path(),
        "docs.txt",
        "the guitar and the drums at the concert\n\nzzzz qqqq\nthe compiler and the laptop\n",
    );
    let rows = inferred(&model, &docs, None);
    assert_eq!(rows.len(), 4);
    assert_distributions(&rows, 5);
    assert_eq!(rows[1], vec![0.2; 5]);
    assert_eq!(rows[2], vec![0.2; 5]);

    let lines = inferred(&model, &docs, Some("jsonl"));
    assert_eq!(lines, rows); // both parsed by serde_json
    let csv = inferred(&model, &docs, Some("csv"));
    // serde_json's float parsing may differ from Rust's by one ulp.
    for (a, b) in csv.iter().flatten().zip(rows.iter().flatten()) {
        assert!((a - b).abs() < 1e-12);
    }
    assert_eq!(csv.len(), rows.len());

    let v = stdout_json(topics("show", &model).args(["-n", "4", "--json", "--labels"]));
    assert_eq!(v["topics"].as_array().unwrap().len(), 5);
    assert_eq!(v["topics"][0]["words"].as_array().unwrap().len(), 4);
    assert!(v["topics"][0]["label"].as_str().unwrap().contains('-'));
    let shown = stdout(&mut topics("show", &model));
    assert!(shown.contains("topic   0:"), "{shown}");

    let matrix = dir.path().join("phi.tsv");
    let vis = dir.path().join("vis.json");
    succeeds(
        blazetext()
            .args(["topics", "show", m, "--export-matrix", arg(&matrix)])
            .args(["--pyldavis", arg(&vis), "--docs", SAMPLE]),
    );
    let tsv = std::fs::read_to_string(&matrix).unwrap();
    assert_eq!(tsv.lines().count(), 6);
    for row in tsv.lines().skip(1) {
        let s: f64 = row
            .split('\t')
            .skip(1)
            .map(|x| x.parse::<f64>().unwrap())
            .sum();
        assert!((s - 1.0).abs() < 1e-4);
    }
    let vis = read_json(&vis);
    for key in [
        "topic_term_dists",
        "doc_topic_dists",
        "doc_lengths",
        "vocab",
        "term_frequency",
    ] {
        assert!(vis.get(key).is_some(), "{key}");
    }
    assert_eq!(vis["topic_term_dists"].as_array().unwrap().len(), 5);

    let v = stdout_json(blazetext().args(["topics", "eval", m, SAMPLE, "--json", "--quiet"]));
    for key in ["npmi_document", "npmi_window10", "td25", "tu", "perplexity"] {
        assert!(v[key].is_number(), "{key}: {v}");
    }
    let npmi = v["npmi_document"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&npmi));
}

#[test]
fn same_seed_gives_identical_model_files() {
    let dir = temp_dir();
    let a = train_sample(dir.path());
    let first = std::fs::read(&a).unwrap();
    let b = train_sample(dir.path());
    assert_eq!(first, std::fs::read(b).unwrap());
}

#[test]
fn sagemaker_csv_vocab_and_json_requests() {
    let dir = temp_dir();
    let rows: Vec<&str> = (0..60)
        .map(|i| {
            if i % 2 == 0 {
                "3,2,1,0,0,0"
            } else {
                "0,0,0,1,2,3"
            }
        })
        .collect();
    let csv = common::write_lines(dir.path(), "train.csv", &rows);
    let vocab = write(
        dir.path(),
        "vocab.txt",
        "apple\nbanana\ncherry\ndog\ncat\nmouse\n",
    );
    let model = dir.path().join("csv.ntm");
    succeeds(
        topics_train(&csv, &model)
            .arg("--vocab")
            .arg(&vocab)
            .arg("--hyperparameters")
            .arg(r#"{"num_topics": "2", "epochs": "3", "mini_batch_size": "16", "encoder_layers": "[8, 4]", "optimizer": "rmsprop", "learning_rate": "0.01", "batch_norm": "true", "feature_dim": "6"}"#)
            .args(["--quiet", "--threads", "1"]),
    );
    let req = write(
        dir.path(),
        "req.json",
        r#"{"instances": [{"features": [1, 0, 2, 0, 0, 0]}, {"data": {"features": {"keys": [5], "shape": [6], "values": [4]}}}]}"#,
    );
    assert_eq!(inferred(&model, &req, None).len(), 2);
    let shown = stdout(topics("show", &model).args(["-n", "3"]));
    assert!(
        shown.contains("apple") || shown.contains("mouse"),
        "{shown}"
    );
    // A count model has no text pipeline: raw text is refused with a clear message.
    let text = write(dir.path(), "t.txt", "apple banana\n");
    fails(topics("infer", &model).arg(&text), 1, &["no text pipeline"]);
    // Unknown SageMaker hyperparameter names are rejected by name, and a switch that is neither
    // true nor false is an error, not a silent `false`.
    for (json, message) in [
        (
            r#"{"num_topic": "2"}"#,
            "unknown hyperparameter `num_topic`",
        ),
        (
            r#"{"batch_norm": "yes"}"#,
            "hyperparameter batch_norm=yes: expected true or false",
        ),
    ] {
        fails(
            topics_train(&csv, &model).args(["--hyperparameters", json]),
            2,
            &[message],
        );
    }
}

#[test]
fn sweep_reports_each_k() {
    let dir = temp_dir();
    let v = stdout_json(
        topics("sweep", Path::new(SAMPLE))
            .args([
                "--num-topics",
                "2,4",
                "--epochs",
                "2",
                "--encoder-layers",
                "8",
            ])
            .args(["--threads", "1", "--quiet", "--json"])
            .arg("--output-dir")
            .arg(dir.path()),
    );
    let rows = v["sweep"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["num_topics"], 4);
    assert!(rows[0]["perplexity"].as_f64().unwrap() > 1.0);
    assert!(dir.path().join("topics-4.ntm").exists());
}

#[test]
fn bad_topic_counts() {
    let dir = temp_dir();
    let out = dir.path().join("m.ntm");
    for k in ["0", "1"] {
        fails(
            topics_train(Path::new(SAMPLE), &out).args(["--num-topics", k]),
            2,
            &["at least 2 topics"],
        );
    }
    let tiny = write(
        dir.path(),
        "tiny.txt",
        "apple banana\nbanana cherry\napple cherry\n",
    );
    fails(
        topics_train(&tiny, &out).args(["--num-topics", "5", "--min-df", "1", "--max-df", "1.0"]),
        2,
        &["more than the 3 vocabulary words"],
    );
    assert!(!out.exists());
}

#[test]
fn bad_encoder_input_norm() {
    let dir = temp_dir();
    let out = dir.path().join("m.ntm");
    for (norm, message) in [
        ("--encoder-input-norm=-1", "must be positive"),
        ("--encoder-input-norm=nan", "not a finite number"),
    ] {
        fails(
            topics_train(Path::new(SAMPLE), &out).arg(norm),
            2,
            &["--encoder-input-norm", message],
        );
    }
    assert!(!out.exists());
}

#[test]
fn corpus_empty_after_preprocessing() {
    let dir = temp_dir();
    let stop = write(
        dir.path(),
        "stop.txt",
        "the and of\nit is a the\n\nto be or not to be\n",
    );
    fails(
        topics_train(&stop, &dir.path().join("m.ntm")).args(["--min-df", "1", "--num-topics", "2"]),
        2,
        &["empty"],
    );
}

#[test]
fn bad_csv_counts_and_vocab() {
    let dir = temp_dir();
    let out = dir.path().join("m.ntm");
    for (name, text, needle) in [
        ("wide.csv", "1,2,3\n1,2\n", "wide.csv:2"),
        ("nan.csv", "1,2,3\n1,NaN,3\n", "nan.csv:2"),
        ("neg.csv", "1,2,3\n1,-4,3\n", "count -4 is invalid"),
    ] {
        let p = write(dir.path(), name, text);
        fails(topics_train(&p, &out).args(["-k", "2"]), 1, &[needle]);
    }
    let csv = write(dir.path(), "ok.csv", "1,2,3\n3,2,1\n");
    let vocab = write(dir.path(), "vocab.txt", "a\nb\n");
    fails(
        topics_train(&csv, &out)
            .args(["-k", "2"])
            .arg("--vocab")
            .arg(&vocab),
        1,
        &["has 2 words but the count rows have 3 columns"],
    );
    assert!(!out.exists());
}

#[test]
fn foreign_model_file_is_a_clear_error() {
    let dir = temp_dir();
    let fake = write(dir.path(), "fake.ntm", "not a model");
    fails(
        &mut topics("show", &fake),
        1,
        &["not a blazetext topic model"],
    );
}

#[test]
fn topic_model_given_to_predict_or_nn_points_to_topics_commands() {
    let dir = temp_dir();
    let model = train_sample(dir.path());
    let m = arg(&model);
    let docs = write(dir.path(), "d.txt", "a song with a chorus\n");
    for args in [vec!["predict", m, arg(&docs)], vec!["nn", m, "song"]] {
        fails(
            blazetext().args(&args),
            1,
            &["blazetext topic model", "blazetext topics infer"],
        );
    }
}

#[test]
fn wetc_reads_fasttext_bin_and_vec_embeddings() {
    let dir = temp_dir();
    let model = train_sample(dir.path());
    let prefix = dir.path().join("emb");
    // Subword vectors give every (stemmed) top word a vector, so WETC is always defined.
    succeeds(
        common::train("skipgram", Path::new(SAMPLE), &prefix)
            .args([
                "--dim",
                "8",
                "--min-count",
                "1",
                "--epochs",
                "1",
                "--threads",
                "1",
            ])
            .args(["--subwords", "--buckets", "500", "--seed", "3", "--quiet"]),
    );
    for ext in ["bin", "vec"] {
        let v = stdout_json(
            topics("eval", &model)
                .args([SAMPLE, "--json", "--quiet", "--embeddings"])
                .arg(prefix.with_extension(ext)),
        );
        let w = v["wetc"].as_f64().unwrap_or(f64::NAN);
        assert!((-1.0..=1.0).contains(&w), ".{ext}: wetc {w}");
    }
}

#[test]
fn topic_embeddings_from_vectors_trained_on_the_topic_pipeline() {
    let dir = temp_dir();
    // The documented recipe: vectors trained on the text after the topic pipeline.
    let tokens = dir.path().join("tokens.txt");
    succeeds(
        blazetext()
            .args(["preprocess", SAMPLE, "-o"])
            .arg(&tokens)
            .args(["--stopwords", "english", "--stemmer", "english", "--quiet"]),
    );
    let prefix = dir.path().join("emb");
    succeeds(
        common::train("skipgram", &tokens, &prefix)
            .args(["--dim", "8", "--min-count", "1", "--epochs", "1"])
            .args(["--threads", "1", "--seed", "3", "--quiet"]),
    );
    let model = dir.path().join("m.ntm");
    let summary = stdout(
        train_sample_fast(&model)
            .arg("--topic-embeddings")
            .arg(prefix.with_extension("vec")),
    );
    assert!(summary.contains("npmi"), "{summary}");
    let rows = inferred(&model, Path::new(SAMPLE), Some("csv"));
    assert!(!rows.is_empty());
    assert_distributions(&rows, 5);
    stdout(topics("show", &model).args(["-n", "3"]));
}

#[test]
fn topic_embeddings_that_miss_the_vocabulary_or_are_not_vectors() {
    let dir = temp_dir();
    let unrelated = write(dir.path(), "other.vec", "2 3\nzebra 1 0 0\nquartz 0 1 0\n");
    let model = dir.path().join("m.ntm");
    for (vectors, message) in [
        (unrelated, "has a vector for none of the vocabulary words"),
        (
            PathBuf::from(SAMPLE),
            "sample-docs.txt:1: expected a `<number of words> <dimension>` header",
        ),
    ] {
        fails(
            train_sample_fast(&model)
                .arg("--topic-embeddings")
                .arg(&vectors),
            1,
            &[message],
        );
        assert!(!model.exists());
    }
}
