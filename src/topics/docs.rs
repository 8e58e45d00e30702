//! Raw documents → token lists → vocabulary → bag of words, through the model's text pipeline.
//! A document is one input line, or one JSON line's text field (`--text-field`), or one text held
//! in memory; a blank line is an empty document, so outputs stay aligned with input lines.

use std::borrow::Cow;
use std::path::PathBuf;

use rayon::prelude::*;

use super::bow::Bow;
use crate::corpus::Corpus;
use crate::events::Reporter;
use crate::text::{Pipeline, Processor};
use crate::vocab::{Entry, Vocab, VocabOptions};
use crate::{Error, Result};
use hashbrown::HashMap;

/// Tokenises every document of `paths`, in input order. Label tokens (`__label__…`) are not
/// words and are dropped.
pub fn tokenize(
    paths: &[PathBuf],
    processor: &Processor,
    text_field: Option<&str>,
    reporter: &Reporter,
) -> Result<Vec<Vec<String>>> {
    let mut docs = Vec::new();
    map_documents(
        paths,
        processor,
        text_field,
        reporter,
        |t| Some(t.to_string()),
        |doc| {
            docs.push(doc);
            Ok(())
        },
    )?;
    Ok(docs)
}

/// The bag of words of every document of `paths` over `word_id`, in input order, without
/// keeping the tokens (what inference needs); unknown tokens are dropped.
pub fn read_bow(
    paths: &[PathBuf],
    processor: &Processor,
    text_field: Option<&str>,
    n_words: usize,
    word_id: impl Fn(&str) -> Option<u32> + Sync,
) -> Result<Bow> {
    let mut bow = Bow::new(n_words);
    stream_bow(
        paths,
        processor,
        text_field,
        n_words,
        word_id,
        usize::MAX,
        |b| {
            bow = b;
            Ok(())
        },
    )?;
    Ok(bow)
}

/// [`read_bow`] in batches of `batch` documents handed to `sink` in input order, so that memory
/// stays flat however long the input is.
pub fn stream_bow(
    paths: &[PathBuf],
    processor: &Processor,
    text_field: Option<&str>,
    n_words: usize,
    word_id: impl Fn(&str) -> Option<u32> + Sync,
    batch: usize,
    mut sink: impl FnMut(Bow) -> Result<()>,
) -> Result<()> {
    let mut bow = Bow::new(n_words);
    map_documents(
        paths,
        processor,
        text_field,
        &Reporter::silent(),
        &word_id,
        |mut ids: Vec<u32>| {
            bow.push_ids(&mut ids);
            if bow.n_docs() == batch {
                sink(std::mem::replace(&mut bow, Bow::new(n_words)))?;
            }
            Ok(())
        },
    )?;
    if bow.n_docs() > 0 {
        sink(bow)?;
    }
    Ok(())
}

/// Tokenises texts held in memory, one document each, in parallel on the current pool.
pub fn tokenize_texts<S: AsRef<str> + Sync>(
    texts: &[S],
    processor: &Processor,
) -> Vec<Vec<String>> {
    map_texts(texts, processor, |t| Some(t.to_string()))
}

/// The bag of words of texts held in memory over `word_id`; unknown tokens are dropped.
pub fn texts_bow<S: AsRef<str> + Sync>(
    texts: &[S],
    processor: &Processor,
    n_words: usize,
    word_id: impl Fn(&str) -> Option<u32> + Sync,
) -> Bow {
    let mut bow = Bow::new(n_words);
    for mut ids in map_texts(texts, processor, word_id) {
        bow.push_ids(&mut ids);
    }
    bow
}

fn map_texts<S: AsRef<str> + Sync, T: Send>(
    texts: &[S],
    processor: &Processor,
    map_token: impl Fn(&str) -> Option<T> + Sync,
) -> Vec<Vec<T>> {
    texts
        .par_iter()
        .map_init(
            || processor.clone(),
            |p, text| document(p, processor.pipeline(), text.as_ref(), &map_token),
        )
        .collect()
}

