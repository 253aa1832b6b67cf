//! CSV import (§5): the worked examples, every error class with its exact message,
//! quoting, byte-order mark, blank lines and physical line numbers, the files of §8
//! (employment periods, interactions, leaving dates) and files saved the wrong way.
#![allow(clippy::float_cmp, clippy::too_many_lines)] // exact expected values; long scenario tests

use guanxi::io::{read_csv_dir, CsvImportError, RowErrorKind, MAX_REPORTED_PROBLEMS};
use guanxi::model::{
    AccountKind, Day, Edge, EdgeKind, EmployeeId, Employment, Interaction, InteractionKind,
    Network, OwnsTarget, PersonId, ProjectId, Role, Stage,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use tempfile::TempDir;

fn tiny() -> Network {
    read_csv_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny"))
        .expect("the worked example imports")
}

/// A folder with a small valid network, files replaced or added by `files`.
fn folder(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    let base = [
        (
            "accounts.csv",
            "id,name,kind\na1,A,client\nk1,K,competitor\n",
        ),
        (
            "persons.csv",
            "id,name,account_id,title\np1,P,a1,\np2,Q,a1,CTO\n",
        ),
        ("employees.csv", "id,name\ne1,E\n"),
        (
            "projects.csv",
            "id,name,account_id,stage,amount\nx1,X,a1,lead,10\n",
        ),
    ];
    for (name, text) in base {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn import(files: &[(&str, &str)]) -> Result<Network, CsvImportError> {
    let dir = folder(files);
    read_csv_dir(dir.path())
}

/// The problems reported for a folder, one `file:line: reason` string each.
fn problems(files: &[(&str, &str)]) -> Vec<String> {
    match import(files) {
        Ok(_) => panic!("import should fail"),
        Err(CsvImportError::Rows(rows)) => rows.errors.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected row errors, got {other}"),
    }
}

fn count(net: &Network, kind: EdgeKind) -> usize {
    net.edges.iter().filter(|e| e.kind() == kind).count()
}

fn person(net: &Network, xid: &str) -> PersonId {
    PersonId(net.persons.iter().position(|p| p.xid == xid).unwrap() as u32)
}

fn project(net: &Network, xid: &str) -> ProjectId {
    ProjectId(net.projects.iter().position(|p| p.xid == xid).unwrap() as u32)
}

#[test]
fn tiny_example_has_the_expected_nodes_and_edges() {
    let net = tiny();
    assert_eq!(net.accounts.len(), 5);
    assert_eq!(net.persons.len(), 17);
    assert_eq!(net.employees.len(), 3);
    assert_eq!(net.projects.len(), 9);
    let counts: BTreeMap<_, _> = EdgeKind::ALL
        .iter()
        .map(|&k| (k.as_str(), count(&net, k)))
        .collect();
    let expected: BTreeMap<_, _> = [
        ("works_at", 16),
        ("reports_to", 12),
        ("influences", 26),
        ("tie", 15),
        ("member", 36),
        ("owns", 15),
        ("rival_tie", 0),
        ("competes", 10),
        ("of", 9),
    ]
    .into_iter()
    .collect();
    assert_eq!(counts, expected);
    assert_eq!(net.edges.len(), 139);
    assert_eq!(net.validate(), Ok(()));
}

#[test]
fn tiny_example_values_are_read_exactly() {
    let net = tiny();
    assert_eq!(net.accounts[2].xid, "c1");
    assert_eq!(net.accounts[2].kind, AccountKind::Competitor);
    assert_eq!(net.accounts[4].kind, AccountKind::Partner);
    assert_eq!(net.employees[0].name, "Chen 伟");
    let q1 = person(&net, "q1");
    assert_eq!(net.persons[q1.index()].title, None);
    assert!(!net
        .edges
        .iter()
        .any(|e| matches!(e, Edge::WorksAt { person, .. } if *person == q1)));
    let p8 = person(&net, "p8");
    assert_eq!(net.persons[p8.index()].title, None);
    assert_eq!(net.persons[0].title.as_deref(), Some("CEO"));

    let weight = |kind: EdgeKind, a: &str, b: &str| {
        let (a, b) = (person(&net, a), person(&net, b));
        net.edges.iter().find_map(|e| match *e {
            Edge::ReportsTo {
                person,
                manager,
                weight,
            } if kind == EdgeKind::ReportsTo && person == a && manager == b => Some(weight.get()),
            Edge::Influences { from, to, weight }
                if kind == EdgeKind::Influences && from == a && to == b =>
            {
                Some(weight.get())
            }
            _ => None,
        })
    };
    assert_eq!(weight(EdgeKind::ReportsTo, "p8", "p6"), Some(0.8));
    assert_eq!(weight(EdgeKind::ReportsTo, "p11", "p8"), Some(0.0));
    assert_eq!(weight(EdgeKind::Influences, "p1", "p3"), Some(0.87));
    assert_eq!(weight(EdgeKind::ReportsTo, "p3", "p1"), Some(0.98));
    assert_eq!(weight(EdgeKind::Influences, "p3", "p1"), Some(0.78));
    assert_eq!(weight(EdgeKind::Influences, "q1", "p13"), Some(0.55));

    let x8 = project(&net, "x8");
    assert_eq!(net.projects[x8.index()].amount.get(), 700_000.5);
    assert_eq!(net.projects[x8.index()].stage, Stage::Lead);

    let x2 = project(&net, "x2");
    let p2 = person(&net, "p2");
    let member = net
        .edges
        .iter()
        .find_map(|e| match *e {
            Edge::Member {
                person,
                project,
                member,
            } if person == p2 && project == x2 => Some(member),
            _ => None,
        })
        .unwrap();
    assert_eq!(member.role, Role::Evaluator);
    assert!(!member.coach);
    assert_eq!(member.solution.map(guanxi::model::Score::get), Some(0.22));
    assert_eq!(member.price.map(guanxi::model::Score::get), Some(0.39));

    let tie = net
        .edges
        .iter()
        .find_map(|e| match e {
            Edge::Tie { person, tie, .. } if *person == person_of(&net, "p4") => Some(*tie),
            _ => None,
        })
        .unwrap();
    assert_eq!(tie.closeness.get(), 0.08);
    assert_eq!(tie.last_contact.unwrap().to_string(), "2024-12-01");
    assert!(!tie.private);
    assert!(net.edges.iter().any(|e| matches!(
        e,
        Edge::Owns { target: OwnsTarget::Project(x), .. } if *x == x8
    )));
}

fn person_of(net: &Network, xid: &str) -> PersonId {
    person(net, xid)
}

#[test]
fn minimal_folder_with_only_accounts_imports() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("accounts.csv"), "id,name,kind\na,A,\n").unwrap();
    let net = read_csv_dir(dir.path()).unwrap();
    assert_eq!(net.accounts.len(), 1);
    assert_eq!(net.accounts[0].kind, AccountKind::Client);
    assert!(net.persons.is_empty() && net.edges.is_empty());
}

#[test]
fn missing_accounts_file_is_an_error_naming_the_path() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("persons.csv"), "id,name,account_id,title\n").unwrap();
    let err = read_csv_dir(dir.path()).unwrap_err();
    assert!(matches!(err, CsvImportError::MissingAccounts { .. }));
    assert!(err.to_string().contains("accounts.csv: missing"), "{err}");
    let missing = read_csv_dir(&dir.path().join("nowhere")).unwrap_err();
    assert!(matches!(missing, CsvImportError::Io { .. }));
}

