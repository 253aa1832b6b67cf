//! Loading a snapshot straight from one transaction of the store.

use super::build::{finish, touch, Builder, Edges, Touch};
use super::Snapshot;
use crate::model::{
    Edge, EdgeKey, EdgeKind, EmployeeId, Interaction, NodeKind, NodeRef, NodeView, PersonId,
};
use crate::store::{self, IdMap, InteractionId, Read, StoreError, Visit};

impl Snapshot {
    /// Builds the snapshot of a database's state as seen by one read (or write)
    /// transaction: every analysis on it sees one consistent moment, whatever writers do
    /// meanwhile. The snapshot is indexed by the store's ids: an id returned by
    /// [`lookup`](crate::store::Read::lookup) or an `upsert_*` names the same node here,
    /// and the ids of removed nodes are holes (see [`Snapshot::contains`]).
    ///
    /// The arrays are built straight from the store's scan, without an intermediate
    /// [`Network`](crate::model::Network): the nodes first, then the edge kinds in
    /// contiguous groups and the interactions, each range-scanned and gathered as its own
    /// task on the current rayon pool, and appended in key order. The interactions are
    /// read from the person index, whose entries hold their records, so they come grouped
    /// by person and only each person's few need ordering (an index whose entries do not
    /// match their records, or number other than the interactions, is damage). The
    /// snapshot is the same to the last bit whatever the thread count. Its figures are
    /// those of
    /// [`from_network`](Snapshot::from_network) of [`Read::network`](crate::store::Read::network)
    /// to the last bit too: that network numbers the same nodes in the same order, only
    /// without the holes.
    ///
    /// Load a snapshot once and ask it any number of questions; load a new one to see
    /// later commits.
    ///
    /// ```
    /// use guanxi::analysis::{person_figures, Params, QueryError};
    /// use guanxi::graph::Snapshot;
    /// use guanxi::model::*;
    /// use guanxi::store::Database;
    ///
    /// let db = Database::in_memory()?;
    /// let tie = Tie { closeness: Score::new(0.6)?, last_contact: None, private: false };
    /// let (gone, wang) = db.write(1, |t| {
    ///     let a = t.create_account(Account { xid: "A".into(), name: "Acme".into(), kind: AccountKind::Client })?;
    ///     let e = t.create_employee(Employee { xid: "E1".into(), name: "Chen".into(), left: None })?;
    ///     let gone = t.create_person(Person { xid: "P1".into(), name: "Li".into(), title: None })?;
    ///     let wang = t.create_person(Person { xid: "P2".into(), name: "Wang".into(), title: None })?;
    ///     t.add_edge(Edge::WorksAt { person: wang, account: a, employment: Employment::default() })?;
    ///     t.add_edge(Edge::Tie { employee: e, person: wang, tie })?;
    ///     Ok((gone, wang))
    /// })?;
    /// db.write(2, |t| t.remove_node(gone.into()))?; // a hole: person 0 is never reused
    ///
    /// let snapshot = Snapshot::load(&db.begin_read()?)?;
    /// let (params, as_of) = (Params::default(), "2025-06-30".parse()?);
    /// assert_eq!(snapshot.person_by_xid("P2"), Some(wang)); // the store's id, here too
    /// let figures = person_figures(&snapshot, wang, &params, as_of)?;
    /// assert_eq!(figures.account.unwrap().xid, "A");
    /// assert!((figures.closeness - 0.6).abs() < 1e-12); // one undated tie: no decay
    /// // The removed person's id is an error, not empty figures.
    /// assert_eq!(
    ///     person_figures(&snapshot, gone, &params, as_of).unwrap_err(),
    ///     QueryError::NotFound { kind: NodeKind::Person, id: 0 },
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Any [`StoreError`](crate::store::StoreError) of the scan, such as
    /// [`Corrupt`](crate::store::StoreError::Corrupt) for a record that does not decode,
    /// or for a node id at or beyond the next id the store would hand out (the arrays
    /// are sized by the largest id, so a damaged id must not size them).
    pub fn load<T: Read + Sync>(txn: &T) -> Result<Snapshot, StoreError> {
        let hint = txn
            .edge_counts()?
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
        let scan_nodes = || {
            let mut b = Builder::default();
            store::scan_nodes(txn, &mut b).map(|map| (b, map))
        };
        // When no node was ever removed, store ids are `0..count`: the edges need not wait
        // for the node scan, which then only confirms the guess.
        if let Some(guess) = store::dense_ids(txn)? {
            let counts = std::array::from_fn(|k| guess.len(NodeKind::ALL[k]));
            let (nodes, (edges, interactions)) = rayon::join(
                || stage(scan_nodes(), "snapshot: nodes read"),
                || {
                    rayon::join(
                        || {
                            let edges = gather_edges(txn, &guess, counts, &hint, false);
                            stage(edges, "snapshot: edges read")
                        },
                        || {
                            let interactions = gather_interactions(txn, &guess, false);
                            stage(interactions, "snapshot: interactions read")
                        },
                    )
                },
            );
            let (b, map) = nodes?;
            if map == guess {
                let snapshot = finish(b.nodes, edges?, interactions?);
                return Ok(stage(snapshot, "snapshot: tables built"));
            }
        }
        let (mut b, map) = stage(scan_nodes(), "snapshot: nodes read")?;
        // The arrays span the ids: an id at or beyond the next id to hand out is damage,
        // refused before it sizes an allocation.
        let next = store::next_ids(txn)?;
        // Ids come in key order, strictly increasing; a damaged table may break that.
        for (kind, next) in NodeKind::ALL.into_iter().zip(next) {
            let ids = map.store_ids(kind);
            if let Some(&[a, b]) = ids.windows(2).find(|w| w[0] >= w[1]) {
                return Err(StoreError::Corrupt {
                    what: format!("the {kind} table"),
                    reason: format!("its ids are out of order ({a} before {b})"),
                });
            }
            if let Some(&id) = ids.last().filter(|&&id| id >= next) {
                return Err(StoreError::Corrupt {
                    what: format!("the {kind} table"),
                    reason: format!("it holds id {id}, but ids below {next} only were handed out"),
                });
            }
        }
        b.nodes
            .spread(std::array::from_fn(|k| map.store_ids(NodeKind::ALL[k])));
        let bounds = b.nodes.bounds();
        let (edges, interactions) = rayon::join(
            || {
                stage(
                    gather_edges(txn, &map, bounds, &hint, true),
                    "snapshot: edges read",
                )
            },
            || {
                let interactions = gather_interactions(txn, &map, true);
                stage(interactions, "snapshot: interactions read")
            },
        );
        let snapshot = finish(b.nodes, edges?, interactions?);
        Ok(stage(snapshot, "snapshot: tables built"))
    }
}

