//! Fuzz target: see `fuzz/src/csv_import.rs` for what it checks.
#![no_main]

#[path = "../src/csv_import.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
