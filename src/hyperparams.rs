//! SageMaker BlazingText hyperparameters: `--hyperparameters <json>` takes the JSON object of a
//! training job (all values strings, e.g. `{"mode": "batch_skipgram", "vector_dim": "100"}`), as a
//! file or inline, so that a BlazingText job definition runs unchanged. Values given as JSON
//! numbers or booleans are accepted too. Explicit command-line flags win over these values.

use std::collections::BTreeMap;
use std::path::Path;

use clap::ValueEnum;
use serde_json::Value;

use crate::io_util::{read_regular_text, MAX_SETTINGS_BYTES};
use crate::model::{LossKind, Mode, TrainConfig};
use crate::{Error, Result};

/// Every key understood, BlazingText's names first, then blazetext's additions.
pub const KEYS: &[&str] = &[
    "mode",
    "vector_dim",
    "window_size",
    "negative_samples",
    "sampling_threshold",
    "min_count",
    "epochs",
    "learning_rate",
    "subwords",
    "min_char",
    "max_char",
    "batch_size",
    "buckets",
    "word_ngrams",
    "early_stopping",
    "patience",
    "min_epochs",
    "evaluation",
    "loss",
    "ns_exponent",
    "seed",
];

/// Parsed SageMaker BlazingText hyperparameters: key → value as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hyperparameters {
    values: BTreeMap<String, String>,
    source: String,
}

impl Hyperparameters {
    /// Reads hyperparameters: `arg` is a path to a JSON file, or the JSON itself when it starts
    /// with `{` (or `[`). Unknown keys are refused with the list of valid ones.
    pub fn load(arg: &str) -> Result<Hyperparameters> {
        let (text, source) = if arg.trim_start().starts_with(['{', '[']) {
            (arg.to_string(), "--hyperparameters".to_string())
        } else {
            let path = Path::new(arg);
            (
                read_regular_text(path, MAX_SETTINGS_BYTES, "a hyperparameters file")?,
                path.display().to_string(),
            )
        };
        let bad = |msg: String| Error::config(format!("{source}: {msg}"));
        let value: Value =
            serde_json::from_str(&text).map_err(|e| bad(format!("invalid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(bad(
                "expected a JSON object such as {\"mode\": \"skipgram\", \"vector_dim\": \"100\"}"
                    .into(),
            ));
        };
        let mut values = BTreeMap::new();
        for (key, v) in map {
            if !KEYS.contains(&key.as_str()) {
                return Err(bad(format!(
                    "unknown hyperparameter \"{key}\"; valid ones are: {}",
                    KEYS.join(", ")
                )));
            }
            let text = match v {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => {
                    return Err(bad(format!(
                        "\"{key}\" must be a string, number or boolean, not {other}"
                    )))
                }
            };
            values.insert(key, text);
        }
        Ok(Hyperparameters { values, source })
    }

    fn get<T: std::str::FromStr>(&self, key: &str, what: &str) -> Result<Option<T>> {
        self.values
            .get(key)
            .map(|v| {
                v.trim().parse::<T>().map_err(|_| {
                    Error::config(format!(
                        "{}: \"{key}\" must be {what}, got \"{v}\"",
                        self.source
                    ))
                })
            })
            .transpose()
    }

