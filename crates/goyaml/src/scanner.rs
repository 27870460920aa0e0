//! The YAML scanner: characters to tokens, following go-yaml v2 (a libyaml port)
//! closely enough that errors are reported with the same messages at the same places.

use std::borrow::Cow;
use std::collections::VecDeque;

use hashbrown::HashMap;

/// A position in the input: character index, byte offset, 0-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub index: usize,
    pub byte: usize,
    pub line: usize,
    pub column: usize,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// Token kinds, without their text (what the parser looks at before it takes a token).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TK {
    StreamStart,
    StreamEnd,
    VersionDirective,
    TagDirective,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    Scalar,
}

/// Tokens with their text; names and plain scalars borrow the input.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'a> {
    StreamStart,
    StreamEnd,
    VersionDirective(u32, u32),
    TagDirective(String, String),
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias(&'a str),
    Anchor(&'a str),
    Tag(String, String),
    Scalar(Cow<'a, str>, Style),
}

impl Tok<'_> {
    /// The kind without the text.
    pub fn kind(&self) -> TK {
        match self {
            Tok::StreamStart => TK::StreamStart,
            Tok::StreamEnd => TK::StreamEnd,
            Tok::VersionDirective(..) => TK::VersionDirective,
            Tok::TagDirective(..) => TK::TagDirective,
            Tok::DocumentStart => TK::DocumentStart,
            Tok::DocumentEnd => TK::DocumentEnd,
            Tok::BlockSequenceStart => TK::BlockSequenceStart,
            Tok::BlockMappingStart => TK::BlockMappingStart,
            Tok::BlockEnd => TK::BlockEnd,
            Tok::FlowSequenceStart => TK::FlowSequenceStart,
            Tok::FlowSequenceEnd => TK::FlowSequenceEnd,
            Tok::FlowMappingStart => TK::FlowMappingStart,
            Tok::FlowMappingEnd => TK::FlowMappingEnd,
            Tok::BlockEntry => TK::BlockEntry,
            Tok::FlowEntry => TK::FlowEntry,
            Tok::Key => TK::Key,
            Tok::Value => TK::Value,
            Tok::Alias(_) => TK::Alias,
            Tok::Anchor(_) => TK::Anchor,
            Tok::Tag(..) => TK::Tag,
            Tok::Scalar(..) => TK::Scalar,
        }
    }
}

/// A token with its span.
#[derive(Clone, Debug)]
pub struct Token<'a> {
    pub kind: Tok<'a>,
    pub start: Mark,
    pub end: Mark,
}

/// A scalar's text while it is scanned: a slice of the input as long as it is one,
/// an owned string once it is not (escapes, folded line breaks).
#[derive(Default)]
struct Acc {
    start: usize,
    end: usize,
    owned: Option<String>,
}

impl Acc {
    fn own<'s>(&'s mut self, text: &str) -> &'s mut String {
        let (a, b) = (self.start, self.end);
        self.owned.get_or_insert_with(|| text.get(a..b).unwrap_or_default().to_string())
    }

    /// Appends the input's bytes `a..b`.
    #[inline]
    fn push_range(&mut self, text: &str, a: usize, b: usize) {
        if a == b {
            return;
        }
        if self.owned.is_none() {
            if self.start == self.end {
                (self.start, self.end) = (a, b);
                return;
            }
            if self.end == a {
                self.end = b;
                return;
            }
        }
        self.own(text).push_str(text.get(a..b).unwrap_or_default());
    }

    fn push_str(&mut self, text: &str, s: &str) {
        if !s.is_empty() {
            self.own(text).push_str(s);
        }
    }

    fn push(&mut self, text: &str, c: char) {
        self.own(text).push(c);
    }

    fn is_empty(&self) -> bool {
        self.owned.as_ref().map_or(self.start == self.end, String::is_empty)
    }

    /// Appends what `other` holds.
    fn push_acc(&mut self, text: &str, other: Acc) {
        match other.owned {
            Some(o) => self.push_str(text, &o),
            None => self.push_range(text, other.start, other.end),
        }
    }

    fn finish(self, text: &str) -> Cow<'_, str> {
        match self.owned {
            Some(o) => Cow::Owned(o),
            None => Cow::Borrowed(text.get(self.start..self.end).unwrap_or_default()),
        }
    }
}

/// Which stage of go-yaml reported an error (it changes how the line is printed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Reader,
    Scanner,
    Parser,
    Composer,
}

/// A scanner, parser or composer error with libyaml's marks.
#[derive(Clone, Debug)]
pub struct RawError {
    pub kind: ErrorKind,
    pub problem: String,
    pub problem_mark: Mark,
    pub context_mark: Mark,
}

#[derive(Clone, Copy, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

const MAX_FLOW_LEVEL: usize = 10000;
const MAX_INDENTS: usize = 10000;

/// The scanner state.
pub struct Scanner<'a> {
    /// The input; `mark.byte` is the position in it.
    text: &'a str,
    mark: Mark,
    tokens: VecDeque<Token<'a>>,
    tokens_parsed: usize,
    stream_start_produced: bool,
    stream_end_produced: bool,
    /// The stream starts with two byte order marks (see `scan_to_next_token`).
    double_bom: bool,
    indent: i64,
    indents: Vec<i64>,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    simple_keys_by_tok: HashMap<usize, usize>,
    flow_level: usize,
    error: Option<RawError>,
}

