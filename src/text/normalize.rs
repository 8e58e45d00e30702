//! Stage 1 and 2 of the pipeline: Unicode normalization, optional accent stripping, lowercasing.

use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Which Unicode normalization form text is put into before tokenization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Normalization {
    /// The text is left as it is.
    None,
    /// Canonical composition: `e` + combining acute becomes `é`.
    Nfc,
    /// Compatibility composition (the default): also folds ligatures and width variants
    /// (`ﬁ` → `fi`, full-width `Ａ` → `A`).
    #[default]
    Nfkc,
}

/// Writes `text` normalized, accent-stripped and lowercased as configured into `out` (cleared first).
///
/// Lowercasing is done character by character (as Hugging Face `tokenizers` does), so a final
/// Greek sigma becomes `σ`, not `ς`: that keeps our tokens identical to that reference pipeline.
pub fn normalize_into(
    text: &str,
    form: Normalization,
    strip_accents: bool,
    lowercase: bool,
    out: &mut String,
) {
    out.clear();
    if text.is_ascii() {
        // Every normalization form leaves ASCII unchanged and ASCII has no accents to strip.
        out.push_str(text);
        if lowercase {
            out.make_ascii_lowercase();
        }
        return;
    }
    let push = |out: &mut String, c: char| {
        if lowercase {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    };
    if strip_accents {
        // Decompose, drop the combining marks, then recompose what is left.
        let stripped: String = match form {
            Normalization::Nfkc => text
                .nfkd()
                .filter(|c| !is_combining_mark(*c))
                .nfkc()
                .collect(),
            _ => text
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .nfc()
                .collect(),
        };
        stripped.chars().for_each(|c| push(out, c));
        return;
    }
    match form {
        Normalization::Nfkc if is_nfkc_quick(text.chars()) != IsNormalized::Yes => {
            text.nfkc().for_each(|c| push(out, c))
        }
        Normalization::Nfc if is_nfc_quick(text.chars()) != IsNormalized::Yes => {
            text.nfc().for_each(|c| push(out, c))
        }
        _ if lowercase => lowercase_into(text, out),
        _ => out.push_str(text),
    }
}

/// Lowercases `text` into `out`, byte by byte for ASCII and character by character otherwise.
fn lowercase_into(text: &str, out: &mut String) {
    let mut rest = text;
    while !rest.is_empty() {
        let ascii_len = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (ascii, tail) = rest.split_at(ascii_len);
        let start = out.len();
        out.push_str(ascii);
        out[start..].make_ascii_lowercase();
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_lowercase());
        }
        rest = chars.as_str();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str, form: Normalization, strip: bool, lower: bool) -> String {
        let mut out = String::new();
        normalize_into(text, form, strip, lower, &mut out);
        out
    }

    #[test]
    fn nfkc_folds_compatibility_characters() {
        assert_eq!(
            norm("ﬁne ＡＢＣ ²", Normalization::Nfkc, false, false),
            "fine ABC 2"
        );
        assert_eq!(norm("ﬁne", Normalization::Nfc, false, false), "ﬁne");
        assert_eq!(norm("ﬁne", Normalization::None, false, false), "ﬁne");
    }

    #[test]
    fn lowercases_cyrillic_greek_and_accented_latin() {
        assert_eq!(
            norm("ÉCOLE Москва ΣΟΦΊΑ", Normalization::Nfkc, false, true),
            "école москва σοφία"
        );
    }

    #[test]
    fn strips_accents_when_asked() {
        assert_eq!(
            norm("Crème Brûlée", Normalization::Nfkc, true, true),
            "creme brulee"
        );
        assert_eq!(norm("naïve", Normalization::Nfc, true, false), "naive");
    }

    #[test]
    fn ascii_fast_path_matches_general_path() {
        assert_eq!(
            norm("Hello, World!", Normalization::Nfkc, false, true),
            "hello, world!"
        );
        assert_eq!(norm("Hello", Normalization::None, false, false), "Hello");
    }
}
