//! §4.3 — a person's value and stance in a project.
//!
//! `V(p, x)` is the mean of the *known* values among `C(p)`, solution acceptance
//! `S(p, x)` and price acceptance `P(p, x)`. C is always known, so a person with no known
//! acceptance — a non-member included — has `V = C`. The stance `s = 2V − 1` maps
//! value onto `[−1, 1]` (against … for us), the scale of Friedkin–Johnsen (4.6).

use crate::model::Member;

/// `V(p, x)`: the mean of `closeness` and the member's known acceptances (summed in the
/// order C, S, P). `member` is `None` for a person outside the chain.
pub(crate) fn value(closeness: f64, member: Option<&Member>) -> f64 {
    let (mut sum, mut n) = (closeness, 1.0);
    if let Some(m) = member {
        for s in [m.solution, m.price].into_iter().flatten() {
            sum += s.get();
            n += 1.0;
        }
    }
    sum / n
}

/// `s(p, x) = 2·V(p, x) − 1`.
pub(crate) fn stance(closeness: f64, member: Option<&Member>) -> f64 {
    2.0 * value(closeness, member) - 1.0
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // these values are exact in binary floating point
mod tests {
    use super::*;
    use crate::model::{Role, Score};

    #[test]
    fn value_averages_known_values_only() {
        let mut m = Member {
            role: Role::User,
            coach: false,
            solution: None,
            price: Some(Score::new(0.2).unwrap()),
        };
        assert!((value(0.6, Some(&m)) - 0.4).abs() < 1e-15);
        m.solution = Some(Score::new(0.7).unwrap());
        assert!((value(0.6, Some(&m)) - 0.5).abs() < 1e-15);
        assert_eq!(value(0.6, None), 0.6);
        assert!((stance(0.25, None) + 0.5).abs() < 1e-15);
    }
}
