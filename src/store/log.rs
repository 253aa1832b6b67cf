//! The change log: every committed change, in order, with the caller's timestamp and the
//! commit it belongs to — a sync feed, an audit trail and the history the database can
//! be read back from.
//!
//! # What an entry holds
//!
//! Each committed [`Change`] gets the next sequence number, and each write transaction
//! that changed something is a [`Commit`], numbered from 1, with the caller's time and
//! the counts of its changes. An entry is self-contained *both ways*: it carries the new
//! record (an upsert the whole node, a put the whole edge) and what the change replaced
//! or removed (`before`), so the log can be replayed forwards into an empty database and
//! undone backwards from the current one. A node's removal is preceded by one entry per
//! interaction it took or changed and one per edge it took, so a consumer that applies
//! entries one by one never holds a dangling edge. [`LogEntry::xids`] names every node an
//! entry mentions by external id — also a node removed since (the store keeps the
//! external ids of removed nodes: ids are never reused).
//!
//! # Reading it as a feed
//!
//! [`Read::log_head`](super::Read::log_head) is the next sequence number (one counter,
//! not a scan); [`Read::log_page`](super::Read::log_page) reads a bounded page from any
//! sequence number and says where the next page starts. A consumer stores the `next` of
//! the last page it applied. Once every consumer has synced past a sequence number,
//! [`WriteTxn::trim_log`](super::WriteTxn::trim_log) drops the entries before it; a reader
//! that asks for a trimmed range gets [`StoreError::LogTrimmed`](super::StoreError::LogTrimmed)
//! with the lowest sequence number still held, and must resynchronise from the data.
//!
//! # Older files
//!
//! Files of format 1 and 2 logged changes without `before` and without commits. Their
//! entries read with `before: None` and removals without the removed record; the first
//! write transaction upgrades the file and derives its commits from the log (each run of
//! entries with the same time is one commit — exact for files written by `brm`, whose
//! writes are stamped with the clock in milliseconds).
//!
//! [`WriteTxn::erase_person`](super::WriteTxn::erase_person) deliberately removes every
//! entry that mentions a person (its upserts hold its name): after it, the log replays to
//! the database as if the person had never been recorded.

use super::interaction::InteractionId;
use crate::model::{Edge, EdgeAttrs, EdgeKey, Interaction, Node, NodeRef};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One change to the database, with what it replaced or removed.
///
/// `before` is `None` where the change added something new — and in every entry of a
/// file written before format 3, which did not record it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Change {
    /// A node was added (`before` is `None`) or its record changed.
    UpsertNode {
        /// The node.
        node: NodeRef,
        /// Its new record.
        record: Node,
        /// Its record before the change.
        before: Option<Node>,
    },
    /// An edge was added (`before` is `None`) or its attributes replaced.
    PutEdge {
        /// The edge as it now is.
        edge: Edge,
        /// The edge before the change.
        before: Option<Edge>,
    },
    /// An edge was removed, on its own or with one of its ends (then just before that
    /// end's [`Change::RemoveNode`]).
    RemoveEdge {
        /// The edge's key.
        key: EdgeKey,
        /// The edge that was removed, attributes included.
        before: Option<Edge>,
    },
    /// A node was removed. The edges and interactions it took have their own entries
    /// just before this one.
    RemoveNode {
        /// The node.
        node: NodeRef,
        /// Its record when it was removed.
        before: Option<Node>,
    },
    /// An interaction was recorded (`before` is `None`), or its record changed (its
    /// project cleared when the project was removed).
    PutInteraction {
        /// Its id.
        id: InteractionId,
        /// Its record.
        interaction: Interaction,
        /// Its record before the change.
        before: Option<Interaction>,
    },
    /// An interaction was removed (on its own, or with its employee or person).
    RemoveInteraction {
        /// Its id.
        id: InteractionId,
        /// The interaction that was removed.
        before: Option<Interaction>,
    },
}

