//! Loading a snapshot straight from one transaction of the store.

use super::build::{finish, Builder, Edges};
use super::Snapshot;
use crate::model::{EdgeKind, NodeKind};

impl Snapshot {
    /// Builds the snapshot of a database's state as seen by one read (or write)
    /// transaction: every analysis on it sees one consistent moment, whatever writers do
    /// meanwhile. Returns the [`IdMap`](crate::store::IdMap) from the snapshot's dense ids
    /// (network positions) back to the store's ids.
    ///
    /// The arrays are built straight from the store's scan, without an intermediate
    /// [`Network`](crate::model::Network): the nodes first, then the edge kinds in contiguous groups of about
    /// equal size, one per thread of the current rayon pool, each group range-scanned
    /// and gathered on its own, and appended in key order — so the snapshot is the same
    /// to the last bit whatever the thread count, and the same as
    /// [`from_network`](Snapshot::from_network) of [`Read::network`](crate::store::Read::network).
    ///
    /// # Errors
    ///
    /// Any [`StoreError`](crate::store::StoreError) of the scan, such as
    /// [`Corrupt`](crate::store::StoreError::Corrupt) for a record that does not decode.
    pub fn load<T: crate::store::Read + Sync>(
        txn: &T,
    ) -> Result<(Snapshot, crate::store::IdMap), crate::store::StoreError> {
        let hint = txn
            .edge_counts()?
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
        let scan_nodes = || {
            let mut b = Builder::default();
            txn.scan_nodes(&mut b).map(|map| (b, map))
        };
        // When no node was ever removed, store ids are the network ids: the edges need
        // not wait for the node scan, which then only confirms the guess.
        let (b, map, edges) = if let Some(guess) = txn.dense_ids()? {
            let counts = std::array::from_fn(|k| guess.len(NodeKind::ALL[k]));
            let (nodes, edges) =
                rayon::join(scan_nodes, || gather_edges(txn, &guess, counts, &hint));
            let (b, map) = nodes?;
            let edges = if map == guess {
                edges?
            } else {
                gather_edges(txn, &map, b.nodes.counts(), &hint)?
            };
            (b, map, edges)
        } else {
            let (b, map) = scan_nodes()?;
            let edges = gather_edges(txn, &map, b.nodes.counts(), &hint)?;
            (b, map, edges)
        };
        Ok((finish(b.nodes, edges), map))
    }
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
fn gather_edges<T: crate::store::Read + Sync>(
    txn: &T,
    map: &crate::store::IdMap,
    counts: [usize; 4],
    hint: &[usize; 9],
) -> Result<Edges, crate::store::StoreError> {
    use rayon::prelude::*;
    let parts: Vec<Result<(Edges, u64), crate::store::StoreError>> = EDGE_TASKS
        .par_iter()
        .with_max_len(1)
        .map(|kinds| {
            let mut only = [0; 9];
            for kind in *kinds {
                only[usize::from(kind.code())] = hint[usize::from(kind.code())];
            }
            let mut edges = Edges::new(counts, &only);
            let mut seen = 0;
            for &kind in *kinds {
                seen += txn.scan_edges(kind, map, &mut edges)?;
            }
            Ok((edges, seen))
        })
        .collect();
    let mut all = Edges::new(counts, &[0; 9]);
    let mut seen = 0;
    for part in parts {
        let (edges, n) = part?;
        seen += n;
        all.append(edges);
    }
    txn.check_edge_total(seen)?;
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
