//! Regular expression functions (`regexMatch`, `regexFindAll`, `regexReplaceAll`,
//! `regexSplit`, ... and their `must` twins) with Go's RE2 semantics and error texts.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use govalue::{strconv, FuncError, FuncSpec, GoType, List, Param, Value};
use regex::Regex;

use crate::conv::{arg_bytes, arg_int, arg_str, fallible, func};

use Param::{Int, String as S};

/// The regex functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("regexMatch", &[S, S], |_, a| {
            Ok(Value::Bool(compile(arg_str(a, 0)).is_ok_and(|r| r.is_match(&subject(a, 1)))))
        }),
        fallible("mustRegexMatch", &[S, S], |_, a| Ok(Value::Bool(compile(arg_str(a, 0))?.is_match(&subject(a, 1))))),
        fallible("regexFindAll", &[S, S, Int], |_, a| {
            Ok(found_list(find_all(&must_compile(arg_str(a, 0))?, &subject(a, 1), arg_int(a, 2))))
        }),
        fallible("mustRegexFindAll", &[S, S, Int], |_, a| {
            Ok(found_list(find_all(&compile(arg_str(a, 0))?, &subject(a, 1), arg_int(a, 2))))
        }),
        fallible("regexFind", &[S, S], |_, a| Ok(find(&must_compile(arg_str(a, 0))?, &subject(a, 1)))),
        fallible("mustRegexFind", &[S, S], |_, a| Ok(find(&compile(arg_str(a, 0))?, &subject(a, 1)))),
        fallible("regexReplaceAll", &[S, S, S], |_, a| {
            replace_all(&must_compile(arg_str(a, 0))?, &subject(a, 1), &subject(a, 2), false)
        }),
        fallible("mustRegexReplaceAll", &[S, S, S], |_, a| {
            replace_all(&compile(arg_str(a, 0))?, &subject(a, 1), &subject(a, 2), false)
        }),
        fallible("regexReplaceAllLiteral", &[S, S, S], |_, a| {
            replace_all(&must_compile(arg_str(a, 0))?, &subject(a, 1), &subject(a, 2), true)
        }),
        fallible("mustRegexReplaceAllLiteral", &[S, S, S], |_, a| {
            replace_all(&compile(arg_str(a, 0))?, &subject(a, 1), &subject(a, 2), true)
        }),
        fallible("regexSplit", &[S, S, Int], |_, a| {
            let r = must_compile(arg_str(a, 0))?;
            Ok(split_list(split(&r, arg_str(a, 0), &subject(a, 1), arg_int(a, 2)), arg_int(a, 2)))
        }),
        fallible("mustRegexSplit", &[S, S, Int], |_, a| {
            let r = compile(arg_str(a, 0))?;
            Ok(split_list(split(&r, arg_str(a, 0), &subject(a, 1), arg_int(a, 2)), arg_int(a, 2)))
        }),
        func("regexQuoteMeta", &[S], |_, a| Ok(text_value(quote_meta(&subject(a, 0))))),
    ]
}

/// A string argument matched against (or used as a replacement) as text: Go's
/// regexp reads each byte that is not UTF-8 as one U+FFFD rune but keeps the bytes
/// in what it returns, so such bytes are escaped (`govalue::bytekey`) and every
/// result is unescaped by [`text_value`].
fn subject(args: &[Value], i: usize) -> Cow<'_, str> {
    govalue::bytekey::escape(arg_bytes(args, i))
}

/// A result text (see [`subject`]) as a Go string.
fn text_value(s: String) -> Value {
    match govalue::bytekey::unescape(&s) {
        Cow::Borrowed(_) => Value::string(s),
        Cow::Owned(bytes) => Value::from_go_bytes(bytes),
    }
}

/// Result texts as a `[]string`.
fn text_list(items: Vec<String>) -> Value {
    Value::List(List::typed(items.into_iter().map(text_value).collect(), GoType::String))
}

thread_local! {
    /// Recently compiled patterns (templates often apply one pattern in a loop).
    static CACHE: RefCell<HashMap<String, Result<Regex, FuncError>>> = RefCell::new(HashMap::new());
}

