//! Topic-model requests: NTM's shapes on `/invocations` (dense CSV rows, JSON dense or sparse
//! features, JSON Lines, RecordIO-protobuf) plus raw text, and `/topics`.

use std::fmt::Write;

use serde::Serialize;
use serde_json::{json, Value};

use super::answer::{json_line, json_reply, to_json};
use super::instances::{self, own_route_object};
use super::media::invocation_formats;
use super::recordio::{self, Tensor};
use super::{Format, Reply, Request, RequestError};
use crate::{CountRows, TopicModel};

/// One document of a request: text for the model's pipeline, or word counts.
enum Document<'a> {
    Text(&'a str),
    Dense(Vec<f32>),
    Sparse { ids: Vec<u32>, counts: Vec<f32> },
}

#[derive(Serialize)]
struct TopicWeights<'a> {
    topic_weights: &'a [f64],
}

/// `POST /invocations` → `{"predictions": [{"topic_weights": [...]}, ...]}` (JSON), one
/// `{"topic_weights": [...]}` per line (JSON Lines) or one row of weights per line (CSV).
pub(super) fn invocations(model: &TopicModel, request: &Request) -> Result<Reply, RequestError> {
    const READS: [Format; 5] = [
        Format::Json,
        Format::JsonLines,
        Format::Csv,
        Format::Text,
        Format::RecordIo,
    ];
    let (format, answer) =
        invocation_formats(request.content_type, request.accept, &READS, Format::Json)?;
    let width = model.vocabulary().len();
    let parsed;
    let documents: Vec<Document> = match format {
        Format::Json => {
            parsed = instances::json(request.body)?;
            let items = instances::json_instances(&parsed)?;
            indexed(items.iter().map(|item| json_document(item, width)))?
        }
        Format::JsonLines => {
            parsed = Value::Array(instances::json_lines(request.body)?);
            let records = parsed.as_array().map_or(&[][..], Vec::as_slice);
            indexed(records.iter().map(|record| json_document(record, width)))?
        }
        Format::Csv => indexed(instances::lines(request.body)?.into_iter().map(csv_row))?,
        Format::Text => instances::lines(request.body)?
            .into_iter()
            .map(Document::Text)
            .collect(),
        _ => indexed(
            recordio::read(request.body)?
                .into_iter()
                .map(|features| record_document(features, width)),
        )?,
    };
    instances::check_count(documents.len(), request.max_instances)?;
    let weights = infer(model, &documents)?;
    let answers = weights.iter().map(|w| TopicWeights { topic_weights: w });
    let body = match answer {
        Format::Json => to_json(&json!({ "predictions": answers.collect::<Vec<_>>() })),
        Format::JsonLines => answers.flat_map(|a| json_line(&a)).collect(),
        _ => weights.iter().flat_map(|w| weights_row(w)).collect(),
    };
    Ok(Reply {
        content_type: answer.media_type(),
        body,
        instances: documents.len(),
    })
}

/// `POST /topics`: `{"instances": [text, ...]}` → topic weights as on `/invocations`; or
/// `{"top_words": 10, "relevance": 0.6}` → `{"topics": [[{"word": ..., "weight": ...}, ...]]}`.
pub(super) fn topics(model: &TopicModel, request: &Request) -> Result<Reply, RequestError> {
    let object = own_route_object(request)?;
    if object.contains_key("instances") {
        let texts = instances::strings(&object, "instances")?;
        instances::check_count(texts.len(), request.max_instances)?;
        let weights = model.infer(&texts).map_err(RequestError::model)?;
        let answers: Vec<_> = weights
            .iter()
            .map(|w| TopicWeights { topic_weights: w })
            .collect();
        return Ok(json_reply(&json!({ "predictions": answers }), texts.len()));
    }
    let n = instances::count(object.get("top_words"), "top_words", 10)?;
    let relevance = match object.get("relevance") {
        None => None,
        Some(value) => Some(value.as_f64().ok_or_else(|| {
            RequestError::parameter("relevance", "relevance must be a number between 0 and 1")
        })? as f32),
    };
    let n = n.min(model.vocabulary().len());
    let topics = model
        .top_words(n, relevance)
        .map_err(|e| RequestError::model(e).field("relevance"))?;
    let topics: Vec<Vec<Value>> = topics
        .iter()
        .map(|words| {
            words
                .iter()
                .map(|w| json!({"word": w.word, "weight": w.weight}))
                .collect()
        })
        .collect();
    Ok(json_reply(&json!({ "topics": topics }), 1))
}

/// Collects documents, naming the first bad one.
fn indexed<'a>(
    documents: impl Iterator<Item = Result<Document<'a>, RequestError>>,
) -> Result<Vec<Document<'a>>, RequestError> {
    documents
        .enumerate()
        .map(|(i, d)| d.map_err(|e| e.at(i)))
        .collect()
}

/// The topic weights of every document, in order: texts through the pipeline, counts as they
/// are.
fn infer(model: &TopicModel, documents: &[Document]) -> Result<Vec<Vec<f64>>, RequestError> {
    let mut texts = Vec::new();
    let mut rows = CountRows::new(model.vocabulary().len());
    for (i, document) in documents.iter().enumerate() {
        let pushed = match document {
            Document::Text(text) => {
                texts.push(*text);
                Ok(())
            }
            Document::Dense(row) => rows.push_dense(row),
            Document::Sparse { ids, counts } => rows.push_sparse(ids, counts),
        };
        pushed.map_err(|e| RequestError::invalid(e.to_string()).at(i).field("features"))?;
    }
    let mut from_text = model
        .infer(&texts)
        .map_err(|e| RequestError::model(e).field("instances"))?
        .into_iter();
    let mut from_counts = if rows.is_empty() {
        Vec::new()
    } else {
        model.infer_bow(&rows).map_err(RequestError::model)?
    }
    .into_iter();
    Ok(documents
        .iter()
        .filter_map(|d| match d {
            Document::Text(_) => from_text.next(),
            _ => from_counts.next(),
        })
        .collect())
}

