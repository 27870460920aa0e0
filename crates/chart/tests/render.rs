//! Renders the fixture charts in `tests/fixtures` and compares with what Helm 4.3.1
//! printed for the same command (recorded in `tests/expected`).
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chart::{template, TemplateOptions};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn expected(name: &str) -> String {
    let path = format!("{}/tests/expected/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("expected output is checked in")
}

fn opts(args: &[&str]) -> TemplateOptions {
    TemplateOptions {
        args: args.iter().map(|s| s.to_string()).collect(),
        namespace: Some("ns".into()),
        ..TemplateOptions::default()
    }
}

#[test]
fn subcharts_files_hooks_and_notes_match_helm() {
    let out = template(&opts(&["demo", &fixture("parent")]), &mut Vec::new()).unwrap();
    assert_eq!(out, expected("parent-default.out"));
}

#[test]
fn set_crds_and_skip_tests_match_helm() {
    let mut o = opts(&["demo", &fixture("parent")]);
    o.set = vec!["child.enabled=false,greeting=hi".into()];
    o.include_crds = true;
    o.skip_tests = true;
    assert_eq!(template(&o, &mut Vec::new()).unwrap(), expected("parent-flags.out"));
}

#[test]
fn show_only_matches_helm() {
    let mut o = opts(&["demo", &fixture("parent")]);
    o.namespace = None;
    o.show_only = vec!["templates/cm.yaml".into()];
    assert_eq!(template(&o, &mut Vec::new()).unwrap(), expected("parent-show-only.out"));
}

#[test]
fn template_errors_carry_helms_text() {
    let mut o = opts(&["demo", &fixture("parent")]);
    o.set = vec!["a=1,a.b=2".into()];
    let e = template(&o, &mut Vec::new()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
    );
    let o = opts(&["demo", &fixture("parent/templates/cm.yaml")]);
    assert!(template(&o, &mut Vec::new()).unwrap_err().to_string().contains("seems to be a YAML file"));
}

#[test]
fn deprecated_charts_log_a_warning() {
    let dir = std::env::temp_dir().join(format!("capstan-deprecated-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: old\nversion: 1.0.0\ndeprecated: true\n").unwrap();
    let mut log = Vec::new();
    let out = template(&opts(&["demo", &dir.to_string_lossy()]), &mut log).unwrap();
    assert_eq!(out, "\n");
    assert_eq!(log, ["level=WARN msg=\"this chart is deprecated\""]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn value_record_sees_every_layer() {
    let chart = chart::load::load(&fixture("parent")).unwrap();
    let mut o = opts(&["demo", &fixture("parent")]);
    o.set = vec!["greeting=hi".into()];
    let rec = chart::provenance::record(&chart, &fixture("parent"), &o, &[]).unwrap();
    let layers = &rec.entries["greeting"];
    assert_eq!(layers[0].line, 1);
    assert_eq!(rec.winner("greeting").map(|l| l.source.as_str()), Some("--set greeting=hi"));
    assert_eq!(rec.winner("child.size").map(|l| l.value.to_go_string()), Some("2".into()));
}