    /// BlazingText spells booleans "True"/"False"; JSON and people also write true/1/yes.
    fn get_bool(&self, key: &str) -> Result<Option<bool>> {
        self.values
            .get(key)
            .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(Error::config(format!(
                    "{}: \"{key}\" must be True or False, got \"{v}\"",
                    self.source
                ))),
            })
            .transpose()
    }

    fn get_enum<T: ValueEnum>(&self, key: &str) -> Result<Option<T>> {
        self.values
            .get(key)
            .map(|v| {
                T::from_str(v.trim(), true).map_err(|_| {
                    let names: Vec<String> = T::value_variants()
                        .iter()
                        .filter_map(|x| x.to_possible_value().map(|p| p.get_name().to_string()))
                        .collect();
                    Error::config(format!(
                        "{}: \"{key}\" must be one of {}, got \"{v}\"",
                        self.source,
                        names.join(", ")
                    ))
                })
            })
            .transpose()
    }

    /// Whether `key` was given.
    pub fn sets(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// The `mode` given, if any.
    pub fn mode(&self) -> Result<Option<Mode>> {
        self.get_enum("mode")
    }

    /// BlazingText's `evaluation` flag (report WS-353 at the end).
    pub fn evaluation(&self) -> Result<Option<bool>> {
        self.get_bool("evaluation")
    }

    /// The training configuration these hyperparameters describe: the defaults of `mode` (or,
    /// when it is `None`, of the hyperparameters' own `"mode"`), then every value given here.
    /// Not validated, so that callers can apply their own overrides first (the command line's
    /// flags) and call [`TrainConfig::validate`] after.
    pub fn to_config(&self, mode: Option<Mode>) -> Result<TrainConfig> {
        let own = self.mode()?;
        let mode = mode.or(own).ok_or_else(|| {
            Error::config("no training mode: give --mode cbow|skipgram|batch_skipgram|supervised (or \"mode\" in --hyperparameters)")
        })?;
        let mut config = TrainConfig::defaults(mode);
        self.apply(&mut config)?;
        Ok(config)
    }

    /// Overwrites the fields of `config` that these hyperparameters set (`mode` and
    /// `evaluation` are read separately).
    pub fn apply(&self, config: &mut TrainConfig) -> Result<()> {
        const COUNT: &str = "a whole number";
        const NUMBER: &str = "a number";
        macro_rules! set {
            ($field:ident, $value:expr) => {
                if let Some(v) = $value {
                    config.$field = v;
                }
            };
        }
        set!(vector_dim, self.get("vector_dim", COUNT)?);
        set!(window_size, self.get("window_size", COUNT)?);
        set!(negative_samples, self.get("negative_samples", COUNT)?);
        set!(sampling_threshold, self.get("sampling_threshold", NUMBER)?);
        set!(min_count, self.get("min_count", COUNT)?);
        set!(epochs, self.get("epochs", COUNT)?);
        set!(learning_rate, self.get("learning_rate", NUMBER)?);
        set!(subwords, self.get_bool("subwords")?);
        set!(min_char, self.get("min_char", COUNT)?);
        set!(max_char, self.get("max_char", COUNT)?);
        set!(batch_size, self.get("batch_size", COUNT)?);
        set!(buckets, self.get("buckets", COUNT)?);
        set!(word_ngrams, self.get("word_ngrams", COUNT)?);
        set!(early_stopping, self.get_bool("early_stopping")?);
        set!(patience, self.get("patience", COUNT)?);
        set!(min_epochs, self.get("min_epochs", COUNT)?);
        set!(loss, self.get_enum::<LossKind>("loss")?);
        set!(ns_exponent, self.get("ns_exponent", NUMBER)?);
        set!(seed, self.get("seed", COUNT)?);
        Ok(())
    }
}

