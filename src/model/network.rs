//! [`Network`]: a whole relationship network held in memory, validated as one unit.
//!
//! A `Network` is the unit that moves between layers without touching storage: the CSV
//! reader produces one, the synthetic generator produces one, the store imports and
//! exports one, and the analysis snapshot can be built from one. Its dense ids are
//! positions in its own vectors (`persons[PersonId(3).index()]`), independent of any
//! database's ids.
//!
//! [`Network::validate`] checks every rule of SPEC §3 that spans more than one value, so
//! that whatever imports a network can rely on it.

use super::{
    Account, AccountKind, Edge, EdgeKey, EdgeKind, Employee, ModelError, NodeKind, NodeRef, Person,
    Project,
};
use std::collections::HashSet;
use std::fmt;

/// An in-memory relationship network: nodes by type, and edges between them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Network {
    /// Accounts; `AccountId(i)` is `accounts[i]`.
    pub accounts: Vec<Account>,
    /// Persons; `PersonId(i)` is `persons[i]`.
    pub persons: Vec<Person>,
    /// Employees; `EmployeeId(i)` is `employees[i]`.
    pub employees: Vec<Employee>,
    /// Projects; `ProjectId(i)` is `projects[i]`.
    pub projects: Vec<Project>,
    /// Edges, in any order, ends referring to the vectors above.
    pub edges: Vec<Edge>,
}

/// A rule of SPEC §3 that a [`Network`] breaks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NetworkError {
    /// Two nodes of one type share an external id.
    #[error("duplicate {kind} id {xid:?}")]
    DuplicateId {
        /// The node type.
        kind: NodeKind,
        /// The repeated external id.
        xid: String,
    },
    /// A node with an empty external id.
    #[error("a {0} has an empty id")]
    EmptyId(NodeKind),
    /// An edge refers to a node that is not in the network.
    #[error("edge {edge}: {end} does not exist")]
    DanglingEnd {
        /// The edge.
        edge: EdgeKey,
        /// The missing end.
        end: NodeRef,
    },
    /// `rival_tie` or competes starting at an account that is not a competitor.
    #[error("edge {edge}: account {xid:?} is a {kind}, but {} must start at a competitor", edge.kind)]
    NotACompetitor {
        /// The edge.
        edge: EdgeKey,
        /// The account's external id.
        xid: String,
        /// Its actual kind.
        kind: AccountKind,
    },
    /// Two edges with the same (type, from, to).
    #[error("duplicate edge {0}")]
    DuplicateEdge(EdgeKey),
    /// A second `works_at` for a person, or a second `of` for a project.
    #[error("edge {key}: a {from} has at most one {kind} edge", key = .0, from = .0.from.kind, kind = .0.kind)]
    SecondEdge(EdgeKey),
    /// A rule on a single edge (self-loop).
    #[error("edge {edge}: {source}")]
    Invalid {
        /// The edge.
        edge: EdgeKey,
        /// What is wrong with it.
        source: ModelError,
    },
}

impl Network {
    /// An empty network.
    pub fn new() -> Network {
        Network::default()
    }

    /// Number of nodes of a type.
    pub fn count(&self, kind: NodeKind) -> usize {
        match kind {
            NodeKind::Account => self.accounts.len(),
            NodeKind::Person => self.persons.len(),
            NodeKind::Employee => self.employees.len(),
            NodeKind::Project => self.projects.len(),
        }
    }

    /// Whether `node` is in the network.
    pub fn contains(&self, node: NodeRef) -> bool {
        (node.id as usize) < self.count(node.kind)
    }

    /// The external id of a node, if it exists.
    pub fn xid(&self, node: NodeRef) -> Option<&str> {
        let i = node.id as usize;
        match node.kind {
            NodeKind::Account => self.accounts.get(i).map(|n| n.xid.as_str()),
            NodeKind::Person => self.persons.get(i).map(|n| n.xid.as_str()),
            NodeKind::Employee => self.employees.get(i).map(|n| n.xid.as_str()),
            NodeKind::Project => self.projects.get(i).map(|n| n.xid.as_str()),
        }
    }

