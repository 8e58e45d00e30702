//! The routes: each request is matched to an operation, limited (concurrency, body size,
//! deadline), answered by its model's [`Endpoint`](crate::inference::Endpoint), counted and
//! logged. Every failure is a JSON error with the status that fits; never a crash.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue, ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Response, StatusCode};
use serde_json::json;

use super::access::AccessRecord;
use super::registry::{self, Entry};
use super::State;
use crate::inference::{Reply, Request, RequestError, Route};

type Answer = Response<Full<Bytes>>;

/// Bodies up to this size are answered on the connection's thread: a short request costs
/// microseconds, less than handing it to another thread.
const INLINE_BODY_BYTES: usize = 16 * 1024;
const TARGET_MODEL: &str = "x-amzn-sagemaker-target-model";
const TARGET_VARIANT: &str = "x-amzn-sagemaker-target-variant";
const INVOKED_VARIANT: &str = "x-amzn-invoked-production-variant";

/// What answering a request did, for the metrics and the access log.
struct Outcome {
    answer: Answer,
    model: Option<String>,
    variant: Option<String>,
    instances: usize,
    error: Option<String>,
}

impl Outcome {
    fn json(status: u16, value: &serde_json::Value) -> Outcome {
        Outcome::plain(
            status,
            "application/json",
            serde_json::to_vec(value).unwrap_or_default(),
        )
    }

    fn plain(status: u16, content_type: &'static str, body: Vec<u8>) -> Outcome {
        let mut answer = Response::new(Full::new(Bytes::from(body)));
        *answer.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        answer
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        Outcome {
            answer,
            model: None,
            variant: None,
            instances: 0,
            error: None,
        }
    }

    fn error(error: RequestError) -> Outcome {
        let mut outcome = Outcome::plain(error.status, "application/json", error.to_json());
        outcome.error = Some(error.to_string());
        outcome
    }

    fn for_model(mut self, entry: &Entry, variant: Option<String>) -> Outcome {
        self.model = Some(entry.name.clone());
        if let Some(name) = &variant {
            if let Ok(value) = HeaderValue::from_str(name) {
                self.answer.headers_mut().insert(INVOKED_VARIANT, value);
            }
        }
        self.variant = variant;
        self
    }
}

/// Answers one request.
pub(super) async fn handle(
    state: Arc<State>,
    client: SocketAddr,
    request: hyper::Request<Incoming>,
) -> Result<Answer, Infallible> {
    let start = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    state.metrics.in_flight(true);
    let deadline = state.config.request_timeout;
    let (label, outcome) = match tokio::time::timeout(deadline, route(&state, request)).await {
        Ok(answered) => answered,
        Err(_) => (
            "timeout",
            Outcome::error(RequestError::new(
                504,
                "Timeout",
                format!(
                    "the request took longer than the server's limit of {} s; send less work per \
                     request",
                    deadline.as_secs_f64()
                ),
            )),
        ),
    };
    state.metrics.in_flight(false);
    let took = start.elapsed();
    let status = outcome.answer.status().as_u16();
    let metric_name = outcome.variant.as_ref().or(outcome.model.as_ref());
    state.metrics.record(
        metric_name.map_or("-", String::as_str),
        label,
        status,
        took,
        outcome.instances,
    );
    if let Some(log) = &state.config.on_access {
        log(&AccessRecord {
            client: client.to_string(),
            method,
            path,
            status,
            duration: took,
            model: outcome.model,
            variant: outcome.variant,
            instances: outcome.instances,
            bytes_out: body_size(&outcome.answer),
            error: outcome.error,
        });
    }
    Ok(outcome.answer)
}

fn body_size(answer: &Answer) -> usize {
    use hyper::body::Body;
    usize::try_from(answer.body().size_hint().exact().unwrap_or(0)).unwrap_or(usize::MAX)
}

