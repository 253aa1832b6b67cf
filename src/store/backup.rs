//! Online backup, rewriting a database into a fresh file, and erasure for good.
//!
//! # Backup
//!
//! [`ReadTxn::backup_to`] copies every table of one read transaction — one consistent,
//! committed snapshot — into a new database file. Writers go on committing meanwhile
//! (the storage engine's MVCC keeps the snapshot's pages alive until the read transaction
//! ends), and the copy is exactly the state the read transaction sees: a test can take a
//! read transaction, back up from it, and compare with [`Read::network`] of the same
//! transaction. The copy is written under a temporary name beside the target
//! (`<target>.partial`), committed durably, and only then renamed to the target, so a
//! crash during a backup never leaves a half-written file under the target's name. A backup
//! never overwrites an existing file.
//!
//! # Why erasure rewrites the file
//!
//! Removing records frees the pages that held them, but neither a commit nor the storage
//! engine's compaction promises to overwrite freed pages: the bytes of an erased name can
//! survive in free space, or in a page that compaction moved away from and did not zero.
//! Zeroing pages is not something the engine exposes, so [`Database::erase_person`] does
//! the one thing that is sure: after the erasing transaction commits it writes the live
//! data — which no longer holds the person — into a **fresh file** and atomically renames
//! it over the old one ([`Database::rewrite`]). A fresh file only ever contained live
//! data, so no byte of the person is in it.
//!
//! The guarantee stops at the file: copies kept elsewhere (backups, file-system snapshots,
//! blocks of the old file that the file system has not reused yet, swap, the page cache)
//! are outside what a database can reach, and read transactions that began before the
//! erasure keep seeing their snapshot until they end.

use super::db::{partial_path, sync_parent, Database, REWRITE_PENDING};
use super::error::{Result, StoreError};
use super::internal::tables::{self, IN, LOG, OUT};
use super::read::ReadTxn;
use redb::{Key, ReadableTable as _, TableDefinition, Value};
use std::path::Path;

/// What a backup wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// Nodes copied (all types).
    pub nodes: u64,
    /// Edges copied (all types).
    pub edges: u64,
    /// Change-log entries copied.
    pub log_entries: u64,
    /// Size of the new file in bytes.
    pub bytes: u64,
}

impl ReadTxn {
    /// Writes this transaction's snapshot into a new database file at `path`.
    ///
    /// The file must not exist ([`StoreError::TargetExists`]). The copy is written to
    /// `<path>.partial` and renamed to `path` once committed; it opens with
    /// [`Database::open`], checks clean if the source does, and holds exactly what this
    /// transaction sees, whatever writers commit meanwhile.
    pub fn backup_to(&self, path: impl AsRef<Path>) -> Result<BackupSummary> {
        let path = path.as_ref();
        if path.exists() {
            return Err(StoreError::TargetExists {
                path: path.display().to_string(),
            });
        }
        let tmp = partial_path(path);
        let summary = self.write_copy(&tmp)?;
        rename_durably(&tmp, path)?;
        Ok(summary)
    }

    /// Copies every table into a fresh database file at `tmp` (replaced if it exists and
    /// no live process is writing it: a file left by a killed backup or rewrite).
    fn write_copy(&self, tmp: &Path) -> Result<BackupSummary> {
        let label = tmp.display().to_string();
        if let Ok(f) = std::fs::File::open(tmp) {
            if let Err(std::fs::TryLockError::WouldBlock) = f.try_lock() {
                return Err(StoreError::Busy {
                    path: label,
                    holder: "is writing it (a backup or rewrite to the same target)",
                });
            }
        }
        // Only a file that is there is removed: on a read-only file system removing a
        // missing file fails too, and the error would hide the real one (creating it).
        match std::fs::symlink_metadata(tmp).and_then(|_| std::fs::remove_file(tmp)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(StoreError::File {
                    action: "cannot remove the stale file",
                    path: label,
                    source,
                })
            }
        }
        let result = self.copy_into(tmp, &label);
        if result.is_err() {
            let _ = std::fs::remove_file(tmp);
        }
        result
    }

    fn copy_into(&self, tmp: &Path, label: &str) -> Result<BackupSummary> {
        let db = redb::Database::create(tmp).map_err(|source| StoreError::Open {
            path: label.to_owned(),
            source,
        })?;
        let mut summary = BackupSummary::default();
        let w = db.begin_write()?;
        copy(&self.txn, &w, tables::META)?;
        // A fresh file holds no bytes of removed data: no rewrite is pending in it.
        w.open_table(tables::META)?.remove(REWRITE_PENDING)?;
        copy(&self.txn, &w, tables::COUNTS)?;
        for def in tables::NODES {
            summary.nodes += copy(&self.txn, &w, def)?;
        }
        for def in tables::XIDS {
            copy(&self.txn, &w, def)?;
        }
        summary.edges = copy(&self.txn, &w, OUT)?;
        copy(&self.txn, &w, IN)?;
        summary.log_entries = copy(&self.txn, &w, LOG)?;
        copy_optional(&self.txn, &w, tables::COMMITS)?;
        copy_optional(&self.txn, &w, tables::REMOVED)?;
        super::interaction::copy_tables(&self.txn, &w)?;
        w.commit()?;
        drop(db);
        summary.bytes = std::fs::metadata(tmp)
            .map_err(|source| StoreError::File {
                action: "cannot read the size of",
                path: label.to_owned(),
                source,
            })?
            .len();
        Ok(summary)
    }
}

