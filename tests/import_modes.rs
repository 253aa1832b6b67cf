//! Import modes (docs/csv.md "Import modes"): merge upserts what a folder holds — delta
//! folders refer to ids in the database, a person's employment in the folder is the whole
//! truth for that person, interactions are added only beyond those already held — and
//! replace makes the database exactly the folder. A dry run reports exactly what the real
//! run then does and writes nothing; bad input in either mode writes nothing.
//!
//! The property test imports a random network A, then merges or replaces a random
//! network B (in merge mode, with some of B's node rows left out of the folder, so that
//! the folder refers to A's nodes), and compares the database with a simple model of the
//! rules, and the plan's counts with the difference between the states before and after.
#![allow(clippy::too_many_lines)] // scenario tests

#[path = "common/cli.rs"]
mod cli;

use guanxi::io::{
    import_dir, import_dir_with, plan_import, write_csv_dir, Changes, CsvImportError, Delta,
    ImportMode, ImportOptions, ImportPlan, TransferError,
};
use guanxi::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, EdgeAttrs, EdgeKind, Employee, EmployeeId,
    Employment, Interaction, InteractionKind, Member, Network, Node, NodeKind, NodeRef, OwnsTarget,
    Person, PersonId, Project, ProjectId, Role, Score, Stage, Tie,
};
use guanxi::store::{Database, InteractionId, Read, StoreError};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------
// A database's content by external ids, for comparing states.

type NodeKey = (NodeKind, String);
type EdgeId = (EdgeKind, String, String);
type InteractionKey = (String, String, Day, InteractionKind, Option<String>);

/// A network by external ids: what "the database's network equals the model" means
/// (positions, store ids and the order of records do not count).
#[derive(Debug, Clone, Default, PartialEq)]
struct Canon {
    nodes: BTreeMap<NodeKey, Node>,
    edges: BTreeMap<EdgeId, EdgeAttrs>,
    /// How many interactions have each record.
    interactions: BTreeMap<InteractionKey, usize>,
}

fn xid(net: &Network, node: impl Into<NodeRef>) -> String {
    net.xid(node.into()).expect("node exists").to_owned()
}

fn node_of(net: &Network, node: NodeRef) -> Node {
    net.view(node).expect("node exists").to_node()
}

fn edge_id(net: &Network, e: &Edge) -> EdgeId {
    let k = e.key();
    (k.kind, xid(net, k.from), xid(net, k.to))
}

fn interaction_key(net: &Network, x: &Interaction) -> InteractionKey {
    (
        xid(net, x.employee),
        xid(net, x.person),
        x.date,
        x.kind,
        x.project.map(|p| xid(net, p)),
    )
}

fn canon(net: &Network) -> Canon {
    let mut c = Canon::default();
    for kind in NodeKind::ALL {
        for i in 0..net.count(kind) {
            let node = NodeRef::new(kind, i as u32);
            c.nodes.insert((kind, xid(net, node)), node_of(net, node));
        }
    }
    for e in &net.edges {
        c.edges.insert(edge_id(net, e), e.attrs());
    }
    for x in &net.interactions {
        *c.interactions.entry(interaction_key(net, x)).or_default() += 1;
    }
    c
}

/// The network a canonical form describes (for validating a model's result).
fn network_of(c: &Canon) -> Network {
    let mut net = Network::new();
    let mut pos: BTreeMap<&NodeKey, u32> = BTreeMap::new();
    for (key, node) in &c.nodes {
        pos.insert(key, net.count(key.0) as u32);
        match node.clone() {
            Node::Account(a) => net.accounts.push(a),
            Node::Person(p) => net.persons.push(p),
            Node::Employee(e) => net.employees.push(e),
            Node::Project(x) => net.projects.push(x),
        }
    }
    let at =
        |kind: NodeKind, x: &str| -> NodeRef { NodeRef::new(kind, pos[&(kind, x.to_owned())]) };
    for ((kind, from, to), attrs) in &c.edges {
        let to_kind =
            if *kind == EdgeKind::Owns && !c.nodes.contains_key(&(NodeKind::Account, to.clone())) {
                NodeKind::Project
            } else {
                [NodeKind::Account, NodeKind::Person, NodeKind::Project]
                    .into_iter()
                    .find(|k| kind.allows_to(*k))
                    .unwrap()
            };
        let key = guanxi::model::EdgeKey {
            kind: *kind,
            from: at(kind.from_kind(), from),
            to: at(to_kind, to),
        };
        net.edges
            .push(Edge::from_parts(key, attrs.clone()).unwrap());
    }
    for ((e, p, date, kind, project), n) in &c.interactions {
        for _ in 0..*n {
            net.interactions.push(Interaction {
                employee: EmployeeId(at(NodeKind::Employee, e).id),
                person: PersonId(at(NodeKind::Person, p).id),
                date: *date,
                kind: *kind,
                project: project
                    .as_ref()
                    .map(|x| ProjectId(at(NodeKind::Project, x).id)),
            });
        }
    }
    net
}

/// What a folder states: its network without the outside nodes it only refers to.
fn defined(folder: &guanxi::io::Folder) -> Canon {
    let mut c = canon(folder.network());
    let net = folder.network();
    c.nodes.retain(|(kind, x), _| {
        (0..folder.defined(*kind))
            .any(|i| net.xid(NodeRef::new(*kind, i as u32)) == Some(x.as_str()))
    });
    c
}

fn state(db: &Database) -> Canon {
    canon(&db.begin_read().unwrap().network().unwrap().0)
}

fn log_len(db: &Database) -> usize {
    db.begin_read().unwrap().log(0).unwrap().len()
}

// ---------------------------------------------------------------------------------------
// Folders.

