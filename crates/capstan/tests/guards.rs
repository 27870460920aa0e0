//! Guards against runaway charts and unsafe output: recursion and deep nesting end
//! quickly in an error (Helm's text where Helm has one) in bounded memory, random
//! values come from the operating system, and `--output-dir` never writes through a
//! symbolic link.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use std::time::{Duration, Instant};
use testkit::write;

/// How long a failing render may take, debug build and a busy machine included.
const TIME_BOUND: Duration = Duration::from_secs(5);

/// The peak memory any render of these tests may reach.
const MEMORY_BOUND_KB: i64 = 1536 * 1024;

const DEBUG_HINT: &str = "\n\nUse --debug flag to render out invalid YAML\n";

fn scratch(name: &str) -> PathBuf {
    testkit::scratch("guards", name)
}

/// A chart `name` in a fresh directory with the given files (path, text).
fn chart(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(name);
    let chart = dir.join(name);
    write(&chart.join("Chart.yaml"), format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"));
    for (path, text) in files {
        write(&chart.join(path), text);
    }
    dir
}

#[derive(Clone)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs `capstan template <chart> <extra…>` in `cwd`.
fn template(cwd: &Path, chart: &str, extra: &[&str]) -> Run {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .current_dir(cwd)
        .arg("template")
        .arg(chart)
        .args(extra)
        .output()
        .expect("capstan runs");
    let took = start.elapsed();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took,
    }
}

/// The largest peak memory of any finished child process, in KiB.
#[allow(unsafe_code)] // getrusage has no safe wrapper in std; see the SAFETY note.
fn children_peak_kb() -> i64 {
    // SAFETY: getrusage only fills the struct it is given.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) != 0 {
            return 0;
        }
        usage.ru_maxrss
    }
}

/// Asserts a quick, clean failure (exit 1, nothing on stdout) in bounded memory.
fn assert_quick_failure(run: &Run) {
    assert_eq!(run.code, 1, "want exit 1, got {}; stderr: {:.500}", run.code, run.stderr);
    assert!(run.stdout.is_empty(), "stdout must be empty, got: {:.500}", run.stdout);
    assert!(run.stderr.starts_with("Error: "), "stderr: {:.500}", run.stderr);
    assert!(run.took < TIME_BOUND, "took {:?}", run.took);
    let peak = children_peak_kb();
    assert!(peak < MEMORY_BOUND_KB, "a render peaked at {peak} KiB");
}

/// Helm's text for an `include` recursion: one `error calling include` step for
/// the calling template, then one per nested call up to Helm's limit of 1000.
fn include_recursion_text(first: &str, steps: &[&str], name: &str) -> String {
    let mut s = format!("Error: {first}: error calling include: ");
    for i in 0..1001 {
        s.push_str(steps[i % steps.len()]);
        s.push_str(": error calling include: ");
    }
    s.push_str(&format!("rendering template has a nested reference name: {name}: unable to execute template"));
    s.push_str(DEBUG_HINT);
    s
}

#[test]
fn self_recursive_include_ends_in_helms_error() {
    let dir = chart(
        "selfrec",
        &[("templates/a.yaml", "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}{{ include \"a\" . }}\n")],
    );
    let run = template(&dir, "selfrec", &[]);
    assert_quick_failure(&run);
    let want = include_recursion_text(
        "template: selfrec/templates/a.yaml:1:47: executing \"selfrec/templates/a.yaml\" at <include \"a\" .>",
        &["template: selfrec/templates/a.yaml:1:19: executing \"a\" at <include \"a\" .>"],
        "a",
    );
    assert!(run.stderr == want, "stderr differs from Helm's: {:.300}…{}", run.stderr, tail(&run.stderr));
}

#[test]
fn mutually_recursive_include_ends_in_helms_error() {
    let text = "{{ define \"a\" }}{{ include \"b\" . }}{{ end }}{{ define \"b\" }}{{ include \"a\" . }}{{ end }}{{ include \"a\" . }}\n";
    let dir = chart("mutual", &[("templates/a.yaml", text)]);
    let run = template(&dir, "mutual", &[]);
    assert_quick_failure(&run);
    // Each of "a" and "b" may nest 1000 deep; "a" reaches the limit first.
    let mut want = String::from(
        "Error: template: mutual/templates/a.yaml:1:91: executing \"mutual/templates/a.yaml\" at <include \"a\" .>: error calling include: ",
    );
    for _ in 0..1001 {
        want.push_str(
            "template: mutual/templates/a.yaml:1:19: executing \"a\" at <include \"b\" .>: error calling include: ",
        );
        want.push_str(
            "template: mutual/templates/a.yaml:1:63: executing \"b\" at <include \"a\" .>: error calling include: ",
        );
    }
    want.push_str("rendering template has a nested reference name: a: unable to execute template");
    want.push_str(DEBUG_HINT);
    assert!(run.stderr == want, "stderr differs from Helm's: {:.300}…{}", run.stderr, tail(&run.stderr));
}

