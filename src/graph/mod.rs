//! The immutable analysis snapshot of a relationship network.
//!
//! Analyses never walk the model's edge list: they need, for one node, its neighbours of
//! one edge type, fast and in a fixed order. [`Snapshot::from_network`] turns a
//! [`Network`] into dense arrays indexed by the network's own ids:
//!
//! * node tables — external ids (for output), account kinds, project stages and amounts;
//! * membership — each person's account and each account's persons, each project's
//!   account and each account's projects, each project's decision chain;
//! * the **deference graph** of SPEC §4.4 (`p → m` for `reports_to(p → m)`, `b → a` for
//!   `influences(a → b)`, weights of the same ordered pair added, weight 0 absent) as
//!   out-rows — PageRank and Friedkin–Johnsen both derive their local graphs from it;
//! * the **link graph** of SPEC §4.8 between persons (each `reports_to` and influences
//!   edge in both directions, the strongest of parallel edges, weight 0 absent) and its
//!   connected components, which let path searches stop early;
//! * ties grouped by person, with an index by employee; rival ties per person;
//!   competitors per project; accounts owned per employee.
//!
//! Every adjacency is a [`Csr`] table built by a stable counting sort, so building is
//! linear in nodes + edges and the order of every row (hence every floating-point sum)
//! is fixed by the network's edge order.
//!
//! SPEC §4 treats an edge of weight 0 as absent from every *graph* but present wherever
//! only existence matters. The snapshot keeps both views: graphs (deference, links)
//! hold only positive weights, while ties, rival ties and the `has_manager` flag keep
//! every edge whatever its weight.
//!
//! The snapshot expects a network that passes [`Network::validate`]. It never panics on
//! one that does not: an edge with an end out of range or a self-loop is skipped, and of
//! a person's (project's) several `works_at` (`of`) edges the first is used; the
//! analyses' results on such a network are otherwise unspecified.

mod csr;

pub use csr::Csr;

use crate::model::{
    AccountId, AccountKind, Day, Edge, EmployeeId, Member, Network, OwnsTarget, PersonId,
    ProjectId, Stage,
};

const NONE: u32 = u32::MAX;

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
    account_xid: Vec<String>,
    account_kind: Vec<AccountKind>,
    person_xid: Vec<String>,
    employee_xid: Vec<String>,
    project_xid: Vec<String>,
    project_stage: Vec<Stage>,
    project_amount: Vec<f64>,
    person_account: Vec<u32>,
    account_position: Vec<u32>,
    account_persons: Csr<PersonId>,
    project_account: Vec<u32>,
    account_projects: Csr<ProjectId>,
    members: Csr<ChainMember>,
    deference: Csr<Link>,
    links: Csr<Link>,
    component: Vec<u32>,
    has_manager: Vec<bool>,
    ties: Csr<TieRecord>,
    employee_ties: Csr<usize>,
    rivals: Csr<RivalTie>,
    competes: Csr<AccountId>,
    owned_accounts: Csr<AccountId>,
}

