//! Writing: [`WriteTxn`] batches any number of validated changes into one atomic commit.
//!
//! Every change is validated against the rules of §3 *before* it writes anything:
//! ends exist, `rival_tie/competes` start at a competitor, no self-loop, no second `of`,
//! no employment period that overlaps another of the same person's, no duplicate on
//! `add_edge`, no external id taken on a `create_*`. A change that fails **poisons** the
//! transaction:
//! every later operation and [`WriteTxn::commit`] return [`StoreError::Poisoned`], and the
//! storage transaction is rolled back when the `WriteTxn` is dropped or aborted. So a
//! caller that ignores an error and carries on can still never commit a half-applied batch,
//! and "invalid input writes nothing" holds for a whole batch, not just one call.
//!
//! The id counters, the log sequence number and the counts are loaded once when the
//! transaction begins, updated in memory, and written back at commit: a write transaction
//! is exclusive, so nothing else can change them meanwhile.

use super::error::{Result, StoreError};
use super::history;
use super::interaction::{self, InteractionId};
use super::internal::codec::{decode, encode_into};
use super::internal::keys::{self, RawKey};
use super::internal::records::{corrupt_key, decode_node, xid_in};
use super::internal::source::Source;
use super::internal::tables::{self, Counters, FORMAT_VERSION, IN, LOG, OUT};
use super::log::{Before, ChangeCounts, ChangeRef, CommitRecord, LogRecord, NodeView};
use super::read::Read;
use crate::model::{
    Account, AccountId, AccountKind, Edge, EdgeAttrs, EdgeKey, EdgeKind, EdgeLabel, Employee,
    EmployeeId, Interaction, Node, NodeKind, NodeLabel, NodeRef, Person, PersonId, Project,
    ProjectId,
};
use redb::{Key, ReadableTable, Table, TableDefinition, Value};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether an upsert added, changed (with the record it replaced) or left a node.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Outcome {
    Added,
    Updated(Node),
    Unchanged,
}

/// The mutable state of a write transaction besides the storage transaction itself.
pub(super) struct State {
    pub(super) time: i64,
    pub(super) counters: Counters,
    /// The changes logged so far, for the commit record.
    pub(super) counts: ChangeCounts,
    pub(super) buf: Vec<u8>,
    log_buf: Vec<u8>,
}

/// A write transaction: a batch of changes committed atomically by [`WriteTxn::commit`].
///
/// Dropping it without committing rolls everything back. It implements [`Read`], and reads
/// see the transaction's own changes. Only one write transaction runs at a time
/// ([`Database::begin_write`](super::Database::begin_write) waits for the previous one);
/// read transactions run concurrently and do not see it until it commits.
pub struct WriteTxn {
    pub(super) txn: redb::WriteTransaction,
    pub(super) state: State,
    pub(super) initial: Counters,
    /// Set by a failed operation, or by a read that met a damaged structure (through
    /// `&self`, hence atomic).
    poisoned: AtomicBool,
}

impl Source for WriteTxn {
    type Table<'a, K: Key + 'static, V: Value + 'static> = Table<'a, K, V>;

    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<Table<'_, K, V>> {
        if self.is_poisoned() {
            return Err(StoreError::Poisoned);
        }
        Ok(self.txn.open_table(def)?)
    }

    /// In a write transaction every table exists (opening one creates it, and the tables
    /// of a newer format are created by the upgrade when the transaction begins).
    fn open_optional<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<Option<Table<'_, K, V>>> {
        self.open(def).map(Some)
    }

    fn counters(&self) -> Result<Counters> {
        if self.is_poisoned() {
            return Err(StoreError::Poisoned);
        }
        Ok(self.state.counters)
    }

    /// The transaction keeps its counters itself, exact for every change it made.
    fn verified_counters(&self) -> Result<Counters> {
        self.counters()
    }

    fn damaged(&self) {
        self.poisoned.store(true, Ordering::Relaxed);
    }

    fn open_commit(&self) -> Option<(u64, u64)> {
        Some((self.state.counters.next_commit, self.initial.next_seq))
    }
}

impl Read for WriteTxn {}

pub(super) type NodeTable<'t> = Table<'t, u32, &'static [u8]>;
pub(super) type XidTable<'t> = Table<'t, &'static str, u32>;
pub(super) type LogTable<'t> = Table<'t, u64, &'static [u8]>;

