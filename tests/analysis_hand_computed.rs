//! A tiny network built by hand, every figure computed in the comments.
//!
//! `as_of` = 2025-06-30. Account A (client): persons p0, p1, p2. Competitor K. Person q
//! has no account. Employees e0, e1.
//!
//! Ties (c' = decayed closeness, 4.1):
//!   e0 → p0  0.5, last contact 2025-01-01 (180 days = one half-life) → c' = 0.25
//!   e1 → p0  0.6, undated                                            → c' = 0.6
//!   e0 → p1  0.8, last contact 2025-07-30 (after `as_of`: d = 0)        → c' = 0.8
//!   e1 → p2  0.0, undated (exists, but absent from the path graph)    → c' = 0
//!   e1 → q   0.9, undated                                            → c' = 0.9
//! Closeness (4.2): C(p0) = 1 − 0.75·0.4 = 0.7, C(p1) = 0.8, C(p2) = 0, C(q) = 0.9.
//!
//! Person edges: `reports_to` p1 → p0 (0.5), influences p0 → p1 (0.5), `reports_to`
//! p2 → p0 (1.0), influences q → p1 (1.0).
//! Deference: p1 → p0 with 0.5 + 0.5 = 1.0; p2 → p0 (1.0); p1 → q (1.0).
//! Links (undirected, strongest parallel): p0–p1 0.5, p0–p2 1.0, p1–q 1.0.
//!
//! Rival ties: K → p1 (0.5), K → p2 (0.0).

use guanxi::analysis::{
    departure_impact, project_analysis, strongest_paths, Check, Named, Params, QueryError, Report,
};
use guanxi::graph::Snapshot;
use guanxi::model::*;

const EPS: f64 = 1e-12;

/// The ids of named nodes, to compare with ids.
fn ids<I: Copy>(named: &[Named<'_, I>]) -> Vec<I> {
    named.iter().map(|n| n.id).collect()
}

fn s(v: f64) -> Score {
    Score::new(v).unwrap()
}

fn d(v: &str) -> Day {
    v.parse().unwrap()
}

fn as_of() -> Day {
    d("2025-06-30")
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < EPS, "got {got}, want {want}");
}

const P0: PersonId = PersonId(0);
const P1: PersonId = PersonId(1);
const P2: PersonId = PersonId(2);
const Q: PersonId = PersonId(3);
const E0: EmployeeId = EmployeeId(0);
const E1: EmployeeId = EmployeeId(1);
const A: AccountId = AccountId(0);
const K: AccountId = AccountId(1);
const X: ProjectId = ProjectId(0);
const Y: ProjectId = ProjectId(1);

