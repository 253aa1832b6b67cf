//! Shared by the benchmarks: the pseudo-random draws their workloads are made of.
#![allow(dead_code)]

use guanxi::model::Score;

/// Draws from the library's `SplitMix64` stream, reduced modulo as the workloads behind
/// the recorded measurements were drawn (so the same seed gives the same workload).
pub struct Rng(guanxi::synth::Rng);

impl Rng {
    /// The stream seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(guanxi::synth::Rng::new(seed))
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> u32 {
        (self.0.next_u64() % n as u64) as u32
    }

    /// A score in [0, 1], in thousandths.
    pub fn score(&mut self) -> Score {
        Score::new((self.0.next_u64() % 1001) as f64 / 1000.0).unwrap()
    }
}