/// How many compiled patterns the cache keeps before it starts over.
const CACHE_SIZE: usize = 256;

/// Compiles with Go's error text (`error parsing regexp: ...`), cached.
fn compile(expr: &str) -> Result<Regex, FuncError> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(expr).cloned()) {
        return hit;
    }
    let compiled = compile_uncached(expr);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.clear();
        }
        c.insert(expr.to_string(), compiled.clone());
    });
    compiled
}

fn compile_uncached(expr: &str) -> Result<Regex, FuncError> {
    compile_go(expr).map_err(FuncError::new)
}

/// Compiles a Go (RE2) regular expression with Go's meaning: ASCII-only `\d`, `\w`,
/// `\s`, `\b`, RE2's character-class rules, and Go's error text
/// (`error parsing regexp: ...`) for patterns Go rejects.
pub fn compile_go(expr: &str) -> Result<Regex, String> {
    if let Some(msg) = go_syntax_error(expr) {
        return Err(format!("error parsing regexp: {msg}"));
    }
    let translated = translate(expr).map_err(|msg| format!("error parsing regexp: {msg}"))?;
    Regex::new(&translated).map_err(|e| format!("error parsing regexp: {}", rust_error_text(expr, &e)))
}

/// The ASCII sets behind Go's Perl class escapes, as `regex` crate classes.
fn perl_class(c: char) -> Option<&'static str> {
    Some(match c {
        'd' => "[0-9]",
        'D' => "[^0-9]",
        'w' => "[0-9A-Za-z_]",
        'W' => "[^0-9A-Za-z_]",
        's' => "[\\t\\n\\f\\r ]",
        'S' => "[^\\t\\n\\f\\r ]",
        _ => return None,
    })
}

/// The POSIX class names RE2 knows (`[:alpha:]`, ...).
const POSIX_NAMES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word",
    "xdigit",
];

/// One literal character in `regex` crate syntax.
fn literal(c: char) -> String {
    format!("\\x{{{:x}}}", c as u32)
}

/// Parses one Go character escape at `s[i]` (just after the backslash): octal,
/// `\x..`, `\a\f\n\r\t\v`, or escaped punctuation. Returns the character and the
/// index after it, or Go's error text.
fn parse_escape(s: &[char], i: usize) -> Result<(char, usize), String> {
    let Some(&c) = s.get(i) else {
        return Err("trailing backslash at end of expression: ``".to_string());
    };
    let bad = |end: usize| {
        let seq: String = s[i - 1..end.min(s.len())].iter().collect();
        Err(format!("invalid escape sequence: `{seq}`"))
    };
    let octal = |d: Option<&char>| d.is_some_and(|d| ('0'..='7').contains(d));
    match c {
        '1'..='7' if !octal(s.get(i + 1)) => bad(i + 1),
        '0'..='7' => {
            let mut v = c as u32 - '0' as u32;
            let mut j = i + 1;
            while j < i + 3 && octal(s.get(j)) {
                v = v * 8 + (s[j] as u32 - '0' as u32);
                j += 1;
            }
            Ok((char::from_u32(v).unwrap_or('\0'), j))
        }
        'x' => {
            if s.get(i + 1) == Some(&'{') {
                let mut j = i + 2;
                let mut v: u32 = 0;
                let mut digits = 0;
                while let Some(d) = s.get(j).and_then(|d| d.to_digit(16)) {
                    v = v.saturating_mul(16).saturating_add(d);
                    if v > 0x10FFFF {
                        // Go stops at the digit that overflows.
                        return bad(j + 1);
                    }
                    digits += 1;
                    j += 1;
                }
                if digits == 0 || s.get(j) != Some(&'}') || v > 0x10FFFF {
                    return bad(j + 1);
                }
                match char::from_u32(v) {
                    Some(ch) => Ok((ch, j + 1)),
                    None => bad(j + 1),
                }
            } else {
                let hi = s.get(i + 1).and_then(|d| d.to_digit(16));
                let lo = s.get(i + 2).and_then(|d| d.to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => Ok((char::from_u32(h * 16 + l).unwrap_or('\0'), i + 3)),
                    (Some(_), None) => bad(i + 3),
                    _ => bad(i + 2),
                }
            }
        }
        'a' => Ok(('\u{7}', i + 1)),
        'f' => Ok(('\u{c}', i + 1)),
        'n' => Ok(('\n', i + 1)),
        'r' => Ok(('\r', i + 1)),
        't' => Ok(('\t', i + 1)),
        'v' => Ok(('\u{b}', i + 1)),
        _ if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c, i + 1)),
        _ => bad(i + 1),
    }
}

