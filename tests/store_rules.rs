//! Every validation rule of the write path: the error variant, and that a failed batch
//! leaves the database exactly as it was (nodes, edges, ids, log, counts).

mod common;

use common::*;
use guanxi::model::*;
use guanxi::store::{Change, Database, Read, StoreError, WriteTxn};

/// Runs `f` in a write transaction that must fail; returns the error and asserts the
/// committed state did not change and is consistent.
fn refused(db: &Database, f: impl FnOnce(&mut WriteTxn) -> Result<(), StoreError>) -> StoreError {
    let before = snapshot(db);
    let err = db.write(999, f).unwrap_err();
    assert_eq!(
        snapshot(db),
        before,
        "a refused change altered the database"
    );
    assert!(db.check().unwrap().is_clean());
    err
}

#[test]
fn fixture_is_consistent_and_counted() {
    let (db, ids) = fixture();
    let r = db.begin_read().unwrap();
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
    assert_eq!(r.count(NodeKind::Account).unwrap(), 3);
    assert_eq!(r.count(NodeKind::Person).unwrap(), 2);
    assert_eq!(r.edge_count(EdgeKind::Tie).unwrap(), 1);
    assert_eq!(ids.p2, PersonId(1));
    assert_eq!(
        r.lookup(NodeKind::Person, "p2").unwrap(),
        Some(NodeRef::from(ids.p2))
    );
    assert_eq!(r.lookup(NodeKind::Employee, "p2").unwrap(), None);
}

#[test]
fn dangling_end_is_refused() {
    let (db, ids) = fixture();
    let err = refused(&db, |t| t.add_edge(tie(ids.e1, PersonId(77), 0.5)));
    assert!(
        matches!(err, StoreError::DanglingEnd { end, .. } if end == NodeRef::from(PersonId(77)))
    );
    // The message names the existing end by external id, the missing one by number.
    assert_eq!(
        err.to_string(),
        "edge tie employee \"e1\" → person #77: person #77 does not exist; add the node first"
    );
    let err = refused(&db, |t| {
        t.put_edge(Edge::Owns {
            employee: EmployeeId(5),
            target: OwnsTarget::Project(ids.x1),
        })
        .map(|_| ())
    });
    assert!(
        matches!(err, StoreError::DanglingEnd { end, .. } if end == NodeRef::from(EmployeeId(5)))
    );
}

#[test]
fn self_loops_are_refused() {
    let (db, ids) = fixture();
    let err = refused(&db, |t| {
        t.add_edge(Edge::Influences {
            from: ids.p2,
            to: ids.p2,
            weight: s(0.5),
        })
    });
    assert!(matches!(
        err,
        StoreError::InvalidEdge {
            source: ModelError::SelfLoop(EdgeKind::Influences),
            ..
        }
    ));
    let err = refused(&db, |t| {
        t.put_edge(Edge::ReportsTo {
            person: ids.p1,
            manager: ids.p1,
            weight: s(0.8),
        })
        .map(|_| ())
    });
    assert!(matches!(
        err,
        StoreError::InvalidEdge {
            source: ModelError::SelfLoop(EdgeKind::ReportsTo),
            ..
        }
    ));
}

#[test]
fn rival_ties_and_competes_must_start_at_a_competitor() {
    let (db, ids) = fixture();
    let err = refused(&db, |t| {
        t.add_edge(Edge::RivalTie {
            competitor: ids.client,
            person: ids.p2,
            closeness: s(0.5),
        })
    });
    assert!(matches!(
        &err,
        StoreError::NotACompetitor { edge, kind: AccountKind::Client } if edge.from.xid.as_deref() == Some("A")
    ));
    assert!(
        err.to_string()
            .starts_with("edge rival_tie account \"A\" → person \"p2\": account \"A\" is a client"),
        "{err}"
    );
    let err = refused(&db, |t| {
        t.add_edge(Edge::Competes {
            competitor: ids.partner,
            project: ids.x1,
        })
    });
    assert!(matches!(
        err,
        StoreError::NotACompetitor {
            kind: AccountKind::Partner,
            ..
        }
    ));
}

