//! blazetext: word embeddings, document classification and topic models over one text pipeline.
//!
//! See ARCHITECTURE.md for the data flow and where each part lives.

pub mod classify;
pub mod cli;
pub mod corpus;
pub mod embed;
pub mod error;
pub mod eval;
pub mod hyperparams;
pub mod io;
pub mod io_util;
pub mod log;
pub mod matrix;
pub mod model;
pub mod query;
pub mod subword;
pub mod text;
pub mod topics;
pub mod vocab;

pub use error::{Error, Result};
