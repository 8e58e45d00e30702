//! Random draws used by training: the negative-sampling noise distribution, seeded generators and
//! the learning-rate schedule.

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator every training thread uses; `thread_rng(seed, t)` makes thread `t`'s.
pub type TrainRng = Xoshiro256PlusPlus;

/// Thread `thread`'s generator for a run seeded with `seed`.
pub fn thread_rng(seed: u64, thread: usize) -> TrainRng {
    let mut base = Xoshiro256PlusPlus::seed_from_u64(seed);
    // Each jump skips 2^128 draws, so the thread streams never overlap.
    for _ in 0..thread {
        base.jump();
    }
    base
}

/// Uniform `f32` in [0, 1) from the top 24 bits of one draw.
#[inline]
pub fn uniform01(rng: &mut TrainRng) -> f32 {
    (rng.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
}

/// Uniform integer in `0..n` (n > 0) by multiply-shift; the bias is below 2^-32 · n.
#[inline]
pub fn below(rng: &mut TrainRng, n: usize) -> usize {
    ((rng.next_u32() as u64 * n as u64) >> 32) as usize
}

/// Noise distribution for negative sampling: P(class) ∝ count^exponent. word2vec uses 0.75
/// (our default); fastText 0.9.2 uses 0.5. Sampling is exact and O(1) per draw through Walker's
/// alias method, with memory linear in the number of classes (fastText keeps a 10M-entry table).
#[derive(Debug, Clone)]
pub struct NoiseTable {
    /// Accept class `i` when the low 32 bits of a draw are below `threshold[i]`, else `alias[i]`.
    threshold: Vec<u32>,
    alias: Vec<u32>,
}

impl NoiseTable {
    /// `counts` must contain at least one positive count.
    pub fn new(counts: &[u64], exponent: f64) -> NoiseTable {
        let n = counts.len();
        let weights: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(exponent)).collect();
        let total: f64 = weights.iter().sum();
        // Vose's construction: scaled probabilities, split into small (<1) and large (≥1).
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let mut threshold = vec![u32::MAX; n];
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            threshold[s] = (scaled[s] * 4_294_967_296.0) as u32;
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // Whatever is left has probability 1 up to rounding and keeps u32::MAX.
        NoiseTable { threshold, alias }
    }

    #[inline]
    pub fn sample(&self, rng: &mut TrainRng) -> u32 {
        let r = rng.next_u64();
        let i = (((r >> 32) * self.threshold.len() as u64) >> 32) as usize;
        if (r as u32) < self.threshold[i] {
            i as u32
        } else {
            self.alias[i]
        }
    }
}

/// Linear decay from `lr0` to 0 over `total` units of work (tokens × epochs), as in word2vec and
/// fastText.
#[derive(Debug, Clone, Copy)]
pub struct LinearDecay {
    pub lr0: f32,
    pub total: u64,
}

impl LinearDecay {
    #[inline]
    pub fn at(&self, done: u64) -> f32 {
        let progress = done as f64 / self.total.max(1) as f64;
        (self.lr0 as f64 * (1.0 - progress).max(0.0)) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_table_follows_count_power() {
        let counts = [1000u64, 100, 10, 1, 0];
        let table = NoiseTable::new(&counts, 0.75);
        let mut rng = thread_rng(1, 0);
        let draws = 2_000_000;
        let mut hist = [0u64; 5];
        for _ in 0..draws {
            hist[table.sample(&mut rng) as usize] += 1;
        }
        let w: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(0.75)).collect();
        let total: f64 = w.iter().sum();
        for i in 0..5 {
            let want = w[i] / total;
            let got = hist[i] as f64 / draws as f64;
            assert!((got - want).abs() < 0.002, "class {i}: {got} vs {want}");
        }
        assert_eq!(hist[4], 0, "a zero count is never drawn");
    }

    #[test]
    fn exponent_half_flattens_less_than_zero() {
        let t0 = NoiseTable::new(&[9, 1], 0.0);
        let mut rng = thread_rng(3, 0);
        let ones = (0..100_000).filter(|_| t0.sample(&mut rng) == 1).count();
        assert!((ones as f64 / 100_000.0 - 0.5).abs() < 0.01);
        let t5 = NoiseTable::new(&[9, 1], 0.5);
        let ones = (0..100_000).filter(|_| t5.sample(&mut rng) == 1).count();
        assert!((ones as f64 / 100_000.0 - 0.25).abs() < 0.01);
    }

    #[test]
    fn thread_streams_differ_and_are_seeded() {
        let mut a = thread_rng(5, 0);
        let mut b = thread_rng(5, 1);
        let mut a2 = thread_rng(5, 0);
        let xa: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        let xa2: Vec<u64> = (0..4).map(|_| a2.next_u64()).collect();
        assert_ne!(xa, xb);
        assert_eq!(xa, xa2);
    }

    #[test]
    fn uniform_helpers_stay_in_range() {
        let mut rng = thread_rng(9, 0);
        for _ in 0..10_000 {
            let u = uniform01(&mut rng);
            assert!((0.0..1.0).contains(&u));
            assert!(below(&mut rng, 7) < 7);
        }
    }

    #[test]
    fn learning_rate_decays_linearly_to_zero() {
        let s = LinearDecay {
            lr0: 0.1,
            total: 1000,
        };
        assert_eq!(s.at(0), 0.1);
        assert!((s.at(500) - 0.05).abs() < 1e-7);
        assert_eq!(s.at(1000), 0.0);
        assert_eq!(s.at(2000), 0.0);
    }
}
