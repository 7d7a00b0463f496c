//! Round trips for the text formats: random segments are written out as a
//! transcript, WebVTT, SubRip or dated documents, read back, and must come out
//! as they went in (times, text and line numbers), with every line accounted for
//! and no diagnostic. youtube-transcript-api JSON, JSON Lines and CSV have theirs
//! beside their readers (`src/ingest/youtube_json.rs`, `src/ingest/records.rs`).

use proptest::prelude::*;
use themeline::ingest::{Dedupe, Format, IngestOptions, Ingested, read_bytes};
use themeline::time::Millis;
use themeline::time::{Zone, parse_instant};

/// Words that test the readers' edges: non-ASCII, digits right after a glued
/// stamp, markup characters that captions must escape, brackets, quotes.
const WORDS: &[&str] = &[
    "security",
    "ünïcode",
    "😀",
    "12,000",
    "92nd",
    "C++",
    "R&D",
    "a<b",
    "x>y",
    "it's",
    "\"quoted\"",
    "[Music]",
    "Node.js",
];

/// One segment to write: the gap since the previous start, its duration, its
/// words, and a choice of layout the writer interprets per format.
#[derive(Debug, Clone)]
struct Spec {
    gap: i64,
    duration: i64,
    words: Vec<&'static str>,
    layout: u8,
}

fn specs(gap_unit: i64, max_gap: i64) -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            0..=max_gap,
            1i64..60_000,
            prop::collection::vec(prop::sample::select(WORDS), 1..8),
            any::<u8>(),
        )
            .prop_map(move |(gap, duration, words, layout)| Spec {
                gap: gap * gap_unit,
                duration,
                words,
                layout,
            }),
        1..20,
    )
}

/// A segment as read back: line, start, end, text.
type Read = (u32, Millis, Millis, String);

fn read(name: &str, text: &str, format: Option<Format>) -> Ingested {
    let options = IngestOptions {
        format,
        dedupe: Dedupe::Off,
        ..IngestOptions::default()
    };
    let mut ingested = Ingested::default();
    read_bytes(name, text.as_bytes(), &mut ingested, &options).unwrap();
    ingested
}

fn check_clean(ingested: &Ingested, text: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        ingested.diagnostics.is_empty(),
        "{:?}\n{text}",
        ingested.diagnostics
    );
    for source in &ingested.sources {
        prop_assert_eq!(source.lines.total, source.lines.accounted());
        prop_assert_eq!(source.lines.skipped, 0);
    }
    Ok(())
}

fn segments(ingested: &Ingested) -> Vec<Read> {
    ingested
        .segments
        .iter()
        .map(|s| (s.line, s.start, s.end, s.text.clone()))
        .collect()
}

