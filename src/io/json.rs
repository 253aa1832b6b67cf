//! The JSON report (§6) written as a stream, its rows serialised in parallel.
//!
//! [`Report::to_json`] builds the whole document as one `String`: on a large network that
//! string is as large as the snapshot (hundreds of megabytes) and is serialised on one
//! thread while the other cores wait. [`write_report_json`] writes the same bytes —
//! exactly, to the last space — but serialises the rows of each list in chunks on the
//! current rayon pool, a window of chunks at a time, and writes one window while the next
//! is serialised, so that memory stays bounded by a window (a few megabytes) and the
//! serialisation scales with the cores.
//!
//! [`compute_report_json`] goes one step further for a report that is only to be
//! written: it computes the rows of the large lists — persons, open projects,
//! employees — window by window as they are written, so that they are never all held
//! either. On a large network those rows take about a third as much memory as the
//! snapshot they are computed from.

use crate::analysis::{Params, Report, Staged};
use crate::graph::Snapshot;
use crate::model::Day;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};
use std::io::{self, Write};

/// Rows serialised by one task.
const CHUNK_ROWS: usize = 512;

/// Chunks serialised before the window is written.
const WINDOW_CHUNKS: usize = 16;

/// Project and employee rows computed and serialised by one task of
/// [`compute_report_json`]: an open project's row is analysed as it is written (about
/// 0.1 ms) and takes about 1.7 kB of JSON, an employee's a few kB, so a task takes a
/// millisecond or two.
const HEAVY_CHUNK_ROWS: usize = 16;

/// Chunks of such rows per window (4 096 rows): a window holds about 7 MB of JSON, and a
/// thread that finishes its last chunk of a window first waits for the others (a few
/// projects cost far more than the rest) only a small part of the window's time.
const HEAVY_WINDOW_CHUNKS: usize = 256;

/// The bytes a row is guessed to take before any row of its list was serialised.
const FIRST_ROW_BYTES: usize = 128;

/// The most spaces [`SEP_AND_SPACES`] holds.
const MAX_SPACES: usize = 64;

/// `,\n` and [`MAX_SPACES`] spaces: every line break of the pretty printer, with or
/// without its comma, and its indentation, is a slice of it.
const SEP_AND_SPACES: &[u8; 2 + MAX_SPACES] =
    b",\n                                                                ";

/// Spaces per level of indentation, as in [`Report::to_json`].
const INDENT: &[u8] = b"  ";

/// Writes the report's JSON, byte for byte what [`Report::to_json`] returns, to `out`.
///
/// The rows of each list are serialised in chunks of a few hundred on the current rayon
/// pool, and each window of chunks is written while the next is serialised; the result is
/// the same whatever the thread count. `out` gets large writes: wrap it in a buffer only
/// if it is costly per call for small sizes.
///
/// # Errors
///
/// The first error `out` returns; what was written before it stays written.
///
/// # Examples
///
/// ```
/// use guanxi::analysis::{Params, Report};
/// use guanxi::graph::Snapshot;
/// use guanxi::model::Day;
/// use guanxi::synth::{generate, Preset};
///
/// let net = generate(Preset::Tiny, 1);
/// let snap = Snapshot::from_network(&net);
/// let as_of = Day::from_ymd(2025, 6, 30).unwrap();
/// let report = Report::compute(&snap, &Params::default(), as_of);
/// let mut bytes = Vec::new();
/// guanxi::io::write_report_json(&report, &mut bytes).unwrap();
/// assert_eq!(bytes, report.to_json().into_bytes());
/// ```
pub fn write_report_json<W: Write + Send>(report: &Report, mut out: W) -> io::Result<()> {
    let Report {
        as_of,
        persons,
        accounts,
        projects,
        employees,
        departed,
        win_model,
        relationship_asset,
    } = report;
    out.write_all(b"{\n  \"as_of\": ")?;
    value(&mut out, as_of)?;
    list(&mut out, "persons", persons)?;
    list(&mut out, "accounts", accounts)?;
    list(&mut out, "projects", projects)?;
    list(&mut out, "employees", employees)?;
    list(&mut out, "departed", departed)?;
    out.write_all(b",\n  \"win_model\": ")?;
    value(&mut out, win_model)?;
    out.write_all(b",\n  \"relationship_asset\": ")?;
    value(&mut out, relationship_asset)?;
    out.write_all(b"\n}")?;
    out.flush()
}

