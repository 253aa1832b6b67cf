//! Record decoding from arbitrary bytes: every stored record type and both adjacency key
//! layouts must decode or fail cleanly — never panic, never allocate beyond the input — and
//! whatever decodes must survive a re-encode unchanged.

/// Runs one input; panics if a property breaks.
pub fn run(data: &[u8]) {
    if let Err(e) = guanxi::store::fuzzing::decode_any(data) {
        panic!("round trip broken: {e}");
    }
}
