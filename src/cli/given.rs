//! Which options were typed on the command line rather than filled in from their defaults, so
//! that a flag the user gave wins over the same setting in `--hyperparameters` while a default
//! does not (the one precedence of `train` and `topics train`: defaults, then
//! `--hyperparameters`, then flags).

use std::collections::HashSet;
use std::ffi::OsString;
use std::sync::OnceLock;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::Cli;

static GIVEN: OnceLock<HashSet<String>> = OnceLock::new();

/// Parses the command line `args` (a usage error exits with clap's message, as
/// `Cli::parse_from` does) and remembers the options given on it.
pub fn parse_from<T: Into<OsString> + Clone>(args: impl IntoIterator<Item = T>) -> Cli {
    let matches = Cli::command().get_matches_from(args);
    let _ = GIVEN.set(given_options(&matches));
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Whether the option whose field is `id` (`learning_rate`) was given on the command line.
pub fn given(id: &str) -> bool {
    GIVEN.get().is_some_and(|g| g.contains(id))
}

/// The ids of the options given on the command line, at every subcommand level.
fn given_options(matches: &ArgMatches) -> HashSet<String> {
    let mut given = HashSet::new();
    let mut level = Some(matches);
    while let Some(m) = level {
        given.extend(
            m.ids()
                .filter(|id| m.value_source(id.as_str()) == Some(ValueSource::CommandLine))
                .map(|id| id.to_string()),
        );
        level = m.subcommand().map(|(_, sub)| sub);
    }
    given
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_not_given() {
        let args = [
            "blazetext",
            "topics",
            "train",
            "d.txt",
            "-o",
            "m",
            "--epochs",
            "3",
        ];
        let matches = Cli::command().try_get_matches_from(args).unwrap();
        let given = given_options(&matches);
        assert!(given.contains("epochs"));
        assert!(!given.contains("learning_rate"));
    }
}
