//! CSV export: import → export → import gives an identical network — the worked
//! examples, awkward text and numbers, and random networks with employment periods,
//! interactions and leaving dates — and the writer quotes what needs quoting, refuses
//! what the format cannot express, and leaves a folder as it was when it fails.
#![allow(clippy::float_cmp, clippy::too_many_lines)] // exact expected values; long scenario tests

use guanxi::io::{read_csv_dir, write_csv_dir, CsvExportError};
use guanxi::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, Employee, EmployeeId, Employment,
    Interaction, InteractionKind, Member, Network, OwnsTarget, Person, PersonId, Project,
    ProjectId, Role, Score, Stage, Tie,
};
use guanxi::synth::Rng;
use std::path::Path;
use tempfile::TempDir;

fn round_trip(net: &Network) -> Network {
    let dir = TempDir::new().unwrap();
    write_csv_dir(net, dir.path()).unwrap();
    read_csv_dir(dir.path()).unwrap()
}

#[test]
fn tiny_example_round_trips_unchanged() {
    let net = read_csv_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny")).unwrap();
    let again = round_trip(&net);
    assert_eq!(again, net);
    assert_eq!(round_trip(&again), net);
}

#[test]
fn the_time_example_round_trips_unchanged() {
    let net =
        read_csv_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-time")).unwrap();
    assert_eq!(net.interactions.len(), 32);
    let dir = TempDir::new().unwrap();
    write_csv_dir(&net, dir.path()).unwrap();
    assert_eq!(read_csv_dir(dir.path()).unwrap(), net);
    // The dated periods go to employment.csv, a plain account to persons.csv.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("employment.csv")).unwrap(),
        "person_id,account_id,since,until,title\n\
         p6,c2,2021-02-28,2023-03-29,Director IT\n\
         p6,a2,2023-03-29,,Director IT\n\
         q1,c1,,2023-08-07,\n"
    );
    let persons = std::fs::read_to_string(dir.path().join("persons.csv")).unwrap();
    assert!(persons.contains("\np1,Zhao 伟,a1,CEO\n"), "{persons}");
    assert!(persons.contains("\np6,张 Anna,,Director IT\n"), "{persons}");
    let employees = std::fs::read_to_string(dir.path().join("employees.csv")).unwrap();
    assert!(
        employees.starts_with("id,name,left\ne1,Chen 伟,\n"),
        "{employees}"
    );
    assert!(
        employees.ends_with("\ne5,张 Lucía,2024-06-16\n"),
        "{employees}"
    );
    let interactions = std::fs::read_to_string(dir.path().join("interactions.csv")).unwrap();
    assert!(
        interactions.starts_with(
            "employee_id,person_id,date,kind,project_id\ne4,p1,2024-09-01,call,\ne4,p1,2024-08-27,call,x4\n"
        ),
        "{interactions}"
    );
}

#[test]
fn a_single_plain_period_from_employment_csv_moves_to_persons_csv_unchanged() {
    let dir = TempDir::new().unwrap();
    let files = [
        ("accounts.csv", "id,name,kind\na1,A,\n"),
        (
            "persons.csv",
            "id,name,account_id,title\np1,P,,\np2,Q,a1,\n",
        ),
        (
            "employment.csv",
            "person_id,account_id,since,until,title\np1,a1,,,\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let net = read_csv_dir(dir.path()).unwrap();
    let again = round_trip(&net);
    assert_eq!(again, net);
    let out = TempDir::new().unwrap();
    write_csv_dir(&again, out.path()).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.path().join("persons.csv")).unwrap(),
        "id,name,account_id,title\np1,P,a1,\np2,Q,a1,\n"
    );
}

