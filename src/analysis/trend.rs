//! §8.4 — trends: closeness and strength now against `trend_days` earlier.
//!
//! The trend of a person is `C(p)` at the analysis date `t` minus `C(p)` at
//! `t − trend_days`; that of an account `A(a)` at `t` minus `A(a)` at `t − trend_days`.
//! Each side follows every rule at its own date: the interactions dated by then, who
//! worked where, who was gone, the decay to that day.
//!
//! A report needs only two things at the earlier date, not a second report: `C` of every
//! person (one pass over the ties) and `A` of every account. `A` needs π, which depends
//! on the date only through the account's set of persons, so PageRank runs again only
//! for the accounts whose persons differ between the two dates (none when no
//! employment period has a date).

use super::{closeness, decay, influence, Ctx, Params, Precomputed};
use crate::graph::{Graph, Snapshot};
use crate::model::{AccountId, Day, NodeKind, PersonId};
use rayon::prelude::*;

/// `t − trend_days`, or the earliest representable day if that is earlier still.
pub(crate) fn earlier_day(as_of: Day, trend_days: i64) -> Day {
    let days = i64::from(as_of.days_since_epoch()) - trend_days.max(0);
    i32::try_from(days)
        .ok()
        .and_then(Day::from_days_since_epoch)
        .or_else(|| {
            // Below the calendar's range: search down to its first day.
            let (mut lo, mut hi) = (i64::from(i32::MIN), i64::from(as_of.days_since_epoch()));
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if Day::from_days_since_epoch(mid as i32).is_some() {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            Day::from_days_since_epoch(hi as i32)
        })
        .unwrap_or(as_of)
}

/// What a report's trends need at the earlier date.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Earlier {
    /// `C(p)` by person id.
    pub(crate) closeness: Vec<f64>,
    /// `A(a)` by account id.
    pub(crate) strength: Vec<f64>,
}

impl Earlier {
    /// The figures at `day`, reusing `now`'s π for every account whose persons are the
    /// same at both dates.
    pub(crate) fn compute(
        snapshot: &Snapshot,
        params: &Params,
        now: &Precomputed<'_>,
        day: Day,
    ) -> Earlier {
        let effective = decay::effective_ties(snapshot, params, day);
        let closeness = closeness::all_closeness(snapshot, &effective);
        let staffing = snapshot.staffing(day);
        let na = snapshot.id_bound(NodeKind::Account);
        let strength = (0..na as u32)
            .into_par_iter()
            .map(|a| {
                let a = AccountId(a);
                let persons = staffing.persons(a);
                let c = |p: PersonId| closeness.get(p.index()).copied().unwrap_or(0.0);
                if persons == now.staffing.persons(a) {
                    let pi = |p: PersonId| now.influence.get(p.index()).copied().unwrap_or(0.0);
                    strength(persons, pi, c)
                } else {
                    let ranks = influence::account_pagerank(snapshot, &staffing, a, params);
                    let pi = |p: PersonId| influence::rank_of(persons, &ranks, p).unwrap_or(0.0);
                    strength(persons, pi, c)
                }
            })
            .collect();
        Earlier {
            closeness,
            strength,
        }
    }
}

/// `A = Σ π·C` over `persons`, in their order (4.5).
fn strength(
    persons: &[PersonId],
    pi: impl Fn(PersonId) -> f64,
    c: impl Fn(PersonId) -> f64,
) -> f64 {
    persons.iter().fold(0.0, |sum, &p| sum + pi(p) * c(p))
}

/// `A(a)` at the context's date, on demand: the PageRank of the account's persons then.
pub(crate) fn account_strength_at<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, a: AccountId) -> f64 {
    let persons = ctx.account_persons(a);
    let ranks = ctx.account_influence(a);
    persons
        .iter()
        .zip(&ranks)
        .fold(0.0, |sum, (&p, &pi)| sum + pi * ctx.closeness(p))
}
