//! §9.5 — best owner: who among our staff is best placed to own a client.
//!
//! For each account of kind client, the employee still with us (§8.3) with the highest
//! `Σ_{p of a} π(p)·c_eff(e, p)` over the persons who work at the account on the date —
//! 4.10's fit, for every employee and not only the owners — ties broken by external id.
//! There is a best owner only when that fit is above 0; competitors and partners have
//! none. Comparing it with the actual owners shows accounts owned by the wrong person.

use super::reach::Reach;
use super::{Ctx, Named};
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
pub(crate) fn best_owner<'s>(
    ctx: &Ctx<'s>,
    a: AccountId,
    reach: &BTreeMap<EmployeeId, Reach>,
) -> Option<BestOwner<'s>> {
    let snapshot = ctx.snapshot;
    if snapshot.account_kind(a) != AccountKind::Client {
        return None;
    }
    reach
        .iter()
        .filter(|(_, r)| r.fit > 0.0)
        .map(|(&e, r)| (Named::employee(snapshot, e), r.fit))
        .min_by(|(ex, fx), (ey, fy)| fy.total_cmp(fx).then_with(|| ex.cmp(ey)))
        .map(|(employee, fit)| BestOwner {
            account: Named::account(snapshot, a),
            employee,
            fit,
        })
}
