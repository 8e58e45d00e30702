//! word2vec's two formats: text (`.vec`, what fastText writes next to its `.bin`) and binary
//! (what the original `word2vec -binary 1` writes). Both start with a `<count> <dim>` line.
//!
//! Text rows are `word v1 ... vdim`; values are written in Rust's shortest round-trip form, so
//! reading a written file gives back exactly the same `f32`s. Binary rows are `word`, a space,
//! `dim` little-endian `f32` and a newline.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::io::{
    first_non_finite, reserve_f32s, sniff_bytes, stage, FileFormat, MAX_DIM, MAX_ROWS, NOT_FINITE,
};
use crate::io_util::{read_regular_file, AtomicFile};
use crate::matrix::Matrix;
use crate::{Error, Result};

/// Words and their vectors, row `i` of `vectors` belonging to `words[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct WordVectors {
    /// The words, in file order.
    pub words: Vec<String>,
    /// One row per word.
    pub vectors: Matrix,
}

/// Parses a `<count> <dim>` header line: 1 to [`MAX_ROWS`] words of dimension 1 to
/// [`MAX_DIM`] (so their product cannot overflow; the callers check it against the file's
/// length).
fn parse_header(path: &Path, line: &str) -> Result<(usize, usize)> {
    let bad = |message: String| Err(Error::input(path, Some(1), message));
    let mut parts = line.split_ascii_whitespace();
    let (Some(n), Some(dim), None) = (parts.next(), parts.next(), parts.next()) else {
        let shown: String = line.chars().take(60).collect();
        return bad(format!(
            "expected a `<number of words> <dimension>` header, found `{shown}`; a file without \
             a header (GloVe format) needs that line added first"
        ));
    };
    let number = |text: &str, what: &str| {
        text.parse::<u64>().map_err(|_| {
            Error::input(
                path,
                Some(1),
                format!(
                    "the header's {what} `{text}` is not a whole number ≥ 0; expected `<number \
                     of words> <dimension>`"
                ),
            )
        })
    };
    let (n, dim) = (number(n, "word count")?, number(dim, "dimension")?);
    if n == 0 {
        return bad("the header says the file holds 0 words; a model needs at least one".into());
    }
    if n > MAX_ROWS {
        return bad(format!(
            "the header says {n} words, more than the {MAX_ROWS} a model can have (32-bit ids); \
             fix the first line"
        ));
    }
    if dim == 0 || dim > MAX_DIM {
        return bad(format!(
            "the header says the dimension is {dim}; blazetext reads dimensions from 1 to \
             {MAX_DIM}: fix the first line (`<number of words> <dimension>`)"
        ));
    }
    Ok((n as usize, dim as usize))
}

