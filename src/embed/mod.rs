//! Word embeddings: cbow, skipgram and batch_skipgram with fastText-compatible subword vectors.

pub mod trainer;
