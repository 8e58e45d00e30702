//! Signals the binary reacts to: Ctrl-C (SIGINT) asks the running call to stop through its [`CancelFlag`], so training ends
//! without writing a model instead of leaving temporaries behind; a second Ctrl-C exits at once.
//! The binary's only `unsafe` lives here.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use blazetext::CancelFlag;

/// Set by the SIGINT handler; polled by [`cancel_on_interrupt`]'s watcher thread.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler. SIGPIPE keeps Rust's setting (ignored): a write to a closed
/// pipe is an `EPIPE` error that `cli::output` turns into a quiet stop for stdout and ignores
/// for stderr, so that `blazetext train … 2>&1 | head -1` still writes its model.
pub fn install() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists. `on_interrupt` is an
    // `extern "C"` function that only touches an atomic and calls async-signal-safe functions
    // (`signal`, `raise`).
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

#[cfg(unix)]
extern "C" fn on_interrupt(_: libc::c_int) {
    if INTERRUPTED.swap(true, Ordering::SeqCst) {
        // SAFETY: `signal` and `raise` are async-signal-safe; the default action ends the process.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::raise(libc::SIGINT);
        }
    }
}

/// A flag that a Ctrl-C sets; give it to the API call that should stop.
pub fn cancel_on_interrupt() -> CancelFlag {
    let flag = CancelFlag::new();
    let watched = flag.clone();
    std::thread::spawn(move || loop {
        if INTERRUPTED.load(Ordering::SeqCst) {
            watched.cancel();
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    });
    flag
}
