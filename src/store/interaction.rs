//! Interactions in the store: their ids, their tables' keys, and the writes that keep the
//! record table and its three indexes in step.
//!
//! # Layout
//!
//! An interaction is a record, not an edge: a pair may have any number, several on one
//! day. Each gets an [`InteractionId`] from a counter (never reused) and is stored once by
//! id, and once in each index under a key that makes the three questions a CRM asks one
//! range scan each:
//!
//! | table | key (big-endian) | value |
//! |---|---|---|
//! | `guanxi.interaction` | id `u64` | record |
//! | `guanxi.interaction.by_pair` | employee `u32`, person `u32`, day, id (20 bytes) | record |
//! | `guanxi.interaction.by_person` | person, day, id (16 bytes) | record |
//! | `guanxi.interaction.by_date` | day, id (12 bytes) | record |
//! | `guanxi.interaction.by_project` | project, id (12 bytes) | — |
//!
//! "This employee's interactions with this person", "this person's interactions" and
//! "the interactions between two dates" are ranges of the first three indexes, in date
//! order (then id, which is recording order), and the index values are the records
//! themselves (a dozen bytes), so a scan needs no second lookup. A day is stored as its
//! day number with the sign bit flipped, so that byte order is date order. Adding an
//! interaction is one insert into each table (the project index only when it names a
//! project); the project index exists for the one write that needs it, clearing the
//! project of the interactions of a removed project.
//!
//! The tables came with file format 2. In a format-1 file they do not exist and read as
//! empty; a write transaction creates them when it upgrades the file.

use super::backup::copy_optional;
use super::error::{Result, StoreError};
use super::internal::codec::{encode_into, unchanged_since_v1};
use super::internal::plain;
use super::internal::tables::{BY_DATE, BY_PAIR, BY_PERSON, BY_PROJECT, INTERACTIONS};
use crate::model::{Day, EmployeeId, Interaction, PersonId, ProjectId};
use redb::{ReadableTable, Table};
use serde::{Deserialize, Serialize};
use std::fmt;

unchanged_since_v1!(Interaction);

/// The store's id of an interaction: handed out by
/// [`WriteTxn::add_interaction`](super::WriteTxn::add_interaction) in recording order, and
/// never reused, also after the interaction is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct InteractionId(pub u64);

impl fmt::Display for InteractionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "interaction #{}", self.0)
    }
}

/// A day as 4 bytes whose order is the date order.
pub(crate) fn day_bytes(day: Day) -> [u8; 4] {
    // Two's complement with the sign bit flipped is offset binary: order-preserving.
    (u32::from_be_bytes(day.days_since_epoch().to_be_bytes()) ^ 0x8000_0000).to_be_bytes()
}

/// Key of the pair index.
pub(crate) fn pair_key(e: EmployeeId, p: PersonId, day: [u8; 4], id: u64) -> [u8; 20] {
    let mut k = [0; 20];
    k[..4].copy_from_slice(&e.0.to_be_bytes());
    k[4..8].copy_from_slice(&p.0.to_be_bytes());
    k[8..12].copy_from_slice(&day);
    k[12..].copy_from_slice(&id.to_be_bytes());
    k
}

/// Key of the person index.
pub(crate) fn person_key(p: PersonId, day: [u8; 4], id: u64) -> [u8; 16] {
    let mut k = [0; 16];
    k[..4].copy_from_slice(&p.0.to_be_bytes());
    k[4..8].copy_from_slice(&day);
    k[8..].copy_from_slice(&id.to_be_bytes());
    k
}

/// Key of the date index.
pub(crate) fn date_key(day: [u8; 4], id: u64) -> [u8; 12] {
    let mut k = [0; 12];
    k[..4].copy_from_slice(&day);
    k[4..].copy_from_slice(&id.to_be_bytes());
    k
}

