//! §9.6 — data quality per seller.
//!
//! `data_quality(e)` is the mean completeness (4.7) of the `lead`, `validation` and
//! `pursuit` projects that `e` owns (owners rows of kind project); none if `e` owns no
//! such project. The method's incentive: a seller's standing reflects how well the
//! decision chains of their deals are known, so keeping the network up to date pays.
//! The mean runs over the projects by external id.

use super::{completeness, Ctx, Named};
use crate::graph::Graph;
use crate::model::{EmployeeId, ProjectId};
use serde::Serialize;

/// An open project a seller owns, with its completeness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnedProject<'s> {
    /// The project.
    pub project: Named<'s, ProjectId>,
    /// Its completeness (4.7).
    pub completeness: f64,
}

/// A seller's data quality and the completeness of each open project it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataQuality<'s> {
    /// The employee.
    pub employee: Named<'s, EmployeeId>,
    /// The mean completeness of its open projects; `None` without one.
    pub data_quality: Option<f64>,
    /// Each open project it owns with its completeness, by external id.
    pub projects: Vec<OwnedProject<'s>>,
}

/// The open projects `e` owns, by external id (none once `e` is gone).
pub(crate) fn open_projects<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    e: EmployeeId,
) -> Vec<Named<'s, ProjectId>> {
    let graph = ctx.graph;
    if ctx.gone(e) {
        return Vec::new(); // a gone employee's owners rows count nowhere (§8.3)
    }
    let mut out: Vec<Named<'s, ProjectId>> = graph
        .owned_projects(e)
        .iter()
        .filter(|&&x| graph.project_stage(x).is_open())
        .map(|&x| Named::project(graph, x))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The mean of `values` in their order; `None` for none.
pub(crate) fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// `e`'s data quality at the context's date, with `completeness` giving each open
/// project's completeness.
pub(crate) fn data_quality<'s, G: Graph<'s>>(
    ctx: &Ctx<'s, G>,
    e: EmployeeId,
    completeness: impl Fn(ProjectId) -> f64,
) -> DataQuality<'s> {
    let projects: Vec<OwnedProject<'s>> = open_projects(ctx, e)
        .into_iter()
        .map(|project| OwnedProject {
            completeness: completeness(project.id),
            project,
        })
        .collect();
    let values: Vec<f64> = projects.iter().map(|p| p.completeness).collect();
    DataQuality {
        employee: Named::employee(ctx.graph, e),
        data_quality: mean(&values),
        projects,
    }
}

/// The completeness of open project `x` computed on demand (never `None` for an open
/// project).
pub(crate) fn completeness_of<'s, G: Graph<'s>>(ctx: &Ctx<'s, G>, x: ProjectId) -> f64 {
    completeness::completeness(ctx, x)
        .completeness
        .unwrap_or(0.0)
}
