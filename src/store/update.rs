//! Partial updates and a person's move between accounts: the writes a CRM makes event by
//! event, without rebuilding whole records.
//!
//! Each call reads the record it changes in the transaction, changes one thing, and
//! writes it back through the same path as an upsert or a put — so it is validated by the
//! same rules (a name over its cap, a period that ends before it begins, an overlap) and
//! logged the same way, with the record it replaced. A call on a node or edge that does
//! not exist is a typed error naming it ([`StoreError::UnknownNode`],
//! [`StoreError::UnknownEdge`]) and, like every refused change, poisons the transaction.

use super::error::{Result, StoreError};
use super::log::NodeView;
use super::read::Read;
use super::transaction::{edge_label, node_label, WriteTxn};
use crate::model::{
    AccountId, Amount, Day, Edge, EdgeKey, EdgeKind, Employee, EmployeeId, Employment, Member,
    Node, NodeRef, Person, PersonId, Project, ProjectId, Role, Score, Stage, Tie,
};
use serde::ser::{Serialize, SerializeStruct as _, Serializer};
use std::fmt;

/// How [`WriteTxn::move_person`] treats the person's ties to the old account's people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoveOptions {
    /// The job title of the new period.
    pub title: Option<String>,
    /// Remove the person's `reports_to` edges, both ways (their managers and their
    /// reports): an org chart rarely survives a change of employer. Kept by default, and
    /// then listed in [`Move::attention`].
    pub drop_reporting: bool,
    /// Remove the person's influences edges, both ways. Kept by default (influence often
    /// survives a move), and then listed in [`Move::attention`].
    pub drop_influence: bool,
}

/// What [`WriteTxn::move_person`] did, and what it left for the caller to decide.
///
/// Displays as one line for the move and one per dropped edge and point of attention
/// (see the example on [`WriteTxn::move_person`]). Serialises naming every node by
/// external id, dates as `YYYY-MM-DD` and kinds and roles in `snake_case` as in the CSV
/// — what a backend hands on to its own clients:
///
/// ```json
/// {"person": "P1", "from": "A", "to": "B", "on": "2025-06-01",
///  "closed": {"since": null, "until": "2025-06-01", "title": null},
///  "opened": {"since": "2025-06-01", "until": null, "title": "CTO"},
///  "dropped": [{"kind": "reports_to", "from": "P1", "to": "P0", "weight": 0.8}],
///  "attention": [{"kind": "still_in_chain", "project": "X1", "role": "approver", "coach": true},
///                {"kind": "influence_kept", "from": "P1", "to": "P2"}]}
/// ```
///
/// `from` and `closed` are `null` for a person who worked nowhere on the day (who just
/// joined `to`).
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// The person.
    pub person: PersonId,
    /// The person's external id.
    pub person_xid: String,
    /// The account whose period was closed, if the person worked somewhere on the day of
    /// the move.
    pub from: Option<AccountId>,
    /// That account's external id.
    pub from_xid: Option<String>,
    /// That period as it now is (it ends on the day of the move).
    pub closed: Option<Employment>,
    /// The new account.
    pub to: AccountId,
    /// Its external id.
    pub to_xid: String,
    /// The new period (it begins on the day of the move).
    pub opened: Employment,
    /// The edges removed as [`MoveOptions`] asked, in key order.
    pub dropped: Vec<Dropped>,
    /// What still ties the person to where they were: decision-chain memberships at the
    /// old account's projects (never removed by the move: §8.2 lists such members as the
    /// project's `left`, the classic stale chain), and the reporting and influence edges
    /// kept. In key order of the edges.
    pub attention: Vec<Attention>,
}

/// An edge that [`WriteTxn::move_person`] removed as [`MoveOptions`] asked: a
/// `reports_to` or influences edge of the person, with its ends' external ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    /// The edge as it was, weight included.
    pub edge: Edge,
    /// The external id of its start (the one who reports, or the influencer).
    pub from_xid: String,
    /// The external id of its end (the manager, or the influenced).
    pub to_xid: String,
}

impl fmt::Display for Dropped {
    /// `reports_to "p1" → "p2"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?} → {:?}",
            self.edge.kind(),
            self.from_xid,
            self.to_xid
        )
    }
}

