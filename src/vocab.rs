//! The vocabulary manager: parallel counting, pruning (min count, max size, document frequency),
//! ids sorted by frequency, subsampling probabilities, TSV save/load and statistics.

use crate::corpus::Corpus;
use crate::text::{Pipeline, Processor, TokenMap};
use crate::{Error, Result};
use hashbrown::HashMap;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::OnceLock;

/// One vocabulary entry: a word or a label with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The token as the pipeline produced it.
    pub text: String,
    /// Occurrences in the corpus.
    pub count: u64,
    /// Lines (documents) it occurs in.
    pub doc_freq: u64,
}

/// A document-frequency bound: an absolute number of documents or a fraction of all documents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DfBound {
    /// This many documents.
    Count(u64),
    /// This share of all documents, in (0, 1].
    Fraction(f64),
}

impl DfBound {
    /// Parses `5` (documents) or `0.5` (fraction of documents).
    pub fn parse(value: &str) -> Result<DfBound> {
        if let Ok(n) = value.parse::<u64>() {
            return Ok(DfBound::Count(n));
        }
        match value.parse::<f64>() {
            Ok(f) if f > 0.0 && f <= 1.0 => Ok(DfBound::Fraction(f)),
            _ => Err(Error::config(format!(
                "'{value}' is not a document-frequency bound; give a count (e.g. 5) or a fraction in (0, 1] (e.g. 0.5)"
            ))),
        }
    }

    fn documents(self, ndocs: u64) -> f64 {
        match self {
            DfBound::Count(n) => n as f64,
            DfBound::Fraction(f) => f * ndocs as f64,
        }
    }
}

/// How a vocabulary is pruned: document-frequency bounds first, then `min_count`, then the
/// `max_vocab_size` most frequent words.
#[derive(Debug, Clone, PartialEq)]
pub struct VocabOptions {
    /// Words seen fewer times are dropped (at least 1).
    pub min_count: u64,
    /// Keep only this many of the most frequent words.
    pub max_vocab_size: Option<usize>,
    /// Words in fewer documents (lines) are dropped.
    pub min_df: Option<DfBound>,
    /// Words in more documents are dropped.
    pub max_df: Option<DfBound>,
    /// Labels seen fewer times are dropped.
    pub min_label_count: u64,
}

impl Default for VocabOptions {
    fn default() -> Self {
        VocabOptions {
            min_count: 1,
            max_vocab_size: None,
            min_df: None,
            max_df: None,
            min_label_count: 1,
        }
    }
}

impl VocabOptions {
    /// Checks that the options make sense (the message names the command-line flag).
    pub fn validate(&self) -> Result<()> {
        if self.min_count == 0 {
            return Err(Error::config(
                "--min-count must be at least 1 (a word has to occur to be in the vocabulary)",
            ));
        }
        if self.max_vocab_size == Some(0) {
            return Err(Error::config("--max-vocab-size must be at least 1"));
        }
        let contradictory = match (self.min_df, self.max_df) {
            (Some(DfBound::Count(lo)), Some(DfBound::Count(hi))) => lo > hi,
            (Some(DfBound::Fraction(lo)), Some(DfBound::Fraction(hi))) => lo > hi,
            _ => false,
        };
        if contradictory {
            return Err(Error::config(
                "--min-df is larger than --max-df: no word could pass",
            ));
        }
        Ok(())
    }
}

/// Occurrences and document frequency of one token while counting.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    count: u64,
    doc_freq: u64,
    /// The last document (1-based, within this `Counts`) the token was seen in, so that a
    /// token repeated on a line adds to `doc_freq` once.
    last_doc: u64,
}

/// Raw counts before pruning.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    words: TokenMap<Tally>,
    labels: TokenMap<Tally>,
    /// Word tokens (labels excluded).
    pub ntokens: u64,
    /// Lines.
    pub ndocs: u64,
}

