//! Key and certificate functions: `genPrivateKey`, `genCA`, `genCAWithKey`,
//! `genSelfSignedCert(WithKey)`, `genSignedCert(WithKey)` and `buildCustomCert`.
//! Keys, serial numbers and validity come from the host's random source and clock,
//! so a seeded render produces the same PEM text every time.

use std::any::Any;
use std::net::IpAddr;
use std::rc::Rc;
use std::str::FromStr;
use std::time::{Duration, UNIX_EPOCH};

use der::asn1::{Ia5String, SetOfVec, Utf8StringRef};
use der::referenced::OwnedToRef;
use der::{Decode, Encode};
use govalue::{FuncError, FuncResult, FuncSpec, Host, MapEntries, Object, Param, Value};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use sha2::Sha256;
use spki::{EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use crate::conv::{arg, arg_int, arg_str, err, fallible, func};
use crate::encoding::{base64_decode, base64_encode};
use crate::random;
use crate::strings::lossy;

use Param::{Any as A, Int, String as S};

/// The key and certificate functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("genPrivateKey", &[S], |h, a| Ok(Value::string(gen_private_key(h, arg_str(a, 0))))),
        fallible("genCA", &[S, Int], |h, a| {
            let key = Key::rsa(h, 2048)?;
            ca(h, arg_str(a, 0), arg_int(a, 1), key)
        }),
        fallible("genCAWithKey", &[S, Int, S], |h, a| {
            let key = Key::parse_pem(arg_str(a, 2)).map_err(|e| FuncError::new(format!("parsing private key: {e}")))?;
            ca(h, arg_str(a, 0), arg_int(a, 1), key)
        }),
        fallible("genSelfSignedCert", &[S, A, A, Int], |h, a| {
            let key = Key::rsa(h, 2048)?;
            self_signed(h, a, key)
        }),
        fallible("genSelfSignedCertWithKey", &[S, A, A, Int, S], |h, a| {
            let key = Key::parse_pem(arg_str(a, 4)).map_err(|e| FuncError::new(format!("parsing private key: {e}")))?;
            self_signed(h, a, key)
        }),
        fallible("genSignedCert", &[S, A, A, Int, A], |h, a| {
            let key = Key::rsa(h, 2048)?;
            signed(h, a, key)
        }),
        fallible("genSignedCertWithKey", &[S, A, A, Int, A, S], |h, a| {
            let key = Key::parse_pem(arg_str(a, 5)).map_err(|e| FuncError::new(format!("parsing private key: {e}")))?;
            signed(h, a, key)
        }),
        fallible("buildCustomCert", &[S, S], |_, a| build_custom(arg_str(a, 0), arg_str(a, 1))),
    ]
}

/// A `rand_core` generator drawing from the host.
struct HostRng<'a>(&'a mut dyn Host);

impl rand_core::RngCore for HostRng<'_> {
    fn next_u32(&mut self) -> u32 {
        self.0.random_u64() as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0.random_u64()
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let bytes = random::bytes(self.0, dest.len());
        dest.copy_from_slice(&bytes);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for HostRng<'_> {}

/// A private key of one of the kinds Sprig generates.
enum Key {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ec(p256::SecretKey),
    Ed(ed25519_dalek::SigningKey),
}

/// PEM armour with 64-column base64, as Go's `pem.Encode` writes it.
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64_encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The first PEM block of `text`: its label and decoded bytes.
fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let label_end = rest.find("-----")?;
    let label = rest[..label_end].to_string();
    let body_start = &rest[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_start.find(&end_marker)?;
    let body: String = body_start[..body_end].chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64_decode(&body).ok()?;
    Some((label, der))
}

impl Key {
    fn rsa(host: &mut dyn Host, bits: usize) -> Result<Key, FuncError> {
        rsa::RsaPrivateKey::new(&mut HostRng(host), bits)
            .map(|k| Key::Rsa(Box::new(k)))
            .map_err(|e| FuncError::new(format!("error generating rsa key: {e}")))
    }

    /// The key in Sprig's PEM form (PKCS#1, SEC 1 or PKCS#8).
    fn to_pem(&self) -> Result<String, String> {
        match self {
            Key::Rsa(k) => Ok(pem("RSA PRIVATE KEY", k.to_pkcs1_der().map_err(|e| e.to_string())?.as_bytes())),
            Key::Ec(k) => Ok(pem("EC PRIVATE KEY", &k.to_sec1_der().map_err(|e| e.to_string())?)),
            Key::Ed(k) => Ok(pem("PRIVATE KEY", k.to_pkcs8_der().map_err(|e| e.to_string())?.as_bytes())),
        }
    }

    /// Sprig's `parsePrivateKeyPEM`.
    fn parse_pem(text: &str) -> Result<Key, String> {
        let (label, der) = pem_decode(text).ok_or("no PEM data in input")?;
        if label == "PRIVATE KEY" {
            if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(&der) {
                return Ok(Key::Rsa(Box::new(k)));
            }
            if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
                return Ok(Key::Ec(k));
            }
            if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(&der) {
                return Ok(Key::Ed(k));
            }
            return Err("decoding PEM as PKCS#8: x509: failed to parse private key".into());
        }
        let Some(kind) = label.strip_suffix(" PRIVATE KEY") else {
            return Err(format!("no private key data in PEM block of type {label}"));
        };
        match kind {
            "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&der)
                .map(|k| Key::Rsa(Box::new(k)))
                .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
            "EC" => p256::SecretKey::from_sec1_der(&der)
                .map(Key::Ec)
                .map_err(|e| format!("parsing EC private key from PEM: {e}")),
            _ => Err(format!("invalid private key type {label}")),
        }
    }

    /// The public key as a SubjectPublicKeyInfo.
    fn spki(&self) -> Result<SubjectPublicKeyInfoOwned, String> {
        let der = match self {
            Key::Rsa(k) => k.to_public_key().to_public_key_der(),
            Key::Ec(k) => k.public_key().to_public_key_der(),
            Key::Ed(k) => k.verifying_key().to_public_key_der(),
        }
        .map_err(|e| e.to_string())?;
        SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(|e| e.to_string())
    }
}

