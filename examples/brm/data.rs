//! Data in and out: `import` a CSV folder, `generate` a synthetic network, `export` the
//! database as CSV or a drawing.

use crate::options::{load, load_network, now_millis, parse_day, spinner};
use crate::Result;
use clap::{Args, ValueEnum};
use guanxi::analysis::Params;
use guanxi::io;
use guanxi::model::Day;
use guanxi::store::Database;
use guanxi::synth::{self, Preset};
use std::path::PathBuf;
use std::process::ExitCode;

/// `brm import DIR --db FILE`.
#[derive(Args)]
pub struct Import {
    /// The folder with accounts.csv, persons.csv, …
    dir: PathBuf,
    /// The database file (created if missing).
    #[arg(long)]
    db: PathBuf,
}

impl Import {
    /// Reads and checks the whole folder, then writes it in one transaction.
    pub fn run(self) -> Result<ExitCode> {
        let Import { dir, db } = self;
        let bar = spinner(&format!("reading {}", dir.display()));
        let net = io::read_csv_dir(&dir).map_err(|e| {
            bar.finish_and_clear();
            e.to_string()
        })?;
        bar.set_message(format!("writing {net}"));
        let database = Database::create(&db).map_err(|e| {
            bar.finish_and_clear();
            format!("{}: {e}", db.display())
        })?;
        let s = database.import_network(&net, now_millis()).map_err(|e| {
            bar.finish_and_clear();
            e.to_string()
        })?;
        bar.finish_and_clear();
        out!(
            "imported {} into {}: nodes {} added, {} updated, {} unchanged; edges {} added, {} replaced, {} unchanged",
            dir.display(),
            db.display(),
            s.nodes_added,
            s.nodes_updated,
            s.nodes_unchanged,
            s.edges_added,
            s.edges_replaced,
            s.edges_unchanged
        )?;
        Ok(ExitCode::SUCCESS)
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
    /// Write a CSV folder here.
    #[arg(long, conflicts_with = "db", required_unless_present = "db")]
    out: Option<PathBuf>,
    /// Write into this database file.
    #[arg(long)]
    db: Option<PathBuf>,
}

impl Generate {
    /// Generates the network and writes it where asked.
    pub fn run(self) -> Result<ExitCode> {
        let preset: Preset = self.preset.parse().map_err(|e| format!("--preset: {e}"))?;
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
            let database = Database::create(&db).map_err(|e| {
                bar.finish_and_clear();
                format!("{}: {e}", db.display())
            })?;
            database.import_network(&net, now_millis()).map_err(|e| {
                bar.finish_and_clear();
                e.to_string()
            })?;
            bar.finish_and_clear();
            out!("wrote {net} to {}", db.display())?;
        }
        Ok(ExitCode::SUCCESS)
    }
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
    /// Where to write.
    #[arg(long)]
    out: PathBuf,
    /// Draw this project's decision chain (dot/graphml).
    #[arg(long, conflicts_with = "account")]
    project: Option<String>,
    /// Draw this account's network (dot/graphml).
    #[arg(long)]
    account: Option<String>,
    /// Analysis date for the figures in a drawing (default: today).
    #[arg(long)]
    as_of: Option<String>,
}

impl Export {
    /// Writes the CSV folder or the drawing.
    pub fn run(self) -> Result<ExitCode> {
        let Export {
            db,
            format,
            out,
            project,
            account,
            as_of,
        } = self;
        let params = Params::default();
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
        std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
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
