//! Import modes: what importing a folder changes in a database, worked out in full before
//! anything is written.
//!
//! An import compares the folder with the database and lists every change — nodes
//! added, changed and removed, edges likewise, interactions added and removed — as an
//! [`ImportPlan`]. A dry run stops there and shows the plan; a real run makes the plan
//! inside its write transaction and carries it out in that same transaction, so what a
//! dry run shows is exactly what the real run then does (as long as nothing else writes
//! the database in between). Planning first also keeps the rules in one place: whatever
//! would break a rule is found while planning, before the first write.
//!
//! The comparison works on external ids: a node of the folder is the database's node of
//! the same kind and external id, an edge the database's edge of the same kind between the
//! same nodes. An interaction has no identity but its record, so interactions are compared
//! as a multiset (see [`ImportMode::Merge`]).

use super::folder::Folder;
use super::read::{read_csv_dir, read_csv_dir_with};
use super::TransferError;
use crate::model::{
    AccountKind, Day, Edge, EdgeKey, EdgeKind, EmployeeId, Interaction, InteractionKind, Network,
    NodeKind, NodeRef, NodeView, PersonId, ProjectId,
};
use crate::store::{IdMap, InteractionId, Read, StoreError, Visit, WriteTxn};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// How an import treats what the database already holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ImportMode {
    /// Upsert what the folder holds and keep everything else (the default).
    ///
    /// * The folder may refer to nodes already in the database without defining them
    ///   (a *delta folder*: only `ties.csv` and a minimal `accounts.csv`, or `persons.csv`
    ///   rows whose accounts are in the database): an id is looked up in the folder first,
    ///   then in the database.
    /// * The nodes the folder defines are inserted or updated; the edges it holds are
    ///   added or, if they exist, get the folder's attributes.
    /// * A person the folder states — one with a row in `persons.csv` or in
    ///   `employment.csv` — works exactly where the folder says: the folder's employment
    ///   periods are the whole truth for that person, and the database's other `works_at`
    ///   edges of that person are removed. So a changed account moves the person, and a
    ///   `persons.csv` row with an empty `account_id` and no `employment.csv` rows leaves
    ///   the person with no account. Likewise a project in `projects.csv` belongs to the
    ///   account given there.
    /// * Interactions are only ever added: for each (employee, person, date, kind,
    ///   project), the folder adds as many interactions as it has beyond those the database
    ///   already holds. So importing the same export twice records its interactions once,
    ///   and an export holding new interactions besides the old ones adds the new ones.
    ///   The price: two genuinely repeated identical interactions (two calls on one day
    ///   about one project) must both be in the folder that adds the second — a delta
    ///   folder holding only the second call adds nothing, as it matches the first.
    /// * Nothing else is removed.
    #[default]
    Merge,
    /// The folder is the whole truth: it must be complete (every id it refers to defined
    /// in the folder), and afterwards the database holds exactly the folder — the nodes,
    /// edges and interactions it lacks are removed, what it has is upserted. Interactions
    /// are matched as in merge mode; where the database holds more identical interactions
    /// than the folder, the most recently recorded ones are removed.
    Replace,
}

impl ImportMode {
    /// The mode's name: `merge` or `replace`.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Merge => "merge",
            ImportMode::Replace => "replace",
        }
    }
}

impl fmt::Display for ImportMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no import mode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown import mode {0:?} (expected merge or replace)")]
pub struct UnknownMode(pub String);

impl FromStr for ImportMode {
    type Err = UnknownMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "merge" => Ok(ImportMode::Merge),
            "replace" => Ok(ImportMode::Replace),
            _ => Err(UnknownMode(s.to_owned())),
        }
    }
}

/// How to import a folder: the mode, and whether to write at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ImportOptions {
    /// Merge (the default) or replace.
    pub mode: ImportMode,
    /// Only work out what the import would do: the database is opened for reading and
    /// nothing is written.
    pub dry_run: bool,
}

/// How many records of one class an import adds, changes, removes or leaves as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Changes {
    /// New records.
    pub added: u64,
    /// Records that exist and get new values (a node's record, an edge's attributes).
    pub changed: u64,
    /// Records that are removed.
    pub removed: u64,
    /// Records of the folder that the database already holds as they are.
    pub unchanged: u64,
}

impl Changes {
    /// Whether nothing is added, changed or removed.
    pub fn writes_nothing(&self) -> bool {
        self.added == 0 && self.changed == 0 && self.removed == 0
    }

    fn plus(self, o: Changes) -> Changes {
        Changes {
            added: self.added + o.added,
            changed: self.changed + o.changed,
            removed: self.removed + o.removed,
            unchanged: self.unchanged + o.unchanged,
        }
    }
}

