//! Word-vector requests: BlazingText's word2vec shape on `/invocations`, and `/vectors`, `/nn`,
//! `/analogy`, `/similarity`.

use std::fmt::Write;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::answer::{csv_field, json_line, json_reply, to_json};
use super::instances::{self, each, own_route_object};
use super::media::invocation_formats;
use super::{Format, Reply, Request, RequestError};
use crate::{AnalogyMethod, Neighbour, WordVectors};

/// How `/vectors` gets the vector of one item.
type VectorOf = fn(&WordVectors, &str) -> crate::Result<Vec<f32>>;

/// BlazingText's answer for one word.
#[derive(Serialize)]
struct WordVector<'a> {
    word: &'a str,
    vector: Vec<f32>,
}

/// `POST /invocations`: `{"instances": ["word", ...]}`, JSON Lines `{"source": "word"}`, or one
/// word per line → `[{"word": ..., "vector": [...]}]`. A word goes through the model's pipeline
/// (a phrase gets its averaged vector); one with no vector (unknown, and no subwords) gets
/// zeros, as BlazingText answers.
pub(super) fn invocations(model: &WordVectors, request: &Request) -> Result<Reply, RequestError> {
    const READS: [Format; 4] = [Format::Json, Format::JsonLines, Format::Csv, Format::Text];
    let (format, answer) = invocation_formats(
        request.content_type,
        request.accept,
        &READS,
        Format::JsonLines,
    )?;
    let parsed;
    let csv_words: Vec<String>;
    let words: Vec<&str> = match format {
        Format::Json => {
            parsed = instances::json(request.body)?;
            let items = instances::json_instances(&parsed)?;
            items
                .iter()
                .enumerate()
                .map(|(i, item)| instances::text(item, "instances").map_err(|e| e.at(i)))
                .collect::<Result<_, _>>()?
        }
        Format::JsonLines => {
            parsed = Value::Array(instances::json_lines(request.body)?);
            let records = parsed.as_array().map_or(&[][..], Vec::as_slice);
            records
                .iter()
                .enumerate()
                .map(|(i, record)| instances::source(record, "word").map_err(|e| e.at(i)))
                .collect::<Result<_, _>>()?
        }
        Format::Csv => {
            csv_words = instances::lines(request.body)?
                .into_iter()
                .map(instances::csv_text)
                .collect();
            csv_words.iter().map(String::as_str).collect()
        }
        _ => instances::lines(request.body)?,
    };
    instances::check_count(words.len(), request.max_instances)?;
    let zeros = vec![0.0; model.dim()];
    let vectors = each(&words, |word| {
        model.query_vector(word).unwrap_or_else(|_| zeros.clone())
    });
    let answers = words
        .iter()
        .zip(vectors)
        .map(|(&word, vector)| WordVector { word, vector });
    let body = match answer {
        Format::Json => to_json(&answers.collect::<Vec<_>>()),
        Format::JsonLines => answers.flat_map(|a| json_line(&a)).collect(),
        _ => answers.flat_map(|a| csv_row(&a)).collect(),
    };
    Ok(Reply {
        content_type: answer.media_type(),
        body,
        instances: words.len(),
    })
}

/// `POST /vectors`: `{"words": [...]}` (each through the pipeline, as `nn` queries) or
/// `{"texts": [...]}` (sentence vectors) → `{"vectors": [[...], ...]}`.
pub(super) fn vectors(model: &WordVectors, request: &Request) -> Result<Reply, RequestError> {
    let object = own_route_object(request)?;
    let (field, vector): (&str, VectorOf) = if object.contains_key("texts") {
        ("texts", WordVectors::sentence_vector)
    } else {
        ("words", WordVectors::query_vector)
    };
    let items = instances::strings(&object, field)?;
    instances::check_count(items.len(), request.max_instances)?;
    let vectors: Vec<Vec<f32>> = each(&items, |item| vector(model, item))
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.map_err(|e| RequestError::model(e).at(i).field(field)))
        .collect::<Result<_, _>>()?;
    Ok(json_reply(&json!({ "vectors": vectors }), items.len()))
}

/// `POST /nn`: `{"query": "word", "k": 10}` or `{"vector": [...], "k": 10}` →
/// `{"neighbours": [{"word": ..., "score": ...}, ...]}`.
pub(super) fn nearest(model: &WordVectors, request: &Request) -> Result<Reply, RequestError> {
    let object = own_route_object(request)?;
    let k = answers_wanted(model, &object)?;
    let found = match (object.get("query"), object.get("vector")) {
        (Some(query), None) => model.nearest(instances::text(query, "query")?, k),
        (None, Some(vector)) => model.nearest_to_vector(&numbers(vector, "vector")?, k),
        _ => {
            return Err(RequestError::invalid(
                "send either \"query\" (a word or phrase) or \"vector\" (numbers)",
            )
            .field("query"))
        }
    };
    neighbours_reply("neighbours", found)
}

