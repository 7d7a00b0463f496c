//! Which reader a file needs, from its extension and then its content.
//!
//! Extensions that name one format decide it (`.vtt`, `.srt`, `.jsonl`, `.csv`);
//! `.json` is a youtube-transcript-api array when it starts with `[` and JSON Lines
//! otherwise. Anything else is sniffed: a `WEBVTT` first line, a SubRip cue, JSON,
//! transcript stamps on a good share of the lines, and finally a date in the file
//! name or front matter, which makes it a dated document.

use super::Format;
use super::{documents, transcript};

/// The format of a file called `file_name` with this content, if any reader fits.
pub fn detect_format(file_name: &str, text: &str) -> Option<Format> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    match extension.as_str() {
        "vtt" => return Some(Format::WebVtt),
        "srt" => return Some(Format::Srt),
        "jsonl" | "ndjson" => return Some(Format::JsonLines),
        "csv" => return Some(Format::Csv),
        "json" if first.starts_with('[') => return Some(Format::YoutubeJson),
        "json" => return Some(Format::JsonLines),
        _ => {}
    }
    if first.starts_with("WEBVTT") {
        return Some(Format::WebVtt);
    }
    if looks_like_srt(text) {
        return Some(Format::Srt);
    }
    if first.starts_with('[') && text.trim_end().ends_with(']') {
        return Some(Format::YoutubeJson);
    }
    if first.starts_with('{') {
        return Some(Format::JsonLines);
    }
    if transcript::looks_like_transcript(text) {
        return Some(Format::Transcript);
    }
    if documents::date_of(file_name, text).is_some() {
        return Some(Format::Document);
    }
    None
}

/// A SubRip file starts with a cue number and then a `-->` timing line.
fn looks_like_srt(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let (Some(number), Some(timing)) = (lines.next(), lines.next()) else {
        return false;
    };
    !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) && timing.contains("-->")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_decide_first() {
        assert_eq!(detect_format("a.vtt", "anything"), Some(Format::WebVtt));
        assert_eq!(detect_format("a.SRT", "anything"), Some(Format::Srt));
        assert_eq!(detect_format("a.jsonl", "{}"), Some(Format::JsonLines));
        assert_eq!(detect_format("a.csv", "time,text"), Some(Format::Csv));
        assert_eq!(
            detect_format("a.json", " [{\"text\": \"hi\"}]"),
            Some(Format::YoutubeJson)
        );
        assert_eq!(
            detect_format("a.json", "{\"a\": 1}\n{\"a\": 2}"),
            Some(Format::JsonLines)
        );
    }

    #[test]
    fn content_decides_the_rest() {
        assert_eq!(
            detect_format("captions", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi"),
            Some(Format::WebVtt)
        );
        assert_eq!(
            detect_format("captions", "1\n00:00:01,000 --> 00:00:02,000\nhi\n"),
            Some(Format::Srt)
        );
        assert_eq!(
            detect_format("x", "[{\"text\":\"hi\",\"start\":0}]"),
            Some(Format::YoutubeJson)
        );
        assert_eq!(
            detect_format("x.txt", "Title\n\n0:10 hello\n0:20 world\n"),
            Some(Format::Transcript)
        );
        assert_eq!(
            detect_format("1961-kennedy.txt", "Mr. Speaker..."),
            Some(Format::Document)
        );
        assert_eq!(
            detect_format("notes.txt", "---\ndate: 2024-03-20\n---\nText"),
            Some(Format::Document)
        );
        assert_eq!(detect_format("notes.txt", "Just prose."), None);
    }

    #[test]
    fn a_stray_clock_time_does_not_make_prose_a_transcript() {
        let prose = "We met at\n10:30 in the morning.\nIt rained.\nWe left.\nThe end.\n";
        assert_eq!(detect_format("notes.txt", prose), None);
        assert_eq!(
            detect_format("2020-05-01-notes.txt", prose),
            Some(Format::Document)
        );
    }
}