/// Upgrades a file of an older format to [`FORMAT_VERSION`] inside the write transaction
/// that is about to change it, so that the upgrade commits with the first change, or not
/// at all: creates the tables of the newer formats (interactions; commits and removed
/// nodes' names, derived from the old log by [`history::derive`]) and their counters, and
/// records the format. Records of older versions stay as they are (they keep decoding); a
/// record is written in the current version when it changes.
fn upgrade(
    txn: &redb::WriteTransaction,
    meta: &mut redb::Table<'_, &'static str, u64>,
    counts: &mut redb::Table<'_, &'static str, u64>,
    counters: &mut Counters,
) -> Result<()> {
    interaction::Tables::open(txn)?;
    history::derive(txn, counters)?;
    counters.store(meta, counts)?;
    meta.insert("format", FORMAT_VERSION)?;
    Ok(())
}

/// The edge kinds that must start at a competitor account.
pub(super) fn competitor_kinds() -> impl Iterator<Item = EdgeKind> {
    EdgeKind::ALL
        .into_iter()
        .filter(|k| k.starts_at_competitor())
}

impl WriteTxn {
    pub(crate) fn new(txn: redb::WriteTransaction, time: i64) -> Result<WriteTxn> {
        let counters = {
            let mut meta = txn.open_table(tables::META)?;
            let mut counts = txn.open_table(tables::COUNTS)?;
            let mut counters = Counters::load(&meta, &counts)?;
            let format = meta.get("format")?.map_or(1, |g| g.value());
            if format < FORMAT_VERSION {
                upgrade(&txn, &mut meta, &mut counts, &mut counters)?;
            }
            counters
        };
        Ok(WriteTxn {
            txn,
            state: State {
                time,
                counters,
                counts: ChangeCounts::default(),
                buf: Vec::with_capacity(256),
                log_buf: Vec::with_capacity(256),
            },
            initial: counters,
            poisoned: AtomicBool::new(false),
        })
    }

