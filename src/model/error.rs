//! Errors of the model layer.

/// A value that does not satisfy the model's rules (SPEC §3).
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
    /// A number that could not be parsed at all.
    #[error("{0:?} is not a number")]
    NotANumber(String),
    /// A role name that is not one of the spec's six roles.
    #[error("unknown role {0:?} (expected approver, vetoer, decision_maker, evaluator, influencer or user)")]
    UnknownRole(String),
    /// A stage name that is not one of the spec's five stages.
    #[error("unknown stage {0:?} (expected lead, validation, pursuit, won or lost)")]
    UnknownStage(String),
    /// An account kind that is not client, competitor or partner.
    #[error("unknown account kind {0:?} (expected client, competitor or partner)")]
    UnknownAccountKind(String),
    /// A date that is not a valid `YYYY-MM-DD` calendar date.
    #[error("{0:?} is not a date in the form YYYY-MM-DD")]
    BadDate(String),
    /// An edge from a node to itself where the spec forbids it (`reports_to`, influences).
    #[error("a {0} edge may not go from a person to itself")]
    SelfLoop(super::EdgeKind),
    /// An empty external id.
    #[error("external ids may not be empty")]
    EmptyExternalId,
}
