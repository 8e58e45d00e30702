//! Training documents → vocabulary and bags of words: raw text through the text pipeline and the
//! document-frequency filters, or count rows (SageMaker's CSV and `vocab.txt`, or rows in memory)
//! as they are; plus the word vectors of topic embeddings, one row per vocabulary word.

use std::path::{Path, PathBuf};

use ndarray::Array2;
use rand::seq::SliceRandom;

use super::bow::{self, Bow};
use super::config::TopicConfig;
use super::counts::CountRows;
use super::docs;
use super::input::check_width;
use super::linalg;
use crate::events::Reporter;
use crate::text::Pipeline;
use crate::vocab::VocabOptions;
use crate::{Error, Result};

/// Documents to train or validate on.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// Text or JSON lines, or one CSV count file (as the config's input format says).
    Files(&'a [PathBuf]),
    /// Count rows in memory, with the words naming their columns when known.
    Counts {
        rows: &'a CountRows,
        vocabulary: Option<&'a [String]>,
    },
}

/// Training data after preprocessing.
pub(crate) struct Prepared {
    pub vocab: Vec<String>,
    /// The pipeline raw text went through; `None` for count rows.
    pub pipeline: Option<Pipeline>,
    pub train: Bow,
    pub validation: Option<Bow>,
}

/// Reads and preprocesses `train` (and `validation`): raw text through `pipeline`, counting
/// documents and filtering the vocabulary as `config` says; count rows as they are.
pub(crate) fn prepare(
    config: &TopicConfig,
    pipeline: &Pipeline,
    train: Source,
    validation: Option<Source>,
    reporter: &Reporter,
) -> Result<Prepared> {
    match train {
        Source::Files([]) => Err(Error::config(
            "no training files given; name one or more files, directories, or - for stdin",
        )),
        Source::Files(paths) if config.input_format.reads_counts(&paths[0]) => {
            let [path] = paths else {
                return Err(Error::config("CSV count input is one file"));
            };
            let rows = CountRows::from_bow(Bow::read_dense_csv(path, None)?);
            prepare_counts(config, &rows, None, validation)
        }
        Source::Files(paths) => prepare_text(config, pipeline, paths, validation, reporter),
        Source::Counts { rows, vocabulary } => prepare_counts(config, rows, vocabulary, validation),
    }
}

fn prepare_counts(
    config: &TopicConfig,
    rows: &CountRows,
    vocabulary: Option<&[String]>,
    validation: Option<Source>,
) -> Result<Prepared> {
    if rows.is_empty() {
        return Err(Error::config("no count rows given; pass at least one row"));
    }
    let width = rows.width();
    let vocab = match (vocabulary, &config.vocab_file) {
        (Some(words), _) => {
            if words.len() != width {
                return Err(Error::config(format!(
                    "the vocabulary has {} words but the count rows have {width} columns; give \
                     exactly one word per column, in column order",
                    words.len()
                )));
            }
            words.to_vec()
        }
        (None, Some(path)) => {
            let words = bow::read_vocab_txt(path)?;
            bow::check_vocab_width(&words, path, width)?;
            words
        }
        (None, None) => (0..width).map(|i| i.to_string()).collect(),
    };
    let validation = match validation {
        None => None,
        Some(Source::Counts { rows, .. }) => Some(check_width(rows, width)?.bow().clone()),
        Some(Source::Files([path])) => Some(Bow::read_dense_csv(path, Some(width))?),
        Some(Source::Files(_)) => {
            return Err(Error::config(
                "validation for count rows is one CSV file of count rows",
            ))
        }
    };
    Ok(Prepared {
        vocab,
        pipeline: None,
        train: rows.bow().clone(),
        validation,
    })
}

fn prepare_text(
    config: &TopicConfig,
    pipeline: &Pipeline,
    paths: &[PathBuf],
    validation: Option<Source>,
    reporter: &Reporter,
) -> Result<Prepared> {
    let processor = pipeline.processor()?;
    let field = config.text_field.as_deref();
    let tokens = docs::tokenize(paths, &processor, field, reporter)?;
    let opts = VocabOptions {
        max_vocab_size: Some(config.max_vocab_size),
        min_df: Some(config.min_df),
        max_df: Some(config.max_df),
        ..VocabOptions::default()
    };
    let vocab = docs::vocabulary(&tokens, &opts)?;
    if vocab.words().is_empty() {
        return Err(Error::config(
            "every document is empty after preprocessing: no word passed the stop words and the \
             vocabulary filters; check --text-field, --min-df/--max-df and --max-vocab-size",
        ));
    }
    let words: Vec<String> = vocab.words().iter().map(|e| e.text.clone()).collect();
    let train = docs::to_bow(&tokens, words.len(), |t| vocab.word_id(t));
    let validation = match validation {
        None => None,
        Some(Source::Files(paths)) => {
            let t = docs::tokenize(paths, &processor, field, reporter)?;
            Some(docs::to_bow(&t, words.len(), |w| vocab.word_id(w)))
        }
        Some(Source::Counts { .. }) => {
            return Err(Error::config(
                "count rows cannot validate a model trained on text, whose vocabulary is only \
                 known after training; give validation documents as text",
            ))
        }
    };
    Ok(Prepared {
        vocab: words,
        pipeline: Some(pipeline.clone()),
        train,
        validation,
    })
}

/// Splits off a seeded 10% of `train` (every tenth document of a seeded shuffle, at least one)
/// as held-out documents, and returns them.
pub(crate) fn split_held_out(train: &mut Bow, seed: u64) -> Bow {
    let mut order: Vec<usize> = (0..train.n_docs()).collect();
    order.shuffle(&mut linalg::rng(seed));
    let cut = (order.len() / 10).max(1);
    let held = train.select(&order[..cut]);
    *train = train.select(&order[cut..]);
    held
}

/// The word embeddings of `path`, one row per vocabulary word (zero rows for words the file has
/// no vector for); reports how many words were found.
pub(crate) fn word_vectors(
    path: &Path,
    vocab: &[String],
    reporter: &Reporter,
) -> Result<Array2<f32>> {
    let model = crate::io::WordVectorModel::load(path)?;
    let mut out = Array2::zeros((vocab.len(), model.dim()));
    let mut found = 0;
    for (mut row, word) in out.rows_mut().into_iter().zip(vocab) {
        if let Some(v) = model.word_vector(word) {
            row.assign(&ndarray::ArrayView1::from(&v));
            found += 1;
        }
    }
    if found == 0 {
        return Err(Error::model(
            path,
            "has a vector for none of the vocabulary words; train the vectors on the text after \
             the topic pipeline (stop words removed, stems), as docs/topics.md shows",
        ));
    }
    let report = format!(
        "{}: vectors for {found} of {} vocabulary words",
        path.display(),
        vocab.len()
    );
    if found * 2 < vocab.len() {
        reporter.warn(format!(
            "{report}; the others stay random. Were the vectors trained on the same preprocessed \
             text (docs/topics.md)?"
        ));
    } else {
        reporter.info(report);
    }
    Ok(out)
}
