//! What each of our employees has with one account's people at the analysis date: the
//! one pass over the account's persons and their ties that claims (§9.3), protection
//! (§9.4) and best owner (§9.5) all read.
//!
//! For an account `a` and an employee `e` still with us, over the persons who work at
//! `a` on the date (§8.2) and `e`'s ties with them that count then (§8.1):
//!
//! * `fit = Σ_p π(p)·c_eff(e, p)` — the same figure as 4.10's fit, for any employee;
//! * `first_contact` — the earliest of their interactions dated on or before the date;
//! * `last_contact` — the latest `last(e, p)` (a tie record's date after the analysis
//!   date counts as it is);
//! * `reached` — the number of the account's persons `e` has a tie with (any closeness).
//!
//! The sum runs over the account's persons by increasing id.

use super::influence::rank_of;
use super::Ctx;
use crate::graph::Graph;
use crate::model::{AccountId, Day, EmployeeId, PersonId};
use std::collections::BTreeMap;

/// One employee's reach into one account's people.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Reach {
    /// `Σ_p π(p)·c_eff(e, p)`.
    pub(crate) fit: f64,
    /// The earliest interaction with the account's persons, on or before the date.
    pub(crate) first_contact: Option<Day>,
    /// The latest `last(e, p)` over the account's persons.
    pub(crate) last_contact: Option<Day>,
    /// The number of the account's persons the employee has a tie with.
    pub(crate) reached: usize,
}

/// The later of two optional days (`None` when both are).
fn later(a: Option<Day>, b: Option<Day>) -> Option<Day> {
    a.max(b)
}

/// The earlier of two optional days, `None` counting as absent (not as earliest).
fn earlier(a: Option<Day>, b: Option<Day>) -> Option<Day> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The reach of every employee still with us who has a tie with a person of `a` at the
/// context's date, by employee id; `pi` gives π at the date.
pub(crate) fn account_reach<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    a: AccountId,
    pi: impl Fn(PersonId) -> f64,
) -> BTreeMap<EmployeeId, Reach> {
    let mut out: BTreeMap<EmployeeId, Reach> = BTreeMap::new();
    for &p in ctx.account_persons(a).iter() {
        let w = pi(p);
        for tie in ctx.ties_of(p) {
            let r = out.entry(tie.employee).or_default();
            r.fit += w * tie.effective;
            r.reached += 1;
            r.last_contact = later(r.last_contact, tie.last_contact);
            r.first_contact = earlier(r.first_contact, ctx.first_contact(tie.index));
        }
    }
    out
}

/// π at the date of `a`'s persons, computed once for an on-demand query (the report
/// reads its precomputed array instead).
pub(crate) fn account_pi<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    a: AccountId,
) -> impl Fn(PersonId) -> f64 {
    let persons = ctx.account_persons(a).into_owned();
    let pi = ctx.account_influence(a);
    move |p| rank_of(&persons, &pi, p).unwrap_or(0.0)
}
