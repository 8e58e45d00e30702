//! Media types: what a `Content-Type` names, and which answer an `Accept` value allows.

use super::RequestError;

/// A body format that requests and answers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`: one JSON document.
    Json,
    /// `application/jsonlines`: one JSON document per line.
    JsonLines,
    /// `text/csv`: one record per line, comma-separated.
    Csv,
    /// `text/plain`: one text per line.
    Text,
    /// `application/x-recordio-protobuf`: SageMaker's RecordIO-wrapped protobuf records.
    RecordIo,
}

impl Format {
    /// The canonical media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::JsonLines => "application/jsonlines",
            Format::Csv => "text/csv",
            Format::Text => "text/plain",
            Format::RecordIo => "application/x-recordio-protobuf",
        }
    }

    /// The format a media type names (parameters such as `charset` aside), if any.
    pub fn from_media_type(value: &str) -> Option<Format> {
        let essence = value.split(';').next().unwrap_or("").trim();
        let known = [
            ("application/json", Format::Json),
            ("application/jsonlines", Format::JsonLines),
            ("application/x-jsonlines", Format::JsonLines),
            ("application/jsonl", Format::JsonLines),
            ("application/x-ndjson", Format::JsonLines),
            ("text/csv", Format::Csv),
            ("text/plain", Format::Text),
            ("application/x-recordio-protobuf", Format::RecordIo),
        ];
        known
            .iter()
            .find(|(name, _)| essence.eq_ignore_ascii_case(name))
            .map(|&(_, format)| format)
    }
}

/// The format of a body sent with `content_type` (absent: JSON), when the route reads it.
pub(super) fn request_format(
    content_type: Option<&str>,
    supported: &[Format],
) -> Result<Format, RequestError> {
    let Some(value) = content_type else {
        return Ok(Format::Json);
    };
    let format = Format::from_media_type(value)
        .filter(|f| supported.contains(f))
        .ok_or_else(|| RequestError::unsupported(value, supported))?;
    let charset = parameters(value).find(|(name, _)| name.eq_ignore_ascii_case("charset"));
    if let Some((_, charset)) = charset {
        let charset = charset.trim_matches('"');
        if !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("utf8") {
            return Err(RequestError::new(
                415,
                "UnsupportedMediaType",
                format!("charset {charset:?} is not supported; send UTF-8 text"),
            ));
        }
    }
    Ok(format)
}

/// The body's format among `reads`, and the answer's among JSON, JSON Lines and CSV: what
/// `Accept` ranks highest, else JSON for a JSON body, JSON Lines for a JSON Lines body, and
/// `lines_answer` for the other line-per-record bodies (CSV, text, RecordIO).
pub(super) fn invocation_formats(
    content_type: Option<&str>,
    accept: Option<&str>,
    reads: &[Format],
    lines_answer: Format,
) -> Result<(Format, Format), RequestError> {
    let format = request_format(content_type, reads)?;
    let preferred = match format {
        Format::Json | Format::JsonLines => format,
        _ => lines_answer,
    };
    let mut offered = vec![preferred];
    for other in [Format::Json, Format::JsonLines, Format::Csv] {
        if other != preferred {
            offered.push(other);
        }
    }
    Ok((format, answer_format(accept, &offered)?))
}

/// The answer format: the one of `offered` (preferred first) that `accept` ranks highest.
/// No `Accept`, or `*/*`, gives `offered[0]`.
pub(super) fn answer_format(
    accept: Option<&str>,
    offered: &[Format],
) -> Result<Format, RequestError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(offered[0]);
    };
    let mut best: Option<(f32, usize)> = None;
    for range in accept.split(',') {
        let essence = range.split(';').next().unwrap_or("").trim();
        let quality = parameters(range)
            .find(|(name, _)| name.eq_ignore_ascii_case("q"))
            .map_or(1.0, |(_, q)| q.parse::<f32>().unwrap_or(0.0));
        if quality.is_nan() || quality <= 0.0 {
            continue;
        }
        for (rank, format) in offered.iter().enumerate() {
            // Higher quality wins; among equals, the route's earlier (preferred) offer.
            let better = best.is_none_or(|(q, r)| quality > q || (quality == q && rank < r));
            if better && matches_range(essence, *format) {
                best = Some((quality, rank));
            }
        }
    }
    best.map(|(_, rank)| offered[rank])
        .ok_or_else(|| RequestError::not_acceptable(accept, offered))
}

fn matches_range(range: &str, format: Format) -> bool {
    let media = format.media_type();
    if range == "*/*" {
        return true;
    }
    if let Some(kind) = range.strip_suffix("/*") {
        return media
            .split('/')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case(kind));
    }
    Format::from_media_type(range) == Some(format)
}

fn parameters(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split(';').skip(1).filter_map(|p| {
        let (name, value) = p.split_once('=')?;
        Some((name.trim(), value.trim()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Format; 3] = [Format::Json, Format::JsonLines, Format::Csv];

    #[test]
    fn content_types_with_parameters_and_aliases() {
        let read = |ct| request_format(Some(ct), &ALL);
        assert_eq!(read("application/json; charset=utf-8"), Ok(Format::Json));
        assert_eq!(read("Application/X-JsonLines"), Ok(Format::JsonLines));
        assert_eq!(read("text/csv"), Ok(Format::Csv));
        assert_eq!(request_format(None, &ALL), Ok(Format::Json));
        assert_eq!(read("text/plain").unwrap_err().status, 415);
        assert_eq!(read("image/png").unwrap_err().status, 415);
        let latin = read("text/csv; charset=latin-1").unwrap_err();
        assert_eq!(latin.status, 415);
        assert!(latin.message.contains("latin-1"), "{}", latin.message);
    }

    #[test]
    fn invocation_answers_default_to_the_body_family() {
        let reads = [Format::Json, Format::JsonLines, Format::Csv];
        let pick = |ct, accept, lines| invocation_formats(Some(ct), accept, &reads, lines);
        let json = Format::Json;
        assert_eq!(pick("application/json", None, json), Ok((json, json)));
        let jsonl = Format::JsonLines;
        assert_eq!(
            pick("application/jsonlines", None, json),
            Ok((jsonl, jsonl))
        );
        assert_eq!(pick("text/csv", None, jsonl), Ok((Format::Csv, jsonl)));
        assert_eq!(pick("text/csv", None, json), Ok((Format::Csv, json)));
        assert_eq!(
            pick("text/csv", Some("text/csv"), json),
            Ok((Format::Csv, Format::Csv))
        );
        assert_eq!(
            pick("text/csv", Some("image/png"), json)
                .unwrap_err()
                .status,
            406
        );
    }

    #[test]
    fn accept_picks_the_highest_quality_offer() {
        let pick = |a| answer_format(Some(a), &ALL);
        assert_eq!(answer_format(None, &ALL), Ok(Format::Json));
        assert_eq!(pick("*/*"), Ok(Format::Json));
        assert_eq!(pick("text/*"), Ok(Format::Csv));
        assert_eq!(pick("application/jsonlines"), Ok(Format::JsonLines));
        assert_eq!(
            pick("application/json;q=0.5, text/csv;q=0.9"),
            Ok(Format::Csv)
        );
        assert_eq!(
            pick("application/jsonlines, application/json"),
            Ok(Format::Json),
            "equal quality: the route's preferred format"
        );
        assert_eq!(pick("text/csv;q=0, application/json"), Ok(Format::Json));
        let refused = pick("image/png, text/html").unwrap_err();
        assert_eq!(refused.status, 406);
        assert!(refused.message.contains("application/json"));
    }
}
