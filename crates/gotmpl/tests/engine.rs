//! Engine behaviour with a small function map of its own: Helm's `include`,
//! `tpl` and `fail`, error presentation, scoping and limits.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gotmpl::Templates;
use govalue::{FuncError, FuncMap, FuncSpec, Map, Param, Value};

fn funcs() -> FuncMap {
    let mut m = FuncMap::new();
    m.extend([
        FuncSpec {
            name: "include",
            params: &[Param::String, Param::Any],
            variadic: None,
            can_fail: true,
            body: |h, a| h.include(a[0].as_str().unwrap_or(""), &a[1]).map(Value::from_go_bytes),
        },
        FuncSpec {
            name: "tpl",
            params: &[Param::String, Param::Any],
            variadic: None,
            can_fail: true,
            body: |h, a| h.tpl(a[0].go_bytes().unwrap_or(b""), &a[1]).map(Value::from_go_bytes),
        },
        FuncSpec {
            name: "fail",
            params: &[Param::String],
            variadic: None,
            can_fail: true,
            body: |_, a| Err(FuncError::new(format!("HELM_ERR_START{}HELM_ERR_END", a[0].as_str().unwrap_or("")))),
        },
        FuncSpec {
            name: "upper",
            params: &[Param::String],
            variadic: None,
            can_fail: false,
            body: |_, a| Ok(Value::string(a[0].as_str().unwrap_or("").to_uppercase())),
        },
        FuncSpec {
            name: "add1",
            params: &[Param::Int64],
            variadic: None,
            can_fail: false,
            body: |_, a| Ok(Value::Int64(if let Value::Int64(i) = a[0] { i + 1 } else { 0 })),
        },
    ]);
    m
}

fn data() -> Value {
    let values = Map::new();
    values.insert("s", Value::str("hi"));
    values.insert("n", Value::Float(3.0));
    let top = Map::new();
    top.insert("Values", Value::Map(values));
    Value::Map(top)
}

/// Renders `text` as "c/templates/t.yaml" (plus extra files), returning the
/// output or Helm's error message.
fn render_with(files: &[(&str, &str)], text: &str) -> String {
    let mut set = Templates::new(funcs());
    for (name, body) in files {
        if let Err(e) = set.add(name, body) {
            return format!("Error: {}", e.helm_message());
        }
    }
    if let Err(e) = set.add("c/templates/t.yaml", text) {
        return format!("Error: {}", e.helm_message());
    }
    match set.execute("c/templates/t.yaml", &data()) {
        Ok(out) => out,
        Err(e) => format!("Error: {}", e.helm_message()),
    }
}

fn render(text: &str) -> String {
    render_with(&[], text)
}

#[test]
fn prints_values_and_missing_keys() {
    assert_eq!(render("{{ .Values.s }} {{ .Values.n }} [{{ .Values.nope }}]"), "hi 3 [<no value>]");
    assert_eq!(render("{{ printf \"%v\" .Values.nope }}"), "<nil>");
}

#[test]
fn function_errors_keep_go_one_line_form() {
    assert_eq!(
        render("# {{ len 3 }}"),
        "Error: template: c/templates/t.yaml:1:5: executing \"c/templates/t.yaml\" at <len 3>: error calling len: len of type int"
    );
}

#[test]
fn exec_errors_are_multi_line() {
    assert_eq!(
        render("# {{ and }}"),
        "Error: c/templates/t.yaml:1:5\n  executing \"c/templates/t.yaml\" at <and>:\n    wrong number of args for and: want at least 1 got 0"
    );
    assert_eq!(
        render("# {{ upper .Values.missing }}"),
        "Error: c/templates/t.yaml:1:18\n  executing \"c/templates/t.yaml\" at <.Values.missing>:\n    wrong type for value; expected string; got interface {}"
    );
    assert_eq!(
        render("# {{ .Values.missing | upper }}"),
        "Error: c/templates/t.yaml:1:23\n  executing \"c/templates/t.yaml\" at <upper>:\n    invalid value; expected string"
    );
}

#[test]
fn untyped_constants_take_the_parameter_type() {
    assert_eq!(render("{{ add1 41 }}"), "42");
    assert_eq!(
        render("{{ add1 .Values.n }}"),
        "Error: c/templates/t.yaml:1:15\n  executing \"c/templates/t.yaml\" at <.Values.n>:\n    wrong type for value; expected int64; got float64"
    );
}

#[test]
fn fail_reads_like_helm() {
    assert_eq!(render("# {{ fail \"boom\" }}"), "Error: execution error at (c/templates/t.yaml:1:5): boom");
}

