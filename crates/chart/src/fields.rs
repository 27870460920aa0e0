//! `capstan explain fields`: where every field of the rendered manifests came from.
//!
//! The chart is rendered exactly as `template` renders it, with a
//! [`Tracer`](gotmpl::trace::Tracer) recording where each run of output came from.
//! The final values are registered first, each entry with the layer that won it (as
//! `explain values` finds it). Each rendered document is then parsed with positions,
//! and every scalar leaf (and empty map or list) is matched to the runs of output
//! that make up its text: the template action or literal that wrote it, the values,
//! files, literals and built-in objects its bytes came from, the operations it went
//! through and the decisions (`if`, `with`, `range`, `default`...) that chose it.

use std::collections::HashSet;
use std::rc::Rc;

use gotmpl::trace::{self, Cond, Prov, Site, Span, Tracer};
use govalue::{Map, Value};
use goyaml::{Node, NodeKind};

use crate::provenance::{self, join_path, ValueRecord};
use crate::{explain, manifest, render, Error, TemplateOptions};

/// Deepest nesting of values and documents walked.
const MAX_DEPTH: usize = 200;

/// Where a field's bytes came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// `chart-values`, `values-file`, `set`..., `template` (literal template text),
    /// `file` (a chart file), `tpl` (a `tpl` text), `builtin`, `function` (a call
    /// with no input, such as `randAlphaNum`).
    pub kind: String,
    /// The file, relative to where capstan runs.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// For `--set`-family origins, the flag's argument.
    pub arg: Option<String>,
    /// The value path (values origins) or object path (`.Release.Name`).
    pub path: Option<String>,
}

/// An operation a value went through.
#[derive(Clone, Debug, PartialEq)]
pub struct Via {
    /// `include`, `default`, `mergeOverwrite`...
    pub op: String,
    /// Where it was called.
    pub place: Place,
}

/// A file position.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// The file, relative to where capstan runs (or a template name for `tpl` text).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A value a field's value replaced.
#[derive(Clone, Debug)]
pub struct Overrode {
    /// The replaced value.
    pub value: Value,
    /// Where it came from.
    pub origin: Origin,
}

/// A decision the field depends on.
#[derive(Clone, Debug)]
pub struct Condition {
    /// `if`, `with`, `range`, or the choosing function (`default`, `ternary`...).
    pub keyword: String,
    /// Where it is.
    pub place: Place,
    /// The tested pipeline.
    pub text: String,
    /// Whether it tested true.
    pub value: bool,
    /// Where the tested value came from.
    pub origins: Vec<Origin>,
    /// The operations the tested value went through.
    pub via: Vec<Via>,
    /// What the tested value replaced.
    pub overrode: Vec<Overrode>,
}

/// The document a field is in.
#[derive(Clone, Debug)]
pub struct Document {
    /// The template, as in `# Source:`.
    pub source: String,
    /// `apiVersion`
    pub api_version: Option<String>,
    /// `kind`
    pub kind: Option<String>,
    /// `metadata.name`
    pub name: Option<String>,
    /// `metadata.namespace`
    pub namespace: Option<String>,
}

/// One rendered field and where it came from.
#[derive(Clone, Debug)]
pub struct Field {
    /// Its document.
    pub document: Rc<Document>,
    /// Its path (`spec.template.spec.volumes[0].hostPath.path`, `data."a.b"`).
    pub path: String,
    /// Its value.
    pub value: Value,
    /// The 1-based line of the document where its value starts.
    pub line: usize,
    /// The action or literal text that wrote it.
    pub written_by: Option<Place>,
    /// Where its bytes came from, in order.
    pub origins: Vec<Origin>,
    /// Functions that computed it from inputs (listed in `inputs`).
    pub computed: Vec<Via>,
    /// The inputs of those functions, when not origins themselves.
    pub inputs: Vec<Origin>,
    /// The operations it went through.
    pub via: Vec<Via>,
    /// What it replaced.
    pub overrode: Vec<Overrode>,
    /// The decisions that chose it.
    pub conditions: Vec<Condition>,
}

/// The values entries registered with the tracer, by `Prov::Origin` number.
struct ValueOrigins {
    entries: Vec<(String, Vec<provenance::Origin>)>,
}

/// What resolving a provenance collects.
#[derive(Default)]
struct Acc {
    origins: Vec<Origin>,
    computed: Vec<Via>,
    inputs: Vec<Origin>,
    via: Vec<Via>,
    overrode: Vec<Overrode>,
    tested: Vec<(String, Site, Rc<Prov>, bool)>,
}

/// Maps render names (`chart/templates/x.yaml`) to paths relative to where capstan runs.
struct Paths {
    chart_path: String,
}

