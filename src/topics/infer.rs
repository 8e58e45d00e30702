//! Inference: SageMaker request bodies in, `topic_weights` out.
//!
//! Every output vector is non-negative and sums to 1 within 1e-6: the model's θ = softmax(μ) is
//! renormalised in f64. A document with no vocabulary word (empty, or only unknown words) gets the
//! uniform vector 1/K — the mean of the symmetric prior — rather than whatever the encoder makes
//! of a zero input.

use std::io::Write;
use std::path::Path;

use serde::Deserialize;

use super::bow::{check_count, Bow};
use super::ntm::Ntm;
use crate::{Error, Result};

/// Documents per inference batch (bounds memory; each batch runs in parallel inside).
pub(crate) const BATCH: usize = 4096;

/// How topic weights are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TopicWeightsFormat {
    /// `{"predictions": [{"topic_weights": [...]}, ...]}` (SageMaker's response).
    #[default]
    Json,
    /// One `{"topic_weights": [...]}` per line.
    Jsonl,
    /// One row of weights per line, no header.
    Csv,
}

/// Topic weights of every document, as f64 rows that sum to 1.
pub fn topic_weights(model: &Ntm, docs: &Bow) -> Vec<Vec<f64>> {
    let k = model.arch.n_topics;
    let rows: Vec<usize> = (0..docs.n_docs()).collect();
    let mut out = Vec::with_capacity(docs.n_docs());
    for chunk in rows.chunks(BATCH) {
        let batch = docs.select(chunk);
        let theta = model.topic_weights(&batch);
        for (d, row) in theta.rows().into_iter().enumerate() {
            if batch.doc(d).0.is_empty() {
                out.push(vec![1.0 / k as f64; k]);
                continue;
            }
            let sum: f64 = row.iter().map(|&v| v.max(0.0) as f64).sum();
            out.push(row.iter().map(|&v| v.max(0.0) as f64 / sum).collect());
        }
    }
    out
}

/// Writes topic weights batch by batch in one of the [`TopicWeightsFormat`]s, so that a long
/// stream of documents never has to be held at once; [`finish`](TopicWeightsWriter::finish)
/// closes the SageMaker JSON response.
///
/// ```
/// use blazetext::{TopicWeightsFormat, TopicWeightsWriter};
/// let mut writer = TopicWeightsWriter::new(Vec::new(), TopicWeightsFormat::Json);
/// writer.write(&[vec![0.25, 0.75]])?;
/// writer.write(&[vec![0.5, 0.5]])?;
/// let json = String::from_utf8(writer.finish()?).unwrap();
/// assert_eq!(
///     json,
///     "{\"predictions\":[{\"topic_weights\":[0.25,0.75]},{\"topic_weights\":[0.5,0.5]}]}\n"
/// );
/// # Ok::<(), blazetext::Error>(())
/// ```
#[derive(Debug)]
pub struct TopicWeightsWriter<W: Write> {
    out: W,
    format: TopicWeightsFormat,
    rows: usize,
}

impl<W: Write> TopicWeightsWriter<W> {
    /// A writer of `format` into `out`.
    pub fn new(out: W, format: TopicWeightsFormat) -> TopicWeightsWriter<W> {
        TopicWeightsWriter {
            out,
            format,
            rows: 0,
        }
    }

    /// Writes the next rows of weights.
    pub fn write(&mut self, weights: &[Vec<f64>]) -> Result<()> {
        for w in weights {
            match self.format {
                TopicWeightsFormat::Json => {
                    let separator: &[u8] = if self.rows == 0 {
                        b"{\"predictions\":["
                    } else {
                        b","
                    };
                    self.out.write_all(separator).map_err(io_error)?;
                    self.write_row_json(w)?;
                }
                TopicWeightsFormat::Jsonl => {
                    self.write_row_json(w)?;
                    self.out.write_all(b"\n").map_err(io_error)?;
                }
                TopicWeightsFormat::Csv => {
                    let row: Vec<String> = w.iter().map(|v| v.to_string()).collect();
                    writeln!(self.out, "{}", row.join(",")).map_err(io_error)?;
                }
            }
            self.rows += 1;
        }
        Ok(())
    }

