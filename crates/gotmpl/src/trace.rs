//! Provenance tracing, the engine half of `capstan explain fields`.
//!
//! When a render runs with a [`Tracer`], the executor computes, beside every value it
//! evaluates, a [`Prov`]: where the value came from (a values layer, literal template
//! text, a chart file, a built-in object) and what moved it on the way (`include`,
//! `default`, `mergeOverwrite`...). It also records, for every run of output bytes, a
//! [`Span`] naming the value or literal text that produced it and the `if`/`with`/`range`
//! decisions that led there. Text that is parsed again (`fromYaml`, `tpl`) or printed
//! again (`include ... | nindent`) keeps its spans, so a rendered field can be traced
//! back through helpers to its sources.
//!
//! Values are traced by identity, as Go shares them: a map entry's provenance is kept
//! per (map, key) slot and a string's per shared allocation, so `set`, `merge`, `dict`,
//! `index` and friends move provenance without copying it. Without a tracer none of
//! this runs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use govalue::{List, Map, Str, Value};

/// A byte position in a template, a `tpl` text or a chart file.
#[derive(Clone)]
pub struct Site {
    /// The file's name as the render knows it (`chart/templates/x.yaml`).
    pub file: Rc<str>,
    /// The file's text, for line and column.
    pub text: Rc<str>,
    /// The byte offset.
    pub offset: usize,
}

impl Site {
    /// 1-based line and 1-based column (in characters) of the position.
    pub fn line_col(&self) -> (usize, usize) {
        let end = self.offset.min(self.text.len());
        let before = self.text.get(..end).unwrap_or("");
        let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = 1 + before.get(line_start..).map_or(0, |s| s.chars().count());
        (line, col)
    }

    /// The site `n` bytes further on.
    pub fn advanced(&self, n: usize) -> Site {
        Site { file: self.file.clone(), text: self.text.clone(), offset: self.offset + n }
    }
}

/// Where a value, or a run of output, came from.
pub enum Prov {
    /// A source the embedding program registered (a values layer): its number.
    Origin(u32),
    /// A built-in object's field (`.Release.Name`, `.Capabilities.KubeVersion.Version`).
    Builtin(Rc<str>),
    /// Literal text (template text, a constant in an action, a chart file); byte `i`
    /// of the value is byte `offset + i` of the site's text.
    Literal(Site),
    /// Text whose runs come from different places.
    Text(Rc<[Span]>),
    /// A value an operation passed on unchanged.
    Via {
        /// The operation (`include`, `default`, `index`...).
        op: Rc<str>,
        /// Its call site.
        site: Site,
        /// Where the value came from before.
        inner: Rc<Prov>,
    },
    /// A value an operation chose after testing others (`default`, `ternary`,
    /// `coalesce`, a `merge` that kept one candidate).
    Choice {
        /// The operation.
        op: Rc<str>,
        /// Its call site.
        site: Site,
        /// The value chosen.
        chosen: Rc<Prov>,
        /// The values tested to make the choice, each with its truth.
        tested: Vec<(Rc<Prov>, bool)>,
        /// The candidates the choice replaced, with their values.
        overrode: Vec<(Value, Rc<Prov>)>,
    },
    /// A value a function computed; the inputs whose bytes are not copied into it.
    Computed {
        /// The function.
        op: Rc<str>,
        /// Its call site.
        site: Site,
        /// What it was computed from.
        inputs: Vec<Rc<Prov>>,
    },
}

/// An optional provenance, as the executor carries it.
pub type P = Option<Rc<Prov>>;

/// A decision a piece of output depends on: an `if`, `with` or `range` and the value
/// it tested.
pub struct Cond {
    /// `if`, `else if`, `with`, `range`.
    pub keyword: &'static str,
    /// Where the tested pipeline is.
    pub site: Site,
    /// The pipeline's text.
    pub text: Rc<str>,
    /// Whether the tested value was true.
    pub truth: bool,
    /// Where the tested value came from.
    pub prov: P,
}

/// A list of decisions, innermost first.
pub type Conds = Option<Rc<Link<Rc<Cond>>>>;
/// A list of operations a value went through, innermost first.
pub type Vias = Option<Rc<Link<(Rc<str>, Site)>>>;

/// One cell of a shared singly linked list.
pub struct Link<T> {
    /// This cell's item.
    pub item: T,
    /// The rest of the list.
    pub next: Option<Rc<Link<T>>>,
}

/// Iterates a linked list from its head.
pub fn iter<T>(list: &Option<Rc<Link<T>>>) -> impl Iterator<Item = &T> {
    let mut cur = list.as_deref();
    std::iter::from_fn(move || {
        let c = cur?;
        cur = c.next.as_deref();
        Some(&c.item)
    })
}

