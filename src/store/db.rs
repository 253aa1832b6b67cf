//! [`Database`]: opening, creating and compacting a guanxi database file.
//!
//! A guanxi database is one storage-engine file holding the tables described in the
//! [store module docs](super). Opening checks, before anything else, that the file is one:
//! a file that is not a database at all, or a database without guanxi's meta table and
//! magic value, is refused with [`StoreError::NotAGuanxiDatabase`] and left untouched; a
//! file written by a newer format version is refused with [`StoreError::NewerFormat`].

use super::check::CheckReport;
use super::error::{Result, StoreError};
use super::import::ImportSummary;
use super::internal::tables::{self, Counters, FORMAT_VERSION, MAGIC};
use super::read::{Read as _, ReadTxn};
use super::transaction::WriteTxn;
use crate::model::Network;
use redb::{ReadableDatabase as _, TableHandle as _};
use std::path::Path;

/// A guanxi database: a file (or, for tests, memory) holding one relationship network.
pub struct Database {
    /// The engine's handle; `None` only once it has been given up (see [`Drop`] below and
    /// [`Database::rewrite`]).
    db: Option<redb::Database>,
    label: String,
    /// The file, for a file database (rewrites replace it); `None` in memory or on a
    /// custom backend.
    pub(crate) file: Option<std::path::PathBuf>,
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
        let file = Some(path.to_path_buf());
        let existing = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        if existing {
            precheck(|| redb::ReadOnlyDatabase::open(path), &label, true)?;
        }
        let tables = if existing {
            Tables::CreateInExisting
        } else {
            Tables::CreateInFresh
        };
        guarded(&label, || {
            let db = redb::Database::create(path).map_err(|e| open_error(&label, e))?;
            Database::init(db, label.clone(), tables, file)
        })
    }

    /// Opens an existing database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        Database::open_existing(path.as_ref(), false)
    }

    /// Opens an existing database at `path`, verifying the checksum of every page before
    /// the storage engine trusts any of the file's structures (as [`Database::verify`]
    /// does on an open handle): the way to open a file of unknown provenance (one
    /// received, restored or found after a failure), whose damage could otherwise surface
    /// later, as a failure in the middle of a read. Refuses a damaged file with
    /// [`StoreError::Corrupt`]. Reads the whole file.
    pub fn open_verified(path: impl AsRef<Path>) -> Result<Database> {
        Database::open_existing(path.as_ref(), true)
    }

    /// The one way an existing file is opened: refuse a missing file, open it (verifying
    /// every page first if asked), contain the engine's panics, check our meta table.
    fn open_existing(path: &Path, verify_pages: bool) -> Result<Database> {
        let label = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::Missing { path: label });
        }
        let file = Some(path.to_path_buf());
        precheck(|| redb::ReadOnlyDatabase::open(path), &label, false)?;
        guarded(&label, || {
            let db = redb::Database::builder()
                .set_check_integrity_on_open(verify_pages)
                .open(path)
                .map_err(|e| open_error(&label, e))?;
            Database::init(db, label.clone(), Tables::MustExist, file)
        })
    }

    /// Verifies the checksum of every page of the file (the storage engine reads pages
    /// without verifying them, for speed) and, if a page is damaged, rolls the file back
    /// to the last commit that verifies. Returns `true` if everything verified, `false` if
    /// the file had to be repaired (committed transactions after the damaged one may be
    /// lost: check the data), and [`StoreError::Corrupt`] if it cannot be repaired. No
    /// transaction may be open. Reads the whole file: use it on open for files of unknown
    /// provenance, not on every open. [`Read::check`](super::Read::check) then verifies
    /// guanxi's own invariants. After [`StoreError::Corrupt`] the handle is closed.
    pub fn verify(&mut self) -> Result<bool> {
        let label = self.label.clone();
        let result = guarded(&label, || {
            self.engine_mut()?
                .check_integrity()
                .map_err(|e| open_error(&label, e))
        });
        if matches!(result, Err(StoreError::Corrupt { .. })) {
            if let Some(db) = self.db.take() {
                discard(db);
            }
        }
        result
    }

    /// A new, empty database held in memory (gone when dropped). For tests and scratch work.
    pub fn in_memory() -> Result<Database> {
        let label = "<memory>".to_owned();
        let db = redb::Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(|e| open_error(&label, e))?;
        Database::init(db, label, Tables::CreateInFresh, None)
    }

    /// Opens the database held by a custom storage backend, creating an empty network if
    /// the backend is empty. `label` names it in errors and in [`Database::path`].
    ///
    /// This is how a database is kept somewhere other than a plain file — and how the tests
    /// and fuzz targets open database images held in memory or inject storage faults (a
    /// disk that fills up). Contents that are not a guanxi database are refused like
    /// [`Database::open`] refuses such a file.
    pub fn with_backend(
        backend: impl redb::StorageBackend,
        label: impl Into<String>,
    ) -> Result<Database> {
        let label = label.into();
        let shared = Shared(std::sync::Arc::new(backend));
        let tables = if shared.0.len().is_ok_and(|n| n > 0) {
            Tables::CreateInExisting
        } else {
            Tables::CreateInFresh
        };
        precheck(
            || redb::Builder::new().open_read_only_with_backend(shared.clone()),
            &label,
            true,
        )?;
        guarded(&label, || {
            let db = redb::Database::builder()
                .create_with_backend(shared)
                .map_err(|e| open_error(&label, e))?;
            Database::init(db, label.clone(), tables, None)
        })
    }

    /// Verifies the meta table, or writes it into a database with no tables at all (as
    /// `tables` allows).
    fn init(
        mut db: redb::Database,
        label: String,
        tables: Tables,
        file: Option<std::path::PathBuf>,
    ) -> Result<Database> {
        let may_initialise = tables != Tables::MustExist;
        // The read transaction must end before `check_integrity`, which needs none open.
        let meta = db
            .begin_read()
            .map_err(StoreError::from)
            .and_then(|r| check_meta(&r, &label, may_initialise));
        let checked = meta.and_then(|ours| {
            if !ours {
                if tables == Tables::CreateInExisting {
                    // Existing storage without tables: verify every page before the
                    // first write into it. A commit into damaged pages can make the
                    // engine panic twice, which aborts the process.
                    db.check_integrity().map_err(|e| open_error(&label, e))?;
                }
                Database::write_fresh(&db)?;
                check_meta(&db.begin_read()?, &label, false)?;
            }
            Ok(())
        });
        if let Err(e) = checked {
            discard(db);
            return Err(e);
        }
        Ok(Database {
            db: Some(db),
            label,
            file,
        })
    }

    /// Creates every table and writes the meta values of a fresh database.
    pub(crate) fn write_fresh(db: &redb::Database) -> Result<()> {
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
        WriteTxn::new(self.engine()?.begin_write()?, time)
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
        Ok(ReadTxn::new(self.engine()?.begin_read()?))
    }

    /// Imports a network in one write transaction (see [`WriteTxn::import_network`]).
    pub fn import_network(&self, net: &Network, time: i64) -> Result<ImportSummary> {
        self.write(time, |t| t.import_network(net))
    }

    /// Checks every invariant of the committed state. A failure of the storage engine on
    /// a damaged structure met on the way is returned as [`StoreError::Corrupt`].
    pub fn check(&self) -> Result<CheckReport> {
        guarded(&self.label, || self.begin_read()?.check())
    }

    fn engine(&self) -> Result<&redb::Database> {
        self.db.as_ref().ok_or_else(|| StoreError::Closed {
            path: self.label.clone(),
        })
    }

    fn engine_mut(&mut self) -> Result<&mut redb::Database> {
        self.db.as_mut().ok_or_else(|| StoreError::Closed {
            path: self.label.clone(),
        })
    }

    /// Gives up the engine handle (later calls return [`StoreError::Closed`]).
    pub(crate) fn close_engine(&mut self) {
        if let Some(db) = self.db.take() {
            close(db);
        }
    }

    /// Compacts the file, returning freed space to the file system; `true` if anything
    /// moved. No transaction may be open.
    pub fn compact(&mut self) -> Result<bool> {
        let mut any = false;
        while self.engine_mut()?.compact()? {
            any = true;
        }
        Ok(any)
    }
}

