//! The stages wired together: inputs in, a [`Timeline`] out.
//!
//! A [`Pipeline`] holds a run's options, its analyzers (one per language it may
//! meet) and its worker threads. [`Pipeline::run`] reads the inputs into a
//! [`Corpus`], settles the time axis and the timelines with their windows
//! (`plan`), mines phrases and counts (`passes`, map-then-merge over a feed of
//! each timeline's text, held or read again from disk), then claims, themes,
//! scores and shifts each
//! timeline and assembles the [`Timeline`] (`report`), whose window reports can
//! also be left to be made one at a time as the outputs take them
//! ([`Pipeline::run_corpus_streamed`], [`WindowReports`]). The counting half is
//! also what a shard holds ([`Pipeline::count`]), and [`Pipeline::merge`] runs
//! the other half on the sum of shards.

mod chapters;
mod corpus;
mod inspect;
mod passes;
mod plan;
mod report;
mod speakers;
mod tape;
mod themes;
mod windows;

use std::path::PathBuf;

pub use corpus::Corpus;
pub use inspect::Inspect;
pub use windows::WindowReports;

use crate::Error;
use crate::config::{Config, CountingOptions};
use crate::ingest::{self, IngestOptions, Ingested};
use crate::progress::{Progress, ProgressHook, Timings};
use crate::shard::{
    self, CandidateFile, Counted, CountedGroup, PassageFile, PassageHash, PassageSelection,
    PassagesLeftOut, PhraseList, ShardError, ShardFile,
};
use crate::stem::{Language, LanguageChoice};
use crate::theme::Lexicon;
use crate::timeline::{MAX_LISTED_DIAGNOSTICS, Timeline};
use crate::tokenize::Analyzer;
use crate::tokenize::phrases::{self, Miner, PhraseOptions};
use crate::window::{WindowLength, Windows};
use passes::Placing;
use plan::Plan;
use tape::ChunkTape;

/// The analyzers of a run, one per language it may meet.
#[derive(Debug)]
struct Analyzers(Vec<(Language, Analyzer)>);

impl Analyzers {
    /// The analyzer for `language` (the first one for a language the run does
    /// not analyse).
    fn get(&self, language: Language) -> &Analyzer {
        self.0
            .iter()
            .find(|(l, _)| *l == language)
            .or(self.0.first())
            .map(|(_, a)| a)
            .expect("a pipeline has an analyzer")
    }

    fn all(&self) -> impl Iterator<Item = &Analyzer> {
        self.0.iter().map(|(_, a)| a)
    }
}

/// A configured run of the stages.
#[derive(Debug)]
pub struct Pipeline {
    config: Config,
    ingest_options: IngestOptions,
    timings: Timings,
    analyzers: Analyzers,
    phrases: PhraseOptions,
    /// The theme lexicon, unless themes are discovered.
    lexicon: Option<Lexicon>,
    /// The `phrase-list`: the phrases to count instead of mining them, and the
    /// boilerplate passages to leave out instead of finding them.
    phrase_list: Option<PhraseList>,
    /// The terms that never make a chapter title or a discovered theme's name.
    title_generic: rustc_hash::FxHashSet<String>,
    pool: rayon::ThreadPool,
}

impl Pipeline {
    /// The terms of `counts` that never name a theme or title a chapter: the
    /// generic words of the title stop list and, when the run reads English,
    /// words whose usual class is not a noun and people's first names
    /// ([`crate::tokenize::word_classes`]) unless `noun_names` is off. The class
    /// is judged for the terms of `candidates` only, the ones that could name:
    /// it needs each term's label, and labelling the whole vocabulary once per
    /// source of a run per source was most of its chapter stage.
    pub(crate) fn unnameable(
        &self,
        counts: &crate::count::Counts,
        candidates: &mut dyn Iterator<Item = crate::count::TermId>,
    ) -> Vec<bool> {
        let mut unnameable: Vec<bool> = counts
            .terms
            .iter()
            .map(|t| self.title_generic.contains(t.term.as_str()))
            .collect();
        let english = self
            .config
            .language
            .languages()
            .contains(&crate::stem::Language::English);
        if !(self.config.noun_names && english) {
            return unnameable;
        }
        let words = crate::tokenize::word_classes::NameWords::english();
        for t in candidates {
            if !unnameable[t as usize] && !words.may_name(&counts.label(t)) {
                unnameable[t as usize] = true;
            }
        }
        unnameable
    }
}

