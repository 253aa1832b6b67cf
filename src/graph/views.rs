//! Zero-copy graph views of a snapshot for the graph algorithm library: the deference
//! graph (§4.4) and the path graph (§4.8), as implementations of its visit traits, so
//! that any of its algorithms (shortest paths, strongly connected components,
//! traversals, …) runs on a snapshot without copying it.
//!
//! * [`DeferenceGraph`] — nodes: the persons; edge `p → m` for `reports_to(p → m)` and
//!   `b → a` for `influences(a → b)`, the weights of one ordered pair added, weight-0
//!   edges absent: the snapshot's [`deference`](Snapshot::deference) rows. Outgoing
//!   edges only (the snapshot does not index incoming deference).
//! * [`PathGraph`] — nodes: the persons and the employees ([`PathNode`]); every
//!   `reports_to` and influences edge in both directions, the strongest of parallel
//!   edges (the snapshot's [`links`](Snapshot::links)); and a **directed** edge
//!   employee → person for each tie, weighted by its effective closeness `c_eff` at
//!   the view's date (§8.1) — computed as the edge is visited, so one snapshot gives a
//!   view per date. A tie whose `c_eff` is 0 is absent, and so is every tie that does
//!   not count at that date (no record and no interaction yet, or a gone employee's). Employees have no incoming edges, so a
//!   path never passes through an employee. Path strength is the product of the
//!   weights: an algorithm that adds costs finds the strongest path with the cost
//!   `−ln w`.
//!
//! Node ids are the snapshot's ids; ids of removed nodes are not nodes of a view (a
//! view's [`node_bound`](NodeIndexable::node_bound) spans them, its node identifiers
//! skip them). Edge ids are positions in the snapshot's tables, stable for the
//! snapshot's life.

use super::{Link, Snapshot, TieParams, TieRecord};
use crate::model::{Day, EmployeeId, NodeKind, PersonId};
use petgraph::visit::{
    Data, EdgeCount, EdgeRef, GraphBase, GraphProp, GraphRef, IntoEdgeReferences, IntoEdges,
    IntoNeighbors, IntoNeighborsDirected, IntoNodeIdentifiers, NodeCount, NodeIndexable, VisitMap,
    Visitable,
};
use petgraph::{Directed, Direction};

/// A weighted edge of a view: its ends, its weight and its id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewEdge<N> {
    /// The edge's start.
    pub source: N,
    /// The edge's end.
    pub target: N,
    /// The edge's weight (`> 0`).
    pub weight: f64,
    /// The edge's id in its view.
    pub id: usize,
}

impl<N: Copy> EdgeRef for ViewEdge<N> {
    type NodeId = N;
    type EdgeId = usize;
    type Weight = f64;

    fn source(&self) -> N {
        self.source
    }
    fn target(&self) -> N {
        self.target
    }
    fn weight(&self) -> &f64 {
        &self.weight
    }
    fn id(&self) -> usize {
        self.id
    }
}

/// A set of visited node indices, one bit each (the views' [`Visitable::Map`]).
#[derive(Debug, Clone, Default)]
pub struct VisitedSet {
    bits: Vec<u64>,
}

impl VisitedSet {
    fn with_bound(bound: usize) -> Self {
        VisitedSet {
            bits: vec![0; bound.div_ceil(64)],
        }
    }

    fn reset(&mut self, bound: usize) {
        self.bits.clear();
        self.bits.resize(bound.div_ceil(64), 0);
    }

    /// Sets bit `i` (growing if needed); whether it was clear.
    fn set(&mut self, i: usize) -> bool {
        let (w, b) = (i / 64, 1u64 << (i % 64));
        if w >= self.bits.len() {
            self.bits.resize(w + 1, 0);
        }
        let was = self.bits[w] & b != 0;
        self.bits[w] |= b;
        !was
    }

    fn get(&self, i: usize) -> bool {
        self.bits
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Clears bit `i`; whether it was set.
    fn clear(&mut self, i: usize) -> bool {
        let was = self.get(i);
        if was {
            self.bits[i / 64] &= !(1 << (i % 64));
        }
        was
    }
}

impl VisitMap<PersonId> for VisitedSet {
    fn visit(&mut self, a: PersonId) -> bool {
        self.set(a.index())
    }
    fn is_visited(&self, a: &PersonId) -> bool {
        self.get(a.index())
    }
    fn unvisit(&mut self, a: PersonId) -> bool {
        self.clear(a.index())
    }
}

/// The existing persons of a snapshot, by increasing id.
#[derive(Debug, Clone)]
pub struct PersonIds<'s> {
    snapshot: &'s Snapshot,
    next: usize,
}

