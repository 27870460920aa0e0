//! Certificates: Sprig's `genCA`, `genSelfSignedCert`, `genSignedCert` (and their
//! `WithKey` forms) and `buildCustomCert`, built field for field as Go's
//! `x509.CreateCertificate` builds them from Sprig's templates.

use crate::encoding::{b64_decode, oid, pem_decode, pem_encode, read_tlv, seq, tag, tlv, uint};
use crate::keys::{self, public_key_from_spki, PrivateKey};
use crate::rng::{Random, RngAdapter};
use sha2::Digest;
use std::net::IpAddr;

/// A certificate and its private key, both PEM text (Sprig's `certificate` with its
/// `.Cert` and `.Key` fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertPair {
    /// PEM `CERTIFICATE`.
    pub cert: String,
    /// PEM private key (`RSA PRIVATE KEY` for generated keys).
    pub key: String,
}

/// The caller's arguments common to every certificate function.
struct Req<'a> {
    cn: &'a str,
    ips: &'a [String],
    alt_names: &'a [String],
    days_valid: i64,
    now: i64,
}

/// What Sprig's `getBaseCertTemplate` fills in, plus the CA flag.
struct Template {
    cn: String,
    ips: Vec<IpAddr>,
    dns: Vec<String>,
    serial: Vec<u8>,
    not_before: i64,
    not_after: i64,
    is_ca: bool,
}

fn base_template(req: &Req, rng: &mut dyn Random) -> Result<Template, String> {
    let ips = req
        .ips
        .iter()
        .map(|s| s.parse::<IpAddr>().map_err(|_| format!("error parsing ip: {s}")))
        .collect::<Result<Vec<_>, _>>()?;
    // rand.Int(rand.Reader, 2^128) reads 16 bytes and uses them as they are.
    let serial = RngAdapter(rng).bytes(16);
    // time.Hour * 24 * time.Duration(daysValid) wraps around like Go's int64.
    let validity_ns = 86_400_000_000_000i64.wrapping_mul(req.days_valid);
    Ok(Template {
        cn: req.cn.to_string(),
        ips,
        dns: req.alt_names.to_vec(),
        serial,
        not_before: req.now,
        not_after: req.now.saturating_add(validity_ns.div_euclid(1_000_000_000)),
        is_ca: false,
    })
}

/// Go's asn1 PrintableString alphabet (without `*` and `&`).
fn is_printable(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

/// The DER of a pkix.Name holding only a CommonName (empty when `cn` is empty).
fn name_der(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return seq(&[]);
    }
    let string_tag = if cn.chars().all(is_printable) { tag::PRINTABLE_STRING } else { tag::UTF8_STRING };
    let atv = seq(&[&oid(&[2, 5, 4, 3]), &tlv(string_tag, cn.as_bytes())]);
    seq(&[&tlv(tag::SET, &atv)])
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A validity time as Go's asn1 writes it: UTCTime for 1950..2049, else GeneralizedTime.
fn time_der(unix: i64) -> Result<Vec<u8>, String> {
    let (y, mo, d) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if (1950..2050).contains(&y) {
        let text = format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100);
        Ok(tlv(tag::UTC_TIME, text.as_bytes()))
    } else if (0..=9999).contains(&y) {
        let text = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
        Ok(tlv(tag::GENERALIZED_TIME, text.as_bytes()))
    } else {
        Err("asn1: structure error: cannot represent time as GeneralizedTime".to_string())
    }
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let crit = if critical { tlv(tag::BOOLEAN, &[0xff]) } else { Vec::new() };
    seq(&[&oid(id), &crit, &tlv(tag::OCTET_STRING, value)])
}

/// Go's `%q` for the IA5String error (ASCII escapes; printable Unicode kept).
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The parts of a parsed parent certificate that CreateCertificate uses.
struct Parent {
    subject: Vec<u8>,
    spki: Vec<u8>,
    skid: Vec<u8>,
}

