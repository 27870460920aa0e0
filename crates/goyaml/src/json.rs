//! Go's `encoding/json` for capstan values: `Marshal` (sorted keys, HTML-safe string
//! escaping, Go's float layout), `MarshalIndent`, and `Unmarshal` into `interface{}`
//! with Go's syntax error texts.

use govalue::{strconv, List, Map, MapEntries, Value};

/// A JSON document tree; numbers keep the text Go's encoder writes.
#[derive(Clone, Debug)]
pub enum JsonVal {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<JsonVal>),
    /// Members in Go's order (keys sorted bytewise).
    Object(Vec<(String, JsonVal)>),
}

/// Nesting beyond this is reported as a cycle rather than risking the stack (Go
/// itself only starts checking for cycles at depth 1000; a real cycle gives the same
/// error either way, so capstan checks from the start).
const MAX_DEPTH: usize = 500;

/// Go's JSON layout of a float64 (`'f'` format, exponent form below 1e-6 and from
/// 1e21, with `e-07` cleaned to `e-7`).
pub fn format_json_float(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err(format!("json: unsupported value: {}", strconv::format_float(f, b'g', -1)));
    }
    let abs = f.abs();
    let e = abs != 0.0 && !(1e-6..1e21).contains(&abs);
    let mut s = strconv::format_float(f, if e { b'e' } else { b'f' }, -1);
    if e {
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            let last = b[n - 1] as char;
            s.truncate(n - 2);
            s.push(last);
        }
    }
    Ok(s)
}

fn base64_encode(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

struct Walker {
    path: Vec<usize>,
}

impl Walker {
    fn enter(&mut self, addr: usize, type_name: String) -> Result<(), String> {
        if self.path.len() > MAX_DEPTH || self.path.contains(&addr) {
            return Err(format!("json: unsupported value: encountered a cycle via {type_name}"));
        }
        self.path.push(addr);
        Ok(())
    }

    fn list(&mut self, l: &List, type_name: String) -> Result<JsonVal, String> {
        self.enter(l.addr(), type_name)?;
        let mut items = Vec::with_capacity(l.len());
        for i in l.items() {
            items.push(self.walk(i)?);
        }
        self.path.pop();
        Ok(JsonVal::Array(items))
    }

    fn map(&mut self, m: &Map, type_name: String) -> Result<JsonVal, String> {
        self.enter(m.addr(), type_name)?;
        let entries: Vec<(String, Value)> =
            m.borrow().iter().map(|(k, v)| (govalue::bytekey::unescape_lossy(k).into_owned(), v.clone())).collect();
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            out.push((k, self.walk(&v)?));
        }
        self.path.pop();
        Ok(JsonVal::Object(out))
    }

    fn walk(&mut self, v: &Value) -> Result<JsonVal, String> {
        Ok(match v {
            Value::Nil => JsonVal::Null,
            Value::Bool(b) => JsonVal::Bool(*b),
            Value::Int(i) | Value::Int64(i) => JsonVal::Number(i.to_string()),
            Value::Uint8(b) => JsonVal::Number(b.to_string()),
            Value::Uint64(u) => JsonVal::Number(u.to_string()),
            Value::Float(f) => JsonVal::Number(format_json_float(*f)?),
            Value::String(s) => JsonVal::String(s.to_string()),
            // encoding/json writes each invalid byte as \ufffd.
            Value::ByteString(b) => JsonVal::String(b.text().to_string()),
            Value::Bytes(b) => JsonVal::String(base64_encode(b)),
            // encoding/json writes a nil slice as null.
            Value::List(l) if l.is_nil() => JsonVal::Null,
            Value::List(l) => self.list(l, v.type_name())?,
            // encoding/json writes a nil map as null.
            Value::Map(m) if m.is_nil() => JsonVal::Null,
            Value::Map(m) => self.map(m, v.type_name())?,
            // encoding/json refuses some kinds of value outright.
            Value::Object(o) if matches!(o.kind_name(), "complex64" | "complex128" | "chan" | "func") => {
                return Err(format!("json: unsupported type: {}", o.type_name()));
            }
            Value::Object(o) if o.struct_fields().is_some() => {
                self.enter(std::rc::Rc::as_ptr(o) as *const () as usize, o.type_name().to_string())?;
                let mut out = Vec::new();
                for f in o.struct_fields().unwrap_or_default().into_iter().filter(|f| f.in_json()) {
                    out.push((f.json.to_string(), self.walk(&f.value)?));
                }
                self.path.pop();
                JsonVal::Object(out)
            }
            Value::Object(o) => match o.to_json_value() {
                Some(inner) => {
                    if self.path.len() > MAX_DEPTH {
                        return Err(format!("json: unsupported value: encountered a cycle via {}", o.type_name()));
                    }
                    self.path.push(0);
                    let r = self.walk(&inner);
                    self.path.pop();
                    r?
                }
                None => JsonVal::Object(Vec::new()),
            },
        })
    }
}

