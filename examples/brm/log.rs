//! The database's history: `brm log` lists its commits, and `report --at-commit N` reads
//! the database as it stood after commit N (the library rebuilds it from the change log:
//! `Read::network_at_commit`).

use crate::options::{describe, open_read, parse_day, Common, Prepared};
use crate::Result;
use clap::Args;
use guanxi::graph::Snapshot;
use guanxi::store::{Commit, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `brm log --db FILE [--from N] [--json]`.
#[derive(Args)]
pub struct Log {
    /// The database file.
    #[arg(long)]
    db: PathBuf,
    /// The first commit to list.
    #[arg(long, default_value_t = 1)]
    from: u64,
    /// One JSON object per line: the number, time, entry range and changes of each commit.
    #[arg(long)]
    json: bool,
}

impl Log {
    /// One line per commit: its number, its time, and how many nodes, edges and
    /// interactions it added (+), changed (~) and removed (-). Reads the file only.
    pub fn run(self) -> Result<ExitCode> {
        let db = open_read(&self.db)?;
        let r = db.begin_read().map_err(|e| describe(&self.db, e))?;
        let mut from = self.from;
        loop {
            let page = r.commits(from, 1000).map_err(|e| describe(&self.db, e))?;
            let Some(last) = page.last() else {
                break;
            };
            from = last.number + 1;
            for c in &page {
                if self.json {
                    let line = serde_json::to_string(c).map_err(|e| e.to_string())?;
                    out!("{line}")?;
                } else {
                    out!("{}", line(c))?;
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// `commit 2  2025-06-30 09:41:07.250 UTC  nodes +2 ~24 -0, edges +56 ~19 -6, interactions +32 ~0 -0`.
fn line(c: &Commit) -> String {
    format!("commit {}  {}  {}", c.number, when(c.time), c.changes)
}

/// A commit's time: `brm` stamps its writes with the clock in milliseconds since 1970
/// (UTC); a time no clock could give (another program's stamp) is shown as it is.
fn when(time: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(time) * 1_000_000);
    let shown = at.ok().and_then(|t| {
        t.format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3] UTC"
        ))
        .ok()
    });
    shown.unwrap_or_else(|| time.to_string())
}

/// The options, date and snapshot of a query — of the database as it stood after commit
/// `at_commit` when one is given (`report --at-commit N`), else as it is.
pub fn prepare(common: &Common, at_commit: Option<u64>) -> Result<Prepared> {
    let Some(n) = at_commit else {
        return common.prepare();
    };
    let params = common.params.params()?;
    let as_of = parse_day(&common.as_of)?;
    let snap = load_at_commit(&common.db, n)?;
    Ok(Prepared {
        params,
        as_of,
        snap,
    })
}

/// The snapshot of the database at `path` as it stood after commit `n`, through a
/// read-only handle.
pub fn load_at_commit(path: &Path, n: u64) -> Result<Snapshot> {
    let db = open_read(path)?;
    let r = db.begin_read().map_err(|e| describe(path, e))?;
    let (net, _) = r
        .network_at_commit(n)
        .map_err(|e| format!("--at-commit {n}: {}", describe(path, e)))?;
    Ok(Snapshot::from_network(&net))
}
