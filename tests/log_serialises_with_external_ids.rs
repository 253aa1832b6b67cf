//! The change log's JSON: every entry names its nodes by kind, store id and external id,
//! kinds and enums are `snake_case` as in the CSV, dates are `YYYY-MM-DD` — and every entry,
//! page and commit of a real history reads back from its JSON as the same value.

mod common;

use common::*;
use guanxi::model::*;
use guanxi::store::{Change, Commit, Database, LogEntry, LogPage, MoveOptions, Read};
use serde_json::{json, Value};
use std::path::Path;

/// tiny imported, tiny-time merged, then a move, updates, an interaction and removals:
/// every sort of entry.
fn history() -> Database {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let db = Database::in_memory().unwrap();
    guanxi::io::import_dir(&db, &data.join("tiny"), 1).unwrap();
    guanxi::io::import_dir(&db, &data.join("tiny-time"), 2).unwrap();
    db.write(3, |t| {
        let p = t.person_by_xid("p2")?.unwrap();
        let a = t.account_by_xid("a2")?.unwrap();
        t.move_person(p, a, "2025-06-01".parse().unwrap(), &MoveOptions::default())?;
        let x = t.project_by_xid("x1")?.unwrap();
        t.set_stage(x, Stage::Won)?;
        let e = t.employee_by_xid("e1")?.unwrap();
        t.set_left(e, Some("2025-07-01".parse().unwrap()))?;
        Ok(())
    })
    .unwrap();
    db.write(4, |t| {
        let x = t.project_by_xid("x1")?.unwrap();
        t.remove_node(x.into())?;
        let p = t.person_by_xid("p3")?.unwrap();
        t.remove_node(p.into())
    })
    .unwrap();
    db
}

#[test]
fn every_entry_page_and_commit_reads_back_from_its_json() {
    let db = history();
    let r = db.begin_read().unwrap();
    let log = r.log(0).unwrap();
    assert!(log.len() > 300, "{}", log.len());
    let mut ops = std::collections::BTreeSet::new();
    for e in &log {
        let text = serde_json::to_string(e).unwrap();
        let back: LogEntry = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, e, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        ops.insert(v["change"]["op"].as_str().unwrap().to_owned());
        // No variant name of the storage form leaks into the JSON.
        for pascal in [
            "WorksAt",
            "UpsertNode",
            "Person\"",
            "DecisionMaker",
            "Employment",
        ] {
            assert!(!text.contains(pascal), "{pascal} in {text}");
        }
    }
    assert_eq!(
        ops.into_iter().collect::<Vec<_>>(),
        [
            "put_edge",
            "put_interaction",
            "remove_edge",
            "remove_interaction",
            "remove_node",
            "upsert_node"
        ]
    );
    let page = r.log_page(100, 50).unwrap();
    let back: LogPage = serde_json::from_str(&serde_json::to_string(&page).unwrap()).unwrap();
    assert_eq!(back, page);
    let commits = r.commits(0, 10).unwrap();
    assert_eq!(commits.len(), 4);
    let back: Vec<Commit> =
        serde_json::from_str(&serde_json::to_string(&commits).unwrap()).unwrap();
    assert_eq!(back, commits);
    // A change alone names the nodes it holds the records of, and reads back.
    for e in &log {
        let text = serde_json::to_string(&e.change).unwrap();
        let back: Change = serde_json::from_str(&text).unwrap();
        assert_eq!(back, e.change, "{text}");
    }
}