/// Sprig's `genPrivateKey`: errors and unknown types come back as text.
fn gen_private_key(host: &mut dyn Host, kind: &str) -> String {
    let key = match kind {
        "" | "rsa" => Key::rsa(host, 4096).map_err(|e| e.message),
        "ecdsa" => Ok(Key::Ec(p256::SecretKey::random(&mut HostRng(host)))),
        "ed25519" => Ok(Key::Ed(ed25519_dalek::SigningKey::generate(&mut HostRng(host)))),
        "dsa" => Err("failed to generate dsa params: DSA keys are not supported".into()),
        other => return format!("Unknown type {other}"),
    };
    match key.and_then(|k| k.to_pem()) {
        Ok(p) => p,
        Err(e) => format!("failed to generate private key: {e}"),
    }
}

/// Sprig's `certificate` struct (`.Cert`, `.Key`).
#[derive(Clone, Debug)]
struct CertPair {
    cert: String,
    key: String,
}

impl Object for CertPair {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(&self.cert)),
            "Key" => Some(Value::str(&self.key)),
            _ => None,
        }
    }

    fn format_v(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }

    fn to_json_value(&self) -> Option<Value> {
        let mut m = MapEntries::new();
        m.insert("Cert".into(), Value::str(&self.cert));
        m.insert("Key".into(), Value::str(&self.key));
        Some(Value::map(m))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn pair_value(cert: String, key: String) -> Value {
    Value::Object(Rc::new(CertPair { cert, key }))
}

/// A subject name holding only a common name (none when `cn` is empty).
fn common_name(cn: &str) -> Result<Name, String> {
    if cn.is_empty() {
        return Ok(RdnSequence(Vec::new()));
    }
    // Go's asn1 writes a PrintableString when it can (it lets `*` and `&` pass).
    let printable = cn.bytes().all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?*&".contains(&b));
    let value = if printable {
        der::Any::new(der::Tag::PrintableString, cn.as_bytes()).map_err(|e| e.to_string())?
    } else {
        der::Any::encode_from(&Utf8StringRef::new(cn).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?
    };
    let atv = AttributeTypeAndValue { oid: const_oid::db::rfc4519::CN, value };
    let set = SetOfVec::try_from(vec![atv]).map_err(|e| e.to_string())?;
    Ok(RdnSequence(vec![RelativeDistinguishedName(set)]))
}

/// Sprig's `getNetIPs`.
fn net_ips(v: &Value) -> Result<Vec<IpAddr>, String> {
    let Some(items) = v.as_list() else { return Ok(Vec::new()) };
    items
        .items()
        .iter()
        .map(|ip| {
            let s = ip.as_str().ok_or_else(|| format!("error parsing ip: {ip} is not a string"))?;
            IpAddr::from_str(s).map_err(|_| format!("error parsing ip: {s}"))
        })
        .collect()
}

/// Sprig's `getAlternateDNSStrs`.
fn dns_names(v: &Value) -> Result<Vec<String>, String> {
    let Some(items) = v.as_list() else { return Ok(Vec::new()) };
    items
        .items()
        .iter()
        .map(|d| {
            d.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("error processing alternate dns name: {d} is not a string"))
        })
        .collect()
}

/// What Sprig's `getBaseCertTemplate` fills in.
struct Template {
    cn: String,
    ips: Vec<IpAddr>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

/// Signs `tpl` for `subject_key` with `signing_key`, issued by `issuer`
/// (self-signed when `None`); returns the certificate in PEM.
fn create_cert(
    host: &mut dyn Host,
    tpl: &Template,
    subject_key: &Key,
    issuer: Option<Issuer>,
    signing_key: &Key,
) -> Result<String, String> {
    let subject = common_name(&tpl.cn)?;
    // Go draws the serial uniformly below 2^128.
    let serial = SerialNumber::new(&random::bytes(host, 16)).map_err(|e| e.to_string())?;
    let now = host.now_unix_nanos().div_euclid(1_000_000_000).max(0) as u64;
    let until = now.saturating_add_signed(tpl.days.saturating_mul(86_400));
    let time = |s: u64| Time::try_from(UNIX_EPOCH + Duration::from_secs(s)).map_err(|e| e.to_string());
    let validity = Validity { not_before: time(now)?, not_after: time(until)? };
    let spki = subject_key.spki()?;
    // The extensions Go's x509.CreateCertificate writes for Sprig's template, in
    // its order: key usage, extended key usage, basic constraints, subject key id
    // (CAs), authority key id (when signed by another certificate), SANs.
    let mut exts: Vec<Ext> = Vec::new();
    let mut usage = KeyUsages::KeyEncipherment | KeyUsages::DigitalSignature;
    if tpl.is_ca {
        usage |= KeyUsages::KeyCertSign;
    }
    exts.push(Ext::KeyUsage(Crit(KeyUsage(usage), true)));
    exts.push(Ext::Eku(Crit(
        ExtendedKeyUsage(vec![const_oid::db::rfc5280::ID_KP_SERVER_AUTH, const_oid::db::rfc5280::ID_KP_CLIENT_AUTH]),
        false,
    )));
    exts.push(Ext::Basic(Crit(BasicConstraints { ca: tpl.is_ca, path_len_constraint: None }, true)));
    if tpl.is_ca {
        let ski = SubjectKeyIdentifier::try_from(spki.owned_to_ref()).map_err(|e| e.to_string())?;
        exts.push(Ext::Ski(Crit(ski, false)));
    }
    if let Some(Issuer { ski: Some(ski), .. }) = &issuer {
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(der::asn1::OctetString::new(ski.clone()).map_err(|e| e.to_string())?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        };
        exts.push(Ext::Aki(Crit(aki, false)));
    }
    let mut names = Vec::new();
    for d in &tpl.dns {
        names.push(GeneralName::DnsName(Ia5String::new(d).map_err(|e| e.to_string())?));
    }
    for ip in &tpl.ips {
        names.push(GeneralName::from(*ip));
    }
    if !names.is_empty() {
        exts.push(Ext::San(Crit(SubjectAltName(names), tpl.cn.is_empty())));
    }
    let profile = Profile::Manual { issuer: issuer.map(|i| i.name) };
    let extra = exts;
    let der = match signing_key {
        Key::Rsa(k) => {
            let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new((**k).clone());
            build::<_, rsa::pkcs1v15::Signature>(profile, serial, validity, subject, spki, &signer, &extra)?
        }
        Key::Ec(k) => {
            let signer = p256::ecdsa::SigningKey::from(k.clone());
            build::<_, p256::ecdsa::DerSignature>(profile, serial, validity, subject, spki, &signer, &extra)?
        }
        Key::Ed(k) => build::<_, EdSignature>(profile, serial, validity, subject, spki, &EdSigner(k.clone()), &extra)?,
    };
    Ok(pem("CERTIFICATE", &der))
}

/// An Ed25519 signer whose signatures encode as a certificate's bit string.
struct EdSigner(ed25519_dalek::SigningKey);

/// An Ed25519 signature.
struct EdSignature(ed25519_dalek::Signature);

impl spki::SignatureBitStringEncoding for EdSignature {
    fn to_bitstring(&self) -> der::Result<der::asn1::BitString> {
        der::asn1::BitString::from_bytes(&self.0.to_bytes())
    }
}

impl signature::Signer<EdSignature> for EdSigner {
    fn try_sign(&self, msg: &[u8]) -> Result<EdSignature, signature::Error> {
        self.0.try_sign(msg).map(EdSignature)
    }
}

impl signature::Keypair for EdSigner {
    type VerifyingKey = ed25519_dalek::VerifyingKey;

    fn verifying_key(&self) -> Self::VerifyingKey {
        self.0.verifying_key()
    }
}

impl spki::DynSignatureAlgorithmIdentifier for EdSigner {
    fn signature_algorithm_identifier(&self) -> spki::Result<spki::AlgorithmIdentifierOwned> {
        self.0.signature_algorithm_identifier()
    }
}

/// The issuer of a certificate signed by another one: its subject and its
/// subject key identifier, if it has one.
struct Issuer {
    name: Name,
    ski: Option<Vec<u8>>,
}

/// An extension with the criticality Go gives it.
struct Crit<T>(T, bool);

impl<T: const_oid::AssociatedOid> const_oid::AssociatedOid for Crit<T> {
    const OID: const_oid::ObjectIdentifier = T::OID;
}

impl<T: Encode> Encode for Crit<T> {
    fn encoded_len(&self) -> der::Result<der::Length> {
        self.0.encoded_len()
    }

    fn encode(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        self.0.encode(writer)
    }
}

impl<T: const_oid::AssociatedOid + Encode> x509_cert::ext::AsExtension for Crit<T> {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        self.1
    }
}

/// One extension of the certificate template.
enum Ext {
    KeyUsage(Crit<KeyUsage>),
    Eku(Crit<ExtendedKeyUsage>),
    Basic(Crit<BasicConstraints>),
    Ski(Crit<SubjectKeyIdentifier>),
    Aki(Crit<AuthorityKeyIdentifier>),
    San(Crit<SubjectAltName>),
}

#[allow(clippy::too_many_arguments)]
fn build<S, Sig>(
    profile: Profile,
    serial: SerialNumber,
    validity: Validity,
    subject: Name,
    spki: SubjectPublicKeyInfoOwned,
    signer: &S,
    extra: &[Ext],
) -> Result<Vec<u8>, String>
where
    S: signature::Keypair + spki::DynSignatureAlgorithmIdentifier + signature::Signer<Sig>,
    S::VerifyingKey: EncodePublicKey,
    Sig: spki::SignatureBitStringEncoding,
{
    let mut b = CertificateBuilder::new(profile, serial, validity, subject, spki, signer).map_err(|e| e.to_string())?;
    for e in extra {
        match e {
            Ext::KeyUsage(x) => b.add_extension(x),
            Ext::Eku(x) => b.add_extension(x),
            Ext::Basic(x) => b.add_extension(x),
            Ext::Ski(x) => b.add_extension(x),
            Ext::Aki(x) => b.add_extension(x),
            Ext::San(x) => b.add_extension(x),
        }
        .map_err(|e| e.to_string())?;
    }
    let cert = b.build::<Sig>().map_err(|e| e.to_string())?;
    cert.to_der().map_err(|e| e.to_string())
}

fn to_err(e: String) -> FuncError {
    FuncError::new(e)
}

/// `genCA`/`genCAWithKey`.
fn ca(host: &mut dyn Host, cn: &str, days: i64, key: Key) -> FuncResult {
    let tpl = Template { cn: cn.to_string(), ips: Vec::new(), dns: Vec::new(), days, is_ca: true };
    let cert = create_cert(host, &tpl, &key, None, &key).map_err(|e| to_err(format!("error creating certificate: {e}")))?;
    Ok(pair_value(cert, key.to_pem().map_err(to_err)?))
}

/// The template from the `(cn, ips, dns, days)` arguments.
fn template(a: &[Value]) -> Result<Template, FuncError> {
    Ok(Template {
        cn: arg_str(a, 0).to_string(),
        ips: net_ips(&arg(a, 1)).map_err(to_err)?,
        dns: dns_names(&arg(a, 2)).map_err(to_err)?,
        days: arg_int(a, 3),
        is_ca: false,
    })
}

/// `genSelfSignedCert`/`genSelfSignedCertWithKey`.
fn self_signed(host: &mut dyn Host, a: &[Value], key: Key) -> FuncResult {
    let tpl = template(a)?;
    let cert = create_cert(host, &tpl, &key, None, &key).map_err(|e| to_err(format!("error creating certificate: {e}")))?;
    Ok(pair_value(cert, key.to_pem().map_err(to_err)?))
}

/// `genSignedCert`/`genSignedCertWithKey`: signed by the CA in argument 4.
fn signed(host: &mut dyn Host, a: &[Value], key: Key) -> FuncResult {
    let ca_val = arg(a, 4);
    let Some(ca) = (match &ca_val {
        Value::Object(o) => o.as_any().downcast_ref::<CertPair>(),
        _ => None,
    }) else {
        return err(format!("wrong type for value; expected sprig.certificate; got {}", ca_val.type_name()));
    };
    let (_, der) = pem_decode(&ca.cert).ok_or_else(|| FuncError::new("unable to decode certificate"))?;
    let parent = Certificate::from_der(&der)
        .map_err(|e| to_err(format!("error parsing certificate: decodedSignerCert.Bytes: {e}")))?;
    let signer = Key::parse_pem(&ca.key).map_err(|e| to_err(format!("error parsing private key: {e}")))?;
    let tpl = template(a)?;
    let ski = parent.tbs_certificate.extensions.as_ref().and_then(|exts| {
        exts.iter()
            .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER)
            .and_then(|e| SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).ok())
            .map(|k| k.0.as_bytes().to_vec())
    });
    let issuer = Issuer { name: parent.tbs_certificate.subject.clone(), ski };
    let cert = create_cert(host, &tpl, &key, Some(issuer), &signer)
        .map_err(|e| to_err(format!("error creating certificate: {e}")))?;
    Ok(pair_value(cert, key.to_pem().map_err(to_err)?))
}

