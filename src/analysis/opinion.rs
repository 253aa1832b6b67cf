//! §4.6 — opinion propagation in a project (decision-chain level; Friedkin–Johnsen).
//!
//! A project's persons are its account's persons at the analysis date (§8.2) plus its
//! chain members (who may work elsewhere, or have left). On the deference graph of 4.4 induced on them, with `W` its
//! row-normalised weights, the propagated stance is the fixed point of
//!
//! ```text
//! x = λ·W·x + (1 − λ)·s,        s = 2·V − 1 (4.3), λ = susceptibility (0.5)
//! ```
//!
//! — each person keeps part of their own stance and moves toward those they defer to. A
//! person with no out-deference inside the graph keeps `x = s`. λ < 1 makes the map a
//! contraction, so the fixed point is unique. A project of at most
//! [`DENSE_MAX`](super::dense::DENSE_MAX) persons (every project of the generated
//! networks) is solved exactly, up to rounding, by elimination ([`Factors`]), whose
//! factors the levers (9.1) reuse. A larger one by Gauss–Seidel sweeps from `x = s`
//! until the largest change is below `fj_tol` (1e-12), each person after those they
//! defer to: an org chart without cycles is solved in one sweep and confirmed by a
//! second; on the generated medium network, whose influence edges make most projects'
//! graphs cyclic, a median of 17 sweeps would replace the plain iteration's (Jacobi) 31
//! rounds, for the same bound on the error (see [`propagate`]).
//!
//! **Consensus** = `Σ role_weight·x / Σ role_weight` over chain members (`None` for an
//! empty chain, or if every weight is 0). **Veto risk**: every vetoer or approver with
//! `x < veto_threshold` (−0.2), strictly.

use super::dense::Factors;
use super::{stance, Ctx, Named};
use crate::graph::Graph;
use crate::model::{Member, PersonId, ProjectId, Role};
use serde::Serialize;

/// For each of `persons` (sorted), its membership among `members`, if any. Linear in
/// the chain (a binary search per member), unlike a search per person.
pub(crate) fn chain_positions<'m>(
    persons: &[PersonId],
    members: &'m [crate::graph::ChainMember],
) -> Vec<Option<&'m Member>> {
    let mut out = vec![None; persons.len()];
    for m in members {
        if let Ok(i) = persons.binary_search(&m.person) {
            out[i] = Some(&m.member);
        }
    }
    out
}

/// The deference graph of 4.4 induced on a project's persons, row-normalised: `W` of
/// 4.6 as compressed rows over positions in the persons' list. Shared by the opinion
/// propagation (4.6) and the levers (9.1), which must see the same `W`.
///
/// It also keeps an order of the persons in which everyone comes after those they
/// defer to, as far as cycles allow (a depth-first post-order along the rows): the
/// sweeps of both solves run in it, so that on an acyclic deference graph — an org
/// chart — one sweep meets every value already final.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InducedDeference {
    offsets: Vec<usize>,
    edges: Vec<(usize, f64)>,
    order: Vec<usize>,
}

