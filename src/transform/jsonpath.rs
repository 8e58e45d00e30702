//! The JSONPath subset that SageMaker's `InputFilter` and `OutputFilter` use: `$`, `.name`,
//! `['name']`, `['a','b']`, `[0]`, `[-1]`, `[1:]`, `[:2]`, `[0,2]`, `[0,5:]`.
//!
//! Steps apply one after the other to the value the previous step selected: a step that names
//! one key or one index selects that value; a step that names several keys selects an object of
//! those keys, and one with several indices or a slice selects an array of those elements (so
//! `$['id','SageMakerOutput']` keeps two fields of a record, and `$[0,-1]` two columns).

use super::value::Json;

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct JsonPath {
    text: String,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// One key of an object.
    Key(String),
    /// Several keys of an object: an object of those keys.
    Keys(Vec<String>),
    /// One element of an array (negative: from the end).
    Index(i64),
    /// Elements of an array: an array of them, in the order given.
    Elements(Vec<Range>),
}

/// One member of a bracket of indices: an index, or a slice `start:end` (end excluded).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Range {
    Index(i64),
    Slice(Option<i64>, Option<i64>),
}

impl JsonPath {
    /// Parses `text`; the error says what is wrong and what the subset allows.
    pub(super) fn parse(text: &str) -> Result<JsonPath, String> {
        let mut rest = text
            .trim()
            .strip_prefix('$')
            .ok_or_else(|| syntax(text, "a path starts with $"))?;
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(after_dot) = rest.strip_prefix('.') {
                let end = after_dot.find(['.', '[']).unwrap_or(after_dot.len());
                let name = &after_dot[..end];
                if name.is_empty() {
                    return Err(syntax(text, "a name must follow each ."));
                }
                steps.push(Step::Key(name.to_string()));
                rest = &after_dot[end..];
            } else if let Some(inside) = rest.strip_prefix('[') {
                let end =
                    closing_bracket(inside).ok_or_else(|| syntax(text, "a [ is not closed"))?;
                steps.push(bracket(&inside[..end]).map_err(|why| syntax(text, &why))?);
                rest = &inside[end + 1..];
            } else {
                return Err(syntax(text, "after $ come .name or [...] steps"));
            }
        }
        Ok(JsonPath {
            text: text.trim().to_string(),
            steps,
        })
    }

    /// Whether the path is `$`, which selects the whole value.
    pub(super) fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// The part of `value` the path selects; the error names the step that found nothing.
    pub(super) fn select(&self, value: Json) -> Result<Json, String> {
        self.steps
            .iter()
            .try_fold(value, |value, step| self.apply(step, value))
    }

    fn apply(&self, step: &Step, value: Json) -> Result<Json, String> {
        match (step, value) {
            (Step::Key(key), Json::Object(mut fields)) => Json::take_field(&mut fields, key)
                .ok_or_else(|| self.missing(&format!("no field {key:?}"))),
            (Step::Keys(keys), Json::Object(mut fields)) => {
                let mut picked = Vec::new();
                for key in keys {
                    let value = Json::take_field(&mut fields, key)
                        .ok_or_else(|| self.missing(&format!("no field {key:?}")))?;
                    picked.push((key.clone(), value));
                }
                Ok(Json::Object(picked))
            }
            (Step::Index(i), Json::Array(mut items)) => {
                let at = position(*i, items.len()).ok_or_else(|| self.out_of_range(*i, &items))?;
                Ok(items.swap_remove(at))
            }
            (Step::Elements(ranges), Json::Array(items)) => {
                let mut picked = Vec::new();
                for range in ranges {
                    match *range {
                        Range::Index(i) => {
                            let at = position(i, items.len())
                                .ok_or_else(|| self.out_of_range(i, &items))?;
                            picked.push(items[at].clone());
                        }
                        Range::Slice(start, end) => {
                            let (start, end) = slice_bounds(start, end, items.len());
                            picked.extend_from_slice(&items[start..end.max(start)]);
                        }
                    }
                }
                Ok(Json::Array(picked))
            }
            (Step::Key(_) | Step::Keys(_), other) => Err(self.missing(&format!(
                "names a field, but the value there is {}",
                other.describe()
            ))),
            (Step::Index(_) | Step::Elements(_), other) => Err(self.missing(&format!(
                "takes elements, but the value there is {}",
                other.describe()
            ))),
        }
    }

    fn missing(&self, what: &str) -> String {
        format!("filter {}: {what}", self.text)
    }

    fn out_of_range(&self, index: i64, items: &[Json]) -> String {
        self.missing(&format!(
            "index {index} is outside the {} elements",
            items.len()
        ))
    }
}

impl std::fmt::Display for JsonPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn syntax(text: &str, why: &str) -> String {
    format!(
        "{text:?} is not a JSONPath of the supported subset ({why}); write $, $.name, \
         $['name'], $['a','b'], $[0], $[-1], $[1:] or $[0,2]"
    )
}

