//! SPEC §4.9 — coach candidates.
//!
//! For a project `x` and each of its persons `p` (4.6):
//!
//! ```text
//! coach(p, x) = C(p) · S(p, x) · reach(p, x) · (1 − max_k Rv(p, k))
//! ```
//!
//! the classic tests of a coach: we are credible to them (C), they want us to win (S,
//! unknown counting `unknown_solution` = 0.5, and no rival tie — the max runs over every
//! competitor, 0 if none), and they are credible to the decision makers (reach: 1 for an
//! approver of `x`, else the strongest person–person path (4.8) from `p` to any approver,
//! through any persons; 0 if none or if `x` has no approver). The answer is the top `k`
//! (3) with score > 0, by score descending then external id, each with its factors.
//!
//! `reach` is the expensive factor: on a well-connected network the strongest path to
//! an approver often runs far outside the account, so one search from the approvers
//! until every candidate is reached could explore the whole network for every project.
//! Instead:
//!
//! 1. a shared best-first search from the approvers settles a fixed budget of nodes,
//!    giving the exact reach of nearby candidates and a lower bound (a path found) for
//!    others;
//! 2. the remaining candidates, best potential `C·S·(1 − max Rv)` first, each get a
//!    bidirectional search that meets the shared search (extending it as needed). It
//!    stops as soon as the candidate's score is exact — or is certainly below the `k`-th
//!    best score or lower bound known, in which case the candidate cannot be in the top
//!    `k` and its exact reach is not needed. Once even the best remaining potential
//!    times the shared search's frontier is below that `k`-th value, the rest is skipped.
//!
//! Persons in another connected component than every approver have reach 0 without any
//! search. The result is exactly that of scoring every person (the tests compare with a
//! plain Dijkstra); only the work differs.

use super::opinion::{chain_positions, project_persons};
use super::path::Search;
use super::{closeness, Ctx};
use crate::model::{PersonId, ProjectId, Role};
use std::collections::HashMap;

/// A coach candidate and the four factors of its score.
#[derive(Debug, Clone, PartialEq)]
pub struct CoachCandidate {
    /// The person.
    pub person: PersonId,
    /// `C · S · reach · (1 − max Rv)`.
    pub score: f64,
    /// `C(p)`: we are credible to them.
    pub closeness: f64,
    /// `S(p, x)` (the unknown-acceptance default when unknown): they like our solution.
    pub solution: f64,
    /// Strongest path strength to an approver (1 for an approver).
    pub reach: f64,
    /// `1 − max_k Rv(p, k)`: no competitor holds them.
    pub rival_free: f64,
}

/// Nodes the shared search from the approvers settles before per-candidate searches.
const PHASE1_BUDGET: usize = 96;

/// The top coach candidates of project `x` (see the module documentation).
pub fn coach_candidates(ctx: &Ctx<'_>, x: ProjectId) -> Vec<CoachCandidate> {
    coach_candidates_with_budget(ctx, x, PHASE1_BUDGET)
}

