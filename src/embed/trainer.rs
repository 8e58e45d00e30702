//! The Hogwild training loop over an id-encoded corpus: no strings, no hashing, no allocation per
//! token. Each thread owns a contiguous shard of the id stream (cut at sentence ends) and makes
//! `epochs` passes over it; all threads share the input and output matrices.
//!
//! - cbow: the hidden vector is the average of the input rows (word + subwords) of the context
//!   words; one loss against the center word; the gradient goes back to every context row.
//! - skipgram: the hidden vector is the average of the center word's input rows; one loss per
//!   context word, and the input rows are updated after every (center, context) pair, as
//!   word2vec and fastText do.
//! - batch_skipgram (Ji et al. 2016): the hidden vector is computed once per center word and its
//!   gradient applied once after the whole window (with subwords this divides the input-side work
//!   by the number of context words, at one window of staleness); the window's context words, in
//!   batches of `batch_size`, share one draw of negative samples, each negative standing for the
//!   whole batch (its gradient is weighted by the batch size). The output-side work per center
//!   word drops from `(1 + neg) × contexts` to `contexts + neg` rows.

use crate::model::loss::Loss;
use crate::model::sampling::{below, thread_rng, uniform01, LinearDecay};
use crate::model::{Mode, Progress, SharedMatrix, State, TrainConfig};

/// Marks the end of a line in the id stream; windows never cross it.
pub const SENTENCE_END: u32 = u32::MAX;

/// How often (in tokens) a thread publishes its progress and refreshes its learning rate.
const REPORT_EVERY: u64 = 10_000;

/// For every word, the input rows whose average is its vector: its own row, then the rows of its
/// character n-grams when subwords are on (compressed sparse rows).
#[derive(Debug, Clone)]
pub struct InputRows {
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl InputRows {
    /// `ngrams(word, out)` pushes the n-gram rows of `word` (nothing without subwords).
    pub fn build<'w>(
        words: impl IntoIterator<Item = &'w str>,
        mut ngrams: impl FnMut(&str, &mut Vec<u32>),
    ) -> InputRows {
        let mut starts = vec![0];
        let mut rows = Vec::new();
        for (id, word) in words.into_iter().enumerate() {
            rows.push(id as u32);
            ngrams(word, &mut rows);
            starts.push(rows.len() as u32);
        }
        InputRows { starts, rows }
    }

    #[inline]
    pub fn of(&self, word: u32) -> &[u32] {
        let w = word as usize;
        &self.rows[self.starts[w] as usize..self.starts[w + 1] as usize]
    }
}

/// The encoded corpus and the per-word tables the loop reads.
pub struct Data<'a> {
    /// Word ids, with [`SENTENCE_END`] after every line.
    pub ids: &'a [u32],
    /// Number of word ids in `ids` (sentence ends excluded).
    pub tokens: u64,
    /// Probability of keeping each word under frequent-word subsampling.
    pub keep: &'a [f32],
    pub rows: &'a InputRows,
}

/// Trains `input` and `output` in place with `config.threads` Hogwild threads. Every thread
/// stops at its next progress report once the caller cancelled (see [`Progress::cancelled`]).
pub fn train(
    config: &TrainConfig,
    data: &Data,
    input: &SharedMatrix,
    output: &SharedMatrix,
    loss: &Loss,
    progress: &Progress,
) {
    let schedule = LinearDecay {
        lr0: config.learning_rate,
        total: data.tokens * config.epochs as u64,
    };
    let shards = shards(data.ids, config.threads);
    std::thread::scope(|scope| {
        for (t, shard) in shards.into_iter().enumerate() {
            let worker = Worker {
                config,
                data,
                input,
                output,
                loss,
                progress,
                schedule,
                reporter: t == 0,
            };
            scope.spawn(move || {
                worker.run(
                    shard,
                    State::new(config.vector_dim, thread_rng(config.seed, t)),
                )
            });
        }
    });
}

/// Splits `ids` into `n` contiguous pieces of about equal size, each ending at a sentence end.
fn shards(ids: &[u32], n: usize) -> Vec<&[u32]> {
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for t in 1..=n {
        let target = (ids.len() * t / n).max(start);
        let end = if t == n {
            ids.len()
        } else {
            ids[target..]
                .iter()
                .position(|&x| x == SENTENCE_END)
                .map_or(ids.len(), |p| target + p + 1)
        };
        out.push(&ids[start..end]);
        start = end;
    }
    out
}

struct Worker<'a> {
    config: &'a TrainConfig,
    data: &'a Data<'a>,
    input: &'a SharedMatrix,
    output: &'a SharedMatrix,
    loss: &'a Loss,
    progress: &'a Progress,
    schedule: LinearDecay,
    reporter: bool,
}

/// Loss accumulated since the last report.
#[derive(Default)]
struct Tally {
    tokens: u64,
    loss: f64,
    examples: u64,
}

