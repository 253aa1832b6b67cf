//! Pictures of a network: DOT and GraphML exports, for graph drawing tools, of one
//! account's network or one project's decision chain.
//!
//! A picture is first built as a [`Drawing`] — nodes and edges with their analysis
//! figures as attributes — and then written in either format, so both formats always
//! carry the same facts. Attributes use the spec's names: `role`, `coach`, `closeness`
//! (C of §4.2), `solution`, `price`, `stance` (s of §4.3), `opinion` (x of §4.6),
//! `influence` (π of §4.4); edges carry their `kind` and `weight` (for ties the
//! effective closeness `c_eff` of §8.1 at the analysis date).
//!
//! Everything is drawn as it stood at the analysis date (§8): the ties of that day
//! (records, and interactions dated by then); an account's persons of that day, and
//! beside them, marked `left = true`, those whose period there had ended; in a decision
//! chain, members who left the project's account marked the same way (§8.2). Employees
//! who are gone at the date (§8.3) are drawn with `gone = true` and their leaving day;
//! their ties count nowhere, so they weigh 0.
//!
//! In DOT, a person's fill colour shows its propagated stance (red against us, green for
//! us) and an edge's pen width its weight, so the picture reads at a glance; a person
//! who left and a gone employee are drawn dashed and grey.

use crate::analysis::{exists, project_analysis, Ctx, Params, QueryError};
use crate::graph::{Link, Snapshot};
use crate::model::{AccountId, Day, EmployeeId, PersonId, ProjectId};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// A node of a [`Drawing`].
#[derive(Debug, Clone, PartialEq)]
pub struct DrawNode {
    /// Unique id in the drawing (`p:<xid>` for a person, `e:<xid>` for an employee).
    pub id: String,
    /// Display label (the name).
    pub label: String,
    /// `person` or `employee`.
    pub kind: &'static str,
    /// Opinion in `[-1, 1]` used for the fill colour, if any.
    pub opinion: Option<f64>,
    /// Named attributes, in a fixed order.
    pub attrs: Vec<(&'static str, String)>,
}

/// An edge of a [`Drawing`].
#[derive(Debug, Clone, PartialEq)]
pub struct DrawEdge {
    /// Start node id.
    pub from: String,
    /// End node id.
    pub to: String,
    /// Edge type (`reports_to`, `influences`, `tie`).
    pub kind: &'static str,
    /// Weight, or decayed closeness for a tie.
    pub weight: f64,
}

/// A picture of part of the network, ready to be written as DOT or GraphML.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawing {
    /// Title (the project's or account's name and id).
    pub title: String,
    /// Nodes, persons first (by external id), then employees (by external id).
    pub nodes: Vec<DrawNode>,
    /// Edges in key order: `reports_to`, then influences (each by start, then end
    /// id), then ties (by employee, then person id).
    pub edges: Vec<DrawEdge>,
}

fn fmt6(v: f64) -> String {
    format!("{v:.6}")
}

fn opt6(v: Option<f64>) -> String {
    v.map_or_else(String::new, fmt6)
}

/// The recorded edges out of a person, of one kind (`reports_to` or influences).
type Links = fn(&Snapshot, PersonId) -> &[Link];

/// Adds the persons' `reports_to` and influences edges among themselves (every
/// recorded weight) and the ties of our employees to them at the date, with those
/// employees (gone ones marked).
fn add_edges(d: &mut Drawing, ctx: &Ctx<'_, &Snapshot>, persons: &BTreeSet<PersonId>) {
    let snapshot = ctx.graph;
    let pid = |p: PersonId| format!("p:{}", snapshot.person_xid(p));
    let eid = |e: EmployeeId| format!("e:{}", snapshot.employee_xid(e));
    let deference: [(&str, Links); 2] = [
        ("reports_to", Snapshot::reports_to),
        ("influences", Snapshot::influences),
    ];
    for (kind, links) in deference {
        for &p in persons {
            for l in links(snapshot, p) {
                if persons.contains(&l.to) {
                    d.edges.push(DrawEdge {
                        from: pid(p),
                        to: pid(l.to),
                        kind,
                        weight: l.weight,
                    });
                }
            }
        }
    }
    let mut ties: Vec<usize> = persons
        .iter()
        .flat_map(|&p| snapshot.person_tie_range(p))
        .filter(|&i| snapshot.tie_exists(i, ctx.as_of))
        .collect();
    ties.sort_by_key(|&i| (snapshot.ties()[i].employee, snapshot.ties()[i].person));
    let mut employees = BTreeSet::new();
    for i in ties {
        let t = snapshot.ties()[i];
        employees.insert((snapshot.employee_xid(t.employee), t.employee));
        d.edges.push(DrawEdge {
            from: eid(t.employee),
            to: pid(t.person),
            kind: "tie",
            weight: ctx.effective(i),
        });
    }
    for (xid, e) in employees {
        let gone = ctx.gone(e);
        let mut attrs = vec![("xid", xid.to_owned()), ("gone", gone.to_string())];
        if gone {
            attrs.push((
                "left",
                snapshot
                    .employee_left(e)
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
            ));
        }
        d.nodes.push(DrawNode {
            id: format!("e:{xid}"),
            label: snapshot.employee_name(e).to_owned(),
            kind: "employee",
            opinion: None,
            attrs,
        });
    }
}