fn push<T>(list: &Option<Rc<Link<T>>>, item: T) -> Option<Rc<Link<T>>> {
    Some(Rc::new(Link { item, next: list.clone() }))
}

/// `inner` followed by `outer` (a copy of `inner`'s cells; `outer` is shared).
fn concat<T: Clone>(inner: &Option<Rc<Link<T>>>, outer: &Option<Rc<Link<T>>>) -> Option<Rc<Link<T>>> {
    if inner.is_none() {
        return outer.clone();
    }
    if outer.is_none() {
        return inner.clone();
    }
    let items: Vec<&T> = iter(inner).collect();
    let mut list = outer.clone();
    for item in items.into_iter().rev() {
        list = push(&list, item.clone());
    }
    list
}

/// A run of output bytes `start..end` and where it came from.
#[derive(Clone)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The value or literal that produced it.
    pub prov: Rc<Prov>,
    /// The decisions that led to it.
    pub conds: Conds,
    /// The operations it went through (`include`, `nindent`...).
    pub via: Vias,
    /// The action (or literal text) that wrote it.
    pub at: Option<Site>,
}

/// The record of one traced render, shared by the executor and the program that
/// registers value sources.
#[derive(Default)]
pub struct Tracer {
    state: RefCell<TraceState>,
}

#[derive(Default)]
struct TraceState {
    /// Strings by allocation, kept alive so an address is never reused.
    strings: HashMap<usize, (Str, Rc<Prov>)>,
    /// Map entries by (map, key), with the value the entry held when recorded (a
    /// record whose entry has changed since is stale).
    slots: HashMap<(usize, Str), (Rc<Prov>, Value)>,
    /// List items by (list, index).
    items: HashMap<(usize, usize), Rc<Prov>>,
    /// Containers whose slots are recorded, kept alive for the same reason.
    keep: Vec<Value>,
    kept: std::collections::HashSet<usize>,
    /// The spans of each execution in progress.
    runs: Vec<Vec<Span>>,
    /// The spans of the execution that ended last.
    last_run: Vec<Span>,
    /// The texts of `tpl` calls in progress and where each came from.
    tpl_inputs: Vec<P>,
    /// Every value a template read, by where it came from.
    reads: Vec<Rc<Prov>>,
    read_seen: std::collections::HashSet<usize>,
}

impl Tracer {
    /// A tracer with nothing recorded.
    pub fn new() -> Tracer {
        Tracer::default()
    }

    fn keep(&self, v: Value, addr: usize) {
        let mut st = self.state.borrow_mut();
        if st.kept.insert(addr) {
            st.keep.push(v);
        }
    }

    /// Records where the entry `key` of `map` came from.
    pub fn set_slot(&self, map: &Map, key: &str, prov: Rc<Prov>) {
        self.keep(Value::Map(map.clone()), map.addr());
        let now = map.get(key).unwrap_or(Value::Nil);
        self.state.borrow_mut().slots.insert((map.addr(), Str::from(key)), (prov, now));
    }

    /// Where the entry `key` of `map` came from, if recorded and the entry still
    /// holds the value recorded.
    pub fn slot(&self, map: &Map, key: &str) -> P {
        let st = self.state.borrow();
        if st.slots.is_empty() {
            return None;
        }
        let (prov, then) = st.slots.get(&(map.addr(), Str::from(key)))?;
        let now = map.get(key).unwrap_or(Value::Nil);
        identical(then, &now).then(|| prov.clone())
    }

    /// Records where item `i` of `list` came from.
    pub fn set_item(&self, list: &List, i: usize, prov: Rc<Prov>) {
        self.keep(Value::List(list.clone()), list.addr());
        self.state.borrow_mut().items.insert((list.addr(), i), prov);
    }

    /// Where item `i` of `list` came from, if recorded.
    pub fn item(&self, list: &List, i: usize) -> P {
        self.state.borrow().items.get(&(list.addr(), i)).cloned()
    }

    /// Records where a string value came from (by its allocation; other values are
    /// ignored).
    pub fn set_string(&self, v: &Value, prov: Rc<Prov>) {
        if let Value::String(s) = v {
            if !s.is_empty() {
                let addr = Rc::as_ptr(s) as *const u8 as usize;
                self.state.borrow_mut().strings.insert(addr, (s.clone(), prov));
            }
        }
    }

    /// Where a string value came from, if recorded.
    pub fn string(&self, v: &Value) -> P {
        match v {
            Value::String(s) if !s.is_empty() => {
                let addr = Rc::as_ptr(s) as *const u8 as usize;
                self.state.borrow().strings.get(&addr).map(|(_, p)| p.clone())
            }
            _ => None,
        }
    }

