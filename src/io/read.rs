//! The importer: a folder of CSV files → a validated [`Network`].
//!
//! Each file is read whole into memory and parsed with the `csv` crate as raw byte
//! records (`flexible`, no header handling), so that this module — not the parser —
//! decides what a header, a row of the wrong width, an invalid UTF-8 field or a line
//! number is. Reading whole files also lets the reader compute the *physical* line where
//! each record starts: the parser skips blank lines silently and positions a record just
//! after the previous one, so the reader steps over the skipped line breaks itself.
//!
//! Before parsing, a file is checked for what the parser would silently misread: UTF-16
//! text (its byte-order mark, or NUL bytes) and a quote that is never closed (the parser
//! reads the rest of the file into that field). A header that lacks the format's columns
//! is checked for another separator (`;` or a tab), and a short last row without a final
//! line break is reported as a file cut short. The folder itself is checked for files
//! that look like files of the format but are not (`Persons.csv`).
//!
//! The node files are read first, one after the other (a row may refer to an account,
//! and ids are numbered in file order); the edge files are loaded meanwhile. Then the
//! edge files — and `interactions.csv` in pieces cut at line breaks, when it has no
//! quote — are read side by side on the thread pool, each into its own rows and
//! problems, and put together in the format's order: the network and the problems (their
//! order, messages and cap) are those of reading every file in turn, whatever the number
//! of threads. A folder read against a database reads its edge files in turn, since a
//! reference found outside adds a node.

use super::error::{CsvImportError, RowError, RowErrorKind, RowErrors, UnknownFile};
use super::folder::{Folder, Resolve};
use super::TransferError;
use super::{
    Table, ACCOUNTS, CHAIN, COMPETES, EMPLOYEES, EMPLOYMENT, FILES, INFLUENCE, INTERACTIONS,
    MAX_COLUMNS, MAX_REPORTED_PROBLEMS, OWNERS, PERSONS, PROJECTS, RIVAL_TIES, TIES,
};
use crate::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, EdgeKind, Employee, EmployeeId, Employment,
    Interaction, InteractionKind, Member, ModelError, Network, Node, NodeKind, OwnsTarget, Person,
    PersonId, Project, ProjectId, Role, Score, Stage, Tie, MAX_ID_BYTES, MAX_TEXT_BYTES,
};
use crate::store::StoreError;
use csv::ByteRecord;
use rayon::prelude::*;
use std::collections::hash_map::Entry;
use std::io;
use std::path::Path;
use std::str::FromStr;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many leading bytes are searched for NUL bytes.
const NUL_WINDOW: usize = 4096;

/// Whether `data` looks like UTF-16 text without a byte-order mark: a NUL byte in its
/// first two bytes (every header starts with an ASCII letter or quote, which UTF-16 pairs
/// with a NUL byte), or NUL bytes for a quarter of its first [`NUL_WINDOW`] bytes (UTF-16
/// ASCII text has one in every pair). A stray NUL in a UTF-8 field is neither.
fn utf16_without_bom(data: &[u8]) -> bool {
    let head = &data[..data.len().min(NUL_WINDOW)];
    let nul = head.split(|&b| b == 0).count() - 1;
    head.iter().take(2).any(|&b| b == 0) || (nul > 0 && nul * 4 >= head.len())
}

/// Values longer than this many characters are shortened in messages.
const SHOWN_CHARS: usize = 64;

/// A field as shown in a message: at most [`SHOWN_CHARS`] characters, then `…`.
fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// The `reports_to` weight used when `influence.csv` leaves it empty.
pub(crate) const DEFAULT_REPORTS_TO_WEIGHT: f64 = 0.8;

fn default_reports_to() -> Score {
    // 0.8 is in [0, 1], so the fallback is never taken; it only avoids a panic path.
    Score::new(DEFAULT_REPORTS_TO_WEIGHT).unwrap_or(Score::ONE)
}

/// Reads a folder in the interchange format (§5) into a [`Network`].
///
/// Every file but `accounts.csv` may be absent; a file whose name ends in `.csv` but is
/// not one of the format's is an error ([`CsvImportError::UnknownFiles`]). Nothing is
/// returned if anything is wrong: the error lists every problem found (up to
/// [`MAX_REPORTED_PROBLEMS`]) as `file:line: reason`, in the order of the format's files,
/// then by line. See the [module documentation](super) for the format and its rules.
///
/// ```no_run
/// let network = guanxi::io::read_csv_dir(std::path::Path::new("examples/tiny"))?;
/// println!("{network}");
/// # Ok::<(), guanxi::io::CsvImportError>(())
/// ```
pub fn read_csv_dir(dir: &Path) -> Result<Network, CsvImportError> {
    let mut failure = None;
    read_folder(dir, None, &mut failure).map(Folder::into_network)
}

/// Reads a folder in the interchange format (§5) whose rows may refer to nodes outside
/// it: an id a row refers to is looked up first among the folder's own rows, then through
/// `outside` (the database the folder is imported into). The outside nodes found are part
/// of the returned [`Folder`]'s network, after the folder's own nodes.
///
/// Every rule of [`read_csv_dir`] holds for every row; a reference that is neither in the
/// folder nor outside is the usual `file:line: … is not an id in … or in the database`
/// problem. A failure of `outside` itself is returned as [`TransferError::Store`].
///
/// ```
/// use guanxi::io::{read_csv_dir_with, Resolve};
/// use guanxi::model::*;
/// use guanxi::store::Database;
///
/// let db = Database::in_memory()?;
/// db.write(1, |t| {
///     t.upsert_account(Account { xid: "A1".into(), name: "Acme".into(), kind: AccountKind::Client })?;
///     t.upsert_employee(Employee { xid: "E1".into(), name: "Wang".into(), left: None })
/// })?;
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("accounts.csv"), "id,name,kind\n")?;
/// std::fs::write(dir.path().join("persons.csv"), "id,name,account_id,title\nP1,Li,A1,\n")?;
/// std::fs::write(dir.path().join("ties.csv"), "employee_id,person_id,closeness,last_contact,private\nE1,P1,0.5,,\n")?;
/// let folder = read_csv_dir_with(dir.path(), &db.begin_read()?)?;
/// assert_eq!(folder.defined(NodeKind::Person), 1); // P1, from persons.csv
/// assert_eq!(folder.defined(NodeKind::Account), 0); // A1 and E1 are the database's
/// assert_eq!(folder.network().accounts[0].name, "Acme");
/// assert_eq!(folder.network().edges.len(), 2); // works_at and tie
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_dir_with(dir: &Path, outside: &dyn Resolve) -> Result<Folder, TransferError> {
    let mut failure = None;
    let read = read_folder(dir, Some(outside), &mut failure);
    match failure {
        Some(e) => Err(TransferError::Store(e)),
        None => Ok(read?),
    }
}

