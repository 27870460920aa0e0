//! From rendered files to Helm's output: splitting into documents, reading each
//! document's head (`apiVersion`, `kind`, `metadata.name`, annotations) with Helm's
//! error texts, separating hooks, sorting by kind in install order, and assembling
//! `---\n# Source: path\n` blocks with Helm 4's whitespace.

use std::collections::BTreeMap;

use govalue::Value;

use crate::error::Error;
use crate::glob::go_match;

/// Helm's install order of kinds; unknown kinds go last, alphabetically.
const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Hook events Helm knows (`test-success` is the old name of `test`).
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One rendered document that is not a hook.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The template's full path.
    pub name: String,
    /// The document text (leading whitespace removed, trailing kept).
    pub content: String,
    /// Its `kind`.
    pub kind: String,
}

/// One rendered document annotated `helm.sh/hook`.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    /// The template's full path.
    pub path: String,
    /// The document text.
    pub manifest: String,
    /// Its `kind`.
    pub kind: String,
    /// Whether it is a `test` hook.
    pub is_test: bool,
}

/// `releaseutil.SplitManifests`: the documents of a stream, in order, each with
/// leading whitespace removed; empty documents are dropped.
pub fn split_manifests(big: &str) -> Vec<String> {
    split_manifest_bytes(big.as_bytes()).into_iter().map(|d| String::from_utf8_lossy(d).into_owned()).collect()
}

/// [`split_manifests`] of a rendered file's bytes, which need not be UTF-8.
pub(crate) fn split_manifest_bytes(big: &[u8]) -> Vec<&[u8]> {
    split_on_separators(trim_start_bytes(big))
        .into_iter()
        .filter(|d| !is_blank_bytes(d))
        .map(trim_start_bytes)
        .collect()
}

/// `s` without leading Unicode white space; a byte that is not UTF-8 is not space.
fn trim_start_bytes(s: &[u8]) -> &[u8] {
    // ASCII space first: only a non-ASCII byte needs UTF-8 decoding.
    let ascii = s.iter().position(|&b| !b.is_ascii() || !(b as char).is_whitespace()).unwrap_or(s.len());
    if s.get(ascii).is_none_or(|b| b.is_ascii()) {
        return &s[ascii..];
    }
    let s = &s[ascii..];
    let mut skip = 0;
    for chunk in s.utf8_chunks() {
        let valid = chunk.valid();
        let rest = valid.trim_start();
        skip += valid.len() - rest.len();
        if !rest.is_empty() || !chunk.invalid().is_empty() {
            break;
        }
    }
    &s[skip..]
}

/// Whether `s` is only Unicode white space. Stops at the first ASCII byte that is
/// not space (without validating the rest of a large document).
fn is_blank_bytes(s: &[u8]) -> bool {
    match s.iter().position(|&b| !b.is_ascii() || !(b as char).is_whitespace()) {
        None => true,
        Some(i) if s[i].is_ascii() => false,
        Some(i) => s[i..].utf8_chunks().all(|c| c.invalid().is_empty() && c.valid().trim().is_empty()),
    }
}

/// Splits at every `(?m)^---[ \t]*`, dropping the separators.
fn split_on_separators(b: &[u8]) -> Vec<&[u8]> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let at_line_start = i == 0 || b[i - 1] == b'\n';
        if at_line_start && b[i..].starts_with(b"---") {
            docs.push(&b[start..i]);
            let mut j = i + 3;
            while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                j += 1;
            }
            start = j;
            i = j;
            continue;
        }
        match b[i..].iter().position(|&c| c == b'\n') {
            Some(n) => i += n + 1,
            None => break,
        }
    }
    docs.push(&b[start..]);
    docs
}

/// A document of a rendered file: its text, or, when it is not valid UTF-8, the
/// error reading it as YAML gives.
type Doc<'a> = (&'a String, Result<String, String>);

fn doc_text(doc: &[u8]) -> Result<String, String> {
    match std::str::from_utf8(doc) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => Err(match goyaml::check_bytes(doc) {
            Err(e) => format!("error converting YAML to JSON: {e}"),
            Ok(()) => "error converting YAML to JSON: yaml: invalid leading UTF-8 octet".to_string(),
        }),
    }
}

/// The part of a document Helm reads (`SimpleHead`).
#[derive(Default)]
struct Head {
    kind: String,
    annotations: Option<BTreeMap<String, String>>,
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        _ => "number",
    }
}