/// One thing a [`Move`] left for the caller to decide. Serialises as an object whose
/// `kind` is `still_in_chain` (with `project`, `role`, `coach`), `reporting_kept` (with
/// `person`, `manager`) or `influence_kept` (with `from`, `to`), nodes by external id.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Attention {
    /// The person is still in the decision chain of a project of the old account.
    StillInChain {
        /// The project.
        project: ProjectId,
        /// Its external id.
        project_xid: String,
        /// The person's place in the chain.
        role: Role,
        /// Whether the person is our coach there.
        coach: bool,
    },
    /// A reporting line of the person was kept: `person` reports to `manager`.
    ReportingKept {
        /// The one who reports.
        person_xid: String,
        /// The manager.
        manager_xid: String,
        /// The edge.
        edge: EdgeKey,
    },
    /// An influences edge of the person was kept: `from` influences `to`.
    InfluenceKept {
        /// The influencer.
        from_xid: String,
        /// The influenced.
        to_xid: String,
        /// The edge.
        edge: EdgeKey,
    },
}

impl fmt::Display for Attention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Attention::StillInChain {
                project_xid,
                role,
                coach,
                ..
            } => {
                let coach = if *coach { ", our coach" } else { "" };
                write!(
                    f,
                    "still in the decision chain of project {project_xid:?} at the old account ({role}{coach})"
                )
            }
            Attention::ReportingKept {
                person_xid,
                manager_xid,
                ..
            } => write!(
                f,
                "reporting line kept: {person_xid:?} reports to {manager_xid:?}"
            ),
            Attention::InfluenceKept {
                from_xid, to_xid, ..
            } => write!(f, "influence kept: {from_xid:?} influences {to_xid:?}"),
        }
    }
}

impl fmt::Display for Move {
    /// `person "p1" moved from account "A" to account "B" on 2025-06-01`, then one line
    /// per dropped edge and per point of attention.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = self.opened.since.map(|d| d.to_string()).unwrap_or_default();
        match &self.from_xid {
            Some(from) => write!(
                f,
                "person {:?} moved from account {from:?} to account {:?} on {on}",
                self.person_xid, self.to_xid
            )?,
            None => write!(
                f,
                "person {:?} joined account {:?} on {on}",
                self.person_xid, self.to_xid
            )?,
        }
        for d in &self.dropped {
            write!(f, "\n  removed {d}")?;
        }
        for a in &self.attention {
            write!(f, "\n  {a}")?;
        }
        Ok(())
    }
}

/// A dropped edge in a [`Move`]'s JSON.
#[derive(serde::Serialize)]
struct DroppedJson<'a> {
    kind: &'static str,
    from: &'a str,
    to: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<f64>,
}

impl Serialize for Dropped {
    /// `{"kind": "reports_to", "from": "p1", "to": "p2", "weight": 0.8}`.
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let weight = match &self.edge {
            Edge::ReportsTo { weight, .. } | Edge::Influences { weight, .. } => Some(weight.get()),
            _ => None,
        };
        DroppedJson {
            kind: self.edge.kind().as_str(),
            from: &self.from_xid,
            to: &self.to_xid,
            weight,
        }
        .serialize(s)
    }
}

/// An [`Attention`] in JSON: tagged by `kind`, nodes by external id.
#[derive(serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum AttentionJson<'a> {
    StillInChain {
        project: &'a str,
        role: Role,
        coach: bool,
    },
    ReportingKept {
        person: &'a str,
        manager: &'a str,
    },
    InfluenceKept {
        from: &'a str,
        to: &'a str,
    },
}

impl Serialize for Attention {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Attention::StillInChain {
                project_xid,
                role,
                coach,
                ..
            } => AttentionJson::StillInChain {
                project: project_xid,
                role: *role,
                coach: *coach,
            },
            Attention::ReportingKept {
                person_xid,
                manager_xid,
                ..
            } => AttentionJson::ReportingKept {
                person: person_xid,
                manager: manager_xid,
            },
            Attention::InfluenceKept {
                from_xid, to_xid, ..
            } => AttentionJson::InfluenceKept {
                from: from_xid,
                to: to_xid,
            },
        }
        .serialize(s)
    }
}

