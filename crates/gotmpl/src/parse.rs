//! The parser and the syntax tree: a port of Go's `text/template/parse` that keeps
//! its token look-ahead, variable scoping and error texts.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use crate::lex::{Item, ItemType, Lexer};
use crate::literal;

/// A byte offset into the template text.
pub(crate) type Pos = usize;

/// One parsed template: a file or a `define`/`block` body.
pub(crate) struct Template {
    /// The template's own name.
    pub name: String,
    /// The name of the file (or `tpl` text) it was parsed from, for error positions.
    pub parse_name: Rc<str>,
    /// The full text it was parsed from, for line/column computation.
    pub text: Rc<str>,
    /// The body.
    pub root: Vec<Node>,
}

impl Template {
    /// Go's `parse.IsEmptyTree`: only blank text (and comments).
    pub fn is_empty(&self) -> bool {
        self.root.iter().all(|n| matches!(n, Node::Text { text, .. } if text.is_blank()))
    }

    /// Go's `ErrorContext` location: `name:line:col` (col is the 0-based byte offset in the line).
    pub fn location(&self, pos: Pos) -> String {
        let before = self.text.get(..pos).unwrap_or(&self.text);
        let line = 1 + before.matches('\n').count();
        // Go counts bytes of the source: an escaped byte is one.
        let col = crate::source::source_len(before.rsplit('\n').next().unwrap_or(before));
        format!("{}:{}:{}", self.parse_name, line, col)
    }
}

/// The bytes of a text node (the source's exact bytes, UTF-8 or not): a range of
/// the template's text when it holds no escaped byte (no copy), else its own bytes.
pub(crate) enum TextBytes {
    /// `text[start..end]`.
    Shared { text: Rc<str>, start: usize, end: usize },
    /// Bytes unescaped from the source.
    Owned(Rc<[u8]>),
}

impl TextBytes {
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            TextBytes::Shared { text, start, end } => text.as_bytes().get(*start..*end).unwrap_or(&[]),
            TextBytes::Owned(b) => b,
        }
    }

    /// Go's `len(bytes.TrimSpace(text)) == 0`; stops at the first ASCII byte that
    /// is not space.
    fn is_blank(&self) -> bool {
        let b = self.as_bytes();
        match b.iter().position(|&b| !b.is_ascii() || !(b as char).is_whitespace()) {
            None => true,
            Some(i) if b[i].is_ascii() => false,
            Some(i) => String::from_utf8_lossy(&b[i..]).trim().is_empty(),
        }
    }
}

/// A node of a template body.
pub(crate) enum Node {
    Text { pos: Pos, text: TextBytes },
    Action { pipe: Pipe },
    If(Box<Branch>),
    Range(Box<Branch>),
    With(Box<Branch>),
    Template { pos: Pos, name: String, pipe: Option<Box<Pipe>> },
    Break,
    Continue,
}

