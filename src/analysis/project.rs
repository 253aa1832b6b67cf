//! Everything about one project: §4.6, 4.7, 4.9, 4.13, §8.2's `left`, 9.1 and the
//! features of 9.2 together.

use super::{coach, competition, completeness, levers, opinion, win_model, Ctx, Named};
use super::{ChainCompetition, CoachCandidate, Completeness, Lever, Opinion, WinFeatures};
use crate::graph::Graph;
use crate::model::{PersonId, ProjectId, Stage};
use serde::Serialize;

/// Everything the analyses say about one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectAnalysis<'s> {
    /// The project.
    pub project: Named<'s, ProjectId>,
    /// Its stage.
    pub stage: Stage,
    /// Friedkin–Johnsen opinions, consensus and veto risk (4.6).
    pub opinion: Opinion<'s>,
    /// Decision-chain completeness and gaps (4.7).
    pub completeness: Completeness<'s>,
    /// Top coach candidates with their factors (4.9).
    pub coaches: Vec<CoachCandidate<'s>>,
    /// Chain competition (4.13); `None` for an empty chain.
    pub competition: Option<ChainCompetition<'s>>,
    /// Chain members who left the project's account (§8.2), by external id: the stale
    /// decision chain.
    pub left: Vec<Named<'s, PersonId>>,
    /// The top levers (9.1): whom to work on next, and who can reach them.
    pub levers: Vec<Lever<'s>>,
    /// The features the win model (9.2) reads.
    pub features: WinFeatures,
}

/// Analyses project `x` (which exists) in `ctx`.
pub(crate) fn analyse<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, x: ProjectId) -> ProjectAnalysis<'s> {
    let graph = ctx.graph;
    let stage = graph.project_stage(x);
    let (opinion, deference, factors) = opinion::opinion_and_deference(ctx, x);
    let levers = levers::levers_on(ctx, x, &opinion, &deference, factors.as_ref()).top;
    let completeness = completeness::completeness(ctx, x);
    // Readiness is the completeness of a project in pursuit (every check applies).
    let readiness = match (stage, completeness.completeness) {
        (Stage::Pursuit | Stage::Won, Some(c)) => c,
        _ => completeness::readiness(ctx, x),
    };
    let coaches = coach::coach_candidates(ctx, x);
    let competition = competition::chain_competition(ctx, x);
    let features = win_model::features(&opinion, readiness, competition.as_ref(), &coaches);
    ProjectAnalysis {
        project: Named::project(graph, x),
        stage,
        opinion,
        completeness,
        coaches,
        competition,
        left: left_members(ctx, x),
        levers,
        features,
    }
}

/// §8.2 — the chain members of `x` (at any stage) who had a period at its account that
/// ended on or before the date (`until ≤ t`) and do not work there at the date, by
/// external id. A period recorded without dates never ends, so a member with only such
/// a period never left.
pub(crate) fn left_members<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    x: ProjectId,
) -> Vec<Named<'s, PersonId>> {
    let graph = ctx.graph;
    let Some(account) = graph.project_account(x) else {
        return Vec::new();
    };
    let mut left: Vec<Named<'s, PersonId>> = graph
        .members(x)
        .iter()
        .map(|m| m.person)
        .filter(|&p| {
            let ended = graph
                .employments(p)
                .iter()
                .any(|r| r.account == account && r.until.is_some_and(|u| u <= ctx.as_of));
            ended && ctx.account_of(p) != Some(account)
        })
        .map(|p| Named::person(graph, p))
        .collect();
    left.sort();
    left.dedup();
    left
}
