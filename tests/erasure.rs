//! Right to be forgotten: `Database::erase_person` removes a person, every edge touching
//! it, its index entry and its change-log entries in one transaction, then rewrites the
//! file — after which no byte of the person's name, external id or title is anywhere in
//! the database file. The test searches the raw file bytes for distinctive strings.

use guanxi::model::{
    Edge, EdgeKind, Employment, Member, NodeKind, NodeRef, Person, ProjectId, Role, Score, Tie,
};
mod common;

use common::{contains, tiny};
use guanxi::store::{Database, Read};
use std::path::Path;

const XID: &str = "zz-erase-xid-7731";
const NAME: &str = "Quetzalcoatl Vandersnoot";
const OLD_NAME: &str = "Quetzalcoatl Oldsurname";
const TITLE: &str = "Chief Whispering Officer";

/// A database with the tiny network and the person to erase: several versions of its
/// record (so several log entries hold its name), edges of every kind that touch a
/// person, and some churn so that the file has freed pages.
fn populated(path: &Path) -> Database {
    let db = Database::create(path).unwrap();
    db.import_network(&tiny(), 1).unwrap();
    db.write(2, |t| {
        let p = t.upsert_person(Person {
            xid: XID.into(),
            name: OLD_NAME.into(),
            title: None,
        })?;
        let other = t.lookup(NodeKind::Person, "p1")?.unwrap();
        let emp = t.lookup(NodeKind::Employee, "e1")?.unwrap();
        let acct = t.lookup(NodeKind::Account, "a1")?.unwrap();
        let proj = t.lookup(NodeKind::Project, "x1")?.unwrap();
        t.add_edge(Edge::WorksAt {
            person: p,
            account: guanxi::model::AccountId(acct.id),
            employment: Employment::default(),
        })?;
        t.add_edge(Edge::ReportsTo {
            person: p,
            manager: guanxi::model::PersonId(other.id),
            weight: Score::new(0.8).unwrap(),
        })?;
        t.add_edge(Edge::Influences {
            from: guanxi::model::PersonId(other.id),
            to: p,
            weight: Score::new(0.4).unwrap(),
        })?;
        t.add_edge(Edge::Tie {
            employee: guanxi::model::EmployeeId(emp.id),
            person: p,
            tie: Tie {
                closeness: Score::new(0.9).unwrap(),
                last_contact: None,
                private: true,
            },
        })?;
        t.add_edge(Edge::Member {
            person: p,
            project: ProjectId(proj.id),
            member: Member {
                role: Role::Approver,
                coach: true,
                solution: None,
                price: None,
            },
        })?;
        Ok(())
    })
    .unwrap();
    for round in 0..5 {
        db.write(3 + round, |t| {
            t.upsert_person(Person {
                xid: XID.into(),
                name: if round % 2 == 0 { NAME } else { OLD_NAME }.into(),
                title: Some(TITLE.into()),
            })?;
            // Unrelated churn.
            for i in 0..50 {
                t.upsert_person(Person {
                    xid: format!("churn-{round}-{i}"),
                    name: format!("Churn {i}"),
                    title: None,
                })?;
            }
            Ok(())
        })
        .unwrap();
    }
    db
}