/// Builds a [`Pipeline`] from typed options; every option defaults to
/// [`Config::default`].
#[derive(Debug, Clone, Default)]
pub struct PipelineBuilder {
    config: Config,
    progress: ProgressHook,
}

impl PipelineBuilder {
    /// Window length.
    pub fn window(mut self, size: std::time::Duration) -> Self {
        self.config.window = WindowLength::Duration(millis(size));
        self
    }

    /// Distance between window starts, for overlapping windows.
    pub fn step(mut self, step: std::time::Duration) -> Self {
        self.config.step = Some(crate::time::Span(millis(step)));
        self
    }

    /// Ranked terms kept per window (0 keeps all).
    pub fn top(mut self, top: usize) -> Self {
        self.config.top = top;
        self
    }

    /// Minimum occurrences of a term in the run for it to be scored.
    pub fn min_count(mut self, min_count: u64) -> Self {
        self.config.min_count = min_count;
        self
    }

    /// Stemming language.
    pub fn language(mut self, language: Language) -> Self {
        self.config.language = LanguageChoice::Fixed(language);
        self
    }

    /// The TF-IDF variant.
    pub fn tfidf(mut self, tfidf: crate::score::TfIdf) -> Self {
        self.config.tf = tfidf.tf;
        self.config.idf = tfidf.idf;
        self.config.norm = tfidf.norm;
        self
    }

    /// The scoring method.
    pub fn score(mut self, method: crate::score::Method) -> Self {
        self.config.score = method;
        self
    }

    /// A theme lexicon: a TOML file, or a built-in name (`cloud-native`).
    pub fn themes(mut self, lexicon: impl Into<String>) -> Self {
        self.config.themes = Some(lexicon.into());
        self
    }

    /// Discover `k` themes instead of using a lexicon (0: no themes).
    pub fn discover(mut self, k: usize) -> Self {
        self.config.discover = Some(k);
        self
    }

    /// Fail on the first input problem.
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = strict;
        self
    }

    /// Worker threads (0: one per core). The outputs do not depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.config.threads = threads;
        self
    }

    /// Replaces the whole configuration.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Where the pipeline reports its progress (see [`crate::progress`]).
    pub fn progress(mut self, progress: impl Progress + 'static) -> Self {
        self.progress = ProgressHook::new(progress);
        self
    }

    /// Checks the options, loads word lists and lexicons, and starts the threads.
    pub fn build(self) -> Result<Pipeline, Error> {
        let mut pipeline = Pipeline::new(self.config)?;
        pipeline.timings = Timings::new(self.progress);
        Ok(pipeline)
    }
}

