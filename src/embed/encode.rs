//! Turns a corpus into the compact id stream the trainer reads: the text goes through the
//! pipeline once, in parallel, and every later epoch is a pass over `u32`s.

use crate::corpus::Corpus;
use crate::embed::trainer::SENTENCE_END;
use crate::text::Pipeline;
use crate::vocab::Vocab;
use crate::Result;

/// The corpus as word ids, with [`SENTENCE_END`] after each line that kept at least one word.
pub struct Encoded {
    pub ids: Vec<u32>,
    /// Word ids in `ids` (sentence ends excluded).
    pub tokens: u64,
    /// Lines that kept at least one word.
    pub sentences: u64,
}

/// Encodes `corpus`; words outside `vocab` (below `--min-count`) and labels are dropped, as in
/// fastText.
pub fn encode(corpus: &Corpus, pipeline: &Pipeline, vocab: &Vocab) -> Result<Encoded> {
    let processor = pipeline.processor()?;
    let mut out = Encoded {
        ids: Vec::with_capacity(vocab.ntokens() as usize + vocab.ndocs() as usize),
        tokens: 0,
        sentences: 0,
    };
    corpus.par_map_chunks_with(
        || processor.clone(),
        |processor, chunk| {
            let mut ids = Vec::with_capacity(chunk.text.len() / 5);
            for (_, line) in chunk.lines() {
                let before = ids.len();
                processor.for_each_token(line, |token| {
                    if let Some(id) = vocab.word_id(token) {
                        ids.push(id);
                    }
                });
                if ids.len() > before {
                    ids.push(SENTENCE_END);
                }
            }
            ids
        },
        |ids| {
            let sentences = ids.iter().filter(|&&x| x == SENTENCE_END).count() as u64;
            out.sentences += sentences;
            out.tokens += ids.len() as u64 - sentences;
            out.ids.extend_from_slice(&ids);
            Ok(())
        },
    )?;
    out.ids.shrink_to_fit();
    Ok(out)
}
