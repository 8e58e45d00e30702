//! The default tokenizer must give exactly the tokens of the Hugging Face `tokenizers` pipeline
//! [NFKC, Lowercase] + [Whitespace, Punctuation] (minus punctuation tokens when they are dropped).
//! The `tokenizers` crate itself is the oracle.

mod common;

use blazetext::Pipeline;
use proptest::prelude::*;
use tokenizers::normalizers::{Lowercase, NFKC};
use tokenizers::pre_tokenizers::{punctuation::Punctuation, whitespace::Whitespace};
use tokenizers::{
    NormalizedString, Normalizer, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer,
};
use unicode_categories::UnicodeCategories;

fn oracle(text: &str) -> Vec<String> {
    let mut normalized = NormalizedString::from(text);
    NFKC.normalize(&mut normalized).unwrap();
    Lowercase.normalize(&mut normalized).unwrap();
    let mut pre = PreTokenizedString::from(normalized);
    Whitespace.pre_tokenize(&mut pre).unwrap();
    Punctuation::default().pre_tokenize(&mut pre).unwrap();
    pre.get_splits(OffsetReferential::Original, OffsetType::Byte)
        .into_iter()
        .map(|(s, _, _)| s.to_string())
        .collect()
}

fn is_punctuation_token(token: &str) -> bool {
    token
        .chars()
        .all(|c| c.is_ascii_punctuation() || c.is_punctuation())
}

fn ours(text: &str, keep_punctuation: bool) -> Vec<String> {
    let pipeline = Pipeline {
        keep_punctuation,
        label_prefix: String::new(),
        ..Pipeline::default()
    };
    pipeline.processor().unwrap().tokens(text)
}

fn check(text: &str) {
    let expected = oracle(text);
    assert_eq!(ours(text, true), expected, "text: {text:?}");
    let without: Vec<String> = expected
        .into_iter()
        .filter(|t| !is_punctuation_token(t))
        .collect();
    assert_eq!(ours(text, false), without, "text: {text:?}");
}

#[test]
fn hand_picked_cases() {
    for text in [
        "Hello, World! It's 3.14 — or ~3?",
        "snake_case __dunder__ a_b_c",
        "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ ｆｉｎｅ ﬁ ﬂ ² ½ №",
        "Москва — столица России. ΣΟΦΙΑ σοφός, İstanbul",
        "東京は晴れ。今日は「良い」天気です！",
        "مرحبا بالعالم، كيف حالك؟ שלום עולם",
        "हिन्दी भाषा। ภาษาไทย",
        "emoji 😀👍🏽 € $ © ® ™ ° ± → ∞",
        "combining: e\u{301} a\u{308} n\u{303} ¨ ´ ¯",
        "tabs\tand\u{a0}nbsp\u{2003}em\u{3000}ideographic",
        "quotes “double” ‘single’ «guillemets» ‹›",
        "",
        "   ",
        "a",
    ] {
        check(text);
    }
}

/// Characters from many scripts and categories, weighted toward the interesting ones.
fn varied_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        2 => prop::char::range('A', 'Z'),
        2 => prop::char::range('0', '9'),
        3 => prop::sample::select(vec![' ', ' ', '\t', '\n', '\u{a0}', '\u{2003}', '\u{3000}']),
        3 => prop::char::range('!', '/'),
        2 => prop::char::range(':', '@'),
        1 => prop::char::range('[', '`'),
        1 => prop::char::range('{', '~'),
        2 => prop::char::range('\u{a1}', '\u{17f}'),
        2 => prop::char::range('\u{391}', '\u{3c9}'),
        2 => prop::char::range('\u{410}', '\u{44f}'),
        1 => prop::char::range('\u{5d0}', '\u{5ea}'),
        1 => prop::char::range('\u{621}', '\u{64a}'),
        1 => prop::char::range('\u{905}', '\u{939}'),
        1 => prop::char::range('\u{300}', '\u{36f}'),
        1 => prop::char::range('\u{2010}', '\u{205e}'),
        1 => prop::char::range('\u{20a0}', '\u{20bf}'),
        1 => prop::char::range('\u{2190}', '\u{21ff}'),
        1 => prop::char::range('\u{3041}', '\u{3096}'),
        1 => prop::char::range('\u{4e00}', '\u{4fff}'),
        1 => prop::char::range('\u{ff01}', '\u{ff5e}'),
        1 => prop::char::range('\u{fb00}', '\u{fb06}'),
        1 => prop::char::range('\u{1f600}', '\u{1f64f}'),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn random_multilingual_text(chars in prop::collection::vec(varied_char(), 0..80)) {
        let text: String = chars.into_iter().collect();
        check(&text);
    }
}

/// A few MB of real text, when the shared corpora are present beside the project.
#[test]
fn wikipedia_sample() {
    let Some(path) = common::shared_corpus("enwiki_sample/enwiki_paragraphs.txt") else {
        return;
    };
    let file = std::fs::File::open(path).unwrap();
    use std::io::Read;
    let mut text = String::new();
    file.take(3 << 20)
        .read_to_string(&mut text)
        .unwrap_or_default();
    let mut lines = 0;
    for line in text.lines() {
        check(line);
        lines += 1;
    }
    assert!(lines > 1000);
}
