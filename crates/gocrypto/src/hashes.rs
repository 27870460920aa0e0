//! Sprig's hash, password and symmetric-cipher functions.

use crate::encoding::{b64_decode, b64_encode};
use crate::rng::{Random, RngAdapter};
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use hmac::Mac;
use sha2::Digest;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sprig's `sha1sum`: lowercase hex of the SHA-1 digest.
pub fn sha1sum(input: &[u8]) -> String {
    hex(&sha1::Sha1::digest(input))
}

/// Sprig's `sha256sum`: lowercase hex of the SHA-256 digest.
pub fn sha256sum(input: &[u8]) -> String {
    hex(&sha2::Sha256::digest(input))
}

/// Sprig's `sha512sum`: lowercase hex of the SHA-512 digest.
pub fn sha512sum(input: &[u8]) -> String {
    hex(&sha2::Sha512::digest(input))
}

/// Sprig's `adler32sum`: the Adler-32 checksum in decimal.
pub fn adler32sum(input: &[u8]) -> String {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in input {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    ((b << 16) | a).to_string()
}

/// Sprig's `bcrypt`: a `$2a$10$` hash (Go's `bcrypt.DefaultCost`) with a 16-byte salt
/// from `rng`. Like Sprig, a failure (a password over 72 bytes) is returned as the
/// text `failed to encrypt string with bcrypt: ...`.
pub fn bcrypt(password: &str, rng: &mut dyn Random) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes".to_string();
    }
    let mut salt = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut RngAdapter(rng), &mut salt);
    match bcrypt::hash_with_salt(password.as_bytes(), 10, salt) {
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

/// Sprig's `htpasswd`: `user:` followed by the [`bcrypt()`] hash of `password`, or
/// `invalid username: USER` when the user name contains a colon.
pub fn htpasswd(user: &str, password: &str, rng: &mut dyn Random) -> String {
    if user.contains(':') {
        return format!("invalid username: {user}");
    }
    format!("{user}:{}", bcrypt(password, rng))
}

/// Sprig's `randBytes`: `count` random bytes, base64-encoded.
pub fn rand_bytes(count: i64, rng: &mut dyn Random) -> Result<String, String> {
    let n = usize::try_from(count).map_err(|_| "runtime error: makeslice: len out of range".to_string())?;
    Ok(b64_encode(&RngAdapter(rng).bytes(n)))
}

/// Sprig's `uuidv4`: a random (version 4, RFC 4122 variant) UUID in lowercase
/// 8-4-4-4-12 form.
pub fn uuidv4(rng: &mut dyn Random) -> String {
    let mut b = RngAdapter(rng).bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    format!("{}-{}-{}-{}-{}", hex(&b[..4]), hex(&b[4..6]), hex(&b[6..8]), hex(&b[8..10]), hex(&b[10..]))
}

const MASTER_PASSWORD_SEED: &[u8] = b"com.lyndir.masterpassword";

fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_characters(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

fn scoped(name: &str) -> Vec<u8> {
    let mut v = MASTER_PASSWORD_SEED.to_vec();
    v.extend_from_slice(&(name.len() as u32).to_be_bytes());
    v.extend_from_slice(name.as_bytes());
    v
}

/// The Master Password key: scrypt(password, seed ‖ len(user) ‖ user, N=32768, r=8, p=2).
fn master_key(password: &str, user: &str) -> Result<[u8; 64], String> {
    let mut key = [0u8; 64];
    let params = scrypt::Params::new(15, 8, 2, 64).map_err(|e| e.to_string())?;
    scrypt::scrypt(password.as_bytes(), &scoped(user), &params, &mut key).map_err(|e| e.to_string())?;
    Ok(key)
}

/// The site password from the master key: HMAC-SHA256 over seed ‖ len(site) ‖ site ‖
/// counter picks a template and then each character.
fn site_password(key: &[u8; 64], counter: u32, templates: &[&str], site: &str) -> String {
    let mut site_seed = scoped(site);
    site_seed.extend_from_slice(&counter.to_be_bytes());
    let seed = match <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(&site_seed);
            mac.finalize().into_bytes()
        }
        Err(e) => return format!("failed to derive password: {e}"),
    };
    let template = templates[usize::from(seed[0]) % templates.len()];
    template
        .bytes()
        .enumerate()
        .map(|(i, class)| {
            let chars = template_characters(class);
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect()
}

/// Sprig's `derivePassword`: the Master Password algorithm (scrypt N=32768, r=8, p=2
/// keyed by user, HMAC-SHA256 over site and counter, then a character template of
/// `password_type`: maximum, long, medium, short, basic or pin). An unknown type yields
/// Sprig's text `cannot find password template TYPE`.
pub fn derive_password(counter: u32, password_type: &str, password: &str, user: &str, site: &str) -> String {
    let Some(templates) = password_templates(password_type) else {
        return format!("cannot find password template {password_type}");
    };
    match master_key(password, user) {
        Ok(key) => site_password(&key, counter, templates, site),
        Err(e) => format!("failed to derive password: {e}"),
    }
}

fn aes_key(password: &str) -> aes::Aes256 {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    aes::Aes256::new(&key.into())
}

/// Sprig's `encryptAES`: AES-256-CBC with the password's first 32 bytes
/// (zero-padded) as key, PKCS#7 padding and a random IV from `rng`, returned as
/// base64 of IV followed by ciphertext. An empty plaintext gives an empty string.
pub fn encrypt_aes(password: &str, plaintext: &[u8], rng: &mut dyn Random) -> String {
    if plaintext.is_empty() {
        return String::new();
    }
    let cipher = aes_key(password);
    let mut content = plaintext.to_vec();
    let padding = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(padding as u8, padding));
    let mut out = RngAdapter(rng).bytes(16);
    let mut prev: [u8; 16] = out[..16].try_into().unwrap_or([0; 16]);
    for chunk in content.chunks(16) {
        let mut block = [0u8; 16];
        for (i, b) in block.iter_mut().enumerate() {
            *b = chunk[i] ^ prev[i];
        }
        let mut ga = block.into();
        cipher.encrypt_block(&mut ga);
        prev = ga.into();
        out.extend_from_slice(&prev);
    }
    b64_encode(&out)
}

/// Sprig's `decryptAES`: the inverse of [`encrypt_aes`]. Malformed input gives the
/// error Go reports (a base64 error, or the runtime panic text that Go's template
/// engine turns into an error). The plaintext is bytes, as Go's string is.
pub fn decrypt_aes(password: &str, crypt64: &str) -> Result<Vec<u8>, String> {
    if crypt64.is_empty() {
        return Ok(Vec::new());
    }
    let crypt = b64_decode(crypt64.as_bytes())?;
    if crypt.len() < 16 {
        return Err(format!("runtime error: slice bounds out of range [:16] with capacity {}", crypt.len()));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".to_string());
    }
    let cipher = aes_key(password);
    let mut prev: &[u8] = iv;
    let mut plain = Vec::with_capacity(body.len());
    for chunk in body.chunks(16) {
        let mut block: [u8; 16] = chunk.try_into().unwrap_or([0; 16]);
        let mut ga = block.into();
        cipher.decrypt_block(&mut ga);
        block = ga.into();
        plain.extend(block.iter().zip(prev).map(|(a, b)| a ^ b));
        prev = chunk;
    }
    let Some(&last) = plain.last() else {
        return Err("runtime error: index out of range [-1]".to_string());
    };
    let end = plain.len() as i64 - i64::from(last);
    if end < 0 {
        return Err(format!("runtime error: slice bounds out of range [:{end}]"));
    }
    plain.truncate(end as usize);
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter(u64);
    impl Random for Counter {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0
        }
    }

    #[test]
    fn sums_match_known_digests() {
        assert_eq!(sha1sum(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha256sum(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(sha512sum(b"abc").starts_with("ddaf35a193617abacc417349ae204131"));
        assert_eq!(sha512sum(b"abc").len(), 128);
        assert_eq!(adler32sum(b"abc"), "38600999");
        assert_eq!(adler32sum(b""), "1");
    }

    #[test]
    fn uuid_has_version_and_variant() {
        let u = uuidv4(&mut Counter(1));
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
        assert_eq!(u, uuidv4(&mut Counter(1)));
        assert_ne!(u, uuidv4(&mut Counter(2)));
    }

    #[test]
    fn aes_round_trip_and_errors() {
        let texts: [&[u8]; 5] = [
            b"plaintext",
            b"x",
            b"exactly sixteen!",
            "ünïcödé and a longer text spanning blocks".as_bytes(),
            b"\xff\x00",
        ];
        for text in texts {
            let enc = encrypt_aes("secretkey", text, &mut Counter(7));
            assert_eq!(decrypt_aes("secretkey", &enc).unwrap(), text);
            assert_eq!(enc, encrypt_aes("secretkey", text, &mut Counter(7)));
            assert_ne!(enc, encrypt_aes("secretkey", text, &mut Counter(8)));
        }
        let long_pw = "p".repeat(40);
        let enc = encrypt_aes(&long_pw, b"hi", &mut Counter(3));
        assert_eq!(decrypt_aes(&"p".repeat(32), &enc).unwrap(), b"hi");
        assert_eq!(encrypt_aes("k", b"", &mut Counter(3)), "");
        assert_eq!(decrypt_aes("k", "").unwrap(), b"");
        assert_eq!(decrypt_aes("k", "!!!!").unwrap_err(), "illegal base64 data at input byte 0");
        assert_eq!(
            decrypt_aes("k", "AAAA").unwrap_err(),
            "runtime error: slice bounds out of range [:16] with capacity 3"
        );
        let iv_only = b64_encode(&[0; 16]);
        assert_eq!(decrypt_aes("k", &iv_only).unwrap_err(), "runtime error: index out of range [-1]");
        let ragged = b64_encode(&[0; 20]);
        assert_eq!(decrypt_aes("k", &ragged).unwrap_err(), "crypto/cipher: input not full blocks");
        // A wrong key gives garbage padding: either an error or some text, never a panic.
        let _ = decrypt_aes("wrong", &encrypt_aes("secretkey", b"plaintext", &mut Counter(9)));
    }

    #[test]
    fn bcrypt_and_htpasswd_verify() {
        let h = bcrypt("secret", &mut Counter(1));
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert_eq!(h.len(), 60);
        assert!(::bcrypt::verify("secret", &h).unwrap());
        assert!(!::bcrypt::verify("other", &h).unwrap());
        assert_eq!(h, bcrypt("secret", &mut Counter(1)));
        assert_ne!(h, bcrypt("secret", &mut Counter(2)));
        let line = htpasswd("admin", "pw", &mut Counter(4));
        let (user, hash) = line.split_once(':').unwrap();
        assert_eq!(user, "admin");
        assert!(::bcrypt::verify("pw", hash).unwrap());
        assert_eq!(htpasswd("a:b", "pw", &mut Counter(4)), "invalid username: a:b");
        assert_eq!(
            bcrypt(&"x".repeat(73), &mut Counter(1)),
            "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
        );
        assert!(::bcrypt::verify("", &bcrypt("", &mut Counter(1))).unwrap());
    }

    #[test]
    fn derive_password_matches_sprig_vectors() {
        assert_eq!(derive_password(1, "nope", "p", "u", "s"), "cannot find password template nope");
        // One scrypt (slow in debug builds) serves every vector: they share password and user.
        let key = master_key("password", "user").unwrap();
        for (counter, kind, want) in [
            (1, "long", "ZedaFaxcZaso9*"),
            (2, "long", "Fovi2@JifpTupx"),
            (1, "maximum", "pf4zS1LjCg&LjhsZ7T2~"),
            (1, "medium", "ZedJuz8$"),
            (1, "basic", "pIS54PLs"),
            (1, "short", "Zed5"),
            (1, "pin", "6685"),
        ] {
            let templates = password_templates(kind).unwrap();
            assert_eq!(site_password(&key, counter, templates, "example.com"), want, "{kind} {counter}");
        }
    }

    #[test]
    fn rand_bytes_lengths() {
        assert_eq!(rand_bytes(0, &mut Counter(1)).unwrap(), "");
        assert_eq!(b64_decode(rand_bytes(10, &mut Counter(1)).unwrap().as_bytes()).unwrap().len(), 10);
        assert!(rand_bytes(-1, &mut Counter(1)).is_err());
    }
}
