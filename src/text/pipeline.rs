//! `Pipeline`: the serializable configuration of every text stage, saved inside each model; and
//! `Processor`: the compiled, per-thread form that turns a line into tokens.

use super::normalize::{normalize_into, Normalization};
use super::stem::CachedStemmer;
use super::stopwords::StopWords;
use super::tokenize::{split_default, split_whitespace, SplitOptions};
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
    HuggingFace { source: String, definition: String },
}

impl Tokenizer {
    /// Parses the `--tokenizer` value: `default`, `whitespace` or `hf:<path to tokenizer.json>`.
    pub fn parse(value: &str) -> Result<Tokenizer> {
        match value {
            "default" => Ok(Tokenizer::Default),
            "whitespace" => Ok(Tokenizer::Whitespace),
            _ => match value.strip_prefix("hf:") {
                Some(path) => {
                    let definition = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
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
    #[default]
    Keep,
    Drop,
    /// Replaced by the pipeline's `number_token`.
    Replace,
}

/// Every setting of the text pipeline, in the order the stages run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pipeline {
    pub normalization: Normalization,
    pub strip_accents: bool,
    pub lowercase: bool,
    pub tokenizer: Tokenizer,
    pub keep_punctuation: bool,
    pub keep_apostrophes: bool,
    pub keep_hyphens: bool,
    /// Tokens shorter than this many characters are dropped.
    pub min_token_length: usize,
    /// Tokens longer than this many characters are dropped (0 = no limit).
    pub max_token_length: usize,
    pub numbers: Numbers,
    pub number_token: String,
    /// Misspelling → correction, applied after the filters and before stop words.
    pub spelling: BTreeMap<String, String>,
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
        if self.numbers == Numbers::Replace && self.number_token.trim().is_empty() {
            return Err(Error::config(
                "--number-token must not be empty when numbers are replaced",
            ));
        }
        if let Some(language) = &self.stemmer {
            super::stem::canonical_language(language)?;
        }
        Ok(())
    }

    /// Compiles the configuration into a processor (loads the stemmer, stop words, tokenizer).
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

    pub fn load(path: &Path) -> Result<Pipeline> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
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

    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self).expect("pipeline serializes");
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

/// A compiled pipeline. Clone one per thread: clones share the configuration and each keeps its
/// own stem cache and buffers.
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

impl Processor {
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