    /// The provenance of `v` read from a place whose own record is `slot`: the
    /// place's record says more (the operations that put it there); a recorded
    /// string followed the value wherever it was copied.
    pub fn of_value(&self, v: &Value, slot: P) -> P {
        slot.or_else(|| self.string(v))
    }

    /// Notes that a template read a value that came from `p`.
    pub(crate) fn note_read(&self, p: &P) {
        if let Some(p) = p {
            let mut st = self.state.borrow_mut();
            if st.read_seen.insert(Rc::as_ptr(p) as *const () as usize) {
                st.reads.push(p.clone());
            }
        }
    }

    /// Where every value a template read came from.
    pub fn reads(&self) -> Vec<Rc<Prov>> {
        self.state.borrow().reads.clone()
    }

    pub(crate) fn begin_run(&self) {
        self.state.borrow_mut().runs.push(Vec::new());
    }

    pub(crate) fn end_run(&self) {
        let mut st = self.state.borrow_mut();
        let spans = st.runs.pop().unwrap_or_default();
        st.last_run = spans;
    }

    /// The spans of the execution that ended last (taken).
    pub fn take_last_run(&self) -> Vec<Span> {
        std::mem::take(&mut self.state.borrow_mut().last_run)
    }

    /// Replaces the spans of the execution that ended last.
    pub(crate) fn set_last_run(&self, spans: Vec<Span>) {
        self.state.borrow_mut().last_run = spans;
    }

    /// Forgets where the entry `key` of `map` came from.
    pub fn remove_slot(&self, map: &Map, key: &str) {
        self.state.borrow_mut().slots.remove(&(map.addr(), Str::from(key)));
    }

    pub(crate) fn push_tpl_input(&self, p: P) {
        self.state.borrow_mut().tpl_inputs.push(p);
    }

    pub(crate) fn pop_tpl_input(&self) -> P {
        self.state.borrow_mut().tpl_inputs.pop().flatten()
    }

    pub(crate) fn top_tpl_input(&self) -> P {
        self.state.borrow().tpl_inputs.last().cloned().flatten()
    }

    /// Records that output bytes `start..end` of the current execution came from
    /// `prov` (flattening text values into their own spans).
    pub(crate) fn emit(&self, start: usize, end: usize, prov: &P, conds: &Conds, at: Site) {
        if start > end {
            return;
        }
        let Some(prov) = prov else { return };
        let mut st = self.state.borrow_mut();
        if let Some(run) = st.runs.last_mut() {
            let from = run.len();
            if start == end {
                // An empty value still has a source (`key: ""`).
                run.push(Span { start, end, prov: prov.clone(), conds: conds.clone(), via: None, at: None });
            } else {
                flatten(prov, start, end, conds, &None, run);
            }
            for s in &mut run[from..] {
                if s.at.is_none() {
                    s.at = Some(at.clone());
                }
            }
        }
    }
}

/// Appends spans for bytes `start..end` produced by `prov`, opening text values.
pub fn flatten(prov: &Rc<Prov>, start: usize, end: usize, conds: &Conds, via: &Vias, out: &mut Vec<Span>) {
    match prov.as_ref() {
        Prov::Text(spans) => {
            for s in spans.iter() {
                let (a, b) = (start + s.start, (start + s.end).min(end));
                if a < b {
                    let from = out.len();
                    flatten(&s.prov, a, b, &concat(&s.conds, conds), &concat(&s.via, via), out);
                    for o in &mut out[from..] {
                        if o.at.is_none() {
                            o.at = s.at.clone();
                        }
                    }
                }
            }
        }
        Prov::Via { op, site, inner } => {
            flatten(inner, start, end, conds, &push(via, (op.clone(), site.clone())), out);
        }
        _ => out.push(Span { start, end, prov: prov.clone(), conds: conds.clone(), via: via.clone(), at: None }),
    }
}

/// The provenance of bytes `start..end` of a value whose provenance is `prov`.
pub fn slice(prov: &Rc<Prov>, start: usize, end: usize) -> Rc<Prov> {
    match prov.as_ref() {
        Prov::Literal(site) => Rc::new(Prov::Literal(site.advanced(start))),
        Prov::Via { op, site, inner } => {
            Rc::new(Prov::Via { op: op.clone(), site: site.clone(), inner: slice(inner, start, end) })
        }
        Prov::Text(_) => {
            let mut spans = Vec::new();
            flatten(prov, 0, usize::MAX, &None, &None, &mut spans);
            let inside: Vec<Span> = spans
                .into_iter()
                .filter(|s| s.end > start && s.start < end)
                .map(|s| {
                    let a = s.start.max(start);
                    let prov = if a > s.start { slice(&s.prov, a - s.start, s.end - s.start) } else { s.prov };
                    Span { start: a - start, end: s.end.min(end) - start, prov, conds: s.conds, via: s.via, at: s.at }
                })
                .collect();
            match inside.as_slice() {
                [one] if one.start == 0 && one.conds.is_none() && one.via.is_none() => one.prov.clone(),
                _ => Rc::new(Prov::Text(inside.into())),
            }
        }
        _ => prov.clone(),
    }
}

