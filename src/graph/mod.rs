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
//! There are two ways in, one builder behind both, so they give the same snapshot to the
//! last bit: [`Snapshot::from_network`] (a network in memory, from CSV or the generator)
//! and [`Snapshot::load`] (one read transaction of the store). `load` never materialises
//! a [`Network`]: it takes node records as borrowed views from the store's scan, gathers
//! the edges of each kind as a separate task on the rayon pool (the node scan beside
//! them when store ids have no holes), appends them in key order and builds the tables
//! as parallel tasks — see BENCHMARKS.md for what that costs beside a raw scan.
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
    AccountId, AccountKind, Day, Edge, EdgeKind, EmployeeId, Member, Network, NodeKind, NodeView,
    OwnsTarget, PersonId, ProjectId, Stage,
};
use crate::store::Visit as _;

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
    nodes: Nodes,
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
    pub fn from_network(network: &Network) -> Snapshot {
        let mut b = Builder::default();
        b.begin(
            [
                network.accounts.len(),
                network.persons.len(),
                network.employees.len(),
                network.projects.len(),
            ],
            [0; EdgeKind::COUNT],
        );
        network.accounts.iter().for_each(|n| b.node(n.into()));
        network.persons.iter().for_each(|n| b.node(n.into()));
        network.employees.iter().for_each(|n| b.node(n.into()));
        network.projects.iter().for_each(|n| b.node(n.into()));
        // Walk the edges in key order (type, from, to), whatever order the network lists
        // them in, so that the same data always gives the same rows — and therefore the
        // same floating-point sums to the last bit — whether it came from a CSV folder
        // or from the store (which already yields key order: then this is one linear check).
        if network.edges.is_sorted_by_key(Edge::key) {
            network.edges.iter().for_each(|e| b.edge(e.clone()));
        } else {
            let mut sorted = network.edges.clone();
            sorted.sort_by_key(Edge::key);
            for e in sorted {
                b.edge(e);
            }
        }
        b.finish()
    }

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
struct Names {
    text: String,
    ends: Vec<usize>,
}

impl Names {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn reserve(&mut self, n: usize) {
        self.ends.reserve(n);
        self.text.reserve(n * 8);
    }

    fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).copied().unwrap_or(usize::MAX),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.text.get(start..end).unwrap_or("")
    }

    fn position(&self, s: &str) -> Option<usize> {
        (0..self.len()).find(|&i| self.get(i) == s)
    }
}

/// Builds a [`Snapshot`] from a stream of nodes, then edges in key order: the one code
/// path behind [`Snapshot::from_network`] and [`Snapshot::load`] (which feeds it straight
/// from the store's scan), so both give the same snapshot to the last bit.
#[derive(Default)]
struct Builder {
    nodes: Nodes,
    /// Edge counts per kind announced by `begin` (capacity hints).
    hint: [usize; EdgeKind::COUNT],
    /// Created at the first edge, once every node is known.
    edges: Option<Edges>,
}

/// The node tables of a snapshot: external ids, account kinds, project stages and
/// amounts.
#[derive(Debug, Clone, Default)]
struct Nodes {
    account_xid: Names,
    account_kind: Vec<AccountKind>,
    person_xid: Names,
    employee_xid: Names,
    project_xid: Names,
    project_stage: Vec<Stage>,
    project_amount: Vec<f64>,
}

impl Nodes {
    /// Accounts, persons, employees and projects so far.
    fn counts(&self) -> [usize; NodeKind::COUNT] {
        [
            self.account_xid.len(),
            self.person_xid.len(),
            self.employee_xid.len(),
            self.project_xid.len(),
        ]
    }
}

/// What the edges contribute to a snapshot being built, before the counting sorts.
/// Each field is written by edges of fixed kinds only, so edges of different kinds can
/// be gathered apart (on several threads) and [appended](Edges::append) in kind order.
struct Edges {
    /// Node counts: an edge with an end beyond them is skipped.
    counts: [usize; NodeKind::COUNT],
    person_account: Vec<u32>,
    project_account: Vec<u32>,
    has_manager: Vec<bool>,
    members: Vec<(usize, ChainMember)>,
    deference: Vec<(usize, Link)>,
    ties: Vec<(usize, TieRecord)>,
    rivals: Vec<(usize, RivalTie)>,
    competes: Vec<(usize, AccountId)>,
    owned: Vec<(usize, AccountId)>,
}

