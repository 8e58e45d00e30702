//! Nearest neighbours and analogies by brute-force cosine similarity.
//!
//! The vocabulary vectors are L2-normalised once, so cosine similarity is a dot product. A
//! query scans the rows in parallel blocks; each block keeps its own top-k in a small heap
//! and the blocks' winners are merged, so nothing is sorted beyond the k best.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::io::WordVectorModel;
use crate::matrix::Matrix;

/// Rows per parallel work item: large enough to amortise scheduling, small enough to balance.
const BLOCK_ROWS: usize = 16 * 1024;

/// Shift-and-scale constant of 3CosMul (Levy & Goldberg 2014) that avoids division by zero.
const COSMUL_EPSILON: f32 = 0.001;

/// One result: a vocabulary row and its score (cosine similarity, or the 3CosMul objective).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    pub id: u32,
    pub score: f32,
}

/// How an analogy "a is to b as c is to ?" is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalogyMethod {
    /// argmax cos(x, b − a + c) (Mikolov et al. 2013).
    #[default]
    #[value(name = "3cosadd")]
    CosAdd,
    /// argmax cos'(x,b)·cos'(x,c) / (cos'(x,a) + ε) with cos' = (cos + 1)/2 (Levy & Goldberg 2014).
    #[value(name = "3cosmul")]
    CosMul,
}

/// Orders by score, then prefers the lower id, so results are deterministic under ties.
#[derive(PartialEq)]
struct Ranked(Neighbour);

impl Eq for Ranked {}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .score
            .total_cmp(&other.0.score)
            .then_with(|| other.0.id.cmp(&self.0.id))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Dot product with eight independent accumulators, which the compiler turns into SIMD.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Scales `v` to unit length in place (zero vectors stay zero).