/// Output spans after Helm's removal of `<no value>` from `out` (the text before).
pub fn strip_no_value(out: &[u8], spans: Vec<Span>) -> Vec<Span> {
    const MARK: &[u8] = b"<no value>";
    let mut removed = Vec::new();
    let mut i = 0;
    while i + MARK.len() <= out.len() {
        if out[i..].starts_with(MARK) {
            removed.push(i);
            i += MARK.len();
        } else {
            i += 1;
        }
    }
    if removed.is_empty() {
        return spans;
    }
    let map = |pos: usize| -> usize {
        let mut shift = 0;
        for &r in &removed {
            if r + MARK.len() <= pos {
                shift += MARK.len();
            } else if r < pos {
                shift += pos - r;
            }
        }
        pos - shift
    };
    spans
        .into_iter()
        .filter_map(|s| {
            let (a, b) = (map(s.start), map(s.end));
            (a < b).then_some(Span { start: a, end: b, ..s })
        })
        .collect()
}

/// Where field `name` of a built-in object reached through `receiver` came from
/// (`.Release` then `.Name` is `.Release.Name`).
pub(crate) fn field_of(receiver: &P, name: &str) -> P {
    match receiver.as_deref() {
        Some(Prov::Builtin(path)) => Some(Rc::new(Prov::Builtin(format!("{path}.{name}").into()))),
        _ => None,
    }
}

/// The provenance of a value `op` chose (`chosen`) after testing `tested`.
pub(crate) fn chosen(op: &str, site: Site, chosen: P, tested: Vec<(Rc<Prov>, bool)>) -> P {
    if tested.is_empty() {
        return chosen.map(|inner| Rc::new(Prov::Via { op: op.into(), site, inner }));
    }
    let chosen = chosen?;
    Some(Rc::new(Prov::Choice { op: op.into(), site, chosen, tested, overrode: Vec::new() }))
}

/// A traced function call, after it returned.
pub(crate) struct Call<'x> {
    /// The function's name.
    pub name: &'x str,
    /// Where it was called.
    pub site: Site,
    /// Its arguments.
    pub args: &'x [Value],
    /// Where each argument came from.
    pub provs: &'x [P],
}

/// What the map arguments of a `merge`-family call held before it: for each
/// argument, every leaf by path with its value and provenance.
pub(crate) type Before = Vec<HashMap<String, (Value, P)>>;

/// Records what a call that mutates maps will change.
pub(crate) fn before_call(t: &Tracer, name: &str, args: &[Value]) -> Option<Before> {
    if !matches!(name, "merge" | "mergeOverwrite" | "mustMerge" | "mustMergeOverwrite") {
        return None;
    }
    let mut all = Vec::new();
    for a in args {
        let mut leaves = HashMap::new();
        if let Value::Map(m) = a {
            collect_leaves(t, m, String::new(), &mut leaves, 0);
        }
        all.push(leaves);
    }
    Some(all)
}

fn collect_leaves(t: &Tracer, m: &Map, prefix: String, out: &mut HashMap<String, (Value, P)>, depth: usize) {
    if depth > 200 {
        return;
    }
    for (k, v) in m.borrow().iter() {
        let path = if prefix.is_empty() { k.to_string() } else { format!("{prefix}\u{0}{k}") };
        match v {
            Value::Map(child) if !child.is_empty() => collect_leaves(t, child, path, out, depth + 1),
            _ => {
                let p = t.of_value(v, t.slot(m, k));
                out.insert(path, (v.clone(), p));
            }
        }
    }
}

/// Whether `a` and `b` are the same value: the same allocation for strings and
/// containers, the same bits for other scalars.
fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Rc::ptr_eq(x, y) || (x.is_empty() && y.is_empty()),
        _ => same(a, b),
    }
}

/// Whether two scalars are the same Go value.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Nil, Value::Nil) => true,
        (Value::Map(x), Value::Map(y)) => x.ptr_eq(y),
        (Value::List(x), Value::List(y)) => x.addr() == y.addr(),
        _ => false,
    }
}

