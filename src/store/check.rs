//! Consistency check: verifies every invariant the write path maintains.
//!
//! The write path keeps several structures in step — the out and in adjacency tables, the
//! external-id index, the counts, the id counters. [`Read::check`](super::Read::check)
//! re-derives all of them from the records in one pass per table and lists every
//! disagreement, so a test (or an operator after a crash) can tell a clean database from a
//! damaged one and see exactly what is wrong. It never stops at the first problem and never
//! fails on a bad record: undecodable data is itself a violation.

use super::error::Result;
use super::history;
use super::interaction::{self, InteractionId};
use super::internal::codec::decode;
use super::internal::keys;
use super::internal::records::{corrupt_key, decode_node};
use super::internal::source::Source;
use super::internal::tables::{self, Counters, COMMITS, IN, LOG, OUT};
use crate::model::{
    AccountKind, Edge, EdgeAttrs, EdgeKey, EdgeKind, Employment, Interaction, ModelError, Node,
    NodeKind, NodeLabel, NodeRef,
};
use redb::ReadableTable;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// A record or key that does not decode.
    Undecodable {
        /// Which record.
        what: String,
        /// Why.
        reason: String,
    },
    /// An edge present in one adjacency table but not the other.
    MissingMirror {
        /// The edge.
        edge: EdgeKey,
        /// The table it is missing from (`in` or `out`).
        missing_from: &'static str,
    },
    /// An edge end without a node record.
    DanglingEnd {
        /// The edge.
        edge: EdgeKey,
        /// The missing end.
        end: NodeRef,
    },
    /// A `rival_tie` or competes edge starting at a non-competitor account.
    NotACompetitor {
        /// The edge.
        edge: EdgeKey,
    },
    /// A `reports_to` or influences self-loop.
    SelfLoop {
        /// The edge.
        edge: EdgeKey,
    },
    /// An edge breaking another rule of its own (an empty employment period, a long title).
    InvalidEdge {
        /// The edge.
        edge: EdgeKey,
        /// The rule it breaks.
        reason: String,
    },
    /// Two `works_at` edges of one person whose employment periods overlap.
    OverlappingPeriods {
        /// One edge.
        edge: EdgeKey,
        /// The edge whose period it overlaps.
        existing: EdgeKey,
    },
    /// A second `of` of a project.
    SecondEdge {
        /// The second edge.
        edge: EdgeKey,
        /// The first.
        existing: EdgeKey,
    },
    /// A node whose external id is not indexed, or indexed to another node.
    XidNotIndexed {
        /// The node.
        node: NodeRef,
        /// Its external id.
        xid: String,
    },
    /// An index entry for a node that does not exist or has another external id.
    XidOrphan {
        /// The node the entry points to.
        node: NodeRef,
        /// The indexed external id.
        xid: String,
    },
    /// A stored count that differs from the number of records.
    CountMismatch {
        /// Which count.
        what: String,
        /// The stored value.
        stored: u64,
        /// The number of records.
        actual: u64,
    },
    /// A node id at or beyond its kind's id counter (it could be handed out again).
    IdBeyondCounter {
        /// The node.
        node: NodeRef,
    },
    /// A log entry at or beyond the sequence counter.
    SeqBeyondCounter {
        /// Its sequence number.
        seq: u64,
    },
    /// The commit records or the log's counters disagree with the log: a commit whose
    /// range is empty, out of order or beyond the head, a gap in the commit numbers, a
    /// commit number at or beyond the commit counter, an entry before the log's start.
    History {
        /// What is wrong.
        problem: String,
    },
    /// An interaction whose employee, person or project has no record.
    DanglingInteraction {
        /// The interaction.
        id: InteractionId,
        /// The missing node.
        end: NodeRef,
    },
    /// An interaction at or beyond the interaction id counter.
    InteractionBeyondCounter {
        /// The interaction.
        id: InteractionId,
    },
    /// An interaction record and one of its indexes disagree: the index lacks the
    /// record's entry, holds another value under it, or holds an entry no record has.
    InteractionIndex {
        /// The interaction (the id in the index key, for an entry without a record).
        id: InteractionId,
        /// The index (`by_pair`, `by_person`, `by_date`, `by_project`).
        index: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
}

