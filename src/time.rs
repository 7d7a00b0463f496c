//! The time axis: offsets into a recording or instants in history.
//!
//! Every time in a run is an integer number of milliseconds ([`Millis`]) on one
//! [`TimeAxis`]: for transcripts, the offset from the start of the recording; for
//! dated documents, the instant since the Unix epoch (UTC; negative before 1970, so
//! the 1790 State of the Union is fine). Integers keep window arithmetic exact.
//! Parsing and calendar arithmetic go through jiff with its time-zone database
//! compiled in, so a run gives the same answer on every machine.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Unit};
use serde::Serialize;

use crate::config::Millis;

/// What the numbers on a run's time axis mean.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TimeAxis {
    /// Milliseconds from the start of a recording.
    Offset,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    Instant,
}

impl fmt::Display for TimeAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeAxis::Offset => "offset",
            TimeAxis::Instant => "instant",
        })
    }
}

/// A time zone option (`--tz`): an IANA name such as `Europe/Paris`, or `UTC`.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    name: String,
    zone: TimeZone,
}

impl Zone {
    /// Coordinated Universal Time.
    pub fn utc() -> Self {
        Zone {
            name: "UTC".into(),
            zone: TimeZone::UTC,
        }
    }

    /// The jiff time zone.
    pub fn tz(&self) -> &TimeZone {
        &self.zone
    }

    /// The name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The civil date and time of an instant in this zone.
    pub fn civil(&self, instant: Millis) -> DateTime {
        self.zone.to_datetime(timestamp(instant))
    }

