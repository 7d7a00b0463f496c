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

/// A time on the run's axis, or a span of time, in whole milliseconds.
///
/// For transcripts this is the offset from the start of the recording.
pub type Millis = i64;

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

/// A time zone option (`tz`): an IANA name such as `Europe/Paris`, or `UTC`.
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

/// A span of time as options read and write it: `5m`, `90s`, `1h30m`.
///
/// Parsing accepts jiff's friendly format (`5m`, `1h 30m`, `90 seconds`), whole
/// days and weeks (`90d`, `2w`), ISO 8601 (`PT5M`) and a bare number of seconds
/// (`300`). It prints in the shortest of those forms that reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span(pub Millis);

/// A span of time that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {value:?}: {reason}")]
#[non_exhaustive]
pub struct SpanError {
    /// The text as given.
    pub value: String,
    /// Why it was rejected.
    pub reason: String,
}

impl From<Span> for Millis {
    fn from(span: Span) -> Millis {
        span.0
    }
}

impl FromStr for Span {
    type Err = SpanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| SpanError {
            value: s.to_string(),
            reason,
        };
        let trimmed = s.trim();
        let millis = if let Some(ms) = calendar_days(trimmed) {
            ms.ok_or_else(|| invalid("too long".into()))?
        } else if let Ok(secs) = trimmed.parse::<u64>() {
            i64::try_from(secs)
                .ok()
                .and_then(|s| s.checked_mul(1000))
                .ok_or_else(|| invalid("too long".into()))?
        } else {
            let d: jiff::SignedDuration = trimmed.parse().map_err(|e: jiff::Error| {
                invalid(format!("{e}; write it like 5m, 90s or 1h30m"))
            })?;
            i64::try_from(d.as_millis()).map_err(|_| invalid("too long".into()))?
        };
        if millis <= 0 {
            return Err(invalid("must be longer than zero".into()));
        }
        Ok(Span(millis))
    }
}

/// `90d`, `2w`, `3 days`: whole days and weeks of 24 hours, which jiff's
/// `SignedDuration` declines to parse because calendar days can be 23 or 25 hours.
/// `None` when the text is not in this form; `Some(None)` when it overflows.
fn calendar_days(text: &str) -> Option<Option<Millis>> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let days_per_unit = match unit.trim() {
        "d" | "day" | "days" => 1,
        "w" | "week" | "weeks" => 7,
        _ => return None,
    };
    let n: i64 = number.parse().ok()?;
    Some(n.checked_mul(days_per_unit * 86_400_000))
}

impl fmt::Display for Span {
    /// The shortest `1d1h30m5s`-style spelling; milliseconds appear only when present.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return f.write_str("0s");
        }
        // Days only for whole days: `1d1h` would not read back (see `calendar_days`).
        let whole_days = ms % 86_400_000 == 0;
        let (d, h, m, s, rest) = (
            if whole_days { ms / 86_400_000 } else { 0 },
            if whole_days { 0 } else { ms / 3_600_000 },
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000,
        );
        if d != 0 {
            write!(f, "{d}d")?;
        }
        if h != 0 {
            write!(f, "{h}h")?;
        }
        if m != 0 {
            write!(f, "{m}m")?;
        }
        if s != 0 {
            write!(f, "{s}s")?;
        }
        if rest != 0 {
            write!(f, "{rest}ms")?;
        }
        Ok(())
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d)
    }
}

/// Reads a value through its `FromStr`, for types written as strings in files.
pub(crate) fn from_text<'de, D: serde::Deserializer<'de>, T: FromStr>(d: D) -> Result<T, D::Error>
where
    T::Err: fmt::Display,
{
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

/// Formats an offset as `H:MM:SS` (with `.mmm` only when there are milliseconds).
pub fn clock_label(ms: Millis) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if rest == 0 {
        format!("{sign}{h}:{m:02}:{s:02}")
    } else {
        format!("{sign}{h}:{m:02}:{s:02}.{rest:03}")
    }
}

