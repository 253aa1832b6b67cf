//! §6 — the machine-readable report.
//!
//! [`Report::compute`] runs every analysis on every node and gathers the figures the
//! spec's JSON carries; [`Report::to_json`] serialises it with serde, field order and
//! names exactly as in §6:
//!
//! ```text
//! { "as_of", "persons": [{id, closeness, influence, trend, past_solution, past_price}],
//!   "accounts": [{id, strength, rivals: {competitor: strength}, advantage, pipeline,
//!                 trend, best_owner, protection, claim}],
//!   "projects": [{id, stage, completeness, gaps: [{check, persons}], consensus,
//!                 veto_risk, coaches: [{id, score}], chain_closeness, chain_rivals,
//!                 left, levers, win_probability}],
//!   "employees": [{id, portfolio, `sole_ties`, fit: {account: fit}, data_quality}],
//!   "departed": [{id, left, orphans}],
//!   "win_model": {won, lost, intercept, coefficients, means, sds} | null,
//!   "relationship_asset" }
//! ```
//!
//! Every figure is at `as_of` (§8): the ties of that day, who worked where, who was
//! gone. `employees` lists the employees still with us, `departed` the others; trends
//! compare with `as_of − trend_days`. The §9 fields come from the same pass: each
//! account's reach (who has ties with its persons) gives its best owner, protection and
//! claim; the project rows give the win model's training set, so the model is fitted
//! after them and fills in the open projects' win probabilities.
//!
//! Ids are external ids. Top-level lists and lists of ids are sorted by id (Rust
//! `String` order = Unicode code-point order); coaches by score descending, then id;
//! gaps in the 4.7 table order; maps are `BTreeMap`s, so their keys are sorted too.
//! Numbers are `f64` (serde prints `438000.0`); `null` marks the completeness of a lost
//! project, the consensus and chain closeness of an empty chain, and an attitude memory
//! with no known value.
//!
//! Parallelism: the per-tie, per-person and per-account arrays, then projects,
//! accounts and employees, are each mapped in parallel into vectors; no floating-point
//! reduction crosses threads, so the report is bit-identical with any thread count.

use super::trend::{earlier_day, Earlier};
use super::{asset, departed, employee, memory, project, sorted_by_xid, strength};
use super::{best_owner, claims, data_quality, protection, reach};
use super::{Ctx, Named, Params, Precomputed};
use super::{TrainingRow, WinFeatures, WinModel};
use crate::graph::Snapshot;
use crate::model::{AccountId, Day, EmployeeId, NodeKind, PersonId, ProjectId, Stage};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A person's row: closeness `C` (4.2), influence `π` (4.4), trend (§8.4) and attitude
/// memory (§8.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    /// External id.
    pub id: String,
    /// `C(p)`.
    pub closeness: f64,
    /// `π(p)`.
    pub influence: f64,
    /// `C(p)` now minus `C(p)` `trend_days` earlier.
    pub trend: f64,
    /// Mean known solution acceptance over won and lost projects; `null` if none.
    pub past_solution: Option<f64>,
    /// Mean known price acceptance over won and lost projects; `null` if none.
    pub past_price: Option<f64>,
}

/// An account's row (4.5, 4.12).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    /// External id.
    pub id: String,
    /// `A(a)`.
    pub strength: f64,
    /// `A_k(a)` by competitor external id.
    pub rivals: BTreeMap<String, f64>,
    /// `A(a) − max_k A_k(a)`.
    pub advantage: f64,
    /// Open pipeline.
    pub pipeline: f64,
    /// `A(a)` now minus `A(a)` `trend_days` earlier.
    pub trend: f64,
    /// The best-placed owner of a client account (9.5); `null` if nobody has a fit
    /// above 0, and for competitors and partners.
    pub best_owner: Option<BestOwnerRow>,
    /// The protection of an account with a direct owner still with us (9.4).
    pub protection: Option<ProtectionRow>,
    /// The claim on an account with two or more claimants (9.3).
    pub claim: Option<ClaimRow>,
}

/// The best owner of a client account (9.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestOwnerRow {
    /// Employee external id.
    pub id: String,
    /// Its fit.
    pub fit: f64,
}

/// The protection of an account (9.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionRow {
    /// The direct owners' latest contact with the account's persons, `YYYY-MM-DD`;
    /// `null` if none.
    pub last_contact: Option<String>,
    /// Days since then (0 for a later contact); `null` without a contact.
    pub days: Option<i64>,
    /// No contact, or more than `protect_days` days since it.
    pub expired: bool,
}

/// A claim on an account (9.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRow {
    /// The claimant who holds the account.
    pub holder: String,
    /// Every claimant, by id.
    pub claimants: Vec<ClaimantRow>,
}

