//! The rules of relationships over time (docs/analyses.md §8), each on a tiny network
//! whose every figure is computed by hand below.
//!
//! `as_of` T = 2025-06-30; the trends compare with T − 90 = 2025-04-01.
//!
//! Accounts: A and B (clients). Employees: e0 (still with us) and eg, who left on
//! 2025-05-15 (gone at T, still with us at T − 90).
//!
//! Persons and their periods:
//! * pa — at A, no dates (always);
//! * pl — at A over [2024-01-01, 2025-06-30): the period ends exactly on T, so on T pl
//!   works at B, over [2025-06-30, …) — touching periods;
//! * pf — at A from 2025-07-01: a period that has not begun, so on T pf works nowhere;
//! * pg — no account; its only tie is eg's;
//! * ph — no account; only an interaction with eg dated after eg left;
//! * pi — no account; only one meeting with e0, dated T;
//! * pn — no account; only an email from e0 dated 2025-07-01, the day after T.
//!
//! Ties and interactions:
//! * e0 → pa: record 0.5, last contact 2025-01-01 (180 days before T: `c_tie` = 0.25),
//!   and a call on 2025-04-01 (90 days before T: E = 0.5·½ = 0.25, `c_int` = 1 − e^−0.125),
//!   so `c_eff` = 1 − 0.75·e^−0.125 and last(e0, pa) = 2025-04-01;
//! * eg → pa: record 0.9, no date (gone at T: counts nowhere);
//! * eg → pg: record 0.8, no date;
//! * eg → ph: a meeting on 2025-06-01 (after eg left, before T);
//! * e0 → pi: a meeting on T: `c_int` = 1 − e^−0.5 = 0.3934693402873666;
//! * e0 → pn: an email on 2025-07-01 (not yet at T).
//!
//! Projects at A: X (pursuit) with chain pa approver (S 0.6, P 0.4), pl vetoer, pi user;
//! W (won) with pa (S 0.8); V at B (lost) with pa (S 0.4, P 0.2).

use guanxi::analysis::{
    departed_employees, departure_impact, employee_figures, person_figures, project_analysis,
    strongest_paths, Check, Params, Report,
};
use guanxi::graph::Snapshot;
use guanxi::model::*;

const EPS: f64 = 1e-12;

fn d(v: &str) -> Day {
    v.parse().unwrap()
}

fn t() -> Day {
    d("2025-06-30")
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < EPS, "got {got}, want {want}");
}

const A: AccountId = AccountId(0);
const B: AccountId = AccountId(1);
const PA: PersonId = PersonId(0);
const PL: PersonId = PersonId(1);
const PF: PersonId = PersonId(2);
const PG: PersonId = PersonId(3);
const PH: PersonId = PersonId(4);
const PI: PersonId = PersonId(5);
const PN: PersonId = PersonId(6);
const E0: EmployeeId = EmployeeId(0);
const EG: EmployeeId = EmployeeId(1);
const X: ProjectId = ProjectId(0);

fn member(role: Role, solution: Option<f64>, price: Option<f64>) -> Member {
    Member {
        role,
        coach: false,
        solution: solution.map(|v| Score::new(v).unwrap()),
        price: price.map(|v| Score::new(v).unwrap()),
    }
}