/// The counts of an [`ImportPlan`]: per node kind, per edge kind and for interactions
/// (which are never *changed*: an interaction is its record).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ImportCounts {
    /// Per node kind, indexed by [`NodeKind::code`].
    pub nodes: [Changes; NodeKind::COUNT],
    /// Per edge kind, indexed by [`EdgeKind::code`].
    pub edges: [Changes; EdgeKind::COUNT],
    /// Interactions.
    pub interactions: Changes,
}

impl ImportCounts {
    /// The counts of one node kind.
    pub fn node(&self, kind: NodeKind) -> Changes {
        self.nodes[usize::from(kind.code())]
    }

    /// The counts of one edge kind.
    pub fn edge(&self, kind: EdgeKind) -> Changes {
        self.edges[usize::from(kind.code())]
    }

    /// The counts of every node kind together.
    pub fn all_nodes(&self) -> Changes {
        self.nodes
            .iter()
            .fold(Changes::default(), |a, c| a.plus(*c))
    }

    /// The counts of every edge kind together.
    pub fn all_edges(&self) -> Changes {
        self.edges
            .iter()
            .fold(Changes::default(), |a, c| a.plus(*c))
    }

    /// Whether the import adds, changes and removes nothing.
    pub fn writes_nothing(&self) -> bool {
        self.all_nodes().writes_nothing()
            && self.all_edges().writes_nothing()
            && self.interactions.writes_nothing()
    }
}

/// Which of a plan's lists to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delta {
    /// What the import adds.
    Added,
    /// What exists and gets new values (never an interaction).
    Changed,
    /// What the import removes.
    Removed,
}

/// An interaction named by external ids, as in a row of `interactions.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InteractionRow<'a> {
    /// The employee's external id.
    pub employee: &'a str,
    /// The person's external id.
    pub person: &'a str,
    /// The day.
    pub date: Day,
    /// The kind.
    pub kind: InteractionKind,
    /// The project's external id, if any.
    pub project: Option<&'a str>,
}

impl fmt::Display for InteractionRow<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {}",
            self.employee,
            self.person,
            self.date,
            self.kind,
            self.project.unwrap_or("-")
        )
    }
}

/// Everything an import of one folder does to one database: the nodes, edges and
/// interactions it adds, changes and removes (by external id), and how many of the
/// folder's records are already there as they are.
///
/// Made by [`plan_import`](super::plan_import) (a dry run) or returned by
/// [`import_dir_with`](super::import_dir_with) (what was done); [`apply`](Self::apply)
/// carries out a plan made earlier. `Display` gives the counts, [`details`](Self::details)
/// the external ids as well.
///
/// ```
/// use guanxi::io::{import_dir_with, plan_import, ImportMode, ImportOptions};
/// use guanxi::store::Database;
///
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("accounts.csv"), "id,name,kind\nA1,Acme,\n")?;
/// std::fs::write(dir.path().join("persons.csv"), "id,name,account_id,title\nP1,Li,A1,\n")?;
/// let db = Database::in_memory()?;
/// let plan = plan_import(&db, dir.path(), ImportMode::Merge)?;
/// assert_eq!(plan.counts().all_nodes().added, 2);
/// plan.apply(&db, 1)?;
/// // The person moves to another account: one edge added, one removed.
/// std::fs::write(dir.path().join("accounts.csv"), "id,name,kind\nA2,Bolt,\n")?;
/// std::fs::write(dir.path().join("persons.csv"), "id,name,account_id,title\nP1,Li,A2,\n")?;
/// let done = import_dir_with(&db, dir.path(), ImportOptions::default(), 2)?;
/// let works_at = done.counts().edge(guanxi::model::EdgeKind::WorksAt);
/// assert_eq!((works_at.added, works_at.removed), (1, 1));
/// println!("{}", done.details());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ImportPlan {
    mode: ImportMode,
    folder: Folder,
    diff: Diff,
}

