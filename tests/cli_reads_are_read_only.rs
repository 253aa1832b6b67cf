//! `brm`'s read commands (report, chain, path, departure, check, export, backup) open
//! the database read-only: the file is byte-identical afterwards, they work on a
//! read-only file and on a read-only file system, readers in several processes run at
//! once, and a read while another process writes says so plainly and what to do.

#[path = "common/cli.rs"]
mod cli;

use cli::{bytes, fails, ok, read_commands, run, s, strs, tiny_db, Mount, AS_OF};
use guanxi::store::{Database, Read};
use std::path::Path;

fn run_all(db: &Path, out: &Path) {
    for args in read_commands(db, out) {
        ok(&strs(&args));
    }
}

#[test]
fn reads_leave_the_file_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    let before = bytes(&db);
    let modified = std::fs::metadata(&db).unwrap().modified().unwrap();
    for round in 0..3 {
        let out = tmp.path().join(format!("out{round}"));
        std::fs::create_dir(&out).unwrap();
        run_all(&db, &out);
        assert!(
            bytes(&db) == before,
            "round {round}: a read command changed the database file"
        );
    }
    assert_eq!(
        std::fs::metadata(&db).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn reads_work_on_a_read_only_file_and_a_read_only_file_system() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut tried = Vec::new();

    // A read-only file in a read-only folder: enforced for every user but root.
    if !cli::is_root() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tmp.path().join("ro");
        std::fs::create_dir(&dir).unwrap();
        let db = tiny_db(&dir, "crm.redb");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        let before = bytes(&db);
        run_all(&db, &out);
        assert!(bytes(&db) == before);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        tried.push("read-only file in a read-only folder");
    }

    // A read-only file system: enforced for root too (root may mount a tmpfs).
    if let Some(mount) = Mount::tmpfs("8m") {
        let db = tiny_db(mount.path(), "crm.redb");
        let before = bytes(&db);
        assert!(mount.remount_read_only(), "remount read-only");
        // Writing is refused there, so the reads below really run on read-only storage.
        let err = fails(&["import", s(&cli::tiny()), "--db", s(&db)]);
        assert!(
            err.contains("crm.redb is on a read-only file system: the commands that read")
                && err.contains("to change it, copy it to a writable place first"),
            "{err}"
        );
        run_all(&db, &out);
        assert!(bytes(&db) == before);
        tried.push("read-only tmpfs");
    }
    assert!(
        !tried.is_empty(),
        "neither a read-only file (not as root) nor a read-only mount (root, may mount) could be set up"
    );
    eprintln!("tried: {tried:?}");
}

#[test]
fn readers_in_several_processes_run_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    // This process reads, with a transaction open, while two more processes read.
    let reader = Database::open_read_only(&db).unwrap();
    let txn = reader.begin_read().unwrap();
    let spawn = || {
        cli::cmd(&["report", "--db", s(&db), "--as-of", AS_OF, "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for o in [&a, &b] {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(a.stdout, b.stdout);
    assert!(String::from_utf8_lossy(&a.stdout).contains("\"as_of\": \"2025-06-30\""));
    assert_eq!(txn.network().unwrap().0.persons.len(), 17);
}

#[test]
fn a_read_while_another_process_writes_says_so_and_to_retry() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    let writer = Database::open(&db).unwrap();
    for args in [
        vec!["report", "--db", s(&db), "--as-of", AS_OF],
        vec!["check", "--db", s(&db)],
    ] {
        let err = fails(&args);
        assert!(
            err.contains(s(&db))
                && err.contains("another process is writing")
                && err.contains("retry"),
            "{args:?}: {err}"
        );
    }
    drop(writer);
    let out = run(&["report", "--db", s(&db), "--as-of", AS_OF]);
    assert!(out.status.success(), "after the writer closed");
}

#[test]
fn a_file_that_needs_recovery_is_read_without_being_written() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    // A copy taken while a writer has the file open is what a killed writer leaves: the
    // engine must recover it before reading, and a read-only handle cannot.
    let crashed = tmp.path().join("crashed.redb");
    {
        let writer = Database::open(&db).unwrap();
        std::fs::copy(&db, &crashed).unwrap();
        drop(writer);
    }
    let before = bytes(&crashed);
    assert!(
        matches!(
            redb::ReadOnlyDatabase::open(&crashed),
            Err(redb::DatabaseError::RepairAborted)
        ),
        "the copy needs recovery"
    );
    let reader = Database::open_read_only(&crashed).unwrap();
    assert!(reader.is_read_only());
    let want = Database::open_read_only(&db)
        .unwrap()
        .begin_read()
        .unwrap()
        .network()
        .unwrap()
        .0;
    assert_eq!(reader.begin_read().unwrap().network().unwrap().0, want);
    assert!(matches!(
        reader.begin_write(0),
        Err(guanxi::store::StoreError::ReadOnly { .. })
    ));
    drop(reader);
    let json = ok(&["report", "--db", s(&crashed), "--as-of", AS_OF, "--json"]);
    assert_eq!(
        json,
        ok(&["report", "--db", s(&db), "--as-of", AS_OF, "--json"])
    );
    assert!(ok(&["check", "--db", s(&crashed)]).contains("clean"));
    assert!(
        bytes(&crashed) == before,
        "reading recovered the file in memory only"
    );
}

#[test]
fn a_write_while_another_process_reads_says_so_and_to_retry() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    let before = bytes(&db);
    for verified in [false, true] {
        let reader = if verified {
            Database::open_read_only_verified(&db).unwrap()
        } else {
            Database::open_read_only(&db).unwrap()
        };
        let err = fails(&["import", s(&cli::tiny()), "--db", s(&db)]);
        assert!(
            err.contains(s(&db)) && err.contains("in use") && err.contains("retry"),
            "verified {verified}: {err}"
        );
        drop(reader);
    }
    assert!(bytes(&db) == before);
    ok(&["import", s(&cli::tiny()), "--db", s(&db)]);
}
