//! The analyses of SPEC §4, one file per section, and the §6 JSON report.
//!
//! Every analysis reads an immutable [`Snapshot`]; every constant is a field of
//! [`Params`]; the date `as_of` is always an explicit argument, never the wall clock.
//!
//! Two ways in:
//!
//! * **Queries** for one thing, as a CRM backend calls them — [`project_analysis`],
//!   [`strongest_paths`], [`departure_impact`]. They compute what they need on demand
//!   (a person's closeness from its ties, the PageRank of just the accounts involved),
//!   so their cost is that thing's neighbourhood, not the network's size.
//! * **The report** — [`Report::compute`] computes every figure of every node (SPEC §6),
//!   sharing the per-tie, per-person and per-account work through [`Precomputed`] and
//!   running accounts, persons, projects and employees in parallel with rayon.
//!
//! Both go through a [`Ctx`]: the snapshot, parameters and date, plus optionally the
//! precomputed arrays. An analysis asks the context for `c'`, `C` or `π`, and gets the
//! cached value or computes it — the same formula either way, so a query and the report
//! agree to the last bit.
//!
//! **Determinism.** Every floating-point sum runs in a fixed order (the snapshot's row
//! order); parallelism only maps independent items into vectors, never reduces floats
//! across threads, so results are bit-identical whatever the number of threads.
//!
//! ```
//! use guanxi::analysis::{project_analysis, Params};
//! use guanxi::graph::Snapshot;
//! use guanxi::model::*;
//!
//! let mut net = Network::new();
//! net.accounts.push(Account { xid: "a".into(), name: "Acme".into(), kind: AccountKind::Client });
//! net.persons.push(Person { xid: "boss".into(), name: "Boss".into(), title: None });
//! net.employees.push(Employee { xid: "e".into(), name: "Seller".into(), left: None });
//! net.projects.push(Project {
//!     xid: "x".into(), name: "Deal".into(), stage: Stage::Lead, amount: Amount::new(1000.0)?,
//! });
//! net.edges.push(Edge::WorksAt {
//!     person: PersonId(0), account: AccountId(0), employment: Employment::default(),
//! });
//! net.edges.push(Edge::Of { project: ProjectId(0), account: AccountId(0) });
//! net.edges.push(Edge::Tie {
//!     employee: EmployeeId(0), person: PersonId(0),
//!     tie: Tie { closeness: Score::new(0.6)?, last_contact: None, private: false },
//! });
//! net.edges.push(Edge::Member {
//!     person: PersonId(0), project: ProjectId(0),
//!     member: Member { role: Role::Approver, coach: true, solution: Some(Score::new(0.5)?), price: None },
//! });
//! let snap = Snapshot::from_network(&net);
//! let as_of: Day = "2025-06-30".parse()?;
//! let x = project_analysis(&snap, ProjectId(0), &Params::default(), as_of);
//! // One approver with C = 0.6 and S = 0.5: coach score 0.6·0.5·1·1 = 0.3.
//! assert!((x.coaches[0].score - 0.3).abs() < 1e-12);
//! // Stance 2·mean(0.6, 0.5) − 1 = 0.1; nobody to defer to, so consensus = 0.1.
//! assert!((x.opinion.consensus.unwrap() - 0.1).abs() < 1e-12);
//! assert_eq!(x.completeness.completeness, Some(1.0)); // lead: `has_member` only
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod closeness;
pub mod coach;
pub mod company;
pub mod competition;
pub mod completeness;
pub mod decay;
pub mod departure;
pub mod employee;
pub mod influence;
pub mod opinion;
pub mod params;
pub mod path;
pub mod report;
pub mod strength;
pub mod value;

pub use coach::CoachCandidate;
pub use competition::ChainCompetition;
pub use completeness::{Check, Completeness, Gap};
pub use departure::DepartureImpact;
pub use opinion::Opinion;
pub use params::{Params, ParamsError, RoleWeights};
pub use path::Path;
pub use report::Report;

use crate::graph::Snapshot;
use crate::model::{AccountId, Day, EmployeeId, PersonId, ProjectId};
use rayon::prelude::*;

/// Per-tie, per-person arrays shared by every analysis of a full report.
#[derive(Debug, Clone, PartialEq)]
pub struct Precomputed {
    /// `c'` by tie index (4.1).
    pub decayed: Vec<f64>,
    /// `C(p)` by person (4.2).
    pub closeness: Vec<f64>,
    /// `π(p)` by person (4.4).
    pub influence: Vec<f64>,
}