/// A folder holding exactly `files`.
fn folder(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn merge() -> ImportOptions {
    ImportOptions::default()
}

fn replace() -> ImportOptions {
    ImportOptions {
        mode: ImportMode::Replace,
        dry_run: false,
    }
}

fn import(db: &Database, files: &[(&str, &str)], options: ImportOptions) -> ImportPlan {
    let dir = folder(files);
    import_dir_with(db, dir.path(), options, 1).unwrap_or_else(|e| panic!("import: {e}"))
}

fn refused(db: &Database, files: &[(&str, &str)], options: ImportOptions) -> TransferError {
    let before = (state(db), log_len(db));
    let dir = folder(files);
    let e = import_dir_with(db, dir.path(), options, 1).expect_err("the import must fail");
    assert_eq!(
        (state(db), log_len(db)),
        before,
        "a refused import wrote: {e}"
    );
    e
}

fn row_problems(e: &TransferError) -> Vec<String> {
    match e {
        TransferError::Csv(CsvImportError::Rows(r)) => {
            r.errors.iter().map(ToString::to_string).collect()
        }
        other => panic!("expected row problems, got {other}"),
    }
}

fn works_at(db: &Database, person: &str) -> Vec<(String, Employment)> {
    let r = db.begin_read().unwrap();
    let p = r.lookup(NodeKind::Person, person).unwrap().unwrap();
    r.edges_out(p, EdgeKind::WorksAt)
        .unwrap()
        .into_iter()
        .map(|e| match e {
            Edge::WorksAt {
                account,
                employment,
                ..
            } => (r.account(account).unwrap().unwrap().xid, employment),
            _ => unreachable!(),
        })
        .collect()
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

const ACCOUNTS: &str = "id,name,kind\nA1,Acme,client\nA2,Bolt,client\nK1,Rival,competitor\n";
const PERSONS: &str = "id,name,account_id,title\nP1,Li,A1,CTO\nP2,Wu,A1,\nP3,Ma,A2,\n";
const EMPLOYEES: &str = "id,name\nE1,Wang\nE2,Zhao\n";
const PROJECTS: &str = "id,name,account_id,stage,amount\nX1,Deal,A1,pursuit,100\n";
const TIES: &str =
    "employee_id,person_id,closeness,last_contact,private\nE1,P1,0.5,2025-01-01,\nE2,P2,0.4,,\n";
const RIVALS: &str = "competitor_id,person_id,closeness\nK1,P1,0.3\n";
const INTERACTIONS: &str = "employee_id,person_id,date,kind,project_id\nE1,P1,2025-01-02,meeting,X1\nE1,P1,2025-01-02,meeting,X1\nE2,P3,2025-01-03,call,\n";

/// The base folder: three accounts (one a competitor), three persons, two employees, a
/// project, two ties, a rival tie and three interactions (two of them identical).
fn base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("accounts.csv", ACCOUNTS),
        ("persons.csv", PERSONS),
        ("employees.csv", EMPLOYEES),
        ("projects.csv", PROJECTS),
        ("ties.csv", TIES),
        ("rival_ties.csv", RIVALS),
        ("interactions.csv", INTERACTIONS),
    ]
}

fn with(files: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut all = base();
    for (name, text) in files {
        all.retain(|(n, _)| n != name);
        all.push((name, text));
    }
    all
}

fn loaded() -> Database {
    let db = Database::in_memory().unwrap();
    let plan = import(&db, &base(), merge());
    assert_eq!(plan.counts().all_nodes().added, 9);
    db
}

// ---------------------------------------------------------------------------------------
// Merge.

#[test]
fn a_changed_account_in_persons_csv_moves_the_person() {
    let db = loaded();
    let persons = "id,name,account_id,title\nP1,Li,A2,CTO\nP2,Wu,A1,\nP3,Ma,A2,\n";
    let plan = import(&db, &with(&[("persons.csv", persons)]), merge());
    assert_eq!(
        works_at(&db, "P1"),
        vec![("A2".to_owned(), Employment::default())]
    );
    let w = plan.counts().edge(EdgeKind::WorksAt);
    assert_eq!((w.added, w.changed, w.removed, w.unchanged), (1, 0, 1, 2));
    assert_eq!(
        plan.edges(EdgeKind::WorksAt, Delta::Added),
        vec![("P1", "A2")]
    );
    assert_eq!(
        plan.edges(EdgeKind::WorksAt, Delta::Removed),
        vec![("P1", "A1")]
    );
    assert_eq!(plan.counts().all_nodes().changed, 0);
    // Everything else is as it was.
    let mut want = state(&loaded());
    want.edges
        .remove(&(EdgeKind::WorksAt, "P1".into(), "A1".into()));
    want.edges.insert(
        (EdgeKind::WorksAt, "P1".into(), "A2".into()),
        EdgeAttrs::Employment(Employment::default()),
    );
    assert_eq!(state(&db), want);
}

#[test]
fn employment_csv_rows_are_the_whole_truth_for_their_person() {
    let db = loaded();
    let employment = "person_id,account_id,since,until,title\nP1,A1,2020-01-01,2024-01-01,CTO\nP1,A2,2024-01-01,,CEO\n";
    let persons = "id,name,account_id,title\nP1,Li,,CTO\nP2,Wu,A1,\nP3,Ma,A2,\n";
    import(
        &db,
        &with(&[("persons.csv", persons), ("employment.csv", employment)]),
        merge(),
    );
    let period = |since, until: Option<&str>, title: &str| Employment {
        since: Some(day(since)),
        until: until.map(day),
        title: Some(title.into()),
    };
    assert_eq!(
        works_at(&db, "P1"),
        vec![
            (
                "A1".to_owned(),
                period("2020-01-01", Some("2024-01-01"), "CTO")
            ),
            ("A2".to_owned(), period("2024-01-01", None, "CEO")),
        ]
    );
    // A delta folder: P1 is the database's; its employment rows change one period, drop
    // the other and add a third at a new account.
    let delta = [
        ("accounts.csv", "id,name,kind\nA3,Cord,partner\n"),
        (
            "employment.csv",
            "person_id,account_id,since,until,title\nP1,A2,2024-01-01,2025-01-01,CEO\nP1,A3,2025-01-01,,Advisor\n",
        ),
    ];
    let plan = import(&db, &delta, merge());
    assert_eq!(
        works_at(&db, "P1"),
        vec![
            (
                "A2".to_owned(),
                period("2024-01-01", Some("2025-01-01"), "CEO")
            ),
            ("A3".to_owned(), period("2025-01-01", None, "Advisor")),
        ]
    );
    let w = plan.counts().edge(EdgeKind::WorksAt);
    assert_eq!((w.added, w.changed, w.removed, w.unchanged), (1, 1, 1, 0));
    assert_eq!(
        plan.edges(EdgeKind::WorksAt, Delta::Changed),
        vec![("P1", "A2")]
    );
    assert_eq!(
        plan.edges(EdgeKind::WorksAt, Delta::Removed),
        vec![("P1", "A1")]
    );
    // Nobody else's employment moved.
    assert_eq!(
        works_at(&db, "P2"),
        vec![("A1".to_owned(), Employment::default())]
    );
}

