//! The table access every read is written over.
//!
//! [`Read`](crate::store::Read)'s methods are default methods over this trait, and the
//! consistency check runs over it too, so one implementation serves both a read
//! transaction (the committed snapshot's tables) and a write transaction (its own tables,
//! uncommitted changes included). The trait is public but unnameable outside the store,
//! which seals `Read`: no other type can implement it.

use super::tables::Counters;
use crate::store::error::Result;
use redb::{Key, ReadableTable, TableDefinition, Value};

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
    /// The counters as this transaction sees them.
    fn counters(&self) -> Result<Counters>;
}
