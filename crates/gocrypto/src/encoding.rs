//! Go-compatible base64 (`encoding/base64.StdEncoding`), PEM (`encoding/pem`) and a
//! minimal DER writer/reader for the structures this crate builds and inspects.

/// Go's `base64.StdEncoding.EncodeToString`.
pub fn b64_encode(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` ignored,
/// non-zero trailing bits allowed. The error is Go's text,
/// `illegal base64 data at input byte N`.
pub fn b64_decode(src: &[u8]) -> Result<Vec<u8>, String> {
    let corrupt = |at: usize| format!("illegal base64 data at input byte {at}");
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut trailing_err = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(corrupt(si - j));
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(corrupt(si - 1));
            }
            match j {
                0 | 1 => return Err(corrupt(si - 1)),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(corrupt(src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(corrupt(si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                trailing_err = Some(corrupt(si));
            }
            dlen = j;
            break;
        }
        let v =
            (u32::from(dbuf[0]) << 18) | (u32::from(dbuf[1]) << 12) | (u32::from(dbuf[2]) << 6) | u32::from(dbuf[3]);
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(e) = trailing_err {
            return Err(e);
        }
    }
    Ok(out)
}

/// Go's `pem.EncodeToMemory` for a block without headers.
pub fn pem_encode(kind: &str, der: &[u8]) -> String {
    let b64 = b64_encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// A decoded PEM block: its type and its DER bytes (headers are dropped).
pub struct PemBlock {
    /// The word(s) between `BEGIN ` and the closing dashes.
    pub kind: String,
    /// The decoded body.
    pub der: Vec<u8>,
}

fn get_line(data: &[u8]) -> (&[u8], &[u8]) {
    let (mut i, j) = match data.iter().position(|&b| b == b'\n') {
        None => (data.len(), data.len()),
        Some(i) => (i, i + 1),
    };
    if i < j && i > 0 && data[i - 1] == b'\r' {
        i -= 1;
    }
    let mut line = &data[..i];
    while let Some((&last, rest)) = line.split_last() {
        if last == b' ' || last == b'\t' {
            line = rest;
        } else {
            break;
        }
    }
    (line, &data[j..])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_space(mut s: &[u8]) -> &[u8] {
    while let Some((f, r)) = s.split_first() {
        if f.is_ascii_whitespace() {
            s = r;
        } else {
            break;
        }
    }
    while let Some((l, r)) = s.split_last() {
        if l.is_ascii_whitespace() {
            s = r;
        } else {
            break;
        }
    }
    s
}

/// Go's `pem.Decode`: the first well-formed block in `data`, skipping any text
/// before it and any malformed candidate blocks.
pub fn pem_decode(data: &[u8]) -> Option<PemBlock> {
    const START: &[u8] = b"\n-----BEGIN ";
    const END: &[u8] = b"\n-----END ";
    const EOL: &[u8] = b"-----";
    let mut rest = data;
    loop {
        if rest.starts_with(&START[1..]) {
            rest = &rest[START.len() - 1..];
        } else if let Some(i) = find(rest, START) {
            rest = &rest[i + START.len()..];
        } else {
            return None;
        }
        let (type_line, after) = get_line(rest);
        rest = after;
        let Some(type_line) = type_line.strip_suffix(EOL) else {
            continue;
        };
        let mut has_headers = false;
        loop {
            if rest.is_empty() {
                return None;
            }
            let (line, next) = get_line(rest);
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                break;
            };
            // Headers are parsed (and skipped) exactly where Go reads them.
            let _ = (trim_space(&line[..colon]), trim_space(&line[colon + 1..]));
            has_headers = true;
            rest = next;
        }
        let (end_index, end_trailer_index) = if !has_headers && rest.starts_with(&END[1..]) {
            (0, END.len() - 1)
        } else {
            match find(rest, END) {
                Some(i) => (i, i + END.len()),
                None => continue,
            }
        };
        let end_trailer = &rest[end_trailer_index..];
        let trailer_len = type_line.len() + EOL.len();
        if end_trailer.len() < trailer_len {
            continue;
        }
        let (trailer, rest_of_end_line) = end_trailer.split_at(trailer_len);
        if !trailer.starts_with(type_line) || !trailer.ends_with(EOL) {
            continue;
        }
        if !get_line(rest_of_end_line).0.is_empty() {
            continue;
        }
        let body: Vec<u8> = rest[..end_index].iter().copied().filter(|&b| b != b' ' && b != b'\t').collect();
        match b64_decode(&body) {
            Ok(der) => return Some(PemBlock { kind: String::from_utf8_lossy(type_line).into_owned(), der }),
            Err(_) => continue,
        }
    }
}

/// DER tag numbers used by this crate.
pub mod tag {
    /// INTEGER
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER
    pub const OID: u8 = 0x06;
    /// UTF8String
    pub const UTF8_STRING: u8 = 0x0c;
    /// PrintableString
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// UTCTime
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// SEQUENCE
    pub const SEQUENCE: u8 = 0x30;
    /// SET
    pub const SET: u8 = 0x31;
    /// BOOLEAN
    pub const BOOLEAN: u8 = 0x01;
}

/// One DER element: tag, length, contents.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already-encoded elements.
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &parts.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub fn uint(be: &[u8]) -> Vec<u8> {
    let skip = be.iter().take_while(|&&b| b == 0).count();
    let mut body = be[skip..].to_vec();
    if body.first().is_none_or(|&b| b & 0x80 != 0) {
        body.insert(0, 0);
    }
    tlv(tag::INTEGER, &body)
}

/// An OBJECT IDENTIFIER from its dotted arcs (the first two arcs must be < 3 and < 40).
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend_from_slice(&tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for &a in &arcs[2..] {
        push(a);
    }
    tlv(tag::OID, &body)
}

/// A BIT STRING with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut body = vec![0];
    body.extend_from_slice(bytes);
    tlv(tag::BIT_STRING, &body)
}

/// One DER element read from the front of a buffer: (tag, contents, whole element,
/// the bytes after it).
pub type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// Reads one DER element from the front of `data`.
pub fn read_tlv(data: &[u8]) -> Option<Tlv<'_>> {
    let (&t, rest) = data.split_first()?;
    if t & 0x1f == 0x1f {
        return None;
    }
    let (&l, rest) = rest.split_first()?;
    let (len, rest) = if l < 0x80 {
        (usize::from(l), rest)
    } else {
        let n = usize::from(l & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | usize::from(b);
        }
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = data.len() - rest.len();
    Some((t, &rest[..len], &data[..header + len], &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_and_go_errors() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let e = b64_encode(s.as_bytes());
            assert_eq!(b64_decode(e.as_bytes()).unwrap(), s.as_bytes());
        }
        assert_eq!(b64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(b64_encode(b"fo"), "Zm8=");
        assert_eq!(b64_decode(b"Zm9v\nYmE=\r\n").unwrap(), b"fooba");
        assert_eq!(b64_decode(b"Zm9").unwrap_err(), "illegal base64 data at input byte 0");
        assert_eq!(b64_decode(b"Zm9vY").unwrap_err(), "illegal base64 data at input byte 4");
        assert_eq!(b64_decode(b"Zm!v").unwrap_err(), "illegal base64 data at input byte 2");
        assert_eq!(b64_decode(b"Zm8=Zm8=").unwrap_err(), "illegal base64 data at input byte 4");
        assert_eq!(b64_decode(b"Zg=").unwrap_err(), "illegal base64 data at input byte 3");
        assert_eq!(b64_decode(b"Zg=a").unwrap_err(), "illegal base64 data at input byte 2");
    }

    #[test]
    fn pem_round_trip_with_junk_and_headers() {
        let der: Vec<u8> = (0..200u8).collect();
        let pem = pem_encode("TEST THING", &der);
        assert!(pem.lines().skip(1).all(|l| l.len() <= 64));
        let text = format!("junk before\n{pem}after");
        let b = pem_decode(text.as_bytes()).unwrap();
        assert_eq!(b.kind, "TEST THING");
        assert_eq!(b.der, der);
        let with_headers = "-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\n\nAAEC\n-----END X-----";
        assert_eq!(pem_decode(with_headers.as_bytes()).unwrap().der, vec![0, 1, 2]);
        assert!(pem_decode(b"-----BEGIN X-----\nAAEC\n-----END Y-----\n").is_none());
        assert!(pem_decode(b"no pem here").is_none());
        assert!(pem_decode(b"-----BEGIN X-----\n!!!!\n-----END X-----\n").is_none());
    }

    #[test]
    fn der_basics() {
        assert_eq!(uint(&[0x80]), vec![2, 2, 0, 0x80]);
        assert_eq!(uint(&[0, 0, 1]), vec![2, 1, 1]);
        assert_eq!(uint(&[]), vec![2, 1, 0]);
        assert_eq!(oid(&[2, 5, 4, 3]), vec![6, 3, 0x55, 4, 3]);
        assert_eq!(oid(&[1, 2, 840, 113549, 1, 1, 11]), vec![6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11]);
        let long = tlv(tag::OCTET_STRING, &[7; 300]);
        assert_eq!(&long[..4], &[4, 0x82, 1, 44]);
        let (t, c, whole, rest) = read_tlv(&long).unwrap();
        assert_eq!((t, c.len(), whole.len(), rest.len()), (4, 300, 304, 0));
        assert!(read_tlv(&long[..100]).is_none());
    }
}
