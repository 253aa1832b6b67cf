//! The readable text of each result, rendered from the typed results (the library's
//! [`Report`], and the views of [`crate::query`]): a field that does not exist is a
//! compile error, not a blank column.

use crate::query::{ChainView, DepartureView, LeversView, PathView, PathsView};
use crate::Result;
use guanxi::analysis::Report;
use guanxi::analysis::{AccountRow, Claim, ProjectRow, Protection};
use guanxi::model::{Day, Stage};
use std::cmp::Ordering;

/// A figure with three decimals, or `—` when it is unknown.
fn f(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |x| format!("{x:.3}"))
}

/// Ids joined with `sep`.
fn join(ids: &[String], sep: &str) -> String {
    ids.join(sep)
}

/// `brm chain`: the members table, the figures, the gaps and the coach candidates.
pub fn chain(v: &ChainView) -> Result<()> {
    out!("project {} ({}) at {}", v.id, v.stage, v.as_of)?;
    out!(
        "  {:<12} {:<15} {:>5} {:>9} {:>8} {:>6} {:>7} {:>8}",
        "person",
        "role",
        "coach",
        "closeness",
        "solution",
        "price",
        "stance",
        "opinion"
    )?;
    for m in &v.members {
        out!(
            "  {:<12} {:<15} {:>5} {:>9} {:>8} {:>6} {:>7} {:>8}",
            m.id,
            m.role,
            if m.coach { "yes" } else { "" },
            f(Some(m.closeness)),
            f(m.solution),
            f(m.price),
            f(m.stance),
            f(m.opinion)
        )?;
    }
    out!(
        "  completeness {}  consensus {}  our chain closeness {}",
        f(v.completeness),
        f(v.consensus),
        f(v.chain_closeness)
    )?;
    for (k, r) in &v.chain_rivals {
        out!("  rival {k}: chain closeness {}", f(Some(*r)))?;
    }
    for g in &v.gaps {
        out!("  gap {:<14} {}", g.check, join(&g.persons, ", "))?;
    }
    if !v.veto_risk.is_empty() {
        out!("  veto risk: {}", join(&v.veto_risk, ", "))?;
    }
    if !v.left.is_empty() {
        out!("  left the account: {}", join(&v.left, ", "))?;
    }
    for c in &v.coaches {
        out!(
            "  coach candidate {:<10} score {}  (C {} · S {} · reach {} · rival-free {})",
            c.id,
            f(Some(c.score)),
            f(Some(c.closeness)),
            f(Some(c.solution)),
            f(Some(c.reach)),
            f(Some(c.rival_free))
        )?;
    }
    for l in &v.levers {
        out!(
            "  lever {:<12} gain {}  (leverage {} · stance {})  via {}",
            l.id,
            f(Some(l.gain)),
            f(Some(l.leverage)),
            f(Some(l.stance)),
            l.via.as_ref().map_or_else(
                || "nobody".to_owned(),
                |e| format!("{e} ({})", f(Some(l.path_strength)))
            )
        )?;
    }
    win(v)
}

/// The win probability of `brm chain` and what makes it.
fn win(v: &ChainView) -> Result<()> {
    let names = guanxi::analysis::WinFeatures::NAMES;
    let values = v.features.to_array();
    let Some(w) = &v.win else {
        let features: Vec<String> = names
            .iter()
            .zip(values)
            .map(|(n, x)| format!("{n} {}", f(Some(x))))
            .collect();
        out!("  features: {}", features.join(", "))?;
        return out!(
            "  win probability: none ({})",
            v.no_win.as_deref().unwrap_or("")
        );
    };
    out!(
        "  win probability {:.3}: log-odds {:+.3} (intercept)",
        w.probability,
        w.intercept
    )?;
    for ((name, x), (z, c)) in names
        .iter()
        .zip(values)
        .zip(w.z.to_array().into_iter().zip(w.contributions.to_array()))
    {
        out!("    {c:+.3}  {name:<9} = {} (z {z:+.3})", f(Some(x)))?;
    }
    Ok(())
}

/// The hops of a path, `a → b → c`.
fn hops(p: &PathView) -> String {
    join(&p.hops, " → ")
}

/// `brm path`: one line per employee.
pub fn paths(v: &PathsView, as_of: Day) -> Result<()> {
    if v.paths.is_empty() {
        return out!("no employee reaches {}", v.to);
    }
    out!("strongest paths to {} at {as_of}:", v.to)?;
    for p in &v.paths {
        out!("  {:<12} {:.4}  {}", p.employee, p.strength, hops(p))?;
    }
    Ok(())
}

