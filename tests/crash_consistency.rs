//! Crash safety: a writer process is killed with SIGKILL at random moments, and every
//! reopen must find a consistent database holding every transaction it reported committed,
//! each transaction all-or-nothing.
//!
//! The test binary re-executes itself as the writer (`child_writer`, an ignored test that
//! does nothing unless the environment names a database), so no other binary is needed.
//! The writer runs numbered transactions forever, printing `committed <i>` (flushed) after
//! each commit. Transaction `i` is a deterministic function of `i`: most are small batches
//! of persons `t<i>-<j>` with `reports_to` and `influences` edges; every eighth is an
//! `import_network` of a small generated network (prefix `n<i>-`: an account, persons,
//! an employee with ties and a dated interaction with each person, a project with its
//! decision chain). Every transaction also
//! updates the account `counter` to `i`, so the counter tells exactly which transactions
//! a state should contain.
//!
//! After each kill the parent reopens the file with [`Database::open`] (which recovers an
//! interrupted file) and asserts: `check()` is clean; the counter `c` is at least the last
//! reported transaction and at most one beyond it (a commit may land just before the kill
//! and before its report); every transaction `≤ c` is present with exactly its nodes and
//! edges, and none `> c` left a trace. The next writer continues from `c + 1` on the same
//! file; a new file is started every [`KILLS_PER_FILE`] kills to keep each check fast.
//!
//! `GUANXI_CRASH_KILLS` sets the number of kills (default 200) and `GUANXI_CRASH_SEED`
//! the seed of the kill delays:
//! `GUANXI_CRASH_KILLS=1000 cargo test --release --test crash_consistency -- --nocapture`.

#[path = "common/workload.rs"]
mod workload;

use guanxi::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, EdgeKind, Employee, EmployeeId, Employment,
    Interaction, InteractionKind, Member, Network, NodeKind, Person, PersonId, Project, ProjectId,
    Role, Score, Stage, Tie,
};
use guanxi::store::{Database, Read, Result as StoreResult};
use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use workload::counter_account;

const DB_ENV: &str = "GUANXI_CRASH_CHILD_DB";
const START_ENV: &str = "GUANXI_CRASH_CHILD_START";
const KILLS_PER_FILE: u32 = 25;

/// Whether transaction `i` is an import of a generated network.
fn is_import(i: u64) -> bool {
    i % 8 == 7
}

/// Persons added by transaction `i`.
fn persons_of(i: u64) -> u64 {
    if is_import(i) {
        3 + i % 4
    } else {
        1 + i % 5
    }
}

/// The nodes and edges transaction `i` adds (keyed by the transaction that owns them).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Footprint {
    persons: u64,
    accounts: u64,
    employees: u64,
    projects: u64,
    edges: [u64; EdgeKind::COUNT],
    interactions: u64,
}

fn expected(i: u64) -> Footprint {
    let p = persons_of(i);
    let mut f = Footprint {
        persons: p,
        ..Footprint::default()
    };
    let code = |k: EdgeKind| usize::from(k.code());
    f.edges[code(EdgeKind::ReportsTo)] = p - 1;
    if is_import(i) {
        f.accounts = 1;
        f.employees = 1;
        f.projects = 1;
        f.edges[code(EdgeKind::WorksAt)] = p;
        f.edges[code(EdgeKind::Tie)] = p;
        f.edges[code(EdgeKind::Member)] = p;
        f.edges[code(EdgeKind::Of)] = 1;
        f.edges[code(EdgeKind::Owns)] = 2;
        f.interactions = p;
    } else {
        f.edges[code(EdgeKind::Influences)] = 1;
    }
    f
}

fn score(x: f64) -> Score {
    Score::new(x).expect("a valid score")
}

