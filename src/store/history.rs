//! The log's bookkeeping: commit records, the external ids of removed nodes, paged reads,
//! trimming, erasure, and deriving all of it from the log of an older file.
//!
//! A commit record is written when a write transaction that logged something commits
//! (`WriteTxn::commit`); its number is the key of the commit table and the records are
//! in sequence order, so the commit of a sequence number is found by a binary search
//! over the numbers (commits are numbered without gaps from the lowest one the log still
//! holds). Paged reads name each node an entry mentions from the node tables, or, for a
//! node removed since, from the table of removed nodes' external ids.

use super::error::{Result, StoreError};
use super::internal::codec::{decode, encode_into};
use super::internal::records::xid_in;
use super::internal::source::Source;
use super::internal::tables::{self, Counters, COMMITS, LOG, REMOVED};
use super::log::{
    ChangeCounts, Commit, CommitRecord, LogEntry, LogPage, LogRecord, Stored, Tally, Xids,
};
use super::transaction::State;
use crate::model::{EdgeKey, NodeKind, NodeRef};
use redb::{ReadableTable, ReadableTableMetadata as _};
use std::collections::{HashMap, HashSet};

/// Decodes the log record at `seq`.
pub(crate) fn decode_entry(seq: u64, bytes: &[u8]) -> Result<LogRecord<Stored>> {
    decode(bytes, &|| format!("log entry {seq}"))
}

/// Decodes the commit record numbered `number`.
pub(crate) fn decode_commit(number: u64, bytes: &[u8]) -> Result<CommitRecord> {
    decode(bytes, &|| format!("commit {number}"))
}

/// Writes the commit record numbered `number`.
pub(super) fn put_commit(
    txn: &redb::WriteTransaction,
    number: u64,
    record: &CommitRecord,
    buf: &mut Vec<u8>,
) -> Result<()> {
    encode_into(record, buf, &|| format!("commit {number}"))?;
    txn.open_table(COMMITS)?.insert(number, buf.as_slice())?;
    Ok(())
}

// ----- Deriving the history of an older file -----

/// Derives the commit records and the removed nodes' external ids of a file of format 1
/// or 2 from its log, and sets `counters.next_commit` (the upgrade to format 3).
///
/// Older files did not record commits: each run of consecutive entries with the same
/// time becomes one commit (exact for files written by `brm`, which stamps each write
/// with the clock in milliseconds; two transactions stamped alike become one). Whether an
/// upsert added or changed a node is told by whether the node was seen before, which the
/// log answers exactly (ids are never reused); likewise for edges and interactions.
pub(super) fn derive(txn: &redb::WriteTransaction, counters: &mut Counters) -> Result<()> {
    let log = txn.open_table(LOG)?;
    let mut commits: Vec<CommitRecord> = Vec::new();
    let mut alive: HashMap<NodeRef, String> = HashMap::new();
    let mut removed: Vec<(NodeRef, String)> = Vec::new();
    let mut edges: HashSet<EdgeKey> = HashSet::new();
    let mut interactions: HashSet<u64> = HashSet::new();
    for r in log.iter()? {
        let (k, v) = r?;
        let seq = k.value();
        let rec = decode_entry(seq, v.value())?;
        match commits.last_mut() {
            Some(c) if c.time == rec.time => c.end_seq = seq + 1,
            _ => commits.push(CommitRecord {
                time: rec.time,
                first_seq: seq,
                end_seq: seq + 1,
                changes: ChangeCounts::default(),
                reversible: false,
            }),
        }
        let Some(c) = commits.last_mut() else {
            continue;
        };
        let put = |t: &mut Tally, new: bool| {
            if new {
                t.added += 1;
            } else {
                t.changed += 1;
            }
        };
        match rec.change {
            Stored::UpsertNode { node, record, .. } => {
                put(
                    &mut c.changes.nodes,
                    alive.insert(node, record.xid().to_owned()).is_none(),
                );
            }
            Stored::RemoveNode { node, .. } => {
                c.changes.nodes.removed += 1;
                if let Some(xid) = alive.remove(&node) {
                    removed.push((node, xid));
                }
            }
            Stored::PutEdge { edge, .. } => put(&mut c.changes.edges, edges.insert(edge.key())),
            Stored::RemoveEdge { key, .. } => {
                edges.remove(&key);
                c.changes.edges.removed += 1;
            }
            Stored::PutInteraction { id, .. } => {
                put(&mut c.changes.interactions, interactions.insert(id.0));
            }
            Stored::RemoveInteraction { id, .. } => {
                interactions.remove(&id.0);
                c.changes.interactions.removed += 1;
            }
        }
    }
    drop(log);
    let mut buf = Vec::new();
    for (n, c) in commits.iter().enumerate() {
        put_commit(txn, n as u64 + 1, c, &mut buf)?;
    }
    let mut names = txn.open_table(REMOVED)?;
    for (node, xid) in &removed {
        names.insert(node.pack(), xid.as_str())?;
    }
    counters.next_commit = commits.len() as u64 + 1;
    counters.log_start = 0;
    Ok(())
}

