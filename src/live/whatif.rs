//! [`WhatIf`]: hypothetical changes laid over a source, which stays untouched.
//!
//! A what-if never writes the database: a write transaction would (the storage engine
//! may rewrite its own bookkeeping when a writable handle closes, even without a
//! commit), and a read-only handle must be enough to ask "what if". So the changes live
//! in an overlay: the rows they touch are copied from the source once, patched, and
//! answered in place of the source's; every other question goes to the source. The
//! overlay is itself a [`Graph`], so every per-item query runs on it unchanged, and its
//! patched rows keep the contract (same order as a snapshot of the changed network
//! would hold), so a query on the overlay gives what the same query gives on a snapshot
//! of the database with the changes written — to the last bit
//! (`tests/what_if_equals_the_changes_written.rs` compares; `brm whatif` leaves the
//! file byte-identical, `tests/cli_whatif_leaves_the_file_untouched.rs`).
//!
//! The changes are the ones a seller weighs (each validated as the store validates the
//! same write, with a typed error naming nodes by external id):
//!
//! * [`set_acceptance`](WhatIf::set_acceptance) / [`win_over`](WhatIf::win_over): a
//!   chain member's solution and price acceptance;
//! * [`put_tie`](WhatIf::put_tie) and [`record_contact`](WhatIf::record_contact): a tie
//!   added or strengthened;
//! * [`set_left`](WhatIf::set_left): an employee leaving;
//! * [`put_rival_tie`](WhatIf::put_rival_tie): a competitor gaining a tie.
//!
//! Ties patched by the overlay get tie indices of their own (from [`OVERLAY_TIES`] up),
//! so that an index never means two ties; a patched person's ties keep their
//! interactions, read from the source.

use super::ReadFailure;
use crate::analysis::QueryError;
use crate::graph::{
    sealed, ChainMember, Contact, EmploymentRecord, Graph, Link, RivalTie, TieRecord,
};
use crate::model::{
    AccountId, AccountKind, Day, EmployeeId, NodeKind, NodeRef, PersonId, ProjectId, Score, Stage,
    Tie,
};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::{Deref, Range};
use std::rc::Rc;

/// The first tie index of the ties a [`WhatIf`] patched: far above any source's.
pub const OVERLAY_TIES: usize = usize::MAX / 2;

/// A row of a [`WhatIf`]: the source's own, or the overlay's patched copy.
#[derive(Debug, Clone)]
pub enum Patched<B, T> {
    /// The source's row, unchanged.
    Base(B),
    /// A row the overlay patched.
    Own(Rc<[T]>),
}

impl<B: Deref<Target = [T]>, T> Deref for Patched<B, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Patched::Base(b) => b,
            Patched::Own(o) => o,
        }
    }
}

/// Why a hypothetical change was refused: it is not one the store would accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WhatIfError {
    /// A node the change names does not exist.
    #[error("there is no {kind} with id {id}: look the {kind} up by its external id first")]
    NotFound {
        /// Its kind.
        kind: NodeKind,
        /// The id given.
        id: u32,
    },
    /// The person is not in the project's decision chain.
    #[error(
        "person {person} is not in the decision chain of project {project}: only a member's \
         acceptances can change"
    )]
    NotMember {
        /// The person's external id.
        person: String,
        /// The project's external id.
        project: String,
    },
    /// A rival tie must start at a competitor.
    #[error("account {account} is not a competitor: only a competitor has rival ties")]
    NotCompetitor {
        /// The account's external id.
        account: String,
    },
    /// A contact on a tie that does not exist, without a closeness to create it.
    #[error("employee {employee} has no tie with person {person}: give a closeness to create it")]
    NoTie {
        /// The employee's external id.
        employee: String,
        /// The person's external id.
        person: String,
    },
    /// A query on the overlay failed.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// The overlay's patched ties: a person's ties copied and changed, with where each
/// one's interactions are in the source.
#[derive(Debug, Default)]
struct Ties {
    records: Vec<TieRecord>,
    /// The source's tie index of each record (for its interactions), if it had one.
    source: Vec<Option<usize>>,
    persons: HashMap<PersonId, Range<usize>>,
}

