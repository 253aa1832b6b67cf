//! Data in and out: `import` a CSV folder, `generate` a synthetic network, `export` the
//! database as CSV or a drawing.

use crate::options::{
    describe, load, load_network, now_millis, open_read, open_write, parse_day, spinner, ParamArgs,
};
use crate::Result;
use clap::{Args, ValueEnum};
use guanxi::io::{self, ImportMode, ImportOptions, ImportPlan, TransferError};
use guanxi::model::{Day, Network};
use guanxi::store::{Database, ImportSummary, StoreError};
use guanxi::synth::{self, Preset};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `brm import DIR --db FILE [--mode merge|replace] [--dry-run] [--verbose]`.
#[derive(Args)]
pub struct Import {
    /// The folder with accounts.csv, persons.csv, …
    dir: PathBuf,
    /// The database file (created if missing; a new file appears only once the import
    /// has committed).
    #[arg(long)]
    db: PathBuf,
    /// merge: upsert what the folder holds, which may refer to ids in the database;
    /// replace: the folder is the whole truth, and what it lacks is removed (docs/csv.md).
    #[arg(long, default_value = "merge")]
    mode: ImportMode,
    /// Show what the import would add, change and remove, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// List the external ids of what is added (+), changed (~) and removed (-).
    #[arg(long, short)]
    verbose: bool,
}

impl Import {
    /// Reads and checks the whole folder, compares it with the database, then writes the
    /// changes in one transaction (or, with --dry-run, only shows them).
    pub fn run(self) -> Result<ExitCode> {
        let bar = spinner(&format!("importing {}", self.dir.display()));
        let plan = self.plan().inspect_err(|_| bar.finish_and_clear())?;
        bar.finish_and_clear();
        let (dir, db, mode) = (self.dir.display(), self.db.display(), self.mode);
        let text = if self.verbose {
            plan.details().to_string()
        } else {
            plan.to_string()
        };
        // The process ends here: freeing the folder's network (every row read) record
        // by record would only delay the exit.
        std::mem::forget(plan);
        let plan = text;
        if self.dry_run {
            out!("would import {dir} into {db} ({mode}); nothing written: {plan}")?;
        } else {
            out!("imported {dir} into {db} ({mode}): {plan}")?;
        }
        Ok(ExitCode::SUCCESS)
    }

    /// The import's plan, carried out unless --dry-run.
    fn plan(&self) -> Result<ImportPlan> {
        let Import {
            dir,
            db,
            mode,
            dry_run,
            ..
        } = self;
        let failed = |e: TransferError| match e {
            TransferError::Store(e) => describe(db, e),
            e => e.to_string(),
        };
        if std::fs::metadata(db).is_ok_and(|m| m.len() > 0) {
            // Planned through a read-only handle, so that a dry run or a bad folder leaves
            // the file as it was, byte for byte; then carried out (checked again) in one
            // write transaction.
            let plan = io::plan_import(&open_read(db)?, dir, *mode).map_err(failed)?;
            if *dry_run {
                return Ok(plan);
            }
            let database = open_write(db)?;
            let done = match plan.apply(&database, now_millis()) {
                Ok(()) => Ok(plan),
                // Another process wrote in between: plan again, inside the write.
                Err(TransferError::DatabaseChanged) => {
                    let options = ImportOptions {
                        mode: *mode,
                        dry_run: false,
                    };
                    io::import_dir_with(&database, dir, options, now_millis())
                }
                Err(e) => Err(e),
            };
            return Ok(done.map_err(failed)?);
        }
        // A new database: the plan against an empty one; the file appears only once the
        // import has committed.
        let empty = Database::in_memory().map_err(|e| e.to_string())?;
        let plan = io::plan_import(&empty, dir, *mode).map_err(failed)?;
        if !dry_run {
            write_database(db, plan.folder().network(), true)?;
        }
        Ok(plan)
    }
}