/// `buildCustomCert`: checks a base64 PEM certificate and key and returns them.
fn build_custom(b64cert: &str, b64key: &str) -> FuncResult {
    let cert = base64_decode(b64cert).map_err(|_| FuncError::new("unable to decode base64 certificate"))?;
    let key = base64_decode(b64key).map_err(|_| FuncError::new("unable to decode base64 private key"))?;
    let (cert_text, key_text) = (lossy(&cert), lossy(&key));
    let (_, der) = pem_decode(&cert_text).ok_or_else(|| FuncError::new("unable to decode certificate"))?;
    Certificate::from_der(&der).map_err(|e| to_err(format!("error parsing certificate: decodedCert.Bytes: {e}")))?;
    Key::parse_pem(&key_text).map_err(|e| to_err(format!("error parsing private key: {e}")))?;
    Ok(pair_value(cert_text, key_text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{call, TestHost};

    #[test]
    fn keys_and_certificates() {
        let mut h = TestHost::new();
        let ec = gen_private_key(&mut h, "ecdsa");
        assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{ec}");
        let ed = gen_private_key(&mut h, "ed25519");
        assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{ed}");
        assert_eq!(gen_private_key(&mut h, "foo"), "Unknown type foo");
        let ca = call(&mut h, "genCAWithKey", &[Value::str("ca"), Value::Int(10), Value::string(ec.clone())]).unwrap();
        let Value::Object(o) = &ca else { panic!("not an object") };
        let cert = o.field("Cert").unwrap().to_go_string();
        assert!(cert.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert_eq!(o.field("Key").unwrap().to_go_string(), ec);
        let leaf = call(
            &mut h,
            "genSignedCertWithKey",
            &[
                Value::str("svc"),
                Value::list(vec![Value::str("10.0.0.1")]),
                Value::list(vec![Value::str("svc.ns")]),
                Value::Int(10),
                ca.clone(),
                Value::string(ed),
            ],
        )
        .unwrap();
        assert!(leaf.to_go_string().contains("BEGIN CERTIFICATE"));
        let rebuilt = call(
            &mut h,
            "buildCustomCert",
            &[Value::string(base64_encode(cert.as_bytes())), Value::string(base64_encode(ec.as_bytes()))],
        )
        .unwrap();
        let Value::Object(r) = rebuilt else { panic!("not an object") };
        assert_eq!(r.field("Cert").unwrap().to_go_string(), cert);
        let bad = call(&mut h, "buildCustomCert", &[Value::str("bad"), Value::str("bad")]);
        assert_eq!(bad.unwrap_err().message, "unable to decode base64 certificate");
    }
}

#[cfg(test)]
mod slow_tests {
    use super::*;
    use crate::testing::{call, TestHost};

    /// RSA key generation is slow without optimizations: `cargo test --release -- --ignored`.
    #[test]
    #[ignore]
    fn rsa_ca_and_signed_cert() {
        let mut h = TestHost::new();
        let ca = call(&mut h, "genCA", &[Value::str("my-ca"), Value::Int(365)]).unwrap();
        let Value::Object(o) = &ca else { panic!("not an object") };
        assert!(o.field("Key").unwrap().to_go_string().starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let leaf = call(
            &mut h,
            "genSignedCert",
            &[Value::str("svc"), Value::Nil, Value::list(vec![Value::str("svc.ns")]), Value::Int(10), ca],
        )
        .unwrap();
        assert!(leaf.to_go_string().contains("BEGIN CERTIFICATE"));
    }
}
