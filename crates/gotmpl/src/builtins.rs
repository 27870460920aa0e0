//! Go's predefined template functions (`and`, `len`, `index`, `eq`, `printf`, ...),
//! with their Go signatures and error texts.

use govalue::{GoType, List, MapKind, Param, Value};

use crate::exec::{Complex, PType, Val};
use crate::gofmt;

/// A predefined function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Print,
    Printf,
    Println,
    Html,
    Js,
    Urlquery,
    Call,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Builtin {
    /// The builtin called `name`.
    pub fn by_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "len" => Builtin::Len,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::Urlquery,
            "call" => Builtin::Call,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            _ => return None,
        })
    }

    /// Fixed parameter types and the variadic element type, as Go declares them.
    pub fn signature(self) -> (Vec<PType>, Option<PType>) {
        let r = PType::Reflect;
        let any = PType::Param(Param::Any);
        match self {
            Builtin::And | Builtin::Or | Builtin::Index | Builtin::Slice | Builtin::Eq | Builtin::Call => {
                (vec![r], Some(r))
            }
            Builtin::Not | Builtin::Len => (vec![r], None),
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => (vec![r, r], None),
            Builtin::Print | Builtin::Println | Builtin::Html | Builtin::Js | Builtin::Urlquery => {
                (Vec::new(), Some(any))
            }
            Builtin::Printf => (vec![PType::Param(Param::String)], Some(any)),
        }
    }
}

/// Calls a builtin (other than the short-circuiting `and`/`or`); `callee` is the
/// text of the first argument, which `call` names in its errors.
pub(crate) fn call(b: Builtin, argv: &[Val], callee: &str) -> Result<Val, String> {
    let arg = |i: usize| argv.get(i).cloned().unwrap_or(Val::Missing);
    let values = || argv.iter().map(Val::value).collect::<Vec<_>>();
    match b {
        Builtin::And | Builtin::Or => Ok(argv.last().cloned().unwrap_or(Val::Missing)),
        Builtin::Not => Ok(Val::V(Value::Bool(!arg(0).truth()))),
        Builtin::Len => length(&arg(0)).map(|n| Val::V(Value::Int(n as i64))),
        Builtin::Index => index(&arg(0), argv.get(1..).unwrap_or(&[])),
        Builtin::Slice => slice(&arg(0), argv.get(1..).unwrap_or(&[])),
        Builtin::Print => Ok(Val::V(Value::from_go_bytes(gofmt::sprint(&values())))),
        Builtin::Println => Ok(Val::V(Value::from_go_bytes(gofmt::sprintln(&values())))),
        Builtin::Printf => {
            let all = values();
            let format = all.first().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            Ok(Val::V(Value::from_go_bytes(gofmt::sprintf(&format, all.get(1..).unwrap_or(&[])))))
        }
        Builtin::Html => Ok(Val::V(Value::from_go_bytes(html_escape(&eval_args(values()))))),
        Builtin::Js => Ok(Val::V(Value::from_go_bytes(js_escape(&eval_args(values()))))),
        Builtin::Urlquery => Ok(Val::V(Value::string(query_escape(&eval_args(values()))))),
        Builtin::Call => match arg(0).concrete() {
            None => Err("call of nil".into()),
            Some(v) => Err(format!("non-function {callee} of type {}", v.type_name())),
        },
        Builtin::Eq => eq(&arg(0), argv.get(1..).unwrap_or(&[])).map(bool_val),
        Builtin::Ne => eq(&arg(0), &[arg(1)]).map(|t| bool_val(!t)),
        Builtin::Lt => lt(&arg(0), &arg(1)).map(bool_val),
        Builtin::Le => le(&arg(0), &arg(1)).map(bool_val),
        Builtin::Gt => le(&arg(0), &arg(1)).map(|t| bool_val(!t)),
        Builtin::Ge => lt(&arg(0), &arg(1)).map(|t| bool_val(!t)),
    }
}

fn bool_val(b: bool) -> Val {
    Val::V(Value::Bool(b))
}

