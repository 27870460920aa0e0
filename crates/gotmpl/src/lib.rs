//! Go's `text/template` as Helm 4.3.1 runs it, over [`govalue::Value`]s.
//!
//! - [`Templates`]: every template of one render plus the shared `define`s; parse
//!   with [`Templates::add`], run with [`Templates::execute`].
//! - [`TemplateError`]: Go's error text, and [`TemplateError::helm_message`], the
//!   text Helm prints after `Error: `.
//! - [`gofmt`]: Go's `fmt.Sprint`/`Sprintf`/`Sprintln`.
//!
//! Objects (`govalue::Object`) take part as Go values would: `.Name` finds a method
//! (`method` declares its Go signature, `call_method` calls it), then a field
//! (`field`), then, for named map types, a key of `underlying()`; `len`, `index` and
//! `range` also use `underlying()`. Arguments are counted and type-checked against
//! the declared signature before the call, with Go's own error texts.
//!
//! Execution recurses once per nested `{{template}}` call or `include` (Go allows
//! 100000 and Helm 1000), so callers that must reach those limits run renders on
//! a thread with a large stack; a recursion that would overflow the stack ends in
//! Go's depth error instead.

mod builtins;
mod exec;
pub mod gofmt;
mod lex;
mod literal;
mod parse;
mod random;
mod source;
mod stack;
pub mod trace;
mod values;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use govalue::{FuncMap, Value};

use exec::{Ctx, GoError, Scope, TplParse};
use parse::Template;

/// A map by template (or `tpl` text) name, looked up at every `include`: a fast,
/// randomly seeded hasher.
pub(crate) type NameMap<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// Every template of one render and the defines they share. Parsed once.
pub struct Templates {
    funcs: FuncMap,
    set: NameMap<Rc<Template>>,
    tpl_cache: RefCell<NameMap<Rc<TplParse>>>,
    rng: RefCell<random::Source>,
    /// The executing thread and the lowest stack address it may use.
    stack_floor: Cell<Option<(std::thread::ThreadId, usize)>>,
}

impl Templates {
    /// An empty set whose templates may call `funcs` (and Go's builtins).
    pub fn new(funcs: FuncMap) -> Templates {
        let mut t = Templates {
            funcs,
            set: NameMap::default(),
            tpl_cache: RefCell::new(NameMap::default()),
            rng: RefCell::new(random::Source::os()),
            stack_floor: Cell::new(None),
        };
        t.set_seed(None);
        t
    }

