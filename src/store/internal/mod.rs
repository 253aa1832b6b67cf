//! Machinery of the store: table definitions, key encoding, the record codec and
//! decoders, and the table access that reads and the consistency check share.
//!
//! Nothing here is public API; `mod.rs` of the store documents the layout these files
//! implement.

pub(crate) mod codec;
pub(crate) mod contain;
pub(crate) mod keys;
pub(crate) mod plain;
pub(crate) mod records;
pub(crate) mod source;
pub(crate) mod tables;
pub(crate) mod v1;
pub(crate) mod v2;
