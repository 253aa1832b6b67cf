//! Field-by-field readers of the two records a snapshot's load decodes millions of
//! times: an edge's attributes and an interaction.
//!
//! The general decoder ([`codec::decode`](super::codec::decode): postcard through
//! serde) spends a few hundred instructions on such a record, about as many as the
//! storage engine spends stepping to the next entry. These read the usual record
//! directly: any record version (both types kept one layout through all of them),
//! varints in their shortest form, values that validate, no trailing byte. Anything
//! else — a valid but unusual encoding, a title string, damage — is `None`, and the
//! caller falls back to the general decoder, which then decides (and words the error).
//! So a record these accept is read exactly as the general decoder reads it — property
//! tests hold the two together on written, damaged and random bytes — and every error
//! stays the general decoder's.
//!
//! The layout, as postcard writes it: an integer as a varint (7 bits a byte, low bits
//! first, the high bit set on every byte but the last), an `i32` zigzag-encoded first
//! (0, −1, 1, −2, … as 0, 1, 2, 3, …); an `f64` as its 8 bytes, little-endian; a
//! `bool` as one byte 0 or 1; an option as a tag byte 0 (none) or 1 (some, then the
//! value); an enum as its variant's index (one byte for so few variants), then the
//! variant's fields; a struct as its fields in order.

use super::codec::{decode, RECORD_VERSION};
use crate::model::{
    Day, EdgeAttrs, EmployeeId, Employment, Interaction, InteractionKind, Member, PersonId,
    ProjectId, Role, Score, Tie,
};
use crate::store::error::Result;

/// Decodes an edge's attributes; `what` names the edge for the error.
pub(crate) fn edge_attrs(bytes: &[u8], what: &dyn Fn() -> String) -> Result<EdgeAttrs> {
    match plain_attrs(bytes) {
        Some(attrs) => Ok(attrs),
        None => decode(bytes, what),
    }
}

/// Decodes an interaction record; `what` names it for the error.
pub(crate) fn interaction(bytes: &[u8], what: &dyn Fn() -> String) -> Result<Interaction> {
    match plain_interaction(bytes) {
        Some(interaction) => Ok(interaction),
        None => decode(bytes, what),
    }
}

/// The usual edge attributes, or `None` for the general decoder.
fn plain_attrs(bytes: &[u8]) -> Option<EdgeAttrs> {
    let mut r = Reader::record(bytes)?;
    let attrs = match r.byte()? {
        0 => EdgeAttrs::None,
        1 => EdgeAttrs::Score(r.score()?),
        2 => EdgeAttrs::Tie(Tie {
            closeness: r.score()?,
            last_contact: r.option(Reader::day)?,
            private: r.flag()?,
        }),
        3 => EdgeAttrs::Member(Member {
            role: *Role::ALL.get(usize::from(r.byte()?))?,
            coach: r.flag()?,
            solution: r.option(Reader::score)?,
            price: r.option(Reader::score)?,
        }),
        4 => {
            let since = r.option(Reader::day)?;
            let until = r.option(Reader::day)?;
            // A title is a string: left to the general decoder.
            if r.byte()? != 0 {
                return None;
            }
            EdgeAttrs::Employment(Employment {
                since,
                until,
                title: None,
            })
        }
        _ => return None,
    };
    r.end(attrs)
}

/// The usual interaction record, or `None` for the general decoder.
fn plain_interaction(bytes: &[u8]) -> Option<Interaction> {
    let mut r = Reader::record(bytes)?;
    let interaction = Interaction {
        employee: EmployeeId(r.varint()?),
        person: PersonId(r.varint()?),
        date: r.day()?,
        kind: *InteractionKind::ALL.get(usize::from(r.byte()?))?,
        project: r.option(|r| r.varint().map(ProjectId))?,
    };
    r.end(interaction)
}

