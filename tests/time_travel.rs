//! Time travel over commits: the database as it stood after any earlier commit reads
//! back exactly as it was read then — over random histories of every kind of write, after
//! a merge import (commit 1 of "import A, merge B" is A alone, report and all), after
//! trimming (a trimmed commit is a typed error, later ones still read back) and in a
//! file upgraded from an older format (its old commits replay forwards, but cannot be
//! undone).

mod common;

use common::*;
use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::model::*;
use guanxi::store::{
    Database, ErrorKind, IdMap, InteractionId, MoveOptions, Read, StoreError, WriteTxn,
};
use guanxi::synth::Rng;
use std::path::Path;

const POOL: usize = 6;

fn xid(kind: NodeKind, i: usize) -> String {
    format!("{}{i}", &kind.as_str()[..1])
}

fn some_node(t: &WriteTxn, rng: &mut Rng, kind: NodeKind) -> Option<NodeRef> {
    t.lookup(kind, &xid(kind, rng.below(POOL))).unwrap()
}

fn score(rng: &mut Rng) -> Score {
    Score::new(rng.below(11) as f64 / 10.0).unwrap()
}

fn some_day(rng: &mut Rng) -> Day {
    Day::from_ymd(2025, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8).unwrap()
}

/// A random node of `kind` from the pool, with a random record.
fn random_node(rng: &mut Rng, kind: NodeKind) -> Node {
    let x = xid(kind, rng.below(POOL));
    let name = format!("name {}", rng.below(3));
    match kind {
        NodeKind::Account => Node::Account(Account {
            xid: x,
            name,
            kind: *rng.pick(&[
                AccountKind::Client,
                AccountKind::Partner,
                AccountKind::Competitor,
            ]),
        }),
        NodeKind::Person => Node::Person(Person {
            xid: x,
            name,
            title: rng.chance(0.5).then(|| "CTO".to_owned()),
        }),
        NodeKind::Employee => Node::Employee(Employee {
            xid: x,
            name,
            left: rng.chance(0.2).then(|| some_day(rng)),
        }),
        NodeKind::Project => Node::Project(Project {
            xid: x,
            name,
            stage: *rng.pick(Stage::ALL),
            amount: Amount::new(rng.below(5) as f64 * 1000.0).unwrap(),
        }),
    }
}

/// A random edge between nodes of the pool that exist, if its ends do.
fn random_edge(t: &WriteTxn, rng: &mut Rng) -> Option<Edge> {
    let person =
        |t: &WriteTxn, rng: &mut Rng| some_node(t, rng, NodeKind::Person).map(|n| PersonId(n.id));
    let account =
        |t: &WriteTxn, rng: &mut Rng| some_node(t, rng, NodeKind::Account).map(|n| AccountId(n.id));
    let employee = |t: &WriteTxn, rng: &mut Rng| {
        some_node(t, rng, NodeKind::Employee).map(|n| EmployeeId(n.id))
    };
    let project =
        |t: &WriteTxn, rng: &mut Rng| some_node(t, rng, NodeKind::Project).map(|n| ProjectId(n.id));
    Some(match rng.below(9) {
        0 => Edge::WorksAt {
            person: person(t, rng)?,
            account: account(t, rng)?,
            employment: Employment {
                since: rng.chance(0.5).then(|| some_day(rng)),
                until: None,
                title: None,
            },
        },
        1 => Edge::ReportsTo {
            person: person(t, rng)?,
            manager: person(t, rng)?,
            weight: score(rng),
        },
        2 => Edge::Influences {
            from: person(t, rng)?,
            to: person(t, rng)?,
            weight: score(rng),
        },
        3 => Edge::Tie {
            employee: employee(t, rng)?,
            person: person(t, rng)?,
            tie: Tie {
                closeness: score(rng),
                last_contact: rng.chance(0.5).then(|| some_day(rng)),
                private: rng.chance(0.3),
            },
        },
        4 => Edge::Member {
            person: person(t, rng)?,
            project: project(t, rng)?,
            member: Member {
                role: *rng.pick(Role::ALL),
                coach: rng.chance(0.3),
                solution: rng.chance(0.5).then(|| score(rng)),
                price: None,
            },
        },
        5 => Edge::Owns {
            employee: employee(t, rng)?,
            target: OwnsTarget::Project(project(t, rng)?),
        },
        6 => Edge::RivalTie {
            competitor: account(t, rng)?,
            person: person(t, rng)?,
            closeness: score(rng),
        },
        7 => Edge::Competes {
            competitor: account(t, rng)?,
            project: project(t, rng)?,
        },
        _ => Edge::Of {
            project: project(t, rng)?,
            account: account(t, rng)?,
        },
    })
}

