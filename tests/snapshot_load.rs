//! `Snapshot::load` builds the snapshot straight from the store's scan, several edge
//! kinds at once: it must give exactly what `Snapshot::from_network` gives for the same
//! data — the same report to the last bit, the same nodes under the store's ids — on any
//! thread count, whether store ids are dense (nodes and edges scanned at once) or have
//! holes left by removals (nodes first), and it must refuse damage with a typed error.

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::model::{Network, NodeKind, NodeRef, Person};
use guanxi::store::{Database, IdMap, Read, StoreError};
use guanxi::synth::{generate, Preset};
use tempfile::TempDir;

fn report_json(snapshot: &Snapshot) -> String {
    let as_of = "2025-06-30".parse().unwrap();
    Report::compute(snapshot, &Params::default(), as_of).to_json()
}

fn load_with_threads(db: &Database, threads: usize) -> Snapshot {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| Snapshot::load(&db.begin_read().unwrap()).unwrap())
}

/// The map from network positions to the ids a snapshot is indexed by, checked node by
/// node against `network`: every node of the snapshot is the node of the network at the
/// same position among the snapshot's nodes, and no other id exists.
fn id_map(snapshot: &Snapshot, network: &Network, ids: &IdMap) -> IdMap {
    for kind in NodeKind::ALL {
        let existing: Vec<u32> = (0..snapshot.id_bound(kind) as u32)
            .filter(|&i| snapshot.contains(NodeRef::new(kind, i)))
            .collect();
        assert_eq!(existing, ids.store_ids(kind), "{kind} ids");
        for (position, &id) in existing.iter().enumerate() {
            let xid = match kind {
                NodeKind::Account => snapshot.account_xid(guanxi::model::AccountId(id)),
                NodeKind::Person => snapshot.person_xid(guanxi::model::PersonId(id)),
                NodeKind::Employee => snapshot.employee_xid(guanxi::model::EmployeeId(id)),
                NodeKind::Project => snapshot.project_xid(guanxi::model::ProjectId(id)),
            };
            let want = network.xid(NodeRef::new(kind, position as u32)).unwrap();
            assert_eq!(xid, want, "{kind} {id}");
        }
    }
    ids.clone()
}

/// Loads with 1, 2 and 3 threads and compares each with the snapshot of the stored
/// network; returns the report.
fn assert_load_matches_network(db: &Database) -> String {
    let (network, ids) = db.begin_read().unwrap().network().unwrap();
    let want = report_json(&Snapshot::from_network(&network));
    for threads in [1, 2, 3] {
        let snapshot = load_with_threads(db, threads);
        let map = id_map(&snapshot, &network, &ids);
        assert_eq!(map, ids, "id map, {threads} threads");
        assert_eq!(snapshot.person_count(), network.persons.len());
        assert_eq!(snapshot.contact_count(), network.interactions.len());
        assert_eq!(report_json(&snapshot), want, "report, {threads} threads");
    }
    want
}

#[test]
fn load_equals_the_snapshot_of_the_network_with_dense_ids() {
    let net = generate(Preset::Small, 5);
    assert!(
        !net.interactions.is_empty(),
        "the generator makes dated records"
    );
    let db = Database::in_memory().unwrap();
    db.import_network(&net, 1).unwrap();
    let loaded = assert_load_matches_network(&db);
    // And the network read back is the generated one, so the report is that of the
    // generator's network too.
    assert_eq!(loaded, report_json(&Snapshot::from_network(&net)));
}

#[test]
fn load_equals_the_snapshot_of_the_network_after_removals() {
    let net = generate(Preset::Small, 6);
    let db = Database::in_memory().unwrap();
    db.import_network(&net, 1).unwrap();
    let before = assert_load_matches_network(&db);
    // Remove every seventh person (ids now have holes), and add one (a new id).
    db.write(2, |t| {
        for p in net.persons.iter().step_by(7) {
            let id = t.lookup(NodeKind::Person, &p.xid)?.unwrap();
            t.remove_node(id)?;
        }
        t.upsert_person(Person {
            xid: "newcomer".into(),
            name: "New Comer".into(),
            title: None,
        })
        .map(|_| ())
    })
    .unwrap();
    let holes = Snapshot::load(&db.begin_read().unwrap()).unwrap();
    assert!(
        holes.id_bound(NodeKind::Person) > holes.person_count(),
        "removals leave holes"
    );
    let after = assert_load_matches_network(&db);
    assert_ne!(before, after);
}

#[test]
fn an_empty_database_loads_as_an_empty_snapshot() {
    let db = Database::in_memory().unwrap();
    let snapshot = load_with_threads(&db, 2);
    assert_eq!(snapshot.person_count(), 0);
    assert_eq!(snapshot.account_count(), 0);
    assert!(NodeKind::ALL.iter().all(|&k| snapshot.id_bound(k) == 0));
}

