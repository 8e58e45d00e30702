//! `blazetext serve`: the SageMaker-compatible inference server (see `blazetext::serve`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use blazetext::serve::{self, AccessRecord, ModelSpec, ServerConfig};
use blazetext::Error;

use super::events::Terminal;
use super::output::errln;
use super::GlobalArgs;

/// Where SageMaker unpacks a model for the container that serves it.
const SAGEMAKER_MODEL_DIR: &str = "/opt/ml/model";

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  blazetext serve clf.bin                          (POST /invocations on port 8080)
  blazetext serve clf.bin --bind 127.0.0.1:9000
  blazetext serve --variant a=clf.bin:0.8 --variant b=clf2.bin:0.2
  blazetext serve en=vectors-en.bin fr=vectors-fr.bin   (target by X-Amzn-SageMaker-Target-Model)
  blazetext serve --multi-model                    (load models later with POST /models)

Routes: GET /ping, POST /invocations, GET /execution-parameters, GET /info, GET /metrics,
POST /predict /vectors /nn /analogy /similarity /topics, and GET|POST /models,
GET|DELETE /models/{name}, POST /models/{name}/invoke.
Environment: SAGEMAKER_BIND_TO_PORT (default port), SAGEMAKER_BATCH=true with
SAGEMAKER_MAX_PAYLOAD_IN_MB (batch transform limits), SAGEMAKER_MULTI_MODEL=true.
SIGTERM or Ctrl-C drains requests in flight and exits 0; SIGHUP reloads the model files.")]
pub struct Args {
    /// Models to serve: PATH or NAME=PATH (a model file, or a directory holding one)
    /// [default: /opt/ml/model]
    #[arg(value_name = "MODEL")]
    pub models: Vec<String>,
    /// A production variant NAME=PATH:WEIGHT; /invocations traffic is split by weight
    #[arg(long = "variant", value_name = "NAME=PATH:WEIGHT")]
    pub variants: Vec<String>,
    /// Address to listen on [default: 0.0.0.0:$SAGEMAKER_BIND_TO_PORT, or 0.0.0.0:8080]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Start with no model (or only those given) and load models with POST /models
    #[arg(long)]
    pub multi_model: bool,
    /// Threads answering requests [default: all cores]
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Requests answered at once; more get 429 immediately
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub max_concurrent_requests: usize,
    /// Largest request body in MiB [default: 6, or $SAGEMAKER_MAX_PAYLOAD_IN_MB in batch mode]
    #[arg(long, value_name = "MIB")]
    pub max_payload_mb: Option<f64>,
    /// Most instances in one request [default: 10000; no limit in batch mode]
    #[arg(long, value_name = "N")]
    pub max_instances: Option<usize>,
    /// Longest time a request may take, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub request_timeout: f64,
    /// Longest wait for requests in flight at shutdown, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 25.0)]
    pub drain_timeout: f64,
    /// No access log (one line per request on stderr; JSON lines with --json)
    #[arg(long)]
    pub no_access_log: bool,
}

pub fn run(global: &GlobalArgs, args: &Args) -> blazetext::Result<()> {
    let batch = env_flag("SAGEMAKER_BATCH");
    let mut models = args
        .models
        .iter()
        .map(|spec| model_spec(spec))
        .collect::<blazetext::Result<Vec<_>>>()?;
    for spec in &args.variants {
        models.push(variant_spec(spec)?);
    }
    if models.is_empty() && !(args.multi_model || env_flag("SAGEMAKER_MULTI_MODEL")) {
        if !Path::new(SAGEMAKER_MODEL_DIR).exists() {
            return Err(Error::config(
                "no model given: name a model file (blazetext serve model.bin), or use \
                 --multi-model and load models with POST /models",
            ));
        }
        models.push(ModelSpec {
            name: "model".into(),
            path: SAGEMAKER_MODEL_DIR.into(),
            weight: None,
        });
    }
    for spec in &models {
        if !spec.path.exists() {
            return Err(Error::config(format!(
                "model {} does not exist; give the path of a model file",
                spec.path.display()
            )));
        }
    }
    let mut config = ServerConfig::new(bind_address(args.bind.as_deref())?, models);
    if let Some(workers) = args.workers {
        config.workers = workers;
    }
    config.max_concurrent_requests = args.max_concurrent_requests;
    config.max_body_bytes = payload_limit(args.max_payload_mb, batch)?;
    config.max_instances = match (args.max_instances, batch) {
        (Some(n), _) => n,
        (None, true) => usize::MAX,
        (None, false) => blazetext::inference::DEFAULT_MAX_INSTANCES,
    };
    config.request_timeout = seconds("--request-timeout", args.request_timeout)?;
    config.drain_timeout = seconds("--drain-timeout", args.drain_timeout)?;
    let terminal = Terminal::new(global);
    config.on_event = Some(terminal.hook());
    if !(args.no_access_log || global.quiet) {
        let json = global.json;
        config.on_access = Some(Arc::new(move |record: &AccessRecord| {
            if json {
                errln!("{}", serde_json::to_string(record).unwrap_or_default());
            } else {
                errln!("{record}");
            }
        }));
    }
    serve::run(config, |_| {})
}

