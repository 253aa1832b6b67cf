//! §4.8 — strongest path (who can reach whom).
//!
//! The path graph spans the whole network: tie edges employee → person weighted by the
//! effective closeness `c_eff` at the analysis date (§8.1; a tie that does not count
//! then, such as a gone employee's, is absent), and every `reports_to` and influences edge in *both*
//! directions with its weight, the strongest of parallel edges between two persons
//! (the snapshot's [`links`](crate::graph::Snapshot::links)); weight-0 edges are absent.
//! A path's strength is the product of its weights. For a target person, the answer is
//! the `k` employees with the strongest path (ties broken by employee external id),
//! each with one of its strongest paths.
//!
//! Because every weight is in `(0, 1]`, a product can only shrink along a path, so a
//! best-first search on the product itself is Dijkstra on `−ln w` without the
//! logarithms (and their rounding). The search runs *backwards* from the target:
//! employees only have outgoing tie edges, so every path is `employee → person → … →
//! target`, and the search meets each employee through its ties. It settles nodes in
//! order of decreasing strength and stops as soon as `k` employees are settled and the
//! next candidate is strictly weaker — its cost is that of the neighbourhood explored,
//! not of the network. Its bookkeeping lives in per-thread dense arrays reset by a
//! generation stamp, so starting a search costs nothing either.
//!
//! The same search, from several sources and over persons only, gives the coach
//! analysis (4.9) its `reach`.
//!
//! **Many searches at once.** A full report asks for the best employee of every
//! lever of every project — hundreds of thousands of searches on a large network, each
//! settling every node stronger than its answer. There, one pass first bounds every
//! person's strongest path from any employee ([`employee_reach`]), and each search is
//! guided by that bound (best-first on `label · bound`, as A* is on lengths): it goes
//! straight along the strongest paths to their employees and stops as soon as nothing
//! left can come within a rounding of the answer. The labels it settles are the same
//! products as the plain search's, so the employees and strengths are the same to the
//! bit (tested against the plain search); a query on its own, which has no such pass to
//! share, runs the plain search.

use super::rank;
use super::{Ctx, Named};
use crate::graph::{Graph, Snapshot};
use crate::model::{EmployeeId, NodeKind, PersonId};
use serde::Serialize;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// An employee's strongest path to a target person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Path<'s> {
    /// The employee at the start of the path.
    pub employee: Named<'s, EmployeeId>,
    /// The product of the path's weights.
    pub strength: f64,
    /// The persons along the path, from the employee's contact to the target (both
    /// included): the hops.
    pub persons: Vec<Named<'s, PersonId>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    strength: f64,
    node: usize,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.strength
            .total_cmp(&other.strength)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

const NO_PRED: u32 = u32::MAX;

/// Per-node search state in dense arrays, valid for the nodes whose `seen` stamp is the
/// current one: starting a search is O(1) (a new stamp), not O(network). Scratches are
/// kept in a per-thread pool, so each thread allocates its arrays once.
///
/// The array is allocated zeroed (all-zero bits are the default state) rather than
/// filled, so the memory of nodes a search never visits is never touched: a process
/// that answers one live query pays for the nodes the query reaches, not for the id
/// space of a large database.
#[derive(Default)]
struct Scratch {
    /// The current search's stamp, in `1..=MAX_STAMP`.
    stamp: u32,
    /// One packed record of 16 bytes per node ([`NodeState::pack`]), so that visiting
    /// a node touches one cache line, four nodes to a line.
    nodes: Vec<[u64; 2]>,
    heap: BinaryHeap<Entry>,
}

/// The largest stamp: a record keeps `stamp · 2 + settled` in 32 bits.
const MAX_STAMP: u32 = u32::MAX >> 1;

#[derive(Clone, Copy, Default)]
struct NodeState {
    /// Best strength found (valid when `seen` is the current stamp).
    best: f64,
    /// Stamp of the search that reached the node.
    seen: u32,
    /// Stamp of the search that settled the node (only kept when it is `seen`: a
    /// node is settled only by the search that reached it; 0 otherwise).
    done: u32,
    /// Predecessor toward the sources.
    pred: u32,
}

