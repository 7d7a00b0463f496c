//! Hand-built [`Timeline`]s for the emitters' tests.
//!
//! The emitters read nothing but the output model, so their tests build it from
//! literal data instead of running the pipeline: a test then fails only when an
//! emitter changes, not when tokenizing or scoring does, and it can make any shape
//! the pipeline would rarely produce (a timeline of 50,000 windows, a theme that
//! never occurs, input text full of markup). [`talk`] is the run most tests use:
//! the three 150-second windows a short talk about AI and then security gives,
//! with its ranked terms, theme shares and shift events (a new dominant theme, a
//! rising and a fading one, a burst), shaped like what the pipeline writes for it.

use std::collections::BTreeMap;

use crate::time::{Millis, clock_label};
use crate::timeline::{
    GroupBy, LineCounts, Meta, Origin, RankedTerm, ShiftKind, ShiftReport, Source, SpeakerReport,
    SpeakerTerm, SpeakerTheme, SpeakerWindow, Statistics, TermReport, TermStatus, ThemeMember,
    ThemeReport, ThemeScore, TimeAxis, TimeValue, Timeline, WindowReport,
};

/// Builds a [`Timeline`] on the offset axis (recordings) one piece at a time.
#[derive(Debug)]
pub(crate) struct Builder {
    timeline: Timeline,
}

/// A ranked term as a test writes it: `(term, label, score, count, status)`.
pub(crate) type Term<'a> = (&'a str, &'a str, f64, u64, TermStatus);

impl Builder {
    /// An empty run of recordings with the default options.
    pub(crate) fn new() -> Self {
        Builder {
            timeline: Timeline {
                schema_version: crate::timeline::SCHEMA_VERSION,
                meta: Meta {
                    tool: "themeline",
                    version: "0.0.0-test",
                    time_axis: TimeAxis::Offset,
                    inputs: Vec::new(),
                    options: Default::default(),
                    statistics: Statistics {
                        lines: LineCounts::default(),
                        skipped_lines: BTreeMap::new(),
                        documents: 0,
                        segments: 0,
                        words: 0,
                        tokens: 0,
                        dropped: BTreeMap::new(),
                        stage_directions: BTreeMap::new(),
                        terms: 0,
                        terms_scored: 0,
                        protected: 0,
                        repairs: BTreeMap::new(),
                        phrases: Vec::new(),
                        windows: 0,
                        discovery: Vec::new(),
                        diagnostics: BTreeMap::new(),
                        boilerplate: Vec::new(),
                    },
                    diagnostics: Vec::new(),
                },
                windows: Vec::new(),
                terms: Vec::new(),
                themes: Vec::new(),
                shifts: Vec::new(),
                chapters: Vec::new(),
                unassigned: Vec::new(),
                speakers: Vec::new(),
            },
        }
    }

    /// Adds an input file.
    pub(crate) fn input(mut self, path: &str, title: Option<&str>, segments: u64) -> Self {
        self.timeline.meta.inputs.push(Source {
            path: path.into(),
            format: None,
            axis: Some(TimeAxis::Offset),
            title: title.map(String::from),
            description: None,
            bytes: 200,
            lines: LineCounts::default(),
            segments,
            documents: 1,
            skipped_lines: BTreeMap::new(),
            language: None,
            language_confidence: None,
            segment_languages: Default::default(),
            markup: 0,
        });
        self
    }

    /// Adds a lexicon theme of `source`'s timeline (`None`: the only one).
    pub(crate) fn theme(mut self, source: Option<&str>, name: &str, top_terms: &[&str]) -> Self {
        self.timeline.themes.push(ThemeReport {
            source: source.map(String::from),
            name: name.into(),
            origin: Origin::Lexicon,
            description: Some(format!("Talk about {name}")),
            members: top_terms
                .iter()
                .map(|t| ThemeMember {
                    term: t.to_lowercase(),
                    label: (*t).into(),
                    weight: 1.0,
                })
                .collect(),
            unmatched: Vec::new(),
            top_terms: top_terms.iter().map(|t| (*t).into()).collect(),
            tokens: 0.0,
        });
        self
    }

