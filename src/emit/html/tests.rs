//! Tests of the whole page, on hand-built timelines.

use super::aggregate::MAX_COLUMNS;
use super::chart::{LABEL_ROWS, LEFT, RIGHT, WIDTH, place_labels};
use super::markup::num;
use super::*;
use crate::emit::{emit, testing};
use crate::timeline::{ShiftKind, Timeline};

fn html(timeline: &Timeline) -> String {
    let mut sink = HtmlReport::new(Vec::new());
    emit(timeline, &mut [&mut sink]).unwrap();
    String::from_utf8(sink.into_inner()).unwrap()
}

#[test]
fn input_text_is_escaped_everywhere() {
    const EVIL: &str = "<script>alert(1)</script> & \"x\"";
    let mut timeline = testing::talk();
    timeline.meta.inputs[0].title = Some(EVIL.into());
    timeline.meta.inputs[0].path = EVIL.into();
    timeline.meta.options.phrase = vec![EVIL.into()];
    let renamed = timeline.themes[0].name.clone();
    timeline.themes[0].name = EVIL.into();
    timeline.themes[0].description = Some(EVIL.into());
    timeline.themes[0].top_terms = vec![EVIL.into()];
    for window in &mut timeline.windows {
        window.label = EVIL.into();
        for term in &mut window.terms {
            term.label = EVIL.into();
            term.term = EVIL.into();
        }
        for theme in &mut window.themes {
            if theme.theme == renamed {
                theme.theme = EVIL.into();
            }
        }
        if window.dominant.as_deref() == Some(renamed.as_str()) {
            window.dominant = Some(EVIL.into());
        }
    }
    for shift in &mut timeline.shifts {
        shift.subject = EVIL.into();
        shift.from = EVIL.into();
        shift.to = EVIL.into();
        shift.label = EVIL.into();
        shift.evidence = vec![EVIL.into()];
    }
    assert!(
        timeline
            .shifts
            .iter()
            .any(|s| s.kind == ShiftKind::Dominant)
    );
    let page = html(&timeline);
    assert!(!page.to_lowercase().contains("<script"), "unescaped script");
    assert!(!page.contains(EVIL));
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;";
    // Title, heading, path, option, terms, theme, legend, shifts, labels.
    assert!(page.matches(escaped).count() > 10, "{page}");
    assert!(page.contains(&format!("<title>{escaped} · themeline</title>")));
    assert!(page.contains(&format!("<h1>{escaped}</h1>")));
}

#[test]
fn the_chart_has_a_band_per_theme_and_a_line_per_dominant_shift() {
    let timeline = testing::talk();
    let page = html(&timeline);
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 1);
    assert_eq!(
        page.matches("<path class=\"band ").count(),
        timeline.themes.len()
    );
    let dominant: Vec<_> = timeline
        .shifts
        .iter()
        .filter(|s| s.kind == ShiftKind::Dominant)
        .collect();
    assert!(!dominant.is_empty());
    assert_eq!(page.matches("<g class=\"shift\">").count(), dominant.len());
    for shift in dominant {
        let label = format!("{} → {}", shift.from, shift.to);
        assert!(
            page.contains(&format!(">{}</text></g>", escape(&label))),
            "{label}"
        );
    }
    // Bands in Timeline::themes order, each with its palette colour.
    for (i, theme) in timeline.themes.iter().enumerate() {
        assert!(page.contains(&format!(
            "<path class=\"band b-{i}\" fill=\"{}\"",
            colour(i)
        )));
        assert!(page.contains(&format!("<title>{}: mean share", escape(&theme.name))));
    }
    // A hover column per window, a heat-table row per window.
    assert_eq!(
        page.matches("<rect class=\"col\"").count(),
        timeline.windows.len()
    );
    assert_eq!(
        page.matches("<th class=\"win\">").count(),
        timeline.windows.len()
    );
    let first = &timeline.windows[0].terms[0];
    assert!(page.contains(&format!(
        "title=\"{} ({})&#10;score {} · count {} · ",
        escape(&first.label),
        escape(&first.term),
        num(first.score, 4),
        first.count
    )));
    assert!(!page.contains("<script") && !page.contains("http-equiv"));
}