    /// Whether an earlier error poisoned this transaction (it can then only be dropped).
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.load(Ordering::Relaxed)
    }

    /// Commits every change of the transaction atomically and durably. A transaction
    /// that logged a change becomes the next [`Commit`](super::Commit) (numbered from 1,
    /// with this transaction's time and the counts of its changes); one that changed
    /// nothing is not numbered.
    ///
    /// A poisoned transaction is rolled back and returns [`StoreError::Poisoned`].
    pub fn commit(mut self) -> Result<()> {
        if self.is_poisoned() {
            let _ = self.txn.abort();
            return Err(StoreError::Poisoned);
        }
        if self.state.counters.next_seq != self.initial.next_seq {
            let record = CommitRecord {
                time: self.state.time,
                first_seq: self.initial.next_seq,
                end_seq: self.state.counters.next_seq,
                changes: self.state.counts,
                reversible: true,
            };
            let number = self.state.counters.next_commit;
            history::put_commit(&self.txn, number, &record, &mut self.state.buf)?;
            self.state.counters.next_commit += 1;
        }
        if self.state.counters != self.initial {
            let mut meta = self.txn.open_table(tables::META)?;
            let mut counts = self.txn.open_table(tables::COUNTS)?;
            self.state.counters.store(&mut meta, &mut counts)?;
        }
        self.txn.commit()?;
        Ok(())
    }

    /// Rolls back every change of the transaction (dropping it does the same).
    pub fn abort(self) -> Result<()> {
        self.txn.abort()?;
        Ok(())
    }

    /// Runs one operation: refused if poisoned; poisons on error.
    pub(super) fn guarded<T>(&mut self, f: impl FnOnce(&mut WriteTxn) -> Result<T>) -> Result<T> {
        if self.is_poisoned() {
            return Err(StoreError::Poisoned);
        }
        let r = f(self);
        if r.is_err() {
            self.poisoned.store(true, Ordering::Relaxed);
        }
        r
    }

    /// Inserts an account, or updates the one with the same external id (keeping its id).
    ///
    /// Refused ([`StoreError::CompetitorHasEdges`]) when it would turn a competitor with
    /// `rival_tie` or competes edges into another kind.
    pub fn upsert_account(&mut self, account: Account) -> Result<AccountId> {
        self.upsert_node(Node::Account(account))
            .map(|n| AccountId(n.id))
    }

    /// Inserts a person, or updates the one with the same external id.
    pub fn upsert_person(&mut self, person: Person) -> Result<PersonId> {
        self.upsert_node(Node::Person(person))
            .map(|n| PersonId(n.id))
    }

    /// Inserts an employee, or updates the one with the same external id.
    pub fn upsert_employee(&mut self, employee: Employee) -> Result<EmployeeId> {
        self.upsert_node(Node::Employee(employee))
            .map(|n| EmployeeId(n.id))
    }

    /// Inserts a project, or updates the one with the same external id.
    pub fn upsert_project(&mut self, project: Project) -> Result<ProjectId> {
        self.upsert_node(Node::Project(project))
            .map(|n| ProjectId(n.id))
    }

    /// Inserts a node of any type, or updates the node of that type with the same
    /// external id. New nodes get the next id of their type (ids are never reused); an
    /// update keeps the id. An upsert that changes nothing writes nothing.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "the node is taken like the typed upserts take theirs"
    )]
    pub fn upsert_node(&mut self, node: Node) -> Result<NodeRef> {
        self.guarded(|w| w.write_node(NodeView::of(&node), false))
    }

    /// Inserts an account; [`StoreError::AlreadyExists`] (naming it) if an account with
    /// its external id exists — where [`upsert_account`](WriteTxn::upsert_account) would
    /// overwrite that account's name and kind.
    pub fn create_account(&mut self, account: Account) -> Result<AccountId> {
        self.create_node(Node::Account(account))
            .map(|n| AccountId(n.id))
    }

    /// Inserts a person; [`StoreError::AlreadyExists`] if a person with its external id
    /// exists.
    ///
    /// ```
    /// use guanxi::model::Person;
    /// use guanxi::store::{Database, ErrorKind};
    ///
    /// let db = Database::in_memory()?;
    /// let li = Person { xid: "P-7".into(), name: "Li".into(), title: None };
    /// db.write(1, |t| t.create_person(li.clone()))?;
    /// let again = db.write(2, |t| t.create_person(Person { name: "Wang".into(), ..li })).unwrap_err();
    /// assert_eq!(again.kind(), ErrorKind::Conflict);
    /// assert_eq!(again.to_string(), "person \"P-7\" already exists (person#0); update it instead (upsert_person or a partial update), or choose another external id");
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    pub fn create_person(&mut self, person: Person) -> Result<PersonId> {
        self.create_node(Node::Person(person))
            .map(|n| PersonId(n.id))
    }

    /// Inserts an employee; [`StoreError::AlreadyExists`] if an employee with its
    /// external id exists.
    pub fn create_employee(&mut self, employee: Employee) -> Result<EmployeeId> {
        self.create_node(Node::Employee(employee))
            .map(|n| EmployeeId(n.id))
    }

    /// Inserts a project; [`StoreError::AlreadyExists`] if a project with its external
    /// id exists.
    pub fn create_project(&mut self, project: Project) -> Result<ProjectId> {
        self.create_node(Node::Project(project))
            .map(|n| ProjectId(n.id))
    }

    /// Inserts a node of any type; [`StoreError::AlreadyExists`] if a node of that type
    /// has its external id (nothing is written, and the transaction is poisoned like by
    /// any refused change).
    #[expect(
        clippy::needless_pass_by_value,
        reason = "the node is taken like the typed creates take theirs"
    )]
    pub fn create_node(&mut self, node: Node) -> Result<NodeRef> {
        self.guarded(|w| w.write_node(NodeView::of(&node), true))
    }

    /// Upserts (or, with `create_only`, inserts) one node with its tables opened here.
    pub(super) fn write_node(&mut self, view: NodeView<'_>, create_only: bool) -> Result<NodeRef> {
        let kind = view.kind();
        let mut nodes = self.txn.open_table(tables::nodes(kind))?;
        let mut xids = self.txn.open_table(tables::xids(kind))?;
        let mut log = self.txn.open_table(LOG)?;
        upsert_core(
            &self.txn,
            &mut self.state,
            &mut nodes,
            &mut xids,
            &mut log,
            view,
            How::One { create_only },
        )
        .map(|(r, _)| r)
    }

    /// Adds an edge; [`StoreError::DuplicateEdge`] if an edge with its key exists.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "an edge is given like a node is, whole"
    )]
    pub fn add_edge(&mut self, edge: Edge) -> Result<()> {
        self.guarded(|w| put_core(&w.txn, &mut w.state, &edge, false).map(|_| ()))
    }

    /// Adds an edge or replaces the attributes of the edge with its key; `true` if an
    /// edge with that key existed.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "an edge is given like a node is, whole"
    )]
    pub fn put_edge(&mut self, edge: Edge) -> Result<bool> {
        self.guarded(|w| put_core(&w.txn, &mut w.state, &edge, true))
    }

    /// Removes an edge; `true` if it existed. The log entry holds the removed edge,
    /// attributes included.
    pub fn remove_edge(&mut self, key: EdgeKey) -> Result<bool> {
        self.guarded(|w| {
            let removed = {
                let mut out = w.txn.open_table(OUT)?;
                let r = out.remove(&keys::out_key(&key))?;
                r.map(|g| g.value().to_vec())
            };
            let Some(old) = removed else {
                return Ok(false);
            };
            let attrs: EdgeAttrs = decode(&old, &|| format!("edge {key}"))?;
            let mut inn = w.txn.open_table(IN)?;
            inn.remove(&keys::in_key(&key))?;
            dec(&mut w.state.counters.edges[usize::from(key.kind.code())]);
            let mut log = w.txn.open_table(LOG)?;
            append(
                &mut w.state,
                &mut log,
                &ChangeRef::RemoveEdge {
                    key,
                    before: Before::Was(&attrs),
                },
            )?;
            Ok(true)
        })
    }

    /// Removes a node, its external-id entry and every edge touching it (both
    /// directions); [`StoreError::UnknownNode`] if it does not exist. An employee or a
    /// person takes its interactions with it; a project's interactions lose their project.
    ///
    /// Logged as one entry per interaction removed or changed (by id), then one
    /// [`RemoveEdge`](super::Change::RemoveEdge) per edge it took (in key order), then the
    /// node's [`RemoveNode`](super::Change::RemoveNode) with its last record — so the log
    /// replays without a dangling edge and can be undone. The node's external id stays
    /// known to the log ([`LogEntry::xids`](super::LogEntry::xids)).
    pub fn remove_node(&mut self, node: NodeRef) -> Result<()> {
        self.guarded(|w| {
            let removed = remove_core(&w.txn, &mut w.state, node)?;
            log_removal(&w.txn, &mut w.state, node, &removed)
        })
    }

    /// Records an interaction and returns its new id (ids are never reused). Its
    /// employee, person and project (if any) must exist
    /// ([`StoreError::DanglingInteraction`]). Any number of interactions may share an
    /// employee, a person and a date.
    pub fn add_interaction(&mut self, interaction: Interaction) -> Result<InteractionId> {
        self.guarded(|w| {
            check_interaction_ends(&w.txn, &interaction)?;
            let id = InteractionId(w.state.counters.next_interaction);
            w.state.counters.next_interaction =
                id.0.checked_add(1).ok_or_else(|| StoreError::Corrupt {
                    what: "meta entry \"next_id.interaction\"".to_owned(),
                    reason: "it is at its largest value".to_owned(),
                })?;
            let mut t = interaction::Tables::open(&w.txn)?;
            t.put(id, &interaction, None, &mut w.state.buf)?;
            drop(t);
            w.state.counters.interactions += 1;
            let mut log = w.txn.open_table(LOG)?;
            append(
                &mut w.state,
                &mut log,
                &ChangeRef::PutInteraction {
                    id,
                    interaction: &interaction,
                    before: Before::Absent,
                },
            )?;
            Ok(id)
        })
    }

    /// Removes an interaction; `true` if it existed.
    pub fn remove_interaction(&mut self, id: InteractionId) -> Result<bool> {
        self.guarded(|w| {
            let mut t = interaction::Tables::open(&w.txn)?;
            let Some(old) = t.get(id)? else {
                return Ok(false);
            };
            t.delete(id, &old)?;
            drop(t);
            dec(&mut w.state.counters.interactions);
            let mut log = w.txn.open_table(LOG)?;
            append(
                &mut w.state,
                &mut log,
                &ChangeRef::RemoveInteraction {
                    id,
                    before: Before::Was(&old),
                },
            )?;
            Ok(true)
        })
    }

    /// Erases a person for good: the node, its external-id entry, every edge touching it
    /// and every log entry that mentions it (its upserts hold its name) — also those of an
    /// earlier person with the same external id that was removed since, whose name the
    /// log still knows. The erasure itself is not logged, and the commits it touched count
    /// what remains of them. Returns `false` if no person, present or removed, has this
    /// external id.
    ///
    /// Freed pages of the file may still hold the person's bytes after the commit:
    /// [`Database::erase_person`](super::Database::erase_person) erases and then rewrites
    /// the file so that none remain.
    pub fn erase_person(&mut self, xid: &str) -> Result<bool> {
        self.guarded(|w| {
            let found = {
                let xids = w.txn.open_table(tables::xids(NodeKind::Person))?;
                let g = xids.get(xid)?;
                g.map(|g| NodeRef::new(NodeKind::Person, g.value()))
            };
            if let Some(node) = found {
                remove_core(&w.txn, &mut w.state, node)?;
            }
            history::erase(&w.txn, &mut w.state, w.initial.next_seq, xid)
        })
    }

    /// Drops the log entries before sequence number `before`, once every consumer of the
    /// log has synced past it, and returns the lowest sequence number the log then holds.
    ///
    /// Whole commits only: a commit is dropped when all its entries lie before `before`,
    /// so the log may keep a few entries before `before` (those of a commit that straddles
    /// it). The entries of this transaction are never dropped. Afterwards,
    /// [`Read::log_page`](super::Read::log_page) from a dropped sequence number returns
    /// [`StoreError::LogTrimmed`], and the dropped commits can no longer be read back
    /// ([`Read::network_at_commit`](super::Read::network_at_commit) says
    /// [`StoreError::CommitTrimmed`]). Trimming is not a
    /// change to the network: it is not logged and makes no commit.
    ///
    /// ```
    /// use guanxi::model::Person;
    /// use guanxi::store::{Database, Read, StoreError};
    ///
    /// let db = Database::in_memory()?;
    /// for (t, xid) in [(1, "P1"), (2, "P2"), (3, "P3")] {
    ///     db.write(t, |w| w.upsert_person(Person { xid: xid.into(), name: xid.into(), title: None }))?;
    /// }
    /// // A consumer has applied entries 0 and 1 (the first two commits).
    /// assert_eq!(db.write(4, |w| w.trim_log(2))?, 2);
    /// let r = db.begin_read()?;
    /// assert_eq!(r.log_page(2, 10)?.entries.len(), 1);
    /// let err = r.log_page(0, 10).unwrap_err();
    /// assert!(matches!(err, StoreError::LogTrimmed { asked: 0, first_available: 2 }));
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn trim_log(&mut self, before: u64) -> Result<u64> {
        self.guarded(|w| history::trim(&w.txn, &mut w.state.counters, w.initial.next_seq, before))
    }
}