#[allow(clippy::too_many_lines)] // one fixture, built in one place
fn network() -> Network {
    let mut n = Network::new();
    for (xid, kind) in [("A", AccountKind::Client), ("K", AccountKind::Competitor)] {
        n.accounts.push(Account {
            xid: xid.into(),
            name: xid.into(),
            kind,
        });
    }
    for xid in ["p0", "p1", "p2", "q"] {
        n.persons.push(Person {
            xid: xid.into(),
            name: xid.into(),
            title: None,
        });
    }
    for xid in ["e0", "e1"] {
        n.employees.push(Employee {
            xid: xid.into(),
            name: xid.into(),
            left: None,
        });
    }
    n.projects.push(Project {
        xid: "X".into(),
        name: "X".into(),
        stage: Stage::Pursuit,
        amount: Amount::new(1000.0).unwrap(),
    });
    n.projects.push(Project {
        xid: "Y".into(),
        name: "Y".into(),
        stage: Stage::Lost,
        amount: Amount::new(500.0).unwrap(),
    });
    for p in [P0, P1, P2] {
        n.edges.push(Edge::WorksAt {
            person: p,
            account: A,
            employment: Employment::default(),
        });
    }
    for x in [X, Y] {
        n.edges.push(Edge::Of {
            project: x,
            account: A,
        });
    }
    let tie = |employee, person, c: f64, last: Option<&str>| Edge::Tie {
        employee,
        person,
        tie: Tie {
            closeness: s(c),
            last_contact: last.map(d),
            private: false,
        },
    };
    n.edges.push(tie(E0, P0, 0.5, Some("2025-01-01")));
    n.edges.push(tie(E1, P0, 0.6, None));
    n.edges.push(tie(E0, P1, 0.8, Some("2025-07-30")));
    n.edges.push(tie(E1, P2, 0.0, None));
    n.edges.push(tie(E1, Q, 0.9, None));
    n.edges.push(Edge::ReportsTo {
        person: P1,
        manager: P0,
        weight: s(0.5),
    });
    n.edges.push(Edge::Influences {
        from: P0,
        to: P1,
        weight: s(0.5),
    });
    n.edges.push(Edge::ReportsTo {
        person: P2,
        manager: P0,
        weight: s(1.0),
    });
    n.edges.push(Edge::Influences {
        from: Q,
        to: P1,
        weight: s(1.0),
    });
    n.edges.push(Edge::RivalTie {
        competitor: K,
        person: P1,
        closeness: s(0.5),
    });
    n.edges.push(Edge::RivalTie {
        competitor: K,
        person: P2,
        closeness: s(0.0),
    });
    let member = |person, role, coach, sol: Option<f64>, price: Option<f64>| Edge::Member {
        person,
        project: X,
        member: Member {
            role,
            coach,
            solution: sol.map(s),
            price: price.map(s),
        },
    };
    n.edges
        .push(member(P0, Role::Approver, false, Some(0.9), Some(0.5)));
    n.edges
        .push(member(P1, Role::Vetoer, true, Some(0.1), None));
    n.edges.push(member(Q, Role::Evaluator, false, None, None));
    n.edges.push(Edge::Competes {
        competitor: K,
        project: X,
    });
    n.edges.push(Edge::Competes {
        competitor: K,
        project: Y,
    });
    n.edges.push(Edge::Owns {
        employee: E0,
        target: OwnsTarget::Account(A),
    });
    n.edges.push(Edge::Owns {
        employee: E1,
        target: OwnsTarget::Account(A),
    });
    n.edges.push(Edge::Owns {
        employee: E1,
        target: OwnsTarget::Account(K),
    });
    n.edges.push(Edge::Owns {
        employee: E1,
        target: OwnsTarget::Project(X),
    });
    assert_eq!(n.validate(), Ok(()));
    n
}

fn report() -> Report {
    Report::compute(
        &Snapshot::from_network(&network()),
        &Params::default(),
        as_of(),
    )
}

/// PageRank of A (N = 3): p1 → p0 and p2 → p0 (weight 1 each), p0 dangling.
/// By symmetry x1 = x2 = y, and y = (0.85·x0 + 0.15)/3 with x0 = 1 − 2y, so
/// 3y = 1 − 1.7y, y = 1/4.7 = 10/47 and x0 = 27/47. q has no account: π = 0.
#[test]
fn pagerank_of_a_three_person_account_and_closeness_by_noisy_or() {
    let r = report();
    let row = |id: &str| r.persons.iter().find(|p| p.id == id).unwrap().clone();
    close(row("p0").influence, 27.0 / 47.0);
    close(row("p1").influence, 10.0 / 47.0);
    close(row("p2").influence, 10.0 / 47.0);
    close(row("q").influence, 0.0);
    close(row("p0").closeness, 0.7);
    close(row("p1").closeness, 0.8);
    close(row("p2").closeness, 0.0);
    close(row("q").closeness, 0.9);
    let ids: Vec<&str> = r.persons.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p0", "p1", "p2", "q"]);
}

/// A = 27/47·0.7 + 10/47·0.8 + 10/47·0 = 26.9/47. K is a rival (its tie to p2 has
/// closeness 0 but exists): `A_K` = 10/47·0.5 = 5/47; advantage 21.9/47. Pipeline: X only
/// (Y is lost) = 1000; relationship asset = 26.9/47·1000.
#[test]
fn account_strength_rivals_pipeline_and_asset() {
    let r = report();
    let a = &r.accounts[0];
    assert_eq!(a.id, "A");
    close(a.strength, 26.9 / 47.0);
    assert_eq!(a.rivals.keys().collect::<Vec<_>>(), ["K"]);
    close(a.rivals["K"], 5.0 / 47.0);
    close(a.advantage, 21.9 / 47.0);
    close(a.pipeline, 1000.0);
    let k = &r.accounts[1];
    assert_eq!((k.strength, k.advantage, k.pipeline), (0.0, 0.0, 0.0));
    assert!(k.rivals.is_empty());
    assert!((r.relationship_asset - 26.9 / 47.0 * 1000.0).abs() < 1e-9);
}

