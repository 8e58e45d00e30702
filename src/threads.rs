//! Worker pools. Every call that trains builds its own rayon pool with the thread count of its
//! config and runs inside it, so the library never takes over the global pool of a host program
//! (a server, a Python process) that has workers of its own.

use crate::events::Reporter;
use crate::{Error, Result};

/// The most worker threads a call uses. More threads than this only add contention on the
/// shared model rows (and `--threads 100000` would exhaust the process's thread limit).
pub const MAX_THREADS: usize = 256;

/// Threads to use by default: one per core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `requested` clamped to 1..=[`MAX_THREADS`], with a warning when it had to be lowered.
pub(crate) fn clamp(requested: usize, reporter: &Reporter) -> Result<usize> {
    if requested == 0 {
        return Err(Error::config("threads must be at least 1"));
    }
    if requested > MAX_THREADS {
        reporter.warn(format!(
            "{requested} threads requested; using {MAX_THREADS}, the most blazetext runs at once"
        ));
        return Ok(MAX_THREADS);
    }
    Ok(requested)
}

/// Runs `work` on a new pool of `threads` workers (already clamped).
pub(crate) fn in_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("blazetext-{i}"))
        .build()
        .map_err(|e| {
            Error::config(format!(
                "could not start {threads} worker threads ({e}); use fewer threads"
            ))
        })?;
    Ok(pool.install(work))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_and_rejects_zero() {
        let r = Reporter::silent();
        assert_eq!(clamp(4, &r).unwrap(), 4);
        assert_eq!(clamp(100_000, &r).unwrap(), MAX_THREADS);
        assert!(clamp(0, &r).is_err());
    }

    #[test]
    fn work_runs_on_a_pool_of_the_asked_size() {
        let n = in_pool(3, rayon::current_num_threads).unwrap();
        assert_eq!(n, 3);
    }
}
