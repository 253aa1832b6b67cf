//! The change log as a sync feed: the head in one counter read, pages that concatenate to
//! the whole log, entries naming nodes by external id (also removed ones) and grouped in
//! numbered commits that count their changes, a node's removal logged with the edges and
//! interactions it took — so that a replica applying the pages by external id ends up
//! equal to the database — and trimming whole commits, after which a read of a trimmed
//! range is a typed error saying where the log now starts.

mod common;

use common::*;
use guanxi::model::*;
use guanxi::store::{
    Change, ChangeCounts, Commit, Database, ErrorKind, InteractionId, LogEntry, Read, StoreError,
    Tally,
};
use std::collections::BTreeMap;

fn tally(added: u64, changed: u64, removed: u64) -> Tally {
    Tally {
        added,
        changed,
        removed,
    }
}

/// The fixture (commit 1, 14 entries), then: p1 renamed and a tie put anew (commit 2),
/// an interaction of e1 with p2 (commit 3), p2 removed with its reporting line and
/// interaction (commit 4).
fn history() -> (Database, Ids) {
    let (db, ids) = fixture();
    db.write(200, |t| {
        t.upsert_person(Person {
            title: Some("CFO".into()),
            ..person("p1")
        })?;
        t.put_edge(tie(ids.e1, ids.p1, 0.9))?;
        Ok(())
    })
    .unwrap();
    db.write(300, |t| {
        t.add_interaction(Interaction {
            employee: ids.e1,
            person: ids.p2,
            date: "2025-05-05".parse().unwrap(),
            kind: InteractionKind::Call,
            project: Some(ids.x1),
        })
    })
    .unwrap();
    db.write(400, |t| t.remove_node(ids.p2.into())).unwrap();
    (db, ids)
}

#[test]
fn the_head_and_pages_follow_the_log() {
    let (db, ids) = history();
    let r = db.begin_read().unwrap();
    // 14 + 2 + 1 + (interaction, reports_to, node) = 20 entries.
    assert_eq!(r.log_head().unwrap(), 20);
    assert_eq!(r.log_start().unwrap(), 0);
    let all = r.log(0).unwrap();
    assert_eq!(all.len(), 20);
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (0..20).collect::<Vec<_>>()
    );
    // Pages of 6 concatenate to the whole log; each says where the next one starts.
    let mut from = 0;
    let mut paged: Vec<LogEntry> = Vec::new();
    let mut nexts = Vec::new();
    loop {
        let page = r.log_page(from, 6).unwrap();
        assert_eq!(page.head, 20);
        assert!(page.entries.len() <= 6);
        paged.extend(page.entries.iter().cloned());
        nexts.push(page.next);
        if page.is_last() {
            break;
        }
        from = page.next;
    }
    assert_eq!(nexts, [6, 12, 18, 20]);
    assert_eq!(paged, all);
    // At the head: an empty last page. A limit of 0 reads nothing and stays put.
    let at_head = r.log_page(20, 6).unwrap();
    assert!(at_head.entries.is_empty() && at_head.is_last() && at_head.next == 20);
    let none = r.log_page(3, 0).unwrap();
    assert!(none.entries.is_empty() && !none.is_last() && none.next == 3);
    // Beyond the head: the reader has seen entries this database never wrote.
    let err = r.log_page(21, 6).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::BeyondLogHead {
                asked: 21,
                head: 20
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::NotFound);
    // Commits and names.
    assert_eq!(
        all.iter().map(|e| e.commit).collect::<Vec<_>>(),
        [vec![1; 14], vec![2; 2], vec![3], vec![4; 3]].concat()
    );
    assert_eq!(
        all.iter().map(|e| e.time).collect::<Vec<_>>(),
        [vec![100; 14], vec![200; 2], vec![300], vec![400; 3]].concat()
    );
    let removal = &all[17..];
    assert!(matches!(
        removal[0].change,
        Change::RemoveInteraction {
            id: InteractionId(0),
            before: Some(_)
        }
    ));
    assert_eq!(
        removal[1].change,
        Change::RemoveEdge {
            key: Edge::ReportsTo {
                person: ids.p1,
                manager: ids.p2,
                weight: s(0.8)
            }
            .key(),
            before: Some(Edge::ReportsTo {
                person: ids.p1,
                manager: ids.p2,
                weight: s(0.8)
            }),
        }
    );
    for e in removal {
        assert_eq!(e.xid(ids.p2.into()), Some("p2"), "{}", e.change);
    }
    assert_eq!(removal[0].xid(ids.x1.into()), Some("x1"));
    assert_eq!(removal[1].xid(ids.p1.into()), Some("p1"));
    // The update records what it replaced.
    assert_eq!(
        all[14].change,
        Change::UpsertNode {
            node: ids.p1.into(),
            record: Node::Person(Person {
                title: Some("CFO".into()),
                ..person("p1")
            }),
            before: Some(Node::Person(person("p1"))),
        }
    );
    assert_eq!(
        all[15].change,
        Change::PutEdge {
            edge: tie(ids.e1, ids.p1, 0.9),
            before: Some(tie(ids.e1, ids.p1, 0.7)),
        }
    );
}

