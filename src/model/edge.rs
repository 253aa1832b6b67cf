//! Edge types, their allowed ends and their attributes (SPEC §3).
//!
//! An edge is identified by its [`EdgeKey`] — (type, from, to) — and a network holds at
//! most one edge per key. The [`Edge`] enum fixes the end types in the type system where
//! it can (a tie always goes from an [`EmployeeId`] to a [`PersonId`]); what it cannot
//! express — that `rival_tie` and competes start at a *competitor* account, that
//! `reports_to` and influences are not self-loops — is checked by [`Edge::validate`] and by
//! the store, which knows the account kinds.

use super::{
    AccountId, Day, EmployeeId, ModelError, NodeKind, NodeRef, PersonId, ProjectId, Role, Score,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The nine edge types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum EdgeKind {
    /// person → account.
    WorksAt = 0,
    /// person → person (the manager).
    ReportsTo = 1,
    /// person → person (a influences b).
    Influences = 2,
    /// employee → person.
    Tie = 3,
    /// person → project (decision-chain membership).
    Member = 4,
    /// employee → account or project.
    Owns = 5,
    /// competitor account → person.
    RivalTie = 6,
    /// competitor account → project.
    Competes = 7,
    /// project → account.
    Of = 8,
}

impl EdgeKind {
    /// Every edge kind, in code order.
    pub const ALL: [EdgeKind; 9] = [
        EdgeKind::WorksAt,
        EdgeKind::ReportsTo,
        EdgeKind::Influences,
        EdgeKind::Tie,
        EdgeKind::Member,
        EdgeKind::Owns,
        EdgeKind::RivalTie,
        EdgeKind::Competes,
        EdgeKind::Of,
    ];

    /// The stable one-byte code used in keys.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The edge kind of a code, if valid.
    pub fn from_code(code: u8) -> Option<EdgeKind> {
        EdgeKind::ALL.get(usize::from(code)).copied()
    }

    /// The spec's name (`works_at`, `reports_to`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::WorksAt => "works_at",
            EdgeKind::ReportsTo => "reports_to",
            EdgeKind::Influences => "influences",
            EdgeKind::Tie => "tie",
            EdgeKind::Member => "member",
            EdgeKind::Owns => "owns",
            EdgeKind::RivalTie => "rival_tie",
            EdgeKind::Competes => "competes",
            EdgeKind::Of => "of",
        }
    }

    /// The node type an edge of this kind starts at.
    pub fn from_kind(self) -> NodeKind {
        match self {
            EdgeKind::WorksAt | EdgeKind::ReportsTo | EdgeKind::Influences | EdgeKind::Member => {
                NodeKind::Person
            }
            EdgeKind::Tie | EdgeKind::Owns => NodeKind::Employee,
            EdgeKind::RivalTie | EdgeKind::Competes => NodeKind::Account,
            EdgeKind::Of => NodeKind::Project,
        }
    }

    /// Whether an edge of this kind may end at a node of type `to`.
    pub fn allows_to(self, to: NodeKind) -> bool {
        match self {
            EdgeKind::WorksAt | EdgeKind::Of => to == NodeKind::Account,
            EdgeKind::ReportsTo | EdgeKind::Influences | EdgeKind::Tie | EdgeKind::RivalTie => {
                to == NodeKind::Person
            }
            EdgeKind::Member | EdgeKind::Competes => to == NodeKind::Project,
            EdgeKind::Owns => matches!(to, NodeKind::Account | NodeKind::Project),
        }
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of an edge: at most one edge exists per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EdgeKey {
    /// The edge type.
    pub kind: EdgeKind,
    /// The start node.
    pub from: NodeRef,
    /// The end node.
    pub to: NodeRef,
}

impl fmt::Display for EdgeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} → {}", self.kind, self.from, self.to)
    }
}

/// An employee's personal relationship with a person.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tie {
    /// How close, in `[0, 1]`.
    pub closeness: Score,
    /// The last contact, if recorded; without it the tie does not decay.
    pub last_contact: Option<Day>,
    /// Brought by the employee 员工私域关系 rather than assigned.
    pub private: bool,
}

/// A person's place in a project's decision chain.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The role in the decision.
    pub role: Role,
    /// Whether the person is our coach 教练.
    pub coach: bool,
    /// Solution acceptance 方案认可度, if known.
    pub solution: Option<Score>,
    /// Price acceptance 价格接受度, if known.
    pub price: Option<Score>,
}

/// What an employee owns: an account or a project (team membership).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OwnsTarget {
    /// The employee is on the account team.
    Account(AccountId),
    /// The employee is on the opportunity team.
    Project(ProjectId),
}

impl From<OwnsTarget> for NodeRef {
    fn from(t: OwnsTarget) -> NodeRef {
        match t {
            OwnsTarget::Account(a) => a.into(),
            OwnsTarget::Project(p) => p.into(),
        }
    }
}

