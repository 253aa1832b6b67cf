//! Reading: the [`Read`] trait, shared by [`ReadTxn`] and [`WriteTxn`](super::WriteTxn).
//!
//! Every read method is written once, as a default method of [`Read`], over the sealed
//! `Source` trait (in `internal`) that opens a table and reports the counters. A read transaction opens
//! the committed snapshot's tables; a write transaction opens its own tables, so it reads
//! its own uncommitted changes. In a write transaction each call opens the tables it needs
//! and closes them before returning, which is what lets it interleave reads and writes
//! freely; a read transaction keeps its two adjacency tables open after first use, since
//! neighbour scans are its hot path and a snapshot never changes.

use super::check::{self, CheckReport};
use super::error::{Result, StoreError};
use super::history;
use super::interaction::{self, InteractionId};
use super::internal::codec::{decode, Record};
use super::internal::contain::{callback, contained};
use super::internal::keys::{self, RawKey};
use super::internal::records::{
    bad_attrs, corrupt_key, decode_node, decode_view, edge_from_out, xid_in,
};
use super::internal::source::{verify_counters, Source};
use super::internal::tables::{self, Counters, IN, OUT};
use super::log::{Commit, LogEntry, LogPage};
use crate::model::{
    Account, Day, Edge, EdgeAttrs, EdgeKind, Employee, Interaction, Network, Node, NodeKind,
    NodeLabel, NodeRef, NodeView, Person, Project,
};
use crate::model::{AccountId, EmployeeId, PersonId, ProjectId};
use redb::{Key, ReadableTable, ReadableTableMetadata as _, TableDefinition, Value};
use std::sync::OnceLock;

/// A read-only transaction: one consistent snapshot of the database, unaffected by writes
/// committed after it began. Many may run at once, also while a write transaction runs.
///
/// The two adjacency tables are opened once, on first use, and kept: opening a table costs
/// about as much as a short neighbour scan, and a snapshot's tables never change.
pub struct ReadTxn {
    pub(crate) txn: redb::ReadTransaction,
    out: OnceLock<OutTable>,
    inn: OnceLock<InTable>,
    /// The counters once loaded, and once verified: a snapshot's never change.
    counters: OnceLock<Counters>,
    verified: OnceLock<Counters>,
}

impl ReadTxn {
    pub(crate) fn new(txn: redb::ReadTransaction) -> ReadTxn {
        ReadTxn {
            txn,
            out: OnceLock::new(),
            inn: OnceLock::new(),
            counters: OnceLock::new(),
            verified: OnceLock::new(),
        }
    }

    fn out_table(&self) -> Result<&OutTable> {
        if let Some(t) = self.out.get() {
            return Ok(t);
        }
        let t = self.txn.open_table(OUT)?;
        Ok(self.out.get_or_init(|| t))
    }

    fn in_table(&self) -> Result<&InTable> {
        if let Some(t) = self.inn.get() {
            return Ok(t);
        }
        let t = self.txn.open_table(IN)?;
        Ok(self.inn.get_or_init(|| t))
    }
}

impl Source for ReadTxn {
    type Table<'a, K: Key + 'static, V: Value + 'static> = redb::ReadOnlyTable<K, V>;

    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<redb::ReadOnlyTable<K, V>> {
        Ok(self.txn.open_table(def)?)
    }

    fn open_optional<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<Option<redb::ReadOnlyTable<K, V>>> {
        match self.txn.open_table(def) {
            Ok(t) => Ok(Some(t)),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn counters(&self) -> Result<Counters> {
        if let Some(c) = self.counters.get() {
            return Ok(*c);
        }
        let meta = self.txn.open_table(tables::META)?;
        let counts = self.txn.open_table(tables::COUNTS)?;
        let c = Counters::load(&meta, &counts)?;
        Ok(*self.counters.get_or_init(|| c))
    }

    fn verified_counters(&self) -> Result<Counters> {
        if let Some(c) = self.verified.get() {
            return Ok(*c);
        }
        let c = verify_counters(self)?;
        Ok(*self.verified.get_or_init(|| c))
    }
}

impl Read for ReadTxn {
    fn edge(&self, key: crate::model::EdgeKey) -> Result<Option<Edge>> {
        contained(self, "the edge tables", || get_edge(self.out_table()?, key))
    }

    fn edges_out(&self, node: NodeRef, kind: EdgeKind) -> Result<Vec<Edge>> {
        contained(self, "the edge tables", || {
            check_out(self, node, kind)?;
            scan_out(self.out_table()?, node, kind)
        })
    }

    fn edges_in(&self, node: NodeRef, kind: EdgeKind) -> Result<Vec<Edge>> {
        contained(self, "the edge tables", || {
            check_in(self, node, kind)?;
            let out = if kind.has_attrs() {
                Some(self.out_table()?)
            } else {
                None
            };
            scan_in(self.in_table()?, out, node, kind)
        })
    }
}

/// Maps node ids between a [`Network`] (dense positions) and the store (dense ids with
/// holes where nodes were removed), both ways.
///
/// [`Read::network`] and [`Read::network_at_commit`] number a network's nodes from 0,
/// closing the holes; the map says which stored node each one is.
///
/// ```
/// use guanxi::model::{NodeKind, NodeRef, Person};
/// use guanxi::store::{Database, Read};
///
/// let db = Database::in_memory()?;
/// let person = |xid: &str| Person { xid: xid.into(), name: xid.into(), title: None };
/// let (p1, p2) = db.write(1, |t| {
///     t.create_person(person("P0"))?;
///     Ok((t.create_person(person("P1"))?, t.create_person(person("P2"))?))
/// })?;
/// db.write(2, |t| t.remove_node(p1.into()))?;
/// let (net, map) = db.begin_read()?.network()?;
/// // The network's person 1 is P2, the store's person 2.
/// assert_eq!(net.persons[1].xid, "P2");
/// let second = NodeRef::new(NodeKind::Person, 1);
/// assert_eq!(map.store_ref(second), Some(p2.into()));
/// assert_eq!(map.network_ref(p2.into()), Some(second));
/// assert_eq!(map.network_ref(p1.into()), None); // removed
/// assert_eq!(map.store_ids(NodeKind::Person), [0, 2]);
/// # Ok::<(), guanxi::store::StoreError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct IdMap {
    /// Per node kind: network position → store id.
    store_ids: [Vec<u32>; NodeKind::COUNT],
    /// Per node kind: store id → network position.
    positions: [Positions; NodeKind::COUNT],
}

/// Store id → network position for one node kind.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Positions {
    /// The store ids are `0..n`, each its own position — no node of the kind was ever
    /// removed, the usual case: no lookup at all (scans map millions of ends, and each
    /// lookup in an array of a million entries is a cache miss).
    Identity(u32),
    /// Indexed by store id, `u32::MAX` for none: when the ids are not much sparser than
    /// the nodes (the usual case), one array lookup.
    Dense(Vec<u32>),
    /// (store id, position) sorted by id, searched: when the largest id is far beyond the
    /// number of nodes (many removals, or a damaged key), so that the map never takes
    /// more memory than the nodes themselves.
    Sparse(Vec<(u32, u32)>),
}

