//! Properties of the analyses at a date (docs/analyses.md §8), on random networks with
//! random dated records:
//!
//! * adding an interaction never lowers any effective closeness, nor any person's
//!   closeness (to the last bit);
//! * with `trend_days` 0 every trend is exactly 0;
//! * a report at a date before every dated record — interactions, employment periods
//!   and departures all in the future — is, to the last bit, the report of the network
//!   without them (a person whose periods all start later has no account then);
//! * a snapshot loaded from the store equals the snapshot of the network, dated records
//!   included, to the last bit of the report at any date.

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::model::*;
use guanxi::store::Database;
use guanxi::synth::Rng;
use proptest::prelude::*;
use std::collections::HashMap;

#[path = "common/random_network.rs"]
mod random;
use random::random_network;

/// The days the dated records fall on: 20,000 + 0..400 (2024-10 to 2025-11).
const FIRST: i32 = 20_000;
const SPAN: usize = 400;

fn day(offset: usize) -> Day {
    Day::from_days_since_epoch(FIRST + i32::try_from(offset).unwrap()).unwrap()
}

/// `net` with random dated records added, every date in `FIRST + lo .. FIRST + SPAN`:
/// employment periods for persons without an account (one, or two touching ones at two
/// accounts, some open-ended at either end when `lo` is 0), leaving days for some
/// employees, and interactions.
fn with_dated_records(mut net: Network, seed: u64, lo: usize) -> Network {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let (np, ne, na) = (net.persons.len(), net.employees.len(), net.accounts.len());
    let mut placed = vec![false; np];
    for e in &net.edges {
        if let Edge::WorksAt { person, .. } = e {
            placed[person.index()] = true;
        }
    }
    let when = |rng: &mut Rng| lo + rng.below(SPAN - lo);
    for (p, placed) in placed.iter().enumerate() {
        if *placed || rng.chance(0.3) {
            continue;
        }
        let (a, b) = (when(&mut rng), when(&mut rng));
        let (start, end) = (a.min(b), a.max(b) + 1);
        let first = AccountId(rng.below(na) as u32);
        let open_start = lo == 0 && rng.chance(0.3);
        net.edges.push(Edge::WorksAt {
            person: PersonId(p as u32),
            account: first,
            employment: Employment {
                since: (!open_start).then(|| day(start)),
                until: Some(day(end)),
                title: None,
            },
        });
        let second = AccountId(rng.below(na) as u32);
        if second != first && rng.chance(0.6) {
            net.edges.push(Edge::WorksAt {
                person: PersonId(p as u32),
                account: second,
                employment: Employment {
                    since: Some(day(end)),
                    until: rng.chance(0.5).then(|| day(end + 1 + rng.below(30))),
                    title: None,
                },
            });
        }
    }
    for e in &mut net.employees {
        if rng.chance(0.25) {
            e.left = Some(day(when(&mut rng)));
        }
    }
    for _ in 0..rng.below(3 * np + 1) {
        net.interactions.push(Interaction {
            employee: EmployeeId(rng.below(ne) as u32),
            person: PersonId(rng.below(np) as u32),
            date: day(when(&mut rng)),
            kind: *rng.pick(InteractionKind::ALL),
            project: None,
        });
    }
    assert_eq!(net.validate(), Ok(()));
    net
}

/// `c_eff` of every (employee, person) pair that is a tie at `at`, by pair.
fn effective(snap: &Snapshot, at: Day) -> HashMap<(EmployeeId, PersonId), f64> {
    let params = Params::default().tie_params();
    snap.ties()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                (t.employee, t.person),
                snap.effective_closeness(i, at, &params),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn adding_an_interaction_never_lowers_any_closeness(
        seed: u64, np in 1usize..16, ne in 1usize..4, at in 0usize..SPAN,
        e in 0usize..4, p in 0usize..16, when in 0usize..SPAN, kind in 0usize..5,
    ) {
        let net = with_dated_records(random_network(seed, np, ne, 3, 2), seed, 0);
        let mut more = net.clone();
        more.interactions.push(Interaction {
            employee: EmployeeId((e % ne) as u32),
            person: PersonId((p % np) as u32),
            date: day(when),
            kind: InteractionKind::ALL[kind],
            project: None,
        });
        let (before, after) = (Snapshot::from_network(&net), Snapshot::from_network(&more));
        let (old, new) = (effective(&before, day(at)), effective(&after, day(at)));
        for (pair, c) in &old {
            prop_assert!(new[pair] >= *c, "{pair:?}: {} < {c}", new[pair]);
        }
        let params = Params::default();
        let (r0, r1) = (
            Report::compute(&before, &params, day(at)),
            Report::compute(&after, &params, day(at)),
        );
        for (a, b) in r0.persons.iter().zip(&r1.persons) {
            prop_assert!(b.closeness >= a.closeness, "{}: {} < {}", a.id, b.closeness, a.closeness);
        }
    }

    #[test]
    fn with_zero_trend_days_every_trend_is_zero(
        seed: u64, np in 1usize..16, ne in 1usize..4, at in 0usize..SPAN,
    ) {
        let net = with_dated_records(random_network(seed, np, ne, 3, 2), seed, 0);
        let params = Params { trend_days: 0, ..Params::default() };
        let r = Report::compute(&Snapshot::from_network(&net), &params, day(at));
        prop_assert!(r.persons.iter().all(|p| p.trend.to_bits() == 0));
        prop_assert!(r.accounts.iter().all(|a| a.trend.to_bits() == 0));
    }

    #[test]
    fn before_every_dated_record_the_report_is_that_of_the_network_without_them(
        seed: u64, np in 1usize..16, ne in 1usize..4, before in 1usize..200,
    ) {
        // Every date in FIRST + 200 ..; the report at FIRST + 200 − before.
        let net = with_dated_records(random_network(seed, np, ne, 3, 2), seed, 200);
        let mut plain = net.clone();
        plain.interactions.clear();
        plain.employees.iter_mut().for_each(|e| e.left = None);
        plain.edges.retain(|e| !matches!(e, Edge::WorksAt { employment, .. } if employment.since.is_some()));
        let at = day(200 - before);
        let params = Params::default();
        let dated = Report::compute(&Snapshot::from_network(&net), &params, at).to_json();
        let undated = Report::compute(&Snapshot::from_network(&plain), &params, at).to_json();
        prop_assert_eq!(dated, undated);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn a_loaded_snapshot_equals_the_network_s_with_dated_records(
        seed: u64, np in 1usize..16, ne in 1usize..4, at in 0usize..SPAN,
    ) {
        let net = with_dated_records(random_network(seed, np, ne, 3, 2), seed, 0);
        let db = Database::in_memory().unwrap();
        db.import_network(&net, 1).unwrap();
        let loaded = Snapshot::load(&db.begin_read().unwrap()).unwrap();
        let built = Snapshot::from_network(&net);
        prop_assert_eq!(loaded.ties(), built.ties());
        for i in 0..built.ties().len() {
            prop_assert_eq!(loaded.contacts(i), built.contacts(i));
        }
        let params = Params::default();
        prop_assert_eq!(
            Report::compute(&loaded, &params, day(at)).to_json(),
            Report::compute(&built, &params, day(at)).to_json()
        );
    }
}
