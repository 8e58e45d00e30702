//! Prediction and evaluation over files, in parallel chunks with output in input order.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::classify::metrics::{format_significant, PrecisionAtK, Tally};
use crate::classify::model::{Classifier, LineBuffers, Rows};
use crate::corpus::Chunk;
use crate::corpus::Corpus;
use crate::events::Reporter;
use crate::model::SharedMatrix;
use crate::text::Processor;
use crate::{Error, Result};
use rayon::prelude::*;

/// How many labels to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopK {
    All,
    Top(usize),
}

impl TopK {
    /// `-k`: a positive number, or -1 for all labels; 0 and other negatives are errors.
    pub fn parse(k: i64) -> Result<TopK> {
        match k {
            -1 => Ok(TopK::All),
            k if k >= 1 => Ok(TopK::Top(k as usize)),
            k => Err(Error::config(format!(
                "-k {k}: give the number of labels to return (1 or more), or -1 for all labels"
            ))),
        }
    }

    pub fn count(self, labels: usize) -> usize {
        match self {
            TopK::All => labels,
            TopK::Top(k) => k.min(labels),
        }
    }

    /// The value as fastText prints it in `P@k`.
    pub fn as_i64(self) -> i64 {
        match self {
            TopK::All => -1,
            TopK::Top(k) => k as i64,
        }
    }
}

/// Checks a probability threshold.
pub fn check_threshold(t: f32) -> Result<f32> {
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(Error::config(format!(
            "--threshold {t} is not a probability: give a number between 0 and 1"
        )))
    }
}

/// How [`Classifier::predict_file`](crate::Classifier::predict_file) writes each line's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredictionFormat {
    /// fastText's `predict`: `__label__a __label__b`
    Labels,
    /// fastText's `predict-prob`: `__label__a 0.9 __label__b 0.1` (6 significant digits)
    Probabilities,
    /// `{"label": [...], "prob": [...]}` per line (BlazingText's response shape)
    Json,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    label: Vec<&'a str>,
    prob: Vec<f32>,
}

/// Lines encoded once (input rows in CSR form) with, for evaluation, their labels.
#[derive(Default)]
struct Batch {
    rows: Vec<u32>,
    starts: Vec<usize>,
    /// Known label ids per line (evaluation only).
    known: Vec<Vec<u32>>,
    /// All label tokens per line (evaluation only).
    texts: Vec<Vec<String>>,
    unlabelled: u64,
}

impl Batch {
    fn line(&self, i: usize) -> &[u32] {
        &self.rows[self.starts[i]..self.starts[i + 1]]
    }

    fn lines(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
}

/// Encodes every line of `input` in parallel (evaluation: only lines with labels), then reads
/// just the input rows those lines use and renumbers the lines' ids to match.
fn encode_and_load<'m>(
    model: &'m Classifier,
    input: &Path,
    evaluation: bool,
) -> Result<(Vec<Batch>, Rows<'m>)> {
    let corpus = Corpus::open(&[input.to_path_buf()], &Reporter::silent())?;
    let mut batches = Vec::new();
    corpus.par_map_chunks_with(
        || (model.processor.clone(), LineBuffers::default()),
        |(processor, b), chunk| encode_chunk(model, processor, b, chunk, evaluation),
        |batch| {
            batches.push(batch);
            Ok(())
        },
    )?;
    let mut needed: Vec<u32> = batches
        .iter()
        .flat_map(|b| b.rows.iter().copied())
        .collect();
    needed.par_sort_unstable();
    needed.dedup();
    let rows = model.input.rows(&needed)?;
    if let Rows::Only(_) = rows {
        batches.par_iter_mut().for_each(|b| {
            for id in &mut b.rows {
                // Every id is in `needed` by construction.
                *id = needed.binary_search(id).unwrap_or_default() as u32;
            }
        });
    }
    Ok((batches, rows))
}

