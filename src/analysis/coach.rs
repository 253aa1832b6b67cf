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
//! **Which reach.** A path's strength is a product, and a product of the same weights
//! taken in another order can differ in the last bit. The reach reported is always the
//! label of the candidate in the max-product Dijkstra search from the approvers (each
//! path's product taken from the approver's end, ties settled by id): a function of the
//! network alone, so the figures are the same to the last bit whatever part of the
//! network a search happened to explore — on a snapshot, on a live source that knows no
//! connected components, or on a what-if overlay.
//!
//! **Finding the top `k` cheaply.** On a well-connected network the strongest path to an
//! approver often runs far outside the account (always, when the approver belongs to
//! another account), so a search from the approvers until every candidate is reached
//! can explore much of the network. Instead, one bidirectional search *selects* the
//! candidates that can make the top `k`:
//!
//! - one side is the best-first search from the approvers (strength 1);
//! - the other starts from every candidate at once, each with its *potential*
//!   `C·S·(1 − max Rv)`, and keeps at each node the best labels of up to `k` distinct
//!   candidates (a node reached first by `k` stronger candidates cannot lie on the best
//!   path of a candidate that would make the top `k`);
//! - each settled node meets the other side's labels on it and on its links, and every
//!   meeting is a real path, so it raises that candidate's known reach;
//! - each step expands the side whose next node is the stronger. A path not yet found
//!   scores at most the product of the two sides' next strengths, so the search stops
//!   once that bound is below the `k`-th best score known (the top `k` are then known,
//!   and nobody else can enter) or below every candidate's known score;
//! - a candidate whose own search ran out without meeting the approvers' and without
//!   being cut short by the `k` labels of a node has explored its whole connected
//!   component: no approver is in it, its reach is exactly 0, and it no longer holds
//!   the search open.
//!
//! Then every candidate within a rounding of the `k`-th best score is scored with its
//! settled label in the search from the approvers. A weak best path would mean
//! settling every node more strongly tied to the approvers first — on a large network
//! a few such candidates cost nearly as much as all projects' searches together — so
//! the label is found from both ends instead (`path::label_from`): a search back from
//! the candidate, run beside the approvers' one until no unseen path can beat the
//! meeting already found, bounds every node's strength to the candidate, and a phase
//! of the approvers' search guided by that bound goes straight along the strongest
//! paths to the very float the plain search would settle.
//!
//! Persons in another connected component than every approver have reach 0 without
//! any search when the source knows the components (a snapshot does),
//! which saves exploring their components; the rule above finds the same answer
//! without that hint. The result is exactly that of scoring every person with a plain
//! Dijkstra from the approvers (the tests compare); only the work differs. Its cost
//! follows the project's neighbourhood and the strength of its best paths, not the
//! size of the network.

use super::opinion::chain_positions;
use super::path::{self, Search};
use super::{closeness, Ctx, Named};
use crate::graph::{ChainMember, Graph};
use crate::model::{PersonId, ProjectId, Role};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::BinaryHeap;

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
pub(crate) fn coach_candidates<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    x: ProjectId,
) -> Vec<CoachCandidate<'s>> {
    let k = ctx.params.coach_k;
    let members = ctx.graph.members(x);
    let approvers: Vec<PersonId> = members
        .iter()
        .filter(|m| m.member.role == Role::Approver)
        .map(|m| m.person)
        .collect();
    if approvers.is_empty() || k == 0 {
        return Vec::new();
    }
    let persons = ctx.project_persons(x);
    let (mut scored, waiting) = candidates(ctx, &members, &persons, &approvers);
    if !waiting.is_empty() {
        let reach = ranked_reach(ctx, &approvers, &waiting, &scored, k);
        for ((_, mut c), r) in waiting.into_iter().zip(reach) {
            if let Some(r) = r {
                c.reach = r;
                c.score = c.closeness * c.solution * r * c.rival_free;
                if c.score > 0.0 {
                    scored.push(c);
                }
            }
        }
    }
    sort_candidates(&mut scored);
    scored.truncate(k);
    scored
}

/// A candidate still waiting for its reach: its potential `C·S·(1 − max Rv)` (> 0)
/// and its figures so far.
type Waiting<'s> = (f64, CoachCandidate<'s>);

