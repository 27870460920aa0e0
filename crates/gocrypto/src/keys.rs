//! Private keys: generation (`genPrivateKey`), Go's PEM forms, parsing
//! (Sprig's `parsePrivateKeyPEM`), public-key encodings and certificate signing.

use crate::encoding::{bit_string, oid, pem_decode, pem_encode, read_tlv, seq, tag, tlv, uint};
use crate::prime::{random_prime, small_odd_primes};
use crate::rng::{Random, RngAdapter};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

const OID_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
const OID_SHA256_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const OID_P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const OID_ED25519: &[u64] = &[1, 3, 101, 112];
const OID_X25519: &[u64] = &[1, 3, 101, 110];

/// A private key of a kind Sprig's crypto functions handle.
pub enum PrivateKey {
    /// An RSA key (PEM `RSA PRIVATE KEY`, PKCS#1).
    Rsa(Box<RsaPrivateKey>),
    /// An ECDSA P-256 key (PEM `EC PRIVATE KEY`, SEC 1).
    Ecdsa(p256::SecretKey),
    /// An Ed25519 key (PEM `PRIVATE KEY`, PKCS#8).
    Ed25519(ed25519_dalek::SigningKey),
    /// A DSA key as Sprig stores it (`DSA PRIVATE KEY`: version, P, Q, G, Y, X), kept
    /// as its DER; Go's x509 can neither sign with it nor certify it.
    Dsa(Vec<u8>),
    /// An X25519 key from a PKCS#8 PEM: Go certifies it but cannot sign with it.
    X25519([u8; 32]),
}

/// A public key in a form that compares the way Go's `PublicKey.Equal` does.
#[derive(PartialEq, Eq, Debug)]
pub enum PublicKey {
    /// RSA modulus and exponent, big-endian without leading zeros.
    Rsa(Vec<u8>, Vec<u8>),
    /// An uncompressed P-256 point.
    P256(Vec<u8>),
    /// An Ed25519 public key.
    Ed25519(Vec<u8>),
    /// Any other key, by its SubjectPublicKeyInfo DER.
    Other(Vec<u8>),
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let skip = b.iter().take_while(|&&x| x == 0).count();
    b[skip..].to_vec()
}

/// Generates an RSA key of `bits` bits (exponent 65537), like Go: each prime has
/// its top two bits set, so the modulus always has exactly `bits` bits. The two
/// primes are searched for on two threads, each from its own ChaCha20 stream seeded
/// from `rng`, so a seeded `rng` still gives the same key everywhere.
pub fn generate_rsa(bits: usize, rng: &mut dyn Random) -> Result<PrivateKey, String> {
    use rsa::BigUint;
    if bits < 64 || !bits.is_multiple_of(16) {
        return RsaPrivateKey::new(&mut RngAdapter(rng), bits)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| e.to_string());
    }
    let mut streams = [[0u8; 32]; 2];
    for seed in &mut streams {
        rand_core::RngCore::fill_bytes(&mut RngAdapter(rng), seed);
    }
    let [mut p_rng, mut q_rng] = streams.map(ChaCha20Rng::from_seed);
    let e = BigUint::from(65537u32);
    let sieve = small_odd_primes();
    let usable = |p: &BigUint| (p - 1u32) % &e != BigUint::from(0u32);
    let search = |rng: &mut ChaCha20Rng| loop {
        let p = random_prime(&mut RngAdapter(rng), bits / 2, &sieve);
        if usable(&p) {
            break p;
        }
    };
    let (p, mut q) = std::thread::scope(|s| {
        let mut worker_rng = p_rng.clone();
        let search = &search;
        let worker = std::thread::Builder::new().spawn_scoped(s, move || search(&mut worker_rng));
        let q = search(&mut q_rng);
        // Without a worker thread, p comes from the same stream on this one.
        let p = worker.ok().and_then(|w| w.join().ok()).unwrap_or_else(|| search(&mut p_rng));
        (p, q)
    });
    while q == p {
        q = search(&mut q_rng);
    }
    let key = RsaPrivateKey::from_p_q(p, q, e).map_err(|e| e.to_string())?;
    Ok(PrivateKey::Rsa(Box::new(key)))
}

