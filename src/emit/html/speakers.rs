//! The report's table of speakers: who talks how much, what they say more than
//! the others, and which theme they lead.
//!
//! One row per speaker, most talk first: a glance tells who carried the
//! conversation; the per-window detail is in `speakers.csv`, which the table
//! names. A long list of speakers (an AWS Transcribe run over many episodes)
//! stops after [`LISTED_SPEAKERS`] rows.

use std::io::{self, Write};

use super::markup::{escape, percent};
use super::tables::swatched;
use crate::timeline::SpeakerReport;

/// The table's style, added to the page's only when it has the table (a run
/// without speakers writes the page it always did).
pub(super) const STYLE: &str = "table.speakers{font-size:13px}\n\
table.speakers td{border-bottom:1px solid #eef1f4;overflow-wrap:anywhere}\n";

/// The most speakers the table lists.
const LISTED_SPEAKERS: usize = 25;

/// Distinctive terms shown per speaker.
const LISTED_TERMS: usize = 5;

/// How the page names a speaker: the input's name, escaped, or a note for the
/// text whose input names no speaker.
pub(super) fn speaker_name(name: &str) -> String {
    if name.is_empty() {
        "<span class=\"muted\">(no speaker named)</span>".to_string()
    } else {
        escape(name)
    }
}

/// `1:02:03` or `12:03` for a number of seconds.
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s / 3600 {
        0 => format!("{}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
    }
}

/// The table, when the run has speakers; `names` are the run's theme names
/// (for their colours).
pub(super) fn speaker_table(
    out: &mut dyn Write,
    speakers: &[SpeakerReport],
    names: &[String],
) -> io::Result<()> {
    if speakers.is_empty() {
        return Ok(());
    }
    let per_source = speakers.iter().any(|s| s.source.is_some());
    let timed = speakers.iter().any(|s| s.seconds > 0.0);
    let mut order: Vec<&SpeakerReport> = speakers.iter().collect();
    order.sort_by(|a, b| {
        b.tokens
            .cmp(&a.tokens)
            .then_with(|| a.source.cmp(&b.source))
            .then_with(|| a.name.cmp(&b.name))
    });
    out.write_all(b"<h2>Speakers</h2>\n<table class=\"speakers\">\n<thead><tr>")?;
    if per_source {
        out.write_all(b"<th>source</th>")?;
    }
    out.write_all(b"<th>speaker</th><th class=\"num\">share of talk</th>")?;
    if timed {
        out.write_all(b"<th class=\"num\">time</th>")?;
    }
    out.write_all(
        b"<th>distinctive terms</th><th>leads</th><th>talks most about</th></tr></thead>\n<tbody>\n",
    )?;
    let theme = |name: &Option<String>| {
        name.as_deref()
            .map_or_else(|| "—".to_string(), |t| swatched(names, t))
    };
    for speaker in order.iter().take(LISTED_SPEAKERS) {
        out.write_all(b"<tr>")?;
        if per_source {
            write!(
                out,
                "<td>{}</td>",
                escape(speaker.source.as_deref().unwrap_or(""))
            )?;
        }
        write!(
            out,
            "<td>{}</td><td class=\"num\">{}</td>",
            speaker_name(&speaker.name),
            percent(speaker.share)
        )?;
        if timed {
            write!(out, "<td class=\"num\">{}</td>", duration(speaker.seconds))?;
        }
        let terms: Vec<&str> = speaker
            .terms
            .iter()
            .take(LISTED_TERMS)
            .map(|t| t.label.as_str())
            .collect();
        writeln!(
            out,
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&terms.join(", ")),
            theme(&speaker.leads),
            theme(&speaker.dominant)
        )?;
    }
    out.write_all(b"</tbody>\n</table>\n")?;
    let more = speakers.len().saturating_sub(LISTED_SPEAKERS);
    let also = if more > 0 {
        format!(" {more} more speakers are not listed.")
    } else {
        String::new()
    };
    writeln!(
        out,
        "<p class=\"note\">Share of talk: of the tokens. Distinctive: used more than by the \
         others (signed G²). Leads: the theme whose tokens they hold most of, among those \
         where they hold more than anyone. <code>speakers.csv</code> has every speaker \
         per window and theme.{also}</p>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::testing;

    #[test]
    fn speakers_are_listed_most_talk_first_with_their_themes() {
        let timeline = testing::with_speakers();
        let names: Vec<String> = timeline.themes.iter().map(|t| t.name.clone()).collect();
        let mut page = Vec::new();
        speaker_table(&mut page, &timeline.speakers, &names).unwrap();
        let page = String::from_utf8(page).unwrap();
        let host = page.find("=Host").expect("the host is listed");
        let unnamed = page.find("(no speaker named)").expect("so is the rest");
        assert!(host < unnamed, "most talk first");
        assert!(page.contains("60.0%") && page.contains("4:30"), "{page}");
        assert!(page.contains("security"));
        let mut none = Vec::new();
        speaker_table(&mut none, &[], &names).unwrap();
        assert!(none.is_empty(), "no speakers, no table");
    }

    #[test]
    fn durations_read_as_clock_times() {
        assert_eq!(duration(59.6), "1:00");
        assert_eq!(duration(3723.0), "1:02:03");
    }
}