#[test]
fn include_errors_nest_the_inner_location() {
    let helpers = ("c/templates/_h.tpl", "{{- define \"bad\" -}}\n{{ .Values.no.such }}\n{{- end -}}\n");
    assert_eq!(
        render_with(&[helpers], "# {{ include \"bad\" . }}"),
        "Error: c/templates/t.yaml:1:5\n  executing \"c/templates/t.yaml\" at <include \"bad\" .>:\n    error calling include:\nc/templates/_h.tpl:2:10\n  executing \"bad\" at <.Values.no.such>:\n    nil pointer evaluating interface {}.such"
    );
    assert_eq!(
        render("# {{ include \"nope\" . }}"),
        "Error: c/templates/t.yaml:1:5\n  executing \"c/templates/t.yaml\" at <include \"nope\" .>:\n    error calling include:\ntemplate: no template \"nope\" associated with template \"gotpl\""
    );
}

#[test]
fn tpl_sees_defines_and_reports_one_line_errors() {
    assert_eq!(render("{{ tpl \"{{ define \\\"q\\\" }}Q{{ end }}{{ include \\\"q\\\" . }}\" . }}"), "Q");
    assert_eq!(render("{{ tpl \"{{ .Values.s }}\" . }}"), "hi");
    assert_eq!(
        render("# {{ tpl \"{{ .x \" . }}"),
        "Error: template: c/templates/t.yaml:1:5: executing \"c/templates/t.yaml\" at <tpl \"{{ .x \" .>: error calling tpl: cannot parse template \"{{ .x \": template: gotpl:1: unclosed action"
    );
}

#[test]
fn later_defines_replace_earlier_ones_unless_empty() {
    let mut set = Templates::new(funcs());
    assert!(set.add("c/templates/_b.tpl", "{{ define \"d\" }}b{{ end }}").is_ok());
    assert!(set.add("c/templates/_a.tpl", "{{ define \"d\" }}a{{ end }}{{ define \"e\" }}e{{ end }}").is_ok());
    assert!(set.add("c/templates/_c.tpl", "{{ define \"e\" }}{{ end }}").is_ok());
    assert!(set.add("c/templates/t.yaml", "{{ template \"d\" }}{{ template \"e\" }}").is_ok());
    assert!(set.has("d"));
    assert_eq!(set.execute("c/templates/t.yaml", &Value::Nil).ok().as_deref(), Some("ae"));
}

#[test]
fn variables_follow_go_scoping() {
    assert_eq!(render("{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}"), "21");
    assert_eq!(render("{{ $x := 1 }}{{ range $i := 3 }}{{ $x = $i }}{{ end }}{{ $x }}"), "2");
}

#[test]
fn runaway_recursion_stops_without_overflowing_the_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(|| render("{{- define \"loop\" }}{{ template \"loop\" . }}{{ end -}}\n# {{ template \"loop\" . }}\n"))
        .expect("spawn");
    let out = handle.join().expect("no overflow");
    assert!(out.ends_with("exceeded maximum template depth (100000)"), "{out}");
}

#[test]
fn seeded_random_source_is_repeatable() {
    fn draw(seed: u64) -> u64 {
        let mut m = FuncMap::new();
        m.extend([FuncSpec {
            name: "rnd",
            params: &[],
            variadic: None,
            can_fail: false,
            body: |h, _| Ok(Value::Int64((h.random_u64() >> 2) as i64)),
        }]);
        let mut set = Templates::new(m);
        set.set_seed(Some(seed));
        assert!(set.add("t", "{{ rnd }}").is_ok());
        set.execute("t", &Value::Nil).ok().and_then(|s| s.parse().ok()).unwrap_or(0)
    }
    assert_eq!(draw(7), draw(7));
    assert_ne!(draw(7), draw(8));
}

#[test]
fn arbitrary_input_never_panics() {
    const PIECES: &[&str] = &[
        "{{",
        "}}",
        "{{-",
        "-}}",
        " ",
        "\n",
        ".",
        ".Values",
        ".s",
        ".n",
        "$",
        "$x",
        ":=",
        "=",
        "|",
        "(",
        ")",
        "\"a\"",
        "`r`",
        "'c'",
        "1",
        "-2",
        "0x1p4",
        "2i",
        "1e9",
        "if",
        "else",
        "end",
        "range",
        "with",
        "define",
        "template",
        "block",
        "break",
        "continue",
        "nil",
        "true",
        "and",
        "or",
        "not",
        "len",
        "index",
        "slice",
        "printf",
        "\"%d %s %v %[2]q %*d %.2f %x\"",
        "print",
        "println",
        "eq",
        "lt",
        "html",
        "js",
        "urlquery",
        "call",
        "include",
        "tpl",
        "upper",
        "add1",
        ",",
        "/*",
        "*/",
        "%",
        "é",
        "\\",
        "\"",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 24) as usize;
        let text: String = (0..len).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
        let _ = render(&text);
    }
}

#[test]
fn deep_nesting_fails_cleanly_instead_of_overflowing() {
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(|| {
            let depth = 200_000;
            let text = format!("{}x{}", "{{ if true }}".repeat(depth), "{{ end }}".repeat(depth));
            render(&text)
        })
        .expect("spawn");
    let out = handle.join().expect("no overflow");
    assert!(out.starts_with("Error: "), "{}", &out[..out.len().min(200)]);
}