/// Generates DSA L2048N256 parameters and a key, kept in Sprig's `DSAKeyFormat`
/// (version 0, P, Q, G, Y, X).
fn generate_dsa(rng: &mut dyn Random) -> PrivateKey {
    let mut rng = RngAdapter(rng);
    let components = dsa::Components::generate(&mut rng, dsa::KeySize::DSA_2048_256);
    let key = dsa::SigningKey::generate(&mut rng, components);
    let public = key.verifying_key();
    let c = public.components();
    let der = seq(&[
        &uint(&[0]),
        &uint(&c.p().to_bytes_be()),
        &uint(&c.q().to_bytes_be()),
        &uint(&c.g().to_bytes_be()),
        &uint(&public.y().to_bytes_be()),
        &uint(&key.x().to_bytes_be()),
    ]);
    PrivateKey::Dsa(der)
}

/// Generates a key of a kind Sprig's `genPrivateKey` names: `""`/`"rsa"` (4096-bit),
/// `"ecdsa"` (P-256), `"ed25519"` or `"dsa"` (L2048N256). `Ok(None)` for a kind Sprig
/// does not know.
pub fn generate(kind: &str, rng: &mut dyn Random) -> Result<Option<PrivateKey>, String> {
    match kind {
        "" | "rsa" => generate_rsa(4096, rng).map(Some),
        "ecdsa" => Ok(Some(PrivateKey::Ecdsa(p256::SecretKey::random(&mut RngAdapter(rng))))),
        "ed25519" => {
            let mut seed = [0u8; 32];
            rand_core::RngCore::fill_bytes(&mut RngAdapter(rng), &mut seed);
            Ok(Some(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))))
        }
        "dsa" => Ok(Some(generate_dsa(rng))),
        _ => Ok(None),
    }
}

impl PrivateKey {
    /// The key in the PEM form Sprig writes (`pemBlockForKey`).
    pub fn to_pem(&self) -> Result<String, String> {
        match self {
            PrivateKey::Rsa(k) => {
                let der = k.to_pkcs1_der().map_err(|e| e.to_string())?;
                Ok(pem_encode("RSA PRIVATE KEY", der.as_bytes()))
            }
            PrivateKey::Ecdsa(k) => {
                // SEC 1 with the curve OID and the public key, as Go's MarshalECPrivateKey.
                let point = k.public_key().to_encoded_point(false);
                let der = seq(&[
                    &uint(&[1]),
                    &tlv(tag::OCTET_STRING, &k.to_bytes()),
                    &tlv(0xa0, &oid(OID_P256)),
                    &tlv(0xa1, &bit_string(point.as_bytes())),
                ]);
                Ok(pem_encode("EC PRIVATE KEY", &der))
            }
            PrivateKey::Ed25519(k) => {
                // PKCS#8 v1 without the public key, exactly as Go's MarshalPKCS8PrivateKey.
                let der = seq(&[
                    &uint(&[0]),
                    &seq(&[&oid(OID_ED25519)]),
                    &tlv(tag::OCTET_STRING, &tlv(tag::OCTET_STRING, k.as_bytes())),
                ]);
                Ok(pem_encode("PRIVATE KEY", &der))
            }
            PrivateKey::Dsa(der) => Ok(pem_encode("DSA PRIVATE KEY", der)),
            PrivateKey::X25519(k) => {
                let der =
                    seq(&[&uint(&[0]), &seq(&[&oid(OID_X25519)]), &tlv(tag::OCTET_STRING, &tlv(tag::OCTET_STRING, k))]);
                Ok(pem_encode("PRIVATE KEY", &der))
            }
        }
    }

    /// The public key's SubjectPublicKeyInfo DER and the raw bytes of its BIT STRING,
    /// or Go's error for a key x509 cannot certify.
    pub fn public_key_info(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        let (alg, raw) = match self {
            PrivateKey::Rsa(k) => (
                seq(&[&oid(OID_RSA), &tlv(tag::NULL, &[])]),
                seq(&[&uint(&k.n().to_bytes_be()), &uint(&k.e().to_bytes_be())]),
            ),
            PrivateKey::Ecdsa(k) => (
                seq(&[&oid(OID_EC_PUBLIC_KEY), &oid(OID_P256)]),
                k.public_key().to_encoded_point(false).as_bytes().to_vec(),
            ),
            PrivateKey::Ed25519(k) => (seq(&[&oid(OID_ED25519)]), k.verifying_key().to_bytes().to_vec()),
            PrivateKey::X25519(k) => {
                (seq(&[&oid(OID_X25519)]), curve25519_dalek::MontgomeryPoint::mul_base_clamped(*k).to_bytes().to_vec())
            }
            PrivateKey::Dsa(_) => return Err("x509: unsupported public key type: *dsa.PublicKey".to_string()),
        };
        Ok((seq(&[&alg, &bit_string(&raw)]), raw))
    }

