//! Bag of words: a sparse CSR document-term matrix (`f32` counts, `u32` word ids), plus the readers
//! for SageMaker NTM's training inputs (dense CSV count rows and a `vocab.txt`, one word per line).

use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::io_util::{read_regular_text, MAX_SETTINGS_BYTES};
use crate::{Error, Result};

/// Documents as rows of a compressed sparse row matrix; within a row, word ids are ascending and
/// unique, and every stored count is finite and positive.
#[derive(Debug, Clone, PartialEq)]
pub struct Bow {
    n_words: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl Bow {
    /// An empty matrix over `n_words` columns.
    pub fn new(n_words: usize) -> Bow {
        Bow {
            n_words,
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Appends one document given as a sequence of word ids (one per token).
    pub fn push_ids(&mut self, ids: &mut [u32]) {
        ids.sort_unstable();
        for &id in ids.iter() {
            debug_assert!((id as usize) < self.n_words);
            if self.indices.len() > *self.indptr.last().unwrap()
                && *self.indices.last().unwrap() == id
            {
                *self.values.last_mut().unwrap() += 1.0;
            } else {
                self.indices.push(id);
                self.values.push(1.0);
            }
        }
        self.indptr.push(self.indices.len());
    }

    /// Appends one document given as `(word id, count)` pairs in any order; duplicates are summed
    /// and zero counts dropped. Counts must already be validated (finite, non-negative).
    pub fn push_counts(&mut self, pairs: &mut [(u32, f32)]) {
        pairs.sort_unstable_by_key(|p| p.0);
        let start = *self.indptr.last().unwrap();
        for &(id, c) in pairs.iter() {
            debug_assert!((id as usize) < self.n_words && c >= 0.0);
            if c == 0.0 {
                continue;
            }
            if self.indices.len() > start && *self.indices.last().unwrap() == id {
                *self.values.last_mut().unwrap() += c;
            } else {
                self.indices.push(id);
                self.values.push(c);
            }
        }
        self.indptr.push(self.indices.len());
    }

    pub fn n_docs(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn n_words(&self) -> usize {
        self.n_words
    }

    /// Number of stored (non-zero) entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Word ids and counts of document `i`.
    pub fn doc(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// Total count of document `i` (its length in tokens).
    pub fn doc_len(&self, i: usize) -> f64 {
        self.doc(i).1.iter().map(|&c| c as f64).sum()
    }

    /// The documents at `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Bow {
        let mut out = Bow::new(self.n_words);
        for &r in rows {
            let (ids, counts) = self.doc(r);
            out.indices.extend_from_slice(ids);
            out.values.extend_from_slice(counts);
            out.indptr.push(out.indices.len());
        }
        out
    }

    /// The same documents with every stored value passed through `f`.
    pub fn map_values(&self, f: impl Fn(f32) -> f32) -> Bow {
        Bow {
            values: self.values.iter().map(|&v| f(v)).collect(),
            ..self.clone()
        }
    }

    /// Rescales every non-empty document's values to Euclidean norm `norm`.
    pub fn scale_docs_to_norm(&mut self, norm: f32) {
        for w in self.indptr.windows(2) {
            let values = &mut self.values[w[0]..w[1]];
            let length = values.iter().map(|v| v * v).sum::<f32>().sqrt();
            if length > 0.0 {
                let scale = norm / length;
                values.iter_mut().for_each(|v| *v *= scale);
            }
        }
    }

    /// Total count of each word over all documents.
    pub fn term_frequency(&self) -> Vec<f64> {
        let mut tf = vec![0.0f64; self.n_words];
        for (&id, &c) in self.indices.iter().zip(&self.values) {
            tf[id as usize] += c as f64;
        }
        tf
    }

    /// Reads SageMaker's dense CSV training format: one document per line, one count per column,
    /// no header. `width` is the expected number of columns (the vocabulary size) when known;
    /// otherwise the first row decides. Blank lines are skipped.
    pub fn read_dense_csv(path: &Path, width: Option<usize>) -> Result<Bow> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut width = width;
        let mut bow: Option<Bow> = width.map(Bow::new);
        let mut pairs = Vec::new();
        let mut line = String::new();
        let mut reader = BufReader::new(file);
        let mut line_no = 0u64;
        loop {
            line.clear();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| Error::io(path, e))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let row = line.trim();
            if row.is_empty() {
                continue;
            }
            pairs.clear();
            let mut ncols = 0usize;
            for (col, field) in row.split(',').enumerate() {
                ncols += 1;
                let c = parse_count(field.trim(), path, line_no, col + 1)?;
                if c > 0.0 {
                    pairs.push((col as u32, c));
                }
            }
            let w = *width.get_or_insert(ncols);
            if ncols != w {
                return Err(Error::input(
                    path,
                    Some(line_no),
                    format!(
                        "row has {ncols} columns but {w} were expected (one count per vocabulary \
                         word); every CSV row must have the same width"
                    ),
                ));
            }
            bow.get_or_insert_with(|| Bow::new(w))
                .push_counts(&mut pairs);
        }
        bow.filter(|b| b.n_docs() > 0).ok_or_else(|| {
            Error::input(
                path,
                None,
                "no count rows found; expected one CSV row per document",
            )
        })
    }
}

/// Parses one count: finite and non-negative, else an error naming the line and column.
pub fn parse_count(field: &str, path: &Path, line: u64, col: usize) -> Result<f32> {
    let v: f32 = field.parse().map_err(|_| {
        Error::input(
            path,
            Some(line),
            format!("column {col}: `{field}` is not a number; expected word counts"),
        )
    })?;
    check_count(v, path, Some(line), &format!("column {col}"))
}

/// Rejects NaN, infinite and negative counts with a message naming where they were found.
pub fn check_count(v: f32, path: &Path, line: Option<u64>, what: &str) -> Result<f32> {
    if !v.is_finite() || v < 0.0 {
        return Err(Error::input(
            path,
            line,
            format!("{what}: count {v} is invalid; word counts must be finite and non-negative"),
        ));
    }
    Ok(v)
}

/// Reads SageMaker's auxiliary `vocab.txt`: one word per line, line `i` naming column `i`.
pub fn read_vocab_txt(path: &Path) -> Result<Vec<String>> {
    let text = read_regular_text(path, MAX_SETTINGS_BYTES, "a vocab.txt")?;
    let mut words = Vec::new();
    let mut seen = hashbrown::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let w = line.trim();
        if w.is_empty() {
            return Err(Error::input(
                path,
                Some(i as u64 + 1),
                "empty line; vocab.txt needs one word per line, line i naming CSV column i",
            ));
        }
        if !seen.insert(w) {
            return Err(Error::input(
                path,
                Some(i as u64 + 1),
                format!("word `{w}` appears twice; vocabulary words must be unique"),
            ));
        }
        words.push(w.to_string());
    }
    Ok(words)
}

/// Checks that a vocabulary file names exactly one word per feature column.
pub fn check_vocab_width(vocab: &[String], vocab_path: &Path, n_features: usize) -> Result<()> {
    if vocab.len() != n_features {
        return Err(Error::input(
            vocab_path,
            None,
            format!(
                "has {} words but the count rows have {n_features} columns; vocab.txt must list \
                 exactly one word per column, in column order",
                vocab.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn scale_docs_to_norm_leaves_empty_documents() {
        let mut b = Bow::new(3);
        b.push_counts(&mut [(0, 3.0), (2, 4.0)]);
        b.push_ids(&mut []);
        b.scale_docs_to_norm(10.0);
        assert_eq!(b.doc(0).1, &[6.0f32, 8.0][..]);
        assert_eq!(b.doc(1).1.len(), 0);
    }

    #[test]
    fn push_ids_counts_and_sorts() {
        let mut b = Bow::new(5);
        b.push_ids(&mut [3, 1, 3, 3, 0]);
        b.push_ids(&mut []);
        b.push_counts(&mut [(4, 2.0), (2, 0.0), (4, 1.5), (1, 1.0)]);
        assert_eq!(b.n_docs(), 3);
        assert_eq!(b.doc(0), (&[0u32, 1, 3][..], &[1.0f32, 1.0, 3.0][..]));
        assert_eq!(b.doc(1).0.len(), 0);
        assert_eq!(b.doc(2), (&[1u32, 4][..], &[1.0f32, 3.5][..]));
        assert_eq!(b.doc_len(0), 5.0);
        assert_eq!(b.term_frequency(), vec![1.0, 2.0, 0.0, 3.0, 3.5]);
        let s = b.select(&[2, 0]);
        assert_eq!(s.doc(0), b.doc(2));
        assert_eq!(s.doc(1), b.doc(0));
        assert_eq!(s.nnz(), 5);
    }

    #[test]
    fn dense_csv_round_trip() {
        let d = tempfile::tempdir().unwrap();
        let p = write(&d, "c.csv", "0,2,1\n\n3,0,0\n0,0,0\n");
        let b = Bow::read_dense_csv(&p, None).unwrap();
        assert_eq!(b.n_docs(), 3);
        assert_eq!(b.n_words(), 3);
        assert_eq!(b.doc(0), (&[1u32, 2][..], &[2.0f32, 1.0][..]));
        assert_eq!(b.doc(2).0.len(), 0);
    }

    #[test]
    fn dense_csv_wrong_width_names_line() {
        let d = tempfile::tempdir().unwrap();
        let p = write(&d, "c.csv", "0,2,1\n1,1\n");
        let e = Bow::read_dense_csv(&p, None).unwrap_err().to_string();
        assert!(
            e.contains("c.csv:2") && e.contains("2 columns but 3"),
            "{e}"
        );
        let p = write(&d, "d.csv", "0,2,1\n");
        let e = Bow::read_dense_csv(&p, Some(4)).unwrap_err().to_string();
        assert!(
            e.contains("d.csv:1") && e.contains("3 columns but 4"),
            "{e}"
        );
    }

    #[test]
    fn dense_csv_rejects_nan_negative_and_text() {
        let d = tempfile::tempdir().unwrap();
        for (name, row, needle) in [
            ("nan.csv", "1,NaN,0", "column 2"),
            ("neg.csv", "1,-2,0", "count -2 is invalid"),
            ("inf.csv", "inf,0,0", "column 1"),
            ("txt.csv", "1,x,0", "`x` is not a number"),
        ] {
            let p = write(&d, name, &format!("0,0,1\n{row}\n"));
            let e = Bow::read_dense_csv(&p, None).unwrap_err().to_string();
            assert!(
                e.contains(&format!("{name}:2")) && e.contains(needle),
                "{e}"
            );
        }
        let p = write(&d, "empty.csv", "\n\n");
        assert!(Bow::read_dense_csv(&p, None).is_err());
    }

    #[test]
    fn vocab_txt_checks() {
        let d = tempfile::tempdir().unwrap();
        let p = write(&d, "vocab.txt", "apple\nbanana\ncherry\n");
        let v = read_vocab_txt(&p).unwrap();
        assert_eq!(v, ["apple", "banana", "cherry"]);
        check_vocab_width(&v, &p, 3).unwrap();
        let e = check_vocab_width(&v, &p, 4).unwrap_err().to_string();
        assert!(
            e.contains("has 3 words but the count rows have 4 columns"),
            "{e}"
        );
        let p = write(&d, "dup.txt", "a\nb\na\n");
        let e = read_vocab_txt(&p).unwrap_err().to_string();
        assert!(e.contains("dup.txt:3"), "{e}");
    }
}
