//! SPEC §4.6 — opinion propagation in a project (decision-chain level; Friedkin–Johnsen).
//!
//! A project's persons are its account's persons plus its chain members (who may work
//! elsewhere). On the deference graph of 4.4 induced on them, with `W` its
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

use super::{value, Ctx};
use crate::graph::Snapshot;
use crate::model::{Member, PersonId, ProjectId, Role};

/// The persons of a project: its account's persons ∪ its chain members, by increasing id.
pub fn project_persons(snapshot: &Snapshot, x: ProjectId) -> Vec<PersonId> {
    let mut persons: Vec<PersonId> = snapshot
        .project_account(x)
        .map(|a| snapshot.account_persons(a).to_vec())
        .unwrap_or_default();
    persons.extend(snapshot.members(x).iter().map(|m| m.person));
    persons.sort_unstable();
    persons.dedup();
    persons
}

/// The chain membership of `p` in project `x`, if any.
pub fn member_of(snapshot: &Snapshot, x: ProjectId, p: PersonId) -> Option<&Member> {
    snapshot
        .members(x)
        .iter()
        .find(|m| m.person == p)
        .map(|m| &m.member)
}

/// For each of `persons` (sorted), its membership among `members`, if any. Linear in
/// the chain (a binary search per member), unlike a search per person.
pub fn chain_positions<'m>(
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

/// The propagated opinions of one project.
#[derive(Debug, Clone, PartialEq)]
pub struct Opinion {
    /// The project's persons, by increasing id.
    pub persons: Vec<PersonId>,
    /// Their stance `s = 2V − 1`, aligned with `persons`.
    pub stance: Vec<f64>,
    /// Their propagated stance `x`, aligned with `persons`.
    pub opinion: Vec<f64>,
    /// Role-weighted mean of `x` over the chain (`None` for an empty chain).
    pub consensus: Option<f64>,
    /// Vetoers and approvers with `x < veto_threshold`, by external id.
    pub veto_risk: Vec<PersonId>,
}

impl Opinion {
    /// The propagated stance of `p`, if it is one of the project's persons.
    pub fn opinion_of(&self, p: PersonId) -> Option<f64> {
        self.persons.binary_search(&p).ok().map(|i| self.opinion[i])
    }
}

/// Friedkin–Johnsen propagation on project `x` (see the module documentation).
pub fn project_opinion(ctx: &Ctx<'_>, x: ProjectId) -> Opinion {
    let snapshot = ctx.snapshot;
    let params = ctx.params;
    let persons = project_persons(snapshot, x);
    let n = persons.len();
    let members = snapshot.members(x);
    let chain = chain_positions(&persons, members);
    let stance: Vec<f64> = persons
        .iter()
        .zip(&chain)
        .map(|(&p, m)| value::stance(ctx.closeness(p), *m))
        .collect();
    // Induced, row-normalised deference rows.
    let mut offsets = Vec::with_capacity(n + 1);
    let mut edges: Vec<(usize, f64)> = Vec::new();
    offsets.push(0);
    for &p in &persons {
        let start = edges.len();
        let mut out = 0.0;
        for l in snapshot.deference(p) {
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
    let lambda = params.susceptibility;
    let mut cur = stance.clone();
    let mut next = vec![0.0; n];
    for _ in 0..params.max_rounds.max(1) {
        let mut change: f64 = 0.0;
        for i in 0..n {
            let row = &edges[offsets[i]..offsets[i + 1]];
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
        if change < params.fj_tol {
            break;
        }
    }
    let at = |p: PersonId| persons.binary_search(&p).map_or(0.0, |i| cur[i]);
    let (mut num, mut den) = (0.0, 0.0);
    for m in members {
        let w = params.role_weights.weight(m.member.role);
        num += w * at(m.person);
        den += w;
    }
    let consensus = (!members.is_empty() && den > 0.0).then(|| num / den);
    let mut veto_risk: Vec<PersonId> = members
        .iter()
        .filter(|m| matches!(m.member.role, Role::Vetoer | Role::Approver))
        .filter(|m| at(m.person) < params.veto_threshold)
        .map(|m| m.person)
        .collect();
    veto_risk.sort_by(|a, b| snapshot.person_xid(*a).cmp(snapshot.person_xid(*b)));
    veto_risk.dedup();
    Opinion {
        persons,
        stance,
        opinion: cur,
        consensus,
        veto_risk,
    }
}
