//! Entry points for the fuzz targets in `fuzz/` (not part of the supported API; compiled
//! only with the `fuzzing` feature, which `fuzz/Cargo.toml` enables, and in the crate's
//! own unit tests, which replay the targets' regression inputs).
//!
//! The record codec and the key decoders are crate-private, but they are exactly what a
//! damaged or hostile file feeds with arbitrary bytes, so the fuzz targets need to reach
//! them directly. This module exposes them as thin wrappers that never panic: a decoding
//! failure is an ordinary outcome, and only a broken *property* (a record that decodes,
//! re-encodes and then decodes to something else; a field-by-field reader of the
//! snapshot's load that reads other than the general decoder) is reported, as an `Err`,
//! for the fuzz target to turn into a crash.

use super::internal::codec::{decode, encode_into, Record};
use super::internal::keys::{self, RawKey};
use super::internal::plain;
use super::internal::records::{decode_node, decode_view};
use super::log::{CommitRecord, LogRecord, Stored};
use crate::model::{Account, EdgeAttrs, Employee, Interaction, NodeKind, NodeRef, Person, Project};
use serde::Serialize;

/// Decodes `bytes` as every kind of stored record (the four node records, edge attributes,
/// an interaction, a change-log record, a commit record) and, if at least 17 bytes long, its first 17 bytes as an out-table
/// and an in-table key. Every value that decodes is re-encoded and decoded again, and must
/// come back equal; and each node record decoded in place (the borrowed view the store's
/// scan lends) must agree with the owned decoding: both fail, or both give the same node.
///
/// Returns how many of the interpretations decoded, or a description of the first value
/// that did not survive the round trip.
pub fn decode_any(bytes: &[u8]) -> Result<usize, String> {
    let mut n = 0;
    n += round_trip::<Account>(bytes)?;
    n += round_trip::<Person>(bytes)?;
    n += round_trip::<Employee>(bytes)?;
    n += round_trip::<Project>(bytes)?;
    n += round_trip::<EdgeAttrs>(bytes)?;
    n += round_trip::<Interaction>(bytes)?;
    n += round_trip::<LogRecord<Stored>>(bytes)?;
    n += round_trip::<CommitRecord>(bytes)?;
    // The field-by-field readers of the snapshot's load read what the general decoder
    // reads, and fail where it fails.
    let what = String::new;
    same(
        "edge attributes",
        plain::edge_attrs(bytes, &what),
        decode::<EdgeAttrs>(bytes, &what),
    )?;
    same(
        "interaction",
        plain::interaction(bytes, &what),
        decode::<Interaction>(bytes, &what),
    )?;
    for kind in NodeKind::ALL {
        let at = NodeRef::new(kind, 0);
        match (decode_node(at, bytes), decode_view(at, bytes)) {
            (Ok(node), Ok(view)) if view.to_node() == node => {}
            (Err(_), Err(_)) => {}
            (owned, in_place) => {
                return Err(format!(
                    "{kind} record decodes as {owned:?} but in place as {in_place:?}"
                ))
            }
        }
    }
    if let Some(raw) = bytes.get(..keys::KEY_LEN) {
        let mut k: RawKey = [0; keys::KEY_LEN];
        k.copy_from_slice(raw);
        if let Some(key) = keys::decode_out(&k) {
            if keys::out_key(&key) != k {
                return Err(format!(
                    "out key {k:02x?} decodes to {key} but encodes differently"
                ));
            }
            n += 1;
        }
        if let Some(key) = keys::decode_in(&k) {
            if keys::in_key(&key) != k {
                return Err(format!(
                    "in key {k:02x?} decodes to {key} but encodes differently"
                ));
            }
            n += 1;
        }
    }
    Ok(n)
}

fn same<T: PartialEq + std::fmt::Debug>(
    what: &str,
    plain: crate::store::error::Result<T>,
    general: crate::store::error::Result<T>,
) -> Result<(), String> {
    match (plain, general) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(_), Err(_)) => Ok(()),
        (a, b) => Err(format!(
            "{what}: the plain reader gives {a:?}, the general decoder {b:?}"
        )),
    }
}

fn round_trip<T: Serialize + for<'de> Record<'de> + PartialEq + std::fmt::Debug>(
    bytes: &[u8],
) -> Result<usize, String> {
    let what = || std::any::type_name::<T>().to_owned();
    let Ok(value) = decode::<T>(bytes, &what) else {
        return Ok(0);
    };
    let mut buf = Vec::new();
    encode_into(&value, &mut buf, &what)
        .map_err(|e| format!("{value:?} does not re-encode: {e}"))?;
    match decode::<T>(&buf, &what) {
        Ok(again) if again == value => Ok(1),
        Ok(again) => Err(format!("{value:?} re-decodes as {again:?}")),
        Err(e) => Err(format!(
            "{value:?} re-encodes to bytes that do not decode: {e}"
        )),
    }
}

#[cfg(test)]
mod tests {
    /// Replays the `decode_record` target's regression inputs (every input a fuzz run
    /// kept, under `tests/data/fuzz/decode_record/`) here, where the crate-private
    /// decoders are in reach without the `fuzzing` feature.
    #[test]
    fn decode_record_regressions_round_trip() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/decode_record");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("the regression inputs are there") {
            let path = entry.expect("folder entry").path();
            let data = std::fs::read(&path).expect("readable input");
            if let Err(e) = super::decode_any(&data) {
                panic!("{}: {e}", path.display());
            }
            n += 1;
        }
        assert!(n > 0, "no regression input in {}", dir.display());
        assert_eq!(super::decode_any(&[]), Ok(0));
    }
}
