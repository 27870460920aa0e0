//! Helm's own template functions: YAML/JSON/TOML conversion (`toYaml`, `fromYaml`,
//! `toJson`, ...), `include`, `tpl`, `required`, `fail` and `lookup`, plus Sprig's
//! JSON functions (`toPrettyJson`, `toRawJson`, `mustFromJson`, ...).

use govalue::{FuncError, FuncSpec, Map, Param, Value};

use crate::conv::{arg, arg_bytes, arg_str, err, fallible, func};

use Param::{Any, String as S};

/// Where Helm marks the message of `fail` and `required` errors, so its engine can
/// print them as `execution error at (FILE:LINE:COL): MESSAGE` (Helm's `warnWrap`).
const ERR_START: &str = "HELM_ERR_START";
/// The end mark of a `fail`/`required` message.
const ERR_END: &str = "HELM_ERR_END";

/// Helm's functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("toYaml", &[Any], |_, a| Ok(Value::string(to_yaml(&arg(a, 0)).unwrap_or_default()))),
        fallible("mustToYaml", &[Any], |_, a| to_yaml(&arg(a, 0)).map(Value::string).map_err(FuncError::new)),
        func("toYamlPretty", &[Any], |_, a| Ok(Value::string(to_yaml_pretty(&arg(a, 0)).unwrap_or_default()))),
        func("fromYaml", &[S], |_, a| Ok(from_yaml(arg_bytes(a, 0)))),
        func("fromYamlArray", &[S], |_, a| Ok(from_yaml_array(arg_bytes(a, 0)))),
        func("toJson", &[Any], |_, a| Ok(Value::string(goyaml::to_json(&arg(a, 0)).unwrap_or_default()))),
        fallible("mustToJson", &[Any], |_, a| goyaml::to_json(&arg(a, 0)).map(Value::string).map_err(FuncError::new)),
        func("fromJson", &[S], |_, a| Ok(from_json(arg_str(a, 0)))),
        func("fromJsonArray", &[S], |_, a| Ok(from_json_array(arg_str(a, 0)))),
        func("toToml", &[Any], |_, a| Ok(toml_text(goyaml::to_toml(&arg(a, 0)).unwrap_or_else(|e| e)))),
        func("fromToml", &[S], |_, a| Ok(from_toml_bytes(arg_bytes(a, 0)))),
        fallible("mustToToml", &[Any], |_, a| goyaml::to_toml(&arg(a, 0)).map(toml_text).map_err(FuncError::new)),
        fallible("include", &[S, Any], |h, a| h.include(arg_str(a, 0), &arg(a, 1)).map(Value::from_go_bytes)),
        fallible("tpl", &[S, Any], |h, a| h.tpl(arg_bytes(a, 0), &arg(a, 1)).map(Value::from_go_bytes)),
        fallible("required", &[S, Any], |_, a| {
            let v = arg(a, 1);
            match &v {
                Value::Nil => err(warn_wrap(arg_str(a, 0))),
                Value::String(s) if s.is_empty() => err(warn_wrap(arg_str(a, 0))),
                _ => Ok(v),
            }
        }),
        fallible("fail", &[S], |_, a| err(warn_wrap(arg_str(a, 0)))),
        fallible("lookup", &[S, S, S, S], |_, _| Ok(Value::Map(Map::new()))),
    ]
}

