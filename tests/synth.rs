//! The synthetic generator: valid, deterministic, realistic, and CSV round-trippable.
#![allow(clippy::float_cmp, clippy::too_many_lines)] // exact expected values; long scenario tests

use guanxi::io::{read_csv_dir, write_csv_dir};
use guanxi::model::{
    AccountKind, Day, Edge, EdgeKind, Employment, InteractionKind, Network, OwnsTarget, PersonId,
    ProjectId, Role, Stage,
};
use guanxi::synth::{generate, generate_with, Params, Preset, SynthError, MIN_CLOSED};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};
use tempfile::TempDir;

fn count(net: &Network, kind: EdgeKind) -> usize {
    net.edges.iter().filter(|e| e.kind() == kind).count()
}

fn round_trip(net: &Network) -> Network {
    let dir = TempDir::new().unwrap();
    write_csv_dir(net, dir.path()).unwrap();
    read_csv_dir(dir.path()).unwrap()
}

#[test]
fn preset_names_parse_and_unknown_ones_are_refused() {
    for p in Preset::ALL {
        assert_eq!(p.as_str().parse::<Preset>(), Ok(p));
        assert_eq!(p.to_string(), p.as_str());
    }
    assert_eq!(
        "huge".parse::<Preset>(),
        Err(SynthError::UnknownPreset("huge".into()))
    );
    assert_eq!(
        SynthError::UnknownPreset("huge".into()).to_string(),
        r#"unknown preset "huge" (expected tiny, small, medium or large)"#
    );
}

#[test]
fn same_seed_gives_the_same_network_and_another_seed_another() {
    assert_eq!(generate(Preset::Small, 7), generate(Preset::Small, 7));
    assert_ne!(generate(Preset::Small, 7), generate(Preset::Small, 8));
}

#[test]
fn generated_output_is_pinned_for_a_seed() {
    // The stream is part of the contract: the same seed must give the same data in every
    // build. The node counts and names were recorded from the first version of the
    // generator (the dated records, drawn from a second stream, left them as they were);
    // the edge and interaction counts from the version that added the dated records (a
    // job change turns one works_at edge into two).
    let net = generate(Preset::Tiny, 42);
    let summary = (
        net.accounts.len(),
        net.persons.len(),
        net.employees.len(),
        net.projects.len(),
        net.edges.len(),
        net.interactions.len(),
    );
    assert_eq!(summary, PINNED_TINY_42);
    assert_eq!(
        (net.persons[3].name.as_str(), net.accounts[0].name.as_str()),
        PINNED_NAMES_42
    );
}

const PINNED_NAMES_42: (&str, &str) = ("Nowak Camille", "Shenzhen Bank 1");

const PINNED_TINY_42: (usize, usize, usize, usize, usize, usize) = (5, 16, 3, 8, 119, 162);

#[test]
fn tiny_is_readable_and_covers_every_stage() {
    let net = generate(Preset::Tiny, 1);
    assert_eq!(net.validate(), Ok(()));
    assert!((12..=30).contains(&net.persons.len()), "{net}");
    let stages: HashSet<Stage> = net.projects.iter().map(|x| x.stage).collect();
    assert_eq!(stages.len(), Stage::ALL.len());
    assert_eq!(
        net.accounts
            .iter()
            .filter(|a| a.kind == AccountKind::Competitor)
            .count(),
        2
    );
    assert_eq!(round_trip(&net), net);
}

#[test]
fn small_round_trips_through_csv_unchanged() {
    let net = generate(Preset::Small, 3);
    assert_eq!(net.validate(), Ok(()));
    assert_eq!(round_trip(&net), net);
}

