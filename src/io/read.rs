//! The importer: a folder of CSV files → a validated [`Network`].
//!
//! Each file is read whole into memory and parsed with the `csv` crate as raw byte
//! records (`flexible`, no header handling), so that this module — not the parser —
//! decides what a header, a row of the wrong width, an invalid UTF-8 field or a line
//! number is. Reading whole files also lets the reader compute the *physical* line where
//! each record starts: the parser skips blank lines silently and positions a record just
//! after the previous one, so the reader steps over the skipped line breaks itself.

use super::error::{CsvImportError, RowError, RowErrorKind, RowErrors};
use super::{
    Table, ACCOUNTS, CHAIN, COMPETES, EMPLOYEES, INFLUENCE, MAX_REPORTED_PROBLEMS, OWNERS, PERSONS,
    PROJECTS, RIVAL_TIES, TIES,
};
use crate::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, EdgeKind, Employee, EmployeeId, Employment,
    Member, Network, OwnsTarget, Person, PersonId, Project, ProjectId, Role, Score, Stage, Tie,
};
use csv::ByteRecord;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;
use std::str::FromStr;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The widest file of the format (`chain.csv`) has six columns.
const MAX_COLUMNS: usize = 6;

/// The `reports_to` weight used when `influence.csv` leaves it empty.
pub(crate) const DEFAULT_REPORTS_TO_WEIGHT: f64 = 0.8;

fn default_reports_to() -> Score {
    // 0.8 is in [0, 1], so the fallback is never taken; it only avoids a panic path.
    Score::new(DEFAULT_REPORTS_TO_WEIGHT).unwrap_or(Score::ONE)
}