#[test]
fn one_window_spans_the_whole_plot() {
    let timeline = testing::one_window();
    assert_eq!(timeline.windows.len(), 1);
    let page = html(&timeline);
    let right = num(WIDTH - RIGHT, 1);
    assert!(page.contains(&format!("<rect class=\"col\" x=\"{}\" y=", num(LEFT, 1))));
    assert!(
        page.contains(&format!("L{right},")),
        "the band reaches the right edge"
    );
    assert_eq!(page.matches("<g class=\"shift\">").count(), 0);
}

#[test]
fn without_themes_a_sentence_replaces_the_chart() {
    let timeline = testing::without_themes();
    assert!(timeline.themes.is_empty());
    let page = html(&timeline);
    assert!(!page.contains("<svg"));
    assert!(page.contains("This timeline has no themes"));
    assert!(page.contains("<table class=\"heat\">"));
    assert!(!page.contains("<th>dominant</th>"));
}

#[test]
fn per_source_timelines_get_a_chart_each() {
    let timeline = testing::two_sources();
    let page = html(&timeline);
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 2);
    assert!(page.contains("<h2>a.txt <span class=\"muted\">· Platform news</span></h2>"));
    assert!(page.contains("<h2>b.txt</h2>"));
    // The same theme has the same colour in both charts.
    assert_eq!(
        page.matches("<path class=\"band b-0\" fill=\"#4e79a7\"")
            .count(),
        2
    );
}

#[test]
fn dominant_labels_never_overlap() {
    let timeline = testing::talk();
    let shift = &timeline.shifts[0];
    let placed = place_labels(&[
        (100.0, "a long label here".into(), shift),
        (110.0, "another long label".into(), shift),
        (400.0, "far away".into(), shift),
        (WIDTH - 10.0, "at the right edge".into(), shift),
    ]);
    let rows: Vec<usize> = placed.iter().map(|m| m.row).collect();
    // The second label cannot sit under the first (the first's line would cross
    // it) nor beside it: it goes above, in the first row, and the first below.
    assert_eq!(placed.len(), 4);
    assert!(rows[0] != rows[1]);
    assert!(placed[3].anchor_end && !placed[0].anchor_end);
}

/// The 15-changes-in-19-windows case of issue 16, and worse: crowded labels of
/// growing strength never overlap each other or a line, fit in the rows, and
/// the ones left out are the weakest.
#[test]
fn crowded_labels_are_thinned_not_stacked() {
    let timeline = testing::talk();
    let shifts: Vec<_> = (0..60)
        .map(|i| {
            let mut s = timeline.shifts[0].clone();
            s.strength = f64::from((i * 37) % 60) + 1.0;
            s
        })
        .collect();
    let input: Vec<(f64, String, &_)> = shifts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let x = LEFT + i as f64 * (WIDTH - LEFT - RIGHT) / 60.0;
            (x, format!("theme {i} → theme {}", i + 1), s)
        })
        .collect();
    let placed = place_labels(&input);
    assert!(
        placed.len() >= 6 && placed.len() < 60,
        "{} placed",
        placed.len()
    );
    for (i, a) in placed.iter().enumerate() {
        assert!(a.row < LABEL_ROWS);
        assert!(
            a.left >= 0.0 && a.right <= WIDTH,
            "label clipped: {}..{}",
            a.left,
            a.right
        );
        for b in &placed[i + 1..] {
            if a.row == b.row {
                assert!(a.right < b.left || b.right < a.left, "boxes overlap");
            }
            // A line runs from its label's row down: it crosses no lower label.
            let (upper, lower) = if a.row < b.row { (a, b) } else { (b, a) };
            if upper.row != lower.row {
                assert!(
                    upper.x < lower.left || upper.x > lower.right,
                    "a line crosses a label"
                );
            }
        }
    }
    // Placed in time order, and the strongest is always placed.
    assert!(placed.windows(2).all(|w| w[0].x < w[1].x));
    let strongest = input
        .iter()
        .max_by(|a, b| a.2.strength.total_cmp(&b.2.strength))
        .unwrap();
    assert!(placed.iter().any(|m| m.x == strongest.0));
}

