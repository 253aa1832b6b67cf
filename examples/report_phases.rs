//! Times the phases of the full report on a database file, wall clock: building the
//! snapshot from one read transaction, the analyses (`Report::compute`), and writing
//! the JSON of the computed report into a sink. `brm report --json` overlaps the last
//! two (it computes the report as it writes it); this splits them to show where a
//! report's time goes. Run it at one and at two threads:
//!
//! ```sh
//! cargo run --release --example report_phases -- large.redb 2025-06-30
//! RAYON_NUM_THREADS=1 cargo run --release --example report_phases -- large.redb 2025-06-30
//! ```

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::store::Database;
use std::error::Error;
use std::io::{sink, BufWriter};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args_os().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        return Err("usage: report_phases DB_PATH [AS_OF, default 2025-06-30]".into());
    };
    let as_of = args
        .next()
        .and_then(|s| s.into_string().ok())
        .unwrap_or_else(|| "2025-06-30".into())
        .parse()?;
    let params = Params::default();
    let database = Database::open_read_only(&path)?;
    let t = Instant::now();
    let snapshot = Snapshot::load(&database.begin_read()?)?;
    let load = t.elapsed();
    let t = Instant::now();
    let report = Report::compute(&snapshot, &params, as_of);
    let analyses = t.elapsed();
    let t = Instant::now();
    guanxi::io::write_report_json(&report, BufWriter::new(sink()))?;
    let json = t.elapsed();
    println!(
        "{} thread(s): load {load:.3?}, analyses {analyses:.3?}, JSON {json:.3?}",
        rayon::current_num_threads()
    );
    // Freeing is not part of any phase, nor of `brm report`, which leaves it to the exit.
    std::mem::forget(report);
    std::mem::forget(snapshot);
    Ok(())
}
