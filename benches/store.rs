//! Store benchmarks: bulk import and neighbour scans, each beside the storage floor — the
//! same entries written or scanned with raw tables of the storage engine.
//!
//! Baselines for the bulk import (each into a fresh file on disk, one transaction):
//! * `raw_all`: exactly the entries the import writes (node records, external-id entries,
//!   out and in adjacency, log), same tables, same key and value bytes, already sorted.
//!   This is the floor for what the store stores; the ratio to it is the cost of the
//!   store's own work (validation, id mapping, encoding, sorting).
//! * `raw_no_log`: the same without the log entries (shows what the log costs).
//! * `raw_edges`: one out-table entry per edge only — the cheapest way to keep an edge
//!   list at all (shows what the second direction, the nodes and the log cost together).
//!
//! Run: `cargo bench --bench store -- --warm-up-time 1 --measurement-time 3`.

mod common;

use common::Rng;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use guanxi::model::{
    Account, AccountKind, Amount, Day, Edge, EdgeKind, Employee, EmployeeId, Member, Network,
    NodeKind, NodeRef, Person, PersonId, Project, ProjectId, Role, Stage, Tie,
};
use guanxi::store::{Database, Read};
use redb::{ReadableDatabase as _, ReadableTable as _, TableDefinition};
use std::collections::HashSet;
use std::hint::black_box;
use std::path::Path;

type Key17 = [u8; 17];

const NODES: [&str; NodeKind::COUNT] = [
    "guanxi.node.account",
    "guanxi.node.person",
    "guanxi.node.employee",
    "guanxi.node.project",
];
const XIDS: [&str; NodeKind::COUNT] = [
    "guanxi.xid.account",
    "guanxi.xid.person",
    "guanxi.xid.employee",
    "guanxi.xid.project",
];
const OUT: TableDefinition<&Key17, &[u8]> = TableDefinition::new("guanxi.edge.out");
const IN: TableDefinition<&Key17, ()> = TableDefinition::new("guanxi.edge.in");
const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("guanxi.log");

/// A network with `edges` edges: half ties, 30 % influences, 20 % member edges, over
/// edges/10 persons, edges/100 employees and projects, edges/200 accounts.
fn network(edges: usize) -> Network {
    let mut rng = Rng::new(42);
    let mut net = Network::new();
    let (na, np, ne, nx) = (edges / 200, edges / 10, edges / 100, edges / 100);
    for i in 0..na {
        net.accounts.push(Account {
            xid: format!("a{i}"),
            name: format!("Account {i}"),
            kind: if i % 10 == 0 {
                AccountKind::Competitor
            } else {
                AccountKind::Client
            },
        });
    }
    for i in 0..np {
        net.persons.push(Person {
            xid: format!("p{i}"),
            name: format!("Person {i}"),
            title: (i % 3 == 0).then(|| "Director".to_owned()),
        });
    }
    for i in 0..ne {
        net.employees.push(Employee {
            xid: format!("e{i}"),
            name: format!("Employee {i}"),
            left: None,
        });
    }
    for i in 0..nx {
        net.projects.push(Project {
            xid: format!("x{i}"),
            name: format!("Project {i}"),
            stage: Stage::Pursuit,
            amount: Amount::new(10_000.0).unwrap(),
        });
    }
    let mut seen = HashSet::with_capacity(edges);
    while net.edges.len() < edges {
        let roll = rng.below(10);
        let e = if roll < 5 {
            Edge::Tie {
                employee: EmployeeId(rng.below(ne)),
                person: PersonId(rng.below(np)),
                tie: Tie {
                    closeness: rng.score(),
                    last_contact: Day::from_days_since_epoch(
                        20_000 + i32::try_from(rng.below(300)).unwrap(),
                    ),
                    private: roll == 0,
                },
            }
        } else if roll < 8 {
            Edge::Influences {
                from: PersonId(rng.below(np)),
                to: PersonId(rng.below(np)),
                weight: rng.score(),
            }
        } else {
            Edge::Member {
                person: PersonId(rng.below(np)),
                project: ProjectId(rng.below(nx)),
                member: Member {
                    role: Role::ALL[rng.below(Role::ALL.len()) as usize],
                    coach: roll == 9,
                    solution: Some(rng.score()),
                    price: None,
                },
            }
        };
        if e.validate().is_ok() && seen.insert(e.key()) {
            net.edges.push(e);
        }
    }
    net
}

