//! §9.2 — a win probability learned from our own history.
//!
//! Each project is described by five **features**, computed by the analyses at `as_of`:
//!
//! | feature | what |
//! |---|---|
//! | `consensus` | 4.6's consensus (0 when there is none) |
//! | `readiness` | the share of the nine checks of 4.7 the project passes, whatever its stage (its completeness were it in pursuit) |
//! | `lead` | our chain closeness minus the largest competitor's (4.13; 0 for an empty chain, nothing subtracted without competitors) |
//! | `veto` | the number of veto risks (4.6) |
//! | `coach` | the best coach candidate's score (4.9; 0 without one) |
//!
//! The training set is every `won` (y = +1) and `lost` (y = −1) project. With fewer
//! than `min_closed` (10) of either there is no model. Otherwise each feature is
//! standardised over the training set, `z = (f − mean) / sd` with the population
//! standard deviation (a feature whose sd is below 1e-12 gets `z = 0` and `β = 0`; its
//! mean and sd are still reported), and the model is the L2-regularised logistic
//! regression that minimises
//!
//! ```text
//! Σ_i ln(1 + exp(−y_i·(β₀ + β·z_i))) + (win_regularisation / 2)·|β|²
//! ```
//!
//! (β₀ is not penalised). The objective is strictly convex, so it has one minimiser;
//! Newton's method finds it from β = 0, stopping when the largest component of a full
//! step is below 1e-10. A step is halved while it would clearly raise the objective
//! (never near the optimum, where Newton converges quadratically), so the method
//! converges from any start. The system is at most 6 × 6 and solved by Gaussian
//! elimination with partial pivoting.
//!
//! The win probability of an open project is `1 / (1 + exp(−(β₀ + β·z)))`; its
//! explanation is each feature's contribution `β·z` to the log-odds.

use super::{coach, competition, completeness, opinion, sorted_by_xid, Ctx, Named, Params};
use super::{ChainCompetition, CoachCandidate, Opinion};
use crate::graph::{Graph, Snapshot};
use crate::model::{NodeKind, ProjectId, Stage};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A feature whose standard deviation over the training set is below this carries no
/// information: `z = 0` and `β = 0`.
pub const MIN_SD: f64 = 1e-12;

/// Newton's method stops when the largest component of a full step is below this.
pub const NEWTON_TOL: f64 = 1e-10;

/// Rounds after which Newton's method gives up (never reached with a positive
/// regularisation: it converges in about ten).
const MAX_NEWTON_ROUNDS: usize = 500;

/// One value per feature of the win model, in its fixed order: a project's features,
/// or the model's coefficients, means or standard deviations. Serialises as an object
/// with the features' names as keys, in that order.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct WinFeatures {
    /// 4.6's consensus (0 when there is none).
    pub consensus: f64,
    /// The share of the nine checks of 4.7 that pass, whatever the stage.
    pub readiness: f64,
    /// Our chain closeness minus the best competitor's (4.13).
    pub lead: f64,
    /// The number of veto risks (4.6).
    pub veto: f64,
    /// The best coach score (4.9).
    pub coach: f64,
}

impl WinFeatures {
    /// The number of features.
    pub const COUNT: usize = 5;

    /// The features' names, in order.
    pub const NAMES: [&'static str; Self::COUNT] =
        ["consensus", "readiness", "lead", "veto", "coach"];

    /// The values in the order of [`WinFeatures::NAMES`].
    pub fn to_array(self) -> [f64; Self::COUNT] {
        [
            self.consensus,
            self.readiness,
            self.lead,
            self.veto,
            self.coach,
        ]
    }

    /// The features from values in the order of [`WinFeatures::NAMES`].
    pub fn from_array(v: [f64; Self::COUNT]) -> Self {
        WinFeatures {
            consensus: v[0],
            readiness: v[1],
            lead: v[2],
            veto: v[3],
            coach: v[4],
        }
    }
}

/// A closed project of the training set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingRow<'s> {
    /// The project.
    pub project: Named<'s, ProjectId>,
    /// `true` for a won project, `false` for a lost one.
    pub won: bool,
    /// Its features at the analysis date.
    pub features: WinFeatures,
}

