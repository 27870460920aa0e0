//! Snapshot tests of the engine: representative templates rendered with Sprig's
//! functions, and the error texts Helm would print for broken ones. The snapshots in
//! `tests/snapshots/` were checked against Helm 4.3.1's output for the same templates.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gotmpl::Templates;
use govalue::{Map, MapEntries, Value};

fn values() -> Value {
    let mut config = MapEntries::new();
    config.insert("LOG_LEVEL".into(), Value::str("DEBUG"));
    config.insert("APP_PORT".into(), Value::Float(8080.0));
    config.insert("REPLICAS".into(), Value::Float(1000000.0));
    let mut root = MapEntries::new();
    root.insert("config".into(), Value::map(config));
    root.insert("names".into(), Value::list(vec![Value::str("a"), Value::str("b"), Value::str("c")]));
    root.insert("empty".into(), Value::str(""));
    root.insert("count".into(), Value::Int64(3));
    let mut dot = MapEntries::new();
    dot.insert("Values".into(), Value::map(root));
    Value::Map(Map::from_entries(dot))
}

/// Renders `text` as template `c/templates/t.yaml`, or the Helm error text.
fn render(text: &str) -> String {
    let mut set = Templates::new(sprig::helm_func_map());
    set.set_seed(Some(7));
    if let Err(e) = set.add("c/templates/t.yaml", text) {
        return format!("Error: {}", e.helm_message());
    }
    match set.execute("c/templates/t.yaml", &values()) {
        Ok(out) => out,
        Err(e) => format!("Error: {}", e.helm_message()),
    }
}

#[test]
fn pipelines_ranges_and_whitespace() {
    insta::assert_snapshot!(render(
        "{{- range $k, $v := .Values.config }}\n{{ $k }}: {{ $v | quote }}\n{{- end }}\n\
         names: {{ join \",\" .Values.names }} ({{ len .Values.names }})\n\
         {{ with .Values.empty }}never{{ else }}empty is falsy{{ end }}\n\
         {{ range $i, $n := .Values.names }}{{ if $i }}, {{ end }}{{ $i }}={{ $n }}{{ end }}\n\
         {{ range .Values.count }}[{{ . }}]{{ end }}"
    ));
}

#[test]
fn variables_define_template_and_include() {
    insta::assert_snapshot!(render(
        "{{- define \"greet\" }}hello {{ . }}{{ end -}}\n\
         {{- $x := \"outer\" }}{{ if true }}{{ $x = \"assigned\" }}{{ $y := \"inner\" }}{{ end }}\n\
         x={{ $x }}\n\
         {{ template \"greet\" \"world\" }}\n\
         {{ include \"greet\" \"again\" | upper }}\n\
         {{ tpl \"{{ .Values.config.LOG_LEVEL | lower }}\" . }}"
    ));
}

#[test]
fn go_fmt_and_number_types() {
    insta::assert_snapshot!(render(
        "{{ .Values.config.REPLICAS }} {{ .Values.config.APP_PORT }} {{ .Values.count }}\n\
         {{ printf \"%05.1f|%-4s|%x|%q|%v|%T\" 3.14159 \"ab\" 255 \"q\" .Values.names .Values.count }}\n\
         {{ printf \"%d\" \"not a number\" }} {{ printf \"%s\" }} {{ printf \"%s\" 1 2 }}\n\
         {{ toYaml .Values.config }}\n\
         {{ toJson .Values }}"
    ));
}

#[test]
fn errors_read_like_helm() {
    let cases = [
        "{{ .Values.config.LOG_LEVEL.nested.deeper }}",
        "{{ eq .Values.config.APP_PORT 8080 }}",
        "{{ indent .Values.config.APP_PORT \"x\" }}",
        "{{ if }}",
        "{{ nosuchfunc 1 }}",
        "{{ fail \"stop here\" }}",
        "{{ required \"a value is required\" .Values.missing }}",
        "{{ template \"missing\" }}",
    ];
    let report: Vec<String> = cases.iter().map(|c| format!("{c}\n=> {}", render(c))).collect();
    insta::assert_snapshot!(report.join("\n\n"));
}
