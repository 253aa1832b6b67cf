//! The dated records of a generated network (§8): employment periods (job changes, some
//! of decision-chain members, so that some chains go stale), employees who left, and two
//! years of interactions.
//!
//! They are drawn from a second random stream, seeded from the same seed, after every
//! other record: so the accounts, persons, ties, chains and the rest are exactly what
//! they were before the generator made dated records, and a network's static part does
//! not depend on how its history is drawn.

use super::{id, names, Builder};
use crate::model::{
    AccountId, Day, Edge, EmployeeId, Employment, Interaction, InteractionKind, PersonId,
    ProjectId, Stage,
};
use std::collections::{HashMap, HashSet};

/// Interactions are spread over this many days before the reference date…
const HISTORY_DAYS: i64 = 730;
/// …and a few (scheduled meetings, CRM entries dated ahead) over this many days after it.
const AHEAD_DAYS: i64 = 30;

/// The share of each interaction kind, in the order of [`InteractionKind::ALL`]
/// (meeting, event, call, message, email): emails and calls are the bulk of a seller's
/// contacts, meetings rarer, events rarest.
pub(super) const KIND_SHARES: [f64; 5] = [0.17, 0.06, 0.25, 0.20, 0.32];

/// The least number of won and of lost projects a network with enough projects has, so
/// that a win model learned from closed projects (§9.2) has data to learn from.
pub const MIN_CLOSED: usize = 10;

