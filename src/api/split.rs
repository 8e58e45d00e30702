//! Train/validation/test splits of a labelled file.

use std::path::{Path, PathBuf};

use crate::classify::split::{default_prefix, split_file, Fractions, SplitOptions};
use crate::{Error, Result};

pub use crate::classify::split::{SplitOutput, SplitSummary};

/// Splits a labelled text file into shuffled `<prefix>.train`, `<prefix>.valid` and
/// `<prefix>.test` files, optionally stratified so that every class (the first label of a line)
/// keeps its share in each split, within one line. Lines are copied byte for byte; blank lines
/// are dropped; a split of fraction 0 is not written.
///
/// A split never writes over its input (the same file under any name, links included), and
/// never over other existing files unless [`force`](Splitter::force) is set; compressed or
/// binary input is refused rather than cut into pieces.
///
/// ```
/// use blazetext::Splitter;
///
/// let dir = std::env::temp_dir().join(format!("blazetext-doc-split-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let summary = Splitter::new(0.8, 0.1, 0.1)?
///     .stratify(true)
///     .seed(3)
///     .output(dir.join("sample"))
///     .force(true)
///     .split("corpora/sample-labelled.train")?;
/// let lines: Vec<usize> = summary.outputs.iter().map(|o| o.lines).collect();
/// assert_eq!(lines, [960, 120, 120]);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), blazetext::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Splitter {
    fractions: Fractions,
    stratify: bool,
    seed: u64,
    label_prefix: String,
    output: Option<PathBuf>,
    force: bool,
}

impl Splitter {
    /// A splitter dealing these fractions of the lines to the training, validation and test
    /// files; not stratified, seed 1, labels prefixed `__label__`, output next to the input.
    ///
    /// Errors: [`Error::Config`] unless each fraction is in [0, 1], they sum to 1 and the
    /// training fraction is above 0.
    pub fn new(train: f64, validation: f64, test: f64) -> Result<Splitter> {
        Ok(Splitter {
            fractions: Fractions::new(train, validation, test)?,
            stratify: false,
            seed: 1,
            label_prefix: "__label__".to_string(),
            output: None,
            force: false,
        })
    }

    /// Keep each class's share in every split (the class of a line is its first label; lines
    /// without one form a class of their own).
    pub fn stratify(mut self, stratify: bool) -> Splitter {
        self.stratify = stratify;
        self
    }

    /// Seed of the shuffle: the same seed gives the same files.
    pub fn seed(mut self, seed: u64) -> Splitter {
        self.seed = seed;
        self
    }

    /// Tokens starting with this prefix are labels (for stratification).
    pub fn label_prefix(mut self, prefix: impl Into<String>) -> Splitter {
        self.label_prefix = prefix.into();
        self
    }

    /// Output prefix; by default the input path without its extension (`data/sms.ft` →
    /// `data/sms.train`, …). Required when reading standard input.
    pub fn output(mut self, prefix: impl Into<PathBuf>) -> Splitter {
        self.output = Some(prefix.into());
        self
    }

    /// Replace output files that exist already. The input itself is never replaced.
    pub fn force(mut self, force: bool) -> Splitter {
        self.force = force;
        self
    }

    /// Splits `input` (a file, or `-` for standard input) and says what it wrote.
    ///
    /// Errors: [`Error::Config`] when an output is the input, when an output exists and
    /// [`force`](Splitter::force) is not set, or when standard input has no output prefix;
    /// [`Error::Input`] for a gzip, binary or blank input; [`Error::Io`] when a file cannot be
    /// read or written.
    pub fn split(&self, input: impl AsRef<Path>) -> Result<SplitSummary> {
        let input = input.as_ref();
        let prefix = match &self.output {
            Some(prefix) => prefix.clone(),
            None if input == Path::new("-") => {
                return Err(Error::config(
                    "reading stdin: give an output prefix with -o",
                ))
            }
            None => default_prefix(input),
        };
        let options = SplitOptions {
            fractions: self.fractions,
            stratify: self.stratify,
            seed: self.seed,
            label_prefix: self.label_prefix.clone(),
            overwrite: self.force,
        };
        split_file(input, &prefix, &options)
    }
}
