//! Which reader a file needs, from its extension and then its content.
//!
//! Extensions that name one format decide it (`.vtt`, `.srt`, `.jsonl`, `.csv`,
//! `.tsv` for Whisper TSV, `.json3`); `.json` is a youtube-transcript-api array
//! when it starts with `[{`, and otherwise one of the speech-recognition JSON
//! formats when the file is one object with their top-level keys
//! ([`json_object_format`]), else JSON Lines. Anything else is sniffed: a
//! `WEBVTT` first line, a SubRip cue, JSON as above, Whisper's TSV header,
//! transcript stamps on a good share of the lines, speaker turns
//! ([`speaker_turns::looks_like_speaker_turns`]), and finally a date in the file
//! name or front matter, which makes it a dated document.

use super::Format;
use super::{documents, speaker_turns, transcript};

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
        "tsv" => return Some(Format::WhisperTsv),
        "json3" => return Some(Format::Json3),
        "json" if first.starts_with('[') => return Some(Format::YoutubeJson),
        "json" => return Some(json_object_format(text).unwrap_or(Format::JsonLines)),
        _ => {}
    }
    if first.starts_with("WEBVTT") {
        return Some(Format::WebVtt);
    }
    if looks_like_srt(text) {
        return Some(Format::Srt);
    }
    // `[{...}]`, not a line starting with a bracketed stamp (`[00:01:23] Name:`).
    let array_of_objects = || {
        let text = text.trim_start();
        text.starts_with('[') && text[1..].trim_start().starts_with(['{', ']'])
    };
    if first.starts_with('[') && text.trim_end().ends_with(']') && array_of_objects() {
        return Some(Format::YoutubeJson);
    }
    if first.starts_with('{') {
        return Some(json_object_format(text).unwrap_or(Format::JsonLines));
    }
    if first == "start\tend\ttext" {
        return Some(Format::WhisperTsv);
    }
    if transcript::looks_like_transcript(text) {
        return Some(Format::Transcript);
    }
    if speaker_turns::looks_like_speaker_turns(text) {
        return Some(Format::SpeakerTurns);
    }
    if documents::date_of(file_name, text).is_some() {
        return Some(Format::Document);
    }
    None
}

/// The speech-recognition format of text that is one JSON object, by its
/// top-level keys: `transcription` or `systeminfo` (whisper.cpp), `jobName` or
/// `results` with `status` (AWS Transcribe), `events` with `tStartMs` (json3),
/// `segments` with `version` or `startTime` (Podcasting 2.0), `segments`, or
/// `text` with `language` (Whisper). `None` for anything else, including text
/// with more than one object (JSON Lines). An object still open at the end of the
/// text (a truncated file, or the head of a large one) counts as one object.
pub(super) fn json_object_format(text: &str) -> Option<Format> {
    let (keys, single) = top_level_keys(text);
    if !single {
        return None;
    }
    let has = |key: &str| keys.contains(&key);
    if has("transcription") || has("systeminfo") {
        Some(Format::WhisperCpp)
    } else if has("jobName") || (has("results") && has("status")) {
        Some(Format::AwsTranscribe)
    } else if has("events") && (has("wireMagic") || text.contains("\"tStartMs\"")) {
        Some(Format::Json3)
    } else if has("segments") && (has("version") || text.contains("\"startTime\"")) {
        Some(Format::PodcastJson)
    } else if has("segments") || (has("text") && has("language")) {
        Some(Format::WhisperJson)
    } else {
        None
    }
}

/// The keys of the first top-level JSON object of `text`, and whether that
/// object is all there is (only whitespace after it, or still open at the end).
fn top_level_keys(text: &str) -> (Vec<&str>, bool) {
    let bytes = text.as_bytes();
    let mut keys = Vec::new();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut expecting_key = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 && expecting_key {
                    keys.push(&text[start..i.min(text.len())]);
                    expecting_key = false;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                expecting_key = depth == 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (keys, text[i + 1..].trim().is_empty());
                }
            }
            b',' if depth == 1 => expecting_key = true,
            _ => {}
        }
        i += 1;
    }
    (keys, true)
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
    fn speech_recognition_json_by_its_keys() {
        let cases = [
            (
                "{\"text\": \" hi\", \"segments\": [], \"language\": \"en\"}",
                Format::WhisperJson,
            ),
            (
                "{\"text\": \" hi\", \"language\": \"en\"}",
                Format::WhisperJson,
            ),
            (
                "{\n\t\"systeminfo\": \"x\",\n\t\"transcription\": []\n}",
                Format::WhisperCpp,
            ),
            (
                "{\"version\":\"1.0.0\",\"segments\":[{\"startTime\":1}]}",
                Format::PodcastJson,
            ),
            (
                "{\"jobName\":\"j\",\"results\":{\"items\":[]}}",
                Format::AwsTranscribe,
            ),
            (
                "{\"status\":\"FAILED\",\"results\":{}}",
                Format::AwsTranscribe,
            ),
            (
                "{\"wireMagic\":\"pb3\",\"events\":[{\"tStartMs\":0}]}",
                Format::Json3,
            ),
            // Truncated: still one object.
            (
                "{\"text\": \" hi\", \"segments\": [{\"start\": 0",
                Format::WhisperJson,
            ),
        ];
        for (text, format) in cases {
            assert_eq!(detect_format("t.json", text), Some(format), "{text}");
            assert_eq!(detect_format("-", text), Some(format), "{text}");
        }
        // A string holding braces and keys does not confuse the scan.
        assert_eq!(
            json_object_format("{\"note\": \"}{\\\"segments\\\": 1\", \"a\": 1}"),
            None
        );
        // Several objects are JSON Lines, whatever their keys.
        let lines =
            "{\"text\": \"a\", \"language\": \"en\"}\n{\"text\": \"b\", \"language\": \"en\"}\n";
        assert_eq!(detect_format("t.json", lines), Some(Format::JsonLines));
        assert_eq!(detect_format("t.json3", "{}"), Some(Format::Json3));
        assert_eq!(detect_format("t.tsv", "a\tb"), Some(Format::WhisperTsv));
        assert_eq!(
            detect_format("-", "start\tend\ttext\n0\t10\thi\n"),
            Some(Format::WhisperTsv)
        );
    }

    #[test]
    fn speaker_turns_by_content() {
        assert_eq!(
            detect_format("ep.md", "**A:** \\[00:10\\] hi\n\n**B:** ho\n"),
            Some(Format::SpeakerTurns)
        );
        // A bracketed stamp first is not a youtube-transcript-api array.
        assert_eq!(
            detect_format("-", "[00:00:00] A: hi\n[00:00:05] B: [laughs]"),
            Some(Format::SpeakerTurns)
        );
        assert_eq!(
            detect_format("otter.txt", "Kelly  0:04  \nHi.\n\nShannon  0:09  \nHo.\n"),
            Some(Format::SpeakerTurns)
        );
        // Bold labels without any stamp are Markdown, not a transcript.
        assert_eq!(
            detect_format("notes.md", "**Note:** one\n\n**Tip:** two\n"),
            None
        );
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
