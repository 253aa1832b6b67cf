//! The worked examples: each network's report must reproduce every number of its
//! reference report to 1e-9 (`relationship_asset` relatively), and every list, id and
//! null exactly, keys in the same order.
//!
//! * `tiny` — a network without dated records; its reference report predates the
//!   fields of §8 and §9, so only the keys it has are compared.
//! * `tiny-time` — interactions, employment periods and a departed employee, at
//!   2025-06-30: every field of §4, §8 and §9.
//!
//! The JSON objects keep their keys in document order (the tests' JSON maps preserve
//! order), so a key in the wrong place is a difference.

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use serde_json::Value;
use std::path::PathBuf;

/// The vendored worked examples.
fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Which keys of the reference report take part.
#[derive(Clone, Copy)]
enum Keys {
    /// Only those the reference has; ours may have more (in between).
    Subset,
    /// Every key, in the same order on both sides.
    All,
}

/// Compares two JSON values: numbers within 1e-9 (relative for `relationship_asset`),
/// everything else exactly, object keys in the same order.
fn compare(path: &str, got: &Value, want: &Value, keys: Keys, errors: &mut Vec<String>) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            let tol = if path.ends_with("relationship_asset") {
                1e-9 * w.abs().max(1.0)
            } else {
                1e-9
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
                compare(&format!("{path}[{i}]"), g, w, keys, errors);
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            let wk: Vec<&String> = w.keys().collect();
            let gk: Vec<&String> = match keys {
                Keys::Subset => g.keys().filter(|k| w.contains_key(*k)).collect(),
                Keys::All => g.keys().collect(),
            };
            if gk != wk {
                errors.push(format!("{path}: keys {gk:?}, want {wk:?}"));
                return;
            }
            for k in wk {
                compare(&format!("{path}.{k}"), &g[k], &w[k], keys, errors);
            }
        }
        _ => {
            if got != want {
                errors.push(format!("{path}: got {got}, want {want}"));
            }
        }
    }
}

/// The differences between our report of example `name` at 2025-06-30 and its
/// reference.
fn differences(name: &str, keys: Keys) -> Vec<String> {
    let dir = examples();
    let net = guanxi::io::read_csv_dir(&dir.join(name)).expect("the example imports");
    assert_eq!(net.validate(), Ok(()));
    let snap = Snapshot::from_network(&net);
    let report = Report::compute(&snap, &Params::default(), "2025-06-30".parse().unwrap());
    let got: Value = serde_json::from_str(&report.to_json()).unwrap();
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}-report-2025-06-30.json"))).unwrap(),
    )
    .unwrap();
    let mut errors = Vec::new();
    compare("", &got, &want, keys, &mut errors);
    errors
}

/// Asserts that our report of example `name` matches its reference on `keys`, listing
/// every difference if not.
fn assert_matches_reference(name: &str, keys: Keys) {
    let errors = differences(name, keys);
    assert!(
        errors.is_empty(),
        "{} differences:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn tiny_report_matches_the_reference() {
    assert_matches_reference("tiny", Keys::Subset);
}

#[test]
fn tiny_time_report_matches_the_reference_in_every_field() {
    assert_matches_reference("tiny-time", Keys::All);
}
