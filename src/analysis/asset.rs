//! SPEC §4.12 — our company level.
//!
//! The open pipeline of an account is the sum of the amounts of its projects in lead,
//! validation or pursuit. The relationship asset `Σ_a A(a)·pipeline(a)` values the
//! relationship network by what it can win: strength where there is money at stake.
//! Accounts are ranked by `A(a)·pipeline(a)` descending, then external id. Sums run by
//! increasing id.

use crate::graph::Snapshot;
use crate::model::AccountId;

/// Open pipeline of an account: Σ amount over its lead/validation/pursuit projects.
pub fn pipeline(snapshot: &Snapshot, a: AccountId) -> f64 {
    snapshot
        .account_projects(a)
        .iter()
        .filter(|&&x| snapshot.project_stage(x).is_open())
        .map(|&x| snapshot.project_amount(x))
        .fold(0.0, |sum, amount| sum + amount) // not `sum()`: an empty f64 sum is -0.0
}

/// The company-level figures.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyLevel {
    /// `Σ_a A(a)·pipeline(a)`.
    pub relationship_asset: f64,
    /// Every account with `A(a)·pipeline(a)`, descending, then by external id.
    pub ranking: Vec<(AccountId, f64)>,
}

/// Computes the company level from every account's strength and pipeline (indexed by
/// account id).
pub fn company_level(snapshot: &Snapshot, strength: &[f64], pipeline: &[f64]) -> CompanyLevel {
    let mut ranking: Vec<(AccountId, f64)> = strength
        .iter()
        .zip(pipeline)
        .enumerate()
        .map(|(a, (s, p))| (AccountId(a as u32), s * p))
        .collect();
    let relationship_asset = ranking.iter().fold(0.0, |sum, r| sum + r.1); // +0.0 when empty
    ranking.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| snapshot.account_xid(a.0).cmp(snapshot.account_xid(b.0)))
    });
    CompanyLevel {
        relationship_asset,
        ranking,
    }
}