#[test]
fn the_title_names_the_inputs() {
    let mut timeline = testing::talk();
    assert_eq!(title(&timeline.meta), "Platform news");
    let mut other = timeline.meta.inputs[0].clone();
    for path in ["talks/b.txt", "c.en.vtt.gz", "d.txt"] {
        other.path = path.into();
        other.title = None;
        timeline.meta.inputs.push(other.clone());
    }
    assert_eq!(title(&timeline.meta), "Platform news, b and 2 more");
    timeline.meta.inputs.truncate(3);
    assert_eq!(title(&timeline.meta), "Platform news, b, c");
    timeline.meta.inputs[1].path = ".hidden".into();
    assert_eq!(title(&timeline.meta), "Platform news, .hidden, c");
    timeline.meta.inputs.clear();
    assert_eq!(title(&timeline.meta), "themeline report");
}

/// The part of `page` from the first `<section` to the last `</section>`.
fn sections(page: &str) -> &str {
    let start = page.find("<section").unwrap();
    let end = page.rfind("</section>\n").unwrap() + "</section>\n".len();
    &page[start..end]
}

/// Compares `actual` with the committed `testdata/NAME`, or rewrites it when
/// `THEMELINE_BLESS` is set (after a deliberate change of the page).
fn assert_committed(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/emit/html/testdata")
        .join(name);
    if std::env::var_os("THEMELINE_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        actual == expected,
        "{name} differs from the committed one (set THEMELINE_BLESS=1 to rewrite it):\n{actual}"
    );
}

#[test]
fn a_fixed_timeline_gives_the_committed_section() {
    let page = html(&testing::talk());
    assert_committed("talk-section.html", sections(&page));
    assert!(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
    );
    assert!(page.contains("<title>Platform news · themeline</title>\n<style>\n:root{"));
    assert!(page.contains(
        "section:has(.lg-0:hover) .band:not(.b-0),section:has(.lg-1:hover) .band:not(.b-1),\
         section:has(.lg-2:hover) .band:not(.b-2){opacity:.25}\n</style>"
    ));
    assert!(page.contains(
        "<h1>Platform news</h1>\n<p class=\"muted\">3 windows of 2m30s · 1 input · 1 document · \
         20 tokens · themes from cloud-native · 4 shift events · scores: tfidf</p>\n"
    ));
    assert!(page.contains("<tr><th>windows</th><td class=\"num\">3</td></tr>"));
    assert!(page.ends_with(
        "<footer>Written by themeline 0.0.0-test · the same data is in <code>themes.csv</code>, \
         <code>terms.csv</code>, <code>shifts.csv</code> and <code>timeline.json</code> beside \
         this file; <code>timeline.vl.json</code> charts <code>themes.csv</code> with \
         Vega-Lite.</footer>\n</main>\n</body>\n</html>\n"
    ));
}

#[test]
fn per_source_sections_match_the_committed_ones() {
    let page = html(&testing::two_sources());
    assert_committed("two-sources-sections.html", sections(&page));
}

#[test]
fn the_chart_steps_and_shares_are_where_the_windows_say() {
    let page = html(&testing::talk());
    // 1,104 units for 450 s: a window of 150 s is 368 units; the plot starts under
    // one row of labels (26) and is 300 high; the third window is 42.9% AI/ML
    // under 57.1% security.
    assert!(page.contains(
        "<path class=\"band b-0\" fill=\"#4e79a7\" d=\"M52.0,26.0L420.0,26.0L420.0,326.0\
         L788.0,326.0L788.0,197.3L1156.0,197.3L1156.0,326.0L788.0,326.0L788.0,326.0\
         L420.0,326.0L420.0,326.0L52.0,326.0Z\"><title>AI/ML: mean share 47.6%</title></path>"
    ));
    assert!(page.contains(
        "<rect class=\"col\" x=\"788.0\" y=\"26.0\" width=\"368.0\" height=\"300.0\">\
         <title>0:05:00 · 3 tokens (partial window)\nsecurity 57.1%\nAI/ML 42.9%</title></rect>"
    ));
}