impl crate::store::Visit for Builder {
    fn begin(&mut self, nodes: [usize; NodeKind::COUNT], edges: [usize; EdgeKind::COUNT]) {
        let [na, np, ne, nx] = nodes;
        let n = &mut self.nodes;
        n.account_xid.reserve(na);
        n.account_kind.reserve(na);
        n.person_xid.reserve(np);
        n.employee_xid.reserve(ne);
        n.project_xid.reserve(nx);
        n.project_stage.reserve(nx);
        n.project_amount.reserve(nx);
        self.hint = edges;
    }

    fn node(&mut self, node: NodeView<'_>) {
        let n = &mut self.nodes;
        match node {
            NodeView::Account { xid, kind, .. } => {
                n.account_xid.push(xid);
                n.account_kind.push(kind);
            }
            NodeView::Person { xid, .. } => n.person_xid.push(xid),
            NodeView::Employee { xid, .. } => n.employee_xid.push(xid),
            NodeView::Project {
                xid, stage, amount, ..
            } => {
                n.project_xid.push(xid);
                n.project_stage.push(stage);
                n.project_amount.push(amount.get());
            }
        }
    }

    fn edge(&mut self, edge: Edge) {
        let (nodes, hint) = (&self.nodes, &self.hint);
        self.edges
            .get_or_insert_with(|| Edges::new(nodes.counts(), hint))
            .edge(edge);
    }
}

