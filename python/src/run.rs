//! Long calls (training) run on a thread of their own while the calling thread, holding the GIL
//! only briefly, watches for Ctrl-C: a pending `KeyboardInterrupt` sets the call's cancel flag,
//! the library stops between chunks and writes nothing, and the interrupt is raised.
//! Python only runs signal handlers on its main thread, so the check cannot live in the event
//! hook, which runs on the library's worker threads.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use blazetext::{CancelFlag, Event, EventHook};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// How often the waiting thread looks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `work` with an event hook for `verbose` and a cancel flag tied to Ctrl-C.
pub(crate) fn cancellable<T: Send>(
    py: Python<'_>,
    verbose: u8,
    work: impl FnOnce(EventHook, CancelFlag) -> blazetext::Result<T> + Send,
) -> PyResult<T> {
    let flag = CancelFlag::new();
    let mid_line = Arc::new(AtomicBool::new(false));
    let hook = hook(verbose, Arc::clone(&mid_line));
    std::thread::scope(|scope| {
        let (done, mut finished) = mpsc::channel();
        let worker_flag = flag.clone();
        scope.spawn(move || {
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(hook, worker_flag)));
            let _ = done.send(result);
        });
        let mut interrupt = None;
        let result = loop {
            // `&mut` so the closure is `Send` (a `Receiver` is not `Sync`).
            let waiting = &mut finished;
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
        if mid_line.load(Ordering::Relaxed) {
            eprintln!();
        }
        match (result, interrupt) {
            (_, Some(interrupt)) => Err(interrupt),
            (Ok(result), None) => result.map_err(to_py),
            (Err(_), None) => Err(PyRuntimeError::new_err(
                "blazetext failed inside the library; please report this as a bug",
            )),
        }
    })
}

/// fastText's `verbose`: 0 silent, 1 warnings, 2 also facts and the progress line (on a
/// terminal). `mid_line` is set while the progress line waits for its line break.
fn hook(verbose: u8, mid_line: Arc<AtomicBool>) -> EventHook {
    let terminal = std::io::stderr().is_terminal();
    Arc::new(move |event: &Event| {
        let mut err = std::io::stderr().lock();
        let shown = match event {
            Event::Warning(_) => verbose >= 1,
            Event::Info(_) => verbose >= 2,
            Event::Progress(_) => verbose >= 2 && terminal,
            _ => false,
        };
        if !shown {
            return;
        }
        if matches!(event, Event::Progress(_)) {
            mid_line.store(true, Ordering::Relaxed);
        } else if mid_line.swap(false, Ordering::Relaxed) {
            let _ = writeln!(err);
        }
        let _ = match event {
            Event::Warning(message) => writeln!(err, "Warning: {message}"),
            Event::Info(message) => writeln!(err, "{message}"),
            Event::Progress(p) => {
                let eta = p.eta_seconds.max(0.0) as u64;
                write!(
                    err,
                    "\rProgress: {:5.1}% words/sec/thread: {:7.0} lr: {:9.6} avg.loss: {:9.6} ETA: {:>3}h{:>2}m{:>2}s",
                    p.fraction * 100.0,
                    p.words_per_sec_per_thread,
                    p.learning_rate,
                    p.loss,
                    eta / 3600,
                    eta / 60 % 60,
                    eta % 60
                )
            }
            _ => Ok(()),
        };
    })
}