/// A `\p`/`\P` Unicode class at `s[i]` (just after the backslash). Returns the
/// text for the `regex` crate and the index after it.
fn parse_unicode_class(s: &[char], i: usize) -> Result<(String, usize), String> {
    let end = match s.get(i + 1) {
        Some('{') => match s[i + 1..].iter().position(|&c| c == '}') {
            Some(p) => i + 1 + p + 1,
            None => {
                let seq: String = s[i - 1..].iter().collect();
                return Err(format!("invalid character class range: `{seq}`"));
            }
        },
        Some(_) => i + 2,
        None => return Err("invalid character class range: `\\p`".replace('p', &s[i].to_string())),
    };
    let seq: String = s[i - 1..end].iter().collect();
    // `\p{^Greek}` is RE2's spelling of `\P{Greek}` (and the other way round).
    let rust = match seq.get(2..4) {
        Some("{^") => format!("\\{}{{{}", if s[i] == 'p' { 'P' } else { 'p' }, &seq[4..]),
        _ => seq.clone(),
    };
    if Regex::new(&rust).is_err() {
        return Err(format!("invalid character class range: `{seq}`"));
    }
    Ok((rust, end))
}

/// One character of a class (a literal or a character escape), for ranges.
fn class_char(s: &[char], i: usize) -> Result<(char, usize), String> {
    if s[i] == '\\' {
        parse_escape(s, i + 1)
    } else {
        Ok((s[i], i + 1))
    }
}

/// Translates the bracket expression starting at `s[start] == '['` with RE2's
/// rules: after a class (`\w`, `[:word:]`, `\pL`) a `-` is a literal, a range
/// must run between two characters, and `[` is a literal.
fn translate_class(s: &[char], start: usize) -> Result<(String, usize), String> {
    let missing = || format!("missing closing ]: `{}`", s[start..].iter().collect::<String>());
    let mut out = String::from("[");
    let mut i = start + 1;
    if s.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = s.get(i) else {
            return Err(missing());
        };
        if c == ']' && !first {
            out.push(']');
            return Ok((out, i + 1));
        }
        first = false;
        if c == '[' && s.get(i + 1) == Some(&':') {
            let rest: String = s[i + 2..].iter().collect();
            if let Some(p) = rest.find(":]") {
                let name = &rest[..p];
                let len = name.chars().count();
                if !POSIX_NAMES.contains(&name.strip_prefix('^').unwrap_or(name)) {
                    return Err(format!("invalid character class range: `[:{name}:]`"));
                }
                out.push_str(&format!("[:{name}:]"));
                i += 2 + len + 2;
                continue;
            }
        }
        if c == '\\' {
            if let Some(&n) = s.get(i + 1) {
                if n == 'p' || n == 'P' {
                    let (seq, next) = parse_unicode_class(s, i + 1)?;
                    out.push_str(&seq);
                    i = next;
                    continue;
                }
                if let Some(class) = perl_class(n) {
                    out.push_str(class);
                    i += 2;
                    continue;
                }
            }
        }
        let (lo, mut next) = class_char(s, i)?;
        let mut hi = lo;
        if s.get(next) == Some(&'-') && s.get(next + 1).is_some_and(|&c| c != ']') {
            let (h, after) = class_char(s, next + 1)?;
            if h < lo {
                let seq: String = s[i..after].iter().collect();
                return Err(format!("invalid character class range: `{seq}`"));
            }
            hi = h;
            next = after;
        } else if s.get(next) == Some(&'-') && s.get(next + 1).is_none() {
            return Err(missing());
        }
        out.push_str(&literal(lo));
        if hi != lo {
            out.push('-');
            out.push_str(&literal(hi));
        }
        i = next;
    }
}

