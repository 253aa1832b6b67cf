//! Concurrency: reader threads run queries, whole-network reads, a full analysis report
//! and the consistency check while a writer commits continuously; every snapshot must be
//! exactly one committed state.
//!
//! The workload (see `common`) makes the state a function of the counter account, so each
//! reader checks, inside one read transaction: the check is clean; the number of persons
//! and of `reports_to` edges is exactly what the counter implies, both from the stored
//! counts and from a full [`Read::network`] read (and the report computed from it has exactly
//! that many persons); the counts read again at the end of the
//! transaction have not moved; and, across its successive snapshots, the counter never
//! goes backwards.

#[path = "common/workload.rs"]
mod workload;

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::model::Day;
use guanxi::model::{EdgeKind, NodeKind};
use guanxi::store::{Database, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const TXNS: u64 = 150;
const READERS: usize = 3;

#[test]
fn readers_see_whole_committed_states_while_a_writer_commits() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::create(dir.path().join("c.guanxi")).unwrap();
    workload::seed(&db);
    let as_of = Day::from_ymd(2025, 6, 30).unwrap();
    let done = AtomicBool::new(false);
    let snapshots = AtomicU64::new(0);
    let distinct = AtomicU64::new(0);
    std::thread::scope(|s| {
        for reader in 0..READERS {
            let (db, done, snapshots, distinct, as_of) = (&db, &done, &snapshots, &distinct, as_of);
            s.spawn(move || {
                let mut last: Option<u64> = None;
                let mut round = 0u64;
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    let r = db.begin_read().unwrap();
                    let c = workload::counter(&r);
                    assert!(
                        c >= last,
                        "reader {reader}: counter went back from {last:?} to {c:?}"
                    );
                    if c != last {
                        distinct.fetch_add(1, Ordering::Relaxed);
                    }
                    let persons = r.count(NodeKind::Person).unwrap();
                    let reports = r.edge_count(EdgeKind::ReportsTo).unwrap();
                    let (want_p, want_r) = c.map_or((0, 0), |c| {
                        (workload::persons_at(c), workload::reports_at(c))
                    });
                    assert_eq!(
                        (persons, reports),
                        (want_p, want_r),
                        "reader {reader}, counter {c:?}"
                    );
                    // Alternate the heavy reads so every reader still takes many snapshots.
                    if round.is_multiple_of(2) {
                        let report = r.check().unwrap();
                        assert!(report.is_clean(), "reader {reader}: {report}");
                    } else {
                        let (net, _) = r.network().unwrap();
                        assert!(net.validate().is_ok());
                        assert_eq!(net.persons.len() as u64, persons);
                        // An analysis of the snapshot sees exactly its persons.
                        let snap = Snapshot::from_network(&net);
                        let report = Report::compute(&snap, &Params::default(), as_of);
                        assert_eq!(report.persons.len() as u64, persons);
                        let n_reports = net
                            .edges
                            .iter()
                            .filter(|e| e.key().kind == EdgeKind::ReportsTo)
                            .count();
                        assert_eq!(n_reports as u64, reports);
                    }
                    // A neighbourhood query: the latest boss has its two reports.
                    if let Some(c) = c {
                        let boss = r
                            .lookup(NodeKind::Person, &format!("w{c}-0"))
                            .unwrap()
                            .unwrap();
                        assert_eq!(r.edges_in(boss, EdgeKind::ReportsTo).unwrap().len(), 2);
                    }
                    // Nothing moved inside the snapshot.
                    assert_eq!(r.count(NodeKind::Person).unwrap(), persons);
                    assert_eq!(workload::counter(&r), c);
                    last = c;
                    round += 1;
                    snapshots.fetch_add(1, Ordering::Relaxed);
                    if finished {
                        break;
                    }
                }
                assert_eq!(
                    last,
                    Some(TXNS - 1),
                    "the last snapshot sees the last commit"
                );
            });
        }
        for i in 0..TXNS {
            workload::step(&db, i).unwrap();
        }
        done.store(true, Ordering::SeqCst);
    });
    let n = snapshots.load(Ordering::Relaxed);
    let d = distinct.load(Ordering::Relaxed);
    println!("{READERS} readers took {n} snapshots ({d} new states seen) during {TXNS} commits");
    assert!(n >= READERS as u64 * 2);
    assert!(db.check().unwrap().is_clean());
}
