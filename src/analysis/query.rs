//! The queries: one function per question a CRM backend asks about one thing.
//!
//! Each takes the network — a [`Snapshot`], a [`LiveGraph`](crate::live::LiveGraph)
//! over one read transaction, or a [`WhatIf`](crate::live::WhatIf) overlay: anything
//! that is a [`Graph`] — the id of the thing asked about, the parameters and the date —
//! every answer is as the dated records stood that day (§8) — and computes what it
//! needs on demand — a person's closeness from its ties, the PageRank of just the
//! accounts involved — so its cost is that thing's neighbourhood, not the network's
//! size, and the same on every source to the last bit. Each refuses an id that does not
//! exist with a [`QueryError`] instead of answering with empty figures.
//!
//! The questions about every node at once — the training set and the win model, every
//! claim, every protection, the departed employees — read the whole network and take a
//! snapshot.

use super::trend::{account_strength_at, earlier_day};
use super::{asset, coach, departed, departure, employee, influence, memory, path, project};
use super::{best_owner as owner, claims as claiming, data_quality as quality, reach};
use super::{levers as lever, opinion, strength, win_model as win, Ctx, Named};
use super::{protection as protect, BestOwner, Claim, DataQuality, Protection};
use super::{
    CoachCandidate, Departed, DepartureImpact, EmployeeFigures, Levers, Params, Path,
    ProjectAnalysis, TrainingRow, WinExplanation, WinModel,
};
use crate::graph::{Graph, ReadFailure, Snapshot};
use crate::model::{
    AccountId, AccountKind, Day, EmployeeId, NodeKind, NodeRef, PersonId, ProjectId,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// Why a query was not answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The query names a node that does not exist in the snapshot: an id never handed
    /// out, or that of a node removed before the snapshot was taken.
    #[error(
        "there is no {kind} with id {id} in this snapshot (removed, or never created): \
         look the {kind} up by its external id"
    )]
    NotFound {
        /// The kind of node asked for.
        kind: NodeKind,
        /// The id asked for.
        id: u32,
    },
    /// A live source could not read the database (a damaged file, say): the query's
    /// result would rest on rows it could not read, so there is none.
    #[error("the query could not read the database: {0}")]
    Store(ReadFailure),
}

/// `Ok` if `node` exists in `graph` (and `graph` could read whether it does).
pub(crate) fn exists<'s>(
    graph: impl Graph<'s>,
    node: impl Into<NodeRef>,
) -> Result<(), QueryError> {
    let node = node.into();
    let found = graph.contains(node);
    checked(graph, ())?;
    if found {
        Ok(())
    } else {
        Err(QueryError::NotFound {
            kind: node.kind,
            id: node.id,
        })
    }
}

/// `answer(ctx, node)`, with `ctx` computing on demand over `graph` at `as_of`: `Err`
/// if `node` does not exist in `graph`, or if `graph` failed to read something on the
/// way.
fn about<'s, G: Graph<'s>, N: Into<NodeRef> + Copy, T>(
    graph: G,
    node: N,
    params: &Params,
    as_of: Day,
    answer: impl FnOnce(&Ctx<'s, G>, N) -> T,
) -> Result<T, QueryError> {
    exists(graph, node)?;
    checked(graph, answer(&Ctx::new(graph, params, as_of), node))
}

/// `result`, unless `graph` failed to read something on the way.
fn checked<'s, T>(graph: impl Graph<'s>, result: T) -> Result<T, QueryError> {
    match graph.failure() {
        Some(f) => Err(QueryError::Store(f)),
        None => Ok(result),
    }
}

/// Everything about project `x` at `as_of` (§4.6, 4.7, 4.9, 4.13), at the cost of its
/// neighbourhood: its persons' ties and deference edges, and the path search from its
/// approvers.
pub fn project_analysis<'s, G: Graph<'s>>(
    graph: G,
    x: ProjectId,
    params: &Params,
    as_of: Day,
) -> Result<ProjectAnalysis<'s>, QueryError> {
    about(graph, x, params, as_of, project::analyse)
}

