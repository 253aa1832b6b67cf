//! Ranking by a computed figure when two figures are equal in exact arithmetic.
//!
//! Levers are ranked by gain (§9.1), claimants and owners by fit (§9.3, §9.5), strongest
//! paths by strength (§4.8) and coach candidates by score (§4.9), each with a tie-break. Two figures that are equal in exact arithmetic — two persons in
//! symmetric places of a decision chain, two sellers with the same contacts — can come
//! out of floating-point sums or an iterative solve a few units in the last place
//! apart, and the tie-break would then be decided by rounding instead of by its rule.
//! So figures that agree to [`TIE_TOL`] relative are equal for ranking purposes; the
//! figures themselves are reported as computed.

use std::cmp::Ordering;

/// Two figures whose difference is at most this times the larger magnitude are equal
/// when ranking.
pub const TIE_TOL: f64 = 1e-12;

/// Whether `a` and `b` are equal for ranking purposes.
pub(crate) fn nearly_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE_TOL * a.abs().max(b.abs())
}

/// Sorts `items` by `value` descending; runs of values each [`nearly_equal`] to the
/// next are then ordered by `tie_break` alone.
pub(crate) fn sort_descending<T>(
    items: &mut [T],
    value: impl Fn(&T) -> f64,
    tie_break: impl Fn(&T, &T) -> Ordering,
) {
    items.sort_by(|a, b| value(b).total_cmp(&value(a)).then_with(|| tie_break(a, b)));
    let mut start = 0;
    for i in 1..=items.len() {
        if i == items.len() || !nearly_equal(value(&items[i - 1]), value(&items[i])) {
            items[start..i].sort_by(&tie_break);
            start = i;
        }
    }
}

/// The items whose `value` is [`nearly_equal`] to the largest (none if `items` is
/// empty).
pub(crate) fn nearly_largest<T>(items: &[T], value: impl Fn(&T) -> f64) -> Vec<&T> {
    let Some(top) = items.iter().map(&value).max_by(f64::total_cmp) else {
        return Vec::new();
    };
    items
        .iter()
        .filter(|t| nearly_equal(value(t), top))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_a_rounding_apart_are_ranked_by_the_tie_break() {
        let a = 0.124_953_624_515_164_9;
        let b = 0.124_953_624_515_164_3; // equal in exact arithmetic, 6e-16 apart here
        let mut v = vec![("z", a), ("m", 0.5), ("b", b), ("c", 0.01)];
        sort_descending(&mut v, |x| x.1, |x, y| x.0.cmp(y.0));
        let ids: Vec<&str> = v.iter().map(|x| x.0).collect();
        assert_eq!(ids, ["m", "b", "z", "c"]);
        assert!(!nearly_equal(0.5, 0.5 + 1e-9));
        assert!(nearly_equal(0.0, 0.0));
        let top = nearly_largest(&v, |x| x.1);
        assert_eq!(top.len(), 1);
        assert!(nearly_largest(&[] as &[(i32, f64)], |x| x.1).is_empty());
    }
}
