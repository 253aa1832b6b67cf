//! §8.3 — employees who left, and the relationships that left with them.
//!
//! An employee with a leaving day on or before the analysis date is *gone*: its ties,
//! interactions and owners rows count nowhere. What remains to do is find a successor
//! for its **orphans**: the persons it has a tie with at the date (a tie record, or an
//! interaction dated on or before the date — one after its leaving day included) and who
//! have no tie from any employee who is not gone.

use super::{Ctx, Named};
use crate::graph::Graph;
use crate::model::{Day, EmployeeId, PersonId};
use serde::Serialize;

/// A gone employee and its orphans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Departed<'s> {
    /// The employee.
    pub employee: Named<'s, EmployeeId>,
    /// The day it left.
    pub left: Day,
    /// Persons tied to it whom no employee still with us has a tie with, by external id.
    pub orphans: Vec<Named<'s, PersonId>>,
}

/// `e`'s departure record at the context's date; `None` if `e` is not gone then.
pub(crate) fn departed<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, e: EmployeeId) -> Option<Departed<'s>> {
    let graph = ctx.graph;
    let left = graph.employee_left(e).filter(|&l| l <= ctx.as_of)?;
    let mut orphans: Vec<Named<'s, PersonId>> = graph
        .employee_ties(e)
        .iter()
        .filter(|&&i| graph.tie_exists(i, ctx.as_of))
        .filter_map(|&i| ctx.tie_person(i))
        .filter(|&p| ctx.person_ties(p).next().is_none())
        .map(|p| Named::person(graph, p))
        .collect();
    orphans.sort();
    orphans.dedup();
    Some(Departed {
        employee: Named::employee(graph, e),
        left,
        orphans,
    })
}