/// `brm generate --preset P --seed S (--out DIR | --db FILE)`.
#[derive(Args)]
pub struct Generate {
    /// tiny, small, medium or large.
    #[arg(long, default_value = "small")]
    preset: String,
    /// Seed of the deterministic generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write a CSV folder here (a new or empty folder, unless --force).
    #[arg(long, conflicts_with = "db", required_unless_present = "db")]
    out: Option<PathBuf>,
    /// Write a new database file here.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Replace the CSV files of an existing folder given to --out (a database is never
    /// written over, nor generated into).
    #[arg(long)]
    force: bool,
}

impl Generate {
    /// Generates the network and writes it where asked.
    pub fn run(self) -> Result<ExitCode> {
        let preset: Preset = self.preset.parse().map_err(|e| format!("--preset: {e}"))?;
        if let Some(out) = &self.out {
            target_folder(out, self.force)?;
        }
        if let Some(db) = &self.db {
            if db.exists() {
                return Err(format!(
                    "{} exists; generate writes a new database only: choose a new path (or generate --out DIR, then brm import DIR --db {})",
                    db.display(),
                    db.display()
                )
                .into());
            }
        }
        let bar = spinner("generating");
        let net = synth::generate(preset, self.seed);
        if let Some(out) = self.out {
            bar.set_message(format!("writing {}", out.display()));
            io::write_csv_dir(&net, &out).map_err(|e| {
                bar.finish_and_clear();
                e.to_string()
            })?;
            bar.finish_and_clear();
            out!("wrote {net} to {}", out.display())?;
        } else if let Some(db) = self.db {
            bar.set_message(format!("writing {}", db.display()));
            write_database(&db, &net, false).inspect_err(|_| bar.finish_and_clear())?;
            bar.finish_and_clear();
            out!("wrote {net} to {}", db.display())?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Imports `net` into the database at `db`: into the existing database if there is one
/// (and `existing` allows it), else into a new file that appears only once the import has
/// committed — a failure leaves nothing behind.
fn write_database(db: &Path, net: &Network, existing: bool) -> Result<ImportSummary> {
    if existing && std::fs::metadata(db).is_ok_and(|m| m.len() > 0) {
        let database = Database::create(db).map_err(|e| describe(db, e))?;
        return database
            .import_network(net, now_millis())
            .map_err(|e| e.to_string().into());
    }
    if existing && db.exists() {
        // An empty file: a new database takes its place.
        std::fs::remove_file(db).map_err(|e| format!("{}: {e}", db.display()))?;
    }
    Database::create_new(db, net, now_millis()).map_err(|e| match e {
        e @ StoreError::Network(_) => e.to_string().into(),
        e => format!("{}: {e}; nothing was written", db.display()).into(),
    })
}

/// Refuses to write a CSV folder at `out` that holds files, unless `force`; never
/// writes over a database file.
fn target_folder(out: &Path, force: bool) -> Result<()> {
    if out.is_file() {
        return Err(if Database::is_database_file(out) {
            format!(
                "{} is a database file; brm never writes over a database: give a folder for the CSV files",
                out.display()
            )
        } else {
            format!("{} is a file; give a folder for the CSV files", out.display())
        }
        .into());
    }
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(()); // absent (it is created), or unreadable (the write says why)
    };
    let entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    if let Some(db) = entries.iter().find(|p| {
        p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"))
            && Database::is_database_file(p)
    }) {
        return Err(format!(
            "{} is a database file; brm never writes over a database, even with --force",
            db.display()
        )
        .into());
    }
    if !entries.is_empty() && !force {
        return Err(format!(
            "{} is a folder with files in it; choose a new or empty folder, or add --force to replace its CSV files",
            out.display()
        )
        .into());
    }
    Ok(())
}

/// Refuses to write the file `out` if it exists, unless `force`; never writes over a
/// database file.
fn target_file(out: &Path, force: bool) -> Result<()> {
    if Database::is_database_file(out) {
        return Err(format!(
            "{} is a database file; brm never writes over a database, even with --force: choose another --out",
            out.display()
        )
        .into());
    }
    if out.is_dir() {
        return Err(format!("{} is a folder; give a file name", out.display()).into());
    }
    if out.exists() && !force {
        return Err(format!(
            "{} exists; choose a new path, or add --force to replace it",
            out.display()
        )
        .into());
    }
    Ok(())
}

/// Writes `text` to `out` through `<out>.partial` and a rename, so that a failed write
/// leaves neither a cut file nor, with --force, a damaged old one.
fn write_file(out: &Path, text: &str) -> Result<()> {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    let tmp = out.with_file_name(name);
    let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, out));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}; nothing was written", out.display()).into()
    })
}

