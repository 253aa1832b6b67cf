//! [`StoreError`]: everything that can go wrong in the store layer.
//!
//! Variants fall in three groups: the storage engine failing (I/O, a damaged file, a
//! transaction that could not start or commit), the file not being one this version can
//! use (not a guanxi database, written by a newer version, a record that does not decode),
//! and a change that breaks a rule of SPEC §3 (a dangling end, a duplicate edge, …). A
//! rule violation is detected before anything is written, and it poisons the write
//! transaction (see [`WriteTxn`](super::WriteTxn)), so the database is never left half
//! changed.

use crate::model::{AccountKind, EdgeKey, EdgeKind, ModelError, NetworkError, NodeKind, NodeRef};
use std::fmt::Write as _;

/// A store-layer error. Each message says what is wrong, where, and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// There is no database file at the path given to [`Database::open`](super::Database::open).
    #[error("no database at {path}: check the path, or use Database::create to make a new one")]
    Missing {
        /// The path that was opened.
        path: String,
    },
    /// The file could not be opened as a database (locked by another process, unreadable, …).
    #[error("cannot open database {path}: {source}")]
    Open {
        /// The path that was opened.
        path: String,
        /// The storage engine's reason.
        source: redb::DatabaseError,
    },
    /// The file is not a guanxi database.
    #[error("{path} is not a guanxi database ({reason}); give the path of a database made by Database::create, or a new path")]
    NotAGuanxiDatabase {
        /// The path that was opened.
        path: String,
        /// Why it was not recognised.
        reason: String,
    },
    /// The file was written by a newer version of guanxi with a format this one cannot read.
    #[error("the database uses format version {found}, but this version of guanxi supports up to {supported}; upgrade guanxi to open it")]
    NewerFormat {
        /// The format version recorded in the file.
        found: u64,
        /// The newest format version this build reads.
        supported: u64,
    },
    /// A stored record or key that does not decode: the file is damaged.
    #[error("corrupt {what}: {reason}; the file is damaged — restore it from a backup or re-import the data")]
    Corrupt {
        /// Which record (table and key).
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A file operation of a backup or rewrite failed (creating, renaming or syncing a file).
    #[error("{action} {path}: {source}; check the path, the permissions and the free space")]
    File {
        /// What was being done (`cannot create`, `cannot rename to`, …).
        action: &'static str,
        /// The file.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A backup's target file already exists; backups never overwrite a file.
    #[error("backup target {path} already exists; choose a new path or remove the old file first")]
    TargetExists {
        /// The target path.
        path: String,
    },
    /// The handle was closed after a failure (a rewrite whose new file could not be
    /// reopened); the file itself is intact.
    #[error("the handle to {path} was closed after an earlier failure; open the database again")]
    Closed {
        /// The database.
        path: String,
    },
    /// A low-level storage failure (I/O error, damaged page, value too large).
    #[error("storage error: {0}; check the disk and the file")]
    Storage(#[from] redb::StorageError),
    /// A transaction could not begin.
    #[error("cannot begin a transaction: {0}")]
    Transaction(#[from] redb::TransactionError),
    /// A table could not be opened.
    #[error("cannot open a table: {0}; the file may be damaged or not a guanxi database")]
    Table(#[from] redb::TableError),
    /// A write transaction could not commit; nothing of it was written.
    #[error("commit failed: {0}; reopen the database and retry")]
    Commit(#[from] redb::CommitError),
    /// Compaction failed.
    #[error("compaction failed: {0}; finish every open transaction first")]
    Compaction(#[from] redb::CompactionError),
    /// A record could not be encoded (should not happen with the model's types).
    #[error("cannot encode {what}: {reason}")]
    Encode {
        /// Which record.
        what: String,
        /// The encoder's reason.
        reason: String,
    },
    /// A node id space is exhausted (more than `u32::MAX − 1` nodes of one type ever made).
    #[error("no {0} id left: the database has made 4 294 967 294 {0}s; export and re-import it to renumber")]
    IdsExhausted(NodeKind),
    /// A node that does not exist.
    #[error("{0} does not exist")]
    UnknownNode(NodeRef),
    /// An edge end that does not exist.
    #[error("edge {edge}: {end} does not exist; add the node first")]
    DanglingEnd {
        /// The edge.
        edge: EdgeKey,
        /// Its missing end.
        end: NodeRef,
    },
    /// `rival_tie` or competes starting at an account that is not a competitor.
    #[error("edge {edge}: account {xid:?} is a {kind}, but a {} edge must start at a competitor; make the account a competitor first", edge.kind)]
    NotACompetitor {
        /// The edge.
        edge: EdgeKey,
        /// The account's external id.
        xid: String,
        /// Its kind.
        kind: AccountKind,
    },
    /// An account that still has `rival_tie` or competes edges may not stop being a competitor.
    #[error("account {xid:?} has {edges} rival_tie/competes edges, so it must stay a competitor; remove those edges first")]
    CompetitorHasEdges {
        /// The account's external id.
        xid: String,
        /// How many such edges it has.
        edges: u64,
    },
    /// [`WriteTxn::add_edge`](super::WriteTxn::add_edge) of an edge whose key exists.
    #[error("edge {0} already exists; use put_edge to replace it")]
    DuplicateEdge(EdgeKey),
    /// A `works_at` whose employment period overlaps another of the same person's.
    #[error("edge {edge}: its employment period overlaps that of {existing}; a person works at one account at a time — end one period before the other begins")]
    OverlappingPeriods {
        /// The refused edge.
        edge: EdgeKey,
        /// The edge whose period it overlaps.
        existing: EdgeKey,
    },
    /// A second `of` for a project.
    #[error("edge {edge}: the {} already has a {} edge ({existing}); remove it first", edge.from, edge.kind)]
    SecondEdge {
        /// The refused edge.
        edge: EdgeKey,
        /// The edge that is already there.
        existing: EdgeKey,
    },
    /// An edge breaking a rule on its own (a `reports_to` or influences self-loop).
    #[error("edge {edge}: {source}")]
    InvalidEdge {
        /// The edge.
        edge: EdgeKey,
        /// The rule it breaks.
        source: ModelError,
    },
    /// A node value breaking a model rule (an empty external id).
    #[error("{kind} {xid:?}: {source}")]
    InvalidNode {
        /// The node type.
        kind: NodeKind,
        /// Its external id.
        xid: String,
        /// The rule it breaks.
        source: ModelError,
    },
    /// A network given to `import_network` that breaks rules of SPEC §3; nothing was written.
    #[error("{}", network_message(.0))]
    Network(Vec<NetworkError>),
    /// An earlier operation of this write transaction failed, so the transaction can only be
    /// dropped or aborted; nothing of it will be written.
    #[error("the write transaction was poisoned by an earlier error; nothing was written — start a new transaction")]
    Poisoned,
    /// A read or write of an edge of a kind that has no edges of this node type.
    #[error("{node} cannot be the {end} of a {kind} edge")]
    WrongEndType {
        /// The node.
        node: NodeRef,
        /// `from` or `to`.
        end: &'static str,
        /// The edge kind.
        kind: EdgeKind,
    },
    /// Another process has the database file open in a way that excludes this open: a
    /// writer keeps every other process out, and readers keep writers out.
    #[error("{path} is in use: another process {holder}; retry when it has finished")]
    Busy {
        /// The database file.
        path: String,
        /// What the other process is doing (`is writing to it`, `has it open`).
        holder: &'static str,
    },
    /// A write (or compaction, verification, rewrite) through a handle opened read-only.
    #[error("{path} was opened read-only; open it for writing to change it")]
    ReadOnly {
        /// The database file.
        path: String,
    },
    /// Data was removed and the removal is committed, but the rewrite that takes its bytes
    /// out of the file failed; they can remain in the file's free space until a rewrite
    /// succeeds ([`Database::rewrite`](super::Database::rewrite), or the same erasure again).
    #[error("the erasure is committed, but rewriting {path} to remove the erased bytes failed: {source}; until a rewrite succeeds the bytes can remain in the file's free space")]
    RewriteFailed {
        /// The database file.
        path: String,
        /// Why the rewrite failed.
        source: Box<StoreError>,
    },
}

fn network_message(errors: &[NetworkError]) -> String {
    let mut s = format!(
        "the network breaks {} rule(s), nothing was written; fix the data and import again:",
        errors.len()
    );
    for e in errors.iter().take(20) {
        let _ = write!(s, "\n  {e}");
    }
    if errors.len() > 20 {
        let _ = write!(s, "\n  … and {} more", errors.len() - 20);
    }
    s
}

/// The store layer's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
