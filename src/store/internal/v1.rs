//! The layouts of record version 1 that version 2 changed, kept so that files written by
//! the first release keep reading (see [`codec`](super::codec)).
//!
//! Version 1 had no employee leaving date and no `works_at` attributes. Each type here
//! mirrors its version-2 counterpart variant by variant and field by field — postcard
//! encodes by position — and converts into it, filling what version 1 did not have with
//! "unknown": no leaving date, an employment period spanning all time without a title.

use super::codec::Record;
use super::v2;
use crate::model::{
    self, AccountId, EdgeKey, EmployeeId, Employment, Member, NodeRef, OwnsTarget, PersonId,
    ProjectId, Score, Tie,
};
use crate::store::log::{self, LogRecord};
use serde::{Deserialize, Serialize};

/// An employee record of version 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Employee {
    pub(crate) xid: String,
    pub(crate) name: String,
}

impl From<Employee> for model::Employee {
    fn from(e: Employee) -> Self {
        model::Employee {
            xid: e.xid,
            name: e.name,
            left: None,
        }
    }
}

impl Record<'_> for model::Employee {
    type V1 = Employee;
    type V2 = Self;
}

/// A node of version 1 (inside a log record).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Node {
    Account(model::Account),
    Person(model::Person),
    Employee(Employee),
    Project(model::Project),
}

impl From<Node> for model::Node {
    fn from(n: Node) -> Self {
        match n {
            Node::Account(a) => model::Node::Account(a),
            Node::Person(p) => model::Node::Person(p),
            Node::Employee(e) => model::Node::Employee(e.into()),
            Node::Project(x) => model::Node::Project(x),
        }
    }
}

/// An edge of version 1 (inside a log record): `works_at` without a period.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Edge {
    WorksAt {
        person: PersonId,
        account: AccountId,
    },
    ReportsTo {
        person: PersonId,
        manager: PersonId,
        weight: Score,
    },
    Influences {
        from: PersonId,
        to: PersonId,
        weight: Score,
    },
    Tie {
        employee: EmployeeId,
        person: PersonId,
        tie: Tie,
    },
    Member {
        person: PersonId,
        project: ProjectId,
        member: Member,
    },
    Owns {
        employee: EmployeeId,
        target: OwnsTarget,
    },
    RivalTie {
        competitor: AccountId,
        person: PersonId,
        closeness: Score,
    },
    Competes {
        competitor: AccountId,
        project: ProjectId,
    },
    Of {
        project: ProjectId,
        account: AccountId,
    },
}

impl From<Edge> for model::Edge {
    fn from(e: Edge) -> Self {
        match e {
            Edge::WorksAt { person, account } => model::Edge::WorksAt {
                person,
                account,
                employment: Employment::default(),
            },
            Edge::ReportsTo {
                person,
                manager,
                weight,
            } => model::Edge::ReportsTo {
                person,
                manager,
                weight,
            },
            Edge::Influences { from, to, weight } => model::Edge::Influences { from, to, weight },
            Edge::Tie {
                employee,
                person,
                tie,
            } => model::Edge::Tie {
                employee,
                person,
                tie,
            },
            Edge::Member {
                person,
                project,
                member,
            } => model::Edge::Member {
                person,
                project,
                member,
            },
            Edge::Owns { employee, target } => model::Edge::Owns { employee, target },
            Edge::RivalTie {
                competitor,
                person,
                closeness,
            } => model::Edge::RivalTie {
                competitor,
                person,
                closeness,
            },
            Edge::Competes {
                competitor,
                project,
            } => model::Edge::Competes {
                competitor,
                project,
            },
            Edge::Of { project, account } => model::Edge::Of { project, account },
        }
    }
}

/// A change of version 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Change {
    UpsertNode { node: NodeRef, record: Node },
    PutEdge(Edge),
    RemoveEdge(EdgeKey),
    RemoveNode(NodeRef),
}

impl From<Change> for v2::Change {
    fn from(c: Change) -> Self {
        match c {
            Change::UpsertNode { node, record } => v2::Change::UpsertNode {
                node,
                record: record.into(),
            },
            Change::PutEdge(e) => v2::Change::PutEdge(e.into()),
            Change::RemoveEdge(k) => v2::Change::RemoveEdge(k),
            Change::RemoveNode(n) => v2::Change::RemoveNode(n),
        }
    }
}

impl From<LogRecord<Change>> for LogRecord<log::Stored> {
    fn from(r: LogRecord<Change>) -> Self {
        LogRecord {
            time: r.time,
            change: v2::Change::from(r.change).into(),
        }
    }
}
