//! The lexer: Go's text/template scanner, state for state, so that tokens, trim
//! markers, positions, line numbers and error texts match Go exactly.

use std::borrow::Cow;

/// The kind of a scanned token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemType {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemType {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemType::Block
                | ItemType::Break
                | ItemType::Continue
                | ItemType::Dot
                | ItemType::Define
                | ItemType::Else
                | ItemType::End
                | ItemType::If
                | ItemType::Nil
                | ItemType::Range
                | ItemType::Template
                | ItemType::With
        )
    }
}

fn keyword(word: &str) -> Option<ItemType> {
    Some(match word {
        "." => ItemType::Dot,
        "block" => ItemType::Block,
        "break" => ItemType::Break,
        "continue" => ItemType::Continue,
        "define" => ItemType::Define,
        "else" => ItemType::Else,
        "end" => ItemType::End,
        "if" => ItemType::If,
        "range" => ItemType::Range,
        "nil" => ItemType::Nil,
        "template" => ItemType::Template,
        "with" => ItemType::With,
        _ => return None,
    })
}

/// One token: its kind, byte position, text (borrowed from the source; an error
/// message is owned) and line.
#[derive(Clone, Debug)]
pub(crate) struct Item<'a> {
    pub typ: ItemType,
    pub pos: usize,
    pub val: Cow<'a, str>,
    pub line: usize,
}