impl Serialize for Move {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Move", 8)?;
        m.serialize_field("person", &self.person_xid)?;
        m.serialize_field("from", &self.from_xid)?;
        m.serialize_field("to", &self.to_xid)?;
        m.serialize_field("on", &self.opened.since)?;
        m.serialize_field("closed", &self.closed)?;
        m.serialize_field("opened", &self.opened)?;
        m.serialize_field("dropped", &self.dropped)?;
        m.serialize_field("attention", &self.attention)?;
        m.end()
    }
}

/// A record of another kind than its reference says: damage.
fn wrong_kind(node: NodeRef) -> StoreError {
    StoreError::Corrupt {
        what: format!("{node} record"),
        reason: "it is a record of another node type".to_owned(),
    }
}

impl WriteTxn {
    /// Records a contact between `employee` and `person` on day `on`: the tie's last
    /// contact becomes `on` (unless it already is later — a contact logged late never
    /// moves it back), and its closeness becomes `closeness` if one is given. Returns the
    /// tie as it now is.
    ///
    /// Without a tie, one is created (not private) when a closeness is given: the
    /// closeness is an assessment, which the store does not invent; without one the call
    /// is refused with [`StoreError::UnknownEdge`]. (A contact is also evidence in its
    /// own right: record it with [`add_interaction`](WriteTxn::add_interaction) too, and
    /// §8.1's effective closeness counts it.)
    ///
    /// ```
    /// use guanxi::model::*;
    /// use guanxi::store::{Database, Read};
    ///
    /// let db = Database::in_memory()?;
    /// let day = |s: &str| s.parse::<Day>().unwrap();
    /// let tie = db.write(1, |t| {
    ///     let e = t.upsert_employee(Employee { xid: "E1".into(), name: "Zhang".into(), left: None })?;
    ///     let p = t.upsert_person(Person { xid: "P1".into(), name: "Li".into(), title: None })?;
    ///     t.record_contact(e, p, day("2025-05-01"), Some(Score::new(0.6).unwrap()))?; // creates it
    ///     t.record_contact(e, p, day("2025-06-02"), None)?;
    ///     t.record_contact(e, p, day("2025-04-01"), None) // logged late: last contact stays
    /// })?;
    /// assert_eq!(tie.last_contact, Some(day("2025-06-02")));
    /// assert_eq!(tie.closeness.get(), 0.6);
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    pub fn record_contact(
        &mut self,
        employee: EmployeeId,
        person: PersonId,
        on: Day,
        closeness: Option<Score>,
    ) -> Result<Tie> {
        self.guarded(|w| {
            let key = EdgeKey {
                kind: EdgeKind::Tie,
                from: employee.into(),
                to: person.into(),
            };
            let tie = match w.edge(key)? {
                Some(Edge::Tie { tie, .. }) => Tie {
                    closeness: closeness.unwrap_or(tie.closeness),
                    last_contact: Some(tie.last_contact.map_or(on, |d| d.max(on))),
                    private: tie.private,
                },
                _ => match closeness {
                    Some(closeness) => Tie {
                        closeness,
                        last_contact: Some(on),
                        private: false,
                    },
                    None => {
                        return Err(StoreError::UnknownEdge {
                            edge: edge_label(&w.txn, key),
                            hint: "give a closeness to create the tie",
                        })
                    }
                },
            };
            w.put_edge(Edge::Tie {
                employee,
                person,
                tie,
            })?;
            Ok(tie)
        })
    }

    /// Sets a project's stage; returns the project as it now is.
    pub fn set_stage(&mut self, project: ProjectId, stage: Stage) -> Result<Project> {
        self.update_project(project, |x| x.stage = stage)
    }

    /// Sets a project's amount; returns the project as it now is.
    pub fn set_amount(&mut self, project: ProjectId, amount: Amount) -> Result<Project> {
        self.update_project(project, |x| x.amount = amount)
    }

    /// Sets a person's role in a project's decision chain; returns the membership as it
    /// now is. [`StoreError::UnknownEdge`] if the person is not in the chain.
    pub fn set_role(&mut self, person: PersonId, project: ProjectId, role: Role) -> Result<Member> {
        self.update_member(person, project, |m| m.role = role)
    }

    /// Sets whether a chain member is our coach.
    pub fn set_coach(
        &mut self,
        person: PersonId,
        project: ProjectId,
        coach: bool,
    ) -> Result<Member> {
        self.update_member(person, project, |m| m.coach = coach)
    }

