//! The crate's one unsafe module: a matrix that several training threads read and update
//! without locks (Hogwild, Recht et al. 2011), and the dot/axpy kernels used on its rows.
//!
//! No function here hands out a reference into the shared storage: callers pass their own
//! thread-local buffers and every raw row slice lives only inside one method call. Concurrent
//! updates of the same row by two threads can interleave (one thread may read a row half-way
//! through another thread's update, or an update may be lost); stochastic gradient descent
//! tolerates this, which is the whole point of Hogwild, and it is what fastText and word2vec do.
//! With one thread there is no sharing at all and results are bit-identical for a given seed.

use std::cell::UnsafeCell;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::matrix::Matrix;

/// A row-major `f32` matrix shared by training threads without locks.
pub struct SharedMatrix {
    /// `UnsafeCell` tells the compiler that the floats change behind `&self`.
    data: Box<[UnsafeCell<f32>]>,
    rows: usize,
    cols: usize,
}

// SAFETY: the storage is only touched through the methods below, which read or write plain
// `f32`s inside bounds-checked rows. Cross-thread interleavings can only lose or mix gradient
// updates (the Hogwild trade-off documented above); they cannot break memory safety because
// no reference into the storage outlives a method call and `f32` has no invalid bit patterns.
unsafe impl Sync for SharedMatrix {}

