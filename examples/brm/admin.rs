//! Looking after the file: `check`, `erase` and `backup`.

use crate::options::{now_millis, open_db};
use crate::Result;
use clap::Args;
use guanxi::store::Database;
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
    pub fn run(self) -> Result<ExitCode> {
        let db = self.db;
        // Verify every page's checksum before trusting the file's structures.
        let database =
            Database::open_verified(&db).map_err(|e| format!("{}: {e}", db.display()))?;
        let report = database.check().map_err(|e| e.to_string())?;
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
    /// Erases the person, then rewrites the file.
    pub fn run(self) -> Result<ExitCode> {
        let Erase { db, person } = self;
        let mut database = open_db(&db)?;
        if database
            .erase_person(&person, now_millis())
            .map_err(|e| e.to_string())?
        {
            out!(
                "erased person {person:?} from {} and rewrote the file",
                db.display()
            )?;
            Ok(ExitCode::SUCCESS)
        } else {
            Err(format!("no person with id {person:?} in {}", db.display()).into())
        }
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
    /// Copies one consistent snapshot to a new file.
    pub fn run(self) -> Result<ExitCode> {
        let Backup { db, out } = self;
        if out.exists() {
            return Err(format!("{} exists: back up to a new file", out.display()).into());
        }
        let database = open_db(&db)?;
        let s = database.backup_to(&out).map_err(|e| e.to_string())?;
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