/// After `merge`-family call: each leaf of the destination records which
/// argument's value it kept and which values it replaced.
fn after_merge(t: &Tracer, call: &Call<'_>, before: &Before, dst: &Map, prefix: String, depth: usize) {
    if depth > 200 {
        return;
    }
    let overwrite = call.name.ends_with("Overwrite");
    let entries: Vec<(Str, Value)> = dst.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, v) in entries {
        let path = if prefix.is_empty() { k.to_string() } else { format!("{prefix}\u{0}{k}") };
        if let Value::Map(child) = &v {
            if !child.is_empty() {
                after_merge(t, call, before, child, path, depth + 1);
                continue;
            }
        }
        let candidates: Vec<&(Value, P)> = before.iter().filter_map(|b| b.get(&path)).collect();
        if candidates.len() < 2 && before.first().is_some_and(|b| b.contains_key(&path)) {
            continue;
        }
        let pick = if overwrite {
            candidates.iter().rposition(|(cv, _)| same(cv, &v))
        } else {
            candidates.iter().position(|(cv, _)| same(cv, &v))
        };
        let Some(i) = pick else { continue };
        let overrode: Vec<(Value, Rc<Prov>)> = candidates
            .iter()
            .enumerate()
            .filter(|(j, (cv, _))| *j != i && !same(cv, &v))
            .filter_map(|(_, (cv, cp))| cp.clone().map(|p| (cv.clone(), p)))
            .collect();
        let Some(chosen) = candidates[i].1.clone() else {
            t.remove_slot(dst, &k);
            continue;
        };
        let prov = Prov::Choice { op: call.name.into(), site: call.site.clone(), chosen, tested: Vec::new(), overrode };
        t.set_slot(dst, &k, Rc::new(prov));
    }
}

/// Copies the slot records of `src` onto its deep copy `dst`.
fn copy_slots(t: &Tracer, src: &Value, dst: &Value, depth: usize) {
    if depth > 200 {
        return;
    }
    match (src, dst) {
        (Value::Map(s), Value::Map(d)) => {
            for (k, sv) in s.borrow().iter() {
                if let Some(p) = t.slot(s, k) {
                    t.set_slot(d, k, p);
                }
                if let Some(dv) = d.get(k) {
                    copy_slots(t, sv, &dv, depth + 1);
                }
            }
        }
        (Value::List(s), Value::List(d)) => {
            for (i, (sv, dv)) in s.items().iter().zip(d.items()).enumerate() {
                if let Some(p) = t.item(s, i) {
                    t.set_item(d, i, p);
                }
                copy_slots(t, sv, dv, depth + 1);
            }
        }
        (sv, dv) => {
            if let Some(p) = t.string(sv) {
                t.set_string(dv, p);
            }
        }
    }
}

/// `p` as a value parsed from text: the actions that wrote the text are no longer
/// what writes the value when it is printed again.
fn without_writers(p: Rc<Prov>) -> Rc<Prov> {
    match p.as_ref() {
        Prov::Text(spans) => {
            Rc::new(Prov::Text(spans.iter().map(|s| Span { at: None, ..s.clone() }).collect::<Vec<_>>().into()))
        }
        Prov::Via { op, site, inner } => {
            Rc::new(Prov::Via { op: op.clone(), site: site.clone(), inner: without_writers(inner.clone()) })
        }
        _ => p,
    }
}

/// Records, for a structure parsed from `text` (whose provenance is `prov`), where
/// each of its entries came from.
fn mark_parsed(t: &Tracer, text: &str, node: &goyaml::Node, v: &Value, prov: &Rc<Prov>, depth: usize) {
    if depth > 200 {
        return;
    }
    let piece = |n: &goyaml::Node| {
        let end = goyaml::scalar_end(text, n.offset);
        without_writers(slice(prov, n.offset, end))
    };
    match (&node.kind, v) {
        (goyaml::NodeKind::Map(entries), Value::Map(m)) => {
            for (k, _, _, child) in entries {
                let Some(cv) = m.get(k) else { continue };
                match &child.kind {
                    goyaml::NodeKind::Scalar(_) => {
                        let p = piece(child);
                        t.set_string(&cv, p.clone());
                        t.set_slot(m, k, p);
                    }
                    _ => mark_parsed(t, text, child, &cv, prov, depth + 1),
                }
            }
        }
        (goyaml::NodeKind::List(items), Value::List(l)) => {
            for (i, (child, cv)) in items.iter().zip(l.items()).enumerate() {
                match &child.kind {
                    goyaml::NodeKind::Scalar(_) => {
                        let p = piece(child);
                        t.set_string(cv, p.clone());
                        t.set_item(l, i, p);
                    }
                    _ => mark_parsed(t, text, child, cv, prov, depth + 1),
                }
            }
        }
        _ => {}
    }
}