/// Computes the report at `as_of` and writes its JSON to `out` as it goes: byte for byte
/// what `Report::compute(snapshot, params, as_of).to_json()` returns, without holding
/// the whole report.
///
/// The shared arrays, the accounts, the closed projects (the win model is fitted on
/// them before any open project's win probability is known) and the departed
/// employees are computed first; then the persons', open projects' and employees' rows
/// are computed and serialised window by window on the current rayon pool, each window
/// written while the next is computed. Memory holds the snapshot, those first parts and
/// two windows of rows; the result is the same whatever the thread count. Use it where
/// the report is only to be written; use [`Report::compute`] to read its figures.
///
/// # Errors
///
/// The first error `out` returns; what was written before it stays written.
///
/// # Examples
///
/// ```
/// use guanxi::analysis::{Params, Report};
/// use guanxi::graph::Snapshot;
/// use guanxi::model::Day;
/// use guanxi::synth::{generate, Preset};
///
/// let net = generate(Preset::Tiny, 1);
/// let snap = Snapshot::from_network(&net);
/// let as_of = Day::from_ymd(2025, 6, 30).unwrap();
/// let mut bytes = Vec::new();
/// guanxi::io::compute_report_json(&snap, &Params::default(), as_of, &mut bytes).unwrap();
/// let report = Report::compute(&snap, &Params::default(), as_of);
/// assert_eq!(bytes, report.to_json().into_bytes());
/// ```
pub fn compute_report_json<W: Write + Send>(
    snapshot: &Snapshot,
    params: &Params,
    as_of: Day,
    out: W,
) -> io::Result<()> {
    let staged = Staged::compute(snapshot, params, as_of);
    let light = (CHUNK_ROWS, WINDOW_CHUNKS);
    write_staged(
        &staged,
        as_of,
        out,
        light,
        (HEAVY_CHUNK_ROWS, HEAVY_WINDOW_CHUNKS),
    )
}

/// Writes a staged report, computing its rows in chunks and windows of `light` (persons)
/// and `heavy` (projects, employees) sizes: (rows per chunk, chunks per window).
fn write_staged<W: Write + Send>(
    staged: &Staged<'_>,
    as_of: Day,
    mut out: W,
    light: (usize, usize),
    heavy: (usize, usize),
) -> io::Result<()> {
    out.write_all(b"{\n  \"as_of\": ")?;
    value(&mut out, &as_of.to_string())?;
    let persons = &staged.person_order;
    rows(&mut out, "persons", persons.len(), light, |k| {
        staged.person_row(persons[k])
    })?;
    list(&mut out, "accounts", &staged.accounts)?;
    let projects = staged.project_order.len();
    rows(&mut out, "projects", projects, heavy, |k| {
        staged.project_row(k)
    })?;
    let employees = &staged.employee_order;
    rows(&mut out, "employees", employees.len(), heavy, |k| {
        staged.employee_row(employees[k])
    })?;
    list(&mut out, "departed", &staged.departed)?;
    out.write_all(b",\n  \"win_model\": ")?;
    value(&mut out, &staged.win_model)?;
    out.write_all(b",\n  \"relationship_asset\": ")?;
    value(&mut out, &staged.relationship_asset)?;
    out.write_all(b"\n}")?;
    out.flush()
}

/// A value of the top-level object (indented one level), serialised straight to `out`.
fn value<W: Write, T: Serialize + ?Sized>(out: &mut W, v: &T) -> io::Result<()> {
    v.serialize(&mut Serializer::with_formatter(out, Pretty::at(1)))
        .map_err(io::Error::from)
}

/// `,\n  "name": [ … ]` with the rows serialised in parallel chunks, a window at a time;
/// the window being written overlaps the serialisation of the next.
fn list<W: Write + Send, T: Serialize + Sync>(
    out: &mut W,
    name: &str,
    rows_: &[T],
) -> io::Result<()> {
    rows(out, name, rows_.len(), (CHUNK_ROWS, WINDOW_CHUNKS), |k| {
        &rows_[k]
    })
}

