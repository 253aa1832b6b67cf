//! A CRM backend on guanxi: it feeds the database event by event, as its users work,
//! and asks a question after each change; a sync consumer follows the change log from
//! its stored cursor, and the backend trims what has been read (docs/library.md).
//!
//! ```text
//! cargo run --example crm_backend
//! ```
//!
//! Each event is one write transaction: validated, all or nothing, one commit. The ids
//! the store hands out name the same nodes in every later snapshot.

use guanxi::analysis::{self as q, Named, Params, QueryError};
use guanxi::graph::Snapshot;
use guanxi::model::{
    Account, AccountId, AccountKind, Amount, Day, Edge, Employee, EmployeeId, Employment,
    Interaction, InteractionKind, Member, ModelError, OwnsTarget, Person, PersonId, Project,
    ProjectId, Role, Score, Stage, Tie,
};
use guanxi::store::{Database, ErrorKind, MoveOptions, Read, StoreError};

#[macro_use]
#[path = "support/out.rs"]
mod out;

/// The backend's own error, as its API answers: 4xx, the request is at fault and
/// nothing of it was written; 5xx, the store or the system failed.
#[derive(Debug, thiserror::Error)]
#[error("{0} {1}")]
struct ApiError(u16, String);

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let status = match e.kind() {
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            _ if e.is_invalid_input() => 422,
            _ => 503, // a full disk, a damaged or busy file: retry, or call the operator
        };
        ApiError(status, e.to_string())
    }
}
impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        ApiError(404, e.to_string())
    }
}
impl From<ModelError> for ApiError {
    fn from(e: ModelError) -> Self {
        ApiError(422, e.to_string())
    }
}

type Answer = Result<String, ApiError>;

/// One question, answered from a snapshot of the committed state.
fn ask(db: &Database, question: impl FnOnce(&Snapshot) -> Answer) -> Answer {
    question(&Snapshot::load(&db.begin_read()?)?)
}