/// Spans of `text`, printed from `v`: each scalar of the text is attributed to the
/// entry of `v` it was printed from.
fn printed_spans(t: &Tracer, text: &str, node: &goyaml::Node, v: &Value, out: &mut Vec<Span>, depth: usize) {
    if depth > 200 {
        return;
    }
    let leaf = |n: &goyaml::Node, p: P, out: &mut Vec<Span>| {
        t.note_read(&p);
        if let Some(p) = p {
            let end = goyaml::scalar_end(text, n.offset);
            if n.offset < end {
                out.push(Span { start: n.offset, end, prov: p, conds: None, via: None, at: None });
            }
        }
    };
    match (&node.kind, v) {
        (goyaml::NodeKind::Map(entries), Value::Map(m)) => {
            for (k, _, _, child) in entries {
                let Some(cv) = m.get(k) else { continue };
                match &child.kind {
                    goyaml::NodeKind::Scalar(_) => leaf(child, t.of_value(&cv, t.slot(m, k)), out),
                    _ => printed_spans(t, text, child, &cv, out, depth + 1),
                }
            }
        }
        (goyaml::NodeKind::List(items), Value::List(l)) => {
            for (i, (child, cv)) in items.iter().zip(l.items()).enumerate() {
                match &child.kind {
                    goyaml::NodeKind::Scalar(_) => leaf(child, t.of_value(cv, t.item(l, i)), out),
                    _ => printed_spans(t, text, child, cv, out, depth + 1),
                }
            }
        }
        _ => {}
    }
}

/// The text a scalar argument contributes to a text function's result.
fn arg_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::Int(_) | Value::Int64(_) | Value::Float(_) | Value::Bool(_) => Some(v.to_go_string()),
        _ => None,
    }
}

/// Where a function's result came from, given where its arguments came from.
pub(crate) fn after_call(t: &Tracer, call: &Call<'_>, result: &Value, before: Option<Before>) -> P {
    let name = call.name;
    let via = |inner: Rc<Prov>| Rc::new(Prov::Via { op: name.into(), site: call.site.clone(), inner });
    let arg = |i: usize| call.provs.get(i).cloned().flatten();
    let rule = rule(name);
    if rule == Rule::Compute {
        // A method that recorded its own result (`.Files.Get`) says best.
        if let Some(p) = t.string(result) {
            return Some(p);
        }
    }
    match rule {
        Rule::Render => {
            let spans = t.take_last_run();
            let p = via(Rc::new(Prov::Text(spans.into())));
            t.set_string(result, p.clone());
            Some(p)
        }
        Rule::Choose => {
            let n = call.args.len();
            let empty = |i: usize| call.args.get(i).is_none_or(|v| !v.truthy());
            let (pick, tested): (usize, Vec<usize>) = match name {
                "default" if n > 1 && !empty(1) => (1, vec![]),
                "default" => (0, if n > 1 { vec![1] } else { vec![] }),
                "ternary" if n == 3 => (if empty(2) { 1 } else { 0 }, vec![2]),
                "coalesce" => {
                    let i = (0..n).find(|&i| !empty(i)).unwrap_or(n.saturating_sub(1));
                    (i, (0..i).collect())
                }
                "required" => (n.saturating_sub(1), vec![]),
                "first" | "last" => {
                    let Some(Value::List(l)) = call.args.first() else { return None };
                    let i = if name == "first" { 0 } else { l.len().saturating_sub(1) };
                    let p = t.of_value(result, t.item(l, i))?;
                    return Some(via(p));
                }
                _ => return None,
            };
            let tested: Vec<(Rc<Prov>, bool)> = tested.into_iter().filter_map(|i| Some((arg(i)?, !empty(i)))).collect();
            chosen(name, call.site.clone(), arg(pick), tested)
        }
        Rule::Lookup => {
            let p = lookup(t, name, call.args);
            let p = t.of_value(result, p);
            t.note_read(&p);
            let p = p?;
            Some(via(p))
        }
        Rule::Build => {
            match result {
                Value::Map(m) => {
                    for (i, pair) in call.args.chunks(2).enumerate() {
                        if let ([k, _], Some(p)) = (pair, arg(2 * i + 1)) {
                            t.set_slot(m, &k.to_go_string(), p);
                        }
                    }
                }
                Value::List(l) => {
                    for i in 0..l.len() {
                        if let Some(p) = arg(i) {
                            t.set_item(l, i, p);
                        }
                    }
                }
                _ => {}
            }
            None
        }
        Rule::Mutate => {
            match (name, call.args) {
                ("set", [Value::Map(m), k, _]) => match arg(2) {
                    Some(p) => t.set_slot(m, &k.to_go_string(), via(p)),
                    None => t.remove_slot(m, &k.to_go_string()),
                },
                ("unset", [Value::Map(m), k]) => t.remove_slot(m, &k.to_go_string()),
                ("deepCopy" | "mustDeepCopy", [src]) => copy_slots(t, src, result, 0),
                (_, [Value::Map(dst), ..]) => {
                    if let Some(before) = &before {
                        after_merge(t, call, before, dst, String::new(), 0);
                    }
                }
                _ => {}
            }
            None
        }
        Rule::Parse => {
            let (Some(Value::String(text)), Some(p)) = (call.args.first(), arg(0)) else { return None };
            if let Ok(Some(node)) = goyaml::parse_node(text) {
                mark_parsed(t, text, &node, result, &via(p), 0);
            }
            None
        }
        Rule::Print => {
            let (Value::String(text), Some(v)) = (result, call.args.first()) else { return None };
            let mut spans = Vec::new();
            match goyaml::parse_node(text) {
                Ok(Some(node)) if matches!(node.kind, goyaml::NodeKind::Scalar(_)) => {
                    if let Some(p) = arg(0) {
                        spans.push(Span { start: 0, end: text.len(), prov: p, conds: None, via: None, at: None });
                    }
                }
                Ok(Some(node)) => printed_spans(t, text, &node, v, &mut spans, 0),
                _ => {}
            }
            let p = via(Rc::new(Prov::Text(spans.into())));
            t.set_string(result, p.clone());
            Some(p)
        }
        Rule::Text => {
            let Value::String(text) = result else { return compute(call) };
            let texts: Vec<(String, Rc<Prov>)> =
                call.args.iter().zip(call.provs).filter_map(|(v, p)| Some((arg_text(v)?, p.clone()?))).collect();
            let inputs: Vec<(&str, Rc<Prov>)> = texts.iter().map(|(s, p)| (s.as_str(), p.clone())).collect();
            let spans = align(text, &inputs);
            if spans.is_empty() {
                return compute(call);
            }
            let p = via(Rc::new(Prov::Text(spans.into())));
            t.set_string(result, p.clone());
            Some(p)
        }
        Rule::Compute => compute(call),
    }
}

