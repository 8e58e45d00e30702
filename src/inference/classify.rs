//! Classifier requests: BlazingText's shapes on `/invocations`, and `/predict`, `/vectors`.

use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

use super::answer::{csv_field, json_line, json_reply, to_json};
use super::instances::{self, each, own_route_object};
use super::media::invocation_formats;
use super::{Format, Reply, Request, RequestError};
use crate::{Classifier, Prediction};

/// One text to classify, with its own `k` and `threshold`.
struct Instance<'a> {
    text: std::borrow::Cow<'a, str>,
    k: i64,
    threshold: f32,
}

/// BlazingText's answer for one instance.
#[derive(Serialize)]
struct Labels<'a> {
    label: Vec<&'a str>,
    prob: Vec<f32>,
}

/// `POST /invocations`: `{"instances": [...], "configuration": {"k": 2, "threshold": 0.1}}`,
/// JSON Lines `{"source": text, "k": 2}`, or one text per line (`text/plain`, `text/csv`).
pub(super) fn invocations(model: &Classifier, request: &Request) -> Result<Reply, RequestError> {
    const READS: [Format; 4] = [Format::Json, Format::JsonLines, Format::Csv, Format::Text];
    let (format, answer) = invocation_formats(
        request.content_type,
        request.accept,
        &READS,
        Format::JsonLines,
    )?;
    let parsed;
    let instances = match format {
        Format::Json => {
            parsed = instances::json(request.body)?;
            json_instances(&parsed)?
        }
        Format::JsonLines => {
            parsed = Value::Array(instances::json_lines(request.body)?);
            json_line_instances(parsed.as_array().map_or(&[], Vec::as_slice))?
        }
        _ => instances::lines(request.body)?
            .into_iter()
            .map(|line| Instance {
                text: match format {
                    Format::Csv => instances::csv_text(line).into(),
                    _ => line.into(),
                },
                k: 1,
                threshold: 0.0,
            })
            .collect(),
    };
    instances::check_count(instances.len(), request.max_instances)?;
    let predictions = predict_all(model, &instances)?;
    let labels = predictions.iter().map(|p| Labels {
        label: p.iter().map(|p| p.label.as_str()).collect(),
        prob: p.iter().map(|p| p.probability).collect(),
    });
    let body = match answer {
        Format::Json => to_json(&labels.collect::<Vec<_>>()),
        Format::JsonLines => labels.flat_map(|l| json_line(&l)).collect(),
        _ => predictions.iter().flat_map(|p| csv_row(p)).collect(),
    };
    Ok(Reply {
        content_type: answer.media_type(),
        body,
        instances: instances.len(),
    })
}

/// `POST /predict`: `{"instances": [text, ...], "k": 1, "threshold": 0.0}` →
/// `{"predictions": [[{"label": ..., "probability": ...}, ...], ...]}`.
pub(super) fn predict(model: &Classifier, request: &Request) -> Result<Reply, RequestError> {
    let object = own_route_object(request)?;
    let texts = instances::strings(&object, "instances")?;
    let k = instances::k(object.get("k"), 1)?;
    let threshold = instances::threshold(object.get("threshold"), 0.0)?;
    instances::check_count(texts.len(), request.max_instances)?;
    let instances: Vec<Instance> = texts
        .into_iter()
        .map(|text| Instance {
            text: text.into(),
            k,
            threshold,
        })
        .collect();
    let predictions = predict_all(model, &instances)?;
    Ok(json_reply(
        &serde_json::json!({ "predictions": predictions }),
        instances.len(),
    ))
}

/// `POST /vectors`: `{"texts": [...]}` → the classifier's sentence vectors.
pub(super) fn vectors(model: &Classifier, request: &Request) -> Result<Reply, RequestError> {
    let object = own_route_object(request)?;
    let texts = instances::strings(&object, "texts")?;
    instances::check_count(texts.len(), request.max_instances)?;
    let vectors: Result<Vec<Vec<f32>>, _> = each(&texts, |t| model.sentence_vector(t))
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.map_err(|e| RequestError::model(e).at(i)))
        .collect();
    Ok(json_reply(
        &serde_json::json!({ "vectors": vectors? }),
        texts.len(),
    ))
}

fn json_instances(body: &Value) -> Result<Vec<Instance<'_>>, RequestError> {
    let items = instances::json_instances(body)?;
    let configuration = body.get("configuration");
    let setting = |name| configuration.and_then(|c| c.get(name));
    let k = instances::k(setting("k"), 1).map_err(|e| e.field("configuration.k"))?;
    let threshold = instances::threshold(setting("threshold"), 0.0)
        .map_err(|e| e.field("configuration.threshold"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            Ok(Instance {
                text: instances::text(item, "instances")
                    .map_err(|e| e.at(i))?
                    .into(),
                k,
                threshold,
            })
        })
        .collect()
}

fn json_line_instances(records: &[Value]) -> Result<Vec<Instance<'_>>, RequestError> {
    records
        .iter()
        .enumerate()
        .map(|(i, record)| json_line_instance(record).map_err(|e| e.at(i)))
        .collect()
}

/// A JSON Lines record: `{"source": text, "k": 2, "threshold": 0.1}` or a bare string.
fn json_line_instance(record: &Value) -> Result<Instance<'_>, RequestError> {
    let setting = |name| record.as_object().and_then(|o| o.get(name));
    Ok(Instance {
        text: instances::source(record, "text")?.into(),
        k: instances::k(setting("k"), 1)?,
        threshold: instances::threshold(setting("threshold"), 0.0)?,
    })
}

fn predict_all(
    model: &Classifier,
    instances: &[Instance],
) -> Result<Vec<Vec<Prediction>>, RequestError> {
    each(instances, |i| model.predict(&i.text, i.k, i.threshold))
        .into_iter()
        .enumerate()
        .map(|(i, p)| p.map_err(|e| RequestError::model(e).at(i)))
        .collect()
}

/// `label,prob,label,prob,...` for one instance.
fn csv_row(predictions: &[Prediction]) -> Vec<u8> {
    let mut row = String::new();
    for (i, p) in predictions.iter().enumerate() {
        if i > 0 {
            row.push(',');
        }
        let _ = write!(row, "{},{}", csv_field(&p.label), p.probability);
    }
    row.push('\n');
    row.into_bytes()
}