impl Drop for Database {
    /// Closing writes the engine's allocator state, which on a damaged file can make the
    /// engine panic; that must not turn dropping a handle to a bad file into a crash.
    fn drop(&mut self) {
        self.close_engine();
    }
}

/// Whether [`Database::init`] may write guanxi's tables into storage that has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tables {
    /// No: an existing database is opened (`open`, `open_verified`).
    MustExist,
    /// Yes: the storage was empty before this open.
    CreateInFresh,
    /// Yes, after verifying every page: the storage held bytes, but no table.
    CreateInExisting,
}

/// Reads the meta table through one of the engine's read transactions: `Ok(true)` for a
/// guanxi database of a format this build reads, `Ok(false)` for storage without any
/// table (to initialise, if `may_initialise`), else why the file is refused.
fn check_meta(r: &redb::ReadTransaction, label: &str, may_initialise: bool) -> Result<bool> {
    let not_ours = |reason: &str| StoreError::NotAGuanxiDatabase {
        path: label.to_owned(),
        reason: reason.to_owned(),
    };
    let names: Vec<String> = r.list_tables()?.map(|t| t.name().to_owned()).collect();
    if !names.iter().any(|n| n == tables::META.name()) {
        return if !names.is_empty() {
            Err(not_ours("it is a database of another application"))
        } else if may_initialise {
            Ok(false)
        } else {
            Err(not_ours(
                "it is an empty storage file without guanxi's tables",
            ))
        };
    }
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
    Ok(true)
}

