//! §4.9 — coach candidates.
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
//! `reach` is the expensive factor. On a well-connected network the strongest path to
//! an approver often runs far outside the account (always, when the approver belongs to
//! another account), so a search from the approvers until every candidate is reached
//! can explore much of the network, and one search per candidate repeats the same
//! neighbourhood for every person of the account. Instead, one bidirectional search
//! ranks all candidates at once:
//!
//! - one side is a best-first search from the approvers (strength 1);
//! - the other starts from every candidate at once, each with its *potential*
//!   `C·S·(1 − max Rv)`, and keeps at each node the best labels of up to `k` distinct
//!   candidates (a node reached first by `k` stronger candidates cannot lie on the best
//!   path of a candidate that would make the top `k`);
//! - each settled node meets the other side's labels on it and on its links, and every
//!   meeting is a real path, so it raises that candidate's known reach;
//! - each step expands the side whose next node is the stronger. A path not yet found
//!   scores at most the product of the two sides' next strengths, so the search stops
//!   once that bound is below the `k`-th best score known (the top `k` are then exact
//!   and nobody else can enter) or below every candidate's known score.
//!
//! Persons in another connected component than every approver have reach 0 without any
//! search. The result is exactly that of scoring every person (the tests compare with a
//! plain Dijkstra); only the work differs. Its cost follows the project's neighbourhood
//! and the strength of its best paths, not the size of the network.

use super::opinion::chain_positions;
use super::path::Search;
use super::{closeness, Ctx, Named};
use crate::model::{PersonId, ProjectId, Role};
use serde::Serialize;
use std::collections::{BinaryHeap, HashMap};

/// A coach candidate and the four factors of its score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoachCandidate<'s> {
    /// The person.
    pub person: Named<'s, PersonId>,
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
pub(crate) fn coach_candidates<'s>(ctx: &Ctx<'s>, x: ProjectId) -> Vec<CoachCandidate<'s>> {
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
    let persons = ctx.project_persons(x);
    let (mut scored, mut waiting) = candidates(ctx, x, &persons, &approvers);
    if !waiting.is_empty() {
        let reach = ranked_reach(ctx, &approvers, &waiting, &scored, k);
        for (c, r) in waiting.iter_mut().zip(reach) {
            if r > 0.0 {
                settle(&mut c.2, r, &mut scored);
            }
        }
    }
    sort_candidates(&mut scored);
    scored.truncate(k);
    scored
}

