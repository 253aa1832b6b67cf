//! A folder read against a database: the folder's own nodes, and the nodes outside it
//! that its rows refer to.
//!
//! A delta folder (only `ties.csv` and a minimal `accounts.csv`, or `persons.csv` rows
//! whose accounts are already in the database) is not a network on its own: its rows
//! name nodes it does not define. [`read_csv_dir_with`](super::read_csv_dir_with) looks
//! each such id up through a [`Resolve`] — in practice the database the folder is being
//! imported into — and copies the node it finds into the [`Folder`]'s network, after the
//! folder's own nodes of that kind. The network is then complete and is validated like any
//! other, and the importer knows which of its nodes the folder *states* (and may upsert)
//! and which it merely *refers to* (and must leave as they are).

use crate::model::{Network, Node, NodeKind, NodeRef};
use crate::store::{Read, StoreError};

/// Where the reader looks up an id that a folder's row refers to but the folder does not
/// define: the nodes outside the folder, by kind and external id.
///
/// Every [`Read`] (a read or write transaction) is one: it looks the id up in the
/// database.
pub trait Resolve {
    /// The node of `kind` whose external id is `xid`, if there is one outside the folder.
    fn resolve(&self, kind: NodeKind, xid: &str) -> Result<Option<Node>, StoreError>;
}

impl<R: Read + ?Sized> Resolve for R {
    fn resolve(&self, kind: NodeKind, xid: &str) -> Result<Option<Node>, StoreError> {
        match self.lookup(kind, xid)? {
            Some(node) => self.node(node),
            None => Ok(None),
        }
    }
}

/// What a CSV folder holds, read against the nodes outside it.
///
/// [`network`](Folder::network) is complete and valid: in each node kind, the nodes the
/// folder defines (its rows, in file order) come first, then the outside nodes its rows
/// refer to, copied from the [`Resolve`] in the order they were first referred to. Its
/// edges and interactions are the folder's rows, in the reader's usual order.
#[derive(Debug, Clone, PartialEq)]
pub struct Folder {
    network: Network,
    defined: [u32; NodeKind::COUNT],
}

impl Folder {
    /// A folder that defines every node of `network` (a folder read on its own).
    pub fn whole(network: Network) -> Folder {
        let defined = NodeKind::ALL.map(|k| u32::try_from(network.count(k)).unwrap_or(u32::MAX));
        Folder { network, defined }
    }

    /// A folder whose network defines the first `defined[kind]` nodes of each kind.
    pub(crate) fn new(network: Network, defined: [u32; NodeKind::COUNT]) -> Folder {
        Folder { network, defined }
    }

    /// The folder's network: its own nodes, the outside nodes it refers to, its edges and
    /// its interactions.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The network, taken out of the folder.
    pub fn into_network(self) -> Network {
        self.network
    }

    /// How many nodes of `kind` the folder defines (the first ones of that kind in the
    /// network; the others are outside nodes it refers to).
    pub fn defined(&self, kind: NodeKind) -> usize {
        self.defined[usize::from(kind.code())] as usize
    }

    /// Whether the folder defines `node` (a node of its network), rather than referring to
    /// it from outside.
    pub fn is_defined(&self, node: NodeRef) -> bool {
        (node.id as usize) < self.defined(node.kind)
    }

    /// Whether every node of the network is the folder's own (no row refers outside).
    pub fn is_self_contained(&self) -> bool {
        NodeKind::ALL
            .into_iter()
            .all(|k| self.defined(k) == self.network.count(k))
    }
}
