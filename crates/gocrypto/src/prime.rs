//! Random probable primes for RSA keys: a small-prime sieve, then Miller-Rabin rounds
//! done with fixed-size Montgomery arithmetic for 1024- and 2048-bit candidates
//! (`BigUint::modpow` for other sizes). Variable-time: meant for key generation.

use crate::rng::RngAdapter;
use rsa::BigUint;

/// How many small primes rule candidates out before the costly tests.
const SIEVE_PRIMES: usize = 2000;

/// The first [`SIEVE_PRIMES`] odd primes.
pub(crate) fn small_odd_primes() -> Vec<u32> {
    let mut primes: Vec<u32> = Vec::with_capacity(SIEVE_PRIMES);
    let mut c = 3u32;
    while primes.len() < SIEVE_PRIMES {
        if primes.iter().take_while(|&&p| p * p <= c).all(|&p| !c.is_multiple_of(p)) {
            primes.push(c);
        }
        c += 2;
    }
    primes
}

/// `n mod p` for a big-endian number.
fn rem_small(bytes: &[u8], p: u32) -> u32 {
    bytes.iter().fold(0u64, |r, &b| (r * 256 + u64::from(b)) % u64::from(p)) as u32
}

/// A random probable prime of `bits` bits (a multiple of 8, at least 16) with the top
/// two bits set: from a random odd start, the first number that no small prime divides
/// and that passes Miller-Rabin with base 2 and eight random bases.
pub(crate) fn random_prime(rng: &mut RngAdapter<'_>, bits: usize, sieve: &[u32]) -> BigUint {
    const STEPS: u32 = 1 << 20;
    loop {
        let mut bytes = rng.bytes(bits / 8);
        bytes[0] |= 0xC0;
        if let Some(last) = bytes.last_mut() {
            *last |= 1;
        }
        let start = BigUint::from_bytes_be(&bytes);
        let rems: Vec<u32> = sieve.iter().map(|&p| rem_small(&bytes, p)).collect();
        let mut delta = 0u32;
        while delta < STEPS {
            let clear = sieve.iter().zip(&rems).all(|(&p, &r)| !(r + delta % p).is_multiple_of(p));
            if clear {
                let candidate = &start + delta;
                if miller_rabin(&candidate, &BigUint::from(2u32))
                    && (0..8).all(|_| {
                        let base = BigUint::from_bytes_be(&rng.bytes(bits / 8 - 1)) + 2u32;
                        miller_rabin(&candidate, &base)
                    })
                {
                    return candidate;
                }
            }
            delta += 2;
        }
    }
}

/// Whether [`miller_rabin`] uses [`Monty`]: not in unoptimised builds, where
/// `BigUint::modpow` (in a dependency the workspace optimises even then) is faster.
const USE_MONTY: bool = !cfg!(debug_assertions);

/// One Miller-Rabin round: whether `n` (odd, > 3) is a strong probable prime to `base`.
pub(crate) fn miller_rabin(n: &BigUint, base: &BigUint) -> bool {
    let fixed = if USE_MONTY { miller_rabin_fixed(n, base) } else { None };
    fixed.unwrap_or_else(|| miller_rabin_generic(n, base))
}

/// [`miller_rabin`] with [`Monty`], for `n` of 16 or 32 limbs only.
fn miller_rabin_fixed(n: &BigUint, base: &BigUint) -> Option<bool> {
    match n.bits().div_ceil(64) {
        16 => Monty::<16>::new(n).map(|m| m.miller_rabin(n, base)),
        32 => Monty::<32>::new(n).map(|m| m.miller_rabin(n, base)),
        _ => None,
    }
}

/// [`miller_rabin`] with `BigUint::modpow`, for any size.
fn miller_rabin_generic(n: &BigUint, base: &BigUint) -> bool {
    let one = BigUint::from(1u32);
    let n_minus_1 = n - &one;
    let s = n_minus_1.trailing_zeros().unwrap_or(0);
    let d = &n_minus_1 >> s;
    let mut x = base.modpow(&d, n);
    if x == one || x == n_minus_1 {
        return true;
    }
    let two = BigUint::from(2u32);
    for _ in 1..s {
        x = x.modpow(&two, n);
        if x == n_minus_1 {
            return true;
        }
        if x == one {
            return false;
        }
    }
    false
}

/// Bits per window of [`Monty::pow`].
const WINDOW: usize = 5;