    /// The public key, for comparing with a certificate's.
    pub fn public_key(&self) -> Result<PublicKey, String> {
        let (spki, _) = self.public_key_info()?;
        Ok(public_key_from_spki(&spki))
    }

    /// The AlgorithmIdentifier DER Go's `x509.CreateCertificate` uses for this key
    /// (SHA256WithRSA, ECDSAWithSHA256 or PureEd25519).
    pub fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(_) | PrivateKey::Dsa(_) | PrivateKey::X25519(_) => {
                seq(&[&oid(OID_SHA256_RSA), &tlv(tag::NULL, &[])])
            }
            PrivateKey::Ecdsa(_) => seq(&[&oid(OID_ECDSA_SHA256)]),
            PrivateKey::Ed25519(_) => seq(&[&oid(OID_ED25519)]),
        }
    }

    /// Signs `message` with the algorithm of [`PrivateKey::signature_algorithm`].
    pub fn sign(&self, message: &[u8], rng: &mut dyn Random) -> Result<Vec<u8>, String> {
        match self {
            PrivateKey::Rsa(k) => {
                use rsa::signature::{RandomizedSigner, SignatureEncoding};
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                let sig = signer
                    .try_sign_with_rng(&mut RngAdapter(rng), message)
                    .map_err(|e| format!("x509: signing failed: {e}"))?;
                Ok(sig.to_vec())
            }
            PrivateKey::Ecdsa(k) => {
                use p256::ecdsa::signature::Signer;
                let signer = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature =
                    signer.try_sign(message).map_err(|e| format!("x509: signing failed: {e}"))?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            PrivateKey::Ed25519(k) => {
                use ed25519_dalek::Signer;
                Ok(k.sign(message).to_bytes().to_vec())
            }
            PrivateKey::Dsa(_) | PrivateKey::X25519(_) => {
                Err("x509: certificate private key does not implement crypto.Signer".to_string())
            }
        }
    }

    /// Whether Go's x509 can sign with this key (DSA and X25519 keys cannot).
    pub fn is_signer(&self) -> bool {
        !matches!(self, PrivateKey::Dsa(_) | PrivateKey::X25519(_))
    }
}

/// Reads a SubjectPublicKeyInfo into a comparable [`PublicKey`].
pub fn public_key_from_spki(spki: &[u8]) -> PublicKey {
    let parsed = (|| {
        let (_, body, _, _) = read_tlv(spki)?;
        let (_, alg, _, rest) = read_tlv(body)?;
        let (t, bits, _, _) = read_tlv(rest)?;
        let (unused, key) = bits.split_first()?;
        if t != tag::BIT_STRING || *unused != 0 {
            return None;
        }
        let (_, alg_oid, _, params) = read_tlv(alg)?;
        if alg_oid == &oid(OID_RSA)[2..] {
            let (_, rsa_body, _, _) = read_tlv(key)?;
            let (_, n, _, rest) = read_tlv(rsa_body)?;
            let (_, e, _, _) = read_tlv(rest)?;
            Some(PublicKey::Rsa(strip_zeros(n), strip_zeros(e)))
        } else if alg_oid == &oid(OID_EC_PUBLIC_KEY)[2..] && params == oid(OID_P256).as_slice() {
            let point = p256::PublicKey::from_sec1_bytes(key).ok()?;
            Some(PublicKey::P256(point.to_encoded_point(false).as_bytes().to_vec()))
        } else if alg_oid == &oid(OID_ED25519)[2..] {
            Some(PublicKey::Ed25519(key.to_vec()))
        } else {
            None
        }
    })();
    parsed.unwrap_or_else(|| PublicKey::Other(spki.to_vec()))
}

