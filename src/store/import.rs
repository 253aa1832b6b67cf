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
use super::internal::codec::encode_into;
use super::internal::keys::{self, RawKey};
use super::internal::records::corrupt_key;
use super::internal::tables::{self, IN, LOG, OUT};
use super::log::{ChangeRef, NodeView};
use super::read::IdMap;
use super::transaction::{append, upsert_core, Bulk, Outcome, State, WriteTxn};
use crate::model::{AccountKind, Edge, EdgeKey, EdgeKind, Employment, Network, NodeKind, NodeRef};
use redb::{ReadableTable, Table};

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
    /// The store id of every network node.
    pub ids: IdMap,
}

impl WriteTxn {
    /// Imports a whole network: validates it ([`Network::validate`], every violation
    /// reported in [`StoreError::Network`]), upserts its nodes by external id and puts its
    /// edges (new ones added, existing ones' attributes replaced), mapping network ids to
    /// store ids. Each changed node and edge is logged as an upsert or put.
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
    import_edges(txn, st, net, &map, &mut summary)?;
    summary.ids = map;
    Ok(summary)
}

/// The rules of [`Network::validate`] except duplicate edges and second `works_at`/`of`, which
/// [`import_edges`] detects for free after sorting. Cheaper than the full check (no hash
/// set of a million edge keys); when it fails, the full check produces the report.
fn quick_valid(net: &Network) -> bool {
    for kind in NodeKind::ALL {
        let mut xids: Vec<&str> = (0..net.count(kind))
            .filter_map(|i| net.xid(NodeRef::new(kind, i as u32)))
            .collect();
        xids.sort_unstable();
        if xids.first().is_some_and(|x| x.is_empty()) || xids.windows(2).any(|w| w[0] == w[1]) {
            return false;
        }
    }
    net.edges.iter().all(|e| {
        let key = e.key();
        e.validate().is_ok()
            && net.contains(key.from)
            && net.contains(key.to)
            && (!key.kind.starts_at_competitor()
                || net.accounts[key.from.id as usize].kind == AccountKind::Competitor)
    })
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
                Some(&mut bulk),
            )?;
            ids[k].push(node.id);
            match outcome {
                Outcome::Added => summary.nodes_added += 1,
                Outcome::Updated => summary.nodes_updated += 1,
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
        for (xid, id) in bulk.pending {
            xids.insert(xid, id)?;
        }
        for (node, record) in bulk.logs {
            append(st, &mut log, &ChangeRef::UpsertNode { node, record })?;
        }
    }
    Ok(IdMap::from_store_ids(ids))
}

/// Puts every edge of the network, its ends mapped by `map`.
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
        Edge::from_parts(key, net.edges[i as usize].attrs())
            .ok_or(StoreError::UnknownNode(key.from))
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
    {
        let mut out = txn.open_table(OUT)?;
        for ((k, i), status) in entries.iter().zip(&mut status) {
            let edge = &net.edges[*i as usize];
            let code = k[0];
            if check_single(code) {
                second_edge(&out, edge_at(k, *i)?.key())?;
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
            let old = out
                .insert(k, st.buf.as_slice())?
                .map(|g| g.value() == st.buf.as_slice());
            *status = match old {
                None => {
                    summary.edges_added += 1;
                    st.counters.edges[usize::from(code)] += 1;
                    ADDED
                }
                Some(true) => {
                    summary.edges_unchanged += 1;
                    UNCHANGED
                }
                Some(false) => {
                    summary.edges_replaced += 1;
                    REPLACED
                }
            };
        }
        for person in employed {
            overlapping_periods(&out, person)?;
        }
    }
    {
        let mut log = txn.open_table(LOG)?;
        for ((k, i), status) in entries.iter().zip(&status) {
            if *status != UNCHANGED {
                append(st, &mut log, &ChangeRef::PutEdge(&edge_at(k, *i)?))?;
            }
        }
    }
    // The in table: the mirrored keys of the new edges, sorted.
    let mut added: Vec<(u8, u64, u64)> = entries
        .iter()
        .zip(&status)
        .filter(|(_, s)| **s == ADDED)
        .filter_map(|((k, _), _)| keys::decode_out(k))
        .map(|k| (k.kind.code(), k.to.pack(), k.from.pack()))
        .collect();
    drop(entries);
    added.sort_unstable();
    let mut inn = txn.open_table(IN)?;
    for (c, t, f) in added {
        inn.insert(&keys::raw(c, t, f), ())?;
    }
    Ok(())
}

/// Refuses the `works_at` periods of `person` if two of them overlap.
fn overlapping_periods(
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
            edge: edges[b].key(),
            existing: edges[a].key(),
        }),
        None => Ok(()),
    }
}

/// Refuses `key` if its start already has an edge of its kind (`of`) to another end.
fn second_edge(out: &Table<'_, &'static RawKey, &'static [u8]>, key: EdgeKey) -> Result<()> {
    let (lo, hi) = keys::range_at(key.kind, key.from);
    if let Some(r) = out.range::<&RawKey>(&lo..=&hi)?.next() {
        let (found, _) = r?;
        let existing =
            keys::decode_out(found.value()).ok_or_else(|| corrupt_key("out", found.value()))?;
        if existing != key {
            return Err(StoreError::SecondEdge {
                edge: key,
                existing,
            });
        }
    }
    Ok(())
}

/// The network's edges as (out key in store ids, index in `net.edges`), sorted by key.
/// Duplicate edges and a second `works_at`/`of` of one node end up adjacent, and are
/// reported through the full network check.
fn sorted_keys(net: &Network, map: &IdMap) -> Result<Vec<(RawKey, u32)>> {
    // Sorting integer triples is several times cheaper than sorting 17-byte arrays.
    let mut order: Vec<(u8, u64, u64, u32)> = Vec::with_capacity(net.edges.len());
    for (i, e) in net.edges.iter().enumerate() {
        let key = e.key();
        let mapped = EdgeKey {
            kind: key.kind,
            from: map
                .store_ref(key.from)
                .ok_or(StoreError::UnknownNode(key.from))?,
            to: map
                .store_ref(key.to)
                .ok_or(StoreError::UnknownNode(key.to))?,
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
