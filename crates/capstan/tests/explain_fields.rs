//! `capstan explain fields` on the seed charts: the worked examples of the README
//! (as insta snapshots of the text, JSON and annotated-YAML views) and the answers
//! the seed users asked for. The seed charts live in `../shared/seed-charts`; the
//! claims themselves are checked against the real Helm by `scripts/explain-oracle`.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn seeds() -> Option<PathBuf> {
    testkit::shared_dir("seed-charts/istio-profile").map(|d| d.join("seed-charts"))
}

fn capstan(dir: &PathBuf, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capstan")).current_dir(dir).args(args).output().expect("capstan runs")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

const ISTIO: &[&str] = &["istio-cni", "istio-profile", "-f", "istio-profile/examples/user-values-wrong.yaml"];
const XGEN: &[&str] = &["test", "xgen", "-f", "xgen/values/xgen-workflow.yaml", "--set", "env=dev"];

fn explain(dir: &PathBuf, chart: &[&str], rest: &[&str]) -> Output {
    let mut args = vec!["explain", "fields"];
    args.extend_from_slice(chart);
    args.extend_from_slice(rest);
    capstan(dir, &args)
}

#[test]
fn istio_hostpath_names_the_profile_the_merge_and_the_overridden_user_value() {
    let Some(dir) = seeds() else { return };
    let out = explain(
        &dir,
        ISTIO,
        &["DaemonSet/istio-cni-node", "spec.template.spec.volumes[0].hostPath.path", "-o", "json"],
    );
    let json = stdout(&out);
    let cond_start = json.find("\"keyword\":\"if\"").expect("an if condition");
    let cond = &json[cond_start..];
    assert!(cond.contains("\"text\":\".Values.cniBinDir\""), "{cond}");
    assert!(cond.contains("\"value\":false"), "{cond}");
    assert!(cond.contains("\"file\":\"istio-profile/files/profile-platform-gke.yaml\",\"line\":2"), "{cond}");
    assert!(
        cond.contains("{\"op\":\"mustMergeOverwrite\",\"file\":\"istio-profile/templates/zzy_descope_legacy.yaml\""),
        "{cond}"
    );
    assert!(cond.contains("\"value\":\"mypath\",\"origin\":{\"kind\":\"values-file\",\"file\":\"istio-profile/examples/user-values-wrong.yaml\",\"line\":4"), "{cond}");
    insta::assert_snapshot!("istio_hostpath_json", json);
    let text =
        stdout(&explain(&dir, ISTIO, &["DaemonSet/istio-cni-node", "spec.template.spec.volumes[0].hostPath.path"]));
    insta::assert_snapshot!("istio_hostpath_text", text);
}

#[test]
fn istio_unused_value_is_reported_with_its_line() {
    let Some(dir) = seeds() else { return };
    let out = explain(&dir, ISTIO, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cniBinDir is set by istio-profile/examples/user-values-wrong.yaml:4:12"), "{stderr}");
    // `template` stays Helm's unless asked.
    let mut args = vec!["template"];
    args.extend_from_slice(ISTIO);
    let plain = capstan(&dir, &args);
    assert!(plain.stderr.is_empty(), "{}", String::from_utf8_lossy(&plain.stderr));
    args.push("--warn-unused");
    let warned = capstan(&dir, &args);
    assert_eq!(plain.stdout, warned.stdout);
    assert!(String::from_utf8_lossy(&warned.stderr).contains("user-values-wrong.yaml:4:12"));
}

#[test]
fn xgen_config_key_is_traced_through_merge_include_from_yaml_and_quote() {
    let Some(dir) = seeds() else { return };
    let text = stdout(&explain(&dir, XGEN, &["ConfigMap/xgen-workflow-config", "data.LOG_LEVEL"]));
    assert!(text.contains("value from  xgen/values/xgen-workflow.yaml:13:18"), "{text}");
    assert!(text.contains("overrode    xgen/values.yaml:29:16"), "{text}");
    insta::assert_snapshot!("xgen_log_level_text", text);
    let yaml = stdout(&explain(&dir, XGEN, &["ConfigMap/xgen-workflow-config", "-o", "yaml"]));
    insta::assert_snapshot!("xgen_configmap_yaml", yaml);
    let mermaid = stdout(&explain(&dir, XGEN, &["ConfigMap/xgen-workflow-config", "data.LOG_LEVEL", "-o", "mermaid"]));
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
}

#[test]
fn every_leaf_of_every_document_has_an_entry() {
    let Some(dir) = seeds() else { return };
    let json = stdout(&explain(&dir, &["root-app", "argocd", "-f", "argocd/projects/xgen.yaml"], &["-o", "json"]));
    let template = stdout(&capstan(&dir, &["template", "root-app", "argocd", "-f", "argocd/projects/xgen.yaml"]));
    let entries = json.matches("\"document\":").count();
    // Every `key: scalar` and `- scalar` line of the output is one leaf.
    let leaves = template
        .lines()
        .filter(|l| !l.starts_with('#') && *l != "---")
        .filter(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.split_once(": ").is_some_and(|(_, v)| !v.trim().is_empty())
                || (l.trim_start().starts_with("- ") && !t.contains(':'))
        })
        .count();
    assert_eq!(entries, leaves);
}

#[test]
fn bad_selections_name_what_exists() {
    let Some(dir) = seeds() else { return };
    let out = explain(&dir, ISTIO, &["Deployment/nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no document Deployment/nope") && err.contains("DaemonSet/default/istio-cni-node"), "{err}");
    let out = explain(&dir, ISTIO, &["DaemonSet/istio-cni-node", "spec.nope"]);
    assert_eq!(out.status.code(), Some(1));
    let out = explain(&dir, ISTIO, &["-o", "mermaid"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn explain_values_draws_a_layer_stack() {
    let Some(dir) = seeds() else { return };
    let out = capstan(
        &dir,
        &[
            "explain",
            "values",
            "xgen",
            "-f",
            "xgen/values/xgen-workflow.yaml",
            "global.config.LOG_LEVEL",
            "-o",
            "mermaid",
        ],
    );
    let text = stdout(&out);
    assert!(text.starts_with("flowchart LR\n"), "{text}");
    assert!(text.contains("xgen/values.yaml:29:16 (chart-values)"), "{text}");
}

#[test]
fn a_chart_that_fails_gives_templates_error() {
    let Some(dir) = seeds() else { return };
    let chart = [
        "imprun",
        "imprun",
        "-f",
        "imprun/values-production.yaml",
        "--set",
        "redis.auth.password=x",
        "--set",
        "certificates.issuer=*letsencrypt",
    ];
    let mut args = vec!["template"];
    args.extend_from_slice(&chart);
    let template = capstan(&dir, &args);
    let explain = explain(&dir, &chart, &[]);
    assert_eq!(template.status.code(), Some(1));
    assert_eq!(explain.status.code(), Some(1));
    assert!(explain.stdout.is_empty());
    assert_eq!(String::from_utf8_lossy(&explain.stderr), String::from_utf8_lossy(&template.stderr));
}
