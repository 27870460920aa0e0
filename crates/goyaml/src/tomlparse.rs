//! Helm's `fromToml`: TOML decoded into `map[string]interface{}` the way
//! BurntSushi/toml does it (integers int64, floats float64, arrays of tables as
//! lists of maps), with its error texts for the common mistakes
//! (`toml: line 1 (last key "a"): unexpected EOF; expected value`).

use std::collections::HashSet;

use govalue::{strconv, Map, Value};

struct TomlError {
    line: usize,
    last_key: String,
    message: String,
}

type TResult<T> = Result<T, TomlError>;

/// Makes the value of a TOML date, time or date-time from its text (`None` keeps
/// the text as a string).
pub type DatetimeFn<'f> = &'f dyn Fn(&str) -> Option<Value>;

struct Parser<'f> {
    /// How date-times become values.
    datetime: DatetimeFn<'f>,
    /// The first byte that is not UTF-8; the text read ends just before it.
    bad_byte: Option<u8>,
    chars: Vec<char>,
    i: usize,
    root: Map,
    /// The key path of the table that `key = value` lines go into.
    table: Vec<String>,
    /// The full path of the key being read, for error messages.
    last_key: String,
    /// The key of the inline table being read (its keys print below it).
    key_prefix: String,
    /// Tables defined by a `[header]` (they cannot be defined twice).
    explicit: HashSet<String>,
    /// Paths that hold arrays of tables (`[[header]]`).
    table_arrays: HashSet<String>,
}

