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

use super::rank;
use super::{Ctx, Named};
use crate::graph::Graph;
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
    stamp: u32,
    /// One packed record per node ([`NodeState::pack`]), so that visiting a node
    /// touches one cache line.
    nodes: Vec<[u64; 3]>,
    heap: BinaryHeap<Entry>,
}

#[derive(Clone, Copy, Default)]
struct NodeState {
    /// Best strength found (valid when `seen` is the current stamp).
    best: f64,
    /// Stamp of the search that reached the node.
    seen: u32,
    /// Stamp of the search that settled the node.
    done: u32,
    /// Predecessor toward the sources.
    pred: u32,
}

impl NodeState {
    /// The record as stored: best's bits, the two stamps, the predecessor.
    #[inline]
    fn pack(self) -> [u64; 3] {
        [
            self.best.to_bits(),
            u64::from(self.seen) | (u64::from(self.done) << 32),
            u64::from(self.pred),
        ]
    }

    /// The record [`pack`](Self::pack) stored (all-zero bits: the default state).
    #[inline]
    #[allow(clippy::cast_possible_truncation)] // unpacks what `pack` packed
    fn unpack(r: [u64; 3]) -> NodeState {
        NodeState {
            best: f64::from_bits(r[0]),
            seen: r[1] as u32,
            done: (r[1] >> 32) as u32,
            pred: r[2] as u32,
        }
    }
}

impl Scratch {
    fn reset(&mut self, nodes: usize) {
        if self.nodes.len() < nodes {
            // Zeroed, not filled: untouched pages are never faulted in.
            self.nodes = vec![[0; 3]; nodes];
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.nodes.fill([0; 3]);
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
        if strength <= 0.0 {
            return;
        }
        let stamp = self.s.stamp;
        let Some(n) = self.s.node(node) else {
            return;
        };
        if n.seen != stamp || strength > n.best {
            self.s.set(
                node,
                NodeState {
                    best: strength,
                    seen: stamp,
                    done: n.done,
                    pred,
                },
            );
            self.s.heap.push(Entry { strength, node });
        }
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
        let mut out = Vec::new();
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
    let mut found: Vec<(usize, f64)> = Vec::new();
    while let Some((node, strength)) = search.next_settled() {
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
