//! Word vectors: look-ups, neighbours, analogies, evaluation, saving.

use std::path::Path;

use crate::io::WordVectorModel;
use crate::Result;

/// Word vectors loaded from a fastText `.bin` or a word2vec file (or just trained).
#[derive(Debug)]
pub struct WordVectors {
    model: WordVectorModel,
}

impl WordVectors {
    /// Loads word vectors from a fastText `.bin` or a word2vec text/binary file.
    pub fn load(path: impl AsRef<Path>) -> Result<WordVectors> {
        Ok(WordVectors {
            model: WordVectorModel::load(path.as_ref())?,
        })
    }

    /// The file the vectors were loaded from (empty when trained in memory).
    pub fn path(&self) -> &Path {
        self.model.path()
    }

    /// The vocabulary, most frequent word first.
    pub fn words(&self) -> &[String] {
        self.model.words()
    }

    /// The vector dimension.
    pub fn dim(&self) -> usize {
        self.model.dim()
    }
}