impl crate::store::Visit for Edges {
    fn node(&mut self, _: NodeView<'_>) {}

    #[allow(clippy::too_many_lines)]
    fn edge(&mut self, edge: Edge) {
        let [na, np, ne, nx] = self.counts;
        let person_ok = |p: PersonId| p.index() < np;
        let account_ok = |a: AccountId| a.index() < na;
        let project_ok = |x: ProjectId| x.index() < nx;
        let employee_ok = |e: EmployeeId| e.index() < ne;
        match edge {
            Edge::WorksAt {
                person, account, ..
            } => {
                if person_ok(person) && account_ok(account) {
                    let slot = at(&mut self.person_account, np, NONE, person.index());
                    if *slot == NONE {
                        *slot = account.0;
                    }
                }
            }
            Edge::Of { project, account } => {
                if project_ok(project) && account_ok(account) {
                    let slot = at(&mut self.project_account, nx, NONE, project.index());
                    if *slot == NONE {
                        *slot = account.0;
                    }
                }
            }
            Edge::ReportsTo {
                person,
                manager,
                weight,
            } => {
                if person_ok(person) && person_ok(manager) && person != manager {
                    *at(&mut self.has_manager, np, false, person.index()) = true;
                    self.deference_edge(person, manager, weight.get());
                }
            }
            Edge::Influences { from, to, weight } => {
                if person_ok(from) && person_ok(to) && from != to {
                    self.deference_edge(to, from, weight.get());
                }
            }
            Edge::Tie {
                employee,
                person,
                tie,
            } => {
                if employee_ok(employee) && person_ok(person) {
                    self.ties.push((
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
                    self.members
                        .push((project.index(), ChainMember { person, member }));
                }
            }
            Edge::Owns { employee, target } => {
                if let OwnsTarget::Account(a) = target {
                    if employee_ok(employee) && account_ok(a) {
                        self.owned.push((employee.index(), a));
                    }
                }
            }
            Edge::RivalTie {
                competitor,
                person,
                closeness,
            } => {
                if account_ok(competitor) && person_ok(person) {
                    self.rivals.push((
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
                    self.competes.push((project.index(), competitor));
                }
            }
        }
    }
}

/// `v[i]` (`i < len`), sizing `v` to `len` items of `fill` first if it is still empty.
fn at<T: Copy>(v: &mut Vec<T>, len: usize, fill: T, i: usize) -> &mut T {
    if v.is_empty() {
        v.resize(len, fill);
    }
    &mut v[i]
}

impl Edges {
    /// Empty, for the given node counts, with room for `hint[code]` edges of each kind.
    /// The per-node arrays stay empty until an edge writes one (see [`at`]).
    fn new(counts: [usize; NodeKind::COUNT], hint: &[usize; EdgeKind::COUNT]) -> Edges {
        let count = |kind: EdgeKind| hint[usize::from(kind.code())];
        let graph = count(EdgeKind::ReportsTo) + count(EdgeKind::Influences);
        Edges {
            counts,
            person_account: Vec::new(),
            project_account: Vec::new(),
            has_manager: Vec::new(),
            members: Vec::with_capacity(count(EdgeKind::Member)),
            deference: Vec::with_capacity(graph),
            ties: Vec::with_capacity(count(EdgeKind::Tie)),
            rivals: Vec::with_capacity(count(EdgeKind::RivalTie)),
            competes: Vec::with_capacity(count(EdgeKind::Competes)),
            owned: Vec::with_capacity(count(EdgeKind::Owns)),
        }
    }

    /// A `reports_to` or influences edge `from → to` of weight `w` in the deference
    /// graph (absent when `w` is 0). The link graph is its undirected version, built
    /// from the same list by [`finish`].
    fn deference_edge(&mut self, from: PersonId, to: PersonId, w: f64) {
        if w > 0.0 {
            self.deference.push((from.index(), Link { to, weight: w }));
        }
    }

    /// Adds `later`, gathered from edges of kinds that all come after this one's in key
    /// order: the result is what one pass over both would give.
    fn append(&mut self, later: Edges) {
        fn cat<T>(a: &mut Vec<T>, b: Vec<T>) {
            if a.is_empty() {
                *a = b;
            } else {
                a.extend(b);
            }
        }
        fn first<T: Copy>(a: &mut Vec<T>, b: Vec<T>, unset: impl Fn(&T) -> bool) {
            if a.is_empty() {
                *a = b;
            } else {
                for (x, y) in a.iter_mut().zip(b) {
                    if unset(x) {
                        *x = y;
                    }
                }
            }
        }
        first(&mut self.person_account, later.person_account, |a| {
            *a == NONE
        });
        first(&mut self.project_account, later.project_account, |a| {
            *a == NONE
        });
        first(&mut self.has_manager, later.has_manager, |m| !*m);
        cat(&mut self.members, later.members);
        cat(&mut self.deference, later.deference);
        cat(&mut self.ties, later.ties);
        cat(&mut self.rivals, later.rivals);
        cat(&mut self.competes, later.competes);
        cat(&mut self.owned, later.owned);
    }
}

impl Builder {
    fn finish(self) -> Snapshot {
        let edges = self
            .edges
            .unwrap_or_else(|| Edges::new(self.nodes.counts(), &[0; EdgeKind::COUNT]));
        finish(self.nodes, edges)
    }
}

/// The snapshot of `nodes` and `edges`: the counting sorts, merges and components.
/// The tables are independent of each other, so they are built as separate tasks on
/// the current rayon pool (each is deterministic on its own).
fn finish(nodes: Nodes, e: Edges) -> Snapshot {
    let [na, np, ne, nx] = nodes.counts();
    let Edges {
        mut person_account,
        mut project_account,
        mut has_manager,
        members,
        deference,
        ties,
        rivals,
        competes,
        owned,
        ..
    } = e;
    person_account.resize(np, NONE);
    project_account.resize(nx, NONE);
    has_manager.resize(np, false);
    let (graphs, ((ties, employee_ties), (accounts, small))) = rayon::join(
        || Graphs::build(np, &deference),
        || {
            rayon::join(
                || {
                    let ties = Csr::from_pairs(np, &ties);
                    let by_employee: Vec<(usize, usize)> = ties
                        .items()
                        .iter()
                        .enumerate()
                        .map(|(i, t)| (t.employee.index(), i))
                        .collect();
                    (ties, Csr::from_pairs(ne, &by_employee))
                },
                || {
                    rayon::join(
                        || account_tables(na, &person_account, &project_account),
                        || {
                            (
                                Csr::from_pairs(nx, &members),
                                Csr::from_pairs(np, &rivals),
                                Csr::from_pairs(nx, &competes),
                                Csr::from_pairs(ne, &owned),
                            )
                        },
                    )
                },
            )
        },
    );
    let Graphs {
        deference,
        links,
        component,
    } = graphs;
    let (account_persons, account_position, account_projects) = accounts;
    let (members, rivals, competes, owned_accounts) = small;
    Snapshot {
        nodes,
        person_account,
        account_position,
        account_persons,
        project_account,
        account_projects,
        members,
        deference,
        links,
        component,
        has_manager,
        ties,
        employee_ties,
        rivals,
        competes,
        owned_accounts,
    }
}

/// The person graphs of a snapshot, built from the deference pairs.
struct Graphs {
    deference: Csr<Link>,
    links: Csr<Link>,
    component: Vec<u32>,
}

impl Graphs {
    /// The deference graph (weights of the same ordered pair added) and the link graph
    /// with its components, as two tasks.
    fn build(np: usize, deference: &[(usize, Link)]) -> Graphs {
        let ((links, component), deference) = rayon::join(
            || link_graph(np, deference),
            || {
                Csr::from_pairs(np, deference).merged(
                    np,
                    |l| l.to.index(),
                    |a, b| a.weight += b.weight,
                )
            },
        );
        Graphs {
            deference,
            links,
            component,
        }
    }
}

/// The link graph (SPEC §4.8) from the deference pairs: each edge in both directions,
/// in edge order (the edge, then its mirror), the strongest of parallel links kept;
/// and its connected components.
fn link_graph(np: usize, deference: &[(usize, Link)]) -> (Csr<Link>, Vec<u32>) {
    let links = Csr::from_pairs_and_mirrors(np, deference, |from, l| {
        let to = PersonId(from as u32);
        (
            l.to.index(),
            Link {
                to,
                weight: l.weight,
            },
        )
    })
    .merged(
        np,
        |l| l.to.index(),
        |a, b| a.weight = a.weight.max(b.weight),
    );
    let component = components(&links);
    (links, component)
}

/// Each account's persons and projects (by id), and each person's position among its
/// account's persons.
fn account_tables(
    na: usize,
    person_account: &[u32],
    project_account: &[u32],
) -> (Csr<PersonId>, Vec<u32>, Csr<ProjectId>) {
    let by_account = |owner: &[u32]| -> Vec<(usize, u32)> {
        owner
            .iter()
            .enumerate()
            .filter(|(_, &a)| a != NONE)
            .map(|(i, &a)| (a as usize, i as u32))
            .collect()
    };
    let persons: Vec<(usize, PersonId)> = by_account(person_account)
        .into_iter()
        .map(|(a, p)| (a, PersonId(p)))
        .collect();
    let projects: Vec<(usize, ProjectId)> = by_account(project_account)
        .into_iter()
        .map(|(a, x)| (a, ProjectId(x)))
        .collect();
    let account_persons = Csr::from_pairs(na, &persons);
    let mut position = vec![NONE; person_account.len()];
    for a in 0..na {
        for (i, p) in account_persons.row(a).iter().enumerate() {
            position[p.index()] = i as u32;
        }
    }
    (account_persons, position, Csr::from_pairs(na, &projects))
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
    ///
    /// The arrays are built straight from the store's scan, without an intermediate
    /// [`Network`]: the nodes first, then the edge kinds in contiguous groups of about
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
    counts: [usize; NodeKind::COUNT],
    hint: &[usize; EdgeKind::COUNT],
) -> Result<Edges, crate::store::StoreError> {
    use rayon::prelude::*;
    let parts: Vec<Result<(Edges, u64), crate::store::StoreError>> = EDGE_TASKS
        .par_iter()
        .with_max_len(1)
        .map(|kinds| {
            let mut only = [0; EdgeKind::COUNT];
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
    let mut all = Edges::new(counts, &[0; EdgeKind::COUNT]);
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