pub fn normalize(v: &mut [f32]) {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// Unit-length vocabulary vectors ready for cosine queries.
#[derive(Debug, Clone)]
pub struct Index {
    words: Vec<String>,
    unit: Matrix,
}

impl Index {
    /// Builds the index from the vectors of a model's first `limit` (most frequent) words; with
    /// subwords, a word's vector is the average of its own and its n-gram rows, as in fastText.
    pub fn new(model: &WordVectorModel, limit: usize) -> Index {
        let n = limit.min(model.words().len());
        Index::from_vectors(model.words()[..n].to_vec(), model.vocab_vectors_upto(n))
    }

    /// Builds the index from `vectors` (row `i` belongs to `words[i]`), normalising every row.
    pub fn from_vectors(words: Vec<String>, mut vectors: Matrix) -> Index {
        assert_eq!(words.len(), vectors.rows(), "one vector per word");
        let dim = vectors.cols().max(1);
        vectors
            .as_mut_slice()
            .par_chunks_mut(dim)
            .for_each(normalize);
        Index {
            words,
            unit: vectors,
        }
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn dim(&self) -> usize {
        self.unit.cols()
    }

    /// The unit vector of row `id`.
    pub fn unit_vector(&self, id: u32) -> &[f32] {
        self.unit.row(id as usize)
    }

    /// The `k` best rows among the first `limit` by `score(row vector)`, skipping `exclude`,
    /// best first.
    fn top_k(
        &self,
        k: usize,
        limit: usize,
        exclude: &[u32],
        score: impl Fn(&[f32]) -> f32 + Sync,
    ) -> Vec<Neighbour> {
        let limit = limit.min(self.len());
        if k == 0 || limit == 0 {
            return Vec::new();
        }
        let dim = self.dim();
        let rows = &self.unit.as_slice()[..limit * dim];
        let mut best: Vec<Neighbour> = rows
            .par_chunks(BLOCK_ROWS * dim)
            .enumerate()
            .flat_map_iter(|(block, chunk)| {
                let first = block * BLOCK_ROWS;
                // Min-heap of the block's k best: the root is the one to beat.
                let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
                for (i, row) in chunk.chunks_exact(dim).enumerate() {
                    let id = (first + i) as u32;
                    let cand = Ranked(Neighbour {
                        id,
                        score: score(row),
                    });
                    if heap.len() == k {
                        if heap.peek().is_some_and(|Reverse(min)| cand <= *min) {
                            continue;
                        }
                        if exclude.contains(&id) {
                            continue;
                        }
                        heap.pop();
                    } else if exclude.contains(&id) {
                        continue;
                    }
                    heap.push(Reverse(cand));
                }
                heap.into_iter().map(|Reverse(r)| r.0)
            })
            .collect();
        // At most k per block survive: sorting them is cheap.
        best.sort_unstable_by_key(|n| Reverse(Ranked(*n)));
        best.truncate(k);
        best
    }

    /// The `k` rows most cosine-similar to `query` (any length; it is normalised here) among
    /// the first `limit` rows, skipping `exclude`.
    pub fn nearest(
        &self,
        query: &[f32],
        k: usize,
        exclude: &[u32],
        limit: usize,
    ) -> Vec<Neighbour> {
        let mut q = query.to_vec();
        normalize(&mut q);
        self.top_k(k, limit, exclude, |row| dot(row, &q))
    }

    /// Answers "a is to b as c is to ?" (b − a + c): the `k` best rows among the first `limit`,
    /// skipping `exclude` (normally the ids of a, b and c). The vectors need not be unit length.
    #[allow(clippy::too_many_arguments)]
    pub fn analogy(
        &self,
        method: AnalogyMethod,
        a: &[f32],
        b: &[f32],
        c: &[f32],
        k: usize,
        exclude: &[u32],
        limit: usize,
    ) -> Vec<Neighbour> {
        let unit = |v: &[f32]| {
            let mut v = v.to_vec();
            normalize(&mut v);
            v
        };
        let (a, b, c) = (unit(a), unit(b), unit(c));
        match method {
            AnalogyMethod::CosAdd => {
                let target: Vec<f32> = (0..a.len()).map(|i| b[i] - a[i] + c[i]).collect();
                self.nearest(&target, k, exclude, limit)
            }
            AnalogyMethod::CosMul => {
                let shifted = |row: &[f32], v: &[f32]| (dot(row, v) + 1.0) / 2.0;
                self.top_k(k, limit, exclude, |row| {
                    shifted(row, &b) * shifted(row, &c) / (shifted(row, &a) + COSMUL_EPSILON)
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        // 2-D toy space: man/woman and king/queen differ by the same "gender" offset.
        let words = ["man", "woman", "king", "queen", "apple", "zero"];
        let v = vec![
            1.0, 0.0, //
            1.0, 1.0, //
            3.0, 0.2, //
            3.0, 1.2, //
            -1.0, 0.1, //
            0.0, 0.0,
        ];
        Index::from_vectors(
            words.iter().map(|w| w.to_string()).collect(),
            Matrix::from_vec(6, 2, v),
        )
    }

    fn brute_force(ix: &Index, q: &[f32], k: usize, exclude: &[u32]) -> Vec<u32> {
        let mut q = q.to_vec();
        normalize(&mut q);
        let mut all: Vec<(u32, f32)> = (0..ix.len() as u32)
            .filter(|i| !exclude.contains(i))
            .map(|i| (i, dot(ix.unit_vector(i), &q)))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.into_iter().take(k).map(|p| p.0).collect()
    }

    #[test]
    fn dot_matches_naive_sum_for_odd_lengths() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 - i as f32 * 0.25).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-4);
    }

    #[test]
    fn nearest_excludes_and_orders() {
        let ix = index();
        let q = ix.unit_vector(2).to_vec();
        let got = ix.nearest(&q, 3, &[2], usize::MAX);
        let ids: Vec<u32> = got.iter().map(|n| n.id).collect();
        assert_eq!(ids, brute_force(&ix, &q, 3, &[2]));
        assert_eq!(ids[0], 0, "man is closest to king after king itself");
        assert!(got.windows(2).all(|w| w[0].score >= w[1].score));
        // Cosine of unit vectors: king·man = 3/|(3,0.2)|.
        assert!((got[0].score - 3.0 / (9.04f32).sqrt()).abs() < 1e-6);
    }

    #[test]
    fn nearest_respects_limit_and_k_larger_than_vocab() {
        let ix = index();
        let got = ix.nearest(&[1.0, 1.0], 10, &[], 2);
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|n| n.id < 2));
        assert!(ix.nearest(&[1.0, 1.0], 0, &[], 10).is_empty());
    }

    #[test]
    fn top_k_across_many_blocks_matches_brute_force() {
        let n = BLOCK_ROWS * 2 + 123;
        let words: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
        let data: Vec<f32> = (0..n * 3)
            .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5)
            .collect();
        let ix = Index::from_vectors(words, Matrix::from_vec(n, 3, data));
        let q = [0.3, -0.2, 0.9];
        let exclude = [5, 77, 40000];
        let got: Vec<u32> = ix
            .nearest(&q, 25, &exclude, usize::MAX)
            .iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(got, brute_force(&ix, &q, 25, &exclude));
    }

    #[test]
    fn analogy_finds_queen() {
        let ix = index();
        let v = |i| ix.unit_vector(i).to_vec();
        for method in [AnalogyMethod::CosAdd, AnalogyMethod::CosMul] {
            let got = ix.analogy(method, &v(0), &v(2), &v(1), 1, &[0, 2, 1], usize::MAX);
            assert_eq!(ix.word(got[0].id), "queen", "{method:?}");
        }
    }

    #[test]
    fn cosmul_score_is_levy_goldberg_formula() {
        let ix = index();
        let v = |i| ix.unit_vector(i).to_vec();
        let got = ix.analogy(
            AnalogyMethod::CosMul,
            &v(0),
            &v(2),
            &v(1),
            1,
            &[0, 1, 2],
            usize::MAX,
        );
        let x = ix.unit_vector(3);
        let s = |w: &[f32]| (dot(x, w) + 1.0) / 2.0;
        let want = s(&v(2)) * s(&v(1)) / (s(&v(0)) + 0.001);
        assert!((got[0].score - want).abs() < 1e-6);
    }
}