/// The reader. A failure of `outside` is put in `failure` (the result is then an error
/// too, or a network that must not be used).
fn read_folder(
    dir: &Path,
    outside: Option<&dyn Resolve>,
    failure: &mut Option<StoreError>,
) -> Result<Folder, CsvImportError> {
    let meta = std::fs::metadata(dir).map_err(|source| CsvImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(CsvImportError::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let unknown = unknown_files(dir)?;
    if !unknown.is_empty() {
        return Err(CsvImportError::UnknownFiles(unknown));
    }
    let Some(accounts) = load(dir, ACCOUNTS)? else {
        return Err(CsvImportError::MissingAccounts {
            path: dir.join(ACCOUNTS.file),
        });
    };
    let mut errs = Collector::default();
    let mut imp = Importer::new(outside);
    let mut edge_files = Vec::new();
    let nodes = rayon::in_place_scope(|s| {
        // The edge files are loaded while the node files are read.
        s.spawn(|_| {
            edge_files = EDGE_TABLES
                .par_iter()
                .map(|&table| load(dir, table))
                .collect();
        });
        read_node_files(dir, &accounts, &mut errs, &mut imp)
    });
    drop(accounts);
    nodes?;
    let parts = read_edge_files(edge_files, &mut imp)?;
    let mut edges = Parts::default();
    for (table, file) in EDGE_TABLES.iter().zip(parts) {
        let start = errs.0.errors.len();
        for (part, part_errs) in file {
            errs.absorb(part_errs);
            edges.push(part);
        }
        if table.file == EMPLOYMENT.file {
            errs.sort_from(start);
        }
    }

    *failure = imp.failure.take();
    if !errs.0.errors.is_empty() {
        return Err(CsvImportError::Rows(errs.0));
    }
    let folder = imp.nodes.finish(edges);
    folder
        .network()
        .validate()
        .map_err(CsvImportError::Invalid)?;
    Ok(folder)
}

/// Reads the node files, `accounts` (the contents of `accounts.csv`) first; the first
/// file that cannot be read is the error.
fn read_node_files(
    dir: &Path,
    accounts: &[u8],
    errs: &mut Collector,
    imp: &mut Importer<'_>,
) -> Result<(), CsvImportError> {
    imp.nodes.accounts.broken = !read_rows(ACCOUNTS, accounts, errs, imp, Importer::account);
    imp.nodes.persons.broken = !read_file(dir, PERSONS, errs, imp, Importer::person)?;
    imp.nodes.employees.broken = !read_file(dir, EMPLOYEES, errs, imp, Importer::employee)?;
    imp.nodes.projects.broken = !read_file(dir, PROJECTS, errs, imp, Importer::project)?;
    Ok(())
}

/// The files of edges and interactions, in the format's order: read once the node files
/// are, each on its own.
/// (The format lists the four node files first.)
const EDGE_TABLES: &[Table] = super::TABLES.as_slice().split_at(4).1;

/// `interactions.csv` is read in pieces of about this many bytes, side by side.
const PIECE_BYTES: usize = 1 << 19;

/// One piece of work of [`read_edge_files`]: a range of a file's records, or the file's
/// header problems alone (an empty range).
struct Job<'b> {
    /// Which of [`EDGE_TABLES`].
    file: usize,
    opened: Option<Opened<'b>>,
    /// The records are parsed from `body[from..to]`…
    from: usize,
    to: usize,
    /// …which has this many line breaks before it…
    breaks: u64,
    /// …and this many `\n` bytes in it (for sizing the tables).
    newlines: usize,
    /// The problems of the file's header, for the file's first job.
    errs: Collector,
}

/// Reads the edge files ([`EDGE_TABLES`], `loaded` in that order) once the node files
/// are read: for each file, in the format's order, its pieces' rows and problems (none if
/// the file is absent), in file order. The first file that could not be read is the
/// error.
///
/// The node files' ids are fixed by then, so the rows of each edge file depend only on
/// them and on the file's earlier rows. The files — and the pieces of `interactions.csv`,
/// whose rows depend on nothing but the nodes — are then read side by side on the thread
/// pool, each into its own [`Part`] with its own problems; in file order, these are
/// exactly the rows and problems that reading the files one after the other would give,
/// whatever the number of threads. Only a folder read against a database is read one job
/// after the other, since a reference found outside adds a node.
fn read_edge_files(
    loaded: Vec<Result<Option<Vec<u8>>, CsvImportError>>,
    imp: &mut Importer<'_>,
) -> Result<Vec<Vec<(Part, Collector)>>, CsvImportError> {
    let mut data = Vec::with_capacity(loaded.len());
    for file in loaded {
        data.push(file?);
    }
    let mut jobs = Vec::new();
    for (file, (&table, data)) in EDGE_TABLES.iter().zip(&data).enumerate() {
        let Some(data) = data else { continue };
        let mut errs = Collector::default();
        let Some(opened) = open(table, data, &mut errs) else {
            jobs.push(Job {
                file,
                opened: None,
                from: 0,
                to: 0,
                breaks: 0,
                newlines: 0,
                errs,
            });
            continue;
        };
        let body = opened.body;
        let pieces = if table.file == INTERACTIONS.file && !body.contains(&b'"') {
            pieces(body, opened.rest)
        } else {
            vec![(opened.rest, body.len())]
        };
        let mut breaks = line_breaks(body, 0, opened.rest);
        for (i, (from, to)) in pieces.into_iter().enumerate() {
            let newlines = newlines(&body[from..to]);
            jobs.push(Job {
                file,
                opened: Some(opened),
                from,
                to,
                breaks,
                newlines,
                errs: if i == 0 {
                    std::mem::take(&mut errs)
                } else {
                    Collector::default()
                },
            });
            breaks += line_breaks(body, from, to);
        }
    }
    let done: Vec<(usize, Part, Collector)> = if imp.outside.is_some() {
        jobs.into_iter().map(|job| read_job(job, imp)).collect()
    } else {
        let nodes = &imp.nodes;
        jobs.into_par_iter()
            .map(|job| read_job(job, &mut &*nodes))
            .collect()
    };
    let mut files: Vec<Vec<(Part, Collector)>> = EDGE_TABLES.iter().map(|_| Vec::new()).collect();
    for (file, part, errs) in done {
        files[file].push((part, errs));
    }
    Ok(files)
}

/// Where `body[rest..]` is cut into pieces of about [`PIECE_BYTES`]: just after a `\n`,
/// so that each piece starts at a record (the body has no quote, so every line break
/// ends a record).
fn pieces(body: &[u8], rest: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut from = rest.min(body.len());
    while body.len() - from > PIECE_BYTES {
        let Some(cut) = body[from + PIECE_BYTES..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let to = from + PIECE_BYTES + cut + 1;
        pieces.push((from, to));
        from = to;
    }
    pieces.push((from, body.len()));
    pieces
}

/// How many `\n` bytes `bytes` holds.
// The compiler turns this loop into vector instructions: no crate needed.
#[allow(clippy::naive_bytecount)]
fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// How many line breaks `body[from..to]` holds ([`is_line_break`]).
fn line_breaks(body: &[u8], from: usize, to: usize) -> u64 {
    let slice = &body[from..to];
    let n = if slice.contains(&b'\r') {
        (from..to).filter(|&i| is_line_break(body, i)).count()
    } else {
        newlines(slice)
    };
    n as u64
}

/// Reads one job's rows into a new [`Part`]; returns the job's file, the part and its
/// problems (the header's first).
fn read_job<R: Refs>(job: Job<'_>, refs: &mut R) -> (usize, Part, Collector) {
    let mut errs = job.errs;
    let mut part = Part::default();
    let Some(opened) = job.opened else {
        return (job.file, part, errs);
    };
    let table = opened.table;
    part.reserve(table, job.newlines + 1);
    let on_row = Part::on_row::<R>(table);
    rows(&opened, job.from, job.to, job.breaks, &mut errs, |r, f| {
        on_row(&mut part, refs, r, f);
    });
    if table.file == EMPLOYMENT.file {
        part.overlapping_periods(refs.nodes(), &mut errs);
    }
    (job.file, part, errs)
}

/// The regular files of `dir` whose names end in `.csv` in any letter case but are not
/// files of the format, sorted by path.
fn unknown_files(dir: &Path) -> Result<Vec<UnknownFile>, CsvImportError> {
    let io = |source| CsvImportError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut unknown = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_csv = name
            .len()
            .checked_sub(4)
            .and_then(|i| name.get(i..))
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".csv"));
        if !is_csv || FILES.contains(&name.as_ref()) {
            continue;
        }
        // Follows a symbolic link, as reading the file would; a dangling one is no file.
        if std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()) {
            unknown.push(UnknownFile {
                suggestion: suggestion(&name),
                path: entry.path(),
            });
        }
    }
    unknown.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(unknown)
}