/// Rewrites RE2 syntax into the `regex` crate's with the same meaning: Go's `\d`,
/// `\w`, `\s` and `\b` are ASCII-only, `\Q...\E` quotes a literal, character
/// escapes follow Go's rules, and bracket expressions follow RE2's rules
/// (see [`translate_class`]). Errors are Go's texts, without the
/// `error parsing regexp: ` prefix.
pub fn translate(expr: &str) -> Result<String, String> {
    let s: Vec<char> = expr.chars().collect();
    let mut out = String::with_capacity(expr.len() + 8);
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            '[' => {
                let (class, next) = translate_class(&s, i)?;
                out.push_str(&class);
                i = next;
            }
            '\\' => {
                let Some(&n) = s.get(i + 1) else {
                    return Err("trailing backslash at end of expression: ``".to_string());
                };
                if let Some(class) = perl_class(n) {
                    out.push_str(class);
                    i += 2;
                    continue;
                }
                match n {
                    'A' | 'z' => {
                        out.push('\\');
                        out.push(n);
                        i += 2;
                    }
                    'b' | 'B' => {
                        out.push_str(&format!("(?-u:\\{n})"));
                        i += 2;
                    }
                    'p' | 'P' => {
                        let (seq, next) = parse_unicode_class(&s, i + 1)?;
                        out.push_str(&seq);
                        i = next;
                    }
                    'Q' => {
                        let mut j = i + 2;
                        while j < s.len() && !(s[j] == '\\' && s.get(j + 1) == Some(&'E')) {
                            out.push_str(&literal(s[j]));
                            j += 1;
                        }
                        i = if j < s.len() { j + 2 } else { j };
                    }
                    _ => {
                        let (c, next) = parse_escape(&s, i + 1)?;
                        out.push_str(&literal(c));
                        i = next;
                    }
                }
            }
            '{' => {
                let at: usize = s[..i].iter().map(|c| c.len_utf8()).sum();
                match repeat_at(expr, at) {
                    Some((end, min, max)) => {
                        let text = &expr[at..end];
                        if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                            return Err(format!("invalid repeat count: `{text}`"));
                        }
                        out.push_str(text);
                        i += text.chars().count();
                    }
                    None => {
                        out.push_str("\\{");
                        i += 1;
                    }
                }
            }
            '(' if s.get(i + 1) == Some(&'?') => {
                let mut j = i + 2;
                let named = s.get(j) == Some(&'<') || (s.get(j) == Some(&'P') && s.get(j + 1) == Some(&'<'));
                if !named && s.get(j) == Some(&')') {
                    // An empty flag group changes nothing.
                    i = j + 1;
                    continue;
                }
                if !named {
                    while s.get(j).is_some_and(|c| "imsU-".contains(*c)) {
                        j += 1;
                    }
                    if !matches!(s.get(j), Some(':') | Some(')')) {
                        let seq: String = s[i..(j + 1).min(s.len())].iter().collect();
                        return Err(format!("invalid or unsupported Perl syntax: `{seq}`"));
                    }
                }
                out.push_str("(?");
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// `regexp.MustCompile`: its panic text wraps the error with the expression.
fn must_compile(expr: &str) -> Result<Regex, FuncError> {
    compile(expr).map_err(|e| {
        let quoted = if can_backquote(expr) { format!("`{expr}`") } else { strconv::quote(expr) };
        FuncError::new(format!("regexp: Compile({quoted}): {}", e.message))
    })
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !(c.is_control())))
}

