//! `brm` reports every failure: a write error on standard output is an error (only a
//! closed pipe ends quietly), every option is checked with a message that names it,
//! messages about the database file say what to do, and nothing makes `brm` crash
//! (exit status 101) — not even a damaged file.

#[path = "common/cli.rs"]
mod cli;

use cli::{fails, ok, read_commands, run, s, strings, strs, tiny_db, AS_OF};
use std::path::Path;
use std::process::Stdio;

/// Every command that prints, on the worked example at `db`, writing under `dir`: the
/// read commands, the JSON forms of the per-item ones, and generate, import and compact.
fn printing_commands(db: &Path, dir: &Path) -> Vec<Vec<String>> {
    let (d, generated, tiny) = (s(db), dir.join("gen"), cli::tiny());
    let mut commands = read_commands(db, dir);
    for args in [
        &[
            "chain",
            "--db",
            d,
            "--project",
            "x2",
            "--as-of",
            AS_OF,
            "--json",
        ][..],
        &["path", "--db", d, "--to", "p2", "--as-of", AS_OF, "--json"],
        &[
            "departure",
            "--db",
            d,
            "--employee",
            "e2",
            "--as-of",
            AS_OF,
            "--json",
        ],
        &["generate", "--preset", "tiny", "--out", s(&generated)],
        &["import", s(&tiny), "--db", d],
        &["compact", "--db", d],
    ] {
        commands.push(strings(args));
    }
    commands
}

#[test]
fn a_write_error_on_standard_output_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    for args in printing_commands(&db, tmp.path()) {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = cli::cmd(&strs(&args)).stdout(full).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.starts_with("brm: error: cannot write to standard output")
                && err.contains("No space left"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    for args in printing_commands(&db, tmp.path()) {
        // The reading end is closed before brm starts: its first write meets a closed pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = cli::cmd(&strs(&args))
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn every_number_option_is_checked_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    let base = ["report", "--db", s(&db), "--as-of", AS_OF];
    let floats = [
        "--half-life",
        "--interaction-half-life",
        "--interaction-scale",
        "--w-meeting",
        "--w-event",
        "--w-call",
        "--w-message",
        "--w-email",
        "--damping",
        "--pagerank-tol",
        "--susceptibility",
        "--fj-tol",
        "--veto-threshold",
        "--unknown-solution",
        "--w-approver",
        "--w-vetoer",
        "--w-decision-maker",
        "--w-evaluator",
        "--w-influencer",
        "--w-user",
        "--win-regularisation",
    ];
    for flag in floats {
        for bad in ["NaN", "inf", "-inf"] {
            let err = fails(&[&base[..], &[flag, bad]].concat());
            assert!(
                err.contains(flag) && err.contains("finite number"),
                "{flag} {bad}: {err}"
            );
        }
    }
    // Negative numbers reach the range check (not the parser's "unexpected argument").
    for flag in floats.iter().filter(|f| **f != "--veto-threshold") {
        let err = fails(&[&base[..], &[flag, "-5"]].concat());
        assert!(
            err.contains(&format!("{flag} -5 is out of range")),
            "{flag}: {err}"
        );
    }
    assert!(
        ok(&[&base[..], &["--veto-threshold", "-0.5"]].concat()).contains("relationship report")
    );
    // Counts: zero and negative refused, with the option's name.
    for (flag, min) in [
        ("--k", 1),
        ("--coach-k", 1),
        ("--top", 1),
        ("--stale-after", 0),
        ("--trend-days", 0),
        ("--k-levers", 1),
        ("--min-closed", 1),
        ("--protect-days", 0),
    ] {
        for bad in ["-3", &(min - 1).to_string()] {
            let err = fails(&[&base[..], &[flag, bad]].concat());
            assert!(
                err.contains(&format!("{flag} {bad} is out of range"))
                    && err.contains(&format!("≥ {min}")),
                "{flag} {bad}: {err}"
            );
        }
    }
    let err = fails(&[
        "path",
        "--db",
        s(&db),
        "--to",
        "p2",
        "--as-of",
        AS_OF,
        "--k",
        "0",
    ]);
    assert!(err.contains("--k 0 is out of range"), "{err}");
}

#[test]
fn messages_about_the_database_file_say_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nowhere.redb");
    let err = fails(&["report", "--db", s(&missing), "--as-of", AS_OF]);
    assert!(
        err.contains(&format!("no database at {}", s(&missing))) && err.contains("run `brm import"),
        "{err}"
    );
    assert!(!err.contains("Database::"), "{err}");

    let db = tiny_db(tmp.path(), "crm.redb");
    let truncated = tmp.path().join("truncated.redb");
    std::fs::write(&truncated, &std::fs::read(&db).unwrap()[..100]).unwrap();
    for args in [
        vec!["report", "--db", s(&truncated), "--as-of", AS_OF],
        vec!["check", "--db", s(&truncated)],
        vec!["erase", "--db", s(&truncated), "--person", "p1"],
    ] {
        let err = fails(&args);
        assert!(
            err.contains("truncated.redb is damaged or not a guanxi database")
                && !err.contains("fill whole buffer"),
            "{args:?}: {err}"
        );
    }
}

/// A deterministic sequence of numbers (the same damage on every run).
fn lcg(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *state >> 33
}

#[test]
fn damaged_files_never_crash_brm() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    let good = std::fs::read(&db).unwrap();
    let mut seed = 0x5eed_u64;
    let mut outcomes = [0usize; 2];
    for copy in 0..20 {
        let mut bytes = good.clone();
        for _ in 0..8 {
            let at = (lcg(&mut seed) as usize) % bytes.len();
            bytes[at] ^= 1 << (lcg(&mut seed) % 8);
        }
        let damaged = tmp.path().join(format!("damaged-{copy}.redb"));
        std::fs::write(&damaged, &bytes).unwrap();
        for args in [
            vec!["report", "--db", s(&damaged), "--as-of", AS_OF, "--json"],
            vec![
                "chain",
                "--db",
                s(&damaged),
                "--project",
                "x2",
                "--as-of",
                AS_OF,
            ],
            vec!["check", "--db", s(&damaged)],
        ] {
            let out = run(&args);
            let err = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "{args:?}: status {code:?}: {err}"
            );
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            // Damage is a typed error of the library, not a panic caught at the last resort.
            assert!(!err.contains("internal failure"), "{args:?}: {err}");
            outcomes[usize::from(code == Some(1))] += 1;
        }
    }
    eprintln!(
        "damaged copies: {} commands succeeded, {} refused",
        outcomes[0], outcomes[1]
    );
    assert!(outcomes[1] > 0, "some damage must be found");

    // Even with standard error unwritable, a failure is status 1, not a crash.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = cli::cmd(&["report", "--db", "/nonexistent/x.redb", "--as-of", AS_OF])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
