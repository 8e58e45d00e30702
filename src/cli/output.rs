//! The binary's one channel to standard output, and its writes to standard error.
//!
//! Results go to stdout through [`Stdout`] or [`line`] (the `outln!` macro). A closed pipe
//! (`blazetext … | head`) is not a failure: the reader has all it wanted, so the write is
//! remembered ([`stdout_closed`]), the command stops through the usual error path, and `main`
//! exits 0 without a message, as Unix filters do. Any other write error (a full disk) is an
//! `Error::Io` on `<stdout>`: one message, exit 1.
//!
//! Messages, warnings and progress go to stderr through [`message`], which ignores every error:
//! a closed or full stderr must never stop a run (`blazetext train … 2>&1 | head -1` still
//! writes its model).

use std::fmt;
use std::io::{BufWriter, ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use blazetext::Error;

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether a write to stdout found the reading end of the pipe closed.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// The error for a failed write to stdout; a closed pipe is recorded for [`stdout_closed`].
pub fn stdout_error(e: std::io::Error) -> Error {
    if e.kind() == ErrorKind::BrokenPipe {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
    Error::io("<stdout>", e)
}

/// Buffered stdout for commands that print many lines (or hand a writer to the library);
/// call [`finish`](Stdout::finish) at the end so that the last write's error is not lost.
/// It is `Send`, for the library's writers that run on worker threads.
pub struct Stdout {
    out: BufWriter<std::io::Stdout>,
}

/// Stdout for a buffered run of writes.
pub fn buffered() -> Stdout {
    Stdout {
        out: BufWriter::with_capacity(1 << 16, std::io::stdout()),
    }
}

impl Stdout {
    /// Writes what is still buffered.
    pub fn finish(mut self) -> blazetext::Result<()> {
        self.out.flush().map_err(stdout_error)
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf).inspect_err(record_closed)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush().inspect_err(record_closed)
    }
}

fn record_closed(e: &std::io::Error) {
    if e.kind() == ErrorKind::BrokenPipe {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Writes one line of results to stdout (use `outln!`).
pub fn line(args: fmt::Arguments) -> blazetext::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{args}")
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// Writes text to stdout as it is, without adding a newline.
pub fn text(text: &str) -> blazetext::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// A progress line on stdout (`--json` progress): informational, so a failed write is ignored.
pub fn progress_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

/// A message on stderr; errors are ignored (see the module's comment).
pub fn message(args: fmt::Arguments) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// `outln!("…", …)`: one line of results on stdout; evaluates to `blazetext::Result<()>`.
macro_rules! outln {
    () => {
        $crate::cli::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// `errln!("…", …)`: one line on stderr, never failing.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::message(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use errln;