impl Change {
    /// Whether this change mentions `node` (as the node itself, as an edge end, or as an
    /// interaction's employee, person or project — before or after the change).
    pub fn mentions(&self, node: NodeRef) -> bool {
        let mut nodes = Vec::new();
        self.nodes(&mut nodes);
        nodes.contains(&node)
    }

    /// Appends the nodes this change mentions to `out`, in a fixed order (the node or
    /// the edge's ends; an interaction's employee, person and projects).
    pub fn nodes(&self, out: &mut Vec<NodeRef>) {
        match self {
            Change::UpsertNode { node, .. } | Change::RemoveNode { node, .. } => out.push(*node),
            Change::PutEdge { edge, .. } => {
                let k = edge.key();
                out.extend([k.from, k.to]);
            }
            Change::RemoveEdge { key, .. } => out.extend([key.from, key.to]),
            Change::PutInteraction {
                interaction,
                before,
                ..
            } => {
                interaction_nodes(interaction, out);
                if let Some(b) = before {
                    interaction_nodes(b, out);
                }
            }
            Change::RemoveInteraction { before, .. } => {
                if let Some(b) = before {
                    interaction_nodes(b, out);
                }
            }
        }
        dedup_in_order(out);
    }
}

/// The nodes of an interaction: employee, person, project.
fn interaction_nodes(i: &Interaction, out: &mut Vec<NodeRef>) {
    out.extend([NodeRef::from(i.employee), NodeRef::from(i.person)]);
    out.extend(i.project.map(NodeRef::from));
}

/// Removes repeated nodes, keeping the first of each.
fn dedup_in_order(v: &mut Vec<NodeRef>) {
    let mut seen = Vec::with_capacity(v.len());
    v.retain(|n| {
        if seen.contains(n) {
            false
        } else {
            seen.push(*n);
            true
        }
    });
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::UpsertNode {
                node,
                record,
                before,
            } => {
                let verb = if before.is_some() { "update" } else { "upsert" };
                write!(f, "{verb} {node} {:?}", record.xid())
            }
            Change::PutEdge { edge, .. } => write!(f, "put {}", edge.key()),
            Change::RemoveEdge { key, .. } => write!(f, "remove {key}"),
            Change::RemoveNode { node, .. } => write!(f, "remove {node}"),
            Change::PutInteraction {
                id, interaction: i, ..
            } => write!(
                f,
                "put {id}: {} {} with {} on {}",
                i.kind,
                NodeRef::from(i.employee),
                NodeRef::from(i.person),
                i.date
            ),
            Change::RemoveInteraction { id, .. } => write!(f, "remove {id}"),
        }
    }
}

/// The external ids of the nodes a [`LogEntry`] mentions, in the order
/// [`Change::nodes`] lists them. A node has none here only in a file of format 1 or 2
/// that no write has upgraded yet, if it was removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Xids(pub Vec<(NodeRef, String)>);

impl Xids {
    /// The external id of `node`, if the entry mentions it and it is known.
    pub fn get(&self, node: NodeRef) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == node)
            .map(|(_, x)| x.as_str())
    }
}

/// A change with its place in the log.
///
/// Serialises to JSON (and back) naming every node by kind, store id and external id,
/// with kinds and enums in `snake_case` as in the CSV and dates as `YYYY-MM-DD`; `op` says
/// what changed (`upsert_node`, `remove_node`, `put_edge`, `remove_edge`,
/// `put_interaction`, `remove_interaction`) and `before` what it replaced or removed:
///
/// ```json
/// {"seq": 18, "commit": 4, "time": 400,
///  "change": {"op": "remove_edge",
///             "edge": {"kind": "reports_to",
///                      "from": {"kind": "person", "id": 0, "xid": "p1"},
///                      "to": {"kind": "person", "id": 1, "xid": "p2"}},
///             "before": {"weight": 0.8}}}
/// ```
///
/// A node record holds the fields of its type besides the external id (`name`; `kind`
/// of an account, `title` of a person, `left` of an employee, `stage` and `amount` of a
/// project), an edge's `attrs` the fields of its kind (`since`, `until`, `title`;
/// `weight`; `closeness`, `last_contact`, `private`; `role`, `coach`, `solution`,
/// `price`).
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Sequence number: increasing, never reused.
    pub seq: u64,
    /// The number of the commit (write transaction) the change belongs to, from 1; 0 in
    /// a file of format 1 or 2 that no write has upgraded yet.
    pub commit: u64,
    /// The timestamp the writer passed to [`Database::begin_write`](super::Database::begin_write).
    pub time: i64,
    /// What changed.
    pub change: Change,
    /// The external ids of the nodes it mentions.
    pub xids: Xids,
}

