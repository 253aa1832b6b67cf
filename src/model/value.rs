//! Validated values: scores, amounts, dates and the spec's vocabularies.
//!
//! Each type validates at construction *and* at deserialisation (`serde(try_from)`), so a
//! record decoded from a corrupt file can no more hold a score of 7 than one built in code.

use super::ModelError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A score or weight: a finite number in `[0, 1]` (closeness, acceptance, influence weight).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Score(f64);

impl Score {
    /// Zero.
    pub const ZERO: Score = Score(0.0);
    /// One.
    pub const ONE: Score = Score(1.0);

    /// Validates `value`: NaN, infinities and values outside `[0, 1]` are refused.
    pub fn new(value: f64) -> Result<Score, ModelError> {
        if (0.0..=1.0).contains(&value) {
            // -0.0 is normalised so that equal scores have equal encodings.
            Ok(Score(value + 0.0))
        } else {
            Err(ModelError::ScoreOutOfRange(value))
        }
    }

    /// The value, in `[0, 1]`.
    #[inline]
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Score {
    type Error = ModelError;
    fn try_from(value: f64) -> Result<Score, ModelError> {
        Score::new(value)
    }
}

impl From<Score> for f64 {
    fn from(s: Score) -> f64 {
        s.0
    }
}

impl FromStr for Score {
    type Err = ModelError;
    /// Parses what `f64::from_str` accepts, then validates the range.
    fn from_str(s: &str) -> Result<Score, ModelError> {
        let v: f64 = s
            .parse()
            .map_err(|_| ModelError::NotANumber(s.to_owned()))?;
        Score::new(v)
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A project amount: a finite number in `[0, Amount::MAX]`, in one currency.
///
/// The cap keeps every sum the analyses make (a pipeline, the relationship asset) far
/// from overflowing to infinity, which would turn a report's figures into nulls.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Amount(f64);

impl Amount {
    /// The largest amount: 10¹⁵, as the value parses to `f64`.
    pub const MAX: f64 = 1e15;

    /// Validates `value`: negative, NaN and infinite amounts, and amounts above
    /// [`Amount::MAX`], are refused.
    pub fn new(value: f64) -> Result<Amount, ModelError> {
        if value.is_finite() && value >= 0.0 {
            if value > Amount::MAX {
                return Err(ModelError::AmountTooLarge(value));
            }
            Ok(Amount(value + 0.0))
        } else {
            Err(ModelError::BadAmount(value))
        }
    }

    /// The value.
    #[inline]
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Amount {
    type Error = ModelError;
    fn try_from(value: f64) -> Result<Amount, ModelError> {
        Amount::new(value)
    }
}

impl From<Amount> for f64 {
    fn from(a: Amount) -> f64 {
        a.0
    }
}

impl FromStr for Amount {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Amount, ModelError> {
        let v: f64 = s
            .parse()
            .map_err(|_| ModelError::NotANumber(s.to_owned()))?;
        Amount::new(v)
    }
}

/// A calendar date, stored as the number of days since 1970-01-01 (negative before).
///
/// Parsing and formatting use the ISO `YYYY-MM-DD` form and the proleptic Gregorian
/// calendar; the difference of two days is the number of calendar days between them.
///
/// With serde, a day is its `YYYY-MM-DD` string in human-readable formats (JSON: what a
/// reader of a query result expects) and its day number in compact binary ones (the
/// store's records), so the stored encoding stays four bytes at most.
///
/// ```
/// use guanxi::model::Day;
/// let d: Day = "2025-06-30".parse().unwrap();
/// assert_eq!(serde_json::to_string(&d).unwrap(), "\"2025-06-30\"");
/// assert_eq!(serde_json::from_str::<Day>("\"2025-06-30\"").unwrap(), d);
/// assert!(serde_json::from_str::<Day>("\"2025-02-30\"").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_i32(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            text.parse().map_err(serde::de::Error::custom)
        } else {
            let days = i32::deserialize(d)?;
            Day::try_from(days).map_err(serde::de::Error::custom)
        }
    }
}

const UNIX_EPOCH_JULIAN: i32 = 2_440_588;
/// Days since 1970-01-01 of the first and the last representable date.
const FIRST_DAY: i32 = time::Date::MIN.to_julian_day() - UNIX_EPOCH_JULIAN;
const LAST_DAY: i32 = time::Date::MAX.to_julian_day() - UNIX_EPOCH_JULIAN;

impl Day {
    /// The day `days` after 1970-01-01, if it is a representable date (years −9999..=9999).
    pub fn from_days_since_epoch(days: i32) -> Option<Day> {
        // Every day between the first and the last representable date is a date: a
        // range check, not a calendar conversion (every stored date is decoded here).
        (FIRST_DAY..=LAST_DAY).contains(&days).then_some(Day(days))
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i32 {
        self.0
    }

    /// The calendar date `year-month-day`, if valid.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Day> {
        let month = time::Month::try_from(month).ok()?;
        let date = time::Date::from_calendar_date(year, month, day).ok()?;
        Some(Day(date.to_julian_day() - UNIX_EPOCH_JULIAN))
    }

