//! Runs the shared conformance cases of the template areas through the engine
//! alone (Sprig functions, a minimal Helm-like top-level object, no output
//! assembly), to catch engine regressions without the CLI.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use gotmpl::Templates;
use govalue::{Map, MapKind, Value};

const HEADER: &str = "---\n# Source: c/templates/t.yaml\n";

struct Outcome {
    name: String,
    expected: String,
    got: String,
}

/// Helm's parse order: deeper paths first, then reverse lexical order.
fn helm_order(mut names: Vec<String>) -> Vec<String> {
    names.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
    names
}

fn top_level(values: Value, template: &str) -> Value {
    let top = Map::new();
    let values = match values {
        Value::Map(m) => m.with_kind(MapKind::Values),
        _ => Map::new().with_kind(MapKind::Values),
    };
    top.insert("Values", Value::Map(values));
    let release = Map::new();
    release.insert("Name", Value::str("rel"));
    release.insert("Namespace", Value::str("ns"));
    release.insert("Service", Value::str("Helm"));
    top.insert("Release", Value::Map(release));
    let chart = Map::new();
    chart.insert("name", Value::str("c"));
    chart.insert("Name", Value::str("c"));
    chart.insert("version", Value::str("0.1.0"));
    top.insert("Chart", Value::Map(chart));
    let tmpl = Map::new();
    tmpl.insert("Name", Value::str(template));
    tmpl.insert("BasePath", Value::str("c/templates"));
    top.insert("Template", Value::Map(tmpl));
    Value::Map(top.with_kind(MapKind::Values))
}

fn clean(text: &str) -> String {
    let text = text.replace("<no value>", "");
    let mut out: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n") + "\n"
}

fn run_case(case: &serde_json::Value) -> Option<Outcome> {
    let name = case["name"].as_str()?.to_string();
    if !case["args"].as_array().is_some_and(|a| a.is_empty()) {
        return None;
    }
    let files: BTreeMap<String, String> = case["chart_files"]
        .as_object()?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    if files.keys().any(|k| k != "Chart.yaml" && k != "values.yaml" && !k.starts_with("templates/")) {
        return None;
    }
    let values = match files.get("values.yaml") {
        Some(text) => goyaml::parse(text).ok()?,
        None => Value::Nil,
    };
    let expect = &case["expect"];
    let expected = if expect["exit_code"].as_i64() == Some(0) {
        let stdout = expect["stdout"].as_str()?;
        if stdout.matches("# Source:").count() != 1 {
            return None;
        }
        stdout.strip_prefix(HEADER)?.to_string()
    } else {
        let stderr = expect["stderr"].as_str()?;
        stderr.strip_suffix("\n\nUse --debug flag to render out invalid YAML\n").unwrap_or(stderr).to_string()
    };
    let mut set = Templates::new(sprig::helm_func_map());
    let names = helm_order(files.keys().filter(|k| k.starts_with("templates/")).map(|k| format!("c/{k}")).collect());
    for n in &names {
        if let Err(e) = set.add(n, &files[n.trim_start_matches("c/")]) {
            return Some(Outcome { name, expected, got: format!("Error: {}", e.helm_message()) });
        }
    }
    let mut rendered = String::new();
    for n in &names {
        if n.rsplit('/').next().is_some_and(|b| b.starts_with('_')) {
            continue;
        }
        match set.execute(n, &top_level(values.clone(), n)) {
            Ok(out) => {
                if n == "c/templates/t.yaml" {
                    rendered = out;
                }
            }
            Err(e) => return Some(Outcome { name, expected, got: format!("Error: {}", e.helm_message()) }),
        }
    }
    let expected = if expected.starts_with("Error: ") { expected } else { clean(&expected) };
    Some(Outcome { name, expected, got: clean(&rendered) })
}

fn run_area(area: &str) -> (usize, Vec<Outcome>) {
    let Some(shared) = testkit::shared_dir("conformance/expected") else {
        return (0, Vec::new());
    };
    let path = shared.join("conformance/expected").join(format!("{area}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut total = 0;
    let mut failures = Vec::new();
    for case in doc["cases"].as_array().cloned().unwrap_or_default() {
        if let Some(outcome) = run_case(&case) {
            total += 1;
            if outcome.expected != outcome.got {
                failures.push(outcome);
            }
        }
    }
    (total, failures)
}

#[test]
fn template_areas_render_like_helm() {
    let handle = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {
            let mut report = String::new();
            let mut failed = 0;
            let mut total = 0;
            for area in ["text-template-syntax", "builtins"] {
                let (n, failures) = run_area(area);
                total += n;
                failed += failures.len();
                for f in failures {
                    report.push_str(&format!(
                        "--- {area}/{}\nexpected: {:?}\n     got: {:?}\n",
                        f.name, f.expected, f.got
                    ));
                }
            }
            (total, failed, report)
        })
        .expect("spawn");
    let (total, failed, report) = handle.join().expect("join");
    if std::env::var_os("GOTMPL_REPORT").is_some() {
        eprintln!("{report}\n{} of {} cases differ", failed, total);
    }
    assert!(total == 0 || failed * 10 < total, "{failed} of {total} cases differ:\n{report}");
}
