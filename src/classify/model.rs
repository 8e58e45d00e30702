//! A trained classifier: dictionary, input rows (words, character n-grams, hashed word n-grams),
//! output layer and the text pipeline, with fastText's input representation so that its `.bin`
//! files work in the `fasttext` CLI and fastText's supervised `.bin` files work here.
//!
//! A line's input rows are, as in fastText's `Dictionary::getLine`: every in-vocabulary word
//! (plus its character n-grams when the model has them; out-of-vocabulary words contribute only
//! their n-grams), the end-of-line token `</s>`, and the hashed n-grams of 2..=`word_ngrams`
//! consecutive tokens (over all tokens, known or not, and `</s>`). Labels are not input.

use std::path::Path;

use crate::io::fasttext::{
    DictEntry, FastTextArgs, FastTextFile, InputOnDisk, Loss as FtLoss, ModelName,
};
use crate::io::manifest::{Manifest, ModelKind};
use crate::model::{Loss, LossKind, SharedMatrix};
use crate::subword::{self, EOS};
use crate::text::{Pipeline, Processor};
use crate::vocab::{Entry, Vocab};
use crate::{Error, Result};

/// How a line becomes input-matrix rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputSpec {
    pub nwords: u32,
    pub word_ngrams: usize,
    pub bucket: u32,
    /// Character n-gram lengths; `maxn == 0` turns them off.
    pub minn: usize,
    pub maxn: usize,
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

/// A classifier ready to predict.
pub struct Classifier {
    pub pipeline: Pipeline,
    pub vocab: Vocab,
    pub spec: InputSpec,
    pub loss_kind: LossKind,
    pub loss: Loss,
    pub input: SharedMatrix,
    pub output: SharedMatrix,
    /// The settings recorded in the `.bin` args block.
    pub args: FastTextArgs,
    pub manifest: Option<Manifest>,
}

/// One prediction: (probability, label id), most probable first.
pub type Prediction = Vec<(f32, u32)>;

impl Classifier {
    /// Loads a classifier `.bin` (blazetext's or fastText's) and the manifest next to it. Without
    /// a manifest (a model trained by fastText) the text is split on whitespace, as fastText does.
    pub fn load(path: &Path) -> Result<Classifier> {
        let (mut model, disk) = Classifier::open(path)?;
        model.input = SharedMatrix::new(disk.read_all()?);
        Ok(model)
    }

    /// As [`Classifier::load`] but leaves the input matrix on disk (the model's `input` is empty):
    /// callers encode their lines first and then load only the rows they use with
    /// [`Classifier::load_rows`].
    pub fn open(path: &Path) -> Result<(Classifier, InputOnDisk)> {
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
        let (file, disk) = FastTextFile::read_lazy(path)?;
        if file.args.model != ModelName::Supervised {
            return Err(not_a_classifier(path, "a word-embedding model"));
        }
        let pipeline = manifest
            .as_ref()
            .and_then(|m| m.pipeline.clone())
            .unwrap_or_else(Pipeline::whitespace);
        Ok((Classifier::from_fasttext(file, pipeline, manifest)?, disk))
    }

    /// Loads the input rows `needed` (ascending, distinct): the whole matrix when they are a
    /// large part of it (returns `false`: ids stay as they are), else only those rows, in that
    /// order (returns `true`: callers must replace each id by its position in `needed`).
    pub fn load_rows(&mut self, disk: &InputOnDisk, needed: &[u32]) -> Result<bool> {
        if needed.len() * 4 > disk.rows {
            self.input = SharedMatrix::new(disk.read_all()?);
            Ok(false)
        } else {
            self.input = SharedMatrix::new(disk.read_rows(needed)?);
            Ok(true)
        }
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
        };
        Ok(Classifier {
            pipeline,
            vocab,
            spec,
            loss_kind,
            loss: Loss::new(loss_kind, &label_counts, a.neg.max(1) as usize, 0.5),
            input: SharedMatrix::new(file.input),
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

    /// The `k` most probable labels with probability ≥ `threshold` for the rows of one line.
    pub fn predict_rows(
        &self,
        rows: &[u32],
        k: usize,
        threshold: f32,
        hidden: &mut Vec<f32>,
        scratch: &mut Vec<f32>,
    ) -> Prediction {
        hidden.resize(self.dim(), 0.0);
        self.input.average_rows(rows, hidden);
        self.loss
            .predict(&self.output, hidden, k, threshold, scratch)
    }

    /// Writes `<path>` in fastText's `.bin` format (consumes the matrices).
    pub fn into_fasttext(self) -> FastTextFile {
        let dict = |v: &[Entry]| -> Vec<DictEntry> {
            v.iter()
                .map(|e| DictEntry {
                    text: e.text.clone(),
                    count: e.count,
                })
                .collect()
        };
        FastTextFile {
            args: self.args,
            words: dict(self.vocab.words()),
            labels: dict(self.vocab.labels()),
            ntokens: self.vocab.ntokens(),
            input: self.input.into_inner(),
            output: self.output.into_inner(),
        }
    }
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