impl SharedMatrix {
    pub fn new(matrix: Matrix) -> Self {
        let (rows, cols) = (matrix.rows(), matrix.cols());
        // Same layout, so the standard library reuses the allocation (no second copy).
        let data = matrix
            .into_vec()
            .into_iter()
            .map(UnsafeCell::new)
            .collect::<Vec<_>>()
            .into_boxed_slice();
        SharedMatrix { data, rows, cols }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Gives the trained matrix back once all threads are done (ownership proves it).
    pub fn into_inner(self) -> Matrix {
        let data = self
            .data
            .into_vec()
            .into_iter()
            .map(UnsafeCell::into_inner)
            .collect();
        Matrix::from_vec(self.rows, self.cols, data)
    }

    /// Pointer to the first float of row `i`; panics (a programming error) when out of range.
    #[inline(always)]
    fn row_ptr(&self, i: usize) -> *mut f32 {
        assert!(i < self.rows, "row {i} out of range ({} rows)", self.rows);
        // SAFETY: i < rows, so offset i*cols is inside the allocation of rows*cols cells.
        let cell = unsafe { self.data.as_ptr().add(i * self.cols) };
        // The pointer keeps the whole slice's provenance, so the row's `cols` floats are
        // reachable from it; `UnsafeCell<f32>` has the layout of `f32`.
        UnsafeCell::raw_get(cell)
    }

    /// Whether every cell is a finite number (no NaN, no infinity): the check that training has
    /// not diverged. Rows are read in parallel on the caller's pool.
    pub fn all_finite(&self) -> bool {
        (0..self.rows)
            .into_par_iter()
            .map_init(
                || vec![0.0; self.cols],
                |row, i| {
                    self.copy_row(i, row);
                    row.iter().all(|x| x.is_finite())
                },
            )
            .all(|finite| finite)
    }

    /// `row_i · v`.
    #[inline]
    pub fn dot_row(&self, i: usize, v: &[f32]) -> f32 {
        assert_eq!(v.len(), self.cols);
        let p = self.row_ptr(i);
        // SAFETY: `p` points at `cols` consecutive initialised floats of row i (bounds checked
        // in `row_ptr`); the slice lives only for this call and `v` is caller-owned memory,
        // never a view into `self` (no method returns one), so they do not alias.
        let row = unsafe { std::slice::from_raw_parts(p, self.cols) };
        dot(row, v)
    }

    /// `dst += scale * row_i`.
    #[inline]
    pub fn add_row_to(&self, i: usize, scale: f32, dst: &mut [f32]) {
        assert_eq!(dst.len(), self.cols);
        let p = self.row_ptr(i);
        // SAFETY: as in `dot_row`: bounds checked, slice confined to this call, `dst` is a
        // caller-owned buffer that cannot overlap the shared storage.
        let row = unsafe { std::slice::from_raw_parts(p, self.cols) };
        axpy(scale, row, dst);
    }

    /// `row_i += scale * v`.
    #[inline]
    pub fn add_to_row(&self, i: usize, scale: f32, v: &[f32]) {
        assert_eq!(v.len(), self.cols);
        let p = self.row_ptr(i);
        // SAFETY: bounds checked in `row_ptr`; this thread holds no other reference into the
        // storage while the mutable slice lives (it ends with this call) and `v` is
        // caller-owned. Other threads may touch the same row concurrently: that is the
        // Hogwild race described in the module docs, which only perturbs the update.
        let row = unsafe { std::slice::from_raw_parts_mut(p, self.cols) };
        axpy(scale, v, row);
    }

    /// `out[c] = row_c · v` for every row (one CPU-feature dispatch for the whole matrix).
    pub fn dot_all_rows(&self, v: &[f32], out: &mut Vec<f32>) {
        assert_eq!(v.len(), self.cols);
        out.clear();
        out.resize(self.rows, 0.0);
        #[cfg(target_arch = "x86_64")]
        if has_avx2_fma() {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            return unsafe { self.dot_all_rows_avx2(v, out) };
        }
        self.dot_all_rows_with::<Separate>(v, out)
    }

    /// For every row c: `grad += alphas[c] · row_c`, then `row_c += alphas[c] · v`, in one pass
    /// over the row and in row order — what [`Self::add_row_to`] then [`Self::add_to_row`] do
    /// row by row, with one CPU-feature dispatch for the whole matrix. Rows with a zero alpha
    /// are skipped.
    pub fn update_all_rows(&self, alphas: &[f32], v: &[f32], grad: &mut [f32]) {
        assert_eq!(alphas.len(), self.rows);
        assert_eq!(v.len(), self.cols);
        assert_eq!(grad.len(), self.cols);
        #[cfg(target_arch = "x86_64")]
        if has_avx2_fma() {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            return unsafe { self.update_all_rows_avx2(alphas, v, grad) };
        }
        self.update_all_rows_with::<Separate>(alphas, v, grad)
    }

    #[inline(always)]
    fn dot_all_rows_with<M: MulAdd>(&self, v: &[f32], out: &mut [f32]) {
        for (c, o) in out.iter_mut().enumerate() {
            let p = self.row_ptr(c);
            // SAFETY: as in `dot_row`.
            let row = unsafe { std::slice::from_raw_parts(p, self.cols) };
            *o = dot_kernel::<M>(row, v);
        }
    }

    #[inline(always)]
    fn update_all_rows_with<M: MulAdd>(&self, alphas: &[f32], v: &[f32], grad: &mut [f32]) {
        for (c, &alpha) in alphas.iter().enumerate() {
            if alpha == 0.0 {
                continue;
            }
            let p = self.row_ptr(c);
            // SAFETY: as in `add_to_row`: bounds checked, the mutable slice ends with this
            // iteration, `v` and `grad` are caller-owned; concurrent writers are the Hogwild race.
            let row = unsafe { std::slice::from_raw_parts_mut(p, self.cols) };
            update_kernel::<M>(alpha, row, v, grad);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn dot_all_rows_avx2(&self, v: &[f32], out: &mut [f32]) {
        self.dot_all_rows_with::<Fused>(v, out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn update_all_rows_avx2(&self, alphas: &[f32], v: &[f32], grad: &mut [f32]) {
        self.update_all_rows_with::<Fused>(alphas, v, grad)
    }

    /// `dst = mean of the rows listed in `rows`` (zero when `rows` is empty).
    pub fn average_rows(&self, rows: &[u32], dst: &mut [f32]) {
        dst.fill(0.0);
        for &r in rows {
            self.add_row_to(r as usize, 1.0, dst);
        }
        if !rows.is_empty() {
            let inv = 1.0 / rows.len() as f32;
            dst.iter_mut().for_each(|x| *x *= inv);
        }
    }

    /// `row_r += scale * v` for every `r` in `rows`.
    pub fn add_to_rows(&self, rows: &[u32], scale: f32, v: &[f32]) {
        for &r in rows {
            self.add_to_row(r as usize, scale, v);
        }
    }

    /// Copies row `i` into `dst`.
    pub fn copy_row(&self, i: usize, dst: &mut [f32]) {
        assert_eq!(dst.len(), self.cols);
        let p = self.row_ptr(i);
        // SAFETY: as in `dot_row`.
        let row = unsafe { std::slice::from_raw_parts(p, self.cols) };
        dst.copy_from_slice(row);
    }
}

/// A `rows × cols` matrix with every entry drawn from uniform(−1/cols, 1/cols), as word2vec and
/// fastText initialise input vectors — but over the whole matrix (fastText's per-thread
/// initialisation leaves rows zero with fewer than 10 threads).
pub fn uniform_matrix(rows: usize, cols: usize, seed: u64) -> Matrix {
    let mut m = Matrix::zeros(rows, cols);
    fill_uniform_rows(&mut m, seed, |_| true);
    m
}

/// Draws the rows `keep` selects from uniform(−1/cols, 1/cols) and leaves the others as they
/// are. Blocks of the storage get their own seeded generator, so the result depends on `seed`
/// and `keep` only, not on the number of rayon threads; rows not kept cost no draws.
pub fn fill_uniform_rows(m: &mut Matrix, seed: u64, keep: impl Fn(usize) -> bool + Sync) {
    const BLOCK: usize = 1 << 16;
    let cols = m.cols().max(1);
    let bound = 1.0 / cols as f32;
    m.as_mut_slice()
        .par_chunks_mut(BLOCK)
        .enumerate()
        .for_each(|(b, chunk)| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(
                seed ^ (b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let start = b * BLOCK;
            let mut at = 0;
            while at < chunk.len() {
                let row = (start + at) / cols;
                let end = ((row + 1) * cols - start).min(chunk.len());
                if keep(row) {
                    for x in &mut chunk[at..end] {
                        *x = rng.gen_range(-bound..bound);
                    }
                }
                at = end;
            }
        });
}

/// Whether the AVX2 + FMA kernels may run (the standard library caches the answer).
#[cfg(target_arch = "x86_64")]
#[inline]
fn has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// `a · b` (equal lengths).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above).
        return unsafe { dot_avx2(a, b) };
    }
    dot_portable(a, b)
}

/// `y += alpha * x` (equal lengths).
#[inline]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above).
        return unsafe { axpy_avx2(alpha, x, y) };
    }
    axpy_portable(alpha, x, y)
}

/// The kernels are written once, generic over how a multiply-add is done, so LLVM
/// vectorises them for the baseline target and again for AVX2+FMA.
trait MulAdd {
    fn mul_add(a: f32, b: f32, c: f32) -> f32;
}
struct Fused;
struct Separate;
impl MulAdd for Fused {
    #[inline(always)]
    fn mul_add(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
}
impl MulAdd for Separate {
    #[inline(always)]
    fn mul_add(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
}

#[inline(always)]
fn dot_kernel<M: MulAdd>(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    // Two independent 8-lane accumulators hide the add latency.
    let mut acc0 = [0f32; 8];
    let mut acc1 = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(16), b.chunks_exact(16));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for j in 0..8 {
            acc0[j] = M::mul_add(x[j], y[j], acc0[j]);
            acc1[j] = M::mul_add(x[j + 8], y[j + 8], acc1[j]);
        }
    }
    let mut tail = 0f32;
    for (x, y) in ra.iter().zip(rb) {
        tail = M::mul_add(*x, *y, tail);
    }
    let mut s = [0f32; 8];
    for j in 0..8 {
        s[j] = acc0[j] + acc1[j];
    }
    ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])) + tail
}