#[test]
fn small_has_about_two_thousand_persons_and_every_feature() {
    let net = generate(Preset::Small, 11);
    assert!((1_700..=2_300).contains(&net.persons.len()), "{net}");
    for kind in EdgeKind::ALL {
        assert!(count(&net, kind) > 0, "no {kind} edge");
    }
    let kinds: HashSet<AccountKind> = net.accounts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds.len(), 3);

    // Persons without an account.
    let employed: HashSet<_> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::WorksAt { person, .. } => Some(*person),
            _ => None,
        })
        .collect();
    assert!(employed.len() < net.persons.len());

    // Ties: spread closeness, some 0, some undated, some private, dates around 2025-06-30.
    let ties: Vec<_> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Tie { tie, .. } => Some(*tie),
            _ => None,
        })
        .collect();
    assert!(ties.iter().any(|t| t.closeness.get() == 0.0));
    assert!(ties.iter().any(|t| t.closeness.get() > 0.9));
    assert!(ties.iter().any(|t| t.last_contact.is_none()));
    assert!(ties.iter().any(|t| t.private));
    let reference: guanxi::model::Day = "2025-06-30".parse().unwrap();
    let dated: Vec<i64> = ties
        .iter()
        .filter_map(|t| t.last_contact.map(|d| d.days_until(reference)))
        .collect();
    assert!(dated.iter().all(|&d| (-30..730).contains(&d)));
    assert!(dated.iter().any(|&d| d > 600) && dated.iter().any(|&d| d < 30));

    // Deference: mostly the default weight for reports_to, some mutual influence.
    let reports: Vec<f64> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::ReportsTo { weight, .. } => Some(weight.get()),
            _ => None,
        })
        .collect();
    let default = reports.iter().filter(|&&w| w == 0.8).count();
    assert!(default * 2 > reports.len() && default < reports.len());
    let influences: HashSet<_> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Influences { from, to, .. } => Some((*from, *to)),
            _ => None,
        })
        .collect();
    assert!(influences
        .iter()
        .any(|(a, b)| influences.contains(&(*b, *a))));

    // Chains: some without approver, some without vetoer or coach, unknown acceptances,
    // members from other accounts.
    let mut chains: HashMap<_, Vec<_>> = HashMap::new();
    for e in &net.edges {
        if let Edge::Member {
            person,
            project,
            member,
        } = e
        {
            chains.entry(*project).or_default().push((*person, *member));
        }
    }
    let lacking = |f: &dyn Fn(&guanxi::model::Member) -> bool| {
        chains.values().any(|c| !c.iter().any(|(_, m)| f(m)))
    };
    assert!(lacking(&|m| m.role == Role::Approver));
    assert!(lacking(&|m| m.role == Role::Vetoer));
    assert!(lacking(&|m| m.coach));
    assert!(chains.len() < net.projects.len(), "some chains are empty");
    let members = chains.values().flatten();
    assert!(members.clone().any(|(_, m)| m.solution.is_none()));
    assert!(members.clone().any(|(_, m)| m.price.is_some()));
    let account_of: HashMap<_, _> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::WorksAt {
                person, account, ..
            } => Some((*person, *account)),
            _ => None,
        })
        .collect();
    let project_account: HashMap<_, _> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Of { project, account } => Some((*project, *account)),
            _ => None,
        })
        .collect();
    assert!(chains.iter().any(|(x, c)| c
        .iter()
        .any(|(p, _)| account_of.get(p) != project_account.get(x))));
}

fn reference() -> Day {
    "2025-06-30".parse().unwrap()
}

