//! The writes a CRM backend makes event by event: typed lookups by external id,
//! create-only inserts that refuse a taken external id, partial updates that change one
//! field and log it, a person changing accounts in one call, and a write closure whose
//! error type is the caller's own.

mod common;

use common::*;
use guanxi::model::*;
use guanxi::store::{Attention, Change, Database, ErrorKind, Move, MoveOptions, Read, StoreError};

#[test]
fn typed_lookups_by_external_id_answer_in_read_and_write_transactions() {
    let (db, ids) = fixture();
    let r = db.begin_read().unwrap();
    assert_eq!(r.account_by_xid("A").unwrap(), Some(ids.client));
    assert_eq!(r.account_by_xid("K").unwrap(), Some(ids.rival));
    assert_eq!(r.person_by_xid("p2").unwrap(), Some(ids.p2));
    assert_eq!(r.employee_by_xid("e1").unwrap(), Some(ids.e1));
    assert_eq!(r.project_by_xid("x1").unwrap(), Some(ids.x1));
    // Unknown, and known under another type only.
    assert_eq!(r.person_by_xid("p9").unwrap(), None);
    assert_eq!(r.person_by_xid("e1").unwrap(), None);
    assert_eq!(r.project_by_xid("A").unwrap(), None);
    drop(r);
    // A write transaction sees its own new nodes, and not those it removed.
    db.write(200, |t| {
        let p3 = t.upsert_person(person("p3"))?;
        assert_eq!(t.person_by_xid("p3")?, Some(p3));
        t.remove_node(ids.p2.into())?;
        assert_eq!(t.person_by_xid("p2")?, None);
        Ok(())
    })
    .unwrap();
    // The snapshot answers the same names with the same ids.
    let r = db.begin_read().unwrap();
    let snap = guanxi::graph::Snapshot::load(&r).unwrap();
    for xid in ["p1", "p2", "p3"] {
        assert_eq!(
            r.person_by_xid(xid).unwrap(),
            snap.person_by_xid(xid),
            "{xid}"
        );
    }
}

#[test]
fn create_only_inserts_refuse_a_taken_external_id_and_write_nothing() {
    let (db, ids) = fixture();
    let before = snapshot(&db);
    let mut t = db.begin_write(300).unwrap();
    let renamed = Person {
        name: "Someone else".into(),
        ..person("p1")
    };
    let err = t.create_person(renamed).unwrap_err();
    assert!(
        matches!(&err, StoreError::AlreadyExists { kind: NodeKind::Person, xid, node }
            if xid == "p1" && *node == NodeRef::from(ids.p1)),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.is_invalid_input());
    assert_eq!(
        err.to_string(),
        "person \"p1\" already exists (person#0); update it instead (upsert_person or a partial update), or choose another external id"
    );
    // The refusal poisons the batch: nothing of it can be committed.
    assert!(matches!(
        t.create_person(person("p9")),
        Err(StoreError::Poisoned)
    ));
    assert!(matches!(t.commit(), Err(StoreError::Poisoned)));
    assert_eq!(snapshot(&db), before);

    // Each type has its own id space: "p1" is free for an account.
    let created = db
        .write(301, |t| {
            Ok((
                t.create_account(account("p1", AccountKind::Partner))?,
                t.create_employee(employee("e2"))?,
                t.create_project(project("x2"))?,
                t.create_person(person("p9"))?,
            ))
        })
        .unwrap();
    let r = db.begin_read().unwrap();
    assert_eq!(r.account_by_xid("p1").unwrap(), Some(created.0));
    assert_eq!(r.employee_by_xid("e2").unwrap(), Some(created.1));
    assert_eq!(r.project_by_xid("x2").unwrap(), Some(created.2));
    assert_eq!(r.person_by_xid("p9").unwrap(), Some(created.3));
    for (kind, xid) in [
        (NodeKind::Account, "K"),
        (NodeKind::Employee, "e1"),
        (NodeKind::Project, "x1"),
    ] {
        let node = match kind {
            NodeKind::Account => Node::Account(account(xid, AccountKind::Competitor)),
            NodeKind::Employee => Node::Employee(employee(xid)),
            _ => Node::Project(project(xid)),
        };
        let err = db.write(302, |t| t.create_node(node)).unwrap_err();
        assert!(
            matches!(&err, StoreError::AlreadyExists { kind: k, xid: x, .. } if *k == kind && x == xid),
            "{err:?}"
        );
    }
    // Upserts still update.
    let p1 = db
        .write(303, |t| {
            t.upsert_person(Person {
                name: "Wang".into(),
                ..person("p1")
            })
        })
        .unwrap();
    assert_eq!(p1, ids.p1);
}