    /// Adds the next window of `source`'s timeline, from `start` to `end` seconds:
    /// its terms in rank order and the share of each theme present (the other
    /// themes of the timeline get a share of 0). The dominant theme is the one of
    /// the largest share; the theme scores are per 1,000 tokens.
    pub(crate) fn window(
        mut self,
        source: Option<&str>,
        (start, end): (u32, u32),
        tokens: u64,
        terms: &[Term<'_>],
        shares: &[(&str, f64)],
    ) -> Self {
        let index = self
            .timeline
            .windows
            .iter()
            .rev()
            .find(|w| w.source.as_deref() == source)
            .map_or(0, |w| w.index + 1);
        let (start_ms, end_ms) = (Millis::from(start) * 1000, Millis::from(end) * 1000);
        let themes: Vec<ThemeScore> = self
            .timeline
            .themes
            .iter()
            .filter(|t| t.source.as_deref() == source)
            .map(|t| {
                let share = shares
                    .iter()
                    .find(|(name, _)| *name == t.name)
                    .map_or(0.0, |s| s.1);
                let theme_tokens = share * tokens as f64 / 2.0;
                ThemeScore {
                    theme: t.name.clone(),
                    score: theme_tokens * 1000.0 / tokens.max(1) as f64,
                    share,
                    tokens: theme_tokens,
                }
            })
            .collect();
        let dominant = themes
            .iter()
            .filter(|t| t.share > 0.0)
            .max_by(|a, b| a.share.total_cmp(&b.share))
            .map(|t| t.theme.clone());
        self.timeline.windows.push(WindowReport {
            source: source.map(String::from),
            speaker: None,
            index,
            start: TimeValue::new(start_ms, TimeAxis::Offset),
            end: TimeValue::new(end_ms, TimeAxis::Offset),
            start_ms,
            end_ms,
            label: clock_label(start_ms),
            end_label: Some(clock_label(end_ms)),
            documents: u64::from(index == 0),
            segments: 1,
            tokens,
            partial: false,
            dominant,
            terms: terms
                .iter()
                .enumerate()
                .map(|(rank, &(term, label, score, count, status))| RankedTerm {
                    rank: rank as u32 + 1,
                    term: term.into(),
                    label: label.into(),
                    window_label: label.into(),
                    score,
                    count,
                    status,
                })
                .collect(),
            themes,
        });
        self
    }

    /// Sets the last window's documents and segments (by default, 1 document in
    /// the first window and 1 segment in each).
    pub(crate) fn counts(mut self, documents: u64, segments: u64) -> Self {
        if let Some(last) = self.timeline.windows.last_mut() {
            (last.documents, last.segments) = (documents, segments);
        }
        self
    }

    /// Marks the last window as one the data ends inside.
    pub(crate) fn partial(mut self) -> Self {
        if let Some(last) = self.timeline.windows.last_mut() {
            last.partial = true;
        }
        self
    }

    /// Adds a shift event at window `window` of `source`'s timeline (which must
    /// exist), lasting that window.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn shift(
        mut self,
        source: Option<&str>,
        window: usize,
        kind: ShiftKind,
        subject: &str,
        (from, to): (&str, &str),
        strength: f64,
        evidence: &[&str],
    ) -> Self {
        let wanted = |w: &&WindowReport| w.source.as_deref() == source && w.index == window;
        // With one timeline the window is at its index; look no further.
        let w = (self.timeline.windows.get(window).filter(wanted))
            .or_else(|| self.timeline.windows.iter().find(wanted))
            .expect("the shift's window exists");
        let shares = |text: &str| text.parse::<f64>().ok();
        let theme_event = kind != ShiftKind::Burst;
        self.timeline.shifts.push(ShiftReport {
            source: source.map(String::from),
            speaker: None,
            at: w.start.clone(),
            at_ms: w.start_ms,
            until: w.end.clone(),
            until_ms: w.end_ms,
            window,
            label: w.label.clone(),
            until_label: w.end_label.clone(),
            kind,
            subject: subject.into(),
            from: from.into(),
            to: to.into(),
            strength,
            share_before: shares(from).filter(|_| theme_event),
            share_after: shares(to).filter(|_| theme_event),
            evidence: evidence.iter().map(|e| (*e).into()).collect(),
        });
        self
    }