impl LogEntry {
    /// The external id of a node the entry mentions, if known.
    pub fn xid(&self, node: NodeRef) -> Option<&str> {
        self.xids.get(node)
    }
}

/// One page of the log ([`Read::log_page`](super::Read::log_page)).
#[derive(Debug, Clone, PartialEq)]
pub struct LogPage {
    /// The entries, in sequence order; at most the limit asked.
    pub entries: Vec<LogEntry>,
    /// Where the next page starts: one past the last entry returned, or the head when
    /// the page reached it.
    pub next: u64,
    /// The head when the page was read: the sequence number the next change will get.
    pub head: u64,
}

impl LogPage {
    /// Whether the page reached the head: nothing more to read for now.
    pub fn is_last(&self) -> bool {
        self.next >= self.head
    }
}

/// How many records of one class a commit added, changed and removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tally {
    /// Records added.
    pub added: u64,
    /// Records whose value changed (a node's record, an edge's attributes, an
    /// interaction's project).
    pub changed: u64,
    /// Records removed.
    pub removed: u64,
}

impl Tally {
    /// The number of changes of all three sorts.
    pub fn total(&self) -> u64 {
        self.added + self.changed + self.removed
    }
}

/// The changes of a commit, by kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChangeCounts {
    /// Nodes.
    pub nodes: Tally,
    /// Edges.
    pub edges: Tally,
    /// Interactions.
    pub interactions: Tally,
}

impl ChangeCounts {
    /// The number of changes, which is the number of log entries of the commit.
    pub fn total(&self) -> u64 {
        self.nodes.total() + self.edges.total() + self.interactions.total()
    }
}

impl fmt::Display for ChangeCounts {
    /// `nodes +2 ~1 -0, edges +5 ~0 -1, interactions +0 ~0 -0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = |t: Tally| format!("+{} ~{} -{}", t.added, t.changed, t.removed);
        write!(
            f,
            "nodes {}, edges {}, interactions {}",
            t(self.nodes),
            t(self.edges),
            t(self.interactions)
        )
    }
}

/// One write transaction that changed the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// Its number: the first commit is 1, each next one 1 more.
    pub number: u64,
    /// The timestamp the writer passed to [`Database::begin_write`](super::Database::begin_write).
    pub time: i64,
    /// The sequence number of its first log entry.
    pub first_seq: u64,
    /// One past the sequence number of its last log entry.
    pub end_seq: u64,
    /// Its changes, by kind of record. (After an erasure, a commit counts the changes
    /// that remain in the log.)
    pub changes: ChangeCounts,
}

/// The stored form of a commit (the number is the key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CommitRecord {
    pub(crate) time: i64,
    pub(crate) first_seq: u64,
    pub(crate) end_seq: u64,
    pub(crate) changes: ChangeCounts,
    /// Whether its entries record what they replaced (format 3 and later): only then can
    /// it be undone.
    pub(crate) reversible: bool,
}

super::internal::codec::unchanged_since_v1!(CommitRecord);

impl CommitRecord {
    pub(crate) fn public(&self, number: u64) -> Commit {
        Commit {
            number,
            time: self.time,
            first_seq: self.first_seq,
            end_seq: self.end_seq,
            changes: self.changes,
        }
    }
}

// ----- The stored form -----

