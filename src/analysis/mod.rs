//! The analyses of §4, §8 and §9, one private file per section, the queries over them,
//! and the §6 JSON report.
//!
//! Every analysis reads an immutable [`Snapshot`]; every constant is a field of
//! [`Params`]; the date `as_of` is always an explicit argument, never the wall clock.
//! Every figure is computed *at* that date (§8): ties are tie records and interactions
//! dated by then, weighted by their effective closeness; an account's persons are those
//! who work there that day; employees who have left count nowhere. The context every
//! analysis reads through (`Ctx`) answers those questions, so no analysis reads a dated
//! record itself.
//!
//! Two ways in:
//!
//! * **Queries** for one thing, as a CRM backend calls them — [`project_analysis`],
//!   [`coach_candidates`], [`strongest_paths`], [`departure_impact`],
//!   [`person_figures`], [`account_figures`], [`employee_figures`],
//!   [`departed_employees`]; and for strategy (§9) [`levers`], [`win_model`] and
//!   [`win_probability`], [`claim`] and [`claims`], [`protection`] and [`protections`],
//!   [`best_owner`], [`data_quality`]. They compute what
//!   they need on demand (a person's closeness from its ties, the PageRank of just the
//!   accounts involved), so their cost is that thing's neighbourhood, not the network's
//!   size. An id that does not exist in the snapshot is a [`QueryError`], never empty
//!   figures.
//! * **The report** — [`Report::compute`] computes every figure of every node (§6),
//!   sharing the per-tie, per-person and per-account work and running accounts,
//!   persons, projects and employees in parallel with rayon.
//!
//! Both go through one internal context — the snapshot, parameters and date, plus for
//! the report the precomputed `c_eff`, `C`, staffing and `π` arrays. An analysis asks
//! the context for a figure and gets the cached value or computes it: the same formula
//! either way, so a query and the report agree to the last bit.
//!
//! **Results** name nodes with [`Named`]: the id (to chain queries) and the external id
//! (for people). Every result implements `Serialize`; its JSON names nodes by external
//! id and vocabularies by their lowercase names, exactly as the CSV files and the
//! report do.
//!
//! **Determinism.** Every floating-point sum runs in a fixed order (the snapshot's row
//! order); parallelism only maps independent items into vectors, never reduces floats
//! across threads, so results are bit-identical whatever the number of threads.
//!
//! ```
//! use guanxi::analysis::{project_analysis, Params, QueryError};
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
//! let x = project_analysis(&snap, snap.project_by_xid("x").unwrap(), &Params::default(), as_of)?;
//! // One approver with C = 0.6 and S = 0.5: coach score 0.6·0.5·1·1 = 0.3.
//! assert_eq!(x.coaches[0].person.xid, "boss");
//! assert!((x.coaches[0].score - 0.3).abs() < 1e-12);
//! // Stance 2·mean(0.6, 0.5) − 1 = 0.1; nobody to defer to, so consensus = 0.1.
//! assert!((x.opinion.consensus.unwrap() - 0.1).abs() < 1e-12);
//! assert_eq!(x.completeness.completeness, Some(1.0)); // lead: `has_member` only
//! // Results serialise with external ids and the CSV's names.
//! let json = serde_json::to_value(&x)?;
//! assert_eq!(json["project"], "x");
//! assert_eq!(json["stage"], "lead");
//! assert_eq!(json["coaches"][0]["person"], "boss");
//! // An id the snapshot does not hold is an error, not empty figures.
//! assert_eq!(
//!     project_analysis(&snap, ProjectId(7), &Params::default(), as_of).unwrap_err(),
//!     QueryError::NotFound { kind: NodeKind::Project, id: 7 },
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod asset;
mod best_owner;
mod claims;
mod closeness;
mod coach;
mod competition;
mod completeness;
mod data_quality;
mod decay;
mod dense;
mod departed;
mod departure;
mod employee;
mod influence;
mod levers;
mod memory;
mod named;
mod opinion;
mod params;
mod path;
mod project;
mod protection;
mod query;
mod rank;
mod reach;
mod report;
mod stance;
mod strength;
mod trend;
mod win_model;

