//! CSV interchange (§5): read a folder of CSV files into a [`Network`] and write one
//! back.
//!
//! # The format
//!
//! A folder holds up to twelve UTF-8, comma-separated files, each with a header row:
//!
//! | file | columns |
//! |---|---|
//! | `accounts.csv` | `id`, `name`, `kind` (client/competitor/partner; empty = client) |
//! | `persons.csv` | `id`, `name`, `account_id` (may be empty), `title` (may be empty) |
//! | `employees.csv` | `id`, `name`, `left` (*optional column*; YYYY-MM-DD or empty = still with us) |
//! | `projects.csv` | `id`, `name`, `account_id`, `stage`, `amount` (empty = 0) |
//! | `ties.csv` | `employee_id`, `person_id`, `closeness`, `last_contact` (YYYY-MM-DD or empty), `private` (true/false or empty = false) |
//! | `chain.csv` | `project_id`, `person_id`, `role`, `coach` (true/false or empty = false), `solution`, `price` (empty = unknown) |
//! | `influence.csv` | `from_id`, `to_id`, `kind` (`reports_to`/`influences`), `weight` (empty = 0.8 for `reports_to`; required for `influences`) |
//! | `rival_ties.csv` | `competitor_id`, `person_id`, `closeness` |
//! | `competes.csv` | `competitor_id`, `project_id` |
//! | `owners.csv` | `employee_id`, `target_kind` (account/project), `target_id` |
//! | `employment.csv` | `person_id`, `account_id`, `since` (YYYY-MM-DD or empty), `until` (YYYY-MM-DD or empty), `title` (may be empty) |
//! | `interactions.csv` | `employee_id`, `person_id`, `date` (YYYY-MM-DD), `kind` (meeting/event/call/message/email), `project_id` (may be empty) |
//!
//! Only `accounts.csv` is mandatory. Nodes are referred to by their *external* ids (the
//! CRM's ids, strings), resolved within the folder (and, when it is read against a
//! database, then in the database: see *Import modes*): `persons.account_id` creates the
//! person's `works_at` edge (a period spanning all time, §8.2) and `projects.account_id`
//! the project's `of` edge. `employment.csv` gives a person's dated periods instead, one
//! row per account (`until` is the first day after the period): a person with rows there
//! must have an empty `account_id` in `persons.csv`, and the periods of one person may not
//! overlap. Every row of `interactions.csv` is its own interaction (§8.1), so two
//! identical rows are two meetings; its `project_id`, if given, must name a project.
//!
//! An *optional column* may be missing from the header: every row then leaves it empty.
//! Amounts are at most 10¹⁵; external ids at most [`MAX_ID_BYTES`] bytes, names and titles
//! at most [`MAX_TEXT_BYTES`].
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
//! A file saved the wrong way is named as such rather than reported column by column: one
//! separated by semicolons or tabs, one in UTF-16 (a UTF-16 byte-order mark, or NUL
//! bytes), one whose quote is never closed (the line where the quote opened is named: the
//! parser would otherwise read the rest of the file as one field), and one cut short in
//! its last row. A file in the folder whose name ends in `.csv` in any letter case but is
//! not one of the twelve (`Persons.csv`, `person.csv`, `chain.CSV`) is an error too: its
//! rows would otherwise be silently left out.
//!
//! Where the format leaves a choice, the reader chooses the strict reading:
//!
//! * a header naming a required column twice is an error (which copy holds the data
//!   would be a guess); an extra column may repeat freely;
//! * an empty file (no header at all) lacks every column;
//! * a lone carriage return ends a line like `\n` and `\r\n` do, both for the parser and
//!   for line numbers;
//! * ids are compared exactly (case and spaces count), and `persons.account_id`,
//!   `projects.account_id` and `employment.account_id` may name an account of any kind;
//! * two `employment.csv` rows for the same person and account are a duplicate row, as a
//!   person has one period per account;
//! * overlapping periods are reported on the later row of the two, naming the earlier.
//!
//! # Import modes
//!
//! A folder meets a database through an [`ImportPlan`]: the folder compared with the
//! database by external id, every change listed before anything is written, then written
//! in one transaction ([`import_dir_with`]) — or only shown ([`plan_import`], a dry run).
//! Two modes, because a CRM export says two different things:
//!
//! * [`ImportMode::Merge`] (the default): "here is what changed". The folder's nodes are
//!   upserted and its edges put; what it does not mention stays. It may refer to ids
//!   already in the database ([`read_csv_dir_with`]), so a delta folder — a few new ties,
//!   persons at existing accounts — imports. A person the folder states (in `persons.csv`
//!   or `employment.csv`) works exactly where it says: the old `works_at` edges go, so a
//!   changed account moves the person. Interactions have no identity but their record,
//!   so the folder adds, per (employee, person, date, kind, project), only as many as it
//!   has beyond those held: re-importing an export does not double them.
//! * [`ImportMode::Replace`]: "here is everything". The folder must be complete; what it
//!   lacks — nodes, edges, interactions — is removed.
//!
//! The modes' rules in full are on [`ImportMode`]. Either way the §5 rules hold for every
//! row, and any problem writes nothing. Into an empty database the plan is "add all" and
//! the folder goes whole to the store's bulk import.
//!
//! # Round trip
//!
//! [`write_csv_dir`] writes all twelve files, numbers in their shortest round-trip form,
//! so that importing, exporting and importing again gives an identical [`Network`]. The
//! importer builds edges in a fixed order — `works_at` grouped by person in person order
//! (a person's `employment.csv` rows in file order), `of` (in project order), then the
//! edges of `ties.csv`, `chain.csv`, `influence.csv`, `rival_ties.csv`, `competes.csv` and
//! `owners.csv` in file order — and interactions in file order; the writer writes each
//! file's rows in the order of the network's edges and interactions, a person's single
//! period without dates and title as its `persons.csv` account and every other period as
//! an `employment.csv` row. So a network whose edges are in that order (as every
//! imported or generated one is) survives an export and import unchanged.
//!
//! [`Network`]: crate::model::Network
//! [`MAX_ID_BYTES`]: crate::model::MAX_ID_BYTES
//! [`MAX_TEXT_BYTES`]: crate::model::MAX_TEXT_BYTES