#[test]
fn missing_column_is_reported_on_line_one() {
    assert_eq!(
        problems(&[("accounts.csv", "id,name\na1,A\n")]),
        ["accounts.csv:1: missing column kind (the header must name id, name, kind)"]
    );
    // Headers are not trimmed: " kind" is not "kind".
    assert_eq!(
        problems(&[("accounts.csv", "id,name, kind\na1,A,client\n")]),
        ["accounts.csv:1: missing column kind (the header must name id, name, kind)"]
    );
    // An empty file has no header at all.
    assert_eq!(
        problems(&[("employees.csv", "")]),
        [
            "employees.csv:1: missing column id (the header must name id, name)",
            "employees.csv:1: missing column name (the header must name id, name)"
        ]
    );
}

#[test]
fn columns_are_found_by_name_in_any_order_and_extra_columns_are_ignored() {
    let net = import(&[(
        "accounts.csv",
        "note,kind,id,name\nhello,competitor,k1,K\n,,a1,A\n",
    )])
    .unwrap();
    assert_eq!(net.accounts[0].xid, "k1");
    assert_eq!(net.accounts[0].kind, AccountKind::Competitor);
    assert_eq!(net.accounts[1].kind, AccountKind::Client);
}

#[test]
fn duplicate_required_column_is_an_error() {
    assert_eq!(
        problems(&[("employees.csv", "id,name,id\ne1,E,e2\n")]),
        ["employees.csv:1: column id appears more than once in the header; keep one"]
    );
}

#[test]
fn duplicate_id_names_the_first_line() {
    assert_eq!(
        problems(&[("employees.csv", "id,name\ne1,E\ne2,F\ne1,G\n")]),
        [
            r#"employees.csv:4: duplicate id "e1" (already on line 2); ids must be unique within the file"#
        ]
    );
}

#[test]
fn wrong_field_count_is_a_row_error() {
    assert_eq!(
        problems(&[("employees.csv", "id,name\ne1,E,extra\ne2\n")]),
        [
            "employees.csv:2: the row has 3 fields but the header has 2; quote fields that contain commas",
            "employees.csv:3: the row has 1 field but the header has 2; quote fields that contain commas"
        ]
    );
    // A line of spaces is not blank.
    assert_eq!(
        problems(&[("employees.csv", "id,name\ne1,E\n   \n")]),
        ["employees.csv:3: the row has 1 field but the header has 2; quote fields that contain commas"]
    );
}

#[test]
fn empty_required_fields_are_errors() {
    assert_eq!(
        problems(&[("employees.csv", "id,name\ne1,\n,F\n")]),
        [
            "employees.csv:2: name is empty, but it is required",
            "employees.csv:3: id is empty, but it is required"
        ]
    );
    assert_eq!(
        problems(&[(
            "influence.csv",
            "from_id,to_id,kind,weight\np1,p2,influences,\np1,p2,reports_to,\n"
        )]),
        ["influence.csv:2: weight is empty, but it is required"]
    );
    assert_eq!(
        problems(&[(
            "projects.csv",
            "id,name,account_id,stage,amount\nx1,X,,lead,\n"
        )]),
        ["projects.csv:2: account_id is empty, but it is required"]
    );
}