/// Hypothetical changes over a source `G` (see the module documentation). Write with
/// its methods, then query `&WhatIf` like any [`Graph`].
///
/// ```
/// use guanxi::analysis::{project_analysis, Params};
/// use guanxi::graph::Snapshot;
/// use guanxi::live::what_if;
/// use guanxi::model::*;
///
/// let mut net = Network::new();
/// net.persons.push(Person { xid: "boss".into(), name: "Boss".into(), title: None });
/// net.projects.push(Project {
///     xid: "x".into(), name: "Deal".into(), stage: Stage::Lead, amount: Amount::new(1.0)?,
/// });
/// let member = Member { role: Role::Approver, coach: false, solution: None, price: None };
/// net.edges.push(Edge::Member { person: PersonId(0), project: ProjectId(0), member });
/// let snap = Snapshot::from_network(&net);
/// let (params, as_of) = (Params::default(), "2025-06-30".parse()?);
/// let before = project_analysis(&snap, ProjectId(0), &params, as_of)?;
/// let after = what_if(&snap, |w| {
///     w.win_over(PersonId(0), ProjectId(0))?;
///     Ok::<_, guanxi::live::WhatIfError>(project_analysis(&*w, ProjectId(0), &params, as_of)?)
/// })?;
/// // Stance 2·mean(C, S, P) − 1: with C = 0, from −1 to 2·(2/3) − 1.
/// assert_eq!(before.opinion.consensus, Some(-1.0));
/// assert!((after.opinion.consensus.unwrap() - 1.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct WhatIf<'s, G: Graph<'s>> {
    base: G,
    left: HashMap<EmployeeId, Option<Day>>,
    members: HashMap<ProjectId, Rc<[ChainMember]>>,
    rivals: HashMap<PersonId, Rc<[RivalTie]>>,
    ties: Ties,
    /// Employees' tie rows rebuilt over the patched persons, computed when asked.
    employee_ties: RefCell<HashMap<EmployeeId, Rc<[usize]>>>,
    _names: std::marker::PhantomData<&'s ()>,
}