    /// Calendar days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Day) -> i64 {
        i64::from(later.0) - i64::from(self.0)
    }

    fn date(self) -> time::Date {
        // The constructor guarantees the Julian day is valid.
        time::Date::from_julian_day(self.0 + UNIX_EPOCH_JULIAN).unwrap_or(time::Date::MIN)
    }
}

impl TryFrom<i32> for Day {
    type Error = ModelError;
    fn try_from(days: i32) -> Result<Day, ModelError> {
        Day::from_days_since_epoch(days).ok_or_else(|| ModelError::BadDate(days.to_string()))
    }
}

impl From<Day> for i32 {
    fn from(d: Day) -> i32 {
        d.0
    }
}

impl FromStr for Day {
    type Err = ModelError;
    /// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day).
    /// A string of that form that names no day (`2025-02-30`) is
    /// [`ModelError::NotACalendarDate`]; any other string is [`ModelError::BadDate`].
    fn from_str(s: &str) -> Result<Day, ModelError> {
        let bad = || ModelError::BadDate(s.to_owned());
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return Err(bad());
        }
        let year: i32 = s[0..4].parse().map_err(|_| bad())?;
        let month: u8 = s[5..7].parse().map_err(|_| bad())?;
        let day: u8 = s[8..10].parse().map_err(|_| bad())?;
        Day::from_ymd(year, month, day).ok_or_else(|| ModelError::NotACalendarDate(s.to_owned()))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.date();
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $err:ident, { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spec's lowercase name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = ModelError;
            fn from_str(s: &str) -> Result<$name, ModelError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ModelError::$err(s.to_owned())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// A role in a project's decision chain (§3).
    Role, UnknownRole, {
        /// Can approve alone (economic buyer).
        Approver = "approver",
        /// Can block alone.
        Vetoer = "vetoer",
        /// Takes part in the decision.
        DecisionMaker = "decision_maker",
        /// Evaluates the offers.
        Evaluator = "evaluator",
        /// Influences the decision.
        Influencer = "influencer",
        /// Will use what is bought.
        User = "user",
    }
);

impl Role {
    /// The spec's default role weight: approver 1.0, vetoer 0.9, `decision_maker` 0.7,
    /// evaluator 0.5, influencer 0.4, user 0.3.
    pub fn default_weight(self) -> f64 {
        match self {
            Role::Approver => 1.0,
            Role::Vetoer => 0.9,
            Role::DecisionMaker => 0.7,
            Role::Evaluator => 0.5,
            Role::Influencer => 0.4,
            Role::User => 0.3,
        }
    }
}

vocabulary!(
    /// A project's sales stage (§2).
    Stage, UnknownStage, {
        /// 销售线索, a sales lead.
        Lead = "lead",
        /// 商机验证, opportunity validation.
        Validation = "validation",
        /// 销售打单, pursuing the deal.
        Pursuit = "pursuit",
        /// Won.
        Won = "won",
        /// Lost.
        Lost = "lost",
    }
);

impl Stage {
    /// Whether the project counts in the open pipeline (lead, validation, pursuit).
    pub fn is_open(self) -> bool {
        matches!(self, Stage::Lead | Stage::Validation | Stage::Pursuit)
    }
}

vocabulary!(
    /// The kind of an account.
    AccountKind, UnknownAccountKind, {
        /// A client company.
        Client = "client",
        /// A competitor 友商.
        Competitor = "competitor",
        /// A partner.
        Partner = "partner",
    }
);

vocabulary!(
    /// The kind of an [`Interaction`](super::Interaction): how an employee and a person met.
    InteractionKind, UnknownInteractionKind, {
        /// A meeting in person.
        Meeting = "meeting",
        /// An event both attended (a conference, a dinner, a site visit).
        Event = "event",
        /// A telephone or video call.
        Call = "call",
        /// A chat message.
        Message = "message",
        /// An email.
        Email = "email",
    }
);

impl InteractionKind {
    /// The default weight of one interaction of this kind as evidence of a relationship:
    /// meeting 1.0, event 0.7, call 0.5, message 0.3, email 0.2.
    pub fn default_weight(self) -> f64 {
        match self {
            InteractionKind::Meeting => 1.0,
            InteractionKind::Event => 0.7,
            InteractionKind::Call => 0.5,
            InteractionKind::Message => 0.3,
            InteractionKind::Email => 0.2,
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact values are the point of these tests
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`Day::from_days_since_epoch`] must agree with: the calendar's own
    /// conversion from a Julian day.
    fn by_the_calendar(days: i32) -> Option<Day> {
        let julian = days.checked_add(UNIX_EPOCH_JULIAN)?;
        time::Date::from_julian_day(julian).ok().map(|_| Day(days))
    }

    #[test]
    fn days_at_and_beyond_the_calendars_ends() {
        assert_eq!(FIRST_DAY, by_the_calendar(FIRST_DAY).unwrap().0);
        assert_eq!(LAST_DAY, by_the_calendar(LAST_DAY).unwrap().0);
        assert_eq!(
            Day::from_days_since_epoch(FIRST_DAY).unwrap().to_string(),
            "-9999-01-01"
        );
        assert_eq!(
            Day::from_days_since_epoch(LAST_DAY).unwrap().to_string(),
            "9999-12-31"
        );
        for days in [
            FIRST_DAY - 1,
            LAST_DAY + 1,
            i32::MIN,
            i32::MAX,
            i32::MAX - UNIX_EPOCH_JULIAN + 1,
        ] {
            assert_eq!(Day::from_days_since_epoch(days), None, "{days}");
            assert_eq!(by_the_calendar(days), None, "{days}");
        }
        assert_eq!(
            Day::from_days_since_epoch(0).unwrap().to_string(),
            "1970-01-01"
        );
    }

    proptest! {
        #[test]
        fn a_day_number_is_a_date_exactly_when_the_calendar_says_so(days in any::<i32>(), near in -4_000_000i32..4_000_000) {
            prop_assert_eq!(Day::from_days_since_epoch(days), by_the_calendar(days));
            prop_assert_eq!(Day::from_days_since_epoch(near), by_the_calendar(near));
        }
    }

    #[test]
    fn score_rejects_nan_infinities_and_out_of_range() {
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.001,
            1.000_001,
            2.0,
        ] {
            assert!(
                matches!(Score::new(bad), Err(ModelError::ScoreOutOfRange(_))),
                "{bad}"
            );
        }
        assert_eq!(Score::new(0.0).unwrap().get(), 0.0);
        assert_eq!(Score::new(1.0).unwrap().get(), 1.0);
        assert_eq!(Score::new(-0.0).unwrap().get().to_bits(), 0.0f64.to_bits());
        assert_eq!("8.7e-1".parse::<Score>().unwrap().get(), 0.87);
        assert!(matches!(
            "inf".parse::<Score>(),
            Err(ModelError::ScoreOutOfRange(_))
        ));
        assert!(matches!(
            "x".parse::<Score>(),
            Err(ModelError::NotANumber(_))
        ));
        assert!(matches!(
            " 0.5".parse::<Score>(),
            Err(ModelError::NotANumber(_))
        ));
    }