#[test]
fn bad_scores_are_reported_with_the_field_as_written() {
    let ties = "employee_id,person_id,closeness,last_contact,private\n\
                e1,p1,0.5,,\n\
                e1,p2,1.2,,\n";
    assert_eq!(
        problems(&[("ties.csv", ties)]),
        [r#"ties.csv:3: closeness "1.2" is not a finite number in [0, 1]"#]
    );
    for bad in ["inf", "NaN", "-0.1", " 0.5", "0,5", "abc", "1.0000001"] {
        let ties =
            format!("employee_id,person_id,closeness,last_contact,private\ne1,p1,\"{bad}\",,\n");
        assert_eq!(
            problems(&[("ties.csv", &ties)]),
            [format!(
                "ties.csv:2: closeness {bad:?} is not a finite number in [0, 1]"
            )]
        );
    }
    // What f64::from_str accepts is accepted.
    let ties = "employee_id,person_id,closeness,last_contact,private\ne1,p1,1e-3,,\ne1,p2,+.5,,\n";
    let net = import(&[("ties.csv", ties)]).unwrap();
    let c: Vec<f64> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Tie { tie, .. } => Some(tie.closeness.get()),
            _ => None,
        })
        .collect();
    assert_eq!(c, [0.001, 0.5]);
    let chain = "project_id,person_id,role,coach,solution,price\nx1,p1,user,,2,NaN\n";
    assert_eq!(
        problems(&[("chain.csv", chain)]),
        [
            r#"chain.csv:2: solution "2" is not a finite number in [0, 1]"#,
            r#"chain.csv:2: price "NaN" is not a finite number in [0, 1]"#
        ]
    );
}

