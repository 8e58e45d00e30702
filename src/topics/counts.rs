//! [`CountRows`]: documents given as word counts over a fixed vocabulary, the form SageMaker NTM
//! trains on and numeric front ends (NumPy, SciPy sparse rows) hold.

use std::path::Path;

use super::bow::Bow;
use crate::{Error, Result};

/// Documents as rows of word counts: column `i` counts word `i` of a vocabulary. Built from
/// dense rows, sparse `(ids, counts)` rows, or SageMaker's dense CSV; every count is finite and
/// non-negative.
///
/// ```
/// use blazetext::CountRows;
/// let mut rows = CountRows::from_dense(&[[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]])?;
/// rows.push_sparse(&[2, 0], &[1.0, 4.0])?;
/// assert_eq!((rows.len(), rows.width()), (3, 3));
/// assert!(rows.push_dense(&[1.0, f32::NAN, 0.0]).is_err());
/// # Ok::<(), blazetext::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CountRows {
    bow: Bow,
}

impl CountRows {
    /// No rows yet, over `width` vocabulary words.
    pub fn new(width: usize) -> CountRows {
        CountRows {
            bow: Bow::new(width),
        }
    }

    /// Dense rows, all as wide as the first.
    pub fn from_dense<R: AsRef<[f32]>>(rows: &[R]) -> Result<CountRows> {
        let first = rows.first().ok_or_else(|| {
            Error::config("no count rows given; pass at least one row of word counts")
        })?;
        let mut out = CountRows::new(first.as_ref().len());
        for row in rows {
            out.push_dense(row.as_ref())?;
        }
        Ok(out)
    }

    /// Reads SageMaker's dense CSV: one row of counts per document, no header, blank lines
    /// skipped; errors name the line and column.
    pub fn read_csv(path: impl AsRef<Path>) -> Result<CountRows> {
        Ok(CountRows {
            bow: Bow::read_dense_csv(path.as_ref(), None)?,
        })
    }

    /// Appends a row of [`width`](CountRows::width) counts.
    pub fn push_dense(&mut self, row: &[f32]) -> Result<()> {
        if row.len() != self.width() {
            return Err(self.error(format!(
                "has {} counts but the rows have {} columns (one count per vocabulary word)",
                row.len(),
                self.width()
            )));
        }
        let mut pairs = Vec::new();
        for (id, &count) in row.iter().enumerate() {
            self.check(count, id)?;
            pairs.push((id as u32, count));
        }
        self.bow.push_counts(&mut pairs);
        Ok(())
    }

    /// Appends a sparse row: `counts[i]` occurrences of word `ids[i]`, in any order (repeated ids
    /// add up).
    pub fn push_sparse(&mut self, ids: &[u32], counts: &[f32]) -> Result<()> {
        if ids.len() != counts.len() {
            return Err(self.error(format!(
                "has {} word ids but {} counts; give one count per id",
                ids.len(),
                counts.len()
            )));
        }
        let mut pairs = Vec::with_capacity(ids.len());
        for (&id, &count) in ids.iter().zip(counts) {
            if id as usize >= self.width() {
                return Err(self.error(format!(
                    "word id {id} is outside the {} columns",
                    self.width()
                )));
            }
            self.check(count, id as usize)?;
            pairs.push((id, count));
        }
        self.bow.push_counts(&mut pairs);
        Ok(())
    }

    /// Number of rows (documents).
    pub fn len(&self) -> usize {
        self.bow.n_docs()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of columns (vocabulary words).
    pub fn width(&self) -> usize {
        self.bow.n_words()
    }

    /// The word ids (ascending) and non-zero counts of row `i`.
    ///
    /// # Panics
    /// When `i` is not below [`len`](CountRows::len).
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        self.bow.doc(i)
    }

    pub(crate) fn bow(&self) -> &Bow {
        &self.bow
    }

    pub(crate) fn from_bow(bow: Bow) -> CountRows {
        CountRows { bow }
    }

    fn check(&self, count: f32, column: usize) -> Result<()> {
        if count.is_finite() && count >= 0.0 {
            return Ok(());
        }
        Err(self.error(format!(
            "column {column}: count {count} is invalid; word counts must be finite and non-negative"
        )))
    }

    /// An error about the row being added (numbered from 1).
    fn error(&self, what: String) -> Error {
        Error::config(format!("count row {}: {what}", self.len() + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_rows_agree() {
        let dense = CountRows::from_dense(&[vec![0.0, 2.0, 0.0, 1.0]]).unwrap();
        let mut sparse = CountRows::new(4);
        sparse.push_sparse(&[3, 1, 1], &[1.0, 1.5, 0.5]).unwrap();
        assert_eq!(dense, sparse);
        assert_eq!(sparse.row(0), (&[1u32, 3][..], &[2.0f32, 1.0][..]));
    }

    #[test]
    fn bad_rows_are_refused_and_leave_the_rows_unchanged() {
        let mut rows = CountRows::new(3);
        for (result, needle) in [
            (
                rows.clone().push_dense(&[1.0, 2.0]),
                "count row 1: has 2 counts",
            ),
            (
                rows.clone().push_dense(&[1.0, -1.0, 0.0]),
                "count -1 is invalid",
            ),
            (
                rows.clone().push_sparse(&[0, 3], &[1.0, 1.0]),
                "word id 3 is outside",
            ),
            (
                rows.clone().push_sparse(&[0], &[1.0, 1.0]),
                "1 word ids but 2 counts",
            ),
            (
                rows.clone().push_sparse(&[1], &[f32::INFINITY]),
                "count inf is invalid",
            ),
        ] {
            let e = result.unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{e}");
            assert!(e.to_string().contains(needle), "{e}");
        }
        rows.push_dense(&[0.0, 0.0, 0.0]).unwrap();
        assert_eq!((rows.len(), rows.row(0).0.len()), (1, 0));
        let none: [[f32; 3]; 0] = [];
        assert!(CountRows::from_dense(&none).is_err());
    }
}