    /// Checks every rule of SPEC §3: unique non-empty external ids per type; edge ends
    /// exist (their types are fixed by [`Edge`]); `rival_tie` and competes start at a
    /// competitor; no self-loop; at most one edge per (type, from, to); at most one
    /// `works_at` per person and one `of` per project. Returns every violation found,
    /// in a deterministic order (nodes by type, then edges in order).
    pub fn validate(&self) -> Result<(), Vec<NetworkError>> {
        let mut errors = Vec::new();
        for kind in NodeKind::ALL {
            let mut seen = HashSet::new();
            for i in 0..self.count(kind) {
                let xid = self.xid(NodeRef::new(kind, i as u32)).unwrap_or_default();
                if xid.is_empty() {
                    errors.push(NetworkError::EmptyId(kind));
                } else if !seen.insert(xid) {
                    errors.push(NetworkError::DuplicateId {
                        kind,
                        xid: xid.to_owned(),
                    });
                }
            }
        }
        let mut keys = HashSet::with_capacity(self.edges.len());
        let mut single: HashSet<(EdgeKind, NodeRef)> = HashSet::new();
        for edge in &self.edges {
            let key = edge.key();
            if let Err(source) = edge.validate() {
                errors.push(NetworkError::Invalid { edge: key, source });
                continue;
            }
            if let Some(end) = [key.from, key.to].into_iter().find(|n| !self.contains(*n)) {
                errors.push(NetworkError::DanglingEnd { edge: key, end });
                continue;
            }
            if matches!(key.kind, EdgeKind::RivalTie | EdgeKind::Competes) {
                let account = &self.accounts[key.from.id as usize];
                if account.kind != AccountKind::Competitor {
                    errors.push(NetworkError::NotACompetitor {
                        edge: key,
                        xid: account.xid.clone(),
                        kind: account.kind,
                    });
                    continue;
                }
            }
            if !keys.insert(key) {
                errors.push(NetworkError::DuplicateEdge(key));
                continue;
            }
            if matches!(key.kind, EdgeKind::WorksAt | EdgeKind::Of)
                && !single.insert((key.kind, key.from))
            {
                errors.push(NetworkError::SecondEdge(key));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} accounts, {} persons, {} employees, {} projects, {} edges",
            self.accounts.len(),
            self.persons.len(),
            self.employees.len(),
            self.projects.len(),
            self.edges.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, PersonId, ProjectId, Score};

    fn sample() -> Network {
        let mut n = Network::new();
        n.accounts.push(Account {
            xid: "a".into(),
            name: "A".into(),
            kind: AccountKind::Client,
        });
        n.accounts.push(Account {
            xid: "k".into(),
            name: "K".into(),
            kind: AccountKind::Competitor,
        });
        n.persons.push(Person {
            xid: "p".into(),
            name: "P".into(),
            title: None,
        });
        n.persons.push(Person {
            xid: "q".into(),
            name: "Q".into(),
            title: Some("CEO".into()),
        });
        n.projects.push(Project {
            xid: "x".into(),
            name: "X".into(),
            stage: crate::model::Stage::Lead,
            amount: crate::model::Amount::default(),
        });
        n.edges.push(Edge::WorksAt {
            person: PersonId(0),
            account: AccountId(0),
        });
        n.edges.push(Edge::RivalTie {
            competitor: AccountId(1),
            person: PersonId(0),
            closeness: Score::ONE,
        });
        n
    }

    #[test]
    fn a_valid_network_passes() {
        assert_eq!(sample().validate(), Ok(()));
    }

    #[test]
    fn each_rule_is_reported() {
        let mut n = sample();
        n.persons.push(Person {
            xid: "p".into(),
            name: "dup".into(),
            title: None,
        });
        n.edges.push(Edge::WorksAt {
            person: PersonId(0),
            account: AccountId(1),
        });
        n.edges.push(Edge::WorksAt {
            person: PersonId(0),
            account: AccountId(0),
        });
        n.edges.push(Edge::Competes {
            competitor: AccountId(0),
            project: ProjectId(0),
        });
        n.edges.push(Edge::Of {
            project: ProjectId(7),
            account: AccountId(0),
        });
        n.edges.push(Edge::ReportsTo {
            person: PersonId(1),
            manager: PersonId(1),
            weight: Score::ONE,
        });
        let errs = n.validate().unwrap_err();
        assert!(
            matches!(&errs[0], NetworkError::DuplicateId { kind: NodeKind::Person, xid } if xid == "p")
        );
        assert!(matches!(errs[1], NetworkError::SecondEdge(k) if k.kind == EdgeKind::WorksAt));
        assert!(matches!(errs[2], NetworkError::DuplicateEdge(_)));
        assert!(matches!(
            &errs[3],
            NetworkError::NotACompetitor {
                kind: AccountKind::Client,
                ..
            }
        ));
        assert!(
            matches!(errs[4], NetworkError::DanglingEnd { end, .. } if end == NodeRef::new(NodeKind::Project, 7))
        );
        assert!(matches!(
            errs[5],
            NetworkError::Invalid {
                source: ModelError::SelfLoop(EdgeKind::ReportsTo),
                ..
            }
        ));
        assert_eq!(errs.len(), 6);
    }
}
