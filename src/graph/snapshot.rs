//! The snapshot's API: its record types and the read-only accessors the analyses use.

use super::csr::Csr;
use super::NONE;
use crate::model::{AccountId, AccountKind, Day, EmployeeId, Member, PersonId, ProjectId, Stage};

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

/// A weighted edge of one of the snapshot's person graphs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// The other end.
    pub to: PersonId,
    /// The weight, `> 0`.
    pub weight: f64,
}

/// An immutable, analysis-ready copy of a network (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub(super) nodes: Nodes,
    pub(super) person_account: Vec<u32>,
    pub(super) account_position: Vec<u32>,
    pub(super) account_persons: Csr<PersonId>,
    pub(super) project_account: Vec<u32>,
    pub(super) account_projects: Csr<ProjectId>,
    pub(super) members: Csr<ChainMember>,
    pub(super) deference: Csr<Link>,
    pub(super) links: Csr<Link>,
    pub(super) component: Vec<u32>,
    pub(super) has_manager: Vec<bool>,
    pub(super) ties: Csr<TieRecord>,
    pub(super) employee_ties: Csr<usize>,
    pub(super) rivals: Csr<RivalTie>,
    pub(super) competes: Csr<AccountId>,
    pub(super) owned_accounts: Csr<AccountId>,
}

impl Snapshot {
    /// Number of accounts.
    pub fn account_count(&self) -> usize {
        self.nodes.account_xid.len()
    }
    /// Number of persons.
    pub fn person_count(&self) -> usize {
        self.nodes.person_xid.len()
    }
    /// Number of employees.
    pub fn employee_count(&self) -> usize {
        self.nodes.employee_xid.len()
    }
    /// Number of projects.
    pub fn project_count(&self) -> usize {
        self.nodes.project_xid.len()
    }

    /// External id of an account (empty if out of range).
    pub fn account_xid(&self, a: AccountId) -> &str {
        self.nodes.account_xid.get(a.index())
    }
    /// External id of a person (empty if out of range).
    pub fn person_xid(&self, p: PersonId) -> &str {
        self.nodes.person_xid.get(p.index())
    }
    /// External id of an employee (empty if out of range).
    pub fn employee_xid(&self, e: EmployeeId) -> &str {
        self.nodes.employee_xid.get(e.index())
    }
    /// External id of a project (empty if out of range).
    pub fn project_xid(&self, x: ProjectId) -> &str {
        self.nodes.project_xid.get(x.index())
    }

    /// Looks a person up by external id (linear scan; for tools and tests, not hot paths).
    pub fn find_person(&self, xid: &str) -> Option<PersonId> {
        self.nodes
            .person_xid
            .position(xid)
            .map(|i| PersonId(i as u32))
    }
    /// Looks a project up by external id (linear scan).
    pub fn find_project(&self, xid: &str) -> Option<ProjectId> {
        self.nodes
            .project_xid
            .position(xid)
            .map(|i| ProjectId(i as u32))
    }
    /// Looks an employee up by external id (linear scan).
    pub fn find_employee(&self, xid: &str) -> Option<EmployeeId> {
        self.nodes
            .employee_xid
            .position(xid)
            .map(|i| EmployeeId(i as u32))
    }
    /// Looks an account up by external id (linear scan).
    pub fn find_account(&self, xid: &str) -> Option<AccountId> {
        self.nodes
            .account_xid
            .position(xid)
            .map(|i| AccountId(i as u32))
    }

    /// The kind of an account (client if out of range).
    pub fn account_kind(&self, a: AccountId) -> AccountKind {
        self.nodes
            .account_kind
            .get(a.index())
            .copied()
            .unwrap_or(AccountKind::Client)
    }
    /// The stage of a project (lost if out of range).
    pub fn project_stage(&self, x: ProjectId) -> Stage {
        self.nodes
            .project_stage
            .get(x.index())
            .copied()
            .unwrap_or(Stage::Lost)
    }
    /// The amount of a project (0 if out of range).
    pub fn project_amount(&self, x: ProjectId) -> f64 {
        self.nodes
            .project_amount
            .get(x.index())
            .copied()
            .unwrap_or(0.0)
    }

    /// The account a person works at, if any.
    pub fn person_account(&self, p: PersonId) -> Option<AccountId> {
        match self.person_account.get(p.index()) {
            Some(&a) if a != NONE => Some(AccountId(a)),
            _ => None,
        }
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

    /// Deference out-edges of a person (SPEC §4.4's rule over the whole network): whom
    /// `p` defers to, with the summed positive weight of each ordered pair.
    pub fn deference(&self, p: PersonId) -> &[Link] {
        self.deference.row(p.index())
    }
    /// Person–person path edges of SPEC §4.8 at `p`: each `reports_to` and influences edge
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
        self.has_manager.get(p.index()).copied().unwrap_or(false)
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

    /// Person ids, `0..person_count`.
    pub fn person_ids(&self) -> impl Iterator<Item = PersonId> + '_ {
        (0..self.person_count() as u32).map(PersonId)
    }
    /// Account ids, `0..account_count`.
    pub fn account_ids(&self) -> impl Iterator<Item = AccountId> + '_ {
        (0..self.account_count() as u32).map(AccountId)
    }
    /// Project ids, `0..project_count`.
    pub fn project_ids(&self) -> impl Iterator<Item = ProjectId> + '_ {
        (0..self.project_count() as u32).map(ProjectId)
    }
    /// Employee ids, `0..employee_count`.
    pub fn employee_ids(&self) -> impl Iterator<Item = EmployeeId> + '_ {
        (0..self.employee_count() as u32).map(EmployeeId)
    }
}

/// Node names laid end to end in one string: one allocation for all the external ids
/// of a kind instead of one per node.
#[derive(Debug, Clone, Default)]
pub(super) struct Names {
    pub(super) text: String,
    pub(super) ends: Vec<usize>,
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

    pub(super) fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).copied().unwrap_or(usize::MAX),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.text.get(start..end).unwrap_or("")
    }

    pub(super) fn position(&self, s: &str) -> Option<usize> {
        (0..self.len()).find(|&i| self.get(i) == s)
    }
}

/// The node tables of a snapshot: external ids, account kinds, project stages and
/// amounts.
#[derive(Debug, Clone, Default)]
pub(super) struct Nodes {
    pub(super) account_xid: Names,
    pub(super) account_kind: Vec<AccountKind>,
    pub(super) person_xid: Names,
    pub(super) employee_xid: Names,
    pub(super) project_xid: Names,
    pub(super) project_stage: Vec<Stage>,
    pub(super) project_amount: Vec<f64>,
}

impl Nodes {
    /// Accounts, persons, employees and projects so far.
    pub(super) fn counts(&self) -> [usize; 4] {
        [
            self.account_xid.len(),
            self.person_xid.len(),
            self.employee_xid.len(),
            self.project_xid.len(),
        ]
    }
}
