//! The one dynamic value type every capstan crate works with.
//!
//! It mirrors the Go types that Helm templates observe: `float64` numbers from YAML,
//! `int64` numbers from `--set`, Go `int` from builtins such as `len`, maps that are
//! shared references (mutating one through `set` or `merge` is seen by every holder),
//! typed slices such as `[]string`, and opaque objects (`.Files`, `.Capabilities`,
//! `time.Time`, semver versions) that expose fields and methods.

use std::any::Any;
use std::cell::{Ref, RefCell, RefMut};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::gostruct::Field;
use crate::strconv;

/// A cheaply clonable immutable string.
pub type Str = Rc<str>;

/// The entries of a Go `map[string]T`. Go sorts keys bytewise whenever it prints,
/// ranges or encodes a map, so a `BTreeMap` keeps them in that order already.
pub type MapEntries = BTreeMap<Str, Value>;

/// A Go element type, used to name typed slices and maps (`[]string`, `map[string]string`)
/// and the parameter types of functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GoType {
    /// `interface {}`
    Any,
    /// `string`
    String,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
    /// `uint8` (the element of `[]byte`)
    Byte,
    /// `[]interface {}` (the element of `chunk`'s `[][]interface {}`)
    AnyList,
}

impl GoType {
    /// The name Go's `%T` prints for this type.
    pub fn name(self) -> &'static str {
        match self {
            GoType::Any => "interface {}",
            GoType::String => "string",
            GoType::Int => "int",
            GoType::Int64 => "int64",
            GoType::Float64 => "float64",
            GoType::Bool => "bool",
            GoType::Byte => "uint8",
            GoType::AnyList => "[]interface {}",
        }
    }
}

/// Which named map type a map is. Helm's `.Values` is a named type
/// (`common.Values` in v4), which changes `%T` and makes `dig` refuse it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// `map[string]interface {}`
    Plain,
    /// `map[string]string` (from `split`, `.Capabilities` style maps)
    Strings,
    /// Helm's named `Values` type.
    Values,
}

/// A Go map with string keys, shared by reference exactly like a Go map.
#[derive(Clone)]
pub struct Map {
    entries: Rc<RefCell<MapEntries>>,
    kind: MapKind,
    /// A nil map (Go's `map[string]string(nil)`): empty, but `toJson` writes
    /// `null`, `toToml` leaves it out and `%#v` prints `(nil)`.
    nil: bool,
}

impl Map {
    /// A new, empty `map[string]interface {}`.
    pub fn new() -> Map {
        Map::from_entries(MapEntries::new())
    }

    /// A `map[string]interface {}` holding `entries`.
    pub fn from_entries(entries: MapEntries) -> Map {
        Map { entries: Rc::new(RefCell::new(entries)), kind: MapKind::Plain, nil: false }
    }

    /// A nil map of `kind` (a Go struct's map field that was never set).
    pub fn nil(kind: MapKind) -> Map {
        Map { nil: true, ..Map::new().with_kind(kind) }
    }

    /// Whether this is a nil map (see [`Map::nil`]); a map that has gained
    /// entries is not.
    pub fn is_nil(&self) -> bool {
        self.nil && self.is_empty()
    }

    /// The same shared map seen as another named type (no copy is made).
    pub fn with_kind(&self, kind: MapKind) -> Map {
        Map { entries: self.entries.clone(), kind, nil: self.nil }
    }

    /// Which Go map type this is.
    pub fn kind(&self) -> MapKind {
        self.kind
    }