impl InducedDeference {
    /// `W` on `persons` (sorted): each person's deference edges to other persons of the
    /// list, divided by their sum; a person with none has an empty row.
    pub(crate) fn new<'s>(graph: impl Graph<'s>, persons: &[PersonId]) -> Self {
        let mut offsets = Vec::with_capacity(persons.len() + 1);
        // About a handful of edges per person: sized once rather than grown by doubling.
        let mut edges: Vec<(usize, f64)> = Vec::with_capacity(4 * persons.len());
        offsets.push(0);
        for &p in persons {
            let start = edges.len();
            let mut out = 0.0;
            for l in graph.deference(p).iter() {
                if let Ok(j) = persons.binary_search(&l.to) {
                    edges.push((j, l.weight));
                    out += l.weight;
                }
            }
            if out > 0.0 {
                for e in &mut edges[start..] {
                    e.1 /= out;
                }
            }
            offsets.push(edges.len());
        }
        Self::from_rows(offsets, edges)
    }

    /// `W` from its compressed rows, with its sweep order.
    fn from_rows(offsets: Vec<usize>, edges: Vec<(usize, f64)>) -> Self {
        let mut w = InducedDeference {
            offsets,
            edges,
            order: Vec::new(),
        };
        w.order = w.post_order();
        w
    }

    /// Every position once, each after every position its row leads to that was not
    /// already on the way to it (a depth-first post-order from each position in turn;
    /// for an acyclic graph, everyone after all those they defer to).
    fn post_order(&self) -> Vec<usize> {
        let n = self.len();
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(n);
        // (position, how many of its row's entries were followed)
        let mut path: Vec<(usize, usize)> = Vec::with_capacity(n);
        for root in 0..n {
            if seen[root] {
                continue;
            }
            seen[root] = true;
            path.push((root, 0));
            while let Some(&mut (u, ref mut next)) = path.last_mut() {
                if let Some(&(v, _)) = self.row(u).get(*next) {
                    *next += 1;
                    if !seen[v] {
                        seen[v] = true;
                        path.push((v, 0));
                    }
                } else {
                    order.push(u);
                    path.pop();
                }
            }
        }
        order
    }

    /// The number of persons (rows).
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Row `i` of `W`: `(position, weight)` pairs summing to 1, or empty when person `i`
    /// defers to nobody in the list.
    pub(crate) fn row(&self, i: usize) -> &[(usize, f64)] {
        &self.edges[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The positions, each after those it defers to as far as cycles allow (see the
    /// type's documentation).
    pub(crate) fn order(&self) -> &[usize] {
        &self.order
    }

    /// `(scale·W)ᵀ` by rows: for each position `v`, the positions `u` whose rows lead to
    /// `v`, in increasing order, each with `scale·w_uv` — what a sweep that solves a
    /// system in `Wᵀ` gathers into `v`.
    pub(crate) fn transposed(&self, scale: f64) -> Transposed {
        let persons = self.len();
        let mut offsets = vec![0usize; persons + 1];
        for &(v, _) in &self.edges {
            offsets[v + 1] += 1;
        }
        for v in 0..persons {
            offsets[v + 1] += offsets[v];
        }
        let mut fill = offsets.clone();
        let mut edges = vec![(0usize, 0.0f64); self.edges.len()];
        for u in 0..persons {
            for &(v, w) in self.row(u) {
                edges[fill[v]] = (u, scale * w);
                fill[v] += 1;
            }
        }
        Transposed { offsets, edges }
    }
}

/// A scaled `Wᵀ` by rows ([`InducedDeference::transposed`]).
pub(crate) struct Transposed {
    offsets: Vec<usize>,
    edges: Vec<(usize, f64)>,
}

impl Transposed {
    /// The positions leading to `v`, each with its scaled weight.
    pub(crate) fn row(&self, v: usize) -> &[(usize, f64)] {
        &self.edges[self.offsets[v]..self.offsets[v + 1]]
    }
}

/// The Friedkin–Johnsen fixed point `x = λ·W·x + (1 − λ)·s` (a person with an empty row
/// keeps `x = s`), by Gauss–Seidel sweeps from `x = s` in [`InducedDeference::order`]
/// until the largest change of a sweep is below `tol` (or after `max_rounds` sweeps).
///
/// Each person's new value is taken from the newest values of those they defer to, who
/// come earlier in the order wherever the graph has no cycle, so an acyclic graph is
/// solved by its first sweep (the second finds nothing to change). The stopping rule
/// bounds the error as Jacobi's does: after a sweep whose largest change is `δ`, each
/// residual `x_i − λ·(W·x)_i − (1 − λ)·s_i` is at most `λ·δ` (it only misses the
/// changes of those later in the sweep, weighted by at most `λ` in all), so the error
/// is at most `λ·δ / (1 − λ)`.
pub(crate) fn propagate(
    w: &InducedDeference,
    stance: &[f64],
    lambda: f64,
    tol: f64,
    max_rounds: usize,
) -> Vec<f64> {
    let mut x = stance.to_vec();
    for _ in 0..max_rounds.max(1) {
        let mut change: f64 = 0.0;
        for &i in w.order() {
            let row = w.row(i);
            if row.is_empty() {
                continue; // keeps x = s
            }
            let pull: f64 = row.iter().map(|&(j, w)| w * x[j]).sum();
            let v = lambda * pull + (1.0 - lambda) * stance[i];
            change = change.max((v - x[i]).abs());
            x[i] = v;
        }
        if change < tol {
            break;
        }
    }
    x
}

/// 4.6's fixed point on `w`: with `factors` (a small project), by elimination, exact up
/// to rounding; without, by [`propagate`]'s sweeps.
pub(crate) fn fixed_point(
    w: &InducedDeference,
    factors: Option<&Factors>,
    stance: &[f64],
    lambda: f64,
    tol: f64,
    max_rounds: usize,
) -> Vec<f64> {
    let Some(factors) = factors else {
        return propagate(w, stance, lambda, tol, max_rounds);
    };
    let mut x: Vec<f64> = stance
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            if w.row(i).is_empty() {
                s
            } else {
                (1.0 - lambda) * s
            }
        })
        .collect();
    factors.solve(&mut x);
    x
}

