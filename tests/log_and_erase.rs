//! The change log reads back every committed change in order with the writer's time, and
//! erasing a person removes every trace of it: node, index entry, edges and log entries —
//! and, after compaction, every byte of its name from the file.

mod common;

use common::*;
use guanxi::model::*;
use guanxi::store::{Change, Database, Read};

#[test]
fn the_log_reads_back_every_committed_change_in_order() {
    let db = Database::in_memory().unwrap();
    let (a, p) = db
        .write(1000, |t| {
            let a = t.upsert_account(account("A", AccountKind::Client))?;
            let p = t.upsert_person(person("p"))?;
            t.add_edge(Edge::WorksAt {
                person: p,
                account: a,
                employment: Employment::default(),
            })?;
            Ok((a, p))
        })
        .unwrap();
    // An aborted transaction leaves no log entry.
    let mut t = db.begin_write(1500).unwrap();
    t.upsert_person(person("ghost")).unwrap();
    t.abort().unwrap();
    db.write(2000, |t| {
        t.remove_edge(
            Edge::WorksAt {
                person: p,
                account: a,
                employment: Employment::default(),
            }
            .key(),
        )?;
        t.remove_node(a.into())
    })
    .unwrap();
    let log = db.begin_read().unwrap().log(0).unwrap();
    let got: Vec<(u64, u64, i64, Change)> = log
        .iter()
        .map(|e| (e.seq, e.commit, e.time, e.change.clone()))
        .collect();
    let works_at = Edge::WorksAt {
        person: p,
        account: a,
        employment: Employment::default(),
    };
    assert_eq!(
        got,
        vec![
            (
                0,
                1,
                1000,
                Change::UpsertNode {
                    node: a.into(),
                    record: Node::Account(account("A", AccountKind::Client)),
                    before: None,
                }
            ),
            (
                1,
                1,
                1000,
                Change::UpsertNode {
                    node: p.into(),
                    record: Node::Person(person("p")),
                    before: None,
                }
            ),
            (
                2,
                1,
                1000,
                Change::PutEdge {
                    edge: works_at.clone(),
                    before: None,
                }
            ),
            (
                3,
                2,
                2000,
                Change::RemoveEdge {
                    key: works_at.key(),
                    before: Some(works_at.clone()),
                }
            ),
            (
                4,
                2,
                2000,
                Change::RemoveNode {
                    node: a.into(),
                    before: Some(Node::Account(account("A", AccountKind::Client))),
                }
            ),
        ]
    );
    // Every entry names its nodes by external id, the removed account included.
    assert_eq!(log[2].xid(a.into()), Some("A"));
    assert_eq!(log[2].xid(p.into()), Some("p"));
    assert_eq!(log[3].xid(a.into()), Some("A"));
    assert_eq!(log[4].xid(a.into()), Some("A"));
    let tail = db.begin_read().unwrap().log(3).unwrap();
    assert_eq!(tail.len(), 2);
    assert_eq!(tail[0].seq, 3);
}

#[test]
fn an_import_logs_one_entry_per_changed_node_and_edge() {
    let (mem, _) = fixture();
    let (net, _) = mem.begin_read().unwrap().network().unwrap();
    let db = Database::in_memory().unwrap();
    let s1 = db.import_network(&net, 5).unwrap();
    assert_eq!(s1.nodes_added, 7);
    assert_eq!(s1.edges_added, 7);
    assert_eq!(db.begin_read().unwrap().log(0).unwrap().len(), 14);
    // Importing the same network again changes and logs nothing.
    let s2 = db.import_network(&net, 6).unwrap();
    assert_eq!((s2.nodes_unchanged, s2.edges_unchanged), (7, 7));
    assert_eq!((s2.nodes_added, s2.edges_added), (0, 0));
    assert_eq!(db.begin_read().unwrap().log(0).unwrap().len(), 14);
    assert_eq!(snapshot(&db).network, net);
}

#[test]
fn erasing_a_person_removes_node_index_edges_and_log_entries() {
    let (db, ids) = fixture();
    let other = db.write(200, |t| t.upsert_person(person("p9"))).unwrap();
    assert!(db.write(300, |t| t.erase_person("p1")).unwrap());
    assert!(!db.write(301, |t| t.erase_person("p1")).unwrap());
    let r = db.begin_read().unwrap();
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
    assert_eq!(r.person(ids.p1).unwrap(), None);
    assert_eq!(r.lookup(NodeKind::Person, "p1").unwrap(), None);
    let (net, _) = r.network().unwrap();
    let p1 = NodeRef::from(ids.p1);
    assert!(net
        .edges
        .iter()
        .all(|e| e.key().from.kind != NodeKind::Person || e.key().from != p1));
    // Every edge of p1 is gone, so only `of` and competes remain.
    let kinds: Vec<EdgeKind> = net.edges.iter().map(Edge::kind).collect();
    assert_eq!(kinds, vec![EdgeKind::Competes, EdgeKind::Of]);
    let log = r.log(0).unwrap();
    assert!(log.iter().all(|e| !e.change.mentions(p1)));
    // Entries about others stay: 6 other node upserts, of + competes, and p9.
    assert_eq!(log.len(), 9);
    assert!(log.iter().any(|e| e.change.mentions(other.into())));
}
