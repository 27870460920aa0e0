//! Sprig's string functions (`trim`, `upper`, `indent`, `quote`, `split`, ...),
//! including the goutils and xstrings helpers Sprig delegates to.

use govalue::{strconv, FuncResult, FuncSpec, Host, Param, Value};

use crate::conv::{arg, arg_bytes, arg_int, arg_str, err, fallible, func, strval_bytes, variadic};
use crate::random;

use Param::{Any, Int, String as Str};

/// The largest random string or byte count the random functions build.
pub(crate) const MAX_OUTPUT: usize = 64 << 20;

/// Go's limits on making a string of `n` bytes: from 2^48 (`maxAlloc` on 64-bit
/// Linux) `makeslice` fails with an error; below that Go allocates and, when the
/// memory is not there, stops with `fatal error: runtime: out of memory` (an error
/// here, saying so).
pub(crate) fn check_alloc(n: u128) -> Result<(), govalue::FuncError> {
    if n >= 1 << 48 {
        return err("runtime error: makeslice: len out of range");
    }
    let mut probe: Vec<u8> = Vec::new();
    // black_box: an optimised build may otherwise elide the unused allocation and
    // report success for any size.
    if std::hint::black_box(probe.try_reserve_exact(n as usize)).is_err() {
        return err(format!("runtime: out of memory: cannot allocate {n} bytes (where Helm stops with a fatal error)"));
    }
    Ok(())
}

