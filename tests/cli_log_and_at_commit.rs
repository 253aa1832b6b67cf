//! `brm log` lists a database's commits, one line each (number, time, changes by kind),
//! and `brm report --at-commit N` reports the database as it stood after commit N: after
//! importing folder A and merging folder B, the report at commit 1 is the report of A
//! alone, byte for byte, as readable text and as JSON. Neither command writes the file.
//! (The other command-line tests are the operator work's; these cover the two commands
//! of the history.)

#[path = "common/cli.rs"]
mod cli;

use cli::{bytes, fails, ok, s};
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn report_at_commit_1_of_a_then_b_is_the_report_of_a_alone() {
    let dir = tempfile::tempdir().unwrap();
    let ab = dir.path().join("ab.guanxi");
    let a = dir.path().join("a.guanxi");
    ok(&["import", s(&data("tiny")), "--db", s(&ab)]);
    ok(&["import", s(&data("tiny-time")), "--db", s(&ab)]);
    ok(&["import", s(&data("tiny")), "--db", s(&a)]);
    let before = bytes(&ab);

    let log = ok(&["log", "--db", s(&ab)]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].starts_with("commit 1  20"), "{log}");
    assert!(
        lines[0].ends_with(" UTC  nodes +34 ~0 -0, edges +139 ~0 -0, interactions +0 ~0 -0"),
        "{log}"
    );
    assert!(
        lines[1].ends_with(" UTC  nodes +2 ~24 -0, edges +56 ~19 -6, interactions +32 ~0 -0"),
        "{log}"
    );
    let json = ok(&["log", "--db", s(&ab), "--json", "--from", "2"]);
    let commit: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(commit["number"], 2);
    assert_eq!(commit["first_seq"], 173);
    assert_eq!(commit["changes"]["interactions"]["added"], 32);

    for format in [&["--json"][..], &[]] {
        let mut at_1 = vec!["report", "--db", s(&ab), "--at-commit", "1"];
        at_1.extend(["--as-of", "2025-06-30"]);
        at_1.extend(format);
        let mut alone = vec!["report", "--db", s(&a), "--as-of", "2025-06-30"];
        alone.extend(format);
        let mut now = vec!["report", "--db", s(&ab), "--as-of", "2025-06-30"];
        now.extend(format);
        let mut at_2 = now.clone();
        at_2.extend(["--at-commit", "2"]);
        assert_eq!(ok(&at_1), ok(&alone), "{format:?}");
        assert_eq!(ok(&at_2), ok(&now), "{format:?}");
        assert_ne!(ok(&at_1), ok(&now), "{format:?}");
    }
    // A commit that does not exist.
    let err = fails(&[
        "report",
        "--db",
        s(&ab),
        "--at-commit",
        "3",
        "--as-of",
        "2025-06-30",
    ]);
    assert!(err.contains("--at-commit 3"), "{err}");
    assert!(
        err.contains("there is no commit 3: the latest is 2"),
        "{err}"
    );
    assert_eq!(bytes(&ab), before, "reading the history wrote the file");
    // Output that cannot be written is an error, as for every command.
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let out = cli::cmd(&["log", "--db", s(&ab)])
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.starts_with("brm: error: cannot write to standard output"),
            "{err}"
        );
    }
}
