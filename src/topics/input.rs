//! Documents given to a trained model: a file (text or JSON lines, CSV count rows, or a SageMaker
//! JSON request), texts in memory, or count rows, turned into a bag of words over the model's
//! vocabulary.

use std::path::{Path, PathBuf};

use super::bow::Bow;
use super::counts::CountRows;
use super::docs;
use super::infer;
use super::model::TopicModel;
use crate::events::Reporter;
use crate::text::Processor;
use crate::{Error, Result};

/// Where topic-model documents come from and how a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TopicInputFormat {
    /// CSV when the file name ends in .csv, a SageMaker JSON request when the file is one,
    /// else text (one document per line, or JSON lines with a text field).
    #[default]
    Auto,
    /// One document per line, or JSON lines with a text field.
    Text,
    /// SageMaker's dense CSV: one row of word counts per document, no header.
    Csv,
    /// A SageMaker JSON request (dense or sparse instances); not read by training.
    Json,
}

impl TopicInputFormat {
    /// Whether a file at `path` is read as CSV count rows in this format (the rest is text, or
    /// for inference a SageMaker JSON request).
    pub fn reads_counts(self, path: &std::path::Path) -> bool {
        self == TopicInputFormat::Csv
            || (self == TopicInputFormat::Auto
                && path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("csv")))
    }
}

/// Documents for a trained topic model.
///
/// ```
/// use blazetext::{TopicInput, TopicInputFormat};
/// let file = TopicInput::file("corpora/sample-docs.txt").format(TopicInputFormat::Text);
/// let texts = TopicInput::texts(["the guitar solo", "a late train"]);
/// # let _ = (file, texts);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TopicInput {
    /// A file, or `-` for standard input.
    File {
        /// Where the documents are.
        path: PathBuf,
        /// How the file is read.
        format: TopicInputFormat,
        /// The JSON field holding the text of JSON lines; `None` uses the model's.
        text_field: Option<String>,
    },
    /// Document texts in memory, one document each, read through the model's text pipeline.
    Texts(Vec<String>),
    /// Word counts over the model's vocabulary.
    Counts(CountRows),
}

impl TopicInput {
    /// The documents of a file, its format recognised as [`TopicInputFormat::Auto`] says.
    pub fn file(path: impl Into<PathBuf>) -> TopicInput {
        TopicInput::File {
            path: path.into(),
            format: TopicInputFormat::Auto,
            text_field: None,
        }
    }

    /// Document texts held in memory.
    pub fn texts<S: Into<String>>(texts: impl IntoIterator<Item = S>) -> TopicInput {
        TopicInput::Texts(texts.into_iter().map(Into::into).collect())
    }

    /// Documents given as word counts.
    pub fn counts(rows: CountRows) -> TopicInput {
        TopicInput::Counts(rows)
    }

    /// The same file read in `format`; other inputs are returned unchanged.
    pub fn format(mut self, format: TopicInputFormat) -> TopicInput {
        if let TopicInput::File { format: f, .. } = &mut self {
            *f = format;
        }
        self
    }

    /// The same file read as JSON lines whose text is in `field` (`None`: the model's field);
    /// other inputs are returned unchanged.
    pub fn text_field(mut self, field: Option<String>) -> TopicInput {
        if let TopicInput::File { text_field, .. } = &mut self {
            *text_field = field;
        }
        self
    }
}

/// Documents read for a model: their bag of words, and their token lists when they were text and
/// the tokens were asked for (sliding-window coherence needs them).
pub(crate) struct Documents {
    pub bow: Bow,
    pub tokens: Option<Vec<Vec<String>>>,
}

