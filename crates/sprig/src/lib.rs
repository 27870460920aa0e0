//! Every template function Helm 4.3.1 offers besides Go's builtins: Sprig v3.3.0's
//! generic function map (without `env` and `expandenv`, which Helm removes) and
//! Helm's own (`toYaml`, `include`, `tpl`, `required`, `lookup`, ...).
//!
//! Each function is a [`FuncSpec`] carrying its exact Go signature, so the engine
//! checks and converts arguments the way Go's text/template does. Random and time
//! functions draw only from the [`govalue::Host`], so a seeded host is deterministic.

mod conv;
mod conversion;
mod crypto;
mod dates;
mod defaults;
mod dicts;
mod durations;
mod encoding;
#[cfg(test)]
mod golden;
mod helm;
mod lists;
mod math;
mod network;
mod paths;
mod random;
mod reflect;
pub mod regex;
mod semver;
pub use dates::parse_duration;
pub use semver::check as semver_check;
mod strings;
#[cfg(test)]
mod testing;
mod url;

use govalue::{FuncMap, FuncSpec};

/// Sprig's `GenericFuncMap` as Helm uses it (`env` and `expandenv` removed).
pub fn sprig_functions() -> Vec<FuncSpec> {
    let mut v = Vec::new();
    v.extend(strings::functions());
    v.extend(lists::functions());
    v.extend(dicts::functions());
    v.extend(defaults::functions());
    v.extend(math::functions());
    v.extend(conversion::functions());
    v.extend(encoding::functions());
    v.extend(reflect::functions());
    v.extend(paths::functions());
    v.extend(regex::functions());
    v.extend(random::functions());
    v.extend(semver::functions());
    v.extend(dates::functions());
    v.extend(durations::functions());
    v.extend(crypto::functions());
    v.extend(network::functions());
    v.extend(url::functions());
    v.extend(helm::sprig_json_functions());
    v
}

/// Helm's own functions: `toYaml`, `fromYaml`, `toJson`, `include`, `tpl`,
/// `required`, `lookup` and the rest. As in Helm, `fail` and `required` report
/// their message wrapped as `HELM_ERR_START<message>HELM_ERR_END`, which the engine
/// turns into `execution error at (FILE:LINE:COL): <message>`.
pub fn helm_functions() -> Vec<FuncSpec> {
    helm::functions()
}

/// The functions `--enable-dns` swaps in: a `getHostByName` that really resolves.
/// Extend a map from [`helm_func_map`] with them to turn DNS lookups on.
pub fn dns_functions() -> Vec<FuncSpec> {
    network::dns_functions()
}

/// Sprig's functions overlaid with Helm's, as Helm's engine builds its map.
pub fn helm_func_map() -> FuncMap {
    let mut m = FuncMap::new();
    m.extend(sprig_functions());
    m.extend(helm_functions());
    m
}

#[cfg(test)]
mod robustness {
    use govalue::{Host, List, Map, Param, Value};

    use crate::testing::TestHost;

    /// Candidate arguments of each Go parameter type, edge cases included.
    fn candidates(p: Param) -> Vec<Value> {
        let strings = [
            "",
            "a",
            "é☃",
            "-1",
            "0x1F",
            "99999999999999999999",
            "[",
            "(",
            "a,b",
            "\n",
            "2006-01-02",
            "1.2.3",
            "*",
            "\\",
        ];
        let ints = [0, 1, -1, 3, 64, i64::MAX, i64::MIN, 1 << 40];
        match p {
            Param::String => strings.iter().map(|s| Value::str(s)).collect(),
            Param::Int => ints.iter().map(|i| Value::Int(*i)).collect(),
            Param::Int64 => ints.iter().map(|i| Value::Int64(*i)).collect(),
            Param::Float64 => [0.0, -1.5, f64::NAN, f64::INFINITY, 1e300].iter().map(|f| Value::Float(*f)).collect(),
            Param::Bool => vec![Value::Bool(true), Value::Bool(false)],
            Param::List => vec![Value::list(vec![]), Value::list(vec![Value::Int(1), Value::Nil, Value::str("x")])],
            Param::StringList => {
                vec![Value::List(List::typed(vec![Value::str("b"), Value::str("a")], govalue::GoType::String))]
            }
            Param::Map => {
                let m = Map::new();
                m.insert("a", Value::Map(Map::new()));
                m.insert("n", Value::Nil);
                vec![Value::Map(Map::new()), Value::Map(m)]
            }
            Param::Any => {
                let mut v: Vec<Value> = strings.iter().take(5).map(|s| Value::str(s)).collect();
                v.extend(ints.iter().take(6).map(|i| Value::Int(*i)));
                v.extend([
                    Value::Nil,
                    Value::Int64(i64::MIN),
                    Value::Float(f64::NAN),
                    Value::Float(-1e300),
                    Value::Bool(true),
                    Value::Bytes(std::rc::Rc::from(&b"\xff\x00"[..])),
                    Value::list(vec![Value::Int(2), Value::Int(1), Value::list(vec![])]),
                    Value::Map(Map::new()),
                ]);
                v
            }
        }
    }

    /// Maps that contain themselves (Go would recurse forever) stop at a depth limit.
    #[test]
    fn cyclic_maps_are_cut_off() {
        let run = || {
            let mut h = TestHost::new();
            let cyclic = Map::new();
            cyclic.insert("self", Value::Map(cyclic.clone()));
            let other = Map::new();
            other.insert("self", Value::Map(other.clone()));
            let map = crate::helm_func_map();
            for name in ["merge", "mergeOverwrite", "deepCopy", "deepEqual", "uniq"] {
                let Some(spec) = map.get(name) else { continue };
                let arg = if name == "uniq" {
                    Value::list(vec![Value::Map(cyclic.clone())])
                } else {
                    Value::Map(cyclic.clone())
                };
                let _ = (spec.body)(&mut h, &[arg, Value::Map(other.clone())]);
            }
        };
        let t = std::thread::Builder::new().stack_size(64 << 20).spawn(run);
        assert!(t.is_ok_and(|t| t.join().is_ok()));
    }

    #[test]
    fn no_function_panics_on_edge_arguments() {
        const SLOW: [&str; 6] =
            ["genCA", "genSelfSignedCert", "genSignedCert", "genPrivateKey", "derivePassword", "bcrypt"];
        let mut h = TestHost::new();
        for spec in crate::sprig_functions().into_iter().chain(crate::helm_functions()) {
            if SLOW.contains(&spec.name) || spec.name == "htpasswd" {
                continue;
            }
            let mut params: Vec<Param> = spec.params.to_vec();
            for extra in 0..3 {
                if extra > 0 {
                    match spec.variadic {
                        Some(p) => params.push(p),
                        None => break,
                    }
                }
                let pools: Vec<Vec<Value>> = params.iter().map(|p| candidates(*p)).collect();
                for _ in 0..60 {
                    let args: Vec<Value> =
                        pools.iter().map(|pool| pool[(h.random_u64() % pool.len() as u64) as usize].clone()).collect();
                    let result = (spec.body)(&mut h, &args);
                    assert!(
                        spec.can_fail || result.is_ok(),
                        "{} cannot fail in Go but failed on {args:?}: {:?}",
                        spec.name,
                        result.err()
                    );
                }
            }
        }
    }
}
