//! `Pipeline`: the serializable configuration of every text stage, saved inside each model; and
//! `Processor`: the compiled form that turns a line into tokens (one clone per thread).

use super::normalize::{normalize_into, Normalization};
use super::stem::CachedStemmer;
use super::stopwords::StopWords;
use super::tokenize::{split_default, split_whitespace, SplitOptions};
use crate::io_util::{read_regular_text, MAX_SETTINGS_BYTES};
use crate::{Error, Result};
use hashbrown::{HashMap, HashSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// How text is split into tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Tokenizer {
    /// Whitespace and punctuation (identical to Hugging Face `[Whitespace, Punctuation]`).
    #[default]
    Default,
    /// ASCII whitespace only, as fastText does.
    Whitespace,
    /// A Hugging Face `tokenizer.json` (BPE, WordPiece, Unigram). The file's content is stored
    /// so that a saved model keeps working when the file moves.
    #[serde(rename = "hf")]
    HuggingFace {
        /// Where the definition was read from (shown in messages).
        source: String,
        /// The content of the `tokenizer.json` file.
        definition: String,
    },
}

impl Tokenizer {
    /// Parses a tokenizer spec (the `--tokenizer` value): `default`, `whitespace` or
    /// `hf:<path to tokenizer.json>`, whose file is read and checked now.
    ///
    /// ```
    /// use blazetext::{Error, Tokenizer};
    /// assert_eq!(Tokenizer::parse("whitespace")?, Tokenizer::Whitespace);
    /// assert!(matches!(Tokenizer::parse("hf:/no/such/tokenizer.json"), Err(Error::Io { .. })));
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn parse(value: &str) -> Result<Tokenizer> {
        match value {
            "default" => Ok(Tokenizer::Default),
            "whitespace" => Ok(Tokenizer::Whitespace),
            _ => match value.strip_prefix("hf:") {
                Some(path) => {
                    let definition = read_regular_text(
                        Path::new(path),
                        MAX_SETTINGS_BYTES,
                        "a tokenizer.json",
                    )?;
                    // Fail now, with the file's name, rather than when the model is used.
                    tokenizers::Tokenizer::from_bytes(definition.as_bytes()).map_err(|e| {
                        Error::input(path, None, format!("not a Hugging Face tokenizer.json file: {e}"))
                    })?;
                    Ok(Tokenizer::HuggingFace {
                        source: path.to_string(),
                        definition,
                    })
                }
                None => Err(Error::config(format!(
                    "unknown tokenizer '{value}'; use 'default', 'whitespace' or 'hf:<path to tokenizer.json>'"
                ))),
            },
        }
    }
}

/// What happens to tokens that are numbers (digits, optionally with inner `.` or `,`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Numbers {
    /// Kept as they are.
    #[default]
    Keep,
    /// Removed.
    Drop,
    /// Replaced by the pipeline's `number_token`.
    Replace,
}