    /// Parses `text` as template `name` (e.g. "c/templates/t.yaml"); its `define`s
    /// join the set (a later add replaces an earlier define of the same name, as
    /// Go's `AddParseTree` does, except that an empty body never replaces).
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        self.add_bytes(name, text.as_bytes())
    }

    /// [`Templates::add`] for source given as bytes: as in Go, text between actions
    /// and raw strings keep bytes that are not UTF-8.
    pub fn add_bytes(&mut self, name: &str, text: &[u8]) -> Result<(), TemplateError> {
        let floor = self.stack_floor();
        let funcs = &self.funcs;
        let text = source::escape(text);
        let trees = parse::parse(name, &text, &|f| exec::has_function(funcs, f), floor)
            .map_err(|message| TemplateError { file: name.to_string(), kind: ErrorKind::Parse(message) })?;
        for tree in trees {
            if tree.is_empty() && self.set.contains_key(&tree.name) {
                continue;
            }
            self.set.insert(tree.name.clone(), Rc::new(tree));
        }
        Ok(())
    }

    /// Whether a template or define called `name` exists.
    pub fn has(&self, name: &str) -> bool {
        self.set.contains_key(name)
    }

    /// Executes template `name` with `data` as dot and `$`, as text: bytes that are
    /// not valid UTF-8 become U+FFFD (see [`Templates::execute_bytes`]).
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, TemplateError> {
        self.execute_bytes(name, data).map(|out| String::from_utf8_lossy(&out).into_owned())
    }

    /// Executes template `name` with `data` as dot and `$`; the output is bytes, as
    /// in Go (a binary string printed by an action is copied exactly).
    pub fn execute_bytes(&self, name: &str, data: &Value) -> Result<Vec<u8>, TemplateError> {
        self.execute_with(name, data, None)
    }

    /// [`Templates::execute_bytes`] with provenance tracing: also returns where each
    /// run of the output came from (see [`trace`]).
    pub fn execute_traced(
        &self,
        name: &str,
        data: &Value,
        tracer: &trace::Tracer,
    ) -> Result<(Vec<u8>, Vec<trace::Span>), TemplateError> {
        let out = self.execute_with(name, data, Some(tracer))?;
        Ok((out, tracer.take_last_run()))
    }

    fn execute_with(&self, name: &str, data: &Value, tracer: Option<&trace::Tracer>) -> Result<Vec<u8>, TemplateError> {
        let ctx = Ctx {
            stack_floor: self.stack_floor(),
            funcs: &self.funcs,
            tpl_cache: &self.tpl_cache,
            rng: &self.rng,
            include_counts: RefCell::new(HashMap::new()),
            tpl_depth: Cell::new(0),
            host_errors: RefCell::new(Vec::new()),
            tracer,
            run_dot: RefCell::new(None),
        };
        let scope = Scope { defines: &self.set, parent: None };
        let result = ctx
            .execute_named(&scope, name, data)
            .map_err(|e| TemplateError { file: name.to_string(), kind: ErrorKind::Exec(e) });
        if let Some(why) = self.rng.borrow().failure() {
            return Err(TemplateError {
                file: name.to_string(),
                kind: ErrorKind::Exec(GoError::plain(format!(
                    "cannot read the operating system's random source: {why}"
                ))),
            });
        }
        result
    }

    /// The stack floor of the current thread, found once per thread.
    fn stack_floor(&self) -> usize {
        let thread = std::thread::current().id();
        match self.stack_floor.get() {
            Some((t, floor)) if t == thread => floor,
            _ => {
                let floor = stack::floor(stack::current());
                self.stack_floor.set(Some((thread, floor)));
                floor
            }
        }
    }

    /// Fixes the random source and clock for `Host::random_u64`/`now_unix_nanos`
    /// (`--seed`); `None` = OS randomness and the real clock.
    pub fn set_seed(&mut self, seed: Option<u64>) {
        *self.rng.get_mut() = match seed {
            Some(s) => random::Source::Seeded(s),
            None => random::Source::os(),
        };
    }
}

/// A parse or execution error, with Go's text and Helm's presentation of it.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateError {
    file: String,
    kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq)]
enum ErrorKind {
    Parse(String),
    Exec(GoError),
}

const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

impl TemplateError {
    /// Go's `err.Error()` text (`template: name:line:col: executing ...`).
    pub fn go_message(&self) -> &str {
        match &self.kind {
            ErrorKind::Parse(m) => m,
            ErrorKind::Exec(e) => e.message(),
        }
    }

    /// The text Helm 4.3.1 prints after `Error: ` for this error.
    pub fn helm_message(&self) -> String {
        match &self.kind {
            ErrorKind::Parse(message) => {
                let tokens: Vec<&str> = message.split(": ").collect();
                if tokens.len() == 1 {
                    return format!("parse error in ({}): {}", self.file, message);
                }
                format!("parse error at ({}): {}", tokens[1], tokens[tokens.len() - 1])
            }
            ErrorKind::Exec(e) => helm_exec_message(&self.file, e),
        }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.go_message())
    }
}

impl std::error::Error for TemplateError {}

/// The text between Helm's `fail`/`required` markers, if present.
fn warn_text(s: &str) -> Option<&str> {
    let start = s.find(WARN_START)? + WARN_START.len();
    let end = s.rfind(WARN_END)?;
    if end < start {
        return None;
    }
    Some(&s[start..end])
}