/// `NAME=PATH` or `PATH` (named after the file).
fn model_spec(spec: &str) -> blazetext::Result<ModelSpec> {
    let (name, path) = match spec.split_once('=') {
        Some((name, path)) if !name.is_empty() && !Path::new(spec).exists() => {
            (name.to_string(), PathBuf::from(path))
        }
        _ => (default_name(Path::new(spec)), PathBuf::from(spec)),
    };
    Ok(ModelSpec {
        name,
        path,
        weight: None,
    })
}

/// `NAME=PATH:WEIGHT`.
fn variant_spec(spec: &str) -> blazetext::Result<ModelSpec> {
    let usage = || {
        Error::config(format!(
            "--variant {spec:?}: write NAME=PATH:WEIGHT, e.g. --variant a=model.bin:0.8"
        ))
    };
    let (name, rest) = spec.split_once('=').ok_or_else(usage)?;
    let (path, weight) = rest.rsplit_once(':').ok_or_else(usage)?;
    let weight: f64 = weight.parse().map_err(|_| usage())?;
    if name.is_empty() || path.is_empty() {
        return Err(usage());
    }
    Ok(ModelSpec {
        name: name.into(),
        path: path.into(),
        weight: Some(weight),
    })
}

fn default_name(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("model")
        .to_string()
}

fn bind_address(bind: Option<&str>) -> blazetext::Result<SocketAddr> {
    let address = match bind {
        Some(bind) => bind.to_string(),
        None => {
            let port = std::env::var("SAGEMAKER_BIND_TO_PORT").unwrap_or_else(|_| "8080".into());
            format!("0.0.0.0:{port}")
        }
    };
    address.parse().map_err(|_| {
        Error::config(format!(
            "{address:?} is not an address to listen on; write HOST:PORT, e.g. 127.0.0.1:8080"
        ))
    })
}

fn payload_limit(mib: Option<f64>, batch: bool) -> blazetext::Result<usize> {
    let (mib, source) = match mib {
        Some(mib) => (mib, "--max-payload-mb"),
        None if batch => match std::env::var("SAGEMAKER_MAX_PAYLOAD_IN_MB") {
            Ok(value) => (
                value.trim().parse().map_err(|_| {
                    Error::config(format!(
                        "SAGEMAKER_MAX_PAYLOAD_IN_MB is {value:?}, not a number of MiB"
                    ))
                })?,
                "SAGEMAKER_MAX_PAYLOAD_IN_MB",
            ),
            Err(_) => (6.0, "the default"),
        },
        None => (6.0, "the default"),
    };
    if !(mib.is_finite() && mib > 0.0 && mib <= 4096.0) {
        return Err(Error::config(format!(
            "{source}: {mib} MiB is not a payload limit; give a number between 0 and 4096"
        )));
    }
    Ok((mib * 1024.0 * 1024.0) as usize)
}

fn seconds(option: &str, value: f64) -> blazetext::Result<Duration> {
    if !(value.is_finite() && value > 0.0 && value <= 86_400.0) {
        return Err(Error::config(format!(
            "{option} {value}: give a number of seconds between 0 and 86400"
        )));
    }
    Ok(Duration::from_secs_f64(value))
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_and_variant_specs() {
        let spec = model_spec("en=/models/en.bin").unwrap();
        assert_eq!(
            (spec.name.as_str(), spec.path.as_path()),
            ("en", Path::new("/models/en.bin"))
        );
        assert_eq!(model_spec("dir/clf.bin").unwrap().name, "clf");
        let variant = variant_spec("a=m.bin:0.8").unwrap();
        assert_eq!((variant.name.as_str(), variant.weight), ("a", Some(0.8)));
        for bad in ["m.bin:0.8", "a=m.bin", "a=m.bin:x", "=m.bin:1"] {
            let err = variant_spec(bad).unwrap_err().to_string();
            assert!(err.contains("NAME=PATH:WEIGHT"), "{bad}: {err}");
        }
    }

    #[test]
    fn limits_are_checked() {
        assert_eq!(payload_limit(Some(1.0), false).unwrap(), 1 << 20);
        assert_eq!(payload_limit(None, false).unwrap(), 6 << 20);
        assert!(payload_limit(Some(f64::NAN), false).is_err());
        assert!(payload_limit(Some(0.0), false).is_err());
        assert!(seconds("--request-timeout", f64::INFINITY).is_err());
        assert!(bind_address(Some("nonsense")).is_err());
        assert_eq!(bind_address(Some("127.0.0.1:0")).unwrap().port(), 0);
    }
}
