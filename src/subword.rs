//! fastText-compatible subword hashing: the FNV-1a variant, character n-grams of `<word>` and
//! word n-grams for supervised models.
//!
//! Everything here reproduces fastText 0.9.2's `Dictionary` bit for bit (including its quirks),
//! because the ids index rows of the input matrix: a different id means a different vector, and
//! `.bin` files would no longer be interchangeable with fastText and gensim.
//!
//! The functions push into a caller-owned `Vec<u32>` and never allocate otherwise, so the
//! training hot path can reuse one buffer per thread.

/// Prepended to a word before its character n-grams are taken (fastText's `BOW`).
pub const BOW: u8 = b'<';
/// Appended to a word before its character n-grams are taken (fastText's `EOW`).
pub const EOW: u8 = b'>';
/// The end-of-sentence token fastText adds for every newline; it never gets character n-grams.
pub const EOS: &str = "</s>";

const FNV_OFFSET: u32 = 2_166_136_261;
const FNV_PRIME: u32 = 16_777_619;
/// Multiplier fastText uses to combine token hashes into word n-gram hashes.
const WORD_NGRAM_PRIME: u64 = 116_049_371;

/// One FNV-1a step as fastText does it: the byte goes through `int8_t` first, so bytes >= 0x80
/// are sign-extended (`0xC3` mixes in as `0xFFFFFFC3`). This differs from textbook FNV-1a for
/// every non-ASCII string, and is what makes the ids match fastText's.
#[inline(always)]
fn step(h: u32, byte: u8) -> u32 {
    (h ^ (byte as i8 as i32 as u32)).wrapping_mul(FNV_PRIME)
}

/// fastText's string hash (`Dictionary::hash`), used for words, character n-grams and word
/// n-grams.
#[inline]
pub fn hash(bytes: &[u8]) -> u32 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| step(h, b))
}

#[inline(always)]
fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// Calls `f(hash, start, end)` for every character n-gram of `<word>` with `minn..=maxn` code
/// points, in fastText's order (by start position, then length). `start..end` are byte offsets
/// into the virtual string `<word>`. Like fastText, a 1-gram that is only `<` or `>` is skipped.
/// Lengths are counted in UTF-8 code points (a lone continuation byte never starts an n-gram).
pub fn for_each_char_ngram(
    word: &str,
    minn: usize,
    maxn: usize,
    mut f: impl FnMut(u32, usize, usize),
) {
    let inner = word.as_bytes();
    let len = inner.len() + 2;
    // Byte `k` of `<word>` without building the string.
    let at = |k: usize| -> u8 {
        if k == 0 {
            BOW
        } else if k == len - 1 {
            EOW
        } else {
            inner[k - 1]
        }
    };
    for i in 0..len {
        if is_continuation(at(i)) {
            continue;
        }
        let mut h = FNV_OFFSET;
        let mut j = i;
        let mut n = 1;
        while j < len && n <= maxn {
            h = step(h, at(j));
            j += 1;
            while j < len && is_continuation(at(j)) {
                h = step(h, at(j));
                j += 1;
            }
            if n >= minn && !(n == 1 && (i == 0 || j == len)) {
                f(h, i, j);
            }
            n += 1;
        }
    }
}

/// Pushes the input-matrix row ids of the character n-grams of `word` (`nwords + hash % bucket`,
/// as fastText's `computeSubwords`). Pushes nothing for `</s>`, when `maxn == 0` or `bucket == 0`.
/// The word's own row is not included: callers add it when the word is in the vocabulary.
pub fn char_ngram_ids(
    word: &str,
    minn: usize,
    maxn: usize,
    nwords: u32,
    bucket: u32,
    out: &mut Vec<u32>,
) {
    if bucket == 0 || maxn == 0 || word == EOS {
        return;
    }
    for_each_char_ngram(word, minn, maxn, |h, _, _| out.push(nwords + h % bucket));
}

