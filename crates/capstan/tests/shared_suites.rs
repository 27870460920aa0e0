//! Runs the shared suites (`../shared` beside the repository) against the capstan
//! binary with the conformance ratchet: every case listed in `tests/ratchet/*.txt`
//! must still pass. When `../shared` or python3 is absent the tests say so and skip; in CI (`CI=true`)
//! they fail.
//!
//! To record newly passing cases, run `scripts/update-ratchet`.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn shared_dir() -> Option<PathBuf> {
    testkit::shared_dir_with("conformance/run", "python3")
}

fn ratchet_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ratchet").join(name)
}

/// Runs a suite runner with `--ratchet` and fails the test when a listed case fails.
fn run_with_ratchet(runner: &Path, extra: &[&str], ratchet: &str) {
    let out = Command::new("python3")
        .arg(runner)
        .arg("--tool")
        .arg(env!("CARGO_BIN_EXE_capstan"))
        .args(extra)
        .arg("--ratchet")
        .arg(ratchet_file(ratchet))
        .output()
        .expect("python3 runs the suite runner");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary: Vec<&str> = stdout.lines().rev().take(3).collect();
    eprintln!("{}: {}", ratchet, summary.into_iter().rev().collect::<Vec<_>>().join(" | "));
    let regressions: Vec<&str> =
        stdout.lines().chain(stderr.lines()).filter(|l| l.to_lowercase().contains("ratchet")).collect();
    assert!(
        out.status.success(),
        "cases listed in tests/ratchet/{ratchet} no longer pass:\n{}\n{}",
        regressions.join("\n"),
        stderr
    );
}

#[test]
fn conformance_ratchet_holds() {
    let Some(shared) = shared_dir() else { return };
    run_with_ratchet(&shared.join("conformance/run"), &["-q"], "conformance.txt");
}

#[test]
fn seed_charts_ratchet_holds() {
    let Some(shared) = shared_dir() else { return };
    let root = shared.join("seed-charts");
    run_with_ratchet(&shared.join("corpus/run"), &["--root", root.to_str().unwrap_or_default()], "seed.txt");
}

#[test]
fn corpus_ratchet_holds() {
    let Some(shared) = shared_dir() else { return };
    run_with_ratchet(&shared.join("corpus/run"), &[], "corpus.txt");
}
