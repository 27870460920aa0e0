//! Go structs as declared: each field's Go name, `json` tag name and `omitempty`,
//! in declaration order. An [`crate::Object`] that is a Go struct (or a pointer to
//! one) lists its fields here once, and `fmt`'s `%v`/`%+v`/`%#v`, `encoding/json`
//! (and so `toYaml`) and the TOML encoder all read that one description.

use crate::Value;

/// One field of a Go struct.
#[derive(Clone)]
pub struct Field {
    /// The Go field name. A lower-case first letter marks an unexported field,
    /// which `fmt` prints and the encoders skip.
    pub name: &'static str,
    /// The name in the field's `json` tag (the Go name when the tag gives none).
    pub json: &'static str,
    /// Whether the `json` tag says `omitempty`.
    pub omitempty: bool,
    /// The field's value.
    pub value: Value,
}

impl Field {
    /// A field with no `json` tag.
    pub fn new(name: &'static str, value: Value) -> Field {
        Field { name, json: name, omitempty: false, value }
    }

    /// A field tagged `json:"<json>"`, with `,omitempty` when `omitempty` holds.
    pub fn tagged(name: &'static str, json: &'static str, omitempty: bool, value: Value) -> Field {
        Field { name, json, omitempty, value }
    }

    /// Whether Go exports the field (its name starts with an upper-case letter).
    pub fn exported(&self) -> bool {
        self.name.starts_with(|c: char| c.is_uppercase())
    }

    /// Whether `encoding/json` writes the field: exported, and not dropped by
    /// `omitempty` (false, 0, nil, and empty strings, slices and maps).
    pub fn in_json(&self) -> bool {
        self.exported() && !(self.omitempty && json_empty(&self.value))
    }
}

/// encoding/json's `isEmptyValue`.
fn json_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
        Value::Uint8(b) => *b == 0,
        Value::Uint64(u) => *u == 0,
        Value::String(_) | Value::ByteString(_) => v.go_bytes().is_some_and(<[u8]>::is_empty),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(_) => false,
    }
}

/// Go's `%v` (`plus` = false) or `%+v` (`plus` = true) of a struct whose fields are
/// printed by `field`: `{a b}` or `{A:a B:b}`, after `&` for a pointer.
pub fn write_fields(out: &mut String, fields: &[Field], plus: bool, mut field: impl FnMut(&mut String, &Value)) {
    out.push('{');
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if plus {
            out.push_str(f.name);
            out.push(':');
        }
        field(out, &f.value);
    }
    out.push('}');
}
