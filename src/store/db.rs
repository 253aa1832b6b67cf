//! [`Database`]: opening, creating and compacting a guanxi database file.
//!
//! A guanxi database is one storage-engine file holding the tables described in the
//! [store module docs](super). Opening checks, before anything else, that the file is one:
//! a file that is not a database at all, or a database without guanxi's meta table and
//! magic value, is refused with [`StoreError::NotAGuanxiDatabase`] and left untouched; a
//! file written by a newer format version is refused with [`StoreError::NewerFormat`].
//!
//! # Reading without writing
//!
//! A writable handle of the storage engine writes to the file even if nothing is ever
//! committed (it records its allocator state when it opens and closes), needs write
//! permission, and keeps every other process out. [`Database::open_read_only`] opens the
//! engine read-only instead: the file is never written, so it stays byte-identical, can sit
//! on a read-only file system, and any number of processes may read it at once. A process
//! that is writing keeps readers out (and a reader keeps writers out) until it closes the
//! file; the open then fails with [`StoreError::Busy`], which says so and to retry.
//!
//! Two things a read may need write the file: recovering a file whose writer was stopped
//! in the middle of a commit, and verifying every page's checksum (the engine's check
//! rebuilds its allocator state). For these the engine runs over a *private view* of the
//! file: reads come from the file, writes go to memory and are dropped with the handle
//! ([`Database::open_read_only_verified`], and [`Database::open_read_only`] on a file that
//! needs recovery).
//!
//! # Files beside the database
//!
//! A rewrite, a backup and `brm`'s creation of a new database write a new file under a
//! temporary name, `<target>.partial`, and rename it once it is complete. A process killed
//! in the middle leaves that file behind; the next writable open of the database removes
//! it, unless another process still has it open.

use super::check::CheckReport;
use super::error::{Result, StoreError};
use super::import::ImportSummary;
use super::internal::tables::{self, Counters, FORMAT_VERSION, MAGIC};
use super::read::{Read as _, ReadTxn};
use super::transaction::WriteTxn;
use crate::model::Network;
use redb::{ReadableDatabase as _, TableHandle as _};
use std::path::{Path, PathBuf};

/// Bytes of pages a read-only handle keeps in memory. Reads through such a handle are
/// mostly whole-table scans (a snapshot, an export, a check), which touch each page once:
/// a cache as large as the tables (the engine's default is 1 GiB) would only hold what was
/// read a second time in memory — 80 MB of the full report's 625 MB peak on a 3M-edge
/// network — without saving a read. The interior pages of the trees fit many times over.
const READ_ONLY_CACHE: usize = 16 << 20;

/// The meta-table key that marks a database whose data was removed by an erasure that
/// has not been followed by a successful rewrite yet (see [`Database::rewrite_pending`]).
pub(crate) const REWRITE_PENDING: &str = "rewrite_pending";

/// A guanxi database: a file (or, for tests, memory) holding one relationship network.
pub struct Database {
    /// The engine's handle; `None` only once it has been given up (see [`Drop`] below and
    /// [`Database::rewrite`]).
    db: Option<Engine>,
    label: String,
    /// The file, for a file database (rewrites replace it); `None` in memory or on a
    /// custom backend.
    pub(crate) file: Option<PathBuf>,
}

/// The engine's handle, in one of the three ways a database is opened.
enum Engine {
    /// Reads and writes the file.
    Writable(redb::Database),
    /// Reads the file and never writes it.
    ReadOnly(redb::ReadOnlyDatabase),
    /// A writable engine over a private view of the file ([`overlay::Overlay`]): what it
    /// writes stays in memory. Refuses write transactions like `ReadOnly`. Holds a shared
    /// lock on the file, when it could take one, so that no writer starts meanwhile.
    Private {
        db: redb::Database,
        _lock: Option<std::fs::File>,
    },
}

