//! Model test: random batches of operations — valid and invalid (dangling ends,
//! duplicates, self-loops, non-competitor rival ties, empty and overlapping employment
//! periods, kind changes, interactions with missing ends) — applied to the store and to a
//! plain in-memory model built from `BTreeMap`s. A batch containing an invalid operation
//! must fail as a whole; after every batch the store must equal the model (nodes, external
//! ids, every edge seen from both ends, every interaction by id, by pair, by person and by
//! date, counts) and its consistency check must be clean.

use guanxi::model::*;
use guanxi::store::{Database, InteractionId, Read, StoreError, WriteTxn};
use proptest::prelude::*;
use std::collections::BTreeMap;

const IDS: u32 = 6;

#[derive(Debug, Clone)]
enum Op {
    Upsert(Node),
    Add(Edge),
    Put(Edge),
    RemoveEdge(EdgeKey),
    RemoveNode(NodeRef),
    AddInteraction(Interaction),
    RemoveInteraction(u64),
}

/// What an operation returns, in the store and in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    Node(NodeRef),
    Interaction(InteractionId),
    Existed(bool),
    Nothing,
}

/// The days the model uses: few, so that periods and interactions meet.
fn day(n: u8) -> Day {
    Day::from_ymd(2024, 1, 1 + n).unwrap()
}

fn some_day() -> impl Strategy<Value = Option<Day>> {
    proptest::option::of((0..4u8).prop_map(day))
}

fn interaction() -> impl Strategy<Value = Interaction> {
    (id(), id(), 0..4u8, 0..5usize, proptest::option::of(id())).prop_map(|(e, p, d, k, x)| {
        Interaction {
            employee: EmployeeId(e),
            person: PersonId(p),
            date: day(d),
            kind: InteractionKind::ALL[k],
            project: x.map(ProjectId),
        }
    })
}

fn score() -> impl Strategy<Value = Score> {
    prop_oneof![Just(0.0), Just(0.25), Just(0.5), Just(1.0)].prop_map(|v| Score::new(v).unwrap())
}

fn xid() -> impl Strategy<Value = String> {
    // Mostly a handful of ids (so upserts hit existing nodes); rarely an empty one.
    prop_oneof![30 => (0..5u8).prop_map(|i| format!("x{i}")), 1 => Just(String::new())]
}

/// The first batch: four nodes of each kind, x0..x3; accounts x1 and x2 are competitors.
fn seed() -> Vec<Op> {
    let mut ops = Vec::new();
    for i in 0..4u8 {
        let xid = format!("x{i}");
        let kind = match i {
            0 => AccountKind::Client,
            1 | 2 => AccountKind::Competitor,
            _ => AccountKind::Partner,
        };
        ops.push(Op::Upsert(Node::Account(Account {
            xid: xid.clone(),
            name: "A0".into(),
            kind,
        })));
        ops.push(Op::Upsert(Node::Person(Person {
            xid: xid.clone(),
            name: "P".into(),
            title: None,
        })));
        ops.push(Op::Upsert(Node::Employee(Employee {
            xid: xid.clone(),
            name: "E0".into(),
            left: None,
        })));
        ops.push(Op::Upsert(Node::Project(Project {
            xid,
            name: "X".into(),
            stage: Stage::Lead,
            amount: Amount::new(0.0).unwrap(),
        })));
    }
    ops
}

fn node() -> impl Strategy<Value = Node> {
    let kind = prop_oneof![
        Just(AccountKind::Client),
        Just(AccountKind::Competitor),
        Just(AccountKind::Partner)
    ];
    prop_oneof![
        (xid(), kind, 0..2u8).prop_map(|(xid, kind, n)| Node::Account(Account {
            xid,
            name: format!("A{n}"),
            kind
        })),
        (xid(), proptest::option::of(0..2u8)).prop_map(|(xid, t)| Node::Person(Person {
            name: "P".into(),
            xid,
            title: t.map(|t| format!("T{t}"))
        })),
        (xid(), 0..2u8, some_day()).prop_map(|(xid, n, left)| Node::Employee(Employee {
            xid,
            name: format!("E{n}"),
            left,
        })),
        (xid(), 0..2u8).prop_map(|(xid, a)| Node::Project(Project {
            xid,
            name: "X".into(),
            stage: Stage::Lead,
            amount: Amount::new(f64::from(a)).unwrap()
        })),
    ]
}

/// A node id: mostly one of the four seeded nodes, sometimes one that may not exist.
fn id() -> impl Strategy<Value = u32> {
    prop_oneof![12 => 0..4u32, 1 => 4..IDS]
}