#[test]
fn a_persons_row_without_account_leaves_the_person_with_none() {
    let db = loaded();
    let plan = import(
        &db,
        &[
            ("accounts.csv", "id,name,kind\n"),
            ("persons.csv", "id,name,account_id,title\nP2,Wu,,\n"),
        ],
        merge(),
    );
    assert_eq!(works_at(&db, "P2"), vec![]);
    assert_eq!(plan.counts().edge(EdgeKind::WorksAt).removed, 1);
    assert_eq!(works_at(&db, "P1").len(), 1);
}

#[test]
fn a_project_in_projects_csv_belongs_to_the_account_given_there() {
    let db = loaded();
    let projects = "id,name,account_id,stage,amount\nX1,Deal,A2,won,100\n";
    let plan = import(
        &db,
        &[
            ("accounts.csv", "id,name,kind\n"),
            ("projects.csv", projects),
        ],
        merge(),
    );
    let of = plan.counts().edge(EdgeKind::Of);
    assert_eq!((of.added, of.removed), (1, 1));
    assert_eq!(plan.nodes(NodeKind::Project, Delta::Changed), vec!["X1"]);
    let s = state(&db);
    assert!(s
        .edges
        .contains_key(&(EdgeKind::Of, "X1".into(), "A2".into())));
    assert!(!s
        .edges
        .contains_key(&(EdgeKind::Of, "X1".into(), "A1".into())));
}

#[test]
fn a_delta_folder_adds_ties_between_nodes_of_the_database() {
    let db = loaded();
    let before = state(&db);
    let delta = [
        ("accounts.csv", "id,name,kind\n"),
        (
            "ties.csv",
            "employee_id,person_id,closeness,last_contact,private\nE2,P3,0.7,2025-03-01,true\nE1,P1,0.6,2025-01-01,\n",
        ),
    ];
    let dry = import(
        &db,
        &delta,
        ImportOptions {
            dry_run: true,
            ..merge()
        },
    );
    assert_eq!(state(&db), before);
    let plan = import(&db, &delta, merge());
    assert_eq!(plan.details().to_string(), dry.details().to_string());
    let t = plan.counts().edge(EdgeKind::Tie);
    assert_eq!((t.added, t.changed, t.removed, t.unchanged), (1, 1, 0, 0));
    assert_eq!(plan.counts().all_nodes(), Changes::default());
    let mut want = before;
    let tie = |c, last: &str, private| {
        EdgeAttrs::Tie(Tie {
            closeness: Score::new(c).unwrap(),
            last_contact: Some(day(last)),
            private,
        })
    };
    want.edges.insert(
        (EdgeKind::Tie, "E2".into(), "P3".into()),
        tie(0.7, "2025-03-01", true),
    );
    want.edges.insert(
        (EdgeKind::Tie, "E1".into(), "P1".into()),
        tie(0.6, "2025-01-01", false),
    );
    assert_eq!(state(&db), want);
}

#[test]
fn a_delta_folder_adds_persons_at_accounts_of_the_database() {
    let db = loaded();
    let plan = import(
        &db,
        &[
            ("accounts.csv", "id,name,kind\n"),
            ("persons.csv", "id,name,account_id,title\nP9,Qin,A2,CFO\n"),
            (
                "chain.csv",
                "project_id,person_id,role,coach,solution,price\nX1,P9,approver,,0.5,\n",
            ),
        ],
        merge(),
    );
    assert_eq!(plan.nodes(NodeKind::Person, Delta::Added), vec!["P9"]);
    assert_eq!(
        plan.counts().all_nodes().unchanged,
        0,
        "only the folder's own rows count"
    );
    assert_eq!(
        works_at(&db, "P9"),
        vec![("A2".to_owned(), Employment::default())]
    );
    assert_eq!(plan.counts().edge(EdgeKind::Member).added, 1);
}

#[test]
fn an_id_neither_in_the_folder_nor_in_the_database_is_a_row_problem() {
    let db = loaded();
    let delta = [
        ("accounts.csv", "id,name,kind\n"),
        (
            "ties.csv",
            "employee_id,person_id,closeness,last_contact,private\nE1,P1,0.5,,\nE1,P404,0.5,,\n",
        ),
        (
            "rival_ties.csv",
            "competitor_id,person_id,closeness\nA1,P2,0.5\n",
        ),
    ];
    for dry_run in [false, true] {
        let e = refused(&db, &delta, ImportOptions { dry_run, ..merge() });
        assert_eq!(
            row_problems(&e),
            [
                "ties.csv:3: person_id \"P404\" is not an id in persons.csv or in the database",
                "rival_ties.csv:2: competitor_id \"A1\" is a client account; it must be an account of kind competitor",
            ]
        );
    }
    // Replace mode reads the folder on its own: the same ids are unknown there.
    let e = refused(&db, &delta, replace());
    assert_eq!(
        row_problems(&e)[0],
        "ties.csv:2: employee_id \"E1\" is not an id in employees.csv"
    );
}