impl Default for Positions {
    fn default() -> Self {
        Positions::Identity(0)
    }
}

/// Two maps are equal when they map the same nodes alike: the positions are derived from
/// the store ids.
impl PartialEq for IdMap {
    fn eq(&self, other: &Self) -> bool {
        self.store_ids == other.store_ids
    }
}

impl Eq for IdMap {}

const NONE: u32 = u32::MAX;

impl IdMap {
    /// Builds the map from the store ids of each kind, listed by network position.
    pub(crate) fn from_store_ids(store_ids: [Vec<u32>; NodeKind::COUNT]) -> IdMap {
        let positions = std::array::from_fn(|k| {
            let ids = &store_ids[k];
            let len = ids.iter().max().map_or(0, |m| *m as usize + 1);
            if ids.iter().zip(0..).all(|(&id, i)| id == i) {
                // `ids.len()` fits: each position is a `u32`.
                Positions::Identity(ids.len() as u32)
            } else if len <= 2 * ids.len() + 1024 {
                let mut pos = vec![NONE; len];
                for (i, id) in ids.iter().enumerate() {
                    pos[*id as usize] = i as u32;
                }
                Positions::Dense(pos)
            } else {
                let mut pairs: Vec<(u32, u32)> = ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| (*id, i as u32))
                    .collect();
                pairs.sort_unstable();
                Positions::Sparse(pairs)
            }
        });
        IdMap {
            store_ids,
            positions,
        }
    }

    /// The store node of a network node, if mapped.
    pub fn store_ref(&self, network: NodeRef) -> Option<NodeRef> {
        let k = usize::from(network.kind.code());
        if let Positions::Identity(n) = self.positions[k] {
            return (network.id < n).then_some(network);
        }
        self.store_ids[k]
            .get(network.id as usize)
            .map(|id| NodeRef::new(network.kind, *id))
    }

    /// The network node of a store node, if mapped.
    pub fn network_ref(&self, store: NodeRef) -> Option<NodeRef> {
        let k = usize::from(store.kind.code());
        let position = match &self.positions[k] {
            Positions::Identity(n) => (store.id < *n).then_some(store.id),
            Positions::Dense(pos) => pos.get(store.id as usize).copied(),
            Positions::Sparse(pairs) => pairs
                .binary_search_by_key(&store.id, |p| p.0)
                .ok()
                .map(|i| pairs[i].1),
        };
        match position {
            Some(p) if p != NONE => Some(NodeRef::new(store.kind, p)),
            _ => None,
        }
    }

    /// The store ids of the nodes of `kind`, by network position.
    pub fn store_ids(&self, kind: NodeKind) -> &[u32] {
        &self.store_ids[usize::from(kind.code())]
    }

    /// Number of mapped nodes of `kind`.
    pub fn len(&self, kind: NodeKind) -> usize {
        self.store_ids[usize::from(kind.code())].len()
    }

    /// Whether no node is mapped.
    pub fn is_empty(&self) -> bool {
        self.store_ids.iter().all(Vec::is_empty)
    }
}