/// Reads `input` over `model`'s vocabulary; with `with_tokens`, keeps the token lists of text.
pub(crate) fn read(model: &TopicModel, input: &TopicInput, with_tokens: bool) -> Result<Documents> {
    let counts = |bow| Documents { bow, tokens: None };
    let n = model.meta.vocab.len();
    let word_id = |t: &str| model.word_id(t);
    match input {
        TopicInput::Counts(rows) => Ok(counts(check_width(rows, n)?.bow().clone())),
        TopicInput::Texts(texts) => {
            let processor = text_processor(model, None)?;
            if !with_tokens {
                return Ok(counts(docs::texts_bow(texts, processor, n, word_id)));
            }
            let tokens = docs::tokenize_texts(texts, processor);
            Ok(Documents {
                bow: docs::to_bow(&tokens, n, word_id),
                tokens: Some(tokens),
            })
        }
        TopicInput::File {
            path,
            format,
            text_field,
        } => {
            if let Some(bow) = read_counts_file(path, *format, n)? {
                return Ok(counts(bow));
            }
            let processor = text_processor(model, Some(path))?;
            let field = text_field.as_deref().or(model.meta.text_field.as_deref());
            let paths = [path.clone()];
            if !with_tokens {
                return Ok(counts(docs::read_bow(
                    &paths, processor, field, n, word_id,
                )?));
            }
            let tokens = docs::tokenize(&paths, processor, field, &Reporter::silent())?;
            Ok(Documents {
                bow: docs::to_bow(&tokens, n, word_id),
                tokens: Some(tokens),
            })
        }
    }
}

/// Hands `input`'s bag of words to `sink` in batches of `batch` documents, in input order; text
/// files are streamed, so memory stays flat however long they are.
pub(crate) fn stream(
    model: &TopicModel,
    input: &TopicInput,
    batch: usize,
    mut sink: impl FnMut(Bow) -> Result<()>,
) -> Result<()> {
    if let TopicInput::File {
        path,
        format,
        text_field,
    } = input
    {
        let n = model.meta.vocab.len();
        if read_counts_file(path, *format, n)?.is_none() {
            let processor = text_processor(model, Some(path))?;
            let field = text_field.as_deref().or(model.meta.text_field.as_deref());
            let word_id = |t: &str| model.word_id(t);
            return docs::stream_bow(
                std::slice::from_ref(path),
                processor,
                field,
                n,
                word_id,
                batch,
                sink,
            );
        }
    }
    let bow = read(model, input, false)?.bow;
    let rows: Vec<usize> = (0..bow.n_docs()).collect();
    rows.chunks(batch)
        .try_for_each(|chunk| sink(bow.select(chunk)))
}

/// Rows as wide as the model's vocabulary, or an error that says how they differ.
pub(crate) fn check_width(rows: &CountRows, n_words: usize) -> Result<&CountRows> {
    if rows.width() != n_words {
        return Err(Error::config(format!(
            "the count rows have {} columns but the model has {n_words} vocabulary words; give \
             one count per vocabulary word, in the model's order",
            rows.width()
        )));
    }
    Ok(rows)
}

/// The rows of a CSV count file or a SageMaker JSON request, or `None` when `path` holds text.
fn read_counts_file(path: &Path, format: TopicInputFormat, n_words: usize) -> Result<Option<Bow>> {
    if format.reads_counts(path) {
        return Bow::read_dense_csv(path, Some(n_words)).map(Some);
    }
    let json_ext = path.extension().is_some_and(|e| e == "json");
    if format == TopicInputFormat::Json || (format == TopicInputFormat::Auto && json_ext) {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        return infer::parse_json_request(&text, path, n_words).map(Some);
    }
    if format == TopicInputFormat::Auto && path != Path::new("-") && path.is_file() {
        let mut head = [0u8; 1];
        let starts_brace = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .is_ok_and(|k| k == 1 && head[0] == b'{');
        if starts_brace {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            if infer::is_json_request(&text) {
                return infer::parse_json_request(&text, path, n_words).map(Some);
            }
        }
    }
    Ok(None)
}

/// The model's compiled text pipeline, or an error (naming `path` when the text came from a
/// file) when the model was trained on count rows.
pub(crate) fn text_processor<'m>(
    model: &'m TopicModel,
    path: Option<&Path>,
) -> Result<&'m Processor> {
    model.processor()?.ok_or_else(|| {
        let why = "this model was trained on count rows and has no text pipeline";
        match path {
            Some(path) => Error::input(
                path,
                None,
                format!("{why}; give CSV count rows or a SageMaker JSON request"),
            ),
            None => Error::config(format!("{why}; give count rows instead of texts")),
        }
    })
}
