//! Moving CSV folders in and out of a database.
//!
//! Import is two steps with a hard line between them: [`read_csv_dir`] parses and
//! validates the whole folder in memory (every problem reported, nothing touched), and
//! only a clean [`Network`](crate::model::Network) reaches the store, where
//! [`Database::import_network`] writes it in **one** transaction — upserting nodes by
//! external id and putting edges — so an import is either wholly present or absent.
//!
//! The folder is self-contained: every id a row refers to must be defined in the same
//! folder (a tie's person in `persons.csv`, and so on). Importing into a non-empty
//! database updates the nodes it names (same external id = same node) and adds or
//! replaces their edges; nodes and edges the folder does not mention are kept.

use super::{read_csv_dir, write_csv_dir, CsvExportError, CsvImportError};
use crate::store::{Database, ImportSummary, Read, StoreError};
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
}

/// Reads the CSV folder `dir` and imports it into `db` in one transaction, with `time`
/// as the change-log timestamp. Nothing is written unless the whole folder is valid.
pub fn import_dir(db: &Database, dir: &Path, time: i64) -> Result<ImportSummary, TransferError> {
    let network = read_csv_dir(dir)?;
    Ok(db.import_network(&network, time)?)
}

/// Writes the database's committed state (one read transaction) as a CSV folder.
pub fn export_dir(db: &Database, dir: &Path) -> Result<(), TransferError> {
    let (network, _) = db.begin_read()?.network()?;
    write_csv_dir(&network, dir)?;
    Ok(())
}
