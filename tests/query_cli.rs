//! End-to-end tests of `nn`, `analogy`, `vectors`, `sentence-vectors`, `eval` and `convert`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use blazetext::io::{word2vec, DictEntry, FastTextArgs, FastTextFile, Loss, ModelName};
use blazetext::matrix::Matrix;
use predicates::prelude::*;

/// Axes: male, female, royal, plural.
const ROWS: &[(&str, [f32; 4])] = &[
    ("man", [1.0, 0.0, 0.0, 0.0]),
    ("woman", [0.0, 1.0, 0.0, 0.0]),
    ("king", [1.0, 0.0, 1.0, 0.0]),
    ("queen", [0.0, 1.0, 1.0, 0.0]),
    ("men", [1.0, 0.0, 0.0, 1.0]),
    ("kings", [1.0, 0.0, 1.0, 1.0]),
    ("rare", [0.0, 0.0, 0.0, -1.0]),
];

fn vec_model(dir: &Path) -> PathBuf {
    let path = dir.join("toy.vec");
    let words: Vec<&str> = ROWS.iter().map(|r| r.0).collect();
    let data = ROWS.iter().flat_map(|r| r.1).collect();
    word2vec::write_text(&path, &words, &Matrix::from_vec(ROWS.len(), 4, data)).unwrap();
    path
}

/// A fastText-format model with subwords: the toy words plus 31 buckets of small noise, so
/// OOV words get vectors.
fn bin_model(dir: &Path, model: ModelName) -> PathBuf {
    let path = dir.join(format!("toy-{model:?}.bin"));
    let bucket = 31;
    let words: Vec<DictEntry> = ROWS
        .iter()
        .map(|r| DictEntry {
            text: r.0.to_string(),
            count: 10,
        })
        .collect();
    let mut data: Vec<f32> = ROWS.iter().flat_map(|r| r.1).collect();
    data.extend((0..bucket * 4).map(|i| ((i * 37 % 11) as f32 - 5.0) / 100.0));
    let labels = vec![DictEntry {
        text: "__label__a".into(),
        count: 3,
    }];
    let out_rows = if model == ModelName::Supervised {
        1
    } else {
        ROWS.len()
    };
    FastTextFile {
        args: FastTextArgs {
            dim: 4,
            bucket: bucket as i32,
            minn: 2,
            maxn: 3,
            model,
            loss: if model == ModelName::Supervised {
                Loss::Softmax
            } else {
                Loss::NegativeSampling
            },
            ..FastTextArgs::default()
        },
        words,
        labels,
        ntokens: 70,
        input: Matrix::from_vec(ROWS.len() + bucket, 4, data),
        output: Matrix::zeros(out_rows, 4),
    }
    .write(&path)
    .unwrap();
    path
}

fn blazetext() -> Command {
    Command::cargo_bin("blazetext").unwrap()
}