impl Precomputed {
    /// Computes the three arrays (in parallel).
    pub fn compute(snapshot: &Snapshot, params: &Params, as_of: Day) -> Precomputed {
        let decayed = decay::decayed_ties(snapshot, params, as_of);
        let closeness = closeness::all_closeness(snapshot, &decayed);
        let influence = influence::all_influence(snapshot, params);
        Precomputed {
            decayed,
            closeness,
            influence,
        }
    }
}

/// What every analysis reads: the snapshot, the parameters, the date, and optionally
/// the [`Precomputed`] arrays (which must then come from the same three).
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The network.
    pub snapshot: &'a Snapshot,
    /// The parameters.
    pub params: &'a Params,
    /// The analysis date.
    pub as_of: Day,
    pre: Option<&'a Precomputed>,
}

impl<'a> Ctx<'a> {
    /// A context computing everything on demand.
    pub fn new(snapshot: &'a Snapshot, params: &'a Params, as_of: Day) -> Ctx<'a> {
        Ctx {
            snapshot,
            params,
            as_of,
            pre: None,
        }
    }

    /// The same context reading `pre`, which must have been computed from the same
    /// snapshot, parameters and date.
    #[must_use]
    pub fn with_precomputed(self, pre: &'a Precomputed) -> Ctx<'a> {
        Ctx {
            pre: Some(pre),
            ..self
        }
    }

    /// `c'` of the tie at index `tie` (4.1); 0 for an index out of range.
    pub fn decayed(&self, tie: usize) -> f64 {
        if let Some(v) = self.pre.and_then(|p| p.decayed.get(tie)) {
            return *v;
        }
        self.snapshot.ties().get(tie).map_or(0.0, |t| {
            decay::decayed(
                t.closeness,
                t.last_contact,
                self.as_of,
                self.params.half_life,
            )
        })
    }

    /// `C(p)` (4.2).
    pub fn closeness(&self, p: PersonId) -> f64 {
        if let Some(v) = self.pre.and_then(|pre| pre.closeness.get(p.index())) {
            return *v;
        }
        closeness::person_closeness(self, p)
    }

    /// π of an account's persons, in [`Snapshot::account_persons`] order (4.4).
    pub fn account_influence(&self, a: AccountId) -> Vec<f64> {
        match self.pre {
            Some(pre) => self
                .snapshot
                .account_persons(a)
                .iter()
                .map(|p| pre.influence.get(p.index()).copied().unwrap_or(0.0))
                .collect(),
            None => influence::account_pagerank(self.snapshot, a, self.params),
        }
    }
}

/// Everything SPEC §4 says about one project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectAnalysis {
    /// The project.
    pub project: ProjectId,
    /// Friedkin–Johnsen opinions, consensus and veto risk (4.6).
    pub opinion: Opinion,
    /// Decision-chain completeness and gaps (4.7).
    pub completeness: Completeness,
    /// Top coach candidates with their factors (4.9).
    pub coaches: Vec<CoachCandidate>,
    /// Chain competition (4.13); `None` for an empty chain.
    pub competition: Option<ChainCompetition>,
}

/// Analyses one project in `ctx`.
pub fn analyse_project(ctx: &Ctx<'_>, x: ProjectId) -> ProjectAnalysis {
    ProjectAnalysis {
        project: x,
        opinion: opinion::project_opinion(ctx, x),
        completeness: completeness::completeness(
            ctx.snapshot,
            x,
            ctx.params.stale_after,
            ctx.as_of,
        ),
        coaches: coach::coach_candidates(ctx, x),
        competition: competition::chain_competition(ctx, x),
    }
}

/// Query: everything about project `x` at `as_of`, at the cost of its neighbourhood
/// (its persons' ties and deference edges, and the path search from its approvers).
pub fn project_analysis(
    snapshot: &Snapshot,
    x: ProjectId,
    params: &Params,
    as_of: Day,
) -> ProjectAnalysis {
    analyse_project(&Ctx::new(snapshot, params, as_of), x)
}

/// Query: the `k` employees with the strongest paths to `person` (4.8).
pub fn strongest_paths(
    snapshot: &Snapshot,
    person: PersonId,
    k: usize,
    params: &Params,
    as_of: Day,
) -> Vec<Path> {
    path::strongest_paths(&Ctx::new(snapshot, params, as_of), person, k, None)
}

/// Query: the impact of employee `e` leaving (4.11).
pub fn departure_impact(
    snapshot: &Snapshot,
    e: EmployeeId,
    params: &Params,
    as_of: Day,
) -> DepartureImpact {
    departure::departure_impact(&Ctx::new(snapshot, params, as_of), e)
}

/// Indices `0..n` sorted by `key` (external ids), in parallel; stable and deterministic.
pub(crate) fn sorted_by_xid<'s>(n: usize, key: impl Fn(u32) -> &'s str + Sync) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.par_sort_by(|&a, &b| key(a).cmp(key(b)));
    order
}
