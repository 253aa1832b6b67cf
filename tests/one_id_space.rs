//! One id space: after any sequence of inserts and removals through the store, the id
//! the store hands out for a node names that node in a loaded snapshot, and every query
//! by that id answers what the same query answers by external id on a snapshot of the
//! same data built without holes (renumbered) — compared by external ids, in the
//! results' JSON. An id that names no node is a typed error, never empty figures.

use guanxi::analysis::{
    account_figures, coach_candidates, departure_impact, employee_figures, person_figures,
    project_analysis, strongest_paths, Params, QueryError, Report,
};
use guanxi::graph::Snapshot;
use guanxi::model::*;
use guanxi::store::{Database, Read, WriteTxn};
use guanxi::synth::Rng;
use proptest::prelude::*;

#[path = "common/random_network.rs"]
mod random;
use random::random_network;

fn as_of() -> Day {
    Day::from_days_since_epoch(20_200).unwrap()
}

fn score(rng: &mut Rng) -> Score {
    Score::new((rng.unit() * 100.0).floor() / 100.0).unwrap()
}

/// The nodes alive in the store, by kind code, with the ones removed so far.
#[derive(Default)]
struct Nodes {
    live: [Vec<u32>; 4],
    removed: Vec<NodeRef>,
    made: usize,
}

impl Nodes {
    fn pick(&self, kind: NodeKind, rng: &mut Rng) -> Option<u32> {
        let live = &self.live[usize::from(kind.code())];
        (!live.is_empty()).then(|| live[rng.below(live.len())])
    }
}

/// One random change: remove a node of any kind, or add a person, an employee or a
/// project wired to live nodes by valid edges.
#[allow(clippy::too_many_lines)] // one generator, read top to bottom
fn change(t: &mut WriteTxn, nodes: &mut Nodes, rng: &mut Rng) -> guanxi::store::Result<()> {
    nodes.made += 1;
    let n = nodes.made;
    match rng.below(5) {
        0 | 1 => {
            let kind = NodeKind::ALL[rng.below(4)];
            if let Some(id) = nodes.pick(kind, rng) {
                let node = NodeRef::new(kind, id);
                t.remove_node(node)?;
                nodes.live[usize::from(kind.code())].retain(|&i| i != id);
                nodes.removed.push(node);
            }
        }
        2 => {
            let p = t.upsert_person(Person {
                xid: format!("new-p{n}"),
                name: format!("New person {n}"),
                title: None,
            })?;
            if let Some(a) = nodes.pick(NodeKind::Account, rng) {
                t.add_edge(Edge::WorksAt {
                    person: p,
                    account: AccountId(a),
                    employment: Employment::default(),
                })?;
            }
            if let Some(m) = nodes.pick(NodeKind::Person, rng) {
                t.add_edge(Edge::ReportsTo {
                    person: p,
                    manager: PersonId(m),
                    weight: score(rng),
                })?;
                t.add_edge(Edge::Influences {
                    from: PersonId(m),
                    to: p,
                    weight: score(rng),
                })?;
            }
            if let Some(e) = nodes.pick(NodeKind::Employee, rng) {
                let tie = Tie {
                    closeness: score(rng),
                    last_contact: Day::from_days_since_epoch(
                        20_000 + i32::from(rng.below(300) as u16),
                    ),
                    private: false,
                };
                t.add_edge(Edge::Tie {
                    employee: EmployeeId(e),
                    person: p,
                    tie,
                })?;
            }
            if let Some(x) = nodes.pick(NodeKind::Project, rng) {
                let member = Member {
                    role: Role::ALL[rng.below(Role::ALL.len())],
                    coach: rng.chance(0.3),
                    solution: rng.chance(0.5).then(|| score(rng)),
                    price: None,
                };
                t.add_edge(Edge::Member {
                    person: p,
                    project: ProjectId(x),
                    member,
                })?;
            }
            nodes.live[1].push(p.0);
        }
        3 => {
            let e = t.upsert_employee(Employee {
                xid: format!("new-e{n}"),
                name: format!("New employee {n}"),
                left: None,
            })?;
            let mut tied = Vec::new();
            for _ in 0..2 {
                if let Some(p) = nodes.pick(NodeKind::Person, rng) {
                    if !tied.contains(&p) {
                        tied.push(p);
                        let tie = Tie {
                            closeness: score(rng),
                            last_contact: None,
                            private: true,
                        };
                        t.add_edge(Edge::Tie {
                            employee: e,
                            person: PersonId(p),
                            tie,
                        })?;
                    }
                }
            }
            if let Some(a) = nodes.pick(NodeKind::Account, rng) {
                t.add_edge(Edge::Owns {
                    employee: e,
                    target: OwnsTarget::Account(AccountId(a)),
                })?;
            }
            nodes.live[2].push(e.0);
        }
        _ => {
            let x = t.upsert_project(Project {
                xid: format!("new-x{n}"),
                name: format!("New project {n}"),
                stage: Stage::ALL[rng.below(Stage::ALL.len())],
                amount: Amount::new(1000.0 * rng.below(100) as f64).unwrap(),
            })?;
            if let Some(a) = nodes.pick(NodeKind::Account, rng) {
                t.add_edge(Edge::Of {
                    project: x,
                    account: AccountId(a),
                })?;
            }
            let mut chain = Vec::new();
            for _ in 0..3 {
                if let Some(p) = nodes.pick(NodeKind::Person, rng) {
                    if !chain.contains(&p) {
                        chain.push(p);
                        let member = Member {
                            role: Role::ALL[rng.below(Role::ALL.len())],
                            coach: false,
                            solution: Some(score(rng)),
                            price: Some(score(rng)),
                        };
                        t.add_edge(Edge::Member {
                            person: PersonId(p),
                            project: x,
                            member,
                        })?;
                    }
                }
            }
            nodes.live[3].push(x.0);
        }
    }
    Ok(())
}

