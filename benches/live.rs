//! Live queries after a commit, beside the rebuild they replace, and what-if round trips.
//!
//! Each iteration first commits one edge (a tie of an employee with a chain member of the
//! project asked about, untimed), then times the answer to "this project's analysis now":
//!
//! * `after_commit/live`: a fresh read transaction, a [`LiveGraph`] over it, the
//!   project's analysis — everything that makes the commit visible to the query;
//! * `after_commit/rebuild`: a fresh read transaction, [`Snapshot::load`], the same
//!   query: the baseline of the same run;
//! * `what_if/plain`: the live query alone (no commit), and `what_if/round_trip`: the
//!   same plus hypothetical changes (a member won over, a new tie, an employee leaving)
//!   and the analysis after them, as `brm whatif` computes it; `what_if/before_after`
//!   both analyses.
//!
//! Projects rotate over the open projects with the largest decision chains (so a
//! project's neighbourhood is never the trivial one).
//!
//! The database: the file named by `GUANXI_BENCH_DB` (e.g. made by `brm generate --preset
//! large --db large.redb`; it is written to: one tie per iteration), or else a `medium`
//! network generated into a temporary file.
//!
//! Run: `GUANXI_BENCH_DB=large.redb cargo bench --bench live -- --warm-up-time 1`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use guanxi::analysis::{project_analysis, Params};
use guanxi::graph::Snapshot;
use guanxi::live::{what_if, LiveGraph, WhatIfError};
use guanxi::model::{Day, Edge, EmployeeId, PersonId, ProjectId, Score, Tie};
use guanxi::store::Database;
use std::hint::black_box;
use std::path::PathBuf;

/// One project to ask about, a member to win over and a tie to change.
struct Case {
    project: ProjectId,
    member: PersonId,
    employee: EmployeeId,
    other: EmployeeId,
}

/// The database and the cases (the 16 open projects with the largest chains).
fn setup() -> (Database, Vec<Case>, Option<tempfile::TempDir>) {
    let (path, dir) = if let Some(p) = std::env::var_os("GUANXI_BENCH_DB") {
        (PathBuf::from(p), None)
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("medium.redb");
        let net = guanxi::synth::generate(guanxi::synth::Preset::Medium, 1);
        Database::create_new(&path, &net, 1).expect("import");
        (path, Some(dir))
    };
    let db = Database::open(&path).expect("open the database");
    let snap = Snapshot::load(&db.begin_read().expect("read")).expect("load");
    let mut projects: Vec<ProjectId> = snap
        .project_ids()
        .filter(|&x| snap.project_stage(x).is_open())
        .collect();
    projects.sort_by_key(|&x| std::cmp::Reverse(snap.members(x).len()));
    let employees: Vec<EmployeeId> = snap.employee_ids().collect();
    let cases = projects
        .into_iter()
        .take(16)
        .enumerate()
        .map(|(i, x)| Case {
            project: x,
            member: snap.members(x)[0].person,
            employee: employees[i % employees.len()],
            other: employees[(i + 7) % employees.len()],
        })
        .collect();
    (db, cases, dir)
}

#[allow(clippy::too_many_lines)] // one set-up shared by the two groups
fn bench(c: &mut Criterion) {
    let (db, cases, _dir) = setup();
    let params = Params::default();
    let as_of: Day = "2025-06-30".parse().expect("a date");
    let commit = |i: usize| {
        let case = &cases[i % cases.len()];
        // Alternating closeness, so every commit changes the tie.
        let closeness = Score::new(if i.is_multiple_of(2) { 0.4 } else { 0.7 }).expect("score");
        db.write(1, |t| {
            t.put_edge(Edge::Tie {
                employee: case.employee,
                person: case.member,
                tie: Tie {
                    closeness,
                    last_contact: Some(as_of),
                    private: false,
                },
            })
        })
        .expect("commit");
        case.project
    };
    let mut g = c.benchmark_group("after_commit");
    g.sample_size(20);
    let mut i = 0;
    // Each query measured follows a commit of its own.
    let mut next = || {
        i += 1;
        commit(i)
    };
    g.bench_function("live", |b| {
        b.iter_batched(
            &mut next,
            |x| {
                let txn = db.begin_read().expect("read");
                let live = LiveGraph::new(&txn);
                black_box(project_analysis(&live, x, &params, as_of).expect("query"))
                    .opinion
                    .consensus
            },
            BatchSize::PerIteration,
        );
    });
    g.sample_size(10);
    g.bench_function("rebuild", |b| {
        b.iter_batched(
            &mut next,
            |x| {
                let txn = db.begin_read().expect("read");
                let snap = Snapshot::load(&txn).expect("load");
                black_box(project_analysis(&snap, x, &params, as_of).expect("query"))
                    .opinion
                    .consensus
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();

    let mut g = c.benchmark_group("what_if");
    g.sample_size(50);
    let mut k = 0;
    let mut next = || {
        k += 1;
        &cases[k % cases.len()]
    };
    g.bench_function("plain", |b| {
        b.iter(|| {
            let case = next();
            let txn = db.begin_read().expect("read");
            let live = LiveGraph::new(&txn);
            black_box(project_analysis(&live, case.project, &params, as_of).expect("query"))
                .opinion
                .consensus
        });
    });
    let changed = |live: &LiveGraph<'_>, case: &Case| {
        what_if(live, |w| {
            w.win_over(case.member, case.project)?;
            w.record_contact(case.other, case.member, as_of, Some(Score::ONE))?;
            w.set_left(case.employee, Some(as_of))?;
            Ok::<_, WhatIfError>(project_analysis(&*w, case.project, &params, as_of)?)
        })
        .expect("what-if")
    };
    g.bench_function("round_trip", |b| {
        b.iter(|| {
            let case = next();
            let txn = db.begin_read().expect("read");
            let live = LiveGraph::new(&txn);
            black_box(changed(&live, case)).opinion.consensus
        });
    });
    g.bench_function("before_after", |b| {
        b.iter(|| {
            let case = next();
            let txn = db.begin_read().expect("read");
            let live = LiveGraph::new(&txn);
            let before = project_analysis(&live, case.project, &params, as_of).expect("query");
            let after = changed(&live, case);
            black_box((before.opinion.consensus, after.opinion.consensus))
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
