//! The snapshot's node tables: external ids and names laid end to end, which ids exist,
//! and a hashed index from external id to id.
//!
//! A snapshot is indexed by the ids of where it came from: a network's positions, or the
//! store's ids, which keep a hole for every removed node. A table therefore spans an id
//! *space* (`0..bound`) in which some ids may be absent; an absent id has an empty
//! external id and name, and exists for no query.

use super::NONE;
use crate::model::{AccountKind, Day, NodeKind, NodeView, Stage};
use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;

/// Strings laid end to end in one allocation, one per id: no allocation per node.
#[derive(Debug, Clone, Default)]
pub(super) struct Names {
    text: String,
    ends: Vec<usize>,
}

impl Names {
    pub(super) fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn reserve(&mut self, n: usize) {
        self.ends.reserve(n);
        self.text.reserve(n * 8);
    }

    /// The `i`-th string (empty if out of range).
    pub(super) fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).copied().unwrap_or(usize::MAX),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.text.get(start..end).unwrap_or("")
    }

    /// Moves the `i`-th string to position `ids[i]` (`ids` increasing), leaving empty
    /// strings in the gaps, over `bound` positions. The text itself does not move.
    fn spread(&mut self, ids: &[u32], bound: usize) {
        let mut ends = Vec::with_capacity(bound);
        let mut last = 0;
        for (&id, &end) in ids.iter().zip(&self.ends) {
            ends.resize(id as usize, last);
            last = end;
            ends.push(last);
        }
        ends.resize(bound, last);
        self.ends = ends;
    }
}

/// `v` with its `i`-th item moved to `ids[i]` and `fill` in the gaps, over `bound` items.
fn spread<T: Copy>(v: &mut Vec<T>, ids: &[u32], bound: usize, fill: T) {
    let mut out = vec![fill; bound];
    for (item, &id) in v.iter().zip(ids) {
        if let Some(slot) = out.get_mut(id as usize) {
            *slot = *item;
        }
    }
    *v = out;
}

/// The nodes of one kind.
#[derive(Debug, Clone, Default)]
pub(super) struct NodeTable {
    pub(super) xid: Names,
    pub(super) name: Names,
    /// `absent[i]` marks a hole; empty when every id of `0..bound` exists.
    absent: Vec<bool>,
    /// How many ids exist.
    count: usize,
    /// Built on the first lookup: a full report never looks a node up by external id, so
    /// loading a snapshot does not pay for the index.
    index: OnceLock<XidIndex>,
}

impl NodeTable {
    fn push(&mut self, xid: &str, name: &str) {
        self.xid.push(xid);
        self.name.push(name);
        self.count += 1;
    }

    fn reserve(&mut self, n: usize) {
        self.xid.reserve(n);
        self.name.reserve(n);
    }

    /// One more than the largest id.
    pub(super) fn bound(&self) -> usize {
        self.xid.len()
    }

    /// How many ids exist.
    pub(super) fn count(&self) -> usize {
        self.count
    }

    /// Whether id `i` exists.
    #[inline]
    pub(super) fn exists(&self, i: usize) -> bool {
        i < self.bound() && !self.absent.get(i).copied().unwrap_or(false)
    }

    /// The ids that exist, increasing.
    pub(super) fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.bound() as u32).filter(|&i| self.exists(i as usize))
    }

    /// Places the nodes pushed so far at the ids `ids` (increasing, one per node).
    fn spread(&mut self, ids: &[u32]) {
        let bound = ids.last().map_or(0, |&m| m as usize + 1);
        if ids.len() == bound {
            return; // no hole: the positions are the ids
        }
        self.xid.spread(ids, bound);
        self.name.spread(ids, bound);
        self.absent = vec![true; bound];
        for &id in ids {
            if let Some(a) = self.absent.get_mut(id as usize) {
                *a = false;
            }
        }
    }

    /// The id of the node with external id `xid`, if one exists.
    pub(super) fn find(&self, xid: &str) -> Option<u32> {
        self.index
            .get_or_init(|| XidIndex::build(self))
            .find(&self.xid, xid)
    }
}

/// Open addressing over the ids of one table, keyed by the hash of their external ids:
/// four bytes per slot and no copy of the strings, which stay in the table's [`Names`].
/// The hasher is randomly keyed (external ids come from outside); lookups are exact, so
/// results never depend on it. Of several nodes with one external id (a network that
/// fails validation), the lowest id is found.
#[derive(Debug, Clone, Default)]
struct XidIndex {
    slots: Vec<u32>,
    hasher: RandomState,
}

impl XidIndex {
    fn build(table: &NodeTable) -> XidIndex {
        let mut index = XidIndex::default();
        if table.count() == 0 {
            return index;
        }
        let cap = (table.count() * 2).next_power_of_two();
        index.slots = vec![NONE; cap];
        let mask = cap - 1;
        for id in table.ids() {
            let xid = table.xid.get(id as usize);
            let mut h = index.slot(xid) & mask;
            loop {
                match index.slots[h] {
                    NONE => {
                        index.slots[h] = id;
                        break;
                    }
                    other if table.xid.get(other as usize) == xid => break,
                    _ => h = (h + 1) & mask,
                }
            }
        }
        index
    }

    fn slot(&self, xid: &str) -> usize {
        // Truncation is fine: only the low bits pick a slot.
        self.hasher.hash_one(xid) as usize
    }

    fn find(&self, names: &Names, xid: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut h = self.slot(xid) & mask;
        loop {
            match self.slots[h] {
                NONE => return None,
                id if names.get(id as usize) == xid => return Some(id),
                _ => h = (h + 1) & mask,
            }
        }
    }
}