/// Every setting of the text pipeline, in the order the stages run: normalize → lowercase →
/// tokenize → filter → fix spelling → drop stop words → stem. Labels (tokens starting with
/// `label_prefix`) skip every stage and keep their place.
///
/// A pipeline is plain configuration (serde, saved inside every model's manifest); compile it
/// with [`Pipeline::processor`] to run it, or call [`Pipeline::tokenize`] for a single text.
///
/// ```
/// use blazetext::{Numbers, Pipeline};
/// let pipeline = Pipeline {
///     numbers: Numbers::Replace,
///     ..Pipeline::default().with_stopwords("english")?.with_stemmer("english")?
/// };
/// assert_eq!(pipeline.tokenize("The runners ran 42 races!")?, ["runner", "ran", "<num>", "race"]);
/// # Ok::<(), blazetext::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pipeline {
    /// Unicode normalization form (default NFKC).
    pub normalization: Normalization,
    /// Remove accents (é → e).
    pub strip_accents: bool,
    /// Lowercase, character by character (default on).
    pub lowercase: bool,
    /// How text is split into tokens.
    pub tokenizer: Tokenizer,
    /// Keep punctuation characters as tokens (default tokenizer only).
    pub keep_punctuation: bool,
    /// Keep apostrophes between letters inside words, as in `don't` (default tokenizer only).
    pub keep_apostrophes: bool,
    /// Keep hyphens between letters inside words, as in `state-of-the-art` (default tokenizer
    /// only).
    pub keep_hyphens: bool,
    /// Tokens shorter than this many characters are dropped.
    pub min_token_length: usize,
    /// Tokens longer than this many characters are dropped (0 = no limit).
    pub max_token_length: usize,
    /// What happens to number tokens.
    pub numbers: Numbers,
    /// The token that replaces numbers when `numbers` is [`Numbers::Replace`] (default `<num>`).
    pub number_token: String,
    /// Misspelling → correction, applied after the filters and before stop words.
    pub spelling: BTreeMap<String, String>,
    /// Which stop words are removed (matched on the lowercased token).
    pub stopwords: StopWords,
    /// Snowball language, or `None` for no stemming.
    pub stemmer: Option<String>,
    /// Tokens starting with this prefix are labels: they skip every stage and keep their place.
    pub label_prefix: String,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline {
            normalization: Normalization::Nfkc,
            strip_accents: false,
            lowercase: true,
            tokenizer: Tokenizer::Default,
            keep_punctuation: false,
            keep_apostrophes: false,
            keep_hyphens: false,
            min_token_length: 1,
            max_token_length: 0,
            numbers: Numbers::Keep,
            number_token: "<num>".to_string(),
            spelling: BTreeMap::new(),
            stopwords: StopWords::None,
            stemmer: None,
            label_prefix: "__label__".to_string(),
        }
    }
}

impl Pipeline {
    /// fastText's behaviour: split on ASCII whitespace and change nothing else.
    ///
    /// ```
    /// let tokens = blazetext::Pipeline::whitespace().tokenize("Keep, Case!")?;
    /// assert_eq!(tokens, ["Keep,", "Case!"]);
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn whitespace() -> Pipeline {
        Pipeline {
            normalization: Normalization::None,
            lowercase: false,
            tokenizer: Tokenizer::Whitespace,
            ..Pipeline::default()
        }
    }

    /// The default for topic models: English stop words removed and Snowball English stemming.
    pub fn topics_default() -> Pipeline {
        Pipeline {
            stopwords: StopWords::BuiltIn {
                language: "english".to_string(),
            },
            stemmer: Some("english".to_string()),
            min_token_length: 2,
            numbers: Numbers::Drop,
            ..Pipeline::default()
        }
    }

    /// Removes the stop words of `language` (English name in any case, or two-letter code:
    /// english, german, french, spanish, italian, portuguese, dutch, russian), or none for
    /// `"none"`.
    pub fn with_stopwords(mut self, language: &str) -> Result<Pipeline> {
        self.stopwords = match language {
            "none" => StopWords::None,
            _ => StopWords::built_in(language)?,
        };
        Ok(self)
    }

    /// Removes the stop words listed in a file, one per line (blank lines and lines starting
    /// with `#` are skipped). The words are stored in the pipeline.
    pub fn with_stopwords_file(mut self, path: impl AsRef<Path>) -> Result<Pipeline> {
        self.stopwords = StopWords::from_file(path.as_ref())?;
        Ok(self)
    }

    /// Stems with the Snowball stemmer of `language` (any case: english, french, russian, …),
    /// or not at all for `"none"`.
    pub fn with_stemmer(mut self, language: &str) -> Result<Pipeline> {
        self.stemmer = match language {
            "none" => None,
            _ => Some(super::stem::canonical_language(language)?.to_string()),
        };
        Ok(self)
    }

    /// Splits text with the tokenizer `spec` names (see [`Tokenizer::parse`]). Normalization and
    /// lowercasing stay as they are; [`Pipeline::whitespace`] is fastText's behaviour.
    pub fn with_tokenizer(mut self, spec: &str) -> Result<Pipeline> {
        self.tokenizer = Tokenizer::parse(spec)?;
        Ok(self)
    }

    /// Whether `token` is a label (starts with the label prefix).
    pub fn is_label(&self, token: &str) -> bool {
        !self.label_prefix.is_empty() && token.starts_with(&self.label_prefix)
    }

