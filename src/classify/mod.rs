//! Supervised document classification: training on `__label__` lines, prediction, evaluation
//! (fastText's P@k/R@k and scikit-learn-compatible reports) and data splits.
//!
//! The engine behind [`crate::Classifier`] and [`crate::ClassifierTrainer`]; front ends call
//! those, not this module.

pub mod data;
pub mod metrics;
pub mod model;
pub mod predict;
pub mod split;
pub mod train;

pub use train::train;
