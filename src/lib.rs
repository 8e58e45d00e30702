//! blazetext: word embeddings, document classification and topic models over one text pipeline.
//!
//! See ARCHITECTURE.md for the data flow and where each part lives.

#![warn(missing_docs)]

mod api;
mod classify;
mod corpus;
mod embed;
mod error;
mod eval;
mod events;
mod hyperparams;
pub mod inference;
mod io;
mod io_util;
mod matrix;
mod model;
mod query;
#[cfg(feature = "serve")]
pub mod serve;
mod subword;
mod text;
mod threads;
mod topics;
pub mod transform;
mod vocab;

pub use api::*;
pub use error::{Error, Result};
pub use events::{CancelFlag, EpochEnd, Event, EventHook, TrainingProgress};
pub use hyperparams::Hyperparameters;
pub use model::{LossKind, Mode, TrainConfig};
pub use text::Pipeline;
pub use threads::{default_threads, MAX_THREADS};

/// Model files at the level of their fields, for tools that read or write them directly
/// (converters, test fixtures, loaders in other languages): fastText's `.bin` layout and
/// word2vec's text and binary files. Most programs want [`Model::load`] and the `save` methods.
pub mod format {
    pub use crate::io::fasttext::{
        DictEntry, FastTextArgs, FastTextFile, Loss, ModelName, VERSION,
    };
    pub use crate::io::word2vec::{
        read_binary, read_text, write_binary, write_text, WordVectors as WordTable,
    };
    pub use crate::matrix::Matrix;
}
