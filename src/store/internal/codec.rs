//! Record codec: a leading format-version byte, then the value in postcard.
//!
//! Decoding never panics and never trusts a length: postcard reads a string's length and
//! then takes exactly that many bytes *from the input slice* (failing if they are not
//! there) before copying them, and a sequence's capacity hint is dropped when it exceeds
//! the remaining input — so a hostile record cannot make it allocate more than the size of
//! the record itself. The model's value types validate while deserialising (a score of 7
//! or an unknown role is an error, not a value). Trailing bytes are an error too, so a
//! record either decodes exactly or is reported as corrupt.

use crate::store::error::{Result, StoreError};
use serde::{Deserialize, Serialize};

/// The format version of every record written by this build.
pub(crate) const RECORD_VERSION: u8 = 1;

/// Encodes `value` into `buf` (cleared first), with the leading version byte.
pub(crate) fn encode_into<T: Serialize + ?Sized>(
    value: &T,
    buf: &mut Vec<u8>,
    what: &dyn Fn() -> String,
) -> Result<()> {
    let mut v = std::mem::take(buf);
    v.clear();
    v.push(RECORD_VERSION);
    match postcard::to_extend(value, v) {
        Ok(v) => {
            *buf = v;
            Ok(())
        }
        Err(e) => Err(StoreError::Encode {
            what: what(),
            reason: e.to_string(),
        }),
    }
}

/// Decodes a record written by [`encode_into`]. `what` names the record for the error.
/// `T` may borrow strings from `bytes` (postcard writes `String` and `&str` alike).
pub(crate) fn decode<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    what: &dyn Fn() -> String,
) -> Result<T> {
    let corrupt = |reason: String| StoreError::Corrupt {
        what: what(),
        reason,
    };
    let (&version, body) = bytes
        .split_first()
        .ok_or_else(|| corrupt("empty record".to_owned()))?;
    if version != RECORD_VERSION {
        return Err(corrupt(format!(
            "record format version {version}, expected {RECORD_VERSION}"
        )));
    }
    let (value, rest) = postcard::take_from_bytes::<T>(body).map_err(|e| corrupt(e.to_string()))?;
    if !rest.is_empty() {
        return Err(corrupt(format!("{} trailing bytes", rest.len())));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Member, Role, Score};

    fn what() -> String {
        "test record".to_owned()
    }

    #[test]
    fn round_trips_with_a_version_byte() {
        let m = Member {
            role: Role::Vetoer,
            coach: true,
            solution: Some(Score::new(0.25).unwrap()),
            price: None,
        };
        let mut buf = vec![9, 9, 9];
        encode_into(&m, &mut buf, &what).unwrap();
        assert_eq!(buf[0], RECORD_VERSION);
        assert_eq!(decode::<Member>(&buf, &what).unwrap(), m);
    }

    #[test]
    fn hostile_records_are_errors_not_panics() {
        // Empty, wrong version, truncated, trailing bytes, out-of-range score.
        let mut good = Vec::new();
        encode_into(&("ab".to_owned(), 0.5f64), &mut good, &what).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![2, 0],
            good[..good.len() - 1].to_vec(),
            [good.as_slice(), &[0]].concat(),
        ];
        for c in cases {
            assert!(matches!(
                decode::<(String, Score)>(&c, &what),
                Err(StoreError::Corrupt { .. })
            ));
        }
        let mut bad = Vec::new();
        encode_into(&("ab".to_owned(), 7.0f64), &mut bad, &what).unwrap();
        assert!(matches!(
            decode::<(String, Score)>(&bad, &what),
            Err(StoreError::Corrupt { .. })
        ));
        // A string claiming a length of 2^63 bytes: refused without allocating.
        let huge = [
            RECORD_VERSION,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0x7f,
        ];
        assert!(decode::<String>(&huge, &what).is_err());
        // A sequence claiming 2^32 elements: refused without allocating.
        let seq = [RECORD_VERSION, 0xff, 0xff, 0xff, 0xff, 0x0f, 1];
        assert!(decode::<Vec<u64>>(&seq, &what).is_err());
    }
}
