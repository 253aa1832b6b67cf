//! `brm` — the guanxi command line: import CSV folders, generate synthetic networks,
//! and ask the analyses of SPEC §4 from a terminal or a script.
//!
//! ```text
//! brm generate --preset small --seed 7 --out net/      # CSV folder (or --db FILE)
//! brm import net/ --db crm.redb
//! brm report --db crm.redb --as-of 2025-06-30 --json   # SPEC §6 on stdout
//! brm chain --db crm.redb --project X1 --as-of 2025-06-30
//! brm path --db crm.redb --to P17 --as-of 2025-06-30 --k 5
//! brm departure --db crm.redb --employee E3 --as-of 2025-06-30
//! brm export --db crm.redb --format dot --project X1 --out x1.dot
//! brm check --db crm.redb
//! brm erase --db crm.redb --person P17                # right to be forgotten
//! brm backup --db crm.redb --out copy.redb            # online, consistent
//! ```
//!
//! Every analysis constant is an option (`--half-life 90`, `--damping 0.9`, …) with the
//! spec's default. Errors go to stderr with a non-zero exit status.

use clap::{Args, Parser, Subcommand, ValueEnum};
use guanxi::analysis::{self, Params, Report};
use guanxi::graph::Snapshot;
use guanxi::io;
use guanxi::model::{Day, Network};
use guanxi::store::{Database, Read};
use guanxi::synth::{self, Preset};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[macro_use]
#[path = "support/out.rs"]
mod out;