/// Receives a network from [`Read::scan`]: nodes first, then edges (see there for the
/// order). Implemented by [`Network`] (which collects owned copies) and by the analysis
/// snapshot's builder; a visitor of one's own keeps only what it needs, in one pass
/// over the database.
///
/// ```
/// use guanxi::model::*;
/// use guanxi::store::{Database, Read, Visit};
///
/// /// The persons' external ids and the number of reporting lines, nothing else.
/// #[derive(Default)]
/// struct OrgChart { persons: Vec<String>, reporting: usize }
///
/// impl Visit for OrgChart {
///     fn node(&mut self, node: NodeView<'_>) {
///         if node.kind() == NodeKind::Person {
///             self.persons.push(node.xid().to_owned()); // borrowed: copy what is kept
///         }
///     }
///     fn edge(&mut self, edge: Edge) {
///         self.reporting += usize::from(edge.kind() == EdgeKind::ReportsTo);
///     }
/// }
///
/// let db = Database::in_memory()?;
/// let weight = Score::new(0.8).unwrap();
/// db.write(1, |t| {
///     let boss = t.create_person(Person { xid: "P1".into(), name: "Wang".into(), title: None })?;
///     let cfo = t.create_person(Person { xid: "P2".into(), name: "Li".into(), title: None })?;
///     t.add_edge(Edge::ReportsTo { person: cfo, manager: boss, weight })
/// })?;
/// let mut chart = OrgChart::default();
/// db.begin_read()?.scan(&mut chart)?;
/// assert_eq!((chart.persons, chart.reporting), (vec!["P1".to_owned(), "P2".to_owned()], 1));
/// # Ok::<(), guanxi::store::StoreError>(())
/// ```
pub trait Visit {
    /// Called once before anything else with the number of nodes per kind and of edges
    /// per kind (indexed by their codes) about to come: capacity hints.
    fn begin(&mut self, nodes: [usize; NodeKind::COUNT], edges: [usize; EdgeKind::COUNT]) {
        let _ = (nodes, edges);
    }
    /// One node.
    fn node(&mut self, node: NodeView<'_>);
    /// One edge, with network ids.
    fn edge(&mut self, edge: Edge);
    /// One interaction, with network ids: after every edge, in id order (the order in
    /// which they were recorded).
    fn interaction(&mut self, id: InteractionId, interaction: &Interaction) {
        let _ = (id, interaction);
    }
}

impl Visit for Network {
    fn begin(&mut self, nodes: [usize; NodeKind::COUNT], edges: [usize; EdgeKind::COUNT]) {
        self.accounts.reserve(nodes[0]);
        self.persons.reserve(nodes[1]);
        self.employees.reserve(nodes[2]);
        self.projects.reserve(nodes[3]);
        self.edges.reserve(edges.iter().sum());
    }

    fn node(&mut self, node: NodeView<'_>) {
        match node.to_node() {
            Node::Account(a) => self.accounts.push(a),
            Node::Person(p) => self.persons.push(p),
            Node::Employee(e) => self.employees.push(e),
            Node::Project(x) => self.projects.push(x),
        }
    }

    fn edge(&mut self, edge: Edge) {
        self.edges.push(edge);
    }

    fn interaction(&mut self, _: InteractionId, interaction: &Interaction) {
        self.interactions.push(*interaction);
    }
}

/// Reads the database. Implemented by [`ReadTxn`] (a committed snapshot) and by
/// [`WriteTxn`](super::WriteTxn) (which sees its own uncommitted changes).
///
/// No method panics on a damaged file: a structure of the file that the storage engine
/// cannot read — including one that makes the engine itself panic — is reported as
/// [`StoreError::Corrupt`] (in a write transaction, which it then poisons). Panics of the
/// caller's own closures and visitors pass through unchanged.
pub trait Read: Source {
    /// The record of a node, or `None` if it does not exist.
    fn node(&self, node: NodeRef) -> Result<Option<Node>> {
        contained(self, "the node records", || {
            let t = self.open(tables::nodes(node.kind))?;
            let g = t.get(node.id)?;
            g.map(|g| decode_node(node, g.value())).transpose()
        })
    }

    /// An account's record.
    fn account(&self, id: AccountId) -> Result<Option<Account>> {
        contained(self, "the node records", || typed(self, id.into()))
    }

    /// A person's record.
    fn person(&self, id: PersonId) -> Result<Option<Person>> {
        contained(self, "the node records", || typed(self, id.into()))
    }

    /// An employee's record.
    fn employee(&self, id: EmployeeId) -> Result<Option<Employee>> {
        contained(self, "the node records", || typed(self, id.into()))
    }

    /// A project's record.
    fn project(&self, id: ProjectId) -> Result<Option<Project>> {
        contained(self, "the node records", || typed(self, id.into()))
    }

    /// The node of type `kind` with external id `xid`.
    fn lookup(&self, kind: NodeKind, xid: &str) -> Result<Option<NodeRef>> {
        contained(self, "the external-id index", || {
            let t = self.open(tables::xids(kind))?;
            let g = t.get(xid)?;
            Ok(g.map(|g| NodeRef::new(kind, g.value())))
        })
    }

    /// The account with external id `xid`: one index lookup. The same name and answer as
    /// [`Snapshot::account_by_xid`](crate::graph::Snapshot::account_by_xid) of a snapshot
    /// loaded from this transaction.
    fn account_by_xid(&self, xid: &str) -> Result<Option<AccountId>> {
        Ok(self
            .lookup(NodeKind::Account, xid)?
            .map(|n| AccountId(n.id)))
    }

    /// The person with external id `xid`: one index lookup.
    ///
    /// ```
    /// use guanxi::model::Person;
    /// use guanxi::store::{Database, Read};
    ///
    /// let db = Database::in_memory()?;
    /// let p = db.write(1, |t| t.upsert_person(Person { xid: "P-7".into(), name: "Li".into(), title: None }))?;
    /// let r = db.begin_read()?;
    /// assert_eq!(r.person_by_xid("P-7")?, Some(p));
    /// assert_eq!(r.person_by_xid("P-8")?, None);
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    fn person_by_xid(&self, xid: &str) -> Result<Option<PersonId>> {
        Ok(self.lookup(NodeKind::Person, xid)?.map(|n| PersonId(n.id)))
    }

    /// The employee with external id `xid`: one index lookup.
    fn employee_by_xid(&self, xid: &str) -> Result<Option<EmployeeId>> {
        Ok(self
            .lookup(NodeKind::Employee, xid)?
            .map(|n| EmployeeId(n.id)))
    }