#[allow(clippy::too_many_lines)] // one fixture, built in one place
fn network() -> Network {
    let mut n = Network::new();
    for xid in ["A", "B"] {
        n.accounts.push(Account {
            xid: xid.into(),
            name: xid.into(),
            kind: AccountKind::Client,
        });
    }
    for xid in ["pa", "pl", "pf", "pg", "ph", "pi", "pn"] {
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
    n.employees.push(Employee {
        xid: "eg".into(),
        name: "eg".into(),
        left: Some(d("2025-05-15")),
    });
    for (xid, stage) in [("X", Stage::Pursuit), ("W", Stage::Won), ("V", Stage::Lost)] {
        n.projects.push(Project {
            xid: xid.into(),
            name: xid.into(),
            stage,
            amount: Amount::new(100.0).unwrap(),
        });
    }
    let period = |since: Option<&str>, until: Option<&str>| Employment {
        since: since.map(d),
        until: until.map(d),
        title: None,
    };
    for (person, account, employment) in [
        (PA, A, Employment::default()),
        (PL, A, period(Some("2024-01-01"), Some("2025-06-30"))),
        (PL, B, period(Some("2025-06-30"), None)),
        (PF, A, period(Some("2025-07-01"), None)),
    ] {
        n.edges.push(Edge::WorksAt {
            person,
            account,
            employment,
        });
    }
    for (x, account) in [(0, A), (1, A), (2, B)] {
        n.edges.push(Edge::Of {
            project: ProjectId(x),
            account,
        });
    }
    for (employee, person, closeness, last) in [
        (E0, PA, 0.5, Some("2025-01-01")),
        (EG, PA, 0.9, None),
        (EG, PG, 0.8, None),
    ] {
        n.edges.push(Edge::Tie {
            employee,
            person,
            tie: Tie {
                closeness: Score::new(closeness).unwrap(),
                last_contact: last.map(d),
                private: false,
            },
        });
    }
    for (project, person, m) in [
        (X, PA, member(Role::Approver, Some(0.6), Some(0.4))),
        (X, PL, member(Role::Vetoer, None, None)),
        (X, PI, member(Role::User, None, None)),
        (ProjectId(1), PA, member(Role::Approver, Some(0.8), None)),
        (
            ProjectId(2),
            PA,
            member(Role::Approver, Some(0.4), Some(0.2)),
        ),
    ] {
        n.edges.push(Edge::Member {
            person,
            project,
            member: m,
        });
    }
    for (employee, person, date, kind) in [
        (E0, PA, "2025-04-01", InteractionKind::Call),
        (EG, PH, "2025-06-01", InteractionKind::Meeting),
        (E0, PI, "2025-06-30", InteractionKind::Meeting),
        (E0, PN, "2025-07-01", InteractionKind::Email),
    ] {
        n.interactions.push(Interaction {
            employee,
            person,
            date: d(date),
            kind,
            project: None,
        });
    }
    assert_eq!(n.validate(), Ok(()));
    n
}

/// `c_eff(e0, pa)` at T.
fn c_pa() -> f64 {
    1.0 - 0.75 * (-0.125f64).exp()
}

/// C(pa) at T − 90: e0's record decayed over 90 days (0.5·2^−½) with the call of that
/// day (E = 0.5), and eg's undated 0.9 (eg was still with us).
fn c_pa_earlier() -> f64 {
    let e0 = 1.0 - (1.0 - 0.5 * 2f64.powf(-0.5)) * (-0.25f64).exp();
    1.0 - (1.0 - 0.9) * (1.0 - e0)
}

fn report() -> Report {
    Report::compute(&Snapshot::from_network(&network()), &Params::default(), t())
}

fn person<'r>(r: &'r Report, xid: &str) -> &'r guanxi::analysis::PersonRow {
    r.persons.iter().find(|p| p.id == xid).unwrap()
}

#[test]
fn one_meeting_today_gives_one_minus_e_to_the_minus_half() {
    let snap = Snapshot::from_network(&network());
    let f = person_figures(&snap, PI, &Params::default(), t()).unwrap();
    close(f.closeness, 1.0 - (-0.5f64).exp());
    close(f.closeness, 0.393_469_340_287_366_6);
    // Nothing 90 days earlier.
    close(f.trend, f.closeness);
    close(person(&report(), "pi").closeness, f.closeness);
}