impl TrainConfig {
    /// The configuration of a SageMaker BlazingText training job: its `--hyperparameters` JSON
    /// (a file, or the JSON object itself; values as strings as SageMaker sends them, or as
    /// JSON numbers and booleans), with `"mode"` required and the mode's defaults for every
    /// value not given; checked with [`TrainConfig::validate`]. The `"evaluation"` flag is read
    /// with `Hyperparameters::evaluation`.
    ///
    /// ```
    /// use blazetext::{Mode, TrainConfig};
    /// let config = TrainConfig::from_hyperparameters(
    ///     r#"{"mode": "batch_skipgram", "vector_dim": "50", "subwords": "True"}"#,
    /// )?;
    /// assert_eq!((config.mode, config.vector_dim, config.subwords), (Mode::BatchSkipgram, 50, true));
    /// assert_eq!(config.epochs, 5);
    /// # Ok::<(), blazetext::Error>(())
    /// ```
    pub fn from_hyperparameters(json_or_path: &str) -> Result<TrainConfig> {
        let config = Hyperparameters::load(json_or_path)?.to_config(None)?;
        config.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sagemaker_strings_are_applied() {
        let hp = Hyperparameters::load(
            r#"{"mode": "batch_skipgram", "vector_dim": "50", "window_size": "3",
                "sampling_threshold": "0.001", "subwords": "True", "learning_rate": 0.02,
                "evaluation": "False"}"#,
        )
        .unwrap();
        assert_eq!(hp.mode().unwrap(), Some(Mode::BatchSkipgram));
        assert_eq!(hp.evaluation().unwrap(), Some(false));
        let mut c = TrainConfig::defaults(Mode::BatchSkipgram);
        hp.apply(&mut c).unwrap();
        assert_eq!((c.vector_dim, c.window_size), (50, 3));
        assert_eq!(c.sampling_threshold, 0.001);
        assert!(c.subwords);
        assert_eq!(c.learning_rate, 0.02);
        assert_eq!(c.epochs, 5, "untouched fields keep their defaults");
    }

    #[test]
    fn unknown_keys_list_the_valid_ones() {
        let err = Hyperparameters::load(r#"{"vector_size": "100"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown hyperparameter \"vector_size\""),
            "{err}"
        );
        assert!(
            err.contains("vector_dim") && err.contains("window_size"),
            "{err}"
        );
    }

    #[test]
    fn bad_values_name_the_key() {
        let hp = Hyperparameters::load(r#"{"epochs": "five"}"#).unwrap();
        let err = hp
            .apply(&mut TrainConfig::defaults(Mode::Cbow))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"epochs\" must be a whole number, got \"five\""),
            "{err}"
        );
        let hp = Hyperparameters::load(r#"{"mode": "glove"}"#).unwrap();
        let err = hp.mode().unwrap_err().to_string();
        assert!(err.contains("batch_skipgram"), "{err}");
        assert!(Hyperparameters::load("[1, 2]")
            .unwrap_err()
            .to_string()
            .contains("JSON object"));
        assert!(Hyperparameters::load("{nope")
            .unwrap_err()
            .to_string()
            .contains("invalid JSON"));
    }

    #[test]
    fn config_from_hyperparameters_takes_defaults_and_validates() {
        let c =
            TrainConfig::from_hyperparameters(r#"{"mode": "supervised", "epochs": 9}"#).unwrap();
        assert_eq!((c.mode, c.epochs), (Mode::Supervised, 9));
        assert_eq!(
            c.learning_rate,
            TrainConfig::defaults(Mode::Supervised).learning_rate
        );
        let err = TrainConfig::from_hyperparameters(r#"{"vector_dim": "10"}"#).unwrap_err();
        assert!(err.to_string().contains("no training mode"), "{err}");
        let err = TrainConfig::from_hyperparameters(r#"{"mode": "cbow", "vector_dim": "0"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("--vector-dim"), "{err}");
        // A mode given by the caller wins over the hyperparameters' own.
        let hp = Hyperparameters::load(r#"{"mode": "cbow", "window_size": "2"}"#).unwrap();
        let c = hp.to_config(Some(Mode::Skipgram)).unwrap();
        assert_eq!((c.mode, c.window_size), (Mode::Skipgram, 2));
    }

    #[test]
    fn reads_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hp.json");
        std::fs::write(&path, r#"{"mode": "cbow", "min_count": "2"}"#).unwrap();
        let hp = Hyperparameters::load(path.to_str().unwrap()).unwrap();
        let mut c = TrainConfig::defaults(Mode::Cbow);
        hp.apply(&mut c).unwrap();
        assert_eq!(c.min_count, 2);
        let missing = Hyperparameters::load("/nonexistent/hp.json").unwrap_err();
        assert!(matches!(missing, Error::Io { .. }));
    }
}
