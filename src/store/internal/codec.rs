//! Record codec: a leading format-version byte, then the value in postcard.
//!
//! The version byte says which layout the value has. Postcard is not self-describing, so
//! a type that gains a field cannot read what an older layout wrote: every stored type
//! implements [`Record`], naming the types that read its version-1 and version-2 layouts
//! (itself where the layout did not change), and [`decode`] picks the layout by the
//! byte. Version 2 added an employee's leaving date and a `works_at` edge's employment
//! period (the version-1 layouts live in [`super::v1`]); version 3 changed only the log
//! record, which now holds what each change replaced or removed (the version-2 log
//! layout lives in [`super::v2`]).
//!
//! Decoding never panics and never trusts a length: postcard reads a string's length and
//! then takes exactly that many bytes *from the input slice* (failing if they are not
//! there) before copying them, and a sequence's capacity hint is dropped when it exceeds
//! the remaining input — so a hostile record cannot make it allocate more than the size of
//! the record itself. The model's value types validate while deserialising (a score of 7
//! or an unknown role is an error, not a value). Trailing bytes are an error too, so a
//! record either decodes exactly or is reported as corrupt.

use crate::store::error::{Result, StoreError};
use serde::{Deserialize, Serialize};

/// The format version of every record written by this build.
pub(crate) const RECORD_VERSION: u8 = 3;

/// A type stored as a record, and how to read what record versions 1 and 2 wrote for it.
pub(crate) trait Record<'de>: Deserialize<'de> {
    /// The version-1 layout, converted into `Self`; `Self` where the layout is unchanged.
    type V1: Deserialize<'de> + Into<Self>;
    /// The version-2 layout, converted into `Self`; `Self` where the layout is unchanged.
    type V2: Deserialize<'de> + Into<Self>;
}

/// Implements [`Record`] for types whose layout is the same in every record version.
macro_rules! unchanged_since_v1 {
    ($($t:ty),+ $(,)?) => {
        $(impl<'de> $crate::store::internal::codec::Record<'de> for $t {
            type V1 = Self;
            type V2 = Self;
        })+
    };
}
pub(crate) use unchanged_since_v1;

unchanged_since_v1!(
    crate::model::Account,
    crate::model::Person,
    crate::model::Project,
    // New variants are only appended, and a version-1 `works_at` (no attributes) is read
    // by `Edge::from_parts` as a period spanning all time.
    crate::model::EdgeAttrs,
);

/// Encodes `value` into `buf` (cleared first), with the leading version byte.
pub(crate) fn encode_into<T: Serialize + ?Sized>(
    value: &T,
    buf: &mut Vec<u8>,
    what: &dyn Fn() -> String,
) -> Result<()> {
    let mut v = std::mem::take(buf);
    v.clear();
    v.push(RECORD_VERSION);
    match postcard::to_extend(value, v) {
        Ok(v) => {
            *buf = v;
            Ok(())
        }
        Err(e) => Err(StoreError::Encode {
            what: what(),
            reason: e.to_string(),
        }),
    }
}