fn unmarshal_error(detail: String) -> String {
    format!("error unmarshaling JSON: while decoding JSON: json: {detail}")
}

fn head_string(v: Option<Value>, field: &str) -> Result<String, String> {
    match v {
        None | Some(Value::Nil) => Ok(String::new()),
        Some(v @ (Value::List(_) | Value::Map(_))) => Err(unmarshal_error(format!(
            "cannot unmarshal {} into Go struct field .{field} of type string",
            json_kind(&v)
        ))),
        Some(other) => Ok(other.to_go_string()),
    }
}

fn parse_head(doc: &str) -> Result<Head, String> {
    let v = goyaml::parse_keys(doc, &["apiVersion", "kind", "metadata"])
        .map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    let m = match v {
        Value::Nil => return Ok(Head::default()),
        Value::Map(m) => m,
        other => {
            return Err(unmarshal_error(format!(
                "cannot unmarshal {} into Go value of type util.SimpleHead",
                json_kind(&other)
            )))
        }
    };
    head_string(m.get("apiVersion"), "apiVersion")?;
    let kind = head_string(m.get("kind"), "kind")?;
    let mut head = Head { kind, annotations: None };
    match m.get("metadata") {
        None | Some(Value::Nil) => {}
        Some(Value::Map(md)) => {
            head_string(md.get("name"), "metadata.name")?;
            match md.get("annotations") {
                None | Some(Value::Nil) => {}
                Some(Value::Map(a)) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in a.borrow().iter() {
                        out.insert(k.to_string(), head_string(Some(v.clone()), "metadata.annotations")?);
                    }
                    head.annotations = Some(out);
                }
                Some(other) => {
                    return Err(unmarshal_error(format!(
                        "cannot unmarshal {} into Go struct field .metadata.annotations of type map[string]string",
                        json_kind(&other)
                    )))
                }
            }
        }
        Some(other) => {
            return Err(unmarshal_error(format!(
                "cannot unmarshal {} into Go struct field .metadata of type struct {{ Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }}",
                json_kind(&other)
            )))
        }
    }
    Ok(head)
}

fn kind_rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

/// Reads the head of every document, in parallel when there are many (the YAML
/// of large CRDs dominates this step); results keep the documents' order.
fn parse_heads(docs: &[Doc<'_>]) -> Vec<Result<Head, String>> {
    let total: usize = docs.iter().map(|(_, d)| d.as_ref().map_or(0, String::len)).sum();
    let parse = |d: &Result<String, String>| match d {
        Ok(text) => parse_head(text),
        Err(e) => Err(e.clone()),
    };
    if docs.len() < 2 || total < 256 * 1024 {
        return docs.iter().map(|(_, d)| parse(d)).collect();
    }
    // Asking for the parallelism reads cgroup files: only worth it for large output.
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    if threads < 2 {
        return docs.iter().map(|(_, d)| parse(d)).collect();
    }
    let chunk = docs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = docs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|(_, d)| parse(d)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|_| vec![Err("internal error reading a document".into())]))
            .collect()
    })
}

/// `releaseutil.SortManifests`: documents of every non-partial, non-empty file (in
/// path order), split into hooks and manifests, each sorted by kind.
///
/// Files are bytes, as Go renders them: a document that is not valid UTF-8 fails
/// with go-yaml's reader error, as in Helm.
pub fn sort_manifests(files: &BTreeMap<String, Vec<u8>>) -> Result<(Vec<Hook>, Vec<Manifest>), Error> {
    let mut docs: Vec<Doc<'_>> = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || is_blank_bytes(content) {
            continue;
        }
        docs.extend(split_manifest_bytes(content).into_iter().map(|d| (path, doc_text(d))));
    }
    let heads = parse_heads(&docs);
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    for ((path, doc), head) in docs.into_iter().zip(heads) {
        let head = head.map_err(|e| Error::new(format!("YAML parse error on {path}: {e}")))?;
        let doc = doc.unwrap_or_default();
        let hook_types = match head.annotations.as_ref().filter(|a| !a.is_empty()) {
            Some(a) => a.get("helm.sh/hook").cloned(),
            None => None,
        };
        let Some(hook_types) = hook_types else {
            generic.push(Manifest { name: path.clone(), content: doc, kind: head.kind });
            continue;
        };
        let events: Vec<String> = hook_types.split(',').map(|h| h.trim().to_lowercase()).collect();
        if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
            continue;
        }
        let is_test = events.iter().any(|e| e == "test" || e == "test-success");
        hooks.push(Hook { path: path.clone(), manifest: doc, kind: head.kind, is_test });
    }
    generic.sort_by(|a, b| kind_rank(&a.kind).cmp(&kind_rank(&b.kind)));
    hooks.sort_by(|a, b| kind_rank(&a.kind).cmp(&kind_rank(&b.kind)));
    Ok((hooks, generic))
}

