//! In-repo fuzzing of the parsers that read untrusted input: the template parser,
//! the YAML and JSON parsers, `--set` parsing and the chart loader (files and
//! `.tgz` archives), `explain fields` over mutant templates, and `diff` over mutant
//! manifests (a stream compared with itself must show no change). Each target runs a bounded number of mutants of the
//! repository's own charts (`CAPSTAN_FUZZ_ITERS`, default below; `CAPSTAN_FUZZ_SEED`
//! replays another sequence) and fails on any panic or on an input that takes more
//! than two seconds. A stack overflow aborts the test binary, which fails too.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use chart::diff::{self, DiffOptions, Ignore};
use chart::load::{archive_files, load_files, File};
use chart::strvals::{parse_into, Mode};
use govalue::Map;
use testkit::{fuzz_iterations, fuzz_seed, Mutator};

/// Inputs per target in a plain `cargo test` run (debug build).
const DEFAULT_ITERS: usize = 3000;
/// An input slower than this counts as a hang.
const SLOW: Duration = Duration::from_secs(2);

const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{-",
    "-}}",
    "{{/*",
    "*/}}",
    "{{ end }}",
    "{{ else }}",
    "{{ if .Values.a }}",
    "{{ range $k, $v := . }}",
    "{{ define \"x\" }}",
    "{{ template \"x\" . }}",
    "{{ include \"x\" . }}",
    "{{ tpl \"{{ . }}\" . }}",
    "| quote",
    "(",
    ")",
    "$x := ",
    "\"\\u00e9\"",
    "`raw`",
    "'c'",
    "0x1p4",
    "1e400",
    "---\n",
    "...\n",
    "- ",
    ": ",
    "? ",
    "&a ",
    "*a",
    "!!binary ",
    "!!str ",
    "<<: *a\n",
    "|-\n  ",
    ">\n  ",
    "\t",
    "\u{feff}",
    "\r\n",
    "[",
    "]",
    "{",
    "}",
    "#",
    "%YAML 1.1\n",
    "\"",
    "'",
    "\\",
    "a[0]=",
    "a.b=",
    ",",
    "=",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "{{((((((((((((((((((((",
    "\u{0}",
    "\u{10ffff}",
];

/// Reads every file under `dir` (skipping nothing: fixtures are small).
fn collect(dir: &Path, out: &mut Vec<(String, Vec<u8>)>, base: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out, base);
        } else if let Ok(data) = std::fs::read(&p) {
            let name = p.strip_prefix(base).unwrap_or(&p).to_string_lossy().replace('\\', "/");
            out.push((name, data));
        }
    }
}

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The fixture charts of the repository, each as its list of files.
fn charts() -> Vec<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for dir in ["examples/hello", "crates/chart/tests/fixtures/parent", "crates/capstan/tests/fixtures/random"] {
        let root = repo().join(dir);
        let mut files = Vec::new();
        collect(&root, &mut files, &root);
        if !files.is_empty() {
            out.push(files);
        }
    }
    assert!(!out.is_empty(), "the fixture charts are in the repository");
    out
}

fn seeds_where(pred: impl Fn(&str) -> bool) -> Vec<Vec<u8>> {
    charts().into_iter().flatten().filter(|(n, _)| pred(n)).map(|(_, d)| d).collect()
}

/// Runs `target` on `iters` mutants and fails with every panicking or slow input.
fn fuzz(name: &str, seeds: &[Vec<u8>], salt: u64, target: impl Fn(&[u8])) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let iters = fuzz_iterations(DEFAULT_ITERS);
    let mut m = Mutator::new(fuzz_seed() ^ salt, TOKENS);
    let mut findings = Vec::new();
    for i in 0..iters {
        let input = m.mutate(seeds);
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| target(&input)));
        let took = start.elapsed();
        if result.is_err() || took > SLOW {
            let what = if result.is_err() { "panicked" } else { "took too long" };
            findings.push(format!("#{i} {what} ({took:?}): {:?}", String::from_utf8_lossy(&input)));
        }
    }
    eprintln!("fuzz {name}: {iters} inputs, {} findings", findings.len());
    assert!(findings.is_empty(), "fuzz {name}: {} findings\n{}", findings.len(), findings.join("\n"));
}

#[test]
fn fuzz_template_parser() {
    let seeds = seeds_where(|n| n.starts_with("templates/"));
    fuzz("template parser", &seeds, 1, |input| {
        let text = String::from_utf8_lossy(input);
        let mut set = gotmpl::Templates::new(sprig::helm_func_map());
        let _ = set.add("fuzz/templates/t.yaml", &text);
    });
}

#[test]
fn fuzz_template_execution() {
    let seeds = seeds_where(|n| n.starts_with("templates/"));
    let values = seeds_where(|n| n == "values.yaml");
    fuzz("template execution", &seeds, 6, |input| {
        let text = String::from_utf8_lossy(input);
        let mut set = gotmpl::Templates::new(sprig::helm_func_map());
        if set.add("fuzz/templates/t.yaml", &text).is_err() {
            return;
        }
        let vals = goyaml::parse(&String::from_utf8_lossy(&values[input.len() % values.len()])).unwrap();
        let mut top = govalue::MapEntries::new();
        top.insert("Values".into(), vals);
        let _ = set.execute("fuzz/templates/t.yaml", &govalue::Value::map(top));
    });
}