/// Sprig's JSON functions (Helm replaces `toJson`, `mustToJson` and `fromJson`).
pub(crate) fn sprig_json_functions() -> Vec<FuncSpec> {
    vec![
        func("toJson", &[Any], |_, a| Ok(Value::string(goyaml::to_json(&arg(a, 0)).unwrap_or_default()))),
        fallible("mustToJson", &[Any], |_, a| goyaml::to_json(&arg(a, 0)).map(Value::string).map_err(FuncError::new)),
        func("fromJson", &[S], |_, a| Ok(goyaml::parse_json(arg_str(a, 0)).unwrap_or(Value::Nil))),
        fallible("mustFromJson", &[S], |_, a| goyaml::parse_json(arg_str(a, 0)).map_err(FuncError::new)),
        func("toPrettyJson", &[Any], |_, a| {
            Ok(Value::string(goyaml::to_json_indent(&arg(a, 0), "  ").unwrap_or_default()))
        }),
        fallible("mustToPrettyJson", &[Any], |_, a| {
            goyaml::to_json_indent(&arg(a, 0), "  ").map(Value::string).map_err(FuncError::new)
        }),
        fallible("toRawJson", &[Any], |_, a| {
            goyaml::to_json(&arg(a, 0)).map(|s| Value::string(unescape_html(&s))).map_err(FuncError::new)
        }),
        fallible("mustToRawJson", &[Any], |_, a| {
            goyaml::to_json(&arg(a, 0)).map(|s| Value::string(unescape_html(&s))).map_err(FuncError::new)
        }),
    ]
}

/// Helm's `warnWrap`.
fn warn_wrap(msg: &str) -> String {
    format!("{ERR_START}{msg}{ERR_END}")
}

/// Helm's `toYaml`: sigs.k8s.io/yaml bytes without the final newline.
fn to_yaml(v: &Value) -> Result<String, String> {
    goyaml::to_yaml(v).map(|s| s.strip_suffix('\n').map(str::to_string).unwrap_or(s))
}

/// The prefix of the stand-ins [`to_yaml_pretty`] puts where floats and times go.
const MARK: &str = "capstanplainmark";

/// Helm's `toYamlPretty` (go-yaml v3 with `SetIndent(2)`): sigs.k8s.io/yaml's text
/// with floats in Go's `%g` form, long scalars not folded and sequences under a
/// mapping key indented.
fn to_yaml_pretty(v: &Value) -> Result<String, String> {
    let mut plain = Vec::new();
    let marked = mark_plain(v, &mut plain, 0);
    let yaml = to_yaml(&marked)?;
    let mut out = indent_sequences(&unfold(&yaml));
    for (i, text) in plain.iter().enumerate() {
        out = out.replace(&format!("{MARK}{i}x"), text);
    }
    Ok(out)
}

/// A copy of `v` whose floats and times are replaced by numbered marks; `plain`
/// collects the plain scalars go-yaml v3 writes for them (`1e+06`, a timestamp).
fn mark_plain(v: &Value, plain: &mut Vec<String>, depth: usize) -> Value {
    if depth > 1000 {
        return v.clone();
    }
    let text = match v {
        Value::Float(f) => match govalue::strconv::format_float(*f, b'g', -1).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            other => other.to_string(),
        },
        Value::Object(_) => match crate::dates::rfc3339(v) {
            Some(t) => t,
            None => return v.clone(),
        },
        Value::List(l) => return Value::list(l.items().iter().map(|x| mark_plain(x, plain, depth + 1)).collect()),
        Value::Map(m) => {
            let out = Map::new();
            for (k, x) in m.borrow().iter() {
                out.insert(k.clone(), mark_plain(x, plain, depth + 1));
            }
            return Value::Map(out);
        }
        other => return other.clone(),
    };
    plain.push(text);
    Value::string(format!("{MARK}{}x", plain.len() - 1))
}

