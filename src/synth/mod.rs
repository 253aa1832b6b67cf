//! Synthetic relationship networks: realistic, deterministic test and benchmark data.
//!
//! [`generate`] builds a [`Network`] from a [`Preset`] (or [`generate_with`] from explicit
//! [`Params`]) and a seed. The same `(params, seed)` gives the same network on every
//! platform and in every build: the random stream is a self-contained `SplitMix64` (see
//! the private `rng` module), drawn in one fixed order on one thread, and numbers are
//! made with exact IEEE operations only (no platform math functions).
//!
//! # What a generated network looks like
//!
//! * **Accounts**: clients `a1…`, partners `t1…` and a few competitors `c1…`; names mix
//!   scripts and accents, and some contain commas or quotes (to exercise CSV quoting).
//! * **Persons** `p1…` work at clients and partners, each account with an **org chart**:
//!   a random tree of `reports_to` edges under the first person (the CEO), with gaps
//!   (about 12 % of persons have no manager on record), a few second managers and now
//!   and then a loop; weights are mostly the default 0.8, otherwise varied, some 0.
//!   **Influence** edges join persons of an account (about a third of them mutual) and,
//!   rarely, of different accounts. A few persons `q1…` have no account.
//! * **Employees** `e1…` own accounts (1–3 each) and projects (1–2 each), and have
//!   **ties** mostly with persons of the accounts they own: closeness spread over
//!   `[0.05, 1]` with some 0, last contact spread over the two years before
//!   [`REFERENCE_DATE`] (a few after it, 15 % undated), 10 % private.
//! * **Projects** `x1…` at clients (a few at partners), in every stage, with amounts and
//!   **decision chains**: members mostly from the project's account, sometimes one from
//!   elsewhere; some chains lack an approver, a vetoer or a coach, some leads have none;
//!   acceptances are unknown about a third of the time.
//! * **Competitors** have footholds at some clients: **rival ties** with part of the
//!   account's persons and **competes** edges on many of its projects.
//! * **Closed projects**: a network with at least 40 projects has at least
//!   [`MIN_CLOSED`] won and as many lost ones, so that a win model has history to learn
//!   from (the last open projects past the lead stage are closed if needed).
//!
//! And the dated records of §8, drawn from a second random stream after everything else
//! (so the records above do not depend on them):
//!
//! * **Job changes**: about 3 % of the persons of clients and partners moved — to
//!   another client or partner, to a competitor, or out of sight — on a day in the two
//!   years before [`REFERENCE_DATE`] (a few announced moves lie up to 60 days after it),
//!   their old period ending the day the new one begins. One open project in twelve is
//!   picked to lose a chain member who worked at its account, and movers are often in
//!   other chains too, so about a quarter of `small`'s open projects have a stale chain.
//!   About 4 % joined their account on a known day (a single dated period).
//! * **Departures**: about one employee in twelve (at least one of three or more, never
//!   the first) left on a day in the eighteen months before the reference date.
//! * **Interactions** over the two years before the reference date (1 % of them up to 30
//!   days after it), sorted by date: for every tie, 2–12 with persons of an account the
//!   employee owns, 0–3 otherwise, 2–8 more with decision-chain members of projects the
//!   employee owns (then six in ten about that project), halved for ties of closeness
//!   below 0.2; a few interaction-only ties of owners; kinds about 32 % email, 25 % call,
//!   20 % message, 17 % meeting, 6 % event. A departed employee's interactions end before
//!   the day they left.
//!
//! Edges are in the importer's canonical order (`works_at` by person, of by project, then
//! ties, chain, influence, rival ties, competes, owners), so a generated network survives
//! [`write_csv_dir`](crate::io::write_csv_dir) → [`read_csv_dir`](crate::io::read_csv_dir)
//! unchanged.
//!
//! ```
//! use guanxi::synth::{generate, Preset};
//! let net = generate(Preset::Tiny, 42);
//! assert!(net.validate().is_ok());
//! assert_eq!(net, generate("tiny".parse().unwrap(), 42));
//! ```

