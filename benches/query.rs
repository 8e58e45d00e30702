//! Query latency: one nearest-neighbour or analogy query over a 1M-word, 100-dim vocabulary
//! (brute force over unit vectors, parallel on rayon's pool; `RAYON_NUM_THREADS=2` to pin).
//!
//! Run: `cargo bench --bench query`

use std::sync::LazyLock;

use blazetext::matrix::Matrix;
use blazetext::query::{AnalogyMethod, Index};

const WORDS: usize = 1_000_000;
const DIM: usize = 100;

/// A deterministic random index (xorshift), built once for all benchmarks.
static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let data = (0..WORDS * DIM)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        })
        .collect();
    let words = (0..WORDS).map(|i| format!("w{i}")).collect();
    Index::from_vectors(words, Matrix::from_vec(WORDS, DIM, data))
});

fn main() {
    LazyLock::force(&INDEX);
    divan::main();
}

#[divan::bench(sample_count = 30)]
fn nearest_k10_1m_dim100() -> usize {
    let ix = &*INDEX;
    let q = divan::black_box(ix.unit_vector(42).to_vec());
    ix.nearest(&q, 10, &[42], usize::MAX).len()
}

#[divan::bench(sample_count = 30, args = [AnalogyMethod::CosAdd, AnalogyMethod::CosMul])]
fn analogy_k10_1m_dim100(method: AnalogyMethod) -> usize {
    let ix = &*INDEX;
    let v = |i| divan::black_box(ix.unit_vector(i).to_vec());
    ix.analogy(method, &v(1), &v(2), &v(3), 10, &[1, 2, 3], usize::MAX)
        .len()
}
