//! Every per-item query answered by a [`LiveGraph`] over a read transaction equals the
//! same query on a [`Snapshot`] loaded from that transaction, to the last bit — after
//! each commit of random histories of every kind of write the write transaction
//! offers, and at dates before, among and after the dated records.
//!
//! Results are compared by their `Debug` form (ids, external ids and every `f64` in
//! its shortest round-trip form, so two figures print alike exactly when their bits
//! are equal, `-0.0` included) and by their JSON.

#[path = "common/live_writes.rs"]
mod live_writes;

use guanxi::analysis::{self, Params, QueryError, WinFeatures, WinModel};
use guanxi::graph::{Graph, Snapshot};
use guanxi::live::LiveGraph;
use guanxi::model::*;
use guanxi::store::{Database, ReadTxn};
use live_writes::{apply, day, seed};
use proptest::prelude::*;
use std::fmt::Debug;

/// Both answers, side by side, or the first difference.
#[allow(clippy::needless_pass_by_value)] // called with two fresh results
fn same<T: Debug + serde::Serialize>(
    what: &str,
    live: Result<T, QueryError>,
    snap: Result<T, QueryError>,
) -> Result<(), TestCaseError> {
    let (l, s) = (format!("{live:?}"), format!("{snap:?}"));
    prop_assert_eq!(&l, &s, "{} differs (live, then snapshot)", what);
    if let (Ok(l), Ok(s)) = (&live, &snap) {
        let (l, s) = (
            serde_json::to_string(l).expect("serialises"),
            serde_json::to_string(s).expect("serialises"),
        );
        prop_assert_eq!(l, s, "{} serialises differently", what);
    }
    Ok(())
}

/// A fixed win model, so that win probabilities are compared whatever the history.
fn model() -> WinModel {
    let f = |a: f64, b: f64, c: f64, d: f64, e: f64| WinFeatures {
        consensus: a,
        readiness: b,
        lead: c,
        veto: d,
        coach: e,
    };
    WinModel {
        won: 3,
        lost: 4,
        intercept: -0.3,
        coefficients: f(1.2, 0.8, 0.5, -0.9, 0.4),
        means: f(0.1, 0.5, 0.2, 0.3, 0.4),
        sds: f(0.5, 0.3, 0.2, 0.4, 0.5),
    }
}

/// Compares every per-item query on every node (and on ids just past the last).
fn compare(txn: &ReadTxn, params: &Params) -> Result<(), TestCaseError> {
    let snap = Snapshot::load(txn).expect("loads");
    let model = model();
    let before = Day::from_ymd(2024, 6, 1).expect("a date");
    let after = Day::from_ymd(2026, 6, 1).expect("a date");
    for as_of in [before, day(4), after] {
        let s = &snap;
        // A fresh live view per date: each reads only what its queries ask.
        let live = LiveGraph::new(txn);
        let l = &live;
        // `both!(query(args))`: `analysis::query` on the live view and on the snapshot,
        // with the same arguments, compared by `same` under the query's name.
        macro_rules! both {
            ($query:ident($($arg:expr),*)) => {
                same(
                    stringify!($query),
                    analysis::$query(l, $($arg),*),
                    analysis::$query(s, $($arg),*),
                )?
            };
        }
        // Every id either source holds, and one past: a missing id is an error in both.
        let bound = |kind| Graph::id_bound(s, kind).max(Graph::id_bound(l, kind)) as u32 + 1;
        for kind in NodeKind::ALL {
            // The live bound is the store's next id, which may lie past trailing holes.
            prop_assert!(Graph::id_bound(l, kind) >= Graph::id_bound(s, kind));
        }
        for id in 0..bound(NodeKind::Project) {
            let x = ProjectId(id);
            both!(project_analysis(x, params, as_of));
            both!(levers(x, params, as_of));
            both!(coach_candidates(x, params, as_of));
            both!(win_probability(x, &model, params, as_of));
        }
        for id in 0..bound(NodeKind::Person) {
            let p = PersonId(id);
            both!(strongest_paths(p, 3, params, as_of));
            both!(person_figures(p, params, as_of));
        }
        for id in 0..bound(NodeKind::Employee) {
            let e = EmployeeId(id);
            both!(departure_impact(e, params, as_of));
            both!(employee_figures(e, params, as_of));
            both!(data_quality(e, params, as_of));
        }
        for id in 0..bound(NodeKind::Account) {
            let a = AccountId(id);
            both!(account_figures(a, params, as_of));
            both!(claim(a, params, as_of));
            both!(protection(a, params, as_of));
            both!(best_owner(a, params, as_of));
        }
        prop_assert_eq!(live.read_failure(), None);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_per_item_query_on_a_live_graph_equals_a_rebuild(
        writes in proptest::collection::vec(any::<[u8; 6]>(), 1..60),
        trend in 0u8..3,
    ) {
        let db = Database::in_memory().unwrap();
        seed(&db);
        let params = Params {
            trend_days: [0, 30, 90][usize::from(trend)],
            protect_days: 60,
            ..Params::default()
        };
        compare(&db.begin_read().unwrap(), &params)?;
        for (i, b) in writes.into_iter().enumerate() {
            let time = 2 + i64::try_from(i).unwrap();
            // A refused write rolls back whole; only committed ones change anything.
            if let Ok(true) = db.write(time, |t| apply(t, b)) {
                compare(&db.begin_read().unwrap(), &params)?;
            }
        }
    }
}
