//! Many threads answer live queries while one thread commits writes: each reader's
//! answers, through a `LiveGraph` over its own read transaction, equal those of a
//! snapshot rebuilt from that same transaction — to the bit — and a transaction held
//! from the start keeps answering for the state it began with.

#[path = "common/live_writes.rs"]
mod live_writes;

use guanxi::analysis::Params;
use guanxi::graph::Snapshot;
use guanxi::live::LiveGraph;
use guanxi::model::NodeKind;
use guanxi::store::{Database, Read, ReadTxn};
use guanxi::synth::Rng;
use live_writes::{answers, apply, day, seed};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const WRITES: u64 = 80;
const READERS: usize = 3;

/// The ids to ask about: every id the transaction may hold, and one past.
fn bound(txn: &ReadTxn) -> [u32; 4] {
    let mut b = [0; 4];
    for (i, kind) in NodeKind::ALL.into_iter().enumerate() {
        b[i] = u32::try_from(txn.count(kind).unwrap()).unwrap() + 10;
    }
    b
}

#[test]
fn live_readers_answer_as_a_rebuild_of_their_own_transaction_while_a_writer_commits() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::create(dir.path().join("live.guanxi")).unwrap();
    seed(&db);
    let params = Params {
        trend_days: 30,
        ..Params::default()
    };
    let as_of = day(5);
    let first = db.begin_read().unwrap();
    let first_bound = bound(&first);
    let at_start = answers(&LiveGraph::new(&first), first_bound, &params, as_of);
    let done = AtomicBool::new(false);
    let compared = AtomicU64::new(0);
    let committed = AtomicU64::new(0);
    std::thread::scope(|s| {
        for _ in 0..READERS {
            let (db, done, compared, params) = (&db, &done, &compared, &params);
            s.spawn(move || loop {
                // Read `done` first: a round begun after the last commit always runs.
                let last = done.load(Ordering::Acquire);
                let txn = db.begin_read().unwrap();
                let ids = bound(&txn);
                let live = answers(&LiveGraph::new(&txn), ids, params, as_of);
                let snapshot = Snapshot::load(&txn).unwrap();
                let rebuilt = answers(&snapshot, ids, params, as_of);
                for (i, (l, r)) in live.iter().zip(&rebuilt).enumerate() {
                    assert_eq!(l, r, "answer {i} differs (live, then rebuilt)");
                }
                assert_eq!(live.len(), rebuilt.len());
                compared.fetch_add(1, Ordering::Relaxed);
                if last {
                    break;
                }
            });
        }
        let mut rng = Rng::new(11);
        for i in 0..WRITES {
            let mut b = [0u8; 6];
            for v in &mut b {
                *v = u8::try_from(rng.below(256)).unwrap();
            }
            if let Ok(true) = db.write(i64::try_from(i).unwrap() + 2, |t| apply(t, b)) {
                committed.fetch_add(1, Ordering::Relaxed);
            }
        }
        done.store(true, Ordering::Release);
    });
    // Every reader compared at least once after the last commit.
    assert!(compared.load(Ordering::Relaxed) >= READERS as u64);
    assert!(
        committed.load(Ordering::Relaxed) > WRITES / 4,
        "most writes commit"
    );
    // The transaction held through every commit still reads the state it began with.
    assert_eq!(
        answers(&LiveGraph::new(&first), first_bound, &params, as_of),
        at_start
    );
    assert_eq!(
        answers(
            &Snapshot::load(&first).unwrap(),
            first_bound,
            &params,
            as_of
        ),
        at_start
    );
    // And the latest state differs from it: the writes changed answers.
    let now = db.begin_read().unwrap();
    assert_ne!(
        answers(&LiveGraph::new(&now), first_bound, &params, as_of),
        at_start
    );
}
