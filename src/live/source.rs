//! [`LiveGraph`]: the analyses' reads answered by range scans of one transaction.

use super::ReadFailure;
use crate::graph::{
    covering, sealed, ChainMember, Contact, EmploymentRecord, Graph, Link, RivalTie, Stint,
    TieRecord,
};
use crate::model::{
    AccountId, AccountKind, Day, Edge, EdgeKind, EmployeeId, Node, NodeKind, NodeRef, OwnsTarget,
    PersonId, ProjectId, Stage,
};
use crate::store::{Read, ReadTxn, StoreError};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

/// The analyses' view of the database as one transaction sees it, read neighbourhood by
/// neighbourhood (see the [module documentation](super)).
///
/// Every question an analysis asks ([`Graph`]) is answered by one or a few range scans
/// of the transaction's adjacency and interaction tables, turned into the row the
/// snapshot would hold — same items, same order, parallel edges merged the same way —
/// and kept in a memo, so a query that asks twice reads once. The memo lives as long as
/// the `LiveGraph`: make one per request (or per query) and drop it after; it holds
/// exactly the neighbourhoods that request read.
///
/// Not `Sync` (its memo is a `RefCell`): each thread makes its own, over its own read
/// transaction or a shared one.
///
/// ```
/// use guanxi::analysis::{project_analysis, Params};
/// use guanxi::live::LiveGraph;
/// use guanxi::model::*;
/// use guanxi::store::{Database, Read};
///
/// let db = Database::in_memory()?;
/// let amount = Amount::new(1.0)?;
/// db.write(1, |t| {
///     let a = t.upsert_account(Account { xid: "A".into(), name: "Acme".into(), kind: AccountKind::Client })?;
///     let p = t.upsert_person(Person { xid: "boss".into(), name: "Boss".into(), title: None })?;
///     let x = t.upsert_project(Project { xid: "X".into(), name: "Deal".into(), stage: Stage::Lead, amount })?;
///     t.add_edge(Edge::WorksAt { person: p, account: a, employment: Employment::default() })?;
///     t.add_edge(Edge::Of { project: x, account: a })?;
///     let member = Member { role: Role::Approver, coach: false, solution: None, price: None };
///     t.add_edge(Edge::Member { person: p, project: x, member })?;
///     Ok(())
/// })?;
/// let txn = db.begin_read()?;
/// let live = LiveGraph::new(&txn);
/// let x = txn.project_by_xid("X")?.expect("stored");
/// let analysis = project_analysis(&live, x, &Params::default(), "2025-06-30".parse()?)?;
/// assert_eq!(analysis.opinion.persons.len(), 1);
/// assert_eq!(analysis.opinion.consensus, Some(-1.0)); // nobody close to us yet
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LiveGraph<'t, R: Read + ?Sized = ReadTxn> {
    txn: &'t R,
    memo: RefCell<Memo>,
    failure: RefCell<Option<ReadFailure>>,
    bounds: Cell<Option<[u32; NodeKind::COUNT]>>,
}

impl<R: Read + ?Sized> std::fmt::Debug for LiveGraph<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveGraph")
            .field("memo_items", &self.memo_items())
            .finish_non_exhaustive()
    }
}

/// What a node's record contributes to the analyses.
#[derive(Debug, Clone)]
struct NodeInfo {
    xid: Rc<str>,
    account_kind: AccountKind,
    stage: Stage,
    amount: f64,
    left: Option<Day>,
}

/// A person's `reports_to` and influences edges as recorded, and the rows built from
/// them.
#[derive(Debug, Default)]
struct PersonEdges {
    /// `reports_to` out of the person, by manager id.
    reports_out: Option<Rc<[Link]>>,
    /// `reports_to` into the person, by reporting person id (`to` = that person).
    reports_in: Option<Rc<[Link]>>,
    /// Influences out of the person, by influenced id.
    influences_out: Option<Rc<[Link]>>,
    /// Influences into the person, by influencer id (`to` = the influencer).
    influences_in: Option<Rc<[Link]>>,
    deference: Option<Rc<[Link]>>,
    links: Option<Rc<[Link]>>,
}

/// What an employee owns: accounts, then projects, each by id.
type Owned = (Rc<[AccountId]>, Rc<[ProjectId]>);