impl Paths {
    fn file(&self, name: &str) -> String {
        match name.split_once('/') {
            Some((_, rest)) => format!("{}/{rest}", self.chart_path.trim_end_matches('/')),
            None => name.to_string(),
        }
    }

    fn place(&self, site: &Site) -> Place {
        let (line, column) = site.line_col();
        Place { file: self.file(&site.file), line, column }
    }
}

struct Resolver<'a> {
    values: &'a ValueOrigins,
    paths: Paths,
    /// Conditions already resolved, by their record (many fields share one).
    conditions: std::cell::RefCell<std::collections::HashMap<usize, Condition>>,
}

impl Resolver<'_> {
    fn values_origin(&self, o: &provenance::Origin, path: &str) -> Origin {
        Origin {
            kind: o.kind.as_str().to_string(),
            file: o.arg.is_none().then(|| o.source.clone()),
            line: o.arg.is_none().then_some(o.line),
            column: Some(o.column),
            arg: o.arg.clone(),
            path: Some(path.to_string()),
        }
    }

    fn literal(&self, site: &Site) -> Origin {
        if &*site.file == "gotpl" {
            return Origin { kind: "tpl".into(), file: None, line: None, column: None, arg: None, path: None };
        }
        // A string constant in an action (`{{ "x" }}`) that can be edited on its
        // own is changed by editing the quoted constant, so its position is its
        // opening quote; otherwise the position of its first byte.
        let text = site.text.as_bytes();
        let quoted = constant_editable(site)
            && site.offset > 0
            && site.offset <= text.len()
            && matches!(text[site.offset - 1], b'"' | b'`')
            && site.text.get(..site.offset).and_then(|b| b.rfind("{{"))
                > site.text.get(..site.offset).and_then(|b| b.rfind("}}"));
        let site = if quoted { Site { offset: site.offset - 1, ..site.clone() } } else { site.clone() };
        let (line, column) = site.line_col();
        let in_templates = site.file.contains("/templates/");
        Origin {
            kind: if in_templates { "template" } else { "file" }.into(),
            file: Some(self.paths.file(&site.file)),
            line: Some(line),
            column: Some(column),
            arg: None,
            path: None,
        }
    }

    /// Collects where `prov` came from into `acc`.
    fn resolve(&self, prov: &Rc<Prov>, acc: &mut Acc, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match prov.as_ref() {
            Prov::Origin(id) => {
                if let Some((path, layers)) = self.values.entries.get(*id as usize) {
                    if let Some((winner, rest)) = layers.split_last() {
                        push_unique(&mut acc.origins, self.values_origin(winner, path));
                        for o in rest.iter().rev() {
                            acc.overrode.push(Overrode { value: o.value.clone(), origin: self.values_origin(o, path) });
                        }
                    }
                }
            }
            Prov::Builtin(path) => push_unique(
                &mut acc.origins,
                Origin {
                    kind: "builtin".into(),
                    file: None,
                    line: None,
                    column: None,
                    arg: None,
                    path: Some(path.to_string()),
                },
            ),
            Prov::Literal(site) => push_unique(&mut acc.origins, self.literal(site)),
            Prov::Text(spans) => {
                for s in spans.iter() {
                    self.resolve_span(s, acc, depth + 1);
                }
            }
            Prov::Via { op, site, inner } => {
                acc.via.push(Via { op: op.to_string(), place: self.paths.place(site) });
                self.resolve(inner, acc, depth + 1);
            }
            Prov::Choice { op, site, chosen, tested, overrode } => {
                acc.via.push(Via { op: op.to_string(), place: self.paths.place(site) });
                self.resolve(chosen, acc, depth + 1);
                for (t, truth) in tested {
                    acc.tested.push((op.to_string(), site.clone(), t.clone(), *truth));
                }
                for (value, p) in overrode {
                    let mut inner = Acc::default();
                    self.resolve(p, &mut inner, depth + 1);
                    for origin in inner.origins {
                        acc.overrode.push(Overrode { value: value.clone(), origin });
                    }
                }
            }
            Prov::Computed { op, site, inputs } => {
                acc.computed.push(Via { op: op.to_string(), place: self.paths.place(site) });
                if inputs.is_empty() {
                    // Nothing in the chart or the values can be changed to change
                    // it (a random or time function): the call site, as a path.
                    let place = self.paths.place(site);
                    push_unique(
                        &mut acc.origins,
                        Origin {
                            kind: "function".into(),
                            file: None,
                            line: None,
                            column: None,
                            arg: None,
                            path: Some(format!("{op} at {}", place_text(&place))),
                        },
                    );
                } else if inputs.len() == 1 && !is_text(&inputs[0]) {
                    self.resolve(&inputs[0], acc, depth + 1);
                } else {
                    let mut inner = Acc::default();
                    for i in inputs {
                        self.resolve(i, &mut inner, depth + 1);
                    }
                    for o in inner.origins.into_iter().chain(inner.inputs) {
                        push_unique(&mut acc.inputs, o);
                    }
                    acc.tested.extend(inner.tested);
                }
            }
        }
    }

    fn resolve_span(&self, s: &Span, acc: &mut Acc, depth: usize) {
        for (op, site) in trace::iter(&s.via) {
            acc.via.push(Via { op: op.to_string(), place: self.paths.place(site) });
        }
        self.resolve(&s.prov, acc, depth);
    }

    fn cached_condition(&self, c: &Rc<Cond>) -> Condition {
        let key = Rc::as_ptr(c) as usize;
        if let Some(done) = self.conditions.borrow().get(&key) {
            return done.clone();
        }
        let done = self.condition(c.keyword, &c.site, &c.text, c.truth, &c.prov);
        self.conditions.borrow_mut().insert(key, done.clone());
        done
    }

    fn condition(&self, keyword: &str, site: &Site, text: &str, truth: bool, prov: &Option<Rc<Prov>>) -> Condition {
        let mut acc = Acc::default();
        if let Some(p) = prov {
            self.resolve(p, &mut acc, 0);
        }
        let mut origins = acc.origins;
        for o in acc.inputs {
            push_unique(&mut origins, o);
        }
        Condition {
            keyword: keyword.to_string(),
            place: self.paths.place(site),
            text: text.to_string(),
            value: truth,
            origins,
            via: acc.via,
            overrode: acc.overrode,
        }
    }
}