fn dec(c: &mut u64) {
    *c = c.saturating_sub(1);
}

/// Logs the removal of `node` that [`remove_core`] carried out: its interactions, its
/// edges, then the node itself.
fn log_removal(
    txn: &redb::WriteTransaction,
    st: &mut State,
    node: NodeRef,
    removed: &Removed,
) -> Result<()> {
    let mut log = txn.open_table(LOG)?;
    for (id, old, new) in &removed.interactions {
        let change = match new {
            Some(interaction) => ChangeRef::PutInteraction {
                id: *id,
                interaction,
                before: Before::Was(old),
            },
            None => ChangeRef::RemoveInteraction {
                id: *id,
                before: Before::Was(old),
            },
        };
        append(st, &mut log, &change)?;
    }
    for (key, attrs) in &removed.edges {
        append(
            st,
            &mut log,
            &ChangeRef::RemoveEdge {
                key: *key,
                before: Before::Was(attrs),
            },
        )?;
    }
    append(
        st,
        &mut log,
        &ChangeRef::RemoveNode {
            node,
            before: Before::Was(NodeView::of(&removed.record)),
        },
    )
}

/// Appends a change to the log, and counts it for the commit record.
pub(super) fn append(st: &mut State, log: &mut LogTable<'_>, change: &ChangeRef<'_>) -> Result<()> {
    let (seq, bytes) = log_entry(st, change)?;
    log.insert(seq, bytes)?;
    Ok(())
}