/// Every query about node `id` of `kind` on `snap`, each answer as JSON (or its error).
/// The JSON names nodes by external id, so answers of two snapshots compare directly.
fn answers(snap: &Snapshot, kind: NodeKind, id: u32) -> Vec<Result<String, QueryError>> {
    let p = &Params::default();
    let json = |v: &dyn erased::Json| v.json();
    match kind {
        NodeKind::Account => {
            vec![account_figures(snap, AccountId(id), p, as_of()).map(|v| json(&v))]
        }
        NodeKind::Person => vec![
            person_figures(snap, PersonId(id), p, as_of()).map(|v| json(&v)),
            strongest_paths(snap, PersonId(id), 3, p, as_of()).map(|v| json(&v)),
        ],
        NodeKind::Employee => vec![
            employee_figures(snap, EmployeeId(id), p, as_of()).map(|v| json(&v)),
            departure_impact(snap, EmployeeId(id), p, as_of()).map(|v| json(&v)),
        ],
        NodeKind::Project => vec![
            project_analysis(snap, ProjectId(id), p, as_of()).map(|v| json(&v)),
            coach_candidates(snap, ProjectId(id), p, as_of()).map(|v| json(&v)),
        ],
    }
}

/// Serialisation to JSON through a trait object, so that `answers` can list queries of
/// different result types.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}

/// The snapshot id of external id `xid` by the snapshot's own hashed lookup.
fn by_xid(snap: &Snapshot, kind: NodeKind, xid: &str) -> Option<u32> {
    match kind {
        NodeKind::Account => snap.account_by_xid(xid).map(|i| i.0),
        NodeKind::Person => snap.person_by_xid(xid).map(|i| i.0),
        NodeKind::Employee => snap.employee_by_xid(xid).map(|i| i.0),
        NodeKind::Project => snap.project_by_xid(xid).map(|i| i.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn queries_by_store_id_equal_queries_by_external_id_without_holes(
        seed: u64,
        np in 2usize..16,
        changes in 1i64..25,
    ) {
        let db = Database::in_memory().unwrap();
        db.import_network(&random_network(seed, np, 3, 3, 2), 1).unwrap();
        let mut nodes = Nodes::default();
        {
            let r = db.begin_read().unwrap();
            for kind in NodeKind::ALL {
                r.for_each_node(kind, |n, _| nodes.live[usize::from(kind.code())].push(n.id)).unwrap();
            }
        }
        let mut rng = Rng::new(seed ^ 0x9e37_79b9);
        for time in 2..2 + changes {
            db.write(time, |t| change(t, &mut nodes, &mut rng)).unwrap();
        }

        let txn = db.begin_read().unwrap();
        let snap = Snapshot::load(&txn).unwrap();
        let (net, _) = txn.network().unwrap();
        let dense = Snapshot::from_network(&net);
        let params = Params::default();
        prop_assert_eq!(
            Report::compute(&snap, &params, as_of()).to_json(),
            Report::compute(&dense, &params, as_of()).to_json()
        );
        for kind in NodeKind::ALL {
            prop_assert_eq!(
                (0..snap.id_bound(kind) as u32).filter(|&i| snap.contains(NodeRef::new(kind, i))).collect::<Vec<_>>(),
                {
                    let mut live = nodes.live[usize::from(kind.code())].clone();
                    live.sort_unstable();
                    live
                },
                "{} ids", kind
            );
            for i in 0..net.count(kind) {
                let xid = net.xid(NodeRef::new(kind, i as u32)).unwrap();
                let store_id = txn.lookup(kind, xid).unwrap().unwrap().id;
                // The store's id, the snapshot's lookup and the snapshot's own xid agree.
                prop_assert_eq!(by_xid(&snap, kind, xid), Some(store_id));
                prop_assert!(snap.contains(NodeRef::new(kind, store_id)));
                // By store id on the snapshot with holes = by external id without holes.
                let renumbered = by_xid(&dense, kind, xid).unwrap();
                prop_assert_eq!(answers(&snap, kind, store_id), answers(&dense, kind, renumbered));
            }
        }
        // Removed ids, and ids never handed out, are errors naming the kind and id.
        let beyond = NodeKind::ALL.map(|k| NodeRef::new(k, snap.id_bound(k) as u32 + 7));
        for node in nodes.removed.iter().chain(&beyond) {
            for answer in answers(&snap, node.kind, node.id) {
                prop_assert_eq!(answer, Err(QueryError::NotFound { kind: node.kind, id: node.id }));
            }
        }
    }
}
