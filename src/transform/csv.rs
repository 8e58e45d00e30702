//! CSV rows as batch transform treats them: a record of `text/csv` is one row, its fields are
//! the "columns" that filters pick by index and that a join appends to.

/// The fields of one CSV row (RFC 4180: a quoted field may hold commas and `""` for a quote).
pub(super) fn split_row(row: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = row.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => {
                        return Err(format!(
                            "field {} opens a quote that is never closed",
                            fields.len()
                        ))
                    }
                }
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => {}
                Some(c) => {
                    return Err(format!(
                        "field {} has {c:?} after its closing quote; quote the whole field",
                        fields.len()
                    ))
                }
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(',') => break,
                    Some(c) => field.push(c),
                }
            }
        }
        fields.push(field);
    }
}

/// One CSV row of `fields`, each quoted when it holds a comma, a quote or a line break.
pub(super) fn join_row<S: AsRef<str>>(fields: &[S]) -> String {
    let mut row = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            row.push(',');
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\n', '\r']) {
            row.push('"');
            row.push_str(&field.replace('"', "\"\""));
            row.push('"');
        } else {
            row.push_str(field);
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_split_and_join_back() {
        assert_eq!(split_row("a,b,,c").unwrap(), ["a", "b", "", "c"]);
        assert_eq!(split_row("").unwrap(), [""]);
        assert_eq!(
            split_row("1,\"hello, \"\"you\"\"\",x").unwrap(),
            ["1", "hello, \"you\"", "x"]
        );
        assert_eq!(split_row("\"\",1").unwrap(), ["", "1"]);
        for row in ["a,b", "1,\"x,y\",\"say \"\"hi\"\"\"", ",,"] {
            assert_eq!(join_row(&split_row(row).unwrap()), row);
        }
    }

    #[test]
    fn broken_quotes_are_errors() {
        assert!(split_row("1,\"open").unwrap_err().contains("field 1"));
        assert!(split_row("\"a\"b,c")
            .unwrap_err()
            .contains("after its closing quote"));
    }
}