/// The file of the format a misnamed file was probably meant to be: the same name in
/// another letter case, with `-` or a space for `_`, or with a plural `s` added or lost.
fn suggestion(name: &str) -> Option<&'static str> {
    fn stem(name: &str) -> String {
        let lower = name.to_lowercase().replace(['-', ' '], "_");
        let base = lower.strip_suffix(".csv").unwrap_or(&lower);
        base.strip_suffix('s').unwrap_or(base).to_owned()
    }
    let wanted = stem(name);
    FILES.into_iter().find(|f| stem(f) == wanted)
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
type OnRow<'o> = fn(&mut Importer<'o>, &mut Row<'_>, &[&str]);

/// Reads an optional file; `Ok(true)` if it is absent or its header is usable.
fn read_file<'o>(
    dir: &Path,
    table: Table,
    errs: &mut Collector,
    imp: &mut Importer<'o>,
    on_row: OnRow<'o>,
) -> Result<bool, CsvImportError> {
    Ok(match load(dir, table)? {
        Some(data) => read_rows(table, &data, errs, imp, on_row),
        None => true,
    })
}

/// Reads a node file's contents, first sizing the importer's tables for its rows (at
/// most one per line), so that they never grow while reading.
fn read_rows<'o>(
    table: Table,
    data: &[u8],
    errs: &mut Collector,
    imp: &mut Importer<'o>,
    on_row: OnRow<'o>,
) -> bool {
    let lines = newlines(data) + 1;
    imp.reserve(table, lines);
    let Some(opened) = open(table, data, errs) else {
        return false;
    };
    let breaks = line_breaks(opened.body, 0, opened.rest);
    rows(
        &opened,
        opened.rest,
        opened.body.len(),
        breaks,
        errs,
        |r, f| {
            on_row(imp, r, f);
        },
    );
    true
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

    /// Adds the problems of a later part of the folder, as if they had been pushed here.
    /// (`other` kept its first problems and counted the rest; this keeps as many of
    /// those first ones as it has room for, so the result is the same.)
    fn absorb(&mut self, other: Collector) {
        let RowErrors { errors, omitted } = other.0;
        for error in errors {
            self.push(error);
        }
        self.0.omitted += omitted;
    }

    /// Puts the problems kept from the `start`th on (all of one file) in line order.
    fn sort_from(&mut self, start: usize) {
        if let Some(tail) = self.0.errors.get_mut(start..) {
            tail.sort_by_key(|e| e.line);
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
    /// A counter for `body`, which has `breaks` line breaks before it.
    fn new(body: &'b [u8], breaks: u64) -> Self {
        Lines {
            body,
            offset: 0,
            breaks,
        }
    }

    /// The line (1-based) and byte offset where `record` starts; records must come in
    /// file order.
    fn start(&mut self, record: &ByteRecord) -> (u64, usize) {
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
            if is_line_break(body, i) {
                self.breaks += 1;
            }
        }
        self.offset = start;
        (self.breaks + 1, start)
    }
}

/// Whether `body[i]` ends a line: a `\n`, or a `\r` not followed by `\n`.
fn is_line_break(body: &[u8], i: usize) -> bool {
    body[i] == b'\n' || (body[i] == b'\r' && body.get(i + 1) != Some(&b'\n'))
}

/// Where a quoted field that is never closed opens, as (byte offset, line), if one does.
///
/// Follows the parser's rules: a quote opens a quoted field only as the field's first
/// byte; inside, `""` is a quote and a lone quote closes the field, after which the field
/// goes on unquoted; commas and line breaks (`\n`, `\r`) end fields outside quotes.
fn unclosed_quote(body: &[u8]) -> Option<(usize, u64)> {
    if !body.contains(&b'"') {
        return None;
    }
    let mut open = 0;
    let state = follow(body, |i| open = i);
    (state == Quoting::Quoted).then(|| (open, line_breaks(body, 0, open) + 1))
}

/// The [`Quoting`] state after `body`, from the start of a field; calls `on_open` with the
/// offset of every quote that opens a quoted field.
///
/// Jumps from quote to quote: between two quotes, a quoted field stays quoted, and any
/// other state ends as the last byte leaves it (a field just ended, or in a field).
fn follow(body: &[u8], mut on_open: impl FnMut(usize)) -> Quoting {
    let (mut state, to) = (Quoting::Start, body.len());
    let mut i = 0;
    while i < to {
        let quote = body[i..]
            .iter()
            .position(|&b| b == b'"')
            .map_or(to, |k| i + k);
        if quote > i && state != Quoting::Quoted {
            state = if matches!(body[quote - 1], b',' | b'\n' | b'\r') {
                Quoting::Start
            } else {
                Quoting::Field
            };
        }
        if quote < to {
            let next = state.step(b'"');
            if state == Quoting::Start && next == Quoting::Quoted {
                on_open(quote);
            }
            state = next;
        }
        i = quote + 1;
    }
    state
}

/// Where the parser stands within a field, as far as quotes go (see [`unclosed_quote`]).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Quoting {
    /// At the start of a field (after a comma or a line break outside quotes).
    Start,
    /// In an unquoted field.
    Field,
    /// In a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field.
    QuoteInQuoted,
}

impl Quoting {
    /// The state after the byte `b`.
    fn step(self, b: u8) -> Quoting {
        let ends_field = matches!(b, b',' | b'\n' | b'\r');
        match self {
            Quoting::Start if b == b'"' => Quoting::Quoted,
            Quoting::Start | Quoting::Field | Quoting::QuoteInQuoted if ends_field => {
                Quoting::Start
            }
            Quoting::Quoted if b == b'"' => Quoting::QuoteInQuoted,
            Quoting::Quoted => Quoting::Quoted,
            Quoting::QuoteInQuoted if b == b'"' => Quoting::Quoted,
            // After a closing quote the field goes on unquoted.
            Quoting::Start | Quoting::Field | Quoting::QuoteInQuoted => Quoting::Field,
        }
    }
}

/// The separator a header line seems to use instead of a comma: `;` or a tab, when
/// splitting the first line at it gives several fields, one of them a column of `table`.
fn other_separator(body: &[u8], table: Table) -> Option<char> {
    let end = body
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(body.len());
    let line = &body[..end];
    [';', '\t'].into_iter().find(|&sep| {
        let fields: Vec<&[u8]> = line.split(|&b| b == sep as u8).collect();
        fields.len() > 1
            && fields.iter().any(|f| {
                let f = f
                    .strip_prefix(b"\"")
                    .and_then(|f| f.strip_suffix(b"\""))
                    .unwrap_or(f);
                table.columns.iter().any(|c| c.as_bytes() == f)
            })
    })
}