/// An edge with its typed ends and attributes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Edge {
    /// The person works at the account (any kind). A person works at one account at most.
    WorksAt {
        /// The person.
        person: PersonId,
        /// The account.
        account: AccountId,
    },
    /// The person reports to the manager; creates deference person → manager.
    ReportsTo {
        /// The person who reports.
        person: PersonId,
        /// The manager.
        manager: PersonId,
        /// Strength, default 0.8 in the interchange format.
        weight: Score,
    },
    /// `from` influences `to`; creates deference `to` → `from`.
    Influences {
        /// The influencer.
        from: PersonId,
        /// The influenced.
        to: PersonId,
        /// Strength.
        weight: Score,
    },
    /// Our employee's tie with a person.
    Tie {
        /// Our employee.
        employee: EmployeeId,
        /// The person.
        person: PersonId,
        /// Closeness, last contact, private flag.
        tie: Tie,
    },
    /// The person is in the project's decision chain.
    Member {
        /// The person.
        person: PersonId,
        /// The project.
        project: ProjectId,
        /// Role, coach flag and acceptances.
        member: Member,
    },
    /// The employee is on the account or project team.
    Owns {
        /// Our employee.
        employee: EmployeeId,
        /// The account or project.
        target: OwnsTarget,
    },
    /// A competitor's relationship with a person (never decays).
    RivalTie {
        /// The competitor account.
        competitor: AccountId,
        /// The person.
        person: PersonId,
        /// Closeness.
        closeness: Score,
    },
    /// The competitor competes on the project.
    Competes {
        /// The competitor account.
        competitor: AccountId,
        /// The project.
        project: ProjectId,
    },
    /// The project is at the account. A project has one account at most.
    Of {
        /// The project.
        project: ProjectId,
        /// Its account.
        account: AccountId,
    },
}

/// The attributes of an edge, without its ends: what the store keeps as the edge's value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum EdgeAttrs {
    /// `works_at`, owns, competes, of.
    None,
    /// `reports_to`, influences (weight) or `rival_tie` (closeness).
    Score(Score),
    /// tie.
    Tie(Tie),
    /// member.
    Member(Member),
}

impl Edge {
    /// The edge type.
    pub fn kind(&self) -> EdgeKind {
        match self {
            Edge::WorksAt { .. } => EdgeKind::WorksAt,
            Edge::ReportsTo { .. } => EdgeKind::ReportsTo,
            Edge::Influences { .. } => EdgeKind::Influences,
            Edge::Tie { .. } => EdgeKind::Tie,
            Edge::Member { .. } => EdgeKind::Member,
            Edge::Owns { .. } => EdgeKind::Owns,
            Edge::RivalTie { .. } => EdgeKind::RivalTie,
            Edge::Competes { .. } => EdgeKind::Competes,
            Edge::Of { .. } => EdgeKind::Of,
        }
    }

    /// The edge's identity (type, from, to).
    pub fn key(&self) -> EdgeKey {
        let (from, to): (NodeRef, NodeRef) = match *self {
            Edge::WorksAt { person, account } => (person.into(), account.into()),
            Edge::ReportsTo {
                person, manager, ..
            } => (person.into(), manager.into()),
            Edge::Influences { from, to, .. } => (from.into(), to.into()),
            Edge::Tie {
                employee, person, ..
            } => (employee.into(), person.into()),
            Edge::Member {
                person, project, ..
            } => (person.into(), project.into()),
            Edge::Owns { employee, target } => (employee.into(), target.into()),
            Edge::RivalTie {
                competitor, person, ..
            } => (competitor.into(), person.into()),
            Edge::Competes {
                competitor,
                project,
            } => (competitor.into(), project.into()),
            Edge::Of { project, account } => (project.into(), account.into()),
        };
        EdgeKey {
            kind: self.kind(),
            from,
            to,
        }
    }

    /// The attributes, without the ends.
    pub fn attrs(&self) -> EdgeAttrs {
        match *self {
            Edge::WorksAt { .. } | Edge::Owns { .. } | Edge::Competes { .. } | Edge::Of { .. } => {
                EdgeAttrs::None
            }
            Edge::ReportsTo { weight, .. } | Edge::Influences { weight, .. } => {
                EdgeAttrs::Score(weight)
            }
            Edge::RivalTie { closeness, .. } => EdgeAttrs::Score(closeness),
            Edge::Tie { tie, .. } => EdgeAttrs::Tie(tie),
            Edge::Member { member, .. } => EdgeAttrs::Member(member),
        }
    }

