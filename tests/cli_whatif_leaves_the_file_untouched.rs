//! `brm whatif`: the project's analysis before (exactly `brm chain --json`) and after
//! hypothetical changes, with hand-computed figures; the database file byte-identical
//! afterwards; every bad id or closeness refused with a message naming it (exit 1).

#[path = "common/cli.rs"]
mod cli;
#[path = "common/deal.rs"]
mod deal;

use cli::{fails, ok, on_project, run};
use deal::write_deal;
use guanxi::analysis::Params;
use guanxi::store::Database;
use serde_json::Value;
use std::path::Path;

/// The what-if deal in a new database file at `path`: two chain members at a client (p1
/// approver with solution 0.5, p2 evaluator), e1 tied to p1 at 0.6 and e2 to p2 at 0.5
/// (no last contact: nothing decays), competitor K on the project with a rival tie to p1
/// at 0.3.
fn create(path: &Path) {
    Database::create(path)
        .unwrap()
        .write(1, write_deal)
        .unwrap();
}

fn whatif(db: &Path, changes: &[&str]) -> Value {
    let json = ok(&on_project(
        "whatif",
        db,
        "X",
        &[&["--json"], changes].concat(),
    ));
    serde_json::from_str(&json).unwrap()
}

fn member<'v>(view: &'v Value, id: &str) -> &'v Value {
    view["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap()
}

fn close(v: &Value, want: f64) -> bool {
    (v.as_f64().unwrap() - want).abs() < 1e-12
}

#[test]
fn before_is_the_chain_and_after_moves_as_the_formulas_say() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.guanxi");
    create(&db);
    let params = Params::default();
    let (wa, we) = (params.role_weights.approver, params.role_weights.evaluator);
    let chain: Value =
        serde_json::from_str(&ok(&on_project("chain", &db, "X", &["--json"]))).unwrap();
    // No change: before and after are both the chain.
    let same = whatif(&db, &[]);
    assert_eq!(same["before"], chain);
    assert_eq!(same["after"], chain);
    // p1: s = 2·mean(0.6, 0.5) − 1 = 0.1; p2: s = 2·0.5 − 1 = 0.
    assert!(close(&chain["consensus"], wa * 0.1 / (wa + we)));

    // Winning p2 over: s = 2·mean(0.5, 1, 1) − 1 = 2/3.
    let won = whatif(&db, &["--win-over", "p2"]);
    assert_eq!(won["before"], chain);
    assert!(close(
        &won["after"]["consensus"],
        (wa * 0.1 + we * 2.0 / 3.0) / (wa + we)
    ));
    assert_eq!(member(&won["after"], "p2")["solution"], 1.0);

    // e1 leaves: p1 loses its only tie.
    let left = whatif(&db, &["--leave", "e1"]);
    assert!(close(&member(&left["before"], "p1")["closeness"], 0.6));
    assert_eq!(member(&left["after"], "p1")["closeness"], 0.0);
    assert!(close(
        &left["after"]["chain_closeness"],
        we * 0.5 / (wa + we)
    ));

    // K gains a tie with p2 at 0.8: its chain closeness (4.13).
    let rival = whatif(&db, &["--rival-tie", "K:p2:0.8"]);
    assert!(close(
        &rival["before"]["chain_rivals"]["K"],
        wa * 0.3 / (wa + we)
    ));
    assert!(close(
        &rival["after"]["chain_rivals"]["K"],
        (wa * 0.3 + we * 0.8) / (wa + we)
    ));

    // e2 meets p1, tie 0.5: C(p1) = 1 − 0.4·0.5. Flags combine and repeat.
    let both = whatif(
        &db,
        &["--tie", "e2:p1:0.5", "--win-over", "p1", "--win-over", "p2"],
    );
    assert!(close(&member(&both["after"], "p1")["closeness"], 0.8));
    let s1 = 2.0 * (0.8 + 1.0 + 1.0) / 3.0 - 1.0;
    assert!(close(
        &both["after"]["consensus"],
        (wa * s1 + we * 2.0 / 3.0) / (wa + we)
    ));

    // The readable form shows both.
    let text = ok(&on_project("whatif", &db, "X", &["--leave", "e1"]));
    assert!(text.starts_with("before:\nproject X (pursuit)"), "{text}");
    assert!(text.contains("\nafter:\nproject X (pursuit)"), "{text}");
}

#[test]
fn the_file_is_byte_identical_afterwards() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.guanxi");
    create(&db);
    let before = std::fs::read(&db).unwrap();
    whatif(
        &db,
        &[
            "--win-over",
            "p1",
            "--tie",
            "e1:p2:0.9",
            "--leave",
            "e2",
            "--rival-tie",
            "K:p2:1",
        ],
    );
    ok(&on_project("whatif", &db, "X", &["--leave", "e1"]));
    fails(&on_project("whatif", &db, "X", &["--leave", "nobody"]));
    let after = std::fs::read(&db).unwrap();
    assert_eq!(before.len(), after.len());
    assert!(before == after, "the database file changed");
}

#[test]
fn bad_ids_and_closeness_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.guanxi");
    create(&db);
    let try_ = |change: &[&str]| fails(&on_project("whatif", &db, "X", change));
    let err = try_(&["--win-over", "nobody"]);
    assert!(err.contains("no person with id \"nobody\""), "{err}");
    let err = try_(&["--leave", "p1"]);
    assert!(err.contains("no employee with id \"p1\""), "{err}");
    let err = try_(&["--tie", "e9:p1:0.5"]);
    assert!(
        err.contains("--tie e9:p1:0.5") && err.contains("\"e9\""),
        "{err}"
    );
    let err = try_(&["--tie", "e1:p9:0.5"]);
    assert!(err.contains("\"p9\""), "{err}");
    let err = try_(&["--tie", "e1:p1:1.5"]);
    assert!(
        err.contains("closeness \"1.5\" is not a number in [0, 1]"),
        "{err}"
    );
    let err = try_(&["--tie", "e1:p1:x"]);
    assert!(err.contains("closeness \"x\""), "{err}");
    let err = try_(&["--tie", "e1-p1-0.5"]);
    assert!(err.contains("expected employee:PERSON:CLOSENESS"), "{err}");
    let err = try_(&["--rival-tie", "A:p1:0.5"]);
    assert!(err.contains("account A is not a competitor"), "{err}");
    let err = try_(&["--rival-tie", "K:p1:-0.1"]);
    assert!(err.contains("-0.1"), "{err}");
    // A project that does not exist.
    let out = run(&on_project("whatif", &db, "nope", &[]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no project with id \"nope\""));
}