    /// Borrows the entries for reading.
    pub fn borrow(&self) -> Ref<'_, MapEntries> {
        self.entries.borrow()
    }

    /// Borrows the entries for writing; every other holder of this map sees the change.
    pub fn borrow_mut(&self) -> RefMut<'_, MapEntries> {
        self.entries.borrow_mut()
    }

    /// The value under `key`, cloned (cheap: containers are shared).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.entries.borrow().get(key).cloned()
    }

    /// Sets `key` to `value` in place.
    pub fn insert(&self, key: impl Into<Str>, value: Value) {
        self.entries.borrow_mut().insert(key.into(), value);
    }

    /// Removes `key` in place, returning what it held.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.entries.borrow_mut().remove(key)
    }

    /// Whether `key` is present (even when it holds nil).
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.borrow().contains_key(key)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }

    /// The keys in Go's sorted order.
    pub fn keys(&self) -> Vec<Str> {
        self.entries.borrow().keys().cloned().collect()
    }

    /// Whether two handles name the same underlying map (Go map identity).
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
    }

    /// An address that identifies the shared map, for cycle detection.
    pub fn addr(&self) -> usize {
        Rc::as_ptr(&self.entries) as *const () as usize
    }

    /// A copy of the top level: a new map whose values are shared with this one.
    pub fn shallow_copy(&self) -> Map {
        Map { entries: Rc::new(RefCell::new(self.entries.borrow().clone())), kind: self.kind, nil: self.nil }
    }
}

impl Default for Map {
    fn default() -> Self {
        Map::new()
    }
}

/// A Go slice. Slices are never mutated in place by template functions (Sprig's
/// `append` copies), so the items are immutable and shared.
#[derive(Clone)]
pub struct List {
    items: Rc<Vec<Value>>,
    elem: GoType,
    /// A nil slice (Go's `[]string(nil)`): empty, but `toJson` writes `null`,
    /// `%#v` prints `(nil)` and `deepEqual` tells it from an empty slice.
    nil: bool,
}

impl List {
    /// A `[]interface {}` holding `items`.
    pub fn new(items: Vec<Value>) -> List {
        List { items: Rc::new(items), elem: GoType::Any, nil: false }
    }

    /// A nil slice of `elem`s (`[]string(nil)`), as Go functions return when they
    /// find nothing (`regexFindAll` with no match, `concat` of empty lists).
    pub fn nil(elem: GoType) -> List {
        List { items: Rc::new(Vec::new()), elem, nil: true }
    }

    /// `items` as a slice of `elem`s, nil when `items` is empty: Go's result of
    /// appending to a nil slice (`var out []T; out = append(out, ...)`).
    pub fn appended(items: Vec<Value>, elem: GoType) -> List {
        let nil = items.is_empty();
        List { items: Rc::new(items), elem, nil }
    }

    /// A slice of the same type (and nil-ness, when `items` is empty) holding `items`.
    pub fn with_items(&self, items: Vec<Value>) -> List {
        List { nil: self.nil && items.is_empty(), items: Rc::new(items), elem: self.elem }
    }

    /// A typed slice such as `[]string` (`elem` = `GoType::String`).
    pub fn typed(items: Vec<Value>, elem: GoType) -> List {
        List { items: Rc::new(items), elem, nil: false }
    }

    /// The element type.
    pub fn elem(&self) -> GoType {
        self.elem
    }

