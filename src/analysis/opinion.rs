//! §4.6 — opinion propagation in a project (decision-chain level; Friedkin–Johnsen).
//!
//! A project's persons are its account's persons at the analysis date (§8.2) plus its
//! chain members (who may work elsewhere, or have left). On the deference graph of 4.4 induced on them, with `W` its
//! row-normalised weights, the propagated stance is the fixed point of
//!
//! ```text
//! x = λ·W·x + (1 − λ)·s,        s = 2·V − 1 (4.3), λ = susceptibility (0.5)
//! ```
//!
//! — each person keeps part of their own stance and moves toward those they defer to. A
//! person with no out-deference inside the graph keeps `x = s`. Jacobi iteration from
//! `x = s` until the largest change is below `fj_tol` (1e-12); λ < 1 makes it a
//! contraction, so the fixed point is unique and reached in about 45 rounds.
//!
//! **Consensus** = `Σ role_weight·x / Σ role_weight` over chain members (`None` for an
//! empty chain, or if every weight is 0). **Veto risk**: every vetoer or approver with
//! `x < veto_threshold` (−0.2), strictly.

use super::{stance, Ctx, Named};
use crate::graph::Graph;
use crate::model::{Member, PersonId, ProjectId, Role};
use serde::Serialize;

/// For each of `persons` (sorted), its membership among `members`, if any. Linear in
/// the chain (a binary search per member), unlike a search per person.
pub(crate) fn chain_positions<'m>(
    persons: &[PersonId],
    members: &'m [crate::graph::ChainMember],
) -> Vec<Option<&'m Member>> {
    let mut out = vec![None; persons.len()];
    for m in members {
        if let Ok(i) = persons.binary_search(&m.person) {
            out[i] = Some(&m.member);
        }
    }
    out
}

/// The deference graph of 4.4 induced on a project's persons, row-normalised: `W` of
/// 4.6 as compressed rows over positions in the persons' list. Shared by the opinion
/// propagation (4.6) and the levers (9.1), which must see the same `W`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InducedDeference {
    offsets: Vec<usize>,
    edges: Vec<(usize, f64)>,
}

impl InducedDeference {
    /// `W` on `persons` (sorted): each person's deference edges to other persons of the
    /// list, divided by their sum; a person with none has an empty row.
    pub(crate) fn new<'s>(graph: impl Graph<'s>, persons: &[PersonId]) -> Self {
        let mut offsets = Vec::with_capacity(persons.len() + 1);
        let mut edges: Vec<(usize, f64)> = Vec::new();
        offsets.push(0);
        for &p in persons {
            let start = edges.len();
            let mut out = 0.0;
            for l in graph.deference(p).iter() {
                if let Ok(j) = persons.binary_search(&l.to) {
                    edges.push((j, l.weight));
                    out += l.weight;
                }
            }
            if out > 0.0 {
                for e in &mut edges[start..] {
                    e.1 /= out;
                }
            }
            offsets.push(edges.len());
        }
        InducedDeference { offsets, edges }
    }

    /// The number of persons (rows).
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Row `i` of `W`: `(position, weight)` pairs summing to 1, or empty when person `i`
    /// defers to nobody in the list.
    pub(crate) fn row(&self, i: usize) -> &[(usize, f64)] {
        &self.edges[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// The Friedkin–Johnsen fixed point `x = λ·W·x + (1 − λ)·s` (a person with an empty row
/// keeps `x = s`), by Jacobi iteration from `x = s` until the largest change is below
/// `tol` (or after `max_rounds`).
pub(crate) fn propagate(
    w: &InducedDeference,
    stance: &[f64],
    lambda: f64,
    tol: f64,
    max_rounds: usize,
) -> Vec<f64> {
    let n = w.len();
    let mut cur = stance.to_vec();
    let mut next = vec![0.0; n];
    for _ in 0..max_rounds.max(1) {
        let mut change: f64 = 0.0;
        for i in 0..n {
            let row = w.row(i);
            let v = if row.is_empty() {
                stance[i]
            } else {
                let pull: f64 = row.iter().map(|&(j, w)| w * cur[j]).sum();
                lambda * pull + (1.0 - lambda) * stance[i]
            };
            change = change.max((v - cur[i]).abs());
            next[i] = v;
        }
        std::mem::swap(&mut cur, &mut next);
        if change < tol {
            break;
        }
    }
    cur
}

/// The propagated opinions of one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opinion<'s> {
    /// The project's persons (its account's persons and its chain members), by
    /// increasing id.
    pub persons: Vec<Named<'s, PersonId>>,
    /// Their closeness to us `C` (§4.2), aligned with `persons`.
    pub closeness: Vec<f64>,
    /// Their stance `s = 2V − 1`, aligned with `persons`.
    pub stance: Vec<f64>,
    /// Their propagated stance `x`, aligned with `persons`.
    pub opinion: Vec<f64>,
    /// Role-weighted mean of `x` over the chain (`None` for an empty chain).
    pub consensus: Option<f64>,
    /// Vetoers and approvers with `x < veto_threshold`, by external id.
    pub veto_risk: Vec<Named<'s, PersonId>>,
}

impl Opinion<'_> {
    /// The position of `p` among [`persons`](Opinion::persons), if it is one of them.
    pub fn position(&self, p: PersonId) -> Option<usize> {
        self.persons.binary_search_by_key(&p, |n| n.id).ok()
    }

    /// The closeness `C` of `p`, if it is one of the project's persons.
    pub fn closeness_of(&self, p: PersonId) -> Option<f64> {
        self.position(p).map(|i| self.closeness[i])
    }

    /// The stance `s` of `p`, if it is one of the project's persons.
    pub fn stance_of(&self, p: PersonId) -> Option<f64> {
        self.position(p).map(|i| self.stance[i])
    }

    /// The propagated stance `x` of `p`, if it is one of the project's persons.
    pub fn opinion_of(&self, p: PersonId) -> Option<f64> {
        self.position(p).map(|i| self.opinion[i])
    }
}

