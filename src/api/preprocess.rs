//! The text pipeline on its own: tokenizing texts ([`Pipeline::tokenize`], [`Processor`]),
//! preprocessing whole corpora into files ([`Preprocessor`]), and building, pruning, saving and
//! loading vocabularies ([`Vocabulary`]).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use super::data::Materialized;
use crate::corpus::{Corpus, Input};
use crate::events::Reporter;
use crate::io_util::AtomicFile;
use crate::text::{preprocess, spell};
use crate::vocab::Vocab;
use crate::{CancelFlag, EventHook, Pipeline, Result, TrainingData, TrainingProgress};

pub use crate::text::spell::{SpellingCorrection, SpellingOptions};
pub use crate::text::{Normalization, Numbers, Processor, StopWords, Tokenizer};
pub use crate::vocab::{DfBound, Entry as VocabEntry, VocabOptions, VocabStats};

/// How a long call runs: its worker threads, where its events go, and the flag that stops it.
#[derive(Clone, Default)]
struct Control {
    /// `None`: the caller's current rayon pool.
    threads: Option<usize>,
    hook: Option<EventHook>,
    cancel: CancelFlag,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("threads", &self.threads)
            .field("hook", &self.hook.is_some())
            .field("cancelled", &self.cancel.is_cancelled())
            .finish()
    }
}

impl Control {
    /// Runs `work` with a reporter for the hook and flag, on a pool of its own when a thread
    /// count was given.
    fn run<T: Send>(&self, work: impl FnOnce(&Reporter) -> Result<T> + Send) -> Result<T> {
        let reporter = Reporter::new(self.hook.clone(), self.cancel.clone());
        match self.threads {
            None => work(&reporter),
            Some(requested) => {
                let threads = crate::threads::clamp(requested, &reporter)?;
                crate::threads::in_pool(threads, || work(&reporter))?
            }
        }
    }
}

/// Opens `data` as a corpus; the first value keeps texts held in memory on disk while it lives.
fn open(data: &TrainingData, reporter: &Reporter) -> Result<(Materialized, Corpus)> {
    let materialized = data.materialize()?;
    let corpus = Corpus::open(&materialized.paths, reporter)?;
    Ok((materialized, corpus))
}

/// Runs a [`Pipeline`] over a whole corpus (files or texts in memory) and writes one line of
/// tokens per input line, in order, as `blazetext preprocess` does. With
/// [`fix_spelling`](Preprocessor::fix_spelling) it first learns spelling corrections from the
/// corpus and applies them.
///
/// It reads on the caller's rayon pool unless [`threads`](Preprocessor::threads) is given;
/// warnings (skipped binary files, replaced invalid UTF-8) and progress (the share of input bytes
/// read; learning rate and loss are 0) go to the [`on_event`](Preprocessor::on_event) hook, and
/// setting the [`cancel_flag`](Preprocessor::cancel_flag) stops the run between chunks with
/// [`Error::Cancelled`](crate::Error::Cancelled), leaving no output file.
///
/// ```
/// use blazetext::{Pipeline, Preprocessor, TrainingData};
/// let pipeline = Pipeline::default().with_stopwords("english")?.with_stemmer("english")?;
/// let output = std::env::temp_dir().join("blazetext-doc-sample.tok");
/// let report = Preprocessor::new(pipeline).run(&TrainingData::files(["corpora/sample.txt"]), &output)?;
/// assert_eq!(report.lines, 3000);
/// let text = std::fs::read_to_string(&output)?;
/// assert_eq!(text.lines().next(), Some("program alway instal program"));
/// # std::fs::remove_file(&output)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Preprocessor {
    pipeline: Pipeline,
    spelling: Option<SpellingOptions>,
    control: Control,
}

