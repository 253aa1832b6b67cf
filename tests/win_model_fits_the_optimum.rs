//! The win model (§9.2) is the unique minimiser of its regularised objective: its
//! gradient is zero at the fitted coefficients; hand-solved training sets give the
//! coefficients expected; a feature without variance gets β = 0; with too little
//! history there is no model; and the report, the queries and the project analysis
//! agree on features, model and probabilities.

use guanxi::analysis::{
    project_analysis, training_set, win_model, win_probability, Named, Params, Report, TrainingRow,
    WinFeatures, WinModel,
};
use guanxi::graph::Snapshot;
use guanxi::model::{Day, ProjectId, Stage};
use guanxi::synth::{self, Preset, Rng};
use proptest::prelude::*;

fn row(won: bool, f: [f64; WinFeatures::COUNT]) -> TrainingRow<'static> {
    TrainingRow {
        project: Named::new(ProjectId(0), "x"),
        won,
        features: WinFeatures::from_array(f),
    }
}

fn sigmoid(m: f64) -> f64 {
    1.0 / (1.0 + (-m).exp())
}

/// The gradient of the objective at the fitted model, recomputed from its means, sds
/// and coefficients: `Σ (p − t)·(1, z)` plus `reg·β` on the coefficients.
fn gradient(model: &WinModel, rows: &[TrainingRow<'_>], reg: f64) -> [f64; 6] {
    let b = model.coefficients.to_array();
    let mut g = [0.0; 6];
    for r in rows {
        let z = model.standardise(&r.features).to_array();
        let m = model.intercept + b.iter().zip(&z).map(|(b, z)| b * z).sum::<f64>();
        let residual = sigmoid(m) - if r.won { 1.0 } else { 0.0 };
        g[0] += residual;
        for f in 0..WinFeatures::COUNT {
            g[f + 1] += residual * z[f];
        }
    }
    for f in 0..WinFeatures::COUNT {
        g[f + 1] += reg * b[f];
    }
    g
}

#[test]
fn a_symmetric_history_has_no_intercept_and_the_hand_solved_coefficient() {
    // 10 won with consensus +1 and 10 lost with −1; readiness 0.5 everywhere.
    // z = ±1 (mean 0, population sd 1); by symmetry β₀ = 0, and β solves
    // d/dβ [20·ln(1 + e^−β) + β²/2] = 0, i.e. β = 20 / (1 + e^β).
    let mut rows = Vec::new();
    for _ in 0..10 {
        rows.push(row(true, [1.0, 0.5, 0.0, 0.0, 0.0]));
        rows.push(row(false, [-1.0, 0.5, 0.0, 0.0, 0.0]));
    }
    let model = WinModel::fit(&rows, &Params::default()).expect("10 won and 10 lost");
    let (mut lo, mut hi) = (0.0f64, 20.0f64);
    for _ in 0..200 {
        let mid = f64::midpoint(lo, hi);
        if mid - 20.0 / (1.0 + mid.exp()) > 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    assert!(model.intercept.abs() < 1e-12, "{}", model.intercept);
    assert!((model.coefficients.consensus - lo).abs() < 1e-10);
    assert!(
        (lo - 2.128).abs() < 1e-3,
        "β = 20 / (1 + e^β) near 2.128: {lo}"
    );
    assert_eq!((model.won, model.lost), (10, 10));
    assert!(model.means.consensus.abs() < 1e-15);
    assert!((model.sds.consensus - 1.0).abs() < 1e-15);
    // Readiness is constant: mean 0.5, sd 0, z = 0 and β = 0.
    assert!((model.means.readiness - 0.5).abs() < 1e-15);
    assert!(model.sds.readiness.abs() < 1e-15);
    assert!(model.coefficients.readiness.abs() < f64::MIN_POSITIVE);
    // A project in the middle is a coin toss; one like the won ones is likely won.
    let mid = model.explain(&WinFeatures::from_array([0.0, 0.9, 0.0, 0.0, 0.0]));
    assert!((mid.probability - 0.5).abs() < 1e-12);
    assert!(mid.z.readiness.abs() < f64::MIN_POSITIVE);
    let like_won = model.explain(&WinFeatures::from_array([1.0, 0.5, 0.0, 0.0, 0.0]));
    assert!((like_won.probability - sigmoid(lo)).abs() < 1e-10);
    assert!((like_won.contributions.consensus - lo).abs() < 1e-10);
}

#[test]
fn without_any_variance_the_intercept_is_the_log_odds_of_the_history() {
    // Every feature constant: every β is 0 and the unpenalised intercept makes the
    // predicted rate the observed one, σ(β₀) = 12/22, i.e. β₀ = ln(12/10).
    let mut rows: Vec<_> = (0..12)
        .map(|_| row(true, [0.3, 1.0, 0.1, 2.0, 0.2]))
        .collect();
    rows.extend((0..10).map(|_| row(false, [0.3, 1.0, 0.1, 2.0, 0.2])));
    let model = WinModel::fit(&rows, &Params::default()).unwrap();
    assert!((model.intercept - (1.2f64).ln()).abs() < 1e-12);
    assert_eq!(model.coefficients, WinFeatures::default());
    // The mean of 22 equal values is that value to rounding; the sd is rounding only,
    // far below the 1e-12 under which a feature carries no information.
    let want = [0.3, 1.0, 0.1, 2.0, 0.2];
    for ((m, w), sd) in model
        .means
        .to_array()
        .iter()
        .zip(want)
        .zip(model.sds.to_array())
    {
        assert!((m - w).abs() < 1e-15 && sd < 1e-15, "mean {m}, sd {sd}");
    }
    // The JSON lists the features in the model's order, not by name.
    let json = serde_json::to_string(&model).unwrap();
    let keys = [
        "\"consensus\"",
        "\"readiness\"",
        "\"lead\"",
        "\"veto\"",
        "\"coach\"",
    ];
    let at: Vec<usize> = keys.iter().map(|k| json.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{json}");
    assert!(
        json.starts_with(r#"{"won":12,"lost":10,"intercept":"#),
        "{json}"
    );
}

#[test]
fn too_little_history_gives_no_model() {
    let mk = |won: usize, lost: usize| {
        let mut rows: Vec<_> = (0..won)
            .map(|i| row(true, [i as f64, 0.0, 0.0, 0.0, 0.0]))
            .collect();
        rows.extend((0..lost).map(|i| row(false, [-(i as f64), 0.0, 0.0, 0.0, 0.0])));
        rows
    };
    let p = Params::default();
    assert!(WinModel::fit(&mk(9, 10), &p).is_none());
    assert!(WinModel::fit(&mk(10, 9), &p).is_none());
    assert!(WinModel::fit(&mk(10, 10), &p).is_some());
    assert!(WinModel::fit(&[], &p).is_none());
    let one = Params {
        min_closed: 1,
        ..Params::default()
    };
    assert!(WinModel::fit(&mk(1, 1), &one).is_some());
    assert!(WinModel::fit(&mk(3, 0), &one).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_gradient_is_zero_at_the_fitted_model(
        seed in any::<u64>(),
        won in 10usize..30,
        lost in 10usize..30,
        constant in 0usize..32,
        reg in 0.01f64..10.0,
    ) {
        let mut rng = Rng::new(seed);
        let mut rows = Vec::new();
        for i in 0..won + lost {
            let f: [f64; WinFeatures::COUNT] = std::array::from_fn(|f| {
                // Bit f of `constant` makes feature f constant.
                if constant >> f & 1 == 1 { 0.25 } else if f == 3 { rng.below(3) as f64 } else { rng.unit() * 2.0 - 1.0 }
            });
            rows.push(row(i < won, f));
        }
        let params = Params { win_regularisation: reg, ..Params::default() };
        let model = WinModel::fit(&rows, &params).unwrap();
        let g = gradient(&model, &rows, reg);
        for (i, gi) in g.iter().enumerate() {
            prop_assert!(gi.abs() < 1e-8, "gradient[{i}] = {gi}");
        }
        let sds = model.sds.to_array();
        for (f, b) in model.coefficients.to_array().iter().enumerate() {
            if constant >> f & 1 == 1 {
                prop_assert!(sds[f] < 1e-12);
                prop_assert_eq!(b.to_bits(), 0f64.to_bits());
            }
        }
        // The explanation adds up to the probability.
        let e = model.explain(&rows[0].features);
        let log_odds = e.intercept + e.contributions.to_array().iter().sum::<f64>();
        prop_assert!((e.probability - sigmoid(log_odds)).abs() < 1e-12);
    }
}

fn as_of() -> Day {
    "2025-06-30".parse().unwrap()
}

#[test]
fn report_queries_and_project_analysis_agree_on_the_model() {
    let net = synth::generate(Preset::Small, 11);
    let snap = Snapshot::from_network(&net);
    let params = Params::default();
    let history = training_set(&snap, &params, as_of());
    let won = history.iter().filter(|r| r.won).count();
    assert!(
        won >= 10 && history.len() - won >= 10,
        "the small preset has a history to learn from"
    );
    let model = win_model(&snap, &params, as_of()).expect("a model");
    let report = Report::compute(&snap, &params, as_of());
    assert_eq!(report.win_model.as_ref(), Some(&model));
    for r in &history {
        let pa = project_analysis(&snap, r.project.id, &params, as_of()).unwrap();
        assert_eq!(pa.features, r.features);
    }
    let mut open = 0;
    for row in &report.projects {
        let x = snap.project_by_xid(&row.id).unwrap();
        let explained = win_probability(&snap, x, &model, &params, as_of()).unwrap();
        match snap.project_stage(x) {
            Stage::Won | Stage::Lost => {
                assert_eq!(row.win_probability, None);
                assert!(explained.is_none());
            }
            _ => {
                open += 1;
                let p = row.win_probability.expect("an open project");
                assert_eq!(Some(p), explained.map(|e| e.probability));
                assert!(p > 0.0 && p < 1.0);
            }
        }
    }
    assert!(open > 0);
    // Without enough history: no model, no probability.
    let strict = Params {
        min_closed: 1000,
        ..Params::default()
    };
    let report = Report::compute(&snap, &strict, as_of());
    assert!(report.win_model.is_none());
    assert!(report.projects.iter().all(|p| p.win_probability.is_none()));
}
