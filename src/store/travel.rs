//! Time travel over commits: the database as it stood after any earlier commit, rebuilt
//! from the change log.
//!
//! # Mechanism
//!
//! The log holds every change with what it replaced or removed, so it can be applied in
//! either direction onto an in-memory image of the database (store ids, records, edges
//! in key order, interactions by id):
//!
//! * **backwards** from the present: load the current state, then undo every entry
//!   after the commit, newest first. The cost is one scan of the database plus the
//!   entries undone, so the recent past is cheap. It needs every later commit to have
//!   recorded what it replaced (format 3 and later).
//! * **forwards** from the empty database: apply every entry up to the end of the
//!   commit. The cost is the entries applied, so the early history is cheap. It needs
//!   the whole log from the first entry: impossible once the log was trimmed.
//!
//! [`Read::network_at_commit`](super::Read::network_at_commit) takes the cheaper of the
//! two that are possible (counting a scanned record like an entry). The storage engine's
//! savepoints were the alternative: a savepoint is read back only by rolling the whole
//! database back to it, and every savepoint kept pins the pages of its state in the
//! file, so a history of every commit would keep every version of every page. The log
//! is already there (it is the sync feed), costs no extra space beyond the before-images
//! of updates and removals, and trimming it bounds both.
//!
//! # What cannot be read back
//!
//! A commit whose record was trimmed ([`StoreError::CommitTrimmed`]); a commit that
//! does not exist yet ([`StoreError::UnknownCommit`]); and, in a file upgraded from
//! format 1 or 2 whose log was then trimmed, the commits before the upgrade
//! ([`StoreError::CommitUnrecoverable`]: they did not record what they replaced, so they
//! cannot be undone, and the trimmed start of the log is needed to replay them). "After
//! commit 0" is the empty database, always.

use super::error::{Result, StoreError};
use super::history;
use super::interaction::{self, InteractionId};
use super::internal::keys;
use super::internal::records::edge_from_out;
use super::internal::tables::{INTERACTIONS, LOG, OUT};
use super::log::{Before, Stored};
use super::read::{IdMap, Read};
use crate::model::{
    EdgeAttrs, EdgeKey, EmployeeId, Interaction, Network, Node, NodeKind, NodeRef, PersonId,
    ProjectId,
};
use redb::ReadableTable;
use std::collections::BTreeMap;

/// The database in memory, by store ids: what the log's entries are applied to.
#[derive(Default)]
struct Image {
    nodes: [BTreeMap<u32, Node>; NodeKind::COUNT],
    /// (kind code, packed from, packed to) — the out table's key order.
    edges: BTreeMap<(u8, u64, u64), EdgeAttrs>,
    interactions: BTreeMap<u64, Interaction>,
}

fn edge_key(k: EdgeKey) -> (u8, u64, u64) {
    (k.kind.code(), k.from.pack(), k.to.pack())
}

/// An entry that cannot be undone: written before format 3.
fn unrecorded(seq: u64) -> StoreError {
    StoreError::Corrupt {
        what: format!("log entry {seq}"),
        reason: "it belongs to a commit that records what it replaced, but it does not".to_owned(),
    }
}

impl Image {
    /// The state `src` reads.
    fn current<S: Read + ?Sized>(src: &S) -> Result<Image> {
        let mut image = Image::default();
        for kind in NodeKind::ALL {
            let map = &mut image.nodes[usize::from(kind.code())];
            src.for_each_node(kind, |n, record| {
                map.insert(n.id, record);
            })?;
        }
        let out = src.open(OUT)?;
        for r in out.iter()? {
            let (k, v) = r?;
            let edge = edge_from_out(k.value(), v.value())?;
            image.edges.insert(edge_key(edge.key()), edge.attrs());
        }
        if let Some(t) = src.open_optional(INTERACTIONS)? {
            for r in t.iter()? {
                let (k, v) = r?;
                let id = InteractionId(k.value());
                image
                    .interactions
                    .insert(id.0, interaction::decode_record(v.value(), id)?);
            }
        }
        Ok(image)
    }

    /// Applies a change as it happened.
    fn apply(&mut self, change: Stored) {
        match change {
            Stored::UpsertNode { node, record, .. } => {
                self.nodes[usize::from(node.kind.code())].insert(node.id, record);
            }
            Stored::RemoveNode { node, before } => {
                self.nodes[usize::from(node.kind.code())].remove(&node.id);
                if matches!(before, Before::Unrecorded) {
                    // Before format 3 a removal did not log the edges it took.
                    let packed = node.pack();
                    self.edges.retain(|k, _| k.1 != packed && k.2 != packed);
                }
            }
            Stored::PutEdge { edge, .. } => {
                self.edges.insert(edge_key(edge.key()), edge.attrs());
            }
            Stored::RemoveEdge { key, .. } => {
                self.edges.remove(&edge_key(key));
            }
            Stored::PutInteraction {
                id, interaction, ..
            } => {
                self.interactions.insert(id.0, interaction);
            }
            Stored::RemoveInteraction { id, .. } => {
                self.interactions.remove(&id.0);
            }
        }
    }