/// The top `params.coach_k` coach candidates of project `x` with their factors (§4.9).
pub fn coach_candidates<'s, G: Graph<'s>>(
    graph: G,
    x: ProjectId,
    params: &Params,
    as_of: Day,
) -> Result<Vec<CoachCandidate<'s>>, QueryError> {
    about(graph, x, params, as_of, coach::coach_candidates)
}

/// The levers of project `x` (§9.1): every person's leverage on the consensus, and the
/// top `params.k_levers` by gain, each with the employee who can best reach them.
pub fn levers<'s, G: Graph<'s>>(
    graph: G,
    x: ProjectId,
    params: &Params,
    as_of: Day,
) -> Result<Levers<'s>, QueryError> {
    about(graph, x, params, as_of, |ctx, x| {
        let (opinion, w, factors) = opinion::opinion_and_deference(ctx, x);
        lever::levers_on(ctx, x, &opinion, &w, factors.as_ref())
    })
}

/// The win model's training set (§9.2): every won and lost project with its features
/// at `as_of`, by external id. Its cost is that of analysing every closed project.
pub fn training_set<'s>(
    snapshot: &'s Snapshot,
    params: &Params,
    as_of: Day,
) -> Vec<TrainingRow<'s>> {
    win::training_set(&Ctx::new(snapshot, params, as_of))
}

/// The win model (§9.2) fitted on our won and lost projects at `as_of`; `None` with
/// fewer than `params.min_closed` of either. Fit it once and explain any number of
/// projects with [`WinModel::explain`] or [`win_probability`].
pub fn win_model(snapshot: &Snapshot, params: &Params, as_of: Day) -> Option<WinModel> {
    WinModel::fit(&training_set(snapshot, params, as_of), params)
}

/// The win probability of project `x` under `model`, with each feature's contribution
/// (§9.2); `None` for a won or lost project. The model is fitted on a snapshot (every
/// closed project); the project's features are read from `graph`, which may be live.
pub fn win_probability<'s, G: Graph<'s>>(
    graph: G,
    x: ProjectId,
    model: &WinModel,
    params: &Params,
    as_of: Day,
) -> Result<Option<WinExplanation>, QueryError> {
    exists(graph, x)?;
    if !graph.project_stage(x).is_open() {
        return Ok(None);
    }
    let features = win::project_features(&Ctx::new(graph, params, as_of), x);
    checked(graph, Some(model.explain(&features)))
}

/// The `k` employees with the strongest paths to `person` (§4.8), strongest first;
/// fewer if fewer reach the person, none for `k = 0`.
pub fn strongest_paths<'s, G: Graph<'s>>(
    graph: G,
    person: PersonId,
    k: usize,
    params: &Params,
    as_of: Day,
) -> Result<Vec<Path<'s>>, QueryError> {
    about(graph, person, params, as_of, |ctx, p| {
        path::strongest(ctx, p, k, None)
    })
}

/// The impact of employee `e` leaving (§4.11).
pub fn departure_impact<'s, G: Graph<'s>>(
    graph: G,
    e: EmployeeId,
    params: &Params,
    as_of: Day,
) -> Result<DepartureImpact<'s>, QueryError> {
    about(graph, e, params, as_of, departure::departure_impact)
}

/// A person's figures: the report's person row, and the person's account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonFigures<'s> {
    /// The person.
    pub person: Named<'s, PersonId>,
    /// The account the person works at on the date, if any (§8.2).
    pub account: Option<Named<'s, AccountId>>,
    /// `C(p)` (§4.2).
    pub closeness: f64,
    /// `π(p)` within the account (§4.4; 0 without an account).
    pub influence: f64,
    /// `C(p)` now minus `C(p)` `trend_days` earlier (§8.4).
    pub trend: f64,
    /// Mean known solution acceptance over won and lost projects (§8.5).
    pub past_solution: Option<f64>,
    /// Mean known price acceptance over won and lost projects (§8.5).
    pub past_price: Option<f64>,
}

