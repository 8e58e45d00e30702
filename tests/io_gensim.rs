//! gensim reads blazetext's files: `load_facebook_model` on our `.bin` (including subword
//! vectors for out-of-vocabulary words) and `KeyedVectors.load_word2vec_format` on our `.vec`
//! and word2vec binary files. Skipped with a message when no Python with gensim is found
//! (`BLAZETEXT_PYTHON`, .venv/bin/python or python3).

mod common;

use std::ffi::OsStr;

use blazetext::format as word2vec;
use blazetext::WordVectors;

const SCRIPT: &str = r#"
import json, sys
from gensim.models.fasttext import load_facebook_model
from gensim.models import KeyedVectors
bin_path, vec_path, w2v_path, words = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
ft = load_facebook_model(bin_path).wv
text = KeyedVectors.load_word2vec_format(vec_path, binary=False)
binary = KeyedVectors.load_word2vec_format(w2v_path, binary=True)
out = {
    "bin": {w: ft[w].tolist() for w in words},
    "vocab": list(text.index_to_key),
    "vec": {w: text[w].tolist() for w in text.index_to_key},
    "w2v": {w: binary[w].tolist() for w in binary.index_to_key},
}
print(json.dumps(out))
"#;

fn close(a: &[f32], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    for (x, y) in a.iter().zip(b) {
        assert!((f64::from(*x) - y).abs() < 1e-5, "{what}: {a:?} vs {b:?}");
    }
}

#[test]
fn gensim_reads_bin_vec_and_word2vec_binary() {
    let Some(python) = common::python_with("gensim") else {
        return;
    };
    let dir = common::temp_dir();
    let d = dir.path();
    let (bin, vec, w2v) = (d.join("m.bin"), d.join("m.vec"), d.join("m.w2v"));
    common::synthetic_skipgram().write(&bin).unwrap();
    let ours = WordVectors::load(&bin).unwrap();
    let vectors = ours.vectors();
    word2vec::write_text(&vec, ours.words(), &vectors).unwrap();
    word2vec::write_binary(&w2v, ours.words(), &vectors).unwrap();

    let queries = ["the", "naïve", "日本", "naïveté", "東京", "unseen"];
    let paths = [&bin, &vec, &w2v].map(|p| p.as_os_str());
    let json = common::python_json(
        &python,
        SCRIPT,
        paths.into_iter().chain(queries.map(OsStr::new)),
    );
    let vec_of = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    for w in queries {
        close(&ours.word_vector(w).unwrap(), &vec_of(&json["bin"][w]), w);
    }
    let vocab: Vec<&str> = json["vocab"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(vocab, ours.words());
    for (i, w) in ours.words().iter().enumerate() {
        close(vectors.row(i), &vec_of(&json["vec"][w]), w);
        close(vectors.row(i), &vec_of(&json["w2v"][w]), w);
    }
}
