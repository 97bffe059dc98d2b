//! Hashes in one place. SHA-256: the input's fingerprint, the master files', receipts' and the diff's
//! hashed historyKeys all go through [`Sha256Hasher`] and [`hex`].
//! [`Fingerprint`]: the 128-bit row fingerprints of `pmhcsv diff`'s state file.

use sha2::{Digest, Sha256};

/// Incremental SHA-256 for callers that hash what they read or write in chunks.
#[derive(Debug, Clone, Default)]
pub struct Sha256Hasher(Sha256);

impl Sha256Hasher {
    /// A fresh hasher.
    #[must_use]
    pub fn new() -> Self {
        Self(Sha256::new())
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest, lower-case hex.
    #[must_use]
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// SHA-256 of `bytes`, lower-case hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut h = Sha256Hasher::new();
    h.update(bytes);
    h.finish()
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A stable 128-bit fingerprint: two 64-bit multiply-rotate lanes over 8-byte little-endian
/// words, each input length-separated, finished with the SplitMix64 finaliser. Defined here
/// (not `std`'s hasher) because `pmhcsv diff`'s state file stores it across versions (the
/// values are pinned by a test).
#[derive(Clone)]
pub(crate) struct Fingerprint {
    a: u64,
    b: u64,
}

impl Fingerprint {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;

    pub(crate) fn new(domain: u64) -> Self {
        Self {
            a: domain ^ 0x243F_6A88_85A3_08D3,
            b: domain.rotate_left(32) ^ 0x1319_8A2E_0370_7344,
        }
    }

    fn word(&mut self, w: u64) {
        self.a = (self.a ^ w).wrapping_mul(Self::K1).rotate_left(31);
        self.b = (self.b.rotate_left(17) ^ w).wrapping_mul(Self::K2);
    }

    pub(crate) fn add(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        self.word(u64::from_le_bytes(w));
        self.word(bytes.len() as u64 ^ 0xFF00_0000_0000_0000);
    }

    pub(crate) fn finish128(&self) -> u128 {
        let hi = splitmix64_mix(self.a ^ self.b.rotate_left(7));
        let lo = splitmix64_mix(self.b ^ hi);
        (u128::from(hi) << 64) | u128::from(lo)
    }

    pub(crate) fn finish64(&self) -> u64 {
        splitmix64_mix(self.a ^ splitmix64_mix(self.b))
    }
}

/// The SplitMix64 finaliser: the avalanche step of [`Fingerprint`] and of the test-data and
/// redaction generator (`tools::rng`).
pub(crate) const fn splitmix64_mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut h = Sha256Hasher::new();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish(), sha256_hex(b"abc"));
    }
}