/// `brm departure`: the drops, then the successors.
pub fn departure(v: &DepartureView) -> Result<()> {
    if let Some(left) = &v.left {
        return out!(
            "{} left on {left}: as of {} its ties already count nowhere (its orphans are under `departed` in the report)",
            v.employee,
            v.as_of
        );
    }
    out!("if {} leaves (as of {}):", v.employee, v.as_of)?;
    for p in &v.persons {
        out!(
            "  person  {:<12} closeness {} → {}",
            p.id,
            f(Some(p.before)),
            f(Some(p.after))
        )?;
    }
    for a in &v.accounts {
        out!(
            "  account {:<12} strength  {} → {}",
            a.id,
            f(Some(a.before)),
            f(Some(a.after))
        )?;
    }
    for s in &v.successors {
        match &s.successor {
            None => out!("  {} loses every tie; nobody else can reach them", s.person)?,
            Some(who) => out!(
                "  {} loses every tie; best successor {} (path strength {}: {})",
                s.person,
                who.employee,
                f(Some(who.strength)),
                hops(who)
            )?,
        }
    }
    Ok(())
}

/// `brm levers`: one line per lever, best first.
pub fn levers(v: &LeversView) -> Result<()> {
    if v.levers.is_empty() {
        return out!(
            "no lever in project {} at {}: nobody's stance would raise the consensus",
            v.project,
            v.as_of
        );
    }
    out!("levers of project {} at {}:", v.project, v.as_of)?;
    out!(
        "  {:<12} {:>8} {:>7} {:>6}  {:<12} {:>6}  path",
        "person",
        "leverage",
        "stance",
        "gain",
        "via",
        "reach"
    )?;
    for l in &v.levers {
        out!(
            "  {:<12} {:>8} {:>7} {:>6}  {:<12} {:>6}  {}",
            l.id,
            f(Some(l.leverage)),
            f(Some(l.stance)),
            f(Some(l.gain)),
            l.via.as_deref().unwrap_or("nobody"),
            f(Some(l.path_strength)),
            join(&l.hops, " → ")
        )?;
    }
    Ok(())
}

