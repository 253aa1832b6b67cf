//! Random operation sequences against a simple model: the input drives a series of write
//! transactions (upserts, edge adds/puts/removals, node removals, erasures, each
//! transaction committed or aborted) on an in-memory database and, in parallel, on a
//! model made of two maps keyed by external id. Every operation must succeed or fail as
//! the model predicts from the rules of §3, a failed operation must poison its
//! transaction, and after every transaction the database must hold exactly the model's
//! nodes and edges; at the end of the input it must also check clean (`check()` walks
//! the whole database, so running it after every transaction would halve the rate of
//! executions, and damage left by any transaction is still there at the end).

use guanxi::model::*;
use guanxi::store::{Database, Read, StoreError, WriteTxn};
use std::collections::BTreeMap;

const POOL: u8 = 5;

/// Edge identity by external ids: (kind code, from kind, from xid, to kind, to xid).
type EKey = (u8, u8, String, u8, String);

#[derive(Clone, Default, PartialEq, Debug)]
struct Model {
    nodes: [BTreeMap<String, Node>; NodeKind::COUNT],
    edges: BTreeMap<EKey, EdgeAttrs>,
}

impl Model {
    fn has(&self, kind: NodeKind, xid: &str) -> bool {
        self.nodes[usize::from(kind.code())].contains_key(xid)
    }

    fn drop_node(&mut self, kind: NodeKind, xid: &str) {
        self.nodes[usize::from(kind.code())].remove(xid);
        let k = kind.code();
        self.edges
            .retain(|(_, fk, f, tk, t), _| !((*fk == k && f == xid) || (*tk == k && t == xid)));
    }
}

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
}

fn xid(kind: NodeKind, i: u8) -> String {
    let p = match kind {
        NodeKind::Account => 'a',
        NodeKind::Person => 'p',
        NodeKind::Employee => 'e',
        NodeKind::Project => 'j',
    };
    format!("{p}{}", i % POOL)
}

fn score(b: u8) -> Score {
    Score::new(f64::from(b) / 255.0).expect("in range")
}

fn make_node(kind: NodeKind, x: String, b: u8) -> Node {
    let name = ["Li", "Wang 静", "Zhao"][usize::from(b % 3)].to_owned();
    match kind {
        NodeKind::Account => Node::Account(Account {
            xid: x,
            name,
            kind: AccountKind::ALL[usize::from(b / 3 % 3)],
        }),
        NodeKind::Person => Node::Person(Person {
            xid: x,
            name,
            title: (b & 0x10 != 0).then(|| "CTO".to_owned()),
        }),
        NodeKind::Employee => Node::Employee(Employee {
            xid: x,
            name,
            left: None,
        }),
        NodeKind::Project => Node::Project(Project {
            xid: x,
            name,
            stage: Stage::ALL[usize::from(b / 3 % 5)],
            amount: Amount::new(f64::from(b) * 1000.0).expect("non-negative"),
        }),
    }
}

fn make_attrs(kind: EdgeKind, b: u8) -> EdgeAttrs {
    match kind {
        // A works_at edge always carries a period (§8.2); this one spans all time, as
        // `persons.csv`'s account_id does, and reads back as such.
        EdgeKind::WorksAt => EdgeAttrs::Employment(Employment::default()),
        EdgeKind::Owns | EdgeKind::Competes | EdgeKind::Of => EdgeAttrs::None,
        EdgeKind::ReportsTo | EdgeKind::Influences | EdgeKind::RivalTie => {
            EdgeAttrs::Score(score(b))
        }
        EdgeKind::Tie => EdgeAttrs::Tie(Tie {
            closeness: score(b),
            last_contact: (b & 1 == 1).then(|| Day::from_days_since_epoch(20_000).expect("day")),
            private: b & 2 == 2,
        }),
        EdgeKind::Member => EdgeAttrs::Member(Member {
            role: Role::ALL[usize::from(b % 6)],
            coach: b & 0x40 != 0,
            solution: (b & 0x80 != 0).then(|| score(b)),
            price: None,
        }),
    }
}

/// The store id of a node by external id, or an id that does not exist.
fn store_ref(t: &WriteTxn, kind: NodeKind, x: &str) -> NodeRef {
    t.lookup(kind, x)
        .expect("lookup in a healthy transaction")
        .unwrap_or(NodeRef::new(kind, 1_000_000))
}

/// The edge of `kind` to a node of `to_kind` that `pick` names, as the model's key and as
/// the store's key (ends that do not exist get an id no node has).
fn edge_keys(t: &WriteTxn, kind: EdgeKind, to_kind: NodeKind, pick: u8) -> (EKey, EdgeKey) {
    let from_kind = kind.from_kind();
    let (fx, tx) = (xid(from_kind, pick), xid(to_kind, pick / 8));
    let ek = EdgeKey {
        kind,
        from: store_ref(t, from_kind, &fx),
        to: store_ref(t, to_kind, &tx),
    };
    ((kind.code(), from_kind.code(), fx, to_kind.code(), tx), ek)
}