/// The string functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("hello", &[], |_, _| Ok(Value::str("Hello!"))),
        func("abbrev", &[Int, Str], |_, a| Ok(Value::from_go_bytes(abbrev(arg_int(a, 0), arg_bytes(a, 1))))),
        func("abbrevboth", &[Int, Int, Str], |_, a| {
            Ok(Value::from_go_bytes(abbrevboth(arg_int(a, 0), arg_int(a, 1), arg_bytes(a, 2))))
        }),
        fallible("trunc", &[Int, Str], |_, a| trunc(arg_int(a, 0), arg_bytes(a, 1))),
        func("trim", &[Str], |_, a| Ok(Value::from_go_bytes(trim_space(arg_bytes(a, 0)).to_vec()))),
        func("upper", &[Str], |_, a| Ok(Value::string(map_runes(arg_str(a, 0), upper_rune)))),
        func("lower", &[Str], |_, a| Ok(Value::string(map_runes(arg_str(a, 0), lower_rune)))),
        func("title", &[Str], |_, a| Ok(Value::string(title(arg_str(a, 0))))),
        func("untitle", &[Str], |_, a| Ok(Value::string(untitle(arg_str(a, 0))))),
        fallible("substr", &[Int, Int, Str], |_, a| substr(arg_int(a, 0), arg_int(a, 1), arg_bytes(a, 2))),
        fallible("repeat", &[Int, Str], |_, a| repeat_bytes(arg_bytes(a, 1), arg_int(a, 0)).map(Value::from_go_bytes)),
        func("trimall", &[Str, Str], |_, a| Ok(trim_set(arg_bytes(a, 1), arg_str(a, 0)))),
        func("trimAll", &[Str, Str], |_, a| Ok(trim_set(arg_bytes(a, 1), arg_str(a, 0)))),
        func("trimSuffix", &[Str, Str], |_, a| {
            let (suf, s) = (arg_bytes(a, 0), arg_bytes(a, 1));
            Ok(Value::from_go_bytes(s.strip_suffix(suf).unwrap_or(s).to_vec()))
        }),
        func("trimPrefix", &[Str, Str], |_, a| {
            let (pre, s) = (arg_bytes(a, 0), arg_bytes(a, 1));
            Ok(Value::from_go_bytes(s.strip_prefix(pre).unwrap_or(s).to_vec()))
        }),
        func("nospace", &[Str], |_, a| Ok(Value::from_go_bytes(delete_white_space(arg_bytes(a, 0))))),
        func("initials", &[Str], |_, a| Ok(Value::string(initials(arg_bytes(a, 0))))),
        fallible("randAlphaNum", &[Int], |h, a| random::rand_string(h, arg_int(a, 0), random::Kind::AlphaNum)),
        fallible("randAlpha", &[Int], |h, a| random::rand_string(h, arg_int(a, 0), random::Kind::Alpha)),
        fallible("randAscii", &[Int], |h, a| random::rand_string(h, arg_int(a, 0), random::Kind::Ascii)),
        fallible("randNumeric", &[Int], |h, a| random::rand_string(h, arg_int(a, 0), random::Kind::Numeric)),
        func("swapcase", &[Str], |_, a| Ok(Value::string(swap_case(arg_str(a, 0))))),
        func("shuffle", &[Str], |h, a| Ok(Value::string(shuffle(h, arg_str(a, 0))))),
        func("snakecase", &[Str], |_, a| Ok(Value::string(camel_to_lower(arg_str(a, 0), '_')))),
        func("camelcase", &[Str], |_, a| Ok(Value::string(pascal_case(arg_str(a, 0))))),
        func("kebabcase", &[Str], |_, a| Ok(Value::string(camel_to_lower(arg_str(a, 0), '-')))),
        func("wrap", &[Int, Str], |_, a| Ok(Value::from_go_bytes(wrap(arg_bytes(a, 1), arg_int(a, 0), b"", false)))),
        func("wrapWith", &[Int, Str, Str], |_, a| {
            Ok(Value::from_go_bytes(wrap(arg_bytes(a, 2), arg_int(a, 0), arg_bytes(a, 1), true)))
        }),
        func("contains", &[Str, Str], |_, a| Ok(Value::Bool(bytes_contain(arg_bytes(a, 1), arg_bytes(a, 0))))),
        func("hasPrefix", &[Str, Str], |_, a| Ok(Value::Bool(arg_bytes(a, 1).starts_with(arg_bytes(a, 0))))),
        func("hasSuffix", &[Str, Str], |_, a| Ok(Value::Bool(arg_bytes(a, 1).ends_with(arg_bytes(a, 0))))),
        variadic("quote", &[], Any, false, |_, a| Ok(Value::string(quote(a)))),
        variadic("squote", &[], Any, false, |_, a| Ok(Value::from_go_bytes(squote(a)))),
        variadic("cat", &[], Any, false, |_, a| Ok(Value::from_go_bytes(cat(a)))),
        fallible("indent", &[Int, Str], |_, a| indent(arg_int(a, 0), arg_bytes(a, 1)).map(Value::from_go_bytes)),
        fallible("nindent", &[Int, Str], |_, a| {
            indent(arg_int(a, 0), arg_bytes(a, 1)).map(|s| Value::from_go_bytes([&b"\n"[..], &s].concat()))
        }),
        fallible("replace", &[Str, Str, Str], |_, a| replace(arg_bytes(a, 2), arg_bytes(a, 0), arg_bytes(a, 1))),
        func("plural", &[Str, Str, Int], |_, a| {
            Ok(Value::str(if arg_int(a, 2) == 1 { arg_str(a, 0) } else { arg_str(a, 1) }))
        }),
        func("split", &[Str, Str], |_, a| Ok(split_map(split_bytes(arg_bytes(a, 1), arg_bytes(a, 0), -1)))),
        func("splitList", &[Str, Str], |_, a| Ok(bytes_list(split_bytes(arg_bytes(a, 1), arg_bytes(a, 0), -1)))),
        func("splitn", &[Str, Int, Str], |_, a| {
            Ok(split_map(split_bytes(arg_bytes(a, 2), arg_bytes(a, 0), arg_int(a, 1))))
        }),
        func("toStrings", &[Any], |_, a| {
            let v = arg(a, 0);
            Ok(if is_nil_string_list(&v) { v } else { bytes_list(strslice_bytes(&v)) })
        }),
        func("join", &[Str, Any], |_, a| Ok(Value::from_go_bytes(strslice_bytes(&arg(a, 1)).join(arg_bytes(a, 0))))),
    ]
}