/// What a [`Preprocessor`] run read, wrote and learned.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PreprocessReport {
    /// Lines read (and written).
    pub lines: u64,
    /// Words of the input, split on whitespace.
    pub tokens_in: u64,
    /// Tokens written, labels included.
    pub tokens_out: u64,
    /// Distinct tokens written (counted by 64-bit hash).
    pub types: usize,
    /// Bytes read (decompressed).
    pub bytes: u64,
    /// Invalid UTF-8 sequences replaced by U+FFFD.
    pub invalid_utf8: u64,
    /// Seconds the run took.
    pub seconds: f64,
    /// Spelling corrections learned (empty without [`Preprocessor::fix_spelling`]).
    pub corrections: Vec<SpellingCorrection>,
    /// The pipeline that ran, with the learned corrections in its `spelling` map: save it to
    /// treat later text the same way.
    pub pipeline: Pipeline,
}

impl PreprocessReport {
    /// Input megabytes (10⁶ bytes) per second.
    pub fn mb_per_second(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }

    /// Writes the spelling corrections as TSV: a `from to from_count to_count distance` header,
    /// then one correction per line, sorted by `from`.
    pub fn save_corrections_tsv(&self, path: impl AsRef<Path>) -> Result<()> {
        let mut tsv = String::from("from\tto\tfrom_count\tto_count\tdistance\n");
        for c in &self.corrections {
            tsv.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                c.from, c.to, c.from_count, c.to_count, c.distance
            ));
        }
        crate::io_util::write_atomic(path.as_ref(), tsv.as_bytes())
    }
}

impl Preprocessor {
    /// A run of `pipeline`, without spelling repair, on the caller's thread pool.
    pub fn new(pipeline: Pipeline) -> Preprocessor {
        Preprocessor {
            pipeline,
            spelling: None,
            control: Control::default(),
        }
    }

    /// Learns spelling corrections from the corpus first (rare tokens mapped to a frequent
    /// token a small edit away) and applies them.
    pub fn fix_spelling(mut self, options: SpellingOptions) -> Preprocessor {
        self.spelling = Some(options);
        self
    }

    /// Runs on a pool of its own with this many threads (at most 256) instead of the
    /// caller's.
    pub fn threads(mut self, threads: usize) -> Preprocessor {
        self.control.threads = Some(threads);
        self
    }

    /// Sends the run's events to `hook`.
    pub fn on_event(mut self, hook: EventHook) -> Preprocessor {
        self.control.hook = Some(hook);
        self
    }

    /// Stops the run, with nothing written, once `flag` is set.
    pub fn cancel_flag(mut self, flag: CancelFlag) -> Preprocessor {
        self.control.cancel = flag;
        self
    }

    /// Preprocesses `data` into the file `output`, which appears only once it is complete.
    pub fn run(&self, data: &TrainingData, output: impl AsRef<Path>) -> Result<PreprocessReport> {
        let output = output.as_ref();
        self.execute(
            data,
            output,
            || AtomicFile::create(output),
            AtomicFile::commit,
        )
    }