#[test]
fn small_has_two_years_of_interactions_heavier_with_owners_and_chain_members() {
    let net = generate(Preset::Small, 11);
    let log = &net.interactions;
    assert!((8_000..=14_000).contains(&log.len()), "{}", log.len());
    // Over the two years before the reference date, 1 % up to 30 days after it, by date.
    let offsets: Vec<i64> = log.iter().map(|i| reference().days_until(i.date)).collect();
    assert!(offsets.iter().all(|d| (-730..=30).contains(d)));
    let ahead = offsets.iter().filter(|&&d| d > 0).count();
    assert!(ahead > 0 && ahead * 50 < log.len(), "{ahead}");
    assert!(offsets.iter().any(|&d| d < -700) && offsets.iter().any(|&d| d > -30));
    assert!(log.windows(2).all(|w| w[0].date <= w[1].date));
    // Kinds in their shares (±3 points): meeting, event, call, message, email.
    let shares = [0.17, 0.06, 0.25, 0.20, 0.32];
    for (kind, share) in InteractionKind::ALL.iter().zip(shares) {
        let n = log.iter().filter(|i| i.kind == *kind).count();
        let got = n as f64 / log.len() as f64;
        assert!((got - share).abs() < 0.03, "{kind}: {got}");
    }
    // Heavier with the owners of a person's account, and with chain members of owned
    // projects.
    let owned: HashSet<(u32, u32)> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Owns {
                employee,
                target: OwnsTarget::Account(a),
            } => Some((employee.0, a.0)),
            _ => None,
        })
        .collect();
    let first_account: HashMap<PersonId, u32> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::WorksAt {
                person, account, ..
            } => Some((*person, account.0)),
            _ => None,
        })
        .rev()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .fold(HashMap::new(), |mut m, (p, a)| {
            m.entry(p).or_insert(a);
            m
        });
    let mut per_pair: HashMap<(u32, u32), usize> = HashMap::new();
    for i in log {
        *per_pair.entry((i.employee.0, i.person.0)).or_default() += 1;
    }
    let ties: Vec<(u32, u32)> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Tie {
                employee, person, ..
            } => Some((employee.0, person.0)),
            _ => None,
        })
        .collect();
    let mean = |pairs: &[&(u32, u32)]| {
        pairs
            .iter()
            .map(|p| per_pair.get(p).copied().unwrap_or(0))
            .sum::<usize>() as f64
            / pairs.len() as f64
    };
    let (owner_ties, other_ties): (Vec<_>, Vec<_>) = ties.iter().partition(|(e, p)| {
        first_account
            .get(&PersonId(*p))
            .is_some_and(|a| owned.contains(&(*e, *a)))
    });
    assert!(owner_ties.len() > 500 && other_ties.len() > 100);
    assert!(
        mean(&owner_ties) > 3.0 * mean(&other_ties),
        "{} vs {}",
        mean(&owner_ties),
        mean(&other_ties)
    );
    // Interactions about a project: the employee owns it and the person is in its chain.
    let owns_project: HashSet<(u32, ProjectId)> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Owns {
                employee,
                target: OwnsTarget::Project(x),
            } => Some((employee.0, *x)),
            _ => None,
        })
        .collect();
    let member: HashSet<(PersonId, ProjectId)> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Member {
                person, project, ..
            } => Some((*person, *project)),
            _ => None,
        })
        .collect();
    let about: Vec<_> = log.iter().filter(|i| i.project.is_some()).collect();
    assert!(about.len() * 10 > log.len() && about.len() * 2 < log.len());
    for i in &about {
        let x = i.project.unwrap();
        assert!(owns_project.contains(&(i.employee.0, x)) && member.contains(&(i.person, x)));
    }
    let chain_pairs: Vec<&(u32, u32)> = ties
        .iter()
        .filter(|(e, p)| {
            member
                .iter()
                .any(|(q, x)| q.0 == *p && owns_project.contains(&(*e, *x)))
        })
        .collect();
    let owner_only: Vec<&(u32, u32)> = owner_ties
        .iter()
        .copied()
        .filter(|pair| !chain_pairs.contains(pair))
        .collect();
    assert!(chain_pairs.len() > 100);
    assert!(mean(&chain_pairs) > mean(&owner_only) + 2.0);
    // Some interactions without a tie record.
    let tied: HashSet<_> = ties.iter().copied().collect();
    let untied = per_pair.keys().filter(|k| !tied.contains(k)).count();
    assert!((5..=100).contains(&untied), "{untied}");
}

