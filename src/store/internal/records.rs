//! Decoding the stored records back into the model's values.
//!
//! Shared by the reads, the consistency check, the write path (which reads what it
//! replaces) and the fuzz entry points. Every decoder returns [`StoreError::Corrupt`] for
//! bytes that are not a valid record of their kind, and never panics.

use super::codec::{decode, unchanged_since_v1, Record};
use super::keys::{self, RawKey};
use crate::model::{Edge, EdgeKey, Node, NodeKind, NodeRef, NodeView};
use crate::store::error::{Result, StoreError};
use redb::ReadableTable;

/// Decodes a node record of the node's kind.
pub(crate) fn decode_node(node: NodeRef, bytes: &[u8]) -> Result<Node> {
    let what = || format!("{node} record");
    Ok(match node.kind {
        NodeKind::Account => Node::Account(decode(bytes, &what)?),
        NodeKind::Person => Node::Person(decode(bytes, &what)?),
        NodeKind::Employee => Node::Employee(decode(bytes, &what)?),
        NodeKind::Project => Node::Project(decode(bytes, &what)?),
    })
}

/// A node record decoded in place: the strings borrow from `bytes`. The layouts mirror
/// the model's node structs field by field (postcard writes `String` and `&str` alike);
/// `record_views_decode_like_the_owned_records` holds them together.
pub(crate) fn decode_view(node: NodeRef, bytes: &[u8]) -> Result<NodeView<'_>> {
    use crate::model::{AccountKind, Amount, Day, Stage};
    #[derive(serde::Deserialize)]
    struct AccountRecord<'a> {
        xid: &'a str,
        name: &'a str,
        kind: AccountKind,
    }
    #[derive(serde::Deserialize)]
    struct PersonRecord<'a> {
        xid: &'a str,
        name: &'a str,
        #[serde(borrow)]
        title: Option<&'a str>,
    }
    #[derive(serde::Deserialize)]
    struct EmployeeRecord<'a> {
        xid: &'a str,
        name: &'a str,
        left: Option<Day>,
    }
    /// An employee record of version 1, without a leaving date.
    #[derive(serde::Deserialize)]
    struct EmployeeRecordV1<'a> {
        xid: &'a str,
        name: &'a str,
    }
    impl<'a> From<EmployeeRecordV1<'a>> for EmployeeRecord<'a> {
        fn from(r: EmployeeRecordV1<'a>) -> Self {
            EmployeeRecord {
                xid: r.xid,
                name: r.name,
                left: None,
            }
        }
    }
    impl<'a> Record<'a> for EmployeeRecord<'a> {
        type V1 = EmployeeRecordV1<'a>;
        type V2 = Self;
    }
    #[derive(serde::Deserialize)]
    struct ProjectRecord<'a> {
        xid: &'a str,
        name: &'a str,
        stage: Stage,
        amount: Amount,
    }
    unchanged_since_v1!(AccountRecord<'de>, PersonRecord<'de>, ProjectRecord<'de>);
    let what = || format!("{node} record");
    Ok(match node.kind {
        NodeKind::Account => {
            let r: AccountRecord<'_> = decode(bytes, &what)?;
            NodeView::Account {
                xid: r.xid,
                name: r.name,
                kind: r.kind,
            }
        }
        NodeKind::Person => {
            let r: PersonRecord<'_> = decode(bytes, &what)?;
            NodeView::Person {
                xid: r.xid,
                name: r.name,
                title: r.title,
            }
        }
        NodeKind::Employee => {
            let r: EmployeeRecord<'_> = decode(bytes, &what)?;
            NodeView::Employee {
                xid: r.xid,
                name: r.name,
                left: r.left,
            }
        }
        NodeKind::Project => {
            let r: ProjectRecord<'_> = decode(bytes, &what)?;
            NodeView::Project {
                xid: r.xid,
                name: r.name,
                stage: r.stage,
                amount: r.amount,
            }
        }
    })
}

/// The external id of `node` from its kind's node table, if it has a record that
/// decodes: what messages name a node by. `None` (then the node is named by kind and
/// number) for a node that does not exist or cannot be read.
pub(crate) fn xid_in(t: &impl ReadableTable<u32, &'static [u8]>, node: NodeRef) -> Option<String> {
    let g = t.get(node.id).ok()??;
    decode_view(node, g.value())
        .ok()
        .map(|v| v.xid().to_owned())
}

/// Rebuilds an edge from an out-table entry.
pub(crate) fn edge_from_out(k: &RawKey, v: &[u8]) -> Result<Edge> {
    let key = keys::decode_out(k).ok_or_else(|| corrupt_key("out", k))?;
    let attrs = super::plain::edge_attrs(v, &|| format!("edge {key}"))?;
    Edge::from_parts(key, attrs).ok_or_else(|| bad_attrs(&key))
}

pub(crate) fn bad_attrs(key: &EdgeKey) -> StoreError {
    StoreError::Corrupt {
        what: format!("edge {key}"),
        reason: "its attributes are of another edge kind".to_owned(),
    }
}

pub(crate) fn corrupt_key(table: &str, k: &RawKey) -> StoreError {
    StoreError::Corrupt {
        what: format!("{table}-table key {k:02x?}"),
        reason: "not a valid (kind, node, node) key".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Account, Employee, Person, Project};
    use crate::model::{AccountKind, Amount, Stage};
    use crate::store::internal::codec::encode_into;

    fn round_trip(node: &Node) {
        let what = || "test".to_owned();
        let mut buf = Vec::new();
        match node {
            Node::Account(n) => encode_into(n, &mut buf, &what),
            Node::Person(n) => encode_into(n, &mut buf, &what),
            Node::Employee(n) => encode_into(n, &mut buf, &what),
            Node::Project(n) => encode_into(n, &mut buf, &what),
        }
        .unwrap();
        let at = NodeRef::new(node.kind(), 3);
        let view = decode_view(at, &buf).unwrap();
        assert_eq!(view, NodeView::from(node));
        assert_eq!(view.to_node(), *node);
        assert_eq!(decode_node(at, &buf).unwrap(), *node);
        // A record cut short is corrupt, never a panic.
        for cut in 0..buf.len() {
            assert!(decode_view(at, &buf[..cut]).is_err());
        }
    }

    #[test]
    fn record_views_decode_like_the_owned_records() {
        round_trip(&Node::Account(Account {
            xid: "a1".into(),
            name: "Huawei 华为".into(),
            kind: AccountKind::Competitor,
        }));
        for title in [None, Some("CTO".to_owned()), Some(String::new())] {
            round_trip(&Node::Person(Person {
                xid: "p-9".into(),
                name: "Wang 静".into(),
                title,
            }));
        }
        for left in [None, crate::model::Day::from_ymd(2024, 6, 16)] {
            round_trip(&Node::Employee(Employee {
                xid: "e".into(),
                name: String::new(),
                left,
            }));
        }
        round_trip(&Node::Project(Project {
            xid: "x".into(),
            name: "ERP".into(),
            stage: Stage::Pursuit,
            amount: Amount::new(1.5e6).unwrap(),
        }));
    }
}
