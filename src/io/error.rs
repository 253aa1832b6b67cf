//! Errors of the interchange layer.

use crate::model::{AccountKind, Day, EdgeKind, NetworkError, NodeKind};
use std::fmt;
use std::path::PathBuf;

/// What is wrong with one row (or the header) of an interchange file.
///
/// The message says what is wrong and, where it is not obvious, what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowErrorKind {
    /// The header does not name a column the file must have.
    #[error("missing column {column} (the header must name {})", required.join(", "))]
    MissingColumn {
        /// The missing column.
        column: &'static str,
        /// Every column the file must have.
        required: &'static [&'static str],
    },
    /// The header names a required column twice, so which one holds the data is ambiguous.
    #[error("column {column} appears more than once in the header; keep one")]
    DuplicateColumn {
        /// The repeated column.
        column: &'static str,
    },
    /// The header looks separated by another character than a comma (`;` or a tab).
    #[error("the file seems to be separated by {} — guanxi reads comma-separated files; save it again with commas between the fields", separator_name(*separator))]
    WrongSeparator {
        /// The separator the header seems to use.
        separator: char,
    },
    /// The file is UTF-16 (a UTF-16 byte-order mark) or holds NUL bytes, as UTF-16 text does.
    #[error("{}; save it again as UTF-8", if *bom { "the file is encoded as UTF-16" } else { "the file contains NUL bytes, as UTF-16 text does" })]
    Utf16 {
        /// Whether a UTF-16 byte-order mark starts the file.
        bom: bool,
    },
    /// A quoted field that is never closed: the parser would read the rest of the file
    /// into it. Reported at the line where the quote opened.
    #[error("a quote opened on line {line} is never closed, so the rest of the file would be one field; close the quote (inside a quoted field write a quote as \"\")")]
    UnclosedQuote {
        /// The line where the quote opened.
        line: u64,
    },
    /// The last row is short and the file does not end with a line break: it was cut.
    #[error("the last row has {found} of the header's {expected} fields and the file does not end with a line break: the file seems cut short; export it again")]
    Truncated {
        /// Fields in the header.
        expected: usize,
        /// Fields in the last row.
        found: usize,
    },
    /// A row with more or fewer fields than the header.
    #[error("the row has {found} field{} but the header has {expected}; quote fields that contain commas", if *found == 1 { "" } else { "s" })]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A field that is not valid UTF-8.
    #[error("{column} is not valid UTF-8; save the file as UTF-8")]
    InvalidUtf8 {
        /// The column.
        column: &'static str,
    },
    /// A required field left empty.
    #[error("{column} is empty, but it is required")]
    Empty {
        /// The column.
        column: &'static str,
    },
    /// A score or weight that is not a number, or not a finite one in `[0, 1]`.
    #[error("{column} {value:?} is not a finite number in [0, 1]")]
    BadScore {
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
    },
    /// An amount that is not a number, or negative, or not finite.
    #[error("{column} {value:?} is not a finite number ≥ 0 (leave it empty for 0)")]
    BadAmount {
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
    },
    /// An amount above 10¹⁵.
    #[error("{column} {value:?} is larger than 1e15, the largest amount guanxi stores")]
    AmountTooLarge {
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
    },
    /// A date that is not in the form `YYYY-MM-DD`.
    #[error("{column} {value:?} is not a date in the form YYYY-MM-DD")]
    BadDate {
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
    },
    /// A date in the form `YYYY-MM-DD` that names no day (`2025-02-30`).
    #[error("{column} {value:?} is not a calendar date")]
    NotACalendarDate {
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
    },
    /// An id, name or title longer than its cap.
    #[error("{column} is {len} bytes long; at most {max} bytes are allowed")]
    TooLong {
        /// The column.
        column: &'static str,
        /// Its length in bytes (UTF-8).
        len: usize,
        /// The cap.
        max: usize,
    },
    /// A boolean that is not `true`, `false` or empty.
    #[error("{column} {value:?} is not true, false or empty")]
    BadBool {
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
    },
    /// A word outside a column's vocabulary (kind, stage, role, influence kind, target kind).
    #[error("{column} {value:?} is unknown (expected {expected})")]
    UnknownValue {
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
        /// The accepted words.
        expected: &'static str,
    },
    /// A second node with an id already used in the same file.
    #[error(
        "duplicate id {id:?} (already on line {first_line}); ids must be unique within the file"
    )]
    DuplicateId {
        /// The repeated id.
        id: String,
        /// The line of the first row with that id.
        first_line: u64,
    },
    /// A reference to an id that the referenced file does not define (nor, when the
    /// folder is read against a database, the database).
    #[error("{column} {id:?} is not an id in {file}{}", if *database { " or in the database" } else { "" })]
    UnknownId {
        /// The referring column.
        column: &'static str,
        /// The id as written.
        id: String,
        /// The file where the id should be defined.
        file: &'static str,
        /// Whether the id was looked up in the database too (an import in merge mode).
        database: bool,
    },
    /// `rival_ties` or `competes` starting at an account that is not a competitor.
    #[error("competitor_id {id:?} is a {kind} account; it must be an account of kind competitor")]
    NotACompetitor {
        /// The account's id.
        id: String,
        /// Its kind.
        kind: AccountKind,
    },
    /// A second row for an edge already given (same ends, and same kind in `influence.csv`).
    #[error("duplicate row: line {first_line} already gives this {edge} edge; keep one")]
    DuplicateEdge {
        /// The edge type.
        edge: EdgeKind,
        /// The line of the first row.
        first_line: u64,
    },
    /// An employment period whose `since` is not before its `until`.
    #[error("since {since} is not before until {until}, so the period is empty (until is the first day after the period)")]
    EmptyPeriod {
        /// The first day.
        since: Day,
        /// The first day after.
        until: Day,
    },
    /// An employment period overlapping another period of the same person.
    #[error("person {person:?} works at {account:?} in this period and at {other:?} in the period on line {other_line}; the periods overlap, but a person works at one account at a time (until is the first day after a period)")]
    OverlappingPeriods {
        /// The person.
        person: String,
        /// This row's account.
        account: String,
        /// The other row's account.
        other: String,
        /// The other row's line.
        other_line: u64,
    },
    /// A person with `employment.csv` rows who also has an `account_id` in `persons.csv`.
    #[error("person {person:?} has rows in employment.csv but account_id {account:?} in persons.csv (line {persons_line}); leave that account_id empty and give the account as an employment row")]
    AccountInPersons {
        /// The person.
        person: String,
        /// The account given in `persons.csv`.
        account: String,
        /// The person's line in `persons.csv`.
        persons_line: u64,
    },
    /// `reports_to` or `influences` from a person to itself.
    #[error("{edge} from {id:?} to itself; from_id and to_id must differ")]
    SelfLoop {
        /// `reports_to` or `influences`.
        edge: EdgeKind,
        /// The person's id.
        id: String,
    },
}

