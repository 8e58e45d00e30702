//! The training half of SageMaker's container contract: `docker run IMAGE train` runs
//! `blazetext train` with no arguments, and the job is described by files:
//! `/opt/ml/input/config/hyperparameters.json` (all values strings), the `train` and optional
//! `validation` channels under `/opt/ml/input/data/`. The model goes to `/opt/ml/model` (as
//! BlazingText names it: `vectors.*` or `model.*`; `model.ntm` for NTM jobs), and a failure's
//! reason to `/opt/ml/output/failure`, which SageMaker shows as the job's failure reason.
//!
//! The job becomes an ordinary command line (`train …` or `topics train …` with
//! `--hyperparameters`), so it takes exactly the path, checks and messages a user gets.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// SageMaker's directory layout, rooted at `/opt/ml` (another root in tests).
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        Layout { root: root.into() }
    }

    fn hyperparameters(&self) -> PathBuf {
        self.root.join("input/config/hyperparameters.json")
    }

    fn channel(&self, name: &str) -> PathBuf {
        self.root.join("input/data").join(name)
    }

    fn model_dir(&self) -> PathBuf {
        self.root.join("model")
    }

    fn failure(&self) -> PathBuf {
        self.root.join("output/failure")
    }

    /// Whether this is a SageMaker training container: its job description exists.
    fn is_training_job(&self) -> bool {
        self.hyperparameters().is_file()
    }
}

/// The command line a SageMaker training job stands for, when the binary was started as
/// `blazetext train` with no other argument inside the container layout; `None` otherwise.
pub fn training_command(args: &[OsString], layout: &Layout) -> Option<Vec<OsString>> {
    if args.len() != 2 || args[1] != "train" || !layout.is_training_job() {
        return None;
    }
    Some(job_command(layout))
}

fn job_command(layout: &Layout) -> Vec<OsString> {
    // A job description that cannot be read still becomes a command: the ordinary
    // `--hyperparameters` check then reports it, with the file's name.
    let text = std::fs::read_to_string(layout.hyperparameters()).unwrap_or_default();
    let job: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mode = job.get("mode").and_then(|m| m.as_str());
    let model = layout.model_dir();
    let mut command: Vec<OsString> = vec!["blazetext".into()];
    if mode.is_none() && job.get("num_topics").is_some() {
        // NTM's hyperparameters come as the JSON text itself (topics train reads no file).
        command.extend([
            "topics".into(),
            "train".into(),
            layout.channel("train").into(),
        ]);
        command.extend(["-o".into(), model.join("model.ntm").into()]);
        command.extend(["--hyperparameters".into(), text.into()]);
    } else {
        let prefix = model.join(if mode == Some("supervised") {
            "model"
        } else {
            "vectors"
        });
        command.extend(["train".into(), layout.channel("train").into()]);
        command.extend(["-o".into(), prefix.into()]);
        command.extend(["--hyperparameters".into(), layout.hyperparameters().into()]);
    }
    let validation = layout.channel("validation");
    if validation.exists() {
        command.extend(["--validation".into(), single_file(validation).into()]);
    }
    command
}

/// The one file of a channel directory (validation takes a file), else the directory.
fn single_file(channel: PathBuf) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(&channel)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    match files.as_slice() {
        [one] => one.clone(),
        _ => channel,
    }
}

/// Records why the job failed where SageMaker looks for it (best effort: the error is printed
/// on stderr as well).
pub fn write_failure(layout: &Layout, message: &str) {
    let path = layout.failure();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(&path, format!("{message}\n"));
}

/// Creates the model directory, which SageMaker normally provides.
pub fn prepare(layout: &Layout) -> std::io::Result<()> {
    std::fs::create_dir_all(layout.model_dir())
}

/// `/opt/ml`.
pub fn container_layout() -> Layout {
    Layout::new(Path::new("/opt/ml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(hyperparameters: &str, validation: bool) -> (tempfile::TempDir, Layout) {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(dir.path().join("input/config")).unwrap();
        std::fs::create_dir_all(layout.channel("train")).unwrap();
        if validation {
            std::fs::create_dir_all(layout.channel("validation")).unwrap();
        }
        std::fs::write(layout.hyperparameters(), hyperparameters).unwrap();
        (dir, layout)
    }

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn only_a_bare_train_inside_the_layout_is_a_job() {
        let (_dir, layout) = job(r#"{"mode": "skipgram"}"#, false);
        assert!(training_command(&args(&["blazetext", "train"]), &layout).is_some());
        assert!(training_command(&args(&["blazetext", "train", "x.txt"]), &layout).is_none());
        assert!(training_command(&args(&["blazetext", "serve"]), &layout).is_none());
        let elsewhere = Layout::new("/nonexistent");
        assert!(training_command(&args(&["blazetext", "train"]), &elsewhere).is_none());
    }

    #[test]
    fn blazingtext_and_ntm_jobs_become_commands() {
        let (_dir, layout) = job(r#"{"mode": "supervised", "epochs": "5"}"#, true);
        let command = training_command(&args(&["blazetext", "train"]), &layout).unwrap();
        let text: Vec<String> = command.iter().map(|a| a.to_string_lossy().into()).collect();
        assert_eq!(text[1], "train");
        assert!(text[4].ends_with("model/model"));
        assert!(text.contains(&"--validation".to_string()));
        let (_dir, layout) = job(r#"{"num_topics": "20"}"#, false);
        let command = training_command(&args(&["blazetext", "train"]), &layout).unwrap();
        let text: Vec<String> = command.iter().map(|a| a.to_string_lossy().into()).collect();
        assert_eq!(&text[1..3], ["topics", "train"]);
        assert!(text[5].ends_with("model/model.ntm"));
        assert!(!text.contains(&"--validation".to_string()));
    }

    #[test]
    fn the_failure_reason_is_written_for_sagemaker() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        write_failure(&layout, "error: bad hyperparameter");
        let written = std::fs::read_to_string(dir.path().join("output/failure")).unwrap();
        assert_eq!(written, "error: bad hyperparameter\n");
    }
}
