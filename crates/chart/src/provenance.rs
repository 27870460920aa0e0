//! Where each value came from: for every value path, the layers that set it (chart
//! defaults, each `-f` file with line and column, each `--set`-family argument) in
//! precedence order, so the last one is the value that wins. `capstan explain`
//! builds on this record.

use std::collections::BTreeMap;

use govalue::{Map, Value};
use goyaml::{Node, NodeKind};

use crate::load::Chart;
use crate::values::{parse_document, split_documents};
use crate::{strvals, Error, TemplateOptions};

/// Deepest map nesting recorded (deeper values are recorded as a whole).
const MAX_DEPTH: usize = 1000;
/// Longest flag value path recorded.
const MAX_PATH_LEN: usize = 100_000;

/// Which kind of layer set a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginKind {
    /// The chart's own `values.yaml`.
    ChartValues,
    /// A subchart's `values.yaml`.
    SubchartValues,
    /// A `-f/--values` file.
    ValuesFile,
    /// `--set`
    Set,
    /// `--set-string`
    SetString,
    /// `--set-file`
    SetFile,
    /// `--set-json`
    SetJson,
    /// `--set-literal`
    SetLiteral,
    /// A parent's `global` value copied into a subchart.
    Global,
}

impl OriginKind {
    /// The name `explain -o json` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            OriginKind::ChartValues => "chart-values",
            OriginKind::SubchartValues => "subchart-values",
            OriginKind::ValuesFile => "values-file",
            OriginKind::Set => "set",
            OriginKind::SetString => "set-string",
            OriginKind::SetFile => "set-file",
            OriginKind::SetJson => "set-json",
            OriginKind::SetLiteral => "set-literal",
            OriginKind::Global => "global",
        }
    }

    fn of_flag(flag: &str) -> OriginKind {
        match flag {
            "--set-string" => OriginKind::SetString,
            "--set-file" => OriginKind::SetFile,
            "--set-json" => OriginKind::SetJson,
            "--set-literal" => OriginKind::SetLiteral,
            _ => OriginKind::Set,
        }
    }
}

/// One layer's setting of a value.
#[derive(Clone, Debug)]
pub struct Origin {
    /// What kind of layer this is.
    pub kind: OriginKind,
    /// The file path, or the flag and its argument (`--set a=b`).
    pub source: String,
    /// For flags, the argument alone (`a=b`).
    pub arg: Option<String>,
    /// 1-based line in the file (0 for flags).
    pub line: usize,
    /// 1-based column in the file, or in the flag's argument.
    pub column: usize,
    /// The value that layer gave (nil means the layer deleted the key).
    pub value: Value,
    /// Precedence of the layer: a higher layer overrides a lower one.
    pub layer: usize,
}

/// Every value path (`a.b.c`, list items as `l[0]`) and the layers that set it,
/// lowest precedence first.
#[derive(Clone, Debug, Default)]
pub struct ValueRecord {
    /// Path → origins in precedence order.
    pub entries: BTreeMap<String, Vec<Origin>>,
    /// How many layers have been recorded.
    layers: usize,
}

impl ValueRecord {
    /// The layer whose value wins for `path`, if any layer set it.
    pub fn winner(&self, path: &str) -> Option<&Origin> {
        self.entries.get(path).and_then(|o| o.last())
    }

    fn push(&mut self, path: String, origin: Origin) {
        self.entries.entry(path).or_default().push(origin);
    }

    /// Records every leaf of a positioned YAML tree from `source`.
    fn record_node(&mut self, node: &Node, prefix: &str, kind: OriginKind, source: &str, line_offset: usize) {
        match &node.kind {
            NodeKind::Map(entries) if prefix.matches('.').count() < MAX_DEPTH => {
                for (key, _, _, child) in entries {
                    let path = join_path(prefix, key);
                    self.record_node(child, &path, kind, source, line_offset);
                }
            }
            _ => self.push(
                prefix.to_string(),
                Origin {
                    kind,
                    source: source.to_string(),
                    arg: None,
                    line: node.line + line_offset,
                    column: node.column,
                    value: node.to_value(),
                    layer: self.layers,
                },
            ),
        }
    }

