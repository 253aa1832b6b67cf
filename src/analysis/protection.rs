//! §9.4 — protection expiry: a protected account nobody has touched.
//!
//! An account (of any kind) is *protected* while it has a direct owner (an owners row
//! of kind account) still with us (§8.3). Its protection records the latest contact of
//! those owners with the account's people: `last_contact` is the latest `last(e, p)`
//! over those owners `e` and the persons `p` who work at the account on the date (none
//! if no such tie has a date), `days = max(0, t − last_contact)` (none without a
//! contact), and the protection has **expired** when there is no contact or `days >
//! protect_days` (90). An account without such an owner has no protection.
//!
//! [`protections`] lists every protected account **worst first**: expired before not
//! expired; among them, never contacted first, then the longest without contact; then
//! the external id.

use super::reach::Reach;
use super::{sorted_by_xid, Ctx, Named};
use crate::graph::{Graph, Snapshot};
use crate::model::{AccountId, Day, EmployeeId, NodeKind};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The protection of an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Protection<'s> {
    /// The account.
    pub account: Named<'s, AccountId>,
    /// Its direct owners still with us, by external id.
    pub owners: Vec<Named<'s, EmployeeId>>,
    /// The owners' latest contact with the account's persons.
    pub last_contact: Option<Day>,
    /// Days from that contact to the date (0 for a later contact); `None` without one.
    pub days: Option<i64>,
    /// No contact, or more than `protect_days` days since it.
    pub expired: bool,
}

/// The protection of `a`, given every employee's reach into it; `None` without a
/// direct owner still with us.
pub(crate) fn protection<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    a: AccountId,
    reach: &BTreeMap<EmployeeId, Reach>,
) -> Option<Protection<'s>> {
    let graph = ctx.graph;
    let mut owners: Vec<EmployeeId> = graph
        .account_owners(a)
        .iter()
        .copied()
        .filter(|&e| !ctx.gone(e))
        .collect();
    if owners.is_empty() {
        return None;
    }
    owners.sort_unstable();
    owners.dedup();
    let last_contact = owners
        .iter()
        .filter_map(|e| reach.get(e).and_then(|r| r.last_contact))
        .max();
    let days = last_contact.map(|d| d.days_until(ctx.as_of).max(0));
    let mut owners: Vec<Named<'s, EmployeeId>> = owners
        .into_iter()
        .map(|e| Named::employee(graph, e))
        .collect();
    owners.sort();
    Some(Protection {
        account: Named::account(graph, a),
        owners,
        last_contact,
        days,
        expired: days.is_none_or(|d| d > ctx.params.protect_days),
    })
}

/// Orders protections worst first (see the module documentation).
pub(crate) fn worst_first(list: &mut [Protection<'_>]) {
    list.sort_by(|x, y| {
        y.expired
            .cmp(&x.expired)
            .then_with(|| match (x.days, y.days) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(dx), Some(dy)) => dy.cmp(&dx),
            })
            .then_with(|| x.account.cmp(&y.account))
    });
}

/// Every protected account at the context's date, worst first.
pub(crate) fn all_protections<'s>(ctx: &Ctx<'s, &'s Snapshot>) -> Vec<Protection<'s>> {
    let snapshot = ctx.graph;
    let mut out: Vec<Protection<'s>> = sorted_by_xid(snapshot, NodeKind::Account)
        .into_iter()
        .map(AccountId)
        .filter(|&a| snapshot.account_owners(a).iter().any(|&e| !ctx.gone(e)))
        // Protection reads contacts only: no PageRank needed (the fits are left at 0).
        .filter_map(|a| protection(ctx, a, &super::reach::account_reach(ctx, a, |_| 0.0)))
        .collect();
    worst_first(&mut out);
    out
}
