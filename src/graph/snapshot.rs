//! The snapshot's API: its record types and the read-only accessors the analyses use.

use super::csr::Csr;
use super::nodes::Nodes;
use super::NONE;
use crate::model::{
    AccountId, AccountKind, Day, EmployeeId, Member, NodeKind, NodeRef, PersonId, ProjectId, Stage,
};

/// One tie of an employee with a person, as the analyses see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TieRecord {
    /// Our employee.
    pub employee: EmployeeId,
    /// The person.
    pub person: PersonId,
    /// Closeness in `[0, 1]`, before decay.
    pub closeness: f64,
    /// Last contact, if recorded (an undated tie does not decay).
    pub last_contact: Option<Day>,
}

impl TieRecord {
    /// The decayed closeness `c'` of the tie at `as_of` (§4.1):
    /// `closeness · 2^(−d / half_life)` with `d` = the days from the last contact to
    /// `as_of`, 0 if the contact is later; an undated tie does not decay.
    pub fn decayed(&self, as_of: Day, half_life: f64) -> f64 {
        match self.last_contact {
            None => self.closeness,
            Some(day) => {
                let d = day.days_until(as_of).max(0) as f64;
                self.closeness * 2f64.powf(-d / half_life)
            }
        }
    }
}

/// A person's period at an account, from a `works_at` edge (`[since, until)`, `None` =
/// unbounded; both `None` for an account recorded without dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmploymentRecord {
    /// The account.
    pub account: AccountId,
    /// The first day there, if known.
    pub since: Option<Day>,
    /// The first day after the work there, if it ended.
    pub until: Option<Day>,
}

/// A member of a project's decision chain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChainMember {
    /// The person.
    pub person: PersonId,
    /// Role, coach flag and acceptances.
    pub member: Member,
}

/// A competitor's tie with a person.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RivalTie {
    /// The competitor account.
    pub competitor: AccountId,
    /// Closeness in `[0, 1]` (never decays).
    pub closeness: f64,
}

/// A weighted edge between two persons: an edge of one of the snapshot's person graphs
/// (weight `> 0`), or a recorded `reports_to` or influences edge (any weight, 0 included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// The other end.
    pub to: PersonId,
    /// The weight.
    pub weight: f64,
}

/// An immutable, analysis-ready copy of a network (see the module documentation).
///
/// Indexed by the ids of its source — the store's ids for [`Snapshot::load`], the
/// network's positions for [`Snapshot::from_network`] — so an id means the same node in
/// the snapshot as where it came from. Ids of removed nodes are holes: they do not
/// [exist](Snapshot::contains), have empty external ids and names, and no edges.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub(super) nodes: Nodes,
    pub(super) person_account: Vec<u32>,
    pub(super) employments: Csr<EmploymentRecord>,
    pub(super) account_position: Vec<u32>,
    pub(super) account_persons: Csr<PersonId>,
    pub(super) project_account: Vec<u32>,
    pub(super) account_projects: Csr<ProjectId>,
    pub(super) members: Csr<ChainMember>,
    pub(super) deference: Csr<Link>,
    pub(super) links: Csr<Link>,
    pub(super) component: Vec<u32>,
    pub(super) reports_to: Csr<Link>,
    pub(super) influences: Csr<Link>,
    pub(super) ties: Csr<TieRecord>,
    pub(super) employee_ties: Csr<usize>,
    pub(super) rivals: Csr<RivalTie>,
    pub(super) competes: Csr<AccountId>,
    pub(super) owned_accounts: Csr<AccountId>,
}

/// Ids and counts.
impl Snapshot {
    /// Whether the node exists in this snapshot (an id of a removed node, or beyond the
    /// largest id, does not).
    pub fn contains(&self, node: impl Into<NodeRef>) -> bool {
        let node = node.into();
        self.nodes.table(node.kind).exists(node.id as usize)
    }

    /// One more than the largest id of `kind` the snapshot spans: the length of an array
    /// indexed by ids of that kind. Ids below it may be holes.
    pub fn id_bound(&self, kind: NodeKind) -> usize {
        self.nodes.table(kind).bound()
    }

    /// Number of accounts.
    pub fn account_count(&self) -> usize {
        self.nodes.table(NodeKind::Account).count()
    }
    /// Number of persons.
    pub fn person_count(&self) -> usize {
        self.nodes.table(NodeKind::Person).count()
    }
    /// Number of employees.
    pub fn employee_count(&self) -> usize {
        self.nodes.table(NodeKind::Employee).count()
    }
    /// Number of projects.
    pub fn project_count(&self) -> usize {
        self.nodes.table(NodeKind::Project).count()
    }

