//! `brm whatif`: the project's analysis before (exactly `brm chain --json`) and after
//! hypothetical changes, with hand-computed figures; the database file byte-identical
//! afterwards; every bad id or closeness refused with a message naming it (exit 1).

#[path = "common/cli.rs"]
mod cli;

use cli::{fails, ok, run, s};
use guanxi::analysis::Params;
use guanxi::model::*;
use guanxi::store::Database;
use serde_json::Value;
use std::path::Path;

const AS_OF: &str = "2025-06-30";

/// Two chain members at a client (p1 approver with solution 0.5, p2 evaluator), e1 tied
/// to p1 at 0.6 and e2 to p2 at 0.5 (no last contact: nothing decays), competitor K on
/// the project with a rival tie to p1 at 0.3.
#[allow(clippy::many_single_char_names)] // the names of the docs formulas
fn create(path: &Path) {
    let db = Database::create(path).unwrap();
    db.write(1, |t| {
        let account = |xid: &str, kind| Account {
            xid: xid.into(),
            name: xid.into(),
            kind,
        };
        let a = t.upsert_account(account("A", AccountKind::Client))?;
        let k = t.upsert_account(account("K", AccountKind::Competitor))?;
        let x = t.upsert_project(Project {
            xid: "X".into(),
            name: "Deal".into(),
            stage: Stage::Pursuit,
            amount: Amount::new(1000.0).unwrap(),
        })?;
        t.add_edge(Edge::Of {
            project: x,
            account: a,
        })?;
        t.add_edge(Edge::Competes {
            competitor: k,
            project: x,
        })?;
        for (xid, role, solution, e, c) in [
            ("p1", Role::Approver, Some(0.5), "e1", 0.6),
            ("p2", Role::Evaluator, None, "e2", 0.5),
        ] {
            let p = t.upsert_person(Person {
                xid: xid.into(),
                name: xid.into(),
                title: None,
            })?;
            t.add_edge(Edge::WorksAt {
                person: p,
                account: a,
                employment: Employment::default(),
            })?;
            let solution = solution.map(|v| Score::new(v).unwrap());
            let member = Member {
                role,
                coach: false,
                solution,
                price: None,
            };
            t.add_edge(Edge::Member {
                person: p,
                project: x,
                member,
            })?;
            let e = t.upsert_employee(Employee {
                xid: e.into(),
                name: e.into(),
                left: None,
            })?;
            let tie = Tie {
                closeness: Score::new(c).unwrap(),
                last_contact: None,
                private: false,
            };
            t.add_edge(Edge::Tie {
                employee: e,
                person: p,
                tie,
            })?;
            if xid == "p1" {
                t.add_edge(Edge::RivalTie {
                    competitor: k,
                    person: p,
                    closeness: Score::new(0.3).unwrap(),
                })?;
            }
        }
        Ok(())
    })
    .unwrap();
}

fn whatif(db: &Path, changes: &[&str]) -> Value {
    let mut args = vec![
        "whatif",
        "--db",
        s(db),
        "--project",
        "X",
        "--as-of",
        AS_OF,
        "--json",
    ];
    args.extend_from_slice(changes);
    serde_json::from_str(&ok(&args)).unwrap()
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
    let chain: Value = serde_json::from_str(&ok(&[
        "chain",
        "--db",
        s(&db),
        "--project",
        "X",
        "--as-of",
        AS_OF,
        "--json",
    ]))
    .unwrap();
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
    let text = ok(&[
        "whatif",
        "--db",
        s(&db),
        "--project",
        "X",
        "--as-of",
        AS_OF,
        "--leave",
        "e1",
    ]);
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
    ok(&[
        "whatif",
        "--db",
        s(&db),
        "--project",
        "X",
        "--as-of",
        AS_OF,
        "--leave",
        "e1",
    ]);
    fails(&[
        "whatif",
        "--db",
        s(&db),
        "--project",
        "X",
        "--as-of",
        AS_OF,
        "--leave",
        "nobody",
    ]);
    let after = std::fs::read(&db).unwrap();
    assert_eq!(before.len(), after.len());
    assert!(before == after, "the database file changed");
}

#[test]
fn bad_ids_and_closeness_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.guanxi");
    create(&db);
    let try_ = |change: &[&str]| {
        let mut args = vec!["whatif", "--db", s(&db), "--project", "X", "--as-of", AS_OF];
        args.extend_from_slice(change);
        fails(&args)
    };
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
    let out = run(&[
        "whatif",
        "--db",
        s(&db),
        "--project",
        "nope",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no project with id \"nope\""));
}
