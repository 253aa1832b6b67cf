//! CSV interchange (§5): read a folder of CSV files into a [`Network`] and write one
//! back.
//!
//! # The format
//!
//! A folder holds up to ten UTF-8, comma-separated files, each with a header row:
//!
//! | file | columns |
//! |---|---|
//! | `accounts.csv` | `id`, `name`, `kind` (client/competitor/partner; empty = client) |
//! | `persons.csv` | `id`, `name`, `account_id` (may be empty), `title` (may be empty) |
//! | `employees.csv` | `id`, `name` |
//! | `projects.csv` | `id`, `name`, `account_id`, `stage`, `amount` (empty = 0) |
//! | `ties.csv` | `employee_id`, `person_id`, `closeness`, `last_contact` (YYYY-MM-DD or empty), `private` (true/false or empty = false) |
//! | `chain.csv` | `project_id`, `person_id`, `role`, `coach` (true/false or empty = false), `solution`, `price` (empty = unknown) |
//! | `influence.csv` | `from_id`, `to_id`, `kind` (`reports_to`/`influences`), `weight` (empty = 0.8 for `reports_to`; required for `influences`) |
//! | `rival_ties.csv` | `competitor_id`, `person_id`, `closeness` |
//! | `competes.csv` | `competitor_id`, `project_id` |
//! | `owners.csv` | `employee_id`, `target_kind` (account/project), `target_id` |
//!
//! Only `accounts.csv` is mandatory. Nodes are referred to by their *external* ids (the
//! CRM's ids, strings), resolved within the folder: `persons.account_id` creates the
//! person's `works_at` edge and `projects.account_id` the project's `of` edge.
//!
//! # Why the reader is strict
//!
//! The file is the boundary between a CRM export — often hand-edited — and the database,
//! so the reader trusts nothing and changes nothing: columns are found by header name
//! (extra columns are ignored, so exports may carry more), but headers and fields are not
//! trimmed (`" 0.5"` is not a number), and every field is required unless its column says
//! it may be empty. A bad file is rejected as a whole — [`read_csv_dir`] returns no
//! network at all — and the error lists *every* problem it found (up to
//! [`MAX_REPORTED_PROBLEMS`]), each as `file:line: reason` with the physical line where the
//! record starts (header = line 1, blank lines and newlines inside quoted fields counted),
//! so that one round of fixes is enough. Problems come in the order of the table above,
//! then by line. A row whose id is valid still registers that id even if other fields are
//! bad, and a file whose header is unusable silences "unknown id" reports that point into
//! it, so that one mistake is reported once rather than as a cascade.
//!
//! Where the spec is silent, the reader chooses the strict reading:
//!
//! * a header naming a required column twice is an error (which copy holds the data
//!   would be a guess); an extra column may repeat freely;
//! * an empty file (no header at all) lacks every column;
//! * a lone carriage return ends a line like `\n` and `\r\n` do, both for the parser and
//!   for line numbers;
//! * ids are compared exactly (case and spaces count), and `persons.account_id` and
//!   `projects.account_id` may name an account of any kind.
//!
//! # Round trip
//!
//! [`write_csv_dir`] writes all ten files, numbers in their shortest round-trip form, so
//! that importing, exporting and importing again gives an identical [`Network`]. The
//! importer builds edges in a fixed order — `works_at` (in person order), `of` (in project
//! order), then the edges of `ties.csv`, `chain.csv`, `influence.csv`, `rival_ties.csv`,
//! `competes.csv` and `owners.csv` in file order — and the writer writes each file's rows
//! in the order of the network's edges, so a network whose edges are in that order (as
//! every imported or generated one is) survives an export and import unchanged.
//!
//! [`Network`]: crate::model::Network

mod db;
pub mod draw;
mod error;
mod read;
mod write;

pub use db::{export_dir, import_dir, TransferError};
pub use error::{CsvExportError, CsvImportError, RowError, RowErrorKind, RowErrors};
pub use read::read_csv_dir;
pub use write::write_csv_dir;

/// At most this many problems are kept in a [`CsvImportError`]; the rest are counted.
pub const MAX_REPORTED_PROBLEMS: usize = 100;

/// One file of the format: its name and its columns, in the spec's order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table {
    pub file: &'static str,
    pub columns: &'static [&'static str],
}

pub(crate) const ACCOUNTS: Table = Table {
    file: "accounts.csv",
    columns: &["id", "name", "kind"],
};
pub(crate) const PERSONS: Table = Table {
    file: "persons.csv",
    columns: &["id", "name", "account_id", "title"],
};
pub(crate) const EMPLOYEES: Table = Table {
    file: "employees.csv",
    columns: &["id", "name"],
};
pub(crate) const PROJECTS: Table = Table {
    file: "projects.csv",
    columns: &["id", "name", "account_id", "stage", "amount"],
};
pub(crate) const TIES: Table = Table {
    file: "ties.csv",
    columns: &[
        "employee_id",
        "person_id",
        "closeness",
        "last_contact",
        "private",
    ],
};
pub(crate) const CHAIN: Table = Table {
    file: "chain.csv",
    columns: &[
        "project_id",
        "person_id",
        "role",
        "coach",
        "solution",
        "price",
    ],
};
pub(crate) const INFLUENCE: Table = Table {
    file: "influence.csv",
    columns: &["from_id", "to_id", "kind", "weight"],
};
pub(crate) const RIVAL_TIES: Table = Table {
    file: "rival_ties.csv",
    columns: &["competitor_id", "person_id", "closeness"],
};
pub(crate) const COMPETES: Table = Table {
    file: "competes.csv",
    columns: &["competitor_id", "project_id"],
};
pub(crate) const OWNERS: Table = Table {
    file: "owners.csv",
    columns: &["employee_id", "target_kind", "target_id"],
};

/// The file names of the format, in the spec's order (the order problems are reported in).
pub const FILES: [&str; 10] = [
    ACCOUNTS.file,
    PERSONS.file,
    EMPLOYEES.file,
    PROJECTS.file,
    TIES.file,
    CHAIN.file,
    INFLUENCE.file,
    RIVAL_TIES.file,
    COMPETES.file,
    OWNERS.file,
];
