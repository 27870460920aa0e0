//! `capstan diff`: what changes between two sets of rendered manifests, object by
//! object and field by field, and where each changed field came from.
//!
//! Each side is a render (as `template` does it) or a stream of manifests already
//! rendered. Documents are matched by apiVersion group, kind, namespace and name;
//! their fields are compared structurally (key order and formatting do not count),
//! lists whose items all carry a unique `name` are matched by name, other lists by
//! index. A key, item or subtree present on one side only is one entry at the
//! highest such path. The origins of a changed field on a rendered side are the
//! `explain fields` origins of its leaves ([`crate::fields`]).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::rc::Rc;

use govalue::{Map, Value};

use crate::fields::{self, Origin};
use crate::provenance::join_path;
use crate::{Error, TemplateOptions};

/// Deepest nesting compared field by field; deeper subtrees compare as a whole.
const MAX_DEPTH: usize = 200;

/// Lines of context around a change in a line diff.
const CONTEXT: usize = 3;

/// Largest line-diff table (lines × lines) computed exactly; past it the differing
/// middle of two texts is shown as removed then added.
const MAX_LCS_CELLS: usize = 4_000_000;

/// One side of a comparison.
#[derive(Clone, Debug)]
pub enum Source {
    /// A render, exactly as `template` would print it.
    Render(Box<TemplateOptions>),
    /// Rendered manifests read from a file (`-`: standard input).
    Manifests {
        /// Where they were read from, for errors.
        file: String,
        /// Their text.
        text: String,
    },
}

/// What identifies a document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DocKey {
    /// `apiVersion`
    pub api_version: Option<String>,
    /// `kind`
    pub kind: Option<String>,
    /// `metadata.namespace`
    pub namespace: Option<String>,
    /// `metadata.name`
    pub name: Option<String>,
}

impl DocKey {
    fn of(v: &Value) -> DocKey {
        let m = v.as_map();
        let md = m.and_then(|m| m.get("metadata"));
        let md = md.as_ref().and_then(Value::as_map);
        let text = |v: Option<Value>| v.filter(|v| !v.is_nil()).map(|v| v.to_go_string());
        DocKey {
            api_version: text(m.and_then(|m| m.get("apiVersion"))),
            kind: text(m.and_then(|m| m.get("kind"))),
            namespace: text(md.and_then(|m| m.get("namespace"))),
            name: text(md.and_then(|m| m.get("name"))),
        }
    }

    /// What documents are matched by: the apiVersion's group (not its version),
    /// kind, namespace and name.
    fn identity(&self) -> (Option<String>, Option<String>, Option<String>, Option<String>) {
        let group = self.api_version.as_ref().map(|a| a.rsplit_once('/').map_or("", |(g, _)| g).to_string());
        (group, self.kind.clone(), self.namespace.clone(), self.name.clone())
    }

    /// `KIND/NAME` or `KIND/NAMESPACE/NAME`, as `explain fields` names documents.
    pub fn label(&self) -> String {
        let kind = self.kind.as_deref().unwrap_or("?");
        let name = self.name.as_deref().unwrap_or("?");
        match &self.namespace {
            Some(ns) => format!("{kind}/{ns}/{name}"),
            None => format!("{kind}/{name}"),
        }
    }
}

/// Origins of the fields of one document, by `explain fields` path.
type OriginTable = BTreeMap<String, Vec<Origin>>;

/// One document of one side.
struct Doc {
    key: DocKey,
    value: Value,
    origins: Option<Rc<OriginTable>>,
}

/// What kind of change an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Present on the right only.
    Added,
    /// Present on the left only.
    Removed,
    /// Present on both sides with different values.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One difference.
#[derive(Clone, Debug)]
pub struct Change {
    /// The document (the left one's key when both sides have it).
    pub document: DocKey,
    /// The field's path in the `explain` syntax (`""`: the whole document).
    pub path: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The left value (`None`: absent).
    pub left: Option<Value>,
    /// The right value (`None`: absent).
    pub right: Option<Value>,
    /// Where the left value came from.
    pub left_origins: Vec<Origin>,
    /// Where the right value came from.
    pub right_origins: Vec<Origin>,
}

/// Two documents that differ, for the unified view.
#[derive(Clone, Debug)]
pub struct DocPair {
    /// The document.
    pub document: DocKey,
    /// The left document, when there is one.
    pub left: Option<Value>,
    /// The right document, when there is one.
    pub right: Option<Value>,
}

/// The outcome of a comparison.
#[derive(Clone, Debug, Default)]
pub struct Diff {
    /// Every change, document by document (left order, then right-only documents).
    pub changes: Vec<Change>,
    /// The documents that differ, in the same order.
    pub documents: Vec<DocPair>,
}

/// What to compare and how.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Trace origins on rendered sides (`--no-origins` turns it off).
    pub origins: bool,
    /// Fields left out of the comparison.
    pub ignore: Vec<Ignore>,
    /// Kinds left out (globs, any case).
    pub ignore_kinds: Vec<String>,
}

/// One step of a path pattern.
#[derive(Clone, Debug, PartialEq)]
enum Seg {
    /// A map key.
    Key(String),
    /// `*`: any map key.
    AnyKey,
    /// `[N]`: the item at N on either side.
    Index(usize),
    /// `[name=V]`
    Name(String),
    /// `[*]`: any item.
    AnyItem,
    /// A JSON pointer token: a key, or an index when it is a number.
    Token(String),
}

