//! Keys and certificates through the public API: determinism under a seeded source,
//! Go's PEM forms and extensions, and acceptance by the `openssl` binary (skipped when
//! it is absent).
//!
//! RSA key generation and scrypt dominate the run time in debug builds (the workspace
//! optimises those dependencies even in dev builds, see the root Cargo.toml). These tests
//! live in the library's test binary so that they run in parallel with the unit tests;
//! the RSA seeds below are ones whose prime search ends early, and the CA is generated
//! once per test binary.

use crate::*;
use std::process::Command;
use std::sync::OnceLock;
use x509_cert::der::DecodePem;

struct SplitMix(u64);

impl Random for SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The CA every RSA test shares: generated once, with a fixed clock.
fn ca() -> &'static (CertPair, i64) {
    static CA: OnceLock<(CertPair, i64)> = OnceLock::new();
    CA.get_or_init(|| {
        let t = now();
        (gen_ca("capstan-ca", 365, &mut SplitMix(46), t).unwrap(), t)
    })
}

fn have_openssl() -> bool {
    let ok = Command::new("openssl").arg("version").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        eprintln!("skipping openssl checks: the openssl binary is not available");
    }
    ok
}

/// Writes `files` into a fresh directory and runs openssl there; (success, stdout+stderr).
fn openssl(files: &[(&str, &str)], args: &[&str]) -> (bool, String) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("gocrypto-test-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = Command::new("openssl").args(args).current_dir(&dir).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn x509_text(cert: &str) -> String {
    let (ok, text) = openssl(&[("c.pem", cert)], &["x509", "-in", "c.pem", "-noout", "-text"]);
    assert!(ok, "{text}");
    text
}

fn verify(ca: &str, cert: &str) {
    let (ok, text) = openssl(&[("ca.pem", ca), ("c.pem", cert)], &["verify", "-CAfile", "ca.pem", "c.pem"]);
    assert!(ok && text.contains("c.pem: OK"), "{text}");
}

fn check_key(cmd: &str, key: &str) {
    let (ok, text) = openssl(&[("k.pem", key)], &[cmd, "-in", "k.pem", "-check", "-noout"]);
    assert!(ok, "{cmd}: {text}");
}

fn validity(cert: &str) -> (u64, u64) {
    let c = x509_cert::Certificate::from_pem(cert.as_bytes()).unwrap();
    let v = &c.tbs_certificate.validity;
    (v.not_before.to_unix_duration().as_secs(), v.not_after.to_unix_duration().as_secs())
}

fn ecdsa_key(seed: u64) -> String {
    gen_private_key("ecdsa", &mut SplitMix(seed))
}

fn ed25519_key(seed: u64) -> String {
    gen_private_key("ed25519", &mut SplitMix(seed))
}

