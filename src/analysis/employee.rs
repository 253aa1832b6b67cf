//! §4.10 — employee level.
//!
//! For employee `e` at the analysis date:
//!
//! * `portfolio(e) = Σ_p π(p)·c_eff(e, p)` over e's ties — the influence e can reach;
//! * `sole_ties(e)` — persons whose only tie is e's (any closeness): the relationships
//!   the company loses if e leaves;
//! * `fit(e, a) = Σ_{p of a} π(p)·c_eff(e, p)` for each account `a` that e owns
//!   directly (an owners row of kind account), over the persons who work at `a` at the
//!   date — how well e is placed to own it; 0 for an owned account where e has no tie.
//!
//! Ties are those of §8.1 at the date (records and interactions). A gone employee
//! (§8.3) has no tie and owns nothing: every figure is empty. Sums run over e's ties in
//! the snapshot's order (by person id).

use super::{Ctx, Named};
use crate::graph::Graph;
use crate::model::{AccountId, EmployeeId, PersonId};
use serde::Serialize;
use std::collections::BTreeMap;

/// The employee-level figures of one employee.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmployeeFigures<'s> {
    /// The employee.
    pub employee: Named<'s, EmployeeId>,
    /// Whether the employee is gone at the date (§8.3): then every figure is empty.
    pub gone: bool,
    /// `Σ π·c_eff` over the employee's ties.
    pub portfolio: f64,
    /// Persons whose only tie is this employee's, by external id.
    pub sole_ties: Vec<Named<'s, PersonId>>,
    /// `fit(e, a)` per directly owned account, by external id.
    pub fit: BTreeMap<Named<'s, AccountId>, f64>,
}

/// Computes [`EmployeeFigures`] for `e`, with `pi` giving π per person.
pub(crate) fn employee_figures<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    e: EmployeeId,
    pi: impl Fn(PersonId) -> f64,
) -> EmployeeFigures<'s> {
    let graph = ctx.graph;
    let gone = ctx.gone(e);
    let mut portfolio = 0.0;
    let mut fit: BTreeMap<AccountId, f64> = if gone {
        BTreeMap::new()
    } else {
        graph.owned_accounts(e).iter().map(|&a| (a, 0.0)).collect()
    };
    let mut sole_ties = Vec::new();
    for i in ctx.employee_ties(e) {
        let Some(p) = ctx.tie_person(i) else {
            continue;
        };
        let w = pi(p) * ctx.effective(i);
        portfolio += w;
        if let Some(f) = ctx.account_of(p).and_then(|a| fit.get_mut(&a)) {
            *f += w;
        }
        if ctx.person_ties(p).all(|j| ctx.tie_employee(j) == Some(e)) {
            sole_ties.push(p);
        }
    }
    let mut sole_ties: Vec<Named<'s, PersonId>> = sole_ties
        .into_iter()
        .map(|p| Named::person(graph, p))
        .collect();
    sole_ties.sort_by(|a, b| a.xid.cmp(&b.xid));
    sole_ties.dedup_by(|a, b| a.id == b.id);
    EmployeeFigures {
        employee: Named::employee(graph, e),
        gone,
        portfolio,
        sole_ties,
        fit: fit
            .into_iter()
            .map(|(a, f)| (Named::account(graph, a), f))
            .collect(),
    }
}