/// X's persons: p0, p1, p2 (account) and q (chain). Stances s = 2V − 1:
/// p0 V = (0.7 + 0.9 + 0.5)/3 = 0.7 → 0.4; p1 V = (0.8 + 0.1)/2 = 0.45 → −0.1;
/// p2 V = C = 0 → −1; q V = C = 0.9 → 0.8.
/// FJ (λ = 0.5): p0 and q defer to nobody: x = s. p1 defers to p0 and q (½ each):
/// x1 = 0.5·(0.5·0.4 + 0.5·0.8) + 0.5·(−0.1) = 0.25. p2 defers to p0:
/// x2 = 0.5·0.4 + 0.5·(−1) = −0.3.
/// Consensus = (1.0·0.4 + 0.9·0.25 + 0.5·0.8) / 2.4 = 1.025/2.4. No veto risk.
#[test]
fn friedkin_johnsen_on_a_small_chain() {
    let snap = Snapshot::from_network(&network());
    let x = project_analysis(&snap, X, &Params::default(), as_of()).unwrap();
    assert_eq!(x.opinion.persons, [P0, P1, P2, Q]);
    for (got, want) in x.opinion.stance.iter().zip([0.4, -0.1, -1.0, 0.8]) {
        close(*got, want);
    }
    for (got, want) in x.opinion.opinion.iter().zip([0.4, 0.25, -0.3, 0.8]) {
        close(*got, want);
    }
    close(x.opinion.consensus.unwrap(), 1.025 / 2.4);
    assert!(x.opinion.veto_risk.is_empty());
}

