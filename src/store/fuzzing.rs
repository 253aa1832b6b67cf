//! Entry points for the fuzz targets in `fuzz/` (not part of the supported API).
//!
//! The record codec and the key decoders are crate-private, but they are exactly what a
//! damaged or hostile file feeds with arbitrary bytes, so the fuzz targets need to reach
//! them directly. This module exposes them as thin wrappers that never panic: a decoding
//! failure is an ordinary outcome, and only a broken *property* (a record that decodes,
//! re-encodes and then decodes to something else) is reported, as an `Err`, for the fuzz
//! target to turn into a crash.

use super::internal::codec::{decode, encode_into, Record};
use super::internal::keys::{self, RawKey};
use super::log::{Change, LogRecord};
use super::read::{decode_node, decode_view};
use crate::model::{Account, EdgeAttrs, Employee, NodeKind, NodeRef, Person, Project};
use serde::Serialize;

/// Decodes `bytes` as every kind of stored record (the four node records, edge attributes,
/// a change-log record) and, if at least 17 bytes long, its first 17 bytes as an out-table
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
    n += round_trip::<LogRecord<Change>>(bytes)?;
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

/// A storage backend holding a database image in memory, shareable (clones see the same
/// bytes) and optionally capped in size.
///
/// The fuzz targets load corrupted database images through it, and the tests use its cap
/// to simulate a full disk: growing the image past the cap fails with
/// [`std::io::ErrorKind::StorageFull`], as a write to a full file system does.
#[derive(Debug, Clone, Default)]
pub struct ImageBackend {
    data: std::sync::Arc<std::sync::RwLock<Vec<u8>>>,
    limit: Option<u64>,
}

impl ImageBackend {
    /// A backend holding `bytes`, with no size cap.
    pub fn new(bytes: Vec<u8>) -> ImageBackend {
        ImageBackend {
            data: std::sync::Arc::new(std::sync::RwLock::new(bytes)),
            limit: None,
        }
    }

    /// A backend holding `bytes` that refuses to grow beyond `limit` bytes.
    pub fn with_limit(bytes: Vec<u8>, limit: u64) -> ImageBackend {
        ImageBackend {
            limit: Some(limit),
            ..ImageBackend::new(bytes)
        }
    }

    /// A copy of the current image.
    pub fn bytes(&self) -> Vec<u8> {
        self.data
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn out_of_range() -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "access beyond the end of the image",
        )
    }
}

impl redb::StorageBackend for ImageBackend {
    fn len(&self) -> std::io::Result<u64> {
        Ok(self
            .data
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        let data = self
            .data
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = usize::try_from(offset).map_err(|_| Self::out_of_range())?;
        let end = start
            .checked_add(out.len())
            .ok_or_else(Self::out_of_range)?;
        let src = data.get(start..end).ok_or_else(Self::out_of_range)?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn set_len(&self, len: u64) -> std::io::Result<()> {
        if self.limit.is_some_and(|limit| len > limit) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left on the simulated device",
            ));
        }
        let len = usize::try_from(len).map_err(|_| Self::out_of_range())?;
        self.data
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .resize(len, 0);
        Ok(())
    }

    fn sync_data(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        let mut image = self
            .data
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = usize::try_from(offset).map_err(|_| Self::out_of_range())?;
        let end = start
            .checked_add(data.len())
            .ok_or_else(Self::out_of_range)?;
        let dst = image.get_mut(start..end).ok_or_else(Self::out_of_range)?;
        dst.copy_from_slice(data);
        Ok(())
    }
}
