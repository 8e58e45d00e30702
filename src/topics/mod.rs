//! Topic extraction: bag of words, the neural topic model, training, inference and metrics.

pub mod bow;
pub mod docs;
pub mod embedded;
pub mod infer;
pub mod linalg;
pub mod metrics;
pub mod model;
pub mod ntm;
pub mod optim;
pub mod train;
