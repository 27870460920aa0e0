//! Sprig's list functions (`list`, `append`, `first`, `uniq`, `until`, `slice`, ...).

use govalue::{FuncError, FuncResult, FuncSpec, GoType, List, Param, Value};

use crate::conv::{
    arg, arg_int, deep_equal, empty, err, fallible, int_list, kind_of, list_arg, ok_list, rest_args, slice_items,
    strval_bytes, to_int64, variadic, NIL_DEREF,
};
use crate::strings::{is_nil_string_list, strslice_bytes};

use Param::{Any, Int};

/// The most items `until`, `untilStep` and `seq` may produce.
const MAX_ITEMS: i64 = 10_000_000;

/// The list functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    let mut v = vec![
        variadic("list", &[], Any, false, |_, a| ok_list(a.to_vec())),
        variadic("tuple", &[], Any, false, |_, a| ok_list(a.to_vec())),
        fallible("sortAlpha", &[Any], |_, a| Ok(sort_alpha(&arg(a, 0)))),
        fallible("until", &[Int], |_, a| {
            let n = arg_int(a, 0);
            until_step(0, n, if n < 0 { -1 } else { 1 }).map(int_list)
        }),
        fallible("untilStep", &[Int, Int, Int], |_, a| {
            until_step(arg_int(a, 0), arg_int(a, 1), arg_int(a, 2)).map(int_list)
        }),
        variadic("seq", &[], Int, true, |_, a| seq(a).map(Value::string)),
        variadic("concat", &[], Any, true, |_, a| concat(a)),
        fallible("has", &[Any, Any], |_, a| has(a)),
        fallible("mustHas", &[Any, Any], |_, a| has(a)),
        variadic("slice", &[Any], Any, true, |_, a| slice(&arg(a, 0), rest_args(a, 1))),
        variadic("mustSlice", &[Any], Any, true, |_, a| slice(&arg(a, 0), rest_args(a, 1))),
    ];
    for (name, must, body) in LIST_OPS {
        v.push(fallible(name, &[Any], body));
        v.push(fallible(must, &[Any], body));
    }
    v.extend([
        fallible("append", &[Any, Any], push),
        fallible("push", &[Any, Any], push),
        fallible("mustAppend", &[Any, Any], push),
        fallible("mustPush", &[Any, Any], push),
        fallible("prepend", &[Any, Any], prepend),
        fallible("mustPrepend", &[Any, Any], prepend),
        fallible("chunk", &[Int, Any], chunk),
        fallible("mustChunk", &[Int, Any], chunk),
        variadic("without", &[Any], Any, true, without),
        variadic("mustWithout", &[Any], Any, true, without),
    ]);
    v
}

type Body = fn(&mut dyn govalue::Host, &[Value]) -> FuncResult;

/// One-list functions, with their `must` twins (the plain ones panic where the
/// twins return the error, which reads the same).
const LIST_OPS: [(&str, &str, Body); 7] = [
    ("first", "mustFirst", |_, a| {
        let l = list_arg(&arg(a, 0), "Cannot find first on type")?;
        Ok(l.first().cloned().unwrap_or(Value::Nil))
    }),
    ("last", "mustLast", |_, a| {
        let l = list_arg(&arg(a, 0), "Cannot find last on type")?;
        Ok(l.last().cloned().unwrap_or(Value::Nil))
    }),
    ("rest", "mustRest", |_, a| {
        let l = list_arg(&arg(a, 0), "Cannot find rest on type")?;
        match l.get(1..) {
            Some(tail) => ok_list(tail.to_vec()),
            // Sprig returns a nil slice for an empty list.
            None => Ok(Value::List(List::nil(GoType::Any))),
        }
    }),
    ("initial", "mustInitial", |_, a| {
        let mut l = list_arg(&arg(a, 0), "Cannot find initial on type")?;
        if l.pop().is_none() {
            // Sprig returns a nil slice for an empty list.
            return Ok(Value::List(List::nil(GoType::Any)));
        }
        ok_list(l)
    }),
    ("reverse", "mustReverse", |_, a| {
        let mut l = list_arg(&arg(a, 0), "Cannot find reverse on type")?;
        l.reverse();
        ok_list(l)
    }),
    ("uniq", "mustUniq", |_, a| {
        let l = list_arg(&arg(a, 0), "Cannot find uniq on type")?;
        let mut out: Vec<Value> = Vec::new();
        for item in l {
            if !out.iter().any(|o| deep_equal(&item, o)) {
                out.push(item);
            }
        }
        ok_list(out)
    }),
    ("compact", "mustCompact", |_, a| {
        let l = list_arg(&arg(a, 0), "Cannot compact on type")?;
        ok_list(l.into_iter().filter(|x| !empty(x)).collect())
    }),
];