#[test]
fn export_writes_all_twelve_files_with_headers() {
    let dir = TempDir::new().unwrap();
    let mut net = Network::new();
    net.accounts.push(Account {
        xid: "a".into(),
        name: "A".into(),
        kind: AccountKind::Client,
    });
    write_csv_dir(&net, dir.path()).unwrap();
    for file in guanxi::io::FILES {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("accounts.csv")).unwrap(),
        "id,name,kind\na,A,client\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("chain.csv")).unwrap(),
        "project_id,person_id,role,coach,solution,price\n"
    );
    assert_eq!(guanxi::io::FILES.len(), 12);
    for (file, header) in [
        ("employees.csv", "id,name,left\n"),
        ("employment.csv", "person_id,account_id,since,until,title\n"),
        (
            "interactions.csv",
            "employee_id,person_id,date,kind,project_id\n",
        ),
    ] {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(file)).unwrap(),
            header
        );
    }
}

fn s(v: f64) -> Score {
    Score::new(v).unwrap()
}

/// A network with awkward text and numbers in every file.
fn awkward() -> Network {
    let mut n = Network::new();
    for (xid, name, kind) in [
        ("a,1", "Acme \"Best\"\nCo", AccountKind::Client),
        ("k 1 ", " spaced ", AccountKind::Competitor),
        ("关系", "", AccountKind::Partner),
    ] {
        n.accounts.push(Account {
            xid: xid.into(),
            name: name.into(),
            kind,
        });
    }
    n.persons.push(Person {
        xid: "p\r1".into(),
        name: "Ünal".into(),
        title: Some("C,E,O".into()),
    });
    n.persons.push(Person {
        xid: "p2".into(),
        name: "N".into(),
        title: None,
    });
    n.employees.push(Employee {
        xid: "e1".into(),
        name: "\u{feff}E".into(),
        left: None,
    });
    n.projects.push(Project {
        xid: "x1".into(),
        name: "X".into(),
        stage: Stage::Validation,
        amount: Amount::new(0.1 + 0.2).unwrap(),
    });
    n.projects.push(Project {
        xid: "x2".into(),
        name: "Y".into(),
        stage: Stage::Lost,
        amount: Amount::new(Amount::MAX).unwrap(),
    });
    n.edges.extend([
        Edge::WorksAt {
            person: PersonId(0),
            account: AccountId(0),
            employment: Employment::default(),
        },
        Edge::Of {
            project: ProjectId(0),
            account: AccountId(0),
        },
        Edge::Of {
            project: ProjectId(1),
            account: AccountId(2),
        },
        Edge::Tie {
            employee: EmployeeId(0),
            person: PersonId(0),
            tie: Tie {
                closeness: s(1.0 / 3.0),
                last_contact: Some("2024-02-29".parse::<Day>().unwrap()),
                private: true,
            },
        },
        Edge::Tie {
            employee: EmployeeId(0),
            person: PersonId(1),
            tie: Tie {
                closeness: s(5e-324),
                last_contact: None,
                private: false,
            },
        },
        Edge::Member {
            person: PersonId(1),
            project: ProjectId(0),
            member: Member {
                role: Role::DecisionMaker,
                coach: true,
                solution: None,
                price: Some(s(0.0)),
            },
        },
        Edge::Influences {
            from: PersonId(1),
            to: PersonId(0),
            weight: s(1e-7),
        },
        Edge::ReportsTo {
            person: PersonId(1),
            manager: PersonId(0),
            weight: s(0.8),
        },
        Edge::RivalTie {
            competitor: AccountId(1),
            person: PersonId(1),
            closeness: s(1.0),
        },
        Edge::Competes {
            competitor: AccountId(1),
            project: ProjectId(1),
        },
        Edge::Owns {
            employee: EmployeeId(0),
            target: OwnsTarget::Project(ProjectId(1)),
        },
        Edge::Owns {
            employee: EmployeeId(0),
            target: OwnsTarget::Account(AccountId(2)),
        },
    ]);
    n
}