/// Key of the project index.
pub(crate) fn project_key(x: ProjectId, id: u64) -> [u8; 12] {
    let mut k = [0; 12];
    k[..4].copy_from_slice(&x.0.to_be_bytes());
    k[4..].copy_from_slice(&id.to_be_bytes());
    k
}

/// The index keys of one interaction.
pub(crate) struct IndexKeys {
    pub(crate) pair: [u8; 20],
    pub(crate) person: [u8; 16],
    pub(crate) date: [u8; 12],
    pub(crate) project: Option<[u8; 12]>,
}

impl IndexKeys {
    pub(crate) fn of(id: InteractionId, i: &Interaction) -> IndexKeys {
        let day = day_bytes(i.date);
        IndexKeys {
            pair: pair_key(i.employee, i.person, day, id.0),
            person: person_key(i.person, day, id.0),
            date: date_key(day, id.0),
            project: i.project.map(|x| project_key(x, id.0)),
        }
    }
}

/// The first and last pair-index keys of `e`'s interactions with `p`.
pub(crate) fn pair_range(e: EmployeeId, p: PersonId) -> ([u8; 20], [u8; 20]) {
    (
        pair_key(e, p, [0; 4], 0),
        pair_key(e, p, [0xff; 4], u64::MAX),
    )
}

/// The first and last pair-index keys of every interaction of employee `e`.
pub(crate) fn employee_range(e: EmployeeId) -> ([u8; 20], [u8; 20]) {
    (
        pair_key(e, PersonId(0), [0; 4], 0),
        pair_key(e, PersonId(u32::MAX), [0xff; 4], u64::MAX),
    )
}

/// The first and last person-index keys of `p`'s interactions.
pub(crate) fn person_range(p: PersonId) -> ([u8; 16], [u8; 16]) {
    (person_key(p, [0; 4], 0), person_key(p, [0xff; 4], u64::MAX))
}

/// The first and last date-index keys of the days `from..=to`.
pub(crate) fn date_range(from: Day, to: Day) -> ([u8; 12], [u8; 12]) {
    (
        date_key(day_bytes(from), 0),
        date_key(day_bytes(to), u64::MAX),
    )
}

/// The first and last project-index keys of `x`.
pub(crate) fn project_range(x: ProjectId) -> ([u8; 12], [u8; 12]) {
    (project_key(x, 0), project_key(x, u64::MAX))
}

/// The id at the end of an index key.
pub(crate) fn id_of(key: &[u8]) -> InteractionId {
    let mut id = [0; 8];
    id.copy_from_slice(&key[key.len() - 8..]);
    InteractionId(u64::from_be_bytes(id))
}

/// Decodes an interaction record; `id` names it for the error.
pub(crate) fn decode_record(bytes: &[u8], id: InteractionId) -> Result<Interaction> {
    plain::interaction(bytes, &|| format!("{id} record"))
}

/// Decodes an index entry and checks that its key is the one the record would have: an
/// entry that disagrees with itself is damage.
pub(crate) fn decode_entry(key: &[u8], value: &[u8]) -> Result<(InteractionId, Interaction)> {
    let id = id_of(key);
    let i = decode_record(value, id)?;
    let keys = IndexKeys::of(id, &i);
    let agrees = match key.len() {
        20 => key == keys.pair,
        16 => key == keys.person,
        12 => key == keys.date,
        _ => false,
    };
    if agrees {
        Ok((id, i))
    } else {
        Err(StoreError::Corrupt {
            what: format!("index entry of {id}"),
            reason: format!("its key {key:02x?} does not match its record"),
        })
    }
}

/// The tables of a write transaction that hold interactions.
pub(crate) struct Tables<'t> {
    pub(crate) records: Table<'t, u64, &'static [u8]>,
    pub(crate) pair: Table<'t, &'static [u8; 20], &'static [u8]>,
    pub(crate) person: Table<'t, &'static [u8; 16], &'static [u8]>,
    pub(crate) date: Table<'t, &'static [u8; 12], &'static [u8]>,
    pub(crate) project: Table<'t, &'static [u8; 12], ()>,
}