/// The next log entry, `change`: its sequence number (taken) and its bytes, for the
/// caller to write (as [`append`] does; the bulk import writes through a cursor).
pub(super) fn log_entry<'s>(st: &'s mut State, change: &ChangeRef<'_>) -> Result<(u64, &'s [u8])> {
    let seq = st.counters.next_seq;
    encode_log(st.time, seq, change, &mut st.log_buf)?;
    st.counters.next_seq += 1;
    change.tally(&mut st.counts);
    Ok((seq, st.log_buf.as_slice()))
}

/// Encodes the log record of `change`, made at `time`, into `buf` (`seq`, the entry's
/// sequence number, names it in an error).
pub(super) fn encode_log(
    time: i64,
    seq: u64,
    change: &ChangeRef<'_>,
    buf: &mut Vec<u8>,
) -> Result<()> {
    encode_into(&LogRecord { time, change }, buf, &|| {
        format!("log entry {seq}")
    })
}

/// Encodes a node's record into `buf`.
pub(super) fn encode_view(view: NodeView<'_>, buf: &mut Vec<u8>) -> Result<()> {
    let what = || format!("{} {:?}", view.kind(), view.xid());
    match view {
        NodeView::Account(n) => encode_into(n, buf, &what),
        NodeView::Person(n) => encode_into(n, buf, &what),
        NodeView::Employee(n) => encode_into(n, buf, &what),
        NodeView::Project(n) => encode_into(n, buf, &what),
    }
}