/// A `--ignore` pattern: documents (globs over kind, namespace and name) and a
/// field path below which nothing counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Ignore {
    /// `[kind]`, `[kind, name]` or `[kind, namespace, name]`; empty: every document.
    documents: Vec<String>,
    path: Vec<Seg>,
}

impl Ignore {
    /// Parses `[DOCUMENTS/]PATH`: `PATH` in the `explain` syntax
    /// (`metadata.annotations."checksum/config"`, `containers[name=app].image`,
    /// `*` and `[*]` as wildcards) or a JSON pointer (`/metadata/labels/env`);
    /// `DOCUMENTS` is `*`, `KIND`, `KIND/NAME` or `KIND/NAMESPACE/NAME`, each part a
    /// glob. After a document selector, a key holding `/` must be quoted.
    pub fn parse(spec: &str) -> Result<Ignore, Error> {
        let bad = |why: &str| Error::new(format!("invalid --ignore {spec:?}: {why}"));
        if let Some(p) = spec.strip_prefix('/') {
            return Ok(Ignore { documents: Vec::new(), path: pointer(p) });
        }
        let parts = split_unquoted(spec, '/');
        let selector = parts.len() > 1
            && parts.len() <= 4
            && parts[0].chars().next().is_some_and(|c| c == '*' || c.is_ascii_uppercase());
        let (documents, path) = match parts.split_last() {
            Some((path, docs)) if selector => (docs.iter().map(|s| s.to_string()).collect(), *path),
            _ => (Vec::new(), spec),
        };
        if let Some(p) = path.strip_prefix('/') {
            return Ok(Ignore { documents, path: pointer(p) });
        }
        let path = parse_path(path).map_err(|e| bad(&e))?;
        if path.is_empty() {
            return Err(bad("no field path"));
        }
        Ok(Ignore { documents, path })
    }

    fn selects(&self, key: &DocKey) -> bool {
        let glob = |pat: &str, s: &str| crate::glob::go_match(pat, s) == Some(true);
        let kind = key.kind.as_deref().unwrap_or("").to_ascii_lowercase();
        let name = key.name.as_deref().unwrap_or("");
        let ns = key.namespace.as_deref().unwrap_or("");
        match self.documents.as_slice() {
            [] => true,
            [k] => glob(&k.to_ascii_lowercase(), &kind),
            [k, n] => glob(&k.to_ascii_lowercase(), &kind) && glob(n, name),
            [k, s, n] => glob(&k.to_ascii_lowercase(), &kind) && glob(s, ns) && glob(n, name),
            _ => false,
        }
    }

    fn matches(&self, steps: &[Step]) -> bool {
        self.path.len() <= steps.len() && self.path.iter().zip(steps).all(|(seg, step)| seg_matches(seg, step))
    }
}

/// The tokens of a JSON pointer (after its first `/`).
fn pointer(p: &str) -> Vec<Seg> {
    p.split('/').map(|t| Seg::Token(t.replace("~1", "/").replace("~0", "~"))).collect()
}

fn seg_matches(seg: &Seg, step: &Step) -> bool {
    match (seg, step) {
        (Seg::Key(k), Step::Key(s)) | (Seg::Token(k), Step::Key(s)) => k == s,
        (Seg::AnyKey, Step::Key(_)) | (Seg::AnyItem, Step::Item { .. }) => true,
        (Seg::Index(n), Step::Item { left, right, .. }) => *left == Some(*n) || *right == Some(*n),
        (Seg::Token(t), Step::Item { left, right, .. }) => {
            t.parse::<usize>().is_ok_and(|n| *left == Some(n) || *right == Some(n))
        }
        (Seg::Name(v), Step::Item { name, .. }) => name.as_deref() == Some(v.as_str()),
        _ => false,
    }
}