/// A counted repetition (`{n}`, `{n,}`, `{n,m}`) starting at byte `i` of `expr`:
/// the byte index after it, its minimum and its maximum (`None` if open).
/// `None` when the `{` is a literal, as RE2 reads it.
fn repeat_at(expr: &str, i: usize) -> Option<(usize, u64, Option<u64>)> {
    let rest = expr.get(i + 1..)?;
    let close = rest.find('}')?;
    let body = &rest[..close];
    let number = |t: &str| -> Option<u64> {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(t.parse::<u64>().unwrap_or(u64::MAX))
    };
    let (min, max) = match body.split_once(',') {
        None => {
            let n = number(body)?;
            (n, Some(n))
        }
        Some((lo, "")) => (number(lo)?, None),
        Some((lo, hi)) => (number(lo)?, Some(number(hi)?)),
    };
    Some((i + 1 + close + 1, min, max))
}

/// The Go error for the structural mistakes RE2 reports first (unbalanced groups).
fn go_syntax_error(expr: &str) -> Option<String> {
    let mut depth = 0i64;
    let mut chars = expr.char_indices().peekable();
    let mut in_class = false;
    // Where the last repetition operator began, and whether it took a lazy `?`.
    let mut last_rep: Option<(usize, bool)> = None;
    while let Some((i, c)) = chars.next() {
        let rep = last_rep.take();
        match c {
            '*' | '+' | '?' if !in_class => {
                match rep {
                    Some((_, false)) if c == '?' => last_rep = rep.map(|(at, _)| (at, true)),
                    Some((at, _)) => {
                        return Some(format!("invalid nested repetition operator: `{}`", &expr[at..i + 1]));
                    }
                    None => last_rep = Some((i, false)),
                }
                continue;
            }
            '{' if !in_class => {
                if let Some(rep_end) = repeat_at(expr, i).map(|r| r.0) {
                    if let Some((at, _)) = rep {
                        return Some(format!("invalid nested repetition operator: `{}`", &expr[at..rep_end]));
                    }
                    last_rep = Some((i, false));
                    while chars.peek().is_some_and(|p| p.0 < rep_end) {
                        chars.next();
                    }
                    continue;
                }
            }
            '\\' => {
                chars.next();
            }
            '[' if !in_class => {
                in_class = true;
                if chars.peek().map(|p| p.1) == Some('^') {
                    chars.next();
                }
                if chars.peek().map(|p| p.1) == Some(']') {
                    chars.next();
                }
            }
            '[' if in_class && expr[i..].starts_with("[:") => {
                // A POSIX class: its `:]` does not close the bracket expression.
                if let Some(end) = expr[i + 2..].find(":]").map(|p| i + 2 + p + 2) {
                    while chars.peek().is_some_and(|p| p.0 < end) {
                        chars.next();
                    }
                }
            }
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth < 0 {
                    return Some(format!("unexpected ): `{expr}`"));
                }
            }
            _ => {}
        }
    }
    if in_class {
        return None;
    }
    if depth > 0 {
        return Some(format!("missing closing ): `{expr}`"));
    }
    None
}

/// A best-effort Go wording of a Rust regex syntax error.
fn rust_error_text(expr: &str, e: &regex::Error) -> String {
    let text = e.to_string();
    if text.contains("unclosed character class") {
        return format!("missing closing ]: `{}`", expr.get(expr.rfind('[').unwrap_or(0)..).unwrap_or(expr));
    }
    if text.contains("repetition count") || text.contains("repetition quantifier") {
        let start = expr.find('{').unwrap_or(0);
        let end = expr[start..].find('}').map(|e| start + e + 1).unwrap_or(expr.len());
        return format!("invalid repeat count: `{}`", &expr[start..end]);
    }
    if text.contains("repetition operator missing expression") {
        return format!("missing argument to repetition operator: `{}`", bare_operator(expr));
    }
    if text.contains("backreferences are not supported") || text.contains("unrecognized escape") {
        return format!("invalid escape sequence: `{}`", escape_at(expr, &text));
    }
    if text.contains("look-around") {
        return format!(
            "invalid or unsupported Perl syntax: `{}`",
            expr.get(expr.find("(?").unwrap_or(0)..).map(|s| s.chars().take(3).collect::<String>()).unwrap_or_default()
        );
    }
    text.lines().last().unwrap_or("").trim_start_matches("error: ").to_string()
}

