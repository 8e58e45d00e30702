//! Prediction and evaluation over files, in parallel chunks with output in input order.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::classify::metrics::{format_significant, PrecisionAtK, Tally};
use crate::classify::model::{Classifier, LineBuffers};
use crate::corpus::Corpus;
use crate::{Error, Result};

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

/// Output layout of `predict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// fastText: `__label__a __label__b`
    Labels,
    /// fastText `predict-prob`: `__label__a 0.9 __label__b 0.1`
    Probabilities,
    /// `{"label": [...], "prob": [...]}` per line (BlazingText's response shape)
    Json,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    label: Vec<&'a str>,
    prob: Vec<f32>,
}

/// Predicts every line of `input` (`-` = stdin) and writes one output line per input line.
/// Returns the number of lines.
pub fn predict_file(
    model: &Classifier,
    input: &Path,
    k: TopK,
    threshold: f32,
    format: Format,
    out: &mut impl Write,
) -> Result<u64> {
    let corpus = Corpus::open(&[input.to_path_buf()])?;
    let processor = model.pipeline.processor()?;
    let k = k.count(model.vocab.labels().len());
    let labels = model.vocab.labels();
    let mut lines = 0u64;
    corpus.par_map_chunks_with(
        || {
            (
                processor.clone(),
                LineBuffers::default(),
                Vec::new(),
                Vec::new(),
            )
        },
        |(processor, b, hidden, scratch), chunk| {
            let mut text = String::with_capacity(chunk.text.len() / 8);
            let mut n = 0u64;
            for (_, line) in chunk.lines() {
                n += 1;
                model.spec.encode_line(&model.vocab, processor, line, b);
                let p = model.predict_rows(&b.rows, k, threshold, hidden, scratch);
                match format {
                    Format::Labels | Format::Probabilities => {
                        for (i, &(prob, l)) in p.iter().enumerate() {
                            if i > 0 {
                                text.push(' ');
                            }
                            text.push_str(&labels[l as usize].text);
                            if format == Format::Probabilities {
                                text.push(' ');
                                text.push_str(&format_significant(f64::from(prob), 6));
                            }
                        }
                    }
                    Format::Json => {
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
            (text, n)
        },
        |(text, n)| {
            lines += n;
            out.write_all(text.as_bytes())
                .map_err(|e| Error::io("<stdout>", e))
        },
    )?;
    out.flush().map_err(|e| Error::io("<stdout>", e))?;
    Ok(lines)
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

/// Predicts every labelled line of `input` and scores the predictions.
pub fn evaluate(model: &Classifier, input: &Path, k: TopK, threshold: f32) -> Result<Evaluation> {
    let corpus = Corpus::open(&[input.to_path_buf()])?;
    let processor = model.pipeline.processor()?;
    let kk = k.count(model.vocab.labels().len());
    let labels = model.vocab.labels();
    let names = model.labels();
    let mut total = Evaluation {
        fasttext: PrecisionAtK::default(),
        tally: Tally::new(&names),
        unlabelled: 0,
        only_unseen: 0,
    };
    corpus.par_map_chunks_with(
        || {
            (
                processor.clone(),
                LineBuffers::default(),
                Vec::new(),
                Vec::new(),
            )
        },
        |(processor, b, hidden, scratch), chunk| {
            let mut part = (PrecisionAtK::default(), 0u64, 0u64);
            let mut pairs: Vec<(Vec<String>, Vec<String>)> = Vec::new();
            for (_, line) in chunk.lines() {
                if line.trim().is_empty() {
                    continue;
                }
                model.spec.encode_line(&model.vocab, processor, line, b);
                if b.label_texts.is_empty() {
                    part.1 += 1;
                    continue;
                }
                let p = model.predict_rows(&b.rows, kk, threshold, hidden, scratch);
                let ids: Vec<u32> = p.iter().map(|&(_, l)| l).collect();
                if b.labels.is_empty() {
                    part.2 += 1;
                } else {
                    part.0.add(&b.labels, &ids);
                }
                let predicted = ids
                    .iter()
                    .map(|&l| labels[l as usize].text.clone())
                    .collect();
                pairs.push((b.label_texts.clone(), predicted));
            }
            (part, pairs)
        },
        |(part, pairs)| {
            total.fasttext.merge(&part.0);
            total.unlabelled += part.1;
            total.only_unseen += part.2;
            // The tally is filled here, in input order, so label order is deterministic.
            for (g, p) in &pairs {
                total.tally.add(g, p);
            }
            Ok(())
        },
    )?;
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