#[test]
fn a_competitor_with_rival_edges_keeps_its_kind() {
    let (db, ids) = fixture();
    let err = refused(&db, |t| {
        t.upsert_account(account("K", AccountKind::Client))
            .map(|_| ())
    });
    assert!(matches!(
        err,
        StoreError::CompetitorHasEdges { edges: 2, .. }
    ));
    // Without the edges the change is allowed and keeps the id.
    db.write(5, |t| {
        t.remove_edge(
            Edge::Competes {
                competitor: ids.rival,
                project: ids.x1,
            }
            .key(),
        )?;
        t.remove_edge(
            Edge::RivalTie {
                competitor: ids.rival,
                person: ids.p1,
                closeness: s(0.4),
            }
            .key(),
        )?;
        assert_eq!(
            t.upsert_account(account("K", AccountKind::Partner))?,
            ids.rival
        );
        Ok(())
    })
    .unwrap();
    let r = db.begin_read().unwrap();
    assert_eq!(
        r.account(ids.rival).unwrap().unwrap().kind,
        AccountKind::Partner
    );
}

#[test]
fn add_edge_refuses_a_duplicate_and_put_edge_replaces() {
    let (db, ids) = fixture();
    let err = refused(&db, |t| t.add_edge(tie(ids.e1, ids.p1, 0.2)));
    assert!(
        matches!(&err, StoreError::DuplicateEdge(k) if k.key == tie(ids.e1, ids.p1, 0.2).key())
    );
    assert_eq!(
        err.to_string(),
        "edge tie employee \"e1\" → person \"p1\" already exists; use put_edge to replace it"
    );
    let replaced = db
        .write(6, |t| t.put_edge(tie(ids.e1, ids.p1, 0.2)))
        .unwrap();
    assert!(replaced);
    let r = db.begin_read().unwrap();
    assert_eq!(
        r.edge(tie(ids.e1, ids.p1, 0.0).key()).unwrap(),
        Some(tie(ids.e1, ids.p1, 0.2))
    );
    assert_eq!(r.edge_count(EdgeKind::Tie).unwrap(), 1);
    assert_eq!(
        r.log(0).unwrap().last().unwrap().change,
        Change::PutEdge {
            edge: tie(ids.e1, ids.p1, 0.2),
            before: Some(tie(ids.e1, ids.p1, 0.7)),
        }
    );
}

fn period(person: PersonId, account: AccountId, since: Option<&str>, until: Option<&str>) -> Edge {
    Edge::WorksAt {
        person,
        account,
        employment: Employment {
            since: since.map(|d| d.parse().unwrap()),
            until: until.map(|d| d.parse().unwrap()),
            title: None,
        },
    }
}

