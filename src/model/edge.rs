//! Edge types, their allowed ends and their attributes (§3).
//!
//! An edge is identified by its [`EdgeKey`] — (type, from, to) — and a network holds at
//! most one edge per key. The [`Edge`] enum fixes the end types in the type system where
//! it can (a tie always goes from an [`EmployeeId`] to a [`PersonId`]); what it cannot
//! express — that `rival_tie` and competes start at a *competitor* account, that
//! `reports_to` and influences are not self-loops, that a project has one account — is
//! written once, in the rule table behind [`EdgeKind`]'s methods, and checked by
//! [`Edge::validate`], [`Network::validate`](super::Network::validate) and the store.

use super::{
    check_text, AccountId, Day, EmployeeId, ModelError, NodeKind, NodeRef, PersonId, ProjectId,
    Role, Score, MAX_TEXT_BYTES,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The nine edge types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum EdgeKind {
    /// person → account, with an employment period.
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

/// The rules of one edge kind: one row of [`RULES`].
struct Rule {
    name: &'static str,
    from: NodeKind,
    to: &'static [NodeKind],
    from_competitor: bool,
    one_per_source: bool,
    has_attrs: bool,
}

const ACCOUNT: &[NodeKind] = &[NodeKind::Account];
const PERSON: &[NodeKind] = &[NodeKind::Person];
const PROJECT: &[NodeKind] = &[NodeKind::Project];
const ACCOUNT_OR_PROJECT: &[NodeKind] = &[NodeKind::Account, NodeKind::Project];

/// Every rule about edge kinds, one row per kind in code order: the spelling, the end
/// types, whether the edge must start at a competitor account, whether its start has at
/// most one edge of the kind, and whether it carries attributes.
#[rustfmt::skip]
const RULES: [Rule; EdgeKind::COUNT] = [
    Rule { name: "works_at",   from: NodeKind::Person,   to: ACCOUNT,            from_competitor: false, one_per_source: false, has_attrs: true },
    Rule { name: "reports_to", from: NodeKind::Person,   to: PERSON,             from_competitor: false, one_per_source: false, has_attrs: true },
    Rule { name: "influences", from: NodeKind::Person,   to: PERSON,             from_competitor: false, one_per_source: false, has_attrs: true },
    Rule { name: "tie",        from: NodeKind::Employee, to: PERSON,             from_competitor: false, one_per_source: false, has_attrs: true },
    Rule { name: "member",     from: NodeKind::Person,   to: PROJECT,            from_competitor: false, one_per_source: false, has_attrs: true },
    Rule { name: "owns",       from: NodeKind::Employee, to: ACCOUNT_OR_PROJECT, from_competitor: false, one_per_source: false, has_attrs: false },
    Rule { name: "rival_tie",  from: NodeKind::Account,  to: PERSON,             from_competitor: true,  one_per_source: false, has_attrs: true },
    Rule { name: "competes",   from: NodeKind::Account,  to: PROJECT,            from_competitor: true,  one_per_source: false, has_attrs: false },
    Rule { name: "of",         from: NodeKind::Project,  to: ACCOUNT,            from_competitor: false, one_per_source: true,  has_attrs: false },
];

impl EdgeKind {
    /// The number of edge kinds: the size of every array indexed by an edge kind's code.
    pub const COUNT: usize = 9;

    /// Every edge kind, in code order.
    pub const ALL: [EdgeKind; EdgeKind::COUNT] = [
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

    fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// The stable one-byte code used in keys.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The edge kind of a code, if valid.
    pub fn from_code(code: u8) -> Option<EdgeKind> {
        EdgeKind::ALL.get(usize::from(code)).copied()
    }

    /// The model's name (`works_at`, `reports_to`, …).
    pub fn as_str(self) -> &'static str {
        self.rule().name
    }

    /// The node type an edge of this kind starts at.
    pub fn from_kind(self) -> NodeKind {
        self.rule().from
    }

    /// Whether an edge of this kind may end at a node of type `to`.
    pub fn allows_to(self, to: NodeKind) -> bool {
        self.rule().to.contains(&to)
    }

    /// Whether an edge of this kind must start at an account of kind competitor
    /// (`rival_tie`, competes).
    pub fn starts_at_competitor(self) -> bool {
        self.rule().from_competitor
    }

    /// Whether a node has at most one edge of this kind starting at it (`of`: a project
    /// has one account). A person may have several `works_at` edges, one per account, if
    /// their periods do not overlap.
    pub fn one_per_source(self) -> bool {
        self.rule().one_per_source
    }

    /// Whether edges of this kind carry attributes ([`EdgeAttrs`] other than `None`).
    pub fn has_attrs(self) -> bool {
        self.rule().has_attrs
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

/// A person's period of work at an account: the attributes of a
/// [`works_at`](Edge::WorksAt) edge.
///
/// The period is half-open, `[since, until)`: the person works there on day `d` when
/// `since ≤ d` (or there is no `since`) and `d < until` (or there is no `until`), so a
/// period that ends on the day the next one begins does not overlap it. The default is a
/// period spanning all time, without a title.
///
/// ```
/// use guanxi::model::{Day, Employment};
///
/// let june = "2025-06-01".parse::<Day>()?;
/// let before = Employment { since: None, until: Some(june), title: None };
/// let after = Employment { since: Some(june), until: None, title: Some("CTO".into()) };
/// assert!(!before.contains(june) && after.contains(june)); // the new job from June 1st
/// assert!(before.contains("2025-05-31".parse()?));
/// assert!(!before.overlaps(&after)); // they touch, one after the other
/// assert!(Employment::default().overlaps(&after)); // all time overlaps everything
/// # Ok::<(), guanxi::model::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Employment {
    /// The first day of work there; `None` = since always.
    pub since: Option<Day>,
    /// The first day *after* the work there; `None` = still there.
    pub until: Option<Day>,
    /// The job title in that period, if known.
    pub title: Option<String>,
}

impl Employment {
    /// Whether the period has neither dates nor title: what a person's plain account
    /// (without a period of its own) means.
    pub fn is_plain(&self) -> bool {
        self.since.is_none() && self.until.is_none() && self.title.is_none()
    }

    /// Whether the person works there on `day`.
    pub fn contains(&self, day: Day) -> bool {
        self.since.is_none_or(|s| s <= day) && self.until.is_none_or(|u| day < u)
    }

    /// Whether the two periods share a day (`None` ends are unbounded).
    pub fn overlaps(&self, other: &Employment) -> bool {
        let before = |until: Option<Day>, since: Option<Day>| match (until, since) {
            (Some(u), Some(s)) => u <= s,
            _ => false,
        };
        !before(self.until, other.since) && !before(other.until, self.since)
    }

    /// Finds overlapping periods among `periods` (those of one person) in O(n log n):
    /// each period that overlaps a period starting no later than it is returned once,
    /// paired with one such period, as positions in `periods` (smaller first), sorted.
    /// Empty exactly when no two periods overlap.
    ///
    /// Sorted by start, a period overlaps some earlier-starting period exactly when it
    /// overlaps the one of them that reaches furthest, so one pass suffices.
    pub fn overlapping_pairs(periods: &[&Employment]) -> Vec<(usize, usize)> {
        let mut order: Vec<usize> = (0..periods.len()).collect();
        order.sort_by_key(|&i| (periods[i].since, i));
        let mut pairs = Vec::new();
        let mut reach: Option<usize> = None;
        for i in order {
            let current = periods[i];
            let Some(r) = reach else {
                reach = Some(i);
                continue;
            };
            let furthest = periods[r];
            if furthest.overlaps(current) {
                pairs.push((r.min(i), r.max(i)));
            }
            // `None` never ends, so it always reaches furthest.
            let further = match (furthest.until, current.until) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(a), Some(b)) => b > a,
            };
            if further {
                reach = Some(i);
            }
        }
        pairs.sort_unstable();
        pairs
    }

    /// Checks the period on its own: `since` before `until` when both are set, and the
    /// title within [`MAX_TEXT_BYTES`].
    pub fn validate(&self) -> Result<(), ModelError> {
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since >= until {
                return Err(ModelError::EmptyPeriod { since, until });
            }
        }
        if let Some(title) = &self.title {
            check_text("title", title, MAX_TEXT_BYTES)?;
        }
        Ok(())
    }
}

