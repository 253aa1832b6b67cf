//! Every `brm` analysis answers as the dated records stood on `--as-of`, and takes the
//! constants of section 8 as options (`--interaction-half-life`, `--interaction-scale`,
//! `--w-meeting` … `--w-email`, `--trend-days`), refusing values out of range by name.
//! Checked on the `tiny-time` worked example against the library's own results.

#[path = "common/cli.rs"]
mod cli;

use cli::{export_dot, fails, ok, s};
use guanxi::analysis::{strongest_paths, Params, Report};
use guanxi::graph::Snapshot;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn tiny_time() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-time")
}

fn imported(dir: &Path) -> PathBuf {
    let db = dir.join("time.redb");
    ok(&["import", s(&tiny_time()), "--db", s(&db)]);
    db
}

/// The JSON answer of `brm COMMAND --db DB FLAG ID --as-of AS_OF --json`, given
/// `[COMMAND, FLAG, ID]`.
fn json_at(db: &Path, [command, flag, id]: [&str; 3], as_of: &str) -> Value {
    let json = ok(&[command, "--db", s(db), flag, id, "--as-of", as_of, "--json"]);
    serde_json::from_str(&json).unwrap()
}

fn library_report(params: &Params, as_of: &str) -> Value {
    let net = guanxi::io::read_csv_dir(&tiny_time()).unwrap();
    let report = Report::compute(
        &Snapshot::from_network(&net),
        params,
        as_of.parse().unwrap(),
    );
    serde_json::from_str(&report.to_json()).unwrap()
}

#[test]
fn the_report_at_any_date_with_the_time_options_is_the_library_s() {
    let tmp = tempfile::tempdir().unwrap();
    let db = imported(tmp.path());
    let params = Params {
        interaction_half_life: 30.0,
        interaction_scale: 1.5,
        w_meeting: 0.9,
        w_event: 0.1,
        w_call: 0.2,
        w_message: 0.8,
        w_email: 0.05,
        trend_days: 365,
        ..Params::default()
    };
    for as_of in ["2023-06-30", "2024-06-16", "2025-06-30"] {
        let json = ok(&[
            "report",
            "--db",
            s(&db),
            "--as-of",
            as_of,
            "--json",
            "--interaction-half-life",
            "30",
            "--interaction-scale",
            "1.5",
            "--w-meeting",
            "0.9",
            "--w-event",
            "0.1",
            "--w-call",
            "0.2",
            "--w-message",
            "0.8",
            "--w-email",
            "0.05",
            "--trend-days",
            "365",
        ]);
        let got: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(got, library_report(&params, as_of), "{as_of}");
    }
    // e5 left on 2024-06-16: gone on that day, an employee the day before.
    let departed = |as_of: &str| -> Vec<String> {
        let json = ok(&["report", "--db", s(&db), "--as-of", as_of, "--json"]);
        let v: Value = serde_json::from_str(&json).unwrap();
        v["departed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(departed("2024-06-16"), ["e5"]);
    assert!(departed("2024-06-15").is_empty());
}

#[test]
fn queries_answer_at_their_date() {
    let tmp = tempfile::tempdir().unwrap();
    let db = imported(tmp.path());
    // The departure of e5 costs something before it left, and nothing after.
    let departure = |as_of: &str| json_at(&db, ["departure", "--employee", "e5"], as_of);
    let (before, after) = (departure("2024-01-01"), departure("2025-06-30"));
    assert_eq!(before["left"], Value::Null);
    assert!(!before["persons"].as_array().unwrap().is_empty());
    assert_eq!(after["left"], "2024-06-16");
    assert!(after["persons"].as_array().unwrap().is_empty());
    // Paths to p7 weigh e1's interactions of each date: the library's figures, which
    // differ from one date to the next.
    let snap = Snapshot::from_network(&guanxi::io::read_csv_dir(&tiny_time()).unwrap());
    let p7 = snap.person_by_xid("p7").unwrap();
    let strength = |as_of: &str| -> f64 {
        let v = json_at(&db, ["path", "--to", "p7"], as_of);
        let want =
            strongest_paths(&snap, p7, 5, &Params::default(), as_of.parse().unwrap()).unwrap();
        assert_eq!(
            want[0].employee.xid,
            v["paths"][0]["employee"].as_str().unwrap()
        );
        // Printed and read back exactly.
        let printed = v["paths"][0]["strength"].as_f64().unwrap();
        assert_eq!(want[0].strength.to_bits(), printed.to_bits());
        want[0].strength
    };
    assert!(strength("2023-07-01") < strength("2023-12-31"));
    // A drawing at a date marks the gone employee.
    let dot = tmp.path().join("x5.dot");
    ok(&export_dot(&db, "x5", "2025-06-30", &dot));
    let text = std::fs::read_to_string(&dot).unwrap();
    assert!(text.contains("gone=\"true\"") && text.contains("left=\"2024-06-16\""));
}

#[test]
fn time_options_out_of_range_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let db = imported(tmp.path());
    for (flag, value, says) in [
        ("--trend-days", "-1", "--trend-days -1"),
        ("--trend-days", "1000001", "--trend-days"),
        ("--interaction-half-life", "0", "--interaction-half-life"),
        ("--interaction-scale", "-0.5", "--interaction-scale"),
        ("--w-email", "NaN", "--w-email"),
        ("--w-meeting", "-1", "--w-meeting"),
    ] {
        let err = fails(&[
            "report",
            "--db",
            s(&db),
            "--as-of",
            "2025-06-30",
            flag,
            value,
        ]);
        assert!(err.contains(says), "{flag} {value}: {err}");
    }
}