impl Violation {
    /// Writes the violation, naming nodes with `node` (and edges by kind and their ends).
    fn describe(
        &self,
        f: &mut fmt::Formatter<'_>,
        node: &dyn Fn(NodeRef) -> NodeLabel,
    ) -> fmt::Result {
        let edge = |k: &EdgeKey| format!("{} {} → {}", k.kind, node(k.from), node(k.to));
        match self {
            Violation::Undecodable { what, reason } => {
                write!(f, "{what} does not decode: {reason}")
            }
            Violation::MissingMirror {
                edge: e,
                missing_from,
            } => {
                write!(
                    f,
                    "edge {} is missing from the {missing_from} table",
                    edge(e)
                )
            }
            Violation::DanglingEnd { edge: e, end } => {
                write!(f, "edge {}: {} does not exist", edge(e), node(*end))
            }
            Violation::NotACompetitor { edge: e } => write!(
                f,
                "edge {} starts at an account that is not a competitor",
                edge(e)
            ),
            Violation::SelfLoop { edge: e } => write!(f, "edge {} is a self-loop", edge(e)),
            Violation::InvalidEdge { edge: e, reason } => write!(f, "edge {}: {reason}", edge(e)),
            Violation::OverlappingPeriods { edge: e, existing } => write!(
                f,
                "edge {}: its employment period overlaps that of {}",
                edge(e),
                edge(existing)
            ),
            Violation::SecondEdge { edge: e, existing } => write!(
                f,
                "edge {} is a second {} edge beside {}",
                edge(e),
                e.kind,
                edge(existing)
            ),
            Violation::XidNotIndexed { node: n, xid } => write!(
                f,
                "{} has external id {xid:?}, which does not index to it",
                node(*n)
            ),
            Violation::XidOrphan { node: n, xid } => write!(
                f,
                "external id {xid:?} indexes to {}, which does not have it",
                node(*n)
            ),
            Violation::CountMismatch {
                what,
                stored,
                actual,
            } => write!(f, "count of {what} is {stored} but there are {actual}"),
            Violation::IdBeyondCounter { node: n } => {
                write!(f, "{} is at or beyond its kind's next-id counter", node(*n))
            }
            Violation::History { problem } => write!(f, "change log: {problem}"),
            Violation::SeqBeyondCounter { seq } => {
                write!(
                    f,
                    "log entry {seq} is at or beyond the next sequence number"
                )
            }
            Violation::DanglingInteraction { id, end } => {
                write!(f, "{id}: {} does not exist", node(*end))
            }
            Violation::InteractionBeyondCounter { id } => {
                write!(f, "{id} is at or beyond the next interaction id")
            }
            Violation::InteractionIndex { id, index, problem } => {
                write!(f, "{id}: index {index} {problem}")
            }
        }
    }

    /// The nodes the violation names.
    fn nodes(&self) -> Vec<NodeRef> {
        match self {
            Violation::MissingMirror { edge, .. }
            | Violation::NotACompetitor { edge }
            | Violation::SelfLoop { edge }
            | Violation::InvalidEdge { edge, .. }
            | Violation::DanglingEnd { edge, .. } => vec![edge.from, edge.to],
            Violation::OverlappingPeriods { edge, existing }
            | Violation::SecondEdge { edge, existing } => {
                vec![edge.from, edge.to, existing.from, existing.to]
            }
            Violation::XidNotIndexed { node, .. }
            | Violation::XidOrphan { node, .. }
            | Violation::IdBeyondCounter { node } => vec![*node],
            Violation::DanglingInteraction { end, .. } => vec![*end],
            Violation::Undecodable { .. }
            | Violation::CountMismatch { .. }
            | Violation::History { .. }
            | Violation::SeqBeyondCounter { .. }
            | Violation::InteractionBeyondCounter { .. }
            | Violation::InteractionIndex { .. } => Vec::new(),
        }
    }
}

