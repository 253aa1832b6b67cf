//! `brm`'s writes never lose data: exports and generated data never overwrite a file
//! unless asked (and never a database), a failed creation, export or backup leaves
//! nothing behind (and an export over a folder leaves its files whole), an
//! erasure whose rewrite fails says exactly what happened and a rerun finishes it, and
//! the `.partial` file of a killed run is removed by the next one.

#[path = "common/cli.rs"]
mod cli;

use cli::{
    bytes, contains, export_csv, export_dot, fails, ok, s, strings, strs, tiny, tiny_db, Mount,
    AS_OF,
};
use guanxi::store::{Database, Read};
use std::path::Path;

fn dot(db: &Path, out: &Path, extra: &[&str]) -> Vec<String> {
    strings(&[&export_dot(db, "x2", AS_OF, out)[..], extra].concat())
}

#[test]
fn drawings_never_overwrite_a_file_unless_forced_and_never_a_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    let db_bytes = bytes(&db);

    let target = tmp.path().join("x2.dot");
    std::fs::write(&target, b"precious").unwrap();
    let err = fails(&strs(&dot(&db, &target, &[])));
    assert!(
        err.contains("x2.dot exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(bytes(&target), b"precious");
    ok(&strs(&dot(&db, &target, &["--force"])));
    assert!(bytes(&target).starts_with(b"digraph"));

    // The database itself, and any other database file, even with --force.
    let other = tiny_db(tmp.path(), "other.redb");
    let other_bytes = bytes(&other);
    for (format, path) in [("dot", &db), ("graphml", &db), ("dot", &other)] {
        for force in [&[][..], &["--force"][..]] {
            let mut args = dot(&db, path, force);
            args[4] = format.to_owned();
            let err = fails(&strs(&args));
            assert!(err.contains("is a database file"), "{err}");
        }
    }
    assert!(bytes(&db) == db_bytes && bytes(&other) == other_bytes);
    assert!(ok(&["check", "--db", s(&db)]).contains("clean"));
}

#[test]
fn csv_folders_are_not_overwritten_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    let folder = tmp.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("accounts.csv"),
        b"id,name,kind\nmine,Mine,client\n",
    )
    .unwrap();

    let export = export_csv(&db, &folder);
    let err = fails(&export);
    assert!(
        err.contains("folder with files in it") && err.contains("--force"),
        "{err}"
    );
    let generate = [
        "generate",
        "--preset",
        "tiny",
        "--seed",
        "2",
        "--out",
        s(&folder),
    ];
    fails(&generate);
    assert_eq!(
        bytes(&folder.join("accounts.csv")),
        b"id,name,kind\nmine,Mine,client\n"
    );

    ok(&[&export[..], &["--force"]].concat());
    assert!(String::from_utf8(bytes(&folder.join("accounts.csv")))
        .unwrap()
        .contains("a1,"));
    ok(&[&generate[..], &["--force"]].concat());

    // A database is never the target of a CSV export, nor of generate --db.
    let db_bytes = bytes(&db);
    let err = fails(&[&export_csv(&db, &db)[..], &["--force"]].concat());
    assert!(err.contains("database file"), "{err}");
    let err = fails(&["generate", "--preset", "tiny", "--db", s(&db)]);
    assert!(err.contains("exists"), "{err}");
    assert!(bytes(&db) == db_bytes);
    // A new or empty folder needs no --force.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    ok(&export_csv(&db, &empty));
    ok(&export_csv(&db, &tmp.path().join("new")));
}

/// Runs `brm import DIR --db FILE` where FILE cannot grow beyond a few hundred KiB:
/// `db_dir` is a 1 MiB file system, or (`limit`) a file-size limit stands in for one.
fn import_on_a_small_disk(
    dir: &Path,
    db_dir: &Path,
    name: &str,
    limit: bool,
) -> std::process::Output {
    brm_on_a_small_disk(&["import", s(dir), "--db", s(&db_dir.join(name))], limit)
}

