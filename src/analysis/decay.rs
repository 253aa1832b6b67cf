//! §4.1 and §8.1 — the effective closeness of every tie, precomputed for a whole report.
//!
//! `c' = closeness · 2^(−d / half_life)` with `d = max(0, days from last_contact to
//! as_of)` decays an assessed tie: a relationship not tended for one half-life counts
//! half. A contact dated after `as_of` gives `d = 0`; a tie with no last contact does
//! not decay. §8.1 adds the evidence of interactions and replaces `c'` everywhere by
//! the effective closeness `c_eff = 1 − (1 − c_tie)(1 − c_int)`. The formulas are the
//! snapshot's ([`Snapshot::effective_closeness`]), so that the graph views, the
//! drawings and every analysis use the same ones.

use super::Params;
use crate::graph::Snapshot;
use crate::model::Day;
use rayon::prelude::*;

/// `c_eff` of every tie of the snapshot at `day`, by tie index (see
/// [`Snapshot::ties`]); 0 for a tie that does not count then.
pub(crate) fn effective_ties(snapshot: &Snapshot, params: &Params, day: Day) -> Vec<f64> {
    let tie = params.tie_params();
    (0..snapshot.ties().len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| snapshot.effective_closeness(i, day, &tie))
        .collect()
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // these values are exact in binary floating point
mod tests {
    use crate::graph::TieRecord;
    use crate::model::{Day, EmployeeId, PersonId};

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn decayed(closeness: f64, last_contact: Option<Day>, as_of: Day, half_life: f64) -> f64 {
        let tie = TieRecord {
            employee: EmployeeId(0),
            person: PersonId(0),
            recorded: true,
            closeness,
            last_contact,
            private: false,
        };
        tie.decayed(as_of, half_life)
    }

    #[test]
    fn one_half_life_halves_and_future_or_undated_contacts_do_not_decay() {
        let as_of = day("2025-06-30");
        // 2024-12-01 → 2025-06-30 is 211 days: 0.8 · 2^(−211/180).
        let c = decayed(0.8, Some(day("2024-12-01")), as_of, 180.0);
        assert!((c - 0.8 * 2f64.powf(-211.0 / 180.0)).abs() < 1e-15);
        assert!((c - 0.354_989_850_648_746_2).abs() < 1e-12);
        assert_eq!(
            decayed(0.8, Some(day("2025-01-01")), as_of, 180.0),
            0.8 * 0.5
        );
        assert_eq!(decayed(0.8, Some(day("2025-07-30")), as_of, 180.0), 0.8);
        assert_eq!(decayed(0.8, None, as_of, 180.0), 0.8);
    }
}
