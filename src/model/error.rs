//! Errors of the model layer.

use super::Day;

/// A value that does not satisfy the model's rules (§3).
///
/// Each variant names the offending value so that a caller can tell the user what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A score or weight that is NaN, infinite or outside `[0, 1]`.
    #[error("score {0} is not a finite number in [0, 1]")]
    ScoreOutOfRange(f64),
    /// An amount that is negative, NaN or infinite.
    #[error("amount {0} is not a finite number ≥ 0")]
    BadAmount(f64),
    /// An amount above [`Amount::MAX`](super::Amount::MAX).
    #[error("amount {0} is larger than 1e15, the largest amount guanxi stores")]
    AmountTooLarge(f64),
    /// A number that could not be parsed at all.
    #[error("{0:?} is not a number")]
    NotANumber(String),
    /// A role name that is not one of the six roles.
    #[error("unknown role {0:?} (expected approver, vetoer, decision_maker, evaluator, influencer or user)")]
    UnknownRole(String),
    /// A stage name that is not one of the five stages.
    #[error("unknown stage {0:?} (expected lead, validation, pursuit, won or lost)")]
    UnknownStage(String),
    /// An account kind that is not client, competitor or partner.
    #[error("unknown account kind {0:?} (expected client, competitor or partner)")]
    UnknownAccountKind(String),
    /// An interaction kind that is not meeting, event, call, message or email.
    #[error("unknown interaction kind {0:?} (expected meeting, event, call, message or email)")]
    UnknownInteractionKind(String),
    /// A date that is not in the form `YYYY-MM-DD`.
    #[error("{0:?} is not a date in the form YYYY-MM-DD")]
    BadDate(String),
    /// A date in the form `YYYY-MM-DD` that names no day of the calendar (`2025-02-30`).
    #[error("{0:?} is not a calendar date")]
    NotACalendarDate(String),
    /// An edge from a node to itself where the model forbids it (`reports_to`, influences).
    #[error("a {0} edge may not go from a person to itself")]
    SelfLoop(super::EdgeKind),
    /// An empty external id.
    #[error("external ids may not be empty")]
    EmptyExternalId,
    /// A text longer than its cap ([`MAX_ID_BYTES`](super::MAX_ID_BYTES) for external ids,
    /// [`MAX_TEXT_BYTES`](super::MAX_TEXT_BYTES) for names and titles).
    #[error("the {field} is {len} bytes long; at most {max} bytes are allowed")]
    TooLong {
        /// Which text: `id`, `name` or `title`.
        field: &'static str,
        /// Its length in bytes (UTF-8).
        len: usize,
        /// The cap in bytes.
        max: usize,
    },
    /// An employment period whose start is not before its end.
    #[error("the employment period is empty: since {since} is not before until {until}")]
    EmptyPeriod {
        /// The first day of the period.
        since: Day,
        /// The first day after the period.
        until: Day,
    },
}

/// The most bytes an external id may have (UTF-8): 1 024.
pub const MAX_ID_BYTES: usize = 1024;

/// The most bytes a name or a title may have (UTF-8): 4 096.
///
/// Ids and texts are capped so that one runaway field (a whole document pasted into a
/// name) cannot bloat the database or every report that prints it.
pub const MAX_TEXT_BYTES: usize = 4096;

/// Checks a text against its cap; `field` names it in the error.
pub fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), ModelError> {
    if text.len() > max {
        Err(ModelError::TooLong {
            field,
            len: text.len(),
            max,
        })
    } else {
        Ok(())
    }
}
