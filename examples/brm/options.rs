//! What every query command shares: the database, the analysis date, and every analysis
//! constant as an option whose default is [`Params::default()`] — the defaults are
//! written once, in the library.

use crate::Result;
use clap::Args;
use guanxi::analysis::{Params, ParamsError};
use guanxi::graph::Snapshot;
use guanxi::model::{Day, Network};
use guanxi::store::{Database, Read, StoreError};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The library's defaults, read by the options' `default_value_t`.
static DEFAULTS: LazyLock<Params> = LazyLock::new(Params::default);

/// The database, the date, and every analysis constant.
#[derive(Args)]
pub struct Common {
    /// The database file.
    #[arg(long)]
    pub db: PathBuf,
    /// Analysis date, YYYY-MM-DD (never the wall clock, so results are reproducible).
    #[arg(long)]
    pub as_of: String,
    #[command(flatten)]
    pub params: ParamArgs,
}

/// What every query needs: the parameters, the date and the database's contents.
pub struct Prepared {
    /// The analysis constants, validated.
    pub params: Params,
    /// The analysis date.
    pub as_of: Day,
    /// The database's snapshot, names included, indexed by store ids.
    pub snap: Snapshot,
}

/// What a live query needs: the parameters, the date and the database, opened
/// read-only (the query reads through one read transaction what it touches).
pub struct Live {
    /// The analysis constants, validated.
    pub params: Params,
    /// The analysis date.
    pub as_of: Day,
    /// The database, read-only.
    pub db: Database,
}

impl Common {
    /// Checks the options, then opens the database read-only, without loading it.
    pub fn open(&self) -> Result<Live> {
        let params = self.params.params()?;
        let as_of = parse_day(&self.as_of)?;
        let db = open_read(&self.db)?;
        Ok(Live { params, as_of, db })
    }

    /// Checks the options, then loads the database.
    pub fn prepare(&self) -> Result<Prepared> {
        let params = self.params.params()?;
        let as_of = parse_day(&self.as_of)?;
        let snap = load(&self.db)?;
        Ok(Prepared {
            params,
            as_of,
            snap,
        })
    }
}

