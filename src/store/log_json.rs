//! The JSON form of the change log: [`LogEntry`], [`LogPage`] and [`Change`] serialise
//! with every node named by kind, store id *and* external id, every kind and enum in
//! `snake_case` as in the CSV (`works_at`, `decision_maker`), dates as `YYYY-MM-DD` — and
//! deserialise back to the same values.
//!
//! ```json
//! {"seq": 18, "commit": 4, "time": 400,
//!  "change": {"op": "remove_edge",
//!             "edge": {"kind": "reports_to",
//!                      "from": {"kind": "person", "id": 0, "xid": "p1"},
//!                      "to": {"kind": "person", "id": 1, "xid": "p2"}},
//!             "before": {"weight": 0.8}}}
//! ```
//!
//! A change's `op` is one of `upsert_node`, `remove_node`, `put_edge`, `remove_edge`,
//! `put_interaction`, `remove_interaction`; `before` is `null` where the change added
//! something (and in entries of files older than format 3). A node record holds the
//! fields of its type besides the external id, which is the node's (`name`, and `kind`
//! for an account, `title` for a person, `left` for an employee, `stage` and `amount` for
//! a project); an edge's attributes the fields of its kind (`since`/`until`/`title`,
//! `weight`, `closeness`/`last_contact`/`private`, `role`/`coach`/`solution`/`price`).
//! An `xid` is `null` only for a removed node of a file of format 1 or 2 not yet
//! upgraded.
//!
//! The model's own types keep their compact serde form for storage; these mirror types
//! exist so that the wire form reads like the rest of the project's JSON.

use super::interaction::InteractionId;
use super::log::{Change, LogEntry, LogPage, Xids};
use crate::model::{
    Account, AccountKind, Amount, Day, Edge, EdgeAttrs, EdgeKey, EdgeKind, Employee, Employment,
    Interaction, InteractionKind, Member, Node, NodeKind, NodeRef, Person, Project, Role, Score,
    Stage, Tie,
};
use crate::model::{EmployeeId, PersonId, ProjectId};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;

/// Days as `YYYY-MM-DD`.
mod date {
    use crate::model::Day;
    use serde::{Deserialize, Deserializer, Serializer};

    #[expect(
        clippy::ref_option,
        clippy::trivially_copy_pass_by_ref,
        reason = "the signature serde's `with` expects"
    )]
    pub(super) fn serialize<S: Serializer>(d: &Option<Day>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Day>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A node: kind, store id, external id.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct NodeJson {
    kind: String,
    id: u32,
    xid: Option<String>,
}

/// A node record without its external id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct RecordJson {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<AccountKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, with = "date", skip_serializing_if = "Option::is_none")]
    left: Option<Day>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stage: Option<Stage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<Amount>,
}

/// An edge's ends, and its attributes where the change has them.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EdgeJson {
    kind: String,
    from: NodeJson,
    to: NodeJson,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attrs: Option<AttrsJson>,
}

/// The attributes of an edge of any kind: the fields of its kind are set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct AttrsJson {
    #[serde(default, with = "date", skip_serializing_if = "Option::is_none")]
    since: Option<Day>,
    #[serde(default, with = "date", skip_serializing_if = "Option::is_none")]
    until: Option<Day>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weight: Option<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closeness: Option<Score>,
    #[serde(default, with = "date", skip_serializing_if = "Option::is_none")]
    last_contact: Option<Day>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    private: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    coach: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    solution: Option<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    price: Option<Score>,
}

/// An interaction with its ends named.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct InteractionJson {
    employee: NodeJson,
    person: NodeJson,
    #[serde(with = "date")]
    date: Option<Day>,
    kind: InteractionKind,
    project: Option<NodeJson>,
}

/// A change.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum ChangeJson {
    UpsertNode {
        node: NodeJson,
        record: RecordJson,
        before: Option<RecordJson>,
    },
    RemoveNode {
        node: NodeJson,
        before: Option<RecordJson>,
    },
    PutEdge {
        edge: EdgeJson,
        before: Option<AttrsJson>,
    },
    RemoveEdge {
        edge: EdgeJson,
        before: Option<AttrsJson>,
    },
    PutInteraction {
        id: u64,
        interaction: InteractionJson,
        before: Option<InteractionJson>,
    },
    RemoveInteraction {
        id: u64,
        before: Option<InteractionJson>,
    },
}