/// A computed value: the call site and its inputs.
fn compute(call: &Call<'_>) -> P {
    let inputs: Vec<Rc<Prov>> = call.provs.iter().flatten().cloned().collect();
    Some(Rc::new(Prov::Computed { op: call.name.into(), site: call.site.clone(), inputs }))
}

/// Where the element `index`/`get`/`dig` returned came from.
fn lookup(t: &Tracer, name: &str, args: &[Value]) -> P {
    let (container, keys): (&Value, &[Value]) = match name {
        "index" | "get" => (args.first()?, args.get(1..)?),
        "dig" if args.len() >= 2 => (args.last()?, args.get(..args.len() - 2)?),
        _ => return None,
    };
    let mut cur = container.clone();
    let mut p = None;
    for k in keys {
        let next = match &cur {
            Value::Map(m) => {
                let key = k.to_go_string();
                p = t.slot(m, &key);
                m.get(&key)
            }
            Value::List(l) => {
                let i = match k {
                    Value::Int(i) | Value::Int64(i) => usize::try_from(*i).ok()?,
                    _ => return None,
                };
                p = t.item(l, i);
                l.items().get(i).cloned()
            }
            _ => return None,
        };
        cur = next?;
    }
    t.of_value(&cur, p)
}

/// The spans of a `tpl` run over `text`: its literal text is the argument's text,
/// so each literal run is attributed to where that text came from (`input`).
pub(crate) fn tpl_spans(out: &[u8], spans: Vec<Span>, text: &str, input: P) -> Vec<Span> {
    let spans: Vec<Span> = spans
        .into_iter()
        .map(|s| match (s.prov.as_ref(), &input) {
            (Prov::Literal(site), Some(inp)) if &*site.text == text => {
                let prov = slice(inp, site.offset, site.offset + (s.end - s.start));
                Span { prov, ..s }
            }
            _ => s,
        })
        .collect();
    strip_no_value(out, spans)
}

/// How a function's result relates to its arguments, for tracing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Text made of (some of) its string arguments' bytes.
    Text,
    /// The result is one argument, chosen by testing others (`default`, `ternary`,
    /// `coalesce`, `first`...).
    Choose,
    /// An element of a container argument (`index`, `get`, `pluck`, `dig`).
    Lookup,
    /// A new container of the arguments (`dict`, `list`).
    Build,
    /// Mutates its first argument (`set`, `unset`, `merge`...).
    Mutate,
    /// A structure parsed from text (`fromYaml`, `fromJson`...).
    Parse,
    /// Text printed from a structure (`toYaml`, `toJson`...).
    Print,
    /// A rendering of a template (`include`, `tpl`).
    Render,
    /// Anything else: computed from the inputs.
    Compute,
}