/// [`coach_candidates`] with an explicit phase-1 budget (nodes settled by the shared
/// search before per-candidate searches start). The result does not depend on it; tests
/// use it to exercise both phases.
#[doc(hidden)]
pub fn coach_candidates_with_budget(
    ctx: &Ctx<'_>,
    x: ProjectId,
    budget: usize,
) -> Vec<CoachCandidate> {
    let snapshot = ctx.snapshot;
    let k = ctx.params.coach_k;
    let members = snapshot.members(x);
    let approvers: Vec<PersonId> = members
        .iter()
        .filter(|m| m.member.role == Role::Approver)
        .map(|m| m.person)
        .collect();
    if approvers.is_empty() || k == 0 {
        return Vec::new();
    }
    let persons = project_persons(snapshot, x);
    let (mut scored, mut waiting) = candidates(ctx, x, &persons, &approvers);
    if !waiting.is_empty() {
        // Highest potential first, so the bound on what is still waiting is `waiting[top]`.
        waiting.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut slot: HashMap<usize, usize> = waiting
            .iter()
            .enumerate()
            .map(|(w, (_, i, _))| (persons[*i].index(), w))
            .collect();
        let mut done = vec![false; waiting.len()];
        // Phase 1: one search from the approvers, for the nearby candidates, on a budget.
        let mut search = Search::new(ctx, &approvers, false, None);
        for _ in 0..budget {
            let Some((node, strength)) = search.next_settled() else {
                break;
            };
            if let Some(w) = slot.remove(&node) {
                done[w] = true;
                settle(&mut waiting[w].2, strength, &mut scored);
                if slot.is_empty() {
                    break;
                }
            }
        }
        // Strongest known lower bound first (then potential), so that the k-th best
        // bound rises early and prunes the weak candidates cheaply.
        let mut order: Vec<usize> = (0..waiting.len()).filter(|&w| !done[w]).collect();
        let lower = |w: usize| {
            search
                .label(waiting[w].2.person.index())
                .map_or(0.0, |r| waiting[w].0 * r)
        };
        let keys: Vec<f64> = (0..waiting.len()).map(lower).collect();
        order.sort_by(|&a, &b| keys[b].total_cmp(&keys[a]).then(a.cmp(&b)));
        // Phase 2: the others, best potential first, each by a search from the candidate
        // that meets the shared approver search (extended as needed), and gives up as
        // soon as the candidate cannot reach the top k.
        for w in order {
            if done[w] {
                continue;
            }
            // k-th best among known scores and lower bounds (potential × a path found
            // so far) of the candidates still waiting: k distinct candidates score at
            // least this much, so a candidate that cannot reach it is out.
            let mut floor: Vec<f64> = scored.iter().map(|c| c.score).collect();
            floor.extend(
                waiting
                    .iter()
                    .zip(&done)
                    .filter(|(_, d)| !**d)
                    .filter_map(|(c, _)| search.label(c.2.person.index()).map(|r| c.0 * r)),
            );
            let kth = kth_largest(&mut floor, k);
            let potential = waiting[w].0;
            let bound = search.peek().unwrap_or(0.0);
            if bound <= 0.0 {
                break; // the approvers' search is exhausted: the rest is unreachable
            }
            if kth > 0.0 && potential * bound * (1.0 + 1e-9) < kth {
                continue; // cannot reach the top k
            }
            let at_least = if kth > 0.0 { kth / potential } else { 0.0 };
            let target = waiting[w].2.person;
            let reach = meet(ctx, &mut search, target, at_least, |node, strength| {
                if let Some(other) = slot.remove(&node) {
                    done[other] = true;
                    settle(&mut waiting[other].2, strength, &mut scored);
                }
            });
            if !done[w] {
                done[w] = true;
                slot.remove(&target.index());
                if let Some(reach) = reach {
                    settle(&mut waiting[w].2, reach, &mut scored);
                }
            }
        }
    }
    sort_candidates(ctx, &mut scored);
    scored.truncate(k);
    scored
}

/// Scores the approvers (reach 1) and lists the other persons of the project that may
/// score > 0 — positive `C·S·(1 − max Rv)` and in an approver's component — with that
/// potential and their index in `persons`.
#[allow(clippy::type_complexity)]
fn candidates(
    ctx: &Ctx<'_>,
    x: ProjectId,
    persons: &[PersonId],
    approvers: &[PersonId],
) -> (Vec<CoachCandidate>, Vec<(f64, usize, CoachCandidate)>) {
    let snapshot = ctx.snapshot;
    let chain = chain_positions(persons, snapshot.members(x));
    let mut approver_components: Vec<u32> =
        approvers.iter().map(|&a| snapshot.component(a)).collect();
    approver_components.sort_unstable();
    let mut scored: Vec<CoachCandidate> = Vec::new();
    // Non-approver candidates still waiting for their reach: (potential, index).
    let mut waiting: Vec<(f64, usize, CoachCandidate)> = Vec::new();
    for (i, &p) in persons.iter().enumerate() {
        let member = chain[i];
        let c = ctx.closeness(p);
        let s = member
            .and_then(|m| m.solution)
            .map_or(ctx.params.unknown_solution, crate::model::Score::get);
        let rival_free = 1.0 - closeness::max_rival_closeness(snapshot, p);
        let mut cand = CoachCandidate {
            person: p,
            score: 0.0,
            closeness: c,
            solution: s,
            reach: 0.0,
            rival_free,
        };
        if member.is_some_and(|m| m.role == Role::Approver) {
            cand.reach = 1.0;
            cand.score = c * s * 1.0 * rival_free;
            if cand.score > 0.0 {
                scored.push(cand);
            }
        } else {
            let potential = c * s * rival_free;
            if potential > 0.0
                && approver_components
                    .binary_search(&snapshot.component(p))
                    .is_ok()
            {
                waiting.push((potential, i, cand));
            }
        }
    }
    (scored, waiting)
}