#[test]
fn a_long_timeline_is_shown_as_at_most_the_cap_of_columns_and_says_so() {
    let timeline = testing::long(50_000);
    let page = html(&timeline);
    assert!(page.len() < 3_000_000, "{} bytes", page.len());
    // 64 windows per column: the smallest power of two that fits the cap.
    let columns = 50_000usize.div_ceil(64);
    assert!(columns <= MAX_COLUMNS);
    assert_eq!(page.matches("<rect class=\"col\"").count(), columns);
    assert_eq!(page.matches("<th class=\"win\">").count(), columns);
    assert!(page.contains(&format!(
        "<b>50000 windows shown as {columns} columns of 64 windows each</b> (the last of 16)"
    )));
    assert!(page.contains("<th class=\"win\">0:00:00–0:01:04</th>"));
    assert!(page.contains("<title>0:00:00–0:01:04 · 64 windows · "));
    // A column's shares are token-weighted means: security rises along the run.
    assert!(page.contains("\nsecurity 99.9%\nAI/ML 0.1%</title></rect>"));
    // Cells name the window a term scores best in.
    assert!(page.contains("score 0.9900 in 0:01:39 · count 1 · stable"));
    // Of 500 new dominant themes, at most the 20 strongest are drawn, as many as
    // have room for their labels; the tables are bounded.
    let drawn = page.matches("<g class=\"shift\">").count();
    assert!((3..=20).contains(&drawn), "{drawn} drawn");
    assert!(page.contains(&format!(
        "The dashed lines mark the {drawn} strongest of 500 new dominant themes"
    )));
    assert!(page.contains("500 theme shifts: the 12 strongest are listed"));
    assert!(page.contains("the other 300 are in <code>shifts.csv</code>"));
    assert!(page.contains("<summary>the next 188 strongest theme shifts</summary>"));
    assert!(page.contains("<summary>500 term bursts, the 200 strongest listed</summary>"));
    assert_eq!(
        page.matches("<td><span class=\"kind kind-").count(),
        50 + 150 + 200
    );
    // The strongest dominant shifts are the last ones (strength grows along it).
    assert!(page.contains("<tr><td>13:52:30</td><td><span class=\"kind kind-dominant\">"));
    assert!(!page.contains("<tr><td>0:00:50</td><td><span class=\"kind kind-dominant\">"));
}

#[test]
fn the_sink_keeps_columns_not_windows() {
    let timeline = testing::long(50_000);
    let mut sink = HtmlReport::new(Vec::new());
    emit(&timeline, &mut [&mut sink]).unwrap();
    assert_eq!(sink.run.windows, 50_000);
    let series = &sink.run.series[0];
    assert_eq!(series.windows, 50_000);
    assert!(series.columns.len() <= MAX_COLUMNS);
    assert!(series.columns.iter().all(|c| c.terms.len() <= 10));
}

#[test]
fn up_to_the_cap_every_window_is_a_column_and_one_more_halves_them() {
    let page = html(&testing::long(MAX_COLUMNS));
    assert_eq!(page.matches("<rect class=\"col\"").count(), MAX_COLUMNS);
    assert!(!page.contains("windows shown as"));
    assert!(page.contains("<th class=\"win\">0:16:39</th>"));
    let page = html(&testing::long(MAX_COLUMNS + 1));
    assert_eq!(
        page.matches("<rect class=\"col\"").count(),
        MAX_COLUMNS / 2 + 1
    );
    assert!(page.contains(&format!(
        "<b>{} windows shown as {} columns of 2 windows each</b> (the last of 1)",
        MAX_COLUMNS + 1,
        MAX_COLUMNS / 2 + 1
    )));
}

/// A writer that remembers its largest single write.
#[derive(Default)]
struct Largest {
    bytes: Vec<u8>,
    largest: usize,
}

impl std::io::Write for Largest {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.largest = self.largest.max(buf.len());
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_page_reaches_the_writer_in_pieces() {
    let timeline = testing::long(50_000);
    let mut sink = HtmlReport::new(Largest::default());
    emit(&timeline, &mut [&mut sink]).unwrap();
    let written = sink.into_inner();
    assert!(written.bytes.len() > 500_000);
    assert!(written.largest <= 1 << 16, "a write of {}", written.largest);
    assert_eq!(String::from_utf8(written.bytes).unwrap(), html(&timeline));
}

#[test]
fn a_failing_writer_is_an_error_naming_the_report() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut sink = HtmlReport::new(Full);
    let err = emit(&testing::talk(), &mut [&mut sink]).unwrap_err();
    assert!(err.to_string().contains("report.html: disk full"), "{err}");
}