/// Runs `f` on a fresh overlay over `graph` and returns what it returns: the
/// closure writes its hypothetical changes, queries the overlay, and the overlay is
/// thrown away.
pub fn what_if<'s, G: Graph<'s>, T>(graph: G, f: impl FnOnce(&mut WhatIf<'s, G>) -> T) -> T {
    f(&mut WhatIf::new(graph))
}

impl<'s, G: Graph<'s>> WhatIf<'s, G> {
    /// No change yet over `base`.
    pub fn new(base: G) -> Self {
        WhatIf {
            base,
            left: HashMap::new(),
            members: HashMap::new(),
            rivals: HashMap::new(),
            ties: Ties::default(),
            employee_ties: RefCell::new(HashMap::new()),
            _names: std::marker::PhantomData,
        }
    }

    /// The source under the overlay.
    pub fn base(&self) -> G {
        self.base
    }

    fn exists(&self, node: impl Into<NodeRef>) -> Result<(), WhatIfError> {
        let node = node.into();
        if let Some(f) = self.base.failure() {
            return Err(QueryError::Store(f).into());
        }
        if self.base.contains(node) {
            Ok(())
        } else {
            Err(WhatIfError::NotFound {
                kind: node.kind,
                id: node.id,
            })
        }
    }

    fn name(&self, node: impl Into<NodeRef>) -> String {
        self.base.xid(node.into()).into_owned()
    }

    /// Sets a chain member's solution and price acceptance (`None`: unknown), as
    /// [`WriteTxn::set_acceptance`](crate::store::WriteTxn::set_acceptance) would.
    pub fn set_acceptance(
        &mut self,
        person: PersonId,
        project: ProjectId,
        solution: Option<Score>,
        price: Option<Score>,
    ) -> Result<(), WhatIfError> {
        self.exists(person)?;
        self.exists(project)?;
        let mut row: Vec<ChainMember> = Graph::members(&*self, project).to_vec();
        let Some(m) = row.iter_mut().find(|m| m.person == person) else {
            return Err(WhatIfError::NotMember {
                person: self.name(person),
                project: self.name(project),
            });
        };
        m.member.solution = solution;
        m.member.price = price;
        self.members.insert(project, row.into());
        Ok(())
    }

    /// Wins a chain member over: both acceptances 1.
    pub fn win_over(&mut self, person: PersonId, project: ProjectId) -> Result<(), WhatIfError> {
        let full = Some(Score::ONE);
        self.set_acceptance(person, project, full, full)
    }

    /// Adds the tie record of `employee` with `person`, or replaces it, as
    /// [`WriteTxn::put_edge`](crate::store::WriteTxn::put_edge) of a tie would. The pair's
    /// interactions stay.
    pub fn put_tie(
        &mut self,
        employee: EmployeeId,
        person: PersonId,
        tie: Tie,
    ) -> Result<(), WhatIfError> {
        self.exists(employee)?;
        self.exists(person)?;
        self.patch_tie(employee, person, |_| {
            Some(TieRecord::from_tie(employee, person, tie))
        });
        Ok(())
    }

    /// Records a contact of `employee` with `person` on `on`, as
    /// [`WriteTxn::record_contact`](crate::store::WriteTxn::record_contact) would: the
    /// tie's last contact becomes `on` unless later, its closeness `closeness` if given;
    /// without a tie record, `closeness` creates one.
    pub fn record_contact(
        &mut self,
        employee: EmployeeId,
        person: PersonId,
        on: Day,
        closeness: Option<Score>,
    ) -> Result<(), WhatIfError> {
        self.exists(employee)?;
        self.exists(person)?;
        let mut missing = false;
        self.patch_tie(employee, person, |old| {
            if let Some(t) = old.filter(|t| t.recorded) {
                return Some(TieRecord {
                    closeness: closeness.map_or(t.closeness, Score::get),
                    last_contact: Some(t.last_contact.map_or(on, |d| d.max(on))),
                    ..t
                });
            }
            let Some(c) = closeness else {
                missing = true;
                return None;
            };
            Some(TieRecord {
                employee,
                person,
                recorded: true,
                closeness: c.get(),
                last_contact: Some(on),
                private: false,
            })
        });
        if missing {
            return Err(WhatIfError::NoTie {
                employee: self.name(employee),
                person: self.name(person),
            });
        }
        Ok(())
    }

    /// Sets the day an employee leaves (`None`: stays), as
    /// [`WriteTxn::set_left`](crate::store::WriteTxn::set_left) would: on and after it the
    /// employee is gone (§8.3).
    pub fn set_left(&mut self, employee: EmployeeId, left: Option<Day>) -> Result<(), WhatIfError> {
        self.exists(employee)?;
        self.left.insert(employee, left);
        Ok(())
    }

    /// Adds competitor `competitor`'s rival tie with `person`, or changes its closeness.
    pub fn put_rival_tie(
        &mut self,
        competitor: AccountId,
        person: PersonId,
        closeness: Score,
    ) -> Result<(), WhatIfError> {
        self.exists(competitor)?;
        self.exists(person)?;
        if self.base.account_kind(competitor) != AccountKind::Competitor {
            return Err(WhatIfError::NotCompetitor {
                account: self.name(competitor),
            });
        }
        let mut row: Vec<RivalTie> = Graph::rival_ties(&*self, person).to_vec();
        let tie = RivalTie {
            competitor,
            closeness: closeness.get(),
        };
        match row.binary_search_by_key(&competitor, |r| r.competitor) {
            Ok(i) => row[i] = tie,
            Err(i) => row.insert(i, tie),
        }
        self.rivals.insert(person, row.into());
        Ok(())
    }

    /// Rebuilds `person`'s ties with the record of `employee` replaced by `change` of
    /// the current one (`None` keeps it as it is).
    fn patch_tie(
        &mut self,
        employee: EmployeeId,
        person: PersonId,
        change: impl FnOnce(Option<TieRecord>) -> Option<TieRecord>,
    ) {
        let mut rows: Vec<(TieRecord, Option<usize>)> = Graph::person_ties(&*self, person)
            .filter_map(|i| {
                let source = if i >= OVERLAY_TIES {
                    self.ties.source.get(i - OVERLAY_TIES).copied().flatten()
                } else {
                    Some(i)
                };
                Graph::tie(&*self, i).map(|t| (t, source))
            })
            .collect();
        let at = rows.binary_search_by_key(&employee, |r| r.0.employee);
        let old = at.ok().map(|i| rows[i].0);
        let Some(new) = change(old) else {
            return;
        };
        match at {
            Ok(i) => rows[i].0 = new,
            Err(i) => rows.insert(i, (new, None)),
        }
        let start = self.ties.records.len();
        for (t, s) in rows {
            self.ties.records.push(t);
            self.ties.source.push(s);
        }
        self.ties
            .persons
            .insert(person, start..self.ties.records.len());
        self.employee_ties.get_mut().clear();
    }
}

impl<'s, G: Graph<'s>> sealed::Sealed for &WhatIf<'s, G> {}

impl<'s, G: Graph<'s>> Graph<'s> for &WhatIf<'s, G> {
    type Rows<T: Copy + 's> = Patched<G::Rows<T>, T>;

