//! Provenance tracing, operation by operation: each test renders a template with a
//! [`Tracer`], values registered as sources, and checks where a piece of the output
//! is said to come from.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::rc::Rc;

use gotmpl::trace::{self, Prov, Span, Tracer};
use gotmpl::Templates;
use govalue::{Map, Value};

/// Values `{a: "alpha", b: "", n: 3, sub: {x: "ex", y: "why"}}`, each entry
/// registered as coming from `values.<path>`.
fn values(t: &Tracer) -> Map {
    let v = Map::new();
    let sub = Map::new();
    for (k, val) in [("x", Value::str("ex")), ("y", Value::str("why"))] {
        sub.insert(k, val.clone());
        let p = Rc::new(Prov::Builtin(format!("values.sub.{k}").into()));
        t.set_slot(&sub, k, p.clone());
        t.set_string(&sub.get(k).unwrap(), p);
    }
    for (k, val) in [("a", Value::str("alpha")), ("b", Value::str("")), ("n", Value::Float(3.0))] {
        v.insert(k, val);
        let p = Rc::new(Prov::Builtin(format!("values.{k}").into()));
        t.set_slot(&v, k, p.clone());
        t.set_string(&v.get(k).unwrap(), p);
    }
    v.insert("sub", Value::Map(sub));
    v
}

/// Renders `text` (with `defines` as a second file) and describes where the first
/// occurrence of `needle` in the output came from.
fn origin_of(text: &str, needle: &str) -> Vec<String> {
    let t = Tracer::new();
    let vals = values(&t);
    let top = Map::new();
    top.insert("Values", Value::Map(vals));
    let mut set = Templates::new(sprig::helm_func_map());
    set.add("c/templates/t.yaml", text).unwrap();
    let (out, spans) = set.execute_traced("c/templates/t.yaml", &Value::Map(top), &t).unwrap();
    let out = String::from_utf8(out).unwrap();
    let at = out.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {out:?}"));
    let mut found = Vec::new();
    for s in spans.iter().filter(|s| s.start < at + needle.len() && s.end > at) {
        let mut flat = Vec::new();
        trace::flatten(&s.prov, s.start, s.end, &s.conds, &s.via, &mut flat);
        for f in flat.iter().filter(|f| f.start < at + needle.len() && f.end > at) {
            describe(f, at, &mut found);
        }
    }
    found
}

fn describe(s: &Span, at: usize, out: &mut Vec<String>) {
    for (op, _) in trace::iter(&s.via) {
        out.push(format!("via {op}"));
    }
    for c in trace::iter(&s.conds) {
        out.push(format!("cond {} {} {}", c.keyword, c.text, c.truth));
    }
    prov(&s.prov, at.saturating_sub(s.start), out, 0);
}

fn prov(p: &Rc<Prov>, offset: usize, out: &mut Vec<String>, depth: usize) {
    assert!(depth < 50);
    match p.as_ref() {
        Prov::Origin(id) => out.push(format!("origin {id}")),
        Prov::Builtin(path) => out.push(path.to_string()),
        Prov::Literal(site) => {
            let (line, col) = site.advanced(offset).line_col();
            out.push(format!("literal {}:{line}:{col}", site.file));
        }
        Prov::Text(spans) => {
            for s in spans.iter() {
                describe(s, s.start + offset, out);
            }
        }
        Prov::Via { op, inner, .. } => {
            out.push(format!("via {op}"));
            prov(inner, offset, out, depth + 1);
        }
        Prov::Choice { op, chosen, tested, overrode, .. } => {
            out.push(format!("choice {op}"));
            prov(chosen, offset, out, depth + 1);
            for (t, truth) in tested {
                out.push(format!("tested {truth}"));
                prov(t, 0, out, depth + 1);
            }
            for (v, o) in overrode {
                out.push(format!("overrode {}", v.to_go_string()));
                prov(o, 0, out, depth + 1);
            }
        }
        Prov::Computed { op, inputs, .. } => {
            out.push(format!("computed {op}"));
            for i in inputs {
                prov(i, 0, out, depth + 1);
            }
        }
    }
}

fn has(found: &[String], want: &str) -> bool {
    found.iter().any(|f| f == want)
}

#[test]
fn literal_text_knows_its_line_and_column() {
    let f = origin_of("a: 1\nkind: Deployment\n", "Deployment");
    assert_eq!(f, vec!["literal c/templates/t.yaml:2:7"]);
}

#[test]
fn a_printed_value_keeps_its_source() {
    assert_eq!(origin_of("x: {{ .Values.a }}", "alpha"), vec!["values.a"]);
    assert_eq!(origin_of("x: {{ .Values.n }}", "3"), vec!["values.n"]);
    assert_eq!(origin_of("{{ $v := .Values.sub }}x: {{ $v.y }}", "why"), vec!["values.sub.y"]);
}

