//! Deep `{{ if }}` nesting renders as far as Helm renders it. In a file of its own:
//! a debug build needs 1.6 GB for it, which would trip the memory bounds that
//! `guards.rs` checks on its other children.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::{Duration, Instant};

const DEBUG_HINT: &str = "\n\nUse --debug flag to render out invalid YAML\n";

#[test]
fn two_hundred_thousand_nested_ifs_render_like_helm() {
    // Helm 4.3.1 renders 200,000 nested ifs (about 500,000 before Go's 1 GB stack
    // runs out and it crashes); what it printed for this chart is the YAML error of
    // the body `x`. capstan renders them too (measured, release build: 200k 0.5 s /
    // 0.6 GB, 500k 2.5 s / 1.5 GB; a debug build needs 1.6 GB for 200k) and ends
    // 1,200,000 in its depth error (3.7 s, 2.6 GB peak: too heavy to run here).
    let n = 200_000;
    let ifs = format!("{}x{}\n", "{{ if true }}".repeat(n), "{{ end }}".repeat(n));
    let dir = testkit::scratch("deep-nesting", "ifs");
    testkit::write(&dir.join("ifs/Chart.yaml"), "apiVersion: v2\nname: ifs\nversion: 0.1.0\n");
    testkit::write(&dir.join("ifs/templates/a.yaml"), &ifs);
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .current_dir(&dir)
        .args(["template", "ifs"])
        .output()
        .expect("capstan runs");
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!((out.status.code(), out.stdout.is_empty()), (Some(1), true), "stderr: {stderr:.500}");
    assert_eq!(
        stderr,
        format!(
            "Error: YAML parse error on ifs/templates/a.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type util.SimpleHead{DEBUG_HINT}"
        )
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
