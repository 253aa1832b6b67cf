//! The immutable analysis snapshot of a relationship network.
//!
//! Analyses never walk the model's edge list: they need, for one node, its neighbours of
//! one edge type, fast and in a fixed order. [`Snapshot::from_network`] turns a
//! [`Network`](crate::model::Network) into dense arrays indexed by the network's own ids:
//!
//! * node tables — external ids (for output), account kinds, project stages and amounts;
//! * membership — each person's account and each account's persons, each project's
//!   account and each account's projects, each project's decision chain;
//! * the **deference graph** of §4.4 (`p → m` for `reports_to(p → m)`, `b → a` for
//!   `influences(a → b)`, weights of the same ordered pair added, weight 0 absent) as
//!   out-rows — PageRank and Friedkin–Johnsen both derive their local graphs from it;
//! * the **link graph** of §4.8 between persons (each `reports_to` and influences
//!   edge in both directions, the strongest of parallel edges, weight 0 absent) and its
//!   connected components, which let path searches stop early;
//! * ties grouped by person, with an index by employee; rival ties per person;
//!   competitors per project; accounts owned per employee.
//!
//! Every adjacency is a [`Csr`] table built by a stable counting sort, so building is
//! linear in nodes + edges and the order of every row (hence every floating-point sum)
//! is fixed by the network's edge order.
//!
//! There are two ways in, one builder behind both, so they give the same snapshot to the
//! last bit: [`Snapshot::from_network`] (a network in memory, from CSV or the generator)
//! and [`Snapshot::load`] (one read transaction of the store). `load` never materialises
//! a [`Network`](crate::model::Network): it takes node records as borrowed views from the store's scan, gathers
//! the edges of each kind as a separate task on the rayon pool (the node scan beside
//! them when store ids have no holes), appends them in key order and builds the tables
//! as parallel tasks — see BENCHMARKS.md for what that costs beside a raw scan.
//!
//! §4 treats an edge of weight 0 as absent from every *graph* but present wherever
//! only existence matters. The snapshot keeps both views: graphs (deference, links)
//! hold only positive weights, while ties, rival ties and the `has_manager` flag keep
//! every edge whatever its weight.
//!
//! The snapshot expects a network that passes [`Network::validate`](crate::model::Network::validate). It never panics on
//! one that does not: an edge with an end out of range or a self-loop is skipped, and of
//! a person's (project's) several `works_at` (`of`) edges the first is used; the
//! analyses' results on such a network are otherwise unspecified.

mod build;
mod csr;
mod load;
mod nodes;
mod snapshot;

pub use csr::Csr;
pub use snapshot::{ChainMember, Link, RivalTie, Snapshot, TieRecord};

/// The "no node" marker of the snapshot's `u32` tables.
const NONE: u32 = u32::MAX;