/// What `export` writes.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// A CSV folder.
    Csv,
    /// A DOT drawing.
    Dot,
    /// A GraphML drawing.
    Graphml,
}

/// `brm export --db FILE --format F --out PATH [--project X | --account A]`.
#[derive(Args)]
pub struct Export {
    /// The database file.
    #[arg(long)]
    db: PathBuf,
    /// csv (a folder), dot or graphml (a file).
    #[arg(long, value_enum)]
    format: Format,
    /// Where to write: a new file (dot, graphml) or a new or empty folder (csv).
    #[arg(long)]
    out: PathBuf,
    /// Replace an existing file, or the CSV files of an existing folder (a database file
    /// is never written over).
    #[arg(long)]
    force: bool,
    /// Draw this project's decision chain (dot/graphml).
    #[arg(long, conflicts_with = "account")]
    project: Option<String>,
    /// Draw this account's network (dot/graphml).
    #[arg(long)]
    account: Option<String>,
    /// Analysis date for a drawing: the network as its dated records stood that day
    /// (default: today).
    #[arg(long)]
    as_of: Option<String>,
    /// The analysis constants of a drawing's figures.
    #[command(flatten)]
    params: ParamArgs,
}

impl Export {
    /// Writes the CSV folder or the drawing.
    pub fn run(self) -> Result<ExitCode> {
        let Export {
            db,
            format,
            out,
            force,
            project,
            account,
            as_of,
            params,
        } = self;
        if matches!(format, Format::Csv) {
            target_folder(&out, force)?;
        } else {
            target_file(&out, force)?;
        }
        let params = params.params()?;
        let as_of = match as_of {
            Some(s) => parse_day(&s)?,
            None => today()?,
        };
        let drawing = match (format, &project, &account) {
            (Format::Csv, None, None) => {
                let net = load_network(&db)?;
                io::write_csv_dir(&net, &out).map_err(|e| e.to_string())?;
                out!("wrote {net} to {}", out.display())?;
                return Ok(ExitCode::SUCCESS);
            }
            (Format::Csv, ..) => {
                return Err("--project and --account go with --format dot or graphml".into())
            }
            (_, Some(x), _) => {
                let snap = load(&db)?;
                let x = snap
                    .project_by_xid(x)
                    .ok_or_else(|| format!("no project with id {x:?}"))?;
                io::draw::project_drawing(&snap, x, &params, as_of).map_err(|e| e.to_string())?
            }
            (_, None, Some(a)) => {
                let snap = load(&db)?;
                let a = snap
                    .account_by_xid(a)
                    .ok_or_else(|| format!("no account with id {a:?}"))?;
                io::draw::account_drawing(&snap, a, &params, as_of).map_err(|e| e.to_string())?
            }
            (_, None, None) => {
                return Err(
                    "dot and graphml draw one project (--project ID) or one account (--account ID)"
                        .into(),
                )
            }
        };
        let text = if matches!(format, Format::Dot) {
            drawing.to_dot()
        } else {
            drawing.to_graphml()
        };
        write_file(&out, &text)?;
        out!(
            "wrote {} nodes and {} edges to {}",
            drawing.nodes.len(),
            drawing.edges.len(),
            out.display()
        )?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Today's date (UTC), the default date of a drawing's figures.
fn today() -> Result<Day> {
    let days = i32::try_from(now_millis() / 86_400_000).unwrap_or(0);
    Day::from_days_since_epoch(days).ok_or_else(|| "the system clock is out of range".into())
}