impl Counts {
    /// Counts the tokens of each line through `processor`.
    pub fn add_lines<'a>(
        &mut self,
        processor: &mut Processor,
        lines: impl Iterator<Item = &'a str>,
    ) {
        let prefix = processor.pipeline().label_prefix.clone();
        for line in lines {
            self.ndocs += 1;
            let doc = self.ndocs;
            let Counts {
                words,
                labels,
                ntokens,
                ..
            } = self;
            processor.for_each_token(line, |token| {
                // The first byte settles nearly every token without a call to `memcmp`.
                let is_label = token.as_bytes().first() == prefix.as_bytes().first()
                    && !prefix.is_empty()
                    && token.starts_with(&prefix);
                let table = if is_label {
                    &mut *labels
                } else {
                    *ntokens += 1;
                    &mut *words
                };
                let tally = table.get_or_insert_with(token, Tally::default);
                tally.count += 1;
                if tally.last_doc != doc {
                    tally.last_doc = doc;
                    tally.doc_freq += 1;
                }
            });
        }
    }

    /// Adds `other` (counted over other documents) to these counts.
    fn merge(&mut self, other: Counts) {
        for (mine, theirs) in [
            (&mut self.words, other.words),
            (&mut self.labels, other.labels),
        ] {
            if mine.is_empty() {
                *mine = theirs;
                continue;
            }
            for (key, tally) in theirs.iter() {
                let t = mine.get_or_insert_with(key, Tally::default);
                t.count += tally.count;
                t.doc_freq += tally.doc_freq;
            }
        }
        self.ntokens += other.ntokens;
        self.ndocs += other.ndocs;
    }

    /// Counts a whole corpus in parallel: each thread counts its chunks into its own table and
    /// the tables are merged once at the end (the result does not depend on the thread count).
    pub fn from_corpus(corpus: &Corpus, pipeline: &Pipeline) -> Result<Counts> {
        let processor = pipeline.processor()?;
        let (_, states) = corpus.par_fold_chunks(
            || (processor.clone(), Counts::default()),
            |(processor, counts), chunk| {
                counts.add_lines(processor, chunk.lines().map(|(_, l)| l));
            },
        )?;
        let mut total = Counts::default();
        for (_, counts) in states {
            total.merge(counts);
        }
        Ok(total)
    }

    /// Word → count, for passes that work on raw counts (spelling repair).
    pub fn word_counts(&self) -> HashMap<String, u64> {
        self.words
            .iter()
            .map(|(w, t)| (w.to_string(), t.count))
            .collect()
    }

    pub fn distinct_words(&self) -> usize {
        self.words.len()
    }
}

/// The entries that `keep` accepts, by count (descending), ties by text (byte order).
fn sorted_entries(table: &TokenMap<Tally>, keep: impl Fn(&Tally) -> bool) -> Vec<Entry> {
    // The first 8 bytes of the text, big-endian, order like the text itself, so most ties are
    // settled by comparing integers rather than by following pointers to the strings.
    let prefix = |text: &str| {
        let mut bytes = [0u8; 8];
        let n = text.len().min(8);
        bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
        u64::from_be_bytes(bytes)
    };
    let mut keyed: Vec<(u64, u64, &str, &Tally)> = table
        .iter()
        .filter(|(_, t)| keep(t))
        .map(|(text, t)| (t.count, prefix(text), text, t))
        .collect();
    // Texts are distinct, so the order is total and an unstable sort gives one result.
    keyed.par_sort_unstable_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(b.2))
    });
    keyed
        .par_iter()
        .map(|&(_, _, text, t)| Entry {
            text: text.to_string(),
            count: t.count,
            doc_freq: t.doc_freq,
        })
        .collect()
}

/// Text → position, built on first use (counting and saving never need it).
#[derive(Debug, Clone, Default)]
struct Index(OnceLock<TokenMap<u32>>);

impl Index {
    fn get(&self, entries: &[Entry], text: &str) -> Option<u32> {
        let index = self.0.get_or_init(|| {
            let mut index = TokenMap::new();
            for (i, e) in entries.iter().enumerate() {
                *index.get_or_insert_with(&e.text, || 0) = i as u32;
            }
            index
        });
        index.get(text).copied()
    }
}

