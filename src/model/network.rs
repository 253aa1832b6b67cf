//! [`Network`]: a whole relationship network held in memory, validated as one unit.
//!
//! A `Network` is the unit that moves between layers without touching storage: the CSV
//! reader produces one, the synthetic generator produces one, the store imports and
//! exports one, and the analysis snapshot can be built from one. Its dense ids are
//! positions in its own vectors (`persons[PersonId(3).index()]`), independent of any
//! database's ids.
//!
//! [`Network::validate`] checks every rule of §3 and §8 that spans more than one value,
//! so that whatever imports a network can rely on it. Its errors name nodes the way their
//! owner knows them — by external id ([`NodeLabel`]) — since a network's positions mean
//! nothing outside it.

use super::{
    Account, AccountId, AccountKind, Day, Edge, EdgeKey, EdgeKind, Employee, Employment,
    Interaction, ModelError, NodeKind, NodeRef, NodeView, Person, PersonId, Project,
};
use foldhash::fast::RandomState;
use foldhash::HashSet;
use rayon::slice::ParallelSliceMut;
use std::fmt;

/// An in-memory relationship network: nodes by type, edges between them, and
/// interactions.
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
    /// Interactions, in the order they were recorded (file order for an imported
    /// network); ends referring to the vectors above.
    pub interactions: Vec<Interaction>,
}

/// A node named for a message: its type and external id, or — for a node that does not
/// exist — its type and number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeLabel {
    /// The node.
    pub node: NodeRef,
    /// Its external id; `None` if the node does not exist.
    pub xid: Option<String>,
}

/// External ids longer than this are shortened in messages.
const LABEL_CHARS: usize = 64;

impl fmt::Display for NodeLabel {
    /// `person "p17"`; `person #17` for a node that does not exist; an id longer than 64
    /// characters is shortened with `…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.xid {
            Some(xid) => match xid.char_indices().nth(LABEL_CHARS) {
                Some((cut, _)) => write!(f, "{} {:?}…", self.node.kind, &xid[..cut]),
                None => write!(f, "{} {xid:?}", self.node.kind),
            },
            None => write!(f, "{} #{}", self.node.kind, self.node.id),
        }
    }
}

/// An edge named for a message: its kind and its two ends' labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EdgeLabel {
    /// The edge's identity (in the network's ids).
    pub key: EdgeKey,
    /// Its start.
    pub from: NodeLabel,
    /// Its end.
    pub to: NodeLabel,
}

impl fmt::Display for EdgeLabel {
    /// `works_at person "p1" → account "a1"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} → {}", self.key.kind, self.from, self.to)
    }
}

