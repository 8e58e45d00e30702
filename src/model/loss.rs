//! Output layers and their losses, shaped like fastText's `Loss` classes: each `forward` takes the
//! hidden vector in a thread's [`State`], returns the loss for one example, adds `lr × −∂loss/∂hidden`
//! to `state.grad` and (when `backprop`) updates the output rows it touched in place.
//!
//! - negative sampling: binary logistic on the target and `neg` noise classes;
//! - hierarchical softmax: binary logistic at each node of the target's Huffman path;
//! - softmax: full softmax over all classes;
//! - one-vs-all: an independent sigmoid per class (multi-label classification).
//!
//! `predict` returns true probabilities (≤ 1) for all four.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::hogwild::SharedMatrix;
use super::huffman::HuffmanTree;
use super::math::{log01, sigmoid, sigmoid_exact};
use super::sampling::{NoiseTable, TrainRng};

/// Which output layer to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LossKind {
    /// Negative sampling.
    Ns,
    /// Hierarchical softmax over a Huffman tree.
    Hs,
    /// Full softmax.
    Softmax,
    /// One-vs-all: an independent sigmoid per label (multi-label).
    Ova,
}

impl LossKind {
    /// The name the CLI and the hyperparameters use (`ns`, `hs`, `softmax`, `ova`).
    pub fn name(self) -> &'static str {
        match self {
            LossKind::Ns => "ns",
            LossKind::Hs => "hs",
            LossKind::Softmax => "softmax",
            LossKind::Ova => "ova",
        }
    }
}

/// Per-thread scratch space, as fastText's `Model::State`.
pub struct State {
    pub hidden: Vec<f32>,
    pub grad: Vec<f32>,
    /// Class scores (softmax) — sized on first use.
    pub output: Vec<f32>,
    pub rng: TrainRng,
}

impl State {
    pub fn new(dim: usize, rng: TrainRng) -> State {
        State {
            hidden: vec![0.0; dim],
            grad: vec![0.0; dim],
            output: Vec::new(),
            rng,
        }
    }
}

/// Negative sampling: the target against `neg` classes drawn from the noise table.
#[derive(Debug, Clone)]
pub struct NegativeSampling {
    pub noise: NoiseTable,
    pub neg: usize,
}

impl NegativeSampling {
    /// One draw of a negative that is not `avoid`; after a few collisions the last draw is kept
    /// (only possible when one class dominates the noise distribution).
    #[inline]
    fn draw(&self, rng: &mut TrainRng, avoid: impl Fn(u32) -> bool) -> Option<u32> {
        for _ in 0..16 {
            let c = self.noise.sample(rng);
            if !avoid(c) {
                return Some(c);
            }
        }
        None
    }

    /// Several positives sharing one set of negatives (batched skip-gram, Ji et al. 2016): each
    /// negative stands for the `positives.len()` (positive, negative) pairs it replaces, so its
    /// loss and gradient are scaled by `neg_weight` (callers pass the number of positives to keep
    /// the per-pair objective of skip-gram, or 1 for one shared set).
    pub fn forward_shared(
        &self,
        wo: &SharedMatrix,
        positives: &[u32],
        neg_weight: f32,
        state: &mut State,
        lr: f32,
    ) -> f32 {
        let mut loss = 0.0;
        for &p in positives {
            loss += binary_logistic(wo, p, true, state, lr);
        }
        for _ in 0..self.neg {
            if let Some(n) = self.draw(&mut state.rng, |c| positives.contains(&c)) {
                loss += neg_weight * binary_logistic(wo, n, false, state, lr * neg_weight);
            }
        }
        loss
    }
}

/// `−log σ(±wo_target·hidden)`; with `lr > 0` adds `lr(label − σ)·wo_target` to the gradient and
/// `lr(label − σ)·hidden` to the output row (the order matters: the gradient uses the old row).
#[inline]
fn binary_logistic(wo: &SharedMatrix, target: u32, label: bool, state: &mut State, lr: f32) -> f32 {
    let t = target as usize;
    let score = sigmoid(wo.dot_row(t, &state.hidden));
    if lr != 0.0 {
        let alpha = lr * (label as u8 as f32 - score);
        wo.add_row_to(t, alpha, &mut state.grad);
        wo.add_to_row(t, alpha, &state.hidden);
    }
    logistic_loss(score, label)
}

/// −log of the probability a sigmoid `score` gives the true side of a binary decision.
#[inline]
fn logistic_loss(score: f32, label: bool) -> f32 {
    if label {
        -log01(score)
    } else {
        -log01(1.0 - score)
    }
}

