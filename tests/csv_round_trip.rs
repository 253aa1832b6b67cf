//! CSV export: import → export → import gives an identical network, and the writer
//! quotes what needs quoting and refuses what the format cannot express.
#![allow(clippy::float_cmp, clippy::too_many_lines)] // exact expected values; long scenario tests

use guanxi::io::{read_csv_dir, write_csv_dir, CsvExportError};
use guanxi::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, Employee, EmployeeId, Employment, Member,
    Network, OwnsTarget, Person, PersonId, Project, ProjectId, Role, Score, Stage, Tie,
};
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
fn export_writes_all_ten_files_with_headers() {
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
