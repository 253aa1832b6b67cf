//! The snapshot at a date (§8): who works where, which ties exist, how close they are,
//! and which employees are gone — the one place that reads the dated records.
//!
//! A snapshot holds every dated record whatever its date; a question *at* a day `t`
//! reads them as they stood then:
//!
//! * an **employee is gone** on and after its leaving day (`left ≤ t`);
//! * a person **works at** an account on `t` when one of its periods covers `t`
//!   (`since ≤ t < until`, half-open, missing ends unbounded) — [`Staffing`] is that
//!   answer for every person and account at once;
//! * a **tie exists** at `t` when the pair has a tie record, or an interaction dated on
//!   or before `t`; it counts (is *live*) when its employee is not gone at `t`;
//! * its **effective closeness** `c_eff = 1 − (1 − c_tie)·(1 − c_int)` combines the
//!   decayed assessment `c_tie` (§4.1 on the record alone) and the interaction evidence
//!   `c_int = 1 − exp(−scale · E)`, `E = Σ w_kind · 2^(−(t − date) / interaction_half_life)`
//!   over the interactions dated on or before `t`; its **last contact** is the latest of
//!   the record's own last contact (even after `t`) and those interactions' dates.
//!
//! Everything here is a pure function of the snapshot and the day, so the analyses, the
//! graph views and the drawings all read the same numbers.

use super::access::Graph;
use super::csr::Csr;
use super::{Snapshot, NONE};
use crate::model::{AccountId, Day, EmployeeId, InteractionKind, PersonId};
use std::borrow::Cow;

/// The constants of a tie's effective closeness at a date (§4.1, §8.1), with the
/// documented defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TieParams {
    /// Half-life of an assessed closeness, in days (180).
    pub half_life: f64,
    /// Half-life of an interaction's evidence, in days (90).
    pub interaction_half_life: f64,
    /// How fast evidence turns into closeness: `c_int = 1 − exp(−scale · E)` (0.5).
    pub interaction_scale: f64,
    /// Weight of a meeting (1.0).
    pub w_meeting: f64,
    /// Weight of an event (0.7).
    pub w_event: f64,
    /// Weight of a call (0.5).
    pub w_call: f64,
    /// Weight of a message (0.3).
    pub w_message: f64,
    /// Weight of an email (0.2).
    pub w_email: f64,
}

impl Default for TieParams {
    fn default() -> Self {
        TieParams {
            half_life: 180.0,
            interaction_half_life: 90.0,
            interaction_scale: 0.5,
            w_meeting: InteractionKind::Meeting.default_weight(),
            w_event: InteractionKind::Event.default_weight(),
            w_call: InteractionKind::Call.default_weight(),
            w_message: InteractionKind::Message.default_weight(),
            w_email: InteractionKind::Email.default_weight(),
        }
    }
}

impl TieParams {
    /// The weight of one interaction of `kind`.
    pub fn weight(&self, kind: InteractionKind) -> f64 {
        match kind {
            InteractionKind::Meeting => self.w_meeting,
            InteractionKind::Event => self.w_event,
            InteractionKind::Call => self.w_call,
            InteractionKind::Message => self.w_message,
            InteractionKind::Email => self.w_email,
        }
    }
}

/// Who works where on one day (§8.2): each person's account, each account's persons (by
/// increasing id) and each person's position among them (the local index of
/// per-account arrays such as PageRank's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Staffing {
    person_account: Vec<u32>,
    account_persons: Csr<PersonId>,
    position: Vec<u32>,
}

impl Staffing {
    /// The staffing given each person's account (`NONE` for none), over `accounts`
    /// account ids.
    pub(super) fn new(accounts: usize, person_account: Vec<u32>) -> Staffing {
        let pairs: Vec<(usize, PersonId)> = person_account
            .iter()
            .enumerate()
            .filter(|(_, &a)| a != NONE)
            .map(|(p, &a)| (a as usize, PersonId(p as u32)))
            .collect();
        let account_persons = Csr::from_pairs(accounts, &pairs);
        let mut position = vec![NONE; person_account.len()];
        for a in 0..accounts {
            for (i, p) in account_persons.row(a).iter().enumerate() {
                position[p.index()] = i as u32;
            }
        }
        Staffing {
            person_account,
            account_persons,
            position,
        }
    }

    /// The account `p` works at, if any.
    pub fn account_of(&self, p: PersonId) -> Option<AccountId> {
        match self.person_account.get(p.index()) {
            Some(&a) if a != NONE => Some(AccountId(a)),
            _ => None,
        }
    }