/// The settled reach (see the module documentation) of each waiting candidate that
/// can make the top `k` beside the already `scored` approvers; `None` for the others.
fn ranked_reach<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    approvers: &[PersonId],
    waiting: &[Waiting<'s>],
    scored: &[CoachCandidate<'_>],
    k: usize,
) -> Vec<Option<f64>> {
    const MARGIN: f64 = 1.0 + 1e-9;
    let graph = ctx.graph;
    let potential: Vec<f64> = waiting.iter().map(|w| w.0).collect();
    let mut reach = vec![0.0f64; waiting.len()];
    let mut fwd = Search::new(ctx, approvers, false, None);
    let mut bwd = Distinct::new(&potential, k);
    for (src, w) in waiting.iter().enumerate() {
        bwd.relax(w.1.person.id.index(), src, 1.0);
    }
    let found = |reach: &mut [f64], src: usize, r: f64, dirty: &mut bool| {
        if r > reach[src] {
            reach[src] = r;
            *dirty = true;
        }
    };
    let approver_scores: Vec<f64> = scored.iter().map(|c| c.score).collect();
    // Every score known so far, gathered into one buffer reused at each update.
    let mut scores: Vec<f64> = Vec::with_capacity(approver_scores.len() + potential.len());
    let mut known = |reach: &[f64]| -> f64 {
        scores.clear();
        scores.extend_from_slice(&approver_scores);
        scores.extend(potential.iter().zip(reach).map(|(p, r)| p * r));
        kth_largest(&mut scores, k)
    };
    let (mut kth, mut lowest, mut dirty) = (0.0, 0.0, true);
    loop {
        let (tf, tb) = (fwd.peek().unwrap_or(0.0), bwd.peek().unwrap_or(0.0));
        let bound = tf * tb;
        if bwd.take_exhausted() {
            dirty = true;
        }
        if dirty {
            dirty = false;
            // Candidates proven out of every approver's component hold nothing open.
            lowest = potential
                .iter()
                .zip(&reach)
                .enumerate()
                .filter(|&(src, (_, &r))| !(r == 0.0 && bwd.dead(src)))
                .map(|(_, (p, r))| p * r)
                .fold(f64::INFINITY, f64::min);
            kth = known(&reach);
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
            for link in graph.links(PersonId(u as u32)).iter() {
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
            for link in graph.links(PersonId(u as u32)).iter() {
                if let Some(f) = fwd.label(link.to.index()) {
                    found(&mut reach, src, r * link.weight * f, &mut dirty);
                }
                bwd.relax(link.to.index(), src, r * link.weight);
            }
        }
    }
    // The contenders: every candidate found within a rounding of the k-th best score
    // (the search's products may round differently from the settled labels). Nobody
    // else can make the top k: an unfound path scores below kth / MARGIN.
    let floor = known(&reach) / CONTENDER_SLACK;
    let mut open: Vec<(usize, usize)> = reach
        .iter()
        .enumerate()
        .filter(|&(src, &r)| r > 0.0 && potential[src] * r >= floor)
        .map(|(src, _)| (waiting[src].1.person.id.index(), src))
        .collect();
    let mut settled = vec![None; waiting.len()];
    open.retain(|&(node, src)| match fwd.settled(node) {
        Some(f) => {
            settled[src] = Some(f);
            false
        }
        None => true,
    });
    for (node, src) in open {
        settled[src] = path::label_from(&mut fwd, PersonId(node as u32), reach[src] / MARGIN);
    }
    settled
}

/// How far below the `k`-th best known score a candidate is still settled exactly:
/// far more than the rounding of a product, far less than the search's stopping
/// margin.
const CONTENDER_SLACK: f64 = 1.0 + 1e-6;

/// A best-first search from many sources at once, each starting with its own weight
/// (a candidate's potential), that keeps at each node the labels of at most `k`
/// distinct sources: the strongest `k` that reach it. Labels are ordered by
/// `weight · reach`; `reach` is the product of the path's link weights.
///
/// It also tells, per source, whether the source's own search has run out
/// ([`Distinct::dead`]): no label of it is pending, and none was ever refused or
/// dropped because a node already had `k` settled labels (or because its strength
/// vanished in rounding) — so it settled its whole connected component.
struct Distinct<'p> {
    weight: &'p [f64],
    k: usize,
    /// The search's working memory, taken from (and given back to) a per-thread pool.
    work: DistinctWork,
    /// Heap entries per source.
    pending: Vec<usize>,
    /// Whether a label of the source was refused or dropped.
    cut: Vec<bool>,
    /// Whether a source's pending count fell to 0 since the last
    /// [`take_exhausted`](Distinct::take_exhausted).
    exhausted: bool,
}

/// [`Distinct`]'s maps, kept per thread and cleared between searches, so that a search
/// allocates nothing once its thread has run a few: the nodes reached (a fast hash map:
/// its keys are node ids of the network, not input an adversary picks per search, and
/// its iteration order is never used), and every label in one arena, each node's
/// labels a list through it.
#[derive(Default)]
struct DistinctWork {
    nodes: FxHashMap<usize, Labels>,
    arena: Vec<Label>,
    heap: BinaryHeap<Pending>,
}

thread_local! {
    static DISTINCT_POOL: RefCell<Vec<DistinctWork>> = const { RefCell::new(Vec::new()) };
}

impl Drop for Distinct<'_> {
    fn drop(&mut self) {
        let mut work = std::mem::take(&mut self.work);
        // Clearing a hash map costs its capacity, not its length: a map grown by one
        // far-reaching search would make the clear after every later search as slow
        // (it was 6 % of a large report). So a map far larger than this search needed
        // is replaced by one of the size it needed.
        let used = work.nodes.len().max(MIN_POOLED_NODES);
        if work.nodes.capacity() > 4 * used {
            work.nodes = FxHashMap::with_capacity_and_hasher(used, rustc_hash::FxBuildHasher);
        } else {
            work.nodes.clear();
        }
        work.arena.clear();
        work.heap.clear();
        DISTINCT_POOL.with(|p| p.borrow_mut().push(work));
    }
}

