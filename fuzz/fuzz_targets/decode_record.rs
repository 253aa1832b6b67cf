//! Fuzz target: see `fuzz/src/decode_record.rs` for what it checks.
#![no_main]

#[path = "../src/decode_record.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