/// Every entry the import wrote, read back from a database file, per table.
#[derive(Default)]
struct Entries {
    nodes: [Vec<(u32, Vec<u8>)>; NodeKind::COUNT],
    xids: [Vec<(String, u32)>; NodeKind::COUNT],
    out: Vec<(Key17, Vec<u8>)>,
    inn: Vec<Key17>,
    log: Vec<(u64, Vec<u8>)>,
}

impl Entries {
    fn read(path: &Path) -> Entries {
        let db = redb::Database::open(path).unwrap();
        let txn = db.begin_read().unwrap();
        let mut all = Entries::default();
        for k in 0..NodeKind::COUNT {
            let t = txn
                .open_table(TableDefinition::<u32, &[u8]>::new(NODES[k]))
                .unwrap();
            for x in t.iter().unwrap() {
                let (a, b) = x.unwrap();
                all.nodes[k].push((a.value(), b.value().to_vec()));
            }
            let t = txn
                .open_table(TableDefinition::<&str, u32>::new(XIDS[k]))
                .unwrap();
            for x in t.iter().unwrap() {
                let (a, b) = x.unwrap();
                all.xids[k].push((a.value().to_owned(), b.value()));
            }
        }
        for x in txn.open_table(OUT).unwrap().iter().unwrap() {
            let (a, b) = x.unwrap();
            all.out.push((*a.value(), b.value().to_vec()));
        }
        for x in txn.open_table(IN).unwrap().iter().unwrap() {
            all.inn.push(*x.unwrap().0.value());
        }
        for x in txn.open_table(LOG).unwrap().iter().unwrap() {
            let (a, b) = x.unwrap();
            all.log.push((a.value(), b.value().to_vec()));
        }
        all
    }

    /// Writes the chosen entries into a raw database, in one transaction.
    fn write(&self, db: &redb::Database, nodes: bool, inn: bool, log: bool) {
        let t = db.begin_write().unwrap();
        if nodes {
            for k in 0..NodeKind::COUNT {
                let mut n = t
                    .open_table(TableDefinition::<u32, &[u8]>::new(NODES[k]))
                    .unwrap();
                for (a, b) in &self.nodes[k] {
                    n.insert(*a, b.as_slice()).unwrap();
                }
                let mut x = t
                    .open_table(TableDefinition::<&str, u32>::new(XIDS[k]))
                    .unwrap();
                for (a, b) in &self.xids[k] {
                    x.insert(a.as_str(), *b).unwrap();
                }
            }
        }
        {
            let mut o = t.open_table(OUT).unwrap();
            for (a, b) in &self.out {
                o.insert(a, b.as_slice()).unwrap();
            }
        }
        if inn {
            let mut i = t.open_table(IN).unwrap();
            for a in &self.inn {
                i.insert(a, ()).unwrap();
            }
        }
        if log {
            let mut l = t.open_table(LOG).unwrap();
            for (a, b) in &self.log {
                l.insert(*a, b.as_slice()).unwrap();
            }
        }
        t.commit().unwrap();
    }

    fn describe(&self) -> String {
        let n: usize = self.nodes.iter().map(Vec::len).sum();
        let nb: usize = self.nodes.iter().flatten().map(|(_, v)| v.len() + 4).sum();
        let xb: usize = self.xids.iter().flatten().map(|(k, _)| k.len() + 4).sum();
        let ob: usize = self.out.iter().map(|(_, v)| v.len() + 17).sum();
        let lb: usize = self.log.iter().map(|(_, v)| v.len() + 8).sum();
        format!(
            "{n} nodes ({nb} B records, {xb} B xid entries), {} out entries ({ob} B), {} in entries ({} B), {} log entries ({lb} B)",
            self.out.len(),
            self.inn.len(),
            self.inn.len() * 17,
            self.log.len()
        )
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn bulk(c: &mut Criterion, edges: usize, label: &str, samples: usize) {
    let net = network(edges);
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference.guanxi");
    let summary = Database::create(&reference)
        .unwrap()
        .import_network(&net, 0)
        .unwrap();
    assert_eq!(summary.edges_added as usize, edges);
    let entries = Entries::read(&reference);
    eprintln!(
        "bulk {label}: {net}; wrote {}; file {} bytes",
        entries.describe(),
        file_size(&reference)
    );
    let mut g = c.benchmark_group(format!("bulk_insert_{label}"));
    g.sample_size(samples);
    g.throughput(Throughput::Elements(edges as u64));
    // Creating the file (and, for the store, writing its meta tables) is setup: the
    // timed part is the one transaction that writes the data.
    let fresh = || {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("db");
        (d, p)
    };
    g.bench_function("guanxi_import_network", |b| {
        b.iter_batched(
            || {
                let (d, p) = fresh();
                let db = Database::create(&p).unwrap();
                (d, db)
            },
            |(d, db)| {
                db.import_network(&net, 1).unwrap();
                (d, db)
            },
            BatchSize::PerIteration,
        );
    });
    for (name, nodes, inn, log) in [
        ("raw_all", true, true, true),
        ("raw_no_log", true, true, false),
        ("raw_edges", false, false, false),
    ] {
        g.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let (d, p) = fresh();
                    let db = redb::Database::create(&p).unwrap();
                    (d, db)
                },
                |(d, db)| {
                    entries.write(&db, nodes, inn, log);
                    (d, db)
                },
                BatchSize::PerIteration,
            );
        });
    }
    g.finish();
}

