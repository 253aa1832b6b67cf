//! Claims (§9.3), protection (§9.4), best owner (§9.5) and data quality (§9.6) on a
//! network built by hand, every figure computed in the comments, through the queries
//! and through the report.
//!
//! `as_of` t = 2025-06-30. Accounts: A, B, C, D, F (clients), K (competitor), P
//! (partner). Persons: a1 at A (no dates), a2 at A since 2025-01-01, a3 at A until
//! 2025-03-01 (gone from A at t), b1 at B, p1 at P, c1 at C, d1 at D. No deference, so
//! π is uniform per account: π(a1) = π(a2) = 0.5; π(b1) = π(c1) = π(d1) = 1.
//! Employees e1, e2, e3, e4 (left 2025-05-01: gone), s1, s2, t1, t2, u2, u1.
//!
//! Owners: e1 → A, B (accounts); e4 → A (gone: counts nowhere); e2 → projects X
//! (validation), Z (lead), W (lost) of A; e3 → project Y (won) of A and account K;
//! s1, s2 → C; t1, t2 → D; u1, u2 → F.
//!
//! Ties at t (`c_eff`, §8.1):
//! * e1–a1: record 0.5, last 2025-04-01 (90 days): 0.5·2^(−90/180) = 0.5/√2.
//! * e1–a2: a meeting on 2025-07-15, after t: no tie at t.
//! * e2–a1: a call on 2025-05-01 (60 days): 1 − exp(−0.5·0.5·2^(−60/90)).
//! * e2–a2: a meeting on t: 1 − exp(−0.5).
//! * e2–a3: a meeting on 2025-02-01 (a3 is no longer at A).
//! * e4–a1: record 0.9 (gone).  e1–b1: record 0.8, last 2025-08-01 (after t: d = 0).
//! * e1–p1: record 0.7.
//! * s1–c1: a meeting and a call on t: evidence 1 + 0.5 = 1.5.
//! * s2–c1: meetings on t and on 2025-04-01 (90 days, one half-life): 1 + 0.5 = 1.5 —
//!   the same fit as s1, but a first contact 90 days earlier.
//! * t1–d1: record 0 (a tie, of closeness 0, no date).
//! * t2–d1: an email on 1754-01-01 — its evidence underflows to 0: fit 0, but a first
//!   contact.
//!
//! Chain of X: a1 approver (S 0.9, P 0.6, coach). Completeness of X (validation):
//! `has_member`, `approver`, `key_attitudes`, `coach`, `coverage` pass, `vetoer` fails: 5/6. Z (lead)
//! has an empty chain: 0/1.

use guanxi::analysis::{
    best_owner, claim, claims, data_quality, protection, protections, Params, Report,
};
use guanxi::graph::Snapshot;
use guanxi::model::InteractionKind::{Call, Email, Meeting};
use guanxi::model::*;

const EPS: f64 = 1e-12;

fn d(s: &str) -> Day {
    s.parse().unwrap()
}

fn t() -> Day {
    d("2025-06-30")
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < EPS, "got {got}, want {want}");
}