#[test]
fn each_commit_counts_its_changes_and_an_empty_one_is_not_numbered() {
    let (db, _) = history();
    db.write(500, |t| t.upsert_person(person("p1"))).unwrap();
    db.write(501, |t| t.upsert_account(account("A", AccountKind::Client)))
        .unwrap();
    let r = db.begin_read().unwrap();
    let none = tally(0, 0, 0);
    let want = [
        Commit {
            number: 1,
            time: 100,
            first_seq: 0,
            end_seq: 14,
            changes: ChangeCounts {
                nodes: tally(7, 0, 0),
                edges: tally(7, 0, 0),
                interactions: none,
            },
        },
        Commit {
            number: 2,
            time: 200,
            first_seq: 14,
            end_seq: 16,
            changes: ChangeCounts {
                nodes: tally(0, 1, 0),
                edges: tally(0, 1, 0),
                interactions: none,
            },
        },
        Commit {
            number: 3,
            time: 300,
            first_seq: 16,
            end_seq: 17,
            changes: ChangeCounts {
                nodes: none,
                edges: none,
                interactions: tally(1, 0, 0),
            },
        },
        Commit {
            number: 4,
            time: 400,
            first_seq: 17,
            end_seq: 20,
            changes: ChangeCounts {
                nodes: tally(0, 0, 1),
                edges: tally(0, 0, 1),
                interactions: tally(0, 0, 1),
            },
        },
    ];
    // The upsert of p1 at 500 changed p1's title back: commit 5. The account upsert at
    // 501 changed nothing: no commit.
    let commits = r.commits(0, 100).unwrap();
    assert_eq!(commits[..4], want[..]);
    assert_eq!(commits.len(), 5);
    assert_eq!(commits[4].number, 5);
    assert_eq!(commits[4].changes.nodes, tally(0, 1, 0));
    assert_eq!(r.last_commit().unwrap(), 5);
    assert_eq!(r.commits(2, 2).unwrap(), want[1..3].to_vec());
    assert_eq!(
        want[3].changes.to_string(),
        "nodes +0 ~0 -1, edges +0 ~0 -1, interactions +0 ~0 -1"
    );
    for c in &commits {
        assert_eq!(c.changes.total(), c.end_seq - c.first_seq);
    }
}

/// A replica keyed by external ids, as a CRM backend would keep one.
#[derive(Debug, Default, PartialEq)]
struct Replica {
    nodes: BTreeMap<(NodeKind, String), Node>,
    edges: BTreeMap<(EdgeKind, String, String), EdgeAttrs>,
    interactions: BTreeMap<u64, (String, String, Day, InteractionKind, Option<String>)>,
}