impl Database {
    /// Backs up the latest committed state to a new file at `path`; see
    /// [`ReadTxn::backup_to`]. Writers may go on committing meanwhile.
    pub fn backup_to(&self, path: impl AsRef<Path>) -> Result<BackupSummary> {
        self.begin_read()?.backup_to(path)
    }

    /// Rewrites the database into a fresh file holding only the live data and atomically
    /// replaces the old file with it, so that no byte of removed data remains in the
    /// database file. Compaction is not enough: nothing in the storage engine promises to
    /// overwrite freed pages, so the bytes of removed data can survive in free space.
    ///
    /// Needs as much free space as the live data takes. A crash during the rewrite leaves
    /// the old file in place (and a stale `<file>.partial`, removed by the next writable
    /// open). A database in memory or on a custom backend has no file to replace: it is
    /// compacted instead. If reopening the new file fails, the error says so and this handle
    /// is closed ([`StoreError::Closed`] from then on): open the database again.
    pub fn rewrite(&mut self) -> Result<()> {
        if self.is_read_only() {
            return Err(StoreError::ReadOnly {
                path: self.path().to_owned(),
            });
        }
        let Some(path) = self.file.clone() else {
            self.compact()?;
            if self.rewrite_pending()? {
                self.set_rewrite_pending(false)?;
            }
            return Ok(());
        };
        let tmp = partial_path(&path);
        self.begin_read()?.write_copy(&tmp)?;
        rename_durably(&tmp, &path)?;
        // The old handle refers to the replaced file: give it up, whatever happens next.
        self.close_engine();
        *self = Database::open(&path)?;
        Ok(())
    }

    /// Erases a person for good — the record, the external-id entry, every edge touching
    /// it and every change-log entry mentioning it, in one transaction stamped `time` —
    /// and then [rewrites](Database::rewrite) the file so that no byte of the person's
    /// name or external id remains in it. Returns `false` (and erases nothing) if no
    /// person has this external id.
    ///
    /// If the rewrite fails after the erasure committed, the error is
    /// [`StoreError::RewriteFailed`]: the person is gone, but their bytes can remain in
    /// the file's free space. The database remembers that a rewrite is pending
    /// ([`Database::rewrite_pending`]); a later [`Database::rewrite`], or any later
    /// `erase_person` (even of a person no longer there), finishes it.
    pub fn erase_person(&mut self, xid: &str, time: i64) -> Result<bool> {
        // Marked before the erasure commits, so that no crash can leave erased bytes
        // without the mark; cleared by the rewrite (the new file is written without it).
        let pending_before = self.rewrite_pending()?;
        if !pending_before {
            self.set_rewrite_pending(true)?;
        }
        let found = match self.write(time, |t| t.erase_person(xid)) {
            Ok(found) => found,
            Err(e) => {
                if !pending_before {
                    let _ = self.set_rewrite_pending(false);
                }
                return Err(e);
            }
        };
        if found || pending_before {
            self.rewrite().map_err(|e| StoreError::RewriteFailed {
                path: self.path().to_owned(),
                source: Box::new(e),
            })?;
        } else {
            self.set_rewrite_pending(false)?;
        }
        Ok(found)
    }
}

/// Copies one table; returns the number of entries.
fn copy<K: Key + 'static, V: Value + 'static>(
    src: &redb::ReadTransaction,
    dst: &redb::WriteTransaction,
    def: TableDefinition<'static, K, V>,
) -> Result<u64> {
    let from = src.open_table(def)?;
    let mut to = dst.open_table(def)?;
    let mut n = 0;
    for r in from.iter()? {
        let (k, v) = r?;
        to.insert(k.value(), v.value())?;
        n += 1;
    }
    Ok(n)
}

/// Copies a table that a file of an older format may lack (the copy then lacks it too,
/// and keeps that format).
pub(super) fn copy_optional<K: Key + 'static, V: Value + 'static>(
    src: &redb::ReadTransaction,
    dst: &redb::WriteTransaction,
    def: TableDefinition<'static, K, V>,
) -> Result<u64> {
    match src.open_table(def) {
        Ok(_) => copy(src, dst, def),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

/// Renames `from` to `to` and syncs the folder, so the rename survives a power cut.
fn rename_durably(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|source| {
        let _ = std::fs::remove_file(from);
        StoreError::File {
            action: "cannot rename the new file to",
            path: to.display().to_string(),
            source,
        }
    })?;
    sync_parent(to);
    Ok(())
}