    /// The accounts' ids, increasing (holes skipped).
    pub fn account_ids(&self) -> impl Iterator<Item = AccountId> + '_ {
        self.nodes.table(NodeKind::Account).ids().map(AccountId)
    }
    /// The persons' ids, increasing (holes skipped).
    pub fn person_ids(&self) -> impl Iterator<Item = PersonId> + '_ {
        self.nodes.table(NodeKind::Person).ids().map(PersonId)
    }
    /// The employees' ids, increasing (holes skipped).
    pub fn employee_ids(&self) -> impl Iterator<Item = EmployeeId> + '_ {
        self.nodes.table(NodeKind::Employee).ids().map(EmployeeId)
    }
    /// The projects' ids, increasing (holes skipped).
    pub fn project_ids(&self) -> impl Iterator<Item = ProjectId> + '_ {
        self.nodes.table(NodeKind::Project).ids().map(ProjectId)
    }
}

/// External ids, names and lookups.
impl Snapshot {
    /// External id of an account (empty if it does not exist).
    pub fn account_xid(&self, a: AccountId) -> &str {
        self.nodes.table(NodeKind::Account).xid.get(a.index())
    }
    /// External id of a person (empty if it does not exist).
    pub fn person_xid(&self, p: PersonId) -> &str {
        self.nodes.table(NodeKind::Person).xid.get(p.index())
    }
    /// External id of an employee (empty if it does not exist).
    pub fn employee_xid(&self, e: EmployeeId) -> &str {
        self.nodes.table(NodeKind::Employee).xid.get(e.index())
    }
    /// External id of a project (empty if it does not exist).
    pub fn project_xid(&self, x: ProjectId) -> &str {
        self.nodes.table(NodeKind::Project).xid.get(x.index())
    }

    /// Name of an account (empty if it does not exist).
    pub fn account_name(&self, a: AccountId) -> &str {
        self.nodes.table(NodeKind::Account).name.get(a.index())
    }
    /// Name of a person (empty if it does not exist).
    pub fn person_name(&self, p: PersonId) -> &str {
        self.nodes.table(NodeKind::Person).name.get(p.index())
    }
    /// Name of an employee (empty if it does not exist).
    pub fn employee_name(&self, e: EmployeeId) -> &str {
        self.nodes.table(NodeKind::Employee).name.get(e.index())
    }
    /// Name of a project (empty if it does not exist).
    pub fn project_name(&self, x: ProjectId) -> &str {
        self.nodes.table(NodeKind::Project).name.get(x.index())
    }
    /// The day an employee left us, if recorded.
    pub fn employee_left(&self, e: EmployeeId) -> Option<Day> {
        self.nodes.employee_left.get(e.index()).copied().flatten()
    }
    /// A person's job title, if recorded.
    pub fn person_title(&self, p: PersonId) -> Option<&str> {
        match self.nodes.person_has_title.get(p.index()) {
            Some(true) => Some(self.nodes.person_title.get(p.index())),
            _ => None,
        }
    }

    /// The account with external id `xid`, if any: a hash lookup.
    pub fn account_by_xid(&self, xid: &str) -> Option<AccountId> {
        self.nodes.table(NodeKind::Account).find(xid).map(AccountId)
    }
    /// The person with external id `xid`, if any: a hash lookup.
    pub fn person_by_xid(&self, xid: &str) -> Option<PersonId> {
        self.nodes.table(NodeKind::Person).find(xid).map(PersonId)
    }
    /// The employee with external id `xid`, if any: a hash lookup.
    pub fn employee_by_xid(&self, xid: &str) -> Option<EmployeeId> {
        self.nodes
            .table(NodeKind::Employee)
            .find(xid)
            .map(EmployeeId)
    }
    /// The project with external id `xid`, if any: a hash lookup.
    pub fn project_by_xid(&self, xid: &str) -> Option<ProjectId> {
        self.nodes.table(NodeKind::Project).find(xid).map(ProjectId)
    }

    /// The kind of an account (client if it does not exist).
    pub fn account_kind(&self, a: AccountId) -> AccountKind {
        self.nodes
            .account_kind
            .get(a.index())
            .copied()
            .unwrap_or(AccountKind::Client)
    }
    /// The stage of a project (lost if it does not exist).
    pub fn project_stage(&self, x: ProjectId) -> Stage {
        self.nodes
            .project_stage
            .get(x.index())
            .copied()
            .unwrap_or(Stage::Lost)
    }
    /// The amount of a project (0 if it does not exist).
    pub fn project_amount(&self, x: ProjectId) -> f64 {
        self.nodes
            .project_amount
            .get(x.index())
            .copied()
            .unwrap_or(0.0)
    }
}