/// Person `p`'s closeness, influence, trend and attitude memory (§4.2, §4.4, §8.4,
/// §8.5): the PageRank of its account only.
pub fn person_figures<'s, G: Graph<'s>>(
    graph: G,
    p: PersonId,
    params: &Params,
    as_of: Day,
) -> Result<PersonFigures<'s>, QueryError> {
    about(graph, p, params, as_of, |ctx, p| {
        let closeness = ctx.closeness(p);
        let earlier = ctx.at(earlier_day(as_of, params.trend_days));
        let memory = memory::attitude_memory(graph, p);
        PersonFigures {
            person: Named::person(graph, p),
            account: ctx.account_of(p).map(|a| Named::account(graph, a)),
            closeness,
            influence: ctx.influence(p),
            trend: if params.trend_days == 0 {
                0.0
            } else {
                closeness - earlier.closeness(p)
            },
            past_solution: memory.solution,
            past_price: memory.price,
        }
    })
}

/// An account's figures: the report's account row, and the influence of each of its
/// persons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountFigures<'s> {
    /// The account.
    pub account: Named<'s, AccountId>,
    /// Client, competitor or partner.
    pub kind: AccountKind,
    /// `A(a)` (§4.5).
    pub strength: f64,
    /// `A_k(a)` by competitor, for each competitor with a rival tie into the account.
    pub rivals: BTreeMap<Named<'s, AccountId>, f64>,
    /// `A(a) − max_k A_k(a)`.
    pub advantage: f64,
    /// The open pipeline (§4.12).
    pub pipeline: f64,
    /// `A(a)` now minus `A(a)` `trend_days` earlier (§8.4).
    pub trend: f64,
    /// `π(p)` of each of the account's persons on the date (§4.4), by external id.
    pub influence: BTreeMap<Named<'s, PersonId>, f64>,
}

/// Account `a`'s strength, rivals, pipeline, trend and influence (§4.4, 4.5, 4.12,
/// 8.4).
pub fn account_figures<'s, G: Graph<'s>>(
    graph: G,
    a: AccountId,
    params: &Params,
    as_of: Day,
) -> Result<AccountFigures<'s>, QueryError> {
    about(graph, a, params, as_of, |ctx, a| {
        let persons = ctx.account_persons(a);
        let pi = ctx.account_influence(a);
        let pi_of = |p: PersonId| influence::rank_of(&persons, &pi, p).unwrap_or(0.0);
        let s = strength::account_strength(graph, &persons, pi_of, |p| ctx.closeness(p));
        let trend = if params.trend_days == 0 {
            0.0
        } else {
            s.strength - account_strength_at(&ctx.at(earlier_day(as_of, params.trend_days)), a)
        };
        AccountFigures {
            account: Named::account(graph, a),
            kind: graph.account_kind(a),
            strength: s.strength,
            rivals: s
                .rivals
                .into_iter()
                .map(|(k, v)| (Named::account(graph, k), v))
                .collect(),
            advantage: s.advantage,
            pipeline: asset::pipeline(graph, a),
            trend,
            influence: persons
                .iter()
                .zip(&pi)
                .map(|(&p, &v)| (Named::person(graph, p), v))
                .collect(),
        }
    })
}

/// Employee `e`'s portfolio, sole ties and fit (§4.10): the PageRank of the accounts of
/// the persons `e` has ties with only. A gone employee (§8.3) has empty figures.
pub fn employee_figures<'s, G: Graph<'s>>(
    graph: G,
    e: EmployeeId,
    params: &Params,
    as_of: Day,
) -> Result<EmployeeFigures<'s>, QueryError> {
    about(graph, e, params, as_of, |ctx, e| {
        let mut accounts: Vec<AccountId> = ctx
            .employee_ties(e)
            .filter_map(|i| ctx.tie_person(i).and_then(|p| ctx.account_of(p)))
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        let ranks: Vec<(Vec<PersonId>, Vec<f64>)> = accounts
            .iter()
            .map(|&a| {
                let persons = ctx.account_persons(a).into_owned();
                let pi = influence::pagerank(graph, &persons, params);
                (persons, pi)
            })
            .collect();
        let pi = |p: PersonId| {
            ctx.account_of(p)
                .and_then(|a| accounts.binary_search(&a).ok())
                .and_then(|k| ranks.get(k))
                .and_then(|(persons, pi)| influence::rank_of(persons, pi, p))
                .unwrap_or(0.0)
        };
        employee::employee_figures(ctx, e, pi)
    })
}