/// The changes, by position in the folder's network (what the folder brings) or by store
/// id and external id (what the database loses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Diff {
    /// The database held nothing: the folder is written as a whole by the bulk import.
    empty: bool,
    nodes: [NodeDiff; NodeKind::COUNT],
    edges: EdgeDiff,
    interactions: InteractionDiff,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct NodeDiff {
    /// Positions in the folder's network.
    added: Vec<u32>,
    changed: Vec<u32>,
    unchanged: u64,
    removed: Vec<GoneNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct GoneNode {
    id: u32,
    xid: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct EdgeDiff {
    /// Indexes into the folder's edges.
    added: Vec<u32>,
    changed: Vec<u32>,
    unchanged: [u64; EdgeKind::COUNT],
    removed: Vec<GoneEdge>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct GoneEdge {
    /// In store ids.
    key: EdgeKey,
    from: String,
    to: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct InteractionDiff {
    /// Indexes into the folder's interactions.
    added: Vec<u32>,
    unchanged: u64,
    removed: Vec<GoneInteraction>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct GoneInteraction {
    id: InteractionId,
    employee: String,
    person: String,
    date: Day,
    kind: InteractionKind,
    project: Option<String>,
}

impl ImportPlan {
    /// Plans the import of the folder `dir` into the database `current` reads: reads the
    /// folder (against the database in merge mode, on its own in replace mode) and
    /// compares. Nothing is written.
    pub(crate) fn make(
        current: &impl Read,
        dir: &Path,
        mode: ImportMode,
    ) -> Result<ImportPlan, TransferError> {
        let empty = NodeKind::ALL
            .into_iter()
            .map(|k| current.count(k))
            .try_fold(true, |all, n| n.map(|n| all && n == 0))?;
        if empty {
            // Nothing to resolve against, nothing to compare with: the bulk path.
            let folder = Folder::whole(read_csv_dir(dir)?);
            let diff = Diff::all_added(&folder);
            return Ok(ImportPlan { mode, folder, diff });
        }
        let folder = match mode {
            ImportMode::Merge => read_csv_dir_with(dir, current)?,
            ImportMode::Replace => Folder::whole(read_csv_dir(dir)?),
        };
        let diff = diff(&Current::load(current)?, &folder, mode)?;
        Ok(ImportPlan { mode, folder, diff })
    }

    /// The mode the plan was made for.
    pub fn mode(&self) -> ImportMode {
        self.mode
    }

    /// The folder the plan imports.
    pub fn folder(&self) -> &Folder {
        &self.folder
    }

    /// Whether the import adds, changes and removes nothing (importing the same folder
    /// again, for instance).
    pub fn writes_nothing(&self) -> bool {
        self.counts().writes_nothing()
    }

    /// How many records of each kind the import adds, changes, removes and leaves.
    pub fn counts(&self) -> ImportCounts {
        let d = &self.diff;
        let f = self.folder.network();
        let mut c = ImportCounts::default();
        for (k, n) in d.nodes.iter().enumerate() {
            c.nodes[k] = Changes {
                added: n.added.len() as u64,
                changed: n.changed.len() as u64,
                removed: n.removed.len() as u64,
                unchanged: n.unchanged,
            };
        }
        let mut tally = |edges: &[u32], field: fn(&mut Changes) -> &mut u64| {
            for &i in edges {
                if let Some(e) = f.edges.get(i as usize) {
                    *field(&mut c.edges[usize::from(e.kind().code())]) += 1;
                }
            }
        };
        tally(&d.edges.added, |c| &mut c.added);
        tally(&d.edges.changed, |c| &mut c.changed);
        for gone in &d.edges.removed {
            c.edges[usize::from(gone.key.kind.code())].removed += 1;
        }
        for (k, n) in d.edges.unchanged.iter().enumerate() {
            c.edges[k].unchanged = *n;
        }
        c.interactions = Changes {
            added: d.interactions.added.len() as u64,
            changed: 0,
            removed: d.interactions.removed.len() as u64,
            unchanged: d.interactions.unchanged,
        };
        c
    }

    /// The external ids of the nodes of `kind` the import adds, changes or removes, in
    /// folder order (added, changed) or store order (removed).
    pub fn nodes(&self, kind: NodeKind, delta: Delta) -> Vec<&str> {
        let n = &self.diff.nodes[usize::from(kind.code())];
        let f = self.folder.network();
        let at = |i: &u32| f.xid(NodeRef::new(kind, *i)).unwrap_or_default();
        match delta {
            Delta::Added => n.added.iter().map(at).collect(),
            Delta::Changed => n.changed.iter().map(at).collect(),
            Delta::Removed => n.removed.iter().map(|g| g.xid.as_str()).collect(),
        }
    }

    /// The edges of `kind` the import adds, changes or removes, as (from, to) external
    /// ids, in folder order (added, changed) or store order (removed).
    pub fn edges(&self, kind: EdgeKind, delta: Delta) -> Vec<(&str, &str)> {
        let d = &self.diff.edges;
        let f = self.folder.network();
        let from_folder = |list: &[u32]| {
            list.iter()
                .filter_map(|&i| f.edges.get(i as usize))
                .filter(|e| e.kind() == kind)
                .map(|e| {
                    let key = e.key();
                    (
                        f.xid(key.from).unwrap_or_default(),
                        f.xid(key.to).unwrap_or_default(),
                    )
                })
                .collect()
        };
        match delta {
            Delta::Added => from_folder(&d.added),
            Delta::Changed => from_folder(&d.changed),
            Delta::Removed => d
                .removed
                .iter()
                .filter(|g| g.key.kind == kind)
                .map(|g| (g.from.as_str(), g.to.as_str()))
                .collect(),
        }
    }

    /// The interactions the import adds (in folder order) or removes (in the order they
    /// were recorded); none are ever changed.
    pub fn interactions(&self, delta: Delta) -> Vec<InteractionRow<'_>> {
        let d = &self.diff.interactions;
        let f = self.folder.network();
        match delta {
            Delta::Added => d
                .added
                .iter()
                .filter_map(|&i| f.interactions.get(i as usize))
                .map(|x| InteractionRow {
                    employee: f.xid(x.employee.into()).unwrap_or_default(),
                    person: f.xid(x.person.into()).unwrap_or_default(),
                    date: x.date,
                    kind: x.kind,
                    project: x.project.and_then(|p| f.xid(p.into())),
                })
                .collect(),
            Delta::Changed => Vec::new(),
            Delta::Removed => d
                .removed
                .iter()
                .map(|g| InteractionRow {
                    employee: &g.employee,
                    person: &g.person,
                    date: g.date,
                    kind: g.kind,
                    project: g.project.as_deref(),
                })
                .collect(),
        }
    }

    /// The plan with every external id: the counts, then one line per added (`+`),
    /// changed (`~`) and removed (`-`) node, edge and interaction.
    pub fn details(&self) -> impl fmt::Display + '_ {
        Details(self)
    }

    /// Carries out the plan on `db` in one write transaction, with `time` as the change
    /// log's timestamp.
    ///
    /// The plan is checked against the database first, inside the transaction: if the
    /// database changed since the plan was made so that the plan would now do something
    /// else, nothing is written and [`TransferError::DatabaseChanged`] says to plan again.
    /// A plan that writes nothing commits nothing.
    ///
    /// ```
    /// use guanxi::io::{plan_import, ImportMode, TransferError};
    /// use guanxi::model::{Account, AccountKind};
    /// use guanxi::store::Database;
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("accounts.csv"), "id,name,kind\nA1,Acme,\n")?;
    /// let db = Database::in_memory()?;
    /// let plan = plan_import(&db, dir.path(), ImportMode::Replace)?; // shown for approval…
    /// let bolt = Account { xid: "A2".into(), name: "Bolt".into(), kind: AccountKind::Client };
    /// db.write(1, |t| t.create_account(bolt))?; // …while another request writes
    /// assert!(matches!(plan.apply(&db, 2), Err(TransferError::DatabaseChanged)));
    /// let again = plan_import(&db, dir.path(), ImportMode::Replace)?;
    /// assert_eq!(again.counts().all_nodes().removed, 1); // replace would now remove A2
    /// again.apply(&db, 3)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(&self, db: &crate::store::Database, time: i64) -> Result<(), TransferError> {
        let t = db.begin_write(time)?;
        let now = if self.diff.empty && is_empty(&t)? {
            Diff::all_added(&self.folder)
        } else if self.diff.empty {
            return Err(TransferError::DatabaseChanged);
        } else {
            diff(&Current::load(&t)?, &self.folder, self.mode)?
        };
        if now != self.diff {
            return Err(TransferError::DatabaseChanged);
        }
        self.finish(t)
    }

    /// Writes the plan in `t` (made for the state `t` reads) and commits, or drops `t` if
    /// the plan writes nothing.
    pub(crate) fn finish(&self, mut t: WriteTxn) -> Result<(), TransferError> {
        if self.writes_nothing() {
            t.abort()?;
            return Ok(());
        }
        self.execute(&mut t)?;
        t.commit()?;
        Ok(())
    }

    /// Writes the plan: removals first (interactions, edges, nodes), so that what the
    /// folder brings meets no stale edge (an old `works_at` period, an old `of`, the
    /// rival ties of an account that stops being a competitor); then the added and changed
    /// nodes and edges in one bulk import; then the added interactions.
    fn execute(&self, t: &mut WriteTxn) -> Result<(), StoreError> {
        let f = self.folder.network();
        let d = &self.diff;
        if d.empty {
            t.import_network(f)?;
            return Ok(());
        }
        for gone in &d.interactions.removed {
            t.remove_interaction(gone.id)?;
        }
        for gone in &d.edges.removed {
            t.remove_edge(gone.key)?;
        }
        for kind in NodeKind::ALL {
            for gone in &d.nodes[usize::from(kind.code())].removed {
                t.remove_node(NodeRef::new(kind, gone.id))?;
            }
        }
        let part = self.changed_part();
        if !part.edges.is_empty() || NodeKind::ALL.into_iter().any(|k| part.count(k) > 0) {
            t.import_network(&part)?;
        }
        self.add_interactions(t)
    }

    /// Records the added interactions, their ends looked up by external id (each once):
    /// they are the database's nodes or were just written.
    fn add_interactions(&self, txn: &mut WriteTxn) -> Result<(), StoreError> {
        let net = self.folder.network();
        let mut found: HashMap<NodeRef, u32> = HashMap::new();
        let mut store_id = |txn: &WriteTxn, node: NodeRef| -> Result<u32, StoreError> {
            if let Some(&id) = found.get(&node) {
                return Ok(id);
            }
            let stored = match net.xid(node) {
                Some(xid) => txn.lookup(node.kind, xid)?,
                None => None,
            };
            let id = stored
                .ok_or_else(|| StoreError::UnknownNode(net.label(node)))?
                .id;
            found.insert(node, id);
            Ok(id)
        };
        for &i in &self.diff.interactions.added {
            let Some(row) = net.interactions.get(i as usize) else {
                continue;
            };
            let stored = Interaction {
                employee: EmployeeId(store_id(txn, row.employee.into())?),
                person: PersonId(store_id(txn, row.person.into())?),
                project: match row.project {
                    Some(project) => Some(ProjectId(store_id(txn, project.into())?)),
                    None => None,
                },
                ..*row
            };
            txn.add_interaction(stored)?;
        }
        Ok(())
    }

    /// The part of the folder's network the import writes: the added and changed nodes,
    /// the added and changed edges, and the nodes these edges need (as they are, which
    /// the bulk import leaves unchanged).
    fn changed_part(&self) -> Network {
        let f = self.folder.network();
        let d = &self.diff;
        let mut keep: [Vec<bool>; NodeKind::COUNT] = NodeKind::ALL.map(|k| vec![false; f.count(k)]);
        let mut mark = |node: NodeRef| {
            if let Some(k) = keep[usize::from(node.kind.code())].get_mut(node.id as usize) {
                *k = true;
            }
        };
        for kind in NodeKind::ALL {
            let n = &d.nodes[usize::from(kind.code())];
            for &i in n.added.iter().chain(&n.changed) {
                mark(NodeRef::new(kind, i));
            }
        }
        let mut edges: Vec<u32> = d
            .edges
            .added
            .iter()
            .chain(&d.edges.changed)
            .copied()
            .collect();
        edges.sort_unstable();
        for &i in &edges {
            if let Some(e) = f.edges.get(i as usize) {
                let key = e.key();
                mark(key.from);
                mark(key.to);
            }
        }
        // New positions: the kept nodes, in folder order.
        let position: [Vec<u32>; NodeKind::COUNT] = keep.clone().map(|kept| {
            let mut next = 0;
            kept.iter()
                .map(|&k| {
                    let p = next;
                    next += u32::from(k);
                    p
                })
                .collect()
        });
        let mut part = Network::new();
        let kept = |kind: NodeKind, i: usize| keep[usize::from(kind.code())][i];
        part.accounts = (f.accounts.iter().enumerate())
            .filter(|(i, _)| kept(NodeKind::Account, *i))
            .map(|(_, n)| n.clone())
            .collect();
        part.persons = (f.persons.iter().enumerate())
            .filter(|(i, _)| kept(NodeKind::Person, *i))
            .map(|(_, n)| n.clone())
            .collect();
        part.employees = (f.employees.iter().enumerate())
            .filter(|(i, _)| kept(NodeKind::Employee, *i))
            .map(|(_, n)| n.clone())
            .collect();
        part.projects = (f.projects.iter().enumerate())
            .filter(|(i, _)| kept(NodeKind::Project, *i))
            .map(|(_, n)| n.clone())
            .collect();
        part.edges = edges
            .iter()
            .filter_map(|&i| f.edges.get(i as usize))
            .map(|e| {
                e.with_ends(|n| {
                    position[usize::from(n.kind.code())]
                        .get(n.id as usize)
                        .copied()
                        .unwrap_or(n.id)
                })
            })
            .collect();
        part
    }
}

impl fmt::Display for ImportPlan {
    /// The counts: a summary line, then a table with one line per node kind, edge kind
    /// and for interactions (those with no record in the folder and no change left out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.counts();
        let line = |c: Changes| {
            format!(
                "{} added, {} changed, {} removed, {} unchanged",
                c.added, c.changed, c.removed, c.unchanged
            )
        };
        let i = c.interactions;
        writeln!(
            f,
            "nodes {}; edges {}; interactions {} added, {} removed, {} unchanged",
            line(c.all_nodes()),
            line(c.all_edges()),
            i.added,
            i.removed,
            i.unchanged
        )?;
        write!(
            f,
            "  {:<13}{:>10}{:>10}{:>10}{:>10}",
            "", "added", "changed", "removed", "unchanged"
        )?;
        let rows = NodeKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), c.node(k)))
            .chain(EdgeKind::ALL.into_iter().map(|k| (k.as_str(), c.edge(k))))
            .chain([("interaction", c.interactions)]);
        for (name, c) in rows {
            if c == Changes::default() {
                continue;
            }
            write!(
                f,
                "\n  {name:<13}{:>10}{:>10}{:>10}{:>10}",
                c.added, c.changed, c.removed, c.unchanged
            )?;
        }
        Ok(())
    }
}

