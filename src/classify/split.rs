//! Shuffled (optionally stratified) train/validation/test splits of a labelled file.
//!
//! Lines are kept byte for byte. Assignment deals the shuffled lines one by one to the split
//! whose count lags its target fraction the most, so every split's size is within one line of
//! `fraction × lines`. With stratification the shuffled lines are first grouped by their first
//! label (multi-label lines count under their first label; lines without a label form one group
//! of their own); dealing through the grouped sequence then keeps every class's ratio within one
//! line of the target as well. Each output file keeps the shuffled order, so classes are mixed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::{Error, Result};

/// The three fractions; they must be in [0, 1] and sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fractions {
    pub train: f64,
    pub validation: f64,
    pub test: f64,
}

impl Fractions {
    /// Checks the fractions and says what is wrong with them.
    pub fn new(train: f64, validation: f64, test: f64) -> Result<Fractions> {
        for (name, f) in [
            ("--train", train),
            ("--validation", validation),
            ("--test", test),
        ] {
            if !(0.0..=1.0).contains(&f) {
                return Err(Error::config(format!(
                    "{name} {f} is not a fraction: give a number between 0 and 1"
                )));
            }
        }
        let sum = train + validation + test;
        if (sum - 1.0).abs() > 1e-6 {
            return Err(Error::config(format!(
                "--train {train} + --validation {validation} + --test {test} = {sum}, \
                 but the fractions must sum to 1 (e.g. --train 0.8 --validation 0.1 --test 0.1)"
            )));
        }
        if train == 0.0 {
            return Err(Error::config(
                "--train is 0: the training split would be empty",
            ));
        }
        Ok(Fractions {
            train,
            validation,
            test,
        })
    }

    fn as_array(&self) -> [f64; 3] {
        [self.train, self.validation, self.test]
    }
}

/// The three splits' names, in output order, with their file extensions.
pub const SPLITS: [(&str, &str); 3] = [
    ("train", "train"),
    ("validation", "valid"),
    ("test", "test"),
];

/// Assigns `keys.len()` items to the three splits. `keys[i]` is the stratum of item `i` (all
/// equal when not stratifying). Returns, per split, the item indices in shuffled order.
pub fn assign<K: Ord>(keys: &[K], fractions: Fractions, seed: u64) -> [Vec<usize>; 3] {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(seed));
    // rank[i] = position of item i in the shuffled order.
    let mut rank = vec![0usize; keys.len()];
    for (pos, &i) in order.iter().enumerate() {
        rank[i] = pos;
    }
    // Stable sort keeps the shuffled order inside each stratum.
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let f = fractions.as_array();
    let mut out: [Vec<usize>; 3] = Default::default();
    for (dealt, &item) in order.iter().enumerate() {
        let target = (dealt + 1) as f64;
        let lag = |s: usize| f[s] * target - out[s].len() as f64;
        let best =
            (0..3)
                .filter(|&s| f[s] > 0.0)
                .fold(0, |best, s| if lag(s) > lag(best) { s } else { best });
        out[best].push(item);
    }
    for split in &mut out {
        split.sort_by_key(|&i| rank[i]);
    }
    out
}

/// Options of [`split_file`].
#[derive(Debug, Clone)]
pub struct SplitOptions {
    pub fractions: Fractions,
    pub stratify: bool,
    pub seed: u64,
    pub label_prefix: String,
    /// Replace output files that exist already (never the input itself).
    pub overwrite: bool,
}

/// One written split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitOutput {
    /// `train`, `validation` or `test`.
    pub split: &'static str,
    /// The file written.
    pub path: PathBuf,
    /// Lines written to it.
    pub lines: usize,
}

/// What a split did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitSummary {
    /// The file split (`-` for standard input).
    pub input: PathBuf,
    /// Non-blank lines dealt to the splits.
    pub lines: usize,
    /// Blank lines, which are dropped.
    pub blank_lines: usize,
    /// Whether every class kept its share in each split.
    pub stratified: bool,
    /// Seed of the shuffle.
    pub seed: u64,
    /// The files written, in the order train, validation, test (splits of fraction 0 are not
    /// written).
    pub outputs: Vec<SplitOutput>,
}