/// A log entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EntryJson {
    seq: u64,
    commit: u64,
    time: i64,
    change: ChangeJson,
}

// ----- To JSON -----

fn node_json(n: NodeRef, xids: &Xids) -> NodeJson {
    NodeJson {
        kind: n.kind.as_str().to_owned(),
        id: n.id,
        xid: xids.get(n).map(str::to_owned),
    }
}

fn record_json(node: &Node) -> RecordJson {
    match node {
        Node::Account(a) => RecordJson {
            name: a.name.clone(),
            kind: Some(a.kind),
            ..RecordJson::default()
        },
        Node::Person(p) => RecordJson {
            name: p.name.clone(),
            title: p.title.clone(),
            ..RecordJson::default()
        },
        Node::Employee(e) => RecordJson {
            name: e.name.clone(),
            left: e.left,
            ..RecordJson::default()
        },
        Node::Project(x) => RecordJson {
            name: x.name.clone(),
            stage: Some(x.stage),
            amount: Some(x.amount),
            ..RecordJson::default()
        },
    }
}

fn attrs_json(attrs: &EdgeAttrs) -> AttrsJson {
    match attrs {
        EdgeAttrs::None => AttrsJson::default(),
        EdgeAttrs::Score(s) => AttrsJson {
            weight: Some(*s),
            ..AttrsJson::default()
        },
        EdgeAttrs::Tie(t) => AttrsJson {
            closeness: Some(t.closeness),
            last_contact: t.last_contact,
            private: Some(t.private),
            ..AttrsJson::default()
        },
        EdgeAttrs::Member(m) => AttrsJson {
            role: Some(m.role),
            coach: Some(m.coach),
            solution: m.solution,
            price: m.price,
            ..AttrsJson::default()
        },
        EdgeAttrs::Employment(e) => AttrsJson {
            since: e.since,
            until: e.until,
            title: e.title.clone(),
            ..AttrsJson::default()
        },
    }
}

/// The attributes of an edge as JSON: a rival tie's score is its closeness, the other
/// scores are weights.
fn edge_attrs_json(kind: EdgeKind, attrs: &EdgeAttrs) -> AttrsJson {
    let mut j = attrs_json(attrs);
    if kind == EdgeKind::RivalTie {
        j.closeness = j.weight.take();
    }
    j
}

fn edge_json(key: EdgeKey, attrs: Option<&EdgeAttrs>, xids: &Xids) -> EdgeJson {
    EdgeJson {
        kind: key.kind.as_str().to_owned(),
        from: node_json(key.from, xids),
        to: node_json(key.to, xids),
        attrs: attrs.map(|a| edge_attrs_json(key.kind, a)),
    }
}

fn interaction_json(i: &Interaction, xids: &Xids) -> InteractionJson {
    InteractionJson {
        employee: node_json(i.employee.into(), xids),
        person: node_json(i.person.into(), xids),
        date: Some(i.date),
        kind: i.kind,
        project: i.project.map(|x| node_json(x.into(), xids)),
    }
}

/// A node with its record at hand: named by the record if the entry does not name it.
fn named_node_json(n: NodeRef, record: Option<&Node>, xids: &Xids) -> NodeJson {
    let mut j = node_json(n, xids);
    if j.xid.is_none() {
        j.xid = record.map(|r| r.xid().to_owned());
    }
    j
}

fn change_json(change: &Change, xids: &Xids) -> ChangeJson {
    match change {
        Change::UpsertNode {
            node,
            record,
            before,
        } => ChangeJson::UpsertNode {
            node: named_node_json(*node, Some(record), xids),
            record: record_json(record),
            before: before.as_ref().map(record_json),
        },
        Change::RemoveNode { node, before } => ChangeJson::RemoveNode {
            node: named_node_json(*node, before.as_ref(), xids),
            before: before.as_ref().map(record_json),
        },
        Change::PutEdge { edge, before } => ChangeJson::PutEdge {
            edge: edge_json(edge.key(), Some(&edge.attrs()), xids),
            before: before
                .as_ref()
                .map(|b| edge_attrs_json(b.kind(), &b.attrs())),
        },
        Change::RemoveEdge { key, before } => ChangeJson::RemoveEdge {
            edge: edge_json(*key, None, xids),
            before: before
                .as_ref()
                .map(|b| edge_attrs_json(b.kind(), &b.attrs())),
        },
        Change::PutInteraction {
            id,
            interaction,
            before,
        } => ChangeJson::PutInteraction {
            id: id.0,
            interaction: interaction_json(interaction, xids),
            before: before.as_ref().map(|b| interaction_json(b, xids)),
        },
        Change::RemoveInteraction { id, before } => ChangeJson::RemoveInteraction {
            id: id.0,
            before: before.as_ref().map(|b| interaction_json(b, xids)),
        },
    }
}

