//! blazetext: word embeddings, document classification and topic models over one text pipeline.
//!
//! See ARCHITECTURE.md for the data flow and where each part lives.

pub mod error;
pub mod matrix;
pub mod topics;

pub use error::{Error, Result};