    /// Undoes a change (the entry at `seq`): puts back what it replaced or removed.
    fn undo(&mut self, seq: u64, change: Stored) -> Result<()> {
        match change {
            Stored::UpsertNode { node, before, .. } => {
                let nodes = &mut self.nodes[usize::from(node.kind.code())];
                match before {
                    Before::Absent => {
                        nodes.remove(&node.id);
                    }
                    Before::Was(old) => {
                        nodes.insert(node.id, old);
                    }
                    Before::Unrecorded => return Err(unrecorded(seq)),
                }
            }
            Stored::RemoveNode { node, before } => match before {
                Before::Was(old) => {
                    self.nodes[usize::from(node.kind.code())].insert(node.id, old);
                }
                _ => return Err(unrecorded(seq)),
            },
            Stored::PutEdge { edge, before } => {
                let k = edge_key(edge.key());
                match before {
                    Before::Absent => {
                        self.edges.remove(&k);
                    }
                    Before::Was(old) => {
                        self.edges.insert(k, old);
                    }
                    Before::Unrecorded => return Err(unrecorded(seq)),
                }
            }
            Stored::RemoveEdge { key, before } => match before {
                Before::Was(old) => {
                    self.edges.insert(edge_key(key), old);
                }
                _ => return Err(unrecorded(seq)),
            },
            Stored::PutInteraction { id, before, .. } => match before {
                Before::Absent => {
                    self.interactions.remove(&id.0);
                }
                Before::Was(old) => {
                    self.interactions.insert(id.0, old);
                }
                Before::Unrecorded => return Err(unrecorded(seq)),
            },
            Stored::RemoveInteraction { id, before } => match before {
                Before::Was(old) => {
                    self.interactions.insert(id.0, old);
                }
                _ => return Err(unrecorded(seq)),
            },
        }
        Ok(())
    }

    /// The image as a [`Network`] numbered like [`Read::network`] numbers the database:
    /// each kind's nodes by store id, edges in key order, interactions by id.
    fn into_network(self) -> Result<(Network, IdMap)> {
        let ids: [Vec<u32>; NodeKind::COUNT] =
            std::array::from_fn(|k| self.nodes[k].keys().copied().collect());
        let map = IdMap::from_store_ids(ids);
        let mut net = Network::new();
        let [accounts, persons, employees, projects] = self.nodes;
        for record in accounts
            .into_values()
            .chain(persons.into_values())
            .chain(employees.into_values())
            .chain(projects.into_values())
        {
            match record {
                Node::Account(a) => net.accounts.push(a),
                Node::Person(p) => net.persons.push(p),
                Node::Employee(e) => net.employees.push(e),
                Node::Project(x) => net.projects.push(x),
            }
        }
        let position = |n: NodeRef, what: &dyn Fn() -> String| {
            map.network_ref(n).ok_or_else(|| StoreError::Corrupt {
                what: what(),
                reason: format!("its {n} does not exist at that commit"),
            })
        };
        net.edges.reserve(self.edges.len());
        for ((code, from, to), attrs) in self.edges {
            let key = keys::decode_out(&keys::raw(code, from, to)).ok_or_else(|| {
                StoreError::Corrupt {
                    what: "the change log".to_owned(),
                    reason: "it holds an edge key of no edge kind".to_owned(),
                }
            })?;
            let what = || format!("edge {key}");
            let mapped = EdgeKey {
                kind: key.kind,
                from: position(key.from, &what)?,
                to: position(key.to, &what)?,
            };
            let edge = crate::model::Edge::from_parts(mapped, attrs)
                .ok_or_else(|| super::internal::records::bad_attrs(&key))?;
            net.edges.push(edge);
        }
        for (id, i) in self.interactions {
            let what = || format!("{}", InteractionId(id));
            net.interactions.push(Interaction {
                employee: EmployeeId(position(i.employee.into(), &what)?.id),
                person: PersonId(position(i.person.into(), &what)?.id),
                project: match i.project {
                    Some(x) => Some(ProjectId(position(x.into(), &what)?.id)),
                    None => None,
                },
                ..i
            });
        }
        Ok((net, map))
    }
}

/// See [`Read::network_at_commit`](super::Read::network_at_commit).
pub(crate) fn network_at_commit<S: Read + ?Sized>(
    src: &S,
    commit: u64,
) -> Result<(Network, IdMap)> {
    if commit == 0 {
        return Ok((Network::new(), IdMap::default()));
    }
    let counters = src.counters()?;
    let last = counters.next_commit.saturating_sub(1);
    if commit > last {
        return Err(StoreError::UnknownCommit { commit, last });
    }
    let Some(record) = history::commit(src, commit)? else {
        let first_available = history::commit_range(src)?.map_or(last + 1, |(first, _)| first);
        return Err(StoreError::CommitTrimmed {
            commit,
            first_available,
        });
    };
    let end = record.end_seq;
    let open = src
        .open_commit()
        .is_some_and(|(_, first)| counters.next_seq > first);
    if commit == last && !open {
        return src.network();
    }
    // Backwards: every later commit must record what it replaced.
    let reversible = history::reversible_from(src, commit + 1)?;
    let forwards = counters.log_start == 0;
    let records = counters.nodes.iter().sum::<u64>()
        + counters.edges.iter().sum::<u64>()
        + counters.interactions;
    let backward_cost = records + (counters.next_seq - end);
    let forward_cost = end;
    if reversible && (!forwards || backward_cost < forward_cost) {
        return backwards(src, end);
    }
    if forwards {
        return forwards_to(src, end);
    }
    Err(StoreError::CommitUnrecoverable {
        commit,
        reason: format!(
            "the log was trimmed (it starts at entry {}), and a later commit was written before file format 3, which did not record what each change replaced",
            counters.log_start
        ),
    })
}