/// Analysis constants (docs/analyses.md); each defaults to `Params::default()`.
///
/// Every number is taken as typed, negative ones included, and checked after parsing
/// ([`ParamArgs::params`]), so that `-5`, `0` and `NaN` get a message about the option's
/// range rather than a parse error.
#[derive(Args)]
pub struct ParamArgs {
    /// 4.1 half-life of a tie record's closeness, days.
    #[arg(long, default_value_t = DEFAULTS.half_life, allow_hyphen_values = true)]
    half_life: f64,
    /// 8.1 half-life of an interaction's evidence, days.
    #[arg(long, default_value_t = DEFAULTS.interaction_half_life, allow_hyphen_values = true)]
    interaction_half_life: f64,
    /// 8.1 scale turning interaction evidence into closeness.
    #[arg(long, default_value_t = DEFAULTS.interaction_scale, allow_hyphen_values = true)]
    interaction_scale: f64,
    /// 8.1 evidence of one meeting.
    #[arg(long, default_value_t = DEFAULTS.w_meeting, allow_hyphen_values = true)]
    w_meeting: f64,
    /// 8.1 evidence of one event.
    #[arg(long, default_value_t = DEFAULTS.w_event, allow_hyphen_values = true)]
    w_event: f64,
    /// 8.1 evidence of one call.
    #[arg(long, default_value_t = DEFAULTS.w_call, allow_hyphen_values = true)]
    w_call: f64,
    /// 8.1 evidence of one message.
    #[arg(long, default_value_t = DEFAULTS.w_message, allow_hyphen_values = true)]
    w_message: f64,
    /// 8.1 evidence of one email.
    #[arg(long, default_value_t = DEFAULTS.w_email, allow_hyphen_values = true)]
    w_email: f64,
    /// 8.4 days back to the date a trend compares with (0: no trend).
    #[arg(long, default_value_t = DEFAULTS.trend_days, allow_hyphen_values = true)]
    trend_days: i64,
    /// 4.4 PageRank damping.
    #[arg(long, default_value_t = DEFAULTS.damping, allow_hyphen_values = true)]
    damping: f64,
    /// 4.4 PageRank tolerance (per node).
    #[arg(long, default_value_t = DEFAULTS.pagerank_tol, allow_hyphen_values = true)]
    pagerank_tol: f64,
    /// 4.6 Friedkin–Johnsen susceptibility λ.
    #[arg(long, default_value_t = DEFAULTS.susceptibility, allow_hyphen_values = true)]
    susceptibility: f64,
    /// 4.6 Friedkin–Johnsen tolerance.
    #[arg(long, default_value_t = DEFAULTS.fj_tol, allow_hyphen_values = true)]
    fj_tol: f64,
    /// 4.6 veto-risk threshold (strictly below).
    #[arg(long, default_value_t = DEFAULTS.veto_threshold, allow_hyphen_values = true)]
    veto_threshold: f64,
    /// 4.7 days after which a contact is stale.
    #[arg(long, default_value_t = DEFAULTS.stale_after, allow_hyphen_values = true)]
    stale_after: i64,
    /// 4.8 number of employees per strongest-path query.
    #[arg(long, default_value_t = count(DEFAULTS.path_k), allow_hyphen_values = true)]
    k: i64,
    /// 4.9 number of coach candidates.
    #[arg(long, default_value_t = count(DEFAULTS.coach_k), allow_hyphen_values = true)]
    coach_k: i64,
    /// 4.9 solution acceptance assumed when unknown.
    #[arg(long, default_value_t = DEFAULTS.unknown_solution, allow_hyphen_values = true)]
    unknown_solution: f64,
    /// Role weight of an approver.
    #[arg(long, default_value_t = DEFAULTS.role_weights.approver, allow_hyphen_values = true)]
    w_approver: f64,
    /// Role weight of a vetoer.
    #[arg(long, default_value_t = DEFAULTS.role_weights.vetoer, allow_hyphen_values = true)]
    w_vetoer: f64,
    /// Role weight of a decision maker.
    #[arg(long, default_value_t = DEFAULTS.role_weights.decision_maker, allow_hyphen_values = true)]
    w_decision_maker: f64,
    /// Role weight of an evaluator.
    #[arg(long, default_value_t = DEFAULTS.role_weights.evaluator, allow_hyphen_values = true)]
    w_evaluator: f64,
    /// Role weight of an influencer.
    #[arg(long, default_value_t = DEFAULTS.role_weights.influencer, allow_hyphen_values = true)]
    w_influencer: f64,
    /// Role weight of a user.
    #[arg(long, default_value_t = DEFAULTS.role_weights.user, allow_hyphen_values = true)]
    w_user: f64,
    /// 9.1 number of levers per project.
    #[arg(long, default_value_t = count(DEFAULTS.k_levers), allow_hyphen_values = true)]
    k_levers: i64,
    /// 9.2 won and lost projects each needed to fit the win model.
    #[arg(long, default_value_t = count(DEFAULTS.min_closed), allow_hyphen_values = true)]
    min_closed: i64,
    /// 9.2 L2 regularisation of the win model.
    #[arg(long, default_value_t = DEFAULTS.win_regularisation, allow_hyphen_values = true)]
    win_regularisation: f64,
    /// 9.4 days without contact after which an account's protection expires.
    #[arg(long, default_value_t = DEFAULTS.protect_days, allow_hyphen_values = true)]
    protect_days: i64,
}

/// A count as the options type it (counts are checked after parsing, see [`at_least`]).
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `value` of option `flag` as a count of at least `min`.
pub fn at_least(flag: &str, value: i64, min: i64) -> Result<usize> {
    if value < min {
        return Err(
            format!("{flag} {value} is out of range: it must be a whole number ≥ {min}").into(),
        );
    }
    usize::try_from(value).map_err(|_| format!("{flag} {value} is too large").into())
}

/// The option that sets the [`Params`] field `name` (as `ParamsError` names it).
fn flag_of(name: &str) -> String {
    match name {
        "path_k" => "--k".to_owned(),
        other => format!(
            "--{}",
            other.replace("role_weights.", "w_").replace('_', "-")
        ),
    }
}

