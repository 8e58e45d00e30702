//! Word-pair similarity: Spearman and Pearson correlation between human scores and the cosine
//! similarity of the two words' vectors, on WordSim-353, SimLex-999, MEN, RW style files.
//!
//! Accepted layouts: `word1 word2 score` separated by tabs, commas or spaces; `#` comments;
//! an optional header line (a first line whose score is not a number); a leading integer
//! index column as pandas writes (`0,sun,sunlight,50.0`). Pairs with a word the model has no
//! vector for are left out and counted as OOV, as gensim's `evaluate_word_pairs` does.

use std::path::Path;

use serde::Serialize;

use crate::eval::Lookup;
use crate::io::WordVectorModel;
use crate::{Error, Result};

/// How [`WordVectors::evaluate_similarity`](crate::WordVectors::evaluate_similarity) matches words.
#[derive(Debug, Clone, Copy)]
pub struct SimilarityOptions {
    /// Compare words case-insensitively (the most frequent spelling wins).
    pub case_fold: bool,
    /// Give out-of-vocabulary words a vector from their subwords instead of skipping the pair
    /// (only for models with subwords).
    pub subword_oov: bool,
}

impl Default for SimilarityOptions {
    fn default() -> Self {
        SimilarityOptions {
            case_fold: true,
            subword_oov: false,
        }
    }
}

/// Correlation between human scores and cosine similarities, and how many pairs were used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarityReport {
    /// Pairs in the file.
    pub pairs: usize,
    /// Pairs with vectors for both words (the correlations use these).
    pub used: usize,
    /// Pairs left out because a word has no vector.
    pub oov_pairs: usize,
    /// `oov_pairs / pairs`.
    pub oov_rate: f64,
    /// Spearman's rank correlation (ties averaged, as scipy's `spearmanr`).
    pub spearman: f64,
    /// Pearson's correlation.
    pub pearson: f64,
}

/// One line of a pairs file.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub score: f64,
}

/// Reads a word-pairs file (see the module documentation for the accepted layouts).
pub fn read_pairs(path: &Path) -> Result<Vec<Pair>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut pairs = Vec::new();
    let mut seen_data = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields: Vec<&str> = if line.contains('\t') {
            line.split('\t').map(str::trim).collect()
        } else if line.contains(',') {
            line.split(',').map(str::trim).collect()
        } else {
            line.split_whitespace().collect()
        };
        if fields.len() >= 4 && fields[0].parse::<u64>().is_ok() {
            fields.remove(0);
        }
        let score = fields.get(2).and_then(|s| s.parse::<f64>().ok());
        match (fields.len() >= 3, score) {
            (true, Some(score)) if !fields[0].is_empty() && !fields[1].is_empty() => {
                pairs.push(Pair {
                    a: fields[0].to_string(),
                    b: fields[1].to_string(),
                    score,
                });
            }
            // The first non-comment line may be a header.
            _ if !seen_data => {}
            _ => {
                return Err(Error::input(
                    path,
                    Some(i as u64 + 1),
                    format!(
                        "expected `word1 word2 score` (tab, comma or space separated), found \
                         `{line}`"
                    ),
                ))
            }
        }
        seen_data = true;
    }
    if pairs.is_empty() {
        return Err(Error::input(
            path,
            None,
            "no word pairs found; expected lines `word1 word2 score`",
        ));
    }
    Ok(pairs)
}

/// Ranks starting at 1, ties getting the average of the ranks they span.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            r[o] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson's correlation coefficient (NaN when either side is constant or empty).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// Spearman's rank correlation: Pearson on ranks, ties averaged (as scipy's `spearmanr`).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0f64, 0f64, 0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        0.0
    } else {
        ab / (aa.sqrt() * bb.sqrt())
    }
}

