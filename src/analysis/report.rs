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
use super::{best_owner, claims, completeness, data_quality, protection, reach};
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
    ///
    /// To write the report's JSON without holding every row, see
    /// [`io::compute_report_json`](crate::io::compute_report_json).
    pub fn compute(snapshot: &Snapshot, params: &Params, as_of: Day) -> Report {
        let staged = Staged::compute(snapshot, params, as_of);
        let persons = staged
            .person_order
            .par_iter()
            .map(|&i| staged.person_row(i))
            .collect();
        let projects = (0..staged.project_order.len())
            .into_par_iter()
            .map(|k| staged.project_row(k))
            .collect();
        let employees = staged
            .employee_order
            .par_iter()
            .map(|&i| staged.employee_row(i))
            .collect();
        Report {
            as_of: as_of.to_string(),
            persons,
            accounts: staged.accounts,
            projects,
            employees,
            departed: staged.departed,
            win_model: staged.win_model,
            relationship_asset: staged.relationship_asset,
        }
    }

    /// The report as pretty-printed JSON (§6).
    pub fn to_json(&self) -> String {
        // Serialising plain structs, strings, f64 and BTreeMaps cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A report whose small and global parts are computed and whose large lists are not
/// yet: persons, open projects and employees are computed row by row on demand
/// ([`Staged::person_row`], [`Staged::project_row`], [`Staged::employee_row`]), so that
/// a writer can turn each into JSON and drop it (see
/// [`io::compute_report_json`](crate::io::compute_report_json)).
///
/// What is held: the shared arrays (`c_eff`, `C`, `π`, who works where, the earlier
/// date's figures), the account and departed rows, and the rows of the **closed**
/// projects — the win model is fitted on their features before any open project's
/// win probability can be given, so they are analysed first and kept. Each open
/// project is analysed once, when its row is asked for. The rows are those of a
/// one-pass computation to the bit: every row is a function of the network, the
/// parameters and the date only.
pub(crate) struct Staged<'s> {
    snapshot: &'s Snapshot,
    params: Params,
    as_of: Day,
    pre: Precomputed<'s>,
    earlier: Option<Earlier>,
    /// Person ids by external id.
    pub(crate) person_order: Vec<u32>,
    /// Every account's row, by id.
    pub(crate) accounts: Vec<AccountRow>,
    /// Project ids by external id.
    pub(crate) project_order: Vec<u32>,
    /// The rows of the closed projects, aligned with `project_order` (`None` for an
    /// open project).
    closed: Vec<Option<ProjectRow>>,
    /// Completeness by project id, for the employees' data quality (9.6).
    completeness: Vec<Option<f64>>,
    /// The ids of the employees still with us, by external id.
    pub(crate) employee_order: Vec<u32>,
    /// The gone employees' rows, by id.
    pub(crate) departed: Vec<DepartedRow>,
    /// The win model (9.2).
    pub(crate) win_model: Option<WinModel>,
    /// `Σ_a A(a)·pipeline(a)`.
    pub(crate) relationship_asset: f64,
}

impl<'s> Staged<'s> {
    /// Computes the shared arrays, the accounts, the closed projects, the win model and
    /// the departed rows (in parallel on the current rayon pool).
    pub(crate) fn compute(snapshot: &'s Snapshot, params: &Params, as_of: Day) -> Staged<'s> {
        let pre = Precomputed::compute(snapshot, params, as_of);
        // The levers' path searches (one per lever of every project) are guided by
        // every person's strongest path from any employee.
        let pre = if params.k_levers > 0 {
            pre.with_employee_reach(snapshot, params, as_of)
        } else {
            pre
        };
        // The earlier date of the trends; nothing to compute when it is today.
        let earlier = (params.trend_days != 0).then(|| {
            Earlier::compute(
                snapshot,
                params,
                &pre,
                earlier_day(as_of, params.trend_days),
            )
        });
        let mut staged = Staged {
            snapshot,
            params: *params,
            as_of,
            pre,
            earlier,
            person_order: sorted_by_xid(snapshot, NodeKind::Person),
            accounts: Vec::new(),
            project_order: sorted_by_xid(snapshot, NodeKind::Project),
            closed: Vec::new(),
            completeness: Vec::new(),
            employee_order: Vec::new(),
            departed: Vec::new(),
            win_model: None,
            relationship_asset: 0.0,
        };
        crate::stage_done("report: the trends' earlier date, the orders by id");
        let (accounts, relationship_asset) = staged.accounts();
        staged.accounts = accounts;
        staged.relationship_asset = relationship_asset;
        crate::stage_done("report: account rows");
        staged.closed_projects();
        crate::stage_done("report: closed projects' rows, the win model");
        staged.completeness = staged.all_completeness();
        let ctx = staged.ctx();
        let (gone, staying): (Vec<u32>, Vec<u32>) = sorted_by_xid(snapshot, NodeKind::Employee)
            .into_iter()
            .partition(|&i| ctx.gone(EmployeeId(i)));
        staged.departed = gone
            .par_iter()
            .filter_map(|&i| departed::departed(&ctx, EmployeeId(i)))
            .map(|d| DepartedRow {
                id: d.employee.xid.into_owned(),
                left: d.left.to_string(),
                orphans: d.orphans.into_iter().map(|p| p.xid.into_owned()).collect(),
            })
            .collect();
        staged.employee_order = staying;
        crate::stage_done("report: open projects' completeness, departed employees");
        staged
    }

    /// The analyses' context, reading the shared arrays.
    fn ctx(&self) -> Ctx<'_, &Snapshot> {
        Ctx::new(self.snapshot, &self.params, self.as_of).with_precomputed(&self.pre)
    }

