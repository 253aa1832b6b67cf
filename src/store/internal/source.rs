//! The table access every read is written over.
//!
//! [`Read`](crate::store::Read)'s methods are default methods over this trait, and the
//! consistency check runs over it too, so one implementation serves both a read
//! transaction (the committed snapshot's tables) and a write transaction (its own tables,
//! uncommitted changes included). The trait is public but unnameable outside the store,
//! which seals `Read`: no other type can implement it.

use super::tables::{self, Counters, OUT};
use crate::model::NodeKind;
use crate::store::error::{Result, StoreError};
use redb::{Key, ReadableTable, ReadableTableMetadata as _, TableDefinition, Value};

/// Table access for the [`Read`](crate::store::Read) methods (sealed: not implementable
/// outside the store).
pub trait Source {
    /// The table type this source opens.
    type Table<'a, K: Key + 'static, V: Value + 'static>: ReadableTable<K, V>
    where
        Self: 'a;
    /// Opens a table.
    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<Self::Table<'_, K, V>>;
    /// Opens a table that a file may not have (one added by a later format, such as the
    /// interaction tables): `None` if it does not exist, which reads as empty.
    fn open_optional<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<Option<Self::Table<'_, K, V>>>;
    /// The counters as stored (what the consistency check compares with the records).
    fn counters(&self) -> Result<Counters>;
    /// The counters, verified against the lengths the tables themselves keep (see
    /// [`verify_counters`]): what the count queries answer and capacity hints come from.
    fn verified_counters(&self) -> Result<Counters> {
        verify_counters(self)
    }
    /// Told that a read met a damaged structure (see `contain`): a write transaction
    /// poisons itself, so that nothing of a batch that met damage is committed.
    fn damaged(&self) {}
    /// The commit a write transaction will be when it commits — its number and its first
    /// sequence number — for the log entries it has written; `None` for a read
    /// transaction.
    fn open_commit(&self) -> Option<(u64, u64)> {
        None
    }
}

/// The stored counters, refused as [`StoreError::Corrupt`] unless they agree with the
/// number of entries each table's own header records: per node kind, the count and the
/// node table's length; for the edges, the sum of the per-kind counts and the length of
/// the out table.
///
/// A count of a damaged file is never trusted blindly: it would be a silent wrong answer,
/// and a caller that sizes an allocation by it could ask for petabytes (the process then
/// aborts, which no error handling can catch). Reading a table's length costs one lookup,
/// not a scan.
pub(crate) fn verify_counters<S: Source + ?Sized>(src: &S) -> Result<Counters> {
    let c = src.counters()?;
    let mismatch = |what: String, stored: u64, actual: u64| StoreError::Corrupt {
        what: "the counts table".to_owned(),
        reason: format!("it counts {stored} {what}, but the table holds {actual}"),
    };
    for kind in NodeKind::ALL {
        let len = src.open(tables::nodes(kind))?.len()?;
        if len != c.node_count(kind) {
            return Err(mismatch(format!("{kind}s"), c.node_count(kind), len));
        }
    }
    let edges = c.edges.iter().fold(0u64, |a, b| a.saturating_add(*b));
    let len = src.open(OUT)?.len()?;
    if len != edges {
        return Err(mismatch("edges".to_owned(), edges, len));
    }
    let len = match src.open_optional(tables::INTERACTIONS)? {
        Some(t) => t.len()?,
        None => 0,
    };
    if len != c.interactions {
        return Err(mismatch("interactions".to_owned(), c.interactions, len));
    }
    Ok(c)
}
