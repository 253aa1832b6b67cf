//! Levers (§9.1): a person's leverage is the derivative of the project's consensus with
//! respect to their stance. Hand-computed cases, and properties on random networks:
//! the leverages of a project sum to 1, each equals a finite difference of consensus,
//! and a person whom no chain member defers to has a leverage of exactly 0.
//!
//! The hand-computed network, at any date (no dated record):
//!
//! Account A: p0, p1, p2, p3. Person q works nowhere. Employee e0, tie e0 → p1 (0.5,
//! undated), so C(p1) = 0.5 and every other C is 0.
//! `reports_to` p1 → p0 (0.8), p1 → p2 (0.2), p3 → p0 (0.5). Deference rows
//! (row-normalised): p1 → {p0: 0.8, p2: 0.2}; p3 → {p0: 1}. Links (4.8): p0–p1 0.8,
//! p1–p2 0.2, p0–p3 0.5.
//!
//! Project X (pursuit), chain: p0 approver (S 0.9, P 0.6), p1 user (S 0.3). Stances:
//! s0 = 2·mean(0, 0.9, 0.6) − 1 = 0; s1 = 2·mean(0.5, 0.3) − 1 = −0.2; s2 = s3 = −1.
//! With λ = 0.5: x0 = s0, x1 = 0.5·(0.8·x0 + 0.2·x2) + 0.5·s1, x2 = s2,
//! x3 = 0.5·x0 + 0.5·s3; consensus = (x0 + 0.3·x1) / 1.3, so
//! leverage(p0) = (1 + 0.3·0.4)/1.3 = 1.12/1.3, leverage(p1) = 0.3·0.5/1.3 = 0.15/1.3,
//! leverage(p2) = 0.3·0.1/1.3 = 0.03/1.3, leverage(p3) = 0 (nobody defers to p3).
//! Gains: p0 1.12/1.3, p1 0.15/1.3·1.2 = 0.18/1.3, p2 0.03/1.3·2 = 0.06/1.3.
//! Via: e0 reaches p1 with 0.5, p0 with 0.5·0.8 = 0.4 (p1 → p0), p2 with 0.5·0.2 = 0.1.
//!
//! Project Y (lead), chain: p3 decision maker (0.7), q user (0.3, S 0). p3 defers to
//! p0; q to nobody. y(p3) = 0.7, y(p0) = 0.5·0.7, y(q) = 0.3, so leverage(p3) =
//! 0.5·0.7 = 0.35, leverage(p0) = 0.35, leverage(q) = 0.3. Stances in Y: p0 is no member
//! there, s0 = 2·C − 1 = −1; s3 = −1; s(q) = 2·mean(0, 0) − 1 = −1. Gains 0.7, 0.7, 0.6:
//! p0 and p3 tie, broken by id. Nobody reaches q: via null, path strength 0.

#![allow(clippy::float_cmp)] // exact values: 0.5·0.7 both ways, and exact zeros

#[path = "common/random_network.rs"]
mod random;

use guanxi::analysis::{levers, project_analysis, Levers, Params};
use guanxi::graph::Snapshot;
use guanxi::model::*;
use guanxi::synth::Rng;
use proptest::prelude::*;
use random::score;

const EPS: f64 = 1e-12;

fn s(v: f64) -> Score {
    Score::new(v).unwrap()
}

fn as_of() -> Day {
    "2025-06-30".parse().unwrap()
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < EPS, "got {got}, want {want}");
}