impl fmt::Display for Violation {
    /// Nodes are named by kind and number (`person #3`); a [`CheckReport`] names them by
    /// external id where their records have one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f, &|node| NodeLabel { node, xid: None })
    }
}

/// The result of a consistency check: every violation found (none = clean).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The violations, in the order found (nodes, index, edges, log).
    pub violations: Vec<Violation>,
    /// The external ids of the nodes the violations name, where their records have one:
    /// what the report's text names them by.
    names: BTreeMap<NodeRef, String>,
}

impl CheckReport {
    /// Whether no invariant is broken.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }
}

impl fmt::Display for CheckReport {
    /// One line per violation, nodes named by external id (`person "p1"`), or by kind and
    /// number where there is none (`person #9`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return f.write_str("database is consistent");
        }
        write!(f, "{} violation(s):", self.violations.len())?;
        let label = |node: NodeRef| NodeLabel {
            node,
            xid: self.names.get(&node).cloned(),
        };
        for v in &self.violations {
            f.write_str("\n  ")?;
            v.describe(f, &label)?;
        }
        Ok(())
    }
}

/// Runs the check over any source.
pub(crate) fn run<S: Source + ?Sized>(src: &S) -> Result<CheckReport> {
    let counters = src.counters()?;
    let mut v = Vec::new();
    let (xids, account_kinds) = check_nodes(src, &counters, &mut v)?;
    check_edges(src, &counters, &xids, &account_kinds, &mut v)?;
    check_interactions(src, &counters, &xids, &mut v)?;
    check_log(src, &counters, &mut v)?;
    let names = v
        .iter()
        .flat_map(Violation::nodes)
        .filter_map(|n| {
            let xid = xids[usize::from(n.kind.code())].get(&n.id)?;
            (!xid.is_empty()).then(|| (n, xid.clone()))
        })
        .collect();
    Ok(CheckReport {
        violations: v,
        names,
    })
}

type Xids = [HashMap<u32, String>; NodeKind::COUNT];

/// Node records against the index, the counts and the id counters.
fn check_nodes<S: Source + ?Sized>(
    src: &S,
    counters: &Counters,
    v: &mut Vec<Violation>,
) -> Result<(Xids, HashMap<u32, AccountKind>)> {
    let mut xids: Xids = Default::default();
    let mut account_kinds: HashMap<u32, AccountKind> = HashMap::new();
    for kind in NodeKind::ALL {
        let k = usize::from(kind.code());
        let t = src.open(tables::nodes(kind))?;
        let index = src.open(tables::xids(kind))?;
        let mut actual = 0u64;
        for r in t.iter()? {
            let (key, val) = r?;
            let node = NodeRef::new(kind, key.value());
            actual += 1;
            if node.id >= counters.next_id[k] {
                v.push(Violation::IdBeyondCounter { node });
            }
            match decode_node(node, val.value()) {
                Ok(rec) => {
                    if let Node::Account(a) = &rec {
                        account_kinds.insert(node.id, a.kind);
                    }
                    let xid = rec.xid().to_owned();
                    if index.get(xid.as_str())?.map(|g| g.value()) != Some(node.id) {
                        v.push(Violation::XidNotIndexed {
                            node,
                            xid: xid.clone(),
                        });
                    }
                    xids[k].insert(node.id, xid);
                }
                Err(e) => {
                    v.push(undecodable(&e));
                    xids[k].insert(node.id, String::new());
                }
            }
        }
        count(v, format!("{kind} nodes"), counters.nodes[k], actual);
        for r in index.iter()? {
            let (xid, id) = r?;
            let node = NodeRef::new(kind, id.value());
            if xids[k].get(&node.id).map(String::as_str) != Some(xid.value()) {
                v.push(Violation::XidOrphan {
                    node,
                    xid: xid.value().to_owned(),
                });
            }
        }
    }
    Ok((xids, account_kinds))
}