const MAX_DEPTH: usize = 500;

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl Parser<'_> {
    fn ch(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn line(&self) -> usize {
        1 + self.chars[..self.i.min(self.chars.len())].iter().filter(|c| **c == '\n').count()
    }

    fn err<T>(&self, message: impl Into<String>) -> TResult<T> {
        // Reading on into an invalid byte fails there, whatever was expected.
        let message = match self.bad_byte {
            Some(b) if self.i >= self.chars.len() => format!("invalid UTF-8 byte: {b:#x}"),
            _ => message.into(),
        };
        Err(TomlError { line: self.line(), last_key: self.last_key.clone(), message })
    }

    fn skip_ws(&mut self) {
        while matches!(self.ch(0), Some(' ' | '\t')) {
            self.i += 1;
        }
    }

    fn skip_comment(&mut self) {
        if self.ch(0) == Some('#') {
            while !matches!(self.ch(0), None | Some('\n')) {
                self.i += 1;
            }
        }
    }

    /// Whitespace, newlines and comments (inside arrays).
    fn skip_ws_nl(&mut self) {
        loop {
            self.skip_ws();
            self.skip_comment();
            match self.ch(0) {
                Some('\n') => self.i += 1,
                Some('\r') if self.ch(1) == Some('\n') => self.i += 2,
                _ => break,
            }
        }
    }

    fn found(&self) -> String {
        match self.ch(0) {
            None => "end of file".into(),
            Some(c) => strconv::quote_rune(c),
        }
    }

    fn document(&mut self) -> TResult<()> {
        loop {
            self.skip_ws_nl();
            match self.ch(0) {
                None => return Ok(()),
                Some('[') => self.header()?,
                Some(_) => {
                    let table = self.table.clone();
                    self.key_value(&table, 0)?;
                    // BurntSushi's context falls back to the table's path.
                    self.last_key = table.join(".");
                }
            }
            self.skip_ws();
            self.skip_comment();
            match self.ch(0) {
                None | Some('\n') => {}
                Some('\r') if self.ch(1) == Some('\n') => {}
                Some(c) => {
                    return self.err(format!(
                        "expected a top-level item to end with a newline, comment, or EOF, but got {} instead",
                        strconv::quote_rune(c)
                    ))
                }
            }
        }
    }

    fn key_part(&mut self) -> TResult<String> {
        match self.ch(0) {
            Some('"') => self.basic_string(),
            Some('\'') => self.literal_string(),
            Some(c) if is_bare(c) => {
                let st = self.i;
                while self.ch(0).is_some_and(is_bare) {
                    self.i += 1;
                }
                Ok(self.chars[st..self.i].iter().collect())
            }
            Some('=') => self.err("unexpected '=': key name appears blank"),
            None => self.err("unexpected EOF; expected key name"),
            Some(c) => self.err(format!("bare keys cannot contain {}", strconv::quote_rune(c))),
        }
    }

    fn dotted_key(&mut self) -> TResult<Vec<String>> {
        let mut parts = vec![self.key_part()?];
        loop {
            self.skip_ws();
            if self.ch(0) != Some('.') {
                return Ok(parts);
            }
            self.i += 1;
            self.skip_ws();
            parts.push(self.key_part()?);
        }
    }

    fn header(&mut self) -> TResult<()> {
        self.i += 1;
        let array = self.ch(0) == Some('[');
        if array {
            self.i += 1;
        }
        self.skip_ws();
        let key = self.dotted_key()?;
        self.skip_ws();
        let close = if array { "]]" } else { "]" };
        for expected in close.chars() {
            if self.ch(0) != Some(expected) {
                let message = format!("expected '.' or ']' to end table name, but got {} instead", self.found());
                // BurntSushi's lexer has read past the offending character here.
                self.i += 1;
                return self.err(message);
            }
            self.i += 1;
        }
        let dotted = key.join(".");
        let path = key.join("\u{0}");
        let (parent_key, last) = key.split_at(key.len() - 1);
        // BurntSushi reports a header's errors in the context of its parent table.
        self.last_key = parent_key.join(".");
        let parent = self.walk(parent_key)?;
        let name = &last[0];
        let existing = parent.get(name);
        if array {
            match existing {
                None => {
                    parent.insert(name.as_str(), Value::list(vec![Value::Map(Map::new())]));
                    self.table_arrays.insert(path);
                }
                Some(Value::List(l)) if self.table_arrays.contains(&path) => {
                    let mut items = l.items().to_vec();
                    items.push(Value::Map(Map::new()));
                    parent.insert(name.as_str(), Value::list(items));
                }
                Some(_) => {
                    return self.err(format!("Key '{dotted}' was already created and cannot be used as an array."))
                }
            }
        } else {
            match existing {
                None => parent.insert(name.as_str(), Value::Map(Map::new())),
                Some(Value::Map(_)) if !self.explicit.contains(&path) => {}
                Some(_) => return self.err(format!("Key '{dotted}' has already been defined.")),
            }
            self.explicit.insert(path);
        }
        self.last_key.clear();
        self.table = key;
        Ok(())
    }

    /// The map at `path` below the root, creating implicit tables and descending into
    /// the last table of an array of tables.
    fn walk(&self, path: &[String]) -> TResult<Map> {
        let mut cur = self.root.clone();
        for (n, k) in path.iter().enumerate() {
            let next = match cur.get(k) {
                None => {
                    let m = Map::new();
                    cur.insert(k.as_str(), Value::Map(m.clone()));
                    m
                }
                Some(Value::Map(m)) => m,
                Some(Value::List(l)) if self.table_arrays.contains(&path[..=n].join("\u{0}")) => {
                    match l.items().last() {
                        Some(Value::Map(m)) => m.clone(),
                        _ => return self.err(format!("Key '{}' has already been defined.", path[..=n].join("."))),
                    }
                }
                Some(_) => return self.err(format!("Key '{}' has already been defined.", path[..=n].join("."))),
            };
            cur = next;
        }
        Ok(cur)
    }

    fn key_value(&mut self, table: &[String], depth: usize) -> TResult<()> {
        let key = self.dotted_key()?;
        let mut full: Vec<String> = table.to_vec();
        full.extend(key.iter().cloned());
        self.skip_ws();
        match self.ch(0) {
            Some('=') => self.i += 1,
            None => return self.err("unexpected EOF; expected key separator '='"),
            Some(_) => return self.err(format!("expected key separator '=', but got {} instead", self.found())),
        }
        self.last_key =
            if self.key_prefix.is_empty() { full.join(".") } else { format!("{}.{}", self.key_prefix, full.join(".")) };
        self.skip_ws();
        let v = self.value(depth)?;
        let (parent_key, last) = full.split_at(full.len() - 1);
        let parent = self.walk(parent_key)?;
        let path = full.join("\u{0}");
        match parent.get(&last[0]) {
            None => {}
            // BurntSushi quietly keeps a table made implicitly by dotted keys
            // (`a.b = 1` then `a = 2` leaves `a = {b = 1}`).
            Some(Value::Map(_)) if self.key_prefix.is_empty() && !self.explicit.contains(&path) => return Ok(()),
            Some(_) => return self.err(format!("Key '{}' has already been defined.", self.last_key)),
        }
        if self.key_prefix.is_empty() && matches!(v, Value::Map(_)) {
            // An inline table is complete: a later `[header]` cannot reopen it.
            self.explicit.insert(path);
        }
        parent.insert(last[0].as_str(), v);
        Ok(())
    }

    fn value(&mut self, depth: usize) -> TResult<Value> {
        if depth > MAX_DEPTH {
            return self.err("value nested too deeply");
        }
        match self.ch(0) {
            None => self.err("unexpected EOF; expected value"),
            Some('"') => Ok(Value::string(self.basic_string()?)),
            Some('\'') => Ok(Value::string(self.literal_string()?)),
            Some('[') => self.array(depth),
            Some('{') => self.inline_table(depth),
            Some(c) if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_') => self.scalar(),
            Some(_) => self.err(format!("expected value but found {} instead", self.found())),
        }
    }

    fn scalar(&mut self) -> TResult<Value> {
        let st = self.i;
        if let (Some('0'), Some(p @ ('x' | 'o' | 'b'))) = (self.ch(0), self.ch(1)) {
            return self.prefixed_integer(p);
        }
        while let Some(c) = self.ch(0) {
            let date_space = c == ' '
                && self.ch(1).is_some_and(|d| d.is_ascii_digit())
                && self.chars[st..self.i].iter().filter(|x| **x == '-').count() >= 2
                && !self.chars[st..self.i].contains(&':');
            if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_' | ':') || date_space {
                self.i += 1;
            } else {
                break;
            }
        }
        let tok: String = self.chars[st..self.i].iter().collect();
        match tok.as_str() {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "inf" | "+inf" => return Ok(Value::Float(f64::INFINITY)),
            "-inf" => return Ok(Value::Float(f64::NEG_INFINITY)),
            "nan" | "+nan" | "-nan" => return Ok(Value::Float(f64::NAN)),
            _ => {}
        }
        let first = tok.chars().next().unwrap_or(' ');
        if first.is_ascii_alphabetic() {
            return self.err(format!("expected value but found {} instead", strconv::quote(&tok)));
        }
        if is_datetime(&tok) {
            // BurntSushi decodes a time.Time; the caller decides (the text by default).
            return Ok((self.datetime)(&tok).unwrap_or_else(|| Value::string(tok)));
        }
        if first == '.' {
            return self.err("floats must start with a digit, not '.'");
        }
        let is_prefixed = tok.len() > 1 && tok.starts_with('0') && matches!(tok.as_bytes()[1], b'x' | b'o' | b'b');
        if !is_prefixed && (tok.contains('.') || tok.contains('e') || tok.contains('E')) {
            return self.float(&tok);
        }
        self.integer(&tok, is_prefixed)
    }

    /// `0x`, `0o` or `0b` and the digits after it: the first must be a digit of
    /// the base; the number ends at the first character that is neither a digit
    /// nor `_`.
    fn prefixed_integer(&mut self, prefix: char) -> TResult<Value> {
        let (radix, name) = match prefix {
            'x' => (16, "hexadecimal"),
            'o' => (8, "octal"),
            _ => (2, "binary"),
        };
        let st = self.i;
        self.i += 2;
        let first = self.ch(0).unwrap_or('\0');
        if !first.is_digit(radix) {
            return self.err(format!("not a{} {name} number: '0{prefix}{first}'", if radix == 8 { "n" } else { "" }));
        }
        while self.ch(0).is_some_and(|c| c.is_digit(radix) || c == '_') {
            self.i += 1;
        }
        let tok: String = self.chars[st..self.i].iter().collect();
        self.integer(&tok, true)
    }

    fn check_underscores(&self, tok: &str, kind: &str) -> TResult<()> {
        let b: Vec<char> = tok.chars().collect();
        for (k, &c) in b.iter().enumerate() {
            if c == '_' {
                let ok =
                    k > 0 && k + 1 < b.len() && b[k - 1].is_ascii_alphanumeric() && b[k + 1].is_ascii_alphanumeric();
                if !ok {
                    return self.err(format!(
                        "Invalid {kind} {}: underscores must be surrounded by digits",
                        strconv::quote(tok)
                    ));
                }
            }
        }
        Ok(())
    }

    fn integer(&self, tok: &str, prefixed: bool) -> TResult<Value> {
        self.check_underscores(tok, "integer")?;
        let clean = tok.replace('_', "");
        if prefixed {
            let (radix, digits) = match &clean[..2] {
                "0x" => (16, &clean[2..]),
                "0o" => (8, &clean[2..]),
                _ => (2, &clean[2..]),
            };
            return match u64::from_str_radix(digits, radix) {
                Ok(v) if !digits.starts_with(['+', '-']) => match i64::try_from(v) {
                    Ok(v) => Ok(Value::Int64(v)),
                    Err(_) => self.err(format!("{tok} is out of range for int64")),
                },
                Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => {
                    self.err(format!("{tok} is out of range for int64"))
                }
                _ => self.err(format!("not a valid integer: {}", strconv::quote(tok))),
            };
        }
        let body = clean.trim_start_matches(['+', '-']);
        if body.len() > 1 && body.starts_with('0') {
            return self.err(format!("Invalid integer {}: cannot have leading zeroes", strconv::quote(tok)));
        }
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return self.err(format!("expected value but found {} instead", strconv::quote(tok)));
        }
        match clean.parse::<i64>() {
            Ok(v) => Ok(Value::Int64(v)),
            Err(_) => self.err(format!("{tok} is out of range for int64")),
        }
    }

    fn float(&self, tok: &str) -> TResult<Value> {
        self.check_underscores(tok, "float")?;
        let clean = tok.replace('_', "");
        if let Some(p) = clean.find('.') {
            if !clean[p + 1..].starts_with(|c: char| c.is_ascii_digit()) {
                return self
                    .err(format!("Invalid float {}: '.' must be followed by one or more digits", strconv::quote(tok)));
            }
        }
        let body = clean.trim_start_matches(['+', '-']);
        let leading_zero = body.len() > 1 && body.starts_with('0') && body.as_bytes()[1].is_ascii_digit();
        if leading_zero {
            return self.err(format!("Invalid float {}: cannot have leading zeroes", strconv::quote(tok)));
        }
        match clean.parse::<f64>() {
            Ok(f) if f.is_finite() && body.starts_with(|c: char| c.is_ascii_digit()) => Ok(Value::Float(f)),
            Ok(f) if f.is_infinite() && body.starts_with(|c: char| c.is_ascii_digit()) => {
                self.err(format!("{tok} is out of range for float64"))
            }
            _ => self.err(format!("Invalid float value: {}", strconv::quote(tok))),
        }
    }

    fn basic_string(&mut self) -> TResult<String> {
        let multi = self.ch(1) == Some('"') && self.ch(2) == Some('"');
        self.i += if multi { 3 } else { 1 };
        if multi {
            if self.ch(0) == Some('\n') {
                self.i += 1;
            } else if self.ch(0) == Some('\r') && self.ch(1) == Some('\n') {
                self.i += 2;
            }
        }
        let mut out = String::new();
        loop {
            let Some(c) = self.ch(0) else {
                let q = if multi { "\"\"\"" } else { "\"" };
                return self.err(format!("unexpected EOF; expected '{q}'"));
            };
            if c == '"' {
                if !multi {
                    self.i += 1;
                    return Ok(out);
                }
                if self.ch(1) == Some('"') && self.ch(2) == Some('"') {
                    // Up to two quotes may end the content before the closing three.
                    let mut extra = 0;
                    while extra < 2 && self.ch(3 + extra) == Some('"') {
                        extra += 1;
                    }
                    for _ in 0..extra {
                        out.push('"');
                    }
                    self.i += 3 + extra;
                    return Ok(out);
                }
                out.push('"');
                self.i += 1;
                continue;
            }
            if c == '\n' && !multi {
                return self.err("strings cannot contain newlines");
            }
            if c == '\\' {
                let e = self.ch(1);
                if multi && matches!(e, Some(' ' | '\t' | '\n' | '\r')) {
                    let mut j = self.i + 1;
                    while matches!(self.chars.get(j), Some(' ' | '\t')) {
                        j += 1;
                    }
                    if matches!(self.chars.get(j), Some('\n' | '\r')) {
                        self.i = j;
                        while matches!(self.ch(0), Some(' ' | '\t' | '\n' | '\r')) {
                            self.i += 1;
                        }
                        continue;
                    }
                }
                self.i += 2;
                match e {
                    Some('b') => out.push('\u{8}'),
                    Some('t') => out.push('\t'),
                    Some('n') => out.push('\n'),
                    Some('f') => out.push('\u{c}'),
                    Some('r') => out.push('\r'),
                    Some('e') => out.push('\u{1b}'),
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some(u @ ('u' | 'U')) => {
                        let (n, count) = if u == 'u' { (4, "four") } else { (8, "eight") };
                        let read = &self.chars[self.i..(self.i + n).min(self.chars.len())];
                        // The characters read up to and including the first that is not hex.
                        let bad = read.iter().position(|c| !c.is_ascii_hexdigit());
                        if bad.is_some() || read.len() < n {
                            let got: String = read[..bad.map_or(read.len(), |k| k + 1)].iter().collect();
                            return self.err(format!(
                                "expected {count} hexadecimal digits after '\\{u}', but got {} instead",
                                strconv::quote(&format!("\\{u}{got}"))
                            ));
                        }
                        let hex: String = read.iter().collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) => out.push(ch),
                            None => return self.err(format!("Escaped character '\\{u}{hex}' is not valid UTF-8.")),
                        }
                        self.i += n;
                    }
                    Some(other) => return self.err(format!("invalid escape in string '\\{other}'")),
                    None => return self.err("unexpected EOF; expected '\"'"),
                }
                continue;
            }
            out.push(c);
            self.i += 1;
        }
    }

    fn literal_string(&mut self) -> TResult<String> {
        let multi = self.ch(1) == Some('\'') && self.ch(2) == Some('\'');
        self.i += if multi { 3 } else { 1 };
        if multi {
            if self.ch(0) == Some('\n') {
                self.i += 1;
            } else if self.ch(0) == Some('\r') && self.ch(1) == Some('\n') {
                self.i += 2;
            }
        }
        let mut out = String::new();
        loop {
            let Some(c) = self.ch(0) else {
                let q = if multi { "'''" } else { "'" };
                return self.err(format!("unexpected EOF; expected \"{q}\""));
            };
            if c == '\'' {
                if !multi {
                    self.i += 1;
                    return Ok(out);
                }
                if self.ch(1) == Some('\'') && self.ch(2) == Some('\'') {
                    let mut extra = 0;
                    while extra < 2 && self.ch(3 + extra) == Some('\'') {
                        extra += 1;
                    }
                    for _ in 0..extra {
                        out.push('\'');
                    }
                    self.i += 3 + extra;
                    return Ok(out);
                }
            }
            if c == '\n' && !multi {
                return self.err("strings cannot contain newlines");
            }
            out.push(c);
            self.i += 1;
        }
    }

    fn array(&mut self, depth: usize) -> TResult<Value> {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws_nl();
            if self.ch(0) == Some(']') {
                self.i += 1;
                return Ok(Value::list(items));
            }
            if self.ch(0) == Some(',') {
                return self.err("unexpected comma");
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws_nl();
            match self.ch(0) {
                Some(',') => self.i += 1,
                Some(']') => {
                    self.i += 1;
                    return Ok(Value::list(items));
                }
                None => {
                    return self.err("expected a comma (',') or array terminator (']'), but got end of file");
                }
                Some(_) => {
                    return self
                        .err(format!("expected a comma (',') or array terminator (']'), but got {}", self.found()))
                }
            }
        }
    }

    fn inline_table(&mut self, depth: usize) -> TResult<Value> {
        self.i += 1;
        let outer_key = self.last_key.clone();
        let saved_root = self.root.clone();
        let saved_table = std::mem::take(&mut self.table);
        let saved_prefix = std::mem::replace(&mut self.key_prefix, outer_key.clone());
        self.root = Map::new();
        // BurntSushi accepts newlines (and comments) inside inline tables (TOML 1.1).
        let result = (|| -> TResult<()> {
            self.skip_ws_nl();
            if self.ch(0) == Some('}') {
                self.i += 1;
                return Ok(());
            }
            loop {
                self.skip_ws_nl();
                self.key_value(&[], depth + 1)?;
                self.skip_ws_nl();
                match self.ch(0) {
                    Some(',') => {
                        // BurntSushi accepts a trailing comma (TOML 1.1).
                        self.i += 1;
                        self.skip_ws_nl();
                        if self.ch(0) == Some('}') {
                            self.i += 1;
                            return Ok(());
                        }
                    }
                    Some('}') => {
                        self.i += 1;
                        return Ok(());
                    }
                    None => {
                        return self
                            .err("expected a comma or an inline table terminator '}', but got end of file instead");
                    }
                    Some(_) => {
                        return self.err(format!(
                            "expected a comma or an inline table terminator '}}', but got {} instead",
                            self.found()
                        ))
                    }
                }
            }
        })();
        let table = std::mem::replace(&mut self.root, saved_root);
        self.table = saved_table;
        self.key_prefix = saved_prefix;
        result?;
        self.last_key = outer_key;
        Ok(Value::Map(table))
    }
}

