//! `brm whatif`: one project's analysis before and after hypothetical changes, the
//! database only ever read (the changes live in an overlay, see `guanxi::live::WhatIf`).

use crate::options::{describe, Common, Live};
use crate::query::{no_such, print_json, read_node, stored_name, ChainView, WinChoice};
use crate::render;
use crate::Result;
use clap::Args;
use guanxi::live::{LiveGraph, WhatIf};
use guanxi::model::{AccountId, EmployeeId, NodeKind, NodeRef, PersonId, ProjectId, Score};
use guanxi::store::{Read, ReadTxn};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

/// `brm whatif --project X [--win-over P] [--tie E:P:C] [--leave E] [--rival-tie K:P:C]`.
#[derive(Args)]
pub struct WhatIfArgs {
    #[command(flatten)]
    common: Common,
    /// The project's external id.
    #[arg(long)]
    project: String,
    /// Win chain member P over: its solution and price acceptance become 1.
    #[arg(long = "win-over", value_name = "P")]
    win_over: Vec<String>,
    /// Employee E meets person P on the analysis date, and their tie's closeness becomes
    /// C (a number in [0, 1]); the tie is created if there is none.
    #[arg(long, value_name = "E:P:C")]
    tie: Vec<String>,
    /// Employee E leaves on the analysis date: gone, their ties count nowhere.
    #[arg(long, value_name = "E")]
    leave: Vec<String>,
    /// Competitor K gains a tie of closeness C (in [0, 1]) with person P, or its tie
    /// changes to C.
    #[arg(long = "rival-tie", value_name = "K:P:C")]
    rival_tie: Vec<String>,
    /// Print JSON: `{"before": …, "after": …}`, each as `brm chain --json` prints it.
    #[arg(long)]
    json: bool,
}

/// The analysis before and after.
#[derive(Serialize)]
struct BeforeAfter {
    before: ChainView,
    after: ChainView,
}

impl WhatIfArgs {
    /// Reads the project before, lays the changes over the database, reads it after.
    pub fn run(self) -> Result<ExitCode> {
        let Live { params, as_of, db } = self.common.open()?;
        let path = self.common.db.as_path();
        let (txn, x) = read_node(&db, path, NodeKind::Project, &self.project)?;
        let x = ProjectId(x);
        let live = LiveGraph::new(&txn);
        let names = |n: NodeRef| stored_name(&txn, path, n);
        let before = ChainView::new(&live, x, &params, as_of, &names, &WinChoice::NotAsked)?;
        let mut w = WhatIf::new(&live);
        let find = |kind, xid: &str| find(&txn, path, kind, xid);
        for p in &self.win_over {
            let person = find(NodeKind::Person, p)?;
            w.win_over(PersonId(person.id), x)
                .map_err(|e| format!("--win-over {p}: {e}"))?;
        }
        for t in &self.tie {
            let (employee, person, c) = triple(&txn, path, t, "--tie", NodeKind::Employee)?;
            w.record_contact(EmployeeId(employee.id), PersonId(person.id), as_of, Some(c))
                .map_err(|err| format!("--tie {t}: {err}"))?;
        }
        for e in &self.leave {
            let employee = find(NodeKind::Employee, e)?;
            w.set_left(EmployeeId(employee.id), Some(as_of))
                .map_err(|err| format!("--leave {e}: {err}"))?;
        }
        for t in &self.rival_tie {
            let (rival, person, c) = triple(&txn, path, t, "--rival-tie", NodeKind::Account)?;
            w.put_rival_tie(AccountId(rival.id), PersonId(person.id), c)
                .map_err(|err| format!("--rival-tie {t}: {err}"))?;
        }
        let after = ChainView::new(&w, x, &params, as_of, &names, &WinChoice::NotAsked)?;
        if self.json {
            print_json(&BeforeAfter { before, after })?;
        } else {
            out!("before:")?;
            render::chain(&before)?;
            out!("")?;
            out!("after:")?;
            render::chain(&after)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The node of `kind` with external id `xid`, or a message naming it.
fn find(txn: &ReadTxn, path: &Path, kind: NodeKind, xid: &str) -> Result<NodeRef> {
    txn.lookup(kind, xid)
        .map_err(|e| describe(path, e))?
        .ok_or_else(|| {
            format!(
                "{}; give the external id of an existing {kind}",
                no_such(&kind.to_string(), xid)
            )
            .into()
        })
}

/// `FROM:P:C` of option `flag`: a node of kind `from`, a person and a closeness. External
/// ids may hold `:`, so every split of `FROM:P` is tried, and exactly one must name
/// two existing nodes.
fn triple(
    txn: &ReadTxn,
    path: &Path,
    value: &str,
    flag: &str,
    from: NodeKind,
) -> Result<(NodeRef, NodeRef, Score)> {
    let shape = || {
        format!("{flag} {value}: expected {from}:PERSON:CLOSENESS (external ids, then a number in [0, 1])")
    };
    let (ends, c) = value.rsplit_once(':').ok_or_else(shape)?;
    let closeness = c
        .trim()
        .parse::<f64>()
        .ok()
        .and_then(|v| Score::new(v).ok())
        .ok_or_else(|| {
            format!("{flag} {value}: closeness {c:?} is not a number in [0, 1]; give one like 0.6")
        })?;
    let splits: Vec<(&str, &str)> = ends
        .match_indices(':')
        .map(|(i, _)| (&ends[..i], &ends[i + 1..]))
        .collect();
    if splits.is_empty() {
        return Err(shape().into());
    }
    let mut found = Vec::new();
    for &(a, p) in &splits {
        let a_ref = txn.lookup(from, a).map_err(|e| describe(path, e))?;
        let p_ref = txn
            .lookup(NodeKind::Person, p)
            .map_err(|e| describe(path, e))?;
        if let (Some(a_ref), Some(p_ref)) = (a_ref, p_ref) {
            found.push((a_ref, p_ref));
        }
    }
    match found[..] {
        [(a, p)] => Ok((a, p, closeness)),
        [] => {
            // Name the id that is missing, on the most natural reading (first `:`).
            let (a, p) = splits[0];
            let missing = if txn
                .lookup(from, a)
                .map_err(|e| describe(path, e))?
                .is_none()
            {
                no_such(&from.to_string(), a)
            } else {
                no_such("person", p)
            };
            Err(format!(
                "{flag} {value}: {missing}; give the external ids of an existing {from} and person"
            )
            .into())
        }
        _ => Err(format!(
            "{flag} {value}: ambiguous, more than one way to split it names an existing {from} and person"
        )
        .into()),
    }
}
