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
use super::internal::codec::{decode, Record};
use super::internal::keys::{self, RawKey};
use super::internal::records::{bad_attrs, corrupt_key, decode_node, decode_view, edge_from_out};
use super::internal::source::Source;
use super::internal::tables::{self, Counters, IN, LOG, OUT};
use super::log::{Change, LogEntry, LogRecord};
use crate::model::{
    Account, Edge, EdgeAttrs, EdgeKind, Employee, Network, Node, NodeKind, NodeRef, NodeView,
    Person, Project,
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
}

impl ReadTxn {
    pub(crate) fn new(txn: redb::ReadTransaction) -> ReadTxn {
        ReadTxn {
            txn,
            out: OnceLock::new(),
            inn: OnceLock::new(),
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

    fn counters(&self) -> Result<Counters> {
        let meta = self.txn.open_table(tables::META)?;
        let counts = self.txn.open_table(tables::COUNTS)?;
        Counters::load(&meta, &counts)
    }
}

impl Read for ReadTxn {
    fn edge(&self, key: crate::model::EdgeKey) -> Result<Option<Edge>> {
        get_edge(self.out_table()?, key)
    }

    fn edges_out(&self, node: NodeRef, kind: EdgeKind) -> Result<Vec<Edge>> {
        check_out(node, kind)?;
        scan_out(self.out_table()?, node, kind)
    }

    fn edges_in(&self, node: NodeRef, kind: EdgeKind) -> Result<Vec<Edge>> {
        check_in(node, kind)?;
        let out = if kind.has_attrs() {
            Some(self.out_table()?)
        } else {
            None
        };
        scan_in(self.in_table()?, out, node, kind)
    }
}

/// Maps node ids between a [`Network`] (dense positions) and the store (dense ids with
/// holes where nodes were removed), both ways.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap {
    /// Per node kind: network position → store id.
    store_ids: [Vec<u32>; NodeKind::COUNT],
    /// Per node kind: store id → network position, `u32::MAX` for none.
    positions: [Vec<u32>; NodeKind::COUNT],
}

const NONE: u32 = u32::MAX;

impl IdMap {
    /// Builds the map from the store ids of each kind, listed by network position.
    pub(crate) fn from_store_ids(store_ids: [Vec<u32>; NodeKind::COUNT]) -> IdMap {
        let positions = std::array::from_fn(|k| {
            let ids = &store_ids[k];
            let len = ids.iter().max().map_or(0, |m| *m as usize + 1);
            let mut pos = vec![NONE; len];
            for (i, id) in ids.iter().enumerate() {
                pos[*id as usize] = i as u32;
            }
            pos
        });
        IdMap {
            store_ids,
            positions,
        }
    }

    /// The store node of a network node, if mapped.
    pub fn store_ref(&self, network: NodeRef) -> Option<NodeRef> {
        let k = usize::from(network.kind.code());
        self.store_ids[k]
            .get(network.id as usize)
            .map(|id| NodeRef::new(network.kind, *id))
    }

