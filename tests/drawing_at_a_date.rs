//! A drawing shows the network as its dated records stood at its date: ties weighted by
//! their effective closeness, an account's persons of that day with those who had left
//! marked, and gone employees marked. Checked on the `tiny-time` worked example, whose
//! e5 left on 2024-06-16 and whose p6 moved from c2 to a2 on 2023-03-29.

use guanxi::analysis::{person_figures, Params};
use guanxi::graph::Snapshot;
use guanxi::io::draw::{account_drawing, project_drawing, DrawNode, Drawing};
use guanxi::model::*;
use std::path::PathBuf;

fn snapshot() -> Snapshot {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-time");
    Snapshot::from_network(&guanxi::io::read_csv_dir(&dir).unwrap())
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

fn node<'d>(d: &'d Drawing, id: &str) -> &'d DrawNode {
    d.nodes.iter().find(|n| n.id == id).unwrap()
}

fn attr<'n>(n: &'n DrawNode, key: &str) -> &'n str {
    n.attrs
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, v)| v.as_str())
}

#[test]
fn an_account_drawn_at_a_date_marks_who_had_left() {
    let snap = snapshot();
    let params = Params::default();
    let c2 = snap.account_by_xid("c2").unwrap();
    // On 2025-06-30 p6 works at a2: c2 has nobody, and p6 is drawn as having left, with
    // e1, who met p6 on 2024-04-14 (a tie of that interaction alone).
    let now = account_drawing(&snap, c2, &params, day("2025-06-30")).unwrap();
    let ids: Vec<&str> = now.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["p:p6", "e:e1"]);
    assert_eq!(attr(node(&now, "p:p6"), "left"), "true");
    assert_eq!(attr(node(&now, "p:p6"), "influence"), "0.000000");
    assert!(now.to_dot().contains("filled,dashed"));
    // In 2022 p6 worked at c2, its only person (π = 1), and had not met e1 yet.
    let then = account_drawing(&snap, c2, &params, day("2022-06-30")).unwrap();
    let ids: Vec<&str> = then.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["p:p6"]);
    assert_eq!(attr(node(&then, "p:p6"), "left"), "false");
    assert_eq!(attr(node(&then, "p:p6"), "influence"), "1.000000");
    assert!(!then.to_dot().contains("filled,dashed"));
}

#[test]
fn ties_weigh_their_effective_closeness_at_the_drawing_s_date() {
    let snap = snapshot();
    let params = Params::default();
    let a2 = snap.account_by_xid("a2").unwrap();
    let p4 = snap.person_by_xid("p4").unwrap();
    for at in ["2025-06-30", "2024-12-31"] {
        let d = account_drawing(&snap, a2, &params, day(at)).unwrap();
        // e1 is p4's only tie, a record and interactions: its weight is C(p4).
        let tie = d
            .edges
            .iter()
            .find(|e| e.kind == "tie" && e.from == "e:e1" && e.to == "p:p4")
            .unwrap();
        let c = person_figures(&snap, p4, &params, day(at))
            .unwrap()
            .closeness;
        assert!(
            (tie.weight - c).abs() < 1e-12,
            "{at}: {} vs {c}",
            tie.weight
        );
        assert_eq!(attr(node(&d, "p:p4"), "closeness"), format!("{c:.6}"));
    }
}

#[test]
fn a_gone_employee_is_drawn_marked_and_its_ties_weigh_nothing() {
    let snap = snapshot();
    let params = Params::default();
    let x5 = snap.project_by_xid("x5").unwrap();
    let now = project_drawing(&snap, x5, &params, day("2025-06-30")).unwrap();
    let e5 = node(&now, "e:e5");
    assert_eq!((attr(e5, "gone"), attr(e5, "left")), ("true", "2024-06-16"));
    assert_eq!(attr(node(&now, "e:e4"), "gone"), "false");
    let weights: Vec<f64> = now
        .edges
        .iter()
        .filter(|e| e.from == "e:e5")
        .map(|e| e.weight)
        .collect();
    assert_eq!(weights, [0.0, 0.0, 0.0]);
    // Before it left, e5 is an employee like the others, its ties weighing their
    // closeness.
    let before = project_drawing(&snap, x5, &params, day("2024-06-15")).unwrap();
    assert_eq!(attr(node(&before, "e:e5"), "gone"), "false");
    assert!(before
        .edges
        .iter()
        .filter(|e| e.from == "e:e5")
        .all(|e| e.weight > 0.0));
    // Nobody of x5's chain has left a1.
    assert!(now.nodes.iter().all(|n| attr(n, "left") != "true"));
}