/// The employees gone at `as_of` (§8.3), by external id, each with its leaving day and
/// its orphans: the persons it has a tie with whom no employee still with us has.
pub fn departed_employees<'s>(
    snapshot: &'s Snapshot,
    params: &Params,
    as_of: Day,
) -> Vec<Departed<'s>> {
    let ctx = Ctx::new(snapshot, params, as_of);
    let mut out: Vec<Departed<'s>> = snapshot
        .employee_ids()
        .filter_map(|e| departed::departed(&ctx, e))
        .collect();
    out.sort_by(|a, b| a.employee.cmp(&b.employee));
    out
}

/// The claim on account `a` (§9.3): its claimants — employees still with us who own it
/// or one of its open projects — with their fit, first and last contact and persons
/// reached, and the holder; `None` with fewer than two claimants.
pub fn claim<'s, G: Graph<'s>>(
    graph: G,
    a: AccountId,
    params: &Params,
    as_of: Day,
) -> Result<Option<Claim<'s>>, QueryError> {
    about(graph, a, params, as_of, |ctx, a| {
        if claiming::claimants(ctx, a).len() < 2 {
            return None;
        }
        let reach = reach::account_reach(ctx, a, reach::account_pi(ctx, a));
        claiming::claim(ctx, a, &reach)
    })
}

/// Every account with a claim (§9.3), worst first: the most open pipeline at stake,
/// then the most claimants, then the account's external id.
pub fn claims<'s>(snapshot: &'s Snapshot, params: &Params, as_of: Day) -> Vec<Claim<'s>> {
    claiming::all_claims(&Ctx::new(snapshot, params, as_of))
}

/// The protection of account `a` (§9.4): its direct owners' latest contact with its
/// persons, the days since, and whether it expired; `None` without a direct owner
/// still with us.
pub fn protection<'s, G: Graph<'s>>(
    graph: G,
    a: AccountId,
    params: &Params,
    as_of: Day,
) -> Result<Option<Protection<'s>>, QueryError> {
    about(graph, a, params, as_of, |ctx, a| {
        // Protection reads contacts only: no PageRank needed (the fits stay 0).
        protect::protection(ctx, a, &reach::account_reach(ctx, a, |_| 0.0))
    })
}

/// Every protected account (§9.4), worst first: expired before not expired; among
/// them, never contacted first, then the longest without contact; then external id.
pub fn protections<'s>(snapshot: &'s Snapshot, params: &Params, as_of: Day) -> Vec<Protection<'s>> {
    protect::all_protections(&Ctx::new(snapshot, params, as_of))
}

/// The best-placed owner of client account `a` (§9.5); `None` for a competitor or
/// partner, or when no employee still with us has a fit above 0.
pub fn best_owner<'s, G: Graph<'s>>(
    graph: G,
    a: AccountId,
    params: &Params,
    as_of: Day,
) -> Result<Option<BestOwner<'s>>, QueryError> {
    about(graph, a, params, as_of, |ctx, a| {
        if graph.account_kind(a) != AccountKind::Client {
            return None;
        }
        let reach = reach::account_reach(ctx, a, reach::account_pi(ctx, a));
        owner::best_owner(ctx, a, &reach)
    })
}

/// Employee `e`'s data quality (§9.6): the mean completeness of the open projects it
/// owns, with each of them.
pub fn data_quality<'s, G: Graph<'s>>(
    graph: G,
    e: EmployeeId,
    params: &Params,
    as_of: Day,
) -> Result<DataQuality<'s>, QueryError> {
    about(graph, e, params, as_of, |ctx, e| {
        quality::data_quality(ctx, e, |x| quality::completeness_of(ctx, x))
    })
}