/// The small preset (seed 7) generated into `dir/small-preset`: about 650 KiB of CSV.
fn small_preset(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("small-preset");
    ok(&[
        "generate",
        "--preset",
        "small",
        "--seed",
        "7",
        "--out",
        s(&out),
    ]);
    out
}

#[test]
fn a_failed_creation_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let big = small_preset(tmp.path());
    let mount = Mount::tmpfs("1m");
    let place = mount
        .as_ref()
        .map_or_else(|| tmp.path().to_path_buf(), |m| m.path().to_path_buf());

    let out = import_on_a_small_disk(&big, &place, "crm.redb", mount.is_none());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("brm: error:") && err.contains("nothing was written"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&place)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with("crm.redb"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    // The space is free again: a small import into the same place succeeds.
    if mount.is_some() {
        ok(&["import", s(&tiny()), "--db", s(&place.join("tiny.redb"))]);
        assert!(ok(&["check", "--db", s(&place.join("tiny.redb"))]).contains("clean"));
    }
    eprintln!(
        "small disk: {}",
        if mount.is_some() {
            "1 MiB tmpfs"
        } else {
            "file-size limit"
        }
    );
}

/// Runs `brm ARGS` where no file can grow beyond a few hundred KiB: the place written
/// to is a 256 KiB file system, or (`limit`) a file-size limit stands in for one.
fn brm_on_a_small_disk(args: &[&str], limit: bool) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        // SIGXFSZ ignored, so that the write fails with an error instead of killing brm.
        .arg(r#"trap '' XFSZ; ulimit -f "$1"; shift; exec "$@""#)
        .arg("sh")
        .arg(if limit { "600" } else { "unlimited" })
        .arg(cli::brm())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn failed_exports_generations_and_backups_leave_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small_preset(tmp.path());
    let db = tmp.path().join("small.redb");
    ok(&["import", s(&small), "--db", s(&db)]);
    let mount = Mount::tmpfs("256k");
    let limit = mount.is_none();
    let place = mount
        .as_ref()
        .map_or_else(|| tmp.path().join("place"), |m| m.path().to_path_buf());
    std::fs::create_dir_all(&place).unwrap();
    let listing = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let fails_cleanly = |args: &[&str], names: &str| {
        let out = brm_on_a_small_disk(args, limit);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.starts_with("brm: error: ") && err.contains(names),
            "{err}"
        );
        err.into_owned()
    };

    // A CSV folder too large for the disk: no folder is left.
    let new = place.join("new");
    fails_cleanly(&["generate", "--preset", "small", "--out", s(&new)], "new/");
    fails_cleanly(&export_csv(&db, &new), "new/");
    assert!(!new.exists());

    // Over a folder that holds an export, with --force: the old files stay whole.
    let old = place.join("old");
    ok(&export_csv(&tiny_db(tmp.path(), "tiny.redb"), &old));
    let before: Vec<Vec<u8>> = listing(&old).iter().map(|n| bytes(&old.join(n))).collect();
    fails_cleanly(&[&export_csv(&db, &old)[..], &["--force"]].concat(), "old/");
    let after: Vec<Vec<u8>> = listing(&old).iter().map(|n| bytes(&old.join(n))).collect();
    assert_eq!(listing(&old).len(), 12);
    assert_eq!(after, before);

    // A backup too large for the disk names the new file, and leaves nothing.
    let copy = place.join("copy.redb");
    let err = fails_cleanly(
        &["backup", "--db", s(&db), "--out", s(&copy)],
        "copy.redb: ",
    );
    assert!(err.contains("nothing was written"), "{err}");
    if !limit {
        assert!(err.contains("the disk is full: free some space"), "{err}");
    }
    assert_eq!(listing(&place), ["old"]);
    eprintln!(
        "small disk: {}",
        if limit {
            "file-size limit"
        } else {
            "256 KiB tmpfs"
        }
    );
}

