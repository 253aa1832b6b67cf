//! Interactions: dated events between one of our employees and a person (§8.1).
//!
//! An interaction is not an edge: a pair may have any number of them, several on one day,
//! and each is its own record (two identical rows of a CRM's activity log are two
//! meetings). They are the evidence from which the analyses derive how close a tie is at
//! a date, next to the assessed closeness of a tie record.

use super::{Day, EmployeeId, InteractionKind, PersonId, ProjectId};
use serde::{Deserialize, Serialize};

/// A dated event between an employee and a person: a meeting, an event, a call, a message
/// or an email, optionally for a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interaction {
    /// Our employee.
    pub employee: EmployeeId,
    /// The person.
    pub person: PersonId,
    /// The day it took place.
    pub date: Day,
    /// How they met.
    pub kind: InteractionKind,
    /// The project it was about, if any (informational: the person need not be in its
    /// decision chain).
    pub project: Option<ProjectId>,
}