/// A problem located in an interchange file: `file:line: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {kind}")]
pub struct RowError {
    /// The file name, e.g. `ties.csv`.
    pub file: &'static str,
    /// The physical line where the record starts (header = line 1).
    pub line: u64,
    /// What is wrong.
    pub kind: RowErrorKind,
}

/// Every problem found in a folder's rows, in file order (§5 table) then line order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowErrors {
    /// The first [`MAX_REPORTED_PROBLEMS`](super::MAX_REPORTED_PROBLEMS) problems.
    pub errors: Vec<RowError>,
    /// How many further problems were found but not kept.
    pub omitted: usize,
}

impl RowErrors {
    /// Total number of problems found, kept or not.
    pub fn total(&self) -> usize {
        self.errors.len() + self.omitted
    }
}

impl fmt::Display for RowErrors {
    /// One problem per line, then a line counting the problems not shown, if any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        if self.omitted > 0 {
            write!(
                f,
                "\n… and {} more problem{} not shown",
                self.omitted,
                if self.omitted == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for RowErrors {}

/// Why a folder could not be imported. Nothing is imported when any problem is found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsvImportError {
    /// The path to import is not a folder.
    #[error("{}: not a folder; give the folder that holds accounts.csv and the other files", path.display())]
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },
    /// The folder has no `accounts.csv`, the one mandatory file.
    #[error("{}: missing; a folder to import must contain accounts.csv (with at least its header)", path.display())]
    MissingAccounts {
        /// Where accounts.csv was looked for.
        path: PathBuf,
    },
    /// Files in the folder whose names end in `.csv` but are not files of the format:
    /// their rows would be left out.
    #[error("{}", unknown_files(.0))]
    UnknownFiles(Vec<UnknownFile>),
    /// A file or folder exists but could not be read.
    #[error("{}: cannot be read ({source}); check that it is a file you may read", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Rows (or headers) that break the format; one problem per line.
    #[error("{0}")]
    Rows(RowErrors),
    /// The rows were well-formed but the network they describe breaks a rule of §3.
    /// (The row checks are meant to catch everything first; this is a final guard.)
    #[error("the imported network is invalid:{}", list(.0))]
    Invalid(Vec<NetworkError>),
}

/// A file whose name ends in `.csv` (in any letter case) but is not a file of the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFile {
    /// The file.
    pub path: PathBuf,
    /// The file of the format it was probably meant to be (`Persons.csv` → `persons.csv`).
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: not a file of the interchange format",
            self.path.display()
        )?;
        match self.suggestion {
            Some(s) => write!(f, " (did you mean {s}?); rename it"),
            None => f.write_str("; rename it to one of the format's names"),
        }?;
        f.write_str(" or move it out of the folder, or its rows would be left out")
    }
}

fn unknown_files(files: &[UnknownFile]) -> String {
    let mut s = String::new();
    for file in files {
        let _ = fmt::Write::write_fmt(&mut s, format_args!("{file}\n"));
    }
    s.push_str("the files of the format are ");
    s.push_str(&super::FILES.join(", "));
    s
}

fn separator_name(c: char) -> String {
    match c {
        '\t' => "tabs".to_owned(),
        c => format!("'{c}'"),
    }
}

impl CsvImportError {
    /// The row problems, if that is what the error is.
    pub fn rows(&self) -> Option<&RowErrors> {
        match self {
            CsvImportError::Rows(r) => Some(r),
            _ => None,
        }
    }
}

/// Why a network could not be exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsvExportError {
    /// The network breaks a rule of §3; fix it before exporting.
    #[error("the network is invalid and cannot be exported:{}", list(.0))]
    Invalid(Vec<NetworkError>),
    /// A project without an `of` edge: the format requires every project's account.
    #[error(
        "project {xid:?} has no account; the interchange format requires one (add an `of` edge)"
    )]
    ProjectWithoutAccount {
        /// The project's external id.
        xid: String,
    },
    /// A node with an empty name: the format requires every name.
    #[error("{kind} {xid:?} has an empty name; the interchange format requires one")]
    EmptyName {
        /// The node type.
        kind: NodeKind,
        /// The node's external id.
        xid: String,
    },
    /// A file or folder could not be written.
    #[error("{}: cannot be written: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

fn list(errors: &[NetworkError]) -> String {
    use fmt::Write;
    let mut s = String::new();
    for e in errors {
        let _ = write!(s, "\n{e}");
    }
    s
}
