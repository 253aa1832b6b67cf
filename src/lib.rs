//! # guanxi 关系
//!
//! An embedded graph database for **business relationship management**: it stores the
//! people-and-influence network behind B2B sales — who decides, who can veto, who
//! favours us, who can reach whom — as a company asset, and quantifies it.
//!
//! ```
//! use guanxi::analysis::{Params, Report};
//! use guanxi::graph::Snapshot;
//! use guanxi::model::*;
//! use guanxi::store::{Database, Read};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = Database::in_memory()?; // or Database::create("crm.redb")
//! // Values are validated when they are made: Score::new(1.2) is an error.
//! let (weight, closeness) = (Score::new(0.8)?, Score::new(0.9)?);
//! let met: Day = "2025-06-01".parse()?;
//! // One transaction: every change validated, all or nothing, appended to the change log.
//! db.write(1_751_241_600_000, |t| {
//!     let acme = t.upsert_account(Account { xid: "A1".into(), name: "Acme".into(), kind: AccountKind::Client })?;
//!     let ceo = t.upsert_person(Person { xid: "P1".into(), name: "Wang".into(), title: Some("CEO".into()) })?;
//!     let cfo = t.upsert_person(Person { xid: "P2".into(), name: "Li".into(), title: Some("CFO".into()) })?;
//!     let me = t.upsert_employee(Employee { xid: "E1".into(), name: "Chen".into(), left: None })?;
//!     let always = Employment::default(); // no dates: works there at all times
//!     t.add_edge(Edge::WorksAt { person: ceo, account: acme, employment: always.clone() })?;
//!     t.add_edge(Edge::WorksAt { person: cfo, account: acme, employment: always })?;
//!     t.add_edge(Edge::ReportsTo { person: cfo, manager: ceo, weight })?;
//!     t.add_edge(Edge::Tie {
//!         employee: me,
//!         person: cfo,
//!         tie: Tie { closeness, last_contact: Some(met), private: false },
//!     })?;
//!     Ok(())
//! })?;
//!
//! // Analyses run on an immutable snapshot taken from one read transaction.
//! let snapshot = Snapshot::load(&db.begin_read()?)?;
//! let report = Report::compute(&snapshot, &Params::default(), "2025-06-30".parse()?);
//! let acme = &report.accounts[0];
//! assert_eq!(acme.id, "A1");
//! assert!(acme.strength > 0.0); // the CFO, whom we know well, defers to the CEO
//! println!("{}", report.to_json()); // the JSON report (§6)
//! # Ok(())
//! # }
//! ```
//!
//! ## Layers
//!
//! Each layer is a module folder and depends only on the ones before it:
//!
//! 1. [`model`] — typed ids, nodes, edges and validated values (a score is a finite
//!    number in `[0, 1]` or it cannot exist), and [`model::Network`], a whole network in
//!    memory.
//! 2. [`store`] — the persistent database on an embedded ACID key-value engine: node
//!    tables, an external-id index, adjacency in both directions laid out so that "all
//!    edges of type T at node N" is one range scan, a change log (a sync feed, and the
//!    history the database can be read back from), and an integrity check.
//! 3. [`graph`] — an immutable, compact in-memory [`graph::Snapshot`] built from one
//!    read transaction, so every analysis sees one consistent moment.
//! 4. [`analysis`] — the analyses of §4 (decayed ties, closeness, PageRank
//!    influence, account strength, opinion propagation, chain completeness, strongest
//!    paths, coaches, employee portfolios, departure impact, relationship asset, chain
//!    competition), each at a date as §8 reads the dated records (interactions,
//!    employment periods, departures; trends and attitude memory), the strategy of §9
//!    (levers, win probability, claims, protection, best owner, data quality), and the
//!    JSON [`analysis::Report`] of §6, parallel and deterministic.
//! 5. [`live`] — per-item queries on the latest committed state without a snapshot:
//!    the same analyses reading one read transaction neighbourhood by neighbourhood
//!    ([`live::LiveGraph`]), and what-if overlays of hypothetical changes
//!    ([`live::WhatIf`]).
//! 6. [`io`] — the CSV interchange format of §5 with its import modes (merge, replace,
//!    dry run), and DOT/GraphML drawings.
//!
//! [`synth`] generates realistic synthetic networks from a seed, for demos, tests and
//! benchmarks. The `brm` example is the command-line tool over all of it.
//!
//! The model, every formula, the CSV format and the JSON report are documented in the
//! repository's `docs/` folder (`docs/model.md`, `docs/analyses.md`, `docs/csv.md`,
//! `docs/report.md`); code cites their sections as `§4.6`. `docs/library.md` is the guide
//! to the library for a CRM backend — ids, writes, import modes, the change log as a sync
//! feed, time travel, queries, concurrency — and the `crm_backend` example runs its flow
//! event by event.
//!
//! ## Where the time goes
//!
//! A snapshot's load and a full report announce each stage as it ends, through the
//! [`log`](https://docs.rs/log) facade at debug level with the target [`STAGES`]: an
//! application that installs a logger sees, with its timestamps, which stage of a slow
//! report took the time (`brm report --timings` prints them). Without a logger each
//! announcement is one relaxed atomic load.
#![forbid(unsafe_code)]

/// The README's library example, compiled by `cargo test` so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod analysis;
pub mod graph;
pub mod io;
pub mod live;
pub mod model;
pub mod store;
pub mod synth;

/// The `log` target under which the snapshot's load and the full report announce the
/// end of each of their stages, at debug level.
pub const STAGES: &str = "guanxi::stages";

/// Announces the end of a stage (see [`STAGES`]).
pub(crate) fn stage_done(what: impl std::fmt::Display) {
    log::debug!(target: STAGES, "{what}");
}
