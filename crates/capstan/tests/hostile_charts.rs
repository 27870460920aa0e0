//! Hostile and broken charts: each must give a clear `Error: …` on stderr, nothing on
//! stdout and exit code 1 — never a panic (exit 101), a hang or a file read outside
//! the chart.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use std::time::Duration;
use testkit::write;

fn scratch(name: &str) -> PathBuf {
    testkit::scratch("hostile", name)
}

fn minimal_chart(dir: &Path, name: &str) {
    write(&dir.join("Chart.yaml"), format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"));
    write(&dir.join("templates/t.yaml"), "# ok\n");
}

/// Runs `capstan template rel <chart> <extra…>` in `cwd`, with a time limit.
fn template(cwd: &Path, chart: &str, extra: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .current_dir(cwd)
        .args(["template", "rel", chart])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("capstan runs");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        assert!(std::time::Instant::now() < deadline, "capstan hung on {chart}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts a clean failure whose message contains `needle`.
fn assert_fails_with(result: (i32, String, String), needle: &str) {
    let (code, stdout, stderr) = result;
    assert_eq!(code, 1, "want exit 1, got {code}; stderr: {stderr}");
    assert!(stdout.is_empty(), "stdout must be empty, got: {stdout}");
    assert!(stderr.starts_with("Error: ") && stderr.contains(needle), "stderr: {stderr}");
}

/// A gzipped tar whose entry names are written verbatim (as an attacker would).
fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(data.len() as u64);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, *data).expect("tar in memory");
    }
    let tar = builder.into_inner().expect("tar in memory");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar).expect("gzip in memory");
    gz.finish().expect("gzip in memory")
}

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: evil\nversion: 0.1.0\n";

#[test]
fn archive_entries_leaving_the_chart_are_refused() {
    let dir = scratch("archive-paths");
    let up = tgz(&[("evil/Chart.yaml", CHART_YAML), ("evil/../../escape.yaml", b"x: 1\n")]);
    std::fs::write(dir.join("up.tgz"), up).expect("write");
    assert_fails_with(
        template(&dir, "up.tgz", &[]),
        "unable to load chart archive: chart illegally references parent directory",
    );
    let abs = tgz(&[("evil/Chart.yaml", CHART_YAML), ("evil//etc/passwd", b"x: 1\n")]);
    std::fs::write(dir.join("abs.tgz"), abs).expect("write");
    assert_fails_with(
        template(&dir, "abs.tgz", &[]),
        "unable to load chart archive: chart illegally contains absolute paths",
    );
}

#[test]
fn archive_expanding_past_the_size_limit_is_refused() {
    let dir = scratch("archive-size");
    let block = vec![b'#'; 26 * 1024 * 1024];
    let names: Vec<String> = (0..4).map(|i| format!("evil/files/f{i}.txt")).collect();
    let mut entries: Vec<(&str, &[u8])> = vec![("evil/Chart.yaml", CHART_YAML)];
    entries.extend(names.iter().map(|n| (n.as_str(), block.as_slice())));
    let bomb = tgz(&entries);
    assert!(bomb.len() < 1_000_000, "the archive itself is small: {} bytes", bomb.len());
    std::fs::write(dir.join("bomb.tgz"), bomb).expect("write");
    assert_fails_with(
        template(&dir, "bomb.tgz", &[]),
        "unable to load chart archive: decompressed chart is larger than the maximum size 104857600",
    );
}

#[test]
fn symlink_leaving_the_chart_is_refused() {
    let dir = scratch("symlink");
    minimal_chart(&dir.join("c"), "c");
    write(&dir.join("secret.txt"), "password: hunter2\n");
    std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("c/templates/leak.yaml")).expect("symlink");
    let result = template(&dir, "c", &[]);
    assert!(!result.1.contains("hunter2") && !result.2.contains("hunter2"), "leaked: {result:?}");
    assert_fails_with(result, "symbolic link that leaves the chart directory");
}

#[test]
fn subchart_link_cycle_ends_with_an_error() {
    let dir = scratch("cycle");
    minimal_chart(&dir.join("c"), "c");
    std::fs::create_dir_all(dir.join("c/charts")).expect("mkdir");
    std::os::unix::fs::symlink("..", dir.join("c/charts/self")).expect("symlink");
    assert_fails_with(template(&dir, "c", &[]), "nested too deeply");
}

#[test]
fn missing_chart_yaml_is_named() {
    let dir = scratch("no-chart-yaml");
    write(&dir.join("c/templates/t.yaml"), "# x\n");
    assert_fails_with(template(&dir, "c", &[]), "Chart.yaml: no such file or directory");
}

#[test]
fn values_that_are_not_a_map_are_refused() {
    let dir = scratch("values-not-map");
    minimal_chart(&dir.join("c"), "c");
    write(&dir.join("list.yaml"), "- a\n- b\n");
    assert_fails_with(
        template(&dir, "c", &["-f", "list.yaml"]),
        "failed to parse list.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}",
    );
    write(&dir.join("c/values.yaml"), "- a\n");
    assert_fails_with(template(&dir, "c", &[]), "cannot load values.yaml");
}

#[test]
fn broken_yaml_and_templates_report_file_and_line() {
    let dir = scratch("broken");
    minimal_chart(&dir.join("c"), "c");
    write(&dir.join("bad.yaml"), "a: [1, 2\n");
    assert_fails_with(template(&dir, "c", &["-f", "bad.yaml"]), "failed to parse bad.yaml: ");
    write(&dir.join("c/templates/t.yaml"), "a: 1\n{{ if }}\n");
    assert_fails_with(template(&dir, "c", &[]), "parse error at (c/templates/t.yaml:2)");
}
