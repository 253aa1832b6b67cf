//! The CSV reader reads the edge files side by side on the thread pool, and a large
//! `interactions.csv` in pieces: the network and the problems it reports are those of
//! reading the files one after the other — problems in file order, then line order, under
//! the same cap, with the same messages — whatever the number of threads.

use guanxi::io::{read_csv_dir, CsvImportError, RowErrors, MAX_REPORTED_PROBLEMS};
use guanxi::model::{Day, EmployeeId, Interaction, InteractionKind, Network, PersonId};
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
    let dir = TempDir::new().unwrap();
    guanxi::io::write_csv_dir(&net, dir.path()).unwrap();
    let size = std::fs::metadata(dir.path().join("interactions.csv"))
        .unwrap()
        .len();
    assert!(size > 1_500_000, "interactions.csv is only {size} bytes");
    let read = read_on_each_pool(dir.path()).unwrap();
    assert!(
        read == net,
        "the network read back differs from the one written"
    );
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