    /// Checks that the settings make sense together.
    pub fn validate(&self) -> Result<()> {
        if self.max_token_length != 0 && self.min_token_length > self.max_token_length {
            return Err(Error::config(format!(
                "--min-token-length {} is larger than --max-token-length {}: no token could pass",
                self.min_token_length, self.max_token_length
            )));
        }
        let splits_punctuation = self.tokenizer == Tokenizer::Default;
        if !splits_punctuation
            && (self.keep_punctuation || self.keep_apostrophes || self.keep_hyphens)
        {
            return Err(Error::config(
                "--keep-punctuation, --keep-apostrophes and --keep-hyphens only apply to the default \
                 tokenizer; the chosen tokenizer does not split punctuation",
            ));
        }
        let token = &self.number_token;
        if self.numbers == Numbers::Replace
            && (token.is_empty() || token.contains(char::is_whitespace))
        {
            return Err(Error::config(format!(
                "--number-token {token:?} must be one token, not empty and without spaces (a \
                 space would split it into several words, which model files cannot store)"
            )));
        }
        if let Some(language) = &self.stemmer {
            super::stem::canonical_language(language)?;
        }
        if let StopWords::BuiltIn { language } = &self.stopwords {
            StopWords::built_in(language)?;
        }
        Ok(())
    }

    /// The tokens of one text, labels included in place. Compiles the pipeline on every call:
    /// for many texts, compile once with [`Pipeline::processor`].
    ///
    /// ```
    /// use blazetext::Pipeline;
    /// let pipeline = Pipeline::default().with_stopwords("english")?.with_stemmer("english")?;
    /// let sample = std::fs::read_to_string("corpora/sample.txt")?;
    /// let first = sample.lines().next().unwrap();
    /// assert_eq!(first, "Why do programs always install the program?");
    /// assert_eq!(pipeline.tokenize(first)?, ["program", "alway", "instal", "program"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tokenize(&self, text: &str) -> Result<Vec<String>> {
        Ok(self.processor()?.tokens(text))
    }

    /// Compiles the configuration into a [`Processor`] (loads the stemmer, stop words,
    /// tokenizer), after checking that the settings make sense together.
    ///
    /// ```
    /// use blazetext::Pipeline;
    /// let mut processor = Pipeline::default().with_stopwords("english")?.processor()?;
    /// let sample = std::fs::read_to_string("corpora/sample.txt")?;
    /// let tokens: usize = sample.lines().map(|line| processor.tokens(line).len()).sum();
    /// assert!(tokens > 10_000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn processor(&self) -> Result<Processor> {
        self.validate()?;
        let hf = match &self.tokenizer {
            Tokenizer::HuggingFace { source, definition } => Some(Arc::new(
                tokenizers::Tokenizer::from_bytes(definition.as_bytes()).map_err(|e| {
                    Error::input(
                        source,
                        None,
                        format!("not a Hugging Face tokenizer.json file: {e}"),
                    )
                })?,
            )),
            _ => None,
        };
        let stopwords = Arc::new(self.stopwords.to_set());
        let mut stemmer = self
            .stemmer
            .as_deref()
            .map(CachedStemmer::new)
            .transpose()?;
        if !stopwords.is_empty() {
            // The stem cache also remembers which words are stop words: one look-up per token.
            let (stopwords, lowercased) = (Arc::clone(&stopwords), self.lowercase);
            stemmer = stemmer.map(|s| {
                s.dropping(Arc::new(move |word: &str| {
                    is_stopword(&stopwords, lowercased, word, &mut String::new())
                }))
            });
        }
        let spelling: HashMap<String, String> = self
            .spelling
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Processor {
            shared: Arc::new(Shared {
                pipeline: self.clone(),
                stopwords,
                spelling,
                hf,
            }),
            work: Work {
                stemmer,
                normalized: String::new(),
                lowered: String::new(),
            },
        })
    }

    /// Reads a pipeline saved by [`Pipeline::save`] (or the `pipeline` of a model's manifest);
    /// settings missing from the file take their defaults.
    ///
    /// ```
    /// use blazetext::Pipeline;
    /// let path = std::env::temp_dir().join("blazetext-doc-pipeline.json");
    /// let pipeline = Pipeline::default().with_stemmer("english")?;
    /// pipeline.save(&path)?;
    /// assert_eq!(Pipeline::load(&path)?, pipeline);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Pipeline> {
        let path = path.as_ref();
        let text = read_regular_text(path, MAX_SETTINGS_BYTES, "a pipeline configuration")?;
        let pipeline: Pipeline = serde_json::from_str(&text).map_err(|e| {
            Error::input(
                path,
                Some(e.line() as u64),
                format!("not a pipeline configuration: {e}"),
            )
        })?;
        pipeline.validate()?;
        Ok(pipeline)
    }

    /// Writes the pipeline as pretty-printed JSON (replacing the file only once it is complete).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let json = serde_json::to_string_pretty(self).map_err(|e| Error::io(path, e.into()))?;
        crate::io_util::write_atomic(path, json.as_bytes())
    }
}

