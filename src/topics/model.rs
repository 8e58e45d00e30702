//! The topic model file: one safetensors container. Tensors hold the weights and batch-norm
//! statistics (f32, little-endian); the header's `__metadata__` has one key, `blazetext`, whose
//! JSON value holds `format = "blazetext"`, `kind = "topics"`, the vocabulary, text pipeline,
//! hyperparameters, training report and metrics (one key, because safetensors writes its
//! metadata map in hash order and a seed must give identical files). Written to a temporary
//! file in the same folder, then renamed.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use ndarray::Array2;
use safetensors::{Dtype, SafeTensors};
use serde::{Deserialize, Serialize};

use super::ntm::Ntm;
use super::train::{TrainConfig, TrainReport};
use crate::io::FileFormat;
use crate::io_util::{read_regular_file, write_atomic};
use crate::text::{Pipeline, Processor};
use crate::{Error, Result};

pub const FORMAT: &str = "blazetext";
pub const KIND: &str = "topics";
pub const VERSION: u32 = 1;
/// A sanity bound on a model file's size (1 TiB): the whole file is read, and the bound keeps a
/// device such as `/dev/zero` from being read until memory runs out.
const MAX_FILE_BYTES: u64 = 1 << 40;

/// Everything about a model except its tensors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Always `FORMAT`.
    pub format: String,
    /// Always `KIND`: tells other commands this is a topic model.
    pub kind: String,
    pub version: u32,
    pub vocab: Vec<String>,
    /// The text pipeline raw documents go through; `None` for models trained on count rows.
    pub pipeline: Option<Pipeline>,
    /// JSON field holding the text when documents are JSON lines.
    pub text_field: Option<String>,
    pub config: TrainConfig,
    pub report: TrainReport,
    /// Metrics computed after training (coherence, diversity, perplexity, collapse check).
    pub metrics: serde_json::Value,
}

/// A trained model: the network, everything saved with it, and what inference needs built once.
#[derive(Clone)]
pub struct TopicModel {
    pub ntm: Ntm,
    pub meta: Meta,
    index: HashMap<String, u32>,
    /// The text pipeline compiled on first use (models of count rows have none).
    processor: OnceLock<Processor>,
}

impl std::fmt::Debug for TopicModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopicModel")
            .field("ntm", &self.ntm)
            .field("meta", &self.meta)
            .finish()
    }
}

fn tensor_bytes(a: &Array2<f32>) -> Vec<u8> {
    a.iter().flat_map(|v| v.to_le_bytes()).collect()
}

impl TopicModel {
    pub fn new(ntm: Ntm, meta: Meta) -> TopicModel {
        let index = meta
            .vocab
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect();
        TopicModel {
            ntm,
            meta,
            index,
            processor: OnceLock::new(),
        }
    }

    pub fn word_id(&self, w: &str) -> Option<u32> {
        self.index.get(w).copied()
    }