    fn contains(self, node: NodeRef) -> bool {
        self.base.contains(node)
    }
    fn id_bound(self, kind: NodeKind) -> usize {
        self.base.id_bound(kind)
    }
    fn xid(self, node: NodeRef) -> Cow<'s, str> {
        self.base.xid(node)
    }
    fn account_kind(self, a: AccountId) -> AccountKind {
        self.base.account_kind(a)
    }
    fn project_stage(self, x: ProjectId) -> Stage {
        self.base.project_stage(x)
    }
    fn project_amount(self, x: ProjectId) -> f64 {
        self.base.project_amount(x)
    }
    fn employee_left(self, e: EmployeeId) -> Option<Day> {
        match self.left.get(&e) {
            Some(&left) => left,
            None => self.base.employee_left(e),
        }
    }
    fn employments(self, p: PersonId) -> Self::Rows<EmploymentRecord> {
        Patched::Base(self.base.employments(p))
    }
    fn account_at(self, p: PersonId, day: Day) -> Option<AccountId> {
        self.base.account_at(p, day)
    }
    fn persons_at(self, a: AccountId, day: Day) -> Cow<'s, [PersonId]> {
        self.base.persons_at(a, day)
    }
    fn project_account(self, x: ProjectId) -> Option<AccountId> {
        self.base.project_account(x)
    }
    fn account_projects(self, a: AccountId) -> Self::Rows<ProjectId> {
        Patched::Base(self.base.account_projects(a))
    }
    fn members(self, x: ProjectId) -> Self::Rows<ChainMember> {
        match self.members.get(&x) {
            Some(row) => Patched::Own(Rc::clone(row)),
            None => Patched::Base(self.base.members(x)),
        }
    }
    fn memberships(self, p: PersonId) -> Self::Rows<ProjectId> {
        Patched::Base(self.base.memberships(p))
    }
    fn deference(self, p: PersonId) -> Self::Rows<Link> {
        Patched::Base(self.base.deference(p))
    }
    fn links(self, p: PersonId) -> Self::Rows<Link> {
        Patched::Base(self.base.links(p))
    }
    fn component(self, p: PersonId) -> Option<u32> {
        // No change of the overlay touches a person–person edge.
        self.base.component(p)
    }
    fn has_manager(self, p: PersonId) -> bool {
        self.base.has_manager(p)
    }
    fn person_ties(self, p: PersonId) -> Range<usize> {
        match self.ties.persons.get(&p) {
            Some(r) => OVERLAY_TIES + r.start..OVERLAY_TIES + r.end,
            None => self.base.person_ties(p),
        }
    }
    fn tie(self, tie: usize) -> Option<TieRecord> {
        match tie.checked_sub(OVERLAY_TIES) {
            Some(i) => self.ties.records.get(i).copied(),
            None => self.base.tie(tie),
        }
    }
    fn contacts(self, tie: usize) -> Self::Rows<Contact> {
        match tie.checked_sub(OVERLAY_TIES) {
            Some(i) => match self.ties.source.get(i).copied().flatten() {
                Some(source) => Patched::Base(self.base.contacts(source)),
                None => Patched::Own(Rc::from(Vec::new())),
            },
            None => Patched::Base(self.base.contacts(tie)),
        }
    }
    fn employee_ties(self, e: EmployeeId) -> Self::Rows<usize> {
        if self.ties.persons.is_empty() {
            return Patched::Base(self.base.employee_ties(e));
        }
        if let Some(row) = self.employee_ties.borrow().get(&e) {
            return Patched::Own(Rc::clone(row));
        }
        // The source's row, each patched person's tie taken from the overlay instead,
        // and the patched persons' new ties with `e`, by person id.
        let mut row: Vec<(PersonId, usize)> = self
            .base
            .employee_ties(e)
            .iter()
            .filter_map(|&i| self.base.tie(i).map(|t| (t.person, i)))
            .filter(|(p, _)| !self.ties.persons.contains_key(p))
            .collect();
        for (&p, range) in &self.ties.persons {
            if let Ok(i) = self.ties.records[range.clone()].binary_search_by_key(&e, |t| t.employee)
            {
                row.push((p, OVERLAY_TIES + range.start + i));
            }
        }
        row.sort_unstable();
        let row: Rc<[usize]> = row.into_iter().map(|(_, i)| i).collect();
        self.employee_ties.borrow_mut().insert(e, Rc::clone(&row));
        Patched::Own(row)
    }
    fn rival_ties(self, p: PersonId) -> Self::Rows<RivalTie> {
        match self.rivals.get(&p) {
            Some(row) => Patched::Own(Rc::clone(row)),
            None => Patched::Base(self.base.rival_ties(p)),
        }
    }
    fn competitors(self, x: ProjectId) -> Self::Rows<AccountId> {
        Patched::Base(self.base.competitors(x))
    }
    fn owned_accounts(self, e: EmployeeId) -> Self::Rows<AccountId> {
        Patched::Base(self.base.owned_accounts(e))
    }
    fn owned_projects(self, e: EmployeeId) -> Self::Rows<ProjectId> {
        Patched::Base(self.base.owned_projects(e))
    }
    fn account_owners(self, a: AccountId) -> Self::Rows<EmployeeId> {
        Patched::Base(self.base.account_owners(a))
    }
    fn project_owners(self, x: ProjectId) -> Self::Rows<EmployeeId> {
        Patched::Base(self.base.project_owners(x))
    }
    fn failure(self) -> Option<ReadFailure> {
        self.base.failure()
    }
}
