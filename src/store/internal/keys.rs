//! Adjacency key encoding.
//!
//! An edge key is 17 bytes: the edge code, then the two packed node references
//! ([`NodeRef::pack`]) big-endian. Big-endian makes byte order equal numeric order, so the
//! storage engine's plain byte comparison sorts keys by (kind, first node, second node)
//! and "every edge of kind T at node N" is the contiguous range
//! `[T, N, 0] ..= [T, N, u64::MAX]`. The out table uses (kind, from, to), the in table
//! (kind, to, from).

use crate::model::{EdgeKey, EdgeKind, NodeRef};

/// Length of an adjacency key.
pub(crate) const KEY_LEN: usize = 17;

/// An adjacency key.
pub(crate) type RawKey = [u8; KEY_LEN];

/// The key `(code, a, b)`.
pub(crate) fn raw(code: u8, a: u64, b: u64) -> RawKey {
    let mut k = [0u8; KEY_LEN];
    k[0] = code;
    k[1..9].copy_from_slice(&a.to_be_bytes());
    k[9..17].copy_from_slice(&b.to_be_bytes());
    k
}

/// The out-table key of an edge: (kind, from, to).
pub(crate) fn out_key(key: &EdgeKey) -> RawKey {
    raw(key.kind.code(), key.from.pack(), key.to.pack())
}

/// The in-table key of an edge: (kind, to, from).
pub(crate) fn in_key(key: &EdgeKey) -> RawKey {
    raw(key.kind.code(), key.to.pack(), key.from.pack())
}

/// The first and last possible keys of edges of `kind` at `node` (inclusive).
pub(crate) fn range_at(kind: EdgeKind, node: NodeRef) -> (RawKey, RawKey) {
    (
        raw(kind.code(), node.pack(), 0),
        raw(kind.code(), node.pack(), u64::MAX),
    )
}

/// The first and last possible keys of edges of `kind`.
pub(crate) fn range_of(kind: EdgeKind) -> (RawKey, RawKey) {
    (raw(kind.code(), 0, 0), raw(kind.code(), u64::MAX, u64::MAX))
}

fn split(k: &RawKey) -> (u8, u64, u64) {
    let mut a = [0u8; 8];
    let mut b = [0u8; 8];
    a.copy_from_slice(&k[1..9]);
    b.copy_from_slice(&k[9..17]);
    (k[0], u64::from_be_bytes(a), u64::from_be_bytes(b))
}

/// Decodes an out-table key; `None` if the code or a reference is invalid or the end
/// types do not fit the kind.
pub(crate) fn decode_out(k: &RawKey) -> Option<EdgeKey> {
    let (code, a, b) = split(k);
    checked(code, a, b)
}

/// Decodes an in-table key (kind, to, from) back to the edge's key.
pub(crate) fn decode_in(k: &RawKey) -> Option<EdgeKey> {
    let (code, a, b) = split(k);
    checked(code, b, a)
}

fn checked(code: u8, from: u64, to: u64) -> Option<EdgeKey> {
    let kind = EdgeKind::from_code(code)?;
    let from = NodeRef::unpack(from)?;
    let to = NodeRef::unpack(to)?;
    (from.kind == kind.from_kind() && kind.allows_to(to.kind)).then_some(EdgeKey { kind, from, to })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeKind;

    #[test]
    fn keys_round_trip_and_sort_by_kind_then_ends() {
        let key = EdgeKey {
            kind: EdgeKind::Owns,
            from: NodeRef::new(NodeKind::Employee, 300),
            to: NodeRef::new(NodeKind::Project, 2),
        };
        assert_eq!(decode_out(&out_key(&key)), Some(key));
        assert_eq!(decode_in(&in_key(&key)), Some(key));
        let (lo, hi) = range_at(EdgeKind::Owns, key.from);
        assert!(lo <= out_key(&key) && out_key(&key) <= hi);
        // Byte order is numeric order: employee 300 sorts after employee 2.
        let small = raw(5, NodeRef::new(NodeKind::Employee, 2).pack(), 0);
        assert!(small < lo);
        // Wrong end types are refused.
        let bad = raw(
            EdgeKind::Tie.code(),
            NodeRef::new(NodeKind::Person, 1).pack(),
            NodeRef::new(NodeKind::Person, 2).pack(),
        );
        assert_eq!(decode_out(&bad), None);
        assert_eq!(decode_out(&raw(9, 0, 0)), None);
    }
}
