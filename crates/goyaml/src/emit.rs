//! `sigs.k8s.io/yaml.Marshal`: a value is encoded to JSON, the JSON is read back by
//! go-yaml (which picks int or float for each number), and go-yaml v2's emitter
//! writes it in block style: keys in go-yaml's natural order, 2-space indents,
//! sequences in mappings not indented, plain scalars where they would read back as
//! the same string, literal blocks for multi-line strings, long lines folded at 80
//! columns.

use std::cmp::Ordering;

use govalue::{strconv, Value};

use crate::json::{self, JsonVal};
use crate::resolve::{resolve, Resolved, Tag};

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

/// A scalar as go-yaml's encoder hands it to the emitter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// What `yaml_emitter_analyze_scalar` finds out about a scalar.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c) || c == '\0',
    }
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    // Only block context is ever emitted (flow collections are always empty), so
    // go-yaml's flow indicator tracking is not needed.
    let mut block_indicators = false;
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut it = value.chars().peekable();
    let mut i = 0usize;
    while let Some(c) = it.next() {
        let next = it.peek().copied();
        let last = next.is_none();
        let followed_by_whitespace = is_blankz(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    block_indicators = true;
                }
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
        i += 1;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.block_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() && i - st < 2 {
            i += 1;
        }
        let g = &b[st..i];
        let ok = match g.len() {
            1 => true,
            2 => g[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Whether a string would read back as something other than itself when unquoted
/// (a number, boolean, null, timestamp or base-60 float), so go-yaml quotes it.
fn needs_quotes(s: &str) -> bool {
    match resolve("", s) {
        Ok((tag, _)) => tag != Tag::Str || is_base60_float(s),
        Err(_) => true,
    }
}

/// One unit of a key as `keyList.Less` compares them: a byte of an ASCII key, a
/// character otherwise.
trait KeyUnit: Copy + PartialOrd {
    fn letter(self) -> bool;
    fn digit(self) -> Option<i64>;
}

impl KeyUnit for u8 {
    fn letter(self) -> bool {
        self.is_ascii_alphabetic()
    }
    fn digit(self) -> Option<i64> {
        self.is_ascii_digit().then(|| i64::from(self - b'0'))
    }
}

impl KeyUnit for char {
    fn letter(self) -> bool {
        self.is_alphabetic()
    }
    fn digit(self) -> Option<i64> {
        self.is_ascii_digit().then(|| self as i64 - '0' as i64)
    }
}

/// go-yaml's `keyList.Less` for string keys: runs of digits compare as numbers,
/// non-letters sort before letters.
pub fn key_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return units_less(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    units_less(&ar, &br)
}

fn units_less<T: KeyUnit>(ar: &[T], br: &[T]) -> bool {
    let zero = |c: T| c.digit() == Some(0);
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].letter();
        let bl = br[i].letter();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if zero(ar[i]) || zero(br[i]) {
            let mut j = i;
            while j > 0 && ar[j - 1].digit().is_some() {
                j -= 1;
                if !zero(ar[j]) {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while let Some(d) = ar.get(ai).and_then(|c| c.digit()) {
            an = an.wrapping_mul(10).wrapping_add(d);
            ai += 1;
        }
        let mut bi = i;
        while let Some(d) = br.get(bi).and_then(|c| c.digit()) {
            bn = bn.wrapping_mul(10).wrapping_add(d);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

fn key_cmp(a: &str, b: &str) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// The emitter state that matters for block output.
struct Emitter {
    out: String,
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    mapping_context: bool,
    simple_key_context: bool,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, v: &YVal, mapping: bool, simple_key: bool) {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match v {
            YVal::Scalar(text, style) => self.scalar(text, *style),
            YVal::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            YVal::Map(entries) if entries.is_empty() => self.empty_flow("{", "}"),
            YVal::Seq(items) => {
                let indentless = self.mapping_context && !self.indention;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, false, false);
                }
                self.pop_indent();
            }
            YVal::Map(entries) => {
                self.increase_indent(false, false);
                for (k, val) in entries {
                    self.write_indent();
                    let style = string_style(k);
                    if k.len() <= 128 && !analyze(k).multiline {
                        self.key(k, style, true);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.key(k, style, false);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(val, true, false);
                }
                self.pop_indent();
            }
        }
    }

    /// A mapping key (what [`node`](Self::node) does for a scalar key).
    fn key(&mut self, k: &str, style: Style, simple_key: bool) {
        self.mapping_context = true;
        self.simple_key_context = simple_key;
        self.scalar(k, style);
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style) {
        let a = analyze(value);
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if !a.block_plain_allowed {
                style = Style::SingleQuoted;
            }
            if value.is_empty() && self.simple_key_context {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || self.simple_key_context) {
            style = Style::DoubleQuoted;
        }
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(value, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let mut spaces = false;
        let mut it = value.chars().peekable();
        while let Some(c) = it.next() {
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && it.peek() != Some(&' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut it = value.chars().peekable();
        let mut i = 0usize;
        while let Some(c) = it.next() {
            let next = it.peek().copied();
            i += 1;
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 1 && next.is_some() && next != Some(' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut it = value.chars().peekable();
        let mut first = true;
        while let Some(c) = it.next() {
            let next = it.peek().copied();
            let at_start = std::mem::replace(&mut first, false);
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let v = c as u32;
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let (p, w) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(p);
                        for ch in format!("{v:0w$X}").chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !at_start && next.is_some() {
                    self.write_indent();
                    if next == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        if value.chars().next().is_some_and(|c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let mut back = value.chars().rev();
        let chomp = match (back.next(), back.next()) {
            (None, _) => Some('-'),
            (Some(c), _) if !is_break(c) => Some('-'),
            (Some(_), None) => Some('+'),
            (Some(_), Some(before)) => {
                if is_break(before) {
                    Some('+')
                } else {
                    None
                }
            }
        };
        if let Some(h) = chomp {
            self.write_indicator(&h.to_string(), false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// A value as go-yaml sees it after reading the JSON back: scalars carry their
/// text and requested style, map keys are strings in go-yaml's order.
enum YVal {
    Scalar(String, Style),
    Seq(Vec<YVal>),
    Map(Vec<(String, YVal)>),
}

fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if needs_quotes(s) {
        Style::DoubleQuoted
    } else {
        Style::Plain
    }
}

/// The text go-yaml prints for a JSON number read back from `json_text`.
fn number_text(json_text: &str) -> String {
    match resolve("", json_text) {
        Ok((_, Resolved::Int(i))) => i.to_string(),
        Ok((_, Resolved::Uint(u))) => u.to_string(),
        Ok((_, Resolved::Float(f))) => {
            let s = strconv::format_float(f, b'g', -1);
            match s.as_str() {
                "+Inf" => ".inf".into(),
                "-Inf" => "-.inf".into(),
                "NaN" => ".nan".into(),
                _ => s,
            }
        }
        _ => json_text.to_string(),
    }
}

fn to_yval(j: JsonVal) -> YVal {
    match j {
        JsonVal::Null => YVal::Scalar("null".into(), Style::Plain),
        JsonVal::Bool(b) => YVal::Scalar(b.to_string(), Style::Plain),
        JsonVal::Number(text) => YVal::Scalar(number_text(&text), Style::Plain),
        JsonVal::String(s) => {
            let style = string_style(&s);
            YVal::Scalar(s, style)
        }
        JsonVal::Array(items) => YVal::Seq(items.into_iter().map(to_yval).collect()),
        JsonVal::Object(entries) => {
            let mut v: Vec<(String, YVal)> = entries.into_iter().map(|(k, v)| (k, to_yval(v))).collect();
            v.sort_by(|a, b| key_cmp(&a.0, &b.0));
            YVal::Map(v)
        }
    }
}

/// go-yaml reads the JSON back as one line of YAML, where a key is only recognised
/// within 1024 characters of its start: a longer key makes the read fail.
/// What go-yaml reports when `sigs.k8s.io/yaml` reads the JSON text back: a key
/// over 1022 characters, or a character its reader forbids that encoding/json
/// leaves unescaped (DEL, C1 controls other than NEL, U+FFFE, U+FFFF).
fn check_json_text(j: &JsonVal) -> Result<(), String> {
    let check_chars = |s: &str| {
        let forbidden = |c: char| matches!(c as u32, 0x7F | 0x80..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF);
        match s.chars().any(forbidden) {
            true => Err("yaml: control characters are not allowed".to_string()),
            false => Ok(()),
        }
    };
    match j {
        JsonVal::Array(items) => items.iter().try_for_each(check_json_text),
        JsonVal::Object(members) => {
            for (k, v) in members {
                // A character takes at most 6 in JSON (`\u2028`), so only a long
                // key can exceed the limit.
                if k.len() * 6 + 2 > 1024 && json::encoded_len(k) > 1024 {
                    return Err("yaml: did not find expected ',' or '}'".into());
                }
                check_chars(k)?;
                check_json_text(v)?;
            }
            Ok(())
        }
        JsonVal::String(s) => check_chars(s),
        _ => Ok(()),
    }
}

/// `sigs.k8s.io/yaml.Marshal(v)`: the bytes Helm's `toYaml` prints (before it trims
/// one final `"\n"`). Fails with Go's error text (`json: unsupported value: NaN`,
/// `yaml: did not find expected ',' or '}'` for a key over 1022 characters).
pub fn to_yaml(v: &Value) -> Result<String, String> {
    let j = json::to_json_val(v)?;
    check_json_text(&j)?;
    let y = to_yval(j);
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        mapping_context: false,
        simple_key_context: false,
    };
    e.node(&y, false, false);
    e.write_indent();
    Ok(e.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_key_order() {
        let mut keys = vec!["a10", "a9", "aB", "a_", "a-1", "a1", "A", "1", "10", "2", ""];
        keys.sort_by(|a, b| key_cmp(a, b));
        assert_eq!(keys, vec!["", "1", "2", "10", "A", "a-1", "a_", "a1", "a9", "a10", "aB"]);
    }

    #[test]
    fn keys_longer_than_go_yaml_reads_fail() {
        let long = |n: usize| {
            let m = govalue::Map::new();
            m.insert("k".repeat(n), Value::Float(1.0));
            Value::Map(m)
        };
        assert!(to_yaml(&long(1022)).is_ok());
        assert_eq!(to_yaml(&long(1023)).unwrap_err(), "yaml: did not find expected ',' or '}'");
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("12:30"));
        assert!(is_base60_float("1:2:3"));
        assert!(!is_base60_float("12:60"));
        assert!(!is_base60_float("12"));
    }
}
