//! The models a server holds, by name; A/B variants and their traffic weights; which model a
//! request goes to. Swapping a model in or out never disturbs requests already holding it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::inference::{Endpoint, RequestError};

/// A loaded, warmed-up model and where it came from.
pub(super) struct Entry {
    pub name: String,
    pub source: PathBuf,
    pub endpoint: Arc<Endpoint>,
}

/// Loads and warms up the model at `path` under `name`, sharing the endpoint of an already
/// loaded entry of the same file (a second variant of one file costs no memory).
pub(super) fn load(name: &str, path: &Path, loaded: &[Arc<Entry>]) -> crate::Result<Entry> {
    let same_file =
        |entry: &&Arc<Entry>| entry.source.canonicalize().ok() == path.canonicalize().ok();
    let endpoint = match loaded.iter().find(same_file) {
        Some(entry) => Arc::clone(&entry.endpoint),
        None => {
            let endpoint = Endpoint::load(path)?;
            endpoint.warm_up()?;
            Arc::new(endpoint)
        }
    };
    Ok(Entry {
        name: name.to_string(),
        source: path.to_path_buf(),
        endpoint,
    })
}

/// The models, the variants, and the default target.
pub(super) struct Registry {
    models: RwLock<BTreeMap<String, Arc<Entry>>>,
    /// (name, weight) of each production variant, in the order given.
    variants: Vec<(String, f64)>,
    /// The model `/invocations` answers when no target is named and there are no variants.
    default: Option<String>,
    picks: AtomicU64,
}

impl Registry {
    pub fn new(variants: Vec<(String, f64)>, default: Option<String>) -> Registry {
        Registry {
            models: RwLock::new(BTreeMap::new()),
            variants,
            default,
            picks: AtomicU64::new(0),
        }
    }

    pub fn get(&self, name: &str) -> Option<Arc<Entry>> {
        self.read().get(name).cloned()
    }

    pub fn all(&self) -> Vec<Arc<Entry>> {
        self.read().values().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Adds a model under a new name; `false` when the name is taken.
    pub fn insert(&self, entry: Entry) -> bool {
        let mut models = self.write();
        if models.contains_key(&entry.name) {
            return false;
        }
        models.insert(entry.name.clone(), Arc::new(entry));
        true
    }

    /// Puts `entry` in place of the model of the same name (a reload).
    pub fn replace(&self, entry: Entry) {
        self.write().insert(entry.name.clone(), Arc::new(entry));
    }

    pub fn remove(&self, name: &str) -> bool {
        self.write().remove(name).is_some()
    }

    pub fn variants(&self) -> &[(String, f64)] {
        &self.variants
    }

    /// The model a request goes to, and the variant name when variants route it: the target
    /// model named by the client, else the variant it forces, else a variant picked by weight,
    /// else the default model.
    pub fn resolve(
        &self,
        target_model: Option<&str>,
        target_variant: Option<&str>,
    ) -> Result<(Arc<Entry>, Option<String>), RequestError> {
        if let Some(name) = target_model {
            return self.get(name).map(|e| (e, None)).ok_or_else(|| {
                RequestError::new(
                    404,
                    "ModelNotFound",
                    format!("no model named {name:?} is loaded; GET /models lists them"),
                )
            });
        }
        let variant = match target_variant {
            Some(name) => {
                if !self.variants.iter().any(|(v, _)| v == name) {
                    return Err(RequestError::new(
                        404,
                        "VariantNotFound",
                        format!("no variant named {name:?}; GET /info lists them"),
                    ));
                }
                Some(name)
            }
            None => self.pick_variant(),
        };
        if let Some(name) = variant {
            let entry = self.get(name).ok_or_else(not_ready)?;
            return Ok((entry, Some(name.to_string())));
        }
        match &self.default {
            Some(name) => self.get(name).map(|e| (e, None)).ok_or_else(not_ready),
            None => Err(RequestError::new(
                400,
                "NoTargetModel",
                "this server holds several models (or none yet): name one with the \
                 X-Amzn-SageMaker-Target-Model header or POST /models/{name}/invoke",
            )),
        }
    }

    /// A variant by weight. Request n takes the variant whose share of the cumulative weight
    /// holds frac(n·φ), a low-discrepancy sequence: over any run of requests each variant
    /// gets its share closely, with no lock and no random state.
    fn pick_variant(&self) -> Option<&str> {
        const GOLDEN: f64 = 0.618_033_988_749_894_9;
        if self.variants.is_empty() {
            return None;
        }
        let n = self.picks.fetch_add(1, Ordering::Relaxed);
        let total: f64 = self.variants.iter().map(|(_, w)| w).sum();
        let point = (n as f64 * GOLDEN).fract() * total;
        let mut cumulative = 0.0;
        for (name, weight) in &self.variants {
            cumulative += weight;
            if point < cumulative {
                return Some(name);
            }
        }
        self.variants.last().map(|(name, _)| name.as_str())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Arc<Entry>>> {
        self.models.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Arc<Entry>>> {
        self.models.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn not_ready() -> RequestError {
    RequestError::new(
        503,
        "ModelNotReady",
        "the model is still loading; retry when GET /ping answers 200",
    )
}

/// Refuses a model whose files are larger than the memory available now (HTTP 507).
pub(super) fn check_memory(path: &Path) -> Result<(), RequestError> {
    let size = disk_size(path);
    match available_memory() {
        Some(available) if size > available => Err(RequestError::new(
            507,
            "InsufficientMemory",
            format!(
                "{} takes {:.1} MiB but only {:.1} MiB of memory is available; unload a model \
                 (DELETE /models/{{name}}) first",
                path.display(),
                size as f64 / 1048576.0,
                available as f64 / 1048576.0
            ),
        )),
        _ => Ok(()),
    }
}

/// Bytes of a file, or of the files directly inside a directory.
fn disk_size(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }
}

/// `MemAvailable` from `/proc/meminfo`, where the system has one.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(weights: &[(&str, f64)]) -> Registry {
        let variants = weights.iter().map(|(n, w)| (n.to_string(), *w)).collect();
        Registry::new(variants, None)
    }

    #[test]
    fn variants_get_their_share_of_traffic() {
        let registry = registry(&[("a", 0.8), ("b", 0.2)]);
        let mut a = 0;
        for _ in 0..1000 {
            if registry.pick_variant() == Some("a") {
                a += 1;
            }
        }
        assert!((790..=810).contains(&a), "{a} of 1000 went to a");
        // Small runs are close too: no long streak of one variant.
        let first: Vec<_> = (0..10).map(|_| registry.pick_variant().unwrap()).collect();
        assert!(first.contains(&"b") && first.iter().filter(|&&v| v == "a").count() >= 7);
    }

    #[test]
    fn unknown_targets_are_named_in_the_error() {
        let registry = registry(&[("a", 1.0)]);
        let model = registry.resolve(Some("nope"), None).err().unwrap();
        assert_eq!((model.status, model.error_type), (404, "ModelNotFound"));
        let variant = registry.resolve(None, Some("c")).err().unwrap();
        assert_eq!(variant.status, 404);
        assert!(variant.message.contains("\"c\""));
        // Variant "a" exists but its model is not loaded yet.
        assert_eq!(registry.resolve(None, None).err().unwrap().status, 503);
        let none = Registry::new(Vec::new(), None)
            .resolve(None, None)
            .err()
            .unwrap();
        assert_eq!(none.error_type, "NoTargetModel");
    }
}
