//! Sprig's reflection functions: `typeOf`, `typeIs`, `typeIsLike`, `kindOf`,
//! `kindIs`, `deepEqual`.

use govalue::{FuncSpec, Param, Value};

use crate::conv::{arg, arg_str, deep_equal, func};

use Param::{Any, String as S};

/// The reflection functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("typeOf", &[Any], |_, a| Ok(Value::string(arg(a, 0).type_name()))),
        func("typeIs", &[S, Any], |_, a| Ok(Value::Bool(arg_str(a, 0) == arg(a, 1).type_name()))),
        func("typeIsLike", &[S, Any], |_, a| {
            let t = arg(a, 1).type_name();
            let target = arg_str(a, 0);
            Ok(Value::Bool(target == t || t.strip_prefix('*') == Some(target)))
        }),
        func("kindOf", &[Any], |_, a| Ok(Value::string(arg(a, 0).kind_name()))),
        func("kindIs", &[S, Any], |_, a| Ok(Value::Bool(arg_str(a, 0) == arg(a, 1).kind_name()))),
        func("deepEqual", &[Any, Any], |_, a| Ok(Value::Bool(deep_equal(&arg(a, 0), &arg(a, 1))))),
    ]
}

#[cfg(test)]
mod tests {
    use crate::testing::{call, TestHost};
    use govalue::Value;

    #[test]
    fn types_and_kinds() {
        let mut h = TestHost::new();
        assert_eq!(call(&mut h, "typeOf", &[Value::Float(1.0)]).unwrap().to_go_string(), "float64");
        assert_eq!(call(&mut h, "kindOf", &[Value::list(vec![])]).unwrap().to_go_string(), "slice");
        assert_eq!(call(&mut h, "kindIs", &[Value::str("invalid"), Value::Nil]).unwrap().to_go_string(), "true");
        assert_eq!(call(&mut h, "deepEqual", &[Value::Int64(1), Value::Float(1.0)]).unwrap().to_go_string(), "false");
    }
}