/// Whether `p` is text made of several sources (a rendered template, say).
fn is_text(p: &Rc<Prov>) -> bool {
    match p.as_ref() {
        Prov::Text(spans) => spans.len() > 1,
        Prov::Via { inner, .. } => is_text(inner),
        _ => false,
    }
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, item: T) {
    if !v.contains(&item) {
        v.push(item);
    }
}

/// Registers every final value with the tracer: each map entry (and string) with
/// the layer that won it.
fn register_values(t: &Tracer, record: &ValueRecord, m: &Map, prefix: &str, table: &mut ValueOrigins, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for (k, v) in m.borrow().iter() {
        let path = join_path(prefix, k);
        match v {
            Value::Map(child) if !child.is_empty() => register_values(t, record, child, &path, table, depth + 1),
            _ => {
                let layers = explain::origins_of(record, &path);
                if layers.is_empty()
                    || !matches!(
                        v,
                        Value::String(_)
                            | Value::Float(_)
                            | Value::Int(_)
                            | Value::Int64(_)
                            | Value::Bool(_)
                            | Value::Nil
                            | Value::Map(_)
                    )
                {
                    continue;
                }
                // Only a layer that set exactly this path can be changed in place.
                if layers.last().is_none_or(|o| o.value.is_nil() != v.is_nil()) {
                    continue;
                }
                let id = table.entries.len() as u32;
                table.entries.push((path, layers));
                let p = Rc::new(Prov::Origin(id));
                t.set_slot(m, k, p.clone());
                t.set_string(v, p);
            }
        }
    }
}

/// A value the user supplied that no template read.
#[derive(Clone, Debug)]
pub struct Unused {
    /// The value's path.
    pub path: String,
    /// The layer that set it.
    pub origin: Origin,
}

/// The user-supplied values (`-f`, `--set` family) whose winning layer no template
/// read, directly or through the operations that moved them; a value a template
/// replaced before reading it (`mergeOverwrite`) counts as unused.
fn unused_values(tracer: &Tracer, resolver: &Resolver<'_>) -> Vec<Unused> {
    let mut used = HashSet::new();
    for p in tracer.reads() {
        collect_ids(&p, &mut used, 0);
    }
    let mut out = Vec::new();
    for (id, (path, layers)) in resolver.values.entries.iter().enumerate() {
        let Some(winner) = layers.last() else { continue };
        let user = !matches!(
            winner.kind,
            provenance::OriginKind::ChartValues
                | provenance::OriginKind::SubchartValues
                | provenance::OriginKind::Global
        );
        if user && !used.contains(&(id as u32)) {
            out.push(Unused { path: path.clone(), origin: resolver.values_origin(winner, path) });
        }
    }
    out
}

