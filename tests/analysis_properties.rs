//! Properties of the analyses on small random networks, checked against simple models.

use guanxi::analysis::{closeness, completeness, influence, opinion, path, Ctx, Params};
use guanxi::graph::Snapshot;
use guanxi::model::*;
use guanxi::synth::Rng;
use proptest::prelude::*;
use std::collections::HashSet;

fn score(rng: &mut Rng) -> Score {
    // Two decimals, with 0 and 1 reasonably frequent.
    let v = match rng.below(10) {
        0 => 0.0,
        1 => 1.0,
        _ => (rng.unit() * 100.0).floor() / 100.0,
    };
    Score::new(v).unwrap()
}

/// A random valid network: `np` persons over `na` accounts (some without one), `ne`
/// employees, about `density · np` person edges, ties, rival ties and two projects.
#[allow(clippy::too_many_lines)] // one fixture, built in one place
fn random_network(seed: u64, np: usize, ne: usize, na: usize, density: usize) -> Network {
    let mut rng = Rng::new(seed);
    let mut n = Network::new();
    for a in 0..na {
        let kind = if a == 0 {
            AccountKind::Competitor
        } else {
            AccountKind::Client
        };
        n.accounts.push(Account {
            xid: format!("a{a}"),
            name: String::new(),
            kind,
        });
    }
    for p in 0..np {
        n.persons.push(Person {
            xid: format!("p{p}"),
            name: String::new(),
            title: None,
        });
        if rng.below(5) > 0 {
            n.edges.push(Edge::WorksAt {
                person: PersonId(p as u32),
                account: AccountId(rng.below(na) as u32),
                employment: Employment::default(),
            });
        }
    }
    for e in 0..ne {
        n.employees.push(Employee {
            xid: format!("e{e}"),
            name: String::new(),
            left: None,
        });
    }
    let mut seen = HashSet::new();
    for _ in 0..density * np {
        let (a, b) = (rng.below(np), rng.below(np));
        let reports = rng.chance(0.5);
        if a != b && seen.insert((reports, a, b)) {
            let (a, b, w) = (PersonId(a as u32), PersonId(b as u32), score(&mut rng));
            n.edges.push(if reports {
                Edge::ReportsTo {
                    person: a,
                    manager: b,
                    weight: w,
                }
            } else {
                Edge::Influences {
                    from: a,
                    to: b,
                    weight: w,
                }
            });
        }
    }
    for _ in 0..np * 3 / 2 {
        let (e, p) = (rng.below(ne), rng.below(np));
        if seen.insert((true, usize::MAX - e, p)) {
            let last_contact = rng
                .chance(0.7)
                .then(|| Day::from_days_since_epoch(20_000 + i32::from(rng.below(300) as u16)))
                .flatten();
            n.edges.push(Edge::Tie {
                employee: EmployeeId(e as u32),
                person: PersonId(p as u32),
                tie: Tie {
                    closeness: score(&mut rng),
                    last_contact,
                    private: false,
                },
            });
        }
    }
    for p in 0..np {
        if rng.chance(0.3) {
            n.edges.push(Edge::RivalTie {
                competitor: AccountId(0),
                person: PersonId(p as u32),
                closeness: score(&mut rng),
            });
        }
    }
    let roles = [
        Role::Approver,
        Role::Vetoer,
        Role::DecisionMaker,
        Role::Evaluator,
        Role::Influencer,
        Role::User,
    ];
    for x in 0..2u32 {
        let stage = Stage::ALL[rng.below(Stage::ALL.len())];
        n.projects.push(Project {
            xid: format!("x{x}"),
            name: String::new(),
            stage,
            amount: Amount::default(),
        });
        n.edges.push(Edge::Of {
            project: ProjectId(x),
            account: AccountId(rng.below(na) as u32),
        });
        let mut chain = HashSet::new();
        for _ in 0..rng.below(6) {
            let p = rng.below(np);
            if chain.insert(p) {
                let opt = |rng: &mut Rng| rng.chance(0.6).then(|| score(rng));
                let (solution, price) = (opt(&mut rng), opt(&mut rng));
                n.edges.push(Edge::Member {
                    person: PersonId(p as u32),
                    project: ProjectId(x),
                    member: Member {
                        role: roles[rng.below(6)],
                        coach: rng.chance(0.2),
                        solution,
                        price,
                    },
                });
            }
        }
    }
    assert_eq!(n.validate(), Ok(()));
    n
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
            let pi = influence::account_pagerank(&snap, a, &params);
            prop_assert_eq!(pi.len(), snap.account_persons(a).len());
            if !pi.is_empty() {
                prop_assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                prop_assert!(pi.iter().all(|&v| v > 0.0));
            }
        }
    }

    #[test]
    fn noisy_or_is_monotone_and_in_unit_interval(values in prop::collection::vec(0.0f64..=1.0, 0..8), extra in 0.0f64..=1.0) {
        let base = closeness::noisy_or(values.iter().copied());
        let more = closeness::noisy_or(values.iter().copied().chain([extra]));
        prop_assert!((0.0..=1.0).contains(&base));
        prop_assert!(more >= base);
    }

    #[test]
    fn removing_a_tie_never_raises_any_closeness(seed: u64, np in 1usize..20, pick: usize) {
        let mut net = random_network(seed, np, 3, 2, 2);
        let params = Params::default();
        let before = {
            let snap = Snapshot::from_network(&net);
            closeness::all_closeness(&snap, &guanxi::analysis::decay::decayed_ties(&snap, &params, as_of()))
        };
        let ties: Vec<usize> = net.edges.iter().enumerate().filter(|(_, e)| matches!(e, Edge::Tie { .. })).map(|(i, _)| i).collect();
        prop_assume!(!ties.is_empty());
        net.edges.remove(ties[pick % ties.len()]);
        let snap = Snapshot::from_network(&net);
        let after = closeness::all_closeness(&snap, &guanxi::analysis::decay::decayed_ties(&snap, &params, as_of()));
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(a <= b, "{} > {}", a, b);
        }
    }

    #[test]
    fn friedkin_johnsen_result_is_the_fixed_point(seed: u64, np in 1usize..25) {
        let snap = Snapshot::from_network(&random_network(seed, np, 3, 2, 3));
        let params = Params::default();
        let ctx = Ctx::new(&snap, &params, as_of());
        for x in snap.project_ids() {
            let o = opinion::project_opinion(&ctx, x);
            for (i, &p) in o.persons.iter().enumerate() {
                let row: Vec<(usize, f64)> = snap.deference(p).iter()
                    .filter_map(|l| o.persons.binary_search(&l.to).ok().map(|j| (j, l.weight)))
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
            let c = completeness::completeness(&snap, x, 90, as_of());
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
        let ctx = Ctx::new(&snap, &params, as_of());
        let target = PersonId(0);
        // Brute force: best product over every simple path employee → person … → target.
        let mut best = vec![0.0f64; ne];
        for (i, t) in snap.ties().iter().enumerate() {
            let c = ctx.decayed(i);
            if c > 0.0 {
                let mut visited = vec![false; np];
                let s = best_simple(&snap, t.person, target, &mut visited);
                best[t.employee.index()] = best[t.employee.index()].max(c * s);
            }
        }
        let mut want: Vec<(usize, f64)> = best.iter().copied().enumerate().filter(|b| b.1 > 0.0).collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(format!("e{}", a.0).cmp(&format!("e{}", b.0))));
        want.truncate(k);
        let got = path::strongest_paths(&ctx, target, k, None);
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert!((g.strength - w.1).abs() < 1e-12);
            prop_assert!((g.strength - best[g.employee.index()]).abs() < 1e-12);
            // The hops form a path of that strength, ending at the target.
            prop_assert_eq!(*g.persons.last().unwrap(), target);
            let first = snap.ties().iter().position(|t| t.employee == g.employee && t.person == g.persons[0]).unwrap();
            let mut s = ctx.decayed(first);
            for h in g.persons.windows(2) {
                s *= snap.links(h[0]).iter().find(|l| l.to == h[1]).unwrap().weight;
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
        let ctx = Ctx::new(&snap, &params, as_of());
        for x in snap.project_ids() {
            let approvers: Vec<PersonId> = snap.members(x).iter().filter(|m| m.member.role == Role::Approver).map(|m| m.person).collect();
            let mut want: Vec<(PersonId, f64)> = Vec::new();
            for p in opinion::project_persons(&snap, x) {
                let member = snap.members(x).iter().find(|m| m.person == p).map(|m| m.member);
                let reach = if member.is_some_and(|m| m.role == Role::Approver) {
                    1.0
                } else {
                    approvers.iter().map(|&a| best_simple(&snap, p, a, &mut vec![false; np])).fold(0.0, f64::max)
                };
                let s = member.and_then(|m| m.solution).map_or(0.5, Score::get);
                let score = ctx.closeness(p) * s * reach * (1.0 - closeness::max_rival_closeness(&snap, p));
                if score > 0.0 {
                    want.push((p, score));
                }
            }
            want.sort_by(|a, b| b.1.total_cmp(&a.1).then(snap.person_xid(a.0).cmp(snap.person_xid(b.0))));
            want.truncate(k);
            let got = guanxi::analysis::coach::coach_candidates(&ctx, x);
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
        let ctx = Ctx::new(&snap, &params, as_of());
        for x in snap.project_ids() {
            let approvers: Vec<PersonId> = snap.members(x).iter().filter(|m| m.member.role == Role::Approver).map(|m| m.person).collect();
            let reach = plain_dijkstra(&snap, &approvers);
            let mut want: Vec<(PersonId, f64)> = Vec::new();
            for p in opinion::project_persons(&snap, x) {
                let member = snap.members(x).iter().find(|m| m.person == p).map(|m| m.member);
                let r = if member.is_some_and(|m| m.role == Role::Approver) { 1.0 } else { reach[p.index()] };
                let s = member.and_then(|m| m.solution).map_or(0.5, Score::get);
                let score = ctx.closeness(p) * s * r * (1.0 - closeness::max_rival_closeness(&snap, p));
                if score > 0.0 {
                    want.push((p, score));
                }
            }
            want.sort_by(|a, b| b.1.total_cmp(&a.1).then(snap.person_xid(a.0).cmp(snap.person_xid(b.0))));
            want.truncate(k);
            let got = guanxi::analysis::coach::coach_candidates(&ctx, x);
            prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                prop_assert!((g.score - w.1).abs() < 1e-12, "{} vs {}", g.score, w.1);
                prop_assert!((g.reach - reach[g.person.index()]).abs() < 1e-12 || (g.reach - 1.0).abs() < f64::EPSILON);
            }
        }
    }
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
