//! Pictures of a network: DOT and GraphML exports, for graph drawing tools, of one
//! account's network or one project's decision chain.
//!
//! A picture is first built as a [`Drawing`] — nodes and edges with their analysis
//! figures as attributes — and then written in either format, so both formats always
//! carry the same facts. Attributes use the spec's names: `role`, `coach`, `closeness`
//! (C of §4.2), `solution`, `price`, `stance` (s of §4.3), `opinion` (x of §4.6),
//! `influence` (π of §4.4); edges carry their `kind` and `weight` (for ties the decayed
//! closeness c' of §4.1 at the analysis date).
//!
//! In DOT, a person's fill colour shows its propagated stance (red against us, green for
//! us) and an edge's pen width its weight, so the picture reads at a glance.

use crate::analysis::{decay::decayed, Ctx, ProjectAnalysis};
use crate::graph::Snapshot;
use crate::model::{AccountId, Edge, Network, PersonId, ProjectId};
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
    /// Nodes, persons first (by id), then employees (by id).
    pub nodes: Vec<DrawNode>,
    /// Edges, in a deterministic order.
    pub edges: Vec<DrawEdge>,
}

fn fmt6(v: f64) -> String {
    format!("{v:.6}")
}

fn opt6(v: Option<f64>) -> String {
    v.map_or_else(String::new, fmt6)
}

/// Adds the persons' deference edges and the ties of our employees to `persons`.
fn add_edges(d: &mut Drawing, net: &Network, ctx: &Ctx<'_>, persons: &BTreeSet<PersonId>) {
    let pid = |p: PersonId| format!("p:{}", net.persons[p.index()].xid);
    let mut employees = BTreeSet::new();
    for edge in &net.edges {
        match *edge {
            Edge::ReportsTo {
                person,
                manager,
                weight,
            } if persons.contains(&person) && persons.contains(&manager) => {
                d.edges.push(DrawEdge {
                    from: pid(person),
                    to: pid(manager),
                    kind: "reports_to",
                    weight: weight.get(),
                });
            }
            Edge::Influences { from, to, weight }
                if persons.contains(&from) && persons.contains(&to) =>
            {
                d.edges.push(DrawEdge {
                    from: pid(from),
                    to: pid(to),
                    kind: "influences",
                    weight: weight.get(),
                });
            }
            Edge::Tie {
                employee,
                person,
                tie,
            } if persons.contains(&person) => {
                employees.insert((net.employees[employee.index()].xid.as_str(), employee));
                let w = decayed(
                    tie.closeness.get(),
                    tie.last_contact,
                    ctx.as_of,
                    ctx.params.half_life,
                );
                d.edges.push(DrawEdge {
                    from: format!("e:{}", net.employees[employee.index()].xid),
                    to: pid(person),
                    kind: "tie",
                    weight: w,
                });
            }
            _ => {}
        }
    }
    for (xid, e) in employees {
        d.nodes.push(DrawNode {
            id: format!("e:{xid}"),
            label: net.employees[e.index()].name.clone(),
            kind: "employee",
            opinion: None,
            attrs: vec![("xid", xid.to_owned())],
        });
    }
}

/// The decision chain of project `x`: its members with role, coach flag, the three
/// values, stance and propagated opinion; their deference edges; our employees' ties to them.
///
/// `net` must be the network `ctx`'s snapshot was built from (same ids).
pub fn project_drawing(net: &Network, ctx: &Ctx<'_>, analysis: &ProjectAnalysis) -> Drawing {
    let x: ProjectId = analysis.project;
    let snapshot: &Snapshot = ctx.snapshot;
    let project = &net.projects[x.index()];
    let mut d = Drawing {
        title: format!("{} ({}, {})", project.name, project.xid, project.stage),
        ..Drawing::default()
    };
    let mut members: Vec<_> = snapshot.members(x).to_vec();
    members.sort_by(|a, b| {
        net.persons[a.person.index()]
            .xid
            .cmp(&net.persons[b.person.index()].xid)
    });
    let position = |p: PersonId| analysis.opinion.persons.iter().position(|q| *q == p);
    for m in &members {
        let p = m.person;
        let c = ctx.closeness(p);
        let at = position(p);
        let stance = at.map(|i| analysis.opinion.stance[i]);
        let opinion = at.map(|i| analysis.opinion.opinion[i]);
        d.nodes.push(DrawNode {
            id: format!("p:{}", net.persons[p.index()].xid),
            label: net.persons[p.index()].name.clone(),
            kind: "person",
            opinion,
            attrs: vec![
                ("xid", net.persons[p.index()].xid.clone()),
                ("role", m.member.role.to_string()),
                ("coach", m.member.coach.to_string()),
                ("closeness", fmt6(c)),
                ("solution", opt6(m.member.solution.map(f64::from))),
                ("price", opt6(m.member.price.map(f64::from))),
                ("stance", opt6(stance)),
                ("opinion", opt6(opinion)),
            ],
        });
    }
    let persons: BTreeSet<PersonId> = members.iter().map(|m| m.person).collect();
    add_edges(&mut d, net, ctx, &persons);
    d
}

/// The network of account `a`: its persons with closeness and influence (π), their
/// deference edges, and our employees' ties to them.
pub fn account_drawing(net: &Network, ctx: &Ctx<'_>, a: AccountId) -> Drawing {
    let account = &net.accounts[a.index()];
    let mut d = Drawing {
        title: format!("{} ({}, {})", account.name, account.xid, account.kind),
        ..Drawing::default()
    };
    let pi = ctx.account_influence(a);
    let mut persons: Vec<(usize, PersonId)> = ctx
        .snapshot
        .account_persons(a)
        .iter()
        .copied()
        .enumerate()
        .collect();
    persons.sort_by(|x, y| {
        net.persons[x.1.index()]
            .xid
            .cmp(&net.persons[y.1.index()].xid)
    });
    for (i, p) in &persons {
        let person = &net.persons[p.index()];
        d.nodes.push(DrawNode {
            id: format!("p:{}", person.xid),
            label: person.name.clone(),
            kind: "person",
            opinion: Some(2.0 * ctx.closeness(*p) - 1.0),
            attrs: vec![
                ("xid", person.xid.clone()),
                ("title", person.title.clone().unwrap_or_default()),
                ("closeness", fmt6(ctx.closeness(*p))),
                ("influence", fmt6(pi.get(*i).copied().unwrap_or(0.0))),
            ],
        });
    }
    let set: BTreeSet<PersonId> = persons.iter().map(|(_, p)| *p).collect();
    add_edges(&mut d, net, ctx, &set);
    d
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
            let fill = n.opinion.map_or_else(|| "#dde6f7".to_owned(), colour);
            let mut label = n.label.clone();
            for (k, v) in &n.attrs {
                if matches!(*k, "role" | "opinion" | "closeness" | "influence") && !v.is_empty() {
                    let _ = write!(label, "\n{k} {v}");
                }
            }
            let _ = write!(
                s,
                "  \"{}\" [label=\"{}\", shape={shape}, fillcolor=\"{fill}\"",
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
