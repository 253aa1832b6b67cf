//! §9.1 — levers: whom to work on next in a project.
//!
//! 4.6 propagates stances through the project's deference graph and averages them into
//! the consensus. The consensus is linear in the stances, so each person's weight in
//! it — the **leverage** `∂consensus / ∂s(p)` — says how much winning that person over
//! moves the whole decision chain, directly and through everyone who defers to them.
//!
//! With `D` the persons who defer to somebody among the project's persons, `g_p = 1 − λ`
//! for `p` in `D` and 1 otherwise, and `M` the matrix whose row `p` is `λ·W_p` for `p`
//! in `D` and zero otherwise, 4.6's fixed point is `x = (I − M)⁻¹·diag(g)·s`. With
//! `r_p` the role weight of a chain member (0 for other persons), consensus is
//! `rᵀx / Σr`, so
//!
//! ```text
//! leverage(p) = g_p · y_p / Σ_q r_q        where (I − M)ᵀ·y = r
//! gain(p)     = leverage(p) · (1 − s(p))   how much consensus rises if p is won over
//! ```
//!
//! One adjoint solve gives every person's leverage at once; they sum to 1 (raising
//! every stance by the same amount raises consensus by that amount).
//!
//! **The solve.** On a project of at most [`DENSE_MAX`](super::dense::DENSE_MAX) persons,
//! by the factors of `I − M` that 4.6 computed ([`Factors::solve_transposed`]): `I − M`
//! is an M-matrix, so the solves only add terms of one sign, every `y` is accurate to a
//! few roundings of itself, and a person whom no chain member defers to gets exactly 0
//! (no non-zero term ever reaches it). On a larger project, `y` is the fixed point of
//! `y = r + Mᵀ·y`, found by Gauss–Seidel sweeps
//! from `y = 0`: each person's `y` is gathered from the newest values of the persons who
//! defer to them (the rows of `Mᵀ`, each in increasing position, so every sum runs in a
//! fixed order), the persons taken in the reverse of [`InducedDeference::order`] — on an
//! acyclic graph, everyone after those who defer to them, so one sweep solves it.
//! Starting from 0 matters: a person whom no chain member defers to, directly or through
//! others, never receives anything, so its `y` and leverage are exactly 0, not a
//! rounding residue. Each row of `M` sums to `λ` or 0, so `‖Mᵀ‖₁ ≤ λ < 1`. The sweeps
//! stop when a rigorous bound on the error of the leverages, `Σ_p |error(p)|`, is below
//! [`LEVERAGE_TOL`] = 1e-16:
//!
//! * `λ/(1 − λ) · ‖Δy‖₁ / Σr` after a sweep that changed `y` by `Δy` — after a sweep,
//!   each person's equation misses only the changes of the persons later in it, so the
//!   residual is at most `λ·‖Δy‖₁` and the error at most `1/(1 − λ)` times that;
//!
//! and, as a guard against a last-bit oscillation that would keep `‖Δy‖₁` above it, after
//! as many sweeps as the plain iteration's a priori bound `λᵏ/(1 − λ)` asks for (at
//! λ = 0.5, 55; on a non-negative matrix sweeps converge asymptotically at least as fast
//! as rounds of the plain iteration). The solve runs to the rounding of the sums themselves (the float
//! epsilon times the number of persons), so that leverages equal in exact arithmetic
//! come out a few units in the last place apart at most, and the ranking's tie rule
//! ([`TIE_TOL`](super::TIE_TOL)) recognises them. A sweep costs `O(edges)`, an
//! elimination `O(n³)`: above a few dozen persons the sweeps are the cheaper.

use super::dense::Factors;
use super::opinion::{chain_positions, InducedDeference};
use super::path::{self};
use super::{rank, Ctx, Named, Opinion};
use crate::graph::Graph;
use crate::model::{EmployeeId, PersonId, ProjectId};
use serde::Serialize;

/// Bound on `Σ_p |error of leverage(p)|` at which the adjoint solve stops (see the
/// module documentation).
pub const LEVERAGE_TOL: f64 = 1e-16;

/// A person's leverage on a project's consensus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leverage<'s> {
    /// The person.
    pub person: Named<'s, PersonId>,
    /// `∂consensus / ∂s(p)`.
    pub leverage: f64,
    /// The person's stance `s(p, x)` (§4.3).
    pub stance: f64,
    /// `leverage · (1 − stance)`: the rise of consensus if the person is won over
    /// completely.
    pub gain: f64,
}

