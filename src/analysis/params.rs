//! Every constant of §4 and §8, with its documented default.
//!
//! The analysis date is *not* a parameter here: `as_of` is always an explicit argument
//! of the analyses, never the wall clock, so that results are reproducible.

use crate::graph::TieParams;
use crate::model::Role;
use serde::{Deserialize, Serialize};

/// The weight of each decision-chain role (§3 defaults).
///
/// Serialises with its field names; a missing field takes its default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoleWeights {
    /// Approver (default 1.0).
    pub approver: f64,
    /// Vetoer (default 0.9).
    pub vetoer: f64,
    /// Decision maker (default 0.7).
    pub decision_maker: f64,
    /// Evaluator (default 0.5).
    pub evaluator: f64,
    /// Influencer (default 0.4).
    pub influencer: f64,
    /// User (default 0.3).
    pub user: f64,
}

impl RoleWeights {
    /// The weight of `role`.
    pub fn weight(&self, role: Role) -> f64 {
        match role {
            Role::Approver => self.approver,
            Role::Vetoer => self.vetoer,
            Role::DecisionMaker => self.decision_maker,
            Role::Evaluator => self.evaluator,
            Role::Influencer => self.influencer,
            Role::User => self.user,
        }
    }
}

impl Default for RoleWeights {
    fn default() -> Self {
        RoleWeights {
            approver: Role::Approver.default_weight(),
            vetoer: Role::Vetoer.default_weight(),
            decision_maker: Role::DecisionMaker.default_weight(),
            evaluator: Role::Evaluator.default_weight(),
            influencer: Role::Influencer.default_weight(),
            user: Role::User.default_weight(),
        }
    }
}

/// The parameters of every analysis. `Params::default()` holds the documented defaults.
///
/// Serialises with its field names (a configuration file can hold it); a missing field
/// takes its default and an unknown one is refused. Deserialising does not
/// [validate](Params::validate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// 4.1: half-life of a tie record's assessed closeness, in days (180).
    pub half_life: f64,
    /// 8.1: half-life of an interaction's evidence, in days (90).
    pub interaction_half_life: f64,
    /// 8.1: how fast interaction evidence `E` becomes closeness:
    /// `c_int = 1 − exp(−interaction_scale · E)` (0.5).
    pub interaction_scale: f64,
    /// 8.1: evidence of one meeting (1.0).
    pub w_meeting: f64,
    /// 8.1: evidence of one event (0.7).
    pub w_event: f64,
    /// 8.1: evidence of one call (0.5).
    pub w_call: f64,
    /// 8.1: evidence of one message (0.3).
    pub w_message: f64,
    /// 8.1: evidence of one email (0.2).
    pub w_email: f64,
    /// 8.4: a trend compares the analysis date with this many days earlier (90); 0
    /// makes every trend 0.
    pub trend_days: i64,
    /// 4.4: PageRank damping (0.85).
    pub damping: f64,
    /// 4.4: PageRank stops when `Σ|Δx| < N · pagerank_tol` (1e-12).
    pub pagerank_tol: f64,
    /// 4.6: Friedkin–Johnsen susceptibility λ (0.5).
    pub susceptibility: f64,
    /// 4.6: Friedkin–Johnsen stops when the largest change is `< fj_tol` (1e-12). Only
    /// projects of more than 64 persons iterate; smaller ones are solved exactly (up to
    /// rounding) by elimination, which this tolerance cannot loosen.
    pub fj_tol: f64,
    /// 4.6: a vetoer or approver whose propagated stance is strictly below this is a
    /// veto risk (−0.2).
    pub veto_threshold: f64,
    /// 4.7: a contact more than this many days before `as_of` is stale (90).
    pub stale_after: i64,
    /// 4.8: number of employees returned by a strongest-path query (5).
    pub path_k: usize,
    /// 4.9: number of coach candidates (3).
    pub coach_k: usize,
    /// 4.9: solution acceptance assumed when unknown (0.5).
    pub unknown_solution: f64,
    /// Role weights for consensus (4.6) and chain closeness (4.13).
    pub role_weights: RoleWeights,
    /// 9.1: number of levers per project (5).
    pub k_levers: usize,
    /// 9.2: the win model is fitted only with at least this many won and this many lost
    /// projects (10); at least 1.
    pub min_closed: usize,
    /// 9.2: L2 regularisation of the win model's coefficients (1.0); > 0.
    pub win_regularisation: f64,
    /// 9.4: an account's protection expires after this many days without contact (90).
    pub protect_days: i64,
    /// A guard against parameters for which an iteration cannot converge (damping or
    /// susceptibility 1): iterative analyses stop after this many rounds. §4 has
    /// no cap, and with valid parameters this one is never reached (PageRank needs about
    /// 200 rounds at damping 0.85, Friedkin–Johnsen about 45 at λ = 0.5). Projects of
    /// at most 64 persons do not iterate (4.6 and 9.1 are solved by elimination there).
    pub max_rounds: usize,
}

