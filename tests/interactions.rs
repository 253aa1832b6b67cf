//! Interactions in the store: recorded with stable ids that are never reused, read back by
//! pair, by person and by date range in date order, removed with their employee or
//! person (their project cleared with their project), each change logged; imported with a
//! network and exported with it, a second import adding nothing; refused when an end does
//! not exist; and verified by the consistency check.

mod common;

use common::*;
use guanxi::model::*;
use guanxi::store::{Change, ErrorKind, InteractionId, Read, StoreError, Violation};

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

fn meet(
    employee: EmployeeId,
    person: PersonId,
    date: &str,
    kind: InteractionKind,
    project: Option<ProjectId>,
) -> Interaction {
    Interaction {
        employee,
        person,
        date: day(date),
        kind,
        project,
    }
}

/// The fixture, a second employee, and five interactions (ids 0 to 4):
/// 0: e1–p1 2025-03-01 meeting on x1; 1: e1–p1 2025-01-15 call; 2: e2–p1 2025-02-01
/// email; 3: e1–p2 2025-03-01 event; 4: the same call as 1 again (a second record).
fn with_interactions() -> (guanxi::store::Database, Ids, EmployeeId, Vec<Interaction>) {
    let (db, ids) = fixture();
    let (e2, all) = db
        .write(200, |t| {
            let e2 = t.upsert_employee(employee("e2"))?;
            let all = vec![
                meet(
                    ids.e1,
                    ids.p1,
                    "2025-03-01",
                    InteractionKind::Meeting,
                    Some(ids.x1),
                ),
                meet(ids.e1, ids.p1, "2025-01-15", InteractionKind::Call, None),
                meet(e2, ids.p1, "2025-02-01", InteractionKind::Email, None),
                meet(ids.e1, ids.p2, "2025-03-01", InteractionKind::Event, None),
                meet(ids.e1, ids.p1, "2025-01-15", InteractionKind::Call, None),
            ];
            for (n, i) in all.iter().enumerate() {
                assert_eq!(t.add_interaction(*i)?, InteractionId(n as u64));
            }
            Ok((e2, all))
        })
        .unwrap();
    (db, ids, e2, all)
}

fn with_ids(all: &[Interaction], ids: &[u64]) -> Vec<(InteractionId, Interaction)> {
    ids.iter()
        .map(|&n| (InteractionId(n), all[n as usize]))
        .collect()
}

#[test]
fn interactions_are_read_by_pair_person_and_date_in_date_order() {
    let (db, ids, e2, all) = with_interactions();
    let r = db.begin_read().unwrap();
    assert_eq!(r.interaction_count().unwrap(), 5);
    assert_eq!(r.interaction(InteractionId(3)).unwrap(), Some(all[3]));
    assert_eq!(r.interaction(InteractionId(5)).unwrap(), None);
    // By date, then in recording order.
    assert_eq!(
        r.interactions_between(ids.e1, ids.p1).unwrap(),
        with_ids(&all, &[1, 4, 0])
    );
    assert_eq!(
        r.interactions_between(e2, ids.p1).unwrap(),
        with_ids(&all, &[2])
    );
    assert_eq!(r.interactions_between(e2, ids.p2).unwrap(), vec![]);
    assert_eq!(
        r.interactions_of(ids.p1).unwrap(),
        with_ids(&all, &[1, 4, 2, 0])
    );
    assert_eq!(r.interactions_of(ids.p2).unwrap(), with_ids(&all, &[3]));
    assert_eq!(
        r.interactions_in(day("2025-02-01")..=day("2025-03-01"))
            .unwrap(),
        with_ids(&all, &[2, 0, 3])
    );
    assert_eq!(
        r.interactions_in(day("2025-01-15")..=day("2025-01-15"))
            .unwrap(),
        with_ids(&all, &[1, 4])
    );
    assert_eq!(
        r.interactions_in(day("2025-03-02")..=day("2030-01-01"))
            .unwrap(),
        vec![]
    );
    #[allow(clippy::reversed_empty_ranges)]
    let backwards = day("2025-03-01")..=day("2025-01-01");
    assert_eq!(r.interactions_in(backwards).unwrap(), vec![]);
    // Each was logged with its record.
    let log = r.log(0).unwrap();
    let logged: Vec<&Change> = log.iter().rev().take(5).map(|e| &e.change).collect();
    assert_eq!(
        logged[0],
        &Change::PutInteraction {
            id: InteractionId(4),
            interaction: all[4],
            before: None,
        }
    );
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
    // The network carries them, in recording order.
    let (net, _) = r.network().unwrap();
    assert_eq!(net.interactions, all);
}

