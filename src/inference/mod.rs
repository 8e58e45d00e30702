//! Inference requests as SageMaker clients send them, answered by any loaded model: the
//! BlazingText and NTM request and response shapes, and blazetext's own JSON operations.
//!
//! This is the part of `blazetext serve` and `blazetext transform` that knows nothing about
//! HTTP or files: a request is a route, a content type, an `Accept` value and a body; the answer
//! is a body with its content type, or a [`RequestError`] that says which instance and field is
//! wrong. Text goes through the model's own pipeline, so clients send text as users write it.
//!
//! ```
//! # let mut config = blazetext::TrainConfig::defaults(blazetext::Mode::Supervised);
//! # (config.vector_dim, config.buckets, config.threads) = (10, 10_000, 1);
//! # let data = blazetext::TrainingData::files(["corpora/sample-labelled.train"]);
//! # let (classifier, _) = blazetext::ClassifierTrainer::new(config).train(&data)?;
//! use blazetext::inference::{Endpoint, Request, Route};
//! use blazetext::Model;
//!
//! let endpoint = Endpoint::new(Model::Classifier(classifier));
//! let body = br#"{"instances": ["a slow piano sonata"], "configuration": {"k": 2}}"#;
//! let reply = endpoint.invoke(&Request::new(Route::Invocations, body).content_type("application/json"))?;
//! assert_eq!(reply.content_type, "application/json");
//! let answer: serde_json::Value = serde_json::from_slice(&reply.body)?;
//! assert_eq!(answer[0]["label"].as_array().unwrap().len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod answer;
mod classify;
mod error;
mod instances;
mod media;
mod recordio;
mod topics;
mod vectors;

use std::path::{Path, PathBuf};

use crate::{Error, Model, ModelKind};

pub use error::RequestError;
pub use media::Format;

/// The most instances one request may carry unless the caller says otherwise.
pub const DEFAULT_MAX_INSTANCES: usize = 10_000;

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// SageMaker's `POST /invocations`: the BlazingText shapes for classifiers and word vectors,
    /// the NTM shapes for topic models, in JSON, JSON Lines, CSV, plain text or RecordIO-protobuf.
    Invocations,
    /// `POST /predict`: `{"instances": [text, ...], "k": 1, "threshold": 0.0}` →
    /// `{"predictions": [[{"label", "probability"}, ...], ...]}` (classifiers).
    Predict,
    /// `POST /vectors`: `{"words": [...]}` or `{"texts": [...]}` → `{"vectors": [[...], ...]}`.
    Vectors,
    /// `POST /nn`: `{"query": "word", "k": 10}` → `{"neighbours": [{"word", "score"}, ...]}`.
    Nearest,
    /// `POST /analogy`: `{"a", "b", "c", "k", "method"}` → `{"answers": [{"word", "score"}]}`.
    Analogy,
    /// `POST /similarity`: `{"pairs": [["a", "b"], ...]}` → `{"similarities": [...]}`.
    Similarity,
    /// `POST /topics`: `{"instances": [text, ...]}` → `{"predictions": [{"topic_weights"}]}`,
    /// or, with no instances, `{"top_words": n}` → `{"topics": [[{"word", "weight"}, ...]]}`.
    Topics,
}

/// One request: the route, the body and its `Content-Type`, and what the client accepts.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    route: Route,
    body: &'a [u8],
    content_type: Option<&'a str>,
    accept: Option<&'a str>,
    max_instances: usize,
}

impl<'a> Request<'a> {
    /// A request for `route` with `body`, sent as JSON and accepting any answer.
    pub fn new(route: Route, body: &'a [u8]) -> Request<'a> {
        Request {
            route,
            body,
            content_type: None,
            accept: None,
            max_instances: DEFAULT_MAX_INSTANCES,
        }
    }

    /// The body's media type (`Content-Type`); absent means `application/json`.
    pub fn content_type(mut self, value: &'a str) -> Request<'a> {
        self.content_type = Some(value);
        self
    }

    /// The client's `Accept` value; absent means the route's default answer.
    pub fn accept(mut self, value: &'a str) -> Request<'a> {
        self.accept = Some(value);
        self
    }

    /// The most instances this request may carry (more is a 413 error).
    pub fn max_instances(mut self, max: usize) -> Request<'a> {
        self.max_instances = max;
        self
    }
}

/// An answer: the body and its media type.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The `Content-Type` of `body`.
    pub content_type: &'static str,
    /// The encoded answer.
    pub body: Vec<u8>,
    /// How many instances were answered (for metrics).
    pub instances: usize,
}

/// A loaded model ready to answer requests. `Send + Sync`: one endpoint behind an `Arc` answers
/// many threads at once.
#[derive(Debug)]
pub struct Endpoint {
    model: Model,
}

impl Endpoint {
    /// Serves `model`.
    pub fn new(model: Model) -> Endpoint {
        Endpoint { model }
    }

