//! Query latency: one nearest-neighbour or analogy query over a 1M-word, 100-dim vocabulary
//! (brute force over unit vectors, parallel on rayon's pool; `RAYON_NUM_THREADS=2` to pin).
//!
//! Run: `cargo bench --bench query`

use std::sync::LazyLock;

use blazetext::format::Matrix;
use blazetext::{AnalogyMethod, WordVectors};

const WORDS: usize = 1_000_000;
const DIM: usize = 100;

/// A deterministic random index (xorshift), built once for all benchmarks.
static VECTORS: LazyLock<WordVectors> = LazyLock::new(|| {
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
    let vectors = WordVectors::from_vectors(words, Matrix::from_vec(WORDS, DIM, data))
        .expect("one vector per word");
    // The first query builds the search index; build it before timing.
    vectors.nearest("w0", 1).expect("w0 is in the vocabulary");
    vectors
});

fn main() {
    LazyLock::force(&VECTORS);
    divan::main();
}

#[divan::bench(sample_count = 30)]
fn nearest_k10_1m_dim100() -> usize {
    VECTORS.nearest(divan::black_box("w42"), 10).unwrap().len()
}

#[divan::bench(sample_count = 30, args = [AnalogyMethod::CosAdd, AnalogyMethod::CosMul])]
fn analogy_k10_1m_dim100(method: AnalogyMethod) -> usize {
    let [a, b, c] = divan::black_box(["w1", "w2", "w3"]);
    VECTORS.analogy(a, b, c, 10, method).unwrap().len()
}