/// The rows read so far.
#[derive(Debug, Default)]
struct Memo {
    nodes: HashMap<NodeRef, Option<NodeInfo>>,
    persons: HashMap<PersonId, PersonEdges>,
    /// Ties by tie index: every person's whose ties were read, a person's contiguous.
    ties: Vec<TieRecord>,
    contacts: Vec<Rc<[Contact]>>,
    person_ties: HashMap<PersonId, Range<usize>>,
    employee_ties: HashMap<EmployeeId, Rc<[usize]>>,
    employments: HashMap<PersonId, Rc<[EmploymentRecord]>>,
    roster: HashMap<AccountId, Rc<[Stint]>>,
    project_account: HashMap<ProjectId, Option<AccountId>>,
    account_projects: HashMap<AccountId, Rc<[ProjectId]>>,
    members: HashMap<ProjectId, Rc<[ChainMember]>>,
    memberships: HashMap<PersonId, Rc<[ProjectId]>>,
    rivals: HashMap<PersonId, Rc<[RivalTie]>>,
    competitors: HashMap<ProjectId, Rc<[AccountId]>>,
    owned: HashMap<EmployeeId, Owned>,
    account_owners: HashMap<AccountId, Rc<[EmployeeId]>>,
    project_owners: HashMap<ProjectId, Rc<[EmployeeId]>>,
}

/// Which of a person's recorded person–person edges.
#[derive(Debug, Clone, Copy)]
enum Side {
    ReportsOut,
    ReportsIn,
    InfluencesOut,
    InfluencesIn,
}

impl<'t, R: Read + ?Sized> LiveGraph<'t, R> {
    /// A live view of what `txn` sees, with an empty memo.
    pub fn new(txn: &'t R) -> Self {
        LiveGraph {
            txn,
            memo: RefCell::new(Memo::default()),
            failure: RefCell::new(None),
            bounds: Cell::new(None),
        }
    }

