//! Building a snapshot: the one builder behind both ways in, and its counting sorts.

use super::csr::Csr;
use super::dated::Staffing;
use super::nodes::Nodes;
use super::snapshot::{Contact, Stint};
use super::{ChainMember, EmploymentRecord, Link, RivalTie, Snapshot, TieRecord, NONE};
use crate::model::{
    AccountId, Edge, EdgeKind, EmployeeId, Interaction, Network, NodeKind, NodeView, OwnsTarget,
    PersonId, ProjectId,
};
use crate::store::{InteractionId, Visit as _};
use rayon::prelude::*;

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
    /// Every interaction, as given, as the snapshot keeps it ([`Touch`]).
    pub(super) interactions: Vec<Touch>,
}

/// An interaction as the snapshot keeps it: its person, its employee, and its day and kind
/// (§8.1). Sixteen bytes where an [`Interaction`] takes twenty-four (its project is
/// informational), and in this order the sort key that groups a tie's interactions.
pub(super) type Touch = (PersonId, EmployeeId, Contact);

/// The [`Touch`] of an interaction.
pub(super) fn touch(i: &Interaction) -> Touch {
    (
        i.person,
        i.employee,
        Contact {
            date: i.date,
            kind: i.kind,
        },
    )
}

/// What the edges contribute to a snapshot being built, before the counting sorts.
/// Each field is written by edges of fixed kinds only, so edges of different kinds can
/// be gathered apart (on several threads) and [appended](Edges::append) in kind order.
pub(super) struct Edges {
    /// Id bounds: an edge with an end beyond them is skipped.
    counts: [usize; NodeKind::COUNT],
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
    /// Owners rows of kind project, by employee: (employee, project).
    owned_projects: Vec<(usize, ProjectId)>,
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

    fn interaction(&mut self, _: InteractionId, interaction: &Interaction) {
        self.interactions.push(touch(interaction));
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
                    self.ties
                        .push((person.index(), TieRecord::from_tie(employee, person, tie)));
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
            Edge::Owns { employee, target } => match target {
                OwnsTarget::Account(a) => {
                    if employee_ok(employee) && account_ok(a) {
                        self.owned.push((employee.index(), a));
                    }
                }
                OwnsTarget::Project(x) => {
                    if employee_ok(employee) && project_ok(x) {
                        self.owned_projects.push((employee.index(), x));
                    }
                }
            },
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
            owned_projects: Vec::new(),
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
        cat(&mut self.owned_projects, later.owned_projects);
    }
}

impl Builder {
    pub(super) fn finish(self) -> Snapshot {
        let edges = self
            .edges
            .unwrap_or_else(|| Edges::new(self.nodes.bounds(), &[0; EdgeKind::COUNT]));
        finish(self.nodes, edges, self.interactions)
    }
}

/// The snapshot of `nodes`, `edges` and `interactions`: the counting sorts, merges and
/// components. The tables are independent of each other, so they are built as separate
/// tasks on the current rayon pool (each is deterministic on its own).
pub(super) fn finish(nodes: Nodes, e: Edges, interactions: Vec<Touch>) -> Snapshot {
    let [na, np, ne, nx] = nodes.bounds();
    let Edges {
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
        owned_projects,
        ..
    } = e;
    project_account.resize(nx, NONE);
    // Each task takes its edge lists and drops each one as soon as its table is built,
    // so that the lists and the tables made from them are not all held at once (the
    // load's peak memory).
    let ((graphs, raw), (tie_tables, (account_projects, small))) = rayon::join(
        move || {
            rayon::join(
                move || Graphs::build(np, &deference),
                move || {
                    let reports = Csr::from_pairs(np, &reports_to);
                    drop(reports_to);
                    let influence = Csr::from_pairs(np, &influences);
                    drop(influences);
                    let employment = EmploymentTables::build(na, np, &employments);
                    drop(employments);
                    (nodes, (reports, influence, employment))
                },
            )
        },
        || {
            rayon::join(
                move || TieTables::build(np, ne, &ties, interactions),
                || {
                    rayon::join(
                        || account_projects(na, &project_account),
                        move || {
                            let memberships: Vec<(usize, ProjectId)> = members
                                .iter()
                                .map(|(x, m)| (m.person.index(), ProjectId(*x as u32)))
                                .collect();
                            let chains = Csr::from_pairs(nx, &members);
                            drop(members);
                            let of_person = Csr::from_pairs(np, &memberships);
                            drop(memberships);
                            (
                                (chains, of_person),
                                Csr::from_pairs(np, &rivals),
                                Csr::from_pairs(nx, &competes),
                                Owners::build(na, ne, nx, &owned, &owned_projects),
                            )
                        },
                    )
                },
            )
        },
    );
    let (nodes, raw) = raw;
    let Graphs {
        deference,
        links,
        component,
    } = graphs;
    let ((members, memberships), rivals, competes, owners) = small;
    let (reports_to, influences, employment) = raw;
    let TieTables {
        ties,
        contacts,
        employee_ties,
    } = tie_tables;
    Snapshot {
        nodes,
        employments: employment.employments,
        roster: employment.roster,
        fixed: employment.fixed,
        project_account,
        account_projects,
        members,
        memberships,
        deference,
        links,
        component,
        reports_to,
        influences,
        ties,
        contacts,
        employee_ties,
        rivals,
        competes,
        owned_accounts: owners.accounts,
        owned_projects: owners.projects,
        account_owners: owners.of_accounts,
        project_owners: owners.of_projects,
    }
}