#[allow(clippy::too_many_lines)] // one fixture, built in one place
fn network() -> Network {
    let mut n = Network::new();
    for (xid, kind) in [
        ("A", AccountKind::Client),
        ("B", AccountKind::Client),
        ("K", AccountKind::Competitor),
        ("P", AccountKind::Partner),
        ("C", AccountKind::Client),
        ("D", AccountKind::Client),
        ("F", AccountKind::Client),
    ] {
        n.accounts.push(Account {
            xid: xid.into(),
            name: xid.into(),
            kind,
        });
    }
    let acc = |xid: &str| {
        AccountId(
            ["A", "B", "K", "P", "C", "D", "F"]
                .iter()
                .position(|a| *a == xid)
                .unwrap() as u32,
        )
    };
    let persons = ["a1", "a2", "a3", "b1", "p1", "c1", "d1"];
    for xid in persons {
        n.persons.push(Person {
            xid: xid.into(),
            name: xid.into(),
            title: None,
        });
    }
    let per = |xid: &str| PersonId(persons.iter().position(|p| *p == xid).unwrap() as u32);
    let employees = ["e1", "e2", "e3", "e4", "s1", "s2", "t1", "t2", "u2", "u1"];
    for xid in employees {
        n.employees.push(Employee {
            xid: xid.into(),
            name: xid.into(),
            left: (xid == "e4").then(|| d("2025-05-01")),
        });
    }
    let emp = |xid: &str| EmployeeId(employees.iter().position(|e| *e == xid).unwrap() as u32);
    let projects = [
        ("X", Stage::Validation, 100.0),
        ("Z", Stage::Lead, 50.0),
        ("Y", Stage::Won, 10.0),
        ("W", Stage::Lost, 10.0),
    ];
    for (i, (xid, stage, amount)) in projects.iter().enumerate() {
        n.projects.push(Project {
            xid: (*xid).into(),
            name: (*xid).into(),
            stage: *stage,
            amount: Amount::new(*amount).unwrap(),
        });
        n.edges.push(Edge::Of {
            project: ProjectId(i as u32),
            account: acc("A"),
        });
    }
    let works = |p: &str, a: &str, since: Option<&str>, until: Option<&str>| Edge::WorksAt {
        person: per(p),
        account: acc(a),
        employment: Employment {
            since: since.map(d),
            until: until.map(d),
            title: None,
        },
    };
    n.edges.push(works("a1", "A", None, None));
    n.edges.push(works("a2", "A", Some("2025-01-01"), None));
    n.edges.push(works("a3", "A", None, Some("2025-03-01")));
    n.edges.push(works("b1", "B", None, None));
    n.edges.push(works("p1", "P", None, None));
    n.edges.push(works("c1", "C", None, None));
    n.edges.push(works("d1", "D", None, None));
    let owns_account = |e: &str, a: &str| Edge::Owns {
        employee: emp(e),
        target: OwnsTarget::Account(acc(a)),
    };
    let owns_project = |e: &str, x: u32| Edge::Owns {
        employee: emp(e),
        target: OwnsTarget::Project(ProjectId(x)),
    };
    for (e, a) in [
        ("e1", "A"),
        ("e4", "A"),
        ("e1", "B"),
        ("e3", "K"),
        ("s1", "C"),
        ("s2", "C"),
        ("t1", "D"),
        ("t2", "D"),
        ("u1", "F"),
        ("u2", "F"),
    ] {
        n.edges.push(owns_account(e, a));
    }
    for (e, x) in [("e2", 0), ("e2", 1), ("e2", 3), ("e3", 2)] {
        n.edges.push(owns_project(e, x));
    }
    let tie = |e: &str, p: &str, c: f64, last: Option<&str>| Edge::Tie {
        employee: emp(e),
        person: per(p),
        tie: Tie {
            closeness: Score::new(c).unwrap(),
            last_contact: last.map(d),
            private: false,
        },
    };
    n.edges.push(tie("e1", "a1", 0.5, Some("2025-04-01")));
    n.edges.push(tie("e4", "a1", 0.9, None));
    n.edges.push(tie("e1", "b1", 0.8, Some("2025-08-01")));
    n.edges.push(tie("e1", "p1", 0.7, None));
    n.edges.push(tie("t1", "d1", 0.0, None));
    n.edges.push(Edge::Member {
        person: per("a1"),
        project: ProjectId(0),
        member: Member {
            role: Role::Approver,
            coach: true,
            solution: Some(Score::new(0.9).unwrap()),
            price: Some(Score::new(0.6).unwrap()),
        },
    });
    let met = |e: &str, p: &str, date: &str, kind| Interaction {
        employee: emp(e),
        person: per(p),
        date: d(date),
        kind,
        project: None,
    };
    n.interactions = vec![
        met("e2", "a2", "2025-06-30", Meeting),
        met("e2", "a1", "2025-05-01", Call),
        met("e2", "a3", "2025-02-01", Meeting),
        met("e1", "a2", "2025-07-15", Meeting),
        met("s1", "c1", "2025-06-30", Meeting),
        met("s1", "c1", "2025-06-30", Call),
        met("s2", "c1", "2025-06-30", Meeting),
        met("s2", "c1", "2025-04-01", Meeting),
        met("t2", "d1", "1754-01-01", Email),
    ];
    assert_eq!(n.validate(), Ok(()));
    n
}

fn fit_e1_a() -> f64 {
    0.5 * 0.5 * 2f64.powf(-0.5)
}