#[test]
fn ca_is_deterministic_and_has_sprig_fields() {
    let (ca, t) = ca();
    assert!(ca.cert.starts_with("-----BEGIN CERTIFICATE-----\n") && ca.cert.ends_with("-----END CERTIFICATE-----\n"));
    assert!(ca.key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert_eq!(&gen_ca("capstan-ca", 365, &mut SplitMix(46), *t).unwrap(), ca);
    assert_eq!(validity(&ca.cert), (*t as u64, *t as u64 + 365 * 86_400));
    let c = x509_cert::Certificate::from_pem(ca.cert.as_bytes()).unwrap();
    assert!(c.tbs_certificate.serial_number.as_bytes().len() <= 17);
    if !have_openssl() {
        return;
    }
    let text = x509_text(&ca.cert);
    for want in [
        "Subject: CN = capstan-ca",
        "Issuer: CN = capstan-ca",
        "CA:TRUE",
        "Digital Signature, Key Encipherment, Certificate Sign",
        "TLS Web Server Authentication, TLS Web Client Authentication",
        "X509v3 Subject Key Identifier",
        "sha256WithRSAEncryption",
        "Public-Key: (2048 bit)",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("Subject Alternative Name"));
    check_key("rsa", &ca.key);
    verify(&ca.cert, &ca.cert);
}

#[test]
fn signed_cert_verifies_against_ca() {
    let (ca, t) = ca();
    let ips = ["10.0.0.1".to_string(), "::1".to_string(), "::ffff:192.168.1.2".to_string()];
    let dns = ["svc".to_string(), "svc.ns.svc.cluster.local".to_string()];
    let cert = gen_signed_cert("svc.example", &ips, &dns, 30, ca, &mut SplitMix(3), *t).unwrap();
    assert_ne!(cert.key, ca.key);
    assert_eq!(validity(&cert.cert), (*t as u64, *t as u64 + 30 * 86_400));
    if !have_openssl() {
        return;
    }
    verify(&ca.cert, &cert.cert);
    let text = x509_text(&cert.cert);
    for want in [
        "Subject: CN = svc.example",
        "Issuer: CN = capstan-ca",
        "CA:FALSE",
        "Digital Signature, Key Encipherment\n",
        "X509v3 Authority Key Identifier",
        "DNS:svc, DNS:svc.ns.svc.cluster.local, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:192.168.1.2",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("Subject Key Identifier:"), "{text}");
    check_key("rsa", &cert.key);
}

#[test]
fn self_signed_cert_and_with_key_variants() {
    let (ca, t) = ca();
    let dns = ["example.com".to_string()];
    let cert = gen_self_signed_cert("example.com", &[], &dns, 10, &mut SplitMix(21), *t).unwrap();
    assert_ne!(cert.key, ca.key, "a different seed gives a different key");
    // With the CA's key (no key generation): same key back, PKCS#1 PEM.
    let with_key = gen_self_signed_cert_with_key("example.com", &[], &dns, 10, &ca.key, &mut SplitMix(5), *t).unwrap();
    assert_eq!(with_key.key, ca.key);
    let again = gen_self_signed_cert_with_key("example.com", &[], &dns, 10, &ca.key, &mut SplitMix(5), *t).unwrap();
    assert_eq!(with_key, again);
    let other = gen_self_signed_cert_with_key("example.com", &[], &dns, 10, &ca.key, &mut SplitMix(6), *t).unwrap();
    assert_ne!(with_key.cert, other.cert, "the serial comes from the random source");
    if !have_openssl() {
        return;
    }
    for c in [&cert, &with_key] {
        let text = x509_text(&c.cert);
        assert!(text.contains("Subject: CN = example.com") && text.contains("DNS:example.com"), "{text}");
        assert!(text.contains("CA:FALSE"), "{text}");
        check_key("rsa", &c.key);
    }
    let ca_with_rsa = gen_ca_with_key("again", 1, &ca.key, &mut SplitMix(1), *t).unwrap();
    assert_eq!(ca_with_rsa.key, ca.key);
    verify(&ca_with_rsa.cert, &ca_with_rsa.cert);
}

#[test]
fn ecdsa_and_ed25519_keys_and_chains() {
    let t = now();
    let ec = ecdsa_key(1);
    let ed = ed25519_key(1);
    assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{ec}");
    assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{ed}");
    assert_eq!(ec, ecdsa_key(1));
    assert_ne!(ec, ecdsa_key(2));
    assert_eq!(ed, ed25519_key(1));
    assert_ne!(ed, ed25519_key(2));
    // Go's PKCS#8 Ed25519 key is 48 bytes of DER: 64 base64 characters.
    assert_eq!(ed.lines().nth(1).map(str::len), Some(64));

    let ec_ca = gen_ca_with_key("ec-ca", 5, &ec, &mut SplitMix(1), t).unwrap();
    assert_eq!(ec_ca.key, ec, "the key comes back in the same PEM form");
    let ed_leaf =
        gen_signed_cert_with_key("leaf", &[], &["leaf.local".into()], 5, &ec_ca, &ed, &mut SplitMix(2), t).unwrap();
    assert_eq!(ed_leaf.key, ed);
    let ed_ca = gen_ca_with_key("ed-ca", 5, &ed, &mut SplitMix(3), t).unwrap();
    let ec_leaf =
        gen_signed_cert_with_key("leaf2", &["127.0.0.1".into()], &[], 5, &ed_ca, &ec, &mut SplitMix(4), t).unwrap();
    let ec_self = gen_self_signed_cert_with_key("self", &[], &[], 5, &ec, &mut SplitMix(5), t).unwrap();
    if !have_openssl() {
        return;
    }
    check_key("ec", &ec);
    check_key("pkey", &ed);
    verify(&ec_ca.cert, &ed_leaf.cert);
    verify(&ed_ca.cert, &ec_leaf.cert);
    assert!(x509_text(&ec_ca.cert).contains("ecdsa-with-SHA256"));
    assert!(x509_text(&ed_ca.cert).contains("Signature Algorithm: ED25519"));
    assert!(x509_text(&ec_leaf.cert).contains("IP Address:127.0.0.1"));
    assert!(x509_text(&ec_self.cert).contains("Subject: CN = self"));
}

#[test]
fn edge_cases_of_names_and_validity() {
    let t = 1_700_000_000;
    let ec = ecdsa_key(9);
    // An empty subject makes the SAN extension critical, as Go does.
    let no_cn = gen_self_signed_cert_with_key("", &[], &["only.san".into()], 1, &ec, &mut SplitMix(1), t).unwrap();
    // 100 years reaches past 2049: GeneralizedTime.
    let long = gen_ca_with_key("long", 36_500, &ec, &mut SplitMix(1), t).unwrap();
    assert_eq!(validity(&long.cert), (t as u64, t as u64 + 36_500 * 86_400));
    let star = gen_self_signed_cert_with_key("*.example.com", &[], &[], 1, &ec, &mut SplitMix(1), t).unwrap();
    assert!(x509_cert::Certificate::from_pem(star.cert.as_bytes()).is_ok());
    // Go computes 24h * days in int64 nanoseconds, which wraps around for huge counts.
    let wrapped = gen_ca_with_key("x", 3_000_000, &ec, &mut SplitMix(1), t).unwrap();
    let ns = 86_400_000_000_000i64.wrapping_mul(3_000_000);
    assert_eq!(validity(&wrapped.cert).1 as i64, t + ns.div_euclid(1_000_000_000));
    // Go's Duration arithmetic wraps around for absurd day counts; that is no panic here either.
    let _ = gen_ca_with_key("x", i64::MAX, &ec, &mut SplitMix(1), t);
    let _ = gen_ca_with_key("x", i64::MIN, &ec, &mut SplitMix(1), t);
    let _ = gen_ca_with_key("x", -5, &ec, &mut SplitMix(1), t).unwrap();
    if !have_openssl() {
        return;
    }
    let text = x509_text(&no_cn.cert);
    assert!(text.contains("X509v3 Subject Alternative Name: critical"), "{text}");
    assert!(x509_text(&long.cert).contains("GMT"));
    assert!(x509_text(&star.cert).contains("CN = *.example.com"));
}

#[test]
fn errors_use_sprig_texts() {
    let t = 1_700_000_000;
    let ec = ecdsa_key(7);
    let ed = ed25519_key(7);
    let r = &mut SplitMix(1);
    assert_eq!(gen_private_key("nope", r), "Unknown type nope");
    assert_eq!(gen_ca_with_key("x", 1, "garbage", r, t).unwrap_err(), "parsing private key: no PEM data in input");
    let ec_ca = gen_ca_with_key("ec-ca", 5, &ec, r, t).unwrap();
    assert_eq!(
        gen_ca_with_key("x", 1, &ec_ca.cert, r, t).unwrap_err(),
        "parsing private key: no private key data in PEM block of type CERTIFICATE"
    );
    let foo = "-----BEGIN FOO PRIVATE KEY-----\nAAAA\n-----END FOO PRIVATE KEY-----\n";
    assert_eq!(
        gen_ca_with_key("x", 1, foo, r, t).unwrap_err(),
        "parsing private key: invalid private key type FOO PRIVATE KEY"
    );
    let bad_rsa = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    assert!(gen_ca_with_key("x", 1, bad_rsa, r, t)
        .unwrap_err()
        .starts_with("parsing private key: parsing RSA private key from PEM: "));
    let bad_ec = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
    assert!(gen_ca_with_key("x", 1, bad_ec, r, t)
        .unwrap_err()
        .starts_with("parsing private key: parsing EC private key from PEM: "));
    let bad_p8 = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert!(gen_ca_with_key("x", 1, bad_p8, r, t)
        .unwrap_err()
        .starts_with("parsing private key: decoding PEM as PKCS#8: "));
    // Keys in the wrong PEM block get Go's hints.
    let ec_der = ec.lines().filter(|l| !l.starts_with("-----")).collect::<String>();
    let ed_der = ed.lines().filter(|l| !l.starts_with("-----")).collect::<String>();
    let relabel = |label: &str, body: &str| format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n");
    assert_eq!(
        gen_ca_with_key("x", 1, &relabel("RSA PRIVATE KEY", &ec_der), r, t).unwrap_err(),
        "parsing private key: parsing RSA private key from PEM: x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"
    );
    assert_eq!(
        gen_ca_with_key("x", 1, &relabel("RSA PRIVATE KEY", &ed_der), r, t).unwrap_err(),
        "parsing private key: parsing RSA private key from PEM: x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
    );
    assert_eq!(
        gen_ca_with_key("x", 1, &relabel("EC PRIVATE KEY", &ed_der), r, t).unwrap_err(),
        "parsing private key: parsing EC private key from PEM: x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
    );
    assert_eq!(
        gen_ca_with_key("x", 1, &relabel("PRIVATE KEY", &ec_der), r, t).unwrap_err(),
        "parsing private key: decoding PEM as PKCS#8: x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"
    );
    // PKCS#8 with an X448 key (OID 1.3.101.111), which Go does not know.
    let x448 = "MC4CAQAwBQYDK2VvBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(
        gen_ca_with_key("x", 1, &relabel("PRIVATE KEY", x448), r, t).unwrap_err(),
        "parsing private key: decoding PEM as PKCS#8: x509: PKCS#8 wrapping contained private key with unknown algorithm: 1.3.101.111"
    );
    // An X25519 key (OID 1.3.101.110) can be certified but cannot sign, as in Go.
    let x25519 = relabel("PRIVATE KEY", "MC4CAQAwBQYDK2VuBCIEIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(
        gen_ca_with_key("x", 1, &x25519, r, t).unwrap_err(),
        "error creating certificate: x509: certificate private key does not implement crypto.Signer"
    );
    let x_leaf = gen_signed_cert_with_key("x", &[], &[], 1, &ec_ca, &x25519, r, t).unwrap();
    assert_eq!(x_leaf.key, x25519);
    if have_openssl() {
        assert!(x509_text(&x_leaf.cert).contains("Public Key Algorithm: X25519"));
    }
    // A DSA key (version, P, Q, G, Y, X) parses but cannot sign, as in Go.
    let dsa = "-----BEGIN DSA PRIVATE KEY-----\nMBICAQACAQcCAQUCAQICAQMCAQQ=\n-----END DSA PRIVATE KEY-----\n";
    assert_eq!(
        gen_ca_with_key("x", 1, dsa, r, t).unwrap_err(),
        "error creating certificate: x509: certificate private key does not implement crypto.Signer"
    );
    assert_eq!(
        gen_signed_cert_with_key("x", &[], &[], 1, &ec_ca, dsa, r, t).unwrap_err(),
        "error creating certificate: x509: unsupported public key type: *dsa.PublicKey"
    );
    assert_eq!(
        gen_self_signed_cert_with_key("x", &["nope".into()], &[], 1, &ec, r, t).unwrap_err(),
        "error parsing ip: nope"
    );
    assert_eq!(
        gen_self_signed_cert_with_key("x", &[], &["bücher.de".into()], 1, &ec, r, t).unwrap_err(),
        "error creating certificate: x509: \"bücher.de\" cannot be encoded as an IA5String"
    );
    let mismatched = CertPair { cert: ec_ca.cert.clone(), key: ed.clone() };
    assert_eq!(
        gen_signed_cert_with_key("x", &[], &[], 1, &mismatched, &ec, r, t).unwrap_err(),
        "error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey"
    );
    let no_cert = CertPair { cert: "nothing".into(), key: ec.clone() };
    assert_eq!(
        gen_signed_cert_with_key("x", &[], &[], 1, &no_cert, &ec, r, t).unwrap_err(),
        "unable to decode certificate"
    );
    let junk_cert =
        CertPair { cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into(), key: ec.clone() };
    assert_eq!(
        gen_signed_cert_with_key("x", &[], &[], 1, &junk_cert, &ec, r, t).unwrap_err(),
        "error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate"
    );
    let no_key = CertPair { cert: ec_ca.cert.clone(), key: "nothing".into() };
    assert_eq!(
        gen_signed_cert_with_key("x", &[], &[], 1, &no_key, &ec, r, t).unwrap_err(),
        "error parsing private key: no PEM data in input"
    );
}