/// The first token of `line` that starts with `prefix`, or an empty key.
fn first_label<'a>(line: &'a [u8], prefix: &[u8]) -> &'a [u8] {
    line.split(|b| b.is_ascii_whitespace())
        .find(|t| !t.is_empty() && t.starts_with(prefix))
        .unwrap_or(&[])
}

/// The default output prefix: the input path without its extension (`data/sms.ft` → `data/sms`).
pub fn default_prefix(input: &Path) -> PathBuf {
    input.with_extension("")
}

/// The files a split writes: `(split index, name, path)` for each split of nonzero fraction.
fn output_paths(prefix: &Path, fractions: Fractions) -> Vec<(usize, &'static str, PathBuf)> {
    let fractions = fractions.as_array();
    SPLITS
        .iter()
        .enumerate()
        .filter(|&(s, _)| fractions[s] > 0.0)
        .map(|(s, (name, ext))| {
            let mut path = prefix.as_os_str().to_owned();
            path.push(format!(".{ext}"));
            (s, *name, PathBuf::from(path))
        })
        .collect()
}

/// Refuses, before anything is read, outputs that are the input itself (always) or that exist
/// already (unless `overwrite`).
fn check_outputs(input: &Path, outputs: &[(usize, &str, PathBuf)], overwrite: bool) -> Result<()> {
    for (_, _, path) in outputs {
        if input != Path::new("-") && crate::io_util::same_file(input, path) {
            return Err(Error::config(format!(
                "{} is the input file: the split would overwrite the data it reads; give \
                 another output prefix with -o",
                path.display()
            )));
        }
        if !overwrite && path.exists() {
            return Err(Error::config(format!(
                "{} exists already; give another output prefix with -o, or pass --force to \
                 overwrite it",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Refuses input that is not plain text: its lines would be cut at arbitrary bytes.
fn check_plain_text(input: &Path, data: &[u8]) -> Result<()> {
    if data.starts_with(&[0x1f, 0x8b]) {
        return Err(Error::input(
            input,
            None,
            "is gzip-compressed; split copies lines byte for byte, so give it the uncompressed \
             file (e.g. `gunzip -k` it first)",
        ));
    }
    if memchr::memchr(0, data).is_some() {
        return Err(Error::input(
            input,
            None,
            "looks like a binary file (it contains NUL bytes), not text; give a plain text \
             file with one labelled line per example",
        ));
    }
    Ok(())
}

/// Splits `input` (`-` = stdin) into `prefix.train`, `prefix.valid` and `prefix.test` (splits
/// with fraction 0 are not written).
pub fn split_file(input: &Path, prefix: &Path, opts: &SplitOptions) -> Result<SplitSummary> {
    let targets = output_paths(prefix, opts.fractions);
    check_outputs(input, &targets, opts.overwrite)?;
    let mut data = Vec::new();
    if input == Path::new("-") {
        std::io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| Error::io("<stdin>", e))?;
    } else {
        data = std::fs::read(input).map_err(|e| Error::io(input, e))?;
    }
    check_plain_text(input, &data)?;
    let all: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let lines: Vec<&[u8]> = all
        .iter()
        .copied()
        .filter(|l| !l.iter().all(|b| b.is_ascii_whitespace()))
        .collect();
    // A final newline yields one empty piece that is not a blank line of the file.
    let trailing = usize::from(data.last() == Some(&b'\n') || data.is_empty());
    let blank_lines = all.len() - lines.len() - trailing;
    if lines.is_empty() {
        return Err(Error::input(
            input,
            None,
            "the file has no non-blank lines: nothing to split",
        ));
    }
    let prefix_bytes = opts.label_prefix.as_bytes();
    let keys: Vec<&[u8]> = if opts.stratify {
        lines.iter().map(|l| first_label(l, prefix_bytes)).collect()
    } else {
        vec![&[][..]; lines.len()]
    };
    let assigned = assign(&keys, opts.fractions, opts.seed);
    let mut outputs = Vec::new();
    for (s, name, path) in targets {
        let mut text = Vec::with_capacity(data.len() / 2);
        for &i in &assigned[s] {
            text.extend_from_slice(lines[i]);
            text.push(b'\n');
        }
        crate::io::write_atomically(&path, |w| w.write_all(&text))?;
        outputs.push(SplitOutput {
            split: name,
            path,
            lines: assigned[s].len(),
        });
    }
    Ok(SplitSummary {
        input: input.to_path_buf(),
        lines: lines.len(),
        blank_lines,
        stratified: opts.stratify,
        seed: opts.seed,
        outputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_must_sum_to_one_and_be_fractions() {
        assert!(Fractions::new(0.8, 0.1, 0.1).is_ok());
        assert!(Fractions::new(0.8, 0.0, 0.2).is_ok());
        let e = Fractions::new(0.8, 0.2, 0.1).unwrap_err().to_string();
        assert!(e.contains("must sum to 1"), "{e}");
        let e = Fractions::new(1.2, -0.1, -0.1).unwrap_err().to_string();
        assert!(e.contains("--train 1.2 is not a fraction"), "{e}");
        assert!(Fractions::new(0.0, 0.5, 0.5).is_err());
    }

    #[test]
    fn sizes_are_within_one_of_the_targets() {
        let keys = vec![(); 1003];
        let f = Fractions::new(0.8, 0.1, 0.1).unwrap();
        let [a, b, c] = assign(&keys, f, 7);
        assert_eq!(a.len() + b.len() + c.len(), 1003);
        assert!((a.len() as f64 - 802.4).abs() <= 1.0, "{}", a.len());
        assert!((b.len() as f64 - 100.3).abs() <= 1.0, "{}", b.len());
        assert!((c.len() as f64 - 100.3).abs() <= 1.0, "{}", c.len());
        let mut all: Vec<usize> = a.iter().chain(&b).chain(&c).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1003).collect::<Vec<_>>());
    }

    #[test]
    fn stratified_splits_keep_class_ratios() {
        // 900 of class 0, 90 of class 1, 10 of class 2.
        let keys: Vec<u8> = (0..1000)
            .map(|i| {
                if i < 900 {
                    0
                } else if i < 990 {
                    1
                } else {
                    2
                }
            })
            .collect();
        let f = Fractions::new(0.8, 0.1, 0.1).unwrap();
        let splits = assign(&keys, f, 3);
        for (split, frac) in splits.iter().zip([0.8, 0.1, 0.1]) {
            for (class, total) in [(0u8, 900.0), (1, 90.0), (2, 10.0)] {
                let n = split.iter().filter(|&&i| keys[i] == class).count() as f64;
                assert!(
                    (n - frac * total).abs() <= 1.0,
                    "class {class}: {n} vs {}",
                    frac * total
                );
            }
        }
        // The output order is shuffled, not grouped by class.
        let first: Vec<u8> = splits[0].iter().take(50).map(|&i| keys[i]).collect();
        assert!(first.iter().any(|&k| k != 0) || splits[0][..50].windows(2).any(|w| w[0] > w[1]));
    }

    #[test]
    fn same_seed_same_split_other_seed_other_split() {
        let keys = vec![(); 200];
        let f = Fractions::new(0.5, 0.25, 0.25).unwrap();
        assert_eq!(assign(&keys, f, 1), assign(&keys, f, 1));
        assert_ne!(assign(&keys, f, 1), assign(&keys, f, 2));
    }

    #[test]
    fn first_label_is_found_anywhere_on_the_line() {
        assert_eq!(
            first_label(b"some text __label__b __label__a", b"__label__"),
            b"__label__b"
        );
        assert_eq!(first_label(b"no label here", b"__label__"), b"");
    }
}
