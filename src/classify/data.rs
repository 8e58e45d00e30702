//! Labelled examples encoded once into id arrays (input rows and label ids per line), so that
//! training epochs and validation passes do no string work at all.

use std::path::{Path, PathBuf};

use crate::classify::model::{InputSpec, LineBuffers};
use crate::corpus::Corpus;
use crate::events::Reporter;
use crate::text::Processor;
use crate::vocab::Vocab;
use crate::Result;

/// Examples in compressed-sparse-row form.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    rows: Vec<u32>,
    row_start: Vec<usize>,
    labels: Vec<u32>,
    label_start: Vec<usize>,
    /// Tokens of each line (words and labels, as fastText counts them for the lr schedule).
    tokens: Vec<u32>,
}

/// What encoding a file found besides the examples.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EncodeStats {
    pub lines: u64,
    /// Non-blank lines without any label the model knows (skipped).
    pub unlabelled: u64,
    /// The first such line (1-based) and its file.
    pub first_unlabelled: Option<(PathBuf, u64)>,
    /// Label tokens the vocabulary does not have (pruned, or never seen in training).
    pub unknown_label_tokens: u64,
    pub blank: u64,
}

impl Examples {
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    #[inline]
    pub fn rows(&self, i: usize) -> &[u32] {
        &self.rows[self.row_start[i]..self.row_start[i + 1]]
    }

    #[inline]
    pub fn labels(&self, i: usize) -> &[u32] {
        &self.labels[self.label_start[i]..self.label_start[i + 1]]
    }

    #[inline]
    pub fn tokens(&self, i: usize) -> u64 {
        u64::from(self.tokens[i])
    }

    /// Every input row some example uses, marked in a table of `n_rows` entries.
    pub fn used_rows(&self, n_rows: usize) -> Vec<bool> {
        let mut used = vec![false; n_rows];
        for &r in &self.rows {
            used[r as usize] = true;
        }
        used
    }

    /// Tokens over all examples.
    pub fn total_tokens(&self) -> u64 {
        self.tokens.iter().map(|&t| u64::from(t)).sum()
    }

    fn push(&mut self, b: &LineBuffers, tokens: u32) {
        if self.row_start.is_empty() {
            self.row_start.push(0);
            self.label_start.push(0);
        }
        self.rows.extend_from_slice(&b.rows);
        self.row_start.push(self.rows.len());
        self.labels.extend_from_slice(&b.labels);
        self.label_start.push(self.labels.len());
        self.tokens.push(tokens);
    }

    fn append(&mut self, other: Examples) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            *self = other;
            return;
        }
        let (r, l) = (self.rows.len(), self.labels.len());
        self.rows.extend_from_slice(&other.rows);
        self.row_start
            .extend(other.row_start[1..].iter().map(|s| s + r));
        self.labels.extend_from_slice(&other.labels);
        self.label_start
            .extend(other.label_start[1..].iter().map(|s| s + l));
        self.tokens.extend_from_slice(&other.tokens);
    }

    /// Label ids of every example, for class weights and counts.
    pub fn label_occurrences(&self, nlabels: usize) -> Vec<u64> {
        let mut counts = vec![0u64; nlabels];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }
}

/// Encodes every line of `inputs` (in parallel, in input order). Lines without a known label
/// are skipped and counted.
pub fn encode(
    inputs: &[PathBuf],
    processor: &Processor,
    vocab: &Vocab,
    spec: &InputSpec,
    reporter: &Reporter,
) -> Result<(Examples, EncodeStats)> {
    let corpus = Corpus::open(inputs, reporter)?;
    let mut examples = Examples::default();
    let mut stats = EncodeStats::default();
    corpus.par_map_chunks_with(
        || (processor.clone(), LineBuffers::default()),
        |(processor, buffers), chunk| {
            let mut ex = Examples::default();
            let mut st = EncodeStats::default();
            for (no, line) in chunk.lines() {
                st.lines += 1;
                if line.trim().is_empty() {
                    st.blank += 1;
                    continue;
                }
                spec.encode_line(vocab, processor, line, buffers);
                st.unknown_label_tokens += buffers.unknown_labels.len() as u64;
                if buffers.labels.is_empty() {
                    st.unlabelled += 1;
                    if st.first_unlabelled.is_none() {
                        st.first_unlabelled = Some((chunk.source.as_ref().clone(), no));
                    }
                    continue;
                }
                // Word tokens + </s> + labels, as fastText's token count.
                let tokens = buffers.hashes.len() + buffers.label_texts.len();
                ex.push(buffers, tokens as u32);
            }
            (ex, st)
        },
        |(ex, st)| {
            examples.append(ex);
            stats.lines += st.lines;
            stats.blank += st.blank;
            stats.unlabelled += st.unlabelled;
            stats.unknown_label_tokens += st.unknown_label_tokens;
            if stats.first_unlabelled.is_none() {
                stats.first_unlabelled = st.first_unlabelled;
            }
            Ok(())
        },
    )?;
    Ok((examples, stats))
}

/// `path:line` for messages.
pub fn describe_line(path: &Path, line: u64) -> String {
    format!("{}:{line}", path.display())
}