    /// The transaction it reads.
    pub fn txn(&self) -> &'t R {
        self.txn
    }

    /// The first read that failed, if any (see [`Graph::failure`]).
    pub fn read_failure(&self) -> Option<ReadFailure> {
        self.failure.borrow().clone()
    }

    /// How many items (rows' entries, ties, interactions and node records) the memo
    /// holds: what the queries asked of it so far have read.
    pub fn memo_items(&self) -> usize {
        let m = self.memo.borrow();
        let rows = |n: usize| n;
        m.nodes.len()
            + m.persons
                .values()
                .map(|p| {
                    [
                        &p.reports_out,
                        &p.reports_in,
                        &p.influences_out,
                        &p.influences_in,
                        &p.deference,
                        &p.links,
                    ]
                    .iter()
                    .map(|r| r.as_ref().map_or(0, |r| r.len()))
                    .sum::<usize>()
                })
                .sum::<usize>()
            + m.ties.len()
            + m.contacts.iter().map(|c| c.len()).sum::<usize>()
            + m.employee_ties
                .values()
                .map(|r| rows(r.len()))
                .sum::<usize>()
            + m.employments.values().map(|r| r.len()).sum::<usize>()
            + m.roster.values().map(|r| r.len()).sum::<usize>()
            + m.project_account.len()
            + m.account_projects.values().map(|r| r.len()).sum::<usize>()
            + m.members.values().map(|r| r.len()).sum::<usize>()
            + m.memberships.values().map(|r| r.len()).sum::<usize>()
            + m.rivals.values().map(|r| r.len()).sum::<usize>()
            + m.competitors.values().map(|r| r.len()).sum::<usize>()
            + m.owned
                .values()
                .map(|(a, x)| a.len() + x.len())
                .sum::<usize>()
            + m.account_owners.values().map(|r| r.len()).sum::<usize>()
            + m.project_owners.values().map(|r| r.len()).sum::<usize>()
    }

    /// The value of a read, or `None` after recording its error (the first is kept).
    fn ok<T>(&self, r: Result<T, StoreError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                let mut f = self.failure.borrow_mut();
                if f.is_none() {
                    *f = Some(ReadFailure::new(e));
                }
                None
            }
        }
    }

    fn edges_out(&self, node: NodeRef, kind: EdgeKind) -> Vec<Edge> {
        self.ok(self.txn.edges_out(node, kind)).unwrap_or_default()
    }

    fn edges_in(&self, node: NodeRef, kind: EdgeKind) -> Vec<Edge> {
        self.ok(self.txn.edges_in(node, kind)).unwrap_or_default()
    }

    fn node(&self, node: NodeRef) -> Option<NodeInfo> {
        if let Some(n) = self.memo.borrow().nodes.get(&node) {
            return n.clone();
        }
        let info = self.ok(self.txn.node(node)).flatten().map(|n| {
            let mut info = NodeInfo {
                xid: Rc::from(""),
                account_kind: AccountKind::Client,
                stage: Stage::Lost,
                amount: 0.0,
                left: None,
            };
            match n {
                Node::Account(a) => {
                    info.xid = a.xid.into();
                    info.account_kind = a.kind;
                }
                Node::Person(p) => info.xid = p.xid.into(),
                Node::Employee(e) => {
                    info.xid = e.xid.into();
                    info.left = e.left;
                }
                Node::Project(x) => {
                    info.xid = x.xid.into();
                    info.stage = x.stage;
                    info.amount = x.amount.get();
                }
            }
            info
        });
        self.memo.borrow_mut().nodes.insert(node, info.clone());
        info
    }

    /// A row of the memo, or `read` it and keep it.
    fn row<K: std::hash::Hash + Eq + Copy, T: Copy>(
        &self,
        table: impl Fn(&mut Memo) -> &mut HashMap<K, Rc<[T]>>,
        key: K,
        read: impl FnOnce() -> Vec<T>,
    ) -> Rc<[T]> {
        if let Some(r) = table(&mut self.memo.borrow_mut()).get(&key) {
            return Rc::clone(r);
        }
        let row: Rc<[T]> = read().into();
        table(&mut self.memo.borrow_mut()).insert(key, Rc::clone(&row));
        row
    }

    /// One side of a person's recorded person–person edges, every weight.
    fn side(&self, p: PersonId, side: Side) -> Rc<[Link]> {
        {
            let memo = self.memo.borrow();
            if let Some(e) = memo.persons.get(&p) {
                let slot = match side {
                    Side::ReportsOut => &e.reports_out,
                    Side::ReportsIn => &e.reports_in,
                    Side::InfluencesOut => &e.influences_out,
                    Side::InfluencesIn => &e.influences_in,
                };
                if let Some(r) = slot {
                    return Rc::clone(r);
                }
            }
        }
        let (kind, out) = match side {
            Side::ReportsOut => (EdgeKind::ReportsTo, true),
            Side::ReportsIn => (EdgeKind::ReportsTo, false),
            Side::InfluencesOut => (EdgeKind::Influences, true),
            Side::InfluencesIn => (EdgeKind::Influences, false),
        };
        let edges = if out {
            self.edges_out(p.into(), kind)
        } else {
            self.edges_in(p.into(), kind)
        };
        let row: Rc<[Link]> = edges
            .into_iter()
            .filter_map(|e| match e {
                Edge::ReportsTo {
                    person,
                    manager,
                    weight,
                } => Some(Link {
                    to: if out { manager } else { person },
                    weight: weight.get(),
                }),
                Edge::Influences { from, to, weight } => Some(Link {
                    to: if out { to } else { from },
                    weight: weight.get(),
                }),
                _ => None,
            })
            .filter(|l| l.to != p)
            .collect();
        let mut memo = self.memo.borrow_mut();
        let e = memo.persons.entry(p).or_default();
        let slot = match side {
            Side::ReportsOut => &mut e.reports_out,
            Side::ReportsIn => &mut e.reports_in,
            Side::InfluencesOut => &mut e.influences_out,
            Side::InfluencesIn => &mut e.influences_in,
        };
        *slot = Some(Rc::clone(&row));
        row
    }

    /// Loads `p`'s ties into the memo (once) and returns their tie indices.
    fn load_ties(&self, p: PersonId) -> Range<usize> {
        if let Some(r) = self.memo.borrow().person_ties.get(&p) {
            return r.clone();
        }
        let records: Vec<TieRecord> = self
            .edges_in(p.into(), EdgeKind::Tie)
            .into_iter()
            .filter_map(|e| match e {
                Edge::Tie {
                    employee,
                    person,
                    tie,
                } => Some(TieRecord::from_tie(employee, person, tie)),
                _ => None,
            })
            .collect();
        let mut contacts: Vec<(EmployeeId, Contact)> = self
            .ok(self.txn.interactions_of(p))
            .unwrap_or_default()
            .into_iter()
            .map(|(_, i)| {
                (
                    i.employee,
                    Contact {
                        date: i.date,
                        kind: i.kind,
                    },
                )
            })
            .collect();
        contacts.sort_unstable();
        let mut memo = self.memo.borrow_mut();
        let start = memo.ties.len();
        let (mut r, mut c) = (0, 0);
        loop {
            let interacting = contacts.get(c).map(|x| x.0);
            let tie = match (records.get(r), interacting) {
                (Some(rec), e) if e.is_none_or(|e| rec.employee <= e) => {
                    r += 1;
                    *rec
                }
                (_, Some(employee)) => TieRecord {
                    employee,
                    person: p,
                    recorded: false,
                    closeness: 0.0,
                    last_contact: None,
                    private: false,
                },
                _ => break,
            };
            let from = c;
            while contacts.get(c).is_some_and(|x| x.0 == tie.employee) {
                c += 1;
            }
            let own: Rc<[Contact]> = contacts[from..c].iter().map(|x| x.1).collect();
            memo.ties.push(tie);
            memo.contacts.push(own);
        }
        let range = start..memo.ties.len();
        memo.person_ties.insert(p, range.clone());
        range
    }

    fn bound(&self, kind: NodeKind) -> usize {
        let bounds = if let Some(b) = self.bounds.get() {
            b
        } else {
            let b = self
                .ok(crate::store::next_ids(self.txn))
                .unwrap_or([0; NodeKind::COUNT]);
            self.bounds.set(Some(b));
            b
        };
        bounds[usize::from(kind.code())] as usize
    }
}

