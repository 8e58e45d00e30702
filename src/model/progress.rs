//! Training progress shared by the worker threads: a token counter that drives the learning-rate
//! schedule, a running loss, a terminal progress bar (only when stderr is a terminal and not
//! `--quiet`), `--json` progress lines on stdout, and the final summary.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// Totals of a finished run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Tokens processed over all epochs (before subsampling).
    pub tokens: u64,
    pub seconds: f64,
    pub words_per_sec: f64,
    pub words_per_sec_per_thread: f64,
    /// Average loss per example over the whole run.
    pub loss: f64,
    pub threads: usize,
}

pub struct Progress {
    total: u64,
    threads: usize,
    done: AtomicU64,
    loss_bits: AtomicU64,
    examples: AtomicU64,
    start: Instant,
    bar: Option<ProgressBar>,
    json: bool,
    /// Last whole percent reported as JSON.
    last_percent: Mutex<u64>,
}

impl Progress {
    /// `total` units (tokens × epochs) of work.
    pub fn new(total: u64, threads: usize, quiet: bool, json: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(100), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} ETA {eta}")
                    .expect("static template"),
            );
            bar
        });
        Progress {
            total: total.max(1),
            threads,
            done: AtomicU64::new(0),
            loss_bits: AtomicU64::new(0f64.to_bits()),
            examples: AtomicU64::new(0),
            start: Instant::now(),
            bar,
            json,
            last_percent: Mutex::new(0),
        }
    }

    /// Units done so far by all threads.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Records `units` of work and a batch of `examples` whose losses sum to `loss`; returns the
    /// new total of units done.
    pub fn add(&self, units: u64, loss: f64, examples: u64) -> u64 {
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

    fn average_loss(&self) -> f64 {
        let n = self.examples.load(Ordering::Relaxed);
        if n == 0 {
            0.0
        } else {
            f64::from_bits(self.loss_bits.load(Ordering::Relaxed)) / n as f64
        }
    }

    /// Refreshes the display (call from one thread now and then).
    pub fn report(&self, lr: f32) {
        let done = self.done().min(self.total);
        let percent = done * 100 / self.total;
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        let wps = done as f64 / secs / self.threads as f64;
        let loss = self.average_loss();
        if let Some(bar) = &self.bar {
            bar.set_position(percent);
            bar.set_message(format!(
                "{wps:>8.0} words/sec/thread  lr {lr:.6}  loss {loss:.4}"
            ));
        }
        if self.json {
            let mut last = self.last_percent.lock().unwrap_or_else(|e| e.into_inner());
            if percent > *last {
                *last = percent;
                let eta = secs * (self.total - done) as f64 / done.max(1) as f64;
                let line = serde_json::json!({
                    "event": "progress", "percent": percent, "words_per_sec_per_thread": wps,
                    "lr": lr, "loss": loss, "eta_seconds": eta,
                });
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
        }
    }

    /// Ends the display and gives the run's totals.
    pub fn finish(self) -> Summary {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
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
        let p = Progress::new(100, 2, true, false);
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
