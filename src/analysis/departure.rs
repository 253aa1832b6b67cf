//! §4.11 — departure impact.
//!
//! Remove employee `e` and its ties, and report:
//!
//! * every person whose closeness `C` strictly drops, with `C` before and after;
//! * every account whose strength `A` strictly drops, with `A` before and after;
//! * for each person who had a tie with `e` and has no tie left, the best successor:
//!   the strongest path (4.8) without `e` (ties by employee external id; none if no
//!   other employee reaches the person).
//!
//! Everything is read at the analysis date: ties are those of §8.1 (records and
//! interactions), accounts' persons those who work there that day. An employee already
//! gone at the date (§8.3) has no tie left to remove: its departure changes nothing.
//!
//! Only `e`'s persons and their accounts are touched: the cost is that neighbourhood
//! (PageRank of the affected accounts, a path search per orphaned person), not the
//! network. `C` after is the noisy-OR over the remaining ties in the same order, so a
//! tie of effective closeness 0 changes nothing, bit for bit.

use super::influence::rank_of;
use super::path::{self, Path};
use super::{closeness, strength, Ctx, Named};
use crate::graph::Graph;
use crate::model::{AccountId, EmployeeId, PersonId};
use serde::Serialize;

/// A person's closeness before and after the departure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosenessDrop<'s> {
    /// The person.
    pub person: Named<'s, PersonId>,
    /// `C` before.
    pub before: f64,
    /// `C` after.
    pub after: f64,
}

/// An account's strength before and after the departure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrengthDrop<'s> {
    /// The account.
    pub account: Named<'s, AccountId>,
    /// `A` before.
    pub before: f64,
    /// `A` after.
    pub after: f64,
}

/// A person left with no tie, and who could take the relationship over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Successor<'s> {
    /// The orphaned person.
    pub person: Named<'s, PersonId>,
    /// The strongest remaining path to the person, if any.
    pub successor: Option<Path<'s>>,
}

/// The impact of an employee's departure (lists by external id).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartureImpact<'s> {
    /// The employee who leaves.
    pub employee: Named<'s, EmployeeId>,
    /// Persons whose closeness strictly drops.
    pub persons: Vec<ClosenessDrop<'s>>,
    /// Accounts whose strength strictly drops.
    pub accounts: Vec<StrengthDrop<'s>>,
    /// Persons left with no tie, with their best successor.
    pub successors: Vec<Successor<'s>>,
}

/// Computes the departure impact of `e` (see the module documentation).
pub(crate) fn departure_impact<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    e: EmployeeId,
) -> DepartureImpact<'s> {
    let graph = ctx.graph;
    let mut tied: Vec<PersonId> = ctx
        .employee_ties(e)
        .filter_map(|i| ctx.tie_person(i))
        .collect();
    tied.sort_unstable();
    tied.dedup();
    let mut persons = Vec::new();
    let mut orphans = Vec::new();
    for &p in &tied {
        let before = ctx.closeness(p);
        let after = closeness::noisy_or(
            graph
                .person_ties(p)
                .filter(|&i| ctx.tie_employee(i) != Some(e))
                .map(|i| ctx.effective(i)),
        );
        if after < before {
            persons.push(ClosenessDrop {
                person: Named::person(graph, p),
                before,
                after,
            });
        }
        if ctx.person_ties(p).all(|i| ctx.tie_employee(i) == Some(e)) {
            orphans.push(p);
        }
    }
    // Accounts of the persons whose closeness dropped.
    let mut accounts_hit: Vec<AccountId> = persons
        .iter()
        .filter_map(|d| ctx.account_of(d.person.id))
        .collect();
    accounts_hit.sort_unstable();
    accounts_hit.dedup();
    let mut accounts = Vec::new();
    for a in accounts_hit {
        let members = ctx.account_persons(a);
        let pi = ctx.account_influence(a);
        let pi_of = |p: PersonId| rank_of(&members, &pi, p).unwrap_or(0.0);
        let before =
            strength::account_strength(graph, &members, pi_of, |p| ctx.closeness(p)).strength;
        let after_c = |p: PersonId| {
            persons
                .binary_search_by_key(&p, |d| d.person.id)
                .map_or_else(|_| ctx.closeness(p), |i| persons[i].after)
        };
        let after = strength::account_strength(graph, &members, pi_of, after_c).strength;
        if after < before {
            accounts.push(StrengthDrop {
                account: Named::account(graph, a),
                before,
                after,
            });
        }
    }
    let mut successors: Vec<Successor<'s>> = orphans
        .iter()
        .map(|&p| Successor {
            person: Named::person(graph, p),
            successor: path::strongest(ctx, p, 1, Some(e)).into_iter().next(),
        })
        .collect();
    persons.sort_by(|a, b| a.person.cmp(&b.person));
    accounts.sort_by(|a, b| a.account.cmp(&b.account));
    successors.sort_by(|a, b| a.person.cmp(&b.person));
    DepartureImpact {
        employee: Named::employee(graph, e),
        persons,
        accounts,
        successors,
    }
}
