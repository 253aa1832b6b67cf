//! CSV import of arbitrary folders: the input is split at `0x00` bytes into the contents
//! of the twelve files of the interchange format, in the format's order (fewer parts: the
//! remaining files are absent), so employment periods and interactions are fuzzed like
//! the rest. Reading must fail with a typed error or give a network that validates, that
//! imports into a database which then checks clean and holds the same number of nodes and
//! edges, and that survives an export and re-import unchanged (interactions and leaving
//! dates included).

use guanxi::model::{EdgeKind, NodeKind};
use guanxi::store::{Database, Read};
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir(name: &str) -> PathBuf {
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let d = base.join(format!("guanxi-fuzz-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("scratch folder");
    d
}

thread_local! {
    static DB: Database = Database::in_memory().expect("in-memory database");
}

fn input_dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| dir("in"))
}

fn export_dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| dir("out"))
}

/// Runs one input; panics if a property breaks.
pub fn run(data: &[u8]) {
    let d = input_dir();
    let mut parts = data.split(|b| *b == 0);
    for file in guanxi::io::FILES {
        let path = d.join(file);
        match parts.next() {
            Some(bytes) => std::fs::write(&path, bytes).expect("write scratch file"),
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    let Ok(net) = guanxi::io::read_csv_dir(d) else {
        return;
    };
    if let Err(e) = net.validate() {
        panic!("the reader returned an invalid network: {e:?}");
    }
    // One database per process: the import runs in a write transaction that is checked
    // from inside (a write transaction reads its own changes) and then rolled back, so
    // every input starts from the same empty database.
    DB.with(|db| {
        let mut t = db.begin_write(1).expect("begin write");
        t.import_network(&net).expect("a valid network imports");
        let report = t.check().expect("check runs");
        assert!(report.is_clean(), "{report}");
        for kind in NodeKind::ALL {
            assert_eq!(
                t.count(kind).unwrap(),
                net.count(kind) as u64,
                "{kind} count"
            );
        }
        let edges: u64 = EdgeKind::ALL
            .iter()
            .map(|k| t.edge_count(*k).unwrap())
            .sum();
        assert_eq!(edges, net.edges.len() as u64, "edge count");
        let (back, _) = t.network().expect("network");
        assert_eq!(back.persons.len(), net.persons.len());
        t.abort().expect("abort");
    });
    let out = export_dir();
    guanxi::io::write_csv_dir(&net, out).expect("a valid imported network exports");
    let again = guanxi::io::read_csv_dir(out).expect("an exported network re-imports");
    assert_eq!(again, net, "export and re-import changed the network");
}
