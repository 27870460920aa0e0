//! Single-template cases checked against the reference Helm: each
//! `tests/helm_checked/NAME.yaml` is the only template of a chart named `c`, and
//! `NAME.expected` holds what Helm 4.3.1 printed for `helm template c CHART`
//! (`exit: N`, then stdout when N is 0, stderr otherwise). An optional
//! `NAME.args` gives extra command-line arguments, one a line (`--set`, ...), and
//! an optional `NAME.chart` replaces the chart's `Chart.yaml`. Record new cases
//! with `scripts/record-helm-checked`.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

#[test]
fn cases_print_what_helm_printed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/helm_checked");
    let work = std::env::temp_dir().join(format!("capstan-helm-checked-{}", std::process::id()));
    let chart = work.join("c");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    let default_chart_yaml = "apiVersion: v2\nname: c\nversion: 0.1.0\n";
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(str::to_string))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no cases in {}", dir.display());
    let mut failures = Vec::new();
    for name in &names {
        let expected = std::fs::read_to_string(dir.join(format!("{name}.expected")))
            .unwrap_or_else(|_| panic!("{name}: no recording (run scripts/record-helm-checked)"));
        std::fs::copy(dir.join(format!("{name}.yaml")), chart.join("templates/t.yaml")).unwrap();
        let chart_yaml = std::fs::read_to_string(dir.join(format!("{name}.chart")));
        std::fs::write(chart.join("Chart.yaml"), chart_yaml.as_deref().unwrap_or(default_chart_yaml)).unwrap();
        let args = std::fs::read_to_string(dir.join(format!("{name}.args"))).unwrap_or_default();
        let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
            .args(["template", "c"])
            .arg(&chart)
            .args(args.lines())
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        let shown = if code == 0 { &out.stdout } else { &out.stderr };
        let got = format!("exit: {code}\n{}", String::from_utf8_lossy(shown));
        if code != 0 && !out.stdout.is_empty() {
            failures.push(format!("{name}: failed but printed on stdout"));
        }
        if got != expected {
            failures.push(format!("{name}:\n--- helm\n{expected}--- capstan\n{got}"));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Helm:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