/// Reads a word2vec text file (`.vec`). The header must agree with the rows: every row has
/// exactly `dim` values and there are exactly `count` rows; errors give the line number.
/// Values must be finite numbers.
pub fn read_text(path: &Path) -> Result<WordVectors> {
    // No ceiling but memory: the file is the model, and its memory is reserved fallibly.
    let bytes = read_regular_file(path, u64::MAX, "a word-vector file")?;
    let format = sniff_bytes(&bytes[..bytes.len().min(4096)]);
    if !matches!(
        format,
        FileFormat::Word2VecText | FileFormat::HeaderlessText
    ) {
        return Err(Error::model(
            path,
            format!(
                "not a word2vec text file: this looks like {}",
                format.describe()
            ),
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Error::input(
            path,
            Some(line as u64),
            "invalid UTF-8; word2vec text files must be UTF-8: convert the file (e.g. with iconv)",
        )
    })?;
    let mut lines = text.split('\n');
    let header = lines.next().unwrap_or("");
    let (n, dim) = parse_header(path, header)?;
    // Keep line numbers: `rows[i]` is line `i + 2`. Trailing empty lines are tolerated.
    let mut rows: Vec<&str> = lines.collect();
    while rows.last().is_some_and(|l| l.trim().is_empty()) {
        rows.pop();
    }
    if rows.len() != n {
        return Err(Error::input(
            path,
            Some(1),
            format!(
                "the header says {n} words but the file has {} rows; fix the first line or \
                 check whether the file was cut off",
                rows.len()
            ),
        ));
    }
    // Every value takes at least two bytes (a space and a digit): a header that claims more
    // values than that is wrong, and must not make us reserve memory for them. The header's
    // bounds keep the product far from overflowing.
    let values = n * dim;
    if values > bytes.len() / 2 {
        return Err(Error::input(
            path,
            Some(1),
            format!(
                "the header says the dimension is {dim}, but {n} rows of {dim} values need at \
                 least {} bytes and the file has {}; fix the first line",
                values as u128 * 2,
                bytes.len()
            ),
        ));
    }
    let mut data = reserve_f32s(path, values)?;
    data.resize(values, 0.0);
    let words = data
        .par_chunks_mut(dim)
        .zip(rows.par_iter())
        .enumerate()
        .map(|(i, (out, row))| parse_text_row(path, i as u64 + 2, row, out))
        .collect::<Result<Vec<String>>>()?;
    Ok(WordVectors {
        words,
        vectors: Matrix::from_vec(n, dim, data),
    })
}

fn parse_text_row(path: &Path, line_no: u64, row: &str, out: &mut [f32]) -> Result<String> {
    // Split on ASCII space only (as gensim does): words may contain other whitespace.
    let row = row.trim_end_matches(['\r', ' ']);
    let mut parts = row.split(' ');
    let word = parts.next().unwrap_or("");
    if word.is_empty() {
        return Err(Error::input(
            path,
            Some(line_no),
            "empty word at the start of the line",
        ));
    }
    let mut k = 0;
    for part in parts {
        if k == out.len() {
            return Err(Error::input(
                path,
                Some(line_no),
                format!(
                    "more than {} values for `{word}`; the header's dimension does not match",
                    out.len()
                ),
            ));
        }
        let value: f32 = part.parse().map_err(|_| {
            Error::input(
                path,
                Some(line_no),
                format!("value {} of `{word}` is not a number: `{part}`", k + 1),
            )
        })?;
        if !value.is_finite() {
            return Err(Error::input(
                path,
                Some(line_no),
                format!("value {} of `{word}` (`{part}`) is {NOT_FINITE}", k + 1),
            ));
        }
        out[k] = value;
        k += 1;
    }
    if k != out.len() {
        return Err(Error::input(
            path,
            Some(line_no),
            format!(
                "`{word}` has {k} values but the header says the dimension is {}",
                out.len()
            ),
        ));
    }
    Ok(word.to_string())
}

/// Checks that `words` and `vectors` make a file the readers accept.
fn check_shape(path: &Path, words: &[impl AsRef<str>], vectors: &Matrix) -> Result<()> {
    if vectors.cols() == 0 {
        return Err(Error::model(
            path,
            "vectors of dimension 0 cannot be written: word2vec formats need at least one value",
        ));
    }
    if words.len() != vectors.rows() {
        return Err(Error::model(
            path,
            format!(
                "{} words but {} vectors; cannot write them together",
                words.len(),
                vectors.rows()
            ),
        ));
    }
    if let Some(w) = words
        .iter()
        .map(AsRef::as_ref)
        .find(|w| w.is_empty() || w.contains([' ', '\n']))
    {
        return Err(Error::model(
            path,
            format!(
                "the word {w:?} is empty or contains a space or newline, which word2vec formats \
                 cannot store"
            ),
        ));
    }
    if let Some(i) = first_non_finite(vectors.as_slice()) {
        let word = words[i / vectors.cols()].as_ref();
        return Err(Error::model(
            path,
            format!("cannot write the vector of `{word}`: it holds a value that is {NOT_FINITE}"),
        ));
    }
    Ok(())
}

/// Writes a word2vec text file (`.vec`): header, then one `word v1 ... vdim` line per word.
pub fn write_text(path: &Path, words: &[impl AsRef<str> + Sync], vectors: &Matrix) -> Result<()> {
    stage_text(path, words, vectors)?.commit()
}

/// Like [`write_text`] but returns the written temporary file instead of renaming it, to commit
/// it together with other files in an [`AtomicFileSet`](crate::io_util::AtomicFileSet).
pub fn stage_text(
    path: &Path,
    words: &[impl AsRef<str> + Sync],
    vectors: &Matrix,
) -> Result<AtomicFile> {
    check_shape(path, words, vectors)?;
    stage(path, |w| {
        writeln!(w, "{} {}", vectors.rows(), vectors.cols())?;
        // Formatting floats dominates; do it in parallel blocks, written in order.
        const BLOCK: usize = 4096;
        let idx: Vec<usize> = (0..words.len()).step_by(BLOCK).collect();
        for group in idx.chunks(rayon::current_num_threads().max(1) * 2) {
            let texts: Vec<String> = group
                .par_iter()
                .map(|&start| {
                    use std::fmt::Write as _;
                    let mut s = String::new();
                    let end = (start + BLOCK).min(words.len());
                    for (i, word) in words[start..end].iter().enumerate() {
                        let i = start + i;
                        s.push_str(word.as_ref());
                        for x in vectors.row(i) {
                            let _ = write!(s, " {x}");
                        }
                        s.push('\n');
                    }
                    s
                })
                .collect();
            for t in texts {
                w.write_all(t.as_bytes())?;
            }
        }
        Ok(())
    })
}

/// Reads a word2vec binary file. The header's sizes are checked against the file's length
/// before memory is reserved; values must be finite.
pub fn read_binary(path: &Path) -> Result<WordVectors> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut r = BufReader::with_capacity(1 << 20, file);
    let head = r.fill_buf().map_err(|e| Error::io(path, e))?;
    let format = sniff_bytes(&head[..head.len().min(4096)]);
    if format != FileFormat::Word2VecBinary {
        return Err(Error::model(
            path,
            format!(
                "not a word2vec binary file: this looks like {}",
                format.describe()
            ),
        ));
    }
    // The sniffer found the header's newline within the first 4 KiB.
    let mut header = Vec::new();
    r.read_until(b'\n', &mut header)
        .map_err(|e| Error::io(path, e))?;
    let (n, dim) = parse_header(path, String::from_utf8_lossy(&header).trim_end())?;
    // Each row is a word of at least one byte, a space and `dim` floats (the header's bounds
    // keep this far from overflowing).
    let min_size = header.len() as u64 + n as u64 * (dim as u64 * 4 + 2);
    if min_size > len {
        return Err(Error::model(
            path,
            format!(
                "the file is truncated: {n} words of dimension {dim} need at least {min_size} \
                 bytes but the file has {len} bytes; fetch or write it again, or fix the header"
            ),
        ));
    }
    let mut words = Vec::with_capacity(n);
    let mut data = reserve_f32s(path, n * dim)?;
    let mut word = Vec::new();
    let mut buf = vec![0u8; dim * 4];
    for i in 0..n {
        let truncated = || {
            Error::model(
                path,
                format!(
                    "the file is truncated inside word {} of {n}; fetch or write it again",
                    i + 1
                ),
            )
        };
        word.clear();
        r.read_until(b' ', &mut word)
            .map_err(|e| Error::io(path, e))?;
        if word.pop() != Some(b' ') {
            return Err(truncated());
        }
        // Writers end each vector with '\n' (word2vec) or not (some tools): accept both.
        let start = word.iter().position(|&b| b != b'\n').unwrap_or(word.len());
        if start == word.len() {
            return Err(Error::model(
                path,
                format!(
                    "word {} of {n} is empty; the file is corrupt: fetch or write it again",
                    i + 1
                ),
            ));
        }
        let text = String::from_utf8_lossy(&word[start..]).into_owned();
        r.read_exact(&mut buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => truncated(),
            _ => Error::io(path, e),
        })?;
        let row = data.len();
        data.extend(
            buf.chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        if first_non_finite(&data[row..]).is_some() {
            return Err(Error::model(
                path,
                format!(
                    "the vector of `{text}` (word {} of {n}) holds a value that is {NOT_FINITE}",
                    i + 1
                ),
            ));
        }
        words.push(text);
    }
    Ok(WordVectors {
        words,
        vectors: Matrix::from_vec(n, dim, data),
    })
}

