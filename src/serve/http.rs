//! The listening socket: accepting connections, loading the models in the background, reloading
//! them on SIGHUP, and stopping on SIGTERM or Ctrl-C after the requests in flight are answered.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

use super::registry::{self, Registry};
use super::{metrics::Metrics, routes, ServerConfig, State};
use crate::{Error, Event, Result};

pub(super) async fn serve(
    config: ServerConfig,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<()> {
    let listener = TcpListener::bind(config.bind).await.map_err(|e| {
        Error::config(format!(
            "cannot listen on {}: {e}; choose another address or port with --bind",
            config.bind
        ))
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| Error::config(e.to_string()))?;
    let variants = config
        .models
        .iter()
        .filter_map(|m| Some((m.name.clone(), m.weight?)))
        .collect();
    let default = match config.models.as_slice() {
        [only] => Some(only.name.clone()),
        many => many
            .iter()
            .find(|m| m.weight.is_none())
            .map(|m| m.name.clone()),
    };
    let state = Arc::new(State {
        registry: Registry::new(variants, default),
        metrics: Metrics::default(),
        ready: false.into(),
        busy: Arc::new(tokio::sync::Semaphore::new(config.max_concurrent_requests)),
        config,
    });
    let signal_error = |e: std::io::Error| Error::config(format!("cannot watch signals: {e}"));
    let mut terminate = signal(SignalKind::terminate()).map_err(signal_error)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(signal_error)?;
    let mut hangup = signal(SignalKind::hangup()).map_err(signal_error)?;
    on_listening(address);
    state.event(Event::Info(format!("listening on http://{address}")));

    let mut loading = tokio::task::spawn_blocking({
        let state = Arc::clone(&state);
        move || load_all(&state)
    });
    let mut loaded = false;
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, client)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = Arc::clone(&state);
                    let service = service_fn(move |request| {
                        routes::handle(Arc::clone(&shared), client, request)
                    });
                    let connection = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(state.config.header_timeout)
                        .serve_connection(TokioIo::new(stream), service);
                    let watched = graceful.watch(connection);
                    tokio::spawn(async move {
                        // A client that goes away mid-request is its own business.
                        let _ = watched.await;
                    });
                }
                // Out of file descriptors and the like: wait a moment instead of spinning.
                Err(e) => {
                    state.event(Event::Warning(format!("accepting a connection failed: {e}")));
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            result = &mut loading, if !loaded => {
                loaded = true;
                match result {
                    Ok(Ok(())) => {
                        state.ready.store(true, Ordering::SeqCst);
                        state.event(Event::Info(format!(
                            "ready: {} model(s) loaded; GET /ping answers 200",
                            state.registry.len()
                        )));
                    }
                    Ok(Err(e)) => return Err(e),
                    Err(e) => return Err(Error::config(format!("loading the models failed: {e}"))),
                }
            },
            _ = hangup.recv() => {
                let state = Arc::clone(&state);
                tokio::task::spawn_blocking(move || reload_all(&state));
            },
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
        }
    }
    drop(listener);
    let drain = state.config.drain_timeout;
    state.event(Event::Info(format!(
        "stopping: no new connections; waiting up to {} s for requests in flight",
        drain.as_secs()
    )));
    tokio::select! {
        _ = graceful.shutdown() => state.event(Event::Info("stopped".into())),
        _ = tokio::time::sleep(drain) => state.event(Event::Warning(format!(
            "stopped with requests still in flight after {} s",
            drain.as_secs()
        ))),
    }
    Ok(())
}

/// Loads every model given at start, each warmed up before the next; variants of one file share
/// it.
fn load_all(state: &State) -> Result<()> {
    for spec in &state.config.models {
        let entry = registry::load(&spec.name, &spec.path, &state.registry.all())?;
        state.event(Event::Info(format!(
            "loaded {} as {:?}",
            spec.path.display(),
            spec.name
        )));
        state.registry.replace(entry);
    }
    Ok(())
}

/// Reloads the models given at start from their files; a model that fails keeps its old
/// version. Requests in flight finish with the model they started with.
fn reload_all(state: &State) {
    let mut reloaded: Vec<Arc<registry::Entry>> = Vec::new();
    for spec in &state.config.models {
        match registry::load(&spec.name, &spec.path, &reloaded) {
            Ok(entry) => {
                state.registry.replace(entry);
                if let Some(entry) = state.registry.get(&spec.name) {
                    reloaded.push(entry);
                }
                state.event(Event::Info(format!("reloaded {:?}", spec.name)));
            }
            Err(e) => state.event(Event::Warning(format!(
                "reloading {:?} failed, keeping the loaded version: {e}",
                spec.name
            ))),
        }
    }
}
