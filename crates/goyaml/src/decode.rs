//! Decoding composed YAML into Go-typed values (go-yaml v2 into `interface{}`), then
//! converting them as sigs.k8s.io/yaml does (YAML → JSON → `interface{}`): keys become
//! strings, every number becomes float64.

use std::borrow::Cow;
use std::collections::HashSet;
use std::rc::Rc;

use govalue::{strconv, Map, MapEntries, Value};

use crate::keyindex::{hash_of, hasher, KeyHasher, KeyIndex};
use crate::parser::{Doc, YKind};
use crate::resolve::{resolve, Resolved, Tag, TAG_PREFIX};
use crate::{Node, NodeKind, YamlError, YamlErrorKind};

/// Nesting deeper than this is refused rather than risking the stack (go-yaml
/// allows 10000 levels; real values files use a few dozen).
pub const MAX_DEPTH: usize = 500;

/// A decoded node: Go-typed scalars, maps with any keys, positions kept.
#[derive(Clone, Debug)]
pub struct DNode<'a> {
    line: usize,
    column: usize,
    offset: usize,
    kind: DKind<'a>,
}

#[derive(Clone, Debug)]
enum DKind<'a> {
    Scalar(Resolved<'a>),
    Map(Vec<(DNode<'a>, DNode<'a>)>),
    Seq(Vec<DNode<'a>>),
}

fn decode_error(message: String) -> YamlError {
    YamlError { line: None, column: None, problem_line: None, message, kind: YamlErrorKind::Decode }
}

fn convert_error(message: String) -> YamlError {
    YamlError { line: None, column: None, problem_line: None, message, kind: YamlErrorKind::Convert }
}

struct Decoder<'d, 't> {
    doc: &'d Doc<'t>,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    active_aliases: HashSet<usize>,
    depth: usize,
    hasher: KeyHasher,
}

/// A mapping being decoded: its entries and the index of their keys.
#[derive(Default)]
struct PairMap<'a> {
    pairs: Vec<(DNode<'a>, DNode<'a>)>,
    index: KeyIndex,
}

fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const SMALL: f64 = 400_000.0;
    const LARGE: f64 = 4_000_000.0;
    let n = decode_count as f64;
    if n <= SMALL {
        0.99
    } else if n >= LARGE {
        0.10
    } else {
        0.99 - 0.89 * ((n - SMALL) / (LARGE - SMALL))
    }
}

/// Same-value test for Go map keys of type `interface{}`.
fn same_key(a: &DNode<'_>, b: &DNode<'_>) -> bool {
    match (&a.kind, &b.kind) {
        (DKind::Scalar(x), DKind::Scalar(y)) => match (x, y) {
            (Resolved::Float(p), Resolved::Float(q)) => p == q,
            _ => x == y,
        },
        _ => false,
    }
}

/// A hash that agrees with [`same_key`] (`-0.0` and `0.0` hash alike).
fn key_hash(state: &KeyHasher, k: &DNode<'_>) -> u64 {
    match &k.kind {
        DKind::Scalar(r) => match r {
            Resolved::Null => hash_of(state, &0u8),
            Resolved::Bool(b) => hash_of(state, &(1u8, *b)),
            Resolved::Int(i) => hash_of(state, &(2u8, *i)),
            Resolved::Uint(u) => hash_of(state, &(3u8, *u)),
            Resolved::Float(f) => hash_of(state, &(4u8, (f + 0.0).to_bits())),
            Resolved::Str(s) => hash_of(state, &(5u8, s.as_ref())),
        },
        _ => 0,
    }
}

/// Go's map assignment: a key already present gets the new value (and, here, the
/// new key's position); a new key is appended.
fn insert_pair<'a>(state: &KeyHasher, map: &mut PairMap<'a>, k: DNode<'a>, v: DNode<'a>) {
    let h = key_hash(state, &k);
    let hash = |p: &(DNode<'a>, DNode<'a>)| key_hash(state, &p.0);
    match map.index.find(&map.pairs, h, |p| same_key(&p.0, &k), hash) {
        Some(i) => map.pairs[i] = (k, v),
        None => {
            map.pairs.push((k, v));
            map.index.added(map.pairs.len() - 1, h);
        }
    }
}

