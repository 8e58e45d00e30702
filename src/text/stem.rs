//! Stage 6 of the pipeline: Snowball stemming with a per-thread cache, so that each distinct word
//! is stemmed once however often it occurs. The cache can also hold the stop-word decision of
//! stage 5, so that one look-up serves both stages.

use super::TokenMap;
use crate::{Error, Result};
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

/// Which words are dropped before stemming (stop words). It must answer the same for the same word
/// every time: the answer is cached.
pub type DropRule = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// What the cache knows about a word.
enum Cached {
    Dropped,
    /// The stem is the word itself (common; spares a copy and a pointer to follow).
    Unchanged,
    Stem(Box<str>),
}

/// A stemmer with its cache. Cloning shares the stemmer and starts an empty cache.
pub struct CachedStemmer {
    stemmer: Arc<Stemmer>,
    drop: Option<DropRule>,
    cache: TokenMap<Cached>,
}

impl Clone for CachedStemmer {
    fn clone(&self) -> Self {
        CachedStemmer {
            stemmer: Arc::clone(&self.stemmer),
            drop: self.drop.clone(),
            cache: TokenMap::new(),
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
            drop: None,
            cache: TokenMap::new(),
        })
    }

    /// Makes [`CachedStemmer::stem`] answer `None` for the words `rule` drops.
    pub fn dropping(mut self, rule: DropRule) -> CachedStemmer {
        self.drop = Some(rule);
        self.cache.clear();
        self
    }

    /// The stem of `word`, or `None` if the drop rule removes it. Never allocates once the word
    /// is cached.
    pub fn stem<'a>(&'a mut self, word: &'a str) -> Option<&'a str> {
        if self.cache.len() >= CACHE_LIMIT && self.cache.get(word).is_none() {
            self.cache.clear();
        }
        let (stemmer, drop) = (&self.stemmer, &self.drop);
        let cached = self.cache.get_or_insert_with(word, || {
            if drop.as_ref().is_some_and(|rule| rule(word)) {
                return Cached::Dropped;
            }
            let stem = stemmer.stem(word);
            if stem == word {
                Cached::Unchanged
            } else {
                Cached::Stem(stem.into_owned().into_boxed_str())
            }
        });
        match cached {
            Cached::Dropped => None,
            Cached::Unchanged => Some(word),
            Cached::Stem(stem) => Some(stem),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_english_with_porter2() {
        let mut s = CachedStemmer::new("English").unwrap();
        assert_eq!(s.stem("running"), Some("run"));
        assert_eq!(s.stem("generously"), Some("generous"));
        assert_eq!(s.stem("running"), Some("run"));
        assert_eq!(s.stem("cat"), Some("cat"));
        assert_eq!(s.stem("cat"), Some("cat"));
        assert_eq!(s.cache.len(), 3);
    }

    #[test]
    fn dropped_words_are_decided_once_and_cached() {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let mut s = CachedStemmer::new("english")
            .unwrap()
            .dropping(Arc::new(move |w: &str| {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                w == "the"
            }));
        for _ in 0..3 {
            assert_eq!(s.stem("the"), None);
            assert_eq!(s.stem("cats"), Some("cat"));
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 2);
        // A clone shares the rule and starts with an empty cache.
        assert_eq!(s.clone().stem("the"), None);
    }

    #[test]
    fn unknown_language_lists_valid_ones() {
        let err = CachedStemmer::new("elvish").err().unwrap().to_string();
        assert!(err.contains("english") && err.contains("turkish"), "{err}");
    }
}
