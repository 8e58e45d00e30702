//! Messages for the user on stderr: warnings always (unless `--quiet`), progress only on a
//! terminal. Results never go here; they go to stdout.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn is_quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

pub fn warn(message: impl AsRef<str>) {
    if !is_quiet() {
        crate::cli::output::errln!("warning: {}", message.as_ref());
    }
}

pub fn info(message: impl AsRef<str>) {
    if !is_quiet() {
        crate::cli::output::errln!("{}", message.as_ref());
    }
}

/// A progress bar over `total` units, hidden unless stderr is a terminal and not quiet.
pub fn progress_bar(total: u64, template: &str) -> indicatif::ProgressBar {
    if is_quiet() || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