fn bulk_100k(c: &mut Criterion) {
    bulk(c, 100_000, "100k", 10);
}

fn bulk_1m(c: &mut Criterion) {
    bulk(c, 1_000_000, "1M", 10);
}

/// 1000 `edges_out` scans of random nodes, beside the same range scans on raw tables.
fn scans(crit: &mut Criterion) {
    let edges = 1_000_000;
    let net = network(edges);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.guanxi");
    let db = Database::create(&path).unwrap();
    db.import_network(&net, 0).unwrap();
    let copy = dir.path().join("scan-raw.guanxi");
    std::fs::copy(&path, &copy).unwrap();
    let raw = redb::Database::open(&copy).unwrap();
    let mut rng = Rng::new(7);
    let (np, ne) = (net.persons.len(), net.employees.len());
    // Store ids equal network ids: the database was empty before the import.
    let queries: Vec<(NodeRef, EdgeKind)> = (0..1000)
        .map(|i| {
            if i % 2 == 0 {
                (EmployeeId(rng.below(ne)).into(), EdgeKind::Tie)
            } else {
                (PersonId(rng.below(np)).into(), EdgeKind::Influences)
            }
        })
        .collect();
    let reader = db.begin_read().unwrap();
    let total: usize = queries
        .iter()
        .map(|(node, kind)| reader.edges_out(*node, *kind).unwrap().len())
        .sum();
    eprintln!("scans: 1000 queries over {edges} edges return {total} edges");
    let mut group = crit.benchmark_group("neighbour_scan_1M");
    group.sample_size(20);
    group.throughput(Throughput::Elements(1000));
    group.bench_function("guanxi_edges_out_x1000", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (node, kind) in &queries {
                n += reader.edges_out(*node, *kind).unwrap().len();
            }
            black_box(n)
        });
    });
    let rr = raw.begin_read().unwrap();
    let bounds = |node: NodeRef, kind: EdgeKind| {
        let mut lo = [0u8; 17];
        lo[0] = kind.code();
        lo[1..9].copy_from_slice(&node.pack().to_be_bytes());
        let mut hi = lo;
        hi[9..17].copy_from_slice(&[0xff; 8]);
        (lo, hi)
    };
    group.bench_function("raw_range_open_per_scan_x1000", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (node, kind) in &queries {
                let table = rr.open_table(OUT).unwrap();
                let (lo, hi) = bounds(*node, *kind);
                for x in table.range::<&Key17>(&lo..=&hi).unwrap() {
                    let (k, v) = x.unwrap();
                    n += k.value()[16] as usize + v.value().len();
                }
            }
            black_box(n)
        });
    });
    group.bench_function("raw_range_table_open_once_x1000", |b| {
        let table = rr.open_table(OUT).unwrap();
        b.iter(|| {
            let mut n = 0usize;
            for (node, kind) in &queries {
                let (lo, hi) = bounds(*node, *kind);
                for x in table.range::<&Key17>(&lo..=&hi).unwrap() {
                    let (k, v) = x.unwrap();
                    n += k.value()[16] as usize + v.value().len();
                }
            }
            black_box(n)
        });
    });
    group.finish();
}

criterion_group!(benches, bulk_100k, bulk_1m, scans);
criterion_main!(benches);
