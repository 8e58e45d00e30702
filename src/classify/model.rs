//! A trained classifier: dictionary, input rows (words, character n-grams, hashed word n-grams),
//! output layer and the text pipeline, with fastText's input representation so that its `.bin`
//! files work in the `fasttext` CLI and fastText's supervised `.bin` files work here.
//!
//! A line's input rows are, as in fastText's `Dictionary::getLine`: every in-vocabulary word
//! (plus its character n-grams when the model has them; out-of-vocabulary words contribute only
//! their n-grams), the end-of-line token `</s>`, and the hashed n-grams of 2..=`word_ngrams`
//! consecutive tokens (over all tokens, known or not, and `</s>`). Labels are not input.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::io::fasttext::{
    DictEntry, FastTextArgs, FastTextFile, InputOnDisk, InputRows, Loss as FtLoss, ModelName,
};
use crate::io::manifest::{Manifest, ModelKind};
use crate::io::model::{check_output_prefix, with_suffix};
use crate::io::quantized::PruneIndex;
use crate::io_util::AtomicFileSet;
use crate::matrix::Matrix;
use crate::model::{Loss, LossKind, SharedMatrix};
use crate::subword::{self, EOS};
use crate::text::{Pipeline, Processor};
use crate::vocab::{Entry, Vocab};
use crate::{Error, Result};

/// How a line becomes input-matrix rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    pub nwords: u32,
    pub word_ngrams: usize,
    pub bucket: u32,
    /// Character n-gram lengths; `maxn == 0` turns them off.
    pub minn: usize,
    pub maxn: usize,
    /// The n-gram rows a pruned `.ftz` kept; `None`: every bucket has its row.
    pub pruned: Option<Arc<PruneIndex>>,
}

/// Reusable buffers for encoding one line.
#[derive(Debug, Default)]
pub struct LineBuffers {
    pub rows: Vec<u32>,
    pub hashes: Vec<u32>,
    pub labels: Vec<u32>,
    /// Label tokens of the line that the model does not know.
    pub unknown_labels: Vec<String>,
    /// All label tokens of the line, known or not, in order.
    pub label_texts: Vec<String>,
}

impl LineBuffers {
    pub fn clear(&mut self) {
        self.rows.clear();
        self.hashes.clear();
        self.labels.clear();
        self.unknown_labels.clear();
        self.label_texts.clear();
    }
}

impl InputSpec {
    /// Adds the rows of one (non-label) token to `b.rows` and its hash to `b.hashes`.
    #[inline]
    pub fn push_token(&self, vocab: &Vocab, token: &str, b: &mut LineBuffers) {
        if let Some(id) = vocab.word_id(token) {
            b.rows.push(id);
        }
        subword::char_ngram_ids(
            token,
            self.minn,
            self.maxn,
            self.nwords,
            self.bucket,
            &mut b.rows,
        );
        b.hashes.push(subword::hash(token.as_bytes()));
    }

    /// The row `row` has in this model: itself, unless a pruned `.ftz` moved or dropped it.
    pub fn kept_row(&self, row: u32) -> Option<u32> {
        match &self.pruned {
            None => Some(row),
            Some(pruned) => pruned.row(self.nwords, row),
        }
    }

    /// Ends a line: adds `</s>` and the word n-gram rows.
    #[inline]
    pub fn finish_line(&self, vocab: &Vocab, b: &mut LineBuffers) {
        self.push_token(vocab, EOS, b);
        subword::word_ngram_ids(
            &b.hashes,
            self.word_ngrams,
            self.nwords,
            self.bucket,
            &mut b.rows,
        );
        if let Some(pruned) = &self.pruned {
            pruned.remap(self.nwords, &mut b.rows);
        }
    }

    /// Encodes one raw line: tokens through `processor`, labels split off by the pipeline's
    /// prefix. Known labels go to `b.labels` as ids.
    pub fn encode_line(
        &self,
        vocab: &Vocab,
        processor: &mut Processor,
        line: &str,
        b: &mut LineBuffers,
    ) {
        b.clear();
        let prefix = processor.pipeline().label_prefix.clone();
        processor.for_each_token(line, |token| {
            if !prefix.is_empty() && token.starts_with(&prefix) {
                match vocab.label_id(token) {
                    Some(id) => b.labels.push(id),
                    None => b.unknown_labels.push(token.to_string()),
                }
                b.label_texts.push(token.to_string());
            } else {
                self.push_token(vocab, token, b);
            }
        });
        self.finish_line(vocab, b);
    }
}

