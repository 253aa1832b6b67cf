//! §4.7 — decision-chain completeness.
//!
//! How well we know the decision chain for the project's stage: a role nobody covers or
//! a key person we cannot reach is a red flag. The checks, in table order, and the
//! stages they apply to:
//!
//! | check | passes when | lead | validation | pursuit/won |
//! |---|---|---|---|---|
//! | `has_member` | the chain has a member | ✓ | ✓ | ✓ |
//! | `approver` | an approver is identified | | ✓ | ✓ |
//! | `vetoer` | a vetoer is identified | | ✓ | ✓ |
//! | `key_attitudes` | every approver and vetoer has both acceptances known | | ✓ | ✓ |
//! | `coach` | a member has coach = true | | ✓ | ✓ |
//! | `coverage` | every member has a tie (any closeness) | | ✓ | ✓ |
//! | `attitudes` | every member has both acceptances known | | | ✓ |
//! | `fresh_contact` | every member has a tie whose last contact `last(e, p)` is at most `stale_after` days before `as_of` (later dates count, ties with no contact date do not) | | | ✓ |
//! | `org_placement` | every member reports to someone (any weight) or is an approver | | | ✓ |
//!
//! "A tie" is a tie at the analysis date (§8.1: a tie record, or an interaction on or
//! before it, of an employee not gone), and its last contact the latest of the record's
//! and of those interactions.
//!
//! A check over "every member" passes when there is none. Completeness = passed /
//! applicable. A failed check is a [`Gap`] naming the persons at fault, by external id
//! (none for the existence checks). A `lost` project has no completeness and no gaps.

use super::{Ctx, Named};
use crate::graph::Graph;
use crate::model::{PersonId, ProjectId, Role, Stage};
use serde::{Deserialize, Serialize};

/// One check of the 4.7 table. Serialises as its [id](Check::id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The chain has at least one member.
    HasMember,
    /// An approver is identified.
    Approver,
    /// A vetoer is identified.
    Vetoer,
    /// Every approver and vetoer has solution and price acceptance known.
    KeyAttitudes,
    /// A member is our coach.
    Coach,
    /// Every member has at least one tie.
    Coverage,
    /// Every member has both acceptances known.
    Attitudes,
    /// Every member has a recent dated contact.
    FreshContact,
    /// Every member reports to someone or is an approver.
    OrgPlacement,
}

impl Check {
    /// Every check, in table order.
    pub const ALL: [Check; 9] = [
        Check::HasMember,
        Check::Approver,
        Check::Vetoer,
        Check::KeyAttitudes,
        Check::Coach,
        Check::Coverage,
        Check::Attitudes,
        Check::FreshContact,
        Check::OrgPlacement,
    ];

    /// The check id of the JSON report.
    pub fn id(self) -> &'static str {
        match self {
            Check::HasMember => "has_member",
            Check::Approver => "approver",
            Check::Vetoer => "vetoer",
            Check::KeyAttitudes => "key_attitudes",
            Check::Coach => "coach",
            Check::Coverage => "coverage",
            Check::Attitudes => "attitudes",
            Check::FreshContact => "fresh_contact",
            Check::OrgPlacement => "org_placement",
        }
    }

    /// Whether the check applies at `stage` (never at `lost`).
    pub fn applies(self, stage: Stage) -> bool {
        match stage {
            Stage::Lead => self == Check::HasMember,
            Stage::Validation => self <= Check::Coverage,
            Stage::Pursuit | Stage::Won => true,
            Stage::Lost => false,
        }
    }
}

/// A failed check and the persons at fault (sorted by external id; empty when nobody
/// is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap<'s> {
    /// The check.
    pub check: Check,
    /// The persons at fault.
    pub persons: Vec<Named<'s, PersonId>>,
}

/// The completeness of a project's decision chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness<'s> {
    /// Passed / applicable checks; `None` for a lost project.
    pub completeness: Option<f64>,
    /// Failed checks, in table order.
    pub gaps: Vec<Gap<'s>>,
}

/// The outcome of one check: whether it passes and the persons at fault (each once,
/// in chain order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The check.
    pub(crate) check: Check,
    /// Whether it passes.
    pub(crate) passed: bool,
    /// The persons at fault (none for the existence checks).
    pub(crate) persons: Vec<PersonId>,
}

