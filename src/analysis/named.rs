//! How results name nodes: by id *and* external id.
//!
//! A result is read by two audiences. Code chains queries with typed ids (a coach
//! candidate's [`PersonId`] goes into the next path query); people and other systems
//! know nodes by the CRM's external ids. [`Named`] carries both, compares and sorts by
//! external id (the order of every list in the results and the report), and
//! serialises as the external id alone, so a result's JSON reads like the report's.

use crate::graph::Graph;
use crate::model::{AccountId, EmployeeId, PersonId, ProjectId};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A node in a result: its id in the snapshot the result came from, and its external
/// id (borrowed from the snapshot).
///
/// Serialises as the external id. Equality, order and hash are by external id, then
/// id; a `Named` also equals its bare id (`candidate.person == p`).
///
/// ```
/// use guanxi::analysis::Named;
/// use guanxi::model::PersonId;
///
/// let li = Named::new(PersonId(7), "P-LI");
/// let wang = Named::new(PersonId(2), "P-WANG");
/// assert!(li < wang); // lists are sorted by external id, not by id
/// assert_eq!(li, PersonId(7)); // the id goes into the next query
/// assert_eq!(li.to_string(), "P-LI");
/// assert_eq!(serde_json::to_string(&[&li, &wang])?, r#"["P-LI","P-WANG"]"#);
/// // Results borrow their external ids from the snapshot; an owned copy outlives it.
/// let kept: Named<'static, PersonId> = li.clone().into_owned();
/// assert_eq!(kept, li);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Named<'s, I> {
    /// The node's id in the snapshot.
    pub id: I,
    /// The node's external id.
    pub xid: Cow<'s, str>,
}

impl<'s, I> Named<'s, I> {
    /// A node named by `id` and `xid`.
    pub fn new(id: I, xid: &'s str) -> Self {
        Named {
            id,
            xid: Cow::Borrowed(xid),
        }
    }

    /// The same name, owning its external id, so that it outlives the snapshot.
    pub fn into_owned(self) -> Named<'static, I> {
        Named {
            id: self.id,
            xid: Cow::Owned(self.xid.into_owned()),
        }
    }
}

impl<'s> Named<'s, PersonId> {
    /// Person `p` of `graph`.
    pub(crate) fn person(graph: impl Graph<'s>, p: PersonId) -> Self {
        Named {
            id: p,
            xid: graph.xid(p.into()),
        }
    }
}

impl<'s> Named<'s, AccountId> {
    /// Account `a` of `graph`.
    pub(crate) fn account(graph: impl Graph<'s>, a: AccountId) -> Self {
        Named {
            id: a,
            xid: graph.xid(a.into()),
        }
    }
}

impl<'s> Named<'s, EmployeeId> {
    /// Employee `e` of `graph`.
    pub(crate) fn employee(graph: impl Graph<'s>, e: EmployeeId) -> Self {
        Named {
            id: e,
            xid: graph.xid(e.into()),
        }
    }
}

impl<'s> Named<'s, ProjectId> {
    /// Project `x` of `graph`.
    pub(crate) fn project(graph: impl Graph<'s>, x: ProjectId) -> Self {
        Named {
            id: x,
            xid: graph.xid(x.into()),
        }
    }
}

impl<I: Ord> PartialEq for Named<'_, I> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl<I: Ord> Eq for Named<'_, I> {}

impl<I: Ord> PartialOrd for Named<'_, I> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<I: Ord> Ord for Named<'_, I> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.xid
            .cmp(&other.xid)
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl<I: Hash> Hash for Named<'_, I> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.xid.hash(state);
        self.id.hash(state);
    }
}

macro_rules! equals_its_id {
    ($($id:ty),+) => {$(
        impl PartialEq<$id> for Named<'_, $id> {
            fn eq(&self, other: &$id) -> bool {
                self.id == *other
            }
        }
    )+};
}

equals_its_id!(AccountId, PersonId, EmployeeId, ProjectId);

impl<I> fmt::Display for Named<'_, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.xid)
    }
}

impl<I> Serialize for Named<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.xid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn sorts_by_external_id_serialises_as_it_and_equals_its_id() {
        let mut v = vec![
            Named::new(PersonId(0), "p9"),
            Named::new(PersonId(7), "p10"),
            Named::new(PersonId(3), "a"),
        ];
        v.sort();
        let xids: Vec<&str> = v.iter().map(|n| n.xid.as_ref()).collect();
        assert_eq!(xids, ["a", "p10", "p9"]);
        assert_eq!(v[0], PersonId(3));
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"["a","p10","p9"]"#);
        let map: BTreeMap<Named<'_, AccountId>, f64> = [
            (Named::new(AccountId(1), "K2"), 0.5),
            (Named::new(AccountId(0), "K1"), 0.25),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            r#"{"K1":0.25,"K2":0.5}"#
        );
        let owned: Named<'static, AccountId> = Named::new(AccountId(4), "x").into_owned();
        assert_eq!(
            (owned.id, owned.to_string()),
            (AccountId(4), "x".to_owned())
        );
    }
}
