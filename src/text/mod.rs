//! The text pipeline: normalize → lowercase → tokenize → filter → (fix spelling) → drop stop
//! words → stem. Labels (`__label__x`) pass through every stage untouched.

pub mod normalize;
pub mod pipeline;
pub(crate) mod preprocess;
pub mod spell;
pub mod stem;
pub mod stopwords;
pub mod token_map;
pub mod tokenize;

pub use normalize::Normalization;
pub use pipeline::{Numbers, Pipeline, Processor, Tokenizer};
pub use stopwords::StopWords;
pub use token_map::TokenMap;
