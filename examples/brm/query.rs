//! The analyses: `report`, `chain`, `path` and `departure`. Each builds a typed view of
//! its result with external ids ([`ChainView`], [`PathsView`], [`DepartureView`]); the
//! JSON is that view serialised, and the readable text is rendered from it
//! ([`crate::render`]).

use crate::options::{at_least, describe, Common, Live, Prepared};
use crate::render;
use crate::Result;
use clap::Args;
use guanxi::analysis::{self, Params, Report, WinExplanation, WinFeatures, WinModel};
use guanxi::graph::{Graph, Snapshot};
use guanxi::live::LiveGraph;
use guanxi::model::{Day, EmployeeId, NodeKind, NodeRef, PersonId, ProjectId};
use guanxi::store::{Database, Read, ReadTxn};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// `brm report`.
#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    common: Common,
    /// Print the JSON report (docs/report.md).
    #[arg(long)]
    json: bool,
    /// Rows per table in the readable report.
    #[arg(long, default_value_t = 5, allow_hyphen_values = true)]
    top: i64,
    /// The database as it stood after this commit (`brm log` lists them).
    #[arg(long)]
    at_commit: Option<u64>,
    /// Print on standard error when each stage of the load and of the report ended
    /// (seconds since the command began).
    #[arg(long)]
    timings: bool,
}

impl ReportArgs {
    /// Computes the full report.
    pub fn run(self) -> Result<ExitCode> {
        if self.timings {
            crate::timings::start();
        }
        let top = at_least("--top", self.top, 1)?;
        let Prepared {
            params,
            as_of,
            snap,
            ..
        } = crate::log::prepare(&self.common, self.at_commit)?;
        if self.json {
            // Computed as it is written, its rows made and serialised in parallel: the
            // same bytes as `Report::compute(..).to_json()` without holding the rows.
            let mut stdout = std::io::stdout();
            guanxi::io::compute_report_json(&snap, &params, as_of, &mut stdout)
                .and_then(|()| stdout.write_all(b"\n"))
                .map_err(crate::Failure::Stdout)?;
            crate::output::flush()?;
        } else {
            let report = Report::compute(&snap, &params, as_of);
            render::report(&report, top)?;
            // The process ends here: freeing the report's many allocations one by one
            // would only delay the exit.
            std::mem::forget(report);
        }
        // Nor the snapshot's.
        std::mem::forget(snap);
        Ok(ExitCode::SUCCESS)
    }
}