/// A pruned vocabulary: words and labels, each sorted by count (descending, ties by text), so a
/// word's id is its frequency rank.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    words: Vec<Entry>,
    labels: Vec<Entry>,
    word_index: Index,
    label_index: Index,
    ntokens: u64,
    ndocs: u64,
}

/// Figures that describe a vocabulary.
#[derive(Debug, Clone, Serialize)]
pub struct VocabStats {
    /// Word tokens counted, before pruning.
    pub tokens: u64,
    /// Documents (lines) counted.
    pub documents: u64,
    /// Words in the vocabulary.
    pub types: usize,
    /// Labels in the vocabulary.
    pub labels: usize,
    /// Tokens covered by the vocabulary, as a fraction of all tokens counted.
    pub coverage: f64,
    /// (N, fraction of tokens covered by the N most frequent words) for N = 10, 100, 1000, ...
    pub coverage_top: Vec<(usize, f64)>,
    /// Each label with its count, most frequent first.
    pub label_counts: Vec<(String, u64)>,
}

impl Vocab {
    /// Counts `corpus` through `pipeline` and prunes with `options`.
    pub fn build(corpus: &Corpus, pipeline: &Pipeline, options: &VocabOptions) -> Result<Vocab> {
        options.validate()?;
        Vocab::from_counts(Counts::from_corpus(corpus, pipeline)?, options)
    }

    /// Prunes raw counts: document-frequency bounds, then `min_count`, then the `max_vocab_size`
    /// most frequent words.
    pub fn from_counts(counts: Counts, options: &VocabOptions) -> Result<Vocab> {
        options.validate()?;
        let ndocs = counts.ndocs;
        let min_df = options.min_df.map_or(0.0, |b| b.documents(ndocs));
        let max_df = options.max_df.map_or(f64::INFINITY, |b| b.documents(ndocs));
        let mut words = sorted_entries(&counts.words, |t| {
            t.count >= options.min_count
                && t.doc_freq as f64 >= min_df
                && t.doc_freq as f64 <= max_df
        });
        if let Some(max) = options.max_vocab_size {
            words.truncate(max);
        }
        let labels = sorted_entries(&counts.labels, |t| t.count >= options.min_label_count);
        Ok(Vocab {
            word_index: Index::default(),
            label_index: Index::default(),
            words,
            labels,
            ntokens: counts.ntokens,
            ndocs,
        })
    }

    /// A vocabulary from entries already in the order their ids should follow.
    pub fn from_entries(words: Vec<Entry>, labels: Vec<Entry>, ntokens: u64, ndocs: u64) -> Vocab {
        Vocab {
            word_index: Index::default(),
            label_index: Index::default(),
            words,
            labels,
            ntokens,
            ndocs,
        }
    }

    /// Prunes an existing vocabulary again (ids are renumbered).
    pub fn prune(&self, options: &VocabOptions) -> Result<Vocab> {
        options.validate()?;
        let to_tallies = |entries: &[Entry]| -> TokenMap<Tally> {
            let mut table = TokenMap::new();
            for e in entries {
                *table.get_or_insert_with(&e.text, Tally::default) = Tally {
                    count: e.count,
                    doc_freq: e.doc_freq,
                    last_doc: 0,
                };
            }
            table
        };
        let counts = Counts {
            words: to_tallies(&self.words),
            labels: to_tallies(&self.labels),
            ntokens: self.ntokens,
            ndocs: self.ndocs,
        };
        Vocab::from_counts(counts, options)
    }

    pub fn words(&self) -> &[Entry] {
        &self.words
    }

