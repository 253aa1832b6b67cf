//! A project's `I − M` factorised once, for the exact solves of 4.6 and 9.1 on small
//! projects.
//!
//! Both the opinions (4.6) and the leverages (9.1) solve a system in `A = I − M`, where
//! row `p` of `M` is `λ·W_p` for a person who defers to somebody among the project's
//! persons and zero otherwise: the opinions `A·x = diag(g)·s`, the leverages
//! `Aᵀ·y = r`. Sweeps cost a pass over the deference edges each, and the generated
//! networks need about twenty of them for each system; for a project of `n` persons an
//! elimination costs at most `n³/3` multiply-adds once, and each solve then `n²`, and
//! it is exact up to rounding instead of up to a stopping rule. On the generated
//! networks, whose projects have at most 49 persons, most of them in one cycle, a full
//! report counts 6.7 % fewer instructions than with sweeps (see `BENCHMARKS.md`).
//! The cubic cost overtakes the sweeps' somewhere above that: [`DENSE_MAX`] is set
//! where, by estimate rather than measurement, the two are of the same order (64
//! persons in one cycle: about 87 000 multiply-adds, against some forty sweeps over a
//! few hundred edges for the two systems).
//!
//! No pivoting is needed: every row of `M` sums to λ or 0 with λ < 1 (the parameters'
//! check refuses λ ≥ 1), so `A` is strictly diagonally dominant by rows, every pivot of
//! the elimination stays at least `1 − λ` and the elimination is backward stable. Row
//! `p` of a person who defers to nobody is a unit row, and stays one, so such a
//! person's `x` comes out as `s` exactly.
//!
//! The elimination runs in a fixed order on fixed data, so its results do not depend on
//! the thread count or on which part of the program asks.

use super::opinion::InducedDeference;

/// Projects with at most this many persons are solved by elimination, larger ones by
/// sweeps (see the module documentation).
pub(crate) const DENSE_MAX: usize = 64;

/// `I − λ·W` (rows of persons who defer to nobody left as unit rows), its rows and
/// columns taken in [`InducedDeference::order`], as its LU factors, row-major: `U` on
/// and above the diagonal, the multipliers of `L` (whose diagonal is 1) below it.
///
/// In that order everyone comes after those they defer to as far as cycles allow, so
/// the matrix is lower triangular but for the cycles' back edges: `U` has entries only
/// where cycles are, and the elimination only works inside them.
pub(crate) struct Factors {
    n: usize,
    /// Position in the project's list of the `t`-th row and column.
    order: Vec<usize>,
    lu: Vec<f64>,
    /// For each row `t`, one past its last non-zero entry of `U` right of the diagonal
    /// (`t + 1` when it has none).
    end: Vec<usize>,
}

impl Factors {
    /// The factors of the project's `I − M`, or `None` when the project has more than
    /// [`DENSE_MAX`] persons or λ is outside `[0, 1)`, where sweeps are used instead.
    #[allow(clippy::many_single_char_names)] // matrices, named as in the formulas
    pub(crate) fn new(w: &InducedDeference, lambda: f64) -> Option<Factors> {
        let n = w.len();
        if n > DENSE_MAX || !(0.0..1.0).contains(&lambda) {
            return None;
        }
        let order = w.order().to_vec();
        let mut at = vec![0usize; n];
        for (t, &i) in order.iter().enumerate() {
            at[i] = t;
        }
        let mut lu = vec![0.0; n * n];
        let mut end: Vec<usize> = (1..=n).collect();
        for (t, &i) in order.iter().enumerate() {
            lu[t * n + t] = 1.0;
            for &(j, wij) in w.row(i) {
                let c = at[j];
                lu[t * n + c] -= lambda * wij;
                end[t] = end[t].max(c + 1);
            }
        }
        for k in 0..n {
            let pivot = lu[k * n + k];
            let end_k = end[k];
            let (upper, lower) = lu.split_at_mut((k + 1) * n);
            let row_k = &upper[k * n + k + 1..k * n + end_k];
            for (i, row_i) in lower.chunks_exact_mut(n).enumerate() {
                let a = row_i[k];
                if a == 0.0 {
                    continue; // nothing to eliminate in this row
                }
                let l = a / pivot;
                row_i[k] = l;
                for (x, &u) in row_i[k + 1..end_k].iter_mut().zip(row_k) {
                    *x -= l * u;
                }
                let e = &mut end[k + 1 + i];
                *e = (*e).max(end_k);
            }
        }
        Some(Factors { n, order, lu, end })
    }