/// The lines of one chunk, encoded; for `evaluation`, blank lines are skipped and lines without
/// a label counted apart.
fn encode_chunk(
    model: &Classifier,
    processor: &mut Processor,
    b: &mut LineBuffers,
    chunk: &Chunk,
    evaluation: bool,
) -> Batch {
    let mut batch = Batch {
        starts: vec![0],
        ..Batch::default()
    };
    for (_, line) in chunk.lines() {
        if evaluation && line.trim().is_empty() {
            continue;
        }
        model.spec.encode_line(&model.vocab, processor, line, b);
        if evaluation {
            if b.label_texts.is_empty() {
                batch.unlabelled += 1;
                continue;
            }
            batch.known.push(b.labels.clone());
            batch.texts.push(std::mem::take(&mut b.label_texts));
        }
        batch.rows.extend_from_slice(&b.rows);
        batch.starts.push(batch.rows.len());
    }
    batch
}

fn matrix<'a>(rows: &'a Rows<'_>) -> &'a SharedMatrix {
    match rows {
        Rows::All(m) => m,
        Rows::Only(m) => m,
    }
}

/// Lines per parallel task: a file smaller than one read chunk (one batch) still uses every
/// thread.
const LINES_PER_TASK: usize = 256;

/// Predicts every line of `batches` in parallel and maps each prediction with `f`; results
/// keep the input order, one vector per batch.
fn predict_lines<T: Send>(
    model: &Classifier,
    input: &SharedMatrix,
    batches: &[Batch],
    k: usize,
    threshold: f32,
    f: impl Fn(&[(f32, u32)]) -> T + Sync,
) -> Vec<Vec<T>> {
    batches
        .iter()
        .map(|batch| {
            (0..batch.lines())
                .into_par_iter()
                .with_min_len(LINES_PER_TASK)
                .map_init(
                    || (Vec::new(), Vec::new()),
                    |(hidden, scratch), i| {
                        f(
                            &model.predict_rows(
                                input,
                                batch.line(i),
                                k,
                                threshold,
                                hidden,
                                scratch,
                            ),
                        )
                    },
                )
                .collect()
        })
        .collect()
}

fn format_line(model: &Classifier, p: &[(f32, u32)], format: PredictionFormat, text: &mut String) {
    let labels = model.vocab.labels();
    match format {
        PredictionFormat::Labels | PredictionFormat::Probabilities => {
            for (i, &(prob, l)) in p.iter().enumerate() {
                if i > 0 {
                    text.push(' ');
                }
                text.push_str(&labels[l as usize].text);
                if format == PredictionFormat::Probabilities {
                    text.push(' ');
                    text.push_str(&format_significant(f64::from(prob), 6));
                }
            }
        }
        PredictionFormat::Json => {
            let line = JsonLine {
                label: p
                    .iter()
                    .map(|&(_, l)| labels[l as usize].text.as_str())
                    .collect(),
                prob: p.iter().map(|&(prob, _)| prob).collect(),
            };
            text.push_str(&serde_json::to_string(&line).unwrap_or_default());
        }
    }
    text.push('\n');
}

/// Predicts every line of `input` and writes one output line per input line. A file is encoded
/// first so that only the input rows it needs are read from a model left on disk; stdin (`-`)
/// is streamed chunk by chunk with the whole model loaded, so answers come as lines arrive.
pub fn predict_file(
    model: &Classifier,
    input: &Path,
    k: TopK,
    threshold: f32,
    format: PredictionFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let k = k.count(model.vocab.labels().len());
    let write = |out: &mut dyn Write, text: &str| {
        out.write_all(text.as_bytes())
            .map_err(|e| Error::io("<stdout>", e))
    };
    if input == Path::new("-") {
        let matrix = model.input.all()?;
        Corpus::open(&[input.to_path_buf()], &Reporter::silent())?.par_map_chunks_with(
            || {
                (
                    model.processor.clone(),
                    LineBuffers::default(),
                    Vec::new(),
                    Vec::new(),
                )
            },
            |(processor, b, hidden, scratch), chunk| {
                let mut text = String::with_capacity(chunk.text.len() / 8);
                for (_, line) in chunk.lines() {
                    model.spec.encode_line(&model.vocab, processor, line, b);
                    let p = model.predict_rows(matrix, &b.rows, k, threshold, hidden, scratch);
                    format_line(model, &p, format, &mut text);
                }
                text
            },
            |text| write(out, &text),
        )?;
    } else {
        let (batches, rows) = encode_and_load(model, input, false)?;
        let texts = predict_lines(model, matrix(&rows), &batches, k, threshold, |p| {
            let mut text = String::new();
            format_line(model, p, format, &mut text);
            text
        });
        for lines in &texts {
            write(out, &lines.concat())?;
        }
    }
    out.flush().map_err(|e| Error::io("<stdout>", e))
}