/// Number of `rival_tie` and competes edges out of an account.
fn competitor_edges(
    out: &impl ReadableTable<&'static RawKey, &'static [u8]>,
    account: NodeRef,
) -> Result<u64> {
    let mut n = 0;
    for kind in competitor_kinds() {
        let (lo, hi) = keys::range_at(kind, account);
        for r in out.range::<&RawKey>(&lo..=&hi)? {
            r?;
            n += 1;
        }
    }
    Ok(n)
}

/// Bulk-mode state of [`upsert_core`]: the external ids of new nodes are collected and
/// inserted sorted at the end (valid because a network's external ids are unique), and in a
/// kind that had no nodes before the lookup is skipped.
pub(super) struct Bulk<'v> {
    pub(super) fresh: bool,
    pub(super) pending: Vec<(&'v str, u32)>,
    /// Changed nodes whose log entries are appended after the kind's records, with the
    /// record each replaced.
    pub(super) logs: Vec<(NodeRef, NodeView<'v>, Option<Node>)>,
}

/// How [`upsert_core`] writes a node.
pub(super) enum How<'b, 'v> {
    /// One node: an upsert, or with `create_only` an insert that refuses a taken
    /// external id.
    One { create_only: bool },
    /// One node of a bulk import (an upsert).
    Bulk(&'b mut Bulk<'v>),
}

/// Upserts one node with the tables already open.
pub(super) fn upsert_core<'v>(
    txn: &redb::WriteTransaction,
    st: &mut State,
    nodes: &mut NodeTable<'_>,
    xids: &mut XidTable<'_>,
    log: &mut LogTable<'_>,
    view: NodeView<'v>,
    how: How<'_, 'v>,
) -> Result<(NodeRef, Outcome)> {
    let (create_only, mut bulk) = match how {
        How::One { create_only } => (create_only, None),
        How::Bulk(b) => (false, Some(b)),
    };
    let kind = view.kind();
    let k = usize::from(kind.code());
    let xid = view.xid();
    if let Err(source) = view.model().validate() {
        // An id over its cap is named by its beginning only.
        let shown = match xid.char_indices().nth(64) {
            Some((cut, _)) => format!("{}…", &xid[..cut]),
            None => xid.to_owned(),
        };
        return Err(StoreError::InvalidNode {
            kind,
            xid: shown,
            source,
        });
    }
    encode_view(view, &mut st.buf)?;
    let existing = match &bulk {
        Some(b) if b.fresh => None,
        _ => xids.get(xid)?.map(|g| g.value()),
    };
    let (node, outcome) = if let Some(id) = existing {
        let node = NodeRef::new(kind, id);
        if create_only {
            return Err(StoreError::AlreadyExists {
                kind,
                xid: xid.to_owned(),
                node,
            });
        }
        let old = nodes.get(id)?.map(|g| g.value().to_vec());
        let Some(old) = old else {
            return Err(StoreError::Corrupt {
                what: format!("{kind} index entry {xid:?}"),
                reason: format!("it points to {node}, which has no record"),
            });
        };
        if old == st.buf {
            return Ok((node, Outcome::Unchanged));
        }
        let old = decode_node(node, &old)?;
        if let (NodeView::Account(new), Node::Account(old)) = (view, &old) {
            if old.kind == AccountKind::Competitor && new.kind != AccountKind::Competitor {
                let out = txn.open_table(OUT)?;
                let edges = competitor_edges(&out, node)?;
                if edges > 0 {
                    return Err(StoreError::CompetitorHasEdges {
                        xid: xid.to_owned(),
                        edges,
                    });
                }
            }
        }
        nodes.insert(id, st.buf.as_slice())?;
        (node, Outcome::Updated(old))
    } else {
        let id = st.counters.next_id[k];
        if id == u32::MAX {
            return Err(StoreError::IdsExhausted(kind));
        }
        nodes.insert(id, st.buf.as_slice())?;
        if let Some(b) = bulk.as_deref_mut() {
            b.pending.push((xid, id));
        } else {
            xids.insert(xid, id)?;
        }
        st.counters.next_id[k] += 1;
        st.counters.nodes[k] += 1;
        (NodeRef::new(kind, id), Outcome::Added)
    };
    if let Some(b) = bulk {
        let before = match &outcome {
            Outcome::Updated(old) => Some(old.clone()),
            _ => None,
        };
        b.logs.push((node, view, before));
    } else {
        let before = match &outcome {
            Outcome::Updated(old) => Before::Was(NodeView::of(old)),
            _ => Before::Absent,
        };
        append(
            st,
            log,
            &ChangeRef::UpsertNode {
                node,
                record: view,
                before,
            },
        )?;
    }
    Ok((node, outcome))
}

