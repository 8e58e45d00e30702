//! Topic models: topic weights of new documents, top words, metrics.

use std::path::{Path, PathBuf};

use crate::topics::model::TopicModel as Engine;
use crate::Result;

/// A neural topic model written by `blazetext topics train` (or just trained).
#[derive(Debug)]
pub struct TopicModel {
    engine: Engine,
    path: PathBuf,
}

impl TopicModel {
    /// Loads a topic model file.
    pub fn load(path: impl AsRef<Path>) -> Result<TopicModel> {
        Ok(TopicModel {
            engine: Engine::load(path.as_ref())?,
            path: path.as_ref().to_path_buf(),
        })
    }

    /// The file the model was loaded from (empty when trained in memory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The number of topics.
    pub fn num_topics(&self) -> usize {
        self.engine.ntm.arch.n_topics
    }
}