/// Walks a certificate's DER (already validated) for its raw subject, SPKI and SKID.
fn parent_fields(der: &[u8]) -> Option<Parent> {
    let (_, cert, _, _) = read_tlv(der)?;
    let (_, mut tbs, _, _) = read_tlv(cert)?;
    if tbs.first() == Some(&0xa0) {
        tbs = read_tlv(tbs)?.3;
    }
    let (_, _, _, rest) = read_tlv(tbs)?; // serial
    let (_, _, _, rest) = read_tlv(rest)?; // signature algorithm
    let (_, _, _, rest) = read_tlv(rest)?; // issuer
    let (_, _, _, rest) = read_tlv(rest)?; // validity
    let (_, _, subject, rest) = read_tlv(rest)?;
    let (_, _, spki, mut rest) = read_tlv(rest)?;
    let mut skid = Vec::new();
    while let Some((t, body, _, next)) = read_tlv(rest) {
        if t == 0xa3 {
            let (_, mut exts, _, _) = read_tlv(body)?;
            while let Some((_, ext, _, next_ext)) = read_tlv(exts) {
                let (_, ext_oid, _, mut ext_rest) = read_tlv(ext)?;
                if ext_oid == &oid(&[2, 5, 29, 14])[2..] {
                    if ext_rest.first() == Some(&tag::BOOLEAN) {
                        ext_rest = read_tlv(ext_rest)?.3;
                    }
                    let (_, value, _, _) = read_tlv(ext_rest)?;
                    if let Some((tag::OCTET_STRING, id, _, _)) = read_tlv(value) {
                        skid = id.to_vec();
                    }
                }
                exts = next_ext;
            }
        }
        rest = next;
    }
    Some(Parent { subject: subject.to_vec(), spki: spki.to_vec(), skid })
}

/// Go's `x509.ParseCertificate` on PEM-decoded bytes (validation via `x509-cert`).
fn parse_certificate(der: &[u8]) -> Result<Parent, String> {
    use x509_cert::der::Decode;
    x509_cert::Certificate::from_der(der).map_err(|_| "x509: malformed certificate".to_string())?;
    parent_fields(der).ok_or_else(|| "x509: malformed certificate".to_string())
}

/// Go's `x509.CreateCertificate` for Sprig's templates; returns the certificate DER.
fn create_certificate(
    t: &Template,
    signee: &PrivateKey,
    parent: Option<&Parent>,
    signer: &PrivateKey,
    rng: &mut dyn Random,
) -> Result<Vec<u8>, String> {
    if !signer.is_signer() {
        return Err("x509: certificate private key does not implement crypto.Signer".to_string());
    }
    let (spki, raw_public_key) = signee.public_key_info()?;
    let subject = name_der(&t.cn);
    let issuer = parent.map_or_else(|| subject.clone(), |p| p.subject.clone());
    let mut authority_key_id = Vec::new();
    if let Some(p) = parent {
        if issuer != subject && !p.skid.is_empty() {
            authority_key_id = p.skid.clone();
        }
    }
    let mut subject_key_id = Vec::new();
    if t.is_ca {
        // Go 1.25: the first 160 bits of SHA-256 of the subjectPublicKey bits.
        subject_key_id = sha2::Sha256::digest(&raw_public_key)[..20].to_vec();
    }
    if let Some(p) = parent {
        if signer.public_key()? != public_key_from_spki(&p.spki) {
            return Err("x509: provided PrivateKey doesn't match parent's PublicKey".to_string());
        }
    }

    let mut exts: Vec<Vec<u8>> = Vec::new();
    // KeyUsage: digitalSignature (bit 0), keyEncipherment (bit 2), keyCertSign (bit 5).
    let key_usage = if t.is_ca { tlv(tag::BIT_STRING, &[2, 0xa4]) } else { tlv(tag::BIT_STRING, &[5, 0xa0]) };
    exts.push(extension(&[2, 5, 29, 15], true, &key_usage));
    let eku = seq(&[&oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]), &oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2])]);
    exts.push(extension(&[2, 5, 29, 37], false, &eku));
    let basic = if t.is_ca { seq(&[&tlv(tag::BOOLEAN, &[0xff])]) } else { seq(&[]) };
    exts.push(extension(&[2, 5, 29, 19], true, &basic));
    if !subject_key_id.is_empty() {
        exts.push(extension(&[2, 5, 29, 14], false, &tlv(tag::OCTET_STRING, &subject_key_id)));
    }
    if !authority_key_id.is_empty() {
        exts.push(extension(&[2, 5, 29, 35], false, &seq(&[&tlv(0x80, &authority_key_id)])));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names = Vec::new();
        for d in &t.dns {
            if !d.is_ascii() {
                return Err(format!("x509: {} cannot be encoded as an IA5String", go_quote(d)));
            }
            names.extend(tlv(0x82, d.as_bytes()));
        }
        for ip in &t.ips {
            let bytes = match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => v6.octets().to_vec(),
                },
            };
            names.extend(tlv(0x87, &bytes));
        }
        let subject_is_empty = subject == seq(&[]);
        exts.push(extension(&[2, 5, 29, 17], subject_is_empty, &tlv(tag::SEQUENCE, &names)));
    }

    let validity = seq(&[&time_der(t.not_before)?, &time_der(t.not_after)?]);
    let sig_alg = signer.signature_algorithm();
    let tbs = seq(&[
        &[0xa0, 3, 2, 1, 2],
        &uint(&t.serial),
        &sig_alg,
        &issuer,
        &validity,
        &subject,
        &spki,
        &tlv(0xa3, &tlv(tag::SEQUENCE, &exts.concat())),
    ]);
    let signature = signer.sign(&tbs, rng)?;
    let mut sig_bits = vec![0];
    sig_bits.extend_from_slice(&signature);
    Ok(seq(&[&tbs, &sig_alg, &tlv(tag::BIT_STRING, &sig_bits)]))
}