impl Item<'_> {
    /// Go's `item.String()`, used in parse error messages.
    pub fn describe(&self) -> String {
        match self.typ {
            ItemType::Eof => "EOF".into(),
            ItemType::Error => self.val.to_string(),
            t if t.is_keyword() => format!("<{}>", self.val),
            _ => {
                // `%.10q` of the source bytes: at most 10 runes (a stray byte is one).
                let val = crate::source::unescape(&self.val);
                if val.len() > 10 {
                    let mut head = Vec::new();
                    let mut runes = 0;
                    for chunk in val.utf8_chunks() {
                        for c in chunk.valid().chars() {
                            if runes < 10 {
                                head.extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes());
                                runes += 1;
                            }
                        }
                        for &b in chunk.invalid() {
                            if runes < 10 {
                                head.push(b);
                                runes += 1;
                            }
                        }
                    }
                    format!("{}...", govalue::strconv::quote_bytes(&head))
                } else {
                    govalue::strconv::quote_bytes(&val)
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const TRIM_MARKER_LEN: usize = 2;
const EOF: Option<char> = None;

fn is_space(r: Option<char>) -> bool {
    matches!(r, Some(' ' | '\t' | '\r' | '\n'))
}

fn is_alphanumeric(r: Option<char>) -> bool {
    match r {
        Some(c) => c == '_' || c.is_alphabetic() || is_unicode_digit(c),
        None => false,
    }
}

/// Go's `unicode.IsDigit` (category Nd).
fn is_unicode_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && is_nd(c))
}

/// A conservative approximation of category Nd outside ASCII: decimal digit
/// blocks are runs of ten code points starting at a zero digit.
fn is_nd(c: char) -> bool {
    const ZEROS: &[u32] = &[
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50,
        0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50,
        0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    ];
    let v = c as u32;
    ZEROS.iter().any(|&z| v >= z && v < z + 10)
}

/// The number of line feeds in `s`.
fn count_newlines(s: &str) -> usize {
    memchr::memchr_iter(b'\n', s.as_bytes()).count()
}

/// The byte offset of the first `{{` in `s`.
fn find_left_delim(s: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'{', s.get(from..)?) {
        let at = from + i;
        if s.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(Some(s[1] as char))
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(Some(s[0] as char)) && s[1] == b'-'
}

fn is_trim_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The scanner. `next_item` yields tokens one at a time, like Go's `nextItem`.
pub(crate) struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    width: usize,
    paren_depth: i64,
    line: usize,
    start_line: usize,
    pub break_ok: bool,
    pub continue_ok: bool,
    state: Option<State>,
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Lexer<'a> {
        Lexer {
            input,
            pos: 0,
            start: 0,
            width: 0,
            paren_depth: 0,
            line: 1,
            start_line: 1,
            break_ok: true,
            continue_ok: true,
            state: Some(State::Text),
        }
    }

    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn bytes_from(&self, at: usize) -> &'a [u8] {
        self.input.as_bytes().get(at..).unwrap_or(&[])
    }

    fn next(&mut self) -> Option<char> {
        // ASCII fast path: one byte is one rune.
        if let Some(&b) = self.input.as_bytes().get(self.pos) {
            if b.is_ascii() {
                self.width = 1;
                self.pos += 1;
                if b == b'\n' {
                    self.line += 1;
                }
                return Some(b as char);
            }
        }
        match self.rest().chars().next() {
            None => {
                self.width = 0;
                EOF
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                if c == '\n' {
                    self.line += 1;
                }
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let r = self.next();
        self.backup();
        r
    }

    fn backup(&mut self) {
        self.pos -= self.width;
        if self.width == 1 && self.input.as_bytes().get(self.pos) == Some(&b'\n') {
            self.line -= 1;
        }
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.input.get(from..to).unwrap_or("")
    }

    fn emit(&mut self, typ: ItemType) -> Option<Item<'a>> {
        let item =
            Item { typ, pos: self.start, val: Cow::Borrowed(self.slice(self.start, self.pos)), line: self.start_line };
        self.start = self.pos;
        self.start_line = self.line;
        Some(item)
    }

    fn ignore(&mut self) {
        self.line += count_newlines(self.slice(self.start, self.pos));
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        loop {
            match self.next() {
                Some(c) if valid.contains(c) => {}
                _ => break,
            }
        }
        self.backup();
    }

    fn errorf(&mut self, message: String) -> Option<Item<'a>> {
        Some(Item { typ: ItemType::Error, pos: self.start, val: Cow::Owned(message), line: self.start_line })
    }

    /// The next token; after an error or EOF, EOF forever.
    pub fn next_item(&mut self) -> Item<'a> {
        while let Some(state) = self.state {
            let (item, next) = self.step(state);
            self.state = next;
            if next.is_none() {
                if let Some(item) = item {
                    return item;
                }
                break;
            }
            if let Some(item) = item {
                return item;
            }
        }
        self.emit(ItemType::Eof).unwrap_or(Item {
            typ: ItemType::Eof,
            pos: self.pos,
            val: Cow::Borrowed(""),
            line: self.line,
        })
    }

    fn step(&mut self, state: State) -> (Option<Item<'a>>, Option<State>) {
        match state {
            State::Text => self.lex_text(),
            State::LeftDelim => self.lex_left_delim(),
            State::Comment => self.lex_comment(),
            State::RightDelim => self.lex_right_delim(),
            State::InsideAction => self.lex_inside_action(),
            State::Space => self.lex_space(),
            State::Identifier => self.lex_identifier(),
            State::Field => self.lex_field_or_variable(ItemType::Field),
            State::Variable => {
                if self.at_terminator() {
                    (self.emit(ItemType::Variable), Some(State::InsideAction))
                } else {
                    self.lex_field_or_variable(ItemType::Variable)
                }
            }
            State::Char => self.lex_char(),
            State::Number => self.lex_number(),
            State::Quote => self.lex_quote(),
            State::RawQuote => self.lex_raw_quote(),
        }
    }

    fn lex_text(&mut self) -> (Option<Item<'a>>, Option<State>) {
        self.width = 0;
        if let Some(x) = find_left_delim(self.rest().as_bytes()) {
            self.pos += x;
            let mut trim_length = 0;
            if has_left_trim_marker(self.bytes_from(self.pos + LEFT_DELIM.len())) {
                let text = self.slice(self.start, self.pos);
                trim_length = text.len() - text.trim_end_matches([' ', '\t', '\r', '\n']).len();
            }
            self.pos -= trim_length;
            let mut item = None;
            if self.pos > self.start {
                self.line += count_newlines(self.slice(self.start, self.pos));
                item = self.emit(ItemType::Text);
            }
            self.pos += trim_length;
            self.ignore();
            return (item, Some(State::LeftDelim));
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += count_newlines(self.slice(self.start, self.pos));
            return (self.emit(ItemType::Text), None);
        }
        (self.emit(ItemType::Eof), None)
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.bytes_from(self.pos);
        if has_right_trim_marker(rest)
            && self.bytes_from(self.pos + TRIM_MARKER_LEN).starts_with(RIGHT_DELIM.as_bytes())
        {
            return (true, true);
        }
        if rest.starts_with(RIGHT_DELIM.as_bytes()) {
            return (true, false);
        }
        (false, false)
    }

    fn lex_left_delim(&mut self) -> (Option<Item<'a>>, Option<State>) {
        self.pos += LEFT_DELIM.len();
        let trim_space = has_left_trim_marker(self.bytes_from(self.pos));
        let after_marker = if trim_space { TRIM_MARKER_LEN } else { 0 };
        if self.bytes_from(self.pos + after_marker).starts_with(LEFT_COMMENT.as_bytes()) {
            self.pos += after_marker;
            self.ignore();
            return (None, Some(State::Comment));
        }
        let item = self.emit(ItemType::LeftDelim);
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        (item, Some(State::InsideAction))
    }

    fn lex_comment(&mut self) -> (Option<Item<'a>>, Option<State>) {
        self.pos += LEFT_COMMENT.len();
        let Some(i) = self.rest().find(RIGHT_COMMENT) else {
            return (self.errorf("unclosed comment".into()), None);
        };
        self.pos += i + RIGHT_COMMENT.len();
        let (delim, trim_space) = self.at_right_delim();
        if !delim {
            return (self.errorf("comment ends before closing delimiter".into()), None);
        }
        if trim_space {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim_space {
            self.pos += self.bytes_from(self.pos).iter().take_while(|b| is_trim_space(**b)).count();
        }
        self.ignore();
        (None, Some(State::Text))
    }

    fn lex_right_delim(&mut self) -> (Option<Item<'a>>, Option<State>) {
        let trim_space = has_right_trim_marker(self.bytes_from(self.pos));
        if trim_space {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        let item = self.emit(ItemType::RightDelim);
        if trim_space {
            self.pos += self.bytes_from(self.pos).iter().take_while(|b| is_trim_space(**b)).count();
            self.ignore();
        }
        (item, Some(State::Text))
    }

    fn lex_inside_action(&mut self) -> (Option<Item<'a>>, Option<State>) {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return (None, Some(State::RightDelim));
            }
            return (self.errorf("unclosed left paren".into()), None);
        }
        let r = self.next();
        let item = match r {
            None => return (self.errorf("unclosed action".into()), None),
            Some(c) if is_space(Some(c)) => {
                self.backup();
                return (None, Some(State::Space));
            }
            Some('=') => self.emit(ItemType::Assign),
            Some(':') => {
                if self.next() != Some('=') {
                    return (self.errorf("expected :=".into()), None);
                }
                self.emit(ItemType::Declare)
            }
            Some('|') => self.emit(ItemType::Pipe),
            Some('"') => return (None, Some(State::Quote)),
            Some('`') => return (None, Some(State::RawQuote)),
            Some('$') => return (None, Some(State::Variable)),
            Some('\'') => return (None, Some(State::Char)),
            Some('.') => {
                match self.input.as_bytes().get(self.pos) {
                    Some(b) if !b.is_ascii_digit() => return (None, Some(State::Field)),
                    None => return (None, Some(State::Field)),
                    _ => {}
                }
                self.backup();
                return (None, Some(State::Number));
            }
            Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                self.backup();
                return (None, Some(State::Number));
            }
            Some(c) if is_alphanumeric(Some(c)) => {
                self.backup();
                return (None, Some(State::Identifier));
            }
            Some('(') => {
                self.paren_depth += 1;
                self.emit(ItemType::LeftParen)
            }
            Some(')') => {
                let item = self.emit(ItemType::RightParen);
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return (self.errorf("unexpected right paren".into()), None);
                }
                item
            }
            Some(c) if c.is_ascii() && !c.is_ascii_control() => self.emit(ItemType::Char),
            Some(c) => return (self.errorf(format!("unrecognized character in action: {}", unicode_hash(c))), None),
        };
        (item, Some(State::InsideAction))
    }

    fn lex_space(&mut self) -> (Option<Item<'a>>, Option<State>) {
        let mut num_spaces = 0;
        while is_space(self.peek()) {
            self.next();
            num_spaces += 1;
        }
        let before = self.pos.saturating_sub(1);
        if has_right_trim_marker(self.bytes_from(before))
            && self.bytes_from(before + TRIM_MARKER_LEN).starts_with(RIGHT_DELIM.as_bytes())
        {
            self.backup();
            if num_spaces == 1 {
                return (None, Some(State::RightDelim));
            }
        }
        (self.emit(ItemType::Space), Some(State::InsideAction))
    }

    fn lex_identifier(&mut self) -> (Option<Item<'a>>, Option<State>) {
        loop {
            let r = self.next();
            if is_alphanumeric(r) {
                continue;
            }
            self.backup();
            let word = self.slice(self.start, self.pos);
            if !self.at_terminator() {
                return (self.errorf(format!("bad character {}", unicode_hash_opt(r))), None);
            }
            let item = match keyword(word) {
                Some(k) => {
                    if (k == ItemType::Break && !self.break_ok) || (k == ItemType::Continue && !self.continue_ok) {
                        self.emit(ItemType::Identifier)
                    } else {
                        self.emit(k)
                    }
                }
                None if word.starts_with('.') => self.emit(ItemType::Field),
                None if word == "true" || word == "false" => self.emit(ItemType::Bool),
                None => self.emit(ItemType::Identifier),
            };
            return (item, Some(State::InsideAction));
        }
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> (Option<Item<'a>>, Option<State>) {
        if self.at_terminator() {
            let t = if typ == ItemType::Variable { ItemType::Variable } else { ItemType::Dot };
            return (self.emit(t), Some(State::InsideAction));
        }
        let mut r;
        loop {
            r = self.next();
            if !is_alphanumeric(r) {
                self.backup();
                break;
            }
        }
        if !self.at_terminator() {
            return (self.errorf(format!("bad character {}", unicode_hash_opt(r))), None);
        }
        (self.emit(typ), Some(State::InsideAction))
    }

    fn at_terminator(&mut self) -> bool {
        let r = self.peek();
        if is_space(r) {
            return true;
        }
        matches!(r, None | Some('.' | ',' | '|' | ':' | ')' | '(' | '}'))
    }

    fn lex_char(&mut self) -> (Option<Item<'a>>, Option<State>) {
        self.lex_escaped('\'', "unterminated character constant", ItemType::CharConstant)
    }

    fn lex_number(&mut self) -> (Option<Item<'a>>, Option<State>) {
        if !self.scan_number() {
            let text = self.slice(self.start, self.pos).to_string();
            return (self.errorf(format!("bad number syntax: {}", govalue::strconv::quote(&text))), None);
        }
        let sign = self.peek();
        if sign == Some('+') || sign == Some('-') {
            if !self.scan_number() || self.input.as_bytes().get(self.pos.wrapping_sub(1)) != Some(&b'i') {
                let text = self.slice(self.start, self.pos).to_string();
                return (self.errorf(format!("bad number syntax: {}", govalue::strconv::quote(&text))), None);
            }
            return (self.emit(ItemType::Complex), Some(State::InsideAction));
        }
        (self.emit(ItemType::Number), Some(State::InsideAction))
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if is_alphanumeric(self.peek()) {
            self.next();
            return false;
        }
        true
    }

    fn lex_quote(&mut self) -> (Option<Item<'a>>, Option<State>) {
        self.lex_escaped('"', "unterminated quoted string", ItemType::String)
    }

    /// Scans to the closing `close` of a rune or string literal, honouring backslash
    /// escapes; a newline or the end of input first is `unterminated`.
    fn lex_escaped(&mut self, close: char, unterminated: &str, item: ItemType) -> (Option<Item<'a>>, Option<State>) {
        loop {
            match self.next() {
                Some('\\') => {
                    let r = self.next();
                    if r.is_some() && r != Some('\n') {
                        continue;
                    }
                    return (self.errorf(unterminated.into()), None);
                }
                None | Some('\n') => return (self.errorf(unterminated.into()), None),
                Some(c) if c == close => break,
                _ => {}
            }
        }
        (self.emit(item), Some(State::InsideAction))
    }

    fn lex_raw_quote(&mut self) -> (Option<Item<'a>>, Option<State>) {
        loop {
            match self.next() {
                None => return (self.errorf("unterminated raw quoted string".into()), None),
                Some('`') => break,
                _ => {}
            }
        }
        (self.emit(ItemType::RawString), Some(State::InsideAction))
    }
}