/// Whether the model predicts that putting this edge succeeds.
fn edge_ok(m: &Model, key: &EKey, kind: EdgeKind, replace: bool) -> bool {
    let from_kind = kind.from_kind();
    let to_kind = NodeKind::from_code(key.3).expect("kind");
    if !m.has(from_kind, &key.2) || !m.has(to_kind, &key.4) {
        return false;
    }
    if matches!(kind, EdgeKind::ReportsTo | EdgeKind::Influences) && key.2 == key.4 {
        return false;
    }
    if matches!(kind, EdgeKind::RivalTie | EdgeKind::Competes) {
        let Some(Node::Account(a)) = m.nodes[0].get(&key.2) else {
            return false;
        };
        if a.kind != AccountKind::Competitor {
            return false;
        }
    }
    if m.edges.contains_key(key) {
        return replace;
    }
    if matches!(kind, EdgeKind::WorksAt | EdgeKind::Of)
        && m.edges.keys().any(|k| k.0 == key.0 && k.2 == key.2)
    {
        return false;
    }
    true
}

/// The database's content in the model's form, after verifying every invariant with
/// `check()` if `check` is set.
fn snapshot(db: &Database, check: bool) -> Model {
    let r = db.begin_read().expect("read");
    if check {
        let report = r.check().expect("check runs");
        assert!(report.is_clean(), "{report}");
    }
    let (net, _) = r.network().expect("network");
    let mut m = Model::default();
    for kind in NodeKind::ALL {
        assert_eq!(r.count(kind).unwrap(), net.count(kind) as u64);
    }
    let nodes = net
        .accounts
        .iter()
        .cloned()
        .map(Node::Account)
        .chain(net.persons.iter().cloned().map(Node::Person))
        .chain(net.employees.iter().cloned().map(Node::Employee))
        .chain(net.projects.iter().cloned().map(Node::Project));
    for n in nodes {
        m.nodes[usize::from(n.kind().code())].insert(n.xid().to_owned(), n);
    }
    for e in &net.edges {
        let k = e.key();
        let key = (
            k.kind.code(),
            k.from.kind.code(),
            net.xid(k.from).expect("from").to_owned(),
            k.to.kind.code(),
            net.xid(k.to).expect("to").to_owned(),
        );
        m.edges.insert(key, e.attrs());
    }
    m
}

/// An empty database. Creating one costs about a millisecond, far more than most inputs,
/// so one is reused: emptied by removing every node of the pool (its change log and id
/// counters keep growing, which the properties do not depend on) and replaced by a new
/// one every 64 inputs: `check()` walks the whole change log, so a longer-lived database
/// makes every input slower.
fn fresh_db() -> std::rc::Rc<Database> {
    thread_local! {
        static CURRENT: std::cell::RefCell<(std::rc::Rc<Database>, u32)> = std::cell::RefCell::new((
            std::rc::Rc::new(Database::in_memory().expect("in-memory database")),
            0,
        ));
    }
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        c.1 += 1;
        if c.1 >= 64 {
            *c = (
                std::rc::Rc::new(Database::in_memory().expect("in-memory database")),
                0,
            );
        }
        let db = std::rc::Rc::clone(&c.0);
        db.write(0, |t| {
            for kind in NodeKind::ALL {
                for i in 0..POOL {
                    if kind == NodeKind::Person {
                        // Erased, so that no earlier input's removed person is known to
                        // the log by its external id (which an erasure would find).
                        t.erase_person(&xid(kind, i))?;
                    } else if let Some(n) = t.lookup(kind, &xid(kind, i))? {
                        t.remove_node(n)?;
                    }
                }
            }
            Ok(())
        })
        .expect("emptying the reused database");
        db
    })
}