/// `t` as `H:MM:SS` on an offset axis (recordings); `None` for instants, which
/// RFC 3339 already writes for people.
pub fn offset_label(t: Millis, axis: TimeAxis) -> Option<String> {
    (axis == TimeAxis::Offset).then(|| clock_label(t))
}

/// An instant given as an option (`start`): RFC 3339 or another date-time with
/// an offset, or a date or date-time without one, which is read in the run's time
/// zone once that is known ([`Anchor::resolve`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// An instant: milliseconds since the Unix epoch.
    At(Millis),
    /// A date or civil date-time, as written, in a zone to be chosen.
    Local(String),
}

impl Anchor {
    /// The instant in `zone` (which only a local date-time needs).
    pub fn resolve(&self, zone: &Zone) -> Millis {
        match self {
            Anchor::At(instant) => *instant,
            Anchor::Local(text) => parse_instant(text, zone).unwrap_or_default(),
        }
    }
}

impl FromStr for Anchor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if let Ok(ts) = text.parse::<Timestamp>() {
            return Ok(Anchor::At(ts.as_millisecond()));
        }
        match parse_instant(text, &Zone::utc()) {
            Some(_) => Ok(Anchor::Local(text.to_string())),
            None => Err(format!("{s:?} is not a date or date-time")),
        }
    }
}

impl Serialize for Anchor {
    /// RFC 3339 for an instant; a local date-time as written.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Anchor::At(instant) => s.serialize_str(&rfc3339(*instant)),
            Anchor::Local(text) => s.serialize_str(text),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Anchor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d)
    }
}

impl<'de> serde::Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d)
    }
}

impl schemars::JsonSchema for Zone {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Zone".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "An IANA time zone name (UTC, Europe/Berlin).",
            "examples": ["UTC", "Europe/Berlin"],
        })
    }
}

impl schemars::JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A span of time: 5m, 90s, 1h30m, 90d, 2w, PT5M, or seconds.",
            "examples": ["5m", "1h30m"],
        })
    }
}

impl schemars::JsonSchema for Anchor {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Instant".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "An instant: RFC 3339 (2024-03-20T09:00:00Z), or a date or date-time in the run's time zone.",
            "examples": ["2024-03-20T09:00:00Z"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_in_friendly_iso_and_seconds_forms() {
        assert_eq!("5m".parse::<Span>().unwrap().0, 300_000);
        assert_eq!("1h30m".parse::<Span>().unwrap().0, 5_400_000);
        assert_eq!("90s".parse::<Span>().unwrap().0, 90_000);
        assert_eq!("PT2M".parse::<Span>().unwrap().0, 120_000);
        assert_eq!("300".parse::<Span>().unwrap().0, 300_000);
        assert_eq!("1500ms".parse::<Span>().unwrap().0, 1_500);
        assert_eq!("90d".parse::<Span>().unwrap().0, 90 * 86_400_000);
        assert_eq!("2w".parse::<Span>().unwrap().0, 14 * 86_400_000);
        assert_eq!("3 days".parse::<Span>().unwrap().0, 3 * 86_400_000);
    }

    #[test]
    fn bad_spans_are_rejected_with_the_value() {
        for bad in ["", "5x", "0s", "-5m", "soon", "0d", "5 fortnights"] {
            let err = bad.parse::<Span>().unwrap_err().to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn spans_print_compactly_and_round_trip() {
        for (ms, text) in [
            (300_000, "5m"),
            (5_400_000, "1h30m"),
            (90_000, "1m30s"),
            (1_500, "1s500ms"),
            (90 * 86_400_000, "90d"),
            (86_400_000 + 3_600_000, "25h"),
        ] {
            assert_eq!(Span(ms).to_string(), text);
            assert_eq!(text.parse::<Span>().unwrap().0, ms);
        }
    }

    #[test]
    fn clock_labels() {
        assert_eq!(clock_label(0), "0:00:00");
        assert_eq!(clock_label(3_670_000), "1:01:10");
        assert_eq!(clock_label(61_500), "0:01:01.500");
        assert_eq!(
            offset_label(61_000, TimeAxis::Offset).as_deref(),
            Some("0:01:01")
        );
        assert_eq!(offset_label(61_000, TimeAxis::Instant), None);
    }

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
