//! `--seed N` (a capstan extension) makes every random and time-dependent function
//! deterministic, so GitOps diffs stop churning; without it, output is random as
//! with Helm.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

fn render(extra: &[&str]) -> String {
    let chart = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/random");
    template(&["demo".as_ref(), chart.as_os_str()], extra)
}

/// `capstan template ARGS EXTRA`: its stdout, after checking it succeeded.
fn template(args: &[&std::ffi::OsStr], extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .arg("template")
        .args(args)
        .args(extra)
        .output()
        .expect("capstan runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn same_seed_gives_identical_output() {
    let first = render(&["--seed", "42"]);
    assert!(first.contains("-----BEGIN CERTIFICATE-----"), "{first}");
    assert!(first.contains("-----BEGIN RSA PRIVATE KEY-----"), "{first}");
    assert_eq!(first, render(&["--seed", "42"]));
}

#[test]
fn different_seeds_differ_in_every_random_value() {
    let a = render(&["--seed", "1"]);
    let b = render(&["--seed", "2"]);
    let field = |text: &str, key: &str| {
        text.lines().find(|l| l.trim_start().starts_with(key)).map(str::to_string).unwrap_or_default()
    };
    for key in ["name:", "password:", "id:", "ca.crt:", "ca.key:"] {
        assert_ne!(field(&a, key), field(&b, key), "{key} should differ between seeds");
    }
}

#[test]
fn without_a_seed_output_is_random() {
    assert_ne!(render(&[]), render(&[]));
}

/// `--name-template` is rendered with the same seeded source and fixed clock; the
/// chart prints only the release name.
fn render_named(extra: &[&str]) -> String {
    let root = std::env::temp_dir().join(format!("capstan-seed-name-{}", std::process::id()));
    let chart = root.join("c");
    testkit::write(&chart.join("Chart.yaml"), b"apiVersion: v2\nname: c\nversion: 0.1.0\n");
    testkit::write(&chart.join("templates/cm.yaml"), b"name: {{ .Release.Name }}\n");
    let name = "r-{{ randAlphaNum 8 | lower }}-{{ now | date \"150405\" }}";
    template(&[chart.as_os_str(), "--name-template".as_ref(), name.as_ref()], extra)
}

#[test]
fn name_template_follows_the_seed() {
    let first = render_named(&["--seed", "42"]);
    assert!(first.contains("name: r-"), "{first}");
    // The fixed clock of --seed: 2024-01-01T00:00:00Z, printed in local time.
    assert_eq!(first, render_named(&["--seed", "42"]));
    assert_ne!(first, render_named(&["--seed", "43"]));
    assert_ne!(render_named(&[]), render_named(&[]));
}
