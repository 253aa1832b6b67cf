//! §4.4 — influence within an account (weighted PageRank).
//!
//! The account's deference graph is induced on its persons at the analysis date (§8.2:
//! those who work there that day; edges leaving the account are ignored): `p → m` with weight `w` for `reports_to(p → m, w)`, `b → a` for
//! `influences(a → b, w)`, weights of one ordered pair added, weight-0 edges absent (the
//! snapshot's [`deference`](crate::graph::Snapshot::deference) rows). With `W` the
//! row-normalised weights and `N` the number of persons,
//!
//! ```text
//! x ← d·xW + (d·Σ_dangling x + (1 − d)) / N      from x = 1/N,
//! ```
//!
//! where dangling persons (out-weight 0 in the induced graph) spread their rank
//! uniformly, until `Σ|Δx| < N·tol` with no cap on rounds (`Params::max_rounds` only
//! guards against non-convergent parameters). This is the textbook power iteration with
//! uniform teleport and dangling distribution, so it agrees with the reference
//! implementation the spec names; with tol = 1e-12 the result is the fixed point to
//! about 1e-12. A person who works nowhere at the date has π = 0. π depends on the
//! date only through the account's set of persons.
//!
//! Each account is independent: the whole-network pass runs accounts in parallel, and
//! a single account can be computed on demand in time proportional to its size.

use super::Params;
use crate::graph::{Graph, Snapshot, Staffing};
use crate::model::{AccountId, NodeKind, PersonId};
use rayon::prelude::*;

/// `p`'s entry in `ranks`, which is aligned with `persons` (by increasing id, as a
/// [`pagerank`] is); `None` when `p` is not one of them.
pub(crate) fn rank_of(persons: &[PersonId], ranks: &[f64], p: PersonId) -> Option<f64> {
    persons
        .binary_search(&p)
        .ok()
        .and_then(|i| ranks.get(i).copied())
}

/// PageRank of one account's `persons` (by increasing id, as at one date), in that
/// order (empty for none). A deference edge stays inside when its end is one of them.
pub(crate) fn pagerank<'s>(
    graph: impl Graph<'s>,
    persons: &[PersonId],
    params: &Params,
) -> Vec<f64> {
    pagerank_with(graph, persons, |q| persons.binary_search(&q).ok(), params)
}

/// [`pagerank`] with `local` giving the position of a person among `persons` (`None`
/// for a person outside them).
fn pagerank_with<'s>(
    graph: impl Graph<'s>,
    persons: &[PersonId],
    local: impl Fn(PersonId) -> Option<usize>,
    params: &Params,
) -> Vec<f64> {
    let n = persons.len();
    if n == 0 {
        return Vec::new();
    }
    // Local row-normalised out-edges: (target position, w / out-weight).
    let mut offsets = Vec::with_capacity(n + 1);
    let mut edges: Vec<(usize, f64)> = Vec::with_capacity(4 * n);
    let mut dangling = Vec::new();
    offsets.push(0);
    for (i, &p) in persons.iter().enumerate() {
        let start = edges.len();
        let mut out = 0.0;
        for l in graph.deference(p).iter() {
            if let Some(j) = local(l.to) {
                edges.push((j, l.weight));
                out += l.weight;
            }
        }
        if out > 0.0 {
            for e in &mut edges[start..] {
                e.1 /= out;
            }
        } else {
            edges.truncate(start);
            dangling.push(i);
        }
        offsets.push(edges.len());
    }
    // The same weights by target, each target's sources in increasing order: a round
    // then gathers into each person what the textbook scatter adds into it, in the same
    // order (so the same floats), in one pass that also takes the error.
    let mut in_offsets = vec![0usize; n + 1];
    for &(j, _) in &edges {
        in_offsets[j + 1] += 1;
    }
    for j in 0..n {
        in_offsets[j + 1] += in_offsets[j];
    }
    let mut fill = in_offsets.clone();
    // Sources and weights apart: the round's inner loop reads both in step.
    let mut in_source = vec![0u32; edges.len()];
    let mut in_weight = vec![0.0f64; edges.len()];
    for i in 0..n {
        for &(j, w) in &edges[offsets[i]..offsets[i + 1]] {
            in_source[fill[j]] = i as u32;
            in_weight[fill[j]] = w;
            fill[j] += 1;
        }
    }
    drop(edges);
    let nf = n as f64;
    let d = params.damping;
    let mut x = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for _ in 0..params.max_rounds.max(1) {
        let dangling_sum: f64 = dangling.iter().map(|&i| x[i]).sum();
        let base = (d * dangling_sum + (1.0 - d)) / nf;
        let mut err = 0.0;
        for ((nv, &old), bounds) in next.iter_mut().zip(&x).zip(in_offsets.windows(2)) {
            let (from, to) = (bounds[0], bounds[1]);
            let mut acc = 0.0;
            for (&i, &w) in in_source[from..to].iter().zip(&in_weight[from..to]) {
                acc += x[i as usize] * w;
            }
            *nv = d * acc + base;
            err += (*nv - old).abs();
        }
        std::mem::swap(&mut x, &mut next);
        if err < nf * params.pagerank_tol {
            break;
        }
    }
    x
}