    /// The compiled text pipeline, or `None` for a model trained on count rows.
    pub fn processor(&self) -> Result<Option<&Processor>> {
        let Some(pipeline) = &self.meta.pipeline else {
            return Ok(None);
        };
        if let Some(processor) = self.processor.get() {
            return Ok(Some(processor));
        }
        let compiled = pipeline.processor()?;
        Ok(Some(self.processor.get_or_init(|| compiled)))
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let arch = &self.ntm.arch;
        let names = arch
            .param_shapes()
            .into_iter()
            .chain(arch.buffer_shapes())
            .map(|(n, _)| n);
        let bytes: Vec<(String, Vec<u8>, Vec<usize>)> = names
            .zip(self.ntm.params.iter().chain(&self.ntm.buffers))
            .map(|(n, a)| (n, tensor_bytes(a), a.shape().to_vec()))
            .collect();
        let views = bytes
            .iter()
            .map(|(n, b, s)| {
                safetensors::tensor::TensorView::new(Dtype::F32, s.clone(), b)
                    .map(|v| (n.clone(), v))
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::model(path, format!("cannot serialise tensors: {e}")))?;
        let json = serde_json::to_string(&self.meta)
            .map_err(|e| Error::model(path, format!("cannot serialise metadata: {e}")))?;
        let info: HashMap<String, String> = [("blazetext".to_string(), json)].into();
        let data = safetensors::serialize(views, &Some(info))
            .map_err(|e| Error::model(path, format!("cannot serialise model: {e}")))?;
        write_atomic(path, &data)
    }

    pub fn load(path: &Path) -> Result<TopicModel> {
        let data = read_regular_file(path, MAX_FILE_BYTES, "a topic model")?;
        let not_ours = |why: String| {
            Error::model(
                path,
                format!(
                    "not a blazetext topic model ({why}); the file may be truncated or of another \
                     format — train one with `blazetext topics train`"
                ),
            )
        };
        if let Some(other) = other_model_format(&data) {
            return Err(Error::model(
                path,
                format!(
                    "not a blazetext topic model but {other}; train a topic model with \
                     `blazetext topics train`"
                ),
            ));
        }
        let (_, header) =
            SafeTensors::read_metadata(&data).map_err(|e| not_ours(format!("{e:?}")))?;
        let info = header.metadata().clone().unwrap_or_default();
        let json = info
            .get("blazetext")
            .ok_or_else(|| not_ours("no blazetext header".into()))?;
        let head: serde_json::Value =
            serde_json::from_str(json).map_err(|e| not_ours(format!("bad metadata: {e}")))?;
        if head["format"] != FORMAT {
            return Err(not_ours("no blazetext header".into()));
        }
        if head["kind"] != KIND {
            return Err(Error::model(
                path,
                format!(
                    "is a blazetext {} model, not a topic model; use the matching command",
                    head["kind"].as_str().unwrap_or("unknown")
                ),
            ));
        }
        let meta: Meta =
            serde_json::from_value(head).map_err(|e| not_ours(format!("bad metadata: {e}")))?;
        if meta.version != VERSION {
            return Err(Error::model(
                path,
                format!(
                    "model format version {} is not supported by this blazetext (expects {VERSION})",
                    meta.version
                ),
            ));
        }
        let tensors = SafeTensors::deserialize(&data).map_err(|e| not_ours(format!("{e:?}")))?;
        let arch = meta.config.arch.clone();
        // A crafted or damaged header must not reach inference: no encoder layer, one topic.
        arch.validate().map_err(|e| {
            Error::model(
                path,
                format!("the model's architecture is impossible ({e}); the file is damaged"),
            )
        })?;
        if arch.n_words != meta.vocab.len() {
            return Err(not_ours("vocabulary size differs from the weights".into()));
        }
        let mut load = |(name, (r, c)): (String, (usize, usize))| -> Result<Array2<f32>> {
            let t = tensors
                .tensor(&name)
                .map_err(|_| not_ours(format!("tensor `{name}` is missing")))?;
            if t.dtype() != Dtype::F32 || t.shape() != [r, c] {
                return Err(not_ours(format!(
                    "tensor `{name}` has the wrong type or shape"
                )));
            }
            let v: Vec<f32> = t
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            Ok(Array2::from_shape_vec((r, c), v).expect("shape checked above"))
        };
        let params = arch
            .param_shapes()
            .into_iter()
            .map(&mut load)
            .collect::<Result<_>>()?;
        let buffers = arch
            .buffer_shapes()
            .into_iter()
            .map(&mut load)
            .collect::<Result<_>>()?;
        Ok(TopicModel::new(
            Ntm {
                arch,
                params,
                buffers,
            },
            meta,
        ))
    }
}

/// What `data` is when it is another model format blazetext reads.
fn other_model_format(data: &[u8]) -> Option<&'static str> {
    match crate::io::sniff_bytes(&data[..data.len().min(4096)]) {
        FileFormat::FastTextBin => Some("a fastText .bin (word vectors or a classifier)"),
        FileFormat::Word2VecText | FileFormat::Word2VecBinary => Some("word2vec vectors"),
        _ => None,
    }
}

/// The `kind` a blazetext safetensors file declares (`"topics"` for topic models), or `None`
/// when the file is not one; lets other commands reject a topic model with a clear message.
pub fn peek_kind(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut len = [0u8; 8];
    f.read_exact(&mut len).ok()?;
    let n = u64::from_le_bytes(len);
    if n > 100 << 20 {
        return None;
    }
    let mut header = vec![0u8; n as usize];
    f.read_exact(&mut header).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&header).ok()?;
    let json = v.get("__metadata__")?.get("blazetext")?.as_str()?;
    let head: serde_json::Value = serde_json::from_str(json).ok()?;
    (head["format"] == FORMAT).then(|| head["kind"].as_str().map(String::from))?
}