/// Pursuit: 9 checks. `has_member`, approver, vetoer, coach (p1), coverage pass.
/// `key_attitudes` fails on p1 (no price); attitudes on p1 and q; `fresh_contact` on p0
/// (one stale, one undated tie) and q (undated) — p1's future contact counts;
/// `org_placement` on q (p0 is the approver, p1 reports to p0). 5/9.
/// Y is lost: no completeness, no gaps; empty chain: null consensus and chain figures.
#[test]
fn completeness_gaps_in_table_order_and_lost_project() {
    let r = report();
    let x = &r.projects[0];
    close(x.completeness.unwrap(), 5.0 / 9.0);
    let gaps: Vec<(&str, Vec<&str>)> = x
        .gaps
        .iter()
        .map(|g| {
            (
                g.check.as_str(),
                g.persons.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        gaps,
        [
            ("key_attitudes", vec!["p1"]),
            ("attitudes", vec!["p1", "q"]),
            ("fresh_contact", vec!["p0", "q"]),
            ("org_placement", vec!["q"]),
        ]
    );
    let y = &r.projects[1];
    assert_eq!(y.stage, "lost");
    assert_eq!(y.completeness, None);
    assert!(y.gaps.is_empty());
    assert_eq!((y.consensus, y.chain_closeness), (None, None));
    assert!(y.chain_rivals.is_empty() && y.coaches.is_empty() && y.veto_risk.is_empty());
    assert_eq!(Check::ALL[7].id(), "fresh_contact");
}

/// Coach = C·S·reach·(1 − max Rv), approver p0:
/// p0: 0.7·0.9·1·1 = 0.63; q: 0.9·0.5 (S unknown)·reach(q–p1–p0 = 1·0.5)·1 = 0.225;
/// p1: 0.8·0.1·0.5·(1 − 0.5) = 0.02; p2: C = 0, excluded.
/// Chain closeness = (1.0·0.7 + 0.9·0.8 + 0.5·0.9)/2.4 = 1.87/2.4; K: 0.9·0.5/2.4.
#[test]
fn coach_candidates_with_factors_and_chain_competition() {
    let snap = Snapshot::from_network(&network());
    let x = project_analysis(&snap, X, &Params::default(), as_of()).unwrap();
    let got: Vec<(PersonId, f64)> = x.coaches.iter().map(|c| (c.person.id, c.score)).collect();
    assert_eq!(got.len(), 3);
    for ((p, sc), (wp, ws)) in got.iter().zip([(P0, 0.63), (Q, 0.225), (P1, 0.02)]) {
        assert_eq!(*p, wp);
        close(*sc, ws);
    }
    let q = &x.coaches[1];
    close(q.closeness, 0.9);
    close(q.solution, 0.5);
    close(q.reach, 0.5);
    close(q.rival_free, 1.0);
    close(x.coaches[2].rival_free, 0.5);
    let comp = x.competition.unwrap();
    close(comp.ours, 1.87 / 2.4);
    close(comp.rivals[&Named::new(K, "K")], 0.45 / 2.4);
}

/// To q: e1 directly (0.9) beats e0 → p1 → q (0.8 · 1). To p2 (e1's own tie has
/// closeness 0, absent): e1 → p0 → p2 = 0.6 · 1 beats e1 → q → p1 → p0 → p2 = 0.45;
/// e0 → p1 → p0 → p2 = 0.8 · 0.5 · 1 = 0.4 beats e0 → p0 → p2 = 0.25.
#[test]
fn strongest_paths_with_hops() {
    let snap = Snapshot::from_network(&network());
    let p = Params::default();
    let to_q = strongest_paths(&snap, Q, 5, &p, as_of()).unwrap();
    assert_eq!(to_q.len(), 2);
    assert_eq!((to_q[0].employee.id, ids(&to_q[0].persons)), (E1, vec![Q]));
    close(to_q[0].strength, 0.9);
    assert_eq!(
        (to_q[1].employee.id, ids(&to_q[1].persons)),
        (E0, vec![P1, Q])
    );
    close(to_q[1].strength, 0.8);
    let to_p2 = strongest_paths(&snap, P2, 5, &p, as_of()).unwrap();
    assert_eq!(
        (to_p2[0].employee.id, ids(&to_p2[0].persons)),
        (E1, vec![P0, P2])
    );
    close(to_p2[0].strength, 0.6);
    assert_eq!(
        (to_p2[1].employee.id, ids(&to_p2[1].persons)),
        (E0, vec![P1, P0, P2])
    );
    close(to_p2[1].strength, 0.4);
    assert_eq!(strongest_paths(&snap, P2, 1, &p, as_of()).unwrap().len(), 1);
}

/// portfolio(e0) = 27/47·0.25 + 10/47·0.8 = 14.75/47; portfolio(e1) = 27/47·0.6 +
/// 10/47·0 + 0·0.9 = 16.2/47. Sole ties: p1 is e0's alone; p2 (closeness 0 counts) and
/// q are e1's alone. fit(e0, A) = 14.75/47; fit(e1, A) = 16.2/47, fit(e1, K) = 0.
#[test]
fn employee_portfolio_sole_ties_and_fit() {
    let r = report();
    let (e0, e1) = (&r.employees[0], &r.employees[1]);
    close(e0.portfolio, 14.75 / 47.0);
    close(e1.portfolio, 16.2 / 47.0);
    assert_eq!(e0.sole_ties, ["p1"]);
    assert_eq!(e1.sole_ties, ["p2", "q"]);
    assert_eq!(e0.fit.len(), 1);
    close(e0.fit["A"], 14.75 / 47.0);
    close(e1.fit["A"], 16.2 / 47.0);
    close(e1.fit["K"], 0.0);
}

/// e0 leaves: C(p0) 0.7 → 0.6, C(p1) 0.8 → 0; A 26.9/47 → 16.2/47. p1 is orphaned;
/// its successor is e1 → q → p1 (0.9 · 1) rather than e1 → p0 → p1 (0.3).
/// e1 leaves: C(p0) 0.7 → 0.25, C(q) 0.9 → 0 (C(p2) = 0 does not drop); A 26.9/47 →
/// 14.75/47. p2 and q are orphaned: p2 ← e0 → p1 → p0 → p2 (0.4), q ← e0 → p1 → q (0.8).
#[test]
fn departure_impact_with_successors() {
    let snap = Snapshot::from_network(&network());
    let p = Params::default();
    let d0 = departure_impact(&snap, E0, &p, as_of()).unwrap();
    let persons: Vec<(PersonId, f64, f64)> = d0
        .persons
        .iter()
        .map(|x| (x.person.id, x.before, x.after))
        .collect();
    assert_eq!(persons.len(), 2);
    assert_eq!((persons[0].0, persons[1].0), (P0, P1));
    close(persons[0].1, 0.7);
    close(persons[0].2, 0.6);
    close(persons[1].2, 0.0);
    assert_eq!(d0.accounts.len(), 1);
    close(d0.accounts[0].before, 26.9 / 47.0);
    close(d0.accounts[0].after, 16.2 / 47.0);
    assert_eq!(d0.successors.len(), 1);
    let succ = d0.successors[0].successor.as_ref().unwrap();
    assert_eq!(
        (
            d0.successors[0].person.id,
            succ.employee.id,
            ids(&succ.persons)
        ),
        (P1, E1, vec![Q, P1])
    );
    close(succ.strength, 0.9);

    let d1 = departure_impact(&snap, E1, &p, as_of()).unwrap();
    let dropped: Vec<PersonId> = d1.persons.iter().map(|x| x.person.id).collect();
    assert_eq!(dropped, [P0, Q]);
    close(d1.persons[0].after, 0.25);
    close(d1.accounts[0].after, 14.75 / 47.0);
    let succ: Vec<(PersonId, EmployeeId, f64)> = d1
        .successors
        .iter()
        .map(|s| {
            let p = s.successor.as_ref().unwrap();
            (s.person.id, p.employee.id, p.strength)
        })
        .collect();
    assert_eq!(
        (succ[0].0, succ[0].1, succ[1].0, succ[1].1),
        (P2, E0, Q, E0)
    );
    close(succ[0].2, 0.4);
    close(succ[1].2, 0.8);
}

/// The query functions and the report agree to the last bit.
#[test]
fn queries_agree_with_the_report_bit_for_bit() {
    let snap = Snapshot::from_network(&network());
    let x = project_analysis(&snap, X, &Params::default(), as_of()).unwrap();
    let r = report();
    assert_eq!(
        r.projects[0].consensus.map(f64::to_bits),
        x.opinion.consensus.map(f64::to_bits)
    );
    assert_eq!(
        r.projects[0].coaches[1].score.to_bits(),
        x.coaches[1].score.to_bits()
    );
}

#[test]
fn json_has_the_spec_s_shape() {
    let json = report().to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["as_of"], "2025-06-30");
    assert_eq!(v["accounts"][0]["pipeline"].to_string(), "1000.0");
    assert!(v["projects"][1]["completeness"].is_null());
    assert!(v["projects"][1]["chain_rivals"]
        .as_object()
        .unwrap()
        .is_empty());
    assert!(json.find("\"persons\"").unwrap() < json.find("\"accounts\"").unwrap());
}

/// Queries on ids the snapshot does not hold are a typed error naming the kind and id,
/// never empty figures (which would read as facts: a lost deal, nobody to reach).
#[test]
fn queries_on_unknown_ids_are_typed_errors_not_empty_figures() {
    let snap = Snapshot::from_network(&network());
    let p = Params::default();
    let missing = |kind, id| QueryError::NotFound { kind, id };
    assert_eq!(
        project_analysis(&snap, ProjectId(99), &p, as_of()).unwrap_err(),
        missing(NodeKind::Project, 99)
    );
    assert_eq!(
        strongest_paths(&snap, PersonId(99), 5, &p, as_of()).unwrap_err(),
        missing(NodeKind::Person, 99)
    );
    assert_eq!(
        departure_impact(&snap, EmployeeId(99), &p, as_of()).unwrap_err(),
        missing(NodeKind::Employee, 99)
    );
    let err = guanxi::analysis::account_figures(&snap, AccountId(2), &p, as_of()).unwrap_err();
    assert_eq!(err, missing(NodeKind::Account, 2));
    assert!(err.to_string().contains("account with id 2"), "{err}");
    assert!(strongest_paths(&snap, Q, 0, &p, as_of())
        .unwrap()
        .is_empty());
}