impl Worker<'_> {
    fn run(&self, shard: &[u32], mut state: State) {
        let mut sentence = Vec::new();
        let mut scratch = Vec::new();
        let mut tally = Tally::default();
        let mut lr = self.schedule.at(self.progress.done());
        'epochs: for _ in 0..self.config.epochs {
            for line in shard.split(|&w| w == SENTENCE_END) {
                // Frequent-word subsampling happens before windows are formed, as in word2vec.
                sentence.clear();
                for &w in line {
                    if uniform01(&mut state.rng) < self.data.keep[w as usize] {
                        sentence.push(w);
                    }
                }
                match self.config.mode {
                    Mode::Cbow => self.cbow(&sentence, &mut scratch, &mut state, lr, &mut tally),
                    _ => self.skipgram(&sentence, &mut scratch, &mut state, lr, &mut tally),
                }
                tally.tokens += line.len() as u64;
                if tally.tokens >= REPORT_EVERY {
                    lr = self.publish(&mut tally);
                    // Checked only here, with the progress, so the inner loops stay as fast.
                    if self.progress.should_stop() {
                        break 'epochs;
                    }
                }
            }
        }
        self.publish(&mut tally);
    }

    /// Hands the tally to the shared progress and returns the learning rate for what is next.
    fn publish(&self, tally: &mut Tally) -> f32 {
        let done = self.progress.add(tally.tokens, tally.loss, tally.examples);
        *tally = Tally::default();
        let lr = self.schedule.at(done);
        if self.reporter {
            self.progress.report(lr);
        }
        lr
    }

    /// The dynamic window around `i`: a radius drawn uniformly from 1..=window_size.
    #[inline]
    fn window(&self, i: usize, len: usize, state: &mut State) -> (usize, usize) {
        let radius = 1 + below(&mut state.rng, self.config.window_size);
        (i.saturating_sub(radius), (i + radius + 1).min(len))
    }

    fn cbow(
        &self,
        sentence: &[u32],
        rows: &mut Vec<u32>,
        state: &mut State,
        lr: f32,
        tally: &mut Tally,
    ) {
        for i in 0..sentence.len() {
            let (lo, hi) = self.window(i, sentence.len(), state);
            rows.clear();
            for c in (lo..hi).filter(|&c| c != i) {
                rows.extend_from_slice(self.data.rows.of(sentence[c]));
            }
            if rows.is_empty() {
                continue;
            }
            self.input.average_rows(rows, &mut state.hidden);
            state.grad.fill(0.0);
            tally.loss += self.loss.forward(self.output, sentence, i, state, lr, true) as f64;
            tally.examples += 1;
            self.input.add_to_rows(rows, 1.0, &state.grad);
        }
    }

    fn skipgram(
        &self,
        sentence: &[u32],
        contexts: &mut Vec<u32>,
        state: &mut State,
        lr: f32,
        tally: &mut Tally,
    ) {
        for i in 0..sentence.len() {
            let (lo, hi) = self.window(i, sentence.len(), state);
            if hi - lo < 2 {
                continue;
            }
            let rows = self.data.rows.of(sentence[i]);
            match (self.config.mode, self.loss) {
                (Mode::BatchSkipgram, Loss::NegativeSampling(ns)) => {
                    // One hidden vector and one input update per centre word; contexts go in
                    // batches that share their negatives. Fast, slightly less accurate.
                    self.input.average_rows(rows, &mut state.hidden);
                    state.grad.fill(0.0);
                    contexts.clear();
                    contexts.extend_from_slice(&sentence[lo..i]);
                    contexts.extend_from_slice(&sentence[i + 1..hi]);
                    for batch in contexts.chunks(self.config.batch_size) {
                        let weight = batch.len() as f32;
                        tally.loss +=
                            ns.forward_shared(self.output, batch, weight, state, lr) as f64;
                        tally.examples += batch.len() as u64;
                    }
                    self.input.add_to_rows(rows, 1.0, &state.grad);
                }
                _ => {
                    // As word2vec and fastText: every (centre, context) pair sees the input rows
                    // as updated by the previous pair.
                    for c in (lo..hi).filter(|&c| c != i) {
                        self.input.average_rows(rows, &mut state.hidden);
                        state.grad.fill(0.0);
                        tally.loss +=
                            self.loss.forward(self.output, sentence, c, state, lr, true) as f64;
                        tally.examples += 1;
                        self.input.add_to_rows(rows, 1.0, &state.grad);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cut_at_sentence_ends_and_cover_everything() {
        let e = SENTENCE_END;
        let ids = [1, 2, e, 3, e, 4, 5, 6, e, 7, e];
        for n in 1..6 {
            let s = shards(&ids, n);
            assert_eq!(s.len(), n);
            assert_eq!(s.concat(), ids.to_vec());
            for piece in &s {
                assert!(piece.is_empty() || *piece.last().unwrap() == e);
            }
        }
        let two = shards(&ids, 2);
        assert_eq!(two[0], &[1, 2, e, 3, e, 4, 5, 6, e]);
    }

    #[test]
    fn input_rows_list_the_word_then_its_ngrams() {
        let rows = InputRows::build(["ab", "c"], |w, out| {
            out.extend(w.bytes().map(|b| 100 + b as u32));
        });
        assert_eq!(rows.starts.len(), 3, "two words");
        assert_eq!(rows.of(0), &[0, 100 + b'a' as u32, 100 + b'b' as u32]);
        assert_eq!(rows.of(1), &[1, 100 + b'c' as u32]);
    }
}
