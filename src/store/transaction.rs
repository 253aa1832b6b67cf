//! Writing: [`WriteTxn`] batches any number of validated changes into one atomic commit.
//!
//! Every change is validated against the rules of §3 *before* it writes anything:
//! ends exist, `rival_tie/competes` start at a competitor, no self-loop, no second `works_at`
//! or `of`, no duplicate on `add_edge`. A change that fails **poisons** the transaction:
//! every later operation and [`WriteTxn::commit`] return [`StoreError::Poisoned`], and the
//! storage transaction is rolled back when the `WriteTxn` is dropped or aborted. So a
//! caller that ignores an error and carries on can still never commit a half-applied batch,
//! and "invalid input writes nothing" holds for a whole batch, not just one call.
//!
//! The id counters, the log sequence number and the counts are loaded once when the
//! transaction begins, updated in memory, and written back at commit: a write transaction
//! is exclusive, so nothing else can change them meanwhile.

use super::error::{Result, StoreError};
use super::interaction::{self, InteractionId};
use super::internal::codec::{decode, encode_into};
use super::internal::keys::{self, RawKey};
use super::internal::records::{corrupt_key, decode_node, xid_in};
use super::internal::source::Source;
use super::internal::tables::{self, Counters, FORMAT_VERSION, IN, LOG, OUT};
use super::log::{ChangeRef, LogRecord, NodeView};
use super::read::Read;
use crate::model::{
    Account, AccountId, AccountKind, Edge, EdgeKey, EdgeKind, EdgeLabel, Employee, EmployeeId,
    Interaction, Node, NodeKind, NodeLabel, NodeRef, Person, PersonId, Project, ProjectId,
};
use redb::{Key, ReadableTable, Table, TableDefinition, Value};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether an upsert added, changed or left a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Added,
    Updated,
    Unchanged,
}

/// The mutable state of a write transaction besides the storage transaction itself.
pub(super) struct State {
    time: i64,
    pub(super) counters: Counters,
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
    initial: Counters,
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
}

impl Read for WriteTxn {}

pub(super) type NodeTable<'t> = Table<'t, u32, &'static [u8]>;
pub(super) type XidTable<'t> = Table<'t, &'static str, u32>;
pub(super) type LogTable<'t> = Table<'t, u64, &'static [u8]>;