pub use best_owner::BestOwner;
pub use claims::{Claim, Claimant};
pub use coach::CoachCandidate;
pub use competition::ChainCompetition;
pub use completeness::{Check, Completeness, Gap};
pub use data_quality::{DataQuality, OwnedProject};
pub use departed::Departed;
pub use departure::{ClosenessDrop, DepartureImpact, StrengthDrop, Successor};
pub use employee::EmployeeFigures;
pub use levers::{Lever, Leverage, Levers, LEVERAGE_TOL};
pub use named::Named;
pub use opinion::Opinion;
pub use params::{Params, ParamsError, RoleWeights, MAX_TREND_DAYS};
pub use path::Path;
pub use project::ProjectAnalysis;
pub use protection::Protection;
pub(crate) use query::exists;
pub use query::{
    account_figures, best_owner, claim, claims, coach_candidates, data_quality, departed_employees,
    departure_impact, employee_figures, levers, person_figures, project_analysis, protection,
    protections, strongest_paths, training_set, win_model, win_probability, AccountFigures,
    PersonFigures, QueryError,
};
pub use rank::TIE_TOL;
pub(crate) use report::Staged;
pub use report::{
    AccountRow, CoachRow, DepartedRow, EmployeeRow, GapRow, LeverRow, PersonRow, ProjectRow, Report,
};
pub use win_model::{TrainingRow, WinExplanation, WinFeatures, WinModel, MIN_SD, NEWTON_TOL};

use crate::graph::{Graph, Snapshot, Staffing, TieParams};
use crate::model::{AccountId, Day, EmployeeId, NodeKind, PersonId, ProjectId};
use rayon::prelude::*;
use std::borrow::Cow;

/// Per-tie, per-person and per-account arrays at one date, shared by every analysis of
/// a full report.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Precomputed<'s> {
    /// `c_eff` by tie index (§8.1; 0 for a tie that does not count at the date).
    pub(crate) effective: Vec<f64>,
    /// `C(p)` by person id (4.2).
    pub(crate) closeness: Vec<f64>,
    /// Who works where at the date (§8.2).
    pub(crate) staffing: Cow<'s, Staffing>,
    /// `π(p)` by person id (4.4; 0 for a person who works nowhere at the date).
    pub(crate) influence: Vec<f64>,
    /// Each person's strongest path from any employee (4.8), guiding the path searches
    /// of a full report's levers; empty unless [`with_employee_reach`](Self::with_employee_reach)
    /// computed it.
    pub(crate) employee_reach: Vec<f64>,
}

impl<'s> Precomputed<'s> {
    /// Computes the arrays at `day` (in parallel).
    pub(crate) fn compute(snapshot: &'s Snapshot, params: &Params, day: Day) -> Precomputed<'s> {
        let effective = decay::effective_ties(snapshot, params, day);
        let closeness = closeness::all_closeness(snapshot, &effective);
        let staffing = snapshot.staffing(day);
        let influence = influence::all_influence(snapshot, &staffing, params);
        crate::stage_done("report: c_eff, C, who works where, π");
        Precomputed {
            effective,
            closeness,
            staffing,
            influence,
            employee_reach: Vec::new(),
        }
    }

    /// The same arrays with each person's strongest path from any employee, for
    /// reports that search many such paths (one search over the network, then each
    /// path search goes straight to its answer).
    #[must_use]
    pub(crate) fn with_employee_reach(
        mut self,
        snapshot: &'s Snapshot,
        params: &Params,
        day: Day,
    ) -> Self {
        let reach = {
            let ctx = Ctx::new(snapshot, params, day).with_precomputed(&self);
            path::employee_reach(&ctx)
        };
        crate::stage_done("report: each person's strongest path from any employee");
        self.employee_reach = reach;
        self
    }
}

/// A tie that counts at the context's date, with its figures there (§8.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LiveTie {
    /// Its tie index (see [`Graph::person_ties`]).
    pub(crate) index: usize,
    /// Our employee (not gone).
    pub(crate) employee: EmployeeId,
    /// The person.
    pub(crate) person: PersonId,
    /// Effective closeness `c_eff(e, p)`.
    pub(crate) effective: f64,
    /// Last contact `last(e, p)`, if any.
    pub(crate) last_contact: Option<Day>,
}

