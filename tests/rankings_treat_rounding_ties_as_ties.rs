//! Strongest paths (§4.8) and coach candidates (§4.9) are ranked by a product of
//! weights; two products equal in exact arithmetic can come out a unit in the last place
//! apart (0.1·0.2·0.3 against 0.3·0.2·0.1). Such figures are equal for ranking (within
//! `TIE_TOL`), so the tie-break — external id — decides, whichever of the two names
//! the rounding favours.

use guanxi::analysis::{coach_candidates, strongest_paths, Params, TIE_TOL};
use guanxi::graph::Snapshot;
use guanxi::model::*;

fn s(v: f64) -> Score {
    Score::new(v).unwrap()
}

fn day() -> Day {
    "2025-06-30".parse().unwrap()
}

/// Persons `t`, `a1`, `a2`, `b1`, `b2`; employee `first` tied to `a1` at 0.1, with
/// links `a1`–`a2` 0.2 and `a2`–`t` 0.3; employee `second` tied to `b1` at 0.3, with
/// links `b1`–`b2` 0.2 and `b2`–`t` 0.1. Both paths to `t` have strength 0.006 in
/// exact arithmetic.
fn paths_net(first: &str, second: &str) -> Network {
    let mut n = Network::new();
    for xid in ["t", "a1", "a2", "b1", "b2"] {
        n.persons.push(Person {
            xid: xid.into(),
            name: xid.into(),
            title: None,
        });
    }
    for xid in [first, second] {
        n.employees.push(Employee {
            xid: xid.into(),
            name: xid.into(),
            left: None,
        });
    }
    let p = |i: u32| PersonId(i);
    for (e, to, c) in [(0, 1, 0.1), (1, 3, 0.3)] {
        n.edges.push(Edge::Tie {
            employee: EmployeeId(e),
            person: p(to),
            tie: Tie {
                closeness: s(c),
                last_contact: None,
                private: false,
            },
        });
    }
    for (a, b, w) in [(1, 2, 0.2), (2, 0, 0.3), (3, 4, 0.2), (4, 0, 0.1)] {
        n.edges.push(Edge::ReportsTo {
            person: p(a),
            manager: p(b),
            weight: s(w),
        });
    }
    assert_eq!(n.validate(), Ok(()));
    n
}

#[test]
fn paths_equal_but_for_rounding_are_ranked_by_external_id() {
    for (first, second) in [("e1", "e2"), ("e2", "e1")] {
        let snap = Snapshot::from_network(&paths_net(first, second));
        let params = Params::default();
        let both = strongest_paths(&snap, PersonId(0), 2, &params, day()).unwrap();
        let (x, y) = (both[0].strength, both[1].strength);
        // The precondition that makes this test mean something: the two differ in bits.
        assert_ne!(x.to_bits(), y.to_bits(), "{x} {y}");
        assert!((x - y).abs() <= TIE_TOL * x.max(y));
        let order: Vec<&str> = both.iter().map(|p| p.employee.xid.as_ref()).collect();
        assert_eq!(order, ["e1", "e2"], "{first} on the 0.1·0.2·0.3 path");
        let best = strongest_paths(&snap, PersonId(0), 1, &params, day()).unwrap();
        assert_eq!(
            best[0].employee.xid, "e1",
            "{first} on the 0.1·0.2·0.3 path"
        );
    }
}

/// Approver `boss` (no tie: score 0) and two members: `first` with C = 1 − (1 − 0.1),
/// solution 0.2 and a link of 0.3 to `boss`; `second` with C = 1 − (1 − 0.3), solution
/// 0.2 and a link of 0.1. Scores C·S·reach: 0.1·0.2·0.3 and 0.3·0.2·0.1.
fn coach_net(first: &str, second: &str) -> Network {
    let mut n = Network::new();
    for xid in ["boss", first, second] {
        n.persons.push(Person {
            xid: xid.into(),
            name: xid.into(),
            title: None,
        });
    }
    n.projects.push(Project {
        xid: "x".into(),
        name: "Deal".into(),
        stage: Stage::Pursuit,
        amount: Amount::new(1.0).unwrap(),
    });
    for (p, role, solution) in [
        (0, Role::Approver, None),
        (1, Role::Evaluator, Some(s(0.2))),
        (2, Role::Evaluator, Some(s(0.2))),
    ] {
        n.edges.push(Edge::Member {
            person: PersonId(p),
            project: ProjectId(0),
            member: Member {
                role,
                coach: false,
                solution,
                price: None,
            },
        });
    }
    for (e, p, c, w) in [(0, 1, 0.1, 0.3), (1, 2, 0.3, 0.1)] {
        n.employees.push(Employee {
            xid: format!("e{e}"),
            name: String::new(),
            left: None,
        });
        n.edges.push(Edge::Tie {
            employee: EmployeeId(e),
            person: PersonId(p),
            tie: Tie {
                closeness: s(c),
                last_contact: None,
                private: false,
            },
        });
        n.edges.push(Edge::ReportsTo {
            person: PersonId(p),
            manager: PersonId(0),
            weight: s(w),
        });
    }
    assert_eq!(n.validate(), Ok(()));
    n
}

#[test]
fn coaches_equal_but_for_rounding_are_ranked_by_external_id() {
    for (first, second) in [("c1", "c2"), ("c2", "c1")] {
        let snap = Snapshot::from_network(&coach_net(first, second));
        let params = Params::default();
        let coaches = coach_candidates(&snap, ProjectId(0), &params, day()).unwrap();
        assert_eq!(coaches.len(), 2);
        let (x, y) = (coaches[0].score, coaches[1].score);
        assert_ne!(x.to_bits(), y.to_bits(), "{x} {y}");
        assert!((x - y).abs() <= TIE_TOL * x.max(y));
        let order: Vec<&str> = coaches.iter().map(|c| c.person.xid.as_ref()).collect();
        assert_eq!(order, ["c1", "c2"], "{first} has the 0.1·0.2·0.3 score");
    }
}
