//! Crypto functions, implemented by the `gocrypto` crate: digests (`sha1sum`,
//! `sha256sum`, `sha512sum`, `adler32sum`), `bcrypt`, `htpasswd`, `derivePassword`,
//! `encryptAES`/`decryptAES`, keys (`genPrivateKey`) and certificates (`genCA`,
//! `genSelfSignedCert`, `genSignedCert`, their `WithKey` forms, `buildCustomCert`).
//! Every random choice comes from the host and the clock from `now_unix_nanos`.

use std::any::Any;
use std::rc::Rc;

use govalue::{FuncError, FuncResult, FuncSpec, Host, MapEntries, Object, Param, Value};

use crate::conv::{arg, arg_bytes, arg_int, arg_str, err, fallible, func};

use Param::{Any as A, Int, List as L, String as S};

/// The crypto functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("sha1sum", &[S], |_, a| Ok(Value::string(gocrypto::sha1sum(arg_bytes(a, 0))))),
        func("sha256sum", &[S], |_, a| Ok(Value::string(gocrypto::sha256sum(arg_bytes(a, 0))))),
        func("sha512sum", &[S], |_, a| Ok(Value::string(gocrypto::sha512sum(arg_bytes(a, 0))))),
        func("adler32sum", &[S], |_, a| Ok(Value::string(gocrypto::adler32sum(arg_bytes(a, 0))))),
        func("bcrypt", &[S], |h, a| Ok(Value::string(gocrypto::bcrypt(arg_str(a, 0), &mut HostRandom(h))))),
        func("htpasswd", &[S, S], |h, a| {
            Ok(Value::string(gocrypto::htpasswd(arg_str(a, 0), arg_str(a, 1), &mut HostRandom(h))))
        }),
        func("derivePassword", &[Int, S, S, S, S], |_, a| {
            Ok(Value::string(gocrypto::derive_password(
                arg_int(a, 0) as u32,
                arg_str(a, 1),
                arg_str(a, 2),
                arg_str(a, 3),
                arg_str(a, 4),
            )))
        }),
        fallible("encryptAES", &[S, S], |h, a| {
            Ok(Value::string(gocrypto::encrypt_aes(arg_str(a, 0), arg_bytes(a, 1), &mut HostRandom(h))))
        }),
        fallible("decryptAES", &[S, S], |_, a| {
            gocrypto::decrypt_aes(arg_str(a, 0), arg_str(a, 1)).map(Value::from_go_bytes).map_err(FuncError::new)
        }),
        func("genPrivateKey", &[S], |h, a| {
            Ok(Value::string(gocrypto::gen_private_key(arg_str(a, 0), &mut HostRandom(h))))
        }),
        fallible("genCA", &[S, Int], |h, a| {
            let now = now_seconds(h);
            pair(gocrypto::gen_ca(arg_str(a, 0), arg_int(a, 1), &mut HostRandom(h), now))
        }),
        fallible("genCAWithKey", &[S, Int, S], |h, a| {
            let now = now_seconds(h);
            pair(gocrypto::gen_ca_with_key(arg_str(a, 0), arg_int(a, 1), arg_str(a, 2), &mut HostRandom(h), now))
        }),
        fallible("genSelfSignedCert", &[S, L, L, Int], |h, a| {
            let (ips, dns) = (strings_arg(&arg(a, 1), "ip")?, strings_arg(&arg(a, 2), "dns")?);
            let now = now_seconds(h);
            pair(gocrypto::gen_self_signed_cert(arg_str(a, 0), &ips, &dns, arg_int(a, 3), &mut HostRandom(h), now))
        }),
        fallible("genSelfSignedCertWithKey", &[S, L, L, Int, S], |h, a| {
            let (ips, dns) = (strings_arg(&arg(a, 1), "ip")?, strings_arg(&arg(a, 2), "dns")?);
            let now = now_seconds(h);
            let key = arg_str(a, 4);
            pair(gocrypto::gen_self_signed_cert_with_key(
                arg_str(a, 0),
                &ips,
                &dns,
                arg_int(a, 3),
                key,
                &mut HostRandom(h),
                now,
            ))
        }),
        fallible("genSignedCert", &[S, L, L, Int, A], |h, a| {
            let ca = ca_arg(&arg(a, 4))?;
            let (ips, dns) = (strings_arg(&arg(a, 1), "ip")?, strings_arg(&arg(a, 2), "dns")?);
            let now = now_seconds(h);
            pair(gocrypto::gen_signed_cert(arg_str(a, 0), &ips, &dns, arg_int(a, 3), &ca, &mut HostRandom(h), now))
        }),
        fallible("genSignedCertWithKey", &[S, L, L, Int, A, S], |h, a| {
            let ca = ca_arg(&arg(a, 4))?;
            let (ips, dns) = (strings_arg(&arg(a, 1), "ip")?, strings_arg(&arg(a, 2), "dns")?);
            let now = now_seconds(h);
            pair(gocrypto::gen_signed_cert_with_key(
                arg_str(a, 0),
                &ips,
                &dns,
                arg_int(a, 3),
                &ca,
                arg_str(a, 5),
                &mut HostRandom(h),
                now,
            ))
        }),
        fallible("buildCustomCert", &[S, S], |_, a| pair(gocrypto::build_custom_cert(arg_str(a, 0), arg_str(a, 1)))),
    ]
}

/// The host's random source as `gocrypto` takes it.
pub(crate) struct HostRandom<'a>(pub(crate) &'a mut dyn Host);