/// What every analysis reads: the network (a [`Graph`]: a snapshot, a live source or a
/// what-if overlay), the parameters, the date, and optionally the [`Precomputed`]
/// arrays (which must then come from the same snapshot, parameters and date).
///
/// Every question is asked *at the date* (§8): which ties count and how close they are,
/// who works where, which employees are gone. An analysis never reads the dated records
/// itself, so that one rule serves every section.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'s, G> {
    /// The network.
    pub(crate) graph: G,
    /// The parameters (a copy, so that results borrow the network only).
    pub(crate) params: Params,
    /// The analysis date.
    pub(crate) as_of: Day,
    tie: TieParams,
    pre: Option<&'s Precomputed<'s>>,
}

impl<'s> Ctx<'s, &'s Snapshot> {
    /// The same context reading `pre`, which must have been computed from the same
    /// snapshot, parameters and date.
    #[must_use]
    pub(crate) fn with_precomputed(self, pre: &'s Precomputed<'s>) -> Self {
        Ctx {
            pre: Some(pre),
            ..self
        }
    }
}

impl<'s, G: Graph<'s>> Ctx<'s, G> {
    /// A context computing everything on demand.
    pub(crate) fn new(graph: G, params: &Params, as_of: Day) -> Self {
        Ctx {
            graph,
            params: *params,
            as_of,
            tie: params.tie_params(),
            pre: None,
        }
    }

    /// The same network and parameters at another date, computing on demand.
    #[must_use]
    pub(crate) fn at(self, day: Day) -> Self {
        Ctx {
            as_of: day,
            pre: None,
            ..self
        }
    }

    /// Whether employee `e` is gone at the date (§8.3).
    pub(crate) fn gone(&self, e: EmployeeId) -> bool {
        self.graph.is_gone(e, self.as_of)
    }

    /// Whether the tie at index `tie` counts at the date: a record or an interaction by
    /// then, of an employee not gone (§8.1, §8.3).
    pub(crate) fn live(&self, tie: usize) -> bool {
        self.graph.tie_live(tie, self.as_of)
    }

    /// The employee of the tie at index `tie`.
    pub(crate) fn tie_employee(&self, tie: usize) -> Option<EmployeeId> {
        self.graph.tie(tie).map(|t| t.employee)
    }

    /// The person of the tie at index `tie`.
    pub(crate) fn tie_person(&self, tie: usize) -> Option<PersonId> {
        self.graph.tie(tie).map(|t| t.person)
    }

    /// Each person's strongest path from any employee, when precomputed.
    pub(crate) fn employee_reach(&self) -> Option<&[f64]> {
        self.pre
            .map(|p| p.employee_reach.as_slice())
            .filter(|r| !r.is_empty())
    }

    /// `c_eff` of the tie at index `tie` (§8.1); 0 if it does not count at the date.
    pub(crate) fn effective(&self, tie: usize) -> f64 {
        if let Some(v) = self.pre.and_then(|p| p.effective.get(tie)) {
            return *v;
        }
        self.graph.effective_closeness(tie, self.as_of, &self.tie)
    }

    /// `last(e, p)` of the tie at index `tie` (§8.1).
    pub(crate) fn last_contact(&self, tie: usize) -> Option<Day> {
        self.graph.last_contact(tie, self.as_of)
    }

    /// The earliest interaction of the tie at index `tie` dated on or before the date.
    pub(crate) fn first_contact(&self, tie: usize) -> Option<Day> {
        self.graph.first_contact(tie, self.as_of)
    }

    /// The tie at index `tie` with its figures at the date, if it counts then.
    pub(crate) fn live_tie(&self, tie: usize) -> Option<LiveTie> {
        let t = self.graph.tie(tie)?;
        self.live(tie).then(|| LiveTie {
            index: tie,
            employee: t.employee,
            person: t.person,
            effective: self.effective(tie),
            last_contact: self.last_contact(tie),
        })
    }

    /// The tie indices of `p`'s ties that count at the date, by employee id.
    pub(crate) fn person_ties(&self, p: PersonId) -> impl Iterator<Item = usize> + use<'_, 's, G> {
        self.graph.person_ties(p).filter(move |&i| self.live(i))
    }

    /// `p`'s ties that count at the date, with their figures, by employee id.
    pub(crate) fn ties_of(&self, p: PersonId) -> impl Iterator<Item = LiveTie> + use<'_, 's, G> {
        self.graph
            .person_ties(p)
            .filter_map(move |i| self.live_tie(i))
    }

    /// The tie indices of `e`'s ties that count at the date (none if `e` is gone), by
    /// person id.
    pub(crate) fn employee_ties(
        &self,
        e: EmployeeId,
    ) -> impl Iterator<Item = usize> + use<'_, 's, G> {
        let ties: Vec<usize> = if self.gone(e) {
            Vec::new()
        } else {
            self.graph.employee_ties(e).to_vec()
        };
        ties.into_iter().filter(move |&i| self.live(i))
    }

    /// `C(p)` (4.2).
    pub(crate) fn closeness(&self, p: PersonId) -> f64 {
        if let Some(v) = self.pre.and_then(|pre| pre.closeness.get(p.index())) {
            return *v;
        }
        closeness::person_closeness(self, p)
    }

    /// The account `p` works at on the date, if any (§8.2).
    pub(crate) fn account_of(&self, p: PersonId) -> Option<AccountId> {
        match self.pre {
            Some(pre) => pre.staffing.account_of(p),
            None => self.graph.account_at(p, self.as_of),
        }
    }

    /// The persons who work at `a` on the date, by increasing id (§8.2).
    pub(crate) fn account_persons(&self, a: AccountId) -> Cow<'s, [PersonId]> {
        match self.pre {
            Some(pre) => Cow::Borrowed(pre.staffing.persons(a)),
            None => self.graph.persons_at(a, self.as_of),
        }
    }

    /// π of an account's persons, in [`Ctx::account_persons`] order (4.4).
    pub(crate) fn account_influence(&self, a: AccountId) -> Vec<f64> {
        if let Some(pre) = self.pre {
            return pre
                .staffing
                .persons(a)
                .iter()
                .map(|p| pre.influence.get(p.index()).copied().unwrap_or(0.0))
                .collect();
        }
        let persons = self.account_persons(a);
        influence::pagerank(self.graph, &persons, &self.params)
    }

    /// `π(p)` at the date (4.4): 0 for a person who works nowhere then. Without
    /// precomputed arrays, the PageRank of `p`'s account.
    pub(crate) fn influence(&self, p: PersonId) -> f64 {
        if let Some(pre) = self.pre {
            return pre.influence.get(p.index()).copied().unwrap_or(0.0);
        }
        let Some(a) = self.account_of(p) else {
            return 0.0;
        };
        let persons = self.account_persons(a);
        let pi = influence::pagerank(self.graph, &persons, &self.params);
        influence::rank_of(&persons, &pi, p).unwrap_or(0.0)
    }

    /// The persons of project `x` (4.6, §8.2): its account's persons at the date and its
    /// chain members, by increasing id.
    pub(crate) fn project_persons(&self, x: ProjectId) -> Vec<PersonId> {
        let mut persons: Vec<PersonId> = self
            .graph
            .project_account(x)
            .map(|a| self.account_persons(a).into_owned())
            .unwrap_or_default();
        persons.extend(self.graph.members(x).iter().map(|m| m.person));
        persons.sort_unstable();
        persons.dedup();
        persons
    }
}

/// The ids of the nodes of `kind` that exist in `snapshot`, sorted by external id, in
/// parallel; stable and deterministic.
pub(crate) fn sorted_by_xid(snapshot: &Snapshot, kind: NodeKind) -> Vec<u32> {
    let key = |i: u32| match kind {
        NodeKind::Account => snapshot.account_xid(AccountId(i)),
        NodeKind::Person => snapshot.person_xid(PersonId(i)),
        NodeKind::Employee => snapshot.employee_xid(EmployeeId(i)),
        NodeKind::Project => snapshot.project_xid(ProjectId(i)),
    };
    let mut order: Vec<u32> = (0..snapshot.id_bound(kind) as u32)
        .filter(|&i| snapshot.contains(crate::model::NodeRef::new(kind, i)))
        .collect();
    order.par_sort_by(|&a, &b| key(a).cmp(key(b)));
    order
}