/// Both adjacency tables: decoding, mirrors, ends, competitor and single-edge rules, counts.
fn check_edges<S: Source + ?Sized>(
    src: &S,
    counters: &Counters,
    xids: &Xids,
    account_kinds: &HashMap<u32, AccountKind>,
    v: &mut Vec<Violation>,
) -> Result<()> {
    let exists = |n: NodeRef| xids[usize::from(n.kind.code())].contains_key(&n.id);
    // Edges, out direction.
    let out = src.open(OUT)?;
    let inn = src.open(IN)?;
    let mut actual = [0u64; EdgeKind::COUNT];
    let mut last_single: Option<EdgeKey> = None;
    // The works_at edges of one person, adjacent in key order.
    let mut employed: Vec<Edge> = Vec::new();
    for r in out.iter()? {
        let (k, val) = r?;
        let raw = k.value();
        let Some(key) = keys::decode_out(raw) else {
            v.push(undecodable(&corrupt_key("out", raw)));
            continue;
        };
        actual[usize::from(key.kind.code())] += 1;
        match decode::<EdgeAttrs>(val.value(), &|| format!("edge {key}")) {
            Ok(attrs) => {
                if let Some(edge) = Edge::from_parts(key, attrs) {
                    match edge.validate() {
                        Err(ModelError::SelfLoop(_)) => v.push(Violation::SelfLoop { edge: key }),
                        Err(e) => v.push(Violation::InvalidEdge {
                            edge: key,
                            reason: e.to_string(),
                        }),
                        Ok(()) => {}
                    }
                    if key.kind == EdgeKind::WorksAt {
                        if employed.last().is_some_and(|e| e.key().from != key.from) {
                            overlapping_periods(&std::mem::take(&mut employed), v);
                        }
                        employed.push(edge);
                    }
                } else {
                    v.push(Violation::Undecodable {
                        what: format!("edge {key}"),
                        reason: "attributes of another edge kind".to_owned(),
                    });
                }
            }
            Err(e) => v.push(undecodable(&e)),
        }
        for end in [key.from, key.to] {
            if !exists(end) {
                v.push(Violation::DanglingEnd { edge: key, end });
            }
        }
        if key.kind.starts_at_competitor()
            && account_kinds
                .get(&key.from.id)
                .is_some_and(|k| *k != AccountKind::Competitor)
        {
            v.push(Violation::NotACompetitor { edge: key });
        }
        if key.kind.one_per_source() {
            if let Some(prev) = last_single.filter(|p| p.kind == key.kind && p.from == key.from) {
                v.push(Violation::SecondEdge {
                    edge: key,
                    existing: prev,
                });
            } else {
                last_single = Some(key);
            }
        }
        if inn.get(&keys::in_key(&key))?.is_none() {
            v.push(Violation::MissingMirror {
                edge: key,
                missing_from: "in",
            });
        }
    }
    overlapping_periods(&employed, v);
    for r in inn.iter()? {
        let (k, _) = r?;
        let raw = k.value();
        let Some(key) = keys::decode_in(raw) else {
            v.push(undecodable(&corrupt_key("in", raw)));
            continue;
        };
        if out.get(&keys::out_key(&key))?.is_none() {
            v.push(Violation::MissingMirror {
                edge: key,
                missing_from: "out",
            });
        }
    }
    for kind in EdgeKind::ALL {
        let k = usize::from(kind.code());
        count(v, format!("{kind} edges"), counters.edges[k], actual[k]);
    }
    Ok(())
}

