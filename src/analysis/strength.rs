//! §4.5 — account strength (account level).
//!
//! `A(a) = Σ_p π(p)·C(p)` over the account's persons at the analysis date (§8.2; 0 for
//! an account with none): our
//! closeness to its people, weighted by how influential each is inside the account. For
//! each competitor `k` with a rival tie to at least one of its persons — of any
//! closeness, 0 included, since only the tie's existence makes `k` a rival — the rival
//! strength `A_k(a) = Σ_p π(p)·Rv(p, k)`; advantage `A(a) − max_k A_k(a)` (0 for no
//! rival). Sums run over the account's persons by increasing id.

use crate::graph::Graph;
use crate::model::{AccountId, PersonId};
use std::collections::BTreeMap;

/// The strength of one account.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AccountStrength {
    /// `A(a)`.
    pub(crate) strength: f64,
    /// `A_k(a)` for each competitor with a rival tie into the account.
    pub(crate) rivals: BTreeMap<AccountId, f64>,
    /// `A(a) − max_k A_k(a)`.
    pub(crate) advantage: f64,
}

/// Computes [`AccountStrength`] of an account whose persons are `persons` (by increasing
/// id), from per-person `π` and `C`.
pub(crate) fn account_strength<'s>(
    graph: impl Graph<'s>,
    persons: &[PersonId],
    pi: impl Fn(PersonId) -> f64,
    closeness: impl Fn(PersonId) -> f64,
) -> AccountStrength {
    let mut strength = 0.0;
    let mut rivals: BTreeMap<AccountId, f64> = BTreeMap::new();
    for &p in persons {
        let w = pi(p);
        strength += w * closeness(p);
        for r in graph.rival_ties(p).iter() {
            *rivals.entry(r.competitor).or_insert(0.0) += w * r.closeness;
        }
    }
    let best_rival = rivals.values().fold(0.0, |m: f64, &v| m.max(v));
    AccountStrength {
        strength,
        advantage: strength - best_rival,
        rivals,
    }
}