impl Default for Params {
    fn default() -> Self {
        let tie = TieParams::default();
        Params {
            half_life: tie.half_life,
            interaction_half_life: tie.interaction_half_life,
            interaction_scale: tie.interaction_scale,
            w_meeting: tie.w_meeting,
            w_event: tie.w_event,
            w_call: tie.w_call,
            w_message: tie.w_message,
            w_email: tie.w_email,
            trend_days: 90,
            damping: 0.85,
            pagerank_tol: 1e-12,
            susceptibility: 0.5,
            fj_tol: 1e-12,
            veto_threshold: -0.2,
            stale_after: 90,
            path_k: 5,
            coach_k: 3,
            unknown_solution: 0.5,
            role_weights: RoleWeights::default(),
            k_levers: 5,
            min_closed: 10,
            win_regularisation: 1.0,
            protect_days: 90,
            max_rounds: 1_000_000,
        }
    }
}

/// A parameter outside its meaningful range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamsError {
    /// A parameter with a value the analyses cannot use.
    #[error("parameter {name} = {value} is out of range: it must be {expected}")]
    OutOfRange {
        /// The parameter's field name.
        name: &'static str,
        /// Its value.
        value: f64,
        /// What it must be.
        expected: &'static str,
    },
}

/// The largest [`Params::trend_days`]: about 2,700 years, so that the earlier date of
/// a trend stays a calendar date.
pub const MAX_TREND_DAYS: i64 = 1_000_000;

impl Params {
    /// The constants of a tie's effective closeness (§4.1, §8.1).
    pub fn tie_params(&self) -> TieParams {
        TieParams {
            half_life: self.half_life,
            interaction_half_life: self.interaction_half_life,
            interaction_scale: self.interaction_scale,
            w_meeting: self.w_meeting,
            w_event: self.w_event,
            w_call: self.w_call,
            w_message: self.w_message,
            w_email: self.w_email,
        }
    }

