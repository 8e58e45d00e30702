//! Topic-quality metrics. Exact definitions (also in docs/topics.md):
//!
//! * top words: a topic's `n` most probable words, ties broken by the smaller word id;
//! * NPMI(wᵢ, wⱼ) = ln(P(wᵢ,wⱼ) / (P(wᵢ)P(wⱼ))) / −ln P(wᵢ,wⱼ), with probabilities counted over
//!   "windows" of the reference corpus: whole documents (document co-occurrence) or boolean
//!   sliding windows of 10 tokens (a document of L ≥ 10 tokens gives L − 9 windows, a shorter
//!   one a single window; out-of-vocabulary tokens keep their positions). A pair that never
//!   co-occurs scores −1, a pair present in every window +1. A topic's NPMI is the mean over
//!   its top-10 pairs, the model's the mean over topics;
//! * TD@n (Dieng et al. 2020) = |⋃ top-n lists| / (n·K);
//! * TU (Nan et al. 2019, SageMaker) of topic k = (1/n) Σ_{w ∈ top-n(k)} 1/cnt(w), cnt(w) = the
//!   number of topics whose top-n list holds w; the model's TU is the mean over topics;
//! * WETC = mean over topics of the mean pairwise cosine similarity of the embeddings of the
//!   topic's top-n words (words without a vector are skipped; topics with fewer than two found
//!   words are left out of the mean);
//! * perplexity = exp(Σ_d loss_d / Σ_d N_d), loss_d the deterministic negative ELBO.

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Word id used in token sequences for tokens outside the model vocabulary.
pub const UNKNOWN: u32 = u32::MAX;

/// The `n` most probable word ids of every topic row.
pub fn top_words(phi: &Array2<f32>, n: usize) -> Vec<Vec<u32>> {
    phi.rows()
        .into_iter()
        .map(|row| {
            let mut ids: Vec<u32> = (0..row.len() as u32).collect();
            ids.sort_by(|&a, &b| row[b as usize].total_cmp(&row[a as usize]).then(a.cmp(&b)));
            ids.truncate(n);
            ids
        })
        .collect()
}

/// How co-occurrence is counted in the reference corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    /// Each document is one window.
    Document,
    /// Boolean sliding windows of this many tokens.
    Sliding(usize),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coherence {
    pub mean: f64,
    pub per_topic: Vec<f64>,
}

/// NPMI of every topic's top words over a reference corpus given as token-id sequences
/// (`UNKNOWN` for tokens outside the vocabulary).
pub fn npmi(tops: &[Vec<u32>], docs: &[Vec<u32>], window: Window) -> Coherence {
    // Contiguous indices for the words that matter, so counts fit a small square matrix.
    let mut index: HashMap<u32, usize> = HashMap::new();
    for &w in tops.iter().flatten() {
        let next = index.len();
        index.entry(w).or_insert(next);
    }
    let r = index.len();
    let mut single = vec![0u64; r];
    let mut pair = vec![0u64; r * r];
    let mut windows = 0u64;
    let mut present: Vec<usize> = Vec::new();
    let mut count = |toks: &[u32]| {
        present.clear();
        present.extend(toks.iter().filter_map(|w| index.get(w).copied()));
        present.sort_unstable();
        present.dedup();
        for (a, &i) in present.iter().enumerate() {
            single[i] += 1;
            for &j in &present[a + 1..] {
                pair[i * r + j] += 1;
            }
        }
    };
    for doc in docs {
        match window {
            Window::Document => {
                count(doc);
                windows += 1;
            }
            Window::Sliding(s) => {
                if doc.len() <= s {
                    count(doc);
                    windows += 1;
                } else {
                    for w in doc.windows(s) {
                        count(w);
                        windows += 1;
                    }
                }
            }
        }
    }
    let n = windows.max(1) as f64;
    let per_topic: Vec<f64> = tops
        .iter()
        .map(|top| {
            let mut sum = 0.0;
            let mut pairs = 0usize;
            for a in 0..top.len() {
                for b in a + 1..top.len() {
                    let (i, j) = (index[&top[a]], index[&top[b]]);
                    let c = pair[i.min(j) * r + i.max(j)];
                    sum += npmi_value(c as f64 / n, single[i] as f64 / n, single[j] as f64 / n);
                    pairs += 1;
                }
            }
            if pairs == 0 {
                0.0
            } else {
                sum / pairs as f64
            }
        })
        .collect();
    Coherence {
        mean: mean(&per_topic),
        per_topic,
    }
}

