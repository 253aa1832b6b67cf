//! [`Database`]: opening, creating and compacting a guanxi database file.
//!
//! A guanxi database is one storage-engine file holding the tables described in the
//! [store module docs](super). Opening checks, before anything else, that the file is one:
//! a file that is not a database at all, or a database without guanxi's meta table and
//! magic value, is refused with [`StoreError::NotAGuanxiDatabase`] and left untouched; a
//! file written by a newer format version is refused with [`StoreError::NewerFormat`].

use super::check::CheckReport;
use super::error::{Result, StoreError};
use super::internal::tables::{self, Counters, FORMAT_VERSION, MAGIC};
use super::read::{Read as _, ReadTxn};
use super::transaction::{ImportSummary, WriteTxn};
use crate::model::Network;
use redb::{ReadableDatabase as _, TableHandle as _};
use std::path::Path;

/// A guanxi database: a file (or, for tests, memory) holding one relationship network.
pub struct Database {
    db: redb::Database,
    label: String,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.label)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Opens the database at `path`, creating it (with an empty network) if the file does
    /// not exist or is empty.
    pub fn create(path: impl AsRef<Path>) -> Result<Database> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let db = redb::Database::create(path).map_err(|e| open_error(&label, e))?;
        Database::init(db, label, true)
    }

    /// Opens an existing database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        let path = path.as_ref();
        let label = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::Missing { path: label });
        }
        let db = redb::Database::open(path).map_err(|e| open_error(&label, e))?;
        Database::init(db, label, false)
    }

    /// A new, empty database held in memory (gone when dropped). For tests and scratch work.
    pub fn in_memory() -> Result<Database> {
        let label = "<memory>".to_owned();
        let db = redb::Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(|e| open_error(&label, e))?;
        Database::init(db, label, true)
    }

    /// Verifies the meta table, or writes it into a database with no tables at all.
    fn init(db: redb::Database, label: String, may_initialise: bool) -> Result<Database> {
        let not_ours = |reason: &str| StoreError::NotAGuanxiDatabase {
            path: label.clone(),
            reason: reason.to_owned(),
        };
        let (has_meta, has_tables) = {
            let r = db.begin_read()?;
            let names: Vec<String> = r.list_tables()?.map(|t| t.name().to_owned()).collect();
            (
                names.iter().any(|n| n == tables::META.name()),
                !names.is_empty(),
            )
        };
        if !has_meta {
            if has_tables {
                return Err(not_ours("it is a database of another application"));
            }
            if !may_initialise {
                return Err(not_ours(
                    "it is an empty storage file without guanxi's tables",
                ));
            }
            Database::write_fresh(&db)?;
        }
        {
            let r = db.begin_read()?;
            let meta = r
                .open_table(tables::META)
                .map_err(|_| not_ours("its meta table has another layout"))?;
            let magic = meta.get("magic")?.map(|g| g.value());
            if magic != Some(MAGIC) {
                return Err(not_ours("its meta table has no guanxi magic value"));
            }
            let format = meta
                .get("format")?
                .map(|g| g.value())
                .ok_or_else(|| not_ours("its meta table has no format version"))?;
            if format > FORMAT_VERSION {
                return Err(StoreError::NewerFormat {
                    found: format,
                    supported: FORMAT_VERSION,
                });
            }
        }
        Ok(Database { db, label })
    }

    /// Creates every table and writes the meta values of a fresh database.
    fn write_fresh(db: &redb::Database) -> Result<()> {
        let txn = db.begin_write()?;
        {
            let mut meta = txn.open_table(tables::META)?;
            let mut counts = txn.open_table(tables::COUNTS)?;
            meta.insert("magic", MAGIC)?;
            meta.insert("format", FORMAT_VERSION)?;
            Counters::default().store(&mut meta, &mut counts)?;
            for def in tables::NODES {
                txn.open_table(def)?;
            }
            for def in tables::XIDS {
                txn.open_table(def)?;
            }
            txn.open_table(tables::OUT)?;
            txn.open_table(tables::IN)?;
            txn.open_table(tables::LOG)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Where the database lives (`<memory>` for an in-memory one).
    pub fn path(&self) -> &str {
        &self.label
    }

    /// Begins a write transaction, waiting for a running one to finish. `time` is the
    /// caller's timestamp for the change log (e.g. unix milliseconds); the store never
    /// reads the clock.
    pub fn begin_write(&self, time: i64) -> Result<WriteTxn> {
        WriteTxn::new(self.db.begin_write()?, time)
    }

    /// Runs `f` in a write transaction: commits if it returns `Ok`, rolls back if it
    /// returns `Err` (and returns that error).
    pub fn write<T>(&self, time: i64, f: impl FnOnce(&mut WriteTxn) -> Result<T>) -> Result<T> {
        let mut txn = self.begin_write(time)?;
        match f(&mut txn) {
            Ok(v) => {
                txn.commit()?;
                Ok(v)
            }
            Err(e) => {
                let _ = txn.abort();
                Err(e)
            }
        }
    }

    /// Begins a read transaction on the latest committed state.
    pub fn begin_read(&self) -> Result<ReadTxn> {
        Ok(ReadTxn::new(self.db.begin_read()?))
    }

    /// Imports a network in one write transaction (see [`WriteTxn::import_network`]).
    pub fn import_network(&self, net: &Network, time: i64) -> Result<ImportSummary> {
        self.write(time, |t| t.import_network(net))
    }

    /// Checks every invariant of the committed state.
    pub fn check(&self) -> Result<CheckReport> {
        self.begin_read()?.check()
    }

    /// Compacts the file, returning freed space to the file system; `true` if anything
    /// moved. No transaction may be open.
    pub fn compact(&mut self) -> Result<bool> {
        let mut any = false;
        while self.db.compact()? {
            any = true;
        }
        Ok(any)
    }
}

fn open_error(label: &str, e: redb::DatabaseError) -> StoreError {
    if let redb::DatabaseError::Storage(redb::StorageError::Io(io)) = &e {
        if io.kind() == std::io::ErrorKind::InvalidData {
            return StoreError::NotAGuanxiDatabase {
                path: label.to_owned(),
                reason: "it is not a database file".to_owned(),
            };
        }
        if io.kind() == std::io::ErrorKind::NotFound {
            return StoreError::Missing {
                path: label.to_owned(),
            };
        }
    }
    StoreError::Open {
        path: label.to_owned(),
        source: e,
    }
}