#[test]
fn awkward_text_and_numbers_round_trip_bit_for_bit() {
    let mut net = awkward();
    assert_eq!(net.validate(), Ok(()));
    // The empty account name is not importable (names are required): export refuses it.
    let dir = TempDir::new().unwrap();
    let err = write_csv_dir(&net, dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"account "关系" has an empty name; the interchange format requires one"#
    );
    net.accounts[2].name = "P".into();
    assert_eq!(round_trip(&net), net);
}

#[test]
fn export_refuses_invalid_networks_and_projects_without_account() {
    let dir = TempDir::new().unwrap();
    let mut net = awkward();
    net.accounts[2].name = "P".into();
    net.edges
        .retain(|e| !matches!(e, Edge::Of { project, .. } if *project == ProjectId(1)));
    let err = write_csv_dir(&net, dir.path()).unwrap_err();
    assert!(matches!(err, CsvExportError::ProjectWithoutAccount { ref xid } if xid == "x2"));
    net.persons.push(Person {
        xid: "p2".into(),
        name: "dup".into(),
        title: None,
    });
    assert!(matches!(
        write_csv_dir(&net, dir.path()),
        Err(CsvExportError::Invalid(_))
    ));
    assert!(!dir.path().join("accounts.csv").exists());
}

/// Texts that need quoting, escaping or care: commas, quotes, line breaks, a byte-order
/// mark, CJK, spaces at the ends.
const AWKWARD: &[&str] = &[
    "Acme",
    "a,b",
    "\"q\"",
    "line\nbreak",
    "cr\rlf\r\n",
    "\u{feff}bom",
    "关系",
    " pad ",
    "é",
    "x;y",
];

fn text(rng: &mut Rng, i: usize) -> String {
    format!("{}{i}", rng.pick(AWKWARD))
}

fn day_at(offset: usize) -> Day {
    Day::from_days_since_epoch(19_000 + i32::try_from(offset).unwrap()).unwrap()
}

fn maybe<T>(rng: &mut Rng, p: f64, f: impl FnOnce(&mut Rng) -> T) -> Option<T> {
    if rng.chance(p) {
        Some(f(rng))
    } else {
        None
    }
}

fn score(rng: &mut Rng) -> Score {
    Score::new(rng.unit()).unwrap()
}

/// A random valid network with every kind of record, its edges in the importer's order:
/// `works_at` by person (several periods, dated, titled, or one plain), of by project,
/// then ties, chain, influence, rival ties, competes, owners; and interactions.
fn random_network(seed: u64) -> Network {
    let mut rng = Rng::new(seed);
    let mut n = Network::new();
    nodes(&mut rng, &mut n);
    employment(&mut rng, &mut n);
    edges(&mut rng, &mut n);
    interactions(&mut rng, &mut n);
    n
}

fn nodes(rng: &mut Rng, n: &mut Network) {
    let kinds = [
        AccountKind::Client,
        AccountKind::Competitor,
        AccountKind::Partner,
    ];
    for i in 0..rng.between(1, 6) {
        let kind = *rng.pick(&kinds);
        n.accounts.push(Account {
            xid: text(rng, i),
            name: text(rng, i),
            kind,
        });
    }
    for i in 0..rng.below(8) {
        n.persons.push(Person {
            xid: text(rng, i),
            name: text(rng, i),
            title: maybe(rng, 0.5, |r| text(r, i)),
        });
    }
    for i in 0..rng.below(4) {
        n.employees.push(Employee {
            xid: text(rng, i),
            name: text(rng, i),
            left: maybe(rng, 0.3, |r| day_at(r.below(800))),
        });
    }
    let stages = [
        Stage::Lead,
        Stage::Validation,
        Stage::Pursuit,
        Stage::Won,
        Stage::Lost,
    ];
    for i in 0..rng.below(4) {
        n.projects.push(Project {
            xid: text(rng, i),
            name: text(rng, i),
            stage: *rng.pick(&stages),
            amount: Amount::new(rng.unit() * 1e6).unwrap(),
        });
    }
}

