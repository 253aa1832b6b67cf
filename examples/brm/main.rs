//! `brm` — the guanxi command line: import CSV folders, generate synthetic networks,
//! and ask the analyses of docs/analyses.md from a terminal or a script.
//!
//! ```text
//! brm generate --preset small --seed 7 --out net/      # CSV folder (or --db FILE)
//! brm import net/ --db crm.redb
//! brm report --db crm.redb --as-of 2025-06-30 --json   # the JSON report on stdout
//! brm log --db crm.redb                               # the commits, one per line
//! brm report --db crm.redb --at-commit 3 --as-of 2025-06-30   # as it stood then
//! brm chain --db crm.redb --project x3 --as-of 2025-06-30
//! brm path --db crm.redb --to p17 --as-of 2025-06-30 --k 5
//! brm departure --db crm.redb --employee e3 --as-of 2025-06-30
//! brm levers --db crm.redb --project x3 --as-of 2025-06-30  # whom to work on next
//! brm whatif --db crm.redb --project x3 --as-of 2025-06-30 --win-over p17 --leave e3
//! brm claims --db crm.redb --as-of 2025-06-30      # accounts two sellers claim
//! brm protection --db crm.redb --as-of 2025-06-30 --expired  # untouched accounts
//! brm export --db crm.redb --format dot --project x3 --out x3.dot
//! brm check --db crm.redb
//! brm erase --db crm.redb --person p17                # right to be forgotten
//! brm backup --db crm.redb --out copy.redb            # online, consistent
//! brm compact --db crm.redb                           # rewrite with live data only
//! ```
//!
//! Every analysis constant is an option (`--half-life 90`, `--damping 0.9`, …) whose
//! default is `Params::default()`. Errors go to stderr with a non-zero exit status.
//!
//! One file per concern: [`options`] (what every query shares), [`data`] (import,
//! generate, export), [`query`] (report, chain, path, departure, levers, claims,
//! protection), [`whatif`], [`admin`] (check, erase, compact, backup), [`log`] (log, and
//! `report --at-commit`), [`render`] (the readable text of each result) and [`output`]
//! (standard output and its failures).

// `output` first: its `out!` macro is visible to the modules declared after it.
#[macro_use]
mod output;
mod admin;
mod data;
mod log;
mod options;
mod query;
mod render;
mod timings;
mod whatif;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The command line.
#[derive(Parser)]
#[command(
    name = "brm",
    version,
    about = "guanxi: business relationship management on an embedded graph database"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Every command; each group's arguments and work live in its own module.
#[derive(Subcommand)]
enum Command {
    /// Import a CSV folder (docs/csv.md) into a database, in one transaction.
    Import(data::Import),
    /// Generate a synthetic network, as a CSV folder or straight into a database.
    Generate(data::Generate),
    /// The full report: readable tables, or the JSON report (docs/report.md) with --json.
    Report(query::ReportArgs),
    /// One project's decision chain: members, values, stances, gaps, coaches.
    Chain(query::Chain),
    /// The employees with the strongest paths to a person.
    Path(query::PathArgs),
    /// What the departure of an employee would cost, and who should take over.
    Departure(query::Departure),
    /// Whom to work on next in a project: the persons whose stance moves the consensus
    /// most, and the employee who can best reach each.
    Levers(query::LeversArgs),
    /// One project's analysis before and after hypothetical changes (a person won
    /// over, a tie, an employee leaving, a rival's tie); the database is only read.
    Whatif(whatif::WhatIfArgs),
    /// Accounts claimed by two or more sellers, most pipeline at stake first, each with
    /// its claimants and who holds it.
    Claims(query::ClaimsArgs),
    /// Protected accounts (with a direct owner), worst first: expired, never contacted,
    /// longest without contact.
    Protection(query::ProtectionArgs),
    /// Export the database as CSV, or an account's or project's network as DOT/GraphML.
    Export(data::Export),
    /// Erase a person for good (right to be forgotten): the record, every edge, every
    /// change-log entry; then rewrite the file so that no byte of them remains.
    Erase(admin::Erase),
    /// Copy a consistent snapshot of the database to a new file while writers go on.
    Backup(admin::Backup),
    /// Verify every page and every invariant of the database, without writing it; exit
    /// status 0 only when clean.
    Check(admin::Check),
    /// Rewrite the database file with its live data only: the smallest file, and no byte
    /// of erased data left (finishes an erasure whose rewrite failed).
    Compact(admin::Compact),
    /// The commits: number, time, and the nodes, edges and interactions each added (+),
    /// changed (~) and removed (-).
    Log(log::Log),
}

/// Why a command stopped.
#[derive(Debug)]
pub enum Failure {
    /// A message for the user (what went wrong and what to do).
    Message(String),
    /// Standard output could not be written.
    Stdout(std::io::Error),
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Message(s)
    }
}

impl From<&str> for Failure {
    fn from(s: &str) -> Self {
        Failure::Message(s.to_owned())
    }
}

/// What every command returns: its exit status, or why it stopped.
pub type Result<T> = std::result::Result<T, Failure>;

fn main() -> ExitCode {
    output::quiet_panics();
    let cli = Cli::parse();
    // A panic is a bug; it still ends with a message and status 1, never with a crash.
    let result = std::panic::catch_unwind(|| run(cli.command))
        .unwrap_or_else(|_| Err(Failure::Message(output::panic_message())))
        .and_then(|code| output::flush().map(|()| code));
    match result {
        Ok(code) => code,
        Err(Failure::Message(e)) => {
            output::error(&e);
            ExitCode::FAILURE
        }
        // `brm … | head`: the reader has all it wanted.
        Err(Failure::Stdout(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Stdout(e)) => {
            output::error(&format!(
                "cannot write to standard output: {e}; the output is incomplete (check the disk or the pipe it goes to)"
            ));
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Import(c) => c.run(),
        Command::Generate(c) => c.run(),
        Command::Report(c) => c.run(),
        Command::Chain(c) => c.run(),
        Command::Path(c) => c.run(),
        Command::Departure(c) => c.run(),
        Command::Levers(c) => c.run(),
        Command::Whatif(c) => c.run(),
        Command::Claims(c) => c.run(),
        Command::Protection(c) => c.run(),
        Command::Export(c) => c.run(),
        Command::Erase(c) => c.run(),
        Command::Backup(c) => c.run(),
        Command::Check(c) => c.run(),
        Command::Compact(c) => c.run(),
        Command::Log(c) => c.run(),
    }
}