/// The propagated opinions of one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opinion<'s> {
    /// The project's persons (its account's persons and its chain members), by
    /// increasing id.
    pub persons: Vec<Named<'s, PersonId>>,
    /// Their closeness to us `C` (§4.2), aligned with `persons`.
    pub closeness: Vec<f64>,
    /// Their stance `s = 2V − 1`, aligned with `persons`.
    pub stance: Vec<f64>,
    /// Their propagated stance `x`, aligned with `persons`.
    pub opinion: Vec<f64>,
    /// Role-weighted mean of `x` over the chain (`None` for an empty chain).
    pub consensus: Option<f64>,
    /// Vetoers and approvers with `x < veto_threshold`, by external id.
    pub veto_risk: Vec<Named<'s, PersonId>>,
}

impl Opinion<'_> {
    /// The position of `p` among [`persons`](Opinion::persons), if it is one of them.
    pub fn position(&self, p: PersonId) -> Option<usize> {
        self.persons.binary_search_by_key(&p, |n| n.id).ok()
    }

    /// The closeness `C` of `p`, if it is one of the project's persons.
    pub fn closeness_of(&self, p: PersonId) -> Option<f64> {
        self.position(p).map(|i| self.closeness[i])
    }

    /// The stance `s` of `p`, if it is one of the project's persons.
    pub fn stance_of(&self, p: PersonId) -> Option<f64> {
        self.position(p).map(|i| self.stance[i])
    }

    /// The propagated stance `x` of `p`, if it is one of the project's persons.
    pub fn opinion_of(&self, p: PersonId) -> Option<f64> {
        self.position(p).map(|i| self.opinion[i])
    }
}

/// Friedkin–Johnsen propagation on project `x` (see the module documentation).
pub(crate) fn project_opinion<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, x: ProjectId) -> Opinion<'s> {
    opinion_and_deference(ctx, x).0
}