/// Go's `unicode.ToUpper` for one rune: the simple mapping (Rust's is the full one,
/// which can give several runes; those runes stay, except Greek with iota below).
pub(crate) fn upper_rune(c: char) -> char {
    single(c.to_uppercase()).unwrap_or_else(|| match c as u32 {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => char::from_u32(c as u32 + 8).unwrap_or(c),
        0x1FB3 | 0x1FC3 | 0x1FF3 => char::from_u32(c as u32 + 9).unwrap_or(c),
        _ => c,
    })
}

/// Go's `unicode.ToLower` for one rune (simple mapping).
pub(crate) fn lower_rune(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

/// Go's `unicode.ToTitle` for one rune: the upper case, except for digraphs such
/// as `ǆ`, whose title case is `ǅ`.
fn title_rune(c: char) -> char {
    match c as u32 {
        0x1C4..=0x1C6 => '\u{1C5}',
        0x1C7..=0x1C9 => '\u{1C8}',
        0x1CA..=0x1CC => '\u{1CB}',
        0x1F1..=0x1F3 => '\u{1F2}',
        _ => upper_rune(c),
    }
}

/// Go's `unicode.IsTitle` (category Lt).
fn is_title(c: char) -> bool {
    matches!(c as u32,
        0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    if it.next().is_some() {
        None
    } else {
        Some(first)
    }
}

/// Maps every rune (Go's `strings.Map` with a one-to-one case mapping).
fn map_runes(s: &str, f: fn(char) -> char) -> String {
    s.chars().map(f).collect()
}

/// Go's `strings.TrimSpace` over bytes: a byte that is not UTF-8 is not space.
fn trim_space(s: &[u8]) -> &[u8] {
    trim_runes(s, char::is_whitespace)
}

/// `s` without the leading and trailing runes for which `cut` holds; a byte that is
/// not UTF-8 is the rune U+FFFD, as Go decodes it.
fn trim_runes(s: &[u8], cut: impl Fn(char) -> bool) -> &[u8] {
    let (mut start, mut end, mut at) = (None, 0, 0);
    for chunk in s.utf8_chunks() {
        let runes = chunk.valid().chars().map(|c| (c, c.len_utf8()));
        for (c, len) in runes.chain(chunk.invalid().iter().map(|_| ('\u{FFFD}', 1))) {
            if !cut(c) {
                start.get_or_insert(at);
                end = at + len;
            }
            at += len;
        }
    }
    start.map_or(&s[..0], |st| &s[st..end])
}

/// `strings.Trim(s, cutset)`.
fn trim_set(s: &[u8], cutset: &str) -> Value {
    Value::from_go_bytes(trim_runes(s, |c| cutset.contains(c)).to_vec())
}

/// Go's `strings.Title`: upper-cases the first letter of each word.
fn title(s: &str) -> String {
    fn is_separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphanumeric() {
            return false;
        }
        c.is_whitespace()
    }
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { title_rune(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// goutils `Uncapitalize`: lower-cases the first rune of each space-separated word.
fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if c.is_whitespace() {
                next = true;
                c
            } else if next {
                next = false;
                lower_rune(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils `SwapCase`: upper to lower, lower to upper (title case after spaces).
fn swap_case(s: &str) -> String {
    let mut space = true;
    s.chars()
        .map(|c| {
            if c.is_uppercase() || is_title(c) {
                space = false;
                lower_rune(c)
            } else if c.is_lowercase() {
                let upper = if space { title_rune(c) } else { upper_rune(c) };
                space = false;
                upper
            } else {
                space = c.is_whitespace();
                c
            }
        })
        .collect()
}

/// Whether a byte, seen as a rune (goutils works bytewise), is Go whitespace.
fn byte_is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// goutils `DeleteWhiteSpace`: works on bytes, each kept byte re-encoded as a rune.
fn delete_white_space(s: &[u8]) -> Vec<u8> {
    if !s.iter().copied().any(byte_is_space) {
        return s.to_vec();
    }
    // goutils writes each kept byte as the rune of that value.
    s.iter().copied().filter(|b| !byte_is_space(*b)).map(|b| b as char).collect::<String>().into_bytes()
}

/// goutils `Initials`: first byte of each whitespace-separated word.
fn initials(s: &[u8]) -> String {
    let mut gap = true;
    let mut out = String::new();
    for &b in s {
        if byte_is_space(b) {
            gap = true;
        } else if gap {
            // The byte's value as a rune, as goutils writes it.
            out.push(b as char);
            gap = false;
        }
    }
    out
}

/// Sprig's `abbrev`.
fn abbrev(width: i64, s: &[u8]) -> Vec<u8> {
    if width < 4 {
        return s.to_vec();
    }
    abbreviate_full(s, 0, width).unwrap_or_default()
}

/// Sprig's `abbrevboth`.
fn abbrevboth(left: i64, right: i64, s: &[u8]) -> Vec<u8> {
    if right < 4 || (left > 0 && right < 7) {
        return s.to_vec();
    }
    abbreviate_full(s, left, right).unwrap_or_default()
}

/// goutils `AbbreviateFull` (byte offsets, as Go slices strings).
fn abbreviate_full(s: &[u8], offset: i64, max_width: i64) -> Option<Vec<u8>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    if max_width < 4 {
        return None;
    }
    let b = s;
    let len = b.len() as i64;
    if len <= max_width {
        return Some(s.to_vec());
    }
    let mut offset = offset.min(len);
    if len.wrapping_sub(offset) < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let slice = |from: i64, to: i64| b.get(from.max(0) as usize..to.max(0) as usize).unwrap_or(&[]).to_vec();
    if offset <= 4 {
        return Some([slice(0, max_width - 3), b"...".to_vec()].concat());
    }
    if max_width < 7 {
        return None;
    }
    if offset.wrapping_add(max_width - 3) < len {
        let inner = abbreviate_full(&slice(offset, len), 0, max_width - 3)?;
        return Some([b"...".to_vec(), inner].concat());
    }
    Some([b"...".to_vec(), slice(len - (max_width - 3), len)].concat())
}

/// Go's panic text for `s[lo:hi]` out of range.
fn slice_error<T>(lo: Option<i64>, hi: i64, len: usize) -> Result<T, govalue::FuncError> {
    match lo {
        Some(lo) => err(format!("runtime error: slice bounds out of range [{lo}:{hi}]")),
        None if hi < 0 => err(format!("runtime error: slice bounds out of range [:{hi}]")),
        None => err(format!("runtime error: slice bounds out of range [:{hi}] with length {len}")),
    }
}

/// Sprig's `trunc`: keeps the first `c` bytes, or the last `-c` bytes (a cut inside
/// a character keeps the raw bytes, as Go does).
fn trunc(c: i64, b: &[u8]) -> FuncResult {
    let len = b.len() as i64;
    if c < 0 && len + c > 0 {
        return Ok(Value::from_go_bytes(b[(len + c) as usize..].to_vec()));
    }
    if c >= 0 && len > c {
        return Ok(Value::from_go_bytes(b[..c as usize].to_vec()));
    }
    Ok(Value::from_go_bytes(b.to_vec()))
}

/// Sprig's `substr` over the string's bytes, with Go's slice panics as errors.
fn substr(start: i64, end: i64, b: &[u8]) -> FuncResult {
    let len = b.len();
    if start < 0 {
        if end < 0 || end as usize > len {
            return slice_error(None, end, len);
        }
        return Ok(Value::from_go_bytes(b[..end as usize].to_vec()));
    }
    if end < 0 || end as usize > len {
        if start as u64 > len as u64 {
            return slice_error(Some(start), len as i64, len);
        }
        return Ok(Value::from_go_bytes(b[start as usize..].to_vec()));
    }
    if start > end {
        return slice_error(Some(start), end, len);
    }
    Ok(Value::from_go_bytes(b[start as usize..end as usize].to_vec()))
}

/// Go's `strings.Repeat` over a string's bytes.
fn repeat_bytes(s: &[u8], count: i64) -> Result<Vec<u8>, govalue::FuncError> {
    if count < 0 {
        return err("strings: negative Repeat count");
    }
    let n = (s.len() as u128) * (count as u128);
    if n > i64::MAX as u128 {
        return err("strings: Repeat output length overflow");
    }
    check_alloc(n)?;
    Ok(s.repeat(count as usize))
}

/// Go's `strings.Contains` (bytewise).
fn bytes_contain(s: &[u8], sub: &[u8]) -> bool {
    sub.is_empty() || s.windows(sub.len()).any(|w| w == sub)
}

/// Go's `strings.SplitN` over bytes: a non-empty separator splits bytewise; an
/// empty one splits into UTF-8 sequences (each stray byte on its own, kept).
fn split_bytes(s: &[u8], sep: &[u8], n: i64) -> Vec<Vec<u8>> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let text = govalue::bytekey::escape(s);
        return go_split(&text, "", n).into_iter().map(|p| govalue::bytekey::unescape(&p).into_owned()).collect();
    }
    let mut out = Vec::new();
    let mut rest = s;
    while n < 0 || (out.len() as i64) < n - 1 {
        match rest.windows(sep.len()).position(|w| w == sep) {
            Some(i) => {
                out.push(rest[..i].to_vec());
                rest = &rest[i + sep.len()..];
            }
            None => break,
        }
    }
    out.push(rest.to_vec());
    out
}

/// Strings as a `[]string`, each string's bytes kept.
fn bytes_list(items: Vec<Vec<u8>>) -> Value {
    Value::List(govalue::List::typed(items.into_iter().map(Value::from_go_bytes).collect(), govalue::GoType::String))
}

/// Go's `strings.Repeat`, with Go's errors for sizes it cannot make.
pub(crate) fn repeat(s: &str, count: i64) -> Result<String, govalue::FuncError> {
    repeat_bytes(s.as_bytes(), count).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Go's `strings.Replace(s, old, new, -1)` over bytes, refusing results Go could
/// not make. An empty `old` matches before every rune and at the end.
fn replace(s: &[u8], old: &[u8], new: &[u8]) -> FuncResult {
    let matches = if old.is_empty() { go_rune_lens(s).count() + 1 } else { find_all(s, old).len() };
    let size = s.len() as u128 + matches as u128 * new.len() as u128;
    check_alloc(size)?;
    let mut out = Vec::with_capacity(size as usize);
    if old.is_empty() {
        let mut at = 0;
        for len in go_rune_lens(s) {
            out.extend_from_slice(new);
            out.extend_from_slice(&s[at..at + len]);
            at += len;
        }
        out.extend_from_slice(new);
    } else {
        let mut at = 0;
        for i in find_all(s, old) {
            out.extend_from_slice(&s[at..i]);
            out.extend_from_slice(new);
            at = i + old.len();
        }
        out.extend_from_slice(&s[at..]);
    }
    Ok(Value::from_go_bytes(out))
}

/// The start of every non-overlapping occurrence of `pat` (not empty) in `s`.
fn find_all(s: &[u8], pat: &[u8]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + pat.len() <= s.len() {
        if s[i..].starts_with(pat) {
            found.push(i);
            i += pat.len();
        } else {
            i += 1;
        }
    }
    found
}

/// The byte length of each rune of `s` as Go decodes it (an invalid byte is a rune).
fn go_rune_lens(s: &[u8]) -> impl Iterator<Item = usize> + '_ {
    s.utf8_chunks().flat_map(|c| c.valid().chars().map(char::len_utf8).chain(c.invalid().iter().map(|_| 1)))
}

/// Sprig's `indent`.
fn indent(spaces: i64, v: &[u8]) -> Result<Vec<u8>, govalue::FuncError> {
    let pad = repeat(" ", spaces)?;
    let lines = v.iter().filter(|&&b| b == b'\n').count() as u128 + 1;
    check_alloc(lines * pad.len() as u128 + v.len() as u128)?;
    let mut out = Vec::with_capacity(v.len() + pad.len() * lines as usize);
    out.extend_from_slice(pad.as_bytes());
    for &b in v {
        out.push(b);
        if b == b'\n' {
            out.extend_from_slice(pad.as_bytes());
        }
    }
    Ok(out)
}

/// Sprig's `quote`: each non-nil argument as a Go string literal, space-separated.
fn quote(args: &[Value]) -> String {
    args.iter().filter(|v| !v.is_nil()).map(|v| strconv::quote_bytes(&strval_bytes(v))).collect::<Vec<_>>().join(" ")
}

/// Sprig's `squote`: each non-nil argument (`%v`, a string's bytes exactly) in
/// single quotes, space-separated.
fn squote(args: &[Value]) -> Vec<u8> {
    let quoted: Vec<Vec<u8>> =
        args.iter().filter(|v| !v.is_nil()).map(|v| [&b"'"[..], &v.to_go_bytes(), b"'"].concat()).collect();
    quoted.join(&b' ')
}

/// Sprig's `cat`: non-nil arguments (`%v`, a string's bytes exactly) joined by spaces.
fn cat(args: &[Value]) -> Vec<u8> {
    let parts: Vec<std::borrow::Cow<'_, [u8]>> = args.iter().filter(|v| !v.is_nil()).map(Value::to_go_bytes).collect();
    parts.join(&b' ')
}

/// Go's `strings.SplitN` (`n < 0`: all parts; `n == 0`: none).
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<char> = s.chars().collect();
        let limit = if n < 0 || n as usize > chars.len() { chars.len() } else { n as usize };
        let mut out: Vec<String> = Vec::with_capacity(limit);
        for (i, c) in chars.iter().enumerate() {
            if out.len() + 1 == limit && i < chars.len() {
                out.push(chars[i..].iter().collect());
                return out;
            }
            out.push(c.to_string());
        }
        return out;
    }
    if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

/// Sprig's `split`/`splitn` result: `map[string]string` keyed `_0`, `_1`, ...
fn split_map(parts: Vec<Vec<u8>>) -> Value {
    let m = govalue::Map::new().with_kind(govalue::MapKind::Strings);
    for (i, p) in parts.into_iter().enumerate() {
        m.insert(format!("_{i}"), Value::from_go_bytes(p));
    }
    Value::Map(m)
}

/// Whether `v` is a nil `[]string`, which Sprig's `strslice` passes through as it is.
pub(crate) fn is_nil_string_list(v: &Value) -> bool {
    matches!(v, Value::List(l) if l.is_nil() && l.elem() == govalue::GoType::String)
}

/// [`strslice`] keeping each string's exact bytes.
pub(crate) fn strslice_bytes(v: &Value) -> Vec<Vec<u8>> {
    match v {
        Value::Nil => Vec::new(),
        Value::List(l) => l.items().iter().filter(|x| !x.is_nil()).map(strval_bytes).collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string().into_bytes()).collect(),
        Value::Object(o) => match o.underlying() {
            Some(u @ Value::List(_)) => strslice_bytes(&u),
            _ => vec![strval_bytes(v)],
        },
        other => vec![strval_bytes(other)],
    }
}

/// goutils `WrapCustom` (byte offsets, as in Go).
fn wrap(s: &[u8], width: i64, newline: &[u8], wrap_long: bool) -> Vec<u8> {
    if s.is_empty() {
        return Vec::new();
    }
    let newline: &[u8] = if newline.is_empty() { b"\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s;
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        let window = &b[offset..end.min(len)];
        if let Some(sp) = window.iter().rposition(|c| *c == b' ') {
            out.extend_from_slice(&b[offset..offset + sp]);
            out.extend_from_slice(newline);
            offset += sp + 1;
        } else if wrap_long {
            out.extend_from_slice(&b[offset..width + offset]);
            out.extend_from_slice(newline);
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|c| *c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    out.extend_from_slice(&b[offset..end + i]);
                    out.extend_from_slice(newline);
                    offset = end + i + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    out
}

/// Shuffles the runes of `s` with the host's random source.
fn shuffle(host: &mut dyn Host, s: &str) -> String {
    let mut runes: Vec<char> = s.chars().collect();
    for i in (1..runes.len()).rev() {
        let j = random::below(host, i as u64 + 1) as usize;
        runes.swap(i, j);
    }
    runes.into_iter().collect()
}

/// xstrings' connector runes.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

/// Go's `unicode.IsPunct` (category P).
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x2010..=0x2027 | 0x2030..=0x2043
        | 0x2045..=0x2051 | 0x2053..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011 | 0xFF01..=0xFF03
        | 0xFF05..=0xFF0A | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20)
}

/// xstrings' `ToPascalCase` (Sprig's `camelcase`).
fn pascal_case(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    let mut first_upper = false;
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            r0 = Some(upper_rune(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else { return out };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = upper_rune(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = lower_rune(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

/// xstrings word kinds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alpha,
    Connector,
    Punct,
    Other,
}

/// xstrings `nextWord`: the kind and text of the next word, and what remains.
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else { return (Word::Invalid, "", "") };
    let end_of = |it: &mut std::iter::Peekable<std::str::CharIndices>, pred: &dyn Fn(char) -> bool| {
        while let Some(&(_, c)) = it.peek() {
            if !pred(c) {
                break;
            }
            it.next();
        }
        it.peek().map(|(i, _)| *i).unwrap_or(s.len())
    };
    let (wt, end) = if is_connector(r) {
        (Word::Connector, end_of(&mut it, &is_connector))
    } else if is_punct(r) {
        (Word::Punct, end_of(&mut it, &is_punct))
    } else if r.is_uppercase() {
        match it.peek().map(|x| x.1) {
            None => (Word::Upper, s.len()),
            Some(c) if c.is_uppercase() => {
                // A run of upper case letters; the last one starts the next word
                // when a lower case letter follows.
                let mut prev_start = it.peek().map(|x| x.0).unwrap_or(s.len());
                it.next();
                while let Some(&(i, c)) = it.peek() {
                    if !c.is_uppercase() {
                        break;
                    }
                    prev_start = i;
                    it.next();
                }
                match it.peek() {
                    Some(&(_, c)) if c.is_alphabetic() => (Word::Upper, prev_start),
                    Some(&(i, _)) => (Word::Upper, i),
                    None => (Word::Upper, s.len()),
                }
            }
            Some(c) if c.is_alphabetic() => (Word::Upper, end_of(&mut it, &|c| c.is_alphabetic() && !c.is_uppercase())),
            Some(_) => (Word::Upper, it.peek().map(|x| x.0).unwrap_or(s.len())),
        }
    } else if r.is_alphabetic() {
        (Word::Alpha, end_of(&mut it, &|c| c.is_alphabetic() && !c.is_uppercase()))
    } else if r.is_numeric() {
        (Word::Number, end_of(&mut it, &|c| c.is_numeric()))
    } else {
        (Word::Other, end_of(&mut it, &|c| !(is_connector(c) || c.is_alphabetic() || c.is_numeric() || is_punct(c))))
    };
    (wt, &s[..end], &s[end..])
}

/// xstrings `toLower` for one word.
fn word_lower(out: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if c.is_uppercase() {
            out.push(lower_rune(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (`snakecase`, `kebabcase`).
fn camel_to_lower(s: &str, connector: char) -> String {
    let mut out = String::new();
    if s.is_empty() {
        return out;
    }
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Word::Connector {
            word_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alpha || wt == Word::Number {
                    word_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if !matches!(wt, Word::Invalid | Word::Punct | Word::Connector) {
                    out.push(connector);
                }
            }
            Word::Connector => word_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                if wt != Word::Alpha {
                    word_lower(&mut out, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                word_lower(&mut out, Word::Number, last, connector);
                while wt == Word::Alpha || wt == Word::Number {
                    word_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if !matches!(wt, Word::Invalid | Word::Connector | Word::Punct) {
                    out.push(connector);
                }
            }
        }
    }
    word_lower(&mut out, wt, word, connector);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions_match_xstrings() {
        assert_eq!(pascal_case("HTTPServer"), "Httpserver");
        assert_eq!(pascal_case("foo_bar"), "FooBar");
        assert_eq!(pascal_case("FOO_BAR"), "FooBar");
        assert_eq!(pascal_case("__a_b"), "__AB");
        assert_eq!(pascal_case("ABc_dEF"), "AbcDEF");
        assert_eq!(camel_to_lower("HTTPServer", '_'), "http_server");
        assert_eq!(camel_to_lower("fooBar123Baz", '_'), "foo_bar123_baz");
        assert_eq!(camel_to_lower("a1b", '_'), "a_1b");
        assert_eq!(camel_to_lower("foo_bar1_2", '_'), "foo_bar1_2");
        assert_eq!(camel_to_lower("FooBar Baz", '-'), "foo-bar-baz");
    }

    #[test]
    fn slicing_errors_like_go() {
        assert_eq!(substr(5, 3, b"abc").unwrap_err().message, "runtime error: slice bounds out of range [5:3]");
        assert_eq!(
            substr(-1, 5, b"abc").unwrap_err().message,
            "runtime error: slice bounds out of range [:5] with length 3"
        );
        assert_eq!(substr(-1, -1, b"abc").unwrap_err().message, "runtime error: slice bounds out of range [:-1]");
        assert_eq!(substr(1, 2, b"abc").unwrap().to_go_string(), "b");
        assert_eq!(trunc(-5, b"abc").unwrap().to_go_string(), "abc");
        assert_eq!(trunc(-2, b"abc").unwrap().to_go_string(), "bc");
    }

    #[test]
    fn byte_functions_keep_raw_bytes() {
        // Go slices strings by byte: a cut inside "é" keeps half of it.
        let cut = substr(0, 2, "hé".as_bytes()).unwrap();
        assert_eq!(cut.go_bytes(), Some(&b"h\xc3"[..]));
        assert_eq!(trunc(2, "hé".as_bytes()).unwrap().go_bytes(), Some(&b"h\xc3"[..]));
        let raw = Value::from_go_bytes(b"hello \xff".to_vec());
        assert_eq!(quote(std::slice::from_ref(&raw)), "\"hello \\xff\"");
        assert_eq!(squote(std::slice::from_ref(&raw)), b"'hello \xff'");
        assert_eq!(cat(&[raw.clone(), Value::str("x")]), b"hello \xff x");
        let replaced = replace(b"hello \xff", b"h", b"j").unwrap();
        assert_eq!(replaced.go_bytes(), Some(&b"jello \xff"[..]));
        let around = replace(b"a\xff", b"", b"-").unwrap();
        assert_eq!(around.go_bytes(), Some(&b"-a-\xff-"[..]));
        assert_eq!(indent(2, b"a\n\xff").unwrap(), b"  a\n  \xff");
        assert_eq!(trim_space(b" \xff x\xc3\n "), b"\xff x\xc3");
        assert_eq!(trim_space(" \u{a0}\t".as_bytes()), b"");
        assert_eq!(trim_set(b"hello \xff", "h").go_bytes(), Some(&b"ello \xff"[..]));
        assert_eq!(trim_set(b"hello \xff", "\u{FFFD}").go_bytes(), Some(&b"hello "[..]));
    }

    #[test]
    fn split_like_go() {
        assert_eq!(go_split("abc", "", -1), vec!["a", "b", "c"]);
        assert_eq!(go_split("abc", "", 2), vec!["a", "bc"]);
        assert_eq!(go_split("a,b,c", ",", 2), vec!["a", "b,c"]);
        assert!(go_split("a", ",", 0).is_empty());
    }

    #[test]
    fn goutils_helpers() {
        assert_eq!(wrap(b"hello world foo", 5, b"", false), b"hello\nworld\nfoo");
        assert_eq!(abbrev(5, b"hello world"), b"he...");
        assert_eq!(swap_case("Hello World"), "hELLO wORLD");
        assert_eq!(initials(b"foo bar"), "fb");
        assert_eq!(title("hello wOrld-x"), "Hello WOrld-X");
        assert_eq!(title("ǆemal ßa"), "ǅemal ßa");
        assert_eq!(map_runes("İSTANBUL ΣΑΣ", lower_rune), "istanbul σασ");
        assert_eq!(map_runes("straße ǆ ᾳ ﬁ ŉ", upper_rune), "STRAßE Ǆ ᾼ ﬁ ŉ");
        assert_eq!(swap_case("İi ǅ"), "iI ǆ");
        assert!(repeat("x", 1 << 40).is_err());
        assert!(indent(-1, b"x").is_err());
    }
}
