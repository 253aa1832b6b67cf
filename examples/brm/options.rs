//! What every query command shares: the database, the analysis date, and every analysis
//! constant as an option whose default is [`Params::default()`] — the defaults are
//! written once, in the library.

use crate::Result;
use clap::Args;
use guanxi::analysis::Params;
use guanxi::graph::Snapshot;
use guanxi::model::{Day, Network};
use guanxi::store::{Database, Read};
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

impl Common {
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
#[derive(Args)]
pub struct ParamArgs {
    /// 4.1 half-life of a tie, days.
    #[arg(long, default_value_t = DEFAULTS.half_life)]
    half_life: f64,
    /// 4.4 PageRank damping.
    #[arg(long, default_value_t = DEFAULTS.damping)]
    damping: f64,
    /// 4.4 PageRank tolerance (per node).
    #[arg(long, default_value_t = DEFAULTS.pagerank_tol)]
    pagerank_tol: f64,
    /// 4.6 Friedkin–Johnsen susceptibility λ.
    #[arg(long, default_value_t = DEFAULTS.susceptibility)]
    susceptibility: f64,
    /// 4.6 Friedkin–Johnsen tolerance.
    #[arg(long, default_value_t = DEFAULTS.fj_tol)]
    fj_tol: f64,
    /// 4.6 veto-risk threshold (strictly below).
    #[arg(long, default_value_t = DEFAULTS.veto_threshold, allow_negative_numbers = true)]
    veto_threshold: f64,
    /// 4.7 days after which a contact is stale.
    #[arg(long, default_value_t = DEFAULTS.stale_after)]
    stale_after: i64,
    /// 4.8 number of employees per strongest-path query.
    #[arg(long, default_value_t = DEFAULTS.path_k)]
    k: usize,
    /// 4.9 number of coach candidates.
    #[arg(long, default_value_t = DEFAULTS.coach_k)]
    coach_k: usize,
    /// 4.9 solution acceptance assumed when unknown.
    #[arg(long, default_value_t = DEFAULTS.unknown_solution)]
    unknown_solution: f64,
    /// Role weight of an approver.
    #[arg(long, default_value_t = DEFAULTS.role_weights.approver)]
    w_approver: f64,
    /// Role weight of a vetoer.
    #[arg(long, default_value_t = DEFAULTS.role_weights.vetoer)]
    w_vetoer: f64,
    /// Role weight of a decision maker.
    #[arg(long, default_value_t = DEFAULTS.role_weights.decision_maker)]
    w_decision_maker: f64,
    /// Role weight of an evaluator.
    #[arg(long, default_value_t = DEFAULTS.role_weights.evaluator)]
    w_evaluator: f64,
    /// Role weight of an influencer.
    #[arg(long, default_value_t = DEFAULTS.role_weights.influencer)]
    w_influencer: f64,
    /// Role weight of a user.
    #[arg(long, default_value_t = DEFAULTS.role_weights.user)]
    w_user: f64,
}

impl ParamArgs {
    /// The parameters the options describe, validated.
    pub fn params(&self) -> Result<Params> {
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

/// Opens an existing database.
pub fn open_db(path: &Path) -> Result<Database> {
    Database::open(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// Loads the committed state of the database as a snapshot: the parallel load, names
/// included, indexed by store ids.
pub fn load(path: &Path) -> Result<Snapshot> {
    let db = open_db(path)?;
    let txn = db.begin_read().map_err(|e| e.to_string())?;
    Snapshot::load(&txn).map_err(|e| e.to_string().into())
}

/// Loads the committed state of the database as a network (for the CSV export).
pub fn load_network(path: &Path) -> Result<Network> {
    let db = open_db(path)?;
    let txn = db.begin_read().map_err(|e| e.to_string())?;
    txn.network()
        .map(|(net, _)| net)
        .map_err(|e| e.to_string().into())
}

/// A spinner on standard error while a long step runs.
pub fn spinner(msg: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(msg.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