#[test]
fn an_interaction_only_tie_is_a_tie_and_not_private() {
    let snap = Snapshot::from_network(&network());
    let tie = snap
        .person_ties(PI)
        .iter()
        .find(|r| r.employee == E0)
        .copied()
        .unwrap();
    assert!(!tie.recorded && !tie.private);
    // It covers pi in X's chain, and its contact of today is fresh.
    let x = project_analysis(&snap, X, &Params::default(), t()).unwrap();
    let gap = |c: Check| {
        x.completeness
            .gaps
            .iter()
            .find(|g| g.check == c)
            .map(|g| g.persons.iter().map(|p| p.id).collect::<Vec<_>>())
    };
    assert_eq!(gap(Check::Coverage), Some(vec![PL]));
    assert_eq!(gap(Check::FreshContact), Some(vec![PL]));
    // e0 is pi's only tie, and the path to pi is that tie.
    let e0 = employee_figures(&snap, E0, &Params::default(), t()).unwrap();
    let sole: Vec<PersonId> = e0.sole_ties.iter().map(|p| p.id).collect();
    assert_eq!(sole, [PA, PI]);
    let paths = strongest_paths(&snap, PI, 5, &Params::default(), t()).unwrap();
    assert_eq!(paths.len(), 1);
    close(paths[0].strength, 1.0 - (-0.5f64).exp());
}

#[test]
fn effective_closeness_combines_the_record_and_the_interactions() {
    let snap = Snapshot::from_network(&network());
    let f = person_figures(&snap, PA, &Params::default(), t()).unwrap();
    close(f.closeness, c_pa());
    close(f.trend, c_pa() - c_pa_earlier());
    // pa works at A alone on T: π = 1, and e0's portfolio is π·c_eff.
    close(f.influence, 1.0);
    let e0 = employee_figures(&snap, E0, &Params::default(), t()).unwrap();
    close(e0.portfolio, c_pa());
    // last(e0, pa) is the call, 90 days before T: fresh (at most stale_after = 90).
    let x = project_analysis(&snap, X, &Params::default(), t()).unwrap();
    assert!(!x
        .completeness
        .gaps
        .iter()
        .any(|g| g.check == Check::FreshContact && g.persons.iter().any(|p| p.id == PA)));
}

#[test]
fn a_period_ending_exactly_on_as_of_no_longer_covers_it() {
    let snap = Snapshot::from_network(&network());
    assert_eq!(snap.account_at(PL, t()), Some(B));
    assert_eq!(snap.account_at(PL, d("2025-06-29")), Some(A));
    assert_eq!(snap.persons_at(A, t()).as_ref(), [PA]);
    assert_eq!(snap.persons_at(B, t()).as_ref(), [PL]);
    // pl left X's account: the stale chain.
    let x = project_analysis(&snap, X, &Params::default(), t()).unwrap();
    let left: Vec<PersonId> = x.left.iter().map(|p| p.id).collect();
    assert_eq!(left, [PL]);
    // The day before, pl still worked at A.
    let before = project_analysis(&snap, X, &Params::default(), d("2025-06-29")).unwrap();
    assert!(before.left.is_empty());
    let r = report();
    let row = r.projects.iter().find(|p| p.id == "X").unwrap();
    assert_eq!(row.left, ["pl"]);
    // pl has the whole of B (π = 1), and A is pa's alone.
    close(person(&r, "pl").influence, 1.0);
    close(person(&r, "pa").influence, 1.0);
}

#[test]
fn a_period_that_has_not_begun_gives_no_account() {
    let snap = Snapshot::from_network(&network());
    assert_eq!(snap.account_at(PF, t()), None);
    assert_eq!(snap.account_at(PF, d("2025-07-01")), Some(A));
    let f = person_figures(&snap, PF, &Params::default(), t()).unwrap();
    assert_eq!(f.account, None);
    close(f.influence, 0.0);
}

#[test]
fn an_interaction_the_day_after_as_of_does_not_count_yet() {
    let snap = Snapshot::from_network(&network());
    let params = Params::default();
    let f = person_figures(&snap, PN, &params, t()).unwrap();
    close(f.closeness, 0.0);
    let e0 = employee_figures(&snap, E0, &params, t()).unwrap();
    assert!(!e0.sole_ties.iter().any(|p| p.id == PN));
    assert!(strongest_paths(&snap, PN, 5, &params, t())
        .unwrap()
        .is_empty());
    // On its day it is a tie: one email, E = 0.2.
    let next = person_figures(&snap, PN, &params, d("2025-07-01")).unwrap();
    close(next.closeness, 1.0 - (-0.1f64).exp());
    // Nor does it move pa's evidence or last contact: its record's date is earlier.
    let tie = snap.person_tie_range(PN).next().unwrap();
    assert_eq!(snap.last_contact(tie, t()), None);
    assert_eq!(
        snap.last_contact(tie, d("2025-07-01")),
        Some(d("2025-07-01"))
    );
}

