//! A what-if overlay answers every per-item query as the database would after the
//! same changes were written — to the last bit — and refuses exactly the changes the
//! store refuses; and hand-computed cases: winning a person over, an employee leaving
//! and a rival gaining a tie move the figures by what §4 says.

#[path = "common/deal.rs"]
mod deal;
#[path = "common/live_writes.rs"]
mod live_writes;

use deal::write_deal;
use guanxi::analysis::{self, Params};
use guanxi::graph::Graph;
use guanxi::live::{what_if, LiveGraph, WhatIf, WhatIfError};
use guanxi::model::*;
use guanxi::store::{Database, Read, StoreError, WriteTxn};
use live_writes::{answers, apply, day, score, seed, ACCOUNTS, EMPLOYEES, PERSONS, PROJECTS};
use proptest::prelude::*;

/// A hypothetical change, on ids the database holds.
#[derive(Debug, Clone, Copy)]
enum Change {
    WinOver(PersonId, ProjectId),
    Contact(EmployeeId, PersonId, Day, Option<Score>),
    Leave(EmployeeId, Option<Day>),
    Rival(AccountId, PersonId, Score),
}

/// The change the bytes describe, if the nodes it names exist.
fn change(r: &impl Read, b: [u8; 5]) -> Option<Change> {
    let look = |kind: NodeKind, prefix: &str, i: u8, n: u8| {
        r.lookup(kind, &format!("{prefix}{}", i % n))
            .ok()
            .flatten()
            .map(|n| n.id)
    };
    let p = PersonId(look(NodeKind::Person, "p", b[2], PERSONS)?);
    Some(match b[0] % 4 {
        0 => Change::WinOver(p, ProjectId(look(NodeKind::Project, "x", b[1], PROJECTS)?)),
        1 => Change::Contact(
            EmployeeId(look(NodeKind::Employee, "e", b[1], EMPLOYEES)?),
            p,
            day(b[3]),
            (!b[4].is_multiple_of(3)).then(|| score(b[4])),
        ),
        2 => Change::Leave(
            EmployeeId(look(NodeKind::Employee, "e", b[1], EMPLOYEES)?),
            (!b[3].is_multiple_of(4)).then(|| day(b[3])),
        ),
        _ => Change::Rival(
            AccountId(look(NodeKind::Account, "a", b[1], ACCOUNTS)?),
            p,
            score(b[4]),
        ),
    })
}

fn imagine<'s, G: Graph<'s>>(w: &mut WhatIf<'s, G>, c: Change) -> Result<(), WhatIfError> {
    match c {
        Change::WinOver(p, x) => w.win_over(p, x),
        Change::Contact(e, p, on, c) => w.record_contact(e, p, on, c),
        Change::Leave(e, left) => w.set_left(e, left),
        Change::Rival(k, p, c) => w.put_rival_tie(k, p, c),
    }
}

fn write(t: &mut WriteTxn, c: Change) -> Result<(), StoreError> {
    match c {
        Change::WinOver(p, x) => t
            .set_acceptance(p, x, Some(Score::ONE), Some(Score::ONE))
            .map(drop),
        Change::Contact(e, p, on, c) => t.record_contact(e, p, on, c).map(drop),
        Change::Leave(e, left) => t.set_left(e, left).map(drop),
        Change::Rival(k, p, c) => t
            .put_edge(Edge::RivalTie {
                competitor: k,
                person: p,
                closeness: c,
            })
            .map(drop),
    }
}