impl Engine {
    fn begin_read(&self) -> std::result::Result<redb::ReadTransaction, redb::TransactionError> {
        match self {
            Engine::Writable(db) | Engine::Private { db, .. } => db.begin_read(),
            Engine::ReadOnly(db) => db.begin_read(),
        }
    }
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
        remove_stale_partial(path);
        let tables = if existing {
            Tables::CreateInExisting
        } else {
            Tables::CreateInFresh
        };
        guarded(&label, || {
            let db = redb::Database::create(path).map_err(|e| open_error(&label, e))?;
            Database::init(Engine::Writable(db), label.clone(), tables, file)
        })
    }

    /// Creates a new database file at `path` holding `net` (imported in one transaction
    /// stamped `time`), or nothing at all: the database is written as `<path>.partial`
    /// and moved to `path` only once the import has committed, so a failure — bad data,
    /// a full disk, a crash — never leaves a file under `path`, and the partial file of a
    /// failure is removed (the one of a crash, by the next writable open). Refuses a
    /// `path` that exists.
    pub fn create_new(path: impl AsRef<Path>, net: &Network, time: i64) -> Result<ImportSummary> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let exists = |source| StoreError::File {
            action: "cannot create",
            path: label.clone(),
            source,
        };
        if path.exists() {
            return Err(exists(std::io::ErrorKind::AlreadyExists.into()));
        }
        let tmp = partial_path(path);
        remove_stale_partial(path);
        if tmp.exists() {
            return Err(StoreError::Busy {
                path: tmp.display().to_string(),
                holder: "is writing it (creating the same database)",
            });
        }
        let written = Database::create(&tmp).and_then(|db| db.import_network(net, time));
        let placed = written.and_then(|summary| {
            // A hard link fails if `path` appeared meanwhile, where a rename would replace it.
            match std::fs::hard_link(&tmp, path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists(e)),
                // No hard links on this file system: rename, which cannot refuse.
                Err(_) if !path.exists() => {
                    std::fs::rename(&tmp, path).map_err(|source| StoreError::File {
                        action: "cannot rename the new file to",
                        path: label.clone(),
                        source,
                    })?;
                }
                Err(e) => return Err(exists(e)),
            }
            sync_parent(path);
            Ok(summary)
        });
        let _ = std::fs::remove_file(&tmp);
        placed
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
        let db = guarded(&label, || {
            let db = redb::Database::builder()
                .set_check_integrity_on_open(verify_pages)
                .open(path)
                .map_err(|e| open_error(&label, e))?;
            Database::init(Engine::Writable(db), label.clone(), Tables::MustExist, file)
        })?;
        remove_stale_partial(path);
        Ok(db)
    }

    /// Opens an existing database at `path` for reading only: the file is never written
    /// (it stays byte-identical, may be read-only or on a read-only file system, and other
    /// processes may read it at the same time). Write transactions, [`Database::compact`],
    /// [`Database::verify`] and [`Database::rewrite`] return [`StoreError::ReadOnly`].
    ///
    /// While another process has the file open for writing the open fails with
    /// [`StoreError::Busy`]; retry when it has finished. A file whose writer was stopped in
    /// the middle of a commit is recovered in memory, not on disk: the next writable open
    /// recovers the file itself.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Database> {
        let path = path.as_ref();
        let label = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::Missing { path: label });
        }
        let opened = guarded(&label, || {
            match redb::Builder::new()
                .set_cache_size(READ_ONLY_CACHE)
                .open_read_only(path)
            {
                Ok(db) => Database::init(
                    Engine::ReadOnly(db),
                    label.clone(),
                    Tables::MustExist,
                    Some(path.to_path_buf()),
                )
                .map(Some),
                // The file needs recovery, which a read-only handle does not run.
                Err(redb::DatabaseError::RepairAborted) => Ok(None),
                Err(e) => Err(read_only_error(&label, e)),
            }
        })?;
        match opened {
            Some(db) => Ok(db),
            None => Database::open_private(path, false),
        }
    }

    /// Opens an existing database at `path` for reading only, like
    /// [`Database::open_read_only`], after verifying the checksum of every page as
    /// [`Database::open_verified`] does — without writing the file: the engine's check
    /// runs over a private view of the file whose writes stay in memory. The way to check
    /// a file without changing it. Refuses a damaged file with [`StoreError::Corrupt`].
    /// Reads the whole file.
    pub fn open_read_only_verified(path: impl AsRef<Path>) -> Result<Database> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.display().to_string(),
            });
        }
        Database::open_private(path, true)
    }

    /// Opens the engine over a private view of the file ([`overlay::Overlay`]), holding a
    /// shared lock on the file so that no writer starts while it is read.
    fn open_private(path: &Path, verify_pages: bool) -> Result<Database> {
        let label = path.display().to_string();
        let file_error = |source| StoreError::File {
            action: "cannot read",
            path: label.clone(),
            source,
        };
        // A read-only handle first: it refuses a file that is not ours, or of a newer
        // format, before any engine writes (even to memory), and says whether a writer
        // has the file open.
        let opened = guarded(&label, || {
            redb::ReadOnlyDatabase::open(path).map_err(|e| read_only_error(&label, e))
        });
        match opened {
            // Dropped inside the guard too: closing a damaged file may fail in the engine.
            Ok(db) => guarded(&label, || {
                let db = db;
                let checked = db
                    .begin_read()
                    .map_err(StoreError::from)
                    .and_then(|r| check_meta(&r, &label, false));
                drop(db);
                checked.map(|_| ())
            })?,
            Err(e @ StoreError::Busy { .. }) => return Err(e),
            Err(_) => {} // needs recovery, or damaged: the private engine says which
        }
        let file = std::fs::File::open(path).map_err(file_error)?;
        let lock = match file.try_lock_shared() {
            Ok(()) => Some(file.try_clone().map_err(file_error)?),
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Busy {
                    path: label,
                    holder: "is writing to it",
                })
            }
            Err(std::fs::TryLockError::Error(_)) => None, // no locks here: read unguarded
        };
        let overlay = overlay::Overlay::new(file).map_err(file_error)?;
        guarded(&label, || {
            let db = redb::Database::builder()
                .set_check_integrity_on_open(verify_pages)
                .create_with_backend(overlay)
                .map_err(|e| open_error(&label, e))?;
            Database::init(
                Engine::Private { db, _lock: lock },
                label.clone(),
                Tables::MustExist,
                Some(path.to_path_buf()),
            )
        })
    }

    /// Whether the file at `path` is a database file — a guanxi database, damaged or not,
    /// or another file of the same storage engine: it starts with the engine's signature.
    /// For tools that write files (exports, generated data) and must never write over a
    /// database. `false` for a file that cannot be read.
    pub fn is_database_file(path: impl AsRef<Path>) -> bool {
        /// The storage engine's file signature, the first bytes of every database file.
        const SIGNATURE: [u8; 9] = *b"redb\x1a\x0a\xa9\x0d\x0a";
        let mut head = [0u8; SIGNATURE.len()];
        std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok_and(|()| head == SIGNATURE)
    }

    /// Whether this handle refuses writes ([`Database::open_read_only`],
    /// [`Database::open_read_only_verified`]).
    pub fn is_read_only(&self) -> bool {
        !matches!(self.db, Some(Engine::Writable(_)))
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
        if matches!(result, Err(StoreError::ReadOnly { .. })) {
            return result;
        }
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
        Database::init(Engine::Writable(db), label, Tables::CreateInFresh, None)
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
            Database::init(Engine::Writable(db), label.clone(), tables, None)
        })
    }

    /// Verifies the meta table, or writes it into a database with no tables at all (as
    /// `tables` allows).
    fn init(
        mut engine: Engine,
        label: String,
        tables: Tables,
        file: Option<PathBuf>,
    ) -> Result<Database> {
        let may_initialise = tables != Tables::MustExist;
        // The read transaction must end before `check_integrity`, which needs none open.
        let meta = engine
            .begin_read()
            .map_err(StoreError::from)
            .and_then(|r| check_meta(&r, &label, may_initialise));
        let checked = meta.and_then(|ours| {
            if !ours {
                // Only a writable engine may be handed storage without tables
                // (`Tables::MustExist` is what the others are opened with).
                let Engine::Writable(db) = &mut engine else {
                    return Err(StoreError::ReadOnly {
                        path: label.clone(),
                    });
                };
                if tables == Tables::CreateInExisting {
                    // Existing storage without tables: verify every page before the
                    // first write into it. A commit into damaged pages can make the
                    // engine panic twice, which aborts the process.
                    db.check_integrity().map_err(|e| open_error(&label, e))?;
                }
                Database::write_fresh(db)?;
                check_meta(&db.begin_read()?, &label, false)?;
            }
            Ok(())
        });
        if let Err(e) = checked {
            discard(engine);
            return Err(e);
        }
        Ok(Database {
            db: Some(engine),
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
            txn.open_table(tables::COMMITS)?;
            txn.open_table(tables::REMOVED)?;
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
        WriteTxn::new(self.writable()?.begin_write()?, time)
    }

    /// Runs `f` in a write transaction: commits if it returns `Ok`, rolls back if it
    /// returns `Err` (and returns that error). For closures whose error is the store's
    /// own; [`write_with`](Database::write_with) takes any error type.
    pub fn write<T>(&self, time: i64, f: impl FnOnce(&mut WriteTxn) -> Result<T>) -> Result<T> {
        self.write_with(time, f)
    }

    /// [`write`](Database::write) for a closure with an error type of the caller's own:
    /// a backend's error (a rule of its own, a failed lookup elsewhere) passes through
    /// unchanged and rolls the transaction back, and every [`StoreError`] converts into it
    /// (`E: From<StoreError>`), as does a failed commit.
    ///
    /// `write` is not itself generic over the error: the closure's error type could then
    /// not be inferred from a body such as `{ t.upsert_person(p)?; Ok(()) }`, and every
    /// such call would need a type annotation.
    ///
    /// ```
    /// use guanxi::model::Person;
    /// use guanxi::store::{Database, Read, StoreError};
    ///
    /// #[derive(Debug)]
    /// enum BackendError { Store(StoreError), Rejected(&'static str) }
    /// impl From<StoreError> for BackendError {
    ///     fn from(e: StoreError) -> Self { BackendError::Store(e) }
    /// }
    ///
    /// let db = Database::in_memory()?;
    /// let r = db.write_with(1, |t| {
    ///     t.upsert_person(Person { xid: "P1".into(), name: "Li".into(), title: None })?;
    ///     Err::<(), _>(BackendError::Rejected("no consent recorded"))
    /// });
    /// assert!(matches!(r, Err(BackendError::Rejected(_))));
    /// assert_eq!(db.begin_read()?.person_by_xid("P1")?, None); // rolled back
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn write_with<T, E: From<StoreError>>(
        &self,
        time: i64,
        f: impl FnOnce(&mut WriteTxn) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
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

    fn engine(&self) -> Result<&Engine> {
        self.db.as_ref().ok_or_else(|| StoreError::Closed {
            path: self.label.clone(),
        })
    }

    /// The writable engine, or why there is none.
    fn writable(&self) -> Result<&redb::Database> {
        match self.engine()? {
            Engine::Writable(db) => Ok(db),
            Engine::ReadOnly(_) | Engine::Private { .. } => Err(StoreError::ReadOnly {
                path: self.label.clone(),
            }),
        }
    }

    fn engine_mut(&mut self) -> Result<&mut redb::Database> {
        match self.db.as_mut() {
            Some(Engine::Writable(db)) => Ok(db),
            Some(Engine::ReadOnly(_) | Engine::Private { .. }) => Err(StoreError::ReadOnly {
                path: self.label.clone(),
            }),
            None => Err(StoreError::Closed {
                path: self.label.clone(),
            }),
        }
    }

    /// Gives up the engine handle (later calls return [`StoreError::Closed`]).
    pub(crate) fn close_engine(&mut self) {
        if let Some(db) = self.db.take() {
            close(db);
        }
    }

    /// Compacts the file, returning freed space to the file system; `true` if anything
    /// moved. No transaction may be open. Compaction does not promise to overwrite the
    /// bytes of removed data; [`Database::rewrite`] does.
    pub fn compact(&mut self) -> Result<bool> {
        let mut any = false;
        while self.engine_mut()?.compact()? {
            any = true;
        }
        Ok(any)
    }

    /// Whether data was erased ([`Database::erase_person`]) but the rewrite that removes
    /// its bytes from the file has not succeeded yet: then a [`Database::rewrite`] (or
    /// another erasure) finishes it.
    pub fn rewrite_pending(&self) -> Result<bool> {
        let r = self.engine()?.begin_read()?;
        let meta = r.open_table(tables::META)?;
        Ok(meta.get(REWRITE_PENDING)?.is_some_and(|g| g.value() != 0))
    }

    /// Marks (or clears) a pending rewrite, in a transaction of its own.
    pub(crate) fn set_rewrite_pending(&self, pending: bool) -> Result<()> {
        let w = self.writable()?.begin_write()?;
        {
            let mut meta = w.open_table(tables::META)?;
            if pending {
                meta.insert(REWRITE_PENDING, 1)?;
            } else {
                meta.remove(REWRITE_PENDING)?;
            }
        }
        w.commit()?;
        Ok(())
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
fn discard(db: Engine) {
    /// The payload of the deliberate unwind.
    struct Discarding;
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _dropped_while_unwinding = db;
        std::panic::resume_unwind(Box::new(Discarding));
    }));
}

/// Drops an engine handle, containing a panic of the engine on a damaged file. A private
/// view is discarded: what its engine would write on closing is thrown away anyway.
fn close(db: Engine) {
    if matches!(db, Engine::Private { .. }) {
        discard(db);
    } else {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(db)));
    }
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
    if matches!(e, redb::DatabaseError::DatabaseAlreadyOpen) {
        return StoreError::Busy {
            path: label.to_owned(),
            holder: "has it open",
        };
    }
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
        if io.kind() == std::io::ErrorKind::UnexpectedEof {
            return StoreError::Corrupt {
                what: format!("database file {label}"),
                reason:
                    "it ends before its own structures do (a truncated file, or not a database)"
                        .to_owned(),
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

/// [`open_error`] for a read-only open, where the lock can only be held by a writer.
fn read_only_error(label: &str, e: redb::DatabaseError) -> StoreError {
    match open_error(label, e) {
        StoreError::Busy { path, .. } => StoreError::Busy {
            path,
            holder: "is writing to it",
        },
        other => other,
    }
}

/// Syncs the folder holding `path`, so that a rename or link in it survives a power cut.
/// Not possible on every platform; the rename itself has happened either way.
pub(crate) fn sync_parent(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// `<path>.partial`, beside `path`: where a new file is written before it is renamed.
pub(crate) fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Removes `<path>.partial` left by a process that was killed while writing it, unless
/// a live process still has it open (the engine keeps a lock on a file it writes; a
/// process that is gone holds none). Best effort: a file that cannot be removed stays.
pub(crate) fn remove_stale_partial(path: &Path) {
    let partial = partial_path(path);
    let Ok(file) = std::fs::OpenOptions::new().read(true).open(&partial) else {
        return;
    };
    if file.try_lock().is_ok() {
        let _ = std::fs::remove_file(&partial);
    }
}

/// A private, copy-on-write view of a file for the storage engine: reads come from the
/// file, writes go to memory (in 4 KiB blocks) and are never written back. The engine can
/// then recover or verify a file it may not write, and the file stays byte-identical.
mod overlay {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    /// Reads exactly `out.len()` bytes of `file` at `offset`.
    #[cfg(unix)]
    fn read_at(file: &std::fs::File, out: &mut [u8], offset: u64) -> std::io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(file, out, offset)
    }

    /// Reads exactly `out.len()` bytes of `file` at `offset`.
    #[cfg(windows)]
    fn read_at(file: &std::fs::File, out: &mut [u8], mut offset: u64) -> std::io::Result<()> {
        let mut done = 0;
        while done < out.len() {
            match std::os::windows::fs::FileExt::seek_read(file, &mut out[done..], offset)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => {
                    done += n;
                    offset += n as u64;
                }
            }
        }
        Ok(())
    }

    const BLOCK: u64 = 4096;

    /// The view; see the module docs.
    #[derive(Debug)]
    pub(super) struct Overlay {
        file: std::fs::File,
        state: Mutex<State>,
    }

    #[derive(Debug)]
    struct State {
        /// The view's length.
        len: u64,
        /// Bytes of the file beyond this are not part of the view (it was shortened).
        file_len: u64,
        /// Blocks written through the view, by block number.
        blocks: BTreeMap<u64, Box<[u8]>>,
    }

    impl Overlay {
        pub(super) fn new(file: std::fs::File) -> std::io::Result<Overlay> {
            let len = file.metadata()?.len();
            Ok(Overlay {
                file,
                state: Mutex::new(State {
                    len,
                    file_len: len,
                    blocks: BTreeMap::new(),
                }),
            })
        }

        fn state(&self) -> std::sync::MutexGuard<'_, State> {
            self.state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }

    impl State {
        /// Reads the file's bytes at `offset` into `out`; zeros beyond the file's part.
        fn read_file(
            &self,
            file: &std::fs::File,
            offset: u64,
            out: &mut [u8],
        ) -> std::io::Result<()> {
            out.fill(0);
            if offset < self.file_len {
                let n =
                    usize::try_from(self.file_len - offset).map_or(out.len(), |n| n.min(out.len()));
                read_at(file, &mut out[..n], offset)?;
            }
            Ok(())
        }
    }

    impl redb::StorageBackend for Overlay {
        fn len(&self) -> std::io::Result<u64> {
            Ok(self.state().len)
        }

        fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
            let st = self.state();
            let mut done = 0usize;
            while done < out.len() {
                let at = offset + done as u64;
                let (block, within) = (at / BLOCK, (at % BLOCK) as usize);
                let n = (BLOCK as usize - within).min(out.len() - done);
                let dst = &mut out[done..done + n];
                match st.blocks.get(&block) {
                    Some(b) => dst.copy_from_slice(&b[within..within + n]),
                    None => st.read_file(&self.file, at, dst)?,
                }
                done += n;
            }
            Ok(())
        }

        fn set_len(&self, len: u64) -> std::io::Result<()> {
            let mut st = self.state();
            if len < st.len {
                // Bytes beyond the new end read as zeros if the view grows again.
                st.file_len = st.file_len.min(len);
                let first_gone = len.div_ceil(BLOCK);
                st.blocks.retain(|b, _| *b < first_gone);
                let tail = (len % BLOCK) as usize;
                if let Some(b) = st.blocks.get_mut(&(len / BLOCK)) {
                    b[tail..].fill(0);
                }
            }
            st.len = len;
            Ok(())
        }

        fn sync_data(&self) -> std::io::Result<()> {
            Ok(())
        }

        fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
            let mut st = self.state();
            let mut done = 0usize;
            while done < data.len() {
                let at = offset + done as u64;
                let (block, within) = (at / BLOCK, (at % BLOCK) as usize);
                let n = (BLOCK as usize - within).min(data.len() - done);
                if !st.blocks.contains_key(&block) {
                    let mut b = vec![0u8; BLOCK as usize].into_boxed_slice();
                    st.read_file(&self.file, block * BLOCK, &mut b)?;
                    st.blocks.insert(block, b);
                }
                if let Some(b) = st.blocks.get_mut(&block) {
                    b[within..within + n].copy_from_slice(&data[done..done + n]);
                }
                done += n;
            }
            st.len = st.len.max(offset + data.len() as u64);
            Ok(())
        }

        fn close(&self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