impl Snapshot {
    /// Builds the snapshot of `network` in time linear in its size.
    ///
    /// Expects `network.validate()` to pass; see the module documentation for what
    /// happens otherwise (no panic, offending edges skipped).
    #[allow(clippy::too_many_lines)]
    pub fn from_network(network: &Network) -> Snapshot {
        let (na, np, ne, nx) = (
            network.accounts.len(),
            network.persons.len(),
            network.employees.len(),
            network.projects.len(),
        );
        let mut person_account = vec![NONE; np];
        let mut project_account = vec![NONE; nx];
        let mut has_manager = vec![false; np];
        let mut members = Vec::new();
        let mut deference = Vec::new();
        let mut links = Vec::new();
        let mut ties = Vec::new();
        let mut rivals = Vec::new();
        let mut competes = Vec::new();
        let mut owned = Vec::new();
        let person_ok = |p: PersonId| p.index() < np;
        let account_ok = |a: AccountId| a.index() < na;
        let project_ok = |x: ProjectId| x.index() < nx;
        let employee_ok = |e: EmployeeId| e.index() < ne;
        // Walk the edges in key order (type, from, to), whatever order the network lists
        // them in, so that the same data always gives the same rows — and therefore the
        // same floating-point sums to the last bit — whether it came from a CSV folder
        // or from the store (which already yields key order: then this is one linear check).
        let sorted;
        let edges: &[Edge] = if network.edges.is_sorted_by_key(Edge::key) {
            &network.edges
        } else {
            let mut copy = network.edges.clone();
            copy.sort_by_key(Edge::key);
            sorted = copy;
            &sorted
        };
        for edge in edges {
            match *edge {
                Edge::WorksAt { person, account } => {
                    if person_ok(person)
                        && account_ok(account)
                        && person_account[person.index()] == NONE
                    {
                        person_account[person.index()] = account.0;
                    }
                }
                Edge::Of { project, account } => {
                    if project_ok(project)
                        && account_ok(account)
                        && project_account[project.index()] == NONE
                    {
                        project_account[project.index()] = account.0;
                    }
                }
                Edge::ReportsTo {
                    person,
                    manager,
                    weight,
                } => {
                    if person_ok(person) && person_ok(manager) && person != manager {
                        has_manager[person.index()] = true;
                        deference_edge(&mut deference, &mut links, person, manager, weight.get());
                    }
                }
                Edge::Influences { from, to, weight } => {
                    if person_ok(from) && person_ok(to) && from != to {
                        deference_edge(&mut deference, &mut links, to, from, weight.get());
                    }
                }
                Edge::Tie {
                    employee,
                    person,
                    tie,
                } => {
                    if employee_ok(employee) && person_ok(person) {
                        ties.push((
                            person.index(),
                            TieRecord {
                                employee,
                                person,
                                closeness: tie.closeness.get(),
                                last_contact: tie.last_contact,
                            },
                        ));
                    }
                }
                Edge::Member {
                    person,
                    project,
                    member,
                } => {
                    if person_ok(person) && project_ok(project) {
                        members.push((project.index(), ChainMember { person, member }));
                    }
                }
                Edge::Owns { employee, target } => {
                    if let OwnsTarget::Account(a) = target {
                        if employee_ok(employee) && account_ok(a) {
                            owned.push((employee.index(), a));
                        }
                    }
                }
                Edge::RivalTie {
                    competitor,
                    person,
                    closeness,
                } => {
                    if account_ok(competitor) && person_ok(person) {
                        rivals.push((
                            person.index(),
                            RivalTie {
                                competitor,
                                closeness: closeness.get(),
                            },
                        ));
                    }
                }
                Edge::Competes {
                    competitor,
                    project,
                } => {
                    if account_ok(competitor) && project_ok(project) {
                        competes.push((project.index(), competitor));
                    }
                }
            }
        }
        let account_persons: Vec<(usize, PersonId)> = person_account
            .iter()
            .enumerate()
            .filter(|(_, &a)| a != NONE)
            .map(|(p, &a)| (a as usize, PersonId(p as u32)))
            .collect();
        let account_projects: Vec<(usize, ProjectId)> = project_account
            .iter()
            .enumerate()
            .filter(|(_, &a)| a != NONE)
            .map(|(x, &a)| (a as usize, ProjectId(x as u32)))
            .collect();
        let account_persons = Csr::from_pairs(na, &account_persons);
        let mut account_position = vec![NONE; np];
        for a in 0..na {
            for (i, p) in account_persons.row(a).iter().enumerate() {
                account_position[p.index()] = i as u32;
            }
        }
        let deference = Csr::from_pairs(np, &deference).merged(
            np,
            |l| l.to.index(),
            |a, b| a.weight += b.weight,
        );
        let links = Csr::from_pairs(np, &links).merged(
            np,
            |l| l.to.index(),
            |a, b| a.weight = a.weight.max(b.weight),
        );
        let ties = Csr::from_pairs(np, &ties);
        let employee_ties: Vec<(usize, usize)> = ties
            .items()
            .iter()
            .enumerate()
            .map(|(i, t)| (t.employee.index(), i))
            .collect();
        let component = components(&links);
        Snapshot {
            account_xid: network.accounts.iter().map(|a| a.xid.clone()).collect(),
            account_kind: network.accounts.iter().map(|a| a.kind).collect(),
            person_xid: network.persons.iter().map(|p| p.xid.clone()).collect(),
            employee_xid: network.employees.iter().map(|e| e.xid.clone()).collect(),
            project_xid: network.projects.iter().map(|x| x.xid.clone()).collect(),
            project_stage: network.projects.iter().map(|x| x.stage).collect(),
            project_amount: network.projects.iter().map(|x| x.amount.get()).collect(),
            person_account,
            account_position,
            account_persons,
            project_account,
            account_projects: Csr::from_pairs(na, &account_projects),
            members: Csr::from_pairs(nx, &members),
            deference,
            links,
            component,
            has_manager,
            ties,
            employee_ties: Csr::from_pairs(ne, &employee_ties),
            rivals: Csr::from_pairs(np, &rivals),
            competes: Csr::from_pairs(nx, &competes),
            owned_accounts: Csr::from_pairs(ne, &owned),
        }
    }

