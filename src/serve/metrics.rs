//! Request counters and latency histograms per model and route, in Prometheus' text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Series {
    statuses: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    seconds: f64,
    count: u64,
    instances: u64,
}

/// What the server has done since it started.
#[derive(Default)]
pub(super) struct Metrics {
    // Keyed by (model or variant, route); one short lock per request.
    series: Mutex<BTreeMap<(String, &'static str), Series>>,
    rejected_busy: AtomicU64,
    in_flight: AtomicU64,
}

impl Metrics {
    /// Records one answered request.
    pub fn record(
        &self,
        model: &str,
        route: &'static str,
        status: u16,
        took: Duration,
        instances: usize,
    ) {
        let seconds = took.as_secs_f64();
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = series.entry((model.to_string(), route)).or_default();
        *s.statuses.entry(status).or_default() += 1;
        if let Some(bucket) = BUCKETS.iter().position(|&b| seconds <= b) {
            s.buckets[bucket] += 1;
        }
        s.seconds += seconds;
        s.count += 1;
        s.instances += instances as u64;
    }

    /// Counts a request refused because the server was at its concurrency limit.
    pub fn rejected_busy(&self) {
        self.rejected_busy.fetch_add(1, Ordering::Relaxed);
    }

    /// A request started (`+1`) or ended (`-1`).
    pub fn in_flight(&self, started: bool) {
        if started {
            self.in_flight.fetch_add(1, Ordering::Relaxed);
        } else {
            self.in_flight.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Everything in Prometheus' text exposition format.
    pub fn render(&self, models_loaded: usize) -> String {
        let mut out = String::new();
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(
            out,
            "# HELP blazetext_requests_total Requests answered, by model, route and status."
        );
        let _ = writeln!(out, "# TYPE blazetext_requests_total counter");
        for ((model, route), s) in series.iter() {
            for (status, n) in &s.statuses {
                let _ = writeln!(
                    out,
                    "blazetext_requests_total{{model=\"{}\",route=\"{route}\",status=\"{status}\"}} {n}",
                    escape(model)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP blazetext_request_duration_seconds Time from request to answer."
        );
        let _ = writeln!(out, "# TYPE blazetext_request_duration_seconds histogram");
        for ((model, route), s) in series.iter() {
            let labels = format!("model=\"{}\",route=\"{route}\"", escape(model));
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "blazetext_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "blazetext_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "blazetext_request_duration_seconds_sum{{{labels}}} {}",
                s.seconds
            );
            let _ = writeln!(
                out,
                "blazetext_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP blazetext_instances_total Instances (texts, words, documents) answered."
        );
        let _ = writeln!(out, "# TYPE blazetext_instances_total counter");
        for ((model, route), s) in series.iter() {
            let _ = writeln!(
                out,
                "blazetext_instances_total{{model=\"{}\",route=\"{route}\"}} {}",
                escape(model),
                s.instances
            );
        }
        let gauges = [
            (
                "blazetext_requests_rejected_busy_total",
                "counter",
                "Requests refused with 429 at the concurrency limit.",
                self.rejected_busy.load(Ordering::Relaxed),
            ),
            (
                "blazetext_requests_in_flight",
                "gauge",
                "Requests being answered now.",
                self.in_flight.load(Ordering::Relaxed),
            ),
            (
                "blazetext_models_loaded",
                "gauge",
                "Models loaded and ready.",
                models_loaded as u64,
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out
    }
}

/// A label value with `\`, `"` and line breaks escaped, as the format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.record("a", "invocations", 200, Duration::from_micros(300), 2);
        metrics.record("a", "invocations", 200, Duration::from_millis(3), 1);
        metrics.record("a", "invocations", 422, Duration::from_millis(30), 0);
        metrics.rejected_busy();
        let text = metrics.render(1);
        assert!(text.contains(
            "blazetext_requests_total{model=\"a\",route=\"invocations\",status=\"200\"} 2"
        ));
        assert!(text.contains("status=\"422\"} 1"));
        let bucket = |le: &str| {
            format!("blazetext_request_duration_seconds_bucket{{model=\"a\",route=\"invocations\",le=\"{le}\"}}")
        };
        assert!(text.contains(&format!("{} 1", bucket("0.0005"))));
        assert!(text.contains(&format!("{} 2", bucket("0.005"))));
        assert!(text.contains(&format!("{} 3", bucket("+Inf"))));
        assert!(text.contains("blazetext_instances_total{model=\"a\",route=\"invocations\"} 3"));
        assert!(text.contains("blazetext_requests_rejected_busy_total 1"));
        assert!(text.contains("blazetext_models_loaded 1"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
