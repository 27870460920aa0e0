//! go-yaml v2's implicit typing of plain scalars (YAML 1.1 booleans, Go integer
//! syntax, floats matching YAML's float pattern, nulls, merge keys).

/// The Go value a scalar resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    /// Go `int` / `int64`.
    Int(i64),
    /// Go `uint64` (a positive integer beyond int64).
    Uint(u64),
    Float(f64),
    Str(String),
}

/// The YAML core tag prefix.
pub const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// Short form of a tag (`!!str` for `tag:yaml.org,2002:str`).
pub fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

fn long_tag(tag: &str) -> String {
    match tag.strip_prefix("!!") {
        Some(rest) => format!("{TAG_PREFIX}{rest}"),
        None => tag.to_string(),
    }
}

fn map_lookup(s: &str) -> Option<Resolved> {
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
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
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

/// Resolves a plain (or `!`-tagged) scalar with the given explicit tag (long form or
/// empty), returning the resolved tag (long form) and value, or go-yaml's error text.
pub fn resolve(tag: &str, value: &str) -> Result<(String, Resolved), String> {
    let tag = long_tag(tag);
    if tag == format!("{TAG_PREFIX}null") {
        return Ok((tag, Resolved::Null));
    }
    let resolvable = tag.is_empty()
        || ["str", "bool", "int", "float", "timestamp"].iter().any(|t| tag == format!("{TAG_PREFIX}{t}"));
    if !resolvable {
        return Ok((tag, Resolved::Str(value.to_string())));
    }
    let (rtag, out) = resolve_inner(&tag, value);
    let t = |s: &str| format!("{TAG_PREFIX}{s}");
    if tag.is_empty() || tag == rtag || tag == t("str") || tag == t("binary") {
        return Ok((rtag, out));
    }
    if tag == t("float") && rtag == t("int") {
        if let Resolved::Int(i) = out {
            return Ok((tag, Resolved::Float(i as f64)));
        }
    }
    Err(format!("cannot decode {} `{}` as a {}", short_tag(&rtag), value, short_tag(&tag)))
}

fn resolve_inner(tag: &str, value: &str) -> (String, Resolved) {
    let t = |s: &str| format!("{TAG_PREFIX}{s}");
    let hint = match value.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint != 0 && tag != t("str") && tag != t("binary") {
        if let Some(r) = map_lookup(value) {
            let rt = match r {
                Resolved::Null => t("null"),
                Resolved::Bool(_) => t("bool"),
                Resolved::Float(_) => t("float"),
                _ => t("str"),
            };
            return (rt, r);
        }
        match hint {
            b'.' => {
                if let Some(f) = parse_go_float(value) {
                    return (t("float"), Resolved::Float(f));
                }
            }
            b'D' | b'S' => {
                // A timestamp stays a string for interface{} targets, but its tag
                // matters: `!!timestamp` accepts it and the emitter quotes it.
                if (tag.is_empty() || tag == t("timestamp")) && crate::timestamp::is_timestamp(value) {
                    return (t("timestamp"), Resolved::Str(value.to_string()));
                }
                let plain = value.replace('_', "");
                if let Some(i) = parse_go_int(&plain, true) {
                    if i >= i64::MIN as i128 && i <= i64::MAX as i128 {
                        return (t("int"), Resolved::Int(i as i64));
                    }
                }
                if let Some(u) = parse_go_int(&plain, false) {
                    if u >= 0 && u <= u64::MAX as i128 {
                        return (t("int"), Resolved::Uint(u as u64));
                    }
                }
                if yaml_style_float(&plain) {
                    if let Some(f) = parse_go_float(&plain) {
                        return (t("float"), Resolved::Float(f));
                    }
                }
            }
            _ => {}
        }
    }
    (t("str"), Resolved::Str(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Resolved {
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
