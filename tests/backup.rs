//! Online backup: a backup taken from one read transaction while a writer keeps
//! committing is a valid database that checks clean and equals the source as that read
//! transaction saw it — nodes, edges, counts and change log.

#[path = "common/workload.rs"]
mod workload;

use guanxi::model::NodeKind;
use guanxi::store::{Database, Read, StoreError};
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn backups_during_writes_equal_the_snapshot_they_were_taken_from() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::create(dir.path().join("live.guanxi")).unwrap();
    workload::seed(&db);
    let stop = AtomicBool::new(false);
    let mut states = Vec::new();
    std::thread::scope(|s| {
        let (db_ref, stop_ref) = (&db, &stop);
        let writer = s.spawn(move || {
            let mut i = 0;
            while !stop_ref.load(Ordering::SeqCst) || i < 30 {
                workload::step(db_ref, i).unwrap();
                i += 1;
            }
            i
        });
        for k in 0..6 {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let r = db.begin_read().unwrap();
            let target = dir.path().join(format!("backup-{k}.guanxi"));
            let summary = r.backup_to(&target).unwrap();
            let (net, _) = r.network().unwrap();
            let log = r.log(0).unwrap();
            let c = workload::counter(&r);
            drop(r);
            let b = Database::open(&target).unwrap();
            let br = b.begin_read().unwrap();
            assert!(br.check().unwrap().is_clean());
            assert_eq!(
                br.network().unwrap().0,
                net,
                "backup {k} equals its snapshot"
            );
            assert_eq!(br.log(0).unwrap(), log);
            assert_eq!(workload::counter(&br), c);
            assert_eq!(
                summary.nodes,
                (net.accounts.len() + net.persons.len()) as u64
            );
            assert_eq!(summary.edges, net.edges.len() as u64);
            assert_eq!(summary.log_entries, log.len() as u64);
            assert_eq!(summary.bytes, std::fs::metadata(&target).unwrap().len());
            // The backup is an ordinary database: it takes writes and keeps its ids.
            drop(br);
            workload::step(&b, 10_000).unwrap();
            assert!(b.check().unwrap().is_clean());
            states.push(c);
        }
        stop.store(true, Ordering::SeqCst);
        let written = writer.join().unwrap();
        assert!(written >= 30);
    });
    // The writer really was committing between backups.
    states.dedup();
    assert!(states.len() >= 2, "backups saw states {states:?}");
    assert!(!dir.path().join("backup-0.guanxi.partial").exists());
}

#[test]
fn a_backup_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::in_memory().unwrap();
    workload::seed(&db);
    let target = dir.path().join("exists.guanxi");
    std::fs::write(&target, b"precious").unwrap();
    assert!(matches!(
        db.backup_to(&target),
        Err(StoreError::TargetExists { .. })
    ));
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
}

#[test]
fn a_backup_of_a_fresh_database_is_empty_and_valid() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::in_memory().unwrap();
    let target = dir.path().join("empty.guanxi");
    let s = db.backup_to(&target).unwrap();
    assert_eq!((s.nodes, s.edges, s.log_entries), (0, 0, 0));
    let b = Database::open(&target).unwrap();
    assert!(b.check().unwrap().is_clean());
    assert_eq!(b.begin_read().unwrap().count(NodeKind::Person).unwrap(), 0);
}