    /// Records every leaf of a plain value set by flag `flag` with argument `arg`.
    fn record_value(&mut self, v: &Value, prefix: &str, flag: &str, arg: &str) {
        match v {
            Value::Map(m) if prefix.len() < MAX_PATH_LEN => {
                for (k, child) in m.borrow().iter() {
                    let path = join_path(prefix, k);
                    self.record_value(child, &path, flag, arg);
                }
            }
            Value::List(l) if prefix.len() < MAX_PATH_LEN && l.items().iter().any(|i| matches!(i, Value::Map(_))) => {
                for (i, item) in l.items().iter().enumerate() {
                    self.record_value(item, &format!("{prefix}[{i}]"), flag, arg);
                }
            }
            other => self.push(
                prefix.to_string(),
                Origin {
                    kind: OriginKind::of_flag(flag),
                    source: format!("{flag} {arg}"),
                    arg: Some(arg.to_string()),
                    line: 0,
                    column: column_in_arg(arg, prefix),
                    value: other.clone(),
                    layer: self.layers,
                },
            ),
        }
    }

    /// Records a values text (a file or a chart's `values.yaml`) under `prefix`.
    fn record_text(&mut self, text: &str, prefix: &str, kind: OriginKind, source: &str) -> Result<(), String> {
        for doc in split_documents(text)? {
            if let Some(node) = parse_document(&doc)? {
                self.record_node(&node, prefix, kind, source, doc.first_line - 1);
            }
        }
        self.layers += 1;
        Ok(())
    }
}

