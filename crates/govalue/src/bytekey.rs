//! Go strings are bytes, Rust text is UTF-8. Where a Go string that is not UTF-8
//! must live inside text (a map key, template source), it is *escaped*: every byte
//! that is not part of a valid UTF-8 character becomes one reserved code point
//! (U+10FE00 + the byte), and so does every byte of a reserved code point already in
//! the string, so that escaping is reversible. Valid UTF-8 without reserved code
//! points (nearly every string) is left as it is.

use std::borrow::Cow;

/// The first reserved code point; U+10FE00 + b stands for the byte b.
const BASE: u32 = 0x10_FE00;

/// Whether `c` stands for one raw byte.
pub fn is_escaped(c: char) -> bool {
    (BASE..=BASE + 0xFF).contains(&(c as u32))
}

/// The raw byte an escaped code point stands for.
pub fn escaped_byte(c: char) -> Option<u8> {
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
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|rest| memchr::memchr(0xF4, rest)) {
        let at = from + i;
        if s.get(at + 1) == Some(&0x8F) && s.get(at + 2).is_some_and(|b| (0xB8..=0xBB).contains(b)) {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Escapes the bytes of a Go string (see the module documentation).
pub fn escape(src: &[u8]) -> Cow<'_, str> {
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

/// The bytes an escaped text stands for.
pub fn unescape(s: &str) -> Cow<'_, [u8]> {
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

/// The text Go's rune-wise code sees in an escaped text: each stray byte is U+FFFD.
pub fn unescape_lossy(s: &str) -> Cow<'_, str> {
    match unescape(s) {
        Cow::Borrowed(_) => Cow::Borrowed(s),
        Cow::Owned(b) => Cow::Owned(crate::strconv::lossy(&b).into_owned()),
    }
}

/// The number of bytes an escaped text stands for.
pub fn unescaped_len(s: &str) -> usize {
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
        assert_eq!(unescaped_len(&escape(b"h\xffi")), 3);
        assert_eq!(unescape_lossy(&escape(b"h\xe2\x82i")), "h\u{FFFD}\u{FFFD}i");
    }
}