/// The bytes of a record not read yet.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    /// A reader past the version byte of a record of any version.
    fn record(bytes: &'a [u8]) -> Option<Reader<'a>> {
        let (&version, body) = bytes.split_first()?;
        (1..=RECORD_VERSION)
            .contains(&version)
            .then_some(Reader(body))
    }

    /// `value`, if every byte was read.
    fn end<T>(self, value: T) -> Option<T> {
        self.0.is_empty().then_some(value)
    }

    #[inline]
    fn byte(&mut self) -> Option<u8> {
        let (&byte, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(byte)
    }

    /// A `u32` varint in its shortest form.
    #[inline]
    fn varint(&mut self) -> Option<u32> {
        let mut value = 0u32;
        for i in 0..5 {
            let byte = *self.0.get(i)?;
            value |= u32::from(byte & 0x7f) << (7 * i);
            if byte < 0x80 {
                // A last byte of 0 after others is a longer form of a shorter number;
                // the fifth byte holds the top 4 bits only.
                if (i > 0 && byte == 0) || (i == 4 && byte > 0x0f) {
                    return None;
                }
                self.0 = &self.0[i + 1..];
                return Some(value);
            }
        }
        None
    }

    /// A day: its number as a zigzag-encoded `i32`, if it is a date.
    #[inline]
    fn day(&mut self) -> Option<Day> {
        let zigzag = self.varint()?;
        let days = i32::from_ne_bytes((zigzag >> 1).to_ne_bytes()) ^ -i32::from(zigzag & 1 == 1);
        Day::from_days_since_epoch(days)
    }

    /// A score: an `f64` in `[0, 1]`, as [`Score::new`] takes it.
    #[inline]
    fn score(&mut self) -> Option<Score> {
        let (bytes, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        Score::new(f64::from_le_bytes(*bytes)).ok()
    }

    /// A `bool`: the byte 0 or 1.
    #[inline]
    fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// An option of what `read` reads: `Some(None)` for the tag 0, `Some(Some(_))` for
    /// the tag 1 and a value, `None` (declined, as everywhere here) for anything else.
    #[inline]
    #[allow(clippy::option_option)]
    fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => read(self).map(Some),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::internal::codec::encode_into;
    use proptest::prelude::*;
    use std::fmt::Debug;

    fn general<T: for<'a> super::super::codec::Record<'a>>(bytes: &[u8]) -> Result<T> {
        decode(bytes, &|| "the record".to_owned())
    }

    fn written<T: serde::Serialize>(value: &T, version: u8) -> Vec<u8> {
        let mut bytes = Vec::new();
        encode_into(value, &mut bytes, &String::new).unwrap();
        bytes[0] = version;
        bytes
    }

    fn day() -> impl Strategy<Value = Day> {
        prop_oneof![
            -800_000i32..800_000,
            Just(-4_371_587),
            Just(2_932_896),
            any::<i32>()
        ]
        .prop_filter_map("a date", Day::from_days_since_epoch)
    }

    fn score() -> impl Strategy<Value = Score> {
        prop_oneof![0.0f64..=1.0, Just(0.0), Just(1.0), Just(-0.0)]
            .prop_map(|v| Score::new(v).unwrap())
    }

    fn id() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..300,
            any::<u32>(),
            Just(u32::MAX),
            Just(127),
            Just(128)
        ]
    }

    fn any_interaction() -> impl Strategy<Value = Interaction> {
        (
            id(),
            id(),
            day(),
            0..InteractionKind::ALL.len(),
            proptest::option::of(id()),
        )
            .prop_map(|(e, p, date, k, x)| Interaction {
                employee: EmployeeId(e),
                person: PersonId(p),
                date,
                kind: InteractionKind::ALL[k],
                project: x.map(ProjectId),
            })
    }

    fn attrs() -> impl Strategy<Value = EdgeAttrs> {
        let title = proptest::option::of("[a-z ]{0,6}");
        prop_oneof![
            Just(EdgeAttrs::None),
            score().prop_map(EdgeAttrs::Score),
            (score(), proptest::option::of(day()), any::<bool>()).prop_map(|(c, d, p)| {
                EdgeAttrs::Tie(Tie {
                    closeness: c,
                    last_contact: d,
                    private: p,
                })
            }),
            (
                0..Role::ALL.len(),
                any::<bool>(),
                proptest::option::of(score()),
                proptest::option::of(score())
            )
                .prop_map(|(r, coach, solution, price)| EdgeAttrs::Member(Member {
                    role: Role::ALL[r],
                    coach,
                    solution,
                    price,
                })),
            (
                proptest::option::of(day()),
                proptest::option::of(day()),
                title
            )
                .prop_map(|(since, until, title)| EdgeAttrs::Employment(Employment {
                    since,
                    until,
                    title,
                })),
        ]
    }

    /// On `candidate`: what the plain reader accepts, the general decoder reads the
    /// same way.
    fn agree<T: Debug + PartialEq + for<'a> super::super::codec::Record<'a>>(
        candidate: &[u8],
        plain: fn(&[u8]) -> Option<T>,
    ) -> std::result::Result<(), TestCaseError> {
        if let Some(read) = plain(candidate) {
            match general::<T>(candidate) {
                Ok(want) => prop_assert_eq!(read, want, "{:02x?}", candidate),
                Err(e) => prop_assert!(false, "{candidate:02x?}: plain {read:?}, general {e}"),
            }
        }
        Ok(())
    }

    /// The written record `bytes` damaged by `edits`, cut at `cut`, extended by
    /// `extra`, and `noise` after a valid version byte.
    fn variants(
        bytes: &[u8],
        edits: &[(prop::sample::Index, u8)],
        cut: prop::sample::Index,
        extra: &[u8],
        noise: &[u8],
    ) -> [Vec<u8>; 4] {
        let mut damaged = bytes.to_vec();
        for (at, byte) in edits {
            let at = at.index(damaged.len());
            damaged[at] = *byte;
        }
        let cut_short = bytes[..cut.index(bytes.len() + 1)].to_vec();
        let longer = [bytes, extra].concat();
        let noisy = [&[RECORD_VERSION], noise].concat();
        [damaged, cut_short, longer, noisy]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Every record the store writes is read as written — by the plain reader,
        /// except attributes with a title, which it leaves to the general decoder.
        #[test]
        fn written_records_are_read_as_written(
            a in attrs(),
            i in any_interaction(),
            version in 1u8..=RECORD_VERSION,
        ) {
            let bytes = written(&a, version);
            let titled = matches!(&a, EdgeAttrs::Employment(e) if e.title.is_some());
            prop_assert_eq!(plain_attrs(&bytes), (!titled).then(|| a.clone()));
            prop_assert_eq!(edge_attrs(&bytes, &String::new).unwrap(), a);
            let bytes = written(&i, version);
            prop_assert_eq!(plain_interaction(&bytes), Some(i));
            prop_assert_eq!(interaction(&bytes, &String::new).unwrap(), i);
        }

        /// On damaged, cut, extended and random bytes, what the plain readers accept
        /// the general decoder reads the same way.
        #[test]
        fn plain_readers_agree_with_the_general_decoder(
            a in attrs(),
            i in any_interaction(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            cut in any::<prop::sample::Index>(),
            extra in proptest::collection::vec(any::<u8>(), 0..3),
            noise in proptest::collection::vec(any::<u8>(), 0..30),
        ) {
            for candidate in variants(&written(&a, RECORD_VERSION), &edits, cut, &extra, &noise) {
                agree(&candidate, plain_attrs)?;
            }
            for candidate in variants(&written(&i, RECORD_VERSION), &edits, cut, &extra, &noise) {
                agree(&candidate, plain_interaction)?;
            }
        }
    }

    #[test]
    fn varints_in_their_shortest_form_only() {
        let read = |b: &[u8]| {
            let mut r = Reader(b);
            r.varint().map(|v| (v, r.0.len()))
        };
        assert_eq!(read(&[0]), Some((0, 0)));
        assert_eq!(read(&[0x7f, 9]), Some((127, 1)));
        assert_eq!(read(&[0x80, 0x01]), Some((128, 0)));
        assert_eq!(read(&[0xff, 0xff, 0xff, 0xff, 0x0f]), Some((u32::MAX, 0)));
        assert_eq!(
            read(&[0xff, 0xff, 0xff, 0xff, 0x10]),
            None,
            "beyond 32 bits"
        );
        assert_eq!(read(&[0x80, 0x00]), None, "a longer form of 0");
        assert_eq!(read(&[0x80]), None, "cut short");
        assert_eq!(read(&[]), None);
        assert_eq!(read(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), None);
    }

    #[test]
    fn unusual_but_valid_records_go_to_the_general_decoder() {
        // A varint in a longer form than needed: valid for postcard, declined here.
        let mut long = written(
            &Interaction {
                employee: EmployeeId(0),
                person: PersonId(1),
                date: Day::from_days_since_epoch(0).unwrap(),
                kind: InteractionKind::Call,
                project: None,
            },
            RECORD_VERSION,
        );
        assert_eq!(long[1], 0);
        long.splice(1..2, [0x80, 0x00]);
        assert_eq!(plain_interaction(&long), None);
        assert_eq!(
            interaction(&long, &String::new).unwrap().employee,
            EmployeeId(0)
        );
        // A score out of range is damage: the general decoder says so.
        let mut bad = written(&EdgeAttrs::Score(Score::new(0.5).unwrap()), RECORD_VERSION);
        bad[2..10].copy_from_slice(&2.0f64.to_le_bytes());
        assert_eq!(plain_attrs(&bad), None);
        let err = edge_attrs(&bad, &|| "edge x".to_owned())
            .unwrap_err()
            .to_string();
        assert!(err.contains("edge x"), "{err}");
    }
}