/// A day, or `—` when there is none.
fn day(d: Option<Day>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// `brm claims`: one block per account, worst first.
pub fn claims(list: &[Claim<'_>], as_of: Day) -> Result<()> {
    if list.is_empty() {
        return out!("no account is claimed by two sellers at {as_of}");
    }
    out!("claim conflicts at {as_of}, most open pipeline at stake first:")?;
    for c in list {
        out!(
            "  {:<12} pipeline {:>14.2}  holder {}",
            c.account.xid,
            c.pipeline,
            c.holder
        )?;
        for m in &c.claimants {
            out!(
                "    {:<12} fit {}  first contact {:<10}  last contact {:<10}  persons reached {}",
                m.employee.xid,
                f(Some(m.fit)),
                day(m.first_contact),
                day(m.last_contact),
                m.reached
            )?;
        }
    }
    Ok(())
}

/// `brm protection`: one line per account, worst first.
pub fn protections(list: &[Protection<'_>], as_of: Day, protect_days: i64) -> Result<()> {
    if list.is_empty() {
        return out!("no protected account to list at {as_of}");
    }
    out!("protected accounts at {as_of} (expire after {protect_days} days without contact), worst first:")?;
    for p in list {
        let owners: Vec<String> = p.owners.iter().map(ToString::to_string).collect();
        out!(
            "  {:<12} {:<8} last contact {:<10} {:>6} days  owners {}",
            p.account.xid,
            if p.expired { "EXPIRED" } else { "ok" },
            day(p.last_contact),
            p.days.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            owners.join(", ")
        )?;
    }
    Ok(())
}

/// The report's `rows` sorted by `by`, and by external id (`id`) where `by` ties.
fn ranked<'r, T: 'r>(
    rows: impl Iterator<Item = &'r T>,
    by: impl Fn(&T, &T) -> Ordering,
    id: impl Fn(&T) -> &String,
) -> Vec<&'r T> {
    let mut ranked: Vec<&T> = rows.collect();
    ranked.sort_by(|a, b| by(a, b).then_with(|| id(a).cmp(id(b))));
    ranked
}

/// Whether a report row's project is open (lead, validation, pursuit).
fn is_open(p: &ProjectRow) -> bool {
    p.stage.parse::<Stage>().is_ok_and(Stage::is_open)
}

/// The readable report: short tables of `top` rows each.
pub fn report(r: &Report, top: usize) -> Result<()> {
    out!(
        "relationship report at {} — relationship asset {:.2}",
        r.as_of,
        r.relationship_asset
    )?;
    accounts(r, top)?;
    projects(r, top)?;
    employees(r, top)?;
    over_time(r, top)
}

/// The figures of time: accounts cooling fastest, stale decision chains, the employees
/// who left and whom they left behind.
fn over_time(r: &Report, top: usize) -> Result<()> {
    let cooling = ranked(
        r.accounts.iter().filter(|a| a.trend < 0.0),
        |a, b| a.trend.total_cmp(&b.trend),
        |a| &a.id,
    );
    if !cooling.is_empty() {
        out!("\naccounts cooling fastest (strength, change over the trend period):")?;
        for a in cooling.iter().take(top) {
            out!("  {:<12} {:>7.4} {:>+8.4}", a.id, a.strength, a.trend)?;
        }
    }
    let stale: Vec<_> = r
        .projects
        .iter()
        .filter(|p| is_open(p) && !p.left.is_empty())
        .collect();
    if !stale.is_empty() {
        out!("\nopen projects whose chain members left the account:")?;
        for p in stale.iter().take(top) {
            out!("  {:<12} {:<10} left: {}", p.id, p.stage, p.left.join(", "))?;
        }
    }
    if !r.departed.is_empty() {
        out!("\nemployees who left, and the persons nobody else is tied to:")?;
        let gone = ranked(
            r.departed.iter(),
            |a, b| b.orphans.len().cmp(&a.orphans.len()),
            |d| &d.id,
        );
        for d in gone.iter().take(top) {
            out!(
                "  {:<12} left {}  {} orphans: {}",
                d.id,
                d.left,
                d.orphans.len(),
                d.orphans.join(", ")
            )?;
        }
    }
    Ok(())
}

fn accounts(r: &Report, top: usize) -> Result<()> {
    let strong = ranked(
        r.accounts
            .iter()
            .filter(|a| a.pipeline > 0.0 || a.strength > 0.0),
        |a, b| b.strength.total_cmp(&a.strength),
        |a| &a.id,
    );
    out!("\nstrongest accounts (strength, advantage over the strongest rival, open pipeline):")?;
    account_lines(&strong, top)?;
    out!("\nweakest accounts with open pipeline:")?;
    let weak = ranked(
        r.accounts.iter().filter(|a| a.pipeline > 0.0),
        |a, b| a.strength.total_cmp(&b.strength),
        |a| &a.id,
    );
    account_lines(&weak, top)
}

/// The first `top` of `list`, one account a line: strength, advantage over the
/// strongest rival, open pipeline.
fn account_lines(list: &[&AccountRow], top: usize) -> Result<()> {
    for a in list.iter().take(top) {
        out!(
            "  {:<12} {:>7.4} {:>+8.4} {:>14.2}",
            a.id,
            a.strength,
            a.advantage,
            a.pipeline
        )?;
    }
    Ok(())
}

fn projects(r: &Report, top: usize) -> Result<()> {
    out!("\nopen projects at veto risk (most negative consensus first):")?;
    let risky = ranked(
        r.projects
            .iter()
            .filter(|p| is_open(p))
            .filter(|p| !p.veto_risk.is_empty()),
        |a, b| {
            a.consensus
                .unwrap_or(0.0)
                .total_cmp(&b.consensus.unwrap_or(0.0))
        },
        |p| &p.id,
    );
    for p in risky.iter().take(top) {
        let coach = p.coaches.first().map_or_else(
            || "none".to_owned(),
            |c| format!("{} ({:.3})", c.id, c.score),
        );
        out!(
            "  {:<12} {:<10} consensus {:>+.3}  at risk: {:<20} coach: {coach}",
            p.id,
            p.stage,
            p.consensus.unwrap_or(0.0),
            p.veto_risk.join(", ")
        )?;
    }
    out!("\nopen projects with the largest completeness gaps:")?;
    let gaps = ranked(
        r.projects
            .iter()
            .filter(|p| is_open(p))
            .filter(|p| p.completeness.is_some_and(|c| c < 1.0)),
        |a, b| {
            a.completeness
                .unwrap_or(1.0)
                .total_cmp(&b.completeness.unwrap_or(1.0))
        },
        |p| &p.id,
    );
    for p in gaps.iter().take(top) {
        let checks: Vec<&str> = p.gaps.iter().map(|g| g.check.as_str()).collect();
        out!(
            "  {:<12} {:<10} completeness {:.2}  missing: {}",
            p.id,
            p.stage,
            p.completeness.unwrap_or(0.0),
            checks.join(", ")
        )?;
    }
    Ok(())
}

fn employees(r: &Report, top: usize) -> Result<()> {
    out!("\nemployees with the most sole ties (who would leave with them):")?;
    let emps = ranked(
        r.employees.iter(),
        |a, b| b.sole_ties.len().cmp(&a.sole_ties.len()),
        |e| &e.id,
    );
    for e in emps.iter().take(top) {
        out!(
            "  {:<12} {:>4} sole ties  portfolio {:.4}",
            e.id,
            e.sole_ties.len(),
            e.portfolio
        )?;
    }
    Ok(())
}
