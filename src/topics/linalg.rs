//! Dense and sparse matrix helpers for the topic model. Products are split into fixed-size blocks
//! of output rows or columns and run on rayon; because the block size never depends on the thread
//! count and every output element is computed by one `matrixmultiply` call, results are
//! bit-identical for any number of threads.

use ndarray::linalg::general_mat_mul;
use ndarray::parallel::prelude::*;
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis, Zip};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::bow::Bow;

/// Rows (or columns) per parallel block.
const BLOCK: usize = 64;

/// The random generator used for every choice in topic training.
pub type TopicRng = Xoshiro256PlusPlus;

pub fn rng(seed: u64) -> TopicRng {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// `a · b`, parallel over blocks of output rows.
pub fn dot(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Array2<f32> {
    let mut out = Array2::zeros((a.nrows(), b.ncols()));
    out.axis_chunks_iter_mut(Axis(0), BLOCK)
        .into_par_iter()
        .enumerate()
        .for_each(|(i, mut o)| {
            let rows = a.slice(s![i * BLOCK..i * BLOCK + o.nrows(), ..]);
            general_mat_mul(1.0, &rows, &b, 0.0, &mut o);
        });
    out
}

/// `aᵀ · b`, parallel over blocks of output columns (used for weight gradients, where `b` is wide).
pub fn dot_tn(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Array2<f32> {
    let at = a.t();
    let mut out = Array2::zeros((a.ncols(), b.ncols()));
    out.axis_chunks_iter_mut(Axis(1), BLOCK * 4)
        .into_par_iter()
        .enumerate()
        .for_each(|(j, mut o)| {
            let cols = b.slice(s![.., j * BLOCK * 4..j * BLOCK * 4 + o.ncols()]);
            general_mat_mul(1.0, &at, &cols, 0.0, &mut o);
        });
    out
}

/// `x · w` for a sparse batch `x` (documents × words) and dense `w` (words × units).
pub fn sparse_dot(x: &Bow, w: ArrayView2<f32>) -> Array2<f32> {
    let mut out = Array2::zeros((x.n_docs(), w.ncols()));
    out.axis_iter_mut(Axis(0))
        .into_par_iter()
        .enumerate()
        .for_each(|(d, mut o)| {
            let (ids, counts) = x.doc(d);
            for (&id, &c) in ids.iter().zip(counts) {
                o.scaled_add(c, &w.row(id as usize));
            }
        });
    out
}

/// `g += xᵀ · d` for a sparse batch `x`; only the rows of words present in the batch change.
pub fn sparse_t_dot_add(x: &Bow, d: ArrayView2<f32>, g: &mut Array2<f32>) {
    for doc in 0..x.n_docs() {
        let (ids, counts) = x.doc(doc);
        for (&id, &c) in ids.iter().zip(counts) {
            g.row_mut(id as usize).scaled_add(c, &d.row(doc));
        }
    }
}

/// Numerically stable softmax of every row, in place.
pub fn softmax_rows(a: &mut Array2<f32>) {
    a.axis_iter_mut(Axis(0))
        .into_par_iter()
        .for_each(|mut row| {
            let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
            let mut sum = 0.0f64;
            row.mapv_inplace(|v| {
                let e = (v - max).exp();
                sum += e as f64;
                e
            });
            let inv = (1.0 / sum) as f32;
            row.mapv_inplace(|v| v * inv);
        });
}

/// Backward pass of a softmax over one lane `p`: the gradient `g` of its outputs becomes the
/// gradient of its inputs, g ← p ⊙ (g − ⟨g, p⟩).
pub fn softmax_backward(mut g: ArrayViewMut1<f32>, p: ArrayView1<f32>) {
    let inner: f32 = g.iter().zip(p.iter()).map(|(a, b)| a * b).sum();
    Zip::from(&mut g)
        .and(&p)
        .for_each(|gv, &pv| *gv = pv * (*gv - inner));
}

/// Columns per parallel block of the column-wise operations below, which walk each block row by
/// row (contiguous memory) instead of striding down every column.
const COLUMN_BLOCK: usize = 1024;

/// Softmax down every column, in place.
pub fn softmax_columns(a: &mut Array2<f32>) {
    a.axis_chunks_iter_mut(Axis(1), COLUMN_BLOCK)
        .into_par_iter()
        .for_each(|mut block| {
            let mut max = Array1::from_elem(block.ncols(), f32::NEG_INFINITY);
            for row in block.rows() {
                Zip::from(&mut max)
                    .and(&row)
                    .for_each(|m, &v| *m = m.max(v));
            }
            let mut sum = Array1::<f32>::zeros(block.ncols());
            for mut row in block.rows_mut() {
                Zip::from(&mut row)
                    .and(&max)
                    .and(&mut sum)
                    .for_each(|v, &m, s| {
                        *v = (*v - m).exp();
                        *s += *v;
                    });
            }
            sum.mapv_inplace(|s| 1.0 / s);
            for mut row in block.rows_mut() {
                row *= &sum;
            }
        });
}

/// `softmax_backward` for a softmax down every column: `g` ← p ⊙ (g − Σ_rows g ⊙ p).
pub fn softmax_columns_backward(g: &mut Array2<f32>, p: &Array2<f32>) {
    g.axis_chunks_iter_mut(Axis(1), COLUMN_BLOCK)
        .into_par_iter()
        .zip(p.axis_chunks_iter(Axis(1), COLUMN_BLOCK))
        .for_each(|(mut g, p)| {
            let mut inner = Array1::<f32>::zeros(g.ncols());
            for (gr, pr) in g.rows().into_iter().zip(p.rows()) {
                Zip::from(&mut inner)
                    .and(&gr)
                    .and(&pr)
                    .for_each(|s, &gv, &pv| *s += gv * pv);
            }
            for (mut gr, pr) in g.rows_mut().into_iter().zip(p.rows()) {
                Zip::from(&mut gr)
                    .and(&pr)
                    .and(&inner)
                    .for_each(|gv, &pv, &s| *gv = pv * (*gv - s));
            }
        });
}

/// Σ over the rows of `f(a, b)`, per column, accumulated in f64 (`b` may be a broadcast row).
pub fn column_sums_with(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    f: impl Fn(f32, f32) -> f64 + Sync,
) -> Array1<f64> {
    let mut out = Array1::<f64>::zeros(a.ncols());
    out.axis_chunks_iter_mut(Axis(0), COLUMN_BLOCK)
        .into_par_iter()
        .zip(a.axis_chunks_iter(Axis(1), COLUMN_BLOCK))
        .zip(b.axis_chunks_iter(Axis(1), COLUMN_BLOCK))
        .for_each(|((mut o, a), b)| {
            for (ar, br) in a.rows().into_iter().zip(b.rows()) {
                Zip::from(&mut o)
                    .and(&ar)
                    .and(&br)
                    .for_each(|s, &x, &y| *s += f(x, y));
            }
        });
    out
}

/// `aᵀ · x`, summing `a`'s rows scaled by `x` (contiguous, unlike a strided dot per column).
pub fn transposed_dot(a: &Array2<f64>, x: &Array1<f64>) -> Array1<f64> {
    let mut out = Array1::<f64>::zeros(a.ncols());
    out.axis_chunks_iter_mut(Axis(0), COLUMN_BLOCK)
        .into_par_iter()
        .zip(a.axis_chunks_iter(Axis(1), COLUMN_BLOCK))
        .for_each(|(mut o, a)| {
            for (row, &xk) in a.rows().into_iter().zip(x) {
                o.scaled_add(xk, &row);
            }
        });
    out
}

/// One standard normal draw (Box–Muller; uses two uniforms).
pub fn normal(rng: &mut TopicRng) -> f32 {
    let u1: f64 = 1.0 - rng.gen::<f64>(); // (0, 1]
    let u2: f64 = rng.gen();
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
}

/// A matrix of standard normal draws, filled row by row.
pub fn normal_matrix(rows: usize, cols: usize, rng: &mut TopicRng) -> Array2<f32> {
    Array2::from_shape_simple_fn((rows, cols), || normal(rng))
}

/// An inverted-dropout mask: 0 with probability `p`, else `1 / (1 - p)`.
pub fn dropout_mask(rows: usize, cols: usize, p: f32, rng: &mut TopicRng) -> Array2<f32> {
    let keep = 1.0 / (1.0 - p);
    Array2::from_shape_simple_fn(
        (rows, cols),
        || if rng.gen::<f32>() < p { 0.0 } else { keep },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_match_naive() {
        let mut r = rng(1);
        let a = normal_matrix(130, 7, &mut r);
        let b = normal_matrix(7, 300, &mut r);
        let c = dot(a.view(), b.view());
        let naive = a.dot(&b);
        assert!(c
            .iter()
            .zip(naive.iter())
            .all(|(x, y)| (x - y).abs() < 1e-4));
        let d = normal_matrix(130, 300, &mut r);
        let e = dot_tn(a.view(), d.view());
        let naive = a.t().dot(&d);
        assert!(e
            .iter()
            .zip(naive.iter())
            .all(|(x, y)| (x - y).abs() < 1e-3));
    }

    #[test]
    fn transposed_dot_matches_ndarray() {
        let mut r = rng(4);
        let a = normal_matrix(5, 2100, &mut r).mapv(f64::from);
        let x = normal_matrix(1, 5, &mut r).row(0).mapv(f64::from);
        let naive = a.t().dot(&x);
        assert!(transposed_dot(&a, &x)
            .iter()
            .zip(&naive)
            .all(|(p, q)| (p - q).abs() < 1e-12));
    }

    #[test]
    fn column_softmax_matches_lane_by_lane() {
        let mut r = rng(2);
        let a = normal_matrix(7, 2500, &mut r);
        let mut by_rows = a.t().to_owned();
        softmax_rows(&mut by_rows);
        let mut by_columns = a.clone();
        softmax_columns(&mut by_columns);
        assert!(by_columns
            .iter()
            .zip(by_rows.t().iter())
            .all(|(x, y)| (x - y).abs() < 1e-6));
        let g = normal_matrix(7, 2500, &mut r);
        let mut lanes = g.clone();
        Zip::from(lanes.columns_mut())
            .and(by_columns.columns())
            .for_each(softmax_backward);
        let mut blocks = g;
        softmax_columns_backward(&mut blocks, &by_columns);
        assert!(blocks
            .iter()
            .zip(lanes.iter())
            .all(|(x, y)| (x - y).abs() < 1e-6));
    }

    #[test]
    fn sparse_products_match_dense() {
        let mut x = Bow::new(4);
        x.push_counts(&mut [(0, 2.0), (3, 1.0)]);
        x.push_counts(&mut []);
        x.push_counts(&mut [(1, 1.0), (2, 3.0)]);
        let dense = ndarray::array![[2.0f32, 0., 0., 1.], [0., 0., 0., 0.], [0., 1., 3., 0.]];
        let w = normal_matrix(4, 5, &mut rng(2));
        let got = sparse_dot(&x, w.view());
        assert!(got
            .iter()
            .zip(dense.dot(&w).iter())
            .all(|(a, b)| (a - b).abs() < 1e-5));
        let d = normal_matrix(3, 5, &mut rng(3));
        let mut g = Array2::zeros((4, 5));
        sparse_t_dot_add(&x, d.view(), &mut g);
        let want = dense.t().dot(&d);
        assert!(g.iter().zip(want.iter()).all(|(a, b)| (a - b).abs() < 1e-5));
    }

    #[test]
    fn softmax_and_noise() {
        let mut a = ndarray::array![[1.0f32, 2.0, 3.0], [1000.0, 1000.0, -1000.0]];
        softmax_rows(&mut a);
        assert!((a.row(0).sum() - 1.0).abs() < 1e-6);
        assert!((a[[1, 0]] - 0.5).abs() < 1e-6 && a[[1, 2]] == 0.0);
        let n = normal_matrix(200, 50, &mut rng(4));
        let mean = n.mean().unwrap();
        let var = n.mapv(|v| (v - mean) * (v - mean)).mean().unwrap();
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
        let m = dropout_mask(100, 100, 0.25, &mut rng(5));
        let kept = m.iter().filter(|&&v| v > 0.0).count() as f32 / 1e4;
        assert!((kept - 0.75).abs() < 0.03);
    }
}
