//! The log layout of record version 2 that version 3 changed, kept so that the logs of
//! files written before format 3 keep reading (see [`codec`](super::codec)).
//!
//! Version 2 logged each change with its new value only: no `before`, a removed edge by
//! its key, a removed node by its reference, a removed interaction by its id. It reads
//! as a version-3 change whose `before` is [`Before::Unrecorded`]. The type mirrors the
//! version-2 change variant by variant (postcard encodes by position).

use super::codec::Record;
use super::v1;
use crate::model::{Edge, EdgeKey, Interaction, Node, NodeRef};
use crate::store::interaction::InteractionId;
use crate::store::log::{Before, LogRecord, Stored};
use serde::{Deserialize, Serialize};

/// A change of version 2.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Change {
    UpsertNode {
        node: NodeRef,
        record: Node,
    },
    PutEdge(Edge),
    RemoveEdge(EdgeKey),
    RemoveNode(NodeRef),
    PutInteraction {
        id: InteractionId,
        interaction: Interaction,
    },
    RemoveInteraction(InteractionId),
}

impl From<Change> for Stored {
    fn from(c: Change) -> Self {
        let before = Before::Unrecorded;
        match c {
            Change::UpsertNode { node, record } => Stored::UpsertNode {
                node,
                record,
                before: Before::Unrecorded,
            },
            Change::PutEdge(edge) => Stored::PutEdge {
                edge,
                before: Before::Unrecorded,
            },
            Change::RemoveEdge(key) => Stored::RemoveEdge { key, before },
            Change::RemoveNode(node) => Stored::RemoveNode {
                node,
                before: Before::Unrecorded,
            },
            Change::PutInteraction { id, interaction } => Stored::PutInteraction {
                id,
                interaction,
                before: Before::Unrecorded,
            },
            Change::RemoveInteraction(id) => Stored::RemoveInteraction {
                id,
                before: Before::Unrecorded,
            },
        }
    }
}

impl From<LogRecord<Change>> for LogRecord<Stored> {
    fn from(r: LogRecord<Change>) -> Self {
        LogRecord {
            time: r.time,
            change: r.change.into(),
        }
    }
}

impl Record<'_> for LogRecord<Stored> {
    type V1 = LogRecord<v1::Change>;
    type V2 = LogRecord<Change>;
}