#[test]
fn text_functions_keep_each_pieces_source() {
    let f = origin_of("x: {{ printf \"%s-%s\" .Values.a .Values.sub.x | upper | lower }}", "ex");
    assert!(f.contains(&"computed lower".to_string()), "{f:?}");
    let f = origin_of("x: {{ printf \"%s-%s\" .Values.a .Values.sub.x | quote }}", "ex");
    assert!(has(&f, "values.sub.x") && !has(&f, "values.a"), "{f:?}");
    assert!(has(&f, "via printf") && has(&f, "via quote"), "{f:?}");
}

#[test]
fn default_ternary_and_coalesce_record_the_test() {
    let f = origin_of("x: {{ .Values.b | default \"fallback\" }}", "fallback");
    assert!(has(&f, "choice default") && has(&f, "literal c/templates/t.yaml:1:28"), "{f:?}");
    assert!(has(&f, "tested false") && has(&f, "values.b"), "{f:?}");
    let f = origin_of("x: {{ .Values.a | default \"fallback\" }}", "alpha");
    assert!(has(&f, "via default") && has(&f, "values.a"), "{f:?}");
    let f = origin_of("x: {{ ternary \"yes\" \"no\" (eq .Values.a \"alpha\") }}", "yes");
    assert!(has(&f, "choice ternary") && has(&f, "tested true") && has(&f, "computed eq"), "{f:?}");
    let f = origin_of("x: {{ coalesce .Values.b .Values.sub.x }}", "ex");
    assert!(has(&f, "values.sub.x") && has(&f, "values.b"), "{f:?}");
}

#[test]
fn dict_set_index_and_get_move_sources() {
    let f = origin_of("{{ $d := dict \"k\" .Values.n }}x: {{ index $d \"k\" }}", "3");
    assert!(has(&f, "via index") && has(&f, "values.n"), "{f:?}");
    let f = origin_of("{{ $d := dict }}{{ $_ := set $d \"k\" .Values.n }}x: {{ get $d \"k\" }}", "3");
    assert!(has(&f, "via get") && has(&f, "via set") && has(&f, "values.n"), "{f:?}");
}

#[test]
fn include_and_nindent_keep_the_helpers_sources() {
    let text = "{{ define \"h\" }}name: {{ .Values.a }}\nlit: fixed{{ end }}\nm:{{ include \"h\" . | nindent 2 }}";
    let f = origin_of(text, "alpha");
    assert!(has(&f, "values.a") && has(&f, "via include") && has(&f, "via nindent"), "{f:?}");
    let f = origin_of(text, "fixed");
    assert!(has(&f, "literal c/templates/t.yaml:2:6"), "{f:?}");
}

#[test]
fn to_yaml_and_from_yaml_round_trips_keep_entry_sources() {
    let f = origin_of("{{ toYaml .Values.sub }}", "why");
    assert!(has(&f, "values.sub.y") && has(&f, "via toYaml"), "{f:?}");
    let f = origin_of(
        "{{ $m := include \"h\" . | fromYaml }}x: {{ $m.k }}{{ define \"h\" }}k: {{ .Values.a }}{{ end }}",
        "alpha",
    );
    assert!(has(&f, "values.a") && has(&f, "via fromYaml"), "{f:?}");
}

#[test]
fn merge_overwrite_records_the_winner_and_what_it_replaced() {
    let text = "{{ $a := dict \"k\" .Values.a }}{{ $b := dict \"k\" .Values.sub.x }}\
                {{ $_ := mergeOverwrite $a $b }}x: {{ $a.k }}";
    let f = origin_of(text, "ex");
    assert!(has(&f, "choice mergeOverwrite") && has(&f, "values.sub.x"), "{f:?}");
    assert!(has(&f, "overrode alpha") && has(&f, "values.a"), "{f:?}");
}

#[test]
fn conditions_cover_the_output_they_chose() {
    let f = origin_of("{{ if .Values.a }}on: yes{{ end }}", "yes");
    assert!(has(&f, "cond if .Values.a true"), "{f:?}");
    let f = origin_of("{{ $x := \"one\" }}{{ if .Values.b }}{{ $x = \"two\" }}{{ end }}x: {{ $x }}", "one");
    assert!(has(&f, "choice if .Values.b") && has(&f, "tested false") && has(&f, "values.b"), "{f:?}");
    let f = origin_of("{{ range $k, $v := .Values.sub }}{{ $k }}={{ $v }};{{ end }}", "why");
    assert!(has(&f, "values.sub.y"), "{f:?}");
}

#[test]
fn tpl_text_comes_from_the_value_it_was_given() {
    let f = origin_of("x: {{ tpl \"lit-{{ .Values.a }}\" . }}", "lit");
    assert!(has(&f, "literal c/templates/t.yaml:1:12") && has(&f, "via tpl"), "{f:?}");
    let f = origin_of("x: {{ tpl \"lit-{{ .Values.a }}\" . }}", "alpha");
    assert!(has(&f, "values.a"), "{f:?}");
}