#[test]
fn bad_amounts_dates_and_booleans_are_reported() {
    assert_eq!(
        problems(&[(
            "projects.csv",
            "id,name,account_id,stage,amount\nx1,X,a1,lead,-5\nx2,Y,a1,won,inf\n"
        )]),
        [
            r#"projects.csv:2: amount "-5" is not a finite number ≥ 0 (leave it empty for 0)"#,
            r#"projects.csv:3: amount "inf" is not a finite number ≥ 0 (leave it empty for 0)"#
        ]
    );
    assert_eq!(
        problems(&[(
            "ties.csv",
            "employee_id,person_id,closeness,last_contact,private\ne1,p1,0.5,2023-02-29,yes\ne1,p2,0.5,2024-1-05,TRUE\n"
        )]),
        [
            r#"ties.csv:2: last_contact "2023-02-29" is not a calendar date"#,
            r#"ties.csv:2: private "yes" is not true, false or empty"#,
            r#"ties.csv:3: last_contact "2024-1-05" is not a date in the form YYYY-MM-DD"#,
            r#"ties.csv:3: private "TRUE" is not true, false or empty"#
        ]
    );
    assert_eq!(
        problems(&[(
            "chain.csv",
            "project_id,person_id,role,coach,solution,price\nx1,p1,user,1,,\n"
        )]),
        [r#"chain.csv:2: coach "1" is not true, false or empty"#]
    );
}

#[test]
fn unknown_vocabulary_words_are_reported() {
    assert_eq!(
        problems(&[(
            "accounts.csv",
            "id,name,kind\na1,A,Client\nk1,K,competitor\n"
        )]),
        [
            r#"accounts.csv:2: kind "Client" is unknown (expected client, competitor, partner, or empty for client)"#
        ]
    );
    assert_eq!(
        problems(&[(
            "projects.csv",
            "id,name,account_id,stage,amount\nx1,X,a1,open,\n"
        )]),
        [
            r#"projects.csv:2: stage "open" is unknown (expected lead, validation, pursuit, won or lost)"#
        ]
    );
    assert_eq!(
        problems(&[(
            "chain.csv",
            "project_id,person_id,role,coach,solution,price\nx1,p1,boss,,,\nx1,p2,,,,\n"
        )]),
        [
            r#"chain.csv:2: role "boss" is unknown (expected approver, vetoer, decision_maker, evaluator, influencer or user)"#,
            "chain.csv:3: role is empty, but it is required"
        ]
    );
    assert_eq!(
        problems(&[(
            "influence.csv",
            "from_id,to_id,kind,weight\np1,p2,manages,0.5\n"
        )]),
        [r#"influence.csv:2: kind "manages" is unknown (expected reports_to or influences)"#]
    );
    assert_eq!(
        problems(&[(
            "owners.csv",
            "employee_id,target_kind,target_id\ne1,person,p1\n"
        )]),
        [r#"owners.csv:2: target_kind "person" is unknown (expected account or project)"#]
    );
}

#[test]
fn unknown_references_name_the_file_that_should_define_them() {
    assert_eq!(
        problems(&[(
            "ties.csv",
            "employee_id,person_id,closeness,last_contact,private\ne9,p1,0.5,,\ne1,a1,0.5,,\n"
        )]),
        [
            r#"ties.csv:2: employee_id "e9" is not an id in employees.csv"#,
            r#"ties.csv:3: person_id "a1" is not an id in persons.csv"#
        ]
    );
    assert_eq!(
        problems(&[(
            "owners.csv",
            "employee_id,target_kind,target_id\ne1,account,x1\ne1,project,a1\n"
        )]),
        [
            r#"owners.csv:2: target_id "x1" is not an id in accounts.csv"#,
            r#"owners.csv:3: target_id "a1" is not an id in projects.csv"#
        ]
    );
    assert_eq!(
        problems(&[("persons.csv", "id,name,account_id,title\np1,P,zz,\n")]),
        [r#"persons.csv:2: account_id "zz" is not an id in accounts.csv"#]
    );
}

#[test]
fn rival_ties_and_competes_must_start_at_a_competitor() {
    assert_eq!(
        problems(&[
            (
                "rival_ties.csv",
                "competitor_id,person_id,closeness\na1,p1,0.5\nk1,p1,0.5\n"
            ),
            ("competes.csv", "competitor_id,project_id\na1,x1\n"),
        ]),
        [
            r#"rival_ties.csv:2: competitor_id "a1" is a client account; it must be an account of kind competitor"#,
            r#"competes.csv:2: competitor_id "a1" is a client account; it must be an account of kind competitor"#
        ]
    );
}

#[test]
fn duplicate_edge_rows_are_errors() {
    assert_eq!(
        problems(&[(
            "ties.csv",
            "employee_id,person_id,closeness,last_contact,private\ne1,p1,0.5,,\ne1,p2,0.5,,\ne1,p1,0.7,,\n"
        )]),
        ["ties.csv:4: duplicate row: line 2 already gives this tie edge; keep one"]
    );
    assert_eq!(
        problems(&[(
            "chain.csv",
            "project_id,person_id,role,coach,solution,price\nx1,p1,user,,,\nx1,p1,approver,,,\n"
        )]),
        ["chain.csv:3: duplicate row: line 2 already gives this member edge; keep one"]
    );
    assert_eq!(
        problems(&[(
            "rival_ties.csv",
            "competitor_id,person_id,closeness\nk1,p1,0.5\nk1,p1,0.5\n"
        )]),
        ["rival_ties.csv:3: duplicate row: line 2 already gives this rival_tie edge; keep one"]
    );
    // In influence.csv the kind is part of the edge: reports_to and influences on the
    // same pair are two edges, and the reverse direction is another edge.
    assert_eq!(
        problems(&[(
            "influence.csv",
            "from_id,to_id,kind,weight\np1,p2,reports_to,\np1,p2,influences,0.3\np2,p1,influences,0.3\np1,p2,influences,0.4\n"
        )]),
        ["influence.csv:5: duplicate row: line 3 already gives this influences edge; keep one"]
    );
}

#[test]
fn duplicate_competes_and_owners_rows_are_merged() {
    let net = import(&[
        ("competes.csv", "competitor_id,project_id\nk1,x1\nk1,x1\n"),
        (
            "owners.csv",
            "employee_id,target_kind,target_id\ne1,account,a1\ne1,project,x1\ne1,account,a1\n",
        ),
    ])
    .unwrap();
    assert_eq!(count(&net, EdgeKind::Competes), 1);
    assert_eq!(count(&net, EdgeKind::Owns), 2);
}

#[test]
fn self_loops_are_errors() {
    assert_eq!(
        problems(&[(
            "influence.csv",
            "from_id,to_id,kind,weight\np1,p1,reports_to,\np2,p2,influences,0.5\n"
        )]),
        [
            r#"influence.csv:2: reports_to from "p1" to itself; from_id and to_id must differ"#,
            r#"influence.csv:3: influences from "p2" to itself; from_id and to_id must differ"#
        ]
    );
}

#[test]
fn quoted_fields_with_commas_quotes_newlines_and_utf8_are_read() {
    let accounts = "\u{feff}id,name,kind\n\
                    a1,\"Acme, Inc.\",client\n\
                    k1,\"The \"\"Best\"\" Co\",competitor\n\
                    \"关系\",\"two\nlines\",partner\n";
    let net = import(&[("accounts.csv", accounts)]).unwrap();
    assert_eq!(net.accounts[0].name, "Acme, Inc.");
    assert_eq!(net.accounts[1].name, "The \"Best\" Co");
    assert_eq!(net.accounts[2].xid, "关系");
    assert_eq!(net.accounts[2].name, "two\nlines");
    assert_eq!(net.accounts[2].kind, AccountKind::Partner);
}

#[test]
fn byte_order_mark_is_allowed_on_every_file() {
    let net = import(&[("employees.csv", "\u{feff}id,name\ne1,E\r\ne2,F\r\n")]).unwrap();
    assert_eq!(net.employees[1].xid, "e2");
    assert_eq!(net.employees[1].name, "F");
}

#[test]
fn line_numbers_are_physical_after_blank_lines_and_multiline_fields() {
    let employees = "id,name\n\
                     \n\
                     e1,\"first\nsecond\nthird\"\n\
                     \n\
                     \n\
                     e1,dup\n\
                     e2,\"x\n\
                     y\",extra\n\
                     e3,\n";
    assert_eq!(
        problems(&[("employees.csv", employees)]),
        [
            r#"employees.csv:8: duplicate id "e1" (already on line 3); ids must be unique within the file"#,
            "employees.csv:9: the row has 3 fields but the header has 2; quote fields that contain commas",
            "employees.csv:11: name is empty, but it is required"
        ]
    );
    // Blank lines before the header, CRLF endings and a BOM.
    let employees = "\u{feff}\r\n\r\nid\r\n";
    assert_eq!(
        problems(&[("employees.csv", employees)]),
        ["employees.csv:3: missing column name (the header must name id, name)"]
    );
    let employees = "id,name\r\n\r\ne1,\"a\r\nb\"\r\n\r\n,x\r\n";
    assert_eq!(
        problems(&[("employees.csv", employees)]),
        ["employees.csv:6: id is empty, but it is required"]
    );
}

#[test]
fn invalid_utf8_is_a_row_error() {
    let dir = folder(&[]);
    std::fs::write(dir.path().join("employees.csv"), b"id,name\ne1,\xff\xfe\n").unwrap();
    let err = read_csv_dir(dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "employees.csv:2: name is not valid UTF-8; save the file as UTF-8"
    );
}

#[test]
fn problems_of_all_files_come_in_table_order_then_line_order() {
    let got = problems(&[
        (
            "owners.csv",
            "employee_id,target_kind,target_id\ne1,account,zz\n",
        ),
        ("employees.csv", "id,name\ne1,\n"),
        (
            "accounts.csv",
            "id,name,kind\na1,A,client\nk1,K,competitor\nk2,,x\n",
        ),
        (
            "ties.csv",
            "employee_id,person_id,closeness,last_contact,private\ne1,p1,2,,\n",
        ),
    ]);
    assert_eq!(
        got,
        [
            "accounts.csv:4: name is empty, but it is required",
            r#"accounts.csv:4: kind "x" is unknown (expected client, competitor, partner, or empty for client)"#,
            "employees.csv:2: name is empty, but it is required",
            r#"ties.csv:2: closeness "2" is not a finite number in [0, 1]"#,
            r#"owners.csv:2: target_id "zz" is not an id in accounts.csv"#,
        ]
    );
}

#[test]
fn a_broken_header_does_not_cascade_into_unknown_ids() {
    let got = problems(&[
        ("persons.csv", "id,name,account,title\np1,P,a1,\n"),
        (
            "ties.csv",
            "employee_id,person_id,closeness,last_contact,private\ne1,p1,0.5,,\ne1,p1,0.5,,\n",
        ),
    ]);
    assert_eq!(
        got,
        ["persons.csv:1: missing column account_id (the header must name id, name, account_id, title)"]
    );
}

#[test]
fn many_problems_are_capped_and_the_rest_counted() {
    let mut employees = String::from("id,name\n");
    for i in 0..150 {
        let _ = writeln!(employees, "e{i},");
    }
    let err = import(&[("employees.csv", &employees)]).unwrap_err();
    let rows = err.rows().unwrap();
    assert_eq!(rows.errors.len(), MAX_REPORTED_PROBLEMS);
    assert_eq!(rows.omitted, 50);
    assert_eq!(rows.total(), 150);
    assert!(matches!(
        rows.errors[0].kind,
        RowErrorKind::Empty { column: "name" }
    ));
    assert_eq!(rows.errors[99].line, 101);
    let text = err.to_string();
    assert_eq!(text.lines().count(), 101);
    assert!(text.ends_with("… and 50 more problems not shown"), "{text}");
}

#[test]
fn a_lone_carriage_return_ends_a_line_too() {
    let employees = "id,name\re1,E\r\re2,\r";
    assert_eq!(
        problems(&[("employees.csv", employees)]),
        ["employees.csv:4: name is empty, but it is required"]
    );
    let employees = "id,name\ne1,\"a\rb\r\nc\"\n,x\n";
    assert_eq!(
        problems(&[("employees.csv", employees)]),
        ["employees.csv:5: id is empty, but it is required"]
    );
}

fn tiny_time() -> Network {
    read_csv_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-time"))
        .expect("the second worked example imports")
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

fn periods(net: &Network, xid: &str) -> Vec<(String, Employment)> {
    let p = person(net, xid);
    net.edges
        .iter()
        .filter_map(|e| match e {
            Edge::WorksAt {
                person,
                account,
                employment,
            } if *person == p => Some((
                net.accounts[account.index()].xid.clone(),
                employment.clone(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn the_time_example_has_its_periods_interactions_and_departure() {
    let net = tiny_time();
    assert_eq!(net.validate(), Ok(()));
    assert_eq!(
        (
            net.accounts.len(),
            net.persons.len(),
            net.employees.len(),
            net.projects.len()
        ),
        (5, 13, 5, 7)
    );
    // 11 persons with a persons.csv account, p6 with two periods, q1 with one.
    assert_eq!(count(&net, EdgeKind::WorksAt), 14);
    assert_eq!(net.interactions.len(), 32);
    let left: Vec<_> = net.employees.iter().map(|e| e.left).collect();
    assert_eq!(left, [None, None, None, None, Some(day("2024-06-16"))]);
    let director = Some("Director IT".to_owned());
    assert_eq!(
        periods(&net, "p6"),
        [
            (
                "c2".to_owned(),
                Employment {
                    since: Some(day("2021-02-28")),
                    until: Some(day("2023-03-29")),
                    title: director.clone()
                }
            ),
            (
                "a2".to_owned(),
                Employment {
                    since: Some(day("2023-03-29")),
                    until: None,
                    title: director
                }
            ),
        ]
    );
    assert_eq!(
        periods(&net, "q1"),
        [(
            "c1".to_owned(),
            Employment {
                since: None,
                until: Some(day("2023-08-07")),
                title: None
            }
        )]
    );
    assert_eq!(
        periods(&net, "p1"),
        [("a1".to_owned(), Employment::default())]
    );
    // works_at edges come first, grouped by person in person order.
    let order: Vec<u32> = net
        .edges
        .iter()
        .take_while(|e| e.kind() == EdgeKind::WorksAt)
        .map(|e| e.key().from.id)
        .collect();
    assert_eq!(order.len(), 14);
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    // Interactions in file order; an empty project_id is none; identical rows are two.
    assert_eq!(
        net.interactions[1],
        Interaction {
            employee: EmployeeId(3),
            person: person(&net, "p1"),
            date: day("2024-08-27"),
            kind: InteractionKind::Call,
            project: Some(project(&net, "x4")),
        }
    );
    assert_eq!(net.interactions[0].project, None);
    assert_eq!(net.interactions[22], net.interactions[23]);
    let kinds = |k| net.interactions.iter().filter(|i| i.kind == k).count();
    assert_eq!(
        InteractionKind::ALL
            .iter()
            .map(|&k| kinds(k))
            .collect::<Vec<_>>(),
        [8, 1, 8, 5, 10]
    );
}

#[test]
fn the_left_column_of_employees_is_optional() {
    let net = import(&[("employees.csv", "id,name\ne1,E\n")]).unwrap();
    assert_eq!(net.employees[0].left, None);
    let net = import(&[("employees.csv", "left,name,id\n2024-02-29,E,e1\n,F,e2\n")]).unwrap();
    assert_eq!(net.employees[0].left, Some(day("2024-02-29")));
    assert_eq!(net.employees[1].left, None);
    assert_eq!(
        problems(&[(
            "employees.csv",
            "id,name,left\ne1,E,2023-02-29\ne2,F,soon\n"
        )]),
        [
            r#"employees.csv:2: left "2023-02-29" is not a calendar date"#,
            r#"employees.csv:3: left "soon" is not a date in the form YYYY-MM-DD"#,
        ]
    );
    // Required columns are still required, and the message names only those.
    assert_eq!(
        problems(&[("employees.csv", "id,left\ne1,\n")]),
        ["employees.csv:1: missing column name (the header must name id, name)"]
    );
}

#[test]
fn employment_rows_give_dated_titled_periods() {
    let persons = "id,name,account_id,title\np1,P,,CTO\np2,Q,a1,\n";
    let employment = "person_id,account_id,since,until,title\n\
                      p1,k1,2020-01-01,2022-01-01,Engineer\n\
                      p1,a1,2022-01-01,,\n";
    let net = import(&[("persons.csv", persons), ("employment.csv", employment)]).unwrap();
    assert_eq!(
        periods(&net, "p1"),
        [
            (
                "k1".to_owned(),
                Employment {
                    since: Some(day("2020-01-01")),
                    until: Some(day("2022-01-01")),
                    title: Some("Engineer".into())
                }
            ),
            (
                "a1".to_owned(),
                Employment {
                    since: Some(day("2022-01-01")),
                    until: None,
                    title: None
                }
            ),
        ]
    );
    // The person's own title stays on the person.
    assert_eq!(net.persons[0].title.as_deref(), Some("CTO"));
    assert_eq!(net.validate(), Ok(()));
}

#[test]
fn bad_employment_rows_are_reported_on_their_lines() {
    let persons = "id,name,account_id,title\np1,P,,\np2,Q,a1,\np3,R,,\n";
    let employment = "person_id,account_id,since,until,title\n\
                      p1,a1,2020-01-01,2023-01-01,\n\
                      p1,k1,2022-06-01,,\n\
                      p2,k1,,2020-01-01,\n\
                      p3,a1,2024-05-01,2024-05-01,\n\
                      p3,k1,2024-02-30,,\n\
                      p1,a1,,,\n\
                      p9,a9,,,\n";
    assert_eq!(
        problems(&[("persons.csv", persons), ("employment.csv", employment)]),
        [
            r#"employment.csv:3: person "p1" works at "k1" in this period and at "a1" in the period on line 2; the periods overlap, but a person works at one account at a time (until is the first day after a period)"#,
            r#"employment.csv:4: person "p2" has rows in employment.csv but account_id "a1" in persons.csv (line 3); leave that account_id empty and give the account as an employment row"#,
            "employment.csv:5: since 2024-05-01 is not before until 2024-05-01, so the period is empty (until is the first day after the period)",
            r#"employment.csv:6: since "2024-02-30" is not a calendar date"#,
            "employment.csv:7: duplicate row: line 2 already gives this works_at edge; keep one",
            r#"employment.csv:8: person_id "p9" is not an id in persons.csv"#,
            r#"employment.csv:8: account_id "a9" is not an id in accounts.csv"#,
        ]
    );
}

#[test]
fn interaction_rows_are_each_their_own_interaction() {
    let interactions = "employee_id,person_id,date,kind,project_id\n\
                        e1,p1,2025-01-02,meeting,x1\n\
                        e1,p1,2025-01-02,meeting,x1\n\
                        e1,p2,2024-12-31,email,\n";
    let net = import(&[("interactions.csv", interactions)]).unwrap();
    let meeting = Interaction {
        employee: EmployeeId(0),
        person: PersonId(0),
        date: day("2025-01-02"),
        kind: InteractionKind::Meeting,
        project: Some(ProjectId(0)),
    };
    assert_eq!(
        net.interactions,
        [
            meeting,
            meeting,
            Interaction {
                person: PersonId(1),
                date: day("2024-12-31"),
                kind: InteractionKind::Email,
                project: None,
                ..meeting
            }
        ]
    );
    let bad = "employee_id,person_id,date,kind,project_id\n\
               e1,p1,,visit,x9\n\
               e2,p1,2025-02-30,call,\n";
    assert_eq!(
        problems(&[("interactions.csv", bad)]),
        [
            "interactions.csv:2: date is empty, but it is required",
            r#"interactions.csv:2: kind "visit" is unknown (expected meeting, event, call, message or email)"#,
            r#"interactions.csv:2: project_id "x9" is not an id in projects.csv"#,
            r#"interactions.csv:3: employee_id "e2" is not an id in employees.csv"#,
            r#"interactions.csv:3: date "2025-02-30" is not a calendar date"#,
        ]
    );
}

#[test]
fn amounts_above_1e15_are_refused() {
    let net = import(&[(
        "projects.csv",
        "id,name,account_id,stage,amount\nx1,X,a1,lead,1e15\n",
    )])
    .unwrap();
    assert_eq!(net.projects[0].amount.get(), 1e15);
    assert_eq!(
        problems(&[(
            "projects.csv",
            "id,name,account_id,stage,amount\nx1,X,a1,lead,1000000000000001\nx2,Y,a1,won,1e308\n"
        )]),
        [
            r#"projects.csv:2: amount "1000000000000001" is larger than 1e15, the largest amount guanxi stores"#,
            r#"projects.csv:3: amount "1e308" is larger than 1e15, the largest amount guanxi stores"#,
        ]
    );
}

#[test]
fn texts_over_their_caps_are_row_errors_shown_shortened() {
    let long_id = "i".repeat(1025);
    let persons = format!(
        "id,name,account_id,title\n{long_id},P,a1,\np2,{},a1,{}\n",
        "n".repeat(4097),
        "t".repeat(4097)
    );
    let ties =
        format!("employee_id,person_id,closeness,last_contact,private\ne1,{long_id},0.5,,\n");
    let employment = format!(
        "person_id,account_id,since,until,title\np3,a1,,,{}\n",
        "t".repeat(5000)
    );
    let persons = persons + "p3,R,,\n";
    assert_eq!(
        problems(&[
            ("persons.csv", &persons),
            ("ties.csv", &ties),
            ("employment.csv", &employment)
        ]),
        [
            "persons.csv:2: id is 1025 bytes long; at most 1024 bytes are allowed",
            "persons.csv:3: name is 4097 bytes long; at most 4096 bytes are allowed",
            "persons.csv:3: title is 4097 bytes long; at most 4096 bytes are allowed",
            "employment.csv:2: title is 5000 bytes long; at most 4096 bytes are allowed",
        ]
    );
    // A long bad value is shown shortened.
    let bad = format!("id,name,kind\na1,A,{}\n", "x".repeat(500));
    assert_eq!(
        problems(&[("accounts.csv", &bad)]),
        [format!(
            r#"accounts.csv:2: kind "{}…" is unknown (expected client, competitor, partner, or empty for client)"#,
            "x".repeat(64)
        )]
    );
}

#[test]
fn misnamed_csv_files_are_errors_naming_them() {
    let dir = folder(&[]);
    for name in ["Persons.csv", "person.csv", "chain.CSV", "notes.csv"] {
        std::fs::write(dir.path().join(name), "x\n").unwrap();
    }
    // Other files and folders are ignored, even a folder named like a CSV file.
    std::fs::write(dir.path().join("README.txt"), "x").unwrap();
    std::fs::create_dir(dir.path().join("old.csv")).unwrap();
    let err = read_csv_dir(dir.path()).unwrap_err();
    let CsvImportError::UnknownFiles(files) = &err else {
        panic!("expected unknown files, got {err}")
    };
    let named: Vec<_> = files
        .iter()
        .map(|f| (f.path.file_name().unwrap().to_str().unwrap(), f.suggestion))
        .collect();
    assert_eq!(
        named,
        [
            ("Persons.csv", Some("persons.csv")),
            ("chain.CSV", Some("chain.csv")),
            ("notes.csv", None),
            ("person.csv", Some("persons.csv")),
        ]
    );
    let message = err.to_string();
    let first = message.lines().next().unwrap();
    assert!(
        first.ends_with("Persons.csv: not a file of the interchange format (did you mean persons.csv?); rename it or move it out of the folder, or its rows would be left out"),
        "{first}"
    );
    assert!(message.ends_with("the files of the format are accounts.csv, persons.csv, employees.csv, projects.csv, ties.csv, chain.csv, influence.csv, rival_ties.csv, competes.csv, owners.csv, employment.csv, interactions.csv"), "{message}");
}

#[test]
fn files_saved_the_wrong_way_are_named_as_such() {
    assert_eq!(
        problems(&[("persons.csv", "id;name;account_id;title\np1;P;a1;\n")]),
        ["persons.csv:1: the file seems to be separated by ';' — guanxi reads comma-separated files; save it again with commas between the fields"]
    );
    assert_eq!(
        problems(&[("ties.csv", "\u{feff}employee_id\tperson_id\tcloseness\tlast_contact\tprivate\ne1\tp1\t0.5\t\t\n")]),
        ["ties.csv:1: the file seems to be separated by tabs — guanxi reads comma-separated files; save it again with commas between the fields"]
    );
    // A header that is merely missing a column is still reported as such.
    assert_eq!(
        problems(&[("persons.csv", "id,name;x,account_id\np1,P,a1\n")]),
        [
            "persons.csv:1: missing column name (the header must name id, name, account_id, title)",
            "persons.csv:1: missing column title (the header must name id, name, account_id, title)",
        ]
    );
    let utf16 = |text: &str, bom: &[u8], big_endian: bool| -> Vec<u8> {
        let mut bytes = bom.to_vec();
        for unit in text.encode_utf16() {
            let b = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend(b);
        }
        bytes
    };
    let text = "id,name\ne1,E\n";
    for (bytes, message) in [
        (
            utf16(text, b"\xFF\xFE", false),
            "the file is encoded as UTF-16; save it again as UTF-8",
        ),
        (
            utf16(text, b"\xFE\xFF", true),
            "the file is encoded as UTF-16; save it again as UTF-8",
        ),
        (
            utf16(text, b"", false),
            "the file contains NUL bytes, as UTF-16 text does; save it again as UTF-8",
        ),
        (
            utf16(text, b"", true),
            "the file contains NUL bytes, as UTF-16 text does; save it again as UTF-8",
        ),
    ] {
        let dir = folder(&[]);
        std::fs::write(dir.path().join("employees.csv"), bytes).unwrap();
        let err = read_csv_dir(dir.path()).unwrap_err();
        assert_eq!(err.to_string(), format!("employees.csv:1: {message}"));
    }
    // A NUL byte inside a UTF-8 field is only a character.
    let net = import(&[("employees.csv", "id,name\ne1,E\u{0}F\n")]).unwrap();
    assert_eq!(net.employees[0].name, "E\u{0}F");
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opened() {
    // The quote swallows the rest of the file; the field count would even match.
    let persons = "id,name,account_id,title\np1,P,a1,\np2,Q,a1,\"CTO\np3,R,a1,CFO\n";
    assert_eq!(
        problems(&[("persons.csv", persons)]),
        ["persons.csv:3: a quote opened on line 3 is never closed, so the rest of the file would be one field; close the quote (inside a quoted field write a quote as \"\")"]
    );
    // Opened on a later line of a record whose first field spans lines.
    let persons = "id,name,account_id,title\n\"p\n1\",\"P\n,a1,\n\n";
    assert_eq!(
        problems(&[("persons.csv", persons)]),
        ["persons.csv:3: a quote opened on line 3 is never closed, so the rest of the file would be one field; close the quote (inside a quoted field write a quote as \"\")"]
    );
    // In the header.
    assert_eq!(
        problems(&[("employees.csv", "id,\"name\ne1,E\n")]),
        ["employees.csv:1: a quote opened on line 1 is never closed, so the rest of the file would be one field; close the quote (inside a quoted field write a quote as \"\")"]
    );
    // A quote inside an unquoted field is an ordinary character.
    let net = import(&[("employees.csv", "id,name\ne1,Li \"Tiger\" Wei\n")]).unwrap();
    assert_eq!(net.employees[0].name, "Li \"Tiger\" Wei");
}

#[test]
fn a_file_cut_short_is_reported_as_such() {
    let persons = "id,name,account_id,title\np1,P,a1,\np2,Q";
    assert_eq!(
        problems(&[("persons.csv", persons)]),
        ["persons.csv:3: the last row has 2 of the header's 4 fields and the file does not end with a line break: the file seems cut short; export it again"]
    );
    // With its final line break, a short last row is an ordinary field-count problem.
    assert_eq!(
        problems(&[("persons.csv", "id,name,account_id,title\np2,Q\n")]),
        ["persons.csv:2: the row has 2 fields but the header has 4; quote fields that contain commas"]
    );
}

#[test]
fn an_unreadable_file_is_named_with_what_to_check() {
    let dir = folder(&[]);
    std::fs::remove_file(dir.path().join("persons.csv")).unwrap();
    std::fs::create_dir(dir.path().join("persons.csv")).unwrap();
    let err = read_csv_dir(dir.path()).unwrap_err();
    assert!(matches!(err, CsvImportError::Io { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("persons.csv: cannot be read ("),
        "{message}"
    );
    assert!(
        message.ends_with("); check that it is a file you may read"),
        "{message}"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// One employees.csv row: blank lines before it, line breaks inside its quoted name
    /// (0 = an empty, hence bad, name), and its line ending.
    fn rows() -> impl Strategy<Value = Vec<(usize, Option<usize>, bool)>> {
        prop::collection::vec(
            (0usize..3, prop::option::of(0usize..3), any::<bool>()),
            0..30,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Reported lines are the physical start lines a simple line counter predicts,
        /// whatever the blank lines, CRLF endings and multi-line quoted fields.
        #[test]
        fn reported_lines_match_a_line_counting_model(rows in rows(), crlf_header in any::<bool>()) {
            let mut text = String::from(if crlf_header { "id,name\r\n" } else { "id,name\n" });
            let mut line = 2;
            let mut expected = Vec::new();
            for (i, (blanks, breaks, crlf)) in rows.iter().enumerate() {
                let eol = if *crlf { "\r\n" } else { "\n" };
                for _ in 0..*blanks {
                    text.push_str(eol);
                    line += 1;
                }
                match breaks {
                    None => {
                        let _ = write!(text, "e{i},{eol}");
                        expected.push(format!("employees.csv:{line}: name is empty, but it is required"));
                        line += 1;
                    }
                    Some(k) => {
                        let name = vec!["n"; k + 1].join(eol);
                        let _ = write!(text, "e{i},\"{name}\"{eol}");
                        line += k + 1;
                    }
                }
            }
            let got = match import(&[("employees.csv", &text)]) {
                Ok(_) => Vec::new(),
                Err(e) => e.rows().unwrap().errors.iter().map(ToString::to_string).collect(),
            };
            prop_assert_eq!(got, expected);
        }

        /// Any text in ids, names and titles survives export and import.
        #[test]
        fn any_text_round_trips(
            names in prop::collection::vec("[^\u{0}]{1,12}", 1..6),
            title in prop::option::of(".{1,8}"),
        ) {
            let mut net = Network::new();
            for (i, name) in names.iter().enumerate() {
                net.accounts.push(guanxi::model::Account {
                    xid: format!("{i}:{name}"),
                    name: name.clone(),
                    kind: AccountKind::Partner,
                });
                net.persons.push(guanxi::model::Person {
                    xid: format!("{i}:{name}"),
                    name: format!("\u{feff}{name}"),
                    title: title.clone(),
                });
            }
            let dir = TempDir::new().unwrap();
            guanxi::io::write_csv_dir(&net, dir.path()).unwrap();
            prop_assert_eq!(read_csv_dir(dir.path()).unwrap(), net);
        }
    }
}
