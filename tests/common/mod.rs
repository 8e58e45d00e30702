//! Helpers shared by the integration tests. Each test crate uses a subset of them.
#![allow(dead_code)]

use blazetext::io::{DictEntry, FastTextArgs, FastTextFile};
use blazetext::matrix::Matrix;
use std::process::Command;

/// A Python interpreter that has `module` installed: `$BLAZETEXT_PYTHON`, the project's `.venv`
/// (which `.ci/run` creates), or `python3`. `None`, with a printed reason, when none has it.
pub fn python_with(module: &str) -> Option<String> {
    let candidates = [
        std::env::var("BLAZETEXT_PYTHON").ok(),
        Some(concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python").to_string()),
        Some("python3".to_string()),
    ];
    let check =
        format!("import importlib.util as u, sys; sys.exit(u.find_spec('{module}') is None)");
    for python in candidates.into_iter().flatten() {
        // find_spec checks that the module is installed without importing it (slow).
        let found = Command::new(&python)
            .args(["-c", &check])
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(python);
        }
    }
    println!(
        "skipped: no Python with {module} (set BLAZETEXT_PYTHON, or run .ci/run to create .venv)"
    );
    None
}

/// Deterministic pseudo-random floats (a 64-bit LCG), so tests need no RNG crate.
pub fn floats(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) - 0.5
        })
        .collect()
}

pub fn entries(words: &[&str]) -> Vec<DictEntry> {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| DictEntry {
            text: w.to_string(),
            count: 100 - i as u64,
        })
        .collect()
}

/// A blazetext-built skip-gram model with subwords (random rows).
pub fn synthetic_skipgram() -> FastTextFile {
    let words = entries(&["</s>", "the", "naïve", "café", "日本", "word"]);
    let (dim, bucket) = (8, 97);
    let rows = words.len() + bucket;
    FastTextFile {
        args: FastTextArgs {
            dim: dim as i32,
            bucket: bucket as i32,
            minn: 2,
            maxn: 4,
            ..FastTextArgs::default()
        },
        ntokens: 1234,
        input: Matrix::from_vec(rows, dim, floats(rows * dim, 1)),
        output: Matrix::from_vec(words.len(), dim, floats(words.len() * dim, 2)),
        words,
        labels: Vec::new(),
    }
}