fn npmi_value(p_ij: f64, p_i: f64, p_j: f64) -> f64 {
    if p_ij == 0.0 {
        -1.0
    } else if p_ij >= 1.0 {
        1.0
    } else {
        (p_ij / (p_i * p_j)).ln() / -p_ij.ln()
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Topic diversity TD@n: the share of unique words among all topics' top-n lists.
pub fn topic_diversity(tops: &[Vec<u32>]) -> f64 {
    let total: usize = tops.iter().map(Vec::len).sum();
    let unique: std::collections::HashSet<u32> = tops.iter().flatten().copied().collect();
    unique.len() as f64 / total.max(1) as f64
}

/// SageMaker's topic uniqueness: (mean over topics, per topic).
pub fn topic_uniqueness(tops: &[Vec<u32>]) -> (f64, Vec<f64>) {
    let mut cnt: HashMap<u32, usize> = HashMap::new();
    for top in tops {
        for &w in top {
            *cnt.entry(w).or_default() += 1;
        }
    }
    let per: Vec<f64> = tops
        .iter()
        .map(|top| mean(&top.iter().map(|w| 1.0 / cnt[w] as f64).collect::<Vec<_>>()))
        .collect();
    (mean(&per), per)
}

/// Word-embedding topic coherence: (mean, per topic; `None` where < 2 words have vectors).
pub fn wetc(
    tops: &[Vec<u32>],
    vocab: &[String],
    vectors: &HashMap<String, Vec<f32>>,
) -> (f64, Vec<Option<f64>>) {
    let per: Vec<Option<f64>> = tops
        .iter()
        .map(|top| {
            let vs: Vec<&Vec<f32>> = top
                .iter()
                .filter_map(|&w| vectors.get(&vocab[w as usize]))
                .collect();
            let mut sum = 0.0;
            let mut pairs = 0usize;
            for a in 0..vs.len() {
                for b in a + 1..vs.len() {
                    sum += cosine(vs[a], vs[b]);
                    pairs += 1;
                }
            }
            (pairs > 0).then(|| sum / pairs as f64)
        })
        .collect();
    let found: Vec<f64> = per.iter().flatten().copied().collect();
    (mean(&found), per)
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        ab += x as f64 * y as f64;
        aa += x as f64 * x as f64;
        bb += y as f64 * y as f64;
    }
    if aa == 0.0 || bb == 0.0 {
        0.0
    } else {
        ab / (aa.sqrt() * bb.sqrt())
    }
}

/// Similarity between topics, to detect component collapse (many topics alike). Measured on
/// top-word sets rather than on the distributions: topic-word rows can be nearly flat yet rank
/// different words first, and what users see is the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicSimilarity {
    /// Mean Jaccard similarity of the top-word sets over all topic pairs.
    pub mean_jaccard: f64,
    /// Largest Jaccard similarity of two topics' top-word sets.
    pub max_jaccard: f64,
    /// Pairs whose top-word sets overlap at least `NEAR_DUPLICATE` (Jaccard).
    pub near_duplicate_pairs: usize,
    /// Whether the topics look collapsed: near-duplicate pairs as many as a quarter of the
    /// topics, or a mean Jaccard above 0.3.
    pub collapsed: bool,
}

/// Jaccard similarity of top-10 sets above which two topics count as near-duplicates
/// (at least 7 of 10 words shared).
pub const NEAR_DUPLICATE: f64 = 0.5;