#[test]
fn damage_is_a_typed_error_not_a_partial_snapshot() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("db.redb");
    Database::create(&path)
        .and_then(|db| db.import_network(&generate(Preset::Tiny, 1), 1))
        .unwrap();
    let raw_out = redb::TableDefinition::<&[u8; 17], &[u8]>::new("guanxi.edge.out");
    let counts = redb::TableDefinition::<&str, u64>::new("guanxi.counts");
    // One entry more in the out table, and one more in a count, so that the counts still
    // agree with the table's length (a count that does not is refused before any scan).
    let damage = |key: [u8; 17], value: &[u8], count: &str, by: i64| {
        let db = redb::Database::open(&path).unwrap();
        let w = db.begin_write().unwrap();
        if by > 0 {
            w.open_table(raw_out).unwrap().insert(&key, value).unwrap();
        } else {
            w.open_table(raw_out).unwrap().remove(&key).unwrap();
        }
        let mut c = w.open_table(counts).unwrap();
        let n = redb::ReadableTable::get(&c, count)
            .unwrap()
            .unwrap()
            .value();
        c.insert(count, n.checked_add_signed(by).unwrap()).unwrap();
        drop(c);
        w.commit().unwrap();
    };
    // An entry of no edge kind (code 200): no kind's range scan sees it, the total does.
    damage([200; 17], &[1, 0], "edge.tie", 1);
    {
        let db = Database::open(&path).unwrap();
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let r = pool.install(|| Snapshot::load(&db.begin_read().unwrap()));
            match r {
                Err(StoreError::Corrupt { what, reason }) => {
                    assert_eq!(what, "edge table");
                    assert!(reason.contains("1 of its"), "{reason}");
                }
                other => panic!("expected a corrupt edge table, got {other:?}"),
            }
        }
        assert!(matches!(
            db.begin_read().unwrap().network(),
            Err(StoreError::Corrupt { .. })
        ));
    }
    damage([200; 17], &[], "edge.tie", -1);
    // A works_at edge (code 0) from a person that has no record.
    let mut key = [0u8; 17];
    key[1..9].copy_from_slice(&NodeRef::new(NodeKind::Person, 999).pack().to_be_bytes());
    key[9..17].copy_from_slice(&0u64.to_be_bytes());
    damage(key, &[1, 0], "edge.works_at", 1);
    let db = Database::open(&path).unwrap();
    match Snapshot::load(&db.begin_read().unwrap()) {
        Err(StoreError::Corrupt { reason, .. }) => {
            assert!(reason.contains("has no record"), "{reason}");
        }
        other => panic!("expected a dangling end, got {other:?}"),
    }
}

/// The snapshot's arrays span the ids, so a damaged node id far beyond the ids the store
/// handed out must be refused as damage before it sizes an allocation (here 50 million
/// slots of every per-person table, gigabytes; near 4 billion the process would abort).
#[test]
fn a_node_id_beyond_the_next_id_is_damage_not_an_allocation() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("db.redb");
    Database::create(&path)
        .and_then(|db| db.import_network(&generate(Preset::Tiny, 1), 1))
        .unwrap();
    {
        use redb::ReadableTable as _;
        let persons = redb::TableDefinition::<u32, &[u8]>::new("guanxi.node.person");
        let db = redb::Database::open(&path).unwrap();
        let w = db.begin_write().unwrap();
        {
            let mut t = w.open_table(persons).unwrap();
            let record = t.get(0).unwrap().unwrap().value().to_vec();
            t.insert(50_000_000, record.as_slice()).unwrap();
        }
        w.commit().unwrap();
    }
    let db = Database::open(&path).unwrap();
    match Snapshot::load(&db.begin_read().unwrap()) {
        Err(StoreError::Corrupt { what, reason }) => {
            assert!(
                what.contains("person") || reason.contains("person"),
                "{what}: {reason}"
            );
        }
        other => panic!(
            "expected damage, got {:?}",
            other.map(|s| s.id_bound(NodeKind::Person))
        ),
    }
}

/// A load reads interactions from the person index (grouped by person, so that only
/// each person's few need ordering): an index that misses an entry, or whose entry is
/// filed under another key than its record's, is damage, not a snapshot without it.
#[test]
fn a_damaged_person_index_of_interactions_is_a_typed_error() {
    use redb::{ReadableDatabase as _, ReadableTable as _};
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("db.redb");
    let network = generate(Preset::Tiny, 1);
    assert!(network.interactions.len() > 10);
    Database::create(&path)
        .and_then(|db| db.import_network(&network, 1))
        .unwrap();
    let by_person = redb::TableDefinition::<&[u8; 16], &[u8]>::new("guanxi.interaction.by_person");
    let first = || {
        let db = redb::Database::open(&path).unwrap();
        let r = db.begin_read().unwrap();
        let t = r.open_table(by_person).unwrap();
        let (k, v) = t.first().unwrap().unwrap();
        (*k.value(), v.value().to_vec())
    };
    let change = |remove: [u8; 16], insert: Option<([u8; 16], Vec<u8>)>| {
        let db = redb::Database::open(&path).unwrap();
        let w = db.begin_write().unwrap();
        {
            let mut t = w.open_table(by_person).unwrap();
            t.remove(&remove).unwrap();
            if let Some((k, v)) = insert {
                t.insert(&k, v.as_slice()).unwrap();
            }
        }
        w.commit().unwrap();
    };
    let load_error = || {
        let db = Database::open(&path).unwrap();
        match Snapshot::load(&db.begin_read().unwrap()) {
            Err(StoreError::Corrupt { what, reason }) => format!("{what}: {reason}"),
            other => panic!("expected damage, got {:?}", other.map(|_| ())),
        }
    };
    let (key, record) = first();
    // Filed under another day: the key no longer matches its record.
    let mut moved = key;
    moved[7] ^= 1;
    change(key, Some((moved, record.clone())));
    let e = load_error();
    assert!(
        e.contains("person index entry") && e.contains("does not match"),
        "{e}"
    );
    // Missing: one entry fewer than the interactions counted.
    change(moved, None);
    let e = load_error();
    assert!(e.contains("person index of interactions"), "{e}");
    let n = network.interactions.len();
    assert!(
        e.contains(&format!("{} entries for {n} interactions", n - 1)),
        "{e}"
    );
    // Restored, it loads again.
    change(key, Some((key, record)));
    let db = Database::open(&path).unwrap();
    assert!(Snapshot::load(&db.begin_read().unwrap()).is_ok());
}