    /// The project with external id `xid`: one index lookup.
    fn project_by_xid(&self, xid: &str) -> Result<Option<ProjectId>> {
        Ok(self
            .lookup(NodeKind::Project, xid)?
            .map(|n| ProjectId(n.id)))
    }

    /// The edge with this key, if it exists.
    fn edge(&self, key: crate::model::EdgeKey) -> Result<Option<Edge>> {
        contained(self, "the edge tables", || get_edge(&self.open(OUT)?, key))
    }

    /// Every edge of `kind` out of `node`, by end: one range scan.
    fn edges_out(&self, node: NodeRef, kind: EdgeKind) -> Result<Vec<Edge>> {
        contained(self, "the edge tables", || {
            check_out(self, node, kind)?;
            scan_out(&self.open(OUT)?, node, kind)
        })
    }

    /// Every edge of `kind` into `node`, by start: one range scan of the in table, plus a
    /// lookup of the attributes for the kinds that have some.
    fn edges_in(&self, node: NodeRef, kind: EdgeKind) -> Result<Vec<Edge>> {
        contained(self, "the edge tables", || {
            check_in(self, node, kind)?;
            let out = if kind.has_attrs() {
                Some(self.open(OUT)?)
            } else {
                None
            };
            scan_in(&self.open(IN)?, out.as_ref(), node, kind)
        })
    }

    /// Calls `f` on every edge of `kind`, in key order (by start, then end).
    fn for_each_edge(&self, kind: EdgeKind, mut f: impl FnMut(Edge)) -> Result<()> {
        contained(self, "the edge tables", || {
            let t = self.open(OUT)?;
            let (lo, hi) = keys::range_of(kind);
            for r in t.range::<&RawKey>(&lo..=&hi)? {
                let (k, v) = r?;
                let edge = edge_from_out(k.value(), v.value())?;
                callback(|| f(edge));
            }
            Ok(())
        })
    }

    /// Calls `f` on every node of `kind`, by id.
    fn for_each_node(&self, kind: NodeKind, mut f: impl FnMut(NodeRef, Node)) -> Result<()> {
        contained(self, "the node records", || {
            let t = self.open(tables::nodes(kind))?;
            for r in t.iter()? {
                let (k, v) = r?;
                let node = NodeRef::new(kind, k.value());
                let record = decode_node(node, v.value())?;
                callback(|| f(node, record));
            }
            Ok(())
        })
    }

    /// Number of nodes of `kind`.
    fn count(&self, kind: NodeKind) -> Result<u64> {
        contained(self, "the counters", || {
            Ok(self.verified_counters()?.node_count(kind))
        })
    }

    /// Number of edges of `kind`.
    fn edge_count(&self, kind: EdgeKind) -> Result<u64> {
        contained(self, "the counters", || {
            Ok(self.verified_counters()?.edge_count(kind))
        })
    }

    /// Number of edges of every kind, indexed by kind code: one read of the counters.
    fn edge_counts(&self) -> Result<[u64; EdgeKind::COUNT]> {
        contained(self, "the counters", || Ok(self.verified_counters()?.edges))
    }

    /// The change log from sequence number `from_seq` on, in order: every entry up to
    /// the head, in one `Vec` ([`log_page`](Read::log_page) reads it a page at a time).
    /// [`StoreError::LogTrimmed`] if entries from `from_seq` on were trimmed.
    fn log(&self, from_seq: u64) -> Result<Vec<LogEntry>> {
        contained(self, "the change log", || {
            history::page(self, from_seq, usize::MAX).map(|p| p.entries)
        })
    }

    /// Up to `limit` entries of the change log from sequence number `from` on, in order,
    /// each naming the nodes it mentions by external id ([`LogEntry::xids`]); the page
    /// says where the next one starts ([`LogPage::next`]) and what the head was. A
    /// consumer reads pages from where it stopped until [`LogPage::is_last`], applies
    /// them, and stores `next`.
    ///
    /// [`StoreError::LogTrimmed`] (with the lowest sequence number held) if `from` is
    /// before the entries the log still holds; [`StoreError::BeyondLogHead`] if `from` is
    /// beyond the head (the reader has seen a future this database does not have). Reads
    /// only the entries returned.
    ///
    /// ```
    /// use guanxi::model::Person;
    /// use guanxi::store::{Change, Database, Read};
    ///
    /// let db = Database::in_memory()?;
    /// db.write(1, |t| {
    ///     for xid in ["P1", "P2", "P3"] {
    ///         t.upsert_person(Person { xid: xid.into(), name: xid.into(), title: None })?;
    ///     }
    ///     Ok(())
    /// })?;
    /// let p2 = db.begin_read()?.person_by_xid("P2")?.unwrap();
    /// db.write(2, |t| t.remove_node(p2.into()))?;
    /// let r = db.begin_read()?;
    /// let first = r.log_page(0, 2)?;
    /// assert_eq!((first.entries.len(), first.next, first.is_last()), (2, 2, false));
    /// let rest = r.log_page(first.next, 2)?;
    /// assert!(rest.is_last());
    /// let removal = &rest.entries[1];
    /// assert_eq!(removal.commit, 2);
    /// assert!(matches!(removal.change, Change::RemoveNode { .. }));
    /// assert_eq!(removal.xid(p2.into()), Some("P2")); // named, though removed
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    fn log_page(&self, from: u64, limit: usize) -> Result<LogPage> {
        contained(self, "the change log", || history::page(self, from, limit))
    }

    /// The head of the change log: the sequence number the next change will get (every
    /// entry has a smaller one). One counter read, however long the log.
    fn log_head(&self) -> Result<u64> {
        contained(self, "the counters", || Ok(self.counters()?.next_seq))
    }

