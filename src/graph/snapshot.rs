//! The snapshot's API: its record types and the read-only accessors the analyses use.

use super::csr::Csr;
use super::dated::Staffing;
use super::nodes::Nodes;
use super::NONE;
use crate::model::{
    AccountId, AccountKind, Day, EmployeeId, InteractionKind, Member, NodeKind, NodeRef, PersonId,
    ProjectId, Stage, Tie,
};

/// A pair of an employee and a person that is, at some date, a *tie* (§8.1): a tie
/// record (an assessed closeness), interactions, or both.
///
/// The snapshot holds one per pair that has either; whether it is a tie at a given date
/// (a record, or an interaction dated on or before it) and how close it then is are
/// questions of that date ([`Snapshot::tie_exists`],
/// [`Snapshot::effective_closeness`]). The pair's interactions are its
/// [`contacts`](Snapshot::contacts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TieRecord {
    /// Our employee.
    pub employee: EmployeeId,
    /// The person.
    pub person: PersonId,
    /// Whether the pair has a tie record; `false` for a tie made of interactions alone
    /// (which then has closeness 0 and no last contact of its own).
    pub recorded: bool,
    /// The record's assessed closeness in `[0, 1]`, before decay (0 without a record).
    pub closeness: f64,
    /// The record's last contact, if recorded (an undated record does not decay).
    pub last_contact: Option<Day>,
    /// Whether the record says the employee brought the relationship (a private tie);
    /// a tie of interactions alone is not private. No analysis reads it.
    pub private: bool,
}

/// One interaction of a tie, as the analyses read it: its day and kind (§8.1). The
/// project an interaction was about is informational and not kept here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Contact {
    /// The day it took place.
    pub date: Day,
    /// How they met.
    pub kind: InteractionKind,
}

impl TieRecord {
    /// The record of `employee`'s tie `tie` with `person`.
    pub(crate) fn from_tie(employee: EmployeeId, person: PersonId, tie: Tie) -> TieRecord {
        TieRecord {
            employee,
            person,
            recorded: true,
            closeness: tie.closeness.get(),
            last_contact: tie.last_contact,
            private: tie.private,
        }
    }

    /// The decayed assessed closeness `c_tie` of the record at `as_of` (§4.1, §8.1):
    /// `closeness · 2^(−d / half_life)` with `d` = the days from the record's last
    /// contact to `as_of`, 0 if the contact is later; an undated record does not decay,
    /// and a tie without a record has 0. Interactions do not change it.
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

impl EmploymentRecord {
    /// Whether the person works at the account on `day` (§8.2): `since ≤ day` (or no
    /// since) and `day < until` (or no until) — half-open, so a period ending on `day`
    /// does not cover it.
    pub fn covers(&self, day: Day) -> bool {
        self.since.is_none_or(|s| s <= day) && self.until.is_none_or(|u| day < u)
    }

    /// Whether the period has a date (a `since` or an `until`).
    pub fn is_dated(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }
}

/// A person's period at an account, seen from the account: an entry of its
/// [roster](Snapshot::roster).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stint {
    /// The person.
    pub person: PersonId,
    /// The first day there, if known.
    pub since: Option<Day>,
    /// The first day after the work there, if it ended.
    pub until: Option<Day>,
}

impl Stint {
    /// Whether the period covers `day` (see [`EmploymentRecord::covers`]).
    pub fn covers(&self, day: Day) -> bool {
        self.since.is_none_or(|s| s <= day) && self.until.is_none_or(|u| day < u)
    }
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
    pub(super) employments: Csr<EmploymentRecord>,
    /// Every period at each account, by person id.
    pub(super) roster: Csr<Stint>,
    /// Who works where, when no period has a date: the same on every day.
    pub(super) fixed: Option<Staffing>,
    pub(super) project_account: Vec<u32>,
    pub(super) account_projects: Csr<ProjectId>,
    pub(super) members: Csr<ChainMember>,
    /// The projects whose chain each person is in, by project id.
    pub(super) memberships: Csr<ProjectId>,
    pub(super) deference: Csr<Link>,
    pub(super) links: Csr<Link>,
    pub(super) component: Vec<u32>,
    pub(super) reports_to: Csr<Link>,
    pub(super) influences: Csr<Link>,
    pub(super) ties: Csr<TieRecord>,
    /// Each tie's interactions, by tie index, by date (then kind).
    pub(super) contacts: Csr<Contact>,
    pub(super) employee_ties: Csr<usize>,
    pub(super) rivals: Csr<RivalTie>,
    pub(super) competes: Csr<AccountId>,
    pub(super) owned_accounts: Csr<AccountId>,
    pub(super) owned_projects: Csr<ProjectId>,
    pub(super) account_owners: Csr<EmployeeId>,
    pub(super) project_owners: Csr<EmployeeId>,
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

    /// The account with external id `xid`, if any: a hash lookup. The first lookup of a
    /// kind builds that kind's index (linear in its nodes); later ones are constant time.
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
    /// Every period at account `a`, whatever its dates, by person id: the persons who
    /// ever work there. Those who do on a day: [`Snapshot::persons_at`].
    pub fn roster(&self, a: AccountId) -> &[Stint] {
        self.roster.row(a.index())
    }
    /// Every period of a person at an account (its `works_at` edges), by account id.
    /// Which account the person works at on a day is [`Snapshot::account_at`].
    pub fn employments(&self, p: PersonId) -> &[EmploymentRecord] {
        self.employments.row(p.index())
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
    /// The projects whose decision chain `p` is in, by increasing id.
    pub fn memberships(&self, p: PersonId) -> &[ProjectId] {
        self.memberships.row(p.index())
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

    /// All ties — every pair with a tie record or interactions, whatever their dates —
    /// grouped by person, each person's by employee id; a tie's position here is its
    /// *tie index*. Which of them are ties at a date: [`Snapshot::tie_exists`].
    pub fn ties(&self) -> &[TieRecord] {
        self.ties.items()
    }
    /// The tie indices of a person's ties (every closeness, 0 included; every date).
    pub fn person_tie_range(&self, p: PersonId) -> std::ops::Range<usize> {
        self.ties.range(p.index())
    }
    /// A person's ties (every closeness, 0 included; every date).
    pub fn person_ties(&self, p: PersonId) -> &[TieRecord] {
        self.ties.row(p.index())
    }
    /// The tie indices of an employee's ties (every date), by person id.
    pub fn employee_ties(&self, e: EmployeeId) -> &[usize] {
        self.employee_ties.row(e.index())
    }
    /// The interactions of the tie at index `tie`, by date (then kind); empty for a tie
    /// index out of range.
    pub fn contacts(&self, tie: usize) -> &[Contact] {
        self.contacts.row(tie)
    }
    /// Number of interactions over all ties.
    pub fn contact_count(&self) -> usize {
        self.contacts.len()
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
    /// Projects an employee owns (owners rows of kind project).
    pub fn owned_projects(&self, e: EmployeeId) -> &[ProjectId] {
        self.owned_projects.row(e.index())
    }
    /// The direct owners of an account (owners rows of kind account), by employee id,
    /// gone employees included.
    pub fn account_owners(&self, a: AccountId) -> &[EmployeeId] {
        self.account_owners.row(a.index())
    }
    /// The owners of a project (owners rows of kind project), by employee id, gone
    /// employees included.
    pub fn project_owners(&self, x: ProjectId) -> &[EmployeeId] {
        self.project_owners.row(x.index())
    }
}
