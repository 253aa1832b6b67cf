//! The guanxi demo: the README's "main job".
//!
//! With no arguments it generates the `small` synthetic network (about 2,000 persons)
//! into a fresh database under `target/`, runs every analysis, and tells the story a
//! sales director wants to hear: which accounts carry our relationship asset, which deal
//! is at veto risk and why, who could coach us there, and whose departure would hurt
//! most and who should take over. It writes a DOT picture of that deal's decision chain
//! (and an SVG when the `dot` command is installed).
//!
//! ```text
//! cargo run --release --example demo [DB_PATH]
//! ```

use guanxi::analysis::{self, Params, Report};
use guanxi::graph::Snapshot;
use guanxi::io::draw::project_drawing;
use guanxi::model::Day;
use guanxi::store::Database;
use guanxi::synth::{self, Preset};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[macro_use]
#[path = "support/out.rs"]
mod out;

const SEED: u64 = 7;

fn main() -> Result<(), Box<dyn Error>> {
    let db_path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/guanxi-demo.redb"), PathBuf::from);
    if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    if db_path.exists() {
        std::fs::remove_file(&db_path)?;
    }
    let as_of: Day = "2025-06-30".parse()?;
    let started = Instant::now();

    // 1. Fill a database: one transaction, validated against the rules of §3 (docs/model.md).
    let network = synth::generate(Preset::Small, SEED);
    let db = Database::create(&db_path)?;
    let summary = db.import_network(&network, 0)?;
    out!("guanxi demo — {network}");
    out!(
        "stored in {} ({} nodes, {} edges written in one transaction)",
        db_path.display(),
        summary.nodes_added,
        summary.edges_added
    );

    // 2. One read transaction → an immutable snapshot (names included) → every analysis.
    let snap = Snapshot::load(&db.begin_read()?)?;
    let params = Params::default();
    let report = Report::compute(&snap, &params, as_of);
    out!(
        "analysed as of {as_of}: relationship asset {:.0}\n",
        report.relationship_asset
    );

    top_accounts(&snap, &report);
    deal_at_risk(&snap, &report, &params, as_of, &db_path)?;
    hardest_departure(&snap, &params, as_of)?;
    let check = db.check()?;
    out!(
        "\nintegrity check: {}; done in {:.1?}",
        if check.is_clean() {
            "clean"
        } else {
            "VIOLATIONS"
        },
        started.elapsed()
    );
    Ok(())
}

/// Where our relationship asset sits: accounts by strength × open pipeline.
fn top_accounts(snap: &Snapshot, report: &Report) {
    let mut ranked: Vec<_> = report
        .accounts
        .iter()
        .map(|a| (a.strength * a.pipeline, a))
        .filter(|(v, _)| *v > 0.0)
        .collect();
    ranked.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.id.cmp(&y.1.id)));
    out!("Top accounts by relationship asset (strength × open pipeline):");
    for (value, a) in ranked.iter().take(5) {
        let name = snap
            .account_by_xid(&a.id)
            .map_or("", |i| snap.account_name(i));
        out!(
            "  {:<8} {:<28} strength {:.3}  advantage {:+.3}  pipeline {:>11.0}  asset {:>9.0}",
            a.id,
            name,
            a.strength,
            a.advantage,
            a.pipeline,
            value
        );
    }
}