#[test]
fn a_write_closure_may_return_the_callers_own_error() {
    #[derive(Debug)]
    enum Backend {
        Store(StoreError),
        Rule(String),
    }
    impl From<StoreError> for Backend {
        fn from(e: StoreError) -> Self {
            Backend::Store(e)
        }
    }
    let db = Database::in_memory().unwrap();
    // The caller's error rolls back what the closure wrote, and comes back as it was.
    let r: Result<(), Backend> = db.write_with(1, |t| {
        t.upsert_person(person("p1"))?;
        Err(Backend::Rule("persons need an account".into()))
    });
    assert!(matches!(r, Err(Backend::Rule(m)) if m == "persons need an account"));
    assert_eq!(db.begin_read().unwrap().person_by_xid("p1").unwrap(), None);
    // A store error converts into it.
    let r = db.write_with(2, |t| -> Result<(), Backend> {
        t.add_edge(tie(EmployeeId(0), PersonId(0), 0.5))?;
        Ok(())
    });
    assert!(matches!(
        r,
        Err(Backend::Store(StoreError::DanglingEnd { .. }))
    ));
    // Success commits.
    let p = db
        .write_with(3, |t| -> Result<PersonId, Backend> {
            Ok(t.upsert_person(person("p1"))?)
        })
        .unwrap();
    assert_eq!(
        db.begin_read().unwrap().person_by_xid("p1").unwrap(),
        Some(p)
    );
    // And `write` keeps taking closures of the store's error without annotations.
    let q = db
        .write(4, |t| {
            let q = t.upsert_person(person("p2"))?;
            Ok(q)
        })
        .unwrap();
    assert_eq!(q, PersonId(1));
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

/// The log's last entry's change.
fn last_change(db: &Database) -> Change {
    db.begin_read()
        .unwrap()
        .log(0)
        .unwrap()
        .pop()
        .unwrap()
        .change
}

#[test]
fn a_contact_on_a_tie_sets_its_date_and_closeness_and_logs_what_it_replaced() {
    let (db, ids) = fixture();
    // A contact on the fixture's tie (closeness 0.7, no last contact): the date is set,
    // the closeness kept.
    let tie1 = db
        .write(200, |t| {
            t.record_contact(ids.e1, ids.p1, day("2025-05-01"), None)
        })
        .unwrap();
    assert_eq!(
        tie1,
        Tie {
            closeness: s(0.7),
            last_contact: Some(day("2025-05-01")),
            private: false
        }
    );
    assert_eq!(
        last_change(&db),
        Change::PutEdge {
            edge: Edge::Tie {
                employee: ids.e1,
                person: ids.p1,
                tie: tie1
            },
            before: Some(tie(ids.e1, ids.p1, 0.7)),
        }
    );
    // An earlier contact logged late keeps the later date; a new closeness is taken.
    let tie2 = db
        .write(201, |t| {
            t.record_contact(ids.e1, ids.p1, day("2025-04-01"), Some(s(0.9)))
        })
        .unwrap();
    assert_eq!(tie2.last_contact, Some(day("2025-05-01")));
    assert_eq!(tie2.closeness, s(0.9));
    // No tie with p2: created with a closeness, refused without one.
    let err = db
        .write(202, |t| {
            t.record_contact(ids.e1, ids.p2, day("2025-05-02"), None)
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownEdge { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        err.to_string(),
        "edge tie employee \"e1\" → person \"p2\" does not exist; give a closeness to create the tie"
    );
    let made = db
        .write(203, |t| {
            t.record_contact(ids.e1, ids.p2, day("2025-05-02"), Some(s(0.3)))
        })
        .unwrap();
    assert_eq!(
        made,
        Tie {
            closeness: s(0.3),
            last_contact: Some(day("2025-05-02")),
            private: false
        }
    );
    assert!(matches!(
        last_change(&db),
        Change::PutEdge { before: None, .. }
    ));
}

#[test]
fn partial_updates_of_projects_and_chain_members() {
    let (db, ids) = fixture();
    // A project's stage and amount.
    let won = db.write(204, |t| t.set_stage(ids.x1, Stage::Won)).unwrap();
    assert_eq!(won.stage, Stage::Won);
    assert_eq!(won.amount, project("x1").amount);
    assert_eq!(
        last_change(&db),
        Change::UpsertNode {
            node: ids.x1.into(),
            record: Node::Project(won.clone()),
            before: Some(Node::Project(project("x1"))),
        }
    );
    let priced = db
        .write(205, |t| t.set_amount(ids.x1, Amount::new(2.5e6).unwrap()))
        .unwrap();
    assert_eq!((priced.stage, priced.amount.get()), (Stage::Won, 2.5e6));

    // A member's role, coach flag and acceptances.
    let member = db
        .write(206, |t| {
            t.set_role(ids.p1, ids.x1, Role::Evaluator)?;
            t.set_coach(ids.p1, ids.x1, true)?;
            t.set_acceptance(ids.p1, ids.x1, None, Some(s(0.2)))
        })
        .unwrap();
    assert_eq!(
        member,
        Member {
            role: Role::Evaluator,
            coach: true,
            solution: None,
            price: Some(s(0.2))
        }
    );
    let r = db.begin_read().unwrap();
    let logged: Vec<Change> = r
        .log(0)
        .unwrap()
        .into_iter()
        .filter(|e| e.commit == r.last_commit().unwrap())
        .map(|e| e.change)
        .collect();
    assert_eq!(logged.len(), 3, "one entry per update");
    drop(r);
    let err = db
        .write(207, |t| t.set_role(ids.p2, ids.x1, Role::User))
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownEdge { .. }), "{err}");
    assert!(err.to_string().contains("person \"p2\""), "{err}");
}

#[test]
fn partial_updates_of_names_titles_and_leaving_dates_are_validated() {
    let (db, ids) = fixture();
    // Names, titles, leaving dates.
    let renamed = db
        .write(208, |t| t.rename(ids.client.into(), "Acme Holdings"))
        .unwrap();
    assert_eq!(renamed.name(), "Acme Holdings");
    assert_eq!(renamed.xid(), "A");
    let p = db
        .write(209, |t| t.set_title(ids.p1, Some("CTO".into())))
        .unwrap();
    assert_eq!(p.title.as_deref(), Some("CTO"));
    let e = db
        .write(210, |t| t.set_left(ids.e1, Some(day("2025-09-30"))))
        .unwrap();
    assert_eq!(e.left, Some(day("2025-09-30")));
    let r = db.begin_read().unwrap();
    assert_eq!(
        r.employee(ids.e1).unwrap().unwrap().left,
        Some(day("2025-09-30"))
    );
    assert_eq!(
        r.account(ids.client).unwrap().unwrap().name,
        "Acme Holdings"
    );
    assert!(r.check().unwrap().is_clean());
    drop(r);

    // Validated like an upsert; an unknown node is named; both poison the batch.
    let before = snapshot(&db);
    let long = "x".repeat(MAX_TEXT_BYTES + 1);
    let mut t = db.begin_write(211).unwrap();
    t.set_stage(ids.x1, Stage::Lost).unwrap();
    let err = t.rename(ids.p2.into(), &long).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::InvalidNode {
                kind: NodeKind::Person,
                ..
            }
        ),
        "{err}"
    );
    assert!(matches!(t.commit(), Err(StoreError::Poisoned)));
    assert_eq!(snapshot(&db), before);
    let err = db
        .write(212, |t| t.set_left(EmployeeId(9), None))
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownNode(_)), "{err}");
    assert_eq!(err.to_string(), "employee #9 does not exist");
}