/// The periods of the `works_at` edges among `edges`, in their order.
pub(super) fn periods(edges: &[Edge]) -> Vec<&Employment> {
    edges
        .iter()
        .filter_map(|e| match e {
            Edge::WorksAt { employment, .. } => Some(employment),
            _ => None,
        })
        .collect()
}

/// Reports overlapping employment periods among one person's `works_at` edges.
fn overlapping_periods(edges: &[Edge], v: &mut Vec<Violation>) {
    let periods = periods(edges);
    for (a, b) in Employment::overlapping_pairs(&periods) {
        v.push(Violation::OverlappingPeriods {
            edge: edges[b].key(),
            existing: edges[a].key(),
        });
    }
}

/// The interaction records against their indexes, their ends, the count and the id
/// counter. A file without the interaction tables (format 1) has none.
fn check_interactions<S: Source + ?Sized>(
    src: &S,
    counters: &Counters,
    xids: &Xids,
    v: &mut Vec<Violation>,
) -> Result<()> {
    let exists = |n: NodeRef| xids[usize::from(n.kind.code())].contains_key(&n.id);
    let pair = src.open_optional(tables::BY_PAIR)?;
    let person = src.open_optional(tables::BY_PERSON)?;
    let date = src.open_optional(tables::BY_DATE)?;
    let project = src.open_optional(tables::BY_PROJECT)?;
    // Every record: decodes, below the counter, ends exist, one entry in each index
    // holding the same bytes.
    let mut records: HashMap<u64, Interaction> = HashMap::new();
    let mut actual = 0u64;
    if let Some(t) = src.open_optional(tables::INTERACTIONS)? {
        for r in t.iter()? {
            let (k, val) = r?;
            let id = InteractionId(k.value());
            actual += 1;
            if id.0 >= counters.next_interaction {
                v.push(Violation::InteractionBeyondCounter { id });
            }
            let bytes = val.value();
            let i = match interaction::decode_record(bytes, id) {
                Ok(i) => i,
                Err(e) => {
                    v.push(undecodable(&e));
                    continue;
                }
            };
            let ends = [
                Some(NodeRef::from(i.employee)),
                Some(NodeRef::from(i.person)),
                i.project.map(NodeRef::from),
            ];
            for end in ends.into_iter().flatten() {
                if !exists(end) {
                    v.push(Violation::DanglingInteraction { id, end });
                }
            }
            let keys = interaction::IndexKeys::of(id, &i);
            let mut entry = |index: &'static str, found: Option<&[u8]>| {
                let problem = match found {
                    None => "lacks its entry",
                    Some(f) if f != bytes => "holds another record under its key",
                    Some(_) => return,
                };
                v.push(Violation::InteractionIndex { id, index, problem });
            };
            entry("by_pair", value_at(pair.as_ref(), &keys.pair)?.as_deref());
            entry(
                "by_person",
                value_at(person.as_ref(), &keys.person)?.as_deref(),
            );
            entry("by_date", value_at(date.as_ref(), &keys.date)?.as_deref());
            if let Some(k) = keys.project {
                let found = match &project {
                    Some(t) => t.get(&k)?.map(|_| bytes),
                    None => None,
                };
                entry("by_project", found);
            }
            records.insert(id.0, i);
        }
    }
    count(v, "interactions".to_owned(), counters.interactions, actual);
    // Every index entry: belongs to a record, under the key that record has there.
    let expected = |id: InteractionId| {
        records
            .get(&id.0)
            .map(|i| interaction::IndexKeys::of(id, i))
    };
    orphans(
        pair.as_ref(),
        "by_pair",
        |id| expected(id).map(|k| k.pair),
        v,
    )?;
    orphans(
        person.as_ref(),
        "by_person",
        |id| expected(id).map(|k| k.person),
        v,
    )?;
    orphans(
        date.as_ref(),
        "by_date",
        |id| expected(id).map(|k| k.date),
        v,
    )?;
    orphans(
        project.as_ref(),
        "by_project",
        |id| expected(id).and_then(|k| k.project),
        v,
    )?;
    Ok(())
}