/// An output layer over `n` classes.
#[derive(Debug, Clone)]
pub enum Loss {
    NegativeSampling(NegativeSampling),
    Hierarchical(HuffmanTree),
    Softmax,
    OneVsAll,
}

impl Loss {
    /// `counts[c]` is class c's frequency (words or labels); `neg` and `ns_exponent` only matter
    /// for negative sampling.
    pub fn new(kind: LossKind, counts: &[u64], neg: usize, ns_exponent: f64) -> Loss {
        match kind {
            LossKind::Ns => Loss::NegativeSampling(NegativeSampling {
                noise: NoiseTable::new(counts, ns_exponent),
                neg,
            }),
            LossKind::Hs => Loss::Hierarchical(HuffmanTree::new(counts)),
            LossKind::Softmax => Loss::Softmax,
            LossKind::Ova => Loss::OneVsAll,
        }
    }

    /// Loss for target `targets[target_index]` (one-vs-all: for all of `targets` at once).
    /// With `backprop == false` nothing is updated and the gradient is left alone.
    pub fn forward(
        &self,
        wo: &SharedMatrix,
        targets: &[u32],
        target_index: usize,
        state: &mut State,
        lr: f32,
        backprop: bool,
    ) -> f32 {
        let lr = if backprop { lr } else { 0.0 };
        match self {
            Loss::NegativeSampling(ns) => {
                let target = targets[target_index];
                let mut loss = binary_logistic(wo, target, true, state, lr);
                for _ in 0..ns.neg {
                    if let Some(n) = ns.draw(&mut state.rng, |c| c == target) {
                        loss += binary_logistic(wo, n, false, state, lr);
                    }
                }
                loss
            }
            Loss::Hierarchical(tree) => {
                let (rows, codes) = tree.path(targets[target_index]);
                rows.iter()
                    .zip(codes)
                    .map(|(&row, &right)| binary_logistic(wo, row, right, state, lr))
                    .sum()
            }
            Loss::Softmax => {
                let target = targets[target_index] as usize;
                softmax_scores(wo, &state.hidden, &mut state.output);
                let loss = -log01(state.output[target]);
                // The probabilities become the rows' update scales.
                for (c, p) in state.output.iter_mut().enumerate() {
                    *p = lr * ((c == target) as u8 as f32 - *p);
                }
                wo.update_all_rows(&state.output, &state.hidden, &mut state.grad);
                loss
            }
            Loss::OneVsAll => {
                // As `binary_logistic` for every class, with the scores computed in one sweep.
                wo.dot_all_rows(&state.hidden, &mut state.output);
                let mut loss = 0.0;
                for (c, s) in state.output.iter_mut().enumerate() {
                    let label = targets.contains(&(c as u32));
                    let score = sigmoid(*s);
                    loss += logistic_loss(score, label);
                    *s = lr * (label as u8 as f32 - score);
                }
                wo.update_all_rows(&state.output, &state.hidden, &mut state.grad);
                loss
            }
        }
    }

    /// The `k` most probable classes with probability ≥ `threshold`, most probable first, as
    /// (probability, class). Softmax and hierarchical softmax give a distribution over classes;
    /// one-vs-all and negative sampling give each class its own sigmoid probability.
    pub fn predict(
        &self,
        wo: &SharedMatrix,
        hidden: &[f32],
        k: usize,
        threshold: f32,
        scratch: &mut Vec<f32>,
    ) -> Vec<(f32, u32)> {
        let mut top = TopK::new(k);
        match self {
            Loss::Hierarchical(tree) => match tree.root() {
                None if tree.leaves() == 1 && threshold <= 1.0 => top.push(0.0, 0),
                None => {}
                Some(root) => hs_dfs(tree, wo, hidden, root, 0.0, threshold.ln(), &mut top),
            },
            Loss::Softmax => {
                // Ranked by the probability itself (it orders classes as its log does), so no
                // logarithm is paid per class.
                softmax_scores(wo, hidden, scratch);
                for (c, &p) in scratch.iter().enumerate() {
                    if p >= threshold {
                        top.push(p, c as u32);
                    }
                }
                return top.into_sorted();
            }
            Loss::NegativeSampling(_) | Loss::OneVsAll => {
                // Ranked by the logit, which orders labels as their probability does, so the
                // exponential is paid only for the k labels kept.
                let min_logit = (threshold / (1.0 - threshold)).ln();
                wo.dot_all_rows(hidden, scratch);
                for (c, &logit) in scratch.iter().enumerate() {
                    if logit >= min_logit {
                        top.push(logit, c as u32);
                    }
                }
                return top
                    .into_sorted()
                    .into_iter()
                    .map(|(logit, c)| (sigmoid_exact(logit), c))
                    .collect();
            }
        }
        top.into_sorted()
            .into_iter()
            .map(|(lp, c)| (lp.exp(), c))
            .collect()
    }
}

