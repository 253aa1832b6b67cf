//! The change log as a sync feed and a history, on the generated `medium` network: reading
//! the head, a page, and the database as it stood after an earlier commit.
//!
//! Run: `cargo bench --bench history -- --warm-up-time 1 --measurement-time 3`.
//!
//! Measured 2026-12-01 on the 2-core machine of BENCHMARKS.md, shared with other jobs
//! (load average about 5), criterion's median: 616 764 log entries, 11 commits, an
//! 80 MB file. `log_head` 3.4 µs (a read transaction and one counter); a page of 1 000
//! entries 1.6 ms (import entries, 19.2 stored bytes each) and 2.4 ms (update entries,
//! which hold the record they replaced: 41.7 bytes each); `network()` of the present
//! 182 ms; the database after commit 10 (undoing the last commit's 400 changes) 268 ms;
//! after commit 1, the import, 377 ms.

mod common;

use common::Rng;
use criterion::{criterion_group, criterion_main, Criterion};
use guanxi::model::{Day, EmployeeId, InteractionKind, PersonId, ProjectId, Stage};
use guanxi::store::{Database, Read};
use redb::{ReadableDatabase as _, ReadableTable as _, TableDefinition};
use std::hint::black_box;

const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("guanxi.log");

/// The change log as a feed and a history on the generated `medium` network: the import
/// (commit 1) and then ten commits of 400 event-by-event changes each (renames, stage
/// changes, contacts recorded, interactions). Measures reading the head, a page of 1 000
/// entries, and rebuilding the database as it stood after a commit — the last but one
/// (backwards: one scan and the 400 entries of the last commit undone) and the import
/// (the cheaper of undoing 4 000 entries after a scan and replaying the import's) —
/// beside `network()` of the present, which is what the rebuild's scan costs. Prints the
/// log's size per entry, for the import's entries (no before-images) and the updates'.
fn history(crit: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("medium.guanxi");
    let net = guanxi::synth::generate(guanxi::synth::Preset::Medium, 1);
    let db = Database::create(&path).unwrap();
    db.import_network(&net, 1).unwrap();
    let persons = net.persons.len() as u32;
    let projects = net.projects.len() as u32;
    let employees = net.employees.len() as u32;
    let mut rng = Rng::new(7);
    for c in 0..10 {
        db.write(2 + c, |t| {
            for i in 0u8..100 {
                let p = PersonId(rng.below(persons as usize));
                t.rename(p.into(), &format!("Renamed {c}/{i}"))?;
                let x = ProjectId(rng.below(projects as usize));
                t.set_stage(
                    x,
                    if i % 2 == 0 {
                        Stage::Validation
                    } else {
                        Stage::Pursuit
                    },
                )?;
                let e = EmployeeId(rng.below(employees as usize));
                let day = Day::from_ymd(2025, 6, 1 + i % 28).unwrap();
                t.record_contact(e, p, day, Some(rng.score()))?;
                t.add_interaction(guanxi::model::Interaction {
                    employee: e,
                    person: p,
                    date: day,
                    kind: InteractionKind::Call,
                    project: None,
                })?;
            }
            Ok(())
        })
        .unwrap();
    }
    let (head, last, import_end) = {
        let r = db.begin_read().unwrap();
        let import_end = r.commits(1, 1).unwrap()[0].end_seq;
        (r.log_head().unwrap(), r.last_commit().unwrap(), import_end)
    };
    drop(db);
    // The log's stored bytes, read through the storage engine: the import's entries,
    // then the updates'.
    let sizes = {
        let raw = redb::ReadOnlyDatabase::open(&path).unwrap();
        let t = raw.begin_read().unwrap();
        let log = t.open_table(LOG).unwrap();
        let (mut import, mut later) = (0u64, 0u64);
        for e in log.iter().unwrap() {
            let (k, v) = e.unwrap();
            if k.value() < import_end {
                import += v.value().len() as u64;
            } else {
                later += v.value().len() as u64;
            }
        }
        (import, later)
    };
    let db = Database::open(&path).unwrap();
    let r = db.begin_read().unwrap();
    eprintln!(
        "history: {head} log entries, {last} commits, file {:.1} MB; log bytes per entry: import {:.1}, updates {:.1}",
        std::fs::metadata(&path).unwrap().len() as f64 / 1e6,
        sizes.0 as f64 / import_end as f64,
        sizes.1 as f64 / (head - import_end) as f64,
    );
    let mut group = crit.benchmark_group("history_medium");
    group.sample_size(10);
    group.bench_function("log_head", |b| {
        b.iter(|| black_box(db.begin_read().unwrap().log_head().unwrap()));
    });
    group.bench_function("log_page_1000_from_the_middle", |b| {
        b.iter(|| black_box(r.log_page(head / 2, 1000).unwrap()));
    });
    group.bench_function("log_page_1000_of_updates", |b| {
        b.iter(|| black_box(r.log_page(head - 1000, 1000).unwrap()));
    });
    group.bench_function("network_present", |b| {
        b.iter(|| black_box(r.network().unwrap()));
    });
    group.bench_function("network_at_commit_last_but_one", |b| {
        b.iter(|| black_box(r.network_at_commit(last - 1).unwrap()));
    });
    group.bench_function("network_at_commit_1_the_import", |b| {
        b.iter(|| black_box(r.network_at_commit(1).unwrap()));
    });
    group.finish();
}

criterion_group!(benches, history);
criterion_main!(benches);
