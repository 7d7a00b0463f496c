//! Themes and shifts on the bundled transcript: the theme timeline tells the
//! story a listener would tell (AI keynotes early, then sustainability, platform
//! engineering, security in the late 30s, developer experience in the early 40s,
//! eBPF and Dapr after), with the cloud-native lexicon and without any lexicon.

use themeline::config_file::ConfigFile;
use themeline::shift::ShiftKind;
use themeline::theme::Origin;
use themeline::timeline::{ShiftReport, WindowReport};
use themeline::{Config, Pipeline, Timeline};

mod common;
use common::root;

/// The default run (`data/` with `data/themeline.toml`), with changes.
fn run_with(change: impl FnOnce(&mut Config)) -> Timeline {
    let file = ConfigFile::load(&root().join("data/themeline.toml")).unwrap();
    let mut config = Config::default();
    file.apply(&mut config);
    change(&mut config);
    Pipeline::new(config)
        .unwrap()
        .run(&[root().join("data")])
        .unwrap()
}

fn window_starting(timeline: &Timeline, minute: i64) -> &WindowReport {
    timeline
        .windows
        .iter()
        .find(|w| w.start_ms == minute * 60_000)
        .unwrap_or_else(|| panic!("no window starts at minute {minute}"))
}

fn dominant_changes(timeline: &Timeline) -> Vec<&ShiftReport> {
    timeline
        .shifts
        .iter()
        .filter(|s| s.kind == ShiftKind::Dominant)
        .collect()
}

fn share(window: &WindowReport, theme: &str) -> f64 {
    window
        .themes
        .iter()
        .find(|t| t.theme == theme)
        .unwrap_or_else(|| panic!("no theme {theme}"))
        .share
}

#[test]
fn the_lexicon_themes_tell_the_story() {
    let timeline = run_with(|_| {});
    let names: Vec<&str> = timeline.themes.iter().map(|t| t.name.as_str()).collect();
    for theme in [
        "AI/ML",
        "security",
        "developer experience",
        "platform engineering",
        "observability",
        "sustainability",
        "WebAssembly",
        "networking/eBPF",
        "community",
    ] {
        assert!(names.contains(&theme), "{names:?}");
    }
    // The first third: AI/ML has the largest mean share of the windows before 20:00.
    let first: Vec<&WindowReport> = timeline
        .windows
        .iter()
        .filter(|w| w.start_ms < 20 * 60_000)
        .collect();
    let mean =
        |theme: &str| first.iter().map(|w| share(w, theme)).sum::<f64>() / first.len() as f64;
    for other in names.iter().filter(|&&n| n != "AI/ML") {
        assert!(
            mean("AI/ML") > mean(other),
            "AI/ML {} vs {other} {}",
            mean("AI/ML"),
            mean(other)
        );
    }
    assert_eq!(
        window_starting(&timeline, 5).dominant.as_deref(),
        Some("AI/ML")
    );
    assert_eq!(
        window_starting(&timeline, 35).dominant.as_deref(),
        Some("security")
    );
    assert_eq!(
        window_starting(&timeline, 40).dominant.as_deref(),
        Some("developer experience")
    );
    assert!(share(window_starting(&timeline, 35), "security") > 0.5);
}

#[test]
fn shifts_record_the_turns_to_security_and_developer_experience() {
    let timeline = run_with(|_| {});
    let changes: Vec<(i64, &str, &str)> = dominant_changes(&timeline)
        .iter()
        .map(|s| (s.at_ms / 1000, s.from.as_str(), s.to.as_str()))
        .collect();
    // Each change is placed at the chapter boundary nearest it, within a
    // minute of the listener's turns to security (35 min) and developer
    // experience (42 min).
    let near = |minute: i64, from: &str, to: &str| {
        changes
            .iter()
            .any(|&(at, f, t)| f == from && t == to && (at - minute * 60).abs() <= 60)
    };
    assert!(near(35, "platform engineering", "security"), "{changes:?}");
    assert!(near(42, "security", "developer experience"), "{changes:?}");
    let security = dominant_changes(&timeline)
        .into_iter()
        .find(|s| s.to == "security")
        .unwrap();
    assert_eq!(security.evidence[0], "security");
    assert!(security.share_after.unwrap() > security.share_before.unwrap());
    // Rising and fading carry a significant signed G².
    let rising = timeline
        .shifts
        .iter()
        .find(|s| s.kind == ShiftKind::Rising && s.subject == "security")
        .expect("security rises");
    assert_eq!(rising.at_ms, 2_100_000);
    assert!(rising.strength > 3.84);
    assert!(
        timeline
            .shifts
            .iter()
            .any(|s| s.kind == ShiftKind::Fading && s.subject == "security" && s.strength < -3.84)
    );
    // Security bursts in the window where it is discussed.
    assert!(
        timeline
            .shifts
            .iter()
            .any(|s| s.kind == ShiftKind::Burst && s.subject == "security" && s.at_ms == 2_100_000)
    );
}

