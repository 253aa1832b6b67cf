//! A database survives close and reopen unchanged, its id counters included, and its
//! consistency check names each broken invariant of a file changed behind its back. (Files
//! that are not guanxi databases, of a newer format or damaged are `bad_input.rs`'s.)

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
    let db = Database::open(&path).unwrap();
    // A count that disagrees with its table is not answered: the file is damaged.
    let r = db.begin_read().unwrap();
    assert!(
        matches!(
            r.edge_count(EdgeKind::Owns),
            Err(StoreError::Corrupt { .. })
        ),
        "{:?}",
        r.edge_count(EdgeKind::Owns)
    );
    assert!(matches!(
        r.count(NodeKind::Person),
        Err(StoreError::Corrupt { .. })
    ));
    let report = db.check().unwrap();
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
    // The report names nodes by external id, and one without a record by number.
    assert_eq!(
        report.to_string(),
        "3 violation(s):\n  \
         external id \"ghost\" indexes to person #9, which does not have it\n  \
         edge tie employee \"e1\" → person \"p1\" is missing from the in table\n  \
         count of owns edges is 5 but there are 0"
    );
    assert_eq!(
        report.violations[1].to_string(),
        "edge tie employee #0 → person #0 is missing from the in table"
    );
}
