//! blazetext: word embeddings, document classification and topic models over one text pipeline.
//!
//! See ARCHITECTURE.md for the data flow and where each part lives.

mod api;
pub mod classify;
pub mod corpus;
pub mod embed;
pub mod error;
pub mod eval;
pub mod events;
pub mod hyperparams;
pub mod io;
pub mod io_util;
pub mod matrix;
pub mod model;
pub mod query;
pub mod subword;
pub mod text;
pub mod threads;
pub mod topics;
pub mod vocab;

pub use api::*;
pub use error::{Error, Result};
pub use events::{CancelFlag, EpochEnd, Event, EventHook, TrainingProgress};
pub use hyperparams::Hyperparameters;
pub use model::{LossKind, Mode, TrainConfig};
pub use threads::{default_threads, MAX_THREADS};
pub use text::Pipeline;
