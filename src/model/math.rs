//! Table-driven sigmoid and logarithm for the training inner loops (as word2vec and fastText),
//! accurate to a few 1e-4, which is far below the noise of SGD. Exact versions are used for
//! reported probabilities.

use std::sync::OnceLock;

const MAX_SIGMOID: f32 = 8.0;
const SIGMOID_TABLE: usize = 4096;
const LOG_TABLE: usize = 4096;

struct Tables {
    sigmoid: Box<[f32]>,
    log: Box<[f32]>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        sigmoid: (0..=SIGMOID_TABLE)
            .map(|i| {
                let x = (i as f64 * 2.0 / SIGMOID_TABLE as f64 - 1.0) * MAX_SIGMOID as f64;
                (1.0 / (1.0 + (-x).exp())) as f32
            })
            .collect(),
        log: (0..=LOG_TABLE)
            .map(|i| ((i as f64 + 0.5) / LOG_TABLE as f64).ln() as f32)
            .collect(),
    })
}

/// Fast logistic function; saturates to 0/1 beyond ±8.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    if x < -MAX_SIGMOID {
        0.0
    } else if x > MAX_SIGMOID {
        1.0
    } else {
        let i = ((x + MAX_SIGMOID) * (SIGMOID_TABLE as f32 / MAX_SIGMOID / 2.0) + 0.5) as usize;
        tables().sigmoid[i.min(SIGMOID_TABLE)]
    }
}

/// Fast `ln(x)` for `x` in [0, 1] (bin midpoints), floored at ln(0.5/4096) ≈ −9 so that a
/// saturated sigmoid gives a large but finite loss.
#[inline]
pub fn log01(x: f32) -> f32 {
    let i = (x.clamp(0.0, 1.0) * LOG_TABLE as f32) as usize;
    tables().log[i.min(LOG_TABLE)]
}

/// Exact logistic function (for reported probabilities).
pub fn sigmoid_exact(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_table_is_accurate() {
        let mut worst = 0f32;
        for i in -12_000..=12_000 {
            let x = i as f32 / 1000.0;
            worst = worst.max((sigmoid(x) - sigmoid_exact(x)).abs());
        }
        assert!(worst < 5e-4, "max sigmoid error {worst}");
        assert_eq!(sigmoid(-100.0), 0.0);
        assert_eq!(sigmoid(100.0), 1.0);
    }

    #[test]
    fn log_table_is_accurate_away_from_zero() {
        for i in 1..=1000 {
            let x = i as f32 / 1000.0;
            if x >= 0.05 {
                let rel = (log01(x) - x.ln()).abs();
                assert!(rel < 0.01, "ln({x}): {} vs {}", log01(x), x.ln());
            }
        }
        assert!(log01(0.0).is_finite() && log01(0.0) < -8.0);
        assert!(log01(1.0).abs() < 2e-4);
    }
}