/// The JSON tree Go's encoder would write for `v`.
pub fn to_json_val(v: &Value) -> Result<JsonVal, String> {
    Walker { path: Vec::new() }.walk(v)
}

/// The length in characters of `s` written as a JSON string (quotes included).
pub fn encoded_len(s: &str) -> usize {
    let mut out = String::new();
    write_string(&mut out, s);
    out.chars().count()
}

fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                let b = c as u32;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_compact(out: &mut String, j: &JsonVal) {
    match j {
        JsonVal::Null => out.push_str("null"),
        JsonVal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonVal::Number(n) => out.push_str(n),
        JsonVal::String(s) => write_string(out, s),
        JsonVal::Array(items) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(out, it);
            }
            out.push(']');
        }
        JsonVal::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_compact(out, v);
            }
            out.push('}');
        }
    }
}

fn newline(out: &mut String, indent: &str, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str(indent);
    }
}

fn write_indented(out: &mut String, j: &JsonVal, indent: &str, depth: usize) {
    match j {
        JsonVal::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_indented(out, it, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push(']');
        }
        JsonVal::Object(members) if !members.is_empty() => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_string(out, k);
                out.push_str(": ");
                write_indented(out, v, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push('}');
        }
        other => write_compact(out, other),
    }
}

/// Go's `json.Marshal(v)` as a string: sorted keys, `<`, `>`, `&`, U+2028 and
/// U+2029 escaped, integers without `.0`, `[]byte` as base64. Errors carry Go's text
/// (`json: unsupported value: NaN`, `json: unsupported value: encountered a cycle via ...`).
pub fn to_json(v: &Value) -> Result<String, String> {
    let j = to_json_val(v)?;
    let mut out = String::new();
    write_compact(&mut out, &j);
    Ok(out)
}

/// Go's `json.MarshalIndent(v, "", indent)` (Helm's `toPrettyJson` uses `"  "`).
pub fn to_json_indent(v: &Value, indent: &str) -> Result<String, String> {
    let j = to_json_val(v)?;
    let mut out = String::new();
    write_indented(&mut out, &j, indent, 0);
    Ok(out)
}

/// Go's `quoteChar` used in JSON syntax errors.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = strconv::quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

/// One step of the path to a value, for Go's unmarshal type errors.
enum PathSeg {
    Key(String),
    Index(usize),
}

struct JsonParser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
    path: Vec<PathSeg>,
    /// The first number that does not fit a float64 (Go keeps decoding after it).
    type_error: Option<String>,
}

const MAX_JSON_DEPTH: usize = 500;