/// A value path: dot-separated keys, a key holding a dot quoted (`a."b.c"`).
pub fn join_path(prefix: &str, key: &str) -> String {
    let key = if key.contains('.') || key.contains('[') || key.is_empty() {
        govalue::strconv::quote(key)
    } else {
        key.to_string()
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

/// The 1-based column in a `--set` argument where the assignment to `path` begins
/// (1 when it cannot be told).
fn column_in_arg(arg: &str, path: &str) -> usize {
    let mut start = 0;
    let mut depth = 0;
    let mut escaped = false;
    let bytes = arg.as_bytes();
    let mut segments = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b',' if depth == 0 => {
                segments.push((start, &arg[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    segments.push((start, &arg[start..]));
    segments
        .iter()
        .find(|(_, seg)| {
            let key = seg.split('=').next().unwrap_or("");
            path == key || path.starts_with(&format!("{key}.")) || path.starts_with(&format!("{key}["))
        })
        .map_or(1, |(offset, _)| offset + 1)
}

fn record_chart_defaults(rec: &mut ValueRecord, chart: &Chart, prefix: &str, source: &str) -> Result<(), String> {
    for sub in &chart.dependencies {
        let p = join_path(prefix, sub.name());
        record_chart_defaults(rec, sub, &p, &format!("{source}/charts/{}", sub.name()))?;
    }
    if let Some(text) = &chart.values_text {
        let kind = if prefix.is_empty() { OriginKind::ChartValues } else { OriginKind::SubchartValues };
        rec.record_text(text, prefix, kind, &format!("{source}/values.yaml"))?;
    }
    Ok(())
}

/// Builds the record for a render of the chart found at `chart_path`: chart defaults
/// (subcharts first, as they are overridden by their parent), then every user layer
/// in Helm's order.
/// `files` holds the bytes each `-f` file had when the values were read.
pub fn record(
    chart: &Chart,
    chart_path: &str,
    opts: &TemplateOptions,
    files: &[Vec<u8>],
) -> Result<ValueRecord, Error> {
    let mut rec = ValueRecord::default();
    let root = chart_path.trim_end_matches('/');
    record_chart_defaults(&mut rec, chart, "", root).map_err(Error::new)?;
    for (file, raw) in opts.value_files.iter().zip(files) {
        let text = String::from_utf8_lossy(raw);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let source = if file.trim() == "-" { "<stdin>" } else { file.as_str() };
        rec.record_text(text, "", OriginKind::ValuesFile, source)
            .map_err(|e| Error::new(format!("failed to parse {file}: {e}")))?;
    }
    let flag = |rec: &mut ValueRecord, name: &str, arg: &str, mode: Option<&mut strvals::Mode>| -> Result<(), Error> {
        let m = Map::new();
        let result = match mode {
            Some(mode) => strvals::parse_into(arg, &m, mode),
            None => strvals::parse_literal_into(arg, &m),
        };
        result.map_err(|e| Error::new(format!("failed parsing {name} data: {e}")))?;
        rec.record_value(&Value::Map(m), "", name, arg);
        rec.layers += 1;
        Ok(())
    };
    for a in &opts.set_json {
        let trimmed = a.trim();
        if trimmed.starts_with('{') {
            // A whole JSON object, merged as `template` merges it.
            if let Ok(v @ Value::Map(_)) = goyaml::parse_json(trimmed) {
                rec.record_value(&v, "", "--set-json", a);
            }
            rec.layers += 1;
            continue;
        }
        flag(&mut rec, "--set-json", a, Some(&mut strvals::Mode::Json))?;
    }
    for a in &opts.set {
        flag(&mut rec, "--set", a, Some(&mut strvals::Mode::Typed))?;
    }
    for a in &opts.set_string {
        flag(&mut rec, "--set-string", a, Some(&mut strvals::Mode::String))?;
    }
    for a in &opts.set_file {
        let mut reader = |p: &str| -> Result<Value, String> { Ok(Value::string(format!("(contents of {p})"))) };
        flag(&mut rec, "--set-file", a, Some(&mut strvals::Mode::File(&mut reader)))?;
    }
    for a in &opts.set_literal {
        flag(&mut rec, "--set-literal", a, None)?;
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_are_recorded_in_precedence_order_with_positions() {
        let dir = std::env::temp_dir().join(format!("capstan-prov-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f1 = dir.join("a.yaml");
        std::fs::write(&f1, "image:\n  tag: one\n---\nreplicas: 2\n").unwrap();
        let mut chart = Chart::default();
        chart.metadata.name = "c".into();
        chart.values_text = Some("image:\n  tag: default\n  repo: nginx\n".into());
        let opts = TemplateOptions {
            value_files: vec![f1.to_string_lossy().into_owned()],
            set: vec!["image.tag=three".into()],
            ..TemplateOptions::default()
        };
        let files = vec![std::fs::read(&f1).unwrap()];
        let rec = record(&chart, "charts/c/", &opts, &files).unwrap();
        let tags = &rec.entries["image.tag"];
        assert_eq!(tags.len(), 3);
        assert_eq!((tags[0].source.as_str(), tags[0].line, tags[0].column), ("charts/c/values.yaml", 2, 8));
        assert_eq!(tags[0].kind, OriginKind::ChartValues);
        assert_eq!((tags[2].kind, tags[2].arg.as_deref()), (OriginKind::Set, Some("image.tag=three")));
        assert!(tags[0].layer < tags[1].layer && tags[1].layer < tags[2].layer);
        assert_eq!((tags[1].line, tags[1].column), (2, 8));
        assert_eq!(rec.winner("image.tag").map(|o| o.source.as_str()), Some("--set image.tag=three"));
        assert_eq!(rec.winner("replicas").map(|o| o.line), Some(4));
        assert_eq!(rec.winner("image.repo").map(|o| o.value.to_go_string()), Some("nginx".into()));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn paths_quote_dotted_keys_and_flags_know_their_column() {
        assert_eq!(join_path("a", "b.c"), "a.\"b.c\"");
        assert_eq!(join_path("", "x"), "x");
        assert_eq!(column_in_arg("a=1,b.c=2", "b.c"), 5);
        assert_eq!(column_in_arg("l={1,2},m=3", "m"), 9);
        assert_eq!(column_in_arg("a[0].x=1", "a[0].x"), 1);
    }
}
