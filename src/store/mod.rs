//! The store: a relationship network persisted in one embedded database file.
//!
//! # Why this shape
//!
//! The analyses (§4) walk neighbourhoods — "every tie of this person", "every member
//! of this project", "every person of this account" — and the CRM writes small batches of
//! changes. So the layout is built around one operation: *all edges of type T out of (or
//! into) node N is one contiguous range scan*. Everything else (records, indexes, counts,
//! the change log) is a plain key → value table beside it. Interactions (§8.1) are not
//! edges — any number per pair and per day — so they get tables of their own, laid out
//! the same way around the questions asked of them: a pair's, a person's and a date
//! range's interactions are one range scan each. The storage engine gives ACID
//! transactions and MVCC: readers see one consistent snapshot while a writer works.
//!
//! # Key layout
//!
//! | table | key | value |
//! |---|---|---|
//! | `guanxi.meta` | `&str`: `magic`, `format`, `next_id.<kind>`, `next_id.interaction`, `next_seq`, `next_commit`, `log_start` | `u64` |
//! | `guanxi.counts` | `&str`: `node.<kind>`, `edge.<kind>`, `interactions` | `u64` |
//! | `guanxi.node.<kind>` (×4) | dense id `u32` | node record |
//! | `guanxi.xid.<kind>` (×4) | external id `&str` | dense id `u32` |
//! | `guanxi.edge.out` | `[code, from.pack(), to.pack()]` (17 bytes) | attributes record |
//! | `guanxi.edge.in` | `[code, to.pack(), from.pack()]` (17 bytes) | `()` |
//! | `guanxi.log` | sequence number `u64` | change record |
//! | `guanxi.commit` | commit number `u64` | commit record (time, entry range, counts) |
//! | `guanxi.removed` | packed [`NodeRef`](crate::model::NodeRef) `u64` of a removed node | its external id |
//! | `guanxi.interaction` | [`InteractionId`] `u64` | interaction record |
//! | `guanxi.interaction.by_pair` | `[employee, person, day, id]` (20 bytes) | interaction record |
//! | `guanxi.interaction.by_person` | `[person, day, id]` (16 bytes) | interaction record |
//! | `guanxi.interaction.by_date` | `[day, id]` (12 bytes) | interaction record |
//! | `guanxi.interaction.by_project` | `[project, id]` (12 bytes) | `()` |
//!
//! * Adjacency keys are the edge code byte followed by the two packed
//!   [`NodeRef`](crate::model::NodeRef)s (`kind << 32 | id`) **big-endian**, so byte order
//!   is (kind, first node, second node) order and the edges of kind T at node N are the
//!   range `[T, N, 0] ..= [T, N, u64::MAX]`. The in table mirrors the out table with the
//!   ends swapped and no value: attributes live once, in the out table; `edges_in` looks
//!   them up for the kinds that have attributes.
//! * Records are one format-version byte followed by the value in postcard (node records
//!   are the per-type structs, edge records [`EdgeAttrs`](crate::model::EdgeAttrs), log
//!   records `(time, change)` where the change holds the new value and what it replaced
//!   or removed). Decoding checks the version, rejects trailing bytes, never
//!   panics, and never allocates beyond the record's own size; the model's value types
//!   validate while decoding. The two records a snapshot's load reads millions of times
//!   (edge attributes, interactions) are read field by field when they are in their usual
//!   form, the general decoder deciding anything else.
//! * Interaction index keys are big-endian too, a day being its day number with the sign
//!   bit flipped, so each index is in (…, date, id) order; its values are the records
//!   themselves, so a scan needs no second lookup. The project index serves one write:
//!   clearing the project of the interactions of a removed project.
//! * Dense ids come from the per-kind `next_id` counters and are never reused: a removed
//!   node leaves a hole, which [`Read::network`] closes by remapping ([`IdMap`]).
//!   Interaction ids come from `next_id.interaction`, in recording order, likewise.
//! * `meta.magic` marks a guanxi database and `meta.format` is the file format version;
//!   a file with a larger version is refused ([`StoreError::NewerFormat`]).
//! * The change log (see [The change log](#the-change-log)) is keyed by sequence number; each
//!   write transaction that logged something adds a [`Commit`] record numbered from 1,
//!   whose entry range lets a reader find the commit of any entry by a binary search.
//!   `next_seq` is the log's head and `log_start` the lowest sequence number it still
//!   holds ([`WriteTxn::trim_log`]): both are one read. The removed-node table keeps the
//!   external id of every removed node, so that entries about it can still name it.
//!
//! # File formats
//!
//! Format 1 (the first release) has the tables above without the interaction tables and
//! counters, and records of version 1 (no employee leaving date, no `works_at` period).
//! Format 2 adds the interaction tables and counters and writes records of version 2.
//! A format-1 file opens and reads as it is: its records decode (an employee without a
//! leaving date, a `works_at` spanning all time), its interaction tables read as empty,
//! and a read never writes it. The first write transaction upgrades it — creates the
//! interaction tables and counters and records format 2 — in that same transaction, so
//! the upgrade commits with the first change or not at all; version-1 records stay valid
//! and are rewritten only when they change.
//!
//! Format 3 turns the change log into a sync feed and a history: log records of version
//! 3 hold what each change replaced or removed (so the log can be undone), a node's
//! removal is logged with the edges it took, and the commit and removed-node tables and
//! the `next_commit` and `log_start` counters are added. A file of format 1 or 2 reads as
//! it is (its log entries without `before` and without a commit number); the first write
//! transaction upgrades it, deriving its commits (one per run of entries with the same
//! time) and its removed nodes' external ids from its log.
//!
//! # The change log
//!
//! Every committed change is a [`LogEntry`]: a sequence number, the [`Commit`] it
//! belongs to (one per write transaction that changed something, numbered from 1, with
//! the caller's time and the counts of its changes), and the [`Change`] — with the new
//! value *and* what it replaced or removed, so the log replays forwards into an empty
//! database and undoes backwards from the current one. A node's removal is logged as the
//! removal of each interaction and edge it took, then of the node with its last record,
//! so a consumer applying the entries one by one never holds a dangling edge; and every
//! entry names the nodes it mentions by external id ([`LogEntry::xids`]), also a node
//! removed since.
//!
//! As a sync feed: [`Read::log_head`] is the head (one counter read),
//! [`Read::log_page`] reads a bounded page from any sequence number and says where the
//! next starts; once every consumer is past a sequence number,
//! [`WriteTxn::trim_log`] drops the whole commits before it, and a read of a trimmed
//! range is [`StoreError::LogTrimmed`], naming the lowest sequence number held.
//! [`WriteTxn::erase_person`] removes every entry that mentions a person: the log then
//! replays to the database as if the person had never been recorded.
//!
//! As a history: [`Read::network_at_commit`] reads the database back as it stood after
//! any commit the log still holds, rebuilt from the log backwards from the present (one
//! scan plus the entries undone) or forwards from the start (the entries applied),
//! whichever is cheaper; [`Read::commits`] lists the commits.
//!
//! # Damaged files
//!
//! No read panics on a damaged file. Every method of [`Read`] contains a panic of the
//! storage engine on a damaged structure as [`StoreError::Corrupt`] (see
//! `internal/contain.rs` for why that is sound), and nothing read from the file is
//! trusted to size an allocation: the counts are verified against the lengths the tables
//! themselves record before a count is answered ([`Read::count`] of a file whose counts
//! disagree is `Corrupt`; [`Read::check`] lists the disagreement), and capacity hints take
//! the smaller of the two. [`Database::open_verified`] verifies every page's checksum up
//! front, for files of unknown provenance.
//!
//! # Writing
//!
//! [`Database::begin_write`] (or [`Database::write`]) gives a [`WriteTxn`] that validates
//! every change against §3 before writing it; an invalid change poisons the
//! transaction so that nothing of the batch can be committed. Every committed change is
//! appended to the change log with the caller's timestamp, and every write transaction
//! that changed something is a numbered [`Commit`].
//!
//! A backend writing event by event uses the create-only inserts
//! ([`WriteTxn::create_person`], …), which refuse an external id already taken where an
//! upsert would overwrite it, and the partial updates, which change one thing and log
//! what it replaced ([`WriteTxn::record_contact`], [`WriteTxn::set_stage`],
//! [`WriteTxn::set_role`], [`WriteTxn::set_left`], [`WriteTxn::move_person`], …);
//! [`Database::write_with`] lets the closure return the backend's own error type, and
//! [`StoreError::kind`] sorts a failure into an [`ErrorKind`]: the request's fault, or
//! the store's.
//!
//! ```
//! use guanxi::model::*;
//! use guanxi::store::{Database, Read};
//!
//! let db = Database::in_memory()?;
//! let (p, a) = db.write(1_700_000_000_000, |t| {
//!     let a = t.upsert_account(Account { xid: "A1".into(), name: "Acme".into(), kind: AccountKind::Client })?;
//!     let p = t.upsert_person(Person { xid: "P1".into(), name: "Li".into(), title: None })?;
//!     t.add_edge(Edge::WorksAt { person: p, account: a, employment: Employment::default() })?;
//!     Ok((p, a))
//! })?;
//! let r = db.begin_read()?;
//! let works_at = Edge::WorksAt { person: p, account: a, employment: Employment::default() };
//! assert_eq!(r.edges_in(a.into(), EdgeKind::WorksAt)?, vec![works_at]);
//! assert!(r.check()?.is_clean());
//! # Ok::<(), guanxi::store::StoreError>(())
//! ```
//!
//! Interactions are recorded one by one, each with its own id, and read back by range:
//!
//! ```
//! use guanxi::model::*;
//! use guanxi::store::{Database, Read};
//!
//! let db = Database::in_memory()?;
//! let day = |s: &str| s.parse::<Day>().unwrap();
//! let (e, p) = db.write(1, |t| {
//!     let e = t.upsert_employee(Employee { xid: "E1".into(), name: "Zhang".into(), left: None })?;
//!     let p = t.upsert_person(Person { xid: "P1".into(), name: "Li".into(), title: None })?;
//!     for (date, kind) in [("2025-06-02", InteractionKind::Call), ("2025-05-20", InteractionKind::Meeting)] {
//!         t.add_interaction(Interaction { employee: e, person: p, date: day(date), kind, project: None })?;
//!     }
//!     Ok((e, p))
//! })?;
//! let r = db.begin_read()?;
//! let between = r.interactions_between(e, p)?; // by date: the meeting (id 1), then the call (id 0)
//! assert_eq!(between.iter().map(|(id, i)| (id.0, i.kind)).collect::<Vec<_>>(),
//!            [(1, InteractionKind::Meeting), (0, InteractionKind::Call)]);
//! assert_eq!(r.interactions_in(day("2025-06-01")..=day("2025-06-30"))?.len(), 1);
//! # Ok::<(), guanxi::store::StoreError>(())
//! ```

mod backup;
mod check;
mod db;
mod error;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod history;
mod import;
mod interaction;
mod internal;
mod log;
mod log_json;
mod read;
mod transaction;
mod travel;
mod update;

pub use backup::BackupSummary;
pub use check::{CheckReport, Violation};
pub use db::Database;
pub use error::{ErrorKind, Result, StoreError};
pub use import::ImportSummary;
pub use interaction::InteractionId;
pub use log::{Change, ChangeCounts, Commit, LogEntry, LogPage, Tally, Xids};
pub(crate) use read::{
    check_edge_total, dense_ids, next_ids, scan_edges, scan_interactions_by_person, scan_nodes,
};
pub use read::{IdMap, Read, ReadTxn, Visit};
pub use transaction::WriteTxn;
pub use update::{Attention, Dropped, Move, MoveOptions};
