//! Every template function Helm 4.3.1 offers besides Go's builtins: Sprig v3.3.0's
//! generic function map (without `env` and `expandenv`, which Helm removes) and
//! Helm's own (`toYaml`, `include`, `tpl`, `required`, `lookup`, ...).
//!
//! Each function is a [`FuncSpec`] carrying its exact Go signature, so the engine
//! checks and converts arguments the way Go's text/template does. Random and time
//! functions draw only from the [`govalue::Host`], so a seeded host is deterministic.

mod certs;
mod conv;
mod conversion;
mod crypto;
mod dates;
mod defaults;
mod dicts;
mod encoding;
mod helm;
mod lists;
mod math;
mod network;
mod paths;
mod random;
mod reflect;
mod regex;
mod semver;
mod strings;
#[cfg(test)]
mod testing;

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
    v.extend(crypto::functions());
    v.extend(certs::functions());
    v.extend(network::functions());
    v.extend(helm::sprig_json_functions());
    v
}

/// Helm's own functions: `toYaml`, `fromYaml`, `toJson`, `include`, `tpl`,
/// `required`, `lookup` and the rest.
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
