//! [`StoreError`]: everything that can go wrong in the store layer.
//!
//! Variants fall in three groups: the storage engine failing (I/O, a damaged file, a
//! transaction that could not start or commit), the file not being one this version can
//! use (not a guanxi database, written by a newer version, a record that does not decode),
//! and a change that breaks a rule of §3 (a dangling end, a duplicate edge, …). A
//! rule violation is detected before anything is written, and it poisons the write
//! transaction (see [`WriteTxn`](super::WriteTxn)), so the database is never left half
//! changed.

use crate::model::{
    AccountKind, Day, EdgeKind, EdgeLabel, Employment, ModelError, NetworkError, NodeKind,
    NodeLabel, NodeRef,
};
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
    #[error("cannot open database {path}: {source}{hint}", hint = open_hint(source))]
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
    #[error("storage error: {0}; {hint}", hint = storage_hint(.0, "check the disk and the file"))]
    Storage(#[from] redb::StorageError),
    /// A transaction could not begin.
    #[error("cannot begin a transaction: {0}")]
    Transaction(#[from] redb::TransactionError),
    /// A table could not be opened.
    #[error("cannot open a table: {0}; the file may be damaged or not a guanxi database")]
    Table(#[from] redb::TableError),
    /// A write transaction could not commit; nothing of it was written.
    #[error("commit failed: {0}; {hint}", hint = commit_hint(.0))]
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
    /// A node that does not exist (named by kind and number: it has no external id).
    #[error("{0} does not exist")]
    UnknownNode(NodeLabel),
    /// An edge end that does not exist.
    #[error("edge {edge}: {} #{} does not exist; add the node first", end.kind, end.id)]
    DanglingEnd {
        /// The edge (its ends named by external id where they exist).
        edge: Box<EdgeLabel>,
        /// Its missing end.
        end: NodeRef,
    },
    /// An interaction whose employee, person or project does not exist.
    #[error("interaction of {employee} with {person} on {date}: {} #{} does not exist; add the node first", end.kind, end.id)]
    DanglingInteraction {
        /// Its employee.
        employee: NodeLabel,
        /// Its person.
        person: NodeLabel,
        /// Its date.
        date: Day,
        /// The missing node.
        end: NodeRef,
    },
    /// `rival_tie` or competes starting at an account that is not a competitor.
    #[error("edge {edge}: {} is a {kind}, but a {} edge must start at a competitor; make the account a competitor first", edge.from, edge.key.kind)]
    NotACompetitor {
        /// The edge.
        edge: Box<EdgeLabel>,
        /// The account's kind.
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
    /// A create-only insert ([`WriteTxn::create_person`](super::WriteTxn::create_person),
    /// …) of a node whose external id its type already has.
    #[error("{kind} {xid:?} already exists ({node}); update it instead (upsert_{kind} or a partial update), or choose another external id")]
    AlreadyExists {
        /// The node type.
        kind: NodeKind,
        /// The external id that is taken.
        xid: String,
        /// The node that has it.
        node: NodeRef,
    },
    /// [`WriteTxn::add_edge`](super::WriteTxn::add_edge) of an edge whose key exists.
    #[error("edge {0} already exists; use put_edge to replace it")]
    DuplicateEdge(Box<EdgeLabel>),
    /// A `works_at` whose employment period overlaps another of the same person's.
    #[error("{} would work at {} {period} and at {} {existing_period}: the periods overlap, but a person works at one account at a time; end one period before the other begins", edge.from, edge.to, existing.to)]
    OverlappingPeriods {
        /// The refused edge.
        edge: Box<EdgeLabel>,
        /// Its period.
        period: Employment,
        /// The edge whose period it overlaps.
        existing: Box<EdgeLabel>,
        /// That period.
        existing_period: Employment,
    },
    /// A partial update of an edge that does not exist.
    #[error("edge {edge} does not exist; {hint}")]
    UnknownEdge {
        /// The edge (its ends named by external id where they exist).
        edge: Box<EdgeLabel>,
        /// What to do instead.
        hint: &'static str,
    },
    /// A move of a person to an account where the person already has a period: a person
    /// has one period per account, so one who left an account cannot return to it.
    #[error("{person} already has a period at {account} ({period}); a person has one period per account, so the move is refused")]
    PeriodExists {
        /// The person.
        person: NodeLabel,
        /// The account.
        account: NodeLabel,
        /// The period there.
        period: Employment,
    },
    /// A second `of` for a project.
    #[error("edge {edge}: {} may have only one {} edge and already has {existing}; remove that one first", edge.from, edge.key.kind)]
    SecondEdge {
        /// The refused edge.
        edge: Box<EdgeLabel>,
        /// The edge that is already there.
        existing: Box<EdgeLabel>,
    },
    /// An edge breaking a rule on its own (a `reports_to` or influences self-loop, an
    /// empty employment period, a title over its cap).
    #[error("edge {edge}: {source}")]
    InvalidEdge {
        /// The edge.
        edge: Box<EdgeLabel>,
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
    /// A network given to `import_network` that breaks rules of §3; nothing was written.
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
        node: NodeLabel,
        /// `from` or `to`.
        end: &'static str,
        /// The edge kind.
        kind: EdgeKind,
    },
    /// A read of the change log from a sequence number whose entries were trimmed
    /// ([`WriteTxn::trim_log`](super::WriteTxn::trim_log)).
    #[error("the change log no longer holds entry {asked}: entries before {first_available} were trimmed; resynchronise from the data (export or a snapshot), then follow the log from {first_available}")]
    LogTrimmed {
        /// The sequence number asked for.
        asked: u64,
        /// The lowest sequence number the log holds.
        first_available: u64,
    },
    /// A read of the change log from beyond its head: the reader has seen entries this
    /// database never wrote (it was restored from an older backup, or is another database).
    #[error("the change log has no entry {asked}: its head is {head}, so this reader is ahead of the database (restored from an older backup, or another database); resynchronise from the data")]
    BeyondLogHead {
        /// The sequence number asked for.
        asked: u64,
        /// The sequence number the next change will get.
        head: u64,
    },
    /// [`Read::network_at_commit`](super::Read::network_at_commit) of a commit that does
    /// not exist yet.
    #[error("there is no commit {commit}: {}", latest(*.last))]
    UnknownCommit {
        /// The commit asked for.
        commit: u64,
        /// The latest commit (0: none).
        last: u64,
    },
    /// [`Read::network_at_commit`](super::Read::network_at_commit) of a commit that was
    /// trimmed from the change log ([`WriteTxn::trim_log`](super::WriteTxn::trim_log)).
    #[error("commit {commit} was trimmed from the change log, so it can no longer be read back; the earliest commit it holds is {first_available}")]
    CommitTrimmed {
        /// The commit asked for.
        commit: u64,
        /// The lowest commit number the log still holds.
        first_available: u64,
    },
    /// [`Read::network_at_commit`](super::Read::network_at_commit) of a commit that the
    /// log cannot rebuild.
    #[error("commit {commit} cannot be read back: {reason}")]
    CommitUnrecoverable {
        /// The commit asked for.
        commit: u64,
        /// Why.
        reason: String,
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

/// The latest commit, for [`StoreError::UnknownCommit`].
fn latest(last: u64) -> String {
    if last == 0 {
        "the database has no commit yet (a file written before format 3 has none until a write upgrades it)".to_owned()
    } else {
        format!("the latest is {last}")
    }
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

/// What kind of failure a [`StoreError`] is: for a caller that reacts to a class of
/// failure — reject the request, retry later, restore a backup — rather than to each
/// variant. [`StoreError::kind`] gives it.
///
/// The first three are the caller's: the request cannot be applied as it stands and
/// nothing of it was written ([`StoreError::is_invalid_input`]). The others are the
/// store's or the file's.
///
/// A backend answering its own clients maps the classes, not the variants:
///
/// ```
/// use guanxi::model::Person;
/// use guanxi::store::{Database, ErrorKind, StoreError};
///
/// /// The status a backend answers a failed request with.
/// fn status(e: &StoreError) -> u16 {
///     match e.kind() {
///         ErrorKind::NotFound => 404,
///         ErrorKind::Conflict => 409,
///         _ if e.is_invalid_input() => 422, // fix the request
///         ErrorKind::Busy => 503,           // retry later
///         _ => 500,                         // the store or the system: call the operator
///     }
/// }
///
/// let db = Database::in_memory()?;
/// let li = Person { xid: "P1".into(), name: "Li".into(), title: None };
/// db.write(1, |t| t.create_person(li.clone()))?;
/// let taken = db.write(2, |t| t.create_person(li.clone())).unwrap_err();
/// assert_eq!((taken.kind(), status(&taken)), (ErrorKind::Conflict, 409));
/// let no_id = Person { xid: String::new(), ..li };
/// let invalid = db.write(3, |t| t.create_person(no_id)).unwrap_err();
/// assert_eq!((invalid.kind(), status(&invalid)), (ErrorKind::InvalidInput, 422));
/// # Ok::<(), StoreError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request breaks a rule on its own: a value out of range, an empty external id, a
    /// self-loop, an edge of a kind the node cannot have, a `rival_tie` from an account
    /// that is not a competitor, a network that fails its validation. Fix the input.
    InvalidInput,
    /// Something the request names does not exist: a node, an edge's end, a database
    /// file.
    NotFound,
    /// The request conflicts with what is stored: the edge already exists, a project's
    /// second `of`, a competitor that still has rival edges, a backup target that exists.
    Conflict,
    /// A limit of the store is reached (the ids of a node type are used up).
    LimitReached,
    /// The transaction or handle cannot do this any more, or never could: it was poisoned
    /// by an earlier error, closed after a failure, or opened read-only, or another
    /// transaction is in the way.
    InvalidState,
    /// Another process holds the database file; retry when it has finished.
    Busy,
    /// The file is not one this build can use: not a guanxi database, or written in a
    /// newer format.
    Unsupported,
    /// The file is damaged: restore a backup or re-import the data.
    Corrupt,
    /// The operating system or the storage engine failed: an I/O error, a full disk, a
    /// missing permission.
    Io,
}

impl StoreError {
    /// The class of this failure (see [`ErrorKind`]).
    ///
    /// ```
    /// use guanxi::model::{Edge, PersonId, Score};
    /// use guanxi::store::{Database, ErrorKind};
    ///
    /// let db = Database::in_memory()?;
    /// let err = db
    ///     .write(1, |t| {
    ///         t.add_edge(Edge::ReportsTo {
    ///             person: PersonId(0),
    ///             manager: PersonId(1),
    ///             weight: Score::new(0.8).unwrap(),
    ///         })
    ///     })
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NotFound); // no person 0 yet
    /// assert!(err.is_invalid_input());
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::InvalidEdge { .. }
            | StoreError::InvalidNode { .. }
            | StoreError::Network(_)
            | StoreError::WrongEndType { .. }
            | StoreError::NotACompetitor { .. }
            // Only a value the model cannot represent could fail to encode.
            | StoreError::Encode { .. } => ErrorKind::InvalidInput,
            StoreError::Missing { .. }
            | StoreError::LogTrimmed { .. }
            | StoreError::UnknownCommit { .. }
            | StoreError::CommitTrimmed { .. }
            | StoreError::CommitUnrecoverable { .. }
            | StoreError::BeyondLogHead { .. }
            | StoreError::UnknownNode(_)
            | StoreError::DanglingEnd { .. }
            | StoreError::UnknownEdge { .. }
            | StoreError::DanglingInteraction { .. } => ErrorKind::NotFound,
            StoreError::DuplicateEdge(_)
            | StoreError::AlreadyExists { .. }
            | StoreError::PeriodExists { .. }
            | StoreError::SecondEdge { .. }
            | StoreError::OverlappingPeriods { .. }
            | StoreError::CompetitorHasEdges { .. }
            | StoreError::TargetExists { .. } => ErrorKind::Conflict,
            StoreError::IdsExhausted(_) => ErrorKind::LimitReached,
            StoreError::Poisoned | StoreError::Closed { .. } | StoreError::ReadOnly { .. } => {
                ErrorKind::InvalidState
            }
            StoreError::Busy { .. } => ErrorKind::Busy,
            // The erasure is committed; what failed is the rewrite, for its own reason.
            StoreError::RewriteFailed { source, .. } => source.kind(),
            StoreError::NotAGuanxiDatabase { .. } | StoreError::NewerFormat { .. } => {
                ErrorKind::Unsupported
            }
            StoreError::Corrupt { .. } => ErrorKind::Corrupt,
            StoreError::File { .. } => ErrorKind::Io,
            StoreError::Storage(e) => storage_kind(e),
            StoreError::Open { source, .. } => match source {
                redb::DatabaseError::DatabaseAlreadyOpen => ErrorKind::Busy,
                redb::DatabaseError::UpgradeRequired(_) => ErrorKind::Unsupported,
                redb::DatabaseError::TransactionInProgress => ErrorKind::InvalidState,
                redb::DatabaseError::Storage(e) => storage_kind(e),
                _ => ErrorKind::Io,
            },
            StoreError::Transaction(e) => match e {
                redb::TransactionError::Storage(e) => storage_kind(e),
                redb::TransactionError::ReadTransactionStillInUse(_)
                | redb::TransactionError::WouldBlock => ErrorKind::InvalidState,
                _ => ErrorKind::Io,
            },
            StoreError::Table(e) => match e {
                redb::TableError::Storage(e) => storage_kind(e),
                redb::TableError::TableAlreadyOpen(..) => ErrorKind::InvalidState,
                // A table guanxi relies on is missing or has another layout.
                _ => ErrorKind::Corrupt,
            },
            StoreError::Commit(e) => match e {
                redb::CommitError::Storage(e) => storage_kind(e),
                _ => ErrorKind::Io,
            },
            StoreError::Compaction(e) => match e {
                redb::CompactionError::Storage(e) => storage_kind(e),
                _ => ErrorKind::InvalidState,
            },
        }
    }

    /// Whether the request itself is at fault — it breaks a rule, names something that
    /// does not exist, or conflicts with what is stored ([`ErrorKind::InvalidInput`],
    /// [`ErrorKind::NotFound`], [`ErrorKind::Conflict`]) — so that nothing of it was
    /// written and retrying it unchanged fails the same way. `false` for failures of the
    /// store, the file or the system.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::InvalidInput | ErrorKind::NotFound | ErrorKind::Conflict
        )
    }

    /// Whether the disk (or the user's quota) is full: the failure is the file being
    /// written, not the data, and freeing space then retrying is the remedy. Its
    /// [`kind`](StoreError::kind) is [`ErrorKind::Io`].
    pub fn is_disk_full(&self) -> bool {
        let storage = match self {
            StoreError::Storage(e) | StoreError::Commit(redb::CommitError::Storage(e)) => e,
            StoreError::File { source, .. } => return io_full(source),
            _ => return false,
        };
        matches!(storage, redb::StorageError::Io(io) if io_full(io))
    }
}

