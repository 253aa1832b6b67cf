//! Reading a damaged database never panics: 200 copies of a database file, each with 8
//! bits flipped at places chosen by a seeded generator, are opened read-only and read
//! through every read entry point — lookups, records, neighbour scans both ways, whole-table walks, the
//! change log, the network, the snapshot load, the consistency check. Each call must
//! return, with a value or a typed error; a panic of the storage engine on a damaged
//! structure must come back as `StoreError::Corrupt`; and the file must be left as it was.
//!
//! Reading does not verify page checksums first (that is `Database::open_verified`, which
//! reads the whole file), so these reads meet the damage.

mod common;

use common::image::ImageBackend;
use common::tiny;
use guanxi::graph::Snapshot;
use guanxi::model::{
    AccountId, EdgeKey, EdgeKind, EmployeeId, NodeKind, NodeRef, Person, PersonId, ProjectId,
};
use guanxi::store::{Database, Read, StoreError};
use std::collections::BTreeMap;

/// The undamaged image: the tiny example, some added persons, some removed, one erased —
/// so that it has several versions of its tables, freed pages and a change log.
fn template() -> Vec<u8> {
    let backend = ImageBackend::default();
    {
        let db = Database::with_backend(backend.clone(), "template").unwrap();
        db.import_network(&tiny(), 1).unwrap();
        db.write(2, |t| {
            for i in 0..30 {
                t.upsert_person(Person {
                    xid: format!("extra-{i}"),
                    name: format!("Extra Person {i}"),
                    title: Some("Buyer".into()),
                })?;
            }
            Ok(())
        })
        .unwrap();
        db.write(3, |t| {
            for i in 0..10 {
                if let Some(p) = t.lookup(NodeKind::Person, &format!("extra-{i}"))? {
                    t.remove_node(p)?;
                }
            }
            t.erase_person("extra-10").map(|_| ())
        })
        .unwrap();
    }
    backend.bytes()
}

/// A small deterministic generator (64-bit linear congruential, high bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// What the reads of one image gave: how many calls there were, how many failed, and
/// how many of the failures were the storage engine's panics, contained.
#[derive(Default)]
struct Tally {
    calls: usize,
    failed: usize,
    contained: usize,
}

impl Tally {
    fn note<T>(&mut self, r: Result<T, StoreError>) {
        self.calls += 1;
        if let Err(e) = r {
            self.failed += 1;
            if matches!(&e, StoreError::Corrupt { reason, .. } if reason.contains("the storage engine failed"))
            {
                self.contained += 1;
            }
        }
    }
}

/// Calls every read entry point of `db` (a panic fails the test).
fn read_everything(db: &Database) -> Result<Tally, StoreError> {
    let r = db.begin_read()?;
    let mut t = Tally::default();
    for kind in NodeKind::ALL {
        t.note(r.count(kind));
        t.note(r.for_each_node(kind, |_, _| {}));
        for xid in ["a1", "p1", "e1", "x1", "extra-20", "nobody"] {
            t.note(r.lookup(kind, xid));
        }
        for id in 0..40 {
            let node = NodeRef::new(kind, id);
            t.note(r.node(node));
            for edge in EdgeKind::ALL {
                if edge.from_kind() == kind {
                    t.note(r.edges_out(node, edge));
                }
                if edge.allows_to(kind) {
                    t.note(r.edges_in(node, edge));
                }
            }
        }
    }
    for id in 0..20 {
        t.note(r.account(AccountId(id)));
        t.note(r.person(PersonId(id)));
        t.note(r.employee(EmployeeId(id)));
        t.note(r.project(ProjectId(id)));
        t.note(r.edge(EdgeKey {
            kind: EdgeKind::Tie,
            from: EmployeeId(id % 3).into(),
            to: PersonId(id).into(),
        }));
    }
    let mut edges = 0;
    for kind in EdgeKind::ALL {
        t.note(r.edge_count(kind));
        t.note(r.for_each_edge(kind, |_| edges += 1));
    }
    t.note(r.edge_counts());
    t.note(r.log(0));
    t.note(r.log(5));
    t.note(r.network());
    t.note(Snapshot::load(&r));
    t.note(r.check());
    t.note(db.check());
    Ok(t)
}

#[test]
fn reads_of_damaged_images_return_typed_errors_never_panic() {
    let good = template();
    let dir = tempfile::tempdir().unwrap();
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut contained = 0;
    for seed in 0..200u64 {
        let mut image = good.clone();
        let mut rng = Lcg(seed);
        for _ in 0..8 {
            let at = (rng.next() % image.len() as u64) as usize;
            image[at] ^= 1 << (rng.next() % 8);
        }
        // Read-only handles: a reader never writes the file (a writable handle records
        // the engine's allocator state when it closes, a commit into the damaged image).
        let path = dir.path().join(format!("damaged-{seed}.guanxi"));
        std::fs::write(&path, &image).unwrap();
        let outcome = match Database::open_read_only(&path) {
            Err(_) => "refused on open",
            Ok(db) => match read_everything(&db) {
                Err(_) => "no read transaction",
                Ok(t) if t.failed == 0 => "every read succeeded",
                Ok(t) => {
                    contained += t.contained;
                    "some reads failed with typed errors"
                }
            },
        };
        assert_eq!(
            std::fs::read(&path).unwrap(),
            image,
            "a read changed the file"
        );
        std::fs::remove_file(&path).unwrap();
        *outcomes.entry(outcome).or_default() += 1;
    }
    println!("{outcomes:#?}\nreads failing on a contained engine panic: {contained}");
    assert_eq!(outcomes.values().sum::<usize>(), 200);
    // The damage is real, and reaches the engine's own code: some reads meet a panic of
    // the storage engine, which comes back as a typed error.
    assert!(outcomes.contains_key("some reads failed with typed errors"));
    assert!(contained > 0, "no read met a panic of the engine");
}