/// A node named for a message, by external id if it has a record (see
/// [`NodeLabel`]). Reads what this transaction sees.
pub(super) fn node_label(txn: &redb::WriteTransaction, node: NodeRef) -> NodeLabel {
    let xid = txn
        .open_table(tables::nodes(node.kind))
        .ok()
        .and_then(|t| xid_in(&t, node));
    NodeLabel { node, xid }
}

/// An edge named for a message by its ends' external ids (boxed, as errors hold it: the
/// label is large, and an error should keep every `Result` small).
#[expect(
    clippy::unnecessary_box_returns,
    reason = "every caller puts the label into an error, which holds it boxed"
)]
pub(super) fn edge_label(txn: &redb::WriteTransaction, key: EdgeKey) -> Box<EdgeLabel> {
    Box::new(EdgeLabel {
        key,
        from: node_label(txn, key.from),
        to: node_label(txn, key.to),
    })
}

/// Validates and writes one edge.
fn put_core(
    txn: &redb::WriteTransaction,
    st: &mut State,
    edge: &Edge,
    replace: bool,
) -> Result<bool> {
    let key = edge.key();
    edge.validate().map_err(|source| StoreError::InvalidEdge {
        edge: edge_label(txn, key),
        source,
    })?;
    for end in [key.from, key.to] {
        let t = txn.open_table(tables::nodes(end.kind))?;
        if t.get(end.id)?.is_none() {
            drop(t);
            return Err(StoreError::DanglingEnd {
                edge: edge_label(txn, key),
                end,
            });
        }
    }
    if key.kind.starts_at_competitor() {
        let t = txn.open_table(tables::nodes(NodeKind::Account))?;
        let g = t.get(key.from.id)?;
        let bytes = g.as_ref().map(redb::AccessGuard::value).unwrap_or_default();
        let account: Account = decode(bytes, &|| format!("{} record", key.from))?;
        drop(g);
        drop(t);
        if account.kind != AccountKind::Competitor {
            return Err(StoreError::NotACompetitor {
                edge: edge_label(txn, key),
                kind: account.kind,
            });
        }
    }
    encode_into(&edge.attrs(), &mut st.buf, &|| format!("edge {key}"))?;
    let ok = keys::out_key(&key);
    let mut out = txn.open_table(OUT)?;
    let old = out.get(&ok)?.map(|g| g.value().to_vec());
    match &old {
        Some(_) if !replace => return Err(StoreError::DuplicateEdge(edge_label(txn, key))),
        Some(bytes) if *bytes == st.buf => return Ok(true),
        Some(_) => {}
        None => {
            if key.kind.one_per_source() {
                let (lo, hi) = keys::range_at(key.kind, key.from);
                if let Some(r) = out.range::<&RawKey>(&lo..=&hi)?.next() {
                    let (k, _) = r?;
                    let existing =
                        keys::decode_out(k.value()).ok_or_else(|| corrupt_key("out", k.value()))?;
                    return Err(StoreError::SecondEdge {
                        edge: edge_label(txn, key),
                        existing: edge_label(txn, existing),
                    });
                }
            }
        }
    }
    if let Edge::WorksAt { employment, .. } = edge {
        let (lo, hi) = keys::range_at(key.kind, key.from);
        for r in out.range::<&RawKey>(&lo..=&hi)? {
            let (k, v) = r?;
            let other = super::internal::records::edge_from_out(k.value(), v.value())?;
            if let Edge::WorksAt {
                employment: theirs, ..
            } = &other
            {
                if other.key() != key && theirs.overlaps(employment) {
                    return Err(StoreError::OverlappingPeriods {
                        edge: edge_label(txn, key),
                        period: employment.clone(),
                        existing: edge_label(txn, other.key()),
                        existing_period: theirs.clone(),
                    });
                }
            }
        }
    }
    let before: Option<EdgeAttrs> = old
        .as_deref()
        .map(|b| decode(b, &|| format!("edge {key}")))
        .transpose()?;
    out.insert(&ok, st.buf.as_slice())?;
    drop(out);
    if old.is_none() {
        let mut inn = txn.open_table(IN)?;
        inn.insert(&keys::in_key(&key), ())?;
        st.counters.edges[usize::from(key.kind.code())] += 1;
    }
    let mut log = txn.open_table(LOG)?;
    append(
        st,
        &mut log,
        &ChangeRef::PutEdge {
            edge,
            before: Before::from_option(before.as_ref()),
        },
    )?;
    Ok(old.is_some())
}