impl JsonParser<'_> {
    fn cur_char(&self) -> char {
        self.text.get(self.i..).and_then(|r| r.chars().next()).unwrap_or('\u{fffd}')
    }

    fn invalid(&self, ctx: &str) -> String {
        if self.i >= self.s.len() {
            return "unexpected end of JSON input".into();
        }
        format!("invalid character {} {ctx}", quote_char(self.cur_char()))
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        let Some(&c) = self.s.get(self.i) else {
            return Err("unexpected end of JSON input".into());
        };
        match c {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => Ok(Value::string(self.string()?)),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Nil),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.invalid("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        for (k, expected) in word.bytes().enumerate() {
            match self.s.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(&b) if b == expected => self.i += 1,
                Some(_) => {
                    return Err(format!(
                        "invalid character {} in literal {word} (expecting {})",
                        quote_char(self.cur_char()),
                        quote_char(word.as_bytes()[k] as char)
                    ))
                }
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, String> {
        let st = self.i;
        if self.s[self.i] == b'-' {
            self.i += 1;
            match self.s.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b'0'..=b'9') => {}
                Some(_) => return Err(self.invalid("in numeric literal")),
            }
        }
        if self.s[self.i] == b'0' {
            self.i += 1;
        } else {
            while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                self.i += 1;
            }
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            match self.s.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b'0'..=b'9') => {}
                Some(_) => return Err(self.invalid("after decimal point in numeric literal")),
            }
            while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                self.i += 1;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            match self.s.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b'0'..=b'9') => {}
                Some(_) => return Err(self.invalid("in exponent of numeric literal")),
            }
            while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                self.i += 1;
            }
        }
        let text = &self.text[st..self.i];
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                if self.type_error.is_none() {
                    self.type_error = Some(self.number_error(text));
                }
                Ok(Value::Float(0.0))
            }
        }
    }

    /// Go's (Helm 4 build) text for a number that overflows float64 at the current path.
    fn number_error(&self, text: &str) -> String {
        let path: String = self
            .path
            .iter()
            .map(|p| match p {
                PathSeg::Key(k) => format!(".{k}"),
                PathSeg::Index(i) => format!(".{i}"),
            })
            .collect();
        match self.path.last() {
            None => format!("json: cannot unmarshal number {text} into Go value of type float64"),
            Some(PathSeg::Key(_)) => {
                format!("json: cannot unmarshal number {text} into Go struct field {path} of type float64")
            }
            Some(PathSeg::Index(_)) => format!("json: cannot unmarshal number {text} into {path} of type float64"),
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0u32;
        for _ in 0..4 {
            match self.s.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(&b) => match (b as char).to_digit(16) {
                    Some(d) => {
                        v = v * 16 + d;
                        self.i += 1;
                    }
                    None => return Err(self.invalid("in \\u hexadecimal character escape")),
                },
            }
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err("unexpected end of JSON input".into());
            };
            match b {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(&e) = self.s.get(self.i) else {
                        return Err("unexpected end of JSON input".into());
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.i) == Some(&b'\\')
                                && self.s.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                                } else {
                                    out.push('\u{fffd}');
                                    self.i = save;
                                }
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{fffd}'));
                            }
                        }
                        _ => {
                            let c = self.text[self.i - 1..].chars().next().unwrap_or('\u{fffd}');
                            return Err(format!("invalid escape sequence `\\{c}` in string"));
                        }
                    }
                }
                b if b < 0x20 => return Err(self.invalid("in string")),
                _ => {
                    let c = self.cur_char();
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_JSON_DEPTH {
            return Err("exceeded max depth".into());
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Value, String> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::list(items));
        }
        loop {
            self.path.push(PathSeg::Index(items.len()));
            let v = self.value();
            self.path.pop();
            items.push(v?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::list(items));
                }
                _ => return Err(self.invalid("after array element")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, String> {
        self.enter()?;
        self.i += 1;
        let mut m = MapEntries::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::map(m));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.invalid("looking for beginning of object key string"));
            }
            let k = self.string()?;
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return Err(self.invalid("after object key"));
            }
            self.i += 1;
            self.path.push(PathSeg::Key(k.clone()));
            let v = self.value();
            self.path.pop();
            m.insert(k.into(), v?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::map(m));
                }
                _ => return Err(self.invalid("after object key:value pair")),
            }
        }
    }
}

/// Go's `json.Unmarshal` into `interface{}`: objects become maps, arrays
/// `[]interface {}`, numbers float64; errors carry Go's text
/// (`invalid character 'x' looking for beginning of value`, `unexpected end of JSON input`,
/// `json: cannot unmarshal number 1e400 into Go struct field .a of type float64`).
pub fn parse_json(text: &str) -> Result<Value, String> {
    match parse_json_partial(text)? {
        (_, Some(e)) => Err(e),
        (v, None) => Ok(v),
    }
}

