//! Go's literal syntax as text/template reads it: `strconv.ParseInt`/`ParseUint`
//! with base 0, `ParseFloat`, `Unquote` and `UnquoteChar`.

/// Go's `strconv.ErrSyntax` text.
pub(crate) const INVALID_SYNTAX: &str = "invalid syntax";

use govalue::strconv::underscore_ok;

/// `strconv.ParseUint(s, 0, 64)`; `None` on syntax or range errors.
pub(crate) fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let bytes = s.as_bytes();
    let (base, digits): (u32, &[u8]) = if bytes[0] == b'0' {
        if bytes.len() >= 3 && bytes[1].eq_ignore_ascii_case(&b'b') {
            (2, &bytes[2..])
        } else if bytes.len() >= 3 && bytes[1].eq_ignore_ascii_case(&b'o') {
            (8, &bytes[2..])
        } else if bytes.len() >= 3 && bytes[1].eq_ignore_ascii_case(&b'x') {
            (16, &bytes[2..])
        } else {
            (8, &bytes[1..])
        }
    } else {
        (10, bytes)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = (c as char).to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    Some(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(rest)?;
    if neg {
        if u > (i64::MAX as u64) + 1 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        if u > i64::MAX as u64 {
            return None;
        }
        Some(u as i64)
    }
}

/// `strconv.ParseFloat(s, 64)` (the one implementation, in `govalue::strconv`).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    govalue::strconv::parse_float(s)
}

/// `strconv.UnquoteChar(s, quote)`: the first (possibly escaped) character of
/// `s`, whether it must be encoded as UTF-8, and the rest.
pub(crate) fn unquote_char(s: &str, quote: char) -> Result<(u32, bool, &str), &'static str> {
    let mut chars = s.chars();
    let c = chars.next().ok_or(INVALID_SYNTAX)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(INVALID_SYNTAX);
    }
    if crate::source::is_escaped(c) {
        // A source byte that is not UTF-8: Go decodes utf8.RuneError.
        let (c, rest) = crate::source::decode_rune(s).ok_or(INVALID_SYNTAX)?;
        return Ok((c as u32, true, rest));
    }
    if c != '\\' {
        return Ok((c as u32, true, chars.as_str()));
    }
    let rest = chars.as_str();
    let mut it = rest.chars();
    let e = it.next().ok_or(INVALID_SYNTAX)?;
    let after = it.as_str();
    let simple = |v: char| Ok((v as u32, false, after));
    match e {
        'a' => simple('\u{7}'),
        'b' => simple('\u{8}'),
        'f' => simple('\u{c}'),
        'n' => simple('\n'),
        'r' => simple('\r'),
        't' => simple('\t'),
        'v' => simple('\u{b}'),
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let digits = after.get(..n).ok_or(INVALID_SYNTAX)?;
            let mut v: u32 = 0;
            for d in digits.chars() {
                v = v * 16 + d.to_digit(16).ok_or(INVALID_SYNTAX)?;
            }
            let tail = &after[n..];
            if e == 'x' {
                return Ok((v, false, tail));
            }
            if char::from_u32(v).is_none() {
                return Err(INVALID_SYNTAX);
            }
            Ok((v, true, tail))
        }
        '0'..='7' => {
            let digits = rest.get(..3).ok_or(INVALID_SYNTAX)?;
            let mut v: u32 = 0;
            for d in digits.chars() {
                v = v * 8 + d.to_digit(8).ok_or(INVALID_SYNTAX)?;
            }
            if v > 255 {
                return Err(INVALID_SYNTAX);
            }
            Ok((v, false, &rest[3..]))
        }
        '\\' => simple('\\'),
        '\'' | '"' => {
            if e != quote {
                return Err(INVALID_SYNTAX);
            }
            simple(e)
        }
        _ => Err(INVALID_SYNTAX),
    }
}

/// `strconv.Unquote` for double-quoted and back-quoted strings, as text (bytes
/// that are not UTF-8 shown as U+FFFD), for names.
pub(crate) fn unquote(s: &str) -> Result<String, &'static str> {
    unquote_bytes(s)
        .map(|b| String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// `strconv.Unquote` for double-quoted and back-quoted strings of (escaped)
/// template source: the Go string's bytes. A raw string keeps the source's bytes;
/// `\x`/octal escapes make single bytes.
pub(crate) fn unquote_bytes(s: &str) -> Result<Vec<u8>, &'static str> {
    if s.len() < 2 {
        return Err(INVALID_SYNTAX);
    }
    let quote = s.as_bytes()[0];
    if quote != s.as_bytes()[s.len() - 1] {
        return Err(INVALID_SYNTAX);
    }
    let body = &s[1..s.len() - 1];
    if quote == b'`' {
        if body.contains('`') {
            return Err(INVALID_SYNTAX);
        }
        let mut out = crate::source::unescape(body).into_owned();
        out.retain(|&b| b != b'\r');
        return Ok(out);
    }
    if quote != b'"' || body.contains('\n') {
        return Err(INVALID_SYNTAX);
    }
    // Nearly every string has no escape sequence and no escaped source byte (those
    // are 4-byte characters led by 0xF4): its value is its body.
    if body.bytes().all(|b| b != b'\\' && b != b'"' && b < 0xF4) {
        return Ok(body.as_bytes().to_vec());
    }
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut rest = body;
    while !rest.is_empty() {
        let (value, multibyte, tail) = unquote_char(rest, '"')?;
        if multibyte {
            let c = char::from_u32(value).unwrap_or('\u{FFFD}');
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        } else {
            out.push(value as u8);
        }
        rest = tail;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_every_base() {
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000_000"), Some(1_000_000));
        assert_eq!(parse_int("09"), None);
        assert_eq!(parse_int("-7"), Some(-7));
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_uint("9223372036854775808"), Some(9223372036854775808));
    }

    #[test]
    fn floats() {
        assert_eq!(parse_float("0x1p4"), Some(16.0));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("2.5e-3"), Some(0.0025));
        assert_eq!(parse_float("09"), Some(9.0));
        assert_eq!(parse_float("1e400"), None);
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote("\"\\u00e9\\x41\\101\"").as_deref(), Ok("éAA"));
        assert_eq!(unquote_bytes("\"\\x80\\377a\""), Ok(vec![0x80, 0xff, b'a']));
        assert_eq!(unquote("\"\\q\""), Err(INVALID_SYNTAX));
        assert_eq!(unquote("`a\\tb`").as_deref(), Ok("a\\tb"));
        assert_eq!(unquote_char("'", '\''), Err(INVALID_SYNTAX));
    }
}