#[test]
fn removed_interactions_leave_their_ids_unused() {
    let (db, ids, _, all) = with_interactions();
    let new = db
        .write(300, |t| {
            assert!(t.remove_interaction(InteractionId(1))?);
            assert!(!t.remove_interaction(InteractionId(1))?);
            assert!(!t.remove_interaction(InteractionId(99))?);
            t.add_interaction(all[1])
        })
        .unwrap();
    assert_eq!(new, InteractionId(5));
    let r = db.begin_read().unwrap();
    assert_eq!(r.interaction_count().unwrap(), 5);
    assert_eq!(r.interaction(InteractionId(1)).unwrap(), None);
    assert_eq!(
        r.interactions_between(ids.e1, ids.p1)
            .unwrap()
            .iter()
            .map(|(id, _)| id.0)
            .collect::<Vec<_>>(),
        [4, 5, 0]
    );
    let log = r.log(0).unwrap();
    let n = log.len();
    assert_eq!(
        log[n - 2].change,
        Change::RemoveInteraction {
            id: InteractionId(1),
            before: Some(all[1]),
        }
    );
    assert!(r.check().unwrap().is_clean());
}

#[test]
fn removing_a_node_takes_or_updates_its_interactions_and_logs_each() {
    let (db, ids, e2, all) = with_interactions();
    let seq = db.begin_read().unwrap().log(0).unwrap().len();
    db.write(300, |t| t.remove_node(e2.into())).unwrap();
    db.write(301, |t| t.remove_node(ids.x1.into())).unwrap();
    db.write(302, |t| t.remove_node(ids.p2.into())).unwrap();
    let r = db.begin_read().unwrap();
    let changes: Vec<Change> = r
        .log(seq as u64)
        .unwrap()
        .into_iter()
        .map(|e| e.change)
        .collect();
    let cleared = Interaction {
        project: None,
        ..all[0]
    };
    let member = Edge::Member {
        person: ids.p1,
        project: ids.x1,
        member: Member {
            role: Role::Approver,
            coach: false,
            solution: Some(s(0.6)),
            price: None,
        },
    };
    let competes = Edge::Competes {
        competitor: ids.rival,
        project: ids.x1,
    };
    let of = Edge::Of {
        project: ids.x1,
        account: ids.client,
    };
    let reports = Edge::ReportsTo {
        person: ids.p1,
        manager: ids.p2,
        weight: s(0.8),
    };
    // Interactions first, then the edges the node took (key order), then the node with
    // its last record.
    let gone = |e: &Edge| Change::RemoveEdge {
        key: e.key(),
        before: Some(e.clone()),
    };
    assert_eq!(
        changes,
        vec![
            Change::RemoveInteraction {
                id: InteractionId(2),
                before: Some(all[2]),
            },
            Change::RemoveNode {
                node: e2.into(),
                before: Some(Node::Employee(employee("e2"))),
            },
            Change::PutInteraction {
                id: InteractionId(0),
                interaction: cleared,
                before: Some(all[0]),
            },
            gone(&member),
            gone(&competes),
            gone(&of),
            Change::RemoveNode {
                node: ids.x1.into(),
                before: Some(Node::Project(project("x1"))),
            },
            Change::RemoveInteraction {
                id: InteractionId(3),
                before: Some(all[3]),
            },
            gone(&reports),
            Change::RemoveNode {
                node: ids.p2.into(),
                before: Some(Node::Person(person("p2"))),
            },
        ]
    );
    // Each entry names what it mentions, also the nodes removed since.
    let log = r.log(seq as u64).unwrap();
    assert_eq!(log[0].xid(e2.into()), Some("e2"));
    assert_eq!(log[0].xid(ids.p1.into()), Some("p1"));
    assert_eq!(log[2].xid(ids.x1.into()), Some("x1"));
    assert_eq!(log[4].xid(ids.rival.into()), Some("K"));
    assert_eq!(log[9].xid(ids.p2.into()), Some("p2"));
    assert_eq!(
        log.iter().map(|e| e.commit).collect::<Vec<_>>(),
        [3, 3, 4, 4, 4, 4, 4, 5, 5, 5]
    );
    assert_eq!(r.interaction_count().unwrap(), 3);
    assert_eq!(
        r.interactions_of(ids.p1).unwrap(),
        vec![
            (InteractionId(1), all[1]),
            (InteractionId(4), all[4]),
            (InteractionId(0), cleared)
        ]
    );
    assert_eq!(r.interactions_of(ids.p2).unwrap(), vec![]);
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
}