/// The values entries `p` draws on (not the ones it replaced).
fn collect_ids(p: &Rc<Prov>, out: &mut HashSet<u32>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match p.as_ref() {
        Prov::Origin(id) => {
            out.insert(*id);
        }
        Prov::Text(spans) => spans.iter().for_each(|s| collect_ids(&s.prov, out, depth + 1)),
        Prov::Via { inner, .. } => collect_ids(inner, out, depth + 1),
        Prov::Choice { chosen, tested, .. } => {
            collect_ids(chosen, out, depth + 1);
            tested.iter().for_each(|(t, _)| collect_ids(t, out, depth + 1));
        }
        Prov::Computed { inputs, .. } => inputs.iter().for_each(|i| collect_ids(i, out, depth + 1)),
        Prov::Builtin(_) | Prov::Literal(_) => {}
    }
}

/// What `explain fields` found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The fields, in document order.
    pub fields: Vec<Field>,
    /// The user's values no template read.
    pub unused: Vec<Unused>,
    /// Every rendered document (selected or not) and its text.
    pub documents: Vec<(Rc<Document>, String)>,
}

impl Report {
    /// The warnings about unused values, one line each.
    pub fn unused_warnings(&self) -> Vec<String> {
        self.unused
            .iter()
            .map(|u| {
                let o = &u.origin;
                let at = match (&o.arg, &o.file, o.line, o.column) {
                    (Some(arg), _, _, _) => format!("--{} {arg}", o.kind),
                    (None, Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
                    _ => o.kind.clone(),
                };
                format!("warning: {} is set by {at} but no template uses it", u.path)
            })
            .collect()
    }
}

/// The parts of `explain fields` a user picks.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `KIND/NAME` or `KIND/NAMESPACE/NAME`.
    pub document: Option<String>,
    /// A field path, or the start of one.
    pub field: Option<String>,
}

/// Renders the chart as `template` does and explains every field (or the selected ones).
pub fn explain_fields(opts: &TemplateOptions, select: &Selection) -> Result<Report, Error> {
    let mut log = Vec::new();
    let p = crate::prepare(opts, &mut log)?;
    let record = provenance::record(&p.chart, &p.chart_path, opts, &p.value_files)?;
    let tracer = Rc::new(Tracer::new());
    let mut table = ValueOrigins { entries: Vec::new() };
    register_values(&tracer, &record, &p.coalesced, "", &mut table, 0);
    let ctx = crate::render_context(opts, &p.chart, &p.caps, &p.release_name, &p.namespace)?;
    let mut rendered = render::render_traced(&p.chart, &p.coalesced, &ctx, &tracer).map_err(crate::with_hint)?;
    rendered.outputs.retain(|k, _| !k.ends_with("NOTES.txt"));
    // The same documents `template` prints (this also reports their errors).
    let (hooks, _) = manifest::sort_manifests(&rendered.outputs).map_err(crate::with_hint)?;
    let skipped: HashSet<(&str, &str)> = hooks
        .iter()
        .filter(|h| opts.no_hooks || (opts.skip_tests && h.is_test))
        .map(|h| (h.path.as_str(), h.manifest.as_str()))
        .collect();

    let resolver =
        Resolver { values: &table, paths: Paths { chart_path: p.chart_path.clone() }, conditions: Default::default() };
    let mut fields = Vec::new();
    let mut documents = Vec::new();
    let no_spans = Vec::new();
    for (name, out) in &rendered.outputs {
        let spans = rendered.spans.get(name).unwrap_or(&no_spans);
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        if !opts.show_only.is_empty() {
            let rest = name.split_once('/').map_or(name.as_str(), |(_, r)| r);
            if !opts.show_only.iter().any(|pat| crate::glob::go_match(pat, rest) == Some(true)) {
                continue;
            }
        }
        for doc in manifest::split_manifest_bytes(out) {
            let offset = doc.as_ptr() as usize - out.as_ptr() as usize;
            let Ok(text) = std::str::from_utf8(doc) else { continue };
            if skipped.contains(&(name.as_str(), text)) {
                continue;
            }
            let Ok(Some(node)) = goyaml::parse_node(text) else { continue };
            let value = node.to_value();
            let md = value.as_map().and_then(|m| m.get("metadata")).and_then(|m| m.as_map().cloned());
            let text_of = |v: Option<Value>| v.filter(|v| !v.is_nil()).map(|v| v.to_go_string());
            let document = Rc::new(Document {
                source: name.clone(),
                api_version: text_of(value.as_map().and_then(|m| m.get("apiVersion"))),
                kind: text_of(value.as_map().and_then(|m| m.get("kind"))),
                name: text_of(md.as_ref().and_then(|m| m.get("name"))),
                namespace: text_of(md.as_ref().and_then(|m| m.get("namespace"))),
            });
            documents.push((document.clone(), text.to_string()));
            if !selected_document(&document, select.document.as_deref()) {
                continue;
            }
            let ctx = DocCtx { text, offset, spans, document: &document, resolver: &resolver };
            ctx.walk(&node, "", &mut fields, 0);
        }
    }
    let unused = unused_values(&tracer, &resolver);
    if let Some(want) = &select.field {
        fields.retain(|f| {
            f.path == *want || f.path.starts_with(&format!("{want}.")) || f.path.starts_with(&format!("{want}["))
        });
    }
    if fields.is_empty() && (select.document.is_some() || select.field.is_some()) {
        let names: Vec<String> = documents.iter().map(|(d, _)| doc_label(d)).collect();
        let what = match (&select.document, &select.field) {
            (Some(d), Some(f)) => format!("no field {f} in {d}"),
            (Some(d), None) => format!("no document {d}"),
            (None, Some(f)) => format!("no field {f}"),
            (None, None) => String::new(),
        };
        return Err(Error::new(format!("{what}; the documents are: {}", names.join(", "))));
    }
    Ok(Report { fields, unused, documents })
}

