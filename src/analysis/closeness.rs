//! §4.2 — a person's closeness to us (key-person level).
//!
//! `C(p) = 1 − Π_e (1 − c_eff(e, p))` over every tie of the person at the date, private
//! ones and ties of interactions alone included (§8.1): a noisy-OR, so that each extra
//! tie can only raise closeness and no tie can push it above 1. A person with no tie has
//! `C = 0`. A tie that does not count at the date (not yet, or a gone employee's) has
//! `c_eff = 0` and leaves the product unchanged. The product runs over the person's
//! ties in the snapshot's fixed order (by employee id).
//!
//! Rival closeness `Rv(p, k)` is the closeness of competitor `k`'s rival tie to `p` (0 if
//! none); it never decays.

use super::Ctx;
use crate::graph::{Graph, Snapshot};
use crate::model::{AccountId, NodeKind, PersonId};
use rayon::prelude::*;

/// Noisy-OR of probabilities: `1 − Π (1 − v)`; 0 for none.
pub(crate) fn noisy_or(values: impl IntoIterator<Item = f64>) -> f64 {
    1.0 - values.into_iter().fold(1.0, |acc, v| acc * (1.0 - v))
}

/// `C(p)` computed from the person's ties at `ctx.as_of`.
pub(crate) fn person_closeness<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, p: PersonId) -> f64 {
    noisy_or(ctx.graph.person_ties(p).map(|i| ctx.effective(i)))
}

/// `C(p)` for every person id (0 for holes), from `c_eff` by tie index
/// ([`super::decay::effective_ties`]).
pub(crate) fn all_closeness(snapshot: &Snapshot, effective: &[f64]) -> Vec<f64> {
    (0..snapshot.id_bound(NodeKind::Person) as u32)
        .into_par_iter()
        .map(|p| {
            noisy_or(
                snapshot
                    .person_tie_range(PersonId(p))
                    .map(|i| effective.get(i).copied().unwrap_or(0.0)),
            )
        })
        .collect()
}

/// `Rv(p, k)`: competitor `k`'s rival closeness to `p` (0 if none).
pub(crate) fn rival_closeness<'s>(graph: impl Graph<'s>, p: PersonId, k: AccountId) -> f64 {
    graph
        .rival_ties(p)
        .iter()
        .find(|r| r.competitor == k)
        .map_or(0.0, |r| r.closeness)
}

/// `max_k Rv(p, k)` over every competitor (0 if none).
pub(crate) fn max_rival_closeness<'s>(graph: impl Graph<'s>, p: PersonId) -> f64 {
    graph
        .rival_ties(p)
        .iter()
        .fold(0.0, |m: f64, r| m.max(r.closeness))
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // these values are exact in binary floating point
mod tests {
    use super::*;

    #[test]
    fn noisy_or_of_nothing_is_zero_and_of_halves_is_three_quarters() {
        assert_eq!(noisy_or([]), 0.0);
        assert_eq!(noisy_or([0.5, 0.5]), 0.75);
        assert_eq!(noisy_or([1.0, 0.3]), 1.0);
    }

    proptest::proptest! {
        #[test]
        fn noisy_or_is_monotone_and_in_unit_interval(values in proptest::collection::vec(0.0f64..=1.0, 0..8), extra in 0.0f64..=1.0) {
            let base = noisy_or(values.iter().copied());
            let more = noisy_or(values.iter().copied().chain([extra]));
            proptest::prop_assert!((0.0..=1.0).contains(&base));
            proptest::prop_assert!(more >= base);
        }
    }
}