/// The fitted win model (§9.2). Serialises as the report's `win_model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinModel {
    /// Won projects in the training set.
    pub won: usize,
    /// Lost projects in the training set.
    pub lost: usize,
    /// β₀.
    pub intercept: f64,
    /// β by feature (0 for a feature without variance).
    pub coefficients: WinFeatures,
    /// Mean of each feature over the training set.
    pub means: WinFeatures,
    /// Population standard deviation of each feature over the training set.
    pub sds: WinFeatures,
}

/// Why a project's win probability is what it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WinExplanation {
    /// `1 / (1 + exp(−(β₀ + β·z)))`.
    pub probability: f64,
    /// β₀: the log-odds of an average project.
    pub intercept: f64,
    /// The project's standardised features `z` (0 for a feature without variance).
    pub z: WinFeatures,
    /// Each feature's contribution `β·z` to the log-odds: the log-odds are the
    /// intercept plus their sum.
    pub contributions: WinFeatures,
}

/// `ln(1 + exp(t))` without overflow.
fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

/// `1 / (1 + exp(−m))` without overflow.
fn sigmoid(m: f64) -> f64 {
    if m >= 0.0 {
        1.0 / (1.0 + (-m).exp())
    } else {
        let e = m.exp();
        e / (1.0 + e)
    }
}

impl WinModel {
    /// Fits the model on `history` (§9.2); `None` with fewer than `params.min_closed`
    /// won or lost projects (or none at all).
    pub fn fit(history: &[TrainingRow<'_>], params: &Params) -> Option<WinModel> {
        let won = history.iter().filter(|r| r.won).count();
        let lost = history.len() - won;
        if history.is_empty() || won < params.min_closed || lost < params.min_closed {
            return None;
        }
        let n = history.len() as f64;
        let rows: Vec<[f64; WinFeatures::COUNT]> =
            history.iter().map(|r| r.features.to_array()).collect();
        let mut means = [0.0; WinFeatures::COUNT];
        let mut sds = [0.0; WinFeatures::COUNT];
        for f in 0..WinFeatures::COUNT {
            means[f] = rows.iter().map(|r| r[f]).sum::<f64>() / n;
            sds[f] = (rows.iter().map(|r| (r[f] - means[f]).powi(2)).sum::<f64>() / n).sqrt();
        }
        let used: Vec<usize> = (0..WinFeatures::COUNT)
            .filter(|&f| sds[f] >= MIN_SD)
            .collect();
        // Design rows: 1 for the intercept, then the used features' z.
        let design: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| {
                std::iter::once(1.0)
                    .chain(used.iter().map(|&f| (r[f] - means[f]) / sds[f]))
                    .collect()
            })
            .collect();
        let labels: Vec<bool> = history.iter().map(|r| r.won).collect();
        let beta = newton(&design, &labels, params.win_regularisation);
        let mut coefficients = [0.0; WinFeatures::COUNT];
        for (i, &f) in used.iter().enumerate() {
            coefficients[f] = beta[i + 1];
        }
        Some(WinModel {
            won,
            lost,
            intercept: beta[0],
            coefficients: WinFeatures::from_array(coefficients),
            means: WinFeatures::from_array(means),
            sds: WinFeatures::from_array(sds),
        })
    }

    /// The standardised features `z` of `features` (0 for a feature without variance).
    pub fn standardise(&self, features: &WinFeatures) -> WinFeatures {
        let (f, m, s) = (
            features.to_array(),
            self.means.to_array(),
            self.sds.to_array(),
        );
        WinFeatures::from_array(std::array::from_fn(|i| {
            if s[i] >= MIN_SD {
                (f[i] - m[i]) / s[i]
            } else {
                0.0
            }
        }))
    }

    /// The win probability of a project with `features`, and each feature's part in it.
    pub fn explain(&self, features: &WinFeatures) -> WinExplanation {
        let z = self.standardise(features);
        let (zs, b) = (z.to_array(), self.coefficients.to_array());
        let contributions: [f64; WinFeatures::COUNT] = std::array::from_fn(|i| b[i] * zs[i]);
        let log_odds = contributions.iter().fold(self.intercept, |sum, c| sum + c);
        WinExplanation {
            probability: sigmoid(log_odds),
            intercept: self.intercept,
            z,
            contributions: WinFeatures::from_array(contributions),
        }
    }
}

