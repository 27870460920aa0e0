//! Encoding functions: `b64enc`, `b64dec`, `b32enc`, `b32dec` (Go's standard,
//! padded encodings; decoding errors come back as the result text, as in Sprig).

use govalue::{FuncSpec, Param, Value};

use crate::conv::{arg_bytes, arg_str, func};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The encoding functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("b64enc", &[Param::String], |_, a| Ok(Value::string(base64_encode(arg_bytes(a, 0))))),
        func("b64dec", &[Param::String], |_, a| {
            Ok(match base64_decode(arg_str(a, 0)) {
                Ok(b) => Value::from_go_bytes(b),
                Err(at) => Value::string(format!("illegal base64 data at input byte {at}")),
            })
        }),
        func("b32enc", &[Param::String], |_, a| Ok(Value::string(base32_encode(arg_bytes(a, 0))))),
        func("b32dec", &[Param::String], |_, a| {
            Ok(match base32_decode(arg_str(a, 0)) {
                Ok(b) => Value::from_go_bytes(b),
                Err(at) => Value::string(format!("illegal base32 data at input byte {at}")),
            })
        }),
    ]
}

/// Go's `base64.StdEncoding.EncodeToString`.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Go's `base32.StdEncoding.EncodeToString`.
pub(crate) fn base32_encode(data: &[u8]) -> String {
    encode_bits(data, B32, 5, 8)
}

/// Encodes `data` `bits` at a time with `alphabet`, padding to a multiple of `quantum`.
fn encode_bits(data: &[u8], alphabet: &[u8], bits: u32, quantum: usize) -> String {
    let mut out = String::new();
    let mut acc: u64 = 0;
    let mut n: u32 = 0;
    for &b in data {
        acc = (acc << 8) | b as u64;
        n += 8;
        while n >= bits {
            n -= bits;
            out.push(alphabet[((acc >> n) & ((1 << bits) - 1)) as usize] as char);
        }
        acc &= (1 << n) - 1;
    }
    if n > 0 {
        out.push(alphabet[((acc << (bits - n)) & ((1 << bits) - 1)) as usize] as char);
    }
    while !out.len().is_multiple_of(quantum) {
        out.push('=');
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`; `Err` holds the offending input offset.
pub(crate) fn base64_decode(s: &str) -> Result<Vec<u8>, usize> {
    decode_quanta(s.as_bytes(), B64, 6, 4)
}

/// Go's `base32.StdEncoding.DecodeString`; `Err` holds the offending input offset.
fn base32_decode(s: &str) -> Result<Vec<u8>, usize> {
    decode_quanta(s.as_bytes(), B32, 5, 8)
}

/// Decodes quanta of `quantum` symbols, skipping CR and LF, following Go's rules
/// for padding and the offsets it reports.
fn decode_quanta(src: &[u8], alphabet: &[u8], bits: u32, quantum: usize) -> Result<Vec<u8>, usize> {
    let value = |c: u8| alphabet.iter().position(|x| *x == c).map(|p| p as u64);
    let mut out = Vec::new();
    let mut si = 0usize;
    loop {
        let mut acc: u64 = 0;
        let mut j = 0usize;
        let mut padded = false;
        while j < quantum {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if let Some(v) = value(c) {
                acc = (acc << bits) | v;
                j += 1;
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding: the rest of the quantum must be '=' (newlines allowed).
            if j < 2 {
                return Err(si - 1);
            }
            let mut need = quantum - j - 1;
            while need > 0 {
                while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                    si += 1;
                }
                if si == src.len() {
                    return Err(src.len());
                }
                if src[si] != b'=' {
                    return Err(si.saturating_sub(1));
                }
                si += 1;
                need -= 1;
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                return Err(si);
            }
            padded = true;
            break;
        }
        let total_bits = j as u32 * bits;
        let nbytes = (total_bits / 8) as usize;
        let acc = acc >> (total_bits % 8);
        for k in (0..nbytes).rev() {
            out.push(((acc >> (8 * k)) & 0xff) as u8);
        }
        if padded {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8"), Err(4));
        assert_eq!(base64_decode("a$"), Err(1));
        assert_eq!(base32_encode(b"hello"), "NBSWY3DP");
        assert_eq!(base32_decode("NBSWY3DP").unwrap(), b"hello");
        assert_eq!(base32_encode(b"hi"), "NBUQ====");
        assert_eq!(base32_decode("NBUQ====").unwrap(), b"hi");
    }
}
