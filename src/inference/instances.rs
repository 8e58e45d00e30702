//! Reading the instances of a body, whatever the model: JSON `{"instances": [...]}`, JSON Lines,
//! and lines of text or CSV; and the small typed fields requests carry (`k`, `threshold`).

use serde_json::{Map, Value};

use super::media::{answer_format, request_format};
use super::{Format, Request, RequestError};

/// The body as one JSON document.
pub(super) fn json(body: &[u8]) -> Result<Value, RequestError> {
    serde_json::from_slice(body).map_err(|e| RequestError::invalid_json(&e))
}

/// The `instances` of a JSON request: `{"instances": [...]}`, or a bare array.
pub(super) fn json_instances(body: &Value) -> Result<&[Value], RequestError> {
    match body {
        Value::Array(items) => Ok(items),
        Value::Object(object) => match object.get("instances") {
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(RequestError::invalid(format!(
                "\"instances\" must be an array, not {}",
                describe(other)
            ))
            .field("instances")),
            None => Err(RequestError::invalid(
                "the body has no \"instances\"; send {\"instances\": [...]}",
            )
            .field("instances")),
        },
        Value::String(_) => Err(RequestError::invalid(
            "the body is a JSON string, not an object: was it encoded twice? Send \
             {\"instances\": [...]} itself",
        )),
        other => Err(RequestError::invalid(format!(
            "the body is {}; send {{\"instances\": [...]}}",
            describe(other)
        ))),
    }
}

/// The records of a JSON Lines body, one JSON document per non-blank line.
pub(super) fn json_lines(body: &[u8]) -> Result<Vec<Value>, RequestError> {
    lines(body)?
        .into_iter()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| RequestError::invalid_json(&e).at(i))
        })
        .collect()
}

/// The lines of a text body (`\n` or `\r\n`; a final line break ends the last line).
pub(super) fn lines(body: &[u8]) -> Result<Vec<&str>, RequestError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        let line = body[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        RequestError::invalid_utf8("the body").at(line)
    })?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Ok(Vec::new());
    }
    Ok(text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect())
}

/// A single-column CSV field: a quoted field loses its quotes (`""` is one quote).
pub(super) fn csv_text(line: &str) -> String {
    match line
        .trim()
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(inner) => inner.replace("\"\"", "\""),
        None => line.to_string(),
    }
}

/// Refuses an empty request or one over the instance limit.
pub(super) fn check_count(count: usize, max: usize) -> Result<(), RequestError> {
    if count == 0 {
        return Err(
            RequestError::invalid("the request has no instances; send at least one")
                .field("instances"),
        );
    }
    if count > max {
        return Err(RequestError::too_many_instances(count, max));
    }
    Ok(())
}

/// A string instance (or the string field of an instance object).
pub(super) fn text<'v>(value: &'v Value, field: &str) -> Result<&'v str, RequestError> {
    value.as_str().ok_or_else(|| {
        RequestError::invalid(format!("expected a string, found {}", describe(value))).field(field)
    })
}

/// The number of answers per instance: a whole number ≥ 1, or -1 for all.
pub(super) fn k(value: Option<&Value>, default: i64) -> Result<i64, RequestError> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.as_i64() {
        Some(k) if k >= 1 || k == -1 => Ok(k),
        _ => Err(RequestError::parameter(
            "k",
            format!(
                "k must be a whole number of at least 1 (or -1 for all), not {}",
                short(value)
            ),
        )),
    }
}

/// A count of answers such as `k` of a search: a whole number ≥ 1.
pub(super) fn count(
    value: Option<&Value>,
    field: &str,
    default: usize,
) -> Result<usize, RequestError> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.as_u64() {
        Some(n) if n >= 1 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        _ => Err(RequestError::parameter(
            field,
            format!(
                "{field} must be a whole number of at least 1, not {}",
                short(value)
            ),
        )),
    }
}

/// The probability below which labels are left out: a number in [0, 1].
pub(super) fn threshold(value: Option<&Value>, default: f32) -> Result<f32, RequestError> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.as_f64() {
        Some(t) if (0.0..=1.0).contains(&t) => Ok(t as f32),
        _ => Err(RequestError::parameter(
            "threshold",
            format!(
                "threshold must be a number between 0 and 1, not {}",
                short(value)
            ),
        )),
    }
}

/// The JSON object of a request to one of blazetext's own routes, which speak JSON only.
pub(super) fn own_route_object(request: &Request) -> Result<Map<String, Value>, RequestError> {
    request_format(request.content_type, &[Format::Json])?;
    answer_format(request.accept, &[Format::Json])?;
    match json(request.body)? {
        Value::Object(object) => Ok(object),
        other => Err(RequestError::invalid(format!(
            "the body is {}; send a JSON object",
            describe(&other)
        ))),
    }
}