/// The biggest open deal at veto risk, and why; its coach; a drawing of its chain.
fn deal_at_risk(
    snap: &Snapshot,
    report: &Report,
    params: &Params,
    as_of: Day,
    db_path: &Path,
) -> Result<(), Box<dyn Error>> {
    let at_risk = report
        .projects
        .iter()
        .filter(|p| !p.veto_risk.is_empty() && matches!(p.stage.as_str(), "validation" | "pursuit"))
        .filter_map(|p| {
            snap.project_by_xid(&p.id)
                .map(|x| (snap.project_amount(x), x, p))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.2.id.cmp(&a.2.id)));
    if let Some((amount, x, row)) = at_risk {
        out!(
            "\nDeal at veto risk: {} {:?} ({}, amount {amount:.0})",
            row.id,
            snap.project_name(x),
            row.stage
        );
        let pa = analysis::project_analysis(snap, x, params, as_of)?;
        for p in &pa.opinion.veto_risk {
            let i = pa.opinion.position(p.id).unwrap_or(0);
            let m = snap.members(x).iter().find(|m| *p == m.person);
            let role = m.map_or("member", |m| m.member.role.as_str());
            let show =
                |v: Option<f64>| v.map_or_else(|| "unknown".to_owned(), |v| format!("{v:.2}"));
            out!(
                "  {} ({role}, {}) leans against us: closeness {:.2}, solution {}, price {}, own stance {:+.2}, after the people they defer to {:+.2}",
                p.xid,
                snap.person_name(p.id),
                pa.opinion.closeness[i],
                show(m.and_then(|m| m.member.solution.map(f64::from))),
                show(m.and_then(|m| m.member.price.map(f64::from))),
                pa.opinion.stance[i],
                pa.opinion.opinion[i],
            );
        }
        out!(
            "  consensus {:+.3}, completeness {}",
            pa.opinion.consensus.unwrap_or(0.0),
            pa.completeness
                .completeness
                .map_or_else(|| "n/a".to_owned(), |c| format!("{c:.2}"))
        );
        for g in &pa.completeness.gaps {
            let who: Vec<&str> = g.persons.iter().map(|p| p.xid.as_ref()).collect();
            out!("  gap: {:<14} {}", g.check.id(), who.join(", "));
        }
        match pa.coaches.first() {
            Some(c) => out!(
                "  coach suggestion: {} ({}) score {:.3} = closeness {:.2} × solution {:.2} × reach to an approver {:.2} × rival-free {:.2}",
                c.person.xid,
                snap.person_name(c.person.id),
                c.score,
                c.closeness,
                c.solution,
                c.reach,
                c.rival_free
            ),
            None => out!("  no coach candidate: nobody in this chain both trusts us and reaches an approver"),
        }
        let drawing = project_drawing(snap, x, params, as_of)?;
        let dot_path = db_path.with_file_name(format!("guanxi-demo-{}.dot", row.id));
        std::fs::write(&dot_path, drawing.to_dot())?;
        out!("  decision chain drawn in {}", dot_path.display());
        let svg_path = dot_path.with_extension("svg");
        if let Ok(status) = std::process::Command::new("dot")
            .arg("-Tsvg")
            .arg(&dot_path)
            .arg("-o")
            .arg(&svg_path)
            .status()
        {
            if status.success() {
                out!("  and rendered to {}", svg_path.display());
            }
        }
    }

    Ok(())
}

/// Whose departure hurts most (largest total loss of account strength), and who should take over.
fn hardest_departure(snap: &Snapshot, params: &Params, as_of: Day) -> Result<(), Box<dyn Error>> {
    let mut impacts = Vec::new();
    for e in snap.employee_ids() {
        let d = analysis::departure_impact(snap, e, params, as_of)?;
        let loss: f64 = d.accounts.iter().map(|a| a.before - a.after).sum();
        impacts.push((loss, e, d));
    }
    if let Some((loss, e, d)) = impacts.into_iter().max_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| snap.employee_xid(b.1).cmp(snap.employee_xid(a.1)))
    }) {
        out!(
            "\nDeparture that hurts most: {} ({}): {} accounts weaken (total strength −{loss:.3}), {} persons' closeness drops, {} persons lose their only tie",
            snap.employee_xid(e),
            snap.employee_name(e),
            d.accounts.len(),
            d.persons.len(),
            d.successors.len()
        );
        for s in d.successors.iter().take(5) {
            match &s.successor {
                Some(p) => {
                    let hops: Vec<&str> = p.persons.iter().map(|q| q.xid.as_ref()).collect();
                    out!(
                        "  {} → hand over to {} (path strength {:.3} via {})",
                        s.person,
                        p.employee,
                        p.strength,
                        hops.join(" → ")
                    );
                }
                None => out!(
                    "  {} → nobody else can reach them: introduce someone before they leave",
                    s.person
                ),
            }
        }
    }
    Ok(())
}
