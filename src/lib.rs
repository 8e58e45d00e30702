//! blazetext: word embeddings, document classification and topic models over one text pipeline.
//!
//! See ARCHITECTURE.md for the data flow and where each part lives.

pub mod cli;
pub mod corpus;
pub mod error;
pub mod io_util;
pub mod log;
pub mod matrix;
pub mod text;
pub mod topics;
pub mod vocab;

pub use error::{Error, Result};