fn hand_network() -> Network {
    let mut n = Network::new();
    n.accounts.push(Account {
        xid: "A".into(),
        name: "A".into(),
        kind: AccountKind::Client,
    });
    for xid in ["p0", "p1", "p2", "p3", "q"] {
        n.persons.push(Person {
            xid: xid.into(),
            name: xid.into(),
            title: None,
        });
    }
    n.employees.push(Employee {
        xid: "e0".into(),
        name: "e0".into(),
        left: None,
    });
    for (xid, stage) in [("X", Stage::Pursuit), ("Y", Stage::Lead)] {
        n.projects.push(Project {
            xid: xid.into(),
            name: xid.into(),
            stage,
            amount: Amount::new(100.0).unwrap(),
        });
    }
    for p in 0..4 {
        n.edges.push(Edge::WorksAt {
            person: PersonId(p),
            account: AccountId(0),
            employment: Employment::default(),
        });
    }
    for x in 0..2 {
        n.edges.push(Edge::Of {
            project: ProjectId(x),
            account: AccountId(0),
        });
    }
    n.edges.push(Edge::Tie {
        employee: EmployeeId(0),
        person: PersonId(1),
        tie: Tie {
            closeness: s(0.5),
            last_contact: None,
            private: false,
        },
    });
    for (from, to, w) in [(1, 0, 0.8), (1, 2, 0.2), (3, 0, 0.5)] {
        n.edges.push(Edge::ReportsTo {
            person: PersonId(from),
            manager: PersonId(to),
            weight: s(w),
        });
    }
    let member = |x: u32, p: u32, role, solution: Option<f64>, price: Option<f64>| Edge::Member {
        person: PersonId(p),
        project: ProjectId(x),
        member: Member {
            role,
            coach: false,
            solution: solution.map(s),
            price: price.map(s),
        },
    };
    n.edges
        .push(member(0, 0, Role::Approver, Some(0.9), Some(0.6)));
    n.edges.push(member(0, 1, Role::User, Some(0.3), None));
    n.edges.push(member(1, 3, Role::DecisionMaker, None, None));
    n.edges.push(member(1, 4, Role::User, Some(0.0), None));
    assert_eq!(n.validate(), Ok(()));
    n
}

/// `(person, leverage)` of every person of the result, by person id.
fn leverage_of(l: &Levers<'_>, p: u32) -> f64 {
    l.persons
        .iter()
        .find(|v| v.person.id == PersonId(p))
        .map(|v| v.leverage)
        .expect("a person of the project")
}

#[test]
fn hand_computed_leverages_gains_order_and_reach() {
    let net = hand_network();
    let snap = Snapshot::from_network(&net);
    let params = Params::default();
    let x = levers(&snap, ProjectId(0), &params, as_of()).unwrap();
    close(leverage_of(&x, 0), 1.12 / 1.3);
    close(leverage_of(&x, 1), 0.15 / 1.3);
    close(leverage_of(&x, 2), 0.03 / 1.3);
    // Nobody in the chain defers to p3, directly or through others: exactly 0.
    assert_eq!(leverage_of(&x, 3).to_bits(), 0f64.to_bits());
    let sum: f64 = x.persons.iter().map(|v| v.leverage).sum();
    close(sum, 1.0);
    let top: Vec<&str> = x.top.iter().map(|l| l.person.xid.as_ref()).collect();
    assert_eq!(top, ["p0", "p1", "p2"]);
    let (p0, p1, p2) = (&x.top[0], &x.top[1], &x.top[2]);
    close(p0.stance, 0.0);
    close(p1.stance, -0.2);
    close(p2.stance, -1.0);
    close(p0.gain, 1.12 / 1.3);
    close(p1.gain, 0.18 / 1.3);
    close(p2.gain, 0.06 / 1.3);
    for (lever, strength) in [(p0, 0.4), (p1, 0.5), (p2, 0.1)] {
        assert_eq!(lever.via.as_ref().map(|e| e.id), Some(EmployeeId(0)));
        close(lever.path_strength, strength);
    }
    let hops: Vec<&str> = p0.path.iter().map(|p| p.xid.as_ref()).collect();
    assert_eq!(hops, ["p1", "p0"]);
    // The project analysis carries the same top levers.
    let pa = project_analysis(&snap, ProjectId(0), &params, as_of()).unwrap();
    assert_eq!(pa.levers, x.top);
    close(pa.opinion.consensus.unwrap(), -0.06 / 1.3);
}

