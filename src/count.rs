//! Per-window term counts that merge: the one place where work is split and joined.
//!
//! Counting is map-then-merge. Each worker (a thread's share of the segments, or
//! later a shard on another machine) fills its own [`CountBuilder`] with no
//! coordination, and builders merge by adding counts. Addition of integers is
//! associative and commutative, and [`CountBuilder::finish`] sorts the vocabulary,
//! so the resulting [`Counts`] is identical however the work was split: this is
//! what makes output byte-identical for any number of threads.
//!
//! Terms are stems, or phrase candidates (several stems, see
//! [`crate::tokenize::phrases`]). Each term also keeps how often each surface form
//! produced it, overall and per window, so that people read `security` (or
//! `OpenTelemetry`), never the stem `secur`.

use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::time::Millis;
use crate::tokenize::TokenStats;

pub mod claim;
mod documents;
mod filed;
pub mod packed;
pub mod speakers;
pub mod units;

use documents::DocumentTally;
use filed::Filed;
pub use packed::Packed;
use units::UnitBuilder;
pub use units::{Pause, UnitCounts, UnitGrid};

/// A term's index in [`Counts::terms`]; ids follow the terms' sorted order.
pub type TermId = u32;

/// A surface form's index in [`Counts::forms`].
pub type FormId = u32;

/// One term of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TermInfo {
    /// The term: a stem, or a phrase's stems and connectors joined by spaces.
    pub term: String,
    /// Occurrences in the whole run (each token once, even with sliding windows).
    pub total: u64,
    /// For a phrase, the stems of its content words; empty for a single word.
    pub components: Vec<String>,
    /// Its surface forms: a range of [`Counts::forms`].
    pub forms: Range<FormId>,
    /// In how many documents it occurs.
    #[serde(default)]
    pub documents: u64,
}

impl TermInfo {
    /// Whether the term is a phrase.
    pub fn is_phrase(&self) -> bool {
        !self.components.is_empty()
    }
}

/// A surface form of a term: the word (or words) as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FormInfo {
    /// The form as written, case kept.
    pub form: String,
    /// Its term.
    pub term: TermId,
    /// Occurrences in the whole run.
    pub total: u64,
}

/// The counts of one window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WindowCounts {
    /// Documents with a segment starting in the window.
    pub documents: u64,
    /// Segments that start in the window.
    pub segments: u64,
    /// Tokens (kept words) placed in the window.
    pub tokens: u64,
    /// `(term, count)` pairs, sorted by term id.
    #[schemars(with = "Vec<(TermId, u64)>")]
    pub terms: Packed,
    /// `(form, count)` pairs, sorted by form id (so grouped by term).
    #[schemars(with = "Vec<(FormId, u64)>")]
    pub forms: Packed,
}

/// Finished, canonical counts of a run: the vocabulary in sorted order and the
/// counts of every window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Counts {
    /// The vocabulary, sorted by term; a term's position is its [`TermId`].
    pub terms: Vec<TermInfo>,
    /// Surface forms, sorted by term and then form.
    pub forms: Vec<FormInfo>,
    /// Counts per window index.
    pub windows: Vec<WindowCounts>,
    /// What the analyzer saw.
    pub tokens: TokenStats,
    /// The end of the latest segment counted.
    pub extent: Millis,
    /// How many documents were counted.
    #[serde(default)]
    pub documents: u64,
    /// Counts per short unit of time of each recording, for segmentation (none for
    /// dated documents).
    #[serde(default, skip_serializing_if = "UnitCounts::is_empty")]
    pub units: UnitCounts,
}

/// How a term is labelled from its surface forms: the most frequent spelling
/// ignoring case, written with its most frequent case when at least two thirds of
/// its uses agree (`AI`, `OpenTelemetry`, `Kubernetes`), else in lower case
/// (`security`, though sentences start with `Security`). Ties go to the
/// alphabetically first.
pub fn label<'a>(forms: impl Iterator<Item = (&'a str, u64)>) -> String {
    let mut by_folded: Vec<(String, &'a str, u64)> =
        forms.map(|(f, n)| (f.to_lowercase(), f, n)).collect();
    by_folded.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(b.1)));
    let mut best: Option<(&str, u64, &'a str, u64)> = None;
    let mut i = 0;
    while i < by_folded.len() {
        let folded = by_folded[i].0.as_str();
        let group = by_folded[i..].iter().take_while(|g| g.0 == folded);
        let (total, top_form, top_count) = group.fold((0, "", 0), |(t, f, c), g| {
            if g.2 > c {
                (t + g.2, g.1, g.2)
            } else {
                (t + g.2, f, c)
            }
        });
        let len = by_folded[i..].iter().take_while(|g| g.0 == folded).count();
        if best.is_none_or(|(bf, bt, _, _)| total > bt || (total == bt && folded < bf)) {
            best = Some((folded, total, top_form, top_count));
        }
        i += len;
    }
    match best {
        Some((folded, total, top_form, top_count)) => {
            if top_count * 3 >= total * 2 {
                top_form.to_string()
            } else {
                folded.to_string()
            }
        }
        None => String::new(),
    }
}