#[inline(always)]
fn axpy_kernel<M: MulAdd>(alpha: f32, x: &[f32], y: &mut [f32]) {
    assert_eq!(x.len(), y.len());
    let mut cy = y.chunks_exact_mut(8);
    let mut cx = x.chunks_exact(8);
    for (yc, xc) in (&mut cy).zip(&mut cx) {
        for j in 0..8 {
            yc[j] = M::mul_add(alpha, xc[j], yc[j]);
        }
    }
    for (yv, xv) in cy.into_remainder().iter_mut().zip(cx.remainder()) {
        *yv = M::mul_add(alpha, *xv, *yv);
    }
}

/// `grad += alpha · row`, then `row += alpha · v` (the old row goes into `grad`).
#[inline(always)]
fn update_kernel<M: MulAdd>(alpha: f32, row: &mut [f32], v: &[f32], grad: &mut [f32]) {
    assert!(row.len() == v.len() && row.len() == grad.len());
    let mut cr = row.chunks_exact_mut(8);
    let mut cv = v.chunks_exact(8);
    let mut cg = grad.chunks_exact_mut(8);
    for ((rc, vc), gc) in (&mut cr).zip(&mut cv).zip(&mut cg) {
        for j in 0..8 {
            gc[j] = M::mul_add(alpha, rc[j], gc[j]);
            rc[j] = M::mul_add(alpha, vc[j], rc[j]);
        }
    }
    let tail = cr.into_remainder().iter_mut().zip(cv.remainder());
    for ((r, x), g) in tail.zip(cg.into_remainder()) {
        *g = M::mul_add(alpha, *r, *g);
        *r = M::mul_add(alpha, *x, *r);
    }
}