/// A claimant of an account (9.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimantRow {
    /// Employee external id.
    pub id: String,
    /// `Σ π·c_eff` over the account's persons.
    pub fit: f64,
    /// The earliest interaction with the account's persons, `YYYY-MM-DD`; `null` if none.
    pub first_contact: Option<String>,
    /// The latest last contact with them, `YYYY-MM-DD`; `null` if none.
    pub last_contact: Option<String>,
    /// How many of the account's persons the employee has a tie with.
    pub reached: usize,
}

/// A failed completeness check (4.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapRow {
    /// Check id.
    pub check: String,
    /// External ids of the persons at fault, sorted.
    pub persons: Vec<String>,
}

/// A coach candidate (4.9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachRow {
    /// Person external id.
    pub id: String,
    /// Coach score.
    pub score: f64,
}

/// A lever (9.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeverRow {
    /// Person external id.
    pub id: String,
    /// `∂consensus / ∂s`.
    pub leverage: f64,
    /// The person's stance `s`.
    pub stance: f64,
    /// `leverage · (1 − stance)`.
    pub gain: f64,
    /// The employee with the strongest path to the person; `null` if none.
    pub via: Option<String>,
    /// That path's strength (0 without `via`).
    pub path_strength: f64,
}

/// A project's row (4.6, 4.7, 4.9, 4.13, 9.1, 9.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectRow {
    /// External id.
    pub id: String,
    /// Stage name.
    pub stage: String,
    /// Completeness; `null` for a lost project.
    pub completeness: Option<f64>,
    /// Failed checks in table order.
    pub gaps: Vec<GapRow>,
    /// Consensus; `null` for an empty chain.
    pub consensus: Option<f64>,
    /// Veto risks, sorted.
    pub veto_risk: Vec<String>,
    /// Top coach candidates.
    pub coaches: Vec<CoachRow>,
    /// Our chain closeness; `null` for an empty chain.
    pub chain_closeness: Option<f64>,
    /// Competitors' chain closeness by external id (`{}` for an empty chain).
    pub chain_rivals: BTreeMap<String, f64>,
    /// Chain members who left the project's account, sorted.
    pub left: Vec<String>,
    /// The top levers, by gain descending then id.
    pub levers: Vec<LeverRow>,
    /// The win probability of an open project; `null` without a model and for won and
    /// lost projects.
    pub win_probability: Option<f64>,
}

/// An employee's row (4.10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmployeeRow {
    /// External id.
    pub id: String,
    /// `Σ π·c_eff`.
    pub portfolio: f64,
    /// Persons whose only tie is this employee's, sorted.
    pub sole_ties: Vec<String>,
    /// Fit per directly owned account, by external id.
    pub fit: BTreeMap<String, f64>,
    /// Mean completeness of the employee's open projects (9.6); `null` if none.
    pub data_quality: Option<f64>,
}

/// A gone employee's row (§8.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartedRow {
    /// External id.
    pub id: String,
    /// The day it left, `YYYY-MM-DD`.
    pub left: String,
    /// Persons left with no tie from an employee still with us, sorted.
    pub orphans: Vec<String>,
}

/// The §6 report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The analysis date, `YYYY-MM-DD`.
    pub as_of: String,
    /// Every person, by id.
    pub persons: Vec<PersonRow>,
    /// Every account of every kind, by id.
    pub accounts: Vec<AccountRow>,
    /// Every project, by id.
    pub projects: Vec<ProjectRow>,
    /// Every employee still with us at `as_of`, by id.
    pub employees: Vec<EmployeeRow>,
    /// Every employee gone at `as_of`, by id.
    pub departed: Vec<DepartedRow>,
    /// The win model (9.2); `null` with too few won or lost projects.
    pub win_model: Option<WinModel>,
    /// `Σ_a A(a)·pipeline(a)` (4.12).
    pub relationship_asset: f64,
}

