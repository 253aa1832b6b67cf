//! The README's `brm` commands run as written: every `brm` line of its `sh` blocks is run,
//! in order, in one empty folder, and must succeed. (Its library example is a doc test,
//! see `ReadmeDoctests` in `src/lib.rs`.)

#[path = "common/cli.rs"]
mod cli;

use std::path::Path;

/// The `brm` lines of the README's `sh` blocks, split into arguments (comments removed).
fn brm_lines(readme: &str) -> Vec<Vec<String>> {
    let mut lines = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_sh = !in_sh && t == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let code = t.split(" #").next().unwrap_or("").trim();
        let mut words = code.split_whitespace().map(str::to_owned);
        if words.next().as_deref() == Some("brm") {
            let args: Vec<String> = words.collect();
            assert!(
                args.iter()
                    .all(|w| !w.contains(['[', ']', '|', '>', '<', '$', '"', '\''])),
                "README line is not a plain command: {t}"
            );
            lines.push(args);
        }
    }
    lines
}

#[test]
fn every_brm_command_of_the_readme_runs_as_written() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let lines = brm_lines(&readme);
    assert!(lines.len() >= 10, "found only {} brm lines", lines.len());
    assert_eq!(
        lines[0][0], "generate",
        "the first brm line makes the data the others use"
    );
    let dir = tempfile::tempdir().unwrap();
    for args in &lines {
        let out = std::process::Command::new(cli::brm())
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "brm {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !out.stdout.is_empty(),
            "brm {} printed nothing",
            args.join(" ")
        );
    }
    // The alias the README defines is what runs the lines.
    assert!(readme.contains("alias brm='cargo run --release --example brm --'"));
}