/// What a stored change knows of the value it replaced or removed.
///
/// The variant order is part of the record format: never reorder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Before<T> {
    /// Not recorded: an entry of a file of format 1 or 2.
    Unrecorded,
    /// There was none: the change added the value.
    Absent,
    /// The value before the change.
    Was(T),
}

impl<T> Before<T> {
    pub(crate) fn into_option(self) -> Option<T> {
        match self {
            Before::Was(v) => Some(v),
            Before::Unrecorded | Before::Absent => None,
        }
    }

    pub(crate) fn from_option(v: Option<T>) -> Before<T> {
        v.map_or(Before::Absent, Before::Was)
    }
}

/// A change as the log stores it (record version 3): store ids only, and `before` as
/// [`Before`]. The variant order is part of the record format: never reorder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Stored {
    UpsertNode {
        node: NodeRef,
        record: Node,
        before: Before<Node>,
    },
    PutEdge {
        edge: Edge,
        before: Before<EdgeAttrs>,
    },
    RemoveEdge {
        key: EdgeKey,
        before: Before<EdgeAttrs>,
    },
    RemoveNode {
        node: NodeRef,
        before: Before<Node>,
    },
    PutInteraction {
        id: InteractionId,
        interaction: Interaction,
        before: Before<Interaction>,
    },
    RemoveInteraction {
        id: InteractionId,
        before: Before<Interaction>,
    },
}

impl Stored {
    /// The public form; `None` if a stored edge attribute does not fit its key (damage).
    pub(crate) fn public(self) -> Option<Change> {
        let edge = |key: EdgeKey, b: Before<EdgeAttrs>| match b.into_option() {
            Some(attrs) => Edge::from_parts(key, attrs).map(Some),
            None => Some(None),
        };
        Some(match self {
            Stored::UpsertNode {
                node,
                record,
                before,
            } => Change::UpsertNode {
                node,
                record,
                before: before.into_option(),
            },
            Stored::PutEdge { edge: e, before } => {
                let key = e.key();
                Change::PutEdge {
                    edge: e,
                    before: edge(key, before)?,
                }
            }
            Stored::RemoveEdge { key, before } => Change::RemoveEdge {
                key,
                before: edge(key, before)?,
            },
            Stored::RemoveNode { node, before } => Change::RemoveNode {
                node,
                before: before.into_option(),
            },
            Stored::PutInteraction {
                id,
                interaction,
                before,
            } => Change::PutInteraction {
                id,
                interaction,
                before: before.into_option(),
            },
            Stored::RemoveInteraction { id, before } => Change::RemoveInteraction {
                id,
                before: before.into_option(),
            },
        })
    }

    /// Whether the change mentions `node` (see [`Change::mentions`]).
    pub(crate) fn mentions(&self, node: NodeRef) -> bool {
        let i = |i: &Interaction| {
            NodeRef::from(i.employee) == node
                || NodeRef::from(i.person) == node
                || i.project.is_some_and(|x| NodeRef::from(x) == node)
        };
        match self {
            Stored::UpsertNode { node: n, .. } | Stored::RemoveNode { node: n, .. } => *n == node,
            Stored::PutEdge { edge, .. } => {
                let k = edge.key();
                k.from == node || k.to == node
            }
            Stored::RemoveEdge { key, .. } => key.from == node || key.to == node,
            Stored::PutInteraction {
                interaction,
                before,
                ..
            } => i(interaction) || matches!(before, Before::Was(b) if i(b)),
            Stored::RemoveInteraction { before, .. } => matches!(before, Before::Was(b) if i(b)),
        }
    }

    /// Counts the change into `c` (see [`ChangeRef::tally`]).
    pub(crate) fn tally(&self, c: &mut ChangeCounts) {
        let put = |t: &mut Tally, added: bool| {
            if added {
                t.added += 1;
            } else {
                t.changed += 1;
            }
        };
        match self {
            Stored::UpsertNode { before, .. } => {
                put(&mut c.nodes, !matches!(before, Before::Was(_)));
            }
            Stored::PutEdge { before, .. } => put(&mut c.edges, !matches!(before, Before::Was(_))),
            Stored::RemoveEdge { .. } => c.edges.removed += 1,
            Stored::RemoveNode { .. } => c.nodes.removed += 1,
            Stored::PutInteraction { before, .. } => {
                put(&mut c.interactions, !matches!(before, Before::Was(_)));
            }
            Stored::RemoveInteraction { .. } => c.interactions.removed += 1,
        }
    }