fn dot_portable(a: &[f32], b: &[f32]) -> f32 {
    dot_kernel::<Separate>(a, b)
}

fn axpy_portable(alpha: f32, x: &[f32], y: &mut [f32]) {
    axpy_kernel::<Separate>(alpha, x, y)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    dot_kernel::<Fused>(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn axpy_avx2(alpha: f32, x: &[f32], y: &mut [f32]) {
    axpy_kernel::<Fused>(alpha, x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_dot(a: &[f32], b: &[f32]) -> f64 {
        a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum()
    }

    #[test]
    fn kernels_match_naive_for_all_lengths() {
        for n in 0..70 {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
            let d = dot(&a, &b) as f64;
            assert!((d - naive_dot(&a, &b)).abs() < 1e-4, "n={n}");
            assert!((dot_portable(&a, &b) as f64 - naive_dot(&a, &b)).abs() < 1e-4);
            let mut y = b.clone();
            axpy(0.5, &a, &mut y);
            let mut z = b.clone();
            axpy_portable(0.5, &a, &mut z);
            for i in 0..n {
                let want = b[i] + 0.5 * a[i];
                assert!((y[i] - want).abs() < 1e-6 && (z[i] - want).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn shared_matrix_row_ops() {
        let m = SharedMatrix::new(Matrix::from_vec(2, 3, vec![1., 2., 3., 4., 5., 6.]));
        assert_eq!(m.dot_row(1, &[1., 0., 1.]), 10.);
        let mut buf = vec![0.; 3];
        m.add_row_to(0, 2., &mut buf);
        assert_eq!(buf, vec![2., 4., 6.]);
        m.add_to_row(1, -1., &[4., 5., 6.]);
        m.copy_row(1, &mut buf);
        assert_eq!(buf, vec![0., 0., 0.]);
        m.average_rows(&[0, 0, 1], &mut buf);
        assert_eq!(buf, vec![2. / 3., 4. / 3., 2.]);
        m.add_to_rows(&[1, 1], 0.5, &[1., 1., 1.]);
        let back = m.into_inner();
        assert_eq!(back.as_slice(), &[1., 2., 3., 1., 1., 1.]);
    }

    #[test]
    fn hogwild_threads_update_concurrently() {
        let m = SharedMatrix::new(Matrix::zeros(4, 8));
        std::thread::scope(|s| {
            for t in 0..4 {
                let m = &m;
                s.spawn(move || {
                    for _ in 0..1000 {
                        m.add_to_row(t, 1.0, &[1.0; 8]);
                    }
                });
            }
        });
        // Each thread owns one row here, so no update can be lost.
        let back = m.into_inner();
        assert!(back.as_slice().iter().all(|&x| x == 1000.0));
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn row_out_of_range_panics() {
        let m = SharedMatrix::new(Matrix::zeros(2, 2));
        m.dot_row(2, &[0., 0.]);
    }

    #[test]
    fn uniform_init_covers_every_row_and_is_seeded() {
        let m = uniform_matrix(70_000, 5, 7);
        let bound = 1.0 / 5.0;
        for r in 0..m.rows() {
            assert!(m.row(r).iter().any(|&x| x != 0.0), "row {r} is all zero");
        }
        assert!(m.as_slice().iter().all(|&x| (-bound..bound).contains(&x)));
        assert_eq!(m, uniform_matrix(70_000, 5, 7));
        assert_ne!(m, uniform_matrix(70_000, 5, 8));
        let mean: f64 = m.as_slice().iter().map(|&x| x as f64).sum::<f64>() / 350_000.0;
        assert!(mean.abs() < 1e-3);
    }

    #[test]
    fn whole_matrix_sweeps_match_row_by_row_updates() {
        for cols in [1, 7, 8, 50, 100] {
            let rows = 13;
            let m = uniform_matrix(rows, cols, 11);
            let v: Vec<f32> = (0..cols).map(|j| (j as f32 * 0.3).cos()).collect();
            let alphas: Vec<f32> = (0..rows)
                .map(|c| {
                    if c % 4 == 0 {
                        0.0
                    } else {
                        0.1 * c as f32 - 0.5
                    }
                })
                .collect();
            let (swept, one_by_one) = (SharedMatrix::new(m.clone()), SharedMatrix::new(m));
            let mut scores = Vec::new();
            swept.dot_all_rows(&v, &mut scores);
            let by_row: Vec<f32> = (0..rows).map(|c| one_by_one.dot_row(c, &v)).collect();
            assert_eq!(scores, by_row, "cols {cols}");
            let (mut g1, mut g2) = (vec![0.25; cols], vec![0.25; cols]);
            swept.update_all_rows(&alphas, &v, &mut g1);
            for (c, &a) in alphas.iter().enumerate() {
                one_by_one.add_row_to(c, a, &mut g2);
                one_by_one.add_to_row(c, a, &v);
            }
            assert_eq!(g1, g2, "cols {cols}");
            assert_eq!(swept.into_inner(), one_by_one.into_inner(), "cols {cols}");
        }
    }

    #[test]
    fn fill_uniform_rows_draws_only_the_kept_rows() {
        let mut m = Matrix::zeros(1_000, 100);
        fill_uniform_rows(&mut m, 3, |r| r % 3 == 0);
        for r in 0..m.rows() {
            let drawn = m.row(r).iter().all(|&x| x != 0.0 && x.abs() < 0.01);
            let zero = m.row(r).iter().all(|&x| x == 0.0);
            assert!(if r % 3 == 0 { drawn } else { zero }, "row {r}");
        }
        let mut again = Matrix::zeros(1_000, 100);
        fill_uniform_rows(&mut again, 3, |r| r % 3 == 0);
        assert_eq!(m, again);
    }
}