impl<'t> Tables<'t> {
    /// Opens (creating if need be) the interaction tables of `txn`.
    pub(crate) fn open(txn: &'t redb::WriteTransaction) -> Result<Tables<'t>> {
        Ok(Tables {
            records: txn.open_table(INTERACTIONS)?,
            pair: txn.open_table(BY_PAIR)?,
            person: txn.open_table(BY_PERSON)?,
            date: txn.open_table(BY_DATE)?,
            project: txn.open_table(BY_PROJECT)?,
        })
    }

    /// Writes an interaction (new, or replacing the one with its id, whose old record is
    /// `old`) into the record table and every index.
    pub(crate) fn put(
        &mut self,
        id: InteractionId,
        i: &Interaction,
        old: Option<&Interaction>,
        buf: &mut Vec<u8>,
    ) -> Result<()> {
        if let Some(old) = old {
            self.delete(id, old)?;
        }
        encode_into(i, buf, &|| format!("{id} record"))?;
        let bytes = buf.as_slice();
        let keys = IndexKeys::of(id, i);
        self.records.insert(id.0, bytes)?;
        self.pair.insert(&keys.pair, bytes)?;
        self.person.insert(&keys.person, bytes)?;
        self.date.insert(&keys.date, bytes)?;
        if let Some(k) = keys.project {
            self.project.insert(&k, ())?;
        }
        Ok(())
    }

    /// Removes an interaction whose record is `i` from the record table and every index.
    pub(crate) fn delete(&mut self, id: InteractionId, i: &Interaction) -> Result<()> {
        let keys = IndexKeys::of(id, i);
        self.records.remove(id.0)?;
        self.pair.remove(&keys.pair)?;
        self.person.remove(&keys.person)?;
        self.date.remove(&keys.date)?;
        if let Some(k) = keys.project {
            self.project.remove(&k)?;
        }
        Ok(())
    }

    /// The record of `id`, if there is one.
    pub(crate) fn get(&self, id: InteractionId) -> Result<Option<Interaction>> {
        let g = self.records.get(id.0)?;
        g.map(|g| decode_record(g.value(), id)).transpose()
    }
}

/// What removing `node` does to the interactions that name it, done on `t`: an
/// employee's or a person's interactions are removed (`(id, old, None)`), a project's
/// lose their project (`(id, old, Some(new record))`). Returns those changes in id order,
/// for the caller to count and log. Other kinds of node have no interactions.
pub(crate) fn cascade(
    t: &mut Tables<'_>,
    node: crate::model::NodeRef,
    buf: &mut Vec<u8>,
) -> Result<Vec<(InteractionId, Interaction, Option<Interaction>)>> {
    use crate::model::NodeKind;
    let mut ids = match node.kind {
        NodeKind::Employee => {
            let (lo, hi) = employee_range(EmployeeId(node.id));
            ids_in(&t.pair, &lo, &hi)?
        }
        NodeKind::Person => {
            let (lo, hi) = person_range(PersonId(node.id));
            ids_in(&t.person, &lo, &hi)?
        }
        NodeKind::Project => {
            let (lo, hi) = project_range(ProjectId(node.id));
            ids_in(&t.project, &lo, &hi)?
        }
        NodeKind::Account => Vec::new(),
    };
    ids.sort_unstable();
    let mut changes = Vec::with_capacity(ids.len());
    for id in ids {
        let old = t.get(id)?.ok_or_else(|| StoreError::Corrupt {
            what: format!("index entry of {id}"),
            reason: "the interaction has no record".to_owned(),
        })?;
        if node.kind == NodeKind::Project {
            let new = Interaction {
                project: None,
                ..old
            };
            t.put(id, &new, Some(&old), buf)?;
            changes.push((id, old, Some(new)));
        } else {
            t.delete(id, &old)?;
            changes.push((id, old, None));
        }
    }
    Ok(changes)
}

/// Copies the interaction tables of `src` that exist into `dst` (for backups and
/// rewrites, which copy table by table); returns the number of interactions. A file of
/// format 1 has none, and its copy none either (the copy keeps its format).
pub(crate) fn copy_tables(
    src: &redb::ReadTransaction,
    dst: &redb::WriteTransaction,
) -> Result<u64> {
    let n = copy_optional(src, dst, INTERACTIONS)?;
    copy_optional(src, dst, BY_PAIR)?;
    copy_optional(src, dst, BY_PERSON)?;
    copy_optional(src, dst, BY_DATE)?;
    copy_optional(src, dst, BY_PROJECT)?;
    Ok(n)
}

/// The ids in the index range `lo..=hi` of a table keyed by `[u8; N]`.
pub(crate) fn ids_in<const N: usize, V: redb::Value + 'static>(
    t: &impl ReadableTable<&'static [u8; N], V>,
    lo: &[u8; N],
    hi: &[u8; N],
) -> Result<Vec<InteractionId>> {
    let mut ids = Vec::new();
    for r in t.range::<&[u8; N]>(lo..=hi)? {
        let (k, _) = r?;
        ids.push(id_of(k.value()));
    }
    Ok(ids)
}