fn edge() -> impl Strategy<Value = Edge> {
    (
        0..9u8,
        id(),
        id(),
        any::<bool>(),
        score(),
        score(),
        (some_day(), some_day()),
    )
        .prop_map(|(k, f, t, b, s1, s2, (since, until))| {
            match EdgeKind::from_code(k).unwrap() {
                EdgeKind::WorksAt => Edge::WorksAt {
                    person: PersonId(f),
                    account: AccountId(t),
                    // Any two of four days or none: empty, touching and overlapping periods.
                    employment: Employment {
                        since,
                        until,
                        title: b.then(|| "CTO".to_owned()),
                    },
                },
                EdgeKind::ReportsTo => Edge::ReportsTo {
                    person: PersonId(f),
                    manager: PersonId(t),
                    weight: s1,
                },
                EdgeKind::Influences => Edge::Influences {
                    from: PersonId(f),
                    to: PersonId(t),
                    weight: s1,
                },
                EdgeKind::Tie => Edge::Tie {
                    employee: EmployeeId(f),
                    person: PersonId(t),
                    tie: Tie {
                        closeness: s1,
                        last_contact: b.then(|| Day::from_days_since_epoch(20_000).unwrap()),
                        private: b,
                    },
                },
                EdgeKind::Member => Edge::Member {
                    person: PersonId(f),
                    project: ProjectId(t),
                    member: Member {
                        role: Role::ALL[t as usize % Role::ALL.len()],
                        coach: b,
                        solution: Some(s1),
                        price: b.then_some(s2),
                    },
                },
                EdgeKind::Owns => Edge::Owns {
                    employee: EmployeeId(f),
                    target: if b {
                        OwnsTarget::Account(AccountId(t))
                    } else {
                        OwnsTarget::Project(ProjectId(t))
                    },
                },
                EdgeKind::RivalTie => Edge::RivalTie {
                    competitor: AccountId(f),
                    person: PersonId(t),
                    closeness: s1,
                },
                EdgeKind::Competes => Edge::Competes {
                    competitor: AccountId(f),
                    project: ProjectId(t),
                },
                EdgeKind::Of => Edge::Of {
                    project: ProjectId(f),
                    account: AccountId(t),
                },
            }
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => node().prop_map(Op::Upsert),
        4 => edge().prop_map(Op::Add),
        5 => edge().prop_map(Op::Put),
        2 => edge().prop_map(|e| Op::RemoveEdge(e.key())),
        2 => (0..4u8, id()).prop_map(|(k, id)| Op::RemoveNode(NodeRef::new(NodeKind::from_code(k).unwrap(), id))),
        6 => interaction().prop_map(Op::AddInteraction),
        2 => (0..8u64).prop_map(Op::RemoveInteraction),
    ]
}

/// A batch: its operations, and whether it ends in a commit (or an abort).
fn batch() -> impl Strategy<Value = (Vec<Op>, bool)> {
    (
        proptest::collection::vec(op(), 1..6),
        prop::bool::weighted(0.85),
    )
}

/// The reference model.
#[derive(Debug, Clone, Default)]
struct Model {
    nodes: [BTreeMap<u32, Node>; NodeKind::COUNT],
    xids: [BTreeMap<String, u32>; NodeKind::COUNT],
    next_id: [u32; NodeKind::COUNT],
    edges: BTreeMap<EdgeKey, Edge>,
    interactions: BTreeMap<u64, Interaction>,
    next_interaction: u64,
}

fn k(kind: NodeKind) -> usize {
    usize::from(kind.code())
}

impl Model {
    fn exists(&self, n: NodeRef) -> bool {
        self.nodes[k(n.kind)].contains_key(&n.id)
    }

    /// Whether the model accepts `e`'s employment period (always, for other kinds): a
    /// period is [since, until), non-empty, and a person's periods at different accounts
    /// share no day.
    fn period_allowed(&self, e: &Edge) -> bool {
        let Edge::WorksAt { employment: p, .. } = e else {
            return true;
        };
        let key = e.key();
        if let (Some(since), Some(until)) = (p.since, p.until) {
            if since >= until {
                return false;
            }
        }
        let before = |until: Option<Day>, since: Option<Day>| matches!((until, since), (Some(u), Some(s)) if u <= s);
        !self.edges.iter().any(|(other, edge)| match edge {
            Edge::WorksAt { employment: q, .. } => {
                *other != key
                    && other.from == key.from
                    && !before(p.until, q.since)
                    && !before(q.until, p.since)
            }
            _ => false,
        })
    }

    /// Removes a node with its edges; an employee or a person takes its interactions
    /// along, a project's lose their project.
    fn remove_node(&mut self, n: NodeRef) -> Result<Out, ()> {
        let Some(rec) = self.nodes[k(n.kind)].remove(&n.id) else {
            return Err(());
        };
        self.xids[k(n.kind)].remove(rec.xid());
        self.edges.retain(|e, _| e.from != n && e.to != n);
        self.interactions
            .retain(|_, i| NodeRef::from(i.employee) != n && NodeRef::from(i.person) != n);
        for i in self.interactions.values_mut() {
            if i.project.map(NodeRef::from) == Some(n) {
                i.project = None;
            }
        }
        Ok(Out::Nothing)
    }

    /// Applies an operation; `Err` if the store must refuse it.
    fn apply(&mut self, op: &Op) -> Result<Out, ()> {
        match op {
            Op::Upsert(node) => {
                let kind = node.kind();
                if node.xid().is_empty() {
                    return Err(());
                }
                if let Some(&id) = self.xids[k(kind)].get(node.xid()) {
                    let r = NodeRef::new(kind, id);
                    if let (Some(Node::Account(old)), Node::Account(new)) =
                        (self.nodes[k(kind)].get(&id), node)
                    {
                        let has = self.edges.keys().any(|e| {
                            e.from == r && matches!(e.kind, EdgeKind::RivalTie | EdgeKind::Competes)
                        });
                        if old.kind == AccountKind::Competitor
                            && new.kind != AccountKind::Competitor
                            && has
                        {
                            return Err(());
                        }
                    }
                    self.nodes[k(kind)].insert(id, node.clone());
                    Ok(Out::Node(r))
                } else {
                    let id = self.next_id[k(kind)];
                    self.next_id[k(kind)] += 1;
                    self.nodes[k(kind)].insert(id, node.clone());
                    self.xids[k(kind)].insert(node.xid().to_owned(), id);
                    Ok(Out::Node(NodeRef::new(kind, id)))
                }
            }
            Op::Add(e) | Op::Put(e) => {
                let key = e.key();
                if key.from == key.to
                    && matches!(key.kind, EdgeKind::ReportsTo | EdgeKind::Influences)
                {
                    return Err(());
                }
                if !self.exists(key.from) || !self.exists(key.to) {
                    return Err(());
                }
                if matches!(key.kind, EdgeKind::RivalTie | EdgeKind::Competes) {
                    let Some(Node::Account(a)) = self.nodes[0].get(&key.from.id) else {
                        return Err(());
                    };
                    if a.kind != AccountKind::Competitor {
                        return Err(());
                    }
                }
                if self.edges.contains_key(&key) {
                    if matches!(op, Op::Add(_)) {
                        return Err(());
                    }
                } else if key.kind == EdgeKind::Of
                    && self
                        .edges
                        .keys()
                        .any(|o| o.kind == key.kind && o.from == key.from)
                {
                    return Err(());
                }
                if !self.period_allowed(e) {
                    return Err(());
                }
                self.edges.insert(key, e.clone());
                Ok(Out::Nothing)
            }
            Op::RemoveEdge(key) => {
                self.edges.remove(key);
                Ok(Out::Nothing)
            }
            Op::RemoveNode(n) => self.remove_node(*n),
            Op::AddInteraction(i) => {
                let ends = [
                    Some(NodeRef::from(i.employee)),
                    Some(NodeRef::from(i.person)),
                    i.project.map(NodeRef::from),
                ];
                if !ends.into_iter().flatten().all(|n| self.exists(n)) {
                    return Err(());
                }
                let id = self.next_interaction;
                self.next_interaction += 1;
                self.interactions.insert(id, *i);
                Ok(Out::Interaction(InteractionId(id)))
            }
            Op::RemoveInteraction(id) => Ok(Out::Existed(self.interactions.remove(id).is_some())),
        }
    }
}

fn run(t: &mut WriteTxn, op: &Op) -> Result<Out, StoreError> {
    match op {
        Op::Upsert(n) => t.upsert_node(n.clone()).map(Out::Node),
        Op::Add(e) => t.add_edge(e.clone()).map(|()| Out::Nothing),
        Op::Put(e) => t.put_edge(e.clone()).map(|_| Out::Nothing),
        Op::RemoveEdge(key) => t.remove_edge(*key).map(|_| Out::Nothing),
        Op::RemoveNode(n) => t.remove_node(*n).map(|()| Out::Nothing),
        Op::AddInteraction(i) => t.add_interaction(*i).map(Out::Interaction),
        Op::RemoveInteraction(id) => t.remove_interaction(InteractionId(*id)).map(Out::Existed),
    }
}

fn assert_equal(db: &Database, m: &Model) -> Result<(), TestCaseError> {
    let r = db.begin_read().unwrap();
    let report = r.check().unwrap();
    prop_assert!(report.is_clean(), "{}", report);
    for kind in NodeKind::ALL {
        let mut nodes = BTreeMap::new();
        r.for_each_node(kind, |n, rec| {
            nodes.insert(n.id, rec);
        })
        .unwrap();
        prop_assert_eq!(&nodes, &m.nodes[k(kind)]);
        prop_assert_eq!(r.count(kind).unwrap(), m.nodes[k(kind)].len() as u64);
        for (xid, id) in &m.xids[k(kind)] {
            prop_assert_eq!(r.lookup(kind, xid).unwrap(), Some(NodeRef::new(kind, *id)));
        }
        for id in 0..IDS {
            let n = NodeRef::new(kind, id);
            prop_assert_eq!(r.node(n).unwrap(), m.nodes[k(kind)].get(&id).cloned());
        }
    }
    let mut edges = BTreeMap::new();
    for kind in EdgeKind::ALL {
        r.for_each_edge(kind, |e| {
            edges.insert(e.key(), e);
        })
        .unwrap();
        let n = m.edges.keys().filter(|e| e.kind == kind).count() as u64;
        prop_assert_eq!(r.edge_count(kind).unwrap(), n);
    }
    prop_assert_eq!(&edges, &m.edges);
    // Every edge is seen from both ends, and nothing else is.
    for kind in EdgeKind::ALL {
        for kind_n in NodeKind::ALL {
            for id in 0..IDS {
                let n = NodeRef::new(kind_n, id);
                if kind.from_kind() == kind_n {
                    let want: Vec<Edge> = m
                        .edges
                        .values()
                        .filter(|e| e.key().kind == kind && e.key().from == n)
                        .cloned()
                        .collect();
                    prop_assert_eq!(r.edges_out(n, kind).unwrap(), want);
                }
                if kind.allows_to(kind_n) {
                    let mut want: Vec<Edge> = m
                        .edges
                        .values()
                        .filter(|e| e.key().kind == kind && e.key().to == n)
                        .cloned()
                        .collect();
                    want.sort_by_key(|e| e.key().from);
                    prop_assert_eq!(r.edges_in(n, kind).unwrap(), want);
                }
            }
        }
    }
    // Interactions: by id, and each range query against a filter of the model's, in
    // (date, id) order.
    prop_assert_eq!(r.interaction_count().unwrap(), m.interactions.len() as u64);
    for id in 0..m.next_interaction + 2 {
        prop_assert_eq!(
            r.interaction(InteractionId(id)).unwrap(),
            m.interactions.get(&id).copied()
        );
    }
    let select = |keep: &dyn Fn(&Interaction) -> bool| {
        let mut v: Vec<(InteractionId, Interaction)> = m
            .interactions
            .iter()
            .filter(|(_, i)| keep(i))
            .map(|(id, i)| (InteractionId(*id), *i))
            .collect();
        v.sort_by_key(|(id, i)| (i.date, *id));
        v
    };
    for p in 0..IDS {
        let p = PersonId(p);
        prop_assert_eq!(r.interactions_of(p).unwrap(), select(&|i| i.person == p));
        for e in 0..IDS {
            let e = EmployeeId(e);
            prop_assert_eq!(
                r.interactions_between(e, p).unwrap(),
                select(&|i| i.employee == e && i.person == p)
            );
        }
    }
    for (from, to) in [(0, 3), (1, 1), (1, 2), (3, 0)] {
        let (from, to) = (day(from), day(to));
        prop_assert_eq!(
            r.interactions_in(from..=to).unwrap(),
            select(&|i| from <= i.date && i.date <= to)
        );
    }
    let (net, _) = r.network().unwrap();
    prop_assert_eq!(net.interactions.len(), m.interactions.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn store_matches_the_model_after_every_batch(batches in proptest::collection::vec(batch(), 3..20)) {
        let db = Database::in_memory().unwrap();
        let mut model = Model::default();
        let mut t = db.begin_write(-1).unwrap();
        for op in seed() {
            prop_assert_eq!(model.apply(&op).unwrap(), run(&mut t, &op).unwrap());
        }
        t.commit().unwrap();
        for (i, (ops, commit)) in batches.iter().enumerate() {
            let mut next = model.clone();
            let mut t = db.begin_write(i64::try_from(i).unwrap()).unwrap();
            let mut failed = false;
            for op in ops {
                let want = next.apply(op);
                let got = run(&mut t, op);
                match (&want, &got) {
                    (Ok(w), Ok(g)) => prop_assert_eq!(w, g, "{:?}", op),
                    (Err(()), Err(_)) => { failed = true; break; }
                    _ => prop_assert!(false, "op {:?}: model {:?}, store {:?}", op, want, got),
                }
            }
            if failed {
                prop_assert!(t.is_poisoned());
                prop_assert!(matches!(t.commit(), Err(StoreError::Poisoned)));
            } else if *commit {
                t.commit().unwrap();
                model = next;
            } else {
                t.abort().unwrap();
            }
            assert_equal(&db, &model)?;
        }
    }
}

/// A valid network built from random nodes, edges and interactions: invalid ones are
/// dropped (empty or overlapping periods among them; identical interactions stay).
fn valid_network() -> impl Strategy<Value = Network> {
    (
        proptest::collection::vec(node(), 0..24),
        proptest::collection::vec(edge(), 0..40),
        proptest::collection::vec(interaction(), 0..12),
    )
        .prop_map(|(nodes, edges, interactions)| {
            let mut net = Network::new();
            for (i, n) in nodes.into_iter().enumerate() {
                // Unique, non-empty external ids: the position.
                match n {
                    Node::Account(mut a) => {
                        a.xid = format!("a{i}");
                        net.accounts.push(a);
                    }
                    Node::Person(mut p) => {
                        p.xid = format!("p{i}");
                        net.persons.push(p);
                    }
                    Node::Employee(mut e) => {
                        e.xid = format!("e{i}");
                        net.employees.push(e);
                    }
                    Node::Project(mut x) => {
                        x.xid = format!("x{i}");
                        net.projects.push(x);
                    }
                }
            }
            let mut keys = std::collections::BTreeSet::new();
            let mut single = std::collections::BTreeSet::new();
            for e in edges {
                let key = e.key();
                let competitor_ok = !matches!(key.kind, EdgeKind::RivalTie | EdgeKind::Competes)
                    || net
                        .accounts
                        .get(key.from.id as usize)
                        .is_some_and(|a| a.kind == AccountKind::Competitor);
                let single_ok = key.kind != EdgeKind::Of || single.insert((key.kind, key.from));
                let period_ok = match &e {
                    Edge::WorksAt { employment, .. } => !net.edges.iter().any(|o| {
                        matches!(o, Edge::WorksAt { person, employment: other, .. }
                            if NodeRef::from(*person) == key.from && other.overlaps(employment))
                    }),
                    _ => true,
                };
                if e.validate().is_ok()
                    && period_ok
                    && net.contains(key.from)
                    && net.contains(key.to)
                    && competitor_ok
                    && single_ok
                    && keys.insert(key)
                {
                    net.edges.push(e);
                }
            }
            for i in interactions {
                let ends = [
                    Some(NodeRef::from(i.employee)),
                    Some(NodeRef::from(i.person)),
                    i.project.map(NodeRef::from),
                ];
                if ends.into_iter().flatten().all(|n| net.contains(n)) {
                    net.interactions.push(i);
                }
            }
            net
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn import_then_export_round_trips_and_a_second_import_changes_nothing(net in valid_network()) {
        prop_assert_eq!(net.validate(), Ok(()));
        let db = Database::in_memory().unwrap();
        let s = db.import_network(&net, 1).unwrap();
        let nodes = NodeKind::ALL.iter().map(|k| net.count(*k) as u64).sum::<u64>();
        let (edges, interactions) = (net.edges.len() as u64, net.interactions.len() as u64);
        prop_assert_eq!(
            (s.nodes_added, s.edges_added, s.interactions_added),
            (nodes, edges, interactions)
        );
        let (back, map) = db.begin_read().unwrap().network().unwrap();
        let mut want = net.clone();
        want.edges.sort_by_key(Edge::key);
        prop_assert_eq!(&back, &want);
        for kind in NodeKind::ALL {
            for i in 0..net.count(kind) as u32 {
                let n = NodeRef::new(kind, i);
                prop_assert_eq!(map.store_ref(n), Some(n));
            }
        }
        prop_assert!(db.check().unwrap().is_clean());
        let log_len = db.begin_read().unwrap().log(0).unwrap().len();
        prop_assert_eq!(log_len as u64, nodes + edges + interactions);
        let again = db.import_network(&net, 2).unwrap();
        prop_assert_eq!(
            (again.nodes_unchanged, again.edges_unchanged, again.interactions_unchanged),
            (nodes, edges, interactions)
        );
        prop_assert_eq!(again.interactions_added, 0);
        prop_assert_eq!(db.begin_read().unwrap().log(0).unwrap().len(), log_len);
    }
}
