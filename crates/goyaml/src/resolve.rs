//! go-yaml v2's implicit typing of plain scalars (YAML 1.1 booleans, Go integer
//! syntax, floats matching YAML's float pattern, nulls, merge keys).

use std::borrow::Cow;

/// The Go value a scalar resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    /// Go `int` / `int64`.
    Int(i64),
    /// Go `uint64` (a positive integer beyond int64).
    Uint(u64),
    Float(f64),
    Str(Cow<'a, str>),
}

/// The YAML core tag prefix.
pub const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A tag as resolution sees it: one of the core tags, none, or another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// No explicit tag.
    None,
    Null,
    Bool,
    Int,
    Float,
    Str,
    Timestamp,
    Binary,
    /// Any other tag (`!!merge`, `!foo`...): the scalar stays a string.
    Other,
}

impl Tag {
    /// The tag of an explicit tag text (long form, or `!!` short form).
    pub fn of(tag: &str) -> Tag {
        if tag.is_empty() {
            return Tag::None;
        }
        match tag.strip_prefix(TAG_PREFIX).or_else(|| tag.strip_prefix("!!")) {
            Some("null") => Tag::Null,
            Some("bool") => Tag::Bool,
            Some("int") => Tag::Int,
            Some("float") => Tag::Float,
            Some("str") => Tag::Str,
            Some("timestamp") => Tag::Timestamp,
            Some("binary") => Tag::Binary,
            _ => Tag::Other,
        }
    }

    /// The short form (`!!int`) of a core tag.
    fn short(self) -> &'static str {
        match self {
            Tag::Null => "!!null",
            Tag::Bool => "!!bool",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Str => "!!str",
            Tag::Timestamp => "!!timestamp",
            Tag::Binary => "!!binary",
            Tag::None | Tag::Other => "",
        }
    }
}

fn map_lookup(s: &str) -> Option<Resolved<'static>> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Resolved::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Resolved::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)` on a string without
/// underscores: the value as i128, or `None` when the syntax is invalid or the value
/// exceeds 64 bits.
fn parse_go_int(s: &str, allow_sign: bool) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') if allow_sign => (false, &s[1..]),
        Some(b'-') if allow_sign => (true, &s[1..]),
        _ => (false, s),
    };
    let b = body.as_bytes();
    let (radix, digits) = match (b.first(), b.get(1)) {
        (Some(b'0'), Some(b'x' | b'X')) => (16, &body[2..]),
        (Some(b'0'), Some(b'b' | b'B')) => (2, &body[2..]),
        (Some(b'0'), Some(b'o' | b'O')) => (8, &body[2..]),
        (Some(b'0'), Some(_)) => (8, &body[1..]),
        _ => (10, body),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)? as u128;
        v = v * radix as u128 + d;
        if v > u64::MAX as u128 {
            return None;
        }
    }
    Some(if neg { -(v as i128) } else { v as i128 })
}

