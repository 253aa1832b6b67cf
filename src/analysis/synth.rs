//! A small deterministic generator of valid synthetic networks, for benchmarks and
//! tests (not a product feature; a fuller generator belongs to the tools).
//!
//! Shape per 50 persons: one client account (one in ten accounts is a competitor, one
//! in twenty a partner), three projects, one employee per 100 persons. Per person about
//! one `reports_to` and two influences (5% leaving the account), 1.5 ties, 0.2 rival
//! ties; six chain members per project — about six edges per person in all.

use crate::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, Employee, EmployeeId, Member, Network,
    OwnsTarget, Person, PersonId, Project, ProjectId, Role, Score, Stage, Tie,
};
use std::collections::HashSet;

/// A splitmix64 pseudo-random generator: tiny, fast and reproducible.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// A score in `[0, 1)`, rounded to two decimals.
    pub fn score(&mut self) -> Score {
        Score::new((self.unit() * 100.0).floor() / 100.0).unwrap_or(Score::ZERO)
    }
}

/// A valid network with about `persons` persons and `6 × persons` edges.
#[allow(clippy::too_many_lines)]
pub fn network(persons: usize, seed: u64) -> Network {
    let mut rng = Rng::new(seed);
    let mut net = Network::new();
    let n_accounts = (persons / 50).max(1);
    let n_employees = (persons / 100).max(1);
    for a in 0..n_accounts {
        let kind = match a % 20 {
            0 => AccountKind::Partner,
            1 | 11 => AccountKind::Competitor,
            _ => AccountKind::Client,
        };
        net.accounts.push(Account {
            xid: format!("a{a}"),
            name: format!("Account {a}"),
            kind,
        });
    }
    let competitors: Vec<usize> = (0..n_accounts)
        .filter(|&a| net.accounts[a].kind == AccountKind::Competitor)
        .collect();
    for e in 0..n_employees {
        net.employees.push(Employee {
            xid: format!("e{e}"),
            name: format!("Employee {e}"),
        });
    }
    // Persons in contiguous blocks per account; 2% without an account.
    let account_of: Vec<Option<usize>> = (0..persons)
        .map(|p| {
            (!rng.chance(0.02)).then_some((p * n_accounts / persons.max(1)).min(n_accounts - 1))
        })
        .collect();
    for (p, acc) in account_of.iter().enumerate() {
        net.persons.push(Person {
            xid: format!("p{p}"),
            name: format!("Person {p}"),
            title: None,
        });
        if let Some(a) = acc {
            net.edges.push(Edge::WorksAt {
                person: PersonId(p as u32),
                account: AccountId(*a as u32),
            });
        }
    }
    let block = |a: usize| (a * persons / n_accounts)..((a + 1) * persons / n_accounts);
    let pick_near = |rng: &mut Rng, p: usize| -> usize {
        if rng.chance(0.05) {
            rng.below(persons)
        } else {
            let b = block((p * n_accounts / persons).min(n_accounts - 1));
            b.start + rng.below(b.len())
        }
    };
    let mut seen: HashSet<(u8, usize, usize)> = HashSet::new();
    for p in 0..persons {
        if rng.chance(0.9) {
            let m = pick_near(&mut rng, p);
            if m != p && seen.insert((0, p, m)) {
                net.edges.push(Edge::ReportsTo {
                    person: PersonId(p as u32),
                    manager: PersonId(m as u32),
                    weight: rng.score(),
                });
            }
        }
        for _ in 0..2 {
            let q = pick_near(&mut rng, p);
            if q != p && seen.insert((1, p, q)) {
                net.edges.push(Edge::Influences {
                    from: PersonId(p as u32),
                    to: PersonId(q as u32),
                    weight: rng.score(),
                });
            }
        }
        let ties = if rng.chance(0.5) { 2 } else { 1 };
        for _ in 0..ties {
            let e = rng.below(n_employees);
            if seen.insert((2, e, p)) {
                let last_contact = rng
                    .chance(0.8)
                    .then(|| Day::from_days_since_epoch(19_500 + (rng.next_u64() % 900) as i32))
                    .flatten();
                net.edges.push(Edge::Tie {
                    employee: EmployeeId(e as u32),
                    person: PersonId(p as u32),
                    tie: Tie {
                        closeness: rng.score(),
                        last_contact,
                        private: rng.chance(0.1),
                    },
                });
            }
        }
        if !competitors.is_empty() && rng.chance(0.2) {
            let k = competitors[rng.below(competitors.len())];
            net.edges.push(Edge::RivalTie {
                competitor: AccountId(k as u32),
                person: PersonId(p as u32),
                closeness: rng.score(),
            });
        }
    }
    let stages = [
        Stage::Lead,
        Stage::Validation,
        Stage::Pursuit,
        Stage::Pursuit,
        Stage::Won,
        Stage::Lost,
    ];
    let roles = [
        Role::Approver,
        Role::Vetoer,
        Role::DecisionMaker,
        Role::Evaluator,
        Role::Influencer,
        Role::User,
    ];
    for a in 0..n_accounts {
        if let Some(&e) = [rng.below(n_employees)].first() {
            net.edges.push(Edge::Owns {
                employee: EmployeeId(e as u32),
                target: OwnsTarget::Account(AccountId(a as u32)),
            });
        }
        for _ in 0..3 {
            let x = net.projects.len();
            net.projects.push(Project {
                xid: format!("x{x}"),
                name: format!("Project {x}"),
                stage: stages[rng.below(stages.len())],
                amount: Amount::new((rng.below(1000) * 1000) as f64).unwrap_or_default(),
            });
            net.edges.push(Edge::Of {
                project: ProjectId(x as u32),
                account: AccountId(a as u32),
            });
            let b = block(a);
            let mut chain = HashSet::new();
            for role in roles {
                let p = if rng.chance(0.1) {
                    rng.below(persons)
                } else {
                    b.start + rng.below(b.len())
                };
                if chain.insert(p) {
                    let opt = |rng: &mut Rng| rng.chance(0.7).then(|| rng.score());
                    let (solution, price) = (opt(&mut rng), opt(&mut rng));
                    net.edges.push(Edge::Member {
                        person: PersonId(p as u32),
                        project: ProjectId(x as u32),
                        member: Member {
                            role,
                            coach: rng.chance(0.15),
                            solution,
                            price,
                        },
                    });
                }
            }
            if !competitors.is_empty() && rng.chance(0.5) {
                net.edges.push(Edge::Competes {
                    competitor: AccountId(competitors[rng.below(competitors.len())] as u32),
                    project: ProjectId(x as u32),
                });
            }
        }
    }
    net
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_networks_are_valid_and_about_six_edges_per_person() {
        let net = super::network(2_000, 7);
        assert_eq!(net.validate(), Ok(()));
        let per_person = net.edges.len() as f64 / 2_000.0;
        assert!((5.0..7.5).contains(&per_person), "{per_person}");
    }
}