/// Little-endian 64-bit limbs of `x`, or None if it needs more than `N`.
fn to_limbs<const N: usize>(x: &BigUint) -> Option<[u64; N]> {
    let bytes = x.to_bytes_le();
    if bytes.len() > 8 * N {
        return None;
    }
    let mut out = [0u64; N];
    for (limb, chunk) in out.iter_mut().zip(bytes.chunks(8)) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        *limb = u64::from_le_bytes(b);
    }
    Some(out)
}

/// Arithmetic modulo an odd number of `N` 64-bit limbs, on numbers in Montgomery form
/// (`x * R mod m` with `R = 2^(64 N)`), on the stack.
struct Monty<const N: usize> {
    /// The modulus.
    m: [u64; N],
    /// `-m^-1 mod 2^64`.
    inv: u64,
    /// `R^2 mod m`, which turns a number into Montgomery form.
    r2: [u64; N],
    /// `R mod m`: 1 in Montgomery form.
    one: [u64; N],
}

impl<const N: usize> Monty<N> {
    /// Arithmetic modulo `m`, or None unless `m` is odd and fits in `N` limbs.
    fn new(m: &BigUint) -> Option<Self> {
        let limbs = to_limbs::<N>(m)?;
        if limbs[0] & 1 == 0 {
            return None;
        }
        // Newton's iteration doubles the correct low bits of the inverse each step.
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(limbs[0].wrapping_mul(inv)));
        }
        let r2 = to_limbs::<N>(&((BigUint::from(1u32) << (128 * N)) % m))?;
        let mut unit = [0u64; N];
        unit[0] = 1;
        let mut monty = Self { m: limbs, inv: inv.wrapping_neg(), r2, one: [0; N] };
        monty.one = monty.mul(&unit, &r2);
        Some(monty)
    }

    /// The Montgomery product `a * b / R mod m` of `a, b < m` (CIOS).
    fn mul(&self, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let m = &self.m;
        let mut t = [0u64; N];
        let mut top = 0u64;
        let mut i = 0;
        while i < N {
            let bi = b[i];
            let mut carry = 0u64;
            let mut j = 0;
            while j < N {
                (t[j], carry) = mac(t[j], a[j], bi, carry);
                j += 1;
            }
            let (sum, top2) = mac(top, carry, 1, 0);
            top = sum;
            let u = t[0].wrapping_mul(self.inv);
            let (_, mut carry) = mac(t[0], u, m[0], 0);
            let mut j = 1;
            while j < N {
                (t[j - 1], carry) = mac(t[j], u, m[j], carry);
                j += 1;
            }
            let (sum, high) = mac(top, carry, 1, 0);
            t[N - 1] = sum;
            top = top2 + high;
            i += 1;
        }
        if top != 0 || !less(&t, m) {
            sub_assign(&mut t, m);
        }
        t
    }

    /// `a * a / R mod m` for `a < m`: [`Monty::mul`] computing each cross product once.
    fn sqr(&self, a: &[u64; N]) -> [u64; N] {
        let mut wide = [[0u64; N]; 2];
        let t = wide.as_flattened_mut();
        // The products a[i] * a[j] with i < j, doubled, plus the squares a[i]^2.
        for i in 0..N {
            let mut carry = 0u64;
            for j in i + 1..N {
                (t[i + j], carry) = mac(t[i + j], a[i], a[j], carry);
            }
            t[i + N] = carry;
        }
        let mut high_bit = 0u64;
        for limb in t.iter_mut() {
            let v = *limb;
            *limb = (v << 1) | high_bit;
            high_bit = v >> 63;
        }
        let mut carry = 0u64;
        for i in 0..N {
            let (low, high) = mac(t[2 * i], a[i], a[i], carry);
            t[2 * i] = low;
            let (sum, over) = t[2 * i + 1].overflowing_add(high);
            t[2 * i + 1] = sum;
            carry = u64::from(over);
        }
        // Montgomery reduction, one limb at a time; `over` is the carry into t[i + N + 1].
        let m = &self.m;
        let mut over = 0u64;
        for i in 0..N {
            let u = t[i].wrapping_mul(self.inv);
            let mut carry = 0u64;
            for j in 0..N {
                (t[i + j], carry) = mac(t[i + j], u, m[j], carry);
            }
            (t[i + N], over) = mac(t[i + N], carry, 1, over);
        }
        let mut r = wide[1];
        if over != 0 || !less(&r, m) {
            sub_assign(&mut r, m);
        }
        r
    }

    /// `x` (< m) in Montgomery form.
    fn to_monty(&self, x: &[u64; N]) -> [u64; N] {
        self.mul(x, &self.r2)
    }

    /// `base^exp` for `base` in Montgomery form, with a fixed window of [`WINDOW`] bits.
    fn pow(&self, base: &[u64; N], exp: &[u64; N]) -> [u64; N] {
        let mut table = [self.one; 1 << WINDOW];
        for i in 1..table.len() {
            table[i] = self.mul(&table[i - 1], base);
        }
        let mut acc = self.one;
        let mut started = false;
        let mut pos = (64 * N).div_ceil(WINDOW) * WINDOW;
        while pos > 0 {
            pos -= WINDOW;
            let w = window(exp, pos);
            if started {
                for _ in 0..WINDOW {
                    acc = self.sqr(&acc);
                }
                if w != 0 {
                    acc = self.mul(&acc, &table[w]);
                }
            } else if w != 0 {
                acc = table[w];
                started = true;
            }
        }
        acc
    }

    /// [`miller_rabin`] for `n`, the modulus of `self`.
    fn miller_rabin(&self, n: &BigUint, base: &BigUint) -> bool {
        let n_minus_1 = n - 1u32;
        let s = n_minus_1.trailing_zeros().unwrap_or(0);
        let (Some(d), Some(b)) = (to_limbs::<N>(&(&n_minus_1 >> s)), to_limbs::<N>(&(base % n))) else {
            return miller_rabin_generic(n, base);
        };
        let mut minus_one = self.m;
        sub_assign(&mut minus_one, &self.one);
        let mut x = self.pow(&self.to_monty(&b), &d);
        if x == self.one || x == minus_one {
            return true;
        }
        for _ in 1..s {
            x = self.sqr(&x);
            if x == minus_one {
                return true;
            }
            if x == self.one {
                return false;
            }
        }
        false
    }
}

