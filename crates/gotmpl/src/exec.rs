//! The executor: Go's `text/template` exec.go over [`Value`]s, including the
//! positions, node texts and error chains Helm later reformats.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use govalue::strconv::quote;
use govalue::{FuncError, FuncMap, FuncSpec, GoType, Host, List, Map, MapKind, Object, Param, Value};

use crate::builtins::{self, Builtin};
use crate::parse::{self, Arg, Branch, Command, Node, Number, Pipe, Template, Variable};
use crate::trace::{self, Cond, Conds, Prov, Site, Tracer, P};
use crate::values::ValuesMethod;
use crate::NameMap;

/// Go's `maxExecDepth`: nested `{{template}}` calls allowed in one execution.
pub(crate) const MAX_EXEC_DEPTH: usize = 100_000;
/// Helm's `recursionMaxNums`: nested `include`s of one name.
const MAX_INCLUDE_NESTING: usize = 1000;
/// `tpl` calls nested in one another with no `include` between them. Helm has no
/// limit (a self-referencing `tpl` exhausts Go's 1 GB stack); this one is as deep
/// as Helm lets `include` go.
const MAX_TPL_NESTING: usize = 1000;
/// The name Helm gives the template set, which `tpl` texts are parsed as.
pub(crate) const SET_NAME: &str = "gotpl";

/// A Go error as a chain of `Error()` texts: the error itself, then what each
/// `errors.Unwrap` step yields. `is_exec` tells whether the chain holds a
/// `template.ExecError` (Helm reformats only those).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GoError {
    /// Shared texts: an error wrapping another repeats its text, and deep
    /// recursions build long chains that must not be copied at every level.
    pub chain: Vec<Rc<str>>,
    pub is_exec: bool,
}

impl GoError {
    pub(crate) fn plain(message: String) -> GoError {
        GoError { chain: vec![message.into()], is_exec: false }
    }

    pub fn message(&self) -> &str {
        self.chain.first().map(|s| &**s).unwrap_or("")
    }
}

/// A value as the executor sees it, keeping the reflect distinctions Go's error
/// messages depend on.
#[derive(Clone)]
pub(crate) enum Val {
    /// The invalid `reflect.Value` (a missing value; prints `<no value>`).
    Missing,
    /// An `interface{}` holding nil (a map entry or list item that is nil).
    NilIface,
    /// A non-nil value seen through an `interface{}` (map entries, list items).
    Boxed(Value),
    /// A value of concrete type.
    V(Value),
}

impl Val {
    /// A map entry or `[]interface{}` item.
    pub fn elem(v: &Value) -> Val {
        if v.is_nil() {
            Val::NilIface
        } else {
            Val::Boxed(copied(v.clone()))
        }
    }

    /// A function result of static type `interface{}`.
    fn result(v: Value) -> Val {
        if v.is_nil() {
            Val::NilIface
        } else {
            Val::V(v)
        }
    }

    /// The concrete value, nil for the invalid value and nil interfaces.
    pub fn value(&self) -> Value {
        match self {
            Val::Missing | Val::NilIface => Value::Nil,
            Val::Boxed(v) | Val::V(v) => v.clone(),
        }
    }

    /// `indirectInterface`: the concrete value, or `None` for the invalid value.
    pub fn concrete(&self) -> Option<&Value> {
        match self {
            Val::Missing | Val::NilIface => None,
            Val::Boxed(v) | Val::V(v) => Some(v),
        }
    }

    /// Go template truth.
    pub fn truth(&self) -> bool {
        self.concrete().is_some_and(Value::truthy)
    }

    /// What `evalPipeline` does after each command: look inside an `interface{}`.
    fn unboxed(self) -> Val {
        match self {
            Val::NilIface => Val::Missing,
            Val::Boxed(v) => Val::V(v),
            other => other,
        }
    }
}

/// The Go parameter type a value is checked against.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PType {
    /// A declared parameter of a template function.
    Param(Param),
    /// `reflect.Value` (the builtins take their arguments this way).
    Reflect,
    /// No type at all (the operand of a chain).
    Untyped,
    /// `io.Writer`, which no template value satisfies.
    Writer,
}

impl PType {
    fn go_name(self) -> &'static str {
        match self {
            PType::Param(p) => p.go_name(),
            PType::Reflect => "reflect.Value",
            PType::Untyped => "<nil>",
            PType::Writer => "io.Writer",
        }
    }

    fn can_be_nil(self) -> bool {
        matches!(
            self,
            PType::Reflect | PType::Writer | PType::Param(Param::Any | Param::List | Param::StringList | Param::Map)
        )
    }

    fn zero(self) -> Val {
        match self {
            PType::Param(Param::Any) | PType::Writer => Val::NilIface,
            PType::Param(Param::List) => Val::V(Value::List(List::new(Vec::new()))),
            PType::Param(Param::StringList) => Val::V(Value::List(List::typed(Vec::new(), GoType::String))),
            PType::Param(Param::Map) => Val::V(Value::Map(Map::new())),
            _ => Val::Missing,
        }
    }

    fn accepts(self, v: &Value) -> bool {
        match self {
            PType::Reflect | PType::Untyped | PType::Param(Param::Any) => true,
            PType::Param(Param::String) => v.is_string(),
            PType::Param(Param::Int) => matches!(v, Value::Int(_)),
            PType::Param(Param::Int64) => matches!(v, Value::Int64(_)),
            PType::Param(Param::Float64) => matches!(v, Value::Float(_)),
            PType::Param(Param::Bool) => matches!(v, Value::Bool(_)),
            PType::Param(Param::List) => matches!(v, Value::List(l) if l.elem() == GoType::Any),
            PType::Param(Param::StringList) => matches!(v, Value::List(l) if l.elem() == GoType::String),
            PType::Param(Param::Map) => matches!(v, Value::Map(m) if m.kind() != MapKind::Strings),
            PType::Writer => false,
        }
    }
}

/// A Go `complex128` constant (`2i`), which has no [`Value`] variant of its own.
pub(crate) struct Complex(pub f64, pub f64);

impl Object for Complex {
    fn type_name(&self) -> &str {
        "complex128"
    }

    fn kind_name(&self) -> &str {
        "complex128"
    }

    fn format_v(&self) -> String {
        let re = govalue::strconv::format_float(self.0, b'g', -1);
        let mut im = govalue::strconv::format_float(self.1, b'g', -1);
        if !im.starts_with('-') && !im.starts_with('+') {
            im.insert(0, '+');
        }
        format!("({re}{im}i)")
    }