/// Whether `tok` is a TOML date, time or date-time (kept as text).
fn is_datetime(tok: &str) -> bool {
    let b = tok.as_bytes();
    let date = b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-';
    let time = b.len() >= 8 && b[..2].iter().all(u8::is_ascii_digit) && b[2] == b':' && b[5] == b':';
    date || time
}

/// Helm's `fromToml`: the document as a map, or the error text BurntSushi/toml gives
/// (`toml: line 1 (last key "a"): unexpected EOF; expected value`). Dates and times
/// are kept as their text (Go would hold a `time.Time`).
pub fn parse_toml(text: &str) -> Result<Value, String> {
    parse_toml_with(text, &|_| None)
}

/// [`parse_toml`] with date-times made into values by `datetime`.
pub fn parse_toml_with(text: &str, datetime: DatetimeFn<'_>) -> Result<Value, String> {
    parse_toml_bytes_with(text.as_bytes(), datetime)
}

/// [`parse_toml_with`] of a Go string's bytes: an invalid UTF-8 byte is an error
/// (`invalid UTF-8 byte: 0x80`) where the parser reaches it.
pub fn parse_toml_bytes_with(bytes: &[u8], datetime: DatetimeFn<'_>) -> Result<Value, String> {
    let (text, bad_byte) = match std::str::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let valid = e.valid_up_to();
            (std::str::from_utf8(&bytes[..valid]).unwrap_or_default(), bytes.get(valid).copied())
        }
    };
    let mut p = Parser {
        datetime,
        bad_byte,
        chars: text.chars().collect(),
        i: 0,
        root: Map::new(),
        table: Vec::new(),
        last_key: String::new(),
        key_prefix: String::new(),
        explicit: HashSet::new(),
        table_arrays: HashSet::new(),
    };
    let result = p.document().and_then(|()| match p.bad_byte {
        Some(_) => p.err(""),
        None => Ok(()),
    });
    match result {
        Ok(()) => Ok(Value::Map(p.root)),
        Err(e) if e.last_key.is_empty() => Err(format!("toml: line {}: {}", e.line, e.message)),
        Err(e) => Err(format!("toml: line {} (last key {}): {}", e.line, strconv::quote(&e.last_key), e.message)),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_toml;

    fn v(s: &str) -> String {
        match parse_toml(s) {
            Ok(v) => v.to_go_string(),
            Err(e) => e,
        }
    }

    #[test]
    fn documents() {
        assert_eq!(v("a = 1\n[b]\nc = \"x\"\n"), "map[a:1 b:map[c:x]]");
        assert_eq!(v("a = [1, \"x\", 1.5, true]\n"), "map[a:[1 x 1.5 true]]");
        assert_eq!(v("[[t]]\nx = 1\n[[t]]\nx = 2\n"), "map[t:[map[x:1] map[x:2]]]");
        assert_eq!(v("a.b.c = 1\n\"q k\" = 'lit\\n'\n"), "map[a:map[b:map[c:1]] q k:lit\\n]");
        assert_eq!(v("s = \"\"\"\nline1\\\n   more\"\"\"\n"), "map[s:line1more]");
        assert_eq!(v("i = {x = 1, y = {z = 2}}\n"), "map[i:map[x:1 y:map[z:2]]]");
        assert_eq!(v("d = 1979-05-27T07:32:00Z\nh = 0xff\nu = 1_000\n"), "map[d:1979-05-27T07:32:00Z h:255 u:1000]");
        assert_eq!(v("# only comment\n"), "map[]");
        assert_eq!(v("a.b = 1\na = 2\n"), "map[a:map[b:1]]");
        assert_eq!(v("[a.b]\n[a]\nc = 1\n"), "map[a:map[b:map[] c:1]]");
        assert_eq!(v("[[a]]\nb=1\n[a.c]\nd=2\n"), "map[a:[map[b:1 c:map[d:2]]]]");
        assert_eq!(v("a = {\nb = 1, # c\nc = 2,\n}"), "map[a:map[b:1 c:2]]");
    }

    #[test]
    fn errors_match_burntsushi() {
        let cases = [
            ("a = ", "toml: line 1 (last key \"a\"): unexpected EOF; expected value"),
            ("a = \n", "toml: line 1 (last key \"a\"): expected value but found '\\n' instead"),
            ("a", "toml: line 1: unexpected EOF; expected key separator '='"),
            ("a = 1\na = 2", "toml: line 2 (last key \"a\"): Key 'a' has already been defined."),
            ("[a]\n[a]", "toml: line 2: Key 'a' has already been defined."),
            ("a = [1, 2", "toml: line 1 (last key \"a\"): expected a comma (',') or array terminator (']'), but got end of file"),
            ("a = {b = 1", "toml: line 1 (last key \"a.b\"): expected a comma or an inline table terminator '}', but got end of file instead"),
            ("a = \"x", "toml: line 1 (last key \"a\"): unexpected EOF; expected '\"'"),
            ("a = 1 2", "toml: line 1: expected a top-level item to end with a newline, comment, or EOF, but got '2' instead"),
            ("= 1", "toml: line 1: unexpected '=': key name appears blank"),
            ("a = tru", "toml: line 1 (last key \"a\"): expected value but found \"tru\" instead"),
            ("a = 01", "toml: line 1 (last key \"a\"): Invalid integer \"01\": cannot have leading zeroes"),
            ("a = 1__0", "toml: line 1 (last key \"a\"): Invalid integer \"1__0\": underscores must be surrounded by digits"),
            ("[a\nb = 1", "toml: line 2: expected '.' or ']' to end table name, but got '\\n' instead"),
            ("a = 'x\ny'", "toml: line 1 (last key \"a\"): strings cannot contain newlines"),
            ("a = \"\\q\"", "toml: line 1 (last key \"a\"): invalid escape in string '\\q'"),
            ("a = 1.", "toml: line 1 (last key \"a\"): Invalid float \"1.\": '.' must be followed by one or more digits"),
            ("a = .5", "toml: line 1 (last key \"a\"): floats must start with a digit, not '.'"),
            ("a = 1e", "toml: line 1 (last key \"a\"): Invalid float value: \"1e\""),
            ("a = 99999999999999999999", "toml: line 1 (last key \"a\"): 99999999999999999999 is out of range for int64"),
            ("x = 1\ny = \n", "toml: line 2 (last key \"y\"): expected value but found '\\n' instead"),
            ("a = {b = 1}\n[a]", "toml: line 2: Key 'a' has already been defined."),
            ("a = [1]\n[[a]]", "toml: line 2: Key 'a' was already created and cannot be used as an array."),
            ("a = 2\na.b = 1", "toml: line 2 (last key \"a.b\"): Key 'a' has already been defined."),
            ("a = 0x", "toml: line 1 (last key \"a\"): not a hexadecimal number: '0x\u{0}'"),
            ("a = 0xffffffffffffffff", "toml: line 1 (last key \"a\"): 0xffffffffffffffff is out of range for int64"),
            ("a = [1,,2]", "toml: line 1 (last key \"a\"): unexpected comma"),
            ("a = 1e400", "toml: line 1 (last key \"a\"): 1e400 is out of range for float64"),
            ("[a]\nb=1\n[a.b]", "toml: line 3 (last key \"a\"): Key 'a.b' has already been defined."),
            ("[a]\n[[a]]", "toml: line 2: Key 'a' was already created and cannot be used as an array."),
        ];
        for (input, expected) in cases {
            assert_eq!(v(input), expected, "input {input:?}");
        }
    }
}
