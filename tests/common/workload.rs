//! A deterministic concurrent workload shared by the concurrency and backup tests.
//!
//! Transaction `i` adds three persons `w<i>-0..2` (the later two reporting to the first),
//! removes the persons of transaction `i − 5` when `i % 10 == 9`, and sets the account
//! `counter` to `i`. So a snapshot whose counter is `c` must hold exactly
//! [`persons_at`]`(c)` persons and [`reports_at`]`(c)` `reports_to` edges: a reader can
//! check that what it sees is one whole committed state.

#![allow(dead_code)]

use guanxi::model::{Account, AccountKind, Edge, NodeKind, Person, Score};
use guanxi::store::{Database, Read, ReadTxn, Result};

/// Whether transaction `i` removes the persons of transaction `i − 5`.
pub fn removes(i: u64) -> bool {
    i % 10 == 9
}

/// Persons present once transactions `0..=c` have committed.
pub fn persons_at(c: u64) -> u64 {
    3 * (c + 1) - 3 * (0..=c).filter(|i| removes(*i)).count() as u64
}

/// `reports_to` edges present once transactions `0..=c` have committed.
pub fn reports_at(c: u64) -> u64 {
    persons_at(c) / 3 * 2
}

/// The account `counter`, at `value`: the number of the last transaction committed, or
/// "none" before the first (the crash test keeps its count the same way).
pub fn counter_account(value: &str) -> Account {
    Account {
        xid: "counter".into(),
        name: value.into(),
        kind: AccountKind::Partner,
    }
}

/// Creates the counter (at `none`).
pub fn seed(db: &Database) {
    db.write(0, |t| t.upsert_account(counter_account("none")).map(|_| ()))
        .expect("seed");
}

/// Runs transaction `i`.
pub fn step(db: &Database, i: u64) -> Result<()> {
    db.write(i64::try_from(i).expect("small"), |t| {
        let boss = t.upsert_person(Person {
            xid: format!("w{i}-0"),
            name: format!("Boss {i}"),
            title: Some("Director".into()),
        })?;
        for j in 1..3 {
            let p = t.upsert_person(Person {
                xid: format!("w{i}-{j}"),
                name: format!("Report {i}/{j}"),
                title: None,
            })?;
            t.add_edge(Edge::ReportsTo {
                person: p,
                manager: boss,
                weight: Score::new(0.8).expect("score"),
            })?;
        }
        if removes(i) {
            for j in 0..3 {
                if let Some(n) = t.lookup(NodeKind::Person, &format!("w{}-{j}", i - 5))? {
                    t.remove_node(n)?;
                }
            }
        }
        t.upsert_account(counter_account(&i.to_string()))?;
        Ok(())
    })
}

/// The counter a snapshot sees (`None` before the first transaction).
pub fn counter(r: &ReadTxn) -> Option<u64> {
    let n = r
        .lookup(NodeKind::Account, "counter")
        .expect("lookup")
        .expect("the counter exists");
    let a = r
        .account(guanxi::model::AccountId(n.id))
        .expect("read")
        .expect("record");
    a.name.parse().ok()
}