/// The reach of each waiting candidate, exact for every candidate that can make the
/// top `k` beside the already `scored` approvers, a lower bound (0: no path found)
/// for the others. See the module documentation.
fn ranked_reach(
    ctx: &Ctx<'_>,
    approvers: &[PersonId],
    waiting: &[(f64, usize, CoachCandidate<'_>)],
    scored: &[CoachCandidate<'_>],
    k: usize,
) -> Vec<f64> {
    const MARGIN: f64 = 1.0 + 1e-9;
    let snapshot = ctx.snapshot;
    let potential: Vec<f64> = waiting.iter().map(|w| w.0).collect();
    let mut reach = vec![0.0f64; waiting.len()];
    let mut fwd = Search::new(ctx, approvers, false, None);
    let mut bwd = Distinct::new(&potential, k);
    for (src, w) in waiting.iter().enumerate() {
        bwd.relax(w.2.person.id.index(), src, 1.0);
    }
    let found = |reach: &mut [f64], src: usize, r: f64, dirty: &mut bool| {
        if r > reach[src] {
            reach[src] = r;
            *dirty = true;
        }
    };
    let approver_scores: Vec<f64> = scored.iter().map(|c| c.score).collect();
    let (mut kth, mut lowest, mut dirty) = (0.0, 0.0, true);
    loop {
        let (tf, tb) = (fwd.peek().unwrap_or(0.0), bwd.peek().unwrap_or(0.0));
        let bound = tf * tb;
        if dirty {
            dirty = false;
            let mut values = approver_scores.clone();
            values.extend(potential.iter().zip(&reach).map(|(p, r)| p * r));
            lowest = potential
                .iter()
                .zip(&reach)
                .map(|(p, r)| p * r)
                .fold(f64::INFINITY, f64::min);
            kth = kth_largest(&mut values, k);
        }
        if bound * MARGIN < kth || bound <= lowest {
            break;
        }
        if tf > 0.0 && tf >= tb {
            let Some((u, f)) = fwd.next_settled() else {
                continue;
            };
            for l in bwd.labels(u) {
                found(&mut reach, l.src, l.reach * f, &mut dirty);
            }
            for link in snapshot.links(PersonId(u as u32)) {
                for l in bwd.labels(link.to.index()) {
                    found(&mut reach, l.src, l.reach * link.weight * f, &mut dirty);
                }
            }
        } else {
            let Some((u, src, r)) = bwd.next_settled() else {
                continue;
            };
            if let Some(f) = fwd.label(u) {
                found(&mut reach, src, r * f, &mut dirty);
            }
            for link in snapshot.links(PersonId(u as u32)) {
                if let Some(f) = fwd.label(link.to.index()) {
                    found(&mut reach, src, r * link.weight * f, &mut dirty);
                }
                bwd.relax(link.to.index(), src, r * link.weight);
            }
        }
    }
    reach
}

/// A best-first search from many sources at once, each starting with its own weight
/// (a candidate's potential), that keeps at each node the labels of at most `k`
/// distinct sources: the strongest `k` that reach it. Labels are ordered by
/// `weight · reach`; `reach` is the product of the path's link weights.
struct Distinct<'p> {
    weight: &'p [f64],
    k: usize,
    nodes: HashMap<usize, Labels>,
    heap: BinaryHeap<Pending>,
}

/// A node's labels: at most one per source, and the number settled.
#[derive(Default)]
struct Labels {
    settled: usize,
    list: Vec<Label>,
}

/// One source's best known path to a node.
#[derive(Clone, Copy)]
struct Label {
    src: usize,
    reach: f64,
    done: bool,
}

/// A heap entry: `key = weight[src] · reach`.
struct Pending {
    key: f64,
    reach: f64,
    node: usize,
    src: usize,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key
            .total_cmp(&other.key)
            .then_with(|| other.node.cmp(&self.node))
            .then_with(|| other.src.cmp(&self.src))
    }
}

impl<'p> Distinct<'p> {
    fn new(weight: &'p [f64], k: usize) -> Self {
        Distinct {
            weight,
            k,
            nodes: HashMap::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Offers `src` a path of strength `reach` to `node`.
    fn relax(&mut self, node: usize, src: usize, reach: f64) {
        let key = self.weight[src] * reach;
        if key <= 0.0 {
            return;
        }
        let labels = self.nodes.entry(node).or_default();
        if labels.settled >= self.k {
            return;
        }
        match labels.list.iter_mut().find(|l| l.src == src) {
            Some(l) if l.done || l.reach >= reach => return,
            Some(l) => l.reach = reach,
            None => labels.list.push(Label {
                src,
                reach,
                done: false,
            }),
        }
        self.heap.push(Pending {
            key,
            reach,
            node,
            src,
        });
    }

    /// Whether a heap entry is still to be settled.
    fn live(&self, p: &Pending) -> bool {
        self.nodes.get(&p.node).is_some_and(|labels| {
            labels.settled < self.k
                && labels
                    .list
                    .iter()
                    .any(|l| l.src == p.src && !l.done && l.reach.to_bits() == p.reach.to_bits())
        })
    }

    /// The key of the next label to settle (an upper bound on every unsettled label).
    fn peek(&mut self) -> Option<f64> {
        while let Some(top) = self.heap.peek() {
            if self.live(top) {
                return Some(top.key);
            }
            self.heap.pop();
        }
        None
    }

    /// Settles the strongest pending label: `(node, source, reach)`. The caller
    /// relaxes the node's links.
    fn next_settled(&mut self) -> Option<(usize, usize, f64)> {
        self.peek()?;
        let top = self.heap.pop()?;
        let labels = self.nodes.get_mut(&top.node)?;
        labels.settled += 1;
        if let Some(l) = labels.list.iter_mut().find(|l| l.src == top.src) {
            l.done = true;
        }
        Some((top.node, top.src, top.reach))
    }

    /// Every label known at `node` (each is a real path).
    fn labels(&self, node: usize) -> &[Label] {
        self.nodes.get(&node).map_or(&[], |l| l.list.as_slice())
    }
}

/// Scores the approvers (reach 1) and lists the other persons of the project that may
/// score > 0 — positive `C·S·(1 − max Rv)` and in an approver's component — with that
/// potential and their index in `persons`.
#[allow(clippy::type_complexity)]
fn candidates<'s>(
    ctx: &Ctx<'s>,
    x: ProjectId,
    persons: &[PersonId],
    approvers: &[PersonId],
) -> (
    Vec<CoachCandidate<'s>>,
    Vec<(f64, usize, CoachCandidate<'s>)>,
) {
    let snapshot = ctx.snapshot;
    let chain = chain_positions(persons, snapshot.members(x));
    let mut approver_components: Vec<u32> =
        approvers.iter().map(|&a| snapshot.component(a)).collect();
    approver_components.sort_unstable();
    let mut scored: Vec<CoachCandidate<'s>> = Vec::new();
    // Non-approver candidates still waiting for their reach: (potential, index).
    let mut waiting: Vec<(f64, usize, CoachCandidate<'s>)> = Vec::new();
    for (i, &p) in persons.iter().enumerate() {
        let member = chain[i];
        let c = ctx.closeness(p);
        let s = member
            .and_then(|m| m.solution)
            .map_or(ctx.params.unknown_solution, crate::model::Score::get);
        let rival_free = 1.0 - closeness::max_rival_closeness(snapshot, p);
        let mut cand = CoachCandidate {
            person: Named::person(snapshot, p),
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

/// Records `reach` and the score of `cand`, keeping it if the score is positive.
fn settle<'s>(cand: &mut CoachCandidate<'s>, reach: f64, scored: &mut Vec<CoachCandidate<'s>>) {
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

/// By score descending, then external id.
fn sort_candidates(scored: &mut [CoachCandidate<'_>]) {
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.person.cmp(&b.person))
    });
}