mod db;
pub mod draw;
mod error;
mod folder;
mod json;
mod plan;
mod read;
mod write;

pub use db::{export_dir, import_dir, import_dir_with, plan_import, TransferError};
pub use error::{CsvExportError, CsvImportError, RowError, RowErrorKind, RowErrors, UnknownFile};
pub use folder::{Folder, Resolve};
pub use json::{compute_report_json, write_report_json};
pub use plan::{
    Changes, Delta, ImportCounts, ImportMode, ImportOptions, ImportPlan, InteractionRow,
    UnknownMode,
};
pub use read::{read_csv_dir, read_csv_dir_with};
pub use write::write_csv_dir;

/// At most this many problems are kept in a [`CsvImportError`]; the rest are counted.
pub const MAX_REPORTED_PROBLEMS: usize = 100;

/// One file of the format: its name and its columns, in the format's order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table {
    pub file: &'static str,
    pub columns: &'static [&'static str],
    /// How many of the columns, from the first, the header must name; the others are
    /// *optional columns*, which may be missing from the header (then empty in every row).
    pub required: usize,
}

impl Table {
    /// The columns the header must name.
    pub fn required(&self) -> &'static [&'static str] {
        let columns: &'static [&'static str] = self.columns;
        &columns[..self.required.min(columns.len())]
    }
}

pub(crate) const ACCOUNTS: Table = Table {
    file: "accounts.csv",
    columns: &["id", "name", "kind"],
    required: 3,
};
pub(crate) const PERSONS: Table = Table {
    file: "persons.csv",
    columns: &["id", "name", "account_id", "title"],
    required: 4,
};
pub(crate) const EMPLOYEES: Table = Table {
    file: "employees.csv",
    columns: &["id", "name", "left"],
    required: 2,
};
pub(crate) const PROJECTS: Table = Table {
    file: "projects.csv",
    columns: &["id", "name", "account_id", "stage", "amount"],
    required: 5,
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
    required: 5,
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
    required: 6,
};
pub(crate) const INFLUENCE: Table = Table {
    file: "influence.csv",
    columns: &["from_id", "to_id", "kind", "weight"],
    required: 4,
};
pub(crate) const RIVAL_TIES: Table = Table {
    file: "rival_ties.csv",
    columns: &["competitor_id", "person_id", "closeness"],
    required: 3,
};
pub(crate) const COMPETES: Table = Table {
    file: "competes.csv",
    columns: &["competitor_id", "project_id"],
    required: 2,
};
pub(crate) const OWNERS: Table = Table {
    file: "owners.csv",
    columns: &["employee_id", "target_kind", "target_id"],
    required: 3,
};
pub(crate) const EMPLOYMENT: Table = Table {
    file: "employment.csv",
    columns: &["person_id", "account_id", "since", "until", "title"],
    required: 5,
};
pub(crate) const INTERACTIONS: Table = Table {
    file: "interactions.csv",
    columns: &["employee_id", "person_id", "date", "kind", "project_id"],
    required: 5,
};

/// Every file of the format, in the format's order.
pub(crate) const TABLES: [Table; 12] = [
    ACCOUNTS,
    PERSONS,
    EMPLOYEES,
    PROJECTS,
    TIES,
    CHAIN,
    INFLUENCE,
    RIVAL_TIES,
    COMPETES,
    OWNERS,
    EMPLOYMENT,
    INTERACTIONS,
];

/// The file names of the format, in its order (the order problems are reported in).
pub const FILES: [&str; 12] = {
    let mut names = [""; 12];
    let mut i = 0;
    while i < TABLES.len() {
        names[i] = TABLES[i].file;
        i += 1;
    }
    names
};

/// The most columns a file of the format has.
pub(crate) const MAX_COLUMNS: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < TABLES.len() {
        if TABLES[i].columns.len() > max {
            max = TABLES[i].columns.len();
        }
        i += 1;
    }
    max
};