/// One random write; `Err` if the store refused it (the transaction is then poisoned).
fn random_op(t: &mut WriteTxn, rng: &mut Rng) -> Result<(), StoreError> {
    let kind = *rng.pick(&NodeKind::ALL);
    match rng.below(12) {
        0..=2 => t.upsert_node(random_node(rng, kind)).map(|_| ()),
        3..=5 => match random_edge(t, rng) {
            Some(e) => t.put_edge(e).map(|_| ()),
            None => Ok(()),
        },
        6 => match random_edge(t, rng) {
            Some(e) => t.remove_edge(e.key()).map(|_| ()),
            None => Ok(()),
        },
        7 => match some_node(t, rng, kind) {
            Some(n) => t.remove_node(n),
            None => Ok(()),
        },
        8 => {
            let (e, p) = (
                some_node(t, rng, NodeKind::Employee),
                some_node(t, rng, NodeKind::Person),
            );
            match (e, p) {
                (Some(e), Some(p)) => t
                    .add_interaction(Interaction {
                        employee: EmployeeId(e.id),
                        person: PersonId(p.id),
                        date: some_day(rng),
                        kind: InteractionKind::Meeting,
                        project: some_node(t, rng, NodeKind::Project).map(|x| ProjectId(x.id)),
                    })
                    .map(|_| ()),
                _ => Ok(()),
            }
        }
        9 => t
            .remove_interaction(InteractionId(rng.below(20) as u64))
            .map(|_| ()),
        10 => match (
            some_node(t, rng, NodeKind::Person),
            some_node(t, rng, NodeKind::Account),
        ) {
            (Some(p), Some(a)) => t
                .move_person(
                    PersonId(p.id),
                    AccountId(a.id),
                    some_day(rng),
                    &MoveOptions {
                        drop_reporting: rng.chance(0.5),
                        ..MoveOptions::default()
                    },
                )
                .map(|_| ()),
            _ => Ok(()),
        },
        _ => match some_node(t, rng, NodeKind::Project) {
            Some(x) => t
                .set_stage(ProjectId(x.id), *rng.pick(Stage::ALL))
                .map(|_| ()),
            None => Ok(()),
        },
    }
}

/// Runs `commits` random transactions (each of 1 to 6 writes; one the store refuses is
/// rolled back and tried anew) and returns what `network()` read after each commit,
/// commit 0 (empty) first.
fn random_history(db: &Database, seed: u64, commits: usize) -> Vec<(Network, IdMap)> {
    let mut rng = Rng::new(seed);
    let mut states = vec![(Network::new(), IdMap::default())];
    let mut time = 0;
    while states.len() <= commits {
        time += 1;
        let mut t = db.begin_write(time).unwrap();
        let ops = 1 + rng.below(6);
        if (0..ops).all(|_| random_op(&mut t, &mut rng).is_ok()) {
            let changed = t.log_head().unwrap() > db.begin_read().unwrap().log_head().unwrap();
            t.commit().unwrap();
            if changed {
                states.push(db.begin_read().unwrap().network().unwrap());
            }
        }
    }
    states
}

#[test]
fn every_commit_of_random_histories_reads_back_as_it_was() {
    let mut seen = guanxi::store::ChangeCounts::default();
    for seed in 1..=6 {
        let db = Database::in_memory().unwrap();
        let states = random_history(&db, seed, 40);
        let r = db.begin_read().unwrap();
        for c in r.commits(0, 100).unwrap() {
            for (all, one) in [
                (&mut seen.nodes, c.changes.nodes),
                (&mut seen.edges, c.changes.edges),
                (&mut seen.interactions, c.changes.interactions),
            ] {
                all.added += one.added;
                all.changed += one.changed;
                all.removed += one.removed;
            }
        }
        assert_eq!(r.last_commit().unwrap(), 40);
        assert!(r.check().unwrap().is_clean(), "{}", r.check().unwrap());
        for (n, state) in states.iter().enumerate() {
            assert_eq!(
                &r.network_at_commit(n as u64).unwrap(),
                state,
                "seed {seed}, commit {n}"
            );
        }
        let err = r.network_at_commit(41).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::UnknownCommit {
                    commit: 41,
                    last: 40
                }
            ),
            "{err:?}"
        );
        // A write transaction's own changes come after the latest commit.
        let mut t = db.begin_write(999).unwrap();
        t.upsert_person(person("newcomer")).unwrap();
        assert_eq!(&t.network_at_commit(40).unwrap(), states.last().unwrap());
        assert_eq!(&t.network_at_commit(20).unwrap(), &states[20]);
    }
    // The histories hold every sort of change to every kind of record.
    for t in [seen.nodes, seen.edges, seen.interactions] {
        assert!(t.added > 10 && t.changed > 0 && t.removed > 0, "{seen}");
    }
}