// ----- Trimming and erasing -----

/// Drops the commits whose entries all lie before `before` (never the entries from
/// `open_from` on, those of the running transaction) and their entries; returns the new
/// lowest sequence number held (see `WriteTxn::trim_log`).
pub(super) fn trim(
    txn: &redb::WriteTransaction,
    counters: &mut Counters,
    open_from: u64,
    before: u64,
) -> Result<u64> {
    let mut commits = txn.open_table(COMMITS)?;
    let mut dropped = Vec::new();
    let mut start = open_from;
    for r in commits.iter()? {
        let (k, v) = r?;
        let rec = decode_commit(k.value(), v.value())?;
        if rec.end_seq <= before {
            dropped.push(k.value());
        } else {
            start = rec.first_seq;
            break;
        }
    }
    let start = start.max(counters.log_start);
    for n in dropped {
        commits.remove(n)?;
    }
    if start > counters.log_start {
        let mut log = txn.open_table(LOG)?;
        log.retain_in(counters.log_start..start, |_, _| false)?;
        counters.log_start = start;
    }
    Ok(counters.log_start)
}

/// Erases every trace of the persons with external id `xid` that the log knows (see
/// `WriteTxn::erase_person`; the present one, if any, was removed by the caller): their
/// log entries, their entries among the removed nodes' names, and their changes from the
/// counts of the commits that held them (from `open_from` on, those of the running
/// transaction). Returns whether there was any such person.
pub(super) fn erase(
    txn: &redb::WriteTransaction,
    st: &mut State,
    open_from: u64,
    xid: &str,
) -> Result<bool> {
    let persons = {
        let lo = NodeRef::new(NodeKind::Person, 0).pack();
        let hi = NodeRef::new(NodeKind::Person, u32::MAX).pack();
        let mut names = txn.open_table(REMOVED)?;
        let mut found = Vec::new();
        for r in names.range(lo..=hi)? {
            let (k, v) = r?;
            if v.value() == xid {
                found.push(k.value());
            }
        }
        for k in &found {
            names.remove(k)?;
        }
        found
            .into_iter()
            .filter_map(NodeRef::unpack)
            .collect::<Vec<_>>()
    };
    if persons.is_empty() {
        return Ok(false);
    }
    let mut log = txn.open_table(LOG)?;
    let mut doomed: Vec<(u64, Stored)> = Vec::new();
    for r in log.iter()? {
        let (k, v) = r?;
        let seq = k.value();
        let rec = decode_entry(seq, v.value())?;
        if persons.iter().any(|p| rec.change.mentions(*p)) {
            doomed.push((seq, rec.change));
        }
    }
    for (seq, _) in &doomed {
        log.remove(seq)?;
    }
    drop(log);
    // Take the erased changes out of the counts of their commits.
    let mut commits = txn.open_table(COMMITS)?;
    let mut records: Vec<(u64, CommitRecord)> = Vec::new();
    for r in commits.iter()? {
        let (k, v) = r?;
        records.push((k.value(), decode_commit(k.value(), v.value())?));
    }
    let mut touched = vec![false; records.len()];
    for (seq, change) in &doomed {
        if *seq >= open_from {
            change.untally(&mut st.counts);
            continue;
        }
        let at = records.partition_point(|(_, c)| c.end_seq <= *seq);
        if let Some((_, c)) = records.get_mut(at).filter(|(_, c)| c.first_seq <= *seq) {
            change.untally(&mut c.changes);
            touched[at] = true;
        }
    }
    for ((n, c), touched) in records.iter().zip(touched) {
        if touched {
            encode_into(c, &mut st.buf, &|| format!("commit {n}"))?;
            commits.insert(n, st.buf.as_slice())?;
        }
    }
    Ok(true)
}