    /// The instant of a civil date and time in this zone. In a gap (a skipped hour
    /// at a daylight-saving change) jiff picks the later instant, as most software
    /// does.
    pub fn instant(&self, civil: DateTime) -> Millis {
        self.zone
            .to_timestamp(civil)
            .map(|t| t.as_millisecond())
            .unwrap_or_else(|_| civil_as_utc(civil))
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

impl FromStr for Zone {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let zone = TimeZone::get(s.trim()).map_err(|e| {
            format!("unknown time zone {s:?} ({e}); use an IANA name such as Europe/Paris or UTC")
        })?;
        Ok(Zone {
            name: s.trim().to_string(),
            zone,
        })
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

fn civil_as_utc(civil: DateTime) -> Millis {
    TimeZone::UTC
        .to_timestamp(civil)
        .map(|t| t.as_millisecond())
        .unwrap_or(0)
}

/// The jiff timestamp of an instant, saturating at jiff's range (years ±9999).
pub fn timestamp(instant: Millis) -> Timestamp {
    Timestamp::from_millisecond(instant).unwrap_or(if instant < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// An instant as RFC 3339 in UTC: `2024-03-20T09:00:00Z`, with milliseconds only
/// when there are some.
pub fn rfc3339(instant: Millis) -> String {
    let ts = timestamp(instant);
    if instant.rem_euclid(1000) == 0 {
        ts.round(Unit::Second).unwrap_or(ts).to_string()
    } else {
        format!("{ts:.3}")
    }
}

/// Reads a date or date-time: RFC 3339 or any offset date-time jiff parses
/// (`2020-12-15 17:00:00+00:00`), a civil date-time or date in `zone`
/// (`2024-03-20T09:00`, `2024-03-20`), a year and month (`2024-03`) or a year
/// (`1790`), the last two at the start of the period.
pub fn parse_instant(text: &str, zone: &Zone) -> Option<Millis> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts.as_millisecond());
    }
    if let Ok(dt) = text.parse::<DateTime>() {
        return Some(zone.instant(dt));
    }
    let (year, month, day) = parse_date_prefix(text)?;
    if year.len_used != text.len() {
        return None;
    }
    let date = Date::new(year.value, month.unwrap_or(1), day.unwrap_or(1)).ok()?;
    Some(zone.instant(date.to_datetime(jiff::civil::Time::midnight())))
}

/// A parsed number and how many bytes of the input it and its prefix used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatePart {
    /// The year.
    pub value: i16,
    /// Bytes consumed by the whole date (year, month and day), from the start.
    pub len_used: usize,
}

/// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (also `YYYYMMDD`) at the start of
/// `text`, stopping before anything that is not part of the date. A date must not
/// run into more digits (`19610` is not a year).
pub fn parse_date_prefix(text: &str) -> Option<(DatePart, Option<i8>, Option<i8>)> {
    let b = text.as_bytes();
    let digits = |at: usize, n: usize| -> Option<i32> {
        let s = b.get(at..at + n)?;
        s.iter()
            .all(u8::is_ascii_digit)
            .then(|| s.iter().fold(0i32, |acc, d| acc * 10 + i32::from(d - b'0')))
    };
    let not_digit_at = |at: usize| b.get(at).is_none_or(|c| !c.is_ascii_digit());
    let year = digits(0, 4)?;
    let year = i16::try_from(year).ok()?;
    // YYYYMMDD
    if let (Some(m), Some(d)) = (digits(4, 2), digits(6, 2))
        && not_digit_at(8)
        && (1..=12).contains(&m)
        && (1..=31).contains(&d)
    {
        return Some((
            DatePart {
                value: year,
                len_used: 8,
            },
            Some(m as i8),
            Some(d as i8),
        ));
    }
    if !not_digit_at(4) {
        return None;
    }
    let sep = |at: usize| matches!(b.get(at), Some(b'-' | b'_' | b'.'));
    if sep(4)
        && let Some(m) = digits(5, 2)
        && not_digit_at(7)
        && (1..=12).contains(&m)
    {
        if sep(7)
            && let Some(d) = digits(8, 2)
            && not_digit_at(10)
            && (1..=31).contains(&d)
        {
            return Some((
                DatePart {
                    value: year,
                    len_used: 10,
                },
                Some(m as i8),
                Some(d as i8),
            ));
        }
        return Some((
            DatePart {
                value: year,
                len_used: 7,
            },
            Some(m as i8),
            None,
        ));
    }
    Some((
        DatePart {
            value: year,
            len_used: 4,
        },
        None,
        None,
    ))
}

/// The longest offset themeline reads: about 31 years, far beyond any recording,
/// and small enough that adding offsets and durations can never overflow.
pub const MAX_OFFSET: Millis = 1_000_000_000_000;

/// An offset from a number of seconds, if it is one (finite, not negative, at most
/// [`MAX_OFFSET`]).
pub fn offset_from_seconds(seconds: f64) -> Option<Millis> {
    let millis = seconds * 1000.0;
    (millis.is_finite() && (0.0..=MAX_OFFSET as f64).contains(&millis))
        .then(|| millis.round() as Millis)
}

/// Reads an offset into a recording: `H:MM:SS(.mmm)`, `M:SS(.mmm)` (also with
/// `,` before milliseconds, as SubRip writes them) or a number of seconds. Offsets
/// are never negative and at most [`MAX_OFFSET`].
pub fn parse_offset(text: &str) -> Option<Millis> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return offset_from_seconds(seconds);
    }
    let (clock, fraction) = match text.split_once(['.', ',']) {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    // Digits only: `parse` would also take a sign.
    let number = |part: &str| -> Option<Millis> {
        (!part.is_empty() && part.len() <= 9 && part.bytes().all(|c| c.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let mut parts = clock.split(':').rev();
    let seconds = number(parts.next()?)?;
    let minutes = number(parts.next()?)?;
    let hours = match parts.next() {
        Some(h) => number(h)?,
        None => 0,
    };
    if parts.next().is_some() || seconds >= 60 || (minutes >= 60 && hours > 0) {
        return None;
    }
    let millis = match fraction {
        None => 0,
        Some(f) if f.len() <= 3 => number(f)? * 10i64.pow(3 - f.len() as u32),
        Some(_) => return None,
    };
    let total = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
    (total <= MAX_OFFSET).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_in_every_common_spelling() {
        let utc = Zone::utc();
        let at = |s| parse_instant(s, &utc);
        assert_eq!(at("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(at("2020-12-15 17:00:00+00:00"), at("2020-12-15T17:00:00Z"));
        assert_eq!(at("2024-03-20"), at("2024-03-20T00:00:00Z"));
        assert_eq!(at("2024-03"), at("2024-03-01"));
        assert_eq!(at("1790"), at("1790-01-01"));
        assert!(at("1790").unwrap() < 0);
        for bad in [
            "",
            "soon",
            "2024-13-01",
            "2024-02-30",
            "20245",
            "2024-03-20 and more",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_times_are_read_in_the_zone() {
        let paris: Zone = "Europe/Paris".parse().unwrap();
        let utc = Zone::utc();
        let winter = parse_instant("2024-01-15T10:00", &paris).unwrap();
        assert_eq!(winter, parse_instant("2024-01-15T09:00:00Z", &utc).unwrap());
        // An explicit offset wins over the zone.
        assert_eq!(
            parse_instant("2024-01-15T10:00:00Z", &paris),
            parse_instant("2024-01-15T10:00:00Z", &utc)
        );
        assert!("Mars/Olympus".parse::<Zone>().is_err());
    }

    #[test]
    fn rfc3339_is_utc_and_shows_milliseconds_only_when_present() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1500), "1970-01-01T00:00:01.500Z");
        let t = parse_instant("1790-01-08", &Zone::utc()).unwrap();
        assert_eq!(rfc3339(t), "1790-01-08T00:00:00Z");
    }

    #[test]
    fn dates_at_the_start_of_names() {
        let year = |s: &str| parse_date_prefix(s).map(|(y, m, d)| (y.value, m, d, y.len_used));
        assert_eq!(
            year("2024-03-20-keynote.txt"),
            Some((2024, Some(3), Some(20), 10))
        );
        assert_eq!(year("1961-kennedy.txt"), Some((1961, None, None, 4)));
        assert_eq!(year("1790-Washington-1.txt"), Some((1790, None, None, 4)));
        assert_eq!(year("20240320_talk"), Some((2024, Some(3), Some(20), 8)));
        assert_eq!(year("2024-07"), Some((2024, Some(7), None, 7)));
        assert_eq!(year("19610.txt"), None);
        assert_eq!(year("talk-2024.txt"), None);
        assert_eq!(year("2024-13-01"), Some((2024, None, None, 4)));
    }

    #[test]
    fn offsets_in_clock_and_seconds_forms() {
        assert_eq!(parse_offset("00:01:42.055"), Some(102_055));
        assert_eq!(parse_offset("01:42.5"), Some(102_500));
        assert_eq!(parse_offset("00:00:01,000"), Some(1_000));
        assert_eq!(parse_offset("1:02:03"), Some(3_723_000));
        assert_eq!(parse_offset("12.5"), Some(12_500));
        assert_eq!(
            parse_offset("75:30"),
            Some(4_530_000),
            "minutes may exceed 59 without hours"
        );
        for bad in [
            "",
            "1:61",
            "a:b",
            "1:2:3:4",
            "-5",
            "00:00:01.0000",
            "1:00:00.x",
        ] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }
}