impl Counts {
    /// The counts of the union of two inputs.
    pub fn merge(self, other: Counts) -> Counts {
        let windows = self.windows.len().max(other.windows.len());
        let mut builder = CountBuilder::from(self);
        builder.merge(CountBuilder::from(other));
        builder.finish(windows)
    }

    /// Looks a term up by its text.
    pub fn find(&self, term: &str) -> Option<TermId> {
        self.terms
            .binary_search_by(|t| t.term.as_str().cmp(term))
            .ok()
            .map(|i| i as TermId)
    }

    /// A term's label over the whole run.
    pub fn label(&self, term: TermId) -> String {
        let info = &self.terms[term as usize];
        label(self.forms_of(info.forms.clone()))
    }

    /// A term's label in one window (its overall label if absent there).
    pub fn window_label(&self, window: usize, term: TermId) -> String {
        let info = &self.terms[term as usize];
        let range = info.forms.clone();
        let mut forms = self.windows[window]
            .forms
            .iter()
            .skip_while(|&(f, _)| f < range.start)
            .take_while(|&(f, _)| f < range.end)
            .peekable();
        if forms.peek().is_none() {
            return self.label(term);
        }
        label(forms.map(|(f, n)| (self.forms[f as usize].form.as_str(), n)))
    }

    fn forms_of(&self, range: Range<FormId>) -> impl Iterator<Item = (&str, u64)> {
        self.forms[range.start as usize..range.end as usize]
            .iter()
            .map(|f| (f.form.as_str(), f.total))
    }

    /// Keeps only the terms for which `keep` is true, and their forms and counts.
    pub fn retain(self, keep: &[bool]) -> Counts {
        let windows = self.windows.len();
        let mut builder = CountBuilder::from(self);
        builder.retain(keep);
        builder.finish(windows)
    }
}

/// A term while counting: its key and, for phrases, its components.
#[derive(Debug, Clone)]
struct TermEntry {
    key: Box<str>,
    components: Vec<Box<str>>,
}

/// Accumulates counts; one per worker, merged at the end.
#[derive(Debug, Default)]
pub struct CountBuilder {
    ids: FxHashMap<Box<str>, TermId>,
    terms: Vec<TermEntry>,
    /// Surface form → its id in `forms`. A surface form almost always belongs to
    /// one term (the same word stems the same way); the rare exception (one
    /// spelling in two languages' stemmers) goes to `other_form_ids`.
    form_ids: FxHashMap<Box<str>, FormId>,
    other_form_ids: FxHashMap<(TermId, Box<str>), FormId>,
    /// (form, term, total).
    forms: Vec<(Box<str>, TermId, u64)>,
    /// Term and form counts per window.
    windows: Vec<Filed>,
    /// The windows counted in since the last [`CountBuilder::end_batch`].
    touched: Vec<u32>,
    /// The windows counted in during the batch before: packed at the end of this
    /// one unless counted in again.
    idle: Vec<u32>,
    filing: filed::Scratch,
    tallies: Vec<Tally>,
    tokens: TokenStats,
    extent: Millis,
    units: UnitBuilder,
    documents: DocumentTally,
}

/// Per-window totals besides term counts.
#[derive(Debug, Clone, Default)]
struct Tally {
    segments: u64,
    tokens: u64,
    /// Documents seen in this process. A set, because one document's segments may
    /// be counted by several workers.
    documents: FxHashSet<u32>,
    /// Documents counted elsewhere (a finished [`Counts`] keeps only the number).
    documents_elsewhere: u64,
    /// The document last inserted into `documents` (a window's segments mostly
    /// come from one document in a row).
    last_document: Option<u32>,
}