/// A final window of a few tokens beside full ones is veiled, as pale as it is
/// thin; full windows are not, and a page of even windows has no veil.
#[test]
fn thin_windows_are_veiled() {
    let mut timeline = testing::talk();
    let even = html(&timeline);
    assert!(!even.contains("class=\"thin\""));
    let n = timeline.windows.len();
    assert!(n >= 3);
    for w in &mut timeline.windows {
        w.tokens = 1000;
    }
    timeline.windows[n - 1].tokens = 49;
    let page = html(&timeline);
    assert_eq!(page.matches("<rect class=\"thin\"").count(), 2);
    assert!(page.contains("Pale, hatched: 1 column holding under a quarter"));
    // 49 of 1000 tokens: 0.2 + 0.6 * (1 - 0.049 / 0.25).
    assert!(page.contains("fill-opacity=\"0.68\""));
    // Half the median is not thin.
    timeline.windows[n - 1].tokens = 500;
    assert!(!html(&timeline).contains("class=\"thin\""));
}

#[test]
fn heat_colours_rank_the_scores() {
    use super::tables::rank;
    let scores = [0.1, 0.2, 0.2, 5.0, 100.0];
    assert_eq!(rank(&scores, 0.1), 0.0);
    assert_eq!(rank(&scores, 0.2), 0.25);
    // The outlier sets no scale: the second highest is dark too.
    assert_eq!(rank(&scores, 5.0), 0.75);
    assert_eq!(rank(&scores, 100.0), 1.0);
    assert_eq!(rank(&[3.0], 3.0), 1.0);
}

/// Chapters run along the time axis as bands with their titles, each title
/// inside its band (cut, or its number alone, where the band is narrow).
#[test]
fn chapters_are_the_spine_of_the_chart() {
    use crate::time::TimeAxis;
    use crate::timeline::{ChapterReport, TimeValue};
    let mut timeline = testing::talk();
    assert!(!html(&timeline).contains("class=\"chapter"));
    let chapter = |n: usize, start: i64, end: i64, title: &str| ChapterReport {
        source: None,
        chapter: n,
        start: TimeValue::new(start, TimeAxis::Offset),
        end: TimeValue::new(end, TimeAxis::Offset),
        start_ms: start,
        end_ms: end,
        label: format!("{}s", start / 1000),
        end_label: format!("{}s", end / 1000),
        title: title.into(),
        terms: Vec::new(),
        dominant: Some("security".into()),
        strength: None,
    };
    timeline.chapters = vec![
        chapter(1, 0, 300_000, "agents on GPUs, model serving & <inference>"),
        chapter(
            2,
            300_000,
            305_000,
            "a very long title for a very short chapter",
        ),
        chapter(3, 305_000, 310_000, "another short one"),
        chapter(4, 310_000, 450_000, "the end"),
    ];
    let page = html(&timeline);
    assert_eq!(page.matches("<g class=\"chapter ").count(), 4);
    // The first title has the room of its band and the next.
    assert!(page.contains(">1. agents on GPUs, model serving &amp; &lt;inference&gt;</text>"));
    // The second has the room of its band and the third's, before the fourth
    // begins: its number only; the third, the last in its row, runs to the end.
    assert!(page.contains(">2</text>\n"), "{page}");
    assert!(page.contains(">3. another short one</text>\n"));
    assert!(page.contains(">4. the end</text>\n"));
    assert!(page.contains("<title>chapter 2 · 300s–305s\na very long title for a very short chapter\nmostly security</title>"));
    // The chapters are listed above the themes, escaped.
    let list = page.find("<h3>Chapters</h3>").unwrap();
    assert!(list < page.find("<h3>Themes over time</h3>").unwrap());
    assert!(page.contains("<td>agents on GPUs, model serving &amp; &lt;inference&gt;</td>"));
}

#[test]
fn speakers_get_a_table_and_its_style_only_when_there_are_speakers() {
    let page = html(&testing::with_speakers());
    assert!(page.contains("<h2>Speakers</h2>") && page.contains("table.speakers{"));
    assert!(page.find("<h2>Speakers</h2>") < page.find("<section"));
    let page = html(&testing::talk());
    assert!(!page.contains("Speakers") && !page.contains("table.speakers"));
}
