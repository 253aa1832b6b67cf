//! The worked example: the tiny network's report must reproduce every number
//! of `tiny-report-2025-06-30.json` to 1e-6, and every list and id exactly.
//!
//! That report holds the fields of sections 4–6 as they were before sections 8 and 9:
//! it is compared on its own keys (in their order), and the fields added since are not
//! part of it.

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use serde_json::Value;
use std::path::PathBuf;

/// The vendored worked examples: `tests/data/tiny` and its reference report.
fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Compares two JSON values: numbers within `tol` (relative for `relationship_asset`),
/// everything else exactly, object keys in the same order — with `subset`, only the keys
/// `want` has (in its order) and `got` may have more.
fn compare(path: &str, got: &Value, want: &Value, subset: bool, errors: &mut Vec<String>) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            let tol = if path.ends_with("relationship_asset") {
                1e-9 * w.abs().max(1.0)
            } else {
                1e-6
            };
            if (g - w).abs() > tol {
                errors.push(format!("{path}: got {g}, want {w}"));
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            if g.len() != w.len() {
                errors.push(format!(
                    "{path}: got {} items, want {}: {got} vs {want}",
                    g.len(),
                    w.len()
                ));
                return;
            }
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                compare(&format!("{path}[{i}]"), g, w, subset, errors);
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            let gk: Vec<&String> = g.keys().filter(|k| !subset || w.contains_key(*k)).collect();
            let wk: Vec<&String> = w.keys().collect();
            if gk != wk {
                errors.push(format!("{path}: keys {gk:?}, want {wk:?}"));
                return;
            }
            for (k, wv) in w {
                compare(&format!("{path}.{k}"), &g[k], wv, subset, errors);
            }
        }
        _ => {
            if got != want {
                errors.push(format!("{path}: got {got}, want {want}"));
            }
        }
    }
}

#[test]
fn tiny_report_matches_the_reference_to_1e_6() {
    let dir = examples();
    let net = guanxi::io::read_csv_dir(&dir.join("tiny")).expect("the tiny example imports");
    assert_eq!(net.validate(), Ok(()));
    let snap = Snapshot::from_network(&net);
    let report = Report::compute(&snap, &Params::default(), "2025-06-30".parse().unwrap());
    let got: Value = serde_json::from_str(&report.to_json()).unwrap();
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("tiny-report-2025-06-30.json")).unwrap(),
    )
    .unwrap();
    let mut errors = Vec::new();
    compare("", &got, &want, true, &mut errors);
    assert!(
        errors.is_empty(),
        "{} differences:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