/// Whether a node is drawn as no longer there: a person who left, a gone employee.
fn departed(n: &DrawNode) -> bool {
    n.attrs
        .iter()
        .any(|(k, v)| matches!(*k, "left" | "gone") && v == "true")
}

/// The decision chain of project `x` at `as_of`: its members with role, coach flag, the
/// three values, stance and propagated opinion; their deference edges; our employees'
/// ties to them.
pub fn project_drawing(
    snapshot: &Snapshot,
    x: ProjectId,
    params: &Params,
    as_of: Day,
) -> Result<Drawing, QueryError> {
    let analysis = project_analysis(snapshot, x, params, as_of)?;
    let ctx = Ctx::new(snapshot, params, as_of);
    let mut d = Drawing {
        title: format!(
            "{} ({}, {})",
            snapshot.project_name(x),
            snapshot.project_xid(x),
            snapshot.project_stage(x)
        ),
        ..Drawing::default()
    };
    let mut members: Vec<_> = snapshot.members(x).to_vec();
    members.sort_by(|a, b| {
        snapshot
            .person_xid(a.person)
            .cmp(snapshot.person_xid(b.person))
    });
    for m in &members {
        let p = m.person;
        let stance = analysis.opinion.stance_of(p);
        let opinion = analysis.opinion.opinion_of(p);
        let left = analysis.left.iter().any(|l| l.id == p);
        d.nodes.push(DrawNode {
            id: format!("p:{}", snapshot.person_xid(p)),
            label: snapshot.person_name(p).to_owned(),
            kind: "person",
            opinion,
            attrs: vec![
                ("xid", snapshot.person_xid(p).to_owned()),
                ("role", m.member.role.to_string()),
                ("coach", m.member.coach.to_string()),
                ("closeness", opt6(analysis.opinion.closeness_of(p))),
                ("solution", opt6(m.member.solution.map(f64::from))),
                ("price", opt6(m.member.price.map(f64::from))),
                ("stance", opt6(stance)),
                ("opinion", opt6(opinion)),
                ("left", left.to_string()),
            ],
        });
    }
    let persons: BTreeSet<PersonId> = members.iter().map(|m| m.person).collect();
    add_edges(&mut d, &ctx, &persons);
    Ok(d)
}

/// Whether `p`'s period at `a` ended on or before `as_of` and `p` does not work there
/// on `as_of` (§8.2).
fn left_account(ctx: &Ctx<'_, &Snapshot>, p: PersonId, a: AccountId) -> bool {
    ctx.account_of(p) != Some(a)
        && ctx
            .graph
            .employments(p)
            .iter()
            .any(|r| r.account == a && r.until.is_some_and(|u| u <= ctx.as_of))
}

/// The network of account `a` at `as_of`: its persons with closeness and influence (π),
/// their deference edges, and our employees' ties to them.
pub fn account_drawing(
    snapshot: &Snapshot,
    a: AccountId,
    params: &Params,
    as_of: Day,
) -> Result<Drawing, QueryError> {
    exists(snapshot, a)?;
    let ctx = Ctx::new(snapshot, params, as_of);
    let mut d = Drawing {
        title: format!(
            "{} ({}, {})",
            snapshot.account_name(a),
            snapshot.account_xid(a),
            snapshot.account_kind(a)
        ),
        ..Drawing::default()
    };
    let pi = ctx.account_influence(a);
    let staff = ctx.account_persons(a);
    // The persons of the date, then those whose period there had ended.
    let mut persons: Vec<(Option<usize>, PersonId)> = staff
        .iter()
        .copied()
        .enumerate()
        .map(|(i, p)| (Some(i), p))
        .collect();
    let mut former: Vec<PersonId> = snapshot
        .roster(a)
        .iter()
        .map(|s| s.person)
        .filter(|&p| left_account(&ctx, p, a))
        .collect();
    former.dedup();
    former.retain(|p| staff.binary_search(p).is_err());
    persons.extend(former.into_iter().map(|p| (None, p)));
    persons.sort_by(|x, y| snapshot.person_xid(x.1).cmp(snapshot.person_xid(y.1)));
    for &(i, p) in &persons {
        let c = ctx.closeness(p);
        d.nodes.push(DrawNode {
            id: format!("p:{}", snapshot.person_xid(p)),
            label: snapshot.person_name(p).to_owned(),
            kind: "person",
            opinion: Some(2.0 * c - 1.0),
            attrs: vec![
                ("xid", snapshot.person_xid(p).to_owned()),
                (
                    "title",
                    snapshot.person_title(p).unwrap_or_default().to_owned(),
                ),
                ("closeness", fmt6(c)),
                (
                    "influence",
                    fmt6(i.and_then(|i| pi.get(i).copied()).unwrap_or(0.0)),
                ),
                ("left", i.is_none().to_string()),
            ],
        });
    }
    let set: BTreeSet<PersonId> = persons.iter().map(|&(_, p)| p).collect();
    add_edges(&mut d, &ctx, &set);
    Ok(d)
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Fill colour for an opinion in `[-1, 1]`: red (against) through white to green (for).
#[allow(clippy::cast_sign_loss)] // every channel is in [0, 255] after the clamp
fn colour(opinion: f64) -> String {
    let t = opinion.clamp(-1.0, 1.0);
    let (r, g, b) = if t < 0.0 {
        (255.0, 255.0 * (1.0 + t), 255.0 * (1.0 + t))
    } else {
        (255.0 * (1.0 - t), 255.0, 255.0 * (1.0 - t))
    };
    format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, b as u8)
}