/// Friedkin–Johnsen propagation on project `x` (see the module documentation).
pub(crate) fn project_opinion<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, x: ProjectId) -> Opinion<'s> {
    opinion_and_deference(ctx, x).0
}

/// [`project_opinion`] and the `W` it propagated on, for the levers (9.1) of the same
/// project, which would otherwise build it again.
pub(crate) fn opinion_and_deference<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    x: ProjectId,
) -> (Opinion<'s>, InducedDeference) {
    let graph = ctx.graph;
    let params = ctx.params;
    let persons = ctx.project_persons(x);
    let members = graph.members(x);
    let members: &[crate::graph::ChainMember] = &members;
    let chain = chain_positions(&persons, members);
    let closeness: Vec<f64> = persons.iter().map(|&p| ctx.closeness(p)).collect();
    let stance: Vec<f64> = closeness
        .iter()
        .zip(&chain)
        .map(|(&c, m)| stance::stance(c, *m))
        .collect();
    let rows = InducedDeference::new(graph, &persons);
    let cur = propagate(
        &rows,
        &stance,
        params.susceptibility,
        params.fj_tol,
        params.max_rounds,
    );
    let at = |p: PersonId| persons.binary_search(&p).map_or(0.0, |i| cur[i]);
    let (mut num, mut den) = (0.0, 0.0);
    for m in members {
        let w = params.role_weights.weight(m.member.role);
        num += w * at(m.person);
        den += w;
    }
    let consensus = (!members.is_empty() && den > 0.0).then(|| num / den);
    let mut veto_risk: Vec<Named<'s, PersonId>> = members
        .iter()
        .filter(|m| matches!(m.member.role, Role::Vetoer | Role::Approver))
        .filter(|m| at(m.person) < params.veto_threshold)
        .map(|m| Named::person(graph, m.person))
        .collect();
    veto_risk.sort();
    veto_risk.dedup();
    let opinion = Opinion {
        persons: persons.iter().map(|&p| Named::person(graph, p)).collect(),
        closeness,
        stance,
        opinion: cur,
        consensus,
        veto_risk,
    };
    (opinion, rows)
}