    fn truthy(&self) -> bool {
        self.0 != 0.0 || self.1 != 0.0
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The templates visible to an execution: the chart's set, plus one layer per
/// enclosing `tpl` call holding the defines of its text.
pub(crate) struct Scope<'a> {
    pub defines: &'a NameMap<Rc<Template>>,
    pub parent: Option<&'a Scope<'a>>,
}

impl<'a> Scope<'a> {
    /// The innermost non-empty definition of `name` (an empty one only when no
    /// layer has a non-empty one), as Go's `AddParseTree` would have kept it.
    pub fn lookup(&self, name: &str) -> Option<Rc<Template>> {
        let mut first_empty = None;
        let mut layer = Some(self);
        while let Some(s) = layer {
            if let Some(t) = s.defines.get(name) {
                if !t.is_empty() {
                    return Some(t.clone());
                }
                first_empty.get_or_insert_with(|| t.clone());
            }
            layer = s.parent;
        }
        first_empty
    }
}

/// A parsed `tpl` text: its main template and its defines (the main one included).
pub(crate) struct TplTrees {
    pub main: Rc<Template>,
    pub defines: NameMap<Rc<Template>>,
}

/// The outcome of parsing a `tpl` text, cached by text.
pub(crate) type TplParse = Result<TplTrees, String>;

/// What one `Templates::execute` shares among all nested executions.
pub(crate) struct Ctx<'a> {
    pub funcs: &'a FuncMap,
    pub tpl_cache: &'a RefCell<NameMap<Rc<TplParse>>>,
    pub rng: &'a RefCell<crate::random::Source>,
    pub include_counts: RefCell<HashMap<String, usize>>,
    /// How many `tpl` calls are executing, one inside another.
    pub tpl_depth: Cell<usize>,
    /// The lowest stack address nested executions may reach.
    pub stack_floor: usize,
    /// Errors returned to functions through [`Host`], by message, so that a
    /// function that passes one on keeps its Go error chain.
    pub host_errors: RefCell<Vec<(String, GoError)>>,
    /// The provenance recorder, when tracing.
    pub tracer: Option<&'a Tracer>,
    /// Tracing: where the dot of the next [`Ctx::run`] came from.
    pub run_dot: RefCell<P>,
}

/// Whether `name` is a function the parser accepts.
pub(crate) fn has_function(funcs: &FuncMap, name: &str) -> bool {
    funcs.contains(name) || Builtin::by_name(name).is_some()
}

/// Parses a `tpl` text into its trees (Go's error text on failure).
pub(crate) fn parse_tpl(funcs: &FuncMap, text: &str, stack_floor: usize) -> TplParse {
    let trees = parse::parse(SET_NAME, text, &|name| has_function(funcs, name), stack_floor)?;
    let mut defines = NameMap::default();
    let mut main = None;
    for tree in trees {
        let tree = Rc::new(tree);
        if tree.name == SET_NAME {
            main = Some(tree.clone());
        }
        defines.insert(tree.name.clone(), tree);
    }
    match main {
        Some(main) => Ok(TplTrees { main, defines }),
        None => Err(format!("template: {SET_NAME}: missing main template")),
    }
}

impl<'a> Ctx<'a> {
    /// Executes `tmpl` with `data` as dot and `$`.
    pub fn run(&self, scope: &Scope<'_>, tmpl: &Template, data: &Value) -> Result<Vec<u8>, GoError> {
        let dot = if data.is_nil() { Val::Missing } else { Val::V(data.clone()) };
        let dot_p = self.tracer.and_then(|_| self.run_dot.borrow_mut().take());
        let mut state = State::new(self, scope, tmpl, dot.clone(), dot_p, 0);
        let mut out = Vec::new();
        if let Some(t) = self.tracer {
            t.begin_run();
        }
        let result = state.walk_list(&dot, &tmpl.root, &mut out);
        if let Some(t) = self.tracer {
            t.end_run();
        }
        match result {
            Ok(()) | Err(Stop::Break) | Err(Stop::Continue) => Ok(out),
            Err(Stop::Error(e)) => Err(e),
        }
    }

    /// Go's `ExecuteTemplate` on the set `scope` describes.
    pub fn execute_named(&self, scope: &Scope<'_>, name: &str, data: &Value) -> Result<Vec<u8>, GoError> {
        match scope.lookup(name) {
            Some(t) => self.run(scope, &t, data),
            None => Err(GoError::plain(format!(
                "template: no template {} associated with template {}",
                quote(name),
                quote(SET_NAME)
            ))),
        }
    }

    /// Whether the stack has grown past the budget (a runaway recursion that
    /// would otherwise overflow the thread's stack).
    fn stack_exhausted(&self) -> bool {
        crate::stack::current() < self.stack_floor
    }

    /// Helm's `include`.
    fn include(&self, scope: &Scope<'_>, name: &str, data: &Value) -> Result<Vec<u8>, GoError> {
        if self.stack_exhausted() {
            return Err(GoError::plain(format!(
                "rendering template has a nested reference name: {name}: unable to execute template"
            )));
        }
        {
            let mut counts = self.include_counts.borrow_mut();
            match counts.get_mut(name) {
                Some(n) => {
                    if *n > MAX_INCLUDE_NESTING {
                        return Err(GoError {
                            chain: vec![
                                format!(
                                    "rendering template has a nested reference name: {name}: unable to execute template"
                                )
                                .into(),
                                "unable to execute template".into(),
                            ],
                            is_exec: false,
                        });
                    }
                    *n += 1;
                }
                None => {
                    counts.insert(name.to_string(), 1);
                }
            }
        }
        // `include`'s own limit bounds a recursion through it, so `tpl` counts
        // only the calls nested since the last `include`.
        let tpl_depth = self.tpl_depth.replace(0);
        let result = self.execute_named(scope, name, data);
        self.tpl_depth.set(tpl_depth);
        if let Some(n) = self.include_counts.borrow_mut().get_mut(name) {
            *n = n.saturating_sub(1);
        }
        result
    }

    /// Helm's `tpl`.
    fn tpl(&self, scope: &Scope<'_>, text: &str, data: &Value) -> Result<Vec<u8>, GoError> {
        if self.tpl_depth.get() >= MAX_TPL_NESTING || self.stack_exhausted() {
            return Err(GoError::plain(format!(
                "tpl calls nested more than {MAX_TPL_NESTING} deep (a value or template calling tpl on itself?)"
            )));
        }
        self.tpl_depth.set(self.tpl_depth.get() + 1);
        let result = self.tpl_nested(scope, text, data);
        self.tpl_depth.set(self.tpl_depth.get().saturating_sub(1));
        result
    }