/// Refuses an interaction whose employee, person or project does not exist.
fn check_interaction_ends(txn: &redb::WriteTransaction, i: &Interaction) -> Result<()> {
    let ends = [
        Some(NodeRef::from(i.employee)),
        Some(NodeRef::from(i.person)),
        i.project.map(NodeRef::from),
    ];
    for end in ends.into_iter().flatten() {
        let exists = txn
            .open_table(tables::nodes(end.kind))?
            .get(end.id)?
            .is_some();
        if !exists {
            return Err(StoreError::DanglingInteraction {
                employee: node_label(txn, i.employee.into()),
                person: node_label(txn, i.person.into()),
                date: i.date,
                end,
            });
        }
    }
    Ok(())
}

/// What [`remove_core`] removed, for the log: the node's record, its edges (key order)
/// and its interactions (id order: the record before, and after if it was only changed).
pub(super) struct Removed {
    pub(super) record: Node,
    pub(super) edges: Vec<(EdgeKey, EdgeAttrs)>,
    pub(super) interactions: Vec<(InteractionId, Interaction, Option<Interaction>)>,
}

/// Removes a node, its index entry and its edges, and removes or updates the
/// interactions that name it; records its external id among the removed nodes' (so the
/// log can still name it). Logs nothing: returns what it removed, for the caller to log.
pub(super) fn remove_core(
    txn: &redb::WriteTransaction,
    st: &mut State,
    node: NodeRef,
) -> Result<Removed> {
    let record = {
        let t = txn.open_table(tables::nodes(node.kind))?;
        let g = t.get(node.id)?;
        match g {
            Some(g) => decode_node(node, g.value())?,
            None => return Err(StoreError::UnknownNode(NodeLabel { node, xid: None })),
        }
    };
    let mut edges: Vec<(EdgeKey, EdgeAttrs)> = Vec::new();
    {
        let mut out = txn.open_table(OUT)?;
        let mut inn = txn.open_table(IN)?;
        for kind in EdgeKind::ALL {
            let counter = &mut st.counters.edges[usize::from(kind.code())];
            let (lo, hi) = keys::range_at(kind, node);
            if kind.from_kind() == node.kind {
                let found = collect_keys(&out, &lo, &hi)?;
                for k in found {
                    let key = keys::decode_out(&k).ok_or_else(|| corrupt_key("out", &k))?;
                    let old = out.remove(&k)?.map(|g| g.value().to_vec());
                    inn.remove(&keys::in_key(&key))?;
                    edges.push((key, edge_attrs(key, old.as_deref())?));
                    dec(counter);
                }
            }
            if kind.allows_to(node.kind) {
                let found = collect_keys(&inn, &lo, &hi)?;
                for k in found {
                    let key = keys::decode_in(&k).ok_or_else(|| corrupt_key("in", &k))?;
                    inn.remove(&k)?;
                    let old = out
                        .remove(&keys::out_key(&key))?
                        .map(|g| g.value().to_vec());
                    edges.push((key, edge_attrs(key, old.as_deref())?));
                    dec(counter);
                }
            }
        }
    }
    edges.sort_unstable_by_key(|(k, _)| *k);
    let interactions = {
        let mut t = interaction::Tables::open(txn)?;
        interaction::cascade(&mut t, node, &mut st.buf)?
    };
    let removed = interactions
        .iter()
        .filter(|(_, _, new)| new.is_none())
        .count() as u64;
    st.counters.interactions = st.counters.interactions.saturating_sub(removed);
    let mut nodes = txn.open_table(tables::nodes(node.kind))?;
    nodes.remove(node.id)?;
    let mut xids = txn.open_table(tables::xids(node.kind))?;
    xids.remove(record.xid())?;
    let mut names = txn.open_table(tables::REMOVED)?;
    names.insert(node.pack(), record.xid())?;
    dec(&mut st.counters.nodes[usize::from(node.kind.code())]);
    Ok(Removed {
        record,
        edges,
        interactions,
    })
}

/// The attributes of a removed edge from its out-table value; an edge in the in table but
/// not in the out table is damage.
fn edge_attrs(key: EdgeKey, value: Option<&[u8]>) -> Result<EdgeAttrs> {
    let bytes = value.ok_or_else(|| StoreError::Corrupt {
        what: format!("edge {key}"),
        reason: "in the in table but not in the out table".to_owned(),
    })?;
    decode(bytes, &|| format!("edge {key}"))
}

fn collect_keys<V: Value + 'static>(
    t: &impl ReadableTable<&'static RawKey, V>,
    lo: &RawKey,
    hi: &RawKey,
) -> Result<Vec<RawKey>> {
    let mut v = Vec::new();
    for r in t.range::<&RawKey>(lo..=hi)? {
        let (k, _) = r?;
        v.push(*k.value());
    }
    Ok(v)
}