/// `brm chain --project X`.
#[derive(Args)]
pub struct Chain {
    #[command(flatten)]
    common: Common,
    /// The project's external id.
    #[arg(long)]
    project: String,
    /// Also explain the win probability (9.2). The win model is fitted on every won and
    /// lost project, so this reads the whole database; without it the chain is read
    /// from the project's neighbourhood only, and `win` is null.
    #[arg(long)]
    win: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Chain {
    /// Analyses one project: from its neighbourhood in the database, or — with `--win`
    /// — from a snapshot of the whole database, which the win model needs.
    pub fn run(self) -> Result<ExitCode> {
        let view = if self.win {
            let Prepared {
                params,
                as_of,
                snap,
            } = self.common.prepare()?;
            let x = snap
                .project_by_xid(&self.project)
                .ok_or_else(|| no_such("project", &self.project))?;
            let model = if snap.project_stage(x).is_open() {
                WinChoice::Fitted(analysis::win_model(&snap, &params, as_of))
            } else {
                WinChoice::NotAsked
            };
            let names = |n: NodeRef| Ok(snapshot_name(&snap, n));
            ChainView::new(&snap, x, &params, as_of, &names, &model)?
        } else {
            let Live { params, as_of, db } = self.common.open()?;
            let path = &self.common.db;
            let (txn, x) = read_node(&db, path, NodeKind::Project, &self.project)?;
            let x = ProjectId(x);
            let live = LiveGraph::new(&txn);
            let names = |n: NodeRef| stored_name(&txn, path, n);
            ChainView::new(&live, x, &params, as_of, &names, &WinChoice::NotAsked)?
        };
        if self.json {
            print_json(&view)?;
        } else {
            render::chain(&view)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The message for an external id the database does not hold.
pub fn no_such(kind: &str, xid: &str) -> String {
    format!("no {kind} with id {xid:?}")
}

/// Begins a read of `db` (opened from `path`) and looks up the node of `kind` with
/// external id `xid` in it: the read and the node's id, or the message for an external
/// id the database does not hold.
pub fn read_node(db: &Database, path: &Path, kind: NodeKind, xid: &str) -> Result<(ReadTxn, u32)> {
    let txn = db.begin_read().map_err(|e| describe(path, e))?;
    let node = txn
        .lookup(kind, xid)
        .map_err(|e| describe(path, e))?
        .ok_or_else(|| no_such(kind.as_str(), xid))?;
    Ok((txn, node.id))
}

/// A node's name in a snapshot.
fn snapshot_name(snap: &Snapshot, n: NodeRef) -> String {
    match n.kind {
        NodeKind::Person => snap.person_name(PersonId(n.id)),
        NodeKind::Project => snap.project_name(ProjectId(n.id)),
        _ => "",
    }
    .to_owned()
}

/// A node's name as a read transaction sees it.
pub fn stored_name(txn: &impl Read, path: &std::path::Path, n: NodeRef) -> Result<String> {
    Ok(txn
        .node(n)
        .map_err(|e| describe(path, e))?
        .map(|node| node.name().to_owned())
        .unwrap_or_default())
}

/// `brm path --to P`.
#[derive(Args)]
pub struct PathArgs {
    #[command(flatten)]
    common: Common,
    /// The target person's external id.
    #[arg(long)]
    to: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl PathArgs {
    /// Finds the strongest paths to one person.
    pub fn run(self) -> Result<ExitCode> {
        let Live { params, as_of, db } = self.common.open()?;
        let (txn, p) = read_node(&db, &self.common.db, NodeKind::Person, &self.to)?;
        let p = PersonId(p);
        let live = LiveGraph::new(&txn);
        let paths = analysis::strongest_paths(&live, p, params.path_k, &params, as_of)
            .map_err(|e| e.to_string())?;
        let view = PathsView {
            to: self.to,
            paths: paths.iter().map(PathView::new).collect(),
        };
        if self.json {
            print_json(&view)?;
        } else {
            render::paths(&view, as_of)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// `brm departure --employee E`.
#[derive(Args)]
pub struct Departure {
    #[command(flatten)]
    common: Common,
    /// The employee's external id.
    #[arg(long)]
    employee: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Departure {
    /// Measures what one employee's departure would cost.
    pub fn run(self) -> Result<ExitCode> {
        let Live { params, as_of, db } = self.common.open()?;
        let (txn, e) = read_node(&db, &self.common.db, NodeKind::Employee, &self.employee)?;
        let e = EmployeeId(e);
        let view = DepartureView::new(&LiveGraph::new(&txn), e, &params, as_of)?;
        if self.json {
            print_json(&view)?;
        } else {
            render::departure(&view)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// `brm levers --project X`.
#[derive(Args)]
pub struct LeversArgs {
    #[command(flatten)]
    common: Common,
    /// The project's external id.
    #[arg(long)]
    project: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl LeversArgs {
    /// Lists one project's top levers.
    pub fn run(self) -> Result<ExitCode> {
        let Live { params, as_of, db } = self.common.open()?;
        let (txn, x) = read_node(&db, &self.common.db, NodeKind::Project, &self.project)?;
        let x = ProjectId(x);
        let levers = analysis::levers(&LiveGraph::new(&txn), x, &params, as_of)
            .map_err(|e| e.to_string())?;
        let view = LeversView {
            project: self.project,
            as_of: as_of.to_string(),
            levers: levers.top.iter().map(LeverView::new).collect(),
        };
        if self.json {
            print_json(&view)?;
        } else {
            render::levers(&view)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// One project's top levers (`brm levers`).
#[derive(Serialize)]
pub struct LeversView {
    /// The project's external id.
    pub project: String,
    /// The analysis date.
    pub as_of: String,
    /// The levers, by gain descending, then id.
    pub levers: Vec<LeverView>,
}

/// One lever: a person, how much winning them over moves the consensus, and who can
/// reach them.
#[derive(Serialize)]
pub struct LeverView {
    /// The person's external id.
    pub id: String,
    /// `∂consensus / ∂stance` (9.1).
    pub leverage: f64,
    /// The person's stance (4.3).
    pub stance: f64,
    /// `leverage · (1 − stance)`.
    pub gain: f64,
    /// The employee with the strongest path to the person, if any.
    pub via: Option<String>,
    /// That path's strength (0 without `via`).
    pub path_strength: f64,
    /// The persons on that path, the person last, by external id.
    pub hops: Vec<String>,
}

impl LeverView {
    fn new(l: &analysis::Lever<'_>) -> Self {
        LeverView {
            id: l.person.xid.to_string(),
            leverage: l.leverage,
            stance: l.stance,
            gain: l.gain,
            via: l.via.as_ref().map(|e| e.xid.to_string()),
            path_strength: l.path_strength,
            hops: l.path.iter().map(|p| p.xid.to_string()).collect(),
        }
    }
}

/// `brm claims`.
#[derive(Args)]
pub struct ClaimsArgs {
    #[command(flatten)]
    common: Common,
    /// Print JSON: `{"as_of", "claims": [...]}`, worst first.
    #[arg(long)]
    json: bool,
}

impl ClaimsArgs {
    /// Lists the claim conflicts, worst first.
    pub fn run(self) -> Result<ExitCode> {
        let Prepared {
            params,
            as_of,
            snap,
        } = self.common.prepare()?;
        let claims = analysis::claims(&snap, &params, as_of);
        if self.json {
            print_json(&serde_json::json!({ "as_of": as_of.to_string(), "claims": claims }))?;
        } else {
            render::claims(&claims, as_of)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// `brm protection`.
#[derive(Args)]
pub struct ProtectionArgs {
    #[command(flatten)]
    common: Common,
    /// Only the accounts whose protection expired.
    #[arg(long)]
    expired: bool,
    /// Print JSON: `{"as_of", "protect_days", "accounts": [...]}`, worst first.
    #[arg(long)]
    json: bool,
}

impl ProtectionArgs {
    /// Lists the protected accounts, worst first.
    pub fn run(self) -> Result<ExitCode> {
        let Prepared {
            params,
            as_of,
            snap,
        } = self.common.prepare()?;
        let mut list = analysis::protections(&snap, &params, as_of);
        if self.expired {
            list.retain(|p| p.expired);
        }
        if self.json {
            print_json(&serde_json::json!({
                "as_of": as_of.to_string(),
                "protect_days": params.protect_days,
                "accounts": list,
            }))?;
        } else {
            render::protections(&list, as_of, params.protect_days)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Prints `v` as indented JSON.
pub fn print_json(v: &impl Serialize) -> Result<()> {
    let s = serde_json::to_string_pretty(v).map_err(|e| e.to_string())?;
    out!("{s}")
}

/// One project's decision chain (`brm chain`).
#[derive(Serialize)]
pub struct ChainView {
    /// The project's external id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its stage.
    pub stage: &'static str,
    /// The analysis date.
    pub as_of: String,
    /// The chain's members, by external id.
    pub members: Vec<MemberView>,
    /// Completeness (4.7); `None` for a lost project.
    pub completeness: Option<f64>,
    /// Failed checks, in the order of the 4.7 table.
    pub gaps: Vec<GapView>,
    /// Consensus (4.6); `None` for an empty chain.
    pub consensus: Option<f64>,
    /// Vetoers and approvers at veto risk, by external id.
    pub veto_risk: Vec<String>,
    /// Coach candidates (4.9), best first.
    pub coaches: Vec<CoachView>,
    /// Our chain closeness (4.13); `None` for an empty chain.
    pub chain_closeness: Option<f64>,
    /// Each competing competitor's chain closeness, by external id.
    pub chain_rivals: BTreeMap<String, f64>,
    /// Chain members who left the project's account (8.2), by external id.
    pub left: Vec<String>,
    /// The top levers (9.1): whom to work on next.
    pub levers: Vec<LeverView>,
    /// The features the win model reads (9.2).
    pub features: WinFeatures,
    /// The win probability of an open project and each feature's contribution to it;
    /// `None` for a won or lost project, or without a model.
    pub win: Option<WinExplanation>,
    /// Why there is no win probability, when there is none.
    pub no_win: Option<String>,
}

/// One member of a decision chain.
#[derive(Serialize)]
pub struct MemberView {
    /// The person's external id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its role in the chain.
    pub role: &'static str,
    /// Whether it is marked as a coach.
    pub coach: bool,
    /// `C(p)` (4.2).
    pub closeness: f64,
    /// Solution acceptance, if known.
    pub solution: Option<f64>,
    /// Price acceptance, if known.
    pub price: Option<f64>,
    /// Stance `s` (4.3).
    pub stance: Option<f64>,
    /// Propagated opinion `x` (4.6).
    pub opinion: Option<f64>,
}

/// A failed completeness check and the persons at fault.
#[derive(Serialize)]
pub struct GapView {
    /// The check's id.
    pub check: &'static str,
    /// The persons at fault, by external id, sorted.
    pub persons: Vec<String>,
}

/// A coach candidate with its four factors.
#[derive(Serialize)]
pub struct CoachView {
    /// The person's external id.
    pub id: String,
    /// The score.
    pub score: f64,
    /// `C(p)`.
    pub closeness: f64,
    /// `S(p, x)` (unknown counts as the parameter's value).
    pub solution: f64,
    /// Reach to an approver.
    pub reach: f64,
    /// `1 − max_k Rv(p, k)`.
    pub rival_free: f64,
}

/// Whether `brm chain` explains the win probability.
pub enum WinChoice {
    /// Not asked for (`--win` not given): no figure, and a note saying how to get one.
    NotAsked,
    /// The model fitted on the whole database (`None`: too few won or lost projects).
    Fitted(Option<WinModel>),
}

impl ChainView {
    /// The view of project `x` as `graph` sees it, with names from `name`.
    pub fn new<'s, G: Graph<'s>>(
        graph: G,
        x: ProjectId,
        params: &Params,
        as_of: Day,
        name: &dyn Fn(NodeRef) -> Result<String>,
        win: &WinChoice,
    ) -> Result<Self> {
        let pa = analysis::project_analysis(graph, x, params, as_of).map_err(|e| e.to_string())?;
        let mut members: Vec<_> = graph.members(x).to_vec();
        members.sort_by_cached_key(|m| graph.xid(m.person.into()).into_owned());
        let members = members
            .iter()
            .map(|m| {
                let p = m.person;
                let i = pa.opinion.position(p);
                Ok(MemberView {
                    id: graph.xid(p.into()).into_owned(),
                    name: name(p.into())?,
                    role: m.member.role.as_str(),
                    coach: m.member.coach,
                    closeness: i.map_or(0.0, |i| pa.opinion.closeness[i]),
                    solution: m.member.solution.map(f64::from),
                    price: m.member.price.map(f64::from),
                    stance: i.map(|i| pa.opinion.stance[i]),
                    opinion: i.map(|i| pa.opinion.opinion[i]),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let xids = |ps: &[analysis::Named<'_, PersonId>]| {
            let mut v: Vec<String> = ps.iter().map(|p| p.xid.to_string()).collect();
            v.sort_unstable();
            v
        };
        let gaps = pa
            .completeness
            .gaps
            .iter()
            .map(|g| GapView {
                check: g.check.id(),
                persons: xids(&g.persons),
            })
            .collect();
        let coaches = pa
            .coaches
            .iter()
            .map(|c| CoachView {
                id: c.person.xid.to_string(),
                score: c.score,
                closeness: c.closeness,
                solution: c.solution,
                reach: c.reach,
                rival_free: c.rival_free,
            })
            .collect();
        let (chain_closeness, chain_rivals) =
            pa.competition
                .as_ref()
                .map_or((None, BTreeMap::new()), |c| {
                    (
                        Some(c.ours),
                        c.rivals
                            .iter()
                            .map(|(k, v)| (k.xid.to_string(), *v))
                            .collect(),
                    )
                });
        let (win, no_win) = if pa.stage.is_open() {
            match win {
                WinChoice::Fitted(Some(model)) => (Some(model.explain(&pa.features)), None),
                WinChoice::Fitted(None) => (
                    None,
                    Some(format!(
                        "no win model: it needs at least {} won and {} lost projects",
                        params.min_closed, params.min_closed
                    )),
                ),
                WinChoice::NotAsked => (None, Some(NOT_ASKED.to_owned())),
            }
        } else {
            (None, Some(format!("the project is {}", pa.stage.as_str())))
        };
        Ok(ChainView {
            id: graph.xid(x.into()).into_owned(),
            name: name(x.into())?,
            stage: pa.stage.as_str(),
            as_of: as_of.to_string(),
            members,
            completeness: pa.completeness.completeness,
            gaps,
            consensus: pa.opinion.consensus,
            veto_risk: xids(&pa.opinion.veto_risk),
            coaches,
            chain_closeness,
            chain_rivals,
            left: xids(&pa.left),
            levers: pa.levers.iter().map(LeverView::new).collect(),
            features: pa.features,
            win,
            no_win,
        })
    }
}

/// Why an open project's chain has no win probability when `--win` was not given.
pub const NOT_ASKED: &str =
    "not computed: pass --win (the win model is fitted on every won and lost project, which reads the whole database)";

/// The strongest paths to one person (`brm path`).
#[derive(Serialize)]
pub struct PathsView {
    /// The target person's external id.
    pub to: String,
    /// The paths, strongest first.
    pub paths: Vec<PathView>,
}

/// One employee's strongest path to a person.
#[derive(Serialize)]
pub struct PathView {
    /// The employee's external id.
    pub employee: String,
    /// The product of the path's weights.
    pub strength: f64,
    /// The persons on the path, the target last, by external id.
    pub hops: Vec<String>,
}

impl PathView {
    fn new(path: &analysis::Path<'_>) -> Self {
        PathView {
            employee: path.employee.xid.to_string(),
            strength: path.strength,
            hops: path.persons.iter().map(|p| p.xid.to_string()).collect(),
        }
    }
}

/// What one employee's departure would cost (`brm departure`).
#[derive(Serialize)]
pub struct DepartureView {
    /// The employee's external id.
    pub employee: String,
    /// The analysis date.
    pub as_of: String,
    /// The day the employee left, if on or before the analysis date: it is gone, and
    /// its departure changes nothing (8.3).
    pub left: Option<String>,
    /// Persons whose closeness drops.
    pub persons: Vec<DropView>,
    /// Accounts whose strength drops.
    pub accounts: Vec<DropView>,
    /// Persons left without a tie, each with its best successor.
    pub successors: Vec<SuccessorView>,
}

/// A figure before and after a departure.
#[derive(Serialize)]
pub struct DropView {
    /// The person's or account's external id.
    pub id: String,
    /// Before.
    pub before: f64,
    /// After.
    pub after: f64,
}

/// A person left without a tie, and who could reach them instead.
#[derive(Serialize)]
pub struct SuccessorView {
    /// The person's external id.
    pub person: String,
    /// The strongest path from another employee, if any reaches them.
    pub successor: Option<PathView>,
}

impl DepartureView {
    fn new<'s, G: Graph<'s>>(graph: G, e: EmployeeId, params: &Params, as_of: Day) -> Result<Self> {
        let d = analysis::departure_impact(graph, e, params, as_of).map_err(|e| e.to_string())?;
        Ok(DepartureView {
            employee: graph.xid(e.into()).into_owned(),
            as_of: as_of.to_string(),
            left: graph
                .employee_left(e)
                .filter(|&l| l <= as_of)
                .map(|l| l.to_string()),
            persons: d
                .persons
                .iter()
                .map(|r| DropView {
                    id: r.person.xid.to_string(),
                    before: r.before,
                    after: r.after,
                })
                .collect(),
            accounts: d
                .accounts
                .iter()
                .map(|r| DropView {
                    id: r.account.xid.to_string(),
                    before: r.before,
                    after: r.after,
                })
                .collect(),
            successors: d
                .successors
                .iter()
                .map(|s| SuccessorView {
                    person: s.person.xid.to_string(),
                    successor: s.successor.as_ref().map(PathView::new),
                })
                .collect(),
        })
    }
}