/// The operation a path names, and its label in metrics.
async fn route(state: &Arc<State>, request: hyper::Request<Incoming>) -> (&'static str, Outcome) {
    let path = request.uri().path().to_string();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = request.method().clone();
    match (&method, segments.as_slice()) {
        (&Method::GET, ["ping"]) => ("ping", ping(state)),
        (&Method::GET, ["execution-parameters"]) => {
            ("execution-parameters", execution_parameters(state))
        }
        (&Method::GET, ["info"]) => ("info", info(state)),
        (&Method::GET, ["metrics"]) => (
            "metrics",
            Outcome::plain(
                200,
                "text/plain; version=0.0.4",
                state.metrics.render(state.registry.len()).into_bytes(),
            ),
        ),
        (&Method::POST, ["invocations"]) => (
            "invocations",
            invoke(state, request, Route::Invocations, None).await,
        ),
        (&Method::GET, ["models"]) => ("models", list_models(state)),
        (&Method::POST, ["models"]) => ("models", load_model(state, request).await),
        (&Method::GET, ["models", name]) => ("models", describe_model(state, name)),
        (&Method::DELETE, ["models", name]) => ("models", unload_model(state, name)),
        (&Method::POST, ["models", name, "invoke"]) => {
            let name = name.to_string();
            (
                "invocations",
                invoke(state, request, Route::Invocations, Some(name)).await,
            )
        }
        (&Method::POST, [operation]) => match own_route(operation) {
            Some((label, route)) => (label, invoke(state, request, route, None).await),
            None => ("unknown", no_route(&method, &segments)),
        },
        (_, segments) => ("unknown", no_route(&method, segments)),
    }
}

/// blazetext's own operations: path → (metrics label, route).
fn own_route(segment: &str) -> Option<(&'static str, Route)> {
    Some(match segment {
        "predict" => ("predict", Route::Predict),
        "vectors" => ("vectors", Route::Vectors),
        "nn" => ("nn", Route::Nearest),
        "analogy" => ("analogy", Route::Analogy),
        "similarity" => ("similarity", Route::Similarity),
        "topics" => ("topics", Route::Topics),
        _ => return None,
    })
}

fn no_route(method: &Method, segments: &[&str]) -> Outcome {
    let allowed = match segments {
        ["ping" | "execution-parameters" | "info" | "metrics"] => Some("GET"),
        ["invocations"] | ["models", _, "invoke"] => Some("POST"),
        [operation] if own_route(operation).is_some() => Some("POST"),
        ["models"] => Some("GET, POST"),
        ["models", _] => Some("GET, DELETE"),
        _ => None,
    };
    match allowed {
        Some(allowed) => {
            let mut outcome = Outcome::error(RequestError::new(
                405,
                "MethodNotAllowed",
                format!("{method} is not allowed here; use {allowed}"),
            ));
            outcome
                .answer
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static(allowed));
            outcome
        }
        None => Outcome::error(RequestError::new(
            404,
            "NotFound",
            "no such route; POST /invocations answers inference requests and GET /info \
             describes the server",
        )),
    }
}

/// `GET /ping`: 200 with an empty body once every model given at start is loaded and warm.
fn ping(state: &State) -> Outcome {
    if state.ready.load(Ordering::SeqCst) {
        Outcome::plain(200, "text/plain", Vec::new())
    } else {
        Outcome::error(RequestError::new(
            503,
            "Loading",
            "the models are still loading",
        ))
    }
}

/// `GET /execution-parameters`: what SageMaker batch transform should send.
fn execution_parameters(state: &State) -> Outcome {
    let config = &state.config;
    Outcome::json(
        200,
        &json!({
            "MaxConcurrentTransforms": config.batch_concurrency,
            "BatchStrategy": "MULTI_RECORD",
            "MaxPayloadInMB": (config.max_body_bytes / (1024 * 1024)).max(1),
        }),
    )
}