/// Decodes a record written by [`encode_into`] of this or an earlier version. `what`
/// names the record for the error. `T` may borrow strings from `bytes` (postcard writes
/// `String` and `&str` alike).
pub(crate) fn decode<'a, T: Record<'a>>(bytes: &'a [u8], what: &dyn Fn() -> String) -> Result<T> {
    let corrupt = |reason: String| StoreError::Corrupt {
        what: what(),
        reason,
    };
    let (&version, body) = bytes
        .split_first()
        .ok_or_else(|| corrupt("empty record".to_owned()))?;
    let (value, rest) = match version {
        RECORD_VERSION => postcard::take_from_bytes::<T>(body),
        1 => postcard::take_from_bytes::<T::V1>(body).map(|(v, rest)| (v.into(), rest)),
        2 => postcard::take_from_bytes::<T::V2>(body).map(|(v, rest)| (v.into(), rest)),
        _ => {
            return Err(corrupt(format!(
                "record format version {version}, expected 1 to {RECORD_VERSION}"
            )))
        }
    }
    .map_err(|e| corrupt(e.to_string()))?;
    if !rest.is_empty() {
        return Err(corrupt(format!("{} trailing bytes", rest.len())));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        AccountId, Day, Edge, EdgeAttrs, Employee, Employment, Member, Node, NodeKind, NodeRef,
        PersonId, Role, Score,
    };
    use crate::store::internal::{v1, v2};
    use crate::store::log::{Before, LogRecord, Stored};

    unchanged_since_v1!(Member, (String, Score), String, Vec<u64>);

    fn what() -> String {
        "test record".to_owned()
    }

    #[test]
    fn round_trips_with_a_version_byte() {
        let m = Member {
            role: Role::Vetoer,
            coach: true,
            solution: Some(Score::new(0.25).unwrap()),
            price: None,
        };
        let mut buf = vec![9, 9, 9];
        encode_into(&m, &mut buf, &what).unwrap();
        assert_eq!(buf[0], RECORD_VERSION);
        assert_eq!(decode::<Member>(&buf, &what).unwrap(), m);
    }

    #[test]
    fn hostile_records_are_errors_not_panics() {
        // Empty, wrong version, truncated, trailing bytes, out-of-range score.
        let mut good = Vec::new();
        encode_into(&("ab".to_owned(), 0.5f64), &mut good, &what).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![RECORD_VERSION + 1, 0],
            vec![0, 0],
            good[..good.len() - 1].to_vec(),
            [good.as_slice(), &[0]].concat(),
        ];
        for c in cases {
            assert!(matches!(
                decode::<(String, Score)>(&c, &what),
                Err(StoreError::Corrupt { .. })
            ));
        }
        let mut bad = Vec::new();
        encode_into(&("ab".to_owned(), 7.0f64), &mut bad, &what).unwrap();
        assert!(matches!(
            decode::<(String, Score)>(&bad, &what),
            Err(StoreError::Corrupt { .. })
        ));
        // A string claiming a length of 2^63 bytes: refused without allocating.
        let huge = [
            RECORD_VERSION,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0x7f,
        ];
        assert!(decode::<String>(&huge, &what).is_err());
        // A sequence claiming 2^32 elements: refused without allocating.
        let seq = [RECORD_VERSION, 0xff, 0xff, 0xff, 0xff, 0x0f, 1];
        assert!(decode::<Vec<u64>>(&seq, &what).is_err());
    }

    /// Writes `value` as record version 1 did.
    fn encode_v1<T: Serialize>(value: &T) -> Vec<u8> {
        let mut buf = vec![1];
        buf.extend(postcard::to_allocvec(value).unwrap());
        buf
    }

    #[test]
    #[expect(
        clippy::too_many_lines,
        reason = "one case per record layout that changed, side by side"
    )]
    fn version_1_records_still_decode() {
        let old = encode_v1(&v1::Employee {
            xid: "e1".into(),
            name: "Chen".into(),
        });
        assert_eq!(
            decode::<Employee>(&old, &what).unwrap(),
            Employee {
                xid: "e1".into(),
                name: "Chen".into(),
                left: None,
            }
        );
        // The version-2 layout is longer, so old bytes cannot pass for a new record.
        let mut as_new = old.clone();
        as_new[0] = RECORD_VERSION;
        assert!(decode::<Employee>(&as_new, &what).is_err());

        // A version-1 works_at had no attributes: a period spanning all time.
        let attrs: EdgeAttrs = decode(&encode_v1(&EdgeAttrs::None), &what).unwrap();
        let key = Edge::WorksAt {
            person: PersonId(1),
            account: AccountId(2),
            employment: Employment::default(),
        }
        .key();
        assert_eq!(
            Edge::from_parts(key, attrs),
            Some(Edge::WorksAt {
                person: PersonId(1),
                account: AccountId(2),
                employment: Employment::default(),
            })
        );

        // Log records: an employee upsert and a works_at put of version 1.
        let node = NodeRef::new(NodeKind::Employee, 0);
        let log = [
            (
                v1::Change::UpsertNode {
                    node,
                    record: v1::Node::Employee(v1::Employee {
                        xid: "e1".into(),
                        name: "Chen".into(),
                    }),
                },
                Stored::UpsertNode {
                    node,
                    record: Node::Employee(Employee {
                        xid: "e1".into(),
                        name: "Chen".into(),
                        left: None,
                    }),
                    before: Before::Unrecorded,
                },
            ),
            (
                v1::Change::PutEdge(v1::Edge::WorksAt {
                    person: PersonId(1),
                    account: AccountId(2),
                }),
                Stored::PutEdge {
                    edge: Edge::WorksAt {
                        person: PersonId(1),
                        account: AccountId(2),
                        employment: Employment::default(),
                    },
                    before: Before::Unrecorded,
                },
            ),
        ];
        for (old, new) in log {
            let bytes = encode_v1(&LogRecord {
                time: 7,
                change: old,
            });
            let rec: LogRecord<Stored> = decode(&bytes, &what).unwrap();
            assert_eq!(
                rec,
                LogRecord {
                    time: 7,
                    change: new
                }
            );
        }

        // Log records of version 2: a removal by key, without what was removed.
        let key = Edge::Of {
            project: crate::model::ProjectId(3),
            account: AccountId(2),
        }
        .key();
        let mut bytes = vec![2];
        bytes.extend(
            postcard::to_allocvec(&LogRecord {
                time: 9,
                change: v2::Change::RemoveEdge(key),
            })
            .unwrap(),
        );
        let rec: LogRecord<Stored> = decode(&bytes, &what).unwrap();
        assert_eq!(
            rec.change,
            Stored::RemoveEdge {
                key,
                before: Before::Unrecorded
            }
        );

        // A version-2 record round-trips the new fields.
        let e = Employee {
            xid: "e2".into(),
            name: "Liu".into(),
            left: Day::from_ymd(2024, 6, 16),
        };
        let mut buf = Vec::new();
        encode_into(&e, &mut buf, &what).unwrap();
        assert_eq!(decode::<Employee>(&buf, &what).unwrap(), e);
    }
}