/// The persons in the database at `db`.
fn persons(db: &Path) -> Vec<String> {
    let d = Database::open_read_only(db).unwrap();
    let (net, _) = d.begin_read().unwrap().network().unwrap();
    net.persons.into_iter().map(|p| p.xid).collect()
}

#[test]
fn an_erasure_whose_rewrite_fails_says_so_and_a_rerun_finishes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    let name = "García Anna".as_bytes(); // p15's name

    // The rewrite's new file cannot be made: a folder (not empty) holds its name.
    let blocker = tmp.path().join("crm.redb.partial");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("keep"), b"x").unwrap();
    let err = fails(&["erase", "--db", s(&db), "--person", "p15"]);
    assert!(
        err.contains("is erased")
            && err.contains("committed")
            && err.contains("rewriting the file")
            && err.contains("brm erase --db")
            && err.contains("brm compact --db"),
        "{err}"
    );
    assert!(
        !persons(&db).contains(&"p15".to_owned()),
        "the erasure is committed"
    );
    assert!(Database::open_read_only(&db)
        .unwrap()
        .rewrite_pending()
        .unwrap());

    std::fs::remove_dir_all(&blocker).unwrap();
    let done = ok(&["erase", "--db", s(&db), "--person", "p15"]);
    assert!(done.contains("finished the rewrite"), "{done}");
    assert!(
        !contains(&bytes(&db), name),
        "the erased name is still in the file"
    );
    assert!(!Database::open_read_only(&db)
        .unwrap()
        .rewrite_pending()
        .unwrap());
    // Nothing pending any more: a third run is the plain "no person".
    let err = fails(&["erase", "--db", s(&db), "--person", "p15"]);
    assert!(err.contains("no person"), "{err}");

    // The same with `brm compact` finishing the rewrite.
    let name = bytes_of_person(&db, "p14");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("keep"), b"x").unwrap();
    fails(&["erase", "--db", s(&db), "--person", "p14"]);
    std::fs::remove_dir_all(&blocker).unwrap();
    assert!(ok(&["compact", "--db", s(&db)]).contains("rewrote"));
    assert!(!contains(&bytes(&db), name.as_bytes()));
    assert!(!Database::open_read_only(&db)
        .unwrap()
        .rewrite_pending()
        .unwrap());
    assert!(ok(&["check", "--db", s(&db)]).contains("clean"));
}

fn bytes_of_person(db: &Path, xid: &str) -> String {
    let d = Database::open_read_only(db).unwrap();
    let (net, _) = d.begin_read().unwrap().network().unwrap();
    net.persons.into_iter().find(|p| p.xid == xid).unwrap().name
}

#[test]
fn the_partial_file_of_a_killed_run_is_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_db(tmp.path(), "crm.redb");
    // What a killed erase (or compact) leaves: the half-written new file, no process.
    let stale = tmp.path().join("crm.redb.partial");
    std::fs::write(&stale, vec![7u8; 1 << 20]).unwrap();
    ok(&["import", s(&tiny()), "--db", s(&db)]);
    assert!(!stale.exists(), "the next writing command removes it");

    // A killed backup's file goes with the next backup to the same target.
    let copy = tmp.path().join("copy.redb");
    let stale = tmp.path().join("copy.redb.partial");
    std::fs::write(&stale, vec![7u8; 1 << 20]).unwrap();
    ok(&["backup", "--db", s(&db), "--out", s(&copy)]);
    assert!(!stale.exists() && copy.exists());

    // A killed import into a new file: the next import to it.
    let new = tmp.path().join("new.redb");
    let stale = tmp.path().join("new.redb.partial");
    std::fs::write(&stale, vec![7u8; 1 << 20]).unwrap();
    ok(&["import", s(&tiny()), "--db", s(&new)]);
    assert!(!stale.exists() && new.exists());

    // A partial file that a live process is writing is left alone.
    let live = Database::create(tmp.path().join("crm.redb.partial")).unwrap();
    ok(&["import", s(&tiny()), "--db", s(&db)]);
    assert!(tmp.path().join("crm.redb.partial").exists());
    drop(live);
}
