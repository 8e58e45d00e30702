//! End-to-end tests of `nn`, `analogy`, `vectors`, `sentence-vectors`, `eval` and `convert`.

mod common;

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use assert_cmd::Command;
use blazetext::format::{
    self as word2vec, DictEntry, FastTextArgs, FastTextFile, Loss, Matrix, ModelName,
};

use common::{blazetext, fails, first_words, stdout, stdout_json, temp_dir, write};

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

/// The toy vectors in `toy.vec` in a new temporary folder.
fn vec_model() -> (TempDir, PathBuf) {
    let dir = temp_dir();
    let path = dir.path().join("toy.vec");
    let words: Vec<&str> = ROWS.iter().map(|r| r.0).collect();
    let data = ROWS.iter().flat_map(|r| r.1).collect();
    word2vec::write_text(&path, &words, &Matrix::from_vec(ROWS.len(), 4, data)).unwrap();
    (dir, path)
}

/// A fastText-format model with subwords: the toy words plus 31 buckets of small noise, so
/// OOV words get vectors; in a new temporary folder.
fn bin_model(model: ModelName) -> (TempDir, PathBuf) {
    let dir = temp_dir();
    let path = dir.path().join(format!("toy-{model:?}.bin"));
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
    (dir, path)
}

/// `blazetext <command> <model>` (nn, analogy, vectors, …), ready for more arguments.
fn query(command: &str, model: &Path) -> Command {
    let mut cmd = blazetext();
    cmd.arg(command).arg(model);
    cmd
}

/// A manifest that says its model is a topic model.
const TOPICS_MANIFEST: &str = r#"{"format": "blazetext-manifest", "version": 1, "kind": "topics"}"#;

#[test]
fn nn_excludes_the_query_and_ranks_by_cosine() {
    let (_dir, model) = vec_model();
    let out = stdout(query("nn", &model).args(["king", "-k", "2", "-q"]));
    // cos(king, kings) = 0.816, cos(king, man) = 0.707, cos(king, queen) = 0.5.
    assert_eq!(first_words(&out), ["kings", "man"]);
    assert!(out.contains("kings 0.816497"));
}

#[test]
fn nn_reads_stdin_and_writes_json() {
    let (_dir, model) = vec_model();
    let out = stdout(
        query("nn", &model)
            .args(["-k", "1", "--json", "-q"])
            .write_stdin("queen\nwoman\n"),
    );
    let lines = common::json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["query"], "queen");
    assert_eq!(lines[1]["neighbours"][0]["word"], "queen");
}

#[test]
fn oov_word_without_subwords_is_named() {
    let (_dir, model) = vec_model();
    fails(
        query("nn", &model).args(["unicorn", "-q"]),
        1,
        &["`unicorn` is not in the vocabulary"],
    );
}

#[test]
fn oov_word_with_subwords_gets_neighbours() {
    let (_dir, model) = bin_model(ModelName::Skipgram);
    let out = stdout(query("nn", &model).args(["kingz", "-k", "3", "-q"]));
    assert_eq!(first_words(&out).len(), 3);
}

#[test]
fn analogy_answers_queen_with_both_methods() {
    let (_dir, model) = vec_model();
    for method in ["3cosadd", "3cosmul"] {
        let out = stdout(
            query("analogy", &model)
                .args(["man", "king", "woman", "-k", "1", "--method", method, "-q"]),
        );
        assert_eq!(first_words(&out), ["queen"], "{method}");
    }
    fails(
        query("analogy", &model).args(["man", "king"]),
        2,
        &["exactly three words"],
    );
}

#[test]
fn analogy_help_states_the_argument_order() {
    let help = stdout(blazetext().args(["analogy", "--help"]));
    assert!(help.contains("a is to b as c is to ?"), "{help}");
    assert!(help.contains("b − a + c"), "{help}");
}

#[test]
fn classifier_models_are_refused_by_nn() {
    let (_dir, model) = bin_model(ModelName::Supervised);
    fails(
        query("nn", &model).arg("king"),
        1,
        &["supervised classifier"],
    );
}

#[test]
fn manifest_kind_topics_is_refused_by_analogy() {
    let (dir, model) = vec_model();
    write(dir.path(), "toy.json", TOPICS_MANIFEST);
    fails(
        query("analogy", &model).args(["man", "king", "woman"]),
        1,
        &["topic model"],
    );
}