/// Reads the meta table through a *read-only* handle first, so that a file guanxi
/// refuses — another application's, or of a newer format — is never opened for
/// writing: the engine records its allocator state when a writable handle closes,
/// which would modify a file that is not ours to modify, and on a damaged file that
/// close can fail inside its own cleanup, which no unwinding can contain (the fuzz
/// target `open_corrupt` found such a file). Returns the refusal; anything else (a file
/// that is guanxi's, empty, or that the read-only open cannot read, such as one that
/// needs recovery after a crash) is left to the writable open.
fn precheck(
    open: impl FnOnce() -> std::result::Result<redb::ReadOnlyDatabase, redb::DatabaseError>,
    label: &str,
    may_initialise: bool,
) -> Result<()> {
    let verdict = guarded(label, || {
        let Ok(db) = open() else {
            return Ok(());
        };
        let Ok(r) = db.begin_read() else {
            return Ok(());
        };
        check_meta(&r, label, may_initialise).map(|_| ())
    });
    match verdict {
        Err(e @ (StoreError::NotAGuanxiDatabase { .. } | StoreError::NewerFormat { .. })) => Err(e),
        _ => Ok(()),
    }
}

/// A storage backend shared by a read-only and then a writable handle of the engine
/// (see [`precheck`]): every call goes to the one backend.
#[derive(Debug)]
struct Shared<B>(std::sync::Arc<B>);

impl<B> Clone for Shared<B> {
    fn clone(&self) -> Self {
        Shared(std::sync::Arc::clone(&self.0))
    }
}

impl<B: redb::StorageBackend> redb::StorageBackend for Shared<B> {
    fn len(&self) -> std::io::Result<u64> {
        self.0.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.0.read(offset, out)
    }
    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.0.set_len(len)
    }
    fn sync_data(&self) -> std::io::Result<()> {
        self.0.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        self.0.write(offset, data)
    }
    fn close(&self) -> std::io::Result<()> {
        self.0.close()
    }
    fn try_lock_range(
        &self,
        start: std::ops::Bound<u64>,
        end: std::ops::Bound<u64>,
    ) -> std::result::Result<bool, redb::BackendError> {
        self.0.try_lock_range(start, end)
    }
    fn try_lock_shared_range(
        &self,
        start: std::ops::Bound<u64>,
        end: std::ops::Bound<u64>,
    ) -> std::result::Result<bool, redb::BackendError> {
        self.0.try_lock_shared_range(start, end)
    }
    fn lock_range(
        &self,
        start: std::ops::Bound<u64>,
        end: std::ops::Bound<u64>,
    ) -> std::result::Result<(), redb::BackendError> {
        self.0.lock_range(start, end)
    }
    fn lock_shared_range(
        &self,
        start: std::ops::Bound<u64>,
        end: std::ops::Bound<u64>,
    ) -> std::result::Result<(), redb::BackendError> {
        self.0.lock_shared_range(start, end)
    }
    fn unlock_range(
        &self,
        start: std::ops::Bound<u64>,
        end: std::ops::Bound<u64>,
    ) -> std::result::Result<(), redb::BackendError> {
        self.0.unlock_range(start, end)
    }
    fn query_lock_range(
        &self,
        start: std::ops::Bound<u64>,
        end: std::ops::Bound<u64>,
    ) -> std::result::Result<bool, redb::BackendError> {
        self.0.query_lock_range(start, end)
    }
}

/// Drops the engine handle of a file guanxi refused or found damaged, *without* letting
/// the engine write to it.
///
/// A writable handle of the engine records its allocator state when it closes — a commit
/// — unless a panic is unwinding. On a damaged file that commit can panic, and the
/// engine's cleanup of it panic again: a double panic aborts the process, and no
/// `catch_unwind` contains it (the fuzz target `open_corrupt` found such files). So the
/// handle is dropped while an unwind started by `resume_unwind` (which runs no panic
/// hook and prints nothing) passes through, and the unwind is caught right here. The
/// engine then skips the commit, and its next open of the file recovers as after a
/// crash.
fn discard(db: redb::Database) {
    /// The payload of the deliberate unwind.
    struct Discarding;
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _dropped_while_unwinding = db;
        std::panic::resume_unwind(Box::new(Discarding));
    }));
}

/// Drops an engine handle, containing a panic of the engine on a damaged file.
fn close(db: redb::Database) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(db)));
}

/// Runs an engine operation that parses the file's own structures, turning a panic of the
/// storage engine on a damaged structure into [`StoreError::Corrupt`].
///
/// The engine trusts its page structures and a few of its checks are assertions, so
/// some damage to a file makes it panic rather than return an error (the fuzz target
/// `open_corrupt` found such files). Opening and verifying are where guanxi hands it a file
/// it did not just write, so those calls are guarded; nothing the engine owns outlives a
/// failed call, so no broken state is observed after the unwind.
fn guarded<T>(label: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_owned());
        Err(StoreError::Corrupt {
            what: format!("database file {label}"),
            reason: format!("the storage engine failed on a damaged structure ({msg})"),
        })
    })
}

fn open_error(label: &str, e: redb::DatabaseError) -> StoreError {
    if let redb::DatabaseError::Storage(redb::StorageError::Corrupted(reason)) = e {
        return StoreError::Corrupt {
            what: format!("database file {label}"),
            reason,
        };
    }
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