#[test]
fn a_gone_employee_who_was_someone_s_only_tie_leaves_an_orphan() {
    let snap = Snapshot::from_network(&network());
    let params = Params::default();
    // eg's ties count nowhere: pg has no closeness left, pa only e0's.
    let pg = person_figures(&snap, PG, &params, t()).unwrap();
    close(pg.closeness, 0.0);
    // 90 days earlier eg was still with us.
    close(pg.trend, -0.8);
    assert!(strongest_paths(&snap, PG, 5, &params, t())
        .unwrap()
        .is_empty());
    // The departure of a gone employee changes nothing.
    let impact = departure_impact(&snap, EG, &params, t()).unwrap();
    assert!(impact.persons.is_empty() && impact.accounts.is_empty());
    assert!(impact.successors.is_empty());
    let eg = employee_figures(&snap, EG, &params, t()).unwrap();
    assert!(eg.gone && eg.sole_ties.is_empty() && eg.fit.is_empty());
    close(eg.portfolio, 0.0);
    // Its orphans: pg (a record) and ph (an interaction after it left), not pa (e0).
    let departed = departed_employees(&snap, &params, t());
    assert_eq!(departed.len(), 1);
    assert_eq!(departed[0].employee.id, EG);
    assert_eq!(departed[0].left, d("2025-05-15"));
    let orphans: Vec<PersonId> = departed[0].orphans.iter().map(|p| p.id).collect();
    assert_eq!(orphans, [PG, PH]);
    // The report lists e0 among employees and eg among the departed only.
    let r = report();
    let employees: Vec<&str> = r.employees.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(employees, ["e0"]);
    assert_eq!(r.departed.len(), 1);
    assert_eq!(
        (r.departed[0].id.as_str(), r.departed[0].left.as_str()),
        ("eg", "2025-05-15")
    );
    assert_eq!(r.departed[0].orphans, ["pg", "ph"]);
    // The day before it left, eg is an employee, with nobody orphaned.
    assert!(departed_employees(&snap, &params, d("2025-05-14")).is_empty());
}

#[test]
fn trends_compare_with_trend_days_earlier_and_vanish_with_zero() {
    let r = report();
    // A on T: pa alone (π = 1). On T − 90: pa and pl (π = ½ each), pl without ties.
    let a = r.accounts.iter().find(|a| a.id == "A").unwrap();
    close(a.strength, c_pa());
    close(a.trend, c_pa() - 0.5 * c_pa_earlier());
    // B: pl, without ties, on T; nobody on T − 90.
    let b = r.accounts.iter().find(|a| a.id == "B").unwrap();
    close(b.strength, 0.0);
    close(b.trend, 0.0);
    close(person(&r, "ph").trend, 0.0);
    let flat = Report::compute(
        &Snapshot::from_network(&network()),
        &Params {
            trend_days: 0,
            ..Params::default()
        },
        t(),
    );
    assert!(flat.persons.iter().all(|p| p.trend == 0.0));
    assert!(flat.accounts.iter().all(|a| a.trend == 0.0));
}

#[test]
fn attitude_memory_averages_known_acceptances_of_won_and_lost_projects() {
    let r = report();
    // pa: solution 0.8 (W, won) and 0.4 (V, lost); price 0.2 (V); X is still open.
    let pa = person(&r, "pa");
    close(pa.past_solution.unwrap(), 0.6);
    close(pa.past_price.unwrap(), 0.2);
    // pl is only in X's chain; pi too.
    assert_eq!(
        (person(&r, "pl").past_solution, person(&r, "pl").past_price),
        (None, None)
    );
    let snap = Snapshot::from_network(&network());
    let f = person_figures(&snap, PA, &Params::default(), t()).unwrap();
    assert_eq!(
        (f.past_solution, f.past_price),
        (pa.past_solution, pa.past_price)
    );
}
