#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The command line against Helm 4.3.1: every flag of `helm template --help` is
//! accepted, flag values are checked with Helm's texts (recorded in
//! `fixtures/helm-flag-cases.txt`), and the commands around rendering work.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capstan"));
    cmd.current_dir(dir).args(args).env_remove("HELM_NAMESPACE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the capstan binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(&fixtures(), args, &[])
}

/// The long flags (and shorthands) Helm's help lists, with their value types.
fn helm_flags() -> Vec<(Option<char>, String, String)> {
    let help = std::fs::read_to_string(fixtures().join("helm-template-help.txt")).unwrap();
    let mut flags = Vec::new();
    for line in help.lines() {
        let t = line.trim_start();
        let (short, rest) = match t.strip_prefix('-').filter(|r| r.as_bytes().get(1) == Some(&b',')) {
            Some(r) => (r.chars().next(), r[2..].trim_start()),
            None => (None, t),
        };
        let Some(rest) = rest.strip_prefix("--") else { continue };
        let mut words = rest.split_whitespace();
        let name = words.next().unwrap().to_string();
        let type_name =
            words.next().filter(|w| !w.chars().next().unwrap().is_uppercase() || w.starts_with("WaitStrategy"));
        let type_name = type_name.unwrap_or("").split('[').next().unwrap().to_string();
        // Booleans have no type word: their help text starts right away.
        let known = [
            "string",
            "strings",
            "stringArray",
            "duration",
            "int",
            "float32",
            "stringToString",
            "WaitStrategy",
            "postRendererString",
            "postRendererArgsSlice",
        ];
        let type_name = if known.contains(&type_name.as_str()) { type_name } else { String::new() };
        flags.push((short, name, type_name));
    }
    flags
}

/// A value each kind of flag accepts.
fn sample(name: &str, type_name: &str) -> Option<&'static str> {
    Some(match (name, type_name) {
        (_, "") => return None,
        ("kube-version", _) => "v1.30.0",
        ("show-only", _) => "templates/cm.yaml",
        ("values", _) => "cli-chart/Chart.yaml",
        ("set-file", _) => "x=cli-chart/Chart.yaml",
        ("set-json", _) => "x=1",
        ("output-dir" | "post-renderer" | "repo", _) => return None,
        ("post-renderer-args", _) => return None,
        ("name-template", _) => "n",
        (_, "duration") => "1m",
        (_, "int" | "float32") => "3",
        (_, "stringToString") => "a=b",
        (_, "WaitStrategy") => "legacy",
        ("dry-run", _) => "client",
        ("namespace", _) => "ns",
        ("color" | "colour", _) => "never",
        _ => "x=y",
    })
}

#[test]
fn every_helm_template_and_global_flag_is_accepted() {
    let flags = helm_flags();
    assert!(flags.len() >= 70, "parsed {} flags", flags.len());
    let (code, baseline, stderr) = run(&["template", "r", "cli-chart"]);
    assert_eq!(code, 0, "{stderr}");
    for (short, name, type_name) in &flags {
        if matches!(name.as_str(), "help" | "output-dir" | "post-renderer" | "post-renderer-args" | "repo" | "verify") {
            continue;
        }
        let value = sample(name, type_name);
        let long = match value {
            Some(v) => format!("--{name}={v}"),
            None => format!("--{name}"),
        };
        let args = vec!["template", "r", "cli-chart", long.as_str()];
        let (code, stdout, stderr) = run(&args);
        assert!(!stderr.contains("unknown"), "{name}: {stderr}");
        if name != "generate-name" && name != "name-template" {
            assert_eq!(code, 0, "{name}: {stderr}");
            assert!(!stdout.is_empty(), "{name}");
        }
        if let Some(c) = short {
            let s = format!("-{c}");
            let mut args = vec!["template", "r", "cli-chart", s.as_str()];
            args.extend(value);
            let (_, _, stderr) = run(&args);
            assert!(!stderr.contains("unknown"), "-{c}: {stderr}");
        }
    }
    // A global flag before the subcommand is the same flag.
    let (_, before, _) = run(&["-n", "ns", "--kube-context=x", "template", "r", "cli-chart"]);
    let (_, after, _) = run(&["template", "r", "cli-chart", "-n", "ns"]);
    assert_eq!(before, after);
    assert!(before.contains("namespace: ns") && before != baseline);
    assert_eq!(run(&["--bogus", "template"]).2, "Error: unknown flag: --bogus\n");
}

