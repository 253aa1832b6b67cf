//! The JSON report (§6) written as a stream, its rows serialised in parallel.
//!
//! [`Report::to_json`] builds the whole document as one `String`: on a large network that
//! string is as large as the snapshot (hundreds of megabytes) and is serialised on one
//! thread while the other cores wait. [`write_report_json`] writes the same bytes —
//! exactly, to the last space — but serialises the rows of each list in chunks on the
//! current rayon pool, a window of chunks at a time, and writes one window while the next
//! is serialised, so that memory stays bounded by a window (a few megabytes) and the
//! serialisation scales with the cores.

use crate::analysis::Report;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};
use std::io::{self, Write};

/// Rows serialised by one task.
const CHUNK_ROWS: usize = 512;

/// Chunks serialised before the window is written.
const WINDOW_CHUNKS: usize = 16;

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
    rows: &[T],
) -> io::Result<()> {
    out.write_all(b",\n  ")?;
    value(out, name)?;
    if rows.is_empty() {
        return out.write_all(b": []");
    }
    out.write_all(b": [")?;
    let windows = rows.chunks(CHUNK_ROWS * WINDOW_CHUNKS);
    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut first = true;
    for window in windows {
        let (written, next) = rayon::join(
            || pending.iter().try_for_each(|chunk| out.write_all(chunk)),
            || serialise_window(window, first),
        );
        written?;
        pending = next?;
        first = false;
    }
    for chunk in &pending {
        out.write_all(chunk)?;
    }
    out.write_all(b"\n  ]")
}

/// The rows of one window as chunks of bytes, each row preceded by its separator (`\n`
/// before the list's first row, `,\n` before every other) and indentation.
fn serialise_window<T: Serialize + Sync>(window: &[T], first: bool) -> io::Result<Vec<Vec<u8>>> {
    window
        .par_chunks(CHUNK_ROWS)
        .enumerate()
        .map(|(i, rows)| {
            let mut buf = Vec::with_capacity(rows.len() * 128);
            for (j, row) in rows.iter().enumerate() {
                buf.extend_from_slice(if first && i == 0 && j == 0 {
                    b"\n"
                } else {
                    b",\n"
                });
                buf.extend_from_slice(INDENT);
                buf.extend_from_slice(INDENT);
                row.serialize(&mut Serializer::with_formatter(&mut buf, Pretty::at(2)))
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

    fn newline_indent<W: ?Sized + Write>(&self, w: &mut W, sep: &[u8]) -> io::Result<()> {
        w.write_all(sep)?;
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
            self.newline_indent(w, b"\n")?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline_indent(w, if first { b"\n" } else { b",\n" })
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
            self.newline_indent(w, b"\n")?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline_indent(w, if first { b"\n" } else { b",\n" })
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