    /// The items.
    pub fn items(&self) -> &[Value] {
        &self.items
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the slice is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether this is a nil slice (see [`List::nil`]).
    pub fn is_nil(&self) -> bool {
        self.nil
    }

    /// An address that identifies the shared items, for cycle detection.
    pub fn addr(&self) -> usize {
        Rc::as_ptr(&self.items) as *const () as usize
    }
}

/// The Go signature of an object's method that takes arguments: its parameter
/// types in order. Arguments are checked against it before the call, as Go's
/// text/template checks them.
#[derive(Clone, Copy, Debug)]
pub struct MethodSig(pub &'static [crate::Param]);

/// An opaque Go value with fields and methods: `.Files`, `.Capabilities`,
/// `time.Time`, a semver version, `.Template`, and so on.
pub trait Object {
    /// The name Go's `%T` prints (`*semver.Version`, `time.Time`, ...).
    fn type_name(&self) -> &str;

    /// `reflect.Kind` name as Sprig's `kindOf` prints it (`struct`, `ptr`, ...).
    fn kind_name(&self) -> &str {
        "struct"
    }

    /// A field or zero-argument method reached by `.Name`; `None` when absent.
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    /// The signature of `name` when it is a method that takes arguments (called as
    /// `.Name arg...`); `None` for fields and zero-argument methods.
    fn method(&self, _name: &str) -> Option<MethodSig> {
        None
    }

    /// Calls method `name` with `args`. `None` when there is no such method;
    /// `Some(Err(message))` when the method itself fails.
    fn call_method(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    /// For a Go struct, or a pointer to one (`kind_name` `ptr`): its fields as
    /// declared, which printing and the JSON and TOML encoders follow.
    fn struct_fields(&self) -> Option<Vec<Field>> {
        None
    }

    /// What text/template prints for the value when it is reached through fields
    /// (so addressable) and its type has a `String` method on the pointer: Go takes
    /// the address and calls it. `fmt` itself, given a copy, never does.
    fn template_text(&self) -> Option<String> {
        None
    }

    /// For a value with [`Object::template_text`]: the same value as a copy (a
    /// function's result, an element of a container), which Go cannot address, so
    /// the template printer shows it as `fmt` does. `None` when nothing changes.
    fn copied(&self) -> Option<Value> {
        None
    }

    /// How Go's `%v` prints the value; by default, a struct's fields
    /// (`{a b}`, `&{a b}` for a pointer).
    fn format_v(&self) -> String {
        let mut out = String::new();
        if let Some(fields) = self.struct_fields() {
            if self.kind_name() == "ptr" {
                out.push('&');
            }
            crate::gostruct::write_fields(&mut out, &fields, false, |o, v| v.write_v(o, 1));
        }
        out
    }

    /// How the value encodes to JSON (and so to YAML) when it is no struct (see
    /// [`Object::struct_fields`]); `None` encodes as `{}`.
    fn to_json_value(&self) -> Option<Value> {
        None
    }

    /// Go template truthiness (non-nil structs and pointers are true).
    fn truthy(&self) -> bool {
        true
    }

    /// For a named map or slice type with methods (Helm's `engine.files`,
    /// `common.VersionSet`): the plain map or slice that `range`, `len` and `index`
    /// work on. `None` for structs and pointers.
    fn underlying(&self) -> Option<Value> {
        None
    }

    /// For a named integer type with a `String` method (Go's `time.Duration`): the
    /// integer, which `%d` and the other integer verbs print.
    fn integer(&self) -> Option<i64> {
        None
    }

    /// Downcasting support, so functions can recognise their own object types.
    fn as_any(&self) -> &dyn Any;
}

/// A Go string whose bytes are not valid UTF-8 (a binary file read with
/// `.Files.Get`, `b64dec` of binary data, a `substr` that cuts a character).
/// It keeps the bytes, and the text Go's rune-wise functions see, with each
/// invalid byte read as U+FFFD.
pub struct ByteString {
    bytes: Box<[u8]>,
    text: Box<str>,
}

impl ByteString {
    /// The string's bytes, exactly.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The text with every invalid byte replaced by U+FFFD.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A dynamic Go value.
#[derive(Clone)]
pub enum Value {
    /// Go's untyped `nil` (an absent value, a YAML `null`).
    Nil,
    /// `bool`
    Bool(bool),
    /// `int`: the result of builtins like `len`, Sprig's `int`, `atoi`, `until`.
    Int(i64),
    /// `int64`: integers from `--set`, Sprig math results.
    Int64(i64),
    /// `float64`: every number read from a YAML or JSON file.
    Float(f64),
    /// `uint8` (a byte): `index` of a string or `[]byte`, the items of a `[]byte`.
    Uint8(u8),
    /// `uint64`: the parts of a semver version (`.Major`, `.Minor`, `.Patch`).
    Uint64(u64),
    /// `string` holding valid UTF-8 (nearly every string).
    String(Str),
    /// `string` holding bytes that are not valid UTF-8; build it with
    /// [`Value::from_go_bytes`], which keeps valid UTF-8 as [`Value::String`].
    ByteString(Rc<ByteString>),
    /// `[]byte`
    Bytes(Rc<[u8]>),
    /// A slice.
    List(List),
    /// A map with string keys (shared reference).
    Map(Map),
    /// Any other Go value.
    Object(Rc<dyn Object>),
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::String(Rc::from(s))
    }

    /// A string value from an owned `String`.
    pub fn string(s: String) -> Value {
        Value::String(Rc::from(s))
    }

    /// The Go string made of `bytes`: a [`Value::String`] when they are valid UTF-8,
    /// otherwise a [`Value::ByteString`] that keeps every byte.
    pub fn from_go_bytes(bytes: Vec<u8>) -> Value {
        match String::from_utf8(bytes) {
            Ok(s) => Value::string(s),
            Err(e) => {
                let bytes = e.into_bytes();
                let text = strconv::lossy(&bytes).into();
                Value::ByteString(Rc::new(ByteString { bytes: bytes.into(), text }))
            }
        }
    }

    /// The bytes of a Go string (either string variant); `None` for other values.
    /// Byte-level functions (`len`, `b64enc`, hashes, printing) read strings here.
    pub fn go_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::String(s) => Some(s.as_bytes()),
            Value::ByteString(b) => Some(b.bytes()),
            _ => None,
        }
    }

    /// Whether this is a Go string (either string variant).
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_) | Value::ByteString(_))
    }

    /// A `[]interface {}` value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List::new(items))
    }

    /// A new `map[string]interface {}` value.
    pub fn map(entries: MapEntries) -> Value {
        Value::Map(Map::from_entries(entries))
    }

    /// Whether this is nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The string inside, if this is a Go string; for a [`Value::ByteString`] the
    /// text with invalid bytes as U+FFFD (what Go's rune-wise functions see).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::ByteString(b) => Some(b.text()),
            _ => None,
        }
    }

    /// The map key a Go string is (`None` for other values): its text, with bytes
    /// that are not UTF-8 escaped (see [`crate::bytekey`]), so that a key made of
    /// such bytes keeps them.
    pub fn as_map_key(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Value::String(s) => Some(std::borrow::Cow::Borrowed(s)),
            Value::ByteString(b) => Some(crate::bytekey::escape(b.bytes())),
            _ => None,
        }
    }

    /// The Go string a map key is (see [`Value::as_map_key`]).
    pub fn from_map_key(key: &Str) -> Value {
        match crate::bytekey::unescape(key) {
            std::borrow::Cow::Borrowed(_) => Value::String(key.clone()),
            std::borrow::Cow::Owned(bytes) => Value::from_go_bytes(bytes),
        }
    }

    /// The map inside, if this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The slice inside, if this is a slice.
    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The Go type name, as `%T` and Sprig's `typeOf` print it (`<nil>` for nil).
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Float(_) => "float64".into(),
            Value::Uint8(_) => "uint8".into(),
            Value::Uint64(_) => "uint64".into(),
            Value::String(_) | Value::ByteString(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(l) => format!("[]{}", l.elem().name()),
            Value::Map(m) => match m.kind() {
                MapKind::Plain => "map[string]interface {}".into(),
                MapKind::Strings => "map[string]string".into(),
                MapKind::Values => "common.Values".into(),
            },
            Value::Object(o) => o.type_name().to_string(),
        }
    }

    /// The `reflect.Kind` name, as Sprig's `kindOf` prints it (`invalid` for nil).
    pub fn kind_name(&self) -> String {
        match self {
            Value::Nil => "invalid".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Float(_) => "float64".into(),
            Value::Uint8(_) => "uint8".into(),
            Value::Uint64(_) => "uint64".into(),
            Value::String(_) | Value::ByteString(_) => "string".into(),
            Value::Bytes(_) | Value::List(_) => "slice".into(),
            Value::Map(_) => "map".into(),
            Value::Object(o) => o.kind_name().to_string(),
        }
    }

    /// Go text/template truthiness: false for nil, false, zero numbers and empty
    /// strings, slices and maps; true otherwise.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Uint8(b) => *b != 0,
            Value::Uint64(u) => *u != 0,
            Value::String(s) => !s.is_empty(),
            Value::ByteString(b) => !b.bytes().is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => o.truthy(),
        }
    }

    /// Go's `fmt.Sprint` / `%v` rendering of this value, as bytes: a string's bytes
    /// exactly, anything else as [`Value::to_go_string`].
    pub fn to_go_bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match self.go_bytes() {
            Some(b) => std::borrow::Cow::Borrowed(b),
            None => std::borrow::Cow::Owned(self.to_go_string().into_bytes()),
        }
    }

    /// Go's `fmt.Sprint` / `%v` rendering of this value (a string's invalid bytes
    /// as U+FFFD; see [`Value::to_go_bytes`] for the exact bytes).
    pub fn to_go_string(&self) -> String {
        let mut out = String::new();
        self.write_v(&mut out, 0);
        out
    }

    /// Appends the `%v` rendering to `out`. Nesting deeper than Go would follow
    /// (a map that contains itself) is cut off rather than recursing forever.
    pub fn write_v(&self, out: &mut String, depth: usize) {
        const MAX_DEPTH: usize = 10_000;
        if depth > MAX_DEPTH {
            out.push_str("...");
            return;
        }
        match self {
            Value::Nil => out.push_str("<nil>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
            Value::Float(f) => out.push_str(&strconv::format_float(*f, b'g', -1)),
            Value::Uint8(b) => out.push_str(&b.to_string()),
            Value::Uint64(u) => out.push_str(&u.to_string()),
            Value::String(s) => out.push_str(s),
            Value::ByteString(b) => out.push_str(b.text()),
            Value::Bytes(b) => {
                out.push('[');
                for (i, byte) in b.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(&byte.to_string());
                }
                out.push(']');
            }
            Value::List(l) => {
                out.push('[');
                for (i, item) in l.items().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    item.write_v(out, depth + 1);
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.write_v(out, depth + 1);
                }
                out.push(']');
            }
            Value::Object(o) => out.push_str(&o.format_v()),
        }
    }
}

