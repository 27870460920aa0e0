//! Shared helpers: reading declared arguments, `spf13/cast` conversions, Sprig's
//! `strval` and `empty`, Go's `reflect.DeepEqual`, and building `FuncSpec`s.

use govalue::{FuncBody, FuncError, FuncResult, FuncSpec, GoType, List, Map, Param, Value};

/// A function that cannot fail, with fixed parameters.
pub(crate) const fn func(name: &'static str, params: &'static [Param], body: FuncBody) -> FuncSpec {
    FuncSpec { name, params, variadic: None, can_fail: false, body }
}

/// A function that can fail (its Go form also returns an `error`).
pub(crate) const fn fallible(name: &'static str, params: &'static [Param], body: FuncBody) -> FuncSpec {
    FuncSpec { name, params, variadic: None, can_fail: true, body }
}

/// A function with a trailing variadic parameter of type `var`.
pub(crate) const fn variadic(
    name: &'static str,
    params: &'static [Param],
    var: Param,
    can_fail: bool,
    body: FuncBody,
) -> FuncSpec {
    FuncSpec { name, params, variadic: Some(var), can_fail, body }
}

/// The argument at `i` (nil when absent).
pub(crate) fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

/// A declared `string` argument, as text (invalid bytes read as U+FFFD, as Go's
/// rune-wise functions see them).
pub(crate) fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

/// A declared `string` argument used as a map key (bytes that are not UTF-8 kept,
/// see `Value::as_map_key`).
pub(crate) fn arg_key(args: &[Value], i: usize) -> std::borrow::Cow<'_, str> {
    args.get(i).and_then(Value::as_map_key).unwrap_or(std::borrow::Cow::Borrowed(""))
}

/// A declared `string` argument, as the Go string's exact bytes.
pub(crate) fn arg_bytes(args: &[Value], i: usize) -> &[u8] {
    args.get(i).and_then(Value::go_bytes).unwrap_or(b"")
}

/// A declared `int` (or `int64`) argument.
pub(crate) fn arg_int(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n)) | Some(Value::Int64(n)) => *n,
        Some(Value::Float(f)) => go_f64_to_i64(*f),
        _ => 0,
    }
}

/// A declared `map[string]interface{}` argument (a fresh empty map for nil). Go
/// converts Helm's named `Values` type to the parameter's type, so the result is
/// a plain map sharing the same entries.
pub(crate) fn arg_map(args: &[Value], i: usize) -> Map {
    match args.get(i) {
        Some(Value::Map(m)) => m.with_kind(govalue::MapKind::Plain),
        _ => Map::new(),
    }
}

/// A declared `bool` argument.
pub(crate) fn arg_bool(args: &[Value], i: usize) -> bool {
    matches!(args.get(i), Some(Value::Bool(true)))
}

/// The arguments from `i` on (a variadic tail).
pub(crate) fn rest_args(args: &[Value], i: usize) -> &[Value] {
    args.get(i..).unwrap_or(&[])
}

/// A `[]int` value.
pub(crate) fn int_list(items: Vec<i64>) -> Value {
    Value::List(List::typed(items.into_iter().map(Value::Int).collect(), GoType::Int))
}

/// An error value.
pub(crate) fn err<T>(msg: impl Into<String>) -> Result<T, FuncError> {
    Err(FuncError::new(msg))
}

/// Go's `float64 → int64` conversion as amd64 performs it (out of range and NaN
/// give the minimum int64).
pub(crate) fn go_f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast`'s `trimZeroDecimal`: "5.00" → "5", other strings unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, c) in s.char_indices().rev() {
        match c {
            '.' => {
                if found_zero {
                    return &s[..i];
                }
                return s;
            }
            '0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, 0, 64)`: base prefixes, underscores with a prefix.
pub(crate) fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r.to_string())
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r.to_string())
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string())
    } else {
        (10, lower.clone())
    };
    if digits.contains('_') {
        // Underscores are allowed only with base 0 between digits (and after a prefix).
        if !govalue::strconv::underscore_ok(&lower) {
            return None;
        }
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() || clean.starts_with('+') || clean.starts_with('-') {
        return None;
    }
    let mag = u64::from_str_radix(&clean, radix).ok()?;
    if neg {
        if mag > 1u64 << 63 {
            None
        } else {
            Some((mag as i64).wrapping_neg())
        }
    } else if mag > i64::MAX as u64 {
        None
    } else {
        Some(mag as i64)
    }
}

/// `cast.ToInt64E`, errors mapped to 0 as Sprig ignores them.
pub(crate) fn to_int64(v: &Value) -> i64 {
    to_int64_e(v).unwrap_or(0)
}

/// `cast.ToInt64E`: `None` where cast reports an error.
pub(crate) fn to_int64_e(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) | Value::Int64(i) => Some(*i),
        Value::Uint8(b) => Some(i64::from(*b)),
        // Above `i64::MAX` it wraps, as cast's `int64(u)` does.
        Value::Uint64(u) => Some(*u as i64),
        Value::Float(f) => Some(go_f64_to_i64(*f)),
        Value::Bool(b) => Some(*b as i64),
        Value::Nil => Some(0),
        Value::String(s) => parse_int_base0(trim_zero_decimal(s)),
        _ => None,
    }
}

