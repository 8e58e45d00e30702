//! Long calls (training) run on a thread of their own while the calling thread, holding the GIL
//! only briefly, watches for Ctrl-C: a pending `KeyboardInterrupt` sets the call's cancel flag,
//! the library stops between chunks and writes nothing, and the interrupt is raised.
//! Python only runs signal handlers on its main thread, so the check cannot live in the event
//! hook, which runs on the library's worker threads.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use blazetext::{CancelFlag, Event, EventHook, TrainingProgress};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// How often the waiting thread looks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// The figures of a finished run that fastText shows on its last progress line.
pub(crate) struct Finished {
    pub(crate) words_per_sec_per_thread: f64,
    pub(crate) loss: f64,
}

/// Runs `work` with an event hook for `verbose` and a cancel flag tied to Ctrl-C. With
/// `verbose` 2 on a terminal a word-vector or classifier run ends on fastText's 100% progress
/// line, drawn from the figures `finished` gives when the library's last progress event was
/// short of it (a supervised run sends progress only every few thousand examples, so a short
/// one sends none); topic models have no such line (`None`).
pub(crate) fn cancellable<T: Send>(
    py: Python<'_>,
    verbose: u8,
    work: impl FnOnce(EventHook, CancelFlag) -> blazetext::Result<T> + Send,
    finished: impl FnOnce(&T) -> Option<Finished>,
) -> PyResult<T> {
    let flag = CancelFlag::new();
    let console = Arc::new(Console::new(verbose));
    let hook: EventHook = {
        let console = Arc::clone(&console);
        Arc::new(move |event: &Event| console.show(event))
    };
    std::thread::scope(|scope| {
        let (done, mut outcome) = mpsc::channel();
        let worker_flag = flag.clone();
        scope.spawn(move || {
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(hook, worker_flag)));
            let _ = done.send(result);
        });
        let mut interrupt = None;
        let result = loop {
            // `&mut` so the closure is `Send` (a `Receiver` is not `Sync`).
            let waiting = &mut outcome;
            match py.detach(move || waiting.recv_timeout(SIGNAL_POLL)) {
                Ok(result) => break result,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if interrupt.is_none() {
                        if let Err(e) = py.check_signals() {
                            flag.cancel();
                            interrupt = Some(e);
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(PyRuntimeError::new_err("the training thread stopped"))
                }
            }
        };
        match (result, interrupt) {
            (_, Some(interrupt)) => {
                console.end_line();
                Err(interrupt)
            }
            (Ok(result), None) => {
                let result = result.map_err(|e| {
                    console.end_line();
                    to_py(e)
                })?;
                console.finish(finished(&result));
                Ok(result)
            }
            (Err(_), None) => Err(PyRuntimeError::new_err(
                "blazetext failed inside the library; please report this as a bug",
            )),
        }
    })
}

/// Draws the library's events on stderr as fastText does for `verbose`: 0 silent, 1 warnings,
/// 2 also facts and the progress line (on a terminal only, as it redraws itself).
struct Console {
    verbose: u8,
    terminal: bool,
    /// The progress line waits for its line break.
    mid_line: AtomicBool,
    /// The progress line reached 100%.
    complete: AtomicBool,
}

impl Console {
    fn new(verbose: u8) -> Console {
        Console {
            verbose,
            terminal: std::io::stderr().is_terminal(),
            mid_line: AtomicBool::new(false),
            complete: AtomicBool::new(false),
        }
    }

    fn shows_progress(&self) -> bool {
        self.verbose >= 2 && self.terminal
    }

    fn show(&self, event: &Event) {
        let shown = match event {
            Event::Warning(_) => self.verbose >= 1,
            Event::Info(_) => self.verbose >= 2,
            Event::Progress(_) => self.shows_progress(),
            _ => false,
        };
        if !shown {
            return;
        }
        match event {
            Event::Warning(message) => self.line(&format!("Warning: {message}")),
            Event::Info(message) => self.line(message),
            Event::Progress(p) => self.progress(p),
            _ => {}
        }
    }

    /// A whole line, after the progress line's break when it is pending.
    fn line(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        if self.mid_line.swap(false, Ordering::Relaxed) {
            let _ = writeln!(err);
        }
        let _ = writeln!(err, "{text}");
    }

    /// Redraws fastText's progress line.
    fn progress(&self, p: &TrainingProgress) {
        let eta = p.eta_seconds.max(0.0) as u64;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\rProgress: {:5.1}% words/sec/thread: {:7.0} lr: {:9.6} avg.loss: {:9.6} ETA: {:>3}h{:>2}m{:>2}s",
            p.fraction * 100.0,
            p.words_per_sec_per_thread,
            p.learning_rate,
            p.loss,
            eta / 3600,
            eta / 60 % 60,
            eta % 60
        );
        let _ = err.flush();
        self.mid_line.store(true, Ordering::Relaxed);
        if p.fraction >= 1.0 {
            self.complete.store(true, Ordering::Relaxed);
        }
    }

    /// Ends a successful run on the 100% line, then a line break.
    fn finish(&self, figures: Option<Finished>) {
        let pending = self.shows_progress() && !self.complete.load(Ordering::Relaxed);
        if let Some(figures) = figures.filter(|_| pending) {
            self.progress(&TrainingProgress {
                fraction: 1.0,
                words_per_sec_per_thread: figures.words_per_sec_per_thread,
                learning_rate: 0.0,
                loss: figures.loss,
                eta_seconds: 0.0,
            });
        }
        self.end_line();
    }

    /// The pending line break of the progress line, if any.
    fn end_line(&self) {
        if self.mid_line.swap(false, Ordering::Relaxed) {
            eprintln!();
        }
    }
}