/// [`ImportPlan::details`].
struct Details<'a>(&'a ImportPlan);

impl fmt::Display for Details<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plan = self.0;
        write!(f, "{plan}")?;
        let marks = [
            (Delta::Removed, '-'),
            (Delta::Changed, '~'),
            (Delta::Added, '+'),
        ];
        for (delta, mark) in marks {
            for kind in NodeKind::ALL {
                for xid in plan.nodes(kind, delta) {
                    write!(f, "\n{mark} {kind} {xid}")?;
                }
            }
            for kind in EdgeKind::ALL {
                for (from, to) in plan.edges(kind, delta) {
                    write!(f, "\n{mark} {kind} {from} -> {to}")?;
                }
            }
            for row in plan.interactions(delta) {
                write!(f, "\n{mark} interaction {row}")?;
            }
        }
        Ok(())
    }
}

/// Whether the database holds no node (and so no edge and no interaction, which need
/// nodes).
fn is_empty(r: &impl Read) -> Result<bool, StoreError> {
    for kind in NodeKind::ALL {
        if r.count(kind)? > 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The database's state, as the comparison needs it.
struct Current {
    net: Network,
    ids: IdMap,
    /// The store id of each of `net.interactions`.
    interaction_ids: Vec<InteractionId>,
}

/// The scan that loads the state: the network, and each interaction's id.
impl Visit for Current {
    fn begin(&mut self, nodes: [usize; NodeKind::COUNT], edges: [usize; EdgeKind::COUNT]) {
        self.net.begin(nodes, edges);
    }

    fn node(&mut self, node: NodeView<'_>) {
        self.net.node(node);
    }

    fn edge(&mut self, edge: Edge) {
        self.net.edge(edge);
    }

    fn interaction(&mut self, id: InteractionId, interaction: &Interaction) {
        self.net.interaction(id, interaction);
        self.interaction_ids.push(id);
    }
}

impl Current {
    fn load(r: &impl Read) -> Result<Current, StoreError> {
        let mut cur = Current {
            net: Network::new(),
            ids: IdMap::default(),
            interaction_ids: Vec::new(),
        };
        cur.ids = r.scan(&mut cur)?;
        Ok(cur)
    }

    fn store_ref(&self, node: NodeRef) -> Result<NodeRef, StoreError> {
        self.ids
            .store_ref(node)
            .ok_or_else(|| StoreError::UnknownNode(self.net.label(node)))
    }

    fn xid(&self, node: NodeRef) -> String {
        self.net.xid(node).unwrap_or_default().to_owned()
    }
}

impl Diff {
    /// Everything of the folder added (into an empty database).
    fn all_added(folder: &Folder) -> Diff {
        let f = folder.network();
        let all = |n: usize| (0..n as u32).collect::<Vec<u32>>();
        let mut d = Diff {
            empty: true,
            ..Diff::default()
        };
        for kind in NodeKind::ALL {
            d.nodes[usize::from(kind.code())].added = all(f.count(kind));
        }
        d.edges.added = all(f.edges.len());
        d.interactions.added = all(f.interactions.len());
        d
    }
}

/// No node: a folder node not in the database.
const NONE: u32 = u32::MAX;

/// Whether node `mine` of network `ours` and node `theirs` of network `other` (of one
/// kind) hold the same record.
fn same_record(ours: &Network, mine: NodeRef, other: &Network, theirs: NodeRef) -> bool {
    let (i, j) = (mine.id as usize, theirs.id as usize);
    match mine.kind {
        NodeKind::Account => ours.accounts.get(i) == other.accounts.get(j),
        NodeKind::Person => ours.persons.get(i) == other.persons.get(j),
        NodeKind::Employee => ours.employees.get(i) == other.employees.get(j),
        NodeKind::Project => ours.projects.get(i) == other.projects.get(j),
    }
}

/// Compares the folder with the database's state: the plan's changes.
fn diff(cur: &Current, folder: &Folder, mode: ImportMode) -> Result<Diff, TransferError> {
    let mut w = Comparison {
        cur,
        folder,
        mode,
        to_cur: Default::default(),
        diff: Diff::default(),
    };
    w.nodes()?;
    w.edges()?;
    if mode == ImportMode::Merge {
        w.competitors_stay()?;
    }
    w.interactions()?;
    Ok(w.diff)
}

/// The state of one comparison.
struct Comparison<'a> {
    cur: &'a Current,
    folder: &'a Folder,
    mode: ImportMode,
    /// Per kind, the database's position of each of the folder's nodes (or [`NONE`]).
    to_cur: [Vec<u32>; NodeKind::COUNT],
    diff: Diff,
}

impl Comparison<'_> {
    /// The database's node for a node of the folder, if it has one.
    fn in_cur(&self, node: NodeRef) -> Option<NodeRef> {
        let j = *self.to_cur[usize::from(node.kind.code())].get(node.id as usize)?;
        (j != NONE).then(|| NodeRef::new(node.kind, j))
    }

    /// Nodes, matched by kind and external id.
    fn nodes(&mut self) -> Result<(), TransferError> {
        let (ours, theirs) = (self.folder.network(), &self.cur.net);
        for kind in NodeKind::ALL {
            let k = usize::from(kind.code());
            let index: HashMap<&str, u32> = (0..theirs.count(kind) as u32)
                .filter_map(|j| theirs.xid(NodeRef::new(kind, j)).map(|x| (x, j)))
                .collect();
            let mut matched = vec![false; theirs.count(kind)];
            let nd = &mut self.diff.nodes[k];
            self.to_cur[k].reserve(ours.count(kind));
            for i in 0..ours.count(kind) as u32 {
                let node = NodeRef::new(kind, i);
                let found = ours.xid(node).and_then(|x| index.get(x)).copied();
                let same =
                    found.is_some_and(|j| same_record(ours, node, theirs, NodeRef::new(kind, j)));
                if self.folder.is_defined(node) {
                    match found {
                        None => nd.added.push(i),
                        Some(_) if same => nd.unchanged += 1,
                        Some(_) => nd.changed.push(i),
                    }
                } else if !same {
                    // An outside node the folder was read against is gone or different.
                    return Err(TransferError::DatabaseChanged);
                }
                if let Some(j) = found {
                    matched[j as usize] = true;
                }
                self.to_cur[k].push(found.unwrap_or(NONE));
            }
            if self.mode == ImportMode::Replace {
                for (j, _) in matched.iter().enumerate().filter(|(_, m)| !**m) {
                    let node = NodeRef::new(kind, j as u32);
                    nd.removed.push(GoneNode {
                        id: self.cur.store_ref(node)?.id,
                        xid: self.cur.xid(node),
                    });
                }
            }
        }
        Ok(())
    }

    /// Edges, matched by kind and ends; then the database's edges that go: in replace
    /// mode every one the folder lacks, in merge mode the `works_at` edges of the persons
    /// the folder states and the `of` edges of the projects it states.
    fn edges(&mut self) -> Result<(), TransferError> {
        let (ours, theirs) = (self.folder.network(), &self.cur.net);
        let index: HashMap<EdgeKey, u32> = (theirs.edges.iter().enumerate())
            .map(|(j, e)| (e.key(), j as u32))
            .collect();
        let mut matched = vec![false; theirs.edges.len()];
        for (i, e) in ours.edges.iter().enumerate() {
            let key = e.key();
            let found = match (self.in_cur(key.from), self.in_cur(key.to)) {
                (Some(from), Some(to)) => index
                    .get(&EdgeKey {
                        kind: key.kind,
                        from,
                        to,
                    })
                    .copied(),
                _ => None,
            };
            let ed = &mut self.diff.edges;
            match found {
                None => ed.added.push(i as u32),
                Some(j) => {
                    matched[j as usize] = true;
                    if theirs.edges[j as usize].attrs() == e.attrs() {
                        ed.unchanged[usize::from(key.kind.code())] += 1;
                    } else {
                        ed.changed.push(i as u32);
                    }
                }
            }
        }
        let mut stated_persons = vec![false; theirs.count(NodeKind::Person)];
        let mut stated_projects = vec![false; theirs.count(NodeKind::Project)];
        if self.mode == ImportMode::Merge {
            let defined =
                |kind| (0..self.folder.defined(kind) as u32).map(move |i| NodeRef::new(kind, i));
            let employed = (ours.edges.iter())
                .filter(|e| e.kind() == EdgeKind::WorksAt)
                .map(|e| e.key().from);
            for node in defined(NodeKind::Person).chain(employed) {
                if let Some(j) = self.in_cur(node) {
                    stated_persons[j.id as usize] = true;
                }
            }
            for node in defined(NodeKind::Project) {
                if let Some(j) = self.in_cur(node) {
                    stated_projects[j.id as usize] = true;
                }
            }
        }
        for (j, e) in theirs.edges.iter().enumerate() {
            let key = e.key();
            let gone = !matched[j]
                && match (self.mode, key.kind) {
                    (ImportMode::Replace, _) => true,
                    (ImportMode::Merge, EdgeKind::WorksAt) => stated_persons[key.from.id as usize],
                    (ImportMode::Merge, EdgeKind::Of) => stated_projects[key.from.id as usize],
                    (ImportMode::Merge, _) => false,
                };
            if gone {
                self.diff.edges.removed.push(GoneEdge {
                    key: EdgeKey {
                        kind: key.kind,
                        from: self.cur.store_ref(key.from)?,
                        to: self.cur.store_ref(key.to)?,
                    },
                    from: self.cur.xid(key.from),
                    to: self.cur.xid(key.to),
                });
            }
        }
        Ok(())
    }

    /// Merge keeps every `rival_tie` and `competes` edge the folder does not replace, so an
    /// account they start at must stay a competitor: the store's own rule, found here
    /// before anything is written.
    fn competitors_stay(&self) -> Result<(), TransferError> {
        let (ours, theirs) = (self.folder.network(), &self.cur.net);
        for &i in &self.diff.nodes[usize::from(NodeKind::Account.code())].changed {
            let Some(j) = self.in_cur(NodeRef::new(NodeKind::Account, i)) else {
                continue;
            };
            let was = theirs.accounts.get(j.id as usize).map(|a| a.kind);
            let is = ours.accounts.get(i as usize).map(|a| a.kind);
            if was == Some(AccountKind::Competitor) && is != Some(AccountKind::Competitor) {
                let edges = (theirs.edges.iter())
                    .filter(|e| e.kind().starts_at_competitor() && e.key().from == j)
                    .count() as u64;
                if edges > 0 {
                    return Err(StoreError::CompetitorHasEdges {
                        xid: self.cur.xid(j),
                        edges,
                    }
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Interactions, matched as a multiset of records: the n-th folder interaction with a
    /// given record matches the n-th such interaction of the database (in the order they
    /// were recorded), if there is one. In replace mode the database's unmatched ones go.
    fn interactions(&mut self) -> Result<(), TransferError> {
        let (ours, theirs) = (self.folder.network(), &self.cur.net);
        let mut groups: HashMap<Record, (Vec<u32>, usize)> = HashMap::new();
        for (j, x) in theirs.interactions.iter().enumerate() {
            let record = (
                x.employee.0,
                x.person.0,
                x.date,
                x.kind,
                x.project.map_or(NONE, |p| p.0),
            );
            groups.entry(record).or_default().0.push(j as u32);
        }
        let mut matched = vec![false; theirs.interactions.len()];
        for (i, x) in ours.interactions.iter().enumerate() {
            let project = match x.project {
                None => Some(NONE),
                Some(p) => self.in_cur(p.into()).map(|n| n.id),
            };
            let ends = (
                self.in_cur(x.employee.into()),
                self.in_cur(x.person.into()),
                project,
            );
            let found = match ends {
                (Some(employee), Some(person), Some(project)) => groups
                    .get_mut(&(employee.id, person.id, x.date, x.kind, project))
                    .and_then(|(list, used)| {
                        let j = list.get(*used).copied()?;
                        *used += 1;
                        Some(j)
                    }),
                _ => None,
            };
            match found {
                Some(j) => {
                    matched[j as usize] = true;
                    self.diff.interactions.unchanged += 1;
                }
                None => self.diff.interactions.added.push(i as u32),
            }
        }
        if self.mode == ImportMode::Replace {
            let cur = self.cur;
            for (j, x) in theirs.interactions.iter().enumerate() {
                if matched[j] {
                    continue;
                }
                let id =
                    cur.interaction_ids
                        .get(j)
                        .copied()
                        .ok_or_else(|| StoreError::Corrupt {
                            what: "interaction table".to_owned(),
                            reason: "an interaction was read without its id".to_owned(),
                        })?;
                self.diff.interactions.removed.push(GoneInteraction {
                    id,
                    employee: cur.xid(x.employee.into()),
                    person: cur.xid(x.person.into()),
                    date: x.date,
                    kind: x.kind,
                    project: x.project.map(|p| cur.xid(p.into())),
                });
            }
        }
        Ok(())
    }
}

/// An interaction's record in the database's positions (employee, person, date, kind,
/// project or [`NONE`]).
type Record = (u32, u32, Day, InteractionKind, u32);