/// What to do after the storage failure `e`: free space when the disk is full (the
/// operating system's "no space left" or "quota exceeded"), else `otherwise`.
fn storage_hint(e: &redb::StorageError, otherwise: &'static str) -> &'static str {
    match e {
        redb::StorageError::Io(io) if io_full(io) => {
            "the disk is full: free some space, then open the database again and retry"
        }
        _ => otherwise,
    }
}

/// What to do when a database cannot be opened: on a read-only file system (only a
/// writable open meets that), read it read-only or write to a copy; without the
/// permission, fix it. Empty otherwise: the reason speaks for itself.
fn open_hint(e: &redb::DatabaseError) -> &'static str {
    match e {
        redb::DatabaseError::Storage(redb::StorageError::Io(io)) => match io.kind() {
            std::io::ErrorKind::ReadOnlyFilesystem => {
                "; the file system is read-only: to read the database, open it read-only (Database::open_read_only); to write, use a copy on a writable file system"
            }
            std::io::ErrorKind::PermissionDenied => "; check the file's permissions",
            _ => "",
        },
        _ => "",
    }
}

/// Whether `e` says the disk or the quota is full.
fn io_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// What to do after a failed commit (nothing of it was written).
fn commit_hint(e: &redb::CommitError) -> &'static str {
    const REOPEN: &str = "reopen the database and retry";
    match e {
        redb::CommitError::Storage(s) => storage_hint(s, REOPEN),
        _ => REOPEN,
    }
}

