//! Random writes of every kind the write transaction offers, decoded from six bytes
//! each, over a small fixed universe of external ids (`a0..a3`, `p0..p7`, `e0..e2`,
//! `x0..x2`), and the network every such history starts from: shared by the tests that
//! compare live queries with a rebuild and what-if overlays with written changes.
#![allow(dead_code)]

use guanxi::analysis::{self, Params};
use guanxi::graph::Graph;
use guanxi::model::*;
use guanxi::store::{Database, InteractionId, MoveOptions, Read, StoreError, WriteTxn};
use std::fmt::Debug;

pub const ACCOUNTS: u8 = 4;
pub const PERSONS: u8 = 8;
pub const EMPLOYEES: u8 = 3;
pub const PROJECTS: u8 = 3;

/// Day `k` of the histories: a month apart from 2025-01-01.
pub fn day(k: u8) -> Day {
    Day::from_days_since_epoch(20_089 + 30 * i32::from(k % 10)).expect("in range")
}

pub fn score(v: u8) -> Score {
    Score::new(f64::from(v % 11) / 10.0).expect("in [0, 1]")
}

pub fn account_kind(i: u8) -> AccountKind {
    match i {
        0 => AccountKind::Competitor,
        3 => AccountKind::Partner,
        _ => AccountKind::Client,
    }
}

pub fn pick<T: Copy>(all: &[T], v: u8) -> T {
    all[usize::from(v) % all.len()]
}

pub fn account(i: u8) -> Account {
    let i = i % ACCOUNTS;
    Account {
        xid: format!("a{i}"),
        name: format!("Account {i}"),
        kind: account_kind(i),
    }
}

pub fn person(i: u8) -> Person {
    let i = i % PERSONS;
    Person {
        xid: format!("p{i}"),
        name: format!("Person {i}"),
        title: None,
    }
}

pub fn employee(i: u8, left: Option<Day>) -> Employee {
    let i = i % EMPLOYEES;
    Employee {
        xid: format!("e{i}"),
        name: format!("Employee {i}"),
        left,
    }
}

pub fn project(i: u8, stage: u8, amount: u8) -> Project {
    let i = i % PROJECTS;
    Project {
        xid: format!("x{i}"),
        name: format!("Project {i}"),
        stage: pick(Stage::ALL, stage),
        amount: Amount::new(f64::from(amount) * 1000.0).expect("small"),
    }
}

/// The ids of the nodes named by the bytes, when they exist.
pub struct Ids<'t>(pub &'t WriteTxn);

impl Ids<'_> {
    pub fn a(&self, i: u8) -> Option<AccountId> {
        self.0
            .account_by_xid(&format!("a{}", i % ACCOUNTS))
            .ok()
            .flatten()
    }
    pub fn p(&self, i: u8) -> Option<PersonId> {
        self.0
            .person_by_xid(&format!("p{}", i % PERSONS))
            .ok()
            .flatten()
    }
    pub fn e(&self, i: u8) -> Option<EmployeeId> {
        self.0
            .employee_by_xid(&format!("e{}", i % EMPLOYEES))
            .ok()
            .flatten()
    }
    pub fn x(&self, i: u8) -> Option<ProjectId> {
        self.0
            .project_by_xid(&format!("x{}", i % PROJECTS))
            .ok()
            .flatten()
    }
}

pub fn member(b: [u8; 6]) -> Member {
    let opt = |v: u8| (!v.is_multiple_of(3)).then(|| score(v));
    Member {
        role: pick(Role::ALL, b[3]),
        coach: b[4].is_multiple_of(4),
        solution: opt(b[5]),
        price: opt(b[5] / 3 + b[4]),
    }
}