/// `GET /info`: the version, the limits, and each model's kind, dimension, labels, pipeline.
fn info(state: &State) -> Outcome {
    let config = &state.config;
    let weights = state.registry.variants();
    let models: Vec<serde_json::Value> = state
        .registry
        .all()
        .iter()
        .map(|entry| {
            let weight = weights
                .iter()
                .find(|(n, _)| *n == entry.name)
                .map(|(_, w)| w);
            json!({
                "name": entry.name,
                "source": entry.source,
                "variant_weight": weight,
                "model": entry.endpoint.info(),
            })
        })
        .collect();
    Outcome::json(
        200,
        &json!({
            "version": env!("CARGO_PKG_VERSION"),
            "ready": state.ready.load(Ordering::SeqCst),
            "models": models,
            "limits": {
                "max_body_bytes": config.max_body_bytes,
                "max_instances": config.max_instances,
                "max_concurrent_requests": config.max_concurrent_requests,
                "request_timeout_seconds": config.request_timeout.as_secs_f64(),
            },
        }),
    )
}

/// An inference request: limited, routed to its model, answered.
async fn invoke(
    state: &Arc<State>,
    request: hyper::Request<Incoming>,
    route: Route,
    target: Option<String>,
) -> Outcome {
    let Ok(_permit) = Arc::clone(&state.busy).try_acquire_owned() else {
        state.metrics.rejected_busy();
        return Outcome::error(RequestError::new(
            429,
            "TooManyRequests",
            format!(
                "the server is answering {} requests already; retry shortly",
                state.config.max_concurrent_requests
            ),
        ));
    };
    let (parts, body) = request.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let target = target.or_else(|| header(TARGET_MODEL));
    let (entry, variant) = match state
        .registry
        .resolve(target.as_deref(), header(TARGET_VARIANT).as_deref())
    {
        Ok(found) => found,
        Err(e) => return Outcome::error(e),
    };
    let body = match read_body(body, &parts.headers, state.config.max_body_bytes).await {
        Ok(body) => body,
        Err(e) => return Outcome::error(e).for_model(&entry, variant),
    };
    let (content_type, accept) = (header(CONTENT_TYPE.as_str()), header("accept"));
    let max_instances = state.config.max_instances;
    let inline = body.len() <= INLINE_BODY_BYTES;
    let endpoint = Arc::clone(&entry.endpoint);
    let answer = move || {
        let mut request = Request::new(route, &body).max_instances(max_instances);
        if let Some(value) = content_type.as_deref() {
            request = request.content_type(value);
        }
        if let Some(value) = accept.as_deref() {
            request = request.accept(value);
        }
        std::panic::catch_unwind(AssertUnwindSafe(|| endpoint.invoke(&request)))
            .unwrap_or_else(|_| Err(internal_error()))
    };
    let result = if inline {
        answer()
    } else {
        tokio::task::spawn_blocking(answer)
            .await
            .unwrap_or_else(|_| Err(internal_error()))
    };
    let outcome = match result {
        Ok(Reply {
            content_type,
            body,
            instances,
        }) => {
            let mut outcome = Outcome::plain(200, content_type, body);
            outcome.instances = instances;
            outcome
        }
        Err(e) => Outcome::error(e),
    };
    outcome.for_model(&entry, variant)
}

fn internal_error() -> RequestError {
    RequestError::new(
        500,
        "InternalError",
        "the model failed on this request; this is a bug in blazetext, please report it with the \
         request",
    )
}