    /// The lowest sequence number the change log holds: entries before it were trimmed
    /// ([`WriteTxn::trim_log`](super::WriteTxn::trim_log)). One counter read.
    fn log_start(&self) -> Result<u64> {
        contained(self, "the counters", || Ok(self.counters()?.log_start))
    }

    /// Up to `limit` commits from number `from` on, in order: each write transaction
    /// that changed the database, with its time and the counts of its changes. Commits
    /// before the lowest one the log holds were trimmed. None in a file of format 1 or 2
    /// that no write has upgraded yet.
    ///
    /// ```
    /// use guanxi::model::Person;
    /// use guanxi::store::{Database, Read};
    ///
    /// let db = Database::in_memory()?;
    /// let li = Person { xid: "P1".into(), name: "Li".into(), title: None };
    /// let p = db.write(1_000, |t| t.upsert_person(li.clone()))?;
    /// db.write(2_000, |t| t.upsert_person(li.clone()))?; // changes nothing: no commit
    /// db.write(3_000, |t| t.set_title(p, Some("CFO".into())))?;
    /// let r = db.begin_read()?;
    /// let commits = r.commits(1, 10)?;
    /// assert_eq!(commits.iter().map(|c| (c.number, c.time)).collect::<Vec<_>>(), [(1, 1_000), (2, 3_000)]);
    /// assert_eq!((commits[1].changes.nodes.changed, commits[1].first_seq), (1, 1));
    /// assert_eq!(r.last_commit()?, 2);
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    fn commits(&self, from: u64, limit: usize) -> Result<Vec<Commit>> {
        contained(self, "the commit table", || {
            history::commits(self, from, limit)
        })
    }

    /// The database as it stood after commit `commit` (numbered from 1; 0 is the empty
    /// database before the first), as a [`Network`] numbered exactly as
    /// [`network`](Read::network) numbers the database — so
    /// [`Snapshot::from_network`](crate::graph::Snapshot::from_network) of it gives the
    /// same figures as a snapshot loaded then — with the [`IdMap`] to the store ids of
    /// that time. In a write transaction, its own uncommitted changes come after the
    /// latest commit.
    ///
    /// Rebuilt from the change log, backwards from the present or forwards from the
    /// start, whichever is cheaper (see `travel.rs`): the cost is one scan of the
    /// database plus the entries after the commit, or the entries up to it. Refused with
    /// [`StoreError::UnknownCommit`] for a commit after the latest,
    /// [`StoreError::CommitTrimmed`] for one trimmed from the log, and
    /// [`StoreError::CommitUnrecoverable`] where neither direction is possible (a log
    /// trimmed in a file upgraded from format 1 or 2, for its older commits).
    ///
    /// ```
    /// use guanxi::model::*;
    /// use guanxi::store::{Database, Read};
    ///
    /// let db = Database::in_memory()?;
    /// let li = Person { xid: "P1".into(), name: "Li".into(), title: None };
    /// db.write(1, |t| t.upsert_person(li.clone()))?;
    /// db.write(2, |t| t.rename(PersonId(0).into(), "Li Wei"))?;
    /// let r = db.begin_read()?;
    /// let (then, _) = r.network_at_commit(1)?;
    /// assert_eq!(then.persons, vec![li]);
    /// assert_eq!(r.network_at_commit(2)?, r.network()?);
    /// assert!(r.network_at_commit(0)?.0.persons.is_empty());
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    fn network_at_commit(&self, commit: u64) -> Result<(Network, IdMap)> {
        contained(self, "the change log", || {
            super::travel::network_at_commit(self, commit)
        })
    }

    /// The number of the latest commit (0 before the first).
    fn last_commit(&self) -> Result<u64> {
        contained(self, "the counters", || {
            Ok(self.counters()?.next_commit.saturating_sub(1))
        })
    }

    /// The whole database as a [`Network`], with store ids remapped to dense positions
    /// (in id order), and the [`IdMap`] between them. Edges come in key order (kind,
    /// start, end). Linear in the size of the database.
    fn network(&self) -> Result<(Network, IdMap)> {
        contained(self, "the database", || {
            let mut net = Network::new();
            let ids = self.scan(&mut net)?;
            Ok((net, ids))
        })
    }

    /// Streams the whole network to `visitor` without an intermediate copy: first the
    /// nodes — accounts, persons, employees, projects, each kind in store-id order, so
    /// that the `i`-th node of a kind has network id `i` — then every edge in key order
    /// (type, from, to), then every interaction in id order, with network ids. Returns the
    /// map between network and store ids. Node strings are borrowed from the stored bytes:
    /// a visitor copies what it keeps. [`network`](Read::network) is this scan collecting
    /// into a [`Network`]; [`Snapshot::load`](crate::graph::Snapshot::load) builds its
    /// arrays from the same steps (the nodes, then the edges per kind, several kinds at
    /// once).
    ///
    /// A record that does not decode, an edge whose end has no record, an entry of no
    /// edge kind, or a damaged structure of the file stops the scan with
    /// [`StoreError::Corrupt`]; the visitor then holds a partial network. A panic of the
    /// visitor itself is not caught: it unwinds out of the scan as it was raised.
    fn scan(&self, visitor: &mut impl Visit) -> Result<IdMap> {
        contained(self, "the database", || {
            let map = scan_nodes(self, visitor)?;
            let mut seen = 0;
            for kind in EdgeKind::ALL {
                seen += scan_edges(self, kind, &map, visitor)?;
            }
            check_edge_total(self, seen)?;
            scan_interactions(self, &map, visitor)?;
            Ok(map)
        })
    }