/// Writes a word2vec binary file (the layout `word2vec -binary 1` writes and gensim reads).
pub fn write_binary(path: &Path, words: &[impl AsRef<str>], vectors: &Matrix) -> Result<()> {
    stage_binary(path, words, vectors)?.commit()
}

/// Like [`write_binary`] but returns the written temporary file instead of renaming it, to
/// commit it together with other files in an [`AtomicFileSet`](crate::io_util::AtomicFileSet).
pub fn stage_binary(
    path: &Path,
    words: &[impl AsRef<str>],
    vectors: &Matrix,
) -> Result<AtomicFile> {
    check_shape(path, words, vectors)?;
    stage(path, |w| {
        writeln!(w, "{} {}", vectors.rows(), vectors.cols())?;
        let mut buf = Vec::with_capacity(vectors.cols() * 4);
        for (i, word) in words.iter().enumerate() {
            w.write_all(word.as_ref().as_bytes())?;
            w.write_all(b" ")?;
            buf.clear();
            buf.extend(vectors.row(i).iter().flat_map(|x| x.to_le_bytes()));
            w.write_all(&buf)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
}

/// Reads either word2vec format, telling them apart by content.
pub fn read_any(path: &Path) -> Result<WordVectors> {
    let mut head = Vec::with_capacity(4096);
    File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    match sniff_bytes(&head) {
        FileFormat::Word2VecBinary => read_binary(path),
        _ => read_text(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> WordVectors {
        WordVectors {
            words: vec!["the".into(), "naïve".into(), "日本".into()],
            vectors: Matrix::from_vec(
                3,
                4,
                vec![
                    0.1,
                    -0.25,
                    3.0e-7,
                    1.0, //
                    -1.5,
                    0.333_333_34,
                    2.0,
                    0.0, //
                    f32::MIN_POSITIVE,
                    -0.0,
                    123456.79,
                    -7.0,
                ],
            ),
        }
    }

    #[test]
    fn text_round_trip_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.vec");
        let v = sample();
        write_text(&path, &v.words, &v.vectors).unwrap();
        assert_eq!(read_text(&path).unwrap(), v);
        assert_eq!(read_any(&path).unwrap(), v);
    }

    #[test]
    fn binary_round_trip_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.w2v");
        let v = sample();
        write_binary(&path, &v.words, &v.vectors).unwrap();
        assert_eq!(read_binary(&path).unwrap(), v);
        assert_eq!(read_any(&path).unwrap(), v);
    }

    #[test]
    fn reads_fasttext_style_trailing_spaces_and_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.vec");
        std::fs::write(&path, "2 2\r\na 1 2 \r\nb 3 4 \n\n").unwrap();
        let v = read_text(&path).unwrap();
        assert_eq!(v.words, ["a", "b"]);
        assert_eq!(v.vectors.as_slice(), [1.0, 2.0, 3.0, 4.0]);
    }

    fn text_error(content: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.vec");
        std::fs::write(&path, content).unwrap();
        read_text(&path).unwrap_err().to_string()
    }

    #[test]
    fn text_errors_name_the_line() {
        let e = text_error("3 2\na 1 2\nb 3 4\n");
        assert!(
            e.contains(":1:") && e.contains("says 3 words but the file has 2 rows"),
            "{e}"
        );
        let e = text_error("2 3\na 1 2 3\nb 3 4\n");
        assert!(e.contains(":3:") && e.contains("has 2 values"), "{e}");
        let e = text_error("2 2\na 1 2\nb 3 x\n");
        assert!(e.contains(":3:") && e.contains("not a number: `x`"), "{e}");
        let e = text_error("2 1\na 1 2\nb 3\n");
        assert!(e.contains(":2:") && e.contains("more than 1 values"), "{e}");
        let e = text_error("a 1 2\nb 3 4\n");
        assert!(e.contains(":1:") && e.contains("GloVe"), "{e}");
        let e = text_error("2 0\n");
        assert!(e.contains("dimension is 0"), "{e}");
        let e = text_error("0 1000000\n");
        assert!(e.contains("0 words"), "{e}");
        let e = text_error("1 65537\na 1\n");
        assert!(
            e.contains("dimension is 65537") && e.contains("1 to 65536"),
            "{e}"
        );
    }

    #[test]
    fn binary_truncated_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.w2v");
        let v = sample();
        write_binary(&path, &v.words, &v.vectors).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 9]).unwrap();
        let e = read_binary(&path).unwrap_err().to_string();
        assert!(e.contains("truncated"), "{e}");
    }

    #[test]
    fn header_sizes_are_checked_before_memory_is_reserved() {
        let e = text_error("3 60000\nab 1 2\nb\nc\n");
        assert!(
            e.contains(":1:") && e.contains("need at least 360000 bytes"),
            "{e}"
        );
        let e = text_error("-1 2\nab 1 2\n");
        assert!(e.contains("word count `-1` is not a whole number"), "{e}");
        let e = text_error("4294967296 4294967296\nab 1 2\n");
        assert!(e.contains("more than the 2147483647"), "{e}");
        let e = text_error("2 2\na 1 2\nb inf 4\n");
        assert!(
            e.contains(":3:") && e.contains("(`inf`) is not finite"),
            "{e}"
        );
    }

    #[test]
    fn writers_refuse_vectors_readers_would_refuse() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.vec");
        let mut v = sample();
        v.vectors.row_mut(2)[1] = f32::NAN;
        let e = write_text(&path, &v.words, &v.vectors).unwrap_err();
        assert!(e.to_string().contains("the vector of `日本`"), "{e}");
        let e = write_binary(&path, &v.words, &v.vectors).unwrap_err();
        assert!(e.to_string().contains("not finite"), "{e}");
        let e = write_text(&path, &["a"], &Matrix::zeros(1, 0)).unwrap_err();
        assert!(e.to_string().contains("dimension 0"), "{e}");
        assert!(!path.exists());
    }

    #[test]
    fn words_with_spaces_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.vec");
        let e = write_text(&path, &["a b"], &Matrix::zeros(1, 2)).unwrap_err();
        assert!(e.to_string().contains("contains a space"), "{e}");
        assert!(!path.exists());
    }
}