    /// Closes the output (the JSON response's end), flushes it, and hands it back.
    pub fn finish(mut self) -> Result<W> {
        if self.format == TopicWeightsFormat::Json {
            let open: &[u8] = if self.rows == 0 {
                b"{\"predictions\":["
            } else {
                b""
            };
            self.out.write_all(open).map_err(io_error)?;
            self.out.write_all(b"]}\n").map_err(io_error)?;
        }
        self.out.flush().map_err(io_error)?;
        Ok(self.out)
    }

    fn write_row_json(&mut self, weights: &[f64]) -> Result<()> {
        serde_json::to_writer(
            &mut self.out,
            &serde_json::json!({ "topic_weights": weights }),
        )
        .map_err(|e| io_error(e.into()))
    }
}

fn io_error(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Instance {
    Dense { features: Vec<f64> },
    Sparse { data: SparseWrapper },
}

#[derive(Deserialize)]
struct SparseWrapper {
    features: Sparse,
}

#[derive(Deserialize)]
struct Sparse {
    keys: Vec<u64>,
    shape: Vec<u64>,
    values: Vec<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Request {
    Instances { instances: Vec<Instance> },
    Single(Sparse),
}

/// True when `text` looks like a SageMaker JSON request body rather than JSON lines of documents.
pub fn is_json_request(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && serde_json::from_str::<serde_json::Value>(text)
            .map(|v| v.get("instances").is_some() || v.get("keys").is_some())
            .unwrap_or(false)
}

/// Parses a SageMaker JSON request: `{"instances": [{"features": [dense counts]}, ...]}`,
/// `{"instances": [{"data": {"features": {"keys", "shape", "values"}}}, ...]}` or one sparse
/// `{"keys", "shape", "values"}` object.
pub fn parse_json_request(text: &str, path: &Path, n_words: usize) -> Result<Bow> {
    let req: Request = serde_json::from_str(text).map_err(|e| {
        Error::input(
            path,
            Some(e.line() as u64),
            format!(
                "not a SageMaker request ({e}); expected {{\"instances\": [{{\"features\": [...]}}]}} \
                 or {{\"keys\": [...], \"shape\": [...], \"values\": [...]}}"
            ),
        )
    })?;
    let instances: Vec<Sparse> = match req {
        Request::Single(s) => vec![s],
        Request::Instances { instances } => instances
            .into_iter()
            .map(|i| match i {
                Instance::Dense { features } => {
                    let keys = (0..features.len() as u64).collect();
                    Sparse {
                        keys,
                        shape: vec![features.len() as u64],
                        values: features,
                    }
                }
                Instance::Sparse { data } => data.features,
            })
            .collect(),
    };
    let mut bow = Bow::new(n_words);
    let mut pairs = Vec::new();
    for (i, s) in instances.into_iter().enumerate() {
        let what = format!("instance {}", i + 1);
        if s.shape.first().copied() != Some(n_words as u64) || s.keys.len() != s.values.len() {
            return Err(Error::input(
                path,
                None,
                format!(
                    "{what}: shape {:?} with {} keys and {} values; the model expects {n_words} \
                     features and one value per key",
                    s.shape,
                    s.keys.len(),
                    s.values.len()
                ),
            ));
        }
        pairs.clear();
        for (&k, &v) in s.keys.iter().zip(&s.values) {
            if k >= n_words as u64 {
                return Err(Error::input(
                    path,
                    None,
                    format!("{what}: key {k} is outside the {n_words} features"),
                ));
            }
            pairs.push((k as u32, check_count(v as f32, path, None, &what)?));
        }
        bow.push_counts(&mut pairs);
    }
    Ok(bow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::linalg;
    use crate::topics::train::tests::config;

    #[test]
    fn weights_sum_to_one_and_empty_docs_are_uniform() {
        let m = Ntm::new(config(1).arch, &mut linalg::rng(1)).unwrap();
        let mut docs = Bow::new(10);
        docs.push_counts(&mut [(1, 3.0), (7, 1.0)]);
        docs.push_counts(&mut []);
        docs.push_counts(&mut [(0, 1000.0)]);
        let w = topic_weights(&m, &docs);
        for row in &w {
            assert!(row.iter().all(|&v| v >= 0.0));
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        assert_eq!(w[1], vec![0.5, 0.5]);
    }

    #[test]
    fn json_requests_dense_and_sparse() {
        let p = Path::new("req.json");
        let dense = r#"{"instances": [{"features": [0, 2, 0, 1]}, {"features": [1, 0, 0, 0]}]}"#;
        assert!(is_json_request(dense));
        let b = parse_json_request(dense, p, 4).unwrap();
        assert_eq!(b.n_docs(), 2);
        assert_eq!(b.doc(0), (&[1u32, 3][..], &[2.0f32, 1.0][..]));
        let sparse = r#"{"instances": [{"data": {"features": {"keys": [3, 0], "shape": [4], "values": [1, 5]}}}]}"#;
        let b = parse_json_request(sparse, p, 4).unwrap();
        assert_eq!(b.doc(0), (&[0u32, 3][..], &[5.0f32, 1.0][..]));
        let single = r#"{"keys": [2], "shape": [4], "values": [2.5]}"#;
        assert!(is_json_request(single));
        assert_eq!(parse_json_request(single, p, 4).unwrap().doc(0).1, &[2.5]);
        assert!(!is_json_request(r#"{"text": "a document"}"#));
    }

    #[test]
    fn json_requests_reject_bad_counts_and_shapes() {
        let p = Path::new("req.json");
        for (body, needle) in [
            (
                r#"{"instances": [{"features": [0, -1, 0, 1]}]}"#,
                "count -1 is invalid",
            ),
            (
                r#"{"instances": [{"features": [0, 1, 0]}]}"#,
                "expects 4 features",
            ),
            (
                r#"{"keys": [9], "shape": [4], "values": [1]}"#,
                "key 9 is outside",
            ),
            (
                r#"{"keys": [1, 2], "shape": [4], "values": [1]}"#,
                "one value per key",
            ),
            (r#"{"instances": 3}"#, "not a SageMaker request"),
        ] {
            let e = parse_json_request(body, p, 4).unwrap_err().to_string();
            assert!(e.contains(needle), "{body}: {e}");
        }
    }

    fn written(weights: &[Vec<f64>], format: TopicWeightsFormat) -> String {
        let mut writer = TopicWeightsWriter::new(Vec::new(), format);
        for row in weights {
            writer.write(std::slice::from_ref(row)).unwrap();
        }
        String::from_utf8(writer.finish().unwrap()).unwrap()
    }

    #[test]
    fn output_formats() {
        let w = vec![vec![0.25, 0.75], vec![0.5, 0.5]];
        let json = written(&w, TopicWeightsFormat::Json);
        let preds: Vec<_> = w
            .iter()
            .map(|w| serde_json::json!({ "topic_weights": w }))
            .collect();
        // Streamed, the response is what serialising it whole gives.
        assert_eq!(
            json,
            serde_json::json!({ "predictions": preds }).to_string() + "\n"
        );
        assert_eq!(
            written(&[], TopicWeightsFormat::Json),
            "{\"predictions\":[]}\n"
        );
        assert_eq!(
            written(&w, TopicWeightsFormat::Jsonl),
            "{\"topic_weights\":[0.25,0.75]}\n{\"topic_weights\":[0.5,0.5]}\n"
        );
        assert_eq!(written(&w, TopicWeightsFormat::Csv), "0.25,0.75\n0.5,0.5\n");
    }
}