    /// Preprocesses `data` into `writer` (standard output, a buffer in memory, …).
    ///
    /// ```
    /// use blazetext::{Pipeline, Preprocessor, TrainingData};
    /// let mut tokens = Vec::new();
    /// let data = TrainingData::texts(["The Cats sat.", "__label__pets Dogs, too!"]);
    /// Preprocessor::new(Pipeline::default()).run_to_writer(&data, &mut tokens)?;
    /// assert_eq!(String::from_utf8(tokens)?, "the cats sat\n__label__pets dogs too\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run_to_writer<W: Write + Send>(
        &self,
        data: &TrainingData,
        writer: W,
    ) -> Result<PreprocessReport> {
        self.execute(data, Path::new("<output>"), || Ok(writer), |_| Ok(()))
    }

    /// Opens the corpus, learns spelling, then writes into the sink `create` makes (named
    /// `sink_name` in errors) and hands it to `finish`.
    fn execute<W: Write>(
        &self,
        data: &TrainingData,
        sink_name: &Path,
        create: impl FnOnce() -> Result<W> + Send,
        finish: impl FnOnce(W) -> Result<()> + Send,
    ) -> Result<PreprocessReport> {
        self.pipeline.validate()?;
        if let Some(options) = &self.spelling {
            options.validate()?;
        }
        self.control.run(|reporter| {
            let start = Instant::now();
            let (_texts, corpus) = open(data, reporter)?;
            // Spelling repair reads the corpus twice, but standard input can be read only once.
            let spool = match self.spelling {
                Some(_) if corpus.inputs().contains(&Input::Stdin) => Some(corpus.spool()?),
                _ => None,
            };
            let corpus = match &spool {
                Some(spool) => Corpus::open(&[spool.path().to_path_buf()], reporter)?,
                None => corpus,
            };
            let mut pipeline = self.pipeline.clone();
            let corrections = match &self.spelling {
                Some(options) => {
                    let corrections = spell::learn(&corpus, &pipeline, options)?;
                    pipeline.spelling = spell::to_mapping(&corrections);
                    reporter.info(describe_corrections(&corrections));
                    corrections
                }
                None => Vec::new(),
            };
            let processor = pipeline.processor()?;
            let mut sink = create()?;
            let total_bytes = input_bytes(&corpus);
            let threads = rayon::current_num_threads() as f64;
            let figures = preprocess::write_tokens(
                &corpus,
                &processor,
                &mut sink,
                sink_name,
                |done, words| {
                    let Some(total) = total_bytes else { return };
                    let fraction = (done as f64 / total as f64).min(1.0);
                    let seconds = start.elapsed().as_secs_f64().max(1e-9);
                    reporter.progress(TrainingProgress {
                        fraction,
                        words_per_sec_per_thread: words as f64 / seconds / threads,
                        learning_rate: 0.0,
                        loss: 0.0,
                        eta_seconds: seconds * (1.0 - fraction) / fraction.max(1e-9),
                    });
                },
            )?;
            finish(sink)?;
            Ok(PreprocessReport {
                lines: figures.read.lines,
                tokens_in: figures.tokens_in,
                tokens_out: figures.tokens_out,
                types: figures.types,
                bytes: figures.read.bytes,
                invalid_utf8: figures.read.invalid_utf8
                    + spool.as_ref().map_or(0, |s| s.stats.invalid_utf8),
                seconds: start.elapsed().as_secs_f64(),
                corrections,
                pipeline,
            })
        })
    }
}

/// The size of the corpus's files, or `None` when it reads standard input.
fn input_bytes(corpus: &Corpus) -> Option<u64> {
    corpus
        .inputs()
        .iter()
        .map(|input| match input {
            Input::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Input::Stdin => None,
        })
        .sum::<Option<u64>>()
        .filter(|&total| total > 0)
}

/// One line on what spelling repair found, with the first few corrections.
fn describe_corrections(corrections: &[SpellingCorrection]) -> String {
    let occurrences: u64 = corrections.iter().map(|c| c.from_count).sum();
    format!(
        "spelling: {} rare token types ({} occurrences) mapped to frequent ones{}",
        corrections.len(),
        occurrences,
        corrections
            .iter()
            .take(5)
            .map(|c| format!("; {} → {}", c.from, c.to))
            .collect::<String>()
    )
}

/// The words and labels of a corpus with their counts and document frequencies (documents are
/// lines), pruned and sorted by count (descending, ties by text), so that a word's id is its
/// frequency rank. The counts do not depend on the thread count.
///
/// ```
/// use blazetext::{Pipeline, TrainingData, VocabOptions, Vocabulary};
/// let data = TrainingData::files(["corpora/sample.txt"]);
/// let options = VocabOptions { min_count: 5, ..VocabOptions::default() };
/// let vocab = Vocabulary::build(&data, &Pipeline::default(), &options)?;
/// assert_eq!(vocab.words()[0].text, "the");
/// assert_eq!(vocab.word_id("the"), Some(0));
/// assert!(vocab.words().iter().all(|w| w.count >= 5));
///
/// let path = std::env::temp_dir().join("blazetext-doc-vocab.tsv");
/// vocab.save_tsv(&path)?;
/// assert_eq!(Vocabulary::load_tsv(&path)?.words(), vocab.words());
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Vocabulary {
    vocab: Vocab,
}

/// Builds a [`Vocabulary`] with a progress hook, a cancel flag or its own threads; made by
/// [`Vocabulary::builder`].
#[derive(Debug, Clone)]
pub struct VocabularyBuilder {
    pipeline: Pipeline,
    options: VocabOptions,
    control: Control,
}