    /// `π(p)`.
    fn pi(&self, p: PersonId) -> f64 {
        self.pre.influence.get(p.index()).copied().unwrap_or(0.0)
    }

    /// `C(p)`.
    fn c(&self, p: PersonId) -> f64 {
        self.pre.closeness.get(p.index()).copied().unwrap_or(0.0)
    }

    /// The row of the person with id `i`.
    pub(crate) fn person_row(&self, i: u32) -> PersonRow {
        let p = PersonId(i);
        let memory = memory::attitude_memory(self.snapshot, p);
        let before = match &self.earlier {
            Some(e) => e.closeness.get(p.index()).copied().unwrap_or(0.0),
            None => self.c(p),
        };
        PersonRow {
            id: self.snapshot.person_xid(p).to_owned(),
            closeness: self.c(p),
            influence: self.pi(p),
            trend: self.c(p) - before,
            past_solution: memory.solution,
            past_price: memory.price,
        }
    }

    /// Every account's row by external id, and the relationship asset.
    fn accounts(&self) -> (Vec<AccountRow>, f64) {
        let snapshot = self.snapshot;
        let ctx = self.ctx();
        let pi = |p: PersonId| self.pi(p);
        let c = |p: PersonId| self.c(p);
        // By account id (holes hold `None`), so that the asset sums in id order.
        let account_figures: Vec<Option<AccountFigures>> = (0
            ..snapshot.id_bound(NodeKind::Account) as u32)
            .into_par_iter()
            .map(|a| {
                let a = AccountId(a);
                snapshot.contains(a).then(|| {
                    (
                        strength::account_strength(snapshot, self.pre.staffing.persons(a), pi, c),
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
                let before = match &self.earlier {
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
        (accounts, relationship_asset)
    }

    /// Analyses the won and lost projects, keeps their rows and fits the win model on
    /// their features (in project external id order).
    fn closed_projects(&mut self) {
        let ctx = self.ctx();
        let snapshot = self.snapshot;
        let analysed: Vec<Option<(ProjectRow, WinFeatures)>> = self
            .project_order
            .par_iter()
            .map(|&i| {
                let x = ProjectId(i);
                (!snapshot.project_stage(x).is_open()).then(|| project_row(&ctx, x))
            })
            .collect();
        let history: Vec<TrainingRow<'_>> = self
            .project_order
            .iter()
            .zip(&analysed)
            .filter_map(|(&i, row)| {
                let (_, features) = row.as_ref()?;
                Some(TrainingRow {
                    project: Named::project(snapshot, ProjectId(i)),
                    won: snapshot.project_stage(ProjectId(i)) == Stage::Won,
                    features: *features,
                })
            })
            .collect();
        let model = WinModel::fit(&history, &self.params);
        drop(history);
        self.closed = analysed
            .into_iter()
            .map(|row| row.map(|(row, _)| row))
            .collect();
        self.win_model = model;
    }

    /// Completeness by project id (4.7): the closed projects' from their rows, the open
    /// ones' computed (it is cheap; their rows compute it again, the same way).
    fn all_completeness(&self) -> Vec<Option<f64>> {
        let ctx = self.ctx();
        let open: Vec<(usize, Option<f64>)> = self
            .project_order
            .par_iter()
            .zip(&self.closed)
            .filter(|(_, row)| row.is_none())
            .map(|(&i, _)| {
                let x = ProjectId(i);
                (x.index(), completeness::completeness(&ctx, x).completeness)
            })
            .collect();
        let mut by_id = vec![None; self.snapshot.id_bound(NodeKind::Project)];
        for (&i, row) in self.project_order.iter().zip(&self.closed) {
            if let (Some(row), Some(slot)) = (row, by_id.get_mut(i as usize)) {
                *slot = row.completeness;
            }
        }
        for (i, c) in open {
            if let Some(slot) = by_id.get_mut(i) {
                *slot = c;
            }
        }
        by_id
    }

    /// The row of the `k`-th project by external id: a closed project's kept row, or an
    /// open project analysed now, with its win probability.
    pub(crate) fn project_row(&self, k: usize) -> ProjectRow {
        if let Some(Some(row)) = self.closed.get(k) {
            return row.clone();
        }
        let x = ProjectId(self.project_order.get(k).copied().unwrap_or(u32::MAX));
        let (mut row, features) = project_row(&self.ctx(), x);
        if let Some(model) = &self.win_model {
            row.win_probability = Some(model.explain(&features).probability);
        }
        row
    }

    /// The row of the employee with id `i` (still with us).
    pub(crate) fn employee_row(&self, i: u32) -> EmployeeRow {
        let ctx = self.ctx();
        let figures = employee::employee_figures(&ctx, EmployeeId(i), |p| self.pi(p));
        let quality = data_quality::data_quality(&ctx, EmployeeId(i), |x| {
            self.completeness
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

/// A project's row (without its win probability, which needs the model) and its
/// features.
fn project_row(ctx: &Ctx<'_, &Snapshot>, x: ProjectId) -> (ProjectRow, WinFeatures) {
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
    (row, analysis.features)
}
