//! Moving CSV folders in and out of a database.
//!
//! Import is two steps with a hard line between them: the folder is parsed, validated and
//! compared with the database in memory ([`ImportPlan`]: every problem reported, nothing
//! touched), and only a clean plan reaches the store, which writes it in **one**
//! transaction — so an import is either wholly present or absent. The plan is made inside
//! that write transaction, against exactly the state it changes; a dry run makes the same
//! plan in a read transaction and stops.
//!
//! Into an empty database the plan is "add everything", and the folder goes to the store's
//! bulk import ([`Database::import_network`]) whole, as fast as ever. The modes are
//! described on [`ImportMode`].

use super::plan::{ImportMode, ImportOptions, ImportPlan};
use super::{write_csv_dir, CsvExportError, CsvImportError};
use crate::store::{Database, Read, StoreError};
use std::path::Path;

/// Why an import or export between a folder and a database failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// The folder has bad rows or could not be read; the database is unchanged.
    #[error("{0}")]
    Csv(#[from] CsvImportError),
    /// The folder could not be written.
    #[error("{0}")]
    Export(#[from] CsvExportError),
    /// The database refused the data or failed; the database is unchanged.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// [`ImportPlan::apply`]: the database changed since the plan was made, so that the
    /// plan no longer says what the import would do; nothing was written.
    #[error(
        "the database changed since the import was planned; plan it again (nothing was written)"
    )]
    DatabaseChanged,
}

/// Imports the CSV folder `dir` into `db` in merge mode ([`ImportMode::Merge`]), in one
/// transaction with `time` as the change-log timestamp; returns what was done. Nothing is
/// written unless the whole folder is valid. The same as [`import_dir_with`] with the
/// default options.
pub fn import_dir(db: &Database, dir: &Path, time: i64) -> Result<ImportPlan, TransferError> {
    import_dir_with(db, dir, ImportOptions::default(), time)
}

/// Imports the CSV folder `dir` into `db` in the given mode, in one transaction with
/// `time` as the change-log timestamp, and returns the plan it carried out — or, with
/// `dry_run`, the plan it would carry out, having written nothing ([`plan_import`]).
///
/// All or nothing: a bad row, a reference to an id that is nowhere, or a change that would
/// break a rule of §3 writes nothing. An import that would change nothing (the same folder
/// again) commits nothing.
///
/// ```
/// use guanxi::io::{import_dir_with, ImportMode, ImportOptions};
/// use guanxi::model::NodeKind;
/// use guanxi::store::{Database, Read};
///
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("accounts.csv"), "id,name,kind\nA1,Acme,\nA2,Bolt,\n")?;
/// let db = Database::in_memory()?;
/// guanxi::io::import_dir(&db, dir.path(), 1)?;
/// // Replace with a folder that lacks A2: A2 is removed.
/// std::fs::write(dir.path().join("accounts.csv"), "id,name,kind\nA1,Acme,\n")?;
/// let replace = ImportOptions { mode: ImportMode::Replace, dry_run: true };
/// let plan = import_dir_with(&db, dir.path(), replace, 2)?;
/// assert_eq!(plan.counts().all_nodes().removed, 1);
/// assert!(db.begin_read()?.lookup(NodeKind::Account, "A2")?.is_some()); // a dry run
/// import_dir_with(&db, dir.path(), ImportOptions { dry_run: false, ..replace }, 2)?;
/// assert!(db.begin_read()?.lookup(NodeKind::Account, "A2")?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_dir_with(
    db: &Database,
    dir: &Path,
    options: ImportOptions,
    time: i64,
) -> Result<ImportPlan, TransferError> {
    if options.dry_run {
        return plan_import(db, dir, options.mode);
    }
    let t = db.begin_write(time)?;
    let plan = ImportPlan::make(&t, dir, options.mode)?;
    plan.finish(t)?;
    Ok(plan)
}

/// What importing the CSV folder `dir` into `db` in `mode` would do, worked out in one
/// read transaction: a dry run, which commits nothing. Through a handle opened with
/// [`Database::open_read_only`] the file stays byte-identical (a writable handle may still
/// update the storage engine's own bookkeeping when it closes). [`ImportPlan::apply`]
/// carries the plan out later.
pub fn plan_import(
    db: &Database,
    dir: &Path,
    mode: ImportMode,
) -> Result<ImportPlan, TransferError> {
    let r = db.begin_read()?;
    ImportPlan::make(&r, dir, mode)
}

/// Writes the database's committed state (one read transaction) as a CSV folder.
pub fn export_dir(db: &Database, dir: &Path) -> Result<(), TransferError> {
    let (network, _) = db.begin_read()?.network()?;
    write_csv_dir(&network, dir)?;
    Ok(())
}
