//! §4.12 — our company level: the open pipeline and the relationship asset.
//!
//! The open pipeline of an account is the sum of the amounts of its projects in lead,
//! validation or pursuit. The relationship asset `Σ_a A(a)·pipeline(a)` values the
//! relationship network by what it can win: strength where there is money at stake.
//! Sums run by increasing id.

use crate::graph::Graph;
use crate::model::AccountId;

/// Open pipeline of an account: Σ amount over its lead/validation/pursuit projects.
pub(crate) fn pipeline<'s>(graph: impl Graph<'s>, a: AccountId) -> f64 {
    graph
        .account_projects(a)
        .iter()
        .filter(|&&x| graph.project_stage(x).is_open())
        .map(|&x| graph.project_amount(x))
        .fold(0.0, |sum, amount| sum + amount) // not `sum()`: an empty f64 sum is -0.0
}

/// `Σ_a A(a)·pipeline(a)` over `(strength, pipeline)` pairs, in the order given (the
/// accounts by increasing id).
pub(crate) fn relationship_asset(accounts: impl Iterator<Item = (f64, f64)>) -> f64 {
    accounts.fold(0.0, |sum, (s, p)| sum + s * p) // +0.0 when empty
}