/// [`project_opinion`], the `W` it propagated on and, for a project small enough, the
/// factors of `I − M` it solved with: the levers (9.1) of the same project need both,
/// and would otherwise compute them again.
pub(crate) fn opinion_and_deference<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    x: ProjectId,
) -> (Opinion<'s>, InducedDeference, Option<Factors>) {
    let graph = ctx.graph;
    let params = ctx.params;
    let persons = ctx.project_persons(x);
    let members = graph.members(x);
    let members: &[crate::graph::ChainMember] = &members;
    let chain = chain_positions(&persons, members);
    let closeness: Vec<f64> = persons.iter().map(|&p| ctx.closeness(p)).collect();
    let stance: Vec<f64> = closeness
        .iter()
        .zip(&chain)
        .map(|(&c, m)| stance::stance(c, *m))
        .collect();
    let rows = InducedDeference::new(graph, &persons);
    let factors = Factors::new(&rows, params.susceptibility);
    let cur = fixed_point(
        &rows,
        factors.as_ref(),
        &stance,
        params.susceptibility,
        params.fj_tol,
        params.max_rounds,
    );
    let at = |p: PersonId| persons.binary_search(&p).map_or(0.0, |i| cur[i]);
    let (mut num, mut den) = (0.0, 0.0);
    for m in members {
        let w = params.role_weights.weight(m.member.role);
        num += w * at(m.person);
        den += w;
    }
    let consensus = (!members.is_empty() && den > 0.0).then(|| num / den);
    let mut veto_risk: Vec<Named<'s, PersonId>> = members
        .iter()
        .filter(|m| matches!(m.member.role, Role::Vetoer | Role::Approver))
        .filter(|m| at(m.person) < params.veto_threshold)
        .map(|m| Named::person(graph, m.person))
        .collect();
    veto_risk.sort();
    veto_risk.dedup();
    let opinion = Opinion {
        persons: persons.iter().map(|&p| Named::person(graph, p)).collect(),
        closeness,
        stance,
        opinion: cur,
        consensus,
        veto_risk,
    };
    (opinion, rows, factors)
}

