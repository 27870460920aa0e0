//! Network functions. Helm replaces Sprig's `getHostByName` with one that returns
//! "" unless DNS lookups are enabled (`--enable-dns`); [`crate::dns_functions`]
//! provides the resolving version for that option.

use std::net::ToSocketAddrs;

use govalue::{FuncSpec, Param, Value};

use crate::conv::{arg_str, func};
use crate::random;

/// `getHostByName` as Helm offers it by default: no lookup, "".
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![func("getHostByName", &[Param::String], |_, _| Ok(Value::str("")))]
}

/// `getHostByName` that resolves the name and returns one of its addresses at
/// random ("" when it does not resolve).
pub(crate) fn dns_functions() -> Vec<FuncSpec> {
    vec![func("getHostByName", &[Param::String], |h, a| {
        let addrs: Vec<String> = match (arg_str(a, 0), 0).to_socket_addrs() {
            Ok(it) => it.map(|s| s.ip().to_string()).collect(),
            Err(_) => Vec::new(),
        };
        if addrs.is_empty() {
            return Ok(Value::str(""));
        }
        let i = random::below(h, addrs.len() as u64) as usize;
        Ok(Value::string(addrs.get(i).cloned().unwrap_or_default()))
    })]
}

#[cfg(test)]
mod tests {
    use crate::testing::{call, TestHost};
    use govalue::Value;

    #[test]
    fn no_lookup_by_default() {
        let mut h = TestHost::new();
        let r = call(&mut h, "getHostByName", &[Value::str("localhost")]).unwrap();
        assert_eq!(r.to_go_string(), "");
    }
}