impl Iterator for PersonIds<'_> {
    type Item = PersonId;

    fn next(&mut self) -> Option<PersonId> {
        let bound = self.snapshot.id_bound(NodeKind::Person);
        while self.next < bound {
            let p = PersonId(self.next as u32);
            self.next += 1;
            if self.snapshot.contains(p) {
                return Some(p);
            }
        }
        None
    }
}

/// The petgraph basics shared by the views: `$view` is a directed graph of `$node`s,
/// without node weights, whose edges have a `usize` id and an `f64` weight.
macro_rules! directed_view {
    ($view:ident, $node:ty) => {
        impl GraphBase for $view<'_> {
            type NodeId = $node;
            type EdgeId = usize;
        }

        impl GraphRef for $view<'_> {}

        impl Data for $view<'_> {
            type NodeWeight = ();
            type EdgeWeight = f64;
        }

        impl GraphProp for $view<'_> {
            type EdgeType = Directed;
        }
    };
}

impl Snapshot {
    /// The deference graph as a graph-algorithm view (see [`DeferenceGraph`]).
    pub fn deference_graph(&self) -> DeferenceGraph<'_> {
        DeferenceGraph { snapshot: self }
    }

    /// The path graph at `as_of` as a graph-algorithm view, ties weighted by their
    /// effective closeness with `params` (see [`PathGraph`]).
    pub fn path_graph(&self, as_of: Day, params: TieParams) -> PathGraph<'_> {
        PathGraph {
            snapshot: self,
            as_of,
            params,
        }
    }
}

/// The deference graph of a snapshot, as a view for graph algorithms (see the module
/// documentation). Nodes are [`PersonId`]s, edge weights the summed deference weights.
///
/// ```
/// use guanxi::graph::Snapshot;
/// use guanxi::model::*;
/// use petgraph::algo::tarjan_scc;
///
/// let mut net = Network::new();
/// for p in ["a", "b", "c"] {
///     net.persons.push(Person { xid: p.into(), name: p.into(), title: None });
/// }
/// let w = Score::new(0.5)?;
/// // a reports to b, and b is influenced by a: a ⇄ b defer to each other; c is alone.
/// net.edges.push(Edge::ReportsTo { person: PersonId(0), manager: PersonId(1), weight: w });
/// net.edges.push(Edge::Influences { from: PersonId(0), to: PersonId(1), weight: w });
/// let snap = Snapshot::from_network(&net);
/// let mut sccs = tarjan_scc(snap.deference_graph());
/// sccs.iter_mut().for_each(|c| c.sort());
/// sccs.sort();
/// assert_eq!(sccs, vec![vec![PersonId(0), PersonId(1)], vec![PersonId(2)]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DeferenceGraph<'s> {
    snapshot: &'s Snapshot,
}

directed_view!(DeferenceGraph, PersonId);

impl NodeIndexable for DeferenceGraph<'_> {
    fn node_bound(&self) -> usize {
        self.snapshot.id_bound(NodeKind::Person)
    }
    fn to_index(&self, a: PersonId) -> usize {
        a.index()
    }
    fn from_index(&self, i: usize) -> PersonId {
        PersonId(i as u32)
    }
}

impl NodeCount for DeferenceGraph<'_> {
    fn node_count(&self) -> usize {
        self.snapshot.person_count()
    }
}

impl EdgeCount for DeferenceGraph<'_> {
    fn edge_count(&self) -> usize {
        self.snapshot.deference.len()
    }
}

impl Visitable for DeferenceGraph<'_> {
    type Map = VisitedSet;
    fn visit_map(&self) -> VisitedSet {
        VisitedSet::with_bound(self.node_bound())
    }
    fn reset_map(&self, map: &mut VisitedSet) {
        map.reset(self.node_bound());
    }
}

impl<'s> IntoNodeIdentifiers for DeferenceGraph<'s> {
    type NodeIdentifiers = PersonIds<'s>;
    fn node_identifiers(self) -> PersonIds<'s> {
        PersonIds {
            snapshot: self.snapshot,
            next: 0,
        }
    }
}

/// The deference edges out of one person.
#[derive(Debug, Clone)]
pub struct DeferenceEdges<'s> {
    source: PersonId,
    links: std::iter::Enumerate<std::slice::Iter<'s, Link>>,
    first: usize,
}