fn length(item: &Val) -> Result<usize, String> {
    match item {
        Val::Missing => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Val::NilIface => Err("len of nil pointer".into()),
        Val::Boxed(v) | Val::V(v) => match crate::exec::underlying(v) {
            Value::String(s) => Ok(s.len()),
            Value::ByteString(s) => Ok(s.bytes().len()),
            Value::Bytes(b) => Ok(b.len()),
            Value::List(l) => Ok(l.len()),
            Value::Map(m) => Ok(m.len()),
            _ => Err(format!("len of type {}", v.type_name())),
        },
    }
}

fn index_arg(index: &Val, cap: usize) -> Result<usize, String> {
    let x = match index.concrete() {
        Some(Value::Int(x)) | Some(Value::Int64(x)) => *x,
        Some(Value::Uint8(x)) => i64::from(*x),
        Some(Value::Uint64(x)) => i64::try_from(*x).unwrap_or(i64::MAX),
        None => return Err("cannot index slice/array with nil".into()),
        Some(other) => return Err(format!("cannot index slice/array with type {}", other.type_name())),
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn list_elem(l: &List, x: usize) -> Val {
    match l.items().get(x) {
        Some(v) if l.elem() == GoType::Any => Val::elem(v),
        Some(v) => Val::V(v.clone()),
        None => Val::Missing,
    }
}

fn index(item: &Val, indexes: &[Val]) -> Result<Val, String> {
    let mut item = match item.concrete() {
        None => return Err("index of untyped nil".into()),
        Some(v) => Val::V(v.clone()),
    };
    for idx in indexes {
        let current = match &item {
            Val::NilIface | Val::Missing => return Err("index of nil pointer".into()),
            Val::Boxed(v) | Val::V(v) => crate::exec::underlying(v),
        };
        item = match &current {
            Value::List(l) => {
                let x = index_arg(idx, l.len())?;
                if x >= l.len() {
                    return Err("reflect: slice index out of range".into());
                }
                list_elem(l, x)
            }
            Value::Bytes(b) => {
                let x = index_arg(idx, b.len())?;
                match b.get(x) {
                    Some(byte) => Val::V(Value::Uint8(*byte)),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::String(_) | Value::ByteString(_) => {
                let s = current.go_bytes().unwrap_or_default();
                let x = index_arg(idx, s.len())?;
                match s.get(x) {
                    Some(byte) => Val::V(Value::Uint8(*byte)),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(m) => {
                let key = match idx.concrete() {
                    None => return Err("value is nil; should be of type string".into()),
                    Some(Value::String(s)) => s.clone(),
                    // A key of bytes that are not UTF-8 is kept escaped (see `as_map_key`).
                    Some(Value::ByteString(b)) => govalue::bytekey::escape(b.bytes()).into(),
                    Some(other) => return Err(format!("value has type {}; should be string", other.type_name())),
                };
                let strings = m.kind() == MapKind::Strings;
                match m.get(&key) {
                    Some(v) if strings => Val::V(v),
                    Some(v) => Val::elem(&v),
                    None if strings => Val::V(Value::str("")),
                    None => Val::NilIface,
                }
            }
            _ => return Err(format!("can't index item of type {}", item.value().type_name())),
        };
    }
    Ok(item)
}

fn slice(item: &Val, indexes: &[Val]) -> Result<Val, String> {
    let Some(v) = item.concrete() else {
        return Err("slice of untyped nil".into());
    };
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let cap = match v {
        Value::String(_) | Value::ByteString(_) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            v.go_bytes().map_or(0, <[u8]>::len)
        }
        Value::List(l) => l.len(),
        Value::Bytes(b) => b.len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0usize, cap, 0];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, cap)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (from, to) = (idx[0], idx[1]);
    Ok(Val::V(match v {
        Value::String(_) | Value::ByteString(_) => {
            Value::from_go_bytes(v.go_bytes().and_then(|b| b.get(from..to)).unwrap_or_default().to_vec())
        }
        Value::List(l) => Value::List(List::typed(l.items()[from..to].to_vec(), l.elem())),
        Value::Bytes(b) => Value::Bytes(std::rc::Rc::from(&b[from..to])),
        _ => Value::Nil,
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Complex,
    Int,
    Float,
    String,
}

fn basic_kind(v: Option<&Value>) -> Option<Kind> {
    match v? {
        Value::Bool(_) => Some(Kind::Bool),
        Value::Int(_) | Value::Int64(_) | Value::Uint8(_) | Value::Uint64(_) => Some(Kind::Int),
        Value::Float(_) => Some(Kind::Float),
        Value::String(_) | Value::ByteString(_) => Some(Kind::String),
        Value::Object(o) if o.as_any().is::<Complex>() => Some(Kind::Complex),
        Value::Object(o) if o.integer().is_some() => Some(Kind::Int),
        _ => None,
    }
}

fn complex_parts(v: &Value) -> Option<(f64, f64)> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<Complex>().map(|c| (c.0, c.1)),
        _ => None,
    }
}

fn reflect_kind(v: Option<&Value>) -> String {
    match v {
        None => "invalid".into(),
        Some(Value::List(_) | Value::Bytes(_)) => "slice".into(),
        Some(other) => other.kind_name(),
    }
}

/// The integer of an integer-kind value (`int`, `int64`, a named integer type).
fn integer_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) | Value::Int64(i) => Some(*i),
        Value::Uint8(b) => Some(i64::from(*b)),
        // Values above `i64::MAX` wrap, as Go's `int64(u)` does.
        Value::Uint64(u) => Some(*u as i64),
        Value::Object(o) => o.integer(),
        _ => None,
    }
}

fn basic_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(_) | Value::ByteString(_), Value::String(_) | Value::ByteString(_)) => {
            a.go_bytes() == b.go_bytes()
        }
        (x, y) if integer_of(x).is_some() => integer_of(x) == integer_of(y),
        (x, y) => complex_parts(x).is_some_and(|a| Some(a) == complex_parts(y)),
    }
}

