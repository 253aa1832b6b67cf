//! Interchange throughput: reading and writing the `medium` synthetic network as CSV,
//! generating it, and importing a CSV folder into a database beside the storage floor —
//! the same records inserted raw, one entry each, into the storage engine.
//!
//! Run with `cargo bench --bench io -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guanxi::io::{read_csv_dir, write_csv_dir};
use guanxi::model::{Edge, Network};
use guanxi::store::Database;
use guanxi::synth::{generate, Preset};
use redb::TableDefinition;
use std::hint::black_box;
use std::path::Path;

const RAW: TableDefinition<&[u8], &[u8]> = TableDefinition::new("raw");

/// Every record of the network as one (key, value) pair, encoded the way the store encodes
/// them (postcard), sorted by key: nodes keyed by (type, id), edges by (type, from, to),
/// interactions by their position.
fn raw_records(net: &Network) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut node = |kind: u8, i: usize, bytes: Vec<u8>| {
        let mut k = vec![0xFF, kind];
        k.extend_from_slice(&(i as u32).to_be_bytes());
        out.push((k, bytes));
    };
    for (i, n) in net.accounts.iter().enumerate() {
        node(0, i, postcard::to_allocvec(n).expect("encodes"));
    }
    for (i, n) in net.persons.iter().enumerate() {
        node(1, i, postcard::to_allocvec(n).expect("encodes"));
    }
    for (i, n) in net.employees.iter().enumerate() {
        node(2, i, postcard::to_allocvec(n).expect("encodes"));
    }
    for (i, n) in net.projects.iter().enumerate() {
        node(3, i, postcard::to_allocvec(n).expect("encodes"));
    }
    for e in &net.edges {
        let key = e.key();
        let mut k = vec![key.kind.code()];
        k.extend_from_slice(&key.from.pack().to_be_bytes());
        k.extend_from_slice(&key.to.pack().to_be_bytes());
        out.push((k, postcard::to_allocvec(&e.attrs()).expect("encodes")));
    }
    for (i, x) in net.interactions.iter().enumerate() {
        let mut k = vec![0xFE];
        k.extend_from_slice(&(i as u64).to_be_bytes());
        out.push((k, postcard::to_allocvec(x).expect("encodes")));
    }
    out.sort_unstable();
    out
}

fn raw_insert(records: &[(Vec<u8>, Vec<u8>)], path: &Path) -> redb::Database {
    let db = redb::Database::create(path).expect("raw file");
    let t = db.begin_write().expect("write");
    {
        let mut table = t.open_table(RAW).expect("table");
        for (k, v) in records {
            table.insert(k.as_slice(), v.as_slice()).expect("insert");
        }
    }
    t.commit().expect("commit");
    db
}

/// Data rows of the CSV files: one per node, one per edge except `works_at` and `of`,
/// which are columns of the persons and projects rows, and one per interaction.
fn rows(net: &Network) -> u64 {
    let nodes = net.accounts.len() + net.persons.len() + net.employees.len() + net.projects.len();
    let edges = net
        .edges
        .iter()
        .filter(|e| !matches!(e, Edge::WorksAt { .. } | Edge::Of { .. }))
        .count();
    (nodes + edges + net.interactions.len()) as u64
}

fn interchange(c: &mut Criterion) {
    let net = generate(Preset::Medium, 1);
    let dir = tempfile::TempDir::new().expect("a temporary folder");
    write_csv_dir(&net, dir.path()).expect("the medium network exports");
    let bytes: u64 = guanxi::io::FILES
        .iter()
        .filter_map(|f| std::fs::metadata(dir.path().join(f)).ok())
        .map(|m| m.len())
        .sum();
    eprintln!("medium: {net}; {} CSV rows, {bytes} bytes", rows(&net));

    let mut g = c.benchmark_group("interchange_medium");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows(&net)));
    g.bench_function("read_csv_dir", |b| {
        b.iter(|| read_csv_dir(black_box(dir.path())).expect("reads back"));
    });
    let out = tempfile::TempDir::new().expect("a temporary folder");
    g.bench_function("write_csv_dir", |b| {
        b.iter(|| write_csv_dir(black_box(&net), out.path()).expect("writes"));
    });
    g.throughput(Throughput::Elements(
        (net.persons.len() + net.edges.len()) as u64,
    ));
    g.bench_function("generate", |b| {
        b.iter(|| generate(black_box(Preset::Medium), 1));
    });
    g.finish();

    import(c, "medium", &net, dir.path());
}

/// Import of a CSV folder into a fresh database file (one transaction), beside the floor:
/// the same records inserted raw, one entry each.
fn import(c: &mut Criterion, label: &str, net: &Network, dir: &Path) {
    let records = raw_records(net);
    let mut g = c.benchmark_group(format!("import_{label}"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows(net)));
    let fresh = || {
        let d = tempfile::TempDir::new().expect("a temporary folder");
        let p = d.path().join("db");
        (d, p)
    };
    g.bench_function("import_dir", |b| {
        b.iter_batched(
            fresh,
            |(d, p)| {
                let db = Database::create(&p).expect("database");
                guanxi::io::import_dir(&db, dir, 0).expect("imports");
                (d, db)
            },
            criterion::BatchSize::PerIteration,
        );
    });
    g.bench_function("raw_records", |b| {
        b.iter_batched(
            fresh,
            |(d, p)| (raw_insert(&records, &p), d),
            criterion::BatchSize::PerIteration,
        );
    });
    g.finish();
}

/// The large preset (about 500k persons, 2.9M edges): import only. Skipped when
/// `GUANXI_BENCH_SKIP_LARGE` is set (each iteration takes tens of seconds).
fn import_large(c: &mut Criterion) {
    if std::env::var_os("GUANXI_BENCH_SKIP_LARGE").is_some() {
        return;
    }
    let net = generate(Preset::Large, 1);
    let dir = tempfile::TempDir::new().expect("a temporary folder");
    write_csv_dir(&net, dir.path()).expect("the large network exports");
    eprintln!("large: {net}; {} CSV rows", rows(&net));
    import(c, "large", &net, dir.path());
}

criterion_group!(benches, interchange, import_large);
criterion_main!(benches);