/// `cast.ToFloat64E`, errors mapped to 0.
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint8(b) => f64::from(*b),
        Value::Uint64(u) => *u as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => *b as i64 as f64,
        Value::String(s) => parse_go_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)`; `None` where Go reports an error.
pub(crate) fn parse_go_float(s: &str) -> Option<f64> {
    govalue::strconv::parse_float(s)
}

/// Sprig's `strval`: strings as is, bytes as text, `Stringer`s by their `String()`,
/// everything else by `%v`.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => govalue::strconv::lossy(b).into_owned(),
        other => other.to_go_string(),
    }
}

/// Sprig's `strval` keeping every byte (a string's or a `[]byte`'s exact bytes).
pub(crate) fn strval_bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::Bytes(b) => b.to_vec(),
        Value::String(_) | Value::ByteString(_) => v.to_go_bytes().into_owned(),
        other => strval(other).into_bytes(),
    }
}

/// Sprig's `empty`: nil, zero numbers, `false`, and zero-length strings, slices and
/// maps are empty; structs never are.
pub(crate) fn empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Uint8(b) => *b == 0,
        Value::Uint64(u) => *u == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::ByteString(_) => false,
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        // A named map or slice type (`.Files`, `.Capabilities.APIVersions`) is empty
        // when its map or slice is; structs never are.
        Value::Object(o) => o.underlying().is_some_and(|u| empty(&u)),
    }
}

/// Go's `reflect.DeepEqual` over template values (types must match).
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_at(a, b, 0)
}

fn deep_equal_at(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > 1000 {
        return true;
    }
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Uint8(x), Value::Uint8(y)) => x == y,
        (Value::Uint64(x), Value::Uint64(y)) => x == y,
        (Value::String(_) | Value::ByteString(_), Value::String(_) | Value::ByteString(_)) => {
            a.go_bytes() == b.go_bytes()
        }
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.elem() == y.elem()
                && x.is_nil() == y.is_nil()
                && x.len() == y.len()
                && (x.addr() == y.addr()
                    || x.items().iter().zip(y.items()).all(|(p, q)| deep_equal_at(p, q, depth + 1)))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.kind() != y.kind() {
                return false;
            }
            if x.ptr_eq(y) {
                return true;
            }
            let (xb, yb) = (x.borrow(), y.borrow());
            xb.len() == yb.len() && xb.iter().all(|(k, v)| yb.get(k).is_some_and(|w| deep_equal_at(v, w, depth + 1)))
        }
        (Value::Object(x), Value::Object(y)) => x.type_name() == y.type_name() && x.format_v() == y.format_v(),
        _ => false,
    }
}

/// The items of a slice argument, or `None` when the value is not a slice
/// (byte slices count, as their bytes).
pub(crate) fn slice_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.items().to_vec()),
        Value::Bytes(b) => Some(b.iter().map(|x| Value::Uint8(*x)).collect()),
        Value::Object(o) => match o.underlying() {
            Some(u @ (Value::List(_) | Value::Bytes(_))) => slice_items(&u),
            _ => None,
        },
        _ => None,
    }
}

/// Go's `reflect.Kind` name of a value for Sprig's "Cannot ... on type KIND" errors.
pub(crate) fn kind_of(v: &Value) -> String {
    v.kind_name()
}

/// The error Go reports when a method is called on a nil `reflect.Type`
/// (`reflect.TypeOf(nil).Kind()` inside Sprig's list functions).
pub(crate) const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// Checks that a value is a slice for list functions; errors as Sprig does.
/// `what` is the message before the kind, e.g. `Cannot push on type`.
pub(crate) fn list_arg(v: &Value, what: &str) -> Result<Vec<Value>, FuncError> {
    if v.is_nil() {
        return err(NIL_DEREF);
    }
    slice_items(v).ok_or_else(|| FuncError::new(format!("{what} {}", kind_of(v))))
}

/// A plain result value of a `[]interface{}`.
pub(crate) fn ok_list(items: Vec<Value>) -> FuncResult {
    Ok(Value::list(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cast_to_int64_like_go() {
        assert_eq!(to_int64(&Value::str("08")), 0);
        assert_eq!(to_int64(&Value::str("0x10")), 16);
        assert_eq!(to_int64(&Value::str("5.0")), 5);
        assert_eq!(to_int64(&Value::str("1e3")), 0);
        assert_eq!(to_int64(&Value::str(" 5")), 0);
        assert_eq!(to_int64(&Value::str("0b11")), 3);
        assert_eq!(to_int64(&Value::str("1_000")), 1000);
        assert_eq!(to_int64(&Value::str("017")), 15);
        assert_eq!(to_int64(&Value::str("-9223372036854775808")), i64::MIN);
        assert_eq!(to_int64(&Value::Float(-3.9)), -3);
        assert_eq!(to_int64(&Value::Bool(true)), 1);
        assert_eq!(to_float64(&Value::str("0x10")), 0.0);
        assert_eq!(to_float64(&Value::str("1.5e1")), 15.0);
        assert_eq!(to_float64(&Value::str("1_0")), 10.0);
        assert_eq!(to_float64(&Value::str("1__0")), 0.0);
    }

    #[test]
    fn empty_values() {
        assert!(empty(&Value::Nil));
        assert!(empty(&Value::Float(0.0)));
        assert!(empty(&Value::str("")));
        assert!(!empty(&Value::str("0")));
        assert!(empty(&Value::Map(Map::new())));
    }
}