    /// `tpl` itself, once its nesting is checked.
    fn tpl_nested(&self, scope: &Scope<'_>, text: &str, data: &Value) -> Result<Vec<u8>, GoError> {
        let cached = self.tpl_cache.borrow().get(text).cloned();
        let parsed = match cached {
            Some(p) => p,
            None => {
                let p = Rc::new(parse_tpl(self.funcs, text, self.stack_floor));
                self.tpl_cache.borrow_mut().insert(text.to_string(), p.clone());
                p
            }
        };
        let trees = match parsed.as_ref() {
            Ok(t) => t,
            Err(message) => {
                return Err(GoError {
                    chain: vec![
                        format!("cannot parse template {}: {}", quote_source(text), message).into(),
                        message.as_str().into(),
                    ],
                    is_exec: false,
                })
            }
        };
        let layer = Scope { defines: &trees.defines, parent: Some(scope) };
        match self.run(&layer, &trees.main, data) {
            Ok(out) => {
                if let Some(t) = self.tracer {
                    let spans = trace::tpl_spans(&out, t.take_last_run(), text, t.top_tpl_input());
                    t.set_last_run(spans);
                }
                Ok(crate::strip_no_value(out))
            }
            Err(e) => {
                let mut chain: Vec<Rc<str>> =
                    vec![format!("error during tpl function execution for {}: {}", quote_source(text), e.message())
                        .into()];
                chain.extend(e.chain);
                Err(GoError { chain, is_exec: e.is_exec })
            }
        }
    }

    fn remember(&self, e: GoError) -> FuncError {
        let message = e.message().to_string();
        let mut errors = self.host_errors.borrow_mut();
        if errors.len() > 64 {
            errors.remove(0);
        }
        errors.push((message.clone(), e));
        FuncError::new(message)
    }

    fn recall(&self, message: &str) -> Option<GoError> {
        // Taken out, not copied: the chain of a deep recursion is large.
        let mut errors = self.host_errors.borrow_mut();
        let i = errors.iter().rposition(|(m, _)| m == message)?;
        Some(errors.remove(i).1)
    }

    fn next_random(&self) -> u64 {
        self.rng.borrow_mut().next_u64()
    }
}

/// Go's `%q` of the template source `text` (escaped, see `source`).
fn quote_source(text: &str) -> String {
    govalue::strconv::quote_bytes(&crate::source::unescape(text))
}

/// The fixed clock `--seed` gives: 2024-01-01T00:00:00Z.
const SEEDED_NOW_NANOS: i128 = 1_704_067_200_000_000_000;

/// The [`Host`] a function call sees.
struct CallHost<'a> {
    ctx: &'a Ctx<'a>,
    scope: &'a Scope<'a>,
}

impl Host for CallHost<'_> {
    fn include(&mut self, name: &str, data: &Value) -> Result<Vec<u8>, FuncError> {
        self.ctx.include(self.scope, name, data).map_err(|e| self.ctx.remember(e))
    }

    fn tpl(&mut self, text: &[u8], data: &Value) -> Result<Vec<u8>, FuncError> {
        let text = crate::source::escape(text);
        self.ctx.tpl(self.scope, &text, data).map_err(|e| self.ctx.remember(e))
    }

    fn random_u64(&mut self) -> u64 {
        self.ctx.next_random()
    }

    fn now_unix_nanos(&mut self) -> i128 {
        if self.ctx.rng.borrow().is_seeded() {
            return SEEDED_NOW_NANOS;
        }
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        }
    }
}

/// Why a walk stopped early.
pub(crate) enum Stop {
    Break,
    Continue,
    Error(GoError),
}

type Exec<T> = Result<T, Stop>;

