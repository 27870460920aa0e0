//! Random functions (`randAlphaNum`, `randInt`, `uuidv4`, `randBytes`, ...). Every
//! draw comes from `Host::random_u64`, so a seeded host makes them deterministic.

use govalue::{FuncError, FuncResult, FuncSpec, Host, Param, Value};

use crate::conv::{arg_int, err, fallible, func};
use crate::crypto::HostRandom;
use crate::strings::MAX_OUTPUT;

/// The random functions that are not string functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        fallible("randInt", &[Param::Int, Param::Int], |h, a| {
            let (min, max) = (arg_int(a, 0), arg_int(a, 1));
            let span = max.wrapping_sub(min);
            if span <= 0 {
                return err("invalid argument to Intn");
            }
            Ok(Value::Int(min.wrapping_add(below(h, span as u64) as i64)))
        }),
        func("uuidv4", &[], |h, _| Ok(Value::string(gocrypto::uuidv4(&mut HostRandom(h))))),
        fallible("randBytes", &[Param::Int], |h, a| {
            let n = arg_int(a, 0);
            if n > MAX_OUTPUT as i64 {
                return err("randBytes: count too large");
            }
            gocrypto::rand_bytes(n, &mut HostRandom(h)).map(Value::string).map_err(FuncError::new)
        }),
    ]
}

/// A uniform number in `0..n` (n > 0), without modulo bias.
pub(crate) fn below(host: &mut dyn Host, n: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = host.random_u64();
        if x < zone {
            return x % n;
        }
    }
}

/// Which characters a random string draws from.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `[0-9A-Za-z]`
    AlphaNum,
    /// `[A-Za-z]`
    Alpha,
    /// printable ASCII, space to `~`
    Ascii,
    /// `[0-9]`
    Numeric,
}

/// goutils' `CryptoRandom*`: `count` random characters; a negative count gives "".
pub(crate) fn rand_string(host: &mut dyn Host, count: i64, kind: Kind) -> FuncResult {
    if count <= 0 {
        return Ok(Value::str(""));
    }
    if count as usize > MAX_OUTPUT {
        return err(format!("randomstringutils: requested random string length {count} is too large"));
    }
    const DIGITS: &[u8] = b"0123456789";
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let out: String = (0..count)
        .map(|_| match kind {
            Kind::AlphaNum => ALNUM[below(host, ALNUM.len() as u64) as usize] as char,
            Kind::Alpha => LETTERS[below(host, LETTERS.len() as u64) as usize] as char,
            Kind::Numeric => DIGITS[below(host, 10) as usize] as char,
            Kind::Ascii => (32 + below(host, 95) as u8) as char,
        })
        .collect();
    Ok(Value::string(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestHost;

    #[test]
    fn uuid_shape_and_determinism() {
        let mut h = TestHost::new();
        let a = crate::testing::call(&mut h, "uuidv4", &[]).unwrap().to_go_string();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        let mut h2 = TestHost::new();
        assert_eq!(crate::testing::call(&mut h2, "uuidv4", &[]).unwrap().to_go_string(), a);
    }

    #[test]
    fn random_strings() {
        let mut h = TestHost::new();
        let s = rand_string(&mut h, 20, Kind::AlphaNum).unwrap().to_go_string();
        assert_eq!(s.len(), 20);
        assert!(s.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(rand_string(&mut h, -3, Kind::Alpha).unwrap().to_go_string(), "");
        assert!(rand_string(&mut h, 1 << 40, Kind::Alpha).is_err());
    }
}