#[cfg(test)]
#[allow(clippy::many_single_char_names, clippy::needless_range_loop)] // matrices, named as in the formulas
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `W` from unnormalised rows over positions `0..rows.len()` (no self-loops).
    pub(crate) fn deference(rows: &[Vec<(usize, f64)>]) -> InducedDeference {
        let mut offsets = vec![0];
        let mut edges = Vec::new();
        for row in rows {
            let sum: f64 = row.iter().map(|e| e.1).sum();
            edges.extend(row.iter().map(|&(j, w)| (j, w / sum)));
            offsets.push(edges.len());
        }
        InducedDeference::from_rows(offsets, edges)
    }

    /// Solves `a·x = b` by Gaussian elimination with partial pivoting: the simple model.
    pub(crate) fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
        let n = b.len();
        for c in 0..n {
            let p = (c..n)
                .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
                .unwrap_or(c);
            a.swap(c, p);
            b.swap(c, p);
            for r in c + 1..n {
                let f = a[r][c] / a[c][c];
                for k in c..n {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        let mut x = vec![0.0; n];
        for r in (0..n).rev() {
            let tail: f64 = (r + 1..n).map(|k| a[r][k] * x[k]).sum();
            x[r] = (b[r] - tail) / a[r][r];
        }
        x
    }

    /// Random rows over `n` persons: each person defers to a few others with positive
    /// weights, some to nobody; with `acyclic`, only to persons of a lower rank in a
    /// shuffled ranking.
    pub(crate) fn rows_strategy(acyclic: bool) -> impl Strategy<Value = Vec<Vec<(usize, f64)>>> {
        (2usize..12).prop_flat_map(move |n| {
            let row = prop::collection::vec((0..n, 0.05f64..1.0), 0..4);
            (
                prop::collection::vec(row, n),
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
            )
                .prop_map(move |(rows, rank)| {
                    rows.into_iter()
                        .enumerate()
                        .map(|(i, row)| {
                            let mut row: Vec<(usize, f64)> = row
                                .into_iter()
                                .filter(|&(j, _)| j != i && (!acyclic || rank[j] < rank[i]))
                                .collect();
                            row.sort_by_key(|e| e.0);
                            row.dedup_by_key(|e| e.0);
                            row
                        })
                        .collect()
                })
        })
    }

    /// `x` of 4.6 by the simple model: `(I − λW)·x = (1 − λ)·s` on the rows with
    /// out-deference, `x = s` on the others.
    fn opinions_by_elimination(w: &InducedDeference, s: &[f64], lambda: f64) -> Vec<f64> {
        let n = w.len();
        let mut a = vec![vec![0.0; n]; n];
        let mut b = vec![0.0; n];
        for i in 0..n {
            a[i][i] = 1.0;
            if w.row(i).is_empty() {
                b[i] = s[i];
            } else {
                for &(j, wij) in w.row(i) {
                    a[i][j] -= lambda * wij;
                }
                b[i] = (1.0 - lambda) * s[i];
            }
        }
        solve(a, b)
    }

    #[test]
    fn an_acyclic_chain_is_solved_by_one_sweep() {
        // 0 defers to 1, 1 to 2 and 3 (3:1), 3 to nobody, 2 to 3; λ = 0.5.
        let w = deference(&[
            vec![(1, 1.0)],
            vec![(2, 3.0), (3, 1.0)],
            vec![(3, 1.0)],
            vec![],
        ]);
        let s = [1.0, -1.0, 0.5, -0.5];
        let x3 = s[3];
        let x2 = 0.5 * x3 + 0.5 * s[2];
        let x1 = 0.5 * (0.75 * x2 + 0.25 * x3) + 0.5 * s[1];
        let x0 = 0.5 * x1 + 0.5 * s[0];
        let one = propagate(&w, &s, 0.5, 1e-12, 1);
        assert_eq!(one, propagate(&w, &s, 0.5, 1e-12, 1000));
        for (got, want) in one.iter().zip([x0, x1, x2, x3]) {
            assert!((got - want).abs() < 1e-15, "{got} against {want}");
        }
    }

    /// Rows of deference edges, unnormalised, by person.
    type Rows = Vec<Vec<(usize, f64)>>;

    /// A propagation problem: random rows ([`rows_strategy`]), a stance per person and a
    /// susceptibility λ.
    fn problem(acyclic: bool) -> impl Strategy<Value = (Rows, Vec<f64>, f64)> {
        (
            rows_strategy(acyclic),
            prop::collection::vec(-1.0f64..1.0, 12),
            0.1f64..0.9,
        )
            .prop_map(|(rows, mut stance, lambda)| {
                stance.truncate(rows.len());
                (rows, stance, lambda)
            })
    }

    proptest! {
        #[test]
        fn sweeps_reach_the_fixed_point_of_the_formula((rows, s, lambda) in problem(false)) {
            let w = deference(&rows);
            let got = propagate(&w, &s, lambda, 1e-12, 1_000_000);
            let want = opinions_by_elimination(&w, &s, lambda);
            // The stopping rule's bound, λ·δ/(1 − λ) with δ < 1e-12, plus rounding.
            let bound = lambda / (1.0 - lambda) * 1e-12 + 1e-14;
            for (g, x) in got.iter().zip(&want) {
                prop_assert!((g - x).abs() <= bound, "{g} against {x}");
            }
        }

        #[test]
        fn elimination_reaches_the_fixed_point_of_the_formula((rows, s, lambda) in problem(false)) {
            let w = deference(&rows);
            let factors = Factors::new(&w, lambda);
            prop_assert!(factors.is_some());
            // One round allowed: the elimination does not iterate.
            let got = fixed_point(&w, factors.as_ref(), &s, lambda, 1e-12, 1);
            let want = opinions_by_elimination(&w, &s, lambda);
            for (i, (g, x)) in got.iter().zip(&want).enumerate() {
                prop_assert!((g - x).abs() <= 1e-13, "{g} against {x}");
                if w.row(i).is_empty() {
                    prop_assert_eq!(g.to_bits(), s[i].to_bits(), "x = s for {}", i);
                }
            }
        }

        #[test]
        fn an_acyclic_graph_needs_one_sweep((rows, s, lambda) in problem(true)) {
            let w = deference(&rows);
            prop_assert_eq!(
                propagate(&w, &s, lambda, 1e-12, 1),
                propagate(&w, &s, lambda, 1e-12, 1_000_000)
            );
        }
    }
}