/// Sprig's `getCertAndKey`: the signed certificate and the signee key, both PEM.
fn cert_and_key(
    t: &Template,
    signee: &PrivateKey,
    parent: Option<&Parent>,
    signer: &PrivateKey,
    rng: &mut dyn Random,
) -> Result<CertPair, String> {
    let der =
        create_certificate(t, signee, parent, signer, rng).map_err(|e| format!("error creating certificate: {e}"))?;
    let key = signee.to_pem().map_err(|e| format!("error pem-encoding key: {e}"))?;
    Ok(CertPair { cert: pem_encode("CERTIFICATE", &der), key })
}

fn rsa_2048(rng: &mut dyn Random) -> Result<PrivateKey, String> {
    keys::generate_rsa(2048, rng).map_err(|e| format!("error generating rsa key: {e}"))
}

fn parse_key_arg(key_pem: &str) -> Result<PrivateKey, String> {
    keys::parse_pem(key_pem).map_err(|e| format!("parsing private key: {e}"))
}

fn ca_with(req: &Req, key: &PrivateKey, rng: &mut dyn Random) -> Result<CertPair, String> {
    let mut t = base_template(req, rng)?;
    t.is_ca = true;
    cert_and_key(&t, key, None, key, rng)
}

/// Sprig's `genCA`: a self-signed CA certificate for `cn` with a new 2048-bit RSA key,
/// valid from `now_unix_seconds` for `days_valid` days.
pub fn gen_ca(cn: &str, days_valid: i64, rng: &mut dyn Random, now_unix_seconds: i64) -> Result<CertPair, String> {
    let key = rsa_2048(rng)?;
    let req = Req { cn, ips: &[], alt_names: &[], days_valid, now: now_unix_seconds };
    ca_with(&req, &key, rng)
}

/// Sprig's `genCAWithKey`: [`gen_ca`] with the PEM private key `key_pem`.
pub fn gen_ca_with_key(
    cn: &str,
    days_valid: i64,
    key_pem: &str,
    rng: &mut dyn Random,
    now_unix_seconds: i64,
) -> Result<CertPair, String> {
    let key = parse_key_arg(key_pem)?;
    let req = Req { cn, ips: &[], alt_names: &[], days_valid, now: now_unix_seconds };
    ca_with(&req, &key, rng)
}

fn self_signed_with(req: &Req, key: &PrivateKey, rng: &mut dyn Random) -> Result<CertPair, String> {
    let t = base_template(req, rng)?;
    cert_and_key(&t, key, None, key, rng)
}

/// Sprig's `genSelfSignedCert`: a self-signed server/client certificate with a new
/// 2048-bit RSA key. `ips` must parse as IP addresses (`error parsing ip: X`
/// otherwise); Sprig reports non-string items itself before calling this.
pub fn gen_self_signed_cert(
    cn: &str,
    ips: &[String],
    alt_names: &[String],
    days_valid: i64,
    rng: &mut dyn Random,
    now_unix_seconds: i64,
) -> Result<CertPair, String> {
    let key = rsa_2048(rng)?;
    self_signed_with(&Req { cn, ips, alt_names, days_valid, now: now_unix_seconds }, &key, rng)
}

/// Sprig's `genSelfSignedCertWithKey`: [`gen_self_signed_cert`] with the PEM key `key_pem`.
pub fn gen_self_signed_cert_with_key(
    cn: &str,
    ips: &[String],
    alt_names: &[String],
    days_valid: i64,
    key_pem: &str,
    rng: &mut dyn Random,
    now_unix_seconds: i64,
) -> Result<CertPair, String> {
    let key = parse_key_arg(key_pem)?;
    self_signed_with(&Req { cn, ips, alt_names, days_valid, now: now_unix_seconds }, &key, rng)
}

