//! Chapters end to end: the segment stage on real recordings, its outputs, shifts
//! at chapter boundaries, and boilerplate kept from leading anything.

use std::time::Duration;

use themeline::timeline::ChapterReport;
use themeline::{Config, Pipeline, Timeline};

mod common;
use common::{root, themeline};

/// The listener's turns in the bundled webinar, in minutes (`data/README.md`).
const TURNS: [i64; 9] = [5, 10, 17, 22, 27, 35, 42, 47, 51];

fn run(config: Config, inputs: &[&str]) -> Timeline {
    let paths: Vec<_> = inputs.iter().map(|i| root().join(i)).collect();
    Pipeline::new(config).unwrap().run(&paths).unwrap()
}

fn boundaries(chapters: &[ChapterReport]) -> Vec<i64> {
    chapters
        .iter()
        .filter(|c| c.strength.is_some())
        .map(|c| c.start_ms)
        .collect()
}

#[test]
fn the_webinars_chapters_land_on_the_listeners_turns() {
    let timeline = run(Config::default(), &["data"]);
    let found = boundaries(&timeline.chapters);
    let hit = TURNS
        .iter()
        .filter(|&&t| found.iter().any(|&b| (b - t * 60_000).abs() <= 60_000))
        .count();
    assert!(hit >= 7, "{hit} of 9 turns within a minute: {found:?}");
    // The method chose the count: about one chapter per listener's turn.
    assert!((7..=14).contains(&found.len()), "{found:?}");
}

#[test]
fn chapters_tile_each_recording_and_are_titled() {
    let timeline = run(Config::default(), &["data"]);
    let chapters = &timeline.chapters;
    assert_eq!(chapters[0].start_ms, 0);
    assert_eq!(chapters[0].strength, None);
    for pair in chapters.windows(2) {
        assert_eq!(pair[0].end_ms, pair[1].start_ms, "no gap, no overlap");
        assert!(
            pair[1].start_ms - pair[0].start_ms >= 120_000,
            "at least two minutes"
        );
        assert_eq!(pair[1].chapter, pair[0].chapter + 1);
    }
    let last = chapters.last().unwrap();
    assert!(last.end_ms >= 3_660_000, "to the end of the recording");
    let titled = chapters.iter().filter(|c| !c.title.is_empty()).count();
    assert_eq!(titled, chapters.len());
    // The turn to security is titled by it.
    let security = chapters
        .iter()
        .find(|c| (c.start_ms - 35 * 60_000).abs() <= 60_000)
        .unwrap();
    assert!(security.title.starts_with("security"), "{}", security.title);
    let generic = ["use", "show", "question", "today", "screen", "thanks"];
    for chapter in chapters {
        for term in &chapter.terms {
            assert!(
                !generic.contains(&term.as_str()),
                "{term} titles {chapter:?}"
            );
        }
    }
}

#[test]
fn dominant_shifts_sit_on_chapter_boundaries() {
    // The default run, with the webinar's lexicon (`data/themeline.toml`).
    let file = themeline::ConfigFile::load(&root().join("data/themeline.toml")).unwrap();
    let mut config = Config::default();
    file.apply(&mut config);
    let timeline = run(config, &["data"]);
    let found = boundaries(&timeline.chapters);
    let dominant: Vec<_> = timeline
        .shifts
        .iter()
        .filter(|s| s.kind == themeline::timeline::ShiftKind::Dominant)
        .collect();
    assert!(dominant.len() >= 3);
    for shift in dominant {
        // At the boundary nearest the change when one lies within the two windows
        // it is between, else at the start of its window.
        let window = &timeline.windows[shift.window];
        let before = timeline.windows[shift.window.saturating_sub(1)].start_ms;
        let near = found.iter().any(|&b| (before..window.end_ms).contains(&b));
        if near {
            assert!(
                found.contains(&shift.at_ms),
                "{} at {}",
                shift.to,
                shift.at_ms
            );
        } else {
            assert_eq!(shift.at_ms, window.start_ms);
        }
        // The window where the change shows stays in the event.
        assert!(shift.at_ms < window.end_ms && shift.at_ms >= before);
    }
}

