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
//! | `fresh_contact` | every member has a tie last contacted at most `stale_after` days before `as_of` (later dates count, undated ties do not) | | | ✓ |
//! | `org_placement` | every member reports to someone (any weight) or is an approver | | | ✓ |
//!
//! A check over "every member" passes when there is none. Completeness = passed /
//! applicable. A failed check is a [`Gap`] naming the persons at fault, by external id
//! (none for the existence checks). A `lost` project has no completeness and no gaps.

use super::Named;
use crate::graph::Snapshot;
use crate::model::{Day, PersonId, ProjectId, Role, Stage};
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

/// Runs the 4.7 checks on project `x` at `as_of`.
pub(crate) fn completeness(
    snapshot: &Snapshot,
    x: ProjectId,
    stale_after: i64,
    as_of: Day,
) -> Completeness<'_> {
    completeness_at_stage(snapshot, x, snapshot.project_stage(x), stale_after, as_of)
}

/// The share of all nine checks that project `x` passes, whatever its stage: the
/// `readiness` feature of the win model (§9.2) — the completeness it would have in
/// pursuit.
pub(crate) fn readiness(snapshot: &Snapshot, x: ProjectId, stale_after: i64, as_of: Day) -> f64 {
    completeness_at_stage(snapshot, x, Stage::Pursuit, stale_after, as_of)
        .completeness
        .unwrap_or(0.0)
}

/// Runs the checks that apply at `stage` (which need not be the project's own).
fn completeness_at_stage(
    snapshot: &Snapshot,
    x: ProjectId,
    stage: Stage,
    stale_after: i64,
    as_of: Day,
) -> Completeness<'_> {
    if stage == Stage::Lost {
        return Completeness {
            completeness: None,
            gaps: Vec::new(),
        };
    }
    let members = snapshot.members(x);
    let is_key = |r: Role| matches!(r, Role::Approver | Role::Vetoer);
    let (mut applicable, mut passed) = (0usize, 0usize);
    let mut gaps = Vec::new();
    for check in Check::ALL {
        if !check.applies(stage) {
            continue;
        }
        applicable += 1;
        let (ok, mut persons): (bool, Vec<PersonId>) = match check {
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
                let fault: Vec<PersonId> = members
                    .iter()
                    .filter(|m| match check {
                        Check::KeyAttitudes => {
                            is_key(m.member.role)
                                && (m.member.solution.is_none() || m.member.price.is_none())
                        }
                        Check::Coverage => snapshot.person_ties(m.person).is_empty(),
                        Check::Attitudes => m.member.solution.is_none() || m.member.price.is_none(),
                        Check::FreshContact => !snapshot.person_ties(m.person).iter().any(|t| {
                            t.last_contact
                                .is_some_and(|d| d.days_until(as_of) <= stale_after)
                        }),
                        Check::OrgPlacement => {
                            m.member.role != Role::Approver && !snapshot.has_manager(m.person)
                        }
                        _ => false,
                    })
                    .map(|m| m.person)
                    .collect();
                (fault.is_empty(), fault)
            }
        };
        if ok {
            passed += 1;
        } else {
            persons.sort_by(|a, b| snapshot.person_xid(*a).cmp(snapshot.person_xid(*b)));
            persons.dedup();
            let persons = persons
                .into_iter()
                .map(|p| Named::person(snapshot, p))
                .collect();
            gaps.push(Gap { check, persons });
        }
    }
    Completeness {
        completeness: Some(passed as f64 / applicable as f64),
        gaps,
    }
}
