//! The analyses of §4, one private file per section, the queries over them, and the
//! §6 JSON report.
//!
//! Every analysis reads an immutable [`Snapshot`]; every constant is a field of
//! [`Params`]; the date `as_of` is always an explicit argument, never the wall clock.
//!
//! Two ways in:
//!
//! * **Queries** for one thing, as a CRM backend calls them — [`project_analysis`],
//!   [`coach_candidates`], [`strongest_paths`], [`departure_impact`],
//!   [`person_figures`], [`account_figures`], [`employee_figures`]. They compute what
//!   they need on demand (a person's closeness from its ties, the PageRank of just the
//!   accounts involved), so their cost is that thing's neighbourhood, not the network's
//!   size. An id that does not exist in the snapshot is a [`QueryError`], never empty
//!   figures.
//! * **The report** — [`Report::compute`] computes every figure of every node (§6),
//!   sharing the per-tie, per-person and per-account work and running accounts,
//!   persons, projects and employees in parallel with rayon.
//!
//! Both go through one internal context — the snapshot, parameters and date, plus for
//! the report the precomputed `c'`, `C` and `π` arrays. An analysis asks the context
//! for a figure and gets the cached value or computes it: the same formula either way,
//! so a query and the report agree to the last bit.
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
mod closeness;
mod coach;
mod competition;
mod completeness;
mod decay;
mod departure;
mod employee;
mod influence;
mod levers;
mod named;
mod opinion;
mod params;
mod path;
mod project;
mod query;
mod report;
mod stance;
mod strength;
mod win_model;

pub use coach::CoachCandidate;
pub use competition::ChainCompetition;
pub use completeness::{Check, Completeness, Gap};
pub use departure::{ClosenessDrop, DepartureImpact, StrengthDrop, Successor};
pub use employee::EmployeeFigures;
pub use levers::{Lever, Leverage, Levers, LEVERAGE_TOL};
pub use named::Named;
pub use opinion::Opinion;
pub use params::{Params, ParamsError, RoleWeights};
pub use path::Path;
pub use project::ProjectAnalysis;
pub use query::{
    account_figures, coach_candidates, departure_impact, employee_figures, levers, person_figures,
    project_analysis, strongest_paths, training_set, win_model, win_probability, AccountFigures,
    PersonFigures, QueryError,
};
pub use report::{
    AccountRow, CoachRow, EmployeeRow, GapRow, LeverRow, PersonRow, ProjectRow, Report,
};
pub use win_model::{TrainingRow, WinExplanation, WinFeatures, WinModel, MIN_SD, NEWTON_TOL};

use crate::graph::Snapshot;
use crate::model::{AccountId, Day, NodeKind, PersonId};
use rayon::prelude::*;

/// Per-tie, per-person arrays shared by every analysis of a full report.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Precomputed {
    /// `c'` by tie index (4.1).
    pub(crate) decayed: Vec<f64>,
    /// `C(p)` by person id (4.2).
    pub(crate) closeness: Vec<f64>,
    /// `π(p)` by person id (4.4).
    pub(crate) influence: Vec<f64>,
}

impl Precomputed {
    /// Computes the three arrays (in parallel).
    pub(crate) fn compute(snapshot: &Snapshot, params: &Params, as_of: Day) -> Precomputed {
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
pub(crate) struct Ctx<'a> {
    /// The network.
    pub(crate) snapshot: &'a Snapshot,
    /// The parameters (a copy, so that results borrow the snapshot only).
    pub(crate) params: Params,
    /// The analysis date.
    pub(crate) as_of: Day,
    pre: Option<&'a Precomputed>,
}

impl<'a> Ctx<'a> {
    /// A context computing everything on demand.
    pub(crate) fn new(snapshot: &'a Snapshot, params: &Params, as_of: Day) -> Ctx<'a> {
        Ctx {
            snapshot,
            params: *params,
            as_of,
            pre: None,
        }
    }

    /// The same context reading `pre`, which must have been computed from the same
    /// snapshot, parameters and date.
    #[must_use]
    pub(crate) fn with_precomputed(self, pre: &'a Precomputed) -> Ctx<'a> {
        Ctx {
            pre: Some(pre),
            ..self
        }
    }

    /// `c'` of the tie at index `tie` (4.1); 0 for an index out of range.
    pub(crate) fn decayed(&self, tie: usize) -> f64 {
        if let Some(v) = self.pre.and_then(|p| p.decayed.get(tie)) {
            return *v;
        }
        self.snapshot
            .ties()
            .get(tie)
            .map_or(0.0, |t| t.decayed(self.as_of, self.params.half_life))
    }

    /// `C(p)` (4.2).
    pub(crate) fn closeness(&self, p: PersonId) -> f64 {
        if let Some(v) = self.pre.and_then(|pre| pre.closeness.get(p.index())) {
            return *v;
        }
        closeness::person_closeness(self, p)
    }

    /// π of an account's persons, in [`Snapshot::account_persons`] order (4.4).
    pub(crate) fn account_influence(&self, a: AccountId) -> Vec<f64> {
        match self.pre {
            Some(pre) => self
                .snapshot
                .account_persons(a)
                .iter()
                .map(|p| pre.influence.get(p.index()).copied().unwrap_or(0.0))
                .collect(),
            None => influence::account_pagerank(self.snapshot, a, &self.params),
        }
    }
}

/// The ids of the nodes of `kind` that exist in `snapshot`, sorted by external id, in
/// parallel; stable and deterministic.
pub(crate) fn sorted_by_xid(snapshot: &Snapshot, kind: NodeKind) -> Vec<u32> {
    let key = |i: u32| match kind {
        NodeKind::Account => snapshot.account_xid(AccountId(i)),
        NodeKind::Person => snapshot.person_xid(PersonId(i)),
        NodeKind::Employee => snapshot.employee_xid(crate::model::EmployeeId(i)),
        NodeKind::Project => snapshot.project_xid(crate::model::ProjectId(i)),
    };
    let mut order: Vec<u32> = (0..snapshot.id_bound(kind) as u32)
        .filter(|&i| snapshot.contains(crate::model::NodeRef::new(kind, i)))
        .collect();
    order.par_sort_by(|&a, &b| key(a).cmp(key(b)));
    order
}
