//! Intrinsic evaluation of word vectors: analogy accuracy (questions-words.txt format) and
//! word-pair similarity correlation (WordSim-353, SimLex-999, MEN, RW style files).

pub mod analogies;
pub mod similarity;

use hashbrown::HashMap;

pub use analogies::{evaluate_analogies, AnalogyOptions, AnalogyReport};
pub use similarity::{evaluate_similarity, SimilarityOptions, SimilarityReport};

/// Looks words up among the first `limit` index rows, optionally ignoring case. With case
/// folding, a folded form maps to its most frequent spelling (the lowest row), as gensim and
/// word2vec's compute-accuracy do.
pub(crate) struct Lookup {
    map: HashMap<String, u32>,
    fold: bool,
}

impl Lookup {
    pub(crate) fn new(words: &[String], limit: usize, fold: bool) -> Lookup {
        let mut map = HashMap::with_capacity(limit.min(words.len()));
        for (i, w) in words.iter().take(limit).enumerate() {
            let key = if fold { w.to_lowercase() } else { w.clone() };
            map.entry(key).or_insert(i as u32);
        }
        Lookup { map, fold }
    }

    pub(crate) fn get(&self, word: &str) -> Option<u32> {
        if self.fold {
            self.map.get(&word.to_lowercase()).copied()
        } else {
            self.map.get(word).copied()
        }
    }
}