impl Serialize for LogEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EntryJson {
            seq: self.seq,
            commit: self.commit,
            time: self.time,
            change: change_json(&self.change, &self.xids),
        }
        .serialize(s)
    }
}

impl Serialize for Change {
    /// A change alone names its nodes by kind and store id (its entry knows their
    /// external ids: serialise the [`LogEntry`] for those).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        change_json(self, &Xids::default()).serialize(s)
    }
}

// ----- From JSON -----

type Names = HashMap<NodeRef, String>;

fn node_from(j: NodeJson, names: &mut Names) -> Result<NodeRef, String> {
    let kind = NodeKind::ALL
        .into_iter()
        .find(|k| k.as_str() == j.kind)
        .ok_or_else(|| format!("unknown node kind {:?}", j.kind))?;
    let n = NodeRef::new(kind, j.id);
    if let Some(x) = j.xid {
        names.insert(n, x);
    }
    Ok(n)
}

fn record_from(node: NodeRef, j: RecordJson, names: &Names) -> Result<Node, String> {
    let xid = names.get(&node).cloned().unwrap_or_default();
    let missing = |f: &str| format!("a {} record needs {f}", node.kind);
    Ok(match node.kind {
        NodeKind::Account => Node::Account(Account {
            xid,
            name: j.name,
            kind: j.kind.ok_or_else(|| missing("kind"))?,
        }),
        NodeKind::Person => Node::Person(Person {
            xid,
            name: j.name,
            title: j.title,
        }),
        NodeKind::Employee => Node::Employee(Employee {
            xid,
            name: j.name,
            left: j.left,
        }),
        NodeKind::Project => Node::Project(Project {
            xid,
            name: j.name,
            stage: j.stage.ok_or_else(|| missing("stage"))?,
            amount: j.amount.ok_or_else(|| missing("amount"))?,
        }),
    })
}

fn attrs_from(kind: EdgeKind, j: AttrsJson) -> Result<EdgeAttrs, String> {
    let missing = |f: &str| format!("a {kind} edge needs {f}");
    Ok(match kind {
        EdgeKind::WorksAt => EdgeAttrs::Employment(Employment {
            since: j.since,
            until: j.until,
            title: j.title,
        }),
        EdgeKind::ReportsTo | EdgeKind::Influences => {
            EdgeAttrs::Score(j.weight.ok_or_else(|| missing("weight"))?)
        }
        EdgeKind::RivalTie => EdgeAttrs::Score(j.closeness.ok_or_else(|| missing("closeness"))?),
        EdgeKind::Tie => EdgeAttrs::Tie(Tie {
            closeness: j.closeness.ok_or_else(|| missing("closeness"))?,
            last_contact: j.last_contact,
            private: j.private.unwrap_or(false),
        }),
        EdgeKind::Member => EdgeAttrs::Member(Member {
            role: j.role.ok_or_else(|| missing("role"))?,
            coach: j.coach.unwrap_or(false),
            solution: j.solution,
            price: j.price,
        }),
        EdgeKind::Owns | EdgeKind::Competes | EdgeKind::Of => EdgeAttrs::None,
    })
}

fn edge_from(j: EdgeJson, names: &mut Names) -> Result<(EdgeKey, Option<AttrsJson>), String> {
    let kind = EdgeKind::ALL
        .into_iter()
        .find(|k| k.as_str() == j.kind)
        .ok_or_else(|| format!("unknown edge kind {:?}", j.kind))?;
    let key = EdgeKey {
        kind,
        from: node_from(j.from, names)?,
        to: node_from(j.to, names)?,
    };
    if key.from.kind != kind.from_kind() || !kind.allows_to(key.to.kind) {
        return Err(format!(
            "a {kind} edge cannot join {} and {}",
            key.from, key.to
        ));
    }
    Ok((key, j.attrs))
}