    /// Rebuilds an edge from its key and attributes; `None` if they do not fit together
    /// (wrong end types for the kind, or attributes of another kind).
    pub fn from_parts(key: EdgeKey, attrs: EdgeAttrs) -> Option<Edge> {
        let EdgeKey { kind, from, to } = key;
        if from.kind != kind.from_kind() || !kind.allows_to(to.kind) {
            return None;
        }
        let (f, t) = (from.id, to.id);
        Some(match (kind, attrs) {
            (EdgeKind::WorksAt, EdgeAttrs::None) => Edge::WorksAt {
                person: PersonId(f),
                account: AccountId(t),
            },
            (EdgeKind::ReportsTo, EdgeAttrs::Score(weight)) => Edge::ReportsTo {
                person: PersonId(f),
                manager: PersonId(t),
                weight,
            },
            (EdgeKind::Influences, EdgeAttrs::Score(weight)) => Edge::Influences {
                from: PersonId(f),
                to: PersonId(t),
                weight,
            },
            (EdgeKind::Tie, EdgeAttrs::Tie(tie)) => Edge::Tie {
                employee: EmployeeId(f),
                person: PersonId(t),
                tie,
            },
            (EdgeKind::Member, EdgeAttrs::Member(member)) => Edge::Member {
                person: PersonId(f),
                project: ProjectId(t),
                member,
            },
            (EdgeKind::Owns, EdgeAttrs::None) => Edge::Owns {
                employee: EmployeeId(f),
                target: if to.kind == NodeKind::Account {
                    OwnsTarget::Account(AccountId(t))
                } else {
                    OwnsTarget::Project(ProjectId(t))
                },
            },
            (EdgeKind::RivalTie, EdgeAttrs::Score(closeness)) => Edge::RivalTie {
                competitor: AccountId(f),
                person: PersonId(t),
                closeness,
            },
            (EdgeKind::Competes, EdgeAttrs::None) => Edge::Competes {
                competitor: AccountId(f),
                project: ProjectId(t),
            },
            (EdgeKind::Of, EdgeAttrs::None) => Edge::Of {
                project: ProjectId(f),
                account: AccountId(t),
            },
            _ => return None,
        })
    }

    /// Checks the rules that need no other node: `reports_to` and influences may not be
    /// self-loops. (End existence, end types and competitor kinds are the store's to check.)
    pub fn validate(&self) -> Result<(), ModelError> {
        match *self {
            Edge::ReportsTo {
                person, manager, ..
            } if person == manager => Err(ModelError::SelfLoop(EdgeKind::ReportsTo)),
            Edge::Influences { from, to, .. } if from == to => {
                Err(ModelError::SelfLoop(EdgeKind::Influences))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: f64) -> Score {
        Score::new(v).unwrap()
    }

    #[test]
    fn parts_round_trip_for_every_kind() {
        let edges = [
            Edge::WorksAt {
                person: PersonId(1),
                account: AccountId(2),
            },
            Edge::ReportsTo {
                person: PersonId(1),
                manager: PersonId(2),
                weight: s(0.8),
            },
            Edge::Influences {
                from: PersonId(1),
                to: PersonId(2),
                weight: s(0.3),
            },
            Edge::Tie {
                employee: EmployeeId(0),
                person: PersonId(2),
                tie: Tie {
                    closeness: s(0.5),
                    last_contact: None,
                    private: true,
                },
            },
            Edge::Member {
                person: PersonId(1),
                project: ProjectId(2),
                member: Member {
                    role: Role::Vetoer,
                    coach: false,
                    solution: Some(s(0.2)),
                    price: None,
                },
            },
            Edge::Owns {
                employee: EmployeeId(1),
                target: OwnsTarget::Account(AccountId(2)),
            },
            Edge::Owns {
                employee: EmployeeId(1),
                target: OwnsTarget::Project(ProjectId(2)),
            },
            Edge::RivalTie {
                competitor: AccountId(1),
                person: PersonId(2),
                closeness: s(1.0),
            },
            Edge::Competes {
                competitor: AccountId(1),
                project: ProjectId(2),
            },
            Edge::Of {
                project: ProjectId(1),
                account: AccountId(2),
            },
        ];
        for e in edges {
            assert_eq!(Edge::from_parts(e.key(), e.attrs()), Some(e));
        }
        let bad = EdgeKey {
            kind: EdgeKind::Tie,
            from: PersonId(0).into(),
            to: PersonId(1).into(),
        };
        assert_eq!(
            Edge::from_parts(
                bad,
                EdgeAttrs::Tie(Tie {
                    closeness: s(0.1),
                    last_contact: None,
                    private: false
                })
            ),
            None
        );
        let wrong_attrs = Edge::Of {
            project: ProjectId(1),
            account: AccountId(2),
        }
        .key();
        assert_eq!(
            Edge::from_parts(wrong_attrs, EdgeAttrs::Score(s(0.1))),
            None
        );
    }

    #[test]
    fn self_loops_are_refused_for_deference_edges_only() {
        assert_eq!(
            Edge::ReportsTo {
                person: PersonId(1),
                manager: PersonId(1),
                weight: s(0.8)
            }
            .validate(),
            Err(ModelError::SelfLoop(EdgeKind::ReportsTo))
        );
        assert_eq!(
            Edge::Influences {
                from: PersonId(4),
                to: PersonId(4),
                weight: s(0.8)
            }
            .validate(),
            Err(ModelError::SelfLoop(EdgeKind::Influences))
        );
        assert!(Edge::Influences {
            from: PersonId(4),
            to: PersonId(5),
            weight: s(0.8)
        }
        .validate()
        .is_ok());
    }
}