pub fn topic_similarity(tops: &[Vec<u32>]) -> TopicSimilarity {
    let sets: Vec<std::collections::HashSet<u32>> =
        tops.iter().map(|t| t.iter().copied().collect()).collect();
    let (mut sum, mut max, mut dup, mut pairs) = (0.0, 0.0f64, 0usize, 0usize);
    for a in 0..sets.len() {
        for b in a + 1..sets.len() {
            let inter = sets[a].intersection(&sets[b]).count() as f64;
            let union = sets[a].union(&sets[b]).count().max(1) as f64;
            let j = inter / union;
            sum += j;
            max = max.max(j);
            dup += (j >= NEAR_DUPLICATE) as usize;
            pairs += 1;
        }
    }
    let mean_jaccard = sum / pairs.max(1) as f64;
    TopicSimilarity {
        mean_jaccard,
        max_jaccard: max,
        near_duplicate_pairs: dup,
        // Collapse: as many near-duplicate pairs as a quarter of the topics, or alike overall.
        collapsed: dup * 4 >= sets.len().max(1) || mean_jaccard > 0.3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference corpus (word ids): 0=apple 1=banana 2=cherry 3=dog
    //   d0: 0 1 2   d1: 0 1   d2: 2 3   d3: 0 3
    fn docs() -> Vec<Vec<u32>> {
        vec![vec![0, 1, 2], vec![0, 1], vec![2, 3], vec![0, 3]]
    }

    #[test]
    fn top_words_break_ties_by_id() {
        let phi = ndarray::array![[0.1f32, 0.4, 0.4, 0.1], [0.7, 0.1, 0.1, 0.1]];
        assert_eq!(top_words(&phi, 3), vec![vec![1, 2, 0], vec![0, 1, 2]]);
    }

    #[test]
    fn npmi_document_cooccurrence_by_hand() {
        // Topic {0,1}: P(0)=3/4, P(1)=2/4, P(0,1)=2/4 → ln((1/2)/(3/8)) / −ln(1/2) = ln(4/3)/ln 2.
        // Topic {1,3}: never together → −1.
        // Topic {0,2,3}: (0,2): P=1/4, P0=3/4, P2=2/4 → ln((1/4)/(3/8))/ln 4 = ln(2/3)/ln 4;
        //   (0,3): same counts → ln(2/3)/ln 4; (2,3): P=1/4, P2=P3=1/2 → ln(1)/ln 4 = 0.
        let tops = vec![vec![0, 1], vec![1, 3], vec![0, 2, 3]];
        let c = npmi(&tops, &docs(), Window::Document);
        let t0 = (4.0f64 / 3.0).ln() / 2.0f64.ln();
        let t2 = 2.0 * (2.0f64 / 3.0).ln() / 4.0f64.ln() / 3.0;
        assert!((c.per_topic[0] - t0).abs() < 1e-12);
        assert_eq!(c.per_topic[1], -1.0);
        assert!((c.per_topic[2] - t2).abs() < 1e-12);
        assert!((c.mean - (t0 - 1.0 + t2) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn npmi_sliding_window_by_hand() {
        // One document 0 1 X 2 0 with window 2: windows {0,1} {1} {2} {2,0}  (X unknown).
        // P(0)=2/4, P(1)=2/4, P(2)=2/4; P(0,1)=1/4 → ln(1)/ln4 = 0; P(1,2)=0 → −1;
        // P(0,2)=1/4 → 0.
        let doc = vec![vec![0, 1, UNKNOWN, 2, 0]];
        let c = npmi(&[vec![0, 1, 2]], &doc, Window::Sliding(2));
        assert!((c.per_topic[0] - (0.0 - 1.0 + 0.0) / 3.0).abs() < 1e-12);
        // Documents no longer than the window are one window; every pair always together → 1.
        let c = npmi(&[vec![0, 1]], &[vec![0, 1]], Window::Sliding(10));
        assert_eq!(c.mean, 1.0);
    }

    #[test]
    fn diversity_and_uniqueness_by_hand() {
        let tops = vec![vec![0, 1, 2], vec![0, 3, 4], vec![0, 1, 5]];
        // unique {0,1,2,3,4,5} = 6 of 9
        assert!((topic_diversity(&tops) - 6.0 / 9.0).abs() < 1e-12);
        // cnt: 0→3, 1→2, others 1.
        let (avg, per) = topic_uniqueness(&tops);
        let t0 = (1.0 / 3.0 + 0.5 + 1.0) / 3.0;
        let t1 = (1.0 / 3.0 + 1.0 + 1.0) / 3.0;
        assert!((per[0] - t0).abs() < 1e-12 && (per[1] - t1).abs() < 1e-12);
        assert!((per[2] - t0).abs() < 1e-12);
        assert!((avg - (2.0 * t0 + t1) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn wetc_by_hand() {
        let vocab: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let vectors: HashMap<String, Vec<f32>> = [
            ("a", vec![1.0, 0.0]),
            ("b", vec![0.0, 1.0]),
            ("c", vec![1.0, 1.0]),
        ]
        .into_iter()
        .map(|(w, v)| (w.to_string(), v))
        .collect();
        // topic 0: a,b,c → cos(a,b)=0, cos(a,c)=cos(b,c)=1/√2 → mean √2/3; topic 1: c,d → one word.
        let (m, per) = wetc(&[vec![0, 1, 2], vec![2, 3]], &vocab, &vectors);
        let want = 2.0f64.sqrt() / 3.0;
        assert!((per[0].unwrap() - want).abs() < 1e-7 && per[1].is_none());
        assert!((m - want).abs() < 1e-7);
    }

    #[test]
    fn collapse_detection() {
        // Three topics with the same top words: Jaccard 1 for each of the 3 pairs.
        let same = vec![vec![0, 1, 2], vec![2, 1, 0], vec![1, 0, 2]];
        let s = topic_similarity(&same);
        assert!(s.collapsed && s.near_duplicate_pairs == 3 && s.max_jaccard == 1.0);
        // {0,1,2} vs {2,3,4}: 1 shared of 5 → 0.2; {0,1,2} vs {5,6,7}: 0; {2,3,4} vs {5,6,7}: 0.
        let distinct = vec![vec![0, 1, 2], vec![2, 3, 4], vec![5, 6, 7]];
        let s = topic_similarity(&distinct);
        assert!(!s.collapsed && s.near_duplicate_pairs == 0);
        assert!((s.mean_jaccard - 0.2 / 3.0).abs() < 1e-12);
    }
}
