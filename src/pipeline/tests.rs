//! The pipeline end to end on small texts.

use super::*;
use crate::config::GroupBy;
use crate::time::TimeAxis;
use crate::timeline::TimeValue;
use crate::window::WindowLength;

const TALK: &str = "A Talk\n\n0:00 Kubernetes security matters. Security!\n\
    1:00 more security and kubernetes\n2:00 AI models and AI agents\n\
    3:00 AI inference with kubernetes\n";

fn pipeline(window_secs: u64) -> Pipeline {
    Pipeline::builder()
        .window(std::time::Duration::from_secs(window_secs))
        .min_count(1)
        .build()
        .unwrap()
}

fn labels(timeline: &Timeline) -> Vec<&str> {
    timeline.windows.iter().map(|w| w.label.as_str()).collect()
}

#[test]
fn windows_rank_their_distinctive_terms() {
    let timeline = pipeline(120).run_text("talk.txt", TALK).unwrap();
    assert_eq!(timeline.windows.len(), 2);
    assert_eq!(timeline.windows[0].terms[0].label, "security");
    assert_eq!(timeline.windows[1].terms[0].label, "AI");
    assert_eq!(timeline.windows[1].terms[0].count, 3);
    assert_eq!(timeline.meta.inputs[0].title.as_deref(), Some("A Talk"));
    assert_eq!(timeline.meta.statistics.segments, 4);
    assert_eq!(timeline.meta.time_axis, TimeAxis::Offset);
    assert_eq!(labels(&timeline), ["0:00:00", "0:02:00"]);
    assert_eq!(timeline.windows[1].start, TimeValue::Seconds(120.0));
    assert!(!timeline.windows[0].partial && timeline.windows[1].partial);
}

#[test]
fn empty_windows_appear_with_zero_counts() {
    let text = "0:00 security first\n9:59 ai last\n";
    let timeline = pipeline(120).run_text("gap.txt", text).unwrap();
    assert_eq!(timeline.windows.len(), 6);
    for w in &timeline.windows[1..4] {
        assert_eq!(
            (w.tokens, w.segments, w.documents, w.terms.len()),
            (0, 0, 0, 0)
        );
    }
    assert_eq!(timeline.windows[4].label, "0:08:00");
}

fn dated(config: Config, docs: &[(&str, &str)]) -> Timeline {
    let pipeline = Pipeline::new(Config {
        min_count: 1,
        ..config
    })
    .unwrap();
    let mut ingested = Ingested::default();
    for (name, text) in docs {
        ingest::read_bytes(
            name,
            text.as_bytes(),
            &mut ingested,
            &pipeline.config.ingest_options(),
        )
        .unwrap();
    }
    pipeline.run_corpus(Corpus::from(ingested)).unwrap()
}

#[test]
fn dated_documents_get_calendar_windows_with_rfc3339_times() {
    let config = Config {
        window: "decade".parse::<WindowLength>().unwrap(),
        ..Config::default()
    };
    let docs = [
        ("1790-washington.txt", "union militia treasury"),
        ("1795-washington.txt", "treasury credit"),
        ("1821-monroe.txt", "navy commerce navy"),
    ];
    let timeline = dated(config, &docs);
    assert_eq!(timeline.meta.time_axis, TimeAxis::Instant);
    assert_eq!(labels(&timeline), ["1790s", "1800s", "1810s", "1820s"]);
    let first = &timeline.windows[0];
    assert_eq!(
        first.start,
        TimeValue::Instant("1790-01-01T00:00:00Z".into())
    );
    assert_eq!((first.documents, first.segments), (2, 2));
    assert_eq!(first.terms[0].label, "treasury");
    assert_eq!(timeline.windows[1].tokens, 0);
    assert_eq!(timeline.windows[3].terms[0].label, "navy");
    // The data starts on 1 January 1790 and ends just after 1 January 1821.
    assert!(!first.partial && timeline.windows[3].partial);
}

#[test]
fn recordings_and_documents_mix_only_with_an_anchor() {
    let docs = [
        ("talk.txt", "0:00 security talk\n"),
        ("2024-03-21-notes.txt", "notes on ai"),
    ];
    let pipeline = Pipeline::new(Config::default()).unwrap();
    let mut ingested = Ingested::default();
    for (name, text) in docs {
        ingest::read_bytes(
            name,
            text.as_bytes(),
            &mut ingested,
            &pipeline.config.ingest_options(),
        )
        .unwrap();
    }
    let err = pipeline.run_corpus(Corpus::from(ingested)).unwrap_err();
    assert!(err.to_string().contains("`start`"), "{err}");

    let anchored = Config {
        window: "day".parse().unwrap(),
        start: Some("2024-03-20T09:00:00Z".parse().unwrap()),
        ..Config::default()
    };
    let timeline = dated(anchored, &docs);
    assert_eq!(labels(&timeline), ["2024-03-20", "2024-03-21"]);
    assert_eq!(timeline.windows[0].terms[0].label, "security");
}