/// Every node table of a snapshot, and the records' other fields the analyses read.
#[derive(Debug, Clone, Default)]
pub(super) struct Nodes {
    /// By [`NodeKind`] code.
    pub(super) tables: [NodeTable; NodeKind::COUNT],
    pub(super) account_kind: Vec<AccountKind>,
    pub(super) person_title: Names,
    pub(super) person_has_title: Vec<bool>,
    pub(super) employee_left: Vec<Option<Day>>,
    pub(super) project_stage: Vec<Stage>,
    pub(super) project_amount: Vec<f64>,
}

impl Nodes {
    /// The table of `kind`.
    #[inline]
    pub(super) fn table(&self, kind: NodeKind) -> &NodeTable {
        &self.tables[usize::from(kind.code())]
    }

    /// The id bound of each kind, by code.
    pub(super) fn bounds(&self) -> [usize; NodeKind::COUNT] {
        std::array::from_fn(|k| self.tables[k].bound())
    }

    pub(super) fn reserve(&mut self, counts: [usize; NodeKind::COUNT]) {
        for (table, n) in self.tables.iter_mut().zip(counts) {
            table.reserve(n);
        }
        let [na, np, ne, nx] = counts;
        self.account_kind.reserve(na);
        self.person_title.reserve(np);
        self.person_has_title.reserve(np);
        self.employee_left.reserve(ne);
        self.project_stage.reserve(nx);
        self.project_amount.reserve(nx);
    }

    /// Appends a node at the next position of its kind.
    pub(super) fn push(&mut self, node: NodeView<'_>) {
        let k = usize::from(node.kind().code());
        match node {
            NodeView::Account { xid, name, kind } => {
                self.tables[k].push(xid, name);
                self.account_kind.push(kind);
            }
            NodeView::Person { xid, name, title } => {
                self.tables[k].push(xid, name);
                self.person_title.push(title.unwrap_or(""));
                self.person_has_title.push(title.is_some());
            }
            NodeView::Employee { xid, name, left } => {
                self.tables[k].push(xid, name);
                self.employee_left.push(left);
            }
            NodeView::Project {
                xid,
                name,
                stage,
                amount,
            } => {
                self.tables[k].push(xid, name);
                self.project_stage.push(stage);
                self.project_amount.push(amount.get());
            }
        }
    }

    /// Places the nodes pushed so far at their store ids: `ids[k][i]` is the id of the
    /// `i`-th node of the kind of code `k` (increasing).
    pub(super) fn spread(&mut self, ids: [&[u32]; NodeKind::COUNT]) {
        for (table, ids) in self.tables.iter_mut().zip(ids) {
            table.spread(ids);
        }
        let [na, np, ne, nx] = self.bounds();
        let [a, p, e, x] = ids;
        if a.len() != na {
            spread(&mut self.account_kind, a, na, AccountKind::Client);
        }
        if p.len() != np {
            self.person_title.spread(p, np);
            spread(&mut self.person_has_title, p, np, false);
        }
        if e.len() != ne {
            spread(&mut self.employee_left, e, ne, None);
        }
        if x.len() != nx {
            spread(&mut self.project_stage, x, nx, Stage::Lost);
            spread(&mut self.project_amount, x, nx, 0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(xids: &[&str], ids: &[u32]) -> NodeTable {
        let mut t = NodeTable::default();
        for x in xids {
            t.push(x, &x.to_uppercase());
        }
        t.spread(ids);
        t
    }

    #[test]
    fn spread_leaves_empty_absent_holes_and_the_index_finds_every_id() {
        let t = table(&["a", "bb", "c"], &[1, 2, 5]);
        assert_eq!((t.bound(), t.count()), (6, 3));
        let got: Vec<(u32, &str, &str)> = (0..7)
            .map(|i| (i, t.xid.get(i as usize), t.name.get(i as usize)))
            .collect();
        assert_eq!(
            got,
            [
                (0, "", ""),
                (1, "a", "A"),
                (2, "bb", "BB"),
                (3, "", ""),
                (4, "", ""),
                (5, "c", "C"),
                (6, "", "")
            ]
        );
        assert_eq!(t.ids().collect::<Vec<_>>(), [1, 2, 5]);
        assert!(!t.exists(0) && t.exists(1) && !t.exists(4) && !t.exists(6));
        assert_eq!(
            ["a", "bb", "c", "", "d"].map(|x| t.find(x)),
            [Some(1), Some(2), Some(5), None, None]
        );
    }

    #[test]
    fn without_holes_positions_are_ids_and_duplicates_find_the_first() {
        let t = table(&["x", "y", "x"], &[0, 1, 2]);
        assert_eq!((t.bound(), t.count()), (3, 3));
        assert!(t.exists(2));
        assert_eq!(t.find("x"), Some(0));
        assert_eq!(t.find("y"), Some(1));
        let empty = table(&[], &[]);
        assert_eq!((empty.bound(), empty.find("x")), (0, None));
    }

    #[test]
    fn many_keys_all_found() {
        let xids: Vec<String> = (0..5000).map(|i| format!("P-{i}")).collect();
        let refs: Vec<&str> = xids.iter().map(String::as_str).collect();
        let ids: Vec<u32> = (0..5000).map(|i| i * 2 + 1).collect();
        let t = table(&refs, &ids);
        for (x, id) in refs.iter().zip(&ids) {
            assert_eq!(t.find(x), Some(*id));
        }
        assert_eq!(t.find("P-5000"), None);
    }
}