/// `t + a * b + c` as (low, high) limbs; it cannot overflow.
#[inline(always)]
fn mac(t: u64, a: u64, b: u64, c: u64) -> (u64, u64) {
    let x = a as u128 * b as u128 + t as u128 + c as u128;
    (x as u64, (x >> 64) as u64)
}

/// The [`WINDOW`] bits of `exp` from bit `pos` up (bits past the end read as 0).
fn window<const N: usize>(exp: &[u64; N], pos: usize) -> usize {
    let (limb, shift) = (pos / 64, pos % 64);
    let low = exp.get(limb).map_or(0, |&l| l >> shift);
    let high = if shift + WINDOW > 64 { exp.get(limb + 1).map_or(0, |&l| l << (64 - shift)) } else { 0 };
    ((low | high) & ((1 << WINDOW) - 1)) as usize
}

/// Whether `a < b`.
fn less<const N: usize>(a: &[u64; N], b: &[u64; N]) -> bool {
    for i in (0..N).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// `a -= b`, modulo `2^(64 N)`.
fn sub_assign<const N: usize>(a: &mut [u64; N], b: &[u64; N]) {
    let mut borrow = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *x = d;
        borrow = b1 || b2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator for test inputs.
    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn random(state: &mut u64, bits: usize) -> BigUint {
        let bytes: Vec<u8> = (0..bits / 8).map(|_| next(state) as u8).collect();
        BigUint::from_bytes_be(&bytes)
    }

    fn from_limbs<const N: usize>(x: &[u64; N]) -> BigUint {
        let bytes: Vec<u8> = x.iter().flat_map(|l| l.to_le_bytes()).collect();
        BigUint::from_bytes_le(&bytes)
    }

    /// Checks `Monty::<N>::pow` (and `sqr` against `mul`) against `BigUint::modpow`
    /// on random odd moduli of `bits` and of `bits - 56` bits.
    fn pow_matches<const N: usize>(bits: usize, seed: u64) {
        let mut st = seed;
        for round in 0..4 {
            let size = if round % 2 == 0 { bits } else { bits - 56 };
            let mut m = random(&mut st, size) | (BigUint::from(1u32) << (size - 1));
            m |= BigUint::from(1u32);
            let monty = Monty::<N>::new(&m).unwrap();
            let mut unit = [0u64; N];
            unit[0] = 1;
            let mut cases = vec![
                (BigUint::from(0u32), random(&mut st, bits)),
                (BigUint::from(1u32), random(&mut st, bits)),
                (&m - 1u32, BigUint::from(0u32)),
                (&m - 1u32, BigUint::from(1u32)),
                (BigUint::from(2u32), &m - 1u32),
            ];
            for _ in 0..3 {
                cases.push((random(&mut st, size) % &m, random(&mut st, size) % &m));
                cases.push((random(&mut st, size) % &m, BigUint::from(next(&mut st))));
            }
            for (b, e) in cases {
                let x = monty.pow(&monty.to_monty(&to_limbs(&b).unwrap()), &to_limbs(&e).unwrap());
                assert_eq!(monty.sqr(&x), monty.mul(&x, &x));
                assert_eq!(from_limbs(&monty.mul(&x, &unit)), b.modpow(&e, &m), "{b} ^ {e} mod {m}");
            }
        }
    }

    #[test]
    fn fixed_pow_equals_modpow() {
        pow_matches::<16>(1024, 1);
        pow_matches::<32>(2048, 2);
    }

    #[test]
    fn fixed_size_needs_an_odd_modulus_that_fits() {
        assert!(Monty::<16>::new(&(BigUint::from(1u32) << 1000)).is_none());
        assert!(Monty::<16>::new(&((BigUint::from(1u32) << 1024) + 1u32)).is_none());
        assert!(Monty::<16>::new(&((BigUint::from(1u32) << 1023) + 1u32)).is_some());
    }

    #[test]
    fn miller_rabin_tells_primes_from_composites() {
        let two = BigUint::from(2u32);
        let prime = BigUint::from(1_000_000_007u64);
        assert!(miller_rabin(&prime, &two));
        assert!(!miller_rabin(&(prime * 3u32), &two));
        // 3215031751 is a strong pseudoprime to bases 2, 3, 5 and 7, but not to 11.
        let spsp = BigUint::from(3_215_031_751u64);
        assert!(miller_rabin(&spsp, &two));
        assert!(!miller_rabin(&spsp, &BigUint::from(11u32)));
        assert_eq!(rem_small(&[1, 0], 7), 256 % 7);
    }

    /// `2^e - c`.
    fn pow2_minus(e: usize, c: u32) -> BigUint {
        (BigUint::from(1u32) << e) - c
    }

    /// Checks both Miller-Rabin implementations against the expected answer.
    fn check(n: &BigUint, base: u32, expected: bool) {
        let base = BigUint::from(base);
        assert_eq!(miller_rabin_generic(n, &base), expected, "{n} to base {base}");
        assert_eq!(miller_rabin_fixed(n, &base), Some(expected), "{n} to base {base}");
        assert_eq!(miller_rabin(n, &base), expected, "{n} to base {base}");
    }

    #[test]
    fn miller_rabin_on_1024_and_2048_bit_numbers() {
        // 2^1024 - 105 and 2^2048 - 1557 are primes; the next 9 odd numbers below
        // each are composite and fail base 2 (checked with Python's pow).
        for (e, c) in [(1024, 105u32), (2048, 1557)] {
            let p = pow2_minus(e, c);
            for base in [2u32, 3, 65537, 0xffff_fff1] {
                check(&p, base, true);
            }
            assert_eq!(miller_rabin_fixed(&p, &(&p - 2u32)), Some(true));
            for c in (c + 2..c + 20).step_by(2) {
                check(&pow2_minus(e, c), 2, false);
            }
        }
        // 2^1021 - 1 and 2^2039 - 1 are composite Mersenne numbers with a prime
        // exponent, so strong pseudoprimes to base 2, but not to base 3.
        for e in [1021, 2039] {
            let n = pow2_minus(e, 1);
            check(&n, 2, true);
            check(&n, 3, false);
        }
        let p512 = pow2_minus(512, 569);
        let p1024 = pow2_minus(1024, 105);
        for n in [&p512 * &p512, &p1024 * &p1024] {
            check(&n, 2, false);
            check(&n, 12345, false);
        }
        // Other sizes use modpow only.
        assert_eq!(miller_rabin_fixed(&p512, &BigUint::from(2u32)), None);
        assert!(miller_rabin(&p512, &BigUint::from(2u32)));
    }
}