/// The strongest path strength from `target` to the approvers, or `None` if it is
/// certainly below `at_least` (> 0).
///
/// A search from the target grows until it meets the shared approver search `fwd`,
/// which this extends too — bidirectional best-first search with the approver side
/// kept across candidates. Each step expands the side whose next node is the stronger,
/// so that the bound `top_tgt · top_fwd` falls as fast as possible. `μ` is the best meeting found
/// (`s_tgt(u)·w(u, v)·s_fwd(v)`, with tentative labels, each a real path). Any path not
/// yet found leaves the target's settled set at a node `u` and enters the approvers'
/// unsettled set, so it is at most `top_tgt · top_fwd`: once that is `≤ μ`, `μ` is exact.
/// Every node the approver side settles meanwhile has its exact reach, reported to
/// `on_settle` (so other candidates need no search of their own).
fn meet<'c, 'a>(
    ctx: &'c Ctx<'a>,
    fwd: &mut Search<'c, 'a>,
    target: PersonId,
    at_least: f64,
    mut on_settle: impl FnMut(usize, f64),
) -> Option<f64> {
    let margin = 1.0 - 1e-9;
    let mut bwd = Search::new(ctx, &[target], false, None);
    let mut mu: f64 = fwd.label(target.index()).unwrap_or(0.0);
    loop {
        let (tf, tb) = (fwd.peek().unwrap_or(0.0), bwd.peek().unwrap_or(0.0));
        let bound = tf * tb;
        if bound <= mu {
            return (at_least <= 0.0 || mu >= at_least * margin).then_some(mu);
        }
        if at_least > 0.0 && bound < at_least * margin && mu < at_least * margin {
            return None;
        }
        let forward = tb <= 0.0 || (tf > 0.0 && tf >= tb);
        let (this, other) = if forward {
            (&mut *fwd, &bwd)
        } else {
            (&mut bwd, &*fwd)
        };
        let Some((u, su)) = this.next_settled() else {
            continue;
        };
        if let Some(o) = other.label(u) {
            mu = mu.max(su * o);
        }
        for l in ctx.snapshot.links(PersonId(u as u32)) {
            if let Some(o) = other.label(l.to.index()) {
                mu = mu.max(su * l.weight * o);
            }
        }
        if forward {
            on_settle(u, su);
        }
    }
}

/// Records `reach` and the score of `cand`, keeping it if the score is positive.
fn settle(cand: &mut CoachCandidate, reach: f64, scored: &mut Vec<CoachCandidate>) {
    cand.reach = reach;
    cand.score = cand.closeness * cand.solution * reach * cand.rival_free;
    if cand.score > 0.0 {
        scored.push(cand.clone());
    }
}

/// The `k`-th largest of `values` (0 if there are fewer than `k`).
fn kth_largest(values: &mut [f64], k: usize) -> f64 {
    if k == 0 || values.len() < k {
        return 0.0;
    }
    let (_, kth, _) = values.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    *kth
}

fn sort_candidates(ctx: &Ctx<'_>, scored: &mut [CoachCandidate]) {
    let snapshot = ctx.snapshot;
    scored.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| {
            snapshot
                .person_xid(a.person)
                .cmp(snapshot.person_xid(b.person))
        })
    });
}