#[test]
fn entries_name_nodes_three_ways_in_snake_case() {
    let (db, ids) = fixture();
    db.write(200, |t| {
        t.set_role(ids.p1, ids.x1, Role::DecisionMaker)?;
        t.record_contact(ids.e1, ids.p1, "2025-06-02".parse().unwrap(), None)?;
        t.add_interaction(Interaction {
            employee: ids.e1,
            person: ids.p2,
            date: "2025-06-03".parse().unwrap(),
            kind: InteractionKind::Meeting,
            project: Some(ids.x1),
        })?;
        Ok(())
    })
    .unwrap();
    db.write(300, |t| t.remove_node(ids.p2.into())).unwrap();
    let r = db.begin_read().unwrap();
    let log = r.log(14).unwrap();
    let v = |i: usize| serde_json::to_value(&log[i]).unwrap();
    let p1 = json!({"kind": "person", "id": 0, "xid": "p1"});
    let p2 = json!({"kind": "person", "id": 1, "xid": "p2"});
    let e1 = json!({"kind": "employee", "id": 0, "xid": "e1"});
    let x1 = json!({"kind": "project", "id": 0, "xid": "x1"});
    assert_eq!(
        v(0),
        json!({"seq": 14, "commit": 2, "time": 200, "change": {
            "op": "put_edge",
            "edge": {"kind": "member", "from": p1, "to": x1,
                     "attrs": {"role": "decision_maker", "coach": false, "solution": 0.6}},
            "before": {"role": "approver", "coach": false, "solution": 0.6}}})
    );
    assert_eq!(
        v(1)["change"],
        json!({"op": "put_edge",
               "edge": {"kind": "tie", "from": e1, "to": p1,
                        "attrs": {"closeness": 0.7, "last_contact": "2025-06-02", "private": false}},
               "before": {"closeness": 0.7, "private": false}})
    );
    assert_eq!(
        v(2)["change"],
        json!({"op": "put_interaction", "id": 0,
               "interaction": {"employee": e1, "person": p2, "date": "2025-06-03",
                               "kind": "meeting", "project": x1},
               "before": null})
    );
    // The removal of p2: its interaction, its reporting line, then p2 with its record —
    // each naming p2, which no longer exists.
    assert_eq!(v(3)["change"]["op"], "remove_interaction");
    assert_eq!(v(3)["change"]["before"]["person"], p2);
    assert_eq!(
        v(4)["change"],
        json!({"op": "remove_edge",
               "edge": {"kind": "reports_to", "from": p1, "to": p2},
               "before": {"weight": 0.8}})
    );
    assert_eq!(
        v(5),
        json!({"seq": 19, "commit": 3, "time": 300, "change": {
            "op": "remove_node", "node": p2,
            "before": {"name": "Person p2"}}})
    );
    // Commits serialise their counts.
    assert_eq!(
        serde_json::to_value(r.commits(3, 1).unwrap()[0]).unwrap(),
        json!({"number": 3, "time": 300, "first_seq": 17, "end_seq": 20, "changes": {
            "nodes": {"added": 0, "changed": 0, "removed": 1},
            "edges": {"added": 0, "changed": 0, "removed": 1},
            "interactions": {"added": 0, "changed": 0, "removed": 1}}})
    );
}

#[test]
fn json_that_is_not_a_log_entry_is_refused_with_a_reason() {
    let bad = [
        (
            r#"{"seq":0,"commit":1,"time":0,"change":{"op":"rename_node"}}"#,
            "unknown variant",
        ),
        (
            r#"{"seq":0,"commit":1,"time":0,"change":{"op":"remove_edge","edge":{"kind":"tie","from":{"kind":"person","id":0,"xid":null},"to":{"kind":"person","id":1,"xid":null}},"before":null}}"#,
            "a tie edge cannot join",
        ),
        (
            r#"{"seq":0,"commit":1,"time":0,"change":{"op":"put_edge","edge":{"kind":"tie","from":{"kind":"employee","id":0,"xid":null},"to":{"kind":"person","id":1,"xid":null},"attrs":{"closeness":1.5}},"before":null}}"#,
            "1.5",
        ),
        (
            r#"{"seq":0,"commit":1,"time":0,"change":{"op":"upsert_node","node":{"kind":"robot","id":0,"xid":"r"},"record":{"name":"R"},"before":null}}"#,
            "unknown node kind",
        ),
    ];
    for (text, why) in bad {
        let err = serde_json::from_str::<LogEntry>(text)
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{err}");
    }
}
