//! Value parsers for numeric options: every floating-point option parses to a finite number, so
//! `nan`, `inf` and `1e999` are usage errors at the command line rather than a model nothing
//! can load.

/// Parses a finite `f32` (clap `value_parser`).
pub fn finite_f32(value: &str) -> Result<f32, String> {
    match value.trim().parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("`{value}` is not a finite number")),
        Err(e) => Err(e.to_string()),
    }
}

/// Parses a finite `f64` (clap `value_parser`).
pub fn finite_f64(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("`{value}` is not a finite number")),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finite_numbers_parse() {
        assert_eq!(finite_f32("0.05"), Ok(0.05));
        assert_eq!(finite_f64("1e-4"), Ok(1e-4));
        for bad in ["nan", "inf", "-inf", "1e999", "x"] {
            assert!(finite_f64(bad).is_err(), "{bad}");
        }
        assert!(finite_f32("1e39").is_err());
    }
}
