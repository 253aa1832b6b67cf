//! Node records: what the store keeps about each account, person, employee and project.

use super::{
    check_text, AccountKind, Amount, Day, ModelError, NodeKind, Stage, MAX_ID_BYTES, MAX_TEXT_BYTES,
};
use serde::{Deserialize, Serialize};

/// A company: a client, a competitor 友商 or a partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The CRM's id, unique among accounts.
    pub xid: String,
    /// Display name.
    pub name: String,
    /// Client, competitor or partner.
    pub kind: AccountKind,
}

/// A key person 关键人, usually working at an account (see [`Edge::WorksAt`](super::Edge::WorksAt)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// The CRM's id, unique among persons.
    pub xid: String,
    /// Display name.
    pub name: String,
    /// Job title, if known. Kept on the person (not on the `works_at` edge) so that a
    /// person with no account keeps it too; stored and exported, not analysed.
    pub title: Option<String>,
}

/// One of our own staff 员工: salesperson, presales, executive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    /// The CRM's id, unique among employees.
    pub xid: String,
    /// Display name.
    pub name: String,
    /// The day the employee left us, if they did: on and after it the employee is gone
    /// (§8.3). An employee who leaves keeps their record, ties and interactions.
    pub left: Option<Day>,
}

/// A deal 商机 pursued at an account (see [`Edge::Of`](super::Edge::Of)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// The CRM's id, unique among projects.
    pub xid: String,
    /// Display name.
    pub name: String,
    /// Sales stage.
    pub stage: Stage,
    /// Amount, `≥ 0`, in one currency.
    pub amount: Amount,
}

/// A node of any type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Node {
    /// An account.
    Account(Account),
    /// A person.
    Person(Person),
    /// An employee.
    Employee(Employee),
    /// A project.
    Project(Project),
}

impl Node {
    /// Checks the record's texts (see [`NodeView::validate`]).
    pub fn validate(&self) -> Result<(), ModelError> {
        NodeView::from(self).validate()
    }

    /// The node's type.
    pub fn kind(&self) -> NodeKind {
        match self {
            Node::Account(_) => NodeKind::Account,
            Node::Person(_) => NodeKind::Person,
            Node::Employee(_) => NodeKind::Employee,
            Node::Project(_) => NodeKind::Project,
        }
    }

    /// The external id.
    pub fn xid(&self) -> &str {
        match self {
            Node::Account(n) => &n.xid,
            Node::Person(n) => &n.xid,
            Node::Employee(n) => &n.xid,
            Node::Project(n) => &n.xid,
        }
    }

    /// The display name.
    pub fn name(&self) -> &str {
        match self {
            Node::Account(n) => &n.name,
            Node::Person(n) => &n.name,
            Node::Employee(n) => &n.name,
            Node::Project(n) => &n.name,
        }
    }
}

/// A node record with borrowed strings — what [`Read::scan`](crate::store::Read::scan)
/// lends a visitor straight from the stored bytes, without allocating — or a view of a
/// [`Node`] or node struct (`NodeView::from(&person)`).
///
/// ```
/// use guanxi::model::{NodeView, Person};
/// let p = Person { xid: "p1".into(), name: "Li Wei".into(), title: None };
/// let v = NodeView::from(&p);
/// assert_eq!(v.xid(), "p1");
/// assert_eq!(v.to_node(), guanxi::model::Node::Person(p));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NodeView<'a> {
    /// An account.
    Account {
        /// The CRM's id.
        xid: &'a str,
        /// Display name.
        name: &'a str,
        /// Client, competitor or partner.
        kind: AccountKind,
    },
    /// A person.
    Person {
        /// The CRM's id.
        xid: &'a str,
        /// Display name.
        name: &'a str,
        /// Job title, if known.
        title: Option<&'a str>,
    },
    /// An employee.
    Employee {
        /// The CRM's id.
        xid: &'a str,
        /// Display name.
        name: &'a str,
        /// The day the employee left, if they did.
        left: Option<Day>,
    },
    /// A project.
    Project {
        /// The CRM's id.
        xid: &'a str,
        /// Display name.
        name: &'a str,
        /// Sales stage.
        stage: Stage,
        /// Amount.
        amount: Amount,
    },
}