    /// The persons working at `a`, by increasing id.
    pub fn persons(&self, a: AccountId) -> &[PersonId] {
        self.account_persons.row(a.index())
    }

    /// The position of `p` among [`persons`](Staffing::persons) of its account, if it
    /// works somewhere.
    pub fn position(&self, p: PersonId) -> Option<usize> {
        match self.position.get(p.index()) {
            Some(&i) if i != NONE => Some(i as usize),
            _ => None,
        }
    }
}

/// The snapshot at a date.
impl Snapshot {
    /// Whether employee `e` is gone on `day`: it has a leaving day on or before it.
    pub fn is_gone(&self, e: EmployeeId, day: Day) -> bool {
        Graph::is_gone(self, e, day)
    }

    /// Whether any `works_at` period has a date. Without one, who works where is the
    /// same on every day.
    pub fn has_dated_employment(&self) -> bool {
        self.fixed.is_none()
    }

    /// The account `p` works at on `day`, if any.
    pub fn account_at(&self, p: PersonId, day: Day) -> Option<AccountId> {
        match &self.fixed {
            Some(fixed) => fixed.account_of(p),
            None => self
                .employments(p)
                .iter()
                .find(|r| r.covers(day))
                .map(|r| r.account),
        }
    }

    /// The persons who work at `a` on `day`, by increasing id: the account's row of the
    /// staffing, without building the staffing of every account.
    pub fn persons_at(&self, a: AccountId, day: Day) -> Cow<'_, [PersonId]> {
        match &self.fixed {
            Some(fixed) => Cow::Borrowed(fixed.persons(a)),
            None => Cow::Owned(super::access::covering(self.roster.row(a.index()), day)),
        }
    }

    /// Who works where on `day` (borrowed when no period has a date).
    pub fn staffing(&self, day: Day) -> Cow<'_, Staffing> {
        if let Some(fixed) = &self.fixed {
            return Cow::Borrowed(fixed);
        }
        let person_account = (0..self.employments.rows())
            .map(|p| {
                self.employments
                    .row(p)
                    .iter()
                    .find(|r| r.covers(day))
                    .map_or(NONE, |r| r.account.0)
            })
            .collect();
        Cow::Owned(Staffing::new(self.roster.rows(), person_account))
    }

    /// Whether the tie at index `tie` exists on `day` (§8.1): it has a tie record, or an
    /// interaction dated on or before `day` — whether or not its employee is gone.
    pub fn tie_exists(&self, tie: usize, day: Day) -> bool {
        Graph::tie_exists(self, tie, day)
    }

    /// Whether the tie at index `tie` counts on `day`: it exists and its employee is not
    /// gone (§8.3: a gone employee's ties count nowhere).
    pub fn tie_live(&self, tie: usize, day: Day) -> bool {
        Graph::tie_live(self, tie, day)
    }

    /// The last contact `last(e, p)` of a tie on `day`: the latest of its record's last
    /// contact (even one after `day`) and its interactions dated on or before `day`;
    /// `None` if neither exists.
    pub fn last_contact(&self, tie: usize, day: Day) -> Option<Day> {
        Graph::last_contact(self, tie, day)
    }

    /// The earliest interaction of a tie dated on or before `day`, if any.
    pub fn first_contact(&self, tie: usize, day: Day) -> Option<Day> {
        Graph::first_contact(self, tie, day)
    }

    /// The interaction evidence `E` of a tie on `day`: `Σ w_kind · 2^(−(day − date) /
    /// interaction_half_life)` over its interactions dated on or before `day`, summed by
    /// date (then kind).
    pub fn evidence(&self, tie: usize, day: Day, params: &TieParams) -> f64 {
        Graph::evidence(self, tie, day, params)
    }

    /// The effective closeness `c_eff` of a tie on `day` (§8.1), 0 if it does not count
    /// then (no record and no interaction yet, or its employee is gone).
    ///
    /// It is computed as `c_tie + c_int·(1 − c_tie)`, the same number as
    /// `1 − (1 − c_tie)(1 − c_int)` in exact arithmetic, because in floating point this
    /// form never falls below `c_tie` or `c_int` and never decreases as evidence grows:
    /// an interaction never lowers any closeness, to the last bit. Without interactions
    /// it is the record's decayed closeness exactly, and without a record the
    /// interaction closeness exactly.
    pub fn effective_closeness(&self, tie: usize, day: Day, params: &TieParams) -> f64 {
        Graph::effective_closeness(self, tie, day, params)
    }
}
