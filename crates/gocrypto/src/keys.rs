//! Private keys: generation (`genPrivateKey`), Go's PEM forms, parsing
//! (Sprig's `parsePrivateKeyPEM`), public-key encodings and certificate signing.

use crate::encoding::{bit_string, oid, pem_decode, pem_encode, read_tlv, seq, tag, tlv, uint};
use crate::rng::{Random, RngAdapter};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

const OID_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
const OID_SHA256_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const OID_P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const OID_ED25519: &[u64] = &[1, 3, 101, 112];

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

/// Generates an RSA key of `bits` bits (exponent 65537).
pub fn generate_rsa(bits: usize, rng: &mut dyn Random) -> Result<PrivateKey, String> {
    RsaPrivateKey::new(&mut RngAdapter(rng), bits)
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|e| e.to_string())
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
            PrivateKey::Rsa(_) | PrivateKey::Dsa(_) => seq(&[&oid(OID_SHA256_RSA), &tlv(tag::NULL, &[])]),
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
            PrivateKey::Dsa(_) => Err("x509: certificate private key does not implement crypto.Signer".to_string()),
        }
    }

    /// Whether Go's x509 can sign with this key (DSA keys cannot).
    pub fn is_signer(&self) -> bool {
        !matches!(self, PrivateKey::Dsa(_))
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
        "EC" => parse_sec1(&block.der).map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => parse_dsa(&block.der).map_err(|e| format!("parsing DSA private key from PEM: {e}")),
        _ => Err(format!("invalid private key type {}", block.kind)),
    }
}

fn parse_pkcs1(der: &[u8]) -> Result<PrivateKey, String> {
    RsaPrivateKey::from_pkcs1_der(der)
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|_| "x509: failed to parse RSA private key".to_string())
}

fn parse_sec1(der: &[u8]) -> Result<PrivateKey, String> {
    let k = p256::SecretKey::from_sec1_der(der);
    k.map(PrivateKey::Ecdsa).map_err(|_| {
        "x509: failed to parse EC private key (only P-256 keys are supported)".to_string()
    })
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

fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey, String> {
    use rsa::pkcs8::der::Decode;
    let info = rsa::pkcs8::PrivateKeyInfo::from_der(der)
        .map_err(|e| format!("asn1: structure error: {e}"))?;
    let alg = info.algorithm.oid.to_string();
    match alg.as_str() {
        "1.2.840.113549.1.1.1" => parse_pkcs1(info.private_key)
            .map_err(|_| "x509: failed to parse RSA private key embedded in PKCS#8".to_string()),
        "1.2.840.10045.2.1" => {
            let curve = info.algorithm.parameters_oid().map(|o| o.to_string()).unwrap_or_default();
            if curve != "1.2.840.10045.3.1.7" {
                return Err("x509: unsupported elliptic curve (only P-256 keys are supported)".to_string());
            }
            parse_sec1(info.private_key)
                .map_err(|_| "x509: failed to parse EC private key embedded in PKCS#8".to_string())
        }
        "1.3.101.112" => {
            let seed = match read_tlv(info.private_key) {
                Some((tag::OCTET_STRING, seed, _, [])) => seed,
                _ => return Err("x509: invalid Ed25519 private key: asn1: structure error".to_string()),
            };
            let seed: [u8; 32] = seed
                .try_into()
                .map_err(|_| format!("x509: invalid Ed25519 private key length: {}", seed.len()))?;
            Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed)))
        }
        _ => Err(format!("x509: PKCS#8 wrapping contained private key with unknown algorithm: {alg}")),
    }
}
