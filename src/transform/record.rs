//! One record through the model, as batch transform treats it: the input filter picks what is
//! sent, the endpoint answers, the answer becomes one output record, the join puts the input
//! beside it, and the output filter picks what is kept.

use std::borrow::Cow;

use super::csv;
use super::jsonpath::JsonPath;
use super::value::Json;
use crate::inference::{Endpoint, Format, Reply, Request, RequestError, Route};

/// How every record of a job is read, sent and written back (checked once, used for each).
#[derive(Debug)]
pub(super) struct Plan {
    /// The records' media type, sent as `Content-Type`.
    pub content_type: String,
    /// The format it names.
    pub format: Format,
    /// Sent as `Accept`.
    pub accept: String,
    /// Applied to each record before it is sent (never `$`).
    pub input_filter: Option<JsonPath>,
    /// Applied to each output record (never `$`).
    pub output_filter: Option<JsonPath>,
    /// Whether the input record is joined to its output.
    pub join: bool,
    /// Whether each output record is made one line (`AssembleWith: Line`); otherwise the
    /// answer is kept as the model wrote it.
    pub one_line: bool,
    /// Whether each record is one line of the input (so an instance number says nothing).
    pub per_line: bool,
}

/// A record as filters and joins see it: a JSON value (text is a JSON string), or CSV fields.
#[derive(Debug, Clone, PartialEq)]
enum Shaped {
    Json(Json),
    Csv(Vec<String>),
}

impl Plan {
    /// The output record for one input record (without its line break), or why there is none.
    pub fn process(&self, endpoint: &Endpoint, bytes: &[u8]) -> Result<Vec<u8>, String> {
        let text = match self.format {
            Format::RecordIo => None,
            _ => Some(std::str::from_utf8(bytes).map_err(|e| {
                format!(
                    "the record is not valid UTF-8 (at byte {}); save the file as UTF-8",
                    e.valid_up_to() + 1
                )
            })?),
        };
        if text.is_some_and(|t| t.trim().is_empty()) {
            return Err(
                "the record is empty (a blank line); remove it or put a record on it".into(),
            );
        }
        let input = match text {
            Some(text) if self.input_filter.is_some() || self.join => Some(self.shape(text)?),
            _ => None,
        };
        let body: Cow<[u8]> = match (&self.input_filter, &input) {
            (Some(filter), Some(input)) => {
                let sent =
                    filter_shaped(filter, input.clone()).map_err(|e| format!("input {e}"))?;
                encode(&sent).into()
            }
            _ => bytes.into(),
        };
        let request = Request::new(Route::Invocations, &body)
            .content_type(&self.content_type)
            .accept(&self.accept)
            .max_instances(usize::MAX);
        let reply = endpoint.invoke(&request).map_err(|e| self.describe(e))?;
        if !self.one_line {
            return Ok(reply.body);
        }
        let plain = !self.join && self.output_filter.is_none();
        if plain && reply.content_type != Format::Json.media_type() {
            if let Some(line) = single_line(&reply.body) {
                return Ok(line.to_vec());
            }
        }
        let mut output = answer(&reply)?;
        if let Some(input) = input.filter(|_| self.join) {
            output = join(input, output);
        }
        if let Some(filter) = &self.output_filter {
            output = filter_shaped(filter, output).map_err(|e| format!("output {e}"))?;
        }
        let record = encode(&output);
        if memchr::memchr(b'\n', &record).is_some() {
            return Err(
                "the output record spans several lines; write whole answers with \
                        --assemble-with none"
                    .into(),
            );
        }
        Ok(record)
    }

    /// The record as a value: parsed JSON, CSV fields, or a JSON string for plain text.
    fn shape(&self, text: &str) -> Result<Shaped, String> {
        match self.format {
            Format::Json | Format::JsonLines => Json::parse(text)
                .map(Shaped::Json)
                .map_err(|e| format!("the record is not valid JSON ({e})")),
            Format::Csv => csv::split_row(text).map(Shaped::Csv),
            _ => Ok(Shaped::Json(Json::String(text.to_string()))),
        }
    }

    /// The endpoint's error in words; a one-line record has one instance, so its number goes.
    fn describe(&self, mut error: RequestError) -> String {
        if self.per_line {
            error.instance = None;
        }
        error.to_string()
    }
}

/// `body` without its final line break, when that leaves a single line.
fn single_line(body: &[u8]) -> Option<&[u8]> {
    let line = body.strip_suffix(b"\n").unwrap_or(body);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    memchr::memchr(b'\n', line).is_none().then_some(line)
}

/// The model's answer as one value. JSON: the one document, or the array of several (JSON
/// Lines of several instances); an array of one element is that element, so a one-instance
/// record gives `{"label": [...], "prob": [...]}` whichever JSON type was asked. CSV: the
/// fields of its one row.
fn answer(reply: &Reply) -> Result<Shaped, String> {
    let unreadable = |e: serde_json::Error| format!("the model's answer is not JSON ({e})");
    match Format::from_media_type(reply.content_type) {
        Some(Format::Json | Format::JsonLines) => {
            let mut values = serde_json::Deserializer::from_slice(&reply.body)
                .into_iter::<Json>()
                .collect::<Result<Vec<Json>, _>>()
                .map_err(unreadable)?;
            let value = match values.len() {
                1 => values.swap_remove(0),
                _ => Json::Array(values),
            };
            Ok(Shaped::Json(match value {
                Json::Array(mut items) if items.len() == 1 => items.swap_remove(0),
                other => other,
            }))
        }
        _ => {
            let rows = String::from_utf8_lossy(&reply.body);
            let row = single_line(rows.as_bytes()).ok_or_else(|| {
                "the answer has several rows; send one instance per record, or write whole \
                 answers with --assemble-with none"
                    .to_string()
            })?;
            csv::split_row(&String::from_utf8_lossy(row)).map(Shaped::Csv)
        }
    }
}

