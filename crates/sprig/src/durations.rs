//! Helm 4.3's duration functions (`mustToDuration`, `durationSeconds`, ...,
//! `durationRoundTo`, `durationTruncateTo`) over a `time.Duration` object.
//!
//! An input becomes a duration as Helm converts it: a string is trimmed and read
//! with Go's `time.ParseDuration`, or else as a number of seconds; integers and
//! floats are seconds; a `time.Duration` is itself. `mustToDuration` reports why a
//! value is not a duration; every other function reads such a value as zero.

use std::any::Any;
use std::rc::Rc;

use govalue::{strconv, FuncError, FuncSpec, Object, Param, Value};

use crate::conv::{arg, fallible, func, parse_go_float};
use crate::dates::{format_duration, parse_duration, round_duration};

use Param::Any as A;

const NANOS_PER_SECOND: f64 = 1e9;
const HOUR: i64 = 3_600_000_000_000;
const MINUTE: i64 = 60_000_000_000;
const SECOND: i64 = 1_000_000_000;

/// Go's `time.Duration`: nanoseconds, printed by its `String` method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Duration(pub(crate) i64);

impl Object for Duration {
    fn type_name(&self) -> &str {
        "time.Duration"
    }

    fn kind_name(&self) -> &str {
        "int64"
    }

    fn format_v(&self) -> String {
        format_duration(self.0)
    }

    fn to_json_value(&self) -> Option<Value> {
        Some(Value::Int64(self.0))
    }

    fn truthy(&self) -> bool {
        self.0 != 0
    }

    fn integer(&self) -> Option<i64> {
        Some(self.0)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A number of seconds as a duration, or Helm's reason why it is none.
fn from_seconds(secs: f64) -> Result<i64, String> {
    if secs.is_nan() || secs.is_infinite() {
        return Err(format!("invalid duration seconds: {}", go_float(secs)));
    }
    let nanos = secs * NANOS_PER_SECOND;
    if nanos > i64::MAX as f64 || nanos < i64::MIN as f64 {
        return Err(format!("duration seconds overflow: {}", go_float(secs)));
    }
    // Go converts toward zero.
    Ok(nanos as i64)
}

/// Go's `%v` of a float64.
fn go_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        strconv::format_float(f, b'g', -1)
    }
}

/// Converts a template value to a duration in nanoseconds, as `mustToDuration` does.
pub(crate) fn to_duration(v: &Value) -> Result<i64, String> {
    match v {
        Value::Nil => Err("invalid duration".into()),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Err("empty duration".into());
            }
            if let Ok(d) = parse_duration(t) {
                return Ok(d);
            }
            match parse_go_float(t) {
                Some(secs) => from_seconds(secs),
                None => Err(format!("could not parse duration {}", strconv::quote(s))),
            }
        }
        // Bytes that are not UTF-8 are neither a Go duration nor a number.
        Value::ByteString(b) => Err(format!("could not parse duration {}", strconv::quote_bytes(b.bytes()))),
        Value::Int(n) | Value::Int64(n) => match n.checked_mul(SECOND) {
            Some(d) => Ok(d),
            None => Err(format!("duration seconds overflow: {n}")),
        },
        Value::Float(f) => from_seconds(*f),
        Value::Object(o) => match o.as_any().downcast_ref::<Duration>() {
            Some(d) => Ok(d.0),
            None => match o.integer() {
                Some(n) => to_duration(&Value::Int64(n)),
                None => Err(format!("unsupported duration type {}", v.type_name())),
            },
        },
        other => Err(format!("unsupported duration type {}", other.type_name())),
    }
}

/// The duration of a value, zero when it is none.
fn lenient(v: &Value) -> i64 {
    to_duration(v).unwrap_or(0)
}

/// Go's `Duration.Seconds`, `Minutes` and `Hours`: whole units plus the fraction.
fn in_units(d: i64, unit: i64) -> f64 {
    (d / unit) as f64 + (d % unit) as f64 / unit as f64
}

/// Go's `Duration.Truncate(m)`.
fn truncate(d: i64, m: i64) -> i64 {
    if m <= 0 {
        d
    } else {
        d - d % m
    }
}

fn duration(d: i64) -> Value {
    Value::Object(Rc::new(Duration(d)))
}

/// The duration functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        fallible("mustToDuration", &[A], |_, a| to_duration(&arg(a, 0)).map(duration).map_err(FuncError::new)),
        func("durationSeconds", &[A], |_, a| Ok(Value::Float(in_units(lenient(&arg(a, 0)), SECOND)))),
        func("durationMilliseconds", &[A], |_, a| Ok(Value::Int64(lenient(&arg(a, 0)) / 1_000_000))),
        func("durationMicroseconds", &[A], |_, a| Ok(Value::Int64(lenient(&arg(a, 0)) / 1_000))),
        func("durationNanoseconds", &[A], |_, a| Ok(Value::Int64(lenient(&arg(a, 0))))),
        func("durationMinutes", &[A], |_, a| Ok(Value::Float(in_units(lenient(&arg(a, 0)), MINUTE)))),
        func("durationHours", &[A], |_, a| Ok(Value::Float(in_units(lenient(&arg(a, 0)), HOUR)))),
        func("durationDays", &[A], |_, a| Ok(Value::Float(in_units(lenient(&arg(a, 0)), HOUR) / 24.0))),
        func("durationWeeks", &[A], |_, a| Ok(Value::Float(in_units(lenient(&arg(a, 0)), HOUR) / 24.0 / 7.0))),
        func("durationRoundTo", &[A, A], |_, a| {
            let (d, m) = (lenient(&arg(a, 0)), lenient(&arg(a, 1)));
            Ok(duration(if m <= 0 { d } else { round_duration(d, m) }))
        }),
        func("durationTruncateTo", &[A, A], |_, a| Ok(duration(truncate(lenient(&arg(a, 0)), lenient(&arg(a, 1)))))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_like_helm() {
        assert_eq!(to_duration(&Value::str(" 2s ")), Ok(2 * SECOND));
        assert_eq!(to_duration(&Value::str("1_000")), Ok(1000 * SECOND));
        assert_eq!(to_duration(&Value::Float(1.5e-9)), Ok(1));
        assert_eq!(to_duration(&Value::Float(-2.5e-9)), Ok(-2));
        assert_eq!(to_duration(&Value::str("")), Err("empty duration".into()));
        assert_eq!(to_duration(&Value::str(" abc ")), Err("could not parse duration \" abc \"".into()));
        assert_eq!(to_duration(&Value::str("NaN")), Err("invalid duration seconds: NaN".into()));
        assert_eq!(to_duration(&Value::str("Inf")), Err("invalid duration seconds: +Inf".into()));
        assert_eq!(
            to_duration(&Value::str("9223372036854775807")),
            Err("duration seconds overflow: 9.223372036854776e+18".into())
        );
        assert_eq!(to_duration(&Value::Int(10_000_000_000)), Err("duration seconds overflow: 10000000000".into()));
        assert_eq!(to_duration(&Value::Bool(true)), Err("unsupported duration type bool".into()));
        assert_eq!(to_duration(&Value::Nil), Err("invalid duration".into()));
    }

    #[test]
    fn units_like_go() {
        let d = 90 * SECOND;
        assert_eq!(in_units(d, HOUR) / 24.0, 0.0010416666666666667);
        assert_eq!(in_units(d, HOUR) / 24.0 / 7.0, 0.0001488095238095238);
        assert_eq!(in_units(90_500_000_000, MINUTE), 1.5083333333333333);
        assert_eq!(truncate(-30 * MINUTE, HOUR), 0);
    }
}