    /// An interaction by id, if it exists.
    fn interaction(&self, id: InteractionId) -> Result<Option<Interaction>> {
        contained(self, "the interaction tables", || {
            let Some(t) = self.open_optional(tables::INTERACTIONS)? else {
                return Ok(None);
            };
            let g = t.get(id.0)?;
            g.map(|g| interaction::decode_record(g.value(), id))
                .transpose()
        })
    }

    /// Every interaction of `employee` with `person`, by date (then in recording order):
    /// one range scan.
    fn interactions_between(
        &self,
        employee: EmployeeId,
        person: PersonId,
    ) -> Result<Vec<(InteractionId, Interaction)>> {
        contained(self, "the interaction tables", || {
            let Some(t) = self.open_optional(tables::BY_PAIR)? else {
                return Ok(Vec::new());
            };
            let (lo, hi) = interaction::pair_range(employee, person);
            interaction::entries_in(&t, &lo, &hi)
        })
    }

    /// Every interaction of `employee`, with any person, by person id, then date (then
    /// in recording order): one range scan.
    fn interactions_by(&self, employee: EmployeeId) -> Result<Vec<(InteractionId, Interaction)>> {
        contained(self, "the interaction tables", || {
            let Some(t) = self.open_optional(tables::BY_PAIR)? else {
                return Ok(Vec::new());
            };
            let (lo, hi) = interaction::employee_range(employee);
            interaction::entries_in(&t, &lo, &hi)
        })
    }

    /// Every interaction of `person`, with any employee, by date (then in recording
    /// order): one range scan.
    fn interactions_of(&self, person: PersonId) -> Result<Vec<(InteractionId, Interaction)>> {
        contained(self, "the interaction tables", || {
            let Some(t) = self.open_optional(tables::BY_PERSON)? else {
                return Ok(Vec::new());
            };
            let (lo, hi) = interaction::person_range(person);
            interaction::entries_in(&t, &lo, &hi)
        })
    }

    /// Every interaction dated within `days` (both ends included), by date (then in
    /// recording order): one range scan. Empty if the range is.
    fn interactions_in(
        &self,
        days: std::ops::RangeInclusive<Day>,
    ) -> Result<Vec<(InteractionId, Interaction)>> {
        contained(self, "the interaction tables", || {
            let (from, to) = days.into_inner();
            if from > to {
                return Ok(Vec::new());
            }
            let Some(t) = self.open_optional(tables::BY_DATE)? else {
                return Ok(Vec::new());
            };
            let (lo, hi) = interaction::date_range(from, to);
            interaction::entries_in(&t, &lo, &hi)
        })
    }

    /// Number of interactions.
    fn interaction_count(&self) -> Result<u64> {
        contained(self, "the counters", || {
            Ok(self.verified_counters()?.interactions)
        })
    }