/// The regularised objective at `beta` (β₀ first, unpenalised).
fn objective(design: &[Vec<f64>], labels: &[bool], reg: f64, beta: &[f64]) -> f64 {
    let loss: f64 = design
        .iter()
        .zip(labels)
        .map(|(z, &won)| {
            let m: f64 = z.iter().zip(beta).map(|(a, b)| a * b).sum();
            softplus(if won { -m } else { m })
        })
        .sum();
    loss + reg / 2.0 * beta[1..].iter().map(|b| b * b).sum::<f64>()
}

/// Newton's method from 0 with step halving (see the module documentation).
fn newton(design: &[Vec<f64>], labels: &[bool], reg: f64) -> Vec<f64> {
    let k = design.first().map_or(1, Vec::len);
    let mut beta = vec![0.0; k];
    let mut f = objective(design, labels, reg, &beta);
    for _ in 0..MAX_NEWTON_ROUNDS {
        let mut grad = vec![0.0; k];
        let mut hess = vec![vec![0.0; k]; k];
        for (z, &won) in design.iter().zip(labels) {
            let m: f64 = z.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = sigmoid(m);
            let residual = p - if won { 1.0 } else { 0.0 };
            let curvature = p * (1.0 - p);
            for i in 0..k {
                grad[i] += residual * z[i];
                for j in 0..k {
                    hess[i][j] += curvature * z[i] * z[j];
                }
            }
        }
        for i in 1..k {
            grad[i] += reg * beta[i];
            hess[i][i] += reg;
        }
        let Some(step) = solve(hess, grad.iter().map(|g| -g).collect()) else {
            break;
        };
        let largest = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        let (mut t, mut halvings) = (1.0, 0);
        loop {
            let next: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
            let fnext = objective(design, labels, reg, &next);
            if fnext <= f + 1e-12 * f.abs().max(1.0) || halvings >= 20 {
                beta = next;
                f = fnext;
                break;
            }
            t /= 2.0;
            halvings += 1;
        }
        if halvings == 0 && largest < NEWTON_TOL {
            break;
        }
    }
    beta
}

/// Solves `a·x = b` by Gaussian elimination with partial pivoting; `None` if `a` is
/// singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < f64::MIN_POSITIVE || !a[pivot][col].is_finite() {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (done, rest) = a.split_at_mut(col + 1);
        let pivot_row = &done[col];
        for (offset, row) in rest.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            if factor != 0.0 {
                for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= factor * p;
                }
                b[col + 1 + offset] -= factor * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

/// The features of a project from its analyses at one date (see the module
/// documentation).
pub(crate) fn features(
    opinion: &Opinion<'_>,
    readiness: f64,
    competition: Option<&ChainCompetition<'_>>,
    coaches: &[CoachCandidate<'_>],
) -> WinFeatures {
    WinFeatures {
        consensus: opinion.consensus.unwrap_or(0.0),
        readiness,
        lead: competition.map_or(0.0, |c| {
            c.ours - c.rivals.values().fold(0.0f64, |m, &v| m.max(v))
        }),
        veto: opinion.veto_risk.len() as f64,
        coach: coaches.first().map_or(0.0, |c| c.score),
    }
}

/// The features of project `x`, computing only what they need (no levers).
pub(crate) fn project_features<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, x: ProjectId) -> WinFeatures {
    let opinion = opinion::project_opinion(ctx, x);
    let readiness = completeness::readiness(ctx, x);
    let competition = competition::chain_competition(ctx, x);
    let coaches = coach::coach_candidates(ctx, x);
    features(&opinion, readiness, competition.as_ref(), &coaches)
}

/// The training set: every won and lost project with its features, by external id.
pub(crate) fn training_set<'s>(ctx: &Ctx<'s, &'s Snapshot>) -> Vec<TrainingRow<'s>> {
    let snapshot = ctx.graph;
    sorted_by_xid(snapshot, NodeKind::Project)
        .into_par_iter()
        .filter_map(|i| {
            let x = ProjectId(i);
            let won = match snapshot.project_stage(x) {
                Stage::Won => true,
                Stage::Lost => false,
                _ => return None,
            };
            Some(TrainingRow {
                project: Named::project(snapshot, x),
                won,
                features: project_features(ctx, x),
            })
        })
        .collect()
}