/// One step of Helm's `TraceableError` list.
#[derive(PartialEq)]
struct Traceable {
    location: String,
    message: String,
    executed: String,
}

impl Traceable {
    fn render(&self, out: &mut String) {
        if !self.location.is_empty() {
            out.push_str(&self.location);
            out.push_str("\n  ");
        }
        if !self.executed.is_empty() {
            out.push_str(&self.executed);
            out.push_str("\n    ");
        }
        if !self.message.is_empty() {
            out.push_str(&self.message);
            out.push('\n');
        }
    }
}

fn cut_chained(message: &str) -> &str {
    match message.find(" template:") {
        Some(i) => &message[..i],
        None => message,
    }
}

/// Helm's `parseTemplateExecErrorString`.
fn parse_exec_string(s: &str) -> Option<Traceable> {
    let remainder = s.strip_prefix("template: ")?;
    if remainder.starts_with("no template ") {
        return Some(Traceable { location: String::new(), message: s.to_string(), executed: String::new() });
    }
    if let Some((template_name, after)) = remainder.split_once(": executing ") {
        if let Some(rest) = after.strip_prefix('"') {
            if let Some(end_quote) = rest.find('"') {
                let function = &rest[..end_quote];
                if let Some(after_at) = rest[end_quote + 1..].strip_prefix(" at <") {
                    if let Some((location, message)) = after_at.split_once(">: ") {
                        return Some(Traceable {
                            location: template_name.to_string(),
                            message: cut_chained(message).to_string(),
                            executed: format!("executing \"{function}\" at <{location}>:"),
                        });
                    }
                }
            }
        }
        return None;
    }
    let sep = remainder.rfind(": ")?;
    Some(Traceable {
        location: remainder[..sep].to_string(),
        message: cut_chained(&remainder[sep + 2..]).to_string(),
        executed: String::new(),
    })
}

/// Helm's `reformatExecErrorMsg`.
fn helm_exec_message(file: &str, e: &GoError) -> String {
    let top = e.message();
    if !e.is_exec {
        return top.to_string();
    }
    let tokens: Vec<&str> = top.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({file}): {top}");
    }
    if let Some(text) = warn_text(tokens[2]) {
        return format!("execution error at ({}): {}", tokens[1], text);
    }
    let mut steps: Vec<Traceable> = Vec::new();
    for link in &e.chain {
        match parse_exec_string(link) {
            Some(t) => {
                if steps.last() != Some(&t) {
                    steps.push(t);
                }
            }
            None => return top.to_string(),
        }
    }
    let mut out = String::new();
    for step in &steps {
        step.render(&mut out);
    }
    out.trim().to_string()
}

/// Removes every `<no value>` from an output, as Helm does after rendering
/// (and `tpl` after executing).
pub fn strip_no_value(out: Vec<u8>) -> Vec<u8> {
    const MARK: &[u8] = b"<no value>";
    let find = |from: usize| {
        let mut at = from;
        while let Some(p) = out[at..].iter().position(|&b| b == b'<') {
            if out[at + p..].starts_with(MARK) {
                return Some(at + p);
            }
            at += p + 1;
        }
        None
    };
    let Some(mut hit) = find(0) else { return out };
    let mut kept = Vec::with_capacity(out.len());
    let mut from = 0;
    loop {
        kept.extend_from_slice(&out[from..hit]);
        from = hit + MARK.len();
        match find(from) {
            Some(next) => hit = next,
            None => break,
        }
    }
    kept.extend_from_slice(&out[from..]);
    kept
}

#[cfg(test)]
mod tests {
    use super::strip_no_value;

    #[test]
    fn no_value_is_removed_and_other_bytes_kept() {
        assert_eq!(strip_no_value(b"a<no value>b<<no value>\xffc<no value".to_vec()), b"ab<\xffc<no value");
        assert_eq!(strip_no_value(b"<no value><no value>".to_vec()), b"");
        assert_eq!(strip_no_value(b"plain".to_vec()), b"plain");
    }
}