/// The first repetition operator with nothing to repeat (at the start, or right
/// after `(` or `|`), as Go quotes it.
fn bare_operator(expr: &str) -> String {
    let mut prev: Option<char> = None;
    for (i, c) in expr.char_indices() {
        let bare = matches!(prev, None | Some('(') | Some('|'));
        if bare && matches!(c, '*' | '+' | '?') {
            return c.to_string();
        }
        if bare && c == '{' {
            if let Some((end, _, _)) = repeat_at(expr, i) {
                return expr[i..end].to_string();
            }
        }
        prev = if prev == Some('\\') { Some('x') } else { Some(c) };
    }
    "*".to_string()
}

/// The first backslash escape Go would reject, for the error text.
fn escape_at(expr: &str, _text: &str) -> String {
    let mut it = expr.char_indices();
    while let Some((i, c)) = it.next() {
        if c == '\\' {
            if let Some((_, n)) = it.next() {
                if n.is_ascii_digit() || n.is_ascii_alphabetic() && !"dDsSwWbBpPAzxnrtfvaQEC".contains(n) {
                    return format!("\\{n}");
                }
                let _ = i;
            }
        }
    }
    "\\".to_string()
}

/// `Regexp.ReplaceAllString` (or the literal form), refusing results that could
/// exceed what Go can allocate.
fn replace_all(r: &Regex, s: &str, repl: &str, literal: bool) -> Result<Value, FuncError> {
    let matches = r.find_iter(s).count() as u128;
    // Each `$` reference expands to part of its own match, and matches do not
    // overlap, so all expansions of one reference add up to at most `s`.
    let refs = if literal { 0 } else { repl.matches('$').count() as u128 };
    let bound = s.len() as u128 * (1 + refs) + matches * repl.len() as u128;
    crate::strings::check_alloc(bound)?;
    Ok(text_value(if literal {
        r.replace_all(s, regex::NoExpand(repl)).into_owned()
    } else {
        r.replace_all(s, repl).into_owned()
    }))
}

/// `Regexp.FindString`.
fn find(r: &Regex, s: &str) -> Value {
    text_value(r.find(s).map(|m| m.as_str()).unwrap_or("").to_string())
}

/// `Regexp.FindAllString(s, n)`.
fn find_all(r: &Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    r.find_iter(s).take(limit).map(|m| m.as_str().to_string()).collect()
}

/// `Regexp.Split(s, n)`.
/// `regexSplit`'s result: Go's `Regexp.Split` returns a nil slice for `n == 0`.
fn split_list(items: Vec<String>, n: i64) -> Value {
    if n == 0 {
        Value::List(govalue::List::nil(govalue::GoType::String))
    } else {
        text_list(items)
    }
}

/// What `regexFindAll` found: nil when nothing (Go appends to a nil slice).
fn found_list(items: Vec<String>) -> Value {
    if items.is_empty() {
        Value::List(govalue::List::nil(govalue::GoType::String))
    } else {
        text_list(items)
    }
}