/// `append`/`push`: a new `[]interface{}` with `v` added.
fn push(_: &mut dyn govalue::Host, a: &[Value]) -> FuncResult {
    let mut l = list_arg(&arg(a, 0), "Cannot push on type")?;
    l.push(arg(a, 1));
    ok_list(l)
}

/// `prepend`: a new `[]interface{}` with `v` first.
fn prepend(_: &mut dyn govalue::Host, a: &[Value]) -> FuncResult {
    let mut l = list_arg(&arg(a, 0), "Cannot prepend on type")?;
    l.insert(0, arg(a, 1));
    ok_list(l)
}

/// `without`: the list minus every item deep-equal to one of the others.
fn without(_: &mut dyn govalue::Host, a: &[Value]) -> FuncResult {
    let l = list_arg(&arg(a, 0), "Cannot find without on type")?;
    let omit = rest_args(a, 1);
    ok_list(l.into_iter().filter(|x| !omit.iter().any(|o| deep_equal(x, o))).collect())
}

/// `chunk`: the list cut into lists of `size` items.
fn chunk(_: &mut dyn govalue::Host, a: &[Value]) -> FuncResult {
    let size = arg_int(a, 0);
    let l = list_arg(&arg(a, 1), "Cannot chunk type")?;
    if size > 0 {
        let chunks = l.chunks(size as usize).map(|c| Value::list(c.to_vec())).collect();
        return Ok(Value::List(List::typed(chunks, GoType::AnyList)));
    }
    // Go's arithmetic for a size that is not positive: mostly a makeslice panic.
    const BAD_LEN: &str = "runtime error: makeslice: len out of range";
    let len = l.len() as f64;
    let cs = ((len - 1.0) / size as f64).floor() + 1.0;
    if cs.is_nan() || !(0.0..=1.0).contains(&cs) {
        return err(BAD_LEN);
    }
    if cs == 0.0 {
        return Ok(Value::List(List::typed(Vec::new(), GoType::AnyList)));
    }
    let clen = (len % size as f64).floor();
    if clen <= 0.0 {
        return err(BAD_LEN);
    }
    Ok(Value::List(List::typed(vec![Value::list(l.into_iter().take(clen as usize).collect())], GoType::AnyList)))
}

/// `has`/`mustHas`: whether the haystack holds an item deep-equal to the needle.
fn has(a: &[Value]) -> FuncResult {
    let needle = arg(a, 0);
    let hay = arg(a, 1);
    if hay.is_nil() {
        return Ok(Value::Bool(false));
    }
    let items =
        slice_items(&hay).ok_or_else(|| FuncError::new(format!("Cannot find has on type {}", kind_of(&hay))))?;
    Ok(Value::Bool(items.iter().any(|x| deep_equal(&needle, x))))
}

/// `concat`: all the lists' items in one `[]interface{}`.
fn concat(a: &[Value]) -> FuncResult {
    let mut out = Vec::new();
    for l in a {
        if l.is_nil() {
            return err(NIL_DEREF);
        }
        match slice_items(l) {
            Some(items) => out.extend(items),
            None => return err(format!("Cannot concat type {} as list", kind_of(l))),
        }
    }
    // Sprig appends to a nil slice: nothing to append leaves it nil.
    Ok(Value::List(List::appended(out, GoType::Any)))
}

