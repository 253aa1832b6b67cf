//! The strategy commands of `brm` (`levers`, …) print what the library computes, name
//! what they cannot find, and check their options.

#[path = "common/cli.rs"]
mod cli;

use cli::{fails, ok, on_project, s, AS_OF};
use guanxi::analysis::{levers, Params};
use guanxi::graph::Snapshot;
use guanxi::io::read_csv_dir;
use serde_json::Value;
use std::path::PathBuf;

fn tiny() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny")
}

#[test]
fn levers_json_is_the_library_s_top_levers() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("tiny.redb");
    ok(&["import", s(&tiny()), "--db", s(&db)]);
    let net = read_csv_dir(&tiny()).unwrap();
    let snap = Snapshot::from_network(&net);
    let x = snap.project_by_xid("x2").unwrap();
    let params = Params {
        k_levers: 2,
        ..Params::default()
    };
    let want = levers(&snap, x, &params, AS_OF.parse().unwrap()).unwrap();
    assert_eq!(want.top.len(), 2);
    let json = ok(&on_project(
        "levers",
        &db,
        "x2",
        &["--json", "--k-levers", "2"],
    ));
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["project"], "x2");
    let got = v["levers"].as_array().unwrap();
    assert_eq!(got.len(), 2);
    for (g, w) in got.iter().zip(&want.top) {
        assert_eq!(g["id"], w.person.xid.as_ref());
        assert_eq!(g["leverage"].as_f64(), Some(w.leverage));
        assert_eq!(g["gain"].as_f64(), Some(w.gain));
        assert_eq!(g["via"].as_str(), w.via.as_ref().map(|e| e.xid.as_ref()));
        assert_eq!(g["path_strength"].as_f64(), Some(w.path_strength));
        let hops: Vec<&str> = w.path.iter().map(|p| p.xid.as_ref()).collect();
        assert_eq!(g["hops"], serde_json::json!(hops));
    }
    let text = ok(&on_project("levers", &db, "x2", &[]));
    assert!(text.contains(want.top[0].person.xid.as_ref()), "{text}");
    let err = fails(&on_project("levers", &db, "nope", &[]));
    assert!(err.contains("nope"), "{err}");
    let err = fails(&on_project("levers", &db, "x2", &["--k-levers", "0"]));
    assert!(err.contains("--k-levers"), "{err}");
}

#[test]
fn strategy_options_are_checked_before_the_database_is_read() {
    // The database does not exist: the option is refused first, naming it.
    for (flag, value) in [
        ("--k-levers", "-1"),
        ("--min-closed", "0"),
        ("--win-regularisation", "0"),
        ("--win-regularisation", "-1"),
        ("--win-regularisation", "NaN"),
        ("--protect-days", "-1"),
    ] {
        let err = fails(&[
            "report",
            "--db",
            "/nonexistent/x.redb",
            "--as-of",
            AS_OF,
            flag,
            value,
        ]);
        assert!(err.contains(flag), "{flag} {value}: {err}");
    }
}

#[test]
fn chain_explains_the_report_s_win_probability() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("small.redb");
    ok(&[
        "generate",
        "--preset",
        "small",
        "--seed",
        "5",
        "--db",
        s(&db),
    ]);
    let report: Value =
        serde_json::from_str(&ok(&["report", "--db", s(&db), "--as-of", AS_OF, "--json"])).unwrap();
    assert!(report["win_model"].is_object(), "small has a history");
    let projects = report["projects"].as_array().unwrap();
    let open = projects
        .iter()
        .find(|p| p["win_probability"].is_number())
        .expect("an open project");
    let id = open["id"].as_str().unwrap();
    let chain: Value =
        serde_json::from_str(&ok(&on_project("chain", &db, id, &["--json", "--win"]))).unwrap();
    assert_eq!(chain["win"]["probability"], open["win_probability"]);
    // Without --win the chain is read live from the project's neighbourhood: every other
    // field is the same, to the last digit, and it says how to get the probability.
    let mut live: Value =
        serde_json::from_str(&ok(&on_project("chain", &db, id, &["--json"]))).unwrap();
    assert!(live["win"].is_null());
    assert!(
        live["no_win"].as_str().unwrap().contains("pass --win"),
        "{live}"
    );
    live["win"] = chain["win"].clone();
    live["no_win"] = chain["no_win"].clone();
    assert_eq!(live, chain);
    let c = &chain["win"]["contributions"];
    let log_odds = chain["win"]["intercept"].as_f64().unwrap()
        + ["consensus", "readiness", "lead", "veto", "coach"]
            .iter()
            .map(|k| c[k].as_f64().unwrap())
            .sum::<f64>();
    let p = open["win_probability"].as_f64().unwrap();
    assert!((p - 1.0 / (1.0 + (-log_odds).exp())).abs() < 1e-12);
    let text = ok(&on_project("chain", &db, id, &["--win"]));
    assert!(text.contains("win probability 0."), "{text}");
    let text = ok(&on_project("chain", &db, id, &[]));
    assert!(
        text.contains("win probability: none (not computed: pass --win"),
        "{text}"
    );
    // A closed project has none, and says why.
    let closed = projects
        .iter()
        .find(|p| p["stage"] == "won")
        .expect("a won project");
    let chain: Value = serde_json::from_str(&ok(&on_project(
        "chain",
        &db,
        closed["id"].as_str().unwrap(),
        &["--json"],
    )))
    .unwrap();
    assert!(chain["win"].is_null());
    assert_eq!(chain["no_win"], "the project is won");
}

#[test]
fn claims_and_protection_list_the_library_s_accounts_worst_first() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-time");
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("tiny-time.redb");
    ok(&["import", s(&dir), "--db", s(&db)]);
    let snap = Snapshot::from_network(&read_csv_dir(&dir).unwrap());
    let params = Params::default();
    let as_of = AS_OF.parse().unwrap();

    let want = guanxi::analysis::claims(&snap, &params, as_of);
    assert!(!want.is_empty(), "tiny-time has a claim");
    let got: Value =
        serde_json::from_str(&ok(&["claims", "--db", s(&db), "--as-of", AS_OF, "--json"])).unwrap();
    assert_eq!(got["claims"], serde_json::to_value(&want).unwrap());
    let text = ok(&["claims", "--db", s(&db), "--as-of", AS_OF]);
    assert!(
        text.contains(&format!("holder {}", want[0].holder)),
        "{text}"
    );

    let all = guanxi::analysis::protections(&snap, &params, as_of);
    let expired: Vec<_> = all.iter().filter(|p| p.expired).collect();
    assert!(!expired.is_empty(), "tiny-time has an expired protection");
    // `brm protection --json` with the options `more`.
    let protection = |more: &[&str]| -> Value {
        let args = ["protection", "--db", s(&db), "--as-of", AS_OF, "--json"];
        serde_json::from_str(&ok(&[&args[..], more].concat())).unwrap()
    };
    let got = protection(&["--expired"]);
    assert_eq!(got["accounts"], serde_json::to_value(&expired).unwrap());
    assert_eq!(got["protect_days"], 90);
    // A longer protection: fewer (or as many) expired accounts, worst still first.
    let got = protection(&["--protect-days", "100000"]);
    let long = Params {
        protect_days: 100_000,
        ..Params::default()
    };
    assert_eq!(
        got["accounts"],
        serde_json::to_value(guanxi::analysis::protections(&snap, &long, as_of)).unwrap()
    );
}
