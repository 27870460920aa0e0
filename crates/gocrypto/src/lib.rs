//! Sprig v3's crypto template functions (`genPrivateKey`, `genCA`, `genSelfSignedCert`,
//! `genSignedCert`, `buildCustomCert`, `htpasswd`, `bcrypt`, `derivePassword`,
//! `encryptAES`/`decryptAES`, the `*sum` hashes, `uuidv4`, `randBytes`) in pure Rust,
//! producing the formats Go produces. Every random choice is drawn from a
//! caller-supplied [`Random`] so that a seeded source makes the output reproducible.
//!
//! Where Sprig returns an error *text* as the function's result (`genPrivateKey`'s
//! `Unknown type X`, `bcrypt`'s `failed to encrypt ...`, `derivePassword`'s
//! `cannot find password template X`), these functions return that text as the value;
//! `Err` is reserved for what Sprig reports as a template error (and for the few
//! things this crate does not implement, such as DSA key generation).

mod cert;
mod encoding;
mod hashes;
mod keys;
mod rng;
#[cfg(test)]
mod tests;

pub use cert::{
    build_custom_cert, gen_ca, gen_ca_with_key, gen_self_signed_cert, gen_self_signed_cert_with_key,
    gen_signed_cert, gen_signed_cert_with_key, CertPair,
};
pub use hashes::{
    adler32sum, bcrypt, decrypt_aes, derive_password, encrypt_aes, htpasswd, rand_bytes, sha1sum,
    sha256sum, sha512sum, uuidv4,
};
pub use rng::{Random, RngAdapter};

/// Sprig's `genPrivateKey`: a new private key in PEM. `kind` is `""` or `"rsa"`
/// (4096-bit, `RSA PRIVATE KEY`), `"ecdsa"` (P-256, `EC PRIVATE KEY`) or `"ed25519"`
/// (`PRIVATE KEY`, PKCS#8). Any other kind yields Sprig's text `Unknown type KIND`;
/// `"dsa"` is an error (not implemented here).
pub fn gen_private_key(kind: &str, rng: &mut dyn Random) -> Result<String, String> {
    match keys::generate(kind, rng)? {
        None => Ok(format!("Unknown type {kind}")),
        Some(key) => Ok(key
            .to_pem()
            .unwrap_or_else(|e| format!("failed to generate private key: {e}"))),
    }
}
