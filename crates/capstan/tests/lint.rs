//! `capstan lint`: each rule on its positive and negative fixture chart
//! (`tests/lint_cases/csNNN_pos` and `csNNN_neg`, with the flags in their `args`
//! file), the text, JSON and SARIF outputs as insta snapshots, rule selection and
//! exit statuses, and the smells of `../shared/seed-charts/FINDINGS.md` on the seed
//! charts, each at its values line.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cases() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/lint_cases")
}

fn capstan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capstan")).current_dir(dir).args(args).output().expect("capstan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// `capstan lint CASE ARGS... EXTRA...` in the fixtures folder.
fn lint_case(case: &str, extra: &[&str]) -> Output {
    let args_file = cases().join(case).join("args");
    let args = std::fs::read_to_string(args_file).unwrap_or_default();
    let mut all = vec!["lint", case];
    all.extend(args.lines().filter(|l| !l.is_empty()));
    all.extend_from_slice(extra);
    capstan(&cases(), &all)
}

/// The codes of a JSON report.
fn codes(json: &str) -> Vec<String> {
    json.split("\"code\":\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).filter(|c| !c.is_empty()).collect()
}

#[test]
fn every_rule_fires_on_its_positive_fixture_and_not_on_its_negative_one() {
    let mut report = String::new();
    for rule in chart::lint::RULES {
        let code = rule.code;
        let low = code.to_ascii_lowercase();
        for (kind, expect) in [("pos", true), ("neg", false)] {
            let case = format!("{low}_{kind}");
            assert!(cases().join(&case).is_dir(), "no fixture {case}");
            let out = lint_case(&case, &["-o", "json"]);
            let found = codes(&text(&out.stdout));
            assert_eq!(found.iter().any(|c| c == code), expect, "{case}: {found:?}");
            if !expect {
                assert!(found.is_empty(), "negative fixture {case} reports {found:?}");
            }
            let plain = lint_case(&case, &[]);
            report.push_str(&text(&plain.stdout));
            report.push_str(&text(&plain.stderr));
        }
    }
    insta::assert_snapshot!("fixtures_text", report);
}

#[test]
fn json_and_sarif_shapes() {
    let json = text(&lint_case("cs101_pos", &["-o", "json"]).stdout);
    assert!(json.contains("\"code\":\"CS101\",\"level\":\"warning\""), "{json}");
    assert!(json.contains(
        "\"document\":{\"kind\":\"ConfigMap\",\"name\":\"cfg\",\"namespace\":null},\"path\":\"data.DB_PASSWORD\""
    ));
    insta::assert_snapshot!("cs101_json", json);
    let sarif = text(&lint_case("cs106_pos", &["-o", "sarif"]).stdout);
    assert!(sarif.contains("\"version\":\"2.1.0\""));
    assert!(
        sarif.contains("\"uri\":\"cs106_pos/values.yaml\"},\"region\":{\"startLine\":3,\"startColumn\":8}"),
        "{sarif}"
    );
    insta::assert_snapshot!("cs106_sarif", sarif);
}

#[test]
fn exit_status_strict_quiet_and_selection() {
    // An error fails the chart: the report on stdout, Helm's summary as the error.
    let out = lint_case("cs104_pos", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("[ERROR] --set jwt=plain-text-jwt-secret: CS104"));
    assert_eq!(text(&out.stderr), "Error: 1 chart(s) linted, 1 chart(s) failed\n");
    // Warnings pass, unless --strict.
    assert_eq!(lint_case("cs106_pos", &[]).status.code(), Some(0));
    assert_eq!(lint_case("cs106_pos", &["--strict"]).status.code(), Some(1));
    assert_eq!(lint_case("cs106_pos", &["--strict", "--ignore", "CS106"]).status.code(), Some(0));
    // --select by prefix, --ignore by code.
    let sel = text(&lint_case("cs101_pos", &["--select", "CS10", "--ignore", "CS101", "-o", "json"]).stdout);
    assert!(codes(&sel).is_empty(), "{sel}");
    let sel = text(&lint_case("cs112_pos", &["--select=CS112", "-o", "json"]).stdout);
    assert_eq!(codes(&sel).len(), 3, "{sel}");
    // --quiet leaves out charts with nothing above INFO (and then the summary too).
    let quiet = lint_case("cs101_neg", &["--quiet"]);
    assert_eq!(text(&quiet.stdout), "");
    let quiet = capstan(&cases(), &["lint", "cs101_neg", "cs106_pos", "--quiet"]);
    assert!(text(&quiet.stdout).starts_with("==> Linting cs106_pos\n[WARNING]"));
    assert!(text(&quiet.stdout).ends_with("\n\n2 chart(s) linted, 0 chart(s) failed\n"));
    // Several charts: a missing one is a failure in Helm's words; the others are linted.
    let out = capstan(&cases(), &["lint", "cs101_neg", "no-such-chart", "cs106_pos"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(
        "==> Linting no-such-chart\nError unable to check Chart.yaml file in chart: stat no-such-chart/Chart.yaml: no such file or directory\n"
    ));
    assert!(stdout.contains("==> Linting cs106_pos\n"), "{stdout}");
    assert_eq!(text(&out.stderr), "Error: 3 chart(s) linted, 1 chart(s) failed\n");
    // Bad flags are errors, not reports.
    let out = lint_case("cs101_neg", &["-o", "xml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn render_failure_is_a_lint_error_not_a_crash() {
    let dir = testkit::scratch("lint", "render-failure");
    testkit::write(&dir.join("bad/Chart.yaml"), "apiVersion: v2\nname: bad\nversion: 0.1.0\n");
    testkit::write(&dir.join("bad/values.yaml"), "a: 1\n");
    testkit::write(&dir.join("bad/templates/cm.yaml"), "{{ .Values.a.b.c }}\n");
    let out = capstan(&dir, &["lint", "bad"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "==> Linting bad\n[INFO] Chart.yaml: icon is recommended\n[ERROR] templates/: bad/templates/cm.yaml:1:10\n  executing \"bad/templates/cm.yaml\" at <.Values.a.b.c>:\n    can't evaluate field b in type interface {}\n\n"
    );
}

fn seeds() -> Option<PathBuf> {
    testkit::shared_dir("seed-charts/istio-profile").map(|d| d.join("seed-charts"))
}

fn seed_lint(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    let out = capstan(dir, &all);
    text(&out.stdout) + &text(&out.stderr)
}

#[test]
fn seed_findings_are_reported_at_their_values_lines() {
    let Some(dir) = seeds() else { return };
    // FINDINGS 1 and 2: passwords in every ConfigMap, committed in values.yaml.
    let xgen = seed_lint(&dir, &["xgen", "-f", "xgen/values/xgen-workflow.yaml", "--set", "env=dev"]);
    assert!(xgen.contains("[WARNING] xgen/values.yaml:31:21: CS101 credential REDIS_PASSWORD"), "{xgen}");
    assert!(xgen.contains("[WARNING] xgen/values.yaml:31:21: CS102 credential global.config.REDIS_PASSWORD"));
    assert!(xgen.contains("xgen/values.yaml:33:28: CS101 credential MINIO_DATA_SECRET_KEY"));
    insta::assert_snapshot!("seed_xgen", xgen);
    // FINDINGS 2, 3, 5: imprun's committed local password, empty Secrets, the random JWT.
    let imprun = seed_lint(&dir, &["imprun"]);
    assert!(imprun.contains("[WARNING] imprun/values-local.yaml:20:19: CS102 credential mongodb.auth.rootPassword"));
    assert!(imprun.contains("[WARNING] imprun/values.yaml:54:19: CS103 Secret key MONGODB_ROOT_PASSWORD renders empty"));
    assert!(imprun.contains("[WARNING] imprun/templates/_helpers.tpl:10:5: CS105 randAlphaNum"), "{imprun}");
    insta::assert_snapshot!("seed_imprun", imprun);
    // FINDINGS 4: the helper's plain text under data:.
    let plain = seed_lint(&dir, &["imprun", "--set", "secrets.jwt.secret=plain-text-jwt-secret", "--select", "CS104"]);
    assert!(plain.contains(
        "[ERROR] --set secrets.jwt.secret=plain-text-jwt-secret: CS104 Secret data JWT_SECRET is not base64"
    ));
    assert!(plain.ends_with("Error: 1 chart(s) linted, 1 chart(s) failed\n"), "{plain}");
    // FINDINGS 11 (and seed 004 #43): the root-level value the GKE profile overrides.
    let istio = seed_lint(&dir, &["istio-profile", "-f", "istio-profile/examples/user-values-wrong.yaml"]);
    assert!(istio.contains("[WARNING] istio-profile/examples/user-values-wrong.yaml:4:12: CS108 your value cniBinDir=\"mypath\" is overridden at template time by \"\" from istio-profile/files/profile-platform-gke.yaml:2:14"), "{istio}");
    insta::assert_snapshot!("seed_istio_wrong", istio);
    // FINDINGS 3 (seed 000 #3): an environment's empty override lost to merge.
    let empty = seed_lint(
        &dir,
        &[
            "xgen",
            "-f",
            "xgen/values/xgen-workflow.yaml",
            "--set",
            "env=dev",
            "--set",
            "environments.dev.config.LOG_LEVEL=",
            "--select",
            "CS109",
        ],
    );
    assert!(empty.contains("[WARNING] --set environments.dev.config.LOG_LEVEL=: CS109"), "{empty}");
}

#[test]
fn seed_charts_without_the_smells_report_none() {
    let Some(dir) = seeds() else { return };
    for args in
        [&["argocd"][..], &["istio-profile"], &["istio-profile", "-f", "istio-profile/examples/user-values-right.yaml"]]
    {
        let mut all = vec!["lint"];
        all.extend_from_slice(args);
        all.extend(["-o", "json"]);
        let out = capstan(&dir, &all);
        assert!(codes(&text(&out.stdout)).is_empty(), "{args:?}: {}", text(&out.stdout));
    }
}

/// `capstan lint --rules helm` against `helm lint`'s recordings
/// (`tests/helm_lint/*.expected`, made by `scripts/record-helm-lint`): exit code,
/// stdout and stderr byte for byte. Seed and corpus cases need `../shared`.
#[test]
fn helm_rules_match_recorded_helm_lint() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/helm_lint");
    let cases = std::fs::read_to_string(dir.join("cases")).unwrap();
    let shared = testkit::shared_dir("seed-charts/istio-profile");
    let mut checked = 0;
    for line in cases.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (name, place, args) = (words[0], words[1], &words[2..]);
        let cwd = match (place, &shared) {
            ("local", _) => dir.clone(),
            ("seed", Some(s)) => s.join("seed-charts"),
            ("corpus", Some(s)) => s.join("corpus/charts"),
            (_, None) => continue,
            (other, _) => panic!("unknown folder {other}"),
        };
        let expected = std::fs::read_to_string(dir.join(format!("{name}.expected"))).unwrap();
        let mut all = vec!["lint", "--rules", "helm"];
        all.extend_from_slice(args);
        let out = capstan(&cwd, &all);
        let got = format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            out.status.code().unwrap_or(-1),
            text(&out.stdout),
            text(&out.stderr)
        );
        assert_eq!(got, expected, "case {name}");
        checked += 1;
    }
    assert!(checked >= 16, "only {checked} cases ran");
}
