//! fastText's quantized models (`.ftz`, written by `fasttext quantize`): product-quantized
//! matrices and the pruning index of a pruned dictionary, read and turned back into the dense
//! rows and row ids the rest of blazetext uses.
//!
//! A quantized matrix (fastText's `QuantMatrix`) is stored as: `bool` qnorm, `i64` rows, `i64`
//! cols, `i32` code count, one `u8` code per row and sub-quantizer, the product quantizer, and
//! with qnorm one `u8` norm code per row plus a one-dimensional quantizer for the norms. A
//! product quantizer is `i32` dim, `i32` sub-quantizer count, `i32` sub-vector length (`dsub`),
//! `i32` length of the last sub-vector, then 256 centroids per sub-quantizer (`dim × 256` f32).
//!
//! Rows are dequantized once, at load: a pruned classifier keeps few rows, so the dense copy is
//! small, and prediction then runs on the same code as an unquantized model.

use std::collections::HashMap;

use crate::io::fasttext::Reader;
use crate::io::{first_non_finite, reserve_f32s, NOT_FINITE};
use crate::matrix::Matrix;
use crate::Result;

/// Centroids per sub-quantizer: each code is one byte.
const KSUB: usize = 256;

/// A product quantizer: the vector is cut into sub-vectors of `dsub` values (the last one
/// `last_dsub`), each replaced by one of 256 centroids.
struct ProductQuantizer {
    dsub: usize,
    last_dsub: usize,
    nsubq: usize,
    /// Sub-quantizer `m`'s centroids, 256 of `dsub` values each (`last_dsub` for the last one),
    /// one sub-quantizer after the other.
    centroids: Vec<f32>,
}

impl ProductQuantizer {
    /// Reads a quantizer of vectors of `dim` values and checks its layout fits that dimension.
    fn read(r: &mut Reader, dim: usize, what: &str) -> Result<ProductQuantizer> {
        let what = format!("the product quantizer of {what}");
        let mut header = [0i32; 4];
        for v in &mut header {
            *v = r.i32(&what)?;
        }
        let [qdim, nsubq, dsub, last_dsub] = header;
        // fastText: nsubq = ceil(dim / dsub), the last sub-vector takes what is left.
        let consistent = qdim as i64 == dim as i64
            && dsub >= 1
            && nsubq >= 1
            && last_dsub >= 1
            && last_dsub <= dsub
            && (nsubq as i64 - 1) * dsub as i64 + last_dsub as i64 == dim as i64;
        if !consistent {
            return Err(r.corrupt(format!(
                "{what} has dim {qdim}, {nsubq} sub-quantizers of {dsub} values and a last one \
                 of {last_dsub}, which does not cut vectors of {dim} values"
            )));
        }
        let n = dim as u64 * KSUB as u64;
        let centroids = read_centroids(r, n, &format!("the centroids of {what}"))?;
        Ok(ProductQuantizer {
            dsub: dsub as usize,
            last_dsub: last_dsub as usize,
            nsubq: nsubq as usize,
            centroids,
        })
    }

    /// Centroid `code` of sub-quantizer `m`.
    fn centroid(&self, m: usize, code: u8) -> &[f32] {
        let code = code as usize;
        let start = m * KSUB * self.dsub;
        let len = if m + 1 == self.nsubq {
            self.last_dsub
        } else {
            self.dsub
        };
        let at = start + code * len;
        &self.centroids[at..at + len]
    }

    /// Writes the vector of `codes` (one per sub-quantizer) times `scale` into `out`.
    fn decode(&self, codes: &[u8], scale: f32, out: &mut [f32]) {
        for (m, &code) in codes.iter().enumerate() {
            let c = self.centroid(m, code);
            let dst = &mut out[m * self.dsub..m * self.dsub + c.len()];
            dst.iter_mut().zip(c).for_each(|(d, &x)| *d = x * scale);
        }
    }
}

/// Reads the quantized `which` matrix at the reader's position (after its `bool` flag) and
/// returns it dequantized: row `i` is the concatenation of its sub-vectors' centroids, times its
/// quantized norm when the file has them. Every size read is checked against the bytes left in
/// the file before anything is allocated.
pub(crate) fn read_dequantized(r: &mut Reader, which: &str) -> Result<Matrix> {
    let what = format!("the quantized {which} matrix header");
    let qnorm = match r.bytes::<1>(&what)?[0] {
        0 => false,
        1 => true,
        other => return Err(r.corrupt(format!("the qnorm flag of {what} is {other}, not 0 or 1"))),
    };
    let rows = r.i64(&what)?;
    let cols = r.i64(&what)?;
    let code_count = r.i32(&what)?;
    let shape = usize::try_from(rows)
        .ok()
        .zip(usize::try_from(cols).ok())
        .filter(|&(_, c)| c >= 1 && c as u64 <= crate::io::MAX_DIM);
    let Some((rows, cols)) = shape else {
        return Err(r.corrupt(format!(
            "invalid quantized {which} matrix size {rows}x{cols}"
        )));
    };
    let codes = r.byte_vec(
        u64::try_from(code_count).unwrap_or(u64::MAX),
        &format!("the codes of the quantized {which} matrix"),
    )?;
    let pq = ProductQuantizer::read(r, cols, &format!("the {which} matrix"))?;
    if Some(codes.len()) != rows.checked_mul(pq.nsubq) {
        return Err(r.corrupt(format!(
            "the quantized {which} matrix has {} codes but {rows} rows of {} sub-quantizers \
             need {}",
            codes.len(),
            pq.nsubq,
            rows as u128 * pq.nsubq as u128
        )));
    }
    let norms = if qnorm {
        let codes = r.byte_vec(rows as u64, &format!("the norms of the {which} matrix"))?;
        let npq = ProductQuantizer::read(r, 1, &format!("the {which} matrix's norms"))?;
        Some((codes, npq))
    } else {
        None
    };
    let Some(n) = rows.checked_mul(cols) else {
        return Err(r.corrupt(format!(
            "invalid quantized {which} matrix size {rows}x{cols}"
        )));
    };
    let mut data = reserve_f32s(r.path, n)?;
    data.resize(n, 0.0);
    for (i, row) in data.chunks_exact_mut(cols).enumerate() {
        let scale = norms
            .as_ref()
            .map_or(1.0, |(codes, npq)| npq.centroid(0, codes[i])[0]);
        pq.decode(&codes[i * pq.nsubq..(i + 1) * pq.nsubq], scale, row);
    }
    Ok(Matrix::from_vec(rows, cols, data))
}