/// π by person id (0 for persons who work nowhere in `staffing`, and for holes),
/// accounts computed in parallel.
pub(crate) fn all_influence(snapshot: &Snapshot, staffing: &Staffing, params: &Params) -> Vec<f64> {
    let per_account: Vec<Vec<f64>> = (0..snapshot.id_bound(NodeKind::Account) as u32)
        .into_par_iter()
        .map(|a| account_pagerank(snapshot, staffing, AccountId(a), params))
        .collect();
    let mut pi = vec![0.0; snapshot.id_bound(NodeKind::Person)];
    for (a, ranks) in per_account.iter().enumerate() {
        for (p, r) in staffing.persons(AccountId(a as u32)).iter().zip(ranks) {
            pi[p.index()] = *r;
        }
    }
    pi
}

/// PageRank of account `a`'s persons in `staffing`, in their order there.
pub(crate) fn account_pagerank(
    snapshot: &Snapshot,
    staffing: &Staffing,
    a: AccountId,
    params: &Params,
) -> Vec<f64> {
    let local = |q: PersonId| {
        if staffing.account_of(q) == Some(a) {
            staffing.position(q)
        } else {
            None
        }
    };
    pagerank_with(snapshot, staffing.persons(a), local, params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate, Preset};

    /// The textbook round as the formula reads: scatter each person's rank along its
    /// row into a zeroed vector, then damp, add the base and measure the change.
    fn scatter_pagerank(snapshot: &Snapshot, persons: &[PersonId], params: &Params) -> Vec<f64> {
        let n = persons.len();
        let mut rows: Vec<Vec<(usize, f64)>> = Vec::new();
        for &p in persons {
            let mut row: Vec<(usize, f64)> = Graph::deference(snapshot, p)
                .iter()
                .filter_map(|l| persons.binary_search(&l.to).ok().map(|j| (j, l.weight)))
                .collect();
            let out: f64 = row.iter().map(|e| e.1).sum();
            for e in &mut row {
                e.1 /= out;
            }
            rows.push(row);
        }
        let nf = n as f64;
        let d = params.damping;
        let mut x = vec![1.0 / nf; n];
        for _ in 0..params.max_rounds {
            let dangling: f64 = (0..n).filter(|&i| rows[i].is_empty()).map(|i| x[i]).sum();
            let base = (d * dangling + (1.0 - d)) / nf;
            let mut next = vec![0.0; n];
            for (i, row) in rows.iter().enumerate() {
                for &(j, w) in row {
                    next[j] += x[i] * w;
                }
            }
            let mut err = 0.0;
            for j in 0..n {
                next[j] = d * next[j] + base;
                err += (next[j] - x[j]).abs();
            }
            x = next;
            if err < nf * params.pagerank_tol {
                break;
            }
        }
        x
    }

    #[test]
    fn the_gathered_rounds_give_the_textbook_scatters_floats() {
        let params = Params::default();
        let mut compared = 0;
        for seed in 1..=3 {
            let snapshot = Snapshot::from_network(&generate(Preset::Small, seed));
            let all: Vec<PersonId> = snapshot.person_ids().collect();
            // Accounts' worth of persons and larger sets, across account boundaries.
            for size in [7, 30, 200] {
                for persons in all.chunks(size).step_by(3) {
                    let want: Vec<u64> = scatter_pagerank(&snapshot, persons, &params)
                        .into_iter()
                        .map(f64::to_bits)
                        .collect();
                    let got: Vec<u64> = pagerank(&snapshot, persons, &params)
                        .into_iter()
                        .map(f64::to_bits)
                        .collect();
                    assert_eq!(got, want, "seed {seed}, {} persons", persons.len());
                    compared += 1;
                }
            }
        }
        assert!(compared > 100, "{compared}");
    }
}