#[test]
fn equal_gains_are_broken_by_id_and_an_unreachable_lever_has_no_via() {
    let net = hand_network();
    let snap = Snapshot::from_network(&net);
    let y = levers(&snap, ProjectId(1), &Params::default(), as_of()).unwrap();
    assert_eq!(leverage_of(&y, 3), 0.35);
    assert_eq!(leverage_of(&y, 0), 0.35);
    close(leverage_of(&y, 4), 0.3);
    for p in [1, 2] {
        assert_eq!(leverage_of(&y, p), 0.0);
    }
    let top: Vec<(&str, f64)> = y
        .top
        .iter()
        .map(|l| (l.person.xid.as_ref(), l.gain))
        .collect();
    assert_eq!(top[0], ("p0", 0.7));
    assert_eq!(top[1], ("p3", 0.7));
    assert_eq!(top[2].0, "q");
    close(top[2].1, 0.6);
    assert_eq!(y.top[2].via, None);
    assert_eq!(y.top[2].path_strength, 0.0);
    assert!(y.top[2].path.is_empty());
    // k_levers cuts the list after sorting.
    let two = Params {
        k_levers: 2,
        ..Params::default()
    };
    let y2 = levers(&snap, ProjectId(1), &two, as_of()).unwrap();
    assert_eq!(y2.top, y.top[..2]);
    let none = Params {
        k_levers: 0,
        ..Params::default()
    };
    assert!(levers(&snap, ProjectId(1), &none, as_of())
        .unwrap()
        .top
        .is_empty());
}

#[test]
fn a_chain_whose_role_weights_sum_to_zero_has_no_levers() {
    let net = hand_network();
    let snap = Snapshot::from_network(&net);
    let mut params = Params::default();
    params.role_weights.approver = 0.0;
    params.role_weights.user = 0.0;
    let x = levers(&snap, ProjectId(0), &params, as_of()).unwrap();
    assert!(x.persons.is_empty() && x.top.is_empty());
    let pa = project_analysis(&snap, ProjectId(0), &params, as_of()).unwrap();
    assert_eq!(pa.opinion.consensus, None);
    assert!(pa.levers.is_empty());
}

#[test]
fn a_project_that_does_not_exist_is_an_error() {
    let snap = Snapshot::from_network(&hand_network());
    assert!(levers(&snap, ProjectId(9), &Params::default(), as_of()).is_err());
}

/// A random project: `np` persons at account A (one works elsewhere), random deference
/// edges, a random chain, and one undated tie per person from e0 (closeness in
/// [0.05, 0.9], so that it can be moved both ways).
fn random_project(seed: u64, np: usize) -> Network {
    let mut rng = Rng::new(seed);
    let mut n = Network::new();
    for a in ["A", "B"] {
        n.accounts.push(Account {
            xid: a.into(),
            name: String::new(),
            kind: AccountKind::Client,
        });
    }
    n.employees.push(Employee {
        xid: "e0".into(),
        name: String::new(),
        left: None,
    });
    n.projects.push(Project {
        xid: "X".into(),
        name: String::new(),
        stage: Stage::Pursuit,
        amount: Amount::new(1.0).unwrap(),
    });
    n.edges.push(Edge::Of {
        project: ProjectId(0),
        account: AccountId(0),
    });
    for p in 0..np {
        n.persons.push(Person {
            xid: format!("p{p}"),
            name: String::new(),
            title: None,
        });
        let person = PersonId(p as u32);
        n.edges.push(Edge::WorksAt {
            person,
            account: AccountId(u32::from(p + 1 == np && np > 2)),
            employment: Employment::default(),
        });
        n.edges.push(Edge::Tie {
            employee: EmployeeId(0),
            person,
            tie: Tie {
                closeness: s(0.05 + 0.85 * rng.unit()),
                last_contact: None,
                private: false,
            },
        });
    }
    let mut pairs = std::collections::HashSet::new();
    for _ in 0..2 * np {
        let (a, b) = (rng.below(np) as u32, rng.below(np) as u32);
        let reports = rng.chance(0.5);
        if a == b || !pairs.insert((a, b, reports)) {
            continue;
        }
        n.edges.push(if reports {
            Edge::ReportsTo {
                person: PersonId(a),
                manager: PersonId(b),
                weight: score(&mut rng),
            }
        } else {
            Edge::Influences {
                from: PersonId(a),
                to: PersonId(b),
                weight: score(&mut rng),
            }
        });
    }
    for p in 0..np {
        // The person working elsewhere is always a member (a member from outside).
        if rng.chance(0.5) || (p + 1 == np && np > 2) {
            let known = |rng: &mut Rng| rng.chance(0.6).then(|| score(rng));
            n.edges.push(Edge::Member {
                person: PersonId(p as u32),
                project: ProjectId(0),
                member: Member {
                    role: Role::ALL[rng.below(Role::ALL.len())],
                    coach: false,
                    solution: known(&mut rng),
                    price: known(&mut rng),
                },
            });
        }
    }
    n
}

