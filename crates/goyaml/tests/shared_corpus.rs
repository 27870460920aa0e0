//! Every YAML file of the shared seed charts and the real-chart corpus must parse
//! (values files, Chart.yaml, and any other `.yaml` that is not a template).
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            // Templates (and istiod's templated `files/`) are Go templates, not YAML.
            if p.file_name().is_some_and(|n| n == "templates" || n == "files") {
                continue;
            }
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

#[test]
fn all_shared_yaml_files_parse() {
    let Some(root) = testkit::shared_dir("seed-charts") else { return };
    let mut files = Vec::new();
    yaml_files(&root.join("seed-charts"), &mut files);
    yaml_files(&root.join("corpus/charts"), &mut files);
    yaml_files(&root.join("corpus/values"), &mut files);
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        if let Err(e) = goyaml::parse(&text) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} files failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}