/// `n` little-endian f32 values, all finite.
fn read_centroids(r: &mut Reader, n: u64, what: &str) -> Result<Vec<f32>> {
    let bytes = r.byte_vec(n.saturating_mul(4), what)?;
    let values: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    if first_non_finite(&values).is_some() {
        return Err(r.corrupt(format!("{what} holds a value that is {NOT_FINITE}")));
    }
    Ok(values)
}

/// The pruning index of a dictionary pruned by `fasttext quantize -cutoff`: which hash buckets
/// (character and word n-grams) kept a row, and where it is. An n-gram whose bucket was pruned
/// is left out of the input, as fastText does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PruneIndex {
    /// Bucket → row among the kept n-gram rows (which follow the word rows).
    rows: HashMap<u32, u32>,
}

impl PruneIndex {
    /// Reads `size` (bucket, row) pairs, each bucket below `bucket` and each row below `size`
    /// (the kept n-gram rows number exactly `size`).
    pub(crate) fn read(r: &mut Reader, size: u64, bucket: u32) -> Result<PruneIndex> {
        let what = "the pruning index of the dictionary";
        let bytes = r.byte_vec(size.saturating_mul(8), what)?;
        let mut rows = HashMap::with_capacity(size as usize);
        for pair in bytes.chunks_exact(8) {
            let key = i32::from_le_bytes([pair[0], pair[1], pair[2], pair[3]]);
            let row = i32::from_le_bytes([pair[4], pair[5], pair[6], pair[7]]);
            match (u32::try_from(key), u32::try_from(row)) {
                (Ok(k), Ok(v)) if k < bucket && u64::from(v) < size => {
                    rows.insert(k, v);
                }
                _ => {
                    return Err(r.corrupt(format!(
                        "{what} maps bucket {key} to row {row}, but buckets go from 0 to {} \
                         and the {size} kept n-gram rows from 0 to {}",
                        i64::from(bucket) - 1,
                        size as i64 - 1
                    )))
                }
            }
        }
        Ok(PruneIndex { rows })
    }

    /// Where input row `id` went: word rows (below `nwords`) stay, the row of bucket `b`
    /// (`nwords + b`) becomes `nwords +` its kept row, and a pruned bucket has none.
    pub(crate) fn row(&self, nwords: u32, id: u32) -> Option<u32> {
        match id.checked_sub(nwords) {
            None => Some(id),
            Some(bucket) => self.rows.get(&bucket).map(|&kept| nwords + kept),
        }
    }

    /// Rewrites a line's input rows in place with [`row`](Self::row), keeping their order.
    pub(crate) fn remap(&self, nwords: u32, rows: &mut Vec<u32>) {
        rows.retain_mut(|id| match self.row(nwords, *id) {
            Some(kept) => {
                *id = kept;
                true
            }
            None => false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruned_buckets_are_dropped_and_kept_ones_renumbered() {
        let index = PruneIndex {
            rows: HashMap::from([(7, 0), (3, 1)]),
        };
        let mut rows = vec![2, 10 + 3, 10 + 5, 0, 10 + 7];
        index.remap(10, &mut rows);
        assert_eq!(rows, [2, 11, 0, 10]);
    }

    #[test]
    fn the_last_sub_vector_may_be_shorter() {
        // dim 5 cut into 2 + 2 + 1; centroid `i` of sub-quantizer `m` is filled with m·1000 + i.
        let (dsub, last_dsub, nsubq) = (2, 1, 3);
        let mut centroids = Vec::new();
        for m in 0..nsubq {
            let len = if m + 1 == nsubq { last_dsub } else { dsub };
            for i in 0..KSUB {
                centroids.extend(std::iter::repeat_n((m * 1000 + i) as f32, len));
            }
        }
        let pq = ProductQuantizer {
            dsub,
            last_dsub,
            nsubq,
            centroids,
        };
        let mut out = [0.0; 5];
        pq.decode(&[4, 255, 9], 0.5, &mut out);
        assert_eq!(out, [2.0, 2.0, 627.5, 627.5, 1004.5]);
    }
}