/// The class of a storage-engine failure.
fn storage_kind(e: &redb::StorageError) -> ErrorKind {
    match e {
        redb::StorageError::Corrupted(_) => ErrorKind::Corrupt,
        redb::StorageError::ValueTooLarge(_) => ErrorKind::InvalidInput,
        redb::StorageError::DatabaseClosed => ErrorKind::InvalidState,
        _ => ErrorKind::Io,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io(kind: std::io::ErrorKind) -> redb::StorageError {
        redb::StorageError::Io(std::io::Error::from(kind))
    }

    #[test]
    fn a_full_disk_says_to_free_space_other_failures_keep_their_advice() {
        let full = StoreError::Commit(redb::CommitError::Storage(io(
            std::io::ErrorKind::StorageFull,
        )))
        .to_string();
        assert!(full.starts_with("commit failed: "), "{full}");
        assert!(
            full.ends_with(
                "the disk is full: free some space, then open the database again and retry"
            ),
            "{full}"
        );
        let quota = StoreError::Storage(io(std::io::ErrorKind::QuotaExceeded)).to_string();
        assert!(
            quota.contains("the disk is full: free some space"),
            "{quota}"
        );
        let other = StoreError::Commit(redb::CommitError::Storage(io(
            std::io::ErrorKind::PermissionDenied,
        )))
        .to_string();
        assert!(
            other.ends_with("; reopen the database and retry"),
            "{other}"
        );
        let poisoned = StoreError::Commit(redb::CommitError::TransactionPoisoned).to_string();
        assert!(
            poisoned.ends_with("; reopen the database and retry"),
            "{poisoned}"
        );
        let storage = StoreError::Storage(io(std::io::ErrorKind::UnexpectedEof)).to_string();
        assert!(
            storage.ends_with("; check the disk and the file"),
            "{storage}"
        );
        let read_only = StoreError::Open {
            path: "crm.redb".to_owned(),
            source: redb::DatabaseError::Storage(io(std::io::ErrorKind::ReadOnlyFilesystem)),
        }
        .to_string();
        assert!(
            read_only.starts_with("cannot open database crm.redb: "),
            "{read_only}"
        );
        assert!(read_only.ends_with("; the file system is read-only: to read the database, open it read-only (Database::open_read_only); to write, use a copy on a writable file system"), "{read_only}");
        let denied = StoreError::Open {
            path: "crm.redb".to_owned(),
            source: redb::DatabaseError::Storage(io(std::io::ErrorKind::PermissionDenied)),
        }
        .to_string();
        assert!(
            denied.ends_with("; check the file's permissions"),
            "{denied}"
        );
        let open = StoreError::Open {
            path: "crm.redb".to_owned(),
            source: redb::DatabaseError::DatabaseAlreadyOpen,
        }
        .to_string();
        assert!(!open.contains("read-only"), "{open}");
        let full = StoreError::Storage(io(std::io::ErrorKind::StorageFull));
        assert_eq!(full.kind(), ErrorKind::Io);
        assert!(full.is_disk_full());
        assert!(!StoreError::Storage(io(std::io::ErrorKind::UnexpectedEof)).is_disk_full());
        assert!(!StoreError::Commit(redb::CommitError::TransactionPoisoned).is_disk_full());
    }
}