/// The fixture plus account "B" and p3, who reports to p1 and is influenced by p1.
fn movers() -> (Database, Ids, AccountId, PersonId) {
    let (db, ids) = fixture();
    let (b, p3) = db
        .write(150, |t| {
            let b = t.upsert_account(account("B", AccountKind::Client))?;
            let p3 = t.upsert_person(person("p3"))?;
            t.add_edge(Edge::ReportsTo {
                person: p3,
                manager: ids.p1,
                weight: s(0.5),
            })?;
            t.add_edge(Edge::Influences {
                from: ids.p1,
                to: p3,
                weight: s(0.4),
            })?;
            Ok((b, p3))
        })
        .unwrap();
    (db, ids, b, p3)
}

fn works_at(db: &Database, p: PersonId) -> Vec<(AccountId, Employment)> {
    db.begin_read()
        .unwrap()
        .edges_out(p.into(), EdgeKind::WorksAt)
        .unwrap()
        .into_iter()
        .map(|e| match e {
            Edge::WorksAt {
                account,
                employment,
                ..
            } => (account, employment),
            other => panic!("{other:?}"),
        })
        .collect()
}

/// Moves p1 of a fresh [`movers`] database to "B" on 2025-06-01 with `options`; returns
/// the database, its ids, "B", p3 and the move.
fn move_p1(options: &MoveOptions) -> (Database, Ids, AccountId, PersonId, Move) {
    let (db, ids, b, p3) = movers();
    let moved = db
        .write(300, |t| {
            t.move_person(ids.p1, b, day("2025-06-01"), options)
        })
        .unwrap();
    (db, ids, b, p3, moved)
}