/// Splits `s` at `sep` outside double quotes and brackets.
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quoted, mut escaped, mut depth, mut start) = (false, false, 0usize, 0);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            c if c == sep && !quoted && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Where the `]` that closes a bracket is in `s` (the text after the `[`), quotes
/// skipped.
fn closing_bracket(s: &str) -> Option<usize> {
    let mut i = 0;
    while i < s.len() {
        match s.as_bytes()[i] {
            b'"' => i += quoted_end(&s[i..])?,
            b']' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The end (exclusive) of the double-quoted string starting at `s[0]`.
fn quoted_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn unquote(s: &str) -> Result<String, String> {
    match goyaml::parse_json(s) {
        Ok(Value::String(v)) => Ok(v.to_string()),
        _ => Err(format!("bad quoted key {s}")),
    }
}

/// Parses a path in the `explain` syntax into segments.
fn parse_path(s: &str) -> Result<Vec<Seg>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if rest.starts_with('"') {
            let end = quoted_end(rest).ok_or("unterminated quote")?;
            out.push(Seg::Key(unquote(&rest[..end])?));
            rest = &rest[end..];
        } else if let Some(inner) = rest.strip_prefix('[') {
            let close = closing_bracket(inner).ok_or("unterminated [")?;
            let item = &inner[..close];
            out.push(if item == "*" {
                Seg::AnyItem
            } else if let Ok(n) = item.parse::<usize>() {
                Seg::Index(n)
            } else if let Some(v) = item.strip_prefix("name=") {
                Seg::Name(if v.starts_with('"') { unquote(v)? } else { v.to_string() })
            } else {
                return Err(format!("[{item}] is neither [N], [name=V] nor [*]"));
            });
            rest = &inner[close + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let key = &rest[..end];
            if key.is_empty() {
                return Err("empty key".into());
            }
            out.push(if key == "*" { Seg::AnyKey } else { Seg::Key(key.to_string()) });
            rest = &rest[end..];
        }
        if let Some(r) = rest.strip_prefix('.') {
            if r.is_empty() {
                return Err("path ends with '.'".into());
            }
            rest = r;
        } else if !rest.is_empty() && !rest.starts_with('[') {
            return Err(format!("unexpected {rest:?}"));
        }
    }
    Ok(out)
}

/// One step of the path being compared.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Item { left: Option<usize>, right: Option<usize>, name: Option<String> },
}

/// Reads one side's documents; for a render, also the options it was made with.
fn load(source: &Source) -> Result<(Vec<Doc>, Option<TemplateOptions>), Error> {
    match source {
        Source::Manifests { file, text } => {
            let values = goyaml::parse_documents(text).map_err(|e| match (e.problem_line.or(e.line), e.column) {
                (Some(l), Some(c)) => Error::new(format!("{file}:{l}:{c}: {e}")),
                (Some(l), None) => Error::new(format!("{file}:{l}: {e}")),
                _ => Error::new(format!("{file}: {e}")),
            })?;
            Ok((documents(values), None))
        }
        Source::Render(opts) => {
            let mut opts = opts.as_ref().clone();
            // A comparison writes nothing to disk.
            opts.output_dir = None;
            let text = crate::template(&opts, &mut Vec::new())?;
            let values = goyaml::parse_documents(&text).map_err(|e| Error::new(e.to_string()))?;
            Ok((documents(values), Some(opts)))
        }
    }
}

/// Every non-empty document.
fn documents(values: Vec<Value>) -> Vec<Doc> {
    values
        .into_iter()
        .filter(|v| !v.is_nil())
        .map(|value| Doc { key: DocKey::of(&value), value, origins: None })
        .collect()
}

/// Gives each rendered document the origins table of the same key (in order for
/// repeated keys); documents stay without one when the trace fails.
fn attach_origins(docs: &mut [Doc], opts: &TemplateOptions) {
    let Some(mut tables) = origin_tables(opts) else { return };
    for d in docs {
        d.origins = Some(tables.get_mut(&d.key).and_then(VecDeque::pop_front).unwrap_or_default());
    }
}

/// The `explain fields` origins of every rendered document, by document key (in
/// output order for repeated keys); `None` when the trace fails.
fn origin_tables(opts: &TemplateOptions) -> Option<HashMap<DocKey, VecDeque<Rc<OriginTable>>>> {
    let report = fields::explain_fields(opts, &fields::Selection::default()).ok()?;
    let mut by_doc: HashMap<usize, OriginTable> = HashMap::new();
    for f in &report.fields {
        let origins = if f.origins.is_empty() { f.inputs.clone() } else { f.origins.clone() };
        by_doc.entry(Rc::as_ptr(&f.document) as usize).or_default().insert(f.path.clone(), origins);
    }
    let mut out: HashMap<DocKey, VecDeque<Rc<OriginTable>>> = HashMap::new();
    for (d, _) in &report.documents {
        let key = DocKey {
            api_version: d.api_version.clone(),
            kind: d.kind.clone(),
            namespace: d.namespace.clone(),
            name: d.name.clone(),
        };
        let table = by_doc.remove(&(Rc::as_ptr(d) as usize)).unwrap_or_default();
        out.entry(key).or_default().push_back(Rc::new(table));
    }
    Some(out)
}

/// The origins of the field at `path` and of every field below it.
fn origins_at(table: &Option<Rc<OriginTable>>, path: &str) -> Vec<Origin> {
    let Some(table) = table else { return Vec::new() };
    let mut out: Vec<Origin> = Vec::new();
    for (p, origins) in table.range(path.to_string()..) {
        if !p.starts_with(path) {
            break;
        }
        let below = p.len() == path.len() || path.is_empty() || matches!(p.as_bytes()[path.len()], b'.' | b'[');
        if below {
            for o in origins {
                if !out.contains(o) {
                    out.push(o.clone());
                }
            }
        }
    }
    out
}

/// A change found by the walk, with the concrete (indexed) path on each side.
struct Found {
    path: String,
    kind: ChangeKind,
    left: Option<Value>,
    right: Option<Value>,
    left_path: String,
    right_path: String,
}

/// Where the walk is: the displayed path, each side's `explain fields` path, and
/// the steps for `--ignore`.
#[derive(Clone)]
struct At {
    path: String,
    left: String,
    right: String,
    steps: Vec<Step>,
}

impl At {
    fn key(&self, k: &str) -> At {
        let mut steps = self.steps.clone();
        steps.push(Step::Key(k.to_string()));
        At { path: join_path(&self.path, k), left: join_path(&self.left, k), right: join_path(&self.right, k), steps }
    }

    fn item(&self, left: Option<usize>, right: Option<usize>, name: Option<&str>) -> At {
        let mut steps = self.steps.clone();
        steps.push(Step::Item { left, right, name: name.map(str::to_string) });
        let shown = match (name, left.or(right)) {
            (Some(n), _) => format!("{}[name={}]", self.path, name_text(n)),
            (None, Some(i)) => format!("{}[{i}]", self.path),
            (None, None) => self.path.clone(),
        };
        At {
            path: shown,
            left: left.map_or_else(String::new, |i| format!("{}[{i}]", self.left)),
            right: right.map_or_else(String::new, |i| format!("{}[{i}]", self.right)),
            steps,
        }
    }
}

/// A name as written in `[name=VALUE]`: quoted when it holds brackets, quotes,
/// blanks or `=`, or is empty.
fn name_text(n: &str) -> String {
    if n.is_empty() || n.chars().any(|c| matches!(c, '[' | ']' | '"' | '=') || c.is_whitespace()) {
        govalue::strconv::quote(n)
    } else {
        n.to_string()
    }
}

/// The names of a list's items when every item is a map with a string `name` and
/// no name repeats.
fn item_names(l: &[Value]) -> Option<Vec<String>> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(l.len());
    for item in l {
        let name = match item.as_map().and_then(|m| m.get("name")) {
            Some(Value::String(s)) => s.to_string(),
            _ => return None,
        };
        if !seen.insert(name.clone()) {
            return None;
        }
        out.push(name);
    }
    Some(out)
}

