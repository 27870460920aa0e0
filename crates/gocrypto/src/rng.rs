//! The caller's random source and its adapter to `rand_core`.

/// A source of uniformly random 64-bit numbers, supplied by the caller (seeded when
/// `--seed` is given, so that every random choice in this crate is reproducible).
pub trait Random {
    /// The next uniformly random 64-bit number.
    fn next_u64(&mut self) -> u64;
}

impl Random for rand_chacha::ChaCha20Rng {
    fn next_u64(&mut self) -> u64 {
        rand_core::RngCore::next_u64(self)
    }
}

impl<R: Random + ?Sized> Random for &mut R {
    fn next_u64(&mut self) -> u64 {
        (**self).next_u64()
    }
}

/// Adapts a [`Random`] to `rand_core`'s `RngCore + CryptoRng` for the key-generation
/// crates. Bytes are taken from successive numbers in little-endian order.
pub(crate) struct RngAdapter<'a>(pub &'a mut dyn Random);

impl RngAdapter<'_> {
    /// `n` random bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0; n];
        rand_core::RngCore::fill_bytes(self, &mut v);
        v
    }
}

impl rand_core::RngCore for RngAdapter<'_> {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u64() as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let v = self.0.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for RngAdapter<'_> {}