/// A rule of §3 or §8 that a [`Network`] breaks. Nodes are named by external id.
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
    #[error("{kind} #{index} has an empty id")]
    EmptyId {
        /// The node type.
        kind: NodeKind,
        /// Its position among the nodes of its type.
        index: u32,
    },
    /// A node whose record breaks a rule of its own (a text over its cap).
    #[error("{node}: {source}")]
    InvalidNode {
        /// The node.
        node: NodeLabel,
        /// What is wrong with it.
        source: ModelError,
    },
    /// An edge refers to a node that is not in the network.
    #[error("edge {edge}: {} #{} does not exist", end.kind, end.id)]
    DanglingEnd {
        /// The edge.
        edge: EdgeLabel,
        /// The missing end.
        end: NodeRef,
    },
    /// `rival_tie` or competes starting at an account that is not a competitor.
    #[error("edge {edge}: account {xid:?} is a {kind}, but {} must start at a competitor", edge.key.kind)]
    NotACompetitor {
        /// The edge.
        edge: EdgeLabel,
        /// The account's external id.
        xid: String,
        /// Its actual kind.
        kind: AccountKind,
    },
    /// Two edges with the same (type, from, to).
    #[error("duplicate edge {0}")]
    DuplicateEdge(EdgeLabel),
    /// A second edge of a kind its start may have only one of (a project's second `of`).
    #[error("edge {0}: a {from} has at most one {kind} edge", from = .0.key.from.kind, kind = .0.key.kind)]
    SecondEdge(EdgeLabel),
    /// A rule on a single edge (a self-loop, an empty employment period, a long title).
    #[error("edge {edge}: {source}")]
    Invalid {
        /// The edge.
        edge: EdgeLabel,
        /// What is wrong with it.
        source: ModelError,
    },
    /// Two employment periods of one person that share a day: a person works at one
    /// account at a time.
    #[error("{person} works at {first} {first_period} and at {second} {second_period}: the periods overlap, but a person works at one account at a time")]
    OverlappingPeriods {
        /// The person.
        person: NodeLabel,
        /// The account of one period (the earlier edge in the network).
        first: NodeLabel,
        /// That period.
        first_period: Employment,
        /// The account of the other period.
        second: NodeLabel,
        /// That period.
        second_period: Employment,
    },
    /// An interaction refers to an employee, person or project that is not in the network.
    #[error("interaction #{index} ({employee} with {person} on {date}): {} #{} does not exist", end.kind, end.id)]
    DanglingInteraction {
        /// Its position in [`Network::interactions`].
        index: usize,
        /// Its employee.
        employee: NodeLabel,
        /// Its person.
        person: NodeLabel,
        /// Its date.
        date: Day,
        /// The missing node.
        end: NodeRef,
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

    /// A node's record, if it exists.
    pub fn view(&self, node: NodeRef) -> Option<NodeView<'_>> {
        let i = node.id as usize;
        match node.kind {
            NodeKind::Account => self.accounts.get(i).map(NodeView::from),
            NodeKind::Person => self.persons.get(i).map(NodeView::from),
            NodeKind::Employee => self.employees.get(i).map(NodeView::from),
            NodeKind::Project => self.projects.get(i).map(NodeView::from),
        }
    }

    /// The node named by external id, for messages.
    pub fn label(&self, node: impl Into<NodeRef>) -> NodeLabel {
        let node = node.into();
        NodeLabel {
            node,
            xid: self.xid(node).map(str::to_owned),
        }
    }

    /// The edge named by its ends' external ids, for messages.
    pub fn edge_label(&self, key: EdgeKey) -> EdgeLabel {
        EdgeLabel {
            key,
            from: self.label(key.from),
            to: self.label(key.to),
        }
    }

    /// Checks every rule of §3 and §8 that a network can break:
    ///
    /// * nodes: unique non-empty external ids per type, texts within their caps;
    /// * edges: ends exist (their types are fixed by [`Edge`]); `rival_tie` and competes
    ///   start at a competitor; no self-loop; employment periods non-empty
    ///   ([`Edge::validate`]); at most one edge per (type, from, to); at most one `of` per
    ///   project;
    /// * employment: the periods of one person do not overlap;
    /// * interactions: the employee, the person and the project (if any) exist.
    ///
    /// Returns every violation found, in a deterministic order: nodes by type, then edges
    /// in order, then overlapping periods by person, then interactions in order.
    ///
    /// The nodes, the edges (with the periods) and the interactions are checked side by
    /// side on the thread pool, each into its own list, joined in that order.
    pub fn validate(&self) -> Result<(), Vec<NetworkError>> {
        let ((mut errors, interactions), edges) = rayon::join(
            || {
                let mut nodes = Vec::new();
                self.validate_nodes(&mut nodes);
                let mut interactions = Vec::new();
                self.validate_interactions(&mut interactions);
                (nodes, interactions)
            },
            || {
                let mut edges = Vec::new();
                let works_at = self.validate_edges(&mut edges);
                self.validate_periods(works_at, &mut edges);
                edges
            },
        );
        errors.extend(edges);
        errors.extend(interactions);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn validate_nodes(&self, errors: &mut Vec<NetworkError>) {
        for kind in NodeKind::ALL {
            let mut seen =
                HashSet::with_capacity_and_hasher(self.count(kind), RandomState::default());
            for i in 0..self.count(kind) {
                let node = NodeRef::new(kind, i as u32);
                let Some(view) = self.view(node) else {
                    continue;
                };
                match view.validate() {
                    Err(ModelError::EmptyExternalId) => {
                        errors.push(NetworkError::EmptyId {
                            kind,
                            index: node.id,
                        });
                        continue;
                    }
                    Err(source) => errors.push(NetworkError::InvalidNode {
                        node: self.label(node),
                        source,
                    }),
                    Ok(()) => {}
                }
                let xid = view.xid();
                if !seen.insert(xid) {
                    errors.push(NetworkError::DuplicateId {
                        kind,
                        xid: xid.to_owned(),
                    });
                }
            }
        }
    }

    /// Checks the edges one by one; returns the `works_at` edges that passed, as
    /// (person, index in `edges`), for the overlap check.
    fn validate_edges(&self, errors: &mut Vec<NetworkError>) -> Vec<(PersonId, usize)> {
        if let Some(works_at) = self.edges_pass() {
            return works_at;
        }
        // Keys of the network's own edges: foldhash (keyed per process) rather than SipHash,
        // several times faster on these small integer keys.
        let mut keys = HashSet::with_capacity_and_hasher(self.edges.len(), RandomState::default());
        let mut single: HashSet<(EdgeKind, NodeRef)> = HashSet::default();
        let mut works_at = Vec::new();
        for (i, edge) in self.edges.iter().enumerate() {
            let key = edge.key();
            if let Err(source) = edge.validate() {
                errors.push(NetworkError::Invalid {
                    edge: self.edge_label(key),
                    source,
                });
                continue;
            }
            if let Some(end) = [key.from, key.to].into_iter().find(|n| !self.contains(*n)) {
                errors.push(NetworkError::DanglingEnd {
                    edge: self.edge_label(key),
                    end,
                });
                continue;
            }
            if key.kind.starts_at_competitor() {
                let account = &self.accounts[key.from.id as usize];
                if account.kind != AccountKind::Competitor {
                    errors.push(NetworkError::NotACompetitor {
                        edge: self.edge_label(key),
                        xid: account.xid.clone(),
                        kind: account.kind,
                    });
                    continue;
                }
            }
            if !keys.insert(key) {
                errors.push(NetworkError::DuplicateEdge(self.edge_label(key)));
                continue;
            }
            if key.kind.one_per_source() && !single.insert((key.kind, key.from)) {
                errors.push(NetworkError::SecondEdge(self.edge_label(key)));
                continue;
            }
            if let Edge::WorksAt { person, .. } = edge {
                works_at.push((*person, i));
            }
        }
        works_at
    }

    /// What [`Network::validate_edges`] returns when no edge breaks a rule, found without
    /// a hash set of the edge keys: each edge valid, its ends present and at a competitor
    /// where it must be; then the keys sorted, so that a repeated key, or a second edge of
    /// a one-per-source kind from one node, is next to the first. `None` if anything
    /// fails: the one-by-one check then says what.
    fn edges_pass(&self) -> Option<Vec<(PersonId, usize)>> {
        let pack = |n: NodeRef| u64::from(n.kind.code()) << 32 | u64::from(n.id);
        let mut keys: Vec<(u8, u64, u64)> = Vec::with_capacity(self.edges.len());
        let mut works_at = Vec::new();
        for (i, edge) in self.edges.iter().enumerate() {
            let key = edge.key();
            let passes = edge.validate().is_ok()
                && self.contains(key.from)
                && self.contains(key.to)
                && (!key.kind.starts_at_competitor()
                    || self.accounts[key.from.id as usize].kind == AccountKind::Competitor);
            if !passes {
                return None;
            }
            keys.push((key.kind.code(), pack(key.from), pack(key.to)));
            if let Edge::WorksAt { person, .. } = edge {
                works_at.push((*person, i));
            }
        }
        keys.par_sort_unstable();
        let single = |code: u8| EdgeKind::from_code(code).is_some_and(EdgeKind::one_per_source);
        let clash = keys
            .windows(2)
            .any(|w| w[0] == w[1] || (w[0].0 == w[1].0 && w[0].1 == w[1].1 && single(w[0].0)));
        (!clash).then_some(works_at)
    }

    /// Reports the overlapping periods of each person (see
    /// [`Employment::overlapping_pairs`]), persons in order.
    fn validate_periods(
        &self,
        mut works_at: Vec<(PersonId, usize)>,
        errors: &mut Vec<NetworkError>,
    ) {
        works_at.sort_unstable();
        for group in works_at.chunk_by(|a, b| a.0 == b.0) {
            if group.len() < 2 {
                continue;
            }
            let edges: Vec<(AccountId, &Employment)> = group
                .iter()
                .filter_map(|&(_, i)| match &self.edges[i] {
                    Edge::WorksAt {
                        account,
                        employment,
                        ..
                    } => Some((*account, employment)),
                    _ => None,
                })
                .collect();
            let periods: Vec<&Employment> = edges.iter().map(|e| e.1).collect();
            for (a, b) in Employment::overlapping_pairs(&periods) {
                errors.push(NetworkError::OverlappingPeriods {
                    person: self.label(group[0].0),
                    first: self.label(edges[a].0),
                    first_period: edges[a].1.clone(),
                    second: self.label(edges[b].0),
                    second_period: edges[b].1.clone(),
                });
            }
        }
    }

    fn validate_interactions(&self, errors: &mut Vec<NetworkError>) {
        for (index, it) in self.interactions.iter().enumerate() {
            let ends = [
                Some(NodeRef::from(it.employee)),
                Some(NodeRef::from(it.person)),
                it.project.map(NodeRef::from),
            ];
            if let Some(end) = ends.into_iter().flatten().find(|n| !self.contains(*n)) {
                errors.push(NetworkError::DanglingInteraction {
                    index,
                    employee: self.label(it.employee),
                    person: self.label(it.person),
                    date: it.date,
                    end,
                });
            }
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} accounts, {} persons, {} employees, {} projects, {} edges, {} interactions",
            self.accounts.len(),
            self.persons.len(),
            self.employees.len(),
            self.projects.len(),
            self.edges.len(),
            self.interactions.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        AccountId, EmployeeId, InteractionKind, ProjectId, Score, MAX_ID_BYTES, MAX_TEXT_BYTES,
    };

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

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
        n.employees.push(Employee {
            xid: "e".into(),
            name: "E".into(),
            left: Some(day("2025-01-01")),
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
            employment: Employment::default(),
        });
        n.edges.push(Edge::RivalTie {
            competitor: AccountId(1),
            person: PersonId(0),
            closeness: Score::ONE,
        });
        n.interactions.push(Interaction {
            employee: EmployeeId(0),
            person: PersonId(1),
            date: day("2024-05-01"),
            kind: InteractionKind::Meeting,
            project: Some(ProjectId(0)),
        });
        n
    }

    fn works_at(person: u32, account: u32, since: Option<&str>, until: Option<&str>) -> Edge {
        Edge::WorksAt {
            person: PersonId(person),
            account: AccountId(account),
            employment: Employment {
                since: since.map(day),
                until: until.map(day),
                title: None,
            },
        }
    }

    #[test]
    fn a_valid_network_passes() {
        assert_eq!(sample().validate(), Ok(()));
        let mut n = sample();
        // Several periods of one person, touching but not overlapping, are fine.
        n.edges[0] = works_at(0, 0, Some("2020-01-01"), Some("2022-01-01"));
        n.edges.push(works_at(0, 1, Some("2022-01-01"), None));
        n.edges.push(works_at(1, 0, None, Some("2020-01-01")));
        n.edges
            .push(works_at(1, 1, Some("2020-01-01"), Some("2021-01-01")));
        assert_eq!(n.validate(), Ok(()));
    }

    #[test]
    fn each_rule_is_reported() {
        let mut n = sample();
        n.persons.push(Person {
            xid: "p".into(),
            name: "dup".into(),
            title: None,
        });
        n.edges.push(Edge::Of {
            project: ProjectId(0),
            account: AccountId(1),
        });
        n.edges.push(works_at(0, 0, None, None));
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
        n.edges.push(Edge::Of {
            project: ProjectId(0),
            account: AccountId(0),
        });
        let errs = n.validate().unwrap_err();
        assert!(
            matches!(&errs[0], NetworkError::DuplicateId { kind: NodeKind::Person, xid } if xid == "p")
        );
        assert!(
            matches!(&errs[1], NetworkError::DuplicateEdge(l) if l.key.kind == EdgeKind::WorksAt)
        );
        assert!(matches!(
            &errs[2],
            NetworkError::NotACompetitor {
                kind: AccountKind::Client,
                ..
            }
        ));
        assert!(
            matches!(&errs[3], NetworkError::DanglingEnd { end, .. } if *end == NodeRef::new(NodeKind::Project, 7))
        );
        assert!(matches!(
            errs[4],
            NetworkError::Invalid {
                source: ModelError::SelfLoop(EdgeKind::ReportsTo),
                ..
            }
        ));
        assert!(matches!(&errs[5], NetworkError::SecondEdge(l) if l.key.kind == EdgeKind::Of));
        assert_eq!(errs.len(), 6);
        // Messages name nodes by external id, and a missing one by kind and number.
        assert_eq!(
            errs[1].to_string(),
            r#"duplicate edge works_at person "p" → account "a""#
        );
        assert_eq!(
            errs[3].to_string(),
            r#"edge of project #7 → account "a": project #7 does not exist"#
        );
        assert_eq!(
            errs[5].to_string(),
            r#"edge of project "x" → account "a": a project has at most one of edge"#
        );
    }

    #[test]
    fn overlapping_or_empty_periods_are_reported_by_external_id() {
        let mut n = sample();
        n.edges[0] = works_at(0, 0, Some("2020-01-01"), Some("2023-01-01"));
        n.edges.push(works_at(0, 1, Some("2022-06-01"), None));
        n.edges
            .push(works_at(1, 0, Some("2024-01-01"), Some("2024-01-01")));
        let errs = n.validate().unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(
            errs[0].to_string(),
            r#"edge works_at person "q" → account "a": the employment period is empty: since 2024-01-01 is not before until 2024-01-01"#
        );
        assert_eq!(
            errs[1].to_string(),
            r#"person "p" works at account "a" from 2020-01-01 until 2023-01-01 and at account "k" from 2022-06-01: the periods overlap, but a person works at one account at a time"#
        );
        // An undated period overlaps every other period of the person.
        let mut n = sample();
        n.edges.push(works_at(0, 1, None, Some("1990-01-01")));
        let errs = n.validate().unwrap_err();
        assert!(
            matches!(&errs[..], [NetworkError::OverlappingPeriods { person, first_period, .. }]
                if person.xid.as_deref() == Some("p") && first_period.is_plain()),
            "{errs:?}"
        );
    }

    #[test]
    fn a_period_overlapping_an_earlier_long_one_is_found_past_a_short_one() {
        let mut n = sample();
        n.accounts.push(Account {
            xid: "b".into(),
            name: "B".into(),
            kind: AccountKind::Partner,
        });
        // [2010, 2030) contains [2012, 2013) and [2015, 2016): both overlap it, not each other.
        n.edges[0] = works_at(0, 0, Some("2010-01-01"), Some("2030-01-01"));
        n.edges
            .push(works_at(0, 1, Some("2012-01-01"), Some("2013-01-01")));
        n.edges
            .push(works_at(0, 2, Some("2015-01-01"), Some("2016-01-01")));
        let errs = n.validate().unwrap_err();
        let pairs: Vec<(String, String)> = errs
            .iter()
            .map(|e| match e {
                NetworkError::OverlappingPeriods { first, second, .. } => {
                    (first.to_string(), second.to_string())
                }
                other => panic!("{other}"),
            })
            .collect();
        assert_eq!(
            pairs,
            [
                (r#"account "a""#.to_owned(), r#"account "k""#.to_owned()),
                (r#"account "a""#.to_owned(), r#"account "b""#.to_owned()),
            ]
        );
    }

    #[test]
    fn interactions_must_point_at_existing_nodes() {
        let mut n = sample();
        n.interactions.push(Interaction {
            employee: EmployeeId(0),
            person: PersonId(0),
            date: day("2024-05-02"),
            kind: InteractionKind::Email,
            project: Some(ProjectId(3)),
        });
        n.interactions.push(Interaction {
            employee: EmployeeId(4),
            person: PersonId(0),
            date: day("2024-05-03"),
            kind: InteractionKind::Call,
            project: None,
        });
        let errs = n.validate().unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(
            errs[0].to_string(),
            r#"interaction #1 (employee "e" with person "p" on 2024-05-02): project #3 does not exist"#
        );
        assert_eq!(
            errs[1].to_string(),
            r#"interaction #2 (employee #4 with person "p" on 2024-05-03): employee #4 does not exist"#
        );
    }

    #[test]
    fn texts_over_their_caps_are_reported() {
        let mut n = sample();
        n.accounts[0].name = "n".repeat(MAX_TEXT_BYTES + 1);
        n.persons[1].xid = "i".repeat(MAX_ID_BYTES + 1);
        n.employees[0].xid = String::new();
        let errs = n.validate().unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!(
            errs[0].to_string(),
            r#"account "a": the name is 4097 bytes long; at most 4096 bytes are allowed"#
        );
        assert_eq!(
            errs[1].to_string(),
            format!(
                "person {:?}…: the id is 1025 bytes long; at most 1024 bytes are allowed",
                "i".repeat(64)
            )
        );
        assert_eq!(errs[2].to_string(), "employee #0 has an empty id");
    }
}