    /// Sets the options the way `f` says.
    pub(crate) fn options(mut self, f: impl FnOnce(&mut Meta)) -> Self {
        f(&mut self.timeline.meta);
        self
    }

    /// The timeline, with its statistics, term list and theme totals filled in
    /// from the windows.
    pub(crate) fn build(mut self) -> Timeline {
        let t = &mut self.timeline;
        let tokens: u64 = t.windows.iter().map(|w| w.tokens).sum();
        let stats = &mut t.meta.statistics;
        stats.windows = t.windows.len() as u64;
        stats.tokens = tokens;
        stats.words = tokens + tokens / 2;
        stats.segments = t.meta.inputs.iter().map(|s| s.segments).sum();
        stats.documents = t.meta.inputs.len() as u64;
        let mut terms: BTreeMap<&str, TermReport> = BTreeMap::new();
        for term in t.windows.iter().flat_map(|w| &w.terms) {
            let report = terms.entry(&term.term).or_insert_with(|| TermReport {
                term: term.term.clone(),
                label: term.label.clone(),
                phrase: term.term.contains(' '),
                total: 0,
                forms: Vec::new(),
                repaired_from: Vec::new(),
            });
            report.total += term.count;
        }
        let terms: Vec<TermReport> = terms.into_values().collect();
        stats.terms = terms.len() as u64;
        stats.terms_scored = terms.len() as u64;
        t.terms = terms;
        for theme in &mut t.themes {
            theme.tokens = t
                .windows
                .iter()
                .filter(|w| w.source == theme.source)
                .flat_map(|w| &w.themes)
                .filter(|s| s.theme == theme.name)
                .map(|s| s.tokens)
                .sum();
        }
        self.timeline
    }
}

/// The window's terms of [`talk`]'s first window.
const AI_TERMS: [Term<'static>; 6] = [
    ("ai", "AI", 0.682, 3, TermStatus::Stable),
    ("agent", "agents", 0.299, 1, TermStatus::Gone),
    ("gpus", "GPUs", 0.299, 1, TermStatus::Gone),
    (
        "machin learn",
        "machine learning",
        0.299,
        1,
        TermStatus::Gone,
    ),
    ("model", "models", 0.299, 1, TermStatus::Gone),
    ("today", "Today", 0.299, 1, TermStatus::Gone),
];

/// The second window's terms.
const SECURITY_TERMS: [Term<'static>; 5] = [
    ("secur", "security", 0.627, 2, TermStatus::New),
    ("sign", "signing", 0.412, 1, TermStatus::Burst),
    ("suppli chain", "supply chain", 0.412, 1, TermStatus::New),
    ("vulner", "vulnerability", 0.412, 1, TermStatus::New),
    ("polici", "policies", 0.313, 1, TermStatus::New),
];

/// The third window's terms.
const MIXED_TERMS: [Term<'static>; 3] = [
    ("ai", "AI", 0.577, 1, TermStatus::Stable),
    ("polici", "policies", 0.577, 1, TermStatus::Stable),
    ("secur", "security", 0.577, 1, TermStatus::Emerging),
];