fn items(v: &Value) -> Vec<Value> {
    v.as_list().map(|l| l.items().to_vec()).unwrap_or_default()
}

/// Scalars compare by their JSON text, so `1` and `"1"` differ and `1` and `1.0` do not.
fn same_scalar(l: &Value, r: &Value) -> bool {
    crate::explain::json_value(l) == crate::explain::json_value(r)
}

struct Walker<'a> {
    ignore: Vec<&'a Ignore>,
    found: Vec<Found>,
}

impl Walker<'_> {
    fn ignored(&self, at: &At) -> bool {
        self.ignore.iter().any(|i| i.matches(&at.steps))
    }

    /// Reports a one-sided subtree, without its ignored parts; nothing when
    /// ignoring emptied it.
    fn one_side(&mut self, at: &At, kind: ChangeKind, v: &Value) {
        let Some(v) = self.pruned(v, &at.steps, 0) else { return };
        let (left, right) = if kind == ChangeKind::Added { (None, Some(v)) } else { (Some(v), None) };
        self.found.push(Found {
            path: at.path.clone(),
            kind,
            left,
            right,
            left_path: at.left.clone(),
            right_path: at.right.clone(),
        });
    }

    /// `v` without the parts `--ignore` names; `None` when nothing is left of a
    /// non-empty collection.
    fn pruned(&self, v: &Value, steps: &[Step], depth: usize) -> Option<Value> {
        if self.ignore.is_empty() || depth > MAX_DEPTH {
            return Some(v.clone());
        }
        match v {
            Value::Map(m) if !m.is_empty() => {
                let mut kept = govalue::MapEntries::new();
                for (k, child) in m.borrow().iter() {
                    let mut s = steps.to_vec();
                    s.push(Step::Key(k.to_string()));
                    if self.ignore.iter().any(|i| i.matches(&s)) {
                        continue;
                    }
                    if let Some(c) = self.pruned(child, &s, depth + 1) {
                        kept.insert(k.clone(), c);
                    }
                }
                (!kept.is_empty()).then(|| Value::Map(Map::from_entries(kept)))
            }
            Value::List(_) => {
                let list = items(v);
                if list.is_empty() {
                    return Some(v.clone());
                }
                let names = item_names(&list);
                let mut kept = Vec::new();
                for (i, child) in list.iter().enumerate() {
                    let mut s = steps.to_vec();
                    s.push(Step::Item { left: Some(i), right: Some(i), name: names.as_ref().map(|n| n[i].clone()) });
                    if self.ignore.iter().any(|ig| ig.matches(&s)) {
                        continue;
                    }
                    if let Some(c) = self.pruned(child, &s, depth + 1) {
                        kept.push(c);
                    }
                }
                (!kept.is_empty()).then(|| Value::list(kept))
            }
            _ => Some(v.clone()),
        }
    }

    fn compare(&mut self, l: &Value, r: &Value, at: &At, depth: usize) {
        if self.ignored(at) {
            return;
        }
        match (l, r) {
            (Value::Map(lm), Value::Map(rm)) if depth <= MAX_DEPTH => {
                let (lm, rm) = (lm.borrow(), rm.borrow());
                let keys: std::collections::BTreeSet<&govalue::Str> = lm.keys().chain(rm.keys()).collect();
                for k in keys {
                    let child = at.key(k);
                    if self.ignored(&child) {
                        continue;
                    }
                    match (lm.get(k), rm.get(k)) {
                        (Some(a), Some(b)) => self.compare(a, b, &child, depth + 1),
                        (Some(a), None) => self.one_side(&child, ChangeKind::Removed, a),
                        (None, Some(b)) => self.one_side(&child, ChangeKind::Added, b),
                        (None, None) => {}
                    }
                }
            }
            (Value::List(_), Value::List(_)) if depth <= MAX_DEPTH => {
                let (li, ri) = (items(l), items(r));
                match (item_names(&li), item_names(&ri)) {
                    (Some(ln), Some(rn)) => {
                        let right_at: HashMap<&str, usize> =
                            rn.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
                        for (i, n) in ln.iter().enumerate() {
                            match right_at.get(n.as_str()) {
                                Some(&j) => {
                                    let child = at.item(Some(i), Some(j), Some(n));
                                    self.compare(&li[i], &ri[j], &child, depth + 1)
                                }
                                None => {
                                    let child = at.item(Some(i), None, Some(n));
                                    if !self.ignored(&child) {
                                        self.one_side(&child, ChangeKind::Removed, &li[i]);
                                    }
                                }
                            }
                        }
                        let left_names: HashSet<&str> = ln.iter().map(String::as_str).collect();
                        for (j, n) in rn.iter().enumerate() {
                            if !left_names.contains(n.as_str()) {
                                let child = at.item(None, Some(j), Some(n));
                                if !self.ignored(&child) {
                                    self.one_side(&child, ChangeKind::Added, &ri[j]);
                                }
                            }
                        }
                    }
                    _ => {
                        for i in 0..li.len().max(ri.len()) {
                            let (a, b) = (li.get(i), ri.get(i));
                            let child = at.item(a.map(|_| i), b.map(|_| i), None);
                            if self.ignored(&child) {
                                continue;
                            }
                            match (a, b) {
                                (Some(a), Some(b)) => self.compare(a, b, &child, depth + 1),
                                (Some(a), None) => self.one_side(&child, ChangeKind::Removed, a),
                                (None, Some(b)) => self.one_side(&child, ChangeKind::Added, b),
                                (None, None) => {}
                            }
                        }
                    }
                }
            }
            _ => {
                if same_scalar(l, r) {
                    return;
                }
                let (Some(a), Some(b)) = (self.pruned(l, &at.steps, depth), self.pruned(r, &at.steps, depth)) else {
                    return;
                };
                self.found.push(Found {
                    path: at.path.clone(),
                    kind: ChangeKind::Changed,
                    left: Some(a),
                    right: Some(b),
                    left_path: at.left.clone(),
                    right_path: at.right.clone(),
                });
            }
        }
    }
}