    /// Sets a chain member's solution and price acceptance (`None`: unknown).
    pub fn set_acceptance(
        &mut self,
        person: PersonId,
        project: ProjectId,
        solution: Option<Score>,
        price: Option<Score>,
    ) -> Result<Member> {
        self.update_member(person, project, |m| {
            m.solution = solution;
            m.price = price;
        })
    }

    /// Changes a chain membership in place (role, coach flag, acceptances, all typed and
    /// valid by construction); returns it as it now is. [`StoreError::UnknownEdge`] if
    /// the person is not in the project's chain.
    pub fn update_member(
        &mut self,
        person: PersonId,
        project: ProjectId,
        f: impl FnOnce(&mut Member),
    ) -> Result<Member> {
        self.guarded(|w| {
            let key = EdgeKey {
                kind: EdgeKind::Member,
                from: person.into(),
                to: project.into(),
            };
            let Some(Edge::Member { mut member, .. }) = w.edge(key)? else {
                return Err(StoreError::UnknownEdge {
                    edge: edge_label(&w.txn, key),
                    hint: "add the person to the chain first (add_edge)",
                });
            };
            f(&mut member);
            w.put_edge(Edge::Member {
                person,
                project,
                member,
            })?;
            Ok(member)
        })
    }

    /// Renames a node of any type (the external id stays: it is the node's identity).
    /// Validated like an upsert (a name over its cap is refused).
    pub fn rename(&mut self, node: NodeRef, name: &str) -> Result<Node> {
        self.update_node(node, |n| match n {
            Node::Account(a) => name.clone_into(&mut a.name),
            Node::Person(p) => name.clone_into(&mut p.name),
            Node::Employee(e) => name.clone_into(&mut e.name),
            Node::Project(x) => name.clone_into(&mut x.name),
        })
    }

    /// Sets a person's title (`None`: unknown).
    pub fn set_title(&mut self, person: PersonId, title: Option<String>) -> Result<Person> {
        match self.update_node(person.into(), |n| {
            if let Node::Person(p) = n {
                p.title = title;
            }
        })? {
            Node::Person(p) => Ok(p),
            _ => Err(wrong_kind(person.into())),
        }
    }

    /// Sets the day an employee leaves (§8.3: on and after it the employee is gone), or
    /// clears it with `None`. Returns the employee as it now is.
    ///
    /// Nothing is removed: the employee's ties stay recorded, and every analysis at an
    /// earlier date still counts them. Before setting it,
    /// [`departure_impact`](crate::analysis::departure_impact) says what the departure
    /// will cost; after it, [`departed_employees`](crate::analysis::departed_employees)
    /// lists the persons no one else still reaches.
    ///
    /// ```
    /// use guanxi::analysis::{departed_employees, Params};
    /// use guanxi::graph::Snapshot;
    /// use guanxi::model::*;
    /// use guanxi::store::Database;
    ///
    /// let db = Database::in_memory()?;
    /// let day = |s: &str| s.parse::<Day>().unwrap();
    /// let tie = Tie { closeness: Score::new(0.7).unwrap(), last_contact: None, private: false };
    /// let sun = db.write(1, |t| {
    ///     let sun = t.create_employee(Employee { xid: "E1".into(), name: "Sun".into(), left: None })?;
    ///     let li = t.create_person(Person { xid: "P1".into(), name: "Li".into(), title: None })?;
    ///     t.add_edge(Edge::Tie { employee: sun, person: li, tie })?;
    ///     Ok(sun)
    /// })?;
    /// db.write(2, |t| t.set_left(sun, Some(day("2025-06-20"))))?;
    /// let snapshot = Snapshot::load(&db.begin_read()?)?;
    /// let params = Params::default();
    /// assert!(departed_employees(&snapshot, &params, day("2025-06-19")).is_empty());
    /// let gone = departed_employees(&snapshot, &params, day("2025-06-20")); // gone that day
    /// assert_eq!((gone[0].employee.xid.as_ref(), gone[0].orphans[0].xid.as_ref()), ("E1", "P1"));
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    pub fn set_left(&mut self, employee: EmployeeId, left: Option<Day>) -> Result<Employee> {
        match self.update_node(employee.into(), |n| {
            if let Node::Employee(e) = n {
                e.left = left;
            }
        })? {
            Node::Employee(e) => Ok(e),
            _ => Err(wrong_kind(employee.into())),
        }
    }

