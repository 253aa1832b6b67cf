//! Analysis benchmarks: snapshot build, full report (1 and 2 threads; and without the
//! trends' second date, `trend_days` 0, to measure what trends cost) and the
//! single-project query, on a ~300k-edge and a ~3M-edge synthetic network; the
//! snapshot's load from a file beside the storage engine's bare scan of the same tables,
//! and beside a stand-in for a copy of the snapshot stored as columns; the levers of one
//! project and the win model's fit (§9) on the ~300k-edge one.
//!
//! Run: `cargo bench --bench analysis -- --warm-up-time 1 --measurement-time 3`.
//! Set `GUANXI_BENCH_SMALL_ONLY=1` to skip the large network.

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use guanxi::analysis::{levers, project_analysis, training_set, Params, Report, WinModel};
use guanxi::graph::Snapshot;
use guanxi::model::{Day, NodeKind, ProjectId};
use guanxi::synth::{self, Preset};
use redb::{ReadableTable as _, TableDefinition};
use std::hint::black_box;
use std::time::Duration;

/// The product's generator presets: `medium` (about 50k persons, 300k edges) and
/// `large` (about 500k persons, 3M edges).
fn sizes() -> Vec<(&'static str, Preset)> {
    let mut s = vec![("medium", Preset::Medium)];
    if std::env::var_os("GUANXI_BENCH_SMALL_ONLY").is_none() {
        s.push(("large", Preset::Large));
    }
    s
}

/// A pool of one thread and a pool of two, each with its thread count.
fn pools() -> Vec<(usize, rayon::ThreadPool)> {
    [1, 2]
        .into_iter()
        .map(|n| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build();
            (n, pool.expect("thread pool"))
        })
        .collect()
}

/// A benchmark group of ten samples, one second of warm-up and five of measurement.
fn group(c: &mut Criterion, name: String) -> BenchmarkGroup<'_, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g
}

fn bench(c: &mut Criterion) {
    let as_of: Day = "2025-06-30".parse().expect("valid date");
    let params = Params::default();
    let pools = pools();
    for (name, preset) in sizes() {
        let net = synth::generate(preset, 42);
        eprintln!("{name}: {net}");
        let mut g = group(c, format!("analysis/{name}"));
        g.bench_function("snapshot_from_network", |b| {
            b.iter(|| Snapshot::from_network(black_box(&net)));
        });
        let snap = Snapshot::from_network(&net);
        let no_trend = Params {
            trend_days: 0,
            ..params
        };
        for (threads, pool) in &pools {
            g.bench_with_input(
                BenchmarkId::new("full_report_threads", threads),
                threads,
                |b, _| {
                    b.iter(|| pool.install(|| Report::compute(black_box(&snap), &params, as_of)));
                },
            );
            g.bench_with_input(
                BenchmarkId::new("full_report_without_trends_threads", threads),
                threads,
                |b, _| {
                    b.iter(|| pool.install(|| Report::compute(black_box(&snap), &no_trend, as_of)));
                },
            );
        }
        // Single-project queries over a fixed spread of 300 projects (one thread: a
        // query is sequential).
        let step = (snap.project_count() / 300).max(1);
        let projects: Vec<ProjectId> = snap.project_ids().step_by(step).take(300).collect();
        let mut i = 0;
        g.bench_function("project_query", |b| {
            b.iter(|| {
                i = (i + 1) % projects.len();
                project_analysis(black_box(&snap), projects[i], &params, as_of)
            });
        });
        g.finish();
    }
}

/// Every table the load reads, by name, with the scan of its key type.
const TABLES: [(&str, Scan); NodeKind::COUNT + 2] = [
    ("guanxi.node.account", scan::<u32>),
    ("guanxi.node.person", scan::<u32>),
    ("guanxi.node.employee", scan::<u32>),
    ("guanxi.node.project", scan::<u32>),
    ("guanxi.edge.out", scan::<&[u8; 17]>),
    ("guanxi.interaction.by_person", scan::<&[u8; 16]>),
];

/// A raw scan of one table, by name.
type Scan = fn(&redb::ReadTransaction, &str) -> usize;

/// The sum of every byte of the keys (of type `K`) and values of the table `name`.
fn scan<K: redb::Key + 'static>(txn: &redb::ReadTransaction, name: &str) -> usize {
    fn bytes(b: &[u8]) -> usize {
        b.iter().map(|&x| usize::from(x)).sum()
    }
    let table = txn
        .open_table(TableDefinition::<K, &[u8]>::new(name))
        .expect("table");
    let mut total = 0usize;
    for entry in table.iter().expect("iter") {
        let (key, value) = entry.expect("entry");
        total += bytes(K::as_bytes(&key.value()).as_ref()) + bytes(value.value());
    }
    total
}

