//! Stage 3 of the pipeline: splitting normalized text into tokens.
//!
//! The default tokenizer reproduces, token for token, the Hugging Face `tokenizers` pre-tokenizers
//! `[Whitespace, Punctuation]`: runs of word characters (`\w` as the `regex` crate defines it), runs
//! of other non-space symbols, and every punctuation character as a token of its own. It does so in
//! one pass over the bytes with a lookup table for ASCII, which is what makes it fast.

use unicode_categories::UnicodeCategories;

/// What a character does in the default tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Space,
    /// Always a token of its own (checked before `Word`: `_` is both).
    Punct,
    Word,
    /// Symbols and other characters that are neither word, space nor punctuation (`€`, `©`, emoji).
    Other,
}

fn classify(c: char) -> CharClass {
    if c.is_whitespace() {
        CharClass::Space
    } else if c.is_ascii_punctuation() || c.is_punctuation() {
        CharClass::Punct
    } else if regex_syntax::is_word_character(c) {
        CharClass::Word
    } else {
        CharClass::Other
    }
}

/// `classify` for the 128 ASCII characters, computed once.
static ASCII_CLASS: std::sync::LazyLock<[CharClass; 128]> =
    std::sync::LazyLock::new(|| std::array::from_fn(|b| classify(b as u8 as char)));

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}')
}

/// Options of the default tokenizer.
#[derive(Debug, Clone, Copy, Default)]
pub struct SplitOptions {
    /// Emit punctuation characters as tokens (they are dropped otherwise).
    pub keep_punctuation: bool,
    /// Keep `'` and `’` between two word characters inside the word (`don't`).
    pub keep_apostrophes: bool,
    /// Keep `-` and `‐` between two word characters inside the word (`state-of-the-art`).
    pub keep_hyphens: bool,
}

/// Calls `emit` with each token of `text` in order (see the module documentation).
pub fn split_default(text: &str, options: SplitOptions, mut emit: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let ascii_class: &[CharClass; 128] = &ASCII_CLASS;
    let joins_words = |c: char| {
        (options.keep_apostrophes && is_apostrophe(c)) || (options.keep_hyphens && is_hyphen(c))
    };
    // Start and class of the run being built (Word or Other), if any.
    let mut run: Option<(usize, CharClass)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let (c, len) = if bytes[i] < 0x80 {
            (bytes[i] as char, 1)
        } else {
            // Safe to decode: `i` always sits on a char boundary of a valid `str`.
            let c = text[i..].chars().next().expect("non-empty remainder");
            (c, c.len_utf8())
        };
        let mut class = if len == 1 {
            ascii_class[bytes[i] as usize]
        } else {
            classify(c)
        };
        if class == CharClass::Punct && joins_words(c) && matches!(run, Some((_, CharClass::Word)))
        {
            let next_is_word = text[i + len..]
                .chars()
                .next()
                .is_some_and(|n| classify(n) == CharClass::Word);
            if next_is_word {
                class = CharClass::Word;
            }
        }
        match (run, class) {
            (Some((_, run_class)), _) if run_class == class => {}
            _ => {
                if let Some((start, _)) = run.take() {
                    emit(&text[start..i]);
                }
                match class {
                    CharClass::Word | CharClass::Other => run = Some((i, class)),
                    CharClass::Punct if options.keep_punctuation => emit(&text[i..i + len]),
                    CharClass::Punct | CharClass::Space => {}
                }
            }
        }
        i += len;
    }
    if let Some((start, _)) = run {
        emit(&text[start..]);
    }
}

/// fastText's tokenization: split on ASCII whitespace (and NUL), nothing else.
pub fn split_whitespace(text: &str, mut emit: impl FnMut(&str)) {
    text.split([' ', '\t', '\n', '\x0B', '\x0C', '\r', '\0'])
        .filter(|t| !t.is_empty())
        .for_each(&mut emit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str, options: SplitOptions) -> Vec<String> {
        let mut out = Vec::new();
        split_default(text, options, |t| out.push(t.to_string()));
        out
    }

    const KEEP: SplitOptions = SplitOptions {
        keep_punctuation: true,
        keep_apostrophes: false,
        keep_hyphens: false,
    };

    #[test]
    fn splits_words_and_isolates_punctuation() {
        assert_eq!(
            tokens("hello, world!! it's $5.", KEEP),
            ["hello", ",", "world", "!", "!", "it", "'", "s", "$", "5", "."]
        );
        assert_eq!(
            tokens("hello, world!! it's", SplitOptions::default()),
            ["hello", "world", "it", "s"]
        );
    }

    #[test]
    fn underscore_is_punctuation_even_inside_words() {
        assert_eq!(tokens("snake_case", KEEP), ["snake", "_", "case"]);
    }

    #[test]
    fn symbols_form_runs_of_their_own() {
        assert_eq!(
            tokens("5€€ ©x", SplitOptions::default()),
            ["5", "€€", "©", "x"]
        );
        assert_eq!(tokens("€!€", KEEP), ["€", "!", "€"]);
    }

    #[test]
    fn non_latin_scripts() {
        assert_eq!(
            tokens("привет, мир — καλημέρα", KEEP),
            ["привет", ",", "мир", "—", "καλημέρα"]
        );
        assert_eq!(tokens("東京は晴れ。", KEEP), ["東京は晴れ", "。"]);
    }

    #[test]
    fn intra_word_apostrophes_and_hyphens_are_configurable() {
        let options = SplitOptions {
            keep_punctuation: false,
            keep_apostrophes: true,
            keep_hyphens: true,
        };
        assert_eq!(
            tokens("don't state-of-the-art 'quoted' a- -b l’été", options),
            ["don't", "state-of-the-art", "quoted", "a", "b", "l’été"]
        );
    }

    #[test]
    fn whitespace_split_only_on_ascii_whitespace() {
        let mut out = Vec::new();
        split_whitespace("Hello,  World!\tA\u{a0}B", |t| out.push(t.to_string()));
        assert_eq!(out, ["Hello,", "World!", "A\u{a0}B"]);
    }
}