/// Go's `%#U` of a rune: `U+002D '-'`.
pub(crate) fn unicode_hash(c: char) -> String {
    // A source byte that is not UTF-8 is utf8.RuneError to Go.
    let c = if crate::source::is_escaped(c) { '\u{FFFD}' } else { c };
    if govalue::strconv::is_print(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

fn unicode_hash_opt(r: Option<char>) -> String {
    match r {
        Some(c) => unicode_hash(c),
        None => "U+FFFFFFFFFFFFFFFF".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(ItemType, String)> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let item = lexer.next_item();
            let done = matches!(item.typ, ItemType::Eof | ItemType::Error);
            out.push((item.typ, item.val.into_owned()));
            if done {
                return out;
            }
        }
    }

    #[test]
    fn trims_around_actions() {
        let items = kinds("a  {{- 3 -}}  b");
        assert_eq!(items[0], (ItemType::Text, "a".into()));
        assert_eq!(items[2], (ItemType::Number, "3".into()));
        assert_eq!(items[4], (ItemType::Text, "b".into()));
    }

    #[test]
    fn minus_without_space_is_a_number() {
        let items = kinds("{{-3}}");
        assert_eq!(items[1], (ItemType::Number, "-3".into()));
    }

    #[test]
    fn reports_bad_characters() {
        let items = kinds("{{ $-x }}");
        assert_eq!(items.last().map(|i| i.1.clone()), Some("bad character U+002D '-'".into()));
    }
}