#[test]
fn recursive_include_from_notes_ends_in_helms_error() {
    let dir = chart(
        "notes",
        &[
            ("templates/_h.tpl", "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}\n"),
            ("templates/NOTES.txt", "{{ include \"a\" . }}\n"),
        ],
    );
    let run = template(&dir, "notes", &[]);
    assert_quick_failure(&run);
    let want = include_recursion_text(
        "template: notes/templates/NOTES.txt:1:3: executing \"notes/templates/NOTES.txt\" at <include \"a\" .>",
        &["template: notes/templates/_h.tpl:1:19: executing \"a\" at <include \"a\" .>"],
        "a",
    );
    assert!(run.stderr == want, "stderr differs from Helm's: {:.300}…{}", run.stderr, tail(&run.stderr));
}

#[test]
fn recursive_include_inside_tpl_ends_in_helms_error() {
    let dir = chart(
        "intpl",
        &[
            ("templates/_h.tpl", "{{ define \"a\" }}{{ tpl \"{{ include \\\"a\\\" . }}\" . }}{{ end }}\n"),
            ("templates/a.yaml", "{{ include \"a\" . }}\n"),
        ],
    );
    let run = template(&dir, "intpl", &[]);
    // Helm builds a 250 KB message here and takes over a second itself.
    assert_quick_failure(&Run { took: run.took / 3, ..run.clone() });
    let step = "template: intpl/templates/_h.tpl:1:19: executing \"a\" at <tpl \"{{ include \\\"a\\\" . }}\" .>: \
        error calling tpl: error during tpl function execution for \"{{ include \\\"a\\\" . }}\": \
        template: gotpl:1:3: executing \"gotpl\" at <include \"a\" .>";
    let want = include_recursion_text(
        "template: intpl/templates/a.yaml:1:3: executing \"intpl/templates/a.yaml\" at <include \"a\" .>",
        &[step],
        "a",
    );
    assert!(run.stderr == want, "stderr differs from Helm's: {:.300}…{}", run.stderr, tail(&run.stderr));
}

#[test]
fn recursive_template_action_ends_in_gos_depth_error() {
    let dir = chart(
        "trec",
        &[("templates/a.yaml", "{{ define \"a\" }}{{ template \"a\" . }}{{ end }}{{ template \"a\" . }}\n")],
    );
    let run = template(&dir, "trec", &[]);
    assert_quick_failure(&run);
    assert_eq!(
        run.stderr,
        format!(
            "Error: trec/templates/a.yaml:1:28\n  executing \"a\" at <{{{{template \"a\" .}}}}>:\n    \
             exceeded maximum template depth (100000){DEBUG_HINT}"
        )
    );
}

#[test]
fn recursive_tpl_ends_in_an_error_not_a_crash() {
    // Helm itself exhausts Go's 1 GB stack here; capstan stops at 1000 levels.
    for (name, template_text) in
        [("tplval", "{{ tpl .Values.x . }}\n"), ("tpllit", "{{ tpl \"{{ tpl .Values.x . }}\" . }}\n")]
    {
        let dir =
            chart(name, &[("templates/a.yaml", template_text), ("values.yaml", "x: \"{{ tpl .Values.x . }}\"\n")]);
        let run = template(&dir, name, &[]);
        assert_quick_failure(&run);
        assert!(
            run.stderr.ends_with(&format!(
                "error calling tpl: tpl calls nested more than 1000 deep (a value or template calling tpl on itself?){DEBUG_HINT}"
            )),
            "{}",
            tail(&run.stderr)
        );
    }
}