/// `out = softmax(wo · hidden)` (exact, max-subtracted).
fn softmax_scores(wo: &SharedMatrix, hidden: &[f32], out: &mut Vec<f32>) {
    wo.dot_all_rows(hidden, out);
    let max = out.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut z = 0.0f32;
    for x in out.iter_mut() {
        *x = (*x - max).exp();
        z += *x;
    }
    for x in out.iter_mut() {
        *x /= z;
    }
}

/// `ln σ(x)`, stable for large |x|.
fn log_sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        -(-x).exp().ln_1p()
    } else {
        x - x.exp().ln_1p()
    }
}

/// fastText's depth-first search for the k best leaves: a branch is abandoned as soon as its
/// log-probability falls under the threshold or under the k-th best found so far (probabilities
/// only shrink going down).
fn hs_dfs(
    tree: &HuffmanTree,
    wo: &SharedMatrix,
    hidden: &[f32],
    node: usize,
    log_p: f32,
    log_threshold: f32,
    top: &mut TopK,
) {
    if log_p < log_threshold || top.prunes(log_p) {
        return;
    }
    if node < tree.leaves() {
        top.push(log_p, node as u32);
        return;
    }
    let x = wo.dot_row(node - tree.leaves(), hidden);
    let (left, right) = tree.children(node);
    hs_dfs(
        tree,
        wo,
        hidden,
        left,
        log_p + log_sigmoid(-x),
        log_threshold,
        top,
    );
    hs_dfs(
        tree,
        wo,
        hidden,
        right,
        log_p + log_sigmoid(x),
        log_threshold,
        top,
    );
}

#[derive(PartialEq)]
struct Scored(f32, u32);
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    /// Reversed, so that `BinaryHeap` is a min-heap on the score (ties: smaller class wins).
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

/// The k largest scores seen: log-probabilities, or logits for one-vs-all (same order).
struct TopK {
    k: usize,
    heap: BinaryHeap<Scored>,
}

