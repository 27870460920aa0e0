//! Go's `strconv.FormatFloat` for 64-bit floats, byte for byte.
//!
//! Go and Rust both produce the shortest digit string that round-trips and both
//! round exact ties to even, so the digits come from Rust's formatter and only the
//! layout (`%e` / `%f` / `%g` choice, exponent form) is Go's.

/// Decimal digits of a float: the value is `0.DIGITS × 10^point`.
struct Digits {
    digits: Vec<u8>,
    point: i32,
}

/// Splits Rust's `{:e}` output (`1.2345e-7`) into digits and decimal point position.
fn parse_sci(text: &str) -> Digits {
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if digits.iter().all(|d| *d == b'0') {
        return Digits { digits: Vec::new(), point: 0 };
    }
    Digits { digits, point: exp + 1 }
}

/// The shortest digits that round-trip.
fn shortest(abs: f64) -> Digits {
    let mut d = parse_sci(&format!("{abs:e}"));
    while d.digits.last() == Some(&b'0') {
        d.digits.pop();
    }
    d
}

/// Digits rounded to `n` significant digits (n ≥ 1).
fn significant(abs: f64, n: usize) -> Digits {
    let mut d = parse_sci(&format!("{:.*e}", n - 1, abs));
    while d.digits.last() == Some(&b'0') {
        d.digits.pop();
    }
    d
}

/// Formats `f` like Go's `strconv.FormatFloat(f, fmt, prec, 64)` for the formats
/// `e`, `E`, `f`, `g` and `G`; `prec < 0` asks for the shortest representation.
pub fn format_float(f: f64, fmt: u8, prec: i32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let neg = f.is_sign_negative();
    let abs = f.abs();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let shortest_mode = prec < 0;
    match fmt {
        b'e' | b'E' => {
            let (digs, prec) = if shortest_mode {
                let d = shortest(abs);
                let p = d.digits.len().max(1) as i32 - 1;
                (d, p)
            } else {
                (significant(abs, prec as usize + 1), prec)
            };
            fmt_e(&mut out, &digs, prec, fmt);
        }
        b'f' => {
            if shortest_mode {
                let d = shortest(abs);
                let p = (d.digits.len() as i32 - d.point).max(0);
                fmt_f(&mut out, &d, p);
            } else {
                out.push_str(&format!("{:.*}", prec as usize, abs));
            }
        }
        b'g' | b'G' => {
            let (digs, mut prec) = if shortest_mode {
                let d = shortest(abs);
                let p = d.digits.len() as i32;
                (d, p)
            } else {
                let p = if prec == 0 { 1 } else { prec };
                (significant(abs, p as usize), p)
            };
            let nd = digs.digits.len() as i32;
            let mut eprec = prec;
            if eprec > nd && nd >= digs.point {
                eprec = nd;
            }
            if shortest_mode {
                eprec = 6;
            }
            let exp = digs.point - 1;
            if digs.digits.is_empty() || !(exp < -4 || exp >= eprec) {
                if prec > digs.point {
                    prec = nd;
                }
                fmt_f(&mut out, &digs, (prec - digs.point).max(0));
            } else {
                if prec > nd {
                    prec = nd;
                }
                fmt_e(&mut out, &digs, prec - 1, fmt + b'e' - b'g');
            }
        }
        _ => {
            out.push('%');
            out.push(fmt as char);
        }
    }
    out
}

