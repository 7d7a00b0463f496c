//! Tests of the whole page.

use super::chart::{LEFT, RIGHT, WIDTH, place_labels};
use super::markup::{num, percent, short};
use super::*;
use crate::emit::emit;
use crate::timeline::ShiftKind;
use crate::{Pipeline, Timeline};
use crate::{config::Config, timeline::GroupBy};

const TALK: &str = "Platform news\n\
    0:00 Welcome! Today: AI models, AI agents and GPUs for AI and machine learning.\n\
    2:30 Then security: supply chain security, signing and vulnerability policies.\n\
    5:00 More security and policies, then AI again.\n";

/// The test options: 150 s windows, every term, the built-in lexicon.
fn base() -> Config {
    Config {
        window: "150s".parse().unwrap(),
        min_count: 1,
        themes: Some("cloud-native".into()),
        ..Config::default()
    }
}

fn timeline(config: Config) -> Timeline {
    Pipeline::new(config)
        .unwrap()
        .run_text("talk.txt", TALK)
        .unwrap()
}

fn html(timeline: &Timeline) -> String {
    let mut sink = HtmlReport::new(Vec::new());
    emit(timeline, &mut [&mut sink]).unwrap();
    String::from_utf8(sink.into_inner()).unwrap()
}

#[test]
fn escape_replaces_every_markup_character() {
    assert_eq!(
        escape("<a href=\"x\">&'</a>\u{0}\tok\n"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;\u{FFFD}\tok\n"
    );
}

#[test]
fn numbers_have_fixed_decimals_and_no_negative_zero() {
    assert_eq!(num(0.1 + 0.2, 3), "0.300");
    assert_eq!(num(-0.0001, 1), "0.0");
    assert_eq!(num(-1.25, 1), "-1.2");
    assert_eq!(num(f64::NAN, 2), "0.00");
    assert_eq!(percent(0.5834), "58.3%");
}

#[test]
fn input_text_is_escaped_everywhere() {
    const EVIL: &str = "<script>alert(1)</script> & \"x\"";
    let mut timeline = timeline(Config {
        phrase: vec!["supply chain".into()],
        ..base()
    });
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
    let timeline = timeline(base());
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
fn the_same_timeline_gives_the_same_bytes() {
    let timeline = timeline(base());
    assert_eq!(html(&timeline), html(&timeline));
    assert_eq!(html(&timeline), html(&timeline.clone()));
}

#[test]
fn one_window_spans_the_whole_plot() {
    let timeline = timeline(Config {
        window: "1h".parse().unwrap(),
        ..base()
    });
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
    let timeline = timeline(Config {
        discover: Some(0),
        themes: None,
        ..base()
    });
    assert!(timeline.themes.is_empty());
    let page = html(&timeline);
    assert!(!page.contains("<svg"));
    assert!(page.contains("This timeline has no themes"));
    assert!(page.contains("<table class=\"heat\">"));
    assert!(!page.contains("<th>dominant</th>"));
}

#[test]
fn per_source_timelines_get_a_chart_each() {
    let config = Config {
        group_by: GroupBy::Source,
        ..base()
    };
    let mut ingested = crate::ingest::Ingested::default();
    for (name, text) in [
        ("a.txt", TALK),
        ("b.txt", "0:00 security policies\n3:00 AI models and GPUs\n"),
    ] {
        crate::ingest::read_bytes(
            name,
            text.as_bytes(),
            &mut ingested,
            &config.ingest_options(),
        )
        .unwrap();
    }
    let pipeline = Pipeline::new(config).unwrap();
    let timeline = pipeline.run_corpus(ingested.into()).unwrap();
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
    let timeline = timeline(base());
    let shift = &timeline.shifts[0];
    let placed = place_labels(&[
        (100.0, "a long label here".into(), shift),
        (110.0, "another long label".into(), shift),
        (400.0, "far away".into(), shift),
        (WIDTH - 10.0, "at the right edge".into(), shift),
    ]);
    let rows: Vec<usize> = placed.iter().map(|m| m.row).collect();
    assert_eq!(rows, [0, 1, 0, 0]);
    assert!(placed[3].anchor_end && !placed[0].anchor_end);
}

#[test]
fn long_theme_names_are_cut_at_a_boundary() {
    assert_eq!(short("security", 22), "security");
    assert_eq!(
        short("Government / States / United States", 22),
        "Government / States…"
    );
    assert_eq!(short("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghij…");
}

#[test]
fn the_title_names_the_inputs() {
    let mut timeline = timeline(base());
    assert_eq!(title(&timeline.meta), "Platform news");
    let mut other = timeline.meta.inputs[0].clone();
    for path in ["b.txt", "c.txt", "d.txt"] {
        other.path = path.into();
        other.title = None;
        timeline.meta.inputs.push(other.clone());
    }
    assert_eq!(title(&timeline.meta), "Platform news, b.txt and 2 more");
    timeline.meta.inputs.clear();
    assert_eq!(title(&timeline.meta), "themeline report");
}
