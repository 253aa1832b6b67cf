//! The CSV reader reads the node files in turn, then the edge files side by side on the
//! thread pool, and a large `interactions.csv` in pieces: the network and the problems it
//! reports are those of reading the files one after the other — node ids in file order,
//! problems in file order, then line order, under the same cap, with the same messages —
//! whatever the number of threads, and however large `persons.csv` is.

use guanxi::io::{read_csv_dir, CsvImportError, RowErrors, MAX_REPORTED_PROBLEMS};
use guanxi::model::{Day, EmployeeId, Interaction, InteractionKind, Network, Person, PersonId};
use guanxi::synth::{generate, Preset};
use std::fmt::Write as _;
use std::path::Path;
use tempfile::TempDir;

/// Runs `f` on a thread pool of `threads` threads.
fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

/// Reads `dir` on 1, 2 and 4 threads; the results must be identical.
fn read_on_each_pool(dir: &Path) -> Result<Network, CsvImportError> {
    let one = with_threads(1, || read_csv_dir(dir));
    for threads in [2, 4] {
        let other = with_threads(threads, || read_csv_dir(dir));
        match (&one, &other) {
            (Ok(a), Ok(b)) => assert!(a == b, "the network differs on {threads} threads"),
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "on {threads} threads");
                assert!(
                    matches!((a, b), (CsvImportError::Rows(x), CsvImportError::Rows(y)) if x == y),
                    "on {threads} threads: {a:?} vs {b:?}"
                );
            }
            _ => panic!("one pool failed, the other did not: {one:?} vs {other:?}"),
        }
    }
    one
}

fn rows(result: Result<Network, CsvImportError>) -> RowErrors {
    match result {
        Err(CsvImportError::Rows(rows)) => rows,
        other => panic!("expected row problems, got {other:?}"),
    }
}

fn places(rows: &RowErrors) -> Vec<(&'static str, u64)> {
    rows.errors.iter().map(|e| (e.file, e.line)).collect()
}

/// Writes `net` to a folder whose `file` must be over 1.5 MB, and reads it back on each
/// pool: it must be `net`.
fn reads_back_identically(net: &Network, file: &str) {
    let dir = TempDir::new().unwrap();
    guanxi::io::write_csv_dir(net, dir.path()).unwrap();
    let size = std::fs::metadata(dir.path().join(file)).unwrap().len();
    assert!(size > 1_500_000, "{file} is only {size} bytes");
    let read = read_on_each_pool(dir.path()).unwrap();
    assert!(
        read == *net,
        "the network read back differs from the one written"
    );
}

#[test]
fn a_generated_network_with_many_interactions_reads_back_identically_on_any_pool() {
    let mut net = generate(Preset::Small, 5);
    // Enough interactions for interactions.csv to be read in several pieces.
    let day = |d: u32| {
        let (month, day) = (1 + (d / 28) % 12, 1 + d % 28);
        Day::from_ymd(2024, month as u8, day as u8).expect("a date")
    };
    for n in 0..60_000u32 {
        net.interactions.push(Interaction {
            employee: EmployeeId(n % net.employees.len() as u32),
            person: PersonId((n * 7) % net.persons.len() as u32),
            date: day(n),
            kind: InteractionKind::Call,
            project: None,
        });
    }
    reads_back_identically(&net, "interactions.csv");
}

