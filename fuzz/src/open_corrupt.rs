//! Opening damaged database files: a valid database image (the tiny example network plus
//! some updates and removals, so that it has freed pages and a change log) with bit flips
//! and truncation applied, or arbitrary bytes. Opening may fail, verifying may fail, reads
//! and writes of a verified file may fail — with typed errors; nothing may panic, hang or
//! exhaust memory.
//!
//! Input: the first byte picks the mode. `0xff`: the rest is the file. Otherwise the rest
//! is a list of 5-byte edits `(offset: u32 LE, xor: u8)` applied to the valid image
//! (offset taken modulo its length); if bit 0 of the mode byte is set, the image is then
//! truncated to the length named by the first edit's offset.
//!
//! The including crate root provides `mod image` (`tests/common/image.rs`).

use crate::image::ImageBackend;
use guanxi::model::{Day, EmployeeId, Interaction, InteractionKind, NodeKind, Person, PersonId};
use guanxi::store::{Database, Read};
use std::sync::OnceLock;

fn template() -> &'static [u8] {
    static IMAGE: OnceLock<Vec<u8>> = OnceLock::new();
    IMAGE.get_or_init(|| {
        // The example network, from the fuzz crate (`fuzz/`) or from the main crate's tests.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = [
            root.join("tests/data/tiny"),
            root.join("../tests/data/tiny"),
        ]
        .into_iter()
        .find(|d| d.is_dir())
        .expect("tests/data/tiny is there");
        let net = guanxi::io::read_csv_dir(&dir).expect("the tiny example imports");
        let backend = ImageBackend::default();
        {
            let db = Database::with_backend(backend.clone(), "template").expect("fresh image");
            db.import_network(&net, 1).expect("import");
            db.write(2, |t| {
                for i in 0..20 {
                    t.upsert_person(Person {
                        xid: format!("extra-{i}"),
                        name: format!("Extra Person {i}"),
                        title: Some("Buyer".into()),
                    })?;
                }
                Ok(())
            })
            .expect("extra persons");
            db.write(3, |t| {
                for i in 0..10 {
                    if let Some(p) = t.lookup(NodeKind::Person, &format!("extra-{i}"))? {
                        t.remove_node(p)?;
                    }
                }
                t.erase_person("extra-10")?;
                Ok(())
            })
            .expect("removals");
        }
        backend.bytes()
    })
}

/// The database image an input describes (`None` for an empty input).
pub fn image_of(data: &[u8]) -> Option<Vec<u8>> {
    let (&mode, rest) = data.split_first()?;
    Some(if mode == 0xff {
        rest.to_vec()
    } else {
        let mut image = template().to_vec();
        let len = image.len();
        let mut first = None;
        for edit in rest.chunks_exact(5) {
            let off = u32::from_le_bytes([edit[0], edit[1], edit[2], edit[3]]) as usize;
            first.get_or_insert(off);
            image[off % len] ^= edit[4];
        }
        if mode & 1 == 1 {
            if let Some(off) = first {
                image.truncate(off % (len + 1));
            }
        }
        image
    })
}

/// Runs one input; panics if a property breaks.
pub fn run(data: &[u8]) {
    let Some(image) = image_of(data) else {
        return;
    };
    // Opening is guarded against any damage; everything after it is promised for files
    // that pass `verify` (what `Database::open_verified` does).
    let Ok(mut db) = Database::with_backend(ImageBackend::new(image), "fuzz") else {
        return;
    };
    if db.verify().is_err() {
        return;
    }
    if let Ok(r) = db.begin_read() {
        let _ = r.check();
        let _ = r.network();
        let _ = r.log(0);
        for kind in NodeKind::ALL {
            let _ = r.count(kind);
            let _ = r.for_each_node(kind, |_, _| {});
        }
        let _ = r.interaction_count();
        let _ = r.interactions_of(PersonId(0));
        let _ = r.interactions_in(
            Day::from_ymd(2000, 1, 1).unwrap()..=Day::from_ymd(2100, 1, 1).unwrap(),
        );
    }
    let _ = db.write(9, |t| {
        let p = t.upsert_person(Person {
            xid: "fuzz-new".into(),
            name: "New".into(),
            title: None,
        })?;
        // An interaction: a write into the interaction tables of a damaged image.
        if let Some(e) = t.lookup(NodeKind::Employee, "e1")? {
            t.add_interaction(Interaction {
                employee: EmployeeId(e.id),
                person: p,
                date: Day::from_ymd(2025, 1, 1).unwrap(),
                kind: InteractionKind::Meeting,
                project: None,
            })?;
        }
        t.erase_person("p1")
    });
    let _ = db.check();
}