/// Evaluates `model` on the word pairs in `path`.
pub fn evaluate_similarity(
    model: &WordVectorModel,
    path: &Path,
    opts: &SimilarityOptions,
) -> Result<SimilarityReport> {
    let pairs = read_pairs(path)?;
    let lookup = Lookup::new(model.words(), usize::MAX, opts.case_fold);
    let use_subwords = opts.subword_oov && model.subwords().is_some();
    let vector = |w: &str| match lookup.get(w) {
        Some(id) => model.word_vector(&model.words()[id as usize]),
        None if use_subwords => model.word_vector(&if opts.case_fold {
            w.to_lowercase()
        } else {
            w.to_string()
        }),
        None => None,
    };
    let (mut human, mut ours) = (Vec::new(), Vec::new());
    for p in &pairs {
        if let (Some(a), Some(b)) = (vector(&p.a), vector(&p.b)) {
            human.push(p.score);
            ours.push(cosine(&a, &b));
        }
    }
    let used = human.len();
    if used < 2 {
        return Err(Error::input(
            path,
            None,
            format!(
                "only {used} of {} pairs have vectors for both words; a correlation needs at \
                 least 2 (is this the right model and language?)",
                pairs.len()
            ),
        ));
    }
    Ok(SimilarityReport {
        pairs: pairs.len(),
        used,
        oov_pairs: pairs.len() - used,
        oov_rate: (pairs.len() - used) as f64 / pairs.len() as f64,
        spearman: spearman(&human, &ours),
        pearson: pearson(&human, &ours),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::word2vec::WordVectors;
    use crate::matrix::Matrix;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 30.0]), [1.5, 3.0, 1.5, 4.0]);
        assert_eq!(ranks(&[5.0, 5.0, 5.0]), [2.0, 2.0, 2.0]);
    }

    #[test]
    fn correlations_match_hand_computed_values() {
        // Pearson of (1,2,3,4) and (2,4,5,4): means 2.5 and 3.75;
        // sxy = 3.5, sxx = 5, syy = 4.75 -> 3.5 / sqrt(23.75).
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [2.0, 4.0, 5.0, 4.0];
        assert!((pearson(&x, &y) - 3.5 / 23.75f64.sqrt()).abs() < 1e-12);
        // Ranks of y with ties: (1, 2.5, 4, 2.5) -> Pearson with (1,2,3,4):
        // sxy = 3, sxx = 5, syy = 4.5 -> 3 / sqrt(22.5) = 0.6325 (scipy.stats.spearmanr agrees).
        assert!((spearman(&x, &y) - 3.0 / 22.5f64.sqrt()).abs() < 1e-12);
        assert!((spearman(&x, &[8.0, 6.0, 4.0, 2.0]) + 1.0).abs() < 1e-12);
    }

    fn write(content: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pairs.txt");
        std::fs::write(&path, content).unwrap();
        (dir, path)
    }

    #[test]
    fn reads_all_layouts() {
        let want = |a: &str, b: &str, score| Pair {
            a: a.into(),
            b: b.into(),
            score,
        };
        let cases = [
            "# comment\n# Word 1\tWord 2\tHuman\nlove\tsex\t6.77\r\ntiger\tcat\t7.35\n",
            ",word1,word2,similarity\n0,love,sex,6.77\n1,tiger,cat,7.35\n",
            "word1 word2 score\nlove sex 6.77\n\ntiger  cat 7.35\n",
        ];
        for content in cases {
            let (_d, path) = write(content);
            assert_eq!(
                read_pairs(&path).unwrap(),
                [want("love", "sex", 6.77), want("tiger", "cat", 7.35)],
                "{content}"
            );
        }
    }

    #[test]
    fn bad_lines_name_the_line() {
        let (_d, path) = write("a b 1\nc d\n");
        let e = read_pairs(&path).unwrap_err().to_string();
        assert!(e.contains(":2:"), "{e}");
        let (_d, path) = write("# only a comment\n");
        assert!(read_pairs(&path)
            .unwrap_err()
            .to_string()
            .contains("no word pairs"));
    }

    #[test]
    fn evaluation_counts_oov_and_correlates() {
        let words = ["cat", "dog", "car", "Tiger"];
        let v = vec![1.0, 0.0, 0.9, 0.1, 0.0, 1.0, 0.8, 0.3];
        let model = WordVectorModel::from_word_vectors(WordVectors {
            words: words.iter().map(|w| w.to_string()).collect(),
            vectors: Matrix::from_vec(4, 2, v),
        });
        let (_d, path) = write("cat dog 9\ncat car 1\ntiger cat 8\ncat unicorn 5\n");
        let r = evaluate_similarity(&model, &path, &SimilarityOptions::default()).unwrap();
        assert_eq!((r.pairs, r.used, r.oov_pairs), (4, 3, 1));
        assert_eq!(r.oov_rate, 0.25);
        // Cosines: cat·dog 0.994, cat·car 0, cat·tiger 0.936: same order as the human scores.
        assert!((r.spearman - 1.0).abs() < 1e-12);
        let no_fold = SimilarityOptions {
            case_fold: false,
            ..SimilarityOptions::default()
        };
        let r = evaluate_similarity(&model, &path, &no_fold).unwrap();
        assert_eq!(r.used, 2);
    }
}
