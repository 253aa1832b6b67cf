//! §9.5 — best owner: who among our staff is best placed to own a client.
//!
//! For each account of kind client, the employee still with us (§8.3) with the highest
//! `Σ_{p of a} π(p)·c_eff(e, p)` over the persons who work at the account on the date —
//! 4.10's fit, for every employee and not only the owners — ties (to
//! [`TIE_TOL`](super::TIE_TOL) relative) broken by external id.
//! There is a best owner only when that fit is above 0; competitors and partners have
//! none. Comparing it with the actual owners shows accounts owned by the wrong person.

use super::reach::Reach;
use super::{rank, Ctx, Named};
use crate::graph::Graph;
use crate::model::{AccountId, AccountKind, EmployeeId};
use serde::Serialize;
use std::collections::BTreeMap;

/// The best-placed owner of a client account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestOwner<'s> {
    /// The account.
    pub account: Named<'s, AccountId>,
    /// The employee.
    pub employee: Named<'s, EmployeeId>,
    /// Its fit (> 0).
    pub fit: f64,
}

/// The best owner of `a`, given every employee's reach into it; `None` for a
/// competitor or partner, or when nobody has a fit above 0.
pub(crate) fn best_owner<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    a: AccountId,
    reach: &BTreeMap<EmployeeId, Reach>,
) -> Option<BestOwner<'s>> {
    let graph = ctx.graph;
    if graph.account_kind(a) != AccountKind::Client {
        return None;
    }
    let fits: Vec<(Named<'s, EmployeeId>, f64)> = reach
        .iter()
        .filter(|(_, r)| r.fit > 0.0)
        .map(|(&e, r)| (Named::employee(graph, e), r.fit))
        .collect();
    rank::nearly_largest(&fits, |f| f.1)
        .into_iter()
        .min_by(|x, y| x.0.cmp(&y.0))
        .map(|(employee, fit)| BestOwner {
            account: Named::account(graph, a),
            employee: employee.clone(),
            fit: *fit,
        })
}
