//! The list of every run option: the one place an option is defined.
//!
//! Each entry gives, in order: its doc (the `--help` text and the schema's
//! description; the first sentence is the short help), whether it decides what is
//! counted (`count`: shards must agree on it) or only acts after counting
//! (`after`), serde attributes of the [`Config`](super::Config) field, its name
//! (the field; `--flag-name`, `flag-name` in `themeline.toml` and
//! `THEMELINE_FLAG_NAME` follow from it), its shape (`one` value, `opt`ional,
//! `many` values, a `flag` that is on or off), its type and default, the
//! placeholder and section of its `--help` line, and the checks its value must
//! pass.
//!
//! `for_each_option!(m)` hands the list to the macro `m`: `config` makes
//! [`Config`](super::Config), [`CountingOptions`](super::CountingOptions) and the
//! table of [`OPTIONS`](super::OPTIONS) from it, `config_file` the layer that
//! files, the environment and flags are read into.

/// Calls `$m! { ... }` with the list of options.
macro_rules! for_each_option {
    ($m:ident $(, $($extra:tt)*)?) => {
        $m! {
            $($($extra)*)?
            options {
                /// Window length: auto (5m for recordings; for dated documents the shortest
                /// of 1m, 5m, 15m, 1h, day, week, month, quarter, year, decade giving at most
                /// 50 windows), a duration (5m, 90s, 1h30m, 90d, 2w, PT5M, seconds) or a
                /// calendar unit for dated input (day, week, month, quarter, year, decade).
                [count] window: one WindowLength = WindowLength::Auto,
                    "LENGTH", "Windows", check positive_window;
                /// Start a window every DURATION, for overlapping windows (at most `window`).
                [count] step: opt Span = None, "DURATION", "Windows", check positive_step;
                /// Split the data's extent into N bins instead of fixed windows.
                [count] bins: opt usize = None, "N", "Windows", check bins_in_range;
                /// Bins of equal duration, or of (about) equal numbers of tokens.
                [count] bins_by: one BinBy = BinBy::Time, "HOW", "Windows", check no_check;
                /// Ranked terms per window (0: all).
                [after] top: one usize = 10, "N", "Scoring", check no_check;
                /// Drop terms seen fewer than N times in the whole run before scoring.
                [after] min_count: one u64 = 2, "N", "Scoring", check no_check;
                /// Language of stemming and stop words (english, german, french, ... any
                /// Snowball algorithm), or auto to detect it per input.
                [count] language: one LanguageChoice = LanguageChoice::Fixed(Language::English),
                    "LANG", "Terms", check no_check;
                /// Term frequency: raw count, sublinear 1+ln(count), or auto (sublinear when
                /// the windows hold two or more documents each on average, else raw).
                [after] tf: one TfMode = TfMode::Auto, "TF", "Scoring", check no_check;
                /// Inverse document frequency over windows.
                [after] idf: one IdfMode = IdfMode::Smooth, "IDF", "Scoring", check no_check;
                /// What TF-IDF's IDF counts: windows, documents, or auto (documents when the
                /// windows hold two or more documents each on average).
                [after] idf_over: one IdfOver = IdfOver::Auto, "WHAT", "Scoring", check no_check;
                /// Normalisation of each window's scores.
                [after] norm: one NormMode = NormMode::L2, "NORM", "Scoring", check no_check;
                /// Keep tokens made only of digits (2024, 12,000).
                [count] keep_numbers: flag bool = false, "BOOL", "Terms", check no_check;
                /// Shortest token kept, in characters.
                [count] min_token_len: one usize = 2, "N", "Terms", check at_least_one;
                /// Stop-word file replacing the built-in lists (repeatable).
                [count] stopwords: many PathBuf = Vec::new(), "FILE", "Terms", check no_check;
                /// Stop-word file added to the lists in use (repeatable).
                [count] add_stopwords: many PathBuf = Vec::new(), "FILE", "Terms", check no_check;
                /// Alias table repairing spellings: a TOML file, or a built-in set
                /// (cloud-native). Repeatable.
                [count] aliases: many String = Vec::new(), "FILE", "Terms", check no_check;
                /// Extra protected-token pattern (regex), kept whole like C++ or CI/CD.
                /// Repeatable.
                [count] protect: many String = Vec::new(), "REGEX", "Terms", check patterns;
                /// Phrase mining: auto (collocations and listed phrases), listed (only
                /// `phrase`), off.
                [count] phrases: one PhraseMode = PhraseMode::Auto, "MODE", "Terms", check no_check;
                /// A phrase that always counts, as written ("service mesh"). Repeatable.
                [count] phrase: many String = Vec::new(), "TEXT", "Terms", check no_check;
                /// Fewest occurrences in the run for a mined phrase.
                [count] min_phrase_count: one u64 = 3, "N", "Terms", check no_check;
                /// Lowest normalised PMI (-1 to 1) for a mined phrase.
                [count] phrase_threshold: one f64 = 0.5, "X", "Terms", check npmi;
                /// The phrase list of `themeline select`: count its phrases instead of mining
                /// them, and leave out its boilerplate passages instead of finding them.
                [after] phrase_list: opt PathBuf = None, "FILE", "Terms", check no_check;
                /// How long the last segment of a transcript lasts.
                [count] last_segment: one Span = Span(10_000), "DURATION", "Input",
                    check offset_span;
                /// Fail on the first problem in the input instead of skipping or repairing it.
                [count] strict: flag bool = false, "BOOL", "Input", check no_check;
                /// Read every input as this format instead of detecting it.
                [count] input_format: opt Format = None, "FORMAT", "Input", check no_check;
                /// JSON Lines/CSV column with the time [default: detected: time, timestamp,
                /// date, start, published, ...].
                [count] time_col: opt String = None, "NAME", "Input", check no_check;
                /// JSON Lines/CSV column with text (repeatable; joined in order) [default:
                /// detected: text, content, body, ...].
                [count] text_col: many String = Vec::new(), "NAME", "Input", check no_check;
                /// JSON Lines/CSV column naming each record (used in messages).
                [count] id_col: opt String = None, "NAME", "Input", check no_check;
                /// CSV of file names and dates (header optional: file/fileid/path/name and
                /// date/time/instant columns) dating documents; wins over dates in names.
                [count] #[serde(default, skip_serializing_if = "Option::is_none")]
                dates: opt PathBuf = None, "FILE", "Input", check no_check;
                /// Time zone for calendar windows and for dates without an offset (IANA name).
                [count] tz: one Zone = Zone::utc(), "ZONE", "Windows", check no_check;
                /// Anchor recordings at this instant (2024-03-20T09:00:00Z, or a date-time in
                /// `tz`) so they share an axis with dated documents.
                [count] start: opt Anchor = None, "INSTANT", "Windows", check no_check;
                /// One timeline over all inputs, one per input file (adds a `source`
                /// column), or one per speaker (adds a `speaker` column).
                [count] group_by: one GroupBy = GroupBy::None, "GROUPS", "Windows",
                    check no_check;
                /// Remove the rolling duplicates of auto-generated captions (auto: when
                /// detected).
                [count] dedupe: one Dedupe = Dedupe::Auto, "WHEN", "Input", check no_check;
                /// Read transcripts of at least this many bytes in pieces, never whole (0:
                /// read every file whole). How the text is read, not what is found in it,
                /// so it is not recorded in outputs.
                [after] #[serde(skip_serializing)] stream_bytes: one u64 = 64 << 20,
                    "BYTES", "Input", check no_check;
                /// Scoring method: tfidf (scikit-learn), bm25 (rank_bm25), ctfidf (BERTopic),
                /// g2 (signed log-likelihood, quanteda), logodds (informative Dirichlet prior).
                [after] score: one Method = Method::Tfidf, "METHOD", "Scoring", check no_check;
                /// What g2 and logodds compare each window with: the rest of the run, or the
                /// previous window.
                [after] reference: one Reference = Reference::Rest, "WITH", "Scoring",
                    check no_check;
                /// Score each window on its counts plus those of the N-1 windows before it
                /// (1: none).
                [after] smooth: one usize = 1, "N", "Scoring", check at_least_one;
                /// Collection statistics (IDF, averages, the rest of the run) from the windows
                /// up to each window only.
                [after] as_of: flag bool = false, "BOOL", "Scoring", check no_check;
                /// BM25 term-frequency saturation k1.
                [after] bm25_k1: one f64 = 1.5, "X", "Scoring", check non_negative;
                /// BM25 length normalisation b (0 to 1).
                [after] bm25_b: one f64 = 0.75, "X", "Scoring", check fraction;
                /// c-TF-IDF: BERTopic's BM25-inspired IDF (bm25_weighting).
                [after] ctfidf_bm25_weighting: flag bool = false, "BOOL", "Scoring",
                    check no_check;
                /// c-TF-IDF: square root of the frequencies (reduce_frequent_words).
                [after] reduce_frequent_words: flag bool = false, "BOOL", "Scoring",
                    check no_check;
                /// Terms that at least half of a collection's documents hold (once it has at
                /// least 20) are its boilerplate, kept from leading a window's terms, a
                /// discovered theme or a chapter title, and sentences that at least five of
                /// its documents repeat are left out: auto, or off to keep every term and
                /// sentence.
                [after] boilerplate: one Boilerplate = Boilerplate::Auto, "WHEN", "Scoring",
                    check no_check;
                /// Theme lexicon: a TOML file (theme -> terms and phrases), or a built-in set
                /// (cloud-native). Without one, themes are discovered.
                [count] themes: opt String = None, "FILE", "Themes and shifts", check no_check;
                /// Discover K themes by NMF (even when a lexicon is configured; 0: no themes).
                [after] discover: opt usize = None, "K", "Themes and shifts", check no_check;
                /// Learn discovered themes over a background, the corpus's mean chunk, that
                /// takes the vocabulary all of it shares, so that no theme is the corpus
                /// itself dominating every window; false: plain NMF.
                [after] background: flag bool = true, "BOOL", "Themes and shifts",
                    check no_check;
                /// Name discovered themes and title chapters with nouns (English): a word
                /// whose usual class is a verb, adjective or adverb, or a person's first
                /// name, names neither unless nothing else would; false: any word.
                [after] noun_names: flag bool = true, "BOOL", "Themes and shifts",
                    check no_check;
                /// How a lexicon theme counts its members: idf (each count weighted by the
                /// member's IDF over windows) or count.
                [after] theme_weight: one ThemeWeight = ThemeWeight::Idf, "HOW",
                    "Themes and shifts", check no_check;
                /// |G2| for a significant change between windows (3.84: p < 0.05).
                [after] significance: one f64 = 3.84, "X", "Themes and shifts",
                    check non_negative;
                /// Smallest share change of a rising or fading theme (0 to 1).
                [after] min_share_change: one f64 = 0.1, "X", "Themes and shifts",
                    check fraction;
                /// Kleinberg bursts: how many times the base rate a burst is.
                [after] burst_s: one f64 = 2.0, "X", "Themes and shifts", check above_one;
                /// Kleinberg bursts: the cost of entering a burst (times ln of the number of
                /// windows).
                [after] burst_gamma: one f64 = 1.0, "X", "Themes and shifts",
                    check non_negative;
                /// Find this many chapters in each recording (or periods in a dated
                /// timeline) instead of letting the text decide where it changes.
                [after] chapters: opt usize = None, "N", "Chapters", check at_least_two;
                /// The shortest chapter of a recording.
                [after] min_chapter: one Span = Span(120_000), "DURATION", "Chapters",
                    check no_check;
                /// Write CSV text cells as they are. By default a text cell (a term, label,
                /// theme, source, title, evidence) that starts with =, +, -, @, a tab or a
                /// carriage return gets a leading ' so that spreadsheets show it rather than
                /// run it as a formula (OWASP's rule against CSV injection); numbers never
                /// change, and JSON is always as it is. How the tables are written, not what
                /// is found, so it is not recorded in outputs.
                [after] #[serde(skip_serializing)] raw_csv: flag bool = false, "BOOL", "Output",
                    check no_check;
                /// Worker threads (0: one per core). Output is identical for any value.
                [after] #[serde(skip_serializing)] threads: one usize = 0, "N", "Performance",
                    check thread_count;
            }
        }
    };
}

pub(crate) use for_each_option;
