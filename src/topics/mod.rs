//! Topic extraction: bag of words, the neural topic model, training, inference and metrics.

pub mod bow;
pub mod config;
pub mod counts;
pub mod docs;
pub mod embedded;
pub mod export;
pub mod fit;
pub mod infer;
pub mod input;
pub mod linalg;
pub mod metrics;
pub mod model;
pub mod ntm;
pub mod optim;
pub mod prepare;
pub mod quality;
pub mod train;