#[test]
fn a_count_or_a_shortest_chapter_can_be_asked_for() {
    let five = run(
        Config {
            chapters: Some(5),
            ..Config::default()
        },
        &["data"],
    );
    assert_eq!(five.chapters.len(), 5);
    let long = run(
        Config {
            min_chapter: themeline::time::Span(8 * 60_000),
            ..Config::default()
        },
        &["data"],
    );
    assert!(long.chapters.len() < 8);
    for pair in long.chapters.windows(2) {
        assert!(pair[1].start_ms - pair[0].start_ms >= 8 * 60_000);
    }
}

#[test]
fn chapters_txt_is_what_a_video_description_takes() {
    let dir = tempfile::tempdir().unwrap();
    themeline()
        .args(["run", "-q", "--format", "chapters", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("chapters.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 3, "YouTube needs three chapters: {text}");
    assert!(
        lines[0].starts_with("0:00:00 ") || lines[0].starts_with("0:00 "),
        "{text}"
    );
    let seconds = |line: &str| -> i64 {
        let stamp = line.split(' ').next().unwrap();
        stamp
            .split(':')
            .fold(0, |acc, part| acc * 60 + part.parse::<i64>().unwrap())
    };
    for pair in lines.windows(2) {
        assert!(seconds(pair[1]) - seconds(pair[0]) >= 10, "{pair:?}");
    }
    for line in &lines {
        let (_, title) = line.split_once(' ').unwrap();
        assert!(!title.trim().is_empty(), "{line}");
    }
}

#[test]
fn each_recording_has_its_own_chapters() {
    let timeline = run(
        Config {
            group_by: themeline::config::GroupBy::Source,
            ..Config::default()
        },
        &[
            "tests/fixtures/rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt",
            "data/kubecon-eu-2024-recap.txt",
        ],
    );
    let sources: Vec<&str> = timeline
        .chapters
        .iter()
        .filter(|c| c.chapter == 1)
        .map(|c| c.source.as_deref().unwrap())
        .collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(sources[0].ends_with(".vtt") && sources[1].ends_with(".txt"));
}

#[test]
fn a_dated_collection_gets_periods_that_cover_it() {
    let timeline = run(
        Config {
            window: "decade".parse().unwrap(),
            ..Config::default()
        },
        &["tests/fixtures/sotu"],
    );
    let periods = &timeline.chapters;
    assert!(!periods.is_empty());
    assert_eq!(periods[0].start_ms, timeline.windows[0].start_ms);
    assert_eq!(
        periods.last().unwrap().end_ms,
        timeline.windows.last().unwrap().end_ms
    );
    for pair in periods.windows(2) {
        assert_eq!(pair[0].end_ms, pair[1].start_ms);
    }
}

/// Thirty dated documents that each carry the same sponsor read and the same
/// sign-off, with a topic of their own.
fn podcast(dir: &std::path::Path) {
    let topics = [
        "kubernetes operators reconcile custom resources",
        "rust ownership borrowing lifetimes",
        "postgres vacuum indexes replication",
        "webassembly components runtimes",
        "observability traces metrics spans",
        "security supply chain signatures",
    ];
    for day in 0..30 {
        let topic = topics[day % topics.len()];
        let text = format!(
            "This episode is brought to you by Acme Hosting, the fastest way to ship your app. \
             Today, guest {day} talks about {topic}. Guest {day} on {topic}: {topic}, and again {topic}. \
             Links for show {day}: https://example.org/show/{day} \n\
             Thanks for listening, subscribe to the show and tell a friend about it."
        );
        std::fs::write(
            dir.join(format!("2024-01-{:02}-episode.txt", day + 1)),
            text,
        )
        .unwrap();
    }
}

#[test]
fn boilerplate_never_leads_terms_titles_or_themes() {
    let dir = tempfile::tempdir().unwrap();
    podcast(dir.path());
    let config = Config {
        window: "week".parse().unwrap(),
        min_count: 1,
        discover: Some(3),
        ..Config::default()
    };
    let timeline = Pipeline::new(config.clone())
        .unwrap()
        .run(&[dir.path().to_path_buf()])
        .unwrap();
    let copied = [
        "acme",
        "hosting",
        "listening",
        "subscribe",
        "friend",
        "episode",
        "https",
        "example.org",
    ];
    let leading: Vec<&str> = timeline
        .windows
        .iter()
        .flat_map(|w| w.terms.iter().take(3))
        .map(|t| t.term.as_str())
        .chain(
            timeline
                .themes
                .iter()
                .flat_map(|t| t.top_terms.iter().take(3).map(String::as_str)),
        )
        .chain(
            timeline
                .chapters
                .iter()
                .flat_map(|c| c.terms.iter().map(String::as_str)),
        )
        .collect();
    for word in copied {
        assert!(
            !leading.iter().any(|t| t.to_lowercase().starts_with(word)),
            "{word} leads: {leading:?}"
        );
    }
    let dropped = &timeline.meta.statistics.dropped;
    assert!(
        dropped[&themeline::timeline::DropReason::Boilerplate] >= 30 * 10,
        "{dropped:?}"
    );
    assert_eq!(dropped[&themeline::timeline::DropReason::Address], 30);
    // Switched off, the copied text is counted like any other.
    let kept = Pipeline::new(Config {
        boilerplate: themeline::score::Boilerplate::Off,
        ..config
    })
    .unwrap()
    .run(&[dir.path().to_path_buf()])
    .unwrap();
    let (with, without) = (&timeline.meta.statistics, &kept.meta.statistics);
    assert!(
        !without
            .dropped
            .contains_key(&themeline::timeline::DropReason::Boilerplate)
    );
    assert!(
        without.tokens >= with.tokens + 30 * 5,
        "{} vs {}",
        without.tokens,
        with.tokens
    );
}

#[test]
fn collections_take_sublinear_tf_and_idf_over_documents() {
    // Thirteen addresses in three bins: more documents than windows.
    let dated = run(
        Config {
            bins: Some(3),
            ..Config::default()
        },
        &["tests/fixtures/sotu"],
    );
    let explicit = run(
        Config {
            bins: Some(3),
            tf: themeline::score::TfMode::Sublinear,
            idf_over: themeline::score::IdfOver::Documents,
            ..Config::default()
        },
        &["tests/fixtures/sotu"],
    );
    let plain = run(
        Config {
            bins: Some(3),
            tf: themeline::score::TfMode::Raw,
            idf_over: themeline::score::IdfOver::Windows,
            ..Config::default()
        },
        &["tests/fixtures/sotu"],
    );
    let terms = |t: &Timeline| -> Vec<Vec<String>> {
        t.windows
            .iter()
            .map(|w| w.terms.iter().map(|t| t.term.clone()).collect())
            .collect()
    };
    assert_eq!(
        terms(&dated),
        terms(&explicit),
        "auto is the collection rule"
    );
    assert_ne!(
        terms(&dated),
        terms(&plain),
        "and the rule changes the ranking"
    );
    // A recording keeps scikit-learn's raw TF over windows.
    let recording = Pipeline::builder()
        .window(Duration::from_secs(300))
        .build()
        .unwrap()
        .run(&[root().join("data")])
        .unwrap();
    let raw = Pipeline::new(Config {
        tf: themeline::score::TfMode::Raw,
        idf_over: themeline::score::IdfOver::Windows,
        ..Config::default()
    })
    .unwrap()
    .run(&[root().join("data")])
    .unwrap();
    assert_eq!(terms(&recording), terms(&raw));
}