impl<'d, 't> Decoder<'d, 't> {
    fn count(&mut self) -> Result<(), YamlError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64 > allowed_alias_ratio(self.decode_count)
        {
            return Err(decode_error("document contains excessive aliasing".into()));
        }
        Ok(())
    }

    fn unmarshal(&mut self, id: usize) -> Result<DNode<'d>, YamlError> {
        self.count()?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(decode_error(format!("exceeded max depth of {MAX_DEPTH}")));
        }
        let doc = self.doc;
        let node = &doc.nodes[id];
        let (line, column, offset) = (node.mark.line + 1, node.mark.column + 1, node.mark.byte);
        let result = match &node.kind {
            YKind::Scalar { value, tag, implicit, .. } => {
                let r = scalar(value, tag, *implicit)?;
                Ok(DNode { line, column, offset, kind: DKind::Scalar(r) })
            }
            YKind::Alias { .. } => self.alias(id, |d, target| d.unmarshal(target)),
            YKind::Sequence { children, .. } => {
                let mut items = Vec::with_capacity(children.len());
                for &c in children {
                    items.push(self.unmarshal(c)?);
                }
                Ok(DNode { line, column, offset, kind: DKind::Seq(items) })
            }
            YKind::Mapping { .. } => {
                let mut map = PairMap::default();
                self.mapping_into(id, &mut map)?;
                Ok(DNode { line, column, offset, kind: DKind::Map(map.pairs) })
            }
        };
        self.depth -= 1;
        result
    }

    fn alias<T>(
        &mut self,
        id: usize,
        f: impl FnOnce(&mut Self, usize) -> Result<T, YamlError>,
    ) -> Result<T, YamlError> {
        let YKind::Alias { name, target } = &self.doc.nodes[id].kind else {
            return Err(decode_error("internal error: not an alias".into()));
        };
        if self.active_aliases.contains(&id) {
            return Err(decode_error(format!("anchor '{name}' value contains itself")));
        }
        let target = *target;
        self.active_aliases.insert(id);
        self.alias_depth += 1;
        let r = f(self, target);
        self.alias_depth -= 1;
        self.active_aliases.remove(&id);
        r
    }

    /// Decodes mapping node `id` into `map` (go-yaml's `d.mapping` on an existing map).
    fn mapping_into(&mut self, id: usize, map: &mut PairMap<'d>) -> Result<(), YamlError> {
        let doc = self.doc;
        let YKind::Mapping { children, .. } = &doc.nodes[id].kind else {
            return Err(decode_error("internal error: not a mapping".into()));
        };
        for pair in children.chunks(2) {
            let (k, v) = (pair[0], pair.get(1).copied());
            if self.is_merge(k) {
                if let Some(v) = v {
                    self.merge(v, map)?;
                }
                continue;
            }
            let key = self.unmarshal(k)?;
            if matches!(key.kind, DKind::Map(_) | DKind::Seq(_)) {
                return Err(decode_error(format!("invalid map key: {}", sharp_v(&key, true))));
            }
            let value = match v {
                Some(v) => self.unmarshal(v)?,
                None => DNode {
                    line: key.line,
                    column: key.column,
                    offset: key.offset,
                    kind: DKind::Scalar(Resolved::Null),
                },
            };
            insert_pair(&self.hasher, map, key, value);
        }
        Ok(())
    }

    fn is_merge(&self, id: usize) -> bool {
        match &self.doc.nodes[id].kind {
            YKind::Scalar { value, tag, implicit, .. } => {
                value == "<<" && (*implicit || tag.strip_prefix(TAG_PREFIX) == Some("merge"))
            }
            _ => false,
        }
    }

    fn alias_target_is_map(&self, id: usize) -> bool {
        match &self.doc.nodes[id].kind {
            YKind::Alias { target, .. } => matches!(self.doc.nodes[*target].kind, YKind::Mapping { .. }),
            _ => false,
        }
    }

    /// Decodes a merge value (`<<: x`) into `map`.
    fn merge_one(&mut self, id: usize, map: &mut PairMap<'d>) -> Result<(), YamlError> {
        self.count()?;
        match &self.doc.nodes[id].kind {
            YKind::Mapping { .. } => self.mapping_into(id, map),
            YKind::Alias { .. } => self.alias(id, |d, target| {
                d.count()?;
                d.mapping_into(target, map)
            }),
            _ => Err(want_map()),
        }
    }

    fn merge(&mut self, id: usize, map: &mut PairMap<'d>) -> Result<(), YamlError> {
        let doc = self.doc;
        match &doc.nodes[id].kind {
            YKind::Mapping { .. } => self.merge_one(id, map),
            YKind::Alias { .. } => {
                if !self.alias_target_is_map(id) {
                    return Err(want_map());
                }
                self.merge_one(id, map)
            }
            YKind::Sequence { children, .. } => {
                for &c in children.iter().rev() {
                    let ok = match &self.doc.nodes[c].kind {
                        YKind::Alias { .. } => self.alias_target_is_map(c),
                        YKind::Mapping { .. } => true,
                        _ => false,
                    };
                    if !ok {
                        return Err(want_map());
                    }
                    self.merge_one(c, map)?;
                }
                Ok(())
            }
            YKind::Scalar { .. } => Err(want_map()),
        }
    }
}