    /// Checks that every parameter is usable: half-lives > 0; damping and susceptibility
    /// in `[0, 1)`; tolerances > 0; unknown solution in `[0, 1]`; role and interaction
    /// weights and the interaction scale finite and ≥ 0; trend days in
    /// `[0, MAX_TREND_DAYS]`; `min_closed` ≥ 1 (a model needs both outcomes); win
    /// regularisation finite and > 0 (without it, a history that one feature separates
    /// perfectly has no finite best fit); protection days ≥ 0. The analyses never panic
    /// on bad parameters, but their results are then meaningless.
    pub fn validate(&self) -> Result<(), ParamsError> {
        let check = |name, value: f64, ok: bool, expected| {
            if ok {
                Ok(())
            } else {
                Err(ParamsError::OutOfRange {
                    name,
                    value,
                    expected,
                })
            }
        };
        check(
            "half_life",
            self.half_life,
            self.half_life > 0.0 && self.half_life.is_finite(),
            "finite and > 0",
        )?;
        check(
            "interaction_half_life",
            self.interaction_half_life,
            self.interaction_half_life > 0.0 && self.interaction_half_life.is_finite(),
            "finite and > 0",
        )?;
        check(
            "interaction_scale",
            self.interaction_scale,
            self.interaction_scale >= 0.0 && self.interaction_scale.is_finite(),
            "finite and ≥ 0",
        )?;
        for (name, v) in [
            ("w_meeting", self.w_meeting),
            ("w_event", self.w_event),
            ("w_call", self.w_call),
            ("w_message", self.w_message),
            ("w_email", self.w_email),
        ] {
            check(name, v, v.is_finite() && v >= 0.0, "finite and ≥ 0")?;
        }
        check(
            "trend_days",
            self.trend_days as f64,
            (0..=MAX_TREND_DAYS).contains(&self.trend_days),
            "a whole number of days in [0, 1000000]",
        )?;
        check(
            "damping",
            self.damping,
            (0.0..1.0).contains(&self.damping),
            "in [0, 1)",
        )?;
        check(
            "susceptibility",
            self.susceptibility,
            (0.0..1.0).contains(&self.susceptibility),
            "in [0, 1)",
        )?;
        check(
            "pagerank_tol",
            self.pagerank_tol,
            self.pagerank_tol > 0.0,
            "> 0",
        )?;
        check("fj_tol", self.fj_tol, self.fj_tol > 0.0, "> 0")?;
        check(
            "unknown_solution",
            self.unknown_solution,
            (0.0..=1.0).contains(&self.unknown_solution),
            "in [0, 1]",
        )?;
        check(
            "min_closed",
            self.min_closed as f64,
            self.min_closed >= 1,
            "a whole number ≥ 1",
        )?;
        check(
            "win_regularisation",
            self.win_regularisation,
            self.win_regularisation > 0.0 && self.win_regularisation.is_finite(),
            "finite and > 0",
        )?;
        check(
            "protect_days",
            self.protect_days as f64,
            self.protect_days >= 0,
            "≥ 0",
        )?;
        let w = self.role_weights;
        for (name, v) in [
            ("role_weights.approver", w.approver),
            ("role_weights.vetoer", w.vetoer),
            ("role_weights.decision_maker", w.decision_maker),
            ("role_weights.evaluator", w.evaluator),
            ("role_weights.influencer", w.influencer),
            ("role_weights.user", w.user),
        ] {
            check(name, v, v.is_finite() && v >= 0.0, "finite and ≥ 0")?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // these values are exact in binary floating point
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_spec_s_and_validate() {
        let p = Params::default();
        assert_eq!(
            (p.half_life, p.damping, p.susceptibility),
            (180.0, 0.85, 0.5)
        );
        assert_eq!((p.stale_after, p.path_k, p.coach_k), (90, 5, 3));
        assert_eq!(p.role_weights.weight(Role::Vetoer), 0.9);
        assert_eq!(
            (p.interaction_half_life, p.interaction_scale, p.trend_days),
            (90.0, 0.5, 90)
        );
        assert_eq!(
            [p.w_meeting, p.w_event, p.w_call, p.w_message, p.w_email],
            [1.0, 0.7, 0.5, 0.3, 0.2]
        );
        assert_eq!(p.tie_params(), TieParams::default());
        assert_eq!(p.validate(), Ok(()));
        for bad in [
            Params {
                interaction_half_life: 0.0,
                ..p
            },
            Params {
                interaction_scale: -0.1,
                ..p
            },
            Params {
                w_email: f64::NAN,
                ..p
            },
            Params {
                trend_days: -1,
                ..p
            },
            Params {
                trend_days: MAX_TREND_DAYS + 1,
                ..p
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        let bad = Params { damping: 1.0, ..p };
        assert!(matches!(
            bad.validate(),
            Err(ParamsError::OutOfRange {
                name: "damping",
                ..
            })
        ));
    }

    #[test]
    fn strategy_parameters_default_to_the_documented_values_and_are_checked() {
        let p = Params::default();
        assert_eq!((p.k_levers, p.min_closed, p.protect_days), (5, 10, 90));
        assert_eq!(p.win_regularisation, 1.0);
        let refused = |bad: Params| match bad.validate() {
            Err(ParamsError::OutOfRange { name, .. }) => name,
            Ok(()) => "accepted",
        };
        assert_eq!(refused(Params { min_closed: 0, ..p }), "min_closed");
        for r in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let bad = Params {
                win_regularisation: r,
                ..p
            };
            assert_eq!(refused(bad), "win_regularisation");
        }
        assert_eq!(
            refused(Params {
                protect_days: -1,
                ..p
            }),
            "protect_days"
        );
        // Zero levers and zero protection days are meaningful: none, and "any day
        // without contact expires".
        assert_eq!(
            refused(Params {
                k_levers: 0,
                protect_days: 0,
                ..p
            }),
            "accepted"
        );
    }
}