/// `,\n  "name": [ … ]` with its `count` rows made by `row(k)` (for `k` in order) and
/// serialised in parallel chunks of `chunk.0` rows, `chunk.1` chunks at a time; the
/// window being written overlaps the making of the next.
fn rows<W, T, F>(
    out: &mut W,
    name: &str,
    count: usize,
    chunk: (usize, usize),
    row: F,
) -> io::Result<()>
where
    W: Write + Send,
    T: Serialize,
    F: Fn(usize) -> T + Sync,
{
    out.write_all(b",\n  ")?;
    value(out, name)?;
    if count == 0 {
        return out.write_all(b": []");
    }
    out.write_all(b": [")?;
    let (chunk, chunks) = (chunk.0.max(1), chunk.1.max(1));
    let window = chunk * chunks;
    let mut pending: Vec<Vec<u8>> = Vec::new();
    // Bytes per row, for sizing each chunk's buffer once: a guess for the first window,
    // then the previous window's mean (rows of a list are alike in size), so that the
    // buffers are not grown by doubling, each step copying what was written.
    let mut per_row = FIRST_ROW_BYTES;
    for start in (0..count).step_by(window) {
        let end = count.min(start + window);
        let (written, next) = rayon::join(
            || pending.iter().try_for_each(|bytes| out.write_all(bytes)),
            || serialise_window(start..end, chunk, per_row, &row),
        );
        written?;
        pending = next?;
        let bytes: usize = pending.iter().map(Vec::len).sum();
        per_row = bytes.div_ceil(end - start).max(1);
    }
    for bytes in &pending {
        out.write_all(bytes)?;
    }
    out.write_all(b"\n  ]")?;
    crate::stage_done(format_args!("report: {name} rows made and written"));
    Ok(())
}

/// The rows `range` as chunks of bytes, each row preceded by its separator (`\n` before
/// the list's first row, `,\n` before every other) and indentation; each chunk's buffer
/// is sized for `per_row` bytes a row, with an eighth to spare.
fn serialise_window<T, F>(
    range: std::ops::Range<usize>,
    chunk: usize,
    per_row: usize,
    row: &F,
) -> io::Result<Vec<Vec<u8>>>
where
    T: Serialize,
    F: Fn(usize) -> T + Sync,
{
    let starts: Vec<usize> = range.clone().step_by(chunk).collect();
    starts
        .into_par_iter()
        .map(|from| {
            let to = range.end.min(from + chunk);
            let guess = (to - from).saturating_mul(per_row);
            let mut buf = Vec::with_capacity(guess.saturating_add(guess / 8));
            for k in from..to {
                buf.extend_from_slice(if k == 0 { b"\n" } else { b",\n" });
                buf.extend_from_slice(INDENT);
                buf.extend_from_slice(INDENT);
                row(k)
                    .serialize(&mut Serializer::with_formatter(&mut buf, Pretty::at(2)))
                    .map_err(io::Error::from)?;
            }
            Ok(buf)
        })
        .collect()
}

