//! Training progress shared by the worker threads: a token counter that drives the learning-rate
//! schedule, a running loss, progress events for the caller's hook (see [`crate::events`]), the
//! cancel check the trainers make between chunks, and the final summary.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use serde::Serialize;

use crate::events::{Reporter, TrainingProgress};

/// Totals of a finished run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Tokens processed over all epochs (before subsampling).
    pub tokens: u64,
    /// Wall-clock seconds of training.
    pub seconds: f64,
    /// Tokens per second, all threads together.
    pub words_per_sec: f64,
    /// Tokens per second per thread.
    pub words_per_sec_per_thread: f64,
    /// Average loss per example over the whole run.
    pub loss: f64,
    /// Worker threads used.
    pub threads: usize,
}

pub struct Progress {
    total: u64,
    threads: usize,
    done: AtomicU64,
    loss_bits: AtomicU64,
    examples: AtomicU64,
    /// Set when a batch's loss is not a finite number: the weights have blown up.
    diverged: AtomicBool,
    start: Instant,
    reporter: Reporter,
}

impl Progress {
    /// `total` units (tokens × epochs) of work.
    pub fn new(total: u64, threads: usize, reporter: &Reporter) -> Progress {
        Progress {
            total: total.max(1),
            threads,
            done: AtomicU64::new(0),
            loss_bits: AtomicU64::new(0f64.to_bits()),
            examples: AtomicU64::new(0),
            diverged: AtomicBool::new(false),
            start: Instant::now(),
            reporter: reporter.clone(),
        }
    }

    /// Units done so far by all threads.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Whether the workers should stop: the caller asked to, or training diverged. Trainers
    /// check it between chunks of work.
    pub fn should_stop(&self) -> bool {
        self.reporter.is_cancelled() || self.diverged()
    }

    /// Whether a batch's loss was not a finite number (NaN or infinity).
    pub fn diverged(&self) -> bool {
        self.diverged.load(Ordering::Relaxed)
    }

    /// Records `units` of work and a batch of `examples` whose losses sum to `loss`; returns the
    /// new total of units done.
    pub fn add(&self, units: u64, loss: f64, examples: u64) -> u64 {
        if !loss.is_finite() {
            self.diverged.store(true, Ordering::Relaxed);
        }
        if examples > 0 {
            let _ = self
                .loss_bits
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                    Some((f64::from_bits(b) + loss).to_bits())
                });
            self.examples.fetch_add(examples, Ordering::Relaxed);
        }
        self.done.fetch_add(units, Ordering::Relaxed) + units
    }

    /// Average loss per example so far.
    pub fn average_loss(&self) -> f64 {
        let n = self.examples.load(Ordering::Relaxed);
        if n == 0 {
            0.0
        } else {
            f64::from_bits(self.loss_bits.load(Ordering::Relaxed)) / n as f64
        }
    }

    /// Sends a progress event (call from one thread now and then).
    pub fn report(&self, lr: f32) {
        let done = self.done().min(self.total);
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        self.reporter.progress(TrainingProgress {
            fraction: done as f64 / self.total as f64,
            words_per_sec_per_thread: done as f64 / secs / self.threads as f64,
            learning_rate: lr,
            loss: self.average_loss(),
            eta_seconds: secs * (self.total - done) as f64 / done.max(1) as f64,
        });
    }

    /// The run's totals.
    pub fn finish(self) -> Summary {
        let seconds = self.start.elapsed().as_secs_f64();
        let tokens = self.done();
        let words_per_sec = tokens as f64 / seconds.max(1e-9);
        Summary {
            tokens,
            seconds,
            words_per_sec,
            words_per_sec_per_thread: words_per_sec / self.threads as f64,
            loss: self.average_loss(),
            threads: self.threads,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_units_and_averages_loss() {
        let p = Progress::new(100, 2, &Reporter::silent());
        assert_eq!(p.add(10, 3.0, 2), 10);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..10 {
                        p.add(1, 1.0, 1);
                    }
                });
            }
        });
        p.report(0.01);
        let s = p.finish();
        assert_eq!(s.tokens, 30);
        assert!((s.loss - 23.0 / 22.0).abs() < 1e-12);
        assert_eq!(s.threads, 2);
    }
}