impl Replica {
    fn apply(&mut self, e: &LogEntry) {
        let name = |n: NodeRef| e.xid(n).expect("every node is named").to_owned();
        let interaction = |i: &Interaction| {
            (
                name(i.employee.into()),
                name(i.person.into()),
                i.date,
                i.kind,
                i.project.map(|x| name(x.into())),
            )
        };
        match &e.change {
            Change::UpsertNode { node, record, .. } => {
                self.nodes.insert((node.kind, name(*node)), record.clone());
            }
            Change::RemoveNode { node, .. } => {
                let key = (node.kind, name(*node));
                assert!(self.nodes.remove(&key).is_some());
                // Its edges were removed by the entries before.
                assert!(
                    !self
                        .edges
                        .keys()
                        .any(|(_, f, t)| *f == key.1 || *t == key.1),
                    "a dangling edge at {key:?}"
                );
            }
            Change::PutEdge { edge, .. } => {
                let k = edge.key();
                self.edges
                    .insert((k.kind, name(k.from), name(k.to)), edge.attrs());
            }
            Change::RemoveEdge { key, .. } => {
                let k = (key.kind, name(key.from), name(key.to));
                assert!(self.edges.remove(&k).is_some());
            }
            Change::PutInteraction {
                id, interaction: i, ..
            } => {
                self.interactions.insert(id.0, interaction(i));
            }
            Change::RemoveInteraction { id, .. } => {
                assert!(self.interactions.remove(&id.0).is_some());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    fn of(db: &Database) -> Replica {
        let (net, _) = db.begin_read().unwrap().network().unwrap();
        let mut r = Replica::default();
        for kind in NodeKind::ALL {
            for i in 0..net.count(kind) {
                let n = NodeRef::new(kind, i as u32);
                let node = net.view(n).unwrap().to_node();
                r.nodes.insert((kind, node.xid().to_owned()), node);
            }
        }
        let name = |n: NodeRef| net.xid(n).unwrap().to_owned();
        for e in &net.edges {
            let k = e.key();
            r.edges
                .insert((k.kind, name(k.from), name(k.to)), e.attrs());
        }
        r
    }
}

#[test]
fn a_replica_applying_the_pages_by_external_id_equals_the_database() {
    let (db, ids) = history();
    // More history: a project removed (its interactions keep their records, project
    // cleared), an account removed with its edges, a node re-added under a removed id's
    // external id.
    db.write(500, |t| {
        t.add_interaction(Interaction {
            employee: ids.e1,
            person: ids.p1,
            date: "2025-06-01".parse().unwrap(),
            kind: InteractionKind::Meeting,
            project: Some(ids.x1),
        })?;
        Ok(())
    })
    .unwrap();
    db.write(600, |t| {
        t.remove_node(ids.x1.into())?;
        t.remove_node(ids.rival.into())?;
        t.upsert_person(person("p2"))
    })
    .unwrap();
    let mut replica = Replica::default();
    let r = db.begin_read().unwrap();
    let mut from = 0;
    loop {
        let page = r.log_page(from, 4).unwrap();
        for e in &page.entries {
            replica.apply(e);
        }
        from = page.next;
        if page.is_last() {
            break;
        }
    }
    let interactions = std::mem::take(&mut replica.interactions);
    assert_eq!(replica, Replica::of(&db));
    // The interaction that named the removed project lost it; the one with p2 went with p2.
    assert_eq!(
        interactions.into_values().collect::<Vec<_>>(),
        vec![(
            "e1".to_owned(),
            "p1".to_owned(),
            "2025-06-01".parse().unwrap(),
            InteractionKind::Meeting,
            None
        )]
    );
}

#[test]
fn trimming_drops_whole_commits_and_a_read_of_them_is_a_typed_error() {
    let (db, _) = history();
    // Commit 3 is entry 16, commit 4 entries 17 to 19: before = 18 falls inside commit 4,
    // so commits 1 to 3 are dropped and commit 4 is kept whole.
    let start = db.write(1000, |t| t.trim_log(18)).unwrap();
    assert_eq!(start, 17);
    let r = db.begin_read().unwrap();
    assert_eq!(r.log_start().unwrap(), 17);
    assert_eq!(r.log_head().unwrap(), 20);
    assert_eq!(
        r.commits(0, 10)
            .unwrap()
            .iter()
            .map(|c| c.number)
            .collect::<Vec<_>>(),
        [4]
    );
    // Trimming is no commit.
    assert_eq!(r.last_commit().unwrap(), 4);
    let page = r.log_page(17, 10).unwrap();
    assert_eq!(
        page.entries
            .iter()
            .map(|e| (e.seq, e.commit))
            .collect::<Vec<_>>(),
        [(17, 4), (18, 4), (19, 4)]
    );
    let err = r.log_page(5, 10).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::LogTrimmed {
                asked: 5,
                first_available: 17
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        err.to_string().contains("entries before 17 were trimmed"),
        "{err}"
    );
    assert!(matches!(r.log(0), Err(StoreError::LogTrimmed { .. })));
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
    drop(r);
    // Trimming again lower is a no-op; new commits continue the numbering.
    assert_eq!(db.write(1001, |t| t.trim_log(3)).unwrap(), 17);
    // Trimming beyond the head drops every committed entry, but never those of the
    // transaction doing it.
    let start = db
        .write(1002, |t| {
            t.upsert_person(person("p7"))?;
            t.trim_log(u64::MAX)
        })
        .unwrap();
    assert_eq!(start, 20);
    let r = db.begin_read().unwrap();
    let rest = r.log(20).unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].commit, 5);
    assert_eq!(rest[0].xid(rest[0].change_node()), Some("p7"));
    assert_eq!(r.commits(0, 10).unwrap()[0].number, 5);
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
}

trait ChangeNode {
    fn change_node(&self) -> NodeRef;
}

impl ChangeNode for LogEntry {
    fn change_node(&self) -> NodeRef {
        let mut nodes = Vec::new();
        self.change.nodes(&mut nodes);
        nodes[0]
    }
}

#[test]
fn erasing_a_person_also_finds_one_removed_earlier_and_fixes_the_commit_counts() {
    let (db, ids) = history();
    // p2 was removed in commit 4; the log still names it, so erasing it finds it.
    assert!(db.write(700, |t| t.erase_person("p2")).unwrap());
    let r = db.begin_read().unwrap();
    let log = r.log(0).unwrap();
    assert!(log.iter().all(|e| !e.change.mentions(ids.p2.into())));
    // Gone: its upsert (commit 1), its reports_to edge put (1); the interaction with it
    // (3); its interaction, edge and node removals (4).
    assert_eq!(log.len(), 20 - 2 - 1 - 3);
    let commits = r.commits(0, 10).unwrap();
    assert_eq!(commits.len(), 4, "the erasure makes no commit");
    assert_eq!(commits[0].changes.nodes, tally(6, 0, 0));
    assert_eq!(commits[0].changes.edges, tally(6, 0, 0));
    assert_eq!(commits[2].changes.total(), 0);
    assert_eq!(commits[3].changes.total(), 0);
    for c in &commits {
        let held = log.iter().filter(|e| e.commit == c.number).count() as u64;
        assert_eq!(c.changes.total(), held, "commit {}", c.number);
    }
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
    drop(r);
    // Nobody with that external id is left to find.
    assert!(!db.write(701, |t| t.erase_person("p2")).unwrap());
    // Within one transaction: a change to p1 and its erasure leave a commit counting
    // what remains (the new person only).
    db.write(702, |t| {
        t.upsert_person(Person {
            name: "Renamed".into(),
            ..person("p1")
        })?;
        t.upsert_person(person("p8"))?;
        t.erase_person("p1")
    })
    .unwrap();
    let r = db.begin_read().unwrap();
    let last = r.commits(5, 1).unwrap();
    assert_eq!(last[0].changes.nodes, tally(1, 0, 0));
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
}