/// The smallest node map a pooled [`DistinctWork`] keeps.
const MIN_POOLED_NODES: usize = 256;

/// No label: the end of a node's list.
const NO_LABEL: u32 = u32::MAX;

/// A node's labels: at most one per source (a list through the arena, newest first),
/// and the number settled.
#[derive(Clone, Copy)]
struct Labels {
    settled: usize,
    first: u32,
}

/// One source's best known path to a node.
#[derive(Clone, Copy)]
struct Label {
    src: usize,
    reach: f64,
    done: bool,
    /// The node's next label in the arena.
    next: u32,
}

/// The labels of one node, walking its list through the arena.
struct LabelIter<'a> {
    arena: &'a [Label],
    at: u32,
}

impl<'a> Iterator for LabelIter<'a> {
    type Item = &'a Label;

    fn next(&mut self) -> Option<&'a Label> {
        let l = self.arena.get(self.at as usize)?;
        self.at = l.next;
        Some(l)
    }
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
            work: DISTINCT_POOL
                .with(|p| p.borrow_mut().pop())
                .unwrap_or_default(),
            pending: vec![0; weight.len()],
            cut: vec![false; weight.len()],
            exhausted: false,
        }
    }

    /// The arena index of `src`'s label at the node whose list starts at `first`.
    fn find(&self, first: u32, src: usize) -> Option<usize> {
        let mut at = first;
        while let Some(l) = self.work.arena.get(at as usize) {
            if l.src == src {
                return Some(at as usize);
            }
            at = l.next;
        }
        None
    }

    /// Offers `src` a path of strength `reach` to `node`.
    fn relax(&mut self, node: usize, src: usize, reach: f64) {
        let key = self.weight[src] * reach;
        if key <= 0.0 {
            self.cut[src] = true;
            return;
        }
        let labels = *self.work.nodes.entry(node).or_insert(Labels {
            settled: 0,
            first: NO_LABEL,
        });
        if labels.settled >= self.k {
            self.cut[src] = true;
            return;
        }
        if let Some(i) = self.find(labels.first, src) {
            let l = &mut self.work.arena[i];
            if l.done || l.reach >= reach {
                return;
            }
            l.reach = reach;
        } else {
            let Ok(at) = u32::try_from(self.work.arena.len()) else {
                self.cut[src] = true; // beyond 2³² labels: treated as refused
                return;
            };
            self.work.arena.push(Label {
                src,
                reach,
                done: false,
                next: labels.first,
            });
            if let Some(l) = self.work.nodes.get_mut(&node) {
                l.first = at;
            }
        }
        self.work.heap.push(Pending {
            key,
            reach,
            node,
            src,
        });
        self.pending[src] += 1;
    }

    /// Whether a heap entry is still to be settled; `Some(true)` when it is stale
    /// because its node filled up with `k` settled labels (the source's search is cut
    /// there), `Some(false)` when a better entry of the source replaced it or it is
    /// settled.
    fn stale(&self, p: &Pending) -> Option<bool> {
        let Some(labels) = self.work.nodes.get(&p.node) else {
            return Some(false);
        };
        let current = self.find(labels.first, p.src).is_some_and(|i| {
            let l = &self.work.arena[i];
            !l.done && l.reach.to_bits() == p.reach.to_bits()
        });
        match (current, labels.settled < self.k) {
            (true, true) => None,
            (true, false) => Some(true),
            (false, _) => Some(false),
        }
    }

    /// Takes one entry of `src` off the heap's count.
    fn release(&mut self, src: usize) {
        self.pending[src] -= 1;
        if self.pending[src] == 0 {
            self.exhausted = true;
        }
    }

    /// The key of the next label to settle (an upper bound on every unsettled label).
    fn peek(&mut self) -> Option<f64> {
        while let Some(top) = self.work.heap.peek() {
            let Some(cut) = self.stale(top) else {
                return Some(top.key);
            };
            let src = top.src;
            self.work.heap.pop();
            self.cut[src] |= cut;
            self.release(src);
        }
        None
    }

    /// Settles the strongest pending label: `(node, source, reach)`. The caller
    /// relaxes the node's links.
    fn next_settled(&mut self) -> Option<(usize, usize, f64)> {
        self.peek()?;
        let top = self.work.heap.pop()?;
        self.release(top.src);
        let labels = self.work.nodes.get_mut(&top.node)?;
        labels.settled += 1;
        let first = labels.first;
        if let Some(i) = self.find(first, top.src) {
            self.work.arena[i].done = true;
        }
        Some((top.node, top.src, top.reach))
    }

    /// Every label known at `node` (each is a real path).
    fn labels(&self, node: usize) -> LabelIter<'_> {
        LabelIter {
            arena: &self.work.arena,
            at: self.work.nodes.get(&node).map_or(NO_LABEL, |l| l.first),
        }
    }

    /// Whether some source's search ran out since the last call.
    fn take_exhausted(&mut self) -> bool {
        std::mem::take(&mut self.exhausted)
    }

    /// Whether `src`'s search ran out without being cut: it settled every node of its
    /// connected component.
    fn dead(&self, src: usize) -> bool {
        self.pending[src] == 0 && !self.cut[src]
    }
}