impl NodeState {
    /// The record as stored: best's bits; then the stamp that reached the node, times
    /// two, plus 1 if that search settled it, and the predecessor.
    #[inline]
    fn pack(self) -> [u64; 2] {
        let settled = u32::from(self.done == self.seen && self.seen != 0);
        [
            self.best.to_bits(),
            u64::from((self.seen << 1) | settled) | (u64::from(self.pred) << 32),
        ]
    }

    /// The record [`pack`](Self::pack) stored (all-zero bits: the default state).
    #[inline]
    #[allow(clippy::cast_possible_truncation)] // unpacks what `pack` packed
    fn unpack(r: [u64; 2]) -> NodeState {
        let tag = r[1] as u32;
        let seen = tag >> 1;
        NodeState {
            best: f64::from_bits(r[0]),
            seen,
            done: if tag & 1 == 1 { seen } else { 0 },
            pred: (r[1] >> 32) as u32,
        }
    }
}

impl Scratch {
    fn reset(&mut self, nodes: usize) {
        if self.nodes.len() < nodes {
            // Zeroed, not filled: untouched pages are never faulted in.
            self.nodes = vec![[0; 2]; nodes];
        }
        self.stamp += 1;
        if self.stamp > MAX_STAMP {
            self.nodes.fill([0; 2]);
            self.stamp = 1;
        }
        self.heap.clear();
    }

    #[inline]
    fn node(&self, node: usize) -> Option<NodeState> {
        self.nodes.get(node).map(|r| NodeState::unpack(*r))
    }

    #[inline]
    fn set(&mut self, node: usize, state: NodeState) {
        if let Some(r) = self.nodes.get_mut(node) {
            *r = state.pack();
        }
    }
}

thread_local! {
    static POOL: RefCell<Vec<Scratch>> = const { RefCell::new(Vec::new()) };
}

/// A best-first (max-product) search over the path graph, settling nodes in order of
/// decreasing strength. Nodes are person ids `0..P` and employee ids `P + e`, with `P`
/// the snapshot's person id bound.
pub(crate) struct Search<'c, 's, G> {
    ctx: &'c Ctx<'s, G>,
    s: Scratch,
    /// The person id bound: nodes at or above it are employees.
    np: usize,
    with_employees: bool,
    excluded: Option<EmployeeId>,
}

impl<G> Drop for Search<'_, '_, G> {
    fn drop(&mut self) {
        let scratch = std::mem::take(&mut self.s);
        POOL.with(|p| p.borrow_mut().push(scratch));
    }
}

