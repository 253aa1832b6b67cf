//! The `brm` command line end to end: the example binary is run on generated data and on
//! the worked example, and what it prints is checked against the library's own results.
//! Bad input must give a non-zero exit, a message on stderr, no panic, and no write.

#[path = "common/cli.rs"]
mod cli;

use cli::{contains, export_csv, export_dot, ok, run, s};
use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::io::read_csv_dir;
use guanxi::store::{Database, Read};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[test]
fn generate_import_report_json_equals_the_library_report() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    let db = tmp.path().join("net.redb");
    ok(&[
        "generate",
        "--preset",
        "tiny",
        "--seed",
        "3",
        "--out",
        s(&dir),
    ]);
    let imported = ok(&["import", s(&dir), "--db", s(&db)]);
    assert!(
        imported.contains("edges") && imported.contains("added"),
        "{imported}"
    );
    // `brm report --json` on the database, with `extra` arguments.
    let report = |extra: &[&'static str]| {
        let mut args = vec!["report", "--db", s(&db), "--as-of", "2025-06-30", "--json"];
        args.extend_from_slice(extra);
        args
    };
    let json = ok(&report(&[]));

    let net = read_csv_dir(&dir).unwrap();
    let want = Report::compute(
        &Snapshot::from_network(&net),
        &Params::default(),
        "2025-06-30".parse().unwrap(),
    );
    assert_eq!(json.trim_end(), want.to_json().trim_end());
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["as_of"], "2025-06-30");
    assert_eq!(v["persons"].as_array().unwrap().len(), net.persons.len());

    // --timings: the same report, and on stderr each stage as it ended, in time order.
    let timed = run(&report(&["--timings"]));
    assert!(timed.status.success());
    assert_eq!(String::from_utf8(timed.stdout).unwrap(), json);
    let stages = String::from_utf8(timed.stderr).unwrap();
    let lines: Vec<(f64, &str)> = stages
        .lines()
        .map(|l| {
            let (at, what) = l.trim_start().split_once(" s  ").expect(l);
            (at.parse().expect(l), what)
        })
        .collect();
    assert!(lines.windows(2).all(|w| w[0].0 <= w[1].0), "{stages}");
    let what: Vec<&str> = lines.iter().map(|l| l.1).collect();
    for stage in [
        "snapshot: nodes read",
        "snapshot: edges read",
        "snapshot: interactions read",
        "snapshot: tables built",
        "report: c_eff, C, who works where, π",
        "report: closed projects' rows, the win model",
        "report: projects rows made and written",
        "report: departed rows made and written",
    ] {
        assert!(what.contains(&stage), "{stage} missing from\n{stages}");
    }
    let built = what.iter().position(|w| *w == "snapshot: tables built");
    assert!(
        built < what.iter().position(|w| w.starts_with("report:")),
        "{stages}"
    );
    assert_eq!(what.last(), Some(&"report: departed rows made and written"));
    // Without the flag, nothing on stderr.
    assert!(run(&report(&[])).stderr.is_empty());

    // Parameters reach the analyses: a shorter half-life lowers every decayed closeness.
    let short = ok(&report(&["--half-life", "30"]));
    let short: Value = serde_json::from_str(&short).unwrap();
    let sum = |v: &Value| {
        v["persons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["closeness"].as_f64().unwrap())
            .sum::<f64>()
    };
    assert!(
        sum(&short) < sum(&v),
        "half-life 30 must lower total closeness"
    );

    assert!(ok(&["check", "--db", s(&db)]).contains("clean"));
    let readable = ok(&["report", "--db", s(&db), "--as-of", "2025-06-30"]);
    assert!(readable.contains("relationship asset"), "{readable}");
}

