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
//!
//! A database that holds nothing yet — a new file, the common case of `brm import` and
//! `brm generate --db` — is filled by a second way, [`import_into_empty`]: there nothing
//! can clash with a stored record and every id is known before anything is written, so
//! each table (node records, id indexes, out and in tables, the interactions' four tables,
//! the log) is filled from its own task, side by side, with the records and log entries
//! encoded in parallel pieces first. It writes the same entries, byte for byte, as the
//! general way; a test compares every table of the two.

use super::error::{Result, StoreError};
use super::interaction::{self, InteractionId};
use super::internal::codec::{decode, encode_into};
use super::internal::keys::{self, RawKey};
use super::internal::records::{bad_attrs, corrupt_key};
use super::internal::tables::{self, IN, LOG, OUT};
use super::log::{Before, ChangeRef, NodeView};
use super::read::IdMap;
use super::transaction::{
    edge_label, encode_log, encode_view, log_entry, upsert_core, Bulk, How, Outcome, State,
    WriteTxn,
};
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
        self.guarded(|w| import_core(&w.txn, &mut w.state, net, true))
    }
}

/// The bulk import; into a database that holds nothing by [`import_into_empty`] if
/// `into_empty` allows (the tests compare the two ways).
fn import_core(
    txn: &redb::WriteTransaction,
    st: &mut State,
    net: &Network,
    into_empty: bool,
) -> Result<ImportSummary> {
    if !quick_valid(net) {
        net.validate().map_err(StoreError::Network)?;
    }
    if into_empty && holds_nothing(st) {
        return import_into_empty(txn, st, net);
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

/// Whether the database holds no node, edge or interaction (its ids and sequence numbers
/// may have moved on): then every record of an import is new.
fn holds_nothing(st: &State) -> bool {
    st.counters.nodes.iter().all(|&n| n == 0)
        && st.counters.edges.iter().all(|&n| n == 0)
        && st.counters.interactions == 0
}

/// The bulk import into a database that holds nothing ([`holds_nothing`]): what
/// [`import_core`] writes — the same records, keys, log entries and counters — but with
/// nothing to look up, every table is filled in key order from its own task, side by side:
/// the node records, the external-id indexes, the out and in tables, the interactions'
/// tables, and the log (node, edge, then interaction entries, as [`import_core`] orders
/// them). The node ids are known up front: each kind's nodes get consecutive ids from the
/// kind's next id, in the network's order, as one upsert after another would give them.
fn import_into_empty(
    txn: &redb::WriteTransaction,
    st: &mut State,
    net: &Network,
) -> Result<ImportSummary> {
    use rayon::prelude::*;
    let mut summary = ImportSummary::default();
    // The network is valid (checked above), so its nodes are; only the id space can run
    // out, and a single upsert refuses the largest id.
    let first = st.counters.next_id;
    for kind in NodeKind::ALL {
        let k = usize::from(kind.code());
        if u64::from(first[k]) + net.count(kind) as u64 > u64::from(u32::MAX) {
            return Err(StoreError::IdsExhausted(kind));
        }
    }
    let ids = |kind: NodeKind| {
        let k = usize::from(kind.code());
        // Cannot wrap: checked above.
        (0..net.count(kind) as u32).map(move |i| first[k] + i)
    };
    let map = IdMap::from_store_ids(NodeKind::ALL.map(|kind| ids(kind).collect()));
    let (entries, new) = rayon::join(
        || sorted_keys(net, &map),
        || new_interactions(txn, st, net, &map, &mut summary),
    );
    let (entries, new) = (entries?, new?);
    let nodes = || -> Result<()> {
        let mut buf = Vec::new();
        for kind in NodeKind::ALL {
            let mut table = txn.open_table(tables::nodes(kind))?;
            let mut sink = Sink::open(&mut table, ids(kind).next())?;
            for (i, id) in ids(kind).enumerate() {
                encode_view(node_view(net, kind, i), &mut buf)?;
                sink.put(id, buf.as_slice())?;
            }
            sink.close()?;
        }
        Ok(())
    };
    let xids = || -> Result<()> {
        for kind in NodeKind::ALL {
            let mut pending: Vec<(&str, u32)> = ids(kind)
                .enumerate()
                .map(|(i, id)| (node_view(net, kind, i).xid(), id))
                .collect();
            pending.par_sort_unstable();
            let mut table = txn.open_table(tables::xids(kind))?;
            let mut sink = Sink::open(&mut table, pending.first().map(|p| p.0))?;
            for (xid, id) in pending {
                sink.put(xid, id)?;
            }
            sink.close()?;
        }
        Ok(())
    };
    let out = || put_new_edges(&mut txn.open_table(OUT)?, net, &entries);
    let inn = || put_in_keys(txn, entries.iter().map(|(k, _)| k));
    let interactions = || write_interactions(txn, &new);
    let (first_seq, time) = (st.counters.next_seq, st.time);
    let log = || log_everything(txn, (first_seq, time), net, first, &entries, &new);
    // The log, the longest task, starts first, on this thread; the other tasks are taken
    // up by the pool's other threads (and by this one once the log is written).
    let (logged, (((nodes, xids), (out, inn)), interactions)) = rayon::join(log, || {
        rayon::join(
            || rayon::join(|| rayon::join(nodes, xids), || rayon::join(out, inn)),
            interactions,
        )
    });
    nodes?;
    xids?;
    let edge_counts = out?;
    inn?;
    interactions?;
    let logged = logged?;
    for kind in NodeKind::ALL {
        let k = usize::from(kind.code());
        let n = net.count(kind) as u32;
        st.counters.next_id[k] += n;
        st.counters.nodes[k] += u64::from(n);
        summary.nodes_added += u64::from(n);
    }
    for (total, n) in st.counters.edges.iter_mut().zip(edge_counts) {
        *total += n;
    }
    // What `log_entry` counts for each entry, all of them additions.
    st.counters.next_seq += logged;
    st.counts.nodes.added += summary.nodes_added;
    st.counts.edges.added += entries.len() as u64;
    st.counts.interactions.added += new.added.len() as u64;
    summary.edges_added = entries.len() as u64;
    summary.ids = map;
    Ok(summary)
}

/// Logs what [`import_into_empty`] adds, in [`import_core`]'s order, from sequence number
/// `first_seq` on, made at `time`: the nodes (kind by kind, in the network's order, their
/// ids from `first_ids`), the edges (in key order), the interactions (in id order). The
/// entries are encoded side by side in pieces, then put in one run. Returns how many
/// were written.
fn log_everything(
    txn: &redb::WriteTransaction,
    (first_seq, time): (u64, i64),
    net: &Network,
    first_ids: [u32; NodeKind::COUNT],
    entries: &[(RawKey, u32)],
    new: &NewInteractions,
) -> Result<u64> {
    let nodes: usize = NodeKind::ALL.iter().map(|&kind| net.count(kind)).sum();
    let changes = nodes + entries.len() + new.added.len();
    let pieces = encode_pieces(changes, &|j, buf| {
        let seq = first_seq + j as u64;
        if j < nodes {
            let (mut kind, mut i) = (NodeKind::ALL[0], j);
            for k in NodeKind::ALL {
                kind = k;
                if i < net.count(k) {
                    break;
                }
                i -= net.count(k);
            }
            let change = ChangeRef::UpsertNode {
                node: NodeRef::new(kind, first_ids[usize::from(kind.code())] + i as u32),
                record: node_view(net, kind, i),
                before: Before::Absent,
            };
            return encode_log(time, seq, &change, buf);
        }
        if let Some((k, i)) = entries.get(j - nodes) {
            let key = keys::decode_out(k).ok_or_else(|| corrupt_key("out", k))?;
            let edge = Edge::from_parts(key, net.edges[*i as usize].attrs())
                .ok_or_else(|| bad_attrs(&key))?;
            let change = ChangeRef::PutEdge {
                edge: &edge,
                before: Before::Absent,
            };
            return encode_log(time, seq, &change, buf);
        }
        let (id, i) = &new.added[j - nodes - entries.len()];
        let change = ChangeRef::PutInteraction {
            id: *id,
            interaction: i,
            before: Before::Absent,
        };
        encode_log(time, seq, &change, buf)
    })?;
    let mut table = txn.open_table(LOG)?;
    let mut sink = Sink::open(&mut table, Some(first_seq))?;
    for (seq, bytes) in (first_seq..).zip(pieces.iter().flat_map(Packed::iter)) {
        sink.put(seq, bytes)?;
    }
    sink.close()?;
    Ok(changes as u64)
}

/// `f` of each item (with its position), side by side; when some fail, the error is the
/// first failure in the items' order, as a loop would report it.
fn map_in_order<T: Sync, U: Send>(
    items: &[T],
    f: &(dyn Fn(usize, &T) -> Result<U> + Sync),
) -> Result<Vec<U>> {
    use rayon::prelude::*;
    match items.par_iter().enumerate().map(|(i, x)| f(i, x)).collect() {
        Ok(all) => Ok(all),
        Err(e) => {
            for (i, x) in items.iter().enumerate() {
                f(i, x)?;
            }
            Err(e)
        }
    }
}

/// Byte strings back to back: records encoded, or gathered, before a table is filled.
#[derive(Default)]
struct Packed {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Packed {
    /// Room for `n` strings of about `each` bytes.
    fn with_capacity(n: usize, each: usize) -> Packed {
        Packed {
            bytes: Vec::with_capacity(n * each),
            ends: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        self.ends.push(self.bytes.len());
    }

    /// The `n`th string.
    fn get(&self, n: usize) -> &[u8] {
        &self.bytes[n.checked_sub(1).map_or(0, |m| self.ends[m])..self.ends[n]]
    }

    /// The strings, in order.
    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(from, &to)| &self.bytes[from..to])
    }

    /// Puts `other`'s strings after these.
    fn append(&mut self, other: &Packed) {
        let offset = self.bytes.len();
        self.bytes.extend_from_slice(&other.bytes);
        self.ends.extend(other.ends.iter().map(|end| offset + end));
    }
}

/// The strings `encode` writes for `0..n`, encoded side by side in pieces (in order);
/// the first failure, in that order, is the error.
fn encode_pieces(
    n: usize,
    encode: &(dyn Fn(usize, &mut Vec<u8>) -> Result<()> + Sync),
) -> Result<Vec<Packed>> {
    use rayon::prelude::*;
    /// Strings encoded per piece.
    const PIECE: usize = 16_384;
    let pieces: Vec<Result<Packed>> = (0..n.div_ceil(PIECE))
        .into_par_iter()
        .map(|p| {
            let range = p * PIECE..n.min((p + 1) * PIECE);
            let mut packed = Packed::with_capacity(range.len(), 32);
            let mut buf = Vec::new();
            for j in range {
                encode(j, &mut buf)?;
                packed.push(&buf);
            }
            Ok(packed)
        })
        .collect();
    pieces.into_iter().collect()
}

/// The log's view of the `i`th node of `kind` in `net`.
fn node_view(net: &Network, kind: NodeKind, i: usize) -> NodeView<'_> {
    match kind {
        NodeKind::Account => NodeView::Account(&net.accounts[i]),
        NodeKind::Person => NodeView::Person(&net.persons[i]),
        NodeKind::Employee => NodeView::Employee(&net.employees[i]),
        NodeKind::Project => NodeView::Project(&net.projects[i]),
    }
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
/// records' bytes.
#[derive(Default)]
struct NewInteractions {
    added: Vec<(InteractionId, Interaction)>,
    records: Packed,
}

impl NewInteractions {
    /// The record bytes of the `n`th.
    fn record(&self, n: usize) -> &[u8] {
        self.records.get(n)
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
    // The ends are mapped side by side; the first interaction that cannot be mapped is
    // the error.
    let mapped = |i: &Interaction| -> Result<Interaction> {
        Ok(Interaction {
            employee: EmployeeId(store(i.employee.into())?.id),
            person: PersonId(store(i.person.into())?.id),
            project: match i.project {
                Some(x) => Some(ProjectId(store(x.into())?.id)),
                None => None,
            },
            ..*i
        })
    };
    let all = map_in_order(&net.interactions, &|_, i| mapped(i))?;
    let fresh: Vec<Interaction> = if held.is_empty() {
        all
    } else {
        all.into_iter()
            .filter(|i| match held.get_mut(i).filter(|n| **n > 0) {
                Some(n) => {
                    *n -= 1;
                    summary.interactions_unchanged += 1;
                    false
                }
                None => true,
            })
            .collect()
    };
    let first = st.counters.next_interaction;
    st.counters.next_interaction =
        first
            .checked_add(fresh.len() as u64)
            .ok_or_else(|| StoreError::Corrupt {
                what: "meta entry \"next_id.interaction\"".to_owned(),
                reason: "it is at its largest value".to_owned(),
            })?;
    new.added = fresh
        .into_iter()
        .zip(first..)
        .map(|(i, id)| (InteractionId(id), i))
        .collect();
    // The records are encoded side by side in pieces, then put together.
    let added = &new.added;
    let pieces = encode_pieces(added.len(), &|n, buf| {
        let (id, i) = &added[n];
        encode_into(i, buf, &|| format!("{id} record"))
    })?;
    for piece in &pieces {
        new.records.append(piece);
    }
    summary.interactions_added = new.added.len() as u64;
    st.counters.interactions += new.added.len() as u64;
    Ok(new)
}

/// Writes the new interactions into the record table and its indexes, each filled in key
/// order. Touches no other table, so it runs beside the edges' writes.
fn write_interactions(txn: &redb::WriteTransaction, new: &NewInteractions) -> Result<()> {
    use rayon::prelude::*;
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
    let keys = |n: usize| interaction::IndexKeys::of(added[n].0, &added[n].1);
    let sorted = |packed: &(dyn Fn(u32, &Interaction) -> u128 + Sync)| {
        let mut order: Vec<u128> = (0..positions)
            .into_par_iter()
            .zip(added.par_iter())
            .map(|(n, (_, i))| packed(n, i))
            .collect();
        order.par_sort_unstable();
        order
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
        let order = sorted(&|n, i| {
            u128::from(i.employee.0) << 96
                | u128::from(i.person.0) << 64
                | day(i) << 32
                | u128::from(n)
        });
        put_index(txn, tables::BY_PAIR, &order, new, &|n| keys(n).pair)
    };
    let person = || {
        let order = sorted(&|n, i| u128::from(i.person.0) << 64 | day(i) << 32 | u128::from(n));
        put_index(txn, tables::BY_PERSON, &order, new, &|n| keys(n).person)
    };
    let date = || {
        let order = sorted(&|n, i| day(i) << 32 | u128::from(n));
        put_index(txn, tables::BY_DATE, &order, new, &|n| keys(n).date)
    };
    let ((pair, person), (records, date)) =
        rayon::join(|| rayon::join(pair, person), || rayon::join(records, date));
    records.and(pair).and(person).and(date)
}

/// Writes one index of the new interactions: `order` holds their positions in `new` in the
/// index's order (in the low 32 bits), `key` gives each one's key. The entries are first
/// gathered in that order, in pieces side by side — the keys, and the records' bytes next
/// to each other — so that the one thread that fills the table reads memory in order.
fn put_index<const K: usize>(
    txn: &redb::WriteTransaction,
    table: redb::TableDefinition<&[u8; K], &[u8]>,
    order: &[u128],
    new: &NewInteractions,
    key: &(dyn Fn(usize) -> [u8; K] + Sync),
) -> Result<()> {
    use rayon::prelude::*;
    /// Entries gathered per piece.
    const PIECE: usize = 16_384;
    let pieces: Vec<(Vec<[u8; K]>, Packed)> = order
        .par_chunks(PIECE)
        .map(|chunk| {
            let mut keys = Vec::with_capacity(chunk.len());
            let mut records = Packed::with_capacity(chunk.len(), 24);
            for &packed in chunk {
                let n = (packed & 0xffff_ffff) as usize;
                keys.push(key(n));
                records.push(new.record(n));
            }
            (keys, records)
        })
        .collect();
    let mut table = txn.open_table(table)?;
    let first = pieces.first().and_then(|p| p.0.first());
    let mut sink = Sink::open(&mut table, first)?;
    for (keys, records) in pieces {
        for (k, record) in keys.iter().zip(records.iter()) {
            sink.put(k, record)?;
        }
    }
    sink.close()
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
            let added = put_new_edges(&mut out, net, &entries)?;
            for (total, n) in st.counters.edges.iter_mut().zip(added) {
                *total += n;
            }
            summary.edges_added += entries.len() as u64;
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

/// Writes `entries` (sorted, none in the table yet) into the out table; returns how many
/// of each edge kind were added.
fn put_new_edges(
    out: &mut Table<'_, &'static RawKey, &'static [u8]>,
    net: &Network,
    entries: &[(RawKey, u32)],
) -> Result<[u64; EdgeKind::COUNT]> {
    let mut counts = [0; EdgeKind::COUNT];
    let mut buf = Vec::new();
    let mut sink = Sink::open(out, entries.first().map(|(k, _)| k))?;
    for (k, i) in entries {
        let edge = &net.edges[*i as usize];
        encode_into(&edge.attrs(), &mut buf, &|| format!("edge {}", edge.key()))?;
        sink.put(k, buf.as_slice())?;
        counts[usize::from(k[0])] += 1;
    }
    sink.close()?;
    Ok(counts)
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
    let periods = super::check::periods(&edges);
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
    use rayon::prelude::*;
    // Sorting integer triples is several times cheaper than sorting 17-byte arrays.
    let packed = |(i, e): (usize, &Edge)| -> Result<(u8, u64, u64, u32)> {
        let key = e.key();
        let store = |n: NodeRef| {
            map.store_ref(n)
                .ok_or_else(|| StoreError::UnknownNode(net.label(n)))
        };
        Ok((
            key.kind.code(),
            store(key.from)?.pack(),
            store(key.to)?.pack(),
            i as u32,
        ))
    };
    // Mapped side by side; the first edge that cannot be mapped is the error.
    let mut order = map_in_order(&net.edges, &|i, e| packed((i, e)))?;
    order.par_sort_unstable_by_key(|e| (e.0, e.1, e.2));
    let entries: Vec<(RawKey, u32)> = order
        .into_par_iter()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;
    use crate::store::Database;
    use crate::synth::{generate, Preset};
    use redb::TableDefinition;

    /// Every entry of one table, as the storage engine holds its bytes.
    type Entries = Vec<(Vec<u8>, Vec<u8>)>;

    fn entries<K: Key + 'static, V: Value + 'static>(
        txn: &redb::WriteTransaction,
        table: TableDefinition<K, V>,
    ) -> (String, Entries) {
        let t = txn.open_table(table).unwrap();
        let name = redb::TableHandle::name(&t).to_owned();
        let all = t
            .iter()
            .unwrap()
            .map(|r| {
                let (k, v) = r.unwrap();
                let k = K::as_bytes(&k.value()).as_ref().to_vec();
                let v = V::as_bytes(&v.value()).as_ref().to_vec();
                (k, v)
            })
            .collect();
        (name, all)
    }

    /// Every table of the database, by name, with its entries; every table the file
    /// holds is among them.
    fn contents(db: &Database) -> Vec<(String, Entries)> {
        let w = db.begin_write(0).unwrap();
        let txn = &w.txn;
        let mut all = vec![
            entries(txn, tables::META),
            entries(txn, tables::COUNTS),
            entries(txn, OUT),
            entries(txn, IN),
            entries(txn, LOG),
            entries(txn, tables::COMMITS),
            entries(txn, tables::REMOVED),
            entries(txn, tables::INTERACTIONS),
            entries(txn, tables::BY_PAIR),
            entries(txn, tables::BY_PERSON),
            entries(txn, tables::BY_DATE),
            entries(txn, tables::BY_PROJECT),
        ];
        for kind in NodeKind::ALL {
            all.push(entries(txn, tables::nodes(kind)));
            all.push(entries(txn, tables::xids(kind)));
        }
        let mut names: Vec<String> = txn
            .list_tables()
            .unwrap()
            .map(|t| redb::TableHandle::name(&t).to_owned())
            .collect();
        names.sort();
        let mut ours: Vec<String> = all.iter().map(|(name, _)| name.clone()).collect();
        ours.sort();
        assert_eq!(names, ours, "a table is missing from the comparison");
        all
    }

    /// Imports `net` into `db` in one commit, by the way into an empty database if
    /// `into_empty`, else by the general way.
    fn import(db: &Database, net: &Network, into_empty: bool) -> ImportSummary {
        db.write(1_700_000_000_000, |w| {
            w.guarded(|w| import_core(&w.txn, &mut w.state, net, into_empty))
        })
        .unwrap()
    }

    /// A database that held a few records and lost them again: it holds nothing, but its
    /// ids, interaction ids and sequence numbers have moved on.
    fn emptied(net: &Network) -> Database {
        let db = Database::in_memory().unwrap();
        db.write(1_600_000_000_000, |t| {
            let a = t.upsert_node(Node::Account(net.accounts[0].clone()))?;
            let e = t.upsert_node(Node::Employee(net.employees[0].clone()))?;
            let p = t.upsert_node(Node::Person(net.persons[0].clone()))?;
            let i = t.add_interaction(Interaction {
                employee: EmployeeId(e.id),
                person: PersonId(p.id),
                project: None,
                ..net.interactions[0]
            })?;
            t.remove_interaction(i)?;
            for node in [p, e, a] {
                t.remove_node(node)?;
            }
            Ok(())
        })
        .unwrap();
        db
    }

    /// The way into an empty database writes, entry for entry and byte for byte, what the
    /// general way writes — records, indexes, log, commit record, counters — and reports
    /// the same summary, into a new database and into one whose counters have moved on.
    #[test]
    fn import_into_empty_writes_what_the_general_import_writes() {
        let mut nodes_only = generate(Preset::Tiny, 2);
        nodes_only.edges.clear();
        nodes_only.interactions.clear();
        let cases = [
            ("tiny 1", generate(Preset::Tiny, 1)),
            ("tiny 7", generate(Preset::Tiny, 7)),
            ("small 3", generate(Preset::Small, 3)),
            ("nodes only", nodes_only),
            ("nothing", Network::default()),
        ];
        let sample = generate(Preset::Tiny, 1);
        let log_len = |db: &Database| {
            let all = contents(db);
            all.into_iter()
                .find(|(name, _)| name == "guanxi.log")
                .map_or(0, |(_, x)| x.len())
        };
        for (case, net) in cases {
            for moved_on in [false, true] {
                let open = || {
                    if moved_on {
                        emptied(&sample)
                    } else {
                        Database::in_memory().unwrap()
                    }
                };
                let (fast, general) = (open(), open());
                let logged_before = log_len(&fast);
                let fast_summary = import(&fast, &net, true);
                let general_summary = import(&general, &net, false);
                assert_eq!(fast_summary, general_summary, "{case} {moved_on}");
                let nodes: usize = NodeKind::ALL.iter().map(|&kind| net.count(kind)).sum();
                assert_eq!(fast_summary.nodes_added, nodes as u64);
                assert_eq!(fast_summary.edges_added, net.edges.len() as u64);
                let (a, b) = (contents(&fast), contents(&general));
                for ((name, x), (_, y)) in a.iter().zip(&b) {
                    assert!(!name.is_empty());
                    assert_eq!(x.len(), y.len(), "{name}: entries");
                    assert!(x == y, "{name}: {case} {moved_on}");
                }
                let changes = nodes + net.edges.len() + net.interactions.len();
                assert_eq!(log_len(&fast), logged_before + changes, "{case} {moved_on}");
                assert!(fast.check().unwrap().is_clean());
            }
        }
    }

    /// Of several failures, the first in the items' order is the error, at any thread
    /// count; without one, every item is mapped, in order.
    #[test]
    fn map_in_order_reports_the_first_failure() {
        let items: Vec<u32> = (0..50_000).collect();
        let f = |i: usize, x: &u32| -> Result<u64> {
            if x % 9_973 == 9_972 {
                return Err(StoreError::IdsExhausted(NodeKind::Person));
            }
            assert_eq!(i as u32, *x);
            Ok(u64::from(*x) * 2)
        };
        let fails_at = |i: usize, x: &u32| {
            f(i, x).map_err(|_| StoreError::Corrupt {
                what: format!("item {x}"),
                reason: String::new(),
            })
        };
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let r = pool.install(|| map_in_order(&items, &fails_at));
            assert!(
                matches!(&r, Err(StoreError::Corrupt { what, .. }) if what == "item 9972"),
                "{threads}: {r:?}"
            );
            let ok = pool.install(|| map_in_order(&items[..9_972], &f)).unwrap();
            assert_eq!(ok, (0..9_972).map(|x| x * 2).collect::<Vec<u64>>());
        }
    }

    /// Ids that would reach the largest, which a single upsert refuses, are refused by
    /// either way; one fewer node fits.
    #[test]
    fn import_refuses_ids_past_the_largest_either_way() {
        let net = generate(Preset::Tiny, 1);
        let persons = net.persons.len() as u32;
        for into_empty in [true, false] {
            for (next, fits) in [(u32::MAX - persons + 1, false), (u32::MAX - persons, true)] {
                let db = Database::in_memory().unwrap();
                let r = db.write(1, |w| {
                    w.state.counters.next_id[usize::from(NodeKind::Person.code())] = next;
                    w.guarded(|w| import_core(&w.txn, &mut w.state, &net, into_empty))
                });
                match r {
                    Ok(summary) => {
                        assert!(fits, "{into_empty} {next}");
                        let last = summary
                            .ids
                            .store_ref(NodeRef::new(NodeKind::Person, persons - 1));
                        assert_eq!(last.map(|n| n.id), Some(u32::MAX - 1));
                    }
                    Err(e) => {
                        assert!(!fits, "{into_empty} {next}: {e}");
                        assert!(
                            matches!(e, StoreError::IdsExhausted(NodeKind::Person)),
                            "{e}"
                        );
                    }
                }
            }
        }
    }
}
