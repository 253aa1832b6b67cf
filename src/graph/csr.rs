//! A compressed sparse row table: rows of items stored back to back.
//!
//! Every adjacency of the snapshot is one of these: an offsets array of `rows + 1`
//! positions into one flat item array. Building is a stable counting sort, so it is
//! linear in rows + items and keeps the items of a row in input order (which fixes the
//! summation order of every analysis that walks a row).

/// Rows of `T`, stored contiguously.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr<T> {
    offsets: Vec<usize>,
    items: Vec<T>,
}

impl<T> Default for Csr<T> {
    fn default() -> Self {
        Csr {
            offsets: vec![0],
            items: Vec::new(),
        }
    }
}

impl<T: Copy> Csr<T> {
    /// Builds `rows` rows from `(row, item)` pairs; pairs whose row is out of range are
    /// skipped. Stable: a row keeps its items in input order.
    pub fn from_pairs(rows: usize, pairs: &[(usize, T)]) -> Csr<T> {
        let mut offsets = vec![0usize; rows + 1];
        for &(r, _) in pairs {
            if r < rows {
                offsets[r + 1] += 1;
            }
        }
        let (mut next, mut items) = place(&mut offsets, pairs.first().map(|p| p.1));
        for &(r, item) in pairs {
            if r < rows {
                items[next[r]] = item;
                next[r] += 1;
            }
        }
        Csr { offsets, items }
    }

    /// The table of `pairs` and of their mirror images (`mirror(row, item)` gives the
    /// other end's row and item), as if each pair were followed by its mirror in the
    /// input of [`from_pairs`](Csr::from_pairs): the undirected version of a directed
    /// edge list, without building the doubled list.
    pub fn from_pairs_and_mirrors(
        rows: usize,
        pairs: &[(usize, T)],
        mirror: impl Fn(usize, &T) -> (usize, T),
    ) -> Csr<T> {
        let mut offsets = vec![0usize; rows + 1];
        for (r, item) in pairs {
            let (m, _) = mirror(*r, item);
            if *r < rows && m < rows {
                offsets[*r + 1] += 1;
                offsets[m + 1] += 1;
            }
        }
        let (mut next, mut items) = place(&mut offsets, pairs.first().map(|p| p.1));
        for (r, item) in pairs {
            let (m, back) = mirror(*r, item);
            if *r < rows && m < rows {
                items[next[*r]] = *item;
                next[*r] += 1;
                items[next[m]] = back;
                next[m] += 1;
            }
        }
        Csr { offsets, items }
    }

    /// The table keeping, in each row, only the first item of each group of items with
    /// the same `key`, folded with `merge` (in input order). Linear and in place (a row
    /// only shrinks, so the write position never passes the read position): `seen`
    /// marks, per key, the position of its item in the output.
    #[must_use]
    pub fn merged(
        mut self,
        key_space: usize,
        key: impl Fn(&T) -> usize,
        merge: impl Fn(&mut T, &T),
    ) -> Csr<T> {
        let mut seen = vec![usize::MAX; key_space];
        let mut write = 0;
        let mut start = 0;
        for r in 0..self.rows() {
            let (from, to) = (self.offsets[r], self.offsets[r + 1]);
            for read in from..to {
                let item = self.items[read];
                let k = key(&item);
                match seen.get(k) {
                    Some(&pos) if pos != usize::MAX && pos >= start => {
                        merge(&mut self.items[pos], &item);
                    }
                    Some(_) => {
                        seen[k] = write;
                        self.items[write] = item;
                        write += 1;
                    }
                    None => {}
                }
            }
            self.offsets[r] = start;
            start = write;
        }
        let rows = self.rows();
        self.offsets[rows] = write;
        self.items.truncate(write);
        self
    }
}

/// Turns per-row counts (`offsets[r + 1]` = items of row `r`) into offsets, and returns
/// each row's next free slot and the item array, filled with `filler` until every slot
/// is written (exactly once) by the caller's second pass.
fn place<T: Copy>(offsets: &mut [usize], filler: Option<T>) -> (Vec<usize>, Vec<T>) {
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let total = offsets.last().copied().unwrap_or(0);
    let items = filler.map_or_else(Vec::new, |f| vec![f; total]);
    (offsets.to_vec(), items)
}

impl<T> Csr<T> {
    /// The table with these `offsets` (`rows + 1` positions, non-decreasing, the last
    /// equal to `items.len()`) and `items`.
    pub(super) fn from_parts(offsets: Vec<usize>, items: Vec<T>) -> Csr<T> {
        debug_assert!(offsets.first() == Some(&0) && offsets.last() == Some(&items.len()));
        Csr { offsets, items }
    }

    /// Number of rows.
    #[inline]
    pub fn rows(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of items over all rows.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The items of row `r` (empty for a row out of range).
    #[inline]
    pub fn row(&self, r: usize) -> &[T] {
        match (self.offsets.get(r), self.offsets.get(r + 1)) {
            (Some(&a), Some(&b)) => &self.items[a..b],
            _ => &[],
        }
    }

    /// The positions of row `r`'s items in [`Csr::items`].
    #[inline]
    pub fn range(&self, r: usize) -> std::ops::Range<usize> {
        match (self.offsets.get(r), self.offsets.get(r + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }

    /// All items, row after row.
    #[inline]
    pub fn items(&self) -> &[T] {
        &self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_input_order_and_skip_out_of_range() {
        let c = Csr::from_pairs(3, &[(2, 'a'), (0, 'b'), (2, 'c'), (9, 'z'), (0, 'd')]);
        assert_eq!(c.row(0), &['b', 'd']);
        assert_eq!(c.row(1), &[] as &[char]);
        assert_eq!(c.row(2), &['a', 'c']);
        assert_eq!(c.row(7), &[] as &[char]);
        assert_eq!(c.len(), 4);
    }

    #[test]
    fn mirrors_land_as_if_each_pair_were_followed_by_its_mirror() {
        let pairs = [(0, (2usize, 'a')), (2, (1, 'b')), (1, (0, 'c'))];
        let mirror = |r: usize, x: &(usize, char)| (x.0, (r, x.1.to_ascii_uppercase()));
        let both = Csr::from_pairs_and_mirrors(3, &pairs, mirror);
        let doubled: Vec<(usize, (usize, char))> = pairs
            .iter()
            .flat_map(|(r, x)| [(*r, *x), mirror(*r, x)])
            .collect();
        assert_eq!(both, Csr::from_pairs(3, &doubled));
        assert_eq!(both.row(0), &[(2, 'a'), (1, 'C')]);
    }

    #[test]
    fn merged_folds_items_with_the_same_key_per_row() {
        let c = Csr::from_pairs(
            2,
            &[
                (0, (1usize, 0.5)),
                (0, (2, 0.1)),
                (0, (1, 0.25)),
                (1, (1, 1.0)),
            ],
        );
        let m = c.merged(3, |x| x.0, |a, b| a.1 += b.1);
        assert_eq!(m.row(0), &[(1, 0.75), (2, 0.1)]);
        assert_eq!(m.row(1), &[(1, 1.0)]);
    }
}