impl CountBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        CountBuilder::default()
    }

    fn intern(&mut self, term: &str, components: &[&str]) -> TermId {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = TermId::try_from(self.terms.len()).expect("fewer than 2^32 distinct terms");
        self.terms.push(TermEntry {
            key: term.into(),
            components: components.iter().map(|c| (*c).into()).collect(),
        });
        self.ids.insert(term.into(), id);
        id
    }

    fn form(&mut self, term: TermId, surface: &str) -> FormId {
        // Looked up by `&str`: almost every token repeats a known form, and the hot
        // path must not allocate.
        let existing = self.form_ids.get(surface).copied();
        if let Some(id) = existing
            && self.forms[id as usize].1 == term
        {
            return id;
        }
        if existing.is_some()
            && let Some(&id) = self.other_form_ids.get(&(term, Box::from(surface)))
        {
            return id;
        }
        let id = FormId::try_from(self.forms.len()).expect("fewer than 2^32 forms");
        self.forms.push((surface.into(), term, 0));
        if existing.is_some() {
            self.other_form_ids.insert((term, surface.into()), id);
        } else {
            self.form_ids.insert(surface.into(), id);
        }
        id
    }

    fn grow(&mut self, windows: usize) {
        if self.windows.len() < windows {
            self.windows.resize_with(windows, Filed::default);
            self.tallies.resize_with(windows, Tally::default);
        }
    }

    fn count(&mut self, term: TermId, surface: &str, windows: Range<usize>) {
        let form = self.form(term, surface);
        self.forms[form as usize].2 += 1;
        self.grow(windows.end);
        for w in windows {
            self.add_in(w, term, form);
        }
    }

    /// Counts a token of `term` written `form` in window `w`, noted as counted
    /// in during this batch.
    #[inline]
    fn add_in(&mut self, w: usize, term: TermId, form: FormId) {
        let filed = &mut self.windows[w];
        if !filed.touched {
            filed.touched = true;
            self.touched.push(w as u32);
        }
        filed.add(term, form, &mut self.filing);
    }

    /// A batch of segments ends: the windows counted in during the batch before
    /// but not in this one are packed (see `count::filed`), and so are the units (see
    /// [`units`]). Text is read in time order, so these are windows the counting
    /// has moved past; a window counted in again is unpacked, which costs time,
    /// never a count.
    pub fn end_batch(&mut self) {
        for w in std::mem::take(&mut self.idle) {
            let filed = &mut self.windows[w as usize];
            if !filed.touched {
                filed.pack(&mut self.filing);
            }
        }
        for &w in &self.touched {
            self.windows[w as usize].touched = false;
        }
        self.idle = std::mem::take(&mut self.touched);
        self.units.end_batch();
    }

    /// Counts one token of `term`, written `surface` in the text, in each window of
    /// `windows`.
    pub fn add(&mut self, term: &str, surface: &str, windows: Range<usize>) {
        self.add_at(term, surface, windows, None);
    }

    /// [`CountBuilder::add`], also counting the token in the unit `unit` of its
    /// recording (see [`units`]). Returns the term's id in this builder (see
    /// [`CountBuilder::term_keys`]).
    pub fn add_at(
        &mut self,
        term: &str,
        surface: &str,
        windows: Range<usize>,
        unit: Option<u32>,
    ) -> TermId {
        let id = self.add_token(term, surface, windows);
        self.documents.term(id);
        if let Some(unit) = unit {
            self.units.add(unit, id);
        }
        id
    }

    /// The terms counted so far, by this builder's ids (which are not those of
    /// the finished [`Counts`]: `finish` sorts the vocabulary).
    pub fn term_keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.terms.iter().map(|t| &*t.key)
    }

    /// Counts a token; returns its term's id.
    fn add_token(&mut self, term: &str, surface: &str, windows: Range<usize>) -> TermId {
        self.grow(windows.end);
        for w in windows.clone() {
            self.tallies[w].tokens += 1;
        }
        // Almost every token repeats a known spelling of a known term: one lookup
        // by its surface form finds both.
        if let Some(&form) = self.form_ids.get(surface) {
            let id = self.forms[form as usize].1;
            if &*self.terms[id as usize].key == term {
                self.forms[form as usize].2 += 1;
                for w in windows {
                    self.add_in(w, id, form);
                }
                return id;
            }
        }
        let id = self.intern(term, &[]);
        self.count(id, surface, windows);
        id
    }

    /// Counts one occurrence of a phrase candidate made of the stems `components`.
    /// Phrases are not tokens: window token totals do not change.
    pub fn add_phrase(
        &mut self,
        term: &str,
        surface: &str,
        components: &[&str],
        windows: Range<usize>,
    ) {
        self.add_phrase_at(term, surface, components, windows, None);
    }

    /// [`CountBuilder::add_phrase`], also counting the occurrence in `unit`.
    /// Returns the phrase's id in this builder.
    pub fn add_phrase_at(
        &mut self,
        term: &str,
        surface: &str,
        components: &[&str],
        windows: Range<usize>,
        unit: Option<u32>,
    ) -> TermId {
        let id = self.intern(term, components);
        self.count(id, surface, windows);
        self.documents.term(id);
        if let Some(unit) = unit {
            self.units.add(unit, id);
        }
        id
    }

    /// Notes a segment start where a chapter boundary at the edge before `unit`
    /// may be placed.
    pub fn add_pause(&mut self, unit: u32, pause: Pause) {
        self.units.pause(unit, pause);
    }

    /// Records a segment of `document` starting in `windows` and ending at `end`.
    pub fn add_segment(&mut self, windows: Range<usize>, document: u32, end: Millis) {
        self.documents.segment(document);
        self.grow(windows.end);
        for w in windows {
            let tally = &mut self.tallies[w];
            tally.segments += 1;
            if tally.last_document != Some(document) {
                tally.documents.insert(document);
                tally.last_document = Some(document);
            }
        }
        self.extent = self.extent.max(end);
    }

    /// A worker's contiguous piece of the text ends: its last document may go on
    /// in a piece another builder counts (see [`CountBuilder::merge`]).
    pub fn end_piece(&mut self) {
        self.documents.end_piece();
    }

    /// Adds the analyzer's statistics.
    pub fn add_token_stats(&mut self, stats: &TokenStats) {
        self.tokens.merge(stats);
    }

    /// Adds another builder's counts into this one.
    pub fn merge(&mut self, other: CountBuilder) {
        let remap: Vec<TermId> = other
            .terms
            .iter()
            .map(|t| {
                let components: Vec<&str> = t.components.iter().map(|c| &**c).collect();
                self.intern(&t.key, &components)
            })
            .collect();
        let mut form_remap: Vec<FormId> = Vec::with_capacity(other.forms.len());
        for (form, term, total) in other.forms {
            let id = self.form(remap[term as usize], &form);
            self.forms[id as usize].2 += total;
            form_remap.push(id);
        }
        self.grow(other.windows.len());
        // Window by window, each packed once added: the two builders' windows are
        // never held as vectors at once.
        for (w, theirs) in other.windows.into_iter().enumerate() {
            let (mut terms, mut forms) = theirs.into_filed(&mut self.filing);
            if terms.is_empty() && forms.is_empty() {
                continue;
            }
            for pair in &mut terms {
                pair.0 = remap[pair.0 as usize];
            }
            terms.sort_unstable();
            for pair in &mut forms {
                pair.0 = form_remap[pair.0 as usize];
            }
            forms.sort_unstable();
            let mine = &mut self.windows[w];
            mine.add_filed(&terms, &forms);
            mine.pack(&mut self.filing);
        }
        for (mine, theirs) in self.tallies.iter_mut().zip(other.tallies) {
            mine.segments += theirs.segments;
            mine.tokens += theirs.tokens;
            mine.documents.extend(theirs.documents);
            mine.documents_elsewhere += theirs.documents_elsewhere;
        }
        self.tokens.merge(&other.tokens);
        self.extent = self.extent.max(other.extent);
        self.units.merge(other.units, &remap);
        self.documents.merge(other.documents, &remap);
    }

    /// Drops the terms (indexed by this builder's ids) for which `keep` is false.
    fn retain(&mut self, keep: &[bool]) {
        let dropped: FxHashSet<TermId> = (0..self.terms.len() as TermId)
            .filter(|&t| !keep[t as usize])
            .collect();
        if dropped.is_empty() {
            return;
        }
        let forms = &self.forms;
        for window in &mut self.windows {
            window.retain(
                &mut self.filing,
                |t| !dropped.contains(&t),
                |f| !dropped.contains(&forms[f as usize].1),
            );
        }
        // Ids stay as they are; `finish` leaves out terms that no window counts and
        // that no form refers to.
        for form in &mut self.forms {
            if dropped.contains(&form.1) {
                form.2 = 0;
            }
        }
        for &t in &dropped {
            self.terms[t as usize].key = Box::from("");
        }
        self.units.retain(|t| !dropped.contains(&t));
    }

    /// Sorts the vocabulary and freezes the counts, with at least `windows` windows.
    pub fn finish(mut self, windows: usize) -> Counts {
        self.grow(windows);
        let (frequency, documents) = std::mem::take(&mut self.documents).finish();
        // Terms emptied by `retain` have an empty key and go.
        let mut order: Vec<TermId> = (0..self.terms.len() as TermId)
            .filter(|&t| !self.terms[t as usize].key.is_empty())
            .collect();
        // Sorting and converting are the serial tail of a counting pass; both run
        // in parallel (the order is total, so the result is the same).
        order.par_sort_unstable_by(|&a, &b| {
            self.terms[a as usize].key.cmp(&self.terms[b as usize].key)
        });
        let mut new_id = vec![TermId::MAX; self.terms.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as TermId;
        }

        let mut form_order: Vec<FormId> = (0..self.forms.len() as FormId)
            .filter(|&f| new_id[self.forms[f as usize].1 as usize] != TermId::MAX)
            .collect();
        form_order.par_sort_unstable_by(|&a, &b| {
            let (fa, ta, _) = &self.forms[a as usize];
            let (fb, tb, _) = &self.forms[b as usize];
            new_id[*ta as usize]
                .cmp(&new_id[*tb as usize])
                .then_with(|| fa.cmp(fb))
        });
        let mut new_form = vec![FormId::MAX; self.forms.len()];
        for (new, &old) in form_order.iter().enumerate() {
            new_form[old as usize] = new as FormId;
        }
        let forms: Vec<FormInfo> = form_order
            .iter()
            .map(|&old| {
                let (form, term, total) = &self.forms[old as usize];
                FormInfo {
                    form: form.to_string(),
                    term: new_id[*term as usize],
                    total: *total,
                }
            })
            .collect();

        let mut terms: Vec<TermInfo> = order
            .iter()
            .map(|&old| {
                let entry = &self.terms[old as usize];
                TermInfo {
                    term: entry.key.to_string(),
                    total: 0,
                    components: entry.components.iter().map(|c| c.to_string()).collect(),
                    forms: 0..0,
                    documents: frequency.get(old as usize).copied().unwrap_or(0),
                }
            })
            .collect();
        let mut start = 0usize;
        for (t, info) in terms.iter_mut().enumerate() {
            let end = start
                + forms[start..]
                    .iter()
                    .take_while(|f| f.term as usize == t)
                    .count();
            info.forms = start as FormId..end as FormId;
            info.total = forms[start..end].iter().map(|f| f.total).sum();
            start = end;
        }

        let windows = self
            .windows
            .into_par_iter()
            .zip(self.tallies)
            .map_init(filed::Scratch::default, |scratch, (filed, tally)| {
                let (mut terms, mut forms) = filed.into_filed(scratch);
                terms.retain(|&(_, n)| n > 0);
                for pair in &mut terms {
                    pair.0 = new_id[pair.0 as usize];
                }
                terms.sort_unstable();
                forms.retain(|&(_, n)| n > 0);
                for pair in &mut forms {
                    pair.0 = new_form[pair.0 as usize];
                }
                forms.sort_unstable();
                WindowCounts {
                    documents: tally.documents.len() as u64 + tally.documents_elsewhere,
                    segments: tally.segments,
                    tokens: tally.tokens,
                    terms: Packed::from_sorted(&terms),
                    forms: Packed::from_sorted(&forms),
                }
            })
            .collect();
        Counts {
            terms,
            forms,
            windows,
            tokens: self.tokens,
            extent: self.extent,
            units: self.units.finish(&new_id),
            documents,
        }
    }
}

impl From<Counts> for CountBuilder {
    fn from(counts: Counts) -> Self {
        let mut builder = CountBuilder {
            tokens: counts.tokens,
            extent: counts.extent,
            units: UnitBuilder::from_counts(counts.units),
            ..CountBuilder::default()
        };
        for info in &counts.terms {
            let components: Vec<&str> = info.components.iter().map(String::as_str).collect();
            builder.intern(&info.term, &components);
        }
        builder.documents.add_counted(
            counts
                .terms
                .iter()
                .enumerate()
                .map(|(t, info)| (t as TermId, info.documents)),
            counts.documents,
        );
        for form in &counts.forms {
            let id = builder.form(form.term, &form.form);
            builder.forms[id as usize].2 = form.total;
        }
        builder.grow(counts.windows.len());
        for (w, window) in counts.windows.into_iter().enumerate() {
            builder.windows[w] = Filed::packed(window.terms, window.forms);
            builder.tallies[w] = Tally {
                segments: window.segments,
                tokens: window.tokens,
                documents: FxHashSet::default(),
                documents_elsewhere: window.documents,
                last_document: None,
            };
        }
        builder
    }
}

#[cfg(test)]
mod tests;