/// Reads a folder in the interchange format (§5) into a [`Network`].
///
/// Every file but `accounts.csv` may be absent. Nothing is returned if anything is wrong:
/// the error lists every problem found (up to [`MAX_REPORTED_PROBLEMS`]) as
/// `file:line: reason`, in the order of the format's files, then by line. See the
/// [module documentation](super) for the format and its rules.
///
/// ```no_run
/// let network = guanxi::io::read_csv_dir(std::path::Path::new("examples/tiny"))?;
/// println!("{network}");
/// # Ok::<(), guanxi::io::CsvImportError>(())
/// ```
pub fn read_csv_dir(dir: &Path) -> Result<Network, CsvImportError> {
    let meta = std::fs::metadata(dir).map_err(|source| CsvImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(CsvImportError::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let Some(accounts) = load(dir, ACCOUNTS)? else {
        return Err(CsvImportError::MissingAccounts {
            path: dir.join(ACCOUNTS.file),
        });
    };
    let mut errs = Collector::default();
    let mut imp = Importer::default();
    let e = &mut errs;
    imp.accounts.broken = !read_rows(ACCOUNTS, &accounts, e, &mut imp, Importer::account);
    drop(accounts);
    imp.persons.broken = !read_file(dir, PERSONS, e, &mut imp, Importer::person)?;
    imp.employees.broken = !read_file(dir, EMPLOYEES, e, &mut imp, Importer::employee)?;
    imp.projects.broken = !read_file(dir, PROJECTS, e, &mut imp, Importer::project)?;
    read_file(dir, TIES, e, &mut imp, Importer::tie)?;
    read_file(dir, CHAIN, e, &mut imp, Importer::member)?;
    read_file(dir, INFLUENCE, e, &mut imp, Importer::influence)?;
    read_file(dir, RIVAL_TIES, e, &mut imp, Importer::rival_tie)?;
    read_file(dir, COMPETES, e, &mut imp, Importer::competes)?;
    read_file(dir, OWNERS, e, &mut imp, Importer::owns)?;

    if !errs.0.errors.is_empty() {
        return Err(CsvImportError::Rows(errs.0));
    }
    let net = imp.net;
    net.validate().map_err(CsvImportError::Invalid)?;
    Ok(net)
}

/// The contents of a file, `None` if it does not exist.
fn load(dir: &Path, table: Table) -> Result<Option<Vec<u8>>, CsvImportError> {
    let path = dir.join(table.file);
    match std::fs::read(&path) {
        Ok(data) => Ok(Some(data)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CsvImportError::Io { path, source }),
    }
}

/// What the importer does with one row of a file.
type OnRow = fn(&mut Importer, &mut Row<'_>, &[&str]);

/// Reads an optional file; `Ok(true)` if it is absent or its header is usable.
fn read_file(
    dir: &Path,
    table: Table,
    errs: &mut Collector,
    imp: &mut Importer,
    on_row: OnRow,
) -> Result<bool, CsvImportError> {
    Ok(match load(dir, table)? {
        Some(data) => read_rows(table, &data, errs, imp, on_row),
        None => true,
    })
}

/// Reads a file's contents, first sizing the importer's tables for its rows (at most one
/// per line), so that they never grow while reading.
fn read_rows(
    table: Table,
    data: &[u8],
    errs: &mut Collector,
    imp: &mut Importer,
    on_row: OnRow,
) -> bool {
    let lines = data.split(|&b| b == b'\n').count();
    imp.reserve(table, lines);
    each_row(table, data, errs, |r, f| on_row(imp, r, f))
}

/// Keeps the first [`MAX_REPORTED_PROBLEMS`] problems and counts the rest.
#[derive(Default)]
struct Collector(RowErrors);

impl Collector {
    fn push(&mut self, error: RowError) {
        if self.0.errors.len() < MAX_REPORTED_PROBLEMS {
            self.0.errors.push(error);
        } else {
            self.0.omitted += 1;
        }
    }
}

/// Finds the physical line where each record starts.
///
/// The parser positions a record right after the previous one, before any blank lines
/// it then skips, and counts only `\n` as a line break. The counter instead steps over
/// the skipped line breaks to the record's first byte and counts every line break on the
/// way — `\n`, `\r\n` and a lone `\r` — including those inside quoted fields.
struct Lines<'b> {
    body: &'b [u8],
    /// Bytes before `offset` have been counted…
    offset: usize,
    /// …and hold this many line breaks.
    breaks: u64,
}

impl<'b> Lines<'b> {
    fn new(body: &'b [u8]) -> Self {
        Lines {
            body,
            offset: 0,
            breaks: 0,
        }
    }

    /// The line (1-based) where `record` starts; records must come in file order.
    fn start(&mut self, record: &ByteRecord) -> u64 {
        let from = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(self.offset)
            .clamp(self.offset, self.body.len());
        let start = from
            + self.body[from..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
        let body = self.body;
        for i in self.offset..start {
            let lone_cr = body[i] == b'\r' && body.get(i + 1) != Some(&b'\n');
            if body[i] == b'\n' || lone_cr {
                self.breaks += 1;
            }
        }
        self.offset = start;
        self.breaks + 1
    }
}

/// Parses one file and calls `on_row` with the listed columns of every well-formed row,
/// in the table's column order. Returns whether the header was usable.
fn each_row(
    table: Table,
    data: &[u8],
    errs: &mut Collector,
    mut on_row: impl FnMut(&mut Row<'_>, &[&str]),
) -> bool {
    let body = data.strip_prefix(BOM).unwrap_or(data);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut record = ByteRecord::new();
    // Reading from memory, the parser cannot fail: every byte sequence is some CSV.
    let has_header = rdr.read_byte_record(&mut record).unwrap_or(false);
    let mut lines = Lines::new(body);
    let header_line = if has_header { lines.start(&record) } else { 1 };
    let mut index = [0usize; MAX_COLUMNS];
    let mut usable = true;
    for (k, column) in table.columns.iter().enumerate() {
        let mut hits = record
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == column.as_bytes())
            .map(|(i, _)| i);
        let kind = match (hits.next(), hits.next()) {
            (Some(i), None) => {
                index[k] = i;
                continue;
            }
            (None, _) => RowErrorKind::MissingColumn {
                column,
                required: table.columns,
            },
            (Some(_), Some(_)) => RowErrorKind::DuplicateColumn { column },
        };
        usable = false;
        errs.push(RowError {
            file: table.file,
            line: header_line,
            kind,
        });
    }
    if !usable {
        return false;
    }
    let width = record.len();
    let n = table.columns.len();
    while rdr.read_byte_record(&mut record).unwrap_or(false) {
        let mut row = Row {
            file: table.file,
            line: lines.start(&record),
            errs,
            ok: true,
        };
        if record.len() != width {
            row.fail(RowErrorKind::FieldCount {
                expected: width,
                found: record.len(),
            });
            continue;
        }
        let mut fields = [""; MAX_COLUMNS];
        for (k, column) in table.columns.iter().enumerate() {
            match std::str::from_utf8(&record[index[k]]) {
                Ok(s) => fields[k] = s,
                Err(_) => row.fail(RowErrorKind::InvalidUtf8 { column }),
            }
        }
        if row.ok {
            on_row(&mut row, &fields[..n]);
        }
    }
    true
}

/// One record being checked: parsing helpers that report problems at its line.
struct Row<'a> {
    file: &'static str,
    line: u64,
    errs: &'a mut Collector,
    ok: bool,
}

impl Row<'_> {
    fn fail(&mut self, kind: RowErrorKind) {
        self.ok = false;
        self.errs.push(RowError {
            file: self.file,
            line: self.line,
            kind,
        });
    }

    /// A required field: `None` (reported) if empty.
    fn required<'s>(&mut self, column: &'static str, value: &'s str) -> Option<&'s str> {
        if value.is_empty() {
            self.fail(RowErrorKind::Empty { column });
            None
        } else {
            Some(value)
        }
    }

    /// A required score; `None` (reported) if empty or bad.
    fn score(&mut self, column: &'static str, value: &str) -> Option<Score> {
        let value = self.required(column, value)?;
        self.opt_score(column, value)
    }

    /// An optional score: `None` if empty, or if bad (then reported, and `ok` is false).
    fn opt_score(&mut self, column: &'static str, value: &str) -> Option<Score> {
        if value.is_empty() {
            return None;
        }
        let parsed = Score::from_str(value).ok();
        if parsed.is_none() {
            self.fail(RowErrorKind::BadScore {
                column,
                value: value.to_owned(),
            });
        }
        parsed
    }

    /// A boolean: `true`, `false` or empty (= false); a bad one is reported.
    fn boolean(&mut self, column: &'static str, value: &str) -> bool {
        match value {
            "true" => true,
            "false" | "" => false,
            _ => {
                self.fail(RowErrorKind::BadBool {
                    column,
                    value: value.to_owned(),
                });
                false
            }
        }
    }

    /// An optional `YYYY-MM-DD` date: `None` if empty, or if bad (then reported).
    fn date(&mut self, column: &'static str, value: &str) -> Option<Day> {
        if value.is_empty() {
            return None;
        }
        let parsed = Day::from_str(value).ok();
        if parsed.is_none() {
            self.fail(RowErrorKind::BadDate {
                column,
                value: value.to_owned(),
            });
        }
        parsed
    }

    /// A required word of a vocabulary.
    fn word<T: FromStr>(
        &mut self,
        column: &'static str,
        value: &str,
        expected: &'static str,
    ) -> Option<T> {
        let value = self.required(column, value)?;
        let parsed = T::from_str(value).ok();
        if parsed.is_none() {
            self.fail(RowErrorKind::UnknownValue {
                column,
                value: value.to_owned(),
                expected,
            });
        }
        parsed
    }
}

const ROLES: &str = "approver, vetoer, decision_maker, evaluator, influencer or user";
const STAGES: &str = "lead, validation, pursuit, won or lost";
const ACCOUNT_KINDS: &str = "client, competitor, partner, or empty for client";
const INFLUENCE_KINDS: &str = "reports_to or influences";
const TARGET_KINDS: &str = "account or project";

/// The external ids of one node type, with the line that defined each.
#[derive(Default)]
struct Ids {
    file: &'static str,
    map: HashMap<String, (u32, u64)>,
    /// The file's header was unusable: references into it are not reported as unknown,
    /// since the header problem already explains them.
    broken: bool,
}

impl Ids {
    fn new(table: Table) -> Ids {
        Ids {
            file: table.file,
            ..Ids::default()
        }
    }

    /// Registers a new id (the node's dense index is the number of ids so far); `None`
    /// (reported) if the id is empty or already used.
    fn register(&mut self, row: &mut Row<'_>, id: &str) -> Option<u32> {
        let id = row.required("id", id)?;
        let next = u32::try_from(self.map.len()).unwrap_or(u32::MAX);
        match self.map.entry(id.to_owned()) {
            Entry::Occupied(e) => {
                row.fail(RowErrorKind::DuplicateId {
                    id: id.to_owned(),
                    first_line: e.get().1,
                });
                None
            }
            Entry::Vacant(e) => {
                e.insert((next, row.line));
                Some(next)
            }
        }
    }

    /// Resolves a required reference; `None` (reported) if empty or unknown.
    fn resolve(&self, row: &mut Row<'_>, column: &'static str, id: &str) -> Option<u32> {
        let id = row.required(column, id)?;
        let index = self.map.get(id).map(|&(index, _)| index);
        if index.is_none() {
            if self.broken {
                row.ok = false;
            } else {
                row.fail(RowErrorKind::UnknownId {
                    column,
                    id: id.to_owned(),
                    file: self.file,
                });
            }
        }
        index
    }
}

/// Remembers the line of each edge's first row, to find duplicate rows.
struct Seen<K>(HashMap<K, u64>);

impl<K: std::hash::Hash + Eq> Seen<K> {
    fn new() -> Self {
        Seen(HashMap::new())
    }

    /// `true` if `key` is new; otherwise reports a duplicate row.
    fn first(&mut self, row: &mut Row<'_>, edge: EdgeKind, key: K) -> bool {
        match self.0.entry(key) {
            Entry::Occupied(e) => {
                row.fail(RowErrorKind::DuplicateEdge {
                    edge,
                    first_line: *e.get(),
                });
                false
            }
            Entry::Vacant(e) => {
                e.insert(row.line);
                true
            }
        }
    }
}

/// The network being built and the indexes needed to resolve references.
struct Importer {
    net: Network,
    accounts: Ids,
    persons: Ids,
    employees: Ids,
    projects: Ids,
    /// Each account's kind; `None` where the row's kind was bad.
    account_kinds: Vec<Option<AccountKind>>,
    ties: Seen<(u32, u32)>,
    members: Seen<(u32, u32)>,
    influence: Seen<(EdgeKind, u32, u32)>,
    rival_ties: Seen<(u32, u32)>,
    competes: HashSet<(u32, u32)>,
    owners: HashSet<(u32, OwnsTarget)>,
}

impl Default for Importer {
    fn default() -> Self {
        Importer {
            net: Network::new(),
            accounts: Ids::new(ACCOUNTS),
            persons: Ids::new(PERSONS),
            employees: Ids::new(EMPLOYEES),
            projects: Ids::new(PROJECTS),
            account_kinds: Vec::new(),
            ties: Seen::new(),
            members: Seen::new(),
            influence: Seen::new(),
            rival_ties: Seen::new(),
            competes: HashSet::new(),
            owners: HashSet::new(),
        }
    }
}

impl Importer {
    /// Makes room for `rows` more rows of `table`.
    fn reserve(&mut self, table: Table, rows: usize) {
        match table.file {
            f if f == ACCOUNTS.file => {
                self.accounts.map.reserve(rows);
                self.net.accounts.reserve(rows);
            }
            f if f == PERSONS.file => {
                self.persons.map.reserve(rows);
                self.net.persons.reserve(rows);
            }
            f if f == EMPLOYEES.file => {
                self.employees.map.reserve(rows);
                self.net.employees.reserve(rows);
            }
            f if f == PROJECTS.file => {
                self.projects.map.reserve(rows);
                self.net.projects.reserve(rows);
            }
            f if f == TIES.file => self.ties.0.reserve(rows),
            f if f == CHAIN.file => self.members.0.reserve(rows),
            f if f == INFLUENCE.file => self.influence.0.reserve(rows),
            f if f == RIVAL_TIES.file => self.rival_ties.0.reserve(rows),
            f if f == COMPETES.file => self.competes.reserve(rows),
            _ => self.owners.reserve(rows),
        }
        self.net.edges.reserve(rows);
    }

    // Each method receives the listed columns in the table's order.

    fn account(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let index = self.accounts.register(r, f[0]);
        let name = r.required("name", f[1]);
        let kind = if f[2].is_empty() {
            Some(AccountKind::Client)
        } else {
            r.word::<AccountKind>("kind", f[2], ACCOUNT_KINDS)
        };
        if index.is_some() {
            self.account_kinds.push(kind);
            self.net.accounts.push(Account {
                xid: f[0].to_owned(),
                name: name.unwrap_or_default().to_owned(),
                kind: kind.unwrap_or(AccountKind::Client),
            });
        }
    }

    fn person(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let index = self.persons.register(r, f[0]);
        let name = r.required("name", f[1]);
        let account = if f[2].is_empty() {
            None
        } else {
            self.accounts.resolve(r, "account_id", f[2])
        };
        let Some(index) = index else { return };
        self.net.persons.push(Person {
            xid: f[0].to_owned(),
            name: name.unwrap_or_default().to_owned(),
            title: (!f[3].is_empty()).then(|| f[3].to_owned()),
        });
        if let (Some(account), true) = (account, r.ok) {
            self.net.edges.push(Edge::WorksAt {
                person: PersonId(index),
                account: AccountId(account),
                employment: Employment::default(),
            });
        }
    }

    fn employee(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let index = self.employees.register(r, f[0]);
        let name = r.required("name", f[1]);
        if index.is_some() {
            self.net.employees.push(Employee {
                xid: f[0].to_owned(),
                name: name.unwrap_or_default().to_owned(),
                left: None,
            });
        }
    }

    fn project(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let index = self.projects.register(r, f[0]);
        let name = r.required("name", f[1]);
        let account = self.accounts.resolve(r, "account_id", f[2]);
        let stage = r.word::<Stage>("stage", f[3], STAGES);
        let amount = if f[4].is_empty() {
            Some(Amount::default())
        } else if let Ok(a) = Amount::from_str(f[4]) {
            Some(a)
        } else {
            r.fail(RowErrorKind::BadAmount {
                column: "amount",
                value: f[4].to_owned(),
            });
            None
        };
        let Some(index) = index else { return };
        self.net.projects.push(Project {
            xid: f[0].to_owned(),
            name: name.unwrap_or_default().to_owned(),
            stage: stage.unwrap_or(Stage::Lead),
            amount: amount.unwrap_or_default(),
        });
        if let (Some(account), true) = (account, r.ok) {
            self.net.edges.push(Edge::Of {
                project: ProjectId(index),
                account: AccountId(account),
            });
        }
    }

    fn tie(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let employee = self.employees.resolve(r, "employee_id", f[0]);
        let person = self.persons.resolve(r, "person_id", f[1]);
        let new = match (employee, person) {
            (Some(e), Some(p)) => self.ties.first(r, EdgeKind::Tie, (e, p)),
            _ => false,
        };
        let closeness = r.score("closeness", f[2]);
        let last_contact = r.date("last_contact", f[3]);
        let private = r.boolean("private", f[4]);
        if let (true, Some(e), Some(p), Some(closeness)) =
            (new && r.ok, employee, person, closeness)
        {
            self.net.edges.push(Edge::Tie {
                employee: EmployeeId(e),
                person: PersonId(p),
                tie: Tie {
                    closeness,
                    last_contact,
                    private,
                },
            });
        }
    }

    fn member(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let project = self.projects.resolve(r, "project_id", f[0]);
        let person = self.persons.resolve(r, "person_id", f[1]);
        let new = match (project, person) {
            (Some(x), Some(p)) => self.members.first(r, EdgeKind::Member, (x, p)),
            _ => false,
        };
        let role = r.word::<Role>("role", f[2], ROLES);
        let coach = r.boolean("coach", f[3]);
        let solution = r.opt_score("solution", f[4]);
        let price = r.opt_score("price", f[5]);
        if let (true, Some(x), Some(p), Some(role)) = (new && r.ok, project, person, role) {
            self.net.edges.push(Edge::Member {
                person: PersonId(p),
                project: ProjectId(x),
                member: Member {
                    role,
                    coach,
                    solution,
                    price,
                },
            });
        }
    }

    fn influence(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let from = self.persons.resolve(r, "from_id", f[0]);
        let to = self.persons.resolve(r, "to_id", f[1]);
        let kind = r.required("kind", f[2]).and_then(|k| match k {
            "reports_to" => Some(EdgeKind::ReportsTo),
            "influences" => Some(EdgeKind::Influences),
            _ => {
                r.fail(RowErrorKind::UnknownValue {
                    column: "kind",
                    value: k.to_owned(),
                    expected: INFLUENCE_KINDS,
                });
                None
            }
        });
        let mut new = false;
        if let (Some(a), Some(b), Some(kind)) = (from, to, kind) {
            if a == b {
                r.fail(RowErrorKind::SelfLoop {
                    edge: kind,
                    id: f[0].to_owned(),
                });
            } else {
                new = self.influence.first(r, kind, (kind, a, b));
            }
        }
        let weight = match kind {
            Some(EdgeKind::ReportsTo) if f[3].is_empty() => Some(default_reports_to()),
            Some(_) => r.score("weight", f[3]),
            None => None,
        };
        if let (true, Some(a), Some(b), Some(kind), Some(weight)) =
            (new && r.ok, from, to, kind, weight)
        {
            let (from, to) = (PersonId(a), PersonId(b));
            self.net.edges.push(if kind == EdgeKind::ReportsTo {
                Edge::ReportsTo {
                    person: from,
                    manager: to,
                    weight,
                }
            } else {
                Edge::Influences { from, to, weight }
            });
        }
    }

    /// Resolves `competitor_id`, which must be an account of kind competitor.
    fn competitor(&self, r: &mut Row<'_>, id: &str) -> Option<u32> {
        let index = self.accounts.resolve(r, "competitor_id", id)?;
        match self.account_kinds.get(index as usize).copied().flatten() {
            Some(AccountKind::Competitor) => Some(index),
            Some(kind) => {
                r.fail(RowErrorKind::NotACompetitor {
                    id: id.to_owned(),
                    kind,
                });
                None
            }
            // The account's own row is bad and already reported.
            None => {
                r.ok = false;
                None
            }
        }
    }

    fn rival_tie(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let competitor = self.competitor(r, f[0]);
        let person = self.persons.resolve(r, "person_id", f[1]);
        let new = match (competitor, person) {
            (Some(k), Some(p)) => self.rival_ties.first(r, EdgeKind::RivalTie, (k, p)),
            _ => false,
        };
        let closeness = r.score("closeness", f[2]);
        if let (true, Some(k), Some(p), Some(closeness)) =
            (new && r.ok, competitor, person, closeness)
        {
            self.net.edges.push(Edge::RivalTie {
                competitor: AccountId(k),
                person: PersonId(p),
                closeness,
            });
        }
    }

    fn competes(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let competitor = self.competitor(r, f[0]);
        let project = self.projects.resolve(r, "project_id", f[1]);
        if let (true, Some(k), Some(x)) = (r.ok, competitor, project) {
            // A repeated row is merged into the first (§5).
            if self.competes.insert((k, x)) {
                self.net.edges.push(Edge::Competes {
                    competitor: AccountId(k),
                    project: ProjectId(x),
                });
            }
        }
    }

    fn owns(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let employee = self.employees.resolve(r, "employee_id", f[0]);
        let target = match r.required("target_kind", f[1]) {
            Some("account") => self
                .accounts
                .resolve(r, "target_id", f[2])
                .map(|a| OwnsTarget::Account(AccountId(a))),
            Some("project") => self
                .projects
                .resolve(r, "target_id", f[2])
                .map(|x| OwnsTarget::Project(ProjectId(x))),
            Some(other) => {
                r.fail(RowErrorKind::UnknownValue {
                    column: "target_kind",
                    value: other.to_owned(),
                    expected: TARGET_KINDS,
                });
                r.required("target_id", f[2]);
                None
            }
            None => {
                r.required("target_id", f[2]);
                None
            }
        };
        if let (true, Some(e), Some(target)) = (r.ok, employee, target) {
            // A repeated row is merged into the first (§5).
            if self.owners.insert((e, target)) {
                self.net.edges.push(Edge::Owns {
                    employee: EmployeeId(e),
                    target,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_reports_to_weight_is_point_eight() {
        assert!((default_reports_to().get() - 0.8).abs() < f64::EPSILON);
    }
}