/// The text of a JSON Lines record: `{"source": text, ...}` or a bare string; `what` names
/// the text in messages ("word", "text").
pub(super) fn source<'v>(record: &'v Value, what: &str) -> Result<&'v str, RequestError> {
    match record {
        Value::String(text) => Ok(text),
        Value::Object(object) => text(
            object.get("source").ok_or_else(|| {
                RequestError::invalid(format!("the record has no \"source\" {what}"))
                    .field("source")
            })?,
            "source",
        ),
        other => Err(RequestError::invalid(format!(
            "a record must be {{\"source\": {what}}}, not {}",
            describe(other)
        ))),
    }
}

/// A list of strings under `field`.
pub(super) fn strings<'v>(
    object: &'v Map<String, Value>,
    field: &str,
) -> Result<Vec<&'v str>, RequestError> {
    let Some(value) = object.get(field) else {
        return Err(RequestError::invalid(format!("the body has no {field:?}")).field(field));
    };
    let items = value.as_array().ok_or_else(|| {
        RequestError::invalid(format!(
            "{field:?} must be an array of strings, not {}",
            describe(value)
        ))
        .field(field)
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| text(item, field).map_err(|e| e.at(i)))
        .collect()
}

/// Below this many instances a request is answered on the calling thread: handing a few
/// microseconds of work to the rayon pool would cost more than it saves.
const PARALLEL_FROM: usize = 64;

/// `answer` applied to every item, in order; in parallel on the caller's rayon pool for large
/// requests.
pub(super) fn each<T: Sync, R: Send>(
    items: &[T],
    answer: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() < PARALLEL_FROM {
        items.iter().map(answer).collect()
    } else {
        use rayon::prelude::*;
        items.par_iter().map(answer).collect()
    }
}

/// How a JSON value is named in messages.
pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value as shown in a message, cut short.
fn short(value: &Value) -> String {
    let mut text = value.to_string();
    if text.len() > 40 {
        let cut = (0..=40)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn instances_from_objects_arrays_and_the_wrong_shapes() {
        let body = json!({"instances": ["a", "b"], "configuration": {"k": 2}});
        assert_eq!(json_instances(&body).unwrap().len(), 2);
        assert_eq!(json_instances(&json!(["a"])).unwrap().len(), 1);
        let twice = json_instances(&json!("{\"instances\": []}")).unwrap_err();
        assert_eq!(twice.status, 422);
        assert!(twice.message.contains("encoded twice"));
        let missing = json_instances(&json!({"inputs": []})).unwrap_err();
        assert_eq!(missing.field.as_deref(), Some("instances"));
        assert!(json_instances(&json!({"instances": "a"})).is_err());
        assert!(json_instances(&json!(3)).is_err());
    }

    #[test]
    fn lines_split_on_line_breaks_and_reject_bad_utf8() {
        assert_eq!(lines(b"a\r\nb\n").unwrap(), ["a", "b"]);
        assert_eq!(lines(b"a\n\nb").unwrap(), ["a", "", "b"]);
        assert!(lines(b"").unwrap().is_empty());
        let bad = lines(b"ok\nbad \xff\n").unwrap_err();
        assert_eq!((bad.status, bad.instance), (400, Some(1)));
    }

    #[test]
    fn json_lines_name_the_bad_record() {
        let records = json_lines(b"{\"source\": \"a\"}\n\n{\"source\": \"b\"}\n").unwrap();
        assert_eq!(records.len(), 2);
        let bad = json_lines(b"{\"source\": \"a\"}\n{oops\n").unwrap_err();
        assert_eq!((bad.status, bad.instance), (400, Some(1)));
    }

    #[test]
    fn csv_text_unquotes() {
        assert_eq!(csv_text("\"hello, \"\"world\"\"\""), "hello, \"world\"");
        assert_eq!(csv_text("plain text"), "plain text");
    }

    #[test]
    fn parameters_are_checked() {
        assert_eq!(k(None, 1), Ok(1));
        assert_eq!(k(Some(&json!(-1)), 1), Ok(-1));
        for bad in [json!(0), json!(-2), json!(1.5), json!("2")] {
            assert_eq!(k(Some(&bad), 1).unwrap_err().field.as_deref(), Some("k"));
        }
        assert_eq!(threshold(Some(&json!(0.5)), 0.0), Ok(0.5));
        assert!(threshold(Some(&json!(1.5)), 0.0).is_err());
        assert!(threshold(Some(&json!("x")), 0.0).is_err());
        assert_eq!(count(Some(&json!(3)), "k", 10), Ok(3));
        assert!(count(Some(&json!(0)), "k", 10).is_err());
        assert_eq!(check_count(0, 5).unwrap_err().status, 422);
        assert_eq!(check_count(6, 5).unwrap_err().status, 413);
        assert!(check_count(5, 5).is_ok());
    }
}