impl Drawing {
    /// The drawing in DOT: `dot -Tsvg chain.dot -o chain.svg`.
    pub fn to_dot(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "digraph guanxi {{");
        let _ = writeln!(
            s,
            "  label=\"{}\"; labelloc=t; rankdir=LR;",
            dot_escape(&self.title)
        );
        let _ = writeln!(s, "  node [style=filled, fontname=\"Helvetica\"];");
        for n in &self.nodes {
            let shape = if n.kind == "employee" {
                "box"
            } else {
                "ellipse"
            };
            let gone = departed(n);
            let fill = if gone {
                "#d9d9d9".to_owned()
            } else {
                n.opinion.map_or_else(|| "#dde6f7".to_owned(), colour)
            };
            let style = if gone { "filled,dashed" } else { "filled" };
            let mut label = n.label.clone();
            for (k, v) in &n.attrs {
                if matches!(*k, "role" | "opinion" | "closeness" | "influence") && !v.is_empty() {
                    let _ = write!(label, "\n{k} {v}");
                }
            }
            let _ = write!(
                s,
                "  \"{}\" [label=\"{}\", shape={shape}, style=\"{style}\", fillcolor=\"{fill}\"",
                dot_escape(&n.id),
                dot_escape(&label)
            );
            for (k, v) in &n.attrs {
                let _ = write!(s, ", {k}=\"{}\"", dot_escape(v));
            }
            let _ = writeln!(s, "];");
        }
        for e in &self.edges {
            let style = match e.kind {
                "tie" => "dashed",
                "influences" => "dotted",
                _ => "solid",
            };
            let _ = writeln!(
                s,
                "  \"{}\" -> \"{}\" [kind=\"{}\", weight_value=\"{:.6}\", label=\"{} {:.2}\", style={style}, penwidth={:.2}];",
                dot_escape(&e.from),
                dot_escape(&e.to),
                e.kind,
                e.weight,
                e.kind,
                e.weight,
                0.5 + 3.0 * e.weight
            );
        }
        s.push_str("}\n");
        s
    }

    /// The drawing in GraphML, with every attribute declared as a `<key>`.
    pub fn to_graphml(&self) -> String {
        let mut node_keys: Vec<&'static str> = vec!["label", "kind"];
        for n in &self.nodes {
            for (k, _) in &n.attrs {
                if !node_keys.contains(k) {
                    node_keys.push(k);
                }
            }
        }
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
        for k in &node_keys {
            let _ = writeln!(
                s,
                "  <key id=\"n_{k}\" for=\"node\" attr.name=\"{k}\" attr.type=\"string\"/>"
            );
        }
        s.push_str("  <key id=\"e_kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n");
        s.push_str(
            "  <key id=\"e_weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n",
        );
        let _ = writeln!(
            s,
            "  <graph id=\"{}\" edgedefault=\"directed\">",
            xml_escape(&self.title)
        );
        for n in &self.nodes {
            let _ = writeln!(s, "    <node id=\"{}\">", xml_escape(&n.id));
            let _ = writeln!(
                s,
                "      <data key=\"n_label\">{}</data>",
                xml_escape(&n.label)
            );
            let _ = writeln!(s, "      <data key=\"n_kind\">{}</data>", n.kind);
            for (k, v) in &n.attrs {
                let _ = writeln!(s, "      <data key=\"n_{k}\">{}</data>", xml_escape(v));
            }
            s.push_str("    </node>\n");
        }
        for (i, e) in self.edges.iter().enumerate() {
            let _ = writeln!(
                s,
                "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"><data key=\"e_kind\">{}</data><data key=\"e_weight\">{}</data></edge>",
                xml_escape(&e.from),
                xml_escape(&e.to),
                e.kind,
                e.weight
            );
        }
        s.push_str("  </graph>\n</graphml>\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_quotes_and_markup_out_of_the_syntax() {
        assert_eq!(dot_escape("a\"b\\c"), "a\\\"b\\\\c");
        assert_eq!(
            xml_escape("<a & 'b'>\u{1}"),
            "&lt;a &amp; &apos;b&apos;&gt;"
        );
    }

    #[test]
    fn colour_runs_from_red_through_white_to_green() {
        assert_eq!(colour(-1.0), "#ff0000");
        assert_eq!(colour(0.0), "#ffffff");
        assert_eq!(colour(1.0), "#00ff00");
    }
}