/// `Snapshot::load` from one read transaction of a database file (on one and on two
/// threads), beside a raw scan of every table it reads — every node record, every
/// out-adjacency entry and every entry of the interactions' person index, each byte
/// touched — with the tables spread over the same pool: the engine's floor for reading
/// what the load reads.
fn load_vs_raw_scan(crit: &mut Criterion) {
    use rayon::prelude::*;
    use redb::ReadableDatabase as _;
    let pools = pools();
    for (size, preset) in sizes() {
        let net = synth::generate(preset, 42);
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("load.redb");
        guanxi::store::Database::create(&path)
            .and_then(|db| db.import_network(&net, 0))
            .expect("imports");
        drop(net);
        let mut g = group(crit, format!("snapshot_load/{size}"));
        {
            let raw = redb::Database::open(&path).expect("raw open");
            for (threads, pool) in &pools {
                g.bench_with_input(
                    BenchmarkId::new("raw_scan_threads", threads),
                    threads,
                    |bench, _| {
                        bench.iter(|| {
                            let txn = raw.begin_read().expect("read");
                            let total: usize = pool.install(|| {
                                TABLES
                                    .par_iter()
                                    .with_max_len(1)
                                    .map(|&(name, scan)| scan(&txn, name))
                                    .sum()
                            });
                            black_box(total)
                        });
                    },
                );
            }
        }
        let db = guanxi::store::Database::open(&path).expect("open");
        // The load spreads its work over the rayon pool, as the raw scan spreads its tables:
        // both on one thread and on two.
        for (threads, pool) in &pools {
            g.bench_with_input(
                BenchmarkId::new("snapshot_load_threads", threads),
                threads,
                |bench, _| {
                    // Dropping a snapshot (freeing its arrays) is not building it: outputs
                    // are dropped outside the timed loop.
                    bench.iter_with_large_drop(|| {
                        pool.install(|| {
                            let txn = db.begin_read().expect("read");
                            Snapshot::load(&txn).expect("loads")
                        })
                    });
                },
            );
        }
        g.finish();
    }
}

/// The floor of a different kind of load: a copy of the snapshot kept in the file as
/// columns of plain numbers, read back into arrays. Not a guanxi feature — the
/// measure of what one would save. The columns hold 99 bytes per edge of the network
/// (the snapshot's measured resident size on large) as little-endian `u64`s, in
/// values just under 1 MiB; each value is read through the storage engine, converted
/// into a fresh array and checked against a bound (as a stored copy would have to be,
/// so that a damaged one could not send an analysis out of bounds), the values spread
/// over the pool at one and two threads.
fn stored_columns(crit: &mut Criterion) {
    use rayon::prelude::*;
    use redb::ReadableDatabase as _;
    const COLUMNS: TableDefinition<u32, &[u8]> = TableDefinition::new("columns");
    const VALUE: usize = (1 << 20) - 4096;
    const BOUND: u64 = 1 << 40;
    for (size, preset) in sizes() {
        let bytes = 99 * synth::generate(preset, 42).edges.len();
        let values = u32::try_from(bytes.div_ceil(VALUE)).expect("fits");
        let dir = tempfile::tempdir().expect("temporary folder");
        let db = redb::Database::create(dir.path().join("columns.redb")).expect("create");
        let txn = db.begin_write().expect("write");
        {
            let mut table = txn.open_table(COLUMNS).expect("table");
            let mut rng = synth::Rng::new(7);
            for v in 0..values {
                let value: Vec<u8> = (0..VALUE / 8)
                    .flat_map(|_| (rng.next_u64() % BOUND).to_le_bytes())
                    .collect();
                table.insert(v, value.as_slice()).expect("insert");
            }
        }
        txn.commit().expect("commit");
        let mut g = group(crit, format!("stored_columns/{size}"));
        for (threads, pool) in &pools() {
            g.bench_with_input(
                BenchmarkId::new("read_threads", threads),
                threads,
                |bench, _| {
                    bench.iter_with_large_drop(|| {
                        let txn = db.begin_read().expect("read");
                        let table = txn.open_table(COLUMNS).expect("table");
                        pool.install(|| {
                            (0..values)
                                .into_par_iter()
                                .map(|v| {
                                    let value = table.get(v).expect("get").expect("value");
                                    let column: Vec<u64> = value
                                        .value()
                                        .chunks_exact(8)
                                        .map(|b| u64::from_le_bytes(b.try_into().expect("8")))
                                        .collect();
                                    assert!(column.iter().all(|&x| x < BOUND));
                                    column
                                })
                                .collect::<Vec<Vec<u64>>>()
                        })
                    });
                },
            );
        }
        g.finish();
    }
}

/// §9 on `medium`: one project's levers (the adjoint solve and a path search per
/// lever, as the `levers` query runs them, over the same 300 projects as
/// `project_query`), the win model's fit alone on the training set, and the training
/// set itself (the features of every won and lost project).
fn strategy(c: &mut Criterion) {
    let as_of: Day = "2025-06-30".parse().expect("valid date");
    let params = Params::default();
    let net = synth::generate(Preset::Medium, 42);
    let snap = Snapshot::from_network(&net);
    let mut g = group(c, "strategy/medium".to_owned());
    let step = (snap.project_count() / 300).max(1);
    let projects: Vec<ProjectId> = snap.project_ids().step_by(step).take(300).collect();
    let mut i = 0;
    g.bench_function("levers_query", |b| {
        b.iter(|| {
            i = (i + 1) % projects.len();
            levers(black_box(&snap), projects[i], &params, as_of)
        });
    });
    let history = training_set(&snap, &params, as_of);
    let won = history.iter().filter(|r| r.won).count();
    eprintln!("medium: {won} won, {} lost", history.len() - won);
    g.bench_function("win_model_fit", |b| {
        b.iter(|| WinModel::fit(black_box(&history), &params));
    });
    g.bench_function("training_set", |b| {
        b.iter(|| training_set(black_box(&snap), &params, as_of));
    });
    g.finish();
}

criterion_group!(benches, bench, load_vs_raw_scan, stored_columns, strategy);
criterion_main!(benches);