fn doc_label(d: &Document) -> String {
    let kind = d.kind.as_deref().unwrap_or("?");
    let name = d.name.as_deref().unwrap_or("?");
    match &d.namespace {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

fn selected_document(d: &Document, want: Option<&str>) -> bool {
    let Some(want) = want else { return true };
    let parts: Vec<&str> = want.split('/').collect();
    let kind_ok = |k: &str| d.kind.as_deref().is_some_and(|dk| dk.eq_ignore_ascii_case(k));
    match parts.as_slice() {
        [k, n] => kind_ok(k) && d.name.as_deref() == Some(n),
        [k, ns, n] => kind_ok(k) && d.name.as_deref() == Some(n) && d.namespace.as_deref() == Some(ns),
        _ => false,
    }
}

/// Of the literal bytes `first..end` (offsets from `site`), the first that starts a
/// token ending before the next template action on its line (at a `,`, `]`, `}`,
/// `#` or the line's end), so that a person (or a checker) editing the text there
/// edits this literal and nothing else; `None` when there is none.
fn editable_offset(site: &Site, first: usize, end: usize) -> Option<usize> {
    let text = site.text.as_bytes();
    for i in first..end {
        let p = site.offset + i;
        let Some(&c) = text.get(p) else { break };
        if c.is_ascii_whitespace() || matches!(c, b',' | b']' | b'}' | b'#') || !site.text.is_char_boundary(p) {
            continue;
        }
        let line_end = text[p..].iter().position(|&b| b == b'\n').map_or(text.len(), |n| p + n);
        let rest = &text[p..line_end];
        let action = rest.windows(2).position(|w| w == b"{{").unwrap_or(rest.len());
        let token_end = rest.iter().position(|b| matches!(b, b',' | b']' | b'}' | b'#')).unwrap_or(rest.len());
        if token_end <= action {
            return Some(i);
        }
    }
    None
}

/// Whether a literal at `site` can be edited on its own: template text can; a
/// string constant inside an action (`{{ ternary "a" "b" .x }}`) only when nothing
/// but the action's end, a comma or a bracket follows its closing quote.
fn constant_editable(site: &Site) -> bool {
    let text = site.text.as_bytes();
    let before = site.text.get(..site.offset).unwrap_or("");
    let in_action = before.rfind("{{") > before.rfind("}}");
    if !in_action || site.offset == 0 {
        return true;
    }
    let Some(&quote) = text.get(site.offset - 1).filter(|q| matches!(q, b'"' | b'`')) else { return true };
    let mut i = site.offset;
    while i < text.len() && text[i] != quote {
        i += if text[i] == b'\\' && quote == b'"' { 2 } else { 1 };
    }
    let rest = text.get(i + 1..).unwrap_or(&[]);
    let next = rest.iter().find(|b| **b != b' ' && **b != b'\t');
    matches!(next, None | Some(b'}' | b',' | b']' | b'#' | b'\n'))
}

/// One document being explained.
struct DocCtx<'a> {
    text: &'a str,
    /// Where the document starts in its template's output.
    offset: usize,
    spans: &'a [Span],
    document: &'a Rc<Document>,
    resolver: &'a Resolver<'a>,
}

impl DocCtx<'_> {
    fn walk(&self, node: &Node, path: &str, out: &mut Vec<Field>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &node.kind {
            NodeKind::Map(entries) if !entries.is_empty() => {
                for (k, _, _, child) in entries {
                    self.walk(child, &join_path(path, k), out, depth + 1);
                }
            }
            NodeKind::List(items) if !items.is_empty() => {
                for (i, child) in items.iter().enumerate() {
                    self.walk(child, &format!("{path}[{i}]"), out, depth + 1);
                }
            }
            _ => out.push(self.field(node, path)),
        }
    }

    fn field(&self, node: &Node, path: &str) -> Field {
        let start = node.offset.min(self.text.len());
        let end = goyaml::scalar_end(self.text, start).max(start + 1).min(self.text.len());
        let (a, b) = (self.offset + start, self.offset + end);
        let r = self.resolver;
        let mut acc = Acc::default();
        let mut written_by = None;
        let mut conds: Vec<Rc<Cond>> = Vec::new();
        let mut seen = HashSet::new();
        let overlapping = self
            .spans
            .iter()
            .filter(|s| (s.end > a && s.start < b) || (s.start == s.end && s.start >= a && s.start <= b));
        let mut flat = Vec::new();
        for s in overlapping {
            let from = flat.len();
            if s.start == s.end {
                flat.push(s.clone());
            } else {
                trace::flatten(&s.prov, s.start, s.end, &s.conds, &s.via, &mut flat);
            }
            for f in &mut flat[from..] {
                if f.at.is_none() {
                    f.at = s.at.clone();
                }
            }
        }
        let empty_value = matches!(node.to_value(), Value::String(ref v) if v.is_empty());
        // Literal pieces wedged between actions on one line: sources too, but ones
        // that cannot be edited apart from those actions.
        let mut tangled = Vec::new();
        for s in
            flat.iter().filter(|s| (s.end > a && s.start < b) || (s.start == s.end && s.start >= a && s.start <= b))
        {
            let from = s.start.max(a);
            let to = s.end.min(b);
            let bytes = &self.text.as_bytes()[from - self.offset..to - self.offset];
            // A run of only quotes and blanks says nothing about the value; otherwise
            // the value starts at its first non-blank byte (a quote included).
            if bytes.iter().all(|c| matches!(c, b'"' | b'\'' | b' ' | b'\n' | b'|' | b'>' | b'-')) && !empty_value {
                continue;
            }
            let skip = bytes.iter().position(|c| !matches!(c, b' ' | b'\n')).unwrap_or(0);
            if written_by.is_none() {
                written_by = match s.prov.as_ref() {
                    Prov::Literal(site) if s.start < s.end => {
                        Some(r.paths.place(&site.advanced(from + skip - s.start)))
                    }
                    _ => s.at.as_ref().map(|at| r.paths.place(at)),
                };
            }
            match s.prov.as_ref() {
                Prov::Literal(site) => match editable_offset(site, from + skip - s.start, to - s.start) {
                    Some(at) if constant_editable(&site.advanced(at)) => {
                        push_unique(&mut acc.origins, r.literal(&site.advanced(at)))
                    }
                    Some(at) => push_unique(&mut tangled, r.literal(&site.advanced(at))),
                    None => push_unique(&mut tangled, r.literal(&site.advanced(from + skip - s.start))),
                },
                _ => r.resolve_span(s, &mut acc, 0),
            }
            for c in trace::iter(&s.conds) {
                if seen.insert(Rc::as_ptr(c) as usize) {
                    conds.push(c.clone());
                }
            }
        }
        let mut conditions: Vec<Condition> = conds.iter().map(|c| r.cached_condition(c)).collect();
        for (op, site, p, truth) in std::mem::take(&mut acc.tested) {
            let (keyword, text) = op.split_once(' ').unwrap_or((op.as_str(), ""));
            conditions.push(r.condition(keyword, &site, text, truth, &Some(p)));
        }
        if acc.origins.is_empty() {
            acc.origins = tangled;
        } else {
            for o in tangled {
                push_unique(&mut acc.inputs, o);
            }
        }
        let mut via = Vec::new();
        for v in acc.via {
            push_unique(&mut via, v);
        }
        Field {
            document: self.document.clone(),
            path: path.to_string(),
            value: node.to_value(),
            line: node.line,
            written_by,
            origins: acc.origins,
            computed: acc.computed,
            inputs: acc.inputs,
            via,
            overrode: acc.overrode,
            conditions,
        }
    }
}