/// The node errors are reported at (Go's `state.node`).
#[derive(Clone, Copy)]
enum At<'a> {
    None,
    Arg(&'a Arg),
    Cmd(&'a Command),
    Pipe(&'a Pipe),
    Template { pos: usize, name: &'a str, pipe: Option<&'a Pipe> },
}

impl At<'_> {
    fn pos(&self) -> Option<usize> {
        match self {
            At::None => None,
            At::Arg(a) => Some(a.pos()),
            At::Cmd(c) => Some(c.pos),
            At::Pipe(p) => Some(p.pos),
            At::Template { pos, .. } => Some(*pos),
        }
    }

    fn context(&self) -> String {
        match self {
            At::None => String::new(),
            At::Arg(a) => a.to_string(),
            At::Cmd(c) => c.to_string(),
            At::Pipe(p) => p.to_string(),
            At::Template { name, pipe, .. } => parse::template_node_string(name, *pipe),
        }
    }
}

/// What is being called.
#[derive(Clone)]
enum Callee<'a> {
    Builtin(Builtin),
    Func(&'a FuncSpec),
    Method(Rc<dyn Object>),
    Values(Map, ValuesMethod),
}

struct State<'a> {
    ctx: &'a Ctx<'a>,
    scope: &'a Scope<'a>,
    tmpl: &'a Template,
    /// Variables in scope, with where each value came from when tracing.
    vars: Vec<(&'a str, Val, P)>,
    depth: usize,
    node: At<'a>,
    /// Tracing: where the value last evaluated came from.
    p: P,
    /// Tracing: where dot came from.
    dot_p: P,
    /// Tracing: where the value piped into the next command came from.
    final_p: P,
    /// Tracing: the decisions the current output depends on.
    conds: Conds,
}

fn is_hex_int(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') && !s.contains(['p', 'P'])
}

/// The variables `nodes` assign (`$x = ...`), at any depth of `if`/`with`/`range`.
fn assigned_vars<'n>(nodes: &'n [Node], out: &mut Vec<&'n str>, depth: usize) {
    if depth > 100 {
        return;
    }
    for n in nodes {
        match n {
            Node::Action { pipe } if pipe.is_assign => {
                out.extend(pipe.decl.iter().filter_map(|v| v.ident.first().map(|s| &**s)));
            }
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                assigned_vars(&b.list, out, depth + 1);
                if let Some(e) = &b.else_list {
                    assigned_vars(e, out, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// The position of the node a call is reported at.
fn node_pos(node: &At<'_>) -> usize {
    node.pos().unwrap_or(0)
}

impl<'a> State<'a> {
    fn new(ctx: &'a Ctx<'a>, scope: &'a Scope<'a>, tmpl: &'a Template, dot: Val, dot_p: P, depth: usize) -> State<'a> {
        State {
            ctx,
            scope,
            tmpl,
            vars: vec![("$", dot, dot_p.clone())],
            depth,
            node: At::None,
            p: None,
            dot_p,
            final_p: None,
            conds: None,
        }
    }

    fn at(&mut self, node: At<'a>) {
        self.node = node;
    }

    fn error(&self, message: String) -> Stop {
        self.error_with_cause(message, None)
    }

    /// Go's `state.errorf`, wrapping `cause` when the format had a `%w`.
    fn error_with_cause(&self, message: String, cause: Option<GoError>) -> Stop {
        let name = &self.tmpl.name;
        let full = match self.node.pos() {
            None => format!("template: {name}: {message}"),
            Some(pos) => format!(
                "template: {}: executing {} at <{}>: {}",
                self.tmpl.location(pos),
                quote(name),
                self.node.context(),
                message
            ),
        };
        let full: Rc<str> = full.into();
        let mut chain = vec![full.clone(), full];
        if let Some(c) = cause {
            chain.extend(c.chain);
        }
        Stop::Error(GoError { chain, is_exec: true })
    }

    fn walk_list(&mut self, dot: &Val, nodes: &'a [Node], out: &mut Vec<u8>) -> Exec<()> {
        for node in nodes {
            self.walk(dot, node, out)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Val, node: &'a Node, out: &mut Vec<u8>) -> Exec<()> {
        if matches!(node, Node::If(_) | Node::With(_) | Node::Range(_)) && self.ctx.stack_exhausted() {
            return Err(self.error(format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})")));
        }
        match node {
            Node::Text { pos, text } => {
                if let Some(t) = self.ctx.tracer {
                    let p = Some(Rc::new(Prov::Literal(self.site(*pos))));
                    t.emit(out.len(), out.len() + text.as_bytes().len(), &p, &self.conds, self.site(*pos));
                }
                out.extend_from_slice(text.as_bytes())
            }
            Node::Action { pipe } => {
                let val = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    let start = out.len();
                    print_value(&val, out);
                    if let Some(t) = self.ctx.tracer {
                        t.emit(start, out.len(), &self.p, &self.conds, self.site(pipe.pos));
                    }
                }
            }
            Node::If(b) => self.walk_if_or_with(false, dot, b, out)?,
            Node::With(b) => self.walk_if_or_with(true, dot, b, out)?,
            Node::Range(b) => self.walk_range(dot, b, out)?,
            Node::Template { pos, name, pipe } => self.walk_template(dot, *pos, name, pipe.as_deref(), out)?,
            Node::Break => return Err(Stop::Break),
            Node::Continue => return Err(Stop::Continue),
        }
        Ok(())
    }

    fn walk_if_or_with(&mut self, is_with: bool, dot: &Val, b: &'a Branch, out: &mut Vec<u8>) -> Exec<()> {
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let truth = val.truth();
        let val_p = self.p.clone();
        let outer_conds = self.push_cond(if is_with { "with" } else { "if" }, &b.pipe, truth);
        let result = if truth {
            if is_with {
                let outer_dot = std::mem::replace(&mut self.dot_p, val_p.clone());
                let r = self.walk_list(&val, &b.list, out);
                self.dot_p = outer_dot;
                r
            } else {
                self.walk_list(dot, &b.list, out)
            }
        } else if let Some(else_list) = &b.else_list {
            self.walk_list(dot, else_list, out)
        } else {
            Ok(())
        };
        self.conds = outer_conds;
        self.vars.truncate(mark);
        if self.ctx.tracer.is_some() {
            self.vars_chosen_by(if is_with { "with" } else { "if" }, b, val_p, truth);
        }
        result
    }

    /// Tracing: the variables a branch of `b` assigns hold what they hold because
    /// of its test, so the test becomes part of their provenance.
    fn vars_chosen_by(&mut self, keyword: &str, b: &'a Branch, tested: P, truth: bool) {
        let Some(tested) = tested else { return };
        let mut names = Vec::new();
        assigned_vars(&b.list, &mut names, 0);
        if let Some(e) = &b.else_list {
            assigned_vars(e, &mut names, 0);
        }
        if names.is_empty() {
            return;
        }
        let op: Rc<str> = format!("{keyword} {}", b.pipe).into();
        let site = self.site(b.pipe.pos);
        for (n, _, p) in self.vars.iter_mut().rev() {
            if names.contains(n) {
                if let Some(chosen) = p.take() {
                    *p = Some(Rc::new(Prov::Choice {
                        op: op.clone(),
                        site: site.clone(),
                        chosen,
                        tested: vec![(tested.clone(), truth)],
                        overrode: Vec::new(),
                    }));
                }
            }
        }
    }

    /// Tracing: makes the test of `pipe` (its value's provenance in `self.p`) a
    /// condition of the output that follows; returns the conditions to restore.
    fn push_cond(&mut self, keyword: &'static str, pipe: &'a Pipe, truth: bool) -> Conds {
        let outer = self.conds.clone();
        if self.ctx.tracer.is_some() {
            let cond =
                Cond { keyword, site: self.site(pipe.pos), text: pipe.to_string().into(), truth, prov: self.p.clone() };
            self.conds = Some(Rc::new(trace::Link { item: Rc::new(cond), next: outer.clone() }));
        }
        outer
    }

    /// Tracing: the position `pos` of the template being executed.
    fn site(&self, pos: usize) -> Site {
        Site { file: self.tmpl.parse_name.clone(), text: self.tmpl.text.clone(), offset: pos }
    }

    fn walk_range(&mut self, dot: &Val, b: &'a Branch, out: &mut Vec<u8>) -> Exec<()> {
        let outer = self.vars.len();
        let result = self.walk_range_inner(dot, b, out);
        self.vars.truncate(outer);
        result
    }

    fn walk_range_inner(&mut self, dot: &Val, b: &'a Branch, out: &mut Vec<u8>) -> Exec<()> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let outer_conds = self.push_cond("range", &b.pipe, val.truth());
        let result = self.walk_range_items(dot, b, val, out);
        self.conds = outer_conds;
        result
    }

    fn walk_range_items(&mut self, dot: &Val, b: &'a Branch, val: Val, out: &mut Vec<u8>) -> Exec<()> {
        let mark = self.vars.len();
        let mut ran = false;
        let under = val.concrete().map(underlying);
        if let Some(v) = under.as_ref() {
            match v {
                Value::List(l) => {
                    let any = l.elem() == GoType::Any;
                    for (i, item) in l.items().iter().enumerate() {
                        ran = true;
                        let elem = if any { Val::elem(item) } else { Val::V(item.clone()) };
                        let p = self.ctx.tracer.and_then(|t| t.of_value(item, t.item(l, i)));
                        if let Some(t) = self.ctx.tracer {
                            t.note_read(&p);
                        }
                        if self.one_iteration(b, Value::Int(i as i64), (elem, p), mark, out)? {
                            break;
                        }
                    }
                }
                Value::Map(m) => {
                    let strings = m.kind() == MapKind::Strings;
                    let entries: Vec<(govalue::Str, Value)> =
                        m.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    for (k, item) in entries {
                        ran = true;
                        let p = self.ctx.tracer.and_then(|t| t.of_value(&item, t.slot(m, &k)));
                        if let Some(t) = self.ctx.tracer {
                            t.note_read(&p);
                        }
                        let elem = if strings { Val::V(item) } else { Val::elem(&item) };
                        if self.one_iteration(b, Value::from_map_key(&k), (elem, p), mark, out)? {
                            break;
                        }
                    }
                }
                Value::Bytes(bytes) => {
                    let bytes = bytes.clone();
                    for (i, byte) in bytes.iter().enumerate() {
                        ran = true;
                        let elem = (Val::V(Value::Uint8(*byte)), None);
                        if self.one_iteration(b, Value::Int(i as i64), elem, mark, out)? {
                            break;
                        }
                    }
                }
                Value::Int(n) | Value::Int64(n) => {
                    if b.pipe.decl.len() > 1 {
                        return Err(self
                            .error(format!("can't use {} to iterate over more than one variable", v.to_go_string())));
                    }
                    let is_int64 = matches!(v, Value::Int64(_));
                    for i in 0..*n {
                        ran = true;
                        let iv = if is_int64 { Value::Int64(i) } else { Value::Int(i) };
                        if self.one_iteration(b, iv.clone(), (Val::V(iv), None), mark, out)? {
                            break;
                        }
                    }
                }
                other => {
                    return Err(self.error(format!("range can't iterate over {}", other.to_go_string())));
                }
            }
        }
        if !ran {
            if let Some(else_list) = &b.else_list {
                return self.walk_list(dot, else_list, out);
            }
        }
        Ok(())
    }

    /// One range iteration; `Ok(true)` when `{{break}}` ended the loop.
    fn one_iteration(
        &mut self,
        b: &'a Branch,
        index: Value,
        (elem, elem_p): (Val, P),
        mark: usize,
        out: &mut Vec<u8>,
    ) -> Exec<bool> {
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0].ident[0], Val::V(index.clone()), None)?;
                } else {
                    self.set_var(&decl[0].ident[0], elem.clone(), elem_p.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone(), elem_p.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1].ident[0], elem.clone(), elem_p.clone())?;
            } else {
                self.set_top_var(2, Val::V(index), None);
            }
        }
        let outer_dot = std::mem::replace(&mut self.dot_p, elem_p);
        let result = self.walk_list(&elem, &b.list, out);
        self.dot_p = outer_dot;
        self.vars.truncate(mark);
        match result {
            Ok(()) | Err(Stop::Continue) => Ok(false),
            Err(Stop::Break) => Ok(true),
            Err(e) => Err(e),
        }
    }

    fn walk_template(
        &mut self,
        dot: &Val,
        pos: usize,
        name: &'a str,
        pipe: Option<&'a Pipe>,
        out: &mut Vec<u8>,
    ) -> Exec<()> {
        self.at(At::Template { pos, name, pipe });
        let Some(tmpl) = self.scope.lookup(name) else {
            return Err(self.error(format!("template {} not defined", quote(name))));
        };
        if self.depth >= MAX_EXEC_DEPTH || self.ctx.stack_exhausted() {
            return Err(self.error(format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})")));
        }
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Val::Missing,
        };
        let dot_p = self.p.take();
        let mut state = State::new(self.ctx, self.scope, &tmpl, new_dot.clone(), dot_p, self.depth + 1);
        state.conds = self.conds.clone();
        match state.walk_list(&new_dot, &tmpl.root, out) {
            Err(Stop::Error(e)) => Err(Stop::Error(e)),
            _ => Ok(()),
        }
    }

    fn set_var(&mut self, name: &str, value: Val, p: P) -> Exec<()> {
        for (n, v, vp) in self.vars.iter_mut().rev() {
            if *n == name {
                *v = value;
                *vp = p;
                return Ok(());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: Val, p: P) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = value;
            slot.2 = p;
        }
    }

    /// A variable's value; its provenance is left in `self.p`.
    fn var_value(&mut self, name: &str) -> Exec<Val> {
        for (n, v, p) in self.vars.iter().rev() {
            if *n == name {
                let v = v.clone();
                self.p = p.clone();
                return Ok(v);
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn eval_pipeline(&mut self, dot: &Val, pipe: &'a Pipe) -> Exec<Val> {
        self.at(At::Pipe(pipe));
        let mut value: Option<Val> = None;
        self.p = None;
        for cmd in &pipe.cmds {
            self.final_p = self.p.take();
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(v.unboxed());
        }
        let value = value.unwrap_or(Val::Missing);
        for var in &pipe.decl {
            let name: &'a str = var.ident.first().map(|s| &**s).unwrap_or("$");
            if pipe.is_assign {
                self.set_var(name, value.clone(), self.p.clone())?;
            } else {
                self.vars.push((name, value.clone(), self.p.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'a [Arg], final_: &Option<Val>) -> Exec<()> {
        if args.len() > 1 || final_.is_some() {
            let first = args.first().map(|a| a.to_string()).unwrap_or_default();
            return Err(self.error(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Val, cmd: &'a Command, final_: Option<Val>) -> Exec<Val> {
        let Some(first) = cmd.args.first() else {
            return Err(self.error("empty command".into()));
        };
        match first {
            Arg::Field { .. } => return self.eval_field_node(dot, first, Some(&cmd.args), final_),
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, Some(&cmd.args), final_),
            Arg::Identifier { name, .. } => {
                return self.eval_function(dot, first, name, At::Cmd(cmd), Some(&cmd.args), final_)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable(v) => return self.eval_variable_node(dot, first, v, Some(&cmd.args), final_),
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, &final_)?;
        self.p = self.constant_prov(first);
        match first {
            Arg::Bool { value, .. } => Ok(Val::V(Value::Bool(*value))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(self.error("nil is not a command".into())),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String { value, .. } => Ok(Val::V(value.clone())),
            _ => Err(self.error(format!("can't evaluate command {}", quote(&first.to_string())))),
        }
    }

    fn ideal_constant(&mut self, node: &'a Arg, n: &Number) -> Exec<Val> {
        self.at(At::Arg(node));
        if n.is_complex {
            return Ok(Val::V(Value::Object(Rc::new(Complex(n.complex.0, n.complex.1)))));
        }
        if n.is_float && !is_hex_int(&n.text) && !n.text.starts_with('\'') && n.text.contains(['.', 'e', 'E', 'p', 'P'])
        {
            return Ok(Val::V(Value::Float(n.float64)));
        }
        if n.is_int {
            return Ok(Val::V(Value::Int(n.int64)));
        }
        if n.is_uint {
            return Err(self.error(format!("{} overflows int", n.text)));
        }
        Ok(Val::Missing)
    }

    fn eval_field_node(&mut self, dot: &Val, node: &'a Arg, args: Option<&'a [Arg]>, final_: Option<Val>) -> Exec<Val> {
        self.at(At::Arg(node));
        let Arg::Field { ident, .. } = node else {
            return Ok(Val::Missing);
        };
        self.p = self.dot_p.clone();
        self.eval_field_chain(dot, dot.clone(), node, ident, args, final_)
    }

    fn eval_chain_node(&mut self, dot: &Val, node: &'a Arg, args: Option<&'a [Arg]>, final_: Option<Val>) -> Exec<Val> {
        self.at(At::Arg(node));
        let Arg::Chain { node: inner, field, .. } = node else {
            return Ok(Val::Missing);
        };
        if field.is_empty() {
            return Err(self.error("internal error: no fields in evalChainNode".into()));
        }
        if matches!(inner.as_ref(), Arg::Nil { .. }) {
            return Err(self.error(format!("indirection through explicit nil in {node}")));
        }
        let receiver = self.eval_arg(dot, PType::Untyped, inner)?;
        self.eval_field_chain(dot, receiver, node, field, args, final_)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Val,
        node: &'a Arg,
        var: &'a Variable,
        args: Option<&'a [Arg]>,
        final_: Option<Val>,
    ) -> Exec<Val> {
        self.at(At::Arg(node));
        let name = var.ident.first().map(|s| &**s).unwrap_or("$");
        let value = self.var_value(name)?;
        if var.ident.len() == 1 {
            if let Some(args) = args {
                self.not_a_function(args, &final_)?;
            } else if final_.is_some() {
                return Err(self.error(format!("can't give argument to non-function {node}")));
            }
            return Ok(value);
        }
        self.eval_field_chain(dot, value, node, &var.ident[1..], args, final_)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Val,
        mut receiver: Val,
        node: &'a Arg,
        ident: &'a [Rc<str>],
        args: Option<&'a [Arg]>,
        final_: Option<Val>,
    ) -> Exec<Val> {
        let Some((last, init)) = ident.split_last() else {
            return Ok(receiver);
        };
        for name in init {
            receiver = self.eval_field(dot, name, node, None, None, receiver)?;
        }
        self.eval_field(dot, last, node, args, final_, receiver)
    }

    fn eval_field(
        &mut self,
        dot: &Val,
        name: &'a str,
        node: &'a Arg,
        args: Option<&'a [Arg]>,
        final_: Option<Val>,
        receiver: Val,
    ) -> Exec<Val> {
        let (value, boxed) = match &receiver {
            Val::Missing => return Ok(Val::Missing),
            Val::NilIface => return Err(self.error(format!("nil pointer evaluating interface {{}}.{name}"))),
            Val::Boxed(v) => (v, true),
            Val::V(v) => (v, false),
        };
        let type_name = || if boxed { "interface {}".to_string() } else { value.type_name() };
        let has_args = args.is_some_and(|a| a.len() > 1) || final_.is_some();
        match value {
            Value::Object(o) => {
                if o.method(name).is_some() {
                    return self.eval_call(dot, Callee::Method(o.clone()), At::Arg(node), name, args, final_);
                }
                if let Some(field) = o.field(name) {
                    if has_args {
                        return Err(self.error(format!("{name} has arguments but cannot be invoked as function")));
                    }
                    if let Some(t) = self.ctx.tracer {
                        let p = trace::field_of(&self.p, name);
                        self.p = t.of_value(&field, p);
                    }
                    return Ok(Val::result(field));
                }
                if let Some(Value::Map(m)) = o.underlying() {
                    if has_args {
                        return Err(self.error(format!("{name} is not a method but has arguments")));
                    }
                    return Ok(match m.get(name) {
                        Some(v) => Val::result(v),
                        // The zero value of the map's element type: `[]byte` for
                        // Helm's `.Files`, else guessed from the entries.
                        None => match m.borrow().values().next() {
                            _ if o.type_name() == "engine.files" => Val::V(Value::Bytes(Rc::from(&[][..]))),
                            Some(Value::Bytes(_)) => Val::V(Value::Bytes(Rc::from(&[][..]))),
                            Some(Value::String(_)) => Val::V(Value::str("")),
                            _ => Val::NilIface,
                        },
                    });
                }
                Err(self.error(format!("can't evaluate field {name} in type {}", type_name())))
            }
            Value::Map(m) => {
                if m.kind() == MapKind::Values {
                    if let Some(method) = ValuesMethod::by_name(name) {
                        return self.eval_call(
                            dot,
                            Callee::Values(m.clone(), method),
                            At::Arg(node),
                            name,
                            args,
                            final_,
                        );
                    }
                }
                if has_args {
                    return Err(self.error(format!("{name} is not a method but has arguments")));
                }
                let strings = m.kind() == MapKind::Strings;
                if let Some(t) = self.ctx.tracer {
                    let slot = t.slot(m, name).or_else(|| trace::field_of(&self.p, name));
                    self.p = match m.get(name) {
                        Some(v) => t.of_value(&v, slot),
                        None => slot,
                    };
                    t.note_read(&self.p);
                }
                Ok(match m.get(name) {
                    Some(v) if strings => Val::V(v),
                    Some(v) => Val::elem(&v),
                    None if strings => Val::V(Value::str("")),
                    None => Val::NilIface,
                })
            }
            _ => Err(self.error(format!("can't evaluate field {name} in type {}", type_name()))),
        }
    }

    fn eval_function(
        &mut self,
        dot: &Val,
        node: &'a Arg,
        name: &'a str,
        call_at: At<'a>,
        args: Option<&'a [Arg]>,
        final_: Option<Val>,
    ) -> Exec<Val> {
        self.at(At::Arg(node));
        let callee = match self.ctx.funcs.get(name) {
            Some(spec) => Callee::Func(spec),
            None => match Builtin::by_name(name) {
                Some(b) => Callee::Builtin(b),
                None => return Err(self.error(format!("{} is not a defined function", quote(name)))),
            },
        };
        self.eval_call(dot, callee, call_at, name, args, final_)
    }

    fn eval_call(
        &mut self,
        dot: &Val,
        callee: Callee<'a>,
        node: At<'a>,
        name: &str,
        args: Option<&'a [Arg]>,
        final_: Option<Val>,
    ) -> Exec<Val> {
        let args: &'a [Arg] = match args {
            Some(a) if !a.is_empty() => &a[1..],
            _ => &[],
        };
        let (fixed, variadic): (Vec<PType>, Option<PType>) = match &callee {
            Callee::Builtin(b) => b.signature(),
            Callee::Func(spec) => {
                (spec.params.iter().map(|p| PType::Param(*p)).collect(), spec.variadic.map(PType::Param))
            }
            Callee::Method(o) => method_signature(o.as_ref(), name),
            Callee::Values(_, method) => (method.params(), None),
        };
        let num_in = args.len() + usize::from(final_.is_some());
        if variadic.is_some() {
            if num_in < fixed.len() {
                return Err(self.error(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    fixed.len(),
                    args.len()
                )));
            }
        } else if num_in != fixed.len() {
            return Err(self.error(format!("wrong number of args for {name}: want {} got {num_in}", fixed.len())));
        }

        let final_p = self.final_p.take();
        let tracing = self.ctx.tracer.is_some();
        if let Callee::Builtin(b @ (Builtin::And | Builtin::Or)) = callee {
            let want = b == Builtin::Or;
            let mut v = Val::Missing;
            let mut tested = Vec::new();
            for arg in args {
                v = self.eval_arg(dot, PType::Reflect, arg)?;
                if v.truth() == want {
                    self.p = trace::chosen(name, self.site(node_pos(&node)), self.p.take(), tested);
                    return Ok(v);
                }
                tested.extend(self.p.take().map(|p| (p, v.truth())));
            }
            if let Some(f) = final_ {
                v = self.validate_type(f, PType::Reflect)?;
                self.p = final_p;
            }
            let last = self.p.take();
            self.p = trace::chosen(name, self.site(node_pos(&node)), last, tested);
            return Ok(v);
        }

        let mut argv: Vec<Val> = Vec::with_capacity(num_in);
        let mut arg_ps: Vec<P> = Vec::new();
        let mut i = 0;
        while i < fixed.len() && i < args.len() {
            argv.push(self.eval_arg(dot, fixed[i], &args[i])?);
            if tracing {
                arg_ps.push(self.p.take());
            }
            i += 1;
        }
        if let Some(vt) = variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, vt, &args[i])?);
                if tracing {
                    arg_ps.push(self.p.take());
                }
                i += 1;
            }
        }
        // How `call` names its callee: the first argument's text, or for a piped
        // value Go's `reflect.Value.String()` (a string's text, else `<T Value>`).
        // Only `call` uses it.
        let callee_name = match (args.first(), &final_) {
            _ if !matches!(callee, Callee::Builtin(Builtin::Call)) => String::new(),
            (Some(a), _) => a.to_string(),
            (None, Some(f)) => match f.concrete() {
                Some(v) if v.is_string() => v.as_str().unwrap_or_default().to_string(),
                Some(v) => format!("<{} Value>", v.type_name()),
                None => "<invalid Value>".to_string(),
            },
            (None, None) => String::new(),
        };
        if let Some(f) = final_ {
            let t = match variadic {
                Some(vt) => {
                    if num_in - 1 < fixed.len() {
                        fixed[num_in - 1]
                    } else {
                        vt
                    }
                }
                None => fixed.last().copied().unwrap_or(PType::Param(Param::Any)),
            };
            argv.push(self.validate_type(f, t)?);
            arg_ps.push(final_p);
        }

        if let Some(tracer) = self.ctx.tracer {
            let values: Vec<Value> = argv.iter().map(Val::value).collect();
            let site = self.site(node_pos(&node));
            let before = trace::before_call(tracer, name, &values);
            if name == "tpl" {
                tracer.push_tpl_input(arg_ps.first().cloned().flatten());
            }
            if name == "tpl" || name == "include" {
                *self.ctx.run_dot.borrow_mut() = arg_ps.get(1).cloned().flatten();
            }
            let result = self.call(callee, node, name, &callee_name, argv);
            if name == "tpl" {
                tracer.pop_tpl_input();
            }
            let result = result?;
            let call = trace::Call { name, site, args: &values, provs: &arg_ps };
            self.p = trace::after_call(tracer, &call, &result.value(), before);
            return Ok(result);
        }
        self.call(callee, node, name, &callee_name, argv)
    }

    /// Calls `callee` with evaluated arguments.
    fn call(&mut self, callee: Callee<'a>, node: At<'a>, name: &str, callee_name: &str, argv: Vec<Val>) -> Exec<Val> {
        match callee {
            Callee::Builtin(b) => match builtins::call(b, &argv, callee_name) {
                Ok(v) => Ok(v),
                Err(message) => {
                    self.at(node);
                    Err(self
                        .error_with_cause(format!("error calling {name}: {message}"), Some(GoError::plain(message))))
                }
            },
            Callee::Func(spec) => {
                let values: Vec<Value> = argv.iter().map(Val::value).collect();
                let mut host = CallHost { ctx: self.ctx, scope: self.scope };
                match (spec.body)(&mut host, &values) {
                    Ok(v) => Ok(Val::result(copied(v))),
                    Err(e) => {
                        self.at(node);
                        let cause = self.ctx.recall(&e.message).unwrap_or_else(|| GoError::plain(e.message.clone()));
                        Err(self.error_with_cause(format!("error calling {name}: {}", e.message), Some(cause)))
                    }
                }
            }
            Callee::Values(map, method) => {
                let values: Vec<Value> = argv.iter().map(Val::value).collect();
                match method.call(&map, &values) {
                    Ok(v) => Ok(Val::V(v)),
                    Err(message) => {
                        self.at(node);
                        Err(self.error_with_cause(
                            format!("error calling {name}: {message}"),
                            Some(GoError::plain(message)),
                        ))
                    }
                }
            }
            Callee::Method(o) => {
                let values: Vec<Value> = argv.iter().map(Val::value).collect();
                match o.call_method(name, &values) {
                    None => Err(self.error(format!("can't evaluate field {name} in type {}", o.type_name()))),
                    Some(Ok(v)) => Ok(Val::result(v)),
                    Some(Err(message)) => {
                        self.at(node);
                        if let Some(rest) = message.strip_prefix("wrong number of args: ") {
                            return Err(self.error(format!("wrong number of args for {name}: {rest}")));
                        }
                        if message.starts_with("wrong number of args for ")
                            || message.starts_with("wrong type for value;")
                        {
                            return Err(self.error(message));
                        }
                        Err(self.error_with_cause(
                            format!("error calling {name}: {message}"),
                            Some(GoError::plain(message)),
                        ))
                    }
                }
            }
        }
    }

    fn validate_type(&self, value: Val, typ: PType) -> Exec<Val> {
        match value {
            Val::Missing => match typ {
                PType::Untyped | PType::Reflect => Ok(Val::Missing),
                t if t.can_be_nil() => Ok(t.zero()),
                t => Err(self.error(format!("invalid value; expected {}", t.go_name()))),
            },
            Val::NilIface => match typ {
                PType::Untyped | PType::Reflect | PType::Param(Param::Any) => Ok(Val::NilIface),
                t => Err(self.error(format!("wrong type for value; expected {}; got interface {{}}", t.go_name()))),
            },
            Val::Boxed(v) | Val::V(v) if matches!(typ, PType::Untyped | PType::Reflect | PType::Param(Param::Any)) => {
                Ok(Val::V(v))
            }
            Val::Boxed(v) | Val::V(v) => {
                if typ.accepts(&v) {
                    Ok(Val::V(v))
                } else {
                    Err(self.error(format!("wrong type for value; expected {}; got {}", typ.go_name(), v.type_name())))
                }
            }
        }
    }

    fn eval_arg(&mut self, dot: &Val, typ: PType, n: &'a Arg) -> Exec<Val> {
        self.at(At::Arg(n));
        self.p = self.constant_prov(n);
        let value = match n {
            Arg::Dot { .. } => return self.validate_type(dot.clone(), typ),
            Arg::Nil { .. } => {
                if typ.can_be_nil() {
                    return Ok(typ.zero());
                }
                return Err(self.error(format!("cannot assign nil to {}", typ.go_name())));
            }
            Arg::Field { .. } => self.eval_field_node(dot, n, Some(std::slice::from_ref(n)), None)?,
            Arg::Variable(v) => self.eval_variable_node(dot, n, v, None, None)?,
            Arg::Pipe(p) => self.eval_pipeline(dot, p)?,
            Arg::Identifier { name, .. } => self.eval_function(dot, n, name, At::Arg(n), None, None)?,
            Arg::Chain { .. } => self.eval_chain_node(dot, n, None, None)?,
            Arg::Bool { value, .. } => {
                return match typ {
                    PType::Param(Param::Bool) | PType::Param(Param::Any) | PType::Reflect | PType::Untyped => {
                        Ok(Val::V(Value::Bool(*value)))
                    }
                    _ => self.literal_mismatch(typ, n),
                }
            }
            Arg::String { value, .. } => {
                return match typ {
                    PType::Param(Param::String) | PType::Param(Param::Any) | PType::Reflect | PType::Untyped => {
                        Ok(Val::V(value.clone()))
                    }
                    _ => self.literal_mismatch(typ, n),
                }
            }
            Arg::Number(num) => {
                return match typ {
                    PType::Param(Param::Int) if num.is_int => Ok(Val::V(Value::Int(num.int64))),
                    PType::Param(Param::Int64) if num.is_int => Ok(Val::V(Value::Int64(num.int64))),
                    PType::Param(Param::Float64) if num.is_float => Ok(Val::V(Value::Float(num.float64))),
                    PType::Param(Param::Any) | PType::Reflect | PType::Untyped => self.ideal_constant(n, num),
                    _ => self.literal_mismatch(typ, n),
                }
            }
        };
        self.validate_type(value, typ)
    }

    /// Tracing: where a constant operand (or dot) comes from.
    fn constant_prov(&self, n: &Arg) -> P {
        self.ctx.tracer?;
        match n {
            Arg::Dot { .. } => self.dot_p.clone(),
            Arg::String { pos, .. } => Some(Rc::new(Prov::Literal(self.site(pos + 1)))),
            Arg::Number(num) => Some(Rc::new(Prov::Literal(self.site(num.pos)))),
            Arg::Bool { pos, .. } => Some(Rc::new(Prov::Literal(self.site(*pos)))),
            _ => None,
        }
    }

    fn literal_mismatch(&self, typ: PType, n: &Arg) -> Exec<Val> {
        let message = match typ {
            PType::Param(Param::Bool) => format!("expected bool; found {n}"),
            PType::Param(Param::String) => format!("expected string; found {n}"),
            PType::Param(Param::Int | Param::Int64) => format!("expected integer; found {n}"),
            PType::Param(Param::Float64) => format!("expected float; found {n}"),
            t => format!("can't handle {n} for arg of type {}", t.go_name()),
        };
        Err(self.error(message))
    }
}

/// The plain map or slice behind a named container type (`.Files`), or the value.
pub(crate) fn underlying(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.underlying().unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

/// The Go signature of an object's method, as the object declares it.
fn method_signature(o: &dyn Object, name: &str) -> (Vec<PType>, Option<PType>) {
    let params = o.method(name).map_or(&[][..], |m| m.0);
    (params.iter().map(|p| PType::Param(*p)).collect(), None)
}

/// A value as Go copies it out of a container or a function (see [`Object::copied`]).
fn copied(v: Value) -> Value {
    match &v {
        Value::Object(o) => o.copied().unwrap_or(v),
        _ => v,
    }
}

/// Go's `printValue` for an action's result.
fn print_value(val: &Val, out: &mut Vec<u8>) {
    match val {
        Val::Missing => out.extend_from_slice(b"<no value>"),
        Val::NilIface => out.extend_from_slice(b"<nil>"),
        // A value reached through fields is addressable: Go calls a `String`
        // method declared on its pointer.
        Val::V(Value::Object(o)) if o.template_text().is_some() => {
            out.extend_from_slice(o.template_text().unwrap_or_default().as_bytes())
        }
        Val::Boxed(v) | Val::V(v) => match v.go_bytes() {
            Some(bytes) => out.extend_from_slice(bytes),
            None => out.extend_from_slice(&crate::gofmt::format_verb(v, 'v')),
        },
    }
}
