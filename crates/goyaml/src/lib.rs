//! Go-compatible YAML and JSON, exactly as Helm uses them.
//!
//! - [`parse`], [`parse_documents`], [`parse_node`]: `sigs.k8s.io/yaml.Unmarshal` into
//!   `interface{}` (go-yaml v2 underneath: YAML 1.1 booleans, every number a float64,
//!   keys converted to strings), with go-yaml's error messages and line numbers.
//!   [`parse_typed`] and [`string_field_text`] give what typed Go structs (Chart.yaml)
//!   receive instead.
//! - [`to_yaml`]: `sigs.k8s.io/yaml.Marshal` (what `toYaml` prints).
//! - [`to_json`], [`to_json_indent`], [`parse_json`], [`parse_json_partial`]: Go's
//!   `encoding/json`.
//! - [`to_toml`], [`parse_toml`]: Helm's `toToml` and `fromToml` (BurntSushi/toml).

#![warn(missing_docs)]

mod decode;
mod emit;
mod json;
mod keyindex;
mod parser;
mod resolve;
mod scanner;
mod timestamp;
mod toml;
mod tomlparse;

use std::fmt;

use govalue::{Map, MapEntries, Value};

pub use emit::to_yaml;
pub use json::{parse_json, parse_json_partial, to_json, to_json_indent};
pub use toml::to_toml;
pub use tomlparse::{parse_toml, parse_toml_bytes_with, parse_toml_with};

use scanner::{ErrorKind, RawError};

/// Which layer produced a [`YamlError`]; it decides how the error prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// A go-yaml reader, scanner or parser error (`yaml: line 8: ...`).
    Syntax,
    /// A go-yaml decoding error without a line (`yaml: unknown anchor 'x' referenced`).
    Decode,
    /// An error from sigs.k8s.io/yaml's conversion to JSON (`json: unsupported value: NaN`,
    /// `unsupported map key of type: ...`), printed without the `yaml: ` prefix.
    Convert,
}

/// A YAML parse error. Its `Display` is Go's text, e.g.
/// `yaml: line 8: did not find expected alphabetic or numeric character`. Helm
/// prefixes it with `error converting YAML to JSON: `.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// The line go-yaml reports (as printed), when it reports one.
    pub line: Option<usize>,
    /// The 1-based column of the problem, when known (not printed by Go).
    pub column: Option<usize>,
    /// The 1-based line of the problem, with `column` (Go prints another line for
    /// some parser errors).
    pub problem_line: Option<usize>,
    /// The problem text without the `yaml: line N: ` prefix.
    pub message: String,
    /// Which layer reported it.
    pub kind: YamlErrorKind,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.line) {
            (YamlErrorKind::Convert, _) => f.write_str(&self.message),
            (_, Some(line)) => write!(f, "yaml: line {line}: {}", self.message),
            (_, None) => write!(f, "yaml: {}", self.message),
        }
    }
}

impl std::error::Error for YamlError {}

impl From<RawError> for YamlError {
    fn from(e: RawError) -> YamlError {
        let line = match e.kind {
            ErrorKind::Reader | ErrorKind::Composer => 0,
            ErrorKind::Scanner | ErrorKind::Parser => {
                if e.problem_mark.line != 0 {
                    e.problem_mark.line + usize::from(e.kind == ErrorKind::Scanner)
                } else {
                    e.context_mark.line
                }
            }
        };
        let kind = if e.kind == ErrorKind::Composer { YamlErrorKind::Decode } else { YamlErrorKind::Syntax };
        let (column, problem_line) = match e.kind {
            ErrorKind::Scanner | ErrorKind::Parser => (Some(e.problem_mark.column + 1), Some(e.problem_mark.line + 1)),
            _ => (None, None),
        };
        YamlError { line: (line != 0).then_some(line), column, problem_line, message: e.problem, kind }
    }
}

/// A parsed YAML value with the 1-based position where it starts.
#[derive(Clone, Debug)]
pub struct Node {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Byte offset of the node's first character in the parsed text (for aliases,
    /// the anchored node's), so spans of generated text can be mapped back.
    pub offset: usize,
    /// What it is.
    pub kind: NodeKind,
}

