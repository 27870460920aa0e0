//! Sprig's math functions: integer arithmetic with `cast.ToInt64` semantics
//! returning int64 (`add`, `sub`, `div`, ...), float functions, and the
//! decimal-exact `addf`/`subf`/`mulf`/`divf`.

use std::str::FromStr;

use bigdecimal::{BigDecimal, RoundingMode};
use govalue::{FuncError, FuncResult, FuncSpec, Param, Value};

use crate::conv::{arg, arg_int, err, fallible, func, rest_args, to_float64, to_int64, variadic};

use Param::{Any, Float64, Int};

/// The math functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("add1", &[Any], |_, a| Ok(Value::Int64(to_int64(&arg(a, 0)).wrapping_add(1)))),
        variadic("add", &[], Any, false, |_, a| {
            Ok(Value::Int64(a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v)))))
        }),
        func("sub", &[Any, Any], |_, a| Ok(Value::Int64(to_int64(&arg(a, 0)).wrapping_sub(to_int64(&arg(a, 1)))))),
        fallible("div", &[Any, Any], |_, a| {
            let (x, y) = (to_int64(&arg(a, 0)), to_int64(&arg(a, 1)));
            if y == 0 {
                return err("runtime error: integer divide by zero");
            }
            Ok(Value::Int64(x.wrapping_div(y)))
        }),
        fallible("mod", &[Any, Any], |_, a| {
            let (x, y) = (to_int64(&arg(a, 0)), to_int64(&arg(a, 1)));
            if y == 0 {
                return err("runtime error: integer divide by zero");
            }
            Ok(Value::Int64(x.wrapping_rem(y)))
        }),
        variadic("mul", &[Any], Any, false, |_, a| {
            let first = to_int64(&arg(a, 0));
            Ok(Value::Int64(rest_args(a, 1).iter().fold(first, |acc, v| acc.wrapping_mul(to_int64(v)))))
        }),
        fallible("add1f", &[Any], |_, a| decimal_op(&arg(a, 0), &[Value::Int(1)], Op::Add)),
        variadic("addf", &[], Any, true, |_, a| decimal_op(&Value::Float(0.0), a, Op::Add)),
        variadic("subf", &[Any], Any, true, |_, a| decimal_op(&arg(a, 0), rest_args(a, 1), Op::Sub)),
        variadic("divf", &[Any], Any, true, |_, a| decimal_op(&arg(a, 0), rest_args(a, 1), Op::Div)),
        variadic("mulf", &[Any], Any, true, |_, a| decimal_op(&arg(a, 0), rest_args(a, 1), Op::Mul)),
        variadic("biggest", &[Any], Any, false, |_, a| Ok(Value::Int64(int_extreme(a, true)))),
        variadic("max", &[Any], Any, false, |_, a| Ok(Value::Int64(int_extreme(a, true)))),
        variadic("min", &[Any], Any, false, |_, a| Ok(Value::Int64(int_extreme(a, false)))),
        variadic("maxf", &[Any], Any, false, |_, a| {
            Ok(Value::Float(a.iter().skip(1).fold(to_float64(&arg(a, 0)), |acc, v| go_max(acc, to_float64(v)))))
        }),
        variadic("minf", &[Any], Any, false, |_, a| {
            Ok(Value::Float(a.iter().skip(1).fold(to_float64(&arg(a, 0)), |acc, v| go_min(acc, to_float64(v)))))
        }),
        func("ceil", &[Any], |_, a| Ok(Value::Float(to_float64(&arg(a, 0)).ceil()))),
        func("floor", &[Any], |_, a| Ok(Value::Float(to_float64(&arg(a, 0)).floor()))),
        variadic("round", &[Any, Int], Float64, false, |_, a| {
            let round_on = match a.get(2) {
                Some(Value::Float(f)) => *f,
                _ => 0.5,
            };
            Ok(Value::Float(round(to_float64(&arg(a, 0)), arg_int(a, 1), round_on)))
        }),
    ]
}

/// Sprig's `max`/`min` over int64 conversions.
fn int_extreme(args: &[Value], biggest: bool) -> i64 {
    let first = to_int64(&arg(args, 0));
    args.iter().skip(1).map(to_int64).fold(first, |acc, v| if biggest { acc.max(v) } else { acc.min(v) })
}

/// Go's `math.Max`.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y {
        x
    } else {
        y
    }
}

/// Sprig's `round`: rounds at `places` decimals, up from the fraction `round_on`.
fn round(val: f64, places: i64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places as f64);
    let digit = pow * val;
    let frac = if digit.is_infinite() { f64::NAN } else { digit.fract() };
    let r = if frac >= round_on { digit.ceil() } else { digit.floor() };
    r / pow
}

/// A decimal operation.
#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// shopspring/decimal's `NewFromFloat`: the shortest decimal that reads back as `f`.
fn to_decimal(f: f64) -> Result<BigDecimal, FuncError> {
    if !f.is_finite() {
        return err(format!("Cannot create a Decimal from {}", govalue::strconv::format_float(f, b'g', -1)));
    }
    BigDecimal::from_str(&format!("{f:e}")).map_err(|e| FuncError::new(e.to_string()))
}

/// Sprig's `execDecimalOp`: exact decimal arithmetic, division rounded to 16 places.
fn decimal_op(first: &Value, rest: &[Value], op: Op) -> FuncResult {
    let mut acc = to_decimal(to_float64(first))?;
    for v in rest {
        let d = to_decimal(to_float64(v))?;
        acc = match op {
            Op::Add => acc + d,
            Op::Sub => acc - d,
            Op::Mul => acc * d,
            Op::Div => {
                if d == 0 {
                    return err("decimal division by 0");
                }
                (acc / d).with_scale_round(16, RoundingMode::HalfUp)
            }
        };
    }
    Ok(Value::Float(acc.to_string().parse::<f64>().unwrap_or(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{call, TestHost};

    #[test]
    fn integer_math() {
        let mut h = TestHost::new();
        let r = call(&mut h, "add", &[Value::Int(1), Value::Float(2.9), Value::str("3")]).unwrap();
        assert_eq!(format!("{r:?}"), "int64(6)");
        assert!(call(&mut h, "div", &[Value::Int(1), Value::Int(0)]).is_err());
        let r = call(&mut h, "max", &[Value::Int(1), Value::Int(7), Value::Int(3)]).unwrap();
        assert_eq!(r.to_go_string(), "7");
    }

    #[test]
    fn decimal_math() {
        assert_eq!(decimal_op(&Value::Float(0.1), &[Value::Float(0.2)], Op::Add).unwrap().to_go_string(), "0.3");
        assert_eq!(
            decimal_op(&Value::Float(1.0), &[Value::Float(3.0)], Op::Div).unwrap().to_go_string(),
            "0.3333333333333333"
        );
        assert_eq!(round(1.23456, 2, 0.5), 1.23);
        assert_eq!(round(2.5, 0, 0.5), 3.0);
    }
}
