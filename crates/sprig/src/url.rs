//! URL functions: `urlParse` (a URL's parts as a dict) and `urlJoin` (a dict back
//! to a URL), following Go's `net/url` parsing, escaping and `URL.String`.

use govalue::{strconv, FuncError, FuncResult, FuncSpec, Map, Param, Value};

use crate::conv::{arg_map, arg_str, err, fallible};

/// The URL functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        fallible("urlParse", &[Param::String], |_, a| url_parse(arg_str(a, 0))),
        fallible("urlJoin", &[Param::Map], |_, a| url_join(&arg_map(a, 0))),
    ]
}

/// The parts of a URL, as Go's `url.URL` holds them (unescaped).
#[derive(Default, Debug, PartialEq)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_query: String,
    force_query: bool,
    fragment: String,
}

/// Escaping contexts of Go's `shouldEscape`.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host {
        return !matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
                | b'-'
                | b'_'
                | b'.'
                | b'~'
        );
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => c == b'?',
            Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
            _ => false,
        },
        b'!' | b'(' | b')' | b'*' if mode == Mode::Fragment => false,
        _ => true,
    }
}

/// Go's `url.escape`.
fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(c as char);
        }
    }
    out
}

/// Go's `url.unescape`; `Err` holds the bad escape for the error text.
fn unescape(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
            let Some(hex) = hex else {
                let bad = String::from_utf8_lossy(b.get(i..(i + 3).min(b.len())).unwrap_or(&[])).into_owned();
                return Err(format!("invalid URL escape {}", strconv::quote(&bad)));
            };
            let v = u8::from_str_radix(&String::from_utf8_lossy(hex), 16).unwrap_or(0);
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(govalue::strconv::lossy(&out).into_owned())
}

/// Go's `getScheme`: (scheme, rest).
fn get_scheme(raw: &str) -> Result<(String, &str), String> {
    for (i, c) in raw.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err("missing protocol scheme".into()),
            ':' => return Ok((raw[..i].to_ascii_lowercase(), &raw[i + 1..])),
            _ => return Ok((String::new(), raw)),
        }
    }
    Ok((String::new(), raw))
}

/// Go's `url.Parse`.
fn parse(raw: &str) -> Result<Url, String> {
    let mut u = Url::default();
    let (rest, frag) = match raw.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (raw, None),
    };
    if let Some(f) = frag {
        u.fragment = unescape(f)?;
    }
    if rest.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    if rest.is_empty() {
        return Ok(u);
    }
    if rest == "*" {
        u.path = "*".into();
        return Ok(u);
    }
    let (scheme, mut rest) = get_scheme(rest)?;
    u.scheme = scheme;
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        u.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        u.raw_query = q.to_string();
        rest = r;
    }
    if !rest.starts_with('/') {
        if !u.scheme.is_empty() {
            u.opaque = rest.to_string();
            return Ok(u);
        }
        let first = rest.split('/').next().unwrap_or("");
        if first.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!u.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let (authority, remainder) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        let host = match authority.rfind('@') {
            Some(i) => {
                let info = &authority[..i];
                u.user = Some(match info.split_once(':') {
                    Some((name, pw)) => (unescape(name)?, Some(unescape(pw)?)),
                    None => (unescape(info)?, None),
                });
                &authority[i + 1..]
            }
            None => authority,
        };
        u.host = unescape(host)?;
        rest = remainder;
    }
    u.path = unescape(rest)?;
    Ok(u)
}

impl Url {
    /// Go's `URL.Hostname`: the host without port or IPv6 brackets.
    fn hostname(&self) -> &str {
        let h = &self.host;
        if let Some(stripped) = h.strip_prefix('[') {
            return stripped.split(']').next().unwrap_or("");
        }
        match h.rfind(':') {
            Some(i) => &h[..i],
            None => h,
        }
    }

    /// Go's `Userinfo.String`.
    fn user_text(&self) -> Option<String> {
        self.user.as_ref().map(|(name, pw)| match pw {
            Some(p) => format!("{}:{}", escape(name, Mode::UserPassword), escape(p, Mode::UserPassword)),
            None => escape(name, Mode::UserPassword),
        })
    }