/// The state before entry `end`: the present with every entry from `end` on undone.
fn backwards<S: Read + ?Sized>(src: &S, end: u64) -> Result<(Network, IdMap)> {
    let mut image = Image::current(src)?;
    let log = src.open(LOG)?;
    for r in log.range(end..)?.rev() {
        let (k, v) = r?;
        let seq = k.value();
        image.undo(seq, history::decode_entry(seq, v.value())?.change)?;
    }
    image.into_network()
}

/// The state before entry `end`: every entry before it applied to the empty database.
fn forwards_to<S: Read + ?Sized>(src: &S, end: u64) -> Result<(Network, IdMap)> {
    let mut image = Image::default();
    let log = src.open(LOG)?;
    for r in log.range(..end)? {
        let (k, v) = r?;
        image.apply(history::decode_entry(k.value(), v.value())?.change);
    }
    image.into_network()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Account, AccountKind, Day, Edge, Employee, Employment, InteractionKind, Person, Score, Tie,
    };
    use crate::store::{Database, MoveOptions};

    fn person(xid: &str) -> Person {
        Person {
            xid: xid.into(),
            name: xid.into(),
            title: None,
        }
    }

    /// Both directions rebuild every commit of a history with updates, removals (with
    /// their cascades), interactions and a move, as it was when it committed.
    #[test]
    fn backwards_and_forwards_agree_with_the_state_at_each_commit() {
        let db = Database::in_memory().unwrap();
        let day = |s: &str| s.parse::<Day>().unwrap();
        let mut states = vec![(Network::new(), IdMap::default())];
        let mut commit = |f: &dyn Fn(&mut crate::store::WriteTxn) -> Result<()>| {
            db.write(i64::try_from(states.len()).unwrap(), |t| f(t))
                .unwrap();
            states.push(db.begin_read().unwrap().network().unwrap());
        };
        commit(&|t| {
            let a = t.upsert_account(Account {
                xid: "A".into(),
                name: "Acme".into(),
                kind: AccountKind::Client,
            })?;
            t.upsert_account(Account {
                xid: "B".into(),
                name: "Bolt".into(),
                kind: AccountKind::Client,
            })?;
            for x in ["p1", "p2", "p3"] {
                let p = t.upsert_person(person(x))?;
                t.add_edge(Edge::WorksAt {
                    person: p,
                    account: a,
                    employment: Employment::default(),
                })?;
            }
            let e = t.upsert_employee(Employee {
                xid: "e1".into(),
                name: "Zhang".into(),
                left: None,
            })?;
            for p in 0..3 {
                t.add_edge(Edge::Tie {
                    employee: e,
                    person: PersonId(p),
                    tie: Tie {
                        closeness: Score::new(0.5).unwrap(),
                        last_contact: None,
                        private: false,
                    },
                })?;
            }
            Ok(())
        });
        commit(&|t| {
            t.add_interaction(Interaction {
                employee: EmployeeId(0),
                person: PersonId(1),
                date: day("2025-01-02"),
                kind: InteractionKind::Call,
                project: None,
            })?;
            t.record_contact(EmployeeId(0), PersonId(0), day("2025-02-01"), None)?;
            t.rename(PersonId(2).into(), "Pat")?;
            Ok(())
        });
        commit(&|t| t.remove_node(PersonId(1).into()));
        commit(&|t| {
            t.move_person(
                PersonId(0),
                crate::model::AccountId(1),
                day("2025-03-01"),
                &MoveOptions::default(),
            )
            .map(|_| ())
        });
        commit(&|t| {
            t.upsert_person(person("p2"))?;
            t.set_left(EmployeeId(0), Some(day("2025-06-30")))?;
            t.remove_node(crate::model::AccountId(0).into())
        });
        let r = db.begin_read().unwrap();
        let head = r.log_head().unwrap();
        for (n, state) in states.iter().enumerate() {
            let end = match n {
                0 => 0,
                n => history::commit(&r, n as u64).unwrap().unwrap().end_seq,
            };
            assert_eq!(
                &backwards(&r, end).unwrap(),
                state,
                "backwards to commit {n}"
            );
            assert_eq!(
                &forwards_to(&r, end).unwrap(),
                state,
                "forwards to commit {n}"
            );
            assert_eq!(
                &network_at_commit(&r, n as u64).unwrap(),
                state,
                "commit {n}"
            );
        }
        assert_eq!(&forwards_to(&r, head).unwrap(), states.last().unwrap());
    }
}
