//! A database written by the first release (file format 1) keeps working: it opens and
//! reads as it is — the same network, its change log decoding in full, no interactions —
//! without a single byte of the file changing; and the first write transaction that
//! commits upgrades it to the current format in that same transaction (its commits
//! derived from its log), after which old and new records read side by side and the file
//! checks clean. A transaction that is rolled back
//! upgrades nothing.
//!
//! `tests/data/format1-tiny.redb` was written by the code of commit `1270962` (the first
//! release's format): the worked example `tests/data/tiny` imported into a new file
//! (stamped 1 750 000 000 000), then one more commit that logs every other kind of change
//! and leaves the network as it was — a person `tmp` added, a `works_at` from it to `a1`
//! added and removed, the person removed (stamped 1 750 000 100 000) — then compacted:
//!
//! ```text
//! let mut db = Database::create(out)?;
//! db.import_network(&read_csv_dir("tests/data/tiny")?, 1_750_000_000_000)?;
//! db.write(1_750_000_100_000, |t| {
//!     let a = t.lookup(NodeKind::Account, "a1")?.unwrap();
//!     let p = t.upsert_person(Person { xid: "tmp".into(), name: "Temporary".into(),
//!                                      title: Some("Intern".into()) })?;
//!     let e = Edge::WorksAt { person: p, account: AccountId(a.id) };
//!     t.add_edge(e)?;
//!     t.remove_edge(e.key())?;
//!     t.remove_node(p.into())
//! })?;
//! db.compact()?;
//! ```

mod common;

use common::tiny;
use guanxi::model::*;
use guanxi::store::{Change, ChangeCounts, Commit, Database, InteractionId, Read, Tally};
use std::path::{Path, PathBuf};

/// A copy of the vendored format-1 file in `dir` (the vendored file itself is never
/// opened, so that no test can change it).
fn format1_copy(dir: &Path) -> PathBuf {
    let vendored = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/format1-tiny.redb");
    let path = dir.join("format1.guanxi");
    std::fs::copy(vendored, &path).unwrap();
    path
}

/// The file format recorded in the file's meta table, read through the storage engine.
fn format_of(path: &Path) -> u64 {
    let db = redb::ReadOnlyDatabase::open(path).unwrap();
    let r = redb::ReadableDatabase::begin_read(&db).unwrap();
    let meta = r
        .open_table(redb::TableDefinition::<&str, u64>::new("guanxi.meta"))
        .unwrap();
    meta.get("format").unwrap().unwrap().value()
}

/// The tiny example as the store returns it: edges in key order.
fn tiny_as_stored() -> Network {
    let mut net = tiny();
    net.edges.sort_by_key(Edge::key);
    net
}

#[test]
fn a_format_1_file_reads_as_the_network_it_holds_and_is_not_changed_by_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = format1_copy(dir.path());
    let before = std::fs::read(&path).unwrap();
    assert_eq!(format_of(&path), 1);
    {
        let db = Database::open_read_only(&path).unwrap();
        let r = db.begin_read().unwrap();
        let (net, ids) = r.network().unwrap();
        assert_eq!(net, tiny_as_stored());
        // The removed person left a hole: stored ids and network positions differ
        // after it, and the map says so.
        assert_eq!(r.count(NodeKind::Person).unwrap(), net.persons.len() as u64);
        assert!(ids.store_ids(NodeKind::Person).len() == net.persons.len());
        // Every log entry of version 1 decodes: the import's, then the second commit's.
        let log = r.log(0).unwrap();
        assert_eq!(log.len(), 177);
        assert_eq!(log[0].time, 1_750_000_000_000);
        let tail: Vec<&Change> = log[log.len() - 4..].iter().map(|e| &e.change).collect();
        assert!(
            matches!(tail[0], Change::UpsertNode { record: Node::Person(p), .. } if p.xid == "tmp")
        );
        assert!(matches!(
            tail[1],
            Change::PutEdge { edge: Edge::WorksAt { employment, .. }, before: None } if *employment == Employment::default()
        ));
        // Version-1 entries did not record what they replaced or removed, nor their commit
        // (the file has no commit records until a write upgrades it).
        assert!(
            matches!(tail[2], Change::RemoveEdge { key, before: None } if key.kind == EdgeKind::WorksAt)
        );
        assert!(
            matches!(tail[3], Change::RemoveNode { node, before: None } if node.kind == NodeKind::Person)
        );
        assert!(log.iter().all(|e| e.commit == 0));
        assert_eq!(r.commits(0, 10).unwrap(), vec![]);
        assert_eq!(r.last_commit().unwrap(), 0);
        // Employees of version 1 have no leaving date; there are no interactions.
        assert!(net.employees.iter().all(|e| e.left.is_none()));
        assert_eq!(r.interaction_count().unwrap(), 0);
        assert_eq!(r.interaction(InteractionId(0)).unwrap(), None);
        let someone = PersonId(ids.store_ids(NodeKind::Person)[0]);
        assert_eq!(r.interactions_of(someone).unwrap(), vec![]);
        let all_time = Day::from_ymd(1900, 1, 1).unwrap()..=Day::from_ymd(2100, 1, 1).unwrap();
        assert_eq!(r.interactions_in(all_time).unwrap(), vec![]);
        // The analysis snapshot loads from it, and it checks clean.
        guanxi::graph::Snapshot::load(&r).unwrap();
        let report = r.check().unwrap();
        assert!(report.is_clean(), "{report}");
        assert!(db.check().unwrap().is_clean());
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "reading changed the file"
    );
    assert_eq!(format_of(&path), 1);
}