/// One of a project's top levers, with the employee who can best reach the person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lever<'s> {
    /// The person.
    pub person: Named<'s, PersonId>,
    /// `∂consensus / ∂s(p)`.
    pub leverage: f64,
    /// The person's stance `s(p, x)` (§4.3).
    pub stance: f64,
    /// `leverage · (1 − stance)`.
    pub gain: f64,
    /// The first employee of §4.8's ranking for the person; `None` when nobody reaches
    /// them.
    pub via: Option<Named<'s, EmployeeId>>,
    /// The strength of `via`'s strongest path (0 when `via` is `None`).
    pub path_strength: f64,
    /// The persons along that path, from `via`'s contact to the person (both included;
    /// empty when `via` is `None`).
    pub path: Vec<Named<'s, PersonId>>,
}

/// The levers of one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Levers<'s> {
    /// The project.
    pub project: Named<'s, ProjectId>,
    /// Every person of the project (§4.6) with its leverage, by increasing id — empty
    /// when the chain's role weights sum to 0 (there is no consensus to move).
    pub persons: Vec<Leverage<'s>>,
    /// The top `k_levers` persons by gain (> 0 only) descending, then external id
    /// (gains equal to [`TIE_TOL`](super::TIE_TOL) count as equal).
    pub top: Vec<Lever<'s>>,
}

/// Leverage by position, given `W`, its factors when the project is small enough, the
/// role weights by position (summing to > 0) and λ (see the module documentation).
pub(crate) fn leverages(
    deference: &InducedDeference,
    factors: Option<&Factors>,
    role_weights: &[f64],
    lambda: f64,
    max_rounds: usize,
) -> Vec<f64> {
    let total: f64 = role_weights.iter().sum();
    let adjoint = match factors {
        Some(factors) => {
            let mut y = role_weights.to_vec();
            factors.solve_transposed(&mut y);
            y
        }
        None => adjoint_by_sweeps(deference, role_weights, total, lambda, max_rounds),
    };
    adjoint
        .iter()
        .enumerate()
        .map(|(p, yp)| {
            let keeps = if deference.row(p).is_empty() {
                1.0
            } else {
                1.0 - lambda
            };
            keeps * yp / total
        })
        .collect()
}

/// `y` of `(I − M)ᵀ·y = r` by sweeps from 0 (see the module documentation); `total` is
/// `Σ r`, which scales the stopping rule.
fn adjoint_by_sweeps(
    deference: &InducedDeference,
    role_weights: &[f64],
    total: f64,
    lambda: f64,
    max_rounds: usize,
) -> Vec<f64> {
    let persons = deference.len();
    let incoming = deference.transposed(lambda);
    let mut adjoint = vec![0.0; persons];
    // λᵏ/(1 − λ): the plain iteration's a priori bound after k rounds, the sweeps' cap.
    let mut a_priori = 1.0 / (1.0 - lambda);
    for _ in 0..max_rounds.max(1) {
        // Everyone after those who defer to them, so that on an acyclic graph each
        // person's sum meets final values only.
        let mut change = 0.0;
        for &v in deference.order().iter().rev() {
            let mut sum = role_weights[v];
            for &(u, lw) in incoming.row(v) {
                sum += lw * adjoint[u];
            }
            change += (sum - adjoint[v]).abs();
            adjoint[v] = sum;
        }
        a_priori *= lambda;
        let a_posteriori = lambda / (1.0 - lambda) * change / total;
        if a_posteriori <= LEVERAGE_TOL || a_priori <= LEVERAGE_TOL {
            break;
        }
    }
    adjoint
}

/// The levers of project `x` from its opinions (4.6) in the same context, with the `W`
/// they were propagated on and, for a project small enough, the factors of `I − M` they
/// were solved with ([`opinion_and_deference`](super::opinion::opinion_and_deference)).
pub(crate) fn levers_on<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    x: ProjectId,
    opinion: &Opinion<'s>,
    w: &InducedDeference,
    factors: Option<&Factors>,
) -> Levers<'s> {
    let persons: Vec<PersonId> = opinion.persons.iter().map(|p| p.id).collect();
    let graph = ctx.graph;
    let params = &ctx.params;
    let project = Named::project(graph, x);
    let members = graph.members(x);
    let chain = chain_positions(&persons, &members);
    let r: Vec<f64> = chain
        .iter()
        .map(|m| m.map_or(0.0, |m| params.role_weights.weight(m.role)))
        .collect();
    let total: f64 = members
        .iter()
        .map(|m| params.role_weights.weight(m.member.role))
        .sum();
    if total.is_nan() || total <= 0.0 {
        return Levers {
            project,
            persons: Vec::new(),
            top: Vec::new(),
        };
    }
    let lev = leverages(w, factors, &r, params.susceptibility, params.max_rounds);
    let all: Vec<Leverage<'s>> = opinion
        .persons
        .iter()
        .zip(&lev)
        .zip(&opinion.stance)
        .map(|((p, &leverage), &stance)| Leverage {
            person: p.clone(),
            leverage,
            stance,
            gain: leverage * (1.0 - stance),
        })
        .collect();
    let mut best: Vec<&Leverage<'s>> = all.iter().filter(|l| l.gain > 0.0).collect();
    rank::sort_descending(&mut best, |l| l.gain, |a, b| a.person.cmp(&b.person));
    best.truncate(params.k_levers);
    let top = best
        .into_iter()
        .map(|l| {
            let reach = path::strongest(ctx, l.person.id, params.path_k.min(1), None)
                .into_iter()
                .next();
            Lever {
                person: l.person.clone(),
                leverage: l.leverage,
                stance: l.stance,
                gain: l.gain,
                path_strength: reach.as_ref().map_or(0.0, |p| p.strength),
                via: reach.as_ref().map(|p| p.employee.clone()),
                path: reach.map(|p| p.persons).unwrap_or_default(),
            }
        })
        .collect();
    Levers {
        project,
        persons: all,
        top,
    }
}