fn b64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in s.as_bytes().chunks(3) {
        let v = c.iter().enumerate().fold(0u32, |v, (i, &b)| v | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= c.len() { A[(v >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

#[test]
fn build_custom_cert_validates_and_returns_pems() {
    let ec = ecdsa_key(11);
    let ca = gen_ca_with_key("custom", 5, &ec, &mut SplitMix(1), 1_700_000_000).unwrap();
    let built = build_custom_cert(&b64(&ca.cert), &b64(&ca.key)).unwrap();
    assert_eq!(built, ca);
    assert_eq!(build_custom_cert("%%%", &b64(&ca.key)).unwrap_err(), "unable to decode base64 certificate");
    assert_eq!(build_custom_cert(&b64(&ca.cert), "%%%").unwrap_err(), "unable to decode base64 private key");
    assert_eq!(build_custom_cert(&b64("plain text"), &b64(&ca.key)).unwrap_err(), "unable to decode certificate");
    assert_eq!(
        build_custom_cert(&b64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), &b64(&ca.key))
            .unwrap_err(),
        "error parsing certificate: decodedCert.Bytes: x509: malformed certificate"
    );
    assert_eq!(
        build_custom_cert(&b64(&ca.cert), &b64("junk")).unwrap_err(),
        "error parsing private key: no PEM data in input"
    );
    // A CA from buildCustomCert signs like any other.
    let leaf = gen_signed_cert_with_key("leaf", &[], &[], 1, &built, &ed25519_key(3), &mut SplitMix(2), 1_700_000_000);
    assert!(leaf.is_ok());
    assert!(x509_cert::Certificate::from_pem(leaf.unwrap().cert.as_bytes()).is_ok());
}

#[test]
fn rsa_private_key_is_4096_bit_pkcs1() {
    let key = gen_private_key("rsa", &mut SplitMix(1));
    assert!(key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert_eq!(gen_private_key("", &mut SplitMix(1)), key);
    if have_openssl() {
        check_key("rsa", &key);
        let (_, text) = openssl(&[("k.pem", &key)], &["rsa", "-in", "k.pem", "-noout", "-text"]);
        assert!(text.contains("Private-Key: (4096 bit, 2 primes)"), "{text}");
    }
}

#[test]
fn derive_password_master_password_vector() {
    // The Master Password algorithm's published example (v3, "long", counter 1).
    assert_eq!(
        derive_password(1, "long", "banana colored duckling", "Robert Lee Mitchell", "masterpasswordapp.com"),
        "Jejr5[RepuSosp"
    );
    assert_eq!(derive_password(1, "long", "password", "user", "example.com"), "ZedaFaxcZaso9*");
}

#[test]
fn dsa_private_key_in_sprig_layout() {
    let key = gen_private_key("dsa", &mut SplitMix(1));
    assert!(key.starts_with("-----BEGIN DSA PRIVATE KEY-----\n"), "{key}");
    assert_eq!(gen_private_key("dsa", &mut SplitMix(1)), key);
    // Parses back as a key, which Go's x509 cannot sign with.
    assert_eq!(
        gen_ca_with_key("x", 1, &key, &mut SplitMix(1), 1_700_000_000).unwrap_err(),
        "error creating certificate: x509: certificate private key does not implement crypto.Signer"
    );
    if have_openssl() {
        let (ok, text) = openssl(&[("k.pem", &key)], &["dsa", "-in", "k.pem", "-noout", "-text"]);
        assert!(ok && text.contains("Private-Key: (2048 bit)"), "{text}");
    }
}

#[test]
fn corrupted_inputs_never_panic() {
    let t = 1_700_000_000;
    let ec = ecdsa_key(21);
    let ed = ed25519_key(21);
    let rsa_ca = &ca().0;
    let ca = gen_ca_with_key("fuzz-ca", 5, &ec, &mut SplitMix(1), t).unwrap();
    let x25519 = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n";
    let mut r = SplitMix(99);
    // Flip, drop or insert bytes of valid PEM texts, keeping them valid UTF-8.
    let mutate = |text: &str, r: &mut SplitMix| {
        let mut b: Vec<u8> = text.bytes().collect();
        for _ in 0..1 + r.next_u64() % 3 {
            let i = (r.next_u64() % b.len() as u64) as usize;
            match r.next_u64() % 3 {
                0 => b[i] = b"AZaz09+/=\n-: "[(r.next_u64() % 13) as usize],
                1 => {
                    b.remove(i);
                }
                _ => b.insert(i, b"AQ/=\n"[(r.next_u64() % 5) as usize]),
            }
        }
        String::from_utf8_lossy(&b).into_owned()
    };
    for round in 0..300 {
        let key = mutate([&ec, &ed, x25519, &rsa_ca.key][round % 4], &mut r);
        let cert = mutate([&ca.cert, &rsa_ca.cert][round % 2], &mut r);
        let _ = gen_ca_with_key("x", 1, &key, &mut r, t);
        let _ = gen_self_signed_cert_with_key("x", &[], &["a".into()], 1, &key, &mut r, t);
        let pair = CertPair { cert: cert.clone(), key: [&ec, &rsa_ca.key][round % 2].to_string() };
        let _ = gen_signed_cert_with_key("x", &[], &[], 1, &pair, &ed, &mut r, t);
        let _ = build_custom_cert(&b64(&cert), &b64(&key));
        let _ = build_custom_cert(&mutate(&b64(&cert), &mut r), &mutate(&b64(&key), &mut r));
        let sealed = encrypt_aes("pw", b"some secret text", &mut r);
        let _ = decrypt_aes("pw", &mutate(&sealed, &mut r));
    }
}