fn json(v: &Value) -> String {
    explain::json_value(v)
}

fn json_str(s: &str) -> String {
    json(&Value::str(s))
}

fn opt_str(s: &Option<String>) -> String {
    s.as_deref().map_or("null".into(), json_str)
}

fn opt_num(n: Option<usize>) -> String {
    n.map_or("null".into(), |n| n.to_string())
}

pub(crate) fn origin_json(o: &Origin) -> String {
    format!(
        "{{\"kind\":{},\"file\":{},\"line\":{},\"column\":{},\"arg\":{},\"path\":{}}}",
        json_str(&o.kind),
        opt_str(&o.file),
        opt_num(o.line),
        opt_num(o.column),
        opt_str(&o.arg),
        opt_str(&o.path)
    )
}

fn place_json(p: &Place) -> String {
    format!("{{\"file\":{},\"line\":{},\"column\":{}}}", json_str(&p.file), p.line, p.column)
}

fn via_json(v: &Via) -> String {
    format!(
        "{{\"op\":{},\"file\":{},\"line\":{},\"column\":{}}}",
        json_str(&v.op),
        json_str(&v.place.file),
        v.place.line,
        v.place.column
    )
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    format!("[{}]", items.iter().map(f).collect::<Vec<_>>().join(","))
}

fn overrode_json(o: &Overrode) -> String {
    format!("{{\"value\":{},\"origin\":{}}}", json(&o.value), origin_json(&o.origin))
}