mod names;
mod rng;
mod time;

pub use rng::Rng;
pub use time::MIN_CLOSED;

use crate::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, Employee, EmployeeId, Employment, Member,
    Network, OwnsTarget, Person, PersonId, Project, ProjectId, Role, Score, Stage, Tie,
};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// The date that generated last contacts, interactions, job changes and departures are
/// spread before: 2025-06-30 (year, month, day).
pub const REFERENCE_DATE: (i32, u8, u8) = (2025, 6, 30);

/// A named network size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// About 20 persons: small enough to read.
    Tiny,
    /// About 2 000 persons.
    Small,
    /// About 50 000 persons and 300 000 edges.
    Medium,
    /// About 500 000 persons and 3 000 000 edges.
    Large,
}

impl Preset {
    /// Every preset, smallest first.
    pub const ALL: [Preset; 4] = [Preset::Tiny, Preset::Small, Preset::Medium, Preset::Large];

    /// The preset's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Tiny => "tiny",
            Preset::Small => "small",
            Preset::Medium => "medium",
            Preset::Large => "large",
        }
    }

    /// The generator's parameters for this preset.
    pub fn params(self) -> Params {
        let (clients, partners, competitors, employees, persons_per_account, unattached) =
            match self {
                Preset::Tiny => (2, 1, 2, 3, 5, 2),
                Preset::Small => (60, 8, 5, 40, 29, 30),
                Preset::Medium => (1_500, 150, 20, 800, 30, 500),
                Preset::Large => (15_000, 1_500, 60, 8_000, 30, 5_000),
            };
        Params {
            clients,
            partners,
            competitors,
            persons_per_account,
            unattached_persons: unattached,
            employees,
            projects_per_client: 4,
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Preset {
    type Err = SynthError;
    fn from_str(s: &str) -> Result<Preset, SynthError> {
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| SynthError::UnknownPreset(s.to_owned()))
    }
}

/// Errors of the synthetic generator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// A preset name that is not one of the four.
    #[error("unknown preset {0:?} (expected tiny, small, medium or large)")]
    UnknownPreset(String),
}

/// The size of a generated network. Counts are targets; the random draws vary them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// Client accounts.
    pub clients: usize,
    /// Partner accounts.
    pub partners: usize,
    /// Competitor accounts.
    pub competitors: usize,
    /// Mean number of persons per client or partner (each has between half and one and
    /// a half times this many, at least one).
    pub persons_per_account: usize,
    /// Persons with no account.
    pub unattached_persons: usize,
    /// Our employees.
    pub employees: usize,
    /// Mean number of projects per client (each has between 0 and twice this many).
    pub projects_per_client: usize,
}

/// Generates the network of a preset from a seed.
pub fn generate(preset: Preset, seed: u64) -> Network {
    generate_with(&preset.params(), seed)
}

/// Generates a network of the given size from a seed.
///
/// The result passes [`Network::validate`]. Parameters of 0 are allowed (no employees
/// means no ties or owners, and so on).
pub fn generate_with(params: &Params, seed: u64) -> Network {
    let mut b = Builder::new(params, seed);
    b.accounts();
    b.persons();
    b.employees();
    b.account_owners();
    b.ties();
    b.projects();
    b.competition();
    b.closed_projects();
    b.job_changes();
    b.departures();
    b.interactions();
    b.finish()
}

/// The seed of the second random stream, which draws the dated records, from the seed.
const TIME_STREAM: u64 = 0x7469_6d65_2d73_7472;

fn score(v: f64) -> Score {
    // Values are made in range; clamping only guards the invariant.
    Score::new(v.clamp(0.0, 1.0)).unwrap_or(Score::ZERO)
}