/// Upgrades a file of an older format to [`FORMAT_VERSION`] inside the write transaction
/// that is about to change it, so that the upgrade commits with the first change, or not
/// at all: creates the interaction tables and their counters and records the format.
/// Records of version 1 stay as they are (they keep decoding); a record is written in the
/// current version when it changes.
fn upgrade(
    txn: &redb::WriteTransaction,
    meta: &mut redb::Table<'_, &'static str, u64>,
    counts: &mut redb::Table<'_, &'static str, u64>,
    counters: &Counters,
) -> Result<()> {
    interaction::Tables::open(txn)?;
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
            let counters = Counters::load(&meta, &counts)?;
            let format = meta.get("format")?.map_or(1, |g| g.value());
            if format < FORMAT_VERSION {
                upgrade(&txn, &mut meta, &mut counts, &counters)?;
            }
            counters
        };
        Ok(WriteTxn {
            txn,
            state: State {
                time,
                counters,
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

    /// Commits every change of the transaction atomically and durably.
    ///
    /// A poisoned transaction is rolled back and returns [`StoreError::Poisoned`].
    pub fn commit(self) -> Result<()> {
        if self.is_poisoned() {
            let _ = self.txn.abort();
            return Err(StoreError::Poisoned);
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
    fn write_node(&mut self, view: NodeView<'_>, create_only: bool) -> Result<NodeRef> {
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

    /// Removes an edge; `true` if it existed.
    pub fn remove_edge(&mut self, key: EdgeKey) -> Result<bool> {
        self.guarded(|w| {
            let removed = {
                let mut out = w.txn.open_table(OUT)?;
                let r = out.remove(&keys::out_key(&key))?;
                r.is_some()
            };
            if removed {
                let mut inn = w.txn.open_table(IN)?;
                inn.remove(&keys::in_key(&key))?;
                dec(&mut w.state.counters.edges[usize::from(key.kind.code())]);
                let mut log = w.txn.open_table(LOG)?;
                append(&mut w.state, &mut log, &ChangeRef::RemoveEdge(key))?;
            }
            Ok(removed)
        })
    }

    /// Removes a node, its external-id entry and every edge touching it (both
    /// directions); [`StoreError::UnknownNode`] if it does not exist. An employee or a
    /// person takes its interactions with it; a project's interactions lose their project.
    /// Each interaction changed so is logged, before the node's removal.
    pub fn remove_node(&mut self, node: NodeRef) -> Result<()> {
        self.guarded(|w| {
            let cascaded = remove_core(&w.txn, &mut w.state, node)?;
            let mut log = w.txn.open_table(LOG)?;
            for (id, new) in &cascaded {
                let change = match new {
                    Some(interaction) => ChangeRef::PutInteraction {
                        id: *id,
                        interaction,
                    },
                    None => ChangeRef::RemoveInteraction(*id),
                };
                append(&mut w.state, &mut log, &change)?;
            }
            append(&mut w.state, &mut log, &ChangeRef::RemoveNode(node))
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
            append(&mut w.state, &mut log, &ChangeRef::RemoveInteraction(id))?;
            Ok(true)
        })
    }

    /// Erases a person for good: the node, its external-id entry, every edge touching it
    /// and every log entry that mentions it (its upserts hold its name). The erasure itself
    /// is not logged. Returns `false` if no person has this external id.
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
            let Some(node) = found else {
                return Ok(false);
            };
            remove_core(&w.txn, &mut w.state, node)?;
            let mut log = w.txn.open_table(LOG)?;
            let mut doomed = Vec::new();
            for r in log.iter()? {
                let (k, v) = r?;
                let seq = k.value();
                let rec: LogRecord<super::log::Change> =
                    decode(v.value(), &|| format!("log entry {seq}"))?;
                if rec.change.mentions(node) {
                    doomed.push(seq);
                }
            }
            for seq in doomed {
                log.remove(seq)?;
            }
            Ok(true)
        })
    }
}

fn dec(c: &mut u64) {
    *c = c.saturating_sub(1);
}

/// Appends a change to the log.
pub(super) fn append(st: &mut State, log: &mut LogTable<'_>, change: &ChangeRef<'_>) -> Result<()> {
    let seq = st.counters.next_seq;
    encode_into(
        &LogRecord {
            time: st.time,
            change,
        },
        &mut st.log_buf,
        &|| format!("log entry {seq}"),
    )?;
    log.insert(seq, st.log_buf.as_slice())?;
    st.counters.next_seq += 1;
    Ok(())
}

fn encode_view(view: NodeView<'_>, buf: &mut Vec<u8>) -> Result<()> {
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
    /// Changed nodes whose log entries are appended after the kind's records.
    pub(super) logs: Vec<(NodeRef, NodeView<'v>)>,
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
        if let NodeView::Account(new) = view {
            let old: Account = decode(&old, &|| format!("{node} record"))?;
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
        (node, Outcome::Updated)
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
        b.logs.push((node, view));
    } else {
        append(st, log, &ChangeRef::UpsertNode { node, record: view })?;
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
    let old = out.get(&ok)?.map(|g| g.value() == st.buf.as_slice());
    match old {
        Some(_) if !replace => return Err(StoreError::DuplicateEdge(edge_label(txn, key))),
        Some(true) => return Ok(true),
        Some(false) => {}
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
    out.insert(&ok, st.buf.as_slice())?;
    drop(out);
    if old.is_none() {
        let mut inn = txn.open_table(IN)?;
        inn.insert(&keys::in_key(&key), ())?;
        st.counters.edges[usize::from(key.kind.code())] += 1;
    }
    let mut log = txn.open_table(LOG)?;
    append(st, &mut log, &ChangeRef::PutEdge(edge))?;
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

/// Removes a node, its index entry and its edges (not logged), and removes or updates the
/// interactions that name it (returned, for the caller to log).
fn remove_core(
    txn: &redb::WriteTransaction,
    st: &mut State,
    node: NodeRef,
) -> Result<Vec<(InteractionId, Option<Interaction>)>> {
    let record = {
        let t = txn.open_table(tables::nodes(node.kind))?;
        let g = t.get(node.id)?;
        match g {
            Some(g) => decode_node(node, g.value())?,
            None => return Err(StoreError::UnknownNode(NodeLabel { node, xid: None })),
        }
    };
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
                    out.remove(&k)?;
                    inn.remove(&keys::in_key(&key))?;
                    dec(counter);
                }
            }
            if kind.allows_to(node.kind) {
                let found = collect_keys(&inn, &lo, &hi)?;
                for k in found {
                    let key = keys::decode_in(&k).ok_or_else(|| corrupt_key("in", &k))?;
                    inn.remove(&k)?;
                    out.remove(&keys::out_key(&key))?;
                    dec(counter);
                }
            }
        }
    }
    let cascaded = {
        let mut t = interaction::Tables::open(txn)?;
        interaction::cascade(&mut t, node, &mut st.buf)?
    };
    let removed = cascaded.iter().filter(|(_, new)| new.is_none()).count() as u64;
    st.counters.interactions = st.counters.interactions.saturating_sub(removed);
    let mut nodes = txn.open_table(tables::nodes(node.kind))?;
    nodes.remove(node.id)?;
    let mut xids = txn.open_table(tables::xids(node.kind))?;
    xids.remove(record.xid())?;
    dec(&mut st.counters.nodes[usize::from(node.kind.code())]);
    Ok(cascaded)
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