    #[test]
    fn amount_rejects_negative_and_non_finite() {
        assert!(Amount::new(-1.0).is_err());
        assert!(Amount::new(f64::NAN).is_err());
        assert!(Amount::new(f64::INFINITY).is_err());
        assert_eq!("700000.5".parse::<Amount>().unwrap().get(), 700_000.5);
        assert_eq!(Amount::new(1e15).unwrap().get(), 1e15);
        assert_eq!(
            "1000000000000001".parse::<Amount>(),
            Err(ModelError::AmountTooLarge(1_000_000_000_000_001.0))
        );
        assert_eq!(Amount::new(1e308), Err(ModelError::AmountTooLarge(1e308)));
        // Deserialising checks the cap too.
        let bytes = postcard::to_allocvec(&2e15f64).unwrap();
        assert!(postcard::from_bytes::<Amount>(&bytes).is_err());
    }

    #[test]
    fn day_parses_formats_and_counts_calendar_days() {
        let a: Day = "2025-06-30".parse().unwrap();
        let b: Day = "2024-12-01".parse().unwrap();
        assert_eq!(b.days_until(a), 211);
        assert_eq!(a.to_string(), "2025-06-30");
        assert_eq!("1970-01-01".parse::<Day>().unwrap().days_since_epoch(), 0);
        assert_eq!(
            "2024-02-29".parse::<Day>().unwrap().to_string(),
            "2024-02-29"
        );
        for not_a_day in [
            "2023-02-29",
            "2025-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
        ] {
            assert_eq!(
                not_a_day.parse::<Day>(),
                Err(ModelError::NotACalendarDate(not_a_day.to_owned())),
            );
        }
        for bad in ["2025-6-30", "20250630", "2025/06/30", "", "2025-06-30 "] {
            assert!(
                matches!(bad.parse::<Day>(), Err(ModelError::BadDate(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn vocabularies_parse_their_lowercase_names_only() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), *r);
        }
        assert!("Approver".parse::<Role>().is_err());
        assert_eq!("won".parse::<Stage>().unwrap(), Stage::Won);
        assert_eq!(
            "partner".parse::<AccountKind>().unwrap(),
            AccountKind::Partner
        );
        assert!(matches!(
            "".parse::<AccountKind>(),
            Err(ModelError::UnknownAccountKind(_))
        ));
        assert!((Role::Vetoer.default_weight() - 0.9).abs() < f64::EPSILON);
        let weights: Vec<f64> = InteractionKind::ALL
            .iter()
            .map(|k| k.default_weight())
            .collect();
        assert_eq!(weights, [1.0, 0.7, 0.5, 0.3, 0.2]);
        assert_eq!(
            "call".parse::<InteractionKind>().unwrap(),
            InteractionKind::Call
        );
        assert!(matches!(
            "visit".parse::<InteractionKind>(),
            Err(ModelError::UnknownInteractionKind(_))
        ));
    }

    #[test]
    fn deserialising_validates() {
        let bytes = postcard::to_allocvec(&2.0f64).unwrap();
        assert!(postcard::from_bytes::<Score>(&bytes).is_err());
        let bytes = postcard::to_allocvec(&0.5f64).unwrap();
        assert_eq!(postcard::from_bytes::<Score>(&bytes).unwrap().get(), 0.5);
    }
}
