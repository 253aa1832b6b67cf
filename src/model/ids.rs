//! Typed dense ids: one id space per node type.
//!
//! Dense ids are assigned by the store, starting at 0 in each node type and never reused
//! while the database lives (a removed node leaves a hole). They are `u32`: four billion
//! nodes of one type is far beyond what an embedded relationship database holds. Keeping
//! the id types distinct makes it a compile error to pass a person where an employee is
//! expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub u32);

        impl $name {
            /// The node type of this id.
            pub const KIND: NodeKind = $kind;

            /// The id as an index into dense arrays.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "#{}"), self.0)
            }
        }

        impl From<$name> for NodeRef {
            fn from(id: $name) -> NodeRef {
                NodeRef::new(<$name>::KIND, id.0)
            }
        }
    };
}

dense_id!(
    /// Dense id of an [`Account`](super::Account).
    AccountId, NodeKind::Account, "account"
);
dense_id!(
    /// Dense id of a [`Person`](super::Person).
    PersonId, NodeKind::Person, "person"
);
dense_id!(
    /// Dense id of an [`Employee`](super::Employee).
    EmployeeId, NodeKind::Employee, "employee"
);
dense_id!(
    /// Dense id of a [`Project`](super::Project).
    ProjectId, NodeKind::Project, "project"
);

/// The four node types of §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum NodeKind {
    /// A company: client, competitor or partner.
    Account = 0,
    /// A key person, usually working at an account.
    Person = 1,
    /// One of our own staff.
    Employee = 2,
    /// A deal pursued at an account.
    Project = 3,
}

impl NodeKind {
    /// The number of node kinds: the size of every array indexed by a node kind's code.
    pub const COUNT: usize = 4;

    /// All node kinds, in their stable numeric order.
    pub const ALL: [NodeKind; NodeKind::COUNT] = [
        NodeKind::Account,
        NodeKind::Person,
        NodeKind::Employee,
        NodeKind::Project,
    ];

    /// The stable one-byte code used in keys.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The node kind of a one-byte code, if valid.
    pub fn from_code(code: u8) -> Option<NodeKind> {
        NodeKind::ALL.get(usize::from(code)).copied()
    }

    /// The lowercase name: `account`, `person`, `employee`, `project`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Account => "account",
            NodeKind::Person => "person",
            NodeKind::Employee => "employee",
            NodeKind::Project => "project",
        }
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference to a node of any type: its kind and dense id.
///
/// Packs into a `u64` (`kind << 32 | id`) for use in store keys; the packing orders
/// references by kind, then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeRef {
    /// The node type.
    pub kind: NodeKind,
    /// The dense id within that type.
    pub id: u32,
}

impl NodeRef {
    /// A reference to node `id` of type `kind`.
    pub fn new(kind: NodeKind, id: u32) -> NodeRef {
        NodeRef { kind, id }
    }

    /// The packed `u64` form: `kind << 32 | id`.
    pub fn pack(self) -> u64 {
        (u64::from(self.kind.code()) << 32) | u64::from(self.id)
    }

    /// Unpacks [`NodeRef::pack`]'s form; `None` for an invalid kind code.
    pub fn unpack(packed: u64) -> Option<NodeRef> {
        let kind = NodeKind::from_code(u8::try_from(packed >> 32).ok()?)?;
        Some(NodeRef::new(kind, (packed & 0xFFFF_FFFF) as u32))
    }
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.kind, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_and_orders_by_kind_then_id() {
        let a = NodeRef::new(NodeKind::Person, 7);
        assert_eq!(NodeRef::unpack(a.pack()), Some(a));
        let b = NodeRef::new(NodeKind::Employee, 0);
        assert!(a.pack() < b.pack());
        assert_eq!(NodeRef::unpack(9 << 32), None);
        assert_eq!(
            NodeRef::from(PersonId(3)),
            NodeRef::new(NodeKind::Person, 3)
        );
    }
}