fn fit_e2_a() -> f64 {
    let a1 = 1.0 - (-0.5 * 0.5 * 2f64.powf(-60.0 / 90.0)).exp();
    let a2 = 1.0 - (-0.5f64).exp();
    0.5 * a1 + 0.5 * a2
}

fn fit_c() -> f64 {
    1.0 - (-0.5 * 1.5f64).exp()
}

#[test]
fn claims_name_their_claimants_and_holder() {
    let snap = Snapshot::from_network(&network());
    let p = Params::default();
    let a = snap.account_by_xid("A").unwrap();
    let c = claim(&snap, a, &p, t())
        .unwrap()
        .expect("e1 and e2 claim A");
    // e3 owns only a won project of A and e4 is gone: neither claims.
    let who: Vec<&str> = c
        .claimants
        .iter()
        .map(|m| m.employee.xid.as_ref())
        .collect();
    assert_eq!(who, ["e1", "e2"]);
    let (e1, e2) = (&c.claimants[0], &c.claimants[1]);
    close(e1.fit, fit_e1_a());
    assert_eq!(
        (e1.first_contact, e1.last_contact, e1.reached),
        (None, Some(d("2025-04-01")), 1)
    );
    close(e2.fit, fit_e2_a());
    assert_eq!(
        (e2.first_contact, e2.last_contact, e2.reached),
        (Some(d("2025-05-01")), Some(d("2025-06-30")), 2)
    );
    assert_eq!(c.holder.xid, "e2");
    close(c.pipeline, 150.0);
    // Equal fits: the earlier first contact holds (s2, though s1 sorts first).
    let cc = claim(&snap, snap.account_by_xid("C").unwrap(), &p, t())
        .unwrap()
        .unwrap();
    assert_eq!(cc.claimants[0].fit.to_bits(), cc.claimants[1].fit.to_bits());
    close(cc.claimants[0].fit, fit_c());
    assert_eq!(cc.holder.xid, "s2");
    // Fits of 0: a first contact (even one that adds no closeness) beats none.
    let cd = claim(&snap, snap.account_by_xid("D").unwrap(), &p, t())
        .unwrap()
        .unwrap();
    assert_eq!(cd.holder.xid, "t2");
    assert_eq!(cd.claimants[0].reached, 1); // t1's closeness-0 record is a tie
    assert_eq!(cd.claimants[0].fit.to_bits(), 0f64.to_bits());
    assert_eq!(cd.claimants[1].first_contact, Some(d("1754-01-01")));
    // Nothing at all: by id (u1, though u2 comes first in the network).
    let cf = claim(&snap, snap.account_by_xid("F").unwrap(), &p, t())
        .unwrap()
        .unwrap();
    assert_eq!(cf.holder.xid, "u1");
    // One claimant: no claim.
    assert!(claim(&snap, snap.account_by_xid("B").unwrap(), &p, t())
        .unwrap()
        .is_none());
    // Worst first: the most pipeline (A), then by id among equals.
    let all: Vec<String> = claims(&snap, &p, t())
        .iter()
        .map(|c| c.account.xid.to_string())
        .collect();
    assert_eq!(all, ["A", "C", "D", "F"]);
}

#[test]
fn protection_expires_after_protect_days_without_contact() {
    let snap = Snapshot::from_network(&network());
    let p = Params::default();
    let get = |xid: &str, p: &Params| {
        protection(&snap, snap.account_by_xid(xid).unwrap(), p, t()).unwrap()
    };
    // A: only e1 counts (e4 is gone); its meeting with a2 is after t.
    let a = get("A", &p).unwrap();
    assert_eq!(
        (a.last_contact, a.days, a.expired),
        (Some(d("2025-04-01")), Some(90), false)
    );
    let strict = Params {
        protect_days: 89,
        ..Params::default()
    };
    assert!(get("A", &strict).unwrap().expired);
    // B: a contact after t counts as it is, 0 days.
    let b = get("B", &p).unwrap();
    assert_eq!(
        (b.last_contact, b.days, b.expired),
        (Some(d("2025-08-01")), Some(0), false)
    );
    // K: an owner who never made contact.
    let k = get("K", &p).unwrap();
    assert_eq!((k.last_contact, k.days, k.expired), (None, None, true));
    // P: no owner.
    assert!(get("P", &p).is_none());
    let order: Vec<String> = protections(&snap, &p, t())
        .iter()
        .map(|x| x.account.xid.to_string())
        .collect();
    // Expired: never contacted (F, K by id), then D (1754); then A (90 days), B and C (0).
    assert_eq!(order, ["F", "K", "D", "A", "B", "C"]);
}