/// The shared shape of `if`, `range` and `with`.
pub(crate) struct Branch {
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

/// A pipeline with optional variable declarations or assignments.
pub(crate) struct Pipe {
    pub pos: Pos,
    pub is_assign: bool,
    pub decl: Box<[Variable]>,
    pub cmds: Box<[Command]>,
}

/// `$x` or `$x.a.b`.
pub(crate) struct Variable {
    pub pos: Pos,
    pub ident: Vec<Rc<str>>,
}

/// One stage of a pipeline.
pub(crate) struct Command {
    pub pos: Pos,
    pub args: Box<[Arg]>,
}

/// An operand.
pub(crate) enum Arg {
    Field {
        pos: Pos,
        ident: Vec<Rc<str>>,
    },
    Chain {
        pos: Pos,
        node: Box<Arg>,
        field: Vec<Rc<str>>,
    },
    Identifier {
        pos: Pos,
        name: String,
    },
    Pipe(Box<Pipe>),
    Variable(Variable),
    Bool {
        pos: Pos,
        value: bool,
    },
    Dot {
        pos: Pos,
    },
    Nil {
        pos: Pos,
    },
    Number(Box<Number>),
    /// A string constant: its value (bytes kept, as in Go) and, when it is not
    /// simply the value in double quotes, its source text.
    String {
        pos: Pos,
        quoted: Option<Box<str>>,
        value: govalue::Value,
    },
}

/// A number constant with every Go type that can represent it.
pub(crate) struct Number {
    pub pos: Pos,
    pub text: String,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int64: i64,
    pub float64: f64,
    pub complex: (f64, f64),
}

impl Arg {
    pub fn pos(&self) -> Pos {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Bool { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::String { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
            Arg::Variable(v) => v.pos,
            Arg::Number(n) => n.pos,
        }
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { ident, .. } => {
                for id in ident {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Arg::Chain { node, field, .. } => {
                if let Arg::Pipe(p) = node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for id in field {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Pipe(p) => write!(f, "{p}"),
            Arg::Variable(v) => write!(f, "{v}"),
            Arg::Bool { value, .. } => f.write_str(if *value { "true" } else { "false" }),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { quoted: Some(q), .. } => f.write_str(q),
            Arg::String { value, .. } => write!(f, "\"{}\"", value.as_str().unwrap_or_default()),
        }
    }
}

impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, id) in self.ident.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(id)?;
        }
        Ok(())
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if let Arg::Pipe(p) = arg {
                write!(f, "({p})")?;
            } else {
                write!(f, "{arg}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{v}")?;
            }
            f.write_str(" := ")?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// Go's `TemplateNode.String()`.
pub(crate) fn template_node_string(name: &str, pipe: Option<&Pipe>) -> String {
    match pipe {
        Some(p) => format!("{{{{template {} {}}}}}", govalue::strconv::quote(name), p),
        None => format!("{{{{template {}}}}}", govalue::strconv::quote(name)),
    }
}

/// What `textOrAction` produced: a node, or an `{{end}}`/`{{else}}` marker.
enum Parsed {
    Node(Node),
    End,
    Else,
}

impl Parsed {
    fn describe(&self) -> &'static str {
        match self {
            Parsed::End => "{{end}}",
            Parsed::Else => "{{else}}",
            Parsed::Node(_) => "node",
        }
    }
}

type PResult<T> = Result<T, String>;

const MAX_STACK_DEPTH: usize = 10_000;
const MAX_PIPELINE_CMDS: usize = 100_000;

/// The templates one parse produced, in the order they were completed.
pub(crate) type TreeSet = Vec<Template>;

struct Parser<'a> {
    lex: Lexer<'a>,
    token: [Item<'a>; 3],
    peek_count: usize,
    vars: Vec<String>,
    parse_name: Rc<str>,
    text: Rc<str>,
    action_line: usize,
    range_depth: usize,
    stack_depth: usize,
    has_function: &'a dyn Fn(&str) -> bool,
    stack_floor: usize,
    tree_set: TreeSet,
    tree_index: HashMap<String, usize>,
    /// Emptied lists reused while building commands and pipelines, so that each
    /// finished list is allocated once at its exact length.
    arg_pool: Vec<Vec<Arg>>,
    cmd_pool: Vec<Vec<Command>>,
    node_pool: Vec<Vec<Node>>,
    names: HashMap<&'a str, Rc<str>>,
}

/// Parses `text` as template `name`; returns the main template and its defines,
/// or Go's error text (`template: name:line: message`). Nesting that would take
/// the stack below `stack_floor` fails as too deep.
pub(crate) fn parse(
    name: &str,
    text: &str,
    has_function: &dyn Fn(&str) -> bool,
    stack_floor: usize,
) -> PResult<TreeSet> {
    let empty = Item { typ: ItemType::Eof, pos: 0, val: std::borrow::Cow::Borrowed(""), line: 0 };
    let mut lex = Lexer::new(text);
    lex.break_ok = !has_function("break");
    lex.continue_ok = !has_function("continue");
    let mut p = Parser {
        lex,
        token: [empty.clone(), empty.clone(), empty],
        peek_count: 0,
        vars: vec!["$".into()],
        parse_name: Rc::from(name),
        text: Rc::from(text),
        action_line: 0,
        range_depth: 0,
        stack_depth: 0,
        has_function,
        stack_floor,
        tree_set: Vec::new(),
        tree_index: HashMap::new(),
        arg_pool: Vec::new(),
        cmd_pool: Vec::new(),
        node_pool: Vec::new(),
        names: HashMap::new(),
    };
    let root = p.parse_top()?;
    p.add(name.to_string(), root)?;
    Ok(p.tree_set)
}

impl<'a> Parser<'a> {
    fn next(&mut self) -> Item<'a> {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_item();
        }
        self.token[self.peek_count].clone()
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'a>) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'a> {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1].clone();
        }
        self.peek_count = 1;
        self.token[0] = self.lex.next_item();
        self.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn errorf<T>(&self, message: impl fmt::Display) -> PResult<T> {
        Err(format!("template: {}:{}: {}", self.parse_name, self.token[0].line, message))
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item<'a>> {
        let token = self.next_non_space();
        if token.typ != expected {
            return self.unexpected(&token, context);
        }
        Ok(token)
    }