    fn update_project(
        &mut self,
        project: ProjectId,
        f: impl FnOnce(&mut Project),
    ) -> Result<Project> {
        match self.update_node(project.into(), |n| {
            if let Node::Project(x) = n {
                f(x);
            }
        })? {
            Node::Project(x) => Ok(x),
            _ => Err(wrong_kind(project.into())),
        }
    }

    /// Reads a node's record, changes it with `f` and writes it back (an upsert under the
    /// same external id, logged with the record it replaced); returns the new record.
    fn update_node(&mut self, node: NodeRef, f: impl FnOnce(&mut Node)) -> Result<Node> {
        self.guarded(|w| {
            let Some(mut record) = w.node(node)? else {
                return Err(StoreError::UnknownNode(node_label(&w.txn, node)));
            };
            f(&mut record);
            w.write_node(NodeView::of(&record), false)?;
            Ok(record)
        })
    }

    /// Moves a person to another account on day `on`, in one call: the period in effect
    /// on `on` is closed (its `until` becomes `on`) and a new one at `to` opens
    /// (`since` = `on`, no end, the title of `options`). Periods are half-open, so the
    /// person works at the old account until the day before and at the new one from
    /// `on`. A person who works nowhere on `on` just joins `to`.
    ///
    /// The reporting and influence edges are removed if `options` asks, else kept; either
    /// way the result lists, for the caller to decide, what still ties the person to the
    /// old account: every membership of the decision chain of a project of the old
    /// account ([`Attention::StillInChain`] — never removed here: §8.2 reports such
    /// members as the project's `left`), and each reporting or influence edge kept.
    ///
    /// Refused (typed, nothing written, the transaction poisoned) as the periods rules
    /// say: a person who already works at `to` on `on` or has a period there
    /// ([`StoreError::PeriodExists`]: one period per person and account), a period that
    /// began on `on` itself (closing it would leave it empty), a later period that the
    /// open-ended new one would overlap; and an unknown person or account.
    ///
    /// ```
    /// use guanxi::model::*;
    /// use guanxi::store::{Attention, Database, MoveOptions, Read};
    ///
    /// let db = Database::in_memory()?;
    /// let day = |s: &str| s.parse::<Day>().unwrap();
    /// let (p, x) = db.write(1, |t| {
    ///     let a = t.upsert_account(Account { xid: "A".into(), name: "Acme".into(), kind: AccountKind::Client })?;
    ///     t.upsert_account(Account { xid: "B".into(), name: "Bolt".into(), kind: AccountKind::Client })?;
    ///     let p = t.upsert_person(Person { xid: "P1".into(), name: "Li".into(), title: None })?;
    ///     let x = t.upsert_project(Project { xid: "X1".into(), name: "ERP".into(), stage: Stage::Pursuit, amount: Amount::new(1e5).unwrap() })?;
    ///     t.add_edge(Edge::WorksAt { person: p, account: a, employment: Employment::default() })?;
    ///     t.add_edge(Edge::Of { project: x, account: a })?;
    ///     t.add_edge(Edge::Member { person: p, project: x, member: Member { role: Role::Approver, coach: true, solution: None, price: None } })?;
    ///     Ok((p, x))
    /// })?;
    /// let moved = db.write(2, |t| {
    ///     let b = t.account_by_xid("B")?.unwrap();
    ///     t.move_person(p, b, day("2025-06-01"), &MoveOptions::default())
    /// })?;
    /// assert_eq!(moved.closed.as_ref().unwrap().until, Some(day("2025-06-01")));
    /// assert!(matches!(&moved.attention[..], [Attention::StillInChain { project, .. }] if *project == x));
    /// assert_eq!(moved.to_string(), "person \"P1\" moved from account \"A\" to account \"B\" on 2025-06-01\n  still in the decision chain of project \"X1\" at the old account (approver, our coach)");
    /// # Ok::<(), guanxi::store::StoreError>(())
    /// ```
    pub fn move_person(
        &mut self,
        person: PersonId,
        to: AccountId,
        on: Day,
        options: &MoveOptions,
    ) -> Result<Move> {
        self.guarded(|w| w.move_core(person, to, on, options))
    }