/// Writes one `---\n# Source: NAME\nCONTENT\n` block.
pub fn source_block(out: &mut String, name: &str, content: &str) {
    out.push_str("---\n# Source: ");
    out.push_str(name);
    out.push('\n');
    out.push_str(content);
    out.push('\n');
}

/// `--show-only`: the documents of `full` whose template path (after the chart name)
/// matches one of `patterns`, each as `---\nDOC\n`, in pattern order.
pub fn show_only(full: &str, patterns: &[String]) -> Result<String, Error> {
    let docs = split_manifests(full);
    let mut out = String::new();
    for pattern in patterns {
        let mut missing = true;
        for doc in &docs {
            let Some(path) = source_path(doc) else { continue };
            if go_match(pattern, path) != Some(true) {
                continue;
            }
            out.push_str("---\n");
            out.push_str(doc);
            out.push('\n');
            missing = false;
        }
        if missing {
            return Err(Error::new(format!("could not find template {pattern} in chart")));
        }
    }
    Ok(out)
}

/// The `(.+)` of `# Source: [^/]+/(.+)` in a document.
fn source_path(doc: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = doc[from..].find("# Source: ") {
        let start = from + i + "# Source: ".len();
        let rest = &doc[start..];
        if let Some(slash) = rest.find('/') {
            if slash > 0 {
                let after = &rest[slash + 1..];
                let line = after.split('\n').next().unwrap_or("");
                if !line.is_empty() {
                    return Some(line);
                }
            }
        }
        from = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_keeps_trailing_whitespace() {
        let docs = split_manifests("\na: 1\n---\nb: 2\n--- \n\nc: 3\n");
        assert_eq!(docs, ["a: 1\n", "b: 2\n", "c: 3\n"]);
        assert_eq!(split_manifests("---apiVersion: v1\n"), ["apiVersion: v1\n"]);
    }

    #[test]
    fn source_path_after_chart_name() {
        assert_eq!(source_path("# Source: c/templates/x.yaml\na: 1\n"), Some("templates/x.yaml"));
        assert_eq!(source_path("a: 1\n"), None);
    }

    #[test]
    fn show_only_reports_missing() {
        let full = "---\n# Source: c/templates/a.yaml\na: 1\n\n---\n# Source: c/templates/b.yaml\nb: 2\n";
        assert_eq!(
            show_only(full, &["templates/a.yaml".into()]).unwrap(),
            "---\n# Source: c/templates/a.yaml\na: 1\n\n\n"
        );
        assert_eq!(
            show_only(full, &["templates/z.yaml".into()]).unwrap_err().to_string(),
            "could not find template templates/z.yaml in chart"
        );
    }

    #[test]
    fn many_large_documents_keep_their_order() {
        let mut files = BTreeMap::new();
        let filler = format!("data:\n  x: \"{}\"\n", "y".repeat(40_000));
        let mut body = String::new();
        for i in 0..20 {
            body.push_str(&format!("kind: K{}\nmetadata:\n  name: n{i}\n{filler}---\n", 19 - i));
        }
        files.insert("c/templates/a.yaml".to_string(), body.into_bytes());
        let (_, manifests) = sort_manifests(&files).unwrap();
        let kinds: Vec<&str> = manifests.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds.len(), 20);
        assert_eq!(kinds[0], "K0");
        assert!(manifests[0].content.contains("name: n19"));
        files.insert("c/templates/b.yaml".to_string(), b"a: b\n c: d\n".to_vec());
        let e = sort_manifests(&files).unwrap_err().to_string();
        assert!(
            e.starts_with("YAML parse error on c/templates/b.yaml: error converting YAML to JSON: yaml: line 2"),
            "{e}"
        );
    }

    #[test]
    fn kind_ranks() {
        assert!(kind_rank("Namespace") < kind_rank("Deployment"));
        assert!(kind_rank("Deployment") < kind_rank("AAA"));
        assert!(kind_rank("AAA") < kind_rank("BBB"));
    }
}
