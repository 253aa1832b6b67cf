//! A database survives close and reopen unchanged; files that are not guanxi databases,
//! or come from a newer format, are refused with a typed error and left untouched.

mod common;

use common::*;
use guanxi::model::*;
use guanxi::store::{Database, Read, StoreError, Violation};

#[test]
fn content_survives_close_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.guanxi");
    let (mem, _) = fixture();
    let expected = snapshot(&mem);
    {
        let db = Database::create(&path).unwrap();
        // Replay the fixture's log into the file database.
        let (net, _) = mem.begin_read().unwrap().network().unwrap();
        db.write(100, |t| t.import_network(&net)).unwrap();
    }
    let db = Database::open(&path).unwrap();
    let got = snapshot(&db);
    assert_eq!(got.network, expected.network);
    assert_eq!(got.counts, expected.counts);
    assert!(db.check().unwrap().is_clean());
    // New ids continue after the stored counters.
    drop(db);
    let db = Database::create(&path).unwrap();
    let id = db.write(1, |t| t.upsert_person(person("new"))).unwrap();
    assert_eq!(id, PersonId(2));
    assert_eq!(db.path(), path.display().to_string());
}

#[test]
fn opening_a_missing_file_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Database::open(dir.path().join("nope")).unwrap_err();
    assert!(matches!(err, StoreError::Missing { .. }), "{err}");
    assert!(err.to_string().contains("Database::create"));
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let text = b"these are my notes, not a database\n".repeat(300);
    std::fs::write(&path, &text).unwrap();
    for err in [
        Database::open(&path).unwrap_err(),
        Database::create(&path).unwrap_err(),
    ] {
        assert!(
            matches!(err, StoreError::NotAGuanxiDatabase { .. }),
            "{err}"
        );
    }
    assert_eq!(std::fs::read(&path).unwrap(), text);
}

#[test]
fn a_database_of_another_application_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let db = redb::Database::create(&path).unwrap();
        let t = db.begin_write().unwrap();
        {
            let def: redb::TableDefinition<&str, &str> = redb::TableDefinition::new("settings");
            let mut table = t.open_table(def).unwrap();
            table.insert("theme", "dark").unwrap();
        }
        t.commit().unwrap();
    }
    for err in [
        Database::open(&path).unwrap_err(),
        Database::create(&path).unwrap_err(),
    ] {
        assert!(
            matches!(err, StoreError::NotAGuanxiDatabase { .. }),
            "{err}"
        );
    }
    // An empty storage file is not ours either when opened (create would initialise it).
    let empty = dir.path().join("empty.db");
    drop(redb::Database::create(&empty).unwrap());
    assert!(matches!(
        Database::open(&empty),
        Err(StoreError::NotAGuanxiDatabase { .. })
    ));
    let created = Database::create(&empty);
    assert!(created.is_ok(), "{:?}", created.err());
}

#[test]
fn a_newer_format_is_refused_with_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.guanxi");
    drop(Database::create(&path).unwrap());
    common::poke_meta(&path, "format", 7);
    let err = Database::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NewerFormat {
                found: 7,
                supported: 1
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade"));
}

#[test]
fn a_wrong_magic_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fake.guanxi");
    drop(Database::create(&path).unwrap());
    common::poke_meta(&path, "magic", 1);
    assert!(matches!(
        Database::open(&path),
        Err(StoreError::NotAGuanxiDatabase { .. })
    ));
}

#[test]
fn a_corrupt_record_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = fixture_file(dir.path(), "bad.guanxi");
    {
        let db = redb::Database::open(&path).unwrap();
        let t = db.begin_write().unwrap();
        {
            let def: redb::TableDefinition<u32, &[u8]> =
                redb::TableDefinition::new("guanxi.node.person");
            // A version byte, then a name whose length runs past the end.
            t.open_table(def)
                .unwrap()
                .insert(0, &[1u8, 3, b'p', 0xff, 0xff][..])
                .unwrap();
        }
        t.commit().unwrap();
    }
    let db = Database::open(&path).unwrap();
    let r = db.begin_read().unwrap();
    assert!(matches!(r.person(ids.p1), Err(StoreError::Corrupt { .. })));
    assert!(matches!(r.network(), Err(StoreError::Corrupt { .. })));
    let report = r.check().unwrap();
    assert!(!report.is_clean());
    assert!(report.to_string().contains("person#0 record"), "{report}");
}

/// Opens the raw file, runs `f` in a write transaction and commits.
/// The fixture network imported into a new file `name` in `dir`, and its ids.
fn fixture_file(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, common::Ids) {
    let path = dir.join(name);
    let (mem, ids) = fixture();
    let (net, _) = mem.begin_read().unwrap().network().unwrap();
    Database::create(&path)
        .unwrap()
        .import_network(&net, 1)
        .unwrap();
    (path, ids)
}

fn tamper(path: &std::path::Path, f: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::open(path).unwrap();
    let t = db.begin_write().unwrap();
    f(&t);
    t.commit().unwrap();
}

#[test]
fn an_exhausted_id_space_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.guanxi");
    drop(Database::create(&path).unwrap());
    common::poke_meta(&path, "next_id.person", u64::from(u32::MAX));
    let db = Database::open(&path).unwrap();
    let err = db.write(1, |t| t.upsert_person(person("p"))).unwrap_err();
    assert!(
        matches!(err, StoreError::IdsExhausted(NodeKind::Person)),
        "{err}"
    );
    // Other kinds are unaffected.
    db.write(1, |t| t.upsert_employee(employee("e"))).unwrap();
}

#[test]
fn check_reports_each_broken_invariant() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = fixture_file(dir.path(), "broken.guanxi");
    let tie_key = tie(ids.e1, ids.p1, 0.0).key();
    let mut in_key = [0u8; 17];
    in_key[0] = EdgeKind::Tie.code();
    in_key[1..9].copy_from_slice(&tie_key.to.pack().to_be_bytes());
    in_key[9..17].copy_from_slice(&tie_key.from.pack().to_be_bytes());
    tamper(&path, |t| {
        let inn: redb::TableDefinition<&[u8; 17], ()> =
            redb::TableDefinition::new("guanxi.edge.in");
        t.open_table(inn).unwrap().remove(&in_key).unwrap();
        let xids: redb::TableDefinition<&str, u32> =
            redb::TableDefinition::new("guanxi.xid.person");
        t.open_table(xids).unwrap().insert("ghost", 9).unwrap();
        let counts: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("guanxi.counts");
        t.open_table(counts)
            .unwrap()
            .insert("edge.owns", 5)
            .unwrap();
    });
    let report = Database::open(&path).unwrap().check().unwrap();
    assert_eq!(
        report.violations,
        vec![
            Violation::XidOrphan {
                node: PersonId(9).into(),
                xid: "ghost".into()
            },
            Violation::MissingMirror {
                edge: tie_key,
                missing_from: "in"
            },
            Violation::CountMismatch {
                what: "owns edges".into(),
                stored: 5,
                actual: 0
            },
        ],
        "{report}"
    );
    assert!(report.to_string().starts_with("3 violation(s):"));
}