/// The generated network imported by transaction `i` (with the counter account).
fn network_of(i: u64) -> Network {
    let mut net = Network::new();
    net.accounts.push(counter_account(&i.to_string()));
    net.accounts.push(Account {
        xid: format!("n{i}-a"),
        name: format!("Account {i}"),
        kind: AccountKind::Client,
    });
    net.employees.push(Employee {
        xid: format!("n{i}-e"),
        name: format!("Employee {i}"),
        left: None,
    });
    net.projects.push(Project {
        xid: format!("n{i}-x"),
        name: format!("Project {i}"),
        stage: Stage::Pursuit,
        amount: Amount::new(1000.0 * i as f64).expect("amount"),
    });
    let (acct, emp, proj) = (AccountId(1), EmployeeId(0), ProjectId(0));
    net.edges.push(Edge::Of {
        project: proj,
        account: acct,
    });
    net.edges.push(Edge::Owns {
        employee: emp,
        target: guanxi::model::OwnsTarget::Account(acct),
    });
    net.edges.push(Edge::Owns {
        employee: emp,
        target: guanxi::model::OwnsTarget::Project(proj),
    });
    for j in 0..persons_of(i) {
        let p = PersonId(j as u32);
        net.persons.push(Person {
            xid: format!("n{i}-p{j}"),
            name: format!("Person {i}/{j}"),
            title: Some("Buyer".into()),
        });
        net.edges.push(Edge::WorksAt {
            person: p,
            account: acct,
            employment: Employment::default(),
        });
        net.edges.push(Edge::Tie {
            employee: emp,
            person: p,
            tie: Tie {
                closeness: score(0.5),
                last_contact: None,
                private: j % 2 == 0,
            },
        });
        net.edges.push(Edge::Member {
            person: p,
            project: proj,
            member: Member {
                role: Role::ALL[j as usize % Role::ALL.len()],
                coach: j == 0,
                solution: Some(score(0.25)),
                price: None,
            },
        });
        net.interactions.push(Interaction {
            employee: emp,
            person: p,
            date: Day::from_days_since_epoch(20_000 + i as i32).expect("a day"),
            kind: InteractionKind::ALL[j as usize % InteractionKind::ALL.len()],
            project: (j % 2 == 0).then_some(proj),
        });
        if j > 0 {
            net.edges.push(Edge::ReportsTo {
                person: p,
                manager: PersonId(j as u32 - 1),
                weight: score(0.8),
            });
        }
    }
    net
}

/// Runs transaction `i`.
fn run_txn(db: &Database, i: u64) -> StoreResult<()> {
    let time = i64::try_from(i).expect("small transaction numbers");
    if is_import(i) {
        db.import_network(&network_of(i), time)?;
        return Ok(());
    }
    db.write(time, |t| {
        let anchor = t
            .lookup(NodeKind::Person, "anchor")?
            .map(|n| PersonId(n.id))
            .ok_or(guanxi::store::StoreError::UnknownNode(
                guanxi::model::NodeLabel {
                    node: guanxi::model::NodeRef::new(NodeKind::Person, u32::MAX - 1),
                    xid: None,
                },
            ))?;
        let mut prev = None;
        for j in 0..persons_of(i) {
            let p = t.upsert_person(Person {
                xid: format!("t{i}-{j}"),
                name: format!("Person {i}/{j}"),
                title: None,
            })?;
            match prev {
                None => t.add_edge(Edge::Influences {
                    from: anchor,
                    to: p,
                    weight: score(0.3),
                })?,
                Some(m) => t.add_edge(Edge::ReportsTo {
                    person: p,
                    manager: m,
                    weight: score(0.8),
                })?,
            }
            prev = Some(p);
        }
        t.upsert_account(counter_account(&i.to_string()))?;
        Ok(())
    })
}

/// A new database with the anchor person and the counter at "none".
fn fresh(path: &Path) {
    let db = Database::create(path).expect("create");
    db.write(0, |t| {
        t.upsert_person(Person {
            xid: "anchor".into(),
            name: "Anchor".into(),
            title: None,
        })?;
        t.upsert_account(counter_account("none"))?;
        Ok(())
    })
    .expect("seed");
}