/// Moves person `p`'s only tie by `h`: its stance moves by `2h / n`, `n` the number of
/// its known values (4.3).
fn nudge(net: &Network, p: usize, h: f64) -> (Network, f64) {
    let mut out = net.clone();
    let mut known = 1.0;
    for e in &mut out.edges {
        match e {
            Edge::Tie { person, tie, .. } if person.index() == p => {
                tie.closeness = s(tie.closeness.get() + h);
            }
            Edge::Member { person, member, .. } if person.index() == p => {
                known += f64::from(u8::from(member.solution.is_some()))
                    + f64::from(u8::from(member.price.is_some()));
            }
            _ => {}
        }
    }
    (out, 2.0 * h / known)
}

/// The persons a chain member (of positive role weight) defers to, directly or through
/// others, within the project's persons.
fn deferred_to(snap: &Snapshot, persons: &[PersonId], params: &Params) -> Vec<PersonId> {
    let mut seen: Vec<PersonId> = snap
        .members(ProjectId(0))
        .iter()
        .filter(|m| params.role_weights.weight(m.member.role) > 0.0)
        .map(|m| m.person)
        .collect();
    let mut stack = seen.clone();
    while let Some(u) = stack.pop() {
        for l in snap.deference(u) {
            if persons.contains(&l.to) && !seen.contains(&l.to) {
                seen.push(l.to);
                stack.push(l.to);
            }
        }
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn leverages_sum_to_one_equal_finite_differences_and_vanish_off_the_chain(
        seed in any::<u64>(),
        // Up to 64 persons a project is solved by elimination, above by sweeps.
        np in prop_oneof![1usize..8, 65usize..72],
        lambda in 0.0f64..0.9,
    ) {
        let net = random_project(seed, np);
        prop_assume!(net.validate().is_ok());
        let params = Params { susceptibility: lambda, ..Params::default() };
        let snap = Snapshot::from_network(&net);
        let base = project_analysis(&snap, ProjectId(0), &params, as_of()).unwrap();
        let lv = levers(&snap, ProjectId(0), &params, as_of()).unwrap();
        let Some(consensus) = base.opinion.consensus else {
            prop_assert!(lv.persons.is_empty() && lv.top.is_empty());
            return Ok(());
        };
        let sum: f64 = lv.persons.iter().map(|v| v.leverage).sum();
        prop_assert!((sum - 1.0).abs() < 1e-12, "leverages sum to {sum}");
        let persons: Vec<PersonId> = lv.persons.iter().map(|v| v.person.id).collect();
        let reached = deferred_to(&snap, &persons, &params);
        let h = 1e-4;
        for v in &lv.persons {
            let p = v.person.id;
            if !reached.contains(&p) {
                prop_assert_eq!(v.leverage.to_bits(), 0f64.to_bits(), "{} is off the chain", p.index());
            }
            let (moved, ds) = nudge(&net, p.index(), h);
            let snap2 = Snapshot::from_network(&moved);
            let after = project_analysis(&snap2, ProjectId(0), &params, as_of())
                .unwrap()
                .opinion
                .consensus
                .unwrap();
            let fd = (after - consensus) / ds;
            prop_assert!(
                (fd - v.leverage).abs() < 1e-6,
                "person {}: finite difference {fd}, leverage {}", p.index(), v.leverage
            );
        }
        // The top levers are the positive gains, best first, then by id.
        let mut want: Vec<_> = lv.persons.iter().filter(|v| v.gain > 0.0).collect();
        want.sort_by(|a, b| b.gain.total_cmp(&a.gain).then_with(|| a.person.cmp(&b.person)));
        want.truncate(params.k_levers);
        let got: Vec<_> = lv.top.iter().map(|l| (l.person.id, l.gain)).collect();
        let want: Vec<_> = want.iter().map(|v| (v.person.id, v.gain)).collect();
        prop_assert_eq!(got, want);
    }
}