#[test]
fn an_interaction_whose_end_does_not_exist_is_refused_and_writes_nothing() {
    let (db, ids, _, _) = with_interactions();
    let before = snapshot(&db);
    for (i, missing) in [
        (
            meet(
                EmployeeId(9),
                ids.p1,
                "2025-01-01",
                InteractionKind::Call,
                None,
            ),
            NodeRef::from(EmployeeId(9)),
        ),
        (
            meet(
                ids.e1,
                PersonId(9),
                "2025-01-01",
                InteractionKind::Call,
                None,
            ),
            NodeRef::from(PersonId(9)),
        ),
        (
            meet(
                ids.e1,
                ids.p1,
                "2025-01-01",
                InteractionKind::Call,
                Some(ProjectId(9)),
            ),
            NodeRef::from(ProjectId(9)),
        ),
    ] {
        let err = db.write(400, |t| t.add_interaction(i)).unwrap_err();
        assert!(
            matches!(err, StoreError::DanglingInteraction { end, .. } if end == missing),
            "{err}"
        );
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }
    let err = db
        .write(400, |t| {
            t.add_interaction(meet(
                ids.e1,
                PersonId(9),
                "2025-01-01",
                InteractionKind::Call,
                None,
            ))
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "interaction of employee \"e1\" with person #9 on 2025-01-01: person #9 does not exist; add the node first"
    );
    assert_eq!(snapshot(&db), before);
    assert_eq!(db.begin_read().unwrap().interaction_count().unwrap(), 5);
}

#[test]
fn a_network_with_interactions_round_trips_and_a_second_import_adds_none() {
    let (db, _, _, _) = with_interactions();
    let (net, _) = db.begin_read().unwrap().network().unwrap();
    assert_eq!(net.interactions.len(), 5);
    // Into a new database: the same network back, interactions in order.
    let copy = guanxi::store::Database::in_memory().unwrap();
    let s = copy.import_network(&net, 1).unwrap();
    assert_eq!((s.interactions_added, s.interactions_unchanged), (5, 0));
    let (back, _) = copy.begin_read().unwrap().network().unwrap();
    let mut want = net.clone();
    want.edges.sort_by_key(Edge::key);
    assert_eq!(back, want);
    // Again: every interaction is matched, the two identical calls by two records.
    let log = copy.begin_read().unwrap().log(0).unwrap().len();
    let s = copy.import_network(&net, 2).unwrap();
    assert_eq!((s.interactions_added, s.interactions_unchanged), (0, 5));
    assert_eq!(copy.begin_read().unwrap().log(0).unwrap().len(), log);
    // A third identical call is a new interaction.
    let mut more = net.clone();
    more.interactions.push(net.interactions[1]);
    let s = copy.import_network(&more, 3).unwrap();
    assert_eq!((s.interactions_added, s.interactions_unchanged), (1, 5));
    let r = copy.begin_read().unwrap();
    assert_eq!(r.interaction_count().unwrap(), 6);
    assert_eq!(
        r.interaction(InteractionId(5)).unwrap(),
        Some(net.interactions[1])
    );
    assert!(r.check().unwrap().is_clean());
}

#[test]
fn a_network_with_a_dangling_interaction_is_refused_whole() {
    let (db, _) = fixture();
    let before = snapshot(&db);
    let mut net = Network::new();
    net.employees.push(employee("e1"));
    net.persons.push(person("p1"));
    net.interactions.push(meet(
        EmployeeId(0),
        PersonId(3),
        "2025-01-01",
        InteractionKind::Call,
        None,
    ));
    let err = db.import_network(&net, 5).unwrap_err();
    assert!(
        matches!(&err, StoreError::Network(errors) if matches!(errors[..], [NetworkError::DanglingInteraction { .. }])),
        "{err}"
    );
    assert_eq!(snapshot(&db), before);
}

#[test]
fn erasing_a_person_erases_its_interactions_and_their_log_entries() {
    let (db, ids, _, _) = with_interactions();
    assert!(db.write(500, |t| t.erase_person("p1")).unwrap());
    let r = db.begin_read().unwrap();
    assert_eq!(r.interaction_count().unwrap(), 1);
    assert_eq!(r.interactions_of(ids.p1).unwrap(), vec![]);
    let p1 = NodeRef::from(ids.p1);
    assert!(r.log(0).unwrap().iter().all(|e| !e.change.mentions(p1)));
    assert!(r.check().unwrap().is_clean());
}

#[test]
fn check_reports_an_interaction_index_that_disagrees_with_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.guanxi");
    {
        let (mem, _, _, _) = with_interactions();
        let (net, _) = mem.begin_read().unwrap().network().unwrap();
        guanxi::store::Database::create(&path)
            .unwrap()
            .import_network(&net, 1)
            .unwrap();
    }
    // Drop interaction 3's entry from the date index (day 2025-03-01, id 3).
    let days = day("2025-03-01").days_since_epoch();
    let mut key = [0u8; 12];
    key[..4].copy_from_slice(&(u32::from_be_bytes(days.to_be_bytes()) ^ 0x8000_0000).to_be_bytes());
    key[4..].copy_from_slice(&3u64.to_be_bytes());
    tamper(&path, |t| {
        let def: redb::TableDefinition<&[u8; 12], &[u8]> =
            redb::TableDefinition::new("guanxi.interaction.by_date");
        assert!(t.open_table(def).unwrap().remove(&key).unwrap().is_some());
    });
    let report = guanxi::store::Database::open(&path)
        .unwrap()
        .check()
        .unwrap();
    assert_eq!(
        report.violations,
        vec![Violation::InteractionIndex {
            id: InteractionId(3),
            index: "by_date",
            problem: "lacks its entry"
        }],
        "{report}"
    );
}

/// The worked example with dated records (periods, a leaving date, interactions) goes
/// through the store and out as CSV unchanged.
#[test]
fn the_dated_worked_example_round_trips_through_the_store_and_csv() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-time");
    let net = guanxi::io::read_csv_dir(&dir).unwrap();
    assert!(!net.interactions.is_empty());
    let db = guanxi::store::Database::in_memory().unwrap();
    let s = db.import_network(&net, 1).unwrap();
    assert_eq!(s.interactions_added, net.interactions.len() as u64);
    let r = db.begin_read().unwrap();
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
    let (back, _) = r.network().unwrap();
    let mut want = net.clone();
    want.edges.sort_by_key(Edge::key);
    assert_eq!(back, want);
    let out = tempfile::tempdir().unwrap();
    guanxi::io::write_csv_dir(&back, out.path()).unwrap();
    let mut again = guanxi::io::read_csv_dir(out.path()).unwrap();
    again.edges.sort_by_key(Edge::key);
    assert_eq!(again, want);
}
