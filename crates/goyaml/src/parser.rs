//! The YAML parser (tokens to events, libyaml's state machine) and the composer
//! (events to a node graph with anchors and aliases), as go-yaml v2 does them.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::scanner::{ErrorKind, Mark, RawError, Scanner, Style, Tok, TK};

/// Parser events.
#[derive(Clone, Debug)]
enum Ev<'a> {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(&'a str),
    Scalar { anchor: Option<&'a str>, tag: String, value: Cow<'a, str>, implicit: bool },
    SequenceStart { anchor: Option<&'a str> },
    SequenceEnd,
    MappingStart { anchor: Option<&'a str> },
    MappingEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

type PResult<T> = Result<T, RawError>;

/// The event parser.
struct EventParser<'a> {
    scanner: Scanner<'a>,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(String, String)>,
}

fn perr(problem: &str, problem_mark: Mark, context_mark: Mark) -> RawError {
    RawError { kind: ErrorKind::Parser, problem: problem.to_string(), problem_mark, context_mark }
}

impl<'a> EventParser<'a> {
    fn new(text: &'a str) -> EventParser<'a> {
        EventParser {
            scanner: Scanner::new(text),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
        }
    }

    fn peek(&mut self) -> PResult<(TK, Mark, Mark)> {
        self.scanner.peek()
    }

    /// Consumes the peeked token, handing over its text.
    fn take(&mut self) -> Option<Tok<'a>> {
        self.scanner.take_token().map(|t| t.kind)
    }

    fn skip(&mut self) {
        self.scanner.skip_token();
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    fn pop_mark(&mut self) -> Mark {
        self.marks.pop().unwrap_or_default()
    }

    fn next(&mut self) -> PResult<(Ev<'a>, Mark)> {
        match self.state {
            State::StreamStart => {
                let (t, s, _) = self.peek()?;
                if t != TK::StreamStart {
                    return Err(perr("did not find expected <stream-start>", s, Mark::default()));
                }
                self.state = State::ImplicitDocumentStart;
                self.skip();
                Ok((Ev::StreamStart, s))
            }
            State::ImplicitDocumentStart => self.document_start(true),
            State::DocumentStart => self.document_start(false),
            State::DocumentContent => {
                let (t, s, _) = self.peek()?;
                if matches!(
                    t,
                    TK::VersionDirective | TK::TagDirective | TK::DocumentStart | TK::DocumentEnd | TK::StreamEnd
                ) {
                    self.pop_state();
                    return Ok(empty_scalar(s));
                }
                self.node(true, false)
            }
            State::DocumentEnd => {
                let (t, s, _) = self.peek()?;
                if t == TK::DocumentEnd {
                    self.skip();
                }
                self.tag_directives.clear();
                self.state = State::DocumentStart;
                Ok((Ev::DocumentEnd, s))
            }
            State::BlockNode => self.node(true, false),
            State::BlockSequenceFirstEntry => self.block_sequence_entry(true),
            State::BlockSequenceEntry => self.block_sequence_entry(false),
            State::IndentlessSequenceEntry => {
                let (t, s, e) = self.peek()?;
                if t == TK::BlockEntry {
                    self.skip();
                    let (t, _, _) = self.peek()?;
                    if !matches!(t, TK::BlockEntry | TK::Key | TK::Value | TK::BlockEnd) {
                        self.states.push(State::IndentlessSequenceEntry);
                        return self.node(true, false);
                    }
                    self.state = State::IndentlessSequenceEntry;
                    return Ok(empty_scalar(e));
                }
                self.pop_state();
                Ok((Ev::SequenceEnd, s))
            }
            State::BlockMappingFirstKey => self.block_mapping_key(true),
            State::BlockMappingKey => self.block_mapping_key(false),
            State::BlockMappingValue => {
                let (t, s, e) = self.peek()?;
                if t == TK::Value {
                    self.skip();
                    let (t, _, _) = self.peek()?;
                    if !matches!(t, TK::Key | TK::Value | TK::BlockEnd) {
                        self.states.push(State::BlockMappingKey);
                        return self.node(true, true);
                    }
                    self.state = State::BlockMappingKey;
                    return Ok(empty_scalar(e));
                }
                self.state = State::BlockMappingKey;
                Ok(empty_scalar(s))
            }
            State::FlowSequenceFirstEntry => self.flow_sequence_entry(true),
            State::FlowSequenceEntry => self.flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => {
                let (t, _, e) = self.peek()?;
                if !matches!(t, TK::Value | TK::FlowEntry | TK::FlowSequenceEnd) {
                    self.states.push(State::FlowSequenceEntryMappingValue);
                    return self.node(false, false);
                }
                self.skip();
                self.state = State::FlowSequenceEntryMappingValue;
                Ok(empty_scalar(e))
            }
            State::FlowSequenceEntryMappingValue => {
                let (t, s, _) = self.peek()?;
                if t == TK::Value {
                    self.skip();
                    let (t, s2, _) = self.peek()?;
                    if !matches!(t, TK::FlowEntry | TK::FlowSequenceEnd) {
                        self.states.push(State::FlowSequenceEntryMappingEnd);
                        return self.node(false, false);
                    }
                    self.state = State::FlowSequenceEntryMappingEnd;
                    return Ok(empty_scalar(s2));
                }
                self.state = State::FlowSequenceEntryMappingEnd;
                Ok(empty_scalar(s))
            }
            State::FlowSequenceEntryMappingEnd => {
                let (_, s, _) = self.peek()?;
                self.state = State::FlowSequenceEntry;
                Ok((Ev::MappingEnd, s))
            }
            State::FlowMappingFirstKey => self.flow_mapping_key(true),
            State::FlowMappingKey => self.flow_mapping_key(false),
            State::FlowMappingValue => self.flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.flow_mapping_value(true),
            State::End => Ok((Ev::StreamEnd, Mark::default())),
        }
    }

    fn document_start(&mut self, implicit: bool) -> PResult<(Ev<'a>, Mark)> {
        let (mut t, mut s, _) = self.peek()?;
        if !implicit {
            while t == TK::DocumentEnd {
                self.skip();
                (t, s, _) = self.peek()?;
            }
        }
        if implicit && !matches!(t, TK::VersionDirective | TK::TagDirective | TK::DocumentStart | TK::StreamEnd) {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            Ok((Ev::DocumentStart, s))
        } else if t != TK::StreamEnd {
            let start = s;
            self.process_directives()?;
            let (t, s, _) = self.peek()?;
            if t != TK::DocumentStart {
                return Err(perr("did not find expected <document start>", s, Mark::default()));
            }
            self.states.push(State::DocumentEnd);
            self.state = State::DocumentContent;
            self.skip();
            Ok((Ev::DocumentStart, start))
        } else {
            self.state = State::End;
            self.skip();
            Ok((Ev::StreamEnd, s))
        }
    }

    fn process_directives(&mut self) -> PResult<()> {
        let mut seen_version = false;
        let mut local: Vec<String> = Vec::new();
        loop {
            let (t, s, _) = self.peek()?;
            if !matches!(t, TK::VersionDirective | TK::TagDirective) {
                break;
            }
            match self.take() {
                Some(Tok::VersionDirective(major, minor)) => {
                    if seen_version {
                        return Err(perr("found duplicate %YAML directive", s, Mark::default()));
                    }
                    if major != 1 || minor != 1 {
                        return Err(perr("found incompatible YAML document", s, Mark::default()));
                    }
                    seen_version = true;
                }
                Some(Tok::TagDirective(handle, prefix)) => {
                    if local.contains(&handle) || self.tag_directives.iter().any(|(h, _)| *h == handle) {
                        return Err(perr("found duplicate %TAG directive", s, Mark::default()));
                    }
                    local.push(handle.clone());
                    self.tag_directives.push((handle, prefix));
                }
                _ => break,
            }
        }
        for (h, p) in [("!", "!"), ("!!", "tag:yaml.org,2002:")] {
            if !self.tag_directives.iter().any(|(x, _)| x == h) {
                self.tag_directives.push((h.to_string(), p.to_string()));
            }
        }
        Ok(())
    }

    fn node(&mut self, block: bool, indentless: bool) -> PResult<(Ev<'a>, Mark)> {
        let (mut t, mut s, _) = self.peek()?;
        if t == TK::Alias {
            self.pop_state();
            let name = match self.take() {
                Some(Tok::Alias(name)) => name,
                _ => "",
            };
            return Ok((Ev::Alias(name), s));
        }
        let start = s;
        let mut anchor = None;
        let mut tag_tok: Option<(String, String)> = None;
        let mut tag_mark = s;
        if t == TK::Anchor {
            if let Some(Tok::Anchor(a)) = self.take() {
                anchor = Some(a);
            }
            (t, s, _) = self.peek()?;
            if t == TK::Tag {
                if let Some(Tok::Tag(h, sfx)) = self.take() {
                    tag_tok = Some((h, sfx));
                }
                tag_mark = s;
                (t, s, _) = self.peek()?;
            }
        } else if t == TK::Tag {
            if let Some(Tok::Tag(h, sfx)) = self.take() {
                tag_tok = Some((h, sfx));
            }
            tag_mark = s;
            (t, s, _) = self.peek()?;
            if t == TK::Anchor {
                if let Some(Tok::Anchor(a)) = self.take() {
                    anchor = Some(a);
                }
                (t, s, _) = self.peek()?;
            }
        }
        let mut tag = String::new();
        if let Some((handle, suffix)) = tag_tok {
            if handle.is_empty() {
                tag = suffix;
            } else {
                match self.tag_directives.iter().find(|(h, _)| *h == handle) {
                    Some((_, prefix)) => tag = format!("{prefix}{suffix}"),
                    None => return Err(perr("found undefined tag handle", tag_mark, start)),
                }
            }
        }
        if indentless && t == TK::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok((Ev::SequenceStart { anchor }, start));
        }
        match t {
            TK::Scalar => {
                let (value, style) = match self.take() {
                    Some(Tok::Scalar(value, style)) => (value, style),
                    _ => (Cow::Borrowed(""), Style::Plain),
                };
                let implicit = (tag.is_empty() && style == Style::Plain) || tag == "!";
                self.pop_state();
                Ok((Ev::Scalar { anchor, tag, value, implicit }, start))
            }
            TK::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                Ok((Ev::SequenceStart { anchor }, start))
            }
            TK::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                Ok((Ev::MappingStart { anchor }, start))
            }
            TK::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                Ok((Ev::SequenceStart { anchor }, start))
            }
            TK::BlockMappingStart if block => {
                self.state = State::BlockMappingFirstKey;
                Ok((Ev::MappingStart { anchor }, start))
            }
            _ if anchor.is_some() || !tag.is_empty() => {
                self.pop_state();
                let implicit = tag.is_empty();
                Ok((Ev::Scalar { anchor, tag, value: Cow::Borrowed(""), implicit }, start))
            }
            _ => Err(perr("did not find expected node content", s, start)),
        }
    }

    fn block_sequence_entry(&mut self, first: bool) -> PResult<(Ev<'a>, Mark)> {
        if first {
            let (_, s, _) = self.peek()?;
            self.marks.push(s);
            self.skip();
        }
        let (t, s, e) = self.peek()?;
        match t {
            TK::BlockEntry => {
                self.skip();
                let (t, _, _) = self.peek()?;
                if !matches!(t, TK::BlockEntry | TK::BlockEnd) {
                    self.states.push(State::BlockSequenceEntry);
                    return self.node(true, false);
                }
                self.state = State::BlockSequenceEntry;
                Ok(empty_scalar(e))
            }
            TK::BlockEnd => {
                self.pop_state();
                self.pop_mark();
                self.skip();
                Ok((Ev::SequenceEnd, s))
            }
            _ => {
                let cm = self.pop_mark();
                Err(perr("did not find expected '-' indicator", s, cm))
            }
        }
    }

    fn block_mapping_key(&mut self, first: bool) -> PResult<(Ev<'a>, Mark)> {
        if first {
            let (_, s, _) = self.peek()?;
            self.marks.push(s);
            self.skip();
        }
        let (t, s, e) = self.peek()?;
        match t {
            TK::Key => {
                self.skip();
                let (t, _, _) = self.peek()?;
                if !matches!(t, TK::Key | TK::Value | TK::BlockEnd) {
                    self.states.push(State::BlockMappingValue);
                    return self.node(true, true);
                }
                self.state = State::BlockMappingValue;
                Ok(empty_scalar(e))
            }
            TK::BlockEnd => {
                self.pop_state();
                self.pop_mark();
                self.skip();
                Ok((Ev::MappingEnd, s))
            }
            _ => {
                let cm = self.pop_mark();
                Err(perr("did not find expected key", s, cm))
            }
        }
    }

    fn flow_sequence_entry(&mut self, first: bool) -> PResult<(Ev<'a>, Mark)> {
        if first {
            let (_, s, _) = self.peek()?;
            self.marks.push(s);
            self.skip();
        }
        let (mut t, mut s, _) = self.peek()?;
        if t != TK::FlowSequenceEnd {
            if !first {
                if t == TK::FlowEntry {
                    self.skip();
                    (t, s, _) = self.peek()?;
                } else {
                    let cm = self.pop_mark();
                    return Err(perr("did not find expected ',' or ']'", s, cm));
                }
            }
            if t == TK::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.skip();
                return Ok((Ev::MappingStart { anchor: None }, s));
            } else if t != TK::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.node(false, false);
            }
        }
        self.pop_state();
        self.pop_mark();
        self.skip();
        Ok((Ev::SequenceEnd, s))
    }

    fn flow_mapping_key(&mut self, first: bool) -> PResult<(Ev<'a>, Mark)> {
        if first {
            let (_, s, _) = self.peek()?;
            self.marks.push(s);
            self.skip();
        }
        let (mut t, mut s, _) = self.peek()?;
        if t != TK::FlowMappingEnd {
            if !first {
                if t == TK::FlowEntry {
                    self.skip();
                    (t, s, _) = self.peek()?;
                } else {
                    let cm = self.pop_mark();
                    return Err(perr("did not find expected ',' or '}'", s, cm));
                }
            }
            if t == TK::Key {
                self.skip();
                let (t2, s2, _) = self.peek()?;
                if !matches!(t2, TK::Value | TK::FlowEntry | TK::FlowMappingEnd) {
                    self.states.push(State::FlowMappingValue);
                    return self.node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(s2));
            } else if t != TK::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.node(false, false);
            }
        }
        self.pop_state();
        self.pop_mark();
        self.skip();
        Ok((Ev::MappingEnd, s))
    }

    fn flow_mapping_value(&mut self, empty: bool) -> PResult<(Ev<'a>, Mark)> {
        let (t, s, _) = self.peek()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(s));
        }
        if t == TK::Value {
            self.skip();
            let (t2, s2, _) = self.peek()?;
            if !matches!(t2, TK::FlowEntry | TK::FlowMappingEnd) {
                self.states.push(State::FlowMappingKey);
                return self.node(false, false);
            }
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(s2));
        }
        self.state = State::FlowMappingKey;
        Ok(empty_scalar(s))
    }
}