/// Whether `s` matches go-yaml's float pattern
/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)`: `None` on syntax errors and on overflow (Go
/// reports a range error there).
fn parse_go_float(s: &str) -> Option<f64> {
    govalue::strconv::parse_float(s)
}

/// Resolves a plain (or `!`-tagged) scalar with the given explicit tag (long form,
/// `!!` short form or empty), returning the resolved tag and value, or go-yaml's
/// error text.
pub fn resolve<'a>(tag: &str, value: &'a str) -> Result<(Tag, Resolved<'a>), String> {
    let tag = Tag::of(tag);
    match tag {
        Tag::Null => return Ok((tag, Resolved::Null)),
        Tag::None | Tag::Str | Tag::Bool | Tag::Int | Tag::Float | Tag::Timestamp => {}
        Tag::Binary | Tag::Other => return Ok((tag, Resolved::Str(Cow::Borrowed(value)))),
    }
    let (rtag, out) = resolve_inner(tag, value);
    if tag == Tag::None || tag == rtag || tag == Tag::Str {
        return Ok((rtag, out));
    }
    if tag == Tag::Float && rtag == Tag::Int {
        if let Resolved::Int(i) = out {
            return Ok((tag, Resolved::Float(i as f64)));
        }
    }
    Err(format!("cannot decode {} `{}` as a {}", rtag.short(), value, tag.short()))
}

fn resolve_inner(tag: Tag, value: &str) -> (Tag, Resolved<'_>) {
    let hint = match value.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint != 0 && tag != Tag::Str && tag != Tag::Binary {
        if let Some(r) = map_lookup(value) {
            let rt = match r {
                Resolved::Null => Tag::Null,
                Resolved::Bool(_) => Tag::Bool,
                Resolved::Float(_) => Tag::Float,
                _ => Tag::Str,
            };
            return (rt, r);
        }
        match hint {
            b'.' => {
                if let Some(f) = parse_go_float(value) {
                    return (Tag::Float, Resolved::Float(f));
                }
            }
            b'D' | b'S' => {
                // A timestamp stays a string for interface{} targets, but its tag
                // matters: `!!timestamp` accepts it and the emitter quotes it.
                if (tag == Tag::None || tag == Tag::Timestamp) && crate::timestamp::is_timestamp(value) {
                    return (Tag::Timestamp, Resolved::Str(Cow::Borrowed(value)));
                }
                let plain: Cow<'_, str> =
                    if value.contains('_') { Cow::Owned(value.replace('_', "")) } else { Cow::Borrowed(value) };
                if let Some(i) = parse_go_int(&plain, true) {
                    if i >= i64::MIN as i128 && i <= i64::MAX as i128 {
                        return (Tag::Int, Resolved::Int(i as i64));
                    }
                }
                if let Some(u) = parse_go_int(&plain, false) {
                    if u >= 0 && u <= u64::MAX as i128 {
                        return (Tag::Int, Resolved::Uint(u as u64));
                    }
                }
                if yaml_style_float(&plain) {
                    if let Some(f) = parse_go_float(&plain) {
                        return (Tag::Float, Resolved::Float(f));
                    }
                }
            }
            _ => {}
        }
    }
    (Tag::Str, Resolved::Str(Cow::Borrowed(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Resolved<'_> {
        resolve("", s).map(|x| x.1).unwrap_or(Resolved::Str("ERR".into()))
    }

    #[test]
    fn yaml11_scalars() {
        assert_eq!(r("yes"), Resolved::Bool(true));
        assert_eq!(r("Off"), Resolved::Bool(false));
        assert_eq!(r("~"), Resolved::Null);
        assert_eq!(r(""), Resolved::Null);
        assert_eq!(r("017"), Resolved::Int(15));
        assert_eq!(r("08"), Resolved::Float(8.0));
        assert_eq!(r("0o17"), Resolved::Int(15));
        assert_eq!(r("0x1F"), Resolved::Int(31));
        assert_eq!(r("1_000"), Resolved::Int(1000));
        assert_eq!(r("+1"), Resolved::Int(1));
        assert_eq!(r("1e400"), Resolved::Str("1e400".into()));
        assert_eq!(r("9223372036854775808"), Resolved::Uint(9223372036854775808));
        assert_eq!(r("2001-12-14"), Resolved::Str("2001-12-14".into()));
        assert_eq!(r(".5"), Resolved::Float(0.5));
        assert_eq!(r("1."), Resolved::Float(1.0));
        assert_eq!(r("1.2.3"), Resolved::Str("1.2.3".into()));
        assert_eq!(r("<<"), Resolved::Str("<<".into()));
        assert_eq!(r("+inf"), Resolved::Str("+inf".into()));
    }

    #[test]
    fn explicit_tags() {
        assert_eq!(resolve("tag:yaml.org,2002:int", "x").unwrap_err(), "cannot decode !!str `x` as a !!int");
        assert_eq!(resolve("tag:yaml.org,2002:float", "1").unwrap().1, Resolved::Float(1.0));
        assert_eq!(resolve("tag:yaml.org,2002:str", "1").unwrap().1, Resolved::Str("1".into()));
        assert_eq!(resolve("!!timestamp", "2001-12-14").unwrap().1, Resolved::Str("2001-12-14".into()));
        assert_eq!(resolve("!!null", "").unwrap().1, Resolved::Null);
    }
}