/// Pushes the row ids of the word n-grams (2..=n consecutive tokens) of one line, given the
/// [`hash`] of every token (in-vocabulary or not), as fastText's `addWordNgrams`.
///
/// fastText keeps token hashes in an `int32_t` vector and widens them to `uint64_t`, so a hash
/// with the top bit set is sign-extended before it is combined; this does the same.
pub fn word_ngram_ids(
    token_hashes: &[u32],
    n: usize,
    nwords: u32,
    bucket: u32,
    out: &mut Vec<u32>,
) {
    if bucket == 0 || n <= 1 {
        return;
    }
    let widen = |h: u32| h as i32 as i64 as u64;
    for i in 0..token_hashes.len() {
        let mut h = widen(token_hashes[i]);
        for &next in token_hashes.iter().take(i + n).skip(i + 1) {
            h = h.wrapping_mul(WORD_NGRAM_PRIME).wrapping_add(widen(next));
            out.push(nwords + (h % u64::from(bucket)) as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ngrams(word: &str, minn: usize, maxn: usize) -> Vec<String> {
        let full = format!("<{word}>");
        let mut out = Vec::new();
        for_each_char_ngram(word, minn, maxn, |h, s, e| {
            assert_eq!(
                h,
                hash(&full.as_bytes()[s..e]),
                "incremental hash of {s}..{e}"
            );
            out.push(full[s..e].to_string());
        });
        out
    }

    #[test]
    fn hash_matches_fasttext_values() {
        // Reference values from gensim's `ft_hash_bytes`, an independent port of fastText's hash
        // (it reproduces the int8 sign extension since gensim 3.8).
        let cases: &[(&str, u32)] = &[
            ("", 2166136261),
            ("a", 3826002220),
            ("<a>", 2359087600),
            ("hello", 1335831723),
            ("<hé", 162174101),
            ("é", 1023043777),
            ("naïve", 3440832043),
            ("日本", 4164387409),
            ("<日本>", 3315313759),
            ("ß", 1325040919),
        ];
        for &(s, want) in cases {
            assert_eq!(hash(s.as_bytes()), want, "hash({s:?})");
        }
    }

    #[test]
    fn non_ascii_bytes_are_sign_extended() {
        // Textbook FNV-1a (zero extension) would give a different value for 0xC3.
        let textbook = (FNV_OFFSET ^ 0xC3).wrapping_mul(FNV_PRIME);
        let fasttext = (FNV_OFFSET ^ 0xFFFF_FFC3).wrapping_mul(FNV_PRIME);
        assert_ne!(textbook, fasttext);
        assert_eq!(hash(&[0xC3]), fasttext);
    }

    #[test]
    fn char_ngrams_of_ascii_word() {
        assert_eq!(
            ngrams("where", 3, 4),
            ["<wh", "<whe", "whe", "wher", "her", "here", "ere", "ere>", "re>"]
        );
    }

    #[test]
    fn boundary_unigrams_are_skipped() {
        // fastText drops "<" and ">" alone but keeps "<a" and inner 1-grams.
        assert_eq!(ngrams("ab", 1, 2), ["<a", "a", "ab", "b", "b>"]);
    }

    #[test]
    fn char_ngrams_count_code_points() {
        assert_eq!(ngrams("héllo", 3, 3), ["<hé", "hél", "éll", "llo", "lo>"]);
        assert_eq!(ngrams("日本", 2, 2), ["<日", "日本", "本>"]);
    }

    #[test]
    fn char_ngram_ids_offset_by_nwords() {
        let mut out = vec![7];
        char_ngram_ids("ab", 1, 2, 10, 1000, &mut out);
        let want: Vec<u32> = std::iter::once(7)
            .chain(
                ["<a", "a", "ab", "b", "b>"]
                    .iter()
                    .map(|g| 10 + hash(g.as_bytes()) % 1000),
            )
            .collect();
        assert_eq!(out, want);
    }

    #[test]
    fn no_char_ngrams_for_eos_or_disabled() {
        let mut out = Vec::new();
        char_ngram_ids(EOS, 3, 6, 5, 100, &mut out);
        char_ngram_ids("word", 3, 6, 5, 0, &mut out);
        char_ngram_ids("word", 0, 0, 5, 100, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn word_ngrams_combine_sign_extended_hashes() {
        let hashes = [hash(b"the"), hash(b"naive"), 0x8000_0001];
        let mut out = Vec::new();
        word_ngram_ids(&hashes, 3, 4, 1_000_003, &mut out);
        let w = |h: u32| h as i32 as i64 as u64;
        let h01 = w(hashes[0])
            .wrapping_mul(116049371)
            .wrapping_add(w(hashes[1]));
        let h012 = h01.wrapping_mul(116049371).wrapping_add(w(hashes[2]));
        let h12 = w(hashes[1])
            .wrapping_mul(116049371)
            .wrapping_add(w(hashes[2]));
        let want: Vec<u32> = [h01, h012, h12]
            .iter()
            .map(|h| 4 + (h % 1_000_003) as u32)
            .collect();
        assert_eq!(out, want);
        // Bigrams only for n = 2, nothing for n = 1.
        out.clear();
        word_ngram_ids(&hashes, 2, 4, 1_000_003, &mut out);
        assert_eq!(out.len(), 2);
        out.clear();
        word_ngram_ids(&hashes, 1, 4, 1_000_003, &mut out);
        assert!(out.is_empty());
    }
}