/// `talk.txt`'s timeline (or `source`'s with `--group-by source`): themes AI/ML,
/// security and observability (which never occurs), three windows of 150 s.
fn add_talk(builder: Builder, source: Option<&str>) -> Builder {
    builder
        .theme(source, "AI/ML", &["AI", "agents", "GPUs"])
        .theme(source, "security", &["security", "policies", "signing"])
        .theme(source, "observability", &[])
        .window(source, (0, 150), 10, &AI_TERMS, &[("AI/ML", 1.0)])
        .window(source, (150, 300), 7, &SECURITY_TERMS, &[("security", 1.0)])
        .window(
            source,
            (300, 450),
            3,
            &MIXED_TERMS,
            &[("AI/ML", 0.429), ("security", 0.571)],
        )
        .partial()
        .shift(
            source,
            1,
            ShiftKind::Dominant,
            "security",
            ("AI/ML", "security"),
            1.0,
            &["security", "policies", "signing"],
        )
        .shift(
            source,
            1,
            ShiftKind::Fading,
            "AI/ML",
            ("1.000", "0.000"),
            -9.2,
            &["AI", "models"],
        )
        .shift(
            source,
            1,
            ShiftKind::Burst,
            "signing",
            ("0:02:30", "0:05:00"),
            2.5,
            &[],
        )
        .shift(
            source,
            2,
            ShiftKind::Rising,
            "AI/ML",
            ("0.000", "0.429"),
            5.908,
            &["AI"],
        )
}

/// A short talk, `talk.txt` titled "Platform news": AI/ML dominates the first
/// window, security takes over in the second, the third (where the data ends) is
/// mixed.
pub(crate) fn talk() -> Timeline {
    add_talk(
        Builder::new().input("talk.txt", Some("Platform news"), 3),
        None,
    )
    .options(|meta| {
        meta.options.window = "150s".parse().unwrap();
        meta.options.min_count = 1;
        meta.options.themes = Some("cloud-native".into());
    })
    .build()
}

/// Two sources as `--group-by source` gives them: `a.txt` is [`talk`], `b.txt`
/// (no title) two windows with security first and AI/ML second.
pub(crate) fn two_sources() -> Timeline {
    let builder = Builder::new()
        .input("a.txt", Some("Platform news"), 3)
        .input("b.txt", None, 2);
    add_talk(builder, Some("a.txt"))
        .theme(Some("b.txt"), "security", &["security", "policies"])
        .theme(Some("b.txt"), "AI/ML", &["AI", "GPUs"])
        .window(
            Some("b.txt"),
            (0, 150),
            2,
            &[("secur", "security", 0.5, 1, TermStatus::Stable)],
            &[("security", 1.0)],
        )
        .window(
            Some("b.txt"),
            (150, 300),
            3,
            &[("ai", "AI", 0.4, 1, TermStatus::New)],
            &[("AI/ML", 1.0)],
        )
        .shift(
            Some("b.txt"),
            1,
            ShiftKind::Dominant,
            "AI/ML",
            ("security", "AI/ML"),
            1.0,
            &["AI"],
        )
        .options(|meta| {
            meta.options.window = "150s".parse().unwrap();
            meta.options.group_by = GroupBy::Source;
            meta.options.themes = Some("cloud-native".into());
        })
        .build()
}