/// On two-minute windows every minute, the dominant theme changes where a
/// listener would put chapter marks (the shared data's README lists them by
/// minute: AI at 5–10, security at 35, developer experience at 42, eBPF, Dapr,
/// Cilium and service mesh at 47, the next KubeCon at 51).
#[test]
fn sliding_windows_put_shifts_at_the_chapter_marks() {
    let timeline = run_with(|c| {
        c.window = "2m".parse().unwrap();
        c.step = Some(themeline::time::Span(60_000));
    });
    let changes: Vec<(i64, &str)> = dominant_changes(&timeline)
        .iter()
        .map(|s| (s.at_ms / 60_000, s.to.as_str()))
        .collect();
    for (minute, theme) in [
        (6, "AI/ML"),
        (35, "security"),
        (42, "developer experience"),
        (47, "networking/eBPF"),
        (51, "community"),
    ] {
        assert!(
            changes
                .iter()
                .any(|&(at, to)| to == theme && (at - minute).abs() <= 2),
            "no turn to {theme} near minute {minute}: {changes:?}"
        );
    }
}

#[test]
fn discovered_themes_also_separate_ai_security_and_developer_experience() {
    let timeline = run_with(|c| c.discover = Some(8));
    assert!(
        timeline
            .themes
            .iter()
            .all(|t| t.origin == Origin::Discovered)
    );
    assert_eq!(timeline.themes.len(), 8);
    let theme_with = |label: &str| {
        timeline
            .themes
            .iter()
            .position(|t| t.top_terms.iter().take(3).any(|l| l == label))
            .unwrap_or_else(|| panic!("no discovered theme led by {label}"))
    };
    let (ai, security, dx) = (
        theme_with("AI"),
        theme_with("security"),
        theme_with("developer experience"),
    );
    assert!(ai != security && security != dx && ai != dx);
    let dominant = |minute| window_starting(&timeline, minute).dominant.clone().unwrap();
    assert_eq!(dominant(5), timeline.themes[ai].name);
    assert_eq!(dominant(35), timeline.themes[security].name);
    assert_eq!(dominant(40), timeline.themes[dx].name);
    let discovery = &timeline.meta.statistics.discovery[0];
    assert!(
        discovery.chunks > 50 && discovery.terms > 100,
        "{discovery:?}"
    );
    assert!(discovery.relative_error < 0.95);
}

#[test]
fn unassigned_terms_are_the_best_scoring_terms_of_no_theme() {
    let timeline = run_with(|_| {});
    assert!(!timeline.unassigned.is_empty());
    let members: Vec<&str> = timeline
        .themes
        .iter()
        .flat_map(|t| t.members.iter().map(|m| m.term.as_str()))
        .collect();
    for term in &timeline.unassigned {
        assert!(!members.contains(&term.term.as_str()), "{}", term.term);
    }
    let scores: Vec<f64> = timeline.unassigned.iter().map(|t| t.score).collect();
    assert!(scores.windows(2).all(|p| p[0] >= p[1]));
    // A theme lists the lexicon entries nothing matched, and never a stray word
    // of a multi-word entry ("getting started" must not match "starting").
    let dx = timeline
        .themes
        .iter()
        .find(|t| t.name == "developer experience")
        .unwrap();
    assert!(
        dx.unmatched.contains(&"getting started".to_string()),
        "{:?}",
        dx.unmatched
    );
    assert!(
        !dx.members.iter().any(|m| m.term == "start"),
        "{:?}",
        dx.members
    );
}

#[test]
fn every_term_status_is_consistent_with_its_counts() {
    use themeline::shift::TermStatus;
    let timeline = run_with(|_| {});
    let mut seen = std::collections::BTreeSet::new();
    for window in &timeline.windows {
        for term in &window.terms {
            if term.status == TermStatus::New {
                assert!(window.index > 0);
                assert!(!seen.contains(&term.term), "{} new twice", term.term);
            }
            seen.insert(term.term.clone());
        }
    }
    let statuses: std::collections::BTreeSet<_> = timeline
        .windows
        .iter()
        .flat_map(|w| w.terms.iter().map(|t| t.status))
        .collect();
    assert!(statuses.len() >= 4, "{statuses:?}");
}