/// Compares two sides. Errors name the side they come from.
pub fn diff(left: &Source, right: &Source, opts: &DiffOptions) -> Result<Diff, Error> {
    let side = |which: &str, s: &Source| load(s).map_err(|e| Error::new(format!("{which} side: {}", e.message())));
    let keep = |d: &Doc| {
        let kind = d.key.kind.as_deref().unwrap_or("").to_ascii_lowercase();
        !opts.ignore_kinds.iter().any(|k| crate::glob::go_match(&k.to_ascii_lowercase(), &kind) == Some(true))
    };
    let (mut lefts, left_opts) = side("left", left)?;
    let (mut rights, right_opts) = side("right", right)?;
    // Origins only once both sides rendered: a failing side fails fast.
    if opts.origins {
        for (docs, o) in [(&mut lefts, &left_opts), (&mut rights, &right_opts)] {
            if let Some(o) = o {
                attach_origins(docs, o);
            }
        }
    }
    lefts.retain(keep);
    rights.retain(keep);
    Ok(compare_documents(&lefts, &rights, &opts.ignore))
}

/// Compares two streams of manifests given as text (no origins).
pub fn diff_texts(left: &str, right: &str, opts: &DiffOptions) -> Result<Diff, Error> {
    let l = Source::Manifests { file: "left".into(), text: left.to_string() };
    let r = Source::Manifests { file: "right".into(), text: right.to_string() };
    diff(&l, &r, opts)
}

fn compare_documents(lefts: &[Doc], rights: &[Doc], ignore: &[Ignore]) -> Diff {
    let mut unmatched: HashMap<_, VecDeque<usize>> = HashMap::new();
    for (j, d) in rights.iter().enumerate() {
        unmatched.entry(d.key.identity()).or_default().push_back(j);
    }
    let mut out = Diff::default();
    let mut matched = vec![false; rights.len()];
    for l in lefts {
        let j = unmatched.get_mut(&l.key.identity()).and_then(VecDeque::pop_front);
        let r = j.and_then(|j| rights.get(j));
        if let Some(j) = j {
            matched[j] = true;
        }
        one_document(Some(l), r, ignore, &mut out);
    }
    for (j, r) in rights.iter().enumerate() {
        if !matched[j] {
            one_document(None, Some(r), ignore, &mut out);
        }
    }
    out
}

fn one_document(l: Option<&Doc>, r: Option<&Doc>, ignore: &[Ignore], out: &mut Diff) {
    let Some(key) = l.or(r).map(|d| d.key.clone()) else { return };
    let ignore: Vec<&Ignore> =
        ignore.iter().filter(|i| [l, r].into_iter().flatten().any(|d| i.selects(&d.key))).collect();
    let mut w = Walker { ignore, found: Vec::new() };
    let root = At { path: String::new(), left: String::new(), right: String::new(), steps: Vec::new() };
    match (l, r) {
        (Some(a), Some(b)) => w.compare(&a.value, &b.value, &root, 0),
        (Some(a), None) => w.one_side(&root, ChangeKind::Removed, &a.value),
        (None, Some(b)) => w.one_side(&root, ChangeKind::Added, &b.value),
        (None, None) => {}
    }
    if w.found.is_empty() {
        return;
    }
    let no_table = None;
    let (lt, rt) = (l.map_or(&no_table, |d| &d.origins), r.map_or(&no_table, |d| &d.origins));
    for f in std::mem::take(&mut w.found) {
        out.changes.push(Change {
            document: key.clone(),
            left_origins: if f.left.is_some() { origins_at(lt, &f.left_path) } else { Vec::new() },
            right_origins: if f.right.is_some() { origins_at(rt, &f.right_path) } else { Vec::new() },
            path: f.path,
            kind: f.kind,
            left: f.left,
            right: f.right,
        });
    }
    // The unified view shows what was compared: ignored parts left out, and
    // lists matched by name in the left side's order.
    let left = l.and_then(|d| w.pruned(&d.value, &[], 0));
    let right = r.and_then(|d| w.pruned(&d.value, &[], 0)).map(|rv| match &left {
        Some(lv) => aligned(lv, &rv, 0),
        None => rv,
    });
    out.documents.push(DocPair { document: key, left, right });
}