/// [`talk`] spoken by a host whose name starts like a formula (`=Host`, with
/// three fifths of every window's tokens and themes) and by someone the input
/// does not name (`""`, the rest).
pub(crate) fn with_speakers() -> Timeline {
    let mut timeline = talk();
    let speaker = |name: &str, part: f64, timeline: &Timeline| {
        let windows: Vec<SpeakerWindow> = timeline
            .windows
            .iter()
            .map(|w| {
                let host = w.tokens * 3 / 5;
                let tokens = if part > 0.5 { host } else { w.tokens - host };
                SpeakerWindow {
                    window: w.index,
                    start: w.start.clone(),
                    end: w.end.clone(),
                    label: w.label.clone(),
                    tokens,
                    share_of_window: tokens as f64 / w.tokens.max(1) as f64,
                    themes: w
                        .themes
                        .iter()
                        .map(|t| SpeakerTheme {
                            theme: t.theme.clone(),
                            share: t.share,
                            tokens: t.tokens * part,
                            share_of_theme: if t.tokens > 0.0 { part } else { 0.0 },
                        })
                        .collect(),
                }
            })
            .collect();
        let tokens: u64 = windows.iter().map(|w| w.tokens).sum();
        SpeakerReport {
            source: None,
            name: name.into(),
            tokens,
            share: part,
            seconds: 450.0 * part,
            time_share: part,
            terms: vec![SpeakerTerm {
                term: "secur".into(),
                label: "security".into(),
                count: 3,
                g2: 1.5,
            }],
            dominant: Some("security".into()),
            leads: (part > 0.5).then(|| "security".into()),
            themes: Vec::new(),
            windows,
        }
    };
    timeline.speakers = vec![
        speaker("", 0.4, &timeline),
        speaker("=Host", 0.6, &timeline),
    ];
    timeline
}

/// [`talk`]'s windows without any theme, as `--discover 0` without a lexicon gives.
pub(crate) fn without_themes() -> Timeline {
    let mut timeline = talk();
    timeline.themes.clear();
    timeline.shifts.retain(|s| s.kind == ShiftKind::Burst);
    for window in &mut timeline.windows {
        window.themes.clear();
        window.dominant = None;
    }
    timeline.meta.options.themes = None;
    timeline.meta.options.discover = Some(0);
    timeline
}

/// The talk in one window of an hour.
pub(crate) fn one_window() -> Timeline {
    let terms: Vec<Term<'_>> = AI_TERMS.iter().chain(&SECURITY_TERMS).copied().collect();
    Builder::new()
        .input("talk.txt", Some("Platform news"), 3)
        .theme(None, "AI/ML", &["AI", "agents", "GPUs"])
        .theme(None, "security", &["security", "policies", "signing"])
        .window(
            None,
            (0, 3600),
            20,
            &terms,
            &[("AI/ML", 0.6), ("security", 0.4)],
        )
        .partial()
        .options(|meta| meta.options.window = "1h".parse().unwrap())
        .build()
}

/// A recording of `n` one-second windows: the AI/ML share falls and the security
/// share rises along it, every window ranks three terms, and every 100th window
/// brings a shift of the dominant theme and a burst. The windows are built one at
/// a time, for tests of emitters on very long timelines.
pub(crate) fn long(n: usize) -> Timeline {
    let mut builder = Builder::new()
        .input("long.txt", Some("A long recording"), n as u64)
        .theme(None, "AI/ML", &["AI"])
        .theme(None, "security", &["security"]);
    for i in 0..n {
        let security = i as f64 / n as f64;
        let status = if i % 100 == 50 {
            TermStatus::Burst
        } else {
            TermStatus::Stable
        };
        builder = builder.window(
            None,
            (i as u32, i as u32 + 1),
            10 + (i % 7) as u64,
            &[
                ("ai", "AI", 1.0 - security, 2, TermStatus::Stable),
                ("secur", "security", security, 1, TermStatus::Stable),
                ("sign", "signing", 0.01 * (i % 100) as f64, 1, status),
            ],
            &[("AI/ML", 1.0 - security), ("security", security)],
        );
    }
    for i in (50..n).step_by(100) {
        let (from, to) = if i % 200 == 50 {
            ("AI/ML", "security")
        } else {
            ("security", "AI/ML")
        };
        builder = builder
            .shift(
                None,
                i,
                ShiftKind::Dominant,
                to,
                (from, to),
                i as f64 / n as f64,
                &[],
            )
            .shift(
                None,
                i,
                ShiftKind::Burst,
                "signing",
                ("0:00:00", "0:00:01"),
                i as f64,
                &[],
            );
    }
    builder.build()
}