#[test]
fn the_first_committed_write_upgrades_a_format_1_file_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = format1_copy(dir.path());
    let db = Database::open(&path).unwrap();
    // A transaction rolled back upgrades nothing.
    {
        let mut t = db.begin_write(1).unwrap();
        t.upsert_person(Person {
            xid: "rolled-back".into(),
            name: "Nobody".into(),
            title: None,
        })
        .unwrap();
        t.abort().unwrap();
    }
    assert_eq!(db.begin_read().unwrap().interaction_count().unwrap(), 0);
    drop(db);
    assert_eq!(format_of(&path), 1);
    // The first committed write upgrades: new records beside the old ones.
    let db = Database::open(&path).unwrap();
    let (leaver, interaction) = db
        .write(1_760_000_000_000, |t| {
            let e = t.lookup(NodeKind::Employee, "e1")?.unwrap();
            let p = t.lookup(NodeKind::Person, "p1")?.unwrap();
            let mut record = match t.node(e)? {
                Some(Node::Employee(record)) => record,
                other => panic!("e1 is {other:?}"),
            };
            record.left = Day::from_ymd(2025, 3, 31);
            t.upsert_employee(record.clone())?;
            let i = Interaction {
                employee: EmployeeId(e.id),
                person: PersonId(p.id),
                date: Day::from_ymd(2025, 3, 1).unwrap(),
                kind: InteractionKind::Meeting,
                project: None,
            };
            assert_eq!(t.add_interaction(i)?, InteractionId(0));
            Ok((record, i))
        })
        .unwrap();
    drop(db);
    assert_eq!(format_of(&path), 3);
    let db = Database::open_read_only(&path).unwrap();
    let r = db.begin_read().unwrap();
    let (net, _) = r.network().unwrap();
    let mut want = tiny_as_stored();
    *want.employees.iter_mut().find(|e| e.xid == "e1").unwrap() = leaver;
    want.interactions.push(Interaction {
        employee: EmployeeId(want.employees.iter().position(|e| e.xid == "e1").unwrap() as u32),
        person: PersonId(want.persons.iter().position(|p| p.xid == "p1").unwrap() as u32),
        ..interaction
    });
    assert_eq!(net, want);
    let log = r.log(0).unwrap();
    assert_eq!(log.len(), 177 + 2);
    assert_eq!(r.interaction_count().unwrap(), 1);
    upgraded_history(&r, &log);
    let report = r.check().unwrap();
    assert!(report.is_clean(), "{report}");
}

/// The history of the upgraded file: the old commits derived from its log (one per run of
/// equal times), counting what each added, changed and removed; the upgrading write is
/// the third; the person removed before the upgrade is still named.
fn upgraded_history(r: &guanxi::store::ReadTxn, log: &[guanxi::store::LogEntry]) {
    let tiny = tiny();
    let nodes =
        (tiny.accounts.len() + tiny.persons.len() + tiny.employees.len() + tiny.projects.len())
            as u64;
    let edges = tiny.edges.len() as u64;
    let tally = |added, changed, removed| Tally {
        added,
        changed,
        removed,
    };
    let commits = r.commits(0, 10).unwrap();
    assert_eq!(
        commits,
        vec![
            Commit {
                number: 1,
                time: 1_750_000_000_000,
                first_seq: 0,
                end_seq: nodes + edges,
                changes: ChangeCounts {
                    nodes: tally(nodes, 0, 0),
                    edges: tally(edges, 0, 0),
                    interactions: tally(0, 0, 0),
                },
            },
            Commit {
                number: 2,
                time: 1_750_000_100_000,
                first_seq: 173,
                end_seq: 177,
                changes: ChangeCounts {
                    nodes: tally(1, 0, 1),
                    edges: tally(1, 0, 1),
                    interactions: tally(0, 0, 0),
                },
            },
            Commit {
                number: 3,
                time: 1_760_000_000_000,
                first_seq: 177,
                end_seq: 179,
                changes: ChangeCounts {
                    nodes: tally(0, 1, 0),
                    edges: tally(0, 0, 0),
                    interactions: tally(1, 0, 0),
                },
            },
        ]
    );
    assert_eq!(nodes + edges, 173);
    assert_eq!(
        log.iter().map(|e| e.commit).collect::<Vec<_>>(),
        [vec![1; 173], vec![2; 4], vec![3; 2]].concat()
    );
    // The person removed before the upgrade is still named by the old entries.
    let tmp = match &log[176].change {
        Change::RemoveNode { node, .. } => *node,
        other => panic!("{other:?}"),
    };
    assert_eq!(log[176].xid(tmp), Some("tmp"));
    assert_eq!(log[175].xid(tmp), Some("tmp"));
    // The new entries record what they replaced.
    assert!(matches!(
        &log[177].change,
        Change::UpsertNode { before: Some(Node::Employee(e)), .. } if e.left.is_none()
    ));
}
