//! The small deal of the what-if tests, on which the figures are computed by hand.
#![allow(dead_code)]

use guanxi::model::*;
use guanxi::store::{StoreError, WriteTxn};

/// Writes the deal: client A ("Acme") with project X ("Deal", pursuit), competitor K
/// ("Rival") on X with a rival tie to p1 at 0.3; chain members p1 (approver, solution
/// 0.5) and p2 (evaluator) working at A; e1 tied to p1 at 0.6 and e2 to p2 at 0.5, with
/// no last contact (nothing decays). Returns the ids of A, K, X, p1, p2, e1 and e2.
#[allow(clippy::many_single_char_names)] // the names of the docs formulas
pub fn write_deal(t: &mut WriteTxn) -> Result<[u32; 7], StoreError> {
    let a = t.upsert_account(Account {
        xid: "A".into(),
        name: "Acme".into(),
        kind: AccountKind::Client,
    })?;
    let k = t.upsert_account(Account {
        xid: "K".into(),
        name: "Rival".into(),
        kind: AccountKind::Competitor,
    })?;
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
    let mut ps = Vec::new();
    for (xid, role, solution) in [
        ("p1", Role::Approver, Some(0.5)),
        ("p2", Role::Evaluator, None),
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
        t.add_edge(Edge::Member {
            person: p,
            project: x,
            member: Member {
                role,
                coach: false,
                solution,
                price: None,
            },
        })?;
        ps.push(p);
    }
    let mut es = Vec::new();
    for (xid, p, c) in [("e1", ps[0], 0.6), ("e2", ps[1], 0.5)] {
        let e = t.upsert_employee(Employee {
            xid: xid.into(),
            name: xid.into(),
            left: None,
        })?;
        t.add_edge(Edge::Tie {
            employee: e,
            person: p,
            tie: Tie {
                closeness: Score::new(c).unwrap(),
                last_contact: None,
                private: false,
            },
        })?;
        es.push(e);
    }
    t.add_edge(Edge::RivalTie {
        competitor: k,
        person: ps[0],
        closeness: Score::new(0.3).unwrap(),
    })?;
    Ok([a.0, k.0, x.0, ps[0].0, ps[1].0, es[0].0, es[1].0])
}