/// A file whose header is usable: where its records are, and where its columns.
#[derive(Clone, Copy)]
struct Opened<'b> {
    table: Table,
    /// The file's contents without the UTF-8 byte-order mark.
    body: &'b [u8],
    /// Where the parser stands after the header (the first record is parsed from here).
    rest: usize,
    /// Each column's field index ([`header_index`]).
    index: [Option<usize>; MAX_COLUMNS],
    /// How many fields the header has (every row must have as many).
    width: usize,
    /// Where a quoted field that is never closed opens ([`unclosed_quote`]).
    unclosed: Option<(usize, u64)>,
}

/// Checks a file's encoding and header; `None` (reported) if the file is unusable.
fn open<'b>(table: Table, data: &'b [u8], errs: &mut Collector) -> Option<Opened<'b>> {
    let file_error = |errs: &mut Collector, line, kind| {
        errs.push(RowError {
            file: table.file,
            line,
            kind,
        });
        None
    };
    if data.starts_with(b"\xFF\xFE") || data.starts_with(b"\xFE\xFF") {
        return file_error(errs, 1, RowErrorKind::Utf16 { bom: true });
    }
    if utf16_without_bom(data) {
        return file_error(errs, 1, RowErrorKind::Utf16 { bom: false });
    }
    let body = data.strip_prefix(BOM).unwrap_or(data);
    let unclosed = unclosed_quote(body);
    let mut rdr = reader(body);
    let mut record = ByteRecord::new();
    // Reading from memory, the parser cannot fail: every byte sequence is some CSV.
    let has_header = rdr.read_byte_record(&mut record).unwrap_or(false);
    let header_line = if has_header {
        Lines::new(body, 0).start(&record).0
    } else {
        1
    };
    let rest = usize::try_from(rdr.position().byte()).map_or(body.len(), |p| p.min(body.len()));
    if let (Some((_, line)), true) = (unclosed, has_header && rest >= body.len()) {
        return file_error(errs, line, RowErrorKind::UnclosedQuote { line });
    }
    let index = header_index(table, &record, body, header_line, errs)?;
    Some(Opened {
        table,
        body,
        rest,
        index,
        width: record.len(),
        unclosed,
    })
}

/// The parser as the reader uses it: raw records of any width, no header handling.
fn reader(body: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body)
}