/// Under `language auto` the run has an analyzer for every language; a lexicon
/// entry must still be matched only in the languages the text was read in, so
/// an English transcript detected as English measures the same themes as one
/// read as English.
#[test]
fn lexicon_themes_under_language_auto_match_those_of_the_detected_language() {
    use themeline::stem::{Language, LanguageChoice};
    let english = run_with(|c| c.language = LanguageChoice::Fixed(Language::English));
    let auto = run_with(|c| c.language = LanguageChoice::Auto);
    assert!(
        auto.meta
            .inputs
            .iter()
            .all(|s| s.language == Some(Language::English)),
        "the transcript is detected as English"
    );
    let tokens = |t: &Timeline| -> Vec<Vec<(String, f64)>> {
        t.windows
            .iter()
            .map(|w| {
                w.themes
                    .iter()
                    .map(|th| (th.theme.clone(), th.tokens))
                    .collect()
            })
            .collect()
    };
    let measured: f64 = tokens(&english).iter().flatten().map(|(_, n)| n).sum();
    assert!(
        measured > 500.0,
        "the lexicon measures the transcript ({measured} tokens)"
    );
    assert_eq!(tokens(&auto), tokens(&english));
}

/// The dominant discovered theme of each year of the 405-talk pyvideo sample
/// (2009–2025), with or without the background.
fn dominant_by_year(background: bool) -> Vec<String> {
    use themeline::stem::LanguageChoice;
    let mut config = Config {
        window: "year".parse().unwrap(),
        language: LanguageChoice::Auto,
        background,
        ..Config::default()
    };
    config.discover = Some(8);
    let timeline = Pipeline::new(config)
        .unwrap()
        .run(&[root().join("tests/fixtures/pyvideo-sample.jsonl")])
        .unwrap();
    let discovery = &timeline.meta.statistics.discovery[0];
    assert_eq!(discovery.background_share.is_some(), background);
    timeline
        .windows
        .iter()
        .filter_map(|w| w.dominant.clone())
        .collect()
}

/// How many windows the most frequent dominant theme leads.
fn most_led(dominant: &[String]) -> usize {
    let mut counts = std::collections::BTreeMap::new();
    for name in dominant {
        *counts.entry(name).or_insert(0) += 1;
    }
    counts.into_values().max().unwrap_or(0)
}

#[test]
fn the_vocabulary_a_collection_shares_does_not_dominate_every_year() {
    // Plain NMF's first theme is the collection itself ("code / learning / ..."):
    // the largest share of nearly every year, so the dominant theme never moves.
    let plain = dominant_by_year(false);
    assert!(plain.len() >= 15, "{plain:?}");
    assert!(most_led(&plain) * 4 >= plain.len() * 3, "{plain:?}");
    // Learned over the background, the years are led by what they talk about.
    let themes = dominant_by_year(true);
    assert_eq!(themes.len(), plain.len());
    assert!(most_led(&themes) * 2 < themes.len(), "{themes:?}");
    let distinct: std::collections::BTreeSet<&String> = themes.iter().collect();
    assert!(distinct.len() >= 4, "{themes:?}");
}

/// The discovered theme names and chapter title terms of a real rawkode excerpt
/// (a live stream on Bluefin, Fedora and NVIDIA images), with or without
/// `noun_names`.
fn names_and_titles(noun_names: bool) -> Vec<String> {
    let config = Config {
        noun_names,
        ..Config::default()
    };
    let timeline = Pipeline::new(config)
        .unwrap()
        .run(&[root().join("tests/fixtures/rawkode-jc8t4h91wok4bgq10t1s3fiv-excerpt.vtt")])
        .unwrap();
    assert!(timeline.themes.len() >= 4 && !timeline.chapters.is_empty());
    let mut words: Vec<String> = timeline
        .themes
        .iter()
        .flat_map(|t| t.name.split(" / ").map(str::to_string).collect::<Vec<_>>())
        .collect();
    words.extend(timeline.chapters.iter().flat_map(|c| c.terms.clone()));
    words
}

#[test]
fn verbs_judgements_and_first_names_name_no_theme_and_title_no_chapter() {
    use themeline::tokenize::word_classes::NameWords;
    let classes = NameWords::english();
    let any_word = names_and_titles(false);
    // Without the rule, the speaker's first name and verbs name themes here.
    let rejected: Vec<&String> = any_word.iter().filter(|w| !classes.may_name(w)).collect();
    assert!(rejected.iter().any(|w| *w == "Brian"), "{any_word:?}");
    assert!(rejected.len() >= 3, "{rejected:?}");
    let nouns = names_and_titles(true);
    let left: Vec<&String> = nouns.iter().filter(|w| !classes.may_name(w)).collect();
    assert!(left.is_empty(), "{left:?} in {nouns:?}");
    // What the excerpt is about still names it.
    for topic in ["Fedora", "Bluefin", "GitHub"] {
        assert!(nouns.iter().any(|w| w == topic), "{topic} in {nouns:?}");
    }
}
