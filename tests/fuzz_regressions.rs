//! Replays the fuzz targets' regression inputs (every crash a fuzz run found, plus seeds)
//! under `cargo test`, so a fixed bug stays fixed without a fuzzing toolchain.
//!
//! The targets' bodies live in `fuzz/src/` and are compiled here as plain modules; the
//! inputs are the files under `tests/data/fuzz/<target>/`. The `decode_record` target
//! reaches crate-private decoders through the `fuzzing` feature, so its inputs are
//! replayed by a unit test of `store::fuzzing` instead.

#[path = "../fuzz/src/csv_import.rs"]
mod csv_import;
#[path = "common/image.rs"]
mod image;
#[path = "../fuzz/src/open_corrupt.rs"]
mod open_corrupt;
#[path = "../fuzz/src/ops_model.rs"]
mod ops_model;

use std::path::Path;

/// Runs `run` on every file of `tests/data/fuzz/<target>/`; returns how many there were.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    // A target with no regression input yet has no folder (git keeps no empty folders).
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries
        .map(|e| e.expect("folder entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for f in &files {
        let data = std::fs::read(f).expect("readable input");
        run(&data);
    }
    files.len()
}

#[test]
fn open_corrupt_regressions_do_not_panic() {
    replay("open_corrupt", open_corrupt::run);
    // The untouched image, and a one-byte file.
    open_corrupt::run(&[0]);
    open_corrupt::run(&[0xff, 0]);
}

#[test]
fn csv_import_regressions_do_not_panic() {
    replay("csv_import", csv_import::run);
    csv_import::run(b"id,name,kind\na1,Acme,client\0id,name,account_id,title\np1,Li,a1,\n");
}

#[test]
fn ops_model_regressions_match_the_model() {
    replay("ops_model", ops_model::run);
    ops_model::run(&[0, 1, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 7, 1, 0, 0]);
}