impl<'c, 's, G: Graph<'s>> Search<'c, 's, G> {
    /// A search from `sources` (strength 1). With `with_employees`, tie edges are
    /// followed backwards to employees (except `excluded`); otherwise only persons.
    pub(crate) fn new(
        ctx: &'c Ctx<'s, G>,
        sources: &[PersonId],
        with_employees: bool,
        excluded: Option<EmployeeId>,
    ) -> Self {
        let mut scratch = POOL.with(|p| p.borrow_mut().pop()).unwrap_or_default();
        let np = ctx.graph.id_bound(NodeKind::Person);
        scratch.reset(np + ctx.graph.id_bound(NodeKind::Employee));
        let mut s = Search {
            ctx,
            s: scratch,
            np,
            with_employees,
            excluded,
        };
        for p in sources {
            if ctx.graph.contains((*p).into()) {
                s.relax(p.index(), 1.0, NO_PRED);
            }
        }
        s
    }

    /// The person id bound: nodes at or above it are employees.
    fn persons(&self) -> usize {
        self.np
    }

    #[inline]
    fn relax(&mut self, node: usize, strength: f64, pred: u32) {
        if self.raise(node, strength, pred) {
            self.s.heap.push(Entry { strength, node });
        }
    }

    /// Gives `node` the label `strength` (from `pred`) if it beats the node's label in
    /// this search, and says whether it did; the caller queues the node.
    #[inline]
    fn raise(&mut self, node: usize, strength: f64, pred: u32) -> bool {
        if strength <= 0.0 {
            return false;
        }
        let stamp = self.s.stamp;
        let Some(n) = self.s.node(node) else {
            return false;
        };
        if n.seen == stamp && strength <= n.best {
            return false;
        }
        self.s.set(
            node,
            NodeState {
                best: strength,
                seen: stamp,
                done: n.done,
                pred,
            },
        );
        true
    }

    /// The strength of the next node to settle (an upper bound on every unsettled
    /// node's final strength); `None` when the search is exhausted.
    pub(crate) fn peek(&mut self) -> Option<f64> {
        while let Some(top) = self.s.heap.peek() {
            if self
                .s
                .node(top.node)
                .is_some_and(|n| n.done == self.s.stamp)
            {
                self.s.heap.pop();
            } else {
                return Some(top.strength);
            }
        }
        None
    }

    /// The best strength found so far for `node` (final once settled).
    #[inline]
    pub(crate) fn label(&self, node: usize) -> Option<f64> {
        match self.s.node(node) {
            Some(n) if n.seen == self.s.stamp => Some(n.best),
            _ => None,
        }
    }

    /// The final strength of `node` if it is settled.
    #[inline]
    pub(crate) fn settled(&self, node: usize) -> Option<f64> {
        match self.s.node(node) {
            Some(n) if n.seen == self.s.stamp && n.done == self.s.stamp => Some(n.best),
            _ => None,
        }
    }

    /// Settles the next node: `(node, strength)`, strengths non-increasing.
    pub(crate) fn next_settled(&mut self) -> Option<(usize, f64)> {
        while let Some(Entry { strength, node }) = self.s.heap.pop() {
            let Some(mut n) = self.s.node(node) else {
                continue;
            };
            if n.done == self.s.stamp {
                continue;
            }
            n.done = self.s.stamp;
            self.s.set(node, n);
            let np = self.persons();
            if node < np {
                let graph = self.ctx.graph;
                let p = PersonId(node as u32);
                for l in graph.links(p).iter() {
                    self.relax(l.to.index(), strength * l.weight, node as u32);
                }
                if self.with_employees {
                    for i in graph.person_ties(p) {
                        let Some(e) = self.ctx.tie_employee(i) else {
                            continue;
                        };
                        if Some(e) != self.excluded {
                            let c = self.ctx.effective(i);
                            self.relax(np + e.index(), strength * c, node as u32);
                        }
                    }
                }
            }
            return Some((node, strength));
        }
        None
    }

    /// The persons from `node`'s successor toward the sources, ending at a source.
    fn trail(&self, node: usize) -> Vec<PersonId> {
        let mut out = Vec::with_capacity(8);
        let mut cur = if self.label(node).is_some() {
            self.s.node(node).map_or(NO_PRED, |n| n.pred)
        } else {
            NO_PRED
        };
        while cur != NO_PRED {
            out.push(PersonId(cur));
            cur = self.s.node(cur as usize).map_or(NO_PRED, |n| n.pred);
        }
        out
    }
}

/// The `k` employees with the strongest paths to `target`, strongest first, ties by
/// employee external id; `excluded` is treated as absent with its ties (4.11). Fewer if
/// fewer reach the target.
pub(crate) fn strongest<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    target: PersonId,
    k: usize,
    excluded: Option<EmployeeId>,
) -> Vec<Path<'s>> {
    if k == 0 {
        return Vec::new();
    }
    let mut search = Search::new(ctx, &[target], true, excluded);
    let np = search.persons();
    let found = match ctx.employee_reach() {
        Some(reach) => search.guided(k, reach),
        None => search.plain(k),
    };
    let graph = ctx.graph;
    let mut named: Vec<(Named<'s, EmployeeId>, usize, f64)> = found
        .into_iter()
        .map(|(node, strength)| {
            let e = EmployeeId((node - np) as u32);
            (Named::employee(graph, e), node, strength)
        })
        .collect();
    rank::sort_descending(&mut named, |n| n.2, |a, b| a.0.xid.cmp(&b.0.xid));
    named.truncate(k);
    named
        .into_iter()
        .map(|(employee, node, strength)| Path {
            employee,
            strength,
            persons: search
                .trail(node)
                .into_iter()
                .map(|p| Named::person(graph, p))
                .collect(),
        })
        .collect()
}

