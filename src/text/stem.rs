//! Stage 6 of the pipeline: Snowball stemming with a per-thread cache, so that each distinct word
//! is stemmed once however often it occurs.

use crate::{Error, Result};
use hashbrown::HashMap;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::Arc;

const LANGUAGES: &[(&str, Algorithm)] = &[
    ("arabic", Algorithm::Arabic),
    ("danish", Algorithm::Danish),
    ("dutch", Algorithm::Dutch),
    ("english", Algorithm::English),
    ("finnish", Algorithm::Finnish),
    ("french", Algorithm::French),
    ("german", Algorithm::German),
    ("greek", Algorithm::Greek),
    ("hungarian", Algorithm::Hungarian),
    ("italian", Algorithm::Italian),
    ("norwegian", Algorithm::Norwegian),
    ("portuguese", Algorithm::Portuguese),
    ("romanian", Algorithm::Romanian),
    ("russian", Algorithm::Russian),
    ("spanish", Algorithm::Spanish),
    ("swedish", Algorithm::Swedish),
    ("tamil", Algorithm::Tamil),
    ("turkish", Algorithm::Turkish),
];

/// Beyond this many cached words the cache is cleared, bounding memory on huge vocabularies.
const CACHE_LIMIT: usize = 1 << 20;

/// The canonical language name for `name` (any case), or an error listing the valid ones.
pub fn canonical_language(name: &str) -> Result<&'static str> {
    let wanted = name.to_lowercase();
    LANGUAGES
        .iter()
        .find(|(n, _)| *n == wanted)
        .map(|(n, _)| *n)
        .ok_or_else(|| {
            Error::config(format!(
                "unknown stemmer language '{name}'; valid languages are: {}",
                languages().join(", ")
            ))
        })
}

pub fn languages() -> Vec<&'static str> {
    LANGUAGES.iter().map(|(n, _)| *n).collect()
}

/// A stemmer with its cache. Cloning shares the stemmer and starts an empty cache.
pub struct CachedStemmer {
    stemmer: Arc<Stemmer>,
    cache: HashMap<Box<str>, Box<str>>,
}

impl Clone for CachedStemmer {
    fn clone(&self) -> Self {
        CachedStemmer {
            stemmer: Arc::clone(&self.stemmer),
            cache: HashMap::new(),
        }
    }
}

impl CachedStemmer {
    pub fn new(language: &str) -> Result<CachedStemmer> {
        let name = canonical_language(language)?;
        let algorithm = LANGUAGES.iter().find(|(n, _)| *n == name).map(|(_, a)| *a);
        Ok(CachedStemmer {
            stemmer: Arc::new(Stemmer::create(
                algorithm.expect("canonical name is listed"),
            )),
            cache: HashMap::new(),
        })
    }

    pub fn stem(&mut self, word: &str) -> &str {
        if self.cache.len() >= CACHE_LIMIT && !self.cache.contains_key(word) {
            self.cache.clear();
        }
        let stemmer = &self.stemmer;
        self.cache
            .entry_ref(word)
            .or_insert_with(|| stemmer.stem(word).into_owned().into_boxed_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_english_with_porter2() {
        let mut s = CachedStemmer::new("English").unwrap();
        assert_eq!(s.stem("running"), "run");
        assert_eq!(s.stem("generously"), "generous");
        assert_eq!(s.stem("running"), "run");
        assert_eq!(s.cache.len(), 2);
    }

    #[test]
    fn unknown_language_lists_valid_ones() {
        let err = CachedStemmer::new("elvish").err().unwrap().to_string();
        assert!(err.contains("english") && err.contains("turkish"), "{err}");
    }
}
