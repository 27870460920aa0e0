//! Helm's `toToml`: the BurntSushi/toml encoder's layout (plain keys first, then
//! tables and arrays of tables, sub-tables indented by two spaces per level).

use govalue::{strconv, Value};

const MAX_DEPTH: usize = 500;

/// The TOML view of a value: a named map or slice type is its elements, and other
/// objects that are no structs are resolved through their JSON form.
fn resolve_object(v: &Value) -> Value {
    match v {
        Value::Object(o) if o.struct_fields().is_none() && !unsupported(o.as_ref()) => {
            o.underlying().or_else(|| o.to_json_value()).unwrap_or_else(|| Value::map(Default::default()))
        }
        other => other.clone(),
    }
}

/// Whether BurntSushi/toml refuses the kind of `o` (`unsupported type: complex128`).
fn unsupported(o: &dyn govalue::Object) -> bool {
    matches!(o.kind_name(), "complex64" | "complex128" | "chan" | "func")
}

/// The keys and values of `v` when it is a TOML table: a map's entries in Go's
/// sorted order, or a struct's exported fields in declaration order under their Go
/// names (BurntSushi/toml reads no `json` tags).
fn table_entries(v: &Value) -> Option<Vec<(String, Value)>> {
    match resolve_object(v) {
        Value::Map(m) => Some(m.borrow().iter().map(|(k, v)| (k.to_string(), v.clone())).collect()),
        Value::Object(o) => o
            .struct_fields()
            .map(|fields| fields.into_iter().filter(|f| f.exported()).map(|f| (f.name.to_string(), f.value)).collect()),
        _ => None,
    }
}

/// BurntSushi/toml's `isNil`: nil, and also a nil slice or map.
fn toml_nil(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::List(l) => l.is_nil(),
        Value::Map(m) => m.is_nil(),
        _ => false,
    }
}

fn is_table(v: &Value) -> bool {
    table_entries(v).is_some()
}

/// Whether `v` is a non-empty list whose items are all tables (an array of tables).
/// A nil item is an error, as in BurntSushi/toml.
fn is_table_array(v: &Value) -> Result<bool, String> {
    let Value::List(l) = v else { return Ok(false) };
    if l.is_empty() {
        return Ok(false);
    }
    let mut all = true;
    for item in l.items() {
        if toml_nil(item) {
            return Err("toml: cannot encode array with nil element".into());
        }
        if !is_table(item) {
            all = false;
        }
    }
    Ok(all)
}

/// Where a table's entry is written (BurntSushi/toml's `tomlTypeOfGo`, which
/// refuses an unsupported kind before anything is encoded).
fn goes_in_table_section(v: &Value) -> Result<bool, String> {
    if let Value::Object(o) = v {
        if unsupported(o.as_ref()) {
            return Err(format!("unsupported type: {}", o.type_name()));
        }
    }
    Ok(is_table(v) || is_table_array(v)?)
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn maybe_quoted(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "+inf".into() };
    }
    let s = strconv::format_float(f, b'g', -1);
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}

struct Encoder {
    out: String,
    indent: &'static str,
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent_str(&self, key: &[String]) -> String {
        self.indent.repeat(key.len().saturating_sub(1))
    }

    fn key_path(key: &[String]) -> String {
        key.iter().map(|k| maybe_quoted(k)).collect::<Vec<_>>().join(".")
    }

