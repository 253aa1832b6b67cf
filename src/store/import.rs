//! The bulk import: a whole [`Network`] written in one pass.
//!
//! [`WriteTxn::import_network`] is what loads a CSV export or a generated network, so it
//! is built for volume rather than for one change at a time: the network is validated
//! once up front (a quick pass, and the full report only when that finds something), the
//! tables are opened once, edge keys are sorted before they are inserted so that the
//! B-trees fill in order, node existence is known from the upserts and not looked up
//! again, and the encode buffers are reused. It shares the single-change write path's
//! node upsert and change-log append (in `transaction.rs`), so both write identical
//! records and log entries.

use super::error::{Result, StoreError};
use super::interaction::{self, InteractionId};
use super::internal::codec::{decode, encode_into};
use super::internal::keys::{self, RawKey};
use super::internal::records::{bad_attrs, corrupt_key};
use super::internal::tables::{self, IN, LOG, OUT};
use super::log::{Before, ChangeRef, NodeView};
use super::read::IdMap;
use super::transaction::{edge_label, log_entry, upsert_core, Bulk, How, Outcome, State, WriteTxn};
use crate::model::{
    AccountKind, Edge, EdgeAttrs, EdgeKey, EdgeKind, EmployeeId, Employment, Interaction, Network,
    NodeKind, NodeRef, PersonId, ProjectId,
};
use redb::{CursorError, CursorMut, Key, ReadableTable, ReadableTableMetadata, Table, Value};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::ops::Bound;

/// What [`WriteTxn::import_network`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Nodes that were new.
    pub nodes_added: u64,
    /// Existing nodes (same external id) whose record changed.
    pub nodes_updated: u64,
    /// Existing nodes whose record was already identical.
    pub nodes_unchanged: u64,
    /// Edges that were new.
    pub edges_added: u64,
    /// Existing edges whose attributes changed.
    pub edges_replaced: u64,
    /// Existing edges whose attributes were already identical.
    pub edges_unchanged: u64,
    /// Interactions that were new.
    pub interactions_added: u64,
    /// Interactions of the network that the database already held (an identical record
    /// not matched by another of the network's): importing a network twice records its
    /// interactions once.
    pub interactions_unchanged: u64,
    /// The store id of every network node.
    pub ids: IdMap,
}

impl WriteTxn {
    /// Imports a whole network: validates it ([`Network::validate`], every violation
    /// reported in [`StoreError::Network`]), upserts its nodes by external id and puts its
    /// edges (new ones added, existing ones' attributes replaced), mapping network ids to
    /// store ids, and records its interactions. Each changed node and edge, and each new
    /// interaction, is logged.
    ///
    /// Interactions have no identity of their own but their record — two identical rows
    /// are two meetings — so they are matched as a multiset: the network's interactions
    /// that the database already holds (as many identical records as the network has) are
    /// kept, and the others are added, in the network's order. So importing the same
    /// network again adds nothing, and a network holding new interactions besides old
    /// ones adds the new ones.
    ///
    /// Built for bulk loads: the tables are opened once, edge keys are sorted before they
    /// are inserted (so the B-trees fill in order), node existence is known from the
    /// upserts and not looked up again, and encode buffers are reused.
    pub fn import_network(&mut self, net: &Network) -> Result<ImportSummary> {
        self.guarded(|w| import_core(&w.txn, &mut w.state, net))
    }
}

/// The bulk import.
fn import_core(
    txn: &redb::WriteTransaction,
    st: &mut State,
    net: &Network,
) -> Result<ImportSummary> {
    if !quick_valid(net) {
        net.validate().map_err(StoreError::Network)?;
    }
    let mut summary = ImportSummary::default();
    let map = import_nodes(txn, st, net, &mut summary)?;
    let new = new_interactions(txn, st, net, &map, &mut summary)?;
    // The edges' tables and the interactions' are apart: they are written side by side
    // (the storage engine lets one transaction's tables be written from several threads).
    // The log, which both feed, is written by the edges' side, then by the interactions'.
    let (edges, interactions) = rayon::join(
        || import_edges(txn, st, net, &map, &mut summary),
        || write_interactions(txn, &new),
    );
    edges?;
    interactions?;
    log_interactions(txn, st, &new)?;
    summary.ids = map;
    Ok(summary)
}

