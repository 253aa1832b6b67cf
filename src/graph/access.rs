//! [`Graph`]: the reads the analyses make, answered by a snapshot or by another source.
//!
//! Every analysis reads the network through the small set of neighbourhood questions
//! below — a person's ties and their interactions, a person's deference and link rows,
//! a project's decision chain and competitors, an account's employment periods and
//! owners, a node's record — never through the snapshot's arrays themselves. So the
//! same analysis code runs on any source that answers them with the same rows in the
//! same order:
//!
//! * a [`Snapshot`] answers with borrowed slices of its arrays (`&Snapshot` implements
//!   [`Graph`] with `Rows = &[T]`): no copy and no indirection, so the full report
//!   costs what it cost before the trait existed;
//! * a live source over one read transaction of the store
//!   ([`LiveGraph`](crate::live::LiveGraph)) answers each question with a range scan of
//!   the adjacency tables, memoised for the query, so a per-item query reads only the
//!   neighbourhood it touches;
//! * a what-if overlay ([`WhatIf`](crate::live::WhatIf)) answers with another source's
//!   rows, some of them patched by hypothetical changes.
//!
//! **The contract** every source keeps, so that an analysis gives the same figures to
//! the last bit whatever answers it: each row holds exactly the items the snapshot's
//! row holds, in the snapshot's order (documented per method: by id of the other end,
//! or the edge key order the snapshot's counting sorts keep), parallel edges merged the
//! snapshot's way (deference weights added in key order, links by the maximum), ties
//! grouped by person and indexed so that a person's ties form one range of *tie
//! indices*. Tie indices are the source's own (the snapshot's positions in
//! [`Snapshot::ties`], a live source's positions in its memo); they are only ever
//! compared with indices of the same source.
//!
//! The questions asked *at a date* (§8: who is gone, who works where, which ties exist,
//! their effective closeness and last contact) are provided methods written once here,
//! over the rows, so every source applies the same rules with the same floating-point
//! operations. [`Snapshot`]'s own dated methods call them.
//!
//! The trait is sealed: the analyses rely on the contract above, which only the crate's
//! sources are tested to keep.

use super::{ChainMember, Contact, EmploymentRecord, Link, RivalTie, Snapshot, TieParams};
use super::{Stint, TieRecord};
use crate::model::{
    AccountId, AccountKind, Day, EmployeeId, NodeKind, NodeRef, PersonId, ProjectId, Stage,
};
use crate::store::StoreError;
use std::borrow::Cow;
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

pub(crate) mod sealed {
    /// Keeps [`Graph`](super::Graph) implemented by the crate's sources only.
    pub trait Sealed {}
}

