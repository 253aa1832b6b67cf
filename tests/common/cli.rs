//! Running the examples (`brm` above all) from the tests, and the file-system set-ups
//! they need (a database file, a read-only place, a small file system).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `brm` binary: `cargo test` builds the examples beside the test binaries
/// (target/<profile>/examples). `GUANXI_BRM` names another binary, e.g. an older build,
/// to show which of these tests it fails.
pub fn brm() -> PathBuf {
    if let Some(p) = std::env::var_os("GUANXI_BRM") {
        return PathBuf::from(p);
    }
    example("brm")
}

/// The binary of the example `name`, which `cargo test` builds beside the test binaries
/// (target/<profile>/examples).
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run the tests with cargo test (it builds the examples)",
        path.display()
    );
    path
}

/// A `brm` command with `args`.
pub fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(brm());
    c.args(args).stdin(Stdio::null());
    c
}

/// Runs `brm args`.
pub fn run(args: &[&str]) -> Output {
    cmd(args).output().expect("run brm")
}

/// Runs `brm args`, asserts success, returns standard output.
pub fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "brm {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs `brm args`, asserts exit status 1 with `brm: error:` on standard error and no
/// panic; returns the message.
pub fn fails(args: &[&str]) -> String {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "brm {args:?}: {err}");
    assert!(
        err.starts_with("brm: error:") && !err.contains("panicked"),
        "brm {args:?}: {err}"
    );
    err
}

/// A path as `&str` (temporary folders have UTF-8 paths).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// The date the command-line tests ask the worked example about.
pub const AS_OF: &str = "2025-06-30";

/// Owned copies of `args`, for lists of commands kept apart from the paths they name.
pub fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

/// Borrowed views of `args`, to run a command kept as owned strings.
pub fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The arguments of `brm <command>` on project `project` of the database at `db` as of
/// [`AS_OF`], then `more`.
pub fn on_project<'a>(
    command: &'a str,
    db: &'a Path,
    project: &'a str,
    more: &[&'a str],
) -> Vec<&'a str> {
    [
        &[
            command,
            "--db",
            s(db),
            "--project",
            project,
            "--as-of",
            AS_OF,
        ][..],
        more,
    ]
    .concat()
}

/// The arguments of `brm export` writing the database at `db` as CSV files into the
/// folder `out`.
pub fn export_csv<'a>(db: &'a Path, out: &'a Path) -> [&'a str; 7] {
    ["export", "--db", s(db), "--format", "csv", "--out", s(out)]
}

/// The arguments of `brm export` drawing project `project` of the database at `db`, as
/// it stood on `as_of`, in DOT into the file `out`.
pub fn export_dot<'a>(
    db: &'a Path,
    project: &'a str,
    as_of: &'a str,
    out: &'a Path,
) -> [&'a str; 11] {
    [
        "export",
        "--db",
        s(db),
        "--format",
        "dot",
        "--project",
        project,
        "--as-of",
        as_of,
        "--out",
        s(out),
    ]
}

/// Every read command on the worked example at `db` (report, chain, path, departure,
/// check, export, backup) as of [`AS_OF`], writing what it exports under `out`.
pub fn read_commands(db: &Path, out: &Path) -> Vec<Vec<String>> {
    let (dot, csv, copy) = (out.join("x2.dot"), out.join("csv"), out.join("copy.redb"));
    let d = s(db);
    [
        &["report", "--db", d, "--as-of", AS_OF][..],
        &["report", "--db", d, "--as-of", AS_OF, "--json"],
        &["chain", "--db", d, "--project", "x2", "--as-of", AS_OF],
        &["path", "--db", d, "--to", "p2", "--as-of", AS_OF],
        &["departure", "--db", d, "--employee", "e2", "--as-of", AS_OF],
        &["check", "--db", d],
        &export_dot(db, "x2", AS_OF, &dot),
        &export_csv(db, &csv),
        &["backup", "--db", d, "--out", s(&copy)],
    ]
    .into_iter()
    .map(strings)
    .collect()
}

/// The worked example's CSV folder.
pub fn tiny() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny")
}

/// Imports the worked example into `dir/name`.
pub fn tiny_db(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    ok(&["import", s(&tiny()), "--db", s(&db)]);
    db
}

/// Whether this process runs as root, for whom file permissions do not stop a write.
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let probe = tempfile::tempfile().expect("temp file");
    probe.metadata().expect("metadata").uid() == 0
}

/// A mounted file system, unmounted when dropped.
pub struct Mount {
    pub dir: tempfile::TempDir,
}

impl Mount {
    /// A tmpfs of `size` (e.g. `"2m"`), if this process may mount one (root); `None`
    /// otherwise.
    pub fn tmpfs(size: &str) -> Option<Mount> {
        if !is_root() {
            return None;
        }
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Mount { dir })
    }

    /// Makes the file system read-only.
    pub fn remount_read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// The bytes of a file.
pub fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