#[cfg(test)]
#[allow(clippy::many_single_char_names, clippy::needless_range_loop)] // matrices, named as in the formulas
mod tests {
    use super::*;
    use crate::analysis::opinion::tests::{deference, rows_strategy, solve};
    use proptest::prelude::*;

    /// The leverages by the simple model: `(I − M)ᵀ·y = r` by elimination.
    fn leverages_by_elimination(w: &InducedDeference, r: &[f64], lambda: f64) -> Vec<f64> {
        let n = w.len();
        let mut a = vec![vec![0.0; n]; n];
        for (v, row) in a.iter_mut().enumerate() {
            row[v] = 1.0;
        }
        for u in 0..n {
            for &(v, wuv) in w.row(u) {
                a[v][u] -= lambda * wuv; // (I − M)ᵀ: row v, column u
            }
        }
        let total: f64 = r.iter().sum();
        let y = solve(a, r.to_vec());
        (0..n)
            .map(|p| {
                let keeps = if w.row(p).is_empty() {
                    1.0
                } else {
                    1.0 - lambda
                };
                keeps * y[p] / total
            })
            .collect()
    }

    /// Whom the persons with a role weight defer to, directly or through others.
    fn receivers(w: &InducedDeference, r: &[f64]) -> Vec<bool> {
        let mut seen: Vec<bool> = r.iter().map(|&x| x != 0.0).collect();
        let mut stack: Vec<usize> = (0..r.len()).filter(|&p| seen[p]).collect();
        while let Some(u) = stack.pop() {
            for &(v, _) in w.row(u) {
                if !seen[v] {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
        seen
    }

    proptest! {
        #[test]
        fn both_solves_solve_the_adjoint_system(
            rows in rows_strategy(false),
            weights in prop::collection::vec(prop::option::of(0.1f64..3.0), 12),
            lambda in 0.1f64..0.9,
        ) {
            let w = deference(&rows);
            let n = w.len();
            let mut r: Vec<f64> = weights[..n].iter().map(|x| x.unwrap_or(0.0)).collect();
            if r.iter().all(|&x| x == 0.0) {
                r[0] = 1.0;
            }
            let want = leverages_by_elimination(&w, &r, lambda);
            let factors = Factors::new(&w, lambda);
            prop_assert!(factors.is_some());
            for (solve, got) in [
                ("sweeps", leverages(&w, None, &r, lambda, 1_000_000)),
                ("elimination", leverages(&w, factors.as_ref(), &r, lambda, 1)),
            ] {
                let error: f64 = got.iter().zip(&want).map(|(g, x)| (g - x).abs()).sum();
                prop_assert!(error <= 1e-13, "{solve}: total error {error}");
                for (p, reached) in receivers(&w, &r).into_iter().enumerate() {
                    if reached {
                        prop_assert!(got[p] > 0.0, "{solve}: {p} is reached");
                    } else {
                        prop_assert_eq!(got[p].to_bits(), 0.0f64.to_bits(), "{}: {}", solve, p);
                    }
                }
                let sum: f64 = got.iter().sum();
                prop_assert!((sum - 1.0).abs() <= 1e-13, "{solve}: they sum to {sum}");
            }
        }

        #[test]
        fn an_acyclic_graph_needs_one_sweep(
            rows in rows_strategy(true),
            weights in prop::collection::vec(0.0f64..3.0, 12),
            lambda in 0.1f64..0.9,
        ) {
            let w = deference(&rows);
            let mut r = weights[..w.len()].to_vec();
            r[0] += 1.0;
            prop_assert_eq!(
                leverages(&w, None, &r, lambda, 1),
                leverages(&w, None, &r, lambda, 1_000_000)
            );
        }
    }
}