/// A source of the reads the analyses make (see the module documentation): a
/// [`Snapshot`], a [`LiveGraph`](crate::live::LiveGraph) over one read transaction, or a
/// [`WhatIf`](crate::live::WhatIf) overlay on either.
///
/// `'s` is the lifetime of the names it hands out ([`Graph::xid`]), which results
/// borrow: a snapshot's own lifetime, or `'static` for a source whose names are copies.
/// Implemented by shared references, which are `Copy`, so that analyses pass the
/// source around by value.
pub trait Graph<'s>: Copy + sealed::Sealed {
    /// A row of items: a borrowed slice of a snapshot, or a shared copy.
    type Rows<T: Copy + 's>: Deref<Target = [T]>;

    /// Whether the node exists.
    fn contains(self, node: NodeRef) -> bool;
    /// One more than the largest id of `kind` the source may hand out: the length of an
    /// array indexed by ids of that kind. Ids below it may be holes.
    fn id_bound(self, kind: NodeKind) -> usize;
    /// The external id of a node (empty if it does not exist).
    fn xid(self, node: NodeRef) -> Cow<'s, str>;
    /// The kind of an account (client if it does not exist).
    fn account_kind(self, a: AccountId) -> AccountKind;
    /// The stage of a project (lost if it does not exist).
    fn project_stage(self, x: ProjectId) -> Stage;
    /// The amount of a project (0 if it does not exist).
    fn project_amount(self, x: ProjectId) -> f64;
    /// The day an employee left us, if recorded.
    fn employee_left(self, e: EmployeeId) -> Option<Day>;

    /// Every period of a person at an account (its `works_at` edges), by account id.
    fn employments(self, p: PersonId) -> Self::Rows<EmploymentRecord>;
    /// The account `p` works at on `day`, if any: the first of its periods (by account
    /// id) that covers the day.
    fn account_at(self, p: PersonId, day: Day) -> Option<AccountId>;
    /// The persons who work at `a` on `day`, by increasing id.
    fn persons_at(self, a: AccountId, day: Day) -> Cow<'s, [PersonId]>;
    /// The account of a project, if any.
    fn project_account(self, x: ProjectId) -> Option<AccountId>;
    /// The projects of an account, by increasing id.
    fn account_projects(self, a: AccountId) -> Self::Rows<ProjectId>;
    /// A project's decision chain, by person id.
    fn members(self, x: ProjectId) -> Self::Rows<ChainMember>;
    /// The projects whose decision chain `p` is in, by increasing id.
    fn memberships(self, p: PersonId) -> Self::Rows<ProjectId>;

    /// Deference out-edges of a person (§4.4): its `reports_to` edges by manager id,
    /// then the influences edges into it by influencer id, weight-0 edges left out, and
    /// the edges to one person merged into the place of the first, their weights added
    /// in that order.
    fn deference(self, p: PersonId) -> Self::Rows<Link>;
    /// Person–person path edges at `p` (§4.8): every positive `reports_to` and
    /// influences edge at `p`, in both directions, in the order of the snapshot's
    /// mirrored edge list (see `Snapshot::links`), the edges to one person merged into
    /// the place of the first with the largest weight.
    fn links(self, p: PersonId) -> Self::Rows<Link>;
    /// The connected component of `p` in the link graph, when the source knows it; a
    /// search hint only: two persons with different components have no path between
    /// them, and `None` says nothing.
    fn component(self, p: PersonId) -> Option<u32>;
    /// Whether `p` has a `reports_to` edge, of any weight.
    fn has_manager(self, p: PersonId) -> bool;

    /// The tie indices of a person's ties — every pair of an employee and the person
    /// with a tie record or interactions, whatever their dates — by employee id.
    fn person_ties(self, p: PersonId) -> Range<usize>;
    /// The tie at index `tie`, if the index is one of this source's.
    fn tie(self, tie: usize) -> Option<TieRecord>;
    /// The interactions of the tie at index `tie`, by date, then kind.
    fn contacts(self, tie: usize) -> Self::Rows<Contact>;
    /// The tie indices of an employee's ties (every date), by person id.
    fn employee_ties(self, e: EmployeeId) -> Self::Rows<usize>;
    /// Rival ties to a person (every closeness, 0 included), by competitor id.
    fn rival_ties(self, p: PersonId) -> Self::Rows<RivalTie>;
    /// Competitors competing on a project, by id.
    fn competitors(self, x: ProjectId) -> Self::Rows<AccountId>;
    /// Accounts an employee owns directly (owners rows of kind account), by id.
    fn owned_accounts(self, e: EmployeeId) -> Self::Rows<AccountId>;
    /// Projects an employee owns (owners rows of kind project), by id.
    fn owned_projects(self, e: EmployeeId) -> Self::Rows<ProjectId>;
    /// The direct owners of an account, by employee id, gone employees included.
    fn account_owners(self, a: AccountId) -> Self::Rows<EmployeeId>;
    /// The owners of a project, by employee id, gone employees included.
    fn project_owners(self, x: ProjectId) -> Self::Rows<EmployeeId>;

    /// Why a read failed, if one did: a source that reads a store records the first
    /// error and answers what it could not read as empty, so an analysis runs to the
    /// end and its caller then refuses its result. Always `None` for a snapshot.
    fn failure(self) -> Option<ReadFailure> {
        None
    }

    /// Whether employee `e` is gone on `day`: it has a leaving day on or before it.
    fn is_gone(self, e: EmployeeId, day: Day) -> bool {
        self.employee_left(e).is_some_and(|left| left <= day)
    }

    /// Whether the tie at index `tie` exists on `day` (§8.1): it has a tie record, or an
    /// interaction dated on or before `day` — whether or not its employee is gone.
    fn tie_exists(self, tie: usize, day: Day) -> bool {
        match self.tie(tie) {
            Some(t) if t.recorded => true,
            Some(_) => self.contacts(tie).first().is_some_and(|c| c.date <= day),
            None => false,
        }
    }

    /// Whether the tie at index `tie` counts on `day`: it exists and its employee is not
    /// gone (§8.3: a gone employee's ties count nowhere).
    fn tie_live(self, tie: usize, day: Day) -> bool {
        self.tie_exists(tie, day)
            && self
                .tie(tie)
                .is_some_and(|t| !self.is_gone(t.employee, day))
    }

    /// The last contact `last(e, p)` of a tie on `day`: the latest of its record's last
    /// contact (even one after `day`) and its interactions dated on or before `day`;
    /// `None` if neither exists.
    fn last_contact(self, tie: usize, day: Day) -> Option<Day> {
        let record = self.tie(tie).and_then(|t| t.last_contact);
        let all = self.contacts(tie);
        let until = all.partition_point(|c| c.date <= day);
        let interaction = until.checked_sub(1).map(|i| all[i].date);
        record.max(interaction)
    }

    /// The earliest interaction of a tie dated on or before `day`, if any.
    fn first_contact(self, tie: usize, day: Day) -> Option<Day> {
        self.contacts(tie)
            .first()
            .filter(|c| c.date <= day)
            .map(|c| c.date)
    }

    /// The interaction evidence `E` of a tie on `day`: `Σ w_kind · 2^(−(day − date) /
    /// interaction_half_life)` over its interactions dated on or before `day`, summed by
    /// date (then kind).
    fn evidence(self, tie: usize, day: Day, params: &TieParams) -> f64 {
        let all = self.contacts(tie);
        let until = all.partition_point(|c| c.date <= day);
        all[..until]
            .iter()
            .map(|c| {
                let d = c.date.days_until(day) as f64;
                params.weight(c.kind) * 2f64.powf(-d / params.interaction_half_life)
            })
            .fold(0.0, |sum, w| sum + w)
    }

    /// The effective closeness `c_eff` of a tie on `day` (§8.1), 0 if it does not count
    /// then (no record and no interaction yet, or its employee is gone). See
    /// [`Snapshot::effective_closeness`] for the form of the formula.
    fn effective_closeness(self, tie: usize, day: Day, params: &TieParams) -> f64 {
        if !self.tie_live(tie, day) {
            return 0.0;
        }
        let Some(record) = self.tie(tie) else {
            return 0.0;
        };
        let c_tie = record.decayed(day, params.half_life);
        let evidence = self.evidence(tie, day, params);
        let c_int = 1.0 - (-params.interaction_scale * evidence).exp();
        c_tie + c_int * (1.0 - c_tie)
    }
}

