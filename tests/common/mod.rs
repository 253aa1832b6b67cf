//! Shared fixtures for the store tests.
#![allow(dead_code)]

pub mod image;

use guanxi::model::*;
use guanxi::store::{Database, IdMap, LogEntry, Read};

pub fn s(v: f64) -> Score {
    Score::new(v).unwrap()
}

pub fn account(xid: &str, kind: AccountKind) -> Account {
    Account {
        xid: xid.into(),
        name: format!("Account {xid}"),
        kind,
    }
}

pub fn person(xid: &str) -> Person {
    Person {
        xid: xid.into(),
        name: format!("Person {xid}"),
        title: None,
    }
}

pub fn employee(xid: &str) -> Employee {
    Employee {
        xid: xid.into(),
        name: format!("Employee {xid}"),
        left: None,
    }
}

pub fn project(xid: &str) -> Project {
    Project {
        xid: xid.into(),
        name: format!("Project {xid}"),
        stage: Stage::Pursuit,
        amount: Amount::new(1000.0).unwrap(),
    }
}

pub fn tie(employee: EmployeeId, person: PersonId, c: f64) -> Edge {
    Edge::Tie {
        employee,
        person,
        tie: Tie {
            closeness: s(c),
            last_contact: None,
            private: false,
        },
    }
}

/// The ids of the fixture.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    pub client: AccountId,
    pub rival: AccountId,
    pub partner: AccountId,
    pub p1: PersonId,
    pub p2: PersonId,
    pub e1: EmployeeId,
    pub x1: ProjectId,
}

/// A small database: client "A", competitor "K", partner "P"; persons p1 (works at A,
/// reports to p2), p2; employee e1 with a tie to p1; project x1 of A with p1 a member;
/// K has a rival tie to p1 and competes on x1.
pub fn fixture() -> (Database, Ids) {
    let db = Database::in_memory().unwrap();
    let ids = db
        .write(100, |t| {
            let ids = Ids {
                client: t.upsert_account(account("A", AccountKind::Client))?,
                rival: t.upsert_account(account("K", AccountKind::Competitor))?,
                partner: t.upsert_account(account("P", AccountKind::Partner))?,
                p1: t.upsert_person(person("p1"))?,
                p2: t.upsert_person(person("p2"))?,
                e1: t.upsert_employee(employee("e1"))?,
                x1: t.upsert_project(project("x1"))?,
            };
            t.add_edge(Edge::WorksAt {
                person: ids.p1,
                account: ids.client,
                employment: Employment::default(),
            })?;
            t.add_edge(Edge::ReportsTo {
                person: ids.p1,
                manager: ids.p2,
                weight: s(0.8),
            })?;
            t.add_edge(tie(ids.e1, ids.p1, 0.7))?;
            t.add_edge(Edge::Of {
                project: ids.x1,
                account: ids.client,
            })?;
            t.add_edge(Edge::Member {
                person: ids.p1,
                project: ids.x1,
                member: Member {
                    role: Role::Approver,
                    coach: false,
                    solution: Some(s(0.6)),
                    price: None,
                },
            })?;
            t.add_edge(Edge::RivalTie {
                competitor: ids.rival,
                person: ids.p1,
                closeness: s(0.4),
            })?;
            t.add_edge(Edge::Competes {
                competitor: ids.rival,
                project: ids.x1,
            })?;
            Ok(ids)
        })
        .unwrap();
    (db, ids)
}

/// Everything observable about a database's committed state.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub network: Network,
    pub ids: IdMap,
    pub log: Vec<LogEntry>,
    pub counts: Vec<u64>,
}

pub fn snapshot(db: &Database) -> Snapshot {
    let r = db.begin_read().unwrap();
    let (network, ids) = r.network().unwrap();
    let mut counts = Vec::new();
    for k in NodeKind::ALL {
        counts.push(r.count(k).unwrap());
    }
    for k in EdgeKind::ALL {
        counts.push(r.edge_count(k).unwrap());
    }
    Snapshot {
        network,
        ids,
        log: r.log(0).unwrap(),
        counts,
    }
}

/// The worked example network (`tests/data/tiny`).
pub fn tiny() -> Network {
    guanxi::io::read_csv_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny"),
    )
    .expect("the tiny example imports")
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: impl AsRef<[u8]>) -> bool {
    let needle = needle.as_ref();
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Changes the database file at `path` directly through the storage engine, bypassing
/// guanxi: opens it, runs `f` in a write transaction and commits (to damage a record, fake
/// a newer format, break an invariant).
pub fn tamper(path: &std::path::Path, f: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::open(path).unwrap();
    let t = db.begin_write().unwrap();
    f(&t);
    t.commit().unwrap();
}

/// Sets a value of the meta table of the database file at `path` (to fake a newer format
/// or a foreign magic value).
pub fn poke_meta(path: &std::path::Path, key: &str, value: u64) {
    tamper(path, |t| {
        t.open_table(redb::TableDefinition::<&str, u64>::new("guanxi.meta"))
            .unwrap()
            .insert(key, value)
            .unwrap();
    });
}
