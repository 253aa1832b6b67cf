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
use super::transaction::{append, edge_label, upsert_core, Bulk, How, Outcome, State, WriteTxn};
use crate::model::{
    AccountKind, Edge, EdgeAttrs, EdgeKey, EdgeKind, EmployeeId, Employment, Interaction, Network,
    NodeKind, NodeRef, PersonId, ProjectId,
};
use redb::{ReadableTable, Table};
use std::collections::HashMap;

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
    import_edges(txn, st, net, &map, &mut summary)?;
    import_interactions(txn, st, net, &map, &mut summary)?;
    summary.ids = map;
    Ok(summary)
}

/// The rules of [`Network::validate`] except duplicate edges, a second `of` and overlapping
/// employment periods, which [`import_edges`] detects for free after sorting. Cheaper than the full check (no hash
/// set of a million edge keys); when it fails, the full check produces the report.
fn quick_valid(net: &Network) -> bool {
    for kind in NodeKind::ALL {
        let mut xids = Vec::with_capacity(net.count(kind));
        for i in 0..net.count(kind) {
            match net.view(NodeRef::new(kind, i as u32)) {
                Some(view) if view.validate().is_ok() => xids.push(view.xid()),
                _ => return false,
            }
        }
        xids.sort_unstable();
        if xids.windows(2).any(|w| w[0] == w[1]) {
            return false;
        }
    }
    let edges_valid = net.edges.iter().all(|e| {
        let key = e.key();
        e.validate().is_ok()
            && net.contains(key.from)
            && net.contains(key.to)
            && (!key.kind.starts_at_competitor()
                || net.accounts[key.from.id as usize].kind == AccountKind::Competitor)
    });
    edges_valid
        && net.interactions.iter().all(|i| {
            net.contains(i.employee.into())
                && net.contains(i.person.into())
                && i.project.is_none_or(|x| net.contains(x.into()))
        })
}

/// Records the network's interactions that the database does not hold yet (see
/// [`WriteTxn::import_network`]), with their ends mapped by `map`. Each table is filled
/// in key order.
fn import_interactions(
    txn: &redb::WriteTransaction,
    st: &mut State,
    net: &Network,
    map: &IdMap,
    summary: &mut ImportSummary,
) -> Result<()> {
    if net.interactions.is_empty() {
        return Ok(());
    }
    let store = |n: NodeRef| {
        map.store_ref(n)
            .ok_or_else(|| StoreError::UnknownNode(net.label(n)))
    };
    // What the database holds already, as a multiset.
    let mut held: HashMap<Interaction, u64> = HashMap::new();
    let mut t = interaction::Tables::open(txn)?;
    if st.counters.interactions > 0 {
        for r in t.records.iter()? {
            let (k, v) = r?;
            let i = interaction::decode_record(v.value(), InteractionId(k.value()))?;
            *held.entry(i).or_default() += 1;
        }
    }
    let mut added: Vec<(InteractionId, Interaction, Vec<u8>)> = Vec::new();
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
        added.push((id, mapped, st.buf.clone()));
    }
    summary.interactions_added = added.len() as u64;
    st.counters.interactions += added.len() as u64;
    // Ids are increasing: the record table fills in order; each index is sorted first.
    for (id, _, bytes) in &added {
        t.records.insert(id.0, bytes.as_slice())?;
    }
    let keys: Vec<interaction::IndexKeys> = added
        .iter()
        .map(|(id, i, _)| interaction::IndexKeys::of(*id, i))
        .collect();
    let mut order: Vec<usize> = (0..added.len()).collect();
    order.sort_unstable_by_key(|&n| keys[n].pair);
    for &n in &order {
        t.pair.insert(&keys[n].pair, added[n].2.as_slice())?;
    }
    order.sort_unstable_by_key(|&n| keys[n].person);
    for &n in &order {
        t.person.insert(&keys[n].person, added[n].2.as_slice())?;
    }
    order.sort_unstable_by_key(|&n| keys[n].date);
    for &n in &order {
        t.date.insert(&keys[n].date, added[n].2.as_slice())?;
    }
    let mut projects: Vec<[u8; 12]> = keys.iter().filter_map(|k| k.project).collect();
    projects.sort_unstable();
    for k in &projects {
        t.project.insert(k, ())?;
    }
    drop(t);
    let mut log = txn.open_table(LOG)?;
    for (id, i, _) in &added {
        append(
            st,
            &mut log,
            &ChangeRef::PutInteraction {
                id: *id,
                interaction: i,
                before: Before::Absent,
            },
        )?;
    }
    Ok(())
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
        for (xid, id) in bulk.pending {
            xids.insert(xid, id)?;
        }
        for (node, record, before) in bulk.logs {
            append(
                st,
                &mut log,
                &ChangeRef::UpsertNode {
                    node,
                    record,
                    before: Before::from_option(before.as_ref().map(NodeView::of)),
                },
            )?;
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
        for ((k, i), status) in entries.iter().zip(&mut status) {
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
            append(
                st,
                &mut log,
                &ChangeRef::PutEdge {
                    edge: &edge,
                    before: Before::from_option(before.as_ref()),
                },
            )?;
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