/// The tracing rule of function `name`.
pub(crate) fn rule(name: &str) -> Rule {
    match name {
        "include" | "tpl" => Rule::Render,
        "default" | "ternary" | "coalesce" | "required" | "first" | "last" | "and" | "or" => Rule::Choose,
        "index" | "get" | "pluck" | "dig" => Rule::Lookup,
        "dict" | "list" => Rule::Build,
        "set" | "unset" | "merge" | "mergeOverwrite" | "mustMerge" | "mustMergeOverwrite" | "deepCopy"
        | "mustDeepCopy" => Rule::Mutate,
        "fromYaml" | "fromJson" | "fromYamlArray" | "fromJsonArray" | "mustFromJson" => Rule::Parse,
        "toYaml" | "toJson" | "toPrettyJson" | "toRawJson" | "mustToJson" | "mustToPrettyJson" | "mustToRawJson"
        | "toYamlPretty" => Rule::Print,
        "quote" | "squote" | "toString" | "trim" | "trimAll" | "trimSuffix" | "trimPrefix" | "nindent" | "indent"
        | "printf" | "print" | "println" | "cat" | "replace" | "trunc" | "substr" | "join" | "toStrings" | "html"
        | "urlquery" | "js" | "b64dec" => Rule::Text,
        _ => Rule::Compute,
    }
}

/// Spans for `result`, a text built from `inputs` (each a text and where it came
/// from): every line of an input found in the result, in order, is attributed to
/// that input. The bytes no input accounts for are left out.
pub fn align(result: &str, inputs: &[(&str, Rc<Prov>)]) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut taken = vec![false; result.len()];
    // Longer inputs first, so that a short one (a separator) cannot claim bytes
    // that a longer copy accounts for.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(inputs[i].0.len()));
    for i in order {
        let (text, prov) = &inputs[i];
        if text.is_empty() {
            continue;
        }
        let mut cursor = 0;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches('\n');
            let trimmed = content.trim_start();
            let lead = content.len() - trimmed.len();
            let piece = trimmed.trim_end();
            if !piece.is_empty() {
                if let Some(at) = find_free(result, piece, cursor, &taken) {
                    let from = offset + lead;
                    spans.push(Span {
                        start: at,
                        end: at + piece.len(),
                        prov: slice(prov, from, from + piece.len()),
                        conds: None,
                        via: None,
                        at: None,
                    });
                    for t in &mut taken[at..at + piece.len()] {
                        *t = true;
                    }
                    cursor = at + piece.len();
                }
            }
            offset += line.len();
        }
    }
    spans.sort_by_key(|s| s.start);
    spans
}

fn find_free(hay: &str, needle: &str, from: usize, taken: &[bool]) -> Option<usize> {
    let mut at = from;
    while at <= hay.len() {
        let rel = hay.get(at..)?.find(needle)?;
        let pos = at + rel;
        if !taken[pos..pos + needle.len()].iter().any(|t| *t) {
            return Some(pos);
        }
        at = pos + 1;
        while at < hay.len() && !hay.is_char_boundary(at) {
            at += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(file: &str, text: &str) -> Rc<Prov> {
        Rc::new(Prov::Literal(Site { file: file.into(), text: text.into(), offset: 0 }))
    }

    #[test]
    fn sites_know_line_and_column() {
        let s = Site { file: "f".into(), text: "ab\ncdé f".into(), offset: 9 };
        assert_eq!(s.line_col(), (2, 6));
    }

    #[test]
    fn aligned_lines_keep_their_sources_through_indentation() {
        let yaml = "a: 1\nb:\n  c: x\n";
        let out = "\n    a: 1\n    b:\n      c: x";
        let spans = align(out, &[(yaml, lit("v", yaml))]);
        assert_eq!(spans.len(), 3);
        let Prov::Literal(site) = spans[2].prov.as_ref() else { panic!() };
        assert_eq!(&out[spans[2].start..spans[2].end], "c: x");
        assert_eq!(site.line_col(), (3, 3));
    }

    #[test]
    fn slicing_text_keeps_each_piece() {
        let spans: Rc<[Span]> = vec![
            Span { start: 0, end: 3, prov: lit("a", "abc"), conds: None, via: None, at: None },
            Span { start: 3, end: 6, prov: lit("b", "def"), conds: None, via: None, at: None },
        ]
        .into();
        let p = slice(&Rc::new(Prov::Text(spans)), 4, 6);
        let Prov::Literal(site) = p.as_ref() else { panic!() };
        assert_eq!((&*site.file, site.offset), ("b", 1));
    }

    #[test]
    fn no_value_removal_shifts_spans() {
        let out = b"a<no value>bc";
        let spans = vec![
            Span { start: 0, end: 1, prov: lit("a", "a"), conds: None, via: None, at: None },
            Span { start: 1, end: 11, prov: lit("n", "x"), conds: None, via: None, at: None },
            Span { start: 11, end: 13, prov: lit("b", "bc"), conds: None, via: None, at: None },
        ];
        let s = strip_no_value(out, spans);
        assert_eq!(s.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(), vec![(0, 1), (1, 3)]);
    }
}
