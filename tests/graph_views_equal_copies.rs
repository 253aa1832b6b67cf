//! The snapshot's graph views let the graph library's algorithms run on a snapshot
//! without copying it: `dijkstra` and `tarjan_scc` on a view give what they give on a
//! `petgraph::Graph` built independently from the network by the rules of §4.4
//! (deference) and §4.8 (path graph) — with the snapshot's ids, holes included.

use guanxi::graph::{PathNode, Snapshot, TieParams};
use guanxi::model::*;
use guanxi::store::Read;
use petgraph::algo::{dijkstra, tarjan_scc};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{
    EdgeCount, EdgeRef, IntoEdgeReferences, IntoEdges, IntoNeighbors, IntoNeighborsDirected,
    IntoNodeIdentifiers, NodeCount, NodeIndexable,
};
use petgraph::Direction;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[path = "common/random_network.rs"]
mod random;
use random::{random_network, stored_with_removals};

const HALF_LIFE: f64 = 180.0;

fn as_of() -> Day {
    Day::from_days_since_epoch(20_200).unwrap()
}

/// A copy of a graph in the library's own type, with the map from our node ids.
struct Copy<N> {
    graph: DiGraph<N, f64>,
    index: HashMap<N, NodeIndex>,
}

impl<N: std::hash::Hash + Eq + std::marker::Copy> Copy<N> {
    fn new(nodes: impl IntoIterator<Item = N>) -> Self {
        let mut graph = DiGraph::new();
        let index = nodes.into_iter().map(|n| (n, graph.add_node(n))).collect();
        Copy { graph, index }
    }

    fn edge(&mut self, a: N, b: N, w: f64) {
        self.graph.add_edge(self.index[&a], self.index[&b], w);
    }

    /// Dijkstra's distances from `from`, an edge of weight `w` costing `cost(w)`, by our
    /// node ids.
    fn distances(&self, from: N, cost: impl Fn(f64) -> f64) -> Vec<(N, f64)> {
        dijkstra(&self.graph, self.index[&from], None, |e| cost(*e.weight()))
            .into_iter()
            .map(|(i, d)| (self.graph[i], d))
            .collect()
    }

    /// The strongly connected components, by our node ids.
    fn sccs(&self) -> Vec<Vec<N>> {
        tarjan_scc(&self.graph)
            .into_iter()
            .map(|c| c.into_iter().map(|i| self.graph[i]).collect())
            .collect()
    }
}

/// The data of a snapshot as a network with the snapshot's ids: `net` and, per kind,
/// the snapshot id of each position.
struct Source {
    net: Network,
    ids: [Vec<u32>; 4],
}

impl Source {
    fn person(&self, p: PersonId) -> PersonId {
        PersonId(self.ids[1][p.index()])
    }
    fn employee(&self, e: EmployeeId) -> EmployeeId {
        EmployeeId(self.ids[2][e.index()])
    }
}

/// The deference graph by §4.4: `p → m` for `reports_to(p → m, w)`, `b → a` for
/// `influences(a → b, w)`, weights of a pair added, weight 0 absent.
fn deference_copy(src: &Source) -> Copy<PersonId> {
    let mut weights: BTreeMap<(PersonId, PersonId), f64> = BTreeMap::new();
    for e in &src.net.edges {
        let (from, to, w) = match *e {
            Edge::ReportsTo {
                person,
                manager,
                weight,
            } => (person, manager, weight.get()),
            Edge::Influences { from, to, weight } => (to, from, weight.get()),
            _ => continue,
        };
        *weights
            .entry((src.person(from), src.person(to)))
            .or_insert(0.0) += w;
    }
    let mut copy = Copy::new((0..src.net.persons.len()).map(|i| src.person(PersonId(i as u32))));
    for ((a, b), w) in weights {
        if w > 0.0 {
            copy.edge(a, b, w);
        }
    }
    copy
}

/// The path graph by §4.8 at `as_of`: each person edge both ways (the strongest of
/// parallel ones), a tie employee → person with its decayed closeness, weight 0 absent.
fn path_copy(src: &Source) -> Copy<PathNode> {
    let mut links: BTreeMap<(PersonId, PersonId), f64> = BTreeMap::new();
    let mut ties = Vec::new();
    for e in &src.net.edges {
        match *e {
            Edge::ReportsTo {
                person: a,
                manager: b,
                weight,
            }
            | Edge::Influences {
                from: a,
                to: b,
                weight,
            } => {
                let (a, b) = (src.person(a), src.person(b));
                for pair in [(a, b), (b, a)] {
                    let w = links.entry(pair).or_insert(0.0);
                    *w = w.max(weight.get());
                }
            }
            Edge::Tie {
                employee,
                person,
                tie,
            } => {
                let d = tie
                    .last_contact
                    .map_or(0, |day| day.days_until(as_of()).max(0));
                let c = tie.closeness.get() * 2f64.powf(-(d as f64) / HALF_LIFE);
                ties.push((src.employee(employee), src.person(person), c));
            }
            _ => {}
        }
    }
    let persons =
        (0..src.net.persons.len()).map(|i| PathNode::Person(src.person(PersonId(i as u32))));
    let employees = (0..src.net.employees.len())
        .map(|i| PathNode::Employee(src.employee(EmployeeId(i as u32))));
    let mut copy = Copy::new(persons.chain(employees));
    for ((a, b), w) in links {
        if w > 0.0 {
            copy.edge(PathNode::Person(a), PathNode::Person(b), w);
        }
    }
    for (e, p, c) in ties {
        if c > 0.0 {
            copy.edge(PathNode::Employee(e), PathNode::Person(p), c);
        }
    }
    copy
}