/// The owners rows both ways: what each employee owns (accounts, projects), and who
/// owns each account and each project (by employee id), so that the claims and the
/// protection of one account (§9.3, §9.4) read its owners without a scan.
struct Owners {
    accounts: Csr<AccountId>,
    projects: Csr<ProjectId>,
    of_accounts: Csr<EmployeeId>,
    of_projects: Csr<EmployeeId>,
}

impl Owners {
    fn build(
        na: usize,
        ne: usize,
        nx: usize,
        owned: &[(usize, AccountId)],
        owned_projects: &[(usize, ProjectId)],
    ) -> Owners {
        // Sorted, so that each row lists its owners by employee id.
        let mut by_account: Vec<(usize, EmployeeId)> = owned
            .iter()
            .map(|&(e, a)| (a.index(), EmployeeId(e as u32)))
            .collect();
        by_account.sort_unstable();
        let mut by_project: Vec<(usize, EmployeeId)> = owned_projects
            .iter()
            .map(|&(e, x)| (x.index(), EmployeeId(e as u32)))
            .collect();
        by_project.sort_unstable();
        Owners {
            accounts: Csr::from_pairs(ne, owned),
            projects: Csr::from_pairs(ne, owned_projects),
            of_accounts: Csr::from_pairs(na, &by_account),
            of_projects: Csr::from_pairs(nx, &by_project),
        }
    }
}

/// The employment periods by person and by account, and who works where when no period
/// has a date.
struct EmploymentTables {
    employments: Csr<EmploymentRecord>,
    roster: Csr<Stint>,
    fixed: Option<Staffing>,
}

impl EmploymentTables {
    /// From the `works_at` periods in key order (by person, then account): rows by
    /// account id for a person, by person id for an account. Of a person's several
    /// undated periods (a network that fails validation), the first is its account.
    fn build(na: usize, np: usize, periods: &[(usize, EmploymentRecord)]) -> EmploymentTables {
        let employments = Csr::from_pairs(np, periods);
        let stints: Vec<(usize, Stint)> = periods
            .iter()
            .map(|(p, r)| {
                (
                    r.account.index(),
                    Stint {
                        person: PersonId(*p as u32),
                        since: r.since,
                        until: r.until,
                    },
                )
            })
            .collect();
        let roster = Csr::from_pairs(na, &stints);
        let fixed = (!periods.iter().any(|(_, r)| r.is_dated())).then(|| {
            let person_account = (0..np)
                .map(|p| employments.row(p).first().map_or(NONE, |r| r.account.0))
                .collect();
            Staffing::new(na, person_account)
        });
        EmploymentTables {
            employments,
            roster,
            fixed,
        }
    }
}

/// Sorts interactions by person, employee and contact. A database's load gathers them
/// grouped by person already (it scans the person index): then each person's few are
/// sorted on their own, in parallel, instead of all of them at once.
fn sort_touches(touches: &mut [Touch]) {
    if touches.windows(2).all(|w| w[0].0 <= w[1].0) {
        touches
            .par_chunk_by_mut(|a, b| a.0 == b.0)
            .for_each(<[Touch]>::sort_unstable);
    } else {
        touches.par_sort_unstable();
    }
}

/// The ties — one per pair with a tie record or interactions — grouped by person (each
/// person's by employee id), their interactions by tie, and each employee's ties.
struct TieTables {
    ties: Csr<TieRecord>,
    contacts: Csr<Contact>,
    employee_ties: Csr<usize>,
}

