//! Live queries: per-item answers on the latest committed state, without a rebuild.
//!
//! # Why this design
//!
//! A CRM backend writes one tie and then asks for one project's analysis. Rebuilding a
//! [`Snapshot`](crate::graph::Snapshot) first costs the whole network (about a second
//! on the `large` preset) for an answer that reads a few hundred rows. The analyses
//! already compute per-item answers from one neighbourhood (a project's persons and
//! their ties, deference and link rows, the path search around its approvers), and the
//! store's layout already makes each such row one range scan (edges of kind T at node
//! N, a person's interactions, an employee's interactions). So the analyses read the
//! network through a trait, [`Graph`](crate::graph::Graph) — the few neighbourhood
//! questions they ask — and two sources answer it:
//!
//! * the snapshot, with borrowed slices of its arrays (the full report and everything
//!   that reads the whole network stay there, at the same speed as before);
//! * a [`LiveGraph`] over one read transaction, with range scans turned into exactly
//!   the rows the snapshot would hold, in the same order, merged the same way, and
//!   memoised for the life of the `LiveGraph`.
//!
//! Nothing is kept current between commits, so there is nothing to make visible after
//! a commit: a query on a transaction begun after the commit reads it. The cost of a
//! query is that of its neighbourhood: how many rows it reads, at a few microseconds a
//! range scan. The other design — a snapshot kept current by folding each commit's
//! changes into a delta beside immutable arrays — would answer from memory, but
//! would hold the whole network in every process and must reproduce each row's order
//! under every kind of change; the range scans get both for free from the store.
//!
//! **To the bit.** Every row of a `LiveGraph` holds the snapshot's items in the
//! snapshot's order (the [`Graph`](crate::graph::Graph) contract), the dated rules are
//! provided methods of the trait written once, and the analyses are the same code, so
//! every per-item query gives the figures of the same query on a snapshot loaded from
//! the same transaction, to the last bit (`tests/live_queries_equal_a_rebuild.rs`
//! compares them after every commit of random histories of every kind of write).
//!
//! **What a live source cannot know cheaply**, and the policy for each:
//!
//! * the connected components of the link graph, which a snapshot computes for the
//!   whole network and the coach search (§4.9) uses to skip candidates that cannot
//!   reach an approver. A live source answers "unknown"; the search then finds the
//!   same candidates unreachable by exhausting their own (small) components, and its
//!   figures do not depend on the hint (see `analysis/coach.rs`);
//! * the win model (§9.2), fitted on every closed project: a global figure, not a
//!   neighbourhood. It is never fitted by a live query. A caller fits it on a snapshot
//!   ([`win_model`](crate::analysis::win_model)) — it summarises the history and
//!   changes little from one commit to the next — and explains any project live with
//!   [`win_probability`](crate::analysis::win_probability), which takes the model as an
//!   argument. `brm chain` prints the explanation only when asked (`--win`), since
//!   that needs the whole history;
//! * the lists over every account or employee (claims, protections, departed
//!   employees, the training set): they read the whole network and stay on the
//!   snapshot. Their per-item forms (one account's claim or protection, one
//!   employee's figures) are live queries.
//!
//! **Reads that fail.** A store error while a `LiveGraph` reads (a damaged page, say)
//! is kept, the row reads as empty, the analysis runs to its end, and the query then
//! returns [`QueryError::Store`](crate::analysis::QueryError::Store) instead of its
//! result — so the analyses stay infallible and no figure computed from a partial row
//! is ever returned.
//!
//! # Memory and concurrency
//!
//! A `LiveGraph` belongs to one thread (it is `Send`, not `Sync`) and holds one read
//! transaction's view; many threads each run their own while a writer commits, and the
//! storage engine keeps each transaction's pages as they were. Nothing is shared and
//! nothing is global: the memory a query holds is its memo — the rows it read
//! ([`LiveGraph::memo_items`]), its neighbourhood and nothing else — plus the path
//! search's per-thread scratch: one 24-byte record per person and employee id, reused by
//! every search of the thread and allocated zeroed, so only the pages of the nodes a
//! search reaches are ever resident. Memory is therefore bounded by the requests in
//! flight times the neighbourhood each reads, plus one scratch per thread. Dropping the
//! `LiveGraph` frees the memo; dropping its transaction lets the engine reclaim the
//! pages later commits replaced.
//!
//! # What-if
//!
//! [`WhatIf`] lays hypothetical changes — a person won over, a tie added or
//! strengthened, an employee leaving, a rival gaining a tie — over any source, and is
//! itself a source: run any per-item query on it to see the analysis after the
//! changes, while the database is only ever read. [`what_if`] runs a closure on a
//! fresh overlay.

mod source;
mod whatif;

pub use source::LiveGraph;
pub use whatif::{what_if, Patched, WhatIf, WhatIfError, OVERLAY_TIES};

pub use crate::graph::ReadFailure;
