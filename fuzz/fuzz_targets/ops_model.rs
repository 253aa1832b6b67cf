//! Fuzz target: see `fuzz/src/ops_model.rs` for what it checks.
#![no_main]

#[path = "../src/ops_model.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