/// Adds `</s>` to a vocabulary's words with `count` (fastText counts one per line) and re-sorts
/// by count, so its id is where fastText would put it.
pub fn with_end_of_line(vocab: &Vocab, count: u64) -> Vocab {
    let mut words: Vec<Entry> = vocab
        .words()
        .iter()
        .filter(|e| e.text != EOS)
        .cloned()
        .collect();
    words.push(Entry {
        text: EOS.to_string(),
        count,
        doc_freq: count,
    });
    words.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.text.cmp(&b.text)));
    Vocab::from_entries(
        words,
        vocab.labels().to_vec(),
        vocab.ntokens(),
        vocab.ndocs(),
    )
}

/// The input matrix: in memory, or left in the `.bin` until a call needs it (a 2M-bucket
/// classifier's input matrix is 800 MB, and predicting a small file touches a few rows of it).
pub enum InputMatrix {
    /// Trained here or read whole.
    Loaded(SharedMatrix),
    /// Still in the file; read whole on the first call that needs every row.
    OnDisk {
        disk: InputOnDisk,
        whole: OnceLock<SharedMatrix>,
        /// Held while reading, so that concurrent first calls read the file once.
        reading: Mutex<()>,
    },
}

/// The input rows a batch of encoded lines needs.
pub enum Rows<'a> {
    /// The whole matrix: ids stay as they are.
    All(&'a SharedMatrix),
    /// Only the rows asked for, in that order: callers replace each id by its position.
    Only(SharedMatrix),
}

impl InputMatrix {
    fn on_disk(disk: InputOnDisk) -> InputMatrix {
        InputMatrix::OnDisk {
            disk,
            whole: OnceLock::new(),
            reading: Mutex::new(()),
        }
    }

    /// Columns (the model dimension).
    pub fn cols(&self) -> usize {
        match self {
            InputMatrix::Loaded(m) => m.cols(),
            InputMatrix::OnDisk { disk, .. } => disk.cols,
        }
    }

    /// Bytes of the whole matrix once in memory.
    pub fn bytes(&self) -> u64 {
        let rows = match self {
            InputMatrix::Loaded(m) => m.rows(),
            InputMatrix::OnDisk { disk, .. } => disk.rows,
        };
        (rows as u64) * (self.cols() as u64) * 4
    }

    /// The whole matrix, read from the file on first use.
    pub fn all(&self) -> Result<&SharedMatrix> {
        match self {
            InputMatrix::Loaded(m) => Ok(m),
            InputMatrix::OnDisk {
                disk,
                whole,
                reading,
            } => {
                if let Some(m) = whole.get() {
                    return Ok(m);
                }
                let _reading = reading.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(m) = whole.get() {
                    return Ok(m);
                }
                let m = SharedMatrix::new(disk.read_all()?);
                Ok(whole.get_or_init(|| m))
            }
        }
    }

    /// The rows `needed` (ascending, distinct): the whole matrix when it is in memory or when
    /// they are a large part of it, else only those rows.
    pub fn rows(&self, needed: &[u32]) -> Result<Rows<'_>> {
        match self {
            InputMatrix::OnDisk { disk, whole, .. }
                if whole.get().is_none() && needed.len() * 4 <= disk.rows =>
            {
                Ok(Rows::Only(SharedMatrix::new(disk.read_rows(needed)?)))
            }
            _ => self.all().map(Rows::All),
        }
    }
}

/// A classifier ready to predict. Inference only reads it, so one instance serves many threads.
pub struct Classifier {
    pub pipeline: Pipeline,
    /// The compiled pipeline; each thread works on its own clone.
    pub processor: Processor,
    pub vocab: Vocab,
    pub spec: InputSpec,
    pub loss_kind: LossKind,
    pub loss: Loss,
    pub input: InputMatrix,
    pub output: SharedMatrix,
    /// The settings recorded in the `.bin` args block.
    pub args: FastTextArgs,
    pub manifest: Option<Manifest>,
}

