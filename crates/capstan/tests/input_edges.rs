//! Input at the edges: byte order marks, invalid UTF-8, very large or deeply nested
//! input and numbers out of range. Every expectation is what Helm 4.3.1 printed for
//! the same input.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use testkit::write;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn scratch(name: &str) -> PathBuf {
    testkit::scratch("input", name)
}

fn bom(text: &str) -> Vec<u8> {
    [BOM, text.as_bytes()].concat()
}

/// A chart `c` in `dir` whose one template prints `.Values` as JSON.
fn chart(dir: &Path) -> PathBuf {
    let c = dir.join("c");
    write(&c.join("Chart.yaml"), b"apiVersion: v2\nname: c\nversion: 0.1.0\n");
    write(&c.join("values.yaml"), b"a: 1\n");
    write(&c.join("templates/cm.yaml"), b"v: {{ toJson .Values }}\n");
    c
}

/// Runs `capstan template r CHART ARGS…` in `cwd` with `stdin`; gives exit code,
/// stdout and stderr.
fn run(cwd: &Path, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .current_dir(cwd)
        .arg("template")
        .arg("r")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("capstan runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("stdin written");
    drop(input);
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rendered(json: &str) -> String {
    format!("---\n# Source: c/templates/cm.yaml\nv: {json}\n")
}

fn assert_renders(result: (i32, String, String), json: &str) {
    let (code, stdout, stderr) = result;
    assert_eq!((code, stderr.as_str()), (0, ""), "stdout: {stdout}");
    assert_eq!(stdout, rendered(json));
}

fn assert_error(result: (i32, String, String), message: &str) {
    let (code, stdout, stderr) = result;
    assert_eq!(code, 1, "stderr: {stderr}");
    assert_eq!(stdout, "");
    assert_eq!(stderr, format!("Error: {message}\n"));
}

#[test]
fn values_files_starting_with_a_bom_are_read_fully() {
    let dir = scratch("bom-values");
    chart(&dir);
    write(&dir.join("bom.yaml"), bom("x: 1\nz: 2\n"));
    write(&dir.join("bomdoc.yaml"), bom("---\nx: 1\nz: 2\n"));
    // Helm: v: {"a":1,"x":1,"z":2} for all three.
    assert_renders(run(&dir, &["c", "-f", "bom.yaml"], b""), r#"{"a":1,"x":1,"z":2}"#);
    assert_renders(run(&dir, &["c", "-f", "bomdoc.yaml"], b""), r#"{"a":1,"x":1,"z":2}"#);
    assert_renders(run(&dir, &["c", "-f", "-"], &bom("---\nx: 1\nz: 2\n")), r#"{"a":1,"x":1,"z":2}"#);
    // A BOM later in the stream is an ordinary character, except right after `---`
    // (each document is read on its own).
    write(&dir.join("mid.yaml"), [b"x: 1\n", BOM, b"y: 2\nz: 3\n"].concat());
    assert_renders(run(&dir, &["c", "-f", "mid.yaml"], b""), "{\"a\":1,\"x\":1,\"z\":3,\"\u{feff}y\":2}");
    write(&dir.join("mid2.yaml"), [b"x: 1\n---\n", BOM, b"w: 2\nz: 3\n"].concat());
    assert_renders(run(&dir, &["c", "-f", "mid2.yaml"], b""), r#"{"a":1,"w":2,"x":1,"z":3}"#);
    // Two BOMs: go-yaml skips the second one (a column) and then one character at
    // each line start.
    write(&dir.join("two.yaml"), [BOM, BOM, b"x: 1\nqz: 3\n"].concat());
    assert_renders(run(&dir, &["c", "-f", "two.yaml"], b""), r#"{"a":1,"x":1,"z":3}"#);
    write(&dir.join("two2.yaml"), [BOM, BOM, b"x: 1\nz: 3\n"].concat());
    assert_error(
        run(&dir, &["c", "-f", "two2.yaml"], b""),
        "failed to parse two2.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 1: did not find expected key",
    );
}

#[test]
fn chart_files_lose_their_bom() {
    let dir = scratch("bom-chart");
    let c = chart(&dir);
    write(&c.join("Chart.yaml"), bom("apiVersion: v2\nname: c\nversion: 0.1.0\ndescription: d\n"));
    write(&c.join("values.yaml"), bom("---\na: 1\nb: 2\n"));
    write(&c.join("values.schema.json"), bom(r#"{"type":"object","properties":{"b":{"type":"number"}}}"#));
    write(&c.join("f.txt"), bom("hello\n"));
    write(
        &c.join("templates/cm.yaml"),
        bom("v: {{ toJson .Values }}\nd: {{ .Chart.Description }}\nf: {{ .Files.Get \"f.txt\" | b64enc }} {{ .Files.GetBytes \"f.txt\" | len }}\n"),
    );
    let (code, stdout, stderr) = run(&dir, &["c"], b"");
    assert_eq!((code, stderr.as_str()), (0, ""));
    // Helm strips the mark from every chart file (templates and .Files included).
    assert_eq!(stdout, "---\n# Source: c/templates/cm.yaml\nv: {\"a\":1,\"b\":2}\nd: d\nf: aGVsbG8K 6\n");
}

#[test]
fn set_file_keeps_the_bom() {
    let dir = scratch("bom-set-file");
    chart(&dir);
    write(&dir.join("f.txt"), bom("hello"));
    // Helm: v: {"a":1,"x":"\ufeffhello"}
    assert_renders(run(&dir, &["c", "--set-file", "x=f.txt"], b""), "{\"a\":1,\"x\":\"\u{feff}hello\"}");
}

#[test]
fn requirements_yaml_with_a_bom_is_read() {
    let dir = scratch("bom-requirements");
    let c = dir.join("c");
    write(&c.join("Chart.yaml"), b"apiVersion: v1\nname: c\nversion: 0.1.0\n");
    write(
        &c.join("requirements.yaml"),
        bom("dependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n"),
    );
    write(&c.join("values.yaml"), b"sub:\n  enabled: false\n");
    write(&c.join("templates/cm.yaml"), b"v: 1\n");
    write(&c.join("charts/sub/Chart.yaml"), b"apiVersion: v2\nname: sub\nversion: 0.1.0\n");
    write(&c.join("charts/sub/templates/s.yaml"), b"s: 1\n");
    let (code, stdout, stderr) = run(&dir, &["c"], b"");
    assert_eq!((code, stderr.as_str()), (0, ""));
    // Helm: the condition from requirements.yaml disables the subchart.
    assert_eq!(stdout, "---\n# Source: c/templates/cm.yaml\nv: 1\n");
}

#[test]
fn invalid_utf8_in_yaml_input_is_refused_as_go_yaml_does() {
    let dir = scratch("utf8");
    let c = chart(&dir);
    let prefix = "failed to parse u.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: ";
    for (data, problem) in [
        (&b"a: x\xffy\n"[..], "invalid leading UTF-8 octet"),
        (b"a: 1\n# \xff\n", "invalid leading UTF-8 octet"),
        (b"a: \xc3", "invalid trailing UTF-8 octet"),
        (b"a: \xc0\x80\n", "invalid length of a UTF-8 sequence"),
        (b"a: \xed\xa0\x80\n", "invalid Unicode character"),
        (b"a: \xf5\x80\x80\x80\n", "invalid Unicode character"),
        (b"a: \x01\xff\n", "control characters are not allowed"),
        (b"a: 1\n---\nb: \xff\n", "invalid leading UTF-8 octet"),
        (b"\xff---\na: 1\n", "invalid leading UTF-8 octet"),
    ] {
        write(&dir.join("u.yaml"), data);
        assert_error(run(&dir, &["c", "-f", "u.yaml"], b""), &format!("{prefix}{problem}"));
    }
    // An earlier document's error comes first.
    write(&dir.join("u.yaml"), b"a: [\n---\nb: \xff\n");
    assert_error(
        run(&dir, &["c", "-f", "u.yaml"], b""),
        &format!("{prefix}line 1: did not find expected node content"),
    );
    write(&c.join("values.yaml"), b"a: x\xff\n");
    assert_error(
        run(&dir, &["c"], b""),
        "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: invalid leading UTF-8 octet",
    );
    write(&c.join("values.yaml"), b"a: 1\n");
    write(&c.join("Chart.yaml"), b"apiVersion: v2\nname: c\nversion: 0.1.0\ndescription: x\xff\n");
    assert_error(
        run(&dir, &["c"], b""),
        "cannot load Chart.yaml: error converting YAML to JSON: yaml: invalid leading UTF-8 octet",
    );
}

#[test]
fn invalid_utf8_in_a_template_string_literal_becomes_the_replacement_character() {
    let dir = scratch("utf8-tpl");
    let c = chart(&dir);
    write(&c.join("templates/cm.yaml"), b"v: {{ \"a\xffb\" }}\n");
    let (code, stdout, _) = run(&dir, &["c"], b"");
    // Helm: v: a\u{fffd}b (Go's strconv.Unquote decodes the byte as U+FFFD).
    assert_eq!((code, stdout.as_str()), (0, "---\n# Source: c/templates/cm.yaml\nv: a\u{fffd}b\n"));
}

/// A chart `c` in `dir` with `template` as its one template.
fn chart_with(dir: &Path, template: &str) -> PathBuf {
    let c = dir.join("c");
    write(&c.join("Chart.yaml"), b"apiVersion: v2\nname: c\nversion: 0.1.0\n");
    write(&c.join("templates/cm.yaml"), template.as_bytes());
    c
}

fn out(text: &str) -> String {
    format!("---\n# Source: c/templates/cm.yaml\n{text}")
}

#[test]
fn chart_files_over_5_mib_load_up_to_the_whole_chart_limit() {
    let dir = scratch("big-files");
    let c = chart_with(&dir, "v: {{ .Files.Get \"files/big.txt\" | len }}\n");
    write(&c.join("files/big.txt"), vec![b'x'; 7 << 20]);
    // Helm 4.3.1 has no per-file limit in the directory loader: v: 7340032
    let (code, stdout, stderr) = run(&dir, &["c"], b"");
    assert_eq!((code, stderr.as_str(), stdout), (0, "", out("v: 7340032\n")));
    // ... but the whole chart may hold at most 100 MiB (Chart.yaml comes first).
    let f = std::fs::File::create(c.join("files/big.txt")).expect("create");
    f.set_len(100 << 20).expect("sparse file");
    assert_error(
        run(&dir, &["c"], b""),
        "error reading files/big.txt: chart exceeds maximum decompressed size of 104857600 bytes",
    );
}

#[test]
fn deeply_nested_set_lists_do_not_overflow() {
    let dir = scratch("deep-set");
    chart_with(&dir, "v: 1\n");
    // 40,000 levels (an argument holds at most 128 KiB): Helm renders `v: 1`.
    let arg = format!("a{}=1", "[0]".repeat(40_000));
    let (code, stdout, stderr) = run(&dir, &["c", "--set", &arg], b"");
    assert_eq!((code, stderr.as_str(), stdout), (0, "", out("v: 1\n")));
}

#[test]
fn kube_version_parts_are_64_bit() {
    let dir = scratch("kube-version");
    chart_with(&dir, "v: {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Major }} {{ .Capabilities.KubeVersion.Minor }}\n");
    let (code, stdout, _) = run(&dir, &["c", "--kube-version", "4294967296.18446744073709551615.0"], b"");
    assert_eq!((code, stdout), (0, out("v: v4294967296.18446744073709551615.0 4294967296 18446744073709551615\n")));
    assert_error(
        run(&dir, &["c", "--kube-version", "v1.99999999999999999999999.3"], b""),
        "invalid kube version 'v1.99999999999999999999999.3': illegal non-numeric version component \"99999999999999999999999\" in \"v1.99999999999999999999999.3\": strconv.ParseUint: parsing \"99999999999999999999999\": value out of range",
    );
}

#[test]
fn numbers_out_of_float64_range_convert_to_zero() {
    let dir = scratch("numbers");
    chart_with(
        &dir,
        "v: {{ ceil \"1e400\" }} {{ floor \"1e400\" }} {{ float64 \"1e400\" }} {{ int \"1e400\" }} {{ int64 \"1e400\" }} {{ atoi \"1e400\" }} {{ float64 \"-1e400\" }} {{ int \"99999999999999999999\" }} {{ int64 \"99999999999999999999\" }} {{ atoi \"99999999999999999999\" }} {{ float64 \"1e-400\" }} {{ round \"1e400\" 2 }} {{ add1f \"1e400\" }} {{ maxf \"1e400\" 1 }}\n",
    );
    let (code, stdout, stderr) = run(&dir, &["c"], b"");
    // What Helm printed.
    assert_eq!((code, stderr.as_str(), stdout), (0, "", out("v: 0 0 0 0 0 0 0 0 0 9223372036854775807 0 0 1 1\n")));
}

#[test]
fn string_building_has_go_limits_only() {
    let dir = scratch("repeat");
    chart_with(
        &dir,
        "v: {{ repeat 70000000 \"x\" | len }} {{ regexReplaceAll \"x\" (repeat 35000000 \"x\") \"yy\" | len }}\n",
    );
    let (code, stdout, stderr) = run(&dir, &["c"], b"");
    assert_eq!((code, stderr.as_str(), stdout), (0, "", out("v: 70000000 70000000\n")));
    for (call, message) in [
        ("repeat 281474976710657 \"x\"", "runtime error: makeslice: len out of range"),
        ("repeat 4611686018427387904 \"xx\"", "strings: Repeat output length overflow"),
    ] {
        chart_with(&dir, &format!("v: {{{{ {call} }}}}\n"));
        assert_error(
            run(&dir, &["c"], b""),
            &format!("template: c/templates/cm.yaml:1:6: executing \"c/templates/cm.yaml\" at <{call}>: error calling repeat: {message}\n\nUse --debug flag to render out invalid YAML"),
        );
    }
}

#[test]
fn semver_lengths_are_limited_as_in_masterminds_semver() {
    let dir = scratch("semver");
    let c = chart_with(&dir, "v: 1\n");
    let version = format!("1.0.0-{}", "a".repeat(251));
    write(&c.join("Chart.yaml"), format!("apiVersion: v2\nname: c\nversion: {version}\n").as_bytes());
    assert_error(run(&dir, &["c"], b""), &format!("validation: chart.metadata.version \"{version}\" is invalid"));
    write(&c.join("Chart.yaml"), format!("apiVersion: v2\nname: c\nversion: {}\n", &version[..256]).as_bytes());
    assert_eq!(run(&dir, &["c"], b"").1, out("v: 1\n"));
    let long = format!(">=1.0.0 {}", "|".repeat(505));
    let groups = format!("{}1", "1 || ".repeat(32));
    for (call, message) in [
        (format!("semver \"{version}\""), "error calling semver: version string is too long (max 256 bytes)"),
        (
            format!("semverCompare \"*\" \"{version}\""),
            "error calling semverCompare: version string is too long (max 256 bytes)",
        ),
        (
            format!("semverCompare \"{long}\" \"1.0.0\""),
            "error calling semverCompare: constraint string is too long (max 512 bytes)",
        ),
        (
            format!("semverCompare \"{groups}\" \"1.0.0\""),
            "error calling semverCompare: too many constraint groups (max 32)",
        ),
    ] {
        chart_with(&dir, &format!("v: {{{{ {call} }}}}\n"));
        assert_error(
            run(&dir, &["c"], b""),
            &format!("template: c/templates/cm.yaml:1:6: executing \"c/templates/cm.yaml\" at <{call}>: {message}\n\nUse --debug flag to render out invalid YAML"),
        );
    }
}