/// `d.ddddde±dd`
fn fmt_e(out: &mut String, d: &Digits, prec: i32, e: u8) {
    let first = d.digits.first().copied().unwrap_or(b'0');
    out.push(first as char);
    if prec > 0 {
        out.push('.');
        for i in 1..=prec as usize {
            out.push(d.digits.get(i).copied().unwrap_or(b'0') as char);
        }
    }
    out.push(e as char);
    let exp = if d.digits.is_empty() { 0 } else { d.point - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.unsigned_abs();
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

/// `ddd.ddd`
fn fmt_f(out: &mut String, d: &Digits, prec: i32) {
    if d.point > 0 {
        for i in 0..d.point as usize {
            out.push(d.digits.get(i).copied().unwrap_or(b'0') as char);
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = d.point + i - 1;
            let c = if j >= 0 { d.digits.get(j as usize).copied().unwrap_or(b'0') } else { b'0' };
            out.push(c as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn shortest_g_matches_go() {
        assert_eq!(format_float(1000000.0, b'g', -1), "1e+06");
        assert_eq!(format_float(100000.0, b'g', -1), "100000");
        assert_eq!(format_float(1234567.0, b'g', -1), "1.234567e+06");
        assert_eq!(format_float(0.0001, b'g', -1), "0.0001");
        assert_eq!(format_float(0.00001, b'g', -1), "1e-05");
        assert_eq!(format_float(0.0, b'g', -1), "0");
        assert_eq!(format_float(-2.5, b'g', -1), "-2.5");
        assert_eq!(format_float(1e100, b'g', -1), "1e+100");
        assert_eq!(format_float(f64::INFINITY, b'g', -1), "+Inf");
    }

    #[test]
    fn fixed_and_exponent_forms() {
        assert_eq!(format_float(1.23456, b'f', 2), "1.23");
        assert_eq!(format_float(0.125, b'f', 2), "0.12");
        assert_eq!(format_float(1.5, b'f', -1), "1.5");
        assert_eq!(format_float(1e21, b'f', -1), "1000000000000000000000");
        assert_eq!(format_float(1234.5678, b'e', 3), "1.235e+03");
        assert_eq!(format_float(0.0, b'e', -1), "0e+00");
        assert_eq!(format_float(123456.0, b'g', 3), "1.23e+05");
        assert_eq!(format_float(3.0, b'g', 5), "3");
    }
}

/// The text Go's rune-wise code sees in `b`: each byte that is not part of a
/// valid UTF-8 character is one U+FFFD (`utf8.RuneError`, width 1), unlike
/// `String::from_utf8_lossy`, which replaces a whole truncated sequence once.
pub fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(b) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(b.len() + 8);
    for chunk in b.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push('\u{FFFD}');
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether Go's `strconv.IsPrint` holds for `c`: letters, marks, numbers,
/// punctuation, symbols and the ASCII space (control, format and separator
/// characters other than U+0020 are not printable).
pub fn is_print(c: char) -> bool {
    crate::printable::is_print(c)
}

/// Go's `strconv.Quote`: a double-quoted Go string literal.
pub fn quote(s: &str) -> String {
    quote_with(s.as_bytes(), '"', false)
}

/// Go's `strconv.Quote` of a Go string given as bytes: each byte that is not part
/// of valid UTF-8 is written as `\xNN`.
pub fn quote_bytes(s: &[u8]) -> String {
    quote_with(s, '"', false)
}

/// Go's `strconv.QuoteToASCII`: like [`quote`] but escapes every non-ASCII rune.
pub fn quote_to_ascii(s: &str) -> String {
    quote_with(s.as_bytes(), '"', true)
}

/// [`quote_to_ascii`] of a Go string given as bytes.
pub fn quote_to_ascii_bytes(s: &[u8]) -> String {
    quote_with(s, '"', true)
}

/// Go's `strconv.QuoteRune`: a single-quoted Go rune literal.
pub fn quote_rune(c: char) -> String {
    let mut buf = [0u8; 4];
    quote_with(c.encode_utf8(&mut buf).as_bytes(), '\'', false)
}

/// Go's `strconv.QuoteRuneToASCII`: like [`quote_rune`] but escapes a non-ASCII rune.
pub fn quote_rune_to_ascii(c: char) -> String {
    let mut buf = [0u8; 4];
    quote_with(c.encode_utf8(&mut buf).as_bytes(), '\'', true)
}

/// Go's `strconv.CanBackquote` of a Go string given as bytes: valid UTF-8 with no
/// control character other than tab, no backquote, DEL or U+FEFF. (Other
/// unprintable characters, such as U+00A0 or U+2028, are allowed.)
pub fn can_backquote(s: &[u8]) -> bool {
    std::str::from_utf8(s)
        .is_ok_and(|t| t.chars().all(|c| !((c < ' ' && c != '\t') || c == '`' || c == '\u{7F}' || c == '\u{FEFF}')))
}

fn quote_with(s: &[u8], q: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for chunk in s.utf8_chunks() {
        quote_valid(&mut out, chunk.valid(), q, ascii_only);
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push(q);
    out
}

fn quote_valid(out: &mut String, s: &str, q: char, ascii_only: bool) {
    for c in s.chars() {
        if c == q || c == '\\' {
            out.push('\\');
            out.push(c);
            continue;
        }
        if (ascii_only && c.is_ascii() && is_print(c)) || (!ascii_only && is_print(c)) {
            out.push(c);
            continue;
        }
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
}

#[cfg(test)]
mod quote_tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote("a\"b\\c\n\t"), r#""a\"b\\c\n\t""#);
        assert_eq!(quote("é\u{1}\u{a0}"), "\"é\\x01\\u00a0\"");
        assert_eq!(quote_to_ascii("é"), "\"\\u00e9\"");
        assert_eq!(quote_bytes(b"hello \xff"), "\"hello \\xff\"");
        assert_eq!(quote_bytes(b"\xe2\x82a\xc3\xa9"), "\"\\xe2\\x82a\u{e9}\"");
        assert_eq!(quote_to_ascii_bytes(b"\xc3\xa9\x80"), "\"\\u00e9\\x80\"");
        assert_eq!(quote_rune('\''), "'\\''");
        assert_eq!(quote_rune_to_ascii('\''), "'\\''");
        assert_eq!(quote_rune_to_ascii('é'), "'\\u00e9'");
        assert_eq!(quote("\u{e00}\u{e01}\u{378}\u{e0001}"), "\"\\u0e00\u{e01}\\u0378\\U000e0001\"");
    }

    #[test]
    fn can_backquote_like_go() {
        assert!(can_backquote("a\tb\u{a0}\u{2028}\u{fffd}é".as_bytes()));
        for s in [&b"a`b"[..], b"a\nb", b"\x7f", "\u{feff}".as_bytes(), b"\x80"] {
            assert!(!can_backquote(s), "{s:?}");
        }
    }
}

/// Go's `underscoreOK`: whether the underscores in a number literal `s` (with an
/// optional sign and base prefix) each sit between digits or after the prefix.
pub fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let b = if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') { &b[1..] } else { b };
    let mut i = 0;
    let mut saw = b'^';
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1p4`) forms with
/// `_` separators, `inf`/`infinity` (signed) and `nan`; `None` where Go reports
/// an error, a syntax error or a finite value beyond float64's range.
pub fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Some(if neg { f64::NEG_INFINITY } else { f64::INFINITY }),
        "nan" if body.len() == s.len() => return Some(f64::NAN),
        _ => {}
    }
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let body: String = body.chars().filter(|c| *c != '_').collect();
    let value = if body.len() > 2 && body.as_bytes()[0] == b'0' && body.as_bytes()[1].eq_ignore_ascii_case(&b'x') {
        parse_hex_float(&body[2..])?
    } else {
        if !body.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
            || !body.bytes().next().is_some_and(|c| c.is_ascii_digit() || c == b'.')
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if value.is_infinite() {
        return None;
    }
    Some(if neg { -value } else { value })
}

/// The part of a hexadecimal float after `0x`: hex digits with an optional point,
/// then a mandatory binary exponent `p±N`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exp) = s.split_once(['p', 'P'])?;
    let (exp_neg, digits) = match exp.as_bytes().first() {
        Some(b'+') => (false, &exp[1..]),
        Some(b'-') => (true, &exp[1..]),
        _ => (false, exp),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let e: i32 = digits.parse().unwrap_or(100_000).min(100_000);
    let e = if exp_neg { -e } else { e };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = e - 4 * frac_part.len() as i32;
    // Two steps, so a large mantissa with a very negative exponent does not underflow early.
    Some(value * 2f64.powi(shift / 2) * 2f64.powi(shift - shift / 2))
}

#[cfg(test)]
mod parse_float_tests {
    use super::*;

    #[test]
    fn parses_like_go() {
        assert_eq!(parse_float("0x1p4"), Some(16.0));
        assert_eq!(parse_float("0X1P-2"), Some(0.25));
        assert_eq!(parse_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_float("0x1_0p0"), Some(16.0));
        assert_eq!(parse_float("0x10"), None);
        assert_eq!(parse_float("1_000.5"), Some(1000.5));
        assert_eq!(parse_float(".5_0"), Some(0.5));
        assert_eq!(parse_float("_1"), None);
        assert_eq!(parse_float("017"), Some(17.0));
        assert_eq!(parse_float("0o17"), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("-Inf"), Some(f64::NEG_INFINITY));
        assert!(parse_float("nan").is_some_and(f64::is_nan));
        assert_eq!(parse_float("+nan"), None);
        assert_eq!(parse_float("--5"), None);
        assert_eq!(parse_float("5."), Some(5.0));
        assert_eq!(parse_float("."), None);
        assert_eq!(parse_float(""), None);
    }
}