impl sealed::Sealed for &Snapshot {}

impl<'s> Graph<'s> for &'s Snapshot {
    type Rows<T: Copy + 's> = &'s [T];

    #[inline]
    fn contains(self, node: NodeRef) -> bool {
        Snapshot::contains(self, node)
    }
    #[inline]
    fn id_bound(self, kind: NodeKind) -> usize {
        Snapshot::id_bound(self, kind)
    }
    #[inline]
    fn xid(self, node: NodeRef) -> Cow<'s, str> {
        Cow::Borrowed(match node.kind {
            NodeKind::Account => self.account_xid(AccountId(node.id)),
            NodeKind::Person => self.person_xid(PersonId(node.id)),
            NodeKind::Employee => self.employee_xid(EmployeeId(node.id)),
            NodeKind::Project => self.project_xid(ProjectId(node.id)),
        })
    }
    #[inline]
    fn account_kind(self, a: AccountId) -> AccountKind {
        Snapshot::account_kind(self, a)
    }
    #[inline]
    fn project_stage(self, x: ProjectId) -> Stage {
        Snapshot::project_stage(self, x)
    }
    #[inline]
    fn project_amount(self, x: ProjectId) -> f64 {
        Snapshot::project_amount(self, x)
    }
    #[inline]
    fn employee_left(self, e: EmployeeId) -> Option<Day> {
        Snapshot::employee_left(self, e)
    }
    #[inline]
    fn employments(self, p: PersonId) -> &'s [EmploymentRecord] {
        Snapshot::employments(self, p)
    }
    #[inline]
    fn account_at(self, p: PersonId, day: Day) -> Option<AccountId> {
        Snapshot::account_at(self, p, day)
    }
    #[inline]
    fn persons_at(self, a: AccountId, day: Day) -> Cow<'s, [PersonId]> {
        Snapshot::persons_at(self, a, day)
    }
    #[inline]
    fn project_account(self, x: ProjectId) -> Option<AccountId> {
        Snapshot::project_account(self, x)
    }
    #[inline]
    fn account_projects(self, a: AccountId) -> &'s [ProjectId] {
        Snapshot::account_projects(self, a)
    }
    #[inline]
    fn members(self, x: ProjectId) -> &'s [ChainMember] {
        Snapshot::members(self, x)
    }
    #[inline]
    fn memberships(self, p: PersonId) -> &'s [ProjectId] {
        Snapshot::memberships(self, p)
    }
    #[inline]
    fn deference(self, p: PersonId) -> &'s [Link] {
        Snapshot::deference(self, p)
    }
    #[inline]
    fn links(self, p: PersonId) -> &'s [Link] {
        Snapshot::links(self, p)
    }
    #[inline]
    fn component(self, p: PersonId) -> Option<u32> {
        Some(Snapshot::component(self, p))
    }
    #[inline]
    fn has_manager(self, p: PersonId) -> bool {
        Snapshot::has_manager(self, p)
    }
    #[inline]
    fn person_ties(self, p: PersonId) -> Range<usize> {
        self.person_tie_range(p)
    }
    #[inline]
    fn tie(self, tie: usize) -> Option<TieRecord> {
        self.ties().get(tie).copied()
    }
    #[inline]
    fn contacts(self, tie: usize) -> &'s [Contact] {
        Snapshot::contacts(self, tie)
    }
    #[inline]
    fn employee_ties(self, e: EmployeeId) -> &'s [usize] {
        Snapshot::employee_ties(self, e)
    }
    #[inline]
    fn rival_ties(self, p: PersonId) -> &'s [RivalTie] {
        Snapshot::rival_ties(self, p)
    }
    #[inline]
    fn competitors(self, x: ProjectId) -> &'s [AccountId] {
        Snapshot::competitors(self, x)
    }
    #[inline]
    fn owned_accounts(self, e: EmployeeId) -> &'s [AccountId] {
        Snapshot::owned_accounts(self, e)
    }
    #[inline]
    fn owned_projects(self, e: EmployeeId) -> &'s [ProjectId] {
        Snapshot::owned_projects(self, e)
    }
    #[inline]
    fn account_owners(self, a: AccountId) -> &'s [EmployeeId] {
        Snapshot::account_owners(self, a)
    }
    #[inline]
    fn project_owners(self, x: ProjectId) -> &'s [EmployeeId] {
        Snapshot::project_owners(self, x)
    }
}

/// The persons who work at an account on `day`, from its periods by person id (a
/// roster): those whose period covers the day.
pub(crate) fn covering(roster: &[Stint], day: Day) -> Vec<PersonId> {
    roster
        .iter()
        .filter(|s| s.covers(day))
        .map(|s| s.person)
        .collect()
}

/// A store error met by a source while it read (see [`Graph::failure`]): shareable,
/// and comparable by its message.
#[derive(Debug, Clone)]
pub struct ReadFailure(Arc<StoreError>);

impl ReadFailure {
    /// Wraps the store's error.
    pub fn new(e: StoreError) -> Self {
        ReadFailure(Arc::new(e))
    }

    /// The store's error.
    pub fn error(&self) -> &StoreError {
        &self.0
    }
}

impl PartialEq for ReadFailure {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl Eq for ReadFailure {}

impl fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ReadFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}
