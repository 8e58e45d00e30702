//! What a long-running call tells its caller while it works, and how the caller stops it.
//!
//! The library never prints. Training and other long calls send [`Event`]s to a hook the caller
//! gives (the `blazetext` binary draws a progress bar from them; the Python package shows
//! fastText-style progress), and check a [`CancelFlag`] between chunks of work: once the flag is
//! set, the call stops, writes nothing and returns [`Error::Cancelled`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::{Error, Result};

/// Something a running call reports.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A one-line fact about the run ("read 32459 tokens in 3000 lines …").
    Info(String),
    /// Something the caller should know but that does not stop the run (a skipped binary file,
    /// invalid UTF-8 that was replaced).
    Warning(String),
    /// How far training has come; sent at most once per whole percent.
    Progress(TrainingProgress),
    /// An epoch ended (supervised and topic-model training).
    Epoch(EpochEnd),
}

/// Training progress: the share done and the current speed, learning rate and loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingProgress {
    /// Share of the work done, from 0 to 1.
    pub fraction: f64,
    /// Tokens per second per thread so far.
    pub words_per_sec_per_thread: f64,
    /// The learning rate now.
    pub learning_rate: f32,
    /// Average loss per example so far.
    pub loss: f64,
    /// Seconds left at the current speed.
    pub eta_seconds: f64,
}

/// The end of one epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochEnd {
    /// Epochs done, from 1.
    pub epoch: usize,
    /// Epochs planned.
    pub epochs: usize,
    /// Training loss of the epoch.
    pub loss: f64,
    /// The validation metric after the epoch, when a validation set was given.
    pub validation: Option<f64>,
}

/// A callback that receives every [`Event`] of a call. It runs on the library's worker
/// threads, so it must be quick and thread-safe.
pub type EventHook = Arc<dyn Fn(&Event) + Send + Sync>;

/// A flag shared between the caller and a running call; setting it stops the call cleanly.
///
/// ```
/// let flag = blazetext::CancelFlag::new();
/// let for_handler = flag.clone(); // e.g. moved into a Ctrl-C handler
/// for_handler.cancel();
/// assert!(flag.is_cancelled());
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag that is not set.
    pub fn new() -> CancelFlag {
        CancelFlag::default()
    }

    /// Asks every call watching this flag to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](CancelFlag::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The library's side of a call's hook and cancel flag, handed down to the engines.
#[doc(hidden)]
#[derive(Clone, Default)]
pub struct Reporter {
    hook: Option<EventHook>,
    cancel: CancelFlag,
    /// Last whole percent sent, so progress events stay rare.
    last_percent: Arc<Mutex<Option<u64>>>,
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reporter")
            .field("hook", &self.hook.is_some())
            .field("cancelled", &self.cancel.is_cancelled())
            .finish()
    }
}

impl Reporter {
    pub fn new(hook: Option<EventHook>, cancel: CancelFlag) -> Reporter {
        Reporter {
            hook,
            cancel,
            last_percent: Arc::default(),
        }
    }

    /// A reporter that drops every event and is never cancelled.
    pub fn silent() -> Reporter {
        Reporter::default()
    }

    pub(crate) fn send(&self, event: Event) {
        if let Some(hook) = &self.hook {
            hook(&event);
        }
    }

    pub(crate) fn info(&self, message: impl Into<String>) {
        self.send(Event::Info(message.into()));
    }

    pub(crate) fn warn(&self, message: impl Into<String>) {
        self.send(Event::Warning(message.into()));
    }

    /// Sends `progress` when it reaches a whole percent not sent before.
    pub(crate) fn progress(&self, progress: TrainingProgress) {
        if self.hook.is_none() {
            return;
        }
        let percent = (progress.fraction.clamp(0.0, 1.0) * 100.0) as u64;
        {
            let mut last = self.last_percent.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|l| l >= percent) {
                return;
            }
            *last = Some(percent);
        }
        self.send(Event::Progress(progress));
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// `Err(Error::Cancelled)` once the caller asked to stop.
    pub(crate) fn check_cancelled(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_sent_once_per_whole_percent() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let hook: EventHook = Arc::new(move |e: &Event| {
            if let Event::Progress(p) = e {
                sink.lock().unwrap().push(p.fraction);
            }
        });
        let reporter = Reporter::new(Some(hook), CancelFlag::new());
        let at = |fraction| TrainingProgress {
            fraction,
            words_per_sec_per_thread: 0.0,
            learning_rate: 0.0,
            loss: 0.0,
            eta_seconds: 0.0,
        };
        for f in [0.001, 0.005, 0.011, 0.012, 0.5, 0.4, 1.0] {
            reporter.progress(at(f));
        }
        assert_eq!(*seen.lock().unwrap(), vec![0.001, 0.011, 0.5, 1.0]);
    }

    #[test]
    fn cancel_is_seen_through_clones() {
        let flag = CancelFlag::new();
        let reporter = Reporter::new(None, flag.clone());
        assert!(reporter.check_cancelled().is_ok());
        flag.cancel();
        assert!(matches!(reporter.check_cancelled(), Err(Error::Cancelled)));
    }
}
