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
//! `reach` comes from one multi-source best-first search from the approvers, settling
//! persons by decreasing strength. It stops when every candidate is settled — or earlier,
//! once `k` scores are known that no unsettled candidate can beat: an unsettled person's
//! reach is at most the strength of the last settled node. Persons in another
//! connected component than every approver have reach 0 without any search.

use super::opinion::{chain_positions, project_persons};
use super::path::Search;
use super::{closeness, Ctx};
use crate::model::{PersonId, ProjectId, Role};

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

/// The top coach candidates of project `x` (see the module documentation).
pub fn coach_candidates(ctx: &Ctx<'_>, x: ProjectId) -> Vec<CoachCandidate> {
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
    let chain = chain_positions(&persons, members);
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
    if !waiting.is_empty() {
        // Highest potential first, so the bound on what is still waiting is `waiting[top]`.
        waiting.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut slot: std::collections::HashMap<usize, usize> = waiting
            .iter()
            .enumerate()
            .map(|(w, (_, i, _))| (persons[*i].index(), w))
            .collect();
        let mut done = vec![false; waiting.len()];
        let mut left = waiting.len();
        let mut top = 0;
        let mut search = Search::new(ctx, &approvers, false, None);
        while let Some((node, strength)) = search.next_settled() {
            if let Some(w) = slot.remove(&node) {
                let cand = &mut waiting[w].2;
                cand.reach = strength;
                cand.score = cand.closeness * cand.solution * strength * cand.rival_free;
                if cand.score > 0.0 {
                    scored.push(cand.clone());
                }
                done[w] = true;
                left -= 1;
                if left == 0 {
                    break;
                }
            }
            while top < done.len() && done[top] {
                top += 1;
            }
            if top < done.len() && scored.len() >= k {
                let kth = kth_score(&mut scored, k);
                if waiting[top].0 * strength * (1.0 + 1e-9) < kth {
                    break;
                }
            }
        }
    }
    sort_candidates(ctx, &mut scored);
    scored.truncate(k);
    scored
}

/// The `k`-th best score among `scored` (which has at least `k` entries).
fn kth_score(scored: &mut [CoachCandidate], k: usize) -> f64 {
    let (_, kth, _) = scored.select_nth_unstable_by(k - 1, |a, b| b.score.total_cmp(&a.score));
    kth.score
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