/// `r` with the items of each list matched by name put in `l`'s order (items only
/// `r` has last, in their order), at every depth.
fn aligned(l: &Value, r: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return r.clone();
    }
    match (l, r) {
        (Value::Map(lm), Value::Map(rm)) => {
            let mut out = govalue::MapEntries::new();
            for (k, rv) in rm.borrow().iter() {
                let v = match lm.borrow().get(k) {
                    Some(lv) => aligned(lv, rv, depth + 1),
                    None => rv.clone(),
                };
                out.insert(k.clone(), v);
            }
            Value::Map(Map::from_entries(out))
        }
        (Value::List(_), Value::List(_)) => {
            let (li, ri) = (items(l), items(r));
            match (item_names(&li), item_names(&ri)) {
                (Some(ln), Some(rn)) => {
                    let right_at: HashMap<&str, usize> = rn.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
                    let mut out = Vec::with_capacity(ri.len());
                    for (i, n) in ln.iter().enumerate() {
                        if let Some(&j) = right_at.get(n.as_str()) {
                            out.push(aligned(&li[i], &ri[j], depth + 1));
                        }
                    }
                    let left_names: HashSet<&str> = ln.iter().map(String::as_str).collect();
                    out.extend(
                        rn.iter().zip(&ri).filter(|(n, _)| !left_names.contains(n.as_str())).map(|(_, v)| v.clone()),
                    );
                    Value::list(out)
                }
                _ => Value::list(
                    ri.iter()
                        .enumerate()
                        .map(|(i, rv)| li.get(i).map_or_else(|| rv.clone(), |lv| aligned(lv, rv, depth + 1)))
                        .collect(),
                ),
            }
        }
        _ => r.clone(),
    }
}

// ---- Line diff ----

/// One line of a line diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line<'a> {
    Same(&'a str),
    Gone(&'a str),
    New(&'a str),
}

/// The lines of `a` and `b` as kept, removed and added, by longest common subsequence.
fn line_diff<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Line<'a>> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..].iter().rev().zip(b[pre..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (am, bm) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut out: Vec<Line<'a>> = a[..pre].iter().map(|l| Line::Same(l)).collect();
    let (n, m) = (am.len(), bm.len());
    if n.saturating_mul(m) > MAX_LCS_CELLS {
        out.extend(am.iter().map(|l| Line::Gone(l)));
        out.extend(bm.iter().map(|l| Line::New(l)));
    } else {
        // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                out.push(Line::Same(am[i]));
                i += 1;
                j += 1;
            } else if j >= m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                out.push(Line::Gone(am[i]));
                i += 1;
            } else {
                out.push(Line::New(bm[j]));
                j += 1;
            }
        }
    }
    out.extend(a[a.len() - suf..].iter().map(|l| Line::Same(l)));
    out
}

/// Colours for the text and unified views.
#[derive(Clone, Copy)]
struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.on && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn red(self, s: &str) -> String {
        self.wrap("31", s)
    }
    fn green(self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn yellow(self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn cyan(self, s: &str) -> String {
        self.wrap("36", s)
    }
    fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
}

/// Unified-diff hunks of two texts: `@@ -a,b +c,d @@` headers, then lines
/// prefixed with ` `, `-` or `+`, each preceded by `indent`.
fn hunks(a: &str, b: &str, indent: &str, paint: Paint) -> String {
    let al: Vec<&str> = if a.is_empty() { Vec::new() } else { a.lines().collect() };
    let bl: Vec<&str> = if b.is_empty() { Vec::new() } else { b.lines().collect() };
    let ops = line_diff(&al, &bl);
    let changed: Vec<usize> =
        ops.iter().enumerate().filter(|(_, o)| !matches!(o, Line::Same(_))).map(|(i, _)| i).collect();
    let mut out = String::new();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k] + 1;
        while k + 1 < changed.len() && changed[k + 1] <= end + 2 * CONTEXT {
            k += 1;
            end = changed[k] + 1;
        }
        k += 1;
        let end = (end + CONTEXT).min(ops.len());
        // Line numbers (1-based) where the hunk starts on each side.
        let before = &ops[..start];
        let a_start = before.iter().filter(|o| !matches!(o, Line::New(_))).count();
        let b_start = before.iter().filter(|o| !matches!(o, Line::Gone(_))).count();
        let body = &ops[start..end];
        let a_len = body.iter().filter(|o| !matches!(o, Line::New(_))).count();
        let b_len = body.iter().filter(|o| !matches!(o, Line::Gone(_))).count();
        let range = |s: usize, n: usize| if n == 0 { format!("{s},0") } else { format!("{},{n}", s + 1) };
        let header = format!("@@ -{} +{} @@", range(a_start, a_len), range(b_start, b_len));
        out.push_str(&format!("{indent}{}\n", paint.cyan(&header)));
        for op in body {
            match op {
                Line::Same(l) => out.push_str(&format!("{indent} {l}\n")),
                Line::Gone(l) => out.push_str(&format!("{indent}{}\n", paint.red(&format!("-{l}")))),
                Line::New(l) => out.push_str(&format!("{indent}{}\n", paint.green(&format!("+{l}")))),
            }
        }
    }
    out
}

// ---- Views ----

