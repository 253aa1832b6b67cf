//! Fuzz target: see `fuzz/src/open_corrupt.rs` for what it checks.
//!
//! guanxi contains panics of the storage engine on damaged files (`catch_unwind` in
//! `Database::open`, `verify`, `check` and drop), but the fuzzing runtime's panic hook
//! aborts on *every* panic, contained or not. So this target replaces that hook with a
//! silent one: a panic guanxi contains is then invisible, and one it does not contain
//! still reaches the runtime's own `catch_unwind` around the target, which aborts and
//! records the input as a crash.
#![no_main]

#[path = "../../tests/common/image.rs"]
mod image;
#[path = "../src/open_corrupt.rs"]
mod target;

static QUIET: std::sync::Once = std::sync::Once::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    target::run(data);
});