impl gocrypto::Random for HostRandom<'_> {
    fn next_u64(&mut self) -> u64 {
        self.0.random_u64()
    }
}

/// The host's clock in whole seconds (certificate validity).
fn now_seconds(host: &mut dyn Host) -> i64 {
    host.now_unix_nanos().div_euclid(1_000_000_000).clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Sprig's `certificate` struct (`.Cert`, `.Key`).
#[derive(Clone, Debug)]
struct CertObject(gocrypto::CertPair);

impl Object for CertObject {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(&self.0.cert)),
            "Key" => Some(Value::str(&self.0.key)),
            _ => None,
        }
    }

    fn format_v(&self) -> String {
        format!("{{{} {}}}", self.0.cert, self.0.key)
    }

    fn to_json_value(&self) -> Option<Value> {
        let mut m = MapEntries::new();
        m.insert("Cert".into(), Value::str(&self.0.cert));
        m.insert("Key".into(), Value::str(&self.0.key));
        Some(Value::map(m))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A certificate result as a template value.
fn pair(r: Result<gocrypto::CertPair, String>) -> FuncResult {
    r.map(|p| Value::Object(Rc::new(CertObject(p)))).map_err(FuncError::new)
}

/// The `ca certificate` parameter of `genSignedCert`.
fn ca_arg(v: &Value) -> Result<gocrypto::CertPair, FuncError> {
    match v {
        Value::Object(o) => match o.as_any().downcast_ref::<CertObject>() {
            Some(c) => Ok(c.0.clone()),
            None => err(format!("wrong type for value; expected sprig.certificate; got {}", v.type_name())),
        },
        _ => err(format!("wrong type for value; expected sprig.certificate; got {}", v.type_name())),
    }
}

/// Sprig's `getNetIPs`/`getAlternateDNSStrs` type checks: nil is no items, every
/// item must be a string.
fn strings_arg(v: &Value, what: &str) -> Result<Vec<String>, FuncError> {
    let Some(list) = v.as_list() else { return Ok(Vec::new()) };
    list.items()
        .iter()
        .map(|item| match item.as_str() {
            Some(s) => Ok(s.to_string()),
            None if what == "ip" => err(format!("error parsing ip: {item} is not a string")),
            None => err(format!("error processing alternate dns name: {item} is not a string")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{call, TestHost};

    #[test]
    fn digests_and_passwords() {
        let mut h = TestHost::new();
        let r = call(&mut h, "sha1sum", &[Value::str("hello")]).unwrap();
        assert_eq!(r.to_go_string(), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        let r = call(&mut h, "adler32sum", &[Value::str("hello")]).unwrap();
        assert_eq!(r.to_go_string(), "103547413");
        let r = call(
            &mut h,
            "derivePassword",
            &[Value::Int(1), Value::str("long"), Value::str("password"), Value::str("user"), Value::str("example.com")],
        );
        assert_eq!(r.unwrap().to_go_string(), "ZedaFaxcZaso9*");
        let b = call(&mut h, "bcrypt", &[Value::str("pw")]).unwrap().to_go_string();
        assert!(b.starts_with("$2a$10$"), "{b}");
    }

    #[test]
    fn aes_round_trip() {
        let mut h = TestHost::new();
        let enc = call(&mut h, "encryptAES", &[Value::str("secretkey"), Value::str("plaintext")]).unwrap();
        let dec = call(&mut h, "decryptAES", &[Value::str("secretkey"), enc]).unwrap();
        assert_eq!(dec.to_go_string(), "plaintext");
        let bad = call(&mut h, "decryptAES", &[Value::str("k"), Value::str("not-base64!")]);
        assert_eq!(bad.unwrap_err().message, "illegal base64 data at input byte 3");
    }

    #[test]
    fn keys_and_certificates() {
        let mut h = TestHost::new();
        let ec = call(&mut h, "genPrivateKey", &[Value::str("ecdsa")]).unwrap().to_go_string();
        assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{ec}");
        assert_eq!(call(&mut h, "genPrivateKey", &[Value::str("foo")]).unwrap().to_go_string(), "Unknown type foo");
        let ca = call(&mut h, "genCAWithKey", &[Value::str("ca"), Value::Int(10), Value::string(ec.clone())]).unwrap();
        let Value::Object(o) = &ca else { panic!("not an object") };
        assert_eq!(o.field("Key").map(|k| k.to_go_string()), Some(ec.clone()));
        let leaf = call(
            &mut h,
            "genSignedCertWithKey",
            &[
                Value::str("svc"),
                Value::list(vec![Value::str("10.0.0.1")]),
                Value::list(vec![Value::str("svc.ns")]),
                Value::Int(10),
                ca.clone(),
                Value::string(ec),
            ],
        )
        .unwrap();
        assert!(leaf.to_go_string().contains("BEGIN CERTIFICATE"));
        let bad_ip = call(
            &mut h,
            "genSelfSignedCertWithKey",
            &[Value::str("x"), Value::list(vec![Value::Int(5)]), Value::Nil, Value::Int(1), Value::str("")],
        );
        assert_eq!(bad_ip.unwrap_err().message, "error parsing ip: 5 is not a string");
        let bad = call(&mut h, "buildCustomCert", &[Value::str("bad"), Value::str("bad")]);
        assert_eq!(bad.unwrap_err().message, "unable to decode base64 certificate");
        let not_ca =
            call(&mut h, "genSignedCert", &[Value::str("x"), Value::Nil, Value::Nil, Value::Int(1), Value::str("ca")]);
        assert!(not_ca.is_err());
    }
}
