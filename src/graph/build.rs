//! Building a snapshot: the one builder behind both ways in, and its counting sorts.

use super::csr::Csr;
use super::nodes::Nodes;
use super::{ChainMember, EmploymentRecord, Link, RivalTie, Snapshot, TieRecord, NONE};
use crate::model::{
    AccountId, Edge, EdgeKind, EmployeeId, Network, NodeKind, NodeView, OwnsTarget, PersonId,
    ProjectId,
};
use crate::store::Visit as _;

/// Builds a [`Snapshot`] from a stream of nodes, then edges in key order: the one code
/// path behind [`Snapshot::from_network`] and [`Snapshot::load`] (which feeds it straight
/// from the store's scan), so both give the same snapshot to the last bit.
#[derive(Default)]
pub(super) struct Builder {
    pub(super) nodes: Nodes,
    /// Edge counts per kind announced by `begin` (capacity hints).
    hint: [usize; EdgeKind::COUNT],
    /// Created at the first edge, once every node is known.
    edges: Option<Edges>,
}

/// What the edges contribute to a snapshot being built, before the counting sorts.
/// Each field is written by edges of fixed kinds only, so edges of different kinds can
/// be gathered apart (on several threads) and [appended](Edges::append) in kind order.
pub(super) struct Edges {
    /// Id bounds: an edge with an end beyond them is skipped.
    counts: [usize; NodeKind::COUNT],
    person_account: Vec<u32>,
    /// Every `works_at` edge's period, by person.
    employments: Vec<(usize, EmploymentRecord)>,
    project_account: Vec<u32>,
    /// `reports_to` edges as recorded, by person: (person, manager and weight).
    reports_to: Vec<(usize, Link)>,
    /// Influences edges as recorded, by influencer: (from, to and weight).
    influences: Vec<(usize, Link)>,
    members: Vec<(usize, ChainMember)>,
    deference: Vec<(usize, Link)>,
    ties: Vec<(usize, TieRecord)>,
    rivals: Vec<(usize, RivalTie)>,
    competes: Vec<(usize, AccountId)>,
    owned: Vec<(usize, AccountId)>,
}

impl crate::store::Visit for Builder {
    fn begin(&mut self, nodes: [usize; NodeKind::COUNT], edges: [usize; EdgeKind::COUNT]) {
        self.nodes.reserve(nodes);
        self.hint = edges;
    }

    fn node(&mut self, node: NodeView<'_>) {
        self.nodes.push(node);
    }

    fn edge(&mut self, edge: Edge) {
        let (nodes, hint) = (&self.nodes, &self.hint);
        self.edges
            .get_or_insert_with(|| Edges::new(nodes.bounds(), hint))
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
                person,
                account,
                employment,
            } => {
                if person_ok(person) && account_ok(account) {
                    let slot = at(&mut self.person_account, np, NONE, person.index());
                    if *slot == NONE {
                        *slot = account.0;
                    }
                    self.employments.push((
                        person.index(),
                        EmploymentRecord {
                            account,
                            since: employment.since,
                            until: employment.until,
                        },
                    ));
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
                    let weight = weight.get();
                    self.reports_to.push((
                        person.index(),
                        Link {
                            to: manager,
                            weight,
                        },
                    ));
                    self.deference_edge(person, manager, weight);
                }
            }
            Edge::Influences { from, to, weight } => {
                if person_ok(from) && person_ok(to) && from != to {
                    let weight = weight.get();
                    self.influences.push((from.index(), Link { to, weight }));
                    self.deference_edge(to, from, weight);
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
    pub(super) fn new(counts: [usize; NodeKind::COUNT], hint: &[usize; EdgeKind::COUNT]) -> Edges {
        let count = |kind: EdgeKind| hint[usize::from(kind.code())];
        let graph = count(EdgeKind::ReportsTo) + count(EdgeKind::Influences);
        Edges {
            counts,
            person_account: Vec::new(),
            employments: Vec::with_capacity(count(EdgeKind::WorksAt)),
            project_account: Vec::new(),
            reports_to: Vec::with_capacity(count(EdgeKind::ReportsTo)),
            influences: Vec::with_capacity(count(EdgeKind::Influences)),
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
    pub(super) fn append(&mut self, later: Edges) {
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
        cat(&mut self.employments, later.employments);
        cat(&mut self.reports_to, later.reports_to);
        cat(&mut self.influences, later.influences);
        cat(&mut self.members, later.members);
        cat(&mut self.deference, later.deference);
        cat(&mut self.ties, later.ties);
        cat(&mut self.rivals, later.rivals);
        cat(&mut self.competes, later.competes);
        cat(&mut self.owned, later.owned);
    }
}

impl Builder {
    pub(super) fn finish(self) -> Snapshot {
        let edges = self
            .edges
            .unwrap_or_else(|| Edges::new(self.nodes.bounds(), &[0; EdgeKind::COUNT]));
        finish(self.nodes, edges)
    }
}

/// The snapshot of `nodes` and `edges`: the counting sorts, merges and components.
/// The tables are independent of each other, so they are built as separate tasks on
/// the current rayon pool (each is deterministic on its own).
pub(super) fn finish(mut nodes: Nodes, e: Edges) -> Snapshot {
    let [na, np, ne, nx] = nodes.bounds();
    let Edges {
        mut person_account,
        employments,
        mut project_account,
        reports_to,
        influences,
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
    let ((graphs, raw), ((ties, employee_ties), (accounts, small))) = rayon::join(
        || {
            rayon::join(
                || Graphs::build(np, &deference),
                || {
                    nodes.build_indexes();
                    (
                        Csr::from_pairs(np, &reports_to),
                        Csr::from_pairs(np, &influences),
                        Csr::from_pairs(np, &employments),
                    )
                },
            )
        },
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
    let (reports_to, influences, employments) = raw;
    Snapshot {
        nodes,
        person_account,
        employments,
        account_position,
        account_persons,
        project_account,
        account_projects,
        members,
        deference,
        links,
        component,
        reports_to,
        influences,
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

/// The link graph (§4.8) from the deference pairs: each edge in both directions,
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
}