/// The mapped tokens of one document, labels dropped (`pipeline` says what a label is).
fn document<T>(
    processor: &mut Processor,
    pipeline: &Pipeline,
    text: &str,
    map_token: impl Fn(&str) -> Option<T>,
) -> Vec<T> {
    let mut doc = Vec::new();
    processor.for_each_token(text, |t| {
        if !pipeline.is_label(t) {
            doc.extend(map_token(t));
        }
    });
    doc
}

/// Runs the pipeline over every document of `paths` in parallel chunks, maps each token (labels
/// dropped) with `map_token`, keeping the `Some`s, and hands each document's list to `consume`
/// in input order.
fn map_documents<T: Send>(
    paths: &[PathBuf],
    processor: &Processor,
    text_field: Option<&str>,
    reporter: &Reporter,
    map_token: impl Fn(&str) -> Option<T> + Sync,
    mut consume: impl FnMut(Vec<T>) -> Result<()>,
) -> Result<()> {
    let corpus = Corpus::open(paths, reporter)?;
    corpus.par_map_chunks_with(
        || processor.clone(),
        |p, chunk| -> Result<Vec<Vec<T>>> {
            chunk
                .lines()
                .map(|(line_no, line)| {
                    let text: Cow<str> = match text_field {
                        Some(field) if !line.trim().is_empty() => json_text(line, field)
                            .map(Cow::Owned)
                            .map_err(|m| Error::input(chunk.source.as_ref(), Some(line_no), m))?,
                        Some(_) => Cow::Borrowed(""),
                        None => Cow::Borrowed(line),
                    };
                    Ok(document(p, processor.pipeline(), &text, &map_token))
                })
                .collect()
        },
        |r| r?.into_iter().try_for_each(&mut consume),
    )?;
    Ok(())
}

/// The vocabulary of tokenised documents, pruned with `options` (a document = one token list).
/// `max_vocab_size` keeps the words found in the most documents (ties by count, then text), as
/// gensim's `filter_extremes(keep_n=…)` does: ranking by total count would let a few documents
/// with long runs of one token (uuencoded attachments, signatures, tables) fill the vocabulary
/// with words no other document shares, and such words can only make incoherent topics.
pub fn vocabulary(docs: &[Vec<String>], options: &VocabOptions) -> Result<Vocab> {
    let mut tally: HashMap<&str, (u64, u64, usize)> = HashMap::new();
    let mut ntokens = 0u64;
    for (d, doc) in docs.iter().enumerate() {
        for t in doc {
            let e = tally.entry(t.as_str()).or_insert((0, 0, usize::MAX));
            e.0 += 1;
            if e.2 != d {
                e.2 = d;
                e.1 += 1;
            }
            ntokens += 1;
        }
    }
    let entries = tally
        .into_iter()
        .map(|(text, (count, doc_freq, _))| Entry {
            text: text.to_string(),
            count,
            doc_freq,
        })
        .collect();
    let all = Vocab::from_entries(entries, Vec::new(), ntokens, docs.len() as u64);
    let filtered = all.prune(&VocabOptions {
        max_vocab_size: None,
        ..options.clone()
    })?;
    let mut words = filtered.words().to_vec();
    words.sort_by(|a, b| {
        (b.doc_freq, b.count)
            .cmp(&(a.doc_freq, a.count))
            .then_with(|| a.text.cmp(&b.text))
    });
    if let Some(max) = options.max_vocab_size {
        words.truncate(max);
    }
    Ok(Vocab::from_entries(
        words,
        Vec::new(),
        ntokens,
        docs.len() as u64,
    ))
}

fn json_text(line: &str, field: &str) -> std::result::Result<String, String> {
    let v: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| format!("not a JSON object ({e}); --text-field expects JSON lines"))?;
    match v.get(field) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(serde_json::Value::Null) => Ok(String::new()),
        Some(_) => Err(format!("field `{field}` is not a string")),
        None => Err(format!(
            "no field `{field}`; pass the name of the text field with --text-field"
        )),
    }
}