impl Report {
    /// Computes the whole report at `as_of` (in parallel on the current rayon pool),
    /// over the nodes that exist in the snapshot.
    #[allow(clippy::too_many_lines)] // one section per top-level list
    pub fn compute(snapshot: &Snapshot, params: &Params, as_of: Day) -> Report {
        let pre = Precomputed::compute(snapshot, params, as_of);
        let ctx = Ctx::new(snapshot, params, as_of).with_precomputed(&pre);
        let pi = |p: PersonId| pre.influence.get(p.index()).copied().unwrap_or(0.0);
        let c = |p: PersonId| pre.closeness.get(p.index()).copied().unwrap_or(0.0);
        // The earlier date of the trends; nothing to compute when it is today.
        let earlier = (params.trend_days != 0).then(|| {
            Earlier::compute(
                snapshot,
                params,
                &pre,
                earlier_day(as_of, params.trend_days),
            )
        });
        let earlier_c = |p: PersonId| match &earlier {
            Some(e) => e.closeness.get(p.index()).copied().unwrap_or(0.0),
            None => c(p),
        };

        let persons = sorted_by_xid(snapshot, NodeKind::Person)
            .par_iter()
            .map(|&i| {
                let p = PersonId(i);
                let memory = memory::attitude_memory(snapshot, p);
                PersonRow {
                    id: snapshot.person_xid(p).to_owned(),
                    closeness: c(p),
                    influence: pi(p),
                    trend: c(p) - earlier_c(p),
                    past_solution: memory.solution,
                    past_price: memory.price,
                }
            })
            .collect();

        // By account id (holes hold `None`), so that the asset sums in id order.
        let account_figures: Vec<Option<AccountFigures>> = (0
            ..snapshot.id_bound(NodeKind::Account) as u32)
            .into_par_iter()
            .map(|a| {
                let a = AccountId(a);
                snapshot.contains(a).then(|| {
                    (
                        strength::account_strength(snapshot, pre.staffing.persons(a), pi, c),
                        asset::pipeline(snapshot, a),
                        account_strategy(&ctx, a, pi),
                    )
                })
            })
            .collect();
        let relationship_asset = asset::relationship_asset(
            account_figures
                .iter()
                .flatten()
                .map(|(s, pipeline, _)| (s.strength, *pipeline)),
        );
        let accounts = sorted_by_xid(snapshot, NodeKind::Account)
            .into_iter()
            .filter_map(|i| {
                let (s, pipeline, strategy) = account_figures.get(i as usize)?.as_ref()?;
                let before = match &earlier {
                    Some(e) => e.strength.get(i as usize).copied().unwrap_or(0.0),
                    None => s.strength,
                };
                Some(AccountRow {
                    id: snapshot.account_xid(AccountId(i)).to_owned(),
                    strength: s.strength,
                    rivals: s
                        .rivals
                        .iter()
                        .map(|(k, v)| (snapshot.account_xid(*k).to_owned(), *v))
                        .collect(),
                    advantage: s.advantage,
                    pipeline: *pipeline,
                    trend: s.strength - before,
                    best_owner: strategy.0.clone(),
                    protection: strategy.1.clone(),
                    claim: strategy.2.clone(),
                })
            })
            .collect();

        let order = sorted_by_xid(snapshot, NodeKind::Project);
        let (mut projects, features): (Vec<ProjectRow>, Vec<(Stage, WinFeatures)>) = order
            .par_iter()
            .map(|&i| project_row(&ctx, ProjectId(i)))
            .unzip();
        let win_model = win_probabilities(snapshot, params, &order, &features, &mut projects);
        // Completeness by project id, for the employees' data quality.
        let mut completeness = vec![None; snapshot.id_bound(NodeKind::Project)];
        for (&i, row) in order.iter().zip(&projects) {
            completeness[i as usize] = row.completeness;
        }

        let (gone, staying): (Vec<u32>, Vec<u32>) = sorted_by_xid(snapshot, NodeKind::Employee)
            .into_iter()
            .partition(|&i| ctx.gone(EmployeeId(i)));
        let employees = staying
            .par_iter()
            .map(|&i| {
                let figures = employee::employee_figures(&ctx, EmployeeId(i), pi);
                let quality = data_quality::data_quality(&ctx, EmployeeId(i), |x| {
                    completeness
                        .get(x.index())
                        .copied()
                        .flatten()
                        .unwrap_or(0.0)
                });
                EmployeeRow {
                    id: figures.employee.xid.into_owned(),
                    portfolio: figures.portfolio,
                    sole_ties: figures
                        .sole_ties
                        .into_iter()
                        .map(|p| p.xid.into_owned())
                        .collect(),
                    fit: figures
                        .fit
                        .into_iter()
                        .map(|(a, v)| (a.xid.into_owned(), v))
                        .collect(),
                    data_quality: quality.data_quality,
                }
            })
            .collect();
        let departed = gone
            .par_iter()
            .filter_map(|&i| departed::departed(&ctx, EmployeeId(i)))
            .map(|d| DepartedRow {
                id: d.employee.xid.into_owned(),
                left: d.left.to_string(),
                orphans: d.orphans.into_iter().map(|p| p.xid.into_owned()).collect(),
            })
            .collect();

        Report {
            as_of: as_of.to_string(),
            persons,
            accounts,
            projects,
            employees,
            departed,
            win_model,
            relationship_asset,
        }
    }