/// Like [`parse_json`], but a number too large for float64 does not stop decoding,
/// as in Go: it becomes 0 and the first such error is returned beside the value
/// (Helm's `fromJson` keeps that partial map and adds the error under `Error`).
/// Syntax errors still fail outright (Go checks the syntax before decoding).
pub fn parse_json_partial(text: &str) -> Result<(Value, Option<String>), String> {
    let mut p = JsonParser { s: text.as_bytes(), text, i: 0, depth: 0, path: Vec::new(), type_error: None };
    p.ws();
    if p.i >= p.s.len() {
        return Err("unexpected end of JSON input".into());
    }
    let v = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.invalid("after top-level value"));
    }
    Ok((v, p.type_error))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, Value)]) -> Value {
        let mut e = MapEntries::new();
        for (k, v) in pairs {
            e.insert((*k).into(), v.clone());
        }
        Value::map(e)
    }

    #[test]
    fn marshal_like_go() {
        let v = m(&[
            ("b", Value::Float(1e6)),
            ("a", Value::str("<x&y>\u{2028}\n\u{1}")),
            ("c", Value::list(vec![Value::Nil, Value::Bool(true), Value::Float(0.5), Value::Int64(-3)])),
            ("d", Value::Float(1e21)),
            ("e", Value::Float(1e-7)),
            ("f", Value::Bytes(std::rc::Rc::from(&b"hi!"[..]))),
        ]);
        assert_eq!(
            to_json(&v).unwrap_or_default(),
            r#"{"a":"\u003cx\u0026y\u003e\u2028\n\u0001","b":1000000,"c":[null,true,0.5,-3],"d":1e+21,"e":1e-7,"f":"aGkh"}"#
        );
        assert_eq!(to_json(&Value::Float(f64::NAN)).unwrap_err(), "json: unsupported value: NaN");
    }

    #[test]
    fn marshal_indent() {
        let v = m(&[("a", Value::list(vec![Value::Float(1.0)])), ("b", m(&[])), ("c", Value::list(vec![]))]);
        assert_eq!(
            to_json_indent(&v, "  ").unwrap_or_default(),
            "{\n  \"a\": [\n    1\n  ],\n  \"b\": {},\n  \"c\": []\n}"
        );
    }

    #[test]
    fn cycles_are_errors() {
        let inner = Map::new();
        let outer = Value::Map(inner.clone());
        inner.insert("self", outer.clone());
        assert_eq!(
            to_json(&outer).unwrap_err(),
            "json: unsupported value: encountered a cycle via map[string]interface {}"
        );
    }

    #[test]
    fn unmarshal_like_go() {
        let v = parse_json(r#" {"a": [1, 2.5, "x\u00e9\ud83d\ude00"], "b": null, "c": {"d": true}} "#);
        assert_eq!(
            v.map(|v| v.to_go_string()).unwrap_or_default(),
            "map[a:[1 2.5 x\u{e9}\u{1f600}] b:<nil> c:map[d:true]]"
        );
        assert_eq!(parse_json("x").unwrap_err(), "invalid character 'x' looking for beginning of value");
        assert_eq!(parse_json("").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(parse_json("{\"a\" 1}").unwrap_err(), "invalid character '1' after object key");
        assert_eq!(parse_json("[1 2]").unwrap_err(), "invalid character '2' after array element");
        assert_eq!(parse_json("{\"a\":1 \"b\"}").unwrap_err(), "invalid character '\"' after object key:value pair");
        assert_eq!(parse_json("1 2").unwrap_err(), "invalid character '2' after top-level value");
        assert_eq!(parse_json("tru").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(parse_json("trx").unwrap_err(), "invalid character 'x' in literal true (expecting 'u')");
        assert_eq!(parse_json("{1}").unwrap_err(), "invalid character '1' looking for beginning of object key string");
        assert_eq!(parse_json("-x").unwrap_err(), "invalid character 'x' in numeric literal");
        assert_eq!(parse_json("1.x").unwrap_err(), "invalid character 'x' after decimal point in numeric literal");
        assert_eq!(parse_json("\"a\nb\"").unwrap_err(), "invalid character '\\n' in string");
        assert_eq!(parse_json("\"\\q\"").unwrap_err(), "invalid escape sequence `\\q` in string");
        assert_eq!(parse_json("[1e400, x]").unwrap_err(), "invalid character 'x' looking for beginning of value");
    }

    #[test]
    fn number_overflow_keeps_decoding() {
        let (v, e) = parse_json_partial(r#"{"a":[{"b": 1e400}], "c": 2, "d": 1e999}"#).unwrap_or((Value::Nil, None));
        assert_eq!(v.to_go_string(), "map[a:[map[b:0]] c:2 d:0]");
        assert_eq!(
            e.as_deref(),
            Some("json: cannot unmarshal number 1e400 into Go struct field .a.0.b of type float64")
        );
        assert_eq!(
            parse_json("[1, [2, 1e400]]").unwrap_err(),
            "json: cannot unmarshal number 1e400 into .1.1 of type float64"
        );
    }
}