impl fmt::Display for Employment {
    /// The dates of the period: `from 2021-02-28 until 2023-03-29`, `from 2021-02-28`,
    /// `until 2023-03-29` or `at all times` (the title is not shown).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.since, self.until) {
            (Some(s), Some(u)) => write!(f, "from {s} until {u}"),
            (Some(s), None) => write!(f, "from {s}"),
            (None, Some(u)) => write!(f, "until {u}"),
            (None, None) => f.write_str("at all times"),
        }
    }
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
///
/// `Clone` but not `Copy`: a `works_at` edge holds its period's title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Edge {
    /// The person works at the account (any kind) during a period. A person may work at
    /// several accounts, one edge per account, in periods that do not overlap.
    WorksAt {
        /// The person.
        person: PersonId,
        /// The account.
        account: AccountId,
        /// When, and with which title.
        employment: Employment,
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
///
/// New variants are only ever added at the end, so that stored values keep decoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EdgeAttrs {
    /// owns, competes, of — and, as the first record format stored it, `works_at` without
    /// a period (read as [`Employment::default`]).
    None,
    /// `reports_to`, influences (weight) or `rival_tie` (closeness).
    Score(Score),
    /// tie.
    Tie(Tie),
    /// member.
    Member(Member),
    /// `works_at`.
    Employment(Employment),
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
            Edge::WorksAt {
                person, account, ..
            } => (person.into(), account.into()),
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
        match self {
            Edge::Owns { .. } | Edge::Competes { .. } | Edge::Of { .. } => EdgeAttrs::None,
            Edge::WorksAt { employment, .. } => EdgeAttrs::Employment(employment.clone()),
            Edge::ReportsTo { weight, .. } | Edge::Influences { weight, .. } => {
                EdgeAttrs::Score(*weight)
            }
            Edge::RivalTie { closeness, .. } => EdgeAttrs::Score(*closeness),
            Edge::Tie { tie, .. } => EdgeAttrs::Tie(*tie),
            Edge::Member { member, .. } => EdgeAttrs::Member(*member),
        }
    }

    /// The same edge between other nodes: each end's id replaced by `id(end)` (its kind
    /// stays). For moving an edge from one id space to another (a network's positions, a
    /// store's ids).
    #[must_use]
    pub fn with_ends(&self, mut id: impl FnMut(NodeRef) -> u32) -> Edge {
        let EdgeKey { kind, from, to } = self.key();
        let key = EdgeKey {
            kind,
            from: NodeRef::new(from.kind, id(from)),
            to: NodeRef::new(to.kind, id(to)),
        };
        // An edge's own key and attributes always fit together, whatever the ids: the
        // fallback is never taken.
        Edge::from_parts(key, self.attrs()).unwrap_or_else(|| self.clone())
    }

    /// Rebuilds an edge from its key and attributes; `None` if they do not fit together
    /// (wrong end types for the kind, or attributes of another kind). A `works_at` key
    /// with [`EdgeAttrs::None`] (how the first record format stored every `works_at`)
    /// gets a period spanning all time.
    pub fn from_parts(key: EdgeKey, attrs: EdgeAttrs) -> Option<Edge> {
        let EdgeKey { kind, from, to } = key;
        if from.kind != kind.from_kind() || !kind.allows_to(to.kind) {
            return None;
        }
        let (f, t) = (from.id, to.id);
        Some(match (kind, attrs) {
            (EdgeKind::WorksAt, EdgeAttrs::Employment(employment)) => Edge::WorksAt {
                person: PersonId(f),
                account: AccountId(t),
                employment,
            },
            (EdgeKind::WorksAt, EdgeAttrs::None) => Edge::WorksAt {
                person: PersonId(f),
                account: AccountId(t),
                employment: Employment::default(),
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

    /// Checks the rules that need no other edge or node: `reports_to` and influences may
    /// not be self-loops, and a `works_at` period must be valid ([`Employment::validate`]).
    /// (End existence, end types, competitor kinds and overlapping periods need the
    /// network or the store.)
    pub fn validate(&self) -> Result<(), ModelError> {
        match self {
            Edge::ReportsTo {
                person, manager, ..
            } if person == manager => Err(ModelError::SelfLoop(EdgeKind::ReportsTo)),
            Edge::Influences { from, to, .. } if from == to => {
                Err(ModelError::SelfLoop(EdgeKind::Influences))
            }
            Edge::WorksAt { employment, .. } => employment.validate(),
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
                employment: Employment::default(),
            },
            Edge::WorksAt {
                person: PersonId(1),
                account: AccountId(3),
                employment: Employment {
                    since: Day::from_ymd(2024, 1, 1),
                    until: None,
                    title: Some("CTO".into()),
                },
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
            assert_eq!(Edge::from_parts(e.key(), e.attrs()), Some(e.clone()));
            assert_eq!(e.attrs() == EdgeAttrs::None, !e.kind().has_attrs(), "{e:?}");
            // New ends: each id moved by its kind's offset, attributes and kinds kept.
            let moved = e.with_ends(|n| n.id + 10 * u32::from(n.kind.code()) + 100);
            let (key, new) = (e.key(), moved.key());
            assert_eq!(
                (new.kind, new.from.kind, new.to.kind),
                (key.kind, key.from.kind, key.to.kind)
            );
            assert_eq!(
                new.from.id,
                key.from.id + 10 * u32::from(key.from.kind.code()) + 100
            );
            assert_eq!(
                new.to.id,
                key.to.id + 10 * u32::from(key.to.kind.code()) + 100
            );
            assert_eq!(moved.attrs(), e.attrs());
            assert_eq!(e.with_ends(|n| n.id), e);
        }
    }

    #[test]
    fn parts_that_do_not_fit_are_refused() {
        // The first record format stored works_at without attributes.
        let plain = Edge::WorksAt {
            person: PersonId(1),
            account: AccountId(2),
            employment: Employment::default(),
        };
        assert_eq!(
            Edge::from_parts(plain.key(), EdgeAttrs::None),
            Some(plain.clone())
        );
        let tie_key = Edge::Tie {
            employee: EmployeeId(0),
            person: PersonId(2),
            tie: Tie {
                closeness: s(0.5),
                last_contact: None,
                private: true,
            },
        }
        .key();
        assert_eq!(
            Edge::from_parts(tie_key, EdgeAttrs::Employment(Employment::default())),
            None
        );
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

    fn day(y: i32, m: u8, d: u8) -> Option<Day> {
        Day::from_ymd(y, m, d)
    }

    fn period(since: Option<Day>, until: Option<Day>) -> Employment {
        Employment {
            since,
            until,
            title: None,
        }
    }

    #[test]
    fn periods_are_half_open_and_unbounded_where_a_date_is_missing() {
        let (jan, mar, jun) = (day(2024, 1, 1), day(2024, 3, 1), day(2024, 6, 1));
        let p = period(jan, mar);
        assert!(p.contains(jan.unwrap()));
        assert!(!p.contains(mar.unwrap()));
        assert!(!p.contains(day(2023, 12, 31).unwrap()));
        assert!(period(None, None).contains(day(1900, 1, 1).unwrap()));
        // Touching periods do not overlap; every other shared day does.
        assert!(!p.overlaps(&period(mar, jun)));
        assert!(!period(mar, jun).overlaps(&p));
        assert!(p.overlaps(&period(day(2024, 2, 29), jun)));
        assert!(p.overlaps(&period(None, None)));
        assert!(period(None, jan).overlaps(&period(None, mar)));
        assert!(!period(None, jan).overlaps(&period(jan, None)));
        assert!(period(mar, None).overlaps(&period(jun, None)));
        assert!(period(None, None).is_plain());
        assert!(!p.is_plain());
    }

    #[test]
    fn an_empty_period_or_a_long_title_is_refused() {
        let (jan, mar) = (day(2024, 1, 1), day(2024, 3, 1));
        assert_eq!(
            period(mar, jan).validate(),
            Err(ModelError::EmptyPeriod {
                since: mar.unwrap(),
                until: jan.unwrap()
            })
        );
        assert!(matches!(
            period(jan, jan).validate(),
            Err(ModelError::EmptyPeriod { .. })
        ));
        assert_eq!(period(jan, mar).validate(), Ok(()));
        let long = Employment {
            title: Some("x".repeat(MAX_TEXT_BYTES + 1)),
            ..Employment::default()
        };
        assert_eq!(
            long.validate(),
            Err(ModelError::TooLong {
                field: "title",
                len: MAX_TEXT_BYTES + 1,
                max: MAX_TEXT_BYTES
            })
        );
        let edge = Edge::WorksAt {
            person: PersonId(0),
            account: AccountId(0),
            employment: period(mar, jan),
        };
        assert!(matches!(
            edge.validate(),
            Err(ModelError::EmptyPeriod { .. })
        ));
    }

    #[test]
    fn the_rule_table_agrees_with_the_edge_enum() {
        assert_eq!(EdgeKind::ALL.len(), EdgeKind::COUNT);
        for (i, kind) in EdgeKind::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(kind.code()), i);
            assert_eq!(EdgeKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(EdgeKind::from_code(9), None);
        let competitor: Vec<_> = EdgeKind::ALL
            .into_iter()
            .filter(|k| k.starts_at_competitor())
            .collect();
        assert_eq!(competitor, [EdgeKind::RivalTie, EdgeKind::Competes]);
        for kind in competitor {
            assert_eq!(kind.from_kind(), NodeKind::Account);
        }
        let single: Vec<_> = EdgeKind::ALL
            .into_iter()
            .filter(|k| k.one_per_source())
            .collect();
        assert_eq!(single, [EdgeKind::Of]);
        assert!(EdgeKind::Owns.allows_to(NodeKind::Project));
        assert!(EdgeKind::Owns.allows_to(NodeKind::Account));
        assert!(!EdgeKind::Owns.allows_to(NodeKind::Person));
        assert_eq!(EdgeKind::RivalTie.to_string(), "rival_tie");
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