/// Move options that title the new period "COO" and keep every other edge.
fn as_coo() -> MoveOptions {
    MoveOptions {
        title: Some("COO".into()),
        ..MoveOptions::default()
    }
}

/// Move options that drop the person's reporting and influence edges.
fn dropping_all() -> MoveOptions {
    MoveOptions {
        drop_reporting: true,
        drop_influence: true,
        ..MoveOptions::default()
    }
}

#[test]
fn a_move_closes_one_period_opens_the_next_and_lists_what_needs_attention() {
    let (db, ids, b, _, moved) = move_p1(&as_coo());
    let on = day("2025-06-01");
    let closed = Employment {
        since: None,
        until: Some(on),
        title: None,
    };
    let opened = Employment {
        since: Some(on),
        until: None,
        title: Some("COO".into()),
    };
    assert_eq!(moved.from, Some(ids.client));
    assert_eq!(moved.from_xid.as_deref(), Some("A"));
    assert_eq!(moved.closed, Some(closed.clone()));
    assert_eq!((moved.to, moved.to_xid.as_str()), (b, "B"));
    assert_eq!(moved.opened, opened);
    assert!(moved.dropped.is_empty());
    assert_eq!(
        moved.to_string(),
        "person \"p1\" moved from account \"A\" to account \"B\" on 2025-06-01\n  \
         still in the decision chain of project \"x1\" at the old account (approver)\n  \
         reporting line kept: \"p1\" reports to \"p2\"\n  \
         reporting line kept: \"p3\" reports to \"p1\"\n  \
         influence kept: \"p1\" influences \"p3\""
    );
    assert!(matches!(
        &moved.attention[0],
        Attention::StillInChain { project, role: Role::Approver, coach: false, .. } if *project == ids.x1
    ));
    assert_eq!(
        works_at(&db, ids.p1),
        vec![(ids.client, closed), (b, opened)]
    );
    // One commit: the closed period (a change) and the new one (an addition).
    let r = db.begin_read().unwrap();
    let c = r.commits(r.last_commit().unwrap(), 1).unwrap()[0];
    assert_eq!((c.changes.edges.added, c.changes.edges.changed), (1, 1));
    assert!(r.check().unwrap().is_clean());
    drop(r);

    // Dropping the reporting and influence edges: removed, listed, logged.
    let (db, ids, _, p3, moved) = move_p1(&dropping_all());
    let dropped: Vec<EdgeKey> = moved.dropped.iter().map(|d| d.edge.key()).collect();
    assert_eq!(
        dropped,
        vec![
            Edge::ReportsTo {
                person: ids.p1,
                manager: ids.p2,
                weight: s(0.8)
            }
            .key(),
            Edge::ReportsTo {
                person: p3,
                manager: ids.p1,
                weight: s(0.5)
            }
            .key(),
            Edge::Influences {
                from: ids.p1,
                to: p3,
                weight: s(0.4)
            }
            .key(),
        ]
    );
    assert_eq!(moved.attention.len(), 1);
    let r = db.begin_read().unwrap();
    assert!(r
        .edges_out(ids.p1.into(), EdgeKind::ReportsTo)
        .unwrap()
        .is_empty());
    assert!(r
        .edges_in(ids.p1.into(), EdgeKind::Influences)
        .unwrap()
        .is_empty());
    assert!(r
        .edges_out(ids.p1.into(), EdgeKind::Influences)
        .unwrap()
        .is_empty());
    // The chain membership stays: the project's `left` reports it.
    assert_eq!(
        r.edges_out(ids.p1.into(), EdgeKind::Member).unwrap().len(),
        1
    );
    let c = r.commits(r.last_commit().unwrap(), 1).unwrap()[0];
    assert_eq!(c.changes.edges.removed, 3);
}

