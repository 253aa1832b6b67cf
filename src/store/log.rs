//! The change log: every committed change, in order, with the caller's timestamp.
//!
//! The log is what lets a CRM backend follow the database (sync, audit, undo): each
//! committed [`Change`] gets the next sequence number, and
//! [`Read::log`](super::Read::log) reads them back from any sequence number. Records are
//! self-contained (an upsert carries the whole node record), so the log can be replayed
//! into an empty database to rebuild the same content — except where
//! [`WriteTxn::erase_person`](super::WriteTxn::erase_person) has deliberately removed every
//! entry mentioning a person.

use super::interaction::InteractionId;
use crate::model::{Edge, EdgeKey, Interaction, Node, NodeRef};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One change to the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Change {
    /// A node was added or its record changed (upserts that change nothing are not logged).
    UpsertNode {
        /// The node.
        node: NodeRef,
        /// Its new record.
        record: Node,
    },
    /// An edge was added or its attributes replaced.
    PutEdge(Edge),
    /// An edge was removed.
    RemoveEdge(EdgeKey),
    /// A node was removed, and with it every edge touching it (not logged one by one; its
    /// interactions are, just before it).
    RemoveNode(NodeRef),
    /// An interaction was recorded, or its record changed (its project cleared when the
    /// project was removed).
    PutInteraction {
        /// Its id.
        id: InteractionId,
        /// Its record.
        interaction: Interaction,
    },
    /// An interaction was removed (on its own, or with its employee or person).
    RemoveInteraction(InteractionId),
}

impl Change {
    /// Whether this change mentions `node` (as the node itself, as an edge end, or as an
    /// interaction's employee, person or project).
    pub fn mentions(&self, node: NodeRef) -> bool {
        match self {
            Change::UpsertNode { node: n, .. } | Change::RemoveNode(n) => *n == node,
            Change::PutEdge(e) => {
                let k = e.key();
                k.from == node || k.to == node
            }
            Change::RemoveEdge(k) => k.from == node || k.to == node,
            Change::PutInteraction { interaction: i, .. } => {
                NodeRef::from(i.employee) == node
                    || NodeRef::from(i.person) == node
                    || i.project.is_some_and(|x| NodeRef::from(x) == node)
            }
            Change::RemoveInteraction(_) => false,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::UpsertNode { node, record } => write!(f, "upsert {node} {:?}", record.xid()),
            Change::PutEdge(e) => write!(f, "put {}", e.key()),
            Change::RemoveEdge(k) => write!(f, "remove {k}"),
            Change::RemoveNode(n) => write!(f, "remove {n}"),
            Change::PutInteraction { id, interaction: i } => write!(
                f,
                "put {id}: {} {} with {} on {}",
                i.kind,
                NodeRef::from(i.employee),
                NodeRef::from(i.person),
                i.date
            ),
            Change::RemoveInteraction(id) => write!(f, "remove {id}"),
        }
    }
}

/// A change with its place in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Sequence number: increasing, never reused.
    pub seq: u64,
    /// The timestamp the writer passed to [`Database::begin_write`](super::Database::begin_write).
    pub time: i64,
    /// What changed.
    pub change: Change,
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

/// A borrowed view of a [`Change`] that encodes exactly like it.
#[derive(Serialize)]
pub(crate) enum ChangeRef<'a> {
    UpsertNode {
        node: NodeRef,
        record: NodeView<'a>,
    },
    PutEdge(&'a Edge),
    RemoveEdge(EdgeKey),
    RemoveNode(NodeRef),
    PutInteraction {
        id: InteractionId,
        interaction: &'a Interaction,
    },
    RemoveInteraction(InteractionId),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, Person, PersonId, Score};

    #[test]
    #[expect(clippy::many_single_char_names, reason = "one of each kind of change")]
    fn borrowed_views_encode_like_the_owned_change() {
        let p = Node::Person(Person {
            xid: "p1".into(),
            name: "Wang".into(),
            title: Some("CTO".into()),
        });
        let node = NodeRef::new(crate::model::NodeKind::Person, 4);
        let e = Edge::RivalTie {
            competitor: AccountId(1),
            person: PersonId(4),
            closeness: Score::new(0.5).unwrap(),
        };
        let i = Interaction {
            employee: crate::model::EmployeeId(2),
            person: PersonId(4),
            date: crate::model::Day::from_ymd(2025, 6, 30).unwrap(),
            kind: crate::model::InteractionKind::Email,
            project: None,
        };
        let pairs = [
            (
                ChangeRef::UpsertNode {
                    node,
                    record: NodeView::of(&p),
                },
                Change::UpsertNode {
                    node,
                    record: p.clone(),
                },
            ),
            (ChangeRef::PutEdge(&e), Change::PutEdge(e.clone())),
            (ChangeRef::RemoveEdge(e.key()), Change::RemoveEdge(e.key())),
            (ChangeRef::RemoveNode(node), Change::RemoveNode(node)),
            (
                ChangeRef::PutInteraction {
                    id: InteractionId(7),
                    interaction: &i,
                },
                Change::PutInteraction {
                    id: InteractionId(7),
                    interaction: i,
                },
            ),
        ];
        for (view, owned) in pairs {
            let a = postcard::to_allocvec(&view).unwrap();
            let b = postcard::to_allocvec(&owned).unwrap();
            assert_eq!(a, b);
            assert!(owned.mentions(node));
        }
        let removed = InteractionId(7);
        assert_eq!(
            postcard::to_allocvec(&ChangeRef::RemoveInteraction(removed)).unwrap(),
            postcard::to_allocvec(&Change::RemoveInteraction(removed)).unwrap()
        );
        assert!(!Change::RemoveInteraction(removed).mentions(node));
    }
}