    pub fn labels(&self) -> &[Entry] {
        &self.labels
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn word_id(&self, word: &str) -> Option<u32> {
        self.word_index.get(&self.words, word)
    }

    pub fn label_id(&self, label: &str) -> Option<u32> {
        self.label_index.get(&self.labels, label)
    }

    /// Word tokens counted, before pruning.
    pub fn ntokens(&self) -> u64 {
        self.ntokens
    }

    /// Lines counted.
    pub fn ndocs(&self) -> u64 {
        self.ndocs
    }

    /// Probability of keeping each word when subsampling frequent words, as word2vec and
    /// fastText compute it: `sqrt(t / f) + t / f` with `f` the word's share of all tokens,
    /// capped at 1. A threshold of 0 keeps everything.
    pub fn keep_probabilities(&self, sampling_threshold: f64) -> Vec<f32> {
        let total: u64 = self.words.iter().map(|e| e.count).sum();
        self.words
            .iter()
            .map(|e| {
                if sampling_threshold <= 0.0 {
                    return 1.0;
                }
                let ratio = sampling_threshold / (e.count as f64 / total as f64);
                (ratio.sqrt() + ratio).min(1.0) as f32
            })
            .collect()
    }

    pub fn stats(&self) -> VocabStats {
        let covered: u64 = self.words.iter().map(|e| e.count).sum();
        let share = |n: u64| {
            if self.ntokens == 0 {
                0.0
            } else {
                n as f64 / self.ntokens as f64
            }
        };
        let mut coverage_top = Vec::new();
        let mut n = 10;
        while n < self.words.len() {
            coverage_top.push((n, share(self.words[..n].iter().map(|e| e.count).sum())));
            n *= 10;
        }
        VocabStats {
            tokens: self.ntokens,
            documents: self.ndocs,
            types: self.words.len(),
            labels: self.labels.len(),
            coverage: share(covered),
            coverage_top,
            label_counts: self
                .labels
                .iter()
                .map(|e| (e.text.clone(), e.count))
                .collect(),
        }
    }

    /// Saves as TSV: a `#` header with the totals, then `kind  text  count  doc_freq` per entry
    /// (kind is `word` or `label`), in id order.
    pub fn save_tsv(&self, path: &Path) -> Result<()> {
        let mut file = crate::io_util::AtomicFile::create(path)?;
        let mut out = format!(
            "# blazetext vocabulary\ttokens={}\tdocuments={}\nkind\ttext\tcount\tdoc_freq\n",
            self.ntokens, self.ndocs
        )
        .into_bytes();
        // Lines are assembled by hand: `write!` per field costs more than the rest of `vocab
        // build` after counting.
        let mut numbers = itoa::Buffer::new();
        for (kind, entries) in [(&b"word\t"[..], &self.words), (b"label\t", &self.labels)] {
            for e in entries {
                out.extend_from_slice(kind);
                out.extend_from_slice(e.text.as_bytes());
                out.push(b'\t');
                out.extend_from_slice(numbers.format(e.count).as_bytes());
                out.push(b'\t');
                out.extend_from_slice(numbers.format(e.doc_freq).as_bytes());
                out.push(b'\n');
                if out.len() >= 1 << 20 {
                    file.write_all(&out).map_err(|e| Error::io(path, e))?;
                    out.clear();
                }
            }
        }
        file.write_all(&out).map_err(|e| Error::io(path, e))?;
        file.commit()
    }

    /// Loads a vocabulary written by [`Vocab::save_tsv`].
    pub fn load_tsv(path: &Path) -> Result<Vocab> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut words = Vec::new();
        let mut labels = Vec::new();
        let (mut ntokens, mut ndocs) = (None, None);
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line_no = i as u64 + 1;
            let line = line.map_err(|e| {
                Error::input(path, Some(line_no), format!("could not read the line: {e}"))
            })?;
            if i == 0 {
                if !line.starts_with("# blazetext vocabulary") {
                    return Err(Error::input(
                        path,
                        Some(1),
                        "not a blazetext vocabulary file (write one with `blazetext vocab build`)",
                    ));
                }
                for field in line.split('\t').skip(1) {
                    match field.split_once('=') {
                        Some(("tokens", v)) => ntokens = v.parse().ok(),
                        Some(("documents", v)) => ndocs = v.parse().ok(),
                        _ => {}
                    }
                }
                continue;
            }
            if i == 1 {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let parsed = match fields.as_slice() {
                [kind, text, count, df] => count
                    .parse()
                    .ok()
                    .zip(df.parse().ok())
                    .map(|(c, d)| (*kind, *text, c, d)),
                _ => None,
            };
            let Some((kind, text, count, doc_freq)) = parsed else {
                return Err(Error::input(
                    path,
                    Some(line_no),
                    "expected four tab-separated fields: kind, text, count, doc_freq",
                ));
            };
            let entry = Entry {
                text: text.to_string(),
                count,
                doc_freq,
            };
            match kind {
                "word" => words.push(entry),
                "label" => labels.push(entry),
                other => {
                    return Err(Error::input(
                        path,
                        Some(line_no),
                        format!("unknown entry kind '{other}' (expected word or label)"),
                    ))
                }
            }
        }
        let (Some(ntokens), Some(ndocs)) = (ntokens, ndocs) else {
            return Err(Error::input(
                path,
                Some(1),
                "the header lacks tokens= and documents= totals",
            ));
        };
        Ok(Vocab::from_entries(words, labels, ntokens, ndocs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Reporter;

    fn counts(lines: &[&str]) -> Counts {
        let mut processor = Pipeline::default().processor().unwrap();
        let mut counts = Counts::default();
        counts.add_lines(&mut processor, lines.iter().copied());
        counts
    }

    const DOCS: &[&str] = &[
        "__label__a the cat sat on the mat",
        "__label__b the dog sat",
        "__label__a a cat and a dog",
    ];

    #[test]
    fn counts_words_labels_and_document_frequency() {
        let vocab = Vocab::from_counts(counts(DOCS), &VocabOptions::default()).unwrap();
        let the = &vocab.words()[vocab.word_id("the").unwrap() as usize];
        assert_eq!((the.count, the.doc_freq), (3, 2));
        let a = &vocab.words()[vocab.word_id("a").unwrap() as usize];
        assert_eq!((a.count, a.doc_freq), (2, 1));
        assert_eq!(vocab.ntokens(), 14);
        assert_eq!(vocab.ndocs(), 3);
        assert_eq!(vocab.labels()[0].text, "__label__a");
        assert_eq!(vocab.labels()[0].count, 2);
        // Sorted by count, ties alphabetical: the(3), a(2), cat(2), dog(2), sat(2), ...
        let first: Vec<&str> = vocab.words()[..5].iter().map(|e| e.text.as_str()).collect();
        assert_eq!(first, ["the", "a", "cat", "dog", "sat"]);
    }

    #[test]
    fn parallel_counts_equal_a_naive_count_at_any_thread_count() {
        // Several 4 MiB chunks; lines repeat words (document frequency counts a line once), mix
        // labels in, and use keys longer than a table slot holds inline.
        let words = [
            "the",
            "The",
            "cat",
            "CAT",
            "naïve",
            "x",
            "1.5",
            "a-very-long-word-beyond-sixteen-bytes",
            "another_extraordinarily_long_identifier",
            "__label__pos",
            "__label__neg",
            "déjà",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut text = String::new();
        while text.len() < 9 << 20 {
            for _ in 0..1 + next(12) {
                text.push_str(words[next(words.len())]);
                text.push(' ');
            }
            text.push('\n');
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("corpus.txt");
        std::fs::write(&path, &text).unwrap();

        let pipeline = Pipeline::default();
        let mut processor = pipeline.processor().unwrap();
        let mut naive: std::collections::HashMap<String, (u64, u64)> = Default::default();
        let (mut ntokens, mut ndocs) = (0, 0);
        for line in text.lines() {
            ndocs += 1;
            let tokens = processor.tokens(line);
            let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
            for t in &tokens {
                naive.entry(t.clone()).or_default().0 += 1;
                ntokens += u64::from(!pipeline.is_label(t));
            }
            for t in distinct {
                naive.get_mut(t).unwrap().1 += 1;
            }
        }
        let mut expected: Vec<(String, u64, u64)> =
            naive.into_iter().map(|(t, (c, d))| (t, c, d)).collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        let corpus = Corpus::open(&[path], &Reporter::silent()).unwrap();
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let counts = pool
                .install(|| Counts::from_corpus(&corpus, &pipeline))
                .unwrap();
            let vocab = Vocab::from_counts(counts, &VocabOptions::default()).unwrap();
            assert_eq!((vocab.ntokens(), vocab.ndocs()), (ntokens, ndocs));
            let mut found: Vec<(String, u64, u64)> = vocab
                .words()
                .iter()
                .chain(vocab.labels())
                .map(|e| (e.text.clone(), e.count, e.doc_freq))
                .collect();
            found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            assert_eq!(found, expected, "{threads} threads");
            assert_eq!(vocab.word_id(&vocab.words()[3].text), Some(3));
            assert_eq!(vocab.word_id("never seen"), None);
        }
    }

    #[test]
    fn pruning_by_count_size_and_document_frequency() {
        let options = VocabOptions {
            min_count: 2,
            ..VocabOptions::default()
        };
        let vocab = Vocab::from_counts(counts(DOCS), &options).unwrap();
        assert_eq!(vocab.len(), 5);
        let options = VocabOptions {
            max_vocab_size: Some(2),
            ..VocabOptions::default()
        };
        assert_eq!(Vocab::from_counts(counts(DOCS), &options).unwrap().len(), 2);
        // Words in at least 2 of 3 documents but not in more than half of them: none but...
        let options = VocabOptions {
            min_df: Some(DfBound::Count(2)),
            max_df: Some(DfBound::Fraction(0.7)),
            ..VocabOptions::default()
        };
        let vocab = Vocab::from_counts(counts(DOCS), &options).unwrap();
        let words: Vec<&str> = vocab.words().iter().map(|e| e.text.as_str()).collect();
        assert_eq!(words, ["the", "cat", "dog", "sat"]);
    }

    #[test]
    fn keep_probabilities_follow_the_word2vec_formula() {
        let vocab = Vocab::from_counts(counts(DOCS), &VocabOptions::default()).unwrap();
        let p = vocab.keep_probabilities(0.1);
        // "the": f = 3/14, t/f = 0.4667, sqrt(0.4667) + 0.4667 = 1.15 -> capped at 1.
        assert_eq!(p[0], 1.0);
        let p = vocab.keep_probabilities(0.01);
        let ratio = 0.01 * 14.0 / 3.0;
        let expected = (f64::sqrt(ratio) + ratio) as f32;
        assert!((p[0] - expected).abs() < 1e-6);
        assert!(vocab.keep_probabilities(0.0).iter().all(|&x| x == 1.0));
    }

    #[test]
    fn tsv_round_trip_and_bad_files() {
        let vocab = Vocab::from_counts(counts(DOCS), &VocabOptions::default()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vocab.tsv");
        vocab.save_tsv(&path).unwrap();
        let loaded = Vocab::load_tsv(&path).unwrap();
        assert_eq!(loaded.words(), vocab.words());
        assert_eq!(loaded.labels(), vocab.labels());
        assert_eq!((loaded.ntokens(), loaded.ndocs()), (14, 3));
        std::fs::write(&path, "hello\n").unwrap();
        assert!(Vocab::load_tsv(&path)
            .unwrap_err()
            .to_string()
            .contains("not a blazetext vocabulary"));
    }

    #[test]
    fn nonsense_options_are_rejected() {
        let options = VocabOptions {
            min_count: 0,
            ..VocabOptions::default()
        };
        assert!(options
            .validate()
            .unwrap_err()
            .to_string()
            .contains("--min-count"));
        assert!(DfBound::parse("1.5").is_err());
        assert_eq!(DfBound::parse("0.5").unwrap(), DfBound::Fraction(0.5));
        assert_eq!(DfBound::parse("3").unwrap(), DfBound::Count(3));
    }

    #[test]
    fn stats_report_coverage() {
        let vocab = Vocab::from_counts(counts(DOCS), &VocabOptions::default()).unwrap();
        let stats = vocab.stats();
        assert_eq!(stats.types, 8);
        assert!((stats.coverage - 1.0).abs() < 1e-12);
        assert_eq!(stats.coverage_top, vec![]);
    }
}
