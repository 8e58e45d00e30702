//! The `blazetext` binary: parse arguments, run, and turn errors into one clear paragraph and
//! an exit code (0 success, 1 runtime error, 2 usage error).

mod cli;
mod log;

use blazetext::Error;
use std::process::ExitCode;

fn main() -> ExitCode {
    cli::signals::install();
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|info| {
            cli::output::errln!("error: internal error ({info}). This is a bug in blazetext; please report it with the command you ran.");
        }));
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let layout = cli::sagemaker::container_layout();
    let job = cli::sagemaker::training_command(&args, &layout);
    if job.is_some() {
        if let Err(e) = cli::sagemaker::prepare(&layout) {
            cli::output::errln!("error: cannot create the model directory: {e}");
        }
    }
    let cli = cli::given::parse_from(job.as_deref().unwrap_or(&args));
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout closed it (`| head`): it has what it wanted.
        Err(_) if cli::output::stdout_closed() => ExitCode::SUCCESS,
        Err(err) => {
            cli::output::errln!("error: {err}");
            if job.is_some() {
                cli::sagemaker::write_failure(&layout, &err.to_string());
            }
            match err {
                Error::Config(_) => ExitCode::from(2),
                // As shells report a process ended by Ctrl-C.
                Error::Cancelled => ExitCode::from(130),
                _ => ExitCode::from(1),
            }
        }
    }
}
