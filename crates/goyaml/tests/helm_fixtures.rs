//! Output fixtures recorded with the reference Helm 4.3.1: `tricky.yaml` used as a
//! chart's values.yaml, printed with `toYaml`, `toJson`, `toPrettyJson` and `toToml`
//! (Helm's `toYaml` trims one final newline; `toToml` output is used as is).
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

const INPUT: &str = include_str!("fixtures/tricky.yaml");

fn values() -> govalue::Value {
    let v = goyaml::parse(INPUT).unwrap_or(govalue::Value::Nil);
    assert!(v.as_map().is_some());
    v
}

#[test]
fn to_yaml_matches_helm() {
    let out = goyaml::to_yaml(&values()).unwrap_or_default();
    assert_eq!(out.strip_suffix('\n').unwrap_or(&out), include_str!("fixtures/tricky.toyaml"));
}

#[test]
fn to_json_matches_helm() {
    assert_eq!(goyaml::to_json(&values()).unwrap_or_default(), include_str!("fixtures/tricky.tojson"));
}

#[test]
fn to_pretty_json_matches_helm() {
    assert_eq!(
        goyaml::to_json_indent(&values(), "  ").unwrap_or_default(),
        include_str!("fixtures/tricky.toprettyjson")
    );
}

#[test]
fn to_toml_matches_helm() {
    assert_eq!(goyaml::to_toml(&values()).unwrap_or_default(), include_str!("fixtures/tricky.totoml"));
}