#[test]
#[allow(clippy::too_many_lines)] // one scenario, step by step
fn worked_example_through_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("tiny.redb");
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny");
    ok(&["import", s(&examples), "--db", s(&db)]);
    let text = ok(&["report", "--db", s(&db), "--as-of", "2025-06-30", "--json"]);
    // Accounts with no open project have a pipeline of 0.0, not -0.0 (an empty float sum).
    assert!(
        !text.contains("-0.0\n") && !text.contains("-0.0,"),
        "negative zero in the report"
    );
    let got: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(got["projects"][1]["id"], "x2");
    assert_eq!(got["projects"][1]["veto_risk"], serde_json::json!(["p1"]));
    assert!(
        (got["projects"][1]["consensus"].as_f64().unwrap() - -0.273_515_345_560_818_4).abs() < 1e-9
    );
    assert!((got["relationship_asset"].as_f64().unwrap() - 412_688.775_289_243_55).abs() < 1e-6);

    // One project's chain: the same figures as the report's row, plus the members.
    let chain: Value = serde_json::from_str(&ok(&[
        "chain",
        "--db",
        s(&db),
        "--project",
        "x2",
        "--as-of",
        "2025-06-30",
        "--json",
    ]))
    .unwrap();
    assert_eq!(chain["consensus"], got["projects"][1]["consensus"]);
    assert_eq!(chain["completeness"], got["projects"][1]["completeness"]);
    assert_eq!(chain["veto_risk"], got["projects"][1]["veto_risk"]);
    let members: Vec<&str> = chain["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["p1", "p2", "p3"]);
    assert_eq!(chain["coaches"][0]["id"], "p3");
    assert_eq!(
        chain["coaches"][0]["score"],
        got["projects"][1]["coaches"][0]["score"]
    );

    // Paths to p2: e2 has a direct tie (0.86 decayed over 30 days), e3 and e1 go through others.
    let paths: Value = serde_json::from_str(&ok(&[
        "path",
        "--db",
        s(&db),
        "--to",
        "p2",
        "--as-of",
        "2025-06-30",
        "--json",
        "--k",
        "2",
    ]))
    .unwrap();
    let paths = paths["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 2);
    assert_eq!(paths[0]["employee"], "e2");
    assert_eq!(paths[0]["hops"], serde_json::json!(["p2"]));
    let direct = 0.86 * 2f64.powf(-30.0 / 180.0);
    assert!((paths[0]["strength"].as_f64().unwrap() - direct).abs() < 1e-12);

    // e2 is the only tie of p2, so its departure leaves p2 without a tie.
    let dep: Value = serde_json::from_str(&ok(&[
        "departure",
        "--db",
        s(&db),
        "--employee",
        "e2",
        "--as-of",
        "2025-06-30",
        "--json",
    ]))
    .unwrap();
    let orphans: Vec<&str> = dep["successors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["person"].as_str().unwrap())
        .collect();
    assert!(orphans.contains(&"p2"), "{orphans:?}");
    assert!(dep["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == "a1"));

    // Drawings carry the analysis figures as attributes.
    let dot = tmp.path().join("x2.dot");
    ok(&export_dot(&db, "x2", "2025-06-30", &dot));
    let dot = std::fs::read_to_string(dot).unwrap();
    assert!(
        dot.starts_with("digraph") && dot.contains("\"p:p1\"") && dot.contains("role=\"approver\""),
        "{dot}"
    );
    let gml = tmp.path().join("a1.graphml");
    ok(&[
        "export",
        "--db",
        s(&db),
        "--format",
        "graphml",
        "--account",
        "a1",
        "--as-of",
        "2025-06-30",
        "--out",
        s(&gml),
    ]);
    let gml = std::fs::read_to_string(gml).unwrap();
    assert!(
        gml.contains("<graphml")
            && gml.contains("attr.name=\"influence\"")
            && gml.contains("<node id=\"p:p3\">")
    );

    // CSV export then re-import gives the same report.
    let out = tmp.path().join("again");
    ok(&export_csv(&db, &out));
    let db2 = tmp.path().join("again.redb");
    ok(&["import", s(&out), "--db", s(&db2)]);
    let again: Value = serde_json::from_str(&ok(&[
        "report",
        "--db",
        s(&db2),
        "--as-of",
        "2025-06-30",
        "--json",
    ]))
    .unwrap();
    assert_eq!(again, got);
}

#[test]
fn bad_input_fails_cleanly_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db.redb");
    let good = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny");
    ok(&["import", s(&good), "--db", s(&db)]);
    let before = stored_network(&db);

    // A folder with one bad score: file:line: reason on stderr, exit 1, database unchanged.
    let bad = tmp.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    for f in std::fs::read_dir(&good).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, bad.join(f.file_name().unwrap())).unwrap();
    }
    let ties = std::fs::read_to_string(bad.join("ties.csv"))
        .unwrap()
        .replace("e3,p1,0.43", "e3,p1,1.43");
    std::fs::write(bad.join("ties.csv"), ties).unwrap();
    let out = run(&["import", s(&bad), "--db", s(&db)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ties.csv:2:") && err.contains("1.43"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let after = stored_network(&db);
    assert_eq!(before, after);

    for args in [
        vec!["report", "--db", s(&db), "--as-of", "2025-13-01"],
        vec![
            "chain",
            "--db",
            s(&db),
            "--project",
            "nope",
            "--as-of",
            "2025-06-30",
        ],
        vec![
            "report",
            "--db",
            s(&db),
            "--as-of",
            "2025-06-30",
            "--damping",
            "1.5",
        ],
        vec![
            "report",
            "--db",
            "/nonexistent/x.redb",
            "--as-of",
            "2025-06-30",
        ],
        vec!["generate", "--preset", "huge", "--out", s(&bad)],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("brm: error:") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }

    // A file that is not a database.
    let junk = tmp.path().join("junk.redb");
    std::fs::write(&junk, b"this is not a database at all, just some text").unwrap();
    let out = run(&["check", "--db", s(&junk)]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn erase_leaves_no_byte_of_the_person_and_backup_is_a_clean_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db.redb");
    let good = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny");
    ok(&["import", s(&good), "--db", s(&db)]);
    let name = "García Anna".as_bytes(); // p15's name
    assert!(contains(&std::fs::read(&db).unwrap(), name));

    let copy = tmp.path().join("copy.redb");
    assert!(ok(&["backup", "--db", s(&db), "--out", s(&copy)]).contains("backed up"));
    assert!(ok(&["check", "--db", s(&copy)]).contains("clean"));
    let original = stored_network(&db);
    let backed_up = stored_network(&copy);
    assert_eq!(original, backed_up);
    assert_eq!(
        run(&["backup", "--db", s(&db), "--out", s(&copy)])
            .status
            .code(),
        Some(1)
    );

    assert!(ok(&["erase", "--db", s(&db), "--person", "p15"]).contains("erased"));
    let bytes = std::fs::read(&db).unwrap();
    assert!(
        !contains(&bytes, name),
        "the erased name is still in the file"
    );
    assert!(ok(&["check", "--db", s(&db)]).contains("clean"));
    let after = stored_network(&db);
    assert_eq!(after.persons.len(), original.persons.len() - 1);
    assert!(after.persons.iter().all(|p| p.xid != "p15"));
    assert_eq!(
        run(&["erase", "--db", s(&db), "--person", "p15"])
            .status
            .code(),
        Some(1)
    );
}

/// The network stored in the database file at `path` (one read transaction).
fn stored_network(path: &Path) -> guanxi::model::Network {
    Database::open(path)
        .unwrap()
        .begin_read()
        .unwrap()
        .network()
        .unwrap()
        .0
}