/// The field of a joined JSON record that holds the answer.
const OUTPUT_FIELD: &str = "SageMakerOutput";

/// SageMaker's join: CSV input columns followed by the output's; a JSON object with the output
/// added as `SageMakerOutput`; any other input as `{"SageMakerInput", "SageMakerOutput"}`.
fn join(input: Shaped, output: Shaped) -> Shaped {
    match input {
        Shaped::Csv(mut fields) => {
            fields.extend(match output {
                Shaped::Csv(columns) => columns,
                Shaped::Json(value) => fields_of(value),
            });
            Shaped::Csv(fields)
        }
        Shaped::Json(input) => {
            let output = match output {
                Shaped::Json(value) => value,
                Shaped::Csv(fields) => Json::String(csv::join_row(&fields)),
            };
            Shaped::Json(match input {
                Json::Object(mut fields) => {
                    Json::take_field(&mut fields, OUTPUT_FIELD);
                    fields.push((OUTPUT_FIELD.into(), output));
                    Json::Object(fields)
                }
                other => Json::Object(vec![
                    ("SageMakerInput".into(), other),
                    (OUTPUT_FIELD.into(), output),
                ]),
            })
        }
    }
}

/// A filter applied to a record: to its value, or to its fields as an array of columns.
fn filter_shaped(filter: &JsonPath, record: Shaped) -> Result<Shaped, String> {
    match record {
        Shaped::Json(value) => filter.select(value).map(Shaped::Json),
        Shaped::Csv(fields) => {
            let columns = Json::Array(fields.into_iter().map(Json::String).collect());
            filter.select(columns).map(|v| Shaped::Csv(fields_of(v)))
        }
    }
}

/// CSV fields from a value: a string is one field, an array one field per element, anything
/// else one field of its JSON text.
fn fields_of(value: Json) -> Vec<String> {
    let field = |value: Json| match value {
        Json::String(text) => text,
        other => other.to_text(),
    };
    match value {
        Json::Array(items) => items.into_iter().map(field).collect(),
        other => vec![field(other)],
    }
}

fn encode(record: &Shaped) -> Vec<u8> {
    match record {
        Shaped::Json(value) => value.to_text().into_bytes(),
        Shaped::Csv(fields) => csv::join_row(fields).into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(body: &str, content_type: &'static str) -> Reply {
        Reply {
            content_type,
            body: body.as_bytes().to_vec(),
            instances: 1,
        }
    }

    fn json(text: &str) -> Shaped {
        Shaped::Json(Json::parse(text).unwrap())
    }

    fn csv(fields: &[&str]) -> Shaped {
        Shaped::Csv(fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn answers_become_one_value() {
        let labels = r#"{"label":["__label__a"],"prob":[0.9]}"#;
        let array = format!("[{labels}]");
        assert_eq!(answer(&reply(&array, "application/json")), Ok(json(labels)));
        let line = format!("{labels}\n");
        assert_eq!(
            answer(&reply(&line, "application/jsonlines")),
            Ok(json(labels))
        );
        let two = reply("{\"a\":1}\n{\"a\":2}\n", "application/jsonlines");
        assert_eq!(answer(&two), Ok(json(r#"[{"a":1},{"a":2}]"#)));
        let row = reply("__label__a,0.9\n", "text/csv");
        assert_eq!(answer(&row), Ok(csv(&["__label__a", "0.9"])));
        let rows = reply("a,0.9\nb,0.8\n", "text/csv");
        assert!(answer(&rows).unwrap_err().contains("several rows"));
    }

    #[test]
    fn joins_follow_sagemaker() {
        let output = json(r#"{"label":["x"]}"#);
        assert_eq!(
            join(json(r#"{"id":1,"text":"t"}"#), output.clone()),
            json(r#"{"id":1,"text":"t","SageMakerOutput":{"label":["x"]}}"#)
        );
        assert_eq!(
            join(json(r#"{"SageMakerOutput":0,"id":1}"#), output.clone()),
            json(r#"{"id":1,"SageMakerOutput":{"label":["x"]}}"#),
            "an old answer is replaced"
        );
        assert_eq!(
            join(json(r#""plain text""#), output.clone()),
            json(r#"{"SageMakerInput":"plain text","SageMakerOutput":{"label":["x"]}}"#)
        );
        assert_eq!(
            join(csv(&["7", "a, b"]), csv(&["x", "0.5"])),
            csv(&["7", "a, b", "x", "0.5"])
        );
        assert_eq!(
            join(json(r#"{"id":1}"#), csv(&["x", "0.5"])),
            json(r#"{"id":1,"SageMakerOutput":"x,0.5"}"#)
        );
        assert_eq!(join(csv(&["7"]), output), csv(&["7", r#"{"label":["x"]}"#]));
    }

    #[test]
    fn filters_pick_fields_and_columns() {
        let id_and_output = JsonPath::parse("$['id','SageMakerOutput']").unwrap();
        let record = json(r#"{"text":"t","SageMakerOutput":2,"id":1}"#);
        assert_eq!(
            encode(&filter_shaped(&id_and_output, record).unwrap()),
            br#"{"id":1,"SageMakerOutput":2}"#
        );
        let row = csv(&["7", "text", "x"]);
        let first_and_last = JsonPath::parse("$[0,-1]").unwrap();
        assert_eq!(
            filter_shaped(&first_and_last, row.clone()),
            Ok(csv(&["7", "x"]))
        );
        let text = JsonPath::parse("$[1]").unwrap();
        assert_eq!(encode(&filter_shaped(&text, row).unwrap()), b"text");
    }
}