/// The JSON report: one object per field (see the README for its shape).
pub fn to_json(fields: &[Field]) -> String {
    let entries: Vec<String> = fields
        .iter()
        .map(|f| {
            let d = &f.document;
            let conditions = list(&f.conditions, |c| {
                format!(
                    "{{\"keyword\":{},\"file\":{},\"line\":{},\"column\":{},\"text\":{},\"value\":{},\"origins\":{},\"via\":{},\"overrode\":{}}}",
                    json_str(&c.keyword),
                    json_str(&c.place.file),
                    c.place.line,
                    c.place.column,
                    json_str(&c.text),
                    c.value,
                    list(&c.origins, origin_json),
                    list(&c.via, via_json),
                    list(&c.overrode, overrode_json)
                )
            });
            format!(
                "{{\"document\":{{\"source\":{},\"kind\":{},\"name\":{},\"namespace\":{}}},\"path\":{},\"value\":{},\"written_by\":{},\"origins\":{},\"computed\":{},\"inputs\":{},\"via\":{},\"overrode\":{},\"conditions\":{}}}",
                json_str(&d.source),
                opt_str(&d.kind),
                opt_str(&d.name),
                opt_str(&d.namespace),
                json_str(&f.path),
                json(&f.value),
                f.written_by.as_ref().map_or("null".into(), place_json),
                list(&f.origins, origin_json),
                list(&f.computed, via_json),
                list(&f.inputs, origin_json),
                list(&f.via, via_json),
                list(&f.overrode, overrode_json),
                conditions
            )
        })
        .collect();
    format!("[{}]\n", entries.join(",\n"))
}

fn origin_text(o: &Origin) -> String {
    let at = match (&o.file, o.line, &o.arg) {
        (_, _, Some(arg)) => format!("--{} {arg}", o.kind),
        (Some(f), Some(l), _) => format!("{f}:{l}:{}", o.column.unwrap_or(1)),
        (Some(f), None, _) => f.clone(),
        _ => String::new(),
    };
    let what = match (&o.path, o.kind.as_str()) {
        (Some(p), "builtin") => p.clone(),
        (Some(p), "function") => format!("{p} (a function of no input)"),
        (Some(p), _) => format!("{p}  ({})", o.kind),
        (None, k) => format!("({k})"),
    };
    format!("{at}  {what}").trim().to_string()
}

fn place_text(p: &Place) -> String {
    format!("{}:{}:{}", p.file, p.line, p.column)
}

/// The human-readable report: one block per field.
pub fn to_text(fields: &[Field]) -> String {
    let mut out = String::new();
    for f in fields {
        out.push_str(&format!("{}  {} = {}\n", doc_label(&f.document), f.path, json(&f.value)));
        if let Some(w) = &f.written_by {
            out.push_str(&format!("  written by  {}\n", place_text(w)));
        }
        for o in &f.origins {
            out.push_str(&format!("  value from  {}\n", origin_text(o)));
        }
        for c in &f.computed {
            out.push_str(&format!("  computed    {} at {}\n", c.op, place_text(&c.place)));
        }
        for o in &f.inputs {
            out.push_str(&format!("  also from   {}\n", origin_text(o)));
        }
        for v in &f.via {
            out.push_str(&format!("  via         {} at {}\n", v.op, place_text(&v.place)));
        }
        for o in &f.overrode {
            out.push_str(&format!("  overrode    {} = {}\n", origin_text(&o.origin), json(&o.value)));
        }
        for c in &f.conditions {
            out.push_str(&format!(
                "  condition   {} {} at {} was {}\n",
                c.keyword,
                c.text,
                place_text(&c.place),
                c.value
            ));
            for o in &c.origins {
                out.push_str(&format!("                tested value from {}\n", origin_text(o)));
            }
            for v in &c.via {
                out.push_str(&format!("                via {} at {}\n", v.op, place_text(&v.place)));
            }
            for o in &c.overrode {
                out.push_str(&format!("                overrode {} = {}\n", origin_text(&o.origin), json(&o.value)));
            }
        }
    }
    out
}

