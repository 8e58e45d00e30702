//! blazetext: word embeddings, document classification and topic models over one text pipeline.
//!
//! See ARCHITECTURE.md for the data flow and where each part lives.

pub mod cli;
pub mod embed;
pub mod error;
pub mod eval;
pub mod io;
pub mod matrix;
pub mod model;
pub mod query;
pub mod subword;

pub use error::{Error, Result};