/// The JSON view: a list with one entry per change (see the README).
pub fn to_json(d: &Diff) -> String {
    let opt =
        |s: &Option<String>| s.as_deref().map_or("null".to_string(), |s| crate::explain::json_value(&Value::str(s)));
    let val = |v: &Option<Value>| v.as_ref().map_or("null".to_string(), crate::explain::json_value);
    let origins = |os: &[Origin]| format!("[{}]", os.iter().map(fields::origin_json).collect::<Vec<_>>().join(","));
    let entries: Vec<String> = d
        .changes
        .iter()
        .map(|c| {
            let k = &c.document;
            format!(
                "{{\"document\":{{\"apiVersion\":{},\"kind\":{},\"namespace\":{},\"name\":{}}},\"path\":{},\"change\":\"{}\",\"left\":{},\"right\":{},\"left_origins\":{},\"right_origins\":{}}}",
                opt(&k.api_version),
                opt(&k.kind),
                opt(&k.namespace),
                opt(&k.name),
                crate::explain::json_value(&Value::str(&c.path)),
                c.kind.as_str(),
                val(&c.left),
                val(&c.right),
                origins(&c.left_origins),
                origins(&c.right_origins)
            )
        })
        .collect();
    if entries.is_empty() {
        return "[]\n".into();
    }
    format!("[{}]\n", entries.join(",\n"))
}

/// Where an origin is, shortly: `file:line:col path`, `--set a=b`, `.Release.Name`;
/// the file is left out (`:line:col`) when it is `same_file`.
fn origin_short(o: &Origin, same_file: Option<&str>) -> String {
    let at = match (&o.arg, &o.file, o.line) {
        (Some(arg), _, _) => format!("--{} {arg}", o.kind),
        (None, Some(f), Some(l)) if Some(f.as_str()) == same_file => format!(":{l}:{}", o.column.unwrap_or(1)),
        (None, Some(f), Some(l)) => format!("{f}:{l}:{}", o.column.unwrap_or(1)),
        (None, Some(f), None) => f.clone(),
        (None, None, _) => String::new(),
    };
    let what = match (&o.path, o.kind.as_str()) {
        (_, _) if o.arg.is_some() => String::new(),
        (Some(p), _) => p.clone(),
        (None, "tpl") => "(tpl text)".into(),
        (None, _) => String::new(),
    };
    format!("{at} {what}").trim().to_string()
}

/// A side's origins, joined.
fn side_origins(os: &[Origin], same_file: Option<&str>) -> String {
    if os.is_empty() {
        return "(no origin)".into();
    }
    os.iter().map(|o| origin_short(o, same_file)).collect::<Vec<_>>().join(", ")
}

/// The origins part of a text line: `  LEFT -> RIGHT`, or one side's.
fn origins_text(c: &Change, paint: Paint) -> String {
    let first_file = c.left_origins.first().and_then(|o| o.file.as_deref());
    let text = match c.kind {
        _ if c.left_origins.is_empty() && c.right_origins.is_empty() => return String::new(),
        ChangeKind::Changed => {
            format!("{} -> {}", side_origins(&c.left_origins, None), side_origins(&c.right_origins, first_file))
        }
        ChangeKind::Added => side_origins(&c.right_origins, None),
        ChangeKind::Removed => side_origins(&c.left_origins, None),
    };
    format!("   {}", paint.cyan(&text))
}

/// Whether a value is shown inline: a one-line scalar, or an empty map or list.
fn one_line(v: &Value) -> bool {
    match v {
        Value::Map(m) => m.is_empty(),
        Value::List(l) => l.is_empty(),
        _ => multiline(v).is_none(),
    }
}

fn multiline(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.contains('\n') => Some(s.to_string()),
        _ => None,
    }
}

/// A value as YAML lines (collections) for the text view.
fn yaml_lines(v: &Value) -> Vec<String> {
    let text = goyaml::to_yaml(v).unwrap_or_else(|_| crate::explain::json_value(v));
    text.lines().map(str::to_string).collect()
}