    /// Go's `URL.String`.
    fn text(&self) -> String {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if !self.opaque.is_empty() {
            buf.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(ui) = self.user_text() {
                    buf.push_str(&ui);
                    buf.push('@');
                }
                if !self.host.is_empty() {
                    buf.push_str(&escape(&self.host, Mode::Host));
                }
            }
            let path = escape(&self.path, Mode::Path);
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().is_some_and(|seg| seg.contains(':')) {
                buf.push_str("./");
            }
            buf.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&escape(&self.fragment, Mode::Fragment));
        }
        buf
    }
}

/// Sprig's `urlParse`.
fn url_parse(raw: &str) -> FuncResult {
    let u =
        parse(raw).map_err(|e| FuncError::new(format!("unable to parse url: parse {}: {e}", strconv::quote(raw))))?;
    let m = Map::new();
    m.insert("scheme", Value::str(&u.scheme));
    m.insert("host", Value::str(&u.host));
    m.insert("hostname", Value::str(u.hostname()));
    m.insert("path", Value::str(&u.path));
    m.insert("query", Value::str(&u.raw_query));
    m.insert("opaque", Value::str(&u.opaque));
    m.insert("fragment", Value::str(&u.fragment));
    m.insert("userinfo", Value::string(u.user_text().unwrap_or_default()));
    Ok(Value::Map(m))
}

/// Sprig's `dictGetOrEmpty`: a string entry, "" when missing.
fn dict_string(d: &Map, key: &str) -> Result<String, FuncError> {
    match d.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(Value::Nil) => err(crate::conv::NIL_DEREF),
        Some(other) => {
            err(format!("unable to parse {key} key, must be of type string, but {} found", other.kind_name()))
        }
    }
}

/// Sprig's `urlJoin`.
fn url_join(d: &Map) -> FuncResult {
    let mut u = Url {
        scheme: dict_string(d, "scheme")?,
        host: dict_string(d, "host")?,
        path: dict_string(d, "path")?,
        raw_query: dict_string(d, "query")?,
        opaque: dict_string(d, "opaque")?,
        fragment: dict_string(d, "fragment")?,
        ..Url::default()
    };
    let userinfo = dict_string(d, "userinfo")?;
    if !userinfo.is_empty() {
        let parsed = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| FuncError::new(format!("unable to parse userinfo in dict: {e}")))?;
        u.user = parsed.user;
    }
    Ok(Value::string(u.text()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_join_like_go() {
        let u = parse("https://user:pw@example.com:8080/a/b?x=1&y=2#frag").unwrap();
        assert_eq!(u.host, "example.com:8080");
        assert_eq!(u.hostname(), "example.com");
        assert_eq!(u.user_text().as_deref(), Some("user:pw"));
        assert_eq!(u.raw_query, "x=1&y=2");
        assert_eq!(u.text(), "https://user:pw@example.com:8080/a/b?x=1&y=2#frag");
        assert_eq!(parse("mailto:joe@x.com").unwrap().opaque, "joe@x.com");
        assert_eq!(parse("/rel/path").unwrap().path, "/rel/path");
        assert_eq!(parse("%zz").unwrap_err(), "invalid URL escape \"%zz\"");
        let d = Map::new();
        for (k, v) in [
            ("scheme", "https"),
            ("host", "h.com"),
            ("path", "/p"),
            ("query", "a=b"),
            ("fragment", "f"),
            ("userinfo", "u:p"),
        ] {
            d.insert(k, Value::str(v));
        }
        assert_eq!(url_join(&d).unwrap().to_go_string(), "https://u:p@h.com/p?a=b#f");
        let d = Map::new();
        d.insert("host", Value::str("x"));
        d.insert("opaque", Value::str("o"));
        assert_eq!(url_join(&d).unwrap().to_go_string(), "o");
        d.insert("userinfo", Value::Int(5));
        assert_eq!(
            url_join(&d).unwrap_err().message,
            "unable to parse userinfo key, must be of type string, but int found"
        );
    }
}
