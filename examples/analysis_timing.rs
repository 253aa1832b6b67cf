//! Times the queries and a full report on a synthetic network, wall clock and CPU time of
//! the calling thread (Linux `/proc/thread-self/schedstat`; 0 elsewhere), so that figures
//! stay meaningful on a shared machine. Run with `RAYON_NUM_THREADS=1` for one thread:
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo run --release --example analysis_timing -- medium
//! ```

use guanxi::analysis::{coach_candidates, project_analysis, Params};
use guanxi::graph::Snapshot;
use std::time::Instant;

fn cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1e9
}

fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let (t, c) = (Instant::now(), cpu());
    let out = f();
    println!(
        "{name:<12} wall {:>10.3?}  cpu {:.3} s",
        t.elapsed(),
        cpu() - c
    );
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let preset: guanxi::synth::Preset = std::env::args()
        .nth(1)
        .map_or(Ok(guanxi::synth::Preset::Medium), |s| s.parse())?;
    let net = guanxi::synth::generate(preset, 42);
    println!("{net}");
    let snap = timed("snapshot", || Snapshot::from_network(&net));
    let params = Params::default();
    let as_of = "2025-06-30".parse()?;
    // The queries, one project after another on the calling thread: every project, then
    // its coach candidates alone (the costliest part of a project's analysis).
    timed("projects", || {
        snap.project_ids().for_each(|x| {
            std::hint::black_box(project_analysis(&snap, x, &params, as_of).ok());
        });
    });
    timed("coach", || {
        snap.project_ids().for_each(|x| {
            std::hint::black_box(coach_candidates(&snap, x, &params, as_of).ok());
        });
    });
    let reports: &[usize] = if std::env::var_os("SKIP_REPORTS").is_some() {
        &[]
    } else {
        &[1, 2]
    };
    for &threads in reports {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let t = Instant::now();
        pool.install(|| guanxi::analysis::Report::compute(&snap, &params, as_of));
        println!("report with {threads} thread(s): wall {:?}", t.elapsed());
    }
    // Calibration: what a perfectly parallel loop gains from 2 threads right now.
    for threads in [1, 2] {
        use rayon::prelude::*;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let t = Instant::now();
        let v: Vec<f64> = pool.install(|| {
            (0..64u32)
                .into_par_iter()
                .map(|i| (0..2_000_000u32).map(|j| f64::from(i ^ j).sqrt()).sum())
                .collect()
        });
        std::hint::black_box(v);
        println!(
            "calibration loop, {threads} thread(s): wall {:?}",
            t.elapsed()
        );
    }
    let sample: Vec<_> = snap.project_ids().step_by(97).collect();
    let per = |d: f64| d / sample.len() as f64 * 1e6;
    let c = cpu();
    for &x in &sample {
        std::hint::black_box(project_analysis(&snap, x, &params, as_of).ok());
    }
    let query = cpu() - c;
    println!(
        "query        cpu {:.1} µs per project ({} projects)",
        per(query),
        sample.len()
    );
    let c = cpu();
    for &x in &sample {
        std::hint::black_box(coach_candidates(&snap, x, &params, as_of).ok());
    }
    println!(
        "  w/o coach  cpu {:.1} µs per project",
        per(query - (cpu() - c))
    );
    Ok(())
}