#[test]
fn the_best_owner_is_the_best_placed_employee_still_with_us() {
    let snap = Snapshot::from_network(&network());
    let p = Params::default();
    let get = |xid: &str| best_owner(&snap, snap.account_by_xid(xid).unwrap(), &p, t()).unwrap();
    // A: e4 (gone) would have 0.5·0.9; e2 beats e1.
    let a = get("A").unwrap();
    assert_eq!(a.employee.xid, "e2");
    close(a.fit, fit_e2_a());
    close(get("B").unwrap().fit, 0.8);
    assert_eq!(get("C").unwrap().employee.xid, "s1"); // equal fits: by id
    assert!(get("D").is_none()); // every fit is 0
    assert!(get("P").is_none()); // a partner, despite e1's tie
    assert!(get("K").is_none());
}

#[test]
fn data_quality_is_the_mean_completeness_of_the_open_projects_owned() {
    let snap = Snapshot::from_network(&network());
    let p = Params::default();
    let get = |xid: &str| data_quality(&snap, snap.employee_by_xid(xid).unwrap(), &p, t()).unwrap();
    let e2 = get("e2");
    let projects: Vec<(&str, f64)> = e2
        .projects
        .iter()
        .map(|o| (o.project.xid.as_ref(), o.completeness))
        .collect();
    assert_eq!(projects.len(), 2); // W is lost
    assert_eq!(projects[0].0, "X");
    close(projects[0].1, 5.0 / 6.0);
    assert_eq!(projects[1], ("Z", 0.0));
    close(e2.data_quality.unwrap(), 5.0 / 12.0);
    assert_eq!(get("e3").data_quality, None); // a won project only
    assert_eq!(get("e1").data_quality, None);
    assert!(get("e4").projects.is_empty()); // gone
}

#[test]
fn the_report_carries_the_same_figures() {
    let snap = Snapshot::from_network(&network());
    let report = Report::compute(&snap, &Params::default(), t());
    let row = |xid: &str| report.accounts.iter().find(|a| a.id == xid).unwrap();
    let a = row("A");
    let claim = a.claim.as_ref().unwrap();
    assert_eq!(claim.holder, "e2");
    assert_eq!(claim.claimants[0].first_contact, None);
    assert_eq!(
        claim.claimants[1].first_contact.as_deref(),
        Some("2025-05-01")
    );
    assert_eq!(claim.claimants[1].reached, 2);
    close(claim.claimants[1].fit, fit_e2_a());
    let prot = a.protection.as_ref().unwrap();
    assert_eq!(
        (prot.last_contact.as_deref(), prot.days, prot.expired),
        (Some("2025-04-01"), Some(90), false)
    );
    assert_eq!(a.best_owner.as_ref().unwrap().id, "e2");
    assert!(
        row("P").best_owner.is_none() && row("P").protection.is_none() && row("P").claim.is_none()
    );
    let k = row("K").protection.as_ref().unwrap();
    assert_eq!(
        (k.last_contact.as_deref(), k.days, k.expired),
        (None, None, true)
    );
    let e2 = report.employees.iter().find(|e| e.id == "e2").unwrap();
    close(e2.data_quality.unwrap(), 5.0 / 12.0);
    assert!(report.employees.iter().all(|e| e.id != "e4"));
    // The JSON: dates as strings, days and reached as integers, nulls where none.
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let a = &json["accounts"][0];
    assert_eq!(a["id"], "A");
    assert_eq!(a["protection"]["days"], serde_json::json!(90));
    assert!(a["protection"]["days"].is_u64());
    assert!(a["claim"]["claimants"][1]["reached"].is_u64());
    assert!(a["claim"]["claimants"][0]["first_contact"].is_null());
    let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "strength",
            "rivals",
            "advantage",
            "pipeline",
            "trend",
            "best_owner",
            "protection",
            "claim"
        ]
    );
}
