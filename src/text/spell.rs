//! Spelling repair: maps rare tokens to a frequent token within a small Damerau-Levenshtein
//! distance, using a symmetric-delete index (the SymSpell idea): a frequent word and a rare word
//! within distance d share a string obtainable from each by at most d deletions, so candidates
//! are found by hash look-ups instead of comparing every pair.

use super::{Pipeline, StopWords};
use crate::corpus::Corpus;
use crate::vocab::Counts;
use crate::{Error, Result};
use hashbrown::HashMap;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Spelling repair: when a token counts as rare, which tokens may replace it, and how far apart
/// they may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpellingOptions {
    /// Tokens seen fewer times than this are candidates for correction.
    pub rare_below: u64,
    /// Only tokens seen at least this often can be the correction.
    pub frequent_min: u64,
    /// Largest edit distance (1 or 2). Distance 2 is only used for tokens of 8 or more characters,
    /// because short words two edits apart are usually different words.
    pub max_distance: usize,
    /// Tokens shorter than this (in characters) are never corrected.
    pub min_length: usize,
}

impl Default for SpellingOptions {
    fn default() -> Self {
        SpellingOptions {
            rare_below: 3,
            frequent_min: 20,
            max_distance: 2,
            min_length: 4,
        }
    }
}

impl SpellingOptions {
    /// Checks that the options make sense together.
    pub fn validate(&self) -> Result<()> {
        if !(1..=2).contains(&self.max_distance) {
            return Err(Error::config("--spelling-max-distance must be 1 or 2"));
        }
        if self.rare_below >= self.frequent_min {
            return Err(Error::config(
                "--spelling-rare-below must be smaller than --spelling-frequent-min, or a word could be both rare and a correction",
            ));
        }
        Ok(())
    }
}

/// One rare token mapped to the frequent token it most likely misspells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpellingCorrection {
    /// The rare token.
    pub from: String,
    /// The frequent token that replaces it.
    pub to: String,
    /// Occurrences of `from`.
    pub from_count: u64,
    /// Occurrences of `to`.
    pub to_count: u64,
    /// Damerau-Levenshtein distance between the two (1 or 2).
    pub distance: usize,
}

/// Above this length tokens are left alone: they are URLs, hashes or glued words, not typos.
const MAX_LENGTH: usize = 24;

fn correctable(word: &str) -> bool {
    word.chars().all(char::is_alphabetic)
}

/// All strings obtained from `chars` by deleting up to `depth` characters (including itself).
fn deletes(chars: &[char], depth: usize, out: &mut Vec<String>) {
    out.push(chars.iter().collect());
    let mut frontier = vec![chars.to_vec()];
    for _ in 0..depth {
        let mut next = Vec::new();
        for word in &frontier {
            for i in 0..word.len() {
                let mut shorter = word.clone();
                shorter.remove(i);
                let s: String = shorter.iter().collect();
                if !out.contains(&s) {
                    out.push(s);
                    next.push(shorter);
                }
            }
        }
        frontier = next;
    }
}

/// Optimal-string-alignment Damerau-Levenshtein distance (adjacent transpositions count 1).
pub fn damerau_levenshtein(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[n][m]
}

/// Finds, for every rare token of `counts`, the frequent token it most likely misspells: the
/// nearest one, ties broken by higher count, then alphabetically. Sorted by `from`.
pub fn build_corrections(
    counts: &HashMap<String, u64>,
    options: &SpellingOptions,
) -> Vec<SpellingCorrection> {
    let max_distance = options.max_distance.clamp(1, 2);
    let frequent: Vec<(&str, u64, Vec<char>)> = counts
        .iter()
        .filter(|(w, &c)| c >= options.frequent_min && correctable(w))
        .map(|(w, &c)| (w.as_str(), c, w.chars().collect()))
        .filter(|(_, _, chars): &(&str, u64, Vec<char>)| chars.len() <= MAX_LENGTH)
        .collect();
    let mut index: HashMap<String, Vec<u32>> = HashMap::new();
    let mut scratch = Vec::new();
    for (id, (_, _, chars)) in frequent.iter().enumerate() {
        scratch.clear();
        deletes(chars, max_distance, &mut scratch);
        for key in scratch.drain(..) {
            index.entry(key).or_default().push(id as u32);
        }
    }
    let rare: Vec<(&str, u64)> = counts
        .iter()
        .filter(|(w, &c)| c < options.rare_below && correctable(w))
        .map(|(w, &c)| (w.as_str(), c))
        .collect();
    let mut corrections: Vec<SpellingCorrection> = rare
        .par_iter()
        .filter_map(|&(word, count)| {
            let chars: Vec<char> = word.chars().collect();
            if chars.len() < options.min_length || chars.len() > MAX_LENGTH {
                return None;
            }
            let allowed = if chars.len() >= 8 { max_distance } else { 1 };
            let mut keys = Vec::new();
            deletes(&chars, allowed, &mut keys);
            let mut best: Option<(usize, u64, &str)> = None;
            for id in keys.iter().filter_map(|k| index.get(k)).flatten() {
                let (target, target_count, target_chars) = &frequent[*id as usize];
                if target.len().abs_diff(word.len()) > allowed * 4 {
                    continue;
                }
                let distance = damerau_levenshtein(&chars, target_chars);
                if distance == 0 || distance > allowed {
                    continue;
                }
                let candidate = (distance, *target_count, *target);
                let better = match best {
                    None => true,
                    Some((d, c, t)) => {
                        (distance, std::cmp::Reverse(*target_count), *target)
                            < (d, std::cmp::Reverse(c), t)
                    }
                };
                if better {
                    best = Some(candidate);
                }
            }
            best.map(|(distance, to_count, to)| SpellingCorrection {
                from: word.to_string(),
                to: to.to_string(),
                from_count: count,
                to_count,
                distance,
            })
        })
        .collect();
    corrections.sort_by(|a, b| a.from.cmp(&b.from));
    corrections
}

