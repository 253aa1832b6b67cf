//! Every class of bad input, each giving its typed error (the table in RELIABILITY.md lists
//! these tests by name). Nothing here may panic, and nothing bad may be written.

mod common;

use common::image::ImageBackend;
use common::{fixture, person, s, snapshot, tie};

use guanxi::io::{read_csv_dir, CsvImportError, RowErrorKind};
use guanxi::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, EdgeKey, EdgeKind, Employee, EmployeeId,
    Employment, Interaction, InteractionKind, ModelError, Network, NetworkError, NodeKind, NodeRef,
    NodeView, Person, PersonId, Score, MAX_ID_BYTES, MAX_TEXT_BYTES,
};
use guanxi::store::{Database, Read, StoreError, Violation};
use std::path::Path;
use tempfile::TempDir;

/// A valid folder with `files` replaced or added.
fn folder(files: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new().unwrap();
    let base: [(&str, &[u8]); 4] = [
        (
            "accounts.csv",
            b"id,name,kind\na1,A,client\nk1,K,competitor\n",
        ),
        (
            "persons.csv",
            b"id,name,account_id,title\np1,P,a1,\np2,Q,a1,CTO\n",
        ),
        ("employees.csv", b"id,name\ne1,E\n"),
        (
            "projects.csv",
            b"id,name,account_id,stage,amount\nx1,X,a1,lead,10\n",
        ),
    ];
    for (name, text) in base.iter().chain(files) {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// The row-error kinds of importing the folder.
fn row_errors(files: &[(&str, &[u8])]) -> Vec<RowErrorKind> {
    let dir = folder(files);
    match read_csv_dir(dir.path()) {
        Err(CsvImportError::Rows(r)) => r.errors.into_iter().map(|e| e.kind).collect(),
        other => panic!("expected row errors, got {other:?}"),
    }
}

fn two_persons(db: &Database) -> (PersonId, PersonId) {
    db.write(1, |t| {
        let a = t.upsert_person(Person {
            xid: "p1".into(),
            name: "A".into(),
            title: None,
        })?;
        let b = t.upsert_person(Person {
            xid: "p2".into(),
            name: "B".into(),
            title: None,
        })?;
        Ok((a, b))
    })
    .unwrap()
}

// ---- values -------------------------------------------------------------------------

#[test]
fn score_out_of_range_is_refused_by_model_and_csv() {
    assert!(
        matches!(Score::new(1.5), Err(ModelError::ScoreOutOfRange(x)) if x.to_bits() == 1.5f64.to_bits())
    );
    assert!(matches!(
        Score::new(-0.1),
        Err(ModelError::ScoreOutOfRange(_))
    ));
    let kinds = row_errors(&[(
        "ties.csv",
        b"employee_id,person_id,closeness,last_contact,private\ne1,p1,1.5,,\n",
    )]);
    assert!(
        matches!(&kinds[..], [RowErrorKind::BadScore { column: "closeness", value }] if value == "1.5")
    );
}

#[test]
fn nan_and_infinite_scores_are_refused() {
    assert!(matches!(
        Score::new(f64::NAN),
        Err(ModelError::ScoreOutOfRange(_))
    ));
    assert!(matches!(
        Score::new(f64::INFINITY),
        Err(ModelError::ScoreOutOfRange(_))
    ));
    let kinds = row_errors(&[(
        "influence.csv",
        b"from_id,to_id,kind,weight\np1,p2,influences,NaN\np2,p1,influences,inf\n",
    )]);
    assert_eq!(kinds.len(), 2);
    assert!(kinds.iter().all(|k| matches!(
        k,
        RowErrorKind::BadScore {
            column: "weight",
            ..
        }
    )));
}

#[test]
fn negative_amount_and_unknown_vocabulary_are_refused() {
    let kinds = row_errors(&[(
        "projects.csv",
        b"id,name,account_id,stage,amount\nx1,X,a1,lead,-5\nx2,Y,a1,negotiation,1\n",
    )]);
    assert!(matches!(
        &kinds[0],
        RowErrorKind::BadAmount {
            column: "amount",
            ..
        }
    ));
    assert!(matches!(
        &kinds[1],
        RowErrorKind::UnknownValue {
            column: "stage",
            ..
        }
    ));
}

#[test]
fn wrong_dates_are_refused() {
    assert!(matches!(
        "2025-13-01".parse::<Day>(),
        Err(ModelError::NotACalendarDate(_))
    ));
    assert!(matches!(
        "2025-02-30".parse::<Day>(),
        Err(ModelError::NotACalendarDate(_))
    ));
    assert!(matches!(
        "30/06/2025".parse::<Day>(),
        Err(ModelError::BadDate(_))
    ));
    let kinds = row_errors(&[(
        "ties.csv",
        b"employee_id,person_id,closeness,last_contact,private\ne1,p1,0.5,2025-02-30,\ne1,p2,0.5,yesterday,\n",
    )]);
    // A well-formed day that does not exist is told apart from a malformed date.
    assert_eq!(
        kinds,
        [
            RowErrorKind::NotACalendarDate {
                column: "last_contact",
                value: "2025-02-30".into()
            },
            RowErrorKind::BadDate {
                column: "last_contact",
                value: "yesterday".into()
            }
        ]
    );
}

#[test]
fn empty_external_ids_are_refused() {
    let db = Database::in_memory().unwrap();
    let r = db.write(1, |t| {
        t.upsert_person(Person {
            xid: String::new(),
            name: "X".into(),
            title: None,
        })
    });
    assert!(matches!(
        r,
        Err(StoreError::InvalidNode {
            kind: NodeKind::Person,
            source: ModelError::EmptyExternalId,
            ..
        })
    ));
}

// ---- references and rules of the model (docs/model.md) --------------------------------

#[test]
fn dangling_ids_are_refused_by_csv_store_and_import() {
    let kinds = row_errors(&[(
        "ties.csv",
        b"employee_id,person_id,closeness,last_contact,private\ne1,p9,0.5,,\n",
    )]);
    assert!(
        matches!(&kinds[..], [RowErrorKind::UnknownId { column: "person_id", id, file: "persons.csv", database: false }] if id == "p9")
    );

    let db = Database::in_memory().unwrap();
    let (a, _) = two_persons(&db);
    let ghost = PersonId(77);
    let r = db.write(2, |t| {
        t.add_edge(Edge::ReportsTo {
            person: a,
            manager: ghost,
            weight: s(0.8),
        })
    });
    assert!(matches!(r, Err(StoreError::DanglingEnd { end, .. }) if end == NodeRef::from(ghost)));

    let mut net = Network::new();
    net.persons.push(Person {
        xid: "q".into(),
        name: "Q".into(),
        title: None,
    });
    net.edges.push(Edge::WorksAt {
        person: PersonId(0),
        account: AccountId(3),
        employment: Employment::default(),
    });
    let r = db.import_network(&net, 3);
    assert!(
        matches!(r, Err(StoreError::Network(ref v)) if matches!(v[..], [NetworkError::DanglingEnd { .. }]))
    );
    assert_eq!(
        db.begin_read()
            .unwrap()
            .lookup(NodeKind::Person, "q")
            .unwrap(),
        None,
        "nothing written"
    );
}

#[test]
fn wrong_edge_end_types_are_refused() {
    // The typed Edge enum cannot express them; an untyped key cannot become an edge…
    let key = EdgeKey {
        kind: EdgeKind::Tie,
        from: NodeRef::new(NodeKind::Person, 0),
        to: NodeRef::new(NodeKind::Person, 1),
    };
    assert_eq!(Edge::from_parts(key, guanxi::model::EdgeAttrs::None), None);
    // …queries with the wrong node type are typed errors…
    let db = Database::in_memory().unwrap();
    let (a, _) = two_persons(&db);
    let r = db.begin_read().unwrap();
    assert!(matches!(
        r.edges_out(a.into(), EdgeKind::Tie),
        Err(StoreError::WrongEndType { end: "from", .. })
    ));
    assert!(matches!(
        r.edges_in(a.into(), EdgeKind::WorksAt),
        Err(StoreError::WrongEndType { end: "to", .. })
    ));
    // …and in CSV an end of the wrong type is an unknown id or an unknown target kind.
    let kinds = row_errors(&[(
        "owners.csv",
        b"employee_id,target_kind,target_id\ne1,person,p1\ne1,account,x1\n",
    )]);
    assert!(matches!(
        &kinds[0],
        RowErrorKind::UnknownValue {
            column: "target_kind",
            ..
        }
    ));
    assert!(matches!(
        &kinds[1],
        RowErrorKind::UnknownId {
            column: "target_id",
            ..
        }
    ));
}

#[test]
fn rival_edges_from_a_non_competitor_are_refused() {
    let kinds = row_errors(&[(
        "rival_ties.csv",
        b"competitor_id,person_id,closeness\na1,p1,0.5\n",
    )]);
    assert!(matches!(
        &kinds[..],
        [RowErrorKind::NotACompetitor {
            kind: AccountKind::Client,
            ..
        }]
    ));
    let db = Database::in_memory().unwrap();
    let (p, _) = two_persons(&db);
    let r = db.write(2, |t| {
        let a = t.upsert_account(Account {
            xid: "a1".into(),
            name: "A".into(),
            kind: AccountKind::Client,
        })?;
        t.add_edge(Edge::RivalTie {
            competitor: a,
            person: p,
            closeness: s(0.5),
        })
    });
    assert!(matches!(
        r,
        Err(StoreError::NotACompetitor {
            kind: AccountKind::Client,
            ..
        })
    ));
    // A competitor with rival edges may not stop being one.
    let r = db.write(3, |t| {
        let k = t.upsert_account(Account {
            xid: "k1".into(),
            name: "K".into(),
            kind: AccountKind::Competitor,
        })?;
        t.add_edge(Edge::RivalTie {
            competitor: k,
            person: p,
            closeness: s(0.5),
        })?;
        t.upsert_account(Account {
            xid: "k1".into(),
            name: "K".into(),
            kind: AccountKind::Partner,
        })
    });
    assert!(matches!(
        r,
        Err(StoreError::CompetitorHasEdges { edges: 1, .. })
    ));
}

#[test]
fn duplicate_ids_are_refused_by_csv_and_import() {
    let kinds = row_errors(&[(
        "persons.csv",
        b"id,name,account_id,title\np1,P,a1,\np1,Q,a1,\n",
    )]);
    assert!(matches!(&kinds[..], [RowErrorKind::DuplicateId { id, first_line: 2 }] if id == "p1"));
    let mut net = Network::new();
    for _ in 0..2 {
        net.persons.push(Person {
            xid: "same".into(),
            name: "S".into(),
            title: None,
        });
    }
    let db = Database::in_memory().unwrap();
    let r = db.import_network(&net, 1);
    assert!(
        matches!(r, Err(StoreError::Network(ref v)) if matches!(v[..], [NetworkError::DuplicateId { kind: NodeKind::Person, .. }]))
    );
}

#[test]
fn duplicate_and_second_single_edges_are_refused() {
    let db = Database::in_memory().unwrap();
    let (p1, p2) = two_persons(&db);
    let edge = Edge::Influences {
        from: p1,
        to: p2,
        weight: s(0.5),
    };
    db.write(2, |t| t.add_edge(edge.clone())).unwrap();
    assert!(matches!(
        db.write(3, |t| t.add_edge(edge)),
        Err(StoreError::DuplicateEdge(_))
    ));
    let r = db.write(4, |t| {
        let acc_x = t.upsert_account(Account {
            xid: "x".into(),
            name: "X".into(),
            kind: AccountKind::Client,
        })?;
        let acc_y = t.upsert_account(Account {
            xid: "y".into(),
            name: "Y".into(),
            kind: AccountKind::Client,
        })?;
        t.add_edge(Edge::WorksAt {
            person: p1,
            account: acc_x,
            employment: Employment::default(),
        })?;
        t.add_edge(Edge::WorksAt {
            person: p1,
            account: acc_y,
            employment: Employment::default(),
        })
    });
    // Two periods spanning all time overlap.
    assert!(
        matches!(r, Err(StoreError::OverlappingPeriods { .. })),
        "{r:?}"
    );
    let kinds = row_errors(&[(
        "influence.csv",
        b"from_id,to_id,kind,weight\np1,p2,influences,0.5\np1,p2,influences,0.6\n",
    )]);
    assert!(matches!(
        &kinds[..],
        [RowErrorKind::DuplicateEdge {
            edge: EdgeKind::Influences,
            first_line: 2
        }]
    ));
}

/// The model (docs/model.md) allows cycles of `reports_to` and `influences`; the only forbidden cycle is a
/// self-loop.
#[test]
fn self_loops_are_the_only_refused_cycle() {
    let db = Database::in_memory().unwrap();
    let (a, b) = two_persons(&db);
    let r = db.write(2, |t| {
        t.add_edge(Edge::ReportsTo {
            person: a,
            manager: a,
            weight: s(0.8),
        })
    });
    assert!(matches!(
        r,
        Err(StoreError::InvalidEdge {
            source: ModelError::SelfLoop(EdgeKind::ReportsTo),
            ..
        })
    ));
    // A two-cycle is allowed.
    db.write(3, |t| {
        t.add_edge(Edge::Influences {
            from: a,
            to: b,
            weight: s(0.5),
        })?;
        t.add_edge(Edge::Influences {
            from: b,
            to: a,
            weight: s(0.5),
        })
    })
    .unwrap();
    let kinds = row_errors(&[(
        "influence.csv",
        b"from_id,to_id,kind,weight\np1,p1,reports_to,\n",
    )]);
    assert!(matches!(
        &kinds[..],
        [RowErrorKind::SelfLoop {
            edge: EdgeKind::ReportsTo,
            ..
        }]
    ));
}

#[test]
fn an_error_poisons_the_whole_transaction() {
    let (db, ids) = fixture();
    let before = snapshot(&db);
    let mut t = db.begin_write(8).unwrap();
    let new = t.upsert_person(person("p3")).unwrap();
    t.add_edge(tie(ids.e1, new, 0.9)).unwrap();
    assert!(t.add_edge(tie(ids.e1, new, 0.9)).is_err());
    assert!(t.is_poisoned());
    // Later operations, reads and the commit are refused.
    assert!(matches!(
        t.upsert_person(person("p4")),
        Err(StoreError::Poisoned)
    ));
    assert!(matches!(
        t.count(NodeKind::Person),
        Err(StoreError::Poisoned)
    ));
    assert!(matches!(t.commit(), Err(StoreError::Poisoned)));
    assert_eq!(snapshot(&db), before);
    // The database is usable afterwards.
    db.write(9, |t| t.upsert_person(person("p3"))).unwrap();
}

// ---- malformed files ----------------------------------------------------------------

#[test]
fn malformed_csv_is_refused() {
    let kinds = row_errors(&[("persons.csv", b"id,name,account_id,title\np1,P,a1\n")]);
    assert!(matches!(
        &kinds[..],
        [RowErrorKind::FieldCount {
            expected: 4,
            found: 3
        }]
    ));
    let kinds = row_errors(&[("persons.csv", b"id,account_id,title\np1,a1,\n")]);
    assert!(matches!(
        &kinds[..],
        [RowErrorKind::MissingColumn { column: "name", .. }]
    ));
    let kinds = row_errors(&[(
        "persons.csv",
        b"id,name,account_id,title\np1,\xff\xfe,a1,\n",
    )]);
    assert!(matches!(
        &kinds[..],
        [RowErrorKind::InvalidUtf8 { column: "name" }]
    ));
    let kinds = row_errors(&[(
        "persons.csv",
        b"id,name,account_id,title\np1,\"unclosed,a1,\n",
    )]);
    assert!(!kinds.is_empty());
    let dir = TempDir::new().unwrap();
    assert!(matches!(
        read_csv_dir(dir.path()),
        Err(CsvImportError::MissingAccounts { .. })
    ));
    let file = dir.path().join("file.csv");
    std::fs::write(&file, b"x").unwrap();
    assert!(matches!(
        read_csv_dir(&file),
        Err(CsvImportError::NotAFolder { .. })
    ));
    // A file that cannot be read (here a folder where persons.csv should be).
    let dir = folder(&[]);
    std::fs::remove_file(dir.path().join("persons.csv")).unwrap();
    std::fs::create_dir(dir.path().join("persons.csv")).unwrap();
    assert!(matches!(
        read_csv_dir(dir.path()),
        Err(CsvImportError::Io { ref path, .. }) if path.ends_with("persons.csv")
    ));
}

#[test]
fn misnamed_csv_files_are_refused() {
    for (name, suggestion) in [
        ("Persons.csv", Some("persons.csv")),
        ("person.csv", Some("persons.csv")),
        ("chain.CSV", Some("chain.csv")),
        ("deals.csv", None),
    ] {
        let dir = folder(&[(name, b"project_id,person_id,role,coach,solution,price\n")]);
        match read_csv_dir(dir.path()) {
            Err(CsvImportError::UnknownFiles(files)) => {
                assert_eq!(files.len(), 1);
                assert!(files[0].path.ends_with(name));
                assert_eq!(files[0].suggestion, suggestion);
            }
            other => panic!("{name}: expected UnknownFiles, got {other:?}"),
        }
    }
}

#[test]
fn wrongly_separated_or_utf16_files_are_named_as_such() {
    let kinds = row_errors(&[("persons.csv", b"id;name;account_id;title\np1;P;a1;\n")]);
    assert_eq!(kinds, [RowErrorKind::WrongSeparator { separator: ';' }]);
    let kinds = row_errors(&[("employees.csv", b"id\tname\ne1\tE\n")]);
    assert_eq!(kinds, [RowErrorKind::WrongSeparator { separator: '\t' }]);
    let kinds = row_errors(&[("employees.csv", b"\xFF\xFEi\x00d\x00,\x00n\x00")]);
    assert_eq!(kinds, [RowErrorKind::Utf16 { bom: true }]);
    let kinds = row_errors(&[("employees.csv", b"i\x00d\x00,\x00n\x00a\x00m\x00e\x00")]);
    assert_eq!(kinds, [RowErrorKind::Utf16 { bom: false }]);
}

#[test]
fn amounts_above_1e15_are_refused() {
    assert_eq!(Amount::new(1e15).map(Amount::get), Ok(1e15));
    assert_eq!(Amount::new(2e15), Err(ModelError::AmountTooLarge(2e15)));
    assert_eq!(
        "1e308".parse::<Amount>(),
        Err(ModelError::AmountTooLarge(1e308))
    );
    let kinds = row_errors(&[(
        "projects.csv",
        b"id,name,account_id,stage,amount\nx1,X,a1,lead,1e16\n",
    )]);
    assert_eq!(
        kinds,
        [RowErrorKind::AmountTooLarge {
            column: "amount",
            value: "1e16".into()
        }]
    );
}

#[test]
fn texts_over_their_caps_are_refused() {
    let long = |n: usize| "x".repeat(n);
    // Model and network.
    let p = Person {
        xid: long(MAX_ID_BYTES + 1),
        name: "P".into(),
        title: None,
    };
    assert_eq!(
        NodeView::from(&p).validate(),
        Err(ModelError::TooLong {
            field: "id",
            len: MAX_ID_BYTES + 1,
            max: MAX_ID_BYTES
        })
    );
    let mut net = Network::new();
    net.persons.push(p.clone());
    assert!(matches!(
        &net.validate().unwrap_err()[..],
        [NetworkError::InvalidNode {
            source: ModelError::TooLong { field: "id", .. },
            ..
        }]
    ));
    // Store: nothing is written.
    let db = Database::in_memory().unwrap();
    let named = Person {
        xid: "p".into(),
        name: long(MAX_TEXT_BYTES + 1),
        title: None,
    };
    for person in [p, named] {
        assert!(matches!(
            db.write(1, |t| t.upsert_person(person.clone())),
            Err(StoreError::InvalidNode {
                kind: NodeKind::Person,
                source: ModelError::TooLong { .. },
                ..
            })
        ));
    }
    assert_eq!(db.begin_read().unwrap().count(NodeKind::Person).unwrap(), 0);
    // CSV.
    let persons = format!(
        "id,name,account_id,title\np1,P,a1,{}\n",
        long(MAX_TEXT_BYTES + 1)
    );
    let kinds = row_errors(&[("persons.csv", persons.as_bytes())]);
    assert_eq!(
        kinds,
        [RowErrorKind::TooLong {
            column: "title",
            len: MAX_TEXT_BYTES + 1,
            max: MAX_TEXT_BYTES
        }]
    );
}

#[test]
fn overlapping_or_empty_employment_periods_are_refused() {
    let day = |s: &str| s.parse::<Day>().unwrap();
    let period = |account: u32, since: Option<&str>, until: Option<&str>| Edge::WorksAt {
        person: PersonId(0),
        account: AccountId(account),
        employment: Employment {
            since: since.map(day),
            until: until.map(day),
            title: None,
        },
    };
    // Model: an empty period.
    assert!(matches!(
        period(0, Some("2024-01-01"), Some("2023-01-01")).validate(),
        Err(ModelError::EmptyPeriod { .. })
    ));
    // Network: overlapping periods, named by external id.
    let mut net = Network::new();
    for xid in ["a", "b"] {
        net.accounts.push(Account {
            xid: xid.into(),
            name: xid.into(),
            kind: AccountKind::Client,
        });
    }
    net.persons.push(Person {
        xid: "p".into(),
        name: "P".into(),
        title: None,
    });
    net.edges.push(period(0, None, Some("2024-01-01")));
    net.edges.push(period(1, Some("2023-06-01"), None));
    let errs = net.validate().unwrap_err();
    assert!(
        matches!(&errs[..], [NetworkError::OverlappingPeriods { person, .. }] if person.xid.as_deref() == Some("p")),
        "{errs:?}"
    );
    // Store: import and single puts; nothing is written.
    let db = Database::in_memory().unwrap();
    assert!(matches!(
        db.import_network(&net, 1),
        Err(StoreError::Network(_))
    ));
    net.edges.pop();
    db.import_network(&net, 2).unwrap();
    let before = db.begin_read().unwrap().network().unwrap().0;
    let r = db.write(3, |t| {
        t.add_edge(Edge::WorksAt {
            person: PersonId(0),
            account: AccountId(1),
            employment: Employment::default(),
        })
    });
    assert!(
        matches!(r, Err(StoreError::OverlappingPeriods { .. })),
        "{r:?}"
    );
    let r = db.write(4, |t| {
        t.add_edge(Edge::WorksAt {
            person: PersonId(0),
            account: AccountId(1),
            employment: Employment {
                since: Some(day("2025-01-01")),
                until: Some(day("2025-01-01")),
                title: None,
            },
        })
    });
    assert!(
        matches!(
            r,
            Err(StoreError::InvalidEdge {
                source: ModelError::EmptyPeriod { .. },
                ..
            })
        ),
        "{r:?}"
    );
    assert_eq!(db.begin_read().unwrap().network().unwrap().0, before);
    // CSV: every rule on its row.
    let kinds = row_errors(&[
        ("persons.csv", b"id,name,account_id,title\np1,P,,\np2,Q,a1,\n"),
        (
            "employment.csv",
            b"person_id,account_id,since,until,title\np1,a1,,2024-01-01,\np1,k1,2023-01-01,,\np1,a1,,,\np2,k1,2020-01-01,2020-01-01,\n",
        ),
    ]);
    assert!(
        matches!(
            &kinds[..],
            [
                RowErrorKind::OverlappingPeriods { other_line: 2, .. },
                RowErrorKind::DuplicateEdge {
                    edge: EdgeKind::WorksAt,
                    first_line: 2
                },
                RowErrorKind::AccountInPersons {
                    persons_line: 3,
                    ..
                },
                RowErrorKind::EmptyPeriod { .. },
            ]
        ),
        "{kinds:?}"
    );
}

#[test]
fn interactions_with_unknown_ends_or_kinds_are_refused() {
    assert!(matches!(
        "visit".parse::<InteractionKind>(),
        Err(ModelError::UnknownInteractionKind(_))
    ));
    let mut net = Network::new();
    net.employees.push(Employee {
        xid: "e".into(),
        name: "E".into(),
        left: None,
    });
    net.interactions.push(Interaction {
        employee: EmployeeId(0),
        person: PersonId(3),
        date: "2025-01-01".parse().unwrap(),
        kind: InteractionKind::Call,
        project: None,
    });
    assert!(matches!(
        &net.validate().unwrap_err()[..],
        [NetworkError::DanglingInteraction { end, .. }] if *end == NodeRef::from(PersonId(3))
    ));
    let kinds = row_errors(&[(
        "interactions.csv",
        b"employee_id,person_id,date,kind,project_id\ne1,p9,2025-01-01,call,\ne1,p1,2025-01-01,visit,x9\n",
    )]);
    assert!(
        matches!(
            &kinds[..],
            [
                RowErrorKind::UnknownId {
                    column: "person_id",
                    ..
                },
                RowErrorKind::UnknownValue { column: "kind", .. },
                RowErrorKind::UnknownId {
                    column: "project_id",
                    ..
                },
            ]
        ),
        "{kinds:?}"
    );
}

// ---- database files -----------------------------------------------------------------

fn valid_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("valid.guanxi");
    let db = Database::create(&path).unwrap();
    two_persons(&db);
    path
}

#[test]
fn a_missing_file_is_refused() {
    let dir = TempDir::new().unwrap();
    assert!(matches!(
        Database::open(dir.path().join("none.guanxi")),
        Err(StoreError::Missing { .. })
    ));
}

#[test]
fn files_that_are_not_guanxi_databases_are_refused_and_left_untouched() {
    let dir = TempDir::new().unwrap();
    let text = dir.path().join("notes.txt");
    let body = b"Quarterly notes: call the client back.\n".repeat(200);
    std::fs::write(&text, &body).unwrap();
    assert!(matches!(
        Database::open(&text),
        Err(StoreError::NotAGuanxiDatabase { .. })
    ));
    assert!(matches!(
        Database::create(&text),
        Err(StoreError::NotAGuanxiDatabase { .. })
    ));
    assert_eq!(std::fs::read(&text).unwrap(), body);
    // A database of the same storage engine, but of another application.
    let other = dir.path().join("other.redb");
    {
        let db = redb::Database::create(&other).unwrap();
        let w = db.begin_write().unwrap();
        w.open_table(redb::TableDefinition::<&str, u64>::new("inventory"))
            .unwrap()
            .insert("bolts", 7)
            .unwrap();
        w.commit().unwrap();
    }
    let before = std::fs::read(&other).unwrap();
    assert!(matches!(
        Database::open(&other),
        Err(StoreError::NotAGuanxiDatabase { .. })
    ));
    assert!(matches!(
        Database::create(&other),
        Err(StoreError::NotAGuanxiDatabase { .. })
    ));
    assert_eq!(std::fs::read(&other).unwrap(), before);
    // An empty storage file without guanxi's tables is refused by open.
    let empty = dir.path().join("empty.redb");
    drop(redb::Database::create(&empty).unwrap());
    assert!(matches!(
        Database::open(&empty),
        Err(StoreError::NotAGuanxiDatabase { .. })
    ));
    // A guanxi-shaped file whose meta table lacks the magic value.
    let other_dir = TempDir::new().unwrap();
    let fake = valid_file(other_dir.path());
    common::poke_meta(&fake, "magic", 1);
    let before = std::fs::read(&fake).unwrap();
    for open in [Database::open, Database::create] {
        assert!(matches!(
            open(&fake),
            Err(StoreError::NotAGuanxiDatabase { .. })
        ));
    }
    assert_eq!(std::fs::read(&fake).unwrap(), before);
}

/// A newer format is refused without a single byte of the file changing: the meta table
/// is read through a read-only handle first, so the storage engine never opens the file
/// for writing (a writable handle records its allocator state when it closes).
#[test]
fn a_newer_format_is_refused_and_left_untouched() {
    let dir = TempDir::new().unwrap();
    let path = valid_file(dir.path());
    common::poke_meta(&path, "format", 4);
    let before = std::fs::read(&path).unwrap();
    for open in [Database::open, Database::open_verified, Database::create] {
        let err = open(&path).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NewerFormat {
                    found: 4,
                    supported: 3
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("upgrade guanxi"), "{err}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_corrupt_record_is_a_typed_error_and_a_check_violation() {
    let dir = TempDir::new().unwrap();
    let path = valid_file(dir.path());
    common::tamper(&path, |w| {
        // Person 0's record: version byte, then a string length longer than the record.
        w.open_table(redb::TableDefinition::<u32, &[u8]>::new(
            "guanxi.node.person",
        ))
        .unwrap()
        .insert(0, [1u8, 0x7f, b'x'].as_slice())
        .unwrap();
    });
    let db = Database::open(&path).unwrap();
    let r = db.begin_read().unwrap();
    assert!(matches!(
        r.person(PersonId(0)),
        Err(StoreError::Corrupt { .. })
    ));
    assert!(matches!(r.network(), Err(StoreError::Corrupt { .. })));
    let report = r.check().unwrap();
    assert!(
        matches!(report.violations[..], [Violation::Undecodable { .. }, ..]),
        "{report}"
    );
}

#[test]
fn a_damaged_file_is_refused_or_reported_never_a_panic() {
    let dir = TempDir::new().unwrap();
    let path = valid_file(dir.path());
    let good = std::fs::read(&path).unwrap();
    let mut outcomes = std::collections::BTreeMap::new();
    // Truncations and byte flips across the whole file, deterministic.
    for i in 0..64usize {
        let mut bytes = good.clone();
        if i % 2 == 0 {
            bytes.truncate(good.len() * i / 64);
        } else {
            for j in 0..8 {
                let at = (i * 7919 + j * 104_729) % bytes.len();
                bytes[at] ^= 0x5a;
            }
        }
        let p = dir.path().join(format!("damaged-{i}.guanxi"));
        std::fs::write(&p, &bytes).unwrap();
        let outcome = match Database::open(&p) {
            Err(e) => format!("refused: {}", variant(&e)),
            Ok(db) => match db.check() {
                Ok(r) if r.is_clean() => "opened, clean".to_owned(),
                Ok(_) => "opened, check lists violations".to_owned(),
                Err(e) => format!("opened, check fails: {}", variant(&e)),
            },
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
        // Opening with verification refuses what does not verify; what it opens reads.
        let outcome = match Database::open_verified(&p) {
            Err(e) => format!("verified open refused: {}", variant(&e)),
            Ok(db) => {
                let r = db.begin_read().unwrap();
                let _ = r.network();
                match r.check() {
                    Ok(r) if r.is_clean() => "verified open, clean".to_owned(),
                    Ok(_) => "verified open, check lists violations".to_owned(),
                    Err(e) => format!("verified open, check fails: {}", variant(&e)),
                }
            }
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
    }
    println!("{outcomes:#?}");
    assert!(outcomes.keys().any(|k| k.starts_with("refused")));
}

fn variant(e: &StoreError) -> &'static str {
    match e {
        StoreError::NotAGuanxiDatabase { .. } => "NotAGuanxiDatabase",
        StoreError::Open { .. } => "Open",
        StoreError::Corrupt { .. } => "Corrupt",
        StoreError::Storage(_) => "Storage",
        StoreError::Table(_) => "Table",
        StoreError::Transaction(_) => "Transaction",
        _ => "other",
    }
}

#[test]
fn a_full_disk_fails_the_commit_and_keeps_what_was_committed() {
    let backend = ImageBackend::with_limit(Vec::new(), 3 * 1024 * 1024);
    let db = Database::with_backend(backend.clone(), "small disk").unwrap();
    two_persons(&db);
    // Write until the disk is full.
    let mut committed = 0u32;
    let err = loop {
        let r = db.write(2, |t| {
            for j in 0..200 {
                t.upsert_person(Person {
                    xid: format!("f{committed}-{j}"),
                    name: "x".repeat(200),
                    title: None,
                })?;
            }
            Ok(())
        });
        match r {
            Ok(()) => committed += 1,
            Err(e) => break e,
        }
        assert!(committed < 10_000, "the simulated disk never filled");
    };
    assert!(
        matches!(err, StoreError::Storage(_) | StoreError::Commit(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("no space left"), "{err}");
    // The message says what to do, and a program can tell it from a bad request.
    assert!(
        err.to_string()
            .contains("the disk is full: free some space, then open the database again and retry"),
        "{err}"
    );
    assert!(err.is_disk_full() && !err.is_invalid_input());
    drop(db);
    // Reopened from the bytes on the "disk": consistent, every committed batch there.
    let db = Database::with_backend(ImageBackend::new(backend.bytes()), "after").unwrap();
    let r = db.begin_read().unwrap();
    assert!(r.check().unwrap().is_clean());
    assert_eq!(
        r.count(NodeKind::Person).unwrap(),
        2 + 200 * u64::from(committed)
    );
}