/// The writer child: does nothing unless run by the crash test.
#[test]
#[ignore = "the writer process of crash_survives_sigkill_at_random_moments"]
fn child_writer() {
    let Ok(path) = std::env::var(DB_ENV) else {
        return;
    };
    let start: u64 = std::env::var(START_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let db = Database::open(&path).expect("the parent made the database");
    let mut out = std::io::stdout().lock();
    for i in start.. {
        run_txn(&db, i).expect("transaction");
        writeln!(out, "committed {i}").expect("report");
        out.flush().expect("flush");
    }
}

/// Which transaction a node belongs to, from its external id (`t<i>-…` or `n<i>-…`).
fn owner(xid: &str) -> Option<u64> {
    let rest = xid.strip_prefix('t').or_else(|| xid.strip_prefix('n'))?;
    rest.split('-').next()?.parse().ok()
}

/// Checks the reopened database; returns the counter (the last transaction present, or
/// `None` before the first).
fn verify(path: &Path) -> Option<u64> {
    let db = Database::open(path).expect("reopen after the kill");
    let r = db.begin_read().expect("read");
    let report = r.check().expect("check runs");
    assert!(report.is_clean(), "after a kill: {report}");
    let (net, _) = r.network().expect("network");
    let counter = net
        .accounts
        .iter()
        .find(|a| a.xid == "counter")
        .expect("the counter account");
    let c: Option<u64> = counter.name.parse().ok();
    let mut seen: HashMap<u64, Footprint> = HashMap::new();
    for p in &net.persons {
        if let Some(i) = owner(&p.xid) {
            seen.entry(i).or_default().persons += 1;
        }
    }
    for a in &net.accounts {
        if let Some(i) = owner(&a.xid) {
            seen.entry(i).or_default().accounts += 1;
        }
    }
    for e in &net.employees {
        if let Some(i) = owner(&e.xid) {
            seen.entry(i).or_default().employees += 1;
        }
    }
    for p in &net.projects {
        if let Some(i) = owner(&p.xid) {
            seen.entry(i).or_default().projects += 1;
        }
    }
    for e in &net.edges {
        let k = e.key();
        // An edge belongs to the transaction of its end that is not the anchor or counter.
        let i = owner(net.xid(k.to).unwrap_or_default())
            .or_else(|| owner(net.xid(k.from).unwrap_or_default()))
            .expect("every edge touches a transaction's node");
        seen.entry(i).or_default().edges[usize::from(k.kind.code())] += 1;
    }
    for x in &net.interactions {
        let i = owner(net.xid(x.employee.into()).unwrap_or_default())
            .expect("every interaction is a transaction's");
        seen.entry(i).or_default().interactions += 1;
    }
    let last = c.map_or(0, |c| c + 1);
    for i in 0..last {
        assert_eq!(
            seen.remove(&i).unwrap_or_default(),
            expected(i),
            "transaction {i} (counter {c:?}) is not complete"
        );
    }
    assert!(
        seen.is_empty(),
        "transactions beyond the counter {c:?} left traces: {:?}",
        seen.keys().collect::<Vec<_>>()
    );
    c
}

/// A small seeded generator for the kill delays.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn crash_survives_sigkill_at_random_moments() {
    let kills = env_u64("GUANXI_CRASH_KILLS", 200) as u32;
    let mut rng = SplitMix(env_u64("GUANXI_CRASH_SEED", 0x6775_616e_7869));
    let exe = std::env::current_exe().expect("test binary");
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let (mut committed_total, mut unreported, mut idle, mut files) = (0u64, 0u32, 0u32, 0u32);
    let mut path = dir.path().join("crash-0.guanxi");
    let mut counter: Option<u64> = None;
    for kill in 0..kills {
        if kill % KILLS_PER_FILE == 0 {
            path = dir.path().join(format!("crash-{files}.guanxi"));
            files += 1;
            fresh(&path);
            counter = None;
        }
        let start = counter.map_or(0, |c| c + 1);
        let mut child = Command::new(&exe)
            .args(["--exact", "child_writer", "--ignored", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(DB_ENV, &path)
            .env(START_ENV, start.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the writer");
        let reported = Arc::new(AtomicI64::new(-1));
        let stdout = child.stdout.take().expect("piped stdout");
        let seen = Arc::clone(&reported);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The harness may print its own text before the first report on a line.
                if let Some(n) = line
                    .rsplit("committed ")
                    .next()
                    .filter(|_| line.contains("committed "))
                {
                    if let Ok(n) = n.trim().parse::<i64>() {
                        seen.store(n, Ordering::SeqCst);
                    }
                }
            }
        });
        // Kill somewhere between start-up and a few dozen commits.
        std::thread::sleep(Duration::from_micros(2_000 + rng.next() % 150_000));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        reader.join().expect("reader");
        let last = reported.load(Ordering::SeqCst);
        let c = verify(&path);
        let floor = if last >= 0 {
            u64::try_from(last).ok()
        } else {
            counter
        };
        // Nothing reported committed is lost…
        assert!(
            c >= floor,
            "kill {kill}: counter {c:?} is behind the last reported commit {floor:?}"
        );
        // …and at most the one commit in flight at the kill is there unreported.
        let ceiling = floor.map_or(0, |f| f + 1);
        assert!(
            c.is_none_or(|c| c <= ceiling),
            "kill {kill}: counter {c:?} is beyond {ceiling}"
        );
        if c != floor {
            unreported += 1;
        }
        if c == counter {
            idle += 1;
        }
        committed_total += c.map_or(0, |c| c + 1) - counter.map_or(0, |c| c + 1);
        counter = c;
    }
    println!(
        "crash test: {kills} SIGKILLs over {files} files, {committed_total} transactions \
         committed, {unreported} kills found a commit not yet reported, {idle} kills before \
         any commit of their writer, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