    /// Takes the change out of `c` (an erased entry).
    pub(crate) fn untally(&self, c: &mut ChangeCounts) {
        let mut one = ChangeCounts::default();
        self.tally(&mut one);
        let sub = |a: &mut Tally, b: Tally| {
            a.added = a.added.saturating_sub(b.added);
            a.changed = a.changed.saturating_sub(b.changed);
            a.removed = a.removed.saturating_sub(b.removed);
        };
        sub(&mut c.nodes, one.nodes);
        sub(&mut c.edges, one.edges);
        sub(&mut c.interactions, one.interactions);
    }
}

/// The stored form of a log entry (the sequence number is the key).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct LogRecord<C> {
    pub(crate) time: i64,
    pub(crate) change: C,
}

/// A borrowed view of a [`Node`] that encodes exactly like it (same variant order), so the
/// write path can log a record without cloning it.
#[derive(Serialize, Clone, Copy)]
pub(crate) enum NodeView<'a> {
    Account(&'a crate::model::Account),
    Person(&'a crate::model::Person),
    Employee(&'a crate::model::Employee),
    Project(&'a crate::model::Project),
}

impl<'a> NodeView<'a> {
    pub(crate) fn of(node: &'a Node) -> NodeView<'a> {
        match node {
            Node::Account(n) => NodeView::Account(n),
            Node::Person(n) => NodeView::Person(n),
            Node::Employee(n) => NodeView::Employee(n),
            Node::Project(n) => NodeView::Project(n),
        }
    }

    pub(crate) fn kind(self) -> crate::model::NodeKind {
        use crate::model::NodeKind;
        match self {
            NodeView::Account(_) => NodeKind::Account,
            NodeView::Person(_) => NodeKind::Person,
            NodeView::Employee(_) => NodeKind::Employee,
            NodeView::Project(_) => NodeKind::Project,
        }
    }

    /// The model's view of the record (for validation).
    pub(crate) fn model(self) -> crate::model::NodeView<'a> {
        match self {
            NodeView::Account(n) => n.into(),
            NodeView::Person(n) => n.into(),
            NodeView::Employee(n) => n.into(),
            NodeView::Project(n) => n.into(),
        }
    }

    pub(crate) fn xid(self) -> &'a str {
        match self {
            NodeView::Account(n) => &n.xid,
            NodeView::Person(n) => &n.xid,
            NodeView::Employee(n) => &n.xid,
            NodeView::Project(n) => &n.xid,
        }
    }
}

/// A borrowed view of a [`Stored`] change that encodes exactly like it.
#[derive(Serialize)]
pub(crate) enum ChangeRef<'a> {
    UpsertNode {
        node: NodeRef,
        record: NodeView<'a>,
        before: Before<NodeView<'a>>,
    },
    PutEdge {
        edge: &'a Edge,
        before: Before<&'a EdgeAttrs>,
    },
    RemoveEdge {
        key: EdgeKey,
        before: Before<&'a EdgeAttrs>,
    },
    RemoveNode {
        node: NodeRef,
        before: Before<NodeView<'a>>,
    },
    PutInteraction {
        id: InteractionId,
        interaction: &'a Interaction,
        before: Before<&'a Interaction>,
    },
    RemoveInteraction {
        id: InteractionId,
        before: Before<&'a Interaction>,
    },
}

impl ChangeRef<'_> {
    /// Counts the change into a commit's counts: an upsert or put with nothing before
    /// adds, one with a value before changes; a removal removes.
    pub(crate) fn tally(&self, c: &mut ChangeCounts) {
        let put = |t: &mut Tally, before_was: bool| {
            if before_was {
                t.changed += 1;
            } else {
                t.added += 1;
            }
        };
        match self {
            ChangeRef::UpsertNode { before, .. } => {
                put(&mut c.nodes, matches!(before, Before::Was(_)));
            }
            ChangeRef::PutEdge { before, .. } => {
                put(&mut c.edges, matches!(before, Before::Was(_)));
            }
            ChangeRef::RemoveEdge { .. } => c.edges.removed += 1,
            ChangeRef::RemoveNode { .. } => c.nodes.removed += 1,
            ChangeRef::PutInteraction { before, .. } => {
                put(&mut c.interactions, matches!(before, Before::Was(_)));
            }
            ChangeRef::RemoveInteraction { .. } => c.interactions.removed += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, Person, PersonId, Score};

    #[test]
    #[expect(clippy::many_single_char_names, reason = "one of each kind of change")]
    #[expect(clippy::too_many_lines, reason = "one case per kind of change")]
    fn borrowed_views_encode_like_the_stored_change() {
        let p = Node::Person(Person {
            xid: "p1".into(),
            name: "Wang".into(),
            title: Some("CTO".into()),
        });
        let q = Node::Person(Person {
            xid: "p1".into(),
            name: "Wang Jing".into(),
            title: None,
        });
        let node = NodeRef::new(crate::model::NodeKind::Person, 4);
        let e = Edge::RivalTie {
            competitor: AccountId(1),
            person: PersonId(4),
            closeness: Score::new(0.5).unwrap(),
        };
        let attrs = e.attrs();
        let i = crate::model::Interaction {
            employee: crate::model::EmployeeId(2),
            person: PersonId(4),
            date: crate::model::Day::from_ymd(2025, 6, 30).unwrap(),
            kind: crate::model::InteractionKind::Email,
            project: None,
        };
        let id = InteractionId(7);
        let pairs = [
            (
                ChangeRef::UpsertNode {
                    node,
                    record: NodeView::of(&p),
                    before: Before::Was(NodeView::of(&q)),
                },
                Stored::UpsertNode {
                    node,
                    record: p.clone(),
                    before: Before::Was(q.clone()),
                },
            ),
            (
                ChangeRef::PutEdge {
                    edge: &e,
                    before: Before::Absent,
                },
                Stored::PutEdge {
                    edge: e.clone(),
                    before: Before::Absent,
                },
            ),
            (
                ChangeRef::RemoveEdge {
                    key: e.key(),
                    before: Before::Was(&attrs),
                },
                Stored::RemoveEdge {
                    key: e.key(),
                    before: Before::Was(attrs.clone()),
                },
            ),
            (
                ChangeRef::RemoveNode {
                    node,
                    before: Before::Was(NodeView::of(&p)),
                },
                Stored::RemoveNode {
                    node,
                    before: Before::Was(p.clone()),
                },
            ),
            (
                ChangeRef::PutInteraction {
                    id,
                    interaction: &i,
                    before: Before::Absent,
                },
                Stored::PutInteraction {
                    id,
                    interaction: i,
                    before: Before::Absent,
                },
            ),
            (
                ChangeRef::RemoveInteraction {
                    id,
                    before: Before::Was(&i),
                },
                Stored::RemoveInteraction {
                    id,
                    before: Before::Was(i),
                },
            ),
        ];
        for (view, owned) in pairs {
            let a = postcard::to_allocvec(&view).unwrap();
            let b = postcard::to_allocvec(&owned).unwrap();
            assert_eq!(a, b);
            assert!(owned.mentions(node));
            let mut by_view = ChangeCounts::default();
            let mut by_owned = ChangeCounts::default();
            view.tally(&mut by_view);
            owned.tally(&mut by_owned);
            assert_eq!(by_view, by_owned);
            assert_eq!(by_view.total(), 1);
            owned.untally(&mut by_owned);
            assert_eq!(by_owned, ChangeCounts::default());
            let public = owned.clone().public().unwrap();
            assert!(public.mentions(node));
        }
    }
}
