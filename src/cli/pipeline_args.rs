//! Command-line options of the text pipeline, shared by every subcommand that reads raw text.

use blazetext::{Error, Normalization, Numbers, Pipeline, Result, SpellingOptions, Tokenizer};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args, Default)]
#[command(next_help_heading = "Text pipeline")]
pub struct PipelineArgs {
    /// Load pipeline settings from a JSON file (as written by --save-pipeline-config or found in a
    /// model's manifest); options given on the command line override it
    #[arg(long, value_name = "JSON")]
    pub pipeline_config: Option<PathBuf>,
    /// Write the resulting pipeline settings to a JSON file for reuse
    #[arg(long, value_name = "JSON")]
    pub save_pipeline_config: Option<PathBuf>,
    /// Unicode normalization [default: nfkc; none with --tokenizer whitespace or hf:]
    #[arg(long, value_enum)]
    pub normalization: Option<Normalization>,
    /// Remove accents (é → e)
    #[arg(long)]
    pub strip_accents: bool,
    /// Lowercase text (the default, except with --tokenizer whitespace or hf:)
    #[arg(long, conflicts_with = "no_lowercase")]
    pub lowercase: bool,
    /// Keep the case of the text
    #[arg(long)]
    pub no_lowercase: bool,
    /// default (split on whitespace and punctuation), whitespace (fastText: split on ASCII
    /// whitespace only, nothing else changed), or hf:<tokenizer.json>
    #[arg(long, value_name = "TOKENIZER")]
    pub tokenizer: Option<String>,
    /// Keep punctuation characters as tokens
    #[arg(long)]
    pub keep_punctuation: bool,
    /// Keep apostrophes between letters inside words (don't)
    #[arg(long)]
    pub keep_apostrophes: bool,
    /// Keep hyphens between letters inside words (state-of-the-art)
    #[arg(long)]
    pub keep_hyphens: bool,
    /// Drop tokens shorter than this many characters
    #[arg(long, value_name = "N")]
    pub min_token_length: Option<usize>,
    /// Drop tokens longer than this many characters (0 = no limit)
    #[arg(long, value_name = "N")]
    pub max_token_length: Option<usize>,
    /// What to do with number tokens
    #[arg(long, value_enum)]
    pub numbers: Option<Numbers>,
    /// The token that replaces numbers with --numbers replace [default: <num>]
    #[arg(long, value_name = "TOKEN")]
    pub number_token: Option<String>,
    /// Remove the built-in stop words of a language (english, german, french, spanish, italian,
    /// portuguese, dutch, russian), or none
    #[arg(long, value_name = "LANGUAGE", conflicts_with = "stopwords_file")]
    pub stopwords: Option<String>,
    /// Remove the stop words listed in a file (one per line)
    #[arg(long, value_name = "FILE")]
    pub stopwords_file: Option<PathBuf>,
    /// Snowball stemmer language (english, french, russian, ... ), or none
    #[arg(long, value_name = "LANGUAGE")]
    pub stemmer: Option<String>,
    /// Tokens starting with this prefix are labels and pass through untouched
    #[arg(long, value_name = "PREFIX")]
    pub label_prefix: Option<String>,
}

impl PipelineArgs {
    /// The files these options read: the pipeline settings, a stop-word list, a Hugging Face
    /// tokenizer (for the output rule).
    pub fn reads(&self) -> Vec<PathBuf> {
        let tokenizer = self
            .tokenizer
            .as_deref()
            .and_then(|t| t.strip_prefix("hf:"));
        self.pipeline_config
            .iter()
            .chain(&self.stopwords_file)
            .cloned()
            .chain(tokenizer.map(PathBuf::from))
            .collect()
    }

    /// The file these options write: `--save-pipeline-config`.
    pub fn writes(&self) -> Option<&PathBuf> {
        self.save_pipeline_config.as_ref()
    }

    /// The pipeline these options describe, starting from `base` (the default for the task).
    pub fn to_pipeline(&self, base: Pipeline) -> Result<Pipeline> {
        let mut p = match &self.pipeline_config {
            Some(path) => Pipeline::load(path)?,
            None => base,
        };
        if let Some(value) = &self.tokenizer {
            p = p.with_tokenizer(value)?;
            if p.tokenizer != Tokenizer::Default && self.pipeline_config.is_none() {
                // Pre-tokenized text and Hugging Face tokenizers (which carry their own
                // normalizer) are left as they are unless asked otherwise.
                p.normalization = Normalization::None;
                p.lowercase = false;
            }
        }
        if let Some(n) = self.normalization {
            p.normalization = n;
        }
        p.strip_accents |= self.strip_accents;
        if self.lowercase {
            p.lowercase = true;
        }
        if self.no_lowercase {
            p.lowercase = false;
        }
        p.keep_punctuation |= self.keep_punctuation;
        p.keep_apostrophes |= self.keep_apostrophes;
        p.keep_hyphens |= self.keep_hyphens;
        if let Some(n) = self.min_token_length {
            p.min_token_length = n;
        }
        if let Some(n) = self.max_token_length {
            p.max_token_length = n;
        }
        if let Some(n) = self.numbers {
            p.numbers = n;
        }
        if let Some(t) = &self.number_token {
            p.number_token = t.clone();
        }
        match (&self.stopwords, &self.stopwords_file) {
            (Some(language), _) => p = p.with_stopwords(language)?,
            (None, Some(path)) => p = p.with_stopwords_file(path)?,
            (None, None) => {}
        }
        if let Some(language) = &self.stemmer {
            p = p.with_stemmer(language)?;
        }
        if let Some(prefix) = &self.label_prefix {
            p.label_prefix = prefix.clone();
        }
        p.validate()?;
        if let Some(path) = &self.save_pipeline_config {
            p.save(path)?;
        }
        Ok(p)
    }
}

/// Options of the spelling-repair pass.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Spelling repair")]
pub struct SpellingArgs {
    /// Map rare tokens to a frequent token at Damerau-Levenshtein distance 1 or 2 (learned from
    /// the input; the mapping is saved in the pipeline)
    #[arg(long)]
    pub fix_spelling: bool,
    /// Tokens seen fewer times than this are candidates for correction
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub spelling_rare_below: u64,
    /// Only tokens seen at least this often can be a correction
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub spelling_frequent_min: u64,
    /// Largest edit distance, 1 or 2 (2 is used only for words of 8+ characters)
    #[arg(long, default_value_t = 2, value_name = "D")]
    pub spelling_max_distance: usize,
    /// Write the corrections (from, to, counts, distance) to this TSV file
    #[arg(long, value_name = "TSV")]
    pub spelling_output: Option<PathBuf>,
}

impl SpellingArgs {
    /// The spelling-repair options, or `None` without `--fix-spelling`.
    pub fn options(&self) -> Result<Option<SpellingOptions>> {
        if !self.fix_spelling {
            if self.spelling_output.is_some() {
                return Err(Error::config("--spelling-output needs --fix-spelling"));
            }
            return Ok(None);
        }
        Ok(Some(SpellingOptions {
            rare_below: self.spelling_rare_below,
            frequent_min: self.spelling_frequent_min,
            max_distance: self.spelling_max_distance,
            ..SpellingOptions::default()
        }))
    }
}