fn empty_scalar<'a>(m: Mark) -> (Ev<'a>, Mark) {
    (Ev::Scalar { anchor: None, tag: String::new(), value: Cow::Borrowed(""), implicit: true }, m)
}

/// What a composed node is.
#[derive(Clone, Debug)]
pub enum YKind<'a> {
    /// A scalar: its text, tag (full form, empty when none), and whether it was plain
    /// without a tag (so it is resolved).
    Scalar { value: Cow<'a, str>, tag: String, implicit: bool },
    /// A mapping: alternating key and value node ids.
    Mapping { children: Vec<usize> },
    /// A sequence of node ids.
    Sequence { children: Vec<usize> },
    /// An alias to the node id, with the anchor name.
    Alias { name: &'a str, target: usize },
}

/// A composed node with its start position.
#[derive(Clone, Debug)]
pub struct YNode<'a> {
    pub kind: YKind<'a>,
    pub mark: Mark,
}

/// One composed document: an arena of nodes and the root id.
pub struct Doc<'a> {
    pub nodes: Vec<YNode<'a>>,
    pub root: usize,
}

/// Builds node graphs from events, one document at a time.
pub struct Composer<'a> {
    parser: EventParser<'a>,
    started: bool,
    peeked: Option<(Ev<'a>, Mark)>,
}