/// The deal at `as_of`: consensus, completeness, veto risk, members who left its account.
fn deal(db: &Database, x: ProjectId, as_of: Day) -> Answer {
    ask(db, |s| {
        let a = q::project_analysis(s, x, &Params::default(), as_of)?;
        let xids = |v: &[Named<'_, PersonId>]| join(v.iter().map(ToString::to_string));
        let consensus = a.opinion.consensus.unwrap_or(0.0);
        let done = a.completeness.completeness.unwrap_or(0.0);
        let (veto, left) = (xids(&a.opinion.veto_risk), xids(&a.left));
        let head = format!("{} {}: consensus {consensus:+.3}", a.project, a.stage);
        Ok(format!(
            "{head}, completeness {done:.2}, veto risk [{veto}], left [{left}]"
        ))
    })
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("; ")
}

/// A sync consumer: applies the change log page by page from its stored cursor.
fn sync(db: &Database, cursor: &mut u64) -> Result<(), Box<dyn std::error::Error>> {
    loop {
        let page = db.begin_read()?.log_page(*cursor, 16)?;
        let commit = |e: Option<&guanxi::store::LogEntry>| e.map_or(0, |e| e.commit);
        let (first, last) = (commit(page.entries.first()), commit(page.entries.last()));
        let n = page.entries.len();
        out!(
            "   sync: {n} entries from {cursor} (commits {first}..={last}), next {}",
            page.next
        );
        *cursor = page.next; // stored once the page is applied
        if page.is_last() {
            let last = page.entries.last().map(serde_json::to_string).transpose()?;
            out!("   last: {}", last.unwrap_or_default());
            return Ok(());
        }
    }
}

/// A day of 2025, when the events take place.
fn day(month: u8, day: u8) -> Day {
    Day::from_ymd(2025, month, day).expect("a date of 2025")
}

/// The backend's timestamp of its `n`-th request (unix ms), for the change log.
fn time(n: i64) -> i64 {
    1_748_858_400_000 + n * 60_000
}

fn person(xid: &str, name: &str, title: &str) -> Person {
    let (xid, name, title) = (xid.into(), name.into(), Some(title.into()));
    Person { xid, name, title }
}

fn account(xid: &str, name: &str) -> Account {
    let (xid, name, kind) = (xid.into(), name.into(), AccountKind::Client);
    Account { xid, name, kind }
}

/// The nodes the first event creates.
struct Ids {
    acme: AccountId,
    wang: PersonId,
    li: PersonId,
    zhao: PersonId,
    chen: EmployeeId,
    sun: EmployeeId,
}

/// Event 1: a new account, its people and reporting lines, two of our staff and their
/// ties — created, so that an external id already taken is refused, not overwritten.
fn new_account(db: &Database) -> Result<Ids, ApiError> {
    db.write_with(time(1), |t| {
        let acme = t.create_account(account("ACME", "Acme"))?;
        let wang = t.create_person(person("P-WANG", "Wang", "CEO"))?;
        let li = t.create_person(person("P-LI", "Li", "CFO"))?;
        let zhao = t.create_person(person("P-ZHAO", "Zhao", "CTO"))?;
        let (xid, name, left) = ("E-CHEN".into(), "Chen".into(), None);
        let chen = t.create_employee(Employee { xid, name, left })?;
        let (xid, name) = ("E-SUN".into(), "Sun".into());
        let sun = t.create_employee(Employee { xid, name, left })?;
        let (account, employment) = (acme, Employment::default);
        for person in [wang, li, zhao] {
            t.add_edge(Edge::WorksAt {
                person,
                account,
                employment: employment(),
            })?;
        }
        let (manager, weight) = (wang, Score::new(0.8)?);
        for person in [li, zhao] {
            t.add_edge(Edge::ReportsTo {
                person,
                manager,
                weight,
            })?;
        }
        let (last_contact, private) = (Some(day(5, 20)), false);
        for (employee, person, c) in [(chen, li, 0.8), (sun, zhao, 0.7), (sun, wang, 0.5)] {
            let tie = Tie {
                closeness: Score::new(c)?,
                last_contact,
                private,
            };
            t.add_edge(Edge::Tie {
                employee,
                person,
                tie,
            })?;
        }
        Ok(Ids {
            acme,
            wang,
            li,
            zhao,
            chen,
            sun,
        })
    })
}

/// Event 2: a deal and its decision chain; the CTO is our coach.
fn new_deal(db: &Database, a: &Ids) -> Result<ProjectId, ApiError> {
    db.write_with(time(2), |t| {
        let (xid, name, stage) = ("X-ERP".into(), "ERP".into(), Stage::Validation);
        let amount = Amount::new(2.5e5)?;
        let x = t.create_project(Project {
            xid,
            name,
            stage,
            amount,
        })?;
        t.add_edge(Edge::Of {
            project: x,
            account: a.acme,
        })?;
        t.add_edge(Edge::Owns {
            employee: a.chen,
            target: OwnsTarget::Project(x),
        })?;
        let (yes, so_so, no) = (Score::new(0.9)?, Score::new(0.6)?, Score::new(0.3)?);
        let (approver, cfo, cto) = (Role::Approver, Role::DecisionMaker, Role::Evaluator);
        for (person, role, coach, solution, price) in [
            (a.wang, approver, false, None, None),
            (a.li, cfo, false, Some(so_so), Some(no)),
            (a.zhao, cto, true, Some(yes), None),
        ] {
            let member = Member {
                role,
                coach,
                solution,
                price,
            };
            t.add_edge(Edge::Member {
                person,
                project: x,
                member,
            })?;
        }
        Ok(x)
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = Database::in_memory()?; // or Database::create("crm.redb")
    let params = Params::default();
    let a = new_account(&db)?;
    let strength = ask(&db, |s| {
        let figures = q::account_figures(s, a.acme, &params, day(6, 2))?;
        Ok(format!("{:.3}", figures.strength))
    })?;
    out!("1. account: ACME strength {strength}");
    let x = new_deal(&db, &a)?;
    out!("2. deal: {}", deal(&db, x, day(6, 2))?);

    // 3. A meeting with the CEO about the deal; a contact recorded on Chen's tie to Li.
    db.write_with(time(3), |t| -> Result<_, ApiError> {
        let (kind, date, project) = (InteractionKind::Meeting, day(6, 5), Some(x));
        t.add_interaction(Interaction {
            employee: a.chen,
            person: a.wang,
            date,
            kind,
            project,
        })?;
        Ok(t.record_contact(a.chen, a.li, day(6, 5), Some(Score::new(0.9)?))?)
    })?;
    out!("3. meeting: {}", deal(&db, x, day(6, 5))?);
    let mut cursor = 0; // the consumer's own storage keeps it between runs
    sync(&db, &mut cursor)?;

    // 4. The CFO turns out to hold a veto (the request names her by external id).
    db.write_with(time(4), |t| -> Result<_, ApiError> {
        let cfo = t
            .person_by_xid("P-LI")?
            .ok_or(ApiError(404, "no person P-LI".into()))?;
        Ok(t.set_role(cfo, x, Role::Vetoer)?)
    })?;
    out!("4. role: {}", deal(&db, x, day(6, 10))?);
    let top = ask(&db, |s| {
        let top = q::levers(s, x, &params, day(6, 10))?.top.into_iter();
        let via = |l: &q::Lever<'_>| l.via.as_ref().map_or("-".into(), ToString::to_string);
        Ok(join(top.map(|l| {
            format!("{} {:.3} via {}", l.person, l.gain, via(&l))
        })))
    })?;
    out!("   levers: {top}");

    // 5. The CTO changes jobs: the period at ACME closes, one at BOLT opens.
    let moved = db.write(time(5), |t| {
        let bolt = t.create_account(account("BOLT", "Bolt"))?;
        let (title, drop_reporting) = (Some("CTO".into()), true);
        let options = MoveOptions {
            title,
            drop_reporting,
            drop_influence: false,
        };
        t.move_person(a.zhao, bolt, day(6, 16), &options)
    })?;
    out!("5. move: {}", serde_json::to_string(&moved)?);
    for attention in &moved.attention {
        out!("   attention: {attention}");
    }
    out!("   deal: {}", deal(&db, x, day(6, 16))?);

    // 6. Sun is leaving: what it will cost, then the leaving date.
    let cost = ask(&db, |s| {
        let d = q::departure_impact(s, a.sun, &params, day(6, 20))?;
        Ok(join(d.persons.iter().map(|p| {
            format!("{} {:.3} -> {:.3}", p.person, p.before, p.after)
        })))
    })?;
    out!("6. departure of E-SUN, closeness: {cost}");
    db.write(time(6), |t| t.set_left(a.sun, Some(day(6, 20))))?;
    out!("   left: {}", deal(&db, x, day(6, 20))?);

    // 7. The deal moves on to pursuit, where more of the chain must be covered.
    db.write(time(7), |t| t.set_stage(x, Stage::Pursuit))?;
    out!("7. stage: {}", deal(&db, x, day(6, 24))?);

    // Bad requests are refused, typed, and write nothing.
    let self_loop = Edge::ReportsTo {
        person: a.li,
        manager: a.li,
        weight: Score::new(0.5)?,
    };
    let refused = [
        db.write(time(8), |t| {
            t.create_person(person("P-LI", "Li Na", "CFO")).map(drop)
        }),
        db.write(time(9), |t| {
            t.record_contact(a.chen, a.zhao, day(6, 24), None).map(drop)
        }),
        db.write(time(10), |t| t.add_edge(self_loop)),
    ];
    for e in refused.into_iter().filter_map(Result::err) {
        out!("refused: {}", ApiError::from(e));
    }

    // The consumer catches up from its stored cursor; then the log is trimmed behind it.
    out!("sync from {cursor}, head {}", db.begin_read()?.log_head()?);
    sync(&db, &mut cursor)?;
    let start = db.write(time(11), |t| t.trim_log(cursor))?;
    let stale = db.begin_read()?.log_page(0, 16).map_err(ApiError::from);
    let stale = stale.err().map_or("reads".into(), |e| e.to_string());
    out!("trimmed: the log starts at {start}; a consumer at 0: {stale}");
    Ok(())
}