/// A JSON instance: text, an array of counts, `{"features": [...]}`, `{"features": {"keys",
/// "shape", "values"}}` or NTM's sparse `{"data": {"features": {...}}}`.
fn json_document(value: &Value, width: usize) -> Result<Document<'_>, RequestError> {
    let features = match value {
        Value::String(text) => return Ok(Document::Text(text)),
        Value::Array(_) => value,
        Value::Object(object) => {
            if let Some(text) = object.get("source").or_else(|| object.get("text")) {
                return instances::text(text, "source").map(Document::Text);
            }
            object
                .get("features")
                .or_else(|| object.get("data").and_then(|d| d.get("features")))
                .ok_or_else(|| {
                    RequestError::invalid(
                        "an instance must be text, {\"features\": [counts]} or \
                         {\"data\": {\"features\": {\"keys\", \"shape\", \"values\"}}}",
                    )
                    .field("features")
                })?
        }
        other => {
            return Err(RequestError::invalid(format!(
                "an instance must be text or word counts, not {}",
                instances::describe(other)
            )))
        }
    };
    match features {
        Value::Array(counts) => Ok(Document::Dense(numbers(counts, "features")?)),
        Value::Object(sparse) => {
            let field = |name: &str| {
                sparse.get(name).and_then(Value::as_array).ok_or_else(|| {
                    RequestError::invalid(format!("sparse features need a {name:?} array"))
                        .field(format!("features.{name}"))
                })
            };
            let keys = field("keys")?
                .iter()
                .map(|k| k.as_u64().ok_or(()))
                .collect::<Result<Vec<u64>, ()>>()
                .map_err(|()| {
                    RequestError::invalid("keys must be whole numbers ≥ 0 (word ids)")
                        .field("features.keys")
                })?;
            let shape = match sparse.get("shape") {
                None => Vec::new(),
                Some(_) => field("shape")?.iter().filter_map(Value::as_u64).collect(),
            };
            let values = numbers(field("values")?, "features.values")?;
            sparse_document(keys, values, &shape, width)
        }
        other => Err(RequestError::invalid(format!(
            "features must be an array of counts or a sparse object, not {}",
            instances::describe(other)
        ))
        .field("features")),
    }
}

/// A RecordIO record: its `values` feature (or its only one).
fn record_document(
    features: Vec<(String, Tensor)>,
    width: usize,
) -> Result<Document<'static>, RequestError> {
    let single = features.len() == 1;
    let tensor = features
        .into_iter()
        .find(|(name, _)| single || name == "values")
        .map(|(_, tensor)| tensor)
        .ok_or_else(|| {
            RequestError::invalid("the record has no \"values\" feature").field("values")
        })?;
    match tensor.keys {
        None => Ok(Document::Dense(tensor.values)),
        Some(keys) => sparse_document(keys, tensor.values, &tensor.shape, width),
    }
}

fn sparse_document(
    keys: Vec<u64>,
    counts: Vec<f32>,
    shape: &[u64],
    width: usize,
) -> Result<Document<'static>, RequestError> {
    if let Some(&declared) = shape.first() {
        if declared != width as u64 {
            return Err(RequestError::invalid(format!(
                "the shape says {declared} words, but the model's vocabulary has {width}"
            ))
            .field("features.shape"));
        }
    }
    let ids = keys
        .iter()
        .map(|&k| u32::try_from(k).ok().filter(|&id| (id as usize) < width))
        .collect::<Option<Vec<u32>>>()
        .ok_or_else(|| {
            let bad = keys
                .iter()
                .find(|&&k| k >= width as u64)
                .copied()
                .unwrap_or(0);
            RequestError::invalid(format!(
                "key {bad} is past the vocabulary (word ids go from 0 to {})",
                width.saturating_sub(1)
            ))
            .field("features.keys")
        })?;
    Ok(Document::Sparse { ids, counts })
}

fn numbers(values: &[Value], field: &str) -> Result<Vec<f32>, RequestError> {
    values
        .iter()
        .enumerate()
        .map(|(column, value)| {
            value.as_f64().map(|x| x as f32).ok_or_else(|| {
                RequestError::invalid(format!(
                    "value {column} is {}, not a count",
                    instances::describe(value)
                ))
                .field(field)
            })
        })
        .collect()
}

/// A dense CSV row of counts.
fn csv_row(line: &str) -> Result<Document<'static>, RequestError> {
    line.split(',')
        .enumerate()
        .map(|(column, cell)| {
            cell.trim().parse::<f32>().map_err(|_| {
                RequestError::new(
                    400,
                    "InvalidCsv",
                    format!("column {column} is {cell:?}, not a number; send one row of word counts per document"),
                )
                .field(format!("column {column}"))
            })
        })
        .collect::<Result<Vec<f32>, _>>()
        .map(Document::Dense)
}

/// One CSV row of topic weights.
fn weights_row(weights: &[f64]) -> Vec<u8> {
    let mut row = String::new();
    for (i, w) in weights.iter().enumerate() {
        let _ = write!(row, "{}{w}", if i == 0 { "" } else { "," });
    }
    row.push('\n');
    row.into_bytes()
}