fn eq(arg1: &Val, rest: &[Val]) -> Result<bool, String> {
    let a1 = arg1.concrete();
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a1);
    for arg in rest {
        let a = arg.concrete();
        let k2 = basic_kind(a);
        let truth = if k1 != k2 {
            if let (Some(x), Some(y)) = (a1, a) {
                return Err(format!("incompatible types for comparison: {} and {}", x.type_name(), y.type_name()));
            }
            false
        } else if k1.is_some() {
            match (a1, a) {
                (Some(x), Some(y)) => basic_eq(x, y),
                _ => false,
            }
        } else {
            let (r1, r2) = (reflect_kind(a1), reflect_kind(a));
            if r1 != r2 && r1 != "invalid" && r2 != "invalid" {
                let (x, y) = (a1.cloned().unwrap_or(Value::Nil), a.cloned().unwrap_or(Value::Nil));
                return Err(format!(
                    "non-comparable types {}: {}, {}: {}",
                    String::from_utf8_lossy(&gofmt::format_verb(&x, 's')),
                    x.type_name(),
                    y.type_name(),
                    String::from_utf8_lossy(&gofmt::format_verb(&y, 'v'))
                ));
            }
            match (a1, a) {
                (None, _) | (_, None) => a1.is_none() && a.is_none(),
                (Some(x), Some(y)) => match (x, y) {
                    (Value::Object(p), Value::Object(q)) => std::rc::Rc::ptr_eq(p, q),
                    (_, y) => {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            String::from_utf8_lossy(&gofmt::format_verb(y, 's')),
                            y.type_name()
                        ))
                    }
                },
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(arg1: &Val, arg2: &Val) -> Result<bool, String> {
    const BAD: &str = "invalid type for comparison";
    let (a, b) = (arg1.concrete(), arg2.concrete());
    let k1 = basic_kind(a).ok_or(BAD)?;
    let k2 = basic_kind(b).ok_or(BAD)?;
    let (Some(a), Some(b)) = (a, b) else {
        return Err(BAD.into());
    };
    if k1 != k2 {
        return Err(format!("incompatible types for comparison: {} and {}", a.type_name(), b.type_name()));
    }
    if k1 == Kind::Complex {
        return Err(BAD.into());
    }
    Ok(match (a, b) {
        (Value::Float(x), Value::Float(y)) => x < y,
        (x, y) if integer_of(x).is_some() && integer_of(y).is_some() => integer_of(x) < integer_of(y),
        (Value::String(_) | Value::ByteString(_), Value::String(_) | Value::ByteString(_)) => {
            a.go_bytes() < b.go_bytes()
        }
        _ => return Err(BAD.into()),
    })
}

fn le(arg1: &Val, arg2: &Val) -> Result<bool, String> {
    let less = lt(arg1, arg2)?;
    if less {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2))
}

