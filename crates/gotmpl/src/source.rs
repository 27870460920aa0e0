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

pub(crate) use govalue::bytekey::{escape, escaped_byte, is_escaped, unescape};

/// The source text an escaped text stands for, with bytes that are not UTF-8
/// shown as U+FFFD (for error messages and names).
pub(crate) fn unescape_lossy(s: &str) -> Cow<'_, str> {
    govalue::bytekey::unescape_lossy(s)
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
    govalue::bytekey::unescaped_len(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runes() {
        let e = escape(b"\xffa");
        assert_eq!(decode_rune(&e), Some(('\u{FFFD}', "a")));
        let e = escape("\u{10FE41}b".as_bytes());
        assert_eq!(decode_rune(&e), Some(('\u{10FE41}', "b")));
        assert_eq!(decode_rune("xy"), Some(('x', "y")));
    }
}