fn cerr(problem: String) -> RawError {
    RawError { kind: ErrorKind::Composer, problem, problem_mark: Mark::default(), context_mark: Mark::default() }
}

enum Frame {
    Seq(usize),
    Map(usize),
}

impl<'a> Composer<'a> {
    /// A composer over `text`.
    pub fn new(text: &'a str) -> Composer<'a> {
        Composer { parser: EventParser::new(text), started: false, peeked: None }
    }

    fn next_event(&mut self) -> PResult<(Ev<'a>, Mark)> {
        if let Some(e) = self.peeked.take() {
            return Ok(e);
        }
        self.parser.next()
    }

    /// The next document, or `None` at the end of the stream.
    pub fn next_document(&mut self) -> PResult<Option<Doc<'a>>> {
        if !self.started {
            self.started = true;
            let (ev, _) = self.next_event()?;
            if !matches!(ev, Ev::StreamStart) {
                return Err(cerr("expected stream start".into()));
            }
        }
        let (ev, _) = self.next_event()?;
        match ev {
            Ev::StreamEnd => return Ok(None),
            Ev::DocumentStart => {}
            _ => return Err(cerr("expected document start".into())),
        }
        let mut nodes: Vec<YNode<'a>> = Vec::new();
        let mut anchors: HashMap<&'a str, usize> = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<usize> = None;
        loop {
            let (ev, mark) = self.next_event()?;
            let id = nodes.len();
            let (new_node, opens) = match ev {
                Ev::Scalar { anchor, tag, value, implicit } => {
                    if let Some(a) = anchor {
                        anchors.insert(a, id);
                    }
                    (Some(YNode { kind: YKind::Scalar { value, tag, implicit }, mark }), None)
                }
                Ev::Alias(name) => {
                    let Some(&target) = anchors.get(name) else {
                        return Err(cerr(format!("unknown anchor '{name}' referenced")));
                    };
                    (Some(YNode { kind: YKind::Alias { name, target }, mark }), None)
                }
                Ev::SequenceStart { anchor } => {
                    if let Some(a) = anchor {
                        anchors.insert(a, id);
                    }
                    (Some(YNode { kind: YKind::Sequence { children: Vec::new() }, mark }), Some(Frame::Seq(id)))
                }
                Ev::MappingStart { anchor } => {
                    if let Some(a) = anchor {
                        anchors.insert(a, id);
                    }
                    (Some(YNode { kind: YKind::Mapping { children: Vec::new() }, mark }), Some(Frame::Map(id)))
                }
                Ev::SequenceEnd | Ev::MappingEnd => {
                    stack.pop();
                    (None, None)
                }
                Ev::DocumentEnd => break,
                Ev::StreamStart | Ev::StreamEnd | Ev::DocumentStart => {
                    return Err(cerr("unexpected event".into()));
                }
            };
            if let Some(n) = new_node {
                nodes.push(n);
                match stack.last() {
                    Some(Frame::Seq(p)) | Some(Frame::Map(p)) => {
                        let p = *p;
                        if let YKind::Sequence { children, .. } | YKind::Mapping { children, .. } = &mut nodes[p].kind {
                            children.push(id);
                        }
                    }
                    None => {
                        if root.is_none() {
                            root = Some(id);
                        }
                    }
                }
                if let Some(f) = opens {
                    stack.push(f);
                }
            }
        }
        let root = match root {
            Some(r) => r,
            None => {
                nodes.push(YNode {
                    kind: YKind::Scalar { value: Cow::Borrowed(""), tag: String::new(), implicit: true },
                    mark: Mark::default(),
                });
                nodes.len() - 1
            }
        };
        Ok(Some(Doc { nodes, root }))
    }
}