/// Evaluates all nine checks of the 4.7 table on project `x` at the context's date,
/// whatever its stage, in table order.
pub(crate) fn evaluate<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, x: ProjectId) -> [Outcome; 9] {
    let graph = ctx.graph;
    let members = graph.members(x);
    let is_key = |r: Role| matches!(r, Role::Approver | Role::Vetoer);
    let stale_after = ctx.params.stale_after;
    Check::ALL.map(|check| {
        let (passed, persons): (bool, Vec<PersonId>) = match check {
            Check::HasMember => (!members.is_empty(), Vec::new()),
            Check::Approver => (
                members.iter().any(|m| m.member.role == Role::Approver),
                Vec::new(),
            ),
            Check::Vetoer => (
                members.iter().any(|m| m.member.role == Role::Vetoer),
                Vec::new(),
            ),
            Check::Coach => (members.iter().any(|m| m.member.coach), Vec::new()),
            _ => {
                let mut fault: Vec<PersonId> = members
                    .iter()
                    .filter(|m| match check {
                        Check::KeyAttitudes => {
                            is_key(m.member.role)
                                && (m.member.solution.is_none() || m.member.price.is_none())
                        }
                        Check::Coverage => ctx.person_ties(m.person).next().is_none(),
                        Check::Attitudes => m.member.solution.is_none() || m.member.price.is_none(),
                        Check::FreshContact => !ctx.ties_of(m.person).any(|t| {
                            t.last_contact
                                .is_some_and(|d| d.days_until(ctx.as_of) <= stale_after)
                        }),
                        Check::OrgPlacement => {
                            m.member.role != Role::Approver && !graph.has_manager(m.person)
                        }
                        _ => false,
                    })
                    .map(|m| m.person)
                    .collect();
                dedup_in_order(&mut fault);
                (fault.is_empty(), fault)
            }
        };
        Outcome {
            check,
            passed,
            persons,
        }
    })
}

/// Drops every repeat of a person, keeping the first: a chain lists a few members, so
/// looking back over those kept costs less than hashing them (a hash set only for a
/// long list).
fn dedup_in_order(persons: &mut Vec<PersonId>) {
    if persons.len() > 64 {
        let mut seen = std::collections::HashSet::new();
        persons.retain(|p| seen.insert(*p));
        return;
    }
    let mut kept = 0;
    for i in 0..persons.len() {
        let p = persons[i];
        if !persons[..kept].contains(&p) {
            persons[kept] = p;
            kept += 1;
        }
    }
    persons.truncate(kept);
}

/// The share of all nine checks that project `x` passes at the context's date, whatever
/// its stage — the completeness it would have in pursuit: the `readiness` feature of
/// the win model (§9.2).
pub(crate) fn readiness<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, x: ProjectId) -> f64 {
    let outcomes = evaluate(ctx, x);
    outcomes.iter().filter(|o| o.passed).count() as f64 / outcomes.len() as f64
}

/// Runs the 4.7 checks that apply to project `x`'s stage at the context's date.
pub(crate) fn completeness<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, x: ProjectId) -> Completeness<'s> {
    let graph = ctx.graph;
    let stage = graph.project_stage(x);
    if stage == Stage::Lost {
        return Completeness {
            completeness: None,
            gaps: Vec::new(),
        };
    }
    let (mut applicable, mut passed) = (0usize, 0usize);
    let mut gaps = Vec::new();
    for outcome in evaluate(ctx, x) {
        if !outcome.check.applies(stage) {
            continue;
        }
        applicable += 1;
        if outcome.passed {
            passed += 1;
        } else {
            let mut persons: Vec<Named<'s, PersonId>> = outcome
                .persons
                .into_iter()
                .map(|p| Named::person(graph, p))
                .collect();
            persons.sort();
            gaps.push(Gap {
                check: outcome.check,
                persons,
            });
        }
    }
    Completeness {
        completeness: Some(passed as f64 / applicable as f64),
        gaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_dropped_keeping_first_occurrences_in_order() {
        let ids = |v: &[u32]| v.iter().map(|&i| PersonId(i)).collect::<Vec<_>>();
        let mut short = ids(&[5, 3, 5, 9, 3, 1, 9]);
        dedup_in_order(&mut short);
        assert_eq!(short, ids(&[5, 3, 9, 1]));
        // A long list takes the hashed way, with the same result.
        let long: Vec<u32> = (0..200).map(|i| (i * 7919) % 97).collect();
        let mut want: Vec<u32> = Vec::new();
        for &i in &long {
            if !want.contains(&i) {
                want.push(i);
            }
        }
        let mut got = ids(&long);
        dedup_in_order(&mut got);
        assert_eq!(got, ids(&want));
    }
}