/// A folder whose `ties.csv`, `chain.csv` and `interactions.csv` have bad rows; the
/// interactions file has `interactions` rows with Windows line breaks, each starting with
/// an employee id that starts with a byte-order mark (every piece starts with one), and
/// every `every`th of them names an unknown person. Returns the folder and the lines of
/// the bad interaction rows.
fn folder_with_bad_rows(ties: &str, interactions: u64, every: u64) -> (TempDir, Vec<u64>) {
    let dir = TempDir::new().unwrap();
    let files = [
        ("accounts.csv", "id,name,kind\na1,A,client\n".to_owned()),
        (
            "persons.csv",
            "id,name,account_id,title\np1,P,a1,\np2,Q,a1,\n".to_owned(),
        ),
        ("employees.csv", "id,name\n\u{feff}e1,E\ne2,F\n".to_owned()),
        (
            "projects.csv",
            "id,name,account_id,stage,amount\nx1,X,a1,lead,10\n".to_owned(),
        ),
        ("ties.csv", ties.to_owned()),
        (
            "chain.csv",
            "project_id,person_id,role,coach,solution,price\n\
             x1,p1,approver,,,\n\
             x9,p1,user,,,\n\
             x1,p2,boss,,,\n"
                .to_owned(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut text = String::from("employee_id,person_id,date,kind,project_id\r\n");
    let mut bad = Vec::new();
    for n in 1..=interactions {
        let line = n + 1;
        let person = if n % every == 0 || n == interactions {
            bad.push(line);
            "nobody"
        } else {
            "p2"
        };
        writeln!(text, "\u{feff}e1,{person},2024-03-01,call,x1\r").unwrap();
    }
    std::fs::write(dir.path().join("interactions.csv"), text).unwrap();
    (dir, bad)
}

#[test]
fn problems_in_several_edge_files_come_in_file_order_then_line_order_on_any_pool() {
    let ties = "employee_id,person_id,closeness,last_contact,private\n\
                e2,p1,0.5,,\n\
                e2,p9,0.5,,\n\
                \u{feff}e1,p1,1.5,,\n\
                e2,p2,0.5,,maybe\n";
    let (dir, bad) = folder_with_bad_rows(ties, 40_000, 1_000);
    assert!(
        std::fs::metadata(dir.path().join("interactions.csv"))
            .unwrap()
            .len()
            > 1_000_000
    );
    let rows = rows(read_on_each_pool(dir.path()));
    let mut expected = vec![
        ("ties.csv", 3),
        ("ties.csv", 4),
        ("ties.csv", 5),
        ("chain.csv", 3),
        ("chain.csv", 4),
    ];
    expected.extend(bad.iter().map(|&line| ("interactions.csv", line)));
    assert_eq!(places(&rows), expected);
    assert_eq!(rows.omitted, 0);
    let message = CsvImportError::Rows(rows).to_string();
    assert!(
        message.contains("interactions.csv:1001: person_id \"nobody\" is not an id in persons.csv"),
        "{message}"
    );
    assert!(message.contains("interactions.csv:40001:"), "{message}");
}

#[test]
fn the_cap_on_problems_keeps_the_first_in_file_order_on_any_pool() {
    let mut ties = String::from("employee_id,person_id,closeness,last_contact,private\n");
    for _ in 0..70 {
        ties.push_str("e2,p9,0.5,,\n");
    }
    let (dir, bad) = folder_with_bad_rows(&ties, 30_000, 15);
    let rows = rows(read_on_each_pool(dir.path()));
    assert_eq!(rows.errors.len(), MAX_REPORTED_PROBLEMS);
    let mut expected: Vec<(&str, u64)> = (2..72).map(|line| ("ties.csv", line)).collect();
    expected.push(("chain.csv", 3));
    expected.push(("chain.csv", 4));
    expected.extend(bad.iter().map(|&line| ("interactions.csv", line)));
    assert_eq!(rows.total(), expected.len());
    expected.truncate(MAX_REPORTED_PROBLEMS);
    assert_eq!(places(&rows), expected);
}

#[test]
fn a_large_persons_file_with_quoted_fields_reads_back_identically_on_any_pool() {
    let mut net = generate(Preset::Small, 6);
    // A persons.csv far larger than the other node files, with quoted fields, some over
    // several lines: the persons keep their file order.
    for n in 0..60_000u32 {
        let name = match n % 7 {
            0 => format!("Doe, J. {n}"),
            1 => format!("\"Jo\" {n}"),
            2 => format!("line\nbreak {n}"),
            3 => format!("cr\r\nlf {n}"),
            _ => format!("Person {n}"),
        };
        net.persons.push(Person {
            xid: format!("bulk{n}"),
            name,
            title: (n % 3 == 0).then(|| format!("Title\n{n}")),
        });
    }
    reads_back_identically(&net, "persons.csv");
}

/// A folder whose `persons.csv` has `persons` rows (with a multi-line quoted title every
/// `quoted`th row), and the rows of `bad` — (row number, row text) — put in place of the
/// good rows of those numbers; `employees.csv` and `projects.csv` have one bad row each.
/// Returns the folder and the line where each row of `bad` starts.
fn folder_with_bad_persons(
    persons: u32,
    quoted: u32,
    bad: &[(u32, String)],
) -> (TempDir, Vec<u64>) {
    let dir = TempDir::new().unwrap();
    let files = [
        ("accounts.csv", "id,name,kind\na1,A,client\n"),
        ("employees.csv", "id,name\ne1,E\ne1,F\n"),
        (
            "projects.csv",
            "id,name,account_id,stage,amount\nx1,X,a1,lead,10\nx2,Y,a7,lead,10\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut text = b"id,name,account_id,title\n".to_vec();
    let mut line = 2u64;
    let mut lines = Vec::new();
    for n in 1..=persons {
        let row = match bad.iter().find(|(k, _)| *k == n) {
            Some((_, row)) => {
                lines.push(line);
                row.clone()
            }
            None if n % quoted == 0 => format!("p{n},\"Name, {n}\",a1,\"Head\nof \"\"x\"\"\"\n"),
            None => format!("p{n},Name {n},a1,Title of the person\n"),
        };
        line += row.matches('\n').count() as u64;
        text.extend_from_slice(row.as_bytes());
    }
    // An invalid UTF-8 name, as the last row.
    lines.push(line);
    text.extend_from_slice(b"p0,\xFF\xFE,a1,\n");
    std::fs::write(dir.path().join("persons.csv"), text).unwrap();
    (dir, lines)
}

#[test]
fn problems_in_the_node_files_come_in_file_order_then_line_order_on_any_pool() {
    // Bad rows all over a large persons.csv: a repeated id (of an early row, with an
    // empty name too), a row of the wrong width, a dangling account, a
    // quoted row over several lines, in the order of the rows.
    let bad = [
        (3, "p3,Name,a9,\n".to_owned()),
        (9_000, "p9000,Name,a1\n".to_owned()),
        (9_500, "p9500,Name,a9,\n".to_owned()),
        (20_000, "p5,,a1,\n".to_owned()),
        (20_001, "p20001,\"Multi\nline\",a8,\"t\n\"\n".to_owned()),
        (35_000, "p35000,Name,a1,x,y\n".to_owned()),
        (49_999, "p2,Name,a1,\n".to_owned()),
        (50_000, "p50000,Name,,\n".to_owned()),
    ];
    let (dir, lines) = folder_with_bad_persons(50_000, 101, &bad);
    assert!(
        std::fs::metadata(dir.path().join("persons.csv"))
            .unwrap()
            .len()
            > 1_500_000
    );
    let rows = rows(read_on_each_pool(dir.path()));
    let expected = vec![
        ("persons.csv", lines[0]),
        ("persons.csv", lines[1]),
        ("persons.csv", lines[2]),
        ("persons.csv", lines[3]),
        ("persons.csv", lines[3]),
        ("persons.csv", lines[4]),
        ("persons.csv", lines[5]),
        ("persons.csv", lines[6]),
        // p50000 has no account, which is allowed.
        ("persons.csv", lines[8]),
        ("employees.csv", 3),
        ("projects.csv", 3),
    ];
    assert_eq!(places(&rows), expected);
    assert_eq!(rows.omitted, 0);
    let message = CsvImportError::Rows(rows).to_string();
    for wanted in [
        format!("persons.csv:{}: account_id \"a9\" is not an id", lines[0]),
        format!("persons.csv:{}: the row has 3 fields but", lines[1]),
        format!("persons.csv:{}: account_id \"a9\" is not an id", lines[2]),
        format!(
            "persons.csv:{}: duplicate id \"p5\" (already on line 6)",
            lines[3]
        ),
        format!("persons.csv:{}: name is empty", lines[3]),
        format!("persons.csv:{}: account_id \"a8\" is not an id", lines[4]),
        format!("persons.csv:{}: the row has 5 fields but", lines[5]),
        format!(
            "persons.csv:{}: duplicate id \"p2\" (already on line 3)",
            lines[6]
        ),
        format!("persons.csv:{}: name is not valid UTF-8", lines[8]),
        "employees.csv:3: duplicate id \"e1\" (already on line 2)".to_owned(),
        "projects.csv:3: account_id \"a7\" is not an id".to_owned(),
    ] {
        assert!(message.contains(&wanted), "{wanted} not in {message}");
    }
}

#[test]
fn the_cap_on_problems_keeps_the_first_of_the_node_files_on_any_pool() {
    // 150 bad rows all over a large persons.csv: rows of the wrong width (found by the
    // parsing) and repeated ids (found by the rows' reading) in turn.
    let bad: Vec<(u32, String)> = (0..150u32)
        .map(|k| {
            let n = 200 + k * 300;
            let row = if k % 2 == 0 {
                format!("p{n},Name\n")
            } else {
                format!("p1,Name {n},a1,\n")
            };
            (n, row)
        })
        .collect();
    let (dir, lines) = folder_with_bad_persons(50_000, 13, &bad);
    let rows = rows(read_on_each_pool(dir.path()));
    assert_eq!(rows.errors.len(), MAX_REPORTED_PROBLEMS);
    // The 150 rows, the invalid name, and one bad row in each of two other files.
    assert_eq!(rows.total(), 150 + 1 + 2);
    let expected: Vec<(&str, u64)> = lines[..MAX_REPORTED_PROBLEMS]
        .iter()
        .map(|&line| ("persons.csv", line))
        .collect();
    assert_eq!(places(&rows), expected);
    let message = CsvImportError::Rows(rows).to_string();
    assert!(
        message.contains(&format!(
            "persons.csv:{}: duplicate id \"p1\" (already on line 2)",
            lines[1]
        )),
        "{message}"
    );
}
