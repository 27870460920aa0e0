//! Template source is bytes in Go: text between actions and raw strings keep bytes
//! that are not UTF-8. The lexer and parser work on `&str`, so the source is first
//! *escaped*: every byte that is not part of a valid UTF-8 character becomes one
//! reserved code point (U+10FE00 + the byte), and so does every byte of a reserved
//! code point already in the text, so that escaping is reversible. Valid UTF-8 text
//! without reserved code points (nearly every template) is left as it is.
//!
//! Where Go decodes the source rune by rune (inside actions, double-quoted strings,
//! character constants) an escaped byte stands for `utf8.RuneError` (U+FFFD).

use std::borrow::Cow;

/// The first reserved code point; U+10FE00 + b stands for the byte b.
const BASE: u32 = 0x10_FE00;

/// Whether `c` stands for one raw byte of the source.
pub(crate) fn is_escaped(c: char) -> bool {
    (BASE..=BASE + 0xFF).contains(&(c as u32))
}

/// The raw byte an escaped code point stands for.
pub(crate) fn escaped_byte(c: char) -> Option<u8> {
    if is_escaped(c) {
        Some((c as u32 - BASE) as u8)
    } else {
        None
    }
}

fn push_escaped(out: &mut String, b: u8) {
    out.push(char::from_u32(BASE + b as u32).unwrap_or('\u{FFFD}'));
}

/// Whether `s` may hold a reserved code point (their UTF-8 starts F4 8F B8..BB).
fn may_hold_reserved(s: &[u8]) -> bool {
    s.windows(3).any(|w| w[0] == 0xF4 && w[1] == 0x8F && (0xB8..=0xBB).contains(&w[2]))
}

/// Escapes template source bytes (see the module documentation).
pub(crate) fn escape(src: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(src) {
        if !may_hold_reserved(src) {
            return Cow::Borrowed(s);
        }
    }
    let mut out = String::with_capacity(src.len() + 16);
    for chunk in src.utf8_chunks() {
        for c in chunk.valid().chars() {
            if is_escaped(c) {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    push_escaped(&mut out, b);
                }
            } else {
                out.push(c);
            }
        }
        for &b in chunk.invalid() {
            push_escaped(&mut out, b);
        }
    }
    Cow::Owned(out)
}

/// The source bytes an escaped text stands for.
pub(crate) fn unescape(s: &str) -> Cow<'_, [u8]> {
    if !may_hold_reserved(s.as_bytes()) {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match escaped_byte(c) {
            Some(b) => out.push(b),
            None => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Cow::Owned(out)
}

/// The source text an escaped text stands for, with bytes that are not UTF-8
/// shown as U+FFFD (for error messages and names).
pub(crate) fn unescape_lossy(s: &str) -> Cow<'_, str> {
    match unescape(s) {
        Cow::Borrowed(_) => Cow::Borrowed(s),
        Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(&b).into_owned()),
    }
}

/// The character Go's rune decoding finds at the start of `s` (escaped), and the
/// rest: an escaped byte that does not start a valid character is U+FFFD.
pub(crate) fn decode_rune(s: &str) -> Option<(char, &str)> {
    let mut chars = s.chars();
    let c = chars.next()?;
    let Some(first) = escaped_byte(c) else { return Some((c, chars.as_str())) };
    // Only an escaped reserved code point can be valid: up to 4 escaped bytes.
    let mut bytes = vec![first];
    let mut rest = chars.as_str();
    let mut ends = vec![rest];
    let mut more = rest.chars();
    while bytes.len() < 4 {
        match more.next().and_then(escaped_byte) {
            Some(b) => {
                bytes.push(b);
                ends.push(more.as_str());
            }
            None => break,
        }
    }
    if let Some(chunk) = bytes.utf8_chunks().next() {
        if let Some(v) = chunk.valid().chars().next() {
            let n = v.len_utf8();
            rest = ends.get(n - 1).copied().unwrap_or(rest);
            return Some((v, rest));
        }
    }
    Some(('\u{FFFD}', rest))
}

/// The number of source bytes `s` (escaped) stands for.
pub(crate) fn source_len(s: &str) -> usize {
    if !may_hold_reserved(s.as_bytes()) {
        return s.len();
    }
    s.chars().map(|c| if is_escaped(c) { 1 } else { c.len_utf8() }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let cases: [&[u8]; 5] =
            [b"plain", b"h\xffi", "r\u{10FE41}x".as_bytes(), b"\xe2\x82\x20\xf4\x8f\xb9", "é\u{10FEFF}".as_bytes()];
        for src in cases {
            let e = escape(src);
            assert_eq!(unescape(&e).as_ref(), src);
        }
        assert!(matches!(escape(b"plain {{ x }}"), Cow::Borrowed(_)));
        assert_eq!(source_len(&escape(b"h\xffi")), 3);
    }

    #[test]
    fn runes() {
        let e = escape(b"\xffa");
        assert_eq!(decode_rune(&e), Some(('\u{FFFD}', "a")));
        let e = escape("\u{10FE41}b".as_bytes());
        assert_eq!(decode_rune(&e), Some(('\u{10FE41}', "b")));
        assert_eq!(decode_rune("xy"), Some(('x', "y")));
    }
}
