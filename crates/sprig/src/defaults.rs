//! Sprig's default and flow functions: `default`, `empty`, `coalesce`, `all`,
//! `any`, `ternary`, `fail`.

use govalue::{FuncSpec, Param, Value};

use crate::conv::{arg, arg_bool, arg_str, empty, err, fallible, func, rest_args, variadic};

use Param::Any;

/// The default functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        variadic("default", &[Any], Any, false, |_, a| {
            let given = rest_args(a, 1);
            Ok(match given.first() {
                Some(v) if !empty(v) => v.clone(),
                _ => arg(a, 0),
            })
        }),
        func("empty", &[Any], |_, a| Ok(Value::Bool(empty(&arg(a, 0))))),
        variadic("coalesce", &[], Any, false, |_, a| Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))),
        variadic("all", &[], Any, false, |_, a| Ok(Value::Bool(a.iter().all(|v| !empty(v))))),
        variadic("any", &[], Any, false, |_, a| Ok(Value::Bool(a.iter().any(|v| !empty(v))))),
        func("ternary", &[Any, Any, Param::Bool], |_, a| Ok(if arg_bool(a, 2) { arg(a, 0) } else { arg(a, 1) })),
        fallible("fail", &[Param::String], |_, a| err(arg_str(a, 0))),
    ]
}

#[cfg(test)]
mod tests {
    use crate::testing::{call, TestHost};
    use govalue::Value;

    #[test]
    fn default_and_coalesce() {
        let mut h = TestHost::new();
        let r = call(&mut h, "default", &[Value::str("d"), Value::str("")]).unwrap();
        assert_eq!(r.to_go_string(), "d");
        let r = call(&mut h, "default", &[Value::str("d"), Value::Bool(false)]).unwrap();
        assert_eq!(r.to_go_string(), "d");
        let r = call(&mut h, "default", &[Value::str("d"), Value::str("x")]).unwrap();
        assert_eq!(r.to_go_string(), "x");
        let r = call(&mut h, "coalesce", &[Value::Nil, Value::Float(0.0), Value::str("z")]).unwrap();
        assert_eq!(r.to_go_string(), "z");
        let fail = super::functions().into_iter().find(|f| f.name == "fail").map(|f| f.body);
        assert_eq!(fail.map(|b| b(&mut h, &[Value::str("boom")]).unwrap_err().message).as_deref(), Some("boom"));
    }
}