/// Scores the approvers (reach 1) and lists the other persons of the project that may
/// score > 0 — positive `C·S·(1 − max Rv)`, and in an approver's component when the
/// source knows components — with that potential.
fn candidates<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    members: &[ChainMember],
    persons: &[PersonId],
    approvers: &[PersonId],
) -> (Vec<CoachCandidate<'s>>, Vec<Waiting<'s>>) {
    let graph = ctx.graph;
    let chain = chain_positions(persons, members);
    // `None` when the source does not know the components: anyone may reach.
    let approver_components: Option<Vec<u32>> = approvers
        .iter()
        .map(|&a| graph.component(a))
        .collect::<Option<Vec<u32>>>()
        .map(|mut c| {
            c.sort_unstable();
            c
        });
    let mut scored: Vec<CoachCandidate<'s>> = Vec::with_capacity(approvers.len());
    let mut waiting: Vec<Waiting<'s>> = Vec::with_capacity(persons.len());
    for (i, &p) in persons.iter().enumerate() {
        let member = chain[i];
        let c = ctx.closeness(p);
        let s = member
            .and_then(|m| m.solution)
            .map_or(ctx.params.unknown_solution, crate::model::Score::get);
        let rival_free = 1.0 - closeness::max_rival_closeness(graph, p);
        let mut cand = CoachCandidate {
            person: Named::person(graph, p),
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
            let may_reach = approver_components.as_ref().is_none_or(|components| {
                graph
                    .component(p)
                    .is_some_and(|cp| components.binary_search(&cp).is_ok())
            });
            if potential > 0.0 && may_reach {
                waiting.push((potential, cand));
            }
        }
    }
    (scored, waiting)
}

/// The `k`-th largest of `values` (0 if there are fewer than `k`).
fn kth_largest(values: &mut [f64], k: usize) -> f64 {
    if k == 0 || values.len() < k {
        return 0.0;
    }
    let (_, kth, _) = values.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    *kth
}

/// By score descending, then external id; scores equal for ranking purposes (within
/// [`TIE_TOL`](super::TIE_TOL) relative) are ordered by external id alone.
fn sort_candidates(scored: &mut [CoachCandidate<'_>]) {
    super::rank::sort_descending(scored, |c| c.score, |a, b| a.person.cmp(&b.person));
}