fn first_words(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|l| {
            l.split(' ')
                .next()
                .filter(|w| !w.is_empty())
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn nn_excludes_the_query_and_ranks_by_cosine() {
    let dir = tempfile::tempdir().unwrap();
    let model = vec_model(dir.path());
    let out = blazetext()
        .arg("nn")
        .arg(&model)
        .args(["king", "-k", "2", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // cos(king, kings) = 0.816, cos(king, man) = 0.707, cos(king, queen) = 0.5.
    assert_eq!(first_words(&out.stdout), ["kings", "man"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("kings 0.816497"));
}

#[test]
fn nn_reads_stdin_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let model = vec_model(dir.path());
    let out = blazetext()
        .arg("nn")
        .arg(&model)
        .args(["-k", "1", "--json", "-q"])
        .write_stdin("queen\nwoman\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["query"], "queen");
    assert_eq!(lines[1]["neighbours"][0]["word"], "queen");
}

#[test]
fn oov_word_without_subwords_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let model = vec_model(dir.path());
    blazetext()
        .arg("nn")
        .arg(&model)
        .args(["unicorn", "-q"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "`unicorn` is not in the vocabulary",
        ));
}

#[test]
fn oov_word_with_subwords_gets_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    let model = bin_model(dir.path(), ModelName::Skipgram);
    let out = blazetext()
        .arg("nn")
        .arg(&model)
        .args(["kingz", "-k", "3", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(first_words(&out.stdout).len(), 3);
}

#[test]
fn analogy_answers_queen_with_both_methods() {
    let dir = tempfile::tempdir().unwrap();
    let model = vec_model(dir.path());
    for method in ["3cosadd", "3cosmul"] {
        let out = blazetext()
            .arg("analogy")
            .arg(&model)
            .args(["man", "king", "woman", "-k", "1", "--method", method, "-q"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(first_words(&out.stdout), ["queen"], "{method}");
    }
    blazetext()
        .arg("analogy")
        .arg(&model)
        .args(["man", "king"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("exactly three words"));
}

#[test]
fn analogy_help_states_the_argument_order() {
    blazetext()
        .args(["analogy", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("a is to b as c is to ?"))
        .stdout(predicate::str::contains("b − a + c"));
}

#[test]
fn classifier_models_are_refused_by_nn() {
    let dir = tempfile::tempdir().unwrap();
    let model = bin_model(dir.path(), ModelName::Supervised);
    blazetext()
        .arg("nn")
        .arg(&model)
        .arg("king")
        .assert()
        .failure()
        .stderr(predicate::str::contains("supervised classifier"));
}

#[test]
fn manifest_kind_topics_is_refused_by_analogy() {
    let dir = tempfile::tempdir().unwrap();
    let model = vec_model(dir.path());
    std::fs::write(
        dir.path().join("toy.json"),
        r#"{"format": "blazetext-manifest", "version": 1, "kind": "topics"}"#,
    )
    .unwrap();
    blazetext()
        .arg("analogy")
        .arg(&model)
        .args(["man", "king", "woman"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("topic model"));
}

#[test]
fn vectors_and_sentence_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let model = vec_model(dir.path());
    blazetext()
        .arg("vectors")
        .arg(&model)
        .arg("-q")
        .write_stdin("king queen\n")
        .assert()
        .success()
        .stdout("king 1 0 1 0\nqueen 0 1 1 0\n");
    // Average of unit vectors of man (1,0,0,0) and woman (0,1,0,0).
    blazetext()
        .arg("sentence-vectors")
        .arg(&model)
        .arg("-q")
        .write_stdin("man woman\n\n")
        .assert()
        .success()
        .stdout("0.5 0.5 0 0\n0 0 0 0\n");
}

#[test]
fn eval_analogies_and_similarity() {
    let dir = tempfile::tempdir().unwrap();
    let model = vec_model(dir.path());
    let questions = dir.path().join("q.txt");
    std::fs::write(
        &questions,
        ": family\nman king woman queen\nman woman rare men\n: gram-plural\nman men king kings\nman men dog dogs\n",
    )
    .unwrap();
    let out = blazetext()
        .args(["eval", "analogies"])
        .arg(&model)
        .arg(&questions)
        .args(["--json", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["total"]["correct"], 2);
    assert_eq!(r["total"]["answered"], 3);
    assert_eq!(r["total"]["questions"], 4);
    assert_eq!(r["syntactic"]["coverage"], 0.5);
    assert_eq!(r["semantic"]["accuracy"], 0.5);

    let pairs = dir.path().join("pairs.tsv");
    std::fs::write(
        &pairs,
        "# w1\tw2\tscore\nking\tkings\t9\nking\tqueen\t5\nman\trare\t0\nman\tunicorn\t3\n",
    )
    .unwrap();
    blazetext()
        .args(["eval", "similarity"])
        .arg(&model)
        .arg(&pairs)
        .arg("-q")
        .assert()
        .success()
        .stdout(predicate::str::contains("spearman 1.0000"))
        .stdout(predicate::str::contains("pairs 3/4 used  oov 25.0%"));
}

#[test]
fn convert_bin_to_vec_and_w2v_binary() {
    let dir = tempfile::tempdir().unwrap();
    let bin = bin_model(dir.path(), ModelName::Cbow);
    let vec = dir.path().join("out.vec");
    blazetext()
        .arg("convert")
        .arg(&bin)
        .arg(&vec)
        .arg("-q")
        .assert()
        .success();
    let w2v = dir.path().join("out.w2v");
    blazetext()
        .arg("convert")
        .arg(&vec)
        .arg(&w2v)
        .args(["--to", "w2v-bin", "-q"])
        .assert()
        .success();
    let text = word2vec::read_text(&vec).unwrap();
    assert_eq!(text, word2vec::read_binary(&w2v).unwrap());
    let model = blazetext::io::WordVectorModel::load(&bin).unwrap();
    assert_eq!(text.vectors, model.vocab_vectors());
    blazetext()
        .arg("convert")
        .arg(&vec)
        .arg(dir.path().join("out.unknown"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("--to"));
}

#[test]
fn bad_model_files_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bin = bin_model(dir.path(), ModelName::Skipgram);
    let bytes = std::fs::read(&bin).unwrap();
    std::fs::write(&bin, &bytes[..bytes.len() / 2]).unwrap();
    blazetext()
        .arg("nn")
        .arg(&bin)
        .arg("king")
        .assert()
        .failure()
        .stderr(predicate::str::contains("truncated"));
    let bad_vec = dir.path().join("bad.vec");
    std::fs::write(&bad_vec, "3 4\nking 1 0 1 0\n").unwrap();
    blazetext()
        .arg("nn")
        .arg(&bad_vec)
        .arg("king")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "bad.vec:1: the header says 3 words",
        ));
    let gz = dir.path().join("model.vec.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();
    blazetext()
        .arg("nn")
        .arg(&gz)
        .arg("king")
        .assert()
        .failure()
        .stderr(predicate::str::contains("gzip"));
    blazetext()
        .arg("nn")
        .arg(dir.path().join("missing.bin"))
        .arg("king")
        .assert()
        .failure()
        .stderr(predicate::str::contains("missing.bin"));
}

#[test]
fn queries_go_through_the_manifest_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let model = vec_model(dir.path());
    // Without a manifest, words are taken as they are (fastText behaviour).
    blazetext()
        .arg("nn")
        .arg(&model)
        .args(["King", "-q"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("`King` is not in the vocabulary"));
    let mut manifest = blazetext::io::Manifest::new(blazetext::io::ModelKind::Embeddings);
    manifest.pipeline = Some(blazetext::text::Pipeline::default());
    manifest.save(&dir.path().join("toy.json")).unwrap();
    let out = blazetext()
        .arg("nn")
        .arg(&model)
        .args(["King", "-k", "1", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(first_words(&out.stdout), ["kings"]);
}