impl fmt::Display for Value {
    /// Formats as Go's `%v`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_go_string())
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.type_name(), self.to_go_string())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Map(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_shared_references() {
        let m = Map::new();
        let alias = Value::Map(m.clone());
        m.insert("a", Value::Int64(1));
        assert_eq!(alias.to_go_string(), "map[a:1]");
    }

    #[test]
    fn go_v_formatting() {
        let mut e = MapEntries::new();
        e.insert("b".into(), Value::list(vec![Value::str("x"), Value::Nil]));
        e.insert("a".into(), Value::Float(1000000.0));
        assert_eq!(Value::map(e).to_go_string(), "map[a:1e+06 b:[x <nil>]]");
        assert_eq!(Value::Float(0.5).to_go_string(), "0.5");
        assert_eq!(Value::Bytes(Rc::from(&b"hi"[..])).to_go_string(), "[104 105]");
    }

    #[test]
    fn type_names() {
        assert_eq!(Value::List(List::typed(vec![], GoType::String)).type_name(), "[]string");
        assert_eq!(Value::list(vec![]).type_name(), "[]interface {}");
        assert_eq!(Value::Nil.kind_name(), "invalid");
    }

    #[test]
    fn go_string_bytes() {
        let valid = Value::from_go_bytes("héllo".as_bytes().to_vec());
        assert!(matches!(valid, Value::String(_)));
        assert_eq!(valid.go_bytes(), Some("héllo".as_bytes()));
        let raw = Value::from_go_bytes(vec![b'h', 0xC3, 0xFF]);
        assert!(matches!(raw, Value::ByteString(_)));
        assert_eq!(raw.go_bytes(), Some(&[b'h', 0xC3, 0xFF][..]));
        assert_eq!(raw.as_str(), Some("h\u{FFFD}\u{FFFD}"));
        assert_eq!(raw.type_name(), "string");
        assert_eq!(raw.kind_name(), "string");
        assert!(raw.is_string() && raw.truthy());
        assert_eq!(&*raw.to_go_bytes(), &[b'h', 0xC3, 0xFF][..]);
        assert_eq!(Value::Int(3).go_bytes(), None);
        assert_eq!(&*Value::Int(3).to_go_bytes(), b"3");
        assert_eq!(Value::Bytes(Rc::from(&b"a"[..])).go_bytes(), None);
    }

    #[test]
    fn truthiness() {
        assert!(!Value::Float(0.0).truthy());
        assert!(!Value::str("").truthy());
        assert!(Value::Int64(-1).truthy());
        assert!(!Value::Map(Map::new()).truthy());
    }
}
