//! Properties of the analyses on small random networks, checked against simple models.

use guanxi::analysis::{
    account_figures, coach_candidates, person_figures, project_analysis, strongest_paths, Params,
    Report,
};
use guanxi::graph::Snapshot;
use guanxi::model::*;
use proptest::prelude::*;

#[path = "common/random_network.rs"]
mod random;
use random::random_network;

/// `C(p)` by the public query.
fn closeness_of(snap: &Snapshot, p: PersonId, params: &Params) -> f64 {
    person_figures(snap, p, params, as_of()).unwrap().closeness
}

/// `max_k Rv(p, k)`: the strongest rival tie to `p` (0 if none).
fn max_rival_closeness(snap: &Snapshot, p: PersonId) -> f64 {
    snap.rival_ties(p)
        .iter()
        .fold(0.0, |m: f64, r| m.max(r.closeness))
}

/// The project's persons (its account's persons and its chain), by increasing id.
fn project_persons(snap: &Snapshot, x: ProjectId) -> Vec<PersonId> {
    let a = project_analysis(snap, x, &Params::default(), as_of()).unwrap();
    a.opinion.persons.iter().map(|p| p.id).collect()
}

fn as_of() -> Day {
    Day::from_days_since_epoch(20_200).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pagerank_sums_to_one_per_account_with_persons(seed: u64, np in 1usize..30, na in 1usize..4) {
        let snap = Snapshot::from_network(&random_network(seed, np, 3, na, 3));
        let params = Params::default();
        for a in snap.account_ids() {
            let pi: Vec<f64> = account_figures(&snap, a, &params, as_of()).unwrap().influence.into_values().collect();
            prop_assert_eq!(pi.len(), snap.persons_at(a, as_of()).len());
            if !pi.is_empty() {
                prop_assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                prop_assert!(pi.iter().all(|&v| v > 0.0));
            }
        }
    }

    #[test]
    fn removing_a_tie_never_raises_any_closeness(seed: u64, np in 1usize..20, pick: usize) {
        let mut net = random_network(seed, np, 3, 2, 2);
        let params = Params::default();
        let all_closeness = |snap: &Snapshot| -> Vec<f64> {
            Report::compute(snap, &params, as_of()).persons.iter().map(|p| p.closeness).collect()
        };
        let before = all_closeness(&Snapshot::from_network(&net));
        let ties: Vec<usize> = net.edges.iter().enumerate().filter(|(_, e)| matches!(e, Edge::Tie { .. })).map(|(i, _)| i).collect();
        prop_assume!(!ties.is_empty());
        net.edges.remove(ties[pick % ties.len()]);
        let after = all_closeness(&Snapshot::from_network(&net));
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(a <= b, "{} > {}", a, b);
        }
    }

    #[test]
    fn friedkin_johnsen_result_is_the_fixed_point(
        seed: u64,
        // Up to 64 persons a project is solved by elimination, above by sweeps.
        np in prop_oneof![1usize..25, 150usize..200],
    ) {
        let snap = Snapshot::from_network(&random_network(seed, np, 3, 2, 3));
        let params = Params::default();
        for x in snap.project_ids() {
            let o = project_analysis(&snap, x, &params, as_of()).unwrap().opinion;
            for (i, p) in o.persons.iter().enumerate() {
                let row: Vec<(usize, f64)> = snap.deference(p.id).iter()
                    .filter_map(|l| o.position(l.to).map(|j| (j, l.weight)))
                    .collect();
                let out: f64 = row.iter().map(|r| r.1).sum();
                let want = if row.is_empty() {
                    o.stance[i]
                } else {
                    let pull: f64 = row.iter().map(|&(j, w)| w / out * o.opinion[j]).sum();
                    0.5 * pull + 0.5 * o.stance[i]
                };
                prop_assert!((o.opinion[i] - want).abs() < 1e-10, "{} vs {}", o.opinion[i], want);
                prop_assert!((-1.0..=1.0).contains(&o.opinion[i]));
            }
        }
    }

    #[test]
    fn completeness_is_a_fraction_and_null_only_when_lost(seed: u64, np in 1usize..20) {
        let snap = Snapshot::from_network(&random_network(seed, np, 3, 2, 2));
        for x in snap.project_ids() {
            let c = project_analysis(&snap, x, &Params::default(), as_of()).unwrap().completeness;
            match c.completeness {
                None => prop_assert_eq!(snap.project_stage(x), Stage::Lost),
                Some(v) => prop_assert!((0.0..=1.0).contains(&v)),
            }
        }
    }

    #[test]
    fn strongest_path_equals_brute_force_over_simple_paths(seed: u64, np in 1usize..8, ne in 1usize..4, k in 1usize..4) {
        let net = random_network(seed, np, ne, 2, 2);
        let snap = Snapshot::from_network(&net);
        let params = Params::default();
        let target = PersonId(0);
        // Brute force: best product over every simple path employee → person … → target.
        let mut best = vec![0.0f64; ne];
        for (i, t) in snap.ties().iter().enumerate() {
            let c = snap.effective_closeness(i, as_of(), &params.tie_params());
            if c > 0.0 {
                let mut visited = vec![false; np];
                let s = best_simple(&snap, t.person, target, &mut visited);
                best[t.employee.index()] = best[t.employee.index()].max(c * s);
            }
        }
        let mut want: Vec<(usize, f64)> = best.iter().copied().enumerate().filter(|b| b.1 > 0.0).collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(format!("e{}", a.0).cmp(&format!("e{}", b.0))));
        want.truncate(k);
        let got = strongest_paths(&snap, target, k, &params, as_of()).unwrap();
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert!((g.strength - w.1).abs() < 1e-12);
            prop_assert!((g.strength - best[g.employee.id.index()]).abs() < 1e-12);
            // The hops form a path of that strength, ending at the target.
            prop_assert_eq!(g.persons.last().unwrap().id, target);
            let first = snap.ties().iter().position(|t| t.employee == g.employee.id && t.person == g.persons[0].id).unwrap();
            let mut s = snap.effective_closeness(first, as_of(), &params.tie_params());
            for h in g.persons.windows(2) {
                s *= snap.links(h[0].id).iter().find(|l| l.to == h[1].id).unwrap().weight;
            }
            prop_assert!((s - g.strength).abs() < 1e-12);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The pruned coach search returns exactly what scoring every person with a
    /// brute-force reach returns.
    #[test]
    fn coach_candidates_equal_naive_scoring(seed: u64, np in 1usize..9, k in 1usize..4) {
        let snap = Snapshot::from_network(&random_network(seed, np, 3, 2, 2));
        let params = Params { coach_k: k, ..Params::default() };
        for x in snap.project_ids() {
            let approvers = approvers(&snap, x);
            let want = naive_coaches(&snap, x, &params, |p| {
                approvers.iter().map(|&a| best_simple(&snap, p, a, &mut vec![false; np])).fold(0.0, f64::max)
            });
            let got = coach_candidates(&snap, x, &params, as_of()).unwrap();
            prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                prop_assert!((g.score - w.1).abs() < 1e-12, "{} vs {}", g.score, w.1);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// On larger graphs, and whatever `k` (which bounds the labels the ranked search
    /// keeps per node), coaches equal scoring every person with the reach of a plain
    /// Dijkstra from the approvers.
    #[test]
    fn coach_search_agrees_with_plain_dijkstra(seed: u64, np in 10usize..80, k in prop::sample::select(vec![1usize, 2, 3, 5, 40])) {
        let snap = Snapshot::from_network(&random_network(seed, np, 4, 2, 2));
        let params = Params { coach_k: k, ..Params::default() };
        for x in snap.project_ids() {
            let reach = plain_dijkstra(&snap, &approvers(&snap, x));
            let want = naive_coaches(&snap, x, &params, |p| reach[p.index()]);
            let got = coach_candidates(&snap, x, &params, as_of()).unwrap();
            prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                prop_assert!((g.score - w.1).abs() < 1e-12, "{} vs {}", g.score, w.1);
                prop_assert!((g.reach - reach[g.person.id.index()]).abs() < 1e-12 || (g.reach - 1.0).abs() < f64::EPSILON);
            }
        }
    }
}