/// Sprig's `parsePrivateKeyPEM`: the first PEM block of `text` as a private key,
/// with Sprig's error texts.
pub fn parse_pem(text: &str) -> Result<PrivateKey, String> {
    let block = pem_decode(text.as_bytes()).ok_or("no PEM data in input")?;
    if block.kind == "PRIVATE KEY" {
        return parse_pkcs8(&block.der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(prefix) = block.kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {}", block.kind));
    };
    match prefix {
        "RSA" => parse_pkcs1(&block.der).map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => parse_sec1(&block.der, None).map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => parse_dsa(&block.der).map_err(|e| format!("parsing DSA private key from PEM: {e}")),
        _ => Err(format!("invalid private key type {}", block.kind)),
    }
}

const ASN1_ERROR: &str = "asn1: structure error: malformed DER";
const USE_EC: &str = "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)";
const USE_PKCS1: &str = "x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)";
const USE_PKCS8: &str = "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)";

/// The elements of a DER SEQUENCE that fills `der` exactly, or None.
fn sequence_items(der: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let (t, mut body, _, rest) = read_tlv(der)?;
    if t != tag::SEQUENCE || !rest.is_empty() {
        return None;
    }
    let mut items = Vec::new();
    while !body.is_empty() {
        let (t, content, _, next) = read_tlv(body)?;
        items.push((t, content));
        body = next;
    }
    Some(items)
}

/// Whether `der` has the shape Go's asn1 accepts as a PKCS#1 RSA private key.
fn looks_pkcs1(der: &[u8]) -> bool {
    sequence_items(der).is_some_and(|items| items.len() >= 6 && items[..6].iter().all(|(t, _)| *t == tag::INTEGER))
}

/// Whether `der` has the shape of a SEC 1 EC private key.
fn looks_sec1(der: &[u8]) -> bool {
    sequence_items(der)
        .is_some_and(|items| items.len() >= 2 && items[0].0 == tag::INTEGER && items[1].0 == tag::OCTET_STRING)
}

/// Whether `der` has the shape of a PKCS#8 PrivateKeyInfo.
fn looks_pkcs8(der: &[u8]) -> bool {
    sequence_items(der).is_some_and(|items| {
        items.len() >= 3 && items[0].0 == tag::INTEGER && items[1].0 == tag::SEQUENCE && items[2].0 == tag::OCTET_STRING
    })
}

/// Go's `x509.ParsePKCS1PrivateKey`, with its hints for keys in other formats.
fn parse_pkcs1(der: &[u8]) -> Result<PrivateKey, String> {
    if !looks_pkcs1(der) {
        return Err(if looks_sec1(der) {
            USE_EC
        } else if looks_pkcs8(der) {
            USE_PKCS8
        } else {
            ASN1_ERROR
        }
        .to_string());
    }
    RsaPrivateKey::from_pkcs1_der(der)
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|e| format!("crypto/rsa: invalid private key: {e}"))
}

/// Go's `x509.ParseECPrivateKey` (P-256 only); `curve` is the OID a PKCS#8 wrapper gave.
fn parse_sec1(der: &[u8], curve: Option<&[u8]>) -> Result<PrivateKey, String> {
    let Some(items) = sequence_items(der).filter(|_| looks_sec1(der)) else {
        return Err(if looks_pkcs8(der) {
            USE_PKCS8.to_string()
        } else if looks_pkcs1(der) {
            USE_PKCS1.to_string()
        } else {
            format!("x509: failed to parse EC private key: {ASN1_ERROR}")
        });
    };
    if items[0].1 != [1] {
        let version = items[0].1.iter().fold(0i64, |v, &b| v.wrapping_shl(8) | i64::from(b));
        return Err(format!("x509: unknown EC private key version {version}"));
    }
    let named = items
        .iter()
        .find(|(t, _)| *t == 0xa0)
        .and_then(|(_, inner)| read_tlv(inner))
        .filter(|(t, ..)| *t == tag::OID)
        .map(|(_, oid_body, ..)| oid_body);
    let p256 = &oid(OID_P256)[2..];
    // Go's other curves (P-224, P-384, P-521), which this crate cannot sign with.
    let others: [&[u64]; 3] = [&[1, 3, 132, 0, 33], &[1, 3, 132, 0, 34], &[1, 3, 132, 0, 35]];
    match curve.or(named) {
        Some(c) if c == p256 => {}
        Some(c) if others.iter().any(|o| &oid(o)[2..] == c) => {
            return Err("x509: unsupported elliptic curve (only P-256 keys are supported here)".to_string())
        }
        _ => return Err("x509: unknown elliptic curve".to_string()),
    }
    p256::SecretKey::from_slice(items[1].1)
        .map(PrivateKey::Ecdsa)
        .map_err(|_| "x509: invalid elliptic curve private key value".to_string())
}

fn parse_dsa(der: &[u8]) -> Result<PrivateKey, String> {
    let err = || "asn1: structure error: DSA private key is not a SEQUENCE of six INTEGERs".to_string();
    let (t, mut body, whole, _) = read_tlv(der).ok_or_else(err)?;
    if t != tag::SEQUENCE {
        return Err(err());
    }
    for _ in 0..6 {
        let (t, _, _, rest) = read_tlv(body).ok_or_else(err)?;
        if t != tag::INTEGER {
            return Err(err());
        }
        body = rest;
    }
    Ok(PrivateKey::Dsa(whole.to_vec()))
}