/// The value an interaction index holds under `key`, if any.
fn value_at<const N: usize>(
    t: Option<&impl ReadableTable<&'static [u8; N], &'static [u8]>>,
    key: &[u8; N],
) -> Result<Option<Vec<u8>>> {
    let Some(t) = t else {
        return Ok(None);
    };
    Ok(t.get(key)?.map(|g| g.value().to_vec()))
}

/// Reports the entries of an interaction index that are not where a record puts one:
/// `expected` gives the key the record with that id has in this index.
fn orphans<const N: usize, V: redb::Value + 'static>(
    t: Option<&impl ReadableTable<&'static [u8; N], V>>,
    index: &'static str,
    expected: impl Fn(InteractionId) -> Option<[u8; N]>,
    v: &mut Vec<Violation>,
) -> Result<()> {
    let Some(t) = t else {
        return Ok(());
    };
    for r in t.iter()? {
        let (k, _) = r?;
        let id = interaction::id_of(k.value());
        if expected(id).as_ref() != Some(k.value()) {
            v.push(Violation::InteractionIndex {
                id,
                index,
                problem: "holds an entry that no record has",
            });
        }
    }
    Ok(())
}

/// Log records decode and lie below the sequence counter.
fn check_log<S: Source + ?Sized>(
    src: &S,
    counters: &Counters,
    v: &mut Vec<Violation>,
) -> Result<()> {
    let log = src.open(LOG)?;
    for r in log.iter()? {
        let (k, val) = r?;
        let seq = k.value();
        if seq >= counters.next_seq {
            v.push(Violation::SeqBeyondCounter { seq });
        }
        if seq < counters.log_start {
            v.push(Violation::History {
                problem: format!(
                    "entry {seq} is before the log's start {}, where it was trimmed",
                    counters.log_start
                ),
            });
        }
        if let Err(e) = history::decode_entry(seq, val.value()) {
            v.push(undecodable(&e));
        }
    }
    drop(log);
    let Some(commits) = src.open_optional(COMMITS)? else {
        return Ok(());
    };
    let mut previous: Option<(u64, u64)> = None; // (number, end_seq)
    for r in commits.iter()? {
        let (k, val) = r?;
        let n = k.value();
        let mut problem = |p: String| v.push(Violation::History { problem: p });
        if n == 0 || n >= counters.next_commit {
            problem(format!(
                "commit {n} is outside 1..{} (the commit counter)",
                counters.next_commit
            ));
        }
        let c = match history::decode_commit(n, val.value()) {
            Ok(c) => c,
            Err(e) => {
                v.push(undecodable(&e));
                continue;
            }
        };
        if c.first_seq >= c.end_seq || c.end_seq > counters.next_seq {
            problem(format!(
                "commit {n} spans entries {}..{}, which is empty or beyond the head {}",
                c.first_seq, c.end_seq, counters.next_seq
            ));
        }
        if let Some((pn, pend)) = previous {
            if n != pn + 1 {
                problem(format!("commits {pn} and {n} are not consecutive"));
            }
            if c.first_seq < pend {
                problem(format!(
                    "commit {n} starts at entry {}, before commit {pn} ends",
                    c.first_seq
                ));
            }
        }
        previous = Some((n, c.end_seq));
    }
    Ok(())
}

fn count(v: &mut Vec<Violation>, what: String, stored: u64, actual: u64) {
    if stored != actual {
        v.push(Violation::CountMismatch {
            what,
            stored,
            actual,
        });
    }
}

fn undecodable(e: &super::error::StoreError) -> Violation {
    match e {
        super::error::StoreError::Corrupt { what, reason } => Violation::Undecodable {
            what: what.clone(),
            reason: reason.clone(),
        },
        other => Violation::Undecodable {
            what: "record".to_owned(),
            reason: other.to_string(),
        },
    }
}