/// The approvers of project `x`.
fn approvers(snap: &Snapshot, x: ProjectId) -> Vec<PersonId> {
    snap.members(x)
        .iter()
        .filter(|m| m.member.role == Role::Approver)
        .map(|m| m.person)
        .collect()
}

/// The coaches of project `x` found by scoring every person of the project: closeness ×
/// solution (0.5 if unstated) × reach (1 for an approver, `reach(p)` for anyone else) ×
/// (1 − the strongest rival closeness); positive scores only, best first (ties by
/// external id), the first `params.coach_k`.
fn naive_coaches(
    snap: &Snapshot,
    x: ProjectId,
    params: &Params,
    reach: impl Fn(PersonId) -> f64,
) -> Vec<(PersonId, f64)> {
    let mut want: Vec<(PersonId, f64)> = Vec::new();
    for p in project_persons(snap, x) {
        let member = snap
            .members(x)
            .iter()
            .find(|m| m.person == p)
            .map(|m| m.member);
        let r = if member.is_some_and(|m| m.role == Role::Approver) {
            1.0
        } else {
            reach(p)
        };
        let s = member.and_then(|m| m.solution).map_or(0.5, Score::get);
        let score = closeness_of(snap, p, params) * s * r * (1.0 - max_rival_closeness(snap, p));
        if score > 0.0 {
            want.push((p, score));
        }
    }
    want.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(snap.person_xid(a.0).cmp(snap.person_xid(b.0)))
    });
    want.truncate(params.coach_k);
    want
}

/// Max-product Dijkstra over the person links from `sources`, O(n²): the reference.
fn plain_dijkstra(snap: &Snapshot, sources: &[PersonId]) -> Vec<f64> {
    let n = snap.person_count();
    let mut best = vec![0.0f64; n];
    let mut done = vec![false; n];
    for s in sources {
        best[s.index()] = 1.0;
    }
    loop {
        let Some(u) = (0..n)
            .filter(|&u| !done[u] && best[u] > 0.0)
            .max_by(|&a, &b| best[a].total_cmp(&best[b]))
        else {
            return best;
        };
        done[u] = true;
        for l in snap.links(PersonId(u as u32)) {
            let v = l.to.index();
            best[v] = best[v].max(best[u] * l.weight);
        }
    }
}

/// Best product of a simple person–person path from `from` to `to` (1 if equal).
fn best_simple(snap: &Snapshot, from: PersonId, to: PersonId, visited: &mut [bool]) -> f64 {
    if from == to {
        return 1.0;
    }
    visited[from.index()] = true;
    let mut best = 0.0f64;
    for l in snap.links(from) {
        if !visited[l.to.index()] {
            best = best.max(l.weight * best_simple(snap, l.to, to, visited));
        }
    }
    visited[from.index()] = false;
    best
}