/// Runs one input; panics if a property breaks.
#[expect(
    clippy::too_many_lines,
    reason = "one flat interpreter loop reads best as a whole"
)]
pub fn run(data: &[u8]) {
    let db = fresh_db();
    let mut committed = Model::default();
    // The persons removed (not erased) by this input: the log still knows their names,
    // so erasing one finds it.
    let mut committed_gone = std::collections::BTreeSet::new();
    let mut input = Bytes(data);
    let mut time = 0;
    'txns: loop {
        time += 1;
        let mut t = db.begin_write(time).expect("begin write");
        let mut work = committed.clone();
        let mut gone = committed_gone.clone();
        let mut poisoned = false;
        loop {
            let Some(op) = input.next() else {
                // End of input: commit what is there and stop.
                let ok = t.commit().is_ok();
                assert_eq!(ok, !poisoned);
                if ok {
                    committed = work;
                }
                assert_eq!(snapshot(&db, true), committed);
                break 'txns;
            };
            let sel = input.next().unwrap_or(0);
            let pick = input.next().unwrap_or(0);
            let detail = input.next().unwrap_or(0);
            if op % 8 == 7 {
                // End of transaction: commit or abort.
                if sel % 4 == 0 {
                    t.abort().expect("abort");
                } else {
                    let ok = t.commit().is_ok();
                    assert_eq!(ok, !poisoned, "commit of a (non-)poisoned transaction");
                    if ok {
                        committed = work;
                        committed_gone = gone;
                    }
                }
                assert_eq!(snapshot(&db, false), committed);
                continue 'txns;
            }
            if poisoned {
                // Every operation of sel poisoned transaction is refused.
                let r = t.upsert_person(Person {
                    xid: "p0".into(),
                    name: "x".into(),
                    title: None,
                });
                assert!(matches!(r, Err(StoreError::Poisoned)));
                continue;
            }
            let ok = match op % 8 {
                0 | 1 => {
                    let kind = NodeKind::ALL[usize::from(sel) % NodeKind::COUNT];
                    let x = xid(kind, pick);
                    let node = make_node(kind, x.clone(), detail);
                    let mut expect = true;
                    if let (Node::Account(new), Some(Node::Account(old))) =
                        (&node, work.nodes[0].get(&x))
                    {
                        let has_rival_edges = work.edges.keys().any(|k| {
                            (k.0 == EdgeKind::RivalTie.code() || k.0 == EdgeKind::Competes.code())
                                && k.2 == x
                        });
                        if old.kind == AccountKind::Competitor
                            && new.kind != AccountKind::Competitor
                            && has_rival_edges
                        {
                            expect = false;
                        }
                    }
                    let ok = t.upsert_node(node.clone()).is_ok();
                    assert_eq!(ok, expect, "upsert {node:?}");
                    if ok {
                        work.nodes[usize::from(kind.code())].insert(x, node);
                    }
                    ok
                }
                2 | 3 => {
                    let kind = EdgeKind::ALL[usize::from(sel) % EdgeKind::COUNT];
                    let to_kind = match kind {
                        EdgeKind::Owns if detail & 0x20 != 0 => NodeKind::Project,
                        EdgeKind::Owns => NodeKind::Account,
                        k => NodeKind::ALL
                            .into_iter()
                            .find(|n| k.allows_to(*n))
                            .expect("a to kind"),
                    };
                    let (key, ek) = edge_keys(&t, kind, to_kind, pick);
                    let attrs = make_attrs(kind, detail);
                    let edge = Edge::from_parts(ek, attrs.clone()).expect("attrs fit the kind");
                    let replace = op % 8 == 3;
                    let expect = edge_ok(&work, &key, kind, replace);
                    let r = if replace {
                        t.put_edge(edge.clone()).map(|existed| {
                            assert_eq!(existed, work.edges.contains_key(&key), "put_edge result");
                        })
                    } else {
                        t.add_edge(edge.clone())
                    };
                    assert_eq!(
                        r.is_ok(),
                        expect,
                        "{} {edge:?}: {r:?}",
                        if replace { "put" } else { "add" }
                    );
                    if r.is_ok() {
                        work.edges.insert(key, attrs);
                    }
                    r.is_ok()
                }
                4 => {
                    let kind = EdgeKind::ALL[usize::from(sel) % EdgeKind::COUNT];
                    let to_kind = NodeKind::ALL
                        .into_iter()
                        .find(|n| kind.allows_to(*n))
                        .expect("a to kind");
                    let (key, ek) = edge_keys(&t, kind, to_kind, pick);
                    let existed = t.remove_edge(ek).expect("remove_edge");
                    assert_eq!(existed, work.edges.remove(&key).is_some());
                    true
                }
                5 => {
                    let kind = NodeKind::ALL[usize::from(sel) % NodeKind::COUNT];
                    let x = xid(kind, pick);
                    let node = store_ref(&t, kind, &x);
                    let ok = t.remove_node(node).is_ok();
                    assert_eq!(ok, work.has(kind, &x), "remove {kind} {x}");
                    if ok {
                        work.drop_node(kind, &x);
                        if kind == NodeKind::Person {
                            gone.insert(x);
                        }
                    }
                    ok
                }
                _ => {
                    let x = xid(NodeKind::Person, pick);
                    let found = t.erase_person(&x).expect("erase");
                    assert_eq!(found, work.has(NodeKind::Person, &x) || gone.contains(&x));
                    work.drop_node(NodeKind::Person, &x);
                    gone.remove(&x);
                    true
                }
            };
            if !ok {
                poisoned = true;
                assert!(t.is_poisoned());
            }
        }
    }
}