/// Parses the records of `file.body[from..to]` — which starts where a record may start
/// and has `breaks` line breaks before it — and calls `on_row` with the listed columns of
/// every well-formed row, in the table's column order (an absent optional column gives
/// empty fields).
fn rows(
    file: &Opened<'_>,
    from: usize,
    to: usize,
    breaks: u64,
    errs: &mut Collector,
    mut on_row: impl FnMut(&mut Row<'_>, &[&str]),
) {
    let Opened {
        table,
        body,
        index,
        width,
        unclosed,
        ..
    } = *file;
    if from >= to {
        return;
    }
    // The parser drops a UTF-8 byte-order mark at the start of what it reads, which is
    // right only at the start of the file: a later piece is read from the line break
    // before it (which the parser skips as an empty line), so that a first field
    // starting with one keeps it.
    let lead = usize::from(from > 0 && matches!(body[from - 1], b'\n' | b'\r'));
    let from = from - lead;
    let breaks = breaks - u64::from(lead == 1 && is_line_break(body, from));
    let piece = &body[from..to];
    let mut rdr = reader(piece);
    let at_end = |rdr: &csv::Reader<&[u8]>| {
        usize::try_from(rdr.position().byte()).map_or(true, |p| from + p >= body.len())
    };
    let mut record = ByteRecord::new();
    let mut lines = Lines::new(piece, breaks);
    let n = table.columns.len();
    while rdr.read_byte_record(&mut record).unwrap_or(false) {
        let (line, start) = lines.start(&record);
        let mut row = Row {
            file: table.file,
            line,
            errs,
            ok: true,
        };
        let last = at_end(&rdr);
        if let (Some((quote, quote_line)), true) = (unclosed, last) {
            if from + start <= quote {
                row.line = quote_line;
                row.fail(RowErrorKind::UnclosedQuote { line: quote_line });
                continue;
            }
        }
        if record.len() != width {
            let cut =
                last && record.len() < width && !body.ends_with(b"\n") && !body.ends_with(b"\r");
            row.fail(if cut {
                RowErrorKind::Truncated {
                    expected: width,
                    found: record.len(),
                }
            } else {
                RowErrorKind::FieldCount {
                    expected: width,
                    found: record.len(),
                }
            });
            continue;
        }
        let mut fields = [""; MAX_COLUMNS];
        for (k, column) in table.columns.iter().enumerate() {
            let Some(i) = index[k] else { continue };
            match std::str::from_utf8(&record[i]) {
                Ok(s) => fields[k] = s,
                Err(_) => row.fail(RowErrorKind::InvalidUtf8 { column }),
            }
        }
        if row.ok {
            on_row(&mut row, &fields[..n]);
        }
    }
}

/// Finds each column of `table` in the header `record`: its field index, `None` for an
/// absent optional column. Reports a missing or repeated column (or, for a header that
/// seems separated by `;` or tabs, that) and returns `None` if any is.
fn header_index(
    table: Table,
    record: &ByteRecord,
    body: &[u8],
    header_line: u64,
    errs: &mut Collector,
) -> Option<[Option<usize>; MAX_COLUMNS]> {
    let mut index = [None; MAX_COLUMNS];
    let mut problems = Vec::new();
    for (k, column) in table.columns.iter().enumerate() {
        let mut hits = record
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == column.as_bytes())
            .map(|(i, _)| i);
        match (hits.next(), hits.next()) {
            (Some(i), None) => index[k] = Some(i),
            (None, _) if k >= table.required => {}
            (None, _) => problems.push(RowErrorKind::MissingColumn {
                column,
                required: table.required(),
            }),
            (Some(_), Some(_)) => problems.push(RowErrorKind::DuplicateColumn { column }),
        }
    }
    if problems.is_empty() {
        return Some(index);
    }
    let missing = problems
        .iter()
        .any(|p| matches!(p, RowErrorKind::MissingColumn { .. }));
    if let Some(separator) = other_separator(body, table).filter(|_| missing) {
        problems = vec![RowErrorKind::WrongSeparator { separator }];
    }
    for kind in problems {
        errs.push(RowError {
            file: table.file,
            line: header_line,
            kind,
        });
    }
    None
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

    /// Reports a text longer than `max` bytes (the text is still used, so that one
    /// problem is reported once).
    fn capped(&mut self, column: &'static str, value: &str, max: usize) {
        if value.len() > max {
            self.fail(RowErrorKind::TooLong {
                column,
                len: value.len(),
                max,
            });
        }
    }

    /// A required name, capped at [`MAX_TEXT_BYTES`]; `""` (reported) if empty.
    fn name<'s>(&mut self, value: &'s str) -> &'s str {
        self.capped("name", value, MAX_TEXT_BYTES);
        self.required("name", value).unwrap_or_default()
    }

    /// An optional title, capped at [`MAX_TEXT_BYTES`]; `None` if empty.
    fn title(&mut self, value: &str) -> Option<String> {
        self.capped("title", value, MAX_TEXT_BYTES);
        (!value.is_empty()).then(|| value.to_owned())
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
                value: shown(value),
            });
        }
        parsed
    }

    /// An amount: empty = 0; a bad or too large one is reported.
    fn amount(&mut self, column: &'static str, value: &str) -> Option<Amount> {
        if value.is_empty() {
            return Some(Amount::default());
        }
        match Amount::from_str(value) {
            Ok(a) => Some(a),
            Err(e) => {
                let value = shown(value);
                self.fail(if let ModelError::AmountTooLarge(_) = e {
                    RowErrorKind::AmountTooLarge { column, value }
                } else {
                    RowErrorKind::BadAmount { column, value }
                });
                None
            }
        }
    }

    /// A boolean: `true`, `false` or empty (= false); a bad one is reported.
    fn boolean(&mut self, column: &'static str, value: &str) -> bool {
        match value {
            "true" => true,
            "false" | "" => false,
            _ => {
                self.fail(RowErrorKind::BadBool {
                    column,
                    value: shown(value),
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
        match Day::from_str(value) {
            Ok(d) => Some(d),
            Err(e) => {
                let value = shown(value);
                self.fail(if let ModelError::NotACalendarDate(_) = e {
                    RowErrorKind::NotACalendarDate { column, value }
                } else {
                    RowErrorKind::BadDate { column, value }
                });
                None
            }
        }
    }

    /// A required `YYYY-MM-DD` date; `None` (reported) if empty or bad.
    fn required_date(&mut self, column: &'static str, value: &str) -> Option<Day> {
        let value = self.required(column, value)?;
        self.date(column, value)
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
                value: shown(value),
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
const INTERACTION_KINDS: &str = "meeting, event, call, message or email";

// The reader's maps are keyed by external ids and edge ends taken from the files being
// read, so their hasher is foldhash's rather than the standard library's SipHash: several
// times faster on the short keys met here. foldhash is keyed with a per-process random
// seed, which is enough here: the files are the user's own and are read once, by a
// process that ends or returns — someone able to craft colliding ids would only slow
// down the import of their own file.
type FastMap<K, V> = foldhash::HashMap<K, V>;
type FastSet<T> = foldhash::HashSet<T>;

/// External ids → (dense index, line of the defining row). An id of at most 15 bytes —
/// every id in practice — is kept inline in the table as one `u128`, so that a lookup
/// compares integers and reads no other memory; longer ids are kept apart.
#[derive(Default)]
struct XidMap {
    short: FastMap<u128, (u32, u64)>,
    long: FastMap<Box<str>, (u32, u64)>,
}

/// An id of at most 15 bytes as a `u128`: its bytes, zero-padded, then its length.
fn short_key(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    let len = u8::try_from(bytes.len()).ok().filter(|&n| n < 16)?;
    let mut key = [0u8; 16];
    key[..bytes.len()].copy_from_slice(bytes);
    key[15] = len;
    Some(u128::from_le_bytes(key))
}

impl XidMap {
    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn reserve(&mut self, n: usize) {
        self.short.reserve(n);
    }

    fn get(&self, id: &str) -> Option<(u32, u64)> {
        match short_key(id) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(id).copied(),
        }
    }

    /// Adds `id` if it is new; otherwise returns what the first one holds.
    fn insert_new(&mut self, id: &str, value: (u32, u64)) -> Result<(), (u32, u64)> {
        let entry = match short_key(id) {
            Some(key) => match self.short.entry(key) {
                Entry::Occupied(e) => Err(*e.get()),
                Entry::Vacant(e) => Ok(e.insert(value)),
            },
            None => match self.long.entry(id.into()) {
                Entry::Occupied(e) => Err(*e.get()),
                Entry::Vacant(e) => Ok(e.insert(value)),
            },
        };
        entry.map(|_| ())
    }
}

/// The external ids of one node type, with the line that defined each.
#[derive(Default)]
struct Ids {
    file: &'static str,
    map: XidMap,
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
    /// (reported) if the id is empty or already used. An id over [`MAX_ID_BYTES`] is
    /// reported but registered, so that rows referring to it are not reported again.
    fn register(&mut self, row: &mut Row<'_>, id: &str) -> Option<u32> {
        let id = row.required("id", id)?;
        row.capped("id", id, MAX_ID_BYTES);
        let next = u32::try_from(self.map.len()).unwrap_or(u32::MAX);
        match self.map.insert_new(id, (next, row.line)) {
            Err((_, first_line)) => {
                row.fail(RowErrorKind::DuplicateId {
                    id: shown(id),
                    first_line,
                });
                None
            }
            Ok(()) => Some(next),
        }
    }

    /// Reports a reference to an id that is not found, unless the file's header was
    /// unusable or the outside lookup failed (`silent`): then the row is only marked bad.
    fn unknown(
        &self,
        row: &mut Row<'_>,
        column: &'static str,
        id: &str,
        database: bool,
        silent: bool,
    ) {
        if self.broken || silent {
            row.ok = false;
        } else {
            row.fail(RowErrorKind::UnknownId {
                column,
                id: shown(id),
                file: self.file,
                database,
            });
        }
    }
}

/// Remembers the line of each edge's first row, to find duplicate rows.
struct Seen<K>(FastMap<K, u64>);

impl<K> Default for Seen<K> {
    fn default() -> Self {
        Seen(FastMap::default())
    }
}

impl<K: std::hash::Hash + Eq> Seen<K> {
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

/// A well-formed row of `employment.csv`, kept for the overlap check.
struct Period {
    person: u32,
    account: u32,
    line: u64,
    employment: Employment,
}

/// The nodes read from the node files (and, for a folder read against a database, the
/// outside nodes its rows refer to), with what the edge files need to resolve and check
/// their references.
struct Nodes {
    /// The nodes, and the `of` edges of `projects.csv`.
    net: Network,
    /// How many nodes of each kind came from outside (after the folder's own).
    referenced: [u32; NodeKind::COUNT],
    accounts: Ids,
    persons: Ids,
    employees: Ids,
    projects: Ids,
    /// Each account's kind; `None` where the row's kind was bad.
    account_kinds: Vec<Option<AccountKind>>,
    /// Each person's `persons.csv` account and line, by person index.
    person_accounts: Vec<(Option<u32>, u64)>,
    /// The `works_at` edges of `persons.csv`, placed before every other edge by
    /// [`Nodes::finish`].
    works_at: Vec<Edge>,
}

impl Nodes {
    fn ids(&self, kind: NodeKind) -> &Ids {
        match kind {
            NodeKind::Account => &self.accounts,
            NodeKind::Person => &self.persons,
            NodeKind::Employee => &self.employees,
            NodeKind::Project => &self.projects,
        }
    }

    fn ids_mut(&mut self, kind: NodeKind) -> &mut Ids {
        match kind {
            NodeKind::Account => &mut self.accounts,
            NodeKind::Person => &mut self.persons,
            NodeKind::Employee => &mut self.employees,
            NodeKind::Project => &mut self.projects,
        }
    }

    /// The folder: `works_at` edges first, grouped by person in person order (a
    /// person's periods in file order), then the other edges in the order read — the
    /// `of` edges, then the edge files' rows in file order — and the interactions.
    fn finish(self, parts: Parts) -> Folder {
        let Nodes {
            mut net,
            referenced,
            mut works_at,
            ..
        } = self;
        let Parts {
            edges: files,
            interactions: pieces,
            works_at: periods,
        } = parts;
        let mut of = std::mem::take(&mut net.edges);
        // The edges and the interactions are put together side by side.
        let (edges, interactions) = rayon::join(
            move || {
                works_at.extend(periods);
                works_at.sort_by_key(|e| e.key().from.id);
                works_at.reserve(of.len() + files.iter().map(Vec::len).sum::<usize>());
                works_at.append(&mut of);
                for mut edges in files {
                    works_at.append(&mut edges);
                }
                works_at
            },
            move || {
                let mut pieces = pieces.into_iter();
                let mut all = pieces.next().unwrap_or_default();
                all.reserve(pieces.as_slice().iter().map(Vec::len).sum());
                for mut more in pieces {
                    all.append(&mut more);
                }
                all
            },
        );
        net.edges = edges;
        net.interactions = interactions;
        let defined = NodeKind::ALL.map(|k| {
            let n = u32::try_from(net.count(k)).unwrap_or(u32::MAX);
            n - referenced[usize::from(k.code())]
        });
        Folder::new(net, defined)
    }
}

/// Why an id the folder does not define was not found outside it either.
struct NotOutside {
    /// It was looked up in a database (the message says so).
    database: bool,
    /// The lookup had failed before: the row is not reported.
    silent: bool,
}

/// How a file's rows find the nodes they refer to: among the folder's ids, then outside.
trait Refs {
    /// The nodes read so far.
    fn nodes(&self) -> &Nodes;

    /// Finds a node of `kind` that the folder does not define: its index, if found.
    fn outside(&mut self, kind: NodeKind, id: &str) -> Result<u32, NotOutside>;

    /// Resolves a required reference to a node of `kind`; `None` (reported) if empty or
    /// unknown.
    fn resolve(
        &mut self,
        kind: NodeKind,
        row: &mut Row<'_>,
        column: &'static str,
        id: &str,
    ) -> Option<u32> {
        let id = row.required(column, id)?;
        if let Some((index, _)) = self.nodes().ids(kind).map.get(id) {
            return Some(index);
        }
        match self.outside(kind, id) {
            Ok(index) => Some(index),
            Err(NotOutside { database, silent }) => {
                let ids = self.nodes().ids(kind);
                ids.unknown(row, column, id, database, silent);
                None
            }
        }
    }
}

/// The node files' nodes alone, shared by the edge files read side by side.
impl Refs for &Nodes {
    fn nodes(&self) -> &Nodes {
        self
    }

    fn outside(&mut self, _: NodeKind, _: &str) -> Result<u32, NotOutside> {
        Err(NotOutside {
            database: false,
            silent: false,
        })
    }
}

/// The reader of the node files, which also resolves references outside the folder.
struct Importer<'o> {
    nodes: Nodes,
    /// Where ids the folder does not define are looked up, if anywhere.
    outside: Option<&'o dyn Resolve>,
    /// The first failure of `outside`; no lookup is made after it.
    failure: Option<StoreError>,
}

/// Among the folder's ids, then in the database it is read against, if any.
impl Refs for Importer<'_> {
    fn nodes(&self) -> &Nodes {
        &self.nodes
    }

    fn outside(&mut self, kind: NodeKind, id: &str) -> Result<u32, NotOutside> {
        self.look_outside(kind, id).ok_or_else(|| NotOutside {
            database: self.outside.is_some(),
            silent: self.failure.is_some(),
        })
    }
}

impl<'o> Importer<'o> {
    fn new(outside: Option<&'o dyn Resolve>) -> Self {
        Importer {
            nodes: Nodes {
                net: Network::new(),
                referenced: [0; NodeKind::COUNT],
                accounts: Ids::new(ACCOUNTS),
                persons: Ids::new(PERSONS),
                employees: Ids::new(EMPLOYEES),
                projects: Ids::new(PROJECTS),
                account_kinds: Vec::new(),
                person_accounts: Vec::new(),
                works_at: Vec::new(),
            },
            outside,
            failure: None,
        }
    }

    /// Looks `xid` up outside the folder; if found, adds the node after the folder's own
    /// (registered with line 0) and returns its index.
    fn look_outside(&mut self, kind: NodeKind, xid: &str) -> Option<u32> {
        if self.failure.is_some() {
            return None;
        }
        let node = match self.outside?.resolve(kind, xid) {
            Ok(Some(node)) if node.kind() == kind => node,
            Ok(_) => return None,
            Err(e) => {
                self.failure = Some(e);
                return None;
            }
        };
        let nodes = &mut self.nodes;
        let ids = nodes.ids_mut(kind);
        let index = u32::try_from(ids.map.len()).unwrap_or(u32::MAX);
        // The id was not in the map: the insertion cannot fail.
        let _ = ids.map.insert_new(xid, (index, 0));
        match node {
            Node::Account(a) => {
                nodes.account_kinds.push(Some(a.kind));
                nodes.net.accounts.push(a);
            }
            Node::Person(p) => {
                nodes.person_accounts.push((None, 0));
                nodes.net.persons.push(p);
            }
            Node::Employee(e) => nodes.net.employees.push(e),
            Node::Project(x) => nodes.net.projects.push(x),
        }
        nodes.referenced[usize::from(kind.code())] += 1;
        Some(index)
    }

    /// Makes room for `rows` more rows of the node file `table`.
    fn reserve(&mut self, table: Table, rows: usize) {
        let nodes = &mut self.nodes;
        match table.file {
            f if f == ACCOUNTS.file => {
                nodes.accounts.map.reserve(rows);
                nodes.net.accounts.reserve(rows);
                nodes.account_kinds.reserve(rows);
            }
            f if f == PERSONS.file => {
                nodes.persons.map.reserve(rows);
                nodes.net.persons.reserve(rows);
                nodes.person_accounts.reserve(rows);
                nodes.works_at.reserve(rows);
            }
            f if f == EMPLOYEES.file => {
                nodes.employees.map.reserve(rows);
                nodes.net.employees.reserve(rows);
            }
            _ => {
                nodes.projects.map.reserve(rows);
                nodes.net.projects.reserve(rows);
                nodes.net.edges.reserve(rows);
            }
        }
    }

    // Each method receives the listed columns in the table's order.

    fn account(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let index = self.nodes.accounts.register(r, f[0]);
        let name = r.name(f[1]);
        let kind = if f[2].is_empty() {
            Some(AccountKind::Client)
        } else {
            r.word::<AccountKind>("kind", f[2], ACCOUNT_KINDS)
        };
        if index.is_some() {
            self.nodes.account_kinds.push(kind);
            self.nodes.net.accounts.push(Account {
                xid: f[0].to_owned(),
                name: name.to_owned(),
                kind: kind.unwrap_or(AccountKind::Client),
            });
        }
    }

    fn person(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let index = self.nodes.persons.register(r, f[0]);
        let name = r.name(f[1]);
        let account = if f[2].is_empty() {
            None
        } else {
            self.resolve(NodeKind::Account, r, "account_id", f[2])
        };
        let title = r.title(f[3]);
        let Some(index) = index else { return };
        self.nodes.net.persons.push(Person {
            xid: f[0].to_owned(),
            name: name.to_owned(),
            title,
        });
        self.nodes.person_accounts.push((account, r.line));
        if let (Some(account), true) = (account, r.ok) {
            self.nodes.works_at.push(Edge::WorksAt {
                person: PersonId(index),
                account: AccountId(account),
                employment: Employment::default(),
            });
        }
    }

    fn employee(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let index = self.nodes.employees.register(r, f[0]);
        let name = r.name(f[1]);
        let left = r.date("left", f[2]);
        if index.is_some() {
            self.nodes.net.employees.push(Employee {
                xid: f[0].to_owned(),
                name: name.to_owned(),
                left,
            });
        }
    }

    fn project(&mut self, r: &mut Row<'_>, f: &[&str]) {
        let index = self.nodes.projects.register(r, f[0]);
        let name = r.name(f[1]);
        let account = self.resolve(NodeKind::Account, r, "account_id", f[2]);
        let stage = r.word::<Stage>("stage", f[3], STAGES);
        let amount = r.amount("amount", f[4]);
        let Some(index) = index else { return };
        self.nodes.net.projects.push(Project {
            xid: f[0].to_owned(),
            name: name.to_owned(),
            stage: stage.unwrap_or(Stage::Lead),
            amount: amount.unwrap_or_default(),
        });
        if let (Some(account), true) = (account, r.ok) {
            self.nodes.net.edges.push(Edge::Of {
                project: ProjectId(index),
                account: AccountId(account),
            });
        }
    }
}

/// What one edge file, or one piece of `interactions.csv`, gives: its rows, and the state
/// its rules need (each file's duplicate rows are found within the file).
#[derive(Default)]
struct Part {
    edges: Vec<Edge>,
    interactions: Vec<Interaction>,
    /// The `works_at` edges of `employment.csv`.
    works_at: Vec<Edge>,
    /// The rows of `employment.csv` that passed their own checks.
    periods: Vec<Period>,
    /// Persons already reported for having both an account and employment rows.
    doubly_employed: FastSet<u32>,
    /// The edges of `ties.csv`, `chain.csv`, `rival_ties.csv` or `employment.csv`, by
    /// their two ends.
    pairs: Seen<(u32, u32)>,
    influence: Seen<(EdgeKind, u32, u32)>,
    competes: FastSet<(u32, u32)>,
    owners: FastSet<(u32, OwnsTarget)>,
}

/// What an edge file's reader does with one row.
type OnEdge<R> = fn(&mut Part, &mut R, &mut Row<'_>, &[&str]);

/// The rows of all the edge files, in file order.
#[derive(Default)]
struct Parts {
    edges: Vec<Vec<Edge>>,
    interactions: Vec<Vec<Interaction>>,
    works_at: Vec<Edge>,
}

impl Parts {
    fn push(&mut self, mut part: Part) {
        if !part.edges.is_empty() {
            self.edges.push(part.edges);
        }
        if !part.interactions.is_empty() {
            self.interactions.push(part.interactions);
        }
        self.works_at.append(&mut part.works_at);
    }
}

impl Part {
    /// The row reader of the edge file `table`.
    fn on_row<R: Refs>(table: Table) -> OnEdge<R> {
        match table.file {
            f if f == TIES.file => Part::tie,
            f if f == CHAIN.file => Part::member,
            f if f == INFLUENCE.file => Part::influence,
            f if f == RIVAL_TIES.file => Part::rival_tie,
            f if f == COMPETES.file => Part::competes,
            f if f == OWNERS.file => Part::owns,
            f if f == EMPLOYMENT.file => Part::employment,
            _ => Part::interaction,
        }
    }

    /// Makes room for `rows` rows of `table`.
    fn reserve(&mut self, table: Table, rows: usize) {
        match table.file {
            f if f == INTERACTIONS.file => self.interactions.reserve(rows),
            f if f == INFLUENCE.file => {
                self.influence.0.reserve(rows);
                self.edges.reserve(rows);
            }
            f if f == COMPETES.file => {
                self.competes.reserve(rows);
                self.edges.reserve(rows);
            }
            f if f == OWNERS.file => {
                self.owners.reserve(rows);
                self.edges.reserve(rows);
            }
            f if f == EMPLOYMENT.file => {
                self.pairs.0.reserve(rows);
                self.periods.reserve(rows);
            }
            _ => {
                self.pairs.0.reserve(rows);
                self.edges.reserve(rows);
            }
        }
    }

    // Each method receives the listed columns in the table's order.

    fn tie<R: Refs>(&mut self, refs: &mut R, r: &mut Row<'_>, f: &[&str]) {
        let employee = refs.resolve(NodeKind::Employee, r, "employee_id", f[0]);
        let person = refs.resolve(NodeKind::Person, r, "person_id", f[1]);
        let new = match (employee, person) {
            (Some(e), Some(p)) => self.pairs.first(r, EdgeKind::Tie, (e, p)),
            _ => false,
        };
        let closeness = r.score("closeness", f[2]);
        let last_contact = r.date("last_contact", f[3]);
        let private = r.boolean("private", f[4]);
        if let (true, Some(e), Some(p), Some(closeness)) =
            (new && r.ok, employee, person, closeness)
        {
            self.edges.push(Edge::Tie {
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

    fn member<R: Refs>(&mut self, refs: &mut R, r: &mut Row<'_>, f: &[&str]) {
        let project = refs.resolve(NodeKind::Project, r, "project_id", f[0]);
        let person = refs.resolve(NodeKind::Person, r, "person_id", f[1]);
        let new = match (project, person) {
            (Some(x), Some(p)) => self.pairs.first(r, EdgeKind::Member, (x, p)),
            _ => false,
        };
        let role = r.word::<Role>("role", f[2], ROLES);
        let coach = r.boolean("coach", f[3]);
        let solution = r.opt_score("solution", f[4]);
        let price = r.opt_score("price", f[5]);
        if let (true, Some(x), Some(p), Some(role)) = (new && r.ok, project, person, role) {
            self.edges.push(Edge::Member {
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

    fn influence<R: Refs>(&mut self, refs: &mut R, r: &mut Row<'_>, f: &[&str]) {
        let from = refs.resolve(NodeKind::Person, r, "from_id", f[0]);
        let to = refs.resolve(NodeKind::Person, r, "to_id", f[1]);
        let kind = r.required("kind", f[2]).and_then(|k| match k {
            "reports_to" => Some(EdgeKind::ReportsTo),
            "influences" => Some(EdgeKind::Influences),
            _ => {
                r.fail(RowErrorKind::UnknownValue {
                    column: "kind",
                    value: shown(k),
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
                    id: shown(f[0]),
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
            self.edges.push(if kind == EdgeKind::ReportsTo {
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
    fn competitor<R: Refs>(refs: &mut R, r: &mut Row<'_>, id: &str) -> Option<u32> {
        let index = refs.resolve(NodeKind::Account, r, "competitor_id", id)?;
        match refs
            .nodes()
            .account_kinds
            .get(index as usize)
            .copied()
            .flatten()
        {
            Some(AccountKind::Competitor) => Some(index),
            Some(kind) => {
                r.fail(RowErrorKind::NotACompetitor {
                    id: shown(id),
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

    fn rival_tie<R: Refs>(&mut self, refs: &mut R, r: &mut Row<'_>, f: &[&str]) {
        let competitor = Self::competitor(refs, r, f[0]);
        let person = refs.resolve(NodeKind::Person, r, "person_id", f[1]);
        let new = match (competitor, person) {
            (Some(k), Some(p)) => self.pairs.first(r, EdgeKind::RivalTie, (k, p)),
            _ => false,
        };
        let closeness = r.score("closeness", f[2]);
        if let (true, Some(k), Some(p), Some(closeness)) =
            (new && r.ok, competitor, person, closeness)
        {
            self.edges.push(Edge::RivalTie {
                competitor: AccountId(k),
                person: PersonId(p),
                closeness,
            });
        }
    }

    fn competes<R: Refs>(&mut self, refs: &mut R, r: &mut Row<'_>, f: &[&str]) {
        let competitor = Self::competitor(refs, r, f[0]);
        let project = refs.resolve(NodeKind::Project, r, "project_id", f[1]);
        if let (true, Some(k), Some(x)) = (r.ok, competitor, project) {
            // A repeated row is merged into the first (§5).
            if self.competes.insert((k, x)) {
                self.edges.push(Edge::Competes {
                    competitor: AccountId(k),
                    project: ProjectId(x),
                });
            }
        }
    }

    fn owns<R: Refs>(&mut self, refs: &mut R, r: &mut Row<'_>, f: &[&str]) {
        let employee = refs.resolve(NodeKind::Employee, r, "employee_id", f[0]);
        let target = match r.required("target_kind", f[1]) {
            Some("account") => refs
                .resolve(NodeKind::Account, r, "target_id", f[2])
                .map(|a| OwnsTarget::Account(AccountId(a))),
            Some("project") => refs
                .resolve(NodeKind::Project, r, "target_id", f[2])
                .map(|x| OwnsTarget::Project(ProjectId(x))),
            Some(other) => {
                r.fail(RowErrorKind::UnknownValue {
                    column: "target_kind",
                    value: shown(other),
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
                self.edges.push(Edge::Owns {
                    employee: EmployeeId(e),
                    target,
                });
            }
        }
    }

    fn employment<R: Refs>(&mut self, refs: &mut R, r: &mut Row<'_>, f: &[&str]) {
        let person = refs.resolve(NodeKind::Person, r, "person_id", f[0]);
        let account = refs.resolve(NodeKind::Account, r, "account_id", f[1]);
        let new = match (person, account) {
            (Some(p), Some(a)) => self.pairs.first(r, EdgeKind::WorksAt, (p, a)),
            _ => false,
        };
        if let Some(p) = person {
            let in_persons = refs.nodes().person_accounts.get(p as usize).copied();
            if let Some((Some(a), persons_line)) = in_persons {
                if self.doubly_employed.insert(p) {
                    r.fail(RowErrorKind::AccountInPersons {
                        person: shown(f[0]),
                        account: shown(&refs.nodes().net.accounts[a as usize].xid),
                        persons_line,
                    });
                }
            }
        }
        let since = r.date("since", f[2]);
        let until = r.date("until", f[3]);
        let title = r.title(f[4]);
        if let (Some(since), Some(until)) = (since, until) {
            if since >= until {
                r.fail(RowErrorKind::EmptyPeriod { since, until });
            }
        }
        if let (true, Some(person), Some(account)) = (new && r.ok, person, account) {
            self.periods.push(Period {
                person,
                account,
                line: r.line,
                employment: Employment {
                    since,
                    until,
                    title,
                },
            });
        }
    }

    /// After `employment.csv`: reports each period overlapping another of the same person
    /// on the later row of the two, and turns the rows into `works_at` edges.
    fn overlapping_periods(&mut self, nodes: &Nodes, errs: &mut Collector) {
        let mut order: Vec<usize> = (0..self.periods.len()).collect();
        order.sort_by_key(|&i| self.periods[i].person);
        for group in order.chunk_by(|&a, &b| self.periods[a].person == self.periods[b].person) {
            let employments: Vec<&Employment> =
                group.iter().map(|&i| &self.periods[i].employment).collect();
            for (a, b) in Employment::overlapping_pairs(&employments) {
                let (first, second) = (&self.periods[group[a]], &self.periods[group[b]]);
                let xid = |i: u32| shown(&nodes.net.accounts[i as usize].xid);
                errs.push(RowError {
                    file: EMPLOYMENT.file,
                    line: second.line,
                    kind: RowErrorKind::OverlappingPeriods {
                        person: shown(&nodes.net.persons[second.person as usize].xid),
                        account: xid(second.account),
                        other: xid(first.account),
                        other_line: first.line,
                    },
                });
            }
        }
        for p in self.periods.drain(..) {
            self.works_at.push(Edge::WorksAt {
                person: PersonId(p.person),
                account: AccountId(p.account),
                employment: p.employment,
            });
        }
    }

    fn interaction<R: Refs>(&mut self, refs: &mut R, r: &mut Row<'_>, f: &[&str]) {
        let employee = refs.resolve(NodeKind::Employee, r, "employee_id", f[0]);
        let person = refs.resolve(NodeKind::Person, r, "person_id", f[1]);
        let date = r.required_date("date", f[2]);
        let kind = r.word::<InteractionKind>("kind", f[3], INTERACTION_KINDS);
        let project = if f[4].is_empty() {
            Some(None)
        } else {
            refs.resolve(NodeKind::Project, r, "project_id", f[4])
                .map(|x| Some(ProjectId(x)))
        };
        if let (true, Some(e), Some(p), Some(date), Some(kind), Some(project)) =
            (r.ok, employee, person, date, kind, project)
        {
            self.interactions.push(Interaction {
                employee: EmployeeId(e),
                person: PersonId(p),
                date,
                kind,
                project,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edge_files_are_every_file_after_the_four_node_files() {
        let names: Vec<&str> = EDGE_TABLES.iter().map(|t| t.file).collect();
        assert_eq!(
            names,
            [
                "ties.csv",
                "chain.csv",
                "influence.csv",
                "rival_ties.csv",
                "competes.csv",
                "owners.csv",
                "employment.csv",
                "interactions.csv"
            ]
        );
    }

    #[test]
    fn default_reports_to_weight_is_point_eight() {
        assert!((default_reports_to().get() - 0.8).abs() < f64::EPSILON);
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(unclosed_quote(b"a,b\n1,2\n"), None);
        assert_eq!(unclosed_quote(b"a,\"b\"\"c\"\n1,\"x\ny\"\n"), None);
        assert_eq!(unclosed_quote(b"a,b\n1,\"x\n2,3\n"), Some((6, 2)));
        // A quote inside an unquoted field is a character, not an opening.
        assert_eq!(unclosed_quote(b"a,b\n1,x\"y\n"), None);
        assert_eq!(unclosed_quote(b"a,b\r\r1, \"x\n"), None);
        assert_eq!(unclosed_quote(b"a,b\r\r1,\"x\n"), Some((7, 3)));
        // After a closing quote the field goes on unquoted.
        assert_eq!(unclosed_quote(b"\"a\"b\"c,d\n"), None);
    }

    #[test]
    fn following_quotes_from_quote_to_quote_is_stepping_byte_by_byte() {
        // Random texts of the bytes that matter, and one that does not.
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let body: Vec<u8> = (0..len)
                .map(|k| b"a,\"\n\r\""[((seed >> (k % 60)) as usize + k * 7) % 6])
                .collect();
            let (mut state, mut opens) = (Quoting::Start, Vec::new());
            for (i, &b) in body.iter().enumerate() {
                let next = state.step(b);
                if state == Quoting::Start && next == Quoting::Quoted {
                    opens.push(i);
                }
                state = next;
            }
            let mut followed = Vec::new();
            let end = follow(&body, |i| followed.push(i));
            assert_eq!((end, &followed), (state, &opens), "{body:?}");
        }
    }

    #[test]
    fn misnamed_files_get_the_name_they_were_meant_to_have() {
        assert_eq!(suggestion("Persons.csv"), Some("persons.csv"));
        assert_eq!(suggestion("person.csv"), Some("persons.csv"));
        assert_eq!(suggestion("chain.CSV"), Some("chain.csv"));
        assert_eq!(suggestion("rival-ties.csv"), Some("rival_ties.csv"));
        assert_eq!(suggestion("Interaction.csv"), Some("interactions.csv"));
        assert_eq!(suggestion("notes.csv"), None);
    }
}