/// The shape of a [`Node`].
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A scalar, already converted (numbers are `Value::Float`, `null` is `Value::Nil`).
    Scalar(Value),
    /// A mapping: key, key line, key column, value. Keys are unique (a repeated key
    /// keeps the last value and its position); order is first appearance.
    Map(Vec<(String, usize, usize, Node)>),
    /// A sequence.
    List(Vec<Node>),
}

impl Node {
    /// The plain value (maps become `map[string]interface {}`, lists `[]interface {}`).
    pub fn to_value(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar(v) => v.clone(),
            NodeKind::List(items) => Value::list(items.iter().map(Node::to_value).collect()),
            NodeKind::Map(entries) => {
                let mut m = MapEntries::new();
                for (k, _, _, v) in entries {
                    m.insert(k.as_str().into(), v.to_value());
                }
                Value::Map(Map::from_entries(m))
            }
        }
    }
}

/// The text of raw input as go-yaml's reader decodes it: an error (`yaml: invalid
/// leading UTF-8 octet`...) when the bytes are not UTF-8 or hold characters YAML
/// does not allow (see [`check_bytes`]).
pub fn input_text(data: &[u8]) -> Result<&str, YamlError> {
    match std::str::from_utf8(data) {
        Ok(text) => Ok(text),
        Err(_) => {
            check_bytes(data)?;
            Err(YamlError::from(scanner::RawError {
                kind: scanner::ErrorKind::Reader,
                problem: "invalid leading UTF-8 octet".into(),
                problem_mark: scanner::Mark::default(),
                context_mark: scanner::Mark::default(),
            }))
        }
    }
}

fn check(text: &str) -> Result<(), YamlError> {
    scanner::check_input(text).map_err(YamlError::from)
}

/// go-yaml's reader check of raw bytes: the error go-yaml gives for a document
/// that is not valid UTF-8 or holds a character YAML forbids (`yaml: invalid
/// leading UTF-8 octet`, `yaml: control characters are not allowed`, ...).
pub fn check_bytes(input: &[u8]) -> Result<(), YamlError> {
    scanner::check_input_bytes(input).map_err(YamlError::from)
}

/// `sigs.k8s.io/yaml.Unmarshal` into `interface{}`: the first document of `text`
/// (later documents are not even scanned, as in go-yaml). Numbers become
/// `Value::Float`, YAML 1.1 booleans (`yes`, `off`, `y`...) become booleans (as keys:
/// `"true"`/`"false"`), duplicate keys keep the last value, aliases and `<<` merges are
/// expanded. Empty input gives `Value::Nil`.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    first_document_value(text, false)
}

/// [`parse`] when only some top-level keys are wanted (Helm reading a manifest's
/// `kind` and `metadata`): the whole document is parsed and checked, with the same
/// errors as [`parse`], but of a top-level mapping only the entries whose key is in
/// `keys` are built.
pub fn parse_keys(text: &str, keys: &[&str]) -> Result<Value, YamlError> {
    first_document_with(text, |doc| decode::decode_document_keys(doc, keys))
}

/// [`parse`] of raw bytes, as go-yaml reads them: input that is not valid UTF-8
/// fails with go-yaml's reader error (see [`check_bytes`]).
pub fn parse_bytes(input: &[u8]) -> Result<Value, YamlError> {
    match std::str::from_utf8(input) {
        Ok(text) => parse(text),
        Err(_) => check_bytes(input).and_then(|()| parse(&String::from_utf8_lossy(input))),
    }
}

/// Every document of a `---`-separated stream, each converted as [`parse`] does
/// (an empty document is `Value::Nil`). Line numbers in errors count from the start
/// of the stream.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    check(text)?;
    let mut composer = parser::Composer::new(text);
    let mut out = Vec::new();
    while let Some(doc) = composer.next_document()? {
        out.push(decode::decode_document_value(&doc, false)?);
    }
    Ok(out)
}

