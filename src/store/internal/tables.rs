//! Table definitions and the counters kept in the meta and counts tables.

use crate::model::{EdgeKind, NodeKind};
use crate::store::error::{Result, StoreError};
use redb::{ReadableTable, TableDefinition};

use super::keys::RawKey;

/// Magic value under `magic` in the meta table: "guanxi" + 0x0001.
pub(crate) const MAGIC: u64 = 0x6775_616e_7869_0001;
/// The file format version this build writes, and the newest it reads.
///
/// * 1 — the first release: nodes, edges, the change log; records of version 1.
/// * 2 — adds the interaction tables and their counters (`next_id.interaction`,
///   `interactions`); records of version 2 (an employee's leaving date, a `works_at`
///   period), while records of version 1 stay valid. A format-1 file is read as it is
///   (its interaction tables read as empty) and never changed by a read; the first
///   write transaction upgrades it in that same transaction
///   ([`upgrade`](crate::store::WriteTxn)).
/// * 3 — the change log as a sync feed and a history: log records of version 3 (each
///   change with what it replaced or removed, a node's removal preceded by the edges it
///   took), the commit table (one record per write transaction that changed something),
///   the table of removed nodes' external ids, and the counters `next_commit` and
///   `log_start`. A file of format 1 or 2 is read as it is (its log entries have no
///   commit and no before-images); the first write transaction upgrades it, deriving
///   commits and removed nodes' names from its log.
pub(crate) const FORMAT_VERSION: u64 = 3;

/// `magic`, `format`, `next_id.<kind>`, `next_id.interaction`, `next_seq`,
/// `next_commit`, `log_start`.
pub(crate) const META: TableDefinition<&str, u64> = TableDefinition::new("guanxi.meta");
/// `node.<kind>` and `edge.<kind>` → number of records.
pub(crate) const COUNTS: TableDefinition<&str, u64> = TableDefinition::new("guanxi.counts");

/// Node records per node kind (indexed by [`NodeKind::code`]): dense id → record.
pub(crate) const NODES: [TableDefinition<u32, &[u8]>; NodeKind::COUNT] = [
    TableDefinition::new("guanxi.node.account"),
    TableDefinition::new("guanxi.node.person"),
    TableDefinition::new("guanxi.node.employee"),
    TableDefinition::new("guanxi.node.project"),
];

/// External id → dense id, per node kind.
pub(crate) const XIDS: [TableDefinition<&str, u32>; NodeKind::COUNT] = [
    TableDefinition::new("guanxi.xid.account"),
    TableDefinition::new("guanxi.xid.person"),
    TableDefinition::new("guanxi.xid.employee"),
    TableDefinition::new("guanxi.xid.project"),
];

/// (kind, from, to) → attributes record.
pub(crate) const OUT: TableDefinition<&RawKey, &[u8]> = TableDefinition::new("guanxi.edge.out");
/// (kind, to, from) → nothing: the mirror of [`OUT`].
pub(crate) const IN: TableDefinition<&RawKey, ()> = TableDefinition::new("guanxi.edge.in");
/// Sequence number → change record.
pub(crate) const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("guanxi.log");

/// Commit number → commit record (format 3): one per write transaction that logged a
/// change, numbered from 1.
pub(crate) const COMMITS: TableDefinition<u64, &[u8]> = TableDefinition::new("guanxi.commit");
/// Packed [`NodeRef`](crate::model::NodeRef) of a removed node → its external id (format
/// 3): so that log entries about a node can name it after it is gone. Ids are never
/// reused, so the entry never goes stale.
pub(crate) const REMOVED: TableDefinition<u64, &str> = TableDefinition::new("guanxi.removed");

/// Interaction id → interaction record (format 2).
pub(crate) const INTERACTIONS: TableDefinition<u64, &[u8]> =
    TableDefinition::new("guanxi.interaction");
/// (employee, person, day, id) → the interaction record: one pair's interactions by date.
pub(crate) const BY_PAIR: TableDefinition<&[u8; 20], &[u8]> =
    TableDefinition::new("guanxi.interaction.by_pair");
/// (person, day, id) → the interaction record: one person's interactions by date.
pub(crate) const BY_PERSON: TableDefinition<&[u8; 16], &[u8]> =
    TableDefinition::new("guanxi.interaction.by_person");
/// (day, id) → the interaction record: every interaction by date.
pub(crate) const BY_DATE: TableDefinition<&[u8; 12], &[u8]> =
    TableDefinition::new("guanxi.interaction.by_date");
/// (project, id) → nothing: the interactions that name a project.
pub(crate) const BY_PROJECT: TableDefinition<&[u8; 12], ()> =
    TableDefinition::new("guanxi.interaction.by_project");

/// The node table of a kind.
pub(crate) fn nodes(kind: NodeKind) -> TableDefinition<'static, u32, &'static [u8]> {
    NODES[usize::from(kind.code())]
}

/// The external-id table of a kind.
pub(crate) fn xids(kind: NodeKind) -> TableDefinition<'static, &'static str, u32> {
    XIDS[usize::from(kind.code())]
}