    fn unexpected<T>(&self, token: &Item<'_>, context: &str) -> PResult<T> {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(" in action started at {}:{}", self.parse_name, self.action_line);
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{}", token.describe(), extra));
        }
        self.errorf(format!("unexpected {} in {}", token.describe(), context))
    }

    /// Go's `Tree.add`: a non-empty definition may not replace another non-empty one.
    fn add(&mut self, name: String, root: Vec<Node>) -> PResult<()> {
        let tree = Template { name: name.clone(), parse_name: self.parse_name.clone(), text: self.text.clone(), root };
        match self.tree_index.get(&name) {
            None => {
                self.tree_index.insert(name, self.tree_set.len());
                self.tree_set.push(tree);
            }
            Some(&i) => {
                if self.tree_set[i].is_empty() {
                    self.tree_set[i] = tree;
                } else if !tree.is_empty() {
                    return self.errorf(format!(
                        "template: multiple definition of template {}",
                        govalue::strconv::quote(&name)
                    ));
                }
            }
        }
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.push(n),
                other => return self.errorf(format!("unexpected {}", other.describe())),
            }
        }
        Ok(root)
    }

    /// Runs `body` with a fresh variable scope and range depth, as Go's
    /// `startParse` does for a new tree.
    fn in_new_tree<T>(&mut self, body: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let depth = std::mem::replace(&mut self.range_depth, 0);
        let result = body(self);
        self.vars = vars;
        self.range_depth = depth;
        result
    }

    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        self.in_new_tree(|p| {
            let token = p.next_non_space();
            if token.typ != ItemType::String && token.typ != ItemType::RawString {
                return p.unexpected(&token, CONTEXT);
            }
            let name = match literal::unquote(&token.val) {
                Ok(n) => n,
                Err(e) => return p.errorf(e),
            };
            p.expect(ItemType::RightDelim, CONTEXT)?;
            let (list, end) = p.item_list()?;
            if !matches!(end, Parsed::End) {
                return p.errorf(format!("unexpected {} in {}", end.describe(), CONTEXT));
            }
            p.add(name, list)
        })
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, Parsed)> {
        let mut list = self.node_pool.pop().unwrap_or_default();
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.push(n),
                other => {
                    // A list of exactly its length (lists nest: the pool is a stack).
                    let exact: Vec<Node> = list.drain(..).collect::<Box<[Node]>>().into();
                    self.node_pool.push(list);
                    return Ok((exact, other));
                }
            }
        }
        self.errorf("unexpected EOF")
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => {
                let text = match crate::source::unescape(&token.val) {
                    std::borrow::Cow::Borrowed(_) => TextBytes::Shared {
                        text: self.text.clone(),
                        start: token.pos,
                        end: token.pos + token.val.len(),
                    },
                    std::borrow::Cow::Owned(bytes) => TextBytes::Owned(Rc::from(bytes)),
                };
                Ok(Parsed::Node(Node::Text { pos: token.pos, text }))
            }
            ItemType::LeftDelim => {
                self.action_line = token.line;
                let result = self.action();
                self.action_line = 0;
                result
            }
            _ => self.unexpected(&token, "input"),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control().map(Parsed::Node),
            ItemType::Break => return self.break_control("{{break}}").map(|_| Parsed::Node(Node::Break)),
            ItemType::Continue => return self.break_control("{{continue}}").map(|_| Parsed::Node(Node::Continue)),
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemType::If => return self.parse_control("if").map(|b| Parsed::Node(Node::If(Box::new(b)))),
            ItemType::Range => return self.parse_control("range").map(|b| Parsed::Node(Node::Range(Box::new(b)))),
            ItemType::Template => return self.template_control().map(Parsed::Node),
            ItemType::With => return self.parse_control("with").map(|b| Parsed::Node(Node::With(Box::new(b)))),
            _ => {}
        }
        self.backup();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action { pipe }))
    }

    fn break_control(&mut self, keyword: &str) -> PResult<()> {
        let token = self.next_non_space();
        if token.typ != ItemType::RightDelim {
            return self.unexpected(&token, keyword);
        }
        if self.range_depth == 0 {
            return self.errorf(format!("{keyword} outside {{{{range}}}}"));
        }
        Ok(())
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed::Else);
        }
        self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed::Else)
    }

    fn parse_control(&mut self, context: &str) -> PResult<Branch> {
        let mark = self.vars.len();
        let result = self.parse_control_inner(context);
        self.vars.truncate(mark);
        result
    }

    fn parse_control_inner(&mut self, context: &str) -> PResult<Branch> {
        if crate::stack::current() < self.stack_floor {
            return self.errorf("max expression depth exceeded");
        }
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = listed?;
        let mut else_list = None;
        match next {
            Parsed::End => {}
            Parsed::Else => {
                if context == "if" && self.peek().typ == ItemType::If {
                    self.next();
                    else_list = Some(vec![Node::If(Box::new(self.parse_control("if")?))]);
                } else if context == "with" && self.peek().typ == ItemType::With {
                    self.next();
                    else_list = Some(vec![Node::With(Box::new(self.parse_control("with")?))]);
                } else {
                    let (list, next) = self.item_list()?;
                    if !matches!(next, Parsed::End) {
                        return self.errorf(format!("expected end; found {}", next.describe()));
                    }
                    else_list = Some(list);
                }
            }
            Parsed::Node(_) => {}
        }
        Ok(Branch { pipe, list, else_list })
    }

    fn parse_template_name(&mut self, token: &Item<'_>, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => match literal::unquote(&token.val) {
                Ok(s) => Ok(s),
                Err(e) => self.errorf(e),
            },
            _ => self.unexpected(token, context),
        }
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        let block_name = name.clone();
        self.in_new_tree(|p| {
            let (list, end) = p.item_list()?;
            if !matches!(end, Parsed::End) {
                return p.errorf(format!("unexpected {} in {}", end.describe(), CONTEXT));
            }
            p.add(block_name, list)
        })?;
        Ok(Node::Template { pos: token.pos, name, pipe: Some(Box::new(pipe)) })
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(Box::new(self.pipeline(CONTEXT, ItemType::RightDelim)?));
        }
        Ok(Node::Template { pos: token.pos, name, pipe })
    }

    fn new_variable(&mut self, pos: Pos, text: &'a str) -> Variable {
        Variable { pos, ident: text.split('.').map(|s| self.name(s)).collect() }
    }

    /// `s` as a shared name: each distinct field or variable name of a template is
    /// allocated once.
    fn name(&mut self, s: &'a str) -> Rc<str> {
        self.names.entry(s).or_insert_with(|| Rc::from(s)).clone()
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let token = self.peek_non_space();
        let pos = token.pos;
        let mut is_assign = false;
        let mut decl: Vec<Variable> = Vec::new();
        let mut cmds: Vec<Command> = self.cmd_pool.pop().unwrap_or_default();
        loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let token_after_variable = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                decl.push(self.new_variable(v.pos, text_of(&v)));
                self.vars.push(v.val.to_string());
            } else if next.typ == ItemType::Char && next.val == "," {
                self.next_non_space();
                decl.push(self.new_variable(v.pos, text_of(&v)));
                self.vars.push(v.val.to_string());
                if context == "range" && decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => continue,
                        _ => return self.errorf("range can only initialize variables"),
                    }
                }
                return self.errorf(format!("too many declarations in {context}"));
            } else if token_after_variable.typ == ItemType::Space {
                self.backup3(v, token_after_variable);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&cmds, context)?;
                    let exact: Box<[Command]> = cmds.drain(..).collect();
                    self.cmd_pool.push(cmds);
                    return Ok(Pipe { pos, is_assign, decl: decl.into(), cmds: exact });
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    cmds.push(cmd);
                    if cmds.len() > MAX_PIPELINE_CMDS {
                        return self.errorf("pipeline too long");
                    }
                }
                _ => return self.unexpected(&token, context),
            }
        }
    }

    fn check_pipeline(&self, cmds: &[Command], context: &str) -> PResult<()> {
        if cmds.is_empty() {
            return self.errorf(format!("missing value for {context}"));
        }
        for (i, c) in cmds.iter().enumerate().skip(1) {
            if let Some(Arg::Bool { .. } | Arg::Dot { .. } | Arg::Nil { .. } | Arg::Number(_) | Arg::String { .. }) =
                c.args.first()
            {
                return self.errorf(format!("non executable command in pipeline stage {}", i + 1));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut args = self.arg_pool.pop().unwrap_or_default();
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                args.push(operand);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return self.unexpected(&token, "operand"),
            }
            break;
        }
        if args.is_empty() {
            return self.errorf("empty command");
        }
        let exact: Box<[Arg]> = args.drain(..).collect();
        self.arg_pool.push(args);
        Ok(Command { pos, args: exact })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            fields.push(self.name(text_of(&f).get(1..).unwrap_or("")));
        }
        Ok(Some(match node {
            Arg::Field { mut ident, .. } => {
                ident.extend(fields);
                Arg::Field { pos: chain_pos, ident }
            }
            Arg::Variable(mut v) => {
                v.ident.extend(fields);
                Arg::Variable(Variable { pos: chain_pos, ident: v.ident })
            }
            Arg::Bool { .. } | Arg::String { .. } | Arg::Number(_) | Arg::Nil { .. } | Arg::Dot { .. } => {
                let shown = node.to_string();
                return self.errorf(format!("unexpected . after term {}", govalue::strconv::quote(&shown)));
            }
            other => Arg::Chain { pos: chain_pos, node: Box::new(other), field: fields },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                if !(self.has_function)(&token.val) {
                    return self.errorf(format!("function {} not defined", govalue::strconv::quote(&token.val)));
                }
                Arg::Identifier { pos: token.pos, name: token.val.into_owned() }
            }
            ItemType::Dot => Arg::Dot { pos: token.pos },
            ItemType::Nil => Arg::Nil { pos: token.pos },
            ItemType::Variable => {
                let v = self.new_variable(token.pos, text_of(&token));
                let first: &str = v.ident.first().map_or("", |s| s);
                if !self.vars.iter().any(|var| var == first) {
                    return self.errorf(format!("undefined variable {}", govalue::strconv::quote(first)));
                }
                Arg::Variable(v)
            }
            ItemType::Field => Arg::Field {
                pos: token.pos,
                ident: text_of(&token).get(1..).unwrap_or("").split('.').map(|s| self.name(s)).collect(),
            },
            ItemType::Bool => Arg::Bool { pos: token.pos, value: token.val == "true" },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                match new_number(token.pos, &token.val, token.typ) {
                    Ok(n) => Arg::Number(Box::new(n)),
                    Err(e) => return self.errorf(e),
                }
            }
            ItemType::LeftParen => {
                if self.stack_depth >= MAX_STACK_DEPTH || crate::stack::current() < self.stack_floor {
                    return self.errorf("max expression depth exceeded");
                }
                self.stack_depth += 1;
                let pipe = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.stack_depth -= 1;
                Arg::Pipe(Box::new(pipe?))
            }
            ItemType::String | ItemType::RawString => match literal::unquote_bytes(&token.val) {
                Ok(s) => {
                    let plain = token.val.len() == s.len() + 2
                        && token.val.starts_with('"')
                        && token.val.as_bytes().get(1..token.val.len() - 1) == Some(&s[..]);
                    Arg::String {
                        pos: token.pos,
                        quoted: (!plain).then(|| crate::source::unescape_lossy(&token.val).into()),
                        value: govalue::Value::from_go_bytes(s),
                    }
                }
                Err(e) => return self.errorf(e),
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// The source text of a token (an error token, which owns its message, has none).
fn text_of<'a>(token: &Item<'a>) -> &'a str {
    match token.val {
        std::borrow::Cow::Borrowed(s) => s,
        std::borrow::Cow::Owned(_) => "",
    }
}