impl Builder<'_> {
    /// The reference date shifted by `days` (negative: before).
    fn day(&self, days: i64) -> Option<Day> {
        let r = self.reference?;
        Day::from_days_since_epoch(r.days_since_epoch() + i32::try_from(days).ok()?)
    }

    /// A day drawn uniformly in `lo..=hi` days after the reference date.
    fn day_between(&mut self, lo: i64, hi: i64) -> Option<Day> {
        let span = usize::try_from(hi - lo).unwrap_or(0);
        let offset = i64::try_from(self.time_rng.between(0, span)).unwrap_or(0);
        self.day(lo + offset)
    }

    /// Makes sure that a network with at least `4 × MIN_CLOSED` projects has at least
    /// [`MIN_CLOSED`] won and as many lost projects, closing the last open projects past
    /// the lead stage as needed (no random draw: a network that has enough is unchanged).
    pub(super) fn closed_projects(&mut self) {
        if self.net.projects.len() < 4 * MIN_CLOSED {
            return;
        }
        for stage in [Stage::Won, Stage::Lost] {
            let have = self
                .net
                .projects
                .iter()
                .filter(|x| x.stage == stage)
                .count();
            let mut missing = MIN_CLOSED.saturating_sub(have);
            for x in self.net.projects.iter_mut().rev() {
                if missing == 0 {
                    break;
                }
                if matches!(x.stage, Stage::Validation | Stage::Pursuit) {
                    x.stage = stage;
                    missing -= 1;
                }
            }
        }
    }

    /// The organisation (client or partner) person `p` was generated at, if any: the
    /// staff ranges are consecutive, so a binary search finds it.
    fn org_of(&self, p: u32) -> Option<usize> {
        let a = self.staff.partition_point(|r| r.end <= p);
        self.staff.get(a).filter(|r| r.contains(&p)).map(|_| a)
    }

    /// Job changes: persons who moved from their account to another (a client, partner or
    /// competitor) or to none, on a day in the two years before the reference date (a few
    /// announced moves lie ahead of it); persons who joined their account on a known day.
    /// First, one open project in twelve loses a decision-chain member who worked at its
    /// account, in the eighteen months before the reference date: its chain has gone
    /// stale.
    pub(super) fn job_changes(&mut self) {
        let orgs = self.orgs();
        if orgs == 0 {
            return;
        }
        // Open projects' members who work at the project's account, by project.
        let account_of: HashMap<ProjectId, usize> = self.project_accounts().collect();
        let mut chains: Vec<(usize, Vec<u32>)> = Vec::new();
        for e in &self.members {
            if let Edge::Member {
                person, project, ..
            } = *e
            {
                let open = self.net.projects[project.index()].stage.is_open();
                let Some(&a) = account_of.get(&project) else {
                    continue;
                };
                if open && self.staff[a].contains(&person.0) {
                    match chains.last_mut() {
                        Some((x, members)) if *x == project.index() => members.push(person.0),
                        _ => chains.push((project.index(), vec![person.0])),
                    }
                }
            }
        }
        for (_, members) in chains {
            if self.time_rng.chance(0.08) {
                let p = *self.time_rng.pick(&members);
                if !self.periods.contains_key(&p) {
                    self.move_person(p, -540, -1);
                }
            }
        }
        let attached = self.staff.last().map_or(0, |r| r.end);
        for p in 0..attached {
            if self.periods.contains_key(&p) {
                continue;
            }
            let r = self.time_rng.unit();
            if r < 0.03 {
                self.move_person(p, -HISTORY_DAYS, 60);
            } else if r < 0.07 {
                // Joined the account on a known day.
                let Some(a) = self.org_of(p) else { continue };
                let since = self.day_between(-HISTORY_DAYS, -30);
                let title = self.net.persons[p as usize].title.clone();
                self.periods.insert(
                    p,
                    vec![(
                        a,
                        Employment {
                            since,
                            until: None,
                            title,
                        },
                    )],
                );
            }
        }
    }

    /// Ends person `p`'s period at its account on a day `lo..=hi` days after the reference
    /// date and, most of the time, starts a period elsewhere on that day.
    fn move_person(&mut self, p: u32, lo: i64, hi: i64) {
        let Some(from) = self.org_of(p) else { return };
        let Some(moved) = self.day_between(lo, hi) else {
            return;
        };
        let since = if self.time_rng.chance(0.4) {
            let tenure = i64::try_from(self.time_rng.between(200, 3000)).unwrap_or(200);
            self.day(i64::from(moved.days_since_epoch()) - self.reference_days() - tenure)
        } else {
            None
        };
        let old_title = self
            .time_rng
            .chance(0.5)
            .then(|| (*self.time_rng.pick(names::TITLES)).to_owned());
        let mut periods = vec![(
            from,
            Employment {
                since,
                until: Some(moved),
                title: old_title,
            },
        )];
        let r = self.time_rng.unit();
        let to = if r < 0.1 {
            None // left for an account not in the CRM, or retired
        } else if r < 0.3 && self.p.competitors > 0 {
            Some(self.orgs() + self.time_rng.below(self.p.competitors)) // to a rival
        } else {
            let other = self.time_rng.below(self.orgs());
            (other != from).then_some(other)
        };
        if let Some(to) = to {
            periods.push((
                to,
                Employment {
                    since: Some(moved),
                    until: None,
                    title: self.net.persons[p as usize].title.clone(),
                },
            ));
        }
        self.periods.insert(p, periods);
    }

    fn reference_days(&self) -> i64 {
        self.reference
            .map_or(0, |r| i64::from(r.days_since_epoch()))
    }

    /// Employees who left: about one in twelve (at least one of three or more), on a day
    /// in the eighteen months before the reference date. The first employee stays.
    pub(super) fn departures(&mut self) {
        let n = self.p.employees;
        if n < 3 {
            return;
        }
        let count = (n / 12).max(1);
        let mut gone = HashSet::new();
        while gone.len() < count {
            gone.insert(1 + self.time_rng.below(n - 1));
        }
        let mut gone: Vec<usize> = gone.into_iter().collect();
        gone.sort_unstable();
        for e in gone {
            let left = self.day_between(-540, -30);
            self.net.employees[e].left = left;
        }
    }

    /// Two years of interactions: for every tie, more with the persons of accounts the
    /// employee owns and with the decision-chain members of projects the employee owns
    /// (then often about that project); a few interaction-only ties of owners; kinds in
    /// the shares of [`KIND_SHARES`]. A departed employee's interactions end before the
    /// day they left. The log is sorted by date.
    pub(super) fn interactions(&mut self) {
        let owned_orgs: HashSet<(u32, usize)> = self
            .owners_of
            .iter()
            .enumerate()
            .flat_map(|(a, team)| team.iter().map(move |&e| (e, a)))
            .collect();
        let project_owners: HashMap<ProjectId, Vec<u32>> =
            self.owns.iter().fold(HashMap::new(), |mut m, e| {
                if let Edge::Owns {
                    employee,
                    target: crate::model::OwnsTarget::Project(x),
                } = *e
                {
                    m.entry(x).or_default().push(employee.0);
                }
                m
            });
        // (employee, person) → the projects the employee owns whose chain has the person.
        let mut chain_of: HashMap<(u32, u32), Vec<ProjectId>> = HashMap::new();
        for e in &self.members {
            if let Edge::Member {
                person, project, ..
            } = *e
            {
                for &owner in project_owners.get(&project).into_iter().flatten() {
                    chain_of.entry((owner, person.0)).or_default().push(project);
                }
            }
        }
        let ties: Vec<(u32, u32, f64)> = self
            .ties
            .iter()
            .filter_map(|e| match *e {
                Edge::Tie {
                    employee,
                    person,
                    tie,
                } => Some((employee.0, person.0, tie.closeness.get())),
                _ => None,
            })
            .collect();
        let tied: HashSet<(u32, u32)> = ties.iter().map(|&(e, p, _)| (e, p)).collect();
        let mut log = Vec::new();
        for &(e, p, closeness) in &ties {
            let owner = self.org_of(p).is_some_and(|a| owned_orgs.contains(&(e, a)));
            let projects = chain_of.get(&(e, p)).cloned().unwrap_or_default();
            let mut n = if owner {
                self.time_rng.between(2, 12)
            } else {
                self.time_rng.between(0, 3)
            };
            if !projects.is_empty() {
                n += self.time_rng.between(2, 8);
            }
            if closeness < 0.2 {
                n /= 2;
            }
            self.log_interactions(&mut log, e, p, n, &projects);
        }
        // Owners who met persons of their accounts without a tie on record.
        for (a, team) in self.owners_of.clone().into_iter().enumerate() {
            let staff = self.staff[a].clone();
            if staff.is_empty() {
                continue;
            }
            for e in team {
                if self.time_rng.chance(0.3) {
                    let p = staff.start + id(self.time_rng.below(staff.len()));
                    if !tied.contains(&(e, p)) {
                        let n = self.time_rng.between(1, 4);
                        self.log_interactions(&mut log, e, p, n, &[]);
                    }
                }
            }
        }
        log.sort_by_key(|i: &Interaction| i.date);
        self.net.interactions = log;
    }

    /// Appends `n` interactions of employee `e` with person `p`, each about one of
    /// `projects` six times in ten (if any).
    fn log_interactions(
        &mut self,
        log: &mut Vec<Interaction>,
        e: u32,
        p: u32,
        n: usize,
        projects: &[ProjectId],
    ) {
        let left = self.net.employees[e as usize].left;
        let end = left.map_or(0, |l| {
            i64::from(l.days_since_epoch()) - self.reference_days() - 1
        });
        for _ in 0..n {
            let date = if left.is_none() && self.time_rng.chance(0.01) {
                self.day_between(1, AHEAD_DAYS)
            } else {
                self.day_between(-HISTORY_DAYS, end)
            };
            let Some(date) = date else { continue };
            let kind = self.kind();
            let project = if !projects.is_empty() && self.time_rng.chance(0.6) {
                Some(*self.time_rng.pick(projects))
            } else {
                None
            };
            log.push(Interaction {
                employee: EmployeeId(e),
                person: PersonId(p),
                date,
                kind,
                project,
            });
        }
    }

    fn kind(&mut self) -> InteractionKind {
        let mut r = self.time_rng.unit();
        for (kind, share) in InteractionKind::ALL.iter().zip(KIND_SHARES) {
            if r < share {
                return *kind;
            }
            r -= share;
        }
        InteractionKind::Email
    }

    /// The `works_at` edges in person order: each person's plain account, or its periods.
    pub(super) fn employment_edges(&mut self) -> Vec<Edge> {
        let mut edges = Vec::with_capacity(self.works_at.len() + self.periods.len());
        for edge in std::mem::take(&mut self.works_at) {
            let person = PersonId(edge.key().from.id);
            match self.periods.remove(&person.0) {
                Some(periods) => {
                    edges.extend(periods.into_iter().map(|(a, employment)| Edge::WorksAt {
                        person,
                        account: AccountId(id(a)),
                        employment,
                    }));
                }
                None => edges.push(edge),
            }
        }
        edges
    }
}