/// The entries in the index range `lo..=hi`, decoded and checked against their keys.
pub(crate) fn entries_in<const N: usize>(
    t: &impl ReadableTable<&'static [u8; N], &'static [u8]>,
    lo: &[u8; N],
    hi: &[u8; N],
) -> Result<Vec<(InteractionId, Interaction)>> {
    let mut out = Vec::new();
    for r in t.range::<&[u8; N]>(lo..=hi)? {
        let (k, v) = r?;
        out.push(decode_entry(k.value(), v.value())?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InteractionKind;

    #[test]
    fn keys_sort_by_date_across_the_epoch_and_round_trip() {
        let days = [
            "1969-12-31",
            "1970-01-01",
            "2025-06-30",
            "0001-01-01",
            "9999-12-31",
        ]
        .map(|d| d.parse::<Day>().unwrap());
        let mut sorted = days;
        sorted.sort();
        let mut by_bytes = days;
        by_bytes.sort_by_key(|d| day_bytes(*d));
        assert_eq!(by_bytes, sorted);
        let i = Interaction {
            employee: EmployeeId(3),
            person: PersonId(7),
            date: days[2],
            kind: InteractionKind::Call,
            project: Some(ProjectId(2)),
        };
        let keys = IndexKeys::of(InteractionId(9), &i);
        let (lo, hi) = pair_range(EmployeeId(3), PersonId(7));
        assert!(lo <= keys.pair && keys.pair <= hi);
        let (lo, hi) = employee_range(EmployeeId(3));
        assert!(lo <= keys.pair && keys.pair <= hi);
        let (lo, hi) = person_range(PersonId(7));
        assert!(lo <= keys.person && keys.person <= hi);
        let (lo, hi) = date_range(days[2], days[2]);
        assert!(lo <= keys.date && keys.date <= hi);
        let (lo, _) = date_range(days[4], days[4]);
        assert!(keys.date < lo);
        assert_eq!(id_of(&keys.pair), InteractionId(9));
        let mut buf = Vec::new();
        encode_into(&i, &mut buf, &|| String::new()).unwrap();
        assert_eq!(
            decode_entry(&keys.person, &buf).unwrap(),
            (InteractionId(9), i)
        );
        // The id is the key's (the record does not hold it); a key whose other parts
        // disagree with the record is damage.
        let other = IndexKeys::of(InteractionId(10), &i);
        assert!(matches!(
            decode_entry(&other.person, &buf[..]).map(|(id, _)| id),
            Ok(InteractionId(10))
        ));
        let moved = Interaction {
            person: PersonId(8),
            ..i
        };
        let wrong = IndexKeys::of(InteractionId(9), &moved);
        assert!(decode_entry(&wrong.person, &buf).is_err());
    }
}