/// The CA half of Sprig's `generateSignedCertificateWithKeyInternal`.
fn parse_ca(ca: &CertPair) -> Result<(Parent, PrivateKey), String> {
    let block = pem_decode(ca.cert.as_bytes()).ok_or("unable to decode certificate")?;
    let parent = parse_certificate(&block.der)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
    let signer = keys::parse_pem(&ca.key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok((parent, signer))
}

fn signed_with(
    req: &Req,
    (parent, signer): (Parent, PrivateKey),
    key: &PrivateKey,
    rng: &mut dyn Random,
) -> Result<CertPair, String> {
    let t = base_template(req, rng)?;
    cert_and_key(&t, key, Some(&parent), &signer, rng)
}

/// Sprig's `genSignedCert`: a server/client certificate with a new 2048-bit RSA key,
/// signed by `ca` (as returned by [`gen_ca`] or [`build_custom_cert`]).
pub fn gen_signed_cert(
    cn: &str,
    ips: &[String],
    alt_names: &[String],
    days_valid: i64,
    ca: &CertPair,
    rng: &mut dyn Random,
    now_unix_seconds: i64,
) -> Result<CertPair, String> {
    // Go generates the key first; parsing the CA first fails faster and draws the
    // same random numbers in the same order.
    let ca = parse_ca(ca)?;
    let key = rsa_2048(rng)?;
    signed_with(&Req { cn, ips, alt_names, days_valid, now: now_unix_seconds }, ca, &key, rng)
}

/// Sprig's `genSignedCertWithKey`: [`gen_signed_cert`] with the PEM key `key_pem`.
#[allow(clippy::too_many_arguments)]
pub fn gen_signed_cert_with_key(
    cn: &str,
    ips: &[String],
    alt_names: &[String],
    days_valid: i64,
    ca: &CertPair,
    key_pem: &str,
    rng: &mut dyn Random,
    now_unix_seconds: i64,
) -> Result<CertPair, String> {
    let key = parse_key_arg(key_pem)?;
    let ca = parse_ca(ca)?;
    signed_with(&Req { cn, ips, alt_names, days_valid, now: now_unix_seconds }, ca, &key, rng)
}

/// Sprig's `buildCustomCert`: base64-encoded PEM certificate and key, checked to parse,
/// returned as PEM text.
pub fn build_custom_cert(cert_b64: &str, key_b64: &str) -> Result<CertPair, String> {
    let cert = b64_decode(cert_b64.as_bytes()).map_err(|_| "unable to decode base64 certificate")?;
    let key = b64_decode(key_b64.as_bytes()).map_err(|_| "unable to decode base64 private key")?;
    let block = pem_decode(&cert).ok_or("unable to decode certificate")?;
    parse_certificate(&block.der).map_err(|e| format!("error parsing certificate: decodedCert.Bytes: {e}"))?;
    let key = String::from_utf8_lossy(&key).into_owned();
    keys::parse_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(CertPair { cert: String::from_utf8_lossy(&cert).into_owned(), key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_follow_go_asn1() {
        assert_eq!(time_der(0).unwrap(), tlv(tag::UTC_TIME, b"700101000000Z"));
        assert_eq!(time_der(1_700_000_000).unwrap(), tlv(tag::UTC_TIME, b"231114221320Z"));
        // 2050-01-01T00:00:00Z switches to GeneralizedTime.
        assert_eq!(time_der(2_524_608_000).unwrap(), tlv(tag::GENERALIZED_TIME, b"20500101000000Z"));
        assert_eq!(time_der(-631_152_001).unwrap(), tlv(tag::GENERALIZED_TIME, b"19491231235959Z"));
        assert!(time_der(253_402_300_800).is_err());
    }

    #[test]
    fn names_pick_printable_or_utf8() {
        assert_eq!(name_der(""), vec![0x30, 0]);
        assert_eq!(name_der("a.b")[11], tag::PRINTABLE_STRING);
        assert_eq!(name_der("*.b")[11], tag::UTF8_STRING);
        assert_eq!(name_der("ü")[11], tag::UTF8_STRING);
        assert_eq!(go_quote("a\"ü\n"), "\"a\\\"ü\\n\"");
    }
}