fn millis(d: std::time::Duration) -> crate::time::Millis {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Pipeline {
    /// A builder starting from the default options.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// A pipeline for `config`.
    pub fn new(mut config: Config) -> Result<Self, Error> {
        config.resolve_start();
        config.validate()?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .thread_name(|i| format!("themeline-{i}"))
            .build()?;
        let analyzer_options = config.analyzer_options();
        let analyzers = Analyzers(
            config
                .language
                .languages()
                .into_iter()
                .map(|language| {
                    Analyzer::for_language(&analyzer_options, language).map(|a| (language, a))
                })
                .collect::<Result<Vec<_>, _>>()?,
        );
        let mut listed = Vec::new();
        for text in &config.phrase {
            let keys: Vec<String> = analyzers
                .all()
                .filter_map(|analyzer| phrases::phrase_key(analyzer, text))
                .collect();
            if keys.is_empty() {
                return Err(crate::config::ConfigError::new(
                    "phrase",
                    format!("{text:?} has fewer than two words that are not stop words"),
                )
                .into());
            }
            listed.extend(keys);
        }
        let lexicon = match (&config.themes, config.discover) {
            (Some(source), None) => Some(Lexicon::load(source)?),
            _ => None,
        };
        // A lexicon's phrases always count, so its themes can find them.
        for text in lexicon
            .iter()
            .flat_map(|l| l.themes.values())
            .flat_map(|t| &t.terms)
        {
            listed.extend(
                analyzers
                    .all()
                    .filter_map(|analyzer| phrases::phrase_key(analyzer, text)),
            );
        }
        listed.sort();
        listed.dedup();
        let phrase_list = match &config.phrase_list {
            Some(path) => Some(PhraseList::load(path)?),
            None => None,
        };
        let mut title_generic = rustc_hash::FxHashSet::default();
        for word in crate::segment::titles::list_words(crate::segment::titles::ENGLISH_GENERIC) {
            for analyzer in analyzers.all() {
                analyzer.tokens(word, &mut crate::tokenize::TokenStats::default(), |token| {
                    title_generic.insert(token.term.clone());
                });
            }
        }
        Ok(Pipeline {
            phrases: config.phrase_options(listed),
            ingest_options: config.ingest_options(),
            config,
            timings: Timings::default(),
            analyzers,
            lexicon,
            phrase_list,
            title_generic,
            pool,
        })
    }

    /// The options in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The `phrase-list` file, for messages.
    pub(crate) fn phrase_list_path(&self) -> String {
        self.config
            .phrase_list
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    /// Runs `op` on this pipeline's threads (as many as
    /// [`PipelineBuilder::threads`] asked for): where a caller should write the
    /// outputs, which [`crate::emit::write_formats_with`] does in parallel, so
    /// that the run as a whole keeps to its thread count.
    pub fn install<R: Send>(&self, op: impl FnOnce() -> R + Send) -> R {
        self.pool.install(op)
    }

    /// Wall-clock time per stage of the runs so far.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// Sends this pipeline's progress to `progress` (see [`crate::progress`]).
    pub fn set_progress(&mut self, progress: impl Progress + 'static) {
        self.timings = Timings::new(ProgressHook::new(progress));
    }

    fn progress(&self) -> &ProgressHook {
        self.timings.progress()
    }

    /// Never reads `files` as input (they are what the run will write; see
    /// [`ingest::IngestOptions::outputs`]).
    pub fn skip_outputs(&mut self, files: Vec<PathBuf>) {
        self.ingest_options.outputs = files;
    }

    /// Reads files and directories.
    pub fn read(&self, paths: &[PathBuf]) -> Result<Corpus, Error> {
        let ingested = self.timings.time("ingest", || {
            self.pool
                .install(|| ingest::read_paths_with(paths, &self.ingest_options, self.progress()))
        })?;
        Ok(Corpus::from(ingested))
    }

    /// Reads in-memory text as one input called `name`.
    pub fn read_text(&self, name: &str, text: &str) -> Result<Corpus, Error> {
        let mut ingested = Ingested::default();
        ingest::read_bytes(name, text.as_bytes(), &mut ingested, &self.ingest_options)?;
        Ok(Corpus::from(ingested))
    }

    /// Runs every stage on files and directories.
    pub fn run(&self, paths: &[PathBuf]) -> Result<Timeline, Error> {
        self.run_corpus(self.read(paths)?)
    }

    /// Runs every stage on in-memory text.
    pub fn run_text(&self, name: &str, text: &str) -> Result<Timeline, Error> {
        self.run_corpus(self.read_text(name, text)?)
    }

    /// Runs the stages after reading. Fails when the inputs hold no text at all.
    pub fn run_corpus(&self, corpus: Corpus) -> Result<Timeline, Error> {
        let (mut timeline, windows) = self.run_corpus_streamed(corpus)?;
        timeline.windows.extend(windows);
        Ok(timeline)
    }

    /// [`Pipeline::run_corpus`], leaving the window reports to be made one at a
    /// time: the [`Timeline`] holds none of them (its statistics count them
    /// all), and [`WindowReports`] makes them in the order of
    /// [`Timeline::windows`], for [`crate::emit::write_formats_with`], so that a
    /// run of very many windows never holds them all.
    pub fn run_corpus_streamed(&self, corpus: Corpus) -> Result<(Timeline, WindowReports), Error> {
        self.pool.install(|| {
            let mut ingested = corpus.ingested;
            let (counted, plan, tapes) = self.count_ingested(&mut ingested, self.discovers())?;
            let windows = plan.groups.iter().map(|g| g.windows.clone()).collect();
            self.assemble(counted, windows, Some((&ingested, tapes)))
        })
    }

    /// Counts what was read into a shard for [`Pipeline::merge`]: every stage up
    /// to and including the counting pass, with this run's counting options.
    pub fn count(&self, corpus: Corpus) -> Result<ShardFile, Error> {
        self.pool.install(|| {
            let mut ingested = corpus.ingested;
            // A shard sees part of the span that `window` auto would choose by:
            // refused before counting, on the test that puts a run on instants.
            let dated = self.config.anchor().is_some()
                || ingested
                    .sources
                    .iter()
                    .any(|s| s.axis == Some(crate::time::TimeAxis::Instant));
            if self.config.window == WindowLength::Auto && dated {
                return Err(crate::window::WindowError::AutoInShard.into());
            }
            let (counted, _, _) = self.count_ingested(&mut ingested, false)?;
            Ok(ShardFile::new(counted, self.counting_options()))
        })
    }

    /// The options shards counted for this pipeline must have been counted with.
    pub fn counting_options(&self) -> CountingOptions {
        self.config.counting_options()
    }

    /// Counts what was read: every stage up to and including the counting pass.
    /// Phrases have not yet claimed their words.
    /// Whether themes are discovered from the text (no lexicon, discovery on).
    fn discovers(&self) -> bool {
        self.lexicon.is_none() && self.config.discover_options().is_some()
    }

    /// Plans and counts every timeline of `ingested`; with `tapes`, also records
    /// each timeline's chunks for theme discovery (see [`tape`]).
    fn count_ingested(
        &self,
        ingested: &mut Ingested,
        tapes: bool,
    ) -> Result<(Counted, Plan, Vec<Option<ChunkTape>>), Error> {
        if ingested.segment_count() == 0 {
            return Err(Error::NoText {
                inputs: ingested.sources.len(),
                diagnostics: ingested.diagnostics.len(),
            });
        }
        let plan = self.timings.time("plan", || self.plan(ingested))?;
        let mut groups = Vec::with_capacity(plan.groups.len());
        let mut recorded = Vec::with_capacity(plan.groups.len());
        for group in &plan.groups {
            let feed = self.feed(ingested, group);
            let kept = self.phrases_to_count(&feed, &plan.languages, group.passages.as_ref())?;
            let placing = Placing {
                windows: &group.windows,
                kept: &kept,
                languages: &plan.languages,
                grids: &group.grids,
                passages: group.passages.as_ref(),
            };
            self.timings.progress().stage("count");
            let started = std::time::Instant::now();
            // Counting per speaker costs a second count of every token: only for
            // text that names its speakers, or when timelines are per speaker.
            let (builder, by_speaker, spoken, tape) = self.counting_pass(
                &feed,
                placing,
                self.config.group_by == crate::config::GroupBy::Speaker
                    || group.has_speakers(ingested),
                tapes,
            )?;
            recorded.push(tape);
            let windows = group.windows.len_to(group.extent.end);
            let counts = builder.finish(windows);
            let speakers = by_speaker
                .map(|s| s.finish(&ingested.speakers, counts.windows.len()))
                .unwrap_or_default();
            self.timings.add("count", started.elapsed());
            groups.push(CountedGroup {
                source: group.source.clone(),
                extent: group.extent,
                phrases: kept.keys(),
                counts,
                speakers,
                spoken,
                passages: group.left_out.clone(),
                grids: group
                    .grids
                    .iter()
                    .enumerate()
                    .filter_map(|(source, grid)| grid.map(|g| (source as u32, g)))
                    .collect(),
            });
        }
        // The text has been read for the last time (the chunks theme discovery
        // cuts were recorded while counting): the workers' word caches go.
        rayon::broadcast(|_| crate::tokenize::release_caches());
        let counted = Counted {
            axis: plan.axis,
            sources: ingested.sources.clone(),
            documents: u64::from(ingested.documents),
            segments: ingested.segment_count(),
            diagnostics: ingested
                .diagnostics
                .iter()
                .take(MAX_LISTED_DIAGNOSTICS)
                .cloned()
                .collect(),
            diagnostic_counts: ingested
                .diagnostic_counts()
                .into_iter()
                .map(|(kind, n)| (kind.to_string(), n))
                .collect(),
            groups,
        };
        Ok((counted, plan, recorded))
    }

    /// Adds up shards written by [`Pipeline::count`] (with their paths, in the
    /// order their inputs would have been read) and runs the rest of the
    /// pipeline on the sum. Every shard must have been counted with this
    /// pipeline's counting options. Themes are the lexicon's: discovering them
    /// needs the text, which shards do not hold.
    pub fn merge(&self, shards: Vec<(String, ShardFile)>) -> Result<Timeline, Error> {
        let (mut timeline, windows) = self.merge_streamed(shards)?;
        timeline.windows.extend(windows);
        Ok(timeline)
    }

    /// [`Pipeline::merge`], the window reports made one at a time as they are
    /// taken (see [`Pipeline::run_corpus_streamed`]).
    pub fn merge_streamed(
        &self,
        shards: Vec<(String, ShardFile)>,
    ) -> Result<(Timeline, WindowReports), Error> {
        self.pool.install(|| {
            let spec = self.config.window_spec();
            let counted = shard::merge(
                shards,
                &self.counting_options(),
                self.config.boilerplate,
                &spec,
                &self.config.tz,
            )?;
            let windows = counted
                .groups
                .iter()
                .map(|g| {
                    Windows::resolve(&spec, counted.axis, g.extent, &self.config.tz, |_| {
                        Vec::new()
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            self.assemble(counted, windows, None)
        })
    }

    /// The passages of what was read, for [`Pipeline::select_passages`]: how
    /// many of its documents hold each, which the boilerplate rule needs over
    /// the whole corpus of a timeline, counted shard by shard. Refused with
    /// `group-by` source, where each timeline is one input that one shard holds
    /// whole and finds its own boilerplate in.
    pub fn passages(&self, corpus: Corpus) -> Result<PassageFile, Error> {
        if self.config.group_by == crate::config::GroupBy::Source {
            return Err(ShardError::MinePerSource.into());
        }
        let ingested = corpus.ingested;
        if ingested.segment_count() == 0 {
            return Err(Error::NoText {
                inputs: ingested.sources.len(),
                diagnostics: ingested.diagnostics.len(),
            });
        }
        self.pool.install(|| {
            let (documents, tally) = self.passage_tally(&ingested)?;
            Ok(PassageFile::new(
                documents,
                &tally.into_sorted(),
                self.counting_options(),
            ))
        })
    }

    /// The boilerplate passages every shard's [`Pipeline::mine`] and
    /// [`Pipeline::count`] should leave out (a phrase list of passages only, for
    /// their `phrase-list`), from the passage files of [`Pipeline::passages`]
    /// with their paths: those a run over all their documents would find. Every
    /// file must have been read with this pipeline's counting options. With
    /// `boilerplate` off, none.
    pub fn select_passages(&self, files: Vec<(String, PassageFile)>) -> Result<PhraseList, Error> {
        let options = self.counting_options();
        for (path, file) in &files {
            check_options(path, &file.options, &options)?;
        }
        if self.config.boilerplate == crate::score::Boilerplate::Off {
            return Ok(PhraseList::passages(None));
        }
        let documents = files.iter().map(|(_, f)| f.documents).sum();
        let counted: Vec<Vec<(u64, u32)>> = files.iter().map(|(_, f)| f.counted()).collect();
        let parts: Vec<&[(u64, u32)]> = counted.iter().map(Vec::as_slice).collect();
        let boilerplate = crate::tokenize::passages::boilerplate_of_parts(documents, &parts);
        Ok(PhraseList::passages(Some(PassageSelection {
            documents,
            boilerplate: boilerplate.into_iter().map(PassageHash).collect(),
        })))
    }

    /// The phrase candidates of what was read, for [`Pipeline::select`]: the
    /// first pass of phrase mining, which needs the whole corpus of a timeline,
    /// done shard by shard, in text without the boilerplate passages of the
    /// `phrase-list` (of [`Pipeline::select_passages`]). Refused with `group-by`
    /// source, where each timeline is one input that one shard holds whole and
    /// mines itself.
    pub fn mine(&self, corpus: Corpus) -> Result<CandidateFile, Error> {
        if self.config.group_by == crate::config::GroupBy::Source {
            return Err(ShardError::MinePerSource.into());
        }
        self.pool.install(|| {
            let mut ingested = corpus.ingested;
            let plan = self.plan(&mut ingested)?;
            let mut miner = Miner::new();
            for group in &plan.groups {
                let feed = self.feed(&ingested, group);
                miner.merge(self.mining_pass(&feed, &plan.languages, group.passages.as_ref())?);
            }
            // Timelines per source were refused above, so there is one: what it
            // left out is the file's.
            let left_out = plan.groups.first().map_or(
                PassagesLeftOut {
                    documents: 0,
                    found: shard::PassagesFound::Off,
                },
                |group| group.left_out.clone(),
            );
            Ok(CandidateFile::new(
                &miner,
                self.counting_options(),
                left_out,
            ))
        })
    }

    /// The phrases every shard's [`Pipeline::count`] should count (its
    /// `phrase-list`), from the candidate files of [`Pipeline::mine`] with their
    /// paths, with the boilerplate passages they were mined without. Every file
    /// must have been mined with this pipeline's counting options, and without
    /// the passages a run over all their documents would leave out.
    pub fn select(&self, candidates: Vec<(String, CandidateFile)>) -> Result<PhraseList, Error> {
        let options = self.counting_options();
        for (path, file) in &candidates {
            check_options(path, &file.options, &options)?;
        }
        let left_out = PassagesLeftOut::combine(
            candidates
                .iter()
                .map(|(path, f)| (path.as_str(), &f.passages)),
            self.config.boilerplate,
        )?;
        let mut miner = Miner::new();
        for (_, file) in candidates {
            miner.merge(file.into_miner());
        }
        Ok(PhraseList::new(
            miner.kept(&self.phrases),
            left_out.selection(),
        ))
    }
}

/// Refuses a file written with other counting options than `options`.
fn check_options(
    path: &str,
    found: &CountingOptions,
    options: &CountingOptions,
) -> Result<(), Error> {
    let differences = shard::differences(found, options);
    if differences.is_empty() {
        return Ok(());
    }
    Err(ShardError::MinedOptions {
        path: path.to_string(),
        differences: differences.join(", "),
    }
    .into())
}

#[cfg(test)]
mod tests;