/// Fails with a message that points to `blazetext topics` when `path` is a topic model; other
/// commands call it before reporting a file as an unknown format.
/// `needs` says what the calling command wanted instead.
pub fn reject_topic_model(path: &Path, needs: &str) -> Result<()> {
    if peek_kind(path).as_deref() == Some(KIND) {
        return Err(Error::model(
            path,
            format!(
                "this is a blazetext topic model, but {needs}. Use `blazetext topics infer` for topic weights or `blazetext topics show` for \
                 top words"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::train::tests::{config, two_theme_corpus};
    use crate::topics::train::train;

    fn model() -> TopicModel {
        let mut cfg = config(1);
        cfg.epochs = 2;
        let (ntm, report) = train(
            &cfg,
            &two_theme_corpus(40, 1),
            None,
            None,
            &crate::events::Reporter::silent(),
            |_, _| {},
        )
        .unwrap();
        let meta = Meta {
            format: FORMAT.into(),
            kind: KIND.into(),
            version: VERSION,
            vocab: (0..10).map(|i| format!("w{i}")).collect(),
            pipeline: None,
            text_field: None,
            config: cfg,
            report,
            metrics: serde_json::json!({"npmi": 0.1}),
        };
        TopicModel::new(ntm, meta)
    }

    #[test]
    fn save_load_round_trip_and_kind() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.ntm");
        let m = model();
        m.save(&p).unwrap();
        let back = TopicModel::load(&p).unwrap();
        assert_eq!(back.ntm, m.ntm);
        let mut saved = m.meta.clone();
        saved.report.seconds = 0.0; // timings are not saved
        for e in saved.report.epochs.iter_mut() {
            e.seconds = 0.0;
        }
        assert_eq!(back.meta, saved);
        // Saving again gives the same bytes.
        let bytes = std::fs::read(&p).unwrap();
        back.save(&p).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), bytes);
        assert_eq!(back.word_id("w3"), Some(3));
        assert_eq!(peek_kind(&p).as_deref(), Some("topics"));
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
        let mut with_pipeline = m.meta.clone();
        with_pipeline.pipeline = Some(Pipeline::topics_default());
        TopicModel::new(m.ntm.clone(), with_pipeline.clone())
            .save(&p)
            .unwrap();
        assert_eq!(
            TopicModel::load(&p).unwrap().meta.pipeline,
            with_pipeline.pipeline
        );
    }

    #[test]
    fn a_model_without_encoder_layers_is_refused_at_load() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.ntm");
        let mut m = model();
        let mut arch = m.ntm.arch.clone();
        arch.encoder_layers.clear();
        // Tensors that match the crafted shapes, so that only the architecture is wrong.
        m.ntm.params = arch
            .param_shapes()
            .into_iter()
            .map(|(_, shape)| Array2::zeros(shape))
            .collect();
        m.ntm.arch = arch.clone();
        m.meta.config.arch = arch;
        m.save(&p).unwrap();
        let err = TopicModel::load(&p).unwrap_err();
        assert!(matches!(err, Error::Model { .. }), "{err}");
        assert!(err.to_string().contains("encoder"), "{err}");
    }

    #[test]
    fn foreign_and_truncated_files_are_clear_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.ntm");
        model().save(&p).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        let cut = d.path().join("cut.ntm");
        std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
        let e = TopicModel::load(&cut).unwrap_err().to_string();
        assert!(e.contains("not a blazetext topic model"), "{e}");
        let txt = d.path().join("text.ntm");
        std::fs::write(&txt, "hello world, this is not a model at all").unwrap();
        let e = TopicModel::load(&txt).unwrap_err().to_string();
        assert!(e.contains("not a blazetext topic model"), "{e}");
        assert_eq!(peek_kind(&txt), None);
        let e = TopicModel::load(&d.path().join("missing")).unwrap_err();
        assert!(matches!(e, Error::Io { .. }));
    }
}