#[test]
fn small_has_job_changes_stale_chains_and_departures() {
    let net = generate(Preset::Small, 11);
    assert_eq!(net.validate(), Ok(()));
    let mut periods: HashMap<PersonId, Vec<(u32, Employment)>> = HashMap::new();
    for e in &net.edges {
        if let Edge::WorksAt {
            person,
            account,
            employment,
        } = e
        {
            periods
                .entry(*person)
                .or_default()
                .push((account.0, employment.clone()));
        }
    }
    let t = reference();
    // Movers: an ended period, and most of the time a new one starting that day.
    let movers: Vec<_> = periods
        .values()
        .filter(|ps| ps.iter().any(|(_, e)| e.until.is_some()))
        .collect();
    assert!((40..=120).contains(&movers.len()), "{}", movers.len());
    let onward = movers.iter().filter(|ps| ps.len() == 2).count();
    assert!(
        onward * 10 > movers.len() * 7,
        "{onward} of {}",
        movers.len()
    );
    for ps in &movers {
        if let [(_, old), (_, new)] = &ps[..] {
            assert_eq!(old.until, new.since);
        }
    }
    let to_rival = movers
        .iter()
        .filter(|ps| {
            ps.get(1)
                .is_some_and(|(a, _)| net.accounts[*a as usize].kind == AccountKind::Competitor)
        })
        .count();
    assert!(to_rival > 3, "{to_rival}");
    let ahead = movers
        .iter()
        .filter(|ps| ps[0].1.until.is_some_and(|u| u > t))
        .count();
    assert!(ahead > 0 && ahead < movers.len() / 4, "{ahead}");
    // Joiners: one period with a since.
    let joiners = periods
        .values()
        .filter(|ps| ps.len() == 1 && ps[0].1.since.is_some() && ps[0].1.until.is_none())
        .count();
    assert!((40..=140).contains(&joiners), "{joiners}");
    // Stale chains: open projects with a member whose period at the project's account
    // ended on or before the reference date and who does not work there on it.
    let account: HashMap<ProjectId, u32> = net
        .edges
        .iter()
        .filter_map(|e| match e {
            Edge::Of { project, account } => Some((*project, account.0)),
            _ => None,
        })
        .collect();
    let mut stale = HashSet::new();
    for e in &net.edges {
        if let Edge::Member {
            person, project, ..
        } = e
        {
            let a = account[project];
            let ps = periods.get(person).map(Vec::as_slice).unwrap_or_default();
            let ended = ps
                .iter()
                .any(|(b, e)| *b == a && e.until.is_some_and(|u| u <= t));
            let there = ps.iter().any(|(b, e)| *b == a && e.contains(t));
            if ended && !there && net.projects[project.index()].stage.is_open() {
                stale.insert(*project);
            }
        }
    }
    let open = net.projects.iter().filter(|x| x.stage.is_open()).count();
    assert!(
        stale.len() * 10 > open && stale.len() * 2 < open,
        "{} of {open}",
        stale.len()
    );
    // Departures: 40 / 12 = 3 employees, never e1, in the eighteen months before.
    let left: Vec<_> = net
        .employees
        .iter()
        .filter_map(|e| e.left.map(|d| (e.xid.as_str(), d)))
        .collect();
    assert_eq!(left.len(), 3);
    assert!(left
        .iter()
        .all(|(xid, d)| *xid != "e1" && (-540..=-30).contains(&t.days_until(*d))));
    // A departed employee's interactions all lie before the day they left.
    for (i, e) in net.employees.iter().enumerate() {
        if let Some(day) = e.left {
            let theirs: Vec<_> = net
                .interactions
                .iter()
                .filter(|x| x.employee.index() == i)
                .collect();
            assert!(theirs.iter().all(|x| x.date < day));
        }
    }
}

#[test]
fn enough_projects_always_include_ten_won_and_ten_lost() {
    assert_eq!(MIN_CLOSED, 10);
    let closed =
        |net: &Network, stage: Stage| net.projects.iter().filter(|x| x.stage == stage).count();
    for seed in 0..8 {
        let net = generate(Preset::Small, seed);
        assert!(closed(&net, Stage::Won) >= 10 && closed(&net, Stage::Lost) >= 10);
    }
    // Networks of 40 to 80 projects, where the draws alone often give fewer lost ones.
    let params = Params {
        clients: 12,
        partners: 0,
        competitors: 1,
        persons_per_account: 4,
        unattached_persons: 0,
        employees: 4,
        projects_per_client: 4,
    };
    let mut topped_up = 0;
    for seed in 0..40 {
        let net = generate_with(&params, seed);
        if net.projects.len() >= 40 {
            assert!(closed(&net, Stage::Won) >= 10, "seed {seed}");
            assert!(closed(&net, Stage::Lost) >= 10, "seed {seed}");
            topped_up += usize::from(closed(&net, Stage::Lost) == 10);
        }
    }
    assert!(topped_up > 0, "the guarantee was never needed");
}

#[test]
fn medium_has_the_announced_size_and_validates() {
    let net = generate(Preset::Medium, 5);
    assert!((45_000..=55_000).contains(&net.persons.len()), "{net}");
    assert!((250_000..=350_000).contains(&net.edges.len()), "{net}");
    assert_eq!(net.validate(), Ok(()));
}

#[test]
fn empty_parameters_give_an_empty_valid_network() {
    let params = Params {
        clients: 0,
        partners: 0,
        competitors: 0,
        persons_per_account: 0,
        unattached_persons: 0,
        employees: 0,
        projects_per_client: 0,
    };
    let net = generate_with(&params, 0);
    assert_eq!(net, Network::new());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any size and seed gives a valid network that survives export and import unchanged.
    #[test]
    fn any_generated_network_is_valid_and_round_trips(
        seed in any::<u64>(),
        clients in 0usize..5,
        partners in 0usize..3,
        competitors in 0usize..3,
        persons_per_account in 0usize..8,
        unattached_persons in 0usize..4,
        employees in 0usize..4,
        projects_per_client in 0usize..4,
    ) {
        let params = Params {
            clients,
            partners,
            competitors,
            persons_per_account,
            unattached_persons,
            employees,
            projects_per_client,
        };
        let net = generate_with(&params, seed);
        prop_assert_eq!(net.validate(), Ok(()));
        prop_assert_eq!(round_trip(&net), net);
    }
}
