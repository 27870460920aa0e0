//! Test support for the workspace's test suites.
//!
//! The shared suites (`../shared`, beside the repository) are never copied into the
//! project; tests read them in place. Outside CI a missing `../shared` skips those
//! tests with a message; in CI (`CI=true`) it fails them loudly, so a green CI always
//! means the shared suites ran.

use std::path::PathBuf;

/// The shared suites' folder, `../shared` beside the repository.
pub fn shared_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Whether this run is CI's (`CI` set to `true` or `1`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The shared suites' folder when `marker` (a path inside it) exists. When it does
/// not: in CI, panics (the test fails); elsewhere prints `SKIPPED: ...` and gives
/// `None`.
pub fn shared_dir(marker: &str) -> Option<PathBuf> {
    let dir = shared_path();
    if dir.join(marker).exists() {
        return Some(dir);
    }
    let msg = format!("no shared suites at {} (expected {marker} there, beside the repository)", dir.display());
    if in_ci() {
        #[allow(clippy::panic)] // In CI a missing ../shared must fail the test run.
        {
            panic!("CI=true but {msg}");
        }
    }
    eprintln!("SKIPPED: {msg}");
    None
}

/// Like [`shared_dir`], but also needs `program` (e.g. `python3`) on the PATH, with
/// the same rule: a failure in CI, a message and a skip elsewhere.
pub fn shared_dir_with(marker: &str, program: &str) -> Option<PathBuf> {
    let dir = shared_dir(marker)?;
    if std::process::Command::new(program).arg("--version").output().is_ok() {
        return Some(dir);
    }
    let msg = format!("{program} is needed to run the shared suites");
    if in_ci() {
        #[allow(clippy::panic)] // In CI a missing runner must fail the test run.
        {
            panic!("CI=true but {msg}");
        }
    }
    eprintln!("SKIPPED: {msg}");
    None
}