    /// Verifies every invariant of the stored data and lists the violations found.
    fn check(&self) -> Result<CheckReport> {
        contained(self, "the database", || check::run(self))
    }
}

type OutTable = redb::ReadOnlyTable<&'static RawKey, &'static [u8]>;
type InTable = redb::ReadOnlyTable<&'static RawKey, ()>;

fn check_out<S: Source + ?Sized>(src: &S, node: NodeRef, kind: EdgeKind) -> Result<()> {
    if node.kind == kind.from_kind() {
        Ok(())
    } else {
        Err(StoreError::WrongEndType {
            node: label(src, node),
            end: "from",
            kind,
        })
    }
}

fn check_in<S: Source + ?Sized>(src: &S, node: NodeRef, kind: EdgeKind) -> Result<()> {
    if kind.allows_to(node.kind) {
        Ok(())
    } else {
        Err(StoreError::WrongEndType {
            node: label(src, node),
            end: "to",
            kind,
        })
    }
}

/// An interaction with its store ids mapped to network ids; `Err` names the end that is
/// not in the map.
fn map_interaction(map: &IdMap, i: &Interaction) -> std::result::Result<Interaction, NodeRef> {
    let node = |n: NodeRef| map.network_ref(n).ok_or(n);
    Ok(Interaction {
        employee: EmployeeId(node(i.employee.into())?.id),
        person: PersonId(node(i.person.into())?.id),
        project: match i.project {
            Some(x) => Some(ProjectId(node(x.into())?.id)),
            None => None,
        },
        ..*i
    })
}

/// A node named for a message, by external id if it has a record.
fn label<S: Source + ?Sized>(src: &S, node: NodeRef) -> NodeLabel {
    let xid = src
        .open(tables::nodes(node.kind))
        .ok()
        .and_then(|t| xid_in(&t, node));
    NodeLabel { node, xid }
}

fn get_edge(
    t: &impl ReadableTable<&'static RawKey, &'static [u8]>,
    key: crate::model::EdgeKey,
) -> Result<Option<Edge>> {
    let k = keys::out_key(&key);
    let g = t.get(&k)?;
    g.map(|g| edge_from_out(&k, g.value())).transpose()
}

fn scan_out(
    t: &impl ReadableTable<&'static RawKey, &'static [u8]>,
    node: NodeRef,
    kind: EdgeKind,
) -> Result<Vec<Edge>> {
    let (lo, hi) = keys::range_at(kind, node);
    let mut out = Vec::with_capacity(8);
    for r in t.range::<&RawKey>(&lo..=&hi)? {
        let (k, v) = r?;
        out.push(edge_from_out(k.value(), v.value())?);
    }
    Ok(out)
}

fn scan_in<O: ReadableTable<&'static RawKey, &'static [u8]>>(
    t: &impl ReadableTable<&'static RawKey, ()>,
    out_table: Option<&O>,
    node: NodeRef,
    kind: EdgeKind,
) -> Result<Vec<Edge>> {
    let (lo, hi) = keys::range_at(kind, node);
    let mut edges = Vec::with_capacity(8);
    for r in t.range::<&RawKey>(&lo..=&hi)? {
        let (k, _) = r?;
        let key = keys::decode_in(k.value()).ok_or_else(|| corrupt_key("in", k.value()))?;
        let edge = if let Some(out_table) = out_table {
            let ok = keys::out_key(&key);
            let g = out_table.get(&ok)?.ok_or_else(|| StoreError::Corrupt {
                what: format!("edge {key}"),
                reason: "in the in table but not in the out table".to_owned(),
            })?;
            edge_from_out(&ok, g.value())?
        } else {
            Edge::from_parts(key, EdgeAttrs::None).ok_or_else(|| corrupt_key("in", k.value()))?
        };
        edges.push(edge);
    }
    Ok(edges)
}

fn typed<R: Read + ?Sized, T: for<'de> Record<'de>>(src: &R, node: NodeRef) -> Result<Option<T>> {
    let t = src.open(tables::nodes(node.kind))?;
    let g = t.get(node.id)?;
    g.map(|g| decode(g.value(), &|| format!("{node} record")))
        .transpose()
}

/// The next id of each node kind (by code), as the counters record it: every stored
/// node's id is below it. For the snapshot's load, which sizes its arrays by ids and
/// refuses an id at or above it as damage.
pub(crate) fn next_ids<R: Read + ?Sized>(src: &R) -> Result<[u32; NodeKind::COUNT]> {
    Ok(src.counters()?.next_id)
}

// The steps of `Read::scan`, crate-internal: the snapshot's load runs them itself, several
// edge kinds at once, and nothing else needs them.

/// The first half of [`scan`](Read::scan): calls [`Visit::begin`] with the counts,
/// then [`Visit::node`] for every node. Returns the id map that
/// [`scan_edges`] of the same transaction needs.
pub(crate) fn scan_nodes<R: Read + ?Sized>(src: &R, visitor: &mut impl Visit) -> Result<IdMap> {
    contained(src, "the node records", || {
        // Capacity hints, each the smaller of the stored count and the table's own
        // length: a damaged number alone cannot ask for an absurd allocation.
        let counters = src.counters()?;
        let hint = |n: u64, len: u64| usize::try_from(n.min(len)).unwrap_or(0);
        let mut node_hints = [0; NodeKind::COUNT];
        for kind in NodeKind::ALL {
            let k = usize::from(kind.code());
            node_hints[k] = hint(counters.nodes[k], src.open(tables::nodes(kind))?.len()?);
        }
        let edges = src.open(OUT)?.len()?;
        let edge_hints = counters.edges.map(|n| hint(n, edges));
        callback(|| visitor.begin(node_hints, edge_hints));
        let mut ids: [Vec<u32>; NodeKind::COUNT] = Default::default();
        for kind in NodeKind::ALL {
            let k = usize::from(kind.code());
            let t = src.open(tables::nodes(kind))?;
            ids[k].reserve(node_hints[k]);
            for r in t.iter()? {
                let (key, v) = r?;
                let id = key.value();
                ids[k].push(id);
                let view = decode_view(NodeRef::new(kind, id), v.value())?;
                callback(|| visitor.node(view));
            }
        }
        Ok(IdMap::from_store_ids(ids))
    })
}

/// The edges of `kind` in key order, with network ids from `map` (the result of
/// [`scan_nodes`] on the same transaction), to [`Visit::edge`]:
/// one range scan. Returns how many there were. Independent kinds can be scanned at
/// once from several threads.
pub(crate) fn scan_edges<R: Read + ?Sized>(
    src: &R,
    kind: EdgeKind,
    map: &IdMap,
    visitor: &mut impl Visit,
) -> Result<u64> {
    contained(src, "the edge tables", || {
        let t = src.open(OUT)?;
        let (lo, _) = keys::range_of(kind);
        let mut n = 0;
        // An open-ended range, left at the first key of another kind: cheaper than a
        // bounded range, which compares every key with its end.
        for r in t.range::<&RawKey>(&lo..)? {
            let (k, v) = r?;
            let raw = k.value();
            if raw[0] != kind.code() {
                break;
            }
            let key = keys::decode_out(raw).ok_or_else(|| corrupt_key("out", raw))?;
            let attrs = super::internal::plain::edge_attrs(v.value(), &|| format!("edge {key}"))?;
            let dangling = |end| StoreError::Corrupt {
                what: format!("edge {key}"),
                reason: format!("its end {end} has no record"),
            };
            let from = map
                .network_ref(key.from)
                .ok_or_else(|| dangling(key.from))?;
            let to = map.network_ref(key.to).ok_or_else(|| dangling(key.to))?;
            let mapped = crate::model::EdgeKey {
                kind: key.kind,
                from,
                to,
            };
            let edge = Edge::from_parts(mapped, attrs).ok_or_else(|| bad_attrs(&key))?;
            callback(|| visitor.edge(edge));
            n += 1;
        }
        Ok(n)
    })
}

/// After [`scan_edges`] of every kind: an error unless they saw
/// every entry of the out table (`seen`), i.e. unless no entry has an invalid kind.
pub(crate) fn check_edge_total<R: Read + ?Sized>(src: &R, seen: u64) -> Result<()> {
    contained(src, "the edge tables", || {
        let total = src.open(OUT)?.len()?;
        if total == seen {
            Ok(())
        } else {
            Err(StoreError::Corrupt {
                what: "edge table".to_owned(),
                reason: format!(
                    "{} of its {total} entries are of no edge kind",
                    total.saturating_sub(seen)
                ),
            })
        }
    })
}

/// The last part of [`scan`](Read::scan): every interaction in id order, with network
/// ids from `map` (the result of [`scan_nodes`] on the same
/// transaction), to [`Visit::interaction`]: one pass over the interaction table.
/// Returns how many there were. An interaction whose employee, person or project has
/// no record is [`StoreError::Corrupt`].
pub(crate) fn scan_interactions<R: Read + ?Sized>(
    src: &R,
    map: &IdMap,
    visitor: &mut impl Visit,
) -> Result<u64> {
    contained(src, "the interaction tables", || {
        let Some(table) = src.open_optional(tables::INTERACTIONS)? else {
            return Ok(0);
        };
        let mut n = 0;
        for r in table.iter()? {
            let (k, v) = r?;
            let id = InteractionId(k.value());
            let i = interaction::decode_record(v.value(), id)?;
            visit_interaction(map, visitor, id, &i)?;
            n += 1;
        }
        Ok(n)
    })
}

/// Every interaction (with the ids of `map`, as in a read transaction), to
/// [`Visit::interaction`], in person order — by person store id, then date, then id:
/// one pass over the person index, whose entries hold the records. A snapshot's load
/// reads them this way so that it only has to order each person's few interactions,
/// not all of them. Returns how many there were (the caller compares it with the
/// count). An entry whose key is not its record's, or whose employee, person or
/// project has no record, is [`StoreError::Corrupt`].
pub(crate) fn scan_interactions_by_person<R: Read + ?Sized>(
    src: &R,
    map: &IdMap,
    visitor: &mut impl Visit,
) -> Result<u64> {
    contained(src, "the interaction tables", || {
        let Some(table) = src.open_optional(tables::BY_PERSON)? else {
            return Ok(0);
        };
        let mut n = 0;
        for r in table.iter()? {
            let (k, v) = r?;
            let key = k.value();
            let id = interaction::id_of(key);
            let i = interaction::decode_record(v.value(), id)?;
            if *key != interaction::person_key(i.person, interaction::day_bytes(i.date), id.0) {
                return Err(StoreError::Corrupt {
                    what: format!("person index entry of {id}"),
                    reason: format!("its key {key:02x?} does not match its record"),
                });
            }
            visit_interaction(map, visitor, id, &i)?;
            n += 1;
        }
        Ok(n)
    })
}

/// Gives `visitor` the interaction `i` with its ends in `map`'s ids; an end without a
/// record is [`StoreError::Corrupt`].
fn visit_interaction(
    map: &IdMap,
    visitor: &mut impl Visit,
    id: InteractionId,
    i: &Interaction,
) -> Result<()> {
    let mapped = map_interaction(map, i).map_err(|end| StoreError::Corrupt {
        what: format!("{id}"),
        reason: format!("its {end} has no record"),
    })?;
    callback(|| visitor.interaction(id, &mapped));
    Ok(())
}

/// The id map [`scan_nodes`] will return if no node was ever
/// removed (store ids are then `0..count` for each kind), or `None` if the counters
/// show a removal. A guess from the counters alone, for starting
/// [`scan_edges`] before the nodes are scanned; compare it with
/// the map `scan_nodes` returns before trusting what it gave.
pub(crate) fn dense_ids<R: Read + ?Sized>(src: &R) -> Result<Option<IdMap>> {
    contained(src, "the counters", || {
        let c = src.verified_counters()?;
        let dense = (0..NodeKind::COUNT).all(|k| c.nodes[k] == u64::from(c.next_id[k]));
        Ok(dense.then(|| IdMap::from_store_ids(c.next_id.map(|n| (0..n).collect()))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_and_dense_id_maps_answer_alike() {
        // Dense: a few holes. Sparse: one id far beyond the number of nodes.
        // Identity: no hole at all.
        for ids in [
            vec![0, 1, 3, 4, 9],
            vec![2, 7, 4_000_000_000, 11],
            vec![0, 1, 2, 3],
            vec![1, 2, 3],
            vec![0, 2, 1],
        ] {
            let map = IdMap::from_store_ids([ids.clone(), Vec::new(), Vec::new(), Vec::new()]);
            let shape = match map.positions[0] {
                Positions::Identity(n) => format!("identity {n}"),
                Positions::Dense(_) => "dense".to_owned(),
                Positions::Sparse(_) => "sparse".to_owned(),
            };
            let expected = match ids.len() {
                5 | 3 => "dense",
                4 if ids[2] == 2 => "identity 4",
                _ => "sparse",
            };
            assert_eq!(shape, expected, "{ids:?}");
            let beyond = NodeRef::new(NodeKind::Account, ids.len() as u32);
            if !ids.contains(&beyond.id) {
                assert_eq!(map.network_ref(beyond), None);
            }
            assert_eq!(map.store_ref(beyond), None);
            for (pos, id) in ids.iter().enumerate() {
                let store = NodeRef::new(NodeKind::Account, *id);
                let network = NodeRef::new(NodeKind::Account, pos as u32);
                assert_eq!(map.network_ref(store), Some(network));
                assert_eq!(map.store_ref(network), Some(store));
            }
            for missing in [5, 8, 12, 3_999_999_999, u32::MAX - 1] {
                assert_eq!(
                    map.network_ref(NodeRef::new(NodeKind::Account, missing)),
                    None
                );
            }
            assert_eq!(map.network_ref(NodeRef::new(NodeKind::Person, 0)), None);
        }
    }
}
