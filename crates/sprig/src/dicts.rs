//! Sprig's dictionary functions (`dict`, `get`, `set`, `merge`, `dig`, ...).
//!
//! Maps are shared references: `set`, `unset` and the `merge` family change their
//! first argument in place and return it, as in Go.

use govalue::{FuncResult, FuncSpec, Host, Map, MapKind, Param, Value};

use crate::conv::{arg, arg_key, arg_map, err, fallible, func, rest_args, strval, variadic};

use Param::{Any, Map as M, String as S};

/// Nesting deeper than this is not followed (maps can contain themselves).
const MAX_DEPTH: usize = 1_000;

/// The dictionary functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        variadic("dict", &[], Any, false, |_, a| Ok(dict(a))),
        func("get", &[M, S], |_, a| Ok(arg_map(a, 0).get(&arg_key(a, 1)).unwrap_or_else(|| Value::str("")))),
        func("set", &[M, S, Any], |_, a| {
            let m = arg_map(a, 0);
            m.insert(&*arg_key(a, 1), arg(a, 2));
            Ok(Value::Map(m))
        }),
        func("unset", &[M, S], |_, a| {
            let m = arg_map(a, 0);
            m.remove(&arg_key(a, 1));
            Ok(Value::Map(m))
        }),
        func("hasKey", &[M, S], |_, a| Ok(Value::Bool(arg_map(a, 0).contains_key(&arg_key(a, 1))))),
        variadic("pluck", &[S], M, false, |_, a| {
            let key = arg_key(a, 0);
            Ok(Value::list(rest_args(a, 1).iter().filter_map(|d| d.as_map().and_then(|m| m.get(&key))).collect()))
        }),
        variadic("keys", &[], M, false, |_, a| {
            let mut keys = Vec::new();
            for d in a.iter().filter_map(Value::as_map) {
                keys.extend(d.keys().iter().map(Value::from_map_key));
            }
            Ok(Value::List(govalue::List::typed(keys, govalue::GoType::String)))
        }),
        variadic("pick", &[M], S, false, |_, a| {
            let src = arg_map(a, 0);
            let out = Map::new();
            for k in rest_args(a, 1).iter().filter_map(Value::as_map_key) {
                if let Some(v) = src.get(&k) {
                    out.insert(&*k, v);
                }
            }
            Ok(Value::Map(out))
        }),
        variadic("omit", &[M], S, false, |_, a| {
            let src = arg_map(a, 0);
            let omit: Vec<std::borrow::Cow<'_, str>> = rest_args(a, 1).iter().filter_map(Value::as_map_key).collect();
            let out = Map::new();
            for (k, v) in src.borrow().iter() {
                if !omit.iter().any(|o| **o == **k) {
                    out.insert(k.clone(), v.clone());
                }
            }
            Ok(Value::Map(out))
        }),
        variadic("merge", &[M], M, false, |h, a| merge_all(h, a, false)),
        variadic("mustMerge", &[M], M, true, |h, a| merge_all(h, a, false)),
        variadic("mergeOverwrite", &[M], M, false, |h, a| merge_all(h, a, true)),
        variadic("mustMergeOverwrite", &[M], M, true, |h, a| merge_all(h, a, true)),
        func("values", &[M], |_, a| Ok(Value::list(arg_map(a, 0).borrow().values().cloned().collect()))),
        fallible("deepCopy", &[Any], |_, a| checked_deep_copy(&arg(a, 0))),
        fallible("mustDeepCopy", &[Any], |_, a| checked_deep_copy(&arg(a, 0))),
        variadic("dig", &[], Any, true, |_, a| dig(a)),
    ]
}

/// Sprig's `dict`: alternating keys (as strings) and values; a missing last value is "".
fn dict(args: &[Value]) -> Value {
    let m = Map::new();
    for pair in args.chunks(2) {
        let key = match pair[0].as_map_key() {
            Some(k) => k.into_owned(),
            None => strval(&pair[0]),
        };
        m.insert(key, pair.get(1).cloned().unwrap_or_else(|| Value::str("")));
    }
    Value::Map(m)
}

/// `merge`/`mergeOverwrite`: merges every source into the first map, in place.
fn merge_all(_: &mut dyn Host, args: &[Value], overwrite: bool) -> FuncResult {
    let dst = arg_map(args, 0);
    for src in rest_args(args, 1).iter().filter_map(Value::as_map) {
        merge_into(&dst, src, overwrite, 0);
    }
    Ok(Value::Map(dst))
}