#[test]
fn trimmed_commits_are_a_typed_error_and_later_ones_still_read_back() {
    let db = Database::in_memory().unwrap();
    let states = random_history(&db, 7, 30);
    let r = db.begin_read().unwrap();
    let c10 = r.commits(10, 1).unwrap()[0];
    drop(r);
    // Trim through commit 10.
    db.write(1000, |t| t.trim_log(c10.end_seq)).unwrap();
    let r = db.begin_read().unwrap();
    for n in 1..=10 {
        let err = r.network_at_commit(n).unwrap_err();
        assert!(
            matches!(err, StoreError::CommitTrimmed { commit, first_available: 11 } if commit == n),
            "{err:?}"
        );
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }
    assert_eq!(
        r.network_at_commit(3).unwrap_err().to_string(),
        "commit 3 was trimmed from the change log, so it can no longer be read back; the earliest commit it holds is 11"
    );
    for n in 11..=30 {
        assert_eq!(
            &r.network_at_commit(n).unwrap(),
            &states[n as usize],
            "commit {n}"
        );
    }
    // The empty database before the first commit is known without any entry.
    assert_eq!(
        r.network_at_commit(0).unwrap(),
        (Network::new(), IdMap::default())
    );
}

/// The report of a database, as `brm report --json` computes it.
fn report(net: &Network) -> String {
    let as_of = Day::from_ymd(2025, 6, 30).unwrap();
    Report::compute(&Snapshot::from_network(net), &Params::default(), as_of).to_json()
}

#[test]
fn commit_1_of_importing_a_then_merging_b_is_a_alone() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let both = Database::in_memory().unwrap();
    guanxi::io::import_dir(&both, &data.join("tiny"), 1).unwrap();
    guanxi::io::import_dir(&both, &data.join("tiny-time"), 2).unwrap();
    let alone = Database::in_memory().unwrap();
    guanxi::io::import_dir(&alone, &data.join("tiny"), 1).unwrap();
    let r = both.begin_read().unwrap();
    assert_eq!(r.last_commit().unwrap(), 2);
    let then = r.network_at_commit(1).unwrap();
    let a = alone.begin_read().unwrap();
    assert_eq!(then, a.network().unwrap());
    // The report of commit 1 is the report of A alone, byte for byte, whether A's is
    // computed from its network or from a snapshot loaded from its database.
    let loaded = Report::compute(
        &Snapshot::load(&a).unwrap(),
        &Params::default(),
        Day::from_ymd(2025, 6, 30).unwrap(),
    )
    .to_json();
    assert_eq!(report(&then.0), loaded);
    assert_ne!(
        report(&r.network().unwrap().0),
        loaded,
        "B changed the report"
    );
    assert_eq!(r.network_at_commit(2).unwrap(), r.network().unwrap());
}

#[test]
fn an_upgraded_file_replays_its_old_commits_forwards_but_cannot_undo_them() {
    // A database whose first three commits are turned into an older file's: format 2,
    // no commit records, no removed nodes' names — the upgrade derives them and marks
    // them as not undoable.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.guanxi");
    let mut states = {
        let db = Database::create(&path).unwrap();
        random_history(&db, 11, 3)
    };
    tamper(&path, |t| {
        t.delete_table(redb::TableDefinition::<u64, &[u8]>::new("guanxi.commit"))
            .unwrap();
        t.delete_table(redb::TableDefinition::<u64, &str>::new("guanxi.removed"))
            .unwrap();
        let mut meta = t
            .open_table(redb::TableDefinition::<&str, u64>::new("guanxi.meta"))
            .unwrap();
        meta.insert("format", 2).unwrap();
        meta.remove("next_commit").unwrap();
        meta.remove("log_start").unwrap();
    });
    let db = Database::open(&path).unwrap();
    {
        let r = db.begin_read().unwrap();
        assert_eq!(r.last_commit().unwrap(), 0);
        assert!(matches!(
            r.network_at_commit(1),
            Err(StoreError::UnknownCommit { commit: 1, last: 0 })
        ));
    }
    // The first write upgrades the file: commits 1 to 3 derived, 4 and 5 new.
    let mut rng = Rng::new(99);
    for time in [100, 101] {
        let mut t = db.begin_write(time).unwrap();
        t.upsert_node(random_node(&mut rng, NodeKind::Person))
            .unwrap();
        t.upsert_node(random_node(&mut rng, NodeKind::Account))
            .unwrap();
        t.commit().unwrap();
        states.push(db.begin_read().unwrap().network().unwrap());
    }
    let r = db.begin_read().unwrap();
    assert_eq!(r.last_commit().unwrap(), 5);
    for (n, state) in states.iter().enumerate() {
        assert_eq!(&r.network_at_commit(n as u64).unwrap(), state, "commit {n}");
    }
    drop(r);
    // Once commit 1 is trimmed, commit 2 cannot be rebuilt: forwards needs the trimmed
    // start, backwards would undo commit 3, which did not record what it replaced.
    let c1 = db.begin_read().unwrap().commits(1, 1).unwrap()[0];
    db.write(200, |t| t.trim_log(c1.end_seq)).unwrap();
    let r = db.begin_read().unwrap();
    let err = r.network_at_commit(2).unwrap_err();
    assert!(
        matches!(err, StoreError::CommitUnrecoverable { commit: 2, .. }),
        "{err:?}"
    );
    // Commit 3 and later undo only what came after them, which recorded it.
    for n in 3..=5 {
        assert_eq!(
            &r.network_at_commit(n).unwrap(),
            &states[n as usize],
            "commit {n}"
        );
    }
}
