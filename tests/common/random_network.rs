//! A random valid network for property tests of the snapshot and the analyses.
#![allow(dead_code)]

use guanxi::model::*;
use guanxi::synth::Rng;
use std::collections::HashSet;

pub fn score(rng: &mut Rng) -> Score {
    // Two decimals, with 0 and 1 reasonably frequent.
    let v = match rng.below(10) {
        0 => 0.0,
        1 => 1.0,
        _ => (rng.unit() * 100.0).floor() / 100.0,
    };
    Score::new(v).unwrap()
}

/// A random valid network: `np` persons over `na` accounts (some without one), `ne`
/// employees, about `density · np` person edges, ties, rival ties and two projects.
#[allow(clippy::too_many_lines)] // one fixture, built in one place
pub fn random_network(seed: u64, np: usize, ne: usize, na: usize, density: usize) -> Network {
    let mut rng = Rng::new(seed);
    let mut n = Network::new();
    for a in 0..na {
        let kind = if a == 0 {
            AccountKind::Competitor
        } else {
            AccountKind::Client
        };
        n.accounts.push(Account {
            xid: format!("a{a}"),
            name: String::new(),
            kind,
        });
    }
    for p in 0..np {
        n.persons.push(Person {
            xid: format!("p{p}"),
            name: String::new(),
            title: None,
        });
        if rng.below(5) > 0 {
            n.edges.push(Edge::WorksAt {
                person: PersonId(p as u32),
                account: AccountId(rng.below(na) as u32),
                employment: Employment::default(),
            });
        }
    }
    for e in 0..ne {
        n.employees.push(Employee {
            xid: format!("e{e}"),
            name: String::new(),
            left: None,
        });
    }
    let mut seen = HashSet::new();
    for _ in 0..density * np {
        let (a, b) = (rng.below(np), rng.below(np));
        let reports = rng.chance(0.5);
        if a != b && seen.insert((reports, a, b)) {
            let (a, b, w) = (PersonId(a as u32), PersonId(b as u32), score(&mut rng));
            n.edges.push(if reports {
                Edge::ReportsTo {
                    person: a,
                    manager: b,
                    weight: w,
                }
            } else {
                Edge::Influences {
                    from: a,
                    to: b,
                    weight: w,
                }
            });
        }
    }
    for _ in 0..np * 3 / 2 {
        let (e, p) = (rng.below(ne), rng.below(np));
        if seen.insert((true, usize::MAX - e, p)) {
            let last_contact = rng
                .chance(0.7)
                .then(|| Day::from_days_since_epoch(20_000 + i32::from(rng.below(300) as u16)))
                .flatten();
            n.edges.push(Edge::Tie {
                employee: EmployeeId(e as u32),
                person: PersonId(p as u32),
                tie: Tie {
                    closeness: score(&mut rng),
                    last_contact,
                    private: false,
                },
            });
        }
    }
    for p in 0..np {
        if rng.chance(0.3) {
            n.edges.push(Edge::RivalTie {
                competitor: AccountId(0),
                person: PersonId(p as u32),
                closeness: score(&mut rng),
            });
        }
    }
    for x in 0..2u32 {
        let stage = Stage::ALL[rng.below(Stage::ALL.len())];
        n.projects.push(Project {
            xid: format!("x{x}"),
            name: String::new(),
            stage,
            amount: Amount::default(),
        });
        n.edges.push(Edge::Of {
            project: ProjectId(x),
            account: AccountId(rng.below(na) as u32),
        });
        let mut chain = HashSet::new();
        for _ in 0..rng.below(6) {
            let p = rng.below(np);
            if chain.insert(p) {
                let opt = |rng: &mut Rng| rng.chance(0.6).then(|| score(rng));
                let (solution, price) = (opt(&mut rng), opt(&mut rng));
                n.edges.push(Edge::Member {
                    person: PersonId(p as u32),
                    project: ProjectId(x),
                    member: Member {
                        role: Role::ALL[rng.below(Role::ALL.len())],
                        coach: rng.chance(0.2),
                        solution,
                        price,
                    },
                });
            }
        }
    }
    assert_eq!(n.validate(), Ok(()));
    n
}

/// `net` imported into a fresh in-memory database (store ids = positions), then every
/// node for which `remove(kind, position)` holds removed, with its edges: the store's ids
/// keep a hole for each.
pub fn stored_with_removals(
    net: &Network,
    remove: impl Fn(NodeKind, usize) -> bool,
) -> guanxi::store::Database {
    let db = guanxi::store::Database::in_memory().unwrap();
    db.import_network(net, 1).unwrap();
    db.write(2, |t| {
        for kind in NodeKind::ALL {
            for i in 0..net.count(kind) {
                if remove(kind, i) {
                    t.remove_node(NodeRef::new(kind, i as u32))?;
                }
            }
        }
        Ok(())
    })
    .unwrap();
    db
}