#[derive(Parser)]
#[command(
    name = "brm",
    version,
    about = "guanxi: business relationship management on an embedded graph database"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import a CSV folder (SPEC §5) into a database, in one transaction.
    Import {
        /// The folder with accounts.csv, persons.csv, …
        dir: PathBuf,
        /// The database file (created if missing).
        #[arg(long)]
        db: PathBuf,
    },
    /// Generate a synthetic network, as a CSV folder or straight into a database.
    Generate {
        /// tiny, small, medium or large.
        #[arg(long, default_value = "small")]
        preset: String,
        /// Seed of the deterministic generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write a CSV folder here.
        #[arg(long, conflicts_with = "db", required_unless_present = "db")]
        out: Option<PathBuf>,
        /// Write into this database file.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// The full report: readable tables, or SPEC §6 JSON with --json.
    Report {
        #[command(flatten)]
        common: Common,
        /// Print the SPEC §6 JSON report.
        #[arg(long)]
        json: bool,
        /// Rows per table in the readable report.
        #[arg(long, default_value_t = 5)]
        top: usize,
    },
    /// One project's decision chain: members, values, stances, gaps, coaches.
    Chain {
        #[command(flatten)]
        common: Common,
        /// The project's external id.
        #[arg(long)]
        project: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The employees with the strongest paths to a person.
    Path {
        #[command(flatten)]
        common: Common,
        /// The target person's external id.
        #[arg(long)]
        to: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What the departure of an employee would cost, and who should take over.
    Departure {
        #[command(flatten)]
        common: Common,
        /// The employee's external id.
        #[arg(long)]
        employee: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export the database as CSV, or an account's or project's network as DOT/GraphML.
    Export {
        /// The database file.
        #[arg(long)]
        db: PathBuf,
        /// csv (a folder), dot or graphml (a file).
        #[arg(long, value_enum)]
        format: Format,
        /// Where to write.
        #[arg(long)]
        out: PathBuf,
        /// Draw this project's decision chain (dot/graphml).
        #[arg(long, conflicts_with = "account")]
        project: Option<String>,
        /// Draw this account's network (dot/graphml).
        #[arg(long)]
        account: Option<String>,
        /// Analysis date for the figures in a drawing (default: today).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Erase a person for good (right to be forgotten): the record, every edge, every
    /// change-log entry; then rewrite the file so that no byte of them remains.
    Erase {
        /// The database file.
        #[arg(long)]
        db: PathBuf,
        /// The person's external id.
        #[arg(long)]
        person: String,
    },
    /// Copy a consistent snapshot of the database to a new file while writers go on.
    Backup {
        /// The database file.
        #[arg(long)]
        db: PathBuf,
        /// The new file (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify every invariant of the database; exit status 0 only when clean.
    Check {
        /// The database file.
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Dot,
    Graphml,
}

/// The database, the date, and every analysis constant.
#[derive(Args)]
struct Common {
    /// The database file.
    #[arg(long)]
    db: PathBuf,
    /// Analysis date, YYYY-MM-DD (never the wall clock, so results are reproducible).
    #[arg(long)]
    as_of: String,
    #[command(flatten)]
    params: ParamArgs,
}

impl Common {
    /// The parameters, the date and the database's snapshot: what every query needs.
    fn prepare(&self) -> Result<(Params, Day, Snapshot)> {
        let params = self.params.params()?;
        let as_of = parse_day(&self.as_of)?;
        let snap = load(&self.db)?;
        Ok((params, as_of, snap))
    }
}

/// Analysis constants (SPEC §4); each defaults to the spec's value.
#[derive(Args)]
struct ParamArgs {
    /// 4.1 half-life of a tie, days.
    #[arg(long, default_value_t = 180.0)]
    half_life: f64,
    /// 4.4 PageRank damping.
    #[arg(long, default_value_t = 0.85)]
    damping: f64,
    /// 4.4 PageRank tolerance (per node).
    #[arg(long, default_value_t = 1e-12)]
    pagerank_tol: f64,
    /// 4.6 Friedkin–Johnsen susceptibility λ.
    #[arg(long, default_value_t = 0.5)]
    susceptibility: f64,
    /// 4.6 Friedkin–Johnsen tolerance.
    #[arg(long, default_value_t = 1e-12)]
    fj_tol: f64,
    /// 4.6 veto-risk threshold (strictly below).
    #[arg(long, default_value_t = -0.2, allow_negative_numbers = true)]
    veto_threshold: f64,
    /// 4.7 days after which a contact is stale.
    #[arg(long, default_value_t = 90)]
    stale_after: i64,
    /// 4.8 number of employees per strongest-path query.
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// 4.9 number of coach candidates.
    #[arg(long, default_value_t = 3)]
    coach_k: usize,
    /// 4.9 solution acceptance assumed when unknown.
    #[arg(long, default_value_t = 0.5)]
    unknown_solution: f64,
    /// Role weight of an approver.
    #[arg(long, default_value_t = 1.0)]
    w_approver: f64,
    /// Role weight of a vetoer.
    #[arg(long, default_value_t = 0.9)]
    w_vetoer: f64,
    /// Role weight of a decision maker.
    #[arg(long, default_value_t = 0.7)]
    w_decision_maker: f64,
    /// Role weight of an evaluator.
    #[arg(long, default_value_t = 0.5)]
    w_evaluator: f64,
    /// Role weight of an influencer.
    #[arg(long, default_value_t = 0.4)]
    w_influencer: f64,
    /// Role weight of a user.
    #[arg(long, default_value_t = 0.3)]
    w_user: f64,
}

impl ParamArgs {
    fn params(&self) -> Result<Params> {
        let mut p = Params {
            half_life: self.half_life,
            damping: self.damping,
            pagerank_tol: self.pagerank_tol,
            susceptibility: self.susceptibility,
            fj_tol: self.fj_tol,
            veto_threshold: self.veto_threshold,
            stale_after: self.stale_after,
            path_k: self.k,
            coach_k: self.coach_k,
            unknown_solution: self.unknown_solution,
            ..Params::default()
        };
        p.role_weights.approver = self.w_approver;
        p.role_weights.vetoer = self.w_vetoer;
        p.role_weights.decision_maker = self.w_decision_maker;
        p.role_weights.evaluator = self.w_evaluator;
        p.role_weights.influencer = self.w_influencer;
        p.role_weights.user = self.w_user;
        p.validate().map_err(|e| e.to_string())?;
        Ok(p)
    }
}

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("brm: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn parse_day(s: &str) -> Result<Day> {
    s.parse::<Day>().map_err(|e| format!("--as-of: {e}"))
}

fn open_db(path: &Path) -> Result<Database> {
    Database::open(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads the committed state of the database as a snapshot (indexed by store ids).
fn load(path: &Path) -> Result<Snapshot> {
    let db = open_db(path)?;
    let txn = db.begin_read().map_err(|e| e.to_string())?;
    Snapshot::load(&txn).map_err(|e| e.to_string())
}

/// Loads the committed state of the database as a network (for the CSV export).
fn load_network(path: &Path) -> Result<Network> {
    let db = open_db(path)?;
    let txn = db.begin_read().map_err(|e| e.to_string())?;
    txn.network().map(|(net, _)| net).map_err(|e| e.to_string())
}

fn spinner(msg: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(msg.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn print_json(v: &Value) -> Result<()> {
    let s = serde_json::to_string_pretty(v).map_err(|e| e.to_string())?;
    out!("{s}");
    Ok(())
}

#[allow(clippy::too_many_lines)]
fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Import { dir, db } => {
            let bar = spinner(&format!("reading {}", dir.display()));
            let net = io::read_csv_dir(&dir).map_err(|e| {
                bar.finish_and_clear();
                e.to_string()
            })?;
            bar.set_message(format!("writing {net}"));
            let database = Database::create(&db).map_err(|e| format!("{}: {e}", db.display()))?;
            let s = database.import_network(&net, now_millis()).map_err(|e| {
                bar.finish_and_clear();
                e.to_string()
            })?;
            bar.finish_and_clear();
            out!(
                "imported {} into {}: nodes {} added, {} updated, {} unchanged; edges {} added, {} replaced, {} unchanged",
                dir.display(),
                db.display(),
                s.nodes_added,
                s.nodes_updated,
                s.nodes_unchanged,
                s.edges_added,
                s.edges_replaced,
                s.edges_unchanged
            );
        }
        Command::Generate {
            preset,
            seed,
            out,
            db,
        } => {
            let preset: Preset = preset.parse().map_err(|e| format!("--preset: {e}"))?;
            let bar = spinner("generating");
            let net = synth::generate(preset, seed);
            if let Some(out) = out {
                bar.set_message(format!("writing {}", out.display()));
                io::write_csv_dir(&net, &out).map_err(|e| e.to_string())?;
                bar.finish_and_clear();
                out!("wrote {net} to {}", out.display());
            } else if let Some(db) = db {
                bar.set_message(format!("writing {}", db.display()));
                let database =
                    Database::create(&db).map_err(|e| format!("{}: {e}", db.display()))?;
                database
                    .import_network(&net, now_millis())
                    .map_err(|e| e.to_string())?;
                bar.finish_and_clear();
                out!("wrote {net} to {}", db.display());
            }
        }
        Command::Report { common, json, top } => {
            let (params, as_of, snap) = common.prepare()?;
            let report = Report::compute(&snap, &params, as_of);
            if json {
                out!("{}", report.to_json());
            } else {
                print_readable_report(&report, top);
            }
        }
        Command::Chain {
            common,
            project,
            json,
        } => {
            let (params, as_of, snap) = common.prepare()?;
            let x = snap
                .project_by_xid(&project)
                .ok_or_else(|| format!("no project with id {project:?}"))?;
            let v = chain_json(&snap, x, &params, as_of)?;
            if json {
                print_json(&v)?;
            } else {
                print_chain(&v);
            }
        }
        Command::Path { common, to, json } => {
            let (params, as_of, snap) = common.prepare()?;
            let p = snap
                .person_by_xid(&to)
                .ok_or_else(|| format!("no person with id {to:?}"))?;
            let paths = analysis::strongest_paths(&snap, p, params.path_k, &params, as_of)
                .map_err(|e| e.to_string())?;
            let rows: Vec<Value> = paths.iter().map(path_json).collect();
            if json {
                print_json(&json!({ "to": to, "paths": rows }))?;
            } else if rows.is_empty() {
                out!("no employee reaches {to}");
            } else {
                out!("strongest paths to {to} at {as_of}:");
                for r in &rows {
                    out!(
                        "  {:<12} {:.4}  {}",
                        r["employee"].as_str().unwrap_or(""),
                        r["strength"].as_f64().unwrap_or(0.0),
                        hops(&r["hops"])
                    );
                }
            }
        }
        Command::Departure {
            common,
            employee,
            json,
        } => {
            let (params, as_of, snap) = common.prepare()?;
            let e = snap
                .employee_by_xid(&employee)
                .ok_or_else(|| format!("no employee with id {employee:?}"))?;
            let v = departure_json(&snap, e, &params, as_of)?;
            if json {
                print_json(&v)?;
            } else {
                print_departure(&v);
            }
        }
        Command::Export {
            db,
            format,
            out,
            project,
            account,
            as_of,
        } => {
            let params = Params::default();
            let as_of = match as_of {
                Some(s) => parse_day(&s)?,
                None => Day::from_days_since_epoch(
                    i32::try_from(now_millis() / 86_400_000).unwrap_or(0),
                )
                .ok_or("bad clock")?,
            };
            let drawing = match (format, &project, &account) {
                (Format::Csv, None, None) => {
                    let net = load_network(&db)?;
                    io::write_csv_dir(&net, &out).map_err(|e| e.to_string())?;
                    out!("wrote {net} to {}", out.display());
                    return Ok(ExitCode::SUCCESS);
                }
                (Format::Csv, ..) => {
                    return Err("--project and --account go with --format dot or graphml".into())
                }
                (_, Some(x), _) => {
                    let snap = load(&db)?;
                    let x = snap
                        .project_by_xid(x)
                        .ok_or_else(|| format!("no project with id {x:?}"))?;
                    io::draw::project_drawing(&snap, x, &params, as_of)
                        .map_err(|e| e.to_string())?
                }
                (_, None, Some(a)) => {
                    let snap = load(&db)?;
                    let a = snap
                        .account_by_xid(a)
                        .ok_or_else(|| format!("no account with id {a:?}"))?;
                    io::draw::account_drawing(&snap, a, &params, as_of)
                        .map_err(|e| e.to_string())?
                }
                (_, None, None) => return Err(
                    "dot and graphml draw one project (--project ID) or one account (--account ID)"
                        .into(),
                ),
            };
            let text = if matches!(format, Format::Dot) {
                drawing.to_dot()
            } else {
                drawing.to_graphml()
            };
            std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
            out!(
                "wrote {} nodes and {} edges to {}",
                drawing.nodes.len(),
                drawing.edges.len(),
                out.display()
            );
        }
        Command::Erase { db, person } => {
            let mut database = open_db(&db)?;
            if database
                .erase_person(&person, now_millis())
                .map_err(|e| e.to_string())?
            {
                out!(
                    "erased person {person:?} from {} and rewrote the file",
                    db.display()
                );
            } else {
                return Err(format!("no person with id {person:?} in {}", db.display()));
            }
        }
        Command::Backup { db, out } => {
            if out.exists() {
                return Err(format!("{} exists: back up to a new file", out.display()));
            }
            let database = open_db(&db)?;
            let s = database.backup_to(&out).map_err(|e| e.to_string())?;
            out!(
                "backed up {} nodes, {} edges and {} log entries to {} ({} bytes)",
                s.nodes,
                s.edges,
                s.log_entries,
                out.display(),
                s.bytes
            );
        }
        Command::Check { db } => {
            // Verify every page's checksum before trusting the file's structures.
            let database =
                Database::open_verified(&db).map_err(|e| format!("{}: {e}", db.display()))?;
            let report = database.check().map_err(|e| e.to_string())?;
            if report.is_clean() {
                out!("{}: clean", db.display());
            } else {
                out!("{report}");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn hops(v: &Value) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" → ")
        })
        .unwrap_or_default()
}

fn path_json(path: &analysis::Path<'_>) -> Value {
    json!({
        "employee": path.employee,
        "strength": path.strength,
        "hops": path.persons,
    })
}

fn chain_json(
    snap: &Snapshot,
    x: guanxi::model::ProjectId,
    params: &Params,
    as_of: Day,
) -> Result<Value> {
    let pa = analysis::project_analysis(snap, x, params, as_of).map_err(|e| e.to_string())?;
    let mut members: Vec<_> = snap.members(x).to_vec();
    members.sort_by(|a, b| snap.person_xid(a.person).cmp(snap.person_xid(b.person)));
    let rows: Vec<Value> = members
        .iter()
        .map(|m| {
            let p = m.person;
            let i = pa.opinion.position(p);
            json!({
                "id": snap.person_xid(p),
                "name": snap.person_name(p),
                "role": m.member.role.as_str(),
                "coach": m.member.coach,
                "closeness": i.map(|i| pa.opinion.closeness[i]),
                "solution": m.member.solution.map(f64::from),
                "price": m.member.price.map(f64::from),
                "stance": i.map(|i| pa.opinion.stance[i]),
                "opinion": i.map(|i| pa.opinion.opinion[i]),
            })
        })
        .collect();
    let gaps: Vec<Value> = pa
        .completeness
        .gaps
        .iter()
        .map(|g| {
            let mut ps: Vec<&str> = g.persons.iter().map(|p| p.xid.as_ref()).collect();
            ps.sort_unstable();
            json!({ "check": g.check.id(), "persons": ps })
        })
        .collect();
    let mut veto: Vec<&str> = pa
        .opinion
        .veto_risk
        .iter()
        .map(|p| p.xid.as_ref())
        .collect();
    veto.sort_unstable();
    let coaches: Vec<Value> = pa
        .coaches
        .iter()
        .map(|c| json!({ "id": c.person, "score": c.score, "closeness": c.closeness, "solution": c.solution, "reach": c.reach, "rival_free": c.rival_free }))
        .collect();
    let (ours, rivals) = pa
        .competition
        .as_ref()
        .map_or((None, serde_json::Map::new()), |c| {
            (
                Some(c.ours),
                c.rivals
                    .iter()
                    .map(|(k, v)| (k.xid.to_string(), json!(v)))
                    .collect(),
            )
        });
    Ok(json!({
        "id": snap.project_xid(x),
        "name": snap.project_name(x),
        "stage": snap.project_stage(x).as_str(),
        "as_of": as_of.to_string(),
        "members": rows,
        "completeness": pa.completeness.completeness,
        "gaps": gaps,
        "consensus": pa.opinion.consensus,
        "veto_risk": veto,
        "coaches": coaches,
        "chain_closeness": ours,
        "chain_rivals": rivals,
    }))
}

fn departure_json(
    snap: &Snapshot,
    e: guanxi::model::EmployeeId,
    params: &Params,
    as_of: Day,
) -> Result<Value> {
    let d = analysis::departure_impact(snap, e, params, as_of).map_err(|e| e.to_string())?;
    Ok(json!({
        "employee": snap.employee_xid(e),
        "as_of": as_of.to_string(),
        "persons": d.persons.iter().map(|r| json!({"id": r.person, "before": r.before, "after": r.after})).collect::<Vec<_>>(),
        "accounts": d.accounts.iter().map(|r| json!({"id": r.account, "before": r.before, "after": r.after})).collect::<Vec<_>>(),
        "successors": d.successors.iter().map(|s| json!({
            "person": s.person,
            "successor": s.successor.as_ref().map(path_json),
        })).collect::<Vec<_>>(),
    }))
}

fn f(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "—".to_owned(), |x| format!("{x:.3}"))
}

fn print_chain(v: &Value) {
    out!(
        "project {} ({}) at {}",
        v["id"].as_str().unwrap_or(""),
        v["stage"].as_str().unwrap_or(""),
        v["as_of"].as_str().unwrap_or("")
    );
    out!(
        "  {:<12} {:<15} {:>5} {:>9} {:>8} {:>6} {:>7} {:>8}",
        "person",
        "role",
        "coach",
        "closeness",
        "solution",
        "price",
        "stance",
        "opinion"
    );
    for m in v["members"].as_array().into_iter().flatten() {
        out!(
            "  {:<12} {:<15} {:>5} {:>9} {:>8} {:>6} {:>7} {:>8}",
            m["id"].as_str().unwrap_or(""),
            m["role"].as_str().unwrap_or(""),
            if m["coach"].as_bool().unwrap_or(false) {
                "yes"
            } else {
                ""
            },
            f(&m["closeness"]),
            f(&m["solution"]),
            f(&m["price"]),
            f(&m["stance"]),
            f(&m["opinion"])
        );
    }
    out!(
        "  completeness {}  consensus {}  our chain closeness {}",
        f(&v["completeness"]),
        f(&v["consensus"]),
        f(&v["chain_closeness"])
    );
    for (k, r) in v["chain_rivals"].as_object().into_iter().flatten() {
        out!("  rival {k}: chain closeness {}", f(r));
    }
    for g in v["gaps"].as_array().into_iter().flatten() {
        out!(
            "  gap {:<14} {}",
            g["check"].as_str().unwrap_or(""),
            hops(&g["persons"]).replace(" → ", ", ")
        );
    }
    let veto = hops(&v["veto_risk"]).replace(" → ", ", ");
    if !veto.is_empty() {
        out!("  veto risk: {veto}");
    }
    for c in v["coaches"].as_array().into_iter().flatten() {
        out!(
            "  coach candidate {:<10} score {}  (C {} · S {} · reach {} · rival-free {})",
            c["id"].as_str().unwrap_or(""),
            f(&c["score"]),
            f(&c["closeness"]),
            f(&c["solution"]),
            f(&c["reach"]),
            f(&c["rival_free"])
        );
    }
}

fn print_departure(v: &Value) {
    out!(
        "if {} leaves (as of {}):",
        v["employee"].as_str().unwrap_or(""),
        v["as_of"].as_str().unwrap_or("")
    );
    for p in v["persons"].as_array().into_iter().flatten() {
        out!(
            "  person  {:<12} closeness {} → {}",
            p["id"].as_str().unwrap_or(""),
            f(&p["before"]),
            f(&p["after"])
        );
    }
    for a in v["accounts"].as_array().into_iter().flatten() {
        out!(
            "  account {:<12} strength  {} → {}",
            a["id"].as_str().unwrap_or(""),
            f(&a["before"]),
            f(&a["after"])
        );
    }
    for s in v["successors"].as_array().into_iter().flatten() {
        let who = &s["successor"];
        if who.is_null() {
            out!(
                "  {} loses every tie; nobody else can reach them",
                s["person"].as_str().unwrap_or("")
            );
        } else {
            out!(
                "  {} loses every tie; best successor {} (path strength {}: {})",
                s["person"].as_str().unwrap_or(""),
                who["employee"].as_str().unwrap_or(""),
                f(&who["strength"]),
                hops(&who["hops"])
            );
        }
    }
}

#[allow(clippy::too_many_lines)] // five short tables, one after another
fn print_readable_report(r: &Report, top: usize) {
    out!(
        "relationship report at {} — relationship asset {:.2}",
        r.as_of,
        r.relationship_asset
    );
    let mut accounts: Vec<_> = r
        .accounts
        .iter()
        .filter(|a| a.pipeline > 0.0 || a.strength > 0.0)
        .collect();
    accounts.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then_with(|| a.id.cmp(&b.id))
    });
    out!("\nstrongest accounts (strength, advantage over the strongest rival, open pipeline):");
    for a in accounts.iter().take(top) {
        out!(
            "  {:<12} {:>7.4} {:>+8.4} {:>14.2}",
            a.id,
            a.strength,
            a.advantage,
            a.pipeline
        );
    }
    out!("\nweakest accounts with open pipeline:");
    let mut weak: Vec<_> = r.accounts.iter().filter(|a| a.pipeline > 0.0).collect();
    weak.sort_by(|a, b| {
        a.strength
            .total_cmp(&b.strength)
            .then_with(|| a.id.cmp(&b.id))
    });
    for a in weak.iter().take(top) {
        out!(
            "  {:<12} {:>7.4} {:>+8.4} {:>14.2}",
            a.id,
            a.strength,
            a.advantage,
            a.pipeline
        );
    }
    out!("\nopen projects at veto risk (most negative consensus first):");
    let open = |p: &&guanxi::analysis::ProjectRow| {
        matches!(p.stage.as_str(), "lead" | "validation" | "pursuit")
    };
    let mut risky: Vec<_> = r
        .projects
        .iter()
        .filter(open)
        .filter(|p| !p.veto_risk.is_empty())
        .collect();
    risky.sort_by(|a, b| {
        a.consensus
            .unwrap_or(0.0)
            .total_cmp(&b.consensus.unwrap_or(0.0))
            .then_with(|| a.id.cmp(&b.id))
    });
    for p in risky.iter().take(top) {
        let coach = p.coaches.first().map_or_else(
            || "none".to_owned(),
            |c| format!("{} ({:.3})", c.id, c.score),
        );
        out!(
            "  {:<12} {:<10} consensus {:>+.3}  at risk: {:<20} coach: {coach}",
            p.id,
            p.stage,
            p.consensus.unwrap_or(0.0),
            p.veto_risk.join(", ")
        );
    }
    out!("\nopen projects with the largest completeness gaps:");
    let mut gaps: Vec<_> = r
        .projects
        .iter()
        .filter(open)
        .filter(|p| p.completeness.is_some_and(|c| c < 1.0))
        .collect();
    gaps.sort_by(|a, b| {
        a.completeness
            .unwrap_or(1.0)
            .total_cmp(&b.completeness.unwrap_or(1.0))
            .then_with(|| a.id.cmp(&b.id))
    });
    for p in gaps.iter().take(top) {
        let checks: Vec<&str> = p.gaps.iter().map(|g| g.check.as_str()).collect();
        out!(
            "  {:<12} {:<10} completeness {:.2}  missing: {}",
            p.id,
            p.stage,
            p.completeness.unwrap_or(0.0),
            checks.join(", ")
        );
    }
    out!("\nemployees with the most sole ties (who would leave with them):");
    let mut emps: Vec<_> = r.employees.iter().collect();
    emps.sort_by(|a, b| {
        b.sole_ties
            .len()
            .cmp(&a.sole_ties.len())
            .then_with(|| a.id.cmp(&b.id))
    });
    for e in emps.iter().take(top) {
        out!(
            "  {:<12} {:>4} sole ties  portfolio {:.4}",
            e.id,
            e.sole_ties.len(),
            e.portfolio
        );
    }
}
