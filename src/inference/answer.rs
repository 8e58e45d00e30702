//! Encoding answers: JSON documents, JSON Lines records and CSV fields.

use serde::Serialize;
use serde_json::Value;

use super::{Format, Reply};

/// A JSON answer of one of blazetext's own routes.
pub(super) fn json_reply(value: &Value, instances: usize) -> Reply {
    Reply {
        content_type: Format::Json.media_type(),
        body: to_json(value),
        instances,
    }
}

/// `value` as JSON.
pub(super) fn to_json(value: &impl Serialize) -> Vec<u8> {
    // Strings, numbers and maps with string keys always serialise.
    serde_json::to_vec(value).unwrap_or_default()
}

/// `value` as one JSON Lines record.
pub(super) fn json_line(value: &impl Serialize) -> Vec<u8> {
    let mut line = to_json(value);
    line.push(b'\n');
    line
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub(super) fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("__label__a"), "__label__a");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