#[test]
fn a_move_serialises_with_external_ids() {
    // Kept edges: listed as points of attention, by external id.
    let (.., moved) = move_p1(&as_coo());
    assert_eq!(
        serde_json::to_value(&moved).unwrap(),
        serde_json::json!({
            "person": "p1", "from": "A", "to": "B", "on": "2025-06-01",
            "closed": {"since": null, "until": "2025-06-01", "title": null},
            "opened": {"since": "2025-06-01", "until": null, "title": "COO"},
            "dropped": [],
            "attention": [
                {"kind": "still_in_chain", "project": "x1", "role": "approver", "coach": false},
                {"kind": "reporting_kept", "person": "p1", "manager": "p2"},
                {"kind": "reporting_kept", "person": "p3", "manager": "p1"},
                {"kind": "influence_kept", "from": "p1", "to": "p3"},
            ],
        })
    );
    // Dropped edges: named by their ends' external ids, with their weights.
    let (.., moved) = move_p1(&dropping_all());
    let json = serde_json::to_value(&moved).unwrap();
    assert_eq!(
        json["dropped"],
        serde_json::json!([
            {"kind": "reports_to", "from": "p1", "to": "p2", "weight": 0.8},
            {"kind": "reports_to", "from": "p3", "to": "p1", "weight": 0.5},
            {"kind": "influences", "from": "p1", "to": "p3", "weight": 0.4},
        ])
    );
    assert_eq!(json["opened"]["title"], serde_json::Value::Null);
    assert_eq!(
        moved.to_string(),
        "person \"p1\" moved from account \"A\" to account \"B\" on 2025-06-01\n  \
         removed reports_to \"p1\" → \"p2\"\n  \
         removed reports_to \"p3\" → \"p1\"\n  \
         removed influences \"p1\" → \"p3\"\n  \
         still in the decision chain of project \"x1\" at the old account (approver)"
    );
}

#[test]
fn a_move_follows_the_periods_rules() {
    let (db, ids, b, p3) = movers();
    let on = day("2025-06-01");
    let opts = MoveOptions::default();
    // p3 works nowhere: it just joins.
    let joined = db.write(300, |t| t.move_person(p3, b, on, &opts)).unwrap();
    assert_eq!((joined.from, joined.closed.clone()), (None, None));
    assert_eq!(
        joined.to_string().lines().next(),
        Some("person \"p3\" joined account \"B\" on 2025-06-01")
    );
    // To an account where the person already has a period: refused, one per account.
    let before = snapshot(&db);
    let err = db
        .write(301, |t| t.move_person(p3, b, day("2025-07-01"), &opts))
        .unwrap_err();
    assert!(matches!(err, StoreError::PeriodExists { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(
        err.to_string(),
        "person \"p3\" already has a period at account \"B\" (from 2025-06-01); a person has one period per account, so the move is refused"
    );
    assert_eq!(snapshot(&db), before, "a refused move writes nothing");
    // On to A, which closes B; then back to B is refused: one period per account.
    let moved = db
        .write(302, |t| {
            t.move_person(p3, ids.client, day("2025-08-01"), &opts)
        })
        .unwrap();
    assert_eq!(moved.from, Some(b));
    let err = db
        .write(303, |t| t.move_person(p3, b, day("2025-09-01"), &opts))
        .unwrap_err();
    assert!(matches!(err, StoreError::PeriodExists { .. }), "{err:?}");
    // A period that began on the day of the move would be left empty.
    let empty = db
        .write(304, |t| {
            t.move_person(p3, ids.partner, day("2025-08-01"), &opts)
        })
        .unwrap_err();
    assert!(matches!(empty, StoreError::InvalidEdge { .. }), "{empty:?}");
    // A later period that the open-ended new one would overlap.
    let (db2, ids2, b2, p3b) = movers();
    let overlap = db2
        .write(305, |t| {
            t.add_edge(Edge::WorksAt {
                person: p3b,
                account: b2,
                employment: Employment {
                    since: Some(day("2026-01-01")),
                    until: None,
                    title: None,
                },
            })?;
            t.move_person(p3b, ids2.partner, on, &opts)
        })
        .unwrap_err();
    assert!(
        matches!(overlap, StoreError::OverlappingPeriods { .. }),
        "{overlap:?}"
    );
    // Unknown person or account.
    let err = db
        .write(306, |t| t.move_person(PersonId(77), b, on, &opts))
        .unwrap_err();
    assert_eq!(err.to_string(), "person #77 does not exist");
    let err = db
        .write(307, |t| t.move_person(ids.p2, AccountId(77), on, &opts))
        .unwrap_err();
    assert_eq!(err.to_string(), "account #77 does not exist");
}