/// Memberships and adjacency. Every row is empty for an id that does not exist.
impl Snapshot {
    /// The account a person works at, if any.
    pub fn person_account(&self, p: PersonId) -> Option<AccountId> {
        match self.person_account.get(p.index()) {
            Some(&a) if a != NONE => Some(AccountId(a)),
            _ => None,
        }
    }
    /// Every period of a person at an account (its `works_at` edges), by account id.
    /// [`person_account`](Snapshot::person_account) is the first of them: this round's
    /// analyses do not read the periods' dates.
    pub fn employments(&self, p: PersonId) -> &[EmploymentRecord] {
        self.employments.row(p.index())
    }
    /// The persons working at an account, by increasing id.
    pub fn account_persons(&self, a: AccountId) -> &[PersonId] {
        self.account_persons.row(a.index())
    }
    /// The position of `p` in its account's [`Snapshot::account_persons`], if it has an
    /// account: the local index of per-account arrays such as PageRank's.
    pub fn account_position(&self, p: PersonId) -> Option<usize> {
        match self.account_position.get(p.index()) {
            Some(&i) if i != NONE => Some(i as usize),
            _ => None,
        }
    }
    /// The account of a project, if any.
    pub fn project_account(&self, x: ProjectId) -> Option<AccountId> {
        match self.project_account.get(x.index()) {
            Some(&a) if a != NONE => Some(AccountId(a)),
            _ => None,
        }
    }
    /// The projects of an account, by increasing id.
    pub fn account_projects(&self, a: AccountId) -> &[ProjectId] {
        self.account_projects.row(a.index())
    }
    /// A project's decision chain, in the network's edge order.
    pub fn members(&self, x: ProjectId) -> &[ChainMember] {
        self.members.row(x.index())
    }

    /// Deference out-edges of a person (§4.4's rule over the whole network): whom
    /// `p` defers to, with the summed positive weight of each ordered pair.
    pub fn deference(&self, p: PersonId) -> &[Link] {
        self.deference.row(p.index())
    }
    /// Person–person path edges of §4.8 at `p`: each `reports_to` and influences edge
    /// in both directions, the strongest of parallel edges, positive weights only.
    pub fn links(&self, p: PersonId) -> &[Link] {
        self.links.row(p.index())
    }
    /// The connected component of `p` in the link graph (two persons with different
    /// components have no person–person path).
    pub fn component(&self, p: PersonId) -> u32 {
        self.component.get(p.index()).copied().unwrap_or(NONE)
    }
    /// Whether `p` has a `reports_to` edge, of any weight.
    pub fn has_manager(&self, p: PersonId) -> bool {
        !self.reports_to.row(p.index()).is_empty()
    }
    /// The `reports_to` edges of `p` as recorded: its managers, with every weight (0
    /// included), by manager id.
    pub fn reports_to(&self, p: PersonId) -> &[Link] {
        self.reports_to.row(p.index())
    }
    /// The influences edges from `p` as recorded: the persons `p` influences, with every
    /// weight (0 included), by their id.
    pub fn influences(&self, p: PersonId) -> &[Link] {
        self.influences.row(p.index())
    }

    /// All ties, grouped by person; a tie's position here is its *tie index*.
    pub fn ties(&self) -> &[TieRecord] {
        self.ties.items()
    }
    /// The tie indices of a person's ties (every closeness, 0 included).
    pub fn person_tie_range(&self, p: PersonId) -> std::ops::Range<usize> {
        self.ties.range(p.index())
    }
    /// A person's ties (every closeness, 0 included).
    pub fn person_ties(&self, p: PersonId) -> &[TieRecord] {
        self.ties.row(p.index())
    }
    /// The tie indices of an employee's ties.
    pub fn employee_ties(&self, e: EmployeeId) -> &[usize] {
        self.employee_ties.row(e.index())
    }
    /// Rival ties to a person (every closeness, 0 included).
    pub fn rival_ties(&self, p: PersonId) -> &[RivalTie] {
        self.rivals.row(p.index())
    }
    /// Competitors competing on a project.
    pub fn competitors(&self, x: ProjectId) -> &[AccountId] {
        self.competes.row(x.index())
    }
    /// Accounts an employee owns directly (owners rows of kind account).
    pub fn owned_accounts(&self, e: EmployeeId) -> &[AccountId] {
        self.owned_accounts.row(e.index())
    }
}