/// The rules of [`Network::validate`] except duplicate edges, a second `of` and overlapping
/// employment periods, which [`import_edges`] detects for free after sorting. Cheaper than the full check (no hash
/// set of a million edge keys); when it fails, the full check produces the report.
fn quick_valid(net: &Network) -> bool {
    use rayon::prelude::*;
    // Three independent checks, side by side on the thread pool.
    let nodes_valid = || {
        NodeKind::ALL.par_iter().all(|&kind| {
            let mut xids = Vec::with_capacity(net.count(kind));
            for i in 0..net.count(kind) {
                match net.view(NodeRef::new(kind, i as u32)) {
                    Some(view) if view.validate().is_ok() => xids.push(view.xid()),
                    _ => return false,
                }
            }
            xids.par_sort_unstable();
            !xids.windows(2).any(|w| w[0] == w[1])
        })
    };
    let edges_valid = || {
        net.edges.par_iter().all(|e| {
            let key = e.key();
            e.validate().is_ok()
                && net.contains(key.from)
                && net.contains(key.to)
                && (!key.kind.starts_at_competitor()
                    || net.accounts[key.from.id as usize].kind == AccountKind::Competitor)
        })
    };
    let interactions_valid = || {
        net.interactions.par_iter().all(|i| {
            net.contains(i.employee.into())
                && net.contains(i.person.into())
                && i.project.is_none_or(|x| net.contains(x.into()))
        })
    };
    let (nodes, (edges, interactions)) =
        rayon::join(nodes_valid, || rayon::join(edges_valid, interactions_valid));
    nodes && edges && interactions
}