/// Applies the write the bytes describe (`Ok(false)`: a node it names does not exist).
#[allow(clippy::too_many_lines)] // one decoder, one arm per kind of write
pub fn apply(t: &mut WriteTxn, b: [u8; 6]) -> Result<bool, StoreError> {
    macro_rules! need {
        ($e:expr) => {
            match $e {
                Some(v) => v,
                None => return Ok(false),
            }
        };
    }
    let ids = Ids(t);
    let edge = match b[0] % 27 {
        0 => {
            t.upsert_account(account(b[1]))?;
            return Ok(true);
        }
        1 => {
            t.upsert_person(person(b[1]))?;
            return Ok(true);
        }
        2 => {
            let left = b[2].is_multiple_of(3).then(|| day(b[3]));
            t.upsert_employee(employee(b[1], left))?;
            return Ok(true);
        }
        3 => {
            t.upsert_project(project(b[1], b[2], b[3]))?;
            return Ok(true);
        }
        4 => {
            let (p, a) = (need!(ids.p(b[1])), need!(ids.a(b[2])));
            let since = b[3].is_multiple_of(3).then(|| day(b[4] % 5));
            let until = b[3].is_multiple_of(2).then(|| day(5 + b[5] % 5));
            Edge::WorksAt {
                person: p,
                account: a,
                employment: Employment {
                    since,
                    until,
                    title: None,
                },
            }
        }
        5 => Edge::ReportsTo {
            person: need!(ids.p(b[1])),
            manager: need!(ids.p(b[2])),
            weight: score(b[3]),
        },
        6 => Edge::Influences {
            from: need!(ids.p(b[1])),
            to: need!(ids.p(b[2])),
            weight: score(b[3]),
        },
        7 => Edge::Tie {
            employee: need!(ids.e(b[1])),
            person: need!(ids.p(b[2])),
            tie: Tie {
                closeness: score(b[3]),
                last_contact: (!b[4].is_multiple_of(4)).then(|| day(b[4])),
                private: b[5].is_multiple_of(5),
            },
        },
        8 => Edge::RivalTie {
            competitor: need!(ids.a(b[1])),
            person: need!(ids.p(b[2])),
            closeness: score(b[3]),
        },
        9 => Edge::Member {
            person: need!(ids.p(b[1])),
            project: need!(ids.x(b[2])),
            member: member(b),
        },
        10 => Edge::Of {
            project: need!(ids.x(b[1])),
            account: need!(ids.a(b[2])),
        },
        11 => Edge::Competes {
            competitor: need!(ids.a(b[1])),
            project: need!(ids.x(b[2])),
        },
        12 => Edge::Owns {
            employee: need!(ids.e(b[1])),
            target: if b[3].is_multiple_of(2) {
                OwnsTarget::Account(need!(ids.a(b[2])))
            } else {
                OwnsTarget::Project(need!(ids.x(b[2])))
            },
        },
        13 => {
            let (e, p) = (need!(ids.e(b[1])), need!(ids.p(b[2])));
            let closeness = b[4].is_multiple_of(2).then(|| score(b[4]));
            t.record_contact(e, p, day(b[3]), closeness)?;
            return Ok(true);
        }
        14 | 15 => {
            let (e, p) = (need!(ids.e(b[1])), need!(ids.p(b[2])));
            let project = if b[5].is_multiple_of(3) {
                ids.x(b[5])
            } else {
                None
            };
            t.add_interaction(Interaction {
                employee: e,
                person: p,
                date: day(b[3]),
                kind: pick(InteractionKind::ALL, b[4]),
                project,
            })?;
            return Ok(true);
        }
        16 => return t.remove_interaction(InteractionId(u64::from(b[1] % 16))),
        17 => {
            t.set_stage(need!(ids.x(b[1])), pick(Stage::ALL, b[2]))?;
            return Ok(true);
        }
        18 => {
            let amount = Amount::new(f64::from(b[2]) * 10.0).expect("small");
            t.set_amount(need!(ids.x(b[1])), amount)?;
            return Ok(true);
        }
        19 => {
            t.set_role(
                need!(ids.p(b[1])),
                need!(ids.x(b[2])),
                pick(Role::ALL, b[3]),
            )?;
            return Ok(true);
        }
        20 => {
            t.set_coach(
                need!(ids.p(b[1])),
                need!(ids.x(b[2])),
                b[3].is_multiple_of(2),
            )?;
            return Ok(true);
        }
        21 => {
            let m = member(b);
            t.set_acceptance(need!(ids.p(b[1])), need!(ids.x(b[2])), m.solution, m.price)?;
            return Ok(true);
        }
        22 => {
            let options = MoveOptions {
                title: None,
                drop_reporting: b[4].is_multiple_of(2),
                drop_influence: b[5].is_multiple_of(2),
            };
            t.move_person(need!(ids.p(b[1])), need!(ids.a(b[2])), day(b[3]), &options)?;
            return Ok(true);
        }
        23 => {
            let left = (!b[2].is_multiple_of(3)).then(|| day(b[2]));
            t.set_left(need!(ids.e(b[1])), left)?;
            return Ok(true);
        }
        24 => {
            let node: NodeRef = match b[1] % 4 {
                0 => need!(ids.a(b[2])).into(),
                1 => need!(ids.p(b[2])).into(),
                2 => need!(ids.e(b[2])).into(),
                _ => need!(ids.x(b[2])).into(),
            };
            t.remove_node(node)?;
            return Ok(true);
        }
        25 => {
            // Removes one existing edge of a kind at a node: the `b[3]`-th out of it.
            let kind = pick(&EdgeKind::ALL, b[1]);
            let from: NodeRef = match kind {
                EdgeKind::WorksAt
                | EdgeKind::ReportsTo
                | EdgeKind::Influences
                | EdgeKind::Member => need!(ids.p(b[2])).into(),
                EdgeKind::Tie | EdgeKind::Owns => need!(ids.e(b[2])).into(),
                EdgeKind::RivalTie | EdgeKind::Competes => need!(ids.a(b[2])).into(),
                EdgeKind::Of => need!(ids.x(b[2])).into(),
            };
            let edges = t.edges_out(from, kind)?;
            if edges.is_empty() {
                return Ok(false);
            }
            let key = edges[usize::from(b[3]) % edges.len()].key();
            return t.remove_edge(key);
        }
        _ => {
            // A creation that fails when the external id exists (and is rolled back).
            t.create_person(person(b[1] + PERSONS))?;
            return Ok(true);
        }
    };
    if b[5].is_multiple_of(2) {
        t.put_edge(edge)?;
    } else {
        t.add_edge(edge)?;
    }
    Ok(true)
}

