//! Files other tools read: the topic-word matrix as TSV, pyLDAvis input, and documents as a
//! Matrix Market bag of words in a model's vocabulary.

use std::path::Path;

use serde_json::json;

use super::bow::Bow;
use super::infer;
use super::model::TopicModel;
use crate::io_util::write_atomic;
use crate::{Error, Result};

/// Writes the K × V topic-word matrix as TSV: a header `topic` + the vocabulary, then one row
/// per topic.
pub(crate) fn topic_word_tsv(model: &TopicModel, path: &Path) -> Result<()> {
    let mut s = String::from("topic");
    for w in &model.meta.vocab {
        s.push('\t');
        s.push_str(w);
    }
    s.push('\n');
    for (k, row) in model.ntm.topic_word().rows().into_iter().enumerate() {
        s.push_str(&k.to_string());
        for v in row {
            s.push('\t');
            s.push_str(&v.to_string());
        }
        s.push('\n');
    }
    write_atomic(path, s.as_bytes())
}

/// Writes pyLDAvis's `prepare` arguments as one JSON object, for the documents of `docs` that
/// hold at least one vocabulary word (pyLDAvis needs them non-empty).
pub(crate) fn pyldavis(model: &TopicModel, docs: &Bow, path: &Path) -> Result<()> {
    let kept: Vec<usize> = (0..docs.n_docs())
        .filter(|&d| docs.doc_len(d) > 0.0)
        .collect();
    let docs = docs.select(&kept);
    let phi: Vec<Vec<f64>> = model
        .ntm
        .topic_word()
        .rows()
        .into_iter()
        .map(|r| {
            let s: f64 = r.iter().map(|&v| v as f64).sum();
            r.iter().map(|&v| v as f64 / s).collect()
        })
        .collect();
    let data = json!({
        "topic_term_dists": phi,
        "doc_topic_dists": infer::topic_weights(&model.ntm, &docs),
        "doc_lengths": (0..docs.n_docs()).map(|d| docs.doc_len(d)).collect::<Vec<_>>(),
        "vocab": model.meta.vocab,
        "term_frequency": docs.term_frequency(),
    });
    write_atomic(path, data.to_string().as_bytes())
}

/// Writes `docs` as `dir/bow.mtx` (Matrix Market, documents × words, 1-based) and the model's
/// vocabulary as `dir/vocab.txt`, creating `dir`.
pub(crate) fn matrix_market(model: &TopicModel, docs: &Bow, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut s = format!(
        "%%MatrixMarket matrix coordinate real general\n{} {} {}\n",
        docs.n_docs(),
        docs.n_words(),
        docs.nnz()
    );
    for d in 0..docs.n_docs() {
        let (ids, counts) = docs.doc(d);
        for (&w, &c) in ids.iter().zip(counts) {
            s.push_str(&format!("{} {} {}\n", d + 1, w + 1, c));
        }
    }
    write_atomic(&dir.join("bow.mtx"), s.as_bytes())?;
    let mut v = model.meta.vocab.join("\n");
    v.push('\n');
    write_atomic(&dir.join("vocab.txt"), v.as_bytes())
}
