//! `blazetext serve`: a SageMaker-compatible HTTP/1.1 inference server for every model kind.
//!
//! It answers SageMaker's container contract (`GET /ping`, `POST /invocations`,
//! `GET /execution-parameters`, the multi-model routes `/models...`) with the BlazingText and
//! NTM request and response shapes of [`inference`](crate::inference), plus `GET /info`,
//! `GET /metrics` (Prometheus) and blazetext's own `POST /predict`, `/vectors`, `/nn`,
//! `/analogy`, `/similarity` and `/topics`. Limits protect it: a body limit (413), a
//! concurrency limit that answers 429 at once, a deadline per request (504), a timeout for slow
//! clients' headers. SIGTERM or Ctrl-C stop accepting, let requests in flight finish (at most
//! [`ServerConfig::drain_timeout`]) and return; SIGHUP reloads the models given at start
//! without losing a request.
//!
//! The server holds no model logic: every answer comes from
//! [`Endpoint::invoke`](crate::inference::Endpoint::invoke).

mod access;
mod http;
mod metrics;
mod registry;
mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use access::{AccessHook, AccessRecord};

use crate::{Error, EventHook, Result};

/// A model to serve at start.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// The name clients target it by (`X-Amzn-SageMaker-Target-Model`, `/models/{name}`), and
    /// its name in metrics.
    pub name: String,
    /// The model file, or a directory holding one model file.
    pub path: PathBuf,
    /// A production variant's share of `/invocations` traffic (`None`: not a variant).
    pub weight: Option<f64>,
}

/// How to run the server.
#[derive(Clone)]
pub struct ServerConfig {
    /// Where to listen.
    pub bind: SocketAddr,
    /// The models to load before `/ping` says ready; more can be added with `POST /models`.
    pub models: Vec<ModelSpec>,
    /// Threads answering requests.
    pub workers: usize,
    /// Requests answered at once; more get 429 at once.
    pub max_concurrent_requests: usize,
    /// The largest request body (413 above it).
    pub max_body_bytes: usize,
    /// The most instances in one request (413 above it).
    pub max_instances: usize,
    /// The longest a request may take, reading its body included (504 after it).
    pub request_timeout: Duration,
    /// How long a client may take to send its request headers.
    pub header_timeout: Duration,
    /// How long shutdown waits for requests in flight.
    pub drain_timeout: Duration,
    /// The concurrency SageMaker batch transform should use (`GET /execution-parameters`).
    pub batch_concurrency: usize,
    /// Receives what the server does (listening, models loaded, reloads, shutdown) as
    /// [`Event::Info`](crate::Event::Info) and [`Event::Warning`](crate::Event::Warning).
    pub on_event: Option<EventHook>,
    /// Receives one record per answered request (the access log).
    pub on_access: Option<AccessHook>,
}

/// SageMaker's payload limit for real-time endpoints: 6 MB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 6 * 1024 * 1024;

impl ServerConfig {
    /// Listens on `bind` and serves `models`, with the defaults: workers = CPU cores, 512
    /// requests at once, a 6 MiB body limit, 10,000 instances, 60 s per request (SageMaker's
    /// deadline), 10 s for headers, 25 s to drain (SageMaker kills 30 s after SIGTERM).
    pub fn new(bind: SocketAddr, models: Vec<ModelSpec>) -> ServerConfig {
        let workers = crate::default_threads();
        ServerConfig {
            bind,
            models,
            workers,
            max_concurrent_requests: 512,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_instances: crate::inference::DEFAULT_MAX_INSTANCES,
            request_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(25),
            batch_concurrency: workers,
            on_event: None,
            on_access: None,
        }
    }

    /// Refuses settings that cannot work, naming the setting.
    pub fn validate(&self) -> Result<()> {
        if self.workers == 0 || self.workers > crate::MAX_THREADS {
            return Err(Error::config(format!(
                "--workers must be between 1 and {}, not {}",
                crate::MAX_THREADS,
                self.workers
            )));
        }
        let at_least_one = [
            ("--max-concurrent-requests", self.max_concurrent_requests),
            ("--max-body-bytes", self.max_body_bytes),
            ("--max-instances", self.max_instances),
        ];
        for (name, value) in at_least_one {
            if value == 0 {
                return Err(Error::config(format!("{name} must be at least 1")));
            }
        }
        if self.request_timeout.is_zero() {
            return Err(Error::config(
                "--request-timeout must be more than 0 seconds",
            ));
        }
        let mut names = std::collections::HashSet::new();
        for spec in &self.models {
            if spec.name.is_empty() || spec.name.contains('/') {
                return Err(Error::config(format!(
                    "model name {:?} must be non-empty and contain no '/'",
                    spec.name
                )));
            }
            if !names.insert(&spec.name) {
                return Err(Error::config(format!(
                    "two models are named {:?}; give each a different name",
                    spec.name
                )));
            }
            if let Some(weight) = spec.weight {
                if !(weight.is_finite() && weight > 0.0) {
                    return Err(Error::config(format!(
                        "variant {:?} has weight {weight}; weights must be positive numbers",
                        spec.name
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Runs the server until SIGTERM or Ctrl-C; calls `on_listening` with the bound address (port
/// 0 in [`ServerConfig::bind`] picks a free one) before the models are loaded, so health checks
/// get answers (503, then 200) from the first moment. A model that fails to load at start
/// stops the server with its error.
pub fn run(config: ServerConfig, on_listening: impl FnOnce(SocketAddr)) -> Result<()> {
    config.validate()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers)
        .thread_name("blazetext-serve")
        .enable_all()
        .build()
        .map_err(|e| Error::config(format!("cannot start the server's threads: {e}")))?;
    runtime.block_on(http::serve(config, on_listening))
}

/// Shared state of the running server.
struct State {
    config: ServerConfig,
    registry: registry::Registry,
    metrics: metrics::Metrics,
    ready: std::sync::atomic::AtomicBool,
    busy: Arc<tokio::sync::Semaphore>,
}

impl State {
    fn event(&self, event: crate::Event) {
        if let Some(hook) = &self.config.on_event {
            hook(&event);
        }
    }
}