/// The network every history starts from: each node, a few ties and one chain.
pub fn seed(db: &Database) {
    db.write(1, |t| {
        for i in 0..ACCOUNTS {
            t.upsert_account(account(i))?;
        }
        for i in 0..PERSONS {
            let p = t.upsert_person(person(i))?;
            let a = AccountId(u32::from(1 + i % 3));
            t.add_edge(Edge::WorksAt {
                person: p,
                account: a,
                employment: Employment::default(),
            })?;
        }
        for i in 0..EMPLOYEES {
            t.upsert_employee(employee(i, None))?;
        }
        for i in 0..PROJECTS {
            let x = t.upsert_project(project(i, i + 1, i))?;
            t.add_edge(Edge::Of {
                project: x,
                account: AccountId(u32::from(1 + i % 2)),
            })?;
        }
        for (p, q) in [(1, 0), (2, 0), (3, 1), (5, 4)] {
            t.add_edge(Edge::ReportsTo {
                person: PersonId(p),
                manager: PersonId(q),
                weight: score(8),
            })?;
        }
        for (e, p, c) in [(0, 0, 7), (0, 2, 4), (1, 3, 6), (2, 4, 9)] {
            t.add_edge(Edge::Tie {
                employee: EmployeeId(e),
                person: PersonId(p),
                tie: Tie {
                    closeness: score(c),
                    last_contact: Some(day(2)),
                    private: false,
                },
            })?;
        }
        for p in 0..3 {
            let m = Member {
                role: pick(Role::ALL, p),
                coach: p == 1,
                solution: Some(score(5 + p)),
                price: None,
            };
            t.add_edge(Edge::Member {
                person: PersonId(u32::from(p)),
                project: ProjectId(0),
                member: m,
            })?;
        }
        Ok(())
    })
    .expect("seed");
}

/// Every per-item query on every node id below `bound` (and one past), as text: each
/// result's `Debug` form (ids and every `f64` to the bit) and its JSON.
pub fn answers<'s, G: Graph<'s>>(
    g: G,
    bound: [u32; 4],
    params: &Params,
    as_of: Day,
) -> Vec<String> {
    #[allow(clippy::needless_pass_by_value)] // called with fresh results
    fn show<T: Debug + serde::Serialize, E: Debug>(out: &mut Vec<String>, r: Result<T, E>) {
        let json = r
            .as_ref()
            .ok()
            .map(|v| serde_json::to_string(v).expect("serialises"));
        out.push(format!("{r:?} {json:?}"));
    }
    let mut out = Vec::new();
    for id in 0..=bound[3] {
        let x = ProjectId(id);
        show(&mut out, analysis::project_analysis(g, x, params, as_of));
        show(&mut out, analysis::levers(g, x, params, as_of));
        show(&mut out, analysis::coach_candidates(g, x, params, as_of));
    }
    for id in 0..=bound[1] {
        let p = PersonId(id);
        show(&mut out, analysis::strongest_paths(g, p, 3, params, as_of));
        show(&mut out, analysis::person_figures(g, p, params, as_of));
    }
    for id in 0..=bound[2] {
        let e = EmployeeId(id);
        show(&mut out, analysis::departure_impact(g, e, params, as_of));
        show(&mut out, analysis::employee_figures(g, e, params, as_of));
        show(&mut out, analysis::data_quality(g, e, params, as_of));
    }
    for id in 0..=bound[0] {
        let a = AccountId(id);
        show(&mut out, analysis::account_figures(g, a, params, as_of));
        show(&mut out, analysis::claim(g, a, params, as_of));
        show(&mut out, analysis::protection(g, a, params, as_of));
        show(&mut out, analysis::best_owner(g, a, params, as_of));
    }
    out
}