#[test]
fn deeply_nested_values_yaml_is_refused() {
    let n = 50_000;
    let values = format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
    let dir = chart("deepyaml", &[("templates/a.yaml", "x: 1\n"), ("values.yaml", &values)]);
    let run = template(&dir, "deepyaml", &[]);
    assert_quick_failure(&run);
    assert_eq!(
        run.stderr,
        "Error: cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: exceeded max depth of 10000\n"
    );
    let block: String = (0..20_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    let dir = chart("deepblock", &[("templates/a.yaml", "x: 1\n"), ("values.yaml", &block)]);
    let run = template(&dir, "deepblock", &[]);
    assert_quick_failure(&run);
}

#[test]
fn deeply_nested_json_is_refused() {
    let n = 20_000;
    let arg = format!("a={}{}", "[".repeat(n), "]".repeat(n));
    let dir = chart("deepjson", &[("templates/a.yaml", "x: 1\n")]);
    let run = template(&dir, "deepjson", &["--set-json", &arg]);
    assert_quick_failure(&run);
    assert_eq!(run.stderr, format!("Error: failed parsing --set-json data {arg}\n"));

    // fromJson returns its error in the map, as Helm's does.
    let text = format!("x: {{{{ fromJson \"{}1{}\" | toJson }}}}\n", "{\\\"a\\\":".repeat(n), "}".repeat(n));
    let dir = chart("fromjson", &[("templates/a.yaml", &text)]);
    let run = template(&dir, "fromjson", &[]);
    assert_eq!(run.code, 0, "{:.500}", run.stderr);
    assert!(run.stdout.contains("x: {\"Error\":\"exceeded max depth\"}"), "{:.500}", run.stdout);
    assert!(run.took < TIME_BOUND);
}

#[test]
fn deeply_nested_set_paths_are_refused() {
    let path = vec!["a"; 20_000].join(".");
    let dir = chart("deepset", &[("templates/a.yaml", "x: 1\n")]);
    let run = template(&dir, "deepset", &["--set", &format!("{path}=1")]);
    assert_quick_failure(&run);
    assert_eq!(
        run.stderr,
        "Error: failed parsing --set data: value name nested level is greater than maximum supported nested level of 30\n"
    );
}

#[test]
fn deeply_nested_templates_end_in_an_error() {
    let n = 200_000;
    let parens = format!("{{{{ {}1{} }}}}\n", "(".repeat(n), ")".repeat(n));
    let pipes = format!("{{{{ 1{} }}}}\n", " | print".repeat(n));
    for (name, text, message) in [
        ("parens", parens, "Error: parse error at (parens/templates/a.yaml:1): max expression depth exceeded"),
        ("pipes", pipes, "Error: parse error at (pipes/templates/a.yaml:1): pipeline too long"),
    ] {
        let dir = chart(name, &[("templates/a.yaml", &text)]);
        let run = template(&dir, name, &[]);
        assert_quick_failure(&run);
        assert_eq!(run.stderr, format!("{message}{DEBUG_HINT}"));
    }
}

fn tail(s: &str) -> &str {
    let mut i = s.len().saturating_sub(300);
    while !s.is_char_boundary(i) {
        i += 1;
    }
    &s[i..]
}

// ---- randomness ----

const RANDOM_TEMPLATE: &str = r#"a: {{ randAlphaNum 32 | quote }}
b: {{ uuidv4 | quote }}
c: {{ "abcdefghijklmnopqrstuvwxyz0123456789" | shuffle | quote }}
d: {{ randBytes 24 | quote }}
e: {{ encryptAES "secret" "text" | quote }}
f: {{ htpasswd "user" "pass" | quote }}
{{- $ca := genCA "ca" 30 }}
{{- $cert := genSignedCert "host" nil (list "host") 30 $ca }}
{{- $self := genSelfSignedCert "self" nil nil 30 }}
key: {{ genPrivateKey "ecdsa" | quote }}
ca: {{ $ca.Cert | quote }}
cakey: {{ $ca.Key | quote }}
cert: {{ $cert.Cert | quote }}
certkey: {{ $cert.Key | quote }}
self: {{ $self.Cert | quote }}
"#;

/// The quoted value of `key:` in a rendered manifest, unescaped.
fn field(text: &str, key: &str) -> String {
    let line = text.lines().find(|l| l.starts_with(&format!("{key}: "))).unwrap_or_default();
    let quoted = line.split_once(": ").map(|(_, v)| v).unwrap_or_default();
    quoted.trim_matches('"').replace("\\n", "\n").replace("\\\"", "\"")
}

#[test]
fn without_a_seed_every_random_value_differs_between_renders() {
    let dir = chart("random", &[("templates/a.yaml", RANDOM_TEMPLATE)]);
    let first = template(&dir, "random", &[]);
    let second = template(&dir, "random", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(second.code, 0, "{}", second.stderr);
    for key in ["a", "b", "c", "d", "e", "f", "key", "ca", "cakey", "cert", "certkey", "self"] {
        let (x, y) = (field(&first.stdout, key), field(&second.stdout, key));
        assert!(!x.is_empty(), "{key} missing: {}", first.stdout);
        assert_ne!(x, y, "{key} repeated between renders");
    }
    // (That a seeded render repeats is tested in seed.rs.)
}

fn have_openssl() -> bool {
    let ok = Command::new("openssl").arg("version").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        eprintln!("skipping openssl checks: the openssl binary is not available");
    }
    ok
}

fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn generated_keys_and_certificates_pass_openssl_checks() {
    if !have_openssl() {
        return;
    }
    let dir = chart("keys", &[("templates/a.yaml", RANDOM_TEMPLATE)]);
    let run = template(&dir, "keys", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for key in ["key", "ca", "cakey", "cert", "certkey", "self"] {
        write(&dir.join(format!("{key}.pem")), field(&run.stdout, key));
    }
    // genCA and the certificates' keys are RSA 2048; genPrivateKey "rsa" (4096 bits)
    // is slow in debug builds, so the key checked here is ECDSA.
    for key in ["cakey", "certkey"] {
        let (ok, text) = openssl(&dir, &["rsa", "-in", &format!("{key}.pem"), "-check", "-noout"]);
        assert!(ok && text.contains("RSA key ok"), "{key}: {text}");
    }
    let (ok, text) = openssl(&dir, &["ec", "-in", "key.pem", "-check", "-noout"]);
    assert!(ok && text.contains("EC Key valid"), "{text}");
    for cert in ["ca", "cert", "self"] {
        let (ok, text) = openssl(&dir, &["x509", "-in", &format!("{cert}.pem"), "-noout", "-text"]);
        assert!(ok, "{cert}: {text}");
    }
    let (ok, text) = openssl(&dir, &["verify", "-CAfile", "ca.pem", "cert.pem"]);
    assert!(ok, "{text}");
    // The certificate belongs to its key.
    let (_, from_cert) = openssl(&dir, &["x509", "-in", "cert.pem", "-noout", "-modulus"]);
    let (_, from_key) = openssl(&dir, &["rsa", "-in", "certkey.pem", "-noout", "-modulus"]);
    assert_eq!(from_cert, from_key);
}

// ---- --output-dir ----

#[cfg(unix)]
#[test]
fn output_dir_never_writes_through_a_symbolic_link() {
    use std::os::unix::fs::symlink;
    let dir = chart("links", &[("templates/a.yaml", "x: 1\n")]);
    let outside = dir.join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");

    // A linked directory inside the output folder.
    std::fs::create_dir_all(dir.join("out/links")).expect("mkdir");
    symlink(&outside, dir.join("out/links/templates")).expect("symlink");
    let run = template(&dir, "links", &["--output-dir", "out"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with(
            "Error: refusing to write out/links/templates/a.yaml: out/links/templates is a symbolic link inside the output directory"
        ),
        "{}",
        run.stderr
    );
    assert!(std::fs::read_dir(&outside).expect("read").next().is_none(), "a file was written outside");

    // A linked file.
    std::fs::remove_file(dir.join("out/links/templates")).expect("rm");
    std::fs::create_dir_all(dir.join("out/links/templates")).expect("mkdir");
    symlink(outside.join("a.yaml"), dir.join("out/links/templates/a.yaml")).expect("symlink");
    let run = template(&dir, "links", &["--output-dir", "out"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("out/links/templates/a.yaml is a symbolic link"), "{}", run.stderr);
    assert!(!outside.join("a.yaml").exists(), "a file was written outside");

    // The release folder of --release-name.
    std::fs::create_dir_all(dir.join("out2")).expect("mkdir");
    symlink(&outside, dir.join("out2/release-name")).expect("symlink");
    let run = template(&dir, "links", &["--output-dir", "out2", "--release-name"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("out2/release-name is a symbolic link"), "{}", run.stderr);
    assert!(std::fs::read_dir(&outside).expect("read").next().is_none(), "a file was written outside");

    // Without links the files are written.
    let run = template(&dir, "links", &["--output-dir", "fresh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "wrote fresh/links/templates/a.yaml\n\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("fresh/links/templates/a.yaml")).expect("written"),
        "---\n# Source: links/templates/a.yaml\nx: 1\n\n"
    );
}
