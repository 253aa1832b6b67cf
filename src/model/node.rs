//! Node records: what the store keeps about each account, person, employee and project.

use super::{AccountKind, Amount, NodeKind, Stage};
use serde::{Deserialize, Serialize};

/// A company: a client, a competitor 友商 or a partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The CRM's id, unique among accounts.
    pub xid: String,
    /// Display name.
    pub name: String,
    /// Client, competitor or partner.
    pub kind: AccountKind,
}

/// A key person 关键人, usually working at an account (see [`Edge::WorksAt`](super::Edge::WorksAt)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// The CRM's id, unique among persons.
    pub xid: String,
    /// Display name.
    pub name: String,
    /// Job title, if known. Kept on the person (not on the `works_at` edge) so that a
    /// person with no account keeps it too; stored and exported, not analysed.
    pub title: Option<String>,
}

/// One of our own staff 员工: salesperson, presales, executive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    /// The CRM's id, unique among employees.
    pub xid: String,
    /// Display name.
    pub name: String,
}

/// A deal 商机 pursued at an account (see [`Edge::Of`](super::Edge::Of)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// The CRM's id, unique among projects.
    pub xid: String,
    /// Display name.
    pub name: String,
    /// Sales stage.
    pub stage: Stage,
    /// Amount, `≥ 0`, in one currency.
    pub amount: Amount,
}

/// A node of any type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Node {
    /// An account.
    Account(Account),
    /// A person.
    Person(Person),
    /// An employee.
    Employee(Employee),
    /// A project.
    Project(Project),
}

impl Node {
    /// The node's type.
    pub fn kind(&self) -> NodeKind {
        match self {
            Node::Account(_) => NodeKind::Account,
            Node::Person(_) => NodeKind::Person,
            Node::Employee(_) => NodeKind::Employee,
            Node::Project(_) => NodeKind::Project,
        }
    }

    /// The external id.
    pub fn xid(&self) -> &str {
        match self {
            Node::Account(n) => &n.xid,
            Node::Person(n) => &n.xid,
            Node::Employee(n) => &n.xid,
            Node::Project(n) => &n.xid,
        }
    }

    /// The display name.
    pub fn name(&self) -> &str {
        match self {
            Node::Account(n) => &n.name,
            Node::Person(n) => &n.name,
            Node::Employee(n) => &n.name,
            Node::Project(n) => &n.name,
        }
    }
}