impl ParamArgs {
    /// The parameters the options describe, checked: every number finite, every count at
    /// least 1, then the library's own ranges ([`Params::validate`]), each refusal naming
    /// the option as typed.
    pub fn params(&self) -> Result<Params> {
        let floats = [
            ("--half-life", self.half_life),
            ("--interaction-half-life", self.interaction_half_life),
            ("--interaction-scale", self.interaction_scale),
            ("--w-meeting", self.w_meeting),
            ("--w-event", self.w_event),
            ("--w-call", self.w_call),
            ("--w-message", self.w_message),
            ("--w-email", self.w_email),
            ("--damping", self.damping),
            ("--pagerank-tol", self.pagerank_tol),
            ("--susceptibility", self.susceptibility),
            ("--fj-tol", self.fj_tol),
            ("--veto-threshold", self.veto_threshold),
            ("--unknown-solution", self.unknown_solution),
            ("--w-approver", self.w_approver),
            ("--w-vetoer", self.w_vetoer),
            ("--w-decision-maker", self.w_decision_maker),
            ("--w-evaluator", self.w_evaluator),
            ("--w-influencer", self.w_influencer),
            ("--w-user", self.w_user),
            ("--win-regularisation", self.win_regularisation),
        ];
        for (flag, v) in floats {
            if !v.is_finite() {
                return Err(
                    format!("{flag} {v} is not a usable number: give a finite number").into(),
                );
            }
        }
        let mut p = Params {
            half_life: self.half_life,
            interaction_half_life: self.interaction_half_life,
            interaction_scale: self.interaction_scale,
            w_meeting: self.w_meeting,
            w_event: self.w_event,
            w_call: self.w_call,
            w_message: self.w_message,
            w_email: self.w_email,
            trend_days: i64::try_from(at_least("--trend-days", self.trend_days, 0)?)
                .unwrap_or(i64::MAX),
            damping: self.damping,
            pagerank_tol: self.pagerank_tol,
            susceptibility: self.susceptibility,
            fj_tol: self.fj_tol,
            veto_threshold: self.veto_threshold,
            stale_after: i64::try_from(at_least("--stale-after", self.stale_after, 0)?)
                .unwrap_or(i64::MAX),
            path_k: at_least("--k", self.k, 1)?,
            coach_k: at_least("--coach-k", self.coach_k, 1)?,
            unknown_solution: self.unknown_solution,
            k_levers: at_least("--k-levers", self.k_levers, 1)?,
            min_closed: at_least("--min-closed", self.min_closed, 1)?,
            win_regularisation: self.win_regularisation,
            protect_days: i64::try_from(at_least("--protect-days", self.protect_days, 0)?)
                .unwrap_or(i64::MAX),
            ..Params::default()
        };
        p.role_weights.approver = self.w_approver;
        p.role_weights.vetoer = self.w_vetoer;
        p.role_weights.decision_maker = self.w_decision_maker;
        p.role_weights.evaluator = self.w_evaluator;
        p.role_weights.influencer = self.w_influencer;
        p.role_weights.user = self.w_user;
        p.validate().map_err(|e| match e {
            ParamsError::OutOfRange {
                name,
                value,
                expected,
            } => format!(
                "{} {value} is out of range: it must be {expected}",
                flag_of(name)
            ),
            other => other.to_string(),
        })?;
        Ok(p)
    }
}

/// The wall clock in unix milliseconds: the change log's timestamp of a write.
pub fn now_millis() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `--as-of`, parsed.
pub fn parse_day(s: &str) -> Result<Day> {
    s.parse::<Day>().map_err(|e| format!("--as-of: {e}").into())
}

/// Opens an existing database for reading only: the file is never written, may be
/// read-only, and other readers may use it at the same time.
pub fn open_read(path: &Path) -> Result<Database> {
    Database::open_read_only(path).map_err(|e| describe(path, e).into())
}

/// Opens an existing database for writing.
pub fn open_write(path: &Path) -> Result<Database> {
    Database::open(path).map_err(|e| describe(path, e).into())
}

/// A store error about the database at `path`, in the terms of the command line.
pub fn describe(path: &Path, e: StoreError) -> String {
    let shown = path.display();
    match e {
        StoreError::Missing { .. } => format!(
            "no database at {shown}; run `brm import DIR --db {shown}` first (or check the path)"
        ),
        StoreError::NotAGuanxiDatabase { reason, .. } => format!(
            "{shown} is damaged or not a guanxi database ({reason}); give the path of a database made by `brm import`"
        ),
        StoreError::Corrupt { reason, .. } => format!(
            "{shown} is damaged or not a guanxi database ({reason}); restore it from a backup (`brm backup`) or import the data again (`brm import`)"
        ),
        e @ (StoreError::Busy { .. } | StoreError::NewerFormat { .. }) => e.to_string(),
        // Only a command that writes opens the file for writing.
        StoreError::Open {
            source: redb::DatabaseError::Storage(redb::StorageError::Io(io)),
            ..
        } if io.kind() == std::io::ErrorKind::ReadOnlyFilesystem => format!(
            "{shown} is on a read-only file system: the commands that read (report, chain, path, check, export, backup, …) work on it as it is; to change it, copy it to a writable place first"
        ),
        e => format!("{shown}: {e}"),
    }
}

/// Loads the committed state of the database as a snapshot, through a read-only
/// handle: the parallel load, names included, indexed by store ids.
pub fn load(path: &Path) -> Result<Snapshot> {
    let db = open_read(path)?;
    let txn = db.begin_read().map_err(|e| describe(path, e))?;
    Snapshot::load(&txn).map_err(|e| describe(path, e).into())
}

/// Loads the committed state of the database as a network (for the CSV export),
/// through a read-only handle.
pub fn load_network(path: &Path) -> Result<Network> {
    let db = open_read(path)?;
    let txn = db.begin_read().map_err(|e| describe(path, e))?;
    txn.network()
        .map(|(net, _)| net)
        .map_err(|e| describe(path, e).into())
}

/// A spinner on standard error while a long step runs.
pub fn spinner(msg: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(msg.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
