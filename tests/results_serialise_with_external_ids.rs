//! Every query result serialises with external ids and the CSV's names of the
//! vocabularies: on the worked example, the JSON of each query holds the numbers, lists
//! and ids of the reference report (§6, computed independently) — and those of our own
//! report to the last bit. Types that can be read back round-trip through JSON.

use guanxi::analysis::{
    account_figures, employee_figures, person_figures, project_analysis, strongest_paths, Check,
    Params, Report, RoleWeights,
};
use guanxi::graph::Snapshot;
use guanxi::model::{AccountKind, Day, Role, Stage};
use serde_json::{json, Value};
use std::path::PathBuf;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn as_of() -> Day {
    "2025-06-30".parse().unwrap()
}

fn reference() -> Value {
    let text = std::fs::read_to_string(data().join("tiny-report-2025-06-30.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `got` equals `want`: numbers within `TOLERANCE` (0: to the bit), everything else
/// exactly.
fn same(path: &str, got: &Value, want: &Value) {
    let tolerance = TOLERANCE.with(std::cell::Cell::get);
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!(
                (g - w).abs() <= tolerance,
                "{path}: got {g}, want {w} (tolerance {tolerance})"
            );
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{path}: {got} vs {want}");
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                same(&format!("{path}[{i}]"), g, w);
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            assert_eq!(
                g.keys().collect::<Vec<_>>(),
                w.keys().collect::<Vec<_>>(),
                "{path}"
            );
            for (k, w) in w {
                same(&format!("{path}.{k}"), &g[k], w);
            }
        }
        _ => assert_eq!(got, want, "{path}"),
    }
}

thread_local! {
    static TOLERANCE: std::cell::Cell<f64> = const { std::cell::Cell::new(1e-6) };
}

#[test]
fn query_results_carry_the_reference_report_s_ids_and_figures() {
    let net = guanxi::io::read_csv_dir(&data().join("tiny")).unwrap();
    let snap = Snapshot::from_network(&net);
    compare_queries_with(&snap, &reference());
}

#[test]
fn query_results_equal_our_report_to_the_bit() {
    let net = guanxi::io::read_csv_dir(&data().join("tiny")).unwrap();
    let snap = Snapshot::from_network(&net);
    let report = Report::compute(&snap, &Params::default(), as_of());
    TOLERANCE.with(|t| t.set(0.0));
    compare_queries_with(&snap, &serde_json::from_str(&report.to_json()).unwrap());
}

/// Asks every query about every node of `want` (a §6 report) and compares.
fn compare_queries_with(snap: &Snapshot, want: &Value) {
    let params = Params::default();
    let rows = |section: &str| want[section].as_array().unwrap().clone();

    for row in rows("persons") {
        let id = row["id"].as_str().unwrap();
        let p = snap.person_by_xid(id).unwrap();
        let got = serde_json::to_value(person_figures(snap, p, &params, as_of()).unwrap()).unwrap();
        assert_eq!(got["person"], id);
        same(id, &got["closeness"], &row["closeness"]);
        same(id, &got["influence"], &row["influence"]);
    }
    for row in rows("accounts") {
        let id = row["id"].as_str().unwrap();
        let a = snap.account_by_xid(id).unwrap();
        let got =
            serde_json::to_value(account_figures(snap, a, &params, as_of()).unwrap()).unwrap();
        let kind = snap.account_kind(a).as_str();
        assert_eq!((&got["account"], &got["kind"]), (&json!(id), &json!(kind)));
        for field in ["strength", "rivals", "advantage", "pipeline"] {
            same(&format!("{id}.{field}"), &got[field], &row[field]);
        }
        // The influence of each person of the account, by external id, is the report's.
        for (person, pi) in got["influence"].as_object().unwrap() {
            let report_row = rows("persons")
                .into_iter()
                .find(|r| r["id"] == **person)
                .unwrap();
            same(person, pi, &report_row["influence"]);
        }
    }
    for row in rows("employees") {
        let id = row["id"].as_str().unwrap();
        let e = snap.employee_by_xid(id).unwrap();
        let got =
            serde_json::to_value(employee_figures(snap, e, &params, as_of()).unwrap()).unwrap();
        assert_eq!(got["employee"], id);
        for field in ["portfolio", "sole_ties", "fit"] {
            same(&format!("{id}.{field}"), &got[field], &row[field]);
        }
    }
    for row in rows("projects") {
        let id = row["id"].as_str().unwrap();
        let x = snap.project_by_xid(id).unwrap();
        let got =
            serde_json::to_value(project_analysis(snap, x, &params, as_of()).unwrap()).unwrap();
        assert_eq!(
            (&got["project"], &got["stage"]),
            (&json!(id), &row["stage"])
        );
        same(
            id,
            &got["completeness"]["completeness"],
            &row["completeness"],
        );
        same(id, &got["completeness"]["gaps"], &row["gaps"]);
        same(id, &got["opinion"]["consensus"], &row["consensus"]);
        same(id, &got["opinion"]["veto_risk"], &row["veto_risk"]);
        let coaches: Vec<Value> = got["coaches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| json!({ "id": c["person"], "score": c["score"] }))
            .collect();
        same(id, &json!(coaches), &row["coaches"]);
        match got["competition"].as_object() {
            Some(c) => {
                same(id, &c["ours"], &row["chain_closeness"]);
                same(id, &c["rivals"], &row["chain_rivals"]);
            }
            None => assert!(row["chain_closeness"].is_null(), "{id}"),
        }
    }
    // A path names its employee and hops by external id.
    let target = snap.person_ids().next().unwrap();
    for path in strongest_paths(snap, target, 5, &params, as_of()).unwrap() {
        let got = serde_json::to_value(&path).unwrap();
        assert_eq!(got["employee"], path.employee.xid.as_ref());
        assert_eq!(
            got["persons"].as_array().unwrap().last().unwrap(),
            snap.person_xid(target)
        );
    }
}

#[test]
fn vocabularies_serialise_as_their_csv_and_report_names_and_read_back() {
    fn check<T>(values: &[T], name: impl Fn(&T) -> &'static str)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for v in values {
            let text = serde_json::to_string(v).unwrap();
            assert_eq!(text, format!("\"{}\"", name(v)));
            assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), v);
        }
    }
    check(Role::ALL, |r| r.as_str());
    check(Stage::ALL, |s| s.as_str());
    check(AccountKind::ALL, |k| k.as_str());
    check(&Check::ALL, |c| c.id());
    assert_eq!(
        serde_json::to_string(&Role::DecisionMaker).unwrap(),
        "\"decision_maker\""
    );
    assert!(serde_json::from_str::<Role>("\"DecisionMaker\"").is_err());
}

#[test]
fn params_round_trip_and_a_partial_configuration_takes_the_defaults() {
    let params = Params {
        half_life: 90.0,
        coach_k: 7,
        role_weights: RoleWeights {
            user: 0.1,
            ..RoleWeights::default()
        },
        ..Params::default()
    };
    let text = serde_json::to_string(&params).unwrap();
    assert_eq!(serde_json::from_str::<Params>(&text).unwrap(), params);
    let partial: Params =
        serde_json::from_str(r#"{"half_life": 90, "role_weights": {"user": 0.1}}"#).unwrap();
    assert_eq!(
        partial,
        Params {
            coach_k: 3,
            ..params
        }
    );
    let typo = serde_json::from_str::<Params>(r#"{"half_lfe": 90}"#).unwrap_err();
    assert!(typo.to_string().contains("half_lfe"), "{typo}");
}

#[test]
fn the_report_round_trips_through_json() {
    let net = guanxi::io::read_csv_dir(&data().join("tiny")).unwrap();
    let report = Report::compute(&Snapshot::from_network(&net), &Params::default(), as_of());
    let back: Report = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(back, report);
}