/// Go's `newNumber`: every interpretation of a number literal.
fn new_number(pos: Pos, text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        pos,
        text: text.to_string(),
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int64: 0,
        float64: 0.0,
        complex: (0.0, 0.0),
    };
    match typ {
        ItemType::CharConstant => {
            let inner = text.get(1..).unwrap_or("");
            let (value, _, tail) = literal::unquote_char(inner, '\'').map_err(str::to_string)?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int64 = value as i64;
            n.is_int = true;
            n.is_uint = true;
            n.float64 = value as f64;
            n.is_float = true;
            return Ok(n);
        }
        ItemType::Complex => {
            let split = text
                .char_indices()
                .skip(1)
                .filter(|(i, c)| {
                    (*c == '+' || *c == '-') && !matches!(text.as_bytes().get(i - 1), Some(b'e' | b'E' | b'p' | b'P'))
                })
                .map(|(i, _)| i)
                .last();
            let parsed = split.and_then(|i| {
                let re = literal::parse_float(&text[..i])?;
                let im = literal::parse_float(text[i..].strip_suffix('i')?)?;
                Some((re, im))
            });
            let Some(c) = parsed else {
                return Err("expected integer".to_string());
            };
            n.is_complex = true;
            n.complex = c;
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(body) = text.strip_suffix('i') {
        if let Some(f) = literal::parse_float(body) {
            n.is_complex = true;
            n.complex = (0.0, f);
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    let unsigned = literal::parse_uint(text);
    if unsigned.is_some() {
        n.is_uint = true;
    }
    if let Some(i) = literal::parse_int(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true;
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if let Some(u) = unsigned {
        n.is_float = true;
        n.float64 = u as f64;
    } else if let Some(f) = literal::parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", govalue::strconv::quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if !n.is_int && (f as i64) as f64 == f {
            n.is_int = true;
            n.int64 = f as i64;
        }
        if !n.is_uint && (f as u64) as f64 == f {
            n.is_uint = true;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", govalue::strconv::quote(text)));
    }
    Ok(n)
}

fn simplify_complex(n: &mut Number) {
    n.is_float = n.complex.1 == 0.0;
    if n.is_float {
        n.float64 = n.complex.0;
        n.is_int = (n.float64 as i64) as f64 == n.float64;
        if n.is_int {
            n.int64 = n.float64 as i64;
        }
        n.is_uint = (n.float64 as u64) as f64 == n.float64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse("t", text, &|name| name == "printf" || name == "len", 0) {
            Ok(_) => "ok".into(),
            Err(e) => e,
        }
    }

    #[test]
    fn parse_errors_match_go() {
        assert_eq!(err("{{ }}"), "template: t:1: missing value for command");
        assert_eq!(err("{{ /* c */ }}"), "template: t:1: unexpected \"/\" in command");
        assert_eq!(err("{{ nosuch 1 }}"), "template: t:1: function \"nosuch\" not defined");
        assert_eq!(err("{{ if true }}a{{ else }}b{{ else }}c{{ end }}"), "template: t:1: expected end; found {{else}}");
        assert_eq!(err("{{ $a, $b := 1 }}"), "template: t:1: too many declarations in command");
        assert_eq!(err("{{ range $a, $b, $c := 1 }}{{end}}"), "template: t:1: too many declarations in range");
        assert_eq!(err("{{ nil.x }}"), "template: t:1: unexpected . after term \"nil\"");
        assert_eq!(err("{{ 09 }}"), "template: t:1: integer overflow: \"09\"");
        assert_eq!(err("a\nb {{ .x\nc }}"), "template: t:3: function \"c\" not defined");
        assert_eq!(err("{{ \"a\" | }}"), "ok");
        assert_eq!(err("{{ break }}"), "template: t:1: {{break}} outside {{range}}");
        assert_eq!(
            err("{{define \"d\"}}1{{end}}{{define \"d\"}}2{{end}}"),
            "template: t:1: template: multiple definition of template \"d\""
        );
    }

    #[test]
    fn field_chains_take_the_position_of_the_last_segment() {
        let set = parse("t", "{{ .Values.a }}", &|_| false, 0).unwrap_or_default();
        let Some(Node::Action { pipe }) = set.first().and_then(|t| t.root.first()) else {
            panic!("no action");
        };
        assert_eq!(pipe.cmds[0].args[0].pos(), 10);
        assert_eq!(pipe.cmds[0].args[0].to_string(), ".Values.a");
    }
}