/// The index of the `]` that closes a bracket whose content starts `inside`, quotes respected.
fn closing_bracket(inside: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in inside.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ']') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The step a bracket's content names: quoted keys, or indices and slices.
fn bracket(content: &str) -> Result<Step, String> {
    let members = split_members(content)?;
    if members.iter().all(|m| is_quoted(m)) {
        let keys: Vec<String> = members
            .iter()
            .map(|m| m[1..m.len() - 1].to_string())
            .collect();
        return Ok(match <[String; 1]>::try_from(keys) {
            Ok([key]) => Step::Key(key),
            Err(keys) => Step::Keys(keys),
        });
    }
    let ranges = members
        .iter()
        .map(|m| range(m))
        .collect::<Result<Vec<Range>, String>>()?;
    Ok(match ranges.as_slice() {
        [Range::Index(i)] => Step::Index(*i),
        _ => Step::Elements(ranges),
    })
}

/// The comma-separated members of a bracket, trimmed; commas inside quotes belong to a key.
fn split_members(content: &str) -> Result<Vec<&str>, String> {
    let mut members = Vec::new();
    let (mut start, mut quote) = (0, None);
    for (i, c) in content.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ',') => {
                members.push(content[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    members.push(content[start..].trim());
    if members.iter().any(|m| m.is_empty()) {
        return Err("a bracket member is empty".into());
    }
    Ok(members)
}

fn is_quoted(member: &str) -> bool {
    member.len() >= 2
        && ((member.starts_with('\'') && member.ends_with('\''))
            || (member.starts_with('"') && member.ends_with('"')))
}

fn range(member: &str) -> Result<Range, String> {
    let number = |text: &str| -> Result<Option<i64>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| format!("{text:?} is not an index; quote names: ['{text}']"))
    };
    match member.split_once(':') {
        Some((start, end)) => Ok(Range::Slice(number(start)?, number(end)?)),
        None => Ok(Range::Index(number(member)?.unwrap_or(0))),
    }
}

/// The position of index `i` (negative: from the end) in `len` elements, if inside.
fn position(i: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let at = if i < 0 { len + i } else { i };
    (0..len).contains(&at).then_some(at as usize)
}

/// A slice's bounds clamped to `len` elements, as Python slices are.
fn slice_bounds(start: Option<i64>, end: Option<i64>, len: usize) -> (usize, usize) {
    let clamp = |i: i64| {
        let len = len as i64;
        (if i < 0 { len + i } else { i }).clamp(0, len) as usize
    };
    (start.map_or(0, clamp), end.map_or(len, clamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    /// The selection as JSON text.
    fn select(path: &str, value: &str) -> Result<String, String> {
        JsonPath::parse(path)
            .unwrap()
            .select(json(value))
            .map(|v| v.to_text())
    }

    #[test]
    fn root_and_fields() {
        let record = r#"{"id":7,"doc":{"text":"hi","lang":"en"}}"#;
        assert!(JsonPath::parse("$").unwrap().is_root());
        assert_eq!(select("$", record).unwrap(), record);
        assert_eq!(select("$.id", record).unwrap(), "7");
        assert_eq!(select("$.doc.text", record).unwrap(), r#""hi""#);
        assert_eq!(select("$['doc']['lang']", record).unwrap(), r#""en""#);
        assert_eq!(select("$[\"id\"]", record).unwrap(), "7");
        assert_eq!(
            select("$['doc', 'id']", record).unwrap(),
            r#"{"doc":{"text":"hi","lang":"en"},"id":7}"#,
            "fields in the filter's order"
        );
        assert_eq!(
            select("$['a,b']", r#"{"a,b":1}"#).unwrap(),
            "1",
            "a comma inside quotes belongs to the key"
        );
    }

    #[test]
    fn indices_slices_and_unions() {
        let row = r#"["id","a","b","c"]"#;
        let cases = [
            ("$[0]", r#""id""#),
            ("$[-1]", r#""c""#),
            ("$[1:]", r#"["a","b","c"]"#),
            ("$[:2]", r#"["id","a"]"#),
            ("$[1:-1]", r#"["a","b"]"#),
            ("$[0,2]", r#"["id","b"]"#),
            ("$[0,-1]", r#"["id","c"]"#),
            ("$[0,2:]", r#"["id","b","c"]"#),
            ("$[9:]", "[]"),
        ];
        for (path, selected) in cases {
            assert_eq!(select(path, row).unwrap(), selected, "{path}");
        }
        assert_eq!(
            select("$.features[1:]", r#"{"features":[1,2,3]}"#).unwrap(),
            "[2,3]"
        );
    }

    #[test]
    fn selections_that_find_nothing_name_the_problem() {
        let missing = select("$.text", r#"{"body":"x"}"#).unwrap_err();
        assert!(missing.contains("no field \"text\""), "{missing}");
        let keys = select("$['id','nope']", r#"{"id":1}"#).unwrap_err();
        assert!(keys.contains("\"nope\""), "{keys}");
        let past = select("$[4]", "[1,2]").unwrap_err();
        assert!(
            past.contains("index 4") && past.contains("2 elements"),
            "{past}"
        );
        let shape = select("$.a", "[1]").unwrap_err();
        assert!(shape.contains("an array"), "{shape}");
        let shape = select("$[0]", r#""text""#).unwrap_err();
        assert!(shape.contains("a string"), "{shape}");
    }

    #[test]
    fn bad_paths_are_refused_with_the_subset() {
        for bad in [
            "",
            "id",
            "$.",
            "$..a",
            "$[0",
            "$[a]",
            "$[1,]",
            "$x",
            "$[?(@.a)]",
        ] {
            let err = JsonPath::parse(bad).unwrap_err();
            assert!(err.contains("supported subset"), "{bad}: {err}");
        }
    }
}