/// `H:MM:SS`, or `M:SS` with any number of minutes below 1000.
fn stamp(ms: Millis, long: bool) -> String {
    let s = ms / 1000;
    if long || s >= 60_000 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// `HH:MM:SS.mmm` (or `MM:SS.mmm` when `short` and under an hour), with `sep`
/// before the milliseconds.
fn cue_time(ms: Millis, short: bool, sep: char) -> String {
    let (h, m, s, t) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if short && h == 0 {
        format!("{m:02}:{s:02}{sep}{t:03}")
    } else {
        format!("{h:02}:{m:02}:{s:02}{sep}{t:03}")
    }
}

/// Caption payload text: `&` and `<` are markup, so they are written as entities.
fn escape(word: &str) -> String {
    word.replace('&', "&amp;").replace('<', "&lt;")
}

/// Splits words over one to three payload lines.
fn payload_lines(words: &[&str], layout: u8) -> Vec<String> {
    let lines = (usize::from(layout % 3) + 1).min(words.len());
    let per = words.len().div_ceil(lines);
    words
        .chunks(per)
        .map(|c| c.iter().map(|w| escape(w)).collect::<Vec<_>>().join(" "))
        .collect()
}

/// Writes lines and remembers the number of the next one.
#[derive(Default)]
struct Writer {
    text: String,
    next_line: u32,
}

impl Writer {
    fn line(&mut self, line: &str) -> u32 {
        self.text.push_str(line);
        self.text.push('\n');
        self.next_line += 1;
        self.next_line
    }
}

proptest! {
    #[test]
    fn transcripts_round_trip(specs in specs(1000, 400), header in any::<bool>()) {
        let mut w = Writer::default();
        if header {
            w.line("A Talk About Things");
            w.line("Its description, on two lines");
            w.line("with [Music] cues.");
            w.line("");
        }
        let mut expected: Vec<Read> = Vec::new();
        let mut start = 0;
        for spec in &specs {
            start += spec.gap;
            let text = spec.words.join(" ");
            let stamp = stamp(start, spec.layout & 4 != 0);
            let line = match spec.layout % 3 {
                // Glued, as YouTube copies it: `0:5112,000 people`.
                0 => w.line(&format!("{stamp}{text}")),
                1 => w.line(&format!("{stamp} {text}")),
                // A stamp on its own line, the text on the lines after it.
                _ => {
                    let line = w.line(&stamp);
                    for chunk in spec.words.chunks(3) {
                        w.line(&chunk.join(" "));
                    }
                    line
                }
            };
            if spec.layout & 8 != 0 {
                w.line("");
            }
            expected.push((line, start, 0, text));
        }
        let ends: Vec<Millis> = expected.iter().skip(1).map(|e| e.1).chain([start + 10_000]).collect();
        for (e, end) in expected.iter_mut().zip(ends) {
            e.2 = end;
        }
        let ingested = read("talk.txt", &w.text, Some(Format::Transcript));
        check_clean(&ingested, &w.text)?;
        prop_assert_eq!(segments(&ingested), expected);
        let source = &ingested.sources[0];
        prop_assert_eq!(source.title.as_deref(), header.then_some("A Talk About Things"));
    }

    #[test]
    fn webvtt_round_trips(specs in specs(1, 200_000)) {
        let mut w = Writer::default();
        w.line("WEBVTT");
        w.line("Kind: captions");
        w.line("");
        let mut expected: Vec<Read> = Vec::new();
        let mut start = 0;
        for (i, spec) in specs.iter().enumerate() {
            start += spec.gap;
            let end = start + spec.duration;
            if spec.layout & 16 != 0 {
                w.line("NOTE a comment");
                w.line("over two lines");
                w.line("");
            }
            if spec.layout & 4 != 0 {
                w.line(&format!("cue-{i}"));
            }
            let short = spec.layout & 8 != 0;
            let settings = if spec.layout & 32 != 0 { " align:start position:0%" } else { "" };
            w.line(&format!("{} --> {}{settings}", cue_time(start, short, '.'), cue_time(end, short, '.')));
            let mut first = None;
            for (j, line) in payload_lines(&spec.words, spec.layout).iter().enumerate() {
                // Voice spans are markup too.
                let line = if j == 0 && spec.layout & 64 != 0 { format!("<v Speaker {i}>{line}") } else { line.clone() };
                first.get_or_insert(w.line(&line));
            }
            w.line("");
            expected.push((first.unwrap(), start, end, spec.words.join(" ")));
        }
        let ingested = read("captions.vtt", &w.text, None);
        check_clean(&ingested, &w.text)?;
        prop_assert_eq!(ingested.sources[0].format, Some(Format::WebVtt));
        prop_assert_eq!(segments(&ingested), expected);
    }

    #[test]
    fn subrip_round_trips(specs in specs(1, 200_000)) {
        let mut w = Writer::default();
        let mut expected: Vec<Read> = Vec::new();
        let mut start = 0;
        for (i, spec) in specs.iter().enumerate() {
            start += spec.gap;
            let end = start + spec.duration;
            w.line(&(i + 1).to_string());
            w.line(&format!("{} --> {}", cue_time(start, false, ','), cue_time(end, false, ',')));
            let mut first = None;
            for line in payload_lines(&spec.words, spec.layout) {
                let line = match spec.layout & 12 {
                    4 => format!("<i>{line}</i>"),
                    8 => format!("{{\\an8}}{line}"),
                    12 => format!("<font color=\"#ffffff\">{line}</font>"),
                    _ => line,
                };
                first.get_or_insert(w.line(&line));
            }
            w.line("");
            expected.push((first.unwrap(), start, end, spec.words.join(" ")));
        }
        let ingested = read("captions.srt", &w.text, None);
        check_clean(&ingested, &w.text)?;
        prop_assert_eq!(ingested.sources[0].format, Some(Format::Srt));
        prop_assert_eq!(segments(&ingested), expected);
    }

    #[test]
    fn dated_documents_round_trip(
        docs in prop::collection::vec(
            (1000i32..=2999, 1u32..=12, 1u32..=28, 0u32..86_400, specs(1, 1), 0u8..3),
            1..8,
        ),
    ) {
        let zone = Zone::utc();
        for (i, (year, month, day, second, paragraphs, dating)) in docs.iter().enumerate() {
            let date = format!("{year:04}-{month:02}-{day:02}");
            let mut w = Writer::default();
            let (name, instant, front_matter) = match dating {
                // Dated by the file name: midnight of that day.
                0 => (format!("{date}-talk-{i}.txt"), format!("{date}T00:00:00Z"), 0),
                // Fenced front matter with a date-time and a title.
                1 => {
                    let at = format!("{date}T{:02}:{:02}:{:02}Z", second / 3600, second / 60 % 60, second % 60);
                    w.line("---");
                    w.line(&format!("title: \"Talk {i}\""));
                    w.line(&format!("date: {at}"));
                    w.line("---");
                    (format!("notes-{i}.txt"), at, 4)
                }
                // A bare `date:` line at the top, month precision.
                _ => {
                    w.line(&format!("date: {year:04}-{month:02}"));
                    w.line("");
                    (format!("notes-{i}.txt"), format!("{year:04}-{month:02}-01T00:00:00Z"), 1)
                }
            };
            let mut body: Vec<String> = Vec::new();
            let mut first = None;
            for paragraph in paragraphs {
                let line = paragraph.words.join(" ");
                first.get_or_insert(w.line(&line));
                body.push(line);
                if paragraph.layout & 1 != 0 {
                    w.line("");
                }
            }
            let ingested = read(&name, &w.text, Some(Format::Document));
            check_clean(&ingested, &w.text)?;
            let at = parse_instant(&instant, &zone).unwrap();
            prop_assert_eq!(segments(&ingested), vec![(first.unwrap(), at, at, body.join("\n"))]);
            let source = &ingested.sources[0];
            prop_assert_eq!(source.lines.metadata, front_matter);
            if *dating == 1 {
                let title = format!("Talk {i}");
                prop_assert_eq!(source.title.as_deref(), Some(title.as_str()));
            }
        }
    }
}