// ----- Reading -----

/// The commit holding sequence number `seq`: its number and record, or `None` if no
/// commit record covers it (a file not yet upgraded; the running transaction's entries).
fn commit_of<S: Source + ?Sized>(src: &S, seq: u64) -> Result<Option<(u64, CommitRecord)>> {
    if let Some((number, first)) = src.open_commit() {
        if seq >= first {
            return Ok(Some((
                number,
                CommitRecord {
                    time: 0,
                    first_seq: first,
                    end_seq: u64::MAX,
                    changes: ChangeCounts::default(),
                    reversible: true,
                },
            )));
        }
    }
    let Some(t) = src.open_optional(COMMITS)? else {
        return Ok(None);
    };
    let (Some(first), Some(last)) = (t.first()?, t.last()?) else {
        return Ok(None);
    };
    let (mut lo, mut hi) = (first.0.value(), last.0.value());
    drop((first, last));
    // The last commit whose first entry is at or before `seq`.
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        let rec = get_commit(&t, mid)?;
        if rec.first_seq <= seq {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let rec = get_commit(&t, lo)?;
    Ok((rec.first_seq <= seq && seq < rec.end_seq).then_some((lo, rec)))
}

/// The commit record numbered `number`, which must exist (the numbers between the first
/// and the last are all there).
fn get_commit(t: &impl ReadableTable<u64, &'static [u8]>, number: u64) -> Result<CommitRecord> {
    let g = t.get(number)?.ok_or_else(|| StoreError::Corrupt {
        what: "the commit table".to_owned(),
        reason: format!("commit {number} is missing between the first and the last"),
    })?;
    decode_commit(number, g.value())
}

/// The external id of `node`: from its record, or among the removed nodes' names.
pub(crate) fn xid_of<S: Source + ?Sized>(src: &S, node: NodeRef) -> Result<Option<String>> {
    let t = src.open(tables::nodes(node.kind))?;
    if let Some(x) = xid_in(&t, node) {
        return Ok(Some(x));
    }
    let Some(names) = src.open_optional(REMOVED)? else {
        return Ok(None);
    };
    let g = names.get(node.pack())?;
    Ok(g.map(|g| g.value().to_owned()))
}

/// Refuses a read of the log from `from` when the entries there were trimmed, or when
/// `from` is beyond the head.
fn check_from(counters: &Counters, from: u64) -> Result<()> {
    if from < counters.log_start {
        return Err(StoreError::LogTrimmed {
            asked: from,
            first_available: counters.log_start,
        });
    }
    if from > counters.next_seq {
        return Err(StoreError::BeyondLogHead {
            asked: from,
            head: counters.next_seq,
        });
    }
    Ok(())
}

/// Up to `limit` entries from sequence number `from` (see `Read::log_page`).
pub(crate) fn page<S: Source + ?Sized>(src: &S, from: u64, limit: usize) -> Result<LogPage> {
    let counters = src.counters()?;
    check_from(&counters, from)?;
    let head = counters.next_seq;
    let t = src.open(LOG)?;
    let mut entries = Vec::new();
    let mut commit: Option<(u64, CommitRecord)> = None;
    let mut names: HashMap<NodeRef, Option<String>> = HashMap::new();
    let mut nodes = Vec::new();
    for r in t.range(from..)? {
        if entries.len() >= limit {
            break;
        }
        let (k, v) = r?;
        let seq = k.value();
        let rec = decode_entry(seq, v.value())?;
        if commit.as_ref().is_none_or(|(_, c)| seq >= c.end_seq) {
            commit = commit_of(src, seq)?;
        }
        let change = rec.change.public().ok_or_else(|| StoreError::Corrupt {
            what: format!("log entry {seq}"),
            reason: "an edge's attributes are of another edge kind".to_owned(),
        })?;
        nodes.clear();
        change.nodes(&mut nodes);
        let mut xids = Vec::with_capacity(nodes.len());
        for n in &nodes {
            let known = if let Some(x) = names.get(n) {
                x.clone()
            } else {
                let x = xid_of(src, *n)?;
                names.insert(*n, x.clone());
                x
            };
            // A node's own record names it best (the node may have been removed since).
            let own = match &change {
                super::Change::UpsertNode { node, record, .. } if node == n => {
                    Some(record.xid().to_owned())
                }
                super::Change::RemoveNode {
                    node,
                    before: Some(record),
                } if node == n => Some(record.xid().to_owned()),
                _ => None,
            };
            if let Some(x) = own.or(known) {
                xids.push((*n, x));
            }
        }
        entries.push(LogEntry {
            seq,
            commit: commit.as_ref().map_or(0, |(n, _)| *n),
            time: rec.time,
            change,
            xids: Xids(xids),
        });
    }
    let next = if entries.len() < limit {
        head.max(from)
    } else {
        entries.last().map_or(from, |e| e.seq + 1)
    };
    Ok(LogPage {
        entries,
        next,
        head,
    })
}

/// Up to `limit` commits from number `from` on, in order (see `Read::commits`).
pub(crate) fn commits<S: Source + ?Sized>(src: &S, from: u64, limit: usize) -> Result<Vec<Commit>> {
    let Some(t) = src.open_optional(COMMITS)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for r in t.range(from..)?.take(limit) {
        let (k, v) = r?;
        out.push(decode_commit(k.value(), v.value())?.public(k.value()));
    }
    Ok(out)
}
/// The commit record numbered `number`, if the log still holds it.
pub(crate) fn commit<S: Source + ?Sized>(src: &S, number: u64) -> Result<Option<CommitRecord>> {
    let Some(t) = src.open_optional(COMMITS)? else {
        return Ok(None);
    };
    let g = t.get(number)?;
    g.map(|g| decode_commit(number, g.value())).transpose()
}

/// The lowest and highest commit numbers the log holds, if any.
pub(crate) fn commit_range<S: Source + ?Sized>(src: &S) -> Result<Option<(u64, u64)>> {
    let Some(t) = src.open_optional(COMMITS)? else {
        return Ok(None);
    };
    if t.is_empty()? {
        return Ok(None);
    }
    let (Some(first), Some(last)) = (t.first()?, t.last()?) else {
        return Ok(None);
    };
    Ok(Some((first.0.value(), last.0.value())))
}

/// Whether every commit from number `from` on records what its changes replaced (was
/// written in format 3 or later), so that it can be undone.
pub(crate) fn reversible_from<S: Source + ?Sized>(src: &S, from: u64) -> Result<bool> {
    let Some(t) = src.open_optional(COMMITS)? else {
        return Ok(true);
    };
    for r in t.range(from..)? {
        let (k, v) = r?;
        if !decode_commit(k.value(), v.value())?.reversible {
            return Ok(false);
        }
    }
    Ok(true)
}