fn id(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// The generator's state: nodes so far and edges by file, in the canonical order.
struct Builder<'p> {
    p: &'p Params,
    rng: Rng,
    /// The second stream: dated records only.
    time_rng: Rng,
    net: Network,
    reference: Option<Day>,
    /// Persons of each client and partner, by account index.
    staff: Vec<Range<u32>>,
    /// Employees owning each client and partner, by account index.
    owners_of: Vec<Vec<u32>>,
    works_at: Vec<Edge>,
    of: Vec<Edge>,
    ties: Vec<Edge>,
    members: Vec<Edge>,
    influence: Vec<Edge>,
    rival_ties: Vec<Edge>,
    competes: Vec<Edge>,
    owns: Vec<Edge>,
    deference: HashSet<(bool, u32, u32)>,
    /// The employment periods of persons who changed jobs or joined on a known day, by
    /// person: (account index, period), replacing the person's plain `works_at`.
    periods: HashMap<u32, Vec<(usize, Employment)>>,
}

impl<'p> Builder<'p> {
    /// Each project with the index of its account, from the `of` edges.
    fn project_accounts(&self) -> impl Iterator<Item = (ProjectId, usize)> + '_ {
        self.of.iter().filter_map(|e| match *e {
            Edge::Of { project, account } => Some((project, account.index())),
            _ => None,
        })
    }

    fn new(p: &'p Params, seed: u64) -> Self {
        let (y, m, d) = REFERENCE_DATE;
        Builder {
            p,
            rng: Rng::new(seed),
            time_rng: Rng::new(seed ^ TIME_STREAM),
            net: Network::new(),
            reference: Day::from_ymd(y, m, d),
            staff: Vec::new(),
            owners_of: Vec::new(),
            works_at: Vec::new(),
            of: Vec::new(),
            ties: Vec::new(),
            members: Vec::new(),
            influence: Vec::new(),
            rival_ties: Vec::new(),
            competes: Vec::new(),
            owns: Vec::new(),
            deference: HashSet::new(),
            periods: HashMap::new(),
        }
    }

    /// Clients and partners: the accounts with persons and owners.
    fn orgs(&self) -> usize {
        self.p.clients + self.p.partners
    }

    fn competitor(&self, k: usize) -> AccountId {
        AccountId(id(self.orgs() + k))
    }

    fn accounts(&mut self) {
        let kinds = [
            (self.p.clients, AccountKind::Client, "a"),
            (self.p.partners, AccountKind::Partner, "t"),
            (self.p.competitors, AccountKind::Competitor, "c"),
        ];
        for (count, kind, prefix) in kinds {
            for n in 1..=count {
                let sector = self.rng.pick(names::SECTORS);
                let name = if kind == AccountKind::Competitor {
                    format!("Rival {sector} {n}")
                } else {
                    let place = self.rng.pick(names::PLACES);
                    let suffix = self.rng.pick(names::SUFFIXES);
                    format!("{place} {sector} {n}{suffix}")
                };
                self.net.accounts.push(Account {
                    xid: format!("{prefix}{n}"),
                    name,
                    kind,
                });
            }
        }
    }

    fn person_name(&mut self) -> String {
        let family = self.rng.pick(names::FAMILY);
        let given = self.rng.pick(names::GIVEN);
        format!("{family} {given}")
    }

    /// Adds a `reports_to` (`reports`) or influences edge unless it is a self-loop or
    /// already there.
    fn defer(&mut self, reports: bool, from: u32, to: u32, weight: Score) {
        if from == to || !self.deference.insert((reports, from, to)) {
            return;
        }
        let (from, to) = (PersonId(from), PersonId(to));
        self.influence.push(if reports {
            Edge::ReportsTo {
                person: from,
                manager: to,
                weight,
            }
        } else {
            Edge::Influences { from, to, weight }
        });
    }

    fn reports_weight(&mut self) -> Score {
        let r = self.rng.unit();
        score(if r < 0.65 {
            0.8
        } else if r < 0.67 {
            0.0
        } else {
            self.rng.two_decimals(0.3, 1.0)
        })
    }

    fn influence_weight(&mut self) -> Score {
        score(if self.rng.chance(0.02) {
            0.0
        } else {
            self.rng.two_decimals(0.05, 1.0)
        })
    }

    fn influence_pair(&mut self, a: u32, b: u32) {
        let w = self.influence_weight();
        self.defer(false, a, b, w);
        if self.rng.chance(0.3) {
            let w = self.influence_weight();
            self.defer(false, b, a, w);
        }
    }

    fn persons(&mut self) {
        let mean = self.p.persons_per_account.max(1);
        for a in 0..self.orgs() {
            let n = self.rng.between((mean / 2).max(1), mean + mean / 2);
            let start = id(self.net.persons.len());
            for i in 0..n {
                let index = self.net.persons.len();
                let title = if i == 0 {
                    Some("CEO".to_owned())
                } else if self.rng.chance(0.1) {
                    None
                } else {
                    Some((*self.rng.pick(names::TITLES)).to_owned())
                };
                let name = self.person_name();
                self.net.persons.push(Person {
                    xid: format!("p{}", index + 1),
                    name,
                    title,
                });
                self.works_at.push(Edge::WorksAt {
                    person: PersonId(id(index)),
                    account: AccountId(id(a)),
                    employment: Employment::default(),
                });
            }
            self.staff.push(start..start + id(n));
            self.org_chart(start, n);
        }
        let attached = self.net.persons.len();
        for j in 1..=self.p.unattached_persons {
            let name = self.person_name();
            let title = self
                .rng
                .chance(0.5)
                .then(|| (*self.rng.pick(names::TITLES)).to_owned());
            self.net.persons.push(Person {
                xid: format!("q{j}"),
                name,
                title,
            });
            if attached > 0 {
                let q = id(self.net.persons.len() - 1);
                let target = id(self.rng.below(attached));
                self.influence_pair(q, target);
            }
        }
        // A few influences across accounts.
        for _ in 0..attached / 50 {
            let (a, b) = (self.rng.below(attached), self.rng.below(attached));
            self.influence_pair(id(a), id(b));
        }
    }

    /// The `reports_to` tree and influence edges of one account's persons `start..start+n`.
    fn org_chart(&mut self, start: u32, n: usize) {
        for i in 1..n {
            if self.rng.chance(0.12) {
                continue; // a gap in the records
            }
            let me = start + id(i);
            let manager = start + id(self.rng.below(i));
            let w = self.reports_weight();
            self.defer(true, me, manager, w);
            if i >= 2 && self.rng.chance(0.03) {
                let second = start + id(self.rng.below(i));
                let w = self.reports_weight();
                self.defer(true, me, second, w);
            }
        }
        if n > 2 && self.rng.chance(0.02) {
            // An org-chart loop: the head recorded as reporting to a subordinate.
            let sub = start + 1 + id(self.rng.below(n - 1));
            let w = self.reports_weight();
            self.defer(true, start, sub, w);
        }
        for i in 0..n {
            for _ in 0..self.rng.below(4) {
                let target = start + id(self.rng.below(n));
                self.influence_pair(start + id(i), target);
            }
        }
    }

    fn employees(&mut self) {
        for n in 1..=self.p.employees {
            let name = self.person_name();
            self.net.employees.push(Employee {
                xid: format!("e{n}"),
                name,
                left: None,
            });
        }
    }

    /// Up to `k` distinct employees, each from `preferred` with probability 0.8 (if any).
    fn team(&mut self, k: usize, preferred: &[u32]) -> Vec<u32> {
        let mut team: Vec<u32> = Vec::with_capacity(k);
        if self.p.employees == 0 {
            return team;
        }
        for _ in 0..k {
            let e = if !preferred.is_empty() && self.rng.chance(0.8) {
                *self.rng.pick(preferred)
            } else {
                id(self.rng.below(self.p.employees))
            };
            if !team.contains(&e) {
                team.push(e);
            }
        }
        team
    }

    fn account_owners(&mut self) {
        for a in 0..self.orgs() {
            let k = if a < self.p.clients {
                self.rng.between(1, 3)
            } else {
                1
            };
            let team = self.team(k, &[]);
            for &e in &team {
                self.owns.push(Edge::Owns {
                    employee: EmployeeId(e),
                    target: OwnsTarget::Account(AccountId(id(a))),
                });
            }
            self.owners_of.push(team);
        }
    }

    fn tie(&mut self) -> Tie {
        let closeness = if self.rng.chance(0.03) {
            0.0
        } else {
            self.rng.two_decimals(0.05, 1.0)
        };
        let r = self.rng.unit();
        let days_before = if r < 0.15 {
            None
        } else if r < 0.17 {
            Some(-1 - i32::try_from(self.rng.below(30)).unwrap_or(0))
        } else {
            Some(i32::try_from(self.rng.below(730)).unwrap_or(0))
        };
        let last_contact = days_before.and_then(|d| {
            self.reference
                .and_then(|r| Day::from_days_since_epoch(r.days_since_epoch() - d))
        });
        Tie {
            closeness: score(closeness),
            last_contact,
            private: self.rng.chance(0.1),
        }
    }

    fn ties(&mut self) {
        for a in 0..self.orgs() {
            let owners = std::mem::take(&mut self.owners_of[a]);
            for (i, p) in self.staff[a].clone().enumerate() {
                let r = self.rng.unit();
                let k = if i == 0 {
                    self.rng.between(1, 2)
                } else if r < 0.3 {
                    0
                } else if r < 0.75 {
                    1
                } else if r < 0.93 {
                    2
                } else {
                    3
                };
                for e in self.team(k, &owners) {
                    let tie = self.tie();
                    self.ties.push(Edge::Tie {
                        employee: EmployeeId(e),
                        person: PersonId(p),
                        tie,
                    });
                }
            }
            self.owners_of[a] = owners;
        }
        let attached = self.staff.last().map_or(0, |r| r.end);
        for q in attached..id(self.net.persons.len()) {
            let k = self.rng.below(3);
            for e in self.team(k, &[]) {
                let tie = self.tie();
                self.ties.push(Edge::Tie {
                    employee: EmployeeId(e),
                    person: PersonId(q),
                    tie,
                });
            }
        }
    }

    fn stage(&mut self, index: usize) -> Stage {
        if let Some(&s) = Stage::ALL.get(index) {
            return s; // the first projects cover every stage
        }
        let r = self.rng.unit();
        if r < 0.25 {
            Stage::Lead
        } else if r < 0.45 {
            Stage::Validation
        } else if r < 0.70 {
            Stage::Pursuit
        } else if r < 0.88 {
            Stage::Won
        } else {
            Stage::Lost
        }
    }

    fn amount(&mut self) -> Amount {
        let v = if self.rng.chance(0.03) {
            0.0
        } else {
            let thousands = if self.rng.chance(0.1) {
                self.rng.between(1_000, 5_000)
            } else {
                self.rng.between(10, 999)
            };
            let half = if self.rng.chance(0.05) { 0.5 } else { 0.0 };
            thousands as f64 * 1000.0 + half
        };
        Amount::new(v).unwrap_or_default()
    }

    fn projects(&mut self) {
        for a in 0..self.orgs() {
            let count = if a < self.p.clients {
                self.rng.below(2 * self.p.projects_per_client + 1)
            } else {
                usize::from(self.rng.chance(0.2))
            };
            for _ in 0..count {
                self.project(a);
            }
        }
        // Make sure the first projects can cover every stage.
        while self.net.projects.len() < Stage::ALL.len()
            && self.p.clients > 0
            && self.p.projects_per_client > 0
        {
            let a = self.rng.below(self.p.clients);
            self.project(a);
        }
    }

    fn project(&mut self, a: usize) {
        let index = self.net.projects.len();
        let x = ProjectId(id(index));
        let stage = self.stage(index);
        let amount = self.amount();
        let product = self.rng.pick(names::PRODUCTS);
        self.net.projects.push(Project {
            xid: format!("x{}", index + 1),
            name: format!("{product} x{}", index + 1),
            stage,
            amount,
        });
        self.of.push(Edge::Of {
            project: x,
            account: AccountId(id(a)),
        });
        self.chain(x, stage, a);
        let owners = std::mem::take(&mut self.owners_of[a]);
        let k = self.rng.between(1, 2);
        for e in self.team(k, &owners) {
            self.owns.push(Edge::Owns {
                employee: EmployeeId(e),
                target: OwnsTarget::Project(x),
            });
        }
        self.owners_of[a] = owners;
    }

    /// The decision chain of project `x` at account `a`.
    fn chain(&mut self, x: ProjectId, stage: Stage, a: usize) {
        let staff = self.staff[a].clone();
        let size = if stage == Stage::Lead {
            self.rng.between(0, 3)
        } else {
            self.rng.between(2, 7)
        }
        .min(staff.len());
        let mut chosen: Vec<u32> = Vec::with_capacity(size + 1);
        for _ in 0..size * 3 {
            if chosen.len() == size {
                break;
            }
            let p = staff.start + id(self.rng.below(staff.len()));
            if !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        if !chosen.is_empty() && self.rng.chance(0.1) {
            let p = id(self.rng.below(self.net.persons.len()));
            if !chosen.contains(&p) {
                chosen.push(p); // a member from elsewhere
            }
        }
        let approver = self
            .rng
            .chance(if stage == Stage::Lead { 0.4 } else { 0.85 });
        let vetoer = self.rng.chance(0.6);
        for (i, &p) in chosen.iter().enumerate() {
            let role = match i {
                0 if approver => Role::Approver,
                1 if vetoer => Role::Vetoer,
                _ => {
                    let r = self.rng.unit();
                    if r < 0.05 {
                        Role::Approver
                    } else if r < 0.1 {
                        Role::Vetoer
                    } else {
                        *self.rng.pick(&[
                            Role::DecisionMaker,
                            Role::Evaluator,
                            Role::Evaluator,
                            Role::Influencer,
                            Role::User,
                        ])
                    }
                }
            };
            let coach = self.rng.chance(0.15);
            let solution = self
                .rng
                .chance(0.7)
                .then(|| score(self.rng.two_decimals(0.0, 1.0)));
            let price = self
                .rng
                .chance(0.65)
                .then(|| score(self.rng.two_decimals(0.0, 1.0)));
            self.members.push(Edge::Member {
                person: PersonId(p),
                project: x,
                member: Member {
                    role,
                    coach,
                    solution,
                    price,
                },
            });
        }
    }

    /// Competitors' footholds: rival ties at some clients, and competes on their projects.
    fn competition(&mut self) {
        if self.p.competitors == 0 {
            return;
        }
        let mut rivals_of: Vec<Vec<usize>> = vec![Vec::new(); self.orgs()];
        for (a, rivals) in rivals_of.iter_mut().enumerate().take(self.p.clients) {
            for _ in 0..self.rng.below(3) {
                let k = self.rng.below(self.p.competitors);
                if rivals.contains(&k) {
                    continue;
                }
                rivals.push(k);
                for p in self.staff[a].clone() {
                    if self.rng.chance(0.35) {
                        let closeness = if self.rng.chance(0.02) {
                            0.0
                        } else {
                            self.rng.two_decimals(0.05, 1.0)
                        };
                        self.rival_ties.push(Edge::RivalTie {
                            competitor: self.competitor(k),
                            person: PersonId(p),
                            closeness: score(closeness),
                        });
                    }
                }
            }
        }
        let projects: Vec<(ProjectId, usize)> = self.project_accounts().collect();
        for (x, a) in projects {
            let mut on: Vec<usize> = Vec::new();
            for &k in &rivals_of[a] {
                if self.rng.chance(0.6) {
                    on.push(k);
                }
            }
            if self.rng.chance(0.05) {
                let k = self.rng.below(self.p.competitors);
                if !on.contains(&k) {
                    on.push(k);
                }
            }
            for k in on {
                self.competes.push(Edge::Competes {
                    competitor: self.competitor(k),
                    project: x,
                });
            }
        }
    }

    fn finish(mut self) -> Network {
        let works_at = self.employment_edges();
        let mut net = self.net;
        net.edges = [
            works_at,
            self.of,
            self.ties,
            self.members,
            self.influence,
            self.rival_ties,
            self.competes,
            self.owns,
        ]
        .concat();
        net
    }
}
