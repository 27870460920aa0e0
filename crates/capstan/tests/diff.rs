//! `capstan diff`: snapshot tests of its three views driven by the input files in
//! `tests/diff_cases/` (each case a `left.yaml`, a `right.yaml` and optional
//! `args`), renders of the repository's example chart, the seed comparisons of the
//! README (from `../shared/seed-charts`), two versions of a corpus chart, and its
//! errors.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn capstan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capstan"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("capstan runs")
}

/// Runs a comparison that must succeed: its stdout and exit status (0 or 1).
fn diff(dir: &Path, args: &[&str]) -> (String, i32) {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    let out = capstan(dir, &all);
    let code = out.status.code().unwrap();
    assert!(code == 0 || code == 1, "exit {code}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(code == 0, stdout.is_empty() || stdout == "[]\n", "exit status and output disagree:\n{stdout}");
    (stdout, code)
}

/// A failed comparison: exit 2, nothing on stdout; its stderr.
fn failed(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    let out = capstan(dir, &all);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cases() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/diff_cases")
}

#[test]
fn manifest_cases_in_every_view() {
    let dir = cases();
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let extra = std::fs::read_to_string(dir.join(&name).join("args")).unwrap_or_default();
        let extra = shlex::split(&extra).unwrap();
        let (left, right) = (format!("{name}/left.yaml"), format!("{name}/right.yaml"));
        for view in ["text", "json", "diff"] {
            let mut args: Vec<&str> = vec![&left, &right, "-o", view];
            args.extend(extra.iter().map(String::as_str));
            let (out, code) = diff(&dir, &args);
            assert_eq!(code == 0, name == "identical", "{name}: exit {code}");
            insta::assert_snapshot!(format!("{name}_{view}"), out);
        }
    }
}

#[test]
fn the_json_view_has_one_entry_per_change_at_the_highest_path() {
    let (json, _) = diff(&cases(), &["named_lists/left.yaml", "named_lists/right.yaml", "-o", "json"]);
    let paths: Vec<&str> =
        json.lines().map(|l| l.split("\"path\":\"").nth(1).unwrap().split('"').next().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "spec.template.spec.containers[name=app].args[1]",
            "spec.template.spec.containers[name=app].args[2]",
            "spec.template.spec.containers[name=app].env[name=A].value",
            "spec.template.spec.containers[name=app].env[name=C]",
            "spec.template.spec.containers[name=app].image",
            "spec.template.spec.containers[name=app].ports[name=http].containerPort",
            "spec.template.spec.containers[name=logger]",
            "spec.template.spec.hostAliases[1].ip",
            "spec.template.spec.tolerations[0].key",
            "spec.template.spec.volumes[name=cache]",
        ]
    );
    assert!(
        json.contains("\"change\":\"added\",\"left\":null,\"right\":{\"image\":\"logger:2\",\"name\":\"logger\"}"),
        "{json}"
    );
    let (docs, _) = diff(&cases(), &["documents/left.yaml", "documents/right.yaml", "-o", "json"]);
    assert!(docs.starts_with("[{\"document\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"namespace\":null,\"name\":\"app-config\"},\"path\":\"\",\"change\":\"removed\""), "{docs}");
}