impl TieTables {
    /// From the tie records in key order (by employee, then person) and the
    /// interactions in any order (sorted here, in place): a pair's interactions are
    /// sorted by date and kind, which orders equal ones fully, so the tables do not
    /// depend on the interactions' order. Interactions with an end out of range are
    /// skipped.
    fn build(
        np: usize,
        ne: usize,
        records: &[(usize, TieRecord)],
        mut sorted: Vec<Touch>,
    ) -> TieTables {
        let records = Csr::from_pairs(np, records);
        sorted.retain(|(p, e, _)| p.index() < np && e.index() < ne);
        sort_touches(&mut sorted);
        let mut ties = Vec::with_capacity(records.len());
        let mut tie_offsets = Vec::with_capacity(np + 1);
        let mut contacts = Vec::with_capacity(sorted.len());
        let mut contact_offsets = Vec::with_capacity(records.len() + 1);
        tie_offsets.push(0);
        contact_offsets.push(0);
        let mut next = 0; // the first interaction not yet placed
        for p in 0..np {
            let person = PersonId(p as u32);
            let mut row = records.row(p).iter().peekable();
            loop {
                let interacting = sorted.get(next).filter(|i| i.0 == person).map(|i| i.1);
                let record = row.peek().copied().copied();
                let tie = match (record, interacting) {
                    (Some(r), e) if e.is_none_or(|e| r.employee <= e) => {
                        row.next();
                        r
                    }
                    (_, Some(employee)) => TieRecord {
                        employee,
                        person,
                        recorded: false,
                        closeness: 0.0,
                        last_contact: None,
                        private: false,
                    },
                    _ => break,
                };
                while let Some(&(q, e, c)) = sorted.get(next) {
                    if q != person || e != tie.employee {
                        break;
                    }
                    contacts.push(c);
                    next += 1;
                }
                ties.push(tie);
                contact_offsets.push(contacts.len());
            }
            tie_offsets.push(ties.len());
        }
        let ties = Csr::from_parts(tie_offsets, ties);
        let by_employee: Vec<(usize, usize)> = ties
            .items()
            .iter()
            .enumerate()
            .map(|(i, t)| (t.employee.index(), i))
            .collect();
        TieTables {
            employee_ties: Csr::from_pairs(ne, &by_employee),
            contacts: Csr::from_parts(contact_offsets, contacts),
            ties,
        }
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

/// Each account's projects, by id.
fn account_projects(na: usize, project_account: &[u32]) -> Csr<ProjectId> {
    let pairs: Vec<(usize, ProjectId)> = project_account
        .iter()
        .enumerate()
        .filter(|(_, &a)| a != NONE)
        .map(|(x, &a)| (a as usize, ProjectId(x as u32)))
        .collect();
    Csr::from_pairs(na, &pairs)
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
        // Interactions in any order: the builder sorts each tie's.
        b.interactions = network.interactions.iter().map(touch).collect();
        b.finish()
    }
}

#[cfg(test)]
mod sort_tests {
    use super::*;
    use crate::model::{Day, InteractionKind};

    /// Interactions in a scrambled order, and the same grouped by person only.
    fn touches() -> (Vec<Touch>, Vec<Touch>) {
        let kinds = InteractionKind::ALL;
        let mut scrambled = Vec::new();
        for i in 0..600u32 {
            let h = i.wrapping_mul(2_654_435_761);
            scrambled.push((
                PersonId(h % 37),
                EmployeeId((h >> 8) % 5),
                Contact {
                    date: Day::from_days_since_epoch(20_000 + i32::from((h >> 12) as u8 % 9))
                        .unwrap(),
                    kind: kinds[(h >> 20) as usize % kinds.len()],
                },
            ));
        }
        let mut grouped = scrambled.clone();
        grouped.sort_by_key(|t| t.0); // stable: each person's in scrambled order
        (scrambled, grouped)
    }

    #[test]
    fn interactions_sort_alike_whether_grouped_by_person_or_not() {
        let (mut scrambled, mut grouped) = touches();
        let mut want = scrambled.clone();
        want.sort();
        assert_ne!(grouped, want, "the grouped ones are not sorted yet");
        sort_touches(&mut scrambled);
        sort_touches(&mut grouped);
        assert_eq!(scrambled, want);
        assert_eq!(grouped, want);
    }
}