impl Iterator for DeferenceEdges<'_> {
    type Item = ViewEdge<PersonId>;

    fn next(&mut self) -> Option<Self::Item> {
        let (i, l) = self.links.next()?;
        Some(ViewEdge {
            source: self.source,
            target: l.to,
            weight: l.weight,
            id: self.first + i,
        })
    }
}

impl<'s> DeferenceGraph<'s> {
    fn out_edges(self, p: PersonId) -> DeferenceEdges<'s> {
        let range = self.snapshot.deference.range(p.index());
        DeferenceEdges {
            source: p,
            links: self.snapshot.deference.row(p.index()).iter().enumerate(),
            first: range.start,
        }
    }
}

impl<'s> IntoNeighbors for DeferenceGraph<'s> {
    type Neighbors = std::iter::Map<DeferenceEdges<'s>, fn(ViewEdge<PersonId>) -> PersonId>;
    fn neighbors(self, a: PersonId) -> Self::Neighbors {
        self.out_edges(a).map(|e| e.target)
    }
}

impl<'s> IntoEdges for DeferenceGraph<'s> {
    type Edges = DeferenceEdges<'s>;
    fn edges(self, a: PersonId) -> DeferenceEdges<'s> {
        self.out_edges(a)
    }
}

/// Every deference edge, by source id.
#[derive(Debug, Clone)]
pub struct DeferenceEdgeReferences<'s> {
    graph: DeferenceGraph<'s>,
    next: usize,
    current: Option<DeferenceEdges<'s>>,
}

impl Iterator for DeferenceEdgeReferences<'_> {
    type Item = ViewEdge<PersonId>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.current.as_mut().and_then(Iterator::next) {
                return Some(e);
            }
            if self.next >= self.graph.node_bound() {
                return None;
            }
            self.current = Some(self.graph.out_edges(PersonId(self.next as u32)));
            self.next += 1;
        }
    }
}

impl<'s> IntoEdgeReferences for DeferenceGraph<'s> {
    type EdgeRef = ViewEdge<PersonId>;
    type EdgeReferences = DeferenceEdgeReferences<'s>;
    fn edge_references(self) -> DeferenceEdgeReferences<'s> {
        DeferenceEdgeReferences {
            graph: self,
            next: 0,
            current: None,
        }
    }
}

/// A node of the [`PathGraph`]: a person or one of our employees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathNode {
    /// A person.
    Person(PersonId),
    /// One of our employees.
    Employee(EmployeeId),
}

/// The path graph of a snapshot at one date, as a view for graph algorithms (see the
/// module documentation). Node indices: persons first (`p`), then employees
/// (`person id bound + e`).
///
/// ```
/// use guanxi::graph::{PathNode, Snapshot, TieParams};
/// use guanxi::model::*;
/// use petgraph::algo::dijkstra;
/// use petgraph::visit::EdgeRef;
///
/// let mut net = Network::new();
/// for p in ["boss", "aide"] {
///     net.persons.push(Person { xid: p.into(), name: p.into(), title: None });
/// }
/// net.employees.push(Employee { xid: "e".into(), name: "Seller".into(), left: None });
/// let tie = Tie { closeness: Score::new(0.8)?, last_contact: None, private: false };
/// net.edges.push(Edge::Tie { employee: EmployeeId(0), person: PersonId(1), tie });
/// net.edges.push(Edge::ReportsTo { person: PersonId(1), manager: PersonId(0), weight: Score::new(0.5)? });
/// let snap = Snapshot::from_network(&net);
/// let view = snap.path_graph("2025-06-30".parse()?, TieParams::default());
/// // Strongest path = shortest path for the cost −ln w.
/// let cost = dijkstra(view, PathNode::Employee(EmployeeId(0)), None, |e| -e.weight().ln());
/// let strength = (-cost[&PathNode::Person(PersonId(0))]).exp();
/// assert!((strength - 0.8 * 0.5).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PathGraph<'s> {
    snapshot: &'s Snapshot,
    as_of: Day,
    params: TieParams,
}

impl PathGraph<'_> {
    fn persons(&self) -> usize {
        self.snapshot.id_bound(NodeKind::Person)
    }

    /// The weight of the tie at index `tie` in this view (`c_eff`; 0 = absent).
    fn tie_weight(&self, tie: usize) -> f64 {
        self.snapshot
            .effective_closeness(tie, self.as_of, &self.params)
    }
}

directed_view!(PathGraph, PathNode);

