//! End-to-end tests of `blazetext topics …`: training, inference formats, show/eval/sweep/bow,
//! reproducibility, SageMaker inputs and every bad input of the topics issue.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-docs.txt");

fn blazetext() -> Command {
    Command::cargo_bin("blazetext").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Small, fast settings for the shipped sample corpus.
const FAST: &[&str] = &[
    "--num-topics",
    "5",
    "--epochs",
    "3",
    "--encoder-layers",
    "16,8",
    "--mini-batch-size",
    "64",
    "--threads",
    "1",
    "--quiet",
];

fn train_sample(dir: &Path) -> PathBuf {
    let model = dir.join("m.ntm");
    blazetext()
        .args(["topics", "train", SAMPLE, "-o", model.to_str().unwrap()])
        .args(FAST)
        .assert()
        .success()
        .stdout(predicate::str::contains("npmi"));
    model
}

/// `topics infer --format csv` output as rows of numbers.
fn csv_rows(stdout: &[u8]) -> Vec<Vec<f64>> {
    std::str::from_utf8(stdout)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect()
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
    let dir = tempfile::tempdir().unwrap();
    let model = train_sample(dir.path());
    let m = model.to_str().unwrap();
    // Includes an empty line and a document of unknown words: both get the uniform vector.
    let docs = write(
        dir.path(),
        "docs.txt",
        "the guitar and the drums at the concert\n\nzzzz qqqq\nthe compiler and the laptop\n",
    );
    let out = blazetext()
        .args(["topics", "infer", m, docs.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<Vec<f64>> = v["predictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| serde_json::from_value(p["topic_weights"].clone()).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    assert_distributions(&rows, 5);
    assert_eq!(rows[1], vec![0.2; 5]);
    assert_eq!(rows[2], vec![0.2; 5]);

    let out = blazetext()
        .args([
            "topics",
            "infer",
            m,
            docs.to_str().unwrap(),
            "--format",
            "jsonl",
            "--quiet",
        ])
        .output()
        .unwrap();
    let lines: Vec<Vec<f64>> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            serde_json::from_value(v["topic_weights"].clone()).unwrap()
        })
        .collect();
    assert_eq!(lines, rows); // both parsed by serde_json
    let out = blazetext()
        .args([
            "topics",
            "infer",
            m,
            docs.to_str().unwrap(),
            "--format",
            "csv",
            "--quiet",
        ])
        .output()
        .unwrap();
    let csv = csv_rows(&out.stdout);
    // serde_json's float parsing may differ from Rust's by one ulp.
    for (a, b) in csv.iter().flatten().zip(rows.iter().flatten()) {
        assert!((a - b).abs() < 1e-12);
    }
    assert_eq!(csv.len(), rows.len());

    let out = blazetext()
        .args(["topics", "show", m, "-n", "4", "--json", "--labels"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["topics"].as_array().unwrap().len(), 5);
    assert_eq!(v["topics"][0]["words"].as_array().unwrap().len(), 4);
    assert!(v["topics"][0]["label"].as_str().unwrap().contains('-'));
    blazetext()
        .args(["topics", "show", m])
        .assert()
        .success()
        .stdout(predicate::str::contains("topic   0:"));

    let matrix = dir.path().join("phi.tsv");
    let vis = dir.path().join("vis.json");
    blazetext()
        .args([
            "topics",
            "show",
            m,
            "--export-matrix",
            matrix.to_str().unwrap(),
        ])
        .args(["--pyldavis", vis.to_str().unwrap(), "--docs", SAMPLE])
        .assert()
        .success();
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
    let vis: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&vis).unwrap()).unwrap();
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

    let out = blazetext()
        .args(["topics", "eval", m, SAMPLE, "--json", "--quiet"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["npmi_document", "npmi_window10", "td25", "tu", "perplexity"] {
        assert!(v[key].is_number(), "{key}: {v}");
    }
    let npmi = v["npmi_document"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&npmi));
}

#[test]
fn same_seed_gives_identical_model_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = train_sample(dir.path());
    let first = std::fs::read(&a).unwrap();
    let b = train_sample(dir.path());
    assert_eq!(first, std::fs::read(b).unwrap());
}

#[test]
fn sagemaker_csv_vocab_and_json_requests() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<String> = (0..60)
        .map(|i| {
            if i % 2 == 0 {
                "3,2,1,0,0,0"
            } else {
                "0,0,0,1,2,3"
            }
            .to_string()
        })
        .collect();
    let csv = write(dir.path(), "train.csv", &(rows.join("\n") + "\n"));
    let vocab = write(
        dir.path(),
        "vocab.txt",
        "apple\nbanana\ncherry\ndog\ncat\nmouse\n",
    );
    let model = dir.path().join("csv.ntm");
    blazetext()
        .args(["topics", "train", csv.to_str().unwrap(), "--vocab", vocab.to_str().unwrap()])
        .args(["-o", model.to_str().unwrap(), "--hyperparameters"])
        .arg(r#"{"num_topics": "2", "epochs": "3", "mini_batch_size": "16", "encoder_layers": "[8, 4]", "optimizer": "rmsprop", "learning_rate": "0.01", "batch_norm": "true", "feature_dim": "6"}"#)
        .args(["--quiet", "--threads", "1"])
        .assert()
        .success();
    let m = model.to_str().unwrap();
    let req = write(
        dir.path(),
        "req.json",
        r#"{"instances": [{"features": [1, 0, 2, 0, 0, 0]}, {"data": {"features": {"keys": [5], "shape": [6], "values": [4]}}}]}"#,
    );
    let out = blazetext()
        .args(["topics", "infer", m, req.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["predictions"].as_array().unwrap().len(), 2);
    blazetext()
        .args(["topics", "show", m, "-n", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("apple").or(predicate::str::contains("mouse")));
    // A count model has no text pipeline: raw text is refused with a clear message.
    let text = write(dir.path(), "t.txt", "apple banana\n");
    blazetext()
        .args(["topics", "infer", m, text.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no text pipeline"));
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
        blazetext()
            .args(["topics", "train", csv.to_str().unwrap(), "-o", m])
            .args(["--hyperparameters", json])
            .assert()
            .failure()
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn sweep_reports_each_k() {
    let dir = tempfile::tempdir().unwrap();
    let out = blazetext()
        .args([
            "topics",
            "sweep",
            SAMPLE,
            "--num-topics",
            "2,4",
            "--epochs",
            "2",
        ])
        .args([
            "--encoder-layers",
            "8",
            "--threads",
            "1",
            "--quiet",
            "--json",
        ])
        .args(["--output-dir", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["sweep"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["num_topics"], 4);
    assert!(rows[0]["perplexity"].as_f64().unwrap() > 1.0);
    assert!(dir.path().join("topics-4.ntm").exists());
}

#[test]
fn bad_topic_counts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.ntm");
    for k in ["0", "1"] {
        blazetext()
            .args([
                "topics",
                "train",
                SAMPLE,
                "-o",
                out.to_str().unwrap(),
                "--num-topics",
                k,
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("at least 2 topics"));
    }
    let tiny = write(
        dir.path(),
        "tiny.txt",
        "apple banana\nbanana cherry\napple cherry\n",
    );
    blazetext()
        .args([
            "topics",
            "train",
            tiny.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(["--num-topics", "5", "--min-df", "1", "--max-df", "1.0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than the 3 vocabulary words"));
    assert!(!out.exists());
}

#[test]
fn bad_encoder_input_norm() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.ntm");
    for norm in ["--encoder-input-norm=-1", "--encoder-input-norm=nan"] {
        blazetext()
            .args(["topics", "train", SAMPLE, "-o", out.to_str().unwrap(), norm])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("--encoder-input-norm")
                    .and(predicate::str::contains("must be positive")),
            );
    }
    assert!(!out.exists());
}

#[test]
fn corpus_empty_after_preprocessing() {
    let dir = tempfile::tempdir().unwrap();
    let stop = write(
        dir.path(),
        "stop.txt",
        "the and of\nit is a the\n\nto be or not to be\n",
    );
    blazetext()
        .args(["topics", "train", stop.to_str().unwrap(), "-o"])
        .arg(dir.path().join("m.ntm"))
        .args(["--min-df", "1", "--num-topics", "2"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("empty"));
}

#[test]
fn bad_csv_counts_and_vocab() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.ntm");
    let o = out.to_str().unwrap();
    for (name, text, needle) in [
        ("wide.csv", "1,2,3\n1,2\n", "wide.csv:2"),
        ("nan.csv", "1,2,3\n1,NaN,3\n", "nan.csv:2"),
        ("neg.csv", "1,2,3\n1,-4,3\n", "count -4 is invalid"),
    ] {
        let p = write(dir.path(), name, text);
        blazetext()
            .args(["topics", "train", p.to_str().unwrap(), "-o", o, "-k", "2"])
            .assert()
            .failure()
            .stderr(predicate::str::contains(needle));
    }
    let csv = write(dir.path(), "ok.csv", "1,2,3\n3,2,1\n");
    let vocab = write(dir.path(), "vocab.txt", "a\nb\n");
    blazetext()
        .args(["topics", "train", csv.to_str().unwrap(), "-o", o, "-k", "2"])
        .args(["--vocab", vocab.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "has 2 words but the count rows have 3 columns",
        ));
    assert!(!out.exists());
}

#[test]
fn foreign_model_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let fake = write(dir.path(), "fake.ntm", "not a model");
    blazetext()
        .args(["topics", "show", fake.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a blazetext topic model"));
}

#[test]
fn topic_model_given_to_predict_or_nn_points_to_topics_commands() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_sample(dir.path());
    let m = model.to_str().unwrap();
    let docs = write(dir.path(), "d.txt", "a song with a chorus\n");
    for args in [
        vec!["predict", m, docs.to_str().unwrap()],
        vec!["nn", m, "song"],
    ] {
        blazetext()
            .args(&args)
            .assert()
            .failure()
            .stderr(predicate::str::contains("blazetext topic model"))
            .stderr(predicate::str::contains("blazetext topics infer"));
    }
}

#[test]
fn wetc_reads_fasttext_bin_and_vec_embeddings() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_sample(dir.path());
    let prefix = dir.path().join("emb");
    // Subword vectors give every (stemmed) top word a vector, so WETC is always defined.
    blazetext()
        .args(["train", "--mode", "skipgram", SAMPLE, "-o"])
        .arg(&prefix)
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
        .args(["--subwords", "--buckets", "500", "--seed", "3", "--quiet"])
        .assert()
        .success();
    for ext in ["bin", "vec"] {
        let out = blazetext()
            .args([
                "topics",
                "eval",
                model.to_str().unwrap(),
                SAMPLE,
                "--json",
                "--quiet",
            ])
            .arg("--embeddings")
            .arg(prefix.with_extension(ext))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let w = v["wetc"].as_f64().unwrap_or(f64::NAN);
        assert!((-1.0..=1.0).contains(&w), ".{ext}: wetc {w}");
    }
}

#[test]
fn topic_embeddings_from_vectors_trained_on_the_topic_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    // The documented recipe: vectors trained on the text after the topic pipeline.
    let tokens = dir.path().join("tokens.txt");
    blazetext()
        .args(["preprocess", SAMPLE, "-o"])
        .arg(&tokens)
        .args(["--stopwords", "english", "--stemmer", "english", "--quiet"])
        .assert()
        .success();
    let prefix = dir.path().join("emb");
    blazetext()
        .args(["train", "--mode", "skipgram"])
        .arg(&tokens)
        .arg("-o")
        .arg(&prefix)
        .args(["--dim", "8", "--min-count", "1", "--epochs", "1"])
        .args(["--threads", "1", "--seed", "3", "--quiet"])
        .assert()
        .success();
    let model = dir.path().join("m.ntm");
    blazetext()
        .args(["topics", "train", SAMPLE, "-o", model.to_str().unwrap()])
        .args(FAST)
        .arg("--topic-embeddings")
        .arg(prefix.with_extension("vec"))
        .assert()
        .success()
        .stdout(predicate::str::contains("npmi"));
    let out = blazetext()
        .args(["topics", "infer", model.to_str().unwrap(), SAMPLE])
        .args(["--format", "csv", "--quiet"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = csv_rows(&out);
    assert!(!rows.is_empty());
    assert_distributions(&rows, 5);
    blazetext()
        .args(["topics", "show", model.to_str().unwrap(), "-n", "3"])
        .assert()
        .success();
}

#[test]
fn topic_embeddings_that_miss_the_vocabulary_or_are_not_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let unrelated = write(dir.path(), "other.vec", "2 3\nzebra 1 0 0\nquartz 0 1 0\n");
    let model = dir.path().join("m.ntm");
    for (vectors, message) in [
        (unrelated, "has a vector for none of the vocabulary words"),
        (
            PathBuf::from(SAMPLE),
            "sample-docs.txt:1: expected a `<number of words> <dimension>` header",
        ),
    ] {
        blazetext()
            .args(["topics", "train", SAMPLE, "-o", model.to_str().unwrap()])
            .args(FAST)
            .arg("--topic-embeddings")
            .arg(&vectors)
            .assert()
            .failure()
            .stderr(predicate::str::contains(message));
        assert!(!model.exists());
    }
}