#[test]
fn merge_refuses_to_make_a_competitor_with_rival_ties_a_client() {
    let db = loaded();
    let accounts = "id,name,kind\nA1,Acme,client\nA2,Bolt,client\nK1,Rival,client\n";
    let delta = [("accounts.csv", accounts)];
    for dry_run in [true, false] {
        let e = refused(&db, &delta, ImportOptions { dry_run, ..merge() });
        assert!(
            matches!(&e, TransferError::Store(StoreError::CompetitorHasEdges { xid, edges: 1 }) if xid == "K1"),
            "{e}"
        );
    }
    // Replace with a folder without the rival tie: the account changes kind, the tie goes.
    let folder = with(&[
        ("accounts.csv", accounts),
        ("rival_ties.csv", "competitor_id,person_id,closeness\n"),
    ]);
    let plan = import(&db, &folder, replace());
    assert_eq!(plan.counts().edge(EdgeKind::RivalTie).removed, 1);
    assert_eq!(plan.nodes(NodeKind::Account, Delta::Changed), vec!["K1"]);
}

#[test]
fn reimporting_the_same_folder_changes_nothing_and_logs_nothing() {
    let db = loaded();
    let full = base();
    let log = log_len(&db);
    for options in [merge(), replace()] {
        let plan = import(&db, &full, options);
        let c = plan.counts();
        assert!(plan.writes_nothing(), "{plan}");
        assert_eq!(
            (
                c.all_nodes().added,
                c.all_nodes().changed,
                c.all_nodes().removed
            ),
            (0, 0, 0)
        );
        assert_eq!(c.all_nodes().unchanged, 9);
        assert_eq!(
            c.all_edges(),
            Changes {
                unchanged: 7,
                ..Default::default()
            }
        );
        assert_eq!(
            c.interactions,
            Changes {
                unchanged: 3,
                ..Default::default()
            }
        );
        assert_eq!(log_len(&db), log, "a no-op import wrote log entries");
    }
}

#[test]
fn merge_adds_only_the_interactions_beyond_those_held() {
    let db = loaded();
    let header = "employee_id,person_id,date,kind,project_id\n";
    let meeting = "E1,P1,2025-01-02,meeting,X1\n";
    // Merges a folder of these interactions (and an accounts file without rows).
    let merge_interactions = |interactions: &str| {
        let files = [
            ("accounts.csv", "id,name,kind\n"),
            ("interactions.csv", interactions),
        ];
        import(&db, &files, merge())
    };
    // A delta folder with one of the two meetings: it matches one already held.
    let plan = merge_interactions(&format!("{header}{meeting}"));
    let c = plan.counts().interactions;
    assert_eq!((c.added, c.removed, c.unchanged), (0, 0, 1));
    // Three identical meetings and an email: one meeting more than held, and the email.
    let more = format!("{header}{meeting}{meeting}E1,P2,2025-02-01,email,\n{meeting}");
    let plan = merge_interactions(&more);
    let c = plan.counts().interactions;
    assert_eq!((c.added, c.removed, c.unchanged), (2, 0, 2));
    let added: Vec<String> = plan
        .interactions(Delta::Added)
        .iter()
        .map(ToString::to_string)
        .collect();
    // In folder order: the third meeting is the one beyond those held.
    assert_eq!(
        added,
        ["E1 P2 2025-02-01 email -", "E1 P1 2025-01-02 meeting X1"]
    );
    let s = state(&db);
    let key = |e: &str, p: &str, d: &str, k, x: Option<&str>| {
        (e.to_owned(), p.to_owned(), day(d), k, x.map(str::to_owned))
    };
    assert_eq!(
        s.interactions[&key(
            "E1",
            "P1",
            "2025-01-02",
            InteractionKind::Meeting,
            Some("X1")
        )],
        3
    );
    assert_eq!(
        s.interactions[&key("E1", "P2", "2025-02-01", InteractionKind::Email, None)],
        1
    );
    assert_eq!(
        s.interactions[&key("E2", "P3", "2025-01-03", InteractionKind::Call, None)],
        1
    );
    assert_eq!(s.interactions.values().sum::<usize>(), 5);
    // Merge never removes one: a folder without interactions leaves them all.
    let plan = import(&db, &[("accounts.csv", "id,name,kind\n")], merge());
    assert!(plan.writes_nothing());
    assert_eq!(state(&db), s);
}

// ---------------------------------------------------------------------------------------
// Replace.

#[test]
fn replace_removes_what_the_folder_lacks() {
    let db = loaded();
    let folder = [
        (
            "accounts.csv",
            "id,name,kind\nA1,Acme,client\nK1,Rival,competitor\n",
        ),
        (
            "persons.csv",
            "id,name,account_id,title\nP1,Li,A1,CTO\nP2,Wu,A1,\n",
        ),
        ("employees.csv", EMPLOYEES),
        ("projects.csv", PROJECTS),
        (
            "ties.csv",
            "employee_id,person_id,closeness,last_contact,private\nE1,P1,0.5,2025-01-01,\n",
        ),
        (
            "interactions.csv",
            "employee_id,person_id,date,kind,project_id\nE1,P1,2025-01-02,meeting,X1\n",
        ),
    ];
    let dry = import(
        &db,
        &folder,
        ImportOptions {
            dry_run: true,
            ..replace()
        },
    );
    let plan = import(&db, &folder, replace());
    assert_eq!(dry.details().to_string(), plan.details().to_string());
    assert_eq!(plan.nodes(NodeKind::Account, Delta::Removed), vec!["A2"]);
    assert_eq!(plan.nodes(NodeKind::Person, Delta::Removed), vec!["P3"]);
    assert_eq!(
        plan.edges(EdgeKind::Tie, Delta::Removed),
        vec![("E2", "P2")]
    );
    assert_eq!(
        plan.edges(EdgeKind::RivalTie, Delta::Removed),
        vec![("K1", "P1")]
    );
    // One of the two identical meetings goes (the one recorded last), and the call goes
    // with P3.
    let removed: Vec<String> = plan
        .interactions(Delta::Removed)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        removed,
        ["E1 P1 2025-01-02 meeting X1", "E2 P3 2025-01-03 call -"]
    );
    let r = db.begin_read().unwrap();
    let meetings = r
        .interactions_of(PersonId(
            r.lookup(NodeKind::Person, "P1").unwrap().unwrap().id,
        ))
        .unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(
        meetings[0].0,
        InteractionId(0),
        "the first recorded meeting is kept"
    );
    drop(r);
    // P3's works_at goes with P3, and is listed.
    assert_eq!(
        plan.edges(EdgeKind::WorksAt, Delta::Removed),
        vec![("P3", "A2")]
    );
    let dir = self::folder(&folder);
    let want = canon(&guanxi::io::read_csv_dir(dir.path()).unwrap());
    assert_eq!(state(&db), want);
    assert!(db.begin_read().unwrap().check().unwrap().is_clean());
}

