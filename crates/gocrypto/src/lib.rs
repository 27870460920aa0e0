//! Sprig v3's crypto template functions (`genPrivateKey`, `genCA`, `genSelfSignedCert`,
//! `genSignedCert`, `buildCustomCert`, `htpasswd`, `bcrypt`, `derivePassword`,
//! `encryptAES`/`decryptAES`, the `*sum` hashes, `uuidv4`, `randBytes`) in pure Rust,
//! producing the formats Go produces. Every random choice is drawn from a
//! caller-supplied [`Random`] so that a seeded source makes the output reproducible.
//!
//! Where Sprig returns an error *text* as the function's result (`genPrivateKey`'s
//! `Unknown type X`, `bcrypt`'s `failed to encrypt ...`, `derivePassword`'s
//! `cannot find password template X`), these functions return that text as the value;
//! `Err` is reserved for what Sprig reports as a template error.
//!
//! Not supported: ECDSA keys on curves other than P-256 passed to the `...WithKey`
//! functions (Go also accepts P-224/P-384/P-521), and RSA keys with more than two primes.
//!
//! Speed: RSA key generation (`num-bigint-dig`), scrypt (`scrypt`, `salsa20`) and bcrypt
//! (`blowfish`) are 10-50x slower in unoptimized builds; a workspace that renders charts
//! using these functions in debug builds should give those packages `opt-level = 3`
//! under `[profile.dev.package.NAME]`.

#![warn(missing_docs)]

mod cert;
mod encoding;
mod hashes;
mod keys;
mod prime;
mod rng;
#[cfg(test)]
mod tests;

pub use cert::{
    build_custom_cert, gen_ca, gen_ca_with_key, gen_self_signed_cert, gen_self_signed_cert_with_key, gen_signed_cert,
    gen_signed_cert_with_key, CertPair,
};
pub use hashes::{
    adler32sum, bcrypt, decrypt_aes, derive_password, encrypt_aes, htpasswd, rand_bytes, sha1sum, sha256sum, sha512sum,
    uuidv4,
};
pub use rng::Random;

/// Sprig's `genPrivateKey`: a new private key in PEM. `kind` is `""` or `"rsa"`
/// (4096-bit, `RSA PRIVATE KEY`), `"ecdsa"` (P-256, `EC PRIVATE KEY`), `"ed25519"`
/// (`PRIVATE KEY`, PKCS#8) or `"dsa"` (L2048N256 parameters, `DSA PRIVATE KEY` in
/// Sprig's own ASN.1 layout; slow, as in Go). Like Sprig, any other kind yields the
/// text `Unknown type KIND` and a failure the text `failed to generate private key: ...`.
pub fn gen_private_key(kind: &str, rng: &mut dyn Random) -> String {
    match keys::generate(kind, rng).and_then(|key| key.map(|k| k.to_pem()).transpose()) {
        Ok(Some(pem)) => pem,
        Ok(None) => format!("Unknown type {kind}"),
        Err(e) => format!("failed to generate private key: {e}"),
    }
}