/// `value`, once the stage `what` that made it is announced (see [`crate::STAGES`]).
fn stage<T>(value: T, what: &str) -> T {
    crate::stage_done(what);
    value
}

/// Hands edges on with their ends as store ids: the scan gives them as network
/// positions (`map`'s), which differ from the store's ids once a node was removed.
struct StoreIds<'a, V> {
    map: &'a IdMap,
    inner: &'a mut V,
}

impl<V: Visit> Visit for StoreIds<'_, V> {
    fn node(&mut self, _: NodeView<'_>) {}

    fn edge(&mut self, edge: Edge) {
        let key = edge.key();
        if let (Some(from), Some(to)) = (self.map.store_ref(key.from), self.map.store_ref(key.to)) {
            let key = EdgeKey {
                kind: key.kind,
                from,
                to,
            };
            if let Some(edge) = Edge::from_parts(key, edge.attrs()) {
                self.inner.edge(edge);
            }
        }
    }
}

/// Collects interactions as the snapshot keeps them, their ends mapped back to store ids
/// when `to_store_ids`.
struct Interactions<'a> {
    map: &'a IdMap,
    to_store_ids: bool,
    all: Vec<Touch>,
}

impl Visit for Interactions<'_> {
    fn node(&mut self, _: NodeView<'_>) {}

    fn edge(&mut self, _: Edge) {}

    fn interaction(&mut self, _: InteractionId, i: &Interaction) {
        if !self.to_store_ids {
            self.all.push(touch(i));
            return;
        }
        let store = |n: NodeRef| self.map.store_ref(n).map(|r| r.id);
        if let (Some(e), Some(p)) = (store(i.employee.into()), store(i.person.into())) {
            self.all.push(touch(&Interaction {
                employee: EmployeeId(e),
                person: PersonId(p),
                ..*i
            }));
        }
    }
}