/// The pretty printer of [`serde_json`] (two spaces per level), started `depth` levels
/// deep, so that a value serialised on its own lands exactly as it would inside the whole
/// document.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn at(depth: usize) -> Pretty {
        Pretty {
            depth,
            has_value: false,
        }
    }

    /// A line break (after a comma if `comma`), then the indentation of the current
    /// depth: one slice of [`SEP_AND_SPACES`] up to 32 levels deep, as the report
    /// always is.
    fn newline_indent<W: ?Sized + Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        let from = usize::from(!comma);
        if let Some(line) = SEP_AND_SPACES.get(from..2 + self.depth * INDENT.len()) {
            return w.write_all(line);
        }
        w.write_all(&SEP_AND_SPACES[from..2])?;
        for _ in 0..self.depth {
            w.write_all(INDENT)?;
        }
        Ok(())
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_indent(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline_indent(w, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_indent(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline_indent(w, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Params;
    use crate::graph::Snapshot;
    use crate::model::{Day, Network};

    fn both(report: &Report) -> (Vec<u8>, Vec<u8>) {
        let mut streamed = Vec::new();
        write_report_json(report, &mut streamed).unwrap();
        (streamed, report.to_json().into_bytes())
    }

    #[test]
    fn values_nested_at_any_depth_are_indented_as_the_pretty_printer_does() {
        // 0 to 40 levels: within the one-write indentation (32 levels) and past it.
        for depth in [0usize, 1, 2, 31, 32, 33, 40] {
            let mut v = serde_json::json!({"a": [1, {"b": "x"}], "c": {}});
            for k in 0..depth {
                v = if k % 2 == 0 {
                    serde_json::json!([v, 2])
                } else {
                    serde_json::json!({"k": v, "z": []})
                };
            }
            let mut ours = Vec::new();
            v.serialize(&mut Serializer::with_formatter(&mut ours, Pretty::at(0)))
                .unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string_pretty(&v).unwrap(),
                "{depth} levels"
            );
        }
    }

    #[test]
    fn an_empty_report_is_written_as_to_json_writes_it() {
        let snap = Snapshot::from_network(&Network::default());
        let report = Report::compute(
            &snap,
            &Params::default(),
            Day::from_ymd(2025, 1, 1).unwrap(),
        );
        let (streamed, whole) = both(&report);
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(whole).unwrap()
        );
    }

    #[test]
    fn a_generated_networks_report_is_written_as_to_json_writes_it() {
        for seed in [1, 2] {
            let net = crate::synth::generate(crate::synth::Preset::Small, seed);
            let snap = Snapshot::from_network(&net);
            let as_of = Day::from_ymd(2025, 6, 30).unwrap();
            let report = Report::compute(&snap, &Params::default(), as_of);
            assert!(report.persons.len() > CHUNK_ROWS);
            let (streamed, whole) = both(&report);
            assert!(
                streamed == whole,
                "seed {seed}: the streamed JSON differs from to_json"
            );
        }
    }

    /// `compute_report_json`'s bytes on `threads` threads, and those of its writer with
    /// windows of a few rows (many windows, the last one partial).
    fn computed(snap: &Snapshot, params: &Params, as_of: Day, threads: usize) -> [Vec<u8>; 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut bytes = Vec::new();
            compute_report_json(snap, params, as_of, &mut bytes).unwrap();
            let mut small = Vec::new();
            let staged = Staged::compute(snap, params, as_of);
            write_staged(&staged, as_of, &mut small, (7, 3), (3, 2)).unwrap();
            [bytes, small]
        })
    }

    #[test]
    fn a_report_computed_as_it_is_written_is_the_report_to_json_writes() {
        let as_of = Day::from_ymd(2025, 6, 30).unwrap();
        let no_trend = Params {
            trend_days: 0,
            ..Params::default()
        };
        for (seed, params) in [(1, Params::default()), (2, no_trend)] {
            let net = crate::synth::generate(crate::synth::Preset::Small, seed);
            let snap = Snapshot::from_network(&net);
            let report = Report::compute(&snap, &params, as_of);
            // Several chunks of persons, several windows of projects, closed and open
            // projects, a fitted model: every path of the writer is taken.
            assert!(report.persons.len() > 3 * CHUNK_ROWS);
            assert!(report.projects.len() > 3 * 2 * 10);
            assert!(report.win_model.is_some());
            let open = report
                .projects
                .iter()
                .filter(|p| p.win_probability.is_some());
            assert!(open.count() > 0);
            let whole = report.to_json().into_bytes();
            for threads in [1, 2] {
                let [bytes, small_windows] = computed(&snap, &params, as_of, threads);
                assert!(
                    bytes == whole,
                    "seed {seed}, {threads} threads: the computed JSON differs from to_json"
                );
                assert!(
                    small_windows == whole,
                    "seed {seed}, {threads} threads, small windows: the JSON differs"
                );
            }
        }
    }

    #[test]
    fn an_empty_network_computed_as_it_is_written_is_the_report_to_json_writes() {
        let snap = Snapshot::from_network(&Network::default());
        let as_of = Day::from_ymd(2025, 1, 1).unwrap();
        let report = Report::compute(&snap, &Params::default(), as_of);
        for bytes in computed(&snap, &Params::default(), as_of, 2) {
            assert_eq!(String::from_utf8(bytes).unwrap(), report.to_json());
        }
    }

    #[test]
    fn rows_across_several_chunks_and_windows_are_written_as_to_json_writes_them() {
        let mut report = Report {
            as_of: "2025-01-01".to_owned(),
            persons: Vec::new(),
            accounts: Vec::new(),
            projects: Vec::new(),
            employees: Vec::new(),
            departed: Vec::new(),
            win_model: None,
            relationship_asset: 0.5,
        };
        // Past two windows, ending mid-chunk.
        let n = 2 * CHUNK_ROWS * WINDOW_CHUNKS + CHUNK_ROWS / 2 + 1;
        report.persons = (0..n)
            .map(|i| crate::analysis::PersonRow {
                id: format!("p\"{i}"),
                closeness: i as f64 / 7.0,
                influence: 1.0 / (i as f64 + 1.0),
                trend: -0.25,
                past_solution: (i % 3 == 0).then_some(0.5),
                past_price: None,
            })
            .collect();
        let (streamed, whole) = both(&report);
        assert_eq!(streamed.len(), whole.len());
        assert!(streamed == whole, "the streamed JSON differs from to_json");
    }
}