/// Go's `x509.ParsePKCS8PrivateKey` for RSA, ECDSA (P-256), Ed25519 and X25519 keys.
fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey, String> {
    let items = match sequence_items(der).filter(|_| looks_pkcs8(der)) {
        Some(items) => items,
        None if looks_sec1(der) => return Err(USE_EC.to_string()),
        None if looks_pkcs1(der) => return Err(USE_PKCS1.to_string()),
        None => return Err(ASN1_ERROR.to_string()),
    };
    let (_, alg_id, _, params) = read_tlv(items[1].1).ok_or(ASN1_ERROR)?;
    let private_key = items[2].1;
    if alg_id == &oid(OID_RSA)[2..] {
        parse_pkcs1(private_key).map_err(|e| format!("x509: failed to parse RSA private key embedded in PKCS#8: {e}"))
    } else if alg_id == &oid(OID_EC_PUBLIC_KEY)[2..] {
        // Go falls back to the inner key's curve when the parameters are not an OID.
        let curve = match read_tlv(params) {
            Some((tag::OID, body, ..)) => Some(body),
            _ => None,
        };
        parse_sec1(private_key, curve)
            .map_err(|e| format!("x509: failed to parse EC private key embedded in PKCS#8: {e}"))
    } else if alg_id == &oid(OID_ED25519)[2..] {
        if !params.is_empty() {
            return Err("x509: invalid Ed25519 private key parameters".to_string());
        }
        let seed = match read_tlv(private_key) {
            Some((tag::OCTET_STRING, seed, _, [])) => seed,
            _ => return Err(format!("x509: invalid Ed25519 private key: {ASN1_ERROR}")),
        };
        let seed: [u8; 32] =
            seed.try_into().map_err(|_| format!("x509: invalid Ed25519 private key length: {}", seed.len()))?;
        Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed)))
    } else if alg_id == &oid(OID_X25519)[2..] {
        if !params.is_empty() {
            return Err("x509: invalid X25519 private key parameters".to_string());
        }
        match read_tlv(private_key) {
            Some((tag::OCTET_STRING, k, _, [])) => {
                k.try_into().map(PrivateKey::X25519).map_err(|_| "crypto/ecdh: invalid private key size".to_string())
            }
            _ => Err(format!("x509: invalid X25519 private key: {ASN1_ERROR}")),
        }
    } else {
        Err(format!("x509: PKCS#8 wrapping contained private key with unknown algorithm: {}", oid_to_string(alg_id)))
    }
}

/// Dotted form of an OBJECT IDENTIFIER's contents.
fn oid_to_string(body: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut v = 0u64;
    for &b in body {
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (v / 40).min(2);
                arcs.push(first);
                arcs.push(v - first * 40);
            } else {
                arcs.push(v);
            }
            v = 0;
        }
    }
    arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod rsa_tests {
    use super::*;
    use rsa::traits::PrivateKeyParts;

    /// A fixed stream of numbers.
    struct Counter(u64);

    impl Random for Counter {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            self.0
        }
    }

    fn key(bits: usize, seed: u64) -> RsaPrivateKey {
        match generate_rsa(bits, &mut Counter(seed)) {
            Ok(PrivateKey::Rsa(k)) => *k,
            _ => panic!("no RSA key"),
        }
    }

    #[test]
    fn same_seed_same_key_and_go_rules() {
        let a = key(2048, 7);
        assert_eq!(a, key(2048, 7));
        let b = key(2048, 8);
        assert_ne!(a.n(), b.n());
        for k in [&a, &b] {
            assert_eq!(k.n().bits(), 2048);
            assert_eq!(k.e(), &rsa::BigUint::from(65537u32));
            let [p, q] = k.primes() else { panic!("not two primes") };
            assert_ne!(p, q);
            for f in [p, q] {
                assert_eq!(f.bits(), 1024);
                assert_eq!(f >> 1022usize, rsa::BigUint::from(3u32), "top two bits set");
                assert_ne!((f - 1u32) % 65537u32, rsa::BigUint::from(0u32));
            }
            k.validate().unwrap();
        }
        // A size the fixed-size arithmetic does not cover still works.
        assert_eq!(key(1536, 9).n().bits(), 1536);
    }
}
