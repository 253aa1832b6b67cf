//! The CRM backend example (`examples/crm_backend.rs`) runs and says what the library
//! does: the consensus moves with the events, a moved person is listed as still in the
//! old account's decision chain, bad requests are refused by class, and the sync
//! consumer's cursor follows the change log entry by entry to the trim.

#[path = "common/cli.rs"]
mod cli;

use serde_json::{json, Value};

/// The example's standard output, after checking that it succeeded quietly.
fn run() -> String {
    let out = std::process::Command::new(cli::example("crm_backend"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the crm_backend example");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "crm_backend failed: {stderr}");
    assert!(stderr.is_empty(), "crm_backend wrote to stderr: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The line that starts with `prefix` (after indentation), without the prefix.
fn line<'o>(out: &'o str, prefix: &str) -> &'o str {
    out.lines()
        .map(str::trim_start)
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{out}"))
}

/// The consensus a deal line reports.
fn consensus(deal_line: &str) -> f64 {
    let after = deal_line.split("consensus ").nth(1).expect("a consensus");
    after[..after.find(',').expect("a comma")]
        .parse()
        .expect("a number")
}

#[test]
fn the_example_follows_the_deal_event_by_event() {
    let out = run();
    assert_eq!(line(&out, "1. account: "), "ACME strength 0.577");
    // The meeting with the CEO and the closer tie to the CFO raise the consensus.
    let before = line(&out, "2. deal: ");
    let after = line(&out, "3. meeting: ");
    assert_eq!(
        before,
        "X-ERP validation: consensus +0.046, completeness 0.67, veto risk [], left []"
    );
    assert_eq!(
        after,
        "X-ERP validation: consensus +0.355, completeness 0.67, veto risk [], left []"
    );
    assert!(consensus(after) > consensus(before));
    // The CFO's veto covers one more check of the chain; Chen reaches the CEO best.
    assert_eq!(
        line(&out, "4. role: "),
        "X-ERP validation: consensus +0.329, completeness 0.83, veto risk [], left []"
    );
    assert_eq!(
        line(&out, "levers: "),
        "P-WANG 0.472 via E-CHEN; P-LI 0.152 via E-CHEN; P-ZHAO 0.047 via E-SUN"
    );

    // The move: one period closed, one opened, the reporting line dropped as asked, and
    // the coach still in the decision chain of the old account's deal.
    let moved: Value = serde_json::from_str(line(&out, "5. move: ")).expect("the move's JSON");
    assert_eq!(
        moved,
        json!({
            "person": "P-ZHAO", "from": "ACME", "to": "BOLT", "on": "2025-06-16",
            "closed": {"since": null, "until": "2025-06-16", "title": null},
            "opened": {"since": "2025-06-16", "until": null, "title": "CTO"},
            "dropped": [{"kind": "reports_to", "from": "P-ZHAO", "to": "P-WANG", "weight": 0.8}],
            "attention": [{"kind": "still_in_chain", "project": "X-ERP", "role": "evaluator", "coach": true}],
        })
    );
    assert_eq!(
        line(&out, "attention: "),
        "still in the decision chain of project \"X-ERP\" at the old account (evaluator, our coach)"
    );
    assert!(line(&out, "deal: ").ends_with("left [P-ZHAO]"));

    // Sun's departure: the CEO keeps Chen's path only, and the CTO (now at BOLT) no one;
    // once Sun has left, the deal turns against us and the CEO is at veto risk.
    assert_eq!(
        line(&out, "6. departure of E-SUN, closeness: "),
        "P-WANG 0.644 -> 0.359; P-ZHAO 0.621 -> 0.000"
    );
    let gone = line(&out, "left: ");
    assert_eq!(
        gone,
        "X-ERP validation: consensus -0.159, completeness 0.67, veto risk [P-WANG], left [P-ZHAO]"
    );
    assert!(consensus(gone) < 0.0);
    // In pursuit every check applies: completeness drops.
    assert_eq!(
        line(&out, "7. stage: "),
        "X-ERP pursuit: consensus -0.172, completeness 0.44, veto risk [P-WANG], left [P-ZHAO]"
    );
}

#[test]
fn the_example_tells_bad_requests_apart_by_class() {
    let out = run();
    let refused: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("refused: "))
        .collect();
    assert_eq!(refused.len(), 3, "{out}");
    assert!(refused[0].starts_with("409 person \"P-LI\" already exists"));
    assert!(refused[1].starts_with(
        "404 edge tie employee \"E-CHEN\" → person \"P-ZHAO\" does not exist; give a closeness"
    ));
    assert!(refused[2].starts_with("422 edge reports_to person \"P-LI\" → person \"P-LI\""));
}

#[test]
fn the_example_syncs_from_its_cursor_and_trims_behind_it() {
    let out = run();
    let pages: Vec<&str> = out
        .lines()
        .map(str::trim_start)
        .filter_map(|l| l.strip_prefix("sync: "))
        .collect();
    // Commit 1 logs 14 entries (1 account, 3 persons, 2 employees, 3 works_at,
    // 2 reports_to, 3 ties), commit 2 six (the project, of, owns, 3 members), commit 3
    // two (the interaction, the tie): 22, read in pages of 16.
    assert_eq!(
        pages,
        [
            "16 entries from 0 (commits 1..=2), next 16",
            "6 entries from 16 (commits 2..=3), next 22",
            // The role, the move (the account, the closed and the new period, the
            // dropped reporting line), the leaving date, the stage: 7 more. The refused
            // requests committed nothing.
            "7 entries from 22 (commits 4..=7), next 29",
        ]
    );
    assert_eq!(line(&out, "sync from "), "22, head 29");
    // The last entry of each catch-up, as JSON with external ids and what it replaced.
    let lasts: Vec<Value> = out
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("last: "))
        .map(|l| serde_json::from_str(l).expect("a log entry's JSON"))
        .collect();
    assert_eq!(lasts.len(), 2);
    assert_eq!(
        (&lasts[0]["seq"], &lasts[0]["commit"]),
        (&json!(21), &json!(3))
    );
    assert_eq!(lasts[0]["change"]["edge"]["to"]["xid"], "P-LI");
    assert_eq!(lasts[0]["change"]["before"]["closeness"], 0.8);
    assert_eq!(lasts[0]["change"]["edge"]["attrs"]["closeness"], 0.9);
    assert_eq!(
        (&lasts[1]["seq"], &lasts[1]["commit"]),
        (&json!(28), &json!(7))
    );
    assert_eq!(lasts[1]["change"]["node"]["xid"], "X-ERP");
    assert_eq!(lasts[1]["change"]["before"]["stage"], "validation");
    assert_eq!(lasts[1]["change"]["record"]["stage"], "pursuit");
    // Trimmed up to the cursor: a consumer still at 0 is told to resynchronise.
    assert_eq!(
        line(&out, "trimmed: "),
        "the log starts at 29; a consumer at 0: 404 the change log no longer holds entry 0: \
         entries before 29 were trimmed; resynchronise from the data (export or a snapshot), \
         then follow the log from 29"
    );
}