/// Joins the continuation lines of scalars go-yaml v2 folded at 80 columns.
fn unfold(yaml: &str) -> String {
    /// What a line ends in: a foldable inline scalar, a block scalar header, or
    /// neither; with the column its continuation lines are indented beyond.
    enum Tail {
        Scalar(usize),
        Block(usize),
        Other,
    }
    fn tail(line: &str) -> Tail {
        let ind = line.len() - line.trim_start_matches(' ').len();
        let mut col = ind;
        while line[col..].starts_with("- ") {
            col += 2;
        }
        let content = &line[col..];
        let (value, owner) = match content.find(": ") {
            Some(i) if !content.starts_with('"') && !content.starts_with('\'') => (&content[i + 2..], col),
            // A bare sequence item continues at its content column.
            _ if col > ind => (content, col - 2),
            _ => (content, col),
        };
        if value.starts_with('|') || value.starts_with('>') {
            return Tail::Block(owner);
        }
        if value.is_empty() || value == "[]" || value == "{}" || value.ends_with(':') {
            return Tail::Other;
        }
        Tail::Scalar(owner)
    }
    let mut out: Vec<String> = Vec::new();
    let mut state = Tail::Other;
    for line in yaml.split('\n') {
        let ind = line.len() - line.trim_start_matches(' ').len();
        match state {
            Tail::Block(col) if ind > col || line.trim().is_empty() => {
                out.push(line.to_string());
                continue;
            }
            Tail::Scalar(col) if ind > col && !line.trim().is_empty() => {
                if let Some(last) = out.last_mut() {
                    let cont = line.trim_start_matches(' ');
                    let cont = cont.strip_prefix('\\').filter(|c| c.starts_with(' ')).unwrap_or(cont);
                    last.push(' ');
                    last.push_str(cont);
                    continue;
                }
            }
            _ => {}
        }
        state = tail(line);
        out.push(line.to_string());
    }
    out.join("\n")
}

/// go-yaml v3's layout with `SetIndent(2)`: a sequence under a mapping key is
/// indented below the key.
fn indent_sequences(yaml: &str) -> String {
    /// The column where a line's content starts after its `- ` item markers.
    fn key_column(line: &str) -> usize {
        let mut col = line.len() - line.trim_start_matches(' ').len();
        while line[col..].starts_with("- ") {
            col += 2;
        }
        col
    }
    let mut out = String::with_capacity(yaml.len() + yaml.len() / 4);
    // Open sequences: (original indentation, total shift inside them).
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut prev: Option<&str> = None;
    for line in yaml.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let ind = body.len() - body.trim_start_matches(' ').len();
        let is_item = body[ind..].starts_with("- ") || &body[ind..] == "-";
        while let Some(&(at, _)) = open.last() {
            if ind < at || (ind == at && !is_item && !body.is_empty()) {
                open.pop();
            } else {
                break;
            }
        }
        let after_key = prev.is_some_and(|p| p.trim_end().ends_with(':') && key_column(p) == ind);
        if is_item && after_key && open.last().is_none_or(|&(at, _)| at != ind) {
            let shift = open.last().map(|&(_, s)| s).unwrap_or(0) + 2;
            open.push((ind, shift));
        }
        let shift = open.last().map(|&(_, s)| s).unwrap_or(0);
        if !body.is_empty() {
            out.extend(std::iter::repeat_n(' ', shift));
        }
        out.push_str(line);
        prev = Some(body);
    }
    out
}

/// The name encoding/json uses for a JSON value's kind in unmarshal errors.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    }
}

/// A map holding only an `Error` key, as Helm's `from*` functions return on failure.
fn error_map(msg: String) -> Value {
    let m = Map::new();
    m.insert("Error", Value::string(msg));
    Value::Map(m)
}

/// Helm's `fromYaml`: a map, or a map with an `Error` key.
fn from_yaml(text: &[u8]) -> Value {
    match goyaml::parse_bytes(text) {
        Err(e) => error_map(format!("error converting YAML to JSON: {e}")),
        Ok(Value::Nil) => Value::Map(Map::new()),
        Ok(Value::Map(m)) => Value::Map(m.with_kind(govalue::MapKind::Plain)),
        Ok(other) => error_map(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
    }
}

/// Helm's `fromYamlArray`: a list, or a one-item list holding the error.
fn from_yaml_array(text: &[u8]) -> Value {
    let msg = match goyaml::parse_bytes(text) {
        Err(e) => format!("error converting YAML to JSON: {e}"),
        Ok(Value::Nil) => return Value::list(Vec::new()),
        Ok(Value::List(l)) => return Value::list(l.items().to_vec()),
        Ok(other) => format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ),
    };
    Value::list(vec![Value::string(msg)])
}