    /// The network node of a store node, if mapped.
    pub fn network_ref(&self, store: NodeRef) -> Option<NodeRef> {
        let k = usize::from(store.kind.code());
        match self.positions[k].get(store.id as usize) {
            Some(&p) if p != NONE => Some(NodeRef::new(store.kind, p)),
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
/// snapshot's builder.
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
}

/// Reads the database. Implemented by [`ReadTxn`] (a committed snapshot) and by
/// [`WriteTxn`](super::WriteTxn) (which sees its own uncommitted changes).
pub trait Read: Source {
    /// The record of a node, or `None` if it does not exist.
    fn node(&self, node: NodeRef) -> Result<Option<Node>> {
        let t = self.open(tables::nodes(node.kind))?;
        let g = t.get(node.id)?;
        g.map(|g| decode_node(node, g.value())).transpose()
    }

    /// An account's record.
    fn account(&self, id: AccountId) -> Result<Option<Account>> {
        typed(self, id.into())
    }

    /// A person's record.
    fn person(&self, id: PersonId) -> Result<Option<Person>> {
        typed(self, id.into())
    }

    /// An employee's record.
    fn employee(&self, id: EmployeeId) -> Result<Option<Employee>> {
        typed(self, id.into())
    }

    /// A project's record.
    fn project(&self, id: ProjectId) -> Result<Option<Project>> {
        typed(self, id.into())
    }

    /// The node of type `kind` with external id `xid`.
    fn lookup(&self, kind: NodeKind, xid: &str) -> Result<Option<NodeRef>> {
        let t = self.open(tables::xids(kind))?;
        let g = t.get(xid)?;
        Ok(g.map(|g| NodeRef::new(kind, g.value())))
    }

    /// The edge with this key, if it exists.
    fn edge(&self, key: crate::model::EdgeKey) -> Result<Option<Edge>> {
        get_edge(&self.open(OUT)?, key)
    }

    /// Every edge of `kind` out of `node`, by end: one range scan.
    fn edges_out(&self, node: NodeRef, kind: EdgeKind) -> Result<Vec<Edge>> {
        check_out(node, kind)?;
        scan_out(&self.open(OUT)?, node, kind)
    }

    /// Every edge of `kind` into `node`, by start: one range scan of the in table, plus a
    /// lookup of the attributes for the kinds that have some.
    fn edges_in(&self, node: NodeRef, kind: EdgeKind) -> Result<Vec<Edge>> {
        check_in(node, kind)?;
        let out = if kind.has_attrs() {
            Some(self.open(OUT)?)
        } else {
            None
        };
        scan_in(&self.open(IN)?, out.as_ref(), node, kind)
    }

    /// Calls `f` on every edge of `kind`, in key order (by start, then end).
    fn for_each_edge(&self, kind: EdgeKind, mut f: impl FnMut(Edge)) -> Result<()> {
        let t = self.open(OUT)?;
        let (lo, hi) = keys::range_of(kind);
        for r in t.range::<&RawKey>(&lo..=&hi)? {
            let (k, v) = r?;
            f(edge_from_out(k.value(), v.value())?);
        }
        Ok(())
    }

    /// Calls `f` on every node of `kind`, by id.
    fn for_each_node(&self, kind: NodeKind, mut f: impl FnMut(NodeRef, Node)) -> Result<()> {
        let t = self.open(tables::nodes(kind))?;
        for r in t.iter()? {
            let (k, v) = r?;
            let node = NodeRef::new(kind, k.value());
            f(node, decode_node(node, v.value())?);
        }
        Ok(())
    }

    /// Number of nodes of `kind`.
    fn count(&self, kind: NodeKind) -> Result<u64> {
        Ok(self.counters()?.node_count(kind))
    }

    /// Number of edges of `kind`.
    fn edge_count(&self, kind: EdgeKind) -> Result<u64> {
        Ok(self.counters()?.edge_count(kind))
    }

    /// Number of edges of every kind, indexed by kind code: one read of the counters.
    fn edge_counts(&self) -> Result<[u64; EdgeKind::COUNT]> {
        Ok(self.counters()?.edges)
    }

    /// The change log from sequence number `from_seq` on, in order.
    fn log(&self, from_seq: u64) -> Result<Vec<LogEntry>> {
        let t = self.open(LOG)?;
        let mut out = Vec::new();
        for r in t.range(from_seq..)? {
            let (k, v) = r?;
            let seq = k.value();
            let rec: LogRecord<Change> = decode(v.value(), &|| format!("log entry {seq}"))?;
            out.push(LogEntry {
                seq,
                time: rec.time,
                change: rec.change,
            });
        }
        Ok(out)
    }

    /// The whole database as a [`Network`], with store ids remapped to dense positions
    /// (in id order), and the [`IdMap`] between them. Edges come in key order (kind,
    /// start, end). Linear in the size of the database.
    fn network(&self) -> Result<(Network, IdMap)> {
        let mut net = Network::new();
        let ids = self.scan(&mut net)?;
        Ok((net, ids))
    }

    /// Streams the whole network to `visitor` without an intermediate copy: first the
    /// nodes — accounts, persons, employees, projects, each kind in store-id order, so
    /// that the `i`-th node of a kind has network id `i` — then every edge in key order
    /// (type, from, to), with network ids. Returns the map between network and store
    /// ids. Node strings are borrowed from the stored bytes: a visitor copies what it
    /// keeps. [`network`](Read::network) is this scan collecting into a [`Network`];
    /// [`Snapshot::load`](crate::graph::Snapshot::load) builds its arrays from the
    /// same steps ([`scan_nodes`](Read::scan_nodes), then
    /// [`scan_edges`](Read::scan_edges) per kind, several kinds at once).
    ///
    /// A record that does not decode, an edge whose end has no record, or an entry of no
    /// edge kind stops the scan with [`StoreError::Corrupt`]; the visitor then holds a
    /// partial network.
    fn scan(&self, visitor: &mut impl Visit) -> Result<IdMap> {
        let map = self.scan_nodes(visitor)?;
        let mut seen = 0;
        for kind in EdgeKind::ALL {
            seen += self.scan_edges(kind, &map, visitor)?;
        }
        self.check_edge_total(seen)?;
        Ok(map)
    }

    /// The first half of [`scan`](Read::scan): calls [`Visit::begin`] with the counts,
    /// then [`Visit::node`] for every node. Returns the id map that
    /// [`scan_edges`](Read::scan_edges) of the same transaction needs.
    fn scan_nodes(&self, visitor: &mut impl Visit) -> Result<IdMap> {
        let counters = self.counters()?;
        let hint = |n: u64| usize::try_from(n).unwrap_or(0);
        visitor.begin(counters.nodes.map(hint), counters.edges.map(hint));
        let mut ids: [Vec<u32>; NodeKind::COUNT] = Default::default();
        for kind in NodeKind::ALL {
            let k = usize::from(kind.code());
            let t = self.open(tables::nodes(kind))?;
            ids[k].reserve(hint(counters.nodes[k]));
            for r in t.iter()? {
                let (key, v) = r?;
                let id = key.value();
                ids[k].push(id);
                visitor.node(decode_view(NodeRef::new(kind, id), v.value())?);
            }
        }
        Ok(IdMap::from_store_ids(ids))
    }

    /// The edges of `kind` in key order, with network ids from `map` (the result of
    /// [`scan_nodes`](Read::scan_nodes) on the same transaction), to [`Visit::edge`]:
    /// one range scan. Returns how many there were. Independent kinds can be scanned at
    /// once from several threads.
    fn scan_edges(&self, kind: EdgeKind, map: &IdMap, visitor: &mut impl Visit) -> Result<u64> {
        let t = self.open(OUT)?;
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
            let attrs: EdgeAttrs = decode(v.value(), &|| format!("edge {key}"))?;
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
            visitor.edge(Edge::from_parts(mapped, attrs).ok_or_else(|| bad_attrs(&key))?);
            n += 1;
        }
        Ok(n)
    }

    /// The id map [`scan_nodes`](Read::scan_nodes) will return if no node was ever
    /// removed (store ids are then `0..count` for each kind), or `None` if the counters
    /// show a removal. A guess from the counters alone, for starting
    /// [`scan_edges`](Read::scan_edges) before the nodes are scanned; compare it with
    /// the map `scan_nodes` returns before trusting what it gave.
    fn dense_ids(&self) -> Result<Option<IdMap>> {
        let c = self.counters()?;
        let dense = (0..NodeKind::COUNT).all(|k| c.nodes[k] == u64::from(c.next_id[k]));
        Ok(dense.then(|| IdMap::from_store_ids(c.next_id.map(|n| (0..n).collect()))))
    }

    /// After [`scan_edges`](Read::scan_edges) of every kind: an error unless they saw
    /// every entry of the out table (`seen`), i.e. unless no entry has an invalid kind.
    fn check_edge_total(&self, seen: u64) -> Result<()> {
        let total = self.open(OUT)?.len()?;
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
    }

    /// Verifies every invariant of the stored data and lists the violations found.
    fn check(&self) -> Result<CheckReport> {
        check::run(self)
    }
}

type OutTable = redb::ReadOnlyTable<&'static RawKey, &'static [u8]>;
type InTable = redb::ReadOnlyTable<&'static RawKey, ()>;

fn check_out(node: NodeRef, kind: EdgeKind) -> Result<()> {
    if node.kind == kind.from_kind() {
        Ok(())
    } else {
        Err(StoreError::WrongEndType {
            node,
            end: "from",
            kind,
        })
    }
}

fn check_in(node: NodeRef, kind: EdgeKind) -> Result<()> {
    if kind.allows_to(node.kind) {
        Ok(())
    } else {
        Err(StoreError::WrongEndType {
            node,
            end: "to",
            kind,
        })
    }
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
