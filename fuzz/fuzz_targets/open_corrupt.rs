//! Fuzz target: see `fuzz/src/open_corrupt.rs` for what it checks.
#![no_main]

#[path = "../src/open_corrupt.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