#[test]
fn an_overlapping_works_at_or_a_second_of_is_refused() {
    let (db, ids) = fixture();
    let err = refused(&db, |t| {
        t.put_edge(Edge::WorksAt {
            person: ids.p1,
            account: ids.partner,
            employment: Employment::default(),
        })
        .map(|_| ())
    });
    assert!(
        matches!(&err, StoreError::OverlappingPeriods { existing, .. } if existing.key.to == NodeRef::from(ids.client)),
        "{err}"
    );
    assert!(
        err.to_string().starts_with(
            "person \"p1\" would work at account \"P\" at all times and at account \"A\" at all times: the periods overlap"
        ),
        "{err}"
    );
    // An empty period is refused on its own.
    let err = refused(&db, |t| {
        t.put_edge(period(
            ids.p2,
            ids.partner,
            Some("2024-01-01"),
            Some("2023-01-01"),
        ))
        .map(|_| ())
    });
    assert!(
        matches!(
            err,
            StoreError::InvalidEdge {
                source: ModelError::EmptyPeriod { .. },
                ..
            }
        ),
        "{err}"
    );
    // Periods that touch do not overlap; replacing a period frees its days.
    db.write(6, |t| {
        t.put_edge(period(ids.p1, ids.client, None, Some("2024-01-01")))?;
        t.add_edge(period(ids.p1, ids.partner, Some("2024-01-01"), None))
    })
    .unwrap();
    let err = refused(&db, |t| {
        t.add_edge(period(
            ids.p1,
            ids.rival,
            Some("2023-12-31"),
            Some("2024-01-01"),
        ))
    });
    assert!(
        matches!(&err, StoreError::OverlappingPeriods { existing, .. } if existing.key.to == NodeRef::from(ids.client)),
        "{err}"
    );
    assert!(
        err.to_string().starts_with(
            "person \"p1\" would work at account \"K\" from 2023-12-31 until 2024-01-01 and at account \"A\" until 2024-01-01"
        ),
        "{err}"
    );
    let err = refused(&db, |t| {
        t.add_edge(period(ids.p1, ids.rival, Some("2030-01-01"), None))
    });
    assert!(
        matches!(&err, StoreError::OverlappingPeriods { existing, .. } if existing.key.to == NodeRef::from(ids.partner)),
        "{err}"
    );
    let err = refused(&db, |t| {
        t.add_edge(Edge::Of {
            project: ids.x1,
            account: ids.rival,
        })
    });
    assert!(matches!(err, StoreError::SecondEdge { .. }));
    assert_eq!(
        err.to_string(),
        "edge of project \"x1\" → account \"K\": project \"x1\" may have only one of edge and already has of project \"x1\" → account \"A\"; remove that one first"
    );
    // Putting the same works_at again is fine; another person may work there too.
    db.write(7, |t| {
        assert!(t.put_edge(period(ids.p1, ids.client, None, Some("2024-01-01")))?);
        t.add_edge(Edge::WorksAt {
            person: ids.p2,
            account: ids.client,
            employment: Employment::default(),
        })
    })
    .unwrap();
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn an_empty_external_id_is_refused() {
    let (db, _) = fixture();
    let err = refused(&db, |t| t.upsert_person(person("")).map(|_| ()));
    assert!(matches!(
        err,
        StoreError::InvalidNode {
            kind: NodeKind::Person,
            source: ModelError::EmptyExternalId,
            ..
        }
    ));
}

#[test]
fn removing_an_unknown_node_is_refused() {
    let (db, _) = fixture();
    let err = refused(&db, |t| t.remove_node(NodeRef::from(ProjectId(9))));
    assert!(matches!(&err, StoreError::UnknownNode(n) if n.node == NodeRef::from(ProjectId(9))));
    assert_eq!(err.to_string(), "project #9 does not exist");
}

#[test]
fn an_invalid_network_import_writes_nothing() {
    let (db, _) = fixture();
    let mut net = Network::new();
    net.persons.push(person("q"));
    net.persons.push(person("q"));
    net.edges.push(Edge::ReportsTo {
        person: PersonId(0),
        manager: PersonId(5),
        weight: s(0.8),
    });
    let err = refused(&db, |t| t.import_network(&net).map(|_| ()));
    let StoreError::Network(errs) = err else {
        panic!("expected a network error, got {err}")
    };
    assert_eq!(errs.len(), 2);
}

#[test]
fn an_import_may_not_add_an_overlapping_works_at() {
    let (db, _) = fixture();
    let mut net = Network::new();
    net.persons.push(person("p1"));
    net.accounts.push(account("P", AccountKind::Partner));
    net.accounts.push(account("A", AccountKind::Client));
    net.edges
        .push(period(PersonId(0), AccountId(0), Some("2024-01-01"), None));
    let err = refused(&db, |t| t.import_network(&net).map(|_| ()));
    assert!(
        matches!(err, StoreError::OverlappingPeriods { .. }),
        "{err}"
    );
    // With the stored period at A ended by the same import, the new one fits.
    net.edges
        .push(period(PersonId(0), AccountId(1), None, Some("2024-01-01")));
    db.import_network(&net, 9).unwrap();
    let r = db.begin_read().unwrap();
    let p1 = r.lookup(NodeKind::Person, "p1").unwrap().unwrap();
    assert_eq!(r.edges_out(p1, EdgeKind::WorksAt).unwrap().len(), 2);
    assert!(r.check().unwrap().is_clean());
}

#[test]
fn edges_of_a_kind_a_node_cannot_have_are_a_typed_error() {
    let (db, ids) = fixture();
    let r = db.begin_read().unwrap();
    assert!(matches!(
        r.edges_out(ids.p1.into(), EdgeKind::Tie),
        Err(StoreError::WrongEndType { end: "from", .. })
    ));
    assert!(matches!(
        r.edges_in(ids.e1.into(), EdgeKind::Tie),
        Err(StoreError::WrongEndType { end: "to", .. })
    ));
}

#[test]
fn upserts_keep_ids_and_unchanged_upserts_log_nothing() {
    let (db, ids) = fixture();
    let log_len = snapshot(&db).log.len();
    db.write(10, |t| {
        assert_eq!(t.upsert_person(person("p1"))?, ids.p1);
        Ok(())
    })
    .unwrap();
    assert_eq!(snapshot(&db).log.len(), log_len);
    let mut renamed = person("p1");
    renamed.title = Some("CFO".into());
    db.write(11, |t| {
        assert_eq!(t.upsert_person(renamed.clone())?, ids.p1);
        Ok(())
    })
    .unwrap();
    let r = db.begin_read().unwrap();
    assert_eq!(r.person(ids.p1).unwrap(), Some(renamed.clone()));
    let last = r.log(0).unwrap().pop().unwrap();
    assert_eq!(last.time, 11);
    assert_eq!(
        last.change,
        Change::UpsertNode {
            node: ids.p1.into(),
            record: Node::Person(renamed),
            before: Some(Node::Person(person("p1"))),
        }
    );
}

#[test]
fn removing_a_node_removes_its_edges_both_ways_and_ids_are_not_reused() {
    let (db, ids) = fixture();
    db.write(12, |t| t.remove_node(ids.p1.into())).unwrap();
    let r = db.begin_read().unwrap();
    assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
    assert_eq!(r.person(ids.p1).unwrap(), None);
    assert_eq!(r.lookup(NodeKind::Person, "p1").unwrap(), None);
    // p1 had works_at, reports_to, member (out), tie and rival_tie (in).
    for k in [
        EdgeKind::WorksAt,
        EdgeKind::ReportsTo,
        EdgeKind::Member,
        EdgeKind::Tie,
        EdgeKind::RivalTie,
    ] {
        assert_eq!(r.edge_count(k).unwrap(), 0, "{k}");
    }
    assert_eq!(r.edge_count(EdgeKind::Of).unwrap(), 1);
    assert_eq!(
        r.edges_in(ids.p2.into(), EdgeKind::ReportsTo).unwrap(),
        vec![]
    );
    assert_eq!(r.edges_out(ids.e1.into(), EdgeKind::Tie).unwrap(), vec![]);
    drop(r);
    let again = db.write(13, |t| t.upsert_person(person("p1"))).unwrap();
    assert_eq!(again, PersonId(2), "a removed id must not be reused");
    // network() closes the hole: p2 (store id 1) is at position 0, p1 (store 2) at 1.
    let (net, map) = db.begin_read().unwrap().network().unwrap();
    assert_eq!(net.persons[0].xid, "p2");
    assert_eq!(net.persons[1].xid, "p1");
    assert_eq!(map.store_ref(PersonId(1).into()), Some(PersonId(2).into()));
    assert_eq!(map.network_ref(PersonId(0).into()), None);
}

#[test]
fn neighbour_scans_return_exactly_the_edges_at_a_node() {
    let (db, ids) = fixture();
    let r = db.begin_read().unwrap();
    assert_eq!(
        r.edges_in(ids.p1.into(), EdgeKind::Tie).unwrap(),
        vec![tie(ids.e1, ids.p1, 0.7)]
    );
    assert_eq!(
        r.edges_in(ids.x1.into(), EdgeKind::Competes).unwrap(),
        vec![Edge::Competes {
            competitor: ids.rival,
            project: ids.x1
        }]
    );
    assert_eq!(
        r.edges_out(ids.p2.into(), EdgeKind::ReportsTo).unwrap(),
        vec![]
    );
    let mut members = Vec::new();
    r.for_each_edge(EdgeKind::Member, |e| members.push(e))
        .unwrap();
    assert_eq!(members.len(), 1);
    let mut accounts = Vec::new();
    r.for_each_node(NodeKind::Account, |n, rec| {
        accounts.push((n.id, rec.xid().to_owned()));
    })
    .unwrap();
    assert_eq!(
        accounts,
        vec![(0, "A".into()), (1, "K".into()), (2, "P".into())]
    );
}

#[test]
fn readers_see_a_consistent_snapshot_while_a_writer_works() {
    let (db, ids) = fixture();
    let before = db.begin_read().unwrap();
    let mut t = db.begin_write(14).unwrap();
    t.remove_node(ids.p1.into()).unwrap();
    // The writer sees its own change, the reader does not.
    assert_eq!(t.person(ids.p1).unwrap(), None);
    assert!(before.person(ids.p1).unwrap().is_some());
    t.commit().unwrap();
    assert!(before.person(ids.p1).unwrap().is_some());
    assert_eq!(before.edge_count(EdgeKind::Tie).unwrap(), 1);
    assert_eq!(db.begin_read().unwrap().person(ids.p1).unwrap(), None);
}

#[test]
fn an_import_with_a_duplicate_edge_or_second_works_at_reports_it_and_writes_nothing() {
    let (db, _) = fixture();
    let mut net = Network::new();
    net.accounts.push(account("A", AccountKind::Client));
    net.accounts.push(account("B", AccountKind::Client));
    net.persons.push(person("q"));
    net.employees.push(employee("e"));
    net.edges.push(tie(EmployeeId(0), PersonId(0), 0.5));
    net.edges.push(tie(EmployeeId(0), PersonId(0), 0.7));
    let err = refused(&db, |t| t.import_network(&net).map(|_| ()));
    assert!(
        matches!(&err, StoreError::Network(e) if matches!(e[..], [NetworkError::DuplicateEdge(_)])),
        "{err}"
    );
    net.edges.pop();
    for a in 0..2 {
        net.edges.push(Edge::WorksAt {
            person: PersonId(0),
            account: AccountId(a),
            employment: Employment::default(),
        });
    }
    let err = refused(&db, |t| t.import_network(&net).map(|_| ()));
    assert!(
        matches!(&err, StoreError::Network(e) if matches!(e[..], [NetworkError::OverlappingPeriods { .. }])),
        "{err}"
    );
}

#[test]
fn an_import_into_a_populated_database_updates_by_external_id() {
    let (db, ids) = fixture();
    let mut net = Network::new();
    let mut p1 = person("p1");
    p1.title = Some("VP".into());
    net.persons.push(person("new"));
    net.persons.push(p1.clone());
    net.employees.push(employee("e1"));
    net.edges.push(tie(EmployeeId(0), PersonId(1), 0.1));
    net.edges.push(tie(EmployeeId(0), PersonId(0), 0.3));
    let summary = db.import_network(&net, 50).unwrap();
    assert_eq!(
        (
            summary.nodes_added,
            summary.nodes_updated,
            summary.nodes_unchanged
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (
            summary.edges_added,
            summary.edges_replaced,
            summary.edges_unchanged
        ),
        (1, 1, 0)
    );
    assert_eq!(
        summary.ids.store_ref(PersonId(1).into()),
        Some(ids.p1.into())
    );
    assert_eq!(
        summary.ids.store_ref(PersonId(0).into()),
        Some(PersonId(2).into())
    );
    let r = db.begin_read().unwrap();
    assert_eq!(r.person(ids.p1).unwrap(), Some(p1));
    assert_eq!(
        r.edges_out(ids.e1.into(), EdgeKind::Tie).unwrap(),
        vec![tie(ids.e1, ids.p1, 0.1), tie(ids.e1, PersonId(2), 0.3)]
    );
    assert_eq!(
        r.lookup(NodeKind::Person, "new").unwrap(),
        Some(PersonId(2).into())
    );
    assert!(r.check().unwrap().is_clean());
}

#[test]
fn databases_and_read_transactions_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Database>();
    shareable::<guanxi::store::ReadTxn>();
    let (db, ids) = fixture();
    let r = db.begin_read().unwrap();
    let counts: Vec<usize> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| s.spawn(|| r.edges_in(ids.p1.into(), EdgeKind::Tie).unwrap().len()))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(counts, vec![1, 1]);
}