#[test]
fn erase_person_leaves_no_byte_of_the_person_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erase.guanxi");
    let mut db = populated(&path);
    let before = std::fs::read(&path).unwrap();
    assert!(contains(&before, XID) && contains(&before, NAME) && contains(&before, TITLE));
    let edges_before: u64 = EdgeKind::ALL
        .iter()
        .map(|k| db.begin_read().unwrap().edge_count(*k).unwrap())
        .sum();
    let persons_before = db.begin_read().unwrap().count(NodeKind::Person).unwrap();

    assert!(db.erase_person(XID, 100).unwrap());

    // Logically gone: node, index entry, edges, log entries; everything else kept.
    let r = db.begin_read().unwrap();
    assert!(r.check().unwrap().is_clean());
    assert_eq!(r.lookup(NodeKind::Person, XID).unwrap(), None);
    assert_eq!(r.count(NodeKind::Person).unwrap(), persons_before - 1);
    let edges_after: u64 = EdgeKind::ALL
        .iter()
        .map(|k| r.edge_count(*k).unwrap())
        .sum();
    assert_eq!(edges_after, edges_before - 5);
    assert!(r.lookup(NodeKind::Person, "p1").unwrap().is_some());
    for e in r.log(0).unwrap() {
        let text = format!("{:?}", e.change);
        assert!(
            !text.contains(XID) && !text.contains("Quetzalcoatl"),
            "{text}"
        );
    }
    drop(r);
    drop(db);

    // Physically gone: no byte of the name, external id or title in the file.
    let after = std::fs::read(&path).unwrap();
    for needle in [XID, NAME, OLD_NAME, TITLE, "Vandersnoot", "Quetzalcoatl"] {
        assert!(!contains(&after, needle), "{needle:?} is still in the file");
    }
    // Other people are still there, byte for byte.
    assert!(contains(&after, "Churn 7"));
    // The rewritten file is a normal database.
    let db = Database::open(&path).unwrap();
    assert!(db.check().unwrap().is_clean());
    assert!(!dir.path().join("erase.guanxi.partial").exists());
}

#[test]
fn erasing_an_unknown_person_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keep.guanxi");
    let mut db = populated(&path);
    let (net, _) = db.begin_read().unwrap().network().unwrap();
    let log = db.begin_read().unwrap().log(0).unwrap();
    assert!(!db.erase_person("nobody-has-this-id", 100).unwrap());
    let r = db.begin_read().unwrap();
    assert_eq!(r.network().unwrap().0, net);
    assert_eq!(r.log(0).unwrap(), log);
}

#[test]
fn erasure_removes_only_the_log_entries_that_mention_the_person() {
    let db = Database::in_memory().unwrap();
    db.import_network(&tiny(), 1).unwrap();
    let keep = db.begin_read().unwrap().log(0).unwrap();
    let p = db
        .write(2, |t| {
            t.upsert_person(Person {
                xid: XID.into(),
                name: NAME.into(),
                title: None,
            })
        })
        .unwrap();
    let node = NodeRef::from(p);
    assert!(db.write(3, |t| t.erase_person(XID)).unwrap());
    let log = db.begin_read().unwrap().log(0).unwrap();
    assert_eq!(log, keep, "exactly the person's entries are gone");
    assert!(log.iter().all(|e| !e.change.mentions(node)));
}

#[test]
fn erasing_in_memory_compacts_and_keeps_the_database_usable() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::in_memory().unwrap();
    db.import_network(&tiny(), 1).unwrap();
    assert!(db.erase_person("p1", 2).unwrap());
    assert!(db.check().unwrap().is_clean());
    // Backups of an in-memory database are files like any other.
    let s = db.backup_to(dir.path().join("b.guanxi")).unwrap();
    // 17 persons less p1, 5 accounts, 3 employees, 9 projects.
    assert_eq!(s.nodes, 16 + 5 + 3 + 9);
}

/// Why `erase_person` rewrites the file: the erasing transaction followed by the storage
/// engine's compaction alone is measured here (printed, not asserted: whether freed pages
/// keep old bytes is the engine's business and may change between its versions).
#[test]
fn compaction_alone_is_measured_against_a_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compact.guanxi");
    let mut db = populated(&path);
    assert!(db.write(100, |t| t.erase_person(XID)).unwrap());
    let after_commit = std::fs::read(&path).unwrap();
    db.compact().unwrap();
    let after_compact = std::fs::read(&path).unwrap();
    drop(db);
    let found = |b: &[u8]| {
        [XID, NAME, OLD_NAME, TITLE]
            .iter()
            .filter(|n| contains(b, n))
            .count()
    };
    println!(
        "strings of the erased person left: after commit {} of 4 ({} bytes), after compaction {} of 4 ({} bytes)",
        found(&after_commit),
        after_commit.len(),
        found(&after_compact),
        after_compact.len()
    );
}