/// Ranked labels of one line: (probability, label id), most probable first.
pub type Ranked = Vec<(f32, u32)>;

impl Classifier {
    /// Loads a classifier `.bin` (blazetext's or fastText's) and the manifest next to it. Without
    /// a manifest (a model trained by fastText) the text is split on whitespace, as fastText does.
    pub fn load(path: &Path) -> Result<Classifier> {
        let model = Classifier::open(path)?;
        model.input.all()?;
        Ok(model)
    }

    /// As [`Classifier::load`] but leaves the input matrix on disk: calls that encode their
    /// lines first then read only the rows they use (see [`InputMatrix::rows`]).
    pub fn open(path: &Path) -> Result<Classifier> {
        let manifest = Manifest::load_next_to(path)?;
        if let Some(m) = &manifest {
            if m.kind != ModelKind::Classifier {
                return Err(not_a_classifier(
                    path,
                    &format!("{:?}", m.kind).to_lowercase(),
                ));
            }
        }
        let format = crate::io::sniff(path)?;
        if format != crate::io::FileFormat::FastTextBin {
            crate::topics::model::reject_topic_model(
                path,
                "predict, test and report need a classifier (`blazetext train --mode supervised`)",
            )?;
            return Err(not_a_classifier(path, format.describe()));
        }
        let (file, input) = FastTextFile::read_lazy(path)?;
        if file.args.model != ModelName::Supervised {
            return Err(not_a_classifier(path, "a word-embedding model"));
        }
        let pipeline = manifest
            .as_ref()
            .and_then(|m| m.pipeline.clone())
            .unwrap_or_else(Pipeline::whitespace);
        let mut model = Classifier::from_fasttext(file, pipeline, manifest)?;
        match input {
            InputRows::OnDisk(disk) => model.input = InputMatrix::on_disk(disk),
            InputRows::Dequantized { pruned } => model.spec.pruned = pruned.map(Arc::new),
        }
        Ok(model)
    }

    /// Builds a classifier from the parts of a `.bin`.
    pub fn from_fasttext(
        file: FastTextFile,
        pipeline: Pipeline,
        manifest: Option<Manifest>,
    ) -> Result<Classifier> {
        if file.labels.is_empty() {
            return Err(Error::config("the model has no labels"));
        }
        let a = file.args.clone();
        let entries = |v: &[DictEntry]| -> Vec<Entry> {
            v.iter()
                .map(|e| Entry {
                    text: e.text.clone(),
                    count: e.count,
                    doc_freq: e.count,
                })
                .collect()
        };
        let label_counts: Vec<u64> = file.labels.iter().map(|e| e.count).collect();
        let vocab =
            Vocab::from_entries(entries(&file.words), entries(&file.labels), file.ntokens, 0);
        let loss_kind = match a.loss {
            FtLoss::HierarchicalSoftmax => LossKind::Hs,
            FtLoss::NegativeSampling => LossKind::Ns,
            FtLoss::Softmax => LossKind::Softmax,
            FtLoss::OneVsAll => LossKind::Ova,
        };
        let spec = InputSpec {
            nwords: file.words.len() as u32,
            word_ngrams: a.word_ngrams.max(1) as usize,
            bucket: a.bucket.max(0) as u32,
            minn: a.minn.max(0) as usize,
            maxn: a.maxn.max(0) as usize,
            pruned: None,
        };
        Ok(Classifier {
            processor: pipeline.processor()?,
            pipeline,
            vocab,
            spec,
            loss_kind,
            loss: Loss::new(loss_kind, &label_counts, a.neg.max(1) as usize, 0.5),
            input: InputMatrix::Loaded(SharedMatrix::new(file.input)),
            output: SharedMatrix::new(file.output),
            args: a,
            manifest,
        })
    }

    /// Labels in id order.
    pub fn labels(&self) -> Vec<String> {
        self.vocab.labels().iter().map(|e| e.text.clone()).collect()
    }

    pub fn dim(&self) -> usize {
        self.input.cols()
    }

    /// True for one-vs-all models, whose labels are independent (multi-label data).
    pub fn is_multi_label(&self) -> bool {
        self.loss_kind == LossKind::Ova
    }