#[test]
fn vectors_and_sentence_vectors() {
    let (_dir, model) = vec_model();
    let vectors = stdout(
        query("vectors", &model)
            .arg("-q")
            .write_stdin("king queen\n"),
    );
    assert_eq!(vectors, "king 1 0 1 0\nqueen 0 1 1 0\n");
    // Average of unit vectors of man (1,0,0,0) and woman (0,1,0,0).
    let sentences = stdout(
        query("sentence-vectors", &model)
            .arg("-q")
            .write_stdin("man woman\n\n"),
    );
    assert_eq!(sentences, "0.5 0.5 0 0\n0 0 0 0\n");
}

#[test]
fn eval_analogies_and_similarity() {
    let (dir, model) = vec_model();
    let questions = write(
        dir.path(),
        "q.txt",
        ": family\nman king woman queen\nman woman rare men\n: gram-plural\nman men king kings\nman men dog dogs\n",
    );
    let eval = |kind: &str, data: &Path| {
        let mut cmd = blazetext();
        cmd.args(["eval", kind]).arg(&model).arg(data).arg("-q");
        cmd
    };
    let r = stdout_json(eval("analogies", &questions).arg("--json"));
    assert_eq!(r["total"]["correct"], 2);
    assert_eq!(r["total"]["answered"], 3);
    assert_eq!(r["total"]["questions"], 4);
    assert_eq!(r["syntactic"]["coverage"], 0.5);
    assert_eq!(r["semantic"]["accuracy"], 0.5);

    let pairs = write(
        dir.path(),
        "pairs.tsv",
        "# w1\tw2\tscore\nking\tkings\t9\nking\tqueen\t5\nman\trare\t0\nman\tunicorn\t3\n",
    );
    let out = stdout(&mut eval("similarity", &pairs));
    assert!(out.contains("spearman 1.0000"), "{out}");
    assert!(out.contains("pairs 3/4 used  oov 25.0%"), "{out}");
}

#[test]
fn convert_bin_to_vec_and_w2v_binary() {
    let (dir, bin) = bin_model(ModelName::Cbow);
    let vec = dir.path().join("out.vec");
    stdout(query("convert", &bin).arg(&vec).arg("-q"));
    let w2v = dir.path().join("out.w2v");
    stdout(
        query("convert", &vec)
            .arg(&w2v)
            .args(["--to", "w2v-bin", "-q"]),
    );
    let text = word2vec::read_text(&vec).unwrap();
    assert_eq!(text, word2vec::read_binary(&w2v).unwrap());
    let model = blazetext::WordVectors::load(&bin).unwrap();
    assert_eq!(text.vectors, model.vectors());
    fails(
        query("convert", &vec).arg(dir.path().join("out.unknown")),
        2,
        &["--to"],
    );
}

#[test]
fn bad_model_files_get_clear_errors() {
    let (dir, bin) = bin_model(ModelName::Skipgram);
    let bytes = std::fs::read(&bin).unwrap();
    std::fs::write(&bin, &bytes[..bytes.len() / 2]).unwrap();
    let bad_vec = write(dir.path(), "bad.vec", "3 4\nking 1 0 1 0\n");
    let gz = write(dir.path(), "model.vec.gz", [0x1f, 0x8b, 8, 0, 0, 0]);
    for (model, message) in [
        (bin, "truncated"),
        (bad_vec, "bad.vec:1: the header says 3 words"),
        (gz, "gzip"),
        (dir.path().join("missing.bin"), "missing.bin"),
    ] {
        fails(query("nn", &model).arg("king"), 1, &[message]);
    }
}

#[test]
fn queries_go_through_the_manifest_pipeline() {
    let (dir, model) = vec_model();
    // Without a manifest, words are taken as they are (fastText behaviour).
    fails(
        query("nn", &model).args(["King", "-q"]),
        1,
        &["`King` is not in the vocabulary"],
    );
    let manifest = serde_json::json!({
        "format": "blazetext-manifest", "version": 1, "kind": "embeddings",
        "pipeline": blazetext::Pipeline::default(),
    });
    std::fs::write(dir.path().join("toy.json"), manifest.to_string()).unwrap();
    let out = stdout(query("nn", &model).args(["King", "-k", "1", "-q"]));
    assert_eq!(first_words(&out), ["kings"]);
}

#[test]
fn topic_model_in_another_format_is_named_from_its_manifest() {
    let dir = temp_dir();
    let model = write(
        dir.path(),
        "topics.safetensors",
        [&40u64.to_le_bytes()[..], b"{\"w\":{\"dtype\":\"F32\"}}"].concat(),
    );
    write(dir.path(), "topics.json", TOPICS_MANIFEST);
    fails(
        query("nn", &model).arg("king"),
        1,
        &["safetensors", "manifest says it is a topic model"],
    );
}
