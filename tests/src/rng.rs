//! Seeded randomness for tests that walk at random: print the seed, replay the walk.

/// A small deterministic generator (xorshift64*), so a failing walk can be replayed.
pub struct Rng(u64);

impl Rng {
    /// Any seed; xorshift's one fixed point, 0, is moved off.
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}
