//! Regular expression functions (`regexMatch`, `regexFindAll`, `regexReplaceAll`,
//! `regexSplit`, ... and their `must` twins) with Go's RE2 semantics and error texts.

use std::cell::RefCell;
use std::collections::HashMap;

use govalue::{strconv, FuncError, FuncSpec, Param, Value};
use regex::Regex;

use crate::conv::{arg_int, arg_str, err, fallible, func, string_list};

use Param::{Int, String as S};

/// The regex functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("regexMatch", &[S, S], |_, a| {
            Ok(Value::Bool(compile(arg_str(a, 0)).is_ok_and(|r| r.is_match(arg_str(a, 1)))))
        }),
        fallible("mustRegexMatch", &[S, S], |_, a| Ok(Value::Bool(compile(arg_str(a, 0))?.is_match(arg_str(a, 1))))),
        fallible("regexFindAll", &[S, S, Int], |_, a| {
            Ok(string_list(find_all(&must_compile(arg_str(a, 0))?, arg_str(a, 1), arg_int(a, 2))))
        }),
        fallible("mustRegexFindAll", &[S, S, Int], |_, a| {
            Ok(string_list(find_all(&compile(arg_str(a, 0))?, arg_str(a, 1), arg_int(a, 2))))
        }),
        fallible("regexFind", &[S, S], |_, a| Ok(find(&must_compile(arg_str(a, 0))?, arg_str(a, 1)))),
        fallible("mustRegexFind", &[S, S], |_, a| Ok(find(&compile(arg_str(a, 0))?, arg_str(a, 1)))),
        fallible("regexReplaceAll", &[S, S, S], |_, a| {
            replace_all(&must_compile(arg_str(a, 0))?, arg_str(a, 1), arg_str(a, 2), false)
        }),
        fallible("mustRegexReplaceAll", &[S, S, S], |_, a| {
            replace_all(&compile(arg_str(a, 0))?, arg_str(a, 1), arg_str(a, 2), false)
        }),
        fallible("regexReplaceAllLiteral", &[S, S, S], |_, a| {
            replace_all(&must_compile(arg_str(a, 0))?, arg_str(a, 1), arg_str(a, 2), true)
        }),
        fallible("mustRegexReplaceAllLiteral", &[S, S, S], |_, a| {
            replace_all(&compile(arg_str(a, 0))?, arg_str(a, 1), arg_str(a, 2), true)
        }),
        fallible("regexSplit", &[S, S, Int], |_, a| {
            let r = must_compile(arg_str(a, 0))?;
            Ok(string_list(split(&r, arg_str(a, 0), arg_str(a, 1), arg_int(a, 2))))
        }),
        fallible("mustRegexSplit", &[S, S, Int], |_, a| {
            let r = compile(arg_str(a, 0))?;
            Ok(string_list(split(&r, arg_str(a, 0), arg_str(a, 1), arg_int(a, 2))))
        }),
        func("regexQuoteMeta", &[S], |_, a| Ok(Value::string(quote_meta(arg_str(a, 0))))),
    ]
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
    if let Some(msg) = go_syntax_error(expr) {
        return err(format!("error parsing regexp: {msg}"));
    }
    Regex::new(&translate(expr))
        .map_err(|e| FuncError::new(format!("error parsing regexp: {}", rust_error_text(expr, &e))))
}

/// Rewrites RE2 syntax whose meaning differs in the `regex` crate: Go's `\d`, `\w`,
/// `\s` and `\b` are ASCII-only, and `\Q...\E` quotes a literal.
fn translate(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len() + 8);
    let mut chars = expr.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let inside = class_depth > 0;
                let rep = match (n, inside) {
                    ('d', false) => "[0-9]",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[0-9A-Za-z_]",
                    ('W', false) => "[^0-9A-Za-z_]",
                    ('s', false) => "[\\t\\n\\f\\r ]",
                    ('S', false) => "[^\\t\\n\\f\\r ]",
                    ('b', false) => "(?-u:\\b)",
                    ('B', false) => "(?-u:\\B)",
                    ('d', true) => "0-9",
                    ('D', true) => "[^0-9]",
                    ('w', true) => "0-9A-Za-z_",
                    ('W', true) => "[^0-9A-Za-z_]",
                    ('s', true) => "\\t\\n\\f\\r ",
                    ('S', true) => "[^\\t\\n\\f\\r ]",
                    ('Q', false) => {
                        let mut lit = String::new();
                        while let Some(q) = chars.next() {
                            if q == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            lit.push(q);
                        }
                        out.push_str(&regex::escape(&lit));
                        continue;
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                        continue;
                    }
                };
                out.push_str(rep);
            }
            '[' => {
                if class_depth == 0 {
                    out.push('[');
                    class_depth = 1;
                    // A leading `^` and `]` belong to the class.
                    if chars.peek() == Some(&'^') {
                        out.push('^');
                        chars.next();
                    }
                    if chars.peek() == Some(&']') {
                        out.push_str("\\]");
                        chars.next();
                    }
                } else if chars.peek() == Some(&':') {
                    // A POSIX class such as [:alpha:] inside a bracket expression.
                    out.push('[');
                    for p in chars.by_ref() {
                        out.push(p);
                        if p == ']' {
                            break;
                        }
                    }
                } else {
                    // Literal in RE2; it would open a nested class here.
                    out.push_str("\\[");
                }
            }
            '&' | '~' if class_depth > 0 => {
                // Set operators (`&&`, `~~`) in the regex crate, literals in RE2.
                out.push('\\');
                out.push(c);
            }
            ']' if class_depth > 0 => {
                class_depth = 0;
                out.push(']');
            }
            other => out.push(other),
        }
    }
    out
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
        return "missing argument to repetition operator: `*`".to_string();
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
    Ok(Value::string(if literal {
        r.replace_all(s, regex::NoExpand(repl)).into_owned()
    } else {
        r.replace_all(s, repl).into_owned()
    }))
}

/// `Regexp.FindString`.
fn find(r: &Regex, s: &str) -> Value {
    Value::str(r.find(s).map(|m| m.as_str()).unwrap_or(""))
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
}