/// Go's `evalArgs`: one string argument as is, otherwise `fmt.Sprint` with nil
/// shown as `<no value>`.
fn eval_args(args: Vec<Value>) -> Vec<u8> {
    if let [s] = args.as_slice() {
        if let Some(bytes) = s.go_bytes() {
            return bytes.to_vec();
        }
    }
    let args: Vec<Value> = args.into_iter().map(|a| if a.is_nil() { Value::str("<no value>") } else { a }).collect();
    gofmt::sprint(&args)
}

/// Go's `template.HTMLEscapeString` (bytewise: other bytes are copied).
fn html_escape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &b in s {
        match b {
            0 => out.extend_from_slice("\u{FFFD}".as_bytes()),
            b'"' => out.extend_from_slice(b"&#34;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b => out.push(b),
        }
    }
    out
}

/// Go's `template.JSEscapeString`: a byte that is not UTF-8 is the printable
/// U+FFFD to Go, so it is copied as is.
fn js_escape(s: &[u8]) -> Vec<u8> {
    let escaped = govalue::bytekey::escape(s);
    let mut out = String::with_capacity(s.len());
    for c in escaped.chars() {
        match c {
            c if govalue::bytekey::is_escaped(c) => out.push(c),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c if govalue::strconv::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    govalue::bytekey::unescape(&out).into_owned()
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: Value) -> Val {
        Val::V(x)
    }

    #[test]
    fn comparisons_follow_go_type_rules() {
        assert_eq!(
            eq(&v(Value::Int(1)), &[v(Value::Float(1.0))]).unwrap_err(),
            "incompatible types for comparison: int and float64"
        );
        assert_eq!(eq(&Val::Missing, &[v(Value::Int(1))]), Ok(false));
        assert_eq!(eq(&Val::Missing, &[Val::NilIface]), Ok(true));
        assert_eq!(eq(&v(Value::Int64(1)), &[v(Value::Int(1))]), Ok(true));
        assert_eq!(
            eq(&v(Value::list(vec![Value::Int(1)])), &[v(Value::list(vec![Value::Int(1)]))]).unwrap_err(),
            "non-comparable type [%!s(int=1)]: []interface {}"
        );
        assert_eq!(lt(&v(Value::Bool(true)), &v(Value::Bool(false))).unwrap_err(), "invalid type for comparison");
        assert_eq!(lt(&Val::Missing, &v(Value::Int(1))).unwrap_err(), "invalid type for comparison");
    }

    #[test]
    fn escapers() {
        assert_eq!(html_escape(b"<a href=\"x\">&'</a>"), b"&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;");
        assert_eq!(js_escape(b"a\nb"), b"a\\u000Ab");
        assert_eq!(js_escape("é\u{2028}".as_bytes()), "é\\u2028".as_bytes());
        assert_eq!(query_escape("a b&c=d/é".as_bytes()), "a+b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn index_errors() {
        let l = v(Value::list(vec![Value::str("a")]));
        assert_eq!(index(&l, &[v(Value::Int(5))]).err().as_deref(), Some("index out of range: 5"));
        assert_eq!(
            index(&l, &[v(Value::str("0"))]).err().as_deref(),
            Some("cannot index slice/array with type string")
        );
        assert_eq!(
            index(&v(Value::str("abc")), &[v(Value::Int(3))]).err().as_deref(),
            Some("reflect: string index out of range")
        );
        assert_eq!(index(&Val::NilIface, &[v(Value::str("x"))]).err().as_deref(), Some("index of untyped nil"));
    }
}