/// The label `target` settles with in `fwd`, a plain search over persons from its
/// sources (the strongest product of a path from a source, taken from the source's
/// end), or `None` if no source reaches it — found without settling every node
/// stronger than it, given `found`, the product of some path between them.
///
/// When `target`'s best path is weak, settling it in `fwd` means settling every node
/// more strongly connected to the sources than `target` is, which on a large network
/// can be most of it. Instead, a plain search back from `target` runs beside `fwd`,
/// each step taken by the side whose next node is the stronger, until no path still
/// unseen by both can beat `found` (the product of the two sides' next strengths is
/// below it). The search back's labels then bound every node's strength to `target`
/// (a settled node's exactly, the others by the next strength it would settle); a
/// phase of `fwd` guided by them ([`Search::label_guided`]) runs only along the paths
/// that can be the strongest, and gives `target` the very float `fwd` would settle it
/// with. `fwd` is left in plain order, able to go on settling nodes exactly.
pub(crate) fn label_from<'s, G: Graph<'s>>(
    fwd: &mut Search<'_, 's, G>,
    target: PersonId,
    found: f64,
) -> Option<f64> {
    let ctx = fwd.ctx;
    let node = target.index();
    if let Some(f) = fwd.settled(node) {
        return Some(f);
    }
    let mut back = Search::new(ctx, &[target], false, None);
    loop {
        let Some(tf) = fwd.peek() else {
            // Every node the sources reach is settled.
            return fwd.settled(node);
        };
        let Some(tb) = back.peek() else {
            break; // every node that reaches `target` is settled by the search back
        };
        if tf * tb * GUIDE_MARGIN < found {
            break;
        }
        if tb >= tf {
            back.next_settled();
        } else if let Some((u, f)) = fwd.next_settled() {
            if u == node {
                return Some(f);
            }
        }
    }
    // Every node the search back has not settled is at most this strong to `target`.
    let rest = back.peek().unwrap_or(0.0);
    fwd.label_guided(target, |u| back.settled(u).unwrap_or(rest) * GUIDE_MARGIN)
}

/// Slack on a guiding bound: a path's product taken in another order may differ from
/// the bound's in the last bits, one rounding per hop, far below this.
const GUIDE_MARGIN: f64 = 1.0 + 1e-9;

impl<'s, G: Graph<'s>> Search<'_, 's, G> {
    /// The employees (as nodes, with their strengths) that can rank among the first `k`:
    /// every employee settled until `k` are and the next node is weaker than the `k`-th
    /// by more than a rounding (see [`rank`]).
    fn plain(&mut self, k: usize) -> Vec<(usize, f64)> {
        let np = self.persons();
        let mut found: Vec<(usize, f64)> = Vec::new();
        while let Some((node, strength)) = self.next_settled() {
            // Settled strongest first: past the k-th, only a strength equal to it for
            // ranking (see `rank`) can still win its place by the tie-break.
            if found.len() >= k
                && strength < found[k - 1].1
                && !rank::nearly_equal(strength, found[k - 1].1)
            {
                break;
            }
            if node >= np {
                found.push((node, strength));
            }
        }
        found
    }