/// Each refusal is classed by `StoreError::kind`, so a caller can tell bad input (reject
/// the request) from a failure of the store or the file without matching every variant.
#[test]
fn error_kinds_tell_bad_input_from_store_failures() {
    use guanxi::store::ErrorKind;
    let (db, ids) = fixture();
    let cases: Vec<(StoreError, ErrorKind)> = vec![
        (
            refused(&db, |t| t.add_edge(tie(ids.e1, PersonId(77), 0.5))),
            ErrorKind::NotFound,
        ),
        (
            refused(&db, |t| t.remove_node(NodeRef::from(ProjectId(9)))),
            ErrorKind::NotFound,
        ),
        (
            refused(&db, |t| t.add_edge(tie(ids.e1, ids.p1, 0.5))),
            ErrorKind::Conflict,
        ),
        (
            refused(&db, |t| {
                t.upsert_account(account("K", AccountKind::Partner))
                    .map(|_| ())
            }),
            ErrorKind::Conflict,
        ),
        (
            refused(&db, |t| {
                t.add_edge(Edge::ReportsTo {
                    person: ids.p1,
                    manager: ids.p1,
                    weight: s(0.5),
                })
            }),
            ErrorKind::InvalidInput,
        ),
        (
            refused(&db, |t| {
                t.add_edge(Edge::RivalTie {
                    competitor: ids.client,
                    person: ids.p2,
                    closeness: s(0.5),
                })
            }),
            ErrorKind::InvalidInput,
        ),
        (
            refused(&db, |t| t.upsert_person(person("")).map(|_| ())),
            ErrorKind::InvalidInput,
        ),
        (
            db.begin_read()
                .unwrap()
                .edges_out(ids.p1.into(), EdgeKind::Tie)
                .unwrap_err(),
            ErrorKind::InvalidInput,
        ),
    ];
    for (err, kind) in &cases {
        assert_eq!(err.kind(), *kind, "{err}");
        assert!(err.is_invalid_input(), "{err}");
    }
    // A transaction poisoned by an earlier error refuses what follows: not the input's
    // fault, the transaction's state.
    let mut t = db.begin_write(1).unwrap();
    assert!(t.remove_node(NodeRef::from(ProjectId(9))).is_err());
    let err = t.upsert_person(person("p9")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    assert!(!err.is_invalid_input());
    drop(t);
    // The file's failures.
    let dir = tempfile::tempdir().unwrap();
    let err = Database::open(dir.path().join("none.guanxi")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let path = dir.path().join("db.guanxi");
    drop(Database::create(&path).unwrap());
    poke_meta(&path, "format", 99);
    let err = Database::open(&path).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(!err.is_invalid_input());
    poke_meta(&path, "format", 1);
    poke_meta(&path, "next_id.person", 1);
    tamper(&path, |t| {
        t.open_table(redb::TableDefinition::<u32, &[u8]>::new(
            "guanxi.node.person",
        ))
        .unwrap()
        .insert(0, [1u8, 0x7f].as_slice())
        .unwrap();
        t.open_table(redb::TableDefinition::<&str, u64>::new("guanxi.counts"))
            .unwrap()
            .insert("node.person", 1)
            .unwrap();
    });
    let err = Database::open(&path)
        .unwrap()
        .begin_read()
        .unwrap()
        .person(PersonId(0))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(!err.is_invalid_input());
}
