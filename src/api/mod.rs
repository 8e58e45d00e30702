//! The public API: one way to open any model file ([`Model::load`]), one type per model kind,
//! and one training builder per kind. Every front end (the `blazetext` binary, the HTTP server,
//! the Python package) calls only what this module exports.

mod classifier;
mod data;
mod preprocess;
mod split;
mod topic_model;
mod train_classifier;
mod train_topics;
mod train_vectors;
mod vectors;

use std::path::Path;

pub use classifier::*;
pub use data::*;
pub use preprocess::*;
pub use split::*;
pub use topic_model::*;
pub use train_classifier::*;
pub use train_topics::*;
pub use train_vectors::*;
pub use vectors::*;

use crate::io::{sniff, FastTextFile, FileFormat, ModelName};
use crate::{Error, Result};

pub use crate::io::ModelKind;
pub use crate::io_util::OutputRule;

/// Any model blazetext reads, opened by [`Model::load`].
#[derive(Debug)]
#[non_exhaustive]
// One value per loaded file, moved out at once by `into_*`: the variants' sizes cost nothing.
#[allow(clippy::large_enum_variant)]
pub enum Model {
    /// Word vectors: a fastText `.bin` from `cbow`/`skipgram`, or a word2vec file.
    WordVectors(WordVectors),
    /// A text classifier: a fastText `.bin` trained with `supervised`.
    Classifier(Classifier),
    /// A neural topic model written by `blazetext topics train`.
    Topics(TopicModel),
}

impl Model {
    /// Opens any model file blazetext reads and says what it is: fastText `.bin` (blazetext's
    /// or fastText's), word2vec text (`.vec`) or binary, or a blazetext topic model. The kind is
    /// judged from the file's content, not its name; the `<prefix>.json` manifest next to a
    /// `.bin` or `.vec`, when present, supplies the text pipeline.
    ///
    /// ```no_run
    /// use blazetext::Model;
    /// match Model::load("model.bin")? {
    ///     Model::WordVectors(v) => println!("{} words of dimension {}", v.words().len(), v.dim()),
    ///     Model::Classifier(c) => println!("labels: {:?}", c.labels()),
    ///     Model::Topics(t) => println!("{} topics", t.num_topics()),
    ///     _ => {}
    /// }
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        let path = path.as_ref();
        if crate::topics::model::peek_kind(path).as_deref() == Some(crate::topics::model::KIND) {
            return TopicModel::load(path).map(Model::Topics);
        }
        if sniff(path)? == FileFormat::FastTextBin
            && FastTextFile::read_lazy(path)?.0.args.model == ModelName::Supervised
        {
            return Classifier::load(path).map(Model::Classifier);
        }
        WordVectors::load(path).map(Model::WordVectors)
    }

    /// What kind of model this is.
    pub fn kind(&self) -> ModelKind {
        match self {
            Model::WordVectors(_) => ModelKind::Embeddings,
            Model::Classifier(_) => ModelKind::Classifier,
            Model::Topics(_) => ModelKind::Topics,
        }
    }

    /// The word vectors, or an error that says what the model is instead.
    pub fn into_word_vectors(self) -> Result<WordVectors> {
        match self {
            Model::WordVectors(v) => Ok(v),
            other => Err(other.wrong_kind("word vectors")),
        }
    }

    /// The classifier, or an error that says what the model is instead.
    pub fn into_classifier(self) -> Result<Classifier> {
        match self {
            Model::Classifier(c) => Ok(c),
            other => Err(other.wrong_kind("a classifier")),
        }
    }

    /// The topic model, or an error that says what the model is instead.
    pub fn into_topic_model(self) -> Result<TopicModel> {
        match self {
            Model::Topics(t) => Ok(t),
            other => Err(other.wrong_kind("a topic model")),
        }
    }

    fn wrong_kind(&self, wanted: &str) -> Error {
        let (path, is) = match self {
            Model::WordVectors(v) => (v.path().to_path_buf(), "word vectors"),
            Model::Classifier(c) => (c.path().to_path_buf(), "a classifier"),
            Model::Topics(t) => (t.path().to_path_buf(), "a topic model"),
        };
        Error::model(
            path,
            format!("this operation needs {wanted}, but the file holds {is}"),
        )
    }
}