/// Merges the links to one person into the place of the first, folding their weights
/// with `merge` in order (the snapshot's `Csr::merged`).
fn merge_by_target(links: impl Iterator<Item = Link>, merge: impl Fn(&mut f64, f64)) -> Rc<[Link]> {
    let mut out: Vec<Link> = Vec::new();
    let mut at: HashMap<PersonId, usize> = HashMap::new();
    for l in links {
        if let Some(&i) = at.get(&l.to) {
            merge(&mut out[i].weight, l.weight);
        } else {
            at.insert(l.to, out.len());
            out.push(l);
        }
    }
    out.into()
}

impl<R: Read + ?Sized> sealed::Sealed for &LiveGraph<'_, R> {}

impl<R: Read + ?Sized> Graph<'static> for &LiveGraph<'_, R> {
    type Rows<T: Copy + 'static> = Rc<[T]>;

    fn contains(self, node: NodeRef) -> bool {
        self.node(node).is_some()
    }

    fn id_bound(self, kind: NodeKind) -> usize {
        self.bound(kind)
    }

    fn xid(self, node: NodeRef) -> Cow<'static, str> {
        Cow::Owned(
            self.node(node)
                .map(|n| n.xid.to_string())
                .unwrap_or_default(),
        )
    }

    fn account_kind(self, a: AccountId) -> AccountKind {
        self.node(a.into())
            .map_or(AccountKind::Client, |n| n.account_kind)
    }

    fn project_stage(self, x: ProjectId) -> Stage {
        self.node(x.into()).map_or(Stage::Lost, |n| n.stage)
    }

    fn project_amount(self, x: ProjectId) -> f64 {
        self.node(x.into()).map_or(0.0, |n| n.amount)
    }

    fn employee_left(self, e: EmployeeId) -> Option<Day> {
        self.node(e.into()).and_then(|n| n.left)
    }

    fn employments(self, p: PersonId) -> Rc<[EmploymentRecord]> {
        self.row(
            |m| &mut m.employments,
            p,
            || {
                self.edges_out(p.into(), EdgeKind::WorksAt)
                    .into_iter()
                    .filter_map(|e| match e {
                        Edge::WorksAt {
                            account,
                            employment,
                            ..
                        } => Some(EmploymentRecord {
                            account,
                            since: employment.since,
                            until: employment.until,
                        }),
                        _ => None,
                    })
                    .collect()
            },
        )
    }

    fn account_at(self, p: PersonId, day: Day) -> Option<AccountId> {
        self.employments(p)
            .iter()
            .find(|r| r.covers(day))
            .map(|r| r.account)
    }

    fn persons_at(self, a: AccountId, day: Day) -> Cow<'static, [PersonId]> {
        let roster = self.row(
            |m| &mut m.roster,
            a,
            || {
                self.edges_in(a.into(), EdgeKind::WorksAt)
                    .into_iter()
                    .filter_map(|e| match e {
                        Edge::WorksAt {
                            person, employment, ..
                        } => Some(Stint {
                            person,
                            since: employment.since,
                            until: employment.until,
                        }),
                        _ => None,
                    })
                    .collect()
            },
        );
        Cow::Owned(covering(&roster, day))
    }

    fn project_account(self, x: ProjectId) -> Option<AccountId> {
        if let Some(a) = self.memo.borrow().project_account.get(&x) {
            return *a;
        }
        let a = self
            .edges_out(x.into(), EdgeKind::Of)
            .into_iter()
            .find_map(|e| match e {
                Edge::Of { account, .. } => Some(account),
                _ => None,
            });
        self.memo.borrow_mut().project_account.insert(x, a);
        a
    }

    fn account_projects(self, a: AccountId) -> Rc<[ProjectId]> {
        self.row(
            |m| &mut m.account_projects,
            a,
            || {
                self.edges_in(a.into(), EdgeKind::Of)
                    .into_iter()
                    .filter_map(|e| match e {
                        Edge::Of { project, .. } => Some(project),
                        _ => None,
                    })
                    .collect()
            },
        )
    }

    fn members(self, x: ProjectId) -> Rc<[ChainMember]> {
        self.row(
            |m| &mut m.members,
            x,
            || {
                self.edges_in(x.into(), EdgeKind::Member)
                    .into_iter()
                    .filter_map(|e| match e {
                        Edge::Member { person, member, .. } => Some(ChainMember { person, member }),
                        _ => None,
                    })
                    .collect()
            },
        )
    }

    fn memberships(self, p: PersonId) -> Rc<[ProjectId]> {
        self.row(
            |m| &mut m.memberships,
            p,
            || {
                self.edges_out(p.into(), EdgeKind::Member)
                    .into_iter()
                    .filter_map(|e| match e {
                        Edge::Member { project, .. } => Some(project),
                        _ => None,
                    })
                    .collect()
            },
        )
    }

    fn deference(self, p: PersonId) -> Rc<[Link]> {
        if let Some(r) = self
            .memo
            .borrow()
            .persons
            .get(&p)
            .and_then(|e| e.deference.clone())
        {
            return r;
        }
        let (reports, influenced) = (
            self.side(p, Side::ReportsOut),
            self.side(p, Side::InfluencesIn),
        );
        let row = merge_by_target(
            reports
                .iter()
                .chain(influenced.iter())
                .copied()
                .filter(|l| l.weight > 0.0),
            |a, b| *a += b,
        );
        self.memo
            .borrow_mut()
            .persons
            .entry(p)
            .or_default()
            .deference = Some(Rc::clone(&row));
        row
    }

    fn links(self, p: PersonId) -> Rc<[Link]> {
        if let Some(r) = self
            .memo
            .borrow()
            .persons
            .get(&p)
            .and_then(|e| e.links.clone())
        {
            return r;
        }
        let reports_out = self.side(p, Side::ReportsOut);
        let reports_in = self.side(p, Side::ReportsIn);
        let influences_out = self.side(p, Side::InfluencesOut);
        let influences_in = self.side(p, Side::InfluencesIn);
        // The snapshot mirrors each deference pair in edge key order: `reports_to`
        // edges by (person, manager), then influences by (influencer, influenced). At
        // `p` that is: those into `p` from lower ids, those out of `p`, those into `p`
        // from higher ids — for each of the two kinds.
        let before =
            |row: &Rc<[Link]>| row.iter().filter(|l| l.to < p).copied().collect::<Vec<_>>();
        let after = |row: &Rc<[Link]>| row.iter().filter(|l| l.to > p).copied().collect::<Vec<_>>();
        let sequence = before(&reports_in)
            .into_iter()
            .chain(reports_out.iter().copied())
            .chain(after(&reports_in))
            .chain(before(&influences_in))
            .chain(influences_out.iter().copied())
            .chain(after(&influences_in))
            .filter(|l| l.weight > 0.0);
        let row = merge_by_target(sequence, |a, b| *a = a.max(b));
        self.memo.borrow_mut().persons.entry(p).or_default().links = Some(Rc::clone(&row));
        row
    }

    fn component(self, _: PersonId) -> Option<u32> {
        None
    }

    fn has_manager(self, p: PersonId) -> bool {
        !self.side(p, Side::ReportsOut).is_empty()
    }

    fn person_ties(self, p: PersonId) -> Range<usize> {
        self.load_ties(p)
    }

    fn tie(self, tie: usize) -> Option<TieRecord> {
        self.memo.borrow().ties.get(tie).copied()
    }

    fn contacts(self, tie: usize) -> Rc<[Contact]> {
        self.memo
            .borrow()
            .contacts
            .get(tie)
            .cloned()
            .unwrap_or_else(|| Rc::from(Vec::new()))
    }

    fn employee_ties(self, e: EmployeeId) -> Rc<[usize]> {
        if let Some(r) = self.memo.borrow().employee_ties.get(&e) {
            return Rc::clone(r);
        }
        let mut persons: Vec<PersonId> = self
            .edges_out(e.into(), EdgeKind::Tie)
            .into_iter()
            .filter_map(|edge| match edge {
                Edge::Tie { person, .. } => Some(person),
                _ => None,
            })
            .collect();
        persons.extend(
            self.ok(self.txn.interactions_by(e))
                .unwrap_or_default()
                .into_iter()
                .map(|(_, i)| i.person),
        );
        persons.sort_unstable();
        persons.dedup();
        let row: Rc<[usize]> = persons
            .into_iter()
            .filter_map(|p| {
                let range = self.load_ties(p);
                let memo = self.memo.borrow();
                let ties = &memo.ties[range.clone()];
                ties.binary_search_by_key(&e, |t| t.employee)
                    .ok()
                    .map(|i| range.start + i)
            })
            .collect();
        self.memo
            .borrow_mut()
            .employee_ties
            .insert(e, Rc::clone(&row));
        row
    }

    fn rival_ties(self, p: PersonId) -> Rc<[RivalTie]> {
        self.row(
            |m| &mut m.rivals,
            p,
            || {
                self.edges_in(p.into(), EdgeKind::RivalTie)
                    .into_iter()
                    .filter_map(|e| match e {
                        Edge::RivalTie {
                            competitor,
                            closeness,
                            ..
                        } => Some(RivalTie {
                            competitor,
                            closeness: closeness.get(),
                        }),
                        _ => None,
                    })
                    .collect()
            },
        )
    }

    fn competitors(self, x: ProjectId) -> Rc<[AccountId]> {
        self.row(
            |m| &mut m.competitors,
            x,
            || {
                self.edges_in(x.into(), EdgeKind::Competes)
                    .into_iter()
                    .filter_map(|e| match e {
                        Edge::Competes { competitor, .. } => Some(competitor),
                        _ => None,
                    })
                    .collect()
            },
        )
    }

    fn owned_accounts(self, e: EmployeeId) -> Rc<[AccountId]> {
        owned(self, e).0
    }

    fn owned_projects(self, e: EmployeeId) -> Rc<[ProjectId]> {
        owned(self, e).1
    }

    fn account_owners(self, a: AccountId) -> Rc<[EmployeeId]> {
        self.row(|m| &mut m.account_owners, a, || owners(self, a.into()))
    }

    fn project_owners(self, x: ProjectId) -> Rc<[EmployeeId]> {
        self.row(|m| &mut m.project_owners, x, || owners(self, x.into()))
    }

    fn failure(self) -> Option<ReadFailure> {
        self.read_failure()
    }
}