    /// Number of accounts.
    pub fn account_count(&self) -> usize {
        self.account_xid.len()
    }
    /// Number of persons.
    pub fn person_count(&self) -> usize {
        self.person_xid.len()
    }
    /// Number of employees.
    pub fn employee_count(&self) -> usize {
        self.employee_xid.len()
    }
    /// Number of projects.
    pub fn project_count(&self) -> usize {
        self.project_xid.len()
    }

    /// External id of an account (empty if out of range).
    pub fn account_xid(&self, a: AccountId) -> &str {
        self.account_xid.get(a.index()).map_or("", String::as_str)
    }
    /// External id of a person (empty if out of range).
    pub fn person_xid(&self, p: PersonId) -> &str {
        self.person_xid.get(p.index()).map_or("", String::as_str)
    }
    /// External id of an employee (empty if out of range).
    pub fn employee_xid(&self, e: EmployeeId) -> &str {
        self.employee_xid.get(e.index()).map_or("", String::as_str)
    }
    /// External id of a project (empty if out of range).
    pub fn project_xid(&self, x: ProjectId) -> &str {
        self.project_xid.get(x.index()).map_or("", String::as_str)
    }

    /// Looks a person up by external id (linear scan; for tools and tests, not hot paths).
    pub fn find_person(&self, xid: &str) -> Option<PersonId> {
        self.person_xid
            .iter()
            .position(|s| s == xid)
            .map(|i| PersonId(i as u32))
    }
    /// Looks a project up by external id (linear scan).
    pub fn find_project(&self, xid: &str) -> Option<ProjectId> {
        self.project_xid
            .iter()
            .position(|s| s == xid)
            .map(|i| ProjectId(i as u32))
    }
    /// Looks an employee up by external id (linear scan).
    pub fn find_employee(&self, xid: &str) -> Option<EmployeeId> {
        self.employee_xid
            .iter()
            .position(|s| s == xid)
            .map(|i| EmployeeId(i as u32))
    }
    /// Looks an account up by external id (linear scan).
    pub fn find_account(&self, xid: &str) -> Option<AccountId> {
        self.account_xid
            .iter()
            .position(|s| s == xid)
            .map(|i| AccountId(i as u32))
    }

    /// The kind of an account (client if out of range).
    pub fn account_kind(&self, a: AccountId) -> AccountKind {
        self.account_kind
            .get(a.index())
            .copied()
            .unwrap_or(AccountKind::Client)
    }
    /// The stage of a project (lost if out of range).
    pub fn project_stage(&self, x: ProjectId) -> Stage {
        self.project_stage
            .get(x.index())
            .copied()
            .unwrap_or(Stage::Lost)
    }
    /// The amount of a project (0 if out of range).
    pub fn project_amount(&self, x: ProjectId) -> f64 {
        self.project_amount.get(x.index()).copied().unwrap_or(0.0)
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

/// Adds a deference edge `from → to` (and its link in both directions) if `w > 0`.
fn deference_edge(
    deference: &mut Vec<(usize, Link)>,
    links: &mut Vec<(usize, Link)>,
    from: PersonId,
    to: PersonId,
    w: f64,
) {
    if w > 0.0 {
        deference.push((from.index(), Link { to, weight: w }));
        links.push((from.index(), Link { to, weight: w }));
        links.push((
            to.index(),
            Link {
                to: from,
                weight: w,
            },
        ));
    }
}

/// Connected components of an undirected graph given as symmetric rows: the component
/// of a node is the smallest node index in it. Linear (iterative search).
fn components(links: &Csr<Link>) -> Vec<u32> {
    let n = links.rows();
    let mut comp = vec![NONE; n];
    let mut stack = Vec::new();
    for start in 0..n {
        if comp[start] != NONE {
            continue;
        }
        comp[start] = start as u32;
        stack.push(start);
        while let Some(u) = stack.pop() {
            for l in links.row(u) {
                let v = l.to.index();
                if comp[v] == NONE {
                    comp[v] = start as u32;
                    stack.push(v);
                }
            }
        }
    }
    comp
}

impl Snapshot {
    /// Builds the snapshot of a database's state as seen by one read (or write)
    /// transaction: every analysis on it sees one consistent moment, whatever writers do
    /// meanwhile. Returns the [`IdMap`](crate::store::IdMap) from the snapshot's dense ids
    /// (network positions) back to the store's ids.
    pub fn load(
        txn: &impl crate::store::Read,
    ) -> Result<(Snapshot, crate::store::IdMap), crate::store::StoreError> {
        let (network, ids) = txn.network()?;
        Ok((Snapshot::from_network(&network), ids))
    }
}