/// `POST /analogy`: `{"a": ..., "b": ..., "c": ..., "k": 10, "method": "3cosadd"}` → "a is to b
/// as c is to ?" as `{"answers": [{"word": ..., "score": ...}, ...]}`.
pub(super) fn analogy(model: &WordVectors, request: &Request) -> Result<Reply, RequestError> {
    let object = own_route_object(request)?;
    let k = answers_wanted(model, &object)?;
    let word = |field: &str| -> Result<&str, RequestError> {
        let value = object.get(field).ok_or_else(|| {
            RequestError::invalid(format!("the body has no {field:?}")).field(field)
        })?;
        instances::text(value, field)
    };
    let method = match object.get("method").map(|m| instances::text(m, "method")) {
        None => AnalogyMethod::CosAdd,
        Some(Ok("3cosadd")) => AnalogyMethod::CosAdd,
        Some(Ok("3cosmul")) => AnalogyMethod::CosMul,
        Some(_) => {
            return Err(RequestError::parameter(
                "method",
                "method must be \"3cosadd\" or \"3cosmul\"",
            ))
        }
    };
    neighbours_reply(
        "answers",
        model.analogy(word("a")?, word("b")?, word("c")?, k, method),
    )
}

/// `POST /similarity`: `{"a": ..., "b": ...}` → `{"similarity": s}`, or
/// `{"pairs": [["a", "b"], ...]}` → `{"similarities": [...]}`.
pub(super) fn similarity(model: &WordVectors, request: &Request) -> Result<Reply, RequestError> {
    let object = own_route_object(request)?;
    let Some(pairs) = object.get("pairs") else {
        let (a, b) = (object.get("a"), object.get("b"));
        let (Some(a), Some(b)) = (a, b) else {
            return Err(RequestError::invalid(
                "send {\"a\": word, \"b\": word} or {\"pairs\": [[a, b], ...]}",
            )
            .field("a"));
        };
        let score = model
            .similarity(instances::text(a, "a")?, instances::text(b, "b")?)
            .map_err(RequestError::model)?;
        return Ok(json_reply(&json!({ "similarity": score }), 1));
    };
    let pairs = pairs.as_array().ok_or_else(|| {
        RequestError::invalid("\"pairs\" must be an array of [a, b] pairs").field("pairs")
    })?;
    instances::check_count(pairs.len(), request.max_instances)?;
    let scores: Vec<f32> = pairs
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let (a, b) = pair(value).map_err(|e| e.at(i))?;
            model
                .similarity(a, b)
                .map_err(|e| RequestError::model(e).at(i))
        })
        .collect::<Result<_, _>>()?;
    Ok(json_reply(&json!({ "similarities": scores }), pairs.len()))
}

/// One `[a, b]` pair of `/similarity`.
fn pair(value: &Value) -> Result<(&str, &str), RequestError> {
    match value.as_array().map(Vec::as_slice) {
        Some([a, b]) => Ok((instances::text(a, "pairs")?, instances::text(b, "pairs")?)),
        _ => Err(RequestError::invalid("a pair must be [a, b], two strings").field("pairs")),
    }
}

/// `k`, at most the vocabulary size (a larger `k` cannot give more answers).
fn answers_wanted(model: &WordVectors, object: &Map<String, Value>) -> Result<usize, RequestError> {
    let k = instances::count(object.get("k"), "k", 10)?;
    Ok(k.min(model.words().len().max(1)))
}

fn neighbours_reply(
    field: &str,
    found: crate::Result<Vec<Neighbour>>,
) -> Result<Reply, RequestError> {
    let found = found.map_err(RequestError::model)?;
    Ok(json_reply(&json!({ field: found }), 1))
}

fn numbers(value: &Value, field: &str) -> Result<Vec<f32>, RequestError> {
    let items = value.as_array().ok_or_else(|| {
        RequestError::invalid(format!("{field:?} must be an array of numbers")).field(field)
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.as_f64() {
            Some(x) if x.is_finite() => Ok(x as f32),
            _ => Err(RequestError::invalid(format!(
                "value {i} of {field:?} is {}, not a finite number",
                instances::describe(item)
            ))
            .field(field)),
        })
        .collect()
}

/// `word,v1,v2,...` for one word.
fn csv_row(answer: &WordVector) -> Vec<u8> {
    let mut row = csv_field(answer.word).into_owned();
    for x in &answer.vector {
        let _ = write!(row, ",{x}");
    }
    row.push('\n');
    row.into_bytes()
}
