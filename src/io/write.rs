//! The exporter: a [`Network`] → a folder of CSV files that [`read_csv_dir`] reads back
//! into the same network.
//!
//! A person's employment goes where the reader expects it: a single period without dates
//! and title is the person's `account_id` in `persons.csv`; any other period — dated,
//! titled, or one of several — is a row of `employment.csv`.
//!
//! [`read_csv_dir`]: super::read_csv_dir

use super::error::CsvExportError;
use super::{
    Table, ACCOUNTS, CHAIN, COMPETES, EMPLOYEES, EMPLOYMENT, INFLUENCE, INTERACTIONS, OWNERS,
    PERSONS, PROJECTS, RIVAL_TIES, TABLES, TIES,
};
use crate::model::{
    AccountId, Day, Edge, EmployeeId, Network, NodeKind, OwnsTarget, PersonId, ProjectId, Score,
};
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// Writes `net` to `dir` in the interchange format (§5), creating the folder if
/// needed and replacing the twelve files if they exist.
///
/// All or nothing, file by file: each file is written under a temporary name
/// (`.accounts.csv.partial`, …) and the twelve are renamed into place only once all of
/// them are written. A failure (a full disk, a missing permission) removes the
/// temporary files, and the folder if this call created it, and leaves any files that
/// were there before untouched — never a truncated file that would read back as a
/// smaller network.
///
/// All twelve files are written, each with its header, rows in the order of the network's
/// nodes, edges and interactions. Numbers use the shortest form that reads back to the
/// same `f64`, booleans are `true`/`false`, and an absent value (or an empty title) is an
/// empty field. The network must pass [`Network::validate`], and what the importer
/// requires must be there — every node has a name and every project an account — so that
/// the folder reads back; nothing is written if not.
pub fn write_csv_dir(net: &Network, dir: &Path) -> Result<(), CsvExportError> {
    net.validate().map_err(CsvExportError::Invalid)?;
    let names = net
        .accounts
        .iter()
        .map(|n| (NodeKind::Account, &n.xid, &n.name))
        .chain(
            net.persons
                .iter()
                .map(|n| (NodeKind::Person, &n.xid, &n.name)),
        )
        .chain(
            net.employees
                .iter()
                .map(|n| (NodeKind::Employee, &n.xid, &n.name)),
        )
        .chain(
            net.projects
                .iter()
                .map(|n| (NodeKind::Project, &n.xid, &n.name)),
        );
    for (kind, xid, name) in names {
        if name.is_empty() {
            return Err(CsvExportError::EmptyName {
                kind,
                xid: xid.clone(),
            });
        }
    }
    // A person's plain account for persons.csv: its only period, if without dates and
    // title. `periods` counts each person's works_at edges.
    let mut periods = vec![0u32; net.persons.len()];
    let mut person_account = vec![None; net.persons.len()];
    let mut project_account = vec![None; net.projects.len()];
    for edge in &net.edges {
        match edge {
            Edge::WorksAt {
                person,
                account,
                employment,
            } => {
                periods[person.index()] += 1;
                person_account[person.index()] = employment.is_plain().then_some(*account);
            }
            Edge::Of { project, account } => project_account[project.index()] = Some(*account),
            _ => {}
        }
    }
    for (account, n) in person_account.iter_mut().zip(&periods) {
        if *n > 1 {
            *account = None;
        }
    }
    if let Some(i) = project_account.iter().position(Option::is_none) {
        return Err(CsvExportError::ProjectWithoutAccount {
            xid: net.projects[i].xid.clone(),
        });
    }
    let existed = dir.exists();
    std::fs::create_dir_all(dir).map_err(|source| CsvExportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    match write_tables(net, dir, &person_account, &project_account).and_then(|()| promote(dir)) {
        Ok(()) => Ok(()),
        Err(e) => {
            discard(dir, existed);
            Err(e)
        }
    }
}

/// The temporary name of `table`'s file in `dir`, until [`promote`] renames it.
fn staged(dir: &Path, table: &Table) -> PathBuf {
    dir.join(format!(".{}.partial", table.file))
}

/// Renames the twelve staged files to their names.
fn promote(dir: &Path) -> Result<(), CsvExportError> {
    for table in &TABLES {
        let to = dir.join(table.file);
        std::fs::rename(staged(dir, table), &to)
            .map_err(|source| CsvExportError::Io { path: to, source })?;
    }
    Ok(())
}

/// After a failure: removes the staged files, and `dir` if it did not exist before
/// (only if empty, so nothing of anybody else's goes). Best effort: the failure being
/// reported is the one that matters.
fn discard(dir: &Path, existed: bool) {
    for table in &TABLES {
        let _ = std::fs::remove_file(staged(dir, table));
    }
    if !existed {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Writes the twelve files under their staged names.
fn write_tables(
    net: &Network,
    dir: &Path,
    person_account: &[Option<AccountId>],
    project_account: &[Option<AccountId>],
) -> Result<(), CsvExportError> {
    let account = |a: AccountId| net.accounts[a.index()].xid.as_str();

    write_table(dir, ACCOUNTS, |w| {
        for a in &net.accounts {
            w.row(&[&a.xid, &a.name, a.kind.as_str()])?;
        }
        Ok(())
    })?;
    write_table(dir, PERSONS, |w| {
        for (p, acc) in net.persons.iter().zip(person_account) {
            let acc = acc.map_or("", account);
            w.row(&[&p.xid, &p.name, acc, p.title.as_deref().unwrap_or("")])?;
        }
        Ok(())
    })?;
    write_table(dir, EMPLOYEES, |w| {
        for e in &net.employees {
            w.row(&[&e.xid, &e.name, &date(e.left)])?;
        }
        Ok(())
    })?;
    write_table(dir, PROJECTS, |w| {
        for (x, acc) in net.projects.iter().zip(project_account) {
            let acc = acc.map_or("", account);
            w.row(&[
                &x.xid,
                &x.name,
                acc,
                x.stage.as_str(),
                &x.amount.get().to_string(),
            ])?;
        }
        Ok(())
    })?;
    write_edges(net, dir)?;
    write_time(net, dir, person_account)
}

/// Writes the employment and interaction files: every period not written as a
/// `persons.csv` account (`in_persons`), and every interaction, in the network's order.
fn write_time(
    net: &Network,
    dir: &Path,
    in_persons: &[Option<AccountId>],
) -> Result<(), CsvExportError> {
    let account = |a: AccountId| net.accounts[a.index()].xid.as_str();
    let person = |p: PersonId| net.persons[p.index()].xid.as_str();
    let employee = |e: EmployeeId| net.employees[e.index()].xid.as_str();
    let project = |x: ProjectId| net.projects[x.index()].xid.as_str();
    write_table(dir, EMPLOYMENT, |w| {
        for edge in &net.edges {
            if let Edge::WorksAt {
                person: p,
                account: a,
                employment,
            } = edge
            {
                if in_persons[p.index()].is_none() {
                    w.row(&[
                        person(*p),
                        account(*a),
                        &date(employment.since),
                        &date(employment.until),
                        employment.title.as_deref().unwrap_or(""),
                    ])?;
                }
            }
        }
        Ok(())
    })?;
    write_table(dir, INTERACTIONS, |w| {
        for i in &net.interactions {
            w.row(&[
                employee(i.employee),
                person(i.person),
                &i.date.to_string(),
                i.kind.as_str(),
                i.project.map_or("", project),
            ])?;
        }
        Ok(())
    })
}

/// A date as written: `YYYY-MM-DD`, or empty.
fn date(d: Option<Day>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Writes the tie, chain and influence files, rows in the order of the network's edges.
fn write_edges(net: &Network, dir: &Path) -> Result<(), CsvExportError> {
    let person = |p: PersonId| net.persons[p.index()].xid.as_str();
    let employee = |e: EmployeeId| net.employees[e.index()].xid.as_str();
    let project = |x: ProjectId| net.projects[x.index()].xid.as_str();
    write_table(dir, TIES, |w| {
        for edge in &net.edges {
            if let Edge::Tie {
                employee: e,
                person: p,
                tie,
            } = edge
            {
                let last = date(tie.last_contact);
                w.row(&[
                    employee(*e),
                    person(*p),
                    &tie.closeness.to_string(),
                    &last,
                    boolean(tie.private),
                ])?;
            }
        }
        Ok(())
    })?;
    write_table(dir, CHAIN, |w| {
        for edge in &net.edges {
            if let Edge::Member {
                person: p,
                project: x,
                member: m,
            } = edge
            {
                let opt = |s: Option<Score>| s.map(|s| s.to_string());
                w.row(&[
                    project(*x),
                    person(*p),
                    m.role.as_str(),
                    boolean(m.coach),
                    opt(m.solution).as_deref().unwrap_or(""),
                    opt(m.price).as_deref().unwrap_or(""),
                ])?;
            }
        }
        Ok(())
    })?;
    write_table(dir, INFLUENCE, |w| {
        for edge in &net.edges {
            match edge {
                Edge::ReportsTo {
                    person: p,
                    manager: m,
                    weight,
                } => w.row(&[person(*p), person(*m), "reports_to", &weight.to_string()])?,
                Edge::Influences { from, to, weight } => w.row(&[
                    person(*from),
                    person(*to),
                    "influences",
                    &weight.to_string(),
                ])?,
                _ => {}
            }
        }
        Ok(())
    })?;
    write_competition(net, dir)
}

/// Writes the competitor and ownership files, rows in the order of the network's edges.
fn write_competition(net: &Network, dir: &Path) -> Result<(), CsvExportError> {
    let account = |a: AccountId| net.accounts[a.index()].xid.as_str();
    let person = |p: PersonId| net.persons[p.index()].xid.as_str();
    let employee = |e: EmployeeId| net.employees[e.index()].xid.as_str();
    let project = |x: ProjectId| net.projects[x.index()].xid.as_str();
    write_table(dir, RIVAL_TIES, |w| {
        for edge in &net.edges {
            if let Edge::RivalTie {
                competitor: k,
                person: p,
                closeness,
            } = edge
            {
                w.row(&[account(*k), person(*p), &closeness.to_string()])?;
            }
        }
        Ok(())
    })?;
    write_table(dir, COMPETES, |w| {
        for edge in &net.edges {
            if let Edge::Competes {
                competitor: k,
                project: x,
            } = edge
            {
                w.row(&[account(*k), project(*x)])?;
            }
        }
        Ok(())
    })?;
    write_table(dir, OWNERS, |w| {
        for edge in &net.edges {
            if let Edge::Owns {
                employee: e,
                target,
            } = edge
            {
                let (kind, id) = match *target {
                    OwnsTarget::Account(a) => ("account", account(a)),
                    OwnsTarget::Project(x) => ("project", project(x)),
                };
                w.row(&[employee(*e), kind, id])?;
            }
        }
        Ok(())
    })
}

fn boolean(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// A CSV file being written.
struct Sheet {
    wtr: csv::Writer<BufWriter<File>>,
}

impl Sheet {
    fn row(&mut self, fields: &[&str]) -> io::Result<()> {
        self.wtr.write_record(fields).map_err(into_io)
    }
}

fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Creates `table`'s staged file in `dir`, writes the header, lets `rows` write the
/// rows, and flushes. An error names the file by its final name, `dir/table.file`.
fn write_table(
    dir: &Path,
    table: Table,
    rows: impl FnOnce(&mut Sheet) -> io::Result<()>,
) -> Result<(), CsvExportError> {
    let fail = |source| CsvExportError::Io {
        path: dir.join(table.file),
        source,
    };
    let file = File::create(staged(dir, &table)).map_err(fail)?;
    let mut sheet = Sheet {
        wtr: csv::WriterBuilder::new().from_writer(BufWriter::new(file)),
    };
    sheet.row(table.columns).map_err(fail)?;
    rows(&mut sheet).map_err(fail)?;
    sheet.wtr.flush().map_err(fail)
}