    /// Solves `A·x = b` in place.
    pub(crate) fn solve(&self, b: &mut [f64]) {
        let n = self.n;
        let mut z: Vec<f64> = self.order.iter().map(|&i| b[i]).collect();
        for t in 0..n {
            let row = &self.lu[t * n..t * n + t];
            let s: f64 = row.iter().zip(&z[..t]).map(|(l, x)| l * x).sum();
            z[t] -= s;
        }
        for t in (0..n).rev() {
            let row = &self.lu[t * n + t + 1..t * n + self.end[t]];
            let s: f64 = row.iter().zip(&z[t + 1..]).map(|(u, x)| u * x).sum();
            z[t] = (z[t] - s) / self.lu[t * n + t];
        }
        for (&i, &v) in self.order.iter().zip(&z) {
            b[i] = v;
        }
    }

    /// Solves `Aᵀ·y = b` in place (`Uᵀ·z = b`, then `Lᵀ·y = z`).
    pub(crate) fn solve_transposed(&self, b: &mut [f64]) {
        let n = self.n;
        let mut z: Vec<f64> = self.order.iter().map(|&i| b[i]).collect();
        for t in 0..n {
            z[t] /= self.lu[t * n + t];
            let v = z[t];
            if v != 0.0 {
                let row = &self.lu[t * n + t + 1..t * n + self.end[t]];
                for (x, &u) in z[t + 1..].iter_mut().zip(row) {
                    *x -= u * v;
                }
            }
        }
        for t in (0..n).rev() {
            let v = z[t];
            if v != 0.0 {
                let row = &self.lu[t * n..t * n + t];
                for (x, &l) in z[..t].iter_mut().zip(row) {
                    *x -= l * v;
                }
            }
        }
        for (&i, &v) in self.order.iter().zip(&z) {
            b[i] = v;
        }
    }
}

#[cfg(test)]
#[allow(clippy::many_single_char_names)] // matrices, named as in the formulas
mod tests {
    use super::*;
    use crate::analysis::opinion::tests::deference;

    #[test]
    fn a_two_person_cycle_is_solved_exactly_both_ways() {
        // 0 and 1 defer to each other, 2 defers to 0; λ = 0.5:
        // x0 = ½x1 + ½s0, x1 = ½x0 + ½s1, x2 = ½x0 + ½s2.
        let w = deference(&[vec![(1, 1.0)], vec![(0, 1.0)], vec![(0, 2.0)]]);
        let f = Factors::new(&w, 0.5).expect("small enough");
        let s = [1.0, -1.0, 0.0];
        let mut x: Vec<f64> = s.iter().map(|v| 0.5 * v).collect();
        f.solve(&mut x);
        let want = [1.0 / 3.0, -1.0 / 3.0, 1.0 / 6.0];
        for (g, w) in x.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{g} against {w}");
        }
        // (I − M)ᵀ·y = r with r = (0, 0, 1): y2 = 1, y0 = ½y1 + ½y2, y1 = ½y0.
        let mut y = vec![0.0, 0.0, 1.0];
        f.solve_transposed(&mut y);
        let want = [2.0 / 3.0, 1.0 / 3.0, 1.0];
        for (g, w) in y.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{g} against {w}");
        }
    }

    #[test]
    fn large_projects_and_unusable_susceptibilities_are_left_to_the_sweeps() {
        let rows: Vec<Vec<(usize, f64)>> = (0..=DENSE_MAX)
            .map(|i| vec![((i + 1) % (DENSE_MAX + 1), 1.0)])
            .collect();
        assert!(Factors::new(&deference(&rows), 0.5).is_none());
        let rows = &rows[..DENSE_MAX];
        let rows: Vec<Vec<(usize, f64)>> = rows
            .iter()
            .enumerate()
            .map(|(i, _)| vec![((i + 1) % DENSE_MAX, 1.0)])
            .collect();
        let w = deference(&rows);
        assert!(Factors::new(&w, 0.5).is_some());
        assert!(Factors::new(&w, 1.0).is_none());
        assert!(Factors::new(&w, f64::NAN).is_none());
    }
}