impl<'a> NodeView<'a> {
    /// The node's type.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeView::Account { .. } => NodeKind::Account,
            NodeView::Person { .. } => NodeKind::Person,
            NodeView::Employee { .. } => NodeKind::Employee,
            NodeView::Project { .. } => NodeKind::Project,
        }
    }

    /// The external id.
    pub fn xid(&self) -> &'a str {
        match *self {
            NodeView::Account { xid, .. }
            | NodeView::Person { xid, .. }
            | NodeView::Employee { xid, .. }
            | NodeView::Project { xid, .. } => xid,
        }
    }

    /// The display name.
    pub fn name(&self) -> &'a str {
        match *self {
            NodeView::Account { name, .. }
            | NodeView::Person { name, .. }
            | NodeView::Employee { name, .. }
            | NodeView::Project { name, .. } => name,
        }
    }

    /// Checks the record's texts: a non-empty external id of at most [`MAX_ID_BYTES`], and
    /// a name and a title of at most [`MAX_TEXT_BYTES`] each. (Numbers and words are
    /// validated by their types.)
    pub fn validate(&self) -> Result<(), ModelError> {
        let xid = self.xid();
        if xid.is_empty() {
            return Err(ModelError::EmptyExternalId);
        }
        check_text("id", xid, MAX_ID_BYTES)?;
        check_text("name", self.name(), MAX_TEXT_BYTES)?;
        if let NodeView::Person {
            title: Some(title), ..
        } = *self
        {
            check_text("title", title, MAX_TEXT_BYTES)?;
        }
        Ok(())
    }

    /// An owned copy of the record.
    pub fn to_node(&self) -> Node {
        match *self {
            NodeView::Account { xid, name, kind } => Node::Account(Account {
                xid: xid.to_owned(),
                name: name.to_owned(),
                kind,
            }),
            NodeView::Person { xid, name, title } => Node::Person(Person {
                xid: xid.to_owned(),
                name: name.to_owned(),
                title: title.map(str::to_owned),
            }),
            NodeView::Employee { xid, name, left } => Node::Employee(Employee {
                xid: xid.to_owned(),
                name: name.to_owned(),
                left,
            }),
            NodeView::Project {
                xid,
                name,
                stage,
                amount,
            } => Node::Project(Project {
                xid: xid.to_owned(),
                name: name.to_owned(),
                stage,
                amount,
            }),
        }
    }
}

impl<'a> From<&'a Account> for NodeView<'a> {
    fn from(n: &'a Account) -> Self {
        NodeView::Account {
            xid: &n.xid,
            name: &n.name,
            kind: n.kind,
        }
    }
}

impl<'a> From<&'a Person> for NodeView<'a> {
    fn from(n: &'a Person) -> Self {
        NodeView::Person {
            xid: &n.xid,
            name: &n.name,
            title: n.title.as_deref(),
        }
    }
}

impl<'a> From<&'a Employee> for NodeView<'a> {
    fn from(n: &'a Employee) -> Self {
        NodeView::Employee {
            xid: &n.xid,
            name: &n.name,
            left: n.left,
        }
    }
}

impl<'a> From<&'a Project> for NodeView<'a> {
    fn from(n: &'a Project) -> Self {
        NodeView::Project {
            xid: &n.xid,
            name: &n.name,
            stage: n.stage,
            amount: n.amount,
        }
    }
}

impl<'a> From<&'a Node> for NodeView<'a> {
    fn from(n: &'a Node) -> Self {
        match n {
            Node::Account(a) => a.into(),
            Node::Person(p) => p.into(),
            Node::Employee(e) => e.into(),
            Node::Project(x) => x.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_capped_and_ids_required() {
        let person = |xid: &str, name: &str, title: Option<&str>| Person {
            xid: xid.to_owned(),
            name: name.to_owned(),
            title: title.map(str::to_owned),
        };
        let ok = person(
            &"i".repeat(MAX_ID_BYTES),
            &"n".repeat(MAX_TEXT_BYTES),
            Some("CTO"),
        );
        assert_eq!(NodeView::from(&ok).validate(), Ok(()));
        let cases = [
            (person("", "n", None), ModelError::EmptyExternalId),
            (
                person(&"i".repeat(MAX_ID_BYTES + 1), "n", None),
                ModelError::TooLong {
                    field: "id",
                    len: MAX_ID_BYTES + 1,
                    max: MAX_ID_BYTES,
                },
            ),
            (
                person("p", &"名".repeat(1366), None),
                ModelError::TooLong {
                    field: "name",
                    len: 4098,
                    max: MAX_TEXT_BYTES,
                },
            ),
            (
                person("p", "n", Some(&"t".repeat(MAX_TEXT_BYTES + 1))),
                ModelError::TooLong {
                    field: "title",
                    len: MAX_TEXT_BYTES + 1,
                    max: MAX_TEXT_BYTES,
                },
            ),
        ];
        for (p, want) in cases {
            assert_eq!(Node::Person(p).validate(), Err(want));
        }
        let e = Employee {
            xid: "e".into(),
            name: "x".repeat(MAX_TEXT_BYTES + 1),
            left: None,
        };
        assert!(matches!(
            NodeView::from(&e).validate(),
            Err(ModelError::TooLong { field: "name", .. })
        ));
    }
}