/// The whole body, refused with 413 past `limit` (before reading, when Content-Length says so).
async fn read_body(
    body: Incoming,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, RequestError> {
    let too_large = || {
        RequestError::new(
            413,
            "PayloadTooLarge",
            format!(
                "the body is larger than the server's limit of {limit} bytes ({:.1} MiB); send \
                 smaller requests",
                limit as f64 / 1048576.0
            ),
        )
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(e) => Err(RequestError::new(
            400,
            "IncompleteBody",
            format!("the request body could not be read: {e}"),
        )),
    }
}

/// `GET /models`: SageMaker's ListModels answer.
fn list_models(state: &State) -> Outcome {
    let models: Vec<serde_json::Value> = state
        .registry
        .all()
        .iter()
        .map(|e| json!({"modelName": e.name, "modelUrl": e.source}))
        .collect();
    Outcome::json(200, &json!({ "models": models }))
}

/// `GET /models/{name}`.
fn describe_model(state: &State, name: &str) -> Outcome {
    match state.registry.get(name) {
        Some(e) => Outcome::json(
            200,
            &json!({"modelName": e.name, "modelUrl": e.source, "model": e.endpoint.info()}),
        ),
        None => Outcome::error(model_not_found(name)),
    }
}

/// `DELETE /models/{name}`: requests already holding the model finish with it.
fn unload_model(state: &State, name: &str) -> Outcome {
    if state.registry.remove(name) {
        Outcome::json(200, &json!({ "unloaded": name }))
    } else {
        Outcome::error(model_not_found(name))
    }
}

fn model_not_found(name: &str) -> RequestError {
    RequestError::new(
        404,
        "ModelNotFound",
        format!("no model named {name:?} is loaded; GET /models lists them"),
    )
}

/// `POST /models` with `{"model_name": ..., "url": ...}`: loads a model (409 when the name is
/// taken, unless `"replace": true` swaps the new model in without losing a request; 507 when it does not fit in memory, 404 when the file does not exist, 422 when it is
/// not a model blazetext reads).
async fn load_model(state: &Arc<State>, request: hyper::Request<Incoming>) -> Outcome {
    let (parts, body) = request.into_parts();
    let body = match read_body(body, &parts.headers, state.config.max_body_bytes).await {
        Ok(body) => body,
        Err(e) => return Outcome::error(e),
    };
    let (name, path, replace) = match model_request(&body) {
        Ok(found) => found,
        Err(e) => return Outcome::error(e),
    };
    if !replace && state.registry.get(&name).is_some() {
        return Outcome::error(conflict(&name));
    }
    if !path.exists() {
        return Outcome::error(
            RequestError::new(
                404,
                "ModelFileNotFound",
                format!(
                    "{} does not exist; give the path of a model file or directory",
                    path.display()
                ),
            )
            .field("url"),
        );
    }
    if let Err(e) = registry::check_memory(&path) {
        return Outcome::error(e);
    }
    let shared = Arc::clone(state);
    let loading =
        tokio::task::spawn_blocking(move || registry::load(&name, &path, &shared.registry.all()));
    match loading.await {
        Ok(Ok(entry)) => {
            let (name, source) = (entry.name.clone(), entry.source.clone());
            if replace {
                // Requests already holding the old model finish with it.
                state.registry.replace(entry);
            } else if !state.registry.insert(entry) {
                return Outcome::error(conflict(&name));
            }
            state.event(crate::Event::Info(format!(
                "loaded {} as {name:?}",
                source.display()
            )));
            Outcome::json(200, &json!({"modelName": name, "modelUrl": source}))
        }
        Ok(Err(e)) => {
            Outcome::error(RequestError::new(422, "ModelLoadError", e.to_string()).field("url"))
        }
        Err(_) => Outcome::error(internal_error()),
    }
}

fn conflict(name: &str) -> RequestError {
    RequestError::new(
        409,
        "ModelAlreadyLoaded",
        format!(
            "a model named {name:?} is loaded already; DELETE /models/{name} first to replace it"
        ),
    )
}

/// The name, path and `replace` flag of a `POST /models` body.
fn model_request(body: &[u8]) -> Result<(String, std::path::PathBuf, bool), RequestError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        RequestError::new(
            400,
            "InvalidJson",
            format!("the body is not valid JSON ({e})"),
        )
    })?;
    let field = |name: &str| {
        value.get(name).and_then(|v| v.as_str()).ok_or_else(|| {
            RequestError::new(
                422,
                "InvalidModelRequest",
                format!("send {{\"model_name\": name, \"url\": path}}; {name:?} is missing or not a string"),
            )
            .field(name)
        })
    };
    let name = field("model_name")?;
    if name.is_empty() || name.contains('/') {
        return Err(RequestError::new(
            422,
            "InvalidModelRequest",
            "model_name must be non-empty and contain no '/'",
        )
        .field("model_name"));
    }
    let replace = match value.get("replace") {
        None => false,
        Some(flag) => flag.as_bool().ok_or_else(|| {
            RequestError::new(422, "InvalidModelRequest", "replace must be true or false")
                .field("replace")
        })?,
    };
    Ok((name.to_string(), field("url")?.into(), replace))
}
