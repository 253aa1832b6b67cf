//! Shared by the benchmarks: the deterministic pseudo-random sequence their workloads are
//! drawn from.
#![allow(dead_code)]

use guanxi::model::Score;

/// A deterministic pseudo-random sequence (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> u32 {
        (self.next() % n as u64) as u32
    }

    /// A score in [0, 1], in thousandths.
    pub fn score(&mut self) -> Score {
        Score::new((self.next() % 1001) as f64 / 1000.0).unwrap()
    }
}