#[test]
fn replace_needs_a_complete_folder() {
    let db = loaded();
    let e = refused(
        &db,
        &[
            ("accounts.csv", "id,name,kind\n"),
            ("persons.csv", "id,name,account_id,title\nP1,Li,A1,\n"),
        ],
        replace(),
    );
    assert_eq!(
        row_problems(&e),
        ["persons.csv:2: account_id \"A1\" is not an id in accounts.csv"]
    );
}

#[test]
fn bad_rows_write_nothing_in_either_mode() {
    let db = loaded();
    let bad = with(&[(
        "ties.csv",
        "employee_id,person_id,closeness,last_contact,private\nE1,P1,1.5,,\nE2,P3,0.4,,\n",
    )]);
    for options in [merge(), replace()] {
        let e = refused(&db, &bad, options);
        assert_eq!(
            row_problems(&e),
            ["ties.csv:2: closeness \"1.5\" is not a finite number in [0, 1]"]
        );
    }
}

// ---------------------------------------------------------------------------------------
// Dry runs and plans.

#[test]
fn a_dry_run_leaves_the_file_byte_identical_and_says_what_the_real_run_does() {
    let tmp = TempDir::new().unwrap();
    let path = tmp.path().join("crm.redb");
    {
        let db = Database::create(&path).unwrap();
        let dir = folder(&base());
        import_dir(&db, dir.path(), 1).unwrap();
    }
    let changed = with(&[
        (
            "accounts.csv",
            "id,name,kind\nA1,Acme Ltd,client\nK1,Rival,competitor\n",
        ),
        (
            "persons.csv",
            "id,name,account_id,title\nP1,Li,K1,CTO\nP2,Wu,A1,\n",
        ),
        (
            "interactions.csv",
            "employee_id,person_id,date,kind,project_id\nE1,P1,2025-01-02,meeting,X1\nE1,P2,2025-01-05,event,\n",
        ),
    ]);
    let dir = folder(&changed);
    for mode in [ImportMode::Merge, ImportMode::Replace] {
        let bytes = std::fs::read(&path).unwrap();
        let dry = {
            let db = Database::open_read_only(&path).unwrap();
            plan_import(&db, dir.path(), mode).unwrap()
        };
        assert!(
            std::fs::read(&path).unwrap() == bytes,
            "{mode}: the dry run wrote"
        );
        // Through import_dir_with on a writable handle: no transaction is committed (the
        // storage engine may still update its own bookkeeping when the handle closes).
        let db = Database::open(&path).unwrap();
        let before = (state(&db), log_len(&db));
        let options = ImportOptions {
            mode,
            dry_run: true,
        };
        let again = import_dir_with(&db, dir.path(), options, 2).unwrap();
        assert_eq!((state(&db), log_len(&db)), before);
        assert_eq!(again.details().to_string(), dry.details().to_string());
        drop(db);

        let db = Database::open(&path).unwrap();
        let before = state(&db);
        let done = import_dir_with(
            &db,
            dir.path(),
            ImportOptions {
                mode,
                dry_run: false,
            },
            2,
        )
        .unwrap();
        assert_eq!(done.details().to_string(), dry.details().to_string());
        assert_eq!(done.counts(), dry.counts());
        assert_counts_match(&done, &before, &state(&db), &defined(done.folder()), mode);
    }
}

#[test]
fn a_plan_applies_only_to_the_state_it_was_made_for() {
    let db = loaded();
    let dir = folder(&with(&[(
        "persons.csv",
        "id,name,account_id,title\nP1,Li,A2,CTO\nP2,Wu,A1,\nP3,Ma,A2,\n",
    )]));
    let plan = plan_import(&db, dir.path(), ImportMode::Merge).unwrap();
    // Someone else moves P1 first.
    db.write(5, |t| {
        let p1 = t.lookup(NodeKind::Person, "P1")?.unwrap();
        let a1 = t.lookup(NodeKind::Account, "A1")?.unwrap();
        t.remove_edge(guanxi::model::EdgeKey {
            kind: EdgeKind::WorksAt,
            from: p1,
            to: a1,
        })
    })
    .unwrap();
    let before = (state(&db), log_len(&db));
    assert!(matches!(
        plan.apply(&db, 6),
        Err(TransferError::DatabaseChanged)
    ));
    assert_eq!((state(&db), log_len(&db)), before);
    // Planned again, it applies.
    let plan = plan_import(&db, dir.path(), ImportMode::Merge).unwrap();
    assert_eq!(plan.counts().edge(EdgeKind::WorksAt).removed, 0);
    plan.apply(&db, 7).unwrap();
    assert_eq!(
        works_at(&db, "P1"),
        vec![("A2".to_owned(), Employment::default())]
    );
}

#[test]
fn modes_parse_from_their_names() {
    assert_eq!("merge".parse::<ImportMode>(), Ok(ImportMode::Merge));
    assert_eq!("replace".parse::<ImportMode>(), Ok(ImportMode::Replace));
    let e = "Merge".parse::<ImportMode>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown import mode \"Merge\" (expected merge or replace)"
    );
    assert_eq!(ImportMode::default(), ImportMode::Merge);
}

// ---------------------------------------------------------------------------------------
// brm import.