#[test]
fn timelines_per_source_have_their_own_windows() {
    let config = Config {
        window: "1m".parse().unwrap(),
        group_by: GroupBy::Source,
        ..Config::default()
    };
    let timeline = dated(
        config,
        &[
            ("a.txt", "0:00 alpha\n1:00 beta\n"),
            ("b.txt", "0:00 gamma\n"),
        ],
    );
    let sources: Vec<_> = timeline
        .windows
        .iter()
        .map(|w| (w.source.as_deref().unwrap(), w.index))
        .collect();
    assert_eq!(sources, [("a.txt", 0), ("a.txt", 1), ("b.txt", 0)]);
    assert_eq!(timeline.windows[2].terms[0].label, "gamma");
}

#[test]
fn token_bins_hold_similar_numbers_of_tokens() {
    let text: String = (0..40)
        .map(|i| {
            let words = if i < 10 {
                "alpha beta gamma delta epsilon zeta"
            } else {
                "omega"
            };
            format!("{}:{:02} {words}\n", i / 60, i % 60)
        })
        .collect();
    let config = Config {
        bins: Some(3),
        bins_by: crate::window::BinBy::Tokens,
        ..Config::default()
    };
    let timeline = dated(config, &[("t.txt", &text)]);
    let tokens: Vec<u64> = timeline.windows.iter().map(|w| w.tokens).collect();
    assert_eq!(tokens.iter().sum::<u64>(), 90);
    assert!(tokens.iter().all(|&n| (25..=35).contains(&n)), "{tokens:?}");
}

#[test]
fn counting_is_the_same_on_one_thread_or_many() {
    let text: String = (0..2000)
        .map(|i| {
            format!(
                "{}:{:02} word{} security ai platform{}\n",
                i / 60,
                i % 60,
                i % 37,
                i % 5
            )
        })
        .collect();
    let count = |threads| {
        let p = Pipeline::builder()
            .window(std::time::Duration::from_secs(60))
            .min_count(1)
            .threads(threads)
            .build()
            .unwrap();
        let corpus = p.read_text("big.txt", &text).unwrap();
        p.count(corpus).unwrap().counted
    };
    let one = count(1);
    let four = count(4);
    assert_eq!(one, four);
    let counts = &one.groups[0].counts;
    assert!(counts.windows.len() >= 33);
    assert_eq!(counts.windows[0].documents, 1);
}

#[test]
fn languages_are_detected_per_source() {
    let config = Config {
        language: "auto".parse().unwrap(),
        window: "1m".parse().unwrap(),
        group_by: GroupBy::Source,
        ..Config::default()
    };
    let english = "0:00 The security of the platform matters, and the developers want better tooling.\n\
                   0:30 Security teams and platform teams work together on the tooling.\n";
    let german = "0:00 Die Sicherheit der Plattform ist wichtig, und die Entwickler wollen bessere Werkzeuge.\n\
                  0:30 Die Sicherheitsteams und die Plattformteams arbeiten gemeinsam an den Werkzeugen.\n";
    let timeline = dated(config, &[("en.txt", english), ("de.txt", german)]);
    let languages: Vec<_> = timeline.meta.inputs.iter().map(|s| s.language).collect();
    assert_eq!(languages, [Some(Language::English), Some(Language::German)]);
    assert!(timeline.meta.inputs[1].language_confidence.unwrap() > 0.5);
    let german_terms: Vec<&str> = timeline
        .windows
        .iter()
        .filter(|w| w.source.as_deref() == Some("de.txt"))
        .flat_map(|w| w.terms.iter().map(|t| t.term.as_str()))
        .collect();
    // German stop words are gone and German stems are used.
    assert!(
        !german_terms.contains(&"und") && !german_terms.contains(&"die"),
        "{german_terms:?}"
    );
    assert!(german_terms.contains(&"werkzeug"), "{german_terms:?}");
}

#[test]
fn no_text_is_an_error() {
    let err = pipeline(60)
        .run_text("prose.txt", "no stamps here")
        .unwrap_err();
    assert!(matches!(
        err,
        Error::NoText {
            inputs: 1,
            diagnostics: 1
        }
    ));
}