/// The readable view: each document that differs, then one line per change with
/// its origins (`~` changed, `+` added, `-` removed); multi-line strings as line
/// diffs, subtrees as YAML.
pub fn to_text(d: &Diff, color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    let mut current: Option<&DocKey> = None;
    let json = crate::explain::json_value;
    for c in &d.changes {
        let api = c.document.api_version.as_deref().unwrap_or("?");
        if c.path.is_empty() {
            let (mark, what) = match c.kind {
                ChangeKind::Added => (paint.green("+"), "added"),
                ChangeKind::Removed => (paint.red("-"), "removed"),
                ChangeKind::Changed => (paint.yellow("~"), "changed"),
            };
            out.push_str(&format!("{mark} {}  ({api})  {what}\n", paint.bold(&c.document.label())));
            current = None;
            continue;
        }
        if current != Some(&c.document) {
            out.push_str(&format!("{}  ({api})\n", paint.bold(&c.document.label())));
            current = Some(&c.document);
        }
        let origins = origins_text(c, paint);
        match (c.kind, &c.left, &c.right) {
            (ChangeKind::Changed, Some(l), Some(r)) => {
                let mark = paint.yellow("~");
                let texts = match (l, r) {
                    (Value::String(a), Value::String(b)) if a.contains('\n') || b.contains('\n') => Some((a, b)),
                    _ => None,
                };
                if let Some((a, b)) = texts {
                    out.push_str(&format!("  {mark} {}:{origins}\n", c.path));
                    out.push_str(&hunks(a, b, "      ", paint));
                } else if one_line(l) && one_line(r) {
                    out.push_str(&format!("  {mark} {}: {} -> {}{origins}\n", c.path, json(l), json(r)));
                } else {
                    out.push_str(&format!("  {mark} {}:{origins}\n", c.path));
                    for line in yaml_lines(l) {
                        out.push_str(&format!("      {}\n", paint.red(&format!("- {line}"))));
                    }
                    for line in yaml_lines(r) {
                        out.push_str(&format!("      {}\n", paint.green(&format!("+ {line}"))));
                    }
                }
            }
            (ChangeKind::Added, _, Some(v)) | (ChangeKind::Removed, Some(v), _) => {
                let mark = if c.kind == ChangeKind::Added { paint.green("+") } else { paint.red("-") };
                if one_line(v) {
                    out.push_str(&format!("  {mark} {}: {}{origins}\n", c.path, json(v)));
                } else {
                    out.push_str(&format!("  {mark} {}:{origins}\n", c.path));
                    let lines = match multiline(v) {
                        Some(s) => s.lines().map(str::to_string).collect(),
                        None => yaml_lines(v),
                    };
                    for line in lines {
                        out.push_str(&format!("      {line}\n"));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The unified view: a unified diff of each differing document, both sides
/// written as `toYaml` writes them (keys sorted) so formatting does not count.
pub fn to_unified(d: &Diff, color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    for p in &d.documents {
        let text = |v: &Option<Value>| {
            v.as_ref().map(|v| goyaml::to_yaml(v).unwrap_or_else(|_| crate::explain::json_value(v))).unwrap_or_default()
        };
        let label = p.document.label();
        let a = if p.left.is_some() { format!("left/{label}") } else { "/dev/null".into() };
        let b = if p.right.is_some() { format!("right/{label}") } else { "/dev/null".into() };
        out.push_str(&paint.bold(&format!("--- {a}")));
        out.push('\n');
        out.push_str(&paint.bold(&format!("+++ {b}")));
        out.push('\n');
        out.push_str(&hunks(&text(&p.left), &text(&p.right), "", paint));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(ops: &[Line<'_>]) -> String {
        ops.iter()
            .map(|o| match o {
                Line::Same(l) => format!(" {l}"),
                Line::Gone(l) => format!("-{l}"),
                Line::New(l) => format!("+{l}"),
            })
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn line_diff_keeps_the_common_lines() {
        assert_eq!(lines(&line_diff(&["a", "b", "c"], &["a", "x", "c"])), " a|-b|+x| c");
        assert_eq!(lines(&line_diff(&[], &["a"])), "+a");
        assert_eq!(lines(&line_diff(&["a", "b"], &["b"])), "-a| b");
    }

    #[test]
    fn hunk_headers_count_lines_like_diff() {
        let h = hunks("a\nb\nc\n", "a\nc\nd\n", "", Paint { on: false });
        assert_eq!(h, "@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n");
        assert_eq!(hunks("", "x\n", "", Paint { on: false }), "@@ -0,0 +1,1 @@\n+x\n");
    }

    #[test]
    fn ignore_specs_parse() {
        let i = Ignore::parse("*/metadata.annotations.\"checksum/config\"").unwrap();
        assert_eq!(i.documents, ["*"]);
        assert_eq!(
            i.path,
            [Seg::Key("metadata".into()), Seg::Key("annotations".into()), Seg::Key("checksum/config".into())]
        );
        let i = Ignore::parse("metadata.annotations.checksum/config").unwrap();
        assert!(i.documents.is_empty());
        assert_eq!(i.path.len(), 3);
        let i = Ignore::parse("Deployment/app/spec.template.spec.containers[name=app].image").unwrap();
        assert_eq!(i.documents, ["Deployment", "app"]);
        assert_eq!(i.path[4], Seg::Name("app".into()));
        let i = Ignore::parse("/metadata/annotations/checksum~1config").unwrap();
        assert_eq!(i.path[2], Seg::Token("checksum/config".into()));
        assert!(Ignore::parse("a[").is_err());
        assert!(Ignore::parse("a.").is_err());
        assert!(Ignore::parse("a[x]").is_err());
    }

    fn origin(path: &str) -> Origin {
        Origin {
            kind: "set".into(),
            file: None,
            line: None,
            column: Some(1),
            arg: Some(format!("{path}=1")),
            path: None,
        }
    }

    #[test]
    fn a_subtrees_origins_are_its_fields_and_no_siblings() {
        let mut t = OriginTable::new();
        for p in ["spec.a", "spec.a.b", "spec.a[0]", "spec.ab", "spec.\"a.b\""] {
            t.insert(p.to_string(), vec![origin(p)]);
        }
        let t = Some(Rc::new(t));
        let args = |os: Vec<Origin>| os.into_iter().filter_map(|o| o.arg).collect::<Vec<_>>();
        assert_eq!(args(origins_at(&t, "spec.a")), ["spec.a=1", "spec.a.b=1", "spec.a[0]=1"]);
        assert_eq!(args(origins_at(&t, "spec.ab")), ["spec.ab=1"]);
        assert_eq!(origins_at(&t, "").len(), 5);
        assert!(origins_at(&None, "spec").is_empty());
    }

    #[test]
    fn document_selectors_are_globs() {
        let key = DocKey {
            api_version: Some("apps/v1".into()),
            kind: Some("Deployment".into()),
            namespace: Some("prod".into()),
            name: Some("web".into()),
        };
        for (spec, hit) in [
            ("*/spec", true),
            ("deployment/spec", true),
            ("Deployment/w*/spec", true),
            ("Deployment/prod/web/spec", true),
            ("Deployment/dev/web/spec", false),
            ("Service/*/spec", false),
            ("spec", true),
        ] {
            assert_eq!(Ignore::parse(spec).unwrap().selects(&key), hit, "{spec}");
        }
    }

    #[test]
    fn names_are_quoted_when_they_would_not_read_back() {
        assert_eq!(name_text("app"), "app");
        assert_eq!(name_text("a b"), "\"a b\"");
        assert_eq!(name_text(""), "\"\"");
    }
}