#[test]
fn flag_values_are_checked_with_helms_texts() {
    let text = std::fs::read_to_string(fixtures().join("helm-flag-cases.txt")).unwrap();
    let mut checked = 0;
    for case in text.split("=== ").skip(1) {
        let (args, rest) = case.split_once('\n').unwrap();
        let (code, rest) = rest.strip_prefix("exit: ").unwrap().split_once('\n').unwrap();
        let (stdout, stderr) = rest.strip_prefix("--- stdout\n").unwrap().split_once("--- stderr\n").unwrap();
        let mut words = vec!["template", "r", "cli-chart"];
        words.extend(args.split(' '));
        let got = run(&words);
        assert_eq!((got.0.to_string().as_str(), got.1.as_str(), got.2.as_str()), (code, stdout, stderr), "{args}");
        checked += 1;
    }
    assert!(checked > 30);
}

#[test]
fn helm_namespace_applies_below_the_flag() {
    let env = [("HELM_NAMESPACE", "from-env")];
    let (_, out, _) = run_in(&fixtures(), &["template", "r", "cli-chart"], &env);
    assert!(out.contains("namespace: from-env"), "{out}");
    let (_, out, _) = run_in(&fixtures(), &["template", "r", "cli-chart", "-n", "flag"], &env);
    assert!(out.contains("namespace: flag"), "{out}");
}

#[test]
fn help_for_every_command_comes_from_the_table() {
    let (code, root, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for c in ["template", "explain", "diff", "show", "version", "completion", "man"] {
        assert!(root.contains(&format!("  {c} ")), "{c} in\n{root}");
        let (code, a, _) = run(&[c, "--help"]);
        let (_, b, _) = run(&["help", c]);
        assert_eq!(code, 0);
        assert_eq!(a, b);
        assert!(
            a.contains(&format!("capstan {c}")) && a.contains("Global Flags:") && a.contains("--kube-context"),
            "{a}"
        );
    }
    let (_, t, _) = run(&["template", "-h"]);
    // Every flag of Helm's help is in capstan's, with Helm's help text.
    let helm = std::fs::read_to_string(fixtures().join("helm-template-help.txt")).unwrap();
    for (_, name, _) in helm_flags() {
        if name == "help" {
            continue;
        }
        let line = helm.lines().find(|l| l.trim_start().starts_with('-') && l.contains(&format!("--{name} "))).unwrap();
        let help_text = line.split("   ").map(str::trim).filter(|s| !s.is_empty()).nth(1).unwrap();
        let help_text = help_text.split(" (default").next().unwrap();
        assert!(t.contains(help_text), "--{name}: {help_text}");
    }
    assert!(!t.contains("--atomic"), "deprecated flags are hidden");
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = run(&["completion", shell]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("capstan") && out.contains("set-json") && out.contains("kube-context"), "{shell}");
    }
    let (code, _, err) = run(&["completion", "tcsh"]);
    assert_eq!((code, err.as_str()), (1, "Error: unknown shell \"tcsh\": use bash, zsh or fish\n"));
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        man.contains(".TH capstan 1")
            && man.contains("CAPSTAN TEMPLATE")
            && man.contains("post\\-renderer\\-args")
            && man.contains("accepted without effect")
    );
}

#[test]
fn version_in_helms_forms() {
    let v = env!("CARGO_PKG_VERSION");
    assert_eq!(run(&["version", "--short"]).1, format!("v4.3.1+capstan.{v}\n"));
    // kustomize asks `version -c --short`, as for Helm 3.
    assert_eq!(run(&["version", "-c", "--short"]).1, format!("v4.3.1+capstan.{v}\n"));
    assert_eq!(run(&["version", "--template", "{{.Version}}"]).1, "v4.3.1");
    assert_eq!(run(&["version", "--short", "--template", "x{{.GitCommit}}"]).1, format!("xcapstan.{v}"));
    assert!(run(&["version"]).1.starts_with("version.BuildInfo{Version:\"v4.3.1\", GitCommit:\"capstan."));
    assert_eq!(run(&["version", "--template", "{{.Nope"]).0, 1);
}

#[test]
fn post_renderer_pipes_the_manifests() {
    let dir = std::env::temp_dir().join(format!("capstan-cli-pr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("pr.sh");
    std::fs::write(&script, "#!/bin/sh\necho \"# args: $*\"\nsed s/ConfigMap/Renamed/\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let (_, plain, _) = run(&["template", "r", "cli-chart"]);
    let s = script.to_str().unwrap();
    let (code, out, err) = run(&[
        "template",
        "r",
        "cli-chart",
        "--post-renderer",
        s,
        "--post-renderer-args",
        "a",
        "--post-renderer-args",
        "b c",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("# args: a b c\n{}", plain.replace("ConfigMap", "Renamed")));
    let (code, out, err) = run(&["template", "r", "cli-chart", "--post-renderer", "no-such-renderer"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "Error: invalid argument \"no-such-renderer\" for \"--post-renderer\" flag: plugin: {Name:no-such-renderer Type:postrenderer/v1} not found\n"
    );
    std::fs::write(&script, "#!/bin/sh\necho broken >&2\nexit 3\n").unwrap();
    let (code, out, err) = run(&["template", "r", "cli-chart", "--post-renderer", s]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("error while running command") && err.contains("broken"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
