//! §8.5 — attitude memory: how a person judged us before.
//!
//! `past_solution` / `past_price` of a person is the mean of its known solution / price
//! acceptance over its memberships in `won` and `lost` projects (`None` if none is
//! known). Stages and acceptances have no date: they are read as recorded now, at every
//! analysis date. Means run over the projects by increasing id.

use crate::graph::Graph;
use crate::model::{PersonId, Stage};

/// A person's mean solution and price acceptance over its closed projects.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Memory {
    /// Mean known solution acceptance, if any is known.
    pub(crate) solution: Option<f64>,
    /// Mean known price acceptance, if any is known.
    pub(crate) price: Option<f64>,
}

/// The attitude memory of person `p`: a pass over its memberships.
pub(crate) fn attitude_memory<'s>(graph: impl Graph<'s>, p: PersonId) -> Memory {
    let (mut solution, mut price) = ((0.0, 0u32), (0.0, 0u32));
    for &x in graph.memberships(p).iter() {
        if !matches!(graph.project_stage(x), Stage::Won | Stage::Lost) {
            continue;
        }
        for m in graph.members(x).iter().filter(|m| m.person == p) {
            if let Some(s) = m.member.solution {
                solution.0 += s.get();
                solution.1 += 1;
            }
            if let Some(v) = m.member.price {
                price.0 += v.get();
                price.1 += 1;
            }
        }
    }
    let mean = |(sum, n): (f64, u32)| (n > 0).then(|| sum / f64::from(n));
    Memory {
        solution: mean(solution),
        price: mean(price),
    }
}