/// A short description of where a field came from, for the annotated manifest.
fn blame(f: &Field) -> String {
    let mut parts: Vec<String> = f.origins.iter().map(origin_text).collect();
    if parts.is_empty() {
        if let Some(c) = f.computed.first() {
            parts.push(format!("computed by {} at {}", c.op, place_text(&c.place)));
        }
    }
    if let Some(c) = f.conditions.iter().find(|c| c.keyword == "if" || c.keyword == "with") {
        parts.push(format!("when {} {} is {}", c.keyword, c.text, c.value));
    }
    parts.join("; ")
}

/// The rendered manifests with a comment at the end of each line that holds a
/// field, naming where the field came from (`-o yaml`).
pub fn to_yaml(report: &Report) -> String {
    let mut out = String::new();
    for (doc, text) in &report.documents {
        let fields: Vec<&Field> = report.fields.iter().filter(|f| Rc::ptr_eq(&f.document, doc)).collect();
        if fields.is_empty() {
            continue;
        }
        out.push_str("---\n# Source: ");
        out.push_str(&doc.source);
        out.push('\n');
        let mut in_block: Option<usize> = None;
        for (i, line) in text.lines().enumerate() {
            let indent = line.len() - line.trim_start().len();
            if let Some(block_indent) = in_block {
                if line.trim().is_empty() || indent > block_indent {
                    out.push_str(line);
                    out.push('\n');
                    continue;
                }
                in_block = None;
            }
            let here: Vec<String> = fields.iter().filter(|f| f.line == i + 1).map(|f| blame(f)).collect();
            out.push_str(line);
            let trimmed = line.trim_end();
            if trimmed.ends_with('|') || trimmed.ends_with('>') || trimmed.ends_with("|-") || trimmed.ends_with(">-") {
                in_block = Some(indent);
            }
            if !here.is_empty() && !line.trim_start().starts_with('#') {
                out.push_str("  # ");
                out.push_str(&here.join(" | "));
            }
            out.push('\n');
        }
    }
    out
}

/// Text a Mermaid node label can hold.
fn mermaid_label(s: &str) -> String {
    s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

/// The chain of one field as a Mermaid flowchart (`-o mermaid`): the values layers
/// in precedence order, what was overridden, the operations and the conditions.
pub fn to_mermaid(fields: &[Field]) -> Result<String, Error> {
    let [f] = fields else {
        return Err(Error::new(format!(
            "-o mermaid draws one field; the selection has {} (name a document and a field)",
            fields.len()
        )));
    };
    let mut out = String::from("flowchart LR\n");
    let field = format!("{} {} = {}", doc_label(&f.document), f.path, json(&f.value));
    out.push_str(&format!("  field[\"{}\"]\n", mermaid_label(&field)));
    let mut last = "field".to_string();
    for (i, v) in f.via.iter().enumerate().rev() {
        let id = format!("via{i}");
        out.push_str(&format!(
            "  {id}([\"{} at {}\"]) --> {last}\n",
            mermaid_label(&v.op),
            mermaid_label(&place_text(&v.place))
        ));
        last = id;
    }
    for (i, o) in f.origins.iter().enumerate() {
        out.push_str(&format!("  origin{i}[\"{}\"] --> {last}\n", mermaid_label(&origin_text(o))));
    }
    for (i, o) in f.overrode.iter().enumerate() {
        let label = format!("{} = {}", origin_text(&o.origin), json(&o.value));
        out.push_str(&format!("  overrode{i}[\"{}\"] -. overridden .-> {last}\n", mermaid_label(&label)));
    }
    for (i, c) in f.conditions.iter().enumerate() {
        let label = format!("{} {} at {} = {}", c.keyword, c.text, place_text(&c.place), c.value);
        out.push_str(&format!("  cond{i}{{\"{}\"}} -. decides .-> field\n", mermaid_label(&label)));
        for (j, o) in c.origins.iter().enumerate() {
            out.push_str(&format!("  cond{i}o{j}[\"{}\"] --> cond{i}\n", mermaid_label(&origin_text(o))));
        }
        for (j, o) in c.overrode.iter().enumerate() {
            let label = format!("{} = {}", origin_text(&o.origin), json(&o.value));
            out.push_str(&format!("  cond{i}x{j}[\"{}\"] -. overridden .-> cond{i}\n", mermaid_label(&label)));
        }
    }
    Ok(out)
}