    /// The report as pretty-printed JSON (§6).
    pub fn to_json(&self) -> String {
        // Serialising plain structs, strings, f64 and BTreeMaps cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// An account's strength, open pipeline and §9 rows.
type AccountFigures = (strength::AccountStrength, f64, AccountStrategy);

/// An account's best owner, protection and claim rows (9.5, 9.4, 9.3).
type AccountStrategy = (
    Option<BestOwnerRow>,
    Option<ProtectionRow>,
    Option<ClaimRow>,
);

/// The §9 rows of account `a`, from one pass over its persons' ties.
fn account_strategy(
    ctx: &Ctx<'_, &Snapshot>,
    a: AccountId,
    pi: impl Fn(PersonId) -> f64,
) -> AccountStrategy {
    let reach = reach::account_reach(ctx, a, pi);
    let day = |d: Option<Day>| d.map(|d| d.to_string());
    let best = best_owner::best_owner(ctx, a, &reach).map(|b| BestOwnerRow {
        id: b.employee.xid.into_owned(),
        fit: b.fit,
    });
    let protection = protection::protection(ctx, a, &reach).map(|p| ProtectionRow {
        last_contact: day(p.last_contact),
        days: p.days,
        expired: p.expired,
    });
    let claim = claims::claim(ctx, a, &reach).map(|c| ClaimRow {
        holder: c.holder.xid.into_owned(),
        claimants: c
            .claimants
            .into_iter()
            .map(|m| ClaimantRow {
                id: m.employee.xid.into_owned(),
                fit: m.fit,
                first_contact: day(m.first_contact),
                last_contact: day(m.last_contact),
                reached: m.reached,
            })
            .collect(),
    });
    (best, protection, claim)
}

/// Fits the win model on the closed projects among `order` (with their stages and
/// features aligned), and sets the win probability of the open projects' `rows`.
fn win_probabilities(
    snapshot: &Snapshot,
    params: &Params,
    order: &[u32],
    features: &[(Stage, WinFeatures)],
    rows: &mut [ProjectRow],
) -> Option<WinModel> {
    let history: Vec<TrainingRow<'_>> = order
        .iter()
        .zip(features)
        .filter(|(_, (stage, _))| matches!(stage, Stage::Won | Stage::Lost))
        .map(|(&i, &(stage, features))| TrainingRow {
            project: Named::project(snapshot, ProjectId(i)),
            won: stage == Stage::Won,
            features,
        })
        .collect();
    let model = WinModel::fit(&history, params)?;
    for (row, (stage, f)) in rows.iter_mut().zip(features) {
        if stage.is_open() {
            row.win_probability = Some(model.explain(f).probability);
        }
    }
    Some(model)
}

/// A project's row (without its win probability, which needs the model) and its stage
/// and features.
fn project_row(ctx: &Ctx<'_, &Snapshot>, x: ProjectId) -> (ProjectRow, (Stage, WinFeatures)) {
    let owned = |p: &Named<'_, PersonId>| p.xid.to_string();
    let analysis = project::analyse(ctx, x);
    let (chain_closeness, chain_rivals) = match &analysis.competition {
        Some(comp) => (
            Some(comp.ours),
            comp.rivals
                .iter()
                .map(|(k, v)| (k.xid.to_string(), *v))
                .collect(),
        ),
        None => (None, BTreeMap::new()),
    };
    let row = ProjectRow {
        id: analysis.project.xid.to_string(),
        stage: analysis.stage.as_str().to_owned(),
        completeness: analysis.completeness.completeness,
        gaps: analysis
            .completeness
            .gaps
            .iter()
            .map(|g| GapRow {
                check: g.check.id().to_owned(),
                persons: g.persons.iter().map(owned).collect(),
            })
            .collect(),
        consensus: analysis.opinion.consensus,
        veto_risk: analysis.opinion.veto_risk.iter().map(owned).collect(),
        coaches: analysis
            .coaches
            .iter()
            .map(|cand| CoachRow {
                id: owned(&cand.person),
                score: cand.score,
            })
            .collect(),
        chain_closeness,
        chain_rivals,
        left: analysis.left.iter().map(owned).collect(),
        levers: analysis
            .levers
            .iter()
            .map(|l| LeverRow {
                id: owned(&l.person),
                leverage: l.leverage,
                stance: l.stance,
                gain: l.gain,
                via: l.via.as_ref().map(|e| e.xid.to_string()),
                path_strength: l.path_strength,
            })
            .collect(),
        win_probability: None,
    };
    (row, (analysis.stage, analysis.features))
}