/// Every interaction (one scan of the person index, so grouped by person), with store
/// ids when
/// `to_store_ids`, in a vector sized by the store's count (sixteen bytes each: on a
/// large network, a vector left to grow by doubling would hold up to twice that, and
/// copy it at each step). The count is checked against the table's length; past 2²⁷ the
/// vector grows as it goes, so that no count sizes an allocation beyond reason.
fn gather_interactions<T: Read>(
    txn: &T,
    map: &IdMap,
    to_store_ids: bool,
) -> Result<Vec<Touch>, StoreError> {
    let count = txn.interaction_count()?;
    let mut visitor = Interactions {
        map,
        to_store_ids,
        all: Vec::with_capacity(usize::try_from(count.min(1 << 27)).unwrap_or(0)),
    };
    let seen = store::scan_interactions_by_person(txn, map, &mut visitor)?;
    if seen != count {
        return Err(StoreError::Corrupt {
            what: "the person index of interactions".to_owned(),
            reason: format!("it holds {seen} entries for {count} interactions"),
        });
    }
    Ok(visitor.all)
}

/// The tasks of [`gather_edges`]: contiguous runs of kinds in code order, one per kind
/// except the two that both feed the deference list (gathered together, so that their
/// pairs need no concatenation).
const EDGE_TASKS: [&[EdgeKind]; 8] = [
    &[EdgeKind::WorksAt],
    &[EdgeKind::ReportsTo, EdgeKind::Influences],
    &[EdgeKind::Tie],
    &[EdgeKind::Member],
    &[EdgeKind::Owns],
    &[EdgeKind::RivalTie],
    &[EdgeKind::Competes],
    &[EdgeKind::Of],
];

/// Every edge, gathered by [`EDGE_TASKS`] on the current rayon pool and appended in
/// kind (hence key) order; an error if the out table holds entries of no kind.
/// With `to_store_ids`, the edges' ends are mapped back from `map`'s network positions
/// to store ids; `bounds` are the id bounds of the snapshot's tables.
fn gather_edges<T: Read + Sync>(
    txn: &T,
    map: &IdMap,
    bounds: [usize; NodeKind::COUNT],
    hint: &[usize; EdgeKind::COUNT],
    to_store_ids: bool,
) -> Result<Edges, StoreError> {
    use rayon::prelude::*;
    let parts: Vec<Result<(Edges, u64), StoreError>> = EDGE_TASKS
        .par_iter()
        .with_max_len(1)
        .map(|kinds| {
            let mut only = [0; EdgeKind::COUNT];
            for kind in *kinds {
                only[usize::from(kind.code())] = hint[usize::from(kind.code())];
            }
            let mut edges = Edges::new(bounds, &only);
            let mut seen = 0;
            for &kind in *kinds {
                seen += if to_store_ids {
                    let mut visitor = StoreIds {
                        map,
                        inner: &mut edges,
                    };
                    store::scan_edges(txn, kind, map, &mut visitor)?
                } else {
                    store::scan_edges(txn, kind, map, &mut edges)?
                };
            }
            Ok((edges, seen))
        })
        .collect();
    let mut all = Edges::new(bounds, &[0; EdgeKind::COUNT]);
    let mut seen = 0;
    for part in parts {
        let (edges, n) = part?;
        seen += n;
        all.append(edges);
    }
    store::check_edge_total(txn, seen)?;
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_tasks_cover_every_kind_once_in_code_order() {
        let flat: Vec<EdgeKind> = EDGE_TASKS.iter().flat_map(|t| t.iter().copied()).collect();
        assert_eq!(flat, EdgeKind::ALL);
    }
}