impl NodeIndexable for PathGraph<'_> {
    fn node_bound(&self) -> usize {
        self.persons() + self.snapshot.id_bound(NodeKind::Employee)
    }
    fn to_index(&self, a: PathNode) -> usize {
        match a {
            PathNode::Person(p) => p.index(),
            PathNode::Employee(e) => self.persons() + e.index(),
        }
    }
    fn from_index(&self, i: usize) -> PathNode {
        match i.checked_sub(self.persons()) {
            None => PathNode::Person(PersonId(i as u32)),
            Some(e) => PathNode::Employee(EmployeeId(e as u32)),
        }
    }
}

impl NodeCount for PathGraph<'_> {
    fn node_count(&self) -> usize {
        self.snapshot.person_count() + self.snapshot.employee_count()
    }
}

/// A set of visited [`PathNode`]s.
#[derive(Debug, Clone, Default)]
pub struct VisitedPathNodes {
    persons: usize,
    set: VisitedSet,
}

impl VisitedPathNodes {
    fn index(&self, a: PathNode) -> usize {
        match a {
            PathNode::Person(p) => p.index(),
            PathNode::Employee(e) => self.persons + e.index(),
        }
    }
}

impl VisitMap<PathNode> for VisitedPathNodes {
    fn visit(&mut self, a: PathNode) -> bool {
        let i = self.index(a);
        self.set.set(i)
    }
    fn is_visited(&self, a: &PathNode) -> bool {
        self.set.get(self.index(*a))
    }
    fn unvisit(&mut self, a: PathNode) -> bool {
        let i = self.index(a);
        self.set.clear(i)
    }
}

impl Visitable for PathGraph<'_> {
    type Map = VisitedPathNodes;
    fn visit_map(&self) -> VisitedPathNodes {
        VisitedPathNodes {
            persons: self.persons(),
            set: VisitedSet::with_bound(self.node_bound()),
        }
    }
    fn reset_map(&self, map: &mut VisitedPathNodes) {
        map.persons = self.persons();
        map.set.reset(self.node_bound());
    }
}

/// The persons, then the employees, that exist, by increasing id.
#[derive(Debug, Clone)]
pub struct PathNodes<'s> {
    graph: PathGraph<'s>,
    next: usize,
}

impl Iterator for PathNodes<'_> {
    type Item = PathNode;

    fn next(&mut self) -> Option<PathNode> {
        while self.next < self.graph.node_bound() {
            let node = self.graph.from_index(self.next);
            self.next += 1;
            let exists = match node {
                PathNode::Person(p) => self.graph.snapshot.contains(p),
                PathNode::Employee(e) => self.graph.snapshot.contains(e),
            };
            if exists {
                return Some(node);
            }
        }
        None
    }
}

impl<'s> IntoNodeIdentifiers for PathGraph<'s> {
    type NodeIdentifiers = PathNodes<'s>;
    fn node_identifiers(self) -> PathNodes<'s> {
        PathNodes {
            graph: self,
            next: 0,
        }
    }
}

/// The path-graph edges out of one node: a person's links, or an employee's ties.
/// Edge ids: a link's position in the links table, or the links' count plus a tie's
/// index.
#[derive(Debug, Clone)]
pub struct PathEdges<'s> {
    graph: PathGraph<'s>,
    source: PathNode,
    links: std::iter::Enumerate<std::slice::Iter<'s, Link>>,
    first_link: usize,
    ties: std::slice::Iter<'s, usize>,
}

impl Iterator for PathEdges<'_> {
    type Item = ViewEdge<PathNode>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some((i, l)) = self.links.next() {
            return Some(ViewEdge {
                source: self.source,
                target: PathNode::Person(l.to),
                weight: l.weight,
                id: self.first_link + i,
            });
        }
        let snapshot = self.graph.snapshot;
        for &i in self.ties.by_ref() {
            let Some(t) = snapshot.ties().get(i) else {
                continue;
            };
            let weight = self.graph.tie_weight(i);
            if weight > 0.0 {
                return Some(ViewEdge {
                    source: self.source,
                    target: PathNode::Person(t.person),
                    weight,
                    id: snapshot.links.len() + i,
                });
            }
        }
        None
    }
}

impl<'s> PathGraph<'s> {
    fn out_edges(self, a: PathNode) -> PathEdges<'s> {
        let s = self.snapshot;
        let (links, first_link, ties): (&'s [Link], usize, &'s [usize]) = match a {
            PathNode::Person(p) => (s.links.row(p.index()), s.links.range(p.index()).start, &[]),
            PathNode::Employee(e) => (&[], 0, s.employee_ties(e)),
        };
        PathEdges {
            graph: self,
            source: a,
            links: links.iter().enumerate(),
            first_link,
            ties: ties.iter(),
        }
    }
}

