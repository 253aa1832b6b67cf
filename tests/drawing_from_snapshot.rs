//! A drawing needs the snapshot alone: names, external ids and the recorded person edges
//! come from it, so a snapshot loaded from a store whose ids have holes draws exactly
//! what the snapshot of the network draws. Checked by hand on the worked example.

use guanxi::analysis::{Params, QueryError};
use guanxi::graph::Snapshot;
use guanxi::io::draw::{account_drawing, project_drawing, Drawing};
use guanxi::model::*;
use guanxi::store::Database;
use std::path::PathBuf;

fn tiny() -> Network {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny");
    guanxi::io::read_csv_dir(&dir).unwrap()
}

fn as_of() -> Day {
    "2025-06-30".parse().unwrap()
}

/// The worked example in a store whose ids start after three removed nodes of each kind.
fn stored_with_leading_holes(net: &Network) -> Snapshot {
    let db = Database::in_memory().unwrap();
    db.write(1, |t| {
        let mut dummies = Vec::new();
        for i in 0..3 {
            let xid = format!("dummy-{i}");
            dummies.push(NodeRef::from(t.upsert_account(Account {
                xid: xid.clone(),
                name: String::new(),
                kind: AccountKind::Client,
            })?));
            dummies.push(NodeRef::from(t.upsert_person(Person {
                xid: xid.clone(),
                name: String::new(),
                title: None,
            })?));
            dummies.push(NodeRef::from(t.upsert_employee(Employee {
                xid: xid.clone(),
                name: String::new(),
                left: None,
            })?));
            dummies.push(NodeRef::from(t.upsert_project(Project {
                xid,
                name: String::new(),
                stage: Stage::Lead,
                amount: Amount::default(),
            })?));
        }
        for d in dummies {
            t.remove_node(d)?;
        }
        Ok(())
    })
    .unwrap();
    db.import_network(net, 2).unwrap();
    Snapshot::load(&db.begin_read().unwrap()).unwrap()
}

fn decayed(closeness: f64, last: &str) -> f64 {
    let d = last.parse::<Day>().unwrap().days_until(as_of()).max(0);
    closeness * 2f64.powf(-(d as f64) / 180.0)
}

fn edges(d: &Drawing) -> Vec<(&str, &str, &str)> {
    d.edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str(), e.kind))
        .collect()
}

#[test]
fn a_project_s_chain_drawn_from_the_snapshot_alone() {
    let net = tiny();
    let snap = Snapshot::from_network(&net);
    let params = Params::default();
    let x2 = snap.project_by_xid("x2").unwrap();
    let d = project_drawing(&snap, x2, &params, as_of()).unwrap();
    let nodes: Vec<(&str, &str)> = d
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.label.as_str()))
        .collect();
    assert_eq!(
        nodes,
        [
            ("p:p1", "Wang 静"),
            ("p:p2", "Wu Jun"),
            ("p:p3", "Müller Wei"),
            ("e:e1", "Chen 伟"),
            ("e:e2", "Zhang Hui"),
            ("e:e3", "Liu Piotr"),
        ]
    );
    let attr = |i: usize, k: &str| {
        d.nodes[i]
            .attrs
            .iter()
            .find(|a| a.0 == k)
            .map(|a| a.1.clone())
            .unwrap()
    };
    assert_eq!(
        (attr(0, "role"), attr(1, "role"), attr(2, "coach")),
        ("approver".into(), "evaluator".into(), "true".into())
    );
    // Person edges as recorded, in key order (reports_to, then influences, by start and
    // end id), then ties by employee and person.
    assert_eq!(
        edges(&d),
        [
            ("p:p3", "p:p1", "reports_to"),
            ("p:p1", "p:p2", "influences"),
            ("p:p1", "p:p3", "influences"),
            ("p:p2", "p:p3", "influences"),
            ("p:p3", "p:p1", "influences"),
            ("e:e1", "p:p3", "tie"),
            ("e:e2", "p:p1", "tie"),
            ("e:e2", "p:p2", "tie"),
            ("e:e3", "p:p1", "tie"),
            ("e:e3", "p:p3", "tie"),
        ]
    );
    let weights: Vec<f64> = d.edges.iter().map(|e| e.weight).collect();
    let want = [
        0.98,
        0.93,
        0.87,
        0.27,
        0.78,
        decayed(0.68, "2023-11-17"),
        decayed(0.13, "2023-07-12"),
        decayed(0.86, "2025-05-31"),
        decayed(0.43, "2025-05-26"),
        decayed(0.87, "2025-06-18"),
    ];
    for (got, want) in weights.iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
    assert!(d
        .to_dot()
        .contains("\"p:p1\" [label=\"Wang 静\\nrole approver"));
}

#[test]
fn a_weight_zero_reporting_line_is_drawn() {
    let snap = Snapshot::from_network(&tiny());
    let x6 = snap.project_by_xid("x6").unwrap();
    let d = project_drawing(&snap, x6, &Params::default(), as_of()).unwrap();
    let line = d
        .edges
        .iter()
        .find(|e| (e.from.as_str(), e.to.as_str(), e.kind) == ("p:p11", "p:p8", "reports_to"))
        .unwrap();
    assert_eq!(line.weight.to_bits(), 0f64.to_bits());
}

#[test]
fn a_snapshot_with_holes_draws_what_the_network_s_snapshot_draws() {
    let net = tiny();
    let dense = Snapshot::from_network(&net);
    let holes = stored_with_leading_holes(&net);
    assert_eq!(holes.person_by_xid("p1"), Some(PersonId(3)));
    let params = Params::default();
    for x in dense.project_ids() {
        let xid = dense.project_xid(x);
        let want = project_drawing(&dense, x, &params, as_of()).unwrap();
        let got = project_drawing(&holes, holes.project_by_xid(xid).unwrap(), &params, as_of());
        assert_eq!(got.unwrap(), want, "{xid}");
    }
    for a in dense.account_ids() {
        let xid = dense.account_xid(a);
        let want = account_drawing(&dense, a, &params, as_of()).unwrap();
        let got = account_drawing(&holes, holes.account_by_xid(xid).unwrap(), &params, as_of());
        assert_eq!(got.unwrap(), want, "{xid}");
    }
    assert_eq!(
        project_drawing(&holes, ProjectId(0), &params, as_of()).unwrap_err(),
        QueryError::NotFound {
            kind: NodeKind::Project,
            id: 0
        }
    );
}
