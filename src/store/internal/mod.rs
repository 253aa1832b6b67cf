//! Machinery of the store: table definitions, key encoding and the record codec.
//!
//! Nothing here is public API; `mod.rs` of the store documents the layout these files
//! implement.

pub(crate) mod codec;
pub(crate) mod keys;
pub(crate) mod tables;
pub(crate) mod v1;
