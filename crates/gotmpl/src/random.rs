//! The one random source of a render: the operating system's CSPRNG (as Go's
//! `crypto/rand`), or, with `--seed`, a deterministic generator.

/// Bytes read from the operating system at a time.
const OS_BUFFER: usize = 256;

/// Where random numbers come from.
pub(crate) enum Source {
    /// `--seed`: splitmix64 from the seed, reproducible across runs.
    Seeded(u64),
    /// The operating system's CSPRNG, read in blocks.
    Os { buf: Box<[u8; OS_BUFFER]>, pos: usize, failed: Option<String> },
}

impl Source {
    /// A source drawing from the operating system.
    pub fn os() -> Source {
        Source::Os { buf: Box::new([0; OS_BUFFER]), pos: OS_BUFFER, failed: None }
    }

    /// Whether the source is deterministic (`--seed`).
    pub fn is_seeded(&self) -> bool {
        matches!(self, Source::Seeded(_))
    }

    /// Why the operating system's source could not be read, if it could not.
    pub fn failure(&self) -> Option<&str> {
        match self {
            Source::Os { failed, .. } => failed.as_deref(),
            Source::Seeded(_) => None,
        }
    }

    /// The next uniformly random 64-bit number. When the operating system's source
    /// fails, this returns 0 and records the failure (see [`Source::failure`]).
    pub fn next_u64(&mut self) -> u64 {
        match self {
            Source::Seeded(state) => {
                *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = *state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^ (z >> 31)
            }
            Source::Os { buf, pos, failed } => {
                if failed.is_some() {
                    return 0;
                }
                if *pos + 8 > OS_BUFFER {
                    if let Err(e) = getrandom::getrandom(&mut buf[..]) {
                        *failed = Some(e.to_string());
                        return 0;
                    }
                    *pos = 0;
                }
                let mut word = [0u8; 8];
                word.copy_from_slice(&buf[*pos..*pos + 8]);
                // Never hand out the same bytes twice.
                buf[*pos..*pos + 8].fill(0);
                *pos += 8;
                u64::from_le_bytes(word)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sources_repeat_and_os_sources_do_not() {
        let (mut a, mut b) = (Source::Seeded(7), Source::Seeded(7));
        let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        let (mut c, mut d) = (Source::os(), Source::os());
        let xs: Vec<u64> = (0..64).map(|_| c.next_u64()).collect();
        let ys: Vec<u64> = (0..64).map(|_| d.next_u64()).collect();
        assert_ne!(xs, ys);
        assert!(c.failure().is_none());
    }
}
