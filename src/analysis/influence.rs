//! §4.4 — influence within an account (weighted PageRank).
//!
//! The account's deference graph is induced on its persons (edges leaving the account
//! are ignored): `p → m` with weight `w` for `reports_to(p → m, w)`, `b → a` for
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
//! about 1e-12. A person with no account has π = 0.
//!
//! Each account is independent: the whole-network pass runs accounts in parallel, and
//! a single account can be computed on demand in time proportional to its size.

use super::Params;
use crate::graph::Snapshot;
use crate::model::{AccountId, NodeKind};
use rayon::prelude::*;

/// PageRank of one account's persons, in the order of
/// [`Snapshot::account_persons`] (empty for an account with no person).
pub(crate) fn account_pagerank(snapshot: &Snapshot, a: AccountId, params: &Params) -> Vec<f64> {
    let persons = snapshot.account_persons(a);
    let n = persons.len();
    if n == 0 {
        return Vec::new();
    }
    // Local row-normalised out-edges: (target position, w / out-weight).
    let mut offsets = Vec::with_capacity(n + 1);
    let mut edges: Vec<(usize, f64)> = Vec::new();
    let mut dangling = Vec::new();
    offsets.push(0);
    for (i, &p) in persons.iter().enumerate() {
        let start = edges.len();
        let mut out = 0.0;
        for l in snapshot.deference(p) {
            if snapshot.person_account(l.to) == Some(a) {
                if let Some(j) = snapshot.account_position(l.to) {
                    edges.push((j, l.weight));
                    out += l.weight;
                }
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
    let nf = n as f64;
    let d = params.damping;
    let mut x = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for _ in 0..params.max_rounds.max(1) {
        let dangling_sum: f64 = dangling.iter().map(|&i| x[i]).sum();
        let base = (d * dangling_sum + (1.0 - d)) / nf;
        next.fill(0.0);
        for i in 0..n {
            let xi = x[i];
            for &(j, w) in &edges[offsets[i]..offsets[i + 1]] {
                next[j] += xi * w;
            }
        }
        let mut err = 0.0;
        for (nv, xv) in next.iter_mut().zip(&x) {
            *nv = d * *nv + base;
            err += (*nv - xv).abs();
        }
        std::mem::swap(&mut x, &mut next);
        if err < nf * params.pagerank_tol {
            break;
        }
    }
    x
}

/// π by person id (0 for persons with no account, and for holes), accounts computed in
/// parallel.
pub(crate) fn all_influence(snapshot: &Snapshot, params: &Params) -> Vec<f64> {
    let per_account: Vec<Vec<f64>> = (0..snapshot.id_bound(NodeKind::Account) as u32)
        .into_par_iter()
        .map(|a| account_pagerank(snapshot, AccountId(a), params))
        .collect();
    let mut pi = vec![0.0; snapshot.id_bound(NodeKind::Person)];
    for (a, ranks) in per_account.iter().enumerate() {
        for (p, r) in snapshot
            .account_persons(AccountId(a as u32))
            .iter()
            .zip(ranks)
        {
            pi[p.index()] = *r;
        }
    }
    pi
}