    /// Loads a model file, or the model in a directory as SageMaker unpacks `model.tar.gz`
    /// into `/opt/ml/model`: the one model file it holds (`.bin`, `.vec`, `.ntm`, ...).
    pub fn load(path: impl AsRef<Path>) -> crate::Result<Endpoint> {
        Model::load(model_file(path.as_ref())?).map(Endpoint::new)
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Runs one request of each kind the model answers, so that lazily built state (the
    /// normalised vectors of a nearest-neighbour search) exists before the first client waits.
    pub fn warm_up(&self) -> crate::Result<()> {
        match &self.model {
            Model::Classifier(c) => c.predict("warm up", 1, 0.0).map(drop),
            Model::WordVectors(v) => match v.words().first() {
                Some(word) if v.require_embeddings("nearest").is_ok() => {
                    v.nearest(word, 1).map(drop)
                }
                _ => Ok(()),
            },
            Model::Topics(t) => {
                let mut rows = crate::CountRows::new(t.vocabulary().len());
                rows.push_sparse(&[], &[])?;
                t.infer_bow(&rows).map(drop)
            }
        }
    }

    /// What `GET /info` says about the model: kind, dimension, labels or topics, pipeline.
    pub fn info(&self) -> serde_json::Value {
        use serde_json::json;
        match &self.model {
            Model::Classifier(c) => json!({
                "kind": "classifier",
                "path": c.path(),
                "dimension": c.dim(),
                "labels": c.labels(),
                "multi_label": c.is_multi_label(),
            }),
            Model::WordVectors(v) => json!({
                "kind": "word_vectors",
                "path": v.path(),
                "dimension": v.dim(),
                "words": v.words().len(),
                "subwords": v.subwords().is_some(),
                "pipeline": v.pipeline(),
            }),
            Model::Topics(t) => json!({
                "kind": "topics",
                "path": t.path(),
                "topics": t.num_topics(),
                "vocabulary": t.vocabulary().len(),
                "pipeline": t.pipeline(),
            }),
        }
    }

    /// Answers `request`. Bad input is a [`RequestError`] naming the instance and field, never
    /// a panic.
    pub fn invoke(&self, request: &Request) -> Result<Reply, RequestError> {
        match (&self.model, request.route) {
            (Model::Classifier(c), Route::Invocations) => classify::invocations(c, request),
            (Model::Classifier(c), Route::Predict) => classify::predict(c, request),
            (Model::Classifier(c), Route::Vectors) => classify::vectors(c, request),
            (Model::WordVectors(v), Route::Invocations) => vectors::invocations(v, request),
            (Model::WordVectors(v), Route::Vectors) => vectors::vectors(v, request),
            (Model::WordVectors(v), Route::Nearest) => vectors::nearest(v, request),
            (Model::WordVectors(v), Route::Analogy) => vectors::analogy(v, request),
            (Model::WordVectors(v), Route::Similarity) => vectors::similarity(v, request),
            (Model::Topics(t), Route::Invocations) => topics::invocations(t, request),
            (Model::Topics(t), Route::Topics) => topics::topics(t, request),
            (model, route) => Err(RequestError::wrong_route(route, kind_name(model.kind()))),
        }
    }
}

fn kind_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Embeddings => "word vectors",
        ModelKind::Classifier => "a classifier",
        ModelKind::Topics => "a topic model",
    }
}

/// The model file at `path`: the path itself, or the single model file inside a directory.
fn model_file(path: &Path) -> crate::Result<PathBuf> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    const MODEL_EXTENSIONS: [&str; 5] = ["bin", "ftz", "ntm", "vec", "txt"];
    let entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
    let mut found: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let file = entry.map_err(|e| Error::io(path, e))?.path();
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if file.is_file() && MODEL_EXTENSIONS.contains(&ext) {
            found.push(file);
        }
    }
    found.sort();
    // A word-vector model is saved as <prefix>.bin and <prefix>.vec: the .bin holds everything.
    let bins: Vec<&PathBuf> = found
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "bin"))
        .collect();
    if let [bin] = bins.as_slice() {
        return Ok((*bin).clone());
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::model(
            path,
            "the directory holds no model file (.bin, .ftz, .ntm, .vec); give the model file itself",
        )),
        _ => Err(Error::model(
            path,
            format!(
                "the directory holds {} model files; give the one to serve",
                found.len()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Endpoint>();
    }

    #[test]
    fn a_directory_with_one_model_serves_that_model() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("vectors.bin"), b"x").unwrap();
        std::fs::write(dir.path().join("vectors.vec"), b"x").unwrap();
        std::fs::write(dir.path().join("notes.md"), b"x").unwrap();
        assert_eq!(
            model_file(dir.path()).unwrap(),
            dir.path().join("vectors.bin")
        );
    }

    #[test]
    fn a_directory_without_or_with_several_models_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = model_file(dir.path()).unwrap_err().to_string();
        assert!(err.contains("no model file"), "{err}");
        std::fs::write(dir.path().join("a.ntm"), b"x").unwrap();
        std::fs::write(dir.path().join("b.ntm"), b"x").unwrap();
        let err = model_file(dir.path()).unwrap_err().to_string();
        assert!(err.contains("2 model files"), "{err}");
    }
}