#[test]
fn fuzz_yaml_and_json_parsers() {
    let mut seeds = seeds_where(|n| n.ends_with(".yaml") && !n.starts_with("templates/"));
    seeds.push(br#"{"a": [1, 2.5e3, "x\u00e9", {"b": null, "c": true}], "d": {}}"#.to_vec());
    fuzz("yaml/json parsers", &seeds, 2, |input| {
        let text = String::from_utf8_lossy(input);
        let _ = goyaml::parse_documents(&text);
        let _ = goyaml::parse_node(&text);
        let _ = goyaml::parse_json(&text);
    });
}

#[test]
fn fuzz_set_parser() {
    let seeds: Vec<Vec<u8>> = [
        "a=b",
        "a.b.c=1,d=true",
        "list[0]=x,list[1].name=y",
        "a\\.b=c",
        "x={a,b,c}",
        "n=null",
        "j={\"k\": [1, 2]}",
        "a[0][1][2]=3",
        "name=value with spaces",
        "a.b[3]=",
        "big=12345678901234567890",
        "s='q'",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    fuzz("--set parser", &seeds, 3, |input| {
        let text = String::from_utf8_lossy(input);
        for mut mode in [Mode::Typed, Mode::String, Mode::Json] {
            let _ = parse_into(&text, &Map::new(), &mut mode);
        }
        let _ = chart::strvals::parse_literal_into(&text, &Map::new());
    });
}

#[test]
fn fuzz_chart_loader() {
    let charts = charts();
    let seeds: Vec<Vec<u8>> = charts.iter().flatten().map(|(_, d)| d.clone()).collect();
    // Each input picks a chart and replaces one of its files with a mutant; the
    // target loads the resulting file set.
    fuzz("chart loader", &seeds, 4, |input| {
        let files = &charts[input.len() % charts.len()];
        let victim = input.first().map_or(0, |b| *b as usize) % files.len();
        let files: Vec<File> = files
            .iter()
            .enumerate()
            .map(|(i, (name, data))| File {
                name: name.clone(),
                data: if i == victim { input.into() } else { data.as_slice().into() },
            })
            .collect();
        let _ = load_files(files, 0);
    });
}

#[test]
fn fuzz_chart_archives() {
    // The mutants are tar streams, compressed before loading, so the edits reach the
    // tar reader instead of failing the gzip checksum.
    let seeds: Vec<Vec<u8>> = charts().iter().map(|files| tar_bytes(files)).collect();
    fuzz("chart archives", &seeds, 5, |input| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, input).unwrap();
        if let Ok(files) = archive_files(&gz.finish().unwrap()) {
            let _ = load_files(files, 0);
        }
    });
}

fn tar_bytes(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, format!("c/{name}"), data.as_slice()).unwrap();
    }
    builder.into_inner().unwrap()
}

#[test]
fn fuzz_explain_fields() {
    // Each mutant template is rendered with provenance tracing and every field of
    // its output explained: the tracer, the span mapping and the document walk
    // must never panic whatever the template prints.
    let seeds = seeds_where(|n| n.starts_with("templates/"));
    let values = seeds_where(|n| n == "values.yaml");
    let dir = testkit::scratch("fuzz", "explain-fields");
    let chart = dir.join("c");
    testkit::write(&chart.join("Chart.yaml"), b"apiVersion: v2\nname: c\nversion: 0.1.0\n");
    let opts = chart::TemplateOptions {
        args: vec!["fuzz".into(), chart.to_string_lossy().into_owned()],
        ..Default::default()
    };
    fuzz("explain fields", &seeds, 7, |input| {
        testkit::write(&chart.join("values.yaml"), &values[input.len() % values.len()]);
        testkit::write(&chart.join("templates/t.yaml"), input);
        let _ = chart::fields::explain_fields(&opts, &chart::fields::Selection::default())
            .map(|r| (chart::fields::to_json(&r.fields), chart::fields::to_yaml(&r)));
    });
}

#[test]
fn fuzz_diff() {
    let dir = repo().join("crates/capstan/tests/diff_cases");
    let mut seeds = Vec::new();
    for case in std::fs::read_dir(&dir).unwrap() {
        for side in ["left.yaml", "right.yaml"] {
            if let Ok(data) = std::fs::read(case.as_ref().unwrap().path().join(side)) {
                seeds.push(data);
            }
        }
    }
    let ignores =
        ["*/metadata.annotations.\"checksum/config\"", "spec.template.spec.containers[*].image", "/data/a", "*"];
    fuzz("diff", &seeds, 9, |input| {
        let text = String::from_utf8_lossy(input);
        let other = String::from_utf8_lossy(&seeds[input.len() % seeds.len()]);
        let first = text.lines().next().unwrap_or("");
        let ignore =
            [first, ignores[input.len() % ignores.len()]].iter().filter_map(|s| Ignore::parse(s).ok()).collect();
        let opts = DiffOptions { origins: false, ignore, ignore_kinds: vec!["Secret".into()] };
        for (l, r) in [(&*text, &*other), (&*other, &*text)] {
            if let Ok(d) = diff::diff_texts(l, r, &opts) {
                let _ = (diff::to_text(&d, true), diff::to_json(&d), diff::to_unified(&d, false));
            }
        }
        // A stream compared with itself has no differences.
        if let Ok(d) = diff::diff_texts(&text, &text, &opts) {
            assert!(d.changes.is_empty(), "{:?}", d.changes);
        }
    });
}