/// The network's interactions that the database does not hold yet (see
/// [`WriteTxn::import_network`]), with their ends in store ids, in id order, and their
/// records' bytes end to end.
#[derive(Default)]
struct NewInteractions {
    added: Vec<(InteractionId, Interaction)>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl NewInteractions {
    /// The record bytes of the `n`th.
    fn record(&self, n: usize) -> &[u8] {
        &self.bytes[n.checked_sub(1).map_or(0, |m| self.ends[m])..self.ends[n]]
    }
}

/// Finds the network's interactions that the database does not hold yet, maps their ends
/// by `map`, and gives them ids (counted in `st`).
fn new_interactions(
    txn: &redb::WriteTransaction,
    st: &mut State,
    net: &Network,
    map: &IdMap,
    summary: &mut ImportSummary,
) -> Result<NewInteractions> {
    let mut new = NewInteractions::default();
    if net.interactions.is_empty() {
        return Ok(new);
    }
    let store = |n: NodeRef| {
        map.store_ref(n)
            .ok_or_else(|| StoreError::UnknownNode(net.label(n)))
    };
    // What the database holds already, as a multiset.
    let mut held: HashMap<Interaction, u64> = HashMap::new();
    if st.counters.interactions > 0 {
        let records = txn.open_table(tables::INTERACTIONS)?;
        for r in records.iter()? {
            let (k, v) = r?;
            let i = interaction::decode_record(v.value(), InteractionId(k.value()))?;
            *held.entry(i).or_default() += 1;
        }
    }
    new.added.reserve(net.interactions.len());
    new.ends.reserve(net.interactions.len());
    for i in &net.interactions {
        let mapped = Interaction {
            employee: EmployeeId(store(i.employee.into())?.id),
            person: PersonId(store(i.person.into())?.id),
            project: match i.project {
                Some(x) => Some(ProjectId(store(x.into())?.id)),
                None => None,
            },
            ..*i
        };
        if let Some(n) = held.get_mut(&mapped).filter(|n| **n > 0) {
            *n -= 1;
            summary.interactions_unchanged += 1;
            continue;
        }
        let id = InteractionId(st.counters.next_interaction);
        st.counters.next_interaction = id.0.checked_add(1).ok_or_else(|| StoreError::Corrupt {
            what: "meta entry \"next_id.interaction\"".to_owned(),
            reason: "it is at its largest value".to_owned(),
        })?;
        encode_into(&mapped, &mut st.buf, &|| format!("{id} record"))?;
        new.bytes.extend_from_slice(&st.buf);
        new.ends.push(new.bytes.len());
        new.added.push((id, mapped));
    }
    summary.interactions_added = new.added.len() as u64;
    st.counters.interactions += new.added.len() as u64;
    Ok(new)
}

/// Writes the new interactions into the record table and its indexes, each filled in key
/// order. Touches no other table, so it runs beside the edges' writes.
fn write_interactions(txn: &redb::WriteTransaction, new: &NewInteractions) -> Result<()> {
    let added = &new.added;
    if added.is_empty() {
        return Ok(());
    }
    // Each index is sorted first, on its key packed into an integer with the position in
    // `added` in the low bits (positions are in id order, as the keys' last part is).
    let positions = u32::try_from(added.len()).map_err(|_| StoreError::Corrupt {
        what: "the interactions of the network".to_owned(),
        reason: "there are more than 2^32 of them".to_owned(),
    })?;
    let day = |i: &Interaction| u128::from(u32::from_be_bytes(interaction::day_bytes(i.date)));
    let low = |packed: u128| (packed & 0xffff_ffff) as usize;
    let keys = |n: usize| interaction::IndexKeys::of(added[n].0, &added[n].1);
    // One index table, its entries in the order of `packed`'s sorted values.
    let index = |packed: &(dyn Fn(u32, &Interaction) -> u128 + Sync),
                 write: &(dyn Fn(&[u128]) -> Result<()> + Sync)| {
        let mut order: Vec<u128> = (0..positions)
            .zip(added)
            .map(|(n, (_, i))| packed(n, i))
            .collect();
        order.sort_unstable();
        write(&order)
    };
    // The record table and the four indexes are apart: written side by side (the
    // storage engine lets one transaction's tables be written from several threads).
    let records = || -> Result<()> {
        let mut table = txn.open_table(tables::INTERACTIONS)?;
        // Ids are increasing: the record table fills in order.
        let mut sink = Sink::open(&mut table, added.first().map(|a| a.0 .0))?;
        for (n, (id, _)) in added.iter().enumerate() {
            sink.put(id.0, new.record(n))?;
        }
        sink.close()?;
        let mut table = txn.open_table(tables::BY_PROJECT)?;
        let mut projects: Vec<[u8; 12]> =
            (0..added.len()).filter_map(|n| keys(n).project).collect();
        projects.sort_unstable();
        let mut sink = Sink::open(&mut table, projects.first())?;
        for k in &projects {
            sink.put(k, ())?;
        }
        sink.close()
    };
    let pair = || {
        index(
            &|n, i| {
                u128::from(i.employee.0) << 96
                    | u128::from(i.person.0) << 64
                    | day(i) << 32
                    | u128::from(n)
            },
            &|order| {
                let mut table = txn.open_table(tables::BY_PAIR)?;
                let first = order.first().map(|&k| keys(low(k)).pair);
                let mut sink = Sink::open(&mut table, first.as_ref())?;
                for &k in order {
                    sink.put(&keys(low(k)).pair, new.record(low(k)))?;
                }
                sink.close()
            },
        )
    };
    let person = || {
        index(
            &|n, i| u128::from(i.person.0) << 64 | day(i) << 32 | u128::from(n),
            &|order| {
                let mut table = txn.open_table(tables::BY_PERSON)?;
                let first = order.first().map(|&k| keys(low(k)).person);
                let mut sink = Sink::open(&mut table, first.as_ref())?;
                for &k in order {
                    sink.put(&keys(low(k)).person, new.record(low(k)))?;
                }
                sink.close()
            },
        )
    };
    let date = || {
        index(&|n, i| day(i) << 32 | u128::from(n), &|order| {
            let mut table = txn.open_table(tables::BY_DATE)?;
            let first = order.first().map(|&k| keys(low(k)).date);
            let mut sink = Sink::open(&mut table, first.as_ref())?;
            for &k in order {
                sink.put(&keys(low(k)).date, new.record(low(k)))?;
            }
            sink.close()
        })
    };
    let ((records, pair), (person, date)) =
        rayon::join(|| rayon::join(records, pair), || rayon::join(person, date));
    records.and(pair).and(person).and(date)
}

/// Logs the new interactions, after every other change of the import.
fn log_interactions(
    txn: &redb::WriteTransaction,
    st: &mut State,
    new: &NewInteractions,
) -> Result<()> {
    if new.added.is_empty() {
        return Ok(());
    }
    let mut log = txn.open_table(LOG)?;
    let mut sink = Sink::open(&mut log, Some(st.counters.next_seq))?;
    for (id, i) in &new.added {
        let (seq, bytes) = log_entry(
            st,
            &ChangeRef::PutInteraction {
                id: *id,
                interaction: i,
                before: Before::Absent,
            },
        )?;
        sink.put(seq, bytes)?;
    }
    sink.close()
}

/// Where a run of entries in strictly increasing key order goes. When the table is
/// empty or its last key sorts before the run's first, through a cursor at the end of
/// the table: the storage engine buffers the entries and packs them into full leaves,
/// without a descent of the tree per entry. Otherwise one insert each (replacing an entry
/// with the same key, as an insert does).
enum Sink<'a, 't, K: Key + 'static, V: Value + 'static> {
    Append(Box<CursorMut<'a, K, V>>, String),
    Insert(&'a mut Table<'t, K, V>),
}

impl<'a, 't, K: Key + 'static, V: Value + 'static> Sink<'a, 't, K, V> {
    /// A sink into `table` for a run whose first key is `first` (`None`: an empty run).
    fn open<'k>(
        table: &'a mut Table<'t, K, V>,
        first: Option<impl Borrow<K::SelfType<'k>>>,
    ) -> Result<Self> {
        let after_last = match table.last()? {
            None => true,
            Some((last, _)) => first.is_some_and(|first| {
                let first = K::as_bytes(first.borrow());
                K::compare(K::as_bytes(&last.value()).as_ref(), first.as_ref()).is_lt()
            }),
        };
        if after_last {
            let name = redb::TableHandle::name(&*table).to_owned();
            let cursor = table.upper_bound_mut(Bound::<K::SelfType<'k>>::Unbounded)?;
            Ok(Sink::Append(Box::new(cursor), name))
        } else {
            Ok(Sink::Insert(table))
        }
    }

    /// Writes one entry; its key must sort after the previous one's.
    fn put<'k, 'v>(
        &mut self,
        key: impl Borrow<K::SelfType<'k>>,
        value: impl Borrow<V::SelfType<'v>>,
    ) -> Result<()> {
        match self {
            Sink::Append(cursor, name) => cursor.insert_before(key, value).map_err(|e| match e {
                CursorError::UnorderedKey => StoreError::Corrupt {
                    what: format!("table {name}"),
                    reason: "an entry of the import is out of key order".to_owned(),
                },
                CursorError::Storage(e) => e.into(),
                e => redb::StorageError::Backend(e.to_string().into()).into(),
            }),
            Sink::Insert(table) => {
                table.insert(key, value)?;
                Ok(())
            }
        }
    }

    /// Writes what the cursor still buffers.
    fn close(self) -> Result<()> {
        if let Sink::Append(cursor, _) = self {
            cursor.close()?;
        }
        Ok(())
    }
}

/// Upserts every node of the network; returns the network → store id map.
fn import_nodes(
    txn: &redb::WriteTransaction,
    st: &mut State,
    net: &Network,
    summary: &mut ImportSummary,
) -> Result<IdMap> {
    let mut ids: [Vec<u32>; NodeKind::COUNT] = Default::default();
    // Nodes, one kind at a time with its two tables open.
    for kind in NodeKind::ALL {
        let k = usize::from(kind.code());
        let mut nodes = txn.open_table(tables::nodes(kind))?;
        let mut xids = txn.open_table(tables::xids(kind))?;
        let mut log = txn.open_table(LOG)?;
        ids[k].reserve(net.count(kind));
        let mut bulk = Bulk {
            fresh: st.counters.nodes[k] == 0,
            pending: Vec::with_capacity(net.count(kind)),
            logs: Vec::with_capacity(net.count(kind)),
        };
        let mut one = |view| -> Result<()> {
            let (node, outcome) = upsert_core(
                txn,
                st,
                &mut nodes,
                &mut xids,
                &mut log,
                view,
                How::Bulk(&mut bulk),
            )?;
            ids[k].push(node.id);
            match outcome {
                Outcome::Added => summary.nodes_added += 1,
                Outcome::Updated(_) => summary.nodes_updated += 1,
                Outcome::Unchanged => summary.nodes_unchanged += 1,
            }
            Ok(())
        };
        match kind {
            NodeKind::Account => net
                .accounts
                .iter()
                .try_for_each(|n| one(NodeView::Account(n)))?,
            NodeKind::Person => net
                .persons
                .iter()
                .try_for_each(|n| one(NodeView::Person(n)))?,
            NodeKind::Employee => net
                .employees
                .iter()
                .try_for_each(|n| one(NodeView::Employee(n)))?,
            NodeKind::Project => net
                .projects
                .iter()
                .try_for_each(|n| one(NodeView::Project(n)))?,
        }
        bulk.pending.sort_unstable();
        let mut sink = Sink::open(&mut xids, bulk.pending.first().map(|p| p.0))?;
        for (xid, id) in bulk.pending {
            sink.put(xid, id)?;
        }
        sink.close()?;
        let mut sink = Sink::open(&mut log, Some(st.counters.next_seq))?;
        for (node, record, before) in bulk.logs {
            let (seq, bytes) = log_entry(
                st,
                &ChangeRef::UpsertNode {
                    node,
                    record,
                    before: Before::from_option(before.as_ref().map(NodeView::of)),
                },
            )?;
            sink.put(seq, bytes)?;
        }
        sink.close()?;
    }
    Ok(IdMap::from_store_ids(ids))
}

/// Puts every edge of the network, its ends mapped by `map`.
#[allow(clippy::too_many_lines)] // the out table, the log, the in table, in that order
fn import_edges(
    txn: &redb::WriteTransaction,
    st: &mut State,
    net: &Network,
    map: &IdMap,
    summary: &mut ImportSummary,
) -> Result<()> {
    const UNCHANGED: u8 = 0;
    const ADDED: u8 = 1;
    const REPLACED: u8 = 2;
    let entries = sorted_keys(net, map)?;
    let edge_at = |k: &RawKey, i: u32| -> Result<Edge> {
        let key = keys::decode_out(k).ok_or_else(|| corrupt_key("out", k))?;
        Edge::from_parts(key, net.edges[i as usize].attrs()).ok_or_else(|| bad_attrs(&key))
    };
    // The network is valid, every end was just upserted, and upserts kept account kinds
    // as the network has them, so only the rules that involve edges already in the store
    // remain to check: a second `of`, and works_at periods overlapping stored ones
    // (checked once all are written, so that a replaced period counts as replaced).
    let had_edges = st.counters.edges.map(|n| n > 0);
    let check_single = |code: u8| {
        EdgeKind::from_code(code).is_some_and(EdgeKind::one_per_source)
            && had_edges[usize::from(code)]
    };
    let check_periods = st.counters.edges[usize::from(EdgeKind::WorksAt.code())] > 0;
    let mut employed: Vec<NodeRef> = Vec::new();
    // The out table, in key order; then the log; then the in table. One table at a time
    // keeps each B-tree's working set hot.
    let mut status = vec![UNCHANGED; entries.len()];
    // The attributes each replaced edge had, in the order of `entries`.
    let mut replaced: Vec<Vec<u8>> = Vec::new();
    {
        let mut out = txn.open_table(OUT)?;
        if out.is_empty()? {
            // A fresh table: every edge is new, and no stored edge can clash with one.
            put_new_edges(&mut out, st, net, &entries, summary)?;
            status.fill(ADDED);
        }
        for ((k, i), status) in entries
            .iter()
            .zip(&mut status)
            .filter(|(_, s)| **s != ADDED)
        {
            let edge = &net.edges[*i as usize];
            let code = k[0];
            if check_single(code) {
                second_edge(txn, &out, edge_at(k, *i)?.key())?;
            }
            if check_periods && code == EdgeKind::WorksAt.code() {
                let from = edge_at(k, *i)?.key().from;
                if employed.last() != Some(&from) {
                    employed.push(from);
                }
            }
            encode_into(&edge.attrs(), &mut st.buf, &|| {
                format!("edge {}", edge.key())
            })?;
            let old = out.insert(k, st.buf.as_slice())?.map(|g| {
                let v = g.value();
                (v != st.buf.as_slice()).then(|| v.to_vec())
            });
            *status = match old {
                None => {
                    summary.edges_added += 1;
                    st.counters.edges[usize::from(code)] += 1;
                    ADDED
                }
                Some(None) => {
                    summary.edges_unchanged += 1;
                    UNCHANGED
                }
                Some(Some(old)) => {
                    summary.edges_replaced += 1;
                    replaced.push(old);
                    REPLACED
                }
            };
        }
        for person in employed {
            overlapping_periods(txn, &out, person)?;
        }
    }
    {
        let mut log = txn.open_table(LOG)?;
        let mut sink = Sink::open(&mut log, Some(st.counters.next_seq))?;
        let mut replaced = replaced.iter();
        for ((k, i), status) in entries.iter().zip(&status) {
            if *status == UNCHANGED {
                continue;
            }
            let edge = edge_at(k, *i)?;
            let before: Option<EdgeAttrs> = if *status == REPLACED {
                let bytes = replaced.next().map_or(&[][..], Vec::as_slice);
                Some(decode(bytes, &|| format!("edge {}", edge.key()))?)
            } else {
                None
            };
            let (seq, bytes) = log_entry(
                st,
                &ChangeRef::PutEdge {
                    edge: &edge,
                    before: Before::from_option(before.as_ref()),
                },
            )?;
            sink.put(seq, bytes)?;
        }
        sink.close()?;
    }
    // The in table: the mirrored keys of the new edges.
    put_in_keys(
        txn,
        entries
            .iter()
            .zip(&status)
            .filter(|(_, s)| **s == ADDED)
            .map(|((k, _), _)| k),
    )
}

/// Writes the in-table keys of the out-table keys `out`, sorted.
fn put_in_keys<'k>(
    txn: &redb::WriteTransaction,
    out: impl Iterator<Item = &'k RawKey>,
) -> Result<()> {
    // An edge key packed into an integer: code (8 bits), then two packed node references
    // (40 bits each), so that integer order is key order.
    let mut added: Vec<u128> = out
        .filter_map(keys::decode_out)
        .map(|k| {
            u128::from(k.kind.code()) << 80
                | u128::from(k.to.pack()) << 40
                | u128::from(k.from.pack())
        })
        .collect();
    added.sort_unstable();
    let raw = |k: u128| {
        let mask = (1u128 << 40) - 1;
        keys::raw(
            (k >> 80) as u8,
            ((k >> 40) & mask) as u64,
            (k & mask) as u64,
        )
    };
    let mut inn = txn.open_table(IN)?;
    let first = added.first().map(|&k| raw(k));
    let mut sink = Sink::open(&mut inn, first.as_ref())?;
    for k in added {
        sink.put(&raw(k), ())?;
    }
    sink.close()
}

/// Writes `entries` (sorted, none in the table yet) into the out table, counting them as
/// added.
fn put_new_edges(
    out: &mut Table<'_, &'static RawKey, &'static [u8]>,
    st: &mut State,
    net: &Network,
    entries: &[(RawKey, u32)],
    summary: &mut ImportSummary,
) -> Result<()> {
    let mut sink = Sink::open(out, entries.first().map(|(k, _)| k))?;
    for (k, i) in entries {
        let edge = &net.edges[*i as usize];
        encode_into(&edge.attrs(), &mut st.buf, &|| {
            format!("edge {}", edge.key())
        })?;
        sink.put(k, st.buf.as_slice())?;
        summary.edges_added += 1;
        st.counters.edges[usize::from(k[0])] += 1;
    }
    sink.close()
}

/// Refuses the `works_at` periods of `person` if two of them overlap.
fn overlapping_periods(
    txn: &redb::WriteTransaction,
    out: &Table<'_, &'static RawKey, &'static [u8]>,
    person: NodeRef,
) -> Result<()> {
    let (lo, hi) = keys::range_at(EdgeKind::WorksAt, person);
    let mut edges = Vec::new();
    for r in out.range::<&RawKey>(&lo..=&hi)? {
        let (k, v) = r?;
        edges.push(super::internal::records::edge_from_out(
            k.value(),
            v.value(),
        )?);
    }
    let periods: Vec<&Employment> = edges
        .iter()
        .filter_map(|e| match e {
            Edge::WorksAt { employment, .. } => Some(employment),
            _ => None,
        })
        .collect();
    match Employment::overlapping_pairs(&periods).first() {
        Some(&(a, b)) => Err(StoreError::OverlappingPeriods {
            edge: edge_label(txn, edges[b].key()),
            period: periods[b].clone(),
            existing: edge_label(txn, edges[a].key()),
            existing_period: periods[a].clone(),
        }),
        None => Ok(()),
    }
}

/// Refuses `key` if its start already has an edge of its kind (`of`) to another end.
fn second_edge(
    txn: &redb::WriteTransaction,
    out: &Table<'_, &'static RawKey, &'static [u8]>,
    key: EdgeKey,
) -> Result<()> {
    let (lo, hi) = keys::range_at(key.kind, key.from);
    if let Some(r) = out.range::<&RawKey>(&lo..=&hi)?.next() {
        let (found, _) = r?;
        let existing =
            keys::decode_out(found.value()).ok_or_else(|| corrupt_key("out", found.value()))?;
        if existing != key {
            return Err(StoreError::SecondEdge {
                edge: edge_label(txn, key),
                existing: edge_label(txn, existing),
            });
        }
    }
    Ok(())
}

/// The network's edges as (out key in store ids, index in `net.edges`), sorted by key.
/// Duplicate edges, a second `of` of one project and the `works_at` edges of one person end
/// up adjacent; a clash or an overlap among them is reported through the full network check.
fn sorted_keys(net: &Network, map: &IdMap) -> Result<Vec<(RawKey, u32)>> {
    // Sorting integer triples is several times cheaper than sorting 17-byte arrays.
    let mut order: Vec<(u8, u64, u64, u32)> = Vec::with_capacity(net.edges.len());
    for (i, e) in net.edges.iter().enumerate() {
        let key = e.key();
        let mapped = EdgeKey {
            kind: key.kind,
            from: map
                .store_ref(key.from)
                .ok_or_else(|| StoreError::UnknownNode(net.label(key.from)))?,
            to: map
                .store_ref(key.to)
                .ok_or_else(|| StoreError::UnknownNode(net.label(key.to)))?,
        };
        order.push((
            key.kind.code(),
            mapped.from.pack(),
            mapped.to.pack(),
            i as u32,
        ));
    }
    order.sort_unstable_by_key(|e| (e.0, e.1, e.2));
    let entries: Vec<(RawKey, u32)> = order
        .into_iter()
        .map(|(c, f, t, i)| (keys::raw(c, f, t), i))
        .collect();
    // Duplicates, a second `of` of one project and the works_at edges of one person are
    // now adjacent.
    let single = |code: u8| EdgeKind::from_code(code).is_some_and(EdgeKind::one_per_source);
    let works_at = EdgeKind::WorksAt.code();
    let clash = entries
        .windows(2)
        .any(|w| w[0].0 == w[1].0 || (single(w[0].0[0]) && w[0].0[..9] == w[1].0[..9]));
    let overlap = entries
        .chunk_by(|a, b| a.0[0] == works_at && a.0[..9] == b.0[..9])
        .filter(|group| group.len() > 1)
        .any(|group| {
            let periods: Vec<&Employment> = group
                .iter()
                .filter_map(|(_, i)| match &net.edges[*i as usize] {
                    Edge::WorksAt { employment, .. } => Some(employment),
                    _ => None,
                })
                .collect();
            !Employment::overlapping_pairs(&periods).is_empty()
        });
    if clash || overlap {
        net.validate().map_err(StoreError::Network)?;
    }
    Ok(entries)
}
