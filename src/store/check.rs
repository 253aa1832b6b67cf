//! Consistency check: verifies every invariant the write path maintains.
//!
//! The write path keeps several structures in step — the out and in adjacency tables, the
//! external-id index, the counts, the id counters. [`Read::check`](super::Read::check)
//! re-derives all of them from the records in one pass per table and lists every
//! disagreement, so a test (or an operator after a crash) can tell a clean database from a
//! damaged one and see exactly what is wrong. It never stops at the first problem and never
//! fails on a bad record: undecodable data is itself a violation.

use super::error::Result;
use super::internal::codec::decode;
use super::internal::keys;
use super::internal::records::{corrupt_key, decode_node};
use super::internal::source::Source;
use super::internal::tables::{self, Counters, IN, LOG, OUT};
use super::log::{Change, LogRecord};
use crate::model::{
    AccountKind, Edge, EdgeAttrs, EdgeKey, EdgeKind, Employment, ModelError, Node, NodeKind,
    NodeRef,
};
use redb::ReadableTable;
use std::collections::HashMap;
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
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Undecodable { what, reason } => {
                write!(f, "{what} does not decode: {reason}")
            }
            Violation::MissingMirror { edge, missing_from } => {
                write!(f, "edge {edge} is missing from the {missing_from} table")
            }
            Violation::DanglingEnd { edge, end } => write!(f, "edge {edge}: {end} does not exist"),
            Violation::NotACompetitor { edge } => {
                write!(
                    f,
                    "edge {edge} starts at an account that is not a competitor"
                )
            }
            Violation::SelfLoop { edge } => write!(f, "edge {edge} is a self-loop"),
            Violation::InvalidEdge { edge, reason } => write!(f, "edge {edge}: {reason}"),
            Violation::OverlappingPeriods { edge, existing } => write!(
                f,
                "edge {edge}: its employment period overlaps that of {existing}"
            ),
            Violation::SecondEdge { edge, existing } => {
                write!(
                    f,
                    "edge {edge} is a second {} edge beside {existing}",
                    edge.kind
                )
            }
            Violation::XidNotIndexed { node, xid } => {
                write!(
                    f,
                    "{node} has external id {xid:?}, which does not index to it"
                )
            }
            Violation::XidOrphan { node, xid } => {
                write!(
                    f,
                    "external id {xid:?} indexes to {node}, which does not have it"
                )
            }
            Violation::CountMismatch {
                what,
                stored,
                actual,
            } => write!(f, "count of {what} is {stored} but there are {actual}"),
            Violation::IdBeyondCounter { node } => {
                write!(f, "{node} is at or beyond its kind's next-id counter")
            }
            Violation::SeqBeyondCounter { seq } => {
                write!(
                    f,
                    "log entry {seq} is at or beyond the next sequence number"
                )
            }
        }
    }
}

/// The result of a consistency check: every violation found (none = clean).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The violations, in the order found (nodes, index, edges, log).
    pub violations: Vec<Violation>,
}

impl CheckReport {
    /// Whether no invariant is broken.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return f.write_str("database is consistent");
        }
        write!(f, "{} violation(s):", self.violations.len())?;
        for v in &self.violations {
            write!(f, "\n  {v}")?;
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
    check_log(src, &counters, &mut v)?;
    Ok(CheckReport { violations: v })
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

/// Reports overlapping employment periods among one person's `works_at` edges.
fn overlapping_periods(edges: &[Edge], v: &mut Vec<Violation>) {
    let periods: Vec<&Employment> = edges
        .iter()
        .filter_map(|e| match e {
            Edge::WorksAt { employment, .. } => Some(employment),
            _ => None,
        })
        .collect();
    for (a, b) in Employment::overlapping_pairs(&periods) {
        v.push(Violation::OverlappingPeriods {
            edge: edges[b].key(),
            existing: edges[a].key(),
        });
    }
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
        if let Err(e) = decode::<LogRecord<Change>>(val.value(), &|| format!("log entry {seq}")) {
            v.push(undecodable(&e));
        }
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
