//! Running a compiled pipeline over a whole corpus: one line of tokens out per line in, and the
//! figures such a run reports.

use std::hash::BuildHasher;
use std::io::Write;
use std::path::Path;

use super::Processor;
use crate::corpus::{Corpus, ReadStats};
use crate::{Error, Result};

/// What a run over a corpus read and wrote.
#[derive(Debug, Clone, Default)]
pub(crate) struct Figures {
    pub(crate) read: ReadStats,
    /// Words of the raw lines, split on whitespace: what a user sees as words.
    pub(crate) tokens_in: u64,
    pub(crate) tokens_out: u64,
    /// Distinct output tokens.
    pub(crate) types: usize,
}

/// The output of one chunk: its text and token figures.
struct ChunkOutput {
    text: Vec<u8>,
    bytes: u64,
    tokens_in: u64,
    tokens_out: u64,
}

/// Writes the tokens of every line of `corpus` to `sink`, space-separated, one output line per
/// input line, in input order. `after_chunk` is called with the input bytes and words done so far
/// once each chunk is written. Write errors name `sink_name`.
pub(crate) fn write_tokens(
    corpus: &Corpus,
    processor: &Processor,
    sink: &mut impl Write,
    sink_name: &Path,
    mut after_chunk: impl FnMut(u64, u64),
) -> Result<Figures> {
    let mut figures = Figures::default();
    let mut bytes_done = 0;
    // Types are counted as hashes of the distinct tokens, one set per thread merged at the end:
    // no strings stored, and a 64-bit collision among a few million types is vanishingly unlikely.
    let (read, states) = corpus.par_map_chunks_with_states(
        || (processor.clone(), hashbrown::HashSet::<u64>::new()),
        |(processor, types), chunk| {
            let mut out = ChunkOutput {
                text: Vec::with_capacity(chunk.text.len()),
                bytes: chunk.text.len() as u64,
                tokens_in: 0,
                tokens_out: 0,
            };
            let hasher = foldhash::fast::FixedState::with_seed(0);
            // Most tokens are frequent words: a direct-mapped cache of recently seen hashes
            // (128 KiB, small enough to stay in a core's cache) spares the set most look-ups.
            let mut recent = vec![0u64; 1 << 14];
            for (_, line) in chunk.lines() {
                out.tokens_in += count_words(line);
                let mut first = true;
                processor.for_each_token(line, |token| {
                    if !first {
                        out.text.push(b' ');
                    }
                    first = false;
                    out.text.extend_from_slice(token.as_bytes());
                    out.tokens_out += 1;
                    let hash = hasher.hash_one(token);
                    let slot = &mut recent[(hash >> 50) as usize];
                    if *slot != hash {
                        *slot = hash;
                        types.insert(hash);
                    }
                });
                out.text.push(b'\n');
            }
            out
        },
        |out| {
            sink.write_all(&out.text)
                .map_err(|e| Error::io(sink_name, e))?;
            figures.tokens_in += out.tokens_in;
            figures.tokens_out += out.tokens_out;
            bytes_done += out.bytes;
            after_chunk(bytes_done, figures.tokens_in);
            Ok(())
        },
    )?;
    sink.flush().map_err(|e| Error::io(sink_name, e))?;
    let mut sets: Vec<hashbrown::HashSet<u64>> = states.into_iter().map(|(_, t)| t).collect();
    sets.sort_unstable_by_key(|t| std::cmp::Reverse(t.len()));
    let mut sets = sets.into_iter();
    let mut types = sets.next().unwrap_or_default();
    sets.for_each(|t| types.extend(t));
    figures.types = types.len();
    figures.read = read;
    Ok(figures)
}

/// The first bytes of every non-ASCII whitespace character (U+0085, U+00A0, U+1680, U+2000 to
/// U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
const UNICODE_SPACE_LEADS: [u8; 4] = [0xC2, 0xE1, 0xE2, 0xE3];

/// `line.split_whitespace().count()`, several times faster: words start where a non-space byte
/// follows a space, which is counted over the bytes in blocks the compiler vectorizes. Only a line
/// holding a non-ASCII whitespace character (rare) is counted character by character.
fn count_words(line: &str) -> u64 {
    let bytes = line.as_bytes();
    if !line.is_ascii() {
        let [a, b, c, d] = UNICODE_SPACE_LEADS;
        let mut leads = memchr::memchr3_iter(a, b, c, bytes).chain(memchr::memchr_iter(d, bytes));
        if leads.any(|i| line[i..].starts_with(char::is_whitespace)) {
            return line.split_whitespace().count() as u64;
        }
    }
    // Every other byte of a non-ASCII character is a word byte.
    let space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let pairs = bytes.len() - 1;
    let mut words = u64::from(!space(first));
    for start in (0..pairs).step_by(4096) {
        let end = (start + 4096).min(pairs);
        let starts: u32 = bytes[start..end]
            .iter()
            .zip(&bytes[start + 1..end + 1])
            .map(|(&before, &at)| u32::from(space(before) & !space(at)))
            .sum();
        words += u64::from(starts);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Reporter;
    use crate::text::Pipeline;
    use proptest::prelude::*;

    #[test]
    fn every_unicode_space_starts_with_a_listed_byte() {
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_whitespace() {
                let mut utf8 = [0u8; 4];
                let first = c.encode_utf8(&mut utf8).as_bytes()[0];
                assert!(UNICODE_SPACE_LEADS.contains(&first), "{c:?}");
            }
        }
    }

    #[test]
    fn counts_words_like_split_whitespace() {
        let long = "word ".repeat(3000) + "\tend";
        for line in [
            "",
            " ",
            "one",
            " two  words ",
            "a\x0bb\x0cc\rd",
            "tab\tsep",
            "nbsp\u{a0}here",
            "em\u{2003}space — dash “quotes”",
            "\u{3000}ideographic\u{3000}",
            "café crème",
            &long,
        ] {
            assert_eq!(
                count_words(line),
                line.split_whitespace().count() as u64,
                "{line:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn counts_words_like_split_whitespace_on_any_text(line in "[ \t\u{a0}\u{2009}a-cé—\u{1680}\u{85}]{0,40}") {
            prop_assert_eq!(count_words(&line), line.split_whitespace().count() as u64);
        }
    }

    #[test]
    fn writes_one_line_per_line_and_counts_what_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.txt");
        std::fs::write(&path, "The cat, the CAT\n\n__label__x Dogs  bark\n").unwrap();
        let corpus = Corpus::open(&[path], &Reporter::silent()).unwrap();
        let processor = Pipeline::default().processor().unwrap();
        let mut out = Vec::new();
        let mut progress = Vec::new();
        let figures = write_tokens(&corpus, &processor, &mut out, Path::new("out"), |b, w| {
            progress.push((b, w))
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "the cat the cat\n\n__label__x dogs bark\n"
        );
        assert_eq!(figures.read.lines, 3);
        assert_eq!((figures.tokens_in, figures.tokens_out), (7, 7));
        assert_eq!(figures.types, 5);
        assert_eq!(progress, [(figures.read.bytes, 7)]);
    }
}
