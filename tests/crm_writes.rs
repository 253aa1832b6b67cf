//! The writes a CRM backend makes event by event: typed lookups by external id,
//! create-only inserts that refuse a taken external id, partial updates that change one
//! field and log it, a person changing accounts in one call, and a write closure whose
//! error type is the caller's own.

mod common;

use common::*;
use guanxi::model::*;
use guanxi::store::{Database, ErrorKind, Read, StoreError};

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