/// Per person: no account, one plain account, or periods at distinct accounts one after
/// another (touching or with gaps), the first open at its start now and then and the last
/// open at its end now and then.
fn employment(rng: &mut Rng, n: &mut Network) {
    let accounts = n.accounts.len();
    for p in 0..n.persons.len() {
        let person = PersonId(p as u32);
        match rng.below(3) {
            0 => {}
            1 => n.edges.push(Edge::WorksAt {
                person,
                account: AccountId(rng.below(accounts) as u32),
                employment: Employment::default(),
            }),
            _ => {
                let count = rng.between(1, accounts.min(3));
                let first = rng.below(accounts);
                let mut at = rng.below(100);
                for k in 0..count {
                    let since = (k > 0 || rng.chance(0.7)).then(|| day_at(at));
                    at += rng.between(1, 400);
                    let until = (k + 1 < count || rng.chance(0.5)).then(|| day_at(at));
                    if rng.chance(0.3) {
                        at += rng.below(50);
                    }
                    n.edges.push(Edge::WorksAt {
                        person,
                        account: AccountId(((first + k) % accounts) as u32),
                        employment: Employment {
                            since,
                            until,
                            title: maybe(rng, 0.5, |r| text(r, k)),
                        },
                    });
                }
            }
        }
    }
}

fn edges(rng: &mut Rng, n: &mut Network) {
    let (accounts, persons) = (n.accounts.len(), n.persons.len());
    let (employees, projects) = (n.employees.len(), n.projects.len());
    let competitors: Vec<u32> = (0..accounts)
        .filter(|&i| n.accounts[i].kind == AccountKind::Competitor)
        .map(|i| i as u32)
        .collect();
    for x in 0..projects {
        n.edges.push(Edge::Of {
            project: ProjectId(x as u32),
            account: AccountId(rng.below(accounts) as u32),
        });
    }
    let pairs =
        |a: usize, b: usize| (0..a).flat_map(move |i| (0..b).map(move |j| (i as u32, j as u32)));
    for (e, p) in pairs(employees, persons) {
        if rng.chance(0.4) {
            let tie = Tie {
                closeness: score(rng),
                last_contact: maybe(rng, 0.7, |r| day_at(r.below(900))),
                private: rng.chance(0.2),
            };
            n.edges.push(Edge::Tie {
                employee: EmployeeId(e),
                person: PersonId(p),
                tie,
            });
        }
    }
    for (x, p) in pairs(projects, persons) {
        if rng.chance(0.4) {
            let member = Member {
                role: *rng.pick(Role::ALL),
                coach: rng.chance(0.2),
                solution: maybe(rng, 0.6, score),
                price: maybe(rng, 0.6, score),
            };
            n.edges.push(Edge::Member {
                person: PersonId(p),
                project: ProjectId(x),
                member,
            });
        }
    }
    for (a, b) in pairs(persons, persons).filter(|(a, b)| a != b) {
        if rng.chance(0.15) {
            n.edges.push(Edge::ReportsTo {
                person: PersonId(a),
                manager: PersonId(b),
                weight: score(rng),
            });
        }
        if rng.chance(0.15) {
            n.edges.push(Edge::Influences {
                from: PersonId(a),
                to: PersonId(b),
                weight: score(rng),
            });
        }
    }
    for &k in &competitors {
        for p in 0..persons {
            if rng.chance(0.3) {
                n.edges.push(Edge::RivalTie {
                    competitor: AccountId(k),
                    person: PersonId(p as u32),
                    closeness: score(rng),
                });
            }
        }
    }
    for &k in &competitors {
        for x in 0..projects {
            if rng.chance(0.4) {
                n.edges.push(Edge::Competes {
                    competitor: AccountId(k),
                    project: ProjectId(x as u32),
                });
            }
        }
    }
    for e in 0..employees {
        let employee = EmployeeId(e as u32);
        for a in 0..accounts {
            if rng.chance(0.2) {
                n.edges.push(Edge::Owns {
                    employee,
                    target: OwnsTarget::Account(AccountId(a as u32)),
                });
            }
        }
        for x in 0..projects {
            if rng.chance(0.3) {
                n.edges.push(Edge::Owns {
                    employee,
                    target: OwnsTarget::Project(ProjectId(x as u32)),
                });
            }
        }
    }
}