impl<'s> IntoNeighbors for PathGraph<'s> {
    type Neighbors = std::iter::Map<PathEdges<'s>, fn(ViewEdge<PathNode>) -> PathNode>;
    fn neighbors(self, a: PathNode) -> Self::Neighbors {
        self.out_edges(a).map(|e| e.target)
    }
}

impl<'s> IntoEdges for PathGraph<'s> {
    type Edges = PathEdges<'s>;
    fn edges(self, a: PathNode) -> PathEdges<'s> {
        self.out_edges(a)
    }
}

/// The nodes with an edge into one node: a person's links (the link graph is
/// symmetric) and the employees whose ties to the person have a positive weight; none
/// for an employee.
#[derive(Debug, Clone)]
pub struct PathIncoming<'s> {
    graph: PathGraph<'s>,
    links: std::slice::Iter<'s, Link>,
    ties: std::ops::Range<usize>,
}

impl Iterator for PathIncoming<'_> {
    type Item = PathNode;

    fn next(&mut self) -> Option<PathNode> {
        if let Some(l) = self.links.next() {
            return Some(PathNode::Person(l.to));
        }
        let graph = self.graph;
        let ties: &[TieRecord] = graph.snapshot.ties();
        self.ties
            .by_ref()
            .find(|&i| graph.tie_weight(i) > 0.0)
            .and_then(|i| ties.get(i))
            .map(|t| PathNode::Employee(t.employee))
    }
}

/// The neighbours of a path-graph node in one direction.
#[derive(Debug, Clone)]
pub enum PathNeighborsDirected<'s> {
    /// Targets of the node's outgoing edges.
    Outgoing(<PathGraph<'s> as IntoNeighbors>::Neighbors),
    /// Sources of the node's incoming edges.
    Incoming(PathIncoming<'s>),
}

impl Iterator for PathNeighborsDirected<'_> {
    type Item = PathNode;

    fn next(&mut self) -> Option<PathNode> {
        match self {
            PathNeighborsDirected::Outgoing(it) => it.next(),
            PathNeighborsDirected::Incoming(it) => it.next(),
        }
    }
}

impl<'s> IntoNeighborsDirected for PathGraph<'s> {
    type NeighborsDirected = PathNeighborsDirected<'s>;
    fn neighbors_directed(self, n: PathNode, d: Direction) -> PathNeighborsDirected<'s> {
        match d {
            Direction::Outgoing => PathNeighborsDirected::Outgoing(self.neighbors(n)),
            Direction::Incoming => {
                let (links, ties): (&'s [Link], std::ops::Range<usize>) = match n {
                    PathNode::Person(p) => {
                        (self.snapshot.links(p), self.snapshot.person_tie_range(p))
                    }
                    PathNode::Employee(_) => (&[], 0..0),
                };
                PathNeighborsDirected::Incoming(PathIncoming {
                    graph: self,
                    links: links.iter(),
                    ties,
                })
            }
        }
    }
}

/// Every path-graph edge, by source index.
#[derive(Debug, Clone)]
pub struct PathEdgeReferences<'s> {
    graph: PathGraph<'s>,
    next: usize,
    current: Option<PathEdges<'s>>,
}

impl Iterator for PathEdgeReferences<'_> {
    type Item = ViewEdge<PathNode>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.current.as_mut().and_then(Iterator::next) {
                return Some(e);
            }
            if self.next >= self.graph.node_bound() {
                return None;
            }
            self.current = Some(self.graph.out_edges(self.graph.from_index(self.next)));
            self.next += 1;
        }
    }
}

impl<'s> IntoEdgeReferences for PathGraph<'s> {
    type EdgeRef = ViewEdge<PathNode>;
    type EdgeReferences = PathEdgeReferences<'s>;
    fn edge_references(self) -> PathEdgeReferences<'s> {
        PathEdgeReferences {
            graph: self,
            next: 0,
            current: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visited_set_marks_and_clears_bits() {
        let mut v = VisitedSet::with_bound(10);
        assert!(v.set(3) && !v.set(3) && v.get(3));
        assert!(v.set(130) && v.get(130));
        assert!(v.clear(3) && !v.clear(3) && !v.get(3));
        v.reset(5);
        assert!(!v.get(130));
    }
}