    /// What [`plain`](Self::plain) finds, found by a search guided by `reach` (each
    /// person's strongest path from any employee, [`employee_reach`]): best-first on
    /// `label · reach`, an upper bound on the strength of any employee's path through
    /// the node, so that the search follows the strongest paths straight to their
    /// employees instead of settling every node stronger than the answer.
    ///
    /// A node's label may rise after it was expanded (the order is no longer by label);
    /// it is then expanded again. The search stops once no node left can lead to an
    /// employee within a rounding of the `k`-th best label: every employee that can
    /// rank then has its final label, the same float as the plain search's (the same
    /// products, taken from the target outward), so the answer is the same to the bit.
    fn guided(&mut self, k: usize, reach: &[f64]) -> Vec<(usize, f64)> {
        let np = self.persons();
        let bound = |node: usize| {
            let r = if node >= np {
                1.0
            } else {
                reach.get(node).copied().unwrap_or(0.0)
            };
            r * GUIDE_MARGIN
        };
        // The sources were queued by their labels: queue them by their bounds.
        let sources: Vec<Entry> = self.s.heap.drain().collect();
        for e in sources {
            let key = e.strength * bound(e.node);
            if key > 0.0 {
                self.s.heap.push(Entry {
                    strength: key,
                    node: e.node,
                });
            }
        }
        let graph = self.ctx.graph;
        let mut employees: Vec<usize> = Vec::new();
        // The k-th best employee label so far (labels only rise): 0 until k are found.
        let mut kth = 0.0f64;
        while let Some((node, key, label)) = self.pop_guided(bound) {
            if employees.len() >= k && key < kth * (1.0 - 2.0 * rank::TIE_TOL) {
                break;
            }
            if node >= np {
                continue; // an employee: paths end there
            }
            let p = PersonId(node as u32);
            for l in graph.links(p).iter() {
                let to = l.to.index();
                self.relax_guided(to, label * l.weight, node as u32, bound(to));
            }
            for i in graph.person_ties(p) {
                let Some(e) = self.ctx.tie_employee(i) else {
                    continue;
                };
                if Some(e) == self.excluded {
                    continue;
                }
                let to = np + e.index();
                let before = self.label(to);
                let strength = label * self.ctx.effective(i);
                if self.relax_guided(to, strength, node as u32, bound(to)) {
                    if before.is_none() {
                        employees.push(to);
                    }
                    // Labels only rise: the k-th best moves only when one passes it.
                    if employees.len() >= k && strength > kth {
                        kth = if k == 1 {
                            strength
                        } else {
                            self.kth_label(&employees, k)
                        };
                    }
                }
            }
        }
        let labelled: Vec<(usize, f64)> = employees
            .iter()
            .filter_map(|&e| Some((e, self.label(e)?)))
            .collect();
        if labelled.len() <= k {
            return labelled;
        }
        let kth = self.kth_label(&employees, k);
        labelled
            .into_iter()
            .filter(|&(_, s)| s >= kth || rank::nearly_equal(s, kth))
            .collect()
    }

    /// The final label of the person `target` in this search over persons — the same
    /// float as [`next_settled`](Self::next_settled) would settle it with — found by a
    /// phase guided by `bound`: for every node, an upper bound, rounding margin
    /// included, on the strength of the strongest path from the node to `target` (0
    /// where none reaches it). `None` if no source reaches `target`.
    ///
    /// The phase is best-first on `label · bound` over the nodes not yet settled,
    /// expanding a node again if its label rises, and stops once no queued node can
    /// lead to `target` with a product above the target's label. Then every path's
    /// product is at most that label (a path's first node not expanded with its
    /// prefix's product is queued with at least that product), so the label is the
    /// largest product over all paths, each taken from the sources outward: the float
    /// the plain search settles. The search is left in plain order again: every node it
    /// labelled is settled or queued by its label, so it can go on settling nodes,
    /// exactly, as if the phase had not run.
    pub(crate) fn label_guided(
        &mut self,
        target: PersonId,
        bound: impl Fn(usize) -> f64,
    ) -> Option<f64> {
        debug_assert!(
            !self.with_employees,
            "a guided label search is over persons"
        );
        let target = target.index();
        if let Some(t) = self.settled(target) {
            return Some(t);
        }
        let queued: Vec<usize> = self.s.heap.drain().map(|e| e.node).collect();
        self.queue_again(queued, |node, label| label * bound(node));
        // The nodes taken off the queue: queued again by their labels at the end.
        let mut touched: Vec<usize> = Vec::new();
        let graph = self.ctx.graph;
        let np = self.persons();
        while let Some((node, key, label)) = self.pop_guided(&bound) {
            touched.push(node);
            if key <= 0.0 || self.label(target).is_some_and(|t| key < t) {
                break;
            }
            if node == target || node >= np {
                continue;
            }
            for l in graph.links(PersonId(node as u32)).iter() {
                let to = l.to.index();
                self.relax_guided(to, label * l.weight, node as u32, bound(to));
            }
        }
        let answer = self.label(target);
        touched.extend(self.s.heap.drain().map(|e| e.node));
        self.queue_again(touched, |_, label| label);
        answer
    }