/// The end (one past the last byte) of the scalar whose text starts at byte
/// `offset` of `text` (as a [`Node`]'s `offset` gives): past the closing quote of a
/// quoted scalar, at the end of a block scalar's last content line, or at the end
/// of a plain scalar (before a comment or the line's end, and in flow context
/// before `,`, `]` or `}`). Trailing blanks are left out.
pub fn scalar_end(text: &str, offset: usize) -> usize {
    let b = text.as_bytes();
    let len = b.len();
    if offset >= len {
        return len;
    }
    let line_end = |from: usize| b[from..].iter().position(|&c| c == b'\n').map_or(len, |i| from + i);
    match b[offset] {
        b'"' => {
            let mut i = offset + 1;
            while i < len {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => return i + 1,
                    _ => i += 1,
                }
            }
            len
        }
        b'\'' => {
            let mut i = offset + 1;
            while i < len {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            len
        }
        b'|' | b'>' => {
            let line_start = b[..offset].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
            let parent = b[line_start..].iter().take_while(|&&c| c == b' ').count();
            let mut end = line_end(offset);
            let mut i = end + 1;
            while i < len {
                let e = line_end(i);
                let line = &b[i..e];
                let indent = line.iter().take_while(|&&c| c == b' ').count();
                if indent == line.len() {
                    i = e + 1;
                    continue;
                }
                if indent <= parent {
                    break;
                }
                end = e;
                i = e + 1;
            }
            end
        }
        _ => {
            let before = b[..offset].iter().rev().find(|&&c| c != b' ');
            let line_start = b[..offset].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
            let flow = matches!(before, Some(b'[' | b'{' | b','))
                || (before == Some(&b':') && b[line_start..offset].contains(&b'{'));
            let mut end = line_end(offset);
            if let Some(i) = b[offset..end].windows(2).position(|w| w[0] == b' ' && w[1] == b'#') {
                end = offset + i;
            }
            if flow {
                if let Some(i) = b[offset..end].iter().position(|&c| matches!(c, b',' | b']' | b'}')) {
                    end = offset + i;
                }
            }
            while end > offset && matches!(b[end - 1], b' ' | b'\t' | b'\r') {
                end -= 1;
            }
            end
        }
    }
}

/// Like [`parse`] but keeps the position of every key and value; `None` when the
/// input holds no document at all (empty, or only comments).
pub fn parse_node(text: &str) -> Result<Option<Node>, YamlError> {
    first_document(text, false)
}

fn first_document(text: &str, typed: bool) -> Result<Option<Node>, YamlError> {
    let text = if text.is_empty() { "\n" } else { text };
    check(text)?;
    let mut composer = parser::Composer::new(text);
    match composer.next_document()? {
        Some(doc) => Ok(Some(decode::decode_document(&doc, typed)?)),
        None => Ok(None),
    }
}

fn first_document_value(text: &str, typed: bool) -> Result<Value, YamlError> {
    first_document_with(text, |doc| decode::decode_document_value(doc, typed))
}

/// The first document of `text` converted by `convert`; no document is `nil`.
fn first_document_with(
    text: &str,
    convert: impl FnOnce(&parser::Doc<'_>) -> Result<Value, YamlError>,
) -> Result<Value, YamlError> {
    let text = if text.is_empty() { "\n" } else { text };
    check(text)?;
    let mut composer = parser::Composer::new(text);
    match composer.next_document()? {
        Some(doc) => convert(&doc),
        None => Ok(Value::Nil),
    }
}

/// Like [`parse`], but integers keep go-yaml's type (`Value::Int64`; a uint64
/// beyond int64 is kept as its decimal text). This is what `sigs.k8s.io/yaml.Unmarshal` into a typed
/// struct (Helm's `Chart.yaml` metadata) works from: pass a scalar to
/// [`string_field_text`] to get what a Go `string` field receives.
pub fn parse_typed(text: &str) -> Result<Value, YamlError> {
    first_document_value(text, true)
}

/// The text a Go `string` struct field receives from a YAML scalar through
/// sigs.k8s.io/yaml (from a [`parse_typed`] value): strings as they are, integers in
/// decimal, floats as `FormatFloat(f, 'g', -1, 32)` (`appVersion: 3.14159265358979`
/// gives `3.1415927`), booleans as `true`/`false`. `None` for nil and collections.
pub fn string_field_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::Int(i) | Value::Int64(i) => Some(i.to_string()),
        Value::Float(f) => Some(decode::format_float32(*f)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
