//! Supervised document classification: training on `__label__` lines, prediction, evaluation
//! (fastText's P@k/R@k and scikit-learn-compatible reports) and data splits.

pub mod metrics;
pub mod split;
