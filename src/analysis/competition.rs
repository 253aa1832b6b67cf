//! §4.13 — chain competition.
//!
//! For a project with a non-empty chain: our chain closeness
//! `Σ role_weight·C(p) / Σ role_weight` over its members, and for each competitor `k`
//! that competes on the project, its chain closeness `Σ role_weight·Rv(p, k) /
//! Σ role_weight` (0 for a competitor with no rival tie into the chain). It answers "are
//! we ahead in this decision chain, and of whom?". Sums run in chain order.

use super::{closeness, Ctx, Named};
use crate::graph::Graph;
use crate::model::{AccountId, ProjectId};
use serde::Serialize;
use std::collections::BTreeMap;

/// Chain closeness of us and of each competing competitor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainCompetition<'s> {
    /// Our role-weighted chain closeness.
    pub ours: f64,
    /// Each competing competitor's role-weighted chain closeness, by external id.
    pub rivals: BTreeMap<Named<'s, AccountId>, f64>,
}

/// Chain competition on project `x`; `None` for an empty chain (or all role weights 0).
pub(crate) fn chain_competition<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    x: ProjectId,
) -> Option<ChainCompetition<'s>> {
    let graph = ctx.graph;
    let members = graph.members(x);
    let weights = &ctx.params.role_weights;
    let den: f64 = members.iter().map(|m| weights.weight(m.member.role)).sum();
    if members.is_empty() || den <= 0.0 {
        return None;
    }
    let ours = members
        .iter()
        .map(|m| weights.weight(m.member.role) * ctx.closeness(m.person))
        .sum::<f64>()
        / den;
    let rivals = graph
        .competitors(x)
        .iter()
        .map(|&k| {
            let num: f64 = members
                .iter()
                .map(|m| {
                    weights.weight(m.member.role) * closeness::rival_closeness(graph, m.person, k)
                })
                .sum();
            (Named::account(graph, k), num / den)
        })
        .collect();
    Some(ChainCompetition { ours, rivals })
}
