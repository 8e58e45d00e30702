//! Helpers shared by the integration tests that compare with Python peers.

use std::process::Command;

/// A Python interpreter that has `module` installed: `$BLAZETEXT_PYTHON`, the project's `.venv`
/// (which `.ci/run` creates), or `python3`. `None`, with a printed reason, when none has it.
pub fn python_with(module: &str) -> Option<String> {
    let candidates = [
        std::env::var("BLAZETEXT_PYTHON").ok(),
        Some(concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python").to_string()),
        Some("python3".to_string()),
    ];
    let check =
        format!("import importlib.util as u, sys; sys.exit(u.find_spec('{module}') is None)");
    for python in candidates.into_iter().flatten() {
        // find_spec checks that the module is installed without importing it (slow).
        let found = Command::new(&python)
            .args(["-c", &check])
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(python);
        }
    }
    println!(
        "skipped: no Python with {module} (set BLAZETEXT_PYTHON, or run .ci/run to create .venv)"
    );
    None
}
