//! Stage 5 of the pipeline: stop-word lists (built in, from a file, or none).

use crate::{Error, Result};
use hashbrown::HashSet;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The built-in lists: the Snowball project's stop words for each language, one word per line.
const BUILT_IN: &[(&str, &str)] = &[
    ("english", include_str!("stopwords/english.txt")),
    ("german", include_str!("stopwords/german.txt")),
    ("french", include_str!("stopwords/french.txt")),
    ("spanish", include_str!("stopwords/spanish.txt")),
    ("italian", include_str!("stopwords/italian.txt")),
    ("portuguese", include_str!("stopwords/portuguese.txt")),
    ("dutch", include_str!("stopwords/dutch.txt")),
    ("russian", include_str!("stopwords/russian.txt")),
];

/// Which stop words a pipeline removes. A user file is read when the pipeline is configured and
/// its words are stored, so a saved model does not depend on the file still being there.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum StopWords {
    /// No stop words are removed.
    #[default]
    None,
    /// A built-in list (see [`StopWords::languages`]).
    BuiltIn {
        /// The list's language, as [`StopWords::built_in`] names it (`english`, …).
        language: String,
    },
    /// A list of the user's.
    Custom {
        /// Where the words were read from (shown in messages).
        source: String,
        /// The words, lowercase.
        words: Vec<String>,
    },
}

impl StopWords {
    /// The built-in list for `language` (English name, any case, or two-letter ISO code).
    pub fn built_in(language: &str) -> Result<StopWords> {
        let wanted = language.to_lowercase();
        let name = match wanted.as_str() {
            "en" => "english",
            "de" => "german",
            "fr" => "french",
            "es" => "spanish",
            "it" => "italian",
            "pt" => "portuguese",
            "nl" => "dutch",
            "ru" => "russian",
            other => other,
        };
        if BUILT_IN.iter().any(|(n, _)| *n == name) {
            Ok(StopWords::BuiltIn {
                language: name.to_string(),
            })
        } else {
            Err(Error::config(format!(
                "no built-in stop-word list for '{language}'; the built-in lists are: {}. \
                 Use --stopwords-file <file> for your own list (one word per line).",
                Self::languages().join(", ")
            )))
        }
    }

    /// Reads a user list: one word per line; blank lines and lines starting with `#` are skipped.
    pub fn from_file(path: &Path) -> Result<StopWords> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::input(
                path,
                None,
                format!(
                    "the stop-word file is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        let words = text
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
            .map(str::to_lowercase)
            .collect();
        Ok(StopWords::Custom {
            source: path.display().to_string(),
            words,
        })
    }

    /// The languages that have a built-in list.
    pub fn languages() -> Vec<&'static str> {
        BUILT_IN.iter().map(|(n, _)| *n).collect()
    }

    /// The set of words to remove (lowercase).
    pub(crate) fn to_set(&self) -> HashSet<String> {
        match self {
            StopWords::None => HashSet::new(),
            StopWords::BuiltIn { language } => BUILT_IN
                .iter()
                .find(|(n, _)| n == language)
                .map(|(_, list)| list.lines().map(str::to_string).collect())
                .unwrap_or_default(),
            StopWords::Custom { words, .. } => words.iter().cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_list_is_clean() {
        for (name, list) in BUILT_IN {
            let words: Vec<&str> = list.lines().collect();
            assert!(words.len() > 50, "{name} has only {} words", words.len());
            let set: HashSet<&str> = words.iter().copied().collect();
            assert_eq!(set.len(), words.len(), "{name} has duplicates");
            for w in &words {
                assert!(!w.is_empty() && w.trim() == *w, "{name}: bad entry {w:?}");
                assert_eq!(w.to_lowercase(), *w, "{name}: {w} is not lowercase");
            }
        }
    }

    #[test]
    fn english_list_has_the_usual_suspects() {
        let set = StopWords::built_in("EN").unwrap().to_set();
        for w in ["the", "and", "of", "don't", "t", "s"] {
            assert!(set.contains(w), "{w}");
        }
        assert!(!set.contains("house"));
    }

    #[test]
    fn unknown_language_lists_the_valid_ones() {
        let err = StopWords::built_in("klingon").unwrap_err().to_string();
        assert!(err.contains("english") && err.contains("russian"), "{err}");
    }

    #[test]
    fn missing_user_file_names_the_file() {
        let err = StopWords::from_file(Path::new("/no/such/stopwords.txt")).unwrap_err();
        assert!(err.to_string().contains("/no/such/stopwords.txt"));
    }
}