    /// The next current entry of a guided phase's queue, as `(node, key, label)`: the
    /// entries popped before it are stale — queued before the node's label rose (the
    /// newer entry, with the larger key, came first), or for a node settled since — and
    /// are dropped. An entry is current when its key is still `label · bound(node)` to
    /// the bit.
    fn pop_guided(&mut self, bound: impl Fn(usize) -> f64) -> Option<(usize, f64, f64)> {
        while let Some(Entry {
            strength: key,
            node,
        }) = self.s.heap.pop()
        {
            let Some(state) = self.s.node(node) else {
                continue;
            };
            let label = state.best;
            if state.seen == self.s.stamp
                && state.done != self.s.stamp
                && key.to_bits() == (label * bound(node)).to_bits()
            {
                return Some((node, key, label));
            }
        }
        None
    }

    /// Queues each of `nodes` that is labelled and not settled once, keyed by
    /// `key(node, label)`, into the (drained) queue.
    fn queue_again(&mut self, mut nodes: Vec<usize>, key: impl Fn(usize, f64) -> f64) {
        nodes.sort_unstable();
        nodes.dedup();
        let stamp = self.s.stamp;
        for node in nodes {
            if let Some(n) = self.s.node(node) {
                if n.seen == stamp && n.done != stamp {
                    self.s.heap.push(Entry {
                        strength: key(node, n.best),
                        node,
                    });
                }
            }
        }
    }

    /// The `k`-th largest label of `nodes` (0 if fewer than `k`).
    fn kth_label(&self, nodes: &[usize], k: usize) -> f64 {
        if nodes.len() < k {
            return 0.0;
        }
        let mut labels: Vec<f64> = nodes.iter().filter_map(|&n| self.label(n)).collect();
        if labels.len() < k {
            return 0.0;
        }
        let (_, kth, _) = labels.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        *kth
    }

    /// [`relax`](Self::relax) for [`guided`](Self::guided): queued by `strength ·
    /// bound`, and not at all where no employee's path can pass (`bound` 0). Whether the
    /// label rose.
    #[inline]
    fn relax_guided(&mut self, node: usize, strength: f64, pred: u32, bound: f64) -> bool {
        if bound <= 0.0 || !self.raise(node, strength, pred) {
            return false;
        }
        self.s.heap.push(Entry {
            strength: strength * bound,
            node,
        });
        true
    }
}

/// Rounds of [`employee_reach`]: each tightens the bound by one more hop.
const REACH_ROUNDS: usize = 8;

