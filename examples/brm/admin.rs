//! Looking after the file: `check`, `erase`, `compact` and `backup`.

use crate::options::{describe, now_millis, open_read, open_write};
use crate::Result;
use clap::Args;
use guanxi::store::{Database, ErrorKind, StoreError};
use std::path::PathBuf;
use std::process::ExitCode;

/// `brm check --db FILE`.
#[derive(Args)]
pub struct Check {
    /// The database file.
    #[arg(long)]
    db: PathBuf,
}

impl Check {
    /// Verifies every page's checksum, then every invariant; exit 1 on any violation.
    /// Never writes the file: the verification runs over a private view of it.
    pub fn run(self) -> Result<ExitCode> {
        let db = self.db;
        let database = Database::open_read_only_verified(&db).map_err(|e| describe(&db, e))?;
        let report = database.check().map_err(|e| describe(&db, e))?;
        if report.is_clean() {
            out!("{}: clean", db.display())?;
            Ok(ExitCode::SUCCESS)
        } else {
            out!("{report}")?;
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `brm erase --db FILE --person P`.
#[derive(Args)]
pub struct Erase {
    /// The database file.
    #[arg(long)]
    db: PathBuf,
    /// The person's external id.
    #[arg(long)]
    person: String,
}

impl Erase {
    /// Erases the person, then rewrites the file. A rerun after a failed rewrite (the
    /// person already gone) finishes the rewrite.
    pub fn run(self) -> Result<ExitCode> {
        let Erase { db, person } = self;
        let shown = db.display();
        let mut database = open_write(&db)?;
        let pending = database.rewrite_pending().map_err(|e| describe(&db, e))?;
        match database.erase_person(&person, now_millis()) {
            Ok(true) => {
                out!("erased person {person:?} from {shown} and rewrote the file")?;
                Ok(ExitCode::SUCCESS)
            }
            Ok(false) if pending => {
                out!(
                    "no person {person:?} in {shown} (erased earlier); finished the rewrite that an earlier erasure left pending: no byte of erased data remains in the file"
                )?;
                Ok(ExitCode::SUCCESS)
            }
            Ok(false) => Err(format!("no person with id {person:?} in {shown}").into()),
            Err(StoreError::RewriteFailed { source, .. }) => Err(format!(
                "person {person:?} is erased from {shown} (committed: they are no longer in the data), but rewriting the file to remove their bytes failed: {source}. Until a rewrite succeeds, their bytes can remain in the file's free space: fix the cause, then run `brm erase --db {shown} --person {person}` again or `brm compact --db {shown}`"
            )
            .into()),
            Err(e) => Err(describe(&db, e).into()),
        }
    }
}

/// `brm compact --db FILE`.
#[derive(Args)]
pub struct Compact {
    /// The database file.
    #[arg(long)]
    db: PathBuf,
}

impl Compact {
    /// Rewrites the file with only its live data: the smallest file, and no byte of
    /// removed data left in it (this finishes an erasure whose rewrite failed).
    pub fn run(self) -> Result<ExitCode> {
        let db = self.db;
        let size = |p: &PathBuf| std::fs::metadata(p).map_or(0, |m| m.len());
        let before = size(&db);
        let mut database = open_write(&db)?;
        database.rewrite().map_err(|e| describe(&db, e))?;
        drop(database);
        out!(
            "rewrote {} with its live data only: {before} → {} bytes",
            db.display(),
            size(&db)
        )?;
        Ok(ExitCode::SUCCESS)
    }
}

/// `brm backup --db FILE --out NEW`.
#[derive(Args)]
pub struct Backup {
    /// The database file.
    #[arg(long)]
    db: PathBuf,
    /// The new file (must not exist).
    #[arg(long)]
    out: PathBuf,
}

impl Backup {
    /// Copies one consistent snapshot to a new file, reading the database read-only.
    pub fn run(self) -> Result<ExitCode> {
        let Backup { db, out } = self;
        if out.exists() {
            return Err(format!("{} exists: back up to a new file", out.display()).into());
        }
        let database = open_read(&db)?;
        let s = database.backup_to(&out).map_err(|e| match e {
            e @ StoreError::File { .. } => e.to_string(), // names its own file
            // The database is open already: what cannot be opened is the new file.
            StoreError::Open { source, .. } => format!(
                "{}: cannot create the backup: {source}; choose a folder you can write to",
                out.display()
            ),
            // The database was opened and read before: an I/O failure (a full disk, a
            // file-size limit) or a failed commit is the new file's.
            e if e.kind() == ErrorKind::Io || matches!(e, StoreError::Commit(_)) => {
                format!("{}: {e}; nothing was written", out.display())
            }
            e => describe(&db, e),
        })?;
        out!(
            "backed up {} nodes, {} edges and {} log entries to {} ({} bytes)",
            s.nodes,
            s.edges,
            s.log_entries,
            out.display(),
            s.bytes
        )?;
        Ok(ExitCode::SUCCESS)
    }
}