/// Parts of a compiled pipeline that threads share.
struct Shared {
    pipeline: Pipeline,
    stopwords: Arc<HashSet<String>>,
    spelling: HashMap<String, String>,
    hf: Option<Arc<tokenizers::Tokenizer>>,
}

/// A compiled [`Pipeline`], made by [`Pipeline::processor`]: it turns one line at a time into
/// tokens. Give each thread its own clone: clones share the compiled configuration (stop words,
/// stemmer, tokenizer) and each keeps its own stem cache and buffers.
///
/// ```
/// let mut processor = blazetext::Pipeline::default().processor()?;
/// assert_eq!(processor.tokens("__label__music The Piano's keys"), ["__label__music", "the", "piano", "s", "keys"]);
/// # Ok::<(), blazetext::Error>(())
/// ```
#[derive(Clone)]
pub struct Processor {
    shared: Arc<Shared>,
    work: Work,
}

/// A processor's own state: the stem cache and reused buffers.
#[derive(Clone)]
struct Work {
    stemmer: Option<CachedStemmer>,
    normalized: String,
    lowered: String,
}

fn is_number(token: &str) -> bool {
    let mut chars = token.chars();
    chars.next().is_some_and(|c| c.is_numeric())
        && token
            .chars()
            .all(|c| c.is_numeric() || c == '.' || c == ',')
        && !token.ends_with(['.', ','])
}

impl std::fmt::Debug for Processor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Processor")
            .field("pipeline", &self.shared.pipeline)
            .finish_non_exhaustive()
    }
}

impl Processor {
    /// The configuration this processor was compiled from.
    pub fn pipeline(&self) -> &Pipeline {
        &self.shared.pipeline
    }

    /// Collects the tokens of `line` (labels included, in place).
    pub fn tokens(&mut self, line: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_token(line, |t| out.push(t.to_string()));
        out
    }