impl VocabularyBuilder {
    /// Prunes with `options` (the default keeps every word).
    pub fn options(mut self, options: VocabOptions) -> VocabularyBuilder {
        self.options = options;
        self
    }

    /// Counts on a pool of its own with this many threads instead of the caller's.
    pub fn threads(mut self, threads: usize) -> VocabularyBuilder {
        self.control.threads = Some(threads);
        self
    }

    /// Sends warnings (skipped binary files, replaced invalid UTF-8) to `hook`.
    pub fn on_event(mut self, hook: EventHook) -> VocabularyBuilder {
        self.control.hook = Some(hook);
        self
    }

    /// Stops counting with [`Error::Cancelled`](crate::Error::Cancelled) once `flag` is set.
    pub fn cancel_flag(mut self, flag: CancelFlag) -> VocabularyBuilder {
        self.control.cancel = flag;
        self
    }

    /// Counts `data` through the pipeline and prunes.
    pub fn build(&self, data: &TrainingData) -> Result<Vocabulary> {
        self.options.validate()?;
        self.pipeline.validate()?;
        self.control.run(|reporter| {
            let (_texts, corpus) = open(data, reporter)?;
            let vocab = Vocab::build(&corpus, &self.pipeline, &self.options)?;
            Ok(Vocabulary { vocab })
        })
    }
}

impl Vocabulary {
    /// Counts `data` through `pipeline` and prunes with `options`, on the caller's thread pool.
    pub fn build(
        data: &TrainingData,
        pipeline: &Pipeline,
        options: &VocabOptions,
    ) -> Result<Vocabulary> {
        Vocabulary::builder(pipeline)
            .options(options.clone())
            .build(data)
    }

    /// A builder for counting through `pipeline` with more control.
    pub fn builder(pipeline: &Pipeline) -> VocabularyBuilder {
        VocabularyBuilder {
            pipeline: pipeline.clone(),
            options: VocabOptions::default(),
            control: Control::default(),
        }
    }

    /// Reads a vocabulary written by [`Vocabulary::save_tsv`] (or `blazetext vocab build`).
    pub fn load_tsv(path: impl AsRef<Path>) -> Result<Vocabulary> {
        Ok(Vocabulary {
            vocab: Vocab::load_tsv(path.as_ref())?,
        })
    }

    /// Writes the vocabulary as TSV: a `#` header with the totals, a column header, then
    /// `kind text count doc_freq` per entry (kind is `word` or `label`), in id order.
    pub fn save_tsv(&self, path: impl AsRef<Path>) -> Result<()> {
        self.vocab.save_tsv(path.as_ref())
    }

    /// The vocabulary pruned again with `options` (ids are renumbered).
    pub fn prune(&self, options: &VocabOptions) -> Result<Vocabulary> {
        Ok(Vocabulary {
            vocab: self.vocab.prune(options)?,
        })
    }

    /// The words, most frequent first; a word's id is its position.
    pub fn words(&self) -> &[VocabEntry] {
        self.vocab.words()
    }

    /// The labels (tokens starting with the pipeline's label prefix), most frequent first.
    pub fn labels(&self) -> &[VocabEntry] {
        self.vocab.labels()
    }

    /// The entry of `word`, if the vocabulary has it.
    pub fn word(&self, word: &str) -> Option<&VocabEntry> {
        self.word_id(word).map(|id| &self.words()[id])
    }

    /// The id (frequency rank) of `word`.
    pub fn word_id(&self, word: &str) -> Option<usize> {
        self.vocab.word_id(word).map(|id| id as usize)
    }

    /// The id of `label`.
    pub fn label_id(&self, label: &str) -> Option<usize> {
        self.vocab.label_id(label).map(|id| id as usize)
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        self.vocab.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.vocab.is_empty()
    }

    /// Word tokens counted, before pruning.
    pub fn tokens(&self) -> u64 {
        self.vocab.ntokens()
    }

    /// Documents (lines) counted.
    pub fn documents(&self) -> u64 {
        self.vocab.ndocs()
    }

    /// Totals, coverage and label counts.
    pub fn stats(&self) -> VocabStats {
        self.vocab.stats()
    }
}
