//! Sprig's type conversion functions: `atoi`, `int`, `int64`, `float64`,
//! `toString`, `toDecimal` (`toStrings` lives with the string functions).

use govalue::{FuncSpec, Param, Value};

use crate::conv::{arg, arg_str, func, strval_bytes, to_float64, to_int64};

use Param::{Any, String as S};

/// The conversion functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("atoi", &[S], |_, a| Ok(Value::Int(atoi(arg_str(a, 0))))),
        func("int", &[Any], |_, a| Ok(Value::Int(to_int64(&arg(a, 0))))),
        func("int64", &[Any], |_, a| Ok(Value::Int64(to_int64(&arg(a, 0))))),
        func("float64", &[Any], |_, a| Ok(Value::Float(to_float64(&arg(a, 0))))),
        func("toString", &[Any], |_, a| Ok(Value::from_go_bytes(strval_bytes(&arg(a, 0))))),
        func("toDecimal", &[Any], |_, a| {
            let text = arg(a, 0).to_go_string();
            Ok(Value::Int64(parse_octal(&text).unwrap_or(0)))
        }),
    ]
}

/// Go's `strconv.Atoi` with the error ignored: 0 for bad input, the nearest
/// bound on overflow.
fn atoi(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    match s.parse::<i64>() {
        Ok(v) => v,
        Err(_) if s.starts_with('-') => i64::MIN,
        Err(_) => i64::MAX,
    }
}

/// `strconv.ParseInt(s, 8, 64)`.
fn parse_octal(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    i64::from_str_radix(s, 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_and_octal() {
        assert_eq!(atoi("42"), 42);
        assert_eq!(atoi(" 4"), 0);
        assert_eq!(atoi("+4"), 4);
        assert_eq!(atoi("99999999999999999999"), i64::MAX);
        assert_eq!(parse_octal("777"), Some(511));
        assert_eq!(parse_octal("8"), None);
    }
}