#[test]
fn brm_import_modes_and_dry_run() {
    use cli::{fails, ok, s};
    let tmp = TempDir::new().unwrap();
    let db = tmp.path().join("crm.redb");
    let first = folder(&base());
    // A dry run into a missing file creates nothing; a real one creates the file.
    let dry = ok(&["import", s(first.path()), "--db", s(&db), "--dry-run"]);
    assert!(
        dry.starts_with("would import") && dry.contains("nodes 9 added"),
        "{dry}"
    );
    assert!(!db.exists());
    let done = ok(&[
        "import",
        s(first.path()),
        "--db",
        s(&db),
        "--mode",
        "replace",
    ]);
    assert!(done.contains("(replace): nodes 9 added"), "{done}");
    assert!(db.exists());

    let second = folder(&[("accounts.csv", "id,name,kind\nA1,Acme,client\n")]);
    let bytes = std::fs::read(&db).unwrap();
    let dry = ok(&[
        "import",
        s(second.path()),
        "--db",
        s(&db),
        "--mode",
        "replace",
        "--dry-run",
        "--verbose",
    ]);
    assert!(
        std::fs::read(&db).unwrap() == bytes,
        "brm import --dry-run wrote"
    );
    assert!(
        dry.contains("\n- account A2\n") && dry.contains("\n- person P3\n"),
        "{dry}"
    );
    assert!(
        dry.contains("nodes 0 added, 0 changed, 8 removed, 1 unchanged"),
        "{dry}"
    );

    let merged = ok(&["import", s(second.path()), "--db", s(&db)]);
    assert!(
        merged.contains("(merge): nodes 0 added, 0 changed, 0 removed, 1 unchanged"),
        "{merged}"
    );
    // (An import that changes nothing still opens the file for writing, as every
    // import does; the storage engine may update its bookkeeping then.)
    let bytes = std::fs::read(&db).unwrap();
    let out = cli::run(&[
        "import",
        s(second.path()),
        "--db",
        s(&db),
        "--mode",
        "upsert",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("unknown import mode \"upsert\""),
        "{err}"
    );
    // A bad folder: the message names the row, and the file is untouched.
    let bad = folder(&[("accounts.csv", "id,name,kind\nA9,,client\n")]);
    let err = fails(&["import", s(bad.path()), "--db", s(&db)]);
    assert!(err.contains("accounts.csv:2: name is empty"), "{err}");
    assert!(
        std::fs::read(&db).unwrap() == bytes,
        "a refused brm import wrote"
    );
    // A real replace: the database is the folder.
    let done = ok(&[
        "import",
        s(second.path()),
        "--db",
        s(&db),
        "--mode",
        "replace",
    ]);
    assert!(
        done.contains("nodes 0 added, 0 changed, 8 removed, 1 unchanged"),
        "{done}"
    );
    let r = Database::open_read_only(&db).unwrap();
    let net = r.begin_read().unwrap().network().unwrap().0;
    assert_eq!(
        canon(&net),
        canon(&guanxi::io::read_csv_dir(second.path()).unwrap())
    );
}

// ---------------------------------------------------------------------------------------
// The property: random A, then merge or replace random B.

/// The pools of external ids the random networks draw from, so that A and B overlap.
const ACCOUNT_IDS: [&str; 4] = ["A0", "A1", "A2", "A3"];
const PERSON_IDS: [&str; 6] = ["P0", "P1", "P2", "P3", "P4", "P5"];
const EMPLOYEE_IDS: [&str; 3] = ["E0", "E1", "E2"];
const PROJECT_IDS: [&str; 3] = ["X0", "X1", "X2"];

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// A valid random network over the id pools: every node present with probability 0.7,
/// records drawn from two values each (so that A and B sometimes agree), every edge kind,
/// dated and undated employment, and interactions with repeats.
fn random_network(rng: &mut Rng) -> Network {
    let mut net = Network::new();
    let score = |rng: &mut Rng| Score::new(rng.pick(&[0.25, 0.5, 0.75])).unwrap();
    for x in ACCOUNT_IDS {
        if rng.chance(70) {
            net.accounts.push(Account {
                xid: x.into(),
                name: rng.pick(&["Acme", "Bolt"]).into(),
                kind: rng.pick(&[
                    AccountKind::Client,
                    AccountKind::Competitor,
                    AccountKind::Partner,
                ]),
            });
        }
    }
    for x in PERSON_IDS {
        if rng.chance(70) {
            net.persons.push(Person {
                xid: x.into(),
                name: rng.pick(&["Li", "Wu"]).into(),
                title: rng.pick(&[None, Some("CTO")]).map(Into::into),
            });
        }
    }
    for x in EMPLOYEE_IDS {
        if rng.chance(70) {
            net.employees.push(Employee {
                xid: x.into(),
                name: rng.pick(&["Wang", "Zhao"]).into(),
                left: rng.pick(&[None, Some(day("2025-01-01"))]),
            });
        }
    }
    let (na, np, ne) = (net.accounts.len(), net.persons.len(), net.employees.len());
    if na > 0 {
        for x in PROJECT_IDS {
            if rng.chance(70) {
                net.projects.push(Project {
                    xid: x.into(),
                    name: "Deal".into(),
                    stage: rng.pick(&[Stage::Pursuit, Stage::Won]),
                    amount: Amount::new(rng.pick(&[0.0, 100.0])).unwrap(),
                });
                let project = ProjectId(net.projects.len() as u32 - 1);
                net.edges.push(Edge::Of {
                    project,
                    account: AccountId(rng.below(na) as u32),
                });
            }
        }
    }
    let nx = net.projects.len();
    let competitors: Vec<u32> = (0..na as u32)
        .filter(|&a| net.accounts[a as usize].kind == AccountKind::Competitor)
        .collect();
    for p in 0..np as u32 {
        let person = PersonId(p);
        match rng.below(4) {
            1 if na > 0 => net.edges.push(Edge::WorksAt {
                person,
                account: AccountId(rng.below(na) as u32),
                employment: Employment::default(),
            }),
            2 | 3 if na > 1 => {
                let first = rng.below(na);
                let second = (first + 1 + rng.below(na - 1)) % na;
                let switch = rng.pick(&["2023-01-01", "2024-01-01"]);
                net.edges.push(Edge::WorksAt {
                    person,
                    account: AccountId(first as u32),
                    employment: Employment {
                        since: None,
                        until: Some(day(switch)),
                        title: None,
                    },
                });
                if rng.chance(60) {
                    net.edges.push(Edge::WorksAt {
                        person,
                        account: AccountId(second as u32),
                        employment: Employment {
                            since: Some(day(switch)),
                            until: None,
                            title: rng.pick(&[None, Some("VP")]).map(Into::into),
                        },
                    });
                }
            }
            _ => {}
        }
        for q in 0..np as u32 {
            if p != q && rng.chance(15) {
                net.edges.push(Edge::ReportsTo {
                    person,
                    manager: PersonId(q),
                    weight: score(rng),
                });
            }
            if p != q && rng.chance(10) {
                net.edges.push(Edge::Influences {
                    from: person,
                    to: PersonId(q),
                    weight: score(rng),
                });
            }
        }
        for x in 0..nx as u32 {
            if rng.chance(25) {
                net.edges.push(Edge::Member {
                    person,
                    project: ProjectId(x),
                    member: Member {
                        role: rng.pick(&[Role::Approver, Role::User]),
                        coach: rng.chance(30),
                        solution: rng.pick(&[None, Some(0.5)]).map(|v| Score::new(v).unwrap()),
                        price: None,
                    },
                });
            }
        }
        for &k in &competitors {
            if rng.chance(30) {
                net.edges.push(Edge::RivalTie {
                    competitor: AccountId(k),
                    person,
                    closeness: score(rng),
                });
            }
        }
    }
    for e in 0..ne as u32 {
        let employee = EmployeeId(e);
        for p in 0..np as u32 {
            if rng.chance(35) {
                net.edges.push(Edge::Tie {
                    employee,
                    person: PersonId(p),
                    tie: Tie {
                        closeness: score(rng),
                        last_contact: rng.pick(&[None, Some(day("2025-02-01"))]),
                        private: rng.chance(20),
                    },
                });
            }
            // Interactions, repeated records included.
            if rng.chance(40) {
                for _ in 0..=rng.below(3) {
                    net.interactions.push(Interaction {
                        employee,
                        person: PersonId(p),
                        date: day(rng.pick(&["2025-03-01", "2025-03-02"])),
                        kind: rng.pick(&[InteractionKind::Meeting, InteractionKind::Call]),
                        project: (nx > 0 && rng.chance(30))
                            .then(|| ProjectId(rng.below(nx) as u32)),
                    });
                }
            }
        }
        if na > 0 && rng.chance(40) {
            net.edges.push(Edge::Owns {
                employee,
                target: OwnsTarget::Account(AccountId(rng.below(na) as u32)),
            });
        }
        if nx > 0 && rng.chance(40) {
            net.edges.push(Edge::Owns {
                employee,
                target: OwnsTarget::Project(ProjectId(rng.below(nx) as u32)),
            });
        }
    }
    for &k in &competitors {
        for x in 0..nx as u32 {
            if rng.chance(30) {
                net.edges.push(Edge::Competes {
                    competitor: AccountId(k),
                    project: ProjectId(x),
                });
            }
        }
    }
    net.validate().expect("the generator makes valid networks");
    net
}

/// The nodes of `b` that a merge folder may leave out (their rows dropped, so that the
/// folder refers to the database's node): nodes that `a` has too, except a person whose
/// only employment is a `persons.csv` account (dropping the row would drop it).
fn omissible(a: &Network, b: &Network) -> Vec<NodeKey> {
    let in_a = canon(a).nodes;
    let mut out = Vec::new();
    for kind in NodeKind::ALL {
        for i in 0..b.count(kind) {
            let node = NodeRef::new(kind, i as u32);
            let key = (kind, xid(b, node));
            let plain_job = kind == NodeKind::Person && {
                let jobs: Vec<&Edge> = b
                    .edges
                    .iter()
                    .filter(|e| e.kind() == EdgeKind::WorksAt && e.key().from == node)
                    .collect();
                matches!(&jobs[..], [Edge::WorksAt { employment, .. }] if employment.is_plain())
            };
            if in_a.contains_key(&key) && !plain_job {
                out.push(key);
            }
        }
    }
    out
}

/// Writes `b` as a folder without the rows of the `omitted` nodes.
fn write_folder(b: &Network, omitted: &BTreeSet<NodeKey>) -> TempDir {
    let dir = TempDir::new().unwrap();
    write_csv_dir(b, dir.path()).unwrap();
    for (kind, file) in [
        (NodeKind::Account, "accounts.csv"),
        (NodeKind::Person, "persons.csv"),
        (NodeKind::Employee, "employees.csv"),
        (NodeKind::Project, "projects.csv"),
    ] {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let kept: String = text
            .split_inclusive('\n')
            .enumerate()
            .filter(|(i, line)| {
                *i == 0
                    || !omitted.contains(&(kind, line.split(',').next().unwrap_or("").to_owned()))
            })
            .map(|(_, line)| line)
            .collect();
        std::fs::write(&path, kept).unwrap();
    }
    dir
}

/// What the folder states, by external ids: `b` without the omitted nodes and the `of`
/// edges of omitted projects (which live in their rows).
fn stated(b: &Network, omitted: &BTreeSet<NodeKey>) -> Canon {
    let mut c = canon(b);
    c.nodes.retain(|k, _| !omitted.contains(k));
    c.edges.retain(|(kind, from, _), _| {
        !(*kind == EdgeKind::Of && omitted.contains(&(NodeKind::Project, from.clone())))
    });
    c
}

/// The merge rules, on canonical forms: `None` if the result breaks a rule (the import
/// must then fail).
fn merge_model(a: &Canon, b: &Network, omitted: &BTreeSet<NodeKey>) -> Option<Canon> {
    let folder = stated(b, omitted);
    let mut m = a.clone();
    for (k, n) in &folder.nodes {
        m.nodes.insert(k.clone(), n.clone());
    }
    let stated_persons: BTreeSet<&String> = folder
        .nodes
        .keys()
        .filter(|(k, _)| *k == NodeKind::Person)
        .map(|(_, x)| x)
        .chain(
            folder
                .edges
                .keys()
                .filter(|(k, _, _)| *k == EdgeKind::WorksAt)
                .map(|(_, p, _)| p),
        )
        .collect();
    let stated_projects: BTreeSet<&String> = folder
        .nodes
        .keys()
        .filter(|(k, _)| *k == NodeKind::Project)
        .map(|(_, x)| x)
        .collect();
    m.edges.retain(|(kind, from, _), _| match kind {
        EdgeKind::WorksAt => !stated_persons.contains(from),
        EdgeKind::Of => !stated_projects.contains(from),
        _ => true,
    });
    for (k, attrs) in &folder.edges {
        m.edges.insert(k.clone(), attrs.clone());
    }
    for (k, n) in &folder.interactions {
        let have = m.interactions.entry(k.clone()).or_default();
        *have = (*have).max(*n);
    }
    network_of(&m).validate().is_ok().then_some(m)
}

/// The counts (added, changed, removed, unchanged) of the records whose keys pass
/// `of_kind`, going from `before` to `after`: "unchanged" are the records of `folder` that
/// were already there as they are.
fn expected_counts<K: Ord, V: PartialEq>(
    before: &BTreeMap<K, V>,
    after: &BTreeMap<K, V>,
    folder: &BTreeMap<K, V>,
    of_kind: impl Fn(&K) -> bool,
) -> (u64, u64, u64, u64) {
    let b: BTreeSet<&K> = before.keys().filter(|k| of_kind(k)).collect();
    let a: BTreeSet<&K> = after.keys().filter(|k| of_kind(k)).collect();
    let changed = a
        .intersection(&b)
        .filter(|k| before[**k] != after[**k])
        .count();
    let unchanged = a
        .intersection(&b)
        .filter(|k| before[**k] == after[**k] && folder.contains_key(**k))
        .count();
    (
        a.difference(&b).count() as u64,
        changed as u64,
        b.difference(&a).count() as u64,
        unchanged as u64,
    )
}

/// Asserts that the plan's counts are the difference between `before` and `after`, with
/// "unchanged" the folder's records that were already there as they are.
fn assert_counts_match(
    plan: &ImportPlan,
    before: &Canon,
    after: &Canon,
    folder: &Canon,
    mode: ImportMode,
) {
    let c = plan.counts();
    for kind in NodeKind::ALL {
        let got = c.node(kind);
        assert_eq!(
            (got.added, got.changed, got.removed, got.unchanged),
            expected_counts(&before.nodes, &after.nodes, &folder.nodes, |k| k.0 == kind),
            "{mode} {kind}:\n{}",
            plan.details()
        );
    }
    for kind in EdgeKind::ALL {
        let got = c.edge(kind);
        assert_eq!(
            (got.added, got.changed, got.removed, got.unchanged),
            expected_counts(&before.edges, &after.edges, &folder.edges, |k| k.0 == kind),
            "{mode} {kind}:\n{}",
            plan.details()
        );
    }
    let count = |s: &Canon, k: &InteractionKey| s.interactions.get(k).copied().unwrap_or(0);
    let keys: BTreeSet<&InteractionKey> = before
        .interactions
        .keys()
        .chain(after.interactions.keys())
        .collect();
    let added: usize = keys
        .iter()
        .map(|k| count(after, k).saturating_sub(count(before, k)))
        .sum();
    let removed: usize = keys
        .iter()
        .map(|k| count(before, k).saturating_sub(count(after, k)))
        .sum();
    let unchanged: usize = folder
        .interactions
        .iter()
        .map(|(k, n)| (*n).min(count(before, k)))
        .sum();
    let got = c.interactions;
    assert_eq!(
        (got.added, got.changed, got.removed, got.unchanged),
        (added as u64, 0, removed as u64, unchanged as u64),
        "{mode} interactions"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn importing_b_over_a_gives_the_model(seed in 1..u64::MAX, replace_mode in any::<bool>(), omit in any::<u64>()) {
        let mut rng = Rng(seed);
        let a = random_network(&mut rng);
        let b = random_network(&mut rng);
        let db = Database::in_memory().unwrap();
        let first = TempDir::new().unwrap();
        write_csv_dir(&a, first.path()).unwrap();
        import_dir(&db, first.path(), 1).unwrap();
        let before = state(&db);
        prop_assert_eq!(&before, &canon(&a));

        let mode = if replace_mode { ImportMode::Replace } else { ImportMode::Merge };
        let omitted: BTreeSet<NodeKey> = if replace_mode {
            BTreeSet::new()
        } else {
            omissible(&a, &b).into_iter().enumerate().filter(|(i, _)| (omit >> (i % 64)) & 1 == 1).map(|(_, k)| k).collect()
        };
        let dir = write_folder(&b, &omitted);
        let want = match mode {
            ImportMode::Replace => Some(canon(&b)),
            ImportMode::Merge => merge_model(&before, &b, &omitted),
        };
        let log = log_len(&db);
        let dry = import_dir_with(&db, dir.path(), ImportOptions { mode, dry_run: true }, 2);
        prop_assert_eq!(&state(&db), &before);
        prop_assert_eq!(log_len(&db), log);
        let real = import_dir_with(&db, dir.path(), ImportOptions { mode, dry_run: false }, 2);
        match (want, real, dry) {
            (Some(want), Ok(plan), Ok(dry)) => {
                let after = state(&db);
                prop_assert_eq!(&after, &want);
                prop_assert_eq!(dry.details().to_string(), plan.details().to_string());
                assert_counts_match(&plan, &before, &after, &stated(&b, &omitted), mode);
                prop_assert!(db.begin_read().unwrap().check().unwrap().is_clean());
                // Again: nothing to do.
                let again = import_dir_with(&db, dir.path(), ImportOptions { mode, dry_run: false }, 3).unwrap();
                prop_assert!(again.writes_nothing(), "{}", again.details());
            }
            (None, Err(e), Err(dry)) => {
                prop_assert_eq!(&state(&db), &before);
                prop_assert_eq!(log_len(&db), log);
                prop_assert_eq!(e.to_string(), dry.to_string());
            }
            (want, real, dry) => {
                prop_assert!(false, "model {:?}\nreal {:?}\ndry {:?}", want.map(|_| "ok"), real.map(|p| p.details().to_string()), dry.map(|p| p.details().to_string()));
            }
        }
    }
}