/// Results of evaluating a model on a labelled file.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// fastText's `test` figures (labels the model does not know are left out, as fastText does).
    pub fasttext: PrecisionAtK,
    /// The scikit-learn-style figures (every gold label counts, known or not).
    pub tally: Tally,
    /// Non-blank lines without any label token (skipped).
    pub unlabelled: u64,
    /// Lines whose labels are all unknown to the model: fastText's `test` skips them.
    pub only_unseen: u64,
}

impl Evaluation {
    /// Adds one batch of lines and their predicted label ids.
    fn score(&mut self, model: &Classifier, batch: &Batch, predicted: &[Vec<u32>]) {
        let labels = model.vocab.labels();
        self.unlabelled += batch.unlabelled;
        self.tally.skip_unlabelled(batch.unlabelled);
        for ((known, texts), ids) in batch.known.iter().zip(&batch.texts).zip(predicted) {
            if known.is_empty() {
                self.only_unseen += 1;
            } else {
                self.fasttext.add(known, ids);
            }
            let predicted: Vec<&str> = ids
                .iter()
                .map(|&l| labels[l as usize].text.as_str())
                .collect();
            self.tally.add(texts, &predicted);
        }
    }
}

/// Predicts every labelled line of `input` and scores the predictions. A file large next to
/// the input matrix streams: the whole matrix is read once and the lines chunk by chunk, so
/// memory stays flat however long the file; a smaller one is encoded whole first, so that only
/// the matrix rows its lines use are read.
pub fn evaluate(model: &Classifier, input: &Path, k: TopK, threshold: f32) -> Result<Evaluation> {
    let input_bytes = std::fs::metadata(input).map_or(0, |m| m.len());
    // Encoding a whole file costs about 16 bytes of memory per byte of text.
    let streams = input == Path::new("-") || input_bytes.saturating_mul(16) > model.input.bytes();
    evaluate_with(model, input, k, threshold, streams)
}

pub(crate) fn evaluate_with(
    model: &Classifier,
    input: &Path,
    k: TopK,
    threshold: f32,
    streams: bool,
) -> Result<Evaluation> {
    let mut total = Evaluation {
        fasttext: PrecisionAtK::default(),
        tally: Tally::new(&model.labels()).scored_with(k.as_i64(), threshold),
        unlabelled: 0,
        only_unseen: 0,
    };
    let k = k.count(model.vocab.labels().len());
    let label_ids = |p: &[(f32, u32)]| -> Vec<u32> { p.iter().map(|&(_, l)| l).collect() };
    if streams {
        let matrix = model.input.all()?;
        Corpus::open(&[input.to_path_buf()], &Reporter::silent())?.par_map_chunks_with(
            || (model.processor.clone(), LineBuffers::default()),
            |(processor, b), chunk| {
                let batch = encode_chunk(model, processor, b, chunk, true);
                let batches = std::slice::from_ref(&batch);
                let ids = predict_lines(model, matrix, batches, k, threshold, label_ids);
                (batch, ids.into_iter().next().unwrap_or_default())
            },
            |(batch, ids)| {
                total.score(model, &batch, &ids);
                Ok(())
            },
        )?;
    } else {
        let (batches, rows) = encode_and_load(model, input, true)?;
        let predictions = predict_lines(model, matrix(&rows), &batches, k, threshold, label_ids);
        // Scored in input order, so the report's label table is deterministic.
        for (batch, ids) in batches.iter().zip(&predictions) {
            total.score(model, batch, ids);
        }
    }
    if total.tally.examples() == 0 {
        return Err(Error::input(
            input,
            None,
            format!(
                "no line with a label (a token starting with `{}`): nothing to evaluate",
                model.pipeline.label_prefix
            ),
        ));
    }
    Ok(total)
}
