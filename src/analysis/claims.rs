//! §9.3 — claim conflicts: two sellers who both claim one client.
//!
//! The **claimants** of an account `a` (of any kind) are the employees still with us
//! (§8.3) who own `a` (an owners row of kind account) or own a `lead`, `validation` or
//! `pursuit` project of `a` (an owners row of kind project). With two or more, the
//! account has a claim: each claimant with its reach into the account's people at the
//! date (see [`reach`](super::reach): fit, first and last contact, persons reached),
//! and the **holder** — the claimant with the highest fit; on equal fits (to
//! [`TIE_TOL`](super::TIE_TOL) relative, see `rank`) the one who first contacted the
//! account's people earliest (no contact counts as latest); then the smallest external
//! id. A claimant without any tie to the account has fit 0,
//! no contact and 0 persons reached.
//!
//! [`claims`] lists every account with a claim, **worst first**: the most open
//! pipeline at stake (4.12), then the most claimants, then the external id — the
//! conflicts a sales manager should settle first.

use super::reach::Reach;
use super::{asset, rank, sorted_by_xid, Ctx, Named};
use crate::graph::{Graph, Snapshot};
use crate::model::{AccountId, Day, EmployeeId, NodeKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// One claimant of an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claimant<'s> {
    /// The employee.
    pub employee: Named<'s, EmployeeId>,
    /// `Σ_p π(p)·c_eff(e, p)` over the account's persons at the date.
    pub fit: f64,
    /// The earliest interaction with the account's persons (on or before the date).
    pub first_contact: Option<Day>,
    /// The latest last contact with the account's persons.
    pub last_contact: Option<Day>,
    /// How many of the account's persons the employee has a tie with.
    pub reached: usize,
}

/// An account claimed by two or more employees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim<'s> {
    /// The account.
    pub account: Named<'s, AccountId>,
    /// The claimant who holds it: highest fit, then earliest first contact, then id.
    pub holder: Named<'s, EmployeeId>,
    /// Every claimant, by external id.
    pub claimants: Vec<Claimant<'s>>,
    /// The account's open pipeline (4.12): what the conflict is about.
    pub pipeline: f64,
}

/// The claimants of `a` at the context's date, by id.
pub(crate) fn claimants<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, a: AccountId) -> Vec<EmployeeId> {
    let graph = ctx.graph;
    let mut out: Vec<EmployeeId> = graph.account_owners(a).to_vec();
    for &x in graph.account_projects(a).iter() {
        if graph.project_stage(x).is_open() {
            out.extend_from_slice(&graph.project_owners(x));
        }
    }
    out.retain(|&e| !ctx.gone(e));
    out.sort_unstable();
    out.dedup();
    out
}

/// The claim on `a`, given every employee's reach into it; `None` with fewer than two
/// claimants.
pub(crate) fn claim<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    a: AccountId,
    reach: &BTreeMap<EmployeeId, Reach>,
) -> Option<Claim<'s>> {
    let graph = ctx.graph;
    let who = claimants(ctx, a);
    if who.len() < 2 {
        return None;
    }
    let mut claimants: Vec<Claimant<'s>> = who
        .into_iter()
        .map(|e| {
            let r = reach.get(&e).copied().unwrap_or_default();
            Claimant {
                employee: Named::employee(graph, e),
                fit: r.fit,
                first_contact: r.first_contact,
                last_contact: r.last_contact,
                reached: r.reached,
            }
        })
        .collect();
    claimants.sort_by(|x, y| x.employee.cmp(&y.employee));
    // Among the best fits (equal to TIE_TOL), the earliest first contact, none counting
    // as latest; then the smallest id (the list is by id, and min_by_key keeps the
    // first of equals).
    let holder = rank::nearly_largest(&claimants, |c| c.fit)
        .into_iter()
        .min_by_key(|c| (c.first_contact.is_none(), c.first_contact))?
        .employee
        .clone();
    Some(Claim {
        account: Named::account(graph, a),
        holder,
        claimants,
        pipeline: asset::pipeline(graph, a),
    })
}

/// Orders claims worst first: open pipeline descending, then more claimants, then
/// account external id.
pub(crate) fn worst_first(claims: &mut [Claim<'_>]) {
    claims.sort_by(|x, y| {
        y.pipeline
            .total_cmp(&x.pipeline)
            .then_with(|| y.claimants.len().cmp(&x.claimants.len()))
            .then_with(|| x.account.cmp(&y.account))
    });
}

/// Every account with a claim at the context's date, worst first.
pub(crate) fn all_claims<'s>(ctx: &Ctx<'s, &'s Snapshot>) -> Vec<Claim<'s>> {
    let mut out: Vec<Claim<'s>> = sorted_by_xid(ctx.graph, NodeKind::Account)
        .into_iter()
        .map(AccountId)
        .filter(|&a| claimants(ctx, a).len() >= 2)
        .filter_map(|a| {
            let pi = super::reach::account_pi(ctx, a);
            claim(ctx, a, &super::reach::account_reach(ctx, a, pi))
        })
        .collect();
    worst_first(&mut out);
    out
}