fn want_map() -> YamlError {
    decode_error("map merge requires map or sequence of maps as the value".into())
}

fn scalar<'a>(value: &'a str, tag: &str, implicit: bool) -> Result<Resolved<'a>, YamlError> {
    if tag.is_empty() && !implicit {
        return Ok(Resolved::Str(Cow::Borrowed(value)));
    }
    let (rtag, r) = resolve(tag, value).map_err(decode_error)?;
    if rtag == Tag::Binary {
        let Some(bytes) = base64_decode(value) else {
            return Err(decode_error("!!binary value contains invalid base64 data".into()));
        };
        return Ok(Resolved::Str(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())));
    }
    Ok(r)
}

/// Go's `base64.StdEncoding.DecodeString` (padding required; CR and LF ignored).
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|b| *b != b'\r' && *b != b'\n').collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::new();
    let chunks = clean.len() / 4;
    for (i, ch) in clean.chunks(4).enumerate() {
        let pad = ch.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != chunks) {
            return None;
        }
        let mut n = 0u32;
        for (j, &c) in ch.iter().enumerate() {
            let v = if j >= 4 - pad { 0 } else { val(c)? };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Go's `%#v` of a decoded value (used in go-yaml's and sigs.k8s.io/yaml's messages).
fn sharp_v(n: &DNode<'_>, top: bool) -> String {
    match &n.kind {
        DKind::Scalar(r) => match r {
            Resolved::Null => {
                if top {
                    "<nil>".into()
                } else {
                    "interface {}(nil)".into()
                }
            }
            Resolved::Bool(b) => b.to_string(),
            Resolved::Int(i) => i.to_string(),
            Resolved::Uint(u) => format!("0x{u:x}"),
            Resolved::Float(f) => strconv::format_float(*f, b'g', -1),
            Resolved::Str(s) => strconv::quote(s),
        },
        DKind::Seq(items) => {
            let parts: Vec<String> = items.iter().map(|i| sharp_v(i, false)).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        DKind::Map(pairs) => {
            let mut parts: Vec<(String, String)> =
                pairs.iter().map(|(k, v)| (sharp_v(k, false), sharp_v(v, false))).collect();
            parts.sort();
            let body: Vec<String> = parts.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", body.join(", "))
        }
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: the value rounded to float32, in its
/// shortest form (`+Inf`, `-Inf`, `NaN` for the specials).
pub fn format_float32(f: f64) -> String {
    let f32v = f as f32;
    if f32v.is_nan() || f32v.is_infinite() {
        return strconv::format_float(f32v as f64, b'g', -1);
    }
    // The shortest float32 digits have at most 9 significant digits, so they survive
    // the trip through f64 unchanged.
    let text = format!("{f32v:e}");
    let back: f64 = text.parse().unwrap_or(f);
    strconv::format_float(back, b'g', -1)
}

/// Formats a float64 map key as sigs.k8s.io/yaml does (`FormatFloat(k, 'g', -1, 32)`,
/// with YAML's names for the specials).
fn float_key(f: f64) -> String {
    match format_float32(f).as_str() {
        "+Inf" => ".inf".into(),
        "-Inf" => "-.inf".into(),
        "NaN" => ".nan".into(),
        s => s.to_string(),
    }
}

/// Converts decoded YAML to sigs.k8s.io/yaml's result. Key errors come before JSON
/// value errors, as the conversion runs before `json.Marshal`.
struct Converter {
    json_error: Option<String>,
    /// Keep go-yaml's integer type (`Value::Int64`; a uint64 beyond int64 as its
    /// decimal text) instead of the JSON float64.
    typed: bool,
    hasher: KeyHasher,
}

impl Converter {
    fn key_string<'a>(&mut self, k: &'a DNode<'_>, v: &DNode<'_>) -> Result<Cow<'a, str>, YamlError> {
        let DKind::Scalar(r) = &k.kind else {
            return Err(decode_error(format!("invalid map key: {}", sharp_v(k, true))));
        };
        Ok(match r {
            Resolved::Str(s) => Cow::Borrowed(s.as_ref()),
            Resolved::Int(i) => Cow::Owned(i.to_string()),
            Resolved::Uint(u) => Cow::Owned(u.to_string()),
            Resolved::Float(f) => Cow::Owned(float_key(*f)),
            Resolved::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Resolved::Null => {
                return Err(convert_error(format!(
                    "unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                    sharp_v(v, true)
                )))
            }
        })
    }

    fn scalar(&mut self, r: Resolved<'_>) -> Value {
        match r {
            Resolved::Null => Value::Nil,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) if self.typed => Value::Int64(i),
            Resolved::Int(i) => Value::Float(i as f64),
            Resolved::Uint(u) if self.typed => Value::string(u.to_string()),
            Resolved::Uint(u) => Value::Float(u as f64),
            Resolved::Float(f) => {
                if !f.is_finite() && self.json_error.is_none() {
                    self.json_error = Some(format!("json: unsupported value: {}", strconv::format_float(f, b'g', -1)));
                }
                Value::Float(f)
            }
            Resolved::Str(s) => Value::String(Rc::from(s.as_ref())),
        }
    }

    fn convert(&mut self, n: DNode<'_>) -> Result<Node, YamlError> {
        let kind = match n.kind {
            DKind::Scalar(r) => NodeKind::Scalar(self.scalar(r)),
            DKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.convert(i)?);
                }
                NodeKind::List(out)
            }
            DKind::Map(pairs) => {
                let mut out: Vec<(String, usize, usize, Node)> = Vec::with_capacity(pairs.len());
                let mut index = KeyIndex::default();
                for (k, v) in pairs {
                    let key = self.key_string(&k, &v)?.into_owned();
                    let value = self.convert(v)?;
                    let state = &self.hasher;
                    let h = hash_of(state, key.as_str());
                    let hash = |e: &(String, usize, usize, Node)| hash_of(state, e.0.as_str());
                    match index.find(&out, h, |e| e.0 == key, hash) {
                        Some(i) => out[i] = (key, k.line, k.column, value),
                        None => {
                            out.push((key, k.line, k.column, value));
                            index.added(out.len() - 1, h);
                        }
                    }
                }
                NodeKind::Map(out)
            }
        };
        Ok(Node { line: n.line, column: n.column, offset: n.offset, kind })
    }

    /// [`convert_value`](Self::convert_value) keeping, of a top-level mapping, only
    /// the entries whose key is in `keep`: the others are checked in the same order
    /// (so the same first error) but not built.
    fn convert_selected(&mut self, n: DNode<'_>, keep: &[&str]) -> Result<Value, YamlError> {
        let DKind::Map(pairs) = n.kind else {
            return self.convert_value(n);
        };
        let mut m = MapEntries::new();
        for (k, v) in pairs {
            let key = self.key_string(&k, &v)?;
            if keep.contains(&key.as_ref()) {
                let key: Rc<str> = Rc::from(key.as_ref());
                let value = self.convert_value(v)?;
                m.insert(key, value);
            } else {
                self.check(v)?;
            }
        }
        Ok(Value::Map(Map::from_entries(m)))
    }

    /// The errors [`convert_value`](Self::convert_value) would find in `n`, without
    /// building anything.
    fn check(&mut self, n: DNode<'_>) -> Result<(), YamlError> {
        match n.kind {
            DKind::Scalar(Resolved::Float(f)) => {
                if !f.is_finite() && self.json_error.is_none() {
                    self.json_error = Some(format!("json: unsupported value: {}", strconv::format_float(f, b'g', -1)));
                }
            }
            DKind::Scalar(_) => {}
            DKind::Seq(items) => {
                for i in items {
                    self.check(i)?;
                }
            }
            DKind::Map(pairs) => {
                for (k, v) in pairs {
                    self.key_string(&k, &v)?;
                    self.check(v)?;
                }
            }
        }
        Ok(())
    }

    /// [`convert`](Self::convert) then [`Node::to_value`] in one pass, in the same
    /// order (so the same first error), without the positions.
    fn convert_value(&mut self, n: DNode<'_>) -> Result<Value, YamlError> {
        Ok(match n.kind {
            DKind::Scalar(r) => self.scalar(r),
            DKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.convert_value(i)?);
                }
                Value::list(out)
            }
            DKind::Map(pairs) => {
                let mut m = MapEntries::new();
                for (k, v) in pairs {
                    let key: Rc<str> = Rc::from(self.key_string(&k, &v)?.as_ref());
                    let value = self.convert_value(v)?;
                    m.insert(key, value);
                }
                Value::Map(Map::from_entries(m))
            }
        })
    }
}