type SResult<T> = Result<T, RawError>;

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_breakz(c: char) -> bool {
    is_break(c) || c == '\0'
}

fn is_blankz(c: char) -> bool {
    is_blank(c) || is_breakz(c)
}

fn is_alpha(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Bytes go-yaml's reader decodes before it first moves its buffer (its raw
/// buffer's size, less the longest look-ahead).
const GO_YAML_RAW_CHUNK: usize = 512 - 4;

/// The length of the UTF-8 sequence that starts with `lead`.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

impl<'a> Scanner<'a> {
    /// A scanner over `text`. Characters go-yaml's reader rejects are reported by
    /// [`check_input`] before scanning.
    pub fn new(text: &'a str) -> Scanner<'a> {
        // go-yaml's reader consumes a byte order mark at the start of the stream
        // before the scanner sees anything: it counts for no column.
        let bom = usize::from(text.starts_with('\u{feff}'));
        Scanner {
            text,
            mark: Mark { byte: bom * 3, ..Mark::default() },
            double_bom: text.starts_with("\u{feff}\u{feff}"),
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            stream_start_produced: false,
            stream_end_produced: false,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            simple_keys_by_tok: HashMap::new(),
            flow_level: 0,
            error: None,
        }
    }

    /// The character at byte `at`, `'\0'` past the end.
    #[inline]
    fn char_at(&self, at: usize) -> char {
        match self.text.as_bytes().get(at) {
            None => '\0',
            Some(&b) if b < 0x80 => b as char,
            Some(_) => self.text.get(at..).and_then(|r| r.chars().next()).unwrap_or('\0'),
        }
    }

    /// The `k`th character from the current position, `'\0'` past the end.
    #[inline]
    fn ch(&self, k: usize) -> char {
        let b = self.text.as_bytes();
        let mut at = self.mark.byte;
        for _ in 0..k {
            match b.get(at) {
                Some(&c) => at += utf8_width(c),
                None => return '\0',
            }
        }
        self.char_at(at)
    }

    /// Whether the input is exhausted (libyaml's `is_z` on the current position).
    #[inline]
    fn z(&self) -> bool {
        self.mark.byte >= self.text.len()
    }

    #[inline]
    fn skip(&mut self) {
        if let Some(&c) = self.text.as_bytes().get(self.mark.byte) {
            self.mark.byte += utf8_width(c);
        } else {
            self.mark.byte += 1;
        }
        self.mark.index += 1;
        self.mark.column += 1;
    }

    /// Skips the run of ASCII characters that `keep` accepts (it must refuse line
    /// breaks) and returns its length; anything else is left for the
    /// character-by-character path.
    #[inline]
    fn skip_ascii_run(&mut self, keep: impl Fn(u8) -> bool) -> usize {
        let b = self.text.as_bytes();
        let start = self.mark.byte;
        let mut p = start;
        while p < b.len() && b[p] < 0x80 && keep(b[p]) {
            p += 1;
        }
        let n = p - start;
        self.mark.byte = p;
        self.mark.index += n;
        self.mark.column += n;
        n
    }

    /// Skips to the end of the line (a comment's text).
    fn skip_to_break(&mut self) {
        loop {
            self.skip_ascii_run(|c| c != b'\n' && c != b'\r');
            if self.z() || is_breakz(self.ch(0)) {
                break;
            }
            self.skip();
        }
    }

    /// Consumes the current character, adding it to `acc`.
    #[inline]
    fn read_acc(&mut self, acc: &mut Acc) {
        let a = self.mark.byte;
        self.skip();
        acc.push_range(self.text, a, self.mark.byte.min(self.text.len()));
    }

    fn skip_line(&mut self) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            self.mark.index += 2;
            self.mark.byte += 2;
            self.mark.column = 0;
            self.mark.line += 1;
        } else if is_break(c) {
            self.mark.index += 1;
            self.mark.byte += c.len_utf8();
            self.mark.column = 0;
            self.mark.line += 1;
        }
    }

    fn read(&mut self, s: &mut String) {
        s.push(self.ch(0));
        self.skip();
    }

    fn read_line(&mut self, s: &mut String) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            s.push('\n');
            self.mark.index += 2;
            self.mark.byte += 2;
        } else if c == '\r' || c == '\n' || c == '\u{85}' {
            s.push('\n');
            self.mark.index += 1;
            self.mark.byte += c.len_utf8();
        } else if c == '\u{2028}' || c == '\u{2029}' {
            s.push(c);
            self.mark.index += 1;
            self.mark.byte += c.len_utf8();
        } else {
            return;
        }
        self.mark.column = 0;
        self.mark.line += 1;
    }

    fn err(&mut self, context_mark: Mark, problem: &str) -> RawError {
        let e =
            RawError { kind: ErrorKind::Scanner, problem: problem.to_string(), problem_mark: self.mark, context_mark };
        self.error = Some(e.clone());
        e
    }

    /// The kind and span of the next token, without consuming it.
    pub fn peek(&mut self) -> SResult<(TK, Mark, Mark)> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        self.fetch_more_tokens()?;
        match self.tokens.front() {
            Some(t) => Ok((t.kind.kind(), t.start, t.end)),
            None => {
                let m = self.mark;
                Err(self.err(m, "unexpected end of token stream"))
            }
        }
    }

    /// Consumes the token returned by the last [`peek`](Self::peek), handing it over.
    pub fn take_token(&mut self) -> Option<Token<'a>> {
        let t = self.tokens.pop_front()?;
        self.tokens_parsed += 1;
        if t.kind == Tok::StreamEnd {
            self.stream_end_produced = true;
        }
        Some(t)
    }

    /// Consumes the token returned by the last [`peek`](Self::peek).
    pub fn skip_token(&mut self) {
        self.take_token();
    }

    fn fetch_more_tokens(&mut self) -> SResult<()> {
        loop {
            if !self.tokens.is_empty() {
                if self.simple_keys_by_tok.is_empty() {
                    break;
                }
                let Some(&idx) = self.simple_keys_by_tok.get(&self.tokens_parsed) else {
                    break;
                };
                if !self.simple_key_is_valid(idx)? {
                    break;
                }
            }
            if self.stream_end_produced || self.tokens.back().is_some_and(|t| t.kind == Tok::StreamEnd) {
                break;
            }
            self.fetch_next_token()?;
        }
        Ok(())
    }

    fn insert_token(&mut self, at: Option<usize>, t: Token<'a>) {
        match at {
            Some(i) if i <= self.tokens.len() => self.tokens.insert(i, t),
            _ => self.tokens.push_back(t),
        }
    }

    fn simple_key_is_valid(&mut self, idx: usize) -> SResult<bool> {
        let Some(key) = self.simple_keys.get(idx).copied() else {
            return Ok(false);
        };
        if !key.possible {
            return Ok(false);
        }
        if key.mark.line < self.mark.line || key.mark.index + 1024 < self.mark.index {
            if key.required {
                return Err(self.err(key.mark, "could not find expected ':'"));
            }
            self.simple_keys[idx].possible = false;
            return Ok(false);
        }
        Ok(true)
    }

    fn fetch_next_token(&mut self) -> SResult<()> {
        if !self.stream_start_produced {
            self.indent = -1;
            self.simple_keys.push(SimpleKey::default());
            self.simple_key_allowed = true;
            self.stream_start_produced = true;
            let m = self.mark;
            self.insert_token(None, Token { kind: Tok::StreamStart, start: m, end: m });
            return Ok(());
        }
        self.scan_to_next_token();
        self.unroll_indent(self.mark.column as i64);
        if self.z() {
            return self.fetch_stream_end();
        }
        let c = self.ch(0);
        let col0 = self.mark.column == 0;
        if col0 && c == '%' {
            return self.fetch_directive();
        }
        if col0 && c == '-' && self.ch(1) == '-' && self.ch(2) == '-' && is_blankz(self.ch(3)) {
            return self.fetch_document_indicator(Tok::DocumentStart);
        }
        if col0 && c == '.' && self.ch(1) == '.' && self.ch(2) == '.' && is_blankz(self.ch(3)) {
            return self.fetch_document_indicator(Tok::DocumentEnd);
        }
        match c {
            '[' => return self.fetch_flow_collection_start(Tok::FlowSequenceStart),
            '{' => return self.fetch_flow_collection_start(Tok::FlowMappingStart),
            ']' => return self.fetch_flow_collection_end(Tok::FlowSequenceEnd),
            '}' => return self.fetch_flow_collection_end(Tok::FlowMappingEnd),
            ',' => return self.fetch_flow_entry(),
            _ => {}
        }
        let n = self.ch(1);
        if c == '-' && is_blankz(n) {
            return self.fetch_block_entry();
        }
        if c == '?' && (self.flow_level > 0 || is_blankz(n)) {
            return self.fetch_key();
        }
        if c == ':' && (self.flow_level > 0 || is_blankz(n)) {
            return self.fetch_value();
        }
        match c {
            '*' => return self.fetch_anchor(true),
            '&' => return self.fetch_anchor(false),
            '!' => return self.fetch_tag(),
            '|' if self.flow_level == 0 => return self.fetch_block_scalar(true),
            '>' if self.flow_level == 0 => return self.fetch_block_scalar(false),
            '\'' => return self.fetch_flow_scalar(true),
            '"' => return self.fetch_flow_scalar(false),
            _ => {}
        }
        let indicator = is_blankz(c)
            || matches!(
                c,
                '-' | '?'
                    | ':'
                    | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '#'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            );
        if !indicator || (c == '-' && !is_blank(n)) || (self.flow_level == 0 && (c == '?' || c == ':') && !is_blankz(n))
        {
            return self.fetch_plain_scalar();
        }
        let m = self.mark;
        Err(self.err(m, "found character that cannot start any token"))
    }

    fn save_simple_key(&mut self) -> SResult<()> {
        let required = self.flow_level == 0 && self.indent == self.mark.column as i64;
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + self.tokens.len(),
                mark: self.mark,
            };
            self.remove_simple_key()?;
            let last = self.simple_keys.len() - 1;
            self.simple_keys[last] = key;
            self.simple_keys_by_tok.insert(key.token_number, last);
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> SResult<()> {
        let i = self.simple_keys.len() - 1;
        let key = self.simple_keys[i];
        if key.possible {
            if key.required {
                return Err(self.err(key.mark, "could not find expected ':'"));
            }
            self.simple_keys[i].possible = false;
            self.simple_keys_by_tok.remove(&key.token_number);
        }
        Ok(())
    }

    fn increase_flow_level(&mut self) -> SResult<()> {
        self.simple_keys.push(SimpleKey {
            possible: false,
            required: false,
            token_number: self.tokens_parsed + self.tokens.len(),
            mark: self.mark,
        });
        self.flow_level += 1;
        if self.flow_level > MAX_FLOW_LEVEL {
            let m = self.mark;
            return Err(self.err(m, &format!("exceeded max depth of {MAX_FLOW_LEVEL}")));
        }
        Ok(())
    }

    fn decrease_flow_level(&mut self) {
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if let Some(k) = self.simple_keys.pop() {
                self.simple_keys_by_tok.remove(&k.token_number);
            }
        }
    }

    fn roll_indent(&mut self, column: usize, number: Option<usize>, kind: Tok<'a>, mark: Mark) -> SResult<()> {
        if self.flow_level > 0 {
            return Ok(());
        }
        if self.indent < column as i64 {
            self.indents.push(self.indent);
            self.indent = column as i64;
            if self.indents.len() > MAX_INDENTS {
                let m = self.simple_keys.last().map(|k| k.mark).unwrap_or_default();
                return Err(self.err(m, &format!("exceeded max depth of {MAX_INDENTS}")));
            }
            let at = number.map(|n| n.saturating_sub(self.tokens_parsed));
            self.insert_token(at, Token { kind, start: mark, end: mark });
        }
        Ok(())
    }

    fn unroll_indent(&mut self, column: i64) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            let m = self.mark;
            self.insert_token(None, Token { kind: Tok::BlockEnd, start: m, end: m });
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn fetch_stream_end(&mut self) -> SResult<()> {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let m = self.mark;
        self.insert_token(None, Token { kind: Tok::StreamEnd, start: m, end: m });
        Ok(())
    }

    fn fetch_directive(&mut self) -> SResult<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_directive()?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: Tok<'a>) -> SResult<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.skip();
        self.skip();
        let end = self.mark;
        self.insert_token(None, Token { kind, start, end });
        Ok(())
    }

    fn simple_token(&mut self, kind: Tok<'a>) {
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.insert_token(None, Token { kind, start, end });
    }

    fn fetch_flow_collection_start(&mut self, kind: Tok<'a>) -> SResult<()> {
        self.save_simple_key()?;
        self.increase_flow_level()?;
        self.simple_key_allowed = true;
        self.simple_token(kind);
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: Tok<'a>) -> SResult<()> {
        self.remove_simple_key()?;
        self.decrease_flow_level();
        self.simple_key_allowed = false;
        self.simple_token(kind);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> SResult<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        self.simple_token(Tok::FlowEntry);
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> SResult<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                let m = self.mark;
                return Err(self.err(m, "block sequence entries are not allowed in this context"));
            }
            let m = self.mark;
            self.roll_indent(m.column, None, Tok::BlockSequenceStart, m)?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        self.simple_token(Tok::BlockEntry);
        Ok(())
    }

    fn fetch_key(&mut self) -> SResult<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                let m = self.mark;
                return Err(self.err(m, "mapping keys are not allowed in this context"));
            }
            let m = self.mark;
            self.roll_indent(m.column, None, Tok::BlockMappingStart, m)?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        self.simple_token(Tok::Key);
        Ok(())
    }

    fn fetch_value(&mut self) -> SResult<()> {
        let idx = self.simple_keys.len() - 1;
        if self.simple_key_is_valid(idx)? {
            let key = self.simple_keys[idx];
            let at = key.token_number.saturating_sub(self.tokens_parsed);
            self.insert_token(Some(at), Token { kind: Tok::Key, start: key.mark, end: key.mark });
            self.roll_indent(key.mark.column, Some(key.token_number), Tok::BlockMappingStart, key.mark)?;
            self.simple_keys[idx].possible = false;
            self.simple_keys_by_tok.remove(&key.token_number);
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    let m = self.mark;
                    return Err(self.err(m, "mapping values are not allowed in this context"));
                }
                let m = self.mark;
                self.roll_indent(m.column, None, Tok::BlockMappingStart, m)?;
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        self.simple_token(Tok::Value);
        Ok(())
    }

    fn fetch_anchor(&mut self, alias: bool) -> SResult<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_anchor(alias)?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_tag(&mut self) -> SResult<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_tag()?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> SResult<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let t = self.scan_block_scalar(literal)?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> SResult<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_flow_scalar(single)?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> SResult<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_plain_scalar()?;
        self.insert_token(None, t);
        Ok(())
    }

    fn scan_to_next_token(&mut self) {
        loop {
            // go-yaml's BOM test looks at the start of its decoded buffer, not at the
            // current position: a BOM later in a line's first column is an ordinary
            // character, but when the stream holds a second BOM right after the one
            // its reader consumed, every line start skips one character (whatever it
            // is) until the buffer is first compacted, after about one 512-byte read.
            if self.mark.column == 0 && !self.z() && self.double_bom && self.mark.byte < GO_YAML_RAW_CHUNK {
                self.skip();
            }
            while self.ch(0) == ' ' || ((self.flow_level > 0 || !self.simple_key_allowed) && self.ch(0) == '\t') {
                self.skip();
            }
            if self.ch(0) == '#' {
                self.skip_to_break();
            }
            if is_break(self.ch(0)) {
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
    }

    fn skip_blanks(&mut self) {
        while is_blank(self.ch(0)) {
            self.skip();
        }
    }

    fn skip_comment(&mut self) {
        if self.ch(0) == '#' {
            self.skip_to_break();
        }
    }

    fn scan_directive(&mut self) -> SResult<Token<'a>> {
        let start = self.mark;
        self.skip();
        let mut name = String::new();
        while is_alpha(self.ch(0)) {
            self.read(&mut name);
        }
        if name.is_empty() {
            return Err(self.err(start, "could not find expected directive name"));
        }
        if !is_blankz(self.ch(0)) {
            return Err(self.err(start, "found unexpected non-alphabetical character"));
        }
        let kind = if name == "YAML" {
            self.skip_blanks();
            let major = self.scan_version_number(start)?;
            if self.ch(0) != '.' {
                return Err(self.err(start, "did not find expected digit or '.' character"));
            }
            self.skip();
            let minor = self.scan_version_number(start)?;
            Tok::VersionDirective(major, minor)
        } else if name == "TAG" {
            self.skip_blanks();
            let handle = self.scan_tag_handle(true, start)?;
            if !is_blank(self.ch(0)) {
                return Err(self.err(start, "did not find expected whitespace"));
            }
            self.skip_blanks();
            let prefix = self.scan_tag_uri(true, None, start)?;
            if !is_blankz(self.ch(0)) {
                return Err(self.err(start, "did not find expected whitespace or line break"));
            }
            Tok::TagDirective(handle, prefix)
        } else {
            return Err(self.err(start, "found unknown directive name"));
        };
        let end = self.mark;
        self.skip_blanks();
        self.skip_comment();
        if !is_breakz(self.ch(0)) {
            return Err(self.err(start, "did not find expected comment or line break"));
        }
        if is_break(self.ch(0)) {
            self.skip_line();
        }
        Ok(Token { kind, start, end })
    }

    fn scan_version_number(&mut self, start: Mark) -> SResult<u32> {
        let mut value = 0u32;
        let mut length = 0;
        while let Some(d) = self.ch(0).to_digit(10) {
            length += 1;
            if length > 2 {
                return Err(self.err(start, "found extremely long version number"));
            }
            value = value * 10 + d;
            self.skip();
        }
        if length == 0 {
            return Err(self.err(start, "did not find expected version number"));
        }
        Ok(value)
    }

    fn scan_anchor(&mut self, alias: bool) -> SResult<Token<'a>> {
        let start = self.mark;
        self.skip();
        let name_start = self.mark.byte;
        while is_alpha(self.ch(0)) {
            self.skip();
        }
        let s = self.text.get(name_start..self.mark.byte).unwrap_or_default();
        let end = self.mark;
        let c = self.ch(0);
        if s.is_empty() || !(is_blankz(c) || matches!(c, '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`')) {
            return Err(self.err(start, "did not find expected alphabetic or numeric character"));
        }
        let kind = if alias { Tok::Alias(s) } else { Tok::Anchor(s) };
        Ok(Token { kind, start, end })
    }

    fn scan_tag(&mut self) -> SResult<Token<'a>> {
        let start = self.mark;
        let (handle, suffix);
        if self.ch(1) == '<' {
            self.skip();
            self.skip();
            suffix = self.scan_tag_uri(false, None, start)?;
            if self.ch(0) != '>' {
                return Err(self.err(start, "did not find the expected '>'"));
            }
            self.skip();
            handle = String::new();
        } else {
            let h = self.scan_tag_handle(false, start)?;
            if h.len() > 1 && h.starts_with('!') && h.ends_with('!') {
                handle = h;
                suffix = self.scan_tag_uri(false, None, start)?;
            } else {
                let s = self.scan_tag_uri(false, Some(&h), start)?;
                if s.is_empty() {
                    handle = String::new();
                    suffix = "!".to_string();
                } else {
                    handle = "!".to_string();
                    suffix = s;
                }
            }
        }
        if !is_blankz(self.ch(0)) {
            return Err(self.err(start, "did not find expected whitespace or line break"));
        }
        let end = self.mark;
        Ok(Token { kind: Tok::Tag(handle, suffix), start, end })
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> SResult<String> {
        if self.ch(0) != '!' {
            return Err(self.err(start, "did not find expected '!'"));
        }
        let mut s = String::new();
        self.read(&mut s);
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
        }
        if self.ch(0) == '!' {
            self.read(&mut s);
        } else if directive && s != "!" {
            return Err(self.err(start, "did not find expected '!'"));
        }
        Ok(s)
    }

    fn scan_tag_uri(&mut self, directive: bool, head: Option<&str>, start: Mark) -> SResult<String> {
        let mut bytes: Vec<u8> = Vec::new();
        let mut has_tag = head.is_some_and(|h| !h.is_empty());
        if let Some(h) = head {
            if h.len() > 1 {
                bytes.extend_from_slice(&h.as_bytes()[1..]);
            }
        }
        loop {
            let c = self.ch(0);
            let ok = is_alpha(c)
                || matches!(
                    c,
                    ';' | '/'
                        | '?'
                        | ':'
                        | '@'
                        | '&'
                        | '='
                        | '+'
                        | '$'
                        | ','
                        | '.'
                        | '!'
                        | '~'
                        | '*'
                        | '\''
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '%'
                );
            if !ok {
                break;
            }
            if c == '%' {
                self.scan_uri_escapes(directive, start, &mut bytes)?;
            } else {
                let mut buf = [0u8; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                self.skip();
            }
            has_tag = true;
        }
        if !has_tag {
            return Err(self.err(start, "did not find expected tag URI"));
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn scan_uri_escapes(&mut self, _directive: bool, start: Mark, out: &mut Vec<u8>) -> SResult<()> {
        let mut w = 1024usize;
        while w > 0 {
            let (a, b) = (self.ch(1), self.ch(2));
            if !(self.ch(0) == '%' && a.is_ascii_hexdigit() && b.is_ascii_hexdigit()) {
                return Err(self.err(start, "did not find URI escaped octet"));
            }
            let octet = (a.to_digit(16).unwrap_or(0) * 16 + b.to_digit(16).unwrap_or(0)) as u8;
            if w == 1024 {
                w = if octet & 0x80 == 0 {
                    1
                } else if octet & 0xE0 == 0xC0 {
                    2
                } else if octet & 0xF0 == 0xE0 {
                    3
                } else if octet & 0xF8 == 0xF0 {
                    4
                } else {
                    return Err(self.err(start, "found an incorrect leading UTF-8 octet"));
                };
            } else if octet & 0xC0 != 0x80 {
                return Err(self.err(start, "found an incorrect trailing UTF-8 octet"));
            }
            out.push(octet);
            self.skip();
            self.skip();
            self.skip();
            w -= 1;
        }
        Ok(())
    }

    fn scan_block_scalar(&mut self, literal: bool) -> SResult<Token<'a>> {
        let start = self.mark;
        self.skip();
        let mut chomping = 0i32;
        let mut increment = 0i64;
        let c = self.ch(0);
        if c == '+' || c == '-' {
            chomping = if c == '+' { 1 } else { -1 };
            self.skip();
            if let Some(d) = self.ch(0).to_digit(10) {
                if d == 0 {
                    return Err(self.err(start, "found an indentation indicator equal to 0"));
                }
                increment = d as i64;
                self.skip();
            }
        } else if let Some(d) = c.to_digit(10) {
            if d == 0 {
                return Err(self.err(start, "found an indentation indicator equal to 0"));
            }
            increment = d as i64;
            self.skip();
            let c = self.ch(0);
            if c == '+' || c == '-' {
                chomping = if c == '+' { 1 } else { -1 };
                self.skip();
            }
        }
        self.skip_blanks();
        self.skip_comment();
        if !is_breakz(self.ch(0)) {
            return Err(self.err(start, "did not find expected comment or line break"));
        }
        if is_break(self.ch(0)) {
            self.skip_line();
        }
        let mut end = self.mark;
        let mut indent: i64 = 0;
        if increment > 0 {
            indent = if self.indent >= 0 { self.indent + increment } else { increment };
        }
        let text = self.text;
        let mut s = Acc::default();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        self.block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        let mut leading_blank = false;
        while self.mark.column as i64 == indent && !self.z() {
            let trailing_blank = is_blank(self.ch(0));
            if !literal && !leading_blank && !trailing_blank && leading_break.starts_with('\n') {
                if trailing_breaks.is_empty() {
                    s.push(text, ' ');
                }
            } else {
                s.push_str(text, &leading_break);
            }
            leading_break.clear();
            s.push_str(text, &trailing_breaks);
            trailing_breaks.clear();
            leading_blank = is_blank(self.ch(0));
            let line_start = self.mark.byte;
            self.skip_to_break();
            s.push_range(text, line_start, self.mark.byte);
            self.read_line(&mut leading_break);
            self.block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            s.push_str(text, &leading_break);
        }
        if chomping == 1 {
            s.push_str(text, &trailing_breaks);
        }
        let style = if literal { Style::Literal } else { Style::Folded };
        Ok(Token { kind: Tok::Scalar(s.finish(text), style), start, end })
    }

    fn block_scalar_breaks(
        &mut self,
        indent: &mut i64,
        breaks: &mut String,
        start: Mark,
        end: &mut Mark,
    ) -> SResult<()> {
        *end = self.mark;
        let mut max_indent = 0i64;
        loop {
            while (*indent == 0 || (self.mark.column as i64) < *indent) && self.ch(0) == ' ' {
                self.skip();
            }
            if self.mark.column as i64 > max_indent {
                max_indent = self.mark.column as i64;
            }
            if (*indent == 0 || (self.mark.column as i64) < *indent) && self.ch(0) == '\t' {
                return Err(self.err(start, "found a tab character where an indentation space is expected"));
            }
            if !is_break(self.ch(0)) {
                break;
            }
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent;
            if *indent < self.indent + 1 {
                *indent = self.indent + 1;
            }
            if *indent < 1 {
                *indent = 1;
            }
        }
        Ok(())
    }

    fn scan_flow_scalar(&mut self, single: bool) -> SResult<Token<'a>> {
        let start = self.mark;
        self.skip();
        let text = self.text;
        let mut s = Acc::default();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        let mut whitespaces = Acc::default();
        loop {
            if self.mark.column == 0
                && ((self.ch(0) == '-' && self.ch(1) == '-' && self.ch(2) == '-')
                    || (self.ch(0) == '.' && self.ch(1) == '.' && self.ch(2) == '.'))
                && is_blankz(self.ch(3))
            {
                return Err(self.err(start, "found unexpected document indicator"));
            }
            if self.z() {
                return Err(self.err(start, "found unexpected end of stream"));
            }
            let mut leading_blanks = false;
            while !self.z() && !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if single && c == '\'' && self.ch(1) == '\'' {
                    s.push(text, '\'');
                    self.skip();
                    self.skip();
                } else if (single && c == '\'') || (!single && c == '"') {
                    break;
                } else if !single && c == '\\' && is_break(self.ch(1)) {
                    self.skip();
                    self.skip_line();
                    leading_blanks = true;
                    break;
                } else if !single && c == '\\' {
                    let mut code_length = 0;
                    match self.ch(1) {
                        '0' => s.push(text, '\0'),
                        'a' => s.push(text, '\u{7}'),
                        'b' => s.push(text, '\u{8}'),
                        't' | '\t' => s.push(text, '\t'),
                        'n' => s.push(text, '\n'),
                        'v' => s.push(text, '\u{b}'),
                        'f' => s.push(text, '\u{c}'),
                        'r' => s.push(text, '\r'),
                        'e' => s.push(text, '\u{1b}'),
                        ' ' => s.push(text, ' '),
                        '"' => s.push(text, '"'),
                        '\'' => s.push(text, '\''),
                        '\\' => s.push(text, '\\'),
                        'N' => s.push(text, '\u{85}'),
                        '_' => s.push(text, '\u{a0}'),
                        'L' => s.push(text, '\u{2028}'),
                        'P' => s.push(text, '\u{2029}'),
                        'x' => code_length = 2,
                        'u' => code_length = 4,
                        'U' => code_length = 8,
                        _ => return Err(self.err(start, "found unknown escape character")),
                    }
                    self.skip();
                    self.skip();
                    if code_length > 0 {
                        let mut value: u32 = 0;
                        for k in 0..code_length {
                            let Some(d) = self.ch(k).to_digit(16) else {
                                return Err(self.err(start, "did not find expected hexdecimal number"));
                            };
                            value = (value << 4) + d;
                        }
                        if (0xD800..=0xDFFF).contains(&value) || value > 0x10FFFF {
                            return Err(self.err(start, "found invalid Unicode character escape code"));
                        }
                        // `\xNN` is a code point like `\u00NN` (checked against Helm: `"\xc3"`
                        // reads as `Ã`, not as a raw byte).
                        s.push(text, char::from_u32(value).unwrap_or('\u{fffd}'));
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    let run_start = self.mark.byte;
                    let n = if single {
                        self.skip_ascii_run(|c| c > b' ' && c != b'\'' && c != 0x7F)
                    } else {
                        self.skip_ascii_run(|c| c > b' ' && c != b'"' && c != b'\\' && c != 0x7F)
                    };
                    if n > 0 {
                        s.push_range(text, run_start, self.mark.byte);
                    } else {
                        self.read_acc(&mut s);
                    }
                }
            }
            if self.z() {
                continue;
            }
            let c = self.ch(0);
            if (single && c == '\'') || (!single && c == '"') {
                break;
            }
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if is_blank(self.ch(0)) {
                    if !leading_blanks {
                        self.read_acc(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else if !leading_blanks {
                    whitespaces = Acc::default();
                    self.read_line(&mut leading_break);
                    leading_blanks = true;
                } else {
                    self.read_line(&mut trailing_breaks);
                }
            }
            if leading_blanks {
                if leading_break.starts_with('\n') {
                    if trailing_breaks.is_empty() {
                        s.push(text, ' ');
                    } else {
                        s.push_str(text, &trailing_breaks);
                    }
                } else {
                    s.push_str(text, &leading_break);
                    s.push_str(text, &trailing_breaks);
                }
                trailing_breaks.clear();
                leading_break.clear();
            } else {
                s.push_acc(text, std::mem::take(&mut whitespaces));
            }
        }
        self.skip();
        let end = self.mark;
        let style = if single { Style::SingleQuoted } else { Style::DoubleQuoted };
        Ok(Token { kind: Tok::Scalar(s.finish(text), style), start, end })
    }

    fn scan_plain_scalar(&mut self) -> SResult<Token<'a>> {
        let text = self.text;
        let mut s = Acc::default();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        let mut whitespaces = Acc::default();
        let mut leading_blanks = false;
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        loop {
            if self.mark.column == 0
                && ((self.ch(0) == '-' && self.ch(1) == '-' && self.ch(2) == '-')
                    || (self.ch(0) == '.' && self.ch(1) == '.' && self.ch(2) == '.'))
                && is_blankz(self.ch(3))
            {
                break;
            }
            if self.ch(0) == '#' {
                break;
            }
            let mut read_any = false;
            while !self.z() && !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if (c == ':' && is_blankz(self.ch(1)))
                    || (self.flow_level > 0 && matches!(c, ',' | '?' | '[' | ']' | '{' | '}'))
                {
                    break;
                }
                if leading_blanks || !whitespaces.is_empty() {
                    if leading_blanks {
                        if leading_break.starts_with('\n') {
                            if trailing_breaks.is_empty() {
                                s.push(text, ' ');
                            } else {
                                s.push_str(text, &trailing_breaks);
                            }
                        } else {
                            s.push_str(text, &leading_break);
                            s.push_str(text, &trailing_breaks);
                        }
                        trailing_breaks.clear();
                        leading_break.clear();
                        leading_blanks = false;
                    } else {
                        s.push_acc(text, std::mem::take(&mut whitespaces));
                    }
                }
                let run_start = self.mark.byte;
                let flow = self.flow_level > 0;
                let n = self.skip_ascii_run(|c| {
                    c > b' '
                        && c != b':'
                        && c != 0x7F
                        && !(flow && matches!(c, b',' | b'?' | b'[' | b']' | b'{' | b'}'))
                });
                if n > 0 {
                    s.push_range(text, run_start, self.mark.byte);
                } else {
                    self.read_acc(&mut s);
                }
                read_any = true;
            }
            if read_any {
                end = self.mark;
            }
            if !(is_blank(self.ch(0)) || is_break(self.ch(0))) {
                break;
            }
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if is_blank(self.ch(0)) {
                    if leading_blanks && (self.mark.column as i64) < indent && self.ch(0) == '\t' {
                        return Err(self.err(start, "found a tab character that violates indentation"));
                    }
                    if !leading_blanks {
                        self.read_acc(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else if !leading_blanks {
                    whitespaces = Acc::default();
                    self.read_line(&mut leading_break);
                    leading_blanks = true;
                } else {
                    self.read_line(&mut trailing_breaks);
                }
            }
            if self.flow_level == 0 && (self.mark.column as i64) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        Ok(Token { kind: Tok::Scalar(s.finish(text), Style::Plain), start, end })
    }
}

/// go-yaml's reader check: the characters YAML allows in a stream.
pub fn check_input(text: &str) -> Result<(), RawError> {
    check_input_bytes(text.as_bytes())
}

/// go-yaml's reader over raw bytes: it decodes UTF-8 itself, so the first bad
/// sequence or disallowed character gives its error (`invalid leading UTF-8 octet`,
/// `invalid trailing UTF-8 octet`, ...).
pub fn check_input_bytes(input: &[u8]) -> Result<(), RawError> {
    let fail = |problem: &str| RawError {
        kind: ErrorKind::Reader,
        problem: problem.into(),
        problem_mark: Mark::default(),
        context_mark: Mark::default(),
    };
    let mut i = 0;
    while i < input.len() {
        let lead = input[i];
        if lead < 0x80 {
            if !matches!(lead, 0x09 | 0x0A | 0x0D | 0x20..=0x7E) {
                return Err(fail("control characters are not allowed"));
            }
            i += 1;
            continue;
        }
        let width = match lead {
            _ if lead & 0x80 == 0x00 => 1,
            _ if lead & 0xE0 == 0xC0 => 2,
            _ if lead & 0xF0 == 0xE0 => 3,
            _ if lead & 0xF8 == 0xF0 => 4,
            _ => return Err(fail("invalid leading UTF-8 octet")),
        };
        if width > input.len() - i {
            return Err(fail("incomplete UTF-8 octet sequence"));
        }
        let mut value = match width {
            1 => u32::from(lead & 0x7F),
            2 => u32::from(lead & 0x1F),
            3 => u32::from(lead & 0x0F),
            _ => u32::from(lead & 0x07),
        };
        for &octet in &input[i + 1..i + width] {
            if octet & 0xC0 != 0x80 {
                return Err(fail("invalid trailing UTF-8 octet"));
            }
            value = (value << 6) + u32::from(octet & 0x3F);
        }
        let shortest = match width {
            1 => true,
            2 => value >= 0x80,
            3 => value >= 0x800,
            _ => value >= 0x10000,
        };
        if !shortest {
            return Err(fail("invalid length of a UTF-8 sequence"));
        }
        if (0xD800..=0xDFFF).contains(&value) || value > 0x10FFFF {
            return Err(fail("invalid Unicode character"));
        }
        let ok = value == 0x09
            || value == 0x0A
            || value == 0x0D
            || (0x20..=0x7E).contains(&value)
            || value == 0x85
            || (0xA0..=0xD7FF).contains(&value)
            || (0xE000..=0xFFFD).contains(&value)
            || (0x10000..=0x10FFFF).contains(&value);
        if !ok {
            return Err(fail("control characters are not allowed"));
        }
        i += width;
    }
    Ok(())
}
