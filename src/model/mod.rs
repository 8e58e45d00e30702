//! The training core shared by word embeddings (`embed`) and classification (`classify`):
//!
//! - [`hogwild`]: the lock-free shared matrix (the crate's only unsafe code) and row kernels;
//! - [`loss`]: negative sampling, hierarchical softmax, softmax and one-vs-all output layers,
//!   each computing one example's loss and gradient like fastText's `Loss` classes, plus
//!   `predict` with true probabilities;
//! - [`huffman`]: the Huffman tree behind hierarchical softmax;
//! - [`sampling`]: seeded generators, the noise distribution and the learning-rate schedule;
//! - [`math`]: table-driven sigmoid and log;
//! - [`config`]: [`TrainConfig`], the hyperparameters of a run;
//! - [`progress`]: the shared token counter, progress events, the cancel check and the final
//!   summary.
//!
//! A supervised run enters through `crate::classify::train(&TrainingData, &Pipeline,
//! &TrainConfig, &Reporter)` (called by `ClassifierTrainer`); unsupervised runs through
//! `crate::embed::train` with the same arguments (called by `VectorTrainer`).

pub mod config;
pub mod hogwild;
pub mod huffman;
pub mod loss;
pub mod math;
pub mod progress;
pub mod sampling;

pub use config::{check_matrix_size, Mode, TrainConfig};
pub use hogwild::{fill_uniform_rows, uniform_matrix, SharedMatrix};
pub use loss::{Loss, LossKind, State};
pub use progress::{Progress, Summary};