/// Decodes one composed document the way `sigs.k8s.io/yaml.Unmarshal` into
/// `interface{}` sees it.
/// With `typed`, integers stay `Value::Int64` (what a typed Go struct field sees
/// before the JSON round trip turns them into float64).
pub fn decode_document(doc: &Doc<'_>, typed: bool) -> Result<Node, YamlError> {
    decode_with(doc, typed, |c, dn| c.convert(dn))
}

/// [`decode_document`] straight to the plain value (what [`Node::to_value`] gives).
pub fn decode_document_value(doc: &Doc<'_>, typed: bool) -> Result<Value, YamlError> {
    decode_with(doc, typed, |c, dn| c.convert_value(dn))
}

/// [`decode_document_value`] of which a top-level mapping keeps only the keys in
/// `keep`; every error of the whole document is still found.
pub fn decode_document_keys(doc: &Doc<'_>, keep: &[&str]) -> Result<Value, YamlError> {
    decode_with(doc, false, |c, dn| c.convert_selected(dn, keep))
}

/// Decodes `doc` and converts the result with `convert`; a JSON error the
/// conversion noted comes after its key errors, as in sigs.k8s.io/yaml.
fn decode_with<T>(
    doc: &Doc<'_>,
    typed: bool,
    convert: impl FnOnce(&mut Converter, DNode<'_>) -> Result<T, YamlError>,
) -> Result<T, YamlError> {
    let (dn, mut c) = decode(doc, typed)?;
    let out = convert(&mut c, dn)?;
    if let Some(e) = c.json_error {
        return Err(convert_error(e));
    }
    Ok(out)
}

fn decode<'d>(doc: &'d Doc<'_>, typed: bool) -> Result<(DNode<'d>, Converter), YamlError> {
    let mut d = Decoder {
        doc,
        decode_count: 0,
        alias_count: 0,
        alias_depth: 0,
        active_aliases: HashSet::new(),
        depth: 0,
        hasher: hasher(),
    };
    let dn = d.unmarshal(doc.root)?;
    Ok((dn, Converter { json_error: None, typed, hasher: d.hasher }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_like_go() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGVsbG8"), None);
        assert_eq!(base64_decode(""), Some(vec![]));
    }

    #[test]
    fn float_keys_use_float32_formatting() {
        assert_eq!(float_key(1.234567891), "1.2345679");
        assert_eq!(float_key(1e10), "1e+10");
        assert_eq!(float_key(0.1), "0.1");
        assert_eq!(float_key(1.5), "1.5");
        assert_eq!(float_key(f64::INFINITY), ".inf");
        assert_eq!(format_float32(1.234567891), "1.2345679");
        assert_eq!(format_float32(1e300), "+Inf");
    }
}
