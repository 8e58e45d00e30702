//! What every blazetext fuzz target shares: the library's loaders take paths, so each input is
//! written to a file first, in a folder kept for the whole run (in `/dev/shm` when there is one,
//! so that no iteration touches a disk).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The folder this process writes its inputs to.
fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        tempfile::Builder::new()
            .prefix("blazetext-fuzz-")
            .tempdir_in(base)
            .expect("a scratch folder for fuzz inputs")
    })
    .path()
}

/// Writes `data` to the file `name` in the scratch folder and returns its path.
pub fn write_input(name: &str, data: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, data).expect("writing a fuzz input");
    path
}

/// Loads `path` through the public front door. Errors are the expected outcome for most
/// inputs; their messages must name the file.
pub fn load(path: &Path) -> Option<blazetext::Model> {
    match blazetext::Model::load(path) {
        Ok(model) => Some(model),
        Err(e) => {
            check_error(&e);
            None
        }
    }
}

/// [`load`]s `path` and uses what came back, so that a panic anywhere between the bytes and a
/// first query is found, not only in the parser.
pub fn load_and_use(path: &Path) {
    if let Some(model) = load(path) {
        use_model(model);
    }
}

/// The first queries a front end would make; their errors are fine, panics are not.
fn use_model(model: blazetext::Model) {
    match model {
        blazetext::Model::WordVectors(v) => {
            assert!(v.dim() > 0, "loaded word vectors of dimension 0");
            let first = v.words().first().cloned().unwrap_or_default();
            let _ = v.word_vector(&first);
            let _ = v.word_vector("unseenword");
            let _ = v.sentence_vector("hello world unseenword");
            let _ = v.nearest(&first, 3);
            let _ = v.similarity(&first, "unseenword");
        }
        blazetext::Model::Classifier(c) => {
            assert!(!c.labels().is_empty(), "loaded a classifier without labels");
        }
        blazetext::Model::Topics(t) => {
            let _ = t.infer(&["the piano has keys", ""]);
            let _ = t.top_words(5, None);
        }
        _ => {}
    }
}

/// Every loader error names the file it is about (the model or the manifest next to it).
fn check_error(e: &blazetext::Error) {
    let message = e.to_string();
    let folder = scratch().to_string_lossy();
    assert!(
        message.contains(folder.as_ref()),
        "the error does not name the file: {message}"
    );
}
