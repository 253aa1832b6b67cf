//! Interchange throughput: reading and writing the `medium` synthetic network as CSV,
//! and generating it.
//!
//! Run with `cargo bench --bench io -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guanxi::io::{read_csv_dir, write_csv_dir};
use guanxi::model::{Edge, Network};
use guanxi::synth::{generate, Preset};
use std::hint::black_box;

/// Data rows of the ten files: one per node, one per edge except `works_at` and `of`,
/// which are columns of the persons and projects rows.
fn rows(net: &Network) -> u64 {
    let nodes = net.accounts.len() + net.persons.len() + net.employees.len() + net.projects.len();
    let edges = net
        .edges
        .iter()
        .filter(|e| !matches!(e, Edge::WorksAt { .. } | Edge::Of { .. }))
        .count();
    (nodes + edges) as u64
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
}

criterion_group!(benches, interchange);
criterion_main!(benches);