impl TopK {
    fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k.min(1024) + 1),
        }
    }

    /// Whether a score can no longer enter the top k.
    fn prunes(&self, log_p: f32) -> bool {
        self.heap.len() >= self.k && self.heap.peek().is_some_and(|w| log_p < w.0)
    }

    fn push(&mut self, log_p: f32, class: u32) {
        if self.k == 0 || self.prunes(log_p) {
            return;
        }
        self.heap.push(Scored(log_p, class));
        if self.heap.len() > self.k {
            self.heap.pop();
        }
    }

    fn into_sorted(self) -> Vec<(f32, u32)> {
        // Ascending in the reversed order = descending score.
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Scored(s, c)| (s, c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::sampling::thread_rng;
    use super::*;
    use crate::matrix::Matrix;

    const DIM: usize = 6;
    const CLASSES: usize = 7;

    fn setup(seed: u64) -> (Matrix, Vec<f32>) {
        let mut rng = thread_rng(seed, 0);
        let mut rand = || super::super::sampling::uniform01(&mut rng) - 0.5;
        let wo = Matrix::from_vec(CLASSES, DIM, (0..CLASSES * DIM).map(|_| rand()).collect());
        let hidden = (0..DIM).map(|_| rand()).collect();
        (wo, hidden)
    }

    fn ls(x: f64) -> f64 {
        -(1.0 + (-x).exp()).ln()
    }

    fn dotf(wo: &Matrix, c: usize, h: &[f64]) -> f64 {
        wo.row(c).iter().zip(h).map(|(a, b)| *a as f64 * b).sum()
    }

    /// Checks `forward` against finite differences of `exact(wo, hidden)` (which must be the
    /// same loss computed in f64 with exact functions): the gradient added to `state.grad`
    /// (lr = 1) must be −∂L/∂hidden and the change of every output row must be −lr·∂L/∂row.
    fn gradient_check(loss: &Loss, targets: &[u32], exact: impl Fn(&Matrix, &[f64]) -> f64) {
        let (wo, hidden) = setup(11);
        let h64: Vec<f64> = hidden.iter().map(|&x| x as f64).collect();
        let shared = SharedMatrix::new(wo.clone());
        let mut state = State::new(DIM, thread_rng(42, 0));
        state.hidden.copy_from_slice(&hidden);
        let lr = 1e-3f32;
        let got_loss = loss.forward(&shared, targets, 0, &mut state, lr, true);
        let want_loss = exact(&wo, &h64);
        assert!(
            (got_loss as f64 - want_loss).abs() < 0.01 * want_loss.max(1.0),
            "loss {got_loss} vs {want_loss}"
        );
        let eps = 1e-5;
        for i in 0..DIM {
            let (mut hp, mut hm) = (h64.clone(), h64.clone());
            hp[i] += eps;
            hm[i] -= eps;
            let d = (exact(&wo, &hp) - exact(&wo, &hm)) / (2.0 * eps);
            let g = state.grad[i] as f64 / lr as f64;
            assert!((g + d).abs() < 3e-3, "hidden[{i}]: grad {g} vs −dL {}", -d);
        }
        let after = shared.into_inner();
        for c in 0..CLASSES {
            for j in 0..DIM {
                let (mut wp, mut wm) = (wo.clone(), wo.clone());
                wp.row_mut(c)[j] += eps as f32 * 16.0;
                wm.row_mut(c)[j] -= eps as f32 * 16.0;
                let d = (exact(&wp, &h64) - exact(&wm, &h64)) / (2.0 * eps * 16.0);
                let step = (after.row(c)[j] - wo.row(c)[j]) as f64 / lr as f64;
                assert!(
                    (step + d).abs() < 3e-3,
                    "row {c}[{j}]: step {step} vs −dL {}",
                    -d
                );
            }
        }
    }

    #[test]
    fn negative_sampling_gradient() {
        let counts = [50u64, 40, 30, 20, 10, 5, 1];
        let loss = Loss::new(LossKind::Ns, &counts, 4, 0.75);
        let Loss::NegativeSampling(ns) = &loss else {
            unreachable!()
        };
        // Replay the negatives the forward pass will draw with the same seed.
        let mut rng = thread_rng(42, 0);
        let negs: Vec<u32> = (0..4)
            .filter_map(|_| ns.draw(&mut rng, |c| c == 2))
            .collect();
        assert!(!negs.is_empty());
        gradient_check(&loss, &[2], |wo, h| {
            -ls(dotf(wo, 2, h))
                - negs
                    .iter()
                    .map(|&n| ls(-dotf(wo, n as usize, h)))
                    .sum::<f64>()
        });
    }

    #[test]
    fn hierarchical_softmax_gradient() {
        let counts = [50u64, 40, 30, 20, 10, 5, 1];
        let loss = Loss::new(LossKind::Hs, &counts, 0, 0.0);
        let Loss::Hierarchical(tree) = &loss else {
            unreachable!()
        };
        let (rows, codes) = tree.path(5);
        let (rows, codes) = (rows.to_vec(), codes.to_vec());
        gradient_check(&loss, &[5], |wo, h| {
            rows.iter()
                .zip(&codes)
                .map(|(&r, &right)| {
                    let x = dotf(wo, r as usize, h);
                    -ls(if right { x } else { -x })
                })
                .sum()
        });
    }

    #[test]
    fn softmax_gradient() {
        let loss = Loss::new(LossKind::Softmax, &[1; CLASSES], 0, 0.0);
        gradient_check(&loss, &[3], |wo, h| {
            let s: Vec<f64> = (0..CLASSES).map(|c| dotf(wo, c, h)).collect();
            let lse = s.iter().map(|x| x.exp()).sum::<f64>().ln();
            lse - s[3]
        });
    }

    #[test]
    fn one_vs_all_gradient() {
        let loss = Loss::new(LossKind::Ova, &[1; CLASSES], 0, 0.0);
        gradient_check(&loss, &[1, 4], |wo, h| {
            (0..CLASSES)
                .map(|c| {
                    let x = dotf(wo, c, h);
                    -ls(if c == 1 || c == 4 { x } else { -x })
                })
                .sum()
        });
    }

    #[test]
    fn shared_negatives_gradient() {
        let counts = [50u64, 40, 30, 20, 10, 5, 1];
        let Loss::NegativeSampling(ns) = Loss::new(LossKind::Ns, &counts, 3, 0.75) else {
            unreachable!()
        };
        let positives = [1u32, 6];
        let mut rng = thread_rng(42, 0);
        let negs: Vec<u32> = (0..3)
            .filter_map(|_| ns.draw(&mut rng, |c| positives.contains(&c)))
            .collect();
        let w = 2.0f64;
        let (wo, hidden) = setup(11);
        let h64: Vec<f64> = hidden.iter().map(|&x| x as f64).collect();
        let exact = |wo: &Matrix, h: &[f64]| {
            -positives
                .iter()
                .map(|&p| ls(dotf(wo, p as usize, h)))
                .sum::<f64>()
                - w * negs
                    .iter()
                    .map(|&n| ls(-dotf(wo, n as usize, h)))
                    .sum::<f64>()
        };
        let shared = SharedMatrix::new(wo.clone());
        let mut state = State::new(DIM, thread_rng(42, 0));
        state.hidden.copy_from_slice(&hidden);
        let got = ns.forward_shared(&shared, &positives, w as f32, &mut state, 1e-3);
        assert!((got as f64 - exact(&wo, &h64)).abs() < 0.02);
        let eps = 1e-5;
        for i in 0..DIM {
            let (mut hp, mut hm) = (h64.clone(), h64.clone());
            hp[i] += eps;
            hm[i] -= eps;
            let d = (exact(&wo, &hp) - exact(&wo, &hm)) / (2.0 * eps);
            assert!((state.grad[i] as f64 / 1e-3 + d).abs() < 3e-3);
        }
    }

    #[test]
    fn forward_without_backprop_changes_nothing() {
        let (wo, hidden) = setup(3);
        let shared = SharedMatrix::new(wo.clone());
        let mut state = State::new(DIM, thread_rng(1, 0));
        state.hidden.copy_from_slice(&hidden);
        for kind in [LossKind::Ns, LossKind::Hs, LossKind::Softmax, LossKind::Ova] {
            let loss = Loss::new(kind, &[5, 4, 3, 3, 2, 1, 1], 3, 0.75);
            let l = loss.forward(&shared, &[2], 0, &mut state, 0.5, false);
            assert!(l > 0.0 && l.is_finite());
        }
        assert!(state.grad.iter().all(|&g| g == 0.0));
        assert_eq!(shared.into_inner(), wo);
    }

    #[test]
    fn predictions_are_probabilities() {
        let (wo, hidden) = setup(5);
        let shared = SharedMatrix::new(wo.clone());
        let h64: Vec<f64> = hidden.iter().map(|&x| x as f64).collect();
        let mut scratch = Vec::new();
        for kind in [LossKind::Hs, LossKind::Softmax] {
            let loss = Loss::new(kind, &[9, 7, 5, 3, 2, 2, 1], 3, 0.75);
            let all = loss.predict(&shared, &hidden, CLASSES, 0.0, &mut scratch);
            assert_eq!(all.len(), CLASSES);
            let total: f32 = all.iter().map(|p| p.0).sum();
            assert!((total - 1.0).abs() < 1e-4, "{kind:?} sums to {total}");
            assert!(all.windows(2).all(|w| w[0].0 >= w[1].0));
            let top2 = loss.predict(&shared, &hidden, 2, 0.0, &mut scratch);
            assert_eq!(top2, all[..2].to_vec());
            let cut = (all[2].0 + all[3].0) / 2.0;
            let thr = loss.predict(&shared, &hidden, CLASSES, cut, &mut scratch);
            assert_eq!(thr.len(), 3);
        }
        // HS leaf probability = product of the path's sigmoids.
        let loss = Loss::new(LossKind::Hs, &[9, 7, 5, 3, 2, 2, 1], 0, 0.0);
        let Loss::Hierarchical(tree) = &loss else {
            unreachable!()
        };
        let all = loss.predict(&shared, &hidden, CLASSES, 0.0, &mut scratch);
        for &(p, c) in &all {
            let (rows, codes) = tree.path(c);
            let want: f64 = rows
                .iter()
                .zip(codes)
                .map(|(&r, &right)| {
                    let x = dotf(&wo, r as usize, &h64);
                    ls(if right { x } else { -x }).exp()
                })
                .product();
            assert!((p as f64 - want).abs() < 1e-5);
        }
        for kind in [LossKind::Ova, LossKind::Ns] {
            let loss = Loss::new(kind, &[1; CLASSES], 2, 0.5);
            let all = loss.predict(&shared, &hidden, CLASSES, 0.0, &mut scratch);
            for &(p, c) in &all {
                let want = 1.0 / (1.0 + (-dotf(&wo, c as usize, &h64)).exp());
                assert!((p as f64 - want).abs() < 1e-5);
            }
        }
    }
}
