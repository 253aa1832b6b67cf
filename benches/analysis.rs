//! Analysis benchmarks: snapshot build, full report (1 and 2 threads) and the
//! single-project query, on a ~300k-edge and a ~3M-edge synthetic network.
//!
//! Run: `cargo bench --bench analysis -- --warm-up-time 1 --measurement-time 3`.
//! Set `GUANXI_BENCH_SMALL_ONLY=1` to skip the large network.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use guanxi::analysis::{project_analysis, synth, Params, Report};
use guanxi::graph::Snapshot;
use guanxi::model::{Day, ProjectId};
use std::hint::black_box;
use std::time::Duration;

fn sizes() -> Vec<(&'static str, usize)> {
    let mut s = vec![("50k_persons", 50_000)];
    if std::env::var_os("GUANXI_BENCH_SMALL_ONLY").is_none() {
        s.push(("500k_persons", 500_000));
    }
    s
}

fn bench(c: &mut Criterion) {
    let as_of: Day = "2025-06-30".parse().expect("valid date");
    let params = Params::default();
    let pools: Vec<(usize, rayon::ThreadPool)> = [1, 2]
        .into_iter()
        .map(|n| {
            (
                n,
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .expect("thread pool"),
            )
        })
        .collect();
    for (name, persons) in sizes() {
        let net = synth::network(persons, 42);
        eprintln!("{name}: {net}");
        let mut g = c.benchmark_group(format!("analysis/{name}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        g.bench_function("snapshot_from_network", |b| {
            b.iter(|| Snapshot::from_network(black_box(&net)));
        });
        let snap = Snapshot::from_network(&net);
        for (threads, pool) in &pools {
            g.bench_with_input(
                BenchmarkId::new("full_report_threads", threads),
                threads,
                |b, _| {
                    b.iter(|| pool.install(|| Report::compute(black_box(&snap), &params, as_of)));
                },
            );
        }
        // Single-project queries over a fixed spread of projects (one thread: a query
        // is sequential).
        let projects: Vec<ProjectId> = snap.project_ids().step_by(97).collect();
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

criterion_group!(benches, bench);
criterion_main!(benches);