    fn move_core(
        &mut self,
        person: PersonId,
        to: AccountId,
        on: Day,
        options: &MoveOptions,
    ) -> Result<Move> {
        let Some(record) = self.person(person)? else {
            return Err(StoreError::UnknownNode(node_label(
                &self.txn,
                person.into(),
            )));
        };
        let Some(target) = self.account(to)? else {
            return Err(StoreError::UnknownNode(node_label(&self.txn, to.into())));
        };
        let periods = self.edges_out(person.into(), EdgeKind::WorksAt)?;
        let mut current: Option<(AccountId, Employment)> = None;
        for e in &periods {
            let Edge::WorksAt {
                account,
                employment,
                ..
            } = e
            else {
                continue;
            };
            if *account == to {
                return Err(StoreError::PeriodExists {
                    person: node_label(&self.txn, person.into()),
                    account: node_label(&self.txn, to.into()),
                    period: employment.clone(),
                });
            }
            if employment.contains(on) {
                current = Some((*account, employment.clone()));
            }
        }
        let closed = match &current {
            Some((account, period)) => {
                let closed = Employment {
                    until: Some(on),
                    ..period.clone()
                };
                self.put_edge(Edge::WorksAt {
                    person,
                    account: *account,
                    employment: closed.clone(),
                })?;
                Some(closed)
            }
            None => None,
        };
        let opened = Employment {
            since: Some(on),
            until: None,
            title: options.title.clone(),
        };
        self.add_edge(Edge::WorksAt {
            person,
            account: to,
            employment: opened.clone(),
        })?;
        let from = current.map(|(a, _)| a);
        let mut attention = match from {
            Some(old) => self.chains_at(person, old)?,
            None => Vec::new(),
        };
        let dropped = self.reporting_and_influence(person, options, &mut attention)?;
        Ok(Move {
            person,
            person_xid: record.xid,
            from,
            from_xid: from.map(|a| self.xid_or_number(a.into())),
            closed,
            to,
            to_xid: target.xid,
            opened,
            dropped,
            attention,
        })
    }

    /// The person's memberships of the decision chains of `account`'s projects.
    fn chains_at(&self, person: PersonId, account: AccountId) -> Result<Vec<Attention>> {
        let mut out = Vec::new();
        for e in self.edges_out(person.into(), EdgeKind::Member)? {
            let Edge::Member {
                project, member, ..
            } = e
            else {
                continue;
            };
            let of = self.edges_out(project.into(), EdgeKind::Of)?;
            if of
                .iter()
                .any(|e| matches!(e, Edge::Of { account: a, .. } if *a == account))
            {
                out.push(Attention::StillInChain {
                    project,
                    project_xid: self.xid_or_number(project.into()),
                    role: member.role,
                    coach: member.coach,
                });
            }
        }
        Ok(out)
    }

    /// Removes the person's reporting and influence edges as `options` asks (returned,
    /// in key order) and lists those it keeps in `attention`.
    fn reporting_and_influence(
        &mut self,
        person: PersonId,
        options: &MoveOptions,
        attention: &mut Vec<Attention>,
    ) -> Result<Vec<Dropped>> {
        let mut dropped = Vec::new();
        for (kind, drop) in [
            (EdgeKind::ReportsTo, options.drop_reporting),
            (EdgeKind::Influences, options.drop_influence),
        ] {
            let mut edges = self.edges_out(person.into(), kind)?;
            edges.extend(self.edges_in(person.into(), kind)?);
            edges.sort_by_key(Edge::key);
            for e in edges {
                let key = e.key();
                if drop {
                    let (from_xid, to_xid) =
                        (self.xid_or_number(key.from), self.xid_or_number(key.to));
                    self.remove_edge(key)?;
                    dropped.push(Dropped {
                        edge: e,
                        from_xid,
                        to_xid,
                    });
                } else if kind == EdgeKind::ReportsTo {
                    attention.push(Attention::ReportingKept {
                        person_xid: self.xid_or_number(key.from),
                        manager_xid: self.xid_or_number(key.to),
                        edge: key,
                    });
                } else {
                    attention.push(Attention::InfluenceKept {
                        from_xid: self.xid_or_number(key.from),
                        to_xid: self.xid_or_number(key.to),
                        edge: key,
                    });
                }
            }
        }
        Ok(dropped)
    }

    /// A node's external id, or its kind and number if it has no record.
    fn xid_or_number(&self, node: NodeRef) -> String {
        node_label(&self.txn, node)
            .xid
            .unwrap_or_else(|| node.to_string())
    }
}