    fn element(&mut self, v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: value nested too deeply".into());
        }
        if let Value::Object(o) = v {
            if unsupported(o.as_ref()) {
                return Err(format!("unsupported type: {}", o.type_name()));
            }
        }
        if let Some(entries) = table_entries(v) {
            return self.inline_table(entries, depth);
        }
        match resolve_object(v) {
            Value::Nil => return Err("toml: cannot encode a nil value".into()),
            Value::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Uint8(b) => self.out.push_str(&b.to_string()),
            Value::Uint64(u) => self.out.push_str(&u.to_string()),
            Value::Float(f) => self.out.push_str(&float_text(f)),
            Value::String(s) => self.out.push_str(&quoted(&s)),
            // Kept escaped (see `govalue::bytekey`): the TOML encoder writes the bytes.
            Value::ByteString(b) => self.out.push_str(&quoted(&govalue::bytekey::escape(b.bytes()))),
            Value::Bytes(b) => {
                let items: Vec<String> = b.iter().map(|x| x.to_string()).collect();
                self.out.push_str(&format!("[{}]", items.join(", ")));
            }
            Value::List(l) => {
                self.out.push('[');
                for (i, item) in l.items().iter().enumerate() {
                    if toml_nil(item) {
                        return Err("toml: cannot encode array with nil element".into());
                    }
                    self.element(item, depth + 1)?;
                    if i + 1 != l.len() {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            Value::Map(_) | Value::Object(_) => self.out.push_str("{}"),
        }
        Ok(())
    }

    /// A table written inline (`{a = 1, b = 2}`), inside an array.
    fn inline_table(&mut self, entries: Vec<(String, Value)>, depth: usize) -> Result<(), String> {
        let (mut direct, mut sub) = (Vec::new(), Vec::new());
        for (k, val) in entries {
            if goes_in_table_section(&val)? {
                sub.push((k, val));
            } else {
                direct.push((k, val));
            }
        }
        let trail = !sub.is_empty();
        self.out.push('{');
        for (group, trail_comma) in [(direct, trail), (sub, false)] {
            let n = group.len();
            for (i, (k, val)) in group.into_iter().enumerate() {
                if toml_nil(&val) {
                    continue;
                }
                self.out.push_str(&maybe_quoted(&k));
                self.out.push_str(" = ");
                self.element(&val, depth + 1)?;
                if trail_comma || i + 1 != n {
                    self.out.push_str(", ");
                }
            }
        }
        self.out.push('}');
        Ok(())
    }

    fn key_value(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        if key.is_empty() {
            return self.element(v, depth);
        }
        let ind = self.indent_str(key);
        self.out.push_str(&ind);
        self.out.push_str(&maybe_quoted(&key[key.len() - 1]));
        self.out.push_str(" = ");
        self.element(v, depth)?;
        self.newline();
        Ok(())
    }

    fn encode(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: value nested too deeply".into());
        }
        if let Value::Object(o) = v {
            if unsupported(o.as_ref()) {
                return Err(format!("unsupported type for key '{}': {}", Self::key_path(key), o.type_name()));
            }
        }
        if is_table(v) {
            return self.table(key, v, depth);
        }
        let v = resolve_object(v);
        match &v {
            Value::Nil => Ok(()),
            Value::List(l) if is_table_array(&v)? => {
                for item in l.items() {
                    self.newline();
                    let ind = self.indent_str(key);
                    self.out.push_str(&format!("{ind}[[{}]]", Self::key_path(key)));
                    self.newline();
                    self.map_body(key, item, depth + 1)?;
                }
                Ok(())
            }
            _ => self.key_value(key, &v, depth),
        }
    }

    fn table(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            let ind = self.indent_str(key);
            self.out.push_str(&format!("{ind}[{}]", Self::key_path(key)));
            self.newline();
        }
        self.map_body(key, v, depth + 1)
    }

    fn map_body(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        let Some(entries) = table_entries(v) else { return Ok(()) };
        let (mut direct, mut sub) = (Vec::new(), Vec::new());
        for (k, val) in entries {
            if goes_in_table_section(&val)? {
                sub.push((k, val));
            } else {
                direct.push((k, val));
            }
        }
        for (k, val) in direct.into_iter().chain(sub) {
            if toml_nil(&val) {
                continue;
            }
            let mut child = key.to_vec();
            child.push(k);
            self.encode(&child, &val, depth)?;
        }
        Ok(())
    }
}

/// Helm's `toToml` output for `v` (BurntSushi/toml `Encoder.Encode`). Helm prints
/// the error text in place of the document when encoding fails
/// (`toml: cannot encode array with nil element`); a nil value makes Go panic with
/// `reflect: call of reflect.Value.Type on zero Value`, returned here as an error.
pub fn to_toml(v: &Value) -> Result<String, String> {
    if v.is_nil() {
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    }
    let mut e = Encoder { out: String::new(), indent: "  " };
    e.encode(&[], v, 0)?;
    Ok(e.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Value {
        crate::parse(s).unwrap_or(Value::Nil)
    }

    #[test]
    fn layout_matches_burntsushi() {
        let v = parse(
            "s: \"q\\\"\\n\\u001b\"\ni: 1000000\nf: 1.5\nl: [1, a]\ne: []\nem: {}\nt:\n  x: 1\n  sub:\n    deep: {z: 3}\n  arr: [{a: 1}, {b: {c: 2}}]\n  k: v\n\"a b\": 1\nn: null\n",
        );
        assert_eq!(
            to_toml(&v).unwrap_or_default(),
            "\"a b\" = 1.0\ne = []\nf = 1.5\ni = 1e+06\nl = [1.0, \"a\"]\ns = \"q\\\"\\n\\u001b\"\n\n[em]\n\n[t]\n  k = \"v\"\n  x = 1.0\n\n  [[t.arr]]\n    a = 1.0\n\n  [[t.arr]]\n    [t.arr.b]\n      c = 2.0\n  [t.sub]\n    [t.sub.deep]\n      z = 3.0\n"
        );
    }

    #[test]
    fn scalars_and_errors() {
        assert_eq!(to_toml(&Value::str("x")).unwrap_or_default(), "\"x\"");
        assert_eq!(to_toml(&Value::Float(100000.0)).unwrap_or_default(), "100000.0");
        let v = parse("a: [1, null]");
        assert_eq!(to_toml(&v).unwrap_err(), "toml: cannot encode array with nil element");
        let v = parse("a:\n  b: [{c: 1}, 2]\n");
        assert_eq!(to_toml(&v).unwrap_or_default(), "[a]\n  b = [{c = 1.0}, 2.0]\n");
        let v = parse("a:\n- b:\n  - c: 1\n");
        assert_eq!(to_toml(&v).unwrap_or_default(), "[[a]]\n\n  [[a.b]]\n    c = 1.0\n");
        assert!(to_toml(&Value::Nil).is_err());
    }
}