fn interactions(rng: &mut Rng, n: &mut Network) {
    if n.employees.is_empty() || n.persons.is_empty() {
        return;
    }
    for _ in 0..rng.below(12) {
        let interaction = Interaction {
            employee: EmployeeId(rng.below(n.employees.len()) as u32),
            person: PersonId(rng.below(n.persons.len()) as u32),
            date: day_at(rng.below(900)),
            kind: *rng.pick(InteractionKind::ALL),
            project: (!n.projects.is_empty() && rng.chance(0.4))
                .then(|| ProjectId(rng.below(n.projects.len()) as u32)),
        };
        n.interactions.push(interaction);
        // Now and then the same interaction twice: two rows, two interactions.
        if rng.chance(0.1) {
            n.interactions.push(interaction);
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Export then import gives back exactly the network, whatever its periods,
        /// interactions, leaving dates and texts; and a second round changes nothing.
        #[test]
        fn random_networks_round_trip_exactly(seed in any::<u64>()) {
            let net = random_network(seed);
            prop_assert_eq!(net.validate(), Ok(()));
            let once = round_trip(&net);
            prop_assert_eq!(&once, &net);
            prop_assert_eq!(round_trip(&once), once);
        }
    }

    /// The generator above makes every kind of record often enough to test them.
    #[test]
    fn random_networks_hold_every_kind_of_record() {
        let nets: Vec<Network> = (0..64).map(random_network).collect();
        let dated = |n: &Network| {
            n.edges
                .iter()
                .filter(|e| matches!(e, Edge::WorksAt { employment, .. } if !employment.is_plain()))
                .count()
        };
        assert!(nets.iter().filter(|n| dated(n) > 1).count() > 10);
        assert!(nets.iter().filter(|n| !n.interactions.is_empty()).count() > 10);
        let left = nets
            .iter()
            .filter(|n| n.employees.iter().any(|e| e.left.is_some()))
            .count();
        assert!(left > 10, "{left}");
        for kind in guanxi::model::EdgeKind::ALL {
            assert!(
                nets.iter()
                    .any(|n| n.edges.iter().any(|e| e.kind() == kind)),
                "{kind}"
            );
        }
    }
}

/// Every file of `dir` with its bytes, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let bytes = if e.file_type().unwrap().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                b"<folder>".to_vec()
            };
            (name, bytes)
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_failed_export_leaves_the_folder_as_it_was() {
    let tiny =
        read_csv_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny")).unwrap();
    let time =
        read_csv_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-time")).unwrap();
    let dir = TempDir::new().unwrap();
    write_csv_dir(&tiny, dir.path()).unwrap();
    let before = files(dir.path());
    assert_eq!(before.len(), 12, "{before:?}");
    // ties.csv, the fifth file written, cannot be created: a folder is in its way.
    std::fs::create_dir(dir.path().join(".ties.csv.partial")).unwrap();
    let err = write_csv_dir(&time, dir.path()).unwrap_err();
    match &err {
        CsvExportError::Io { path, .. } => assert_eq!(path, &dir.path().join("ties.csv")),
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains("ties.csv: cannot be written"),
        "{err}"
    );
    // The old export is intact, and no staged file is left (the obstacle is the test's).
    std::fs::remove_dir(dir.path().join(".ties.csv.partial")).unwrap();
    assert_eq!(files(dir.path()), before);
    assert_eq!(read_csv_dir(dir.path()).unwrap(), tiny);
    // Once the obstacle is gone, the new export replaces the old one whole.
    write_csv_dir(&time, dir.path()).unwrap();
    assert_eq!(files(dir.path()).len(), 12);
    assert_eq!(read_csv_dir(dir.path()).unwrap(), time);
}
