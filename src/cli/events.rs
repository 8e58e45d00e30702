//! The terminal side of the library's events: messages and warnings on stderr (unless
//! `--quiet`), a progress bar when stderr is a terminal, and `--json` progress lines on stdout.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use blazetext::{Event, EventHook};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{output, GlobalArgs};
use crate::log;

/// Shows a call's events for as long as it lives; dropping it clears the progress bar.
pub struct Terminal {
    bar: Arc<Mutex<Option<ProgressBar>>>,
    quiet: bool,
    json: bool,
}

impl Terminal {
    pub fn new(global: &GlobalArgs) -> Terminal {
        Terminal {
            bar: Arc::default(),
            quiet: global.quiet,
            json: global.json,
        }
    }

    /// The hook to hand to a library call.
    pub fn hook(&self) -> EventHook {
        let (bar, quiet, json) = (Arc::clone(&self.bar), self.quiet, self.json);
        Arc::new(move |event: &Event| match event {
            Event::Info(message) => log::info(message),
            Event::Warning(message) => log::warn(message),
            Event::Progress(p) => {
                let percent = (p.fraction * 100.0) as u64;
                if json {
                    let line = serde_json::json!({
                        "event": "progress", "percent": percent,
                        "words_per_sec_per_thread": p.words_per_sec_per_thread,
                        "lr": p.learning_rate, "loss": p.loss, "eta_seconds": p.eta_seconds,
                    });
                    output::progress_line(&line.to_string());
                }
                if quiet || !std::io::stderr().is_terminal() {
                    return;
                }
                let mut bar = bar.lock().unwrap_or_else(|e| e.into_inner());
                let bar = bar.get_or_insert_with(new_bar);
                bar.set_position(percent);
                bar.set_message(format!(
                    "{:>8.0} words/sec/thread  lr {:.6}  loss {:.4}",
                    p.words_per_sec_per_thread, p.learning_rate, p.loss
                ));
            }
            _ => {}
        })
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let bar = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = bar.as_ref() {
            bar.finish_and_clear();
        }
    }
}

fn new_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(100), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} ETA {eta}") {
        bar.set_style(style);
    }
    bar
}