#[test]
fn standard_input_is_a_side() {
    let dir = cases();
    let mut child = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .current_dir(&dir)
        .args(["diff", "multiline/left.yaml", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&std::fs::read(dir.join("multiline/right.yaml")).unwrap()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (file, _) = diff(&dir, &["multiline/left.yaml", "multiline/right.yaml"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), file);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = cases();
    let (plain, _) = diff(&dir, &["types/left.yaml", "types/right.yaml"]);
    assert!(!plain.contains('\x1b'));
    let (coloured, _) = diff(&dir, &["types/left.yaml", "types/right.yaml", "--color", "always"]);
    assert!(coloured.contains("\x1b[33m~\x1b[0m"), "{coloured}");
    let strip = coloured.replace("\x1b[0m", "").replace("\x1b[1m", "").replace("\x1b[31m", "").replace("\x1b[32m", "");
    let strip = strip.replace("\x1b[33m", "").replace("\x1b[36m", "");
    assert_eq!(strip, plain);
}

const HELLO: &str = "demo examples/hello";
const HELLO_PROD: &str = "demo examples/hello -f examples/hello/values-prod.yaml";

#[test]
fn renders_of_the_example_chart_carry_origins() {
    let (text, code) = diff(&repo(), &[HELLO, HELLO_PROD]);
    assert_eq!(code, 1);
    assert!(
        text.contains("examples/hello/values.yaml:2:11 replicas -> examples/hello/values-prod.yaml:2:11 replicas"),
        "{text}"
    );
    insta::assert_snapshot!("hello_text", text);
    let (json, _) = diff(&repo(), &[HELLO, HELLO_PROD, "-o", "json"]);
    insta::assert_snapshot!("hello_json", json);
    // The short form gives the same comparison.
    let (short, _) = diff(&repo(), &["demo", "examples/hello", "--right-values", "examples/hello/values-prod.yaml"]);
    assert_eq!(short, text);
    // Without origins: the same changes.
    let (bare, _) = diff(&repo(), &[HELLO, HELLO_PROD, "--no-origins", "-o", "json"]);
    assert_eq!(bare.lines().count(), json.lines().count());
    assert!(bare.contains("\"left_origins\":[],\"right_origins\":[]"));
    // A render against its own output: no differences.
    let rendered = capstan(&repo(), &["template", "demo", "examples/hello"]);
    let file = testkit::scratch("diff", "hello").join("hello.yaml");
    std::fs::write(&file, &rendered.stdout).unwrap();
    let (same, code) = diff(&repo(), &[file.to_str().unwrap(), HELLO]);
    assert_eq!((same.as_str(), code), ("", 0));
}

#[test]
fn a_side_that_fails_gives_its_error_with_the_side() {
    let dir = repo();
    let template = capstan(&dir, &["template", "demo", "examples/hello", "-f", "missing.yaml"]);
    assert_eq!(template.status.code(), Some(1));
    let helm = String::from_utf8(template.stderr).unwrap();
    let err = failed(&dir, &[HELLO, "demo examples/hello -f missing.yaml"]);
    assert_eq!(err, helm.replacen("Error: ", "Error: right side: ", 1));
    let err = failed(&dir, &["demo examples/hello --bogus", HELLO]);
    assert_eq!(err, "Error: left side: unknown flag: --bogus\n");
    let err = failed(&dir, &[HELLO, "demo examples/hello 'unbalanced"]);
    assert!(err.starts_with("Error: right side: cannot split"), "{err}");
    let err = failed(&dir, &[HELLO]);
    assert!(err.starts_with("Error: capstan diff takes two sides"), "{err}");
    let err = failed(&dir, &[HELLO, HELLO, "-o", "yaml"]);
    assert!(err.contains("use text, json or diff"), "{err}");
    let err = failed(&dir, &[HELLO, HELLO, "--ignore", "a["]);
    assert!(err.contains("invalid --ignore"), "{err}");
}

#[test]
fn a_manifests_file_that_is_not_yaml_names_file_line_and_column() {
    let dir = testkit::scratch("diff", "bad-yaml");
    std::fs::write(dir.join("bad.yaml"), "a: 1\n---\nb: [1, 2\nc: 3\n").unwrap();
    std::fs::write(dir.join("good.yaml"), "a: 1\n").unwrap();
    let err = failed(&dir, &["good.yaml", "bad.yaml"]);
    assert!(err.starts_with("Error: right side: bad.yaml:4:"), "{err}");
    assert!(err.contains("yaml: line"), "{err}");
    let err = failed(&dir, &["missing.yaml", "good.yaml"]);
    assert_eq!(err, "Error: left side: open missing.yaml: no such file or directory\n");
}

fn seeds() -> Option<PathBuf> {
    testkit::shared_dir("seed-charts/istio-profile").map(|d| d.join("seed-charts"))
}

const XGEN_DEV: &str = "test xgen -f xgen/values/xgen-workflow.yaml --set env=dev";
const XGEN_PRD: &str = "test xgen -f xgen/values/xgen-workflow.yaml --set env=prd";

#[test]
fn xgen_dev_against_prd_points_at_the_values_file_lines() {
    let Some(dir) = seeds() else { return };
    let (text, code) = diff(&dir, &[XGEN_DEV, XGEN_PRD]);
    assert_eq!(code, 1);
    assert!(
        text.contains(
            "data.LOG_LEVEL: \"DEBUG\" -> \"WARNING\"   xgen/values/xgen-workflow.yaml:13:18 environments.dev.config.LOG_LEVEL -> :17:18 environments.prd.config.LOG_LEVEL"
        ),
        "{text}"
    );
    insta::assert_snapshot!("xgen_dev_prd_text", text);
    let (json, _) = diff(&dir, &[XGEN_DEV, XGEN_PRD, "-o", "json"]);
    // Exactly the five fields a line diff of the two renders shows.
    assert_eq!(json.lines().count(), 5, "{json}");
    assert_eq!(json.matches("\"path\":\"metadata.labels.env\"").count(), 3);
    insta::assert_snapshot!("xgen_dev_prd_json", json);
    let (unified, _) = diff(&dir, &[XGEN_DEV, XGEN_PRD, "-o", "diff"]);
    insta::assert_snapshot!("xgen_dev_prd_diff", unified);
    let (short, _) = diff(
        &dir,
        &["test", "xgen", "-f", "xgen/values/xgen-workflow.yaml", "--left-set", "env=dev", "--right-set", "env=prd"],
    );
    assert_eq!(short, text);
}

const IMPRUN_STAGING: &str =
    "imprun imprun -n imprun -f imprun/values-staging.yaml --set secrets.jwt.secret=staging-jwt-secret";
const IMPRUN_PRODUCTION: &str = "imprun imprun -n imprun -f imprun/values.yaml -f imprun/values-production.yaml \
    --set mongodb.auth.rootPassword=M0ngo-Prod-Pass --set redis.auth.password=R3dis-Prod-Pass \
    --set secrets.jwt.secret=q3Jk9vX2bP7mN4sT8wZ1yC6eH0uL5aRfGdKjQoVi+/E= \
    --set secrets.mongodb.rootPassword=M0ngo-Prod-Pass --set secrets.github.clientSecret=gh-client-secret-prod";

#[test]
fn imprun_staging_against_production() {
    let Some(dir) = seeds() else { return };
    let (text, _) = diff(&dir, &[IMPRUN_STAGING, IMPRUN_PRODUCTION]);
    assert!(text.contains("~ spec.replicas: 1 -> 3   imprun/values-staging.yaml:22:13 mongodb.replicas -> imprun/values-production.yaml:28:13 mongodb.replicas"), "{text}");
    assert!(text.contains("+ HorizontalPodAutoscaler/imprun-imprun-server  (autoscaling/v2)  added"), "{text}");
    insta::assert_snapshot!("imprun_staging_production_text", text);
    let (json, _) = diff(&dir, &[IMPRUN_STAGING, IMPRUN_PRODUCTION, "-o", "json"]);
    insta::assert_snapshot!("imprun_staging_production_json", json);
}

#[test]
fn istio_with_and_without_the_gke_platform() {
    let Some(dir) = seeds() else { return };
    let (text, _) =
        diff(&dir, &["istio-cni", "istio-profile", "-n", "istio-system", "--right-set", "global.platform=gke"]);
    assert!(text.contains("istio-profile/files/profile-platform-gke.yaml:2:14"), "{text}");
    insta::assert_snapshot!("istio_gke_text", text);
    let (json, _) = diff(
        &dir,
        &["istio-cni", "istio-profile", "-n", "istio-system", "--right-set", "global.platform=gke", "-o", "json"],
    );
    insta::assert_snapshot!("istio_gke_json", json);
}

#[test]
fn two_versions_of_a_corpus_chart() {
    let Some(shared) = testkit::shared_dir("corpus/charts/metrics-server") else { return };
    let dir = testkit::scratch("diff", "corpus-versions");
    let src = shared.join("corpus/charts/metrics-server");
    for v in ["v1", "v2"] {
        copy_dir(&src, &dir.join(v));
    }
    // The new version: another appVersion, two replicas by default, a new label.
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.join("v2").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} holds {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit("Chart.yaml", "appVersion: 0.8.1", "appVersion: 0.8.2");
    edit("values.yaml", "replicas: 1", "replicas: 2");
    edit("templates/service.yaml", "  labels:\n", "  labels:\n    tier: metrics\n");
    let (text, _) = diff(&dir, &["ms v1", "ms v2"]);
    assert!(text.contains("~ spec.replicas: 1 -> 2   v1/values.yaml:"), "{text}");
    assert!(text.contains("+ metadata.labels.tier: \"metrics\"   v2/templates/service.yaml:"), "{text}");
    insta::assert_snapshot!("metrics_server_versions_text", text);
    let (json, _) = diff(&dir, &["ms v1", "ms v2", "-o", "json"]);
    insta::assert_snapshot!("metrics_server_versions_json", json);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// `text` with every line indented by four spaces, as a README code block.
fn indented(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn the_readme_examples_are_what_capstan_prints() {
    let Some(dir) = seeds() else { return };
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let (xgen, _) = diff(&dir, &[XGEN_DEV, XGEN_PRD]);
    assert!(readme.contains(&indented(&xgen)), "README's xgen example is not:\n{xgen}");
    let (istio, _) =
        diff(&dir, &["istio-cni", "istio-profile", "-n", "istio-system", "--right-set", "global.platform=gke"]);
    assert!(readme.contains(&indented(&istio)), "README's istio example is not:\n{istio}");
    let noise = ["--ignore-kind", "Secret,Certificate", "--ignore", "spec.template.spec.containers[*].env"];
    let mut args = vec![IMPRUN_STAGING, IMPRUN_PRODUCTION];
    args.extend(noise);
    let (imprun, _) = diff(&dir, &args);
    assert!(!imprun.contains("Secret/") && !imprun.contains(".env"), "{imprun}");
    assert!(readme.contains(&indented(&imprun)), "README's imprun example is not:\n{imprun}");
    let (json, _) = diff(&dir, &[XGEN_DEV, XGEN_PRD, "-o", "json"]);
    let line = json.lines().find(|l| l.contains("\"path\":\"data.LOG_LEVEL\"")).unwrap();
    assert!(readme.contains(&indented(line.trim_end_matches(','))), "README's JSON entry is not:\n{line}");
}

#[test]
fn seed_keeps_random_values_from_showing_as_changes() {
    let chart = "r crates/capstan/tests/fixtures/random";
    let (unseeded, code) = diff(&repo(), &[chart, chart, "--no-origins"]);
    assert_eq!(code, 1, "two unseeded renders draw different names:\n{unseeded}");
    let (seeded, code) = diff(&repo(), &[chart, chart, "--seed", "5", "--no-origins"]);
    assert_eq!((seeded.as_str(), code), ("", 0));
    let (short, code) = diff(
        &repo(),
        &["r", "crates/capstan/tests/fixtures/random", "--seed", "5", "--right-set", "x=1", "--no-origins"],
    );
    assert_eq!((short.as_str(), code), ("", 0));
}