fn split(r: &Regex, expr: &str, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !expr.is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for m in r.find_iter(s).take(limit) {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = m.end();
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    out
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_semantics() {
        let r = compile("z+").unwrap();
        assert_eq!(split(&r, "z+", "pizza", -1), vec!["pi", "a"]);
        let r = compile("").unwrap();
        assert_eq!(split(&r, "", "abc", -1), vec!["a", "b", "c"]);
        let r = compile(",").unwrap();
        assert_eq!(split(&r, ",", "a,b,c", 2), vec!["a", "b,c"]);
        let r = compile("x*").unwrap();
        assert_eq!(find_all(&r, "abc", -1), vec!["", "", "", ""]);
        assert_eq!(compile("a(").unwrap_err().message, "error parsing regexp: missing closing ): `a(`");
        assert_eq!(
            must_compile("(").unwrap_err().message,
            "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
        );
        assert_eq!(quote_meta("1.5+[x]"), "1\\.5\\+\\[x\\]");
        assert!(!compile("\\d").unwrap().is_match("٣"));
        assert!(!compile("^\\w+$").unwrap().is_match("héllo"));
        assert!(compile("^[\\w-]+$").unwrap().is_match("a-b_c"));
        assert!(compile("^[[:alpha:]]+$").unwrap().is_match("abc"));
        assert!(compile("^\\Qa.b\\E$").unwrap().is_match("a.b"));
        assert!(compile("^[]a]+$").unwrap().is_match("]a"));
        assert!(compile("^[a[]+$").unwrap().is_match("[a"));
        assert_eq!(
            compile("a**").unwrap_err().message,
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert!(compile("a*?b+?").is_ok());
        assert_eq!(compile("a{2,1}").unwrap_err().message, "error parsing regexp: invalid repeat count: `{2,1}`");
    }

    /// Character-class forms, with the results real Helm 4.3.1 printed for
    /// `{{ regexFindAll PATTERN INPUT -1 | toJson }}` / `{{ regexMatch PATTERN INPUT }}`.
    #[test]
    fn class_forms_match_helm() {
        let find_cases: &[(&str, &str, &[&str])] = &[
            (r"[\w-\.]+", "ab-c.d_e!f", &["ab-c.d_e", "f"]),
            (r"[\d-z]+", "12-z!y", &["12-z"]),
            ("[\\s-]+", "a -\tb", &[" -\t"]),
            (r"[[:word:]-.]+", "ab-c.d!e", &["ab-c.d", "e"]),
            (r"\b\w+\b", "héllo wörld ab", &["h", "llo", "w", "rld", "ab"]),
            (r"[^\w-]+", "ab-c.d é", &[".", " é"]),
            (r"[a-c-e]+", "abd-e", &["ab", "-e"]),
            (r"[\pL-9]+", "aé-9!", &["aé-9"]),
            (r"\s+", "a\u{b}b c", &[" "]),
            ("a{", "a{", &["a{"]),
            ("a{1", "a{1", &["a{1"]),
            ("(?)", "a", &["", ""]),
            (r"\p{^L}+", "a1é2", &["1", "2"]),
            ("[[:alpha:](]+", "a(", &["a("]),
        ];
        for (pattern, input, want) in find_cases {
            let r = compile(pattern).unwrap();
            assert_eq!(find_all(&r, input, -1), *want, "{pattern} on {input:?}");
        }
        let match_cases: &[(&str, &str, bool)] =
            &[(r"^\w+$", "héllo", false), (r"^\d$", "٣", false), (r"^[\w-\.]+$", "redis-ha.svc_1", true)];
        for (pattern, input, want) in match_cases {
            assert_eq!(compile(pattern).unwrap().is_match(input), *want, "{pattern} on {input:?}");
        }
        let error_cases: &[(&str, &str)] = &[
            (r"[a-\d]", r"invalid escape sequence: `\d`"),
            (r"[.-\w]", r"invalid escape sequence: `\w`"),
            (r"[a-\pL]", r"invalid escape sequence: `\p`"),
            ("[a", "missing closing ]: `[a`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("*", "missing argument to repetition operator: `*`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("[z-a]", "invalid character class range: `z-a`"),
            (r"\8", r"invalid escape sequence: `\8`"),
            (r"\pX", r"invalid character class range: `\pX`"),
            ("a{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
            ("x{1001}", "invalid repeat count: `{1001}`"),
            (r"\x{110000}", r"invalid escape sequence: `\x{110000`"),
            ("{2}", "missing argument to repetition operator: `{2}`"),
            ("(?x) a", "invalid or unsupported Perl syntax: `(?x`"),
            ("[\\", "trailing backslash at end of expression: ``"),
        ];
        for (pattern, want) in error_cases {
            assert_eq!(compile(pattern).unwrap_err().message, format!("error parsing regexp: {want}"), "{pattern}");
        }
        assert_eq!(
            must_compile(r"[a-\d]").unwrap_err().message,
            r"regexp: Compile(`[a-\d]`): error parsing regexp: invalid escape sequence: `\d`"
        );
    }
}