/// What `e` owns: accounts, then projects, each by id.
fn owned<R: Read + ?Sized>(
    live: &LiveGraph<'_, R>,
    e: EmployeeId,
) -> (Rc<[AccountId]>, Rc<[ProjectId]>) {
    if let Some(o) = live.memo.borrow().owned.get(&e) {
        return o.clone();
    }
    let (mut accounts, mut projects) = (Vec::new(), Vec::new());
    for edge in live.edges_out(e.into(), EdgeKind::Owns) {
        match edge {
            Edge::Owns {
                target: OwnsTarget::Account(a),
                ..
            } => accounts.push(a),
            Edge::Owns {
                target: OwnsTarget::Project(x),
                ..
            } => projects.push(x),
            _ => {}
        }
    }
    let o: (Rc<[AccountId]>, Rc<[ProjectId]>) = (accounts.into(), projects.into());
    live.memo.borrow_mut().owned.insert(e, o.clone());
    o
}

/// The owners of an account or project, by employee id.
fn owners<R: Read + ?Sized>(live: &LiveGraph<'_, R>, target: NodeRef) -> Vec<EmployeeId> {
    live.edges_in(target, EdgeKind::Owns)
        .into_iter()
        .filter_map(|e| match e {
            Edge::Owns { employee, .. } => Some(employee),
            _ => None,
        })
        .collect()
}