    /// Runs every stage on `line` and calls `emit` with each resulting token, labels included in
    /// their original position and unchanged.
    pub fn for_each_token(&mut self, line: &str, mut emit: impl FnMut(&str)) {
        let Processor { shared, work } = self;
        let pipeline = &shared.pipeline;
        if pipeline.label_prefix.is_empty() || !line.contains(pipeline.label_prefix.as_str()) {
            // No label on the line: one segment, without scanning for label boundaries.
            process_segment(shared, work, line, &mut emit);
            return;
        }
        // Split off label tokens first so that no stage touches them; the text between labels is
        // processed as one segment. Splitting at whitespace cannot change what the normalizer
        // does, because whitespace characters never combine with their neighbours.
        let mut segment_start: Option<usize> = None;
        let mut pos = 0;
        for piece in line.split(char::is_whitespace) {
            let start = pos;
            pos += piece.len()
                + line[start + piece.len()..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
            if pipeline.is_label(piece) {
                if let Some(s) = segment_start.take() {
                    process_segment(shared, work, &line[s..start], &mut emit);
                }
                emit(piece);
            } else if segment_start.is_none() && !piece.is_empty() {
                segment_start = Some(start);
            }
        }
        if let Some(s) = segment_start {
            process_segment(shared, work, &line[s..], &mut emit);
        }
    }
}

/// Stages 1 to 6 for a text without labels.
fn process_segment(shared: &Shared, work: &mut Work, text: &str, emit: &mut impl FnMut(&str)) {
    let pipeline = &shared.pipeline;
    let Work {
        stemmer,
        normalized,
        lowered,
    } = work;
    let mut finish = |token: &str| finish_token(shared, stemmer, lowered, token, emit);
    let unchanged = pipeline.normalization == Normalization::None
        && !pipeline.lowercase
        && !pipeline.strip_accents;
    let text = if unchanged {
        text
    } else {
        normalize_into(
            text,
            pipeline.normalization,
            pipeline.strip_accents,
            pipeline.lowercase,
            normalized,
        );
        normalized.as_str()
    };
    match &pipeline.tokenizer {
        Tokenizer::Whitespace => split_whitespace(text, &mut finish),
        Tokenizer::Default => {
            let options = SplitOptions {
                keep_punctuation: pipeline.keep_punctuation,
                keep_apostrophes: pipeline.keep_apostrophes,
                keep_hyphens: pipeline.keep_hyphens,
            };
            split_default(text, options, &mut finish);
        }
        Tokenizer::HuggingFace { .. } => {
            let hf = shared.hf.as_ref().expect("compiled with the tokenizer");
            // An encoding error (e.g. a text longer than the model allows with truncation
            // off) leaves the segment without tokens rather than aborting a whole corpus run.
            if let Ok(encoding) = hf.encode(text, false) {
                encoding.get_tokens().iter().for_each(|t| finish(t));
            }
        }
    }
}

/// Stage 5: whether `token` is a stop word. The lists are lowercase, so a token the pipeline did
/// not lowercase is lowercased (into `buffer`) for the comparison.
fn is_stopword(
    stopwords: &HashSet<String>,
    lowercased: bool,
    token: &str,
    buffer: &mut String,
) -> bool {
    if lowercased {
        return stopwords.contains(token);
    }
    buffer.clear();
    buffer.extend(token.chars().flat_map(char::to_lowercase));
    stopwords.contains(buffer.as_str())
}

/// Stages 4 to 6 for one token: filters, spelling, stop words, stemming.
fn finish_token(
    shared: &Shared,
    stemmer: &mut Option<CachedStemmer>,
    lowered: &mut String,
    token: &str,
    emit: &mut impl FnMut(&str),
) {
    let pipeline = &shared.pipeline;
    // An empty token never reaches here, so a minimum of 1 needs no check.
    if pipeline.min_token_length > 1 || pipeline.max_token_length != 0 {
        let length = if token.is_ascii() {
            token.len()
        } else {
            token.chars().count()
        };
        if length < pipeline.min_token_length
            || (pipeline.max_token_length != 0 && length > pipeline.max_token_length)
        {
            return;
        }
    }
    let mut token = token;
    if pipeline.numbers != Numbers::Keep && is_number(token) {
        match pipeline.numbers {
            Numbers::Drop => return,
            _ => token = &pipeline.number_token,
        }
    }
    if !shared.spelling.is_empty() {
        if let Some(correct) = shared.spelling.get(token) {
            token = correct;
        }
    }
    match stemmer {
        // The stem cache also holds the stop-word decision (see `Pipeline::processor`).
        Some(stemmer) => {
            if let Some(stem) = stemmer.stem(token) {
                emit(stem);
            }
        }
        None => {
            let stopwords = &shared.stopwords;
            if stopwords.is_empty() || !is_stopword(stopwords, pipeline.lowercase, token, lowered) {
                emit(token);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pipeline: &Pipeline, line: &str) -> Vec<String> {
        pipeline.processor().unwrap().tokens(line)
    }

    #[test]
    fn a_number_token_must_be_one_token() {
        for token in ["", "a b", "tab\there"] {
            let pipeline = Pipeline {
                numbers: Numbers::Replace,
                number_token: token.to_string(),
                ..Pipeline::default()
            };
            let e = pipeline.validate().unwrap_err();
            assert!(e.to_string().contains("--number-token"), "{e}");
        }
    }

    #[test]
    fn default_pipeline_normalizes_lowercases_and_drops_punctuation() {
        assert_eq!(
            run(&Pipeline::default(), "The Café's ﬁne, isn't it?"),
            ["the", "café", "s", "fine", "isn", "t", "it"]
        );
    }

    #[test]
    fn labels_pass_through_untouched_in_place() {
        let p = Pipeline::topics_default();
        assert_eq!(
            run(
                &p,
                "__label__Sports The runners were running __label__Health_Care fast"
            ),
            [
                "__label__Sports",
                "runner",
                "run",
                "__label__Health_Care",
                "fast"
            ]
        );
    }

    #[test]
    fn stop_words_are_matched_before_stemming() {
        let p = Pipeline {
            stopwords: StopWords::built_in("english").unwrap(),
            stemmer: Some("english".into()),
            ..Pipeline::default()
        };
        // "having" is a stop word; its stem "have" would also be, but "was" stems to "wa" which
        // must not leak through: it is removed before stemming.
        assert_eq!(run(&p, "Having cats was nice"), ["cat", "nice"]);
    }

    #[test]
    fn stop_words_in_the_stem_cache_drop_what_the_plain_check_drops() {
        // Without lowercasing, stop words are compared lowercased; the stem cache, which also
        // decides stop words, must drop exactly what the pipeline without a stemmer drops.
        let plain = Pipeline {
            lowercase: false,
            stopwords: StopWords::built_in("english").unwrap(),
            ..Pipeline::default()
        };
        let stemming = Pipeline {
            stemmer: Some("english".into()),
            ..plain.clone()
        };
        let line = "The cats And THE dogs were Having fun, the end";
        let kept = run(&plain, line);
        assert_eq!(kept, ["cats", "dogs", "fun", "end"]);
        let mut stemmer = CachedStemmer::new("english").unwrap();
        let stemmed: Vec<String> = kept
            .iter()
            .map(|t| stemmer.stem(t).unwrap().to_string())
            .collect();
        let mut processor = stemming.processor().unwrap();
        for _ in 0..2 {
            // The second pass is answered from the cache.
            assert_eq!(processor.tokens(line), stemmed);
        }
    }

    #[test]
    fn number_policies_and_length_filters() {
        let mut p = Pipeline {
            numbers: Numbers::Replace,
            ..Pipeline::default()
        };
        assert_eq!(
            run(&p, "pay 100 dollars in 2024"),
            ["pay", "<num>", "dollars", "in", "<num>"]
        );
        p.numbers = Numbers::Drop;
        p.min_token_length = 3;
        assert_eq!(run(&p, "pay 100 dollars in 2024 a1"), ["pay", "dollars"]);
        p.max_token_length = 3;
        assert_eq!(run(&p, "pay 100 dollars"), ["pay"]);
    }

    #[test]
    fn whitespace_pipeline_changes_nothing_but_splitting() {
        assert_eq!(
            run(&Pipeline::whitespace(), "Hello,  World! ﬁ"),
            ["Hello,", "World!", "ﬁ"]
        );
    }

    #[test]
    fn spelling_map_applies_before_stop_words() {
        let mut p = Pipeline {
            stopwords: StopWords::built_in("english").unwrap(),
            ..Pipeline::default()
        };
        p.spelling.insert("teh".into(), "the".into());
        p.spelling.insert("recieve".into(), "receive".into());
        assert_eq!(run(&p, "teh cat will recieve"), ["cat", "receive"]);
    }

    #[test]
    fn contradictory_settings_are_rejected() {
        let p = Pipeline {
            min_token_length: 5,
            max_token_length: 2,
            ..Pipeline::default()
        };
        assert!(p.processor().is_err());
        let p = Pipeline {
            keep_punctuation: true,
            ..Pipeline::whitespace()
        };
        assert!(p.processor().is_err());
    }

    #[test]
    fn serde_round_trip() {
        let p = Pipeline::topics_default();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Pipeline>(&json).unwrap(), p);
        // Missing fields take their defaults, so older configurations keep loading.
        let partial: Pipeline = serde_json::from_str(r#"{"lowercase": false}"#).unwrap();
        assert!(!partial.lowercase && partial.normalization == Normalization::Nfkc);
    }
}