/// For every person id, an upper bound on the strength of the strongest path from any
/// employee to the person in the path graph at the context's date (ties by `c_eff`,
/// links both ways): 0 where no employee's path can reach (a connected component
/// without a tie that counts). It guides [`strongest`]'s searches in a full report
/// (see `Search::guided`).
///
/// The bound starts at 1 in every component that holds a tie and is tightened by
/// rounds of `h(v) ← max(strongest tie of v, max over links h(u)·w(u, v))`: every round
/// keeps it an upper bound (the exact strengths are the fixed point, and the map is
/// monotone) and makes it exact for the persons whose best path has fewer hops than the
/// rounds run. Each round is a parallel pass over the links, each person computed from
/// the previous round's values, so the result does not depend on the thread count.
pub(crate) fn employee_reach(ctx: &Ctx<'_, &Snapshot>) -> Vec<f64> {
    use rayon::prelude::*;
    let snapshot = ctx.graph;
    let np = snapshot.id_bound(NodeKind::Person);
    let tie: Vec<f64> = (0..np)
        .into_par_iter()
        .map(|v| {
            Graph::person_ties(snapshot, PersonId(v as u32))
                .map(|i| ctx.effective(i))
                .fold(0.0f64, f64::max)
        })
        .collect();
    // Components are named by their smallest person id.
    let mut with_tie = vec![false; np];
    for (v, &t) in tie.iter().enumerate() {
        if t > 0.0 {
            if let Some(slot) = with_tie.get_mut(snapshot.component(PersonId(v as u32)) as usize) {
                *slot = true;
            }
        }
    }
    let mut reach: Vec<f64> = (0..np)
        .map(|v| {
            let c = snapshot.component(PersonId(v as u32)) as usize;
            if with_tie.get(c).copied().unwrap_or(false) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    for _ in 0..REACH_ROUNDS {
        let next: Vec<f64> = (0..np)
            .into_par_iter()
            .map(|v| {
                if reach[v] == 0.0 {
                    return 0.0;
                }
                snapshot
                    .links(PersonId(v as u32))
                    .iter()
                    .map(|l| reach.get(l.to.index()).copied().unwrap_or(0.0) * l.weight)
                    .fold(tie[v], f64::max)
            })
            .collect();
        let changed = next != reach;
        reach = next;
        if !changed {
            break;
        }
    }
    reach
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Params, Precomputed};
    use crate::graph::Snapshot;
    use crate::model::Day;

    /// `(employee, strength bits, path)` of each answer.
    type Answer = Vec<(String, u64, Vec<String>)>;

    fn answers(paths: Vec<Path<'_>>) -> Answer {
        paths
            .into_iter()
            .map(|p| {
                let hops = p.persons.iter().map(|n| n.xid.to_string()).collect();
                (p.employee.xid.to_string(), p.strength.to_bits(), hops)
            })
            .collect()
    }

    #[test]
    fn guided_searches_find_the_plain_searches_employees_and_strengths_to_the_bit() {
        let params = Params::default();
        let mut guided_queries = 0;
        for seed in 1..=4 {
            let net = crate::synth::generate(crate::synth::Preset::Small, seed);
            let snap = Snapshot::from_network(&net);
            for as_of in [
                Day::from_ymd(2025, 6, 30).unwrap(),
                Day::from_ymd(2023, 1, 1).unwrap(),
            ] {
                let pre = Precomputed::compute(&snap, &params, as_of);
                let guided_pre = pre.clone().with_employee_reach(&snap, &params, as_of);
                let plain = Ctx::new(&snap, &params, as_of).with_precomputed(&pre);
                let guided = Ctx::new(&snap, &params, as_of).with_precomputed(&guided_pre);
                assert!(plain.employee_reach().is_none());
                assert!(guided.employee_reach().is_some());
                let excluded = [None, Some(EmployeeId(0)), Some(EmployeeId(3))];
                for p in snap.person_ids().step_by(7) {
                    for (k, excluded) in [(1, excluded[0]), (2, excluded[1]), (3, excluded[2])] {
                        let want = answers(strongest(&plain, p, k, excluded));
                        let got = answers(strongest(&guided, p, k, excluded));
                        // The same employees with the same strengths, in the same order.
                        let key = |a: &Answer| {
                            a.iter()
                                .map(|(e, s, _)| (e.clone(), *s))
                                .collect::<Vec<_>>()
                        };
                        assert_eq!(key(&got), key(&want), "seed {seed}, {as_of}, {p:?}, k {k}");
                        // Each path is a path of the network, from the employee's contact
                        // to the target.
                        for (_, _, hops) in &got {
                            assert_eq!(hops.last().map(String::as_str), Some(snap.person_xid(p)));
                        }
                        guided_queries += usize::from(!want.is_empty());
                    }
                }
            }
        }
        assert!(
            guided_queries > 500,
            "{guided_queries} queries with an answer"
        );
    }

    #[test]
    fn the_reach_bound_is_never_below_the_strongest_path_from_an_employee() {
        let params = Params::default();
        let net = crate::synth::generate(crate::synth::Preset::Small, 9);
        let snap = Snapshot::from_network(&net);
        let as_of = Day::from_ymd(2025, 6, 30).unwrap();
        let pre = Precomputed::compute(&snap, &params, as_of);
        let ctx = Ctx::new(&snap, &params, as_of).with_precomputed(&pre);
        let reach = employee_reach(&ctx);
        let (mut unreached, mut reached) = (0, 0);
        for p in snap.person_ids() {
            let best = strongest(&ctx, p, 1, None)
                .first()
                .map_or(0.0, |a| a.strength);
            let bound = reach[p.index()];
            assert!(
                best <= bound * GUIDE_MARGIN,
                "{p:?}: {best} above its bound {bound}"
            );
            if best == 0.0 {
                unreached += 1;
            } else {
                reached += 1;
            }
        }
        assert!(
            reached > 100 && unreached > 0,
            "{reached} reached, {unreached} not"
        );
    }

    /// Every node's settled label in a plain search from `sources`, by node.
    fn plain_labels<'s>(ctx: &Ctx<'s, &'s Snapshot>, sources: &[PersonId]) -> Vec<Option<u64>> {
        let mut search = Search::new(ctx, sources, false, None);
        let mut labels = vec![None; search.persons()];
        while let Some((node, strength)) = search.next_settled() {
            labels[node] = Some(strength.to_bits());
        }
        labels
    }

    #[test]
    fn a_label_found_from_both_ends_is_the_plain_searchs_label_to_the_bit() {
        let params = Params::default();
        let net = crate::synth::generate(crate::synth::Preset::Small, 5);
        let snap = Snapshot::from_network(&net);
        let as_of = Day::from_ymd(2025, 6, 30).unwrap();
        let pre = Precomputed::compute(&snap, &params, as_of);
        let ctx = Ctx::new(&snap, &params, as_of).with_precomputed(&pre);
        let persons: Vec<PersonId> = snap.person_ids().collect();
        let (mut guided, mut weak) = (0, 0);
        for (case, sources) in [
            vec![persons[0]],
            vec![persons[40], persons[41]],
            vec![persons[700], persons[1300], persons[1800]],
        ]
        .into_iter()
        .enumerate()
        {
            let want = plain_labels(&ctx, &sources);
            for (i, &target) in persons.iter().enumerate().step_by(5) {
                // A search already advanced by some steps, as the coach's is.
                let steps = [0, 3, 40][i % 3];
                let mut fwd = Search::new(&ctx, &sources, false, None);
                for _ in 0..steps {
                    fwd.next_settled();
                }
                let plain = want[target.index()].map(f64::from_bits);
                // `found` is some path's product: the best one, or a weaker one.
                let found = plain.map_or(0.0, |f| f * [1.0, 0.5, 1e-3][i % 3]);
                let got = label_from(&mut fwd, target, found);
                assert_eq!(
                    got.map(f64::to_bits),
                    want[target.index()],
                    "case {case}, target {target:?}"
                );
                guided += usize::from(fwd.settled(target.index()).is_none() && got.is_some());
                weak += usize::from(plain.is_some_and(|f| f < 1e-2));
                // The search goes on settling every node with its exact label, in
                // order of non-increasing strength.
                let mut last = f64::INFINITY;
                while let Some((node, strength)) = fwd.next_settled() {
                    assert!(strength <= last, "case {case}: settled out of order");
                    last = strength;
                    assert_eq!(
                        Some(strength.to_bits()),
                        want[node],
                        "case {case}, node {node}"
                    );
                }
                for (node, w) in want.iter().enumerate() {
                    assert_eq!(
                        fwd.settled(node).map(f64::to_bits),
                        *w,
                        "case {case}, {node}"
                    );
                }
            }
        }
        // The guided phase, not the plain search, answered many of them.
        assert!(guided > 100 && weak > 20, "{guided} guided, {weak} weak");
    }

    #[test]
    fn a_record_keeps_its_stamps_and_the_last_stamp_starts_the_scratch_afresh() {
        let state = NodeState {
            best: 0.25,
            seen: MAX_STAMP,
            done: MAX_STAMP,
            pred: u32::MAX - 1,
        };
        let back = NodeState::unpack(state.pack());
        assert_eq!(
            (back.best, back.seen, back.done, back.pred),
            (0.25, MAX_STAMP, MAX_STAMP, u32::MAX - 1)
        );
        // Settled by an older search than the one that reached it: not settled now.
        let reached = NodeState::unpack(
            NodeState {
                seen: 7,
                done: 6,
                ..state
            }
            .pack(),
        );
        assert_eq!((reached.seen, reached.done), (7, 0));
        assert_eq!(NodeState::unpack([0, 0]).seen, 0);

        let mut scratch = Scratch::default();
        scratch.reset(3);
        assert_eq!(scratch.stamp, 1);
        scratch.stamp = MAX_STAMP;
        scratch.set(2, state);
        scratch.reset(3);
        // Past the last stamp every record is cleared and stamps start again at 1.
        assert_eq!(scratch.stamp, 1);
        assert_eq!(scratch.nodes, vec![[0, 0]; 3]);
    }
}
