//! Crypto functions: digests (`sha1sum`, `sha256sum`, `sha512sum`, `adler32sum`),
//! `bcrypt`, `htpasswd`, `derivePassword` (the Master Password algorithm) and
//! `encryptAES`/`decryptAES` (AES-256-CBC with a random IV, base64). Randomness
//! (salts, IVs) comes from the host.

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use aes::Aes256;
use govalue::{FuncError, FuncResult, FuncSpec, Host, Param, Value};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::conv::{arg_int, arg_str, err, fallible, func};
use crate::encoding::{base64_decode, base64_encode};
use crate::random;
use crate::strings::lossy;

use Param::{Int, String as S};

/// The digest, password and symmetric encryption functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        func("sha1sum", &[S], |_, a| Ok(Value::string(hex(&Sha1::digest(arg_str(a, 0).as_bytes()))))),
        func("sha256sum", &[S], |_, a| Ok(Value::string(hex(&Sha256::digest(arg_str(a, 0).as_bytes()))))),
        func("sha512sum", &[S], |_, a| Ok(Value::string(hex(&Sha512::digest(arg_str(a, 0).as_bytes()))))),
        func("adler32sum", &[S], |_, a| Ok(Value::string(adler32(arg_str(a, 0).as_bytes()).to_string()))),
        func("bcrypt", &[S], |h, a| Ok(Value::string(bcrypt(h, arg_str(a, 0))))),
        func("htpasswd", &[S, S], |h, a| {
            let user = arg_str(a, 0);
            if user.contains(':') {
                return Ok(Value::string(format!("invalid username: {user}")));
            }
            Ok(Value::string(format!("{user}:{}", bcrypt(h, arg_str(a, 1)))))
        }),
        func("derivePassword", &[Int, S, S, S, S], |_, a| {
            Ok(Value::string(derive_password(
                arg_int(a, 0) as u32,
                arg_str(a, 1),
                arg_str(a, 2),
                arg_str(a, 3),
                arg_str(a, 4),
            )))
        }),
        fallible("encryptAES", &[S, S], |h, a| encrypt_aes(h, arg_str(a, 0), arg_str(a, 1))),
        fallible("decryptAES", &[S, S], |_, a| decrypt_aes(arg_str(a, 0), arg_str(a, 1))),
    ]
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Go's `hash/adler32.Checksum`.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Sprig's `bcrypt`: cost 10, `$2a$`, a random salt; errors come back as text.
fn bcrypt(host: &mut dyn Host, password: &str) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes".into();
    }
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&random::bytes(host, 16));
    match bcrypt::hash_with_salt(password, 10, salt) {
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

const PASSWORD_SEED: &str = "com.lyndir.masterpassword";

/// The Master Password templates per password type.
fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
            "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

/// The characters a template letter stands for.
fn template_chars(c: u8) -> &'static [u8] {
    match c {
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

/// Sprig's `derivePassword` (Master Password: scrypt, then HMAC-SHA256 of the site).
fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(temps) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = PASSWORD_SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2, 64)
        .map_err(|e| e.to_string())
        .and_then(|p| scrypt::scrypt(password.as_bytes(), &salt, &p, &mut key).map_err(|e| e.to_string()));
    if let Err(e) = derived {
        return format!("failed to derive password: {e}");
    }
    let mut msg = PASSWORD_SEED.as_bytes().to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&key) else {
        return "failed to derive password".into();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let temp = temps[seed[0] as usize % temps.len()].as_bytes();
    temp.iter()
        .enumerate()
        .map(|(i, c)| {
            let chars = template_chars(*c);
            chars[seed.get(i + 1).copied().unwrap_or(0) as usize % chars.len()] as char
        })
        .collect()
}

/// The AES-256 key Sprig derives from a password (zero-padded or cut to 32 bytes).
fn aes_key(password: &str) -> Aes256 {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    Aes256::new(&key.into())
}

/// Sprig's `encryptAES`: PKCS#7 padding, CBC with a random IV in front, base64.
fn encrypt_aes(host: &mut dyn Host, password: &str, plaintext: &str) -> FuncResult {
    if plaintext.is_empty() {
        return Ok(Value::str(""));
    }
    let cipher = aes_key(password);
    let mut content = plaintext.as_bytes().to_vec();
    let padding = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(padding as u8, padding));
    let mut out = random::bytes(host, 16);
    let mut prev = [0u8; 16];
    prev.copy_from_slice(&out);
    for block in content.chunks(16) {
        let mut b = [0u8; 16];
        for (i, x) in block.iter().enumerate() {
            b[i] = x ^ prev[i];
        }
        let mut ga = b.into();
        cipher.encrypt_block(&mut ga);
        prev.copy_from_slice(&ga);
        out.extend_from_slice(&ga);
    }
    Ok(Value::string(base64_encode(&out)))
}

/// Sprig's `decryptAES` (Go's slice panics on short input become errors).
fn decrypt_aes(password: &str, crypt64: &str) -> FuncResult {
    if crypt64.is_empty() {
        return Ok(Value::str(""));
    }
    let crypt = base64_decode(crypt64).map_err(|at| FuncError::new(format!("illegal base64 data at input byte {at}")))?;
    if crypt.len() < 16 {
        return err(format!("runtime error: slice bounds out of range [:16] with capacity {}", crypt.len()));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return err("crypto/cipher: input not full blocks");
    }
    let cipher = aes_key(password);
    let mut prev: [u8; 16] = [0; 16];
    prev.copy_from_slice(iv);
    let mut plain = Vec::with_capacity(body.len());
    for block in body.chunks(16) {
        let mut ga = <[u8; 16]>::try_from(block).unwrap_or([0; 16]).into();
        cipher.decrypt_block(&mut ga);
        for (i, x) in ga.iter().enumerate() {
            plain.push(x ^ prev[i]);
        }
        prev.copy_from_slice(block);
    }
    let Some(&last) = plain.last() else {
        return err("runtime error: index out of range [-1]");
    };
    let keep = plain.len() as i64 - last as i64;
    if keep < 0 {
        return err(format!("runtime error: slice bounds out of range [:{keep}]"));
    }
    Ok(Value::string(lossy(&plain[..keep as usize])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{call, TestHost};

    #[test]
    fn digests() {
        assert_eq!(hex(&Sha1::digest(b"hello")), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assert_eq!(adler32(b"hello"), 103_547_413);
        assert_eq!(adler32(b""), 1);
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
    fn passwords() {
        assert_eq!(derive_password(1, "long", "password", "user", "example.com"), "ZedaFaxcZaso9*");
        let mut h = TestHost::new();
        let b = bcrypt(&mut h, "pw");
        assert!(b.starts_with("$2a$10$"), "{b}");
        assert!(::bcrypt::verify("pw", &b).unwrap_or(false));
    }
}
