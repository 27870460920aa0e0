//! `capstan explain values`: every final value of a render with the layer that set it
//! (file:line:column, or the `--set`-family argument) and the layers it overrode.
//!
//! The final values come from the same coalescing as `template`; the origins come from
//! the [`provenance`](crate::provenance) record of each layer.

use govalue::Value;

use crate::provenance::{self, Origin, OriginKind, ValueRecord};
use crate::{Error, TemplateOptions};

/// Deepest nesting of final values listed.
const MAX_DEPTH: usize = 1000;

/// One final value and where it came from.
#[derive(Clone, Debug)]
pub struct Explained {
    /// The value's path (`a.b`, `l[0]`, `annotations."x.y"`).
    pub path: String,
    /// The final value.
    pub value: Value,
    /// The layer whose value won; `None` when no layer set it directly (a value
    /// computed by `import-values`, for example).
    pub origin: Option<Origin>,
    /// The layers it overrode, most recent first.
    pub overrode: Vec<Origin>,
}

/// Explains the final values of `helm template` with `opts`; with `only`, just the
/// value at that path and the values below it.
pub fn explain_values(opts: &TemplateOptions, only: Option<&str>) -> Result<Vec<Explained>, Error> {
    let p = crate::prepare(opts, &mut Vec::new())?;
    let coalesced = p.coalesced;
    let record = provenance::record(&p.chart, &p.chart_path, opts, &p.value_files)?;

    let mut leaves = Vec::new();
    collect_leaves(&Value::Map(coalesced), "", 0, &mut leaves);
    let selected = leaves.into_iter().filter(|(path, _)| match only {
        None => true,
        Some(p) => path == p || path.starts_with(&format!("{p}.")) || path.starts_with(&format!("{p}[")),
    });
    let explained: Vec<Explained> = selected
        .map(|(path, value)| {
            let mut origins = origins_of(&record, &path);
            let origin = origins.pop();
            origins.reverse();
            Explained { path, value, origin, overrode: origins }
        })
        .collect();
    if explained.is_empty() {
        if let Some(p) = only {
            return Err(Error::new(format!("no value at {p}")));
        }
    }
    Ok(explained)
}