fn sorted_sccs<N: Ord + Clone>(mut sccs: Vec<Vec<N>>) -> Vec<Vec<N>> {
    for c in &mut sccs {
        c.sort();
    }
    sccs.sort();
    sccs
}

/// Same keys, values within `1e-9` (the two graphs list edges in different orders, so
/// equally strong paths may add up in another order).
fn same_distances<N: Ord + std::fmt::Debug + Clone>(
    view: impl IntoIterator<Item = (N, f64)>,
    copy: impl IntoIterator<Item = (N, f64)>,
) -> Result<(), TestCaseError> {
    let view: BTreeMap<N, f64> = view.into_iter().collect();
    let copy: BTreeMap<N, f64> = copy.into_iter().collect();
    prop_assert_eq!(
        view.keys().collect::<Vec<_>>(),
        copy.keys().collect::<Vec<_>>()
    );
    for (k, v) in &view {
        prop_assert!((v - copy[k]).abs() < 1e-9, "{:?}: {} vs {}", k, v, copy[k]);
    }
    Ok(())
}

fn check_views(snap: &Snapshot, src: &Source) -> Result<(), TestCaseError> {
    // Deference.
    let view = snap.deference_graph();
    let copy = deference_copy(src);
    let nodes: BTreeSet<PersonId> = view.node_identifiers().collect();
    prop_assert_eq!(&nodes, &copy.index.keys().copied().collect::<BTreeSet<_>>());
    prop_assert_eq!(view.node_count(), copy.graph.node_count());
    prop_assert_eq!(view.edge_count(), copy.graph.edge_count());
    prop_assert_eq!(view.edge_references().count(), copy.graph.edge_count());
    for &p in &nodes {
        prop_assert_eq!(view.from_index(view.to_index(p)), p);
        let mine: BTreeSet<PersonId> = view.neighbors(p).collect();
        let theirs: BTreeSet<PersonId> = copy
            .graph
            .neighbors(copy.index[&p])
            .map(|i| copy.graph[i])
            .collect();
        prop_assert_eq!(mine, theirs);
        let d_view = dijkstra(view, p, None, |e| *e.weight());
        same_distances(d_view, copy.distances(p, |w| w))?;
    }
    prop_assert_eq!(sorted_sccs(tarjan_scc(view)), sorted_sccs(copy.sccs()));

    // Path graph.
    let view = snap.path_graph(
        as_of(),
        TieParams {
            half_life: HALF_LIFE,
            ..TieParams::default()
        },
    );
    let copy = path_copy(src);
    let nodes: BTreeSet<PathNode> = view.node_identifiers().collect();
    prop_assert_eq!(&nodes, &copy.index.keys().copied().collect::<BTreeSet<_>>());
    prop_assert_eq!(view.node_count(), copy.graph.node_count());
    prop_assert_eq!(view.edge_references().count(), copy.graph.edge_count());
    let ids: BTreeSet<usize> = view.edge_references().map(|e| e.id()).collect();
    prop_assert_eq!(ids.len(), copy.graph.edge_count(), "edge ids are unique");
    for &n in &nodes {
        prop_assert_eq!(view.from_index(view.to_index(n)), n);
        prop_assert!(view.edges(n).all(|e| e.source() == n && *e.weight() > 0.0));
        for dir in [Direction::Outgoing, Direction::Incoming] {
            let mine: BTreeSet<PathNode> = view.neighbors_directed(n, dir).collect();
            let theirs: BTreeSet<PathNode> = copy
                .graph
                .neighbors_directed(copy.index[&n], dir)
                .map(|i| copy.graph[i])
                .collect();
            prop_assert_eq!(mine, theirs, "{:?} {:?}", n, dir);
        }
        let d_view = dijkstra(view, n, None, |e| -e.weight().ln());
        same_distances(d_view, copy.distances(n, |w| -w.ln()))?;
    }
    prop_assert_eq!(sorted_sccs(tarjan_scc(view)), sorted_sccs(copy.sccs()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn views_of_a_network_snapshot_equal_copies(seed: u64, np in 1usize..25, ne in 1usize..4) {
        let net = random_network(seed, np, ne, 3, 2);
        let ids = std::array::from_fn(|k| (0..net.count(NodeKind::ALL[k]) as u32).collect());
        let snap = Snapshot::from_network(&net);
        check_views(&snap, &Source { net, ids })?;
    }

    #[test]
    fn views_of_a_loaded_snapshot_with_holes_equal_copies(seed: u64, np in 2usize..25, ne in 2usize..5, every in 2usize..5) {
        let net = random_network(seed, np, ne, 3, 2);
        let removed = |kind, i: usize| matches!(kind, NodeKind::Person | NodeKind::Employee) && i.is_multiple_of(every);
        let db = stored_with_removals(&net, removed);
        let txn = db.begin_read().unwrap();
        let snap = Snapshot::load(&txn).unwrap();
        let (net, map) = txn.network().unwrap();
        let ids = std::array::from_fn(|k| map.store_ids(NodeKind::ALL[k]).to_vec());
        prop_assert!(snap.id_bound(NodeKind::Person) > snap.person_count());
        check_views(&snap, &Source { net, ids })?;
    }
}
