//! The `<prefix>.json` manifest written next to every model: what kind of model it is, the text
//! pipeline it was trained with, and the figures of its training and evaluation.
//!
//! Sections other parts fill in (hyperparameters, corpus, training, evaluation) are free-form
//! JSON so that each trainer records what it has without a shared schema to keep in step.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::io::stage;
use crate::io_util::{read_regular_file, AtomicFile};
use crate::text::Pipeline;
use crate::{Error, Result};

/// Value of the `format` field, so a manifest is recognisable among other JSON files.
pub const FORMAT: &str = "blazetext-manifest";
/// The manifest layout version this code reads and writes.
pub const VERSION: u32 = 1;
/// The largest manifest read. Manifests are a few KiB; the pipeline they hold may embed a
/// Hugging Face `tokenizer.json` (tens of MiB for the largest vocabularies) and a spelling map.
pub const MAX_BYTES: u64 = 256 << 20;

/// What a model file holds; decides which commands can use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Word vectors (cbow, skipgram, batch_skipgram).
    Embeddings,
    /// A text classifier (supervised).
    Classifier,
    /// A neural topic model.
    Topics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub kind: ModelKind,
    /// The text pipeline the model was trained with; inference re-applies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<Pipeline>,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub hyperparameters: Value,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub corpus: Value,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub training: Value,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub evaluation: Value,
}

impl Manifest {
    pub fn new(kind: ModelKind) -> Manifest {
        Manifest {
            format: FORMAT.to_string(),
            version: VERSION,
            kind,
            pipeline: None,
            hyperparameters: Value::Null,
            corpus: Value::Null,
            training: Value::Null,
            evaluation: Value::Null,
        }
    }

    /// `<prefix>.json` for a model at `<prefix>.bin` or `<prefix>.vec` (or any extension).
    pub fn path_for(model: &Path) -> PathBuf {
        model.with_extension("json")
    }

    /// Reads a manifest: a regular file of at most [`MAX_BYTES`] bytes holding JSON with the
    /// `format` and `version` this code writes, and a valid pipeline.
    pub fn load(path: &Path) -> Result<Manifest> {
        let bytes = read_regular_file(path, MAX_BYTES, "a manifest")?;
        let rewrite = "write it again (retrain the model) or restore it from a copy";
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Error::input(
                path,
                Some(e.line() as u64),
                format!("invalid JSON: {e}; {rewrite}"),
            )
        })?;
        match value.get("format").and_then(Value::as_str) {
            Some(FORMAT) => {}
            _ => {
                return Err(Error::model(
                    path,
                    format!(
                        "not a blazetext manifest (no `\"format\": \"{FORMAT}\"` field); move \
                         the other JSON file away from the model, or {rewrite}"
                    ),
                ))
            }
        }
        match value.get("version").and_then(Value::as_u64) {
            Some(v) if v == u64::from(VERSION) => {}
            v => {
                return Err(Error::model(
                    path,
                    format!(
                        "manifest version {} is not supported; this blazetext reads version \
                         {VERSION}: use the blazetext that wrote it, or {rewrite}",
                        v.map_or("(missing)".to_string(), |v| v.to_string())
                    ),
                ))
            }
        }
        let manifest: Manifest = serde_json::from_value(value)
            .map_err(|e| Error::model(path, format!("invalid manifest: {e}; {rewrite}")))?;
        if let Some(p) = &manifest.pipeline {
            p.validate().map_err(|e| {
                Error::model(
                    path,
                    format!("the text pipeline in the manifest is invalid ({e}); {rewrite}"),
                )
            })?;
        }
        Ok(manifest)
    }

    /// The manifest next to `model`, if there is one.
    pub fn load_next_to(model: &Path) -> Result<Option<Manifest>> {
        let path = Manifest::path_for(model);
        if path == model || !path.exists() {
            return Ok(None);
        }
        Manifest::load(&path).map(Some)
    }

    /// Writes the manifest (pretty-printed) to a temporary file next to `path` and returns it,
    /// to commit it together with the model in an
    /// [`AtomicFileSet`](crate::io_util::AtomicFileSet).
    pub fn stage(&self, path: &Path) -> Result<AtomicFile> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| Error::model(path, e.to_string()))?;
        stage(path, |w| {
            use std::io::Write;
            w.write_all(text.as_bytes())?;
            w.write_all(b"\n")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("model.bin");
        let mut m = Manifest::new(ModelKind::Embeddings);
        m.pipeline = Some(Pipeline::whitespace());
        m.hyperparameters = json!({"vector_dim": 100});
        m.evaluation = json!({"ws353_spearman": 0.61});
        m.stage(&Manifest::path_for(&bin))
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(Manifest::path_for(&bin), dir.path().join("model.json"));
        assert_eq!(Manifest::load_next_to(&bin).unwrap(), Some(m));
        let text = std::fs::read_to_string(dir.path().join("model.json")).unwrap();
        assert!(text.contains("\"kind\": \"embeddings\""), "{text}");
        assert!(
            !text.contains("corpus"),
            "null sections are left out: {text}"
        );
    }

    #[test]
    fn an_invalid_pipeline_is_a_model_error_naming_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        let mut m = Manifest::new(ModelKind::Embeddings);
        m.pipeline = Some(Pipeline {
            min_token_length: 5,
            max_token_length: 2,
            ..Pipeline::default()
        });
        m.stage(&path).unwrap().commit().unwrap();
        let e = Manifest::load(&path).unwrap_err();
        assert!(matches!(e, Error::Model { .. }), "{e:?}");
        let e = e.to_string();
        assert!(e.contains("m.json") && e.contains("text pipeline"), "{e}");
    }

    #[test]
    fn missing_manifest_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Manifest::load_next_to(&dir.path().join("m.bin")).unwrap(),
            None
        );
    }

    #[test]
    fn rejects_other_json_and_versions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        std::fs::write(&path, r#"{"a": 1}"#).unwrap();
        let e = Manifest::load(&path).unwrap_err().to_string();
        assert!(e.contains("not a blazetext manifest"), "{e}");
        std::fs::write(
            &path,
            r#"{"format": "blazetext-manifest", "version": 9, "kind": "topics"}"#,
        )
        .unwrap();
        let e = Manifest::load(&path).unwrap_err().to_string();
        assert!(e.contains("version 9"), "{e}");
        std::fs::write(&path, "{\n  \"format\": ").unwrap();
        let e = Manifest::load(&path).unwrap_err().to_string();
        assert!(e.contains("invalid JSON"), "{e}");
        let e = Manifest::load(Path::new("/dev/zero"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a file"), "{e}");
    }
}