fn full_edge(key: EdgeKey, attrs: AttrsJson) -> Result<Edge, String> {
    Edge::from_parts(key, attrs_from(key.kind, attrs)?)
        .ok_or_else(|| format!("attributes that do not fit a {} edge", key.kind))
}

fn interaction_from(j: InteractionJson, names: &mut Names) -> Result<Interaction, String> {
    let typed = |n: NodeRef, kind: NodeKind| {
        if n.kind == kind {
            Ok(n.id)
        } else {
            Err(format!("an interaction's {kind} cannot be a {}", n.kind))
        }
    };
    Ok(Interaction {
        employee: EmployeeId(typed(node_from(j.employee, names)?, NodeKind::Employee)?),
        person: PersonId(typed(node_from(j.person, names)?, NodeKind::Person)?),
        date: j.date.ok_or("an interaction needs a date")?,
        kind: j.kind,
        project: match j.project {
            Some(x) => Some(ProjectId(typed(node_from(x, names)?, NodeKind::Project)?)),
            None => None,
        },
    })
}

fn change_from(j: ChangeJson, names: &mut Names) -> Result<Change, String> {
    Ok(match j {
        ChangeJson::UpsertNode {
            node,
            record,
            before,
        } => {
            let node = node_from(node, names)?;
            Change::UpsertNode {
                node,
                record: record_from(node, record, names)?,
                before: before.map(|b| record_from(node, b, names)).transpose()?,
            }
        }
        ChangeJson::RemoveNode { node, before } => {
            let node = node_from(node, names)?;
            Change::RemoveNode {
                node,
                before: before.map(|b| record_from(node, b, names)).transpose()?,
            }
        }
        ChangeJson::PutEdge { edge, before } => {
            let (key, attrs) = edge_from(edge, names)?;
            Change::PutEdge {
                edge: full_edge(key, attrs.ok_or("a put_edge needs the edge's attrs")?)?,
                before: before.map(|b| full_edge(key, b)).transpose()?,
            }
        }
        ChangeJson::RemoveEdge { edge, before } => {
            let (key, _) = edge_from(edge, names)?;
            Change::RemoveEdge {
                key,
                before: before.map(|b| full_edge(key, b)).transpose()?,
            }
        }
        ChangeJson::PutInteraction {
            id,
            interaction,
            before,
        } => Change::PutInteraction {
            id: InteractionId(id),
            interaction: interaction_from(interaction, names)?,
            before: before.map(|b| interaction_from(b, names)).transpose()?,
        },
        ChangeJson::RemoveInteraction { id, before } => Change::RemoveInteraction {
            id: InteractionId(id),
            before: before.map(|b| interaction_from(b, names)).transpose()?,
        },
    })
}

impl<'de> Deserialize<'de> for LogEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = EntryJson::deserialize(d)?;
        let mut names = Names::new();
        let change = change_from(j.change, &mut names).map_err(D::Error::custom)?;
        let mut nodes = Vec::new();
        change.nodes(&mut nodes);
        let xids = nodes
            .into_iter()
            .filter_map(|n| names.get(&n).map(|x| (n, x.clone())))
            .collect();
        Ok(LogEntry {
            seq: j.seq,
            commit: j.commit,
            time: j.time,
            change,
            xids: Xids(xids),
        })
    }
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = ChangeJson::deserialize(d)?;
        change_from(j, &mut Names::new()).map_err(D::Error::custom)
    }
}

impl Serialize for LogPage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct PageJson<'a> {
            entries: &'a [LogEntry],
            next: u64,
            head: u64,
        }
        PageJson {
            entries: &self.entries,
            next: self.next,
            head: self.head,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for LogPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct PageJson {
            entries: Vec<LogEntry>,
            next: u64,
            head: u64,
        }
        let j = PageJson::deserialize(d)?;
        Ok(LogPage {
            entries: j.entries,
            next: j.next,
            head: j.head,
        })
    }
}
