//! Path functions: Go's `path` package (`base`, `dir`, `clean`, `ext`, `isAbs`) and
//! `path/filepath` (`osBase`, ...), which on Linux behaves the same.

use govalue::{FuncSpec, Param, Value};

use crate::conv::{arg_str, func};

/// The path functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    let mut v = Vec::new();
    for (plain, os) in [("base", "osBase"), ("dir", "osDir"), ("clean", "osClean"), ("ext", "osExt")] {
        let body: govalue::FuncBody = match plain {
            "base" => |_, a| Ok(Value::string(base(arg_str(a, 0)))),
            "dir" => |_, a| Ok(Value::string(dir(arg_str(a, 0)))),
            "clean" => |_, a| Ok(Value::string(clean(arg_str(a, 0)))),
            _ => |_, a| Ok(Value::str(ext(arg_str(a, 0)))),
        };
        v.push(func(plain, &[Param::String], body));
        v.push(func(os, &[Param::String], body));
    }
    v.push(func("isAbs", &[Param::String], |_, a| Ok(Value::Bool(arg_str(a, 0).starts_with('/')))));
    v.push(func("osIsAbs", &[Param::String], |_, a| Ok(Value::Bool(arg_str(a, 0).starts_with('/')))));
    v
}

/// Go's `path.Clean`.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`.
fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].to_string(),
        None => trimmed.to_string(),
    }
}

/// Go's `path.Dir`.
fn dir(p: &str) -> String {
    let cut = p.rfind('/').map(|i| &p[..=i]).unwrap_or("");
    clean(cut)
}

/// Go's `path.Ext`.
fn ext(p: &str) -> &str {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return &p[i..];
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_go_path() {
        assert_eq!(clean("a//b/./c/../d/"), "a/b/d");
        assert_eq!(clean("/../x"), "/x");
        assert_eq!(clean("../x"), "../x");
        assert_eq!(clean("/"), "/");
        assert_eq!(base("a/b/"), "b");
        assert_eq!(base("/"), "/");
        assert_eq!(dir("/etc/hosts"), "/etc");
        assert_eq!(dir("file"), ".");
        assert_eq!(ext(".bashrc"), ".bashrc");
        assert_eq!(ext("a.b/c"), "");
    }
}