/// Helm's `fromJson`: a map, or a map with an `Error` key.
fn from_json(text: &str) -> Value {
    match goyaml::parse_json(text) {
        Err(e) => error_map(e),
        Ok(Value::Nil) => Value::Map(Map::new()),
        Ok(Value::Map(m)) => Value::Map(m),
        Ok(other) => error_map(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
    }
}

/// Helm's `fromJsonArray`: a list, or a one-item list holding the error.
fn from_json_array(text: &str) -> Value {
    let msg = match goyaml::parse_json(text) {
        Err(e) => e,
        Ok(Value::Nil) => return Value::list(Vec::new()),
        Ok(Value::List(l)) => return Value::list(l.items().to_vec()),
        Ok(other) => format!("json: cannot unmarshal {} into Go value of type []interface {{}}", json_kind(&other)),
    };
    Value::list(vec![Value::string(msg)])
}

/// [`from_toml_bytes`] of a text (the unit tests' form).
#[cfg(test)]
fn from_toml(text: &str) -> Value {
    from_toml_bytes(text.as_bytes())
}

/// Helm's `fromToml` of a Go string's bytes: a map, or a map with an `Error` key
/// (BurntSushi/toml's text; an invalid UTF-8 byte is an error where it is read).
fn from_toml_bytes(text: &[u8]) -> Value {
    let datetime = |tok: &str| tok.parse::<toml::value::Datetime>().ok().map(|d| toml_datetime(&d));
    match goyaml::parse_toml_bytes_with(text, &datetime) {
        Ok(v) => v,
        Err(e) => error_map(e),
    }
}

/// A TOML date-time as BurntSushi/toml decodes it: a `time.Time`, in UTC, at its
/// offset, or in the pseudo-zones `datetime-local`, `date-local`, `time-local`.
fn toml_datetime(d: &toml::value::Datetime) -> Value {
    let (y, mo, da) = d.date.map(|x| (x.year as i64, x.month as i64, x.day as i64)).unwrap_or((0, 1, 1));
    let (h, mi, s, ns) =
        d.time.map(|t| (t.hour as i64, t.minute as i64, t.second as i64, t.nanosecond as i64)).unwrap_or((0, 0, 0, 0));
    let (offset, zone) = match (d.offset, d.date.is_some(), d.time.is_some()) {
        (Some(toml::value::Offset::Z), _, _) => (None, ""),
        (Some(toml::value::Offset::Custom { minutes }), _, _) => (Some(minutes as i32 * 60), ""),
        (None, true, true) => (Some(0), "datetime-local"),
        (None, true, false) => (Some(0), "date-local"),
        (None, false, _) => (Some(0), "time-local"),
    };
    crate::dates::fixed_time(y, mo, da, h, mi, s, ns, offset, zone)
}

/// Undoes encoding/json's HTML escaping (`\u003c`, `\u003e`, `\u0026`), which
/// `toRawJson` turns off.
fn unescape_html(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let esc = &rest[i..];
        let replacement = match esc.get(..6) {
            Some("\\u003c") => Some('<'),
            Some("\\u003e") => Some('>'),
            Some("\\u0026") => Some('&'),
            _ => None,
        };
        match replacement {
            Some(c) => {
                out.push(c);
                rest = &esc[6..];
            }
            None => {
                // Copy the backslash and the escaped character as they are.
                let n = esc.chars().nth(1).map(char::len_utf8).unwrap_or(0);
                out.push_str(&esc[..1 + n]);
                rest = &esc[1 + n..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The result of a function, for tests.
/// The TOML text as a Go string: keys and strings that are not UTF-8 were written
/// escaped (see `govalue::bytekey`) and get their bytes back, as Go's encoder keeps them.
fn toml_text(text: String) -> Value {
    match govalue::bytekey::unescape(&text) {
        std::borrow::Cow::Borrowed(_) => Value::string(text),
        std::borrow::Cow::Owned(bytes) => Value::from_go_bytes(bytes),
    }
}

#[cfg(test)]
fn result_text(r: govalue::FuncResult) -> String {
    match r {
        Ok(v) => v.to_go_string(),
        Err(e) => format!("ERR {}", e.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{call, TestHost};

    #[test]
    fn pretty_yaml_indents_sequences() {
        let y = "a:\n- name: x\n  ports:\n  - 80\n  - - 1\n    - 2\n- \"y\"\ne: []\nml: |\n  a\n";
        let want = "a:\n  - name: x\n    ports:\n      - 80\n      - - 1\n        - 2\n  - \"y\"\ne: []\nml: |\n  a\n";
        assert_eq!(indent_sequences(y), want);
        assert_eq!(indent_sequences("- 1\n- a:\n  - 2\n"), "- 1\n- a:\n    - 2\n");
    }

    #[test]
    fn pretty_yaml_like_go_yaml_v3() {
        let long = "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiiiiiiiii";
        let m = Map::new();
        m.insert("long", Value::str(long));
        m.insert("f", Value::Float(1000000.0));
        m.insert("ml", Value::str("a\n  b\nc\n"));
        m.insert("l", Value::list(vec![Value::Float(0.5), Value::Int64(7), Value::str(long)]));
        let y = to_yaml_pretty(&Value::Map(m)).unwrap();
        assert_eq!(y, format!("f: 1e+06\nl:\n  - 0.5\n  - 7\n  - {long}\nlong: {long}\nml: |\n  a\n    b\n  c"));
    }

    #[test]
    fn raw_json_unescapes_html_only() {
        assert_eq!(unescape_html(r#""\u003ca\u003e \\u003c \u0026""#), r#""<a> \\u003c &""#);
    }

    #[test]
    fn required_and_fail_wrap_messages() {
        let mut h = TestHost::new();
        let r = call(&mut h, "required", &[Value::str("need x"), Value::str("")]);
        assert_eq!(result_text(r), "ERR HELM_ERR_STARTneed xHELM_ERR_END");
        let r = call(&mut h, "required", &[Value::str("need x"), Value::Bool(false)]);
        assert_eq!(result_text(r), "false");
        let r = call(&mut h, "include", &[Value::str("t"), Value::str("d")]);
        assert_eq!(result_text(r), "[t:d]");
        let r = call(&mut h, "lookup", &[Value::str("v1"), Value::str("Secret"), Value::str(""), Value::str("")]);
        assert_eq!(result_text(r), "map[]");
    }

    #[test]
    fn from_yaml_errors_in_key() {
        assert_eq!(
            from_yaml(b"- a").to_go_string(),
            "map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]"
        );
        assert_eq!(from_yaml(b"").to_go_string(), "map[]");
        assert_eq!(from_toml("a = 1\n[b]\nc = \"x\"").to_go_string(), "map[a:1 b:map[c:x]]");
        assert_eq!(
            from_toml("d = 1979-05-27T07:32:00-07:00\nl = 1979-05-27").to_go_string(),
            "map[d:1979-05-27 07:32:00 -0700 -0700 l:1979-05-27 00:00:00 +0000 date-local]"
        );
        assert_eq!(
            from_toml("a = ").to_go_string(),
            "map[Error:toml: line 1 (last key \"a\"): unexpected EOF; expected value]"
        );
        assert_eq!(
            from_toml("a = 1\na = 2").to_go_string(),
            "map[Error:toml: line 2 (last key \"a\"): Key 'a' has already been defined.]"
        );
        assert_eq!(from_yaml_array(b"- a\n- 1").to_go_string(), "[a 1]");
    }
}