/// mergo's map merge: fills keys that are missing or empty in `dst` (or every key
/// with `overwrite`), recursing where both sides hold maps.
pub(crate) fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let entries: Vec<(govalue::Str, Value)> = src.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, sv) in entries {
        let dv = dst.get(&k);
        if sv.is_nil() {
            if overwrite {
                dst.insert(k, Value::Nil);
            }
            continue;
        }
        if let (Value::Map(sm), Some(Value::Map(dm))) = (&sv, &dv) {
            if !sm.ptr_eq(dm) {
                merge_into(dm, sm, overwrite, depth + 1);
            }
        }
        if overwrite && matches!(sv, Value::List(_)) {
            // mergo replaces the slice before its emptiness checks.
            dst.insert(k, sv);
            continue;
        }
        if let Some(d) = &dv {
            if !crate::conv::empty(d)
                && (matches!(sv, Value::List(_)) || matches!((&sv, d), (Value::Map(_), Value::Map(_))))
            {
                continue;
            }
        }
        if overwrite || dv.as_ref().is_none_or(crate::conv::empty) {
            dst.insert(k, sv);
        }
    }
}

/// `deepCopy`: copystructure fails on nil.
fn checked_deep_copy(v: &Value) -> FuncResult {
    if v.is_nil() {
        return err("reflect: call of reflect.Value.Type on zero Value");
    }
    Ok(deep_copy(v, 0))
}

/// copystructure's deep copy: maps and slices are copied, everything else shared.
pub(crate) fn deep_copy(v: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Nil;
    }
    match v {
        Value::Map(m) => {
            let out = Map::new().with_kind(m.kind());
            for (k, x) in m.borrow().iter() {
                out.insert(k.clone(), deep_copy(x, depth + 1));
            }
            Value::Map(out)
        }
        Value::List(l) => Value::List(l.with_items(l.items().iter().map(|x| deep_copy(x, depth + 1)).collect())),
        Value::Object(o) => crate::semver::deep_copied(o.as_ref()).unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

/// The Go type name of a map value as an interface conversion panic prints it.
fn conversion_error<T>(v: &Value, want: &str) -> Result<T, govalue::FuncError> {
    let got = match v {
        Value::Nil => "nil".to_string(),
        other => other.type_name(),
    };
    err(format!("interface conversion: interface {{}} is {got}, not {want}"))
}

/// Sprig's `dig KEY... DEFAULT DICT`.
fn dig(args: &[Value]) -> FuncResult {
    const MAP: &str = "map[string]interface {}";
    if args.len() < 3 {
        return err("dig needs at least three arguments");
    }
    let n = args.len();
    let mut cur = match &args[n - 1] {
        Value::Map(m) if m.kind() == MapKind::Plain => m.clone(),
        other => return conversion_error(other, MAP),
    };
    let default = args[n - 2].clone();
    let mut keys = Vec::with_capacity(n - 2);
    for k in &args[..n - 2] {
        match k {
            Value::String(s) => keys.push(s.clone()),
            Value::ByteString(b) => keys.push(b.text().into()),
            other => return conversion_error(other, "string"),
        }
    }
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = cur.get(k) else { return Ok(default) };
        if i + 1 == keys.len() {
            return Ok(step);
        }
        cur = match step {
            Value::Map(m) if m.kind() == MapKind::Plain => m,
            other => return conversion_error(&other, MAP),
        };
    }
    Ok(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{call, TestHost};

    fn m(pairs: &[(&str, Value)]) -> Map {
        let out = Map::new();
        for (k, v) in pairs {
            out.insert(*k, v.clone());
        }
        out
    }

    #[test]
    fn merge_fills_missing_and_empty() {
        let dst = m(&[("a", Value::str("")), ("b", Value::Bool(false)), ("c", Value::str("keep"))]);
        let src =
            m(&[("a", Value::str("x")), ("b", Value::Bool(true)), ("c", Value::str("no")), ("d", Value::Int64(1))]);
        merge_into(&dst, &src, false, 0);
        assert_eq!(Value::Map(dst).to_go_string(), "map[a:x b:true c:keep d:1]");
    }

    #[test]
    fn merge_overwrite_overwrites_with_empty() {
        let inner = m(&[("x", Value::Int64(1))]);
        let dst = m(&[("a", Value::str("v")), ("n", Value::Map(inner.clone()))]);
        let src = m(&[("a", Value::str("")), ("n", Value::Map(m(&[("y", Value::Int64(2))])))]);
        merge_into(&dst, &src, true, 0);
        assert_eq!(Value::Map(dst).to_go_string(), "map[a: n:map[x:1 y:2]]");
        assert_eq!(inner.len(), 2, "nested maps are merged in place");
    }

    #[test]
    fn set_mutates_in_place() {
        let d = Map::new();
        let mut h = TestHost::new();
        call(&mut h, "set", &[Value::Map(d.clone()), Value::str("k"), Value::Int64(3)]).unwrap();
        assert_eq!(Value::Map(d).to_go_string(), "map[k:3]");
    }

    #[test]
    fn dig_walks_and_defaults() {
        let d = m(&[("a", Value::Map(m(&[("b", Value::str("c"))])))]);
        let r = dig(&[Value::str("a"), Value::str("b"), Value::str("def"), Value::Map(d.clone())]).unwrap();
        assert_eq!(r.to_go_string(), "c");
        let r = dig(&[Value::str("a"), Value::str("z"), Value::str("def"), Value::Map(d)]).unwrap();
        assert_eq!(r.to_go_string(), "def");
    }
}