/// Maps token lists to a bag of words over `word_id`; unknown tokens are dropped.
pub fn to_bow(docs: &[Vec<String>], n_words: usize, word_id: impl Fn(&str) -> Option<u32>) -> Bow {
    let mut bow = Bow::new(n_words);
    let mut ids = Vec::new();
    for doc in docs {
        ids.clear();
        ids.extend(doc.iter().filter_map(|t| word_id(t)));
        bow.push_ids(&mut ids);
    }
    bow
}

/// Token-id sequences (unknown tokens kept as `metrics::UNKNOWN`), for sliding-window NPMI.
pub fn to_sequences(docs: &[Vec<String>], word_id: impl Fn(&str) -> Option<u32>) -> Vec<Vec<u32>> {
    docs.iter()
        .map(|d| {
            d.iter()
                .map(|t| word_id(t).unwrap_or(super::metrics::UNKNOWN))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn processor() -> Processor {
        Pipeline::topics_default().processor().unwrap()
    }

    #[test]
    fn texts_and_lines_give_the_same_documents() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("docs.txt");
        let texts = ["Cats are running __label__x", "", "dogs ran home"];
        std::fs::write(&p, texts.join("\n")).unwrap();
        let from_file = tokenize(
            std::slice::from_ref(&p),
            &processor(),
            None,
            &Reporter::silent(),
        )
        .unwrap();
        assert_eq!(from_file, tokenize_texts(&texts, &processor()));
        assert_eq!(from_file[0], ["cat", "run"]);
        let id = |t: &str| (t == "run").then_some(0);
        let mut batches = Vec::new();
        stream_bow(
            std::slice::from_ref(&p),
            &processor(),
            None,
            1,
            id,
            2,
            |b| {
                batches.push(b.n_docs());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(batches, [2, 1]);
        let whole = read_bow(&[p], &processor(), None, 1, id).unwrap();
        assert_eq!(whole, texts_bow(&texts, &processor(), 1, id));
        assert_eq!(whole.doc(0).1, &[1.0]);
    }

    #[test]
    fn tokenize_json_lines_and_build_bow() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("docs.jsonl");
        std::fs::write(
            &p,
            "{\"text\": \"The cats are running\"}\n\n{\"text\": \"cats run\", \"id\": 2}\n",
        )
        .unwrap();
        let docs = tokenize(
            std::slice::from_ref(&p),
            &processor(),
            Some("text"),
            &Reporter::silent(),
        )
        .unwrap();
        assert_eq!(docs, vec![vec!["cat", "run"], vec![], vec!["cat", "run"]]);
        let vocab = vocabulary(&docs, &VocabOptions::default()).unwrap();
        assert_eq!(vocab.words().len(), 2);
        assert_eq!(vocab.words()[0].doc_freq, 2);
        let bow = to_bow(&docs, 2, |t| vocab.word_id(t));
        assert_eq!(bow.n_docs(), 3);
        assert_eq!(bow.doc_len(0), 2.0);
        assert_eq!(bow.doc_len(1), 0.0);
        let seqs = to_sequences(&[vec!["run".into(), "zzz".into()]], |t| vocab.word_id(t));
        assert_eq!(seqs[0][1], crate::topics::metrics::UNKNOWN);
    }

    #[test]
    fn max_vocab_size_keeps_the_words_in_most_documents() {
        let doc = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let docs = [doc("uu uu uu uu gpu"), doc("gpu card"), doc("card gpu")];
        let opts = VocabOptions {
            max_vocab_size: Some(2),
            ..VocabOptions::default()
        };
        let vocab = vocabulary(&docs, &opts).unwrap();
        let words: Vec<_> = vocab.words().iter().map(|e| e.text.as_str()).collect();
        // `uu` has the highest count (4) but is in one document only.
        assert_eq!(words, ["gpu", "card"]);
        assert_eq!(vocab.words()[0].doc_freq, 3);
    }

    #[test]
    fn missing_text_field_names_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("docs.jsonl");
        std::fs::write(&p, "{\"text\": \"a b\"}\n{\"body\": \"c\"}\n").unwrap();
        let e = tokenize(&[p], &processor(), Some("text"), &Reporter::silent())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("docs.jsonl:2") && e.contains("no field `text`"),
            "{e}"
        );
    }
}