fn bounds(r: &impl Read) -> [u32; 4] {
    let mut b = [0; 4];
    for (i, kind) in NodeKind::ALL.into_iter().enumerate() {
        b[i] = u32::try_from(r.count(kind).unwrap()).unwrap() + 12;
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_what_if_answers_as_the_same_changes_written(
        writes in proptest::collection::vec(any::<[u8; 6]>(), 0..30),
        changes in proptest::collection::vec(any::<[u8; 5]>(), 1..8),
        at in 0u8..3,
    ) {
        let db = Database::in_memory().unwrap();
        seed(&db);
        for (i, b) in writes.into_iter().enumerate() {
            let _ = db.write(2 + i64::try_from(i).unwrap(), |t| apply(t, b));
        }
        let params = Params { trend_days: 30, ..Params::default() };
        let as_of = [day(0), day(5), day(9)][usize::from(at)];
        let before = db.begin_read().unwrap();
        let live = LiveGraph::new(&before);
        let mut w = WhatIf::new(&live);
        for (i, b) in changes.into_iter().enumerate() {
            let Some(c) = change(&before, b) else { continue };
            let imagined = imagine(&mut w, c);
            let written = db.write(100 + i64::try_from(i).unwrap(), |t| write(t, c));
            // The overlay refuses exactly what the store refuses.
            prop_assert_eq!(imagined.is_ok(), written.is_ok(), "{:?}: {:?} / {:?}", c, imagined, written);
        }
        let after = db.begin_read().unwrap();
        let bound = bounds(&after);
        let imagined = answers(&w, bound, &params, as_of);
        let written = answers(&LiveGraph::new(&after), bound, &params, as_of);
        for (i, (a, b)) in imagined.iter().zip(&written).enumerate() {
            prop_assert_eq!(a, b, "answer {} differs (what-if, then written)", i);
        }
        prop_assert_eq!(imagined.len(), written.len());
        // And the database under the overlay did not change.
        let again = answers(&LiveGraph::new(&before), bound, &params, as_of);
        prop_assert_eq!(answers(&live, bound, &params, as_of), again);
    }
}

/// The deal of [`write_deal`] in a new database, and its ids.
fn tiny() -> (Database, [u32; 7]) {
    let db = Database::in_memory().unwrap();
    let ids = db.write(1, write_deal).unwrap();
    (db, ids)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn winning_a_person_over_raises_consensus_by_its_weighted_stance_change() {
    let (db, [_, _, x, _, p2, ..]) = tiny();
    let txn = db.begin_read().unwrap();
    let live = LiveGraph::new(&txn);
    let (params, as_of) = (Params::default(), day(3));
    let (wa, we) = (params.role_weights.approver, params.role_weights.evaluator);
    let before = analysis::project_analysis(&live, ProjectId(x), &params, as_of).unwrap();
    // p1: V = mean(0.6, 0.5), s = 0.1; p2: V = C = 0.5, s = 0. No deference: x = s.
    assert!(close(
        before.opinion.consensus.unwrap(),
        (wa * 0.1 + we * 0.0) / (wa + we)
    ));
    let after = what_if(&live, |w| {
        w.win_over(PersonId(p2), ProjectId(x))?;
        Ok::<_, WhatIfError>(analysis::project_analysis(
            &*w,
            ProjectId(x),
            &params,
            as_of,
        )?)
    })
    .unwrap();
    // p2 won over: V = mean(0.5, 1, 1) = 5/6, s = 2/3: consensus rises by we·(2/3)/(wa + we).
    let rise = after.opinion.consensus.unwrap() - before.opinion.consensus.unwrap();
    assert!(close(rise, we * (2.0 / 3.0) / (wa + we)), "{rise}");
}

#[test]
fn a_leaving_employee_s_ties_count_nowhere_after() {
    let (db, [a, _, x, p1, p2, e1, _]) = tiny();
    let txn = db.begin_read().unwrap();
    let live = LiveGraph::new(&txn);
    let (params, as_of) = (Params::default(), day(3));
    let (wa, we) = (params.role_weights.approver, params.role_weights.evaluator);
    let mut w = WhatIf::new(&live);
    w.set_left(EmployeeId(e1), Some(as_of)).unwrap();
    let after = analysis::project_analysis(&w, ProjectId(x), &params, as_of).unwrap();
    // p1 loses its only tie: C = 0, V = mean(0, 0.5), s = −0.5; p2 keeps 0.5, s = 0.
    let person = analysis::person_figures(&w, PersonId(p1), &params, as_of).unwrap();
    assert!(person.closeness.to_bits() == 0, "{}", person.closeness);
    assert!(close(
        after.opinion.consensus.unwrap(),
        (wa * -0.5) / (wa + we)
    ));
    assert!(close(
        after.competition.as_ref().unwrap().ours,
        we * 0.5 / (wa + we)
    ));
    // Nobody reaches p1 any more; e1 is no path's start.
    assert!(
        analysis::strongest_paths(&w, PersonId(p1), 3, &params, as_of)
            .unwrap()
            .is_empty()
    );
    let to_p2 = analysis::strongest_paths(&w, PersonId(p2), 3, &params, as_of).unwrap();
    assert!(to_p2.iter().all(|path| path.employee.id != EmployeeId(e1)));
    // A = Σ π·C with π = 1/2 each (no deference): from (0.6 + 0.5)/2 to 0.5/2.
    let account = analysis::account_figures(&w, AccountId(a), &params, as_of).unwrap();
    assert!(close(account.strength, 0.25));
    // The source is untouched.
    let now = analysis::person_figures(&live, PersonId(p1), &params, as_of).unwrap();
    assert!(close(now.closeness, 0.6));
}

#[test]
fn a_rival_tie_changes_the_rival_s_strength_and_chain_closeness() {
    let (db, [a, k, x, _, p2, ..]) = tiny();
    let txn = db.begin_read().unwrap();
    let live = LiveGraph::new(&txn);
    let (params, as_of) = (Params::default(), day(3));
    let (wa, we) = (params.role_weights.approver, params.role_weights.evaluator);
    let strength = |g: &dyn Fn() -> analysis::AccountFigures<'static>| {
        g().rivals
            .iter()
            .map(|(n, v)| (n.xid.to_string(), *v))
            .collect::<Vec<_>>()
    };
    let before =
        strength(&|| analysis::account_figures(&live, AccountId(a), &params, as_of).unwrap());
    // A_K = Σ π·Rv = 0.5·0.3.
    assert_eq!(before.len(), 1);
    assert!(close(before[0].1, 0.15));
    let mut w = WhatIf::new(&live);
    w.put_rival_tie(AccountId(k), PersonId(p2), Score::new(0.8).unwrap())
        .unwrap();
    let after = strength(&|| analysis::account_figures(&w, AccountId(a), &params, as_of).unwrap());
    assert!(close(after[0].1, 0.5 * 0.3 + 0.5 * 0.8));
    let chain = analysis::project_analysis(&w, ProjectId(x), &params, as_of).unwrap();
    let rival = chain
        .competition
        .unwrap()
        .rivals
        .into_iter()
        .next()
        .unwrap()
        .1;
    assert!(close(rival, (wa * 0.3 + we * 0.8) / (wa + we)));
    // Refusals name nodes by external id: only a competitor has rival ties.
    let err = w
        .put_rival_tie(AccountId(a), PersonId(p2), Score::ONE)
        .unwrap_err();
    assert_eq!(
        err,
        WhatIfError::NotCompetitor {
            account: "A".into()
        }
    );
    let err = w.win_over(PersonId(p2), ProjectId(x + 7)).unwrap_err();
    assert_eq!(
        err,
        WhatIfError::NotFound {
            kind: NodeKind::Project,
            id: x + 7
        }
    );
}

#[test]
fn a_contact_without_a_tie_needs_a_closeness() {
    let (db, [_, _, _, p1, _, _, e2]) = tiny();
    let txn = db.begin_read().unwrap();
    let live = LiveGraph::new(&txn);
    let mut w = WhatIf::new(&live);
    let err = w
        .record_contact(EmployeeId(e2), PersonId(p1), day(3), None)
        .unwrap_err();
    assert_eq!(
        err,
        WhatIfError::NoTie {
            employee: "e2".into(),
            person: "p1".into()
        }
    );
    w.record_contact(
        EmployeeId(e2),
        PersonId(p1),
        day(3),
        Some(Score::new(0.5).unwrap()),
    )
    .unwrap();
    let c = analysis::person_figures(&w, PersonId(p1), &Params::default(), day(3))
        .unwrap()
        .closeness;
    // Two ties, 0.6 and a fresh 0.5: 1 − 0.4·0.5.
    assert!(close(c, 0.8));
}
