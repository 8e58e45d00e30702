//! Text classifiers: prediction, evaluation, labels.

use std::path::Path;

use crate::classify::model::Classifier as Engine;
use crate::Result;

/// A text classifier loaded from a fastText `.bin` trained in `supervised` mode (or just
/// trained).
pub struct Classifier {
    engine: Engine,
    path: std::path::PathBuf,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("path", &self.path)
            .field("labels", &self.engine.vocab.labels().len())
            .finish()
    }
}

impl Classifier {
    /// Loads a classifier `.bin` (blazetext's or fastText's) and the manifest next to it.
    pub fn load(path: impl AsRef<Path>) -> Result<Classifier> {
        Ok(Classifier {
            engine: Engine::load(path.as_ref())?,
            path: path.as_ref().to_path_buf(),
        })
    }

    /// The file the classifier was loaded from (empty when trained in memory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The labels, in the model's order.
    pub fn labels(&self) -> Vec<String> {
        self.engine.labels()
    }
}