const NEXT_ID: [&str; NodeKind::COUNT] = [
    "next_id.account",
    "next_id.person",
    "next_id.employee",
    "next_id.project",
];
const NODE_COUNT: [&str; NodeKind::COUNT] = [
    "node.account",
    "node.person",
    "node.employee",
    "node.project",
];
const EDGE_COUNT: [&str; EdgeKind::COUNT] = [
    "edge.works_at",
    "edge.reports_to",
    "edge.influences",
    "edge.tie",
    "edge.member",
    "edge.owns",
    "edge.rival_tie",
    "edge.competes",
    "edge.of",
];

/// The counters of a database: next ids, next log sequence number, and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// The next dense id per node kind (ids are never reused).
    pub next_id: [u32; NodeKind::COUNT],
    /// The next change-log sequence number.
    pub next_seq: u64,
    /// Number of nodes per kind.
    pub nodes: [u64; NodeKind::COUNT],
    /// Number of edges per kind.
    pub edges: [u64; EdgeKind::COUNT],
    /// The next interaction id (ids are never reused).
    pub next_interaction: u64,
    /// Number of interactions.
    pub interactions: u64,
    /// The number the next commit gets (commits are numbered from 1; format 3).
    pub next_commit: u64,
    /// The lowest sequence number the log still holds: entries before it were trimmed
    /// (format 3).
    pub log_start: u64,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            next_id: [0; NodeKind::COUNT],
            next_seq: 0,
            nodes: [0; NodeKind::COUNT],
            edges: [0; EdgeKind::COUNT],
            next_interaction: 0,
            interactions: 0,
            next_commit: 1,
            log_start: 0,
        }
    }
}

const NEXT_INTERACTION: &str = "next_id.interaction";
const NEXT_COMMIT: &str = "next_commit";
const LOG_START: &str = "log_start";
const INTERACTION_COUNT: &str = "interactions";

impl Counters {
    /// Number of nodes of `kind`.
    pub fn node_count(&self, kind: NodeKind) -> u64 {
        self.nodes[usize::from(kind.code())]
    }

    /// Number of edges of `kind`.
    pub fn edge_count(&self, kind: EdgeKind) -> u64 {
        self.edges[usize::from(kind.code())]
    }

    /// Reads the counters from the meta and counts tables. A format-1 file has no
    /// interaction counters: they read as 0.
    pub(crate) fn load(
        meta: &impl ReadableTable<&'static str, u64>,
        counts: &impl ReadableTable<&'static str, u64>,
    ) -> Result<Counters> {
        let get = |t: &dyn Fn(&str) -> Result<Option<u64>>, k: &str| -> Result<u64> {
            t(k)?.ok_or_else(|| StoreError::Corrupt {
                what: format!("meta entry {k:?}"),
                reason: "missing".to_owned(),
            })
        };
        let m = |k: &str| -> Result<Option<u64>> { Ok(meta.get(k)?.map(|g| g.value())) };
        let c = |k: &str| -> Result<Option<u64>> { Ok(counts.get(k)?.map(|g| g.value())) };
        let mut out = Counters::default();
        for (i, k) in NEXT_ID.iter().enumerate() {
            let v = get(&m, k)?;
            out.next_id[i] = u32::try_from(v).map_err(|_| StoreError::Corrupt {
                what: format!("meta entry {k:?}"),
                reason: format!("{v} is not a valid id"),
            })?;
        }
        out.next_seq = get(&m, "next_seq")?;
        for (i, k) in NODE_COUNT.iter().enumerate() {
            out.nodes[i] = get(&c, k)?;
        }
        for (i, k) in EDGE_COUNT.iter().enumerate() {
            out.edges[i] = get(&c, k)?;
        }
        let format = m("format")?.unwrap_or(1);
        if format >= 2 {
            out.next_interaction = get(&m, NEXT_INTERACTION)?;
            out.interactions = get(&c, INTERACTION_COUNT)?;
        }
        if format >= 3 {
            out.next_commit = get(&m, NEXT_COMMIT)?;
            out.log_start = get(&m, LOG_START)?;
        }
        Ok(out)
    }

    /// Writes the counters.
    pub(crate) fn store(
        &self,
        meta: &mut redb::Table<'_, &'static str, u64>,
        counts: &mut redb::Table<'_, &'static str, u64>,
    ) -> Result<()> {
        for (k, v) in NEXT_ID.iter().zip(self.next_id) {
            meta.insert(*k, u64::from(v))?;
        }
        meta.insert("next_seq", self.next_seq)?;
        for (k, v) in NODE_COUNT.iter().zip(self.nodes) {
            counts.insert(*k, v)?;
        }
        for (k, v) in EDGE_COUNT.iter().zip(self.edges) {
            counts.insert(*k, v)?;
        }
        meta.insert(NEXT_INTERACTION, self.next_interaction)?;
        meta.insert(NEXT_COMMIT, self.next_commit)?;
        meta.insert(LOG_START, self.log_start)?;
        counts.insert(INTERACTION_COUNT, self.interactions)?;
        Ok(())
    }
}
