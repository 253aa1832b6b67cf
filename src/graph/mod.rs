//! The immutable analysis snapshot of a relationship network.
//!
//! Analyses never walk the model's edge list: they need, for one node, its neighbours of
//! one edge type, fast and in a fixed order. A [`Snapshot`] holds a network as arrays
//! indexed by node id:
//!
//! * node tables — which ids exist, external ids and names (and a person's title),
//!   account kinds, project stages and amounts, employees' leaving days, and a hashed
//!   external-id index per kind ([`Snapshot::person_by_xid`], …), so that nothing
//!   downstream needs the network the snapshot came from;
//! * membership — every employment period by person and by account (who works where
//!   on a given day is a [`Staffing`], see below), each project's account and each
//!   account's projects, each project's decision chain and each person's chains;
//! * the `reports_to` and influences edges as recorded (every weight), and built from
//!   them the **deference graph** of §4.4 (`p → m` for `reports_to(p → m)`, `b → a`
//!   for `influences(a → b)`, weights of the same ordered pair added, weight 0 absent)
//!   as out-rows — PageRank and Friedkin–Johnsen both derive their local graphs from
//!   it — and the **link graph** of §4.8 between persons (each edge in both
//!   directions, the strongest of parallel edges, weight 0 absent) with its connected
//!   components, which let path searches stop early;
//! * ties — one per pair of an employee and a person with a tie record or
//!   interactions — grouped by person, with an index by employee, and each tie's
//!   interactions by date; rival ties per person; competitors per project; accounts
//!   owned per employee.
//!
//! **Dates.** The snapshot holds every dated record whatever its date; the methods of
//! the `dated` module answer at a day `t` (§8): whether an employee is gone, who works
//! where ([`Snapshot::staffing`], [`Snapshot::persons_at`]), which ties exist and count
//! ([`Snapshot::tie_exists`], [`Snapshot::tie_live`]), their last contact and their
//! effective closeness ([`Snapshot::effective_closeness`], with [`TieParams`]). When no
//! employment period has a date, who works where is computed once, at build time.
//!
//! **Ids.** A snapshot speaks the ids of its source: [`Snapshot::load`] indexes it by
//! the store's ids, which stay the same for as long as a node exists and keep a hole
//! for every removed node (it does not [exist](Snapshot::contains) in the snapshot);
//! [`Snapshot::from_network`] indexes it by the network's positions. Arrays span the id
//! space ([`Snapshot::id_bound`]); iterations skip the holes.
//!
//! Every adjacency is a compressed sparse row table built by a stable counting sort, so building is
//! linear in nodes + edges and the order of every row (hence every floating-point sum)
//! is fixed by the edges' key order, whatever order a network lists them in. Renumbering
//! nodes in the same order (closing the holes) changes no row's order, so a snapshot
//! with holes gives the same figures to the last bit as its renumbered network.
//!
//! There are two ways in, one builder behind both: [`Snapshot::from_network`] (a network
//! in memory, from CSV or the generator) and [`Snapshot::load`] (one read transaction of
//! the store). `load` never materialises a [`Network`](crate::model::Network): it takes
//! node records as borrowed views from the store's scan, gathers the edges of each kind
//! as a separate task on the rayon pool (beside the node scan when store ids have no
//! holes), appends them in key order and builds the tables as parallel tasks.
//!
//! **Other sources.** The analyses read a snapshot through [`Graph`], the neighbourhood
//! questions they ask, which a live source over one read transaction of the store
//! answers too (see the `access` module and [`crate::live`]): the snapshot is the fast
//! way to read everything, a live source the cheap way to read one neighbourhood.
//!
//! **Views.** [`Snapshot::deference_graph`] and [`Snapshot::path_graph`] implement the
//! graph library's visit traits over the snapshot's own tables, so its algorithms run on
//! a snapshot without a copy (see [`PathGraph`] for how ties enter the path graph).
//!
//! §4 treats an edge of weight 0 as absent from every *graph* but present wherever
//! only existence matters. The snapshot keeps both: graphs (deference, links) hold only
//! positive weights, while ties, rival ties and the recorded `reports_to` and
//! influences edges keep every edge whatever its weight.
//!
//! The snapshot expects a network that passes
//! [`Network::validate`](crate::model::Network::validate). It never panics on one that
//! does not: an edge with an end out of range or a self-loop is skipped, of a person's
//! (project's) several `works_at` (`of`) edges the first is used, and of several nodes
//! with one external id the lookup finds the first; the analyses' results on such a
//! network are otherwise unspecified.

mod access;
mod build;
mod csr;
mod dated;
mod load;
mod nodes;
mod snapshot;
mod views;

pub(crate) use access::{covering, sealed};
pub use access::{Graph, ReadFailure};
pub use dated::{Staffing, TieParams};
pub use snapshot::{
    ChainMember, Contact, EmploymentRecord, Link, RivalTie, Snapshot, Stint, TieRecord,
};
pub use views::{
    DeferenceEdgeReferences, DeferenceEdges, DeferenceGraph, PathEdgeReferences, PathEdges,
    PathGraph, PathIncoming, PathNeighborsDirected, PathNode, PathNodes, PersonIds, ViewEdge,
    VisitedPathNodes, VisitedSet,
};

/// The "no node" marker of the snapshot's `u32` tables.
const NONE: u32 = u32::MAX;