/// The final leaves: scalars, lists and empty maps, each with its path.
fn collect_leaves(v: &Value, prefix: &str, depth: usize, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Map(m) if !m.is_empty() && depth < MAX_DEPTH => {
            for (k, child) in m.borrow().iter() {
                collect_leaves(child, &provenance::join_path(prefix, k), depth + 1, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

/// Every layer that set `path` or something below it, lowest precedence first. A
/// subchart's copy of a parent's `global` value is traced to the parent's layers.
pub(crate) fn origins_of(record: &ValueRecord, path: &str) -> Vec<Origin> {
    let mut found = collect(record, path);
    if found.is_empty() {
        if let Some(at) = path.find(".global.").or_else(|| path.find(".global[")) {
            found = collect(record, &path[at + 1..]);
            for o in &mut found {
                o.kind = OriginKind::Global;
            }
        }
    }
    found.sort_by_key(|o| o.layer);
    found
}

fn collect(record: &ValueRecord, path: &str) -> Vec<Origin> {
    let below_dot = format!("{path}.");
    let below_index = format!("{path}[");
    record
        .entries
        .range(path.to_string()..)
        .take_while(|(k, _)| k.starts_with(path))
        .filter(|(k, _)| k.as_str() == path || k.starts_with(&below_dot) || k.starts_with(&below_index))
        .flat_map(|(_, origins)| origins.iter().cloned())
        .collect()
}

/// A value as JSON (Go's encoding; a value JSON cannot hold is shown with `%v`).
pub(crate) fn json_value(v: &Value) -> String {
    goyaml::to_json(v).unwrap_or_else(|_| goyaml::to_json(&Value::string(v.to_go_string())).unwrap_or_default())
}

fn json_string(s: &str) -> String {
    json_value(&Value::str(s))
}

/// Where an origin is: `file:line:col`, or the flag and its argument.
fn place(o: &Origin) -> String {
    match &o.arg {
        Some(_) => o.source.clone(),
        None => format!("{}:{}:{}", o.source, o.line, o.column),
    }
}

/// The human-readable report: one block per value.
pub fn to_text(items: &[Explained]) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str(&format!("{} = {}\n", item.path, json_value(&item.value)));
        match &item.origin {
            Some(o) => out.push_str(&format!("  set by    {}  ({})\n", place(o), o.kind.as_str())),
            None => out.push_str("  set by    (no layer sets it directly: computed while merging charts)\n"),
        }
        for o in &item.overrode {
            out.push_str(&format!("  overrode  {} = {}  ({})\n", place(o), json_value(&o.value), o.kind.as_str()));
        }
    }
    out
}

fn origin_json(o: &Origin) -> String {
    let (file, line, arg) = match &o.arg {
        Some(arg) => ("null".to_string(), "null".to_string(), json_string(arg)),
        None => (json_string(&o.source), o.line.to_string(), "null".to_string()),
    };
    format!(
        "{{\"kind\":{},\"file\":{file},\"line\":{line},\"column\":{},\"arg\":{arg}}}",
        json_string(o.kind.as_str()),
        o.column
    )
}

/// The layer stack of each value as a Mermaid flowchart (`-o mermaid`): the layers
/// in precedence order, each overridden by the next, ending in the final value.
pub fn to_mermaid(items: &[Explained]) -> String {
    let label = |s: &str| s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;");
    let mut out = String::from("flowchart LR\n");
    for (i, item) in items.iter().enumerate() {
        let mut layers: Vec<&Origin> = item.overrode.iter().rev().collect();
        layers.extend(item.origin.as_ref());
        let value = format!("v{i}");
        out.push_str(&format!("  {value}[\"{} = {}\"]\n", label(&item.path), label(&json_value(&item.value))));
        let mut prev: Option<String> = None;
        for (j, o) in layers.iter().enumerate() {
            let id = format!("v{i}l{j}");
            let text = format!("{} ({}) = {}", place(o), o.kind.as_str(), json_value(&o.value));
            out.push_str(&format!("  {id}[\"{}\"]\n", label(&text)));
            if let Some(p) = prev {
                out.push_str(&format!("  {p} -. overridden by .-> {id}\n"));
            }
            prev = Some(id);
        }
        if let Some(p) = prev {
            out.push_str(&format!("  {p} --> {value}\n"));
        }
    }
    out
}

/// The JSON report: `[{"path", "value", "origin", "overrode": [{"value", "origin"}]}]`.
pub fn to_json(items: &[Explained]) -> String {
    let entries: Vec<String> = items
        .iter()
        .map(|item| {
            let origin = item.origin.as_ref().map_or("null".to_string(), origin_json);
            let overrode: Vec<String> = item
                .overrode
                .iter()
                .map(|o| format!("{{\"value\":{},\"origin\":{}}}", json_value(&o.value), origin_json(o)))
                .collect();
            format!(
                "{{\"path\":{},\"value\":{},\"origin\":{origin},\"overrode\":[{}]}}",
                json_string(&item.path),
                json_value(&item.value),
                overrode.join(",")
            )
        })
        .collect();
    format!("[{}]\n", entries.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_chart(dir: &std::path::Path) {
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\n").unwrap();
        std::fs::write(
            dir.join("values.yaml"),
            "image:\n  tag: \"1.0\"\n  repo: nginx\nannotations:\n  a.b/c: x\nreplicas: 1\n",
        )
        .unwrap();
        std::fs::write(dir.join("templates/t.yaml"), "# {{ .Values.replicas }}\n").unwrap();
    }

    #[test]
    fn each_value_names_its_layer_and_what_it_overrode() {
        let dir = std::env::temp_dir().join(format!("capstan-explain-{}", std::process::id()));
        fixture_chart(&dir);
        let prod = dir.join("prod.yaml");
        std::fs::write(&prod, "replicas: 3\nimage:\n  tag: \"2.0\"\n").unwrap();
        let chart = dir.to_string_lossy().into_owned();
        let opts = TemplateOptions {
            args: vec![chart.clone()],
            value_files: vec![prod.to_string_lossy().into_owned()],
            set: vec!["replicas=5".into()],
            ..TemplateOptions::default()
        };
        let items = explain_values(&opts, None).unwrap();
        let paths: Vec<&str> = items.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["annotations.\"a.b/c\"", "image.repo", "image.tag", "replicas"]);

        let replicas = &items[3];
        assert_eq!(replicas.value.to_go_string(), "5");
        let o = replicas.origin.as_ref().unwrap();
        assert_eq!((o.kind, o.arg.as_deref(), o.column), (OriginKind::Set, Some("replicas=5"), 1));
        assert_eq!(replicas.overrode.len(), 2);
        assert_eq!((replicas.overrode[0].kind, replicas.overrode[0].line), (OriginKind::ValuesFile, 1));
        assert_eq!(replicas.overrode[1].source, format!("{chart}/values.yaml"));
        assert_eq!((replicas.overrode[1].line, replicas.overrode[1].column), (6, 11));

        let tag = explain_values(&opts, Some("image.tag")).unwrap();
        assert_eq!(tag.len(), 1);
        assert_eq!((tag[0].origin.as_ref().unwrap().line, tag[0].origin.as_ref().unwrap().column), (3, 8));
        let json = to_json(&tag);
        assert!(json.contains("\"path\":\"image.tag\",\"value\":\"2.0\""), "{json}");
        assert!(json.contains("\"kind\":\"values-file\""), "{json}");
        assert!(json.contains("\"kind\":\"chart-values\""), "{json}");
        let text = to_text(&tag);
        assert!(text.starts_with("image.tag = \"2.0\"\n  set by    "), "{text}");

        assert!(explain_values(&opts, Some("nope")).unwrap_err().message().contains("no value at nope"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