    /// The `k` most probable labels with probability ≥ `threshold` for the rows of one line,
    /// looked up in `input` (the whole matrix or the rows the ids were renumbered into).
    pub fn predict_rows(
        &self,
        input: &SharedMatrix,
        rows: &[u32],
        k: usize,
        threshold: f32,
        hidden: &mut Vec<f32>,
        scratch: &mut Vec<f32>,
    ) -> Ranked {
        hidden.resize(self.dim(), 0.0);
        input.average_rows(rows, hidden);
        self.loss
            .predict(&self.output, hidden, k, threshold, scratch)
    }

    /// Writes `<prefix>.bin` (fastText's format) and `<prefix>.json` (the manifest: the one
    /// made at training or read with the model, else one that records the pipeline), renamed
    /// into place together once both are complete; returns both paths.
    pub fn save(&self, prefix: &Path) -> Result<Vec<PathBuf>> {
        check_output_prefix(prefix)?;
        let bin = with_suffix(prefix, "bin");
        let json = Manifest::path_for(&bin);
        let recorded;
        let manifest = match &self.manifest {
            Some(m) => m,
            None => {
                let mut m = Manifest::new(ModelKind::Classifier);
                m.pipeline = Some(self.pipeline.clone());
                recorded = m;
                &recorded
            }
        };
        let mut files = AtomicFileSet::new();
        files.push(self.to_fasttext()?.stage(&bin)?);
        files.push(manifest.stage(&json)?);
        files.commit()?;
        Ok(vec![bin, json])
    }

    /// The model as the parts of a `.bin`. Input rows that are all +0.0 are not copied, so the
    /// untouched bucket rows of a trained model cost no memory here either.
    fn to_fasttext(&self) -> Result<FastTextFile> {
        if self.spec.pruned.is_some() {
            return Err(Error::config(
                "this classifier comes from a pruned .ftz (`fasttext quantize -cutoff`), whose \
                 n-gram rows a .bin cannot map: save the .bin it was quantized from instead",
            ));
        }
        let dict = |v: &[Entry]| -> Vec<DictEntry> {
            v.iter()
                .map(|e| DictEntry {
                    text: e.text.clone(),
                    count: e.count,
                })
                .collect()
        };
        Ok(FastTextFile {
            args: self.args.clone(),
            words: dict(self.vocab.words()),
            labels: dict(self.vocab.labels()),
            ntokens: self.vocab.ntokens(),
            input: copy_nonzero_rows(self.input.all()?),
            output: copy_nonzero_rows(&self.output),
        })
    }
}

/// `m` as a plain matrix; rows that are all +0.0 stay untouched (zero pages).
fn copy_nonzero_rows(m: &SharedMatrix) -> Matrix {
    let mut out = Matrix::zeros(m.rows(), m.cols());
    let mut row = vec![0.0f32; m.cols()];
    for r in 0..m.rows() {
        m.copy_row(r, &mut row);
        if row.iter().any(|x| x.to_bits() != 0) {
            out.row_mut(r).copy_from_slice(&row);
        }
    }
    out
}

fn not_a_classifier(path: &Path, what: &str) -> Error {
    Error::model(
        path,
        format!(
            "this is {what}, not a classifier; predict, test and report need a model trained with \
             `blazetext train --mode supervised` (or fastText's `supervised`)"
        ),
    )
}

/// The args block fastText needs for a supervised model.
pub fn fasttext_args(
    spec: &InputSpec,
    dim: usize,
    epochs: usize,
    min_count: u64,
    neg: usize,
    loss: LossKind,
) -> FastTextArgs {
    FastTextArgs {
        dim: dim as i32,
        ws: 5,
        epoch: epochs as i32,
        min_count: min_count as i32,
        neg: neg as i32,
        word_ngrams: spec.word_ngrams as i32,
        loss: match loss {
            LossKind::Hs => FtLoss::HierarchicalSoftmax,
            LossKind::Ns => FtLoss::NegativeSampling,
            LossKind::Softmax => FtLoss::Softmax,
            LossKind::Ova => FtLoss::OneVsAll,
        },
        model: ModelName::Supervised,
        bucket: spec.bucket as i32,
        minn: spec.minn as i32,
        maxn: spec.maxn as i32,
        lr_update_rate: 100,
        t: 1e-4,
    }
}