/// `slice`: `list[start:end]`, keeping the slice type.
fn slice(list: &Value, indices: &[Value]) -> FuncResult {
    if list.is_nil() {
        return err(NIL_DEREF);
    }
    let underlying = match list {
        Value::Object(o) => o.underlying(),
        _ => None,
    };
    let list = underlying.as_ref().unwrap_or(list);
    let (items, elem) = match list {
        Value::List(l) => (l.items().to_vec(), l.elem()),
        Value::Bytes(_) => (slice_items(list).unwrap_or_default(), GoType::Byte),
        other => return err(format!("list should be type of slice or array but {}", kind_of(other))),
    };
    let len = items.len() as i64;
    if len == 0 {
        return Ok(Value::Nil);
    }
    let start = indices.first().map(to_int64).unwrap_or(0);
    let end = if indices.len() < 2 { len } else { to_int64(&indices[1]) };
    if start < 0 || end < start || end > len {
        return err("reflect.Value.Slice: slice index out of bounds");
    }
    let part = items[start as usize..end as usize].to_vec();
    if let Value::Bytes(b) = list {
        return Ok(Value::Bytes(b[start as usize..end as usize].into()));
    }
    Ok(Value::List(List::typed(part, elem)))
}

/// `sortAlpha`: the items as strings, sorted; a non-list becomes a one-item list.
fn sort_alpha(v: &Value) -> Value {
    if is_nil_string_list(v) {
        return v.clone();
    }
    let is_slice = match v {
        Value::Object(o) => matches!(o.underlying(), Some(Value::List(_))),
        _ => false,
    };
    match v {
        // Go's sort.Strings: bytewise, each string's bytes kept.
        _ if is_slice => bytes_list(v),
        Value::List(_) | Value::Bytes(_) => bytes_list(v),
        other => Value::List(List::typed(vec![Value::from_go_bytes(strval_bytes(other))], GoType::String)),
    }
}

/// The items of `v` as strings (`strslice`), sorted bytewise, as a `[]string`.
fn bytes_list(v: &Value) -> Value {
    let mut s = strslice_bytes(v);
    s.sort();
    Value::List(List::typed(s.into_iter().map(Value::from_go_bytes).collect(), GoType::String))
}

/// Sprig's `untilStep`, bounded to [`MAX_ITEMS`].
pub(crate) fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    if (stop < start && step >= 0) || (stop >= start && step <= 0) {
        return Ok(Vec::new());
    }
    let span = (stop as i128 - start as i128).unsigned_abs();
    let count = span.div_ceil(step.unsigned_abs() as u128);
    if count > MAX_ITEMS as u128 {
        return err(format!("too many items: {count} (at most {MAX_ITEMS})"));
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut i = start as i128;
    while (step > 0 && i < stop as i128) || (step < 0 && i > stop as i128) {
        out.push(i as i64);
        i += step as i128;
    }
    Ok(out)
}

/// Sprig's `seq`: like the Unix command, numbers separated by spaces.
fn seq(params: &[Value]) -> Result<String, FuncError> {
    let p: Vec<i64> = params.iter().map(to_int64).collect();
    let nums = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            until_step(1, end.saturating_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(*start, end.saturating_add(step), step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if *step > 0 {
                    return Ok(String::new());
                }
            }
            until_step(*start, end.saturating_add(inc), *step)?
        }
        _ => return Ok(String::new()),
    };
    Ok(nums.iter().map(i64::to_string).collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_and_seq() {
        assert_eq!(until_step(0, 5, 2).unwrap(), vec![0, 2, 4]);
        assert_eq!(until_step(0, -3, -1).unwrap(), vec![0, -1, -2]);
        assert!(until_step(0, 1_000_000_000_000, 1).is_err());
        assert_eq!(seq(&[Value::Int(3)]).unwrap(), "1 2 3");
        assert_eq!(seq(&[Value::Int(0)]).unwrap(), "1 0");
        assert_eq!(seq(&[Value::Int(2), Value::Int(-1)]).unwrap(), "2 1 0 -1");
        assert_eq!(seq(&[Value::Int(1), Value::Int(2), Value::Int(6)]).unwrap(), "1 3 5");
    }

    #[test]
    fn list_errors() {
        assert_eq!(concat(&[Value::str("x")]).unwrap_err().message, "Cannot concat type string as list");
        let l = Value::list(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(slice(&l, &[Value::Int(1)]).unwrap().to_go_string(), "[2 3]");
        assert!(slice(&l, &[Value::Int(2), Value::Int(1)]).is_err());
    }
}