/// Learns corrections from the tokens of `corpus`, counted at the stage where corrections apply:
/// through `pipeline`'s normalization, tokenizer and filters, before stop words and stemming.
pub(crate) fn learn(
    corpus: &Corpus,
    pipeline: &Pipeline,
    options: &SpellingOptions,
) -> Result<Vec<SpellingCorrection>> {
    options.validate()?;
    let counting = Pipeline {
        stopwords: StopWords::None,
        stemmer: None,
        spelling: BTreeMap::new(),
        ..pipeline.clone()
    };
    let counts = Counts::from_corpus(corpus, &counting)?;
    Ok(build_corrections(&counts.word_counts(), options))
}

/// The mapping stored in a pipeline.
pub fn to_mapping(corrections: &[SpellingCorrection]) -> BTreeMap<String, String> {
    corrections
        .iter()
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn damerau_levenshtein_hand_computed() {
        assert_eq!(damerau_levenshtein(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(damerau_levenshtein(&chars("teh"), &chars("the")), 1);
        assert_eq!(damerau_levenshtein(&chars("ca"), &chars("abc")), 3);
        assert_eq!(damerau_levenshtein(&chars(""), &chars("abc")), 3);
        assert_eq!(damerau_levenshtein(&chars("été"), &chars("ete")), 2);
    }

    #[test]
    fn corrects_rare_misspellings_to_frequent_words() {
        let counts: HashMap<String, u64> = [
            ("government", 500),
            ("goverment", 2),
            ("governmnet", 1),
            ("receive", 300),
            ("recieve", 1),
            ("cat", 100),
            ("cta", 1),
            ("zyxwv", 1),
        ]
        .into_iter()
        .map(|(w, c)| (w.to_string(), c))
        .collect();
        let found = build_corrections(&counts, &SpellingOptions::default());
        let mapping = to_mapping(&found);
        assert_eq!(
            mapping.get("goverment").map(String::as_str),
            Some("government")
        );
        assert_eq!(
            mapping.get("governmnet").map(String::as_str),
            Some("government")
        );
        assert_eq!(mapping.get("recieve").map(String::as_str), Some("receive"));
        // Too short to correct, and nothing near.
        assert!(!mapping.contains_key("cta"));
        assert!(!mapping.contains_key("zyxwv"));
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn prefers_nearer_then_more_frequent() {
        let counts: HashMap<String, u64> = [("house", 50), ("horse", 80), ("hous", 1)]
            .into_iter()
            .map(|(w, c)| (w.to_string(), c))
            .collect();
        let mapping = to_mapping(&build_corrections(&counts, &SpellingOptions::default()));
        assert_eq!(mapping["hous"], "house");
    }

    #[test]
    fn contradictory_options_name_the_flag() {
        let options = SpellingOptions {
            max_distance: 3,
            ..SpellingOptions::default()
        };
        let err = options.validate().unwrap_err().to_string();
        assert!(err.contains("--spelling-max-distance"), "{err}");
        let options = SpellingOptions {
            rare_below: 20,
            ..SpellingOptions::default()
        };
        let err = options.validate().unwrap_err().to_string();
        assert!(err.contains("--spelling-rare-below"), "{err}");
        assert!(SpellingOptions::default().validate().is_ok());
    }
}
